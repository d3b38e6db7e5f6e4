import Fluent
import Vapor
import XCTVapor
import PinganKit
@testable import PinganServer

/// An approved plan of `area` with one drill and one open follow-up, for scope tests.
/// A resource of a plan (family id = the first version's id), straight into the database.
func insertEmergencyResource(_ app: Application, _ f: Fixture, family: Int, community: Int, name: String = "避难场所") async throws -> Int {
    let r = EmergencyResource()
    r.familyID = family; r.kind = .shelter; r.name = name; r.capacity = 500; r.keeper = "街道办"; r.address = ""; r.note = ""
    r.lat = 22.94; r.lon = 113.36; r.communityID = community; r.createdByID = f.users["admin"]!
    try await r.create(on: app.db)
    return r.id!
}

func insertEmergencyPlan(_ app: Application, _ f: Fixture, area: Int) async throws -> (plan: Int, drill: Int, action: Int, activation: Int) {
    let unit = ResponsibleUnit(name: "应急管理局\(area)", kind: .housing, divisionID: f.district); try await unit.create(on: app.db)
    let p = EmergencyPlan()
    p.familyID = 0; p.version = 1; p.kind = .special; p.type = .flood; p.level = .four; p.areaDivisionID = area; p.name = "防汛应急预案\(area)"
    p.scopeText = ""; p.steps = "启动预案"; p.resources = ""; p.contacts = ""; p.reviewDueOn = "2099-12-31"; p.drillIntervalMonths = 12
    p.status = .approved; p.approvedOn = "2026-01-05"; p.createdByID = f.users["admin"]!
    try await p.create(on: app.db)
    p.familyID = p.id!; try await p.save(on: app.db)
    try await EmergencyPlanUnit(planID: p.id!, unitID: unit.id!, duty: "组织抢险").create(on: app.db)
    let d = EmergencyDrill()
    d.familyID = p.id!; d.planID = p.id!; d.heldOn = "2026-06-01"; d.scenario = "暴雨内涝"; d.participants = ""; d.people = 20; d.findings = ""; d.createdByID = f.users["admin"]!
    try await d.create(on: app.db)
    let a = EmergencyDrillAction()
    a.drillID = d.id!; a.text = "补充沙袋"; a.owner = "街道办"; a.dueOn = "2099-01-01"; a.doneNote = ""; a.createdByID = f.users["admin"]!
    try await a.create(on: app.db)
    let r = EmergencyActivation()
    r.planID = p.id!; r.familyID = p.id!; r.event = "暴雨"; r.level = .four; r.startedAt = Date(); r.startedByID = f.users["admin"]!; r.lessons = ""
    try await r.create(on: app.db)
    let s = EmergencyActivationStep()
    s.activationID = r.id!; s.seq = 1; s.text = "启动预案"; s.outcome = .open; s.note = ""
    try await s.create(on: app.db)
    return (p.id!, d.id!, a.id!, r.id!)
}

/// Issue 20 §1 (first part): emergency plans (应急预案) kept in versions — drafted, approved, revised, superseded —, their
/// review and drill clocks, drills (演练) and their follow-ups tracked to done.
final class EmergencyPlanTests: XCTestCase {
    func testAPlanIsDraftedApprovedDrilledAndRevised() async throws {
        try await withApp { app, f in
            let fire = ResponsibleUnit(name: "区消防救援大队", kind: .fire, divisionID: f.district); try await fire.create(on: app.db)
            let streetB = ResponsibleUnit(name: "沙头街道办", kind: .communityCommittee, divisionID: f.streetB); try await streetB.create(on: app.db)

            // Bad input, field by field, nothing written.
            var (s, body) = try await apiCall(app, f, "chief", .POST, "/api/v1/emergency-plans",
                #"{"name":"","kind":"x","level":"9","areaID":"\#(f.streetB)","reviewDueOn":"2027-02-30","drillIntervalMonths":"40","units":{"\#(streetB.id!)":"值守"}}"#)
            XCTAssertEqual(s, .unprocessableEntity)
            for field in ["name", "kind", "type", "level", "areaID", "reviewDueOn", "drillIntervalMonths"] { XCTAssertTrue(body.contains("\"\(field)\":"), "\(field) in \(body)") }
            let none = try await EmergencyPlan.query(on: app.db).count()
            XCTAssertEqual(none, 0)

            // A street plan by the station chief whose street it is: a draft, not yet approvable without steps.
            (s, body) = try await apiCall(app, f, "chief", .POST, "/api/v1/emergency-plans",
                #"{"name":"市桥街道消防应急预案","kind":"special","type":"fire","level":"3","areaID":"\#(f.streetA)","reviewDueOn":"2029-12-31","drillIntervalMonths":"6","units":{"\#(fire.id!)":"灭火救援"}}"#)
            XCTAssertEqual(s, .created, body)
            var plan = try apiDecoder.decode(EmergencyPlanDTO.self, from: Data(body.utf8))
            XCTAssertEqual(plan.status, .draft); XCTAssertEqual(plan.version, 1); XCTAssertEqual(plan.units.map(\.unit), ["区消防救援大队"])
            XCTAssertNil(plan.nextDrillOn, "the drill clock starts at approval")
            (s, body) = try await apiCall(app, f, "chief", .POST, "/api/v1/emergency-plans/\(plan.id)/approve")
            XCTAssertEqual(s, .unprocessableEntity); XCTAssertTrue(body.contains("\"steps\":"), body)
            (s, body) = try await apiCall(app, f, "chief", .PATCH, "/api/v1/emergency-plans/\(plan.id)", #"{"steps":"1. 接警后10分钟内报街道应急办\n2、疏散群众\n\n3）设置警戒"}"#)
            XCTAssertEqual(s, .ok, body)
            plan = try apiDecoder.decode(EmergencyPlanDTO.self, from: Data(body.utf8))
            XCTAssertEqual(plan.steps, ["接警后10分钟内报街道应急办", "疏散群众", "设置警戒"])

            // Another street's chief does not see it; a community officer sees it but cannot approve it.
            (s, _) = try await apiCall(app, f, "officer3", .GET, "/api/v1/emergency-plans/\(plan.id)"); XCTAssertEqual(s, .notFound)
            (s, _) = try await apiCall(app, f, "officer", .GET, "/api/v1/emergency-plans/\(plan.id)"); XCTAssertEqual(s, .ok)
            (s, _) = try await apiCall(app, f, "officer", .POST, "/api/v1/emergency-plans/\(plan.id)/approve"); XCTAssertEqual(s, .forbidden)

            (s, body) = try await apiCall(app, f, "chief", .POST, "/api/v1/emergency-plans/\(plan.id)/approve")
            XCTAssertEqual(s, .ok, body)
            plan = try apiDecoder.decode(EmergencyPlanDTO.self, from: Data(body.utf8))
            let today = LocalDay(Date(), in: LocalCalendar())
            XCTAssertEqual(plan.status, .approved); XCTAssertEqual(plan.approvedOn, today.description)
            XCTAssertEqual(plan.nextDrillOn, today.adding(months: 6).description, "six months after approval")
            (s, _) = try await apiCall(app, f, "chief", .PATCH, "/api/v1/emergency-plans/\(plan.id)", #"{"name":"改名"}"#)
            XCTAssertEqual(s, .conflict, "an approved version is not edited")

            // A drill: not in the future; then one held; its finding becomes a follow-up done once with a note.
            (s, body) = try await apiCall(app, f, "officer", .POST, "/api/v1/emergency-plans/\(plan.id)/drills", #"{"heldOn":"2999-01-01","scenario":"","people":"many"}"#)
            XCTAssertEqual(s, .unprocessableEntity)
            for field in ["heldOn", "scenario", "people"] { XCTAssertTrue(body.contains("\"\(field)\":"), "\(field) in \(body)") }
            let held = today.adding(days: -3)
            (s, body) = try await apiCall(app, f, "officer", .POST, "/api/v1/emergency-plans/\(plan.id)/drills",
                #"{"heldOn":"\#(held)","scenario":"商铺夜间起火","participants":"消防、派出所、社区","people":"35","findings":"疏散通道堆物"}"#)
            XCTAssertEqual(s, .created, body)
            plan = try apiDecoder.decode(EmergencyPlanDTO.self, from: Data(body.utf8))
            XCTAssertEqual(plan.lastDrillOn, held.description); XCTAssertEqual(plan.nextDrillOn, held.adding(months: 6).description)
            let drill = try XCTUnwrap(plan.drills?.first)
            (s, body) = try await apiCall(app, f, "officer", .POST, "/api/v1/emergency-drills/\(drill.id)/actions", #"{"text":"清理疏散通道","owner":"","dueOn":"2000-01-01"}"#)
            XCTAssertEqual(s, .unprocessableEntity); XCTAssertTrue(body.contains("\"owner\":") && body.contains("\"dueOn\":"), body)
            (s, body) = try await apiCall(app, f, "officer", .POST, "/api/v1/emergency-drills/\(drill.id)/actions", #"{"text":"清理疏散通道","owner":"德兴社区","dueOn":"\#(today.adding(days: 10))"}"#)
            XCTAssertEqual(s, .created, body)
            let action = try XCTUnwrap(try apiDecoder.decode(EmergencyPlanDTO.self, from: Data(body.utf8)).drills?.first?.actions.first)
            XCTAssertEqual(action.state, .open)
            (s, _) = try await apiCall(app, f, "officer", .POST, "/api/v1/emergency-drill-actions/\(action.id)/done", #"{"note":""}"#); XCTAssertEqual(s, .unprocessableEntity)
            (s, _) = try await apiCall(app, f, "officer", .POST, "/api/v1/emergency-drill-actions/\(action.id)/done", #"{"note":"已清理"}"#); XCTAssertEqual(s, .ok)
            (s, _) = try await apiCall(app, f, "officer", .POST, "/api/v1/emergency-drill-actions/\(action.id)/done", #"{"note":"再次"}"#); XCTAssertEqual(s, .conflict)

            // 修订: a new draft v2 with the same units; approving it supersedes v1; drills stay with the plan.
            (s, body) = try await apiCall(app, f, "chief", .POST, "/api/v1/emergency-plans/\(plan.id)/revise")
            XCTAssertEqual(s, .created, body)
            let v2 = try apiDecoder.decode(EmergencyPlanDTO.self, from: Data(body.utf8))
            XCTAssertEqual(v2.version, 2); XCTAssertEqual(v2.status, .draft); XCTAssertEqual(v2.units.map(\.duty), ["灭火救援"])
            (s, body) = try await apiCall(app, f, "chief", .POST, "/api/v1/emergency-plans/\(plan.id)/revise")
            XCTAssertEqual(try apiDecoder.decode(EmergencyPlanDTO.self, from: Data(body.utf8)).id, v2.id, "one draft at a time")
            (s, _) = try await apiCall(app, f, "chief", .POST, "/api/v1/emergency-plans/\(v2.id)/approve"); XCTAssertEqual(s, .ok)
            let v1 = try await EmergencyPlan.find(plan.id, on: app.db)!
            XCTAssertEqual(v1.status, .superseded)
            (s, body) = try await apiCall(app, f, "chief", .GET, "/api/v1/emergency-plans/\(v2.id)")
            let shown = try apiDecoder.decode(EmergencyPlanDTO.self, from: Data(body.utf8))
            XCTAssertEqual(shown.drills?.count, 1); XCTAssertEqual(shown.versions?.map(\.version), [2, 1])
            (s, body) = try await apiCall(app, f, "chief", .GET, "/api/v1/emergency-plans")
            XCTAssertTrue(body.contains("\"id\":\(v2.id)") && !body.contains("\"id\":\(plan.id),"), "the register lists the version in force")

            let audited = try await AuditEvent.query(on: app.db).filter(\.$action ~~ ["emergency_plan.create", "emergency_plan.update", "emergency_plan.approve", "emergency_plan.revise",
                                                                                       "emergency_drill.create", "emergency_drill_action.create", "emergency_drill_action.done"]).count()
            XCTAssertEqual(audited, 8)
        }
    }

    func testAPlanStartedForARealEventBecomesAChecklistAndAReport() async throws {
        try await withApp { app, f in
            let unitA = ResponsibleUnit(name: "区住房城乡建设局", kind: .housing, divisionID: f.district); try await unitA.create(on: app.db)
            let staff = User(username: "unitstaff", displayName: "住建值班员", passwordHash: "!", role: .unitStaff, scopeDivisionID: nil, unitID: unitA.id!)
            try await staff.create(on: app.db)
            var (s, body) = try await apiCall(app, f, "command", .POST, "/api/v1/emergency-plans",
                #"{"name":"番禺区防汛应急预案","kind":"special","type":"flood","level":"2","areaID":"\#(f.district)","reviewDueOn":"2030-01-01","drillIntervalMonths":"12","steps":"报告区应急办\n巡查易涝点\n转移群众","units":{"\#(unitA.id!)":"危房巡查"}}"#)
            XCTAssertEqual(s, .created, body)
            let plan = try apiDecoder.decode(EmergencyPlanDTO.self, from: Data(body.utf8))
            (s, _) = try await apiCall(app, f, "command", .POST, "/api/v1/emergency-plans/\(plan.id)/activate", #"{"event":"暴雨","level":"2"}"#)
            XCTAssertEqual(s, .conflict, "a draft is not started")
            (s, _) = try await apiCall(app, f, "command", .POST, "/api/v1/emergency-plans/\(plan.id)/approve"); XCTAssertEqual(s, .ok)
            (s, body) = try await apiCall(app, f, "command", .POST, "/api/v1/emergency-plans/\(plan.id)/activate", #"{"event":"","level":"9"}"#)
            XCTAssertEqual(s, .unprocessableEntity); XCTAssertTrue(body.contains("\"event\":") && body.contains("\"level\":"), body)
            (s, body) = try await apiCall(app, f, "command", .POST, "/api/v1/emergency-plans/\(plan.id)/activate", #"{"event":"特大暴雨，市桥河超警戒水位","level":"2"}"#)
            XCTAssertEqual(s, .created, body)
            var run = try apiDecoder.decode(EmergencyActivationDTO.self, from: Data(body.utf8))
            XCTAssertEqual(run.steps.map(\.text), ["报告区应急办", "巡查易涝点", "转移群众"]); XCTAssertTrue(run.running)
            let told = try await StaffNotice.query(on: app.db).filter(\.$userID == staff.id!).filter(\.$kind == .emergency).count()
            XCTAssertEqual(told, 1, "the plan's unit is told")
            (s, body) = try await apiCall(app, f, "command", .POST, "/api/v1/emergency-plans/\(plan.id)/activate", #"{"event":"又一次","level":"2"}"#)
            XCTAssertEqual(s, .unprocessableEntity, "one response at a time"); XCTAssertTrue(body.contains("已在启动中"), body)

            // Steps: done with a note, skipped only with a reason, each once; another street's officer sees nothing.
            (s, _) = try await apiCall(app, f, "officer", .POST, "/api/v1/emergency-activations/\(run.id)/step", #"{"seq":"1","outcome":"done","note":"已电话报告"}"#); XCTAssertEqual(s, .ok)
            (s, _) = try await apiCall(app, f, "officer", .POST, "/api/v1/emergency-activations/\(run.id)/step", #"{"seq":"1","outcome":"done"}"#); XCTAssertEqual(s, .conflict)
            (s, body) = try await apiCall(app, f, "officer", .POST, "/api/v1/emergency-activations/\(run.id)/step", #"{"seq":"3","outcome":"skipped"}"#)
            XCTAssertEqual(s, .unprocessableEntity); XCTAssertTrue(body.contains("\"note\":"), body)
            (s, _) = try await apiCall(app, f, "officer", .POST, "/api/v1/emergency-activations/\(run.id)/step", #"{"seq":"3","outcome":"skipped","note":"水位回落，无需转移"}"#); XCTAssertEqual(s, .ok)
            (s, _) = try await apiCall(app, f, "analyst", .POST, "/api/v1/emergency-activations/\(run.id)/step", #"{"seq":"2","outcome":"done"}"#); XCTAssertEqual(s, .forbidden)
            (s, _) = try await apiCall(app, f, "grid", .GET, "/api/v1/emergency-activations/\(run.id)"); XCTAssertEqual(s, .forbidden)

            // Ending needs the lessons; the report counts what was done, skipped and left open.
            (s, body) = try await apiCall(app, f, "command", .POST, "/api/v1/emergency-activations/\(run.id)/end", #"{"lessons":""}"#)
            XCTAssertEqual(s, .unprocessableEntity); XCTAssertTrue(body.contains("\"lessons\":"), body)
            (s, _) = try await apiCall(app, f, "officer", .POST, "/api/v1/emergency-activations/\(run.id)/end", #"{"lessons":"x"}"#); XCTAssertEqual(s, .forbidden)
            (s, body) = try await apiCall(app, f, "command", .POST, "/api/v1/emergency-activations/\(run.id)/end", #"{"lessons":"易涝点巡查力量不足，需增配抽水泵"}"#)
            XCTAssertEqual(s, .ok, body)
            run = try apiDecoder.decode(EmergencyActivationDTO.self, from: Data(body.utf8))
            XCTAssertFalse(run.running); XCTAssertEqual(run.steps.map(\.outcome), [.done, .open, .skipped])
            XCTAssertTrue(run.summary.hasSuffix("3项处置步骤完成1项、跳过1项、未完成1项"), run.summary)
            (s, _) = try await apiCall(app, f, "officer", .POST, "/api/v1/emergency-activations/\(run.id)/step", #"{"seq":"2","outcome":"done"}"#); XCTAssertEqual(s, .conflict)
            let (cookies, _, _) = try await signIn(app, "command")
            try await app.call(.GET, "/governance/activations/\(run.id)", beforeRequest: { $0.headers.cookie = cookies }) { res in
                XCTAssertEqual(res.status, .ok)
                XCTAssertTrue(res.body.string.contains("处置评估报告") && res.body.string.contains("水位回落，无需转移") && res.body.string.contains("易涝点巡查力量不足"))
            }
            let audited = try await AuditEvent.query(on: app.db).filter(\.$action ~~ ["emergency_plan.activate", "emergency_activation.step", "emergency_activation.end"]).count()
            XCTAssertEqual(audited, 4)
        }
    }

    /// Issue 20 §1: a plan's resources (shelters, equipment …) are places on the map — checked, inside the plan's area,
    /// kept across versions, drawn on the plan page and the map's layer, seen only with the plan.
    func testAPlansResourcesArePlacesOnTheMap() async throws {
        try await withApp { app, f in
            try await setSquareOutlines(app, f)
            let plan = try await insertEmergencyPlan(app, f, area: f.streetA).plan
            let path = "/api/v1/emergency-plans/\(plan)/resources"
            var (s, body) = try await apiCall(app, f, "chief", .POST, path, #"{"capacity":"abc"}"#)
            XCTAssertEqual(s, .unprocessableEntity)
            for field in ["kind", "name", "capacity", "lat"] { XCTAssertTrue(body.contains("\"\(field)\":"), "\(field) in \(body)") }
            (s, body) = try await apiCall(app, f, "chief", .POST, path, #"{"kind":"shelter","name":"沙头小学","lat":22.1,"lon":113.3}"#)
            XCTAssertEqual(s, .unprocessableEntity)
            XCTAssertTrue(body.contains("不在本预案的适用区域内"), body)
            var count = try await EmergencyResource.query(on: app.db).count()
            XCTAssertEqual(count, 0)

            (s, body) = try await apiCall(app, f, "chief", .POST, path,
                #"{"kind":"shelter","name":"市桥一中避难场所","capacity":"1200","keeper":"市桥街道应急办","lat":22.1,"lon":113.05}"#)
            XCTAssertEqual(s, .created, body)
            let shelter = try apiDecoder.decode(EmergencyResourceDTO.self, from: Data(body.utf8))
            XCTAssertEqual(shelter.communityID, f.c1); XCTAssertEqual(shelter.gridID, f.g1a); XCTAssertEqual(shelter.capacity, 1200)
            (s, body) = try await apiCall(app, f, "chief", .POST, path, #"{"kind":"equipment","name":"冲锋舟","capacity":2,"lat":22.3,"lon":113.1}"#)
            XCTAssertEqual(s, .created, body)

            // The officer of 德兴 sees the plan but does not manage it; the officer of 沙头 does not see it at all.
            (s, _) = try await apiCall(app, f, "officer", .PATCH, "/api/v1/emergency-resources/\(shelter.id)", #"{"capacity":"1500"}"#)
            XCTAssertEqual(s, .forbidden)
            (s, _) = try await apiCall(app, f, "officer3", .GET, path)
            XCTAssertEqual(s, .notFound)
            (s, _) = try await apiCall(app, f, "officer3", .PATCH, "/api/v1/emergency-resources/\(shelter.id)", #"{"capacity":"1500"}"#)
            XCTAssertEqual(s, .notFound)
            (s, body) = try await apiCall(app, f, "officer3", .GET, "/api/v1/map/layers/resources")
            XCTAssertEqual(s, .ok); XCTAssertTrue(body.contains(#""features":[]"#), body)
            (s, body) = try await apiCall(app, f, "officer", .GET, "/api/v1/map/layers/resources?family=\(plan)&bbox=113.0,22.0,113.2,22.2")
            XCTAssertEqual(s, .ok)
            XCTAssertTrue(body.contains("市桥一中避难场所") && !body.contains("冲锋舟") && body.contains(EmergencyResourceKind.shelter.color), body)

            // A change moves it; a bad change keeps the old values.
            (s, body) = try await apiCall(app, f, "chief", .PATCH, "/api/v1/emergency-resources/\(shelter.id)", #"{"capacity":"1500","lat":22.3}"#)
            XCTAssertEqual(s, .ok, body); XCTAssertTrue(body.contains(#""communityID":\#(f.c2)"#), body)
            (s, _) = try await apiCall(app, f, "chief", .PATCH, "/api/v1/emergency-resources/\(shelter.id)", #"{"name":""}"#)
            XCTAssertEqual(s, .unprocessableEntity)
            let kept = try await EmergencyResource.find(shelter.id, on: app.db)!
            XCTAssertEqual(kept.name, "市桥一中避难场所"); XCTAssertEqual(kept.capacity, 1500)

            // A revision keeps the resources: they are the plan's, not one version's.
            (s, body) = try await apiCall(app, f, "chief", .POST, "/api/v1/emergency-plans/\(plan)/revise")
            XCTAssertEqual(s, .created, body)
            let draft = try apiDecoder.decode(EmergencyPlanDTO.self, from: Data(body.utf8))
            (s, body) = try await apiCall(app, f, "chief", .GET, "/api/v1/emergency-plans/\(draft.id)/resources")
            XCTAssertEqual(try apiDecoder.decode([EmergencyResourceDTO].self, from: Data(body.utf8)).map(\.name).sorted(), ["冲锋舟", "市桥一中避难场所"])

            // The plan page draws them and counts them; a form mistake keeps what was typed.
            try await app.test(.GET, "/governance/plans/\(plan)", headers: f.bearer("chief")) { res in
                let html = res.body.string
                XCTAssertTrue(html.contains("应急资源分布") && html.contains("避难场所 1 处，共 1,500 人") && html.contains("<circle"), html)
            }
            try await app.test(.POST, "/governance/plans/\(plan)/resources", headers: f.bearer("chief"), beforeRequest: { req in
                try req.content.encode(["kind": "supplies", "name": "物资仓库", "lat": "", "lon": ""], as: .urlEncodedForm)
            }) { res in
                XCTAssertEqual(res.status, .unprocessableEntity)
                XCTAssertTrue(res.body.string.contains("请在地图上点选位置") && res.body.string.contains("物资仓库"), res.body.string)
            }

            (s, _) = try await apiCall(app, f, "chief", .DELETE, "/api/v1/emergency-resources/\(shelter.id)")
            XCTAssertEqual(s, .ok)
            count = try await EmergencyResource.query(on: app.db).count()
            XCTAssertEqual(count, 1)
            let audited = try await AuditEvent.query(on: app.db).filter(\.$action ~~ ["emergency.resource.add", "emergency.resource.update", "emergency.resource.delete"]).count()
            XCTAssertEqual(audited, 4)
        }
    }

    func testOverduePlansAndThePages() async throws {
        try await withApp { app, f in
            // An approved district plan whose review day has passed and whose last drill is older than its interval.
            let ids = try await insertEmergencyPlan(app, f, area: f.district)
            let p = try await EmergencyPlan.find(ids.plan, on: app.db)!
            p.reviewDueOn = "2020-01-01"; p.drillIntervalMonths = 3; try await p.save(on: app.db)
            var (s, body) = try await apiCall(app, f, "officer", .GET, "/api/v1/emergency-plans?due=1")
            XCTAssertEqual(s, .ok)
            let page = try apiDecoder.decode(EmergencyPlanController.Page.self, from: Data(body.utf8))
            XCTAssertEqual(page.items.map(\.id), [ids.plan]); XCTAssertEqual(Set(page.items[0].due), [.review, .drill])
            XCTAssertEqual(page.items[0].nextDrillOn, "2026-09-01", "three months after the last drill")

            let (cookies, _, _) = try await signIn(app, "command")
            try await app.call(.GET, "/governance/plans", beforeRequest: { $0.headers.cookie = cookies }) { res in
                XCTAssertEqual(res.status, .ok)
                XCTAssertTrue(res.body.string.contains("复审逾期") && res.body.string.contains("1 个现行预案复审或演练已逾期"), res.body.string)
            }
            try await app.call(.GET, "/governance/plans/export.csv", beforeRequest: { $0.headers.cookie = cookies }) { res in
                XCTAssertTrue(res.body.string.contains("防汛应急预案") && res.body.string.contains("组织抢险"))
            }
            try await app.call(.GET, "/governance/systems", beforeRequest: { $0.headers.cookie = cookies }) { res in
                XCTAssertTrue(res.body.string.contains("现行专项应急预案") && res.body.string.contains("总体应急方案尚未批准"), res.body.string)
            }
            // The form keeps what was typed when something is wrong.
            let (c2, csrf, _) = try await signIn(app, "command")
            try await app.call(.POST, "/governance/plans", beforeRequest: { req in
                req.headers.cookie = c2
                try req.content.encode(["_csrf": csrf, "name": "区公共卫生应急预案", "kind": "special", "type": "", "level": "2", "areaID": "\(f.district)",
                                        "reviewDueOn": "2028-01-01", "drillIntervalMonths": "12", "steps": "发现疫情2小时内报告"], as: .urlEncodedForm)
            }) { res in
                XCTAssertEqual(res.status, .unprocessableEntity)
                let html = res.body.string
                XCTAssertTrue(html.contains("请选择事件类型")); XCTAssertTrue(html.contains("value=\"区公共卫生应急预案\"")); XCTAssertTrue(html.contains("发现疫情2小时内报告"))
            }
            (s, _) = try await apiCall(app, f, "grid", .GET, "/api/v1/emergency-plans"); XCTAssertEqual(s, .forbidden)
        }
    }
}
