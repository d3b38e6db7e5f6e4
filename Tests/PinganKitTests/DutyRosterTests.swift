import XCTest
@testable import PinganKit

final class DutyRosterTests: XCTestCase {
    func testClockTimesAndWindowsAcrossMidnight() {
        XCTAssertEqual(ClockTime("7:05")?.minutes, 425)
        XCTAssertEqual(ClockTime("24:00")?.minutes, 1440)
        XCTAssertEqual(ClockTime("07:05")?.description, "07:05")
        for bad in ["24:01", "7:5", "25:00", "ab:cd", "", "12", "-1:00"] { XCTAssertNil(ClockTime(bad), bad) }
        let night = TimeWindow(start: ClockTime("22:00")!, end: ClockTime("02:00")!)
        XCTAssertEqual(night.minutes, 240)
        XCTAssertTrue(night.crossesMidnight)
        XCTAssertEqual(TimeWindow.schoolMorning.minutes, 90)
        XCTAssertEqual(TimeWindow.schoolAfternoon.start.description, "16:00")
    }

    func testTodaysDutyByWeekdayValidityAndStatus() {
        let monday = LocalDay("2026-03-02")!
        XCTAssertEqual(monday.weekday, 1)
        let school = DutySlot(id: "1", kind: .school, weekdays: [1, 2, 3, 4, 5], window: .schoolMorning)
        let shop = DutySlot(id: "2", kind: .shop, weekdays: [1, 6, 7], window: TimeWindow(start: ClockTime("19:00")!, end: ClockTime("23:00")!))
        let ended = DutySlot(id: "3", kind: .shop, weekdays: [1], window: .schoolAfternoon, until: LocalDay("2026-03-01"))
        let later = DutySlot(id: "4", kind: .school, weekdays: [1], window: .schoolAfternoon, from: LocalDay("2026-03-03"))
        let list = DutyRoster.today([shop, ended, school, later], day: monday, minute: 8 * 60)
        XCTAssertEqual(list.map(\.slot.id), ["1", "2"], "ordered by start; the ended and not-yet-valid slots are left out")
        XCTAssertEqual(list.map(\.status), [.onDuty, .upcoming])
        XCTAssertEqual(DutyRoster.today([school], day: monday, minute: 510).first?.status, .finished, "the end minute is no longer on duty")
        XCTAssertEqual(DutyRoster.today([school, shop], day: LocalDay("2026-03-07")!).map(\.slot.id), ["2"], "Saturday")
    }

    func testWeekdayText() {
        XCTAssertEqual(DutyRoster.weekdays("1,3 5"), [1, 3, 5])
        XCTAssertNil(DutyRoster.weekdays("08"))
        XCTAssertNil(DutyRoster.weekdays(""))
        XCTAssertEqual(DutyRoster.weekdaysText([5, 1, 3]), "135")
        XCTAssertTrue(RecruitmentStatus.suspended.counts)
        XCTAssertFalse(RecruitmentStatus.left.counts)
        XCTAssertFalse(RecruitmentStatus.applied.counts)
    }
}
