import Fluent
import SQLKit
import XCTVapor
import PinganKit
@testable import PinganServer

/// Issue 25, seed 003: the ladder's ties and rises from 0, and safety-perception targets by year, through the server.
final class SeedRulesAssessmentTests: XCTestCase {
    private func call<T: Decodable>(_ app: Application, _ method: HTTPMethod, _ path: String, as headers: HTTPHeaders, body: [String: String]? = nil,
                                    _ type: T.Type, status: HTTPStatus = .ok) async throws -> T? {
        var out: T? = nil
        try await app.call(method, path, headers: headers, beforeRequest: { req in if let body { try req.content.encode(body) } }) { res in
            XCTAssertEqual(res.status, status, "\(path): \(res.body.string)")
            if res.status == status, status.code < 300 { out = try res.content.decode(T.self) }
        }
        return out
    }

    private func page(_ app: Application, _ path: String, _ headers: HTTPHeaders) async throws -> String {
        var body = ""
        try await app.call(.GET, path, headers: headers) { res in XCTAssertEqual(res.status, .ok, path); body = res.body.string }
        return body
    }

    /// Creates `n` preventable incidents in the area on the 15th of `month`.
    private func incidents(_ app: Application, _ f: Fixture, _ n: Int, community: Int, grid: Int?, month: YearMonth) async throws {
        let when = LocalCalendar(timeZoneIdentifier: "Asia/Shanghai").date(year: month.year, month: month.month, day: 15, hour: 12)
        for _ in 0..<n {
            let id = try await createIncident(app, f, community: community, grid: grid)
            try await (app.db as! any SQLDatabase).update("incidents").set("occurred_at", to: SQLBind(when)).where("id", .equal, id).run()
        }
    }

    /// 「在一个月内重点案件上升幅度在前三名的包片干部给予通报」: everyone tied on the third-largest rise is named, and a rise
    /// from 0 (no percentage) ranks after the percentage rises and reads "from 0".
    func testLadderNamesEveryCadreTiedAtThirdAndRanksARiseFromZeroLast() async throws {
        try await withApp { app, f in
            let g3b = Division(code: "440113008601002", name: "第2网格", level: .grid, parentID: f.c3)
            g3b.communityID = f.c3
            try await g3b.create(on: app.db)
            let a = try await makeCadre(app, name: "甲", community: f.c1, grid: f.g1a)
            let b = try await makeCadre(app, name: "乙", community: f.c1, grid: f.g1b)
            let c = try await makeCadre(app, name: "丙", community: f.c2, grid: f.g2)
            let d = try await makeCadre(app, name: "丁", community: f.c3, grid: f.g3)
            let e = try await makeCadre(app, name: "戊", community: f.c3, grid: g3b.id!)
            let dec = YearMonth(year: 2025, month: 12), jan = YearMonth(year: 2026, month: 1)
            // 甲 1→4 (+300%), 乙 1→3 (+200%), 丙 2→4 (+100%), 丁 1→2 (+100%), 戊 0→1 (from 0).
            for (area, counts) in [((f.c1, f.g1a), (1, 4)), ((f.c1, f.g1b), (1, 3)), ((f.c2, f.g2), (2, 4)), ((f.c3, f.g3), (1, 2)), ((f.c3, g3b.id!), (0, 1))] {
                try await incidents(app, f, counts.0, community: area.0, grid: area.1, month: dec)
                try await incidents(app, f, counts.1, community: area.0, grid: area.1, month: jan)
            }
            var rules = AssessmentRules(); rules.compare = .previousMonth
            try await app.call(.PUT, "/api/v1/assessment/rules", headers: f.bearer("command"), beforeRequest: { try $0.content.encode(rules) }) { XCTAssertEqual($0.status, .ok) }
            _ = try await call(app, .POST, "/api/v1/assessment/run", as: f.bearer("command"), body: ["month": "2026-01"], AssessmentRun.Outcome.self)

            let r = try await call(app, .GET, "/api/v1/assessment/ladder?month=2026-01", as: f.bearer("admin"), LadderReport.self)!
            XCTAssertEqual(r.rows.map(\.name), ["甲", "乙", "丙", "丁", "戊"])
            XCTAssertEqual(r.rows.map(\.riseRank), [1, 2, 3, 3, 5])
            XCTAssertEqual(r.rows.filter(\.named).map(\.cadreID), [a, b, c, d], "both cadres tied at third are named; the rise from 0 is not")
            XCTAssertEqual(r.rows.first { $0.cadreID == d }!.reasonsZh.first, "重点案件上升幅度并列第3名，通报")
            XCTAssertFalse(r.rows.first { $0.cadreID == e }!.named)
            XCTAssertEqual(r.fromZero, .afterPercentages)

            let zh = try await page(app, "/assessment?month=2026-01", f.bearer("admin"))
            XCTAssertTrue(zh.contains("由0增至1"), "a rise from 0 reads “from 0”, not a percentage")
            XCTAssertTrue(zh.contains("并列第3名者一并通报"), "the rule is said on the page")
            let en = try await page(app, "/assessment?month=2026-01&lang=en", f.bearer("admin"))
            XCTAssertTrue(en.contains("from 0 to 1"))
            XCTAssertFalse(en.contains("由0增至1"))
            try await app.call(.GET, "/assessment/export.csv?month=2026-01&lang=zh", headers: f.bearer("admin")) { res in
                XCTAssertTrue(res.body.string.contains(",1,0,由0增至1,"), res.body.string)
            }

            // Configured out of the ranking: still the same named four.
            rules.ladder.fromZero = .notRanked
            try await app.call(.PUT, "/api/v1/assessment/rules", headers: f.bearer("command"), beforeRequest: { try $0.content.encode(rules) }) { XCTAssertEqual($0.status, .ok) }
            _ = try await call(app, .POST, "/api/v1/assessment/run", as: f.bearer("command"), body: ["month": "2026-01"], AssessmentRun.Outcome.self)
            let r2 = try await call(app, .GET, "/api/v1/assessment/ladder?month=2026-01", as: f.bearer("admin"), LadderReport.self)!
            XCTAssertNil(r2.rows.first { $0.cadreID == e }!.riseRank)
            let again = try await page(app, "/assessment?month=2026-01&lang=zh", f.bearer("admin"))
            XCTAssertTrue(again.contains("不参与排名"))
        }
    }

    /// 「在2012年的安全感测评中安全感达95%以上，2013年达到98%以上」: the target is the year's, and meeting it is the plain
    /// reading (share ≥ target); the interval's judgement is a second column.
    func testPerceptionTargetIsTheYearsAndMeetingItIsThePlainReading() async throws {
        try await withApp { app, f in
            for (community, period, n, k) in [(f.c1, "2012-06", 100, 95), (f.c2, "2012-06", 1000, 960), (f.c1, "2013-06", 400, 390)] {
                let body = ["communityID": "\(community)", "period": period, "respondents": "\(n)", "satisfied": "\(k)", "source": "第三方电话调查"]
                _ = try await call(app, .POST, "/api/v1/assessment/perception", as: f.bearer("admin"), body: body, IndexController.Created.self, status: .created)
            }
            let y12 = try await call(app, .GET, "/api/v1/assessment/perception?year=2012", as: f.bearer("admin"), [IndexService.PerceptionRow].self)!
            XCTAssertEqual(y12.count, 2)
            for row in y12 {
                XCTAssertEqual(row.target, 0.95, accuracy: 1e-12)
                XCTAssertTrue(row.meetsTarget, "\(row.satisfied)/\(row.respondents) meets 95 % (it read 无显著差别)")
                XCTAssertEqual(row.statistical, .indistinguishable)
            }
            let y13 = try await call(app, .GET, "/api/v1/assessment/perception?year=2013", as: f.bearer("admin"), [IndexService.PerceptionRow].self)!
            XCTAssertEqual(y13.first?.target ?? 0, 0.98, accuracy: 1e-12)
            XCTAssertEqual(y13.first?.meetsTarget, false, "97.5 % is below 98 % (it read 'cannot tell')")
            XCTAssertEqual(y13.first?.statistical, .indistinguishable)

            let p13 = try await page(app, "/assessment/perception?year=2013", f.bearer("admin"))
            XCTAssertTrue(p13.contains("2013 年目标：安全感 98.0% 以上"), "the 2013 page said 目标 95.0 %")
            XCTAssertTrue(p13.contains("未达标"))
            XCTAssertTrue(p13.contains("统计判断"))
            let p12 = try await page(app, "/assessment/perception?year=2012", f.bearer("admin"))
            XCTAssertTrue(p12.contains("2012 年目标：安全感 95.0% 以上"))
            XCTAssertTrue(p12.contains("达标") && !p12.contains("未达标"))
            let p26 = try await page(app, "/assessment/perception?year=2026", f.bearer("admin"))
            XCTAssertTrue(p26.contains("（沿用 2013 年目标）"))

            // The year summary: station A in 2013 is 390/400 = 97.5 % against 98 %.
            let ys = try await call(app, .GET, "/api/v1/assessment/year?year=2013", as: f.bearer("admin"), YearSummaryReport.self)!
            let a = ys.rows.first { $0.stationID == "\(f.stationA)" }!
            XCTAssertEqual(a.perceptionTarget, 0.98, accuracy: 1e-12)
            XCTAssertEqual(a.meetsTarget, false)
            XCTAssertEqual(a.perceptionStatistical, .indistinguishable)

            // A district's own table: 2026 at 97 %.
            var rules = AssessmentRules(); rules.perceptionTargets = PerceptionTargets([2012: 0.95, 2013: 0.98, 2026: 0.97])
            try await app.call(.PUT, "/api/v1/assessment/rules", headers: f.bearer("command"), beforeRequest: { try $0.content.encode(rules) }) { XCTAssertEqual($0.status, .ok) }
            let own = try await page(app, "/assessment/perception?year=2026", f.bearer("admin"))
            XCTAssertTrue(own.contains("2026 年目标：安全感 97.0% 以上"))
            let rulesPage = try await page(app, "/assessment/rules", f.bearer("admin"))
            XCTAssertTrue(rulesPage.contains("2012:95, 2013:98, 2026:97"))
        }
    }

    /// Rules stored before issue 25 (one `perceptionTarget`) still load: the old default becomes the seed's table.
    func testOlderStoredPerceptionTargetLoads() throws {
        let old = try JSONDecoder().decode(AssessmentRules.self, from: Data(#"{"perceptionTarget":0.95,"compare":"previous_month"}"#.utf8))
        XCTAssertEqual(old.perceptionTargets, .seed003)
        XCTAssertEqual(old.compare, .previousMonth)
        let custom = try JSONDecoder().decode(AssessmentRules.self, from: Data(#"{"perceptionTarget":0.9}"#.utf8))
        XCTAssertEqual(custom.perceptionTarget(year: 2013), 0.9)
        XCTAssertEqual(custom.perceptionTarget(year: 2026), 0.9)
    }
}
