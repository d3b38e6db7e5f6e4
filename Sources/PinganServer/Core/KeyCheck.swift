import Crypto
import Fluent
import Foundation
import SQLKit
import Vapor

/// The database remembers which key its sealed data and its audit chain belong to (a key check value: an HMAC of a
/// constant under a key derived from the product key — it tells keys apart and reveals nothing of them).
///
/// Issue 22: a missing key file used to be replaced silently by a new key; the server started, `/health` said ok and
/// every reveal answered 500. Now start-up (every command that opens the database) refuses when the key in use is
/// not the database's, and removes a key file it has just created for nothing.
public enum KeyCheck {
    /// 64 hex digits.
    public static func value(_ secret: SymmetricKey) -> String {
        let k = HKDF<SHA256>.deriveKey(inputKeyMaterial: secret, info: Data("pingan/key-check/v1".utf8), outputByteCount: 32)
        return FieldCipher.hex(HMAC<SHA256>.authenticationCode(for: Data("pingan key check value".utf8), using: k))
    }

    /// The first 16 hex digits of the check value: what backups, archives and messages show.
    public static func fingerprint(_ secret: SymmetricKey) -> String { String(value(secret).prefix(16)) }

    static func tableExists(_ sql: any SQLDatabase, _ name: String) async throws -> Bool {
        if sql.dialect.name == "sqlite" {
            return try await sql.raw("SELECT name FROM sqlite_master WHERE type = 'table' AND name = \(bind: name)").first() != nil
        }
        return try await sql.raw("SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = \(bind: name)").first() != nil
    }

    /// The stored check value, or nil on a database from before it was kept.
    static func stored(_ sql: any SQLDatabase) async throws -> String? {
        guard try await tableExists(sql, "key_check") else { return nil }
        return try await sql.raw("SELECT kcv FROM key_check WHERE id = 1").first()?.decode(column: "kcv", as: String.self)
    }

    /// One sealed value from the tables that hold them, to test a key against a database that has no check value yet.
    static func sealedSample(_ sql: any SQLDatabase) async throws -> String? {
        for (table, column) in SealedColumns.all.map({ ($0.table, $0.sealed) }) where try await tableExists(sql, table) {
            // `try?`: a column added by a later migration is not there yet in an older database.
            if let r = try? await sql.raw("SELECT \(ident: column) AS v FROM \(ident: table) WHERE \(ident: column) IS NOT NULL LIMIT 1").first() {
                return try r.decode(column: "v", as: String.self)
            }
        }
        return nil
    }

    /// Runs before migrations: refuses a key that is not the database's, and a database left in a key rotation.
    static func preflight(_ app: Application) async throws {
        let sql = app.db as! any SQLDatabase
        let config = app.pingan
        let mine = value(config.secretKey)
        var problem: String?
        if let rotating = try await KeyRotation.pending(sql) {
            problem = rotating.finished
                ? "A key rotation finished but its key files were not swapped. Run `pingan keys rotate` again to finish it."
                : "A key rotation was interrupted (at \(rotating.phase)). Run `pingan keys rotate` again to resume it; the old key stays in use until it is done."
        } else if let kcv = try await stored(sql) {
            if kcv != mine {
                problem = "The database holds personal data and an audit chain sealed with the key whose fingerprint is \(kcv.prefix(16)), "
                    + "but the key in use (\(config.keySource)) has fingerprint \(mine.prefix(16))."
            }
        } else if let sample = try await sealedSample(sql), (try? FieldCipher(secret: config.secretKey).open(sample)) == nil {
            problem = "The database holds personal data sealed with another key than the one in use (\(config.keySource))."
        }
        guard let problem else { return }
        var message = "Pingan will not start. " + problem
        if let created = config.createdKeyFile {
            try? FileManager.default.removeItem(atPath: created)
            message += "\nThe key file \(created) did not exist (it was created just now and has been removed again)."
        }
        if !problem.contains("pingan keys rotate") {
            message += "\nPut the database's key file back (PINGAN_KEY_FILE) or set PINGAN_SECRET_KEY to it, or restore a backup together with its key (docs/backup.md). "
                + "Starting with a new key would leave every sealed identifier unreadable."
        }
        throw AdminCLI.Failure(message: message)
    }
}

/// Keeps the key check value; created with the first migration run that has it, so it exists before anything is sealed.
struct CreateKeyCheck: AsyncMigration {
    let secret: SymmetricKey

    func prepare(on db: any Database) async throws {
        let sql = db as! any SQLDatabase
        try await sql.create(table: "key_check")
            .column("id", type: .int, .primaryKey(autoIncrement: false))
            .column("kcv", type: .text, .notNull)
            .column("created_at", type: .timestamp, .notNull)
            .run()
        try await sql.insert(into: "key_check").columns("id", "kcv", "created_at").values(SQLBind(1), SQLBind(KeyCheck.value(secret)), SQLBind(Date())).run()
        // A key rotation's progress (`KeyRotation`): present only while one runs.
        try await sql.create(table: "key_rotation")
            .column("id", type: .int, .primaryKey(autoIncrement: false))
            .column("old_kcv", type: .text, .notNull)
            .column("new_kcv", type: .text, .notNull)
            .column("phase", type: .text, .notNull)
            .column("cursor", type: .bigint, .notNull)
            .column("finished", type: .custom(SQLRaw("BOOLEAN")), .notNull)
            .column("started_at", type: .timestamp, .notNull)
            .column("updated_at", type: .timestamp, .notNull)
            .run()
    }

    func revert(on db: any Database) async throws {
        let sql = db as! any SQLDatabase
        try await sql.drop(table: "key_rotation").run()
        try await sql.drop(table: "key_check").run()
    }
}
