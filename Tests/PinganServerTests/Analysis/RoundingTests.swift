import XCTest
import PinganKit
@testable import PinganServer

/// Issue 25: one rounding rule (half away from zero, as the tables) in the analysis report's narrative.
final class RoundingTests: XCTestCase {
    func testNarrativeRoundsClearanceAndShareLikeTheTables() {
        // 1 solved of 16 filed = 6.25 %: the table says 6.3 %, and so must the narrative (it said 「破案率6.2%」).
        // 16 cases, no two in one 3-hour window: the peak window holds 1 of 16 = 6.25 % as well.
        let hw = HourWeekdayTable([(weekday: 1, hour: 2)] + (0..<15).map { i in (weekday: 2 + i % 6, hour: (i * 5) % 24) })
        let prevent = PreventableFigures(current: 16, sameMonthLastYear: 0, lastMonth: 15, filed: 16, solved: 1)
        let (zh, en) = AnalysisReport.narrative(name: ("番禺区", "Panyu"), month: YearMonth(year: 2026, month: 3), all: 17, allPrev: 16, allLY: 0,
                                                prevent: prevent, clearance: 1.0 / 16, categories: [], hw: hw, rising: [], risingIsYoY: false)
        XCTAssertTrue(zh.contains("破案率6.3%"), zh)
        XCTAssertFalse(zh.contains("6.2%"), zh)
        XCTAssertTrue(en.contains("clearance 6.3%"), en)
        XCTAssertTrue(zh.contains("（1起，占6.3%）"), zh)
        XCTAssertTrue(zh.contains("环比上升6.3%"), zh)   // 15 → 16, the same figure through PercentChange
    }
}
