import Fluent
import SQLKit
import XCTVapor
import PinganKit
@testable import PinganServer

final class PeopleImportTests: XCTestCase {
    func upload(_ app: Application, _ f: Fixture, _ csv: String, dryRun: Bool, as user: String = "officer") async throws -> (HTTPStatus, PeopleImport.Report?) {
        var out: (HTTPStatus, PeopleImport.Report?) = (.ok, nil)
        try await app.call(.POST, "/api/v1/people/import" + (dryRun ? "?dryRun=1" : ""), headers: f.bearer(user), beforeRequest: { req in
            req.headers.contentType = HTTPMediaType(type: "text", subType: "csv")
            req.body = .init(string: csv)
        }) { res in out = (res.status, try? res.content.decode(PeopleImport.Report.self)) }
        return out
    }

    func testDryRunReportsRowErrorsAndWritesNothingThenImportUpsertsByIDNumber() async throws {
        try await withApp { app, f in
            let a = residentID("19800101", sequence: "111"), b = residentID("19810101", sequence: "222"), c = residentID("19820101", sequence: "333")
            let header = "姓名,公民身份号码,联系电话,人口类别,重点人口类型,社区代码,网格代码,房号,暂住有效期至\n"
            let bad = header + "甲,\(a),13800000001,常住人口,,440113007601,440113007601001,1-101,\n"
                + "乙,\(String(b.dropLast()))0,,常住人口,,440113007601,,1-102,\n"    // wrong check digit (unless it happens to be 0)
                + "丙,\(c),,暂住人口,,440113999999,,,\n"                                // unknown community, no expiry
                + "丁,\(a),,常住人口,,440113007601,,,\n"                                // duplicate of row 2
            let (status, report) = try await upload(app, f, bad, dryRun: true)
            XCTAssertEqual(status, .unprocessableEntity)
            let rows = Set(report?.errors.map(\.row) ?? [])
            XCTAssertTrue(rows.isSuperset(of: [4, 5]), "\(report?.errors ?? [])")
            XCTAssertTrue(report?.errors.contains { $0.row == 5 && $0.message.contains("第 2 行") } ?? false, "duplicate names the first row")
            XCTAssertFalse(report?.written ?? true)
            let none = try await Person.query(on: app.db).count()
            XCTAssertEqual(none, 0)

            let good = "name,id_number,phone,category,key_type,community_code,grid_code,room,residence_expires_on\n"
                + "甲,\(a),13800000001,permanent,,440113007601,440113007601001,1-101,\n"
                + "乙,\(b),,key,community_correction,440113007601,,1-102,\n"
                + "丙,\(c),,temporary,,德兴社区,,,2027-01-01\n"
            let (s1, r1) = try await upload(app, f, good, dryRun: true)
            XCTAssertEqual(s1, .ok); XCTAssertEqual(r1?.created, 3); XCTAssertEqual(r1?.written, false)
            let stillNone = try await Person.query(on: app.db).count()
            XCTAssertEqual(stillNone, 0, "a dry run writes nothing")
            let (s2, r2) = try await upload(app, f, good, dryRun: false)
            XCTAssertEqual(s2, .ok); XCTAssertEqual(r2?.created, 3); XCTAssertEqual(r2?.written, true)
            // Re-import with a change: updated in place, no duplicates.
            let (s3, r3) = try await upload(app, f, good.replacingOccurrences(of: "1-101", with: "9-909"), dryRun: false)
            XCTAssertEqual(s3, .ok); XCTAssertEqual(r3?.created, 0); XCTAssertEqual(r3?.updated, 3)
            let all = try await Person.query(on: app.db).all()
            XCTAssertEqual(all.count, 3)
            XCTAssertEqual(all.first { $0.name == "甲" }?.room, "9-909")
            XCTAssertEqual(all.first { $0.name == "乙" }?.keyType, .communityCorrection)
            let audits = try await AuditEvent.query(on: app.db).filter(\.$action == "person.import").count()
            XCTAssertEqual(audits, 2)
        }
    }

    func testABulkLoadRebuildsTheIndexesItDroppedAndMigrationsRepairAKilledOne() async throws {
        try await withApp { app, f in
            let sql = app.db as! any SQLDatabase
            let names = Set(PeopleIndexes.all.map(\.name))
            let before = try await PeopleIndexes.present(on: sql)
            XCTAssertTrue(before.isSuperset(of: names))
            PeopleIndexes.bulkMinimum = 2
            defer { PeopleIndexes.bulkMinimum = 20_000 }
            let csv = "姓名,公民身份号码,联系电话,人口类别,社区代码,房号\n"
                + "甲,\(residentID("19800101", sequence: "111")),13800000001,常住人口,440113007601,1-101\n"
                + "乙,\(residentID("19810101", sequence: "222")),13800000002,常住人口,440113007601,1-102\n"
                + "丙,\(residentID("19820101", sequence: "333")),,常住人口,440113007601,1-103\n"
            let (status, report) = try await upload(app, f, csv, dryRun: false)
            XCTAssertEqual(status, .ok); XCTAssertEqual(report?.created, 3)
            let after = try await PeopleIndexes.present(on: sql)
            XCTAssertTrue(after.isSuperset(of: names), "every secondary index is back: \(after)")
            // The rebuilt phone index answers the exact phone search.
            try await app.call(.GET, "/api/v1/people?phone=13800000002&purpose=identity_check", headers: f.bearer("officer")) { res in
                XCTAssertEqual(res.status, .ok)
                XCTAssertTrue(res.body.string.contains("\"total\":1"), res.body.string)
            }
            // An import killed while the indexes were down: the next start puts them back.
            try await PeopleIndexes.drop(on: sql)
            let dropped = try await PeopleIndexes.present(on: sql)
            XCTAssertTrue(dropped.isDisjoint(with: names))
            try await app.migrateAll()
            let repaired = try await PeopleIndexes.present(on: sql)
            XCTAssertTrue(repaired.isSuperset(of: names))
        }
    }

    func testABulkLoadChecksLikeTheTwoPassImportAndWritesAllOrNothing() async throws {
        try await withApp { app, f in
            PeopleIndexes.bulkMinimum = 2
            defer { PeopleIndexes.bulkMinimum = 20_000 }
            let sql = app.db as! any SQLDatabase
            let names = Set(PeopleIndexes.all.map(\.name))
            let a = residentID("19800101", sequence: "111"), b = residentID("19810101", sequence: "222"), c = residentID("19820101", sequence: "333")
            let header = "姓名,公民身份号码,联系电话,人口类别,社区代码,房号\n"
            let good = header + "甲,\(a),13800000001,常住人口,440113007601,1-101\n" + "乙,\(b),,常住人口,440113007601,1-102\n" + "丙,\(c),,常住人口,440113007601,1-103\n"
            XCTAssertEqual(PeopleImport.estimatedRows(.text(good)), 3)
            XCTAssertEqual(PeopleImport.estimatedRows(.text(String(good.dropLast()))), 3, "no final line break")
            let file = FileManager.default.temporaryDirectory.appendingPathComponent("pingan-bulk-\(UUID().uuidString).csv")
            try Data(good.utf8).write(to: file)
            defer { try? FileManager.default.removeItem(at: file) }
            XCTAssertEqual(PeopleImport.estimatedRows(.file(path: file.path, size: good.utf8.count)), 3)
            XCTAssertTrue(PeopleIndexes.bulkLoad(newRows: 3, existingRows: 0), "this test exercises the bulk load")

            // Bad rows late in the file: the rows before them were written inside the transaction, and roll back.
            let bad = good + "丁,\(a),,常住人口,440113007601,1-104\n" + "戊,\(String(b.dropLast()))\(b.last == "0" ? "1" : "0"),,常住人口,440113007601,1-105\n"
            let (s1, r1) = try await upload(app, f, bad, dryRun: false)
            XCTAssertEqual(s1, .unprocessableEntity)
            XCTAssertEqual(r1?.written, false)
            XCTAssertEqual(r1?.rows, 5)
            XCTAssertTrue(r1?.errors.contains { $0.row == 5 && $0.field == "idNumber" && $0.message.contains("第 2 行") } ?? false, "\(r1?.errors ?? [])")
            XCTAssertTrue(r1?.errors.contains { $0.row == 6 && $0.field == "idNumber" } ?? false, "\(r1?.errors ?? [])")
            let none = try await Person.query(on: app.db).count()
            XCTAssertEqual(none, 0, "nothing of a bad file is written")
            let stillThere = try await PeopleIndexes.present(on: sql)
            XCTAssertTrue(stillThere.isSuperset(of: names), "the dropped indexes come back with the rollback: \(stillThere)")
            let noAudit = try await AuditEvent.query(on: app.db).filter(\.$action == "person.import").count()
            XCTAssertEqual(noAudit, 0)

            let (s2, r2) = try await upload(app, f, good, dryRun: false)
            XCTAssertEqual(s2, .ok); XCTAssertEqual(r2?.created, 3); XCTAssertEqual(r2?.updated, 0); XCTAssertEqual(r2?.written, true)
            // Again, changed: a bulk load too (3 rows ≥ the 3 stored), updating in place.
            let (s3, r3) = try await upload(app, f, good.replacingOccurrences(of: "1-101", with: "9-909"), dryRun: false)
            XCTAssertEqual(s3, .ok); XCTAssertEqual(r3?.created, 0); XCTAssertEqual(r3?.updated, 3)
            let all = try await Person.query(on: app.db).all()
            XCTAssertEqual(all.count, 3)
            XCTAssertEqual(all.first { $0.name == "甲" }?.room, "9-909")
            XCTAssertNotNil(all.first { $0.name == "甲" }?.phoneIndex)
            let audits = try await AuditEvent.query(on: app.db).filter(\.$action == "person.import").count()
            XCTAssertEqual(audits, 2, "one audit row per written batch")
            let after = try await PeopleIndexes.present(on: sql)
            XCTAssertTrue(after.isSuperset(of: names))

            // A number registered outside the importer's jurisdiction is refused, as in the two-pass import.
            let d = residentID("19830101", sequence: "444")
            let elsewhere = header + "己,\(d),,常住人口,440113008601,2-201\n"
            let (s4, _) = try await upload(app, f, elsewhere, dryRun: false, as: "admin")
            XCTAssertEqual(s4, .ok)
            let mine = header + (1...4).map { "庚\($0),\(residentID("1990010\($0)", sequence: "55\($0)")),,常住人口,440113007601,3-30\($0)\n" }.joined() + "辛,\(d),,常住人口,440113007601,3-309\n"
            let (s5, r5) = try await upload(app, f, mine, dryRun: false)
            XCTAssertEqual(s5, .unprocessableEntity)
            XCTAssertEqual(r5?.errors.map(\.row), [6])
            XCTAssertEqual(r5?.errors.first?.message, PersonRules.duplicateID.0)
            let total = try await Person.query(on: app.db).count()
            XCTAssertEqual(total, 4)
        }
    }

    func testImportIsScopedAndNeedsTheRequiredColumns() async throws {
        try await withApp { app, f in
            let (s, _) = try await upload(app, f, "姓名,电话\n甲,13800000001\n", dryRun: true)
            XCTAssertEqual(s, .unprocessableEntity)
            let outside = "姓名,公民身份号码,人口类别,社区代码\n甲,\(residentID(sequence: "444")),常住人口,440113008601\n"
            let (s2, r2) = try await upload(app, f, outside, dryRun: false)
            XCTAssertEqual(s2, .unprocessableEntity, "an officer cannot import into another community")
            XCTAssertEqual(r2?.errors.first?.field, "communityID")
            let (s3, _) = try await upload(app, f, outside, dryRun: true, as: "analyst")
            XCTAssertEqual(s3, .forbidden)
        }
    }
}
