import Fluent
import SQLKit
import Vapor
import PinganKit

/// 每月通报 (seed 001 四(五): the city publishes each station's progress every month): every station's indicators,
/// its composite score, rank and the change from last month. Printable and CSV.
/// Scored: the composite index of the month (crime O/E, clearance, perception; weights in the rules).
/// Shown alongside, not scored: preventable cases with 环比/同比, mediation success, officers in place vs required.
struct PublicationRow: Content {
    var stationID: String
    var station: String
    var cases: Int
    var casesPreviousMonth: Int
    var casesLastYear: Int
    var monthOnMonth: String
    var yearOnYear: String
    var per10k: Double?
    var solved: Int
    var filed: Int
    var clearanceShrunk: Double
    var perception: Double?
    var respondents: Int
    var mediationAgreed: Int
    var mediationClosed: Int
    var mediationSuccess: String
    var officersInPlace: Int?
    var officersRequired: Int?
    var composite: Double
    var rank: Int
    var previousRank: Int?
    var rankChange: Int?
}

struct Publication: Content { var month: String; var rows: [PublicationRow] }

enum PublicationService {
    static func load(_ req: Request, month: YearMonth) async throws -> Publication {
        let cur = try await IndexService.load(req, IndexParams(month: month, months: 1, level: .station))
        let prev = try await IndexService.load(req, IndexParams(month: month.previous, months: 1, level: .station))
        let prevRank = Dictionary(uniqueKeysWithValues: prev.report.units.map { ($0.id, $0.rank) })
        let all = try await AnalysisData.units(req.db, scope: .everything)
        let stationOf = Dictionary(uniqueKeysWithValues: all.communities.map { (Int($0.id)!, $0.stationID) })
        let cal = LocalCalendar(timeZoneIdentifier: req.config.timeZone)
        func byStation(_ m: YearMonth) async throws -> [String: Int] {
            var out: [String: Int] = [:]
            for (c, n) in try await AnalysisData.countsByCommunity(req.db, range: cal.monthRange(m), units: all, preventableOnly: true) {
                if let s = stationOf[c] { out[s, default: 0] += n }
            }
            return out
        }
        let now = try await byStation(month), before = try await byStation(month.previous), lastYear = try await byStation(month.sameMonthLastYear)
        // 调解成功率: closed this month with an agreement, of those closed with agreement or failure (withdrawals excluded).
        struct D: Decodable { var community_id: Int; var outcome: String?; var n: Int }
        let r = cal.monthRange(month)
        var agreed: [String: Int] = [:], closed: [String: Int] = [:]
        for d in try await (req.db as! any SQLDatabase).select().column("community_id").column("outcome").column(SQLFunction("COUNT", args: SQLLiteral.all), as: "n")
            .from("disputes").where(SQLColumn("closed_at"), .greaterThanOrEqual, SQLBind(r.lowerBound)).where(SQLColumn("closed_at"), .lessThan, SQLBind(r.upperBound))
            .groupBy("community_id").groupBy("outcome").all(decoding: D.self) {
            guard let s = stationOf[d.community_id], let o = d.outcome, o != DisputeOutcome.withdrawn.rawValue else { continue }
            closed[s, default: 0] += d.n
            if o == DisputeOutcome.agreement.rawValue { agreed[s, default: 0] += d.n }
        }
        // Staffing from the planner, in the user's scope (a station fully in scope has the same totals as district-wide).
        var staffing: [String: StaffingFigure] = [:]
        if try req.user.role.can(.viewForces) {
            let plan = try await StaffingService.load(req, .init()).plan
            for s in plan.stations { staffing[s.stationCode] = s.totals.officers }
        }
        let rows = cur.report.units.map { u in
            let pr = prevRank[u.id]
            return PublicationRow(stationID: u.id, station: u.name, cases: now[u.id] ?? 0, casesPreviousMonth: before[u.id] ?? 0, casesLastYear: lastYear[u.id] ?? 0,
                                  monthOnMonth: PercentChange.format(current: now[u.id] ?? 0, previous: before[u.id] ?? 0),
                                  yearOnYear: PercentChange.format(current: now[u.id] ?? 0, previous: lastYear[u.id] ?? 0),
                                  per10k: u.population > 0 ? Double(now[u.id] ?? 0) / Double(u.population) * 10_000 : nil,
                                  solved: u.solved, filed: u.filed, clearanceShrunk: u.clearanceShrunk, perception: u.perception, respondents: u.respondents,
                                  mediationAgreed: agreed[u.id] ?? 0, mediationClosed: closed[u.id] ?? 0,
                                  mediationSuccess: Rate.format(agreed[u.id] ?? 0, of: closed[u.id] ?? 0),
                                  officersInPlace: staffing[u.name]?.inPlace, officersRequired: staffing[u.name]?.required,
                                  composite: u.composite, rank: u.rank, previousRank: pr, rankChange: pr.map { $0 - u.rank })
        }
        return Publication(month: month.description, rows: rows)
    }

    static func csv(_ p: Publication, chinese: Bool) -> CSVWriter {
        var w = CSVWriter(header: chinese
            ? ["月份", "排名", "上月排名", "名次变化", "派出所", "综合得分", "可防性案件", "上月", "环比", "去年同月", "同比", "每万人", "破案", "立案", "修匀破案率", "安全感", "测评人数", "调解成功", "调结", "调解成功率", "民警在岗", "民警应配"]
            : ["month", "rank", "previous_rank", "rank_change", "station", "composite", "cases", "cases_previous_month", "month_on_month", "cases_last_year", "year_on_year",
               "per_10k", "solved", "filed", "clearance_shrunk", "perception", "respondents", "mediation_agreed", "mediation_closed", "mediation_success", "officers_in_place", "officers_required"])
        func f(_ x: Double?, _ d: Int = 3) -> String { x.map { String(format: "%.\(d)f", $0) } ?? "" }
        for r in p.rows {
            w.append([p.month, "\(r.rank)", r.previousRank.map(String.init) ?? "", r.rankChange.map { ($0 > 0 ? "+" : "") + String($0) } ?? "", r.station, f(r.composite, 1),
                      "\(r.cases)", "\(r.casesPreviousMonth)", r.monthOnMonth, "\(r.casesLastYear)", r.yearOnYear, f(r.per10k, 2), "\(r.solved)", "\(r.filed)",
                      f(r.clearanceShrunk), f(r.perception), "\(r.respondents)", "\(r.mediationAgreed)", "\(r.mediationClosed)", r.mediationSuccess,
                      r.officersInPlace.map(String.init) ?? "", r.officersRequired.map(String.init) ?? ""])
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
    static func page(_ req: Request, _ p: Publication, filterErrors: FieldErrors) -> Response {
        let L = req.lang
        let title = L.t("各派出所平安建设工作进展通报 \(p.month)", "Monthly station publication \(p.month)")
        func pct(_ x: Double?) -> String { IndexViews.pct(x) }
        let rows: [Node] = p.rows.map { r in
            let change: Node = r.rankChange.map { c in c > 0 ? .span(.class("badge closed"), .text("↑\(c)")) : c < 0 ? .span(.class("badge received"), .text("↓\(-c)")) : .text("—") } ?? .text(L.t("新", "new"))
            return .tr(.td(.class("num"), .strong(.text("\(r.rank)"))), .td(change), .td(.strong(.text(r.station))), .td(.class("num"), .text(String(format: "%.1f", r.composite))),
                       .td(.class("num"), .text("\(r.cases)")), .td(.class("num"), .text(r.monthOnMonth)), .td(.class("num"), .text(r.yearOnYear)),
                       .td(.class("num"), .text(r.per10k.map { String(format: "%.2f", $0) } ?? "—")),
                       .td(.class("num"), .text("\(r.solved)/\(r.filed)")), .td(.class("num"), .text(pct(r.clearanceShrunk))),
                       .td(.class("num"), .text(r.respondents > 0 ? "\(pct(r.perception)) (n=\(r.respondents))" : "—")),
                       .td(.class("num"), .text("\(r.mediationSuccess) (\(r.mediationAgreed)/\(r.mediationClosed))")),
                       .td(.class("num"), .text(r.officersInPlace.map { "\($0)/\(r.officersRequired ?? 0)" } ?? "—")))
        }
        return .page(req, title: title, status: filterErrors.isEmpty ? .ok : .unprocessableEntity,
            AssessmentViews.tabs(req, active: "/assessment/publication"),
            AssessmentViews.toolbar(req, title, csv: "/assessment/publication.csv?month=\(p.month)"),
            StaffingViews.alert(req, filterErrors),
            AssessmentViews.monthFilter(req, action: "/assessment/publication", month: p.month),
            .p(.class("small muted"), .text(L.t("综合得分为本月综合平安指数（案件实际/预期、修匀破案率、安全感，权重见考核规则），名次为全区排名，变化与上月相比；案件、调解、警力配备列出供参考。",
                                               "The score is the month's composite safety index (crime O/E, shrunk clearance, perception; weights in the rules); ranks are district-wide, change against last month; cases, mediation and staffing are shown for reference."))),
            rows.isEmpty ? .div(.class("empty"), .text(L.t("没有可通报的派出所（须整个派出所在您的辖区内）。", "No station to publish (a station must lie wholly in your jurisdiction).")))
                : .table(.class("data"), .thead(.tr(.th(.class("num"), .text(L.t("名次", "Rank"))), .th(.text(L.t("变化", "Change"))), .th(.text(L.t("派出所", "Station"))),
                                                   .th(.class("num"), .text(L.t("得分", "Score"))), .th(.class("num"), .text(L.t("可防性案件", "Preventable"))),
                                                   .th(.class("num"), .text(L.t("环比", "MoM"))), .th(.class("num"), .text(L.t("同比", "YoY"))),
                                                   .th(.class("num"), .text(L.t("每万人", "Per 10k"))), .th(.class("num"), .text(L.t("破案/立案", "Solved/filed"))),
                                                   .th(.class("num"), .text(L.t("修匀破案率", "Clearance (EB)"))), .th(.class("num"), .text(L.t("安全感", "Perception"))),
                                                   .th(.class("num"), .text(L.t("调解成功率", "Mediation"))), .th(.class("num"), .text(L.t("民警在岗/应配", "Officers in place/required"))))),
                         .element("tbody", rows)))
    }
}
