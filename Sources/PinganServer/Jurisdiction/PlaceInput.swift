import Fluent
import Vapor
import PinganKit

/// Where a record sits: community, optional grid and building. Shared by every form that places a
/// record in the tree, so scoping and consistency rules are written once.
struct Place {
    var communityID: Int
    var gridID: Int?
    var buildingID: Int?

    /// Validates submitted ids (nil = field not sent: keep `old`; "" = clear) against the tree and the
    /// user's scope. Messages go into `e` under communityID / gridID / buildingID.
    static func validate(_ req: Request, community: String?, grid: String?, building: String?, old: Place?, errors e: inout FieldErrors) async throws -> Place? {
        let L = req.lang
        let scope = try await req.scope()
        var communityID = old?.communityID
        var found: Division? = nil
        if let c = community?.nilIfEmpty { communityID = Int(c); if communityID == nil { e["communityID"] = L.t("社区无效", "Unknown community") } }
        if let cid = communityID {
            found = try await Division.find(cid, on: req.db)
            if found?.level != .community || !scope.touches(community: cid) {
                found = nil; e["communityID"] = L.t("社区不存在或不在您的辖区内", "No such community in your jurisdiction")
            }
        } else if e["communityID"] == nil { e["communityID"] = L.t("请选择社区/村", "Choose a community") }

        var gridID = old?.gridID
        if let g = grid { gridID = g.nilIfEmpty.flatMap { Int($0) }; if g.nilIfEmpty != nil && gridID == nil { e["gridID"] = L.t("网格无效", "Unknown grid") } }
        if let gid = gridID, let found {
            let g = try await Division.find(gid, on: req.db)
            if g?.level != .grid || g?.communityID != found.id { e["gridID"] = L.t("该网格不属于所选社区", "This grid is not in the chosen community") }
        }
        if scope.isGridLimited, e["communityID"] == nil, let cid = communityID, !scope.allows(community: cid, grid: gridID) {
            e["gridID"] = L.t("请选择您负责的网格", "Choose one of your grids")
        }
        var buildingID = old?.buildingID
        if let b = building { buildingID = b.nilIfEmpty.flatMap { Int($0) } }
        if let bid = buildingID {
            let b = try await Division.find(bid, on: req.db)
            if b?.level != .building || b?.parentID != gridID { e["buildingID"] = L.t("该楼栋不属于所选网格", "This building is not in the chosen grid") }
        }
        guard let found, let id = found.id else { return nil }
        return Place(communityID: id, gridID: gridID, buildingID: buildingID)
    }
}
