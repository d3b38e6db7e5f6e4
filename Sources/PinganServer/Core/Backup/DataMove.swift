import Crypto
import Fluent
import FluentPostgresDriver
import FluentSQLiteDriver
import Foundation
import Vapor

/// `pingan migrate-data --from FILE.sqlite --to postgres://…` (issue 23 §2): a district that outgrows its SQLite file
/// moves every row into a new PostgreSQL database. Sealed identifiers travel as they are (ciphertext and blind
/// indexes), so the PostgreSQL server runs with the same key — the command refuses a file sealed under another one.
///
/// - The schema is the app's own migrations, run on the destination; the file must be at the same migration as this
///   build (else `pingan migrate` on the file first), so every column has a known PostgreSQL type to convert into.
/// - Rows go in by `COPY … FROM STDIN`, a batch per transaction that also records how far the table got
///   (`_pingan_data_move`), so a move that was killed resumes where it stopped when run again.
/// - At the end each table's rows are counted and checksummed on both sides (values compared by type: a time to the
///   microsecond PostgreSQL keeps, a number exactly, text byte for byte); only a move that verifies is finished.
public enum DataMove {
    static let progressTable = "_pingan_data_move"
    static let log = Logger(label: "pingan.migrate-data")

    public struct TableResult: Sendable { public var name: String; public var rows: Int; public var checksum: String }
    public struct Report: Sendable {
        public var tables: [TableResult]
        public var resumed: Bool
        public var seconds: Double
        public var rows: Int { tables.reduce(0) { $0 + $1.rows } }
    }

    /// Thrown by the test hook `stopAfterBatches`, as a kill would stop the move.
    struct Interrupted: Error {}

    /// `app` is configured on the destination (DATABASE_URL = the `--to` URL) with the key that sealed the file.
    public static func run(app: Application, from path: String, batch: Int = 20_000, stopAfterBatches: Int? = nil,
                           progress: @escaping @Sendable (String) -> Void = { _ in }) async throws -> Report {
        let started = Date()
        guard case .postgres(let url) = app.pingan.database else {
            throw AdminCLI.Failure(message: "migrate-data needs --to postgres://user@host:5432/database (the new, empty PostgreSQL database).")
        }
        guard FileManager.default.fileExists(atPath: path) else { throw AdminCLI.Failure(message: "No SQLite file at \(path).") }
        let source = try await SQLiteConnection.open(storage: .file(path: path))
        let pg = try await PostgresConnection.connect(on: app.eventLoopGroup.any(), configuration: try SQLPostgresConfiguration(url: url).coreConfiguration,
                                                      id: 1, logger: log)
        do {
            let report = try await move(app: app, source: source, pg: pg, path: path, batch: max(1, batch), stopAfterBatches: stopAfterBatches,
                                        started: started, progress: progress)
            try await source.close(); try await pg.close()
            return report
        } catch {
            try? await source.close(); try? await pg.close()
            throw error
        }
    }

    // MARK: The move

    private static func move(app: Application, source: SQLiteConnection, pg: PostgresConnection, path: String, batch: Int,
                             stopAfterBatches: Int?, started: Date, progress: @Sendable (String) -> Void) async throws -> Report {
        let src = source.sql()
        guard try await KeyCheck.tableExists(src, "_fluent_migrations") else {
            throw AdminCLI.Failure(message: "\(path) is not a Pingan database (it has no migrations table).")
        }
        try await checkKey(app: app, source: src, path: path)

        let resuming = try await exists(pg, table: progressTable)
        if !resuming {
            let n = try await scalarInt(pg, "SELECT count(*) FROM information_schema.tables WHERE table_schema = current_schema()")
            guard n == 0 else {
                throw AdminCLI.Failure(message: "The destination database already has \(n) tables. Move into a new, empty database (createdb …); "
                    + "a move that was interrupted is resumed only in the database it started in.")
            }
        } else if let from = try await scalarText(pg, "SELECT source FROM \(progressTable) WHERE table_name = ''"), from != path {
            throw AdminCLI.Failure(message: "The destination holds an unfinished move from \(from), not from \(path). Finish that one, or start again in a new database.")
        }
        // The schema is the app's: same migrations as the file, so every column has a PostgreSQL type.
        try await app.migrateAll()
        try await checkSameMigrations(source: source, pg: pg, path: path)

        let tables = try await sourceTables(source)
        let types = try await destinationColumns(pg)
        var plan: [(name: String, columns: [(name: String, kind: Kind)])] = []
        for t in try await dependencyOrder(pg, tables) {
            guard let dest = types[t] else { throw AdminCLI.Failure(message: "Table \(t) of the file does not exist in the destination's schema.") }
            let cols = try await source.query("SELECT name FROM pragma_table_info(?)", [.text(t)]).compactMap { $0.column("name")?.string }
            var planned: [(String, Kind)] = []
            for c in cols {
                guard let type = dest[c] else { throw AdminCLI.Failure(message: "Column \(t).\(c) of the file does not exist in the destination's schema.") }
                planned.append((c, Kind(postgresType: type)))
            }
            // COPY quotes names without escaping them: plain SQL names only (every Pingan table and column is one).
            for name in [t] + cols where name.range(of: #"^[A-Za-z_][A-Za-z0-9_]*$"#, options: .regularExpression) == nil {
                throw AdminCLI.Failure(message: "Table or column name \(name) is not a plain SQL name; this file was not made by Pingan.")
            }
            plan.append((t, planned))
        }

        if !resuming {
            // One transaction: the migrations' own rows (the key check, default code tables) make way for the file's.
            try await pg.query("BEGIN", logger: log)
            try await pg.query(PostgresQuery(unsafeSQL: "TRUNCATE \(plan.map { quoted($0.name) }.joined(separator: ", ")) RESTART IDENTITY CASCADE"), logger: log)
            try await pg.query(PostgresQuery(unsafeSQL: """
                CREATE TABLE \(progressTable) (table_name text PRIMARY KEY, last_rowid bigint NOT NULL DEFAULT 0, rows bigint NOT NULL DEFAULT 0,
                done boolean NOT NULL DEFAULT false, source text)
                """), logger: log)
            try await pg.query("INSERT INTO \(unescaped: progressTable) (table_name, source, done) VALUES ('', \(path), false)", logger: log)
            for t in plan { try await pg.query("INSERT INTO \(unescaped: progressTable) (table_name) VALUES (\(t.name))", logger: log) }
            try await pg.query("COMMIT", logger: log)
        } else {
            progress("Resuming the move from \(path).")
        }

        var batches = 0
        for t in plan {
            var (last, copied, done) = try await tableProgress(pg, t.name)
            if done { continue }
            let t0 = Date()
            let names = t.columns.map { "\"\($0.name.replacingOccurrences(of: "\"", with: "\"\""))\"" }
            let select = "SELECT rowid AS \"_pingan_rowid\", \(names.joined(separator: ", ")) FROM \(quoted(t.name)) WHERE rowid > ? ORDER BY rowid LIMIT ?"
            while !done {
                if let stop = stopAfterBatches, batches >= stop { throw Interrupted() }
                let rows = try await source.query(select, [.integer(last), .integer(batch)])
                var buffer = ByteBuffer()
                for row in rows {
                    for (i, c) in t.columns.enumerated() {
                        if i > 0 { buffer.writeInteger(UInt8(ascii: "\t")) }
                        let value = try Cell(row.column(c.name) ?? .null, c.kind, table: t.name, column: c.name)
                        buffer.writeString(value.copyText)
                    }
                    buffer.writeInteger(UInt8(ascii: "\n"))
                }
                if let r = rows.last?.column("_pingan_rowid")?.integer { last = r }
                copied += rows.count
                done = rows.count < batch
                try await pg.query("BEGIN", logger: log)
                do {
                    if !rows.isEmpty {
                        // copyFrom quotes the names itself
                        try await pg.copyFrom(table: t.name, columns: t.columns.map(\.name), logger: log) { try await $0.write(buffer) }
                    }
                    try await pg.query("UPDATE \(unescaped: progressTable) SET last_rowid = \(last), rows = \(copied), done = \(done) WHERE table_name = \(t.name)", logger: log)
                    try await pg.query("COMMIT", logger: log)
                } catch {
                    _ = try? await pg.query("ROLLBACK", logger: log)
                    throw error
                }
                batches += 1
            }
            progress(String(format: "  %@: %d rows in %.1f s", t.name, copied, Date().timeIntervalSince(t0)))
        }

        // Ids handed out next continue after the moved rows.
        for t in plan where t.columns.contains(where: { $0.name == "id" && $0.kind == .int }) {
            guard let seq = try await scalarText(pg, "SELECT pg_get_serial_sequence('\(quoted(t.name).replacingOccurrences(of: "'", with: "''"))', 'id')") else { continue }
            try await pg.query(PostgresQuery(unsafeSQL: "SELECT setval('\(seq.replacingOccurrences(of: "'", with: "''"))', COALESCE((SELECT max(id) FROM \(quoted(t.name))), 0) + 1, false)"), logger: log)
        }
        try await pg.query("ANALYZE", logger: log)

        progress("Verifying every table (row counts and checksums on both sides) …")
        var results: [TableResult] = []
        var mismatches: [String] = []
        for t in plan {
            let a = try await sourceSum(source, t.name, t.columns)
            let b = try await destinationSum(pg, t.name, t.columns, log)
            if a != b { mismatches.append("\(t.name): file \(a.rows) rows \(a.hex.prefix(12)), PostgreSQL \(b.rows) rows \(b.hex.prefix(12))") }
            results.append(TableResult(name: t.name, rows: a.rows, checksum: a.hex))
        }
        guard mismatches.isEmpty else {
            throw AdminCLI.Failure(message: "The move did not verify; the destination keeps its progress table, nothing is finished:\n  "
                + mismatches.joined(separator: "\n  ") + "\nWas the server writing to the file during the move? Stop it and start again in a new database.")
        }
        try await pg.query(PostgresQuery(unsafeSQL: "DROP TABLE \(progressTable)"), logger: log)
        let total = results.reduce(0) { $0 + $1.rows }
        try await AuditLog.system(app, action: "data.migrate", entity: "database",
                                  detail: "from \((path as NSString).lastPathComponent): \(results.count) tables, \(total) rows, counts and checksums verified")
        return Report(tables: results, resumed: resuming, seconds: Date().timeIntervalSince(started))
    }

    // MARK: Checks

    private static func checkKey(app: Application, source: any SQLDatabase, path: String) async throws {
        let secret = app.pingan.secretKey
        if let kcv = try await KeyCheck.stored(source) {
            guard kcv == KeyCheck.value(secret) else {
                throw AdminCLI.Failure(message: "\(path) is sealed with the key whose fingerprint is \(kcv.prefix(16)), not the key in use "
                    + "(\(KeyCheck.fingerprint(secret))). Run the move with the file's own key (PINGAN_KEY_FILE), so PostgreSQL gets identifiers it can open.")
            }
        } else if let sample = try await KeyCheck.sealedSample(source), (try? FieldCipher(secret: secret).open(sample)) == nil {
            throw AdminCLI.Failure(message: "\(path) holds identifiers sealed with another key than the one in use. Run the move with the file's own key.")
        }
    }

    private static func checkSameMigrations(source: SQLiteConnection, pg: PostgresConnection, path: String) async throws {
        let file = Set(try await source.query("SELECT name FROM _fluent_migrations").compactMap { $0.column("name")?.string })
        var here = Set<String>()
        for try await name in try await pg.query("SELECT name FROM _fluent_migrations", logger: log).decode(String.self) { here.insert(name) }
        let missing = here.subtracting(file), unknown = file.subtracting(here)
        if !unknown.isEmpty {
            throw AdminCLI.Failure(message: "\(path) was migrated by a newer Pingan (\(unknown.sorted().prefix(3).joined(separator: ", ")) …). Move it with that version.")
        }
        if !missing.isEmpty {
            throw AdminCLI.Failure(message: "\(path) is \(missing.count) migrations behind this version. Bring it up first: PINGAN_DB=\(path) pingan migrate")
        }
    }

    // MARK: Schema

    private static func sourceTables(_ source: SQLiteConnection) async throws -> [String] {
        try await source.query("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name <> '_fluent_migrations' ORDER BY name")
            .compactMap { $0.column("name")?.string }
    }

    private static func destinationColumns(_ pg: PostgresConnection) async throws -> [String: [String: String]] {
        var out: [String: [String: String]] = [:]
        let rows = try await pg.query("SELECT table_name::text, column_name::text, data_type::text FROM information_schema.columns WHERE table_schema = current_schema()",
                                      logger: log)
        for try await (t, c, type) in rows.decode((String, String, String).self) { out[t, default: [:]][c] = type }
        return out
    }

    /// Parents before children, so every foreign key finds its row (rows within a table go in rowid order).
    private static func dependencyOrder(_ pg: PostgresConnection, _ tables: [String]) async throws -> [String] {
        var parents: [String: Set<String>] = [:]
        let rows = try await pg.query("""
            SELECT ch.relname::text, pa.relname::text FROM pg_constraint c JOIN pg_class ch ON ch.oid = c.conrelid JOIN pg_class pa ON pa.oid = c.confrelid
            WHERE c.contype = 'f'
            """, logger: log)
        for try await (child, parent) in rows.decode((String, String).self) where child != parent { parents[child, default: []].insert(parent) }
        var ordered: [String] = [], placed = Set<String>(), remaining = tables
        while !remaining.isEmpty {
            let ready = remaining.filter { parents[$0, default: []].subtracting(placed).intersection(tables).isEmpty }
            let next = ready.isEmpty ? [remaining[0]] : ready   // a cycle: take the first and let PostgreSQL say which row
            ordered += next; placed.formUnion(next)
            remaining.removeAll { placed.contains($0) }
        }
        return ordered
    }

    private static func tableProgress(_ pg: PostgresConnection, _ table: String) async throws -> (Int, Int, Bool) {
        let rows = try await pg.query("SELECT last_rowid, rows, done FROM \(unescaped: progressTable) WHERE table_name = \(table)", logger: log)
        for try await (last, n, done) in rows.decode((Int, Int, Bool).self) { return (last, n, done) }
        throw AdminCLI.Failure(message: "The progress of table \(table) is missing from \(progressTable); start again in a new database.")
    }

    // MARK: Checksums of both sides (the value types are in DataMove+Values.swift)

    private static func sourceSum(_ source: SQLiteConnection, _ table: String, _ columns: [(name: String, kind: Kind)]) async throws -> Sum {
        var sum = Sum(), last = Int64.min
        let names = columns.map { "\"\($0.name.replacingOccurrences(of: "\"", with: "\"\""))\"" }.joined(separator: ", ")
        while true {
            let rows = try await source.query("SELECT rowid AS \"_pingan_rowid\", \(names) FROM \(quoted(table)) WHERE rowid > ? ORDER BY rowid LIMIT 20000", [.integer(Int(last))])
            for row in rows {
                sum.add(try columns.map { try Cell(row.column($0.name) ?? .null, $0.kind, table: table, column: $0.name) })
            }
            guard rows.count == 20000, let r = rows.last?.column("_pingan_rowid")?.integer else { break }
            last = Int64(r)
        }
        return sum
    }

    private static func destinationSum(_ pg: PostgresConnection, _ table: String, _ columns: [(name: String, kind: Kind)], _ log: Logger) async throws -> Sum {
        let exprs = columns.map { c -> String in
            let q = "\"\(c.name.replacingOccurrences(of: "\"", with: "\"\""))\""
            switch c.kind {
            case .timestamp: return "(extract(epoch FROM \(q)) * 1000000)::bigint::text"
            case .bytes: return "encode(\(q), 'hex')"
            default: return "\(q)::text"
            }
        }
        var sum = Sum()
        try await pg.query("SET extra_float_digits = 1", logger: log)   // the shortest text that reads back as the same double
        let rows = try await pg.query(PostgresQuery(unsafeSQL: "SELECT \(exprs.joined(separator: ", ")) FROM \(quoted(table))"), logger: log)
        for try await row in rows {
            var cells: [Cell] = []
            cells.reserveCapacity(columns.count)
            for (i, cell) in row.enumerated() { cells.append(Cell(postgres: try cell.decode(String?.self), columns[i].kind)) }
            sum.add(cells)
        }
        return sum
    }

    // MARK: Small helpers

    static func quoted(_ name: String) -> String { "\"" + name.replacingOccurrences(of: "\"", with: "\"\"") + "\"" }

    private static func exists(_ pg: PostgresConnection, table: String) async throws -> Bool {
        try await scalarInt(pg, "SELECT count(*) FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = '\(table)'") > 0
    }

    private static func scalarInt(_ pg: PostgresConnection, _ sql: String) async throws -> Int {
        for try await v in try await pg.query(PostgresQuery(unsafeSQL: sql), logger: log).decode(Int.self) { return v }
        return 0
    }

    private static func scalarText(_ pg: PostgresConnection, _ sql: String) async throws -> String? {
        for try await v in try await pg.query(PostgresQuery(unsafeSQL: sql), logger: log).decode(String?.self) { return v }
        return nil
    }
}
