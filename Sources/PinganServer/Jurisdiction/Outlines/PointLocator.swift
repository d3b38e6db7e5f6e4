import Vapor
import PinganKit

struct PointLocation: Content {
    struct Place: Content { var id: Int; var name: String }
    var community: Place?
    var grid: Place?
    /// The point is in no community the user may place records in.
    var outside: Bool
}

/// Point → community and grid (point-in-polygon over the stored outlines), for pickers and for records placed by point.
enum MapLocator {
    static func locate(_ req: Request, _ p: GeoPoint, scope: Scope) async throws -> PointLocation {
        let snap = try await req.application.boundaries.current(req.db)
        guard let cid = snap.communities.locate(p), let c = snap.divisions[cid], scope.touches(community: cid) else {
            return .init(community: nil, grid: nil, outside: true)
        }
        var grid: PointLocation.Place? = nil
        if let gid = snap.grids.locate(p), let g = snap.divisions[gid], g.communityID == cid, scope.allows(community: cid, grid: gid) {
            grid = .init(id: gid, name: g.name)
        }
        if scope.isGridLimited && grid == nil { return .init(community: nil, grid: nil, outside: true) }
        return .init(community: .init(id: cid, name: c.name), grid: grid, outside: false)
    }
}

extension Scope {
    /// The same rule as `allows(division:)`, for an outline from the boundary store.
    func allows(_ d: MapDivision) -> Bool {
        switch d.level {
        case .district, .street: return isEverything || rootCodes.contains { $0 == d.code || DivisionCode.isPrefix($0, of: d.code) }
        case .community: return allowsWholeCommunity(d.id) || (isGridLimited && touches(community: d.id))
        case .grid: return allows(community: d.communityID ?? -1, grid: d.id)
        case .building: return allows(community: d.communityID ?? -1, grid: d.parentID)
        }
    }
}
