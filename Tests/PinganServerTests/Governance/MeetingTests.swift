import Fluent
import Vapor
import XCTVapor
import PinganKit
@testable import PinganServer

/// A meeting written directly (route walk): in `area`, with one action item.
func insertMeeting(_ app: Application, _ f: Fixture, area: Int) async throws -> (meeting: Int, action: Int) {
    let m = Meeting()
    m.kind = .situation; m.areaDivisionID = area; m.heldOn = "2026-03-02"; m.title = "形势分析会"; m.attendees = "书记、所长"; m.agenda = "[]"; m.minutes = ""
    m.createdByID = f.users["admin"]!
    try await m.create(on: app.db)
    let a = MeetingAction()
    a.meetingID = m.id!; a.text = "整治出租屋"; a.owner = "派出所"; a.dueOn = "2026-03-30"; a.aboutPath = ""; a.aboutLabel = ""; a.doneNote = ""; a.createdByID = f.users["admin"]!; a.reminders = 0
    try await a.create(on: app.db)
    return (m.id!, a.id!)
}

/// Issue 20 §4: joint situation meetings with an agenda drawn from the product and decisions tracked to done.
final class MeetingTests: XCTestCase {
    func testTheAgendaComesFromTheProductAndDecisionsAreTrackedToDone() async throws {
        try await withApp { app, f in
            // Something to discuss in 德兴社区: an open dispute at risk of a group fight.
            _ = try await createDispute(app, f, community: f.c1, extra: #","riskGroupFight":true"#)
            // And incidents rising there: six in the last 30 days, none in the 30 before (a rise counts from five).
            for _ in 0..<6 { _ = try await createIncident(app, f, community: f.c1, grid: f.g1a) }
            let today = LocalDay(Date(), in: LocalCalendar())
            var (s, body) = try await apiCall(app, f, "chief", .POST, "/api/v1/meetings",
                #"{"kind":"situation","areaID":\#(f.streetA),"heldOn":"\#(today)","title":"十二月安全稳定形势分析会","attendees":"街道书记、派出所所长、综治办主任"}"#)
            XCTAssertEqual(s, .created, body)
            let m = try apiDecoder.decode(MeetingDTO.self, from: Data(body.utf8))
            // Only communities with something on them, most first: 东兴社区 has no community officer (the staffing norm's gap).
            XCTAssertEqual(m.agenda.map(\.community), ["德兴社区", "东兴社区"])
            XCTAssertEqual(m.agenda.first?.riskDisputes, 1)
            XCTAssertEqual(m.agenda.first?.risingIncidents, 6)
            XCTAssertEqual(m.agenda.first?.staffingGap, 0)
            XCTAssertEqual(m.agenda.last?.staffingGap, 1)
            XCTAssertEqual(m.agenda.last?.total, 1)

            // A decision about that topic, due yesterday-or-later; a bad one is named field by field.
            (s, body) = try await apiCall(app, f, "chief", .POST, "/api/v1/meetings/\(m.id)/actions", #"{"text":"","dueOn":"2000-01-01","about":"\#(f.c3):risk"}"#)
            XCTAssertEqual(s, .unprocessableEntity)
            for field in ["text", "owner", "dueOn", "about"] { XCTAssertTrue(body.contains("\"\(field)\":"), "\(field) in \(body)") }
            (s, body) = try await apiCall(app, f, "chief", .POST, "/api/v1/meetings/\(m.id)/actions",
                #"{"text":"司法所牵头对德兴社区风险纠纷逐件包案化解","owner":"司法所 陈所长","dueOn":"\#(today.adding(days: 14))","about":"\#(f.c1):risk"}"#)
            XCTAssertEqual(s, .created, body)
            let a = try apiDecoder.decode(MeetingActionDTO.self, from: Data(body.utf8))
            XCTAssertEqual(a.state, .open)
            XCTAssertEqual(a.aboutPath, "/disputes?community=\(f.c1)&risk=1")

            // The officer of the street's community follows it; the other street's officer does not see the meeting.
            (s, body) = try await apiCall(app, f, "officer", .GET, "/api/v1/meeting-actions?state=open")
            XCTAssertTrue(body.contains("\"total\":1"), body)
            (s, _) = try await apiCall(app, f, "officer3", .GET, "/api/v1/meetings/\(m.id)"); XCTAssertEqual(s, .notFound)
            (s, _) = try await apiCall(app, f, "officer3", .POST, "/api/v1/meeting-actions/\(a.id)/done", #"{"note":"x"}"#); XCTAssertEqual(s, .notFound)
            (s, body) = try await apiCall(app, f, "officer3", .GET, "/api/v1/meetings"); XCTAssertTrue(body.contains("\"total\":0"), body)
            // A meeting cannot be held for a street outside one's jurisdiction.
            (s, body) = try await apiCall(app, f, "chief", .POST, "/api/v1/meetings", #"{"kind":"joint","areaID":\#(f.streetB),"heldOn":"\#(today)","title":"x","attendees":"y"}"#)
            XCTAssertEqual(s, .unprocessableEntity); XCTAssertTrue(body.contains("\"areaID\":"), body)

            // Done once, with what was done.
            (s, body) = try await apiCall(app, f, "officer", .POST, "/api/v1/meeting-actions/\(a.id)/done", #"{"note":""}"#)
            XCTAssertEqual(s, .unprocessableEntity)
            (s, body) = try await apiCall(app, f, "officer", .POST, "/api/v1/meeting-actions/\(a.id)/done", #"{"note":"已召开调解会，双方签订协议"}"#)
            XCTAssertEqual(s, .ok, body); XCTAssertTrue(body.contains("\"state\":\"done\""), body)
            (s, _) = try await apiCall(app, f, "officer", .POST, "/api/v1/meeting-actions/\(a.id)/done", #"{"note":"again"}"#)
            XCTAssertEqual(s, .unprocessableEntity)

            // An item past its deadline shows as overdue on the supervision list.
            let late = MeetingAction(); late.meetingID = m.id; late.text = "整治出租屋消防隐患"; late.owner = "派出所"; late.dueOn = today.adding(days: -1).description
            late.aboutPath = ""; late.aboutLabel = ""; late.doneNote = ""; late.createdByID = f.users["chief"]!; late.reminders = 0
            try await late.create(on: app.db)
            (s, body) = try await apiCall(app, f, "command", .GET, "/api/v1/meeting-actions?state=overdue")
            XCTAssertTrue(body.contains("整治出租屋消防隐患") && body.contains("\"total\":1"), body)

            // The page shows the agenda with links and the decisions; the CSV lists both items.
            let (cookies, _, _) = try await signIn(app, "officer")
            try await app.call(.GET, "/governance/meetings/\(m.id)", beforeRequest: { $0.headers.cookie = cookies }) { res in
                XCTAssertEqual(res.status, .ok)
                XCTAssertTrue(res.body.string.contains("/disputes?community=\(f.c1)&amp;risk=1"))
                XCTAssertTrue(res.body.string.contains("已召开调解会"))
            }
            try await app.call(.GET, "/governance/actions/export.csv", beforeRequest: { $0.headers.cookie = cookies }) { res in
                XCTAssertEqual(res.body.string.split(separator: "\r\n").count, 3, res.body.string)
            }
            let audited = try await AuditEvent.query(on: app.db).filter(\.$entity ~~ ["meeting", "meeting_action"]).count()
            XCTAssertEqual(audited, 3)
        }
    }

    func testAnOwnerWithAnAccountIsToldChasedOnceADayAndReportsItDone() async throws {
        try await withApp { app, f in
            let today = LocalDay(Date(), in: LocalCalendar())
            var (s, body) = try await apiCall(app, f, "chief", .POST, "/api/v1/meetings",
                #"{"kind":"situation","areaID":\#(f.streetA),"heldOn":"\#(today)","title":"形势分析会","attendees":"书记、所长"}"#)
            let m = try apiDecoder.decode(MeetingDTO.self, from: Data(body.utf8))
            // The other street's officer does not see this street's meetings: not an owner here, said at the field.
            (s, body) = try await apiCall(app, f, "chief", .POST, "/api/v1/meetings/\(m.id)/actions",
                #"{"text":"走访风险纠纷当事人","ownerUsername":"officer3","dueOn":"\#(today.adding(days: 7))"}"#)
            XCTAssertEqual(s, .unprocessableEntity); XCTAssertTrue(body.contains("\"ownerUsername\""), body)
            (s, body) = try await apiCall(app, f, "chief", .POST, "/api/v1/meetings/\(m.id)/actions",
                #"{"text":"走访风险纠纷当事人","ownerUsername":"officer","dueOn":"\#(today.adding(days: 7))"}"#)
            XCTAssertEqual(s, .created, body)
            let a = try apiDecoder.decode(MeetingActionDTO.self, from: Data(body.utf8))
            XCTAssertEqual(a.ownerUserID, f.users["officer"]); XCTAssertEqual(a.owner, "Officer", "the account's name when no owner text is given")
            func notices() async throws -> [StaffNotice] {
                try await StaffNotice.query(on: app.db).filter(\.$userID == f.users["officer"]!).filter(\.$kind == .meetingAction).sort(\.$id).all()
            }
            var told = try await notices()
            XCTAssertEqual(told.count, 1); XCTAssertEqual(told.first?.link, "/governance/meetings/\(m.id)#actions")
            // 督办: once a day.
            (s, body) = try await apiCall(app, f, "chief", .POST, "/api/v1/meeting-actions/\(a.id)/remind")
            XCTAssertEqual(s, .ok, body); XCTAssertTrue(body.contains("\"reminders\":1"), body)
            (s, body) = try await apiCall(app, f, "chief", .POST, "/api/v1/meeting-actions/\(a.id)/remind")
            XCTAssertEqual(s, .unprocessableEntity); XCTAssertTrue(body.contains("\"remind\""), body)
            told = try await notices()
            XCTAssertEqual(told.count, 2); XCTAssertTrue(told.last?.title.hasPrefix("督办") ?? false, told.last?.title ?? "")
            // The owner (an officer, who does not keep meetings) reports it done; someone else's item they may not.
            (s, body) = try await apiCall(app, f, "officer", .POST, "/api/v1/meeting-actions/\(a.id)/done", #"{"note":"已走访3户"}"#)
            XCTAssertEqual(s, .ok, body)
            let (_, other) = try await insertMeeting(app, f, area: f.streetA)
            (s, _) = try await apiCall(app, f, "analyst", .POST, "/api/v1/meeting-actions/\(other)/done", #"{"note":"x"}"#)
            XCTAssertEqual(s, .forbidden)
            // A done item is not chased; an item whose owner has no account is chased by phone, said so.
            (s, body) = try await apiCall(app, f, "chief", .POST, "/api/v1/meeting-actions/\(a.id)/remind")
            XCTAssertEqual(s, .unprocessableEntity)
            (s, body) = try await apiCall(app, f, "chief", .POST, "/api/v1/meeting-actions/\(other)/remind")
            XCTAssertEqual(s, .unprocessableEntity); XCTAssertTrue(body.contains("电话") || body.contains("phone"), body)
        }
    }

    func testTheFormKeepsWhatWasTyped() async throws {
        try await withApp { app, f in
            let (cookies, csrf, _) = try await signIn(app, "officer")
            try await app.call(.POST, "/governance/meetings", beforeRequest: { req in
                req.headers.cookie = cookies
                try req.content.encode(["_csrf": csrf, "kind": "joint", "areaID": "\(f.streetA)", "heldOn": "2026-13-40", "title": "综治联席会议",
                                        "attendees": "综治办、派出所、司法所、城管"], as: .urlEncodedForm)
            }) { res in
                XCTAssertEqual(res.status, .unprocessableEntity)
                XCTAssertTrue(res.body.string.contains("日期格式应为"))
                XCTAssertTrue(res.body.string.contains("value=\"综治联席会议\"")); XCTAssertTrue(res.body.string.contains("综治办、派出所、司法所、城管"))
            }
            let n = try await Meeting.query(on: app.db).count()
            XCTAssertEqual(n, 0)
        }
    }
}
