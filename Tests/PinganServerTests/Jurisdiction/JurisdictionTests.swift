import Fluent
import SQLKit
import XCTVapor
import PinganKit
@testable import PinganServer

final class JurisdictionTests: XCTestCase {
    func testAdminEditsCommunityWithValidation() async throws {
        try await withApp { app, f in
            try await app.call(.PATCH, "/api/v1/divisions/\(f.c1)", headers: f.bearer("admin"), beforeRequest: { req in
                try req.content.encode(["residentPopulation": "-5", "boundaryGeoJSON": "{\"type\":\"Polygon\",\"coordinates\":[[[113,22],[113.1,22],[113,22.1]]]}"])
            }) { res in
                XCTAssertEqual(res.status, .unprocessableEntity)
                let fields = try res.content.decode(ErrorBody.self).fields ?? [:]
                XCTAssertNotNil(fields["residentPopulation"]); XCTAssertNotNil(fields["boundaryGeoJSON"])
            }
            let ring = "[[113,22],[113.1,22],[113.1,22.1],[113,22]]"
            try await app.call(.PATCH, "/api/v1/divisions/\(f.c1)", headers: f.bearer("admin"), beforeRequest: { req in
                req.headers.contentType = .json
                req.body = .init(string: #"{"residentPopulation": 6200, "kind": "rural", "stationID": \#(f.stationB), "boundaryGeoJSON": "{\"type\":\"Polygon\",\"coordinates\":[\#(ring)]}"}"#)
            }) { res in
                XCTAssertEqual(res.status, .ok, res.body.string)
                let dto = try res.content.decode(DivisionDTO.self)
                XCTAssertEqual(dto.residentPopulation, 6200)
                XCTAssertEqual(dto.kind, .rural)
                XCTAssertEqual(dto.stationID, f.stationB, "a community can be moved to another station")
            }
            let v1 = try await AuditEvent.query(on: app.db).filter(\.$action == "division.update").count()
            XCTAssertEqual(v1, 1)
            // Officers may read their community but not edit it.
            try await app.call(.PATCH, "/api/v1/divisions/\(f.c1)", headers: f.bearer("officer"), beforeRequest: { try $0.content.encode(["name": "x"]) }) {
                XCTAssertEqual($0.status, .forbidden)
            }
        }
    }

    func testCommunityPageShowsSummaryWithinScope() async throws {
        try await withApp { app, f in
            try await createPerson(app, f, community: f.c1)
            for _ in 0..<2 { _ = try await createIncident(app, f, community: f.c1) }
            _ = try await createIncident(app, f, community: f.c3)
            let s = try await signIn(app, "officer")
            try await app.call(.GET, "/jurisdiction/\(f.c1)", beforeRequest: { $0.headers.cookie = s.cookies }) { res in
                XCTAssertTrue(res.body.string.contains("已登记常住人口"), "registry counts on the community page")
                XCTAssertTrue(res.body.string.contains(#"<div class="num">2</div><div class="lbl">近30天警情</div>"#), "the community's own incidents of the last 30 days")
                XCTAssertEqual(res.status, .ok)
                XCTAssertTrue(res.body.string.contains("德兴社区"))
                XCTAssertTrue(res.body.string.contains("市桥派出所"), "station shown")
                XCTAssertTrue(res.body.string.contains("第1网格"), "grids listed")
            }
            try await app.call(.GET, "/jurisdiction/\(f.c3)", beforeRequest: { $0.headers.cookie = s.cookies }) { XCTAssertEqual($0.status, .notFound) }
            try await app.call(.GET, "/api/v1/divisions?level=community", headers: f.bearer("chief")) { res in
                let names = try res.content.decode([DivisionDTO].self).map(\.name)
                XCTAssertEqual(Set(names), ["德兴社区", "东兴社区"], "a station chief sees the communities the station covers")
            }
        }
    }

    func testRealPanyuTreeSeedsWithGeneratedCodesMarked() async throws {
        let app = try await Application.make(.testing)
        do {
            var db = AppConfig.DatabaseKind.sqliteMemory
            if let url = ProcessInfo.processInfo.environment["PINGAN_TEST_DATABASE_URL"], !url.isEmpty { db = .postgres(url) }
            try await configure(app, config: .testing(database: db))
            if case .postgres = db {
                let sql = app.db as! any SQLDatabase
                try await sql.raw("DROP SCHEMA public CASCADE").run(); try await sql.raw("CREATE SCHEMA public").run()
            }
            try await app.migrateAll()
            try await DemoSeeder.seedDivisions(on: app.db)
            let v2 = try await Division.query(on: app.db).filter(\.$level == .street).count()
            XCTAssertEqual(v2, 16)
            let v3 = try await Division.query(on: app.db).filter(\.$level == .community).count()
            XCTAssertEqual(v3, 267)
            let shiqiao = try await Division.query(on: app.db).filter(\.$code == "440113007").first()
            XCTAssertEqual(shiqiao?.name, "市桥街道")
            let v4 = try await Division.query(on: app.db).filter(\.$parentID == shiqiao!.id!).count()
            XCTAssertEqual(v4, 36)
            let official = try await Division.query(on: app.db).filter(\.$level == .community).filter(\.$codeGenerated == false).count()
            XCTAssertEqual(official, 0,
                           "no official 12-digit codes exist in the data, so every community code is marked generated")
            let v5 = try await Division.query(on: app.db).filter(\.$level == .street).filter(\.$codeGenerated == true).count()
            XCTAssertEqual(v5, 0)
            // Every community has one office; rural offices may serve up to three villages.
            let v6 = try await Division.query(on: app.db).filter(\.$level == .community).filter(\.$officeID == nil).count()
            XCTAssertEqual(v6, 0)
            try await DemoSeeder.seedDivisions(on: app.db) // idempotent
            let v7 = try await Division.query(on: app.db).filter(\.$level == .street).count()
            XCTAssertEqual(v7, 16)
        } catch { try? await app.asyncShutdown(); throw error }
        try await app.asyncShutdown()
    }
}
