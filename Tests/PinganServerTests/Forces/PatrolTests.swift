import Fluent
import XCTVapor
import PinganKit
@testable import PinganServer

/// A team with one active member, written directly (the route walk needs them in and out of scope).
func makeTeam(_ app: Application, _ f: Fixture, community: Int, name: String = "德兴巡防队") async throws -> (team: Int, member: Int) {
    let t = Team()
    t.name = name; t.kind = .patrol; t.communityID = community; t.leaderName = "张伟"; t.note = ""; t.createdByID = f.users["admin"]!
    try await t.create(on: app.db)
    let m = TeamMember()
    m.teamID = t.id!; m.communityID = community; m.name = "李队员"; m.kind = .teamMember; m.status = .active
    try await m.create(on: app.db)
    return (t.id!, m.id!)
}

private func today() -> LocalDay { LocalDay(Date(), in: LocalCalendar()) }

func makePatrolPlan(_ app: Application, _ f: Fixture, team: Int) async throws -> Int {
    let t = try await Team.find(team, on: app.db)!
    let p = PatrolPlanRecord()
    p.teamID = team; p.communityID = t.communityID; p.day = today().description; p.startMinute = 0; p.endMinute = 120; p.mode = .foot
    p.gridIDs = ""; p.note = ""; p.createdByID = f.users["admin"]!
    try await p.create(on: app.db)
    return p.id!
}

func makePatrolLog(_ app: Application, _ f: Fixture, team: Int) async throws -> Int {
    let t = try await Team.find(team, on: app.db)!
    let l = PatrolLogRecord()
    l.teamID = team; l.communityID = t.communityID; l.day = today().description; l.startMinute = 0; l.endMinute = 120; l.mode = .foot
    l.gridIDs = ""; l.summary = ""; l.createdByID = f.users["admin"]!
    try await l.create(on: app.db)
    return l.id!
}

func makeDutySlot(_ app: Application, community: Int) async throws -> Int {
    let s = DutySlotRecord()
    s.kind = .school; s.communityID = community; s.post = "小学校门"; s.weekdays = "12345"; s.startMinute = 420; s.endMinute = 510; s.onDuty = "王五"
    try await s.create(on: app.db)
    return s.id!
}

func makeTraining(_ app: Application, _ f: Fixture, community: Int) async throws -> Int {
    let s = TrainingSessionRecord()
    s.communityID = community; s.heldOn = today().description; s.topic = "治安巡逻技能"; s.hours = 2; s.createdByID = f.users["admin"]!
    try await s.create(on: app.db)
    return s.id!
}

private func json<T: Decodable>(_ app: Application, _ path: String, _ body: String, as headers: HTTPHeaders,
                                expect: HTTPStatus, _ type: T.Type, file: StaticString = #filePath, line: UInt = #line) async throws -> T? {
    var out: T? = nil
    try await postJSON(app, path, body, as: headers) { res in
        XCTAssertEqual(res.status, expect, "\(path): \(res.body.string)", file: file, line: line)
        if res.status == expect, expect == .ok || expect == .created { out = try res.content.decode(T.self) }
    }
    return out
}

private func fields(_ app: Application, _ path: String, _ body: String, as headers: HTTPHeaders, file: StaticString = #filePath, line: UInt = #line) async throws -> [String: String] {
    var out: [String: String] = [:]
    try await postJSON(app, path, body, as: headers) { res in
        XCTAssertEqual(res.status, .unprocessableEntity, "\(path): \(res.body.string)", file: file, line: line)
        out = (try? res.content.decode(ErrorBody.self).fields ?? [:]) ?? [:]
    }
    return out
}

final class PatrolServerTests: XCTestCase {
    func testPlanRosterLogCheckInsFindingToIncidentAndWeeklyReview() async throws {
        try await withApp { app, f in
            let leader = f.bearer("leader"), officer = f.bearer("officer")
            // The patrol runs 00:00–02:00 on day d and its finding is at 00:30: d is the day three hours ago, so that
            // just after local midnight the finding is not in the future (it failed in CI at 00:09 China time).
            let dayOfPatrol = Date().addingTimeInterval(-3 * 3600)
            let d = LocalDay(dayOfPatrol, in: LocalCalendar()).description
            var iso = Calendar(identifier: .iso8601); iso.timeZone = TimeZone(identifier: "Asia/Shanghai")!  // LocalCalendar()'s default zone
            let week = String(format: "%04d-W%02d", iso.component(.yearForWeekOfYear, from: dayOfPatrol), iso.component(.weekOfYear, from: dayOfPatrol))
            // The team leader (联防队长, scoped to c1) sets up the team; another community is refused like a missing one.
            do { let r = try await fields(app, "/api/v1/teams", #"{"name":"沙头队","kind":"patrol","communityID":\#(f.c3)}"#, as: leader); XCTAssertNotNil(r["communityID"]) }
            do { let r = try await fields(app, "/api/v1/teams", #"{"name":"","kind":"nope","communityID":\#(f.c1)}"#, as: leader); XCTAssertNotNil(r["kind"]) }
            let team = try await json(app, "/api/v1/teams", #"{"name":"德兴巡防队","kind":"patrol","communityID":\#(f.c1),"leaderName":"张伟"}"#, as: leader, expect: .created, TeamDTO.self)!
            let member = try await json(app, "/api/v1/teams/\(team.id)/members", #"{"name":"王五","kind":"volunteer"}"#, as: leader, expect: .created, MemberDTO.self)!
            XCTAssertEqual(member.status, .active)
            do { let r = try await fields(app, "/api/v1/teams/\(team.id)/members", #"{"personID":987654}"#, as: leader); XCTAssertNotNil(r["personID"]) }
            // A resident is linked by name and the ID number's last four, as the masked number shows them (issue 21 §2).
            let number = residentID()
            let resident = try await createPerson(app, f, community: f.c1, id: number)
            do { let r = try await fields(app, "/api/v1/teams/\(team.id)/members", #"{"name":"陈小明","idTail":"12"}"#, as: leader); XCTAssertNotNil(r["idTail"]) }
            do { let r = try await fields(app, "/api/v1/teams/\(team.id)/members", #"{"name":"陈大明","idTail":"\#(number.suffix(4))"}"#, as: leader); XCTAssertNotNil(r["idTail"]) }
            let linked = try await json(app, "/api/v1/teams/\(team.id)/members", #"{"name":"陈小明","idTail":"\#(number.suffix(4).lowercased())"}"#, as: leader, expect: .created, MemberDTO.self)!
            XCTAssertEqual(linked.personID, resident)
            let other = try await makeTeam(app, f, community: f.c3, name: "沙头巡防队")
            try await app.call(.GET, "/api/v1/teams/\(other.team)", headers: leader) { XCTAssertEqual($0.status, .notFound) }

            // Plans: grids must be the team's community's; rostered people its active members.
            var e = try await fields(app, "/api/v1/patrols/plans", #"{"teamID":\#(team.id),"day":"\#(d)","start":"00:00","end":"02:00","mode":"foot","grids":[\#(f.g3)],"members":[\#(other.member)]}"#, as: leader)
            XCTAssertNotNil(e["grids"]); XCTAssertNotNil(e["members"])
            e = try await fields(app, "/api/v1/patrols/plans", #"{"teamID":\#(other.team),"day":"\#(d)","start":"25:00","end":"02:00","mode":"skate","grids":[]}"#, as: leader)
            XCTAssertNotNil(e["teamID"]); XCTAssertNotNil(e["start"]); XCTAssertNotNil(e["mode"])
            let plan = try await json(app, "/api/v1/patrols/plans", #"{"teamID":\#(team.id),"day":"\#(d)","start":"00:00","end":"02:00","mode":"bicycle","grids":[\#(f.g1a),\#(f.g1b)],"members":[\#(member.id)]}"#,
                                      as: leader, expect: .created, PlanDTO.self)!
            XCTAssertEqual(plan.members.map(\.name), ["王五"])
            XCTAssertEqual(plan.minutes, 120)
            XCTAssertFalse(plan.done)
            // A second plan, tomorrow's night shift ending the day after, not carried out.
            let night = try await json(app, "/api/v1/patrols/plans", #"{"teamID":"\#(team.id)","day":"\#(d)","start":"22:00","end":"02:00","mode":"vehicle","grids":"\#(f.g1a)"}"#,
                                       as: leader, expect: .created, PlanDTO.self)!
            XCTAssertEqual(night.minutes, 240)

            // The log of the first plan covers g1a; a check-in in g1b adds it; a check-in outside the window is refused.
            let log = try await json(app, "/api/v1/patrols/logs", #"{"planID":\#(plan.id),"day":"\#(d)","start":"00:00","end":"01:30","grids":[\#(f.g1a)]}"#, as: leader, expect: .created, LogDTO.self)!
            XCTAssertEqual(log.mode, .bicycle, "the plan's mode when none is given")
            do { let r = try await fields(app, "/api/v1/patrols/logs/\(log.id)/checkins", #"{"time":"03:00","place":"菜市场"}"#, as: leader); XCTAssertNotNil(r["time"]) }
            let checked = try await json(app, "/api/v1/patrols/logs/\(log.id)/checkins", #"{"time":"00:40","place":"德兴菜市场","gridID":\#(f.g1b)}"#, as: leader, expect: .created, LogDTO.self)!
            XCTAssertEqual(Set(checked.grids.map(\.id)), [f.g1a, f.g1b])
            do { let r = try await fields(app, "/api/v1/patrols/logs", #"{"teamID":\#(team.id),"planID":\#(try await makePatrolPlan(app, f, team: other.team)),"day":"\#(d)","start":"00:00","end":"01:00","mode":"foot"}"#, as: leader); XCTAssertNotNil(r["planID"]) }

            // A finding: the team leader may record it but not open an incident; the officer opens one in the same step.
            do { let r = try await fields(app, "/api/v1/patrols/logs/\(log.id)/findings", #"{"description":"楼道可疑人员","openIncident":true,"subcategory":"burglary"}"#, as: leader); XCTAssertNotNil(r["openIncident"]) }
            let incidentsBefore = try await Incident.query(on: app.db).count()
            do { let r = try await fields(app, "/api/v1/patrols/logs/\(log.id)/findings", #"{"description":"楼道可疑人员","openIncident":true,"subcategory":"nope","time":"00:30"}"#, as: officer); XCTAssertNotNil(r["subcategory"]) }
            let withNothing = try await PatrolFinding.query(on: app.db).count()
            XCTAssertEqual(withNothing, 0, "a refused finding writes nothing")
            let found = try await json(app, "/api/v1/patrols/logs/\(log.id)/findings", #"{"description":"发现撬锁痕迹","openIncident":"true","subcategory":"burglary","time":"00:30","gridID":\#(f.g1b)}"#,
                                       as: officer, expect: .created, LogDTO.self)!
            let incidentID = try XCTUnwrap(found.findings.first?.incidentID)
            let incident = try await Incident.find(incidentID, on: app.db)!
            XCTAssertEqual(incident.source, .patrol)
            XCTAssertEqual(incident.gridID, f.g1b)
            let incidentsAfter = try await Incident.query(on: app.db).count()
            XCTAssertEqual(incidentsAfter, incidentsBefore + 1)
            _ = try await json(app, "/api/v1/patrols/logs/\(log.id)/findings", #"{"description":"路灯损坏"}"#, as: leader, expect: .created, LogDTO.self)

            // Weekly review: 2 planned, 1 done (50%), 90 of 360 planned minutes, grids 2 of 2, 2 findings.
            var review: PatrolService.EvaluationDTO? = nil
            try await app.call(.GET, "/api/v1/patrols/evaluation?by=week&period=\(week)", headers: leader) { res in
                XCTAssertEqual(res.status, .ok, res.body.string)
                review = try res.content.decode(PatrolService.EvaluationDTO.self)
            }
            let row = try XCTUnwrap(review?.rows.first { $0.row.teamID == "\(team.id)" }?.row)
            XCTAssertEqual(row.planned, 2); XCTAssertEqual(row.done, 1); XCTAssertEqual(row.completion.percent, "50.0%")
            XCTAssertEqual(row.minutes, 90); XCTAssertEqual(row.plannedMinutes, 360)
            XCTAssertEqual(row.gridsPlanned, 2); XCTAssertEqual(row.gridsCovered, 2); XCTAssertEqual(row.findings, 2)
            XCTAssertNil(review?.rows.first { $0.row.teamID == "\(other.team)" }, "the other community's team is out of the leader's scope")
            try await app.call(.GET, "/api/v1/patrols/evaluation?by=month&period=2026-W01", headers: leader) { XCTAssertEqual($0.status, .unprocessableEntity) }
            try await app.call(.GET, "/forces/patrols/review.csv?by=month", headers: leader) { res in
                XCTAssertEqual(res.status, .ok)
                XCTAssertTrue(res.body.string.contains("德兴巡防队"))
                XCTAssertTrue(res.body.string.contains("50.0%"))
            }
            try await app.call(.GET, "/forces/patrols", headers: leader) { res in
                XCTAssertEqual(res.status, .ok)
                XCTAssertTrue(res.body.string.contains("王五"), "the roster shows who is on the patrol")
            }
        }
    }

    func testTrainedShareCountsActiveMembersWhoAttended() async throws {
        try await withApp { app, f in
            let a = try await makeTeam(app, f, community: f.c1)
            let b = try await makeTeam(app, f, community: f.c3, name: "沙头联防队")
            var ids = [a.member]
            for name in ["甲", "乙"] {
                let m = try await json(app, "/api/v1/teams/\(a.team)/members", #"{"name":"\#(name)"}"#, as: f.bearer("chief"), expect: .created, MemberDTO.self)!
                ids.append(m.id)
            }
            let left = try await json(app, "/api/v1/teams/\(a.team)/members", #"{"name":"丙","status":"left"}"#, as: f.bearer("chief"), expect: .created, MemberDTO.self)!
            // Attendance for a member out of scope is refused; then two of three counted members attend.
            do { let r = try await fields(app, "/api/v1/training", #"{"communityID":\#(f.c1),"heldOn":"\#(today())","topic":"轮训","hours":2,"members":[\#(b.member)]}"#, as: f.bearer("chief")); XCTAssertNotNil(r["members"]) }
            _ = try await json(app, "/api/v1/training", #"{"communityID":\#(f.c1),"heldOn":"\#(today())","topic":"轮训","hours":2,"members":[\#(ids[0]),\#(ids[1]),\#(left.id)]}"#,
                               as: f.bearer("chief"), expect: .created, TrainingDTO.self)
            var share: TrainedShareDTO? = nil
            try await app.call(.GET, "/api/v1/training/share", headers: f.bearer("command")) { share = try $0.content.decode(TrainedShareDTO.self) }
            XCTAssertEqual(share?.total, Share(2, of: 4), "3 counted in 德兴 (2 trained) + 1 in 沙头 (untrained); the member who left is not counted")
            XCTAssertEqual(share?.stations.map(\.share), [Share(2, of: 3), Share(0, of: 1)])
            try await app.call(.GET, "/api/v1/training/share", headers: f.bearer("chief")) { res in
                XCTAssertEqual(try res.content.decode(TrainedShareDTO.self).total.percent, "66.7%")
            }
        }
    }

    func testDutyRosterToday() async throws {
        try await withApp { app, f in
            let site = try await createSite(app, f, as: "officer", name: "德兴商铺", community: f.c1, grid: f.g1a)
            let t = today()
            let all = "1234567"
            do { let r = try await fields(app, "/api/v1/duty", #"{"kind":"school","communityID":\#(f.c1),"post":"德兴小学","weekdays":"8","start":"07:00","end":"08:30","onDuty":"王五"}"#, as: f.bearer("leader")); XCTAssertNotNil(r["weekdays"]) }
            do { let r = try await fields(app, "/api/v1/duty", #"{"kind":"shop","communityID":\#(f.c3),"post":"x","weekdays":"1","start":"07:00","end":"08:30","onDuty":"王五"}"#, as: f.bearer("leader")); XCTAssertNotNil(r["communityID"]) }
            _ = try await json(app, "/api/v1/duty", #"{"kind":"school","communityID":\#(f.c1),"post":"德兴小学校门","weekdays":"\#(all)","start":"07:00","end":"08:30","onDuty":"王五"}"#,
                               as: f.bearer("leader"), expect: .created, DutyDTO.self)
            _ = try await json(app, "/api/v1/duty", #"{"kind":"shop","communityID":\#(f.c1),"siteID":\#(site),"post":"","weekdays":"\#(t.weekday)","start":"20:00","end":"23:00","onDuty":"赵六"}"#,
                               as: f.bearer("leader"), expect: .created, DutyDTO.self)
            _ = try await json(app, "/api/v1/duty", #"{"kind":"shop","communityID":\#(f.c1),"post":"明日商铺","weekdays":"\#(t.adding(days: 1).weekday)","start":"20:00","end":"23:00","onDuty":"钱七"}"#,
                               as: f.bearer("leader"), expect: .created, DutyDTO.self)
            var todays: [DutyDTO] = []
            try await app.call(.GET, "/api/v1/duty/today", headers: f.bearer("officer")) { todays = try $0.content.decode([DutyDTO].self) }
            XCTAssertEqual(todays.map(\.onDuty), ["王五", "赵六"])
            XCTAssertEqual(todays.last?.post, "德兴商铺", "a shop post without a name takes the site's")
            try await app.call(.GET, "/api/v1/duty/today", headers: f.bearer("officer3")) { XCTAssertEqual(try $0.content.decode([DutyDTO].self).count, 0) }
        }
    }

    func testAssessmentSchemeEntriesAndAutomaticItems() async throws {
        try await withApp { app, f in
            let a = try await makeTeam(app, f, community: f.c1)
            let b = try await json(app, "/api/v1/teams/\(a.team)/members", #"{"name":"乙"}"#, as: f.bearer("chief"), expect: .created, MemberDTO.self)!
            let other = try await makeTeam(app, f, community: f.c3, name: "沙头队")
            let scheme = #"{"items":"clues|有效线索|3|15\nabsence|无故缺勤|-5|\ntraining|参加轮训|2|6\npatrol_hours|巡逻时长|0.5|10","baseScore":"80","minimumScore":"0","maximumScore":"100","grades":"90|优秀\n75|合格\n-|不合格"}"#
            try await postJSON(app, "/api/v1/member-assessment/scheme", scheme, as: f.bearer("chief")) { XCTAssertEqual($0.status, .forbidden) }
            do { let r = try await fields(app, "/api/v1/member-assessment/scheme", #"{"items":"x|y","baseScore":"80"}"#, as: f.bearer("command")); XCTAssertNotNil(r["items"]) }
            try await postJSON(app, "/api/v1/member-assessment/scheme", scheme, as: f.bearer("command")) { XCTAssertEqual($0.status, .ok, $0.body.string) }
            do { let r = try await fields(app, "/api/v1/member-assessment/entries", #"{"memberID":\#(a.member),"itemID":"training","quantity":1}"#, as: f.bearer("chief")); XCTAssertNotNil(r["itemID"]) }
            do { let r = try await fields(app, "/api/v1/member-assessment/entries", #"{"memberID":\#(other.member),"itemID":"clues","quantity":1}"#, as: f.bearer("chief")); XCTAssertNotNil(r["memberID"]) }
            do { let r = try await fields(app, "/api/v1/member-assessment/entries", #"{"memberID":\#(a.member),"itemID":"clues","quantity":-1}"#, as: f.bearer("chief")); XCTAssertNotNil(r["quantity"]) }
            _ = try await json(app, "/api/v1/member-assessment/entries", #"{"memberID":\#(a.member),"itemID":"clues","quantity":2}"#, as: f.bearer("chief"), expect: .created, AssessmentDTO.self)
            // Automatic items: a session attended this month (a), an hour on a carried-out rostered plan (b).
            _ = try await json(app, "/api/v1/training", #"{"communityID":\#(f.c1),"heldOn":"\#(today())","topic":"轮训","hours":2,"members":[\#(a.member)]}"#, as: f.bearer("chief"), expect: .created, TrainingDTO.self)
            let plan = try await makePatrolPlan(app, f, team: a.team)
            let r = PatrolPlanMember(); r.planID = plan; r.memberID = b.id
            try await r.create(on: app.db)
            let log = try await PatrolLogRecord.find(try await makePatrolLog(app, f, team: a.team), on: app.db)!
            log.planID = plan; log.endMinute = 60
            try await log.save(on: app.db)
            var d: AssessmentDTO? = nil
            try await app.call(.GET, "/api/v1/member-assessment", headers: f.bearer("chief")) { res in
                XCTAssertEqual(res.status, .ok, res.body.string)
                d = try res.content.decode(AssessmentDTO.self)
            }
            XCTAssertEqual(d?.cards.map(\.name), ["李队员", "乙"])
            XCTAssertEqual(d?.cards.map(\.card.total), [88, 80.5], "80 + 2 clues × 3 + 1 session × 2; 80 + 1 h × 0.5")
            XCTAssertEqual(d?.cards.map(\.card.grade), ["合格", "合格"])
            XCTAssertEqual(d?.cards.first?.card.rank, 1)
            try await app.call(.GET, "/forces/assessment/export.csv", headers: f.bearer("chief")) { res in
                XCTAssertEqual(res.status, .ok)
                XCTAssertTrue(res.body.string.contains("88"))
            }
            try await app.call(.GET, "/api/v1/member-assessment?month=2026-13", headers: f.bearer("chief")) { XCTAssertEqual($0.status, .unprocessableEntity) }
        }
    }

    /// The example scheme's items and grades are kept in both languages; each page shows one.
    func testTheAssessmentPageSpeaksOneLanguage() async throws {
        try await withApp { app, f in
            let a = try await makeTeam(app, f, community: f.c1)
            _ = try await json(app, "/api/v1/teams/\(a.team)/members", #"{"name":"乙"}"#, as: f.bearer("chief"), expect: .created, MemberDTO.self)
            try await app.call(.GET, "/forces/assessment?lang=en", headers: f.bearer("chief")) { res in
                XCTAssertEqual(res.status, .ok)
                XCTAssertTrue(res.body.string.contains("Patrol hours") && res.body.string.contains("Upheld complaints"))
                XCTAssertFalse(res.body.string.contains("巡逻时长") || res.body.string.contains("被有效投诉"))
            }
            try await app.call(.GET, "/forces/assessment?lang=zh", headers: f.bearer("chief")) { res in
                XCTAssertTrue(res.body.string.contains("巡逻时长(小时)")); XCTAssertFalse(res.body.string.contains("Patrol hours<"))
            }
        }
    }

    func testPlanFormKeepsInputOnErrorAndSavesWithRepeatedFields() async throws {
        try await withApp { app, f in
            let t = try await makeTeam(app, f, community: f.c1)
            let s = try await signIn(app, "leader")
            func post(_ body: String, _ check: @escaping (XCTHTTPResponse) throws -> Void) async throws {
                try await app.call(.POST, "/forces/patrols", beforeRequest: { req in
                    req.headers.cookie = s.cookies
                    req.headers.contentType = .urlEncodedForm
                    req.body = ByteBuffer(string: "_csrf=\(s.csrf)&" + body)
                }, afterResponse: check)
            }
            try await post("teamID=\(t.team)&day=\(today())&start=19:00&end=21:00&mode=foot&note=%E5%A4%9C%E5%B7%A1") { res in
                XCTAssertEqual(res.status, .unprocessableEntity)
                XCTAssertTrue(res.body.string.contains("请至少选择一个网格"))
                XCTAssertTrue(res.body.string.contains("夜巡"), "what was typed is kept")
            }
            let none = try await PatrolPlanRecord.query(on: app.db).count()
            XCTAssertEqual(none, 0)
            try await post("teamID=\(t.team)&day=\(today())&start=19:00&end=21:00&mode=foot&grids[]=\(f.g1a)&grids[]=\(f.g1b)&members[]=\(t.member)") { res in
                XCTAssertEqual(res.status, .seeOther, res.body.string)
            }
            let plan = try await PatrolPlanRecord.query(on: app.db).first()
            XCTAssertEqual(plan?.grids, [f.g1a, f.g1b].sorted())
            let rostered = try await PatrolPlanMember.query(on: app.db).count()
            XCTAssertEqual(rostered, 1)
            try await app.call(.GET, "/forces/patrols/\(plan!.id!)?lang=en", beforeRequest: { $0.headers.cookie = s.cookies }) { res in
                XCTAssertEqual(res.status, .ok)
                XCTAssertTrue(res.body.string.contains("Record the patrol"))
            }
        }
    }
}

final class PatrolCancellationTests: XCTestCase {
    func testACancelledPlanNeedsAReasonLeavesTheCompletionRateAndTakesNoLog() async throws {
        try await withApp { app, f in
            let team = try await makeTeam(app, f, community: f.c1).team
            let kept = try await makePatrolPlan(app, f, team: team)
            let called = try await makePatrolPlan(app, f, team: team)
            let log = try await makePatrolLog(app, f, team: team)
            let l = try await PatrolLogRecord.find(log, on: app.db)!
            l.planID = kept; try await l.save(on: app.db)
            func cancel(_ id: Int, as user: String, _ reason: String?) async throws -> (HTTPStatus, String) {
                var out: (HTTPStatus, String) = (.ok, "")
                try await app.call(.POST, "/api/v1/patrols/plans/\(id)/cancel", headers: f.bearer(user), beforeRequest: { req in
                    try req.content.encode(reason.map { ["reason": $0] } ?? [:], as: .json)
                }) { res in out = (res.status, res.body.string) }
                return out
            }
            var r = try await cancel(called, as: "officer", " ")
            XCTAssertEqual(r.0, .unprocessableEntity); XCTAssertTrue(r.1.contains("reason"))
            r = try await cancel(kept, as: "officer", "下雨")
            XCTAssertEqual(r.0, .unprocessableEntity, "a plan carried out cannot be cancelled"); XCTAssertTrue(r.1.contains("已有巡逻记录"))
            r = try await cancel(called, as: "officer3", "台风")
            XCTAssertEqual(r.0, .notFound, "another community's plan looks missing")
            r = try await cancel(called, as: "analyst", "台风")
            XCTAssertEqual(r.0, .forbidden)
            r = try await cancel(called, as: "officer", "台风停巡")
            XCTAssertEqual(r.0, .ok, r.1)
            try await app.call(.GET, "/api/v1/patrols/plans/\(called)", headers: f.bearer("officer")) { res in
                let dto = try res.content.decode(PlanDTO.self)
                XCTAssertEqual(dto.cancelReason, "台风停巡"); XCTAssertNotNil(dto.cancelledAt)
            }
            r = try await cancel(called, as: "officer", "again")
            XCTAssertEqual(r.0, .unprocessableEntity, "already cancelled")
            let audited = try await AuditEvent.query(on: app.db).filter(\.$action == "patrol.plan.cancel").count()
            XCTAssertEqual(audited, 1)

            // Completion: one plan of one (the cancelled one is not planned).
            let month = LocalCalendar(timeZoneIdentifier: "Asia/Shanghai").yearMonth(of: Date())
            try await app.call(.GET, "/api/v1/patrols/evaluation?by=month&period=\(month)", headers: f.bearer("officer")) { res in
                XCTAssertEqual(res.status, .ok, res.body.string)
                let e = try res.content.decode(PatrolService.EvaluationDTO.self)
                XCTAssertEqual(e.total.planned, 1); XCTAssertEqual(e.total.done, 1)
            }
            // No log against a cancelled plan.
            try await app.call(.POST, "/api/v1/patrols/logs", headers: f.bearer("officer"), beforeRequest: { req in
                try req.content.encode(["teamID": "\(team)", "planID": "\(called)", "day": LocalCalendar().formatDate(Date()), "start": "08:00", "end": "09:00", "mode": "foot"], as: .json)
            }) { res in
                XCTAssertEqual(res.status, .unprocessableEntity)
                XCTAssertTrue(res.body.string.contains("planID"), res.body.string)
            }
            // The web page shows it cancelled, without the record button.
            try await app.call(.GET, "/forces/patrols/\(called)", headers: f.bearer("officer")) { res in
                XCTAssertEqual(res.status, .ok)
                XCTAssertTrue(res.body.string.contains("台风停巡"))
                XCTAssertFalse(res.body.string.contains("/forces/patrols/logs/new?planID=\(called)"))
            }
        }
    }
}

final class TeamEditTests: XCTestCase {
    func testATeamsDetailsCanBeEditedButNotItsCommunity() async throws {
        try await withApp { app, f in
            let team = try await makeTeam(app, f, community: f.c1).team
            func patch(_ body: [String: String], as user: String = "officer") async throws -> (HTTPStatus, String) {
                var out: (HTTPStatus, String) = (.ok, "")
                try await app.call(.PATCH, "/api/v1/teams/\(team)", headers: f.bearer(user), beforeRequest: { try $0.content.encode(body, as: .json) }) { res in
                    out = (res.status, res.body.string)
                }
                return out
            }
            var r = try await patch(["leaderName": "王队长"])
            XCTAssertEqual(r.0, .ok, r.1)
            var t = try await Team.find(team, on: app.db)!
            XCTAssertEqual(t.leaderName, "王队长"); XCTAssertEqual(t.name, "德兴巡防队", "fields not sent are kept")
            r = try await patch(["name": "", "kind": "nope"])
            XCTAssertEqual(r.0, .unprocessableEntity); XCTAssertTrue(r.1.contains("\"name\"") && r.1.contains("\"kind\""), r.1)
            r = try await patch(["communityID": "\(f.c2)"])
            XCTAssertEqual(r.0, .unprocessableEntity); XCTAssertTrue(r.1.contains("communityID"))
            r = try await patch(["name": "x"], as: "officer3")
            XCTAssertEqual(r.0, .notFound, "another community's team looks missing")
            r = try await patch(["name": "x"], as: "analyst")
            XCTAssertEqual(r.0, .forbidden)
            t = try await Team.find(team, on: app.db)!
            XCTAssertEqual(t.name, "德兴巡防队", "refused edits change nothing")

            // The web form: inline errors keep what was typed; a good save redirects; both audited once.
            let s = try await signIn(app, "officer")
            try await app.call(.POST, "/forces/teams/\(team)", beforeRequest: { req in
                req.headers.cookie = s.cookies
                try req.content.encode(["_csrf": s.csrf, "name": "", "kind": "patrol", "leaderName": "<i>李</i>", "note": ""], as: .urlEncodedForm)
            }) { res in
                XCTAssertEqual(res.status, .unprocessableEntity)
                XCTAssertTrue(res.body.string.contains("field-error"))
                XCTAssertTrue(res.body.string.contains("&lt;i&gt;李"))
            }
            try await app.call(.POST, "/forces/teams/\(team)", beforeRequest: { req in
                req.headers.cookie = s.cookies
                try req.content.encode(["_csrf": s.csrf, "name": "德兴夜巡队", "kind": "patrol", "leaderName": "李强", "note": ""], as: .urlEncodedForm)
            }) { res in XCTAssertEqual(res.status, .seeOther, res.body.string) }
            t = try await Team.find(team, on: app.db)!
            XCTAssertEqual(t.name, "德兴夜巡队"); XCTAssertEqual(t.leaderName, "李强")
            let audits = try await AuditEvent.query(on: app.db).filter(\.$action == "team.update").count()
            XCTAssertEqual(audits, 2)
            try await app.call(.GET, "/forces/teams/\(team)/edit", beforeRequest: { $0.headers.cookie = s.cookies }) { res in
                XCTAssertEqual(res.status, .ok); XCTAssertTrue(res.body.string.contains("德兴夜巡队"))
            }
        }
    }
}
