import Foundation

/// Why a text is not a usable boundary. `message` is bilingual (Chinese / English) like `GeoJSONCheck`'s,
/// so the server can show it next to the upload field as is.
public enum GeoJSONError: Error, Hashable, Sendable {
    case tooLarge(bytes: Int, limit: Int)
    case notJSON
    case notAnObject
    /// The `type` found (nil when missing) is not Polygon, MultiPolygon, Feature or FeatureCollection.
    case wrongType(String?)
    case featureWithoutGeometry
    /// A FeatureCollection must hold exactly one feature; this many were found.
    case featureCollectionCount(Int)
    case missingCoordinates
    /// The nesting of arrays does not match the geometry type.
    case malformedCoordinates
    /// A position is not an array of at least two numbers.
    case malformedPosition
    case polygonWithoutRings

    public var message: String {
        switch self {
        case let .tooLarge(bytes, limit):
            return "边界数据过大（\(bytes) 字节，上限 \(limit)）/ Boundary too large (\(bytes) bytes, limit \(limit))"
        case .notJSON: return "不是有效的 JSON / Not valid JSON"
        case .notAnObject: return "应为 GeoJSON 对象 / Must be a GeoJSON object"
        case let .wrongType(t):
            return "类型应为 Polygon 或 MultiPolygon（可包在 Feature 中），实际为 \(t ?? "无") / Must be a Polygon or MultiPolygon (optionally in a Feature), got \(t ?? "none")"
        case .featureWithoutGeometry: return "Feature 缺少 geometry / Feature has no geometry"
        case let .featureCollectionCount(n):
            return "FeatureCollection 应只含 1 个要素，实际 \(n) 个 / FeatureCollection must hold exactly 1 feature, found \(n)"
        case .missingCoordinates: return "缺少 coordinates / Geometry has no coordinates"
        case .malformedCoordinates: return "坐标嵌套层次错误 / Coordinates are nested wrongly for the geometry type"
        case .malformedPosition: return "坐标应为 [经度, 纬度] 数字 / Positions must be [longitude, latitude] numbers"
        case .polygonWithoutRings: return "多边形没有环 / Polygon has no rings"
        }
    }
}

/// Reading and writing the GeoJSON geometries the map uses (RFC 7946 Polygon and MultiPolygon).
public enum GeoJSON {
    /// Upload limit, the same as `GeoJSONCheck`'s.
    public static let maxBytes = 2_000_000

    /// Parses a Polygon or MultiPolygon — bare, in a Feature, or in a one-feature FeatureCollection.
    /// Rings are kept exactly as given (an unclosed ring stays unclosed for `GeoValidation` to report);
    /// a third coordinate (altitude) is ignored.
    public static func parseMultiPolygon(_ text: String) throws(GeoJSONError) -> GeoMultiPolygon {
        try parseMultiPolygon(data: Data(text.utf8))
    }

    public static func parseMultiPolygon(data: Data) throws(GeoJSONError) -> GeoMultiPolygon {
        guard data.count <= maxBytes else { throw .tooLarge(bytes: data.count, limit: maxBytes) }
        guard let obj = try? JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed]) else { throw .notJSON }
        guard var dict = obj as? [String: Any] else { throw .notAnObject }
        if dict["type"] as? String == "FeatureCollection" {
            let features = dict["features"] as? [Any] ?? []
            guard features.count == 1, let f = features[0] as? [String: Any] else { throw .featureCollectionCount(features.count) }
            dict = f
        }
        if dict["type"] as? String == "Feature" {
            guard let g = dict["geometry"] as? [String: Any] else { throw .featureWithoutGeometry }
            dict = g
        }
        let type = dict["type"] as? String
        guard type == "Polygon" || type == "MultiPolygon" else { throw .wrongType(type) }
        guard let coords = dict["coordinates"] else { throw .missingCoordinates }
        guard let arr = coords as? [Any] else { throw .malformedCoordinates }
        if type == "Polygon" { return GeoMultiPolygon([try polygon(arr)]) }
        var polys: [GeoPolygon] = []
        for p in arr {
            guard let rings = p as? [Any] else { throw .malformedCoordinates }
            polys.append(try polygon(rings))
        }
        return GeoMultiPolygon(polys)
    }

    private static func polygon(_ rings: [Any]) throws(GeoJSONError) -> GeoPolygon {
        guard !rings.isEmpty else { throw .polygonWithoutRings }
        var out: [GeoRing] = []
        for r in rings {
            guard let positions = r as? [Any] else { throw .malformedCoordinates }
            var pts: [GeoPoint] = []
            pts.reserveCapacity(positions.count)
            for p in positions {
                guard let pos = p as? [Any] else { throw positions.first is [Any] ? .malformedPosition : .malformedCoordinates }
                guard pos.count >= 2, let lon = number(pos[0]), let lat = number(pos[1]) else { throw .malformedPosition }
                pts.append(GeoPoint(lon: lon, lat: lat))
            }
            out.append(GeoRing(pts))
        }
        return GeoPolygon(outer: out[0], holes: Array(out.dropFirst()))
    }

    /// A JSON number as Double; JSON booleans (which Foundation may hand over as NSNumber) are refused.
    private static func number(_ any: Any) -> Double? {
        guard let n = any as? NSNumber, String(cString: n.objCType) != "c" else { return nil }   // "c": a boxed Bool
        return n.doubleValue
    }

    // MARK: Writing

    /// Compact GeoJSON text of a MultiPolygon geometry (rings closed, coordinates rounded to `decimals`
    /// places: 6 ≈ 0.1 m, enough for boundaries; 5 ≈ 1 m for low-zoom layers).
    public static func encode(_ mp: GeoMultiPolygon, decimals: Int = 6) -> String {
        var s = "{\"type\":\"MultiPolygon\",\"coordinates\":["
        for (i, p) in mp.polygons.enumerated() {
            if i > 0 { s += "," }
            appendRings(p, decimals: decimals, to: &s)
        }
        return s + "]}"
    }

    /// Compact GeoJSON text of a Polygon geometry.
    public static func encode(_ polygon: GeoPolygon, decimals: Int = 6) -> String {
        var s = "{\"type\":\"Polygon\",\"coordinates\":"
        appendRings(polygon, decimals: decimals, to: &s)
        return s + "}"
    }

    private static func appendRings(_ p: GeoPolygon, decimals: Int, to s: inout String) {
        s += "["
        for (k, ring) in p.rings.enumerated() {
            if k > 0 { s += "," }
            s += "["
            for (i, pt) in ring.closed().points.enumerated() {
                if i > 0 { s += "," }
                s += "[" + format(pt.lon, decimals: decimals) + "," + format(pt.lat, decimals: decimals) + "]"
            }
            s += "]"
        }
        s += "]"
    }

    /// Shortest decimal text of `v` rounded to `decimals` places (0…12): no exponent, no trailing zeros,
    /// no "-0". Done with integers so the output is the same on every platform.
    public static func format(_ v: Double, decimals: Int = 6) -> String {
        let d = Swift.min(12, Swift.max(0, decimals))
        guard v.isFinite else { return "0" }
        var scale: UInt64 = 1
        for _ in 0..<d { scale *= 10 }
        let scaled = (abs(v) * Double(scale)).rounded()
        guard scaled < 9e15 else { return String(v) }
        let n = UInt64(scaled)
        var s = (v < 0 && n != 0 ? "-" : "") + String(n / scale)
        let frac = n % scale
        if frac != 0 {
            var f = String(frac)
            f = String(repeating: "0", count: d - f.count) + f
            while f.last == "0" { f.removeLast() }
            s += "." + f
        }
        return s
    }
}
