import Fluent
import Vapor
import XCTVapor
import PinganKit
@testable import PinganServer

/// A push written directly (for the route walk): one copy per user in `to`.
func insertPush(_ app: Application, sender: Int, area: Int, kind: PushKind, to users: [Int]) async throws -> Int {
    let m = PushMessage()
    m.kind = kind; m.title = "测试推送"; m.body = "正文"; m.senderID = sender; m.senderName = "Admin"; m.areaDivisionID = area
    m.audience = "area=\(area)"; m.sentAt = Date(); m.dueAt = kind == .task ? Date().addingTimeInterval(86400) : nil
    m.recipientCount = users.count; m.reminders = 0
    try await m.create(on: app.db)
    for u in users { let r = PushReceipt(); r.messageID = m.id!; r.userID = u; r.doneNote = ""; try await r.create(on: app.db) }
    return m.id!
}

/// Issue 19, targeted push (精准推送): notices and tasks reach the people of an area, of a role, of a unit or by name;
/// each copy records when it was read and done; the sender follows and reminds; nobody sees another person's copy.
final class MessageTests: XCTestCase {
    func due(hours: Double) -> String { ISO8601DateFormatter().string(from: Date().addingTimeInterval(hours * 3600)) }

    func testAPushToACommunityReachesThePeopleWhoWorkThere() async throws {
        try await withApp { app, f in
            var (s, body) = try await apiCall(app, f, "command", .POST, "/api/v1/messages",
                #"{"kind":"notice","title":"今晚防台风","body":"请各网格排查危险边坡。","areaID":\#(f.c1)}"#)
            XCTAssertEqual(s, .created, body)
            let sent = try apiDecoder.decode(PushMessageDTO.self, from: Data(body.utf8))
            // The community's officer, grid worker and team leader; not the street's mediator, the station chief or the district.
            let names = Set(sent.receipts!.map(\.name))
            XCTAssertEqual(names, ["Officer", "Grid", "Leader"])
            XCTAssertEqual(sent.recipientCount, 3); XCTAssertEqual(sent.progress.read, Share(0, of: 3))
            XCTAssertTrue(sent.audience.contains("德兴社区"), sent.audience)
            // Narrowed to a role.
            (s, body) = try await apiCall(app, f, "command", .POST, "/api/v1/messages",
                #"{"title":"网格员例会","body":"周五下午三点。","areaID":\#(f.streetA),"roles":["grid_worker"]}"#)
            XCTAssertEqual(s, .created, body)
            XCTAssertEqual(try apiDecoder.decode(PushMessageDTO.self, from: Data(body.utf8)).receipts!.map(\.name), ["Grid"])

            // The grid worker's inbox: both, unread; opening one marks it read, and the sender sees it.
            (s, body) = try await apiCall(app, f, "grid", .GET, "/api/v1/inbox?filter=unread")
            XCTAssertEqual(s, .ok)
            XCTAssertTrue(body.contains("\"unread\":2"), body)
            (s, body) = try await apiCall(app, f, "grid", .GET, "/api/v1/inbox/\(sent.id)")
            XCTAssertEqual(s, .ok, body); XCTAssertTrue(body.contains("\"state\":\"read\""), body)
            (s, body) = try await apiCall(app, f, "command", .GET, "/api/v1/messages/\(sent.id)")
            let after = try apiDecoder.decode(PushMessageDTO.self, from: Data(body.utf8))
            XCTAssertEqual(after.progress.read, Share(1, of: 3))
            XCTAssertNotNil(after.receipts!.first { $0.name == "Grid" }?.readAt)
            // Someone else's copy, and a push not addressed to them, look missing.
            (s, _) = try await apiCall(app, f, "officer3", .GET, "/api/v1/inbox/\(sent.id)"); XCTAssertEqual(s, .notFound)
            // Another community's officer cannot follow a push aimed at this community; the station covering it can.
            (s, _) = try await apiCall(app, f, "officer3", .GET, "/api/v1/messages/\(sent.id)"); XCTAssertEqual(s, .notFound)
            (s, _) = try await apiCall(app, f, "chief", .GET, "/api/v1/messages/\(sent.id)"); XCTAssertEqual(s, .ok)
            // Grid workers receive but do not send.
            (s, _) = try await apiCall(app, f, "grid", .POST, "/api/v1/messages", #"{"title":"x","body":"y","areaID":\#(f.c1)}"#)
            XCTAssertEqual(s, .forbidden)
        }
    }

    func testATaskIsDoneOnceAndTheSenderRemindsTheRest() async throws {
        try await withApp { app, f in
            var (s, body) = try await apiCall(app, f, "chief", .POST, "/api/v1/messages",
                #"{"kind":"task","title":"上报出租屋排查","body":"本周内完成辖区出租屋排查并上报。","dueAt":"\#(due(hours: 48))","usernames":"officer grid"}"#)
            XCTAssertEqual(s, .created, body)
            let task = try apiDecoder.decode(PushMessageDTO.self, from: Data(body.utf8))
            XCTAssertEqual(task.recipientCount, 2)
            (s, body) = try await apiCall(app, f, "grid", .POST, "/api/v1/inbox/\(task.id)/done", #"{"note":"已排查出租屋12户"}"#)
            XCTAssertEqual(s, .ok, body); XCTAssertTrue(body.contains("\"state\":\"done\""))
            // Done once: a second report keeps the first.
            (s, body) = try await apiCall(app, f, "grid", .POST, "/api/v1/inbox/\(task.id)/done", #"{"note":"改了"}"#)
            XCTAssertEqual(s, .ok); XCTAssertTrue(body.contains("已排查出租屋12户"), body)
            // Remind: only the officer, who has not finished; a second reminder within the hour is refused with a reason.
            (s, body) = try await apiCall(app, f, "chief", .POST, "/api/v1/messages/\(task.id)/remind")
            XCTAssertEqual(s, .ok, body); XCTAssertTrue(body.contains("\"reminded\":1"), body)
            (s, body) = try await apiCall(app, f, "chief", .POST, "/api/v1/messages/\(task.id)/remind")
            XCTAssertEqual(s, .unprocessableEntity); XCTAssertTrue(body.contains("remind"), body)
            let officerCopy = try await PushReceipt.query(on: app.db).filter(\.$messageID == task.id).filter(\.$userID == f.users["officer"]!).first()
            XCTAssertNotNil(officerCopy?.remindedAt)
            let gridCopy = try await PushReceipt.query(on: app.db).filter(\.$messageID == task.id).filter(\.$userID == f.users["grid"]!).first()
            XCTAssertNil(gridCopy?.remindedAt)
            (s, body) = try await apiCall(app, f, "chief", .GET, "/api/v1/messages/\(task.id)")
            let p = try apiDecoder.decode(PushMessageDTO.self, from: Data(body.utf8)).progress
            XCTAssertEqual(p.done, Share(1, of: 2)); XCTAssertEqual(p.overdue, 0)
            // A notice has nothing to complete.
            (s, body) = try await apiCall(app, f, "chief", .POST, "/api/v1/messages", #"{"title":"通知","body":"内容","usernames":["officer"]}"#)
            let notice = try apiDecoder.decode(PushMessageDTO.self, from: Data(body.utf8))
            (s, body) = try await apiCall(app, f, "officer", .POST, "/api/v1/inbox/\(notice.id)/done", "{}")
            XCTAssertEqual(s, .unprocessableEntity, body)
            // Sending, reminding and completing are audited.
            let actions = Set(try await AuditEvent.query(on: app.db).all().map(\.action))
            XCTAssertTrue(actions.isSuperset(of: ["push.send", "push.remind", "push.done"]), "\(actions)")
            // A task past its due time and not done is overdue for its recipient and the sender.
            let m = try await PushMessage.find(task.id, on: app.db)!
            m.dueAt = Date().addingTimeInterval(-60); try await m.save(on: app.db)
            (s, body) = try await apiCall(app, f, "officer", .GET, "/api/v1/inbox")
            XCTAssertTrue(body.contains("\"state\":\"overdue\""), body)
            (s, body) = try await apiCall(app, f, "chief", .GET, "/api/v1/messages/\(task.id)")
            XCTAssertEqual(try apiDecoder.decode(PushMessageDTO.self, from: Data(body.utf8)).progress.overdue, 1)
        }
    }

    func testBadPushesAreRefusedWithFieldMessagesAndWriteNothing() async throws {
        try await withApp { app, f in
            let cases: [(String, String)] = [
                (#"{"title":"","body":"x","areaID":\#(f.c1)}"#, "title"),
                (#"{"title":"x","body":"","areaID":\#(f.c1)}"#, "body"),
                (#"{"kind":"task","title":"x","body":"y","areaID":\#(f.c1)}"#, "dueAt"),
                (#"{"kind":"task","title":"x","body":"y","areaID":\#(f.c1),"dueAt":"\#(due(hours: -2))"}"#, "dueAt"),
                (#"{"kind":"task","title":"x","body":"y","areaID":\#(f.c1),"dueAt":"\#(due(hours: 24 * 120))"}"#, "dueAt"),
                (#"{"kind":"memo","title":"x","body":"y","areaID":\#(f.c1)}"#, "kind"),
                (#"{"title":"x","body":"y"}"#, "audience"),
                (#"{"title":"x","body":"y","areaID":\#(f.c3)}"#, "areaID"),       // another station's community
                (#"{"title":"x","body":"y","usernames":"officer3"}"#, "usernames"), // someone outside the sender's area
                (#"{"title":"x","body":"y","usernames":"nobody"}"#, "usernames"),
                (#"{"title":"x","body":"y","roles":["grid_worker"]}"#, "areaID"),
                (#"{"title":"x","body":"y","areaID":\#(f.c1),"roles":["sheriff"]}"#, "roles"),
            ]
            for (json, field) in cases {
                let (s, body) = try await apiCall(app, f, "officer", .POST, "/api/v1/messages", json)
                XCTAssertEqual(s, .unprocessableEntity, json)
                XCTAssertTrue(body.contains("\"\(field)\""), "\(json) → \(body)")
            }
            // An area where nobody of that role works.
            let (s, body) = try await apiCall(app, f, "officer", .POST, "/api/v1/messages", #"{"title":"x","body":"y","areaID":\#(f.c1),"roles":["mediator"]}"#)
            XCTAssertEqual(s, .unprocessableEntity); XCTAssertTrue(body.contains("audience"), body)
            let messages = try await PushMessage.query(on: app.db).count(), receipts = try await PushReceipt.query(on: app.db).count()
            XCTAssertEqual(messages, 0); XCTAssertEqual(receipts, 0)
        }
    }

    func testAResentPushIsSentOnceAndUnitsReceiveTheirs() async throws {
        try await withApp { app, f in
            let unit = ResponsibleUnit(name: "城管中队", kind: .urbanManagement, divisionID: f.district); try await unit.create(on: app.db)
            let staff = User(username: "cg1", displayName: "城管一", passwordHash: "!", role: .unitStaff, scopeDivisionID: nil, unitID: unit.id!)
            try await staff.create(on: app.db)
            let json = #"{"title":"清理占道","body":"请清理德兴路占道经营。","unitIDs":[\#(unit.id!)],"idempotencyKey":"k-1"}"#
            var (s, body) = try await apiCall(app, f, "command", .POST, "/api/v1/messages", json)
            XCTAssertEqual(s, .created, body)
            let first = try apiDecoder.decode(PushMessageDTO.self, from: Data(body.utf8))
            XCTAssertEqual(first.receipts!.map(\.name), ["城管一"])
            (s, body) = try await apiCall(app, f, "command", .POST, "/api/v1/messages", json)
            XCTAssertEqual(s, .ok); XCTAssertEqual(try apiDecoder.decode(PushMessageDTO.self, from: Data(body.utf8)).id, first.id)
            let n = try await PushMessage.query(on: app.db).count()
            XCTAssertEqual(n, 1)
        }
    }

    func testThePagesKeepWhatWasTypedAndShowTheUnreadBadge() async throws {
        try await withApp { app, f in
            let (cookies, csrf, _) = try await signIn(app, "officer")
            // A task without a due time: the form comes back with the message and what was typed.
            try await app.call(.POST, "/messages", beforeRequest: { req in
                req.headers.cookie = cookies
                try req.content.encode(["_csrf": csrf, "kind": "task", "title": "入户走访登记", "body": "请在本周完成。", "areaID": "\(f.c1)", "idempotencyKey": "w-1"], as: .urlEncodedForm)
            }) { res in
                XCTAssertEqual(res.status, .unprocessableEntity)
                XCTAssertTrue(res.body.string.contains("任务须有截止时间"))
                XCTAssertTrue(res.body.string.contains("value=\"入户走访登记\""))
                XCTAssertTrue(res.body.string.contains("请在本周完成。"))
            }
            var location = ""
            try await app.call(.POST, "/messages", beforeRequest: { req in
                req.headers.cookie = cookies
                try req.content.encode(["_csrf": csrf, "kind": "notice", "title": "入户走访登记", "body": "请在本周完成。", "areaID": "\(f.c1)",
                                        "roles[]": "grid_worker", "idempotencyKey": "w-2"], as: .urlEncodedForm)
            }) { res in
                XCTAssertEqual(res.status, .seeOther)
                location = res.headers.first(name: .location) ?? ""
            }
            XCTAssertTrue(location.hasPrefix("/messages/"), location)
            try await app.call(.GET, location, beforeRequest: { $0.headers.cookie = cookies }) { res in
                XCTAssertEqual(res.status, .ok)
                XCTAssertTrue(res.body.string.contains("Grid"))
            }
            try await app.call(.GET, location + "/receipts.csv", beforeRequest: { $0.headers.cookie = cookies }) { res in
                XCTAssertEqual(res.status, .ok); XCTAssertTrue(res.body.string.contains("grid"), res.body.string)
            }
            // The grid worker sees the badge on every page until it is read.
            let (gc, _, _) = try await signIn(app, "grid")
            try await app.call(.GET, "/", beforeRequest: { $0.headers.cookie = gc }) { res in
                XCTAssertTrue(res.body.string.contains("class=\"nav-count\""), "badge missing")
            }
            try await app.call(.GET, "/inbox", beforeRequest: { $0.headers.cookie = gc }) { res in
                XCTAssertTrue(res.body.string.contains("入户走访登记"))
            }
            try await app.call(.GET, location.replacingOccurrences(of: "/messages/", with: "/inbox/"), beforeRequest: { $0.headers.cookie = gc }) { res in
                XCTAssertEqual(res.status, .ok); XCTAssertTrue(res.body.string.contains("请在本周完成。"))
            }
            try await app.call(.GET, "/", beforeRequest: { $0.headers.cookie = gc }) { res in
                XCTAssertFalse(res.body.string.contains("class=\"nav-count\""), "badge after reading")
            }
        }
    }
}

final class PushRulesTests: XCTestCase {
    func testTheAudienceRule() {
        let a = PushAudience(areaCode: "440113007601", roles: [.gridWorker])
        XCTAssertTrue(a.includes(.init(id: 1, role: .gridWorker, rootCode: "440113007601001")))
        XCTAssertFalse(a.includes(.init(id: 2, role: .communityOfficer, rootCode: "440113007601")))
        XCTAssertFalse(a.includes(.init(id: 3, role: .gridWorker, rootCode: "440113007602001")))
        XCTAssertFalse(a.includes(.init(id: 4, role: .gridWorker, rootCode: "440113007601001", active: false)))
        // A street's people are not "in" one of its communities.
        XCTAssertFalse(PushAudience(areaCode: "440113007601").includes(.init(id: 5, role: .mediator, rootCode: "440113007")))
        XCTAssertTrue(PushAudience(unitIDs: [7]).includes(.init(id: 6, role: .unitStaff, rootCode: nil, unitID: 7)))
        XCTAssertEqual(PushAudience(areaCode: "440113", userIDs: [9]).recipients([.init(id: 9, role: .admin, rootCode: nil), .init(id: 8, role: .gridWorker, rootCode: "440113007601001")], sender: 8), [9])
    }

    func testStatesAndProgress() {
        let now = Date(), past = now.addingTimeInterval(-10), future = now.addingTimeInterval(3600)
        XCTAssertEqual(PushReceiptState.of(kind: .task, readAt: past, doneAt: nil, dueAt: past, now: now), .overdue)
        XCTAssertEqual(PushReceiptState.of(kind: .task, readAt: nil, doneAt: past, dueAt: past, now: now), .done)
        XCTAssertEqual(PushReceiptState.of(kind: .notice, readAt: nil, doneAt: nil, dueAt: nil, now: now), .unread)
        let p = PushProgress(kind: .task, receipts: [(past, past), (nil, past), (past, nil), (nil, nil)], dueAt: past, now: now)
        XCTAssertEqual(p.read, Share(3, of: 4)); XCTAssertEqual(p.done, Share(2, of: 4)); XCTAssertEqual(p.overdue, 2)
        XCTAssertEqual(PushProgress(kind: .task, receipts: [(nil, nil)], dueAt: future, now: now).overdue, 0)
        XCTAssertNotNil(PushRules.nextReminder(lastRemindedAt: now.addingTimeInterval(-60), now: now))
        XCTAssertNil(PushRules.nextReminder(lastRemindedAt: now.addingTimeInterval(-3601), now: now))
    }
}
