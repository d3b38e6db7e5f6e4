import Foundation
import XCTest
@testable import PinganKit

final class GeoSimplifyTests: XCTestCase {
    let frame = GeoLocalFrame(origin: GeoPoint(lon: 113.4, lat: 22.95))

    /// A ring from metre offsets around the frame's origin.
    private func ring(_ xy: [(Double, Double)]) -> GeoRing {
        GeoRing(xy.map { frame.unproject(GeoXY(x: $0.0, y: $0.1)) }).closed()
    }

    func testDropsWigglesBelowTheToleranceAndKeepsCorners() throws {
        // A 1 km square whose edges wiggle by ±3 m every 50 m.
        var pts: [(Double, Double)] = []
        for side in 0..<4 {
            for k in 0..<20 {
                let t = Double(k) * 50, w = k % 2 == 0 ? 0.0 : 3.0
                switch side {
                case 0: pts.append((t, -w))
                case 1: pts.append((1_000 + w, t))
                case 2: pts.append((1_000 - t, 1_000 + w))
                default: pts.append((-w, 1_000 - t))
                }
            }
        }
        let original = GeoPolygon(outer: ring(pts))
        let s = try XCTUnwrap(GeoSimplify.simplify(original, toleranceMetres: 5, frame: frame))
        XCTAssertEqual(s.outer.points.count, 5, "four corners, closed")
        XCTAssertTrue(s.outer.isClosed)
        XCTAssertEqual(s.area, 1e6, accuracy: 1e6 * 0.005)
        let corners = Set(s.outer.points.map { frame.project($0) }.map { "\(Int($0.x.rounded())),\(Int($0.y.rounded()))" })
        XCTAssertEqual(corners, ["0,0", "1000,0", "1000,1000", "0,1000"])
        // Under the wiggle size nothing goes.
        XCTAssertEqual(try XCTUnwrap(GeoSimplify.simplify(original, toleranceMetres: 1, frame: frame)).outer.points.count, 81)
    }

    func testNeverBelowFourPositionsAndTinyRingsCollapse() throws {
        // A thin triangle 1 km long, 30 m high: a 50 m tolerance would keep only the two ends; the
        // farthest vertex is kept to stay a polygon.
        let thin = ring([(0, 0), (500, 30), (1_000, 0), (600, 5)])
        let s = try XCTUnwrap(GeoSimplify.simplify(thin, toleranceMetres: 50, frame: frame))
        XCTAssertEqual(s.points.count, 4)
        XCTAssertTrue(s.isClosed)
        // A 10 m square at a 20 m tolerance draws as a dot: dropped; a hole that small goes, the polygon stays.
        let speck = ring([(0, 0), (10, 0), (10, 10), (0, 10)])
        XCTAssertNil(GeoSimplify.simplify(speck, toleranceMetres: 20, frame: frame))
        let outer = ring([(-500, -500), (500, -500), (500, 500), (-500, 500)])
        let withSpeckHole = GeoPolygon(outer: outer, holes: [speck])
        let simplified = try XCTUnwrap(GeoSimplify.simplify(withSpeckHole, toleranceMetres: 20, frame: frame))
        XCTAssertEqual(simplified.holes.count, 0)
        // An island that collapses leaves the multipolygon.
        let mp = GeoMultiPolygon([GeoPolygon(outer: outer), GeoPolygon(outer: ring([(900, 900), (905, 900), (905, 905)]))])
        XCTAssertEqual(GeoSimplify.simplify(mp, toleranceMetres: 20).polygons.count, 1)
        XCTAssertEqual(GeoSimplify.simplify(mp, toleranceMetres: 0), mp, "zero tolerance: unchanged")
    }

    func testPanyuAtLowZoomTolerances() throws {
        let panyu = try GeoFixtures.panyu()
        var previous = panyu.vertexCount
        for tol in [20.0, 100, 500] {
            let s = GeoSimplify.simplify(panyu, toleranceMetres: tol)
            XCTAssertEqual(s.polygons.count, 1)
            XCTAssertLessThanOrEqual(s.vertexCount, previous)
            XCTAssertEqual(s.area, panyu.area, accuracy: panyu.area * 0.03, "tolerance \(tol) m")
            // Kept vertices are original positions, exactly.
            let original = Set(panyu.polygons[0].outer.points)
            XCTAssertTrue(s.polygons[0].outer.points.allSatisfy(original.contains))
            print("Simplify Panyu at \(Int(tol)) m: \(panyu.vertexCount) → \(s.vertexCount) vertices, area \(s.area / 1e6) km²")
            previous = s.vertexCount
        }
        XCTAssertLessThan(previous, panyu.vertexCount / 3)
    }
}
