import Fluent
import SQLKit
import Vapor
import PinganKit

/// 年终考核汇总 (seed 001 四(五): the city publishes monthly and inspects at year end): per station the
/// monthly scores and ranks of the indicator publication, the average and the year's rank, best and worst
/// month, the grid cadres not eligible for "excellent" (seed 003's ladder), the year's safety perception
/// against the year's target (seed 003: 95 % in 2012, 98 % in 2013) with its interval, and the responsibility letters' results.
struct YearStationRow: Content {
    var stationID: String
    var station: String
    var months: [MonthScore]
    var standing: YearStanding
    var yearRank: Int?
    var notEligibleCadres: [String]
    var perception: Double?
    var respondents: Int
    var perceptionLow: Double?
    var perceptionHigh: Double?
    /// The year's target (`AssessmentRules.perceptionTargets`).
    var perceptionTarget: Double
    /// The seed's reading: the year's share ≥ the target; nil without a survey.
    var meetsTarget: Bool?
    /// The Wilson interval against the target (above / indistinguishable / below), a separate judgement; nil without a survey.
    var perceptionStatistical: PerceptionVerdict.Statistical?
    var letters: Int
    var lettersMet: Int
    var lettersNotMet: Int
}

struct YearSummaryReport: Content {
    var year: Int
    /// The last month summarised ("2026-11"); nil when the year has no whole month yet.
    var through: String?
    /// true when `through` is the month in progress (asked for with `through=`).
    var partial: Bool
    var months: [String]
    /// Months scored with today's staffing because no snapshot was recorded for them or before them.
    var monthsOnCurrentStaffing: [String]
    /// How many stations each month ranks (aligned with `months`), so a rank can be read as top or bottom third.
    var rankedPerMonth: [Int]
    var rows: [YearStationRow]
}

enum YearSummaryService {
    static func year(_ req: Request, errors e: inout FieldErrors) -> Int {
        let now = LocalCalendar(timeZoneIdentifier: req.config.timeZone).yearMonth(of: Date())
        // In January the current year has no whole month yet, so the default is the year just ended.
        let fallback = now.month == 1 ? now.year - 1 : now.year
        guard let raw = req.query[String.self, at: "year"]?.nilIfEmpty else { return fallback }
        if let y = Int(raw), (2000...now.year).contains(y) { return y }
        e["year"] = req.t("年份应为 2000–\(now.year)", "The year must be 2000–\(now.year)")
        return fallback
    }

    /// The last month summarised. By default the last whole month: the month in progress holds a few days of
    /// data, and scoring it would move every station's average. `through=YYYY-MM` (in the year, not after this
    /// month) asks for the year so far, the month in progress included. nil: the year has no whole month yet.
    static func through(_ req: Request, year: Int, errors e: inout FieldErrors) -> YearMonth? {
        let now = LocalCalendar(timeZoneIdentifier: req.config.timeZone).yearMonth(of: Date())
        let lastWhole: YearMonth? = year < now.year ? YearMonth(year: year, month: 12) : now.month > 1 ? now.previous : nil
        guard let raw = req.query[String.self, at: "through"]?.nilIfEmpty else { return lastWhole }
        if let m = YearMonth(raw), m.year == year, m <= now { return m }
        e["through"] = req.t("截至月份应在 \(year) 年内且不晚于本月", "The last month must be in \(year) and not after this month")
        return lastWhole
    }

    static func params(_ req: Request) throws -> (year: Int, through: YearMonth?) {
        var e = FieldErrors()
        let y = year(req, errors: &e)
        let t = through(req, year: y, errors: &e)
        if !e.isEmpty { throw e }
        return (y, t)
    }

    static func load(_ req: Request, year: Int, through: YearMonth?) async throws -> YearSummaryReport {
        let now = LocalCalendar(timeZoneIdentifier: req.config.timeZone).yearMonth(of: Date())
        guard let last = through else { return YearSummaryReport(year: year, through: nil, partial: false, months: [], monthsOnCurrentStaffing: [], rankedPerMonth: [], rows: []) }
        let months = (1...last.month).map { YearMonth(year: year, month: $0) }
        let all = try await AnalysisData.units(req.db, scope: .everything)
        let fw = try await IndicatorService.framework(req.db)
        var byStation: [String: [MonthScore]] = [:]
        var names: [String: String] = [:], order: [String] = []
        let staffing = try await StaffingSnapshots.history(req, units: all)
        var onCurrentStaffing: [String] = []
        var rankedPerMonth: [Int] = []
        let usesStaffing = fw.active.contains { $0.metric == .officersInPlace || $0.metric == .officesSetUp }
        // Months are scored independently, so concurrently: while one waits on SQLite another decodes and computes
        // (0.47 s → see bench/EXPORTS.md). The history's live figures are computed once first, so the tasks only read it.
        for m in months { _ = try await staffing.staffing(for: m) }
        let scoredMonths = try await withThrowingTaskGroup(of: (Int, IndicatorService.Scored).self) { group in
            for (i, m) in months.enumerated() {
                group.addTask { (i, try await IndicatorService.score(req, month: m, framework: fw, units: all, staffing: staffing)) }
            }
            var out = [IndicatorService.Scored?](repeating: nil, count: months.count)
            for try await (i, s) in group { out[i] = s }
            return out.compactMap { $0 }
        }
        for (m, scored) in zip(months, scoredMonths) {
            if usesStaffing, m < now, scored.staffingBasis.kind == .current { onCurrentStaffing.append(m.description) }
            rankedPerMonth.append(scored.units.filter { $0.rank != nil }.count)
            for u in scored.units {
                if names[u.id] == nil { names[u.id] = u.name; order.append(u.id) }
                byStation[u.id, default: []].append(MonthScore(month: m.description, score: u.total, rank: u.rank))
            }
        }
        // The year's perception per station and the communities' figures for the letters (index over the year to date).
        let (stationIndex, _) = try await IndexService.districtReport(req.db, timeZone: req.config.timeZone, IndexParams(month: last, months: last.month, level: .station), units: all)
        let (communityIndex, _) = try await IndexService.districtReport(req.db, timeZone: req.config.timeZone, IndexParams(month: last, months: last.month, level: .community), units: all)
        let stationUnit = Dictionary(uniqueKeysWithValues: stationIndex.units.map { ($0.id, $0) })
        let communityUnit = Dictionary(uniqueKeysWithValues: communityIndex.units.map { ($0.id, $0) })
        let stationOf = Dictionary(uniqueKeysWithValues: all.communities.map { (Int($0.id)!, $0.stationID) })

        // Cadres not eligible for "excellent" (年终不评优) at any month of the year.
        struct C: Decodable { var name: String; var community_id: Int }
        var notEligible: [String: [String]] = [:]
        let sql = req.db as! any SQLDatabase
        for c in try await sql.select().distinct().column(SQLColumn("name", table: "c")).column(SQLColumn("community_id", table: "c"))
            .from(SQLAlias(SQLIdentifier("cadre_months"), as: SQLIdentifier("m")))
            .join(SQLAlias(SQLIdentifier("cadres"), as: SQLIdentifier("c")), on: SQLColumn("cadre_id", table: "m"), .equal, SQLColumn("id", table: "c"))
            .where(SQLColumn("month", table: "m"), .greaterThanOrEqual, SQLBind("\(year)-01")).where(SQLColumn("month", table: "m"), .lessThanOrEqual, SQLBind("\(year)-12"))
            .where(SQLColumn("level", table: "m"), .equal, SQLBind(LadderLevel.notEligible.rawValue))
            .all(decoding: C.self) {
            if let s = stationOf[c.community_id] { notEligible[s, default: []].append(c.name) }
        }

        // Responsibility letters of the year: met when every item is met, not met when any item is not.
        var letters: [String: (n: Int, met: Int, notMet: Int)] = [:]
        // unscoped: the year summary ranks every station (rows of stations outside the scope are not shown)
        for l in try await ResponsibilityLetter.query(on: req.db).filter(\.$year == year).all() {
            guard let s = stationOf[l.communityID] else { continue }
            let results = LetterService.results(l.items, communityUnit[String(l.communityID)])
            var t = letters[s] ?? (0, 0, 0)
            t.n += 1
            if results.contains(where: { $0.met == false }) { t.notMet += 1 } else if !results.isEmpty && results.allSatisfy({ $0.met == true }) { t.met += 1 }
            letters[s] = t
        }

        let visible = try await IndexService.visibleStations(req, all)
        let target = try await AssessmentRun.rules(req.db).perceptionTarget(year: year)
        let standings = order.map { YearStanding(byStation[$0] ?? []) }
        let ranks = YearStanding.ranks(standings.map(\.average))
        var rows: [YearStationRow] = []
        for (i, s) in order.enumerated() where visible?.contains(s) ?? true {
            let u = stationUnit[s]
            let k = u?.satisfied ?? 0, n = u?.respondents ?? 0
            let verdict = PerceptionVerdict(safe: k, total: n, target: target)
            let lt = letters[s] ?? (0, 0, 0)
            rows.append(YearStationRow(stationID: s, station: names[s] ?? s, months: byStation[s] ?? [], standing: standings[i], yearRank: ranks[i],
                                       notEligibleCadres: (notEligible[s] ?? []).sorted(), perception: n > 0 ? Double(k) / Double(n) : nil, respondents: n,
                                       perceptionLow: verdict.low, perceptionHigh: verdict.high, perceptionTarget: target,
                                       meetsTarget: verdict.meetsTarget, perceptionStatistical: verdict.statistical,
                                       letters: lt.n, lettersMet: lt.met, lettersNotMet: lt.notMet))
        }
        rows.sort { ($0.yearRank ?? Int.max, $0.station) < ($1.yearRank ?? Int.max, $1.station) }
        return YearSummaryReport(year: year, through: last.description, partial: last == now, months: months.map(\.description), monthsOnCurrentStaffing: onCurrentStaffing, rankedPerMonth: rankedPerMonth, rows: rows)
    }

    static func csv(_ r: YearSummaryReport, chinese: Bool) -> CSVWriter {
        var header = chinese ? ["年度", "年度名次", "派出所", "平均得分", "平均名次", "最好月份", "最好名次", "最差月份", "最差名次"]
            : ["year", "year_rank", "station", "average_score", "average_rank", "best_month", "best_rank", "worst_month", "worst_rank"]
        for m in r.months { header += chinese ? ["\(m)得分", "\(m)名次"] : ["\(m)_score", "\(m)_rank"] }
        header += chinese ? ["安全感", "测评人数", "区间下限", "区间上限", "安全感目标", "达到目标", "统计判断", "不评优包片干部", "责任书", "达标", "未达标"]
            : ["perception", "respondents", "perception_low", "perception_high", "perception_target", "meets_target", "statistical_judgement", "cadres_not_eligible_excellent", "letters", "letters_met", "letters_not_met"]
        var w = CSVWriter(header: header)
        func f(_ x: Double?, _ d: Int) -> String { x.map { Decimals.format($0, places: d) } ?? "" }
        func b(_ x: Bool?) -> String { x.map { $0 ? (chinese ? "是" : "yes") : (chinese ? "否" : "no") } ?? "" }
        for row in r.rows {
            func int(_ x: Int?) -> String { x.map(String.init) ?? "" }
            let best = row.standing.best, worst = row.standing.worst
            var line: [String] = ["\(r.year)", int(row.yearRank), row.station, f(row.standing.average, 1), f(row.standing.averageRank, 1)]
            line += [best?.month ?? "", int(best?.rank), worst?.month ?? "", int(worst?.rank)]
            let byMonth = Dictionary(uniqueKeysWithValues: row.months.map { ($0.month, $0) })
            for m in r.months { line += [f(byMonth[m]?.score, 1), byMonth[m]?.rank.map(String.init) ?? ""] }
            line += [f(row.perception, 4), "\(row.respondents)", f(row.perceptionLow, 4), f(row.perceptionHigh, 4), f(row.perceptionTarget, 4), b(row.meetsTarget),
                     row.perceptionStatistical.map { chinese ? $0.nameZh : $0.nameEn } ?? "",
                     row.notEligibleCadres.joined(separator: "、"), "\(row.letters)", "\(row.lettersMet)", "\(row.lettersNotMet)"]
            w.append(line)
        }
        return w
    }
}

struct YearSummaryController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get("assessment", "year", use: page)
        routes.get("assessment", "year.csv", use: csv)
        routes.get("api", "v1", "assessment", "year", use: api)
    }

    @Sendable func page(req: Request) async throws -> Response {
        try req.require(.viewAssessment)
        var e = FieldErrors()
        let y = YearSummaryService.year(req, errors: &e)
        let t = YearSummaryService.through(req, year: y, errors: &e)
        return YearSummaryViews.page(req, try await YearSummaryService.load(req, year: y, through: t), filterErrors: e)
    }

    @Sendable func csv(req: Request) async throws -> Response {
        try req.require(.viewAssessment)
        let p = try YearSummaryService.params(req)
        let r = try await YearSummaryService.load(req, year: p.year, through: p.through)
        await req.audit("assessment.year.export", entity: "assessment", detail: "year=\(r.year)")
        return CSVResponse.make(filename: "station-year-\(r.year).csv", writer: YearSummaryService.csv(r, chinese: !req.lang.isEnglish))
    }

    @Sendable func api(req: Request) async throws -> YearSummaryReport {
        try req.require(.viewAssessment)
        let p = try YearSummaryService.params(req)
        return try await YearSummaryService.load(req, year: p.year, through: p.through)
    }
}

enum YearSummaryViews {
    /// "2025-01 至 2025-11、2025-12"-style runs of consecutive months ("2025-01", "2025-02", … in order).
    static func monthRuns(_ months: [String], through: String, separator: String) -> String {
        var runs: [(YearMonth, YearMonth)] = []
        for m in months.compactMap(YearMonth.init) {
            if let last = runs.last, last.1.next == m { runs[runs.count - 1].1 = m } else { runs.append((m, m)) }
        }
        return runs.map { $0.0 == $0.1 ? $0.0.description : "\($0.0)\(through)\($0.1)" }.joined(separator: separator)
    }

    /// " tier-top" for the month's top third, " tier-bottom" for its bottom third, "" otherwise.
    static func tierClass(_ rank: Int?, of ranked: Int) -> String {
        guard let rank, ranked >= 3 else { return "" }
        let third = Int((Double(ranked) / 3).rounded(.up))
        return rank <= third ? " tier-top" : rank > ranked - third ? " tier-bottom" : ""
    }

    static func page(_ req: Request, _ r: YearSummaryReport, filterErrors: FieldErrors) -> Response {
        let L = req.lang
        let upTo = r.through.map { L.t("（截至 \($0)）", " (through \($0))") } ?? ""
        let title = L.t("\(r.year) 年度各派出所考核汇总", "Year-end station summary \(r.year)") + upTo
        func pct(_ x: Double?) -> String { IndexViews.pct(x) }
        func verdict(_ x: Bool?) -> Node {
            guard let x else { return .text("—") }
            return x ? .span(.class("badge closed"), .text(L.t("达到", "met"))) : .span(.class("badge received"), .text(L.t("未达到", "not met")))
        }
        let target = r.rows.first?.perceptionTarget
        let rows: [Node] = r.rows.map { row in
            let byMonth = Dictionary(uniqueKeysWithValues: row.months.map { ($0.month, $0) })
            return .tr(.td(.class("num"), .strong(.text(row.yearRank.map(String.init) ?? "—"))), .td(.strong(.text(row.station))),
                       .td(.class("num"), .strong(.text(row.standing.average.map { Decimals.format($0, places: 1) } ?? "—"))),
                       .group(r.months.enumerated().map { i, m in
                           let s = byMonth[m]
                           return .td(.class("num" + tierClass(s?.rank, of: i < r.rankedPerMonth.count ? r.rankedPerMonth[i] : 0)), .text(s?.score.map { Decimals.format($0, places: 1) } ?? "—"),
                                      .div(.class("small muted"), .text(s?.rank.map { L.t("第\($0)", "#\($0)") } ?? "")))
                       }),
                       .td(.text(row.standing.best.map { "\($0.month) (\(L.t("第", "#"))\($0.rank ?? 0)\(L.t("名", "")))" } ?? "—")),
                       .td(.text(row.standing.worst.map { "\($0.month) (\(L.t("第", "#"))\($0.rank ?? 0)\(L.t("名", "")))" } ?? "—")))
        }
        let other: [Node] = r.rows.map { row in
            .tr(.td(.strong(.text(row.station))),
                .td(.class("num"), .text(row.respondents > 0 ? "\(pct(row.perception)) (n=\(row.respondents))" : L.t("无测评", "no survey"))),
                .td(.class("num"), .text(row.perceptionLow.map { "\(pct($0)) – \(pct(row.perceptionHigh))" } ?? "—")),
                .td(verdict(row.meetsTarget)), .td(.class("small"), .text(row.perceptionStatistical.map { L.t($0.nameZh, $0.nameEn) } ?? "—")),
                .td(.text(row.notEligibleCadres.isEmpty ? L.t("无", "none") : row.notEligibleCadres.joined(separator: "、"))),
                .td(.class("num"), .text(row.letters == 0 ? "—" : L.t("\(row.letters) 份：达标 \(row.lettersMet)，未达标 \(row.lettersNotMet)", "\(row.letters): \(row.lettersMet) met, \(row.lettersNotMet) not met"))))
        }
        let now = LocalCalendar(timeZoneIdentifier: req.config.timeZone).yearMonth(of: Date())
        let lastMonth = r.year < now.year ? 12 : now.month
        let throughOptions = [("", L.t("最近一个完整月（默认）", "Last whole month (default)"))]
            + (1...lastMonth).map { m -> (String, String) in
                let ym = YearMonth(year: r.year, month: m).description
                return (ym, r.year == now.year && m == now.month ? ym + L.t("（本月，至今日）", " (this month, to date)") : ym)
            }
        let throughQuery = r.partial ? "&through=\(r.through ?? "")" : ""
        let years = (max(2000, r.year - 5)...max(r.year, LocalCalendar(timeZoneIdentifier: req.config.timeZone).yearMonth(of: Date()).year)).reversed().map { ("\($0)", "\($0)") }
        return .page(req, title: title, status: filterErrors.isEmpty ? .ok : .unprocessableEntity,
            AssessmentViews.tabs(req, active: "/assessment/year"),
            AssessmentViews.toolbar(req, title, csv: "/assessment/year.csv?year=\(r.year)" + throughQuery),
            StaffingViews.alert(req, filterErrors),
            .form(.method("get"), .action("/assessment/year"), .class("filters no-print"),
                  .label(.text(L.t("年度", "Year")), Form.select("year", years, selected: "\(r.year)")),
                  .label(.text(L.t("截至", "Through")), Form.select("through", throughOptions, selected: r.partial ? (r.through ?? "") : "")), .button(.type("submit"), .text(L.t("查询", "Show")))),
            .p(.class("small muted"), .text(L.t("每月得分与名次即当月通报（按考核指标计算，全区排名）；年度名次按平均得分。安全感为全年测评合计，达到或超过本年目标即为“达到”（目标按年设置，见考核规则）；Wilson 95% 区间与统计判断作为参考，另列一栏。",
                                               "Monthly scores and ranks are each month's publication (scored on the indicators, district-wide); the year's rank is by average score. Perception totals the year's surveys: at or above the year's target (set per year in the rules) → met; the Wilson 95% interval and its statistical judgement are shown beside it for reference."))),
            r.partial ? .p(.class("alert warn"), .text(L.t("\(r.through ?? "") 尚未结束：本月得分只反映到今天为止的记录，并计入平均得分与年度名次。",
                                                        "\(r.through ?? "") is not over: its score reflects the records to date only, and it counts in the average and the year's rank."))) : .empty,
            r.monthsOnCurrentStaffing.isEmpty ? .empty : .p(.class("alert warn"), .text(L.t(
                "\(monthRuns(r.monthsOnCurrentStaffing, through: " 至 ", separator: "、")) 没有编制快照：这些月份的“在岗民警”“警务室”两项按当前配备计算，可能与当时不同。",
                "No staffing snapshot for \(monthRuns(r.monthsOnCurrentStaffing, through: " to ", separator: ", ")): officers and offices in those months are today's figures and may differ from what they were."))),
            r.through == nil ? .div(.class("empty"), .text(L.t("\(r.year) 年还没有完整的月份；可在“截至”中选择本月查看至今的情况，或查看上一年度。",
                                                               "\(r.year) has no whole month yet: choose this month under “Through” for the year to date, or look at last year.")))
            : r.rows.isEmpty ? .div(.class("empty"), .text(L.t("没有可汇总的派出所（须整个派出所在您的辖区内）。", "No station to summarise (a station must lie wholly in your jurisdiction).")))
                : .group([
                    Charts.bars(r.rows.filter { $0.standing.average != nil }.map { Charts.Bar(label: $0.station, values: [$0.standing.average ?? 0]) },
                                series: [L.t("平均得分（按年度名次排列）", "Average score (in order of the year's rank)")],
                                title: L.t("\(r.year) 年各派出所平均得分", "Average score per station, \(r.year)"), limit: 30,
                                from: max(0, ((r.rows.compactMap(\.standing.average).min() ?? 0) - 5) / 5).rounded(.down) * 5,
                                figure: { Decimals.format($0, places: 1) }, L),
                    .p(.class("small muted"), .text(L.t("下表每月得分中，绿色为当月排名前三分之一，橙色为后三分之一。",
                                                       "In the monthly scores below, green is the month's top third and orange its bottom third."))),
                    .div(.class("scroll"), .table(.class("data wide"),
                        .thead(.tr(.th(.class("num"), .text(L.t("年度名次", "Year rank"))), .th(.text(L.t("派出所", "Station"))), .th(.class("num"), .text(L.t("平均得分", "Average"))),
                                   .group(r.months.map { m in .th(.class("num"), .text(String(m.suffix(2)) + L.t("月", ""))) }),
                                   .th(.text(L.t("最好", "Best"))), .th(.text(L.t("最差", "Worst"))))),
                        .element("tbody", rows))),
                    .h2(.text(L.t("安全感、不评优包片干部与责任书", "Perception, cadres not eligible for excellent, letters"))),
                    .table(.class("data"),
                        .thead(.tr(.th(.text(L.t("派出所", "Station"))), .th(.class("num"), .text(L.t("全年安全感", "Perception (year)"))), .th(.class("num"), .text(L.t("95% 区间", "95% interval"))),
                                   .th(.text(L.t("目标 ", "Target ") + (target.map { pct($0) } ?? "—"))), .th(.text(L.t("统计判断", "Statistical judgement"))),
                                   .th(.text(L.t("年终不评优的包片干部", "Cadres not eligible for excellent"))), .th(.class("num"), .text(L.t("责任书", "Letters"))))),
                        .element("tbody", other)),
                ]))
    }
}
