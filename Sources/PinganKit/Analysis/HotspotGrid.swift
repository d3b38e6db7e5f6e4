import Foundation

/// A point in metres on a local plane (x east, y north).
public struct PlanarPoint: Hashable, Sendable {
    public var x: Double
    public var y: Double
    public init(x: Double, y: Double) { self.x = x; self.y = y }
}

/// Local equirectangular projection, as the forecast-eval protocol (P2) defines it:
/// x = R·cos φ0·(λ − λ0), y = R·(φ − φ0), angles in radians, R = 6,371,008.8 m, rounded to 1 mm.
/// The operations are done in the same order as the protocol's numpy code, so a point lands in the
/// same cell bit for bit (a point exactly on a cell edge would otherwise be a coin toss).
public struct LocalProjection: Hashable, Sendable {
    public static let earthRadius = 6_371_008.8
    /// Toronto's frozen centre (forecast-eval P2).
    public static let toronto = LocalProjection(lat0: 43.7065, lon0: -79.3967)

    public var lat0: Double
    public var lon0: Double
    public init(lat0: Double, lon0: Double) { self.lat0 = lat0; self.lon0 = lon0 }

    private static let degToRad = Double.pi / 180.0

    /// WGS84 degrees → metres, rounded to 1 mm (half to even, as numpy's `round(…, 3)`).
    public func project(lat: Double, lon: Double) -> PlanarPoint {
        let k = Self.earthRadius * cos(lat0 * Self.degToRad)
        let x = k * ((lon - lon0) * Self.degToRad)
        let y = Self.earthRadius * ((lat - lat0) * Self.degToRad)
        return PlanarPoint(x: Self.roundMillimetre(x), y: Self.roundMillimetre(y))
    }

    /// Metres → WGS84 degrees (no rounding).
    public func unproject(_ p: PlanarPoint) -> (lat: Double, lon: Double) {
        let lat = lat0 + (p.y / Self.earthRadius) / Self.degToRad
        let lon = lon0 + (p.x / (Self.earthRadius * cos(lat0 * Self.degToRad))) / Self.degToRad
        return (lat, lon)
    }

    static func roundMillimetre(_ v: Double) -> Double {
        (v * 1000).rounded(.toNearestOrEven) / 1000
    }
}

/// A square lattice of grid cells (网格) for hotspot analysis: `columns × rows` cells of `cellSize`
/// metres, indexed row-major from the south-west corner — `index = row · columns + column` — which is
/// the forecast-eval protocol's `cell_index` and libpysal's `lat2W(rows, columns)` id order.
public struct HotspotGrid: Hashable, Sendable {
    /// Default cell size for the district (issue 7): 150 m.
    public static let defaultCellSize = 150.0

    public let minX: Double
    public let minY: Double
    public let cellSize: Double
    public let columns: Int
    public let rows: Int

    /// Cells cover [minX, maxX) × [minY, maxY): columns = ⌈(maxX − minX)/cellSize⌉, likewise rows.
    public init(minX: Double, minY: Double, maxX: Double, maxY: Double, cellSize: Double = HotspotGrid.defaultCellSize) {
        precondition(cellSize > 0 && maxX > minX && maxY > minY, "empty grid")
        self.minX = minX
        self.minY = minY
        self.cellSize = cellSize
        self.columns = Int(((maxX - minX) / cellSize).rounded(.up))
        self.rows = Int(((maxY - minY) / cellSize).rounded(.up))
    }

    /// Toronto's frozen protocol extent (forecast-eval P2): 277×198 cells at 150 m, 166×119 at 250 m.
    public static func toronto(cellSize: Double = 150) -> HotspotGrid {
        HotspotGrid(minX: -19_500, minY: -13_300, maxX: 22_000, maxY: 16_400, cellSize: cellSize)
    }

    /// The bounding box of `points`, rounded outward to `snap` metres (as the protocol built Toronto's).
    public static func covering<S: Sequence>(_ points: S, cellSize: Double = HotspotGrid.defaultCellSize,
                                             snap: Double = 100) -> HotspotGrid? where S.Element == PlanarPoint {
        var lo = PlanarPoint(x: .infinity, y: .infinity), hi = PlanarPoint(x: -.infinity, y: -.infinity)
        for p in points where p.x.isFinite && p.y.isFinite {
            lo.x = min(lo.x, p.x); lo.y = min(lo.y, p.y); hi.x = max(hi.x, p.x); hi.y = max(hi.y, p.y)
        }
        guard lo.x.isFinite else { return nil }
        let minX = (lo.x / snap).rounded(.down) * snap, minY = (lo.y / snap).rounded(.down) * snap
        var maxX = (hi.x / snap).rounded(.up) * snap, maxY = (hi.y / snap).rounded(.up) * snap
        if maxX <= hi.x { maxX += snap }   // a point on the max edge still needs a cell
        if maxY <= hi.y { maxY += snap }
        return HotspotGrid(minX: minX, minY: minY, maxX: maxX, maxY: maxY, cellSize: cellSize)
    }

    public var cellCount: Int { columns * rows }

    /// Column (cell_x) and row (cell_y) of a point; may lie outside the grid.
    public func columnRow(of p: PlanarPoint) -> (column: Int, row: Int)? {
        let cx = ((p.x - minX) / cellSize).rounded(.down), cy = ((p.y - minY) / cellSize).rounded(.down)
        guard cx.isFinite, cy.isFinite, abs(cx) < 1e15, abs(cy) < 1e15 else { return nil }
        return (Int(cx), Int(cy))
    }

    /// Cell index of a point, nil when it falls outside the grid.
    public func cellIndex(of p: PlanarPoint) -> Int? {
        guard let (c, r) = columnRow(of: p), c >= 0, c < columns, r >= 0, r < rows else { return nil }
        return r * columns + c
    }

    public func column(of index: Int) -> Int { index % columns }
    public func row(of index: Int) -> Int { index / columns }

    /// Centre of a cell in metres.
    public func center(of index: Int) -> PlanarPoint {
        PlanarPoint(x: minX + (Double(column(of: index)) + 0.5) * cellSize,
                    y: minY + (Double(row(of: index)) + 0.5) * cellSize)
    }

    /// Incident count per cell (the `y` of Gi*), and how many points fell outside the grid.
    public func counts<S: Sequence>(of points: S) -> (counts: [Double], outside: Int) where S.Element == PlanarPoint {
        var counts = [Double](repeating: 0, count: cellCount)
        var outside = 0
        for p in points {
            if let i = cellIndex(of: p) { counts[i] += 1 } else { outside += 1 }
        }
        return (counts, outside)
    }
}
