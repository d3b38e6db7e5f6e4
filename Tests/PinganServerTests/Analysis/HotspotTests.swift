import Fluent
import XCTVapor
import PinganKit
@testable import PinganServer

final class HotspotTests: XCTestCase {
    static let cal = LocalCalendar(timeZoneIdentifier: "Asia/Shanghai")
    static let projection = LocalProjection(lat0: 22.9, lon0: 113.4)
    func d(_ y: Int, _ m: Int, _ day: Int, _ h: Int = 10) -> Date { Self.cal.date(year: y, month: m, day: day, hour: h) }

    /// An incident `dx`, `dy` metres east and north of (22.9, 113.4) — the fixture has no district
    /// centroid, so the projection centre is the first located incident rounded to 0.1°, i.e. that point.
    @discardableResult
    func located(_ app: Application, _ f: Fixture, community: Int, dx: Double, dy: Double, at: Date, subcategory: String = "burglary") async throws -> Int {
        let sub = IncidentTaxonomy.defaultSubcategories.first { $0.code == subcategory }!
        let p = Self.projection.unproject(PlanarPoint(x: dx, y: dy))
        let i = Incident()
        i.source = .dispatch110; i.category = sub.category; i.subcategory = sub.code; i.preventable = sub.preventable
        i.occurredAt = at; i.reportedAt = at; i.communityID = community
        i.address = "德兴路1号"; i.modusOperandi = ""; i.description = "测试"; i.status = .received
        i.latitude = p.lat; i.longitude = p.lon; i.createdByID = f.users["admin"]!
        try await i.create(on: app.db)
        return i.id!
    }

    struct Hot: Decodable { var incidents: Int; var unlocated: Int; var hotCells: [HotspotCellDTO]; var cells: [HotspotCellDTO]; var cellSize: Double }

    func testHotspotsFindTheClusterWithItsProfileScopedValidatedAndExported() async throws {
        try await withApp { app, f in
            // March 2026: one burglary per 150 m cell over a 7 × 7 block (c2), 15 in one cell of c1 on
            // Friday evenings, 6 in c3 far east; one incident without coordinates.
            try await located(app, f, community: f.c1, dx: 0, dy: 0, at: d(2026, 3, 2))   // first located: fixes the projection
            for cx in 0..<7 { for cy in 0..<7 { try await located(app, f, community: f.c2, dx: Double(cx) * 150 + 75, dy: Double(cy) * 150 + 75, at: d(2026, 3, 3 + cx, 9 + cy)) } }
            for k in 0..<15 { try await located(app, f, community: f.c1, dx: 3 * 150 + 60, dy: 3 * 150 + 80, at: d(2026, 3, [6, 13, 20, 27][k % 4], 21)) }
            for k in 0..<6 { try await located(app, f, community: f.c3, dx: 3000 + Double(k) * 10, dy: 500, at: d(2026, 3, 10)) }
            try await insertIncident(app, f, community: f.c1, occurred: d(2026, 3, 5))

            var hotLabel = ""
            try await app.call(.GET, "/api/v1/analysis/hotspots?month=2026-03", headers: f.bearer("admin")) { res in
                XCTAssertEqual(res.status, .ok, res.body.string)
                let h = try res.content.decode(Hot.self)
                XCTAssertEqual(h.incidents, 1 + 49 + 15 + 6)
                XCTAssertEqual(h.unlocated, 1)
                XCTAssertEqual(h.cellSize, 150)
                let top = try XCTUnwrap(h.hotCells.first)
                XCTAssertEqual(top.cell, "X3Y3")
                XCTAssertEqual(top.count, 16)
                XCTAssertEqual(top.band, 3)
                XCTAssertEqual(top.community, "德兴社区")
                XCTAssertEqual(top.station, "市桥派出所")
                // Profile: 15 on Fridays at 21:00 (+ the 7 × 7 block's one on Wed 12:00 in this cell).
                XCTAssertEqual(top.profile?[(5 - 1) * 24 + 21], 15)
                XCTAssertEqual(top.profile?.reduce(0, +), 16)
                XCTAssertEqual(top.peak, "周五 19:00–22:00")
                XCTAssertTrue(h.cells.contains { $0.cell == "X20Y3" && $0.count == 6 }, "c3's cell is listed")
                hotLabel = top.cell
            }
            // The station chief's map has no c3 incident; officer3 asking for c1 gets "not found".
            try await app.call(.GET, "/api/v1/analysis/hotspots?month=2026-03", headers: f.bearer("chief")) { res in
                XCTAssertEqual(try res.content.decode(Hot.self).incidents, 65)
            }
            try await app.call(.GET, "/api/v1/analysis/hotspots?month=2026-03&community=\(f.c1)", headers: f.bearer("officer3")) { res in
                XCTAssertEqual(res.status, .notFound)
            }
            try await app.call(.GET, "/api/v1/analysis/hotspots", headers: f.bearer("grid")) { res in XCTAssertEqual(res.status, .forbidden) }
            // Filters: robbery only → nothing located; from/to narrows to the Fridays' week.
            try await app.call(.GET, "/api/v1/analysis/hotspots?month=2026-03&sub=robbery", headers: f.bearer("admin")) { res in
                let h = try res.content.decode(Hot.self)
                XCTAssertEqual(h.incidents, 0); XCTAssertTrue(h.hotCells.isEmpty)
            }
            try await app.call(.GET, "/api/v1/analysis/hotspots?from=2026-03-06&to=2026-03-06&category=criminal", headers: f.bearer("admin")) { res in
                XCTAssertEqual(try res.content.decode(Hot.self).incidents, 4 + 7)   // 4 Friday burglaries + the block's column on March 6
            }
            // Validation: field-level 422s, never a 500.
            try await app.call(.GET, "/api/v1/analysis/hotspots?from=2026-02-30&to=x&cell=10&category=nope&sub=nope", headers: f.bearer("admin")) { res in
                XCTAssertEqual(res.status, .unprocessableEntity)
                XCTAssertEqual(try res.content.decode(ErrorBody.self).fields?.keys.sorted(), ["category", "cell", "from", "sub", "to"])
            }
            try await app.call(.GET, "/api/v1/analysis/hotspots?from=2026-03-09&to=2026-03-01", headers: f.bearer("admin")) { res in
                XCTAssertEqual(res.status, .unprocessableEntity)
            }
            // 50 m cells over c3's far cell and the block are fine; too many cells are a 422 on the cell field.
            try await located(app, f, community: f.c3, dx: 60_000, dy: 60_000, at: d(2026, 3, 11))
            try await app.call(.GET, "/api/v1/analysis/hotspots?month=2026-03&cell=50", headers: f.bearer("admin")) { res in
                XCTAssertEqual(res.status, .unprocessableEntity)
                XCTAssertEqual(try res.content.decode(ErrorBody.self).fields?.keys.sorted(), ["cell"])
            }
            try await app.call(.GET, "/analysis/hotspots?month=2026-03&cell=50", headers: f.bearer("admin")) { res in
                XCTAssertEqual(res.status, .unprocessableEntity)
                XCTAssertTrue(res.body.string.contains("class=\"map-svg\""), "the page falls back to 150 m and still draws the map")
            }
            // CSV, page, report.
            try await app.call(.GET, "/analysis/hotspots.csv?month=2026-03", headers: f.bearer("admin")) { res in
                XCTAssertEqual(res.status, .ok)
                let body = res.body.string
                XCTAssertTrue(body.hasPrefix("\u{FEFF}网格,列,行,中心纬度,中心经度,案件数,z值,p值,显著性,主要社区,派出所,高发时段"), String(body.prefix(80)))
                XCTAssertTrue(body.contains("\(hotLabel),3,3,"))
                XCTAssertTrue(body.contains("热点（99%）,德兴社区,市桥派出所,周五 19:00–22:00"))
            }
            try await app.call(.GET, "/analysis/hotspots?month=2026-03", headers: f.bearer("chief")) { res in
                XCTAssertEqual(res.status, .ok)
                let html = res.body.string
                XCTAssertTrue(html.contains("class=\"map-svg\""))
                XCTAssertTrue(html.contains("<svg class=\"profile\""))
                // Cells are named by rank and community, not by lattice index (issue 18).
                XCTAssertTrue(html.contains("热点 第1名 · 德兴社区"), "the hottest cell is labelled by its community")
                XCTAssertFalse(html.contains(hotLabel + "<"), "no lattice index in the page's text")
                XCTAssertFalse(html.contains("沙头社区</td>"))
            }
            try await app.call(.GET, "/analysis/hotspots?month=2025-01&lang=en", headers: f.bearer("admin")) { res in
                XCTAssertEqual(res.status, .ok)
                XCTAssertTrue(res.body.string.contains("No located incidents for this period and category."))
            }
            struct Report: Decodable { var hotspots: Hot? }
            try await app.call(.GET, "/api/v1/analysis/report?month=2026-03&station=\(f.stationA)", headers: f.bearer("admin")) { res in
                XCTAssertEqual(res.status, .ok, res.body.string)
                XCTAssertEqual(try res.content.decode(Report.self).hotspots?.hotCells.first?.cell, hotLabel)
            }
            try await app.call(.GET, "/analysis/report?month=2026-03", headers: f.bearer("admin")) { res in
                XCTAssertTrue(res.body.string.contains("class=\"map-svg\""))
            }
        }
    }

    struct Plan: Decodable {
        struct Station: Decodable { var id: Int; var name: String; var capacityHours: Double; var plannedHours: Double; var rows: [PatrolRowDTO] }
        var week: String; var weekEnd: String; var expectedWeekTotal: Double; var historyIncidents: Int; var stations: [Station]
    }

    func testPatrolPlanForNextWeekUsesOnlyThePastAndFitsCapacity() async throws {
        try await withApp { app, f in
            // 8 weeks before Monday 2026-03-09: in c1, 2 on Fridays 21:00 and 1 on Saturdays 22:00 in one cell;
            // in c3, 1 on Mondays 08:00 two kilometres east.
            let monday = d(2026, 3, 9, 0)
            for w in 1...8 {
                let start = Self.cal.calendar.date(byAdding: .day, value: -7 * w, to: monday)!
                func at(_ days: Int, _ h: Int) -> Date { Self.cal.calendar.date(byAdding: .hour, value: 24 * days + h, to: start)! }
                try await located(app, f, community: f.c1, dx: 10, dy: 10, at: at(4, 21))
                try await located(app, f, community: f.c1, dx: 20, dy: 20, at: at(4, 21))
                try await located(app, f, community: f.c1, dx: 30, dy: 30, at: at(5, 22))
                try await located(app, f, community: f.c3, dx: 2000, dy: 10, at: at(0, 8))
            }
            // The planned week itself and later: must not count.
            for k in 0..<10 { try await located(app, f, community: f.c1, dx: 1000, dy: 1000, at: d(2026, 3, 9 + k % 5, 3)) }

            try await app.call(.GET, "/api/v1/analysis/patrols?week=2026-03-11&hours=4&window=2", headers: f.bearer("admin")) { res in
                XCTAssertEqual(res.status, .ok, res.body.string)
                let p = try res.content.decode(Plan.self)
                XCTAssertEqual(p.week, "2026-03-09"); XCTAssertEqual(p.weekEnd, "2026-03-15")
                XCTAssertEqual(p.historyIncidents, 32)
                XCTAssertEqual(p.expectedWeekTotal, 4, accuracy: 1e-9)
                XCTAssertEqual(p.stations.map(\.name), ["市桥派出所", "沙头派出所"])
                let a = p.stations[0]
                XCTAssertEqual(a.plannedHours, 4)
                XCTAssertEqual(a.rows.map { "\($0.date) \($0.start)–\($0.end)" }, ["2026-03-13 20:00–22:00", "2026-03-14 22:00–24:00"])
                XCTAssertEqual(a.rows.map(\.cell), ["X0Y0", "X0Y0"])
                XCTAssertEqual(a.rows[0].community, "德兴社区")
                XCTAssertGreaterThan(a.rows[0].expected, a.rows[1].expected)
                let b = p.stations[1]
                XCTAssertEqual(b.rows.first?.date, "2026-03-09"); XCTAssertEqual(b.rows.first?.start, "08:00")
                XCTAssertEqual(b.rows.first?.cell, "X13Y0")
            }
            // Per-station capacity; the chief plans his station only.
            try await app.call(.GET, "/api/v1/analysis/patrols?week=2026-03-09&hours=4&cap\(f.stationB)=0", headers: f.bearer("admin")) { res in
                let p = try res.content.decode(Plan.self)
                XCTAssertEqual(p.stations[1].capacityHours, 0); XCTAssertTrue(p.stations[1].rows.isEmpty)
            }
            try await app.call(.GET, "/api/v1/analysis/patrols?week=2026-03-09", headers: f.bearer("chief")) { res in
                let p = try res.content.decode(Plan.self)
                XCTAssertEqual(p.stations.map(\.name), ["市桥派出所"])
                XCTAssertEqual(p.historyIncidents, 24)
            }
            try await app.call(.GET, "/api/v1/analysis/patrols?station=\(f.stationB)", headers: f.bearer("chief")) { res in
                XCTAssertEqual(res.status, .notFound)
            }
            try await app.call(.GET, "/api/v1/analysis/patrols?week=soon&hours=-1&window=5&cap\(f.stationA)=x", headers: f.bearer("admin")) { res in
                XCTAssertEqual(res.status, .unprocessableEntity)
                XCTAssertEqual(try res.content.decode(ErrorBody.self).fields?.keys.sorted(), ["cap\(f.stationA)", "hours", "week", "window"])
            }
            try await app.call(.GET, "/analysis/patrols.csv?week=2026-03-09&hours=4", headers: f.bearer("admin")) { res in
                XCTAssertEqual(res.status, .ok)
                let body = res.body.string
                XCTAssertTrue(body.hasPrefix("\u{FEFF}派出所,序号,日期,星期,开始,结束,网格"), String(body.prefix(60)))
                XCTAssertTrue(body.contains("市桥派出所,1,2026-03-13,周五,20:00,22:00,X0Y0,"), body)
            }
            try await app.call(.GET, "/analysis/patrols?week=2026-03-09&hours=4", headers: f.bearer("officer")) { res in
                XCTAssertEqual(res.status, .ok)
                XCTAssertTrue(res.body.string.contains("2026-03-13 周五"))
            }
            try await app.call(.GET, "/analysis/patrols?week=2020-01-06&lang=en", headers: f.bearer("admin")) { res in
                XCTAssertEqual(res.status, .ok)
                XCTAssertTrue(res.body.string.contains("No located incidents in the last two years"))
            }
            try await app.call(.GET, "/analysis/patrols", headers: f.bearer("grid")) { res in XCTAssertEqual(res.status, .forbidden) }
        }
    }
}
