import Vapor
import PinganKit

enum MapViews {
    /// The map page: filters (GET, work without JavaScript), the interactive map over its server-drawn picture, and the
    /// legend of what is drawn.
    static func page(_ req: Request, _ m: MapPage, errors: FieldErrors) -> Response {
        let L = req.lang
        let f = m.filters
        let categories = IncidentCategory.allCases.map { ($0.rawValue, L.t($0.nameZh, $0.nameEn)) }
        let statuses = IncidentStatus.allCases.map { ($0.rawValue, L.t($0.nameZh, $0.nameEn)) }
        var filter: [Node] = [.method("get"), .action("/map"), .class("filters")]
        filter.append(.label(.text(L.t("月份", "Month")), Form.input("month", f.month.description, type: "month")))
        filter.append(.label(.text(L.t("警情类别", "Category")), Form.select("category", categories, selected: f.category?.rawValue, blank: L.t("全部", "All"))))
        filter.append(.label(.text(L.t("可防性", "Preventable")), Form.select("preventable", [("true", L.t("可防性案件", "Preventable")), ("false", L.t("非可防性", "Not preventable"))],
                                                                             selected: f.preventable.map { "\($0)" }, blank: L.t("全部", "All"))))
        filter.append(.label(.text(L.t("状态", "Status")), Form.select("status", statuses, selected: f.status?.rawValue, blank: L.t("全部", "All"))))
        filter.append(.element("fieldset", [.class("layer-picks"), .legend(.text(L.t("图层", "Layers"))),
            .forEach(m.layers) { o in .label(.class("check"), .input(.type("checkbox"), .name("show"), .value(o.id), .checked(o.on)), .text(o.label)) }]))
        filter.append(.button(.type("submit"), .text(L.t("显示", "Show"))))
        filter.append(.a(.href("/map"), .text(L.t("清除", "Clear"))))

        let alert: Node = errors.isEmpty ? .empty : .div(.class("alert error"), .attr("role", "alert"),
            .text(L.t("以下条件无效，已忽略：", "Ignored invalid filters: ") + errors.fields.keys.sorted().map { errors.fields[$0]! }.joined(separator: "；")))
        guard let bbox = m.bbox else {
            return .page(req, title: L.t("一张图", "Map"), .h1(.text(L.t("一张图", "Map"))), alert,
                .div(.class("empty"), .text(L.t("您的辖区还没有边界数据。管理员可在“辖区网格”中为社区和网格上传 GeoJSON 边界。",
                                                "Your jurisdiction has no outlines yet. An administrator can upload GeoJSON outlines under Jurisdiction."))))
        }
        let config = MapClientConfig(bbox: [bbox.minLon, bbox.minLat, bbox.maxLon, bbox.maxLat], lang: L.isEnglish ? "en" : "zh", height: 560,
                                     layers: m.layers, tiles: MapClientConfig.tiles(req), search: .init(url: "/api/v1/map/places?q="), focus: nil)
        let note = m.hasSynthetic ? L.t("虚线为示意边界（非真实行政界线）", "Dashed outlines are synthetic (not real boundaries)") : nil
        let svg = MapSVG(bbox: bbox).render(m.svgLayers, ariaLabel: L.t("\(m.areaName)地图", "Map of \(m.areaName)"), syntheticNote: note)
        let legend: Node = .ul(.class("map-legend"), .forEach(m.svgLayers) { l in
            .li(.el("svg", [.attr("viewBox", "0 0 12 12"), .class("swatch"), .attr("aria-hidden", "true"), .el("rect", [.attr("width", "12"), .attr("height", "12"), .attr("rx", "2"), .attr("fill", l.color)])]),
                .text(l.label + " "),
                .span(.class("muted small"), .text(L.t("\(l.collection.total) 项", "\(l.collection.total)"))))
        })
        return .page(req, title: L.t("一张图", "Map"),
            .div(.class("toolbar"), .h1(.text(L.t("一张图 · ", "Map · ") + m.areaName))),
            alert, .element("form", filter),
            .div(.class("map-view"), .attr("data-map-config", config.json), .div(.class("pm-fallback"), svg, legend)),
            .p(.class("small muted"), .text(L.t("点击要素查看详情；按社区或网格名称可快速定位。坐标为 WGS-84。",
                                                "Click a feature for its details; search a community or grid by name to zoom to it. Coordinates are WGS-84.")
                                            + (note.map { " " + $0 + L.t("。", ".") } ?? ""))))
    }

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
        let config = MapClientConfig(bbox: [box.minLon, box.minLat, box.maxLon, box.maxLat], lang: L.isEnglish ? "en" : "zh", height: 300,
            layers: [MapLayerOption(id: "communities", label: L.t("社区/村", "Communities"), url: "/api/v1/map/layers/divisions?level=community", kind: "polygon", on: true, color: "#1d4e89", minZoom: nil),
                     MapLayerOption(id: "grids", label: L.t("网格", "Grids"), url: "/api/v1/map/layers/divisions?level=grid", kind: "polygon", on: true, color: "#616e7c", minZoom: 13)],
            tiles: MapClientConfig.tiles(req), search: nil, focus: .init(lon: point.lon, lat: point.lat, label: label))
        return .div(.class("map-view small-map"), .attr("data-map-config", config.json),
                    .div(.class("pm-fallback"), frame.render(layers, ariaLabel: L.t("位置：", "Location: ") + label, syntheticNote: nil, focus: point)))
    }
}

/// A location picker for a form (map.js `.map-picker`): tap to drop a pin, drag it, or use the device's position (only
/// when asked); the typed lon/lat inputs stay and are kept in step; community and grid are suggested from the point.
struct MapPicker {
    var lonField: String
    var latField: String
    var communityField: String? = "communityID"
    var gridField: String? = "gridID"
    var photoField: String? = nil
    var locateURL = "/api/v1/map/locate"
    var layerURL = "/api/v1/map/layers/divisions?level=community"

    func node(_ req: Request, bbox: GeoBBox?) -> Node {
        guard let bbox else { return .empty }
        struct Config: Encodable {
            var lon: String; var lat: String; var community: String?; var grid: String?; var photoInput: String?
            var locateURL: String; var bbox: [Double]; var layers: [MapLayerOption]; var tiles: MapClientConfig.Tiles?; var lang: String
        }
        let L = req.lang
        let c = Config(lon: "f-" + lonField, lat: "f-" + latField, community: communityField.map { "f-" + $0 }, grid: gridField.map { "f-" + $0 },
                       photoInput: photoField.map { "f-" + $0 }, locateURL: locateURL,
                       bbox: [bbox.minLon, bbox.minLat, bbox.maxLon, bbox.maxLat],
                       layers: [MapLayerOption(id: "communities", label: L.t("社区/村", "Communities"), url: layerURL, kind: "polygon", on: true, color: "#1d4e89", minZoom: nil)],
                       tiles: MapClientConfig.tiles(req), lang: L.isEnglish ? "en" : "zh")
        let json = (try? String(decoding: JSONEncoder().encode(c), as: UTF8.self)) ?? "{}"
        return .div(.class("wide"), .div(.class("map-picker"), .attr("data-picker-config", json)),
                    .p(.class("small muted no-js-hint"), .text(L.t("在地图上点选位置，或直接填写经纬度（WGS-84）。", "Pick the place on the map, or type the coordinates (WGS-84)."))))
    }

    /// The box of the user's area, for the picker's first view.
    static func scopeBBox(_ req: Request) async throws -> GeoBBox? {
        let snap = try await req.application.boundaries.current(req.db)
        let scope = try await req.scope()
        let boxes = snap.divisions.values.filter { $0.level == .community && scope.touches(community: $0.id) }.map(\.bbox)
        return boxes.dropFirst().reduce(boxes.first) { acc, b in acc?.union(b) }
    }
}

extension MapViews {
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
}
