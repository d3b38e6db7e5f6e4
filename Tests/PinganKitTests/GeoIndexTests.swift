import Foundation
import XCTest
@testable import PinganKit

final class GeoIndexTests: XCTestCase {
    func testConcaveShapeAndHoles() {
        let c = GeoFixtures.cShape   // 113…113.03 × 23…23.03, mouth 113.01…113.03 × 23.01…23.02
        XCTAssertTrue(c.contains(GeoPoint(lon: 113.005, lat: 23.015)), "back of the C")
        XCTAssertTrue(c.contains(GeoPoint(lon: 113.025, lat: 23.005)), "lower arm")
        XCTAssertTrue(c.contains(GeoPoint(lon: 113.025, lat: 23.025)), "upper arm")
        XCTAssertFalse(c.contains(GeoPoint(lon: 113.02, lat: 23.015)), "in the mouth")
        XCTAssertFalse(c.contains(GeoPoint(lon: 113.04, lat: 23.015)), "east of everything, ray crosses nothing")
        let holed = GeoPolygon(outer: GeoFixtures.rect(0, 0, 1, 1).outer, holes: [GeoFixtures.rect(0.3, 0.3, 0.7, 0.7).outer])
        XCTAssertFalse(holed.contains(GeoPoint(lon: 0.5, lat: 0.5)))
        XCTAssertTrue(holed.contains(GeoPoint(lon: 0.2, lat: 0.5)))
        XCTAssertTrue(holed.contains(GeoPoint(lon: 0.8, lat: 0.5)))
        // An island in the hole, as a second polygon of the same MultiPolygon.
        let mp = GeoMultiPolygon([holed, GeoFixtures.rect(0.4, 0.4, 0.6, 0.6)])
        XCTAssertTrue(mp.contains(GeoPoint(lon: 0.5, lat: 0.5)))
        XCTAssertFalse(mp.contains(GeoPoint(lon: 0.35, lat: 0.5)))
        let index = GeoIndex([(id: "c", shape: GeoMultiPolygon(c)), (id: "holed", shape: mp)])
        XCTAssertEqual(index.locate(GeoPoint(lon: 113.005, lat: 23.015)), "c")
        XCTAssertNil(index.locate(GeoPoint(lon: 113.02, lat: 23.015)))
        XCTAssertEqual(index.locate(GeoPoint(lon: 0.5, lat: 0.5)), "holed")
        XCTAssertNil(index.locate(GeoPoint(lon: 0.35, lat: 0.5)))
        XCTAssertNil(index.locate(GeoPoint(lon: 50, lat: 50)))
    }

    /// The documented rule: a polygon owns its west and south edges (and its south-west corner), not its
    /// east and north ones — as if the point were nudged a hair east and north.
    func testBoundaryRule() {
        let sq = GeoFixtures.rect(113, 23, 113.1, 23.1)
        XCTAssertTrue(sq.contains(GeoPoint(lon: 113, lat: 23.05)), "west edge")
        XCTAssertTrue(sq.contains(GeoPoint(lon: 113.05, lat: 23)), "south edge")
        XCTAssertFalse(sq.contains(GeoPoint(lon: 113.1, lat: 23.05)), "east edge")
        XCTAssertFalse(sq.contains(GeoPoint(lon: 113.05, lat: 23.1)), "north edge")
        XCTAssertTrue(sq.contains(GeoPoint(lon: 113, lat: 23)), "south-west corner")
        XCTAssertFalse(sq.contains(GeoPoint(lon: 113.1, lat: 23)), "south-east corner")
        XCTAssertFalse(sq.contains(GeoPoint(lon: 113, lat: 23.1)), "north-west corner")
        XCTAssertFalse(sq.contains(GeoPoint(lon: 113.1, lat: 23.1)), "north-east corner")
    }

    func testPointsOnSharedEdgesAndCornersBelongToExactlyOneArea() {
        // A 2 × 2 block of squares and a square cut along its diagonal into two triangles (drawn in
        // opposite directions), all indexed: every probe on a shared boundary gets exactly one owner.
        var areas: [(id: String, shape: GeoMultiPolygon)] = []
        for i in 0..<2 { for j in 0..<2 {
            areas.append((id: "sq\(i)\(j)", shape: GeoMultiPolygon(GeoFixtures.rect(113 + 0.1 * Double(i), 23 + 0.1 * Double(j), 113.1 + 0.1 * Double(i), 23.1 + 0.1 * Double(j)))))
        } }
        let a = GeoPoint(lon: 113.3, lat: 23), b = GeoPoint(lon: 113.5, lat: 23), c = GeoPoint(lon: 113.5, lat: 23.17), d = GeoPoint(lon: 113.3, lat: 23.17)
        areas.append((id: "t1", shape: GeoMultiPolygon(GeoPolygon(outer: [a, b, c]))))
        areas.append((id: "t2", shape: GeoMultiPolygon(GeoPolygon(outer: [a, c, d].reversed()))))
        let index = GeoIndex(areas)
        func owners(_ p: GeoPoint) -> [String] { areas.filter { $0.shape.contains(p) }.map(\.id) }
        XCTAssertEqual(owners(GeoPoint(lon: 113.1, lat: 23.1)), ["sq11"], "the shared corner goes north-east")
        XCTAssertEqual(owners(GeoPoint(lon: 113.1, lat: 23.05)), ["sq10"], "shared vertical edge goes east")
        XCTAssertEqual(owners(GeoPoint(lon: 113.05, lat: 23.1)), ["sq01"], "shared horizontal edge goes north")
        for k in 1..<200 {
            let t = Double(k) / 200
            let onDiagonal = GeoPoint(lon: a.lon + t * (c.lon - a.lon), lat: a.lat + t * (c.lat - a.lat))
            XCTAssertEqual(owners(onDiagonal).count, 1, "\(onDiagonal)")
            XCTAssertEqual(index.locate(onDiagonal), owners(onDiagonal).first)
            let onGrid = GeoPoint(lon: 113 + 0.2 * t, lat: 23.1)
            XCTAssertEqual(owners(onGrid).count, 1, "\(onGrid)")
            XCTAssertEqual(index.locate(onGrid), owners(onGrid).first)
        }
    }

    func testIndexAgreesWithContainsOnPanyuCells() throws {
        let panyu = try GeoFixtures.panyu()
        let seeds = SyntheticBoundaries.randomInteriorPoints(300, in: panyu, seed: 7)
        let cells = SyntheticBoundaries.voronoi(parent: panyu, seeds: seeds).cells
        let index = GeoIndex(cells.enumerated().map { (id: $0.offset, shape: $0.element) })
        XCTAssertEqual(index.count, 300)
        var rng = SplitMix64(seed: 11)
        let box = try XCTUnwrap(panyu.bbox).expanded(by: 0.01)
        var probes = (0..<10_000).map { _ in
            GeoPoint(lon: rng.nextDouble(in: box.minLon..<box.maxLon), lat: rng.nextDouble(in: box.minLat..<box.maxLat))
        }
        // Every cell vertex too: the hardest places (on shared edges and corners).
        probes += cells.flatMap { $0.polygons.flatMap { $0.outer.points } }
        var located = 0
        var disagreements: [GeoPoint] = []
        let boxes = cells.map(\.bbox)
        for p in probes {
            let brute = cells.indices.first { boxes[$0]?.contains(p) == true && cells[$0].contains(p) }
            if index.locate(p) != brute { disagreements.append(p) }
            if brute != nil { located += 1 }
        }
        XCTAssertEqual(disagreements, [])
        XCTAssertGreaterThan(located, 5_000)
        XCTAssertEqual(Set(index.ids(intersecting: GeoBBox(minLon: 0, minLat: 0, maxLon: 1, maxLat: 1))), [])
        XCTAssertEqual(index.ids(intersecting: box).count, 300)
    }

    func testAMillionLookupsAgainstThreeHundredCells() throws {
        let panyu = try GeoFixtures.panyu()
        let seeds = SyntheticBoundaries.randomInteriorPoints(300, in: panyu, seed: 3)
        let cells = SyntheticBoundaries.voronoi(parent: panyu, seeds: seeds).cells
        let t0 = Date()
        let index = GeoIndex(cells.enumerated().map { (id: $0.offset, shape: $0.element) })
        let built = Date().timeIntervalSince(t0)
        var rng = SplitMix64(seed: 5)
        let box = try XCTUnwrap(panyu.bbox)
        var hits = 0
        let t1 = Date()
        for _ in 0..<1_000_000 {
            let p = GeoPoint(lon: rng.nextDouble(in: box.minLon..<box.maxLon), lat: rng.nextDouble(in: box.minLat..<box.maxLat))
            if index.locate(p) != nil { hits += 1 }
        }
        let looked = Date().timeIntervalSince(t1)
        // The hit rate estimates Panyu's share of its box; no timing assertion (debug builds vary).
        let boxArea = GeoPolygon(outer: GeoFixtures.rect(box.minLon, box.minLat, box.maxLon, box.maxLat).outer).area
        XCTAssertEqual(Double(hits) / 1e6, panyu.area / boxArea, accuracy: 0.003)
        print("GeoIndex: built over 300 cells in \(Int(built * 1000)) ms; 1,000,000 lookups in \(Int(looked * 1000)) ms")
    }
}
