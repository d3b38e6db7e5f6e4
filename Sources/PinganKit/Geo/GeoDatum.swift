import Foundation

/// WGS-84 ↔ GCJ-02, China's offset datum (used by Amap/高德, Tencent and 天地图's Chinese mirrors,
/// and by the district outlines in `../shared/data/boundaries-guangzhou/`). Pingan stores WGS-84 and
/// converts at the edges: when importing GCJ-02 data and when drawing over a GCJ-02 tile service.
///
/// The forward transform is the widely published one (Krasovsky 1940 ellipsoid, the same polynomial as
/// eviltransform, coordtransform and gcoord); it shifts points by a few hundred metres inside China and
/// leaves them alone outside the rough China box. The inverse has no closed form: it is a fixed-point
/// iteration w ← w − (forward(w) − g), which converges in a few steps because the shift changes slowly.
public enum GeoDatum {
    /// Krasovsky 1940 semi-major axis (m) and first eccentricity squared, as in the published algorithm.
    public static let krasovskyA = 6_378_245.0
    public static let krasovskyEE = 0.00669342162296594323

    /// The rough China box the published libraries use (lon 72.004…137.8347, lat 0.8293…55.8271):
    /// outside it no offset is applied. It also covers parts of neighbouring countries — that is the
    /// libraries' convention, and matching it is what makes our coordinates agree with theirs.
    public static func isInsideChina(_ p: GeoPoint) -> Bool {
        p.lon >= 72.004 && p.lon <= 137.8347 && p.lat >= 0.8293 && p.lat <= 55.8271
    }

    /// WGS-84 → GCJ-02 (identity outside the China box).
    public static func wgs84ToGCJ02(_ p: GeoPoint) -> GeoPoint {
        guard isInsideChina(p) else { return p }
        let d = offset(p)
        return GeoPoint(lon: p.lon + d.dLon, lat: p.lat + d.dLat)
    }

    /// GCJ-02 → WGS-84 by iteration until the step is under `tolerance` degrees (1e-9° ≈ 0.1 mm).
    public static func gcj02ToWGS84(_ p: GeoPoint, tolerance: Double = 1e-9) -> GeoPoint {
        gcj02ToWGS84WithIterations(p, tolerance: tolerance).point
    }

    /// As `gcj02ToWGS84`, also reporting how many forward evaluations it took (0 outside China; capped at 50).
    public static func gcj02ToWGS84WithIterations(_ p: GeoPoint, tolerance: Double = 1e-9) -> (point: GeoPoint, iterations: Int) {
        guard isInsideChina(p) else { return (p, 0) }
        var w = p
        for i in 1...50 {
            let g = wgs84ToGCJ02(w)
            let dLon = g.lon - p.lon, dLat = g.lat - p.lat
            w = GeoPoint(lon: w.lon - dLon, lat: w.lat - dLat)
            if abs(dLon) < tolerance && abs(dLat) < tolerance { return (w, i) }
        }
        return (w, 50)
    }

    /// Every vertex converted (rings stay closed: equal points convert to equal points).
    public static func wgs84ToGCJ02(_ mp: GeoMultiPolygon) -> GeoMultiPolygon { map(mp, wgs84ToGCJ02) }
    public static func gcj02ToWGS84(_ mp: GeoMultiPolygon) -> GeoMultiPolygon { map(mp) { gcj02ToWGS84($0) } }

    private static func map(_ mp: GeoMultiPolygon, _ f: (GeoPoint) -> GeoPoint) -> GeoMultiPolygon {
        GeoMultiPolygon(mp.polygons.map { p in
            GeoPolygon(outer: GeoRing(p.outer.points.map(f)), holes: p.holes.map { GeoRing($0.points.map(f)) })
        })
    }

    /// The published offset polynomial, in degrees, at a WGS-84 point.
    private static func offset(_ p: GeoPoint) -> (dLon: Double, dLat: Double) {
        let x = p.lon - 105.0, y = p.lat - 35.0
        let pi = Double.pi
        let common = (20.0 * sin(6.0 * x * pi) + 20.0 * sin(2.0 * x * pi)) * 2.0 / 3.0
        var tLat = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * abs(x).squareRoot()
        tLat += common
        tLat += (20.0 * sin(y * pi) + 40.0 * sin(y / 3.0 * pi)) * 2.0 / 3.0
        tLat += (160.0 * sin(y / 12.0 * pi) + 320.0 * sin(y * pi / 30.0)) * 2.0 / 3.0
        var tLon = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * abs(x).squareRoot()
        tLon += common
        tLon += (20.0 * sin(x * pi) + 40.0 * sin(x / 3.0 * pi)) * 2.0 / 3.0
        tLon += (150.0 * sin(x / 12.0 * pi) + 300.0 * sin(x / 30.0 * pi)) * 2.0 / 3.0
        let radLat = p.lat / 180.0 * pi
        var magic = sin(radLat)
        magic = 1 - krasovskyEE * magic * magic
        let sqrtMagic = magic.squareRoot()
        let dLat = (tLat * 180.0) / ((krasovskyA * (1 - krasovskyEE)) / (magic * sqrtMagic) * pi)
        let dLon = (tLon * 180.0) / (krasovskyA / sqrtMagic * cos(radLat) * pi)
        return (dLon, dLat)
    }
}
