import XCTest
@testable import PinganKit

/// Issue 20 §1: response teams (应急处突队伍) — skills a kind of emergency needs, the roster's gaps.
final class ResponseTeamRulesTests: XCTestCase {
    let today = LocalDay(year: 2026, month: 12, day: 7)!

    func testSkillsRoundTripAndUnknownCodesAreNamed() {
        XCTAssertEqual(ResponseSkill.decode("driving, first_aid,bogus"), [.firstAid, .driving], "catalogue order, unknown dropped")
        XCTAssertEqual(ResponseSkill.encode([.driving, .firstAid, .driving]), "first_aid,driving")
        let parsed = ResponseSkill.parse(["water_rescue", " ", "swimming"])
        XCTAssertEqual(parsed.skills, [.waterRescue]); XCTAssertEqual(parsed.unknown, "swimming")
        XCTAssertNil(ResponseSkill.parse(["hazmat"]).unknown)
    }

    func testMissingSkillsAreWhatTheTeamsEmergenciesNeedAndNobodyHas() {
        // A flood team with a boat crew and a driver lacks search and rescue and first aid.
        XCTAssertEqual(ResponseTeamRules.missingSkills(types: [.flood], members: [[.waterRescue], [.driving, .waterRescue]]),
                       [.firstAid, .searchRescue])
        XCTAssertEqual(ResponseTeamRules.missingSkills(types: [.flood, .fire], members: []).count, 6, "union of both needs")
        XCTAssertEqual(ResponseTeamRules.missingSkills(types: [], members: []), [], "a team of no stated kind needs nothing in particular")
        XCTAssertEqual(ResponseTeamRules.missingSkills(types: [.massIncident], members: [[.negotiation, .crowdControl, .counselling]]), [])
    }

    func testShiftRules() {
        func problems(_ from: LocalDay?, _ to: LocalDay?) -> [String] { ResponseTeamRules.shiftProblems(from: from, to: to, today: today).keys.sorted() }
        XCTAssertEqual(problems(today, today), [], "one day, today")
        XCTAssertEqual(problems(today.adding(days: -3), today), [], "a shift already running may be recorded")
        XCTAssertEqual(problems(nil, nil), ["from", "to"])
        XCTAssertEqual(problems(today, today.adding(days: -1)), ["to"], "ends before it starts")
        XCTAssertEqual(problems(today, today.adding(days: 30)), [], "31 days")
        XCTAssertEqual(problems(today, today.adding(days: 31)), ["to"], "32 days")
        XCTAssertEqual(problems(today.adding(days: -10), today.adding(days: -2)), ["to"], "over already")
        XCTAssertEqual(problems(today.adding(days: 400), today.adding(days: 401)), ["from"], "more than a year ahead")
    }

    func testOnCallAndGaps() {
        let shifts = [OnCallShift(memberID: 1, from: today, to: today.adding(days: 2)),
                      OnCallShift(memberID: 2, from: today.adding(days: 2), to: today.adding(days: 4)),
                      OnCallShift(memberID: 1, from: today.adding(days: 2), to: today.adding(days: 2)),
                      OnCallShift(memberID: 3, from: today.adding(days: 8), to: today.adding(days: 8))]
        XCTAssertEqual(ResponseTeamRules.onCall(shifts, on: today.adding(days: 2)), [1, 2], "each member once")
        XCTAssertEqual(ResponseTeamRules.onCall(shifts, on: today.adding(days: 5)), [])
        let gaps = ResponseTeamRules.uncoveredDays(shifts, from: today, days: 10)
        XCTAssertEqual(gaps, [5, 6, 7, 9].map { today.adding(days: $0) })
        XCTAssertEqual(ResponseTeamRules.ranges(gaps), [today.adding(days: 5)...today.adding(days: 7), today.adding(days: 9)...today.adding(days: 9)])
        XCTAssertEqual(ResponseTeamRules.uncoveredDays([], from: today).count, ResponseTeamRules.lookAheadDays)
    }
}
