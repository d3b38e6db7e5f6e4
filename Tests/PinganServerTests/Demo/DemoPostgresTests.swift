import Fluent
import SQLKit
import XCTVapor
@testable import PinganServer

/// Issue 23 §1: `DATABASE_URL=postgres://… pingan demo` builds the demo in PostgreSQL — in an empty database or over an
/// earlier demo, never over a database that holds anything else.
final class DemoPostgresTests: XCTestCase {
    func testTheDemoTakesAnEmptyOrDemoDatabaseAndRefusesAnyOther() async throws {
        guard let scratch = try await newScratchDatabase() else { throw XCTSkip("needs PostgreSQL (PINGAN_TEST_DATABASE_URL)") }
        let app = try await Application.make(.testing)
        do {
            try await configure(app, config: AppConfig(database: .postgres(scratch.url), secretKey: testKey(3)))
            let sql = app.db as! any SQLDatabase
            func tables() async throws -> Int {
                try await sql.raw("SELECT count(*)::int AS n FROM information_schema.tables WHERE table_schema = 'public'").first()!.decode(column: "n", as: Int.self)
            }
            try await DemoPostgres.prepare(app.db)          // empty: taken and marked
            try await app.migrateAll()
            let built = try await tables()
            XCTAssertGreaterThan(built, 50)
            try await DemoPostgres.prepare(app.db)          // an earlier demo: started afresh
            let afterReset = try await tables()
            XCTAssertEqual(afterReset, 0)
            try await app.migrateAll()
            try await sql.raw("COMMENT ON SCHEMA public IS NULL").run()   // now a database that is not a demo
            do {
                try await DemoPostgres.prepare(app.db)
                XCTFail("a database that is not a demo was taken")
            } catch let e as AdminCLI.Failure { XCTAssertTrue(e.message.contains("not a Pingan demo"), e.message) }
            let kept = try await tables()
            XCTAssertEqual(kept, built, "nothing was dropped")
        } catch {
            try? await app.asyncShutdown(); await dropScratchDatabase(scratch.name); throw error
        }
        try await app.asyncShutdown()
        await dropScratchDatabase(scratch.name)
    }
}
