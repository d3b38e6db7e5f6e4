import Fluent
import SQLKit
import XCTVapor
import PinganKit
@testable import PinganServer

/// POSTs a JSON body (a string, so nested `attributes` objects and numbers go as clients send them).
func postJSON(_ app: Application, _ path: String, _ json: String, as headers: HTTPHeaders, method: HTTPMethod = .POST,
              _ check: @escaping (XCTHTTPResponse) throws -> Void) async throws {
    try await app.call(method, path, headers: headers, beforeRequest: { req in
        req.headers.contentType = .json; req.body = ByteBuffer(string: json)
    }, afterResponse: check)
}

@discardableResult
func createSite(_ app: Application, _ f: Fixture, as user: String = "officer", kind: String = "compound", name: String = "丽江花园",
                community: Int, grid: Int? = nil, building: Int? = nil, attributes: String = #"{"enclosure":"closed","watch":"staffed","condition":"good","cameras":12}"#,
                extra: String = "") async throws -> Int {
    var id = 0
    let place = #""communityID":\#(community)"# + (grid.map { #","gridID":\#($0)"# } ?? "") + (building.map { #","buildingID":\#($0)"# } ?? "")
    try await postJSON(app, "/api/v1/sites", #"{"kind":"\#(kind)","name":"\#(name)","address":"繁华路1号","licence":"L-\#(name)",\#(place),"attributes":\#(attributes)\#(extra)}"#, as: f.bearer(user)) { res in
        XCTAssertEqual(res.status, .created, res.body.string)
        id = (try? res.content.decode(SiteDTO.self).id) ?? 0
    }
    return id
}

final class SiteTests: XCTestCase {
    func testInvalidSiteIsRefusedFieldByFieldAndNothingIsWritten() async throws {
        try await withApp { app, f in
            try await postJSON(app, "/api/v1/sites", #"{"kind":"compound","name":"","communityID":\#(f.c3),"attributes":{"enclosure":"walled","cameras":-3,"accessControl":"maybe"}}"#, as: f.bearer("officer")) { res in
                XCTAssertEqual(res.status, .unprocessableEntity)
                let body = try res.content.decode(ErrorBody.self)
                let fields = Set(body.fields?.keys.map { $0 } ?? [])
                XCTAssertEqual(fields, ["name", "address", "communityID", "attributes.enclosure", "attributes.cameras", "attributes.accessControl", "attributes.watch", "attributes.condition"])
                XCTAssertEqual(body.fields?["communityID"], "社区不存在或不在您的辖区内")
            }
            try await postJSON(app, "/api/v1/sites", #"{"kind":"special_industry","name":"悦来旅馆","address":"x","communityID":\#(f.c1),"attributes":{"trade":"旅馆业"}}"#, as: f.bearer("officer")) { res in
                XCTAssertEqual(res.status, .unprocessableEntity)
                XCTAssertEqual(try res.content.decode(ErrorBody.self).fields?.keys.sorted(), ["licence"], "licensed trades need the licence; 旅馆业 is read as the hotel choice")
            }
            try await postJSON(app, "/api/v1/sites", #"{"kind":"spaceport","name":"x","communityID":\#(f.c1)}"#, as: f.bearer("officer")) { res in
                XCTAssertEqual(res.status, .unprocessableEntity)
            }
            let count = try await Site.query(on: app.db).count()
            XCTAssertEqual(count, 0)
        }
    }

    func testCreateReadPatchKeepsKindAndMergesAttributes() async throws {
        try await withApp { app, f in
            let id = try await createSite(app, f, community: f.c1, grid: f.g1a, extra: #","contactName":"梁经理","contactPhone":"139 0000 2222""#)
            try await app.call(.GET, "/api/v1/sites/\(id)", headers: f.bearer("officer")) { res in
                let s = try res.content.decode(SiteDTO.self)
                XCTAssertEqual(s.subtype, "closed")
                XCTAssertEqual(s.attributes, ["enclosure": "closed", "watch": "staffed", "condition": "good", "cameras": "12", "accessControl": "0"])
                XCTAssertEqual(s.contactPhoneMasked, "139****2222")
                XCTAssertFalse(res.body.string.contains("13900002222"))
            }
            let sql = app.db as! any SQLDatabase
            let raw = try await sql.select().column("*").from("sites").where("id", .equal, id).first()!
            for c in ["contact_phone_sealed", "contact_phone_index", "contact_phone_masked", "attributes", "note"] {
                XCTAssertFalse((try raw.decode(column: c, as: String?.self) ?? "").contains("13900002222"), c)
            }
            try await postJSON(app, "/api/v1/sites/\(id)", #"{"attributes":{"watch":"none"}}"#, as: f.bearer("officer"), method: .PATCH) { res in
                XCTAssertEqual(res.status, .ok, res.body.string)
                let s = try res.content.decode(SiteDTO.self)
                XCTAssertEqual(s.attributes["watch"], "none"); XCTAssertEqual(s.attributes["cameras"], "12", "fields not sent keep their value")
                XCTAssertEqual(s.contactPhoneMasked, "139****2222")
            }
            try await postJSON(app, "/api/v1/sites/\(id)", #"{"kind":"shop"}"#, as: f.bearer("officer"), method: .PATCH) { res in
                XCTAssertEqual(res.status, .unprocessableEntity)
                XCTAssertNotNil(try res.content.decode(ErrorBody.self).fields?["kind"])
            }
            // One name per kind per community: the natural key imports update by.
            try await postJSON(app, "/api/v1/sites", #"{"kind":"compound","name":"丽江花园","address":"y","communityID":\#(f.c1),"gridID":\#(f.g1a),"attributes":{"enclosure":"open","watch":"none","condition":"poor"}}"#, as: f.bearer("officer")) { res in
                XCTAssertEqual(res.status, .unprocessableEntity)
                XCTAssertNotNil(try res.content.decode(ErrorBody.self).fields?["name"])
            }
            let audits = try await AuditEvent.query(on: app.db).filter(\.$entity == "site").all().map(\.action)
            XCTAssertEqual(audits, ["site.create", "site.update"])
        }
    }

    func testListsAreScopedAndFiltered() async throws {
        try await withApp { app, f in
            let inside = try await createSite(app, f, as: "admin", community: f.c1, grid: f.g1a)
            let otherGrid = try await createSite(app, f, as: "admin", name: "星河湾", community: f.c1, grid: f.g1b, attributes: #"{"enclosure":"open","watch":"none","condition":"poor"}"#)
            let outside = try await createSite(app, f, as: "admin", community: f.c3, grid: f.g3)
            _ = try await createSite(app, f, as: "admin", kind: "camera", name: "SXT-1", community: f.c1, grid: f.g1a, attributes: #"{"ownership":"public","working":"faulty"}"#)
            try await app.call(.GET, "/api/v1/sites?kind=compound", headers: f.bearer("officer")) { res in
                XCTAssertEqual(Set(try res.content.decode(SiteAPIController.Page.self).items.map(\.id)), [inside, otherGrid])
            }
            try await app.call(.GET, "/api/v1/sites?kind=compound&subtype=open", headers: f.bearer("officer")) { res in
                XCTAssertEqual(try res.content.decode(SiteAPIController.Page.self).items.map(\.id), [otherGrid])
            }
            try await app.call(.GET, "/api/v1/sites?kind=compound", headers: f.bearer("grid")) { res in
                XCTAssertEqual(try res.content.decode(SiteAPIController.Page.self).items.map(\.id), [inside], "a grid worker sees their grid only")
            }
            try await app.call(.GET, "/api/v1/sites/\(outside)", headers: f.bearer("officer")) { XCTAssertEqual($0.status, .notFound) }
            try await app.call(.GET, "/api/v1/sites?q=繁华", headers: f.bearer("admin")) { res in
                XCTAssertEqual(try res.content.decode(SiteAPIController.Page.self).page.total, 4, "address search")
            }
            try await app.call(.GET, "/api/v1/sites?kind=compound&subtype=walled", headers: f.bearer("admin")) { XCTAssertEqual($0.status, .unprocessableEntity) }
            try await app.call(.GET, "/api/v1/sites/export.csv?kind=compound", headers: f.bearer("officer")) { res in
                XCTAssertEqual(res.status, .ok)
                let text = res.body.string
                XCTAssertTrue(text.contains("封闭程度") && text.contains("封闭式") && text.contains("开放式"), "kind columns with Chinese labels")
                XCTAssertFalse(text.contains("沙头社区"))
            }
            let s = try await signIn(app, "officer")
            try await app.call(.GET, "/sites?kind=compound", beforeRequest: { $0.headers.cookie = s.cookies }) { res in
                XCTAssertEqual(res.status, .ok)
                XCTAssertTrue(res.body.string.contains("应安排义务守护"), "the open, poor, unwatched compound is flagged")
            }
        }
    }

    func testBuildingHeadsUnitHeadsFloorHeadsAndHouseholds() async throws {
        try await withApp { app, f in
            let building = try await createSite(app, f, kind: "building", name: "1栋", community: f.c1, grid: f.g1a, building: f.b1a, attributes: #"{"use":"residential","units":2,"floors":6}"#)
            let headID = residentID(sequence: "601"), unitID = residentID(sequence: "602"), farID = residentID(sequence: "603")
            try await createPerson(app, f, community: f.c1, grid: f.g1a, id: headID, extra: ["buildingID": "\(f.b1a)", "room": "1-101"])
            try await createPerson(app, f, community: f.c1, grid: f.g1a, id: unitID, extra: ["buildingID": "\(f.b1a)", "room": "1-101"])
            try await createPerson(app, f, as: "admin", community: f.c3, id: farID)
            func add(_ json: String, _ expect: HTTPStatus, field: String? = nil) async throws {
                try await postJSON(app, "/api/v1/sites/\(building)/members", json, as: f.bearer("officer")) { res in
                    XCTAssertEqual(res.status, expect, json + " → " + res.body.string)
                    if let field { XCTAssertNotNil(try res.content.decode(ErrorBody.self).fields?[field], json) }
                }
            }
            try await add(#"{"role":"building_head","idNumber":"\#(headID)"}"#, .created)
            try await add(#"{"role":"building_head","idNumber":"\#(unitID)"}"#, .unprocessableEntity, field: "role")   // one building head
            try await add(#"{"role":"unit_head","idNumber":"\#(unitID)"}"#, .unprocessableEntity, field: "unit")        // unit heads need the unit
            try await add(#"{"role":"unit_head","idNumber":"\#(unitID)","unit":"1"}"#, .created)
            try await add(#"{"role":"floor_head","idNumber":"\#(unitID)","unit":"1"}"#, .unprocessableEntity, field: "floor")
            try await add(#"{"role":"tenant","idNumber":"\#(unitID)"}"#, .unprocessableEntity, field: "role")          // not a building role
            try await add(#"{"role":"floor_head","idNumber":"\#(farID)","unit":"1","floor":"2"}"#, .unprocessableEntity, field: "idNumber") // out of scope = not found
            var members: [SiteMemberDTO] = []
            try await app.call(.GET, "/api/v1/sites/\(building)/members", headers: f.bearer("officer")) { members = try $0.content.decode([SiteMemberDTO].self) }
            XCTAssertEqual(members.map(\.role), [.buildingHead, .unitHead])
            XCTAssertFalse(members.contains { $0.idNumberMasked.contains(String(headID.dropFirst(6).prefix(8))) }, "members show masked numbers")
            // The building page lists households by room.
            let s = try await signIn(app, "officer")
            try await app.call(.GET, "/sites/\(building)", beforeRequest: { $0.headers.cookie = s.cookies }) { res in
                XCTAssertEqual(res.status, .ok)
                XCTAssertTrue(res.body.string.contains("1-101")); XCTAssertTrue(res.body.string.contains("楼栋长"))
            }
            try await postJSON(app, "/api/v1/sites/\(building)/members/remove", #"{"memberID":\#(members[1].id)}"#, as: f.bearer("officer")) { XCTAssertEqual($0.status, .noContent) }
            try await postJSON(app, "/api/v1/sites/\(building)/members/remove", #"{"memberID":\#(members[1].id)}"#, as: f.bearer("officer")) { XCTAssertEqual($0.status, .notFound) }
            let audit = try await AuditEvent.query(on: app.db).filter(\.$action ~~ ["site.member.add", "site.member.remove"]).count()
            XCTAssertEqual(audit, 3)
        }
    }

    func testWebFormShowsErrorsInlineKeepsInputAndSaves() async throws {
        try await withApp { app, f in
            let s = try await signIn(app, "officer")
            func post(_ form: String, _ check: @escaping (XCTHTTPResponse) throws -> Void) async throws {
                try await app.call(.POST, "/sites", beforeRequest: { req in
                    req.headers.cookie = s.cookies; req.headers.contentType = .urlEncodedForm
                    req.body = ByteBuffer(string: form + "&_csrf=" + s.csrf)
                }, afterResponse: check)
            }
            let base = "kind=rental&name=%E7%B9%81%E5%8D%8E%E8%B7%AF1%E5%8F%B7301&address=x&communityID=\(f.c1)&gridID=\(f.g1a)&attributesComplete=1"
            try await post(base + "&attributes%5BrentalType%5D=group&attributes%5Brooms%5D=abc&attributes%5Bregistration%5D=registered") { res in
                XCTAssertEqual(res.status, .unprocessableEntity)
                let html = res.body.string
                XCTAssertTrue(html.contains("应为 1–500 的整数"), "inline message for rooms")
                XCTAssertTrue(html.contains("请填写「检查状态」"))
                XCTAssertTrue(html.contains("繁华路1号301"), "typed values are kept")
                XCTAssertTrue(html.contains(#"<option value="group" selected>"#))
            }
            try await post(base + "&attributes%5BrentalType%5D=group&attributes%5Brooms%5D=4&attributes%5Bregistration%5D=registered&attributes%5Binspection%5D=pending") { res in
                XCTAssertEqual(res.status, .seeOther, res.body.string)
            }
            let site = try await Site.query(on: app.db).first()
            XCTAssertEqual(site?.values["rooms"], "4"); XCTAssertEqual(site?.subtype, "group")
        }
    }

    func testImportDryRunThenWriteThenReimportUpdates() async throws {
        try await withApp { app, f in
            func post(_ csv: String, dry: Bool, kind: String = "special_industry", _ check: @escaping (XCTHTTPResponse) throws -> Void) async throws {
                try await app.call(.POST, "/api/v1/sites/import?kind=\(kind)" + (dry ? "&dryRun=1" : ""), headers: f.bearer("officer"), beforeRequest: { req in
                    req.headers.contentType = HTTPMediaType(type: "text", subType: "csv"); req.body = ByteBuffer(string: csv)
                }, afterResponse: check)
            }
            let good = "名称,许可证号,地址,社区代码,行业,治安信息系统已联网,床位数（旅馆）\n悦来旅馆,穗特001,繁华路3号,440113007601,旅馆业,是,40\n永兴废品站,穗特002,易发街9号,440113007601,scrap,否,\n"
            let bad = good + "大信典当,,大北路1号,440113008601,典当业,maybe,\n悦来旅馆,穗特009,x,440113007601,hotel,,\n"
            try await post(bad, dry: false) { res in
                XCTAssertEqual(res.status, .unprocessableEntity)
                let r = try res.content.decode(PeopleImport.Report.self)
                XCTAssertFalse(r.written)
                XCTAssertEqual(Set(r.errors.filter { $0.row == 4 }.map(\.field)), ["licence", "communityID", "attributes.infoSystem"])
                XCTAssertEqual(r.errors.filter { $0.row == 5 }.map(\.field), ["name"], "same community and name as row 2")
            }
            var count = try await Site.query(on: app.db).count()
            XCTAssertEqual(count, 0, "one bad row and nothing is written")
            try await post(good, dry: true) { res in
                let r = try res.content.decode(PeopleImport.Report.self)
                XCTAssertEqual(r.created, 2); XCTAssertFalse(r.written)
            }
            count = try await Site.query(on: app.db).count()
            XCTAssertEqual(count, 0)
            try await post(good, dry: false) { res in XCTAssertTrue(try res.content.decode(PeopleImport.Report.self).written) }
            try await post(good.replacingOccurrences(of: ",40\n", with: ",45\n"), dry: false) { res in
                let r = try res.content.decode(PeopleImport.Report.self)
                XCTAssertEqual(r.created, 0); XCTAssertEqual(r.updated, 2)
            }
            let sites = try await Site.query(on: app.db).sort(\.$name).all()
            XCTAssertEqual(sites.count, 2)
            XCTAssertEqual(sites.first { $0.name == "悦来旅馆" }?.values["beds"], "45")
            XCTAssertEqual(sites.first { $0.name == "永兴废品站" }?.subtype, "scrap")
            try await post("名称\nx\n", dry: true) { res in
                XCTAssertEqual(res.status, .unprocessableEntity)
                XCTAssertTrue(try res.content.decode(ErrorBody.self).fields?["file"]?.contains("community") ?? false)
            }
        }
    }
}

final class SurveyTests: XCTestCase {
    func testChartCountsRollUpAndRespectScope() async throws {
        try await withApp { app, f in
            try await createPerson(app, f, as: "admin", community: f.c1, grid: f.g1a, id: residentID(sequence: "701"), extra: ["buildingID": "\(f.b1a)", "room": "1-101"])
            try await createPerson(app, f, as: "admin", community: f.c1, grid: f.g1a, id: residentID(sequence: "702"), extra: ["buildingID": "\(f.b1a)", "room": "1-101"])
            try await createPerson(app, f, as: "admin", community: f.c2, id: residentID(sequence: "703"), category: "key", extra: ["keyType": "drug"])
            try await createPerson(app, f, as: "admin", community: f.c3, id: residentID(sequence: "704"), category: "temporary", extra: ["residenceExpiresOn": "2020-01-01"])
            try await createSite(app, f, as: "admin", community: f.c1, grid: f.g1a, attributes: #"{"enclosure":"open","watch":"none","condition":"good"}"#)
            try await createSite(app, f, as: "admin", kind: "organisation", name: "市桥小学", community: f.c2, attributes: #"{"orgType":"school","protectedUnit":true}"#)
            try await createSite(app, f, as: "admin", kind: "camera", name: "SXT-9", community: f.c3, attributes: #"{"ownership":"public","working":"faulty"}"#)
            func chart(_ q: String, as user: String) async throws -> SurveyController.Chart {
                var c: SurveyController.Chart?
                try await app.call(.GET, "/api/v1/survey" + q, headers: f.bearer(user)) { res in
                    XCTAssertEqual(res.status, .ok, q + " " + res.body.string); c = try res.content.decode(SurveyController.Chart.self)
                }
                return c!
            }
            let district = try await chart("", as: "admin")
            XCTAssertEqual(district.values["people.total"], 4)
            XCTAssertEqual(district.values["people.key.drug"], 1)
            XCTAssertEqual(district.values["people.temporary.expired"], 1)
            XCTAssertEqual(district.values["households"], 1, "two people in one room are one household")
            XCTAssertEqual(district.values["compound.watch_gap"], 1)
            XCTAssertEqual(district.values["organisation.protected"], 1)
            XCTAssertEqual(district.values["camera.faulty"], 1)
            XCTAssertEqual(district.children.map(\.name), ["市桥街道", "沙头街道"])
            let station = try await chart("?station=\(f.stationA)", as: "admin")
            XCTAssertEqual(station.values["people.total"], 3)
            XCTAssertEqual(station.children.map(\.id), [f.c1, f.c2])
            XCTAssertEqual(BaselineSurvey.total(station.children.map(\.values)), station.values, "the station is the sum of its communities")
            let mine = try await chart("", as: "officer")
            XCTAssertEqual(mine.values["people.total"], 2); XCTAssertEqual(mine.communities, 1)
            try await app.call(.GET, "/api/v1/survey?community=\(f.c3)", headers: f.bearer("officer")) { XCTAssertEqual($0.status, .notFound) }
            try await app.call(.GET, "/api/v1/survey?station=\(f.stationB)", headers: f.bearer("chief")) { XCTAssertEqual($0.status, .notFound) }
            try await app.call(.GET, "/api/v1/survey?street=abc", headers: f.bearer("admin")) { XCTAssertEqual($0.status, .notFound) }
            try await app.call(.GET, "/survey/export.csv?station=\(f.stationA)", headers: f.bearer("chief")) { res in
                XCTAssertEqual(res.status, .ok)
                let lines = res.body.string.split(separator: "\r\n")
                XCTAssertEqual(lines.count, 4, "header, two communities, total")
                XCTAssertTrue(lines.last!.hasPrefix("市桥派出所合计,3,"))
            }
            let s = try await signIn(app, "chief")
            try await app.call(.GET, "/survey", beforeRequest: { $0.headers.cookie = s.cookies }) { res in
                XCTAssertEqual(res.status, .ok); XCTAssertTrue(res.body.string.contains("辖区基本情况图表"))
            }
        }
    }
}
