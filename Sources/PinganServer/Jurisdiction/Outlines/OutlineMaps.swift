import Vapor
import PinganKit

/// The tree's outlines drawn on pages (record pages, jurisdiction pages, forms' pickers): from the boundary store, as
/// server SVG with the interactive map's configuration (Core/MapDrawing).
enum OutlineMaps {
    /// A small map of one record's place (record pages): its community (and grid) outline and a marker.
    static func recordMap(_ req: Request, point: GeoPoint, label: String, communityID: Int?) async throws -> Node {
        let L = req.lang
        let snap = try await req.application.boundaries.current(req.db)
        var box = GeoBBox(minLon: point.lon, minLat: point.lat, maxLon: point.lon, maxLat: point.lat).expanded(byMetres: 400)
        var layers: [MapSVG.Layer] = []
        if let cid = communityID, let c = snap.divisions[cid] {
            box = box.union(c.bbox)
            let features = [MapFeature(geometry: .multiPolygon(c.shape), properties: MapProperties(id: c.id, title: c.name, label: c.name,
                                                                                                       synthetic: c.source == .synthetic ? true : nil))]
            layers.append(MapSVG.Layer(id: "community", label: c.name, color: "#1d4e89",
                                       collection: MapFeatureCollection(layer: "divisions", zoom: 14, total: 1, truncated: false, features: features)))
        }
        let frame = MapSVG(bbox: box, width: 480, height: 300)
        // Roles without the tree (a responsible unit's staff) get the marker on the server-drawn outline only.
        let mayReadOutlines = (try? req.user.role.can(.viewJurisdiction)) ?? false
        let config = MapClientConfig(bbox: [box.minLon, box.minLat, box.maxLon, box.maxLat], lang: L.isEnglish ? "en" : "zh", height: 300,
            layers: !mayReadOutlines ? [] : [MapLayerOption(id: "communities", label: L.t("社区/村", "Communities"), url: "/api/v1/map/layers/divisions?level=community", kind: "polygon", on: true, color: "#1d4e89", minZoom: nil),
                     MapLayerOption(id: "grids", label: L.t("网格", "Grids"), url: "/api/v1/map/layers/divisions?level=grid", kind: "polygon", on: true, color: "#616e7c", minZoom: 13)],
            tiles: MapClientConfig.tiles(req), search: nil, focus: .init(lon: point.lon, lat: point.lat, label: label))
        return .div(.class("map-view small-map"), .attr("data-map-config", config.json),
                    .div(.class("pm-fallback"), frame.render(layers, ariaLabel: L.t("位置：", "Location: ") + label, syntheticNote: nil, focus: point)))
    }


    /// A division's outline with its children's (jurisdiction pages), or nothing when it has none.
    static func divisionMap(_ req: Request, _ d: Division, children: [Division]) async throws -> Node {
        let L = req.lang
        let snap = try await req.application.boundaries.current(req.db)
        guard let id = d.id, let me = snap.divisions[id] else { return .empty }
        let kids = children.compactMap { $0.id.flatMap { snap.divisions[$0] } }
        func layer(_ list: [MapDivision], _ label: String, _ color: String) -> MapSVG.Layer {
            MapSVG.Layer(id: label, label: label, color: color, collection: MapFeatureCollection(layer: "divisions", zoom: 14, total: list.count, truncated: false,
                features: list.map { MapFeature(geometry: .multiPolygon($0.shape(forZoom: 13)), properties: MapProperties(
                    id: $0.id, title: $0.name, label: kids.count <= 40 ? $0.name : nil, synthetic: $0.source == .synthetic ? true : nil)) }))
        }
        let childLevel = kids.first?.level
        let synthetic = me.source == .synthetic || kids.contains { $0.source == .synthetic }
        let svg = MapSVG(bbox: me.bbox, width: 480, height: 320)
            .render([layer([me], me.name, "#1f2933"), layer(kids, L.t("下级单元", "Sub-units"), "#1d4e89")],
                     ariaLabel: L.t("\(me.name)边界", "Outline of \(me.name)"), syntheticNote: synthetic ? L.t("虚线为示意边界", "Dashed: synthetic") : nil)
        var layers = [MapLayerOption(id: "self", label: me.name, url: "/api/v1/map/layers/divisions?level=\(me.level.rawValue)", kind: "polygon", on: true, color: "#1f2933", minZoom: nil)]
        if let childLevel, childLevel != .building {
            layers.append(MapLayerOption(id: "children", label: L.t("下级单元", "Sub-units"), url: "/api/v1/map/layers/divisions?level=\(childLevel.rawValue)", kind: "polygon", on: true, color: "#1d4e89", minZoom: nil))
        }
        let config = MapClientConfig(bbox: [me.bbox.minLon, me.bbox.minLat, me.bbox.maxLon, me.bbox.maxLat], lang: L.isEnglish ? "en" : "zh", height: 320,
                                     layers: layers, tiles: MapClientConfig.tiles(req), search: nil, focus: nil)
        return .div(.class("map-view small-map"), .attr("data-map-config", config.json), .div(.class("pm-fallback"), svg))
    }

    /// The box of the user's area, for the picker's first view.
    static func scopeBBox(_ req: Request) async throws -> GeoBBox? {
        let snap = try await req.application.boundaries.current(req.db)
        let scope = try await req.scope()
        let boxes = snap.divisions.values.filter { $0.level == .community && scope.touches(community: $0.id) }.map(\.bbox)
        return boxes.dropFirst().reduce(boxes.first) { acc, b in acc?.union(b) }
    }

    /// The public report form's picker: the whole district in view, the resident's community suggested from the pin.
    static func publicPicker(_ req: Request) async throws -> Node {
        let snap = try await req.application.boundaries.current(req.db)
        let boxes = snap.divisions.values.filter { $0.level == .community }.map(\.bbox)
        let box = boxes.dropFirst().reduce(boxes.first) { acc, b in acc?.union(b) }
        return MapPicker(lonField: "lon", latField: "lat", communityField: "communityID", gridField: nil,
                         locateURL: "/api/public/map/locate", layerURL: "/api/public/map/communities").node(req, bbox: box)
    }
}
