import Foundation
import Vapor

/// `pingan restore --from DIR`: puts a backup back, with the server stopped. Refuses a backup made under another key
/// (its sealed identifiers and audit chain would not open), a damaged backup (a file's SHA-256 differs), and an
/// existing database unless `--force` — which keeps the replaced files beside it (`….before-restore-<time>`).
/// After copying, the restored database's tables are counted and checksummed again against the manifest; a failure
/// from the moment the live files are set aside undoes the restore (they are moved back).
public enum Restore {
    public struct Summary: Sendable { public var tables: Int; public var rows: Int; public var files: Int; public var seconds: Double; public var setAside: [String] }

    /// `app` is configured with the target's settings but must not have opened its database yet.
    public static func run(app: Application, from dir: String, force: Bool) async throws -> Summary {
        let started = Date()
        let fm = FileManager.default
        let config = app.pingan
        guard case .sqliteFile(let target) = config.database else {
            if case .postgres = config.database {
                throw AdminCLI.Failure(message: "This installation uses PostgreSQL: restore with pg_restore (docs/backup.md), then copy the uploads folder back.")
            }
            throw AdminCLI.Failure(message: "Restore needs a database file (PINGAN_DB).")
        }
        guard let data = fm.contents(atPath: dir + "/" + Backup.manifestFile),
              let manifest = try? JSONDecoder().decode(Backup.Manifest.self, from: data), manifest.format == "pingan-backup/v1" else {
            throw AdminCLI.Failure(message: "\(dir) is not a Pingan backup (no readable \(Backup.manifestFile)).")
        }
        let mine = KeyCheck.fingerprint(config.secretKey)
        guard manifest.keyFingerprint == mine else {
            if let created = config.createdKeyFile { try? fm.removeItem(atPath: created) }
            let copy = manifest.keyIncluded ? " The backup holds a copy of that key: \(dir)/\(Backup.keyFile)." : ""
            throw AdminCLI.Failure(message: "The backup was made under the key with fingerprint \(manifest.keyFingerprint), but the key in use (\(config.keySource)) has fingerprint \(mine)."
                + " Restoring would leave every sealed identifier unreadable; nothing was changed. Configure that key (PINGAN_KEY_FILE or PINGAN_SECRET_KEY) and run the restore again.\(copy)")
        }
        for (rel, sum) in manifest.files.sorted(by: { $0.key < $1.key }) {
            guard fm.fileExists(atPath: dir + "/" + rel), try Backup.sha256(file: dir + "/" + rel) == sum else {
                throw AdminCLI.Failure(message: "The backup is damaged: \(rel) is missing or differs from its checksum. Nothing was changed.")
            }
        }
        let uploads = Uploads.root(app)
        let stamp = ISO8601DateFormatter().string(from: Date()).replacingOccurrences(of: ":", with: "")
        let existing = [target, target + "-wal", target + "-shm"].filter { fm.fileExists(atPath: $0) && Backup.fileSize($0) > 0 }
        let existingUploads = ((try? fm.contentsOfDirectory(atPath: uploads)) ?? []).isEmpty ? [] : [uploads]
        if !(existing.isEmpty && existingUploads.isEmpty) && !force {
            throw AdminCLI.Failure(message: "\((existing + existingUploads).joined(separator: ", ")) already exist(s). Stop the server, then run the restore with --force: the current files are kept as <name>.before-restore-\(stamp).")
        }
        var setAside: [(from: String, to: String)] = []
        // All or nothing: if anything below fails, what was copied is removed and the set-aside files go back.
        func rollBack() -> String {
            for p in [target, target + "-wal", target + "-shm", uploads] { try? fm.removeItem(atPath: p) }
            var back: [String] = []
            for s in setAside.reversed() where (try? fm.moveItem(atPath: s.to, toPath: s.from)) != nil { back.append(s.from) }
            return back.count == setAside.count ? "The files that were there before are back in place."
                : "Put the files kept as *.before-restore-\(stamp) back by hand before starting the server."
        }
        let files: [String]
        do {
            for p in existing + existingUploads {
                try fm.moveItem(atPath: p, toPath: p + ".before-restore-" + stamp)
                setAside.append((p, p + ".before-restore-" + stamp))
            }
            for p in [target, target + "-wal", target + "-shm"] where fm.fileExists(atPath: p) { try fm.removeItem(atPath: p) }
            let dirOfTarget = (target as NSString).deletingLastPathComponent
            if !dirOfTarget.isEmpty { try fm.createDirectory(atPath: dirOfTarget, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700]) }
            try fm.copyItem(atPath: dir + "/" + Backup.databaseFile, toPath: target)
            try fm.setAttributes([.posixPermissions: 0o600], ofItemAtPath: target)
            files = try Backup.copyTree(from: dir + "/uploads", to: uploads)
            // The copy must be what was backed up, table by table, and answer to the key in use.
            let sums = try await Backup.withSQLite(target) { try await Backup.tableSums($0) }
            let differing = Set(manifest.tables.keys).union(sums.keys).sorted().filter { sums[$0] != manifest.tables[$0] }
            guard differing.isEmpty else {
                throw AdminCLI.Failure(message: "The restored database differs from the backup's manifest in \(differing.joined(separator: ", ")).")
            }
            let kcv = try await Backup.withSQLite(target) { try await KeyCheck.stored($0) }
            if let kcv, kcv != KeyCheck.value(config.secretKey) {
                throw AdminCLI.Failure(message: "The restored database answers to the key \(kcv.prefix(16)), not the key in use \(mine).")
            }
        } catch {
            let detail = (error as? AdminCLI.Failure)?.message ?? "\(error)"
            throw AdminCLI.Failure(message: "The restore failed and was undone: \(detail) " + rollBack())
        }
        return Summary(tables: manifest.tables.count, rows: manifest.tables.values.reduce(0) { $0 + $1.rows }, files: files.count, seconds: Date().timeIntervalSince(started), setAside: setAside.map(\.to))
    }
}
