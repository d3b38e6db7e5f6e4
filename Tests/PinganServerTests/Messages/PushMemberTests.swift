import Fluent
import Vapor
import XCTVapor
import PinganKit
@testable import PinganServer

/// Issue 19 §3, targeted push to categories of people: team members and volunteers without accounts (联防队员,
/// 平安志愿者 …) get a push by SMS with a receipt link; confirming on the link is their read receipt and, for a task,
/// their report that it is done. Their numbers are kept sealed and shown masked.
final class PushMemberTests: XCTestCase {
    func due(hours: Double) -> String { ISO8601DateFormatter().string(from: Date().addingTimeInterval(hours * 3600)) }

    /// Adds a member through the API and returns its answer.
    func addMember(_ app: Application, _ f: Fixture, team: Int, _ json: String, expect: HTTPStatus = .created) async throws -> String {
        let (s, body) = try await apiCall(app, f, "admin", .POST, "/api/v1/teams/\(team)/members", json)
        XCTAssertEqual(s, expect, body)
        return body
    }

    func testAPushToKindsOfMembersGoesBySMSWithAReceiptLink() async throws {
        let stub = try await SMSStub()
        try await stub.start()
        do {
            try await withApp { app, f in
                let port = await stub.port
                app.pingan.notify = NotifyChannels(sms: .init(url: "http://127.0.0.1:\(port)/sms", token: nil, timeout: 5))
                app.pingan.publicURL = "https://pingan.example"
                // 德兴 (street A): 李队员 (no number, from makeTeam), a volunteer and a team member with numbers, a volunteer
                // who left; 沙头 (street B): a volunteer with a number.
                let inside = try await makeTeam(app, f, community: f.c1), outside = try await makeTeam(app, f, community: f.c3, name: "沙头巡防队")
                var body = try await addMember(app, f, team: inside.team, #"{"name":"王志愿","kind":"volunteer","phone":"138 0013 8001"}"#)
                XCTAssertTrue(body.contains(#""phone":"138****8001""#), body)
                _ = try await addMember(app, f, team: inside.team, #"{"name":"赵队员","kind":"team_member","phone":"+86 13800138002"}"#)
                _ = try await addMember(app, f, team: inside.team, #"{"name":"钱离队","kind":"volunteer","status":"left","phone":"13800138003"}"#)
                _ = try await addMember(app, f, team: outside.team, #"{"name":"孙沙头","kind":"volunteer","phone":"13900000004"}"#)
                // A bad number is refused at its field and nothing is added.
                let before = try await TeamMember.query(on: app.db).count()
                body = try await addMember(app, f, team: inside.team, #"{"name":"周错号","phone":"12345"}"#, expect: .unprocessableEntity)
                XCTAssertTrue(body.contains("\"phone\""), body)
                let after = try await TeamMember.query(on: app.db).count()
                XCTAssertEqual(after, before)
                // Sealed at rest.
                let wang = try await TeamMember.query(on: app.db).filter(\.$name == "王志愿").first()!
                XCTAssertEqual(wang.phoneMasked, "138****8001")
                XCTAssertFalse(wang.phoneSealed!.contains("13800138001"))

                // The command centre's task to street A's team members and volunteers; no role chosen, so no account gets it.
                var (s, text) = try await apiCall(app, f, "command", .POST, "/api/v1/messages",
                    #"{"kind":"task","title":"汛期河涌巡查","body":"今明两天加强河涌巡查，发现险情立即报告。","dueAt":"\#(due(hours: 30))","areaID":\#(f.streetA),"memberKinds":["volunteer","team_member"]}"#)
                XCTAssertEqual(s, .created, text)
                let push = try apiDecoder.decode(PushMessageDTO.self, from: Data(text.utf8))
                XCTAssertEqual(push.receipts?.count, 0)
                let members = push.memberReceipts ?? []
                XCTAssertEqual(members.map(\.name).sorted(), ["李队员", "王志愿", "赵队员"])
                XCTAssertEqual(members.first { $0.name == "李队员" }?.sms, .noPhone)
                XCTAssertNil(members.first { $0.name == "李队员" }?.state)
                XCTAssertEqual(members.first { $0.name == "赵队员" }?.phone, "138****8002")
                XCTAssertEqual(members.filter { $0.sms == .pending }.count, 2)
                XCTAssertEqual(push.recipientCount, 2)
                XCTAssertEqual(push.progress.done, Share(0, of: 2))
                XCTAssertTrue(push.audience.contains("平安志愿者"), push.audience)

                // The sender's queue: two SMS, each with the title and its own link.
                let run = try await PushSMS.sendDue(app)
                XCTAssertEqual(run, Outbox.RunResult(sent: 2, retrying: 0, failed: 0))
                let got = await stub.received
                XCTAssertEqual(Set(got.map(\.to)), ["13800138001", "13800138002"])
                XCTAssertTrue(got.allSatisfy { $0.text.hasPrefix("【平安】任务：汛期河涌巡查。") && $0.text.count <= PushMembers.smsLimit }, "\(got.map(\.text))")
                let wangCopy = try await PushMemberReceipt.query(on: app.db).filter(\.$messageID == push.id).filter(\.$memberName == "王志愿").first()!
                XCTAssertEqual(wangCopy.smsStatus, .sent)
                let link = "https://pingan.example/public/push/" + wangCopy.token
                XCTAssertTrue(got.contains { $0.to == "13800138001" && $0.text.hasSuffix(link) }, "\(got.map(\.text))")

                // The member opens the link (no account) and reports the task done.
                var cookie = ""
                try await app.test(.GET, "/public/push/\(wangCopy.token)") { res in
                    XCTAssertEqual(res.status, .ok)
                    XCTAssertTrue(res.body.string.contains("汛期河涌巡查") && res.body.string.contains("王志愿"))
                    cookie = res.headers.setCookie?["pingan_csrf"]?.string ?? ""
                }
                XCTAssertFalse(cookie.isEmpty)
                func confirm(_ form: [String: String]) async throws -> XCTHTTPResponse {
                    var out: XCTHTTPResponse?
                    try await app.test(.POST, "/public/push/\(wangCopy.token)", beforeRequest: { req in
                        req.headers.cookie = HTTPCookies(dictionaryLiteral: ("pingan_csrf", .init(string: cookie)))
                        var body = form; body["_csrf"] = cookie
                        try req.content.encode(body, as: .urlEncodedForm)
                    }) { out = $0 }
                    return out!
                }
                // A note over 500 characters is refused on the page, with what was typed kept.
                var res = try await confirm(["done": "1", "note": String(repeating: "巡", count: 501)])
                XCTAssertEqual(res.status, .unprocessableEntity)
                XCTAssertTrue(res.body.string.contains(String(repeating: "巡", count: 501)))
                res = try await confirm(["done": "1", "note": "已巡查河涌三处，无险情。"])
                XCTAssertEqual(res.status, .seeOther)
                let done = try await PushMemberReceipt.find(wangCopy.id, on: app.db)!
                XCTAssertNotNil(done.doneAt); XCTAssertNotNil(done.readAt); XCTAssertEqual(done.doneNote, "已巡查河涌三处，无险情。")
                // Done once: a second report keeps the first.
                _ = try await confirm(["done": "1", "note": "改了"])
                let again = try await PushMemberReceipt.find(wangCopy.id, on: app.db)!
                XCTAssertEqual(again.doneNote, "已巡查河涌三处，无险情。")
                let audited = try await AuditEvent.query(on: app.db).filter(\.$action == "push.member.done").count()
                XCTAssertEqual(audited, 1)

                // The sender sees it; the page shows the member's masked number, never the number.
                (s, text) = try await apiCall(app, f, "command", .GET, "/api/v1/messages/\(push.id)")
                let followed = try apiDecoder.decode(PushMessageDTO.self, from: Data(text.utf8))
                XCTAssertEqual(followed.progress.done, Share(1, of: 2))
                let command = try await signIn(app, "command")
                try await app.call(.GET, "/messages/\(push.id)", beforeRequest: { $0.headers.cookie = command.cookies }) { res in
                    XCTAssertEqual(res.status, .ok)
                    XCTAssertTrue(res.body.string.contains("138****8002") && !res.body.string.contains("13800138002"))
                    XCTAssertTrue(res.body.string.contains("无手机号"))
                }

                // Links that are not one answer like a missing page: a made-up token, the copy of the member without a number.
                try await app.test(.GET, "/public/push/AAAAAAAAAAAAAAAAAAAAAA") { XCTAssertEqual($0.status, .notFound) }
                let li = try await PushMemberReceipt.query(on: app.db).filter(\.$messageID == push.id).filter(\.$memberName == "李队员").first()!
                try await app.test(.GET, "/public/push/\(li.token)") { XCTAssertEqual($0.status, .notFound) }

                // A reminder goes to the one who has not finished, marked as one.
                (s, text) = try await apiCall(app, f, "command", .POST, "/api/v1/messages/\(push.id)/remind")
                XCTAssertEqual(s, .ok, text); XCTAssertTrue(text.contains("\"reminded\":1"), text)
                let second = try await PushSMS.sendDue(app)
                XCTAssertEqual(second.sent, 1)
                let last = await stub.received.last
                XCTAssertEqual(last?.to, "13800138002")
                XCTAssertTrue(last?.text.hasPrefix("【平安·提醒】") ?? false, last?.text ?? "")
            }
        } catch { try? await stub.stop(); throw error }
        try await stub.stop()
    }

    func testBadAudiencesAreRefusedAndNothingIsSent() async throws {
        try await withApp { app, f in
            let team = try await makeTeam(app, f, community: f.c1)
            _ = try await addMember(app, f, team: team.team, #"{"name":"吴辅警","kind":"auxiliary"}"#)
            let before = try await PushMessage.query(on: app.db).count()
            // Kinds without an area; an unknown kind; kinds whose only members have no number; an area outside the sender's.
            for (json, field) in [
                (#"{"title":"t","body":"b","memberKinds":["volunteer"]}"#, "areaID"),
                (#"{"title":"t","body":"b","areaID":\#(f.c1),"memberKinds":["pilot"]}"#, "memberKinds"),
                (#"{"title":"t","body":"b","areaID":\#(f.c1),"memberKinds":["auxiliary"]}"#, "audience"),
            ] {
                let (s, body) = try await apiCall(app, f, "command", .POST, "/api/v1/messages", json)
                XCTAssertEqual(s, .unprocessableEntity, json)
                XCTAssertTrue(body.contains("\"\(field)\""), body)
            }
            let (s, body) = try await apiCall(app, f, "chief", .POST, "/api/v1/messages", #"{"title":"t","body":"b","areaID":\#(f.c3),"memberKinds":["team_member"]}"#)
            XCTAssertEqual(s, .unprocessableEntity); XCTAssertTrue(body.contains("\"areaID\""), body)
            let after = try await PushMessage.query(on: app.db).count()
            XCTAssertEqual(after, before)
            let copies = try await PushMemberReceipt.query(on: app.db).count()
            XCTAssertEqual(copies, 0)
        }
    }

    func testWithoutAGatewayTheCopiesWaitAndThePageSaysSo() async throws {
        try await withApp { app, f in
            let team = try await makeTeam(app, f, community: f.c1)
            _ = try await addMember(app, f, team: team.team, #"{"name":"王志愿","kind":"volunteer","phone":"13800138001"}"#)
            let (s, text) = try await apiCall(app, f, "command", .POST, "/api/v1/messages",
                #"{"title":"台风预警","body":"请做好防风准备。","areaID":\#(f.c1),"memberKinds":["volunteer"],"roles":["grid_worker"]}"#)
            XCTAssertEqual(s, .created, text)
            let push = try apiDecoder.decode(PushMessageDTO.self, from: Data(text.utf8))
            // Roles and member kinds together: the grid worker's inbox and the volunteer's SMS.
            XCTAssertEqual(push.receipts?.map(\.name), ["Grid"])
            XCTAssertEqual(push.memberReceipts?.map(\.sms), [.skipped])
            let run = try await PushSMS.sendDue(app)
            XCTAssertEqual(run, Outbox.RunResult())
            let command = try await signIn(app, "command")
            try await app.call(.GET, "/messages/\(push.id)", beforeRequest: { $0.headers.cookie = command.cookies }) { res in
                XCTAssertTrue(res.body.string.contains("短信通道未配置"), res.body.string)
            }
        }
    }

    func testATeamPageChangesAMembersPhoneAndNamesAMistakeWithTheMember() async throws {
        try await withApp { app, f in
            let team = try await makeTeam(app, f, community: f.c1)
            let s = try await signIn(app, "admin")
            try await postForm(app, s, "/forces/teams/\(team.team)/member-status", ["memberID": "\(team.member)", "status": "active", "phone": "1380013"]) { res in
                XCTAssertEqual(res.status, .unprocessableEntity)
                XCTAssertTrue(res.body.string.contains("李队员："), res.body.string)
            }
            try await postForm(app, s, "/forces/teams/\(team.team)/member-status", ["memberID": "\(team.member)", "status": "active", "phone": "13800138009"]) { res in
                XCTAssertEqual(res.status, .seeOther)
            }
            let m = try await TeamMember.find(team.member, on: app.db)!
            XCTAssertEqual(m.phoneMasked, "138****8009")
            // Empty keeps the number (the box is empty because the number is shown masked); the API removes it with "".
            try await postForm(app, s, "/forces/teams/\(team.team)/member-status", ["memberID": "\(team.member)", "status": "suspended", "phone": ""]) { _ in }
            let kept = try await TeamMember.find(team.member, on: app.db)!
            XCTAssertEqual(kept.phoneMasked, "138****8009"); XCTAssertEqual(kept.status, .suspended)
            let (st, body) = try await apiCall(app, f, "admin", .PATCH, "/api/v1/team-members/\(team.member)", #"{"phone":""}"#)
            XCTAssertEqual(st, .ok, body); XCTAssertFalse(body.contains("\"phone\":\"138"), body)
            let cleared = try await TeamMember.find(team.member, on: app.db)!
            XCTAssertNil(cleared.phoneSealed)
            // Out of scope looks missing.
            let other = try await makeTeam(app, f, community: f.c3, name: "沙头巡防队")
            let (o, _) = try await apiCall(app, f, "leader", .PATCH, "/api/v1/team-members/\(other.member)", #"{"phone":"13800138009"}"#)
            XCTAssertEqual(o, .notFound)
        }
    }
}
