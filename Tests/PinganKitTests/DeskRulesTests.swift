import XCTest
@testable import PinganKit

final class DeskRulesTests: XCTestCase {
    func day(_ s: String) -> LocalDay { LocalDay(s)! }

    func testMonthlyAlertIsCurrentOnlyForThisAndLastMonth() {
        let today = day("2026-12-06")
        XCTAssertEqual(DeskRules.alertCutoff(.month, today: today), day("2026-11-01"))
        XCTAssertTrue(DeskRules.isCurrentAlert(period: .month, periodStart: day("2026-12-01"), closed: false, today: today))
        XCTAssertTrue(DeskRules.isCurrentAlert(period: .month, periodStart: day("2026-11-01"), closed: false, today: today))
        // The example: an October alert is not December's news.
        XCTAssertFalse(DeskRules.isCurrentAlert(period: .month, periodStart: day("2026-10-01"), closed: false, today: today))
        XCTAssertFalse(DeskRules.isCurrentAlert(period: .month, periodStart: day("2026-12-01"), closed: true, today: today))
        // Across a year's end.
        XCTAssertEqual(DeskRules.alertCutoff(.month, today: day("2027-01-15")), day("2026-12-01"))
    }

    func testWeeklyAlertIsCurrentForThisAndLastWeek() {
        let today = day("2026-12-06")   // a Sunday: the week began on Monday 30 November
        XCTAssertEqual(DeskRules.alertCutoff(.week, today: today), day("2026-11-23"))
        XCTAssertTrue(DeskRules.isCurrentAlert(period: .week, periodStart: day("2026-11-23"), closed: false, today: today))
        XCTAssertFalse(DeskRules.isCurrentAlert(period: .week, periodStart: day("2026-11-16"), closed: false, today: today))
        XCTAssertEqual(DeskRules.alertCutoff(.week, today: day("2026-11-30")), day("2026-11-23"))
    }

    func testPresenceStanding() {
        let wed = day("2026-12-02")   // Wednesday: Wed…Sun is five days
        XCTAssertEqual(DeskRules.presence(daysPresent: 3, required: 3, today: wed, loggedToday: true), .met)
        XCTAssertEqual(DeskRules.presence(daysPresent: 0, required: 3, today: wed, loggedToday: false), .onTrack)
        let sat = day("2026-12-05")   // Saturday and Sunday left
        XCTAssertEqual(DeskRules.presence(daysPresent: 1, required: 3, today: sat, loggedToday: false), .atRisk)
        XCTAssertEqual(DeskRules.presence(daysPresent: 1, required: 3, today: sat, loggedToday: true), .missed)  // only Sunday left
        XCTAssertEqual(DeskRules.presence(daysPresent: 0, required: 3, today: sat, loggedToday: false), .missed)
        let sun = day("2026-12-06")
        XCTAssertEqual(DeskRules.presence(daysPresent: 2, required: 3, today: sun, loggedToday: false), .atRisk)
        XCTAssertEqual(DeskRules.presence(daysPresent: 2, required: 3, today: sun, loggedToday: true), .missed)
    }
}
