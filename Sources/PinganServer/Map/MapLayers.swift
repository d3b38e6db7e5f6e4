import Fluent
import SQLKit
import Vapor
import PinganKit

/// The map's layers (issue 18): each answers only what is in view and in the user's scope, and point layers are
/// clustered in SQL below `MapView.pointsFromZoom`, so a district-wide view reads counts, not rows.
enum MapLayer: String, CaseIterable, Sendable {
    case divisions, incidents, requests, sites, disputes, hotspots, patrols, events, resources

    var permission: Permission {
        switch self {
        case .divisions: .viewJurisdiction
        case .incidents: .viewIncidents
        case .requests: .viewPortal
        case .sites: .viewRegistry
        case .disputes: .viewDisputes
        case .hotspots: .viewAnalysis
        case .patrols: .viewTeams
        case .events: .viewGridEvents
        case .resources: .viewGovernance
        }
    }

    func features(_ req: Request, _ view: MapView) async throws -> MapFeatureCollection {
        try req.require(permission)
        switch self {
        case .divisions: return try await MapDivisionLayer.features(req, view)
        case .incidents: return try await MapIncidentLayer.features(req, view)
        case .requests: return try await MapRequestLayer.features(req, view)
        case .sites: return try await MapSiteLayer.features(req, view)
        case .disputes: return try await MapDisputeLayer.features(req, view)
        case .hotspots: return try await MapHotspotLayer.features(req, view)
        case .patrols: return try await MapPatrolLayer.features(req, view)
        case .events: return try await MapGridEventLayer.features(req, view)
        case .resources: return try await MapEmergencyResourceLayer.features(req, view)
        }
    }
}

/// Outlines of one level (`level=street|community|grid`, default community), simplified for the zoom.
enum MapDivisionLayer {
    static func features(_ req: Request, _ view: MapView) async throws -> MapFeatureCollection {
        let L = req.lang
        let raw = req.query[String.self, at: "level"] ?? "community"
        guard let level = DivisionLevel(rawValue: raw), [.district, .street, .community, .grid].contains(level) else {
            throw FieldErrors(["level": L.t("层级应为 district、street、community 或 grid", "level must be district, street, community or grid")])
        }
        let snap = try await req.application.boundaries.current(req.db)
        let scope = try await req.scope()
        let shown = snap.ids(level: level, intersecting: view.bbox).compactMap { snap.divisions[$0] }.filter { scope.allows($0) }
        let features = shown.map { d in
            MapFeature(geometry: .multiPolygon(d.shape(forZoom: view.zoom)), properties: MapProperties(
                id: d.id, title: d.name, subtitle: d.source?.name(L), url: "/jurisdiction/\(d.id)", label: d.name,
                synthetic: d.source == .synthetic ? true : nil, kind: d.level.rawValue))
        }
        return MapFeatureCollection(layer: "divisions", zoom: view.zoom, total: features.count, truncated: false, features: features)
    }
}

/// Point records clustered on a lon/lat lattice of about 60 screen pixels, counted in SQL. A cluster of one is
/// returned as the record itself (its details loaded by id), so a click on it opens its card.
struct SQLCluster: Decodable { var cx: Double; var cy: Double; var n: Int; var lon: Double; var lat: Double; var first: Int }

enum MapClustering {
    /// `cx`, `cy`, `n`, `lon`, `lat`, `first` (smallest id) per cell; `apply` adds the layer's own conditions.
    static func cells(_ sql: any SQLDatabase, table: String, lon: String, lat: String, view: MapView,
                      apply: (SQLSelectBuilder) -> SQLSelectBuilder) async throws -> [SQLCluster] {
        let cell = view.clusterCellDegrees
        let midLat = view.bbox.map { ($0.minLat + $0.maxLat) / 2 } ?? 23
        let latCell = cell * max(cos(midLat * .pi / 180), 0.2)
        let originLon = view.bbox?.minLon ?? -180, originLat = view.bbox?.minLat ?? -90
        let pg = sql.dialect.name == "postgresql"
        func index(_ column: String, _ origin: Double, _ size: Double) -> SQLQueryString {
            // Differences are ≥ 0 inside the view, so SQLite's truncating CAST is a floor; PostgreSQL's CAST rounds.
            pg ? "FLOOR((\(ident: column) - \(bind: origin)) / \(bind: size))"
               : "CAST(CAST((\(ident: column) - \(bind: origin)) / \(bind: size) AS INTEGER) AS REAL)"
        }
        let q = sql.select()
            .column(index(lon, originLon, cell), as: "cx").column(index(lat, originLat, latCell), as: "cy")
            .column(SQLFunction("COUNT", args: SQLLiteral.all), as: "n")
            .column(SQLFunction("AVG", args: SQLIdentifier(lon)), as: "lon").column(SQLFunction("AVG", args: SQLIdentifier(lat)), as: "lat")
            .column(SQLFunction("MIN", args: SQLIdentifier("id")), as: "first")
            .from(table)
        inView(q, lon: lon, lat: lat, view.bbox)
        return try await apply(q).groupBy("cx").groupBy("cy").all(decoding: SQLCluster.self)
    }

    @discardableResult
    static func inView(_ q: SQLSelectBuilder, lon: String, lat: String, _ box: GeoBBox?) -> SQLSelectBuilder {
        q.where(SQLIdentifier(lon), .isNot, SQLLiteral.null).where(SQLIdentifier(lat), .isNot, SQLLiteral.null)
        if let b = box {
            q.where(SQLIdentifier(lon), .greaterThanOrEqual, SQLBind(b.minLon)).where(SQLIdentifier(lon), .lessThanOrEqual, SQLBind(b.maxLon))
             .where(SQLIdentifier(lat), .greaterThanOrEqual, SQLBind(b.minLat)).where(SQLIdentifier(lat), .lessThanOrEqual, SQLBind(b.maxLat))
        }
        return q
    }

    static func clusterFeature(_ c: SQLCluster) -> MapFeature {
        MapFeature(geometry: .point(GeoPoint(lon: c.lon, lat: c.lat)), properties: MapProperties(cluster: true, count: c.n))
    }
}

/// Incidents with the ledger's own filters (`IncidentFilter`: category, subcategory, preventable, status, source,
/// month / from / to, community, grid, street, q). Without a date filter the layer shows the last 30 days.
enum MapIncidentLayer {
    struct Row: Decodable { var id: Int; var category: String; var subcategory: String; var preventable: Bool; var reported_at: Date
                            var occurred_at: Date; var address: String; var latitude: Double; var longitude: Double; var status: String }

    static func features(_ req: Request, _ view: MapView) async throws -> MapFeatureCollection {
        let filter = try IncidentFilter(req)
        var r = try await filter.resolved(req)
        if filter.from == nil && filter.to == nil && filter.month == nil { r.after = Date().addingTimeInterval(-30 * 86_400) }
        let sql = req.reading as! any SQLDatabase
        let L = req.lang, cal = req.localCalendar
        let subs = try await SubcategoryCache.shared.all(req.db)
        func details(_ ids: [Int]) async throws -> [Int: Row] {
            guard !ids.isEmpty else { return [:] }
            let q = sql.select().columns(["id", "category", "subcategory", "preventable", "reported_at", "occurred_at", "address", "latitude", "longitude", "status"])
                .from("incidents").where("id", .in, ids)
            return Dictionary(uniqueKeysWithValues: try await r.restrict(q).all(decoding: Row.self).map { ($0.id, $0) })
        }
        func feature(_ row: Row) -> MapFeature {
            let number = "J" + cal.formatDate(row.reported_at).replacingOccurrences(of: "-", with: "") + "-" + String(format: "%06d", row.id)
            let sub = subs[row.subcategory].map { L.t($0.nameZh, $0.nameEn) } ?? row.subcategory
            return MapFeature(geometry: .point(GeoPoint(lon: row.longitude, lat: row.latitude)), properties: MapProperties(
                id: row.id, title: number + " · " + sub, subtitle: cal.formatDateTime(row.occurred_at) + " · " + row.address,
                url: "/incidents/\(row.id)", color: row.preventable ? "#b3261e" : "#1d4e89", kind: "incident"))
        }
        if view.zoom >= MapView.pointsFromZoom {
            let count = sql.select().column(SQLFunction("COUNT", args: SQLLiteral.all), as: "n").from("incidents")
            MapClustering.inView(count, lon: "longitude", lat: "latitude", view.bbox)
            let total = try await r.restrict(count).first()?.decode(column: "n", as: Int.self) ?? 0
            let q = sql.select().columns(["id", "category", "subcategory", "preventable", "reported_at", "occurred_at", "address", "latitude", "longitude", "status"]).from("incidents")
            MapClustering.inView(q, lon: "longitude", lat: "latitude", view.bbox)
            let rows = try await r.restrict(q).orderBy("occurred_at", .descending).limit(MapView.maxPoints).all(decoding: Row.self)
            return MapFeatureCollection(layer: "incidents", zoom: view.zoom, total: total, truncated: rows.count < total, features: rows.map(feature))
        }
        // Only the communities whose outline box meets the view can hold its points: naming them lets the read walk the
        // `(community_id, occurred_at, …)` index a community at a time instead of the whole period of the district.
        let snapshot = try await req.application.boundaries.current(req.db)
        // Communities without an outline are kept: nothing says where their points are.
        let inView = snapshot.ids(level: .community, intersecting: view.bbox) + snapshot.unoutlinedCommunities
        func restrictNear(_ q: SQLSelectBuilder) -> SQLSelectBuilder {
            if !inView.isEmpty { q.where("community_id", .in, inView) }
            return r.restrict(q)
        }
        // A community is a cluster only when every community has a place to put its count.
        if view.zoom < MapView.cellsFromZoom && !inView.isEmpty && snapshot.unoutlinedCommunities.isEmpty {
            return try await communityClusters(sql, view: view, snapshot: snapshot, communities: inView, details: details, feature: feature, restrictNear: restrictNear)
        }
        let cells = try await MapClustering.cells(sql, table: "incidents", lon: "longitude", lat: "latitude", view: view) { restrictNear($0) }
        let singles = try await details(cells.filter { $0.n == 1 }.map(\.first))
        let features = cells.sorted { ($0.cy, $0.cx) < ($1.cy, $1.cx) }.map { c in c.n == 1 ? singles[c.first].map(feature) ?? MapClustering.clusterFeature(c) : MapClustering.clusterFeature(c) }
        return MapFeatureCollection(layer: "incidents", zoom: view.zoom, total: cells.reduce(0) { $0 + $1.n }, truncated: false, features: features)
    }

    /// Below `MapView.cellsFromZoom` (a district or a street on screen) a cluster is a community: its located incidents
    /// counted from the community-led index and placed at the community's label point — what a station chief reads
    /// ("德兴社区 412") and a twelfth of the lattice's cost at district scale (bench/MAP.md). A community with one
    /// incident shows the incident itself.
    static func communityClusters(_ sql: any SQLDatabase, view: MapView, snapshot: BoundaryStore.Snapshot, communities: [Int],
                                  details: ([Int]) async throws -> [Int: Row], feature: (Row) -> MapFeature,
                                  restrictNear: (SQLSelectBuilder) -> SQLSelectBuilder) async throws -> MapFeatureCollection {
        struct Count: Decodable { var community_id: Int; var n: Int; var first: Int }
        let q = sql.select().column("community_id").column(SQLFunction("COUNT", args: SQLLiteral.all), as: "n")
            .column(SQLFunction("MIN", args: SQLIdentifier("id")), as: "first").from("incidents")
        MapClustering.inView(q, lon: "longitude", lat: "latitude", nil)
        let counts = try await restrictNear(q).groupBy("community_id").all(decoding: Count.self)
        let singles = try await details(counts.filter { $0.n == 1 }.map(\.first))
        var features: [MapFeature] = []
        for c in counts.sorted(by: { $0.community_id < $1.community_id }) {
            if c.n == 1, let row = singles[c.first] { features.append(feature(row)); continue }
            guard let d = snapshot.divisions[c.community_id], let at = d.label else { continue }
            features.append(MapFeature(geometry: .point(at), properties: MapProperties(title: d.name, label: d.name, cluster: true, count: c.n)))
        }
        return MapFeatureCollection(layer: "incidents", zoom: view.zoom, total: counts.reduce(0) { $0 + $1.n }, truncated: false, features: features)
    }
}
