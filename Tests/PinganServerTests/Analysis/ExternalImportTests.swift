import Fluent
import XCTVapor
import PinganKit
@testable import PinganServer

final class ExternalImportTests: XCTestCase {
    let csv = """
    occurrencedate,occurrencehour,premises_type,occurrencemonth,occurrencedayofweek,MCI,Neighbourhood,occurrenceday,occurrencedayofyear,Pub_Id,Park_Id,PS_Id,Lat,Long,source_file
    2014/03/02 05:00:00+00,8,House,March,Sunday    ,Assault,West Humber-Clairville,2,61,0,0,0,43.73401277,-79.59033164,train.csv
    2013/12/24 05:00:00+00,22,Commercial,December,Tuesday   ,Robbery,West Humber-Clairville,24,358,0,0,0,43.73183406,-79.60070124,train.csv
    2014/07/08 04:00:00+00,23,House,July,Tuesday   ,Break and Enter,Rexdale-Kipling,8,189,0,0,0,43.72298969,-79.62004286,train.csv
    2014/07/09 04:00:00+00,2,Outside,July,Wednesday ,Auto Theft,Elms-Old Rexdale,9,190,0,0,0,0,0,train.csv

    """

    func files(mapping: String) throws -> (String, String) {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("pingan-import-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let c = dir.appendingPathComponent("mci.csv"), m = dir.appendingPathComponent("mapping.json")
        try csv.write(to: c, atomically: true, encoding: .utf8)
        try mapping.write(to: m, atomically: true, encoding: .utf8)
        return (c.path, m.path)
    }

    /// Toronto's mapping, with one neighbourhood sent to 沙头社区 by name and the others to 德兴社区.
    let mapping = """
    { "name": "Toronto MCI", "date": "occurrencedate", "hour": "occurrencehour", "since": "2014-01-01", "timeZone": "America/Toronto",
      "latitude": "Lat", "longitude": "Long",
      "subcategory": { "column": "MCI", "values": { "Break and Enter": "burglary", "Auto Theft": "vehicle_theft", "Robbery": "robbery", "Assault": "assault", "Theft Over": "other_theft" } },
      "community": { "column": "Neighbourhood", "values": { "Rexdale-Kipling": "沙头社区" }, "default": "440113007601" },
      "address": ["premises_type", "Neighbourhood"], "description": ["MCI"] }
    """

    func testImportThroughAMappingIsAllOrNothingScopedAndAudited() async throws {
        try await withApp { app, f in
            let (path, mappingPath) = try files(mapping: mapping)
            func count() async throws -> Int { try await Incident.query(on: app.db).count() }
            let before = try await count()

            // The c1 officer may not write into 沙头社区: every problem listed, nothing written.
            let refused = try await ExternalImportCLI.incidents(app: app, path: path, mappingPath: mappingPath, username: "officer", dryRun: false, defaultTimeZone: "Asia/Shanghai")
            XCTAssertEqual(refused.problems, ["line 4 community: 沙头社区 is outside officer's jurisdiction"])
            XCTAssertFalse(refused.written)
            let afterRefused = try await count()
            XCTAssertEqual(afterRefused, before)

            let dry = try await ExternalImportCLI.incidents(app: app, path: path, mappingPath: mappingPath, username: "admin", dryRun: true, defaultTimeZone: "Asia/Shanghai")
            XCTAssertEqual([dry.lines, dry.rows, dry.located, dry.skippedBeforeSince], [4, 3, 2, 1])
            XCTAssertTrue(dry.problems.isEmpty); XCTAssertFalse(dry.written)
            let afterDry = try await count()
            XCTAssertEqual(afterDry, before)

            let done = try await ExternalImportCLI.incidents(app: app, path: path, mappingPath: mappingPath, username: "admin", dryRun: false, defaultTimeZone: "Asia/Shanghai")
            XCTAssertTrue(done.written)
            let rows = try await Incident.query(on: app.db).filter(\.$description ~~ "Toronto MCI").sort(\.$occurredAt).all()
            XCTAssertEqual(rows.count, 3)
            let toronto = LocalCalendar(timeZoneIdentifier: "America/Toronto")
            XCTAssertEqual(rows.map { toronto.formatDateTimeInput($0.occurredAt) }, ["2014-03-02T08:00", "2014-07-08T23:00", "2014-07-09T02:00"])
            XCTAssertEqual(rows.map(\.subcategory), ["assault", "burglary", "vehicle_theft"])
            XCTAssertEqual(rows.map(\.communityID), [f.c1, f.c3, f.c1])
            XCTAssertEqual(rows[0].latitude, 43.73401277); XCTAssertNil(rows[2].latitude)
            XCTAssertEqual(rows[1].address, "House Rexdale-Kipling")
            XCTAssertEqual(rows[1].preventable, true)
            let audits = try await AuditEvent.query(on: app.db).filter(\.$action == "incident.import").all()
            XCTAssertEqual(audits.count, 1)

            // The imported points feed the hotspot analysis like any incident.
            struct Hot: Decodable { var incidents: Int }
            try await app.call(.GET, "/api/v1/analysis/hotspots?from=2014-01-01&to=2014-12-31", headers: f.bearer("admin")) { res in
                XCTAssertEqual(try res.content.decode(Hot.self).incidents, 2)
            }

            // A broken mapping or an unknown user is a failure message, not a crash.
            let (_, badMapping) = try files(mapping: "{\"date\": 3}")
            do { _ = try await ExternalImportCLI.incidents(app: app, path: path, mappingPath: badMapping, username: "admin", dryRun: true, defaultTimeZone: "Asia/Shanghai"); XCTFail() }
            catch let e as AdminCLI.Failure { XCTAssertTrue(e.message.contains("not a valid mapping"), e.message) }
            do { _ = try await ExternalImportCLI.incidents(app: app, path: path, mappingPath: mappingPath, username: "nobody", dryRun: true, defaultTimeZone: "Asia/Shanghai"); XCTFail() }
            catch let e as AdminCLI.Failure { XCTAssertEqual(e.message, "No active user nobody") }
        }
    }
}
