import XCTest
@testable import PinganKit

/// Issue 20 §4: a decision's state by day, and the agenda's order.
final class MeetingRulesTests: XCTestCase {
    func testTheDueDayIsStillOnTime() {
        XCTAssertEqual(ActionItemState.of(dueOn: "2026-12-06", doneOn: nil, today: "2026-12-06"), .open)
        XCTAssertEqual(ActionItemState.of(dueOn: "2026-12-05", doneOn: nil, today: "2026-12-06"), .overdue)
        XCTAssertEqual(ActionItemState.of(dueOn: "2026-12-01", doneOn: "2026-12-03", today: "2026-12-06"), .done)
    }

    func testTheAgendaKeepsCommunitiesWithSomethingOnThemMostFirst() {
        let lines = AgendaLine.ordered([
            AgendaLine(communityID: 1, community: "A", alerts: 0, riskDisputes: 0, overdueDisputes: 0, overdueInspections: 0, overdueEvents: 0),
            AgendaLine(communityID: 2, community: "B", alerts: 1, riskDisputes: 0, overdueDisputes: 0, overdueInspections: 0, overdueEvents: 0),
            AgendaLine(communityID: 3, community: "C", alerts: 0, riskDisputes: 2, overdueDisputes: 1, overdueInspections: 0, overdueEvents: 0),
            AgendaLine(communityID: 4, community: "D", alerts: 0, riskDisputes: 0, overdueDisputes: 0, overdueInspections: 0, overdueEvents: 1),
        ])
        XCTAssertEqual(lines.map(\.community), ["C", "B", "D"])
        XCTAssertEqual(lines[0].topics.map(\.key), ["risk", "disputes"])
        XCTAssertEqual(lines[0].topics[0].path, "/disputes?community=3&risk=1")
        for l in lines { for t in l.topics { XCTAssertEqual(AgendaLine.topicName(path: t.path)?.zh, t.zh) } }
    }

    func testARiseCountsFromFiveAndAQuarterAndOldAgendasReadAsNoRise() throws {
        XCTAssertEqual(AgendaLine.rise(recent: 6, before: 0), 6)
        XCTAssertEqual(AgendaLine.rise(recent: 4, before: 0), 0, "fewer than five more is noise")
        XCTAssertEqual(AgendaLine.rise(recent: 25, before: 20), 5, "exactly a quarter more counts")
        XCTAssertEqual(AgendaLine.rise(recent: 44, before: 36), 0, "eight more is only 22 %")
        XCTAssertEqual(AgendaLine.rise(recent: 10, before: 12), 0)
        // An agenda stored before the rise and the staffing gap were counted.
        let old = #"[{"communityID":3,"community":"德兴社区","alerts":1,"riskDisputes":0,"overdueDisputes":0,"overdueInspections":0,"overdueEvents":2}]"#
        let lines = try JSONDecoder().decode([AgendaLine].self, from: Data(old.utf8))
        XCTAssertEqual(lines.first?.risingIncidents, 0); XCTAssertEqual(lines.first?.staffingGap, 0); XCTAssertEqual(lines.first?.total, 3)
        let line = AgendaLine(communityID: 3, community: "德兴社区", alerts: 0, riskDisputes: 0, overdueDisputes: 0, overdueInspections: 0, overdueEvents: 0,
                              risingIncidents: 7, staffingGap: 1, risingSince: "2026-11-08")
        XCTAssertEqual(line.topics.map(\.path), ["/incidents?community=3&from=2026-11-08", "/forces/staffing"])
        XCTAssertEqual(AgendaLine.topicName(path: "/incidents?community=3")?.zh, "警情上升")
    }
}

/// Issue 20 §6: the six-systems page's on-time count.
final class SixSystemsRulesTests: XCTestCase {
    func testOnTimeCountsHandledByTheDeadlineOverWhatWasDue() {
        let r = OnTime.count(events: [(10, 9), (10, 11), (10, nil), (100, nil), (nil, 5)], now: 50)
        XCTAssertEqual(r.onTime, 1)
        XCTAssertEqual(r.due, 3, "handled late, handled on time, still open past its deadline; not one still within it or one never dispatched")
        XCTAssertEqual(SafetySystem.allCases.count, 6)
    }
}
