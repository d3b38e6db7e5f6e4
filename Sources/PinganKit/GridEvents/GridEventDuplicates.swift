import Foundation

/// Possible duplicates shown before a report is filed: same category, within 50 m (great-circle distance),
/// reported within 24 h of each other (either way). Coordinates in one datum (the map's GCJ-02 or WGS-84,
/// as long as both points use the same one: the offset between them is locally almost constant).
public struct GridEventPoint: Codable, Equatable, Sendable {
    public var id: String
    public var categoryCode: String
    public var latitude: Double
    public var longitude: Double
    public var reportedAt: Date
    public init(id: String, categoryCode: String, latitude: Double, longitude: Double, reportedAt: Date) {
        self.id = id; self.categoryCode = categoryCode; self.latitude = latitude; self.longitude = longitude; self.reportedAt = reportedAt
    }
}

public struct GridEventDuplicate: Codable, Equatable, Sendable {
    public var id: String
    public var distanceMetres: Double
    /// Signed: the candidate's report time minus the new report's.
    public var secondsApart: Double
}

public enum GridEventDuplicates {
    public static let radiusMetres = 50.0
    public static let window: TimeInterval = 24 * 3600
    /// Mean Earth radius (IUGG), as HotspotGrid and ForecastGrid use.
    public static let earthRadius = 6_371_008.8

    /// Haversine distance in metres.
    public static func distanceMetres(latitude lat1: Double, longitude lon1: Double, latitude lat2: Double, longitude lon2: Double) -> Double {
        let r = Double.pi / 180
        let dLat = (lat2 - lat1) * r, dLon = (lon2 - lon1) * r
        let a = sin(dLat / 2) * sin(dLat / 2) + cos(lat1 * r) * cos(lat2 * r) * sin(dLon / 2) * sin(dLon / 2)
        return 2 * earthRadius * asin(min(1, sqrt(a)))
    }

    /// Candidates of the same category within `radius` metres and `window` seconds (both inclusive),
    /// nearest first (then the closest in time, then id). The new report itself (same id) is skipped.
    public static func suggestions(for report: GridEventPoint, among candidates: [GridEventPoint],
                                   radius: Double = radiusMetres, window: TimeInterval = window) -> [GridEventDuplicate] {
        var out: [GridEventDuplicate] = []
        for c in candidates where c.id != report.id && c.categoryCode == report.categoryCode {
            let dt = c.reportedAt.timeIntervalSince(report.reportedAt)
            guard abs(dt) <= window else { continue }
            let d = distanceMetres(latitude: report.latitude, longitude: report.longitude, latitude: c.latitude, longitude: c.longitude)
            guard d <= radius else { continue }
            out.append(GridEventDuplicate(id: c.id, distanceMetres: d, secondsApart: dt))
        }
        return out.sorted { ($0.distanceMetres, abs($0.secondsApart), $0.id) < ($1.distanceMetres, abs($1.secondsApart), $1.id) }
    }
}
