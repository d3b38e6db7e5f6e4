import Fluent
import SQLKit
import XCTVapor
import PinganKit
@testable import PinganServer

/// Issue 22: denied and not-found accesses to scoped records are audited, bounded per user, route and minute; old
/// rows are archived to a file that verifies on its own while the rest of the chain still verifies.
final class AuditAccessArchiveTests: XCTestCase {
    func testOutOfScopeAndMissingRecordsAreAuditedOncePerMinute() async throws {
        try await withApp { app, f in
            let other = try await createPerson(app, f, as: "admin", community: f.c3)
            for _ in 0..<5 {
                try await app.call(.GET, "/api/v1/people/\(other)", headers: f.bearer("officer")) { XCTAssertEqual($0.status, .notFound) }
            }
            try await app.call(.GET, "/api/v1/people/999999", headers: f.bearer("officer")) { XCTAssertEqual($0.status, .notFound) }
            let rows = try await AuditEvent.query(on: app.db).filter(\.$action == "access.notfound").all()
            XCTAssertEqual(rows.count, 1, "one row per user, route and minute: \(rows.map(\.detail))")
            XCTAssertEqual(rows.first?.entity, "people")
            XCTAssertEqual(rows.first?.entityID, "\(other)")
            XCTAssertEqual(rows.first?.username, "officer")
            XCTAssertEqual(rows.first?.result, "denied")
            // The suppressed ones are counted into the key's next row, a minute later.
            let limiter = AccessAuditLimiter()
            XCTAssertEqual(limiter.admit("k", now: Date(timeIntervalSince1970: 60)), 0)
            XCTAssertNil(limiter.admit("k", now: Date(timeIntervalSince1970: 61)))
            XCTAssertNil(limiter.admit("k", now: Date(timeIntervalSince1970: 62)))
            XCTAssertEqual(limiter.admit("k", now: Date(timeIntervalSince1970: 121)), 2)
            XCTAssertEqual(limiter.admit("j", now: Date(timeIntervalSince1970: 121)), 0)
        }
    }

    func testForbiddenAccessIsAuditedWithThePermission() async throws {
        try await withApp { app, f in
            let id = try await createPerson(app, f, community: f.c1)
            for _ in 0..<3 {
                try await app.call(.POST, "/api/v1/people/\(id)/reveal", headers: f.bearer("analyst"), beforeRequest: { try $0.content.encode(["purpose": "case"]) }) {
                    XCTAssertEqual($0.status, .forbidden)
                }
            }
            let rows = try await AuditEvent.query(on: app.db).filter(\.$action == "access.denied").all()
            XCTAssertEqual(rows.count, 1)
            XCTAssertEqual(rows.first?.username, "analyst")
            XCTAssertTrue(rows.first?.detail.contains("route=POST /api/v1/people/:id/reveal") ?? false, rows.first?.detail ?? "")
            let awaited1 = try await AuditVerify.run(app: app).ok
            XCTAssertTrue(awaited1)
            // An unknown path is not an access to a record.
            try await app.call(.GET, "/no/such/page", headers: f.bearer("analyst")) { XCTAssertEqual($0.status, .notFound) }
            let awaited2 = try await AuditEvent.query(on: app.db).filter(\.$action == "access.notfound").count()
            XCTAssertEqual(awaited2, 0)
        }
    }

    func testArchivingKeepsSixMonthsAndLeavesAVerifiableFileAndChain() async throws {
        try await withApp { app, _ in
            let now = Date()
            // Ten rows a year old, then three recent ones.
            for i in 0..<10 {
                let e = AuditEvent()
                e.at = now.addingTimeInterval(-Double(400 - i) * 86400); e.userID = nil; e.username = "old"; e.action = "old.event"
                e.entity = "test"; e.entityID = "\(i)"; e.result = "ok"; e.ip = "-"; e.detail = "old \(i)"
                try await AuditLog.write(e, on: app.db, app: app)
            }
            for i in 0..<3 { try await AuditLog.system(app, action: "new.event", entity: "test", id: "\(i)") }
            let dir = scratchDirectory()
            defer { try? FileManager.default.removeItem(atPath: dir) }
            // Younger than six months: refused with the earliest allowed date.
            do {
                _ = try await AuditArchive.run(app: app, before: now.addingTimeInterval(-30 * 86400), out: dir + "/a.jsonl")
                XCTFail("archived rows younger than six months")
            } catch let e as AdminCLI.Failure { XCTAssertTrue(e.message.contains("183 days"), e.message) }
            let before = now.addingTimeInterval(-200 * 86400)
            let o = try await AuditArchive.run(app: app, before: before, out: dir + "/a.jsonl", now: now)
            XCTAssertEqual(o.rows, 10)
            let awaited3 = try await AuditEvent.query(on: app.db).filter(\.$action == "old.event").count()
            XCTAssertEqual(awaited3, 0)
            let r = try await AuditVerify.run(app: app)
            XCTAssertTrue(r.ok, r.summary)
            XCTAssertEqual(r.anchorSeq, o.lastSeq)
            let awaited4 = try await AuditEvent.query(on: app.db).filter(\.$action == "audit.archive").count()
            XCTAssertEqual(awaited4, 1)
            // The file verifies alone, and an edit in it is found.
            XCTAssertTrue(try AuditArchive.verify(file: dir + "/a.jsonl", secret: app.pingan.secretKey).contains("intact"))
            let text = try String(contentsOfFile: dir + "/a.jsonl", encoding: .utf8)
            try text.replacingOccurrences(of: "old 3", with: "old 4").write(toFile: dir + "/b.jsonl", atomically: true, encoding: .utf8)
            XCTAssertThrowsError(try AuditArchive.verify(file: dir + "/b.jsonl", secret: app.pingan.secretKey)) {
                XCTAssertTrue(($0 as? AdminCLI.Failure)?.message.contains("BROKEN") ?? false, "\($0)")
            }
            // Removing the anchor's rows' successor is still caught: the first remaining row must follow the anchor.
            let sql = app.db as! any SQLDatabase
            try await sql.delete(from: "audit_events").where("seq", .equal, o.lastSeq + 1).run()
            let awaited5 = try await AuditVerify.run(app: app).firstBreak?.reason
            XCTAssertEqual(awaited5, .gap(expected: o.lastSeq + 1))
            // Moving the anchor by hand is caught by its tag.
            try await sql.update("audit_chain").set("anchor_seq", to: o.lastSeq + 1).run()
            let awaited6 = try await AuditVerify.run(app: app).firstBreak?.reason
            XCTAssertEqual(awaited6, .forgedCheckpoint("anchor (left by archiving)"))
        }
    }
}
