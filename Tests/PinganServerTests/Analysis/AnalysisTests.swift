import Fluent
import SQLKit
import XCTVapor
import PinganKit
@testable import PinganServer

/// Inserts an incident straight into the ledger with the dates a test needs.
@discardableResult
func insertIncident(_ app: Application, _ f: Fixture, community: Int, grid: Int? = nil, subcategory: String = "burglary",
                    occurred: Date, filed: Date? = nil, solved: Date? = nil) async throws -> Int {
    let sub = IncidentTaxonomy.defaultSubcategories.first { $0.code == subcategory }!
    let i = Incident()
    i.source = .dispatch110; i.category = sub.category; i.subcategory = sub.code; i.preventable = sub.preventable
    i.occurredAt = occurred; i.reportedAt = occurred; i.communityID = community; i.gridID = grid
    i.address = "德兴路1号"; i.modusOperandi = ""; i.description = "测试"; i.status = solved != nil ? .closed : .received
    i.filedAt = filed; i.solvedAt = solved; i.createdByID = f.users["admin"]!
    try await i.create(on: app.db)
    return i.id!
}

/// An alert row for scoping tests (the route walk uses it too).
@discardableResult
func insertAlert(_ app: Application, community: Int?, station: Int, label: String = "2026-03") async throws -> Int {
    let a = WarningAlertRecord()
    a.unitKind = community == nil ? .station : .community; a.unitID = community ?? station; a.unitName = "单位"
    a.communityID = community; a.stationID = station; a.period = .month; a.periodLabel = label; a.periodStart = Date()
    a.rule = "poisson"; a.comparison = ""; a.observed = 9; a.baseline = 2; a.z = 3.2; a.change = nil
    a.reasonZh = "本月9起"; a.reasonEn = "9 cases"; a.status = .open
    try await a.create(on: app.db)
    return a.id!
}

final class AnalysisTests: XCTestCase {
    static let cal = LocalCalendar(timeZoneIdentifier: "Asia/Shanghai")
    func d(_ y: Int, _ m: Int, _ day: Int, _ h: Int = 10) -> Date { Self.cal.date(year: y, month: m, day: day, hour: h) }

    struct Table: Decodable { var month: String; var subcategories: [Sub]; var rows: [PreventableRow]; struct Sub: Decodable { var code: String } }

    func testMonthlyTableCountsChangesScopeAndCSV() async throws {
        try await withApp { app, f in
            // c1 burglary: March 3 (one filed and solved in March), February 2, March last year 2.
            try await insertIncident(app, f, community: f.c1, occurred: d(2026, 3, 2), filed: d(2026, 3, 3), solved: d(2026, 3, 20))
            try await insertIncident(app, f, community: f.c1, occurred: d(2026, 3, 31, 23))
            try await insertIncident(app, f, community: f.c1, occurred: d(2026, 3, 1, 0))
            try await insertIncident(app, f, community: f.c1, occurred: d(2026, 2, 28, 23))
            try await insertIncident(app, f, community: f.c1, occurred: d(2026, 2, 10))
            try await insertIncident(app, f, community: f.c1, occurred: d(2025, 3, 5))
            try await insertIncident(app, f, community: f.c1, occurred: d(2025, 3, 6))
            try await insertIncident(app, f, community: f.c1, occurred: d(2026, 4, 1, 0))               // next month: not counted
            try await insertIncident(app, f, community: f.c1, subcategory: "assault", occurred: d(2026, 3, 9)) // not preventable
            try await insertIncident(app, f, community: f.c3, subcategory: "robbery", occurred: d(2026, 3, 9))

            try await app.call(.GET, "/api/v1/analysis/monthly?month=2026-03", headers: f.bearer("admin")) { res in
                XCTAssertEqual(res.status, .ok, res.body.string)
                let t = try res.content.decode(Table.self)
                XCTAssertEqual(t.month, "2026-03")
                XCTAssertEqual(t.rows.map(\.kind), [.community, .community, .stationSubtotal, .community, .stationSubtotal, .districtTotal])
                XCTAssertEqual(t.rows.compactMap(\.communityName), ["德兴社区", "东兴社区", "沙头社区"])
                let b = t.subcategories.firstIndex { $0.code == "burglary" }!
                let c1 = t.rows[0].bySubcategory[b]
                XCTAssertEqual([c1.current, c1.lastMonth, c1.sameMonthLastYear, c1.filed, c1.solved], [3, 2, 2, 1, 1])
                XCTAssertEqual(c1.yearOnYear, "+50.0%")
                XCTAssertEqual(t.rows[3].total.current, 1)
                XCTAssertEqual(t.rows[3].total.yearOnYear, "—")
                XCTAssertEqual(t.rows[5].total.current, 4, "the assault is not preventable; April is not March")
                XCTAssertEqual(t.rows[2].total.current, 3)
            }
            // A station chief sees his station's communities only; another station's community is "not found".
            try await app.call(.GET, "/api/v1/analysis/monthly?month=2026-03", headers: f.bearer("chief")) { res in
                let t = try res.content.decode(Table.self)
                XCTAssertEqual(t.rows.compactMap(\.communityName), ["德兴社区", "东兴社区"])
                XCTAssertEqual(t.rows.last!.total.current, 3)
            }
            try await app.call(.GET, "/api/v1/analysis/monthly?month=2026-03&community=\(f.c3)", headers: f.bearer("chief")) { res in
                XCTAssertEqual(res.status, .notFound)
            }
            try await app.call(.GET, "/api/v1/analysis/monthly?month=2026-03", headers: f.bearer("officer3")) { res in
                let t = try res.content.decode(Table.self)
                XCTAssertEqual(t.rows.compactMap(\.communityName), ["沙头社区"])
            }
            try await app.call(.GET, "/api/v1/analysis/monthly?month=2026-13&station=x", headers: f.bearer("admin")) { res in
                XCTAssertEqual(res.status, .unprocessableEntity)
                XCTAssertEqual(try res.content.decode(ErrorBody.self).fields?.keys.sorted(), ["month", "station"])
            }
            try await app.call(.GET, "/api/v1/analysis/monthly", headers: f.bearer("grid")) { res in XCTAssertEqual(res.status, .forbidden) }
            try await app.call(.GET, "/analysis/monthly.csv?month=2026-03", headers: f.bearer("admin")) { res in
                XCTAssertEqual(res.status, .ok)
                let body = res.body.string
                XCTAssertTrue(body.hasPrefix("\u{FEFF}派出所,社区,类别,本月,去年同月,同比"), String(body.prefix(80)))
                XCTAssertTrue(body.contains("市桥派出所,德兴社区,入室盗窃,3,2,+50.0%,2,+50.0%,1,1"), body)  // a signed number keeps its text
                XCTAssertTrue(body.contains("全区,合计,可防性案件合计,4,2"))
            }
            try await app.call(.GET, "/analysis?month=2026-03&sub=burglary", headers: f.bearer("chief")) { res in
                XCTAssertEqual(res.status, .ok)
                XCTAssertTrue(res.body.string.contains("德兴社区"))
                XCTAssertFalse(res.body.string.contains("沙头社区"))
            }
            try await app.call(.GET, "/analysis?month=nope", headers: f.bearer("chief")) { res in
                XCTAssertEqual(res.status, .unprocessableEntity)
                XCTAssertTrue(res.body.string.contains("月份格式应为"))
            }
        }
    }

    struct Outcome: Decodable { var created: Int; var existing: Int }
    struct Page: Decodable { var items: [AlertDTO]; var page: PageInfo }
    struct Detail: Decodable { var alert: AlertDTO; var events: [AlertEventDTO] }

    func testRecomputeRaisesAlertsOnceScopedAndHandledWithATrail() async throws {
        try await withApp { app, f in
            // One burglary a month in c1 from 2025-01, then 12 in March 2026.
            var m = YearMonth(year: 2025, month: 1)
            while m < YearMonth(year: 2026, month: 3) { try await insertIncident(app, f, community: f.c1, occurred: d(m.year, m.month, 15)); m = m.next }
            for k in 0..<12 { try await insertIncident(app, f, community: f.c1, occurred: d(2026, 3, 3 + k % 3, 9 + k)) }
            try await insertIncident(app, f, community: f.c3, occurred: d(2026, 3, 4))

            var first = 0
            try await app.call(.POST, "/api/v1/alerts/recompute?month=2026-03&week=2026-03-02", headers: f.bearer("admin")) { res in
                XCTAssertEqual(res.status, .ok, res.body.string)
                let o = try res.content.decode(Outcome.self)
                XCTAssertGreaterThan(o.created, 0); XCTAssertEqual(o.existing, 0)
                first = o.created
            }
            try await app.call(.POST, "/api/v1/alerts/recompute?month=2026-03&week=2026-03-02", headers: f.bearer("admin")) { res in
                let o = try res.content.decode(Outcome.self)
                XCTAssertEqual(o.created, 0, "recomputing the same periods creates no duplicates")
                XCTAssertEqual(o.existing, first)
            }
            let stored = try await WarningAlertRecord.query(on: app.db).count()
            XCTAssertEqual(stored, first)
            let poisson = try await WarningAlertRecord.query(on: app.db).filter(\.$unitKind == .community).filter(\.$unitID == f.c1)
                .filter(\.$period == .month).filter(\.$rule == "poisson").first()
            XCTAssertEqual(poisson?.periodLabel, "2026-03")
            XCTAssertEqual(poisson?.observed, 12)
            XCTAssertEqual(poisson?.baseline ?? 0, 1, accuracy: 1e-9, "same month last year had 1")
            let station = try await WarningAlertRecord.query(on: app.db).filter(\.$unitKind == .station).filter(\.$unitID == f.stationA).filter(\.$period == .month).count()
            XCTAssertGreaterThan(station, 0, "station A's total rose too")
            let c3Alerts = try await WarningAlertRecord.query(on: app.db).filter(\.$communityID == f.c3).count()
            XCTAssertEqual(c3Alerts, 0, "one case does not cry wolf")

            // Scope: c3's officer sees none of them; c1's alert is "not found" for him.
            try await app.call(.GET, "/api/v1/alerts", headers: f.bearer("officer3")) { res in
                XCTAssertEqual(try res.content.decode(Page.self).page.total, 0)
            }
            try await app.call(.GET, "/api/v1/alerts/\(poisson!.id!)", headers: f.bearer("officer3")) { res in XCTAssertEqual(res.status, .notFound) }
            try await app.call(.GET, "/api/v1/alerts?unit=station", headers: f.bearer("chief")) { res in
                XCTAssertGreaterThan(try res.content.decode(Page.self).page.total, 0)
            }
            try await app.call(.GET, "/api/v1/alerts?status=maybe", headers: f.bearer("chief")) { res in XCTAssertEqual(res.status, .unprocessableEntity) }

            // Handling: bad input is refused field by field; assigning needs someone who can see it.
            let path = "/api/v1/alerts/\(poisson!.id!)/actions"
            try await postJSON(app, path, #"{"action":"close"}"#, as: f.bearer("officer")) { res in
                XCTAssertEqual(res.status, .unprocessableEntity)
                XCTAssertEqual(try res.content.decode(ErrorBody.self).fields?.keys.sorted(), ["note"])
            }
            try await postJSON(app, path, #"{"action":"teleport"}"#, as: f.bearer("officer")) { res in XCTAssertEqual(res.status, .unprocessableEntity) }
            try await postJSON(app, path, #"{"action":"assign","assigneeID":\#(f.users["officer3"]!)}"#, as: f.bearer("officer")) { res in
                XCTAssertEqual(res.status, .unprocessableEntity)
                XCTAssertEqual(try res.content.decode(ErrorBody.self).fields?.keys.sorted(), ["assigneeID"])
            }
            try await postJSON(app, path, #"{"action":"assign","assigneeID":\#(f.users["chief"]!),"note":"请所长跟进"}"#, as: f.bearer("officer")) { res in
                XCTAssertEqual(res.status, .ok, res.body.string)
                let dt = try res.content.decode(Detail.self)
                XCTAssertEqual(dt.alert.status, .acknowledged)
                XCTAssertEqual(dt.alert.assigneeID, f.users["chief"])
                XCTAssertEqual(dt.events.map(\.action), ["created", "assign"])
            }
            try await postJSON(app, path, #"{"action":"close","note":"已加强巡逻"}"#, as: f.bearer("analyst")) { res in XCTAssertEqual(res.status, .forbidden) }
            try await postJSON(app, path, #"{"action":"close","note":"已加强巡逻"}"#, as: f.bearer("chief")) { res in
                XCTAssertEqual(try res.content.decode(Detail.self).alert.status, .closed)
            }
            let audits = try await AuditEvent.query(on: app.db).filter(\.$action ~~ ["alert.assign", "alert.close", "alert.recompute"]).count()
            XCTAssertEqual(audits, 4)
            try await app.call(.GET, "/api/v1/alerts?mine=1", headers: f.bearer("chief")) { res in
                XCTAssertEqual(try res.content.decode(Page.self).items.map(\.id), [poisson!.id!])
            }

            // The station chief's dashboard carries the open alerts as a notice; c3's officer's does not. Only current alerts are
            // news (issue 21): March's are moved to this month for the check.
            for a in try await WarningAlertRecord.query(on: app.db).all() { a.periodStart = Date(); try await a.save(on: app.db) }
            try await app.call(.GET, "/", headers: f.bearer("chief")) { res in XCTAssertTrue(res.body.string.contains("预警通报：")) }
            try await app.call(.GET, "/", headers: f.bearer("officer3")) { res in XCTAssertFalse(res.body.string.contains("预警通报：")) }
            // The page form: a closed alert has no action form; a bad action re-renders with the message.
            let other = try await WarningAlertRecord.query(on: app.db).filter(\.$status == .open).filter(\.$communityID == f.c1).first()!
            let s = try await signIn(app, "officer")
            try await app.call(.POST, "/alerts/\(other.id!)/action", beforeRequest: { req in
                req.headers.cookie = s.cookies
                try req.content.encode(["_csrf": s.csrf, "action": "close", "note": ""], as: .urlEncodedForm)
            }, afterResponse: { res in
                XCTAssertEqual(res.status, .unprocessableEntity)
                XCTAssertTrue(res.body.string.contains("办结须写明处置情况"))
            })
        }
    }

    struct Report: Decodable {
        var incidents: Int; var preventable: PreventableFigures; var trend: [AnalysisReportDTO.MonthCount]; var hourWeekday: [Int]
        var risingMonthOnMonth: [RisingUnit]; var narrativeZh: String; var narrativeEn: String; var clearanceRate: Double?
    }

    func testAnalysisReportFiguresChartAndScope() async throws {
        try await withApp { app, f in
            for k in 0..<6 { try await insertIncident(app, f, community: f.c1, occurred: d(2026, 3, 2 + k, 20), filed: k < 4 ? d(2026, 3, 10) : nil, solved: k < 2 ? d(2026, 3, 12) : nil) }
            try await insertIncident(app, f, community: f.c1, occurred: d(2026, 2, 2))
            try await insertIncident(app, f, community: f.c2, subcategory: "assault", occurred: d(2026, 3, 2))
            try await app.call(.GET, "/api/v1/analysis/report?month=2026-03", headers: f.bearer("admin")) { res in
                XCTAssertEqual(res.status, .ok, res.body.string)
                let r = try res.content.decode(Report.self)
                XCTAssertEqual(r.incidents, 7)
                XCTAssertEqual(r.preventable.current, 6)
                XCTAssertEqual(r.trend.count, 12)
                XCTAssertEqual(r.trend.last?.all, 7); XCTAssertEqual(r.trend[10].all, 1)
                XCTAssertEqual(r.hourWeekday.reduce(0, +), 6)
                XCTAssertEqual(r.hourWeekday[0 * 24 + 20], 1, "2026-03-02 20:00 is a Monday")
                XCTAssertEqual(r.clearanceRate ?? 0, 0.5, accuracy: 1e-9)
                XCTAssertEqual(r.risingMonthOnMonth.first?.name, "德兴社区")
                XCTAssertTrue(r.narrativeZh.hasPrefix("2026年3月，番禺区共接报警情7起"), r.narrativeZh)
                XCTAssertTrue(r.narrativeZh.contains("德兴社区（1→6起，+500.0%）"), r.narrativeZh)
                XCTAssertTrue(r.narrativeEn.contains("clearance 50.0%"), r.narrativeEn)
            }
            try await app.call(.GET, "/analysis/report?month=2026-03&station=\(f.stationB)", headers: f.bearer("chief")) { res in XCTAssertEqual(res.status, .notFound) }
            try await app.call(.GET, "/analysis/report?month=2026-03&lang=en", headers: f.bearer("chief")) { res in
                XCTAssertEqual(res.status, .ok)
                let body = res.body.string
                XCTAssertTrue(body.contains("<svg class=\"chart\""))
                XCTAssertTrue(body.contains("Incident analysis report"))
            }
        }
    }
}
