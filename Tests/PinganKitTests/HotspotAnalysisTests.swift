import XCTest
@testable import PinganKit

final class HotspotAnalysisTests: XCTestCase {
    let projection = LocalProjection(lat0: 22.94, lon0: 113.38)

    /// A point `dx`, `dy` metres from the projection origin, as degrees.
    func at(_ dx: Double, _ dy: Double) -> (lat: Double, lon: Double) { projection.unproject(PlanarPoint(x: dx, y: dy)) }

    func event(_ dx: Double, _ dy: Double, weekday: Int = 5, hour: Int = 21, unit: String = "1") -> HotspotEvent {
        let p = at(dx, dy)
        return HotspotEvent(lat: p.lat, lon: p.lon, weekday: weekday, hour: hour, unit: unit)
    }

    func testAnchoredGridKeepsCellLabelsWhateverTheExtent() throws {
        let a = HotspotGrid.anchored([PlanarPoint(x: 20, y: 20), PlanarPoint(x: 1000, y: 480)], cellSize: 150)!
        XCTAssertEqual(a.minX, 0); XCTAssertEqual(a.minY, 0)
        XCTAssertEqual(a.columns, 7); XCTAssertEqual(a.rows, 4)   // 1000 → column 6, 480 → row 3
        let b = HotspotGrid.anchored([PlanarPoint(x: -400, y: -10), PlanarPoint(x: 1000, y: 480)], cellSize: 150)!
        XCTAssertEqual(b.minX, -450); XCTAssertEqual(b.minY, -150)
        let p = PlanarPoint(x: 1000, y: 480)
        XCTAssertEqual(a.cellLabel(a.cellIndex(of: p)!), "X6Y3")
        XCTAssertEqual(b.cellLabel(b.cellIndex(of: p)!), "X6Y3")
        XCTAssertEqual(b.cellLabel(b.cellIndex(of: PlanarPoint(x: -400, y: -10))!), "X-3Y-1")
    }

    func testClusterIsHotWithProfileAndMainUnit() throws {
        // A 9 × 9 block of 150 m cells: one incident per cell, plus 12 in the centre cell and 4 in each
        // of its neighbours, on Friday night, mostly community 7.
        var events: [HotspotEvent] = []
        for cx in 0..<9 { for cy in 0..<9 { events.append(event(Double(cx) * 150 + 75, Double(cy) * 150 + 75, weekday: 2, hour: 9, unit: "9")) } }
        for k in 0..<12 { events.append(event(4 * 150 + 75, 4 * 150 + 75, hour: 20 + k % 3, unit: k < 8 ? "7" : "8")) }
        for dx in -1...1 { for dy in -1...1 where dx != 0 || dy != 0 {
            for _ in 0..<4 { events.append(event(Double(4 + dx) * 150 + 75, Double(4 + dy) * 150 + 75)) }
        } }
        let r = try XCTUnwrap(try HotspotAnalysis.run(events: events, projection: projection))
        XCTAssertEqual(r.grid.cellCount, 81)
        XCTAssertEqual(r.counts.reduce(0, +), Double(events.count))
        let centre = r.grid.cellIndex(of: PlanarPoint(x: 675, y: 675))!
        XCTAssertEqual(r.hotCells.first?.cell, centre)
        XCTAssertEqual(r.band(centre), .hot99)
        XCTAssertEqual(r.hotCells.first?.profile.count(weekday: 5, startHour: 20, hours: 3), 12)
        XCTAssertEqual(r.hotCells.first?.profile.peakWindow(hours: 3)?.weekday, 5)
        XCTAssertEqual(r.mainUnit[centre], "7")
        // Identical to the kit's plain lattice Gi*.
        XCTAssertEqual(r.gi, GetisOrd.giStar(values: r.counts, grid: r.grid))
        // Corners are far from the cluster: not hot.
        XCTAssertFalse(r.band(0).isHot)
        XCTAssertNil(try HotspotAnalysis.run(events: [], projection: projection))
    }

    func testTooManyCellsIsRefused() {
        let events = [event(0, 0), event(100_000, 100_000)]
        XCTAssertThrowsError(try HotspotAnalysis.run(events: events, projection: projection, cellSize: 50, maxCells: 10_000)) {
            XCTAssertEqual($0 as? HotspotAnalysis.Failure, .tooManyCells(2001 * 2001, limit: 10_000))
        }
    }

    func testPatrolForecastSeesOnlyThePastAndSumsToTheWeeklyMean() {
        let monday = CivilDay.number(year: 2026, month: 3, day: 9)
        var history: [PatrolHistoryEvent] = []
        func add(_ day: Int, _ dx: Double, station: String) {
            let p = at(dx, 75)
            history.append(PatrolHistoryEvent(day: day, lat: p.lat, lon: p.lon, weekday: CivilDay.weekday(day) + 1, hour: 20, stationID: station))
        }
        // 8 weeks before: 2 a week in cell A (station S1), 1 a week in cell B (mostly S2, once S1).
        for w in 1...8 {
            add(monday - 7 * w + 4, 75, station: "S1"); add(monday - 7 * w + 5, 75, station: "S1")
            add(monday - 7 * w + 4, 375, station: w == 1 ? "S1" : "S2")
        }
        let grid = HotspotGrid.anchored([PlanarPoint(x: 0, y: 0), PlanarPoint(x: 600, y: 150)], cellSize: 150)!
        let f = PatrolForecast.make(history: history, weekStart: monday, projection: projection, grid: grid)
        XCTAssertEqual(f.weeklyMean, 3, accuracy: 1e-12)
        XCTAssertEqual(f.expected.reduce(0, +), 3, accuracy: 1e-9)
        let a = grid.cellIndex(of: PlanarPoint(x: 75, y: 75))!, b = grid.cellIndex(of: PlanarPoint(x: 375, y: 75))!
        XCTAssertEqual(f.cells.map(\.cell), [a, b])
        XCTAssertEqual(f.cells.map(\.stationID), ["S1", "S2"])
        XCTAssertGreaterThan(f.expected[a], f.expected[b])
        XCTAssertEqual(f.cells[0].profile?.total, 16)
        // Incidents on or after the Monday change nothing.
        var later = history
        for k in 0..<20 { let p = at(525, 75); later.append(PatrolHistoryEvent(day: monday + k, lat: p.lat, lon: p.lon, weekday: 1, hour: 1, stationID: "S3")) }
        let g = PatrolForecast.make(history: later, weekStart: monday, projection: projection, grid: grid)
        XCTAssertEqual(g.expected, f.expected)
        XCTAssertEqual(g.cells, f.cells)
    }
}
