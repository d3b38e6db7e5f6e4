import Vapor

/// A share drawn as a thin bar (`.meter` in the stylesheet), so tables of rates scan at a glance. One drawing for every
/// page that shows a share: pushes' receipts, campaign progress, group and technical-prevention coverage.
enum Meter {
    /// The bar alone; `fraction` is 0…1, nil draws an empty track.
    static func bar(_ fraction: Double?) -> Node {
        let width = Int((min(max(fraction ?? 0, 0), 1) * 100).rounded())
        return .element("svg", [.class("meter"), .attr("viewBox", "0 0 100 8"), .attr("preserveAspectRatio", "none"), .attr("aria-hidden", "true"),
                                .element("rect", [.attr("width", "100"), .attr("height", "8"), .class("track")]),
                                .element("rect", [.attr("width", "\(width)"), .attr("height", "8"), .class("fill")])])
    }

    /// The bar followed by its figure in words (the figure is what screen readers and prints keep).
    static func line(_ fraction: Double?, _ label: String) -> Node {
        .span(.class("meter-line"), bar(fraction), .span(.class("small"), .text(label)))
    }
}
