import Fluent
import SQLKit
import XCTVapor
import PinganKit
@testable import PinganServer

/// A cadre written directly (the route walk needs one in and one out of scope).
func makeCadre(_ app: Application, name: String = "张包片", community: Int, grid: Int? = nil) async throws -> Int {
    let c = Cadre()
    c.name = name; c.post = "社区副主任"; c.communityID = community; c.gridID = grid; c.active = true
    try await c.create(on: app.db)
    return c.id!
}

/// Creates `n` preventable incidents in the area and moves them to the 15th of `month` (local noon).
private func incidents(_ app: Application, _ f: Fixture, _ n: Int, community: Int, grid: Int?, month: YearMonth) async throws {
    let cal = LocalCalendar(timeZoneIdentifier: app.pinganConfigTimeZone)
    let when = cal.date(year: month.year, month: month.month, day: 15, hour: 12)
    for _ in 0..<n {
        let id = try await createIncident(app, f, community: community, grid: grid)
        try await (app.db as! any SQLDatabase).update("incidents").set("occurred_at", to: SQLBind(when)).where("id", .equal, id).run()
    }
}

extension Application {
    var pinganConfigTimeZone: String { "Asia/Shanghai" }
}

private func json<T: Decodable>(_ app: Application, _ method: HTTPMethod, _ path: String, as headers: HTTPHeaders, body: [String: String]? = nil,
                                _ type: T.Type, status: HTTPStatus = .ok) async throws -> T? {
    var out: T? = nil
    try await app.call(method, path, headers: headers, beforeRequest: { req in if let body { try req.content.encode(body) } }) { res in
        XCTAssertEqual(res.status, status, "\(path): \(res.body.string)")
        if res.status == status, status.code < 300 { out = try res.content.decode(T.self) }
    }
    return out
}

final class AssessmentServerTests: XCTestCase {
    func testMonthlyLadderNamesRisersEscalatesAndPaysRewards() async throws {
        try await withApp { app, f in
            let a = try await makeCadre(app, name: "甲", community: f.c1, grid: f.g1a)
            let b = try await makeCadre(app, name: "乙", community: f.c1, grid: f.g1b)
            let c = try await makeCadre(app, name: "丙", community: f.c2)
            let d = try await makeCadre(app, name: "丁", community: f.c3, grid: f.g3)
            let dec = YearMonth(year: 2025, month: 12), jan = YearMonth(year: 2026, month: 1), feb = YearMonth(year: 2026, month: 2)
            for (area, counts) in [((f.c1, Optional(f.g1a)), [1, 3, 6]), ((f.c1, Optional(f.g1b)), [1, 2, 2]), ((f.c2, Optional(f.g2)), [1, 2, 2]), ((f.c3, Optional(f.g3)), [1, 0, 0])] {
                for (m, n) in zip([dec, jan, feb], counts) { try await incidents(app, f, n, community: area.0, grid: area.1, month: m) }
            }
            // Month on month (the fixture's ledger has no last year); the seed's tiers and ladder.
            var rules = AssessmentRules(); rules.compare = .previousMonth
            try await app.call(.PUT, "/api/v1/assessment/rules", headers: f.bearer("command"), beforeRequest: { try $0.content.encode(rules) }) { res in
                XCTAssertEqual(res.status, .ok, res.body.string)
            }
            // 四查 for 丁 in January: records complete and watch arranged → 300, plus −100% → 300.
            let check: [String: String] = ["cadreID": "\(d)", "month": "2026-01", "inspectedOn": "2026-01-20", "scorePlans": "25", "scoreStreet": "20",
                                           "scoreCompounds": "22", "scoreAccountability": "25", "recordsComplete": "1", "watchArranged": "1", "evidence": "查阅巡逻方案和记录，走访商铺8家"]
            _ = try await json(app, .POST, "/api/v1/assessment/checks", as: f.bearer("officer3"), body: check, AssessmentAPIController.CheckDTO.self, status: .created)
            // Officer of c1 cannot score 丁 (out of scope: the same message as missing).
            _ = try await json(app, .POST, "/api/v1/assessment/checks", as: f.bearer("officer"), body: check, ErrorBody.self, status: .unprocessableEntity)

            // Running February computes January first (never run), then February.
            let o = try await json(app, .POST, "/api/v1/assessment/run", as: f.bearer("command"), body: ["month": "2026-02"], AssessmentRun.Outcome.self)!
            XCTAssertEqual(o.months, ["2026-01", "2026-02"])
            XCTAssertEqual(o.cadres, 4)

            let j = try await json(app, .GET, "/api/v1/assessment/ladder?month=2026-01", as: f.bearer("admin"), LadderReport.self)!
            XCTAssertEqual(j.rows.map(\.name), ["甲", "乙", "丙", "丁"], "largest rise first; ties by cadre id")
            XCTAssertEqual(j.rows.filter(\.named).map(\.cadreID), [a, b, c])
            XCTAssertEqual(j.rows[0].change, "+200.0%")
            let dJan = j.rows.first { $0.cadreID == d }!
            XCTAssertEqual(dJan.change, "-100.0%")
            XCTAssertEqual(dJan.rewardRecords, 300)
            XCTAssertEqual(dJan.rewardDecrease, 300)
            XCTAssertEqual(j.payoutTotal, 600)

            let fb = try await json(app, .GET, "/api/v1/assessment/ladder?month=2026-02", as: f.bearer("admin"), LadderReport.self)!
            let aFeb = fb.rows.first { $0.cadreID == a }!
            XCTAssertEqual(aFeb.level, .rectification)
            XCTAssertEqual(aFeb.rectificationUntil, "2026-04")
            XCTAssertEqual(aFeb.reasonsZh.last, "连续2个月上升幅度排前三名，限期整改")
            XCTAssertEqual(fb.rows.first { $0.cadreID == b }!.level, .normal)
            XCTAssertEqual(fb.payoutTotal, 0)

            // History of the cadre, both months; scoping: the chief sees station A's three, officer3 not 甲.
            let hist = try await json(app, .GET, "/api/v1/cadres/\(a)", as: f.bearer("chief"), AssessmentAPIController.CadreDTO.self)!
            XCTAssertEqual(hist.history?.map(\.month), ["2026-02", "2026-01"])
            XCTAssertEqual(hist.level, .rectification)
            let chief = try await json(app, .GET, "/api/v1/assessment/ladder?month=2026-01", as: f.bearer("chief"), LadderReport.self)!
            XCTAssertEqual(Set(chief.rows.map(\.cadreID)), [a, b, c])
            _ = try await json(app, .GET, "/api/v1/cadres/\(a)", as: f.bearer("officer3"), ErrorBody.self, status: .notFound)

            // Re-running January recomputes February too (it depends on January) and stays the same.
            let again = try await json(app, .POST, "/api/v1/assessment/run", as: f.bearer("admin"), body: ["month": "2026-01"], AssessmentRun.Outcome.self)!
            XCTAssertEqual(again.months, ["2026-01", "2026-02"])
            let nCadreMonth = try await CadreMonth.query(on: app.db).count()
            XCTAssertEqual(nCadreMonth, 8)

            // Payout list and CSV (BOM, names, the total line); pages render.
            let pay = try await json(app, .GET, "/api/v1/assessment/payouts?month=2026-01", as: f.bearer("admin"), AssessmentAPIController.Payouts.self)!
            XCTAssertEqual(pay.rows.map(\.name), ["丁"])
            try await app.call(.GET, "/assessment/payouts.csv?month=2026-01", headers: f.bearer("admin")) { res in
                XCTAssertEqual(res.status, .ok)
                let text = res.body.string
                XCTAssertTrue(text.hasPrefix("\u{FEFF}"))
                XCTAssertTrue(text.contains("丁"))
                XCTAssertTrue(text.contains("合计"))
                XCTAssertTrue(text.contains("600"))
            }
            for path in ["/assessment?month=2026-02", "/assessment/payouts?month=2026-01", "/assessment/cadres", "/assessment/cadres/\(a)",
                         "/assessment/checks?month=2026-01", "/assessment/rules", "/assessment/export.csv?month=2026-02"] {
                try await app.call(.GET, path, headers: f.bearer("admin")) { res in XCTAssertEqual(res.status, .ok, path) }
            }
            try await app.call(.GET, "/assessment?month=2026-02", headers: f.bearer("admin")) { res in
                XCTAssertTrue(res.body.string.contains("限期整改"))
            }
            // Every manual score and run is audited.
            let actions = try await AuditEvent.query(on: app.db).all().map(\.action)
            XCTAssertTrue(actions.contains("fourcheck.create"))
            XCTAssertTrue(actions.contains("assessment.run"))
            XCTAssertTrue(actions.contains("assessment.rules"))
        }
    }

    func testValidationAnswers422WithFieldsAndWritesNothing() async throws {
        try await withApp { app, f in
            let a = try await makeCadre(app, community: f.c1)
            var fields: [String: String] = [:]
            try await app.call(.POST, "/api/v1/assessment/checks", headers: f.bearer("admin"), beforeRequest: { req in
                try req.content.encode(["cadreID": "\(a)", "month": "2026-13", "scorePlans": "26", "scoreStreet": "x", "scoreCompounds": "3", "evidence": ""])
            }) { res in
                XCTAssertEqual(res.status, .unprocessableEntity)
                fields = try res.content.decode(ErrorBody.self).fields ?? [:]
            }
            XCTAssertEqual(Set(fields.keys), ["month", "scorePlans", "scoreStreet", "scoreAccountability", "evidence"])
            let nFourCheck = try await FourCheck.query(on: app.db).count()
            XCTAssertEqual(nFourCheck, 0)

            _ = try await json(app, .POST, "/api/v1/assessment/run", as: f.bearer("admin"), body: ["month": "March"], ErrorBody.self, status: .unprocessableEntity)
            _ = try await json(app, .POST, "/api/v1/assessment/run", as: f.bearer("admin"), body: ["month": "2099-01"], ErrorBody.self, status: .unprocessableEntity)
            _ = try await json(app, .POST, "/api/v1/cadres", as: f.bearer("admin"), body: ["name": "", "communityID": "\(f.g1a)"], ErrorBody.self, status: .unprocessableEntity)
            // Ladder rules: yellow must come after rectification.
            try await app.call(.PUT, "/api/v1/assessment/rules", headers: f.bearer("admin"), beforeRequest: { req in
                try req.content.encode(AssessmentRules(ladder: LadderRules(rectificationAfter: 3, yellowAfter: 2)))
            }) { res in
                XCTAssertEqual(res.status, .unprocessableEntity)
                XCTAssertNotNil(try res.content.decode(ErrorBody.self).fields?["ladder.yellowAfter"])
            }
            let nAssessmentSetting = try await AssessmentSetting.query(on: app.db).count()
            XCTAssertEqual(nAssessmentSetting, 0)

            // The web form keeps what was typed and marks the field.
            let s = try await signIn(app, "admin")
            try await app.call(.POST, "/assessment/rules", beforeRequest: { req in
                req.headers.cookie = s.cookies
                try req.content.encode(["_csrf": s.csrf, "namedCount": "0", "rectificationAfter": "2", "yellowAfter": "3", "rectificationMonths": "2",
                                        "resetEachYear": "1", "recordsAndWatchAmount": "300", "decreaseTiers": "30:150, x", "compare": "previous_month"], as: .urlEncodedForm)
            }) { res in
                XCTAssertEqual(res.status, .unprocessableEntity)
                XCTAssertTrue(res.body.string.contains("field-error"))
                XCTAssertTrue(res.body.string.contains("30:150, x"))
            }
        }
    }
}

extension AssessmentRules {
    init(ladder: LadderRules) { self.init(); self.ladder = ladder }
}

final class SafetyIndexServerTests: XCTestCase {
    func testIndexIsDistrictWideNarrowedToScopeWithPerception() async throws {
        try await withApp { app, f in
            for (id, pop) in [(f.c1, 8000), (f.c2, 5000), (f.c3, 3000)] {
                let d = try await Division.find(id, on: app.db)!
                d.residentPopulation = pop
                try await d.save(on: app.db)
            }
            for _ in 0..<3 { try await createIncident(app, f, community: f.c1, grid: f.g1a) }
            try await createIncident(app, f, community: f.c3, grid: f.g3)
            let cal = LocalCalendar(timeZoneIdentifier: "Asia/Shanghai")
            let month = cal.yearMonth(of: Date())
            // Perception: 95 of 100 in c1 entered by its officer; c3 is out of the officer's scope.
            let body = ["communityID": "\(f.c1)", "period": "\(month)", "respondents": "100", "satisfied": "95", "source": "第三方电话调查"]
            _ = try await json(app, .POST, "/api/v1/assessment/perception", as: f.bearer("officer"), body: body, IndexController.Created.self, status: .created)
            var bad = body; bad["satisfied"] = "101"
            _ = try await json(app, .POST, "/api/v1/assessment/perception", as: f.bearer("officer"), body: bad, ErrorBody.self, status: .unprocessableEntity)
            var other = body; other["communityID"] = "\(f.c3)"
            _ = try await json(app, .POST, "/api/v1/assessment/perception", as: f.bearer("officer"), body: other, ErrorBody.self, status: .unprocessableEntity)
            _ = try await json(app, .POST, "/api/v1/assessment/perception", as: f.bearer("officer"), body: body, ErrorBody.self, status: .unprocessableEntity)  // duplicate

            var portal = body; portal["source"] = "网上测评"
            _ = try await json(app, .POST, "/api/v1/assessment/perception", as: f.bearer("officer"), body: portal, ErrorBody.self, status: .unprocessableEntity)
            // The portal's own answers count as well: 10 residents of c1 answer, 8 feel safe.
            for i in 0..<10 {
                let r = PerceptionResponse()
                r.communityID = f.c1; r.period = PerceptionPeriod.quarter(year: month.year, month: month.month); r.respondentKey = "k\(i)"
                r.answer = i < 8 ? .safe : .unsafe; r.feelsSafe = i < 8; r.createdAt = Date()
                try await r.create(on: app.db)
            }

            let all = try await json(app, .GET, "/api/v1/assessment/index?month=\(month)&months=1", as: f.bearer("admin"), IndexPage.self)!
            XCTAssertEqual(all.report.units.count, 3)
            let c1 = all.report.units.first { $0.id == "\(f.c1)" }!
            XCTAssertEqual(c1.respondents, 110, "100 from the phone survey + 10 portal answers")
            XCTAssertEqual(c1.perception!, 103.0 / 110.0, accuracy: 1e-9)
            XCTAssertEqual(c1.observed, 9, accuracy: 1e-9, "three burglaries × harm weight 3")
            // The chief sees the same figures for station A's communities only.
            let chief = try await json(app, .GET, "/api/v1/assessment/index?month=\(month)&months=1", as: f.bearer("chief"), IndexPage.self)!
            XCTAssertEqual(Set(chief.report.units.map(\.id)), ["\(f.c1)", "\(f.c2)"])
            XCTAssertEqual(chief.report.units.first { $0.id == "\(f.c1)" }!.composite, c1.composite, accuracy: 1e-9)
            let stations = try await json(app, .GET, "/api/v1/assessment/index?level=station&months=1&month=\(month)", as: f.bearer("chief"), IndexPage.self)!
            XCTAssertEqual(stations.report.units.map(\.id), ["\(f.stationA)"])
            let officer = try await json(app, .GET, "/api/v1/assessment/index?level=station&months=1&month=\(month)", as: f.bearer("officer"), IndexPage.self)!
            XCTAssertTrue(officer.report.units.isEmpty, "a station's totals would reveal communities outside the officer's scope")
            _ = try await json(app, .GET, "/api/v1/assessment/index?level=street", as: f.bearer("admin"), ErrorBody.self, status: .unprocessableEntity)

            for path in ["/assessment/index?months=1&month=\(month)", "/assessment/index?level=station", "/assessment/perception", "/assessment/index.csv"] {
                try await app.call(.GET, path, headers: f.bearer("admin")) { res in XCTAssertEqual(res.status, .ok, path) }
            }
            try await app.call(.GET, "/assessment/index?months=1&month=\(month)", headers: f.bearer("admin")) { res in
                XCTAssertTrue(res.body.string.contains("<svg"), "the funnel plot sits next to the table")
            }
            // Monthly station publication: ranks district-wide, published whole; the chief's station is marked.
            let pub = try await json(app, .GET, "/api/v1/assessment/publication?month=\(month)", as: f.bearer("admin"), Publication.self)!
            XCTAssertEqual(pub.rows.count, 2)
            XCTAssertEqual(pub.rows.first { $0.stationID == "\(f.stationA)" }?.cases, 3)
            let pubChief = try await json(app, .GET, "/api/v1/assessment/publication?month=\(month)", as: f.bearer("chief"), Publication.self)!
            XCTAssertEqual(pubChief.rows.filter(\.own).map(\.stationID), ["\(f.stationA)"])
            XCTAssertEqual(pubChief.rows.count, 2, "the whole ranking is published")
            XCTAssertEqual(pubChief.rows.first(where: \.own)?.rank, pub.rows.first { $0.stationID == "\(f.stationA)" }!.rank)
            for path in ["/assessment/publication?month=\(month)", "/assessment/publication.csv?month=\(month)"] {
                try await app.call(.GET, path, headers: f.bearer("chief")) { res in XCTAssertEqual(res.status, .ok, path) }
            }
            let pr = try await json(app, .GET, "/api/v1/assessment/perception?year=\(month.year)", as: f.bearer("officer"), [IndexService.PerceptionRow].self)!
            XCTAssertEqual(pr.count, 1)
            // The year's target (98 %, 2013's carried forward) read plainly: 95/100 is below it; the interval says so too.
            XCTAssertEqual(pr[0].target, PerceptionTargets.seed003.target(for: month.year), accuracy: 1e-12)
            XCTAssertEqual(pr[0].meetsTarget, false)
            XCTAssertEqual(pr[0].statistical, .below)
        }
    }
}

final class DualAssessmentServerTests: XCTestCase {
    func testStationAndGovernanceScoresCombineAndOfficersScoreGridWorkers() async throws {
        try await withApp { app, f in
            let officer = f.users["officer"]!, grid = f.users["grid"]!, officer3 = f.users["officer3"]!
            func score(_ as: String, _ subject: Int, _ kind: String?, _ s: String, status: HTTPStatus) async throws {
                var body = ["subjectID": "\(subject)", "month": "2026-09", "score": s, "note": "按月考核"]
                if let kind { body["kind"] = kind }
                try await app.call(.POST, "/api/v1/assessment/dual", headers: f.bearer(`as`), beforeRequest: { try $0.content.encode(body) }) { res in
                    XCTAssertEqual(res.status, status, res.body.string)
                }
            }
            try await score("chief", officer, nil, "90", status: .created)           // station
            try await score("command", officer, nil, "80", status: .created)         // governance office
            try await score("chief", officer, nil, "70", status: .unprocessableEntity)  // once a month
            try await score("chief", officer3, nil, "70", status: .unprocessableEntity) // another station's officer: not in scope
            try await score("chief", officer, "governance", "70", status: .unprocessableEntity) // not the chief's kind
            try await score("officer", grid, nil, "101", status: .unprocessableEntity)
            try await score("officer", grid, nil, "85", status: .created)            // officer scores the grid worker
            try await score("officer", officer, nil, "85", status: .unprocessableEntity) // …but not officers
            try await score("grid", officer, nil, "85", status: .forbidden)

            var report: DualReport? = nil
            try await app.call(.GET, "/api/v1/assessment/dual?month=2026-09", headers: f.bearer("chief")) { res in
                XCTAssertEqual(res.status, .ok)
                report = try res.content.decode(DualReport.self)
            }
            let o = report!.officers.first { $0.userID == officer }!
            XCTAssertEqual(o.station, 90); XCTAssertEqual(o.governance, 80)
            XCTAssertEqual(o.combined!, 85, accuracy: 1e-9)
            XCTAssertFalse(report!.officers.contains { $0.userID == officer3 })
            XCTAssertEqual(report!.gridWorkers.first { $0.userID == grid }?.officer, 85)
            try await app.call(.GET, "/assessment/dual?month=2026-09", headers: f.bearer("officer")) { res in XCTAssertEqual(res.status, .ok) }
            let audited = try await AuditEvent.query(on: app.db).filter(\.$action == "personnel.score").count()
            XCTAssertEqual(audited, 3)
        }
    }
}

func makeLetter(_ app: Application, _ f: Fixture, community: Int) async throws -> Int {
    let l = ResponsibilityLetter()
    l.year = 2026; l.communityID = community; l.partyA = "街道综治委"; l.partyB = "社区居委会"; l.signedOn = "2026-01-10"
    l.itemsJSON = #"[{"text":"群众安全感达到95%","indicator":"perception","target":0.95}]"#; l.createdByID = f.users["admin"]!
    try await l.create(on: app.db)
    return l.id!
}

final class LetterServerTests: XCTestCase {
    func testLetterItemsReadTheYearsResults() async throws {
        try await withApp { app, f in
            let cal = LocalCalendar(timeZoneIdentifier: "Asia/Shanghai")
            let month = cal.yearMonth(of: Date())
            _ = try await json(app, .POST, "/api/v1/assessment/perception", as: f.bearer("admin"),
                               body: ["communityID": "\(f.c1)", "period": "\(month)", "respondents": "200", "satisfied": "198"], IndexController.Created.self, status: .created)
            let body = ["year": "\(month.year)", "communityID": "\(f.c1)", "partyA": "市桥街道综治委", "partyB": "德兴社区居委会", "signedOn": "\(month.year)-01-10",
                        "items": "perception 0.95 群众安全感达到95%\nclearance 0.8 破案率80%"]
            let d = try await json(app, .POST, "/api/v1/assessment/letters", as: f.bearer("command"), body: body, LetterDTO.self, status: .created)!
            XCTAssertEqual(d.results.count, 2)
            XCTAssertEqual(d.results[0].actual!, 0.99, accuracy: 1e-9)
            XCTAssertEqual(d.results[0].met, true)
            var bad = body; bad["items"] = "safety 2 x"; bad["partyA"] = ""
            var fields: [String: String] = [:]
            try await app.call(.POST, "/api/v1/assessment/letters", headers: f.bearer("command"), beforeRequest: { try $0.content.encode(bad) }) { res in
                XCTAssertEqual(res.status, .unprocessableEntity)
                fields = try res.content.decode(ErrorBody.self).fields ?? [:]
            }
            XCTAssertEqual(Set(fields.keys), ["items", "partyA"])
            _ = try await json(app, .GET, "/api/v1/assessment/letters/\(d.id)", as: f.bearer("officer3"), ErrorBody.self, status: .notFound)
            try await app.call(.GET, "/assessment/letters/\(d.id)", headers: f.bearer("officer")) { res in
                XCTAssertEqual(res.status, .ok)
                XCTAssertTrue(res.body.string.contains("完成"))
            }
        }
    }
}

final class AssessmentRulesFormTests: XCTestCase {
    func testRulesFormSetsIndexAndDualWeightsAndKeepsHarmWeights() async throws {
        try await withApp { app, f in
            var custom = AssessmentRules(); custom.harmWeights = HarmWeights(["robbery": 9])
            try await app.call(.PUT, "/api/v1/assessment/rules", headers: f.bearer("admin"), beforeRequest: { try $0.content.encode(custom) }) { XCTAssertEqual($0.status, .ok) }
            let s = try await signIn(app, "admin")
            try await app.call(.POST, "/assessment/rules", beforeRequest: { req in
                req.headers.cookie = s.cookies
                try req.content.encode(["_csrf": s.csrf, "namedCount": "3", "rectificationAfter": "2", "yellowAfter": "3", "rectificationMonths": "2",
                                        "resetEachYear": "1", "recordsAndWatchAmount": "300", "decreaseTiers": "30:150, 50:270, 100:300", "compare": "same_month_last_year",
                                        "weightCrime": "60", "weightClearance": "20", "weightPerception": "20", "perceptionTargets": "2012:95, 2013:98, 2026:97", "fromZero": "not_ranked",
                                        "dualStationWeight": "70"], as: .urlEncodedForm)
            }) { res in XCTAssertEqual(res.status, .seeOther, res.body.string) }
            let r = try await AssessmentRun.rules(app.db)
            XCTAssertEqual(r.indexWeights, IndexWeights(crime: 0.6, clearance: 0.2, perception: 0.2))
            XCTAssertEqual(r.perceptionTarget(year: 2013), 0.98, accuracy: 1e-12)
            XCTAssertEqual(r.perceptionTarget(year: 2025), 0.98, accuracy: 1e-12)
            XCTAssertEqual(r.perceptionTarget(year: 2026), 0.97, accuracy: 1e-12)
            XCTAssertEqual(r.ladder.fromZero, .notRanked)
            XCTAssertEqual(r.dualStationWeight, 0.7, accuracy: 1e-12)
            XCTAssertEqual(r.harmWeights, HarmWeights(["robbery": 9]), "settings the form does not show are kept")
        }
    }
}
