import Fluent
import FluentPostgresDriver
import SQLKit
import XCTVapor
import PinganKit
@testable import PinganServer

/// Issue 23 §2: `pingan migrate-data` moves a district's SQLite file into a new PostgreSQL database — every row, the
/// identifiers still sealed under the same key, resumable after a kill, verified by counts and checksums. Runs on the
/// PostgreSQL leg of CI (it needs a server to create the destination database on).
final class DataMoveTests: XCTestCase {
    /// An app configured on the destination, as `pingan migrate-data` configures itself (DATABASE_URL = --to).
    private func destinationApp(_ url: String, key: SymmetricKey, dir: String) async throws -> Application {
        setenv("PINGAN_UPLOADS", dir + "/uploads", 1)
        let app = try await Application.make(.testing)
        try await configure(app, config: AppConfig(database: .postgres(url), secretKey: key))
        return app
    }

    func testADistrictFileMovesResumesAndVerifies() async throws {
        guard let dest = try await newScratchDatabase() else { throw XCTSkip("needs PostgreSQL (PINGAN_TEST_DATABASE_URL)") }
        let dir = scratchDirectory("pingan-move")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let key = testKey(7)
        let number = residentID()
        // The district on its SQLite file: a person with a sealed ID number, an incident whose text needs escaping in
        // COPY (tab, newline, backslash), the audit chain those writes made.
        var personID = 0, incidentID = 0
        var sourceCounts: [String: Int] = [:]
        do {
            let (app, f) = try await makeDurableApp(dir: dir, key: key)
            personID = try await createPerson(app, f!, community: f!.c1, id: number)
            incidentID = try await createIncident(app, f!, community: f!.c1, description: "门锁被撬\t后窗\n\\ 有\"引号\"和'撇号'")
            for i in 0..<5 { _ = try await createIncident(app, f!, community: f!.c2, description: "第\(i)起") }
            let sql = app.db as! any SQLDatabase
            for t in ["people", "incidents", "audit_events", "divisions", "users"] {
                sourceCounts[t] = try await sql.raw("SELECT count(*) AS n FROM \(ident: t)").first()!.decode(column: "n", as: Int.self)
            }
            await shutdownDurable(app)
        }
        XCTAssertGreaterThan(sourceCounts["audit_events"] ?? 0, 2)

        // Killed part-way (the hook stops it as a kill would, between two committed batches) …
        do {
            let app = try await destinationApp(dest.url, key: key, dir: dir)
            do {
                _ = try await DataMove.run(app: app, from: dir + "/pingan.sqlite", batch: 3, stopAfterBatches: 4)
                XCTFail("the hook did not stop the move")
            } catch is DataMove.Interrupted {}
            try await app.asyncShutdown()
        }
        // … and run again: it resumes and finishes.
        let report: DataMove.Report
        do {
            let app = try await destinationApp(dest.url, key: key, dir: dir)
            report = try await DataMove.run(app: app, from: dir + "/pingan.sqlite", batch: 3)
            try await app.asyncShutdown()
        }
        XCTAssertTrue(report.resumed)
        for (t, n) in sourceCounts { XCTAssertEqual(report.tables.first { $0.name == t }?.rows, n, t) }

        // The server on PostgreSQL with the same key: starts, reveals the identifier, shows the text as typed, keeps
        // the audit chain (with the move's own row appended), hands out new ids after the moved ones.
        let pgApp = try await destinationApp(dest.url, key: key, dir: dir)
        do {
            try await pgApp.migrateAll()
            let officer = Fixture(tokens: ["officer": "test-token-officer", "admin": "test-token-admin"])
            try await pgApp.call(.POST, "/api/v1/people/\(personID)/reveal", headers: officer.bearer("officer"),
                                 beforeRequest: { try $0.content.encode(["purpose": "case"]) }) { res in
                XCTAssertEqual(res.status, .ok, res.body.string)
                XCTAssertEqual(try res.content.decode(RevealedIdentity.self).idNumber, number)
            }
            try await pgApp.call(.GET, "/api/v1/incidents/\(incidentID)", headers: officer.bearer("admin")) { res in
                XCTAssertEqual(res.status, .ok, res.body.string)
                XCTAssertTrue(res.body.string.contains(#"门锁被撬\t后窗\n\\ 有\"引号\"和'撇号'"#), res.body.string)
            }
            let audit = try await AuditVerify.run(app: pgApp)
            XCTAssertTrue(audit.ok, audit.summary)
            let sql = pgApp.db as! any SQLDatabase
            let moved = try await sql.raw("SELECT count(*) AS n FROM audit_events WHERE action = 'data.migrate'").first()!.decode(column: "n", as: Int.self)
            XCTAssertEqual(moved, 1)
            let maxBefore = try await sql.raw("SELECT max(id) AS n FROM incidents").first()!.decode(column: "n", as: Int.self)
            let fresh = try await createIncident(pgApp, Fixture(tokens: ["admin": "test-token-admin"]), community: sourceCommunity(sql))
            XCTAssertEqual(fresh, maxBefore + 1, "the id sequence continues after the moved rows")
            let left = try await sql.raw("SELECT count(*) AS n FROM information_schema.tables WHERE table_name = '_pingan_data_move'").first()!.decode(column: "n", as: Int.self)
            XCTAssertEqual(left, 0, "a finished move leaves no progress table")
        } catch {
            try? await pgApp.asyncShutdown(); await dropScratchDatabase(dest.name); throw error
        }
        try await pgApp.asyncShutdown()

        // Run again into the same (now full) database: refused, nothing touched.
        let again = try await destinationApp(dest.url, key: key, dir: dir)
        do {
            _ = try await DataMove.run(app: again, from: dir + "/pingan.sqlite")
            XCTFail("moved into a database that holds data")
        } catch let e as AdminCLI.Failure { XCTAssertTrue(e.message.contains("already has"), e.message) }
        try await again.asyncShutdown()
        unsetenv("PINGAN_UPLOADS")
        await dropScratchDatabase(dest.name)
    }

    private func sourceCommunity(_ sql: any SQLDatabase) async throws -> Int {
        try await sql.raw("SELECT min(id) AS n FROM divisions WHERE level = 'community'").first()!.decode(column: "n", as: Int.self)
    }

    /// A file sealed under one key is not moved with another: PostgreSQL would hold identifiers nobody can open.
    func testAnotherKeyIsRefusedBeforeAnythingIsWritten() async throws {
        guard let dest = try await newScratchDatabase() else { throw XCTSkip("needs PostgreSQL (PINGAN_TEST_DATABASE_URL)") }
        let dir = scratchDirectory("pingan-move")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        do {
            let (app, f) = try await makeDurableApp(dir: dir, key: testKey(1))
            _ = try await createPerson(app, f!, community: f!.c1)
            await shutdownDurable(app)
        }
        let app = try await destinationApp(dest.url, key: testKey(2), dir: dir)
        do {
            _ = try await DataMove.run(app: app, from: dir + "/pingan.sqlite")
            XCTFail("moved under another key")
        } catch let e as AdminCLI.Failure {
            XCTAssertTrue(e.message.contains(KeyCheck.fingerprint(testKey(1))), e.message)
        }
        let sql = app.db as! any SQLDatabase
        let tables = try await sql.raw("SELECT count(*) AS n FROM information_schema.tables WHERE table_schema = current_schema()").first()!.decode(column: "n", as: Int.self)
        XCTAssertEqual(tables, 0, "nothing was created")
        try await app.asyncShutdown()
        unsetenv("PINGAN_UPLOADS")
        await dropScratchDatabase(dest.name)
    }

    /// The values PostgreSQL gets are the file's: times to the microsecond, doubles exactly, COPY's escapes.
    func testCellsConvertAndCompareByType() throws {
        let t = try DataMove.Cell(.float(1_767_225_600.1234567), .timestamp, table: "t", column: "c")
        XCTAssertEqual(t, .micros(1_767_225_600_123_457))
        XCTAssertEqual(t.copyText, "2026-01-01 00:00:00.123457+00")
        XCTAssertEqual(DataMove.Cell(postgres: "1767225600123457", .timestamp), t)
        XCTAssertEqual(try DataMove.Cell(.integer(1), .bool, table: "t", column: "c").copyText, "t")
        XCTAssertEqual(DataMove.Cell(postgres: "true", .bool), .bool(true))
        XCTAssertEqual(try DataMove.Cell(.float(113.3845), .double, table: "t", column: "c"), DataMove.Cell(postgres: "113.3845", .double))
        XCTAssertEqual(try DataMove.Cell(.text("a\tb\nc\\d"), .text, table: "t", column: "c").copyText, #"a\tb\nc\\d"#)
        XCTAssertEqual(DataMove.Cell.null.copyText, #"\N"#)
        XCTAssertEqual(DataMove.Cell.timestamp(-1), "1969-12-31 23:59:59.999999+00")
        XCTAssertThrowsError(try DataMove.Cell(.text("abc"), .int, table: "people", column: "community_id")) { e in
            XCTAssertTrue((e as? AdminCLI.Failure)?.message.contains("people.community_id") ?? false)
        }
        var a = DataMove.Sum(), b = DataMove.Sum()
        a.add([.int(1), .text("x")]); a.add([.int(2), .text("y")])
        b.add([.int(2), .text("y")]); b.add([.int(1), .text("x")])
        XCTAssertEqual(a, b, "the checksum does not depend on row order")
        b.add([.int(3), .null])
        XCTAssertNotEqual(a, b)
    }
}
