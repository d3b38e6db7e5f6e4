import XCTest
@testable import PinganKit

final class EarlyWarningTests: XCTestCase {
    func series(_ counts: [Int], period: WarningPeriod = .month, kind: WarningUnitKind = .community) -> WarningSeries {
        WarningSeries(unitID: "440113001001", unitName: "测试社区", unitKind: kind, period: period, counts: counts)
    }

    func testWheelerZ() {
        // 2(√16 − √4) = 4; 2(√9 − √9) = 0
        XCTAssertEqual(EarlyWarning.wheelerZ(observed: 16, expected: 4), 4, accuracy: 1e-12)
        XCTAssertEqual(EarlyWarning.wheelerZ(observed: 9, expected: 9), 0, accuracy: 1e-12)
        XCTAssertEqual(EarlyWarning.wheelerZ(observed: 0, expected: 0), 0)
    }

    func testSamePeriodPreviousYearsExpected() {
        // 3 years of months; month 36 (4th year's first) compared with months 24, 12, 0.
        var counts = [Int](repeating: 1, count: 37)
        counts[0] = 3; counts[12] = 4; counts[24] = 5
        let e = EarlyWarning.expected(counts, at: 36, period: .month,
                                      baseline: .samePeriodPreviousYears(years: 3, halfWindow: 0))
        XCTAssertEqual(e?.mu, 4); XCTAssertEqual(e?.periods, 3)
        // ±1 window: (1+3+1)... months 11,12,13, 23,24,25, -1(skipped),0,1
        let w = EarlyWarning.expected(counts, at: 36, period: .month,
                                      baseline: .samePeriodPreviousYears(years: 3, halfWindow: 1))
        XCTAssertEqual(w?.mu ?? 0, Double(1 + 4 + 1 + 1 + 5 + 1 + 3 + 1) / 8, accuracy: 1e-12)
        XCTAssertNil(EarlyWarning.expected([1, 2, 3], at: 2, period: .month,
                                           baseline: .samePeriodPreviousYears(years: 3, halfWindow: 0)))
        XCTAssertEqual(EarlyWarning.expected([2, 4, 6, 9], at: 3, period: .week, baseline: .trailingMean(periods: 2))?.mu, 5)
    }

    func testPoissonAlarmWithReason() {
        // Same month of previous years: 4, 4, 4 → μ = 4; this month 16 → z = 4 ≥ 3.
        var counts = [Int](repeating: 4, count: 37)
        counts[36] = 16
        var config = EarlyWarningConfig()
        config.ruleEnabled = false
        let alerts = EarlyWarning.evaluate([series(counts)], config: config)
        XCTAssertEqual(alerts.count, 1)
        let a = alerts[0]
        XCTAssertEqual(a.rule, .poissonExceedance)
        XCTAssertEqual(a.observed, 16)
        XCTAssertEqual(a.baseline, 4)
        XCTAssertEqual(a.z ?? 0, 4, accuracy: 1e-12)
        XCTAssertEqual(a.reasonZh, "本月16起，往年同期均值4.0起，Wheeler z = 4.00 ≥ 3.0")
        XCTAssertEqual(a.reasonEn, "16 cases this month against 4.0 expected (mean of the same month in previous years); Wheeler z = 4.00 ≥ 3.0")
        // z = 2(√12 − 2) = 2.93 < 3: no alarm
        counts[36] = 12
        XCTAssertTrue(EarlyWarning.evaluate([series(counts)], config: config).isEmpty)
    }

    func testMinimumCountGuard() {
        // μ = 0.1, x = 4: z = 2(2 − 0.316) = 3.37 ≥ 3 but x < 5 → quiet. x = 5 → alarm.
        var counts = [Int](repeating: 0, count: 25)
        counts[0] = 0; counts[12] = 0
        var config = EarlyWarningConfig()
        config.baseline = .trailingMean(periods: 10)
        config.ruleEnabled = false
        counts[14] = 1 // trailing mean of months 14..23 = 0.1
        counts[24] = 4
        XCTAssertTrue(EarlyWarning.evaluate([series(counts)], config: config).isEmpty)
        counts[24] = 5
        XCTAssertEqual(EarlyWarning.evaluate([series(counts)], config: config).map(\.rule), [.poissonExceedance])
        config.minCount = 6
        XCTAssertTrue(EarlyWarning.evaluate([series(counts)], config: config).isEmpty)
    }

    func testFallbackToTrailingMeanWithoutPreviousYear() {
        let counts = [2, 2, 2, 2, 2, 2, 2, 2, 14]
        let alerts = EarlyWarning.evaluate([series(counts, period: .week)])
        XCTAssertEqual(alerts.first?.rule, .poissonExceedance)
        XCTAssertEqual(alerts.first?.baseline, 2)
        XCTAssertTrue(alerts.first!.reasonZh.contains("前8周均值（无往年数据）"), alerts.first!.reasonZh)
        var config = EarlyWarningConfig()
        config.fallbackTrailingPeriods = nil
        config.ruleEnabled = false
        XCTAssertTrue(EarlyWarning.evaluate([series(counts, period: .week)], config: config).isEmpty)
    }

    func testIncreaseRule() {
        // Previous month 6 → this month 9: +50.0 %, ≥ 5 cases → fires on 环比. Same month last year 8 → +12.5 %: no.
        var counts = [Int](repeating: 7, count: 13)
        counts[0] = 8; counts[11] = 6; counts[12] = 9
        var config = EarlyWarningConfig()
        config.zThreshold = 99
        let alerts = EarlyWarning.evaluate([series(counts)], config: config)
        XCTAssertEqual(alerts.count, 1)
        XCTAssertEqual(alerts[0].rule, .increase)
        XCTAssertEqual(alerts[0].comparison, .previousPeriod)
        XCTAssertEqual(alerts[0].change, 0.5)
        XCTAssertEqual(alerts[0].reasonZh, "本月9起，较上月6起上升50.0%（升幅 ≥ 50% 且 ≥ 5起）")
        XCTAssertEqual(alerts[0].reasonEn, "9 cases this month, up 50.0% on 6 in the previous month (rule: up ≥ 50% and ≥ 5 cases)")
        // 2 → 4 is +100 % but only 4 cases: quiet.
        XCTAssertTrue(EarlyWarning.evaluate([series([2, 4])], config: config).isEmpty)
        // 0 → 5 fires unless disabled.
        XCTAssertEqual(EarlyWarning.evaluate([series([0, 5])], config: config).first?.reasonZh, "本月5起，由0起增至5起（升幅 ≥ 50% 且 ≥ 5起）")
        config.ruleFiresFromZero = false
        XCTAssertTrue(EarlyWarning.evaluate([series([0, 5])], config: config).isEmpty)
    }

    func testEvaluateAtIndexAndLabels() {
        let s = WarningSeries(unitID: "S1", unitName: "市桥派出所", unitKind: .station, period: .month,
                              counts: [4, 10, 4], labels: ["2026-01", "2026-02", "2026-03"])
        var config = EarlyWarningConfig()
        config.zThreshold = 99
        let a = EarlyWarning.evaluate([s], at: 1, config: config)
        XCTAssertEqual(a.map(\.periodLabel), ["2026-02"])
        XCTAssertEqual(a.first?.unitKind, .station)
        XCTAssertTrue(EarlyWarning.evaluate([s], config: config).isEmpty)
    }
}
