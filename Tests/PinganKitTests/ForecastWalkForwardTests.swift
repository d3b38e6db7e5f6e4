import XCTest
@testable import PinganKit

final class ForecastWalkForwardTests: XCTestCase {
    let m = ForecastFixture.monday

    /// Two years of pseudo-random incidents before the Monday m.
    func history() -> [(day: Int, cx: Int, cy: Int, crime: String)] {
        var rng = SplitMix64(seed: 7)
        return (0..<600).map { _ in
            (m - 1 - Int(rng.next() % 730), Int(rng.next() % 10), Int(rng.next() % 10), rng.next() % 3 == 0 ? "A" : "B")
        }
    }

    func models(_ d: IncidentDataset) -> [HotspotModel] {
        [WindowCountsModel(weeks: 1), WindowCountsModel(weeks: 52), DecayedCountsModel(halfLifeWeeks: 52),
         QuarticKDEModel(dataset: d, bandwidth: 200, weeks: 26), ProspectiveModel(bandwidthCells: 2, weeks: 8),
         ETASGridModel(trainingDays: 365), ForecastDefaults.model(for: "Break and Enter"), ForecastDefaults.model(for: "All"),
         BlendModel(.init(backgroundHalfLife: 26, shortWeight: 1, shortHalfLife: 1, tieBreakWeight: 1e-4))]
    }

    /// The forecast for week t sees only incidents dated before its Monday: adding incidents on the Monday,
    /// later in the week or after it changes nothing, for every model and selector.
    func testIncidentsOnOrAfterMondayDoNotChangeTheForecast() {
        let base = history()
        let d0 = ForecastFixture.dataset(base)
        var later = base
        for (k, day) in [m, m, m + 3, m + 6, m + 7, m + 100].enumerated() { later.append((day, k % 10, 5, k % 2 == 0 ? "B" : "A")) }
        later.append((m, 0, 0, "C"))     // even a new crime type on the Monday
        let d1 = ForecastFixture.dataset(later)
        let cells = Array(0..<100)
        XCTAssertTrue(d1.history(before: m).points.allSatisfy { $0.day < m })
        for (a, b) in zip(models(d0), models(d1)) {
            for sel in [CrimeSelector.all, .type(0), .type(1)] {
                XCTAssertEqual(WalkForward.forecast(a, dataset: d0, crime: sel, weekStart: m, cells: cells),
                               WalkForward.forecast(b, dataset: d1, crime: sel, weekStart: m, cells: cells),
                               "\(a.label) \(sel) looked at incidents on or after Monday")
            }
        }
        // …whereas an incident on the Sunday before is seen.
        var sunday = base
        sunday.append((m - 1, 9, 9, "B"))
        let d2 = ForecastFixture.dataset(sunday)
        XCTAssertNotEqual(WalkForward.forecast(WindowCountsModel(weeks: 1), dataset: d0, crime: .all, weekStart: m, cells: cells),
                          WalkForward.forecast(WindowCountsModel(weeks: 1), dataset: d2, crime: .all, weekStart: m, cells: cells))
    }

    func testMaskAndWeekCounts() {
        let d = ForecastFixture.dataset([(m - 1, 1, 0, "B"), (m, 2, 0, "A"), (m - 400, 3, 0, "A"), (m + 6, 1, 0, "A"), (m + 7, 1, 0, "B")])
        XCTAssertEqual(d.mask(before: m), [1, 3])
        let week = d.counts(from: m, to: m + 7, crime: .all)
        XCTAssertEqual(week[1], 1); XCTAssertEqual(week[2], 1); XCTAssertEqual(week.reduce(0, +), 2)
        XCTAssertEqual(d.counts(from: m, to: m + 7, crime: .type(0)).reduce(0, +), 0)
        // Monday 00:00 to Sunday 24:00 by local date: m and m+6 are in, m−1 and m+7 are not.
        XCTAssertEqual(d.points(inWeekStarting: m).map(\.day), [m, m + 6])
        XCTAssertEqual(CivilDay.monday(of: m + 6), m)
        XCTAssertEqual(CivilDay.monday(of: m + 7), m + 7)
        XCTAssertEqual(CivilDay.monday(of: m - 1), m - 7)
    }

    func testTopKBreaksTiesByLowerCellIndex() {
        XCTAssertEqual(ForecastScore.topK([1, 3, 3, 0, 3], k: 2), [1, 2])
        XCTAssertEqual(ForecastScore.topK([0, 0, 0, 0], k: 3), [0, 1, 2])
        XCTAssertEqual(ForecastScore.topK([0, 2, 1, 2], k: 3), [1, 3, 2])
    }

    func testHitRatePAIAndPEIHandComputed() {
        // M = 250 cells: k = ⌈2.5⌉ = 3 at 1%. Week 1: flagged cells 0,1,2 hold 2+0+1 = 3 of N = 10; the best
        // three cells hold 4+2+2 = 8. Week 2: flagged 5,6,7 (scores) hold 1 of N = 2, best 2.
        var s = ForecastScore(fraction: 0.01, maskSize: 250)
        XCTAssertEqual(s.k, 3)
        var a1 = [Int](repeating: 0, count: 250); a1[0] = 2; a1[2] = 1; a1[10] = 4; a1[11] = 2; a1[12] = 1
        var sc1 = [Double](repeating: 0, count: 250); sc1[0] = 5; sc1[1] = 5; sc1[2] = 4
        s.add(scores: sc1, actual: a1)
        var a2 = [Int](repeating: 0, count: 250); a2[5] = 1; a2[100] = 1
        var sc2 = [Double](repeating: 0, count: 250); sc2[5] = 1; sc2[6] = 1; sc2[7] = 1
        s.add(scores: sc2, actual: a2)
        XCTAssertEqual(s.n, [3, 1]); XCTAssertEqual(s.N, [10, 2]); XCTAssertEqual(s.nStar, [8, 2])
        XCTAssertEqual(s.hitRate, 4.0 / 12, accuracy: 1e-12)
        XCTAssertEqual(s.pai, (4.0 / 12) / (3.0 / 250), accuracy: 1e-9)
        XCTAssertEqual(s.pei, 4.0 / 10, accuracy: 1e-12)
    }

    func testScoresAreRoundedToNanoUnits() {
        XCTAssertEqual(WalkForward.rounded(0.1 + 0.2), 0.3)
        XCTAssertEqual(WalkForward.rounded(1.0000000004), 1)
    }
}

