import Foundation
import PinganKit

/// The map drawn on the server as SVG nodes — the page's picture without JavaScript and for print: the same layers as
/// the interactive map, fitted into `width` × `height` pixels (Web Mercator, like the browser).
struct MapSVG {
    struct Layer { var id: String; var label: String; var color: String; var collection: MapFeatureCollection }
    var bbox: GeoBBox
    var width: Double = 720
    var height: Double = 520

    /// The zoom at which the box fits, and the pixel offset of its north-west corner.
    var fit: (zoom: Double, origin: GeoXY) {
        let a = WebMercator.pixel(GeoPoint(lon: bbox.minLon, lat: bbox.maxLat), zoom: 0)
        let b = WebMercator.pixel(GeoPoint(lon: bbox.maxLon, lat: bbox.minLat), zoom: 0)
        let scale = min(width / max(b.x - a.x, 1e-9), height / max(b.y - a.y, 1e-9)) * 0.96
        let zoom = log2(scale)
        let nw = WebMercator.pixel(GeoPoint(lon: bbox.minLon, lat: bbox.maxLat), zoom: zoom)
        let se = WebMercator.pixel(GeoPoint(lon: bbox.maxLon, lat: bbox.minLat), zoom: zoom)
        // Centre the box in the frame.
        return (zoom, GeoXY(x: nw.x - (width - (se.x - nw.x)) / 2, y: nw.y - (height - (se.y - nw.y)) / 2))
    }

    /// The integer zoom to ask the layer API for, so the server's clusters match the picture's scale.
    var requestZoom: Int { max(0, min(20, Int(fit.zoom.rounded(.down)))) }

    static func f(_ v: Double) -> String { String(format: "%.1f", v) }

    func render(_ layers: [Layer], ariaLabel: String, syntheticNote: String?, focus: GeoPoint? = nil) -> Node {
        let (zoom, origin) = fit
        func xy(_ p: GeoPoint) -> (Double, Double) { let q = WebMercator.pixel(p, zoom: zoom); return (q.x - origin.x, q.y - origin.y) }
        func path(_ mp: GeoMultiPolygon) -> String {
            var d = ""
            for poly in mp.polygons {
                for ring in poly.rings where ring.points.count > 2 {
                    for (i, p) in ring.points.enumerated() { let (x, y) = xy(p); d += (i == 0 ? "M" : "L") + Self.f(x) + " " + Self.f(y) }
                    d += "Z"
                }
            }
            return d
        }
        var shapes: [Node] = [], points: [Node] = [], labels: [Node] = []
        for layer in layers {
            for feature in layer.collection.features {
                let p = feature.properties
                let color = p.color ?? layer.color
                let title: Node = .el("title", [.text([p.title, p.subtitle].compactMap { $0 }.joined(separator: " · "))])
                switch feature.geometry {
                case .multiPolygon(let mp):
                    let isCell = p.kind == "hotspot"
                    shapes.append(.el("path", [.attr("d", path(mp)), .class(isCell ? "svg-cell" : (p.synthetic == true ? "svg-poly svg-syn" : "svg-poly")),
                                               .attr("fill", color), .attr("stroke", isCell ? "#ffffff" : color), title]))
                    if let label = p.label, let c = mp.interiorPoint() {
                        let (x, y) = xy(c)
                        if isCell || layer.collection.features.count <= 40 {
                            labels.append(.el("text", [.attr("x", Self.f(x)), .attr("y", Self.f(y)), .class(isCell ? "svg-rank" : "svg-label"), .text(label)]))
                        }
                    }
                case .point(let pt):
                    let (x, y) = xy(pt)
                    guard x >= -20, y >= -20, x <= width + 20, y <= height + 20 else { continue }
                    if p.cluster == true, let n = p.count {
                        let r = 9 + 4 * log10(Double(max(n, 1)))
                        points.append(.el("g", [.class("svg-cluster"), title.withText("\(layer.label) \(n)"),
                            .el("circle", [.attr("cx", Self.f(x)), .attr("cy", Self.f(y)), .attr("r", Self.f(r)), .attr("fill", color)]),
                            .el("text", [.attr("x", Self.f(x)), .attr("y", Self.f(y)), .text(n >= 1000 ? String(format: "%.1fk", Double(n) / 1000) : "\(n)")])]))
                    } else {
                        points.append(.el("circle", [.attr("cx", Self.f(x)), .attr("cy", Self.f(y)), .attr("r", "4.5"), .class("svg-pt"), .attr("fill", color), title]))
                    }
                }
            }
        }
        if let focus {
            let (x, y) = xy(focus)
            points.append(.el("path", [.class("svg-focus"), .attr("d", "M\(Self.f(x)) \(Self.f(y))l-7 -16a8 8 0 1 1 14 0z")]))
        }
        return .el("svg", [.attr("viewBox", "0 0 \(Self.f(width)) \(Self.f(height))"), .attr("role", "img"), .attr("aria-label", ariaLabel),
                           .attr("xmlns", "http://www.w3.org/2000/svg"), .class("map-svg"),
                           .el("rect", [.attr("width", Self.f(width)), .attr("height", Self.f(height)), .class("svg-bg")]),
                           .group(shapes), .group(points), .group(labels),
                           scaleBar(zoom: zoom),
                           syntheticNote.map { .el("text", [.attr("x", "8"), .attr("y", Self.f(height - 10)), .class("svg-note"), .text($0)]) } ?? .empty])
    }

    /// A metric scale bar of a round length about 100 px long.
    func scaleBar(zoom: Double) -> Node {
        let mpp = WebMercator.metresPerPixel(latitude: bbox.center.lat, zoom: zoom)
        let target = mpp * 100
        let steps: [Double] = [50, 100, 200, 500, 1000, 2000, 5000, 10000, 20000, 50000]
        let metres = steps.last { $0 <= target } ?? steps[0]
        let px = metres / mpp
        let label = metres >= 1000 ? "\(Int(metres / 1000)) km" : "\(Int(metres)) m"
        let x0 = width - px - 14, y0 = height - 14
        return .el("g", [.class("svg-scale"),
            .el("path", [.attr("d", "M\(Self.f(x0)) \(Self.f(y0 - 5))V\(Self.f(y0))H\(Self.f(x0 + px))V\(Self.f(y0 - 5))")]),
            .el("text", [.attr("x", Self.f(x0 + px / 2)), .attr("y", Self.f(y0 - 8)), .text(label)])])
    }
}

private extension Node {
    /// A `<title>` with other text (a cluster's tooltip).
    func withText(_ s: String) -> Node { .el("title", [.text(s)]) }
}
