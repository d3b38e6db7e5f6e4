import Foundation

/// One thing wrong with an uploaded boundary. `message` is bilingual (Chinese / English) and names the
/// polygon and ring, so an admin can find it in their GIS tool.
public struct GeoProblem: Hashable, Sendable, CustomStringConvertible {
    public enum Kind: String, Hashable, Sendable {
        case parse, empty, outOfRange, tooFewPositions, ringNotClosed, degenerate, selfIntersection, outsideParent
    }
    public let kind: Kind
    /// 0-based polygon index in the MultiPolygon (nil for whole-shape problems).
    public let polygon: Int?
    /// 0 = outer ring, 1… = holes (nil for polygon- or shape-level problems).
    public let ring: Int?
    public let message: String

    public init(kind: Kind, polygon: Int? = nil, ring: Int? = nil, message: String) {
        self.kind = kind; self.polygon = polygon; self.ring = ring; self.message = message
    }

    public var description: String { message }
}

/// Checks for boundaries admins upload (issue 18): closed rings, enough positions, coordinates in range,
/// area > 0, no self-intersecting ring, and inside the parent division.
public enum GeoValidation {
    /// Share of a child's area allowed outside its parent: outlines traced by hand or from another
    /// source never match the parent's edge exactly.
    public static let defaultTolerance = 0.02
    /// Rings with more vertices skip the self-intersection test (reported as fine, never a false alarm).
    public static let selfIntersectionVertexLimit = 5_000
    /// Below this (m²) a ring or polygon counts as degenerate.
    public static let minimumArea = 1.0

    /// Parses GeoJSON text (see `GeoJSON.parseMultiPolygon`) and validates it; parse errors come back as
    /// one `.parse` problem.
    public static func problems(geoJSON text: String, inside parent: GeoMultiPolygon? = nil,
                                tolerance: Double = defaultTolerance) -> (shape: GeoMultiPolygon?, problems: [GeoProblem]) {
        do {
            let mp = try GeoJSON.parseMultiPolygon(text)
            return (mp, problems(mp, inside: parent, tolerance: tolerance))
        } catch {
            return (nil, [GeoProblem(kind: .parse, message: error.message)])
        }
    }

    /// Every problem found (empty when the shape is fine). The parent check runs only on a shape with no
    /// other problem; a child counts as inside when at least (1 − tolerance) of its area is inside the
    /// parent, measured by strip integration (`GeoOverlap`).
    public static func problems(_ mp: GeoMultiPolygon, inside parent: GeoMultiPolygon? = nil,
                                tolerance: Double = defaultTolerance) -> [GeoProblem] {
        guard !mp.isEmpty else {
            return [GeoProblem(kind: .empty, message: "边界为空 / Boundary has no polygons")]
        }
        var out: [GeoProblem] = []
        for (pi, poly) in mp.polygons.enumerated() {
            var ringsOK = true
            for (ri, ring) in poly.rings.enumerated() {
                let found = ringProblems(ring, polygon: pi, ring: ri, multi: mp.polygons.count > 1)
                if !found.isEmpty { ringsOK = false; out += found }
            }
            if ringsOK && planarArea(poly.outer) - poly.holes.reduce(0, { $0 + planarArea($1) }) < minimumArea {
                let (zh, en) = place(pi, nil, mp.polygons.count > 1)
                out.append(GeoProblem(kind: .degenerate, polygon: pi,
                                      message: "\(zh)面积为零或被内环抵消 / \(en)area is zero or cancelled by its holes"))
            }
        }
        if out.isEmpty, let parent, parent.area > 0, let f = GeoOverlap.insideFraction(mp, of: parent), 1 - f > tolerance {
            let pct = GeoJSON.format((1 - f) * 100, decimals: 1), allowed = GeoJSON.format(tolerance * 100, decimals: 1)
            out.append(GeoProblem(kind: .outsideParent,
                                  message: "有 \(pct)% 的面积在上级辖区之外（允许 \(allowed)%）/ \(pct)% of the area lies outside the parent division (\(allowed)% allowed)"))
        }
        return out
    }

    private static func ringProblems(_ ring: GeoRing, polygon pi: Int, ring ri: Int, multi: Bool) -> [GeoProblem] {
        let (zh, en) = place(pi, ri, multi)
        func problem(_ k: GeoProblem.Kind, _ z: String, _ e: String) -> GeoProblem {
            GeoProblem(kind: k, polygon: pi, ring: ri, message: zh + z + " / " + en + e)
        }
        if let bad = ring.points.first(where: { !$0.isValid }) {
            return [problem(.outOfRange, "坐标超出范围：\(bad)（经度 ±180，纬度 ±90）",
                            "position out of range: \(bad) (longitude ±180, latitude ±90)")]
        }
        var out: [GeoProblem] = []
        if ring.points.count < 4 {
            out.append(problem(.tooFewPositions, "至少需要 4 个点（实际 \(ring.points.count) 个）",
                               "needs at least 4 positions (has \(ring.points.count))"))
        }
        if !ring.isClosed {
            out.append(problem(.ringNotClosed, "环未闭合（首尾点应相同）", "ring is not closed (first and last positions must match)"))
        }
        guard out.isEmpty else { return out }
        if let at = selfIntersection(ring) {
            let loc = "\(GeoJSON.format(at.lon)), \(GeoJSON.format(at.lat))"
            return [problem(.selfIntersection, "自相交（约在 \(loc) 附近）", "crosses itself (near \(loc))")]
        }
        if planarArea(ring) < minimumArea {
            return [problem(.degenerate, "面积为零（点共线或重合）", "has zero area (positions collinear or repeated)")]
        }
        return []
    }

    /// Area (m²) with straight edges in longitude/latitude, as RFC 7946 draws them: the test for
    /// "degenerate" must see collinear positions as zero, which the spherical formula does not quite.
    static func planarArea(_ ring: GeoRing) -> Double {
        guard let b = ring.bbox else { return 0 }
        let frame = GeoLocalFrame(origin: b.center)
        return abs(GeoPlanar.signedArea(frame.project(ring)))
    }

    /// "第 2 个多边形的第 1 个内环：" / "polygon 2, hole 1: " (1-based for people; the polygon named only in a MultiPolygon).
    private static func place(_ pi: Int, _ ri: Int?, _ multi: Bool) -> (String, String) {
        var zh = multi ? "第 \(pi + 1) 个多边形" : ""
        var en = multi ? "polygon \(pi + 1)" : ""
        if let ri {
            let zr = ri == 0 ? "外环" : "第 \(ri) 个内环", er = ri == 0 ? "outer ring" : "hole \(ri)"
            zh += (multi ? "的" : "") + zr
            en += (multi ? ", " : "") + er
        }
        if zh.isEmpty { zh = "多边形"; en = "polygon" }
        return (zh + "：", en.prefix(1).uppercased() + en.dropFirst() + ": ")
    }

    /// A vertex near the first crossing of two non-adjacent edges, or nil. Sweep over edges sorted by
    /// west end, so only edges whose x-ranges overlap are compared (worst case still O(n²)); consecutive
    /// duplicate positions are ignored. Rings over `selfIntersectionVertexLimit` vertices are not tested.
    static func selfIntersection(_ ring: GeoRing) -> GeoPoint? {
        let v = GeoPlanar.dedupe(ring.points.map { GeoXY(x: $0.lon, y: $0.lat) })
        let n = v.count
        guard n >= 4, n <= selfIntersectionVertexLimit else { return nil }
        let order = (0..<n).sorted { Swift.min(v[$0].x, v[($0 + 1) % n].x) < Swift.min(v[$1].x, v[($1 + 1) % n].x) }
        for (k, i) in order.enumerated() {
            let a = v[i], b = v[(i + 1) % n]
            let maxX = Swift.max(a.x, b.x), minY = Swift.min(a.y, b.y), maxY = Swift.max(a.y, b.y)
            for j in order[(k + 1)...] {
                let c = v[j], d = v[(j + 1) % n]
                if Swift.min(c.x, d.x) > maxX { break }
                let gap = abs(i - j)
                if gap == 1 || gap == n - 1 { continue }
                if Swift.max(c.y, d.y) < minY || Swift.min(c.y, d.y) > maxY { continue }
                if GeoPlanar.segmentsIntersect(a, b, c, d) { return GeoPoint(lon: (a.x + b.x) / 2, lat: (a.y + b.y) / 2) }
            }
        }
        return nil
    }
}
