import XCTest
@testable import PinganKit

private func day(_ s: String) -> LocalDay { LocalDay(s)! }

final class LocalDayTests: XCTestCase {
    func testKnownDatesAndISOWeeks() {
        XCTAssertEqual(day("1970-01-01").dayNumber, 0)
        XCTAssertEqual(day("2026-01-01").dayNumber, 20454)
        XCTAssertEqual(day("1969-12-31").weekday, 3)
        XCTAssertEqual(day("2026-01-01").isoWeek, ISOWeek(year: 2026, week: 1))
        XCTAssertEqual(day("2021-01-03").isoWeek, ISOWeek(year: 2020, week: 53))
        XCTAssertEqual(day("2024-12-30").isoWeek, ISOWeek(year: 2025, week: 1))
        XCTAssertEqual(day("2027-01-01").isoWeek, ISOWeek(year: 2026, week: 53))
        XCTAssertEqual(ISOWeek(year: 2026, week: 10).monday, day("2026-03-02"))
        XCTAssertEqual(ISOWeek(year: 2026, week: 10).description, "2026-W10")
        XCTAssertEqual(day("2000-02-29").description, "2000-02-29")
        XCTAssertNil(LocalDay("2026-02-29"))
        XCTAssertNil(LocalDay("2026-13-01"))
        XCTAssertEqual(LocalDay.lastDay(of: YearMonth(year: 2024, month: 2)), day("2024-02-29"))
        XCTAssertEqual(ISOWeek.reported(in: YearMonth(year: 2026, month: 3)).map(\.week), [10, 11, 12, 13])
        XCTAssertEqual(ISOWeek.touching(day("2026-03-01")...day("2026-03-31")).map(\.week), [9, 10, 11, 12, 13, 14])
    }

    func testAgreesWithFoundationForTwentyYears() {
        var iso = Calendar(identifier: .iso8601)
        iso.timeZone = TimeZone(identifier: "UTC")!
        var d = day("2015-12-20")
        let cal = LocalCalendar(timeZoneIdentifier: "UTC")
        while d < day("2035-01-10") {
            let date = cal.date(year: d.components.year, month: d.components.month, day: d.components.day)
            XCTAssertEqual(LocalDay(date, in: cal), d)
            let c = iso.dateComponents([.yearForWeekOfYear, .weekOfYear], from: date)
            XCTAssertEqual(d.isoWeek, ISOWeek(year: c.yearForWeekOfYear!, week: c.weekOfYear!), "\(d)")
            XCTAssertEqual(d.weekday, cal.weekday(of: date))
            XCTAssertEqual(d.isoWeek.monday.isoWeek, d.isoWeek)
            d = d.adding(days: 1)
        }
    }

    func testCodableAsString() throws {
        let data = try JSONEncoder().encode([day("2026-03-05")])
        XCTAssertEqual(String(decoding: data, as: UTF8.self), "[\"2026-03-05\"]")
        XCTAssertEqual(try JSONDecoder().decode([LocalDay].self, from: data), [day("2026-03-05")])
    }
}

final class PresenceTests: XCTestCase {
    static let log: [WorkLogEntry] = [
        // 2026-W10 (Mon 03-02 … Sun 03-08)
        WorkLogEntry(officerID: "O1", date: day("2026-03-02"), communityCode: "C1", kind: .visit),
        WorkLogEntry(officerID: "O1", date: day("2026-03-02"), communityCode: "C1", kind: .patrol),   // same day: once
        WorkLogEntry(officerID: "O1", date: day("2026-03-03"), communityCode: "C1", kind: .registration),
        WorkLogEntry(officerID: "O1", date: day("2026-03-04"), communityCode: "C9", kind: .meeting),  // not his community
        WorkLogEntry(officerID: "O1", date: day("2026-03-05"), communityCode: nil, kind: .service),   // at the station
        // 2026-W11
        WorkLogEntry(officerID: "O1", date: day("2026-03-09"), communityCode: "C1", kind: .visit),
        WorkLogEntry(officerID: "O1", date: day("2026-03-10"), communityCode: "C2", kind: .mediation),
        WorkLogEntry(officerID: "O1", date: day("2026-03-11"), communityCode: "C1", kind: .visit),
        // 2026-W14 (Mon 03-30, Thursday in April): March days count in March, the week is April's.
        WorkLogEntry(officerID: "O1", date: day("2026-03-31"), communityCode: "C1", kind: .visit),
        WorkLogEntry(officerID: "O2", date: day("2026-03-02"), communityCode: "C5", kind: .visit),
    ]

    func testDaysPerWeekAndFlags() {
        let weeks = [ISOWeek(year: 2026, week: 10), ISOWeek(year: 2026, week: 11), ISOWeek(year: 2026, week: 12)]
        let w = Presence.weekly(Self.log, officerID: "O1", communities: ["C1", "C2"], weeks: weeks)
        XCTAssertEqual(w.map(\.daysPresent), [2, 3, 0])
        XCTAssertEqual(w.map(\.flagged), [true, false, true], "under 3 days a week is flagged (seed 001)")
        XCTAssertEqual(w[0].days, [day("2026-03-02"), day("2026-03-03")])
        // Without assignments any community counts: 03-04 in C9 makes it 3.
        XCTAssertEqual(Presence.weekly(Self.log, officerID: "O1", weeks: weeks).map(\.daysPresent), [3, 3, 0])
        // A day of leave lowers the week's requirement to 2.
        let excused = Presence.weekly(Self.log, officerID: "O1", communities: ["C1", "C2"], weeks: weeks,
                                      excused: [day("2026-03-06")])
        XCTAssertEqual(excused[0].required, 2)
        XCTAssertFalse(excused[0].flagged)
        // Boundary: exactly 3 is enough; with a 4-day rule it is not.
        XCTAssertFalse(w[1].flagged)
        XCTAssertTrue(Presence.weekly(Self.log, officerID: "O1", communities: ["C1", "C2"], weeks: weeks,
                                      rules: PresenceRules(minimumDaysPerWeek: 4))[1].flagged)
    }

    func testFlagsForAllOfficers() {
        let flags = Presence.flags(Self.log, assignments: ["O1": ["C1", "C2"], "O2": ["C5"], "O3": ["C7"]],
                                   period: day("2026-03-02")...day("2026-03-15"))
        XCTAssertEqual(flags.map { "\($0.officerID) \($0.week) \($0.daysPresent)" },
                       ["O1 2026-W10 2", "O2 2026-W10 1", "O2 2026-W11 0", "O3 2026-W10 0", "O3 2026-W11 0"])
        let table = Presence.table(Self.log, assignments: ["O1": ["C1", "C2"], "O2": ["C5"]], period: day("2026-03-02")...day("2026-03-15"))
        XCTAssertEqual(table.map(\.officerID), ["O1", "O2"])
        XCTAssertEqual(table[0].weeks.map(\.daysPresent), [2, 3])
        XCTAssertEqual(table.map(\.weeksFlagged), [1, 2])
    }

    func testMonthlyWorkReport() {
        let r = Presence.monthlyReport(Self.log, officerID: "O1", month: YearMonth(year: 2026, month: 3), communities: ["C1", "C2"])
        XCTAssertEqual(r.entries, 9)
        XCTAssertEqual(r.count(.visit), 4)
        XCTAssertEqual(r.count(.patrol), 1)
        XCTAssertEqual(r.count(.mediation), 1)
        XCTAssertEqual(r.countsByKind.map(\.kind), WorkKind.allCases)
        XCTAssertEqual(r.daysLogged, 8)
        XCTAssertEqual(r.daysPresent, 6, "03-02, 03-03, 03-09, 03-10, 03-11, 03-31")
        XCTAssertEqual(r.entriesByCommunity[""], 1)
        XCTAssertEqual(r.weeks.map(\.week.week), [10, 11, 12, 13])
        XCTAssertEqual(r.weeksFlagged, 3)
        XCTAssertTrue(r.text.contains("工作月报 2026-03"))
        XCTAssertTrue(r.text.contains("不足周数 3 / 4"))
    }
}

final class PatrolEvaluationTests: XCTestCase {
    func testDoneVersusPlannedHoursAndGrids() {
        let plans = [
            PlannedPatrol(id: "P1", teamID: "T1", date: day("2026-03-02"), startMinute: 19 * 60, endMinute: 22 * 60, grids: ["G1", "G2"]),
            PlannedPatrol(id: "P2", teamID: "T1", date: day("2026-03-04"), startMinute: 22 * 60, endMinute: 26 * 60, grids: ["G3"], mode: .vehicle),
            PlannedPatrol(id: "P3", teamID: "T1", date: day("2026-03-09"), startMinute: 8 * 60, endMinute: 10 * 60, grids: ["G1"]),
            PlannedPatrol(id: "P4", teamID: "T2", date: day("2026-03-03"), startMinute: 7 * 60, endMinute: 8 * 60, grids: ["G9"], mode: .checkpoint),
        ]
        let logs = [
            PatrolLog(teamID: "T1", planID: "P1", date: day("2026-03-02"), minutes: 170, gridsCovered: ["G1"], findings: 1),
            PatrolLog(teamID: "T1", planID: "P1", date: day("2026-03-02"), minutes: 30, gridsCovered: ["G2"]), // second check-in: still one patrol
            PatrolLog(teamID: "T1", planID: nil, date: day("2026-03-06"), minutes: 60, gridsCovered: ["G7"]),     // unplanned
            PatrolLog(teamID: "T1", planID: "P3", date: day("2026-03-09"), minutes: 120, gridsCovered: ["G1"]),
            PatrolLog(teamID: "T2", planID: "P1", date: day("2026-03-03"), minutes: 60, gridsCovered: ["G9"]),    // another team's plan
        ]
        let weekly = PatrolEvaluation.weekly(plans: plans, logs: logs)
        XCTAssertEqual(weekly.map { "\($0.teamID) \($0.period)" }, ["T1 2026-W10", "T1 2026-W11", "T2 2026-W10"])
        let t1w10 = weekly[0]
        XCTAssertEqual(t1w10.planned, 2)
        XCTAssertEqual(t1w10.done, 1)
        XCTAssertEqual(t1w10.completion.percent, "50.0%")
        XCTAssertEqual(t1w10.unplanned, 1)
        XCTAssertEqual(t1w10.plannedMinutes, 3 * 60 + 4 * 60, "the night shift runs past midnight")
        XCTAssertEqual(t1w10.minutes, 260)
        XCTAssertEqual(t1w10.hours, 260.0 / 60)
        XCTAssertEqual(t1w10.gridsPlanned, 3)
        XCTAssertEqual(t1w10.gridsCovered, 2)
        XCTAssertEqual(t1w10.extraGrids, 1)
        XCTAssertEqual(t1w10.findings, 1)
        XCTAssertEqual(weekly[2].done, 0, "a log naming another team's plan does not complete it")
        XCTAssertEqual(weekly[2].unplanned, 1)

        let monthly = PatrolEvaluation.monthly(plans: plans, logs: logs)
        XCTAssertEqual(monthly.count, 2)
        XCTAssertEqual(monthly[0].period, .month(YearMonth(year: 2026, month: 3)))
        XCTAssertEqual(monthly[0].planned, 3)
        XCTAssertEqual(monthly[0].done, 2)
        XCTAssertEqual(monthly[0].completion.percent, "66.7%")
        XCTAssertEqual(monthly[0].minutes, 380)
        XCTAssertEqual(monthly[0].gridCoverage, Share(2, of: 3))
    }
}

final class MemberAssessmentTests: XCTestCase {
    func testScoreCardsCapsClampAndRanking() throws {
        let scheme = AssessmentScheme.example
        let records = [
            AssessmentRecord(memberID: "M1", itemID: "patrol_hours", quantity: 80),  // 16 → capped 10
            AssessmentRecord(memberID: "M1", itemID: "clues", quantity: 2),          // 6
            AssessmentRecord(memberID: "M2", itemID: "patrol_hours", quantity: 40),  // 8
            AssessmentRecord(memberID: "M2", itemID: "training", quantity: 1),       // 2
            AssessmentRecord(memberID: "M2", itemID: "training", quantity: 2),       // +4 → 3 sessions = 6
            AssessmentRecord(memberID: "M2", itemID: "absence", quantity: 1),        // -5
            AssessmentRecord(memberID: "M3", itemID: "complaint", quantity: 9),      // -90 → clamped at 0
            AssessmentRecord(memberID: "M5", itemID: "patrol_hours", quantity: 45),  // 9
        ]
        let cards = try MemberAssessment.scoreCards(members: ["M1", "M2", "M3", "M4", "M5"], records: records, scheme: scheme)
        XCTAssertEqual(cards.map(\.memberID), ["M1", "M2", "M5", "M4", "M3"])
        XCTAssertEqual(cards.map(\.total), [96, 89, 89, 80, 0])
        XCTAssertEqual(cards.map(\.rank), [1, 2, 2, 4, 5], "equal totals share a rank")
        XCTAssertEqual(cards.map(\.grade), ["优秀 / Excellent", "合格 / Pass", "合格 / Pass", "合格 / Pass", "不合格 / Fail"])
        let m1 = cards[0]
        XCTAssertEqual(m1.lines.count, scheme.items.count)
        XCTAssertEqual(m1.lines[0].points, 10)
        XCTAssertTrue(m1.lines[0].capped)
        XCTAssertEqual(cards[1].lines[1].quantity, 3)
    }

    func testErrors() {
        let scheme = AssessmentScheme(items: [ScoringItem(id: "a", name: "A", pointsPerUnit: 1)])
        XCTAssertThrowsError(try MemberAssessment.scoreCards(members: ["M"], records: [AssessmentRecord(memberID: "M", itemID: "b", quantity: 1)], scheme: scheme)) {
            XCTAssertEqual($0 as? AssessmentError, .unknownItem("b"))
        }
        XCTAssertThrowsError(try MemberAssessment.scoreCards(members: ["M"], records: [AssessmentRecord(memberID: "X", itemID: "a", quantity: 1)], scheme: scheme)) {
            XCTAssertEqual($0 as? AssessmentError, .unknownMember("X"))
        }
        let dup = AssessmentScheme(items: [ScoringItem(id: "a", name: "A", pointsPerUnit: 1), ScoringItem(id: "a", name: "A", pointsPerUnit: 2, cap: -1)])
        XCTAssertEqual(dup.problems.count, 2)
        XCTAssertThrowsError(try MemberAssessment.scoreCards(members: [], records: [], scheme: dup))
    }

    func testRoundingMakesEqualWorkEqual() throws {
        let scheme = AssessmentScheme(items: [ScoringItem(id: "h", name: "hours", pointsPerUnit: 0.1)])
        let cards = try MemberAssessment.scoreCards(
            members: ["A", "B"],
            records: [AssessmentRecord(memberID: "A", itemID: "h", quantity: 3),
                      AssessmentRecord(memberID: "B", itemID: "h", quantity: 1), AssessmentRecord(memberID: "B", itemID: "h", quantity: 2)],
            scheme: scheme)
        XCTAssertEqual(cards.map(\.total), [0.3, 0.3])
        XCTAssertEqual(cards.map(\.rank), [1, 1])
    }
}

final class InspectionTests: XCTestCase {
    func testDeadlinesAndStatus() {
        let rules = RectificationRules()
        let n = RectificationNotice(id: "N1", targetKind: .rental, severity: .general, issuedOn: day("2026-03-02"))
        XCTAssertEqual(n.deadline(rules), day("2026-03-17"))
        XCTAssertEqual(Inspections.status(n, asOf: day("2026-03-10"), rules: rules), .open(daysLeft: 7))
        XCTAssertEqual(Inspections.status(n, asOf: day("2026-03-17"), rules: rules), .dueToday, "the deadline day is still in time")
        XCTAssertEqual(Inspections.status(n, asOf: day("2026-03-18"), rules: rules), .overdue(days: 1))
        var done = n
        done.rectifiedOn = day("2026-03-17")
        XCTAssertEqual(Inspections.status(done, asOf: day("2026-04-01"), rules: rules), .rectifiedOnTime)
        done.rectifiedOn = day("2026-03-20")
        XCTAssertEqual(Inspections.status(done, asOf: day("2026-04-01"), rules: rules), .rectifiedLate(days: 3))
        XCTAssertEqual(Inspections.status(done, asOf: day("2026-03-19"), rules: rules), .overdue(days: 2),
                       "a later rectification is not known yet")
        XCTAssertEqual(RectificationNotice(id: "x", targetKind: .venue, severity: .major, issuedOn: day("2026-03-02")).deadline(rules), day("2026-03-05"))
        XCTAssertEqual(RectificationNotice(id: "x", targetKind: .venue, issuedOn: day("2026-03-02"), daysAllowed: 30).deadline(rules), day("2026-04-01"))
    }

    func testWorkingDaysSkipWeekendsAndHolidays() {
        let rules = RectificationRules(daysBySeverity: [.general: 5], workingDaysOnly: true, holidays: [day("2026-03-09")])
        // Issued Friday 03-06: Mon 03-09 is a holiday, so 03-10 … 03-16 are the five working days.
        XCTAssertEqual(rules.deadline(issued: day("2026-03-06"), days: 5), day("2026-03-16"))
        XCTAssertEqual(rules.deadline(issued: day("2026-03-06"), days: 0), day("2026-03-06"))
    }

    func testOverdueListOrder() {
        let notices = [
            RectificationNotice(id: "B", targetKind: .venue, severity: .major, issuedOn: day("2026-03-01")),          // due 03-04
            RectificationNotice(id: "A", targetKind: .venue, severity: .major, issuedOn: day("2026-03-01")),          // due 03-04
            RectificationNotice(id: "C", targetKind: .organisation, severity: .serious, issuedOn: day("2026-03-01")), // due 03-08
            RectificationNotice(id: "D", targetKind: .rental, severity: .major, issuedOn: day("2026-02-20"), rectifiedOn: day("2026-03-01")),
            RectificationNotice(id: "E", targetKind: .rental, issuedOn: day("2026-03-01")),                           // due 03-16
        ]
        let list = Inspections.overdue(notices, asOf: day("2026-03-10"))
        XCTAssertEqual(list.map(\.notice.id), ["A", "B", "C"])
        XCTAssertEqual(list.map(\.daysOverdue), [6, 6, 2])
    }
}

final class ForceSharesTests: XCTestCase {
    func testConcurrentPostShareAsInSeed000() {
        var officers: [OfficerPostRecord] = []
        for i in 0..<265 {
            let posts: Set<ConcurrentPost> = i < 30 ? [.deputyPartySecretary] : i < 48 ? [.directorAssistant]
                : i == 48 ? [.deputyPartySecretary, .directorAssistant] : []
            officers.append(OfficerPostRecord(officerID: "P\(i)", stationCode: i % 2 == 0 ? "S1" : "S2", concurrentPosts: posts))
        }
        officers.append(officers[0]) // listed twice: counts once
        let b = ForceShares.concurrentPosts(officers)
        XCTAssertEqual(b.total, Share(49, of: 265))
        XCTAssertEqual(b.total.percent, "18.5%")
        XCTAssertEqual(b.total.description, "49/265 (18.5%)")
        XCTAssertEqual(b.keys, ["S1", "S2"])
        XCTAssertEqual(b["S1"], Share(25, of: 133))
        XCTAssertEqual(b["S2"], Share(24, of: 132))
    }

    func testTrainedShareAsInSeed000() {
        // Seed 000: 4,025 members in 250 teams; 2,595 trained (64.5%) in the April–May sessions.
        let members = (0..<4025).map { TeamMemberRecord(memberID: "M\($0)", teamID: "T" + String($0 % 250)) }
        let sessions = (0..<15).map { TrainingSession(id: "S\($0)", date: day("2009-04-01").adding(days: $0 * 4)) }
            + [TrainingSession(id: "LATE", date: day("2009-07-01"))]
        var attendance = (0..<2595).map { TrainingAttendance(sessionID: "S\($0 % 15)", memberID: "M\($0)") }
        attendance.append(TrainingAttendance(sessionID: "LATE", memberID: "M4000"))               // outside the period
        attendance.append(TrainingAttendance(sessionID: "S1", memberID: "M4001", present: false)) // absent
        attendance.append(TrainingAttendance(sessionID: "S1", memberID: "M0"))                     // second session: once
        let b = ForceShares.trained(members: members, sessions: sessions, attendance: attendance,
                                    period: day("2009-04-01")...day("2009-05-31"))
        XCTAssertEqual(b.total, Share(2595, of: 4025))
        XCTAssertEqual(b.total.percent, "64.5%")
        XCTAssertEqual(b.keys.count, 250)
        XCTAssertEqual(ForceShares.trained(members: members, sessions: sessions, attendance: attendance).total.part, 2596)
        XCTAssertEqual(ForceShares.trained(members: members, sessions: sessions, attendance: attendance,
                                           minimumSessions: 2).total.part, 1)
    }
}

final class LeaderAssignmentsTests: XCTestCase {
    /// Seed 000: 29 stations, 106 leaders, 114 offices; 58 principals on 63, 48 deputies on 51.
    func testCoverageAsInSeed000() {
        var a: [LeaderAssignment] = []
        for i in 0..<58 {
            a.append(LeaderAssignment(leaderID: "P\(i)", stationCode: "S\(i % 29)", role: .principal,
                                      communityCodes: ["CP\(i)"] + (i < 5 ? ["CPX\(i)"] : [])))
        }
        for j in 0..<48 {
            a.append(LeaderAssignment(leaderID: "D\(j)", stationCode: "S\(j % 29)", role: .deputy,
                                      communityCodes: ["CD\(j)"] + (j < 3 ? ["CDX\(j)"] : [])))
        }
        let c = LeaderAssignments.coverage(a)
        XCTAssertEqual(c.stations, 29)
        XCTAssertEqual(c.leaders, 106)
        XCTAssertEqual(c.communities, 114)
        XCTAssertEqual(c.leadersByRole, [.principal: 58, .deputy: 48])
        XCTAssertEqual(c.communitiesByRole, [.principal: 63, .deputy: 51])
    }

    func testRiseAndFallPerLeader() {
        let a = [
            LeaderAssignment(leaderID: "L1", stationCode: "S", role: .principal, communityCodes: ["A", "B"]),
            LeaderAssignment(leaderID: "L2", stationCode: "S", role: .deputy, communityCodes: ["C"]),
            LeaderAssignment(leaderID: "L0", stationCode: "S", role: .deputy, communityCodes: ["D"]),
        ]
        let r = LeaderAssignments.riseFall(a, current: ["A": 50, "B": 6, "C": 15, "D": 10], previous: ["A": 62, "B": 3, "C": 10])
        XCTAssertEqual(r.map(\.leaderID), ["L0", "L2", "L1"], "largest rise first: +10, +5, −9")
        XCTAssertEqual(r[2].change, "-13.8%", "65 → 56 as seed 003 writes it")
        XCTAssertEqual(r[2].communities.map(\.change), ["-19.4%", "+100.0%"])
        XCTAssertEqual(r[0].change, "—", "no incidents last period")
        XCTAssertEqual(r[1].change, "+50.0%")
    }
}
