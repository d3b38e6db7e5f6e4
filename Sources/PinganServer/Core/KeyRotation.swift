import Crypto
import Fluent
import Foundation
import SQLKit
import Vapor
import PinganKit

/// `pingan keys rotate`: re-seals every sealed identifier and rebuilds its blind index under a new key, re-keys the
/// audit chain, then switches the database's key check and the key files. Run with the server stopped.
///
/// Resumable: progress (phase = table, cursor = last id or seq done) is committed with each batch, so a crash loses
/// at most the batch in flight, and running the command again continues. Until the end the old key stays the key file
/// (the new one waits in `<key file>.next`), and start-up refuses while a rotation is unfinished, so no server writes
/// under the old key into a half-rotated database. The old key is kept as `<key file>.retired-<fingerprint>` for the
/// backups made before the rotation.
public enum KeyRotation {
    struct Pending { var oldKCV: String; var newKCV: String; var phase: String; var cursor: Int; var finished: Bool }
    /// Thrown by the test hook `stopAfterBatches`: the same state a crash leaves.
    struct Interrupted: Error {}

    static let auditPhase = "audit_events"
    static var phases: [String] { SealedColumns.byTable.map(\.table) + [auditPhase] }

    static func pending(_ sql: any SQLDatabase) async throws -> Pending? {
        guard try await KeyCheck.tableExists(sql, "key_rotation"),
              let r = try await sql.raw("SELECT old_kcv, new_kcv, phase, cursor, finished FROM key_rotation WHERE id = 1").first() else { return nil }
        return Pending(oldKCV: try r.decode(column: "old_kcv", as: String.self), newKCV: try r.decode(column: "new_kcv", as: String.self),
                       phase: try r.decode(column: "phase", as: String.self), cursor: try r.decode(column: "cursor", as: Int.self),
                       finished: try r.decode(column: "finished", as: Bool.self))
    }

    /// - Parameter newKeyFile: where the new key is written when the key comes from PINGAN_SECRET_KEY (with a key file
    ///   it is always `<key file>.next`).
    public static func run(app: Application, newKeyFile: String? = nil, batchSize: Int = 500, stopAfterBatches: Int? = nil) async throws -> String {
        let sql = app.db as! any SQLDatabase
        let config = app.pingan
        let old = config.secretKey
        guard let nextPath = config.keyFile.map({ $0 + ".next" }) ?? newKeyFile else {
            throw AdminCLI.Failure(message: "The key comes from PINGAN_SECRET_KEY: name a file for the new key with --new-key-file FILE (created with mode 0600).")
        }
        var state = try await pending(sql)
        if let s = state, s.finished, KeyCheck.value(old) == s.newKCV {
            try await sql.raw("DELETE FROM key_rotation WHERE id = 1").run()
            return "The key rotation was already complete; nothing left to do."
        }
        let newKey: SymmetricKey
        if let s = state {
            guard FileManager.default.fileExists(atPath: nextPath), let k = try? AppConfig.readKeyFile(nextPath) else {
                throw AdminCLI.Failure(message: "A key rotation is in progress but the new key file \(nextPath) is missing or unreadable. It holds the only copy of the new key: restore it and run the command again.")
            }
            guard KeyCheck.value(k) == s.newKCV else { throw AdminCLI.Failure(message: "\(nextPath) is not the key this rotation started with (fingerprint \(s.newKCV.prefix(16))).") }
            guard KeyCheck.value(old) == s.oldKCV else {
                throw AdminCLI.Failure(message: "The key in use (\(config.keySource)) is not the one the rotation started from (fingerprint \(s.oldKCV.prefix(16))).")
            }
            newKey = k
            if s.finished { return try await finish(app, old: old, new: k, nextPath: nextPath) }
        } else {
            try await app.migrateAll()  // refuses a key that is not the database's
            let report = try await AuditVerify.run(app: app)
            if let b = report.firstBreak {
                throw AdminCLI.Failure(message: "The audit chain is broken (\(b)); a rotation would re-key it and hide that. Investigate first (pingan audit verify).")
            }
            newKey = SymmetricKey(size: .bits256)
            guard AppConfig.writeKeyFile(nextPath, newKey) else { throw AdminCLI.Failure(message: "Cannot write the new key to \(nextPath).") }
            try await AuditLog.system(app, action: "keys.rotate.start", entity: "key_check",
                                      detail: "from \(KeyCheck.fingerprint(old)) to \(KeyCheck.fingerprint(newKey))")
            let s = Pending(oldKCV: KeyCheck.value(old), newKCV: KeyCheck.value(newKey), phase: phases[0], cursor: 0, finished: false)
            try await sql.insert(into: "key_rotation").columns("id", "old_kcv", "new_kcv", "phase", "cursor", "finished", "started_at", "updated_at")
                .values(SQLBind(1), SQLBind(s.oldKCV), SQLBind(s.newKCV), SQLBind(s.phase), SQLBind(0), SQLBind(false), SQLBind(Date()), SQLBind(Date())).run()
            state = s
        }
        var s = state!
        let ciphers = (old: FieldCipher(secret: old), new: FieldCipher(secret: newKey))
        var batches = 0, values = 0
        guard let start = s.phase == "keycheck" ? phases.count : phases.firstIndex(of: s.phase) else {
            throw AdminCLI.Failure(message: "Unknown rotation phase \(s.phase).")
        }
        for (i, phase) in phases.enumerated() where i >= start {
            while true {
                if let stop = stopAfterBatches, batches >= stop { throw Interrupted() }
                let outcome = phase == auditPhase
                    ? try await rekeyAudit(app, after: s.cursor, limit: batchSize, key: AuditChainKey(secret: newKey))
                    : try await reseal(app, table: phase, after: s.cursor, limit: batchSize, ciphers: ciphers)
                batches += 1
                guard let (cursor, n) = outcome else { break }
                s.cursor = cursor; values += n
            }
            let next = i + 1 < phases.count ? phases[i + 1] : "keycheck"
            try await sql.update("key_rotation").set("phase", to: next).set("cursor", to: 0).set("updated_at", to: Date()).where("id", .equal, 1).run()
            s.phase = next; s.cursor = 0
        }
        // The database now answers to the new key: switch its check value, mark the rotation done, record it.
        try await app.db.transaction { tx in
            let t = tx as! any SQLDatabase
            try await t.update("key_check").set("kcv", to: KeyCheck.value(newKey)).where("id", .equal, 1).run()
            try await t.update("key_rotation").set("finished", to: true).set("updated_at", to: Date()).where("id", .equal, 1).run()
            let e = AuditEvent()
            e.at = Date(); e.userID = nil; e.username = "cli"; e.action = "keys.rotate.done"; e.entity = "key_check"; e.entityID = nil
            e.result = AuditResult.ok.rawValue; e.ip = "-"; e.detail = "now \(KeyCheck.fingerprint(newKey)); \(values) values re-sealed in the last run"
            try await AuditLog.append([e], in: tx, key: AuditChainKey(secret: newKey))
        }
        return try await finish(app, old: old, new: newKey, nextPath: nextPath)
    }

    /// Swaps the key files (key file → .retired-<old fingerprint>, .next → key file) and forgets the rotation.
    static func finish(_ app: Application, old: SymmetricKey, new: SymmetricKey, nextPath: String) async throws -> String {
        let fm = FileManager.default
        var message = "Key rotated: the database now answers to the key with fingerprint \(KeyCheck.fingerprint(new))."
        if let keyFile = app.pingan.keyFile {
            let retired = keyFile + ".retired-" + KeyCheck.fingerprint(old)
            if fm.fileExists(atPath: keyFile), let k = try? AppConfig.readKeyFile(keyFile), KeyCheck.value(k) == KeyCheck.value(old) {
                try? fm.removeItem(atPath: retired)
                try fm.moveItem(atPath: keyFile, toPath: retired)
            }
            if fm.fileExists(atPath: nextPath) { try fm.moveItem(atPath: nextPath, toPath: keyFile) }
            message += "\nThe new key is \(keyFile); the old one is kept as \(retired) for backups and audit archives made before today — store it with them, then remove it from this machine."
        } else {
            message += "\nSet PINGAN_SECRET_KEY to the contents of \(nextPath) before starting the server, and keep the old key with the backups and audit archives made before today."
        }
        let sql = app.db as! any SQLDatabase
        try await sql.raw("DELETE FROM key_rotation WHERE id = 1").run()
        return message
    }

    /// Re-seals one batch of a table's rows (ids after `after`) and moves the cursor in the same transaction.
    /// nil when the table has no rows left.
    static func reseal(_ app: Application, table: String, after: Int, limit: Int, ciphers: (old: FieldCipher, new: FieldCipher)) async throws -> (Int, Int)? {
        let sql = app.db as! any SQLDatabase
        guard try await KeyCheck.tableExists(sql, table) else { return nil }
        let columns = SealedColumns.all.filter { $0.table == table }
        let names = ["id"] + columns.flatMap { [$0.sealed] + ($0.index.map { [$0] } ?? []) }
        // unscoped: key rotation re-seals every row of the district
        let rows = try await sql.select().columns(names.map { SQLIdentifier($0) }).from(table).where("id", .greaterThan, after)
            .orderBy("id").limit(limit).all()
        guard let lastRow = rows.last else { return nil }
        let last = try lastRow.decode(column: "id", as: Int.self)
        // Computed first, written in one transaction with the cursor.
        var updates: [(id: Int, set: [(String, String)])] = []
        for r in rows {
            let id = try r.decode(column: "id", as: Int.self)
            var set: [(String, String)] = []
            for c in columns {
                guard let sealed = try r.decode(column: c.sealed, as: String?.self) else { continue }
                guard let plain = try? ciphers.old.open(sealed) else {
                    if (try? ciphers.new.open(sealed)) != nil { continue }  // already re-sealed
                    throw AdminCLI.Failure(message: "\(table).\(c.sealed) of row \(id) opens with neither the old nor the new key; this batch was not changed.")
                }
                set.append((c.sealed, try ciphers.new.seal(plain)))
                if let ix = c.index, let field = c.indexField, try r.decode(column: ix, as: String?.self) != nil {
                    set.append((ix, ciphers.new.blindIndex(plain, field: field)))
                }
            }
            if !set.isEmpty { updates.append((id, set)) }
        }
        let planned = updates
        try await app.db.transaction { tx in
            let t = tx as! any SQLDatabase
            for u in planned {
                let update = t.update(table)
                for (column, value) in u.set { update.set(SQLIdentifier(column), to: SQLBind(value)) }
                try await update.where("id", .equal, u.id).run()
            }
            try await t.update("key_rotation").set("cursor", to: last).set("updated_at", to: Date()).where("id", .equal, 1).run()
        }
        let count = planned.count
        return (last, count)
    }

    /// Re-computes the MACs of one batch of audit rows (seq after `after`) under the new key, chaining from the row
    /// before (already re-keyed) or the anchor. When none are left, re-tags the head and the anchor and returns nil.
    static func rekeyAudit(_ app: Application, after: Int, limit: Int, key: AuditChainKey) async throws -> (Int, Int)? {
        let sql = app.db as! any SQLDatabase
        let cp = try await AuditVerify.checkpoints(sql)
        var previous = cp.anchorMAC
        if after > cp.anchorSeq, let p = try await AuditEvent.query(on: app.db).filter(\.$seq == after).first()?.mac { previous = p }
        let rows = try await AuditEvent.query(on: app.db).filter(\.$seq > after).sort(\.$seq).limit(limit).all()
        guard let last = rows.last?.seq else {
            let headMAC = previous
            try await app.db.transaction { tx in
                let t = tx as! any SQLDatabase
                try await t.update("audit_chain").set("head_mac", to: headMAC).set("head_tag", to: key.tag("head", seq: cp.headSeq, mac: headMAC))
                    .set("anchor_tag", to: key.tag("anchor", seq: cp.anchorSeq, mac: cp.anchorMAC)).where("id", .equal, AuditLog.headID).run()
            }
            return nil
        }
        var planned: [(id: Int, previous: String, mac: String)] = []
        for e in rows {
            let mac = key.mac(seq: e.seq!, previous: previous, fields: e.chainFields)
            planned.append((e.id!, previous, mac))
            previous = mac
        }
        let updates = planned
        try await app.db.transaction { tx in
            let t = tx as! any SQLDatabase
            for u in updates {
                try await t.update("audit_events").set("prev_mac", to: u.previous).set("mac", to: u.mac).where("id", .equal, u.id).run()
            }
            try await t.update("key_rotation").set("cursor", to: last).set("updated_at", to: Date()).where("id", .equal, 1).run()
        }
        return (last, rows.count)
    }
}
