import Foundation
import XCTest
@testable import PinganKit

final class GeoTypesTests: XCTestCase {
    let a = GeoBBox(minLon: 113.0, minLat: 22.0, maxLon: 114.0, maxLat: 23.0)

    func testBBoxFromPointsUnionAndContains() throws {
        let b = try XCTUnwrap(GeoBBox(points: GeoFixtures.pts([(113.5, 22.5), (113.2, 22.9), (113.8, 22.1)])))
        XCTAssertEqual(b, GeoBBox(minLon: 113.2, minLat: 22.1, maxLon: 113.8, maxLat: 22.9))
        XCTAssertNil(GeoBBox(points: [GeoPoint]()))
        let u = a.union(GeoBBox(minLon: 112.5, minLat: 22.5, maxLon: 113.5, maxLat: 24))
        XCTAssertEqual(u, GeoBBox(minLon: 112.5, minLat: 22.0, maxLon: 114.0, maxLat: 24))
        XCTAssertTrue(a.contains(GeoPoint(lon: 114.0, lat: 23.0)), "closed box: corners are inside")
        XCTAssertFalse(a.contains(GeoPoint(lon: 114.000001, lat: 22.5)))
        XCTAssertTrue(u.contains(a))
        XCTAssertFalse(a.contains(u))
    }

    func testBBoxIntersectsIncludingTouching() {
        XCTAssertTrue(a.intersects(GeoBBox(minLon: 113.9, minLat: 22.9, maxLon: 115, maxLat: 24)))
        XCTAssertTrue(a.intersects(GeoBBox(minLon: 114.0, minLat: 21, maxLon: 115, maxLat: 22)), "touching corner")
        XCTAssertFalse(a.intersects(GeoBBox(minLon: 114.01, minLat: 22, maxLon: 115, maxLat: 23)))
        XCTAssertFalse(a.intersects(GeoBBox(minLon: 113, minLat: 23.01, maxLon: 114, maxLat: 24)))
    }

    func testBBoxExpanded() {
        XCTAssertEqual(a.expanded(by: 0.5), GeoBBox(minLon: 112.5, minLat: 21.5, maxLon: 114.5, maxLat: 23.5))
        let shrunk = a.expanded(by: -2)
        XCTAssertEqual(shrunk.width, 0); XCTAssertEqual(shrunk.height, 0)
        XCTAssertEqual(shrunk.center, a.center)
        // 1 km of margin: 1/111.195 km per degree of latitude, wider in longitude at 23°N.
        let m = a.expanded(byMetres: 1_000)
        XCTAssertEqual(a.minLat - m.minLat, 1_000 / GeoMeasure.metresPerDegree, accuracy: 1e-12)
        XCTAssertEqual(a.minLon - m.minLon, 1_000 / GeoMeasure.metresPerDegree / cos(23 * Double.pi / 180), accuracy: 1e-12)
        XCTAssertGreaterThanOrEqual(GeoMeasure.distance(GeoPoint(lon: a.maxLon, lat: 23), GeoPoint(lon: m.maxLon, lat: 23)), 999.9)
    }

    func testRingClosingAndVertices() {
        let open = GeoRing(GeoFixtures.pts([(0, 0), (1, 0), (1, 1)]))
        XCTAssertFalse(open.isClosed)
        XCTAssertEqual(open.closed().points.count, 4)
        XCTAssertTrue(open.closed().isClosed)
        XCTAssertEqual(open.vertices.count, 3)
        XCTAssertEqual(open.closed().vertices.count, 3)
        XCTAssertEqual(open.closed().closed(), open.closed())
        XCTAssertFalse(GeoRing([]).isClosed)
        // The convenience initialiser closes rings; the plain one keeps them as given.
        XCTAssertTrue(GeoPolygon(outer: open.points).outer.isClosed)
        XCTAssertFalse(GeoPolygon(outer: open).outer.isClosed)
    }

    func testPointValidity() {
        XCTAssertTrue(GeoPoint(lon: -180, lat: 90).isValid)
        XCTAssertFalse(GeoPoint(lon: 180.5, lat: 0).isValid)
        XCTAssertFalse(GeoPoint(lon: 0, lat: -91).isValid)
        XCTAssertFalse(GeoPoint(lon: .nan, lat: 0).isValid)
        XCTAssertFalse(GeoPoint(lon: 0, lat: .infinity).isValid)
    }

    func testCodableRoundTripAndVertexCount() throws {
        let mp = GeoMultiPolygon([GeoFixtures.cShape, GeoFixtures.rect(114, 23, 114.1, 23.1)])
        let back = try JSONDecoder().decode(GeoMultiPolygon.self, from: JSONEncoder().encode(mp))
        XCTAssertEqual(back, mp)
        XCTAssertEqual(mp.vertexCount, 8 + 4)
        XCTAssertEqual(mp.bbox, GeoBBox(minLon: 113, minLat: 23, maxLon: 114.1, maxLat: 23.1))
        XCTAssertNil(GeoMultiPolygon([]).bbox)
    }
}
