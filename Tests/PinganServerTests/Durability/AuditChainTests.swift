import Fluent
import SQLKit
import XCTVapor
import PinganKit
@testable import PinganServer

/// Issue 22: the audit log proves itself — a keyed hash chain that `pingan audit verify` walks, naming the first row
/// where a direct UPDATE, DELETE or INSERT in the database broke it. Runs on SQLite and PostgreSQL.
final class AuditChainTests: XCTestCase {
    /// Writes `n` audit rows the way the app does.
    func write(_ app: Application, _ n: Int, action: String = "test.event") async throws {
        for i in 0..<n { try await AuditLog.system(app, action: action, entity: "test", id: "\(i)", detail: "row \(i)") }
    }

    func row(_ app: Application, seq: Int) async throws -> AuditEvent {
        try await AuditEvent.query(on: app.db).filter(\.$seq == seq).first()!
    }

    func testAnIntactChainVerifiesAndEveryRowIsChained() async throws {
        try await withApp { app, f in
            _ = try await createIncident(app, f, community: f.c1)
            try await write(app, 5)
            let unchained = try await AuditEvent.query(on: app.db).filter(\.$seq == nil).count()
            XCTAssertEqual(unchained, 0)
            let r = try await AuditVerify.run(app: app)
            XCTAssertTrue(r.ok, r.summary)
            XCTAssertGreaterThanOrEqual(r.checked, 6)
            XCTAssertEqual(r.checked, r.headSeq)
        }
    }

    func testADirectUpdateIsDetectedAtThatRow() async throws {
        try await withApp { app, _ in
            try await write(app, 6)
            let target = try await row(app, seq: 3)
            let sql = app.db as! any SQLDatabase
            try await sql.update("audit_events").set("detail", to: "nothing happened").where("id", .equal, target.id!).run()
            let r = try await AuditVerify.run(app: app)
            XCTAssertEqual(r.firstBreak?.id, target.id)
            XCTAssertEqual(r.firstBreak?.reason, .altered)
            XCTAssertTrue(r.summary.contains("row id \(target.id!)"), r.summary)
            // Rewriting the row's own MAC does not help without the key, nor does copying the next row's prev_mac.
            try await sql.update("audit_events").set("mac", to: String(repeating: "0", count: 64)).where("id", .equal, target.id!).run()
            let again = try await AuditVerify.run(app: app)
            XCTAssertEqual(again.firstBreak?.id, target.id)
        }
    }

    func testADirectDeleteInTheMiddleOrAtTheEndIsDetected() async throws {
        try await withApp { app, _ in
            try await write(app, 6)
            let sql = app.db as! any SQLDatabase
            let third = try await row(app, seq: 3), fourth = try await row(app, seq: 4)
            try await sql.delete(from: "audit_events").where("id", .equal, third.id!).run()
            let r = try await AuditVerify.run(app: app)
            XCTAssertEqual(r.firstBreak?.id, fourth.id, "the row after the gap is named")
            XCTAssertEqual(r.firstBreak?.reason, .gap(expected: 3))
        }
        try await withApp { app, _ in
            try await write(app, 4)
            let sql = app.db as! any SQLDatabase
            let head = try await AuditVerify.run(app: app).headSeq
            try await sql.delete(from: "audit_events").where("seq", .equal, head).run()
            let r = try await AuditVerify.run(app: app)
            XCTAssertEqual(r.firstBreak?.reason, .truncated(lastSeq: head - 1, headSeq: head))
            // Moving the head back by hand is caught by its tag.
            let prev = try await row(app, seq: head - 1)
            try await sql.update("audit_chain").set("head_seq", to: head - 1).set("head_mac", to: prev.mac!).run()
            let forged = try await AuditVerify.run(app: app)
            XCTAssertEqual(forged.firstBreak?.reason, .forgedCheckpoint("head"))
        }
    }

    func testADirectInsertIsDetected() async throws {
        try await withApp { app, _ in
            try await write(app, 3)
            let sql = app.db as! any SQLDatabase
            // Without chain values.
            try await sql.insert(into: "audit_events").columns("at", "username", "action", "entity", "result", "ip", "detail")
                .values(SQLBind(Date()), SQLBind("admin"), SQLBind("person.reveal"), SQLBind("person"), SQLBind("ok"), SQLBind("-"), SQLBind("cover story")).run()
            let r = try await AuditVerify.run(app: app)
            XCTAssertEqual(r.firstBreak?.reason, .unchained)
            let inserted = try await AuditEvent.query(on: app.db).filter(\.$detail == "cover story").first()!
            XCTAssertEqual(r.firstBreak?.id, inserted.id)
        }
        try await withApp { app, _ in
            try await write(app, 3)
            let sql = app.db as! any SQLDatabase
            // With made-up chain values in the next place: the MAC cannot be made without the key.
            let last = try await row(app, seq: 3)
            try await sql.insert(into: "audit_events").columns("at", "username", "action", "entity", "result", "ip", "detail", "seq", "prev_mac", "mac")
                .values(SQLBind(Date()), SQLBind("admin"), SQLBind("x"), SQLBind("x"), SQLBind("ok"), SQLBind("-"), SQLBind("forged"),
                        SQLBind(4), SQLBind(last.mac!), SQLBind(String(repeating: "a", count: 64))).run()
            let r = try await AuditVerify.run(app: app)
            XCTAssertEqual(r.firstBreak?.reason, .altered)
            XCTAssertEqual(r.firstBreak?.seq, 4)
        }
    }

    /// Parallel requests must not fork the chain: every row gets its own seq and follows the one before.
    func testParallelWritersKeepOneChain() async throws {
        try await withApp { app, f in
            try await withThrowingTaskGroup(of: Void.self) { g in
                for i in 0..<40 {
                    g.addTask { try await AuditLog.system(app, action: "parallel", entity: "test", id: "\(i)") }
                }
                // Writers inside their own transactions, as the features do (`req.audit(…, on: tx)`).
                for i in 0..<10 {
                    g.addTask {
                        try await app.db.transaction { tx in try await AuditLog.system(app, on: tx, action: "parallel.tx", entity: "test", id: "\(i)") }
                    }
                }
                try await g.waitForAll()
            }
            for _ in 0..<3 { _ = try await createIncident(app, f, community: f.c1) }
            let r = try await AuditVerify.run(app: app)
            XCTAssertTrue(r.ok, r.summary)
            let n = try await AuditEvent.query(on: app.db).count()
            XCTAssertEqual(r.checked, n)
            XCTAssertGreaterThanOrEqual(n, 53)
        }
    }

    /// Rows written before the chain existed are chained by the migration, oldest first.
    func testTheMigrationChainsExistingRows() async throws {
        try await withApp { app, _ in
            let sql = app.db as! any SQLDatabase
            let migration = ChainAuditLog(secret: app.pingan.secretKey)
            try await migration.revert(on: app.db)
            for i in 0..<5 {
                try await sql.insert(into: "audit_events").columns("at", "username", "action", "entity", "result", "ip", "detail")
                    .values(SQLBind(Date().addingTimeInterval(Double(i))), SQLBind("old"), SQLBind("legacy"), SQLBind("x"), SQLBind("ok"), SQLBind("-"), SQLBind("\(i)")).run()
            }
            try await migration.prepare(on: app.db)
            let r = try await AuditVerify.run(app: app)
            XCTAssertTrue(r.ok, r.summary)
            let awaited8 = try await AuditEvent.query(on: app.db).count()
            XCTAssertEqual(r.checked, awaited8)
            try await write(app, 1)
            let awaited9 = try await AuditVerify.run(app: app).ok
            XCTAssertTrue(awaited9)
        }
    }

    /// A verification with another key fails at the first row: the MAC is keyed.
    func testTheChainIsKeyed() async throws {
        try await withApp { app, _ in
            try await write(app, 2)
            let r = try await AuditVerify.run(db: app.db, secret: testKey(9))
            XCTAssertNotNil(r.firstBreak)
        }
    }
}
