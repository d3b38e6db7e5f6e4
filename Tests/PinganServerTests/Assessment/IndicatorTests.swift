import Fluent
import SQLKit
import XCTVapor
import PinganKit
@testable import PinganServer

/// Sends `value` as JSON and decodes the answer when the status is the expected success.
private func send<T: Decodable, B: Encodable>(_ app: Application, _ method: HTTPMethod, _ path: String, as headers: HTTPHeaders, json value: B?,
                                              _ type: T.Type, status: HTTPStatus = .ok) async throws -> T? {
    var out: T? = nil
    try await app.call(method, path, headers: headers, beforeRequest: { req in if let value { try req.content.encode(value, as: .json) } }) { res in
        XCTAssertEqual(res.status, status, "\(path): \(res.body.string)")
        if res.status == status, status.code < 300 { out = try res.content.decode(T.self) }
    }
    return out
}

private func get<T: Decodable>(_ app: Application, _ path: String, as headers: HTTPHeaders, _ type: T.Type, status: HTTPStatus = .ok) async throws -> T? {
    try await send(app, .GET, path, as: headers, json: Optional<String>.none, type, status: status)
}

final class IndicatorServerTests: XCTestCase {
    func testFrameworkIsValidatedAuditedAndRoundTripsThroughAPIFormAndFile() async throws {
        try await withApp { app, f in
            let defaults = try await get(app, "/api/v1/assessment/indicators", as: f.bearer("chief"), IndicatorFramework.self)!
            XCTAssertEqual(defaults, .defaults, "a district that configured nothing gets seed 001's list")

            var mine = IndicatorFramework(indicators: [.init(.perception, target: 0.98, zero: 0.8, weight: 60), .init(.patrolsDone, target: 1, zero: 0.5, weight: 40)])
            _ = try await send(app, .PUT, "/api/v1/assessment/indicators", as: f.bearer("chief"), json: mine, ErrorBody.self, status: .forbidden)
            var bad = mine; bad.indicators[0].zero = 1.5
            let err = try await send(app, .PUT, "/api/v1/assessment/indicators", as: f.bearer("admin"), json: bad, ErrorBody.self, status: .unprocessableEntity)
            XCTAssertNil(err, "decoded only on success")
            try await app.call(.PUT, "/api/v1/assessment/indicators", headers: f.bearer("admin"), beforeRequest: { try $0.content.encode(bad, as: .json) }) { res in
                let body = try res.content.decode(ErrorBody.self)
                XCTAssertNotNil(body.fields?["indicators.0.zero"], res.body.string)
                XCTAssertNotNil(body.fields?["indicators.0.target"], "a share target above 1 is named too")
            }
            try await app.call(.PUT, "/api/v1/assessment/indicators", headers: f.bearer("admin"), beforeRequest: { req in
                req.headers.contentType = .json; req.body = ByteBuffer(string: "{\"indicators\": [")
            }) { res in
                XCTAssertEqual(res.status, .unprocessableEntity)
                XCTAssertNotNil(try res.content.decode(ErrorBody.self).fields?["body"])
            }
            var stored = try await AssessmentSetting.query(on: app.db).filter(\.$key == IndicatorService.settingsKey).count()
            XCTAssertEqual(stored, 0, "refused configurations store nothing")

            let saved = try await send(app, .PUT, "/api/v1/assessment/indicators", as: f.bearer("command"), json: mine, IndicatorFramework.self)!
            XCTAssertEqual(saved, mine)
            let v1 = try await get(app, "/api/v1/assessment/indicators", as: f.bearer("analyst"), IndicatorFramework.self)
            XCTAssertEqual(v1, mine)
            var audited = try await AuditEvent.query(on: app.db).filter(\.$action == "assessment.indicators").count()
            XCTAssertEqual(audited, 1)

            // The downloaded file is the configuration and can be uploaded again (here: to another district's taste).
            var file = ""
            try await app.call(.GET, "/assessment/indicators.json", headers: f.bearer("analyst")) { res in
                XCTAssertEqual(res.status, .ok)
                XCTAssertTrue(res.headers.first(name: .contentDisposition)?.contains("pingan-indicators.json") ?? false)
                file = res.body.string
            }
            XCTAssertEqual(try JSONDecoder().decode(IndicatorFramework.self, from: Data(file.utf8)), mine)
            let s = try await signIn(app, "admin")
            func upload(_ text: String) async throws -> (HTTPStatus, String) {
                let (ct, body) = multipart(["_csrf": s.csrf], file: ("indicators.json", "application/json", Array(text.utf8)))
                var out: (HTTPStatus, String) = (.ok, "")
                try await app.call(.POST, "/assessment/indicators/import", beforeRequest: { req in
                    req.headers.cookie = s.cookies; req.headers.contentType = ct; req.body = body
                }) { res in out = (res.status, res.body.string) }
                return out
            }
            let broken = try await upload(file.replacingOccurrences(of: "\"patrols_done\"", with: "\"perception\""))
            XCTAssertEqual(broken.0, .unprocessableEntity)
            XCTAssertTrue(broken.1.contains("field-error") && broken.1.contains("indicators.1.metric"), "the file's problem is named")
            let v2 = try await get(app, "/api/v1/assessment/indicators", as: f.bearer("admin"), IndicatorFramework.self)
            XCTAssertEqual(v2, mine, "a refused file changes nothing")
            mine.indicators[1].weight = 10
            let ok = try await upload(IndicatorService.encode(mine, pretty: true))
            XCTAssertEqual(ok.0, .seeOther)
            let v3 = try await get(app, "/api/v1/assessment/indicators", as: f.bearer("admin"), IndicatorFramework.self)
            XCTAssertEqual(v3, mine)

            // The web form: percent in, shares stored; a bad number is marked and kept.
            var form = ["_csrf": s.csrf, "hotGridShare": "25", "hotGridMonths": "6",
                        "i0_metric": "perception", "i0_enabled": "1", "i0_direction": "higher", "i0_target": "abc", "i0_zero": "85", "i0_weight": "70",
                        "i1_metric": "preventable_per_10k", "i1_enabled": "1", "i1_name": "<b>万人发案</b>", "i1_direction": "lower", "i1_target": "3", "i1_zero": "12", "i1_weight": "30"]
            try await app.call(.POST, "/assessment/indicators", beforeRequest: { req in
                req.headers.cookie = s.cookies; try req.content.encode(form, as: .urlEncodedForm)
            }) { res in
                XCTAssertEqual(res.status, .unprocessableEntity)
                XCTAssertTrue(res.body.string.contains("field-error"))
                XCTAssertTrue(res.body.string.contains("value=\"abc\""), "what was typed is kept")
                XCTAssertTrue(res.body.string.contains("&lt;b&gt;万人发案"), "escaped")
                XCTAssertFalse(res.body.string.contains("<b>万人发案"))
            }
            form["i0_target"] = "97.5%"
            try await app.call(.POST, "/assessment/indicators", beforeRequest: { req in
                req.headers.cookie = s.cookies; try req.content.encode(form, as: .urlEncodedForm)
            }) { res in XCTAssertEqual(res.status, .seeOther, res.body.string) }
            let fromForm = try await get(app, "/api/v1/assessment/indicators", as: f.bearer("admin"), IndicatorFramework.self)!
            XCTAssertEqual(fromForm.indicators.count, 2)
            XCTAssertEqual(fromForm.indicators[0].target, 0.975, accuracy: 1e-12)
            XCTAssertEqual(fromForm.indicators[0].zero, 0.85, accuracy: 1e-12)
            XCTAssertEqual(fromForm.indicators[1].target, 3, "per-10k figures are not percentages")
            XCTAssertEqual(fromForm.hotGridShare, 0.25, accuracy: 1e-12); XCTAssertEqual(fromForm.hotGridMonths, 6)
            try await app.call(.GET, "/assessment/indicators", headers: f.bearer("chief")) { res in
                XCTAssertEqual(res.status, .ok)
                XCTAssertTrue(res.body.string.contains("disabled"), "read-only for those who may not manage the assessment")
            }

            try await app.call(.POST, "/assessment/indicators/reset", beforeRequest: { req in
                req.headers.cookie = s.cookies; try req.content.encode(["_csrf": s.csrf], as: .urlEncodedForm)
            }) { res in XCTAssertEqual(res.status, .seeOther) }
            let v4 = try await get(app, "/api/v1/assessment/indicators", as: f.bearer("admin"), IndicatorFramework.self)
            XCTAssertEqual(v4, .defaults)
            audited = try await AuditEvent.query(on: app.db).filter(\.$action ~~ ["assessment.indicators", "assessment.indicators.import", "assessment.indicators.reset"]).count()
            XCTAssertEqual(audited, 4, "API, file, form and reset: every change audited once")
            stored = try await AssessmentSetting.query(on: app.db).filter(\.$key == IndicatorService.settingsKey).count()
            XCTAssertEqual(stored, 1)
        }
    }

    func testPublicationRanksStationsOnTheConfiguredIndicatorsAndTheYearSumsThemUp() async throws {
        try await withApp { app, f in
            for (id, pop) in [(f.c1, 8000), (f.c2, 5000), (f.c3, 3000)] {
                let d = try await Division.find(id, on: app.db)!
                d.residentPopulation = pop
                try await d.save(on: app.db)
            }
            for _ in 0..<3 { try await createIncident(app, f, community: f.c1, grid: f.g1a) }
            try await createIncident(app, f, community: f.c3, grid: f.g3)
            let month = LocalCalendar(timeZoneIdentifier: "Asia/Shanghai").yearMonth(of: Date())
            // Station A: 3 cases / 13,000 residents = 2.31 per 10k; station B: 1 / 3,000 = 3.33.
            let perTenK = IndicatorFramework(indicators: [.init(.preventablePer10k, target: 0, zero: 10, weight: 1)])
            _ = try await send(app, .PUT, "/api/v1/assessment/indicators", as: f.bearer("admin"), json: perTenK, IndicatorFramework.self)
            var pub = try await get(app, "/api/v1/assessment/publication?month=\(month)", as: f.bearer("admin"), Publication.self)!
            XCTAssertEqual(pub.indicators.map(\.metric), [.preventablePer10k])
            XCTAssertEqual(pub.rows.map(\.stationID), ["\(f.stationA)", "\(f.stationB)"])
            XCTAssertEqual(pub.rows.map(\.rank), [1, 2])
            XCTAssertEqual(pub.rows[0].indicators[0].value!, 3.0 / 13_000 * 10_000, accuracy: 1e-9)
            XCTAssertEqual(pub.rows[0].score!, 100 - 3.0 / 13_000 * 10_000 * 10, accuracy: 1e-9)
            XCTAssertEqual(pub.rows[1].score!, 100 - 1.0 / 3_000 * 10_000 * 10, accuracy: 1e-9)
            XCTAssertEqual(pub.rows[0].cases, 3)

            // The same data under another framework: the ranking follows the configuration.
            let perception = IndicatorFramework(indicators: [.init(.preventablePer10k, direction: .higherIsBetter, target: 10, zero: 0, weight: 1)])
            _ = try await send(app, .PUT, "/api/v1/assessment/indicators", as: f.bearer("admin"), json: perception, IndicatorFramework.self)
            pub = try await get(app, "/api/v1/assessment/publication?month=\(month)", as: f.bearer("admin"), Publication.self)!
            XCTAssertEqual(pub.rows.map(\.stationID), ["\(f.stationB)", "\(f.stationA)"])
            // The publication is published whole: the chief sees every station, station A marked as theirs; an officer,
            // whose jurisdiction holds no whole station, sees the ranking with none marked.
            let chief = try await get(app, "/api/v1/assessment/publication?month=\(month)", as: f.bearer("chief"), Publication.self)!
            XCTAssertEqual(chief.rows.map(\.stationID), ["\(f.stationB)", "\(f.stationA)"])
            XCTAssertEqual(chief.rows.filter(\.own).map(\.stationID), ["\(f.stationA)"])
            XCTAssertEqual(chief.rows[1].rank, 2)
            let officer = try await get(app, "/api/v1/assessment/publication?month=\(month)", as: f.bearer("officer"), Publication.self)!
            XCTAssertEqual(officer.rows.count, 2); XCTAssertTrue(officer.rows.allSatisfy { !$0.own })
            try await app.call(.GET, "/assessment/publication.csv?month=\(month)", headers: f.bearer("chief")) { res in
                XCTAssertEqual(res.status, .ok)
                XCTAssertTrue(res.body.string.contains("每万人可防性案件"))
                XCTAssertTrue(res.body.string.contains("沙头派出所"), "the export is the whole publication")
            }
            try await app.call(.GET, "/assessment/publication?month=\(month)", headers: f.bearer("chief")) { res in
                XCTAssertEqual(res.status, .ok)
                XCTAssertTrue(res.body.string.contains("每万人可防性案件"))
            }

            // Year end: every month of the year so far, the averages, cadres not eligible for excellent, letters.
            let cadre = Cadre(); cadre.name = "王包片"; cadre.post = "副主任"; cadre.communityID = f.c3; cadre.active = true
            try await cadre.create(on: app.db)
            let cm = CadreMonth(); cm.cadreID = cadre.id!; cm.month = "\(month.year)-01"; cm.current = 3; cm.previous = 1; cm.change = "+200.0%"
            cm.named = true; cm.levelBefore = .yellowCard; cm.level = .notEligible; cm.consecutiveNamed = 1; cm.reasonsJSON = "[]"
            cm.rewardRecords = 0; cm.rewardDecrease = 0; cm.rewardTotal = 0
            try await cm.create(on: app.db)
            try await app.call(.POST, "/api/v1/assessment/letters", headers: f.bearer("admin"), beforeRequest: { req in
                try req.content.encode(["year": "\(month.year)", "communityID": "\(f.c3)", "partyA": "街道综治委", "partyB": "沙头社区",
                                        "signedOn": "\(month.year)-01-05", "items": "crime_ratio 10 可防性案件不高于预期"])
            }) { res in XCTAssertEqual(res.status, .created, res.body.string) }
            // By default the month in progress is left out (a few days of records would move every average).
            let whole = try await get(app, "/api/v1/assessment/year?year=\(month.year)", as: f.bearer("admin"), YearSummaryReport.self)!
            XCTAssertEqual(whole.months.count, month.month - 1)
            XCTAssertFalse(whole.partial)
            XCTAssertEqual(whole.through, month.month > 1 ? month.previous.description : nil)
            XCTAssertFalse(whole.months.contains(month.description))
            if month.month == 1 { XCTAssertTrue(whole.rows.isEmpty, "January: no whole month of the year yet") }
            _ = try await get(app, "/api/v1/assessment/year?year=\(month.year)&through=\(month.next)", as: f.bearer("admin"), ErrorBody.self, status: .unprocessableEntity)
            _ = try await get(app, "/api/v1/assessment/year?year=\(month.year)&through=\(month.year - 1)-12", as: f.bearer("admin"), ErrorBody.self, status: .unprocessableEntity)
            // The year so far, this month included, when asked for.
            let year = try await get(app, "/api/v1/assessment/year?year=\(month.year)&through=\(month)", as: f.bearer("admin"), YearSummaryReport.self)!
            XCTAssertTrue(year.partial)
            XCTAssertEqual(year.through, month.description)
            XCTAssertEqual(year.months.count, month.month)
            XCTAssertEqual(year.rows.map(\.stationID), ["\(f.stationB)", "\(f.stationA)"], "ranked by average score")
            let b = year.rows[0]
            XCTAssertEqual(b.yearRank, 1)
            XCTAssertEqual(b.months.count, month.month)
            XCTAssertEqual(b.months.last?.rank, 1)
            XCTAssertEqual(b.notEligibleCadres, ["王包片"])
            XCTAssertEqual(b.letters, 1); XCTAssertEqual(b.lettersMet, 1)
            XCTAssertEqual(year.rows[1].notEligibleCadres, [])
            let v6 = try await get(app, "/api/v1/assessment/year?year=\(month.year)&through=\(month)", as: f.bearer("chief"), YearSummaryReport.self)!.rows.map(\.stationID)
            XCTAssertEqual(v6, ["\(f.stationA)"])
            _ = try await get(app, "/api/v1/assessment/year?year=1999", as: f.bearer("admin"), ErrorBody.self, status: .unprocessableEntity)
            _ = try await get(app, "/api/v1/assessment/year?year=\(month.year + 1)", as: f.bearer("admin"), ErrorBody.self, status: .unprocessableEntity)
            try await app.call(.GET, "/assessment/year?year=abc", headers: f.bearer("admin")) { res in
                XCTAssertEqual(res.status, .unprocessableEntity)
                XCTAssertTrue(res.body.string.contains("年份应为"))
            }
            try await app.call(.GET, "/assessment/year?year=\(month.year)&through=\(month)", headers: f.bearer("admin")) { res in
                XCTAssertEqual(res.status, .ok)
                XCTAssertTrue(res.body.string.contains("尚未结束"), "the month in progress is flagged")
            }
            try await app.call(.GET, "/assessment/year.csv?year=\(month.year)&through=\(month)", headers: f.bearer("admin")) { res in
                XCTAssertEqual(res.status, .ok)
                XCTAssertTrue(res.body.string.contains("王包片"))
                XCTAssertTrue(res.body.string.contains("年度名次"))
            }
            try await app.call(.GET, "/assessment/year", headers: f.bearer("grid")) { res in XCTAssertEqual(res.status, .forbidden) }
        }
    }

    func testPatrolIndicatorsAndDosageInHotGridsComeFromThePatrolRecords() async throws {
        try await withApp { app, f in
            // Three cases in grid g1a last month make it the hot grid (top 20% of the 4 grids).
            for _ in 0..<3 { try await createIncident(app, f, community: f.c1, grid: f.g1a) }
            try await (app.db as! any SQLDatabase).update("incidents").set("occurred_at", to: SQLBind(Date().addingTimeInterval(-35 * 86_400))).run()
            let team = try await makeTeam(app, f, community: f.c1).team
            let plan1 = try await makePatrolPlan(app, f, team: team)
            _ = try await makePatrolPlan(app, f, team: team)
            let log1 = try await makePatrolLog(app, f, team: team)       // 2 h on plan 1, in g1a
            let l1 = try await PatrolLogRecord.find(log1, on: app.db)!
            l1.planID = plan1; l1.gridIDs = "\(f.g1a)"; try await l1.save(on: app.db)
            let log2 = try await makePatrolLog(app, f, team: team)       // 2 h unplanned, half in g1a, half in g1b
            let l2 = try await PatrolLogRecord.find(log2, on: app.db)!
            l2.gridIDs = "\(f.g1a),\(f.g1b)"; try await l2.save(on: app.db)

            let fw = IndicatorFramework(indicators: [.init(.patrolsDone, target: 1, zero: 0, weight: 1), .init(.hotGridPatrolShare, target: 1, zero: 0, weight: 1)])
            _ = try await send(app, .PUT, "/api/v1/assessment/indicators", as: f.bearer("admin"), json: fw, IndicatorFramework.self)
            let month = LocalCalendar(timeZoneIdentifier: "Asia/Shanghai").yearMonth(of: Date())
            let pub = try await get(app, "/api/v1/assessment/publication?month=\(month)", as: f.bearer("admin"), Publication.self)!
            XCTAssertEqual(pub.hotGrids, 1)
            let a = pub.rows.first { $0.stationID == "\(f.stationA)" }!, b = pub.rows.first { $0.stationID == "\(f.stationB)" }!
            XCTAssertEqual(a.indicators[0].value!, 0.5, accuracy: 1e-12, "one of two plans has a log")
            XCTAssertEqual(a.indicators[0].numerator, 1); XCTAssertEqual(a.indicators[0].denominator, 2)
            XCTAssertEqual(a.indicators[1].value!, 3.0 / 4.0, accuracy: 1e-12, "2 h + 1 h of 4 h in the hot grid")
            XCTAssertNil(b.indicators[0].value, "no plans: not applicable")
            XCTAssertEqual(b.indicators[1].value, 0, "no patrol while the district has hot grids: 0, not 'no data'")
            XCTAssertEqual(a.score!, (50 + 75) / 2, accuracy: 1e-9)
            XCTAssertEqual(b.score!, 0, accuracy: 1e-9)
            XCTAssertEqual(pub.rows.map(\.stationID), ["\(f.stationA)", "\(f.stationB)"])

            // The composite index carries the same dosage (station level, this month).
            let index = try await get(app, "/api/v1/assessment/index?level=station&months=1&month=\(month)", as: f.bearer("admin"), IndexPage.self)!
            let ia = index.report.units.first { $0.id == "\(f.stationA)" }!, ib = index.report.units.first { $0.id == "\(f.stationB)" }!
            XCTAssertEqual(ia.patrolHours!, 4, accuracy: 1e-9)
            XCTAssertEqual(ia.patrolScore!, 75, accuracy: 1e-9)
            XCTAssertEqual(ib.patrolScore, 0)
            XCTAssertTrue(ia.reasonsZh.contains { $0.contains("热点网格 75.0%") }, "\(ia.reasonsZh)")
        }
    }
}
