import Vapor
import PinganKit

/// A plan's resources on its page: a map of the plan's area with every resource, the list, and (for those who manage
/// the plan) the form to add one by picking its place.
enum EmergencyResourceViews {
    static func kindOptions(_ L: Lang) -> [(String, String)] { EmergencyResourceKind.allCases.map { ($0.rawValue, L.t($0.nameZh, $0.nameEn)) } }

    /// Totals by kind, e.g. "避难场所 3 处，可容纳 4,200 人".
    static func summary(_ L: Lang, _ rows: [EmergencyResourceDTO]) -> String {
        EmergencyResourceKind.allCases.compactMap { k -> String? in
            let of = rows.filter { $0.kind == k }
            guard !of.isEmpty else { return nil }
            let total = of.compactMap(\.capacity).reduce(0, +)
            let cap = total > 0 ? L.t("，共 \(total.formatted()) \(k.unitZh)", " (\(total.formatted()) \(k.unitEn))") : ""
            return L.t("\(k.nameZh) \(of.count) 处", "\(k.nameEn) ×\(of.count)") + cap
        }.joined(separator: L.t("；", "; "))
    }

    /// The map: the plan's area outline and each resource in its kind's colour; the script's map reads the same layer.
    static func map(_ req: Request, area: Int, family: Int, rows: [EmergencyResourceDTO]) async throws -> Node {
        let L = req.lang
        let snap = try await req.application.boundaries.current(req.db)
        var box = snap.divisions[area]?.bbox
        for r in rows { let p = GeoBBox(minLon: r.lon, minLat: r.lat, maxLon: r.lon, maxLat: r.lat).expanded(byMetres: 300); box = box.map { $0.union(p) } ?? p }
        guard let box else { return .empty }
        var layers: [MapSVG.Layer] = []
        if let a = snap.divisions[area] {
            layers.append(MapSVG.Layer(id: "area", label: a.name, color: "#1f2933", collection: MapFeatureCollection(layer: "divisions", zoom: 12, total: 1, truncated: false,
                features: [MapFeature(geometry: .multiPolygon(a.shape(forZoom: 12)), properties: MapProperties(id: a.id, title: a.name, synthetic: a.source == .synthetic ? true : nil))])))
        }
        layers.append(MapSVG.Layer(id: "resources", label: L.t("应急资源", "Resources"), color: "#2f7d32", collection: MapFeatureCollection(layer: "resources", zoom: 12,
            total: rows.count, truncated: false, features: rows.map { r in
                MapFeature(geometry: .point(GeoPoint(lon: r.lon, lat: r.lat)), properties: MapProperties(id: r.id, title: r.kindName + " · " + r.name, color: r.kind.color))
            })))
        let mayReadOutlines = (try? req.user.role.can(.viewJurisdiction)) ?? false
        var options = [MapLayerOption(id: "resources", label: L.t("应急资源", "Resources"), url: "/api/v1/map/layers/resources?family=\(family)", kind: "point", on: true, color: "#2f7d32", minZoom: nil)]
        if mayReadOutlines {
            options.insert(MapLayerOption(id: "communities", label: L.t("社区/村", "Communities"), url: "/api/v1/map/layers/divisions?level=community", kind: "polygon", on: true, color: "#1d4e89", minZoom: nil), at: 0)
        }
        let config = MapClientConfig(bbox: [box.minLon, box.minLat, box.maxLon, box.maxLat], lang: L.isEnglish ? "en" : "zh", height: 340,
                                     layers: options, tiles: MapClientConfig.tiles(req), search: nil, focus: nil)
        let synthetic = snap.divisions[area]?.source == .synthetic
        return .div(.class("map-view"), .attr("data-map-config", config.json),
                    .div(.class("pm-fallback"), MapSVG(bbox: box, width: 640, height: 340).render(layers, ariaLabel: L.t("应急资源分布", "Where the resources are"),
                                                                                                syntheticNote: synthetic ? L.t("虚线为示意边界", "Dashed: synthetic") : nil)))
    }

    /// A colour chip as SVG (the Content-Security-Policy allows no inline style).
    static func swatch(_ color: String) -> Node {
        .el("svg", [.attr("viewBox", "0 0 12 12"), .attr("width", "12"), .attr("height", "12"), .class("swatch"), .attr("aria-hidden", "true"), .el("circle", [.attr("cx", "6"), .attr("cy", "6"), .attr("r", "5"), .attr("fill", color)])])
    }

    static func legend(_ L: Lang, _ rows: [EmergencyResourceDTO]) -> Node {
        let kinds = EmergencyResourceKind.allCases.filter { k in rows.contains { $0.kind == k } }
        return .p(.class("small"), .group(kinds.map { k in
            .span(.class("nowrap"), swatch(k.color), .text(" " + L.t(k.nameZh, k.nameEn) + "　"))
        }))
    }

    static func fields(_ req: Request, _ i: EmergencyResourceService.Input, errors: FieldErrors, picker: Node) -> Node {
        let L = req.lang
        return .div(.class("form"),
            Form.field(L.t("类别", "Kind"), "kind", errors, Form.select("kind", kindOptions(L), selected: i.kind, blank: "—", required: true)),
            Form.field(L.t("名称", "Name"), "name", errors, Form.input("name", i.name, required: true, extra: .attr("maxlength", "60"))),
            Form.field(L.t("容量/数量", "Capacity / count"), "capacity", errors, hint: L.t("避难场所填可容纳人数；装备、车辆填数量", "People for a shelter; how many for equipment or vehicles"),
                       Form.input("capacity", i.capacity, type: "number", extra: .attr("min", "0"))),
            Form.field(L.t("管理单位/保管人", "Kept by"), "keeper", errors, hint: L.t("单位或值班室，不填个人手机", "A unit or duty office, not a personal phone"),
                       Form.input("keeper", i.keeper, extra: .attr("maxlength", "60"))),
            Form.field(L.t("地址", "Address"), "address", errors, wide: true, Form.input("address", i.address, extra: .attr("maxlength", "120"))),
            Form.field(L.t("说明", "Note"), "note", errors, wide: true, hint: L.t("开放方式、物资清单等，不超过300字", "How it opens, what is stored; at most 300 characters"),
                       Form.textarea("note", i.note)),
            picker,
            Form.field(L.t("经度", "Longitude"), "lon", errors, Form.input("lon", i.lon, extra: .attr("inputmode", "decimal"))),
            Form.field(L.t("纬度", "Latitude"), "lat", errors, Form.input("lat", i.lat, extra: .attr("inputmode", "decimal"))))
    }

    static func table(_ req: Request, _ rows: [EmergencyResourceDTO], canManage: Bool) -> Node {
        let L = req.lang
        return .div(.class("scroll"), .table(.class("data"),
            .thead(.tr(.th(.text(L.t("类别", "Kind"))), .th(.text(L.t("名称", "Name"))), .th(.class("num"), .text(L.t("容量", "Capacity"))),
                       .th(.class("hide-sm"), .text(L.t("管理单位", "Kept by"))), .th(.class("hide-sm"), .text(L.t("位置", "Where"))), canManage ? .th(.class("no-print"), .text("")) : .empty)),
            .element("tbody", rows.map { r in
                .tr(.id("resource-\(r.id)"),
                    .td(.class("nowrap"), swatch(r.kind.color), .text(" " + r.kindName)),
                    .td(.text(r.name), r.note.isEmpty ? .empty : .div(.class("small muted"), .text(r.note))),
                    .td(.class("num nowrap"), .text(r.capacity.map { "\($0.formatted()) " + r.unit } ?? "—")),
                    .td(.class("hide-sm"), .text(r.keeper)),
                    .td(.class("hide-sm"), .text([r.community ?? "", r.address].filter { !$0.isEmpty }.joined(separator: " · "))),
                    canManage ? .td(.class("no-print nowrap"),
                        .a(.href("/governance/resources/\(r.id)/edit"), .text(L.t("修改", "Edit"))), .text(" · "),
                        .form(.method("post"), .action("/governance/resources/\(r.id)/delete"), .class("inline"), Layout.csrfField(req),
                              .button(.type("submit"), .class("link"), .attr("data-confirm", L.t("删除“\(r.name)”？", "Delete “\(r.name)”?")), .text(L.t("删除", "Delete"))))) : .empty)
            })))
    }

    /// On a running (or ended) response: what can be called on, where.
    static func atHand(_ req: Request, area: Int, family: Int, rows: [EmergencyResourceDTO]) async throws -> Node {
        guard !rows.isEmpty else { return .empty }
        let L = req.lang
        return .div(.class("card"), .h2(.text(L.t("可调用的应急资源", "Resources at hand"))), .p(.text(summary(L, rows))),
                    try await map(req, area: area, family: family, rows: rows), legend(L, rows), table(req, rows, canManage: false))
    }

    /// The card on the plan page.
    static func card(_ req: Request, plan p: EmergencyPlanDTO, rows: [EmergencyResourceDTO], canManage: Bool, input: EmergencyResourceService.Input,
                     errors: FieldErrors) async throws -> Node {
        let L = req.lang
        let list: Node = rows.isEmpty
            ? .p(.class("empty"), .text(L.t("还没有标在地图上的应急资源。把避难场所、物资储备点、救援装备等逐一标注位置，启动预案时一目了然。",
                                            "No resources on the map yet. Place each shelter, supply store and piece of equipment, so they are at hand when the plan is started.")))
            : table(req, rows, canManage: canManage)
        let form: Node = !canManage ? .empty : .details(errors.isEmpty ? .empty : .attr("open", "open"), .class("no-print"),
            .summary(.text(L.t("标注一处应急资源", "Place a resource"))),
            .form(.method("post"), .action("/governance/plans/\(p.id)/resources"), .class("card"), Layout.csrfField(req), Form.errorSummary(req, errors),
                  fields(req, input, errors: errors,
                         picker: MapPicker(lonField: "lon", latField: "lat", communityField: nil, gridField: nil).node(req, bbox: try await OutlineMaps.scopeBBox(req))),
                  .p(.button(.type("submit"), .text(L.t("保存", "Save"))))))
        return .div(.class("card"), .id("resources"),
            .h2(.text(L.t("应急资源分布", "Resources on the map"))),
            rows.isEmpty ? .empty : .p(.text(summary(L, rows))),
            rows.isEmpty ? .empty : try await map(req, area: p.areaID, family: p.familyID, rows: rows),
            rows.isEmpty ? .empty : legend(L, rows),
            list, form)
    }

    static func editPage(_ req: Request, _ r: EmergencyResource, plan: EmergencyPlan, input: EmergencyResourceService.Input, errors: FieldErrors) async throws -> Response {
        let L = req.lang
        let title = L.t("修改应急资源", "Edit the resource")
        return .page(req, title: title, status: errors.isEmpty ? .ok : .unprocessableEntity,
            .div(.class("breadcrumb no-print"), .a(.href("/governance/plans"), .text(L.t("应急预案", "Emergency plans"))), " › ",
                 .a(.href("/governance/plans/\(plan.id!)#resources"), .text(plan.name)), " › ", .text(r.name)),
            .h1(.text(title)),
            .form(.method("post"), .action("/governance/resources/\(r.id!)"), .class("card"), Layout.csrfField(req), Form.errorSummary(req, errors),
                  fields(req, input, errors: errors,
                         picker: MapPicker(lonField: "lon", latField: "lat", communityField: nil, gridField: nil).node(req, bbox: try await OutlineMaps.scopeBBox(req))),
                  .p(.button(.type("submit"), .text(L.t("保存修改", "Save changes"))), .text(" "),
                     .a(.class("btn secondary"), .href("/governance/plans/\(plan.id!)#resources"), .text(L.t("取消", "Cancel"))))))
    }
}
