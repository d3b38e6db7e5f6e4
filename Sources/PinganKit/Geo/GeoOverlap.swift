import Foundation

/// How much of one area lies inside another, for the "inside its parent" check of uploads.
///
/// Method: strip integration (a scan-line rasterisation that is exact along x). The child's extent, in a
/// local metre frame, is cut into `strips` horizontal strips; on each strip's centre line the stretches
/// inside the child and inside the parent are computed exactly from the edges (even-odd), intersected, and
/// their lengths × the strip height summed. No polygon clipping, so touching or shared edges (a synthetic
/// cell cut from its parent shares the parent's boundary) cause no trouble; the only error is the midpoint
/// rule across strips: for Panyu against itself moved 1 km, 2,000 strips agree with 20,000 to 1e-5.
public enum GeoOverlap {
    /// Default resolution: 2,000 strips.
    public static let defaultStrips = 2_000

    /// Area of `a` and of `a ∩ b` in m² (local equirectangular metres around `a`), by strip integration.
    public static func areas(of a: GeoMultiPolygon, intersecting b: GeoMultiPolygon, strips: Int = defaultStrips) -> (a: Double, intersection: Double) {
        guard let frame = GeoLocalFrame(around: a), let box = a.bbox, strips > 0 else { return (0, 0) }
        let y0 = frame.project(GeoPoint(lon: box.minLon, lat: box.minLat)).y
        let y1 = frame.project(GeoPoint(lon: box.maxLon, lat: box.maxLat)).y
        guard y1 > y0 else { return (0, 0) }
        let h = (y1 - y0) / Double(strips)
        var ra = crossings(rings(a, frame), y0: y0, h: h, strips: strips)
        var rb = crossings(rings(b, frame), y0: y0, h: h, strips: strips)
        var areaA = 0.0, inter = 0.0
        for k in 0..<strips {
            ra[k].sort(); rb[k].sort()
            areaA += length(ra[k]) * h
            inter += overlap(ra[k], rb[k]) * h
        }
        return (areaA, inter)
    }

    /// Share (0…1) of `child`'s area inside `parent`; nil when the child has no area.
    public static func insideFraction(_ child: GeoMultiPolygon, of parent: GeoMultiPolygon, strips: Int = defaultStrips) -> Double? {
        let r = areas(of: child, intersecting: parent, strips: strips)
        return r.a > 0 ? Swift.min(1, r.intersection / r.a) : nil
    }

    private static func rings(_ mp: GeoMultiPolygon, _ frame: GeoLocalFrame) -> [[GeoXY]] {
        mp.polygons.flatMap { frame.project($0) }
    }

    /// Per strip, the x where each edge crosses the strip's centre line (half-open in y, as `GeoPlanar.crosses`).
    private static func crossings(_ rings: [[GeoXY]], y0: Double, h: Double, strips: Int) -> [[Double]] {
        var out = [[Double]](repeating: [], count: strips)
        for r in rings where r.count >= 3 {
            var j = r.count - 1
            for i in 0..<r.count {
                let (p, q) = r[j].y <= r[i].y ? (r[j], r[i]) : (r[i], r[j])
                j = i
                guard q.y > p.y else { continue }
                var k = Swift.max(0, Int(((p.y - y0) / h - 0.5).rounded(.up)))
                while k < strips {
                    let y = y0 + (Double(k) + 0.5) * h
                    if y >= q.y { break }
                    if y >= p.y { out[k].append(p.x + (y - p.y) * (q.x - p.x) / (q.y - p.y)) }
                    k += 1
                }
            }
        }
        return out
    }

    /// Total length of the inside stretches: sorted crossings taken in pairs (even-odd).
    private static func length(_ xs: [Double]) -> Double {
        var sum = 0.0, i = 0
        while i + 1 < xs.count { sum += xs[i + 1] - xs[i]; i += 2 }
        return sum
    }

    /// Length of the intersection of two even-odd stretch lists given as sorted crossings.
    private static func overlap(_ a: [Double], _ b: [Double]) -> Double {
        var i = 0, j = 0, sum = 0.0
        while i + 1 < a.count && j + 1 < b.count {
            let lo = Swift.max(a[i], b[j]), hi = Swift.min(a[i + 1], b[j + 1])
            if hi > lo { sum += hi - lo }
            if a[i + 1] < b[j + 1] { i += 2 } else { j += 2 }
        }
        return sum
    }
}
