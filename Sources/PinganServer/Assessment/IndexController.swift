import Fluent
import Vapor
import PinganKit

/// 综合平安指数 with its funnel plot, and the safety-perception results (安全感测评) it reads.
struct IndexController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get("assessment", "index", use: page)
        routes.get("assessment", "index.csv", use: csv)
        routes.get("api", "v1", "assessment", "index", use: api)
        routes.get("assessment", "perception", use: perception)
        routes.post("assessment", "perception", use: createPerception)
        routes.get("api", "v1", "assessment", "perception", use: perceptionAPI)
        routes.post("api", "v1", "assessment", "perception", use: createPerceptionAPI)
    }

    @Sendable func page(req: Request) async throws -> Response {
        try req.require(.viewAssessment)
        var e = FieldErrors()
        let p = IndexParams(req, errors: &e)
        return IndexViews.index(req, try await IndexService.load(req, p), params: p, filterErrors: e)
    }

    @Sendable func csv(req: Request) async throws -> Response {
        try req.require(.viewAssessment)
        let page = try await IndexService.load(req, try IndexParams(req))
        await req.audit("assessment.index.export", entity: "assessment", detail: req.url.query ?? "")
        return CSVResponse.make(filename: "safety-index-\(page.level.rawValue)-\(page.month).csv", writer: IndexService.csv(page, chinese: !req.lang.isEnglish))
    }

    @Sendable func api(req: Request) async throws -> IndexPage {
        try req.require(.viewAssessment)
        return try await IndexService.load(req, try IndexParams(req))
    }

    static func year(_ req: Request, errors e: inout FieldErrors) -> Int {
        let cal = LocalCalendar(timeZoneIdentifier: req.config.timeZone)
        let current = cal.yearMonth(of: Date()).year
        guard let raw = req.query[String.self, at: "year"]?.nilIfEmpty else { return current }
        if let y = Int(raw), (2000...2100).contains(y) { return y }
        e["year"] = req.t("年份应为 2000–2100", "Year must be 2000–2100")
        return current
    }

    func perceptionPage(_ req: Request, input: PerceptionInput = PerceptionInput(), errors: FieldErrors = FieldErrors()) async throws -> Response {
        var fe = FieldErrors()
        let year = Self.year(req, errors: &fe)
        let rows = try await IndexService.perception(req, year: year)
        let targets = try await AssessmentRun.rules(req.db).perceptionTargets
        return IndexViews.perception(req, year: year, rows: rows, target: targets.target(for: year), targetYear: targets.sourceYear(for: year) ?? year,
                                     communities: try await DivisionLookup.communities(req), input: input, errors: errors, filterErrors: fe,
                                     canEdit: try req.user.role.can(.editFourChecks))
    }

    @Sendable func perception(req: Request) async throws -> Response {
        try req.require(.viewAssessment)
        return try await perceptionPage(req)
    }

    @Sendable func createPerception(req: Request) async throws -> Response {
        try req.require(.editFourChecks)
        let input = try req.content.decode(PerceptionInput.self)
        do {
            let r = try await IndexService.createPerception(req, input)
            return req.redirect(to: "/assessment/perception?year=\(r.period.prefix(4))")
        } catch let e as FieldErrors {
            return try await perceptionPage(req, input: input, errors: e)
        }
    }

    @Sendable func perceptionAPI(req: Request) async throws -> [IndexService.PerceptionRow] {
        try req.require(.viewAssessment)
        var e = FieldErrors()
        let year = Self.year(req, errors: &e)
        guard e.isEmpty else { throw e }
        return try await IndexService.perception(req, year: year)
    }

    struct Created: Content { var id: Int; var communityID: Int; var period: String; var respondents: Int; var satisfied: Int; var source: String }
    @Sendable func createPerceptionAPI(req: Request) async throws -> Response {
        try req.require(.editFourChecks)
        let r = try await IndexService.createPerception(req, try req.content.decode(PerceptionInput.self))
        return try await Created(id: r.id!, communityID: r.communityID, period: r.period, respondents: r.respondents, satisfied: r.satisfied, source: r.source)
            .encodeResponse(status: .created, for: req)
    }
}

enum IndexViews {
    static func pct(_ x: Double?) -> String { x.map { Decimals.percent($0) } ?? "—" }

    /// Funnel plot: O/E against expected harm, with 95% and 99.8% limits around 1 (Spiegelhalter 2005).
    static func funnel(_ req: Request, _ r: IndexReport) -> Node {
        let L = req.lang
        let w = 760.0, h = 360.0, left = 52.0, right = 16.0, top = 14.0, bottom = 42.0
        let pts = r.units.filter { $0.expected > 0 && $0.ratio != nil }
        guard !pts.isEmpty else { return .empty }
        let maxE = (pts.map(\.expected).max() ?? 1) * 1.05
        let maxY = max(2.0, min(6.0, (pts.compactMap(\.ratio).max() ?? 1) * 1.1))
        let pw = w - left - right, ph = h - top - bottom
        func x(_ e: Double) -> Double { left + e / maxE * pw }
        func y(_ v: Double) -> Double { top + ph - min(v, maxY) / maxY * ph }
        func f(_ v: Double) -> String { String(format: "%.1f", v) }
        var s = "<svg class=\"chart\" viewBox=\"0 0 \(Int(w)) \(Int(h))\" width=\"100%\" role=\"img\" aria-label=\"\(Node.escape(L.t("漏斗图", "Funnel plot")))\" xmlns=\"http://www.w3.org/2000/svg\">"
        for k in 0...4 {
            let v = maxY * Double(k) / 4
            s += "<line x1=\"\(f(left))\" y1=\"\(f(y(v)))\" x2=\"\(f(w - right))\" y2=\"\(f(y(v)))\" stroke=\"#dde2e7\"/>"
            s += "<text x=\"\(f(left - 6))\" y=\"\(f(y(v) + 4))\" font-size=\"11\" text-anchor=\"end\" fill=\"#5f6b76\">\(Decimals.format(v, places: 1))</text>"
            let e = maxE * Double(k) / 4
            s += "<text x=\"\(f(x(e)))\" y=\"\(f(h - bottom + 16))\" font-size=\"11\" text-anchor=\"middle\" fill=\"#5f6b76\">\(Int(e.rounded()))</text>"
        }
        s += "<line x1=\"\(f(left))\" y1=\"\(f(y(1)))\" x2=\"\(f(w - right))\" y2=\"\(f(y(1)))\" stroke=\"#333\" stroke-width=\"1.5\"/>"
        // Limit curves use the district's dispersion (harm weighting makes the variance φ·E rather than E).
        for (z, dash) in [(IndexStatistics.z95, "6 4"), (IndexStatistics.z998, "2 3")] {
            for sign in [1.0, -1.0] {
                var p: [String] = []
                for i in 1...80 {
                    let e = maxE * Double(i) / 80
                    let v = 1 + sign * z * (r.dispersion / e).squareRoot()
                    if v >= 0 && v <= maxY { p.append("\(f(x(e))),\(f(y(v)))") }
                }
                if p.count > 1 { s += "<polyline points=\"\(p.joined(separator: " "))\" fill=\"none\" stroke=\"#8a94a0\" stroke-dasharray=\"\(dash)\"/>" }
            }
        }
        for u in pts {
            let colour: String
            switch u.signal {
            case .high998: colour = "#b71c1c"
            case .high95: colour = "#e67e22"
            case .low95, .low998: colour = "#2e7d32"
            case .within: colour = "#1f5f99"
            }
            s += "<circle cx=\"\(f(x(u.expected)))\" cy=\"\(f(y(u.ratio!)))\" r=\"4\" fill=\"\(colour)\" fill-opacity=\"0.75\"><title>\(Node.escape(u.name)): O/E \(Decimals.format(u.ratio!, places: 2)), E \(Decimals.format(u.expected, places: 1))</title></circle>"
        }
        s += "<text x=\"\(f(left + pw / 2))\" y=\"\(f(h - 6))\" font-size=\"11\" text-anchor=\"middle\" fill=\"#333\">\(Node.escape(L.t("预期危害加权案件数（人口 × 全区发案率）；虚线：95% 与 99.8% 控制限", "Expected harm-weighted cases (population × district rate); dashed: 95% and 99.8% limits")))</text>"
        s += "<text x=\"12\" y=\"\(f(top + ph / 2))\" font-size=\"11\" text-anchor=\"middle\" fill=\"#333\" transform=\"rotate(-90 12 \(f(top + ph / 2)))\">\(Node.escape(L.t("实际/预期", "Observed / expected")))</text>"
        s += "</svg>"
        // What the colours mean, beside the plot rather than in a tooltip.
        func key(_ colour: String, _ text: String) -> Node {
            .span(.class("nowrap"), .raw("<svg width=\"12\" height=\"12\" aria-hidden=\"true\"><circle cx=\"6\" cy=\"6\" r=\"5\" fill=\"\(colour)\"/></svg>"), .text(" " + text))
        }
        let legend: Node = .p(.class("small legend-row"),
            key("#b71c1c", L.t("高于全区（超出 99.8% 控制限）", "Above the district (beyond 99.8%)")), " ",
            key("#e67e22", L.t("高于全区（超出 95% 控制限）", "Above the district (beyond 95%)")), " ",
            key("#1f5f99", L.t("与全区无显著差异", "Not different from the district")), " ",
            key("#2e7d32", L.t("低于全区", "Below the district")))
        return .group([.raw(s), legend])
    }

    static func index(_ req: Request, _ page: IndexPage, params p: IndexParams, filterErrors: FieldErrors) -> Response {
        let L = req.lang
        let title = L.t("综合平安指数 \(page.from) 至 \(page.month)", "Composite safety index \(page.from) to \(page.month)")
        let rows: [Node] = page.report.units.map { u in
            .tr(.td(.class("num"), .text("\(u.rank)")), .td(.strong(.text(u.name))),
                .td(.class("num"), .text(u.ratio.map { Decimals.format($0, places: 2) } ?? "—")), .td(.class("num"), .text(Decimals.format(u.shrunkRatio, places: 2))),
                .td(.class("num"), .text(u.per10k.map { Decimals.format($0, places: 1) } ?? "—")),
                .td(.span(.class(u.signal == .within ? "badge" : (u.signal == .high95 || u.signal == .high998 ? "badge received" : "badge closed")), .text(L.t(u.signal.nameZh, u.signal.nameEn)))),
                .td(.class("num"), .text("\(u.solved)/\(u.filed)")), .td(.class("num"), .text(pct(u.clearanceShrunk))),
                .td(.class("num"), .text(u.respondents > 0 ? "\(pct(u.perception)) (n=\(u.respondents))" : "—")),
                .td(.class("num"), .strong(.text(Decimals.format(u.composite, places: 1)))),
                .td(.class("small"), .element("details", [.element("summary", [.text(L.t("为何在此", "Why here"))]),
                    .element("ul", (L.isEnglish ? u.reasonsEn : u.reasonsZh).map { .element("li", [.text($0)]) }),
                    .text(L.t("得分：案件 \(Decimals.format(u.crimeScore, places: 1))、破案 \(Decimals.format(u.clearanceScore, places: 1))、安全感 \(Decimals.format(u.perceptionScore, places: 1))",
                              "Scores: crime \(Decimals.format(u.crimeScore, places: 1)), clearance \(Decimals.format(u.clearanceScore, places: 1)), perception \(Decimals.format(u.perceptionScore, places: 1))")
                          + (u.patrolScore.map { L.t("、热点巡逻 \(Decimals.format($0, places: 1))", ", patrol dosage \(Decimals.format($0, places: 1))") } ?? ""))])))
        }
        let levelPicker: Node = .form(.method("get"), .action("/assessment/index"), .class("filters no-print"),
            .label(.text(L.t("截至月份", "Up to month")), Form.input("month", page.month, type: "month")),
            .label(.text(L.t("月数", "Months")), Form.input("months", "\(page.months)", type: "number")),
            .label(.text(L.t("单位", "Units")), Form.select("level", [("community", L.t("社区", "Communities")), ("station", L.t("派出所", "Stations"))], selected: page.level.rawValue)),
            .button(.type("submit"), .text(L.t("查询", "Show"))))
        return .page(req, title: title, status: filterErrors.isEmpty ? .ok : .unprocessableEntity,
            AssessmentViews.tabs(req, active: "/assessment/index"),
            AssessmentViews.toolbar(req, title, csv: "/assessment/index.csv?\(p.query)"),
            StaffingViews.alert(req, filterErrors),
            levelPicker,
            .p(.class("small muted"), .text(L.t("把发案、破案和群众安全感放在一起：危害加权可防性案件按人口算实际/预期并向全区修匀，破案率向全区 \(pct(page.report.districtClearance)) 收缩（经验贝叶斯），安全感按测评样本；综合指数为加权平均。漏斗图中控制限以外的点才说明与全区有真实差别。",
                                               "Crime, clearance and public feeling together: harm-weighted preventable cases as observed/expected by population, smoothed toward the district; clearance shrunk toward the district's \(pct(page.report.districtClearance)) (empirical Bayes); perception from surveys with sample size; the composite is a weighted mean. Only points outside the funnel's limits differ from the district beyond chance."))),
            page.report.units.isEmpty ? .div(.class("empty"), .text(L.t("辖区内没有可计算的单位。", "No units to compute in your jurisdiction.")))
                : .group([funnel(req, page.report),
                          .table(.class("data"), .thead(.tr(.th(.class("num"), .text(L.t("排名", "Rank"))), .th(.text(L.t("单位", "Unit"))),
                                                           .th(.class("num"), .text(L.t("实际/预期", "O/E"))), .th(.class("num"), .text(L.t("修匀", "Smoothed"))),
                                                           .th(.class("num"), .text(L.t("每万人", "Per 10k"))), .th(.text(L.t("控制限", "Funnel"))),
                                                           .th(.class("num"), .text(L.t("其中已破/期内立案", "Of them solved / filed in the period"))), .th(.class("num"), .text(L.t("修匀破案率", "Clearance (EB)"))),
                                                           .th(.class("num"), .text(L.t("安全感", "Perception"))), .th(.class("num"), .text(L.t("综合指数", "Composite"))),
                                                           .th(.text(L.t("说明", "Breakdown"))))),
                                 .element("tbody", rows))]))
    }

    /// The year month by month, all the user's communities pooled (their answers added up), against the target.
    static func perceptionTrend(_ L: Lang, _ rows: [IndexService.PerceptionRow], target: Double) -> Node {
        let months = Dictionary(grouping: rows, by: \.period).sorted { $0.key < $1.key }
        let points: [Charts.Share] = months.compactMap { period, rs in
            let k = rs.map(\.satisfied).reduce(0, +), n = rs.map(\.respondents).reduce(0, +)
            guard n > 0, let ci = IndexStatistics.wilson(k, of: n) else { return nil }
            return Charts.Share(label: String(period.suffix(2)) + L.t("月", ""), share: Double(k) / Double(n), low: ci.low, high: ci.high)
        }
        return Charts.shares(points, target: target, title: L.t("安全感逐月走势（辖区合计）", "Safety perception by month (area pooled)"), L)
    }

    static func perception(_ req: Request, year: Int, rows: [IndexService.PerceptionRow], target: Double, targetYear: Int, communities: [(id: Int, name: String)],
                           input: PerceptionInput, errors: FieldErrors, filterErrors: FieldErrors, canEdit: Bool) -> Response {
        let L = req.lang
        let title = L.t("安全感测评 \(year) 年", "Safety perception \(year)")
        let list: [Node] = rows.map { r in
            .tr(.td(.text(r.period)), .td(.text(r.community)), .td(.text(L.stored(r.source))), .td(.class("num"), .text("\(r.satisfied)/\(r.respondents)")),
                .td(.class("num"), .strong(.text(pct(r.share)))),
                .td(r.meetsTarget ? .span(.class("badge closed"), .text(L.t("达标", "Meets"))) : .span(.class("badge received"), .text(L.t("未达标", "Below")))),
                .td(.class("num"), .text("\(pct(r.low))–\(pct(r.high))")),
                .td(.class("small"), .text(L.t(r.statistical.nameZh, r.statistical.nameEn))))
        }
        let form: Node = canEdit
            ? .form(.method("post"), .action("/assessment/perception"), .class("card no-print"), Layout.csrfField(req), .h2(.text(L.t("录入测评结果", "Enter a result"))),
                    Form.errorSummary(req, errors),
                    .div(.class("form"),
                         Form.field(L.t("社区", "Community"), "communityID", errors,
                                    Form.select("communityID", communities.map { ("\($0.id)", $0.name) }, selected: input.communityID, blank: L.t("请选择", "Choose…"), required: true)),
                         Form.field(L.t("测评月份", "Survey month"), "period", errors, Form.input("period", input.period, type: "month", required: true)),
                         Form.field(L.t("测评人数", "Respondents"), "respondents", errors, Form.input("respondents", input.respondents, type: "number", required: true)),
                         Form.field(L.t("感到安全人数", "Felt safe"), "satisfied", errors, Form.input("satisfied", input.satisfied, type: "number", required: true)),
                         Form.field(L.t("来源", "Source"), "source", errors, Form.input("source", input.source ?? L.t("第三方电话调查", "third-party phone survey")))),
                    .p(.button(.type("submit"), .text(L.t("保存", "Save")))))
            : .empty
        return .page(req, title: title, status: errors.isEmpty && filterErrors.isEmpty ? .ok : .unprocessableEntity,
            AssessmentViews.tabs(req, active: "/assessment/perception"),
            AssessmentViews.toolbar(req, title, csv: nil),
            StaffingViews.alert(req, filterErrors),
            .form(.method("get"), .action("/assessment/perception"), .class("filters no-print"),
                  .label(.text(L.t("年份", "Year")), Form.input("year", "\(year)", type: "number")), .button(.type("submit"), .text(L.t("查询", "Show")))),
            .p(.strong(.text(L.t("\(year) 年目标：安全感 \(pct(target)) 以上", "Target for \(year): \(pct(target)) or more")
                             + (targetYear != year ? L.t("（沿用 \(targetYear) 年目标）", " (the \(targetYear) target, still in force)") : "")))),
            .p(.class("small muted"), .text(L.t("各年目标在“考核规则”中设置（种子文件：2012年95%以上，2013年98%以上；未设置的年份沿用此前最近一年的目标）。安全感达到或超过目标即为达标。Wilson 95% 置信区间与“统计判断”只作参考：区间整体在目标之上为显著高于目标，整体在目标之下为显著低于目标，否则样本与目标无显著差别。",
                                               "Targets per year are set in the assessment rules (seed 003: 95% or more in 2012, 98% or more in 2013; a year without its own target keeps the latest earlier one). A share at or above the target meets it. The Wilson 95% interval and the statistical judgement are supporting information: an interval wholly above the target is above it beyond chance, wholly below is below it beyond chance, otherwise the sample cannot tell the share from the target."))),
            list.isEmpty ? .div(.class("empty"), .text(L.t("本年尚无测评结果。", "No results this year."))) : perceptionTrend(L, rows, target: target),
            list.isEmpty ? .empty
                : .table(.class("data"), .thead(.tr(.th(.text(L.t("月份", "Month"))), .th(.text(L.t("社区", "Community"))), .th(.text(L.t("来源", "Source"))),
                                                   .th(.class("num"), .text(L.t("安全/测评", "Safe/asked"))), .th(.class("num"), .text(L.t("安全感", "Share"))),
                                                   .th(.text(L.t("目标 ", "Target ") + pct(target))),
                                                   .th(.class("num"), .text(L.t("95%区间", "95% CI"))), .th(.text(L.t("统计判断", "Statistical judgement"))))),
                         .element("tbody", list)),
            form)
    }
}
