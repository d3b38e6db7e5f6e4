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
}
