import Foundation
import XCTest
@testable import PinganKit

/// Shapes shared by the Geo* tests, and checks of the real data they load.
enum GeoFixtures {
    /// `../shared/data/boundaries-guangzhou/` next to the repository (the real outlines, GCJ-02).
    static var boundariesDirectory: URL {
        URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("../shared/data/boundaries-guangzhou").standardizedFileURL
    }

    /// A district outline by code (440113 = Panyu), or XCTSkip when the shared data is absent.
    static func district(_ code: String) throws -> GeoMultiPolygon {
        let url = boundariesDirectory.appendingPathComponent("\(code).geojson")
        guard let data = try? Data(contentsOf: url) else { throw XCTSkip("no \(url.path)") }
        return try GeoJSON.parseMultiPolygon(data: data)
    }

    static func panyu() throws -> GeoMultiPolygon { try district("440113") }

    /// An axis-aligned rectangle (counter-clockwise), in degrees.
    static func rect(_ minLon: Double, _ minLat: Double, _ maxLon: Double, _ maxLat: Double) -> GeoPolygon {
        GeoPolygon(outer: [GeoPoint(lon: minLon, lat: minLat), GeoPoint(lon: maxLon, lat: minLat),
                           GeoPoint(lon: maxLon, lat: maxLat), GeoPoint(lon: minLon, lat: maxLat)])
    }

    /// A "C" open to the east in the unit-ish box 113…113.03 × 23…23.03 (concave; its centroid is in the mouth).
    static var cShape: GeoPolygon {
        let p: [(Double, Double)] = [(0, 0), (3, 0), (3, 1), (1, 1), (1, 2), (3, 2), (3, 3), (0, 3)]
        return GeoPolygon(outer: p.map { GeoPoint(lon: 113 + $0.0 / 100, lat: 23 + $0.1 / 100) })
    }

    static func pts(_ coords: [(Double, Double)]) -> [GeoPoint] { coords.map { GeoPoint(lon: $0.0, lat: $0.1) } }
}

final class GeoFixturesTests: XCTestCase {
    func testPanyuOutlineLoadsAsOneClosedPolygon() throws {
        let panyu = try GeoFixtures.panyu()
        XCTAssertEqual(panyu.polygons.count, 1)
        XCTAssertEqual(panyu.polygons[0].outer.points.count, 294)
        XCTAssertTrue(panyu.polygons[0].outer.isClosed)
        let box = try XCTUnwrap(panyu.bbox)
        // Panyu lies south of central Guangzhou, between the Pearl River's channels.
        XCTAssertTrue(box.minLon > 113.2 && box.maxLon < 113.7 && box.minLat > 22.8 && box.maxLat < 23.1, "\(box)")
    }

    func testEveryGuangzhouDistrictParsesAndValidates() throws {
        for code in ["440103", "440104", "440105", "440106", "440111", "440112", "440113", "440114", "440115", "440117", "440118"] {
            let d = try GeoFixtures.district(code)
            XCTAssertEqual(GeoValidation.problems(d), [], code)
        }
    }
}
