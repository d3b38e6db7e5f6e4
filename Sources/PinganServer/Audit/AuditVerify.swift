import Crypto
import Fluent
import Foundation
import SQLKit
import Vapor
import PinganKit

/// `pingan audit verify`: walks the chain from its anchor to its head and names the first row where it breaks.
public enum AuditVerify {
    public struct Report: Sendable {
        public var checked: Int
        public var headSeq: Int
        public var headMAC: String
        public var anchorSeq: Int
        public var firstBreak: AuditChainRules.Break?
        public var ok: Bool { firstBreak == nil }
        public var summary: String {
            if let b = firstBreak { return "Audit chain BROKEN: \(b). (\(checked) rows checked before it.)" }
            return "Audit chain intact: \(checked) rows from seq \(anchorSeq + 1) to \(headSeq); head MAC \(headMAC.prefix(16))… (record it off this machine to detect a rollback)."
        }
    }

    struct Checkpoints { var headSeq: Int; var headMAC: String; var headTag: String; var anchorSeq: Int; var anchorMAC: String; var anchorTag: String }

    static func checkpoints(_ sql: any SQLDatabase) async throws -> Checkpoints {
        guard let r = try await sql.raw("SELECT head_seq, head_mac, head_tag, anchor_seq, anchor_mac, anchor_tag FROM audit_chain WHERE id = \(bind: AuditLog.headID)").first() else {
            throw AdminCLI.Failure(message: "The audit chain's head row is missing: the table audit_chain was emptied by hand.")
        }
        return Checkpoints(headSeq: try r.decode(column: "head_seq", as: Int.self), headMAC: try r.decode(column: "head_mac", as: String.self),
                           headTag: try r.decode(column: "head_tag", as: String.self), anchorSeq: try r.decode(column: "anchor_seq", as: Int.self),
                           anchorMAC: try r.decode(column: "anchor_mac", as: String.self), anchorTag: try r.decode(column: "anchor_tag", as: String.self))
    }

    /// Verifies the whole log in pages (memory stays flat however long the log is).
    public static func run(app: Application) async throws -> Report {
        try await run(db: app.db, secret: app.pingan.secretKey)
    }

    static func run(db: any Database, secret: SymmetricKey) async throws -> Report {
        let key = AuditChainKey(secret: secret)
        let sql = db as! any SQLDatabase
        let cp = try await checkpoints(sql)
        var report = Report(checked: 0, headSeq: cp.headSeq, headMAC: cp.headMAC, anchorSeq: cp.anchorSeq, firstBreak: nil)
        if key.tag("anchor", seq: cp.anchorSeq, mac: cp.anchorMAC) != cp.anchorTag {
            report.firstBreak = .init(id: nil, seq: nil, reason: .forgedCheckpoint("anchor (left by archiving)")); return report
        }
        // A row without chain values was written around Pingan; the lowest such id is a candidate for the first break.
        let unchained = try await AuditEvent.query(on: db).filter(\.$seq == nil).sort(\.$id).first()
        var walker = AuditChainRules.Walker(anchorSeq: cp.anchorSeq, anchorMAC: cp.anchorMAC)
        var found: AuditChainRules.Break?
        var after = Int.min
        pages: while true {
            let rows = try await AuditEvent.query(on: db).filter(\.$seq != nil).filter(\.$seq > after).sort(\.$seq).limit(2000).all()
            guard let last = rows.last else { break }
            for e in rows {
                let expected = (e.seq != nil && e.previousMAC != nil) ? key.mac(seq: e.seq!, previous: e.previousMAC!, fields: e.chainFields) : nil
                if let b = walker.check(.init(id: e.id!, seq: e.seq, previous: e.previousMAC, mac: e.mac, expected: expected)) { found = b; break pages }
            }
            after = last.seq!
        }
        if found == nil { found = walker.finish(headSeq: cp.headSeq, headMAC: cp.headMAC) }
        if found == nil, key.tag("head", seq: cp.headSeq, mac: cp.headMAC) != cp.headTag { found = .init(id: nil, seq: nil, reason: .forgedCheckpoint("head")) }
        if let u = unchained, let uid = u.id, found == nil || (found?.id ?? Int.max) > uid {
            found = .init(id: uid, seq: nil, reason: .unchained)
        }
        report.checked = walker.checked
        report.firstBreak = found
        return report
    }
}
