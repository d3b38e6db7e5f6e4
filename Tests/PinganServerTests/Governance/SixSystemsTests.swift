import Fluent
import Vapor
import XCTVapor
import PinganKit
@testable import PinganServer

/// Issue 20 §6: the six-systems page reads each system's figures from its module, for the user's jurisdiction.
final class SixSystemsTests: XCTestCase {
    func testEachSystemShowsTheFiguresOfItsModule() async throws {
        try await withApp { app, f in
            _ = try await createIncident(app, f, community: f.c1, grid: f.g1a)        // a burglary: preventable
            _ = try await createIncident(app, f, community: f.c3, grid: f.g3)
            let today = LocalDay(Date(), in: LocalCalendar())
            let (m, a) = try await insertMeeting(app, f, area: f.streetA)
            let meeting = try await Meeting.find(m, on: app.db)!; meeting.heldOn = today.description; try await meeting.update(on: app.db)
            let action = try await MeetingAction.find(a, on: app.db)!
            action.dueOn = today.description; action.doneOn = today.description; action.doneNote = "已落实"; try await action.update(on: app.db)
            // Grid events dispatched yesterday: handled on time, handled late, open past the deadline, open within it, and one
            // in C3. The page's count in the database must agree with OnTime's rule.
            let now = Date(), h = 3600.0
            let specs: [(Int, Double, Double?, GridEventStatus)] = [(f.c1, 20, 10, .handling), (f.c1, 5, 8, .closed), (f.c1, 2, nil, .dispatched),
                                                                     (f.c1, -30, nil, .dispatched), (f.c3, 4, 1, .closed)]
            var facts: [(deadline: Double?, handledAt: Double?)] = []
            for (community, deadlineAgo, handledAgo, status) in specs {
                let e = try await GridEvent.find(try await insertGridEvent(app, community: community, grid: nil, reportedAt: now.addingTimeInterval(-25 * h)), on: app.db)!
                e.dispatchedAt = now.addingTimeInterval(-24 * h); e.deadline = now.addingTimeInterval(-deadlineAgo * h)
                e.handledAt = handledAgo.map { now.addingTimeInterval(-$0 * h) }; e.status = status
                try await e.update(on: app.db)
                if community == f.c1 { facts.append((e.deadline!.timeIntervalSince1970, e.handledAt?.timeIntervalSince1970)) }
            }
            func report(_ user: String) async throws -> SixSystemsController.Report {
                var body = ""
                try await app.call(.GET, "/api/v1/governance/systems?from=\(today.adding(days: -1))&to=\(today)", headers: f.bearer(user)) {
                    XCTAssertEqual($0.status, .ok, $0.body.string); body = $0.body.string
                }
                return try apiDecoder.decode(SixSystemsController.Report.self, from: Data(body.utf8))
            }
            func value(_ r: SixSystemsController.Report, _ s: SafetySystem, _ label: String) -> String? {
                r.cards.first { $0.system == s }?.figures.first { $0.label == label }?.value
            }
            var r = try await report("command")
            XCTAssertEqual(r.cards.map(\.system), SafetySystem.allCases)
            XCTAssertEqual(value(r, .securityPrevention, "可防性案件"), "2")
            XCTAssertEqual(value(r, .stabilityAssurance, "形势分析会 / 联席会议"), "1")
            XCTAssertEqual(value(r, .stabilityAssurance, "决定事项按期落实率"), "100.0%")
            XCTAssertNotNil(r.cards.first { $0.system == .socialAssistance }?.untracked, "says plainly what Pingan does not hold")
            XCTAssertEqual(value(r, .emergencyManagement, "现行专项应急预案"), "0 个", "no plans registered in this fixture")
            XCTAssertEqual(value(r, .urbanManagement, "派遣网格事件"), "5")
            XCTAssertEqual(value(r, .urbanManagement, "按期处置率"), "25.0%")   // C1 and C3: 1 on time of 4 due (C3's was handled late)
            r = try await report("chief")
            let rule = OnTime.count(events: facts, now: now.timeIntervalSince1970)
            XCTAssertEqual(rule.onTime, 1); XCTAssertEqual(rule.due, 3)
            XCTAssertEqual(value(r, .urbanManagement, "按期处置率"), Rate.format(rule.onTime, of: rule.due), "the database count follows OnTime's rule")
            // The other street's officer: their own incident, and not this street's meeting.
            r = try await report("officer3")
            XCTAssertEqual(value(r, .securityPrevention, "可防性案件"), "1")
            XCTAssertEqual(value(r, .stabilityAssurance, "形势分析会 / 联席会议"), "0")
            try await app.call(.GET, "/api/v1/governance/systems", headers: f.bearer("mediator")) { XCTAssertEqual($0.status, .forbidden) }
            let (cookies, _, _) = try await signIn(app, "officer")
            try await app.call(.GET, "/governance", beforeRequest: { $0.headers.cookie = cookies }) { XCTAssertEqual($0.headers.first(name: .location), "/governance/systems") }
            try await app.call(.GET, "/governance/systems", beforeRequest: { $0.headers.cookie = cookies }) { res in
                XCTAssertEqual(res.status, .ok); XCTAssertTrue(res.body.string.contains("安全稳定保证体系"))
            }
        }
    }
}
