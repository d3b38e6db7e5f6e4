import Foundation
import XCTest
@testable import PinganKit

final class GeoJSONTests: XCTestCase {
    let square = #"{"type":"Polygon","coordinates":[[[113,23],[113.1,23],[113.1,23.1],[113,23.1],[113,23]]]}"#

    func testParsesBareFeatureAndOneFeatureCollection() throws {
        let bare = try GeoJSON.parseMultiPolygon(square)
        XCTAssertEqual(bare.polygons.count, 1)
        XCTAssertEqual(bare.polygons[0].outer.points.count, 5)
        XCTAssertEqual(bare.polygons[0].outer.points[1], GeoPoint(lon: 113.1, lat: 23))
        let feature = #"{"type":"Feature","properties":{"name":"x"},"geometry":\#(square)}"#
        XCTAssertEqual(try GeoJSON.parseMultiPolygon(feature), bare)
        let collection = #"{"type":"FeatureCollection","features":[\#(feature)]}"#
        XCTAssertEqual(try GeoJSON.parseMultiPolygon(collection), bare)
    }

    func testParsesMultiPolygonWithHoleAndIgnoresAltitude() throws {
        let text = #"""
        {"type":"MultiPolygon","coordinates":[
          [[[0,0,5],[10,0,5],[10,10,5],[0,10,5],[0,0,5]],[[2,2],[2,4],[4,4],[4,2],[2,2]]],
          [[[20,20],[21,20],[21,21],[20,20]]]]}
        """#
        let mp = try GeoJSON.parseMultiPolygon(text)
        XCTAssertEqual(mp.polygons.count, 2)
        XCTAssertEqual(mp.polygons[0].holes.count, 1)
        XCTAssertEqual(mp.polygons[0].outer.points[2], GeoPoint(lon: 10, lat: 10))
        XCTAssertEqual(mp.polygons[1].outer.points.count, 4)
    }

    func testUnclosedRingIsKeptForValidationToReport() throws {
        let mp = try GeoJSON.parseMultiPolygon(#"{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,1]]]}"#)
        XCTAssertFalse(mp.polygons[0].outer.isClosed)
    }

    func testErrors() {
        func error(_ text: String) -> GeoJSONError? {
            do { _ = try GeoJSON.parseMultiPolygon(text); return nil } catch { return error }
        }
        XCTAssertEqual(error("{not json"), .notJSON)
        XCTAssertEqual(error("[1,2]"), .notAnObject)
        XCTAssertEqual(error(#"{"type":"Point","coordinates":[1,2]}"#), .wrongType("Point"))
        XCTAssertEqual(error(#"{"coordinates":[]}"#), .wrongType(nil))
        XCTAssertEqual(error(#"{"type":"Feature","geometry":null}"#), .featureWithoutGeometry)
        XCTAssertEqual(error(#"{"type":"FeatureCollection","features":[]}"#), .featureCollectionCount(0))
        XCTAssertEqual(error(#"{"type":"FeatureCollection","features":[\#(square),\#(square)]}"#), .featureCollectionCount(2))
        XCTAssertEqual(error(#"{"type":"Polygon"}"#), .missingCoordinates)
        XCTAssertEqual(error(#"{"type":"Polygon","coordinates":[]}"#), .polygonWithoutRings)
        XCTAssertEqual(error(#"{"type":"Polygon","coordinates":[[0,0],[1,0]]}"#), .malformedCoordinates)
        XCTAssertEqual(error(#"{"type":"Polygon","coordinates":[[[0,0],[1],[1,1],[0,0]]]}"#), .malformedPosition)
        XCTAssertEqual(error(#"{"type":"Polygon","coordinates":[[[0,0],["1",0],[1,1],[0,0]]]}"#), .malformedPosition)
        XCTAssertEqual(error(#"{"type":"Polygon","coordinates":[[[0,0],[true,0],[1,1],[0,0]]]}"#), .malformedPosition)
        XCTAssertEqual(error(#"{"type":"MultiPolygon","coordinates":[[[0,0],[1,0],[1,1],[0,0]]]}"#), .malformedCoordinates, "a Polygon's nesting under MultiPolygon")
        let big = String(repeating: " ", count: GeoJSON.maxBytes + 1)
        XCTAssertEqual(error(big), .tooLarge(bytes: GeoJSON.maxBytes + 1, limit: GeoJSON.maxBytes))
        // Messages are bilingual.
        for e in [GeoJSONError.notJSON, .wrongType("Point"), .featureCollectionCount(3), .malformedPosition] {
            XCTAssertTrue(e.message.contains(" / "), e.message)
            XCTAssertNotNil(e.message.range(of: "\\p{Han}", options: .regularExpression), e.message)
        }
    }

    func testNumberFormatting() {
        XCTAssertEqual(GeoJSON.format(113.249739), "113.249739")
        XCTAssertEqual(GeoJSON.format(113.2497394999), "113.249739")
        XCTAssertEqual(GeoJSON.format(113.2497395001), "113.24974")
        XCTAssertEqual(GeoJSON.format(23.0), "23")
        XCTAssertEqual(GeoJSON.format(-0.0000001), "0", "no -0")
        XCTAssertEqual(GeoJSON.format(-22.5), "-22.5")
        XCTAssertEqual(GeoJSON.format(0.000001), "0.000001")
        XCTAssertEqual(GeoJSON.format(113.26, decimals: 1), "113.3")
        XCTAssertEqual(GeoJSON.format(113.26, decimals: 0), "113")
        XCTAssertEqual(GeoJSON.format(.nan), "0")
    }

    func testEncodeIsCompactClosesRingsAndRoundTrips() throws {
        let p = GeoPolygon(outer: GeoRing(GeoFixtures.pts([(113.12345678, 23), (113.2, 23), (113.2, 23.1)])))
        XCTAssertEqual(GeoJSON.encode(p), #"{"type":"Polygon","coordinates":[[[113.123457,23],[113.2,23],[113.2,23.1],[113.123457,23]]]}"#)
        XCTAssertEqual(GeoJSON.encode(p, decimals: 2), #"{"type":"Polygon","coordinates":[[[113.12,23],[113.2,23],[113.2,23.1],[113.12,23]]]}"#)
        let mp = try GeoJSON.parseMultiPolygon(#"{"type":"MultiPolygon","coordinates":[[[[0,0],[10,0],[10,10],[0,0]],[[1,1],[2,1],[2,2],[1,1]]]]}"#)
        let text = GeoJSON.encode(mp)
        XCTAssertEqual(text, #"{"type":"MultiPolygon","coordinates":[[[[0,0],[10,0],[10,10],[0,0]],[[1,1],[2,1],[2,2],[1,1]]]]}"#)
        XCTAssertEqual(try GeoJSON.parseMultiPolygon(text), mp)
    }

    func testPanyuRoundTripsAtSixDecimals() throws {
        let panyu = try GeoFixtures.panyu()
        let again = try GeoJSON.parseMultiPolygon(GeoJSON.encode(panyu))
        XCTAssertEqual(again, panyu, "the source has 6 decimals, so nothing is lost")
        let coarse = try GeoJSON.parseMultiPolygon(GeoJSON.encode(panyu, decimals: 3))
        XCTAssertEqual(coarse.area, panyu.area, accuracy: panyu.area * 0.001)
    }
}
