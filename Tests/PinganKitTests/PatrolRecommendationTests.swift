import XCTest
@testable import PinganKit

final class PatrolRecommendationTests: XCTestCase {
    /// A profile with `n` incidents on Friday 20:00–21:59 and `m` on Monday 08:00.
    func profile(friday n: Int, monday m: Int = 0) -> HourWeekdayTable {
        var t = HourWeekdayTable()
        t.add(weekday: 5, hour: 20, count: n)
        t.add(weekday: 1, hour: 8, count: m)
        return t
    }

    func testCapacityAndRanking() {
        let cells = [
            PatrolCellInput(cell: 10, stationID: "S1", score: 8, profile: profile(friday: 40)),
            PatrolCellInput(cell: 11, stationID: "S1", score: 4, profile: profile(friday: 0, monday: 40)),
            PatrolCellInput(cell: 12, stationID: "S1", score: 0, profile: profile(friday: 99)),   // no score: skipped
            PatrolCellInput(cell: 20, stationID: "S2", score: 5, profile: profile(friday: 10)),
        ]
        var config = PatrolConfig()
        config.maxWindowsPerCell = 1
        let plan = PatrolRecommendation.plan(cells: cells, capacity: ["S1": 5, "S2": 1], config: config)
        // S1: 5 hours = two 2-hour windows; S2: 1 hour < one window → nothing.
        XCTAssertEqual(plan.map(\.stationID), ["S1", "S1"])
        XCTAssertEqual(plan.map(\.rank), [1, 2])
        XCTAssertEqual(plan[0].cell, 10)
        XCTAssertEqual(plan[0].weekday, 5); XCTAssertEqual(plan[0].startHour, 20); XCTAssertEqual(plan[0].endHour, 22)
        XCTAssertEqual(plan[0].windowText(), "周五 20:00–22:00")
        XCTAssertEqual(plan[1].cell, 11)
        XCTAssertEqual(plan[1].weekday, 1); XCTAssertEqual(plan[1].startHour, 8)
        // Shrinkage by hand: S1's pattern comes from all its cells, the unscored one too: Fri 20–22 has 40 + 99
        // of 179 incidents.
        // cell 10: share = (40 + 10 · 139/179) / (40 + 10)
        XCTAssertEqual(plan[0].windowShare, (40 + 10 * 139.0 / 179) / 50, accuracy: 1e-12)
        XCTAssertEqual(plan[0].priority, 8 * plan[0].windowShare, accuracy: 1e-12)
        XCTAssertTrue(plan.allSatisfy { $0.patrolHours == 2 })
    }

    func testLimitsPerCellAndPerWindow() {
        let cells = (0..<5).map { PatrolCellInput(cell: $0, stationID: "S", score: Double(10 - $0), profile: profile(friday: 50)) }
        var config = PatrolConfig()
        config.maxWindowsPerCell = 2
        config.maxConcurrentPatrols = 2
        let plan = PatrolRecommendation.plan(cells: cells, capacity: ["S": 40], config: config)
        XCTAssertEqual(plan.count, 10) // 5 cells × 2 windows (budget 20 windows)
        let fridayEvening = plan.filter { $0.weekday == 5 && $0.startHour == 20 }
        XCTAssertEqual(fridayEvening.map(\.cell), [0, 1]) // only two patrols at once, the best cells
        for c in 0..<5 { XCTAssertEqual(plan.filter { $0.cell == c }.count, 2) }
        XCTAssertEqual(plan.map(\.rank), Array(1...10))
        XCTAssertTrue(zip(plan, plan.dropFirst()).allSatisfy { $0.priority >= $1.priority })
    }

    func testNoHistoryUsesFallbackOrUniform() {
        let cells = [PatrolCellInput(cell: 3, stationID: "S", score: 1)]
        var config = PatrolConfig()
        config.maxWindowsPerCell = 1
        let uniform = PatrolRecommendation.plan(cells: cells, capacity: ["S": 2], config: config)
        XCTAssertEqual(uniform.first?.windowShare ?? 0, 1.0 / 84, accuracy: 1e-12)
        XCTAssertEqual(uniform.first?.weekday, 1); XCTAssertEqual(uniform.first?.startHour, 0) // ties: first slot
        let fallback = PatrolRecommendation.plan(cells: cells, capacity: ["S": 2], fallbackProfile: profile(friday: 0, monday: 5), config: config)
        XCTAssertEqual(fallback.first?.weekday, 1); XCTAssertEqual(fallback.first?.startHour, 8)
        let rows = PatrolRecommendation.tableRows(fallback)
        XCTAssertEqual(rows[0][0], "派出所")
        XCTAssertEqual(rows[1], ["S", "1", "3", "周一 08:00–10:00", "2", "1.000", "1.000", "1.000"])
    }
}
