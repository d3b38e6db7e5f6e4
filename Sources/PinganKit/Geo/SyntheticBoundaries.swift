import Foundation

/// Synthetic division outlines that tile a real parent outline (issue 18: streets, communities and grids
/// have no public outlines, so the demo makes some and marks them *synthetic*).
///
/// The cells are the Voronoi cells of seed points clipped to the parent: cell i = parent ∩ every half-plane
/// "closer to seed i than to seed j". Working in a local metre frame around the parent makes the
/// perpendicular bisectors true ones. Each clip is a half-plane clip of a possibly concave polygon
/// (`GeoClip`), so cells are valid polygons (several pieces when the parent's shape splits a cell).
/// Neighbours are taken nearest first (from a grid of the seeds) and the loop stops once the bisector of
/// the next one is farther than the cell's farthest vertex, which keeps 300 cells well under a second.
public enum SyntheticBoundaries {
    /// Seeds (moved inside the parent where needed) and one cell per seed, in the seeds' order.
    public struct Tiling: Sendable {
        public let seeds: [GeoPoint]
        public let cells: [GeoMultiPolygon]
    }

    /// Voronoi cells of `seeds` clipped to `parent` (no cells for an empty parent). A seed outside the
    /// parent is first moved just inside, to the nearest boundary point stepped 1 m inward; a repeated seed
    /// is moved 1 m aside — so every cell holds its seed, and the cells tile the parent without overlaps.
    public static func voronoi(parent: GeoMultiPolygon, seeds: [GeoPoint]) -> Tiling {
        guard let frame = GeoLocalFrame(around: parent), !seeds.isEmpty else { return Tiling(seeds: seeds, cells: []) }
        let subject = parent.polygons.map { GeoClip.oriented(frame.project($0).map { GeoPlanar.dedupe($0) }) }
        var placed: [GeoPoint] = []
        var taken = Set<GeoPoint>()
        for s in seeds {
            var p = moveInside(s, parent: parent, subject: subject, frame: frame)
            var k = 0
            while taken.contains(p) && k < 64 {
                let angle = Double(k) * 2.399963   // golden angle: spread the nudges
                let q = frame.project(p)
                let r = 1.0 + Double(k / 8)
                let cand = frame.unproject(GeoXY(x: q.x + r * cos(angle), y: q.y + r * sin(angle)))
                if parent.contains(cand) { p = cand }
                k += 1
            }
            taken.insert(p)
            placed.append(p)
        }
        let xy = placed.map(frame.project)
        let grid = SeedGrid(xy)
        var cells: [GeoMultiPolygon] = []
        cells.reserveCapacity(xy.count)
        for (i, s) in xy.enumerated() {
            var cell = subject
            var reach = farthest(s, cell)
            // Neighbours ring by ring of grid cells around the seed; ring r + 1 holds no seed nearer than
            // r · cell size, so once half of that exceeds the cell's reach no bisector can cut it any more.
            var r = 0
            while !cell.isEmpty, r <= grid.maxRing, Double(r - 1) * grid.size / 2 < reach {
                let ring = grid.ring(r, around: s).filter { $0 != i }
                    .map { (j: $0, d: hypot(xy[$0].x - s.x, xy[$0].y - s.y)) }
                    .sorted { $0.d < $1.d }
                for (j, d) in ring where d / 2 < reach && !cell.isEmpty {
                    let t = xy[j]
                    cell = GeoClip.halfPlane(cell, nx: t.x - s.x, ny: t.y - s.y,
                                             c: ((t.x * t.x + t.y * t.y) - (s.x * s.x + s.y * s.y)) / 2)
                    reach = farthest(s, cell)
                }
                r += 1
            }
            cells.append(GeoMultiPolygon(cell.map { rings in
                GeoPolygon(outer: frame.unprojectRing(rings[0]), holes: rings.dropFirst().map(frame.unprojectRing))
            }))
        }
        return Tiling(seeds: placed, cells: cells)
    }

    /// Seeds bucketed on a square grid (about one seed per cell) for nearest-first neighbour search.
    private struct SeedGrid {
        let minX: Double, minY: Double, size: Double
        let cols: Int, rows: Int
        let buckets: [[Int]]
        var maxRing: Int { Swift.max(cols, rows) }

        init(_ pts: [GeoXY]) {
            let xs = pts.map(\.x), ys = pts.map(\.y)
            minX = xs.min() ?? 0; minY = ys.min() ?? 0
            let w = Swift.max((xs.max() ?? 0) - minX, 1), h = Swift.max((ys.max() ?? 0) - minY, 1)
            size = Swift.max((w * h / Double(Swift.max(1, pts.count))).squareRoot(), 1e-3)
            cols = Int(w / size) + 1; rows = Int(h / size) + 1
            var b = [[Int]](repeating: [], count: cols * rows)
            for (i, p) in pts.enumerated() { b[Int((p.y - minY) / size) * cols + Int((p.x - minX) / size)].append(i) }
            buckets = b
        }

        /// Seeds in the grid cells at Chebyshev distance exactly `r` from the cell holding `p`.
        func ring(_ r: Int, around p: GeoXY) -> [Int] {
            let cx = Int((p.x - minX) / size), cy = Int((p.y - minY) / size)
            var out: [Int] = []
            for y in (cy - r)...(cy + r) where y >= 0 && y < rows {
                let step = (y == cy - r || y == cy + r) ? 1 : Swift.max(1, 2 * r)
                for x in stride(from: cx - r, through: cx + r, by: step) where x >= 0 && x < cols {
                    out += buckets[y * cols + x]
                }
            }
            return out
        }
    }

    private static func farthest(_ s: GeoXY, _ polys: [GeoClip.Polygon]) -> Double {
        var best = 0.0
        for p in polys { for v in p.first ?? [] { best = Swift.max(best, hypot(v.x - s.x, v.y - s.y)) } }
        return best
    }

    /// `p` if it is inside `parent`, else the nearest boundary point stepped inward (1 m, then 0.1 m,
    /// 10 m), else the parent's interior point.
    static func moveInside(_ p: GeoPoint, parent: GeoMultiPolygon, subject: [GeoClip.Polygon], frame: GeoLocalFrame) -> GeoPoint {
        if parent.contains(p) { return p }
        let q = frame.project(p)
        var best: (d: Double, at: GeoXY, nx: Double, ny: Double)?
        for poly in subject {
            for ring in poly where ring.count >= 2 {
                var j = ring.count - 1
                for i in 0..<ring.count {
                    let a = ring[j], b = ring[i]
                    j = i
                    let c = GeoPlanar.closest(q, a, b)
                    let d = hypot(c.x - q.x, c.y - q.y)
                    let len = hypot(b.x - a.x, b.y - a.y)
                    if len > 0, d < (best?.d ?? .infinity) {
                        best = (d, c, -(b.y - a.y) / len, (b.x - a.x) / len)   // left normal: the inside
                    }
                }
            }
        }
        if let b = best {
            for step in [1.0, 0.1, 10.0] {
                let cand = frame.unproject(GeoXY(x: b.at.x + b.nx * step, y: b.at.y + b.ny * step))
                if parent.contains(cand) { return cand }
            }
        }
        return parent.interiorPoint() ?? p
    }

    /// A spacing that `randomInteriorPoints` can reach for `count` points in `area` m²: 0.7·√(area/count)
    /// (random sequential packing jams near 0.83·√(area/count)).
    public static func suggestedSpacing(area: Double, count: Int) -> Double {
        count > 0 && area > 0 ? 0.7 * (area / Double(count)).squareRoot() : 0
    }

    /// `n` points uniformly at random inside `parent`, reproducible from `seed` (SplitMix64).
    /// With `minSpacing` (metres) no two points are closer than that ("dart throwing", a Poisson-disc
    /// sampler): after 2,000 misses in a row the spacing is relaxed by 10 %, so `n` points always come back.
    public static func randomInteriorPoints(_ n: Int, in parent: GeoMultiPolygon, seed: UInt64, minSpacing: Double? = nil) -> [GeoPoint] {
        guard n > 0, let frame = GeoLocalFrame(around: parent), let box = parent.bbox, parent.area > 0 else { return [] }
        var rng = SplitMix64(seed: seed)
        let inside = GeoIndex([(id: 0, shape: parent)])   // same answers as parent.contains, much faster
        let lo = frame.project(GeoPoint(lon: box.minLon, lat: box.minLat))
        let hi = frame.project(GeoPoint(lon: box.maxLon, lat: box.maxLat))
        var spacing = Swift.max(0, minSpacing ?? 0)
        var buckets: [SIMD2<Int>: [GeoXY]] = [:]
        var out: [GeoPoint] = []
        var accepted: [GeoXY] = []
        var misses = 0
        func key(_ q: GeoXY) -> SIMD2<Int> {
            spacing > 0 ? SIMD2(Int((q.x / spacing).rounded(.down)), Int((q.y / spacing).rounded(.down))) : .zero
        }
        while out.count < n {
            let q = GeoXY(x: rng.nextDouble(in: lo.x..<hi.x), y: rng.nextDouble(in: lo.y..<hi.y))
            let p = frame.unproject(q)
            guard inside.locate(p) != nil else { continue }
            if spacing > 0 {
                let k = key(q)
                var clash = false
                search: for dx in -1...1 {
                    for dy in -1...1 {
                        for o in buckets[k &+ SIMD2(dx, dy)] ?? [] where hypot(o.x - q.x, o.y - q.y) < spacing {
                            clash = true
                            break search
                        }
                    }
                }
                if clash {
                    misses += 1
                    if misses >= 2_000 {
                        spacing *= 0.9
                        misses = 0
                        buckets = Dictionary(grouping: accepted, by: key)
                    }
                    continue
                }
                misses = 0
                buckets[k, default: []].append(q)
            }
            accepted.append(q)
            out.append(p)
        }
        return out
    }
}
