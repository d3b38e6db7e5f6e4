import Crypto
import Fluent
import FluentSQLiteDriver
import Foundation
import SQLKit
import Vapor

/// `pingan backup --out DIR`: an online, consistent copy of the SQLite database (`VACUUM INTO`: one read
/// transaction, the server may keep running), the uploads folder (attachments, photos), and a manifest with the key's
/// fingerprint, each table's row count and checksum and each file's SHA-256. Never the key itself, unless
/// `--include-key` — then the backup alone opens every sealed identifier and must be kept like the key.
/// On PostgreSQL it refuses and points at pg_dump (docs/backup.md).
public enum Backup {
    public static let databaseFile = "pingan.sqlite"
    public static let manifestFile = "manifest.json"
    public static let keyFile = "pingan.key"

    struct TableSum: Codable, Equatable { var rows: Int; var sha256: String }

    struct Manifest: Codable {
        var format = "pingan-backup/v1"
        var createdAt: String
        var database = "sqlite"
        var keyFingerprint: String
        var keyIncluded: Bool
        var tables: [String: TableSum]
        /// Path inside the backup → SHA-256 (the database file and every upload).
        var files: [String: String]
    }

    public struct Summary: Sendable {
        public var tables: Int; public var rows: Int; public var files: Int; public var bytes: Int64; public var seconds: Double
        public var keyFingerprint: String; public var keyIncluded: Bool
    }

    public static func create(app: Application, out dir: String, includeKey: Bool) async throws -> Summary {
        let started = Date()
        switch app.pingan.database {
        case .sqliteFile: break
        case .sqliteMemory: throw AdminCLI.Failure(message: "An in-memory database cannot be backed up.")
        case .postgres:
            throw AdminCLI.Failure(message: """
            This installation uses PostgreSQL: back it up with PostgreSQL's own tools, e.g.
              pg_dump --format=custom --file=pingan.dump "$DATABASE_URL"
            and copy the uploads folder (PINGAN_UPLOADS) and keep the key apart from both. docs/backup.md has the whole procedure.
            """)
        }
        let fm = FileManager.default
        if fm.fileExists(atPath: dir), let items = try? fm.contentsOfDirectory(atPath: dir), !items.isEmpty {
            throw AdminCLI.Failure(message: "\(dir) is not empty; choose a new folder for the backup.")
        }
        try fm.createDirectory(atPath: dir, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let target = dir + "/" + databaseFile
        let sql = app.db as! any SQLDatabase
        try await sql.raw("VACUUM INTO \(bind: target)").run()
        try? fm.setAttributes([.posixPermissions: 0o600], ofItemAtPath: target)
        var files: [String: String] = [databaseFile: try sha256(file: target)]
        var bytes = fileSize(target)
        let uploads = Uploads.root(app)
        for rel in try copyTree(from: uploads, to: dir + "/uploads") {
            files["uploads/" + rel] = try sha256(file: dir + "/uploads/" + rel)
            bytes += fileSize(dir + "/uploads/" + rel)
        }
        let tables = try await withSQLite(target) { try await tableSums($0) }
        let secret = app.pingan.secretKey
        if includeKey {
            guard AppConfig.writeKeyFile(dir + "/" + keyFile, secret) else { throw AdminCLI.Failure(message: "Cannot write the key into \(dir).") }
        }
        let manifest = Manifest(createdAt: ISO8601DateFormatter().string(from: Date()), keyFingerprint: KeyCheck.fingerprint(secret), keyIncluded: includeKey,
                                tables: tables, files: files)
        let enc = JSONEncoder()
        enc.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        _ = fm.createFile(atPath: dir + "/" + manifestFile, contents: try enc.encode(manifest), attributes: [.posixPermissions: 0o600])
        try await AuditLog.system(app, action: "backup.create", entity: "database",
                                  detail: "\((dir as NSString).lastPathComponent): \(tables.count) tables, \(files.count - 1) uploads, key \(includeKey ? "INCLUDED" : "not included")")
        return Summary(tables: tables.count, rows: tables.values.reduce(0) { $0 + $1.rows }, files: files.count - 1, bytes: bytes,
                       seconds: Date().timeIntervalSince(started), keyFingerprint: manifest.keyFingerprint, keyIncluded: includeKey)
    }

    // MARK: Helpers shared with restore

    /// Opens a SQLite file apart from the app's pool (the backup copy, a restored file) and closes it again.
    static func withSQLite<T>(_ path: String, _ body: (any SQLDatabase) async throws -> T) async throws -> T {
        let conn = try await SQLiteConnection.open(storage: .file(path: path))
        do {
            let r = try await body(conn.sql())
            try await conn.close()
            return r
        } catch {
            try? await conn.close()
            throw error
        }
    }

    /// Row count and a SHA-256 over each table's rows (every column `quote()`d, rows sorted, so the order rows are
    /// stored in does not matter).
    static func tableSums(_ sql: any SQLDatabase) async throws -> [String: TableSum] {
        var out: [String: TableSum] = [:]
        let tables = try await sql.raw("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name").all()
            .map { try $0.decode(column: "name", as: String.self) }
        for t in tables {
            let cols = try await sql.raw("SELECT name FROM pragma_table_info(\(bind: t))").all().map { try $0.decode(column: "name", as: String.self) }
            guard !cols.isEmpty else { continue }
            let expr = cols.map { "quote(\"\($0.replacingOccurrences(of: "\"", with: "\"\""))\")" }.joined(separator: " || ',' || ")
            // Streamed row by row: a district's two million people must not be held in memory at once.
            let sum = RowHasher()
            let quoted = "\"" + t.replacingOccurrences(of: "\"", with: "\"\"") + "\""
            // unscoped: a backup's checksum covers every row of every table
            try await sql.raw("SELECT \(unsafeRaw: expr) AS r FROM \(unsafeRaw: quoted) ORDER BY r").run { row in
                sum.add(try? row.decode(column: "r", as: String.self))  // quote() never yields NULL
            }
            out[t] = try sum.result(table: t)
        }
        return out
    }

    static func fileSize(_ path: String) -> Int64 {
        ((try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? NSNumber)?.int64Value ?? 0
    }

    static func sha256(file path: String) throws -> String {
        guard let h = FileHandle(forReadingAtPath: path) else { throw AdminCLI.Failure(message: "Cannot read \(path).") }
        defer { try? h.close() }
        var hasher = SHA256()
        while let chunk = try h.read(upToCount: 1 << 20), !chunk.isEmpty { hasher.update(data: chunk) }
        return FieldCipher.hex(hasher.finalize())
    }

    /// Copies every regular file under `from` to `to` (directories 0700, files 0600); returns the relative paths.
    static func copyTree(from: String, to: String) throws -> [String] {
        let fm = FileManager.default
        guard fm.fileExists(atPath: from) else { return [] }
        try fm.createDirectory(atPath: to, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        var copied: [String] = []
        for rel in (fm.subpaths(atPath: from) ?? []).sorted() {
            var isDir: ObjCBool = false
            guard fm.fileExists(atPath: from + "/" + rel, isDirectory: &isDir) else { continue }
            if isDir.boolValue {
                try fm.createDirectory(atPath: to + "/" + rel, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            } else {
                try fm.copyItem(atPath: from + "/" + rel, toPath: to + "/" + rel)
                try? fm.setAttributes([.posixPermissions: 0o600], ofItemAtPath: to + "/" + rel)
                copied.append(rel)
            }
        }
        return copied
    }
}

/// A table's checksum, fed one row at a time from SQLKit's row callback.
private final class RowHasher: @unchecked Sendable {
    private let lock = NSLock()
    private var hasher = SHA256()
    private var rows = 0
    private var unreadable = false

    func add(_ text: String?) {
        lock.lock(); defer { lock.unlock() }
        guard let text else { unreadable = true; return }
        hasher.update(data: Data(text.utf8))
        hasher.update(data: Data([0x0A]))
        rows += 1
    }

    func result(table: String) throws -> Backup.TableSum {
        lock.lock(); defer { lock.unlock() }
        guard !unreadable else { throw AdminCLI.Failure(message: "Cannot read the rows of table \(table) for its checksum.") }
        return Backup.TableSum(rows: rows, sha256: FieldCipher.hex(hasher.finalize()))
    }
}
