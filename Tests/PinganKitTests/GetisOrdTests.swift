import XCTest
@testable import PinganKit

final class GetisOrdTests: XCTestCase {
    // 3 rows × 4 columns, row-major from the south-west corner:
    //   row 2:  0 4 2 0
    //   row 1:  3 0 5 1
    //   row 0:  0 1 0 2
    let y: [Double] = [0, 1, 0, 2, 3, 0, 5, 1, 0, 4, 2, 0]

    // Reference values from PySAL, computed once and pasted (esda 2.9.0, libpysal 4.14.1):
    //   w = libpysal.weights.lat2W(3, 4, rook=False)
    //   lg = esda.G_Local(y, w, star=True, transform='B', permutations=0)
    let esdaZ: [Double] = [-0.7071067811865476, 0.0, 0.0, 0.7071067811865476, -0.3333333333333334, 0.5773502691896261,
                           0.5773502691896261, 0.3333333333333334, 0.35355339059327395, 1.6666666666666665,
                           0.9999999999999997, 0.7071067811865476]
    let esdaP: [Double] = [0.23975006109347669, 0.5, 0.5, 0.23975006109347669, 0.3694413401817636, 0.2818514308253864,
                           0.2818514308253864, 0.3694413401817636, 0.36183680491588144, 0.0477903522728147,
                           0.15865525393145713, 0.23975006109347669]
    let esdaVG: [Double] = [0.024691358024691357, 0.02777777777777778, 0.02777777777777778, 0.024691358024691357,
                            0.02777777777777778, 0.020833333333333332, 0.020833333333333332, 0.02777777777777778,
                            0.024691358024691357, 0.02777777777777778, 0.02777777777777778, 0.024691358024691357]

    func testHandCheckableCorner() {
        // By hand, cell 0 (south-west corner): block {0, 1, 4, 5} = 0 + 1 + 3 + 0 = 4, W = 4, n = 12,
        // S1 = 18, S2 = 60, ȳ = 1.5, s² = 60/12 − 2.25 = 2.75.
        // Gi* = 4/18, E = 4/12, Var = 4·8/11 · 1/144 · 2.75/2.25 = 2/81, z = (2/9 − 1/3)/√(2/81) = −1/√2.
        let r = GetisOrd.giStar(values: y, rows: 3, columns: 4)
        XCTAssertEqual(r.g[0], 4.0 / 18, accuracy: 1e-15)
        XCTAssertEqual(r.expected[0], 4.0 / 12, accuracy: 1e-15)
        XCTAssertEqual(r.variance[0], 2.0 / 81, accuracy: 1e-15)
        XCTAssertEqual(r.z[0], -1 / 2.0.squareRoot(), accuracy: 1e-12)
        // Interior cell 5 (row 1, column 1): the full 3×3 block {0,1,2,4,5,6,8,9,10} = 15, W = 9.
        XCTAssertEqual(r.g[5], 15.0 / 18, accuracy: 1e-15)
        XCTAssertEqual(r.expected[5], 0.75, accuracy: 1e-15)
    }

    func testMatchesEsda() {
        let r = GetisOrd.giStar(values: y, rows: 3, columns: 4)
        for i in 0..<12 {
            XCTAssertEqual(r.z[i], esdaZ[i], accuracy: 1e-12, "z[\(i)]")
            XCTAssertEqual(r.p[i], esdaP[i], accuracy: 1e-12, "p[\(i)]")
            XCTAssertEqual(r.variance[i], esdaVG[i], accuracy: 1e-15, "VG[\(i)]")
        }
    }

    func testGeneralWeightsEqualLatticeStencil() {
        var rng = SplitMix64(seed: 7)
        let rows = 9, columns = 13
        let values = (0..<(rows * columns)).map { _ in Double(rng.next() % 6) }
        let fast = GetisOrd.giStar(values: values, rows: rows, columns: columns)
        let general = GetisOrd.giStar(values: values, weights: .queenLattice(rows: rows, columns: columns))
        XCTAssertEqual(fast, general)
        let w = SpatialWeights.queenLattice(rows: 3, columns: 4)
        XCTAssertEqual(Array(w.neighbours[w.offsets[0] ..< w.offsets[1]]), [1, 4, 5])
        XCTAssertEqual(Array(w.neighbours[w.offsets[5] ..< w.offsets[6]]), [0, 1, 2, 4, 6, 8, 9, 10])
    }

    func testQueenSubsetOfGrid() {
        let grid = HotspotGrid(minX: 0, minY: 0, maxX: 400, maxY: 300, cellSize: 100) // 4 × 3
        XCTAssertEqual(SpatialWeights.queen(cells: Array(0..<12), grid: grid), .queenLattice(rows: 3, columns: 4))
        // Only the bottom row and cell 5: cell 5 touches 0, 1, 2; units are positions in `cells`.
        let w = SpatialWeights.queen(cells: [0, 1, 2, 3, 5], grid: grid)
        XCTAssertEqual(Array(w.neighbours[w.offsets[4] ..< w.offsets[5]]), [0, 1, 2])
        XCTAssertEqual(Array(w.neighbours[w.offsets[3] ..< w.offsets[4]]), [2])
    }

    func testConstantValuesGiveNaNLikeEsda() {
        let r = GetisOrd.giStar(values: [Double](repeating: 0, count: 6), rows: 2, columns: 3)
        XCTAssertTrue(r.z.allSatisfy(\.isNaN))
        XCTAssertEqual(HotspotBand(z: .nan), .notSignificant)
    }

    func testNormalSurvival() {
        XCTAssertEqual(GetisOrd.normalSurvival(0), 0.5)
        XCTAssertEqual(GetisOrd.normalSurvival(1.959963984540054), 0.025, accuracy: 1e-15)
        XCTAssertEqual(GetisOrd.normalSurvival(5), 2.866515718791939e-07, accuracy: 1e-20)
    }

    func testBands() {
        XCTAssertEqual(HotspotBand(z: 2.6), .hot99)
        XCTAssertEqual(HotspotBand(z: 2.0), .hot95)
        XCTAssertEqual(HotspotBand(z: 1.7), .hot90)
        XCTAssertEqual(HotspotBand(z: 1.0), .notSignificant)
        XCTAssertEqual(HotspotBand(z: -2.0), .cold95)
    }

    func testTorontoGridAndProjection() {
        let g250 = HotspotGrid.toronto(cellSize: 250)
        XCTAssertEqual(g250.columns, 166); XCTAssertEqual(g250.rows, 119)
        let g150 = HotspotGrid.toronto()
        XCTAssertEqual(g150.columns, 277); XCTAssertEqual(g150.rows, 198)
        // The projection centre is the origin; a point 0.01° north lies 1111.951 m north (R·π/180·0.01).
        let p = LocalProjection.toronto.project(lat: 43.7165, lon: -79.3967)
        XCTAssertEqual(p.x, 0)
        XCTAssertEqual(p.y, 1111.951, accuracy: 0.0005)
        XCTAssertEqual(g150.cellIndex(of: PlanarPoint(x: -19_500, y: -13_300)), 0)
        XCTAssertEqual(g150.cellIndex(of: PlanarPoint(x: -19_350, y: -13_150)), 277 + 1)
        XCTAssertNil(g150.cellIndex(of: PlanarPoint(x: 22_050, y: 0)))
        let c = g150.center(of: 278)
        XCTAssertEqual(c, PlanarPoint(x: -19_275, y: -13_075))
        let (lat, lon) = LocalProjection.toronto.unproject(p)
        XCTAssertEqual(lat, 43.7165, accuracy: 1e-8); XCTAssertEqual(lon, -79.3967, accuracy: 1e-12)
    }

    func testHotCellsWithProfiles() {
        let r = GetisOrd.giStar(values: y, rows: 3, columns: 4)
        let events = [CellEvent(cell: 9, weekday: 5, hour: 22), CellEvent(cell: 9, weekday: 5, hour: 22),
                      CellEvent(cell: 9, weekday: 1, hour: 8), CellEvent(cell: 9, weekday: 1, hour: 8),
                      CellEvent(cell: 6, weekday: 2, hour: 3)]
        let hot = Hotspots.hotCells(result: r, counts: y, events: events, minZ: 1.5)
        XCTAssertEqual(hot.map(\.cell), [9])
        XCTAssertEqual(hot[0].profile[5, 22], 2)
        XCTAssertEqual(hot[0].profile.total, 4)
        XCTAssertEqual(hot[0].band, .hot90)
    }

    func testHourWeekdayTable() {
        var t = HourWeekdayTable([(weekday: 1, hour: 0), (weekday: 7, hour: 23), (weekday: 7, hour: 23)])
        t.add(weekday: 8, hour: 0) // ignored
        XCTAssertEqual(t.total, 3)
        XCTAssertEqual(t[7, 23], 2)
        XCTAssertEqual(t.weekdayTotals, [1, 0, 0, 0, 0, 0, 2])
        // Sunday 23:00 for 2 hours wraps into Monday 00:00.
        XCTAssertEqual(t.count(weekday: 7, startHour: 23, hours: 2), 3)
        let rows = t.tableRows()
        XCTAssertEqual(rows.count, 9)
        XCTAssertEqual(rows[0].count, 26)
        XCTAssertEqual(rows.last!.last, "3")
        let cal = LocalCalendar()
        let d = cal.parseLocalDateTime("2026-11-23 14:30")! // a Monday
        XCTAssertEqual(HourWeekdayTable(dates: [d], calendar: cal)[1, 14], 1)
    }
}
