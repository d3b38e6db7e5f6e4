import Crypto
import Fluent
import SQLKit
import Vapor
import XCTVapor
@testable import PinganServer

/// A scratch folder removed by the caller (`defer`).
func scratchDirectory(_ name: String = "pingan-durable") -> String {
    let dir = NSTemporaryDirectory() + "\(name)-\(UUID().uuidString.prefix(8))"
    try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    return dir
}

/// An app on a database that outlives it: a SQLite file in `dir`, or — for the tests that must also run on
/// PostgreSQL — the test database, reset only when `reset` is true. Uploads go to `dir/uploads`.
func makeDurableApp(dir: String, key: SymmetricKey, postgresIfConfigured: Bool = false, reset: Bool = true,
                    seed: Bool = true, migrate: Bool = true, keyFile: String? = nil) async throws -> (Application, Fixture?) {
    setenv("PINGAN_UPLOADS", dir + "/uploads", 1)
    let app = try await Application.make(.testing)
    var kind = AppConfig.DatabaseKind.sqliteFile(dir + "/pingan.sqlite")
    if postgresIfConfigured, let url = ProcessInfo.processInfo.environment["PINGAN_TEST_DATABASE_URL"], !url.isEmpty { kind = .postgres(url) }
    do {
        var config = AppConfig(database: kind, secretKey: key)
        config.keyFile = keyFile
        try await configure(app, config: config)
        app.passwords.use(.bcrypt(cost: 4))
        if reset, case .postgres = kind {
            let sql = app.db as! any SQLDatabase
            try await sql.raw("DROP SCHEMA public CASCADE").run()
            try await sql.raw("CREATE SCHEMA public").run()
        }
        guard migrate else { return (app, nil) }
        try await app.migrateAll()
        return (app, seed ? try await seedFixture(app) : nil)
    } catch {
        try? await app.asyncShutdown()
        unsetenv("PINGAN_UPLOADS")
        throw error
    }
}

func shutdownDurable(_ app: Application) async {
    try? await app.asyncShutdown()
    unsetenv("PINGAN_UPLOADS")
}

func testKey(_ byte: UInt8) -> SymmetricKey { SymmetricKey(data: Data(repeating: byte, count: 32)) }
