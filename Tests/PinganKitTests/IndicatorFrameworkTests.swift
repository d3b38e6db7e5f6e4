import XCTest
@testable import PinganKit

final class IndicatorFrameworkTests: XCTestCase {
    func testScoreIsLinearBetweenZeroPointAndTargetInBothDirections() {
        let up = IndicatorDefinition(.patrolsDone, target: 0.95, zero: 0.5, weight: 10)
        XCTAssertEqual(up.score(0.95), 100)
        XCTAssertEqual(up.score(1.0), 100, "beyond the target is still full marks")
        XCTAssertEqual(up.score(0.5), 0)
        XCTAssertEqual(up.score(0.2), 0, "below the zero point is 0, never negative")
        XCTAssertEqual(up.score(0.725)!, 50, accuracy: 1e-9)
        XCTAssertNil(up.score(nil))
        let down = IndicatorDefinition(.preventableChange, target: -0.1, zero: 0.3, weight: 10)
        XCTAssertEqual(down.direction, .lowerIsBetter, "cases: fewer is better by default")
        XCTAssertEqual(down.score(-0.5), 100)
        XCTAssertEqual(down.score(0.1)!, 50, accuracy: 1e-9)
        XCTAssertEqual(down.score(0.3), 0)
        XCTAssertEqual(down.score(2.0), 0)
    }

    func testMissingIndicatorIsLeftOutAndWeightsRescaled() {
        let f = IndicatorFramework(indicators: [
            .init(.patrolsDone, target: 1, zero: 0, weight: 30),
            .init(.perception, target: 1, zero: 0, weight: 10),
            .init(.clearance, target: 1, zero: 0, weight: 60, enabled: false),
        ])
        let r = IndicatorScoring.evaluate(f, [
            .init(id: "a", name: "甲", values: [.patrolsDone: .share(1, of: 2), .perception: IndicatorValue(0.9)]),
            .init(id: "b", name: "乙", values: [.perception: IndicatorValue(0.8)]),          // planned nothing
            .init(id: "c", name: "丙", values: [:]),
        ])
        let a = r.first { $0.id == "a" }!, b = r.first { $0.id == "b" }!, c = r.first { $0.id == "c" }!
        XCTAssertEqual(a.cells.map(\.metric), [.patrolsDone, .perception], "a switched-off indicator is not shown or scored")
        XCTAssertEqual(a.total!, (30 * 50 + 10 * 90) / 40.0, accuracy: 1e-9)
        XCTAssertEqual(a.cells.compactMap(\.points).reduce(0, +), a.total!, accuracy: 1e-9, "points add up to the total")
        XCTAssertEqual(b.total!, 80, accuracy: 1e-9, "only perception applies to b")
        XCTAssertNil(c.total); XCTAssertNil(c.rank)
        XCTAssertEqual(r.map(\.id), ["b", "a", "c"])
        XCTAssertEqual(r.map(\.rank), [1, 2, nil])
    }

    func testTiesShareARankAndTheNextRankIsSkipped() {
        let f = IndicatorFramework(indicators: [.init(.perception, target: 1, zero: 0, weight: 1)])
        let r = IndicatorScoring.evaluate(f, [("x", 0.9), ("y", 0.95), ("z", 0.9), ("w", 0.5)].map { .init(id: $0.0, name: $0.0, values: [.perception: IndicatorValue($0.1)]) })
        XCTAssertEqual(r.map(\.id), ["y", "x", "z", "w"])
        XCTAssertEqual(r.map(\.rank), [1, 2, 2, 4])
    }

    func testValidationNamesTheField() {
        var f = IndicatorFramework.defaults
        XCTAssertEqual(f.problems(), [:], "the defaults are valid")
        XCTAssertEqual(f.active.map(\.weight).reduce(0, +), 100)
        f.indicators[0].zero = 2            // higher is better, zero above the target
        f.indicators[1].weight = -1
        f.indicators[2].metric = .officersInPlace
        f.indicators[3].target = 50         // a share above 1
        f.hotGridMonths = 0
        let p = f.problems()
        XCTAssertEqual(p["indicators.0.zero"], .zeroOnWrongSide)
        XCTAssertEqual(p["indicators.1.weight"], .outOfRange("0–100"))
        XCTAssertEqual(p["indicators.2.metric"], .duplicate)
        XCTAssertEqual(p["indicators.3.target"], .outOfRange("0–1"))
        XCTAssertEqual(p["hotGridMonths"], .outOfRange("1–24"))
        var off = IndicatorFramework.defaults
        for i in off.indicators.indices { off.indicators[i].enabled = false }
        XCTAssertEqual(off.problems()["indicators"], .noneActive)
    }

    func testJSONRoundTripAndDefaultsForOmittedKeys() throws {
        let data = try JSONEncoder().encode(IndicatorFramework.defaults)
        XCTAssertEqual(try JSONDecoder().decode(IndicatorFramework.self, from: data), .defaults)
        let minimal = #"{"indicators":[{"metric":"preventable_per_10k","target":2,"zero":10,"weight":5}]}"#
        let f = try JSONDecoder().decode(IndicatorFramework.self, from: Data(minimal.utf8))
        XCTAssertEqual(f.indicators[0].direction, .lowerIsBetter)
        XCTAssertTrue(f.indicators[0].enabled)
        XCTAssertEqual(f.hotGridShare, 0.2); XCTAssertEqual(f.version, 1)
        XCTAssertThrowsError(try JSONDecoder().decode(IndicatorFramework.self, from: Data(#"{"indicators":[{"metric":"nope","target":1,"zero":0,"weight":1}]}"#.utf8)))
    }

    func testHotGridsTakeTheTopShareWithTiesAtTheCut() {
        let counts = [1: 9, 2: 5, 3: 5, 4: 1, 5: 0]
        XCTAssertEqual(HotGrids.select(counts: counts, gridCount: 10, share: 0.2), [1, 2, 3], "top 2 of 10, grid 3 ties grid 2")
        XCTAssertEqual(HotGrids.select(counts: counts, gridCount: 10, share: 0.1), [1])
        XCTAssertEqual(HotGrids.select(counts: counts, gridCount: 100, share: 0.5), [1, 2, 3, 4], "grids without cases are never hot")
        XCTAssertEqual(HotGrids.select(counts: [:], gridCount: 10, share: 0.2), [])
    }

    func testYearStandingAverageBestWorstAndRanks() {
        let s = YearStanding([MonthScore(month: "2026-01", score: 80, rank: 2), MonthScore(month: "2026-02", score: 70, rank: 5),
                              MonthScore(month: "2026-03", score: 90, rank: 1), MonthScore(month: "2026-04", score: nil, rank: nil),
                              MonthScore(month: "2026-05", score: 60, rank: 5)])
        XCTAssertEqual(s.monthsScored, 4)
        XCTAssertEqual(s.average!, 75, accuracy: 1e-9)
        XCTAssertEqual(s.averageRank!, 3.25, accuracy: 1e-9)
        XCTAssertEqual(s.best?.month, "2026-03")
        XCTAssertEqual(s.worst?.month, "2026-05", "same worst rank: the lower score")
        XCTAssertEqual(YearStanding.ranks([70, 80, nil, 70, 90]), [3, 2, nil, 3, 1])
        XCTAssertNil(YearStanding([]).average)
    }

    func testPatrolDosageJoinsTheCompositeOnlyWhereThereArePatrols() {
        let base = [IndexUnitInput(id: "a", name: "a", population: 1000, counts: ["burglary": 2], filed: 2, solved: 1),
                    IndexUnitInput(id: "b", name: "b", population: 1000, counts: ["burglary": 2], filed: 2, solved: 1)]
        let without = CompositeIndex.compute(base)
        XCTAssertNil(without.units[0].patrolScore, "no patrol records: not part of the index")
        var with = base
        with[0].patrolHours = 10; with[0].hotPatrolHours = 5
        with[1].patrolHours = 0; with[1].hotPatrolHours = 0
        let r = CompositeIndex.compute(with)
        let a = r.units.first { $0.id == "a" }!, b = r.units.first { $0.id == "b" }!
        XCTAssertEqual(a.hotPatrolShare!, 0.5, accuracy: 1e-12); XCTAssertEqual(a.patrolScore!, 50, accuracy: 1e-12)
        XCTAssertEqual(b.patrolScore, 0, "a unit that did not patrol scores 0, not 'no data'")
        let w = IndexWeights()
        let other = without.units.first { $0.id == "a" }!
        // No survey anywhere: perception drops out of both; patrol joins with its weight.
        let expected = (w.crime * other.crimeScore + w.clearance * other.clearanceScore + w.patrol * 50) / (w.crime + w.clearance + w.patrol)
        XCTAssertEqual(other.composite, (w.crime * other.crimeScore + w.clearance * other.clearanceScore) / (w.crime + w.clearance), accuracy: 1e-9)
        XCTAssertEqual(a.composite, expected, accuracy: 1e-9)
        XCTAssertEqual(r.units.map(\.id), ["a", "b"], "same crime and clearance: patrolling the hot grids decides")
        // Rules stored before the patrol weight existed still decode.
        let old = try! JSONDecoder().decode(IndexWeights.self, from: Data(#"{"crime":0.5,"clearance":0.25,"perception":0.25}"#.utf8))
        XCTAssertEqual(old, IndexWeights())
    }
}
