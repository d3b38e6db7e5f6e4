import Fluent
import SQLKit
import XCTVapor
import PinganKit
@testable import PinganServer

/// Registers a dispute through the API and returns its id.
@discardableResult
func createDispute(_ app: Application, _ f: Fixture, as user: String = "admin", type: String = "neighbours", community: Int, grid: Int? = nil,
                   level: String? = nil, people: Int = 2, extra: String = "") async throws -> Int {
    var id = 0
    let place = #""communityID":\#(community)"# + (grid.map { #","gridID":\#($0)"# } ?? "") + (level.map { #","level":"\#($0)""# } ?? "")
    let body = #"{"type":"\#(type)","source":"walk_in","summary":"楼上漏水引发争吵","peopleInvolved":\#(people),\#(place),"parties":[{"name":"张三"},{"name":"李四","side":"respondent"}]\#(extra)}"#
    try await postJSON(app, "/api/v1/disputes", body, as: f.bearer(user)) { res in
        XCTAssertEqual(res.status, .created, res.body.string)
        id = (try? res.content.decode(DisputeDTO.self).id) ?? 0
    }
    return id
}

final class DisputeTests: XCTestCase {
    func act(_ app: Application, _ f: Fixture, _ id: Int, _ json: String, as user: String = "admin", expect: HTTPStatus = .ok, field: String? = nil) async throws -> DisputeDTO? {
        var out: DisputeDTO?
        try await postJSON(app, "/api/v1/disputes/\(id)/actions", json, as: f.bearer(user)) { res in
            XCTAssertEqual(res.status, expect, json + " → " + res.body.string)
            if let field { XCTAssertNotNil(try res.content.decode(ErrorBody.self).fields?[field], json + " → " + res.body.string) }
            if expect == .ok { out = try res.content.decode(DisputeDTO.self) }
        }
        return out
    }

    func testInvalidRegistrationIsRefusedFieldByFieldAndNothingIsWritten() async throws {
        try await withApp { app, f in
            try await postJSON(app, "/api/v1/disputes", #"{"type":"duel","summary":"","peopleInvolved":0,"communityID":\#(f.c3),"parties":[{"personID":987654}],"level":"planet"}"#, as: f.bearer("officer")) { res in
                XCTAssertEqual(res.status, .unprocessableEntity)
                let fields = Set(try res.content.decode(ErrorBody.self).fields?.keys.map { $0 } ?? [])
                XCTAssertEqual(fields, ["type", "source", "summary", "peopleInvolved", "communityID", "parties.0.personID", "level"])
            }
            try await postJSON(app, "/api/v1/disputes", #"{"type":"family","source":"walk_in","summary":"x","communityID":\#(f.c1),"parties":[]}"#, as: f.bearer("officer")) { res in
                XCTAssertEqual(res.status, .unprocessableEntity)
                XCTAssertEqual(try res.content.decode(ErrorBody.self).fields?.keys.sorted(), ["parties"])
            }
            try await postJSON(app, "/api/v1/disputes", #"{"type":"family","source":"walk_in","summary":"x","communityID":\#(f.c1),"parties":[{"name":"王五"}]}"#, as: f.bearer("leader")) { res in
                XCTAssertEqual(res.status, .forbidden, "team leaders do not register disputes")
            }
            let n = try await Dispute.query(on: app.db).count()
            let p = try await DisputeParty.query(on: app.db).count()
            XCTAssertEqual(n + p, 0)
        }
    }

    func testTheWholeWorkflowWithTimelineAndAudit() async throws {
        try await withApp { app, f in
            let person = try await createPerson(app, f, community: f.c1, grid: f.g1a, id: residentID(sequence: "701"))
            let id = try await createDispute(app, f, as: "officer", community: f.c1, grid: f.g1a, extra: #","address":"德兴路3号""#)
            var d = try await DisputeService_get(app, f, id)
            XCTAssertEqual(d.status, .registered)
            XCTAssertEqual(d.level, .community, "a neighbours' quarrel between two people stays in the community")
            XCTAssertEqual(d.parties?.map(\.name), ["张三", "李四"])
            // A party linked to the registry takes the registry's name.
            try await postJSON(app, "/api/v1/disputes", #"{"type":"family","source":"walk_in","summary":"x","communityID":\#(f.c1),"parties":[{"personID":\#(person)},{"name":"某公司"}]}"#, as: f.bearer("officer")) { res in
                XCTAssertEqual(res.status, .created, res.body.string)
                let p = try res.content.decode(DisputeDTO.self).parties ?? []
                XCTAssertEqual(p.map(\.name), ["陈小明", "某公司"]); XCTAssertEqual(p.first?.personID, person)
            }
            // A typed name must be the linked person's.
            try await postJSON(app, "/api/v1/disputes", #"{"type":"family","source":"walk_in","summary":"x","communityID":\#(f.c1),"parties":[{"personID":\#(person),"name":"王五"}]}"#, as: f.bearer("officer")) { res in
                XCTAssertEqual(res.status, .unprocessableEntity)
                XCTAssertEqual(try res.content.decode(ErrorBody.self).fields?["parties.0.name"], "与关联的实有人口姓名「陈小明」不一致")
            }

            // Skipping steps is refused with a message that says what is allowed.
            try await postJSON(app, "/api/v1/disputes/\(id)/actions", #"{"action":"close","outcome":"agreement","terms":"x"}"#, as: f.bearer("officer")) { res in
                XCTAssertEqual(res.status, .unprocessableEntity)
                XCTAssertEqual(try res.content.decode(ErrorBody.self).fields?["action"], "“已登记”的纠纷不能结案；可以：受理、不予受理")
            }
            _ = try await act(app, f, id, #"{"action":"launch"}"#, as: "officer", expect: .unprocessableEntity, field: "action")
            _ = try await act(app, f, id, #"{"action":"accept","limitDays":500}"#, as: "officer", expect: .unprocessableEntity, field: "limitDays")
            d = try await act(app, f, id, #"{"action":"accept","limitDays":15}"#, as: "officer")!
            XCTAssertEqual(d.status, .accepted)
            XCTAssertEqual(d.dueOn, DisputeDeadline.dueDay(acceptedDay: d.acceptedOn!, days: 15))
            XCTAssertFalse(d.overdue)

            // Assign to the street sub-centre's mediator (the fixture's mediator works for 市桥街道).
            let mediator = f.users["mediator"]!
            _ = try await act(app, f, id, #"{"action":"assign","level":"community","mediatorID":\#(mediator)}"#, as: "officer", expect: .unprocessableEntity, field: "mediatorID")
            d = try await act(app, f, id, #"{"action":"assign","level":"street","mediatorID":"auto"}"#, as: "officer")!
            XCTAssertEqual(d.status, .assigned); XCTAssertEqual(d.level, .street); XCTAssertEqual(d.mediatorID, mediator, "the only street mediator is suggested")

            // Sessions: the mediator records one; a future date is refused.
            try await postJSON(app, "/api/v1/disputes/\(id)/sessions", #"{"heldOn":"2099-01-01","participants":"","minutes":""}"#, as: f.bearer("mediator")) { res in
                XCTAssertEqual(res.status, .unprocessableEntity)
                XCTAssertEqual(try res.content.decode(ErrorBody.self).fields?.keys.sorted(), ["heldOn", "minutes", "participants"])
            }
            _ = try await act(app, f, id, #"{"action":"close","outcome":"agreement","terms":"维修费各半"}"#, as: "mediator", expect: .unprocessableEntity, field: "outcome")
            try await postJSON(app, "/api/v1/disputes/\(id)/sessions", #"{"participants":"张三、李四、调解员王强","minutes":"双方同意共同出资维修"}"#, as: f.bearer("mediator")) { res in
                XCTAssertEqual(res.status, .created, res.body.string)
                XCTAssertEqual(try res.content.decode(DisputeDTO.self).status, .mediating)
            }
            _ = try await act(app, f, id, #"{"action":"close","outcome":"agreement"}"#, as: "mediator", expect: .unprocessableEntity, field: "terms")
            _ = try await act(app, f, id, #"{"action":"close","outcome":"agreement","terms":"x","channel":"court"}"#, as: "mediator", expect: .unprocessableEntity, field: "channel")
            d = try await act(app, f, id, #"{"action":"close","outcome":"agreement","terms":"维修费各半，月底前完成"}"#, as: "mediator")!
            XCTAssertEqual(d.status, .closed); XCTAssertEqual(d.outcome, .agreement); XCTAssertEqual(d.agreementTerms, "维修费各半，月底前完成")
            XCTAssertNotNil(d.closedAt)
            _ = try await act(app, f, id, #"{"action":"follow_up"}"#, as: "mediator", expect: .unprocessableEntity, field: "kept")
            d = try await act(app, f, id, #"{"action":"follow_up","kept":"yes","note":"已修好"}"#, as: "mediator")!
            XCTAssertEqual(d.status, .followedUp); XCTAssertEqual(d.followUpKept, true)
            _ = try await act(app, f, id, #"{"action":"accept"}"#, as: "admin", expect: .unprocessableEntity, field: "action")

            XCTAssertEqual(d.timeline?.map(\.action), ["register", "accept", "assign", "session", "close", "follow_up"])
            XCTAssertEqual(d.timeline?.map(\.to), [.registered, .accepted, .assigned, .mediating, .closed, .followedUp])
            XCTAssertEqual(d.timeline?.last?.by, "Mediator")
            XCTAssertEqual(d.sessions?.count, 1)
            let audits = try await AuditEvent.query(on: app.db).filter(\.$entity == "dispute").sort(\.$id).all().map(\.action)
            XCTAssertEqual(audits, ["dispute.create", "dispute.create", "dispute.accept", "dispute.assign", "dispute.session", "dispute.close", "dispute.follow_up"])
        }
    }

    func testEscalationKeepsHistoryAndOnlyGoesUp() async throws {
        try await withApp { app, f in
            let id = try await createDispute(app, f, community: f.c1, grid: f.g1a)
            _ = try await act(app, f, id, #"{"action":"accept"}"#)
            _ = try await act(app, f, id, #"{"action":"assign","mediatorID":"none"}"#)
            _ = try await act(app, f, id, #"{"action":"escalate","level":"community"}"#, expect: .unprocessableEntity, field: "level")
            let d = try await act(app, f, id, #"{"action":"escalate","level":"street","note":"涉及物业公司"}"#)!
            XCTAssertEqual(d.level, .street); XCTAssertEqual(d.escalations, 1); XCTAssertEqual(d.status, .assigned)
            XCTAssertEqual(d.timeline?.map(\.level), [.community, .community, .community, .street])
            XCTAssertTrue(d.timeline?.last?.detail.contains("涉及物业公司") ?? false)
            // A referral ends the file's time in people's mediation.
            let r = try await act(app, f, id, #"{"action":"refer","channel":"judicial"}"#)!
            XCTAssertEqual(r.status, .referred); XCTAssertEqual(r.referredTo, .judicial)
        }
    }

    func testRoutingAtTheDesk() async throws {
        try await withApp { app, f in
            let wage = try await DisputeService_get(app, f, try await createDispute(app, f, type: "wage_arrears", community: f.c1))
            XCTAssertEqual(wage.level, .street)
            let mass = try await DisputeService_get(app, f, try await createDispute(app, f, type: "family", community: f.c1, extra: #","riskMassPetition":true"#))
            XCTAssertEqual(mass.level, .district)
            XCTAssertTrue(mass.riskMassPetition)
            let crowd = try await DisputeService_get(app, f, try await createDispute(app, f, type: "consumer", community: f.c1, people: 12))
            XCTAssertEqual(crowd.level, .street)
            XCTAssertTrue(crowd.timeline?.first?.detail.contains("街道调处分中心") ?? false, "the routing reason is on the timeline")
            let chosen = try await DisputeService_get(app, f, try await createDispute(app, f, type: "consumer", community: f.c1, level: "district"))
            XCTAssertEqual(chosen.level, .district)
        }
    }

    func testScopingForOfficersAndMediators() async throws {
        try await withApp { app, f in
            let streetQueue = try await createDispute(app, f, community: f.c1, grid: f.g1a, level: "street")
            let communityLevel = try await createDispute(app, f, community: f.c2, grid: f.g2)
            let otherStreet = try await createDispute(app, f, community: f.c3, grid: f.g3, level: "street")
            func ids(_ user: String, _ query: String = "") async throws -> Set<Int> {
                var out = Set<Int>()
                try await app.call(.GET, "/api/v1/disputes" + query, headers: f.bearer(user)) { res in
                    XCTAssertEqual(res.status, .ok, res.body.string)
                    out = Set(try res.content.decode(DisputeAPIController.Page.self).items.map(\.id))
                }
                return out
            }
            let officerSees = try await ids("officer"), officer3Sees = try await ids("officer3"), mediatorSees = try await ids("mediator"), adminSees = try await ids("admin")
            XCTAssertEqual(officerSees, [streetQueue])
            XCTAssertEqual(officer3Sees, [otherStreet])
            XCTAssertEqual(mediatorSees, [streetQueue], "a street mediator sees the street queue, not community-level files")
            XCTAssertEqual(adminSees, [streetQueue, communityLevel, otherStreet])
            try await app.call(.GET, "/api/v1/disputes/\(communityLevel)", headers: f.bearer("mediator")) { XCTAssertEqual($0.status, .notFound) }
            try await app.call(.GET, "/api/v1/disputes/\(streetQueue)", headers: f.bearer("officer3")) { XCTAssertEqual($0.status, .notFound) }
            try await postJSON(app, "/api/v1/disputes/\(otherStreet)/actions", #"{"action":"accept"}"#, as: f.bearer("officer")) { XCTAssertEqual($0.status, .notFound) }
            // Once assigned to them, the file stays with the mediator even if it is community-level.
            _ = try await act(app, f, communityLevel, #"{"action":"accept"}"#)
            _ = try await act(app, f, communityLevel, #"{"action":"assign","level":"street","mediatorID":\#(f.users["mediator"]!)}"#)
            let after = try await ids("mediator")
            XCTAssertEqual(after, [streetQueue, communityLevel])
            let filtered = try await ids("admin", "?mediator=\(f.users["mediator"]!)")
            XCTAssertEqual(filtered, [communityLevel])
            let byType = try await ids("admin", "?type=neighbours&level=street&q=张三")
            XCTAssertEqual(byType, [streetQueue, otherStreet, communityLevel])
            try await app.call(.GET, "/api/v1/disputes?status=lost", headers: f.bearer("admin")) { XCTAssertEqual($0.status, .unprocessableEntity) }
        }
    }

    func testOverdueWorklistAndDesk() async throws {
        try await withApp { app, f in
            let late = try await createDispute(app, f, community: f.c1, grid: f.g1a)
            let onTime = try await createDispute(app, f, community: f.c1, grid: f.g1a)
            for id in [late, onTime] {
                _ = try await act(app, f, id, #"{"action":"accept"}"#)
                _ = try await act(app, f, id, #"{"action":"assign","level":"street","mediatorID":"auto"}"#)
            }
            let sql = app.db as! any SQLDatabase
            try await sql.update("disputes").set("due_on", to: "2020-01-31").where("id", .equal, late).run()
            try await app.call(.GET, "/api/v1/disputes?overdue=1", headers: f.bearer("mediator")) { res in
                let page = try res.content.decode(DisputeAPIController.Page.self)
                XCTAssertEqual(page.items.map(\.id), [late]); XCTAssertTrue(page.items[0].overdue)
            }
            try await app.call(.GET, "/api/v1/disputes/desk", headers: f.bearer("admin")) { res in
                let desk = try res.content.decode(DisputeService.LevelDesk.self)
                let street = desk.levels.first { $0.level == .street }!
                XCTAssertEqual(street.late, 1); XCTAssertEqual(street.inHand, 2); XCTAssertEqual(street.arrived, 2)
                XCTAssertEqual(desk.mediators.first?.mediatorID, f.users["mediator"]); XCTAssertEqual(desk.mediators.first?.late, 1); XCTAssertEqual(desk.mediators.first?.open, 2)
                XCTAssertEqual(desk.late.map(\.id), [late])
            }
            let s = try await signIn(app, "mediator")
            try await app.call(.GET, "/disputes/desk", beforeRequest: { $0.headers.cookie = s.cookies }) { res in
                XCTAssertEqual(res.status, .ok)
                XCTAssertTrue(res.body.string.contains("2020-01-31"))
            }
            try await app.call(.GET, "/disputes?overdue=1", beforeRequest: { $0.headers.cookie = s.cookies }) { res in
                XCTAssertTrue(res.body.string.contains("超期"))
            }
        }
    }

    func testStatisticsAndCSV() async throws {
        try await withApp { app, f in
            var ids: [Int] = []
            for i in 0..<6 { ids.append(try await createDispute(app, f, type: i < 4 ? "family" : "labour", community: i < 5 ? f.c1 : f.c3, extra: i == 0 ? #","riskCriminal":true"# : "")) }
            let sql = app.db as! any SQLDatabase
            // 4 agreements, 1 failed, 1 still registered: 4 / 5 = 80.0%.
            for id in ids.prefix(4) { try await sql.update("disputes").set("status", to: "closed").set("outcome", to: "agreement").set("accepted_on", to: "2026-01-01").set("closed_at", to: Date()).where("id", .equal, id).run() }
            try await sql.update("disputes").set("status", to: "closed").set("outcome", to: "failed").set("accepted_on", to: "2026-01-01").set("closed_at", to: Date()).where("id", .equal, ids[4]).run()
            try await app.call(.GET, "/api/v1/disputes/stats?by=type", headers: f.bearer("admin")) { res in
                XCTAssertEqual(res.status, .ok, res.body.string)
                let r = try res.content.decode(DisputeService.StatsResult.self)
                XCTAssertEqual(r.total.stats.registered, 6); XCTAssertEqual(r.total.stats.handled, 5); XCTAssertEqual(r.total.successRate, "80.0%")
                XCTAssertEqual(r.total.stats.preventedEscalations, 1)
                XCTAssertEqual(r.rows.first { $0.key == "family" }?.successRate, "100.0%")
                XCTAssertEqual(r.rows.first { $0.key == "labour" }?.successRate, "0.0%")
                XCTAssertEqual(r.total.averageDaysToClose, 0)
            }
            try await app.call(.GET, "/api/v1/disputes/stats?by=community", headers: f.bearer("officer")) { res in
                let r = try res.content.decode(DisputeService.StatsResult.self)
                XCTAssertEqual(r.rows.map(\.label), ["德兴社区"], "statistics are scoped")
                XCTAssertEqual(r.total.stats.registered, 5)
            }
            try await app.call(.GET, "/api/v1/disputes/stats?by=planet", headers: f.bearer("admin")) { XCTAssertEqual($0.status, .unprocessableEntity) }
            try await app.call(.GET, "/api/v1/disputes/stats?from=2026-05&to=2026-01", headers: f.bearer("admin")) { XCTAssertEqual($0.status, .unprocessableEntity) }
            let s = try await signIn(app, "officer")
            try await app.call(.GET, "/disputes/stats.csv?by=level", beforeRequest: { $0.headers.cookie = s.cookies }) { res in
                XCTAssertEqual(res.status, .ok)
                XCTAssertTrue(res.body.string.contains("调处成功率")); XCTAssertTrue(res.body.string.contains("80.0%"))
            }
            try await app.call(.GET, "/disputes/export.csv", beforeRequest: { $0.headers.cookie = s.cookies }) { res in
                XCTAssertEqual(res.status, .ok)
                let text = res.body.string
                XCTAssertTrue(text.contains("张三；李四")); XCTAssertTrue(text.contains("民转刑")); XCTAssertFalse(text.contains("沙头社区"))
            }
            try await app.call(.GET, "/disputes/stats?by=month", beforeRequest: { $0.headers.cookie = s.cookies }) { res in
                XCTAssertEqual(res.status, .ok); XCTAssertTrue(res.body.string.contains("调处成功率80.0%"))
            }
        }
    }

    func testIncidentLinksAndTheCriminalReviewFlag() async throws {
        try await withApp { app, f in
            let id = try await createDispute(app, f, community: f.c1, grid: f.g1a)
            // The incident helper makes a burglary 5 hours ago: before the dispute, so no review flag.
            let before = try await createIncident(app, f, community: f.c1, grid: f.g1a)
            let outside = try await createIncident(app, f, community: f.c3, grid: f.g3)
            try await postJSON(app, "/api/v1/disputes/\(id)/links", #"{"incidentID":\#(outside)}"#, as: f.bearer("officer")) { res in
                XCTAssertEqual(res.status, .unprocessableEntity, "an incident outside the user's jurisdiction is not found")
                XCTAssertNotNil(try res.content.decode(ErrorBody.self).fields?["incidentID"])
            }
            try await postJSON(app, "/api/v1/disputes/\(id)/links", #"{"incidentID":\#(before)}"#, as: f.bearer("officer")) { res in
                XCTAssertEqual(res.status, .created, res.body.string)
                let d = try res.content.decode(DisputeDTO.self)
                XCTAssertEqual(d.incidents?.map(\.id), [before]); XCTAssertFalse(d.criminalReview)
            }
            try await postJSON(app, "/api/v1/disputes/\(id)/links", #"{"incidentID":\#(before)}"#, as: f.bearer("officer")) { XCTAssertEqual($0.status, .unprocessableEntity) }
            // A criminal incident after registration: a failed 民转刑 prevention, flagged for review.
            let later = try await createIncident(app, f, community: f.c1, grid: f.g1a)
            let sql = app.db as! any SQLDatabase
            try await sql.update("incidents").set("occurred_at", to: Date().addingTimeInterval(60)).where("id", .equal, later).run()
            try await postJSON(app, "/api/v1/disputes/\(id)/links", #"{"incidentID":\#(later)}"#, as: f.bearer("officer")) { res in
                let d = try res.content.decode(DisputeDTO.self)
                XCTAssertTrue(d.criminalReview); XCTAssertTrue(d.timeline?.last?.detail.contains("民转刑复查") ?? false)
            }
            try await app.call(.GET, "/api/v1/disputes?review=1", headers: f.bearer("officer")) { res in
                XCTAssertEqual(try res.content.decode(DisputeAPIController.Page.self).items.map(\.id), [id])
            }
            // The incident's side of the link.
            try await app.call(.GET, "/api/v1/incidents/\(later)/disputes", headers: f.bearer("officer")) { res in
                XCTAssertEqual(try res.content.decode([DisputeDTO].self).map(\.id), [id])
            }
            try await app.call(.GET, "/api/v1/incidents/\(later)/disputes", headers: f.bearer("officer3")) { XCTAssertEqual($0.status, .notFound) }
        }
    }

    func testWebFormsKeepWhatWasTypedAndActionsWork() async throws {
        try await withApp { app, f in
            let s = try await signIn(app, "officer")
            func post(_ path: String, _ form: [String: String], _ check: @escaping (XCTHTTPResponse) throws -> Void) async throws {
                try await postForm(app, s, path, form, check)
            }
            try await post("/disputes", ["type": "family", "source": "walk_in", "summary": "", "communityID": "\(f.c1)", "parties[0][name]": "赵六"]) { res in
                XCTAssertEqual(res.status, .unprocessableEntity)
                XCTAssertTrue(res.body.string.contains("赵六"), "what was typed is kept")
                XCTAssertTrue(res.body.string.contains("请填写纠纷简要情况"))
            }
            var location = ""
            try await post("/disputes", ["type": "family", "source": "screening", "summary": "夫妻争吵", "communityID": "\(f.c1)", "gridID": "\(f.g1a)",
                                         "parties[0][name]": "赵六", "parties[1][name]": "钱七", "parties[1][side]": "respondent", "riskCriminal": "1"]) { res in
                XCTAssertEqual(res.status, .seeOther, res.body.string)
                location = res.headers.first(name: .location) ?? ""
            }
            let id = Int(location.split(separator: "/").last ?? "") ?? 0
            let d = try await Dispute.find(id, on: app.db)!
            XCTAssertEqual(d.level, .street, "民转刑 risk goes to the street sub-centre"); XCTAssertTrue(d.riskCriminal)
            try await post("/disputes/\(id)/actions", ["action": "decline"]) { res in
                XCTAssertEqual(res.status, .unprocessableEntity)
                XCTAssertTrue(res.body.string.contains("请填写不予受理的理由"))
            }
            try await post("/disputes/\(id)/actions", ["action": "accept"]) { XCTAssertEqual($0.status, .seeOther) }
            try await app.call(.GET, "/disputes/\(id)", beforeRequest: { $0.headers.cookie = s.cookies }) { res in
                XCTAssertEqual(res.status, .ok)
                XCTAssertTrue(res.body.string.contains("赵六")); XCTAssertTrue(res.body.string.contains("已受理"))
            }
            try await app.call(.GET, "/disputes/\(id)/print", beforeRequest: { $0.headers.cookie = s.cookies }) { res in
                XCTAssertEqual(res.status, .ok); XCTAssertTrue(res.body.string.contains("矛盾纠纷调处档案")); XCTAssertTrue(res.body.string.contains("钱七"))
            }
            try await app.call(.GET, "/disputes?q=钱七", beforeRequest: { $0.headers.cookie = s.cookies }) { res in
                XCTAssertTrue(res.body.string.contains(d.fileNumber(LocalCalendar())))
            }
            try await app.call(.GET, "/disputes?type=nothing", beforeRequest: { $0.headers.cookie = s.cookies }) { res in
                XCTAssertEqual(res.status, .unprocessableEntity)
            }
        }
    }
}

/// Reads a file with its parties and timeline as the admin.
func DisputeService_get(_ app: Application, _ f: Fixture, _ id: Int) async throws -> DisputeDTO {
    var d: DisputeDTO?
    try await app.call(.GET, "/api/v1/disputes/\(id)", headers: f.bearer("admin")) { res in
        XCTAssertEqual(res.status, .ok, res.body.string)
        d = try res.content.decode(DisputeDTO.self)
    }
    return d!
}
