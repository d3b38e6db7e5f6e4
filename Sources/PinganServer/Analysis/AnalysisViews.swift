import Vapor
import PinganKit

enum AnalysisViews {
    /// Tabs shared by the analysis pages; they keep the month and jurisdiction.
    static func tabs(_ req: Request, active: String, query: String) -> Node {
        let L = req.lang
        var items: [(String, String, String)] = [
            ("/analysis", L.t("可防性案件统计表", "Preventable-case table"), "monthly"),
            ("/analysis/report", L.t("警情分析报告", "Analysis report"), "report"),
            ("/analysis/hotspots", L.t("热点分析", "Hot spots"), "hotspots"),
            ("/analysis/patrols", L.t("巡逻建议", "Patrols"), "patrols"),
            ("/alerts", L.t("预警通报", "Alerts"), "alerts"),
        ]
        if (try? req.user.role.can(.editIncidents)) == true { items.append(("/analysis/import", L.t("外部数据导入", "Import data"), "import")) }
        return .element("nav", [.class("tabs no-print")] + items.map { (path, label, key) in
            .a(.href(path + (key == "alerts" || key == "import" || query.isEmpty ? "" : "?" + query)), key == active ? .class("active") : .empty, .text(label))
        })
    }

    /// Month + station + community pickers (only units in the user's scope are offered).
    static func pickers(_ req: Request, action: String, params p: AnalysisParams, units: AnalysisUnits, extra: [Node] = []) -> Node {
        let L = req.lang
        var fields: [Node] = [.method("get"), .action(action), .class("filters no-print"),
            .label(.text(L.t("月份", "Month")), Form.input("month", "\(p.month)", type: "month", required: true))]
        if units.stations.count > 1 {
            fields.append(.label(.text(L.t("派出所", "Police station")), Form.select("station", units.stations.map { ("\($0.id)", $0.name) }, selected: p.station.map(String.init), blank: L.t("全部", "All"))))
        }
        if units.communities.count > 1 {
            fields.append(.label(.text(L.t("社区/村", "Community")), Form.select("community", units.communities.map { ($0.id, $0.name) }, selected: p.community.map(String.init), blank: L.t("全部", "All"))))
        }
        fields += extra
        fields.append(.button(.type("submit"), .text(L.t("查看", "Show"))))
        return .element("form", fields)
    }

    static func errorNote(_ req: Request, _ errors: FieldErrors) -> Node {
        errors.isEmpty ? .empty : .div(.class("alert error"), .attr("role", "alert"),
            .text(req.t("以下条件无效，已忽略：", "Ignored invalid values: ") + errors.fields.keys.sorted().map { "\($0)：" + errors.fields[$0]! }.joined(separator: "；")))
    }

    /// A change cell: rises in red, falls in green (a rise in cases is bad news).
    static func change(_ text: String, _ fraction: Double?) -> Node {
        let cls = fraction.map { $0 > 0 ? "num up" : ($0 < 0 ? "num down" : "num") } ?? "num muted"
        return .td(.class(cls), .text(text))
    }

    static func rowLabel(_ r: PreventableRow, _ L: Lang, total: String) -> (Node, Node) {
        switch r.kind {
        case .community: return (.td(.text(r.stationName)), .td(.text(r.communityName ?? "")))
        case .stationSubtotal: return (.td(.text(r.stationName)), .td(.text(L.t("小计", "Subtotal"))))
        case .districtTotal: return (.td(.text(total)), .td(.text(L.t("合计", "Total"))))
        }
    }

    static func monthly(_ req: Request, report: PreventableReport, units: AnalysisUnits, params p: AnalysisParams, errors: FieldErrors, pickers scopeUnits: AnalysisUnits) -> Response {
        let L = req.lang
        let name = L.t(units.titleZh, units.titleEn)
        let title = L.t("\(name)\(p.month.year)年\(p.month.month)月社区可防性案件统计表", "Preventable cases by community, \(name), \(p.month)")
        let subs = report.subcategories
        let selected = p.sub.flatMap { code in subs.firstIndex { $0.code == code } }
        let figureHeads = [L.t("本月", "This month"), L.t("去年同月", "Same month last year"), L.t("同比", "YoY"),
                           L.t("上月", "Last month"), L.t("环比", "MoM"), L.t("立案", "Filed"), L.t("破案", "Solved")]
        let figureGroup = selected.map { L.t(subs[$0].nameZh, subs[$0].nameEn) } ?? L.t("可防性案件合计", "All preventable")
        // Overview: this month's count per subcategory, then the seven figures of the total.
        // One subcategory: its seven figures only. The full 9 × 7 layout is the wide CSV.
        let head: Node = .thead(
            .tr(.th(.attr("rowspan", "2"), .text(L.t("派出所", "Station"))), .th(.attr("rowspan", "2"), .text(L.t("社区", "Community"))),
                selected == nil ? .th(.attr("colspan", "\(subs.count)"), .class("group"), .text(L.t("本月分类发案", "This month by subcategory"))) : .empty,
                .th(.attr("colspan", "7"), .class("group"), .text(figureGroup))),
            .tr(selected == nil ? .forEach(subs) { s in .th(.class("num"), .text(L.t(s.nameZh, s.nameEn))) } : .empty,
                .forEach(figureHeads) { h in .th(.class("num"), .text(h)) }))
        let rows: [Node] = report.rows.map { r in
            let f = selected.map { r.bySubcategory[$0] } ?? r.total
            let (station, community) = rowLabel(r, L, total: name)
            let cls = r.kind == .community ? "" : (r.kind == .districtTotal ? "total" : "subtotal")
            return .tr(.class(cls), station, community,
                selected == nil ? .forEach(r.bySubcategory) { b in .td(.class("num"), .text("\(b.current)")) } : .empty,
                .td(.class("num strong"), .text("\(f.current)")), .td(.class("num"), .text("\(f.sameMonthLastYear)")), change(f.yearOnYear, f.yearOnYearFraction),
                .td(.class("num"), .text("\(f.lastMonth)")), change(f.monthOnMonth, f.monthOnMonthFraction),
                .td(.class("num"), .text("\(f.filed)")), .td(.class("num"), .text("\(f.solved)")))
        }
        let subPicker = Node.label(.text(L.t("类别", "Subcategory")), Form.select("sub", subs.map { ($0.code, L.t($0.nameZh, $0.nameEn)) }, selected: p.sub, blank: L.t("合计（分类概览）", "All (overview)")))
        let csvQuery = p.query + (p.sub.map { "&sub=\($0)" } ?? "")
        let total = report.districtTotal.total
        let summary = L.t("本月可防性案件 \(total.current) 起，同比 \(total.yearOnYear)（去年同月 \(total.sameMonthLastYear) 起），环比 \(total.monthOnMonth)（上月 \(total.lastMonth) 起）；立案 \(total.filed) 起，破案 \(total.solved) 起。",
                          "\(total.current) preventable cases this month, \(total.yearOnYear) on the same month last year (\(total.sameMonthLastYear)), \(total.monthOnMonth) on last month (\(total.lastMonth)); \(total.filed) filed, \(total.solved) solved.")
        let body: Node = units.isEmpty
            ? .div(.class("empty"), .text(L.t("您的辖区内没有社区。", "There are no communities in your jurisdiction.")))
            : .div(.class("scroll"), .table(.class("data compact monthly"), head, .element("tbody", rows)))
        return .page(req, title: title,
            tabs(req, active: "monthly", query: p.query),
            .div(.class("toolbar"), .h1(.text(title)),
                 .a(.class("btn secondary no-print"), .href("/analysis/monthly.csv?" + csvQuery), .text(L.t("导出 CSV", "Export CSV"))),
                 .a(.class("btn secondary no-print"), .href("/analysis/monthly.csv?" + csvQuery + "&layout=wide"), .text(L.t("导出 CSV（宽表）", "Export CSV (wide)"))),
                 .button(.type("button"), .class("btn secondary no-print"), .attr("data-print", "1"), .text(L.t("打印", "Print")))),
            errorNote(req, errors),
            pickers(req, action: "/analysis", params: p, units: scopeUnits, extra: [subPicker]),
            .p(.text(summary)),
            body,
            .p(.class("small muted"), .text(L.t("同比、环比 = (本期 − 对比期) ÷ 对比期，保留一位小数；对比期为 0 时记“—”。发案按发生时间统计，立案、破案按立案、破案时间统计：“破案”是本月内破的案件，可含以前月份立案的；考核通报的“其中已破”只数本月立案的那批案件，所以两处数字不同。",
                                              "Change = (this period − the other) ÷ the other, one decimal; “—” when the other is 0. Cases count by time of occurrence; filed and solved by the date filed or solved: “solved” is every case solved this month, including cases filed earlier, while the assessment's “of them solved” counts only this month's filed cases — so the two differ."))))
    }
}
