import Fluent
import Vapor
import XCTVapor
import PinganKit
@testable import PinganServer

/// A campaign of `area` led by a district unit, with one pending place in `community` (route walk).
func insertCampaign(_ app: Application, _ f: Fixture, area: Int, community: Int) async throws -> (campaign: Int, target: Int) {
    let unit = ResponsibleUnit(name: "城管执法大队\(area)", kind: .urbanManagement, divisionID: f.district); try await unit.create(on: app.db)
    let c = Campaign()
    c.name = "整治“五小”场所"; c.areaDivisionID = area; c.leadUnitID = unit.id!; c.startsOn = "2026-01-01"; c.endsOn = "2026-12-31"; c.goal = ""
    c.createdByID = f.users["admin"]!
    try await c.create(on: app.db)
    try await CampaignDepartment(campaignID: c.id!, unitID: unit.id!, duty: "牵头").create(on: app.db)
    let t = CampaignTarget()
    t.campaignID = c.id!; t.ledger = .listed; t.name = "无证小作坊"; t.address = "繁华路2号"; t.communityID = community; t.problems = "无照经营"
    t.status = .pending; t.progressNote = ""; t.evidence = ""; t.createdByID = f.users["admin"]!
    try await t.create(on: app.db)
    return (c.id!, t.id!)
}

/// Issue 20 §2: joint enforcement campaigns (联合执法 / 专项整治) — organised with a lead unit and departments, places listed
/// (挂帐 from the list, 帐外 found locally), given to departments, rectified and closed, progress read off by department
/// and street with the seed's sentence.
final class CampaignTests: XCTestCase {
    func units(_ app: Application, _ f: Fixture) async throws -> (urban: Int, market: Int, streetB: Int) {
        let a = ResponsibleUnit(name: "区城管执法局", kind: .urbanManagement, divisionID: f.district); try await a.create(on: app.db)
        let b = ResponsibleUnit(name: "区市场监管局", kind: .marketSupervision, divisionID: f.district); try await b.create(on: app.db)
        let c = ResponsibleUnit(name: "沙头街城管中队", kind: .urbanManagement, divisionID: f.streetB); try await c.create(on: app.db)
        return (a.id!, b.id!, c.id!)
    }

    func testACampaignIsOrganisedItsPlacesListedClosedAndCounted() async throws {
        try await withApp { app, f in
            let u = try await units(app, f)
            let site = try await createSite(app, f, as: "officer", kind: "internet_cafe", name: "极速网吧", community: f.c1, grid: f.g1a)
            var (s, body) = try await apiCall(app, f, "command", .POST, "/api/v1/campaigns",
                #"{"name":"打击“七黑”、整治“五小”专项行动","areaID":\#(f.district),"leadUnitID":\#(u.urban),"startsOn":"2026-01-01","endsOn":"2026-12-31","goal":"年内完成挂帐场所整治","departments":{"\#(u.market)":"查处无照经营"}}"#)
            XCTAssertEqual(s, .created, body)
            let c = try apiDecoder.decode(CampaignDTO.self, from: Data(body.utf8))
            XCTAssertEqual(c.departments.map(\.unitID), [u.urban, u.market], "the lead takes part, first")
            XCTAssertEqual(c.departments.first?.duty, "牵头组织")
            XCTAssertEqual(c.phase, .running)

            // The officer lists a registered place (its name and community come with it) and one found locally.
            (s, body) = try await apiCall(app, f, "officer", .POST, "/api/v1/campaigns/\(c.id)/targets",
                #"{"ledger":"listed","siteID":"\#(site)","problems":"接纳未成年人上网","departmentID":"\#(u.market)"}"#)
            XCTAssertEqual(s, .created, body)
            let listed = try apiDecoder.decode(CampaignTargetDTO.self, from: Data(body.utf8))
            XCTAssertEqual(listed.name, "极速网吧"); XCTAssertEqual(listed.communityID, f.c1); XCTAssertEqual(listed.status, .pending)
            (s, body) = try await apiCall(app, f, "officer", .POST, "/api/v1/campaigns/\(c.id)/targets",
                #"{"ledger":"listed","siteID":"\#(site)","problems":"再次列入"}"#)
            XCTAssertEqual(s, .unprocessableEntity); XCTAssertTrue(body.contains("已在本次整治名单中"), body)
            (s, body) = try await apiCall(app, f, "officer", .POST, "/api/v1/campaigns/\(c.id)/targets",
                #"{"ledger":"local","name":"德兴路无证废品站","address":"德兴路88号","communityID":\#(f.c1),"problems":"占道堆放、无证经营","departmentID":"\#(u.urban)"}"#)
            XCTAssertEqual(s, .created, body)
            let local = try apiDecoder.decode(CampaignTargetDTO.self, from: Data(body.utf8))
            // Another street's officer sees the district's campaign, not this street's places.
            (s, body) = try await apiCall(app, f, "officer3", .GET, "/api/v1/campaigns/\(c.id)/targets")
            XCTAssertEqual(s, .ok); XCTAssertTrue(body.contains("\"total\":0"), body)
            (s, _) = try await apiCall(app, f, "officer3", .GET, "/api/v1/campaign-targets/\(local.id)"); XCTAssertEqual(s, .notFound)
            (s, body) = try await apiCall(app, f, "officer3", .POST, "/api/v1/campaigns/\(c.id)/targets",
                #"{"ledger":"local","name":"x","communityID":\#(f.c1),"problems":"y"}"#)
            XCTAssertEqual(s, .unprocessableEntity); XCTAssertTrue(body.contains("\"communityID\":"), body)

            // In hand needs a note; closing needs evidence and a day within the campaign; closed is final.
            (s, body) = try await apiCall(app, f, "officer", .POST, "/api/v1/campaign-targets/\(local.id)/step", #"{"status":"rectifying"}"#)
            XCTAssertEqual(s, .unprocessableEntity); XCTAssertTrue(body.contains("\"note\":"), body)
            (s, body) = try await apiCall(app, f, "officer", .POST, "/api/v1/campaign-targets/\(local.id)/step", #"{"status":"rectifying","note":"已下达限期整改通知书"}"#)
            XCTAssertEqual(s, .ok, body)
            (s, body) = try await apiCall(app, f, "officer", .POST, "/api/v1/campaign-targets/\(listed.id)/step", #"{"status":"closed","closedOn":"2025-12-01"}"#)
            XCTAssertEqual(s, .unprocessableEntity); XCTAssertTrue(body.contains("\"evidence\":") && body.contains("\"closedOn\":"), body)
            (s, body) = try await apiCall(app, f, "officer", .POST, "/api/v1/campaign-targets/\(listed.id)/step", #"{"status":"closed","evidence":"已取缔，营业执照吊销，复查无反弹"}"#)
            XCTAssertEqual(s, .ok, body)
            let closed = try apiDecoder.decode(CampaignTargetDTO.self, from: Data(body.utf8))
            XCTAssertEqual(closed.status, .closed); XCTAssertNotNil(closed.closedOn)
            (s, body) = try await apiCall(app, f, "officer", .POST, "/api/v1/campaign-targets/\(listed.id)/step", #"{"status":"rectifying","note":"x"}"#)
            XCTAssertEqual(s, .unprocessableEntity); XCTAssertTrue(body.contains("已销帐"), body)
            (s, _) = try await apiCall(app, f, "officer", .PATCH, "/api/v1/campaign-targets/\(listed.id)", #"{"name":"改名"}"#)
            XCTAssertEqual(s, .unprocessableEntity)

            // Progress: one listed place closed, one local in hand, per department and per street, and the seed's sentence.
            (s, body) = try await apiCall(app, f, "command", .GET, "/api/v1/campaigns/\(c.id)/progress")
            XCTAssertEqual(s, .ok, body)
            struct P: Decodable { var progress: CampaignProgress; var sentence: String }
            let p = try apiDecoder.decode(P.self, from: Data(body.utf8))
            XCTAssertEqual(p.progress.total.listed, 1); XCTAssertEqual(p.progress.total.listedClosed, 1)
            XCTAssertEqual(p.progress.total.local, 1); XCTAssertEqual(p.progress.total.rectifying, 1)
            XCTAssertEqual(p.progress.byDepartment.map(\.key), [u.urban, u.market])
            XCTAssertEqual(p.progress.byStreet.map(\.key), [f.streetA]); XCTAssertEqual(p.progress.byStreet.first?.targets, 2)
            XCTAssertTrue(p.sentence.hasPrefix("共完成市里挂帐1处和帐外0处的重点场所的整治"), p.sentence)

            // A department with places cannot be dropped; a street chief cannot change the district's campaign.
            (s, body) = try await apiCall(app, f, "command", .PATCH, "/api/v1/campaigns/\(c.id)", #"{"departments":{}}"#)
            XCTAssertEqual(s, .unprocessableEntity); XCTAssertTrue(body.contains("区市场监管局"), body)
            (s, _) = try await apiCall(app, f, "chief", .PATCH, "/api/v1/campaigns/\(c.id)", #"{"name":"改名"}"#); XCTAssertEqual(s, .forbidden)
            (s, _) = try await apiCall(app, f, "officer", .POST, "/api/v1/campaigns", "{}"); XCTAssertEqual(s, .forbidden)

            // The page shows the sentence and both places; the CSV lists them; every write is audited.
            let (cookies, _, _) = try await signIn(app, "officer")
            try await app.call(.GET, "/governance/campaigns/\(c.id)", beforeRequest: { $0.headers.cookie = cookies }) { res in
                let html = res.body.string
                XCTAssertEqual(res.status, .ok)
                XCTAssertTrue(html.contains("共完成市里挂帐1处和帐外0处"), "sentence"); XCTAssertTrue(html.contains("德兴路无证废品站")); XCTAssertTrue(html.contains("极速网吧"))
            }
            try await app.call(.GET, "/governance/campaigns/\(c.id)?site_q=%E6%9E%81%E9%80%9F", beforeRequest: { $0.headers.cookie = cookies }) { res in
                XCTAssertTrue(res.body.string.contains("/targets/new?site=\(site)"), "the registry search offers the place")
            }
            try await app.call(.GET, "/governance/campaigns/\(c.id)/targets.csv?status=closed", beforeRequest: { $0.headers.cookie = cookies }) { res in
                XCTAssertEqual(res.status, .ok)
                let lines = res.body.string.split(whereSeparator: \.isNewline)
                XCTAssertEqual(lines.count, 2, res.body.string); XCTAssertTrue(lines[1].contains("极速网吧"))
            }
            let actions = try await AuditEvent.query(on: app.db).filter(\.$entity ~~ ["campaign", "campaign_target"]).all().map(\.action)
            XCTAssertEqual(Set(actions), ["campaign.create", "campaign.target.create", "campaign.target.progress", "campaign.target.close"])
        }
    }

    func testRectificationPhotosAreKeptWithThePlaceAndSeenOnlyWhereThePlaceIs() async throws {
        try await withApp { app, f in
            let (_, target) = try await insertCampaign(app, f, area: f.streetA, community: f.c1)
            let photo = try fixturePhoto()
            // Rectifying with a photo of the place (multipart, as the page sends it).
            var (s, body) = try await multipartPost(app, f, "officer", "/api/v1/campaign-targets/\(target)/step",
                                                    ["status": "rectifying", "note": "已责令停业整顿"], photos: [photo])
            XCTAssertEqual(s, .ok, body)
            let dto = try apiDecoder.decode(CampaignTargetDTO.self, from: Data(body.utf8))
            XCTAssertEqual(dto.status, .rectifying); XCTAssertEqual(dto.photos?.count, 1)
            let id = try XCTUnwrap(dto.photos?.first?.id)
            // Not a photo: refused at the field, and the step is not taken.
            (s, body) = try await multipartPost(app, f, "officer", "/api/v1/campaign-targets/\(target)/step",
                                                ["status": "closed", "evidence": "已取缔"], photos: [Data("%PDF-1.4 not a photo".utf8)])
            XCTAssertEqual(s, .unprocessableEntity, body); XCTAssertTrue(body.contains("\"photos\""), body)
            let still = try await CampaignTarget.find(target, on: app.db)
            XCTAssertEqual(still?.status, .rectifying)
            // The photo is seen where the place is: its street's officer, the district; not another street's officer.
            try await app.call(.GET, "/photos/\(id)/thumb", headers: f.bearer("officer")) { XCTAssertEqual($0.status, .ok) }
            try await app.call(.GET, "/photos/\(id)/thumb", headers: f.bearer("command")) { XCTAssertEqual($0.status, .ok) }
            try await app.call(.GET, "/photos/\(id)/thumb", headers: f.bearer("officer3")) { XCTAssertEqual($0.status, .notFound) }
            // The page shows it.
            let (cookies, _, _) = try await signIn(app, "officer")
            try await app.call(.GET, "/governance/campaign-targets/\(target)", beforeRequest: { $0.headers.cookie = cookies }) { res in
                XCTAssertTrue(res.body.string.contains("/photos/\(id)/thumb"), res.body.string)
                XCTAssertTrue(res.body.string.contains("multipart/form-data"))
            }
        }
    }

    func testBadInputIsNamedAndNothingIsWrittenAndTheFormKeepsWhatWasTyped() async throws {
        try await withApp { app, f in
            let u = try await units(app, f)
            // A street chief runs campaigns for their own street only, with units serving it.
            let (s, body) = try await apiCall(app, f, "chief", .POST, "/api/v1/campaigns",
                #"{"name":"","areaID":\#(f.streetB),"leadUnitID":\#(u.streetB),"startsOn":"2026-05-01","endsOn":"2026-04-01","departments":{"abc":"x"}}"#)
            XCTAssertEqual(s, .unprocessableEntity)
            for field in ["name", "areaID", "endsOn"] { XCTAssertTrue(body.contains("\"\(field)\":"), "\(field) missing in \(body)") }
            var count = try await Campaign.query(on: app.db).count()
            XCTAssertEqual(count, 0)
            let (s2, body2) = try await apiCall(app, f, "chief", .POST, "/api/v1/campaigns",
                #"{"name":"整治出租屋","areaID":\#(f.streetA),"leadUnitID":\#(u.streetB),"startsOn":"2026-05-01","endsOn":"2026-04-01"}"#)
            XCTAssertEqual(s2, .unprocessableEntity)
            XCTAssertTrue(body2.contains("\"leadUnitID\":") && body2.contains("\"endsOn\":"), body2)
            count = try await Campaign.query(on: app.db).count()
            XCTAssertEqual(count, 0)

            // The form re-renders with the duty typed for a department and the name kept.
            let (cookies, csrf, _) = try await signIn(app, "chief")
            try await app.call(.POST, "/governance/campaigns", beforeRequest: { req in
                req.headers.cookie = cookies
                try req.content.encode(["_csrf": csrf, "name": "整治“五小”场所", "areaID": "\(f.streetA)", "leadUnitID": "", "startsOn": "2026-05-01",
                                        "endsOn": "2026-06-30", "departments[\(u.market)]": "查处无照经营"], as: .urlEncodedForm)
            }) { res in
                XCTAssertEqual(res.status, .unprocessableEntity)
                let html = res.body.string
                XCTAssertTrue(html.contains("请选择牵头单位"))
                XCTAssertTrue(html.contains("整治“五小”场所") || html.contains("整治&ldquo;五小&rdquo;场所") || html.contains("五小"), "name kept")
                XCTAssertTrue(html.contains("value=\"查处无照经营\""), "duty kept")
                XCTAssertFalse(html.contains("沙头街城管中队"), "a unit of another street is not offered")
            }
        }
    }

    func testAStreetCampaignIsItsStreetsAndOutsidersSeeNothing() async throws {
        try await withApp { app, f in
            let b = try await insertCampaign(app, f, area: f.streetB, community: f.c3)
            var (s, body) = try await apiCall(app, f, "officer", .GET, "/api/v1/campaigns")
            XCTAssertTrue(body.contains("\"total\":0"), body)
            (s, _) = try await apiCall(app, f, "officer", .GET, "/api/v1/campaigns/\(b.campaign)"); XCTAssertEqual(s, .notFound)
            (s, _) = try await apiCall(app, f, "officer", .GET, "/api/v1/campaign-targets/\(b.target)"); XCTAssertEqual(s, .notFound)
            (s, body) = try await apiCall(app, f, "officer3", .GET, "/api/v1/campaigns/\(b.campaign)/targets")
            XCTAssertEqual(s, .ok); XCTAssertTrue(body.contains("无证小作坊"), body)
            (s, _) = try await apiCall(app, f, "grid", .GET, "/api/v1/campaigns"); XCTAssertEqual(s, .forbidden)
            (s, _) = try await apiCall(app, f, "chief", .PATCH, "/api/v1/campaigns/\(b.campaign)", #"{"name":"x"}"#); XCTAssertEqual(s, .notFound)
        }
    }

    func testTheCitysListIsImportedWholeOrNotAtAll() async throws {
        try await withApp { app, f in
            let u = try await units(app, f)
            let (_, body0) = try await apiCall(app, f, "command", .POST, "/api/v1/campaigns",
                #"{"name":"整治“五小”","areaID":\#(f.district),"leadUnitID":\#(u.urban),"startsOn":"2026-01-01","endsOn":"2026-12-31","departments":{"\#(u.market)":"查处无照经营"}}"#)
            let c = try apiDecoder.decode(CampaignDTO.self, from: Data(body0.utf8))
            func body(_ csv: String) -> String {
                let data = try! JSONSerialization.data(withJSONObject: ["csv": csv, "ledger": "listed"])
                return String(decoding: data, as: UTF8.self)
            }
            // Three bad lines: an unknown community, a department not in the campaign, no problems. Nothing is written.
            let bad = "名称,地址,社区,存在问题,责任部门,来源\n甲网吧,德兴路1号,德兴社区,接纳未成年人,区市场监管局,\n乙作坊,x,火星社区,无照经营,,\n丙店,y,沙头社区,占道经营,区环保局,帐外\n丁店,z,东兴社区,,,\n"
            var (s, text) = try await apiCall(app, f, "command", .POST, "/api/v1/campaigns/\(c.id)/targets/import", body(bad))
            XCTAssertEqual(s, .unprocessableEntity)
            for needle in ["第3行", "火星社区", "第4行", "区环保局", "第5行"] { XCTAssertTrue(text.contains(needle), "\(needle) in \(text)") }
            XCTAssertFalse(text.contains("第2行"), text)
            var count = try await CampaignTarget.query(on: app.db).count()
            XCTAssertEqual(count, 0)
            // A header without the community column says so.
            (s, text) = try await apiCall(app, f, "command", .POST, "/api/v1/campaigns/\(c.id)/targets/import", body("名称,存在问题\n甲,乙\n"))
            XCTAssertEqual(s, .unprocessableEntity); XCTAssertTrue(text.contains("社区"), text)
            // Another street's officer cannot import places of this street.
            (s, text) = try await apiCall(app, f, "officer3", .POST, "/api/v1/campaigns/\(c.id)/targets/import", body("名称,社区,存在问题\n甲,德兴社区,乙\n"))
            XCTAssertEqual(s, .unprocessableEntity); XCTAssertTrue(text.contains("德兴社区"), text)

            let good = "名称,地址,社区,存在问题,责任部门,来源\n甲网吧,德兴路1号,德兴社区,接纳未成年人,区市场监管局,\n丙店,y,沙头社区,占道经营,,帐外\n"
            (s, text) = try await apiCall(app, f, "command", .POST, "/api/v1/campaigns/\(c.id)/targets/import", body(good))
            XCTAssertEqual(s, .ok, text); XCTAssertTrue(text.contains("\"imported\":2"), text)
            let rows = try await CampaignTarget.query(on: app.db).sort(\.$id).all()
            XCTAssertEqual(rows.map(\.ledger), [.listed, .local]); XCTAssertEqual(rows.map(\.departmentID), [u.market, nil])
            XCTAssertEqual(rows.map(\.communityID), [f.c1, f.c3])
            count = try await AuditEvent.query(on: app.db).filter(\.$action == "campaign.target.import").count()
            XCTAssertEqual(count, 1)

            // The page form keeps the pasted list when a line is wrong.
            let (cookies, csrf, _) = try await signIn(app, "officer")
            try await app.call(.POST, "/governance/campaigns/\(c.id)/import", beforeRequest: { req in
                req.headers.cookie = cookies
                try req.content.encode(["_csrf": csrf, "ledger": "listed", "csv": "名称,社区,存在问题\n戊店,沙头社区,占道\n"], as: .urlEncodedForm)
            }) { res in
                XCTAssertEqual(res.status, .unprocessableEntity)
                XCTAssertTrue(res.body.string.contains("戊店,沙头社区,占道"), "the list stays in the box")
                XCTAssertTrue(res.body.string.contains("第2行"))
            }
        }
    }
}
