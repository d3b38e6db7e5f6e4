import Fluent
import SQLKit
import Vapor
import PinganKit

/// 每月通报 (seed 001 四(五): the city publishes each station's progress every month): every station's indicators
/// of the district's framework (`/assessment/indicators`), its score, rank and the change from last month.
/// Printable and CSV. Shown alongside, not scored unless the framework says so: preventable cases with
/// 环比/同比, solved/filed, the composite safety index.
struct PublicationRow: Content {
    var stationID: String
    var station: String
    /// A station wholly in the reader's jurisdiction: the page marks it among the others.
    var own: Bool
    /// Weighted mean of the applicable indicators' scores (0–100); nil when none applies.
    var score: Double?
    var rank: Int?
    var previousRank: Int?
    var rankChange: Int?
    var indicators: [IndicatorCell]
    var cases: Int
    var casesPreviousMonth: Int
    var casesLastYear: Int
    var monthOnMonth: String
    var yearOnYear: String
    var per10k: Double?
    var solved: Int
    var filed: Int
    var clearanceShrunk: Double?
    var perception: Double?
    var respondents: Int
    var mediationAgreed: Int
    var mediationClosed: Int
    var mediationSuccess: String
    var officersInPlace: Int?
    var officersRequired: Int?
    var composite: Double?
}

struct Publication: Content {
    var month: String
    /// The indicators scored, in the framework's order (names, directions, targets, weights).
    var indicators: [IndicatorDefinition]
    var hotGrids: Int
    /// The month's officers-in-place figures: its staffing snapshot or, when none was recorded, today's.
    var staffingBasis: StaffingBasis
    var rows: [PublicationRow]
}

enum PublicationService {
    static func load(_ req: Request, month: YearMonth) async throws -> Publication {
        let all = try await AnalysisData.units(req.db, scope: .everything)
        let fw = try await IndicatorService.framework(req.db)
        let staffing = try await StaffingSnapshots.history(req, units: all)   // loaded once for both months
        let cur = try await IndicatorService.score(req, month: month, framework: fw, units: all, staffing: staffing)
        let prev = try await IndicatorService.score(req, month: month.previous, framework: fw, units: all, staffing: staffing)
        let prevRank = Dictionary(uniqueKeysWithValues: prev.units.map { ($0.id, $0.rank) })
        let visible = try await IndexService.visibleStations(req, all)
        // The publication is the district's own communiqué to every station (seed 001: the ranking is published), so
        // each reader sees the whole ranking, their own stations marked; stations' figures are aggregates, no person's.
        let rows = cur.units.map { u in
            let s = u.id, ix = cur.index[s]
            let now = cur.cases.now[s] ?? 0, before = cur.cases.previous[s] ?? 0, lastYear = cur.cases.lastYear[s] ?? 0
            let pop = cur.population[s] ?? 0
            let agreed = cur.mediation.agreed[s] ?? 0, closed = cur.mediation.closed[s] ?? 0
            let pr = prevRank[s] ?? nil
            return PublicationRow(stationID: s, station: u.name, own: visible?.contains(s) ?? true, score: u.total, rank: u.rank, previousRank: pr,
                                  rankChange: pr.flatMap { p in u.rank.map { p - $0 } }, indicators: u.cells,
                                  cases: now, casesPreviousMonth: before, casesLastYear: lastYear,
                                  monthOnMonth: PercentChange.format(current: now, previous: before), yearOnYear: PercentChange.format(current: now, previous: lastYear),
                                  per10k: pop > 0 ? Double(now) / Double(pop) * 10_000 : nil,
                                  solved: ix?.solved ?? 0, filed: ix?.filed ?? 0, clearanceShrunk: ix?.clearanceShrunk, perception: ix?.perception, respondents: ix?.respondents ?? 0,
                                  mediationAgreed: agreed, mediationClosed: closed, mediationSuccess: Rate.format(agreed, of: closed),
                                  officersInPlace: cur.staffing[s]?.officers.inPlace, officersRequired: cur.staffing[s]?.officers.required, composite: ix?.composite)
        }
        return Publication(month: month.description, indicators: fw.active, hotGrids: cur.hotGrids, staffingBasis: cur.staffingBasis, rows: rows)
    }

    /// "95.0%", "3.21", "−13.8%", "72.5": an indicator's value as the publication prints it.
    static func format(_ metric: IndicatorMetric, _ v: Double?) -> String {
        guard let v else { return "—" }
        switch metric.unit {
        case .share: return Decimals.percent(v)
        case .change: return Decimals.signedPercent(v)
        case .per10k: return Decimals.format(v, places: 2)
        case .points: return Decimals.format(v, places: 1)
        }
    }

    static func csv(_ p: Publication, chinese: Bool) -> CSVWriter {
        var header = chinese ? ["月份", "排名", "上月排名", "名次变化", "派出所", "总分"] : ["month", "rank", "previous_rank", "rank_change", "station", "score"]
        for d in p.indicators {
            let n = d.displayName(english: !chinese)
            header += chinese ? [n, n + "得分"] : [d.metric.rawValue, d.metric.rawValue + "_score"]
        }
        header += chinese ? ["可防性案件", "上月", "环比", "去年同月", "同比", "每万人", "破案", "立案", "调解成功", "调结", "综合指数"]
            : ["cases", "cases_previous_month", "month_on_month", "cases_last_year", "year_on_year", "per_10k", "solved", "filed", "mediation_agreed", "mediation_closed", "composite_index"]
        var w = CSVWriter(header: header)
        func f(_ x: Double?, _ d: Int = 3) -> String { x.map { String(format: "%.\(d)f", $0) } ?? "" }
        for r in p.rows {
            var line = [p.month, r.rank.map(String.init) ?? "", r.previousRank.map(String.init) ?? "", r.rankChange.map { ($0 > 0 ? "+" : "") + String($0) } ?? "", r.station, f(r.score, 1)]
            for c in r.indicators { line += [f(c.value, 4), f(c.score, 1)] }
            line += ["\(r.cases)", "\(r.casesPreviousMonth)", r.monthOnMonth, "\(r.casesLastYear)", r.yearOnYear, f(r.per10k, 2), "\(r.solved)", "\(r.filed)",
                     "\(r.mediationAgreed)", "\(r.mediationClosed)", f(r.composite, 1)]
            w.append(line)
        }
        return w
    }
}

struct PublicationController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get("assessment", "publication", use: page)
        routes.get("assessment", "publication.csv", use: csv)
        routes.get("api", "v1", "assessment", "publication", use: api)
    }

    @Sendable func page(req: Request) async throws -> Response {
        try req.require(.viewAssessment)
        var e = FieldErrors()
        let month = AssessmentService.month(req, errors: &e)
        return PublicationViews.page(req, try await PublicationService.load(req, month: month), filterErrors: e)
    }

    @Sendable func csv(req: Request) async throws -> Response {
        try req.require(.viewAssessment)
        let p = try await PublicationService.load(req, month: try AssessmentService.month(req))
        await req.audit("assessment.publication.export", entity: "assessment", detail: "month=\(p.month)")
        return CSVResponse.make(filename: "station-publication-\(p.month).csv", writer: PublicationService.csv(p, chinese: !req.lang.isEnglish))
    }

    @Sendable func api(req: Request) async throws -> Publication {
        try req.require(.viewAssessment)
        return try await PublicationService.load(req, month: try AssessmentService.month(req))
    }
}

enum PublicationViews {
    /// Says where the staffing indicators' figures come from when the framework scores staffing.
    static func staffingNote(_ req: Request, _ p: Publication) -> Node {
        guard p.indicators.contains(where: { $0.metric == .officersInPlace || $0.metric == .officesSetUp }) else { return .empty }
        let now = LocalCalendar(timeZoneIdentifier: req.config.timeZone).yearMonth(of: Date()).description
        let text = p.staffingBasis.describe(req, month: p.month)
        if p.staffingBasis.kind == .current && p.month < now {
            return .p(.class("alert warn"), .text(text + req.t("：该月没有编制快照，可能与当时不同。", ": no staffing snapshot was recorded for this month, so they may differ from what they were.")))
        }
        return .p(.class("small muted"), .text(text + req.t("。", ".")))
    }

    static func page(_ req: Request, _ p: Publication, filterErrors: FieldErrors) -> Response {
        let L = req.lang
        let title = L.t("各派出所平安建设工作进展通报 \(p.month)", "Monthly station publication \(p.month)")
        func change(_ r: PublicationRow) -> Node {
            guard let c = r.rankChange else { return .text(r.rank == nil ? "—" : L.t("新", "new")) }
            return c > 0 ? .span(.class("badge closed"), .text("↑\(c)")) : c < 0 ? .span(.class("badge received"), .text("↓\(-c)")) : .text("—")
        }
        func cell(_ c: IndicatorCell) -> Node {
            var detail = ""
            if let n = c.numerator, let d = c.denominator, d > 0, c.metric.unit == .share, c.metric != .hotGridPatrolShare, c.metric != .clearance, c.metric != .perception {
                detail = "\(Int(n))/\(Int(d))"
            }
            guard let score = c.score else { return .td(.class("num muted"), .attr("title", L.t("本月无数据，不计分", "No data this month: not scored")), .text("—")) }
            return .td(.class("num"), detail.isEmpty ? .empty : .attr("title", detail), .text(PublicationService.format(c.metric, c.value)),
                       .div(.class("small muted"), .text(Decimals.format(score, places: 0) + L.t("分", " pts"))))
        }
        let visibleCount = p.rows.filter(\.own).count
        let rows: [Node] = p.rows.map { r in
            .tr(.if(r.own && visibleCount < p.rows.count, .class("mine")), .td(.class("num"), .strong(.text(r.rank.map(String.init) ?? "—"))), .td(change(r)),
                .td(.strong(.text(r.station)), .if(r.own && visibleCount < p.rows.count, .span(.class("badge gen"), .text(L.t(" 本所", " yours"))))),
                .td(.class("num"), .strong(.text(r.score.map { Decimals.format($0, places: 1) } ?? "—"))),
                .group(r.indicators.map(cell)))
        }
        let detailRows: [Node] = p.rows.map { r in
            .tr(.td(.text(r.station)), .td(.class("num"), .text("\(r.cases)")), .td(.class("num"), .text(r.monthOnMonth)), .td(.class("num"), .text(r.yearOnYear)),
                .td(.class("num"), .text(r.per10k.map { Decimals.format($0, places: 2) } ?? "—")), .td(.class("num"), .text("\(r.solved)/\(r.filed)")),
                .td(.class("num"), .text("\(r.mediationSuccess) (\(r.mediationAgreed)/\(r.mediationClosed))")),
                .td(.class("num"), .text(r.composite.map { Decimals.format($0, places: 1) } ?? "—")))
        }
        let weights = p.indicators.map(\.weight).reduce(0, +)
        let legend = p.indicators.map { d in
            "\(d.displayName(english: L.isEnglish)) \(L.t("权重", "weight")) \(String(format: "%g", d.weight))（\(L.t("目标", "target")) \(PublicationService.format(d.metric, d.target))，\(L.t("零分线", "zero")) \(PublicationService.format(d.metric, d.zero))）"
        }.joined(separator: L.t("；", "; "))
        return .page(req, title: title, status: filterErrors.isEmpty ? .ok : .unprocessableEntity,
            AssessmentViews.tabs(req, active: "/assessment/publication"),
            AssessmentViews.toolbar(req, title, csv: "/assessment/publication.csv?month=\(p.month)"),
            StaffingViews.alert(req, filterErrors),
            AssessmentViews.monthFilter(req, action: "/assessment/publication", month: p.month),
            .p(.class("small muted"), .text(L.t("总分为各项指标得分的加权平均（0–100；达到目标得满分，到零分线不得分，其间按比例）；某项本月无数据（“—”）时不计入，权重按其余指标重新分配。名次为全区排名，变化与上月相比。",
                                               "The score is the weighted mean of the indicator scores (0–100: the target earns full marks, the zero point none, linear between); an indicator with no data this month (“—”) is left out and the other weights rescaled. Ranks are district-wide, change against last month."))),
            staffingNote(req, p),
            .details(.class("small"), .summary(.text(L.t("指标、目标与权重（权重合计 \(String(format: "%g", weights))）", "Indicators, targets and weights (total \(String(format: "%g", weights)))"))),
                     .p(.text(legend + " "), .a(.href("/assessment/indicators"), .text(L.t("修改考核指标 →", "Edit the indicators →"))))),
            rows.isEmpty ? .div(.class("empty"), .text(L.t("没有可通报的派出所。", "No station to publish.")))
                : .div(.class("scroll"), .table(.class("data wide publication"),
                    .thead(.tr(.th(.class("num"), .text(L.t("名次", "Rank"))), .th(.text(L.t("变化", "Change"))), .th(.text(L.t("派出所", "Station"))),
                               .th(.class("num"), .text(L.t("总分", "Score"))),
                               .group(p.indicators.map { d in .th(.class("num"), .text(d.displayName(english: L.isEnglish))) }))),
                    .element("tbody", rows))),
            rows.isEmpty ? .empty : .section(
                .h2(.text(L.t("案件与调解明细（供参考）", "Cases and mediation (for reference)"))),
                .table(.class("data"), .thead(.tr(.th(.text(L.t("派出所", "Station"))), .th(.class("num"), .text(L.t("可防性案件", "Preventable"))),
                                                   .th(.class("num"), .text(L.t("环比", "MoM"))), .th(.class("num"), .text(L.t("同比", "YoY"))),
                                                   .th(.class("num"), .text(L.t("每万人", "Per 10k"))), .th(.class("num"), .text(L.t("其中已破/本月立案", "Of them solved / filed"))),
                                                   .th(.class("num"), .text(L.t("调解成功率", "Mediation"))), .th(.class("num"), .text(L.t("综合平安指数", "Composite index"))))),
                       .element("tbody", detailRows)),
                .p(.class("small muted"), .text(L.t("“本月立案”是本月立案的可防性案件，“其中已破”是这批案件到今天已破的起数（研判预警页的“破案”是本月内破的全部案件，可含以前立案的，所以数字不同）。修匀破案率：案件少的单位一两起就会让破案率大起大落，所以按案件多少把它向全区破案率拉近（经验贝叶斯）；案件越多，越接近它自己的比例。",
                                                    "“Filed” is this month's filed preventable cases and “of them solved” how many of those are solved by today (the analysis page's “solved” counts every case solved this month, including earlier ones, so the figures differ). Smoothed clearance: with few cases one or two swing the rate, so it is pulled toward the district's rate in proportion to how few cases there are (empirical Bayes); the more cases, the closer it stays to the unit's own ratio.")))))
    }
}
