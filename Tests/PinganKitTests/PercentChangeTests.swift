import XCTest
@testable import PinganKit

final class PercentChangeTests: XCTestCase {
    func testSeedFigures() {
        XCTAssertEqual(PercentChange.format(current: 56, previous: 65), "-13.8%")
        XCTAssertEqual(PercentChange.format(current: 17, previous: 40), "-57.5%")
        XCTAssertEqual(PercentChange.format(current: 15, previous: 10), "+50.0%")
        XCTAssertEqual(PercentChange.format(current: 5, previous: 5), "0.0%")
        XCTAssertEqual(PercentChange.format(current: 5, previous: 0), "—")
        XCTAssertEqual(PercentChange.format(current: 0, previous: 0), "—")
    }

    func testRoundingHalfAwayFromZero() {
        // 1/8 = 12.5 % exactly; 12.25 % and -12.25 % are exact halves in tenths.
        XCTAssertEqual(PercentChange.format(current: 449, previous: 400), "+12.3%")  // 12.25
        XCTAssertEqual(PercentChange.format(current: 351, previous: 400), "-12.3%")  // -12.25
        XCTAssertEqual(PercentChange.format(current: 1, previous: 3), "-66.7%")
        XCTAssertEqual(PercentChange.format(current: 10001, previous: 10000), "0.0%") // +0.01 rounds to 0
        XCTAssertEqual(PercentChange.format(current: 0, previous: 7), "-100.0%")
        XCTAssertEqual(PercentChange.format(current: 300, previous: 100), "+200.0%")
    }

    func testFraction() throws {
        XCTAssertNil(PercentChange.fraction(current: 3, previous: 0))
        XCTAssertEqual(try XCTUnwrap(PercentChange.fraction(current: 56, previous: 65)), -9.0 / 65, accuracy: 1e-12)
        XCTAssertEqual(PercentChange.fraction(current: 15, previous: 10), 0.5)
    }

    func testRateSeedFigures() {
        XCTAssertEqual(Rate.format(47, of: 56), "83.9%")
        XCTAssertEqual(Rate.format(975, of: 1008), "96.7%")
        XCTAssertEqual(Rate.format(2595, of: 4025), "64.5%")
        XCTAssertEqual(Rate.format(49, of: 265), "18.5%")
        XCTAssertEqual(Rate.format(1, of: 0), "—")
        XCTAssertEqual(Rate.format(0, of: 5), "0.0%")
        XCTAssertEqual(Rate.format(5, of: 5), "100.0%")
        XCTAssertEqual(Rate.format(1, of: 8), "12.5%")
        XCTAssertEqual(Rate.format(1, of: 16), "6.3%") // 6.25 → 6.3
        XCTAssertNil(Rate.fraction(1, of: 0))
        XCTAssertEqual(Rate.fraction(1, of: 4), 0.25)
    }

    func testExtremes() {
        XCTAssertEqual(Rate.format(Int.max, of: Int.max), "100.0%")
        XCTAssertEqual(PercentChange.format(current: Int.max, previous: Int.min), "-200.0%")
    }
}
