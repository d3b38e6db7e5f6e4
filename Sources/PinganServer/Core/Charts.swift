import Vapor

/// Charts built as nodes (escaped like every other page text), drawn by the stylesheet's `svg.hbars` classes. The
/// table beside a chart stays the record: the chart is for seeing, the table for reading and printing.
///
/// Each chart is drawn twice: a wide drawing that scales with its box, and a narrow one for phones whose text keeps its
/// size (labels above the bars, bar lengths in percent of the width). The stylesheet shows one of them, so that on a
/// 390-px screen the labels are not scaled down to a few pixels.
enum Charts {
    struct Bar {
        var label: String
        var values: [Double]
        init(label: String, values: [Int]) { self.label = label; self.values = values.map(Double.init) }
        init(label: String, values: [Double]) { self.label = label; self.values = values }
    }

    /// Horizontal bars: one row per item, one bar per series (at most three), each bar followed by its figure. Only
    /// the first `limit` rows are drawn (the caller orders them); a line under the chart says so. `figure` writes a
    /// value (whole numbers by default). `from` starts the bars at a value other than zero, for figures that differ
    /// little against their size (scores of 60–70); the legend then says where the bars start.
    static func bars(_ rows: [Bar], series: [String], title: String, limit: Int = 20, from: Double = 0,
                     figure: @escaping (Double) -> String = { String(Int($0.rounded())) }, _ L: Lang) -> Node {
        let shown = Array(rows.prefix(limit)).map { Bar(label: $0.label, values: $0.values.map { max(0, $0 - from) }) }
        guard !shown.isEmpty else { return .empty }
        let n = max(1, min(series.count, 3))
        let top = max(1e-9, shown.flatMap { $0.values.prefix(n) }.max() ?? 1)
        let written = { (v: Double) in figure(v + from) }
        let legend: Node = .div(.class("chart-legend small muted"), .group(series.prefix(n).enumerated().map { i, name in
            .span(.class("nowrap"), .element("svg", [.attr("width", "12"), .attr("height", "12"), .attr("aria-hidden", "true"),
                                                    .element("rect", [.attr("width", "12"), .attr("height", "12"), .class("hb\(i)")])]), .text(" " + name + "  "))
        } + (from == 0 ? [] : [.span(.class("nowrap"), .text(L.t("条形从 \(written(0)) 起画", "bars start at \(written(0))")))])))
        let note: Node = rows.count > limit ? .p(.class("small muted"), .text(L.t("图中显示前\(limit)项，共\(rows.count)项，全部见下表。",
                                                                              "The chart shows the first \(limit) of \(rows.count); the table has them all."))) : .empty
        return .element("figure", [.class("chart-box"), wideBars(shown, n: n, top: top, title: title, figure: written),
                                   narrowBars(shown, n: n, top: top, title: title, figure: written), legend, note])
    }

    /// Labels left of the bars; the drawing scales to its box.
    private static func wideBars(_ shown: [Bar], n: Int, top: Double, title: String, figure: (Double) -> String) -> Node {
        let width = 640.0, labelWidth = 170.0, figureWidth = 44.0, barHeight = 9.0, gap = 8.0
        let rowHeight = Double(n) * barHeight + gap
        let height = Double(shown.count) * rowHeight + 4
        let scale = (width - labelWidth - figureWidth) / top
        var parts: [Node] = [.element("title", [.text(title)])]
        for (i, row) in shown.enumerated() {
            let y = Double(i) * rowHeight + 2
            let label = row.label.count > 12 ? String(row.label.prefix(11)) + "…" : row.label
            parts.append(.element("text", [.attr("x", fmt(labelWidth - 6)), .attr("y", fmt(y + Double(n) * barHeight / 2 + 4)), .class("label"), .text(label)]))
            for s in 0..<n {
                let v = s < row.values.count ? row.values[s] : 0
                let w = v * scale, by = y + Double(s) * barHeight
                parts.append(.element("rect", [.attr("x", fmt(labelWidth)), .attr("y", fmt(by)), .attr("width", fmt(max(w, v > 0 ? 1 : 0))),
                                               .attr("height", fmt(barHeight - 1)), .class("hb\(s)")]))
                parts.append(.element("text", [.attr("x", fmt(labelWidth + w + 4)), .attr("y", fmt(by + barHeight - 1.5)), .class("figure"), .text(figure(v))]))
            }
        }
        return .element("svg", [.class("hbars wide-chart"), .attr("viewBox", "0 0 \(Int(width)) \(Int(height.rounded(.up)))"), .attr("role", "img"),
                                .attr("aria-label", title)] + parts)
    }

    /// For phones: each label on its own line above its bars, bars as a share of the width, text at its own size.
    private static func narrowBars(_ shown: [Bar], n: Int, top: Double, title: String, figure: (Double) -> String) -> Node {
        let labelHeight = 15.0, barHeight = 11.0, gap = 7.0
        let rowHeight = labelHeight + Double(n) * barHeight + gap
        var parts: [Node] = [.element("title", [.text(title)])]
        for (i, row) in shown.enumerated() {
            let y = Double(i) * rowHeight
            parts.append(.element("text", [.attr("x", "0"), .attr("y", fmt(y + 12)), .class("label-above"), .text(row.label)]))
            for s in 0..<n {
                let v = s < row.values.count ? row.values[s] : 0
                // 82% of the width at most, leaving room for the figure after the longest bar.
                let share = v / top * 82, by = y + labelHeight + Double(s) * barHeight
                parts.append(.element("rect", [.attr("x", "0"), .attr("y", fmt(by)), .attr("width", fmt(max(share, v > 0 ? 0.3 : 0)) + "%"),
                                               .attr("height", fmt(barHeight - 2)), .class("hb\(s)")]))
                parts.append(.element("text", [.attr("x", fmt(share) + "%"), .attr("dx", "4"), .attr("y", fmt(by + barHeight - 3)), .class("figure"), .text(figure(v))]))
            }
        }
        let height = Double(shown.count) * rowHeight
        return .element("svg", [.class("hbars narrow-chart"), .attr("width", "100%"), .attr("height", fmt(height)), .attr("role", "img"),
                                .attr("aria-label", title)] + parts)
    }

    struct Share { var label: String; var share: Double; var low: Double; var high: Double }

    /// Shares over time (0…1) as dots with their 95% interval, against a target line: a point whose whole interval lies
    /// under the line is below the target beyond chance. The vertical axis starts just under the lowest interval.
    static func shares(_ points: [Share], target: Double, title: String, _ L: Lang) -> Node {
        guard !points.isEmpty else { return .empty }
        return .element("figure", [.class("chart-box"), sharesDrawing(points, target: target, title: title, width: 640, narrow: false),
                                   sharesDrawing(points, target: target, title: title, width: 340, narrow: true),
            .div(.class("chart-legend small muted"), .text(L.t("圆点：安全感；竖线：95%置信区间；横线：目标 ", "Dot: share feeling safe; bar: 95% interval; line: target ")
                                                        + String(format: "%.1f%%", target * 100) + L.t("；红点：整体低于目标。", "; red: wholly below the target.")))])
    }

    /// The narrow drawing is the same picture on a 340-unit canvas (so its text is near its own size on a phone), with
    /// only as many month labels as fit.
    private static func sharesDrawing(_ points: [Share], target: Double, title: String, width: Double, narrow: Bool) -> Node {
        let height = 200.0, left = 44.0, right = 12.0, top = 10.0, bottom = 26.0
        let floor = max(0, (min(points.map(\.low).min() ?? 0, target) - 0.02) * 50).rounded(.down) / 50
        func y(_ v: Double) -> Double { top + (1 - (v - floor) / max(1 - floor, 0.01)) * (height - top - bottom) }
        let step = (width - left - right) / Double(points.count)
        let labelEvery = max(1, Int((46 / step).rounded(.up)))
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
            parts.append(.element("circle", [.attr("cx", fmt(x)), .attr("cy", fmt(y(p.share))), .attr("r", narrow ? "3" : "4"), .class(below ? "dot below" : "dot")]))
            if (points.count - 1 - i) % labelEvery == 0 {
                parts.append(.element("text", [.attr("x", fmt(x)), .attr("y", fmt(height - 8)), .class("axis"), .text(p.label)]))
            }
        }
        return .element("svg", [.class("hbars shares " + (narrow ? "narrow-chart" : "wide-chart")), .attr("viewBox", "0 0 \(Int(width)) \(Int(height))"),
                                .attr("role", "img"), .attr("aria-label", title)] + parts)
    }

    static func fmt(_ v: Double) -> String { String(format: "%.1f", v) }
}
