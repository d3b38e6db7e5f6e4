import Crypto
import Fluent
import SQLKit
import Vapor
import PinganKit

/// Issue 22: the audit log becomes a keyed hash chain. Adds the chain columns and the head row, and chains the rows
/// already there in id order, so an existing installation verifies from its first row on.
struct ChainAuditLog: AsyncMigration {
    let secret: SymmetricKey

    func prepare(on db: any Database) async throws {
        let sql = db as! any SQLDatabase
        try await sql.alter(table: "audit_events").column("seq", type: .bigint).run()
        try await sql.alter(table: "audit_events").column("prev_mac", type: .text).run()
        try await sql.alter(table: "audit_events").column("mac", type: .text).run()
        try await sql.create(index: "idx_audit_seq").on("audit_events").column("seq").unique().run()
        // One row: the head (last seq and MAC, tagged) and the anchor archiving leaves (seq 0 / genesis before any).
        try await sql.create(table: "audit_chain")
            .column("id", type: .int, .primaryKey(autoIncrement: false))
            .column("head_seq", type: .bigint, .notNull)
            .column("head_mac", type: .text, .notNull)
            .column("head_tag", type: .text, .notNull)
            .column("anchor_seq", type: .bigint, .notNull)
            .column("anchor_mac", type: .text, .notNull)
            .column("anchor_tag", type: .text, .notNull)
            .column("anchor_at", type: .timestamp)
            .run()
        let key = AuditChainKey(secret: secret)
        let g = AuditChainRules.genesis
        try await sql.raw("""
            INSERT INTO audit_chain (id, head_seq, head_mac, head_tag, anchor_seq, anchor_mac, anchor_tag) \
            VALUES (\(bind: AuditLog.headID), 0, \(bind: g), \(bind: key.tag("head", seq: 0, mac: g)), 0, \(bind: g), \(bind: key.tag("anchor", seq: 0, mac: g)))
            """).run()
        // Chain what is there, oldest first, in one transaction with the head.
        try await db.transaction { tx in
            let tsql = tx as! any SQLDatabase
            var head = try await AuditLog.lockHead(tsql)
            var after = 0
            while true {
                let rows = try await AuditEvent.query(on: tx).filter(\.$id > after).sort(\.$id).limit(1000).all()
                guard let last = rows.last else { break }
                for e in rows {
                    let seq = head.seq + 1
                    let mac = key.mac(seq: seq, previous: head.mac, fields: e.chainFields)
                    try await tsql.update("audit_events").set("seq", to: seq).set("prev_mac", to: head.mac).set("mac", to: mac)
                        .where("id", .equal, e.id!).run()
                    head = AuditLog.Head(seq: seq, mac: mac)
                }
                after = last.id!
            }
            try await AuditLog.storeHead(tsql, head, key: key)
        }
    }

    func revert(on db: any Database) async throws {
        let sql = db as! any SQLDatabase
        try await sql.drop(table: "audit_chain").run()
        try await sql.drop(index: "idx_audit_seq").run()
        for c in ["seq", "prev_mac", "mac"] { try await sql.alter(table: "audit_events").dropColumn(c).run() }
    }
}
