import Foundation

/// Douglas–Peucker simplification of outlines for low-zoom map layers (a district outline drawn 300 px
/// wide does not need 5,000 vertices). Tolerances are in metres, measured in a local frame, so they mean
/// the same thing at every latitude.
///
/// Rings stay closed and keep at least 3 distinct vertices (4 positions); a ring whose simplified area
/// is below tolerance² (it would draw as a dot) is dropped, and a polygon whose outer ring is dropped goes
/// with its holes. Like every Douglas–Peucker, the result can self-intersect at tolerances comparable to
/// the shape's narrow parts: use it for drawing, not for storage or point-in-polygon.
public enum GeoSimplify {
    public static func simplify(_ mp: GeoMultiPolygon, toleranceMetres: Double) -> GeoMultiPolygon {
        guard toleranceMetres > 0, let frame = GeoLocalFrame(around: mp) else { return mp }
        return GeoMultiPolygon(mp.polygons.compactMap { simplify($0, toleranceMetres: toleranceMetres, frame: frame) })
    }

    /// The polygon simplified, or nil when its outer ring collapses.
    public static func simplify(_ polygon: GeoPolygon, toleranceMetres: Double, frame: GeoLocalFrame) -> GeoPolygon? {
        guard let outer = simplify(polygon.outer, toleranceMetres: toleranceMetres, frame: frame) else { return nil }
        return GeoPolygon(outer: outer, holes: polygon.holes.compactMap { simplify($0, toleranceMetres: toleranceMetres, frame: frame) })
    }

    /// The ring simplified (closed), or nil when it collapses.
    public static func simplify(_ ring: GeoRing, toleranceMetres tol: Double, frame: GeoLocalFrame) -> GeoRing? {
        let pts = Array(ring.vertices)
        let v = GeoPlanar.dedupe(pts.map(frame.project))
        guard v.count >= 3 else { return nil }
        var keep = [Bool](repeating: false, count: v.count)
        // Anchors: the first vertex and the vertex farthest from it; each half simplified on its own.
        let far = v.indices.max { hypot(v[$0].x - v[0].x, v[$0].y - v[0].y) < hypot(v[$1].x - v[0].x, v[$1].y - v[0].y) } ?? 0
        keep[0] = true; keep[far] = true
        douglasPeucker(v, from: 0, to: far, tol: tol, keep: &keep)
        douglasPeucker(v, from: far, to: v.count, tol: tol, keep: &keep)
        if keep.filter({ $0 }).count < 3 {
            // Never below 4 positions: add the vertex farthest from the anchors' line.
            let third = v.indices.filter { !keep[$0] }.max {
                GeoPlanar.distance(v[$0], v[0], v[far]) < GeoPlanar.distance(v[$1], v[0], v[far])
            }
            if let third { keep[third] = true }
        }
        let kept = v.indices.filter { keep[$0] }.map { v[$0] }
        guard kept.count >= 3, abs(GeoPlanar.signedArea(kept)) >= tol * tol else { return nil }
        // Kept vertices are returned as the original positions (no projection round-trip noise).
        let original = v.count == pts.count ? v.indices.filter { keep[$0] }.map { pts[$0] } : kept.map(frame.unproject)
        return GeoRing(original).closed()
    }

    /// Marks the vertices to keep between anchors `a` and `b` (index `b` may equal `v.count`, meaning
    /// vertex 0 again: the closing segment). Iterative, so long rings cannot overflow the stack.
    private static func douglasPeucker(_ v: [GeoXY], from a: Int, to b: Int, tol: Double, keep: inout [Bool]) {
        var stack = [(a, b)]
        while let (i, j) = stack.popLast() {
            guard j - i > 1 else { continue }
            let pa = v[i], pb = v[j % v.count]
            var best = -1.0, at = -1
            for k in (i + 1)..<j {
                let d = GeoPlanar.distance(v[k], pa, pb)
                if d > best { best = d; at = k }
            }
            if best > tol {
                keep[at] = true
                stack.append((i, at)); stack.append((at, j))
            }
        }
    }
}
