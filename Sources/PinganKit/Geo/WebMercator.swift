import Foundation

/// Spherical Web Mercator (EPSG:3857) as tile services and web maps use it: the world is a square of
/// `tileSize · 2^zoom` pixels, x growing east from longitude −180°, y growing south from latitude +85.0511°.
/// Used for server-side clustering on the map's own pixel grid and for tile maths and the scale bar.
public enum WebMercator {
    /// The latitude where the square world ends (atan(sinh π)).
    public static let maxLatitude = 85.051_128_779_806_59
    /// WGS-84 semi-major axis: the sphere EPSG:3857 uses.
    public static let earthRadius = 6_378_137.0

    /// World pixel of a point at `zoom` (fractional zooms allowed). Latitudes are clamped to ±maxLatitude,
    /// longitudes to ±180°, and non-numbers read as 0, so every input lands somewhere on the map.
    public static func pixel(_ p: GeoPoint, zoom: Double, tileSize: Double = 256) -> GeoXY {
        let world = tileSize * pow(2, zoom)
        let lon = p.lon.isFinite ? Swift.min(180, Swift.max(-180, p.lon)) : 0
        let lat = p.lat.isFinite ? Swift.min(maxLatitude, Swift.max(-maxLatitude, p.lat)) : 0
        let s = sin(lat * .pi / 180)
        let x = (lon + 180) / 360 * world
        let y = (0.5 - log((1 + s) / (1 - s)) / (4 * .pi)) * world
        return GeoXY(x: x, y: y)
    }

    /// The point at a world pixel.
    public static func point(_ px: GeoXY, zoom: Double, tileSize: Double = 256) -> GeoPoint {
        let world = tileSize * pow(2, zoom)
        let lon = px.x / world * 360 - 180
        let n = Double.pi * (1 - 2 * px.y / world)
        return GeoPoint(lon: lon, lat: atan(sinh(n)) * 180 / .pi)
    }

    /// The XYZ ("slippy map") tile holding a point, clamped to the world's tiles.
    public static func tile(_ p: GeoPoint, zoom: Int) -> (x: Int, y: Int) {
        let px = pixel(p, zoom: Double(zoom), tileSize: 1)
        let n = 1 << zoom
        return (Swift.min(n - 1, Swift.max(0, Int(px.x.rounded(.down)))), Swift.min(n - 1, Swift.max(0, Int(px.y.rounded(.down)))))
    }

    /// The box covered by tile x/y at `zoom`.
    public static func tileBBox(x: Int, y: Int, zoom: Int) -> GeoBBox {
        let nw = point(GeoXY(x: Double(x), y: Double(y)), zoom: Double(zoom), tileSize: 1)
        let se = point(GeoXY(x: Double(x + 1), y: Double(y + 1)), zoom: Double(zoom), tileSize: 1)
        return GeoBBox(minLon: nw.lon, minLat: se.lat, maxLon: se.lon, maxLat: nw.lat)
    }

    /// Ground metres per pixel at a latitude (for the scale bar): 156,543 m at zoom 0 on the equator
    /// with 256-px tiles, shrinking with cos(latitude).
    public static func metresPerPixel(latitude: Double, zoom: Double, tileSize: Double = 256) -> Double {
        cos(latitude * .pi / 180) * 2 * .pi * earthRadius / (tileSize * pow(2, zoom))
    }
}
