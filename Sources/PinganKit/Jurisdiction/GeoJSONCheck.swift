import Foundation

/// Checks a boundary is a GeoJSON Polygon or MultiPolygon (a bare geometry or wrapped in a Feature)
/// with closed rings of valid WGS84 positions. Returns a bilingual message, or nil when fine.
public enum GeoJSONCheck {
    public static func polygonProblem(_ text: String) -> String? {
        guard text.utf8.count <= 2_000_000 else { return "边界数据过大（上限 2 MB）/ Boundary too large (2 MB max)" }
        guard let obj = try? JSONSerialization.jsonObject(with: Data(text.utf8)), var dict = obj as? [String: Any] else {
            return "不是有效的 JSON / Not valid JSON"
        }
        if dict["type"] as? String == "Feature" {
            guard let g = dict["geometry"] as? [String: Any] else { return "Feature 缺少 geometry / Feature has no geometry" }
            dict = g
        }
        let type = dict["type"] as? String
        let coords = dict["coordinates"]
        switch type {
        case "Polygon":
            guard let rings = coords as? [Any] else { return "Polygon 缺少坐标 / Polygon has no coordinates" }
            return ringsProblem(rings)
        case "MultiPolygon":
            guard let polys = coords as? [Any], !polys.isEmpty else { return "MultiPolygon 缺少坐标 / MultiPolygon has no coordinates" }
            for p in polys { guard let rings = p as? [Any] else { return "坐标格式错误 / Malformed coordinates" }; if let m = ringsProblem(rings) { return m } }
            return nil
        default:
            return "应为 Polygon 或 MultiPolygon / Must be a Polygon or MultiPolygon"
        }
    }

    static func ringsProblem(_ rings: [Any]) -> String? {
        guard !rings.isEmpty else { return "多边形没有环 / Polygon has no rings" }
        for r in rings {
            guard let ring = r as? [Any], ring.count >= 4 else { return "每个环至少需要 4 个点 / Each ring needs at least 4 positions" }
            var pts: [(Double, Double)] = []
            for p in ring {
                guard let pos = p as? [Any], pos.count >= 2, let lon = (pos[0] as? NSNumber)?.doubleValue, let lat = (pos[1] as? NSNumber)?.doubleValue else {
                    return "坐标应为 [经度, 纬度] / Positions must be [longitude, latitude]"
                }
                guard (-180...180).contains(lon), (-90...90).contains(lat) else { return "坐标超出范围 / Position out of range" }
                pts.append((lon, lat))
            }
            guard pts.first! == pts.last! else { return "环未闭合（首尾点应相同）/ Ring is not closed (first and last positions must match)" }
        }
        return nil
    }
}
