import Foundation
import PinganServer
import Vapor

/// `pingan audit …`, `pingan backup`, `pingan restore`, `pingan keys rotate`: the durability commands (issue 22).
enum DurabilityCLI {
    static let usage = """
      pingan audit verify [--archive FILE]  check the audit log's hash chain (or an archive file); names the first broken row, exit 1
      pingan audit archive --before YYYY-MM-DD --out FILE.jsonl   move rows older than the date (≥ 6 months) to a verifiable file
      pingan backup --out DIR [--include-key]   SQLite: database, uploads and a manifest with the key's fingerprint (docs/backup.md)
      pingan restore --from DIR [--force]       put a backup back (server stopped); refuses a backup made under another key
      pingan keys rotate [--new-key-file FILE]  re-seal identifiers and blind indexes under a new key; run again to resume
      pingan migrate-data --from FILE.sqlite --to postgres://…   move a district's SQLite file into a new PostgreSQL database
                                        (server stopped; same key; verified by counts and checksums; run again to resume)
    """

    /// Runs a durability command on a configured app; false when `command` is not one.
    static func run(_ command: String, args: [String], app: Application, option: (String) -> String?, flag: (String) -> Bool) async throws -> Bool {
        switch (command, args.count > 1 ? args[1] : "") {
        case ("audit", "verify"):
            if let file = option("archive") {
                print(try AuditArchive.verify(file: file, secret: app.pinganConfig.secretKey))
                return true
            }
            try await app.migrateAll()
            let report = try await AuditVerify.run(app: app)
            print(report.summary)
            if !report.ok { try? await app.asyncShutdown(); exit(1) }
        case ("audit", "archive"):
            guard let day = option("before"), let out = option("out") else { throw AdminCLI.Failure(message: "audit archive needs --before YYYY-MM-DD and --out FILE") }
            let f = ISO8601DateFormatter()
            f.formatOptions = [.withFullDate]
            guard let before = f.date(from: day) else { throw AdminCLI.Failure(message: "--before must be a date like 2025-06-01 (got \(day)).") }
            try await app.migrateAll()
            let o = try await AuditArchive.run(app: app, before: before, out: out)
            print("Archived \(o.rows) audit rows (seq \(o.firstSeq)–\(o.lastSeq)) to \(o.path) and removed them; the log now starts from an anchor at seq \(o.lastSeq).")
            print("Check the file with: pingan audit verify --archive \(o.path)")
        case ("backup", _):
            guard let out = option("out") else { throw AdminCLI.Failure(message: "backup needs --out DIR (a new or empty folder)") }
            try await app.migrateAll()
            let s = try await Backup.create(app: app, out: out, includeKey: flag("include-key"))
            print(String(format: "Backed up %d tables (%d rows) and %d uploaded files, %.1f MB, in %.2f s to %@.", s.tables, s.rows, s.files, Double(s.bytes) / 1e6, s.seconds, out))
            print("Key fingerprint \(s.keyFingerprint): a restore needs this key.")
            if s.keyIncluded {
                FileHandle.standardError.write(Data("""

                WARNING: the key is INSIDE this backup (\(out)/pingan.key). Anyone who gets the backup can read every sealed ID number
                and phone. Store it as you store the key itself, or make backups without --include-key and keep the key elsewhere.

                """.utf8))
            } else {
                print("The key is NOT in the backup: keep a copy of it apart from the backups.")
            }
        case ("migrate-data", _):
            guard let from = option("from"), option("to") != nil else { throw AdminCLI.Failure(message: "migrate-data needs --from FILE.sqlite and --to postgres://…") }
            let r = try await DataMove.run(app: app, from: from, batch: option("batch").flatMap(Int.init) ?? 20_000) { print($0) }
            print(String(format: "Moved %d tables (%d rows) in %.1f s%@; every table's row count and checksum match the file.", r.tables.count, r.rows, r.seconds,
                         r.resumed ? " (resumed)" : ""))
            print("Start the server on PostgreSQL with the same key: DATABASE_URL=… pingan serve. Uploaded files stay where PINGAN_UPLOADS points.")
        case ("keys", "rotate"):
            print(try await KeyRotation.run(app: app, newKeyFile: option("new-key-file")))
        default:
            return false
        }
        return true
    }

    /// Before the app opens its database: the restore replaces the file.
    static func restore(app: Application, config: AppConfig, option: (String) -> String?, flag: (String) -> Bool) async throws {
        guard let from = option("from") else { throw AdminCLI.Failure(message: "restore needs --from DIR (a folder written by pingan backup)") }
        app.pinganConfig = config
        let s = try await Restore.run(app: app, from: from, force: flag("force"))
        for p in s.setAside { print("Kept the replaced \(p)") }
        print(String(format: "Restored %d tables (%d rows, checksums match the backup) and %d uploaded files in %.2f s.", s.tables, s.rows, s.files, s.seconds))
        try await configure(app, config: config)
        try await app.migrateAll()
        try await AuditCLI.record(app, action: "backup.restore", entity: "database", detail: "from \((from as NSString).lastPathComponent)")
    }
}
