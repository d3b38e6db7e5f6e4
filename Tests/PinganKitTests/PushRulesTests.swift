import XCTest
@testable import PinganKit

/// Targeted push (精准推送): who a push reaches, and the SMS a member without an account receives.
final class PushRulesTests: XCTestCase {
    let street = "440113007", c1 = "440113007601", c2 = "440113007602", other = "440113008601"

    func testTheAreaReachesEveryoneOrTheChosenRolesButNotWhenOnlyMemberKindsAreChosen() {
        let people: [PushAudience.Candidate] = [
            .init(id: 1, role: .communityOfficer, rootCode: c1), .init(id: 2, role: .gridWorker, rootCode: c1 + "001"),
            .init(id: 3, role: .gridWorker, rootCode: other), .init(id: 4, role: .districtCommand, rootCode: "440113"),
            .init(id: 5, role: .gridWorker, rootCode: c2, active: false),
        ]
        XCTAssertEqual(PushAudience(areaCode: street).recipients(people, sender: 4), [1, 2])
        XCTAssertEqual(PushAudience(areaCode: street, roles: [.gridWorker]).recipients(people, sender: 4), [2])
        // Only kinds of members: the area part reaches no account (the members are reached by SMS instead).
        XCTAssertEqual(PushAudience(areaCode: street, memberKinds: [.volunteer]).recipients(people, sender: 4), [])
        XCTAssertEqual(PushAudience(areaCode: street, roles: [.communityOfficer], memberKinds: [.volunteer]).recipients(people, sender: 4), [1])
    }

    func testMembersAreChosenByKindInsideTheAreaAndThoseWithoutANumberAreSetApart() {
        let members: [PushMembers.Candidate] = [
            .init(id: 10, kind: .volunteer, communityCode: c1), .init(id: 11, kind: .teamMember, communityCode: c2, hasPhone: false),
            .init(id: 12, kind: .volunteer, communityCode: c2, active: false), .init(id: 13, kind: .volunteer, communityCode: other),
            .init(id: 14, kind: .auxiliary, communityCode: c1),
        ]
        let r = PushMembers.recipients(members, areaCode: street, kinds: [.volunteer, .teamMember])
        XCTAssertEqual(r.reachable, [10]); XCTAssertEqual(r.withoutPhone, [11])
        XCTAssertEqual(PushMembers.recipients(members, areaCode: c1, kinds: [.auxiliary]).reachable, [14])
        XCTAssertTrue(PushMembers.recipients(members, areaCode: nil, kinds: [.volunteer]).reachable.isEmpty)
        XCTAssertTrue(PushMembers.recipients(members, areaCode: street, kinds: []).reachable.isEmpty)
    }

    func testTheSMSCarriesTitleDueTimeAndLinkAndCutsTheBodyToFit() {
        let link = "https://pingan.example/public/push/AbCdEfGhIjKlMnOpQrStUv"
        let short = PushMembers.sms(kind: .task, title: "汛期巡查", body: "加强河涌巡查。\n发现险情立即报告。", due: "2026-12-08 18:00", link: link, reminder: false)
        XCTAssertEqual(short, "【平安】任务：汛期巡查。加强河涌巡查。 发现险情立即报告。请于2026-12-08 18:00前完成。完成后请点此回复：" + link)
        let notice = PushMembers.sms(kind: .notice, title: "台风预警", body: "请做好防风准备。", due: nil, link: nil, reminder: true)
        XCTAssertEqual(notice, "【平安·提醒】通知：台风预警。请做好防风准备。")
        let long = PushMembers.sms(kind: .notice, title: "通知", body: String(repeating: "字", count: 2000), due: nil, link: link, reminder: false)
        XCTAssertEqual(long.count, PushMembers.smsLimit)
        XCTAssertTrue(long.hasSuffix("…请点此确认收到：" + link), long)
    }
}
