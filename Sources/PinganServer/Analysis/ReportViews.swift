import Vapor
import PinganKit

enum ReportViews {
    /// 12-month trend as an inline SVG: bars for all incidents, a line for preventable cases. Only
    /// presentation attributes (no style attributes: the CSP forbids inline styles); labels are
    /// escaped through `Node.escape`.
    static func trendSVG(_ trend: [AnalysisReportDTO.MonthCount], _ L: Lang) -> Node {
        let w = 720.0, h = 260.0, left = 44.0, right = 12.0, top = 16.0, bottom = 40.0
        let maxV = max(1, trend.map(\.all).max() ?? 1)
        // A round axis top: 1, 2 or 5 × 10^k.
        let mag = pow(10, floor(log10(Double(maxV))))
        let axisTop = [1.0, 2.0, 5.0, 10.0].map { $0 * mag }.first { $0 >= Double(maxV) } ?? Double(maxV)
        let plotW = w - left - right, plotH = h - top - bottom
        let step = plotW / Double(max(trend.count, 1))
        func y(_ v: Int) -> Double { top + plotH - Double(v) / axisTop * plotH }
        func f(_ v: Double) -> String { String(format: "%.1f", v) }
        var s = "<svg class=\"chart\" viewBox=\"0 0 \(Int(w)) \(Int(h))\" width=\"100%\" role=\"img\" aria-label=\"\(Node.escape(L.t("近12个月警情趋势", "12-month trend")))\" xmlns=\"http://www.w3.org/2000/svg\">"
        for k in 0...4 {
            let v = axisTop * Double(k) / 4, yy = top + plotH - plotH * Double(k) / 4
            s += "<line x1=\"\(f(left))\" y1=\"\(f(yy))\" x2=\"\(f(w - right))\" y2=\"\(f(yy))\" stroke=\"#dde2e7\" stroke-width=\"1\"/>"
            s += "<text x=\"\(f(left - 6))\" y=\"\(f(yy + 4))\" font-size=\"11\" text-anchor=\"end\" fill=\"#5f6b76\">\(Int(v))</text>"
        }
        var points: [String] = []
        for (i, m) in trend.enumerated() {
            let x = left + step * Double(i)
            let bw = step * 0.6
            s += "<rect x=\"\(f(x + (step - bw) / 2))\" y=\"\(f(y(m.all)))\" width=\"\(f(bw))\" height=\"\(f(top + plotH - y(m.all)))\" fill=\"#9cc3e6\"><title>\(Node.escape(m.month)): \(m.all)</title></rect>"
            s += "<text x=\"\(f(x + step / 2))\" y=\"\(f(h - bottom + 16))\" font-size=\"11\" text-anchor=\"middle\" fill=\"#5f6b76\">\(Node.escape(String(m.month.suffix(5))))</text>"
            points.append("\(f(x + step / 2)),\(f(y(m.preventable)))")
        }
        s += "<polyline points=\"\(points.joined(separator: " "))\" fill=\"none\" stroke=\"#c0392b\" stroke-width=\"2\"/>"
        for p in points { let xy = p.split(separator: ","); s += "<circle cx=\"\(xy[0])\" cy=\"\(xy[1])\" r=\"3\" fill=\"#c0392b\"/>" }
        s += "<rect x=\"\(f(left))\" y=\"\(f(h - 14))\" width=\"12\" height=\"10\" fill=\"#9cc3e6\"/><text x=\"\(f(left + 16))\" y=\"\(f(h - 5))\" font-size=\"11\" fill=\"#333\">\(Node.escape(L.t("全部警情", "All incidents")))</text>"
        s += "<line x1=\"\(f(left + 120))\" y1=\"\(f(h - 9))\" x2=\"\(f(left + 136))\" y2=\"\(f(h - 9))\" stroke=\"#c0392b\" stroke-width=\"2\"/><text x=\"\(f(left + 140))\" y=\"\(f(h - 5))\" font-size=\"11\" fill=\"#333\">\(Node.escape(L.t("可防性案件", "Preventable cases")))</text>"
        s += "</svg>"
        return .raw(s)
    }

    /// Hour-of-day (2-hour columns) × weekday table, heavier shading for higher counts.
    static func hourWeekday(_ counts: [Int], _ L: Lang) -> Node {
        var t = HourWeekdayTable()
        for d in 1...7 { for h in 0..<24 { t.add(weekday: d, hour: h, count: counts[(d - 1) * 24 + h]) } }
        let cols = stride(from: 0, to: 24, by: 2).map { $0 }
        let values = (1...7).flatMap { d in cols.map { t.count(weekday: d, startHour: $0, hours: 2) } }
        let maxV = max(1, values.max() ?? 1)
        let names = L.isEnglish ? HourWeekdayTable.weekdayNamesEn : HourWeekdayTable.weekdayNamesZh
        return .div(.class("scroll"), .table(.class("data compact heat"),
            .thead(.tr(.th(.text(L.t("星期 \\ 时段", "Day \\ hours"))), .forEach(cols) { h in .th(.class("num"), .text("\(h)–\(h + 2)")) }, .th(.class("num"), .text(L.t("合计", "Total"))))),
            .tbody(.forEach(1...7) { d in
                .tr(.th(.text(names[d - 1])), .forEach(cols) { h in
                    let v = t.count(weekday: d, startHour: h, hours: 2)
                    let level = v == 0 ? 0 : min(4, 1 + Int(Double(v) / Double(maxV) * 3.999))
                    return .td(.class("num h\(level)"), .text("\(v)"))
                }, .td(.class("num strong"), .text("\(t.weekdayTotals[d - 1])")))
            }),
            .element("tfoot", [.tr(.class("total"), .td(.text(L.t("合计", "Total"))), .forEach(cols) { h in .td(.class("num"), .text("\(t.hourTotals[h] + t.hourTotals[h + 1])")) }, .td(.class("num"), .text("\(t.total)")))])))
    }

    /// The month's hot spot map and its first ten hot cells (the full list is on /analysis/hotspots).
    static func hotspotCard(_ d: HotspotsDTO, _ L: Lang, query: String, map: Node) -> Node {
        let title = L.t("热点网格图（\(Int(d.cellSize)) 米网格，Getis-Ord Gi*）", "Hot spot map (\(Int(d.cellSize)) m cells, Getis-Ord Gi*)")
        guard d.incidents > 0 else {
            return .div(.class("card"), .h2(.text(title)), .p(.class("muted"), .text(L.t("本月没有带坐标的警情。", "No located incidents this month."))))
        }
        let head: Node = .thead(.tr(.th(.class("num"), .text(L.t("序号", "No."))), .th(.text(L.t("位置", "Where"))),
                                    .th(.class("num"), .text(L.t("案件数", "Incidents"))), .th(.class("num"), .text("z")), .th(.text(L.t("高发时段", "Peak 3 hours")))))
        let rows: [Node] = d.hotCells.prefix(10).enumerated().map { (k: Int, c: HotspotCellDTO) -> Node in
            let z: String = c.z.map { String(format: "%.2f", $0) } ?? "—"
            return .tr(.td(.class("num"), .text("\(k + 1)")), .td(.text((c.community ?? L.t("社区外", "outside the communities")) + (c.station.map { " · " + $0 } ?? ""))), .td(.class("num"), .text("\(c.count)")),
                       .td(.class("num"), .text(z)), .td(.text(c.peak ?? "—")))
        }
        let table: Node = d.hotCells.isEmpty ? .p(.class("muted"), .text(L.t("没有显著的热点网格。", "No significant hot cell.")))
            : .table(.class("data compact"), head, .element("tbody", rows))
        let link: Node = .p(.class("small muted no-print"), .a(.href("/analysis/hotspots?" + query), .text(L.t("查看完整热点分析 →", "Full hot spot analysis →"))))
        return .div(.class("card"), .h2(.text(title)), map, table, link)
    }

    static func rising(_ units: [RisingUnit], _ L: Lang, yoy: Bool) -> Node {
        guard !units.isEmpty else { return .p(.class("muted"), .text(L.t("无（本期 ≥ 5 起且上升的社区）。", "None (communities with ≥ 5 cases that rose)."))) }
        return .table(.class("data compact"),
            .thead(.tr(.th(.text(L.t("社区", "Community"))), .th(.text(L.t("派出所", "Station"))), .th(.class("num"), .text(L.t("本月", "This month"))),
                       .th(.class("num"), .text(yoy ? L.t("去年同月", "Same month last year") : L.t("上月", "Last month"))), .th(.class("num"), .text(L.t("增加", "Increase"))), .th(.class("num"), .text(yoy ? L.t("同比", "YoY") : L.t("环比", "MoM"))))),
            .tbody(.forEach(units) { u in
                .tr(.td(.text(u.name)), .td(.text(u.stationName)), .td(.class("num"), .text("\(u.current)")), .td(.class("num"), .text("\(u.previous)")),
                    .td(.class("num up"), .text("+\(u.increase)")), .td(.class("num up"), .text(u.changeText)))
            }))
    }

    static func page(_ req: Request, _ r: AnalysisReportDTO, units: AnalysisUnits, params p: AnalysisParams, errors: FieldErrors, pickers: AnalysisUnits,
                     outlines: [MapDivision] = []) -> Response {
        let L = req.lang
        let title = L.t("\(r.jurisdiction)\(p.month.year)年\(p.month.month)月警情分析报告", "Incident analysis report, \(r.jurisdiction), \(r.month)")
        func stat(_ n: String, _ label: String, _ sub: String) -> Node {
            .div(.class("stat"), .div(.class("num"), .text(n)), .div(.class("lbl"), .text(label)), .div(.class("small muted"), .text(sub)))
        }
        let stats: Node = .div(.class("stats"),
            stat("\(r.incidents)", L.t("本月警情", "Incidents"), L.t("环比 ", "MoM ") + PercentChange.format(current: r.incidents, previous: r.incidentsLastMonth) + L.t("，同比 ", ", YoY ") + PercentChange.format(current: r.incidents, previous: r.incidentsSameMonthLastYear)),
            stat("\(r.preventable.current)", L.t("可防性案件", "Preventable cases"), L.t("环比 ", "MoM ") + r.preventable.monthOnMonth + L.t("，同比 ", ", YoY ") + r.preventable.yearOnYear),
            stat("\(r.preventable.filed) / \(r.preventable.solved)", L.t("立案 / 破案", "Filed / solved"), L.t("可防性案件", "Preventable cases")),
            stat(Rate.format(r.preventable.solved, of: r.preventable.filed), L.t("破案率", "Clearance"), L.t("破案 ÷ 立案", "Solved ÷ filed")))
        let categories: Node = .table(.class("data compact"),
            .thead(.tr(.th(.text(L.t("类别", "Category"))), .th(.class("num"), .text(L.t("本月", "This month"))), .th(.class("num"), .text(L.t("上月", "Last month"))),
                       .th(.class("num"), .text(L.t("环比", "MoM"))), .th(.class("num"), .text(L.t("去年同月", "Same month last year"))), .th(.class("num"), .text(L.t("同比", "YoY"))))),
            .tbody(.forEach(r.byCategory) { c in
                .tr(.td(.text(L.t(c.nameZh, c.nameEn))), .td(.class("num strong"), .text("\(c.current)")), .td(.class("num"), .text("\(c.lastMonth)")),
                    AnalysisViews.change(c.monthOnMonth, PercentChange.fraction(current: c.current, previous: c.lastMonth)),
                    .td(.class("num"), .text("\(c.sameMonthLastYear)")), AnalysisViews.change(c.yearOnYear, PercentChange.fraction(current: c.current, previous: c.sameMonthLastYear)))
            }),
            .element("tfoot", [.tr(.class("total"), .td(.text(L.t("合计", "Total"))), .td(.class("num"), .text("\(r.incidents)")), .td(.class("num"), .text("\(r.incidentsLastMonth)")),
                       .td(.class("num"), .text(PercentChange.format(current: r.incidents, previous: r.incidentsLastMonth))), .td(.class("num"), .text("\(r.incidentsSameMonthLastYear)")),
                       .td(.class("num"), .text(PercentChange.format(current: r.incidents, previous: r.incidentsSameMonthLastYear))))]))
        return .page(req, title: title,
            AnalysisViews.tabs(req, active: "report", query: p.query),
            .div(.class("toolbar"), .h1(.text(title)),
                 .button(.type("button"), .class("btn secondary no-print"), .attr("data-print", "1"), .text(L.t("打印", "Print")))),
            AnalysisViews.errorNote(req, errors),
            AnalysisViews.pickers(req, action: "/analysis/report", params: p, units: pickers),
            units.isEmpty ? .div(.class("empty"), .text(L.t("您的辖区内没有社区。", "There are no communities in your jurisdiction."))) : .group([
                .div(.class("card narrative"), .h2(.text(L.t("综述", "Summary"))), .p(.text(L.t(r.narrativeZh, r.narrativeEn)))),
                stats,
                .div(.class("card"), .h2(.text(L.t("近12个月趋势", "Last 12 months"))), trendSVG(r.trend, L)),
                .div(.class("card"), .h2(.text(L.t("分类警情", "By category"))), categories),
                .div(.class("card"), .h2(.text(L.t("可防性案件发案时段（星期 × 时段）", "Preventable cases by weekday and hour"))), hourWeekday(r.hourWeekday, L)),
                r.hotspots.map { hotspotCard($0, L, query: p.query, map: HotspotMap.render(req, $0, outlines: outlines, query: p.query, width: 640, height: 420)) } ?? .empty,
                .div(.class("card"), .h2(.text(L.t("同比升幅较大的社区", "Communities rising most, year on year"))),
                     r.incidentsSameMonthLastYear == 0 ? .p(.class("muted"), .text(L.t("台账中没有去年同月的警情，无法同比。", "The ledger holds nothing for the same month last year."))) : rising(r.risingYearOnYear, L, yoy: true),
                     .h2(.text(L.t("环比升幅较大的社区", "Communities rising most, month on month"))), rising(r.risingMonthOnMonth, L, yoy: false)),
                .p(.class("small muted"), .text(L.t("数据来源：警情台账；发案按发生时间统计。", "Source: the incident ledger; cases count by time of occurrence."))),
            ]))
    }
}
