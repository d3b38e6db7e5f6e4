import XCTest
@testable import PinganKit

final class ForecastGridTests: XCTestCase {
    // Hand computation: 1° = R·π/180 = 6,371,008.8 × 0.0174532925 = 111,195.08 m of latitude;
    // along the parallel of φ0 = 43.7065°, cos φ0 = 0.7228888, so 1° of longitude = 80,381.67 m.
    func testProjectionHandComputed() {
        let p = ForecastProjection.toronto
        let north = p.project(lat: 43.7075, lon: -79.3967)
        XCTAssertEqual(north.x, 0, accuracy: 1e-9)
        XCTAssertEqual(north.y, 111.195, accuracy: 0.0005)
        let east = p.project(lat: 43.7065, lon: -79.3957)
        XCTAssertEqual(east.x, 80.382, accuracy: 0.0005)
        XCTAssertEqual(east.y, 0, accuracy: 1e-9)
        // (43.70, −79.40): Δφ = −0.0065° → y = −722.768 m; Δλ = −0.0033° → x = −265.260 m.
        let q = p.project(lat: 43.70, lon: -79.40)
        XCTAssertEqual(q.x, -265.260, accuracy: 1e-9)
        XCTAssertEqual(q.y, -722.768, accuracy: 1e-9)
    }

    func testProjectionRoundsToMillimetre() {
        let q = ForecastProjection.toronto.project(lat: 43.71234567, lon: -79.38765432)
        XCTAssertEqual(q.x * 1000, (q.x * 1000).rounded(), accuracy: 1e-6)
        XCTAssertEqual(q.y * 1000, (q.y * 1000).rounded(), accuracy: 1e-6)
        XCTAssertEqual(ForecastProjection.roundMillimetre(0.0125), 0.012)   // half to even, like numpy
        XCTAssertEqual(ForecastProjection.roundMillimetre(0.0135), 0.014)
    }

    func testTorontoGridSizes() {
        // nx = ceil(41,500/150) = 277, ny = ceil(29,700/150) = 198; at 250 m 166 × 119.
        let g150 = ForecastGrid.toronto(cellSize: 150)
        XCTAssertEqual(g150.nx, 277); XCTAssertEqual(g150.ny, 198)
        let g250 = ForecastGrid.toronto(cellSize: 250)
        XCTAssertEqual(g250.nx, 166); XCTAssertEqual(g250.ny, 119)
    }

    func testCellIndexHandComputed() {
        // x = −265.260: (−265.260 + 19,500)/150 = 128.23 → 128; y = −722.768: (−722.768 + 13,300)/150 = 83.85 → 83.
        let g = ForecastGrid.toronto(cellSize: 150)
        let q = ForecastProjection.toronto.project(lat: 43.70, lon: -79.40)
        XCTAssertEqual(g.cellXY(x: q.x, y: q.y).cx, 128)
        XCTAssertEqual(g.cellXY(x: q.x, y: q.y).cy, 83)
        XCTAssertEqual(g.cellIndex(x: q.x, y: q.y), 83 * 277 + 128)
        XCTAssertEqual(g.xy(ofIndex: 23_119).cx, 128)
        XCTAssertEqual(g.xy(ofIndex: 23_119).cy, 83)
        // South-west corner is cell 0; an edge belongs to the cell above/right of it.
        XCTAssertEqual(g.cellIndex(x: -19_500, y: -13_300), 0)
        XCTAssertEqual(g.cellIndex(x: -19_350, y: -13_300), 1)
        XCTAssertEqual(g.cellIndex(x: -19_500, y: -13_150), 277)
        XCTAssertNil(g.cellIndex(x: -19_500.001, y: 0))
        XCTAssertNil(g.cellIndex(x: 0, y: 16_400))          // 29,700/150 = 198 exactly: outside
        XCTAssertNotNil(g.cellIndex(x: 0, y: 16_399.999))
        let c = g.centre(ofIndex: 0)
        XCTAssertEqual(c.x, -19_425); XCTAssertEqual(c.y, -13_225)
    }

    func testCivilDays() {
        XCTAssertEqual(CivilDay.number(year: 1970, month: 1, day: 1), 0)
        XCTAssertEqual(CivilDay.number(year: 2000, month: 3, day: 1), 11_017)
        let monday = CivilDay.number(year: 2019, month: 12, day: 30)
        XCTAssertEqual(CivilDay.weekday(monday), 0)
        XCTAssertEqual(CivilDay.weekday(CivilDay.number(year: 2018, month: 12, day: 31)), 0)
        XCTAssertEqual(CivilDay.weekday(CivilDay.number(year: 2013, month: 12, day: 30)), 0)
        XCTAssertEqual(CivilDay.parse("2014/03/02 05:00:00+00"), CivilDay.number(year: 2014, month: 3, day: 2))
        XCTAssertEqual(CivilDay.parse("2020-02-29"), CivilDay.number(year: 2020, month: 2, day: 29))
        XCTAssertNil(CivilDay.parse("2019-02-29"))
        XCTAssertNil(CivilDay.parse("2019/13/01"))
        XCTAssertNil(CivilDay.parse("2019-1-01"))
        XCTAssertEqual(CivilDay.format(monday), "2019-12-30")
        for n in stride(from: -1000, to: 30_000, by: 37) {
            let d = CivilDay.date(n)
            XCTAssertEqual(CivilDay.number(year: d.year, month: d.month, day: d.day), n)
        }
        XCTAssertEqual(WalkForward.WeekSet.toronto2020.weekStarts.last, CivilDay.number(year: 2020, month: 12, day: 21))
    }

    func testTorontoCSVParsing() throws {
        let csv = """
        occurrencedate,occurrencehour,MCI,Neighbourhood,Lat,Long
        2014/03/02 05:00:00+00,8,Assault,"West Humber-Clairville, x",43.73401277,-79.59033164
        2013/12/24 05:00:00+00,22,Robbery,West Humber-Clairville,43.73183406,-79.60070124
        2019/12/29 05:00:00+00,1,Break and Enter,A,43.70,-79.40
        2019/12/30 05:00:00+00,1,Theft Over,A,43.70,-79.40
        bad,1,Assault,A,43.70,-79.40
        2019/12/31 05:00:00+00,1,Assault,A,,-79.40
        """
        let r = try TorontoMCI.parse(csv)
        XCTAssertEqual(r.rows.count, 3)
        XCTAssertEqual(r.droppedBeforeFirstDay, 1)
        XCTAssertEqual(r.droppedUnreadable, 2)
        let d = TorontoMCI.dataset(r, cellSize: 150)
        XCTAssertEqual(d.points.count, 3)
        XCTAssertEqual(d.locations.count, 2)          // two rows share the intersection
        XCTAssertEqual(d.points[1].cell, 23_119)
        XCTAssertEqual(d.crimeNames[d.points[1].crime], "Break and Enter")
        XCTAssertEqual(d.mask(before: CivilDay.number(year: 2019, month: 12, day: 30)).count, 2)
        XCTAssertEqual(d.selector(for: "All"), .all)
        XCTAssertEqual(d.selector(for: "Robbery"), .type(2))
        XCTAssertNil(d.selector(for: "Arson"))
        XCTAssertThrowsError(try TorontoMCI.parse("a,b\n1,2\n"))
    }
}
