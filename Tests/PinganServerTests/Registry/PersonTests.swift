import Fluent
import SQLKit
import XCTVapor
import PinganKit
@testable import PinganServer

/// A valid 18-character resident ID for a Panyu birth on the given date.
func residentID(_ birth: String = "19900307", sequence: String = "123", area: String = "440113") -> String {
    let first17 = area + birth + sequence
    return first17 + String(ResidentID.checkDigit(for: first17))
}

@discardableResult
func createPerson(_ app: Application, _ f: Fixture, as user: String = "officer", community: Int, grid: Int? = nil,
                  id: String = residentID(), category: String = "permanent", extra: [String: String] = [:]) async throws -> Int {
    var body = ["name": "陈小明", "idNumber": id, "phone": "138 0013 8000", "category": category, "communityID": "\(community)", "room": "3-201"]
    if let grid { body["gridID"] = "\(grid)" }
    for (k, v) in extra { body[k] = v }
    var created = 0
    try await app.call(.POST, "/api/v1/people", headers: f.bearer(user), beforeRequest: { try $0.content.encode(body) }) { res in
        XCTAssertEqual(res.status, .created, res.body.string)
        created = (try? res.content.decode(PersonDTO.self).id) ?? 0
    }
    return created
}

final class PersonTests: XCTestCase {
    func testIdentityDataIsEncryptedAtRestMaskedInOutputAndRevealIsAudited() async throws {
        try await withApp { app, f in
            let number = residentID()
            let id = try await createPerson(app, f, community: f.c1, grid: f.g1a, id: number)
            // At rest: no clear ID number or phone anywhere in the row.
            let sql = app.db as! any SQLDatabase
            let row = try await sql.select().column("*").from("people").where("id", .equal, id).first()!
            for column in ["id_number_sealed", "id_number_index", "id_number_masked", "phone_sealed", "phone_index", "phone_masked"] {
                let v = try row.decode(column: column, as: String.self)
                XCTAssertFalse(v.contains(number), column); XCTAssertFalse(v.contains("13800138000"), column)
            }
            try await app.call(.GET, "/api/v1/people/\(id)", headers: f.bearer("officer")) { res in
                let dto = try res.content.decode(PersonDTO.self)
                XCTAssertEqual(dto.idNumberMasked, "440113********" + String(number.suffix(4)))
                XCTAssertEqual(dto.phoneMasked, "138****8000")
                XCTAssertEqual(dto.birthDecade, "1990s"); XCTAssertEqual(dto.sex, "M")
                XCTAssertFalse(res.body.string.contains("1990-03-07") || res.body.string.contains("19900307"), "no full birth date next to the masked number")
                XCTAssertFalse(res.body.string.contains(number))
            }
            let s = try await signIn(app, "officer")
            try await app.call(.GET, "/people/\(id)", beforeRequest: { $0.headers.cookie = s.cookies }) { res in
                XCTAssertEqual(res.status, .ok); XCTAssertFalse(res.body.string.contains(number), "pages show the masked number")
                XCTAssertFalse(res.body.string.contains("1990-03-07"), "masked number + full birth date would be the number")
            }
            try await app.call(.POST, "/api/v1/people/\(id)/reveal", headers: f.bearer("officer"), beforeRequest: { try $0.content.encode(["detail": "no purpose"]) }) { res in
                XCTAssertEqual(res.status, .unprocessableEntity, "a purpose is required")
            }
            try await app.call(.POST, "/api/v1/people/\(id)/reveal", headers: f.bearer("officer"), beforeRequest: { try $0.content.encode(["purpose": "case", "detail": "A2026-17"]) }) { res in
                XCTAssertEqual(res.status, .ok)
                let r = try res.content.decode(RevealedIdentity.self)
                XCTAssertEqual(r.idNumber, number); XCTAssertEqual(r.phone, "13800138000")
            }
            let audits = try await AuditEvent.query(on: app.db).filter(\.$action == "person.reveal").all()
            XCTAssertEqual(audits.map(\.username), ["officer"])
            XCTAssertEqual(audits.first?.detail, "purpose=case; A2026-17")
            // Analysts and grid workers read the registry masked but may not unmask.
            for user in ["analyst", "grid"] {
                try await app.call(.POST, "/api/v1/people/\(id)/reveal", headers: f.bearer(user), beforeRequest: { try $0.content.encode(["purpose": "case"]) }) {
                    XCTAssertEqual($0.status, .forbidden, user)
                }
            }
        }
    }

    func testExactSearchByIdentityNumberAndPhoneUsesTheBlindIndex() async throws {
        try await withApp { app, f in
            let number = residentID("19850101", sequence: "224")
            try await createPerson(app, f, community: f.c1, id: number)
            try await createPerson(app, f, community: f.c1, id: residentID("19910101", sequence: "335"), extra: ["phone": "13900001111"])
            try await app.call(.GET, "/api/v1/people?idNumber=\(number.lowercased())&purpose=case", headers: f.bearer("officer")) { res in
                let page = try res.content.decode(PersonAPIController.Page.self)
                XCTAssertEqual(page.page.total, 1); XCTAssertEqual(page.items.first?.birthDecade, "1980s")
            }
            try await app.call(.GET, "/api/v1/people?phone=139-0000-1111&purpose=service", headers: f.bearer("officer")) { res in
                XCTAssertEqual(try res.content.decode(PersonAPIController.Page.self).page.total, 1)
            }
            try await app.call(.GET, "/api/v1/people?idNumber=440113199001011230&purpose=case", headers: f.bearer("officer")) { res in
                XCTAssertEqual(res.status, .unprocessableEntity, "a malformed number is a field error, not an empty result")
            }
        }
    }

    func testValidationNamesEachProblem() async throws {
        try await withApp { app, f in
            let bad = String(residentID().dropLast()) + (residentID().hasSuffix("1") ? "2" : "1")
            try await app.call(.POST, "/api/v1/people", headers: f.bearer("officer"), beforeRequest: { req in
                try req.content.encode(["name": "", "idNumber": bad, "phone": "12345", "category": "key", "communityID": "\(f.c1)"])
            }) { res in
                XCTAssertEqual(res.status, .unprocessableEntity)
                let fields = try res.content.decode(ErrorBody.self).fields ?? [:]
                XCTAssertTrue(fields["idNumber"]?.contains("校验码") ?? false, "\(fields)")
                for key in ["name", "phone", "keyType"] { XCTAssertNotNil(fields[key], key) }
            }
            try await app.call(.POST, "/api/v1/people", headers: f.bearer("officer"), beforeRequest: { req in
                try req.content.encode(["name": "王", "idNumber": residentID(), "category": "temporary", "communityID": "\(f.c1)"])
            }) { res in
                XCTAssertNotNil(try res.content.decode(ErrorBody.self).fields?["residenceExpiresOn"], "temporary residents need an expiry")
            }
            try await createPerson(app, f, community: f.c1)
            try await app.call(.POST, "/api/v1/people", headers: f.bearer("officer"), beforeRequest: { req in
                try req.content.encode(["name": "重复", "idNumber": residentID(), "category": "permanent", "communityID": "\(f.c1)"])
            }) { res in
                XCTAssertEqual(res.status, .unprocessableEntity)
                XCTAssertTrue(res.body.string.contains("已在本区登记"), res.body.string)
            }
            let count = try await Person.query(on: app.db).count()
            XCTAssertEqual(count, 1, "failed submissions write nothing")
            // On the form, a mistake elsewhere keeps the ID number and phone as typed.
            let (cookies, csrf, _) = try await signIn(app, "officer")
            let typedID = residentID(sequence: "457")
            try await app.call(.POST, "/people", beforeRequest: { req in
                req.headers.cookie = cookies
                try req.content.encode(["_csrf": csrf, "name": "", "idNumber": typedID, "phone": "13800138000", "category": "permanent", "communityID": "\(f.c1)"], as: .urlEncodedForm)
            }) { res in
                XCTAssertEqual(res.status, .unprocessableEntity)
                XCTAssertTrue(res.body.string.contains("value=\"\(typedID)\"") && res.body.string.contains("value=\"13800138000\""), "typed identifiers are kept")
            }
        }
    }

    func testExpiringTemporaryRegistrationsWorklistAndScope() async throws {
        try await withApp { app, f in
            let cal = LocalCalendar()
            let soon = cal.formatDate(Date().addingTimeInterval(10 * 86400))
            let later = cal.formatDate(Date().addingTimeInterval(200 * 86400))
            let past = cal.formatDate(Date().addingTimeInterval(-3 * 86400))
            try await createPerson(app, f, community: f.c1, id: residentID(sequence: "101"), category: "temporary", extra: ["residenceExpiresOn": soon])
            try await createPerson(app, f, community: f.c1, id: residentID(sequence: "102"), category: "temporary", extra: ["residenceExpiresOn": later])
            try await createPerson(app, f, community: f.c1, id: residentID(sequence: "103"), category: "temporary", extra: ["residenceExpiresOn": past])
            let outside = try await createPerson(app, f, as: "officer3", community: f.c3, id: residentID(sequence: "104"))
            try await app.call(.GET, "/api/v1/people?expiring=30", headers: f.bearer("officer")) { res in
                let page = try res.content.decode(PersonAPIController.Page.self)
                XCTAssertEqual(page.items.map(\.residenceExpiresOn), [past, soon], "expired first, then the ones due soon")
            }
            try await app.call(.GET, "/api/v1/people/\(outside)", headers: f.bearer("officer")) { XCTAssertEqual($0.status, .notFound) }
            try await app.call(.GET, "/api/v1/people", headers: f.bearer("officer")) { res in
                XCTAssertEqual(try res.content.decode(PersonAPIController.Page.self).page.total, 3)
            }
            try await app.call(.GET, "/api/v1/people/export.csv", headers: f.bearer("officer")) { res in
                XCTAssertFalse(res.body.string.contains(residentID(sequence: "101")), "exports are masked")
                XCTAssertTrue(res.body.string.contains("********"))
            }
        }
    }

    /// The raw database file (and its WAL) must not contain a planted ID number or phone.
    func testRawDatabaseFileHoldsNoClearIdentityData() async throws {
        guard ProcessInfo.processInfo.environment["PINGAN_TEST_DATABASE_URL"] == nil else { return } // a file check: SQLite only
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("pingan-raw-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let path = dir.appendingPathComponent("raw.sqlite").path
        let app = try await Application.make(.testing)
        let number = residentID("19770707", sequence: "808")
        do {
            try await configure(app, config: .testing(database: .sqliteFile(path)))
            app.passwords.use(.bcrypt(cost: 4))
            try await app.migrateAll()
            let f = try await seedFixture(app)
            try await createPerson(app, f, community: f.c1, id: number, extra: ["phone": "13912345678", "name": "赵六"])
        } catch { try? await app.asyncShutdown(); throw error }
        try await app.asyncShutdown()
        var bytes = Data()
        for suffix in ["", "-wal", "-shm"] { bytes.append((try? Data(contentsOf: URL(fileURLWithPath: path + suffix))) ?? Data()) }
        XCTAssertGreaterThan(bytes.count, 10_000)
        XCTAssertNotNil(bytes.range(of: Data("赵六".utf8)), "the plain name is there, so the file was read")
        XCTAssertNil(bytes.range(of: Data(number.utf8)), "ID number in clear")
        XCTAssertNil(bytes.range(of: Data("13912345678".utf8)), "phone in clear")
        XCTAssertNil(bytes.range(of: Data(String(number.dropLast(4)).utf8)), "not even a prefix beyond the mask")
        // The masked number keeps 6 + 4 digits; with the full birth date beside it the number would be complete.
        XCTAssertNil(bytes.range(of: Data("1977-07-07".utf8)), "no full birth date in clear")
        XCTAssertNotNil(bytes.range(of: Data((String(number.prefix(6)) + "********" + String(number.suffix(4))).utf8)), "the masked number is stored")
    }
}

extension PersonTests {
    /// The API list: text search on the name, category, paging with the total, newest first, and the scope.
    func testAPIListFiltersPagesAndStaysInScope() async throws {
        try await withApp { app, f in
            let a = try await createPerson(app, f, community: f.c1, id: residentID(sequence: "201"), extra: ["name": "黄志强"])
            let b = try await createPerson(app, f, community: f.c1, id: residentID(sequence: "202"), extra: ["name": "黄丽"])
            let c = try await createPerson(app, f, community: f.c1, id: residentID(sequence: "203"), category: "key", extra: ["name": "李四", "keyType": "drug"])
            try await createPerson(app, f, as: "officer3", community: f.c3, id: residentID(sequence: "204"), extra: ["name": "黄外"])
            func page(_ query: String, as user: String = "officer") async throws -> PersonAPIController.Page {
                var out: PersonAPIController.Page?
                try await app.call(.GET, "/api/v1/people?\(query)", headers: f.bearer(user)) { res in
                    XCTAssertEqual(res.status, .ok, res.body.string); out = try res.content.decode(PersonAPIController.Page.self)
                }
                return try XCTUnwrap(out)
            }
            var p = try await page("q=" + "黄".addingPercentEncoding(withAllowedCharacters: .alphanumerics)!)
            XCTAssertEqual(p.items.map(\.id), [b, a], "name search, newest first, only in scope")
            p = try await page("category=key")
            XCTAssertEqual(p.items.map(\.id), [c]); XCTAssertEqual(p.items.first?.keyType, .drug)
            p = try await page("per=2&page=2")
            XCTAssertEqual(p.page.total, 3); XCTAssertEqual(p.items.map(\.id), [a], "the second page holds the oldest")
            p = try await page("per=2&page=9")
            XCTAssertEqual(p.page.total, 3); XCTAssertTrue(p.items.isEmpty)
            p = try await page("q=" + "黄".addingPercentEncoding(withAllowedCharacters: .alphanumerics)!, as: "command")
            XCTAssertEqual(p.page.total, 3, "district command sees both streets")
            try await app.call(.GET, "/api/v1/people?category=nope", headers: f.bearer("officer")) { res in
                XCTAssertEqual(res.status, .unprocessableEntity); XCTAssertTrue(res.body.string.contains("category"))
            }
        }
    }
}
