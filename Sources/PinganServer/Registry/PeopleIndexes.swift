import Fluent
import SQLKit

/// The people table's secondary indexes, named once so a bulk import can drop them and rebuild them.
///
/// Loading a district's first two million residents row by row keeps four more B-trees in step with
/// every insert; building each index once at the end (a sort) is several times cheaper. The unique
/// index on the ID number's blind index stays: it is what makes a re-run update instead of duplicate.
/// An import killed while the indexes are down leaves them missing; `ensure` puts them back, and it
/// runs after every migration pass (each command and the server start) and at the end of each import.
enum PeopleIndexes {
    static let all: [(name: String, columns: [String])] = [
        ("idx_people_community", ["community_id", "category"]),
        ("idx_people_phone", ["phone_index"]),
        ("idx_people_expiry", ["residence_expires_on"]),
        ("idx_people_building", ["building_id", "room"]),
    ]

    static func drop(on sql: any SQLDatabase) async throws {
        for index in all { try await sql.raw("DROP INDEX IF EXISTS \(ident: index.name)").run() }
    }

    static func ensure(on sql: any SQLDatabase) async throws {
        for index in all {
            try await sql.raw("CREATE INDEX IF NOT EXISTS \(ident: index.name) ON \(ident: "people") (\(unsafeRaw: index.columns.map { "\"\($0)\"" }.joined(separator: ", ")))").run()
        }
    }

    /// Worth it when the import at least doubles the table and is large enough that rebuilding costs
    /// less than maintaining (measured in bench/IMPORT.md).
    static func bulkLoad(newRows: Int, existingRows: Int) -> Bool { newRows >= bulkMinimum && newRows >= existingRows }
    /// Lowered by tests to exercise the bulk path with a few rows.
    nonisolated(unsafe) static var bulkMinimum = 20_000

    /// The names of the people table's indexes as the database reports them.
    static func present(on sql: any SQLDatabase) async throws -> Set<String> {
        let rows = sql.dialect.name == "sqlite"
            ? try await sql.raw("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'people'").all()
            : try await sql.raw("SELECT indexname AS name FROM pg_indexes WHERE tablename = 'people'").all()
        return Set(try rows.map { try $0.decode(column: "name", as: String.self) })
    }
}
