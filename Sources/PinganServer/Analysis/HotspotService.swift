import Fluent
import SQLKit
import Vapor
import PinganKit

/// What a hotspot or patrol page is about: the period (or next week), the jurisdiction, which incidents
/// (category / subcategory / preventable) and the grid cell size. Read alike by pages, API and CSV.
struct HotspotParams: Sendable {
    /// Local dates, `to` exclusive (the form shows it inclusive).
    var from: Date
    var to: Date
    var month: YearMonth
    var station: Int?
    var community: Int?
    /// An `IncidentCategory` raw value or "preventable" (可防性案件).
    var category: String?
    var sub: String?
    var cellSize: Double = HotspotGrid.defaultCellSize

    static let cellSizes = 50.0...1000.0

    init(_ req: Request, errors e: inout FieldErrors) {
        let a = AnalysisParams(req, errors: &e)
        let L = req.lang
        let cal = LocalCalendar(timeZoneIdentifier: req.config.timeZone)
        month = a.month
        let range = cal.monthRange(a.month)
        from = range.lowerBound; to = range.upperBound
        // from / to (inclusive dates) override the month.
        let f = req.query[String.self, at: "from"]?.nilIfEmpty, t = req.query[String.self, at: "to"]?.nilIfEmpty
        if f != nil || t != nil {
            let fd = f.flatMap(cal.parseLocalDate), td = t.flatMap(cal.parseLocalDate)
            if f != nil && fd == nil { e["from"] = L.t("日期格式应为 2026-03-01", "Use a date like 2026-03-01") }
            if t != nil && td == nil { e["to"] = L.t("日期格式应为 2026-03-31", "Use a date like 2026-03-31") }
            if let fd { from = fd }
            if let td { to = cal.startOfNextDay(td) }
            if from >= to { e["to"] = L.t("结束日期不能早于开始日期", "The end date is before the start date"); to = cal.startOfNextDay(from) }
            else if to.timeIntervalSince(from) > 366 * 3 * 86_400 { e["to"] = L.t("时间段不能超过3年", "At most 3 years"); to = cal.startOfNextDay(from) }
        }
        station = a.station; community = a.community
        category = req.query[String.self, at: "category"]?.nilIfEmpty
        if let c = category, c != "preventable", IncidentCategory(rawValue: c) == nil { e["category"] = L.t("类别无效", "Unknown category"); category = nil }
        sub = a.sub
        if let s = req.query[String.self, at: "cell"]?.nilIfEmpty {
            if let v = Double(s), Self.cellSizes.contains(v) { cellSize = v } else { e["cell"] = L.t("网格边长应为 50–1000 米", "Cell size must be 50–1000 m") }
        }
    }

    init(_ req: Request) throws {
        var e = FieldErrors()
        self.init(req, errors: &e)
        guard e.isEmpty else { throw e }
    }

    /// All incidents of one month (the analysis report's map).
    init(month: YearMonth, calendar: LocalCalendar, station: Int?, community: Int?) {
        self.month = month
        let r = calendar.monthRange(month)
        from = r.lowerBound; to = r.upperBound
        self.station = station; self.community = community
    }

    var incidentFilter: [String] {
        var q: [String] = []
        if let category { q.append("category=\(category)") }
        if let sub { q.append("sub=\(sub)") }
        if cellSize != HotspotGrid.defaultCellSize { q.append("cell=\(Int(cellSize))") }
        return q
    }

    var jurisdictionQuery: [String] {
        var q: [String] = []
        if let station { q.append("station=\(station)") }
        if let community { q.append("community=\(community)") }
        return q
    }
}

/// One grid cell of a hotspot run, as the API, CSV and page show it.
struct HotspotCellDTO: Content {
    var cell: String
    var column: Int
    var row: Int
    var centerLat: Double
    var centerLon: Double
    var count: Int
    /// Gi* z-score; nil when undefined (every cell has the same count).
    var z: Double?
    var p: Double?
    /// -3 … 3 (cold 99 % … hot 99 %).
    var band: Int
    var bandName: String
    var community: String?
    var station: String?
    /// Hot cells only: 7 × 24 counts, Monday first.
    var profile: [Int]?
    /// Hot cells only: the busiest 3-hour window, "周五 20:00–23:00".
    var peak: String?
}

struct HotspotsDTO: Content {
    var from: String
    /// Inclusive.
    var to: String
    var jurisdiction: String
    var category: String?
    var subcategory: String?
    var cellSize: Double
    var columns: Int
    var rows: Int
    /// Column and row (from the projection origin) of the lattice's south-west cell.
    var originColumn: Int
    var originRow: Int
    /// Located incidents used.
    var incidents: Int
    /// Incidents of the period without coordinates (left out).
    var unlocated: Int
    var hotCells: [HotspotCellDTO]
    /// Cells with incidents or significant (hot or cold), ascending cell order.
    var cells: [HotspotCellDTO]
}

enum HotspotService {
    /// Hot cells listed (and given profiles) on the page and in the API.
    static let hotLimit = 50

    /// The fixed projection centre of the district (its division centroid), so cells are the same for
    /// every user and every period; without a centroid, the first located incident rounded to 0.1°.
    static func projection(_ db: any Database) async throws -> LocalProjection? {
        if let d = try await Division.query(on: db).filter(\.$level == .district).sort(\.$code).first(),
           let lat = d.centroidLat, let lon = d.centroidLon { return LocalProjection(lat0: lat, lon0: lon) }
        struct Row: Decodable { var latitude: Double; var longitude: Double }
        let sql = db as! any SQLDatabase
        // unscoped: one coordinate to centre the projection, the same for every user
        guard let r = try await sql.select().column("latitude").column("longitude").from("incidents")
            .where(SQLColumn("latitude"), .isNot, SQLLiteral.null).where(SQLColumn("longitude"), .isNot, SQLLiteral.null)
            .orderBy("id").limit(1).first(decoding: Row.self) else { return nil }
        return LocalProjection(lat0: (r.latitude * 10).rounded() / 10, lon0: (r.longitude * 10).rounded() / 10)
    }

    struct Located: Decodable { var latitude: Double; var longitude: Double; var occurred_at: Date; var community_id: Int }

    /// Located incidents of the units in [from, to) matching the filter, and how many lack coordinates.
    static func located(_ db: any Database, units: AnalysisUnits, from: Date, to: Date, category: String?, sub: String?) async throws -> ([Located], Int) {
        let sql = db as! any SQLDatabase
        func base(_ q: SQLSelectBuilder) -> SQLSelectBuilder {
            q.from("incidents")
                .where(SQLColumn("occurred_at"), .greaterThanOrEqual, SQLBind(from)).where(SQLColumn("occurred_at"), .lessThan, SQLBind(to))
            if category == "preventable" { q.where("preventable", .equal, true) }
            else if let category { q.where("category", .equal, category) }
            if let sub { q.where("subcategory", .equal, sub) }
            return AnalysisData.restrict(q, units)
        }
        let rows = try await base(sql.select().column("latitude").column("longitude").column("occurred_at").column("community_id"))
            .where(SQLColumn("latitude"), .isNot, SQLLiteral.null).where(SQLColumn("longitude"), .isNot, SQLLiteral.null)
            .all(decoding: Located.self)
        struct N: Decodable { var n: Int }
        let unlocated = try await base(sql.select().column(SQLFunction("COUNT", args: SQLLiteral.all), as: "n"))
            .where(SQLGroupExpression(SQLBinaryExpression(SQLBinaryExpression(SQLColumn("latitude"), SQLBinaryOperator.is, SQLLiteral.null),
                                                          SQLBinaryOperator.or, SQLBinaryExpression(SQLColumn("longitude"), SQLBinaryOperator.is, SQLLiteral.null))))
            .first(decoding: N.self)?.n ?? 0
        return (rows.filter { $0.latitude.isFinite && $0.longitude.isFinite && abs($0.latitude) <= 90 && abs($0.longitude) <= 180 }, unlocated)
    }

    /// The district's subcategory code table (for the pickers and to validate `sub`).
    static func subcategories(_ db: any Database) async throws -> [IncidentSubcategory] {
        try await IncidentSubcategoryRow.query(on: db).sort(\.$sortOrder).all().map(\.value)
    }

    /// nil, or the code if it is in the table; an unknown code is a field error.
    static func checkSubcategory(_ req: Request, _ sub: String?, _ all: [IncidentSubcategory], _ e: inout FieldErrors) -> String? {
        guard let sub else { return nil }
        if all.contains(where: { $0.code == sub }) { return sub }
        e["sub"] = req.t("小类无效", "Unknown subcategory")
        return nil
    }

    struct Result {
        var dto: HotspotsDTO
        var analysis: HotspotAnalysis?
        var units: AnalysisUnits
    }

    static func run(_ req: Request, _ p: HotspotParams, units given: AnalysisUnits? = nil) async throws -> Result {
        try req.require(.viewAnalysis)
        let units: AnalysisUnits
        if let given { units = given } else { units = try await AnalysisData.units(req, station: p.station, community: p.community) }
        let cal = LocalCalendar(timeZoneIdentifier: req.config.timeZone)
        let (rows, unlocated) = try await located(req.reading, units: units, from: p.from, to: p.to, category: p.category, sub: p.sub)
        let names = Dictionary(uniqueKeysWithValues: units.communities.map { ($0.id, ($0.name, $0.stationName)) })
        var analysis: HotspotAnalysis? = nil
        if !rows.isEmpty, let projection = try await projection(req.reading) {
            let events = rows.map { r in
                HotspotEvent(lat: r.latitude, lon: r.longitude, weekday: cal.weekday(of: r.occurred_at), hour: cal.hour(of: r.occurred_at), unit: String(r.community_id))
            }
            do {
                analysis = try HotspotAnalysis.run(events: events, projection: projection, cellSize: p.cellSize, hotLimit: hotLimit)
            } catch HotspotAnalysis.Failure.tooManyCells(let n, let limit) {
                throw FieldErrors(["cell": req.t("网格数 \(n) 超过上限 \(limit)，请增大网格边长或缩小范围", "\(n) cells exceed the limit of \(limit): use larger cells or a smaller area")])
            }
        }
        let L = req.lang
        func dto(_ a: HotspotAnalysis, _ i: Int, profile: HourWeekdayTable?) -> HotspotCellDTO {
            let c = a.center(of: i), (x, y) = a.grid.absoluteColumnRow(of: i)
            let unit = a.mainUnit[i].flatMap { names[$0] }
            let band = a.band(i)
            let peak = profile?.peakWindow(hours: 3).map { w in
                (L.isEnglish ? HourWeekdayTable.weekdayNamesEn : HourWeekdayTable.weekdayNamesZh)[w.weekday - 1] + " " + hh(w.startHour) + "–" + hh((w.startHour + 3) % 24)
            }
            return HotspotCellDTO(cell: a.grid.cellLabel(i), column: x, row: y, centerLat: (c.lat * 1e6).rounded() / 1e6, centerLon: (c.lon * 1e6).rounded() / 1e6,
                                  count: Int(a.counts[i]), z: a.z(i).map { ($0 * 1e4).rounded() / 1e4 }, p: a.z(i) != nil ? a.gi.p[i] : nil,
                                  band: band.rawValue, bandName: L.t(band.nameZh, band.nameEn), community: unit?.0, station: unit?.1,
                                  profile: profile?.counts, peak: peak)
        }
        let hot = analysis.map { a in a.hotCells.map { dto(a, $0.cell, profile: $0.profile) } } ?? []
        let cells = analysis.map { a in a.notableCells.map { dto(a, $0, profile: nil) } } ?? []
        let d = HotspotsDTO(from: cal.formatDate(p.from), to: cal.formatDate(p.to.addingTimeInterval(-1)), jurisdiction: L.t(units.titleZh, units.titleEn),
                            category: p.category, subcategory: p.sub, cellSize: p.cellSize,
                            columns: analysis?.grid.columns ?? 0, rows: analysis?.grid.rows ?? 0,
                            originColumn: analysis.map { $0.grid.absoluteColumnRow(of: 0).x } ?? 0, originRow: analysis.map { $0.grid.absoluteColumnRow(of: 0).y } ?? 0,
                            incidents: rows.count, unlocated: unlocated, hotCells: hot, cells: cells)
        return Result(dto: d, analysis: analysis, units: units)
    }

    static func hh(_ h: Int) -> String { (h < 10 ? "0" : "") + String(h) + ":00" }

    /// CSV of the notable cells (hot cells carry their peak window).
    static func csv(_ d: HotspotsDTO, chinese: Bool) -> CSVWriter {
        var w = CSVWriter(header: chinese
            ? ["网格", "列", "行", "中心纬度", "中心经度", "案件数", "z值", "p值", "显著性", "主要社区", "派出所", "高发时段"]
            : ["Cell", "Column", "Row", "Centre latitude", "Centre longitude", "Incidents", "z", "p", "Significance", "Main community", "Station", "Peak window"])
        let peaks = Dictionary(uniqueKeysWithValues: d.hotCells.map { ($0.cell, $0.peak ?? "") })
        for c in d.cells {
            w.append([c.cell, String(c.column), String(c.row), String(format: "%.6f", c.centerLat), String(format: "%.6f", c.centerLon), String(c.count),
                      c.z.map { Decimals.format($0, places: 4) } ?? "", c.p.map { String(format: "%.3g", $0) } ?? "", c.bandName,
                      c.community ?? "", c.station ?? "", peaks[c.cell] ?? ""])
        }
        return w
    }
}
