import Crypto
import Fluent
import Foundation
import SQLKit
import Vapor
import PinganKit

/// The key of the audit chain: HMAC-SHA256 under a key derived (HKDF) from the product key, so someone who can
/// write to the database but does not hold the key file cannot make a changed row verify.
struct AuditChainKey: Sendable {
    private let hmac: HMAC<SHA256>

    init(secret: SymmetricKey) {
        let key = HKDF<SHA256>.deriveKey(inputKeyMaterial: secret, info: Data("pingan/audit-chain/v1".utf8), outputByteCount: 32)
        hmac = HMAC<SHA256>(key: key)
    }

    func mac(_ bytes: [UInt8]) -> String {
        var m = hmac
        m.update(data: bytes)
        return FieldCipher.hex(m.finalize())
    }

    /// A row's MAC from its stored fields.
    func mac(seq: Int, previous: String, fields: [String?]) -> String {
        mac(AuditChainRules.canonical(seq: seq, previous: previous, fields: fields))
    }

    /// The MAC of a checkpoint (the head, the anchor left by archiving): editing one by hand is detected.
    func tag(_ kind: String, seq: Int, mac: String) -> String { self.mac(Array("pingan-audit-\(kind)\n\(seq)\n\(mac)".utf8)) }
}

extension AuditEvent {
    /// The fields a row's MAC covers, in a fixed order (`at` in milliseconds).
    var chainFields: [String?] {
        [String(AuditChainRules.millis(at)), userID.map(String.init), username, action, entity, entityID, result, ip, detail]
    }
}

/// Appends to the chain. Every audit row goes through here (`req.audit`, `AuditLog.system`).
///
/// The append is serialised by the head row `audit_chain` (id 1): its first statement is an UPDATE of that row, which
/// on PostgreSQL locks the row until the transaction ends and on SQLite takes the database's write lock before anything
/// is read — two writers can never read the same head, on one server or several. Within one process the appends
/// not already inside a caller's transaction also queue in `AuditWriter`, which writes whatever is waiting in one
/// transaction (group commit), so a burst of requests costs one commit, not one each.
enum AuditLog {
    static let headID = 1

    struct Head { var seq: Int; var mac: String }

    /// Locks and reads the head. Must run inside a transaction.
    static func lockHead(_ sql: any SQLDatabase) async throws -> Head {
        try await sql.raw("UPDATE audit_chain SET head_seq = head_seq WHERE id = \(bind: headID)").run()
        guard let row = try await sql.raw("SELECT head_seq, head_mac FROM audit_chain WHERE id = \(bind: headID)").first() else {
            throw Abort(.internalServerError, reason: "audit_chain head row missing")
        }
        return Head(seq: try row.decode(column: "head_seq", as: Int.self), mac: try row.decode(column: "head_mac", as: String.self))
    }

    static func storeHead(_ sql: any SQLDatabase, _ head: Head, key: AuditChainKey) async throws {
        try await sql.raw("UPDATE audit_chain SET head_seq = \(bind: head.seq), head_mac = \(bind: head.mac), head_tag = \(bind: key.tag("head", seq: head.seq, mac: head.mac)) WHERE id = \(bind: headID)").run()
    }

    /// Chains and inserts `events` in order. `tx` must be a transaction (the head stays locked until it ends).
    static func append(_ events: [AuditEvent], in tx: any Database, key: AuditChainKey) async throws {
        guard !events.isEmpty else { return }
        let sql = tx as! any SQLDatabase
        var head = try await lockHead(sql)
        for e in events {
            e.at = AuditChainRules.truncated(e.at)
            e.seq = head.seq + 1
            e.previousMAC = head.mac
            e.mac = key.mac(seq: head.seq + 1, previous: head.mac, fields: e.chainFields)
            try await e.create(on: tx)
            head = Head(seq: head.seq + 1, mac: e.mac!)
        }
        try await storeHead(sql, head, key: key)
    }

    /// Writes one event: inside the caller's transaction when `db` is one (it commits or rolls back with the caller's
    /// work), else through the process's group-commit writer.
    static func write(_ e: AuditEvent, on db: any Database, app: Application) async throws {
        let key = AuditChainKey(secret: app.pingan.secretKey)
        if db.inTransaction {
            try await append([e], in: db, key: key)
        } else {
            try await app.auditWriter.submit(e, on: app.db, key: key)
        }
    }

    /// An event without a signed-in user: commands, timers, migrations.
    static func system(_ app: Application, on db: (any Database)? = nil, action: String, entity: String, id: String? = nil,
                       result: AuditResult = .ok, username: String = "cli", detail: String = "") async throws {
        let e = AuditEvent()
        e.at = Date(); e.userID = nil; e.username = username; e.action = action; e.entity = entity; e.entityID = id
        e.result = result.rawValue; e.ip = "-"; e.detail = String(detail.prefix(2000))
        try await write(e, on: db ?? app.db, app: app)
    }
}

/// Group commit for audit rows (the same shape as `PortalWriter`): one transaction for everything waiting, and each
/// caller answered once its row is committed. A failing batch is retried row by row so one bad row fails alone.
actor AuditWriter {
    private struct Job { let event: AuditEvent; let done: CheckedContinuation<Void, any Error> }
    private var pending: [Job] = []
    private var draining = false
    let maxBatch = 128

    nonisolated func submit(_ e: AuditEvent, on db: any Database, key: AuditChainKey) async throws {
        try await withCheckedThrowingContinuation { (c: CheckedContinuation<Void, any Error>) in
            Task { await self.enqueue(Job(event: e, done: c), db: db, key: key) }
        }
    }

    private func enqueue(_ job: Job, db: any Database, key: AuditChainKey) {
        pending.append(job)
        guard !draining else { return }
        draining = true
        Task { await self.drain(db, key: key) }
    }

    private func drain(_ db: any Database, key: AuditChainKey) async {
        while !pending.isEmpty {
            let batch = Array(pending.prefix(maxBatch))
            pending.removeFirst(batch.count)
            let events = batch.map(\.event)
            do {
                try await db.transaction { tx in try await AuditLog.append(events, in: tx, key: key) }
                for job in batch { job.done.resume() }
            } catch {
                for job in batch {
                    job.event.id = nil; job.event.$id.exists = false
                    do { try await db.transaction { tx in try await AuditLog.append([job.event], in: tx, key: key) }; job.done.resume() }
                    catch { job.done.resume(throwing: error) }
                }
            }
        }
        draining = false
    }
}

private struct AuditWriterKey: StorageKey { typealias Value = AuditWriter }
private let auditWriterLock = NSLock()

extension Application {
    var auditWriter: AuditWriter {
        auditWriterLock.lock(); defer { auditWriterLock.unlock() }
        if let w = storage[AuditWriterKey.self] { return w }
        let w = AuditWriter()
        storage[AuditWriterKey.self] = w
        return w
    }
}

/// For the `pingan` command line: an audit row without a signed-in user, chained like every other.
public enum AuditCLI {
    public static func record(_ app: Application, action: String, entity: String, detail: String) async throws {
        try await AuditLog.system(app, action: action, entity: entity, detail: detail)
    }
}

extension Application {
    /// The configuration, for commands that act before `configure` (restore replaces the database file first).
    public var pinganConfig: AppConfig {
        get { pingan }
        set { pingan = newValue }
    }
}
