import Foundation

/// Answers "which area is this point in?" for many areas (a district's ~300 communities or grids) fast
/// enough for bulk imports and the map picker (millions of lookups).
///
/// How: a uniform grid over all areas. Each grid cell knows the polygons whose edges pass through it
/// (these need a real point-in-polygon test) and the polygons that cover it completely (answered at once).
/// The real test only looks at the polygon's edges in one horizontal slab, so it costs a handful of edges.
/// Results are exactly those of `GeoMultiPolygon.contains` (same crossing arithmetic and boundary rule:
/// a point on an edge shared by two areas belongs to exactly one — the one to its east/north side).
/// When areas overlap, the first one added wins.
public struct GeoIndex<ID: Hashable & Sendable>: Sendable {
    public let ids: [ID]
    public let bboxes: [GeoBBox?]
    private let polys: [Prepared]
    private let grid: Grid?
    private let cellStart: [Int32]
    /// Per cell: polygon index × 2, plus 1 when the polygon covers the whole cell.
    private let cellItems: [Int32]

    /// - Parameter cellsPerEdge: grid cells per polygon edge (about 1 keeps most cells simple);
    ///   the grid has between 1,024 and 262,144 cells.
    public init(_ entries: [(id: ID, shape: GeoMultiPolygon)], cellsPerEdge: Double = 1) {
        ids = entries.map(\.id)
        bboxes = entries.map(\.shape.bbox)
        var ps: [Prepared] = []
        var sources: [GeoPolygon] = []
        for (k, e) in entries.enumerated() {
            for p in e.shape.polygons {
                if let prep = Prepared(p, entry: k) { ps.append(prep); sources.append(p) }
            }
        }
        polys = ps
        guard let b = ps.map(\.bbox).reduce(nil as GeoBBox?, { acc, b in acc.map { $0.union(b) } ?? b }) else {
            grid = nil; cellStart = [0]; cellItems = []
            return
        }
        let edgeCount = ps.reduce(0) { $0 + $1.edges.count / 4 }
        let g = Grid(b, cells: Swift.min(262_144.0, Swift.max(1_024.0, Double(edgeCount) * cellsPerEdge)))
        grid = g
        let (cols, rows, ch, cw) = (g.cols, g.rows, g.ch, g.cw)
        let row = g.row, col = g.col

        // 1. Cells each polygon's edges pass through (horizontal ones too; a little widened, so touching counts).
        var lists = [[Int32]](repeating: [], count: cols * rows)
        let eps = 1e-9
        for (pi, poly) in sources.enumerated() {
            let tag = Int32(pi * 2)
            for ring in poly.rings where ring.points.count >= 2 {
                let v = ring.points
                var j = v.count - 1
                for i in 0..<v.count {
                    let (a, c) = v[j].lat <= v[i].lat ? (v[j], v[i]) : (v[i], v[j])
                    j = i
                    for r in row(a.lat, -eps)...row(c.lat, eps) {
                        let by0 = Swift.max(a.lat, b.minLat + Double(r) * ch), by1 = Swift.min(c.lat, b.minLat + Double(r + 1) * ch)
                        let slope = c.lat > a.lat ? (c.lon - a.lon) / (c.lat - a.lat) : 0
                        let xa = c.lat > a.lat ? a.lon + (by0 - a.lat) * slope : a.lon
                        let xb = c.lat > a.lat ? a.lon + (by1 - a.lat) * slope : c.lon
                        for k in col(Swift.min(xa, xb), -eps)...col(Swift.max(xa, xb), eps) {
                            let cell = r * cols + k
                            if lists[cell].last != tag { lists[cell].append(tag) }
                        }
                    }
                }
            }
        }
        // 2. Cells a polygon covers completely: no edge of it inside, and the centre inside it.
        for (pi, p) in ps.enumerated() {
            let tag = Int32(pi * 2)
            for r in row(p.bbox.minLat, 0)...row(p.bbox.maxLat, 0) {
                for c in col(p.bbox.minLon, 0)...col(p.bbox.maxLon, 0) {
                    let cell = r * cols + c
                    if lists[cell].contains(tag) { continue }
                    let centre = GeoPoint(lon: b.minLon + (Double(c) + 0.5) * cw, lat: b.minLat + (Double(r) + 0.5) * ch)
                    if p.contains(centre.lon, centre.lat) { lists[cell].append(tag + 1) }
                }
            }
        }
        var start: [Int32] = [0]
        var items: [Int32] = []
        start.reserveCapacity(lists.count + 1)
        for l in lists {
            items.append(contentsOf: l.sorted())
            start.append(Int32(items.count))
        }
        cellStart = start; cellItems = items
    }

    /// The uniform grid over all polygons' boxes, cells about square in degrees.
    private struct Grid: Sendable {
        let bounds: GeoBBox
        let cols: Int, rows: Int
        let cw: Double, ch: Double

        init(_ b: GeoBBox, cells: Double) {
            bounds = b
            let w = Swift.max(b.width, 1e-9), h = Swift.max(b.height, 1e-9)
            let side = (w * h / cells).squareRoot()
            cols = Swift.max(1, Int((w / side).rounded(.up)))
            rows = Swift.max(1, Int((h / side).rounded(.up)))
            cw = w / Double(cols); ch = h / Double(rows)
        }

        func row(_ y: Double, _ nudge: Double) -> Int {
            Swift.min(rows - 1, Swift.max(0, Int(((y - bounds.minLat) / ch + nudge).rounded(.down))))
        }

        func col(_ x: Double, _ nudge: Double) -> Int {
            Swift.min(cols - 1, Swift.max(0, Int(((x - bounds.minLon) / cw + nudge).rounded(.down))))
        }
    }

    public var count: Int { ids.count }

    /// The id of the area holding `p` (first added wins where areas overlap), or nil.
    public func locate(_ p: GeoPoint) -> ID? {
        guard let g = grid, g.bounds.contains(p) else { return nil }
        let cell = g.row(p.lat, 0) * g.cols + g.col(p.lon, 0)
        var i = Int(cellStart[cell])
        let end = Int(cellStart[cell + 1])
        while i < end {
            let item = Int(cellItems[i])
            let poly = polys[item >> 1]
            if item & 1 == 1 || poly.contains(p.lon, p.lat) { return ids[poly.entry] }
            i += 1
        }
        return nil
    }

    /// Ids of the areas whose bounding box meets `box` (a map layer's "what is in view"), in added order.
    public func ids(intersecting box: GeoBBox) -> [ID] {
        zip(ids, bboxes).compactMap { id, b in b.map { $0.intersects(box) } == true ? id : nil }
    }

    /// One polygon prepared for fast tests: edges in canonical order (lower end first, horizontal edges
    /// dropped, as `GeoPlanar.crosses` would order them) bucketed into horizontal slabs.
    private struct Prepared: Sendable {
        let entry: Int
        let bbox: GeoBBox
        let edges: [Double]
        let slabH: Double
        let slabStart: [Int32]
        let slabEdges: [Int32]

        init?(_ p: GeoPolygon, entry: Int) {
            guard let b = p.bbox else { return nil }
            self.entry = entry
            bbox = b
            var e: [Double] = []
            for ring in p.rings {
                let v = ring.points
                guard v.count >= 2 else { continue }
                var j = v.count - 1
                for i in 0..<v.count {
                    let a = v[j], c = v[i]
                    j = i
                    if a.lat == c.lat { continue }
                    if a.lat < c.lat { e += [a.lon, a.lat, c.lon, c.lat] } else { e += [c.lon, c.lat, a.lon, a.lat] }
                }
            }
            edges = e
            let n = e.count / 4
            let slabs = Swift.max(1, Swift.min(4_096, n / 2))
            slabH = Swift.max(b.height, 1e-12) / Double(slabs)
            var buckets = [[Int32]](repeating: [], count: slabs)
            for k in 0..<n {
                let s0 = Self.slab(e[4 * k + 1], b.minLat, slabH, slabs), s1 = Self.slab(e[4 * k + 3], b.minLat, slabH, slabs)
                for s in s0...s1 { buckets[s].append(Int32(k)) }
            }
            var start: [Int32] = [0]
            var all: [Int32] = []
            for bucket in buckets { all += bucket; start.append(Int32(all.count)) }
            slabStart = start; slabEdges = all
        }

        static func slab(_ y: Double, _ minY: Double, _ h: Double, _ count: Int) -> Int {
            Swift.min(count - 1, Swift.max(0, Int(((y - minY) / h).rounded(.down))))
        }

        func contains(_ x: Double, _ y: Double) -> Bool {
            guard bbox.contains(GeoPoint(lon: x, lat: y)) else { return false }
            let s = Self.slab(y, bbox.minLat, slabH, slabStart.count - 1)
            var inside = false
            for i in Int(slabStart[s])..<Int(slabStart[s + 1]) {
                let k = Int(slabEdges[i]) * 4
                if GeoPlanar.crosses(x, y, edges[k], edges[k + 1], edges[k + 2], edges[k + 3]) { inside.toggle() }
            }
            return inside
        }
    }
}
