import Fluent
import XCTVapor
import PinganKit
@testable import PinganServer

/// An inspection with an open general notice, written directly (the route walk needs one in and one out of scope).
func makeInspection(_ app: Application, _ f: Fixture, site: Int) async throws -> Int {
    let s = try await Site.find(site, on: app.db)!
    let i = Inspection()
    i.siteID = site; i.communityID = s.communityID; i.gridID = s.gridID
    i.inspectedOn = LocalDay(Date(), in: LocalCalendar()).description; i.inspectorID = f.users["admin"]!
    i.findings = "消防通道堵塞"; i.severity = .general; i.rectificationNote = ""
    i.deadline = i.notice()!.deadline().description
    try await i.create(on: app.db)
    return i.id!
}

private func today() -> LocalDay { LocalDay(Date(), in: LocalCalendar()) }


@discardableResult
private func get<T: Decodable>(_ app: Application, _ path: String, as headers: HTTPHeaders, _ type: T.Type, status: HTTPStatus = .ok) async throws -> T? {
    var out: T? = nil
    try await app.call(.GET, path, headers: headers) { res in
        XCTAssertEqual(res.status, status, "\(path): \(res.body.string)")
        if res.status == .ok { out = try res.content.decode(T.self) }
    }
    return out
}

final class StaffingServerTests: XCTestCase {
    func testPlanFromTheTreeIsScopedAndCountsOfficersPostsAndIncidents() async throws {
        try await withApp { app, f in
            try await setPopulations(app, f)
            try await createIncident(app, f, community: f.c1, grid: f.g1a)
            let plan = try await get(app, "/api/v1/staffing/plan", as: f.bearer("admin"), StaffingAPIController.PlanBody.self)!.plan
            XCTAssertEqual(plan.district.communities, 3)
            XCTAssertEqual(plan.district.officers.required, 4)
            XCTAssertEqual(plan.district.officers.inPlace, 2)
            XCTAssertEqual(plan.district.officers.shortfall, 2, "c1 needs one more, c2 has none")
            XCTAssertEqual(plan.district.offices.required, 3)
            XCTAssertEqual(plan.district.offices.inPlace, 0)
            XCTAssertEqual(plan.communities.first { $0.code == "440113007601" }?.workload.incidents, 1)
            XCTAssertEqual(plan.stations.map(\.stationCode), ["市桥派出所", "沙头派出所"])

            // The station chief sees the station's two communities; an officer only their own.
            let chief = try await get(app, "/api/v1/staffing/plan", as: f.bearer("chief"), StaffingAPIController.PlanBody.self)!.plan
            XCTAssertEqual(chief.communities.map(\.code), ["440113007601", "440113007602"])
            XCTAssertEqual(chief.district.officers.required, 3)
            let own = try await get(app, "/api/v1/staffing/plan", as: f.bearer("officer3"), StaffingAPIController.PlanBody.self)!.plan
            XCTAssertEqual(own.communities.map(\.code), ["440113008601"])

            // Concurrent posts: set by the chief in scope; out of scope looks missing; too long is a field error.
            try await postJSON(app, "/api/v1/officers/\(f.users["officer"]!)", #"{"concurrentPost":"社区党委副书记"}"#, as: f.bearer("chief"), method: .PATCH) { res in
                XCTAssertEqual(res.status, .ok, res.body.string)
                XCTAssertEqual(try res.content.decode(OfficerDTO.self).concurrentPost, "社区党委副书记")
            }
            try await postJSON(app, "/api/v1/officers/\(f.users["officer3"]!)", #"{"concurrentPost":"x"}"#, as: f.bearer("chief"), method: .PATCH) { res in
                XCTAssertEqual(res.status, .notFound)
            }
            try await postJSON(app, "/api/v1/officers/\(f.users["officer"]!)", #"{"concurrentPost":"\#(String(repeating: "长", count: 51))"}"#, as: f.bearer("chief"), method: .PATCH) { res in
                XCTAssertEqual(res.status, .unprocessableEntity)
                XCTAssertNotNil(try res.content.decode(ErrorBody.self).fields?["concurrentPost"])
            }
            let after = try await get(app, "/api/v1/staffing/plan", as: f.bearer("command"), StaffingAPIController.PlanBody.self)!.plan
            XCTAssertEqual(after.district.concurrentPosts, 1)
            XCTAssertEqual(after.district.concurrentPostShare.percent, "50.0%")

            // A deactivated officer is not in place.
            let o3 = try await User.find(f.users["officer3"]!, on: app.db)!
            o3.active = false
            try await o3.save(on: app.db)
            let fewer = try await get(app, "/api/v1/staffing/plan", as: f.bearer("admin"), StaffingAPIController.PlanBody.self)!.plan
            XCTAssertEqual(fewer.district.officers.inPlace, 1)
            XCTAssertEqual(fewer.district.officers.shortfall, 3)
        }
    }

    func testWhatIfClosesTheLargestGapsFirstAndRejectsBadCounts() async throws {
        try await withApp { app, f in
            try await setPopulations(app, f)
            let r = try await get(app, "/api/v1/staffing/whatif?officers=3", as: f.bearer("admin"), StaffingWhatIfResult.self)!
            XCTAssertEqual(r.allocations.map(\.communityCodes), [["440113007601"], ["440113007602"]], "equal gaps: c1 has 8,000 per officer, c2 5,000")
            XCTAssertEqual(r.unallocated, 1)
            XCTAssertEqual(r.shortfallAfter, 0)
            for bad in ["officers=abc", "officers=0", ""] {
                try await app.call(.GET, "/api/v1/staffing/whatif?" + bad, headers: f.bearer("admin")) { res in
                    XCTAssertEqual(res.status, .unprocessableEntity, bad)
                    XCTAssertNotNil(try res.content.decode(ErrorBody.self).fields?["officers"])
                }
            }
            try await app.call(.GET, "/api/v1/staffing/whatif?officers=1&months=999", headers: f.bearer("admin")) { res in
                XCTAssertEqual(res.status, .unprocessableEntity)
                XCTAssertNotNil(try res.content.decode(ErrorBody.self).fields?["months"])
            }
            // The page and the CSV.
            try await app.call(.GET, "/forces/staffing/whatif?officers=3", headers: f.bearer("chief")) { res in
                XCTAssertEqual(res.status, .ok)
                XCTAssertTrue(res.body.string.contains("德兴社区"))
                XCTAssertFalse(res.body.string.contains("沙头社区"), "the chief's what-if stays in the station")
            }
            try await app.call(.GET, "/forces/staffing/whatif.csv?officers=3", headers: f.bearer("admin")) { res in
                XCTAssertEqual(res.status, .ok)
                XCTAssertTrue(res.body.string.contains("unit,station,communities,new_officers"))
            }
            try await app.call(.GET, "/forces/staffing/export.csv", headers: f.bearer("admin")) { res in
                XCTAssertEqual(res.status, .ok)
                XCTAssertTrue(res.body.string.hasPrefix("\u{FEFF}level,code,name,station"))
                XCTAssertTrue(res.body.string.contains("district,"))
            }
        }
    }

    func testRulesAreValidatedStoredAndUsed() async throws {
        try await withApp { app, f in
            try await setPopulations(app, f)
            try await postJSON(app, "/api/v1/staffing/rules", #"{"tolerancePercent":80,"urbanBands":"8000:1, 5000:2","ruralPopulationPerOfficer":"x"}"#, as: f.bearer("command"), method: .PUT) { res in
                XCTAssertEqual(res.status, .unprocessableEntity)
                XCTAssertEqual(try res.content.decode(ErrorBody.self).fields?.keys.sorted(), ["ruralPopulationPerOfficer", "tolerancePercent", "urbanBands"])
            }
            try await postJSON(app, "/api/v1/staffing/rules", #"{"tolerancePercent":20}"#, as: f.bearer("chief"), method: .PUT) { res in
                XCTAssertEqual(res.status, .forbidden)
            }
            let v1 = try await get(app, "/api/v1/staffing/rules", as: f.bearer("analyst"), StaffingRules.self)
            XCTAssertEqual(v1, .seed001)
            try await postJSON(app, "/api/v1/staffing/rules", #"{"urbanBands":[{"population":5000,"officers":1},{"population":6000,"officers":2}],"tolerancePercent":20,"urbanStepAbove":3000}"#, as: f.bearer("command"), method: .PUT) { res in
                XCTAssertEqual(res.status, .ok, res.body.string)
            }
            let stored = try await get(app, "/api/v1/staffing/rules", as: f.bearer("analyst"), StaffingRules.self)!
            XCTAssertEqual(stored.tolerancePercent, 20)
            XCTAssertEqual(stored.urbanBands.map(\.population), [5000, 6000])
            // 20 %: 5,000 reaches "about 6,000" (2); 8,000 reaches 6,000 + 3,000 (3, the district's step); 3,000 keeps 1.
            let plan = try await get(app, "/api/v1/staffing/plan", as: f.bearer("admin"), StaffingAPIController.PlanBody.self)!.plan
            XCTAssertEqual(plan.district.officers.required, 6)

            // The form keeps what was typed and says what is wrong.
            let s = try await signIn(app, "admin")
            try await app.call(.POST, "/forces/staffing/rules", beforeRequest: { req in
                req.headers.cookie = s.cookies
                try req.content.encode(["_csrf": s.csrf, "complete": "1", "urbanBands": "5000-1", "tolerancePercent": "10", "ruralPopulationPerOfficer": "8000",
                                        "minimumOfficers": "1", "officesPerCommittee": "1"], as: .urlEncodedForm)
            }) { res in
                XCTAssertEqual(res.status, .unprocessableEntity)
                XCTAssertTrue(res.body.string.contains("5000-1"))
                XCTAssertTrue(res.body.string.contains("人口:民警数"))
            }
            let v2 = try await get(app, "/api/v1/staffing/rules", as: f.bearer("admin"), StaffingRules.self)?.tolerancePercent
            XCTAssertEqual(v2, 20, "nothing half-written")
        }
    }

    func testPlanPagesRender() async throws {
        try await withApp { app, f in
            try await setPopulations(app, f)
            for path in ["/forces", "/forces/staffing?view=workload&months=6", "/forces/officers", "/forces/staffing/rules"] {
                try await app.call(.GET, path, headers: f.bearer("admin")) { res in
                    XCTAssertEqual(res.status, .ok, path)
                    XCTAssertTrue(res.body.string.contains("警力"), path)
                }
            }
            // The district row is two officers short: the gap and the net balance read the same way (−2), not −2 beside 2.
            try await app.call(.GET, "/forces/staffing", headers: f.bearer("admin")) { res in
                let body = res.body.string
                XCTAssertTrue(body.contains("净余缺"))
                let total = body.components(separatedBy: "<tr>").first { $0.contains("合计") } ?? ""
                XCTAssertEqual(total.components(separatedBy: "<strong>−2</strong>").count - 1, 2, total)
            }
            try await app.call(.GET, "/forces/staffing?months=0", headers: f.bearer("admin")) { res in
                XCTAssertEqual(res.status, .unprocessableEntity)
                XCTAssertTrue(res.body.string.contains("统计月数应为"))
            }
        }
    }
}

final class WorkLogServerTests: XCTestCase {
    func testWorkLogIsValidatedFieldByFieldAndScoped() async throws {
        try await withApp { app, f in
            let day = today().adding(days: -1).description
            try await postJSON(app, "/api/v1/worklog", #"{"day":"\#(day)","communityID":\#(f.c1),"kind":"visit","note":"走访独居老人"}"#, as: f.bearer("officer")) { res in
                XCTAssertEqual(res.status, .created, res.body.string)
                let d = try res.content.decode(WorkLogDTO.self)
                XCTAssertEqual(d.officerID, f.users["officer"]!)
                XCTAssertEqual(d.communityName, "德兴社区")
            }
            let future = today().adding(days: 2).description
            try await postJSON(app, "/api/v1/worklog", #"{"officerID":\#(f.users["officer3"]!),"day":"\#(future)","communityID":\#(f.c3),"kind":"nap","note":""}"#, as: f.bearer("officer")) { res in
                XCTAssertEqual(res.status, .unprocessableEntity)
                XCTAssertEqual(try res.content.decode(ErrorBody.self).fields?.keys.sorted(), ["communityID", "day", "kind", "officerID"])
            }
            // A chief logs for the station's officers only.
            try await postJSON(app, "/api/v1/worklog", #"{"officerID":\#(f.users["officer3"]!),"day":"\#(day)","kind":"patrol"}"#, as: f.bearer("chief")) { res in
                XCTAssertEqual(res.status, .unprocessableEntity)
                XCTAssertNotNil(try res.content.decode(ErrorBody.self).fields?["officerID"])
            }
            try await postJSON(app, "/api/v1/worklog", #"{"officerID":\#(f.users["officer"]!),"day":"\#(day)","kind":"meeting"}"#, as: f.bearer("chief")) { res in
                XCTAssertEqual(res.status, .created, res.body.string)
            }
            try await postJSON(app, "/api/v1/worklog", #"{"day":"\#(day)","kind":"patrol"}"#, as: f.bearer("analyst")) { res in
                XCTAssertEqual(res.status, .forbidden)
            }
            let v3 = try await WorkLog.query(on: app.db).count()
            XCTAssertEqual(v3, 2, "refused entries wrote nothing")
            let mine = try await get(app, "/api/v1/worklog", as: f.bearer("command"), WorkLogAPIController.Page.self)!
            XCTAssertEqual(mine.page.total, 2)
            let other = try await get(app, "/api/v1/worklog", as: f.bearer("officer3"), WorkLogAPIController.Page.self)!
            XCTAssertEqual(other.page.total, 0, "another community's officer does not see these")
            let meetings = try await get(app, "/api/v1/worklog?kind=meeting", as: f.bearer("admin"), WorkLogAPIController.Page.self)!
            XCTAssertEqual(meetings.items.map(\.kind), [.meeting])
            try await app.call(.GET, "/api/v1/worklog?from=yesterday", headers: f.bearer("admin")) { res in XCTAssertEqual(res.status, .unprocessableEntity) }
            try await app.call(.GET, "/forces/worklog/export.csv", headers: f.bearer("admin")) { res in
                XCTAssertEqual(res.status, .ok)
                XCTAssertTrue(res.body.string.contains("走访独居老人"))
            }

            // The form keeps what was typed.
            let s = try await signIn(app, "officer")
            try await app.call(.POST, "/forces/worklog", beforeRequest: { req in
                req.headers.cookie = s.cookies
                try req.content.encode(["_csrf": s.csrf, "day": "2026-02-30", "kind": "visit", "note": "入户走访出租屋"], as: .urlEncodedForm)
            }) { res in
                XCTAssertEqual(res.status, .unprocessableEntity)
                XCTAssertTrue(res.body.string.contains("入户走访出租屋"))
                XCTAssertTrue(res.body.string.contains("日期格式应为"))
            }
        }
    }

    func testPresenceFlagsWeeksUnderThreeDaysAndTheMonthlyReportCountsTheLog() async throws {
        try await withApp { app, f in
            let monday = today().isoWeek.monday.adding(days: -21)
            func log(_ d: LocalDay, _ kind: String, community: Int?, as user: String = "officer") async throws {
                let place = community.map { #","communityID":\#($0)"# } ?? ""
                try await postJSON(app, "/api/v1/worklog", #"{"officerID":\#(f.users["officer"]!),"day":"\#(d)","kind":"\#(kind)"\#(place)}"#, as: f.bearer(user)) { res in
                    XCTAssertEqual(res.status, .created, res.body.string)
                }
            }
            // Week 1: Mon, Tue, Wed in c1 (twice on Monday) = 3 days. Week 2: Mon in c1, Tue in c2 (logged by the chief:
            // not the officer's community), Wed at the station = 1 day.
            try await log(monday, "visit", community: f.c1)
            try await log(monday, "registration", community: f.c1)
            try await log(monday.adding(days: 1), "patrol", community: f.c1)
            try await log(monday.adding(days: 2), "mediation", community: f.c1)
            try await log(monday.adding(days: 7), "visit", community: f.c1)
            try await log(monday.adding(days: 8), "visit", community: f.c2, as: "chief")
            try await log(monday.adding(days: 9), "meeting", community: nil)
            let t = try await get(app, "/api/v1/presence?from=\(monday)&to=\(monday.adding(days: 13))", as: f.bearer("chief"), WorkLogService.PresenceTable.self)!
            XCTAssertEqual(t.officers.map(\.officer.username), ["officer"], "the chief sees the station's officers")
            XCTAssertEqual(t.officers[0].weeks.map(\.daysPresent), [3, 1])
            XCTAssertEqual(t.officers[0].weeks.map(\.flagged), [false, true])
            XCTAssertEqual(t.flagged, 1)
            try await app.call(.GET, "/api/v1/presence?from=\(monday.adding(days: 13))&to=\(monday)", headers: f.bearer("chief")) { res in
                XCTAssertEqual(res.status, .unprocessableEntity)
            }
            try await app.call(.GET, "/forces/presence?from=\(monday)&to=\(monday.adding(days: 13))", headers: f.bearer("admin")) { res in
                XCTAssertEqual(res.status, .ok)
                XCTAssertTrue(res.body.string.contains("1 ⚠"))
            }

            let month = monday.yearMonth
            let r = try await get(app, "/api/v1/officers/\(f.users["officer"]!)/report?month=\(month)", as: f.bearer("chief"), WorkLogService.MonthlyReportBody.self)!
            let inMonth = [monday, monday, monday.adding(days: 1), monday.adding(days: 2), monday.adding(days: 7), monday.adding(days: 8), monday.adding(days: 9)].filter { $0.yearMonth == month }
            XCTAssertEqual(r.report.entries, inMonth.count)
            XCTAssertEqual(r.entries.count, inMonth.count)
            XCTAssertEqual(r.report.countsByKind.map(\.count).reduce(0, +), inMonth.count)
            // The running week is shown but not judged: nobody is flagged for days that have not come yet.
            let current = try await get(app, "/api/v1/officers/\(f.users["officer3"]!)/report", as: f.bearer("admin"), WorkLogService.MonthlyReportBody.self)!
            XCTAssertEqual(current.weeksFlagged, current.weeksJudged, "no entries: every ended week is under")
            XCTAssertEqual(current.weeksJudged, current.report.weeks.filter { $0.week < today().isoWeek }.count)
            try await get(app, "/api/v1/officers/\(f.users["officer3"]!)/report", as: f.bearer("chief"), WorkLogService.MonthlyReportBody.self, status: .notFound)
            try await get(app, "/api/v1/officers/\(f.users["admin"]!)/report", as: f.bearer("admin"), WorkLogService.MonthlyReportBody.self, status: .notFound)
            try await get(app, "/api/v1/officers/\(f.users["officer"]!)/report?month=2026-13", as: f.bearer("admin"), WorkLogService.MonthlyReportBody.self, status: .unprocessableEntity)
            try await app.call(.GET, "/forces/officers/\(f.users["officer"]!)/report?month=\(month)", headers: f.bearer("officer")) { res in
                XCTAssertEqual(res.status, .ok)
                XCTAssertTrue(res.body.string.contains("工作月报"))
                XCTAssertTrue(res.body.string.contains("data-print"))
            }
        }
    }
}

final class InspectionServerTests: XCTestCase {
    func testNoticesGetDeadlinesGoOverdueAndClose() async throws {
        try await withApp { app, f in
            let site = try await createSite(app, f, community: f.c1, grid: f.g1a)
            let twentyAgo = today().adding(days: -20).description
            var overdueID = 0, openID = 0
            try await postJSON(app, "/api/v1/inspections", #"{"siteID":\#(site),"inspectedOn":"\#(twentyAgo)","findings":"灭火器过期","severity":"general"}"#, as: f.bearer("officer")) { res in
                XCTAssertEqual(res.status, .created, res.body.string)
                let d = try res.content.decode(InspectionDTO.self)
                XCTAssertEqual(d.deadline, today().adding(days: -5).description, "general: 15 days")
                XCTAssertEqual(d.status, "overdue")
                XCTAssertEqual(d.days, 5)
                overdueID = d.id
            }
            try await postJSON(app, "/api/v1/inspections", #"{"siteID":\#(site),"inspectedOn":"\#(today())","findings":"电线私拉乱接","severity":"major"}"#, as: f.bearer("officer")) { res in
                let d = try res.content.decode(InspectionDTO.self)
                XCTAssertEqual(d.status, "open")
                XCTAssertEqual(d.days, 3, "major: 3 days")
                openID = d.id
            }
            try await postJSON(app, "/api/v1/inspections", #"{"siteID":\#(site),"inspectedOn":"\#(today())","findings":"未发现问题"}"#, as: f.bearer("officer")) { res in
                XCTAssertEqual(res.status, .created)
                XCTAssertNil(try res.content.decode(InspectionDTO.self).status)
            }
            let s = try await Site.find(site, on: app.db)!
            XCTAssertEqual(s.lastInspectedOn, today().description, "the site's last inspection moves forward")

            let overdue = try await get(app, "/api/v1/inspections/overdue", as: f.bearer("chief"), [InspectionDTO].self)!
            XCTAssertEqual(overdue.map(\.id), [overdueID])
            let open = try await get(app, "/api/v1/inspections?status=open", as: f.bearer("chief"), InspectionAPIController.Page.self)!
            XCTAssertEqual(Set(open.items.map(\.id)), [overdueID, openID])
            let v4 = try await get(app, "/api/v1/inspections", as: f.bearer("officer3"), InspectionAPIController.Page.self)?.page.total
            XCTAssertEqual(v4, 0)
            try await get(app, "/api/v1/inspections/\(openID)", as: f.bearer("officer3"), InspectionDTO.self, status: .notFound)

            // Closing: a date before the inspection or in the future is refused; then rectified late by 5 days; twice is refused.
            try await postJSON(app, "/api/v1/inspections/\(overdueID)/close", #"{"rectifiedOn":"\#(today().adding(days: -30))"}"#, as: f.bearer("officer")) { res in
                XCTAssertEqual(res.status, .unprocessableEntity)
                XCTAssertNotNil(try res.content.decode(ErrorBody.self).fields?["rectifiedOn"])
            }
            try await postJSON(app, "/api/v1/inspections/\(overdueID)/close", #"{"rectifiedOn":"\#(today())","note":"已更换"}"#, as: f.bearer("officer")) { res in
                XCTAssertEqual(res.status, .ok, res.body.string)
                let d = try res.content.decode(InspectionDTO.self)
                XCTAssertEqual(d.status, "rectified_late")
                XCTAssertEqual(d.days, 5)
            }
            try await postJSON(app, "/api/v1/inspections/\(overdueID)/close", #"{"rectifiedOn":"\#(today())"}"#, as: f.bearer("officer")) { res in
                XCTAssertEqual(res.status, .unprocessableEntity)
            }
            let v5 = try await get(app, "/api/v1/inspections/overdue", as: f.bearer("chief"), [InspectionDTO].self)?.count
            XCTAssertEqual(v5, 0)
            try await app.call(.GET, "/forces/inspections/\(openID)", headers: f.bearer("officer")) { res in
                XCTAssertEqual(res.status, .ok)
                XCTAssertTrue(res.body.string.contains("整改通知书"))
            }
            try await app.call(.GET, "/forces/inspections/export.csv?status=closed", headers: f.bearer("admin")) { res in
                XCTAssertEqual(res.status, .ok)
                XCTAssertTrue(res.body.string.contains("灭火器过期"))
                XCTAssertFalse(res.body.string.contains("电线私拉乱接"))
            }
        }
    }

    func testBadInspectionsAreRefusedAndWriteNothing() async throws {
        try await withApp { app, f in
            let outside = try await createSite(app, f, as: "admin", name: "沙头花园", community: f.c3, grid: f.g3)
            try await postJSON(app, "/api/v1/inspections", #"{"siteID":\#(outside),"inspectedOn":"\#(today().adding(days: 1))","findings":"","severity":"huge","daysAllowed":0}"#, as: f.bearer("officer")) { res in
                XCTAssertEqual(res.status, .unprocessableEntity)
                XCTAssertEqual(try res.content.decode(ErrorBody.self).fields?.keys.sorted(), ["daysAllowed", "findings", "inspectedOn", "severity", "siteID"])
            }
            try await postJSON(app, "/api/v1/inspections", #"{"siteID":\#(outside),"inspectedOn":"\#(today())","findings":"ok","daysAllowed":5}"#, as: f.bearer("admin")) { res in
                XCTAssertEqual(res.status, .unprocessableEntity)
                XCTAssertEqual(try res.content.decode(ErrorBody.self).fields?.keys.sorted(), ["daysAllowed"], "no hazard, no deadline")
            }
            let v6 = try await Inspection.query(on: app.db).count()
            XCTAssertEqual(v6, 0)
            let v7 = try await Site.find(outside, on: app.db)?.lastInspectedOn
            XCTAssertNil(v7)
        }
    }
}

func makeLeaderAssignment(_ app: Application, _ f: Fixture, community: Int, name: String, role: LeaderRole = .principal) async throws -> Int {
    let a = LeaderAssignmentRecord()
    a.leaderName = name; a.role = role; a.communityID = community; a.createdByID = f.users["admin"]!
    try await a.create(on: app.db)
    return a.id!
}

final class LeaderServerTests: XCTestCase {
    func testLeadersWithTheirCommunitiesRiseOrFallAndCoverage() async throws {
        try await withApp { app, f in
            try await postJSON(app, "/api/v1/leaders", #"{"leaderName":"陈所长","role":"principal","communityID":\#(f.c1)}"#, as: f.bearer("chief")) { res in
                XCTAssertEqual(res.status, .created, res.body.string)
            }
            try await postJSON(app, "/api/v1/leaders", #"{"leaderName":"陈所长","role":"principal","communityID":\#(f.c2)}"#, as: f.bearer("chief")) { res in
                XCTAssertEqual(res.status, .created, res.body.string)
            }
            try await postJSON(app, "/api/v1/leaders", #"{"leaderName":"李副所长","role":"deputy","communityID":\#(f.c3)}"#, as: f.bearer("command")) { res in
                XCTAssertEqual(res.status, .created, res.body.string)
            }
            // Out of scope, duplicate, empty name and unknown role are field errors; officers may not assign.
            try await postJSON(app, "/api/v1/leaders", #"{"leaderName":"陈所长","role":"boss","communityID":\#(f.c3)}"#, as: f.bearer("chief")) { res in
                XCTAssertEqual(res.status, .unprocessableEntity)
                XCTAssertEqual(try res.content.decode(ErrorBody.self).fields?.keys.sorted(), ["communityID", "role"])
            }
            try await postJSON(app, "/api/v1/leaders", #"{"leaderName":"陈所长","role":"principal","communityID":\#(f.c1)}"#, as: f.bearer("chief")) { res in
                XCTAssertEqual(res.status, .unprocessableEntity)
                XCTAssertNotNil(try res.content.decode(ErrorBody.self).fields?["communityID"])
            }
            try await postJSON(app, "/api/v1/leaders", #"{"leaderName":"","role":"deputy","communityID":\#(f.c1)}"#, as: f.bearer("officer")) { res in
                XCTAssertEqual(res.status, .forbidden)
            }
            // Incidents: c1 has 2 now and 1 in the period before → 陈所长 1 → 2 (+100.0%), listed first.
            try await createIncident(app, f, community: f.c1)
            try await createIncident(app, f, community: f.c1)
            let old = try await createIncident(app, f, community: f.c1)
            let i = try await Incident.find(old, on: app.db)!
            i.occurredAt = Date().addingTimeInterval(-120 * 86_400)
            try await i.save(on: app.db)
            let r = try await get(app, "/api/v1/leaders?days=90", as: f.bearer("admin"), LeaderReport.self)!
            XCTAssertEqual(r.leaders.map(\.leaderName), ["陈所长", "李副所长"])
            XCTAssertEqual(r.leaders[0].communities.count, 2)
            XCTAssertEqual(r.leaders[0].current, 2)
            XCTAssertEqual(r.leaders[0].previous, 1)
            XCTAssertEqual(r.leaders[0].change, "+100.0%")
            XCTAssertEqual(r.coverage.leaders, 2)
            XCTAssertEqual(r.coverage.communities, 3)
            let chief = try await get(app, "/api/v1/leaders", as: f.bearer("chief"), LeaderReport.self)!
            XCTAssertEqual(chief.leaders.map(\.leaderName), ["陈所长"])
            try await get(app, "/api/v1/leaders?days=1", as: f.bearer("admin"), LeaderReport.self, status: .unprocessableEntity)

            // Removing: out of scope looks missing.
            let deputy = r.leaders[1].communities[0].assignmentID
            try await app.call(.DELETE, "/api/v1/leaders/\(deputy)", headers: f.bearer("chief")) { res in XCTAssertEqual(res.status, .notFound) }
            try await app.call(.DELETE, "/api/v1/leaders/\(deputy)", headers: f.bearer("command")) { res in XCTAssertEqual(res.status, .noContent) }
            let v = try await LeaderAssignmentRecord.query(on: app.db).count()
            XCTAssertEqual(v, 2)
            try await app.call(.GET, "/forces/leaders", headers: f.bearer("analyst")) { res in
                XCTAssertEqual(res.status, .ok)
                XCTAssertTrue(res.body.string.contains("+100.0%"))
            }
        }
    }
}
