import XCTest
@testable import PinganKit

/// Seed 003: 「在2012年的安全感测评中安全感达95%以上，2013年达到98%以上」.
final class PerceptionTargetsTests: XCTestCase {
    func testTargetsAreByYearSeededWithTheSeedsTwo() {
        let t = PerceptionTargets.seed003
        XCTAssertEqual(t.target(for: 2012), 0.95)
        XCTAssertEqual(t.target(for: 2013), 0.98, "issue 25: the 2013 page said 目标 95.0 %")
        XCTAssertEqual(t.target(for: 2026), 0.98, "a target stands until the district sets a new one")
        XCTAssertEqual(t.sourceYear(for: 2026), 2013)
        XCTAssertEqual(t.target(for: 2010), 0.95, "before the first row: the first row's target")
        XCTAssertEqual(PerceptionTargets([2012: 0.95, 2013: 0.98, 2025: 0.96]).target(for: 2026), 0.96)
        XCTAssertEqual(PerceptionTargets([:]).target(for: 2026), 0.95)
        XCTAssertEqual(t.problems, [])
        XCTAssertFalse(PerceptionTargets([2012: 0.4]).problems.isEmpty)
        XCTAssertFalse(PerceptionTargets([:]).problems.isEmpty)
    }

    func testTextRoundTripAndJSON() throws {
        XCTAssertEqual(PerceptionTargets.seed003.text, "2012:95, 2013:98")
        XCTAssertEqual(PerceptionTargets.parse("2012:95, 2013：98%"), .seed003)
        XCTAssertEqual(PerceptionTargets.parse("2024:96.5")?.target(for: 2024) ?? 0, 0.965, accuracy: 1e-12)
        XCTAssertEqual(PerceptionTargets([2024: 0.965]).text, "2024:96.5")
        XCTAssertNil(PerceptionTargets.parse("2012=95"))
        XCTAssertNil(PerceptionTargets.parse("2012:95, 2012:98"))
        XCTAssertNil(PerceptionTargets.parse(""))
        let enc = JSONEncoder(); enc.outputFormatting = .sortedKeys
        let json = try enc.encode(PerceptionTargets.seed003)
        XCTAssertEqual(String(decoding: json, as: UTF8.self), #"[{"target":0.95,"year":2012},{"target":0.98,"year":2013}]"#)
        XCTAssertEqual(try JSONDecoder().decode(PerceptionTargets.self, from: json), .seed003)
    }

    /// "Meets the target" is the seed's plain reading (达…以上: at or above); the interval's judgement is separate.
    func testMeetsIsThePlainReadingAndTheIntervalIsASecondJudgement() {
        let a = PerceptionVerdict(safe: 95, total: 100, target: 0.95)
        XCTAssertEqual(a.meetsTarget, true, "95/100 = 95.0 % meets 95 % (it read 无显著差别)")
        XCTAssertEqual(a.statistical, .indistinguishable)
        let b = PerceptionVerdict(safe: 960, total: 1000, target: 0.95)
        XCTAssertEqual(b.meetsTarget, true, "960/1,000 = 96.0 % meets 95 %")
        XCTAssertEqual(b.statistical, .indistinguishable)
        let c = PerceptionVerdict(safe: 390, total: 400, target: 0.98)
        XCTAssertEqual(c.meetsTarget, false, "97.5 % is below 98 % (it read 'cannot tell')")
        XCTAssertEqual(c.statistical, .indistinguishable)
        let d = PerceptionVerdict(safe: 9_900, total: 10_000, target: 0.98)
        XCTAssertEqual(d.meetsTarget, true); XCTAssertEqual(d.statistical, .above)
        let e = PerceptionVerdict(safe: 800, total: 1_000, target: 0.95)
        XCTAssertEqual(e.meetsTarget, false); XCTAssertEqual(e.statistical, .below)
        XCTAssertEqual(PerceptionVerdict(safe: 9_799, total: 10_000, target: 0.98).meetsTarget, false, "exact: 97.99 % is not 98 %")
        XCTAssertEqual(PerceptionVerdict(safe: 49, total: 50, target: 0.98).meetsTarget, true, "exactly 98 %")
        let none = PerceptionVerdict(safe: 0, total: 0, target: 0.95)
        XCTAssertNil(none.meetsTarget); XCTAssertNil(none.statistical); XCTAssertNil(none.share)
        XCTAssertEqual(PerceptionVerdict.Statistical.indistinguishable.nameZh, "与目标无显著差别")
    }

    func testCompositeIndexSaysTheSeedsReadingFirst() {
        let unit = IndexUnitInput(id: "c1", name: "德兴社区", population: 10_000, counts: [:], filed: 0, solved: 0, respondents: 100, satisfied: 95)
        let r = CompositeIndex.compute([unit], perceptionTarget: 0.95)
        XCTAssertEqual(r.units[0].perceptionMeetsTarget, true)
        XCTAssertEqual(r.units[0].perceptionStatistical, .indistinguishable)
        XCTAssertTrue(r.units[0].reasonsZh.contains { $0.contains("目标 95.0%：达标") && $0.contains("统计判断：与目标无显著差别") }, "\(r.units[0].reasonsZh)")
    }
}
