import Foundation

/// Clipping planar polygons by a half-plane, done properly for concave subjects.
///
/// Plain Sutherland–Hodgman keeps a concave polygon that the line cuts into several pieces as one ring
/// joined by zero-width "bridges" along the line — not a valid polygon. Here the inside stretches of
/// each ring are kept as chains (entry point on the line, inside vertices, exit point on the line) and
/// re-joined along the line: with rings oriented (outer counter-clockwise, holes clockwise, interior on
/// the left), the line's inside stretches run from each exit to the next entry in the direction that
/// keeps the kept side on the left, so sorting exits and entries along the line and pairing the k-th
/// exit with the k-th entry closes every piece. Holes the line misses stay holes of the piece around them.
enum GeoClip {
    /// A polygon in the plane: rings as vertex arrays (no closing repeat), outer first.
    typealias Polygon = [[GeoXY]]

    /// `polygons` ∩ {p : nx·p.x + ny·p.y ≤ c}. Input rings must be oriented (outer CCW, holes CW);
    /// output rings are too. Pieces or rings thinner than `minArea` (m² when the plane is in metres) vanish.
    static func halfPlane(_ polygons: [Polygon], nx: Double, ny: Double, c: Double, minArea: Double = 1e-6) -> [Polygon] {
        polygons.flatMap { halfPlane($0, nx: nx, ny: ny, c: c, minArea: minArea) }
    }

    private struct Chain {
        var points: [GeoXY]
        var entryT: Double
        var exitT: Double
    }

    static func halfPlane(_ polygon: Polygon, nx: Double, ny: Double, c: Double, minArea: Double) -> [Polygon] {
        var outers: [[GeoXY]] = []
        var holes: [[GeoXY]] = []
        var chains: [Chain] = []
        // Position along the line, increasing in the direction with the kept side on the left.
        func along(_ p: GeoXY) -> Double { -ny * p.x + nx * p.y }
        for (k, ring) in polygon.enumerated() where ring.count >= 3 {
            let d = ring.map { nx * $0.x + ny * $0.y - c }
            let insideCount = d.reduce(0) { $0 + ($1 <= 0 ? 1 : 0) }
            if insideCount == 0 { continue }
            if insideCount == ring.count {
                if k == 0 { outers.append(ring) } else { holes.append(ring) }
                continue
            }
            let n = ring.count
            func cut(_ i: Int, _ j: Int) -> GeoXY {
                let t = d[i] / (d[i] - d[j])
                return GeoXY(x: ring[i].x + t * (ring[j].x - ring[i].x), y: ring[i].y + t * (ring[j].y - ring[i].y))
            }
            // Start at an entry: vertex s inside, its predecessor outside.
            guard let s = (0..<n).first(where: { d[$0] <= 0 && d[($0 + n - 1) % n] > 0 }) else { continue }
            var i = s
            var steps = 0
            while steps < n {
                if d[i] <= 0 && d[(i + n - 1) % n] > 0 {
                    let entry = cut((i + n - 1) % n, i)
                    var pts = [entry]
                    while d[i] <= 0 && steps < n { pts.append(ring[i]); i = (i + 1) % n; steps += 1 }
                    let exit = cut((i + n - 1) % n, i)
                    pts.append(exit)
                    chains.append(Chain(points: pts, entryT: along(entry), exitT: along(exit)))
                } else {
                    i = (i + 1) % n; steps += 1
                }
            }
        }
        // Pair the k-th exit with the k-th entry along the line, then walk chain → chain.
        let exits = chains.indices.sorted { chains[$0].exitT < chains[$1].exitT }
        let entries = chains.indices.sorted { chains[$0].entryT < chains[$1].entryT }
        var next = [Int](repeating: -1, count: chains.count)
        for (e, f) in zip(exits, entries) { next[e] = f }
        var used = [Bool](repeating: false, count: chains.count)
        for start in chains.indices where !used[start] {
            var ring: [GeoXY] = []
            var cur = start
            var guardCount = 0
            while !used[cur] && guardCount <= chains.count {
                used[cur] = true
                ring += chains[cur].points
                cur = next[cur]
                guardCount += 1
                if cur < 0 { break }
            }
            outers.append(ring)
        }
        // Clean, then give each surviving hole to the piece around it.
        let cleanOuters = outers.map(clean).filter { GeoPlanar.signedArea($0) > minArea }
        let cleanHoles = holes.map(clean).filter { -GeoPlanar.signedArea($0) > minArea }
        var pieces: [Polygon] = cleanOuters.map { [$0] }
        for h in cleanHoles {
            if let k = cleanOuters.firstIndex(where: { GeoPlanar.parity(h[0], $0) }) { pieces[k].append(h) }
        }
        return pieces
    }

    /// Consecutive near-duplicates removed (1 µm), and collinear spikes left by the stitching dropped.
    static func clean(_ r: [GeoXY]) -> [GeoXY] {
        var v = GeoPlanar.dedupe(r, epsilon: 1e-6)
        var changed = true
        while changed && v.count >= 3 {
            changed = false
            var out: [GeoXY] = []
            let n = v.count
            for i in 0..<n {
                let a = v[(i + n - 1) % n], b = v[i], c = v[(i + 1) % n]
                let cross = GeoPlanar.orient(a, b, c)
                let back = (b.x - a.x) * (c.x - b.x) + (b.y - a.y) * (c.y - b.y) < 0
                if abs(cross) <= 1e-9 * Swift.max(1, hypot(b.x - a.x, b.y - a.y) * hypot(c.x - b.x, c.y - b.y)) && back {
                    changed = true   // a spike: a → b → back towards a
                    continue
                }
                out.append(b)
            }
            v = GeoPlanar.dedupe(out, epsilon: 1e-6)
        }
        return v
    }

    /// Rings oriented for `halfPlane`: outer counter-clockwise, holes clockwise.
    static func oriented(_ polygon: Polygon) -> Polygon {
        polygon.enumerated().map { k, r in
            let ccw = GeoPlanar.signedArea(r) > 0
            return (k == 0) == ccw ? r : r.reversed()
        }
    }
}
