import Fluent
import Foundation
import SQLKit

/// Which SQLite file `pingan demo` writes, and whether it may erase it first.
///
/// The demo honours `PINGAN_DB` like every other command (issue 25: it used to write `pingan-demo.sqlite` in the
/// working folder whatever `PINGAN_DB` said). Because the demo starts from a fresh file, it erases only what is
/// safe to erase: a file named on the command line (`--db`, as before), the default `pingan-demo.sqlite`, or a
/// file marked as a demo database (SQLite `application_id`, set by every demo). A `PINGAN_DB` file holding
/// anything else — the real database — is refused, loudly, and left alone.
public enum DemoDatabaseFile {
    /// SQLite `PRAGMA application_id` of a demo database: "PgDm".
    public static let applicationID: Int32 = 0x5067_446D
    public static let defaultName = "pingan-demo.sqlite"

    public enum Source: String, Sendable, Equatable { case option = "--db", environment = "PINGAN_DB", defaultName = "default" }
    public struct Choice: Sendable, Equatable {
        public var path: String
        public var source: Source
    }

    /// `--db FILE`, else `PINGAN_DB`, else `pingan-demo.sqlite`.
    public static func choose(option: String?, environment: [String: String]) -> Choice {
        if let o = option, !o.isEmpty { return Choice(path: o, source: .option) }
        if let e = environment["PINGAN_DB"], !e.isEmpty { return Choice(path: e, source: .environment) }
        return Choice(path: defaultName, source: .defaultName)
    }

    /// Whether the demo may delete the file (and its -wal/-shm) to start afresh.
    public static func mayReplace(_ c: Choice) -> Bool {
        if c.source != .environment { return true }
        let size = ((try? FileManager.default.attributesOfItem(atPath: c.path))?[.size] as? NSNumber)?.intValue
        guard let size, size > 0 else { return true }   // missing or empty
        return isDemoDatabase(atPath: c.path)
    }

    /// True when the file is an SQLite database whose header carries the demo's application_id (bytes 68–71, big-endian).
    public static func isDemoDatabase(atPath path: String) -> Bool {
        guard let h = FileHandle(forReadingAtPath: path) else { return false }
        defer { try? h.close() }
        guard let header = try? h.read(upToCount: 100), header.count == 100 else { return false }
        let bytes = [UInt8](header)
        let magic: [UInt8] = Array("SQLite format 3".utf8) + [0]
        guard Array(bytes.prefix(16)) == magic else { return false }
        let id = bytes[68..<72].reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
        return Int32(bitPattern: id) == applicationID
    }

    /// Marks the open SQLite database as a demo one and checkpoints, so the mark is in the file's header.
    public static func mark(_ db: any Database) async throws {
        guard let sql = db as? any SQLDatabase, sql.dialect.name == "sqlite" else { return }
        try await sql.raw("PRAGMA application_id = \(unsafeRaw: String(applicationID))").run()
        try await sql.raw("PRAGMA wal_checkpoint(TRUNCATE)").run()
    }
}

/// `DATABASE_URL=postgres://… pingan demo`: the demo in a PostgreSQL database (issue 23 §1). Like the file, it starts
/// afresh only where that is safe: a database with no tables, or one an earlier demo marked (a comment on the schema).
/// Anything else is refused and left alone.
public enum DemoPostgres {
    static let mark = "pingan-demo"

    public static func prepare(_ db: any Database) async throws {
        guard let sql = db as? any SQLDatabase, sql.dialect.name == "postgresql" else { return }
        struct N: Decodable { var n: Int }
        struct C: Decodable { var c: String? }
        let tables = try await sql.raw("SELECT count(*)::int AS n FROM information_schema.tables WHERE table_schema = current_schema()").first(decoding: N.self)?.n ?? 0
        let comment = try await sql.raw("SELECT obj_description(to_regnamespace(current_schema()), 'pg_namespace') AS c").first(decoding: C.self)?.c
        guard tables == 0 || comment == mark else {
            throw AdminCLI.Failure(message: """
            The database in DATABASE_URL has \(tables) tables and is not a Pingan demo. The demo starts from an empty database and will not erase it.
            Create one for the demo (createdb pingan_demo) and point DATABASE_URL at it.
            """)
        }
        if tables > 0 {
            try await sql.raw("DROP SCHEMA public CASCADE").run()
            try await sql.raw("CREATE SCHEMA public").run()
        }
        try await sql.raw("COMMENT ON SCHEMA public IS \(unsafeRaw: "'" + mark + "'")").run()
    }
}
