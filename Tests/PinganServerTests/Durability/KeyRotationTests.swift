import Fluent
import SQLKit
import XCTVapor
import PinganKit
@testable import PinganServer

/// Issue 22: `pingan keys rotate` re-seals identifiers and rebuilds blind indexes under a new key, resumes after a
/// crash, and keeps the old key until it is done. On SQLite and PostgreSQL.
final class KeyRotationTests: XCTestCase {
    func testRotationInterruptedThenResumedLeavesEverythingReadableUnderTheNewKey() async throws {
        let dir = scratchDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let old = testKey(11)
        var people: [(id: Int, number: String)] = []
        do {
            let (app, f) = try await makeDurableApp(dir: dir, key: old, postgresIfConfigured: true)
            for (i, birth) in ["19800101", "19851212", "19900307", "19950505"].enumerated() {
                let n = residentID(birth, sequence: "10\(i)")
                people.append((try await createPerson(app, f!, community: f!.c1, id: n), n))
            }
            // A two-step secret is sealed with the same key: the rotation must carry it over.
            let chief = try await User.query(on: app.db).filter(\.$username == "chief").first()!
            chief.totpSecret = try FieldCipher(secret: old).seal("JBSWY3DPEHPK3PXP")
            try await chief.save(on: app.db)
            do {
                _ = try await KeyRotation.run(app: app, newKeyFile: dir + "/new.key", batchSize: 1, stopAfterBatches: 2)
                XCTFail("the test hook did not interrupt")
            } catch is KeyRotation.Interrupted {}
            await shutdownDurable(app)
        }
        XCTAssertTrue(FileManager.default.fileExists(atPath: dir + "/new.key"))
        // Half rotated: the server will not start, with either key.
        for key in [old, try AppConfig.readKeyFile(dir + "/new.key")] {
            do {
                _ = try await makeDurableApp(dir: dir, key: key, postgresIfConfigured: true, reset: false, seed: false)
                XCTFail("started on a half-rotated database")
            } catch let e as AdminCLI.Failure { XCTAssertTrue(e.message.contains("pingan keys rotate"), e.message) }
        }
        do {
            let (app, _) = try await makeDurableApp(dir: dir, key: old, postgresIfConfigured: true, reset: false, seed: false, migrate: false)
            let message = try await KeyRotation.run(app: app, newKeyFile: dir + "/new.key", batchSize: 2)
            XCTAssertTrue(message.contains("PINGAN_SECRET_KEY"), message)
            await shutdownDurable(app)
        }
        let new = try AppConfig.readKeyFile(dir + "/new.key")
        do {
            _ = try await makeDurableApp(dir: dir, key: old, postgresIfConfigured: true, reset: false, seed: false)
            XCTFail("the old key still starts the server")
        } catch is AdminCLI.Failure {}
        let (app, _) = try await makeDurableApp(dir: dir, key: new, postgresIfConfigured: true, reset: false, seed: false)
        let f = Fixture(tokens: ["officer": "test-token-officer"])
        for p in people {
            try await app.call(.POST, "/api/v1/people/\(p.id)/reveal", headers: f.bearer("officer"), beforeRequest: { try $0.content.encode(["purpose": "case"]) }) { res in
                XCTAssertEqual(res.status, .ok, res.body.string)
                XCTAssertEqual(try res.content.decode(RevealedIdentity.self).idNumber, p.number)
            }
        }
        // The blind index was rebuilt: exact search finds the person under the new key.
        try await app.call(.GET, "/api/v1/people?idNumber=\(people[2].number)&purpose=identity_check", headers: f.bearer("officer")) { res in
            XCTAssertEqual(res.status, .ok); XCTAssertTrue(res.body.string.contains("\"total\":1"), res.body.string)
        }
        let chief = try await User.query(on: app.db).filter(\.$username == "chief").first()!
        XCTAssertEqual(try FieldCipher(secret: new).open(chief.totpSecret ?? ""), "JBSWY3DPEHPK3PXP")
        let r = try await AuditVerify.run(app: app)
        XCTAssertTrue(r.ok, r.summary)
        let awaited0 = try await AuditEvent.query(on: app.db).filter(\.$action == "keys.rotate.done").count()
        XCTAssertEqual(awaited0, 1)
        await shutdownDurable(app)
    }

    /// With a key file, the new key takes its place at the end and the old one is kept beside it.
    /// Every sealed column of the schema is one the rotation re-seals: a new `*_sealed` column left out of
    /// `SealedColumns` would become unreadable after a rotation (team members' and push receipts' phones once were).
    func testEverySealedColumnIsRotated() async throws {
        try await withApp { app, _ in
            let sql = app.db as! any SQLDatabase
            struct Column: Decodable { var t: String; var c: String }
            // Every column of every table, from the catalogue of the database the suite runs on.
            let columns = sql.dialect.name == "sqlite"
                ? try await sql.raw("SELECT m.name AS t, p.name AS c FROM sqlite_master m JOIN pragma_table_info(m.name) p WHERE m.type = 'table'").all(decoding: Column.self)
                : try await sql.raw("SELECT table_name AS t, column_name AS c FROM information_schema.columns WHERE table_schema = current_schema()").all(decoding: Column.self)
            var found: Set<String> = []
            for col in columns where col.c.hasSuffix("_sealed") || ["totp_secret", "totp_pending"].contains(col.c) { found.insert(col.t + "." + col.c) }
            let listed = Set(SealedColumns.all.map { $0.table + "." + $0.sealed })
            XCTAssertFalse(found.isEmpty)
            XCTAssertEqual(found.subtracting(listed).sorted(), [], "sealed columns the key rotation would miss")
            XCTAssertEqual(listed.subtracting(found).sorted(), [], "listed columns that do not exist")
        }
    }

    func testKeyFilesAreSwappedOnlyAtTheEnd() async throws {
        let dir = scratchDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let keyFile = dir + "/pingan.key"
        let old = testKey(12)
        XCTAssertTrue(AppConfig.writeKeyFile(keyFile, old))
        let (app, f) = try await makeDurableApp(dir: dir, key: old, keyFile: keyFile)
        let id = try await createPerson(app, f!, community: f!.c1)
        do {
            _ = try await KeyRotation.run(app: app, stopAfterBatches: 1)
            XCTFail("not interrupted")
        } catch is KeyRotation.Interrupted {}
        XCTAssertEqual(KeyCheck.value(try AppConfig.readKeyFile(keyFile)), KeyCheck.value(old), "the old key stays in place until the end")
        XCTAssertTrue(FileManager.default.fileExists(atPath: keyFile + ".next"))
        let message = try await KeyRotation.run(app: app)
        XCTAssertTrue(message.contains(".retired-" + KeyCheck.fingerprint(old)), message)
        await shutdownDurable(app)
        let new = try AppConfig.readKeyFile(keyFile)
        XCTAssertNotEqual(KeyCheck.value(new), KeyCheck.value(old))
        XCTAssertEqual(KeyCheck.value(try AppConfig.readKeyFile(keyFile + ".retired-" + KeyCheck.fingerprint(old))), KeyCheck.value(old))
        XCTAssertFalse(FileManager.default.fileExists(atPath: keyFile + ".next"))
        let (again, _) = try await makeDurableApp(dir: dir, key: new, seed: false, keyFile: keyFile)
        try await again.call(.POST, "/api/v1/people/\(id)/reveal", headers: f!.bearer("officer"), beforeRequest: { try $0.content.encode(["purpose": "case"]) }) {
            XCTAssertEqual($0.status, .ok, $0.body.string)
        }
        await shutdownDurable(again)
    }
}
