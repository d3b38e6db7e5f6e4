import XCTest
@testable import PinganKit

/// Another city's file, as forecast-eval reads it (date, offense, lat, lon), must give the same forecast as the same
/// incidents in Toronto's file: that is what lets the frozen configuration run on data it was not built on.
final class PointIncidentsCSVTests: XCTestCase {
    func testDatesMonthFirstOrISOAndNothingElse() {
        XCTAssertEqual(PointIncidentsCSV.day("03/02/2014"), CivilDay.number(year: 2014, month: 3, day: 2), "month first, as %m/%d/%Y")
        XCTAssertEqual(PointIncidentsCSV.day("3/2/2014 11:30:00 PM"), CivilDay.number(year: 2014, month: 3, day: 2))
        XCTAssertEqual(PointIncidentsCSV.day("2014-03-02"), CivilDay.number(year: 2014, month: 3, day: 2))
        XCTAssertEqual(PointIncidentsCSV.day("2014/03/02 05:00:00+00"), CivilDay.number(year: 2014, month: 3, day: 2))
        for bad in ["02/30/2014", "13/01/2014", "2014", "", "03/02/14", "x3/02/2014"] { XCTAssertNil(PointIncidentsCSV.day(bad), bad) }
    }

    func testParseKeepsReadableRowsInsideTheBox() throws {
        let text = """
        id,date,offense,lat,lon
        1,01/05/2021,BURGLARY,41.80,-87.60
        2,01/06/2021,THEFT,41.81,-87.61
        3,01/06/2021,BURGLARY,,-87.61
        4,not a date,THEFT,41.80,-87.60
        5,01/07/2021,THEFT,45.00,-87.60
        6,01/07/2021,,41.80,-87.60
        """
        let box = PointIncidentsCSV.StudyBox(lat: 41.6...42.1, lon: -87.95 ... -87.5)
        let r = try PointIncidentsCSV.parse(text, box: box)
        XCTAssertEqual(r.rows.map(\.crime), ["BURGLARY", "THEFT"])
        XCTAssertEqual(r.rows.map(\.day), [CivilDay.number(year: 2021, month: 1, day: 5), CivilDay.number(year: 2021, month: 1, day: 6)])
        XCTAssertEqual(r.droppedUnreadable, 3)
        XCTAssertEqual(r.droppedOutsideBox, 1)
        XCTAssertThrowsError(try PointIncidentsCSV.parse("date,crime,lat,lon\n01/05/2021,X,1,2")) { e in
            XCTAssertEqual("\(e)", "the incidents CSV lacks column offense")
        }
    }

    func testRelabellingMergesRawLabelsIntoOneType() {
        XCTAssertEqual(PointIncidentsCSV.relabelling("Burglary=BURGLARY|HOME INVASION"), ["BURGLARY": "Burglary", "HOME INVASION": "Burglary"])
        XCTAssertNil(PointIncidentsCSV.relabelling("Burglary"))
        XCTAssertNil(PointIncidentsCSV.relabelling("=X"))
        XCTAssertNil(PointIncidentsCSV.relabelling("B=|"))
        let rows = [(day: 1, lat: 0.0, lon: 0.0, crime: "BURGLARY"), (day: 2, lat: 0, lon: 0, crime: "HOME INVASION"), (day: 3, lat: 0, lon: 0, crime: "THEFT")]
        XCTAssertEqual(PointIncidentsCSV.relabel(rows, ["BURGLARY": "Burglary", "HOME INVASION": "Burglary"]).map(\.crime), ["Burglary", "Burglary", "THEFT"])
    }

    func testTheSameIncidentsInEitherFileGiveTheSameForecast() throws {
        var rng = SplitMix64(seed: 11)
        let types = ["Break and Enter", "Assault", "Robbery"]
        var toronto = "occurrencedate,MCI,Lat,Long\n", city = "date,offense,lat,lon\n"
        let first = CivilDay.number(year: 2018, month: 1, day: 1)
        for _ in 0..<3_000 {
            let day = first + Int(rng.next() % 900)
            let (y, m, d) = CivilDay.date(day)
            let lat = 43.70 + Double(rng.next() % 1000) / 50_000, lon = -79.40 + Double(rng.next() % 1000) / 50_000
            let t = types[Int(rng.next() % 3)]
            toronto += String(format: "%04d/%02d/%02d 05:00:00+00,%@,%.8f,%.8f\n", y, m, d, t, lat, lon)
            city += String(format: "%02d/%02d/%04d,%@,%.8f,%.8f\n", m, d, y, t.uppercased(), lat, lon)
        }
        let a = TorontoMCI.dataset(try TorontoMCI.parse(toronto), cellSize: 150)
        let parsed = try PointIncidentsCSV.parse(city)
        let b = IncidentDataset(raw: PointIncidentsCSV.relabel(parsed.rows, ["BREAK AND ENTER": "Burglary"]), grid: .toronto(cellSize: 150), projection: .toronto)
        let from = CivilDay.monday(of: first + 800)
        let weeks = WalkForward.weeks(from: from, count: 8)
        XCTAssertEqual(weeks.count, 8); XCTAssertEqual(weeks.last, from + 49)
        XCTAssertEqual(a.mask(before: from), b.mask(before: from))
        let model = ForecastDefaults.model(for: "Break and Enter")
        let fa = WalkForward.run(model, dataset: a, crime: a.selector(for: "Break and Enter")!, weekStarts: weeks, mask: a.mask(before: from))
        let fb = WalkForward.run(model, dataset: b, crime: b.selector(for: "Burglary")!, weekStarts: weeks, mask: b.mask(before: from))
        XCTAssertEqual(fa, fb)
        XCTAssertEqual(WalkForward.run(ForecastDefaults.model(for: "All"), dataset: a, crime: .all, weekStarts: weeks, mask: a.mask(before: from)),
                       WalkForward.run(ForecastDefaults.model(for: "All"), dataset: b, crime: .all, weekStarts: weeks, mask: b.mask(before: from)))
        XCTAssertGreaterThan(fa.flatMap { $0 }.filter { $0 > 0 }.count, 100, "the forecast is not all zeros")
    }
}
