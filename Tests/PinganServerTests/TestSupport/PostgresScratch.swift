import FluentPostgresDriver
import Foundation
import NIOCore
import NIOPosix

/// A new, empty database on the PostgreSQL test server (nil when the tests run on SQLite only), dropped by `dropScratchDatabase`.
func newScratchDatabase() async throws -> (url: String, name: String)? {
    guard let base = ProcessInfo.processInfo.environment["PINGAN_TEST_DATABASE_URL"], !base.isEmpty,
          let slash = base.lastIndex(of: "/") else { return nil }
    let name = "pingan_scratch_\(UUID().uuidString.prefix(8).lowercased())"
    try await adminSQL(base) { try await $0.query(PostgresQuery(unsafeSQL: "CREATE DATABASE \(name)"), logger: .init(label: "test")) }
    return (String(base[..<slash]) + "/" + name, name)
}

func dropScratchDatabase(_ name: String) async {
    guard let base = ProcessInfo.processInfo.environment["PINGAN_TEST_DATABASE_URL"] else { return }
    try? await adminSQL(base) { try await $0.query(PostgresQuery(unsafeSQL: "DROP DATABASE IF EXISTS \(name) WITH (FORCE)"), logger: .init(label: "test")) }
}

func adminSQL(_ url: String, _ body: (PostgresConnection) async throws -> Void) async throws {
    let conn = try await PostgresConnection.connect(on: MultiThreadedEventLoopGroup.singleton.any(),
                                                    configuration: try SQLPostgresConfiguration(url: url).coreConfiguration, id: 9, logger: .init(label: "test"))
    do { try await body(conn) } catch { try? await conn.close(); throw error }
    try await conn.close()
}

