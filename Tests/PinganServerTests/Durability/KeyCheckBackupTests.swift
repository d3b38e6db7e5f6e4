import Fluent
import SQLKit
import XCTVapor
import PinganKit
@testable import PinganServer

/// Issue 22: the server refuses a key that is not the database's; a backup restores to the same rows, files and
/// checksums, and only under its own key.
final class KeyCheckBackupTests: XCTestCase {
    func testStartUpRefusesAnotherKeyOnceDataIsSealed() async throws {
        let dir = scratchDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        do {
            let (app, f) = try await makeDurableApp(dir: dir, key: testKey(1))
            try await createPerson(app, f!, community: f!.c1)
            await shutdownDurable(app)
        }
        do {
            let (app, _) = try await makeDurableApp(dir: dir, key: testKey(1), seed: false)
            await shutdownDurable(app)  // the same key starts
        }
        do {
            _ = try await makeDurableApp(dir: dir, key: testKey(2), seed: false)
            XCTFail("started with another key")
        } catch let e as AdminCLI.Failure {
            XCTAssertTrue(e.message.contains("will not start"), e.message)
            XCTAssertTrue(e.message.contains(KeyCheck.fingerprint(testKey(1))), e.message)
            XCTAssertTrue(e.message.contains(KeyCheck.fingerprint(testKey(2))), e.message)
        }
    }

    /// The reported failure: the key file is gone, start-up makes a new one. Now it refuses and removes that new file.
    func testAMissingKeyFileIsNotReplacedSilently() async throws {
        let dir = scratchDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let env = ["PINGAN_DB": dir + "/pingan.sqlite"]
        let first = try AppConfig.fromEnvironment(env)
        XCTAssertEqual(first.createdKeyFile, dir + "/pingan.key")
        let (app, f) = try await makeDurableApp(dir: dir, key: first.secretKey)
        try await createPerson(app, f!, community: f!.c1)
        await shutdownDurable(app)
        try FileManager.default.removeItem(atPath: dir + "/pingan.key")
        let second = try AppConfig.fromEnvironment(env)
        let app2 = try await Application.make(.testing)
        try await configure(app2, config: second)
        do {
            try await app2.migrateAll()
            XCTFail("started with a fresh key on sealed data")
        } catch let e as AdminCLI.Failure {
            XCTAssertTrue(e.message.contains("created just now"), e.message)
        }
        try await app2.asyncShutdown()
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir + "/pingan.key"), "the useless new key file is removed")
    }

    /// A database from before the check value: a key that opens its sealed data is accepted and recorded; another is not.
    func testALegacyDatabaseIsCheckedAgainstItsSealedData() async throws {
        let dir = scratchDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let (app, f) = try await makeDurableApp(dir: dir, key: testKey(1))
        try await createPerson(app, f!, community: f!.c1)
        let sql = app.db as! any SQLDatabase
        try await sql.raw("DROP TABLE key_check").run()
        try await sql.raw("DROP TABLE key_rotation").run()
        try await sql.delete(from: "_fluent_migrations").where("name", .like, "%CreateKeyCheck%").run()
        await shutdownDurable(app)
        do {
            _ = try await makeDurableApp(dir: dir, key: testKey(3), seed: false)
            XCTFail("legacy database accepted another key")
        } catch let e as AdminCLI.Failure { XCTAssertTrue(e.message.contains("sealed with another key"), e.message) }
        let (again, _) = try await makeDurableApp(dir: dir, key: testKey(1), seed: false)
        let stored = try await KeyCheck.stored(again.db as! any SQLDatabase)
        XCTAssertEqual(stored, KeyCheck.value(testKey(1)))
        await shutdownDurable(again)
    }

    func testBackupWipeRestoreGivesTheSameRowsFilesAndAWorkingReveal() async throws {
        let dir = scratchDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let number = residentID()
        var before: [String: Backup.TableSum] = [:]
        var personID = 0, photoFile = ""
        do {
            let (app, f) = try await makeDurableApp(dir: dir, key: testKey(4))
            personID = try await createPerson(app, f!, community: f!.c1, id: number)
            _ = try await createIncident(app, f!, community: f!.c1)
            photoFile = dir + "/uploads/photos/ab/test.jpg"
            try FileManager.default.createDirectory(atPath: dir + "/uploads/photos/ab", withIntermediateDirectories: true)
            try Data("not really a photo".utf8).write(to: URL(fileURLWithPath: photoFile))
            let s = try await Backup.create(app: app, out: dir + "/backup", includeKey: false)
            XCTAssertEqual(s.files, 1)
            XCTAssertFalse(FileManager.default.fileExists(atPath: dir + "/backup/pingan.key"), "the key stays out unless asked")
            before = try await Backup.withSQLite(dir + "/backup/pingan.sqlite") { try await Backup.tableSums($0) }
            await shutdownDurable(app)
        }
        // Wipe.
        for p in ["pingan.sqlite", "pingan.sqlite-wal", "pingan.sqlite-shm", "uploads"] { try? FileManager.default.removeItem(atPath: dir + "/" + p) }
        // Another key: refused, nothing touched.
        do {
            let app = try await Application.make(.testing)
            setenv("PINGAN_UPLOADS", dir + "/uploads", 1)
            app.pinganConfig = AppConfig(database: .sqliteFile(dir + "/pingan.sqlite"), secretKey: testKey(5))
            do {
                _ = try await Restore.run(app: app, from: dir + "/backup", force: false)
                XCTFail("restored under another key")
            } catch let e as AdminCLI.Failure { XCTAssertTrue(e.message.contains("fingerprint"), e.message) }
            XCTAssertFalse(FileManager.default.fileExists(atPath: dir + "/pingan.sqlite"))
            try await app.asyncShutdown()
        }
        do {
            let app = try await Application.make(.testing)
            setenv("PINGAN_UPLOADS", dir + "/uploads", 1)
            app.pinganConfig = AppConfig(database: .sqliteFile(dir + "/pingan.sqlite"), secretKey: testKey(4))
            let s = try await Restore.run(app: app, from: dir + "/backup", force: false)
            XCTAssertEqual(s.files, 1)
            try await app.asyncShutdown()
        }
        let after = try await Backup.withSQLite(dir + "/pingan.sqlite") { try await Backup.tableSums($0) }
        XCTAssertEqual(after, before)
        XCTAssertGreaterThan(after["people"]?.rows ?? 0, 0)
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: photoFile)), Data("not really a photo".utf8))
        let (app, _) = try await makeDurableApp(dir: dir, key: testKey(4), seed: false)
        try await app.call(.POST, "/api/v1/people/\(personID)/reveal", headers: Fixture(tokens: ["officer": "test-token-officer"]).bearer("officer"),
                           beforeRequest: { try $0.content.encode(["purpose": "case"]) }) { res in
            XCTAssertEqual(res.status, .ok, res.body.string)
            XCTAssertEqual(try res.content.decode(RevealedIdentity.self).idNumber, number)
        }
        let awaited7 = try await AuditVerify.run(app: app).ok
        XCTAssertTrue(awaited7)
        await shutdownDurable(app)
        // A second restore onto the live files needs --force and keeps what it replaces.
        let app2 = try await Application.make(.testing)
        app2.pinganConfig = AppConfig(database: .sqliteFile(dir + "/pingan.sqlite"), secretKey: testKey(4))
        do { _ = try await Restore.run(app: app2, from: dir + "/backup", force: false); XCTFail("overwrote without --force") }
        catch let e as AdminCLI.Failure { XCTAssertTrue(e.message.contains("--force"), e.message) }
        try await app2.asyncShutdown()
    }

    /// A restore that fails after it has set the live files aside (here: the copy does not match the manifest) is
    /// undone: the database that was there is back, unchanged, and no half-restored file is left to start on.
    func testAFailedRestoreIsUndone() async throws {
        let dir = scratchDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let (app, f) = try await makeDurableApp(dir: dir, key: testKey(7))
        _ = try await Backup.create(app: app, out: dir + "/b", includeKey: false)
        try await createPerson(app, f!, community: f!.c1)  // the live database now differs from the backup
        await shutdownDurable(app)
        let live = try await Backup.withSQLite(dir + "/pingan.sqlite") { try await Backup.tableSums($0) }
        // The manifest's files still match, but it announces one more person than the copy holds.
        let manifestPath = dir + "/b/" + Backup.manifestFile
        var manifest = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: manifestPath))) as! [String: Any]
        var tables = manifest["tables"] as! [String: [String: Any]]
        tables["people"]!["rows"] = (tables["people"]!["rows"] as! Int) + 1
        manifest["tables"] = tables
        try JSONSerialization.data(withJSONObject: manifest).write(to: URL(fileURLWithPath: manifestPath))
        let r = try await Application.make(.testing)
        setenv("PINGAN_UPLOADS", dir + "/uploads", 1)
        r.pinganConfig = AppConfig(database: .sqliteFile(dir + "/pingan.sqlite"), secretKey: testKey(7))
        do { _ = try await Restore.run(app: r, from: dir + "/b", force: true); XCTFail("restored a copy that differs from its manifest") }
        catch let e as AdminCLI.Failure {
            XCTAssertTrue(e.message.contains("undone") && e.message.contains("people") && e.message.contains("back in place"), e.message)
        }
        try await r.asyncShutdown()
        unsetenv("PINGAN_UPLOADS")
        let after = try await Backup.withSQLite(dir + "/pingan.sqlite") { try await Backup.tableSums($0) }
        XCTAssertEqual(after, live, "the live database is back, unchanged")
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: dir).filter { $0.contains("before-restore") }
        XCTAssertEqual(leftovers, [])
    }

    func testBackupRefusesPostgresAndADamagedBackupIsNotRestored() async throws {
        let app = try await Application.make(.testing)
        app.pinganConfig = AppConfig(database: .postgres("postgres://nobody@127.0.0.1:1/none"), secretKey: testKey(1))
        do { _ = try await Backup.create(app: app, out: scratchDirectory(), includeKey: false); XCTFail() }
        catch let e as AdminCLI.Failure { XCTAssertTrue(e.message.contains("pg_dump"), e.message) }
        try await app.asyncShutdown()
        let dir = scratchDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let (a, _) = try await makeDurableApp(dir: dir, key: testKey(6))
        _ = try await Backup.create(app: a, out: dir + "/b", includeKey: true)
        XCTAssertTrue(FileManager.default.fileExists(atPath: dir + "/b/pingan.key"))
        await shutdownDurable(a)
        let handle = FileHandle(forWritingAtPath: dir + "/b/pingan.sqlite")!
        try handle.seek(toOffset: 200); try handle.write(contentsOf: Data([0xFF, 0x00, 0xFF])); try handle.close()
        let r = try await Application.make(.testing)
        r.pinganConfig = AppConfig(database: .sqliteFile(dir + "/restored.sqlite"), secretKey: testKey(6))
        do { _ = try await Restore.run(app: r, from: dir + "/b", force: true); XCTFail("restored a damaged backup") }
        catch let e as AdminCLI.Failure { XCTAssertTrue(e.message.contains("damaged"), e.message) }
        try await r.asyncShutdown()
        unsetenv("PINGAN_UPLOADS")
    }
}
