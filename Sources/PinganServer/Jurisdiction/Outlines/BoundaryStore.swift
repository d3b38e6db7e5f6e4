import Fluent
import SQLKit
import Vapor
import PinganKit

/// One outline of the tree, parsed once, with copies simplified for low zooms.
struct MapDivision: Sendable {
    var id: Int
    var code: String
    var name: String
    var level: DivisionLevel
    var parentID: Int?
    var communityID: Int?
    var source: BoundarySource?
    var shape: GeoMultiPolygon
    var bbox: GeoBBox
    /// A point inside the outline for a label or a community's cluster (the stored centroid, itself kept inside).
    var label: GeoPoint?
    /// Tolerance in metres → simplified outline (`MapDivision.tolerances`).
    var simplified: [Double: GeoMultiPolygon]

    /// Outlines are drawn no finer than a pixel: these tolerances cover zooms ≤ 10, 11–12, 13–14; above, the full shape.
    static let tolerances: [Double] = [60, 15, 4]

    func shape(forZoom zoom: Int) -> GeoMultiPolygon {
        switch zoom {
        case ...10: simplified[60] ?? shape
        case 11...12: simplified[15] ?? shape
        case 13...14: simplified[4] ?? shape
        default: shape
        }
    }
}

/// The parsed outlines of the tree and point-in-polygon indexes over communities and grids, shared by the layer API,
/// the location lookup and the SVG fallback. Loaded on first use and reloaded when a division changes (the newest
/// `updated_at` is checked at most every few seconds, so a second server process sees an edit too).
final class BoundaryStore: @unchecked Sendable {
    struct Snapshot: Sendable {
        var divisions: [Int: MapDivision]
        var communities: GeoIndex<Int>
        var grids: GeoIndex<Int>
        var stamp: Date?
        /// Communities with no outline yet: a read that narrows by outline must keep them (nothing says where they are).
        var unoutlinedCommunities: [Int] = []

        func ids(level: DivisionLevel, intersecting box: GeoBBox?) -> [Int] {
            divisions.values.filter { $0.level == level && (box.map($0.bbox.intersects) ?? true) }.map(\.id).sorted()
        }
    }

    private let lock = NSLock()
    private var snapshot: Snapshot?
    private var checkedAt = Date.distantPast
    static let recheckSeconds = 5.0

    func current(_ db: any Database) async throws -> Snapshot {
        let now = Date()
        if let s = lock.withLock({ snapshot }), now.timeIntervalSince(lock.withLock { checkedAt }) < Self.recheckSeconds { return s }
        let stamp = try await Self.newestUpdate(db)
        if let s = lock.withLock({ snapshot }), s.stamp == stamp {
            lock.withLock { checkedAt = now }
            return s
        }
        let fresh = try await Self.load(db, stamp: stamp)
        lock.withLock { snapshot = fresh; checkedAt = now }
        return fresh
    }

    /// After an outline is edited in this process (others notice within `recheckSeconds`).
    func invalidate() { lock.withLock { snapshot = nil } }

    static func newestUpdate(_ db: any Database) async throws -> Date? {
        struct Row: Decodable { var t: Date? }
        let sql = db as! any SQLDatabase
        return try await sql.select().column(SQLFunction("MAX", args: SQLIdentifier("updated_at")), as: "t").from("divisions")
            .first(decoding: Row.self)?.t
    }

    static func load(_ db: any Database, stamp: Date?) async throws -> Snapshot {
        var out: [Int: MapDivision] = [:]
        for d in try await Division.query(on: db).filter(\.$boundaryGeoJSON != nil).all() {
            guard let id = d.id, let shape = d.boundary, let box = shape.bbox else { continue }
            var simplified: [Double: GeoMultiPolygon] = [:]
            if shape.vertexCount > 40 { for t in MapDivision.tolerances { simplified[t] = GeoSimplify.simplify(shape, toleranceMetres: t) } }
            out[id] = MapDivision(id: id, code: d.code, name: d.name, level: d.level, parentID: d.parentID, communityID: d.communityID,
                                  source: d.boundarySource, shape: shape, bbox: box,
                                  label: d.centroidLat.flatMap { lat in d.centroidLon.map { GeoPoint(lon: $0, lat: lat) } } ?? shape.interiorPoint(),
                                  simplified: simplified)
        }
        let communities = GeoIndex(out.values.filter { $0.level == .community }.sorted { $0.code < $1.code }.map { (id: $0.id, shape: $0.shape) })
        let grids = GeoIndex(out.values.filter { $0.level == .grid }.sorted { $0.code < $1.code }.map { (id: $0.id, shape: $0.shape) })
        let allCommunities = try await Division.query(on: db).filter(\.$level == .community).all(\.$id)
        let unoutlined = allCommunities.filter { out[$0] == nil }.sorted()
        return Snapshot(divisions: out, communities: communities, grids: grids, stamp: stamp, unoutlinedCommunities: unoutlined)
    }
}

private struct BoundaryStoreKey: StorageKey { typealias Value = BoundaryStore }
extension Application {
    var boundaries: BoundaryStore {
        get { storage[BoundaryStoreKey.self] ?? BoundaryStore() }
        set { storage[BoundaryStoreKey.self] = newValue }
    }
}
