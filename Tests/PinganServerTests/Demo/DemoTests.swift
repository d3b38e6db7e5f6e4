import Fluent
import Foundation
import SQLKit
import XCTVapor
import PinganKit
@testable import PinganServer

/// Issue 25: the demo never writes a time later than now, and it honours PINGAN_DB without erasing a real database.
final class DemoTests: XCTestCase {
    /// Columns that hold deadlines or validity, where a later time is the point.
    static let futureAllowed: Set<String> = ["due_at", "expires_at", "locked_until", "rectification_until", "deadline"]

    /// Every timestamp column of every table: (table, column).
    static func timestampColumns(_ sql: any SQLDatabase) async throws -> [(String, String)] {
        struct Col: Decodable { var table_name: String; var column_name: String }
        if sql.dialect.name == "postgresql" {
            return try await sql.raw("""
                SELECT table_name, column_name FROM information_schema.columns
                WHERE table_schema = 'public' AND data_type LIKE 'timestamp%'
                """).all(decoding: Col.self).map { ($0.table_name, $0.column_name) }
        }
        // SQLite: Fluent stores dates as REAL seconds since 1970; other REAL columns (coordinates, hours) are far below 1e9.
        struct T: Decodable { var name: String }
        struct C: Decodable { var name: String; var type: String }
        var out: [(String, String)] = []
        for t in try await sql.raw("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'").all(decoding: T.self) {
            for c in try await sql.raw("SELECT name, type FROM pragma_table_info(\(bind: t.name))").all(decoding: C.self) where c.type.uppercased() == "REAL" {
                out.append((t.name, c.name))
            }
        }
        return out
    }

    func testTheDemoWritesNoTimeLaterThanNow() async throws {
        try await withApp { app, _ in
            var seeder = DemoSeeder()
            seeder.log = { _ in }
            seeder.incidentCount = 4000
            _ = try await seeder.seedUsers(app: app)
            try await seeder.seedIncidents(app: app)
            try await seeder.seedDisputes(app: app)
            _ = try await seeder.seedPortal(app: app)
            _ = try await seeder.seedUnits(app: app)
            try await seeder.seedGridEvents(app: app, perDay: 3)
            try await seeder.seedMessages(app: app)
            let now = Date().addingTimeInterval(1)
            let sql = app.db as! any SQLDatabase
            var future: [String] = []
            var checked = 0
            for (table, column) in try await Self.timestampColumns(sql) where !Self.futureAllowed.contains(column) {
                let q = sql.select().column(SQLFunction("COUNT", args: SQLLiteral.all), as: "n").from(table)
                    .where(SQLColumn(column), .greaterThan, SQLBind(now))
                if sql.dialect.name == "sqlite" { q.where(SQLColumn(column), .greaterThan, SQLLiteral.numeric("1000000000")) }
                let n = try await q.first()?.decode(column: "n", as: Int.self) ?? 0
                checked += 1
                if n > 0 { future.append("\(table).\(column): \(n)") }
            }
            XCTAssertGreaterThan(checked, 20, "the scan found the tables")
            XCTAssertEqual(future, [], "demo rows dated after now (a closed request updated tomorrow)")
            // The seeded data is there to be checked.
            let replies = try await PortalReply.query(on: app.db).count()
            let events = try await IncidentEvent.query(on: app.db).count()
            XCTAssertGreaterThan(replies, 10)
            XCTAssertGreaterThan(events, 4000)
            let gridEvents = try await GridEvent.query(on: app.db).count()
            XCTAssertGreaterThan(gridEvents, 300)
            let pushes = try await PushMessage.query(on: app.db).count(), copies = try await PushReceipt.query(on: app.db).count()
            XCTAssertEqual(pushes, 3); XCTAssertGreaterThan(copies, 3)
        }
    }

    /// The portal's demo replies: a request made 4 hours ago with a 72-hour response time used to get its first reply
    /// 57.6 hours later and its last a day after that — in the future.
    func testDemoPortalRepliesFitBetweenTheRequestAndNow() {
        let now = Date()
        for (ageHours, delay) in [(4.0, 57.6), (3.0, 0.8), (30.0, 19.2), (1000.0, 57.6)] {
            let requested = now.addingTimeInterval(-ageHours * 3600)
            let times = DemoSeeder.replyTimes(requestedAt: requested, now: now, firstDelayHours: delay, count: 2)
            XCTAssertEqual(times.count, 2)
            XCTAssertTrue(times.allSatisfy { $0 > requested && $0 <= now }, "\(ageHours) h: \(times)")
            XCTAssertLessThan(times[0], times[1])
        }
        let old = DemoSeeder.replyTimes(requestedAt: now.addingTimeInterval(-1000 * 3600), now: now, firstDelayHours: 57.6, count: 2)
        XCTAssertEqual(old[1].timeIntervalSince(old[0]), 86_400, accuracy: 1e-6, "an old request keeps the day between replies")
    }

    // MARK: PINGAN_DB

    private func tempFile(_ bytes: [UInt8]) throws -> String {
        let path = NSTemporaryDirectory() + "pingan-demo-test-\(UUID().uuidString).sqlite"
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        addTeardownBlock { try? FileManager.default.removeItem(atPath: path) }
        return path
    }

    private func sqliteHeader(applicationID: UInt32) -> [UInt8] {
        var h = [UInt8](repeating: 0, count: 100)
        for (i, b) in Array("SQLite format 3".utf8).enumerated() { h[i] = b }
        h[68] = UInt8(applicationID >> 24); h[69] = UInt8((applicationID >> 16) & 0xff); h[70] = UInt8((applicationID >> 8) & 0xff); h[71] = UInt8(applicationID & 0xff)
        return h + [UInt8](repeating: 0, count: 400)
    }

    func testTheDemoHonoursPINGAN_DBAndNeverErasesARealDatabase() throws {
        // --db wins, then PINGAN_DB (it was ignored), then the default name.
        XCTAssertEqual(DemoDatabaseFile.choose(option: "a.sqlite", environment: ["PINGAN_DB": "b.sqlite"]), .init(path: "a.sqlite", source: .option))
        XCTAssertEqual(DemoDatabaseFile.choose(option: nil, environment: ["PINGAN_DB": "b.sqlite"]), .init(path: "b.sqlite", source: .environment))
        XCTAssertEqual(DemoDatabaseFile.choose(option: nil, environment: ["PINGAN_DB": ""]), .init(path: "pingan-demo.sqlite", source: .defaultName))
        XCTAssertEqual(DemoDatabaseFile.choose(option: nil, environment: [:]).path, "pingan-demo.sqlite")

        let real = try tempFile(sqliteHeader(applicationID: 0))
        let demo = try tempFile(sqliteHeader(applicationID: UInt32(bitPattern: DemoDatabaseFile.applicationID)))
        let empty = try tempFile([])
        XCTAssertFalse(DemoDatabaseFile.isDemoDatabase(atPath: real))
        XCTAssertTrue(DemoDatabaseFile.isDemoDatabase(atPath: demo))
        XCTAssertFalse(DemoDatabaseFile.mayReplace(.init(path: real, source: .environment)), "PINGAN_DB naming the real database is refused")
        XCTAssertTrue(DemoDatabaseFile.mayReplace(.init(path: demo, source: .environment)), "an earlier demo is replaced")
        XCTAssertTrue(DemoDatabaseFile.mayReplace(.init(path: empty, source: .environment)))
        XCTAssertTrue(DemoDatabaseFile.mayReplace(.init(path: NSTemporaryDirectory() + "pingan-none-\(UUID().uuidString)", source: .environment)))
        XCTAssertTrue(DemoDatabaseFile.mayReplace(.init(path: real, source: .option)), "--db is explicit, as before")
    }

    func testMarkSetsTheApplicationID() async throws {
        try await withApp { app, _ in
            try await DemoDatabaseFile.mark(app.db)
            let sql = app.db as! any SQLDatabase
            guard sql.dialect.name == "sqlite" else { return }   // PostgreSQL: nothing to mark (the demo is SQLite only)
            struct Row: Decodable { var application_id: Int }
            let id = try await sql.raw("PRAGMA application_id").first(decoding: Row.self)?.application_id
            XCTAssertEqual(id, Int(DemoDatabaseFile.applicationID))
        }
    }
}
