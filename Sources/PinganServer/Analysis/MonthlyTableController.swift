import Fluent
import Vapor
import PinganKit

/// The month and jurisdiction an analysis page is about, read alike by pages, API and CSV.
struct AnalysisParams: Sendable {
    var month: YearMonth
    var station: Int?
    var community: Int?
    /// Monthly table view: one subcategory's seven figures instead of the overview.
    var sub: String?
    var wide = false

    /// Invalid values are reported in `e` and replaced by defaults (the page shows them inline).
    init(_ req: Request, errors e: inout FieldErrors, defaultMonth: YearMonth? = nil) {
        let L = req.lang
        let cal = LocalCalendar(timeZoneIdentifier: req.config.timeZone)
        // Monthly statistics are made for the month just ended.
        month = defaultMonth ?? cal.yearMonth(of: Date()).previous
        if let m = req.query[String.self, at: "month"]?.nilIfEmpty {
            if let ym = YearMonth(m), (2000...2100).contains(ym.year) { month = ym } else { e["month"] = L.t("月份格式应为 2026-03", "Use a month like 2026-03") }
        }
        func int(_ k: String) -> Int? {
            guard let s = req.query[String.self, at: k]?.nilIfEmpty else { return nil }
            guard let n = Int(s) else { e[k] = L.t("应为数字", "Not a number"); return nil }
            return n
        }
        station = int("station"); community = int("community")
        sub = req.query[String.self, at: "sub"]?.nilIfEmpty
        wide = ["1", "true", "wide"].contains(req.query[String.self, at: "layout"] ?? req.query[String.self, at: "wide"] ?? "")
    }

    init(_ req: Request) throws {
        var e = FieldErrors()
        self.init(req, errors: &e)
        guard e.isEmpty else { throw e }
    }

    /// Query string that keeps the jurisdiction (for links between the analysis pages).
    var query: String {
        var q = ["month=\(month)"]
        if let station { q.append("station=\(station)") }
        if let community { q.append("community=\(community)") }
        return q.joined(separator: "&")
    }
}

/// 社区可防性案件统计表: page, CSV and JSON.
struct MonthlyTableController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get("analysis", use: page)
        routes.get("analysis", "monthly.csv", use: csv)
        routes.get("api", "v1", "analysis", "monthly", use: api)
        routes.get("api", "v1", "analysis", "monthly.csv", use: csv)
    }

    struct MonthlyTableDTO: Content {
        struct Sub: Content { var code: String; var nameZh: String; var nameEn: String }
        var month: String
        var jurisdiction: String
        var subcategories: [Sub]
        var rows: [PreventableRow]
    }

    static func load(_ req: Request, _ p: AnalysisParams) async throws -> (PreventableReport, AnalysisUnits) {
        try req.require(.viewAnalysis)
        let units = try await AnalysisData.units(req, station: p.station, community: p.community)
        let cal = LocalCalendar(timeZoneIdentifier: req.config.timeZone)
        return (try await AnalysisData.monthlyTable(req.reading, month: p.month, units: units, calendar: cal), units)
    }

    @Sendable func page(req: Request) async throws -> Response {
        try req.require(.viewAnalysis)
        var errors = FieldErrors()
        var p = AnalysisParams(req, errors: &errors)
        let (report, units) = try await Self.load(req, p)
        if let s = p.sub, !report.subcategories.contains(where: { $0.code == s }) { errors["sub"] = req.t("类别无效", "Unknown subcategory"); p.sub = nil }
        let scopeUnits = try await AnalysisData.units(req)
        let res = AnalysisViews.monthly(req, report: report, units: units, params: p, errors: errors, pickers: scopeUnits)
        if !errors.isEmpty { res.status = .unprocessableEntity }
        return res
    }

    @Sendable func api(req: Request) async throws -> MonthlyTableDTO {
        let p = try AnalysisParams(req)
        let (report, units) = try await Self.load(req, p)
        return MonthlyTableDTO(month: "\(report.month)", jurisdiction: req.t(units.titleZh, units.titleEn),
                               subcategories: report.subcategories.map { .init(code: $0.code, nameZh: $0.nameZh, nameEn: $0.nameEn) }, rows: report.rows)
    }

    /// Long format by default (one line per row × subcategory); `?layout=wide` for one line per row.
    @Sendable func csv(req: Request) async throws -> Response {
        let p = try AnalysisParams(req)
        let (report, _) = try await Self.load(req, p)
        await req.audit("analysis.monthly.export", entity: "analysis", detail: req.url.query ?? "")
        return CSVResponse.make(filename: "preventable-\(report.month)\(p.wide ? "-wide" : "").csv", writer: report.csv(wide: p.wide, chinese: !req.lang.isEnglish))
    }
}
