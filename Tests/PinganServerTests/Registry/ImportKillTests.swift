import Foundation
import SQLKit
import XCTest
import PinganKit
@testable import PinganServer

/// The import contract under a real crash: `pingan import people` is killed with SIGKILL while it is
/// writing; the database then holds whole batches only, and running the same command again ends
/// with exactly the file's rows — no duplicates, no partial rows.
final class ImportKillTests: XCTestCase {
    func executable() throws -> URL {
        let dir = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for candidate in [dir.appendingPathComponent("pingan"), dir.deletingLastPathComponent().appendingPathComponent("pingan")] {
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
        }
        throw XCTSkip("the pingan executable is not next to the test bundle (\(dir.path))")
    }

    func run(_ exe: URL, _ args: [String], env: [String: String], killWhenWriting: Int? = nil) throws -> (status: Int32, output: String) {
        let p = Process()
        p.executableURL = exe
        p.arguments = args
        p.environment = ProcessInfo.processInfo.environment.merging(env) { _, new in new }
        let err = Pipe(), out = Pipe()
        p.standardError = err; p.standardOutput = out
        try p.run()
        var seen = ""
        if let threshold = killWhenWriting {
            // Progress lines: "writing  […] 40% 4000 rows …"; kill once enough rows are committed.
            let handle = err.fileHandleForReading
            while p.isRunning {
                let data = handle.availableData
                if data.isEmpty { break }
                seen += String(decoding: data, as: UTF8.self)
                if let last = seen.components(separatedBy: "writing").last, seen.contains("writing"),
                   let rows = last.split(separator: " ").firstIndex(of: "rows").flatMap({ i in Int(last.split(separator: " ")[i - 1]) }), rows >= threshold {
                    kill(p.processIdentifier, SIGKILL)
                    break
                }
            }
        }
        p.waitUntilExit()
        seen += String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        return (p.terminationStatus, seen + String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self))
    }

    /// A migrated database with an importer account, and a file of `rows` people in one community.
    func prepare(rows: Int) throws -> (exe: URL, dir: URL, db: String, env: [String: String], file: URL) {
        let exe = try executable()
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("pingan-kill-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let db = dir.appendingPathComponent("kill.sqlite").path
        let env = ["PINGAN_DB": db, "PINGAN_KEY_FILE": dir.appendingPathComponent("key").path, "LOG_LEVEL": "error"]
        let migrated = try run(exe, ["migrate"], env: env)
        XCTAssertEqual(migrated.status, 0, migrated.output)
        let created = try run(exe, ["user", "create", "--username", "importer", "--role", "admin"], env: env)
        XCTAssertEqual(created.status, 0, created.output)
        // Unique valid ID numbers (up to 336,000).
        var csv = "姓名,公民身份号码,人口类别,社区代码,房号\n"
        let community = PanyuDivisions.communities.first!.code
        for i in 0..<rows {
            let first17 = "440113" + String(format: "1970%02d%02d%03d", 1 + i % 12, 1 + (i / 12) % 28, i / 336)
            csv += "居民\(i),\(first17)\(ResidentID.checkDigit(for: first17)),常住人口,\(community),\(i % 50)-\(i % 7)01\n"
        }
        let file = dir.appendingPathComponent("people.csv")
        try Data(csv.utf8).write(to: file)
        return (exe, dir, db, env, file)
    }

    func testKilledImportReRunsToTheSameResult() throws {
        if ProcessInfo.processInfo.environment["PINGAN_TEST_DATABASE_URL"] != nil { throw XCTSkip("runs once, on SQLite") }
        let (exe, dir, db, env, file) = try prepare(rows: 8000)
        defer { try? FileManager.default.removeItem(at: dir) }

        let first = try run(exe, ["import", "people", file.path, "--as", "importer"], env: env, killWhenWriting: 2000)
        XCTAssertNotEqual(first.status, 0, "the first run was killed: \(first.output.suffix(300))")
        let afterKill = try count(db)
        XCTAssertEqual(afterKill.rows % PeopleImport.batchSize, 0, "whole batches only, got \(afterKill.rows)")
        XCTAssertLessThan(afterKill.rows, 8000, "killed before the end")

        let second = try run(exe, ["import", "people", file.path, "--as", "importer"], env: env)
        XCTAssertEqual(second.status, 0, second.output)
        XCTAssertTrue(second.output.contains("\(8000 - afterKill.rows) new, \(afterKill.rows) updated"), second.output)
        let final = try count(db)
        XCTAssertEqual(final.rows, 8000)
        XCTAssertEqual(final.distinct, 8000, "no duplicates")
    }

    /// A first load of a district (≥ 20,000 rows into an empty table) is one transaction: killed while writing,
    /// it leaves nothing; run again, it loads every row once.
    func testKilledBulkLoadLeavesNothingAndReRunsToTheSameResult() throws {
        if ProcessInfo.processInfo.environment["PINGAN_TEST_DATABASE_URL"] != nil { throw XCTSkip("runs once, on SQLite") }
        let n = 24_000
        let (exe, dir, db, env, file) = try prepare(rows: n)
        defer { try? FileManager.default.removeItem(at: dir) }
        XCTAssertTrue(PeopleIndexes.bulkLoad(newRows: n, existingRows: 0))

        let first = try run(exe, ["import", "people", file.path, "--as", "importer"], env: env, killWhenWriting: 6000)
        XCTAssertNotEqual(first.status, 0, "the first run was killed: \(first.output.suffix(300))")
        XCTAssertEqual(try count(db).rows, 0, "a killed bulk load leaves the table as it was")

        let second = try run(exe, ["import", "people", file.path, "--as", "importer"], env: env)
        XCTAssertEqual(second.status, 0, second.output)
        XCTAssertTrue(second.output.contains("\(n) new, 0 updated"), second.output)
        let final = try count(db)
        XCTAssertEqual(final.rows, n)
        XCTAssertEqual(final.distinct, n, "no duplicates")
    }

    func count(_ path: String) throws -> (rows: Int, distinct: Int) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["python3", "-c", "import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); print(*c.execute('select count(*), count(distinct id_number_index) from people').fetchone())", path]
        let out = Pipe(); p.standardOutput = out
        try p.run(); p.waitUntilExit()
        let parts = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self).split(separator: " ").compactMap { Int($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
        guard parts.count == 2 else { throw XCTSkip("python3 sqlite3 unavailable") }
        return (parts[0], parts[1])
    }
}
