import Fluent
import Vapor
import PinganKit

/// The map (一张图, issue 18): the page, the layer API, the point lookup that suggests community and grid, and the
/// place search that zooms to a community or grid by name.
struct MapController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get("map", use: page)
        let api = routes.grouped("api", "v1", "map")
        // One route per layer, so each carries its own permission in the route walk.
        for l in MapLayer.allCases { api.get("layers", PathComponent(stringLiteral: l.rawValue)) { req in try await l.features(req, try MapView(req)) } }
        api.get("locate", use: locate)
        api.get("places", use: places)
    }

    @Sendable func page(req: Request) async throws -> Response {
        try req.require(.viewJurisdiction)
        var errors = FieldErrors()
        let filters = MapPageFilters(req, errors: &errors)
        let model = try await MapPage.load(req, filters)
        let res = try await MapViews.page(req, model, errors: errors).encodeResponse(for: req)
        if !errors.isEmpty { res.status = .unprocessableEntity }
        return res
    }

    /// `?lon=&lat=` (WGS-84) → the community and grid containing it, within the user's scope.
    @Sendable func locate(req: Request) async throws -> PointLocation {
        try req.require(.viewJurisdiction)
        let p = try MapPoint.read(req)
        return try await MapLocator.locate(req, p, scope: try await req.scope())
    }

    struct PlaceResult: Content { var id: Int; var name: String; var level: String; var bbox: [Double]; var url: String }
    struct Places: Content { var results: [PlaceResult] }

    /// Communities and grids in scope whose name contains `q` (at most 20), with their boxes for the map to fit.
    @Sendable func places(req: Request) async throws -> Places {
        try req.require(.viewJurisdiction)
        let q = (req.query[String.self, at: "q"] ?? "").trimmed
        guard !q.isEmpty else { return Places(results: []) }
        let snap = try await req.application.boundaries.current(req.db)
        let scope = try await req.scope()
        let hits = snap.divisions.values.filter { [.street, .community, .grid].contains($0.level) && scope.allows($0) }
            .filter { $0.name.contains(q) || (snap.divisions[$0.communityID ?? -1].map { ($0.name + " ").contains(q) } ?? false) }
            .sorted { ($0.level == .grid ? 1 : 0, $0.code) < ($1.level == .grid ? 1 : 0, $1.code) }
            .prefix(20)
        return Places(results: hits.map { d in
            let community = d.level == .grid ? snap.divisions[d.communityID ?? -1]?.name : nil
            return PlaceResult(id: d.id, name: community.map { $0 + " · " + d.name } ?? d.name, level: d.level.rawValue,
                               bbox: [d.bbox.minLon, d.bbox.minLat, d.bbox.maxLon, d.bbox.maxLat], url: "/jurisdiction/\(d.id)")
        })
    }
}

/// A point sent as `lon` / `lat` (WGS-84), or `datum=gcj02` for one read off a GCJ-02 map.
enum MapPoint {
    static func read(_ req: Request) throws -> GeoPoint {
        let L = req.lang
        var e = FieldErrors()
        let lon = req.query[String.self, at: "lon"].flatMap(Double.init), lat = req.query[String.self, at: "lat"].flatMap(Double.init)
        if lon == nil || !(lon.map { (-180...180).contains($0) } ?? false) { e["lon"] = L.t("经度应为 -180 到 180 的数", "lon must be a number from -180 to 180") }
        if lat == nil || !(lat.map { (-90...90).contains($0) } ?? false) { e["lat"] = L.t("纬度应为 -90 到 90 的数", "lat must be a number from -90 to 90") }
        guard e.isEmpty, let lon, let lat else { throw e }
        let p = GeoPoint(lon: lon, lat: lat)
        return req.query[String.self, at: "datum"]?.lowercased() == "gcj02" ? GeoDatum.gcj02ToWGS84(p) : p
    }
}

