import Fluent
import XCTVapor
import PinganKit
@testable import PinganServer

/// Inserts a request directly (route walk and scoping tests).
func insertPortalRequest(_ app: Application, community: Int, type: String = "help", description: String = "楼道灯坏了") async throws -> Int {
    let r = PortalRequest()
    r.token = PortalService.newToken(); r.typeCode = type; r.communityID = community; r.description = description; r.address = ""
    r.attributesJSON = "{}"; r.status = .open; r.statusNotes = ""; r.via = "web"
    r.requestedAt = Date(); r.updatedAt = Date(); r.dueAt = Date().addingTimeInterval(3600)
    try await r.create(on: app.db)
    return r.id!
}

/// Inserts a published notice for `division` directly (route walk and withdraw tests).
func insertPortalNotice(_ app: Application, _ f: Fixture, division: Int, title: String = "防范电信诈骗提示") async throws -> Int {
    let n = PortalNotice()
    n.kind = NoticeKind.allCases[0]; n.title = title; n.body = "不要向陌生账户转账。"; n.divisionID = division; n.audience = .all
    n.publishedAt = Date(); n.userID = f.users["admin"]!; n.withdrawn = false
    try await n.create(on: app.db)
    return n.id!
}

final class PortalTests: XCTestCase {
    static let xss = "<script>alert('x')</script><img src=x onerror=alert(1)>"

    /// Submits through the JSON API and returns the token (and id).
    @discardableResult
    func apiSubmit(_ app: Application, community: Int, type: String = "help", description: String = "楼道灯坏了", phone: String? = nil, name: String? = nil,
                   expect: HTTPStatus = .created, ip: String? = nil) async throws -> (token: String, id: Int) {
        var token = ""
        var body: [String: String] = ["type": type, "communityID": "\(community)", "description": description]
        if let phone { body["phone"] = phone }
        if let name { body["name"] = name }
        try await app.call(.POST, "/api/public/requests", beforeRequest: { req in try req.content.encode(body) }, afterResponse: { res in
            XCTAssertEqual(res.status, expect, res.body.string)
            if res.status == .created { token = try res.content.decode(PublicController.Receipt.self).token }
        })
        let id = token.isEmpty ? 0 : (try await PortalRequest.query(on: app.db).filter(\.$token == token).first()?.id ?? 0)
        return (token, id)
    }

    func testWebSubmissionTracksByTokenAndNeverShowsThePhoneOrNameOrRawHTML() async throws {
        try await withApp { app, f in
            relaxed(app)
            let res = try await formPost(app, page: "/public/report?community=\(f.c1)", action: "/public/report", fields: [
                "type": "help", "communityID": "\(f.c1)", "description": Self.xss + " 电话13912345678", "phone": "13800138000", "name": "张秘密", "website": "",
            ])
            XCTAssertEqual(res.status, .created, res.body.string)
            let r = try await PortalRequest.query(on: app.db).first()!
            XCTAssertTrue(res.body.string.contains(r.token))
            XCTAssertEqual(r.via, "web")
            XCTAssertNotEqual(r.phoneSealed, "13800138000", "the phone is sealed at rest")
            XCTAssertEqual(r.officerID, f.users["officer"])
            var pages: [String] = [], html: [String] = []
            for path in ["/public/track/\(r.token)", "/api/public/requests/\(r.token)", "/open311/v2/requests.json", "/open311/v2/requests.xml",
                         "/open311/v2/requests/\(r.id!).json", "/open311/v2/tokens/\(r.token).json", "/public/communities/\(f.c1)"] {
                try await app.call(.GET, path) { res in
                    XCTAssertEqual(res.status, .ok, path)
                    pages.append(res.body.string)
                    // JSON carries text as JSON strings (served as application/json with nosniff); markup must escape it.
                    if res.headers.contentType != .json { html.append(res.body.string) } else { XCTAssertEqual(res.headers.first(name: "X-Content-Type-Options"), "nosniff") }
                }
            }
            for body in pages {
                XCTAssertFalse(body.contains("13800138000"), "phone leaked")
                XCTAssertFalse(body.contains("138****8000"), "masked phone leaked")
                XCTAssertFalse(body.contains("13912345678"), "a phone in the text leaked")
                XCTAssertFalse(body.contains("张秘密"), "name leaked")
            }
            XCTAssertEqual(html.count, 3)
            for body in html {
                XCTAssertFalse(body.contains("<script>alert"), "unescaped script")
                XCTAssertFalse(body.contains("<img src=x"), "unescaped tag")
            }
            XCTAssertTrue(pages[0].contains("&lt;script&gt;"))
            // Staff see the masked phone; the XSS text is escaped there too.
            let (cookies, _, _) = try await signIn(app, "officer")
            try await app.call(.GET, "/portal/requests/\(r.id!)", beforeRequest: { $0.headers.cookie = cookies }) { res in
                XCTAssertEqual(res.status, .ok)
                XCTAssertTrue(res.body.string.contains("138****8000"))
                XCTAssertFalse(res.body.string.contains("<script>alert"))
            }
            try await app.call(.GET, "/public/track/NOSUCHTOKEN2") { XCTAssertEqual($0.status, .notFound) }
        }
    }

    /// Each request type asks its own questions, in the page's language, and only the chosen type's are required; the
    /// communities are grouped under their streets.
    func testTheReportFormAsksEachTypeItsOwnQuestionsInOneLanguage() async throws {
        try await withApp { app, f in
            relaxed(app)
            try await app.call(.GET, "/public/report?lang=en") { res in
                let html = res.body.string
                XCTAssertTrue(html.contains("data-for-type=\"report_hazard\"") && html.contains("data-for-type=\"residence_service\""))
                XCTAssertTrue(html.contains("Kind of hazard *") && html.contains("Security hazard"))
                XCTAssertFalse(html.contains("隐患类别") || html.contains("治安隐患") || html.contains("同住人数"), "no Chinese labels in English mode")
                XCTAssertTrue(html.contains("<optgroup label=\"市桥街道\">"), "communities under their street")
            }
            try await app.call(.GET, "/public/report") { res in
                XCTAssertTrue(res.body.string.contains("隐患类别 *")); XCTAssertFalse(res.body.string.contains("Kind of hazard"))
            }
            // A request for help is not asked the hazard's kind; a hazard report is, by name, and keeps what was typed.
            let help = try await formPost(app, page: "/public/report", action: "/public/report", fields: ["type": "help", "communityID": "\(f.c1)", "description": "求助"])
            XCTAssertEqual(help.status, .created, help.body.string)
            let hazard = try await formPost(app, page: "/public/report", action: "/public/report", fields: ["type": "report_hazard", "communityID": "\(f.c1)", "description": "井盖松动"])
            XCTAssertEqual(hazard.status, .unprocessableEntity)
            XCTAssertTrue(hazard.body.string.contains("请填写：隐患类别") && hazard.body.string.contains("井盖松动"))
            let done = try await formPost(app, page: "/public/report", action: "/public/report",
                                          fields: ["type": "report_hazard", "communityID": "\(f.c1)", "description": "井盖松动", "attributes[hazard_kind]": "traffic"])
            XCTAssertEqual(done.status, .created, done.body.string)
        }
    }

    func testSpamChecksHoneypotFillTimeAndStamp() async throws {
        try await withApp { app, f in
            relaxed(app, minFill: 0)
            let fields = ["type": "help", "communityID": "\(f.c1)", "description": "需要帮助"]
            var honey = fields; honey["website"] = "http://buy.example"
            let h = try await formPost(app, page: "/public/report", action: "/public/report", fields: honey)
            XCTAssertEqual(h.status, .unprocessableEntity)
            let forged = try await formPost(app, page: "/public/report", action: "/public/report", fields: fields, stamp: "1000.deadbeef")
            XCTAssertEqual(forged.status, .unprocessableEntity)
            relaxed(app, minFill: 30)
            let fast = try await formPost(app, page: "/public/report", action: "/public/report", fields: fields)
            XCTAssertEqual(fast.status, .unprocessableEntity)
            XCTAssertTrue(fast.body.string.contains("提交太快"))
            let n = try await PortalRequest.query(on: app.db).count()
            XCTAssertEqual(n, 0, "nothing stored from rejected submissions")
            do { let v1 = try await AuditEvent.query(on: app.db).filter(\.$action == "portal.spam").count(); XCTAssertEqual(v1, 1) }
        }
    }

    func testRateLimitsPerAddressAndPerPhoneAndSizeLimits() async throws {
        try await withApp { app, f in
            relaxed(app, ip: 2)
            try await apiSubmit(app, community: f.c1)
            try await apiSubmit(app, community: f.c1)
            try await app.call(.POST, "/api/public/requests", beforeRequest: { try $0.content.encode(["type": "help", "communityID": "\(f.c1)", "description": "x"]) }) { res in
                XCTAssertEqual(res.status, .tooManyRequests)
                XCTAssertNotNil(res.headers.first(name: .retryAfter))
            }
            relaxed(app, phone: 1)
            try await apiSubmit(app, community: f.c1, phone: "13800138000")
            try await apiSubmit(app, community: f.c1, phone: "+86 138 0013 8000", expect: .tooManyRequests)
            try await apiSubmit(app, community: f.c1, phone: "13900139000")
            relaxed(app)
            try await apiSubmit(app, community: f.c1, description: String(repeating: "长", count: 2001), expect: .unprocessableEntity)
            try await app.call(.POST, "/api/public/requests", beforeRequest: { req in
                req.headers.contentType = .json
                req.body = .init(string: #"{"type":"help","description":""# + String(repeating: "a", count: 20_000) + #""}"#)
            }) { XCTAssertEqual($0.status, .payloadTooLarge) }
            try await apiSubmit(app, community: f.c1, type: "nope", expect: .unprocessableEntity)
            try await apiSubmit(app, community: f.c1, phone: "12345", expect: .unprocessableEntity)
            try await apiSubmit(app, community: f.g1a, expect: .unprocessableEntity)
        }
    }

    func testInboxIsScopedRepliesReachTheResidentAndEveryWriteIsAudited() async throws {
        try await withApp { app, f in
            relaxed(app)
            let mine = try await apiSubmit(app, community: f.c1, phone: "13800138000")
            let other = try await apiSubmit(app, community: f.c3)
            try await app.call(.GET, "/api/v1/portal/requests", headers: f.bearer("officer")) { res in
                XCTAssertEqual(res.status, .ok)
                let page = try res.content.decode(PortalStaffController.Page.self)
                XCTAssertEqual(page.items.map(\.id), [mine.id])
                XCTAssertEqual(page.items.first?.phoneMasked, "138****8000")
            }
            try await app.call(.GET, "/api/v1/portal/requests/\(other.id)", headers: f.bearer("officer")) { XCTAssertEqual($0.status, .notFound) }
            try await app.call(.GET, "/api/v1/portal/requests?mine=1", headers: f.bearer("officer")) { res in
                XCTAssertEqual(try res.content.decode(PortalStaffController.Page.self).items.count, 1)
            }
            try await app.call(.POST, "/api/v1/portal/requests/\(mine.id)/replies", headers: f.bearer("officer"), beforeRequest: { req in
                try req.content.encode(["status": "acknowledged", "body": "已收到，明天上门 " + Self.xss])
            }) { res in
                XCTAssertEqual(res.status, .created, res.body.string)
                XCTAssertEqual(try res.content.decode(PortalRequestDTO.self).status, .acknowledged)
            }
            try await app.call(.POST, "/api/v1/portal/requests/\(mine.id)/replies", headers: f.bearer("officer"), beforeRequest: { req in
                try req.content.encode(["body": "内部：注意核实", "isPublic": "0"])
            }) { XCTAssertEqual($0.status, .created) }
            try await app.call(.POST, "/api/v1/portal/requests/\(mine.id)/replies", headers: f.bearer("officer"), beforeRequest: { req in
                try req.content.encode(["status": "bogus"])
            }) { res in
                XCTAssertEqual(res.status, .unprocessableEntity)
                XCTAssertNotNil(try res.content.decode(ErrorBody.self).fields?["status"])
            }
            try await app.call(.GET, "/api/public/requests/\(mine.token)") { res in
                let d = try res.content.decode(PublicRequestDTO.self)
                XCTAssertEqual(d.status, .acknowledged)
                XCTAssertEqual(d.replies.count, 1, "internal notes stay internal")
                XCTAssertFalse(res.body.string.contains("内部"))
            }
            try await app.call(.GET, "/public/track/\(mine.token)") { res in
                XCTAssertTrue(res.body.string.contains("已收到，明天上门"))
                XCTAssertFalse(res.body.string.contains("<script>alert"))
            }
            try await app.call(.GET, "/api/v1/portal/requests/export.csv", headers: f.bearer("officer")) { res in
                XCTAssertEqual(res.status, .ok)
                XCTAssertTrue(res.body.string.contains("WS"))
                XCTAssertFalse(res.body.string.contains("13800138000"))
            }
            let actions = try await AuditEvent.query(on: app.db).filter(\.$entity == "portal_request").all().map(\.action)
            XCTAssertEqual(actions.filter { $0 == "portal.submit" }.count, 2)
            XCTAssertEqual(actions.filter { $0 == "portal.reply" }.count, 2)
            XCTAssertTrue(actions.contains("portal.export"))
            // The analyst reads but cannot answer.
            try await app.call(.POST, "/api/v1/portal/requests/\(mine.id)/replies", headers: f.bearer("analyst"), beforeRequest: { try $0.content.encode(["body": "x"]) }) {
                XCTAssertEqual($0.status, .forbidden)
            }
        }
    }

    func testOverdueAgainstTheTypesResponseTime() async throws {
        try await withApp { app, f in
            relaxed(app)
            let a = try await apiSubmit(app, community: f.c1)
            let r = try await PortalRequest.find(a.id, on: app.db)!
            let type = try await PortalRequestType.query(on: app.db).filter(\.$code == "help").first()!
            XCTAssertEqual(r.dueAt.timeIntervalSince(r.requestedAt), Double(type.responseHours) * 3600, accuracy: 1)
            r.dueAt = Date().addingTimeInterval(-60); try await r.save(on: app.db)
            try await app.call(.GET, "/api/v1/portal/requests?overdue=1", headers: f.bearer("officer")) { res in
                let p = try res.content.decode(PortalStaffController.Page.self)
                XCTAssertEqual(p.items.map(\.id), [a.id]); XCTAssertTrue(p.items[0].overdue)
            }
            try await app.call(.POST, "/api/v1/portal/requests/\(a.id)/replies", headers: f.bearer("officer"), beforeRequest: { try $0.content.encode(["status": "in_progress"]) }) {
                XCTAssertEqual($0.status, .created)
            }
            try await app.call(.GET, "/api/v1/portal/requests?overdue=1", headers: f.bearer("officer")) { res in
                XCTAssertEqual(try res.content.decode(PortalStaffController.Page.self).items.count, 0)
            }
        }
    }

    func testConvertIntoAnIncidentOrADisputeKeepsTheLink() async throws {
        try await withApp { app, f in
            relaxed(app)
            let a = try await apiSubmit(app, community: f.c1, type: "report_suspicious", description: "有人撬门")
            try await app.call(.POST, "/api/v1/portal/requests/\(a.id)/convert", headers: f.bearer("officer"), beforeRequest: { try $0.content.encode(["to": "incident"]) }) { res in
                XCTAssertEqual(res.status, .unprocessableEntity, "an incident needs a category")
            }
            do { let v2 = try await Incident.query(on: app.db).count(); XCTAssertEqual(v2, 0) }
            try await app.call(.POST, "/api/v1/portal/requests/\(a.id)/convert", headers: f.bearer("officer"), beforeRequest: {
                try $0.content.encode(["to": "incident", "subcategory": "burglary"])
            }) { res in
                XCTAssertEqual(res.status, .created, res.body.string)
                let c = try res.content.decode(PortalStaffController.Converted.self)
                XCTAssertNotNil(c.request.incidentID)
                XCTAssertEqual(c.request.status, .inProgress)
            }
            let incident = try await Incident.query(on: app.db).first()!
            XCTAssertEqual(incident.source, .portal)
            XCTAssertEqual(incident.description, "有人撬门")
            do { let v3 = try await PortalRequest.find(a.id, on: app.db)?.incidentID; XCTAssertEqual(v3, incident.id) }
            try await app.call(.POST, "/api/v1/portal/requests/\(a.id)/convert", headers: f.bearer("officer"), beforeRequest: {
                try $0.content.encode(["to": "dispute", "disputeType": "neighbours", "partyName": "王某"])
            }) { XCTAssertEqual($0.status, .unprocessableEntity, "converted once only") }

            let b = try await apiSubmit(app, community: f.c1, type: "neighbour_dispute", description: "楼上噪音")
            let (cookies, csrf, _) = try await signIn(app, "officer")
            try await app.call(.POST, "/portal/requests/\(b.id)/convert", beforeRequest: { req in
                req.headers.cookie = cookies
                try req.content.encode(["_csrf": csrf, "to": "dispute", "disputeType": "neighbours", "partyName": "王某"], as: .urlEncodedForm)
            }) { res in
                XCTAssertEqual(res.status, .seeOther, res.body.string)
                XCTAssertTrue(res.headers.first(name: .location)?.hasPrefix("/disputes/") ?? false)
            }
            let d = try await Dispute.query(on: app.db).first()!
            XCTAssertEqual(d.source, .online)
            do { let v4 = try await PortalRequest.find(b.id, on: app.db)?.disputeID; XCTAssertEqual(v4, d.id) }
            let converts = try await AuditEvent.query(on: app.db).filter(\.$action == "portal.convert").count()
            XCTAssertEqual(converts, 2)
            try await app.call(.GET, "/api/public/requests/\(b.token)") { res in
                XCTAssertEqual(try res.content.decode(PublicRequestDTO.self).status, .inProgress)
            }
            // Pages render.
            for path in ["/portal", "/portal?overdue=1", "/portal/requests/\(b.id)", "/portal/notices", "/portal/notices/new"] {
                try await app.call(.GET, path, beforeRequest: { $0.headers.cookie = cookies }) { XCTAssertEqual($0.status, .ok, path) }
            }
        }
    }

    func testNoticesArePublishedToAnAreaAndListedPerCommunity() async throws {
        try await withApp { app, f in
            func publish(_ user: String, division: Int, title: String, audience: String = "all") async throws -> HTTPStatus {
                var s = HTTPStatus.ok
                try await app.call(.POST, "/api/v1/portal/notices", headers: f.bearer(user), beforeRequest: { req in
                    try req.content.encode(["kind": "prevention", "title": title, "body": "谨防电信诈骗\n" + Self.xss, "divisionID": "\(division)", "audience": audience])
                }) { s = $0.status }
                return s
            }
            do { let v5 = try await publish("officer", division: f.c1, title: "德兴防范提示", audience: "elderly"); XCTAssertEqual(v5, .created) }
            do { let v6 = try await publish("officer", division: f.c3, title: "越权"); XCTAssertEqual(v6, .unprocessableEntity) }
            do { let v7 = try await publish("admin", division: f.district, title: "全区预警"); XCTAssertEqual(v7, .created) }
            do { let v8 = try await publish("admin", division: f.c3, title: "沙头会议"); XCTAssertEqual(v8, .created) }
            do { let v9 = try await publish("analyst", division: f.c1, title: "x"); XCTAssertEqual(v9, .forbidden) }
            try await app.call(.GET, "/api/public/notices?community=\(f.c1)") { res in
                let titles = try res.content.decode([PublicController.NoticeDoc].self).map(\.title)
                XCTAssertEqual(Set(titles), ["德兴防范提示", "全区预警"])
            }
            try await app.call(.GET, "/api/public/notices?community=\(f.c1)&audience=students") { res in
                XCTAssertEqual(try res.content.decode([PublicController.NoticeDoc].self).map(\.title), ["全区预警"])
            }
            try await app.call(.GET, "/public/notices?community=\(f.c1)") { res in
                XCTAssertEqual(res.status, .ok)
                XCTAssertTrue(res.body.string.contains("德兴防范提示"))
                XCTAssertFalse(res.body.string.contains("沙头会议"))
            }
            let n = try await PortalNotice.query(on: app.db).first()!
            try await app.call(.GET, "/public/notices/\(n.id!)") { res in
                XCTAssertEqual(res.status, .ok)
                XCTAssertFalse(res.body.string.contains("<script>alert"))
            }
            do { let v10 = try await AuditEvent.query(on: app.db).filter(\.$action == "notice.publish").count(); XCTAssertEqual(v10, 3) }
        }
    }

    func testPerceptionSurveyOneAnswerPerPhoneOrTokenPerQuarter() async throws {
        try await withApp { app, f in
            relaxed(app)
            func answer(_ fields: [String: String]) async throws -> HTTPStatus {
                try await formPost(app, page: "/public/survey?community=\(f.c1)", action: "/public/survey", fields: fields).status
            }
            do { let v11 = try await answer(["communityID": "\(f.c1)", "answer": "safe", "phone": "13800138000"]); XCTAssertEqual(v11, .created) }
            do { let v12 = try await answer(["communityID": "\(f.c1)", "answer": "unsafe", "phone": "138 0013 8000"]); XCTAssertEqual(v12, .conflict) }
            // The refusal stays in the portal, in the resident's language, and leads back to the portal, not to a sign-in.
            let again = try await formPost(app, page: "/public/survey?community=\(f.c1)", action: "/public/survey", fields: ["communityID": "\(f.c1)", "answer": "safe", "phone": "13800138000"])
            XCTAssertTrue(again.body.string.contains("409 · 不能重复提交") && again.body.string.contains("本季度您已参加过测评"), again.body.string)
            XCTAssertTrue(again.body.string.contains("网上社区警务室") && again.body.string.contains("href=\"/public\""))
            XCTAssertFalse(again.body.string.contains("Conflict") || again.body.string.contains("/login"))
            try await app.call(.GET, "/public/track/NOSUCHTOKEN3?lang=en") { res in
                XCTAssertEqual(res.status, .notFound)
                XCTAssertTrue(res.body.string.contains("404 · Not found") && res.body.string.contains("Back to the online police office"), res.body.string)
                XCTAssertFalse(res.body.string.contains("/login"))
            }
            do { let v13 = try await answer(["communityID": "\(f.c1)", "answer": "safe"]); XCTAssertEqual(v13, .unprocessableEntity) }
            do { let v14 = try await answer(["communityID": "\(f.c1)", "answer": "meh", "phone": "13800138001"]); XCTAssertEqual(v14, .unprocessableEntity) }
            let t = try await apiSubmit(app, community: f.c1)
            do { let v15 = try await answer(["communityID": "\(f.c1)", "answer": "not_very_safe", "token": t.token]); XCTAssertEqual(v15, .created) }
            do { let v16 = try await answer(["communityID": "\(f.c1)", "answer": "safe", "token": t.token.lowercased()]); XCTAssertEqual(v16, .conflict) }
            for i in 0..<8 { do { let v17 = try await answer(["communityID": "\(f.c1)", "answer": i < 7 ? "fairly_safe" : "unsafe", "phone": "1390000000\(i)"]); XCTAssertEqual(v17, .created) } }
            let rows = try await PerceptionResponse.query(on: app.db).all()
            XCTAssertEqual(rows.count, 10)
            XCTAssertFalse(rows.contains { $0.respondentKey.contains("1380013") }, "respondents are keyed by a keyed hash")
            try await app.call(.GET, "/api/public/perception?community=\(f.c1)") { res in
                let d = try res.content.decode([PublicController.PerceptionDoc].self)
                XCTAssertEqual(d.count, 1)
                XCTAssertEqual(d[0].answers, 10); XCTAssertEqual(d[0].feelSafe, 8)
                XCTAssertEqual(d[0].rate!, 0.8, accuracy: 1e-9)
                let w = WilsonInterval.compute(successes: 8, total: 10)!
                XCTAssertEqual(d[0].low!, w.low, accuracy: 1e-9); XCTAssertEqual(d[0].high!, w.high, accuracy: 1e-9)
                XCTAssertFalse(d[0].meets95)
            }
            try await app.call(.GET, "/api/public/perception?period=2026-13") { XCTAssertEqual($0.status, .unprocessableEntity) }
            for path in ["/public/perception", "/public/communities/\(f.c1)", "/public?q=德兴", "/public?q=" + "<script>".addingPercentEncoding(withAllowedCharacters: .alphanumerics)!, "/public/survey"] {
                try await app.call(.GET, path) { res in
                    XCTAssertEqual(res.status, .ok, path)
                    XCTAssertFalse(res.body.string.contains("<script>"), path)
                }
            }
            try await app.call(.GET, "/public/communities/\(f.c1)") { XCTAssertTrue($0.body.string.contains("80.0%")) }
            try await app.call(.GET, "/public?q=德兴") { XCTAssertTrue($0.body.string.contains("德兴社区")) }
            try await app.call(.GET, "/api/public/communities?q=番禺区市桥街道德兴社区") { res in
                XCTAssertEqual(try res.content.decode([PublicController.CommunityDoc].self).map(\.name), ["德兴社区"])
            }
        }
    }

    /// Issue 25: GeoReport v2 conformance — `description` is optional, errors name the Open311 fields, unknown paths
    /// answer in the error format, and the discovery URL has no trailing slash.
    func testOpen311Conformance() async throws {
        try await withApp { app, f in
            relaxed(app)
            let key = Open311Key(); key.name = "test"; key.keyHash = Tokens.hash("key-1"); key.active = true; key.createdAt = Date()
            try await key.create(on: app.db)
            func post(_ fields: [String: String], _ fmt: String = "json") async throws -> XCTHTTPResponse {
                var out: XCTHTTPResponse? = nil
                try await app.call(.POST, "/open311/v2/requests.\(fmt)", beforeRequest: { try $0.content.encode(fields, as: .urlEncodedForm) }) { out = $0 }
                return out!
            }
            func errors(_ r: XCTHTTPResponse) -> [String] {
                ((try? JSONSerialization.jsonObject(with: Data(r.body.string.utf8))) as? [[String: Any]] ?? []).compactMap { $0["description"] as? String }
            }
            // No description, the service's required attribute given: accepted (it answered "description: 请写明情况").
            let noText = try await post(["api_key": "key-1", "service_code": "report_hazard", "address_id": "440113007601", "attribute[hazard_kind]": "traffic"])
            XCTAssertEqual(noText.status, .created, noText.body.string)
            let id = try XCTUnwrap((try JSONSerialization.jsonObject(with: Data(noText.body.string.utf8)) as? [[String: Any]])?.first?["service_request_id"] as? String)
            let stored = try await PortalRequest.find(Int(id), on: app.db)!
            XCTAssertEqual(stored.description, "")
            // A service without attributes needs nothing more than the spec does.
            let plain = try await post(["api_key": "key-1", "service_code": "help", "address_id": "440113007601"], "xml")
            XCTAssertEqual(plain.status, .created, plain.body.string)
            // Still refused without the required attribute, the field named the Open311 way.
            let missing = try await post(["api_key": "key-1", "service_code": "report_hazard", "address_id": "440113007601"])
            XCTAssertEqual(missing.status, .badRequest)
            XCTAssertEqual(errors(missing).count, 1)
            XCTAssertTrue(errors(missing)[0].hasPrefix("attribute[hazard_kind]: "), "\(errors(missing))")
            let unknownService = try await post(["api_key": "key-1", "service_code": "nope", "address_id": "440113007601"])
            XCTAssertEqual(unknownService.status, .badRequest)
            XCTAssertEqual(errors(unknownService), ["service_code: not a known service_code"], "not the internal `type`")
            XCTAssertFalse(unknownService.body.string.contains("type:"))
            let badPhone = try await post(["api_key": "key-1", "service_code": "help", "address_id": "440113007601", "phone": "12", "long": "x", "lat": "22.9"])
            XCTAssertEqual(errors(badPhone).map { String($0.prefix { $0 != ":" }) }, ["long", "phone"])

            // The staff page says the description was left out; converting uses the type and its attributes.
            try await app.call(.GET, "/portal/requests/\(id)", headers: f.bearer("admin")) { res in
                XCTAssertEqual(res.status, .ok)
                XCTAssertTrue(res.body.string.contains("未填写"))
                XCTAssertTrue(res.body.string.contains("交通隐患"), "the attribute's value by its name, not its key")
                XCTAssertFalse(res.body.string.contains("Kind of hazard"), "one language per page")
            }
            let hazard = try await PortalService.types(app.db).first { $0.code == "report_hazard" }
            XCTAssertEqual(PortalService.text(stored, type: hazard, Lang(isEnglish: false)), "治安隐患反映：隐患类别 交通隐患", "type name and attributes")

            // Unknown paths and methods under /open311/v2: the error format, JSON or XML by the extension, never HTML.
            for (path, fmt) in [("/open311/v2/nothing/here.json", "json"), ("/open311/v2/requests/1/more.xml", "xml"), ("/open311/v2/services/a/b", "json"), ("/open311/v2", "json")] {
                try await app.call(.GET, path) { res in
                    XCTAssertEqual(res.status, .notFound, path)
                    XCTAssertFalse(res.body.string.contains("<html"), path)
                    if fmt == "xml" { XCTAssertTrue(res.body.string.contains("<errors><error><code>404</code>"), path) }
                    else { XCTAssertEqual((try? JSONSerialization.jsonObject(with: Data(res.body.string.utf8)) as? [[String: Any]])?.first?["code"] as? Int, 404, path) }
                }
            }
            try await app.call(.POST, "/open311/v2/nothing/here.json", beforeRequest: { try $0.content.encode(["api_key": "key-1"], as: .urlEncodedForm) }) { res in
                XCTAssertEqual(res.status, .notFound); XCTAssertTrue(res.body.string.contains(#""code":404"#))
            }
            try await app.call(.DELETE, "/open311/v2/requests.json") { res in
                XCTAssertEqual(res.status, .methodNotAllowed); XCTAssertTrue(res.body.string.contains(#""code":405"#))
            }
            // Discovery: the endpoint URL ends without a slash (clients build "…/v2/services.json", not "…/v2//services.json"),
            // and comes from the configuration (PINGAN_PUBLIC_URL, else the listen address), not the Host header.
            try await app.call(.GET, "/open311/v2/discovery.json", headers: ["Host": "pingan.example"]) { res in
                let doc = try JSONSerialization.jsonObject(with: Data(res.body.string.utf8)) as! [String: Any]
                let url = ((doc["endpoints"] as! [[String: Any]])[0]["url"] as! String)
                XCTAssertEqual(url, "http://127.0.0.1:8080/open311/v2")
            }
            try await app.call(.GET, "/open311/v2/discovery.xml", headers: ["Host": "pingan.example"]) { res in
                XCTAssertTrue(res.body.string.contains("<url>http://127.0.0.1:8080/open311/v2</url>"))
            }
        }
    }

    func testOpen311() async throws {
        try await withApp { app, f in
            relaxed(app)
            let key = Open311Key(); key.name = "test"; key.keyHash = Tokens.hash("key-1"); key.active = true; key.createdAt = Date()
            try await key.create(on: app.db)
            try await app.call(.GET, "/open311/v2/discovery.json") { res in
                XCTAssertEqual(res.status, .ok); XCTAssertTrue(res.body.string.contains("endpoints"))
            }
            try await app.call(.GET, "/open311/v2/services.json") { res in
                let list = try JSONSerialization.jsonObject(with: Data(res.body.string.utf8)) as! [[String: Any]]
                XCTAssertEqual(list.count, 6)
                for s in list { for k in ["service_code", "service_name", "metadata", "type"] { XCTAssertNotNil(s[k], k) } }
                XCTAssertEqual(list.first { $0["service_code"] as? String == "report_hazard" }?["metadata"] as? Bool, true)
            }
            try await app.call(.GET, "/open311/v2/services/report_hazard.xml") { res in
                XCTAssertEqual(res.status, .ok); XCTAssertTrue(res.body.string.contains("<service_definition><service_code>report_hazard</service_code>"))
            }
            try await app.call(.GET, "/open311/v2/services/nope.json") { res in
                XCTAssertEqual(res.status, .notFound)
                let e = try JSONSerialization.jsonObject(with: Data(res.body.string.utf8)) as! [[String: Any]]
                XCTAssertEqual(e.first?["code"] as? Int, 404); XCTAssertNotNil(e.first?["description"] as? String)
            }
            func post(_ fields: [String: String], _ fmt: String = "json") async throws -> XCTHTTPResponse {
                var out: XCTHTTPResponse? = nil
                try await app.call(.POST, "/open311/v2/requests.\(fmt)", beforeRequest: { try $0.content.encode(fields, as: .urlEncodedForm) }) { out = $0 }
                return out!
            }
            let noKey = try await post(["service_code": "help", "description": "x", "address_id": "440113007601"])
            XCTAssertEqual(noKey.status, .forbidden)
            XCTAssertTrue(noKey.body.string.contains(#""code":403"#))
            let noKeyXML = try await post(["service_code": "help", "description": "x"], "xml")
            XCTAssertTrue(noKeyXML.body.string.contains("<errors><error><code>403</code>"))
            let noPlace = try await post(["api_key": "key-1", "service_code": "help", "description": "x"])
            XCTAssertEqual(noPlace.status, .badRequest)
            let missingAttr = try await post(["api_key": "key-1", "service_code": "report_hazard", "description": "x", "address_id": "440113007601"])
            XCTAssertEqual(missingAttr.status, .badRequest)
            XCTAssertTrue(missingAttr.body.string.contains("attribute[hazard_kind]"), missingAttr.body.string)
            let ok = try await post(["api_key": "key-1", "service_code": "report_hazard", "description": "井盖缺失 " + Self.xss, "address_string": "番禺区市桥街道德兴社区德兴路3号",
                                     "attribute[hazard_kind]": "traffic", "phone": "13800138000", "first_name": "张", "last_name": "秘密"])
            XCTAssertEqual(ok.status, .created, ok.body.string)
            let created = try JSONSerialization.jsonObject(with: Data(ok.body.string.utf8)) as! [[String: Any]]
            let id = created[0]["service_request_id"] as! String
            let r = try await PortalRequest.find(Int(id), on: app.db)!
            XCTAssertEqual(r.communityID, f.c1); XCTAssertEqual(r.via, "open311"); XCTAssertTrue(r.attributesJSON.contains("traffic"))
            let other = try await apiSubmit(app, community: f.c3, type: "question")
            try await app.call(.POST, "/api/v1/portal/requests/\(other.id)/replies", headers: f.bearer("admin"), beforeRequest: { try $0.content.encode(["status": "fixed", "body": "已答复"]) }) { _ in }
            func get(_ path: String) async throws -> (HTTPStatus, String) {
                var out: (HTTPStatus, String) = (.ok, "")
                try await app.call(.GET, path) { out = ($0.status, $0.body.string) }
                return out
            }
            func ids(_ body: String) -> [String] { ((try? JSONSerialization.jsonObject(with: Data(body.utf8))) as? [[String: Any]] ?? []).compactMap { $0["service_request_id"] as? String } }
            let all = try await get("/open311/v2/requests.json")
            XCTAssertEqual(Set(ids(all.1)), [id, String(other.id)])
            let list = try JSONSerialization.jsonObject(with: Data(all.1.utf8)) as! [[String: Any]]
            for item in list {
                for k in ["service_request_id", "status", "service_code", "requested_datetime"] { XCTAssertNotNil(item[k], k) }
                XCTAssertTrue(["open", "closed"].contains(item["status"] as! String))
                XCTAssertTrue(item["lat"] is NSNull, "no coordinates leave")
            }
            XCTAssertFalse(all.1.contains("秘密")); XCTAssertFalse(all.1.contains("13800138000")); XCTAssertFalse(all.1.contains("井盖缺失"))
            do { let b = try await get("/open311/v2/requests.json?status=closed").1; XCTAssertEqual(ids(b), [String(other.id)]) }
            do { let b = try await get("/open311/v2/requests.json?status=open").1; XCTAssertEqual(ids(b), [id]) }
            do { let b = try await get("/open311/v2/requests.json?service_code=question,help").1; XCTAssertEqual(ids(b), [String(other.id)]) }
            do { let b = try await get("/open311/v2/requests.json?service_request_id=\(id)").1; XCTAssertEqual(ids(b), [id]) }
            do { let b = try await get("/open311/v2/requests.json?start_date=2020-01-01T00:00:00Z&end_date=2020-02-01T00:00:00Z").1; XCTAssertEqual(ids(b), []) }
            do { let v18 = try await get("/open311/v2/requests.json?start_date=2020-01-01T00:00:00Z&end_date=2020-12-01T00:00:00Z").0; XCTAssertEqual(v18, .badRequest) }
            do { let v19 = try await get("/open311/v2/requests.json?status=pending").0; XCTAssertEqual(v19, .badRequest) }
            do { let v20 = try await get("/open311/v2/requests.json?start_date=yesterday").0; XCTAssertEqual(v20, .badRequest) }
            let one = try await get("/open311/v2/requests/\(id).xml")
            XCTAssertTrue(one.1.contains("<service_requests><request><service_request_id>\(id)</service_request_id><status>open</status>"))
            do { let v21 = try await get("/open311/v2/requests/999999.json").0; XCTAssertEqual(v21, .notFound) }
            let tok = try await get("/open311/v2/tokens/\(r.token).json")
            XCTAssertEqual(ids(tok.1), [id])
            do { let v22 = try await get("/open311/v2/tokens/XXXXXXXXXXXX.json").0; XCTAssertEqual(v22, .notFound) }
            do { let v23 = try await get("/open311/v2/services.csv").0; XCTAssertEqual(v23, .badRequest) }
        }
    }

    func testRequestTypesAreConfigurable() async throws {
        try await withApp { app, f in
            relaxed(app)
            let help = try await PortalRequestType.query(on: app.db).filter(\.$code == "help").first()!
            func patch(_ user: String, _ body: [String: String]) async throws -> HTTPStatus {
                var s = HTTPStatus.ok
                try await app.call(.PATCH, "/api/v1/portal/request-types/\(help.id!)", headers: f.bearer(user), beforeRequest: { try $0.content.encode(body) }) { s = $0.status }
                return s
            }
            do { let s = try await patch("officer", ["responseHours": "1"]); XCTAssertEqual(s, .forbidden) }
            do { let s = try await patch("admin", ["responseHours": "0"]); XCTAssertEqual(s, .unprocessableEntity) }
            do { let s = try await patch("admin", ["responseHours": "1", "nameZh": "紧急求助"]); XCTAssertEqual(s, .ok) }
            let a = try await apiSubmit(app, community: f.c1)
            let r = try await PortalRequest.find(a.id, on: app.db)!
            XCTAssertEqual(r.dueAt.timeIntervalSince(r.requestedAt), 3600, accuracy: 1)
            do { let s = try await patch("admin", ["active": "0"]); XCTAssertEqual(s, .ok) }
            try await apiSubmit(app, community: f.c1, expect: .unprocessableEntity)
            try await app.call(.GET, "/open311/v2/services.json") { XCTAssertFalse($0.body.string.contains(#""service_code":"help""#)) }
            let audits = try await AuditEvent.query(on: app.db).filter(\.$action == "portal.type.update").count()
            XCTAssertEqual(audits, 2)
            let (cookies, _, _) = try await signIn(app, "admin")
            try await app.call(.GET, "/portal/types", beforeRequest: { $0.headers.cookie = cookies }) { res in
                XCTAssertEqual(res.status, .ok); XCTAssertTrue(res.body.string.contains("紧急求助"))
            }
        }
    }
}
