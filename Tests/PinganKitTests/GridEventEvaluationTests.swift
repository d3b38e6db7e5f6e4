import Foundation
import XCTest
@testable import PinganKit

/// 综合评价 on a constructed March 2026. Every figure is counted by hand below.
///
/// | event | grid | reporter | unit | reported | reg/decl | dispatched | deadline | handled | closed | rework | hours | rating |
/// |---|---|---|---|---|---|---|---|---|---|---|---|---|
/// | E1  | G1 | W1 | U1 | 03-02 09:00 | reg  | 03-02 10:00 | 03-05 10:00 | 03-04 16:00 (on time) | 03-05 09:00 | 0 | 14   | 满意 |
/// | E2  | G1 | W1 | U1 | 03-03 09:00 | reg  | 03-03 10:00 | 03-06 10:00 | 03-09 11:00 (late)    | 03-10 09:00 | 1 | 28   | 不满意 |
/// | E3  | G1 | W2 | U2 | 03-10 09:00 | reg  | 03-10 09:30 | 03-12 09:30 | 03-11 15:00 (on time) | —           | 0 | 8.5  | |
/// | E4  | G2 | W2 | U2 | 03-16 09:00 | reg  | 03-16 10:00 | 03-19 10:00 | —                     | —           | 0 |      | |
/// | E5  | G2 | W2 | —  | 03-20 09:00 | decl | | | | | | | |
/// | E6  | G2 | W1 | —  | 03-25 09:00 | reg  | (not yet) | | | | | | |
/// | E7  | G1 | W1 | U1 | 03-27 09:00 | reg  | 03-27 10:00 | 04-01 10:00 | 03-30 10:00           | 03-31 10:00 | 0 | 14   | 基本满意 |
/// | E8  | G2 | W2 | U2 | 02-25 09:00 | reg  | 02-26 10:00 | 03-03 10:00 | 03-03 09:00 (on time) | 03-04 10:00 | 0 | 21   | 满意 |
/// | E9  | G1 | W2 | U1 | 03-30 10:00 | reg  | 03-31 09:00 | 04-03 09:00 | —                     | —           | 0 |      | |
/// | E10 | G2 | —  | U2 | 03-05 09:00 | reg  | 03-05 10:00 | 03-06 10:00 | 03-06 10:00 (at the deadline: on time) | 04-02 10:00 | 1 | 7 | |
final class GridEventEvaluationTests: XCTestCase {
    let lc = LocalCalendar()
    func at(_ s: String) -> Date { lc.parseLocalDateTime("2026-" + s)! }
    func opt(_ s: String?) -> Date? { s.map(at) }

    lazy var facts: [GridEventFact] = {
        func f(_ id: String, _ grid: String, _ reporter: String?, _ unit: String?, _ reported: String, registered: Bool = true,
               declined: Bool = false, dispatched: String? = nil, deadline: String? = nil, handled: String? = nil, closed: String? = nil,
               rework: Int = 0, hours: Double? = nil, rating: GridEventSatisfaction? = nil) -> GridEventFact {
            GridEventFact(id: id, unitID: unit, gridID: grid, reporterID: reporter, categoryCode: "C0101", reportedAt: at(reported),
                          registered: registered, declined: declined, dispatchedAt: opt(dispatched), deadline: opt(deadline),
                          handledAt: opt(handled), closedAt: opt(closed), reworkCount: rework, handlingHours: hours, satisfaction: rating)
        }
        return [
            f("E1", "G1", "W1", "U1", "03-02 09:00", dispatched: "03-02 10:00", deadline: "03-05 10:00", handled: "03-04 16:00", closed: "03-05 09:00", hours: 14, rating: .satisfied),
            f("E2", "G1", "W1", "U1", "03-03 09:00", dispatched: "03-03 10:00", deadline: "03-06 10:00", handled: "03-09 11:00", closed: "03-10 09:00", rework: 1, hours: 28, rating: .dissatisfied),
            f("E3", "G1", "W2", "U2", "03-10 09:00", dispatched: "03-10 09:30", deadline: "03-12 09:30", handled: "03-11 15:00", hours: 8.5),
            f("E4", "G2", "W2", "U2", "03-16 09:00", dispatched: "03-16 10:00", deadline: "03-19 10:00"),
            f("E5", "G2", "W2", nil, "03-20 09:00", registered: false, declined: true),
            f("E6", "G2", "W1", nil, "03-25 09:00"),
            f("E7", "G1", "W1", "U1", "03-27 09:00", dispatched: "03-27 10:00", deadline: "04-01 10:00", handled: "03-30 10:00", closed: "03-31 10:00", hours: 14, rating: .fairlySatisfied),
            f("E8", "G2", "W2", "U2", "02-25 09:00", dispatched: "02-26 10:00", deadline: "03-03 10:00", handled: "03-03 09:00", closed: "03-04 10:00", hours: 21, rating: .satisfied),
            f("E9", "G1", "W2", "U1", "03-30 10:00", dispatched: "03-31 09:00", deadline: "04-03 09:00"),
            f("E10", "G2", nil, "U2", "03-05 09:00", dispatched: "03-05 10:00", deadline: "03-06 10:00", handled: "03-06 10:00", closed: "04-02 10:00", rework: 1, hours: 7),
        ]
    }()
    let march = YearMonth(year: 2026, month: 3)

    struct Figures: Equatable {
        var reported, registered, declined, dispatched, due, onTime, overdue, closed, handled, reworked: Int
    }
    func figures(_ r: GridEventEvaluationRow) -> Figures {
        Figures(reported: r.reported, registered: r.registered, declined: r.declined, dispatched: r.dispatched, due: r.due,
                onTime: r.handledOnTime, overdue: r.overdue, closed: r.closed, handled: r.handled, reworked: r.reworked)
    }

    func testTotal() {
        let t = GridEventEvaluation.table(facts, month: march, by: .unit).total
        // reported in March: all but E8 = 9; registered: all but E5 = 8; declined: E5.
        // dispatched in March: E1 E2 E3 E4 E7 E9 E10 = 7 (E8 in February, E6 not yet).
        // due (deadline in March): E1 E2 E3 E4 E8 E10 = 6 (E7, E9 fall due in April);
        // on time: E1 E3 E8 E10 = 4 (E10 exactly at its deadline); overdue: E2 (late), E4 (never) = 2.
        // closed of the 8 registered: E1 E2 E7 = 3 (E10 closed in April, E8 registered in February).
        // handled in March: E1 E2 E3 E7 E8 E10 = 6, reworked: E2 E10 = 2.
        XCTAssertEqual(figures(t), Figures(reported: 9, registered: 8, declined: 1, dispatched: 7, due: 6, onTime: 4, overdue: 2,
                                           closed: 3, handled: 6, reworked: 2))
        XCTAssertEqual(t.onTimeRate.percent, "66.7%")   // 4/6
        XCTAssertEqual(t.closureRate.percent, "37.5%")  // 3/8
        XCTAssertEqual(t.reworkRate.percent, "33.3%")   // 2/6
        // (14 + 28 + 8.5 + 14 + 21 + 7) / 6 = 92.5 / 6 = 15.42 → 15.4
        XCTAssertEqual(t.averageHandlingHours, 15.4)
        // Ratings of events closed in March: E1 满意, E2 不满意, E7 基本满意, E8 满意 → (2 + 1) / 4.
        XCTAssertEqual([t.satisfied, t.fairlySatisfied, t.dissatisfied], [2, 1, 1])
        XCTAssertEqual(t.satisfactionRate.percent, "75.0%")
    }

    func testPerUnit() {
        let table = GridEventEvaluation.table(facts, month: march, by: .unit)
        XCTAssertEqual(table.rows.map(\.key), ["U2", "U1"]) // by on-time rate: 75.0 % before 50.0 %
        let u1 = table.rows[1], u2 = table.rows[0]
        // U1: E1 E2 E7 E9. Due E1 E2, on time E1. Closed E1 E2 E7 of 4. Handled E1 E2 E7, reworked E2.
        XCTAssertEqual(figures(u1), Figures(reported: 4, registered: 4, declined: 0, dispatched: 4, due: 2, onTime: 1, overdue: 1,
                                            closed: 3, handled: 3, reworked: 1))
        XCTAssertEqual([u1.onTimeRate.percent, u1.closureRate.percent, u1.reworkRate.percent, u1.satisfactionRate.percent],
                       ["50.0%", "75.0%", "33.3%", "66.7%"])
        XCTAssertEqual(u1.averageHandlingHours, 18.7) // (14 + 28 + 14) / 3 = 18.67
        XCTAssertEqual(u1.rank, 2)
        // U2: E3 E4 E8 E10. Reported in March E3 E4 E10. Due E3 E4 E8 E10, on time E3 E8 E10. None of E3 E4 E10
        // closed in March. Handled E3 E8 E10, reworked E10. Rated: E8 满意.
        XCTAssertEqual(figures(u2), Figures(reported: 3, registered: 3, declined: 0, dispatched: 3, due: 4, onTime: 3, overdue: 1,
                                            closed: 0, handled: 3, reworked: 1))
        XCTAssertEqual([u2.onTimeRate.percent, u2.closureRate.percent, u2.reworkRate.percent, u2.satisfactionRate.percent],
                       ["75.0%", "0.0%", "33.3%", "100.0%"])
        XCTAssertEqual(u2.averageHandlingHours, 12.2) // (8.5 + 21 + 7) / 3 = 12.17
        XCTAssertEqual(u2.rank, 1)
        // Other rankings: closure U1 first; rework rates equal (1/3 each) → both rank 1, by key.
        let closure = GridEventEvaluation.table(facts, month: march, by: .unit, rankedBy: .closureRate)
        XCTAssertEqual(closure.rows.map { "\($0.key)#\($0.rank!)" }, ["U1#1", "U2#2"])
        let rework = GridEventEvaluation.table(facts, month: march, by: .unit, rankedBy: .reworkRate)
        XCTAssertEqual(rework.rows.map { "\($0.key)#\($0.rank!)" }, ["U1#1", "U2#1"])
    }

    func testPerGrid() {
        let table = GridEventEvaluation.table(facts, month: march, by: .grid)
        // G1: E1 E2 E3 E7 E9. Due E1 E2 E3, on time E1 E3. Closed E1 E2 E7 of 5. Handled E1 E2 E3 E7, reworked E2.
        // G2: E4 E5 E6 E8 E10. Reported E4 E5 E6 E10; registered E4 E6 E10; dispatched E4 E10. Due E4 E8 E10,
        // on time E8 E10. Closed none of 3. Handled E8 E10, reworked E10.
        // Both 2/3 on time: equal rank 1, listed by key.
        XCTAssertEqual(table.rows.map { "\($0.key)#\($0.rank!)" }, ["G1#1", "G2#1"])
        XCTAssertEqual(figures(table.rows[0]), Figures(reported: 5, registered: 5, declined: 0, dispatched: 5, due: 3, onTime: 2, overdue: 1,
                                                       closed: 3, handled: 4, reworked: 1))
        XCTAssertEqual(figures(table.rows[1]), Figures(reported: 4, registered: 3, declined: 1, dispatched: 2, due: 3, onTime: 2, overdue: 1,
                                                       closed: 0, handled: 2, reworked: 1))
        XCTAssertEqual(table.rows[0].closureRate.percent, "60.0%")      // 3/5
        XCTAssertEqual(table.rows[0].reworkRate.percent, "25.0%")       // 1/4
        XCTAssertEqual(table.rows[0].averageHandlingHours, 16.1)        // 64.5 / 4 = 16.125
        XCTAssertEqual(table.rows[1].reworkRate.percent, "50.0%")       // 1/2
        XCTAssertEqual(table.rows[1].averageHandlingHours, 14.0)        // 28 / 2
    }

    func testPerReporter() {
        let table = GridEventEvaluation.table(facts, month: march, by: .reporter)
        // W1: E1 E2 E6 E7 → reported 4, registered 4; due E1 E2, on time E1 (50.0 %).
        // W2: E3 E4 E5 E9 reported in March (E8 in February) → 4, registered 3, declined 1; due E3 E4 E8, on time E3 E8 (66.7 %).
        // E10 (anonymous resident) is only in the total: 4 + 4 + 1 = 9.
        XCTAssertEqual(table.rows.map(\.key), ["W2", "W1"])
        XCTAssertEqual(table.rows.map(\.reported), [4, 4])
        XCTAssertEqual(table.rows.map(\.registered), [3, 4])
        XCTAssertEqual(table.rows.map(\.declined), [1, 0])
        XCTAssertEqual(table.rows.map(\.onTimeRate.percent), ["66.7%", "50.0%"])
        XCTAssertEqual(table.total.reported, 9)
        // Per category: everything is C0101.
        XCTAssertEqual(GridEventEvaluation.table(facts, month: march, by: .category).rows.map(\.reported), [9])
    }

    func testMonthStillRunning() {
        // As of 03-11 14:00: E3 (deadline 03-12 09:30) is neither handled nor past due, so not yet due:
        // due E1 E2 E8 E10, on time E1 E8 E10 → 75.0 %. Reported by then: E1 E2 E3 E10; closed: E1 E2 → 2/4.
        let early = GridEventEvaluation.table(facts, month: march, by: .unit, asOf: at("03-11 14:00")).total
        XCTAssertEqual([early.reported, early.due, early.handledOnTime, early.closed], [4, 4, 3, 2])
        XCTAssertEqual(early.onTimeRate.percent, "75.0%")
        XCTAssertEqual(early.closureRate.percent, "50.0%")
        // At 16:00 E3 has been handled (15:00), before its deadline: it is due and on time → 4 of 5 = 80.0 %.
        let later = GridEventEvaluation.table(facts, month: march, by: .unit, asOf: at("03-11 16:00")).total
        XCTAssertEqual([later.due, later.handledOnTime], [5, 4])
        XCTAssertEqual(later.onTimeRate.percent, "80.0%")
        // April: E7 and E9 fall due (E7 on time, E9 overdue), E10 is closed but was registered in March.
        let april = GridEventEvaluation.table(facts, month: YearMonth(year: 2026, month: 4), by: .unit).total
        XCTAssertEqual([april.reported, april.due, april.handledOnTime, april.overdue, april.closed], [0, 2, 1, 1, 0])
        XCTAssertEqual(april.closureRate.percent, "—")
        XCTAssertNil(april.averageHandlingHours)
    }

    func testRankingRules() {
        func row(_ key: String, _ onTime: Int, _ due: Int) -> GridEventEvaluationRow {
            var r = GridEventEvaluationRow(key: key); r.handledOnTime = onTime; r.due = due; return r
        }
        // 2/3 = 4/6 share rank 1; 1/2 is third; no due events: unranked, last.
        let ranked = GridEventEvaluation.rank([row("b", 1, 2), row("z", 0, 0), row("c", 4, 6), row("a", 2, 3), row("d", 0, 5)], by: .onTimeRate)
        XCTAssertEqual(ranked.map(\.key), ["a", "c", "b", "d", "z"])
        XCTAssertEqual(ranked.map(\.rank), [1, 1, 3, 4, nil])
    }

    func testFactFromWorkflowState() throws {
        let lc = LocalCalendar()
        var s = try GridEventWorkflow.report(by: .gridWorker, at: lc.parseLocalDateTime("2026-03-09 09:00")!)
        s = try GridEventWorkflow.apply(.register(caseNumber: "N"), to: s, by: .centre, at: lc.parseLocalDateTime("2026-03-09 09:30")!)
        s = try GridEventWorkflow.apply(.dispatch(unitID: "U1", timeLimit: .working(21)), to: s, by: .centre, at: lc.parseLocalDateTime("2026-03-09 10:00")!)
        s = try GridEventWorkflow.apply(.accept, to: s, by: .unit, at: lc.parseLocalDateTime("2026-03-09 10:30")!)
        s = try GridEventWorkflow.apply(.feedback(note: "ok"), to: s, by: .unit, at: lc.parseLocalDateTime("2026-03-10 10:00")!)
        let f = GridEventFact(id: "x", state: s, gridID: "G1", reporterID: "W1", categoryCode: "C0101")
        XCTAssertTrue(f.registered)
        XCTAssertFalse(f.declined)
        XCTAssertEqual(f.unitID, "U1")
        XCTAssertEqual(f.handlingHours, 7) // Mon 10:00 → Tue 10:00: 5.5 + 1.5 working hours
        XCTAssertEqual(f.deadline, lc.parseLocalDateTime("2026-03-12 10:00"))
        XCTAssertNil(f.closedAt)
    }

    /// 协办: U2 helped with E1 (reported 03-02 15:00) and E2 (never reported); U3 only helped, with E7 (reported 03-28) and
    /// with E8 — dispatched in February, so it counts in February, not here. A helper of an April dispatch does not count.
    func testHelpingUnitsAreCountedPerUnit() {
        let assists = [GridEventAssist(unitID: "U2", dispatchedAt: at("03-02 10:00"), reportedAt: at("03-02 15:00")),
                       GridEventAssist(unitID: "U2", dispatchedAt: at("03-03 10:00"), reportedAt: nil),
                       GridEventAssist(unitID: "U3", dispatchedAt: at("03-27 10:00"), reportedAt: at("03-28 09:00")),
                       GridEventAssist(unitID: "U3", dispatchedAt: at("02-26 10:00"), reportedAt: at("02-27 09:00")),
                       GridEventAssist(unitID: "U4", dispatchedAt: at("04-02 10:00"), reportedAt: nil)]
        let table = GridEventEvaluation.table(facts, month: march, by: .unit, assists: assists)
        XCTAssertEqual(table.rows.map(\.key), ["U2", "U1", "U3"], "a unit that only helped has a row, unranked by on-time rate")
        let u2 = table.rows[0], u3 = table.rows[2]
        XCTAssertEqual([u2.assisted, u2.assistReported], [2, 1]); XCTAssertEqual(u2.assistRate.percent, "50.0%")
        XCTAssertEqual([u3.assisted, u3.assistReported, u3.reported], [1, 1, 0]); XCTAssertEqual(u3.assistRate.percent, "100.0%")
        XCTAssertNil(u3.rank)
        XCTAssertEqual([table.total.assisted, table.total.assistReported], [3, 2])
        XCTAssertEqual(table.rows[1].assistRate.percent, "—", "U1 helped nobody")
        // Early in the month U2's report on E1 had not come yet.
        let early = GridEventEvaluation.table(facts, month: march, by: .unit, asOf: at("03-02 12:00"), assists: assists)
        XCTAssertEqual([early.total.assisted, early.total.assistReported], [1, 0])
        // Other dimensions ignore helpers.
        XCTAssertEqual(GridEventEvaluation.table(facts, month: march, by: .grid, assists: assists).total.assisted, 0)
    }
}
