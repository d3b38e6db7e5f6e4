import Vapor
import PinganKit

/// What the map shows residents without signing in: community outlines and names (public, as the portal's community
/// list is) and which community a point lies in — for the report form's picker. Nothing else.
struct MapPublicController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let r = routes.grouped("api", "public", "map")
        r.get("communities", use: communities)
        r.get("locate", use: locate)
    }

    @Sendable func communities(req: Request) async throws -> MapFeatureCollection {
        let view = try MapView(req)
        let snap = try await req.application.boundaries.current(req.db)
        let features = snap.ids(level: .community, intersecting: view.bbox).compactMap { snap.divisions[$0] }.map { d in
            MapFeature(geometry: .multiPolygon(d.shape(forZoom: view.zoom)), properties: MapProperties(
                id: d.id, title: d.name, label: d.name, synthetic: d.source == .synthetic ? true : nil, kind: "community"))
        }
        return MapFeatureCollection(layer: "communities", zoom: view.zoom, total: features.count, truncated: false, features: features)
    }

    @Sendable func locate(req: Request) async throws -> PointLocation {
        let located = try await MapLocator.locate(req, try MapPoint.read(req), scope: .everything)
        return .init(community: located.community, grid: nil, outside: located.outside)
    }
}
