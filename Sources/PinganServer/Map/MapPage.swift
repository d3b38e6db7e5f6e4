import Fluent
import Vapor
import PinganKit

/// The map page's filters, as GET parameters (they work without JavaScript): the month and the incident filters, and
/// which layers are shown (`show=`, repeated).
struct MapPageFilters {
    var month: YearMonth
    var category: IncidentCategory?
    var preventable: Bool?
    var status: IncidentStatus?
    var shown: Set<String>?

    init(_ req: Request, errors e: inout FieldErrors) {
        let L = req.lang
        let cal = req.localCalendar
        month = cal.yearMonth(of: Date())
        if let m = req.query[String.self, at: "month"]?.nilIfEmpty {
            if let ym = YearMonth(m), (2000...2100).contains(ym.year) { month = ym } else { e["month"] = L.t("月份格式应为 2026-03", "Use a month like 2026-03") }
        }
        if let c = req.query[String.self, at: "category"]?.nilIfEmpty {
            category = IncidentCategory(rawValue: c); if category == nil { e["category"] = L.t("类别无效", "Unknown category") }
        }
        if let p = req.query[String.self, at: "preventable"]?.nilIfEmpty { preventable = p == "true" || p == "1" }
        if let s = req.query[String.self, at: "status"]?.nilIfEmpty {
            status = IncidentStatus(rawValue: s); if status == nil { e["status"] = L.t("状态无效", "Unknown status") }
        }
        if let show = try? req.query.get([String].self, at: "show"), !show.isEmpty { shown = Set(show) }
        else if let one = req.query[String.self, at: "show"]?.nilIfEmpty { shown = Set(one.split(separator: ",").map(String.init)) }
    }

    /// The incident filters as query items for the layer URL.
    var incidentQuery: String {
        var items = ["month=\(month)"]
        if let category { items.append("category=\(category.rawValue)") }
        if let preventable { items.append("preventable=\(preventable)") }
        if let status { items.append("status=\(status.rawValue)") }
        return items.joined(separator: "&")
    }
}

/// The page's model: the user's area, the layers they may see with their URLs, and the first picture's data.
struct MapPage {
    var filters: MapPageFilters
    var bbox: GeoBBox?
    var layers: [MapLayerOption]
    var svgLayers: [MapSVG.Layer]
    var hasSynthetic: Bool
    var areaName: String

    static func load(_ req: Request, _ f: MapPageFilters) async throws -> MapPage {
        let L = req.lang
        let role = try req.user.role
        let snap = try await req.application.boundaries.current(req.db)
        let scope = try await req.scope()
        let visible = snap.divisions.values.filter { scope.allows($0) }
        let communities = visible.filter { $0.level == .community }
        func union(_ boxes: [GeoBBox]) -> GeoBBox? { boxes.dropFirst().reduce(boxes.first) { acc, b in acc?.union(b) } }
        let bbox = union(communities.map(\.bbox)) ?? union(visible.map(\.bbox))
        let streets = visible.filter { $0.level == .street }.count
        var options: [MapLayerOption] = []
        func add(_ id: String, _ zh: String, _ en: String, _ url: String, _ kind: String, _ color: String, on: Bool, minZoom: Int? = nil, needs p: Permission) {
            guard role.can(p) else { return }
            options.append(MapLayerOption(id: id, label: L.t(zh, en), url: url, kind: kind, on: f.shown.map { $0.contains(id) } ?? on, color: color, minZoom: minZoom))
        }
        let month = f.month.description
        if streets > 1 { add("streets", "街道/镇", "Streets/towns", "/api/v1/map/layers/divisions?level=street", "polygon", "#1f2933", on: true, needs: .viewJurisdiction) }
        add("communities", "社区/村", "Communities", "/api/v1/map/layers/divisions?level=community", "polygon", "#1d4e89", on: true, needs: .viewJurisdiction)
        add("grids", "网格", "Grids", "/api/v1/map/layers/divisions?level=grid", "polygon", "#616e7c", on: communities.count <= 3, minZoom: communities.count <= 3 ? nil : 13, needs: .viewJurisdiction)
        add("incidents", "警情", "Incidents", "/api/v1/map/layers/incidents?" + f.incidentQuery, "point", "#b3261e", on: true, needs: .viewIncidents)
        add("hotspots", "热点网格", "Hot spots", "/api/v1/map/layers/hotspots?month=\(month)", "cell", "#d7301f", on: false, needs: .viewAnalysis)
        add("requests", "群众诉求（未办结）", "Open requests", "/api/v1/map/layers/requests", "point", "#a35f00", on: false, needs: .viewPortal)
        add("disputes", "矛盾纠纷（在办）", "Open disputes", "/api/v1/map/layers/disputes", "point", "#6a3d9a", on: false, needs: .viewDisputes)
        add("sites", "视频监控与卡口", "Cameras and checkpoints", "/api/v1/map/layers/sites", "point", "#2f7d32", on: false, minZoom: 12, needs: .viewRegistry)
        add("patrols", "今日巡逻网格", "Today's patrol grids", "/api/v1/map/layers/patrols", "polygon", "#2f7d32", on: false, needs: .viewTeams)
        add("events", "网格事件（未结案）", "Open grid events", "/api/v1/map/layers/events", "point", "#0b7285", on: true, needs: .viewGridEvents)
        add("resources", "应急资源", "Emergency resources", "/api/v1/map/layers/resources", "point", "#2f7d32", on: false, needs: .viewGovernance)

        // The picture without JavaScript: the switched-on layers, read through the same API code.
        var svgLayers: [MapSVG.Layer] = []
        if let bbox {
            let frame = MapSVG(bbox: bbox)
            let view = MapView(bbox: bbox.expanded(by: 0.002), zoom: frame.requestZoom)
            for o in options where o.on && (o.minZoom ?? 0) <= view.zoom {
                guard let layer = MapLayer(rawValue: o.url.split(separator: "/").last.map { String($0.split(separator: "?")[0]) } ?? "") else { continue }
                let sub = try Request.forLayer(req, url: o.url)
                do { svgLayers.append(MapSVG.Layer(id: o.id, label: o.label, color: o.color, collection: try await layer.features(sub, view))) }
                catch let e as FieldErrors { req.logger.debug("map layer \(o.id): \(e)") }
            }
        }
        let synthetic = visible.contains { $0.source == .synthetic }
        let name = visible.filter { $0.level == .district }.first?.name ?? (communities.count == 1 ? communities[0].name : L.t("本辖区", "Your jurisdiction"))
        return MapPage(filters: f, bbox: bbox, layers: options, svgLayers: svgLayers, hasSynthetic: synthetic, areaName: name)
    }
}

extension Request {
    /// The same request with another query string, so a page can read a layer through the layer API's own code.
    static func forLayer(_ req: Request, url: String) throws -> Request {
        let query = url.split(separator: "?", maxSplits: 1).dropFirst().first.map(String.init) ?? ""
        let sub = Request(application: req.application, method: .GET, url: URI(string: url), on: req.eventLoop)
        sub.url.query = query.isEmpty ? nil : query
        sub.auth.login(try req.user)
        sub.headers = req.headers
        return sub
    }
}
