import Foundation
import XCTest
@testable import PinganKit

final class GeoClusterTests: XCTestCase {
    func testWebMercatorPixelsAndTiles() {
        // The world at zoom 0 is 256 px; (0, 0) is its centre, the north-west corner is pixel (0, 0).
        let c = WebMercator.pixel(GeoPoint(lon: 0, lat: 0), zoom: 0)
        XCTAssertEqual(c.x, 128, accuracy: 1e-9); XCTAssertEqual(c.y, 128, accuracy: 1e-9)
        let nw = WebMercator.pixel(GeoPoint(lon: -180, lat: WebMercator.maxLatitude), zoom: 3)
        XCTAssertEqual(nw.x, 0, accuracy: 1e-9); XCTAssertEqual(nw.y, 0, accuracy: 1e-6)
        XCTAssertEqual(WebMercator.pixel(GeoPoint(lon: 0, lat: 89.9), zoom: 0).y, 0, accuracy: 1e-9, "clamped")
        // gcoord's test (hujiulong/gcoord test/unit/crs/WGS84.spec.ts): [123, 45] → EPSG:3857 (13692297.37, 5621521.49) m.
        let p = WebMercator.pixel(GeoPoint(lon: 123, lat: 45), zoom: 0, tileSize: 1)
        let half = Double.pi * WebMercator.earthRadius
        XCTAssertEqual((p.x - 0.5) * 2 * half, 13_692_297.367572648, accuracy: 1e-6)
        XCTAssertEqual((0.5 - p.y) * 2 * half, 5_621_521.486192066, accuracy: 1e-6)
        // Round trip.
        let g = GeoPoint(lon: 113.3846, lat: 22.9376)
        let back = WebMercator.point(WebMercator.pixel(g, zoom: 14.5), zoom: 14.5)
        XCTAssertEqual(back.lon, g.lon, accuracy: 1e-10); XCTAssertEqual(back.lat, g.lat, accuracy: 1e-10)
        // Tiles: Panyu at zoom 10 is tile 834/444 (x = ⌊834.52⌋, y = ⌊(1 − ln(tan φ + sec φ)/π)/2 · 1024⌋ = ⌊444.94⌋).
        XCTAssertEqual(WebMercator.tile(g, zoom: 10).x, 834)
        XCTAssertEqual(WebMercator.tile(g, zoom: 10).y, 444)
        XCTAssertEqual(WebMercator.tile(GeoPoint(lon: 180, lat: -90), zoom: 2).x, 3, "clamped to the last tile")
        XCTAssertTrue(WebMercator.tileBBox(x: 834, y: 444, zoom: 10).contains(g))
        XCTAssertEqual(WebMercator.tileBBox(x: 0, y: 0, zoom: 0).maxLat, WebMercator.maxLatitude, accuracy: 1e-9)
    }

    func testMetresPerPixel() {
        XCTAssertEqual(WebMercator.metresPerPixel(latitude: 0, zoom: 0), 156_543.033_928, accuracy: 1e-3)
        // At Guangzhou (23°N), zoom 15: 156,543 · cos 23° / 2^15 ≈ 4.40 m per pixel.
        XCTAssertEqual(WebMercator.metresPerPixel(latitude: 23, zoom: 15), 4.3976, accuracy: 1e-3)
        XCTAssertEqual(WebMercator.metresPerPixel(latitude: 23, zoom: 15, tileSize: 512) * 2, WebMercator.metresPerPixel(latitude: 23, zoom: 15), accuracy: 1e-12)
    }

    func testClustersAddUpAndSinglesStaySingle() throws {
        var rng = SplitMix64(seed: 8)
        var items: [GeoClusterItem<Int>] = []
        // 1,000 points around two centres in Panyu plus one lone point far away.
        for k in 0..<1_000 {
            let centre = k % 2 == 0 ? GeoPoint(lon: 113.36, lat: 22.94) : GeoPoint(lon: 113.50, lat: 22.90)
            items.append(GeoClusterItem(id: k, point: GeoPoint(lon: centre.lon + rng.nextDouble(in: -0.002..<0.002), lat: centre.lat + rng.nextDouble(in: -0.002..<0.002))))
        }
        items.append(GeoClusterItem(id: 9_999, point: GeoPoint(lon: 113.70, lat: 22.60), weight: 5))
        let clusterer = PointClusterer()
        for zoom in [8, 11, 14, 17] {
            let clusters = clusterer.clusters(items, zoom: zoom)
            XCTAssertEqual(clusters.reduce(0) { $0 + $1.count }, items.count, "zoom \(zoom)")
            XCTAssertEqual(clusters.reduce(0) { $0 + $1.weight }, 1_005, accuracy: 1e-9)
            let lone = try XCTUnwrap(clusters.first { $0.id == 9_999 })
            XCTAssertEqual(lone.count, 1)
            XCTAssertEqual(lone.centre, items.last!.point)
            XCTAssertTrue(clusters.filter { $0.count > 1 }.allSatisfy { $0.id == nil })
            for c in clusters { XCTAssertTrue(c.bbox.contains(c.centre)) }
        }
        // At zoom 8 a 60-px cell is ~36 km: the two groups (15 km apart) may share a cell or not, but
        // there are at most 3 clusters; at zoom 17 a cell is ~70 m and most points are apart.
        XCTAssertLessThanOrEqual(clusterer.clusters(items, zoom: 8).count, 3)
        XCTAssertGreaterThan(clusterer.clusters(items, zoom: 17).count, 100)
        XCTAssertEqual(clusterer.clusters([GeoClusterItem<Int>](), zoom: 10).count, 0)
    }

    func testWeightedCentreAndDeterministicOrder() throws {
        let a = GeoPoint(lon: 113.400, lat: 22.900), b = GeoPoint(lon: 113.401, lat: 22.901)
        let items = [GeoClusterItem(id: "a", point: a, weight: 3), GeoClusterItem(id: "b", point: b, weight: 1)]
        let c = try XCTUnwrap(PointClusterer().clusters(items, zoom: 10).first)
        XCTAssertEqual(c.count, 2)
        XCTAssertEqual(c.centre.lon, 113.40025, accuracy: 1e-12)
        XCTAssertEqual(c.centre.lat, 22.90025, accuracy: 1e-12)
        XCTAssertEqual(c.bbox, GeoBBox(minLon: 113.4, minLat: 22.9, maxLon: 113.401, maxLat: 22.901))
        // Zero weights fall back to the plain mean.
        let zero = items.map { GeoClusterItem(id: $0.id, point: $0.point, weight: 0) }
        XCTAssertEqual(try XCTUnwrap(PointClusterer().clusters(zero, zoom: 10).first).centre.lon, 113.4005, accuracy: 1e-12)
        // Same input, same output order.
        var rng = SplitMix64(seed: 1)
        let many = (0..<500).map { GeoClusterItem(id: $0, point: GeoPoint(lon: 113.3 + rng.nextUnit() * 0.3, lat: 22.8 + rng.nextUnit() * 0.2)) }
        let once = PointClusterer(cellPixels: 40).clusters(many, zoom: 12).map { "\($0.cellX)/\($0.cellY)/\($0.count)" }
        let twice = PointClusterer(cellPixels: 40).clusters(many, zoom: 12).map { "\($0.cellX)/\($0.cellY)/\($0.count)" }
        XCTAssertEqual(once, twice)
        // Bad inputs still land somewhere, so the counts add up.
        let odd = [GeoClusterItem(id: 1, point: GeoPoint(lon: .nan, lat: 95)), GeoClusterItem(id: 2, point: GeoPoint(lon: 500, lat: -100))]
        XCTAssertEqual(PointClusterer().clusters(odd, zoom: 5).reduce(0) { $0 + $1.count }, 2)
    }
}
