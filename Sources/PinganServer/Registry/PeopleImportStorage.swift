import Fluent
import SQLKit
import Crypto
import FluentPostgresDriver
import FluentSQLiteDriver
import Vapor
import PinganKit

/// How `PeopleImport` stores rows: the columns, the sealed values and the multi-row upsert.
extension PeopleImport {
    static let insertColumns = ["name", "sex", "birth_date", "id_number_sealed", "id_number_index", "id_number_masked", "phone_sealed", "phone_index", "phone_masked",
                                "hukou_address", "category", "key_type", "community_id", "grid_id", "room", "residence_expires_on", "note", "created_by_id", "created_at", "updated_at"]

    /// Which stored columns each CSV column feeds (absent CSV columns leave these alone on update).
    static let updatedBy: [String: [String]] = [
        "name": ["name"], "idNumber": ["sex", "birth_date", "id_number_sealed", "id_number_masked"], "phone": ["phone_sealed", "phone_index", "phone_masked"],
        "hukouAddress": ["hukou_address"], "category": ["category", "key_type", "residence_expires_on"], "keyType": ["key_type"],
        "community": ["community_id", "grid_id"], "grid": ["grid_id"], "room": ["room"], "residenceExpiresOn": ["residence_expires_on"], "note": ["note"],
    ]

    /// A stored column's value, bound natively by SQLite and through SQLKit elsewhere.
    enum StoredValue: Sendable {
        case text(String), int(Int), date(Date), null
        var sqlite: SQLiteData {
            switch self {
            case .text(let s): .text(s)
            case .int(let i): .integer(i)
            case .date(let d): d.sqliteData ?? .null
            case .null: .null
            }
        }
        /// As a field of PostgreSQL's `COPY … FROM STDIN` (text format).
        var copyText: String {
            switch self {
            case .text(let s): DataMove.Cell.text(s).copyText
            case .int(let i): String(i)
            case .date(let d): DataMove.Cell.micros(Int64((d.timeIntervalSince1970 * 1_000_000).rounded())).copyText
            case .null: DataMove.Cell.null.copyText
            }
        }
        var sqlExpression: any SQLExpression {
            switch self {
            case .text(let s): SQLBind(s)
            case .int(let i): SQLBind(i)
            case .date(let d): SQLBind(d)
            case .null: SQLLiteral.null
            }
        }
    }

    /// The row's values in `insertColumns` order, identity data sealed.
    static func storedValues(_ r: Row, cipher: FieldCipher, userID: Int, now: Date) throws -> [StoredValue] {
        let id = r.resident.value
        func text(_ s: String?) -> StoredValue { s.map { .text($0) } ?? .null }
        return [
            .text(r.name), .text(r.resident.isMale ? "M" : "F"), .text(String(r.resident.birthDate.year)), .text(try cipher.seal(id)),
            .text(cipher.blindIndex(id, field: "id_number")), .text(r.resident.masked),
            text(try r.phone.map { try cipher.seal($0) }), text(r.phone.map { cipher.blindIndex($0, field: "phone") }), text(r.phone.map(PhoneNumber.masked)),
            .text(r.hukou), .text(r.category.rawValue), text(r.keyType?.rawValue), .int(r.communityID), r.gridID.map { .int($0) } ?? .null, .text(r.room),
            text(r.expires), .text(r.note), .int(userID), .date(now), .date(now),
        ]
    }

    /// Columns a re-import overwrites: those the file has, plus `updated_at`.
    static func updatedColumns(_ present: Set<String>) -> [String] {
        let update = Set(present.flatMap { updatedBy[$0] ?? [] }).union(["updated_at"])
        return insertColumns.filter(update.contains)
    }

    /// A move to another community drops the old building.
    static let buildingOnMove = "CASE WHEN people.community_id = excluded.community_id THEN people.building_id ELSE NULL END"

    static func upsert(_ rows: [[StoredValue]], on db: any Database, present: Set<String>) async throws {
        let update = updatedColumns(present)
        if let sqlite = db as? any SQLiteDatabase {
            // SQLite: one statement text per batch size, values bound natively (no SQLKit tree to build and
            // serialize for 20,000 binds per batch).
            let placeholders = "(" + Array(repeating: "?", count: insertColumns.count).joined(separator: ",") + ")"
            var text = "INSERT INTO \"people\" (" + insertColumns.map { "\"\($0)\"" }.joined(separator: ", ") + ") VALUES "
            text += Array(repeating: placeholders, count: rows.count).joined(separator: ",")
            var sets = update.map { "\"\($0)\" = excluded.\"\($0)\"" }
            if update.contains("community_id") { sets.append("\"building_id\" = " + buildingOnMove) }
            text += " ON CONFLICT (\"id_number_index\") DO UPDATE SET " + sets.joined(separator: ", ")
            var binds: [SQLiteData] = []
            binds.reserveCapacity(rows.count * insertColumns.count)
            for row in rows { for v in row { binds.append(v.sqlite) } }
            _ = try await sqlite.query(text, binds)
            return
        }
        if let pg = db as? any PostgresDatabase {
            try await copyUpsert(rows, on: pg, update: update)
            return
        }
        let sql = db as! any SQLDatabase
        let q = sql.insert(into: "people").columns(insertColumns)
        for row in rows { q.values(row.map(\.sqlExpression)) }
        q.onConflict(with: ["id_number_index"]) { u in
            var u = u
            for c in update { u = u.set(excludedValueOf: c) }
            if update.contains("community_id") { u = u.set("building_id", to: SQLRaw(buildingOnMove)) }
            return u
        }
        try await q.run()
    }

    /// PostgreSQL: the rows go in by `COPY` into a staging table of this connection's session, then one
    /// `INSERT … SELECT … ON CONFLICT` upserts them — a multi-row INSERT would bind 20 values a row and parse them all.
    /// The staging table is named after its columns, so a session that outlives a change of the column list makes a new one.
    static func copyUpsert(_ rows: [[StoredValue]], on pg: any PostgresDatabase, update: [String]) async throws {
        var buffer = ByteBuffer()
        for row in rows {
            for (i, v) in row.enumerated() {
                if i > 0 { buffer.writeInteger(UInt8(ascii: "\t")) }
                buffer.writeString(v.copyText)
            }
            buffer.writeInteger(UInt8(ascii: "\n"))
        }
        let list = insertColumns.map { "\"\($0)\"" }.joined(separator: ", ")
        let stage = "pingan_people_stage_" + String(FieldCipher.hex(SHA256.hash(data: Data(list.utf8))).prefix(8))
        var sets = update.map { "\"\($0)\" = excluded.\"\($0)\"" }
        if update.contains("community_id") { sets.append("\"building_id\" = " + buildingOnMove) }
        let upsert = "INSERT INTO people (\(list)) SELECT \(list) FROM \(stage) ON CONFLICT (id_number_index) DO UPDATE SET " + sets.joined(separator: ", ")
        let columns = insertColumns
        try await pg.withConnection { conn in
            conn.eventLoop.makeFutureWithTask {
                // unscoped: an empty staging table shaped like people (WITH NO DATA reads no row)
                try await conn.query(PostgresQuery(unsafeSQL: "CREATE TEMP TABLE IF NOT EXISTS \(stage) AS SELECT \(list) FROM people WITH NO DATA"), logger: conn.logger)
                try await conn.query(PostgresQuery(unsafeSQL: "TRUNCATE \(stage)"), logger: conn.logger)
                try await conn.copyFrom(table: stage, columns: columns, logger: conn.logger) { try await $0.write(buffer) }
                try await conn.query(PostgresQuery(unsafeSQL: upsert), logger: conn.logger)
                try await conn.query(PostgresQuery(unsafeSQL: "TRUNCATE \(stage)"), logger: conn.logger)
            }
        }.get()
    }
}
