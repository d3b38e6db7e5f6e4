import Fluent
import XCTVapor
import XCTest
@testable import PinganServer
@testable import PinganKit

final class SearchTests: XCTestCase {
    private func search(_ app: Application, _ f: Fixture, _ user: String, _ q: String, in kind: String? = nil) async throws -> (HTTPStatus, SearchController.APIResult?, String) {
        var c = URLComponents(); c.path = "/api/v1/search"
        c.queryItems = [URLQueryItem(name: "q", value: q)] + (kind.map { [URLQueryItem(name: "in", value: $0)] } ?? [])
        let (status, body) = try await apiCall(app, f, user, .GET, c.string!)
        return (status, status == .ok ? try JSONDecoder().decode(SearchController.APIResult.self, from: Data(body.utf8)) : nil, body)
    }
    private func total(_ r: SearchController.APIResult?, _ kind: SearchKind) -> Int { r?.groups.first { $0.kind == kind }?.total ?? 0 }

    func testTextFindsOnlyWhatTheUserMaySee() async throws {
        try await withApp { app, f in
            let inC1 = try await createIncident(app, f, community: f.c1, grid: f.g1a, description: "电动车在楼下被盗")
            _ = try await createIncident(app, f, community: f.c1, grid: f.g1b, description: "电动车电瓶被盗")
            let inC3 = try await createIncident(app, f, community: f.c3, description: "电动车被盗，车锁完好")
            _ = try await createIncident(app, f, community: f.c1, description: "邻里噪音")
            let expected: [(String, Set<Int>?)] = [("admin", nil), ("command", nil), ("chief", nil), ("officer", nil), ("officer3", [inC3]), ("grid", [inC1])]
            let counts = ["admin": 3, "command": 3, "chief": 2, "officer": 2, "officer3": 1, "grid": 1]
            for (user, ids) in expected {
                let (status, r, body) = try await search(app, f, user, "电动车")
                XCTAssertEqual(status, .ok, body)
                XCTAssertEqual(total(r, .incidents), counts[user], "\(user): \(body)")
                if let ids { XCTAssertEqual(Set(r?.groups.first { $0.kind == .incidents }?.hits.map(\.id) ?? []), ids, user) }
            }
            // The page groups the same results and links each record.
            let s = try await signIn(app, "officer3")
            try await app.call(.GET, "/search?q=%E7%94%B5%E5%8A%A8%E8%BD%A6", beforeRequest: { $0.headers.cookie = s.cookies }) { res in
                XCTAssertEqual(res.status, .ok)
                XCTAssertTrue(res.body.string.contains("href=\"/incidents/\(inC3)\""), res.body.string)
                XCTAssertFalse(res.body.string.contains("href=\"/incidents/\(inC1)\""))
                XCTAssertTrue(res.body.string.contains("class=\"header-search\""), "the box is in every page's header")
            }
        }
    }

    func testARecordNumberOpensTheRecordOnlyWithinScope() async throws {
        try await withApp { app, f in
            let id = try await createIncident(app, f, community: f.c3)
            let incident = try await Incident.find(id, on: app.db)!
            let number = incident.number(LocalCalendar())
            let officer3 = try await signIn(app, "officer3")
            try await app.call(.GET, "/search?q=" + number, beforeRequest: { $0.headers.cookie = officer3.cookies }) { res in
                XCTAssertEqual(res.status, .seeOther)
                XCTAssertEqual(res.headers.first(name: .location), "/incidents/\(id)")
            }
            // Typed with a Chinese input method (full-width) and in lower case: the same record.
            let wide = String(number.lowercased().unicodeScalars.map { s -> Character in
                s.value >= 0x21 && s.value <= 0x7E ? Character(UnicodeScalar(s.value + 0xFEE0)!) : Character(s) })
            let (_, r, body) = try await search(app, f, "officer3", wide)
            XCTAssertEqual(r?.record, "/incidents/\(id)", body)
            // Out of scope answers exactly like a number that does not exist.
            let (_, outside, _) = try await search(app, f, "officer", number)
            let (_, missing, _) = try await search(app, f, "officer", "J20200101-999999")
            XCTAssertNil(outside?.record)
            XCTAssertEqual(outside?.notice, "您的辖区内没有编号为 \(number) 的记录。")
            XCTAssertEqual(missing?.notice, "您的辖区内没有编号为 J20200101-999999 的记录。")
            // The row is right but the date is not: no record has that number.
            let wrongDate = "J19990101-" + String(format: "%06d", id)
            let v1 = try await search(app, f, "officer3", wrongDate).1?.record
            XCTAssertNil(v1)

            let dispute = try await createDispute(app, f, community: f.c1)
            let d = try await Dispute.find(dispute, on: app.db)!
            let v2 = try await search(app, f, "officer", d.fileNumber(LocalCalendar())).1?.record
            XCTAssertEqual(v2, "/disputes/\(dispute)")
            let v3 = try await search(app, f, "officer3", d.fileNumber(LocalCalendar())).1?.record
            XCTAssertNil(v3)

            let event = try await insertGridEvent(app, community: f.c1, grid: f.g1a)
            let e = try await GridEvent.find(event, on: app.db)!
            let v4 = try await search(app, f, "grid", e.number(LocalCalendar())).1?.record
            XCTAssertEqual(v4, "/events/\(event)")
            let v5 = try await search(app, f, "officer3", e.number(LocalCalendar())).1?.record
            XCTAssertNil(v5)
        }
    }

    func testPeopleAreListedMaskedAndIdentifiersAreNotSearchedHere() async throws {
        try await withApp { app, f in
            let number = residentID()
            let person = try await createPerson(app, f, community: f.c1, grid: f.g1a, id: number, extra: ["name": "欧阳春花"])
            let (_, r, body) = try await search(app, f, "officer", "欧阳")
            let hit = try XCTUnwrap(r?.groups.first { $0.kind == .people }?.hits.first, body)
            XCTAssertEqual(hit.id, person)
            XCTAssertTrue(hit.title.hasPrefix("欧阳春花 · "))
            XCTAssertFalse(body.contains(number), "the full ID number never appears")
            XCTAssertTrue(body.contains(String(number.suffix(4))), "the masked number keeps its tail")
            let outside = try await search(app, f, "officer3", "欧阳").1
            XCTAssertEqual(total(outside, .people), 0)
            // An ID number typed into the box finds nothing and says where such a search belongs.
            let (status, byID, raw) = try await search(app, f, "admin", number)
            XCTAssertEqual(status, .ok)
            XCTAssertEqual(byID?.groups.count, 0, raw)
            XCTAssertTrue(byID?.notice?.contains("实有人口") ?? false, raw)
            let audits = try await AuditEvent.query(on: app.db).filter(\.$action ~~ "search_identifier").count()
            XCTAssertEqual(audits, 0, "nothing was searched, so nothing was unmasked")
        }
    }

    func testEachKindMatchesWhatItsUsersRecogniseItBy() async throws {
        try await withApp { app, f in
            _ = try await createSite(app, f, name: "丽江花园", community: f.c1)
            let dispute = try await createDispute(app, f, community: f.c1)
            var (_, r, body) = try await search(app, f, "officer", "繁华路")
            XCTAssertEqual(total(r, .sites), 1, body)
            (_, r, body) = try await search(app, f, "mediator", "李四")
            XCTAssertEqual(r?.groups.first { $0.kind == .disputes }?.hits.map(\.id), [dispute], "a party's name finds the dispute: \(body)")
            (_, r, body) = try await search(app, f, "admin", "德兴")
            XCTAssertEqual(r?.groups.first { $0.kind == .communities }?.hits.map(\.title), ["德兴社区"], body)
            let outside = try await search(app, f, "officer3", "德兴").1
            XCTAssertEqual(total(outside, .communities), 0)
            // Pinyin initials find a community too (issue 21 §2), within scope only.
            (_, r, body) = try await search(app, f, "admin", "DXSQ")
            XCTAssertEqual(Set(r?.groups.first { $0.kind == .communities }?.hits.map(\.title) ?? []), ["德兴社区", "东兴社区"], "both read d-x-s-q: \(body)")
            let outsideInitials = try await search(app, f, "officer3", "dxsq").1
            XCTAssertEqual(total(outsideInitials, .communities), 0)
        }
    }

    func testOneKindIsPagedAndBadInputIsRefusedFieldByField() async throws {
        try await withApp { app, f in
            for i in 0..<23 { _ = try await createIncident(app, f, community: f.c1, description: "夜间盗窃 \(i)") }
            var (status, r, body) = try await search(app, f, "officer", "夜间盗窃")
            XCTAssertEqual(r?.groups.first { $0.kind == .incidents }?.hits.count, SearchService.groupSize, body)
            (status, r, body) = try await search(app, f, "officer", "夜间盗窃", in: "incidents")
            XCTAssertEqual(r?.page?.total, 23); XCTAssertEqual(r?.groups.first?.hits.count, 20)
            let (_, page2) = try await apiCall(app, f, "officer", .GET, "/api/v1/search?q=%E5%A4%9C%E9%97%B4%E7%9B%97%E7%AA%83&in=incidents&page=2")
            XCTAssertEqual(try JSONDecoder().decode(SearchController.APIResult.self, from: Data(page2.utf8)).groups.first?.hits.count, 3)

            (status, _, body) = try await search(app, f, "officer", "x", in: "secrets")
            XCTAssertEqual(status, .unprocessableEntity)
            XCTAssertNotNil(try JSONDecoder().decode(ErrorBody.self, from: Data(body.utf8)).fields?["in"], body)
            (status, _, body) = try await search(app, f, "officer", "   ")
            XCTAssertEqual(status, .unprocessableEntity)
            XCTAssertNotNil(try JSONDecoder().decode(ErrorBody.self, from: Data(body.utf8)).fields?["q"], body)
            (status, _, body) = try await search(app, f, "officer", String(repeating: "路", count: 51))
            XCTAssertEqual(status, .unprocessableEntity, body)
            // A kind the role may not open is no kind at all to it.
            if !Role.gridWorker.can(.viewPortal) {
                let v6 = try await search(app, f, "grid", "x", in: "requests").0
                XCTAssertEqual(v6, .unprocessableEntity)
            }
            // The page keeps what was typed and says what is wrong beside the field.
            let s = try await signIn(app, "officer")
            try await app.call(.GET, "/search?q=%E5%A4%9C%E9%97%B4&in=secrets", beforeRequest: { $0.headers.cookie = s.cookies }) { res in
                XCTAssertEqual(res.status, .unprocessableEntity)
                XCTAssertTrue(res.body.string.contains("没有这一类记录可查"), res.body.string)
                XCTAssertTrue(res.body.string.contains("value=\"夜间\""))
            }
        }
    }
}
