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

    /// Issue 25: one rounding rule everywhere. The analysis report said 「破案率6.2%」 for 1/16 while the tables say 6.3%.
    func testDecimalsRoundHalfAwayFromZeroLikeTheTables() {
        XCTAssertEqual(Decimals.percent(1.0 / 16), Rate.format(1, of: 16))   // "6.3%", not "%.1f"'s "6.2%"
        XCTAssertEqual(String(format: "%.1f", 6.25), "6.2")                   // the formatter it replaces
        XCTAssertEqual(Decimals.percent(1.0 / 16), "6.3%")
        XCTAssertEqual(Decimals.percent(49.0 / 400), "12.3%")                 // 12.25, not exact in binary
        XCTAssertEqual(Decimals.percent(-49.0 / 400), "-12.3%")
        XCTAssertEqual(Decimals.percent(0.95), "95.0%")
        XCTAssertEqual(Decimals.percent(nil), "—")
        XCTAssertEqual(Decimals.percent(.nan), "—")
        XCTAssertEqual(Decimals.format(6.25), "6.3")
        XCTAssertEqual(Decimals.format(-13.75), "-13.8")
        XCTAssertEqual(Decimals.format(2), "2.0")
        XCTAssertEqual(Decimals.format(0.125, places: 2), "0.13")
        XCTAssertEqual(Decimals.format(1.005, places: 2), "1.01")            // 1.00499999… in binary
        XCTAssertEqual(Decimals.format(2.5, places: 0), "3")
        XCTAssertEqual(Decimals.format(-0.04), "0.0")                         // no "-0.0"
        XCTAssertEqual(Decimals.format(0.049999), "0.0")
        XCTAssertEqual(Decimals.signedPercent(0.5), "+50.0%")
        XCTAssertEqual(Decimals.signedPercent(-9.0 / 65), PercentChange.format(current: 56, previous: 65))  // -13.8%
        XCTAssertEqual(Decimals.signedPercent(0.0001), "0.0%")
        XCTAssertEqual(Decimals.signedPercent(nil), "—")
        // Agrees with the integer formatter on every count up to 400.
        for d in 1...400 { for n in stride(from: 0, through: d, by: 7) {
            XCTAssertEqual(Decimals.percent(Double(n) / Double(d)), Rate.format(n, of: d), "\(n)/\(d)")
        } }
    }
}
