import Foundation

/// Distances and areas on the sphere.
public enum GeoMeasure {
    /// IUGG mean Earth radius (m): the sphere that haversine and the area formula below assume.
    public static let earthRadius = 6_371_008.8
    public static let metresPerDegree = earthRadius * .pi / 180

    /// Great-circle distance in metres (haversine; within 0.5 % of the ellipsoidal distance).
    public static func distance(_ a: GeoPoint, _ b: GeoPoint) -> Double {
        let r = Double.pi / 180
        let dLat = (b.lat - a.lat) * r, dLon = (b.lon - a.lon) * r
        let h = sin(dLat / 2) * sin(dLat / 2) + cos(a.lat * r) * cos(b.lat * r) * sin(dLon / 2) * sin(dLon / 2)
        return 2 * earthRadius * asin(Swift.min(1, h.squareRoot()))
    }

    /// Signed spherical area of a ring in m², positive when counter-clockwise: the line-integral formula of
    /// Chamberlain & Duquette (2007) that Turf and OpenLayers use. It is exact for edges straight in the
    /// cylindrical equal-area projection (so for cells bounded by meridians and parallels); for
    /// district-sized rings the edge interpretation does not matter. The sphere itself reads about 0.25 %
    /// larger than the WGS-84 ellipsoid at Guangzhou's latitude (0.45 % at the equator).
    public static func signedArea(_ ring: GeoRing) -> Double {
        let v = ring.vertices
        guard v.count >= 3 else { return 0 }
        let r = Double.pi / 180
        var s = 0.0
        var prev = v[v.index(before: v.endIndex)]
        for p in v {
            s += (p.lon - prev.lon) * r * (2 + sin(prev.lat * r) + sin(p.lat * r))
            prev = p
        }
        return -s * earthRadius * earthRadius / 2
    }
}

extension GeoRing {
    /// Spherical area in m², whatever the orientation.
    public var area: Double { abs(GeoMeasure.signedArea(self)) }
    public var isCounterClockwise: Bool { GeoMeasure.signedArea(self) > 0 }
}

extension GeoPolygon {
    /// Outer area minus the holes' areas, m². Zero or negative means degenerate (validation says so).
    public var area: Double { outer.area - holes.reduce(0) { $0 + $1.area } }

    /// RFC 7946 orientation: outer ring counter-clockwise, holes clockwise; rings closed.
    public func normalized() -> GeoPolygon {
        func oriented(_ r: GeoRing, ccw: Bool) -> GeoRing {
            let c = r.closed()
            return c.isCounterClockwise == ccw ? c : GeoRing(c.points.reversed())
        }
        return GeoPolygon(outer: oriented(outer, ccw: true), holes: holes.map { oriented($0, ccw: false) })
    }

    /// Point-in-polygon, even-odd over the outer ring and the holes. Points on the boundary follow the
    /// lower-left rule (see `GeoPlanar.crosses`): the west and south edges belong to the polygon.
    /// O(vertices); use `GeoIndex` for many lookups.
    public func contains(_ p: GeoPoint) -> Bool {
        var inside = GeoPlanar.parity(p, outer.points)
        for h in holes where GeoPlanar.parity(p, h.points) { inside.toggle() }
        return inside
    }

    /// Area-weighted centroid (holes subtracted). It can fall outside a concave polygon: use
    /// `interiorPoint()` for a label or a pin that must be inside. Nil for a degenerate polygon.
    public var centroid: GeoPoint? {
        guard let b = bbox else { return nil }
        let frame = GeoLocalFrame(origin: b.center)
        guard let (c, a) = GeoCentroid.weighted(frame.project(self)), a > 0 else { return nil }
        return frame.unproject(c)
    }

    /// A point always strictly inside (for labels and pins): a light "pole of inaccessibility". The
    /// candidates are the centroid (when inside) and the midpoints of the widest inside stretch on 17
    /// horizontal scan lines; the one farthest from the boundary wins. Nil only for a degenerate polygon.
    public func interiorPoint() -> GeoPoint? {
        guard let b = bbox else { return nil }
        let frame = GeoLocalFrame(origin: b.center)
        let rings = frame.project(self)
        var candidates: [GeoXY] = []
        if let c = centroid.map(frame.project), GeoPlanar.contains(c, rings: rings) { candidates.append(c) }
        let lo = frame.project(GeoPoint(lon: b.minLon, lat: b.minLat)).y
        let hi = frame.project(GeoPoint(lon: b.maxLon, lat: b.maxLat)).y
        var ys = (1...16).map { lo + (hi - lo) * Double($0) / 17 }
        if let c = candidates.first { ys.append(c.y) }
        for y in ys {
            let spans = GeoCentroid.insideSpans(y: y, rings: rings)
            if let w = spans.max(by: { ($0.1 - $0.0) < ($1.1 - $1.0) }), w.1 > w.0 {
                candidates.append(GeoXY(x: (w.0 + w.1) / 2, y: y))
            }
        }
        let best = candidates.max { GeoPlanar.boundaryDistance($0, rings: rings) < GeoPlanar.boundaryDistance($1, rings: rings) }
        return best.map(frame.unproject)
    }
}

extension GeoMultiPolygon {
    public var area: Double { polygons.reduce(0) { $0 + $1.area } }

    /// Inside any of the polygons (same boundary rule as `GeoPolygon.contains`).
    public func contains(_ p: GeoPoint) -> Bool { polygons.contains { $0.contains(p) } }

    /// Area-weighted centroid of all polygons; may fall outside (see `interiorPoint()`).
    public var centroid: GeoPoint? {
        guard let b = bbox else { return nil }
        let frame = GeoLocalFrame(origin: b.center)
        var sx = 0.0, sy = 0.0, sa = 0.0
        for p in polygons {
            guard let (c, a) = GeoCentroid.weighted(frame.project(p)), a > 0 else { continue }
            sx += c.x * a; sy += c.y * a; sa += a
        }
        return sa > 0 ? frame.unproject(GeoXY(x: sx / sa, y: sy / sa)) : nil
    }

    /// An inside point of the largest polygon.
    public func interiorPoint() -> GeoPoint? {
        polygons.max { $0.area < $1.area }?.interiorPoint()
    }

    /// Every polygon normalized (outer counter-clockwise, holes clockwise).
    public func normalized() -> GeoMultiPolygon { GeoMultiPolygon(polygons.map { $0.normalized() }) }
}

/// Planar centroid and scan-line helpers.
enum GeoCentroid {
    /// Centroid and area (outer minus holes) of projected rings; nil when no ring has area.
    static func weighted(_ rings: [[GeoXY]]) -> (GeoXY, Double)? {
        var sx = 0.0, sy = 0.0, sa = 0.0
        for (k, r) in rings.enumerated() where r.count >= 3 {
            var a = 0.0, cx = 0.0, cy = 0.0
            var j = r.count - 1
            for i in 0..<r.count {
                let cross = r[j].x * r[i].y - r[i].x * r[j].y
                a += cross; cx += (r[j].x + r[i].x) * cross; cy += (r[j].y + r[i].y) * cross
                j = i
            }
            guard a != 0 else { continue }
            let c = GeoXY(x: cx / (3 * a), y: cy / (3 * a))
            let w = abs(a / 2) * (k == 0 ? 1 : -1)
            sx += c.x * w; sy += c.y * w; sa += w
        }
        return sa != 0 ? (GeoXY(x: sx / sa, y: sy / sa), sa) : nil
    }

    /// The stretches of the horizontal line at `y` inside the rings (even-odd), sorted, as (x0, x1).
    static func insideSpans(y: Double, rings: [[GeoXY]]) -> [(Double, Double)] {
        var xs: [Double] = []
        for r in rings where r.count >= 3 {
            var j = r.count - 1
            for i in 0..<r.count {
                let a = r[j], b = r[i]
                let lowerFirst = a.y < b.y || (a.y == b.y && a.x <= b.x)
                let p = lowerFirst ? a : b, q = lowerFirst ? b : a
                if p.y <= y && y < q.y { xs.append(p.x + (y - p.y) * (q.x - p.x) / (q.y - p.y)) }
                j = i
            }
        }
        xs.sort()
        return stride(from: 0, to: xs.count - 1, by: 2).map { (xs[$0], xs[$0 + 1]) }
    }
}
