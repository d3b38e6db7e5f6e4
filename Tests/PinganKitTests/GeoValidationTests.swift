import Foundation
import XCTest
@testable import PinganKit

final class GeoValidationTests: XCTestCase {
    private func kinds(_ mp: GeoMultiPolygon, inside parent: GeoMultiPolygon? = nil, tolerance: Double = 0.02) -> [GeoProblem.Kind] {
        GeoValidation.problems(mp, inside: parent, tolerance: tolerance).map(\.kind)
    }

    private func single(_ ring: [(Double, Double)], holes: [[(Double, Double)]] = []) -> GeoMultiPolygon {
        GeoMultiPolygon(GeoPolygon(outer: GeoRing(GeoFixtures.pts(ring)), holes: holes.map { GeoRing(GeoFixtures.pts($0)) }))
    }

    func testRealOutlineIsValid() throws {
        let panyu = try GeoFixtures.panyu()  // skips when the shared data is not beside the checkout
        XCTAssertEqual(GeoValidation.problems(panyu), [])
    }

    func testStructuralProblemsWithBilingualMessages() {
        let open = single([(113, 23), (113.1, 23), (113.1, 23.1), (113, 23.1)])
        let p = GeoValidation.problems(open)
        XCTAssertEqual(p.map(\.kind), [.ringNotClosed])
        XCTAssertEqual(p[0].message, "外环：环未闭合（首尾点应相同） / Outer ring: ring is not closed (first and last positions must match)")
        XCTAssertEqual(p[0].polygon, 0); XCTAssertEqual(p[0].ring, 0)
        XCTAssertEqual(kinds(single([(113, 23), (113.1, 23), (113, 23)])), [.tooFewPositions])
        XCTAssertEqual(kinds(single([(113, 23), (113.1, 23)])), [.tooFewPositions, .ringNotClosed])
        let far = GeoValidation.problems(single([(113, 23), (190, 23), (113.1, 23.1), (113, 23)]))
        XCTAssertEqual(far.map(\.kind), [.outOfRange])
        XCTAssertTrue(far[0].message.contains("190"), far[0].message)
        XCTAssertEqual(kinds(single([(113, 23), (113.1, 95), (113.1, 23.1), (113, 23)])), [.outOfRange])
        XCTAssertEqual(kinds(GeoMultiPolygon([])), [.empty])
        for problem in GeoValidation.problems(single([(0, 0), (190, 0)])) {
            XCTAssertTrue(problem.message.contains(" / "))
            XCTAssertNotNil(problem.message.range(of: "\\p{Han}", options: .regularExpression))
        }
    }

    func testProblemsNameThePolygonAndHole() {
        let good = GeoFixtures.rect(113, 23, 113.1, 23.1)
        let badHole = GeoPolygon(outer: good.outer, holes: [GeoRing(GeoFixtures.pts([(113.02, 23.02), (113.03, 23.02), (113.03, 23.03)]))])
        let p = GeoValidation.problems(GeoMultiPolygon([good, badHole]))
        XCTAssertEqual(p.map(\.kind), [.tooFewPositions, .ringNotClosed])
        XCTAssertEqual(p[0].polygon, 1); XCTAssertEqual(p[0].ring, 1)
        XCTAssertTrue(p[0].message.hasPrefix("第 2 个多边形的第 1 个内环："), p[0].message)
        XCTAssertTrue(p[0].message.contains("/ Polygon 2, hole 1: needs at least 4 positions (has 3)"), p[0].message)
    }

    func testDegenerateAreas() {
        XCTAssertEqual(kinds(single([(113, 23), (113.1, 23.1), (113.2, 23.2), (113, 23)])), [.degenerate], "collinear")
        XCTAssertEqual(kinds(single([(113, 23), (113, 23), (113, 23), (113, 23)])), [.degenerate], "one point")
        let sq = GeoFixtures.rect(113, 23, 113.1, 23.1)
        let eaten = GeoMultiPolygon(GeoPolygon(outer: sq.outer, holes: [sq.outer]))
        let p = GeoValidation.problems(eaten)
        XCTAssertEqual(p.map(\.kind), [.degenerate])
        XCTAssertNil(p[0].ring, "a polygon-level problem")
    }

    func testSelfIntersection() {
        let bowtie = single([(113, 23), (113.1, 23.1), (113.1, 23), (113, 23.1), (113, 23)])
        let p = GeoValidation.problems(bowtie)
        XCTAssertEqual(p.map(\.kind), [.selfIntersection])
        XCTAssertTrue(p[0].message.contains("自相交") && p[0].message.contains("crosses itself"), p[0].message)
        // Touching itself at a vertex is not a simple ring either.
        let touching = single([(0, 0), (4, 0), (4, 4), (2, 0), (0, 4), (0, 0)])
        XCTAssertEqual(kinds(touching), [.selfIntersection])
        // Repeated consecutive positions are harmless; concave is fine.
        XCTAssertEqual(kinds(single([(0, 0), (3, 0), (3, 0), (3, 1), (1, 1), (1, 2), (3, 2), (3, 3), (0, 3), (0, 0)])), [])
    }

    func testSelfIntersectionLimit() {
        // A 4,000-vertex circle: checked, no false alarm. A lopsided figure-8 with 6,000 vertices: skipped, not flagged.
        let circle: [(Double, Double)] = (0..<4_000).map { k in
            let angle = Double(k) * 2 * Double.pi / 4_000
            return (113 + 0.1 * cos(angle), 23 + 0.1 * sin(angle))
        }
        XCTAssertEqual(kinds(single(circle + [circle[0]])), [])
        func edge(_ a: (Double, Double), _ b: (Double, Double)) -> [(Double, Double)] {
            (0..<1_500).map { k in let t = Double(k) / 1_500; return (a.0 + t * (b.0 - a.0), a.1 + t * (b.1 - a.1)) }
        }
        let big = edge((113, 23), (113.1, 23.1)) + edge((113.1, 23.1), (113.1, 23)) + edge((113.1, 23), (113, 23.2)) + edge((113, 23.2), (113, 23))
        XCTAssertEqual(kinds(single(big + [(113, 23)])), [])
        let small: [(Double, Double)] = [(113, 23), (113.1, 23.1), (113.1, 23), (113, 23.2), (113, 23)]
        XCTAssertEqual(kinds(single(small)), [.selfIntersection], "the same shape with 4 vertices is caught")
    }

    func testInsideParentWithTolerance() {
        let parent = GeoMultiPolygon(GeoFixtures.rect(113, 23, 113.597, 23.5))
        let child = GeoMultiPolygon(GeoFixtures.rect(113.5, 23.2, 113.6, 23.3))   // 3 % of it east of the parent
        let p = GeoValidation.problems(child, inside: parent)
        XCTAssertEqual(p.map(\.kind), [.outsideParent])
        XCTAssertEqual(p[0].message, "有 3% 的面积在上级辖区之外（允许 2%）/ 3% of the area lies outside the parent division (2% allowed)")
        XCTAssertEqual(kinds(child, inside: parent, tolerance: 0.05), [])
        let onePercent = GeoMultiPolygon(GeoFixtures.rect(113.498, 23.2, 113.598, 23.3))
        XCTAssertEqual(kinds(onePercent, inside: parent), [], "1 % out is within the default 2 %")
        let half = GeoMultiPolygon(GeoFixtures.rect(113.547, 23.2, 113.647, 23.3))
        XCTAssertTrue(GeoValidation.problems(half, inside: parent)[0].message.hasPrefix("有 50% 的面积"))
        // Structural problems come first; the parent check is skipped for a broken shape.
        XCTAssertEqual(kinds(single([(0, 0), (1, 0), (1, 1)]), inside: parent), [.tooFewPositions, .ringNotClosed])
    }

    func testStripIntegrationIsAccurate() throws {
        // A triangle covering exactly half of a square (in the local frame the split stays exact).
        let square = GeoMultiPolygon(GeoFixtures.rect(113, 23, 113.1, 23.1))
        let triangle = GeoMultiPolygon(GeoPolygon(outer: GeoFixtures.pts([(113, 23), (113.1, 23), (113, 23.1)])))
        XCTAssertEqual(try XCTUnwrap(GeoOverlap.insideFraction(square, of: triangle)), 0.5, accuracy: 1e-4)
        // Panyu moved 1 km east against itself: 2,000 strips agree with 20,000 to 0.01 %.
        let panyu = try GeoFixtures.panyu()
        let dLon = 1_000 / GeoMeasure.metresPerDegree / cos(22.95 * Double.pi / 180)
        let moved = GeoMultiPolygon(panyu.polygons.map { GeoPolygon(outer: GeoRing($0.outer.points.map { GeoPoint(lon: $0.lon + dLon, lat: $0.lat) })) })
        let coarse = try XCTUnwrap(GeoOverlap.insideFraction(moved, of: panyu))
        let fine = try XCTUnwrap(GeoOverlap.insideFraction(moved, of: panyu, strips: 20_000))
        XCTAssertEqual(coarse, fine, accuracy: 1e-4)
        XCTAssertTrue((0.80...0.97).contains(coarse), "\(coarse)")
        print("Strip integration: Panyu moved 1 km east keeps \(coarse) (2,000 strips) / \(fine) (20,000)")
        // The strip estimate of the area itself agrees with the spherical formula.
        let a = GeoOverlap.areas(of: panyu, intersecting: panyu)
        XCTAssertEqual(a.a, panyu.area, accuracy: panyu.area * 1e-3)
        XCTAssertEqual(a.intersection, a.a, accuracy: 1e-6)
        XCTAssertNil(GeoOverlap.insideFraction(GeoMultiPolygon([]), of: panyu))
    }

    func testGuangzhouDistrictsLieInsideTheCity() throws {
        let city = try GeoFixtures.district("440100")
        for code in ["440103", "440104", "440105", "440106", "440111", "440112", "440113", "440114", "440115", "440117", "440118"] {
            XCTAssertEqual(GeoValidation.problems(try GeoFixtures.district(code), inside: city), [], code)
        }
        // …and Panyu is not inside Haizhu, its neighbour across the river.
        let outside = GeoValidation.problems(try GeoFixtures.panyu(), inside: try GeoFixtures.district("440105"))
        XCTAssertEqual(outside.map(\.kind), [.outsideParent])
    }

    func testParseErrorsAreProblemsToo() {
        let bad = GeoValidation.problems(geoJSON: "{oops")
        XCTAssertNil(bad.shape)
        XCTAssertEqual(bad.problems, [GeoProblem(kind: .parse, message: GeoJSONError.notJSON.message)])
        XCTAssertEqual(GeoValidation.problems(geoJSON: #"{"type":"LineString","coordinates":[[0,0],[1,1]]}"#).problems.map(\.kind), [.parse])
        let ok = GeoValidation.problems(geoJSON: #"{"type":"Feature","geometry":{"type":"Polygon","coordinates":[[[113,23],[113.1,23],[113.1,23.1],[113,23]]]}}"#)
        XCTAssertEqual(ok.problems, [])
        XCTAssertNotNil(ok.shape)
        let open = GeoValidation.problems(geoJSON: #"{"type":"Polygon","coordinates":[[[113,23],[113.1,23],[113.1,23.1],[113,23.1]]]}"#)
        XCTAssertEqual(open.problems.map(\.kind), [.ringNotClosed])
    }
}
