import Fluent
import Foundation
import XCTVapor
import PinganKit
@testable import PinganServer

/// A team of an area with one member (an account) on call today, written directly (the route walk needs them in and out
/// of scope).
func insertResponseTeam(_ app: Application, _ f: Fixture, area: Int) async throws -> (team: Int, member: Int, shift: Int) {
    let t = ResponseTeam()
    t.areaDivisionID = area; t.name = "防汛抢险队\(area)"; t.types = "flood"; t.dutyPhone = "020-8888 0000"; t.equipment = ""; t.note = ""; t.active = true
    t.createdByID = f.users["admin"]!
    try await t.create(on: app.db)
    let (member, shift) = try await insertResponseTeamMember(app, f, team: t.id!)
    return (t.id!, member, shift)
}

/// A fresh member (of no person: the route walk only needs a row to remove) with a shift from today.
func insertResponseTeamMember(_ app: Application, _ f: Fixture, team: Int) async throws -> (member: Int, shift: Int) {
    let m = ResponseTeamMember()
    m.teamID = team; m.role = .member; m.skills = "water_rescue"
    try await m.create(on: app.db)
    let today = LocalDay(Date(), in: LocalCalendar())
    let s = ResponseTeamShift()
    s.teamID = team; s.memberID = m.id!; s.startsOn = today.description; s.endsOn = today.adding(days: 6).description; s.createdByID = f.users["admin"]!
    try await s.create(on: app.db)
    return (m.id!, s.id!)
}

/// Issue 20 §1: response teams (应急处突队伍) — members from staff and the forces' register, skills, the on-call roster, the
/// plans that call on them, and who is told when such a plan starts.
final class ResponseTeamTests: XCTestCase {
    func json(_ body: String) throws -> [String: Any] { try XCTUnwrap(JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any]) }

    func testATeamIsFormedFromStaffAndTeamMembersWithSkillsAndARoster() async throws {
        try await withApp { app, f in
            let today = LocalDay(Date(), in: LocalCalendar())
            // Bad input: every field named, nothing written.
            var (s, body) = try await apiCall(app, f, "chief", .POST, "/api/v1/response-teams",
                                              #"{"name":"","areaID":\#(f.streetB),"types":["tsunami"],"dutyPhone":"call Li"}"#)
            XCTAssertEqual(s, .unprocessableEntity, body)
            let fields = try XCTUnwrap(try json(body)["fields"] as? [String: String])
            XCTAssertEqual(Set(fields.keys), ["name", "areaID", "types", "dutyPhone"], "another street is not the chief's to organise")
            let teamsBefore = try await ResponseTeam.query(on: app.db).count()
            XCTAssertEqual(teamsBefore, 0)

            (s, body) = try await apiCall(app, f, "chief", .POST, "/api/v1/response-teams",
                                          #"{"name":"市桥街防汛抢险队","areaID":\#(f.streetA),"types":["flood"],"dutyPhone":"020-8888 1234","equipment":"冲锋舟2艘"}"#)
            XCTAssertEqual(s, .created, body)
            let id = try XCTUnwrap(try json(body)["id"] as? Int)
            (s, body) = try await apiCall(app, f, "chief", .POST, "/api/v1/response-teams", #"{"name":"市桥街防汛抢险队","areaID":\#(f.streetA),"dutyPhone":"110"}"#)
            XCTAssertEqual(s, .unprocessableEntity, "one name per area: \(body)")

            // Members: the community officer (an account) leads; a joint-defence member (no account) by the form's list entry.
            (s, body) = try await apiCall(app, f, "chief", .POST, "/api/v1/response-teams/\(id)/members",
                                          #"{"userID":\#(f.users["officer"]!),"role":"leader","skills":["water_rescue","first_aid"]}"#)
            XCTAssertEqual(s, .created, body)
            let forces = try await makeTeam(app, f, community: f.c1)
            (s, body) = try await apiCall(app, f, "chief", .POST, "/api/v1/response-teams/\(id)/members",
                                          #"{"who":"李队员 · 队员 · x #m\#(forces.member)","role":"leader","skills":"driving,swimming"}"#)
            XCTAssertEqual(s, .unprocessableEntity)
            XCTAssertEqual(Set((try json(body)["fields"] as? [String: String] ?? [:]).keys), ["role", "skills"], "one leader; an unknown skill is named")
            (s, body) = try await apiCall(app, f, "chief", .POST, "/api/v1/response-teams/\(id)/members",
                                          #"{"who":"李队员 · 队员 · x #m\#(forces.member)","skills":"driving"}"#)
            XCTAssertEqual(s, .created, body)
            for (bad, why) in [(#"{"userID":\#(f.users["officer"]!)}"#, "already in"), (#"{"userID":\#(f.users["officer3"]!)}"#, "works in another street"),
                               (#"{"who":"王五"}"#, "nobody of that name"), (#"{}"#, "nobody named")] {
                (s, body) = try await apiCall(app, f, "chief", .POST, "/api/v1/response-teams/\(id)/members", bad)
                XCTAssertEqual(s, .unprocessableEntity, why)
                XCTAssertNotNil((try json(body)["fields"] as? [String: String])?["who"], why)
            }
            let members = try await ResponseTeamMember.query(on: app.db).filter(\.$teamID == id).all()
            XCTAssertEqual(members.count, 2)
            let officerMember = try XCTUnwrap(members.first { $0.userID == f.users["officer"]! })

            // The roster: today and the next two days; a shift that ends before it starts, or lasts 32 days, is refused.
            for (bad, key) in [((today, today.adding(days: -1)), "to"), ((today, today.adding(days: 31)), "to")] {
                (s, body) = try await apiCall(app, f, "chief", .POST, "/api/v1/response-teams/\(id)/shifts",
                                              #"{"memberID":\#(officerMember.id!),"from":"\#(bad.0)","to":"\#(bad.1)"}"#)
                XCTAssertEqual(s, .unprocessableEntity); XCTAssertNotNil((try json(body)["fields"] as? [String: String])?[key])
            }
            (s, body) = try await apiCall(app, f, "chief", .POST, "/api/v1/response-teams/\(id)/shifts",
                                          #"{"memberID":\#(officerMember.id!),"from":"\#(today)","to":"\#(today.adding(days: 2))"}"#)
            XCTAssertEqual(s, .created, body)
            let team = try json(body)
            XCTAssertEqual(team["leader"] as? String, "Officer")
            XCTAssertEqual(team["onCallToday"] as? [String], ["Officer"])
            XCTAssertEqual((team["uncoveredDays"] as? [String])?.first, today.adding(days: 3).description)
            XCTAssertEqual((team["uncoveredDays"] as? [String])?.count, ResponseTeamRules.lookAheadDays - 3)
            XCTAssertEqual(team["missingSkills"] as? [String], ["search_rescue"], "a flood team with boat crew, first aid and a driver lacks search and rescue")
            let listed = try XCTUnwrap(team["members"] as? [[String: Any]])
            XCTAssertEqual(listed.map { $0["hasAccount"] as? Bool }, [true, false])

            // Scope: another street's officer does not see it; the district does.
            (s, _) = try await apiCall(app, f, "officer3", .GET, "/api/v1/response-teams/\(id)"); XCTAssertEqual(s, .notFound)
            (s, body) = try await apiCall(app, f, "officer3", .GET, "/api/v1/response-teams"); XCTAssertEqual((try json(body)["items"] as? [Any])?.count, 0)
            (s, body) = try await apiCall(app, f, "command", .GET, "/api/v1/response-teams?type=flood"); XCTAssertEqual((try json(body)["items"] as? [Any])?.count, 1)
            (s, _) = try await apiCall(app, f, "officer", .PATCH, "/api/v1/response-teams/\(id)", #"{"note":"x"}"#); XCTAssertEqual(s, .forbidden, "reading is not organising")

            // PATCH keeps what it does not name; standing a team down keeps it but lists it only with all=1.
            (s, body) = try await apiCall(app, f, "chief", .PATCH, "/api/v1/response-teams/\(id)", #"{"active":false}"#)
            XCTAssertEqual(s, .ok, body); XCTAssertEqual(try json(body)["equipment"] as? String, "冲锋舟2艘")
            (s, body) = try await apiCall(app, f, "command", .GET, "/api/v1/response-teams"); XCTAssertEqual((try json(body)["items"] as? [Any])?.count, 0)
            (s, body) = try await apiCall(app, f, "command", .GET, "/api/v1/response-teams?all=1"); XCTAssertEqual((try json(body)["items"] as? [Any])?.count, 1)

            // A member who leaves takes their shifts along; every write is audited.
            (s, body) = try await apiCall(app, f, "chief", .POST, "/api/v1/response-team-members/\(officerMember.id!)/remove")
            XCTAssertEqual(s, .ok, body)
            let shiftsLeft = try await ResponseTeamShift.query(on: app.db).filter(\.$teamID == id).count()
            XCTAssertEqual(shiftsLeft, 0)
            let audited = try await AuditEvent.query(on: app.db).filter(\.$action ~~ "response_team.").count()
            XCTAssertEqual(audited, 6, "create, two members, one shift, update, removal")
        }
    }

    func testAPlanCallsOnTeamsAndStartingItTellsTheirMembersWithAccounts() async throws {
        try await withApp { app, f in
            let plan = try await insertEmergencyPlan(app, f, area: f.streetA)
            // The plan's own open response would block a new one: end it first.
            let running = try await EmergencyActivation.find(plan.activation, on: app.db)!
            running.endedAt = Date(); try await running.save(on: app.db)
            let street = try await insertResponseTeam(app, f, area: f.streetA), other = try await insertResponseTeam(app, f, area: f.streetB)
            let m = ResponseTeamMember(); m.teamID = street.team; m.userID = f.users["grid"]!; m.role = .member; m.skills = ""
            try await m.create(on: app.db)
            // And one from the forces' register, with no account but a mobile number: told by SMS.
            let forces = try await makeTeam(app, f, community: f.c1)
            let member = try await TeamMember.find(forces.member, on: app.db)!
            member.phoneSealed = try FieldCipher(secret: app.pingan.secretKey).seal("13800138005"); member.phoneMasked = "138****8005"
            try await member.save(on: app.db)
            let r = ResponseTeamMember(); r.teamID = street.team; r.teamMemberID = forces.member; r.role = .member; r.skills = ""
            try await r.create(on: app.db)
            // A plan is revised to call on teams: its street's and the district's only.
            var (s, body) = try await apiCall(app, f, "command", .POST, "/api/v1/emergency-plans/\(plan.plan)/revise")
            let draft = try XCTUnwrap(try json(body)["id"] as? Int)
            (s, body) = try await apiCall(app, f, "command", .PATCH, "/api/v1/emergency-plans/\(draft)", #"{"teams":[\#(other.team)]}"#)
            XCTAssertEqual(s, .unprocessableEntity); XCTAssertNotNil((try json(body)["fields"] as? [String: String])?["teams"])
            (s, body) = try await apiCall(app, f, "command", .PATCH, "/api/v1/emergency-plans/\(draft)", #"{"teams":[\#(street.team)]}"#)
            XCTAssertEqual(s, .ok, body)
            XCTAssertEqual((try json(body)["teams"] as? [[String: Any]])?.map { $0["id"] as? Int }, [street.team])
            (s, body) = try await apiCall(app, f, "command", .POST, "/api/v1/emergency-plans/\(draft)/approve"); XCTAssertEqual(s, .ok, body)
            (s, body) = try await apiCall(app, f, "command", .GET, "/api/v1/response-teams/\(street.team)")
            XCTAssertEqual((try json(body)["plans"] as? [[String: Any]])?.map { $0["id"] as? Int }, [draft])

            (s, body) = try await apiCall(app, f, "command", .POST, "/api/v1/emergency-plans/\(draft)/activate", #"{"event":"暴雨内涝","level":"4"}"#)
            XCTAssertEqual(s, .created, body)
            let told = try await StaffNotice.query(on: app.db).filter(\.$userID == f.users["grid"]!).filter(\.$kind == .emergency).count()
            XCTAssertEqual(told, 1, "the team's member with an account is told")
            // The member without an account gets the SMS notice (a push with a receipt link), shown on the activation.
            let activation = try XCTUnwrap(try json(body)["id"] as? Int)
            let copies = try await PushMemberReceipt.query(on: app.db).all()
            XCTAssertEqual(copies.map(\.memberID), [forces.member])
            XCTAssertEqual(copies.first?.phoneMasked, "138****8005")
            (s, body) = try await apiCall(app, f, "command", .GET, "/api/v1/emergency-activations/\(activation)")
            let sms = try XCTUnwrap(try json(body)["sms"] as? [String: Any])
            XCTAssertEqual((sms["progress"] as? [String: Any])?["recipients"] as? Int, 1)
        }
    }

    func testThePagesListATeamAndAFormMistakeKeepsWhatWasTyped() async throws {
        try await withApp { app, f in
            let t = try await insertResponseTeam(app, f, area: f.streetA)
            let session = try await signIn(app, "command")
            try await app.test(.GET, "/governance/teams", beforeRequest: { $0.headers.cookie = session.cookies }) { res in
                XCTAssertEqual(res.status, .ok)
                XCTAssertContains(res.body.string, "防汛抢险队\(f.streetA)")
                XCTAssertContains(res.body.string, "今日值班")
            }
            try await postForm(app, session, "/governance/teams/\(t.team)/members", ["who": "查无此人<b>", "role": "member", "skills[]": "first_aid"]) { res in
                XCTAssertEqual(res.status, .unprocessableEntity)
                XCTAssertContains(res.body.string, "value=\"查无此人&lt;b&gt;\"")
                XCTAssertContains(res.body.string, "没有找到")
            }
            try await app.test(.GET, "/governance/teams/export.csv", beforeRequest: { $0.headers.cookie = session.cookies }) { res in
                XCTAssertEqual(res.status, .ok)
                XCTAssertContains(res.body.string, "防汛抢险队\(f.streetA)")
                XCTAssertContains(res.body.string, "水上救援")
            }
        }
    }
}
