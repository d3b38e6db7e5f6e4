import Fluent
import SQLKit
import Vapor
import PinganKit

/// 《警情分析报告》 of one month and jurisdiction: everything the page, the print and the API show.
struct AnalysisReportDTO: Content {
    struct MonthCount: Content { var month: String; var all: Int; var preventable: Int }
    struct CategoryCount: Content { var category: String; var nameZh: String; var nameEn: String; var current: Int; var lastMonth: Int; var sameMonthLastYear: Int; var yearOnYear: String; var monthOnMonth: String }
    var month: String
    var jurisdiction: String
    var communities: Int
    var incidents: Int
    var incidentsLastMonth: Int
    var incidentsSameMonthLastYear: Int
    var preventable: PreventableFigures
    /// Solved ÷ filed of preventable cases in the month (破案率), nil with nothing filed.
    var clearanceRate: Double?
    var trend: [MonthCount]
    var byCategory: [CategoryCount]
    /// 7 × 24 counts of the month's preventable cases, Monday first.
    var hourWeekday: [Int]
    var risingYearOnYear: [RisingUnit]
    var risingMonthOnMonth: [RisingUnit]
    var narrativeZh: String
    var narrativeEn: String
    /// Gi* hot spots of the month's incidents on 150 m cells (the report's map).
    var hotspots: HotspotsDTO?
}

enum AnalysisReport {
    static func build(_ req: Request, _ p: AnalysisParams) async throws -> (AnalysisReportDTO, AnalysisUnits, PreventableReport) {
        try req.require(.viewAnalysis)
        let units = try await AnalysisData.units(req, station: p.station, community: p.community)
        let cal = LocalCalendar(timeZoneIdentifier: req.config.timeZone)
        let db = req.reading
        let table = try await AnalysisData.monthlyTable(db, month: p.month, units: units, calendar: cal)
        let sql = db as! any SQLDatabase
        struct CatRow: Decodable { var category: String; var preventable: Bool; var n: Int }
        func byCategory(_ m: YearMonth) async throws -> [CatRow] {
            let r = cal.monthRange(m)
            let q = sql.select().column("category").column("preventable").column(SQLFunction("COUNT", args: SQLLiteral.all), as: "n").from("incidents")
                .where("preventable", .in, [false, true])  // lets the covering (preventable, occurred_at, …) index serve all incidents
                .where(SQLColumn("occurred_at"), .greaterThanOrEqual, SQLBind(r.lowerBound)).where(SQLColumn("occurred_at"), .lessThan, SQLBind(r.upperBound))
            return try await AnalysisData.restrict(q, units).groupBy("category").groupBy("preventable").all(decoding: CatRow.self)
        }
        // 12-month trend, all incidents and preventable ones.
        var trend: [AnalysisReportDTO.MonthCount] = []
        var cats: [YearMonth: [CatRow]] = [:]
        for k in (0..<12).reversed() {
            let m = p.month.adding(months: -k)
            let rows = try await byCategory(m)
            cats[m] = rows
            trend.append(.init(month: "\(m)", all: rows.reduce(0) { $0 + $1.n }, preventable: rows.filter(\.preventable).reduce(0) { $0 + $1.n }))
        }
        let lastYear = try await byCategory(p.month.sameMonthLastYear)
        func perCategory(_ rows: [CatRow]) -> [String: Int] { rows.reduce(into: [:]) { $0[$1.category, default: 0] += $1.n } }
        let cur = perCategory(cats[p.month] ?? []), prev = perCategory(cats[p.month.previous] ?? []), ly = perCategory(lastYear)
        let categories = IncidentCategory.allCases.map { c in
            let a = cur[c.rawValue] ?? 0, b = prev[c.rawValue] ?? 0, y = ly[c.rawValue] ?? 0
            return AnalysisReportDTO.CategoryCount(category: c.rawValue, nameZh: c.nameZh, nameEn: c.nameEn, current: a, lastMonth: b, sameMonthLastYear: y,
                                                   yearOnYear: PercentChange.format(current: a, previous: y), monthOnMonth: PercentChange.format(current: a, previous: b))
        }
        // Hour of day × weekday of the month's preventable cases (one column read, bucketed in local time).
        let range = cal.monthRange(p.month)
        struct T: Decodable { var occurred_at: Date }
        let q = sql.select().column("occurred_at").from("incidents").where("preventable", .equal, true)
            .where(SQLColumn("occurred_at"), .greaterThanOrEqual, SQLBind(range.lowerBound)).where(SQLColumn("occurred_at"), .lessThan, SQLBind(range.upperBound))
        let times = try await AnalysisData.restrict(q, units).all(decoding: T.self).map(\.occurred_at)
        let hw = HourWeekdayTable(dates: times, calendar: cal)

        let total = table.districtTotal.total
        let all = trend.last?.all ?? 0, allPrev = trend.count > 1 ? trend[trend.count - 2].all : 0
        let allLY = lastYear.reduce(0) { $0 + $1.n }
        let clearance = total.filed > 0 ? Double(total.solved) / Double(total.filed) : nil
        let risingY = table.topRisingCommunities(yearOnYear: true, limit: 5, minCurrent: 5)
        let risingM = table.topRisingCommunities(yearOnYear: false, limit: 5, minCurrent: 5)
        // Year-on-year risers only mean something when last year's ledger has cases.
        let useYoY = allLY > 0 && !risingY.isEmpty
        let (zh, en) = narrative(name: (units.titleZh, units.titleEn), month: p.month, all: all, allPrev: allPrev, allLY: allLY, prevent: total,
                                 clearance: clearance, categories: categories, hw: hw, rising: useYoY ? risingY : risingM, risingIsYoY: useYoY)
        let hotspots = try await HotspotService.run(req, HotspotParams(month: p.month, calendar: cal, station: p.station, community: p.community), units: units).dto
        let dto = AnalysisReportDTO(month: "\(p.month)", jurisdiction: req.t(units.titleZh, units.titleEn), communities: units.communities.count,
                                    incidents: all, incidentsLastMonth: allPrev, incidentsSameMonthLastYear: allLY, preventable: total, clearanceRate: clearance,
                                    trend: trend, byCategory: categories, hourWeekday: hw.counts, risingYearOnYear: risingY, risingMonthOnMonth: risingM,
                                    narrativeZh: zh, narrativeEn: en,
                                    hotspots: hotspots)
        return (dto, units, table)
    }

    /// The peak 3-hour window of the week (weekday, start hour) and its share, for the narrative.
    static func peakWindow(_ hw: HourWeekdayTable) -> (weekday: Int, start: Int, count: Int)? {
        guard hw.total > 0 else { return nil }
        var best = (1, 0, -1)
        for d in 1...7 { for h in 0..<24 { let c = hw.count(weekday: d, startHour: h, hours: 3); if c > best.2 { best = (d, h, c) } } }
        return (best.0, best.1, best.2)
    }

    /// A short generated narrative (Chinese, with the English alongside), in the seeds' wording:
    /// totals and changes, the largest categories, the peak hours, the rising communities, clearance.
    static func narrative(name: (String, String), month m: YearMonth, all: Int, allPrev: Int, allLY: Int, prevent: PreventableFigures, clearance: Double?,
                          categories: [AnalysisReportDTO.CategoryCount], hw: HourWeekdayTable, rising: [RisingUnit], risingIsYoY: Bool) -> (String, String) {
        func upDownZh(_ a: Int, _ b: Int) -> String {
            guard b > 0 else { return a > 0 ? "（上期无发案）" : "" }
            let f = PercentChange.format(current: a, previous: b)
            return a > b ? "上升\(f.dropFirst())" : (a < b ? "下降\(f.dropFirst())" : "持平")
        }
        func upDownEn(_ a: Int, _ b: Int) -> String {
            guard b > 0 else { return a > 0 ? " (none before)" : "" }
            let f = PercentChange.format(current: a, previous: b)
            return a > b ? "up \(f.dropFirst())" : (a < b ? "down \(f.dropFirst())" : "unchanged")
        }
        var zh = "\(m.year)年\(m.month)月，\(name.0)共接报警情\(all)起，环比\(upDownZh(all, allPrev))"
        var en = "In \(m), \(name.1) recorded \(all) incidents, \(upDownEn(all, allPrev)) on the previous month"
        if allLY > 0 { zh += "，同比\(upDownZh(all, allLY))"; en += " and \(upDownEn(all, allLY)) on the same month last year" }
        zh += "。其中可防性案件\(prevent.current)起，环比\(upDownZh(prevent.current, prevent.lastMonth))"
        en += ". Preventable cases: \(prevent.current), \(upDownEn(prevent.current, prevent.lastMonth)) on the previous month"
        if prevent.sameMonthLastYear > 0 { zh += "，同比\(upDownZh(prevent.current, prevent.sameMonthLastYear))"; en += ", \(upDownEn(prevent.current, prevent.sameMonthLastYear)) year on year" }
        zh += "。"; en += "."
        let top = categories.filter { $0.current > 0 }.sorted { $0.current > $1.current }.prefix(2)
        if !top.isEmpty {
            zh += "警情以" + top.map { "\($0.nameZh)类（\($0.current)起）" }.joined(separator: "、") + "为主。"
            en += " Most incidents were " + top.map { "\($0.nameEn.lowercased()) (\($0.current))" }.joined(separator: " and ") + "."
        }
        if let p = peakWindow(hw), p.count > 0 {
            let share = Rate.format(p.count, of: hw.total)
            zh += "可防性案件高发时段为\(HourWeekdayTable.weekdayNamesZh[p.weekday - 1])\(p.start)时至\((p.start + 3) % 24)时（\(p.count)起，占\(share)）。"
            en += " Preventable cases peaked on \(HourWeekdayTable.weekdayNamesEn[p.weekday - 1]) \(p.start):00–\((p.start + 3) % 24):00 (\(p.count), \(share))."
        }
        if !rising.isEmpty {
            zh += (risingIsYoY ? "同比" : "环比") + "升幅较大的社区：" + rising.prefix(3).map { "\($0.name)（\($0.previous)→\($0.current)起，\($0.changeText)）" }.joined(separator: "、") + "，应重点研判、加强防范。"
            en += " Communities rising most " + (risingIsYoY ? "year on year" : "on the previous month") + ": " + rising.prefix(3).map { "\($0.name) (\($0.previous)→\($0.current), \($0.changeText))" }.joined(separator: ", ") + "; they need attention."
        } else { zh += "无明显升幅社区。"; en += " No community rose markedly." }
        if clearance != nil {
            // The same integer rule as the tables (Rate.format): 1/16 is 6.3 %, never "%.1f"'s 6.2.
            let c = Rate.format(prevent.solved, of: prevent.filed)
            zh += "本月可防性案件立案\(prevent.filed)起、破案\(prevent.solved)起，破案率\(c)。"
            en += " \(prevent.filed) preventable cases were filed and \(prevent.solved) solved this month (clearance \(c))."
        }
        return (zh, en)
    }
}

struct AnalysisReportController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get("analysis", "report", use: page)
        routes.get("api", "v1", "analysis", "report", use: api)
    }

    @Sendable func api(req: Request) async throws -> AnalysisReportDTO {
        try await AnalysisReport.build(req, try AnalysisParams(req)).0
    }

    @Sendable func page(req: Request) async throws -> Response {
        try req.require(.viewAnalysis)
        var errors = FieldErrors()
        let p = AnalysisParams(req, errors: &errors)
        let (dto, units, _) = try await AnalysisReport.build(req, p)
        let res = ReportViews.page(req, dto, units: units, params: p, errors: errors, pickers: try await AnalysisData.units(req),
                                   outlines: try await HotspotMap.outlines(req, units: units))
        if !errors.isEmpty { res.status = .unprocessableEntity }
        return res
    }
}
