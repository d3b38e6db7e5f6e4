import Foundation

/// A point in a plane: metres east and north of a `GeoLocalFrame`'s origin, or world pixels for `WebMercator`.
public struct GeoXY: Hashable, Sendable {
    public var x: Double
    public var y: Double
    public init(x: Double, y: Double) { self.x = x; self.y = y }
}

/// Local equirectangular projection around an origin: x = R·Δλ·cos φ₀, y = R·Δφ (metres).
/// Why: clipping, bisectors, Douglas–Peucker tolerances and spacing need metres in both axes; over a
/// district (tens of km) the scale error is under 0.5 % and, centred on the shape, nearly cancels in areas.
public struct GeoLocalFrame: Hashable, Sendable {
    public let origin: GeoPoint
    private let kx: Double
    private let ky: Double

    public init(origin: GeoPoint) {
        self.origin = origin
        ky = GeoMeasure.metresPerDegree
        kx = ky * Swift.max(1e-6, cos(origin.lat * .pi / 180))
    }

    /// A frame centred on the box of `mp` (nil for an empty shape).
    public init?(around mp: GeoMultiPolygon) {
        guard let b = mp.bbox else { return nil }
        self.init(origin: b.center)
    }

    public func project(_ p: GeoPoint) -> GeoXY { GeoXY(x: (p.lon - origin.lon) * kx, y: (p.lat - origin.lat) * ky) }
    public func unproject(_ q: GeoXY) -> GeoPoint { GeoPoint(lon: origin.lon + q.x / kx, lat: origin.lat + q.y / ky) }

    /// Rings in the plane, closing repeats dropped (vertex i joins i+1, wrapping).
    func project(_ ring: GeoRing) -> [GeoXY] { ring.vertices.map(project) }
    func project(_ polygon: GeoPolygon) -> [[GeoXY]] { polygon.rings.map(project) }
    func unprojectRing(_ ring: [GeoXY]) -> GeoRing { GeoRing(ring.map(unproject)).closed() }
}

/// Planar helpers shared by measures, validation, clipping and the index. Rings are vertex arrays
/// without the closing repeat.
enum GeoPlanar {
    /// Shoelace area, positive for counter-clockwise rings.
    static func signedArea(_ r: [GeoXY]) -> Double {
        guard r.count >= 3 else { return 0 }
        var s = 0.0
        var j = r.count - 1
        for i in 0..<r.count {
            s += (r[j].x - r[i].x) * (r[j].y + r[i].y)
            j = i
        }
        return s / 2
    }

    /// Crossing test of the ray from (px, py) towards +x against edge a–b.
    /// The edge is put in a canonical order (lower endpoint first) so two polygons that share an edge
    /// compute the identical crossing x whichever way they walk it: a point on a shared edge then lands
    /// in exactly one of them. Half-open in y, so horizontal edges never cross. The net effect is the
    /// lower-left rule of raster graphics: a point on a boundary counts as if nudged an infinitesimal step
    /// east and north — a polygon owns its west and south edges, not its east and north ones.
    @inline(__always)
    static func crosses(_ px: Double, _ py: Double, _ ax: Double, _ ay: Double, _ bx: Double, _ by: Double) -> Bool {
        let lowerFirst = ay < by || (ay == by && ax <= bx)
        let x1 = lowerFirst ? ax : bx, y1 = lowerFirst ? ay : by
        let x2 = lowerFirst ? bx : ax, y2 = lowerFirst ? by : ay
        guard y1 <= py, py < y2 else { return false }
        return px < x1 + (py - y1) * (x2 - x1) / (y2 - y1)
    }

    /// Even-odd parity of one ring of lon/lat points (closing repeat optional: a zero-length edge never crosses).
    static func parity(_ p: GeoPoint, _ ring: [GeoPoint]) -> Bool {
        guard ring.count >= 3 else { return false }
        var inside = false
        var j = ring.count - 1
        for i in 0..<ring.count {
            if crosses(p.lon, p.lat, ring[j].lon, ring[j].lat, ring[i].lon, ring[i].lat) { inside.toggle() }
            j = i
        }
        return inside
    }

    static func parity(_ p: GeoXY, _ ring: [GeoXY]) -> Bool {
        guard ring.count >= 3 else { return false }
        var inside = false
        var j = ring.count - 1
        for i in 0..<ring.count {
            if crosses(p.x, p.y, ring[j].x, ring[j].y, ring[i].x, ring[i].y) { inside.toggle() }
            j = i
        }
        return inside
    }

    /// Even-odd over all rings of a polygon (outer and holes together).
    static func contains(_ p: GeoXY, rings: [[GeoXY]]) -> Bool {
        var inside = false
        for r in rings where parity(p, r) { inside.toggle() }
        return inside
    }

    /// Distance from p to segment a–b.
    static func distance(_ p: GeoXY, _ a: GeoXY, _ b: GeoXY) -> Double {
        let dx = b.x - a.x, dy = b.y - a.y
        let len2 = dx * dx + dy * dy
        var t = len2 > 0 ? ((p.x - a.x) * dx + (p.y - a.y) * dy) / len2 : 0
        t = Swift.min(1, Swift.max(0, t))
        return hypot(p.x - (a.x + t * dx), p.y - (a.y + t * dy))
    }

    /// The closest point to p on segment a–b.
    static func closest(_ p: GeoXY, _ a: GeoXY, _ b: GeoXY) -> GeoXY {
        let dx = b.x - a.x, dy = b.y - a.y
        let len2 = dx * dx + dy * dy
        let t = len2 > 0 ? Swift.min(1, Swift.max(0, ((p.x - a.x) * dx + (p.y - a.y) * dy) / len2)) : 0
        return GeoXY(x: a.x + t * dx, y: a.y + t * dy)
    }

    /// Distance from p to the nearest edge of any ring.
    static func boundaryDistance(_ p: GeoXY, rings: [[GeoXY]]) -> Double {
        var best = Double.infinity
        for r in rings where r.count >= 2 {
            var j = r.count - 1
            for i in 0..<r.count {
                best = Swift.min(best, distance(p, r[j], r[i]))
                j = i
            }
        }
        return best
    }

    @inline(__always)
    static func orient(_ a: GeoXY, _ b: GeoXY, _ c: GeoXY) -> Double {
        (b.x - a.x) * (c.y - a.y) - (b.y - a.y) * (c.x - a.x)
    }

    /// Segments p1–p2 and q1–q2 share at least one point (crossing, touching or overlapping).
    static func segmentsIntersect(_ p1: GeoXY, _ p2: GeoXY, _ q1: GeoXY, _ q2: GeoXY) -> Bool {
        let d1 = orient(q1, q2, p1), d2 = orient(q1, q2, p2)
        let d3 = orient(p1, p2, q1), d4 = orient(p1, p2, q2)
        if ((d1 > 0 && d2 < 0) || (d1 < 0 && d2 > 0)) && ((d3 > 0 && d4 < 0) || (d3 < 0 && d4 > 0)) { return true }
        func onSegment(_ a: GeoXY, _ b: GeoXY, _ c: GeoXY) -> Bool {
            Swift.min(a.x, b.x) <= c.x && c.x <= Swift.max(a.x, b.x) && Swift.min(a.y, b.y) <= c.y && c.y <= Swift.max(a.y, b.y)
        }
        if d1 == 0 && onSegment(q1, q2, p1) { return true }
        if d2 == 0 && onSegment(q1, q2, p2) { return true }
        if d3 == 0 && onSegment(p1, p2, q1) { return true }
        if d4 == 0 && onSegment(p1, p2, q2) { return true }
        return false
    }

    /// Consecutive duplicates (and a closing repeat) removed.
    static func dedupe(_ r: [GeoXY], epsilon: Double = 0) -> [GeoXY] {
        var out: [GeoXY] = []
        out.reserveCapacity(r.count)
        for p in r {
            if let last = out.last, abs(last.x - p.x) <= epsilon, abs(last.y - p.y) <= epsilon { continue }
            out.append(p)
        }
        while out.count > 1, let f = out.first, let l = out.last, abs(f.x - l.x) <= epsilon, abs(f.y - l.y) <= epsilon {
            out.removeLast()
        }
        return out
    }
}
