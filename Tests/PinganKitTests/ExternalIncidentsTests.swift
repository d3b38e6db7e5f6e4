import XCTest
@testable import PinganKit

final class ExternalIncidentsTests: XCTestCase {
    /// The header and rows of `shared/data/toronto-mci` as they are (padded weekday, +00 suffix), plus
    /// rows with problems.
    let toronto = """
    occurrencedate,occurrencehour,premises_type,occurrencemonth,occurrencedayofweek,MCI,Neighbourhood,occurrenceday,occurrencedayofyear,Pub_Id,Park_Id,PS_Id,Lat,Long,source_file
    2014/03/02 05:00:00+00,8,House,March,Sunday    ,Assault,West Humber-Clairville,2,61,0,0,0,43.73401277,-79.59033164,mci_model/datasets/train.csv
    2013/12/24 05:00:00+00,22,Commercial,December,Tuesday   ,Robbery,West Humber-Clairville,24,358,0,0,0,43.73183406,-79.60070124,mci_model/datasets/train.csv
    2014/01/08 05:00:00+00,11,House,January,Wednesday ,Break and Enter,"Mount Olive-Silverstone-Jamestown",8,8,0,0,0,43.72298969,-79.62004286,mci_model/datasets/train.csv
    2014/01/08 05:00:00+00,2,Commercial,January,Wednesday ,Theft Over,West Humber-Clairville,8,8,0,0,0,0,0,mci_model/datasets/train.csv
    2014/02/30 05:00:00+00,2,Commercial,February,,Assault,West Humber-Clairville,30,61,0,0,0,43.7,-79.6,x
    2014/03/01 05:00:00+00,24,Commercial,March,,Assault,West Humber-Clairville,1,60,0,0,0,43.7,-79.6,x
    2014/03/01 05:00:00+00,3,Commercial,March,,Arson,West Humber-Clairville,1,60,0,0,0,43.7,-79.6,x

    """

    func mapping() -> IncidentColumnMapping {
        var m = IncidentColumnMapping(date: "occurrencedate",
                                      subcategory: .init(column: "MCI", values: ["Break and Enter": "burglary", "Auto Theft": "vehicle_theft", "Robbery": "robbery",
                                                                                 "Assault": "assault", "Theft Over": "other_theft"]),
                                      community: .init(column: "Neighbourhood", default: "440113007601"))
        m.hour = "occurrencehour"; m.since = "2014-01-01"; m.latitude = "Lat"; m.longitude = "Long"
        m.address = ["premises_type", "Neighbourhood"]; m.description = ["MCI"]
        return m
    }

    func testTorontoRowsMapWithProblemsPerLine() {
        let r = ExternalIncidents.map(csv: toronto, mapping: mapping())
        XCTAssertEqual(r.lines, 7)
        XCTAssertEqual(r.skippedBeforeSince, 1)   // 2013-12-24
        XCTAssertEqual(r.rows.map(\.line), [2, 4, 5])
        let a = r.rows[0]
        XCTAssertEqual([a.year, a.month, a.day, a.hour, a.minute], [2014, 3, 2, 8, 0])   // the local date and hour, not the +00 time
        XCTAssertEqual(a.subcategory, "assault")
        XCTAssertEqual(a.community, "West Humber-Clairville")
        XCTAssertEqual(a.latitude, 43.73401277); XCTAssertEqual(a.longitude, -79.59033164)
        XCTAssertEqual(a.address, "House West Humber-Clairville")
        XCTAssertEqual(a.description, "Assault")
        XCTAssertEqual(r.rows[1].community, "Mount Olive-Silverstone-Jamestown")
        XCTAssertNil(r.rows[2].latitude, "(0, 0) is a blanked location")
        XCTAssertEqual(r.problems.map(\.description), [
            "line 6 occurrencedate: not a date: 2014/02/30 05:00:00+00",
            "line 7 occurrencehour: hour must be 0–23",
            "line 8 MCI: no subcategory for Arson",
        ])
        // Excluding a value instead of failing on it.
        var m = mapping(); m.skipValues = ["Arson"]
        XCTAssertEqual(ExternalIncidents.map(csv: toronto, mapping: m).skippedValues, 1)
    }

    func testMissingColumnsAndJSONMapping() throws {
        var m = mapping(); m.latitude = "lat"
        let r = ExternalIncidents.map(csv: toronto, mapping: m)
        XCTAssertTrue(r.rows.isEmpty)
        XCTAssertEqual(r.problems.map(\.description), ["line 1 header: missing column(s): lat"])

        let json = """
        {"date": "when", "subcategory": {"constant": "burglary"}, "community": {"column": "area", "values": {"North": "440113007601"}}}
        """
        let j = try IncidentColumnMapping.decode(json: Data(json.utf8))
        let csv = "when,area\n2026-03-05 21:30,North\n2026-03-06,South\n"
        let out = ExternalIncidents.map(csv: csv, mapping: j)
        XCTAssertEqual(out.rows.map(\.hour), [21]); XCTAssertEqual(out.rows.map(\.minute), [30])
        XCTAssertEqual(out.rows.first?.community, "440113007601")
        XCTAssertEqual(out.problems.map(\.description), ["line 3 area: no community for South"])
    }

    func testTheShippedTorontoMappingDecodes() throws {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("docs/import-mappings/toronto-mci.json")
        let m = try IncidentColumnMapping.decode(json: Data(contentsOf: url))
        XCTAssertEqual(m.timeZone, "America/Toronto")
        XCTAssertEqual(ExternalIncidents.map(csv: toronto, mapping: m).rows.count, 3)
    }
}
