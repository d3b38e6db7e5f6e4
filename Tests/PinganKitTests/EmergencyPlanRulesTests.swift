import XCTest
@testable import PinganKit

/// The emergency plans' rules: what an approval needs, the drill clock, what is overdue, the steps read from the text.
final class EmergencyPlanRulesTests: XCTestCase {
    func day(_ s: String) -> LocalDay { LocalDay(s)! }

    func testMonthsAddedKeepTheDayOrTheMonthsLast() {
        XCTAssertEqual(day("2026-01-31").adding(months: 1), day("2026-02-28"))
        XCTAssertEqual(day("2028-01-31").adding(months: 1), day("2028-02-29"))
        XCTAssertEqual(day("2026-11-15").adding(months: 3), day("2027-02-15"))
        XCTAssertEqual(day("2026-03-31").adding(months: -1), day("2026-02-28"))
        XCTAssertEqual(day("2026-06-30").adding(months: 12), day("2027-06-30"))
    }

    func testTheDrillClockStartsAtTheLastDrillOrTheFirstApproval() {
        XCTAssertEqual(EmergencyPlanRules.nextDrill(lastDrill: nil, approvedOn: day("2026-01-05"), intervalMonths: 12), day("2027-01-05"))
        XCTAssertEqual(EmergencyPlanRules.nextDrill(lastDrill: day("2026-08-31"), approvedOn: day("2026-01-05"), intervalMonths: 6), day("2027-02-28"))
    }

    func testOnlyAnApprovedPlanIsOverdueAndTheDueDayIsOnTime() {
        let today = day("2026-12-07")
        XCTAssertEqual(EmergencyPlanRules.dues(status: .approved, reviewDue: day("2026-12-07"), nextDrill: day("2026-12-07"), today: today), [])
        XCTAssertEqual(EmergencyPlanRules.dues(status: .approved, reviewDue: day("2026-12-06"), nextDrill: day("2026-12-08"), today: today), [.review])
        XCTAssertEqual(EmergencyPlanRules.dues(status: .approved, reviewDue: day("2027-01-01"), nextDrill: day("2026-11-30"), today: today), [.drill])
        XCTAssertEqual(EmergencyPlanRules.dues(status: .draft, reviewDue: day("2020-01-01"), nextDrill: day("2020-01-01"), today: today), [])
        XCTAssertEqual(EmergencyPlanRules.dues(status: .superseded, reviewDue: day("2020-01-01"), nextDrill: nil, today: today), [])
    }

    func testAnApprovalNeedsUnitsStepsAndAReviewDayAhead() {
        let today = day("2026-12-07")
        XCTAssertEqual(Set(EmergencyPlanRules.approvalGaps(units: 0, steps: ["  "], reviewDue: day("2026-12-06"), today: today).keys), ["units", "steps", "reviewDueOn"])
        XCTAssertTrue(EmergencyPlanRules.approvalGaps(units: 1, steps: ["启动预案"], reviewDue: today, today: today).isEmpty)
    }

    func testStepsDropTypedNumberingButKeepFigures() {
        XCTAssertEqual(EmergencyPlanRules.steps("1. 接警后报告\r\n2、疏散群众\n\n 3）设置警戒 \n2小时内续报\n10：启动响应"),
                       ["接警后报告", "疏散群众", "设置警戒", "2小时内续报", "启动响应"])
    }
}

final class ActivationReportTests: XCTestCase {
    func testTheReportCountsStepsAndMinutesFromTheStart() {
        let start = Date(timeIntervalSince1970: 1_800_000_000)
        let steps = [ActivationStepFact(text: "报告", outcome: .done, at: start.addingTimeInterval(9 * 60 + 59)),
                     ActivationStepFact(text: "警戒", outcome: .done, at: start.addingTimeInterval(40 * 60)),
                     ActivationStepFact(text: "转移", outcome: .skipped, at: start.addingTimeInterval(50 * 60)),
                     ActivationStepFact(text: "评估", outcome: .open, at: nil)]
        let r = ActivationReport.of(start: start, end: start.addingTimeInterval(95 * 60), now: start.addingTimeInterval(200 * 60), steps: steps)
        XCTAssertEqual(r.minutes, 95)
        XCTAssertEqual(r.lines.map(\.minutesAfterStart), [9, 40, 50, nil])
        XCTAssertEqual([r.done, r.skipped, r.open], [2, 1, 1])
        XCTAssertEqual(r.sentence(chinese: true), "历时95分钟，4项处置步骤完成2项、跳过1项、未完成1项")
        XCTAssertEqual(ActivationReport.of(start: start, end: nil, now: start.addingTimeInterval(30 * 60), steps: []).minutes, 30, "still running: up to now")
    }

    /// 「steps late」: a step's own words give its limit; done after it, or open past it, is late.
    func testAStepsTimeLimitComesFromItsTextAndMakesItLate() {
        XCTAssertEqual(EmergencyPlanRules.stepLimit("接警后10分钟内报街道应急办"), 10)
        XCTAssertEqual(EmergencyPlanRules.stepLimit("事发单位在30分钟内电话报区应急办，1小时内书面报告"), 30, "the first limit")
        XCTAssertEqual(EmergencyPlanRules.stepLimit("两小时内续报"), 120)
        XCTAssertEqual(EmergencyPlanRules.stepLimit("半小时内到场"), 30)
        XCTAssertEqual(EmergencyPlanRules.stepLimit("二十四个小时内完成初步核查"), 1440)
        XCTAssertEqual(EmergencyPlanRules.stepLimit("十五分钟内设置警戒"), 15)
        XCTAssertEqual(EmergencyPlanRules.stepLimit("3天内提交评估报告"), 4320)
        XCTAssertNil(EmergencyPlanRules.stepLimit("疏散群众，设置警戒"))
        XCTAssertNil(EmergencyPlanRules.stepLimit("区内各单位按职责到位"), "内 without a time unit")
        XCTAssertNil(EmergencyPlanRules.stepLimit("分钟内到场"), "no number")

        let start = Date(timeIntervalSince1970: 1_800_000_000)
        let steps = [ActivationStepFact(text: "10分钟内报告", outcome: .done, at: start.addingTimeInterval(10 * 60 + 59)),
                     ActivationStepFact(text: "30分钟内警戒", outcome: .done, at: start.addingTimeInterval(31 * 60)),
                     ActivationStepFact(text: "1小时内转移", outcome: .skipped, at: start.addingTimeInterval(90 * 60)),
                     ActivationStepFact(text: "2小时内评估", outcome: .open, at: nil),
                     ActivationStepFact(text: "善后", outcome: .open, at: nil)]
        let ended = ActivationReport.of(start: start, end: start.addingTimeInterval(150 * 60), now: start, steps: steps)
        XCTAssertEqual(ended.lines.map(\.limitMinutes), [10, 30, 60, 120, nil])
        XCTAssertEqual(ended.lines.map(\.late), [false, true, false, true, false], "10:59 is within 10 minutes; skipped is not late; open past 2 h is")
        XCTAssertEqual(ended.sentence(chinese: true), "历时150分钟，5项处置步骤完成2项、跳过1项、未完成2项，其中2项超出时限")
        let running = ActivationReport.of(start: start, end: nil, now: start.addingTimeInterval(100 * 60), steps: steps)
        XCTAssertEqual(running.lines.map(\.late), [false, true, false, false, false], "still within the 2 hours")
    }
}
