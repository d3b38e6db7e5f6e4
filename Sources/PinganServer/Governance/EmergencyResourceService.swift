import Fluent
import Vapor
import PinganKit

/// A plan's resources as places (issue 20 §1: 「resources (equipment, shelters, with places on the map)」). Seen with
/// the plan (whoever sees a version sees its family's resources); written by those who manage the plan, at any time —
/// a shelter's capacity changes without a new version of the plan.
enum EmergencyResourceService {
    struct Input: Content {
        var kind: String?, name: String?, capacity: String?, keeper: String?, address: String?, note: String?, lat: String?, lon: String?
        init() {}
        init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: AnyKey.self)
            kind = c.loose(AnyKey("kind")); name = c.loose(AnyKey("name")); capacity = c.loose(AnyKey("capacity")); keeper = c.loose(AnyKey("keeper"))
            address = c.loose(AnyKey("address")); note = c.loose(AnyKey("note")); lat = c.loose(AnyKey("lat")); lon = c.loose(AnyKey("lon"))
        }
        init(_ r: EmergencyResource) {
            kind = r.kind.rawValue; name = r.name; capacity = r.capacity.map(String.init); keeper = r.keeper; address = r.address; note = r.note
            lat = String(r.lat); lon = String(r.lon)
        }
    }

    struct Checked { var kind: EmergencyResourceKind, name: String, capacity: Int?, keeper: String, address: String, note: String, point: GeoPoint, community: Int, grid: Int? }

    /// Every field checked at once; the point must fall in a community of the plan's area.
    static func check(_ req: Request, _ plan: EmergencyPlan, _ i: Input) async throws -> Checked {
        let L = req.lang
        var e = FieldErrors()
        let kind = i.kind?.nilIfEmpty.flatMap(EmergencyResourceKind.init(rawValue:))
        if kind == nil { e["kind"] = L.t("请选择资源类别", "Choose the kind of resource") }
        let name = (i.name ?? "").trimmed
        if name.isEmpty { e["name"] = L.t("请填写名称，如“市桥一中避难场所”", "Give a name, e.g. “No. 1 Middle School shelter”") }
        else if name.count > 60 { e["name"] = L.t("不能超过60字", "At most 60 characters") }
        var capacity: Int? = nil
        if let raw = i.capacity?.nilIfEmpty {
            if let n = Int(raw), (0...1_000_000).contains(n) { capacity = n } else { e["capacity"] = L.t("应为0到1000000的整数", "A whole number from 0 to 1,000,000") }
        }
        let keeper = (i.keeper ?? "").trimmed, address = (i.address ?? "").trimmed, note = (i.note ?? "").trimmed
        if keeper.count > 60 { e["keeper"] = L.t("不能超过60字", "At most 60 characters") }
        if address.count > 120 { e["address"] = L.t("不能超过120字", "At most 120 characters") }
        if note.count > 300 { e["note"] = L.t("不能超过300字", "At most 300 characters") }
        var point: GeoPoint? = nil
        let lat = i.lat?.nilIfEmpty.flatMap { Double($0.trimmed) }, lon = i.lon?.nilIfEmpty.flatMap { Double($0.trimmed) }
        if i.lat?.nilIfEmpty == nil && i.lon?.nilIfEmpty == nil { e["lat"] = L.t("请在地图上点选位置", "Pick the place on the map") }
        else if let lat, let lon, (-90...90).contains(lat), (-180...180).contains(lon) { point = GeoPoint(lon: lon, lat: lat) }
        else { e["lat"] = L.t("经纬度无效", "Not a valid longitude and latitude") }
        var community: Int? = nil, grid: Int? = nil
        if let point {
            let snap = try await req.application.boundaries.current(req.db)
            let area = try await Division.find(plan.areaDivisionID, on: req.db)
            if let cid = snap.communities.locate(point), let c = snap.divisions[cid], let area, DivisionCode.isPrefix(area.code, of: c.code) {
                community = cid
                if let gid = snap.grids.locate(point), snap.divisions[gid]?.communityID == cid { grid = gid }
            } else {
                e["lat"] = L.t("该位置不在本预案的适用区域内", "This place is outside the plan's area")
            }
        }
        guard e.isEmpty, let kind, let point, let community else { throw e }
        return Checked(kind: kind, name: name, capacity: capacity, keeper: keeper, address: address, note: note, point: point, community: community, grid: grid)
    }

    static func apply(_ k: Checked, to r: EmergencyResource) {
        r.kind = k.kind; r.name = k.name; r.capacity = k.capacity; r.keeper = k.keeper; r.address = k.address; r.note = k.note
        r.lat = k.point.lat; r.lon = k.point.lon; r.communityID = k.community; r.gridID = k.grid
    }

    static func add(_ req: Request, _ plan: EmergencyPlan, _ i: Input) async throws -> EmergencyResource {
        try await EmergencyPlanService.requireManage(req, plan)
        let k = try await check(req, plan, i)
        let r = EmergencyResource()
        apply(k, to: r)
        r.familyID = plan.familyID; r.createdByID = try req.user.requireID()
        try await req.db.transaction { db in
            try await r.create(on: db)
            await req.audit("emergency.resource.add", entity: "emergency_resource", id: r.id.map(String.init), detail: "plan=\(plan.familyID) \(k.kind.rawValue)", on: db)
        }
        return r
    }

    /// A resource and the plan version that stands for its family (the newest one), 404 when the plan is not seen.
    static func find(_ req: Request, _ id: Int?) async throws -> (EmergencyResource, EmergencyPlan) {
        try req.require(.viewGovernance)
        guard let id, let r = try await EmergencyResource.find(id, on: req.db),
              let newest = try await EmergencyPlan.query(on: req.db).filter(\.$familyID == r.familyID).sort(\.$version, .descending).first() else { throw Abort(.notFound) }
        return (r, try await EmergencyPlanService.find(req, newest.id))
    }

    static func update(_ req: Request, _ r: EmergencyResource, _ plan: EmergencyPlan, _ i: Input) async throws {
        try await EmergencyPlanService.requireManage(req, plan)
        let k = try await check(req, plan, i)
        apply(k, to: r)
        try await req.db.transaction { db in
            try await r.save(on: db)
            await req.audit("emergency.resource.update", entity: "emergency_resource", id: "\(r.id!)", detail: "plan=\(plan.familyID)", on: db)
        }
    }

    static func delete(_ req: Request, _ r: EmergencyResource, _ plan: EmergencyPlan) async throws {
        try await EmergencyPlanService.requireManage(req, plan)
        try await req.db.transaction { db in
            try await r.delete(on: db)
            await req.audit("emergency.resource.delete", entity: "emergency_resource", id: "\(r.id!)", detail: "plan=\(plan.familyID) \(r.name)", on: db)
        }
    }

    static func list(_ db: any Database, family: Int) async throws -> [EmergencyResource] {
        try await EmergencyResource.query(on: db).filter(\.$familyID == family).sort(\.$kind).sort(\.$name).all()
    }

    /// Resources of every plan the user sees (the map's layer), optionally one plan's, optionally in a box.
    static func visible(_ req: Request, family: Int?, bbox: GeoBBox?) async throws -> [EmergencyResource] {
        try req.require(.viewGovernance)
        let plans = EmergencyPlan.query(on: req.db).filter(\.$status != .superseded)
        if let areas = try await CampaignService.visibleAreas(req) { plans.filter(\.$areaDivisionID ~~ areas) }
        if let family { plans.filter(\.$familyID == family) }
        let families = Array(Set(try await plans.all(\.$familyID)))
        guard !families.isEmpty else { return [] }
        let q = EmergencyResource.query(on: req.db).filter(\.$familyID ~~ families)
        if let b = bbox { q.filter(\.$lon >= b.minLon).filter(\.$lon <= b.maxLon).filter(\.$lat >= b.minLat).filter(\.$lat <= b.maxLat) }
        return try await q.sort(\.$id).limit(5000).all()
    }

    static func dtos(_ req: Request, _ rows: [EmergencyResource]) async throws -> [EmergencyResourceDTO] {
        let L = req.lang
        let names = try await DivisionLookup.names(Array(Set(rows.map(\.communityID))), on: req.db)
        return rows.map { r in
            EmergencyResourceDTO(id: r.id!, familyID: r.familyID, kind: r.kind, kindName: L.t(r.kind.nameZh, r.kind.nameEn), name: r.name, capacity: r.capacity,
                                 unit: L.t(r.kind.unitZh, r.kind.unitEn), keeper: r.keeper, address: r.address, note: r.note, lat: r.lat, lon: r.lon,
                                 communityID: r.communityID, community: names[r.communityID], gridID: r.gridID, updatedAt: r.updatedAt)
        }
    }
}
