import Vapor

/// Charts built as nodes (escaped like every other page text), drawn by the stylesheet's `svg.hbars` classes. The
/// table beside a chart stays the record: the chart is for seeing, the table for reading and printing.
enum Charts {
    struct Bar { var label: String; var values: [Int] }

    /// Horizontal bars: one row per item, one bar per series (at most three), each bar followed by its figure. Long
    /// labels and phones both fit, because the drawing scales to its box and never scrolls sideways. Only the first
    /// `limit` rows are drawn (the caller orders them); a line under the chart says so.
    static func bars(_ rows: [Bar], series: [String], title: String, limit: Int = 20, _ L: Lang) -> Node {
        let shown = Array(rows.prefix(limit))
        guard !shown.isEmpty else { return .empty }
        let n = max(1, min(series.count, 3))
        let width = 640.0, labelWidth = 170.0, figureWidth = 44.0, barHeight = 9.0, gap = 8.0
        let rowHeight = Double(n) * barHeight + gap
        let height = Double(shown.count) * rowHeight + 4
        let top = max(1, shown.flatMap { $0.values.prefix(n) }.max() ?? 1)
        let scale = (width - labelWidth - figureWidth) / Double(top)
        var parts: [Node] = [.element("title", [.text(title)])]
        for (i, row) in shown.enumerated() {
            let y = Double(i) * rowHeight + 2
            let label = row.label.count > 12 ? String(row.label.prefix(11)) + "…" : row.label
            parts.append(.element("text", [.attr("x", fmt(labelWidth - 6)), .attr("y", fmt(y + Double(n) * barHeight / 2 + 4)), .class("label"), .text(label)]))
            for s in 0..<n {
                let v = s < row.values.count ? row.values[s] : 0
                let w = Double(v) * scale, by = y + Double(s) * barHeight
                parts.append(.element("rect", [.attr("x", fmt(labelWidth)), .attr("y", fmt(by)), .attr("width", fmt(max(w, v > 0 ? 1 : 0))),
                                               .attr("height", fmt(barHeight - 1)), .class("hb\(s)")]))
                parts.append(.element("text", [.attr("x", fmt(labelWidth + w + 4)), .attr("y", fmt(by + barHeight - 1.5)), .class("figure"), .text("\(v)")]))
            }
        }
        let svg: Node = .element("svg", [.class("hbars"), .attr("viewBox", "0 0 \(Int(width)) \(Int(height.rounded(.up)))"), .attr("role", "img"),
                                         .attr("aria-label", title)] + parts)
        let legend: Node = .div(.class("chart-legend small muted"), .group(series.prefix(n).enumerated().map { i, name in
            .span(.class("nowrap"), .element("svg", [.attr("width", "12"), .attr("height", "12"), .attr("aria-hidden", "true"),
                                                    .element("rect", [.attr("width", "12"), .attr("height", "12"), .class("hb\(i)")])]), .text(" " + name + "  "))
        }))
        let note: Node = rows.count > limit ? .p(.class("small muted"), .text(L.t("图中显示前\(limit)项，共\(rows.count)项，全部见下表。",
                                                                              "The chart shows the first \(limit) of \(rows.count); the table has them all."))) : .empty
        return .element("figure", [.class("chart-box"), svg, legend, note])
    }

    struct Share { var label: String; var share: Double; var low: Double; var high: Double }

    /// Shares over time (0…1) as dots with their 95% interval, against a target line: a point whose whole interval lies
    /// under the line is below the target beyond chance. The vertical axis starts just under the lowest interval.
    static func shares(_ points: [Share], target: Double, title: String, _ L: Lang) -> Node {
        guard !points.isEmpty else { return .empty }
        let width = 640.0, height = 200.0, left = 44.0, right = 12.0, top = 10.0, bottom = 26.0
        let floor = max(0, (min(points.map(\.low).min() ?? 0, target) - 0.02) * 50).rounded(.down) / 50
        func y(_ v: Double) -> Double { top + (1 - (v - floor) / max(1 - floor, 0.01)) * (height - top - bottom) }
        let step = (width - left - right) / Double(points.count)
        var parts: [Node] = [.element("title", [.text(title)])]
        for tick in stride(from: floor, through: 1.0001, by: max(0.02, ((1 - floor) / 4 * 50).rounded(.up) / 50)) {
            parts.append(.element("line", [.attr("x1", fmt(left)), .attr("x2", fmt(width - right)), .attr("y1", fmt(y(tick))), .attr("y2", fmt(y(tick))), .class("grid")]))
            parts.append(.element("text", [.attr("x", fmt(left - 4)), .attr("y", fmt(y(tick) + 3.5)), .class("label"), .text(String(format: "%.0f%%", tick * 100))]))
        }
        parts.append(.element("line", [.attr("x1", fmt(left)), .attr("x2", fmt(width - right)), .attr("y1", fmt(y(target))), .attr("y2", fmt(y(target))), .class("target")]))
        for (i, p) in points.enumerated() {
            let x = left + step * (Double(i) + 0.5)
            let below = p.high < target
            parts.append(.element("line", [.attr("x1", fmt(x)), .attr("x2", fmt(x)), .attr("y1", fmt(y(p.low))), .attr("y2", fmt(y(p.high))), .class("whisker")]))
            parts.append(.element("circle", [.attr("cx", fmt(x)), .attr("cy", fmt(y(p.share))), .attr("r", "4"), .class(below ? "dot below" : "dot")]))
            parts.append(.element("text", [.attr("x", fmt(x)), .attr("y", fmt(height - 8)), .class("axis"), .text(p.label)]))
        }
        let svg: Node = .element("svg", [.class("hbars shares"), .attr("viewBox", "0 0 \(Int(width)) \(Int(height))"), .attr("role", "img"), .attr("aria-label", title)] + parts)
        return .element("figure", [.class("chart-box"), svg,
            .div(.class("chart-legend small muted"), .text(L.t("圆点：安全感；竖线：95%置信区间；横线：目标 ", "Dot: share feeling safe; bar: 95% interval; line: target ")
                                                        + String(format: "%.1f%%", target * 100) + L.t("；红点：整体低于目标。", "; red: wholly below the target.")))])
    }

    static func fmt(_ v: Double) -> String { String(format: "%.1f", v) }
}
