import AsyncKit
import Fluent
import FluentPostgresDriver
import SQLKit
import XCTVapor
import PinganKit
@testable import PinganServer

/// Issue 23 §3: with `DATABASE_READ_URL`, exports, reports and the map read the standby while lists, records and every
/// write stay on the primary. The "standby" here is a copy of the primary taken before one more write — a replica
/// that lags — so which database answered is visible. Runs on the PostgreSQL leg of CI.
final class ReadReplicaTests: XCTestCase {
    func testExportsReadTheStandbyAndListsThePrimary() async throws {
        guard let base = ProcessInfo.processInfo.environment["PINGAN_TEST_DATABASE_URL"], !base.isEmpty,
              let slash = base.lastIndex(of: "/") else { throw XCTSkip("needs PostgreSQL (PINGAN_TEST_DATABASE_URL)") }
        let dir = scratchDirectory("pingan-replica")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let key = testKey(9)
        let f: Fixture
        do {
            let (app, fixture) = try await makeDurableApp(dir: dir, key: key, postgresIfConfigured: true)
            f = fixture!
            for i in 0..<2 { _ = try await createIncident(app, f, community: f.c1, description: "副本里也有的第\(i)起") }
            await shutdownDurable(app)
        }
        // The standby: the primary as it is now (a template copy needs no session on the source).
        let primaryName = String(base[base.index(after: slash)...])
        let standbyName = "pingan_standby_\(UUID().uuidString.prefix(8).lowercased())"
        let maintenance = String(base[..<slash]) + "/postgres"
        try await adminSQL(maintenance) { try await $0.query(PostgresQuery(unsafeSQL: "CREATE DATABASE \(standbyName) TEMPLATE \(primaryName)"), logger: .init(label: "test")) }

        setenv("PINGAN_UPLOADS", dir + "/uploads", 1)
        let app = try await Application.make(.testing)
        var config = AppConfig(database: .postgres(base), secretKey: key)
        config.readURL = String(base[..<slash]) + "/" + standbyName
        do {
            try await configure(app, config: config)
            // A write after the copy: on the primary only, as if replication had not caught up yet.
            _ = try await createIncident(app, f, community: f.c1, description: "只在主库的第三起")
            try await app.call(.GET, "/api/v1/incidents", headers: f.bearer("admin")) { res in
                XCTAssertEqual(res.status, .ok, res.body.string)
                XCTAssertEqual(try res.content.decode(IncidentPage.self).page.total, 3, "the ledger reads the primary: the user sees their own write")
            }
            try await app.call(.GET, "/api/v1/incidents/export.csv", headers: f.bearer("admin")) { res in
                XCTAssertEqual(res.status, .ok, res.body.string)
                XCTAssertTrue(res.body.string.contains("副本里也有的第1起"), res.body.string)
                XCTAssertFalse(res.body.string.contains("只在主库的第三起"), "the export read the standby")
            }
        } catch {
            try? await app.asyncShutdown(); unsetenv("PINGAN_UPLOADS")
            try? await adminSQL(maintenance) { try await $0.query(PostgresQuery(unsafeSQL: "DROP DATABASE IF EXISTS \(standbyName) WITH (FORCE)"), logger: .init(label: "test")) }
            throw error
        }
        try await app.asyncShutdown()
        unsetenv("PINGAN_UPLOADS")
        try await adminSQL(maintenance) { try await $0.query(PostgresQuery(unsafeSQL: "DROP DATABASE IF EXISTS \(standbyName) WITH (FORCE)"), logger: .init(label: "test")) }
    }

    func testAStandbyNeedsAPostgreSQLPrimary() {
        XCTAssertThrowsError(try AppConfig.fromEnvironment(["PINGAN_SECRET_KEY": Data(repeating: 1, count: 32).base64EncodedString(),
                                                           "DATABASE_READ_URL": "postgres://replica/pingan"])) { e in
            XCTAssertTrue("\(e)".contains("DATABASE_READ_URL"), "\(e)")
        }
        let c = try? AppConfig.fromEnvironment(["PINGAN_SECRET_KEY": Data(repeating: 1, count: 32).base64EncodedString(),
                                               "DATABASE_URL": "postgres://primary/pingan", "DATABASE_READ_URL": "postgres://replica/pingan"])
        XCTAssertEqual(c?.readURL, "postgres://replica/pingan")
    }
}
