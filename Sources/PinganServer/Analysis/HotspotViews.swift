import Vapor
import PinganKit

/// Hotspot map (热点分析) and patrol recommendation (巡逻建议) pages. SVG with presentation attributes
/// only (the CSP forbids inline styles); every label goes through `Node.escape`.
enum HotspotViews {
    static func fill(_ band: Int, count: Int) -> String {
        switch band {
        case 3: "#b2182b"
        case 2: "#ef8a62"
        case 1: "#fddbc7"
        case -1: "#d1e5f0"
        case -2: "#67a9cf"
        case -3: "#2166ac"
        default: count > 0 ? "#d5dbe0" : "#f4f6f8"
        }
    }

    static func f(_ v: Double) -> String { String(format: "%.1f", v) }

    /// 7 × 24 hour-by-weekday profile of one cell as a small heat strip.
    static func profileSVG(_ counts: [Int], _ L: Lang) -> Node {
        guard counts.count == 168 else { return .empty }
        let cw = 9.0, ch = 9.0, left = 26.0, top = 2.0
        let maxV = max(1, counts.max() ?? 1)
        let names = L.isEnglish ? HourWeekdayTable.weekdayNamesEn : HourWeekdayTable.weekdayNamesZh
        let shades = ["#f7f7f7", "#fddbc7", "#f4a582", "#d6604d", "#b2182b"]
        var s = "<svg class=\"profile\" viewBox=\"0 0 \(f(left + 24 * cw)) \(f(top + 7 * ch + 12))\" width=\"\(f(left + 24 * cw))\" role=\"img\" aria-label=\"\(Node.escape(L.t("星期×时段分布", "Weekday × hour profile")))\" xmlns=\"http://www.w3.org/2000/svg\">"
        for d in 0..<7 {
            s += "<text x=\"0\" y=\"\(f(top + Double(d) * ch + 8))\" font-size=\"8\" fill=\"#5f6b76\">\(Node.escape(names[d]))</text>"
            for h in 0..<24 {
                let v = counts[d * 24 + h]
                let level = v == 0 ? 0 : min(4, 1 + Int(Double(v) / Double(maxV) * 3.999))
                s += "<rect x=\"\(f(left + Double(h) * cw))\" y=\"\(f(top + Double(d) * ch))\" width=\"\(f(cw - 1))\" height=\"\(f(ch - 1))\" fill=\"\(shades[level])\"><title>\(Node.escape("\(names[d]) \(h):00 · \(v)"))</title></rect>"
            }
        }
        for h in stride(from: 0, through: 18, by: 6) {
            s += "<text x=\"\(f(left + Double(h) * cw))\" y=\"\(f(top + 7 * ch + 10))\" font-size=\"8\" fill=\"#5f6b76\">\(h)</text>"
        }
        s += "</svg>"
        return .raw(s)
    }

    static func categoryOptions(_ L: Lang) -> [(String, String)] {
        [("preventable", L.t("可防性案件", "Preventable cases"))] + IncidentCategory.allCases.map { ($0.rawValue, L.t($0.nameZh, $0.nameEn)) }
    }

    /// Jurisdiction + incident filter + cell size controls shared by both pages.
    static func commonFields(_ req: Request, units: AnalysisUnits, station: Int?, community: Int?, category: String?, sub: String?, cell: Double,
                             subcategories: [IncidentSubcategory]) -> [Node] {
        let L = req.lang
        var fields: [Node] = []
        if units.stations.count > 1 {
            fields.append(.label(.text(L.t("派出所", "Police station")), Form.select("station", units.stations.map { ("\($0.id)", $0.name) }, selected: station.map(String.init), blank: L.t("全部", "All"))))
        }
        if units.communities.count > 1 {
            fields.append(.label(.text(L.t("社区/村", "Community")), Form.select("community", units.communities.map { ($0.id, $0.name) }, selected: community.map(String.init), blank: L.t("全部", "All"))))
        }
        fields.append(.label(.text(L.t("类别", "Category")), Form.select("category", categoryOptions(L), selected: category, blank: L.t("全部警情", "All incidents"))))
        fields.append(.label(.text(L.t("小类", "Subcategory")), Form.select("sub", subcategories.map { ($0.code, L.t($0.nameZh, $0.nameEn)) }, selected: sub, blank: L.t("全部", "All"))))
        fields.append(.label(.text(L.t("网格边长（米）", "Cell size (m)")), Form.input("cell", String(Int(cell)), type: "number", extra: .group([.attr("min", "50"), .attr("max", "1000"), .attr("step", "10")]))))
        return fields
    }

    static func filterTitle(_ L: Lang, category: String?, sub: String?, subcategories: [IncidentSubcategory]) -> String {
        if let sub, let s = subcategories.first(where: { $0.code == sub }) { return L.t(s.nameZh, s.nameEn) }
        if let category { return categoryOptions(L).first { $0.0 == category }?.1 ?? category }
        return L.t("全部警情", "All incidents")
    }

    static func hotspots(_ req: Request, _ d: HotspotsDTO, units: AnalysisUnits, params p: HotspotParams, errors: FieldErrors, pickers: AnalysisUnits,
                         subcategories: [IncidentSubcategory], map: Node) -> Response {
        let L = req.lang
        let what = filterTitle(L, category: p.category, sub: p.sub, subcategories: subcategories)
        let title = L.t("\(d.jurisdiction)警情热点分析", "Hot spots, \(d.jurisdiction)")
        let query = (["from=\(d.from)", "to=\(d.to)"] + p.jurisdictionQuery + p.incidentFilter).joined(separator: "&")
        let form: Node = .element("form", [.method("get"), .action("/analysis/hotspots"), .class("filters no-print"),
            .label(.text(L.t("开始日期", "From")), Form.input("from", d.from, type: "date")),
            .label(.text(L.t("结束日期", "To")), Form.input("to", d.to, type: "date"))]
            + commonFields(req, units: pickers, station: p.station, community: p.community, category: p.category, sub: p.sub, cell: p.cellSize, subcategories: subcategories)
            + [.button(.type("submit"), .text(L.t("分析", "Analyse")))])
        let hotCount = d.cells.filter { $0.band >= 2 }.count
        let hot99 = d.cells.filter { $0.band == 3 }.count
        let listed = d.hotCells.count < hotCount ? L.t("；下表列出其中有警情的最热 \(d.hotCells.count) 个（至多 \(HotspotService.hotLimit) 个）", "; the table lists the hottest \(d.hotCells.count) with incidents (at most \(HotspotService.hotLimit))") : ""
        let summary = L.t("\(d.from) 至 \(d.to)，\(what)：有坐标的警情 \(d.incidents) 起（无坐标 \(d.unlocated) 起未纳入），\(Int(d.cellSize)) 米网格 \(d.columns) × \(d.rows)；热点网格（z ≥ 1.96）\(hotCount) 个，其中 99% 显著 \(hot99) 个\(listed)。",
                          "\(d.from) to \(d.to), \(what): \(d.incidents) located incidents (\(d.unlocated) without coordinates left out), \(Int(d.cellSize)) m cells, \(d.columns) × \(d.rows); \(hotCount) hot cells (z ≥ 1.96), \(hot99) of them at 99 %\(listed).")
        let table: Node = d.hotCells.isEmpty
            ? .p(.class("muted"), .text(L.t("没有显著的热点网格。", "No significant hot cell.")))
            : .div(.class("scroll"), .table(.class("data compact"),
                .thead(.tr(.th(.class("num"), .text(L.t("序号", "No."))), .th(.text(L.t("位置", "Where"))),
                           .th(.class("num"), .text(L.t("案件数", "Incidents"))), .th(.class("num"), .text("z")), .th(.text(L.t("显著性", "Significance"))),
                           .th(.text(L.t("高发时段", "Peak 3 hours"))), .th(.text(L.t("星期 × 时段", "Weekday × hour"))))),
                .tbody(.forEach(Array(d.hotCells.enumerated())) { k, c in
                    .tr(.td(.class("num"), .text("\(k + 1)")),
                        .td(.text(c.community ?? L.t("社区外", "outside the communities")), .span(.class("small muted"), .text(c.station.map { " · " + $0 } ?? "")),
                            .br(), .span(.class("small muted"), .text(String(format: "%.5f, %.5f", c.centerLat, c.centerLon)))),
                        .td(.class("num strong"), .text("\(c.count)")), .td(.class("num"), .text(c.z.map { Decimals.format($0, places: 2) } ?? "—")),
                        .td(.text(c.bandName)), .td(.text(c.peak ?? "—")), .td(profileSVG(c.profile ?? [], L)))
                })))
        let body: Node = units.isEmpty
            ? .div(.class("empty"), .text(L.t("您的辖区内没有社区。", "There are no communities in your jurisdiction.")))
            : d.incidents == 0
            ? .div(.class("empty"), .text(L.t("所选时段和类别没有带坐标的警情。", "No located incidents for this period and category.")))
            : .group([
                .div(.class("card"), .h2(.text(L.t("热点网格图（Getis-Ord Gi*）", "Hot spot map (Getis-Ord Gi*)"))), map,
                     .p(.class("small muted"), .text(L.t("每格 \(Int(d.cellSize)) 米，画在社区边界上；颜色为 Gi* 显著性（王后邻接含自身，二值权重）；数字为下表前 10 个热点的名次。", "Cells of \(Int(d.cellSize)) m drawn on the community outlines, coloured by Gi* significance (queen contiguity with the cell itself, binary weights); numbers: the table's first ten.")))),
                .div(.class("card"), .h2(.text(L.t("热点网格及发案时段", "Hot cells and when incidents happen"))), table),
            ])
        return .page(req, title: title,
            AnalysisViews.tabs(req, active: "hotspots", query: "month=\(p.month)" + (p.jurisdictionQuery.isEmpty ? "" : "&" + p.jurisdictionQuery.joined(separator: "&"))),
            .div(.class("toolbar"), .h1(.text(title)),
                 .a(.class("btn secondary no-print"), .href("/analysis/hotspots.csv?" + query), .text(L.t("导出 CSV", "Export CSV"))),
                 .button(.type("button"), .class("btn secondary no-print"), .attr("data-print", "1"), .text(L.t("打印", "Print")))),
            AnalysisViews.errorNote(req, errors),
            form,
            .p(.text(summary)),
            body,
            .p(.class("small muted"), .text(L.t("Gi* 在覆盖全部有坐标警情的矩形网格上计算（空网格计为 0），与 PySAL esda.G_Local(star=True, transform='B') 一致；z ≥ 1.96 为 95% 显著热点。",
                                              "Gi* runs on the rectangular lattice covering every located incident (empty cells count 0), as PySAL esda.G_Local(star=True, transform='B'); z ≥ 1.96 is a 95 % hot spot."))))
    }

    static func patrols(_ req: Request, _ d: PatrolPlanDTO, units: AnalysisUnits, params p: PatrolParams, errors: FieldErrors, pickers: AnalysisUnits,
                        subcategories: [IncidentSubcategory]) -> Response {
        let L = req.lang
        let title = L.t("\(d.jurisdiction)巡逻建议（\(d.week) 至 \(d.weekEnd)）", "Patrol recommendation, \(d.jurisdiction), week of \(d.week)")
        var q = ["week=\(d.week)", "hours=\(String(format: "%g", p.hours))", "window=\(p.windowHours)"] + p.jurisdictionQuery.map { $0 }
        if let c = p.category { q.append("category=\(c)") }
        if let s = p.sub { q.append("sub=\(s)") }
        if p.cellSize != HotspotGrid.defaultCellSize { q.append("cell=\(Int(p.cellSize))") }
        for (id, v) in p.capacity.sorted(by: { $0.key < $1.key }) { q.append("cap\(id)=\(String(format: "%g", v))") }
        let query = q.joined(separator: "&")
        var fields: [Node] = [.method("get"), .action("/analysis/patrols"), .class("filters no-print"),
            .label(.text(L.t("计划周（周一）", "Week (Monday)")), Form.input("week", d.week, type: "date")),
            .label(.text(L.t("每所巡逻时长（小时/周）", "Patrol hours per station")), Form.input("hours", String(format: "%g", p.hours), type: "number", extra: .group([.attr("min", "0"), .attr("max", "1000")]))),
            .label(.text(L.t("时段长度（小时）", "Window (hours)")), Form.select("window", PatrolParams.windows.map { ("\($0)", "\($0)") }, selected: "\(p.windowHours)"))]
        fields += commonFields(req, units: pickers, station: p.station, community: p.community, category: p.category, sub: p.sub, cell: p.cellSize, subcategories: subcategories)
        for s in units.stations where units.stations.count > 1 {
            fields.append(.label(.text(L.t("\(s.name)（小时）", "\(s.name) (hours)")), Form.input("cap\(s.id)", p.capacity[s.id].map { String(format: "%g", $0) }, type: "number",
                                                                                        extra: .group([.attr("min", "0"), .attr("max", "1000"), .attr("placeholder", String(format: "%g", p.hours))]))))
        }
        fields.append(.button(.type("submit"), .text(L.t("生成", "Plan"))))
        let summary = L.t("预测模型 \(d.model)：以 \(d.historyFrom) 起至本周一前的 \(d.historyIncidents) 起有坐标警情为依据（只用本周之前的数据），预计下周共 \(Decimals.format(d.expectedWeekTotal, places: 1)) 起。按各所巡逻能力，从预计警情最多的网格 × 时段依次排入，每格每周至多 3 个时段、同一时段至多 2 处。此为草案，请结合实际调整。",
                          "Model \(d.model), fed with the \(d.historyIncidents) located incidents from \(d.historyFrom) up to the Monday (nothing later); \(Decimals.format(d.expectedWeekTotal, places: 1)) incidents expected next week. Patrols are the cell × window slots with most expected incidents, within each station's hours, at most 3 windows per cell and 2 patrols at once. A draft to edit.")
        // Stations without a single patrol are listed on one line below, not as empty cards.
        let idle = d.stations.filter { $0.rows.isEmpty }
        let idleNote: Node = idle.isEmpty ? .empty : .p(.class("muted"), .text(L.t("无建议的派出所（近两年辖区无有坐标警情，或巡逻时长不足一个时段）：", "No patrols for (no located incidents in two years, or fewer hours than one window): ")
            + idle.map { $0.name + "（\(String(format: "%g", $0.capacityHours))h）" }.joined(separator: L.t("、", ", "))))
        let stationCards: [Node] = d.stations.filter { !$0.rows.isEmpty }.map { s in
            .div(.class("card"),
                .h2(.text(s.name + L.t("：计划 \(String(format: "%g", s.plannedHours)) / \(String(format: "%g", s.capacityHours)) 小时，覆盖预计警情 \(Decimals.format(s.coveredExpected, places: 2)) 起",
                                       ": \(String(format: "%g", s.plannedHours)) of \(String(format: "%g", s.capacityHours)) hours planned, covering \(Decimals.format(s.coveredExpected, places: 2)) expected incidents"))),
                s.rows.isEmpty ? .p(.class("muted"), .text(s.capacityHours < Double(d.windowHours) ? L.t("巡逻时长不足一个时段。", "Fewer hours than one window.") : L.t("历史警情不足，无建议。", "Not enough history for a recommendation.")))
                : .div(.class("scroll"), .table(.class("data compact"),
                    .thead(.tr(.th(.class("num"), .text(L.t("序号", "No."))), .th(.text(L.t("日期", "Date"))), .th(.text(L.t("时段", "Window"))), .th(.text(L.t("网格", "Cell"))),
                               .th(.text(L.t("主要社区", "Main community"))), .th(.class("num"), .text(L.t("网格预测（起/周）", "Cell forecast / week"))),
                               .th(.class("num"), .text(L.t("时段占比", "Window share"))), .th(.class("num"), .text(L.t("时段预计警情", "Expected in window"))))),
                    .tbody(.forEach(s.rows) { r in
                        .tr(.td(.class("num"), .text("\(r.rank)")), .td(.text("\(r.date) \(r.weekdayName)")), .td(.text("\(r.start)–\(r.end)")),
                            .td(.text(r.cell), .br(), .span(.class("small muted"), .text(String(format: "%.5f, %.5f", r.centerLat, r.centerLon)))),
                            .td(.text(r.community ?? "—")), .td(.class("num"), .text(Decimals.format(r.cellExpected, places: 2))),
                            .td(.class("num"), .text(Decimals.percent(r.windowShare))), .td(.class("num strong"), .text(Decimals.format(r.expected, places: 3))))
                    }))))
        }
        let body: Node = units.isEmpty
            ? .div(.class("empty"), .text(L.t("您的辖区内没有社区。", "There are no communities in your jurisdiction.")))
            : d.historyIncidents == 0
            ? .div(.class("empty"), .text(L.t("近两年没有带坐标的警情，无法生成巡逻建议。", "No located incidents in the last two years: nothing to recommend.")))
            : .group(stationCards + [idleNote])
        return .page(req, title: title,
            AnalysisViews.tabs(req, active: "patrols", query: p.jurisdictionQuery.joined(separator: "&")),
            .div(.class("toolbar"), .h1(.text(title)),
                 .a(.class("btn secondary no-print"), .href("/analysis/patrols.csv?" + query), .text(L.t("导出巡逻计划草案 CSV", "Export draft plan (CSV)"))),
                 .a(.class("btn secondary no-print"), .href("/api/v1/analysis/patrols?" + query), .text(L.t("JSON", "JSON"))),
                 .button(.type("button"), .class("btn secondary no-print"), .attr("data-print", "1"), .text(L.t("打印", "Print")))),
            AnalysisViews.errorNote(req, errors),
            .element("form", fields),
            .p(.text(summary)),
            body)
    }
}
