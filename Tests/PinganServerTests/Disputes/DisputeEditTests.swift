import Fluent
import SQLKit
import XCTVapor
import PinganKit
@testable import PinganServer

final class DisputeEditTests: XCTestCase {
    func patch(_ app: Application, _ f: Fixture, _ id: Int, _ json: String, as user: String = "officer", expect: HTTPStatus = .ok) async throws -> (DisputeDTO?, [String: String]) {
        var out: DisputeDTO?, fields: [String: String] = [:]
        try await app.call(.PATCH, "/api/v1/disputes/\(id)", headers: f.bearer(user), beforeRequest: { req in
            req.headers.contentType = .json; req.body = .init(string: json)
        }, afterResponse: { res in
            XCTAssertEqual(res.status, expect, json + " → " + res.body.string)
            if res.status == .ok { out = try res.content.decode(DisputeDTO.self) }
            else if res.status == .unprocessableEntity { fields = try res.content.decode(ErrorBody.self).fields ?? [:] }
        })
        return (out, fields)
    }

    func testPatchChangesWhatWasSentNamesEachChangeAndKeepsTheRest() async throws {
        try await withApp { app, f in
            let id = try await createDispute(app, f, as: "officer", community: f.c1, grid: f.g1a, extra: #","address":"德兴路3号""#)
            let (d, _) = try await patch(app, f, id, #"{"summary":"楼上漏水，已两次协商不成","peopleInvolved":4,"riskGroupFight":true,"parties":[{"name":"张三"},{"name":"李四","side":"respondent"},{"name":"王五","side":"respondent"}]}"#)
            let x = d!
            XCTAssertEqual(x.summary, "楼上漏水，已两次协商不成"); XCTAssertEqual(x.peopleInvolved, 4); XCTAssertTrue(x.riskGroupFight)
            XCTAssertEqual(x.type, .neighbours, "what was not sent stays"); XCTAssertEqual(x.address, "德兴路3号"); XCTAssertEqual(x.gridID, f.g1a)
            XCTAssertEqual(x.parties?.map(\.name), ["张三", "李四", "王五"])
            XCTAssertEqual(x.level, .community, "editing does not re-route; assignment and escalation do")
            let ev = x.timeline!.last!
            XCTAssertEqual(ev.action, "edit"); XCTAssertEqual(ev.to, .registered)
            XCTAssertTrue(ev.detail.contains("涉及人数（2 → 4）"), ev.detail); XCTAssertTrue(ev.detail.contains("群体性械斗"), ev.detail)
            XCTAssertTrue(ev.detail.contains("王五"), ev.detail); XCTAssertTrue(ev.detail.contains("简要情况"), ev.detail)
            let audit = try await AuditEvent.query(on: app.db).filter(\.$action == "dispute.update").all()
            XCTAssertEqual(audit.count, 1); XCTAssertEqual(audit.first?.detail, "changed=summary,peopleInvolved,risk,parties")
            // Sending the same again writes nothing.
            let (same, _) = try await patch(app, f, id, #"{"summary":"楼上漏水，已两次协商不成"}"#)
            XCTAssertEqual(same?.timeline?.count, x.timeline?.count)
            // Moving to another community clears the old grid.
            let (moved, _) = try await patch(app, f, id, #"{"communityID":\#(f.c2)}"#, as: "admin")
            XCTAssertEqual(moved?.communityID, f.c2); XCTAssertNil(moved?.gridID)
        }
    }

    func testInvalidEditsAreRefusedFieldByFieldAndNothingChanges() async throws {
        try await withApp { app, f in
            let id = try await createDispute(app, f, as: "officer", community: f.c1, grid: f.g1a)
            let before = try await DisputeService_get(app, f, id)
            let (_, fields) = try await patch(app, f, id, #"{"type":"duel","summary":"  ","peopleInvolved":0,"communityID":\#(f.c3),"parties":[{"personID":987654}]}"#, expect: .unprocessableEntity)
            XCTAssertEqual(Set(fields.keys), ["type", "summary", "peopleInvolved", "communityID", "parties.0.personID"])
            let after = try await DisputeService_get(app, f, id)
            XCTAssertEqual(after.summary, before.summary); XCTAssertEqual(after.type, before.type); XCTAssertEqual(after.parties?.map(\.name), before.parties?.map(\.name))
            XCTAssertEqual(after.timeline?.count, 1)
            // Out of scope looks missing.
            _ = try await patch(app, f, id, #"{"summary":"x"}"#, as: "officer3", expect: .notFound)
            _ = try await patch(app, f, 987654, #"{"summary":"x"}"#, as: "admin", expect: .notFound)
            // A finished file is no longer edited.
            let sql = app.db as! any SQLDatabase
            try await sql.update("disputes").set("status", to: "closed").set("outcome", to: "agreement").where("id", .equal, id).run()
            let (_, closed) = try await patch(app, f, id, #"{"summary":"改一改"}"#, expect: .unprocessableEntity)
            XCTAssertEqual(closed["status"], "“已结案”的档案不能再修改")
            let audits = try await AuditEvent.query(on: app.db).filter(\.$action == "dispute.update").count()
            XCTAssertEqual(audits, 0)
        }
    }

    func testTheEditPageKeepsWhatWasTypedAndSaves() async throws {
        try await withApp { app, f in
            let id = try await createDispute(app, f, as: "officer", community: f.c1, grid: f.g1a)
            let s = try await signIn(app, "officer")
            try await app.call(.GET, "/disputes/\(id)", beforeRequest: { $0.headers.cookie = s.cookies }) { res in
                XCTAssertTrue(res.body.string.contains("/disputes/\(id)/edit"))
            }
            try await app.call(.GET, "/disputes/\(id)/edit", beforeRequest: { $0.headers.cookie = s.cookies }) { res in
                XCTAssertEqual(res.status, .ok)
                let html = res.body.string
                XCTAssertTrue(html.contains("修改纠纷档案")); XCTAssertTrue(html.contains("楼上漏水引发争吵")); XCTAssertTrue(html.contains("李四"))
                XCTAssertFalse(html.contains("name=\"level\""), "the level is not edited here")
            }
            func post(_ form: [String: String], _ check: @escaping (XCTHTTPResponse) throws -> Void) async throws {
                try await app.call(.POST, "/disputes/\(id)/edit", beforeRequest: { req in
                    req.headers.cookie = s.cookies
                    var body = form; body["_csrf"] = s.csrf
                    try req.content.encode(body, as: .urlEncodedForm)
                }, afterResponse: check)
            }
            let base = ["type": "family", "source": "walk_in", "communityID": "\(f.c1)", "gridID": "\(f.g1a)", "peopleInvolved": "2",
                        "parties[0][name]": "张三", "parties[1][name]": "李四", "parties[1][side]": "respondent"]
            try await post(base.merging(["summary": ""]) { $1 }) { res in
                XCTAssertEqual(res.status, .unprocessableEntity)
                XCTAssertTrue(res.body.string.contains("请填写纠纷简要情况")); XCTAssertTrue(res.body.string.contains("李四"))
            }
            try await post(base.merging(["summary": "夫妻因赡养老人争吵", "riskCriminal": "1"]) { $1 }) { res in
                XCTAssertEqual(res.status, .seeOther, res.body.string)
            }
            let d = try await DisputeService_get(app, f, id)
            XCTAssertEqual(d.type, .family); XCTAssertTrue(d.riskCriminal); XCTAssertEqual(d.summary, "夫妻因赡养老人争吵")
            XCTAssertTrue(d.timeline?.last?.detail.contains("类型（邻里纠纷 → 婚姻家庭）") ?? false, d.timeline?.last?.detail ?? "")
            try await app.call(.GET, "/disputes/\(id)", beforeRequest: { $0.headers.cookie = s.cookies }) { res in
                XCTAssertTrue(res.body.string.contains("修改档案"))
            }
            let s3 = try await signIn(app, "officer3")
            try await app.call(.GET, "/disputes/\(id)/edit", beforeRequest: { $0.headers.cookie = s3.cookies }) { XCTAssertEqual($0.status, .notFound) }
        }
    }

    func testTheIncidentPageListsItsLinkedDisputes() async throws {
        try await withApp { app, f in
            let id = try await createDispute(app, f, as: "officer", community: f.c1, grid: f.g1a)
            let incident = try await createIncident(app, f, community: f.c1, grid: f.g1a)
            try await postJSON(app, "/api/v1/disputes/\(id)/links", #"{"incidentID":\#(incident)}"#, as: f.bearer("officer")) { XCTAssertEqual($0.status, .created) }
            let number = try await DisputeService_get(app, f, id).number
            let s = try await signIn(app, "officer")
            try await app.call(.GET, "/incidents/\(incident)", beforeRequest: { $0.headers.cookie = s.cookies }) { res in
                XCTAssertEqual(res.status, .ok)
                XCTAssertTrue(res.body.string.contains("关联矛盾纠纷")); XCTAssertTrue(res.body.string.contains("/disputes/\(id)")); XCTAssertTrue(res.body.string.contains(number))
            }
            // Someone who may not see disputes sees no such card.
            let leader = try await signIn(app, "grid")
            try await app.call(.GET, "/incidents/\(incident)", beforeRequest: { $0.headers.cookie = leader.cookies }) { res in
                if res.status == .ok, !(try Role.gridWorker.can(.viewDisputes)) { XCTAssertFalse(res.body.string.contains("关联矛盾纠纷")) }
            }
        }
    }
}
