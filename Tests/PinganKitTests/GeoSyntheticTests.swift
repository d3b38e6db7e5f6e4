import Foundation
import XCTest
@testable import PinganKit

final class GeoSyntheticTests: XCTestCase {
    /// The C in hundredths of a degree (units) → area in units² via the ratio to its 7-unit area.
    let cArea = GeoFixtures.cShape.area

    func testHalfPlaneClipSplitsAConcavePolygonIntoValidPieces() {
        // Keep x ≥ 2 of the C: the two arm tips, as two separate polygons (Sutherland–Hodgman would
        // return one ring with a zero-width bridge along x = 2).
        let c: GeoClip.Polygon = [[(0, 0), (3, 0), (3, 1), (1, 1), (1, 2), (3, 2), (3, 3), (0, 3)].map { GeoXY(x: $0.0, y: $0.1) }]
        let pieces = GeoClip.halfPlane([GeoClip.oriented(c)], nx: -1, ny: 0, c: -2)
        XCTAssertEqual(pieces.count, 2)
        XCTAssertEqual(pieces.map { GeoPlanar.signedArea($0[0]) }.sorted(), [1, 1])
        XCTAssertEqual(Set(pieces.map { $0[0].count }), [4])
        // A square with a hole: a line through the hole leaves one U-shaped ring; one that misses keeps the hole.
        let holed: GeoClip.Polygon = GeoClip.oriented([
            [GeoXY(x: 0, y: 0), GeoXY(x: 4, y: 0), GeoXY(x: 4, y: 4), GeoXY(x: 0, y: 4)],
            [GeoXY(x: 1, y: 1), GeoXY(x: 2, y: 1), GeoXY(x: 2, y: 2), GeoXY(x: 1, y: 2)],
        ])
        let through = GeoClip.halfPlane([holed], nx: 1, ny: 0, c: 1.5)   // keep x ≤ 1.5
        XCTAssertEqual(through.count, 1)
        XCTAssertEqual(through[0].count, 1, "the hole opened into the outline")
        XCTAssertEqual(GeoPlanar.signedArea(through[0][0]), 1.5 * 4 - 0.5, accuracy: 1e-12)
        let missing = GeoClip.halfPlane([holed], nx: 1, ny: 0, c: 3)
        XCTAssertEqual(missing.count, 1)
        XCTAssertEqual(missing[0].count, 2, "hole kept")
        XCTAssertEqual(GeoPlanar.signedArea(missing[0][0]) + GeoPlanar.signedArea(missing[0][1]), 12 - 1, accuracy: 1e-12)
        XCTAssertEqual(GeoClip.halfPlane([holed], nx: 1, ny: 0, c: -1).count, 0, "all cut away")
    }

    func testVoronoiOfTheCGivesADisconnectedCellWhereTheShapeDemands() throws {
        func at(_ x: Double, _ y: Double) -> GeoPoint { GeoPoint(lon: 113 + x / 100, lat: 23 + y / 100) }
        let parent = GeoMultiPolygon(GeoFixtures.cShape)
        let t = SyntheticBoundaries.voronoi(parent: parent, seeds: [at(2.5, 0.5), at(0.5, 1.5)])
        XCTAssertEqual(t.cells[0].polygons.count, 2, "lower arm and the tip of the upper arm")
        XCTAssertEqual(t.cells[1].polygons.count, 1)
        XCTAssertEqual(t.cells[0].area + t.cells[1].area, cArea, accuracy: cArea * 1e-9)
        for cell in t.cells { XCTAssertEqual(GeoValidation.problems(cell, inside: parent), []) }
        // Symmetric seeds split the C into equal halves.
        let halves = SyntheticBoundaries.voronoi(parent: parent, seeds: [at(0.5, 0.5), at(0.5, 2.5)])
        XCTAssertEqual(halves.cells[0].area, cArea / 2, accuracy: cArea * 2e-3)   // the frame's scale varies a hair with latitude
    }

    func testSeedsOutsideTheParentOrRepeatedAreMovedInside() throws {
        let parent = GeoMultiPolygon(GeoFixtures.cShape)
        let mouth = GeoPoint(lon: 113.025, lat: 23.015), far = GeoPoint(lon: 120, lat: 30), inside = GeoPoint(lon: 113.005, lat: 23.005)
        let t = SyntheticBoundaries.voronoi(parent: parent, seeds: [mouth, far, inside, inside])
        XCTAssertEqual(t.seeds.count, 4)
        for (s, cell) in zip(t.seeds, t.cells) {
            XCTAssertTrue(parent.contains(s), "\(s)")
            XCTAssertTrue(cell.contains(s), "a seed lies in its own cell")
            XCTAssertGreaterThan(cell.area, 0)
        }
        XCTAssertEqual(t.seeds[2], inside)
        XCTAssertNotEqual(t.seeds[3], inside, "the repeat moved aside")
        XCTAssertLessThan(GeoMeasure.distance(t.seeds[3], inside), 3)
        XCTAssertLessThan(GeoMeasure.distance(t.seeds[0], GeoPoint(lon: 113.025, lat: 23.01)), 2, "to the nearest edge, 1 m in")
        XCTAssertEqual(t.cells.reduce(0) { $0 + $1.area }, cArea, accuracy: cArea * 1e-6)
    }

    func testThreeHundredCellsTilePanyu() throws {
        let panyu = try GeoFixtures.panyu()
        let spacing = SyntheticBoundaries.suggestedSpacing(area: panyu.area, count: 300)
        let seeds = SyntheticBoundaries.randomInteriorPoints(300, in: panyu, seed: 2026, minSpacing: spacing)
        let t0 = Date()
        let tiling = SyntheticBoundaries.voronoi(parent: panyu, seeds: seeds)
        let elapsed = Date().timeIntervalSince(t0)
        print("Voronoi: 300 cells of Panyu in \(Int(elapsed * 1000)) ms (debug build)")
        XCTAssertEqual(tiling.cells.count, 300)
        XCTAssertEqual(tiling.seeds, seeds, "all seeds were inside already")
        // Areas add up (0.5 % allowed; the clipping is exact up to the local frame's scale).
        let sum = tiling.cells.reduce(0) { $0 + $1.area }
        XCTAssertEqual(sum, panyu.area, accuracy: panyu.area * 0.005)
        print("Voronoi: cell areas sum to \(sum / 1e6) km², Panyu \(panyu.area / 1e6) km²")
        // Every cell is a valid polygon inside Panyu and holds its seed.
        let tv = Date()
        for (k, cell) in tiling.cells.enumerated() {
            XCTAssertEqual(GeoValidation.problems(cell, inside: panyu), [], "cell \(k)")
            XCTAssertTrue(cell.contains(seeds[k]), "cell \(k)")
        }
        print("Voronoi: validated in \(Int(Date().timeIntervalSince(tv) * 1000)) ms")
        // No overlaps, no gaps: random points in Panyu lie in exactly one cell, points outside in none.
        let index = GeoIndex(tiling.cells.enumerated().map { (id: $0.offset, shape: $0.element) })
        let boxes = tiling.cells.map(\.bbox)
        var rng = SplitMix64(seed: 99)
        let box = try XCTUnwrap(panyu.bbox)
        var inParent = 0
        for _ in 0..<5_000 {
            let p = GeoPoint(lon: rng.nextDouble(in: box.minLon..<box.maxLon), lat: rng.nextDouble(in: box.minLat..<box.maxLat))
            let owners = tiling.cells.indices.filter { boxes[$0]?.contains(p) == true && tiling.cells[$0].contains(p) }
            if panyu.contains(p) {
                inParent += 1
                XCTAssertEqual(owners.count, 1, "\(p)")
                XCTAssertEqual(index.locate(p), owners.first)
            } else {
                XCTAssertEqual(owners, [], "\(p)")
            }
        }
        XCTAssertGreaterThan(inParent, 1_000)
    }

    func testRandomInteriorPointsAreDeterministicInsideAndSpread() throws {
        let panyu = try GeoFixtures.panyu()
        let a = SyntheticBoundaries.randomInteriorPoints(200, in: panyu, seed: 42)
        XCTAssertEqual(a, SyntheticBoundaries.randomInteriorPoints(200, in: panyu, seed: 42))
        XCTAssertNotEqual(a, SyntheticBoundaries.randomInteriorPoints(200, in: panyu, seed: 43))
        XCTAssertTrue(a.allSatisfy(panyu.contains))
        let spacing = 0.5 * (panyu.area / 200).squareRoot()   // ≈ 800 m
        let spread = SyntheticBoundaries.randomInteriorPoints(200, in: panyu, seed: 42, minSpacing: spacing)
        XCTAssertEqual(spread.count, 200)
        XCTAssertTrue(spread.allSatisfy(panyu.contains))
        XCTAssertGreaterThanOrEqual(minimumGap(spread), spacing * 0.999)
        XCTAssertLessThan(minimumGap(a), spacing, "without spacing, uniform points do come close")
        // Asking for an impossible spacing relaxes it instead of looping forever.
        let crowded = SyntheticBoundaries.randomInteriorPoints(50, in: GeoMultiPolygon(GeoFixtures.cShape), seed: 1, minSpacing: 5_000)
        XCTAssertEqual(crowded.count, 50)
        XCTAssertEqual(SyntheticBoundaries.randomInteriorPoints(0, in: panyu, seed: 1), [])
    }

    private func minimumGap(_ pts: [GeoPoint]) -> Double {
        var best = Double.infinity
        for i in pts.indices { for j in pts.indices where j > i { best = min(best, GeoMeasure.distance(pts[i], pts[j])) } }
        return best
    }
}
