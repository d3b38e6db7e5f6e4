import Foundation

/// A point to cluster: the record's id, where it is, and a weight (1 for a plain count).
public struct GeoClusterItem<ID: Hashable & Sendable>: Sendable {
    public var id: ID
    public var point: GeoPoint
    public var weight: Double

    public init(id: ID, point: GeoPoint, weight: Double = 1) {
        self.id = id; self.point = point; self.weight = weight
    }
}

/// Points that fell in one cell of the clustering grid.
public struct GeoCluster<ID: Hashable & Sendable>: Sendable {
    public let count: Int
    public let weight: Double
    /// Weighted mean position (plain mean when the weights add up to 0).
    public let centre: GeoPoint
    public let bbox: GeoBBox
    /// The record's id when the cluster is a single point (drawn as that record's marker), else nil.
    public let id: ID?
    /// Grid cell (world pixel / cell size) at the zoom clustered, stable while the map pans.
    public let cellX: Int
    public let cellY: Int
}

/// Server-side clustering for map layers at low zoom (issue 18: a whole district's incidents must come
/// back in ≤ 150 ms): points are binned on a grid of `cellPixels`-wide squares in world pixels at the
/// requested zoom, like Google's MarkerClusterer grid. The grid is anchored to the world, not the view,
/// so a cluster does not jump while panning. Every input point lands in exactly one cluster, so the
/// counts add up to the input count.
public struct PointClusterer: Sendable {
    /// Cell width in screen pixels (at least 1).
    public var cellPixels: Double
    /// 256 for classic raster tiles, 512 for most vector-tile styles.
    public var tileSize: Double

    public init(cellPixels: Double = 60, tileSize: Double = 256) {
        self.cellPixels = cellPixels
        self.tileSize = tileSize
    }

    /// Clusters, largest count first (then north-west to south-east) so output is deterministic.
    public func clusters<ID>(_ items: [GeoClusterItem<ID>], zoom: Int) -> [GeoCluster<ID>] {
        var cells: [SIMD2<Int>: Acc] = [:]
        let size = Swift.max(1, cellPixels)
        for (i, item) in items.enumerated() {
            let px = WebMercator.pixel(item.point, zoom: Double(zoom), tileSize: tileSize)
            let key = SIMD2(Int((px.x / size).rounded(.down)), Int((px.y / size).rounded(.down)))
            let p = item.point
            let w = item.weight.isFinite ? Swift.max(0, item.weight) : 0
            var acc = cells[key] ?? Acc(box: GeoBBox(minLon: p.lon, minLat: p.lat, maxLon: p.lon, maxLat: p.lat), firstIndex: i)
            acc.count += 1; acc.weight += w
            acc.wx += w * p.lon; acc.wy += w * p.lat
            acc.sx += p.lon; acc.sy += p.lat
            acc.box.include(p)
            cells[key] = acc
        }
        return cells.map { key, a in
            let centre = a.weight > 0 ? GeoPoint(lon: a.wx / a.weight, lat: a.wy / a.weight)
                                      : GeoPoint(lon: a.sx / Double(a.count), lat: a.sy / Double(a.count))
            return GeoCluster(count: a.count, weight: a.weight, centre: a.count == 1 ? items[a.firstIndex].point : centre,
                              bbox: a.box, id: a.count == 1 ? items[a.firstIndex].id : nil, cellX: key.x, cellY: key.y)
        }
        .sorted { ($0.count, -$0.cellY, -$0.cellX) > ($1.count, -$1.cellY, -$1.cellX) }
    }

    /// Running sums for one grid cell.
    private struct Acc {
        var count = 0, weight = 0.0, wx = 0.0, wy = 0.0, sx = 0.0, sy = 0.0
        var box: GeoBBox
        var firstIndex: Int
    }
}
