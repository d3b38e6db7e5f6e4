import Foundation

/// Real outlines of Guangzhou (440100) and its 11 districts, embedded from `Jurisdiction/Outlines` (see its SOURCE.md).
/// The source is in GCJ-02; Pingan stores WGS-84, so `wgs84(_:)` converts with `GeoDatum`.
public enum GuangzhouOutlines {
    private static let files: [String: [UInt8]] = ["440100": PackageResources.outline_440100_geojson, "440103": PackageResources.outline_440103_geojson, "440104": PackageResources.outline_440104_geojson, "440105": PackageResources.outline_440105_geojson, "440106": PackageResources.outline_440106_geojson, "440111": PackageResources.outline_440111_geojson, "440112": PackageResources.outline_440112_geojson, "440113": PackageResources.outline_440113_geojson, "440114": PackageResources.outline_440114_geojson, "440115": PackageResources.outline_440115_geojson, "440117": PackageResources.outline_440117_geojson, "440118": PackageResources.outline_440118_geojson]

    public static var codes: [String] { files.keys.sorted() }

    /// The file as shipped (GCJ-02).
    public static func gcj02GeoJSON(_ code: String) -> String? { files[code].map { String(decoding: $0, as: UTF8.self) } }

    /// The outline in WGS-84, or nil for a code not shipped.
    public static func wgs84(_ code: String) -> GeoMultiPolygon? {
        guard let text = gcj02GeoJSON(code), let gcj = try? GeoJSON.parseMultiPolygon(text) else { return nil }
        return GeoDatum.gcj02ToWGS84(gcj)
    }
}
