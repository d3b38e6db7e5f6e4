import Vapor
import PinganKit

/// A layer answer: a GeoJSON FeatureCollection in WGS-84 (RFC 7946), with how many records matched in all and whether
/// the list was cut.
struct MapFeatureCollection: Content {
    var type = "FeatureCollection"
    var layer: String
    var zoom: Int
    /// Records matching the filters in view (a cluster counts all its records).
    var total: Int
    var truncated: Bool
    var features: [MapFeature]
}

struct MapFeature: Codable, Sendable {
    var type = "Feature"
    var geometry: MapGeometry
    var properties: MapProperties
}

struct MapProperties: Codable, Sendable {
    var id: Int?
    var title: String?
    var subtitle: String?
    var url: String?
    var color: String?
    var label: String?
    var synthetic: Bool?
    var rank: Int?
    var cluster: Bool?
    var count: Int?
    var kind: String?
}

/// Point or MultiPolygon, encoded as GeoJSON geometry.
enum MapGeometry: Codable, Sendable {
    case point(GeoPoint)
    case multiPolygon(GeoMultiPolygon)

    private enum Keys: String, CodingKey { case type, coordinates }
    static func round(_ v: Double) -> Double { (v * 1e6).rounded() / 1e6 }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: Keys.self)
        switch self {
        case .point(let p):
            try c.encode("Point", forKey: .type)
            try c.encode([Self.round(p.lon), Self.round(p.lat)], forKey: .coordinates)
        case .multiPolygon(let mp):
            try c.encode("MultiPolygon", forKey: .type)
            try c.encode(mp.polygons.map { $0.rings.map { $0.points.map { [Self.round($0.lon), Self.round($0.lat)] } } }, forKey: .coordinates)
        }
    }

    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: Keys.self)
        switch try c.decode(String.self, forKey: .type) {
        case "Point":
            let xy = try c.decode([Double].self, forKey: .coordinates)
            guard xy.count >= 2 else { throw DecodingError.dataCorruptedError(forKey: .coordinates, in: c, debugDescription: "point") }
            self = .point(GeoPoint(lon: xy[0], lat: xy[1]))
        default:
            let polys = try c.decode([[[[Double]]]].self, forKey: .coordinates)
            self = .multiPolygon(GeoMultiPolygon(polys.map { rings in
                GeoPolygon(outer: rings.first.map { GeoRing($0.map { GeoPoint(lon: $0[0], lat: $0[1]) }) } ?? GeoRing([]),
                           holes: rings.dropFirst().map { GeoRing($0.map { GeoPoint(lon: $0[0], lat: $0[1]) }) })
            }))
        }
    }
}

/// What every layer request carries: the view (bbox, zoom) and, for a tile service in GCJ-02, nothing — the browser
/// shifts drawn coordinates itself; the API always speaks WGS-84.
struct MapView: Sendable {
    var bbox: GeoBBox?
    var zoom: Int

    /// Reads `bbox=minLon,minLat,maxLon,maxLat` and `zoom` (0–20, default 12); bad values are field errors.
    init(_ req: Request) throws {
        var e = FieldErrors()
        let L = req.lang
        zoom = 12
        if let z = req.query[String.self, at: "zoom"]?.nilIfEmpty {
            if let n = Int(z), (0...22).contains(n) { zoom = n } else { e["zoom"] = L.t("缩放级别应为 0–22", "zoom must be 0–22") }
        }
        if let b = req.query[String.self, at: "bbox"]?.nilIfEmpty {
            let v = b.split(separator: ",").compactMap { Double($0.trimmingCharacters(in: .whitespaces)) }
            if v.count == 4, v.allSatisfy(\.isFinite), v[0] < v[2], v[1] < v[3], (-180...180).contains(v[0]), (-180...180).contains(v[2]),
               (-90...90).contains(v[1]), (-90...90).contains(v[3]) {
                bbox = GeoBBox(minLon: v[0], minLat: v[1], maxLon: v[2], maxLat: v[3])
            } else { e["bbox"] = L.t("范围应为 最小经度,最小纬度,最大经度,最大纬度", "bbox must be minLon,minLat,maxLon,maxLat") }
        }
        guard e.isEmpty else { throw e }
    }

    init(bbox: GeoBBox?, zoom: Int) { self.bbox = bbox; self.zoom = zoom }

    /// Points closer than this many degrees of longitude fall in one cluster (about 60 px on screen).
    var clusterCellDegrees: Double { 60 * 360 / (256 * pow(2, Double(zoom))) }
    /// From this zoom on, records are shown one by one.
    static let pointsFromZoom = 16
    /// Below this zoom a layer that can clusters by community (a district or a street on screen); from it, by lattice cell.
    static let cellsFromZoom = 13
    static let maxPoints = 3000
}
