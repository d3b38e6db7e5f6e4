import Vapor
import PinganKit

/// The hot spot map drawn on the communities' outlines (issue 18): significant cells coloured by their Gi* band, the
/// hottest ten numbered like the table, each cell named by its community — not by a lattice index — and the
/// interactive map (map.js) over the same picture when the browser runs it.
enum HotspotMap {
    /// Outlines of the analysed communities, when the tree has them.
    static func outlines(_ req: Request, units: AnalysisUnits) async throws -> [MapDivision] {
        let snap = try await req.application.boundaries.current(req.db)
        return units.communityIDs.compactMap { snap.divisions[$0] }
    }

    static func legend(_ L: Lang) -> Node {
        let items: [(Int, String)] = [(3, L.t("热点 99%", "Hot 99%")), (2, L.t("热点 95%", "Hot 95%")), (1, L.t("热点 90%", "Hot 90%")),
                                       (-1, L.t("冷点 90%", "Cold 90%")), (-2, L.t("冷点 95%", "Cold 95%")), (-3, L.t("冷点 99%", "Cold 99%"))]
        return .ul(.class("map-legend"), .forEach(items) { band, label in
            .li(.el("svg", [.attr("viewBox", "0 0 12 12"), .class("swatch"), .attr("aria-hidden", "true"),
                            .el("rect", [.attr("width", "12"), .attr("height", "12"), .attr("fill", HotspotViews.fill(band, count: 1))])]), .text(label))
        })
    }

    static func render(_ req: Request, _ d: HotspotsDTO, outlines: [MapDivision], query: String, width: Double = 720, height: Double = 520) -> Node {
        let L = req.lang
        guard d.incidents > 0, !d.cells.isEmpty else {
            return .p(.class("muted"), .text(L.t("没有带坐标的警情，无法绘制热点图。", "No located incidents: nothing to map.")))
        }
        let rank = Dictionary(uniqueKeysWithValues: d.hotCells.prefix(10).enumerated().map { ($1.cell, $0 + 1) })
        let half = d.cellSize / 2
        func square(_ c: HotspotCellDTO) -> GeoMultiPolygon {
            let frame = GeoLocalFrame(origin: GeoPoint(lon: c.centerLon, lat: c.centerLat))
            return GeoMultiPolygon(GeoPolygon(outer: [(-half, -half), (half, -half), (half, half), (-half, half), (-half, -half)].map { frame.unproject(GeoXY(x: $0.0, y: $0.1)) }))
        }
        let cells = d.cells.filter { $0.band != 0 || rank[$0.cell] != nil }.sorted { (rank[$0.cell] ?? 99) > (rank[$1.cell] ?? 99) }
        let cellFeatures = cells.map { c -> MapFeature in
            let r = rank[c.cell]
            let place = c.community ?? L.t("社区外", "outside the communities")
            let title = r.map { L.t("热点 第\($0)名 · \(place)", "Hot spot #\($0) · \(place)") } ?? place
            return MapFeature(geometry: .multiPolygon(square(c)), properties: MapProperties(
                title: title, subtitle: L.t("\(c.count) 起 · \(c.bandName)", "\(c.count) incidents · \(c.bandName)") + (c.peak.map { " · " + $0 } ?? ""),
                color: HotspotViews.fill(c.band, count: c.count), label: r.map { "\($0)" }, rank: r, kind: "hotspot"))
        }
        let outlineFeatures = outlines.map { o in
            MapFeature(geometry: .multiPolygon(o.shape(forZoom: 13)), properties: MapProperties(id: o.id, title: o.name, label: outlines.count <= 30 ? o.name : nil,
                                                                                             synthetic: o.source == .synthetic ? true : nil))
        }
        var box = outlines.dropFirst().reduce(outlines.first?.bbox) { acc, o in acc?.union(o.bbox) }
        for f in cellFeatures { if case .multiPolygon(let mp) = f.geometry, let b = mp.bbox { box = box?.union(b) ?? b } }
        guard let bbox = box else { return .empty }
        let layers = [
            MapSVG.Layer(id: "communities", label: L.t("社区/村", "Communities"), color: "#1d4e89",
                         collection: MapFeatureCollection(layer: "divisions", zoom: 13, total: outlineFeatures.count, truncated: false, features: outlineFeatures)),
            MapSVG.Layer(id: "hotspots", label: L.t("热点网格", "Hot spots"), color: "#b2182b",
                         collection: MapFeatureCollection(layer: "hotspots", zoom: 13, total: cellFeatures.count, truncated: false, features: cellFeatures)),
        ]
        let synthetic = outlines.contains { $0.source == .synthetic }
        let svg = MapSVG(bbox: bbox, width: width, height: height)
            .render(layers, ariaLabel: L.t("热点网格图", "Hot spot map"), syntheticNote: synthetic ? L.t("虚线为示意边界", "Dashed: synthetic outlines") : nil)
        let config = MapClientConfig(bbox: [bbox.minLon, bbox.minLat, bbox.maxLon, bbox.maxLat], lang: L.isEnglish ? "en" : "zh", height: Int(height),
            layers: [MapLayerOption(id: "communities", label: L.t("社区/村", "Communities"), url: "/api/v1/map/layers/divisions?level=community", kind: "polygon", on: true, color: "#1d4e89", minZoom: nil),
                     MapLayerOption(id: "hotspots", label: L.t("热点网格（前\(HotspotService.hotLimit)）", "Hot spots (top \(HotspotService.hotLimit))"),
                                    url: "/api/v1/map/layers/hotspots?" + query, kind: "cell", on: true, color: "#b2182b", minZoom: nil)],
            tiles: MapClientConfig.tiles(req), search: nil, focus: nil)
        return .group([.div(.class("map-view"), .attr("data-map-config", config.json), .div(.class("pm-fallback"), svg)), legend(L)])
    }
}
