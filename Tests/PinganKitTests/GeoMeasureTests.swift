import Foundation
import XCTest
@testable import PinganKit

final class GeoMeasureTests: XCTestCase {
    func testOneDegreeCellAtTheEquator() {
        // R²·Δλ·(sin φ₂ − sin φ₁) on the mean sphere = 12,363.7 km² (the ellipsoid gives ~12,309 km²).
        let cell = GeoFixtures.rect(0, 0, 1, 1)
        XCTAssertEqual(cell.area / 1e6, 12_364, accuracy: 1)
        // Orientation does not change the area; it changes the sign of the signed area.
        let cw = GeoRing(cell.outer.points.reversed())
        XCTAssertEqual(cw.area, cell.area, accuracy: 1e-3)
        XCTAssertLessThan(GeoMeasure.signedArea(cw), 0)
        XCTAssertTrue(cell.outer.isCounterClockwise)
        // At 60°N the same cell is about half as wide: sin 61° − sin 60° over sin 1°.
        let north = GeoFixtures.rect(0, 60, 1, 61)
        XCTAssertEqual(north.area / cell.area, (sin(61 * Double.pi / 180) - sin(60 * Double.pi / 180)) / sin(Double.pi / 180), accuracy: 1e-9)
    }

    func testHolesAreSubtracted() {
        let outer = GeoFixtures.rect(113, 23, 113.1, 23.1)
        let hole = GeoFixtures.rect(113.02, 23.02, 113.04, 23.04)
        let withHole = GeoPolygon(outer: outer.outer, holes: [hole.outer])
        XCTAssertEqual(withHole.area, outer.area - hole.area, accuracy: 1e-6)
        XCTAssertEqual(GeoMultiPolygon([withHole, hole]).area, outer.area, accuracy: 1e-3)
    }

    func testPanyuAreaMatchesTheOfficialFigure() throws {
        // Official area 529.94 km² since the 2012 transfer of three towns to Nansha (the 786 km² often
        // quoted is the pre-2012 district). This 294-vertex Amap outline measures 520.4 km² (−1.8 %).
        let area = try GeoFixtures.panyu().area / 1e6
        XCTAssertEqual(area, 529.94, accuracy: 529.94 * 0.03)
        XCTAssertEqual(area, 520.4, accuracy: 0.5, "regression: the measured figure")
    }

    func testGuangzhouCityAreaMatchesTheOfficialFigure() throws {
        // Guangzhou city: 7,434.4 km² officially; the outline measures 7,415 km² (−0.3 %).
        let area = try GeoFixtures.district("440100").area / 1e6
        XCTAssertEqual(area, 7_434.4, accuracy: 7_434.4 * 0.01)
    }

    func testHaversine() {
        let a = GeoPoint(lon: 113.3, lat: 23)
        XCTAssertEqual(GeoMeasure.distance(a, a), 0)
        // One degree of latitude on the mean sphere, and a quarter of the equator.
        XCTAssertEqual(GeoMeasure.distance(GeoPoint(lon: 0, lat: 0), GeoPoint(lon: 0, lat: 1)), 111_195.08, accuracy: 0.01)
        XCTAssertEqual(GeoMeasure.distance(GeoPoint(lon: 0, lat: 0), GeoPoint(lon: 90, lat: 0)), GeoMeasure.earthRadius * .pi / 2, accuracy: 1e-6)
        // Antipodes do not produce NaN.
        XCTAssertEqual(GeoMeasure.distance(GeoPoint(lon: 0, lat: 0), GeoPoint(lon: 180, lat: 0)), GeoMeasure.earthRadius * .pi, accuracy: 1e-6)
        // Guangzhou Tower (113.3245, 23.1064) to Canton Fair complex (113.3636, 23.1025): ≈ 4.0 km.
        XCTAssertEqual(GeoMeasure.distance(GeoPoint(lon: 113.3245, lat: 23.1064), GeoPoint(lon: 113.3636, lat: 23.1025)), 4_020, accuracy: 20)
        // Symmetric.
        let b = GeoPoint(lon: 113.5, lat: 22.8)
        XCTAssertEqual(GeoMeasure.distance(a, b), GeoMeasure.distance(b, a), accuracy: 1e-9)
    }

    func testCentroids() throws {
        let square = GeoFixtures.rect(113, 23, 113.2, 23.2)
        let c = try XCTUnwrap(square.centroid)
        XCTAssertEqual(c.lon, 113.1, accuracy: 1e-9)
        XCTAssertEqual(c.lat, 23.1, accuracy: 1e-6)   // the frame's scale is linear in latitude
        // The C's centroid: the 3×3 block minus the 2×1 mouth, in hundredths of a degree:
        // x̄ = (9·1.5 − 2·2) / 7 = 9.5/7, ȳ = 1.5 by symmetry — and it lies in the mouth, outside.
        let cc = try XCTUnwrap(GeoFixtures.cShape.centroid)
        XCTAssertEqual((cc.lon - 113) * 100, 9.5 / 7, accuracy: 1e-3)
        XCTAssertEqual((cc.lat - 23) * 100, 1.5, accuracy: 1e-3)
        XCTAssertFalse(GeoFixtures.cShape.contains(cc))
        // A multipolygon's centroid is area-weighted: two equal squares → midway.
        let two = GeoMultiPolygon([GeoFixtures.rect(113, 23, 113.1, 23.1), GeoFixtures.rect(113.3, 23, 113.4, 23.1)])
        XCTAssertEqual(try XCTUnwrap(two.centroid).lon, 113.2, accuracy: 1e-9)
        XCTAssertNil(GeoPolygon(outer: GeoFixtures.pts([(1, 1), (2, 2), (3, 3)])).centroid, "collinear: no area")
    }

    func testInteriorPointIsAlwaysInside() throws {
        let c = try XCTUnwrap(GeoFixtures.cShape.interiorPoint())
        XCTAssertTrue(GeoFixtures.cShape.contains(c))
        // A square with a hole around its centroid: the point avoids the hole.
        let holed = GeoPolygon(outer: GeoFixtures.rect(0, 0, 1, 1).outer, holes: [GeoFixtures.rect(0.3, 0.3, 0.7, 0.7).outer])
        let h = try XCTUnwrap(holed.interiorPoint())
        XCTAssertTrue(holed.contains(h), "\(h)")
        // Panyu and every Guangzhou district.
        for code in ["440113", "440100", "440115", "440112", "440104"] {
            let d = try GeoFixtures.district(code)
            let p = try XCTUnwrap(d.interiorPoint())
            XCTAssertTrue(d.contains(p), code)
        }
        // A thin sliver still gets an inside point.
        let sliver = GeoPolygon(outer: GeoFixtures.pts([(113, 23), (113.5, 23.0001), (113, 23.0002)]))
        XCTAssertTrue(sliver.contains(try XCTUnwrap(sliver.interiorPoint())))
    }

    func testInteriorPointPrefersTheMiddleOfARoundShape() throws {
        // A 64-gon of radius 5 km: the point farthest from the boundary is the centre.
        let frame = GeoLocalFrame(origin: GeoPoint(lon: 113.4, lat: 22.95))
        let ring = (0..<64).map { k in
            frame.unproject(GeoXY(x: 5_000 * cos(Double(k) * .pi / 32), y: 5_000 * sin(Double(k) * .pi / 32)))
        }
        let p = try XCTUnwrap(GeoPolygon(outer: ring).interiorPoint())
        XCTAssertLessThan(GeoMeasure.distance(p, frame.origin), 10)
        // In the C (bars 0.01° thick) the point is mid-bar: 0.004° away in every direction is still inside.
        let c = try XCTUnwrap(GeoFixtures.cShape.interiorPoint())
        for (dx, dy) in [(0.004, 0.0), (-0.004, 0.0), (0.0, 0.004), (0.0, -0.004)] {
            XCTAssertTrue(GeoFixtures.cShape.contains(GeoPoint(lon: c.lon + dx, lat: c.lat + dy)), "\(c)")
        }
    }
}
