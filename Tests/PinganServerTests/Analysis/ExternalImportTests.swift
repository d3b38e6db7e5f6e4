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
            XCTAssertEqual(refused.problemList.first?.line, 4)
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

    struct Upload: Content { var file: File; var mapping: String; var dryRun: String? }

    func testWebUploadDryRunThenWriteScopedWithFieldErrors() async throws {
        try await withApp { app, f in
            func post(_ user: String, _ body: Upload) async throws -> (HTTPStatus, String) {
                var out: (HTTPStatus, String) = (.ok, "")
                try await app.test(.POST, "/analysis/import", headers: f.bearer(user), beforeRequest: { req in
                    try req.content.encode(body, as: .formData)
                }, afterResponse: { res in out = (res.status, res.body.string) })
                return out
            }
            let file = File(data: ByteBuffer(string: csv), filename: "mci.csv")
            let dry = try await post("admin", Upload(file: file, mapping: mapping, dryRun: "1"))
            XCTAssertEqual(dry.0, .ok); XCTAssertTrue(dry.1.contains("试导入通过"), dry.1)
            XCTAssertTrue(dry.1.contains("警情 3 起（有坐标 2 起）"))
            let none = try await Incident.query(on: app.db).filter(\.$description ~~ "Toronto MCI").count()
            XCTAssertEqual(none, 0)

            let refused = try await post("officer", Upload(file: file, mapping: mapping, dryRun: nil))
            XCTAssertEqual(refused.0, .unprocessableEntity)
            XCTAssertTrue(refused.1.contains("outside officer"))

            let done = try await post("admin", Upload(file: file, mapping: mapping, dryRun: nil))
            XCTAssertEqual(done.0, .ok); XCTAssertTrue(done.1.contains("已导入 3 起警情"))
            let written = try await Incident.query(on: app.db).filter(\.$description ~~ "Toronto MCI").count()
            XCTAssertEqual(written, 3)

            let bad = try await post("admin", Upload(file: File(data: ByteBuffer(), filename: "empty.csv"), mapping: "{oops", dryRun: "1"))
            XCTAssertEqual(bad.0, .unprocessableEntity)
            XCTAssertTrue(bad.1.contains("映射文件不是有效的 JSON 映射"))
            XCTAssertTrue(bad.1.contains("请选择 UTF-8 编码的 CSV 文件"))

            try await app.test(.GET, "/analysis/import", headers: f.bearer("analyst")) { res in XCTAssertEqual(res.status, .forbidden) }
            try await app.test(.GET, "/analysis/import", headers: f.bearer("chief")) { res in
                XCTAssertEqual(res.status, .ok); XCTAssertTrue(res.body.string.contains("occurrencedate"))
            }
        }
    }
}
