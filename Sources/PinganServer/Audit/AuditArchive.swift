import Crypto
import Fluent
import Foundation
import SQLKit
import Vapor
import PinganKit

/// `pingan audit archive --before DATE --out FILE`: moves the oldest rows to a JSON Lines file and leaves an anchor,
/// so the rows that stay still verify from the anchor and the file verifies on its own (with the key).
///
/// Retention (等保三级: at least six months): rows younger than `minimumAge` are never archived. The archived run is
/// the longest prefix of the chain whose rows are all older than DATE.
public enum AuditArchive {
    public static let minimumAgeDays = 183

    /// The file's first line.
    struct Header: Codable {
        var format = "pingan-audit-archive/v1"
        var keyFingerprint: String
        var before: String
        var anchorSeq: Int
        var anchorMAC: String
        var rows: Int
        var lastSeq: Int
        var lastMAC: String
        var createdAt: String
        /// On the end line: a keyed tag over the last seq and MAC, so cutting rows off the end and editing the end line shows.
        var endTag: String? = nil
    }

    /// Every other line: a row with its chain values.
    struct Line: Codable {
        var id: Int; var seq: Int; var prevMAC: String; var mac: String
        var atMillis: Int64; var userID: Int?; var username: String; var action: String; var entity: String
        var entityID: String?; var result: String; var ip: String; var detail: String

        init(_ e: AuditEvent) {
            id = e.id!; seq = e.seq!; prevMAC = e.previousMAC!; mac = e.mac!
            atMillis = AuditChainRules.millis(e.at); userID = e.userID; username = e.username; action = e.action; entity = e.entity
            entityID = e.entityID; result = e.result; ip = e.ip; detail = e.detail
        }
        var chainFields: [String?] { [String(atMillis), userID.map(String.init), username, action, entity, entityID, result, ip, detail] }
    }

    public struct Outcome: Sendable { public var rows: Int; public var firstSeq: Int; public var lastSeq: Int; public var path: String }

    public static func run(app: Application, before: Date, out path: String, now: Date = Date()) async throws -> Outcome {
        let latest = now.addingTimeInterval(-Double(minimumAgeDays) * 86400)
        let day = ISO8601DateFormatter()
        day.formatOptions = [.withFullDate]
        guard before <= latest else {
            throw AdminCLI.Failure(message: "Audit rows are kept at least \(minimumAgeDays) days (等保三级 asks for six months): choose --before \(day.string(from: latest)) or earlier.")
        }
        guard !FileManager.default.fileExists(atPath: path) else { throw AdminCLI.Failure(message: "\(path) already exists; choose a new file for the archive.") }
        let report = try await AuditVerify.run(app: app)
        if let b = report.firstBreak {
            throw AdminCLI.Failure(message: "The audit chain is broken (\(b)); archiving now would hide that. Investigate first (pingan audit verify).")
        }
        let secret = app.pingan.secretKey
        let key = AuditChainKey(secret: secret)
        let sql = app.db as! any SQLDatabase
        let cp = try await AuditVerify.checkpoints(sql)
        // The archived run ends before the first row (in chain order) that is not older than `before`.
        let stop = try await AuditEvent.query(on: app.db).filter(\.$seq != nil).filter(\.$at >= before).sort(\.$seq).first()?.seq ?? (cp.headSeq + 1)
        guard stop - 1 > cp.anchorSeq else { throw AdminCLI.Failure(message: "No audit rows before \(day.string(from: before)) to archive.") }

        guard FileManager.default.createFile(atPath: path, contents: nil, attributes: [.posixPermissions: 0o600]),
              let handle = FileHandle(forWritingAtPath: path) else { throw AdminCLI.Failure(message: "Cannot create \(path).") }
        let enc = JSONEncoder()
        enc.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        var lastMAC = cp.anchorMAC, count = 0, after = cp.anchorSeq
        let header = Header(keyFingerprint: KeyCheck.fingerprint(secret), before: day.string(from: before), anchorSeq: cp.anchorSeq, anchorMAC: cp.anchorMAC,
                            rows: stop - 1 - cp.anchorSeq, lastSeq: stop - 1, lastMAC: "", createdAt: ISO8601DateFormatter().string(from: now))
        // Rows first into memory-bounded pages; the header's lastMAC is known only at the end, so it is written last
        // as a trailer line too (the verifier checks both).
        try handle.write(contentsOf: enc.encode(header) + Data("\n".utf8))
        while after < stop - 1 {
            let rows = try await AuditEvent.query(on: app.db).filter(\.$seq > after).filter(\.$seq < stop).sort(\.$seq).limit(2000).all()
            guard let last = rows.last else { break }
            var chunk = Data()
            for e in rows { chunk += try enc.encode(Line(e)) + Data("\n".utf8); lastMAC = e.mac!; count += 1 }
            try handle.write(contentsOf: chunk)
            after = last.seq!
        }
        var trailer = header
        trailer.lastMAC = lastMAC
        trailer.endTag = key.tag("archive-end", seq: stop - 1, mac: lastMAC)
        try handle.write(contentsOf: enc.encode(["end": trailer]) + Data("\n".utf8))
        try handle.synchronize()
        try handle.close()
        guard count == header.rows else { throw AdminCLI.Failure(message: "Expected \(header.rows) rows but read \(count); nothing was removed.") }
        // The file is on disk: remove the rows and move the anchor in one transaction, then record the archiving.
        try await app.db.transaction { tx in
            let t = tx as! any SQLDatabase
            _ = try await AuditLog.lockHead(t)
            try await t.delete(from: "audit_events").where("seq", .lessThan, stop).run()
            try await t.update("audit_chain").set("anchor_seq", to: stop - 1).set("anchor_mac", to: lastMAC)
                .set("anchor_tag", to: key.tag("anchor", seq: stop - 1, mac: lastMAC)).set("anchor_at", to: now)
                .where("id", .equal, AuditLog.headID).run()
        }
        try await AuditLog.system(app, action: "audit.archive", entity: "audit_events",
                                  detail: "seq \(cp.anchorSeq + 1)–\(stop - 1) (\(count) rows) before \(day.string(from: before)) → \((path as NSString).lastPathComponent)")
        return Outcome(rows: count, firstSeq: cp.anchorSeq + 1, lastSeq: stop - 1, path: path)
    }

    /// Verifies an archive file on its own: the rows chain from its anchor to its trailer under the key.
    public static func verify(file path: String, secret: SymmetricKey) throws -> String {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { throw AdminCLI.Failure(message: "Cannot read \(path).") }
        let lines = text.split(separator: "\n", omittingEmptySubsequences: true)
        let dec = JSONDecoder()
        guard let first = lines.first, let header = try? dec.decode(Header.self, from: Data(first.utf8)), header.format == "pingan-audit-archive/v1",
              let lastLine = lines.last, let end = try? dec.decode([String: Header].self, from: Data(lastLine.utf8))["end"]
        else { throw AdminCLI.Failure(message: "\(path) is not a complete Pingan audit archive (header or end line missing).") }
        guard header.keyFingerprint == KeyCheck.fingerprint(secret) else {
            throw AdminCLI.Failure(message: "\(path) was written under the key with fingerprint \(header.keyFingerprint); the key in use is \(KeyCheck.fingerprint(secret)). Verify it with that key.")
        }
        let key = AuditChainKey(secret: secret)
        var walker = AuditChainRules.Walker(anchorSeq: header.anchorSeq, anchorMAC: header.anchorMAC)
        for (i, l) in lines.dropFirst().dropLast().enumerated() {
            guard let r = try? dec.decode(Line.self, from: Data(l.utf8)) else { throw AdminCLI.Failure(message: "Line \(i + 2) of \(path) is not an audit row.") }
            let row = AuditChainRules.Row(id: r.id, seq: r.seq, previous: r.prevMAC, mac: r.mac,
                                          expected: key.mac(seq: r.seq, previous: r.prevMAC, fields: r.chainFields))
            if let b = walker.check(row) { throw AdminCLI.Failure(message: "Archive BROKEN at line \(i + 2): \(b).") }
        }
        guard end.endTag == key.tag("archive-end", seq: end.lastSeq, mac: end.lastMAC), end.lastSeq == header.lastSeq else {
            throw AdminCLI.Failure(message: "Archive BROKEN: its end line was edited (the tag does not match).")
        }
        if let b = walker.finish(headSeq: end.lastSeq, headMAC: end.lastMAC) { throw AdminCLI.Failure(message: "Archive BROKEN: \(b).") }
        guard walker.checked == header.rows else { throw AdminCLI.Failure(message: "Archive BROKEN: the header announces \(header.rows) rows, the file holds \(walker.checked).") }
        return "Archive intact: \(walker.checked) rows, seq \(header.anchorSeq + 1)–\(end.lastSeq), before \(header.before)."
    }
}
