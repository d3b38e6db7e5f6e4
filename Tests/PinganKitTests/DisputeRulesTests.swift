import XCTest
@testable import PinganKit

final class DisputeRulesTests: XCTestCase {
    func testWorkflowAllowsThePathAndRefusesSkipsWithAClearMessage() throws {
        try DisputeWorkflow.check(.accept, status: .registered, level: .community)
        try DisputeWorkflow.check(.assign, status: .accepted, level: .community, newLevel: .community)
        try DisputeWorkflow.check(.session, status: .assigned, level: .community)
        try DisputeWorkflow.check(.close, status: .mediating, level: .community, outcome: .agreement, sessions: 1)
        try DisputeWorkflow.check(.followUp, status: .closed, level: .community, currentOutcome: .agreement)
        XCTAssertEqual(DisputeWorkflow.available(from: .registered), [.accept, .decline])
        XCTAssertEqual(DisputeWorkflow.available(from: .followedUp), [])
        XCTAssertThrowsError(try DisputeWorkflow.check(.close, status: .registered, level: nil, outcome: .failed)) { e in
            XCTAssertEqual((e as! DisputeWorkflowError).messageZh, "“已登记”的纠纷不能结案；可以：受理、不予受理")
        }
        XCTAssertThrowsError(try DisputeWorkflow.check(.accept, status: .declined, level: nil)) { e in
            XCTAssertTrue((e as! DisputeWorkflowError).messageEn.contains("finished"))
        }
        // An agreement needs a session on record; a failed mediation closed straight from assignment is fine.
        XCTAssertThrowsError(try DisputeWorkflow.check(.close, status: .assigned, level: .street, outcome: .agreement, sessions: 0))
        try DisputeWorkflow.check(.close, status: .assigned, level: .street, outcome: .withdrawn, sessions: 0)
        XCTAssertThrowsError(try DisputeWorkflow.check(.followUp, status: .closed, level: .street, currentOutcome: .failed))
    }

    func testEscalationOnlyGoesUp() throws {
        try DisputeWorkflow.check(.escalate, status: .mediating, level: .community, newLevel: .street)
        try DisputeWorkflow.check(.escalate, status: .assigned, level: .street, newLevel: .district)
        XCTAssertThrowsError(try DisputeWorkflow.check(.escalate, status: .assigned, level: .street, newLevel: .street))
        XCTAssertThrowsError(try DisputeWorkflow.check(.escalate, status: .assigned, level: .district, newLevel: .community))
        XCTAssertThrowsError(try DisputeWorkflow.check(.escalate, status: .assigned, level: .street, newLevel: nil))
        XCTAssertThrowsError(try DisputeWorkflow.check(.escalate, status: .accepted, level: .street, newLevel: .district), "not yet assigned: assign at the higher level instead")
    }

    func testDeadlineCountsCalendarDaysFromAcceptance() {
        XCTAssertEqual(DisputeDeadline.dueDay(acceptedDay: "2026-01-15", days: 30), "2026-02-14")
        XCTAssertEqual(DisputeDeadline.dueDay(acceptedDay: "2024-02-15", days: 15), "2024-03-01", "leap year")
        XCTAssertNil(DisputeDeadline.dueDay(acceptedDay: "2026-02-30", days: 30))
        XCTAssertFalse(DisputeDeadline.isOverdue(status: .mediating, dueDay: "2026-02-14", today: "2026-02-14"), "the due day itself is still in time")
        XCTAssertTrue(DisputeDeadline.isOverdue(status: .mediating, dueDay: "2026-02-14", today: "2026-02-15"))
        XCTAssertFalse(DisputeDeadline.isOverdue(status: .closed, dueDay: "2026-02-14", today: "2026-03-15"), "closed files are never late")
        XCTAssertFalse(DisputeDeadline.isOverdue(status: .registered, dueDay: nil, today: "2026-03-15"))
        XCTAssertEqual(DisputeDeadline.daysLeft(dueDay: "2026-02-14", today: "2026-02-10"), 4)
        XCTAssertEqual(DisputeDeadline.daysLeft(dueDay: "2026-02-14", today: "2026-02-17"), -3)
    }

    func testCriminalReviewOnlyForLaterCriminalIncidents() {
        let reg = Date(timeIntervalSince1970: 1_780_000_000)
        XCTAssertTrue(CriminalReview.needed(incidentIsCriminal: true, incidentOccurredAt: reg.addingTimeInterval(86400), disputeRegisteredAt: reg))
        XCTAssertFalse(CriminalReview.needed(incidentIsCriminal: true, incidentOccurredAt: reg.addingTimeInterval(-86400), disputeRegisteredAt: reg), "the crime came first: not a failed prevention")
        XCTAssertFalse(CriminalReview.needed(incidentIsCriminal: false, incidentOccurredAt: reg.addingTimeInterval(86400), disputeRegisteredAt: reg))
    }

    func testRoutingByTypeSizeAndRisk() {
        XCTAssertEqual(DisputeRouting.level(for: .init(type: .neighbours, peopleInvolved: 2)).level, .community)
        XCTAssertEqual(DisputeRouting.level(for: .init(type: .family, peopleInvolved: 3, criminalRisk: true)).level, .street)
        XCTAssertEqual(DisputeRouting.level(for: .init(type: .neighbours, peopleInvolved: 10)).level, .street)
        XCTAssertEqual(DisputeRouting.level(for: .init(type: .neighbours, peopleInvolved: 9)).level, .community)
        XCTAssertEqual(DisputeRouting.level(for: .init(type: .wageArrears, peopleInvolved: 4)).level, .street)
        XCTAssertEqual(DisputeRouting.level(for: .init(type: .wageArrears, peopleInvolved: 30)).level, .district)
        XCTAssertEqual(DisputeRouting.level(for: .init(type: .demolition, peopleInvolved: 1)).level, .district)
        XCTAssertEqual(DisputeRouting.level(for: .init(type: .consumer, peopleInvolved: 2, massPetition: true)).level, .district)
        XCTAssertEqual(DisputeRouting.mediator(among: []), nil)
        XCTAssertEqual(DisputeRouting.mediator(among: [.init(id: 7, openFiles: 3), .init(id: 4, openFiles: 5), .init(id: 9, openFiles: 3)]), 7)
        XCTAssertEqual(DisputeRouting.mediator(among: [.init(id: 7, openFiles: 1, overdueFiles: 2), .init(id: 4, openFiles: 8)]), 4, "overdue work counts first")
    }

    func testStatisticsAsTheSeedWritesThem() {
        // 003: 1,008 handled, 975 successful = 96.7%.
        var facts: [DisputeFact] = []
        for i in 0..<975 { facts.append(.init(key: "2026-01", status: i % 2 == 0 ? .closed : .followedUp, outcome: .agreement, accepted: true, riskFlagged: i < 31, daysToClose: 10)) }
        for _ in 0..<20 { facts.append(.init(key: "2026-01", status: .closed, outcome: .failed, accepted: true, riskFlagged: false, daysToClose: 40)) }
        for _ in 0..<13 { facts.append(.init(key: "2026-02", status: .referred, outcome: nil, accepted: true, riskFlagged: false)) }
        // Not in the denominator: withdrawn, open, declined.
        facts.append(.init(key: "2026-02", status: .closed, outcome: .withdrawn, accepted: true, riskFlagged: false, daysToClose: 5))
        facts.append(.init(key: "2026-02", status: .mediating, outcome: nil, accepted: true, riskFlagged: true, escalated: true))
        facts.append(.init(key: "2026-02", status: .declined, outcome: nil, accepted: false, riskFlagged: false))
        let (rows, total) = DisputeStats.table(facts)
        XCTAssertEqual(rows.map(\.key), ["2026-01", "2026-02"])
        XCTAssertEqual(total.registered, 1011)
        XCTAssertEqual(total.accepted, 1010)
        XCTAssertEqual(total.handled, 1008)
        XCTAssertEqual(total.succeeded, 975)
        XCTAssertEqual(total.successRate, "96.7%")
        XCTAssertEqual(total.failed, 20); XCTAssertEqual(total.referred, 13); XCTAssertEqual(total.withdrawn, 1); XCTAssertEqual(total.open, 1)
        XCTAssertEqual(total.preventedEscalations, 31)
        XCTAssertEqual(total.escalated, 1)
        XCTAssertEqual(total.averageDaysToClose, 10.6, "(975·10 + 20·40 + 5) / 996 = 10.59…")
        XCTAssertEqual(rows[1].successRate, "0.0%")
        XCTAssertEqual(DisputeStatsRow(key: "x").successRate, "—")
    }
}
