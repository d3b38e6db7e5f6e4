import Vapor
import PinganKit

/// The evaluation page (综合评价): the month's ranked table per unit, grid, reporter or category, the definitions in
/// words, a six-month trend chart (SVG nodes), CSV and print.
enum GridEventEvaluationViews {
    static func page(_ req: Request, _ p: GridEventEvaluationPage, errors: FieldErrors) -> Response {
        let L = req.lang
        let query = "month=\(p.month)&by=\(p.by.rawValue)&rank=\(p.rankedBy.rawValue)"
        let metrics: [(GridEventRankMetric, String, String)] = [(.onTimeRate, "按期处置率", "On-time rate"), (.closureRate, "结案率", "Closure rate"),
                                                                 (.reworkRate, "返工率（低者优）", "Rework rate (lower is better)"), (.satisfactionRate, "满意率", "Satisfaction")]
        let form: Node = .form(.method("get"), .action("/events/evaluation"), .class("filters no-print"),
            .label(.text(L.t("月份", "Month")), Form.input("month", p.month, type: "month")),
            .label(.text(L.t("按", "By")), Form.select("by", GridEventDimension.allCases.map { ($0.rawValue, L.t($0.nameZh, $0.nameEn)) }, selected: p.by.rawValue)),
            .label(.text(L.t("排名依据", "Ranked by")), Form.select("rank", metrics.map { ($0.0.rawValue, L.t($0.1, $0.2)) }, selected: p.rankedBy.rawValue)),
            .button(.type("submit"), .text(L.t("查看", "Show"))))
        let heads: [(String, String)] = [("名次", "Rank"), (p.by.nameZh, p.by.nameEn), ("上报", "Reported"), ("立案", "Registered"), ("不予立案", "Declined"),
                                         ("派遣", "Dispatched"), ("应处置", "Due"), ("按期", "On time"), ("按期处置率", "On-time rate"), ("超期", "Overdue"),
                                         ("反馈", "Handled"), ("返工", "Reworked"), ("返工率", "Rework rate"), ("结案", "Closed"), ("结案率", "Closure rate"),
                                         ("平均用时（工作小时）", "Avg handling (working h)"), ("评价数", "Rated"), ("满意率", "Satisfaction")]
            + (p.by == .unit ? [("协办", "Helped"), ("协办反馈率", "Helper report rate")] : [])
        func cells(_ r: GridEventEvaluationPage.Row, total: Bool = false) -> Node {
            .tr(total ? .class("total") : .empty, .td(.class("num"), .text(r.rank.map(String.init) ?? "—")), .td(.class("nowrap"), .text(r.name)),
                .td(.class("num"), .text("\(r.reported)")), .td(.class("num"), .text("\(r.registered)")), .td(.class("num"), .text("\(r.declined)")),
                .td(.class("num"), .text("\(r.dispatched)")), .td(.class("num"), .text("\(r.due)")), .td(.class("num"), .text("\(r.handledOnTime)")),
                .td(.class("num strong"), .text(r.onTimeRate)), .td(.class("num"), .text("\(r.overdue)")), .td(.class("num"), .text("\(r.handled)")),
                .td(.class("num"), .text("\(r.reworked)")), .td(.class("num"), .text(r.reworkRate)), .td(.class("num"), .text("\(r.closed)")),
                .td(.class("num strong"), .text(r.closureRate)), .td(.class("num"), .text(r.averageHandlingHours.map { String(format: "%.1f", $0) } ?? "—")),
                .td(.class("num"), .text("\(r.rated)")), .td(.class("num"), .text(r.satisfactionRate)),
                p.by == .unit ? .group([.td(.class("num"), .text("\(r.assisted)")), .td(.class("num"), .text(r.assistRate))]) : .empty)
        }
        let table: Node = p.rows.isEmpty ? .div(.class("empty"), .text(L.t("本月没有事件。", "No events this month.")))
            : .div(.class("scroll"), .table(.class("data compact"), .thead(.tr(.forEach(heads) { .th(.text(L.t($0.0, $0.1))) })),
                                            .tbody(.forEach(p.rows) { cells($0) }, cells(p.total, total: true))))
        return .page(req, title: L.t("网格事件综合评价", "Grid events: evaluation"), status: errors.isEmpty ? .ok : .unprocessableEntity,
            .div(.class("breadcrumb"), .a(.href("/events"), .text(L.t("网格事件", "Grid events"))), " › ", .text(L.t("综合评价", "Evaluation"))),
            .div(.class("toolbar"), .h1(.text(L.t("网格事件综合评价 · \(p.month)", "Grid events: evaluation · \(p.month)"))),
                 .a(.class("btn secondary no-print"), .href("/events/evaluation.csv?" + query), .text(L.t("导出 CSV", "Export CSV"))),
                 .button(.type("button"), .class("btn secondary no-print"), .attr("data-print", "1"), .text(L.t("打印", "Print")))),
            errors.isEmpty ? .empty : .div(.class("alert error"), .text(errors.fields.values.sorted().joined(separator: "；"))),
            form,
            .div(.class("card"), .h2(.text(L.t("近六个月按期处置率与结案率", "On-time and closure rates, last six months"))), trendChart(p.trend, L)),
            .div(.class("card"), .h2(.text(L.t("排名（按\(metrics.first { $0.0 == p.rankedBy }!.1)）", "Ranking (by \(metrics.first { $0.0 == p.rankedBy }!.2.lowercased()))"))), table),
            .p(.class("small muted"), .text(L.t(
                "口径：上报、立案、不予立案按上报月份计；应处置 = 本月到期或本月已反馈的派遣事件，按期 = 最后一次反馈不晚于时限（返工后逾期计为超期）；按期处置率 = 按期 ÷ 应处置；结案率 = 本月上报并立案的事件中已结案的比例；返工率 = 本月反馈的事件中曾返工的比例；平均用时为派遣至反馈的工作小时；满意率 = （满意 + 基本满意）÷ 评价数；协办 = 本月派遣中被列为协办单位的次数，协办反馈率 = 其中已报送协办情况的比例（只协办的单位不参加排名）。名次相同者并列。",
                "Definitions: reported, registered and declined count by the month reported; due = dispatched events whose deadline fell in the month or that were handled in it; on time = last feedback by the deadline (rework finished late counts as overdue); on-time rate = on time ÷ due; closure rate = closed among the month's registered reports; rework rate = events handled in the month that were ever reworked; handling time = working hours from dispatch to feedback; satisfaction = (satisfied + fairly satisfied) ÷ rated; helped = times the unit was named a helping unit by a dispatch in the month, helper report rate = the share of those it reported on (a unit that only helped is not ranked). Equal figures share a rank."))))
    }

    /// Two lines (on-time and closure rates) over six months, drawn as SVG nodes with a legend that fits.
    static func trendChart(_ t: [GridEventEvaluationPage.Trend], _ L: Lang) -> Node {
        let w = 640.0, h = 200.0, left = 40.0, bottom = 28.0, top = 12.0
        let step = (w - left - 20) / Double(max(t.count - 1, 1))
        func y(_ v: Double) -> Double { top + (1 - v) * (h - top - bottom) }
        func line(_ values: [Double?], _ color: String) -> Node {
            var d = "", started = false
            for (i, v) in values.enumerated() { guard let v else { started = false; continue }; d += (started ? "L" : "M") + String(format: "%.1f %.1f", left + Double(i) * step, y(v)); started = true }
            let dots: [Node] = values.enumerated().compactMap { i, v in v.map { .el("circle", [.attr("cx", String(format: "%.1f", left + Double(i) * step)), .attr("cy", String(format: "%.1f", y($0))), .attr("r", "3"), .attr("fill", color)]) } }
            return .group([.el("path", [.attr("d", d), .attr("fill", "none"), .attr("stroke", color), .attr("stroke-width", "2")])] + dots)
        }
        let grid: [Node] = [0.0, 0.5, 1.0].map { v in .group([
            .el("line", [.attr("x1", String(format: "%.0f", left)), .attr("x2", String(format: "%.0f", w - 10)), .attr("y1", String(format: "%.1f", y(v))), .attr("y2", String(format: "%.1f", y(v))), .attr("stroke", "#d9dee3")]),
            .el("text", [.attr("x", "4"), .attr("y", String(format: "%.1f", y(v) + 4)), .attr("font-size", "11"), .attr("fill", "#616e7c"), .text("\(Int(v * 100))%")])]) }
        let labels: [Node] = t.enumerated().map { i, m in .el("text", [.attr("x", String(format: "%.1f", left + Double(i) * step)), .attr("y", String(format: "%.0f", h - 8)), .attr("font-size", "11"), .attr("text-anchor", "middle"), .attr("fill", "#616e7c"), .text(m.month)]) }
        let svg: Node = .el("svg", [.attr("viewBox", "0 0 \(Int(w)) \(Int(h))"), .class("chart"), .attr("role", "img"), .attr("aria-label", L.t("按期处置率与结案率趋势", "On-time and closure rate trend")),
                                    .attr("xmlns", "http://www.w3.org/2000/svg"), .group(grid), .group(labels), line(t.map(\.onTimeRate), "#1d4e89"), line(t.map(\.closureRate), "#2f7d32")])
        let legend: Node = .ul(.class("map-legend"),
            .li(.el("svg", [.attr("viewBox", "0 0 12 12"), .class("swatch"), .el("rect", [.attr("width", "12"), .attr("height", "12"), .attr("fill", "#1d4e89")])]), .text(L.t("按期处置率", "On-time rate"))),
            .li(.el("svg", [.attr("viewBox", "0 0 12 12"), .class("swatch"), .el("rect", [.attr("width", "12"), .attr("height", "12"), .attr("fill", "#2f7d32")])]), .text(L.t("结案率", "Closure rate"))))
        return .group([svg, legend])
    }

    static func csv(_ p: GridEventEvaluationPage, _ L: Lang) -> CSVWriter {
        var w = CSVWriter(header: L.isEnglish
            ? ["Rank", p.by.nameEn, "Reported", "Registered", "Declined", "Dispatched", "Due", "On time", "On-time rate", "Overdue", "Handled", "Reworked", "Rework rate", "Closed", "Closure rate", "Avg handling working h", "Rated", "Satisfaction"]
                + (p.by == .unit ? ["Helped", "Helper reports", "Helper report rate"] : [])
            : ["名次", p.by.nameZh, "上报", "立案", "不予立案", "派遣", "应处置", "按期", "按期处置率", "超期", "反馈", "返工", "返工率", "结案", "结案率", "平均用时（工作小时）", "评价数", "满意率"]
                + (p.by == .unit ? ["协办", "协办反馈", "协办反馈率"] : []))
        for r in p.rows + [p.total] {
            w.append([r.rank.map(String.init) ?? "", r.name, "\(r.reported)", "\(r.registered)", "\(r.declined)", "\(r.dispatched)", "\(r.due)", "\(r.handledOnTime)", r.onTimeRate,
                      "\(r.overdue)", "\(r.handled)", "\(r.reworked)", r.reworkRate, "\(r.closed)", r.closureRate, r.averageHandlingHours.map { String(format: "%.1f", $0) } ?? "",
                      "\(r.rated)", r.satisfactionRate] + (p.by == .unit ? ["\(r.assisted)", "\(r.assistReported)", r.assistRate] : []))
        }
        return w
    }
}
