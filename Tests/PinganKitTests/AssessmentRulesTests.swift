import XCTest
@testable import PinganKit

/// Seed 003, fifth piece, 四.2 (ladder) and 五 (rewards), rule by rule; and the index statistics.
final class AssessmentRulesTests: XCTestCase {
    let jan = YearMonth(year: 2026, month: 1)

    /// Builds months where `riser` is the largest riser whenever its flag is true, and otherwise flat.
    func months(_ pattern: [Bool], riser: String = "A", risingButNotTop: Set<Int> = []) -> [(YearMonth, [CadreMonthInput])] {
        pattern.enumerated().map { i, top in
            var inputs = [CadreMonthInput(cadreID: "B", current: 5, previous: 4), CadreMonthInput(cadreID: "C", current: 5, previous: 4),
                          CadreMonthInput(cadreID: "D", current: 5, previous: 4), CadreMonthInput(cadreID: "E", current: 2, previous: 4)]
            if top { inputs.append(CadreMonthInput(cadreID: riser, current: 20, previous: 4)) }
            else if risingButNotTop.contains(i) { inputs.append(CadreMonthInput(cadreID: riser, current: 41, previous: 40)) }  // +2.5%, 4th
            else { inputs.append(CadreMonthInput(cadreID: riser, current: 4, previous: 4)) }
            return (jan.adding(months: i), inputs)
        }
    }
    func a(_ h: [[LadderStep]]) -> [LadderStep] { h.map { $0.first { $0.cadreID == "A" }! } }

    func testRankingTopThreeRisersNamed() {
        let inputs = [CadreMonthInput(cadreID: "x", current: 10, previous: 5),   // +100%
                      CadreMonthInput(cadreID: "y", current: 3, previous: 0),    // from 0: after every percentage rise
                      CadreMonthInput(cadreID: "z", current: 12, previous: 6),   // +100%, tied with x, larger absolute rise
                      CadreMonthInput(cadreID: "w", current: 11, previous: 10),  // +10%
                      CadreMonthInput(cadreID: "v", current: 2, previous: 9)]    // fell: not ranked
        XCTAssertEqual(CadreLadder.rankRisers(inputs).map(\.cadreID), ["z", "x", "w", "y"])
        XCTAssertEqual(CadreLadder.ranked(inputs).map(\.rank), [1, 1, 3, 4])
        let steps = CadreLadder.step(month: jan, inputs: inputs, states: [:])
        XCTAssertEqual(steps.filter(\.named).map(\.cadreID).sorted(), ["w", "x", "z"])
        XCTAssertEqual(steps.first { $0.cadreID == "w" }!.reasons, [.namedTopRiser(rank: 3)])
        XCTAssertEqual(steps.first { $0.cadreID == "x" }!.reasons, [.namedTiedRiser(rank: 1)])
        XCTAssertEqual(steps.first { $0.cadreID == "y" }!.level, .normal)
        XCTAssertNil(steps.first { $0.cadreID == "v" }!.riseRank)
        XCTAssertEqual(steps.first { $0.cadreID == "x" }!.change, "+100.0%")
    }

    /// Seed 003: 「在一个月内重点案件上升幅度在前三名的包片干部给予通报」 — cadres tied on the third-largest rise are all
    /// named; the tie used to go to the lower ID, and an identical rise was not named.
    func testEveryCadreTiedOnTheThirdLargestRiseIsNamed() {
        let inputs = [CadreMonthInput(cadreID: "a", current: 4, previous: 1),    // +300% → 1
                      CadreMonthInput(cadreID: "b", current: 3, previous: 1),    // +200% → 2
                      CadreMonthInput(cadreID: "c", current: 20, previous: 10),  // +100% → 3
                      CadreMonthInput(cadreID: "d", current: 20, previous: 10),  // +100% → 3 (identical to c)
                      CadreMonthInput(cadreID: "e", current: 4, previous: 2),    // +100% → 3 (same rise, smaller count)
                      CadreMonthInput(cadreID: "f", current: 11, previous: 10)]  // +10%  → 6
        let ranks = Dictionary(uniqueKeysWithValues: CadreLadder.ranked(inputs).map { ($0.cadreID, $0.rank) })
        XCTAssertEqual(ranks, ["a": 1, "b": 2, "c": 3, "d": 3, "e": 3, "f": 6])
        let steps = CadreLadder.step(month: jan, inputs: inputs, states: [:])
        XCTAssertEqual(steps.filter(\.named).map(\.cadreID), ["a", "b", "c", "d", "e"])
        XCTAssertEqual(steps.first { $0.cadreID == "d" }!.reasons, [.namedTiedRiser(rank: 3)])
        XCTAssertEqual(LadderReason.namedTiedRiser(rank: 3).textZh, "重点案件上升幅度并列第3名，通报")
        XCTAssertFalse(steps.first { $0.cadreID == "f" }!.named)
        // Two cadres tied for first with namedCount 1 are both named.
        let two = [CadreMonthInput(cadreID: "9", current: 2, previous: 1), CadreMonthInput(cadreID: "10", current: 2, previous: 1)]
        XCTAssertEqual(CadreLadder.step(month: jan, inputs: two, states: [:], rules: LadderRules(namedCount: 1)).filter(\.named).count, 2)
    }

    /// A rise from 0 (0 → 1) has no percentage: it ranks after every percentage rise, by its increase, and reads
    /// "from 0" — it used to be named first, ahead of 1 → 3 = +200%.
    func testARiseFromZeroRanksAfterThePercentageRises() {
        let inputs = [CadreMonthInput(cadreID: "x", current: 1, previous: 0),
                      CadreMonthInput(cadreID: "y", current: 3, previous: 1),    // +200%
                      CadreMonthInput(cadreID: "z", current: 6, previous: 5),    // +20%
                      CadreMonthInput(cadreID: "w", current: 4, previous: 0),    // from 0, +4
                      CadreMonthInput(cadreID: "v", current: 11, previous: 10)]  // +10%
        XCTAssertEqual(CadreLadder.ranked(inputs).map { "\($0.cadreID)\($0.rank)" }, ["y1", "z2", "v3", "w4", "x5"])
        let steps = CadreLadder.step(month: jan, inputs: inputs, states: [:])
        XCTAssertEqual(steps.filter(\.named).map(\.cadreID), ["y", "z", "v"])
        XCTAssertEqual(steps.first { $0.cadreID == "x" }!.change, "—", "no percentage")
        XCTAssertEqual(PercentChange.describe(current: 1, previous: 0, chinese: true), "由0增至1")
        XCTAssertEqual(PercentChange.describe(current: 1, previous: 0, chinese: false), "from 0 to 1")
        XCTAssertEqual(PercentChange.describe(current: 3, previous: 1, chinese: true), "+200.0%")
        XCTAssertEqual(PercentChange.describe(current: 0, previous: 0, chinese: true), "—")
        // With fewer than three percentage rises, a rise from 0 can be named — said as such.
        let few = [CadreMonthInput(cadreID: "x", current: 1, previous: 0), CadreMonthInput(cadreID: "y", current: 3, previous: 1),
                   CadreMonthInput(cadreID: "w", current: 4, previous: 0)]
        let s = CadreLadder.step(month: jan, inputs: few, states: [:])
        XCTAssertEqual(s.first { $0.cadreID == "w" }!.reasons, [.namedFromZero(rank: 2, increase: 4, tied: false)])
        XCTAssertEqual(s.first { $0.cadreID == "x" }!.reasons, [.namedFromZero(rank: 3, increase: 1, tied: false)])
        XCTAssertTrue(LadderReason.namedFromZero(rank: 2, increase: 4, tied: false).textZh.contains("由0起增加4起"))
        // Configured out of the ranking: never named for it, still rising for the ladder.
        let out = CadreLadder.step(month: jan, inputs: few, states: [:], rules: LadderRules(fromZero: .notRanked))
        XCTAssertNil(out.first { $0.cadreID == "w" }!.riseRank)
        XCTAssertEqual(out.filter(\.named).map(\.cadreID), ["y"])
        let feb = jan.adding(months: 1)
        var rect = LadderState(level: .rectification, rectificationUntil: feb, month: jan)
        rect.consecutiveNamed = 2
        let still = CadreLadder.step(month: feb, inputs: few, states: ["w": rect], rules: LadderRules(fromZero: .notRanked))
        XCTAssertEqual(still.first { $0.cadreID == "w" }!.level, .yellowCard, "0 → 4 is still a rise during rectification")
    }

    func testLadderRulesStoredWithoutFromZeroDecode() throws {
        let old = #"{"namedCount":3,"rectificationAfter":2,"yellowAfter":3,"rectificationMonths":2,"resetEachYear":true}"#
        XCTAssertEqual(try JSONDecoder().decode(LadderRules.self, from: Data(old.utf8)), .seed003)
    }

    func testNamedOnceThenNormal() {
        let s = a(CadreLadder.history(months([true, false])))
        XCTAssertEqual(s.map(\.level), [.named, .normal])
    }

    func testTwoConsecutiveGivesRectificationWithDeadline() {
        let s = a(CadreLadder.history(months([true, true])))
        XCTAssertEqual(s.map(\.level), [.named, .rectification])
        XCTAssertEqual(s[1].reasons, [.namedTopRiser(rank: 1), .namedConsecutive(months: 2)])
        XCTAssertEqual(s[1].state.rectificationUntil, YearMonth(year: 2026, month: 4))  // Feb + 2 months
    }

    func testThreeConsecutiveGivesYellowCard() {
        let s = a(CadreLadder.history(months([true, true, true])))
        XCTAssertEqual(s.map(\.level), [.named, .rectification, .yellowCard])
        // Rising during rectification is checked first: the third month is both.
        XCTAssertTrue(s[2].reasons.contains(.risingDuringRectification))
        // With a rule that looks at consecutive naming alone (no rectification step), three in a row is yellow.
        var rules = LadderRules(); rules.rectificationAfter = 2; rules.rectificationMonths = 1
        let t = a(CadreLadder.history(months([true, true, false, true, true, true]), rules: rules))
        XCTAssertEqual(t.map(\.level), [.named, .rectification, .rectification, .named, .rectification, .yellowCard])
    }

    func testRisingDuringRectificationWithoutBeingNamedGivesYellow() {
        let s = a(CadreLadder.history(months([true, true, false], risingButNotTop: [2])))
        XCTAssertEqual(s[2].riseRank, 4)
        XCTAssertFalse(s[2].named)
        XCTAssertEqual(s.map(\.level), [.named, .rectification, .yellowCard])
        XCTAssertEqual(s[2].reasons, [.risingDuringRectification])
    }

    func testRectificationCompletesWhenNotRising() {
        let s = a(CadreLadder.history(months([true, true, false, false, false])))
        XCTAssertEqual(s.map(\.level), [.named, .rectification, .rectification, .rectification, .normal])
        XCTAssertEqual(s[4].reasons, [.rectificationCompleted])
    }

    func testStillRisingAfterYellowCardNotEligible() {
        let s = a(CadreLadder.history(months([true, true, true, false, false], risingButNotTop: [4])))
        XCTAssertEqual(s.map(\.level), [.named, .rectification, .yellowCard, .yellowCard, .notEligible])
        XCTAssertEqual(s[4].reasons, [.risingAfterYellowCard])
    }

    func testNewYearResets() {
        var m = months([true, true, true])
        m = m.map { (ym, inputs) in (YearMonth(year: 2025, month: 10 + ym.month), inputs) }  // Nov, Dec, then 2026-01
        let s = a(CadreLadder.history(m))
        XCTAssertEqual(s.map(\.level), [.named, .rectification, .named])
        XCTAssertEqual(s[2].reasons.last, .yearReset)
    }

    func testConfigurableNamedCount() {
        let rules = LadderRules(namedCount: 1)
        let inputs = [CadreMonthInput(cadreID: "x", current: 10, previous: 5), CadreMonthInput(cadreID: "y", current: 30, previous: 5)]
        XCTAssertEqual(CadreLadder.step(month: jan, inputs: inputs, states: [:], rules: rules).filter(\.named).map(\.cadreID), ["y"])
        XCTAssertFalse(LadderRules(rectificationAfter: 3, yellowAfter: 3).problems().isEmpty)
    }

    // MARK: Rewards (seed 003 五)

    func testDecreaseTiers() {
        XCTAssertNil(CadreRewards.decreaseTier(current: 8, previous: 10))                    // −20%
        XCTAssertEqual(CadreRewards.decreaseTier(current: 7, previous: 10)?.amount, 150)      // exactly −30%
        XCTAssertEqual(CadreRewards.decreaseTier(current: 6, previous: 10)?.amount, 150)      // −40%
        XCTAssertEqual(CadreRewards.decreaseTier(current: 5, previous: 10)?.amount, 270)      // exactly −50%
        XCTAssertEqual(CadreRewards.decreaseTier(current: 1, previous: 10)?.amount, 270)      // −90%
        XCTAssertEqual(CadreRewards.decreaseTier(current: 0, previous: 10)?.amount, 300)      // −100%
        XCTAssertNil(CadreRewards.decreaseTier(current: 0, previous: 0))                      // nothing to decrease from
        XCTAssertNil(CadreRewards.decreaseTier(current: 12, previous: 10))
        XCTAssertEqual(CadreRewards.decreaseTier(current: 2, previous: 3)?.percent, 30)       // −33.3%
    }

    func testRecordsAndWatchRewardNeedsBoth() {
        XCTAssertEqual(CadreRewards.total(CadreRewards.lines(current: 5, previous: 5, recordsComplete: true, watchArranged: true)), 300)
        XCTAssertEqual(CadreRewards.total(CadreRewards.lines(current: 5, previous: 5, recordsComplete: true, watchArranged: false)), 0)
        XCTAssertEqual(CadreRewards.total(CadreRewards.lines(current: 5, previous: 5, recordsComplete: false, watchArranged: true)), 0)
        XCTAssertEqual(CadreRewards.total(CadreRewards.lines(current: 0, previous: 4, recordsComplete: true, watchArranged: true)), 600)
        let custom = RewardRules(recordsAndWatchAmount: 200, decreaseTiers: [.init(percent: 20, amount: 100)])
        XCTAssertEqual(CadreRewards.total(CadreRewards.lines(current: 8, previous: 10, recordsComplete: true, watchArranged: true, rules: custom)), 300)
        XCTAssertFalse(RewardRules(decreaseTiers: [.init(percent: 130, amount: 1)]).problems().isEmpty)
    }

    // MARK: Index statistics

    func testShrinkageTowardPooledRate() {
        // Seed 003: 56 filed, 47 solved (83.9%) as the district; a tiny unit with 1/1 is pulled far toward it.
        let units = [IndexStatistics.ShrinkageUnit(id: "big", successes: 42, trials: 50),
                     IndexStatistics.ShrinkageUnit(id: "small", successes: 1, trials: 1),
                     IndexStatistics.ShrinkageUnit(id: "mid", successes: 4, trials: 5)]
        let prior = IndexStatistics.betaPrior(units)
        XCTAssertEqual(prior.mean, 47.0 / 56.0, accuracy: 1e-12)
        let r = IndexStatistics.shrink(units)
        for x in r { XCTAssertEqual(x.shrunk, prior.mean, accuracy: 1e-12) }  // no excess variation: all pooled
        // Real between-unit variation: shrinkage is partial and stronger for smaller units.
        let varied = [IndexStatistics.ShrinkageUnit(id: "a", successes: 90, trials: 100), .init(id: "b", successes: 50, trials: 100),
                      .init(id: "c", successes: 70, trials: 100), .init(id: "d", successes: 2, trials: 2)]
        let p = IndexStatistics.betaPrior(varied)
        XCTAssertTrue(p.strength.isFinite && p.strength > 0)
        let s = IndexStatistics.shrink(varied)
        XCTAssertLessThan(s[3].shrunk, 1.0); XCTAssertGreaterThan(s[3].shrunk, p.mean)
        XCTAssertLessThan(s[3].weight, s[0].weight)
        XCTAssertEqual(s[0].shrunk, (90 + p.mean * p.strength) / (100 + p.strength), accuracy: 1e-12)
    }

    func testHarmRatiosAndFunnel() {
        let units = [IndexStatistics.HarmUnit(id: "a", population: 10_000, counts: ["burglary": 10, "robbery": 1]),
                     IndexStatistics.HarmUnit(id: "b", population: 30_000, counts: ["burglary": 10, "robbery": 1])]
        let r = IndexStatistics.harmRatios(units, weights: ["burglary": 1, "robbery": 5])
        // District: 20 burglaries, 2 robberies over 40k. a expects 5 + 0.5×5 = 7.5, observes 10 + 5 = 15.
        XCTAssertEqual(r[0].expected, 7.5, accuracy: 1e-9)
        XCTAssertEqual(r[0].observed, 15)
        XCTAssertEqual(r[0].ratio!, 2, accuracy: 1e-9)
        XCTAssertEqual(r[0].per10k!, 15, accuracy: 1e-9)
        XCTAssertEqual(r[0].nullVariance, 5 + 25 * 0.5, accuracy: 1e-9)
        // Total O equals total E.
        XCTAssertEqual(r.map(\.observed).reduce(0, +), r.map(\.expected).reduce(0, +), accuracy: 1e-9)
        // Unweighted: Spiegelhalter's 1 ± 1.96/√E.
        let l = IndexStatistics.ratioLimits(expected: 100, nullVariance: 100)
        XCTAssertEqual(l.upper95, 1.1959964, accuracy: 1e-6)
        XCTAssertEqual(l.lower998, 1 - 0.3090232, accuracy: 1e-6)
        XCTAssertEqual(IndexStatistics.signal(1.25, l), .high95)
        XCTAssertEqual(IndexStatistics.signal(1.35, l), .high998)
        XCTAssertEqual(IndexStatistics.signal(1.0, l), .within)
        let p = IndexStatistics.proportionLimits(p0: 0.839, n: 56)
        XCTAssertEqual(p.lower95, 0.839 - 1.959964 * (0.839 * 0.161 / 56).squareRoot(), accuracy: 1e-9)
    }

    func testWilson() {
        let w = IndexStatistics.wilson(95, of: 100)!
        XCTAssertEqual(w.low, 0.8882, accuracy: 1e-3)
        XCTAssertEqual(w.high, 0.9785, accuracy: 1e-3)
        XCTAssertNil(IndexStatistics.wilson(0, of: 0))
    }
}

final class CompositeIndexTests: XCTestCase {
    func testCrimeAndClearanceTogetherAndBreakdown() {
        // Equal populations; "bad" has three times the harm of the others and a perfect 1/1 clearance,
        // which a separate clearance league would put on top. Together it ranks last.
        var inputs: [IndexUnitInput] = []
        for i in 0..<8 { inputs.append(IndexUnitInput(id: "u\(i)", name: "U\(i)", population: 10_000, counts: ["burglary": 10 + i % 3], filed: 20, solved: 15 + i % 3, respondents: 100, satisfied: 95)) }
        inputs.append(IndexUnitInput(id: "bad", name: "Bad", population: 10_000, counts: ["burglary": 33], filed: 1, solved: 1))
        let r = CompositeIndex.compute(inputs)
        XCTAssertEqual(r.units.last?.id, "bad")
        let bad = r.units.first { $0.id == "bad" }!
        XCTAssertEqual(bad.clearanceRaw, 1.0)
        XCTAssertLessThan(bad.clearanceShrunk, 0.9, "one solved case says little: shrunk toward the district")
        XCTAssertEqual(bad.signal, .high998)
        XCTAssertGreaterThan(bad.shrunkRatio, 1.5)
        XCTAssertNil(bad.perception)
        XCTAssertEqual(bad.perceptionScore, 95, accuracy: 1e-9, "no survey: the district share")
        XCTAssertEqual(bad.reasonsZh.count, 3)
        XCTAssertEqual(r.units.map(\.rank), Array(1...9))
        // O sums to E over the district.
        XCTAssertEqual(r.units.map(\.observed).reduce(0, +), r.units.map(\.expected).reduce(0, +), accuracy: 1e-9)
    }
}
