import Foundation
import XCTest
@testable import PinganKit

final class GeoDatumTests: XCTestCase {
    /// Published WGS-84 → GCJ-02 pairs from other implementations' own tests:
    /// - googollee/eviltransform, go/transform_test.go (Shanghai, Shenzhen, Beijing; lat/lng order there);
    /// - wandergis/coordtransform, test/app.js (wgs84togcj02(116.404, 39.915));
    /// - hujiulong/gcoord, test/unit/crs/WGS84.spec.ts (WGS84 → GCJ02 of [123, 45], 8 decimals).
    let pairs: [(name: String, wgs: GeoPoint, gcj: GeoPoint, accuracy: Double)] = [
        ("Shanghai (eviltransform)", GeoPoint(lon: 121.5272106, lat: 31.1774276), GeoPoint(lon: 121.531541859215, lat: 31.17530398364597), 1e-9),
        ("Shenzhen (eviltransform)", GeoPoint(lon: 113.912316, lat: 22.543847), GeoPoint(lon: 113.9171764808363, lat: 22.540796131694766), 1e-9),
        ("Beijing (eviltransform)", GeoPoint(lon: 116.377817, lat: 39.911954), GeoPoint(lon: 116.38404722455657, lat: 39.91334545536069), 1e-9),
        ("Beijing (coordtransform)", GeoPoint(lon: 116.404, lat: 39.915), GeoPoint(lon: 116.41024449916938, lat: 39.91640428150164), 1e-9),
        ("[123, 45] (gcoord)", GeoPoint(lon: 123, lat: 45), GeoPoint(lon: 123.00607541, lat: 45.00197815), 1e-8),
    ]

    func testForwardMatchesPublishedPairs() {
        for p in pairs {
            let g = GeoDatum.wgs84ToGCJ02(p.wgs)
            XCTAssertEqual(g.lon, p.gcj.lon, accuracy: p.accuracy, p.name)
            XCTAssertEqual(g.lat, p.gcj.lat, accuracy: p.accuracy, p.name)
        }
    }

    func testInverseMatchesPublishedPairs() {
        // The exact inverse lands on the published WGS-84 point to well under a centimetre
        // (eviltransform's own exact inverse promises 0.5 m; coordtransform's one-step inverse ~1–2 m).
        for p in pairs {
            let r = GeoDatum.gcj02ToWGS84WithIterations(p.gcj)
            XCTAssertLessThan(GeoMeasure.distance(r.point, p.wgs), p.accuracy == 1e-9 ? 0.001 : 0.01, p.name)
            XCTAssertLessThanOrEqual(r.iterations, 10, p.name)
        }
        // hujiulong/gcoord, test/unit/crs/GCJ02.spec.ts: GCJ02 → WGS84 of [123, 45] = [122.99395597, 44.99804071]
        // (gcoord iterates to 1e-6°, checked there to 5 decimals).
        let w = GeoDatum.gcj02ToWGS84(GeoPoint(lon: 123, lat: 45))
        XCTAssertEqual(w.lon, 122.99395597, accuracy: 5e-6)
        XCTAssertEqual(w.lat, 44.99804071, accuracy: 5e-6)
    }

    func testRoundTripAcrossChinaIsUnderOneCentimetre() {
        var worst = 0.0, maxIterations = 0, count = 0
        var lat = 18.5
        while lat <= 53.5 {
            var lon = 73.5
            while lon <= 135 {
                let w = GeoPoint(lon: lon, lat: lat)
                let g = GeoDatum.wgs84ToGCJ02(w)
                let r = GeoDatum.gcj02ToWGS84WithIterations(g)
                worst = max(worst, GeoMeasure.distance(r.point, w))
                maxIterations = max(maxIterations, r.iterations)
                count += 1
                lon += 0.37
            }
            lat += 0.29
        }
        XCTAssertGreaterThan(count, 20_000)
        XCTAssertLessThanOrEqual(worst, 0.01, "worst round trip \(worst) m")
        XCTAssertLessThanOrEqual(maxIterations, 12)
        print("GCJ-02 round trip: \(count) lattice points, worst \(worst) m, at most \(maxIterations) iterations")
    }

    func testOffsetInGuangzhouIsAFewHundredMetres() throws {
        let w = GeoPoint(lon: 113.3846, lat: 22.9376)   // Panyu's government seat, roughly
        let shift = GeoMeasure.distance(w, GeoDatum.wgs84ToGCJ02(w))
        XCTAssertTrue((200...800).contains(shift), "\(shift) m")
        // GCJ-02 moves Guangzhou east and south: converting the Amap outline to WGS-84 moves it west and north.
        let panyu = try GeoFixtures.panyu()
        let wgs = GeoDatum.gcj02ToWGS84(panyu)
        XCTAssertTrue(wgs.polygons[0].outer.isClosed)
        let a = try XCTUnwrap(panyu.centroid), b = try XCTUnwrap(wgs.centroid)
        XCTAssertLessThan(b.lon, a.lon)
        XCTAssertEqual(wgs.area, panyu.area, accuracy: panyu.area * 0.001, "a shift, not a stretch")
        XCTAssertEqual(GeoDatum.wgs84ToGCJ02(wgs).polygons[0].outer.points[17].lon, panyu.polygons[0].outer.points[17].lon, accuracy: 1e-9)
    }

    func testOutsideChinaNothingMoves() {
        // The libraries' rough box: lon 72.004…137.8347, lat 0.8293…55.8271.
        XCTAssertTrue(GeoDatum.isInsideChina(GeoPoint(lon: 116.4, lat: 39.9)))
        XCTAssertTrue(GeoDatum.isInsideChina(GeoPoint(lon: 72.004, lat: 0.8293)), "edges inclusive")
        XCTAssertFalse(GeoDatum.isInsideChina(GeoPoint(lon: 72.003, lat: 30)))
        XCTAssertFalse(GeoDatum.isInsideChina(GeoPoint(lon: 139.69, lat: 35.69)), "Tokyo")
        XCTAssertFalse(GeoDatum.isInsideChina(GeoPoint(lon: 116.4, lat: 55.9)))
        XCTAssertTrue(GeoDatum.isInsideChina(GeoPoint(lon: 126.98, lat: 37.57)), "Seoul is inside the rough box: the libraries' convention")
        for p in [GeoPoint(lon: 183, lat: 45), GeoPoint(lon: -79.38, lat: 43.65), GeoPoint(lon: 139.69, lat: 35.69)] {
            XCTAssertEqual(GeoDatum.wgs84ToGCJ02(p), p)
            XCTAssertEqual(GeoDatum.gcj02ToWGS84WithIterations(p).point, p)
            XCTAssertEqual(GeoDatum.gcj02ToWGS84WithIterations(p).iterations, 0)
        }
    }
}
