import XCTest
@testable import PinganKit

/// The QR encoder: the Reed–Solomon example of the ISO tutorial literature, structure, capacities, and module-for-module
/// equality with a reference encoder (python-qrcode, PyPI) on the fixtures `Tests/peer/qr_totp_check.py --write-fixtures` made.
/// The peer script also decodes our SVGs with zbar.
final class QRCodeTests: XCTestCase {
    struct Fixture: Decodable { var text: String; var version: Int; var mask: Int; var rows: [String] }

    func testReedSolomonOfHelloWorld1M() {
        // "HELLO WORLD" at 1-M (alphanumeric): data codewords and their ten error-correction codewords.
        let data: [UInt8] = [32, 91, 11, 120, 209, 114, 220, 77, 67, 64, 236, 17, 236, 17, 236, 17]
        XCTAssertEqual(ReedSolomon.remainder(data, divisor: ReedSolomon.generator(degree: 10)), [196, 35, 39, 119, 235, 215, 231, 226, 93, 23])
    }

    func testCapacitiesAndVersionChoice() throws {
        XCTAssertEqual((1...10).map { QRCode.byteCapacity(version: $0) }, [14, 26, 42, 62, 84, 106, 122, 152, 180, 213])
        XCTAssertEqual(try QRCode.encode(String(repeating: "a", count: 14)).version, 1)
        XCTAssertEqual(try QRCode.encode(String(repeating: "a", count: 15)).version, 2)
        XCTAssertEqual(try QRCode.encode(String(repeating: "a", count: 213)).version, 10)
        XCTAssertThrowsError(try QRCode.encode(String(repeating: "a", count: 214))) { XCTAssertEqual($0 as? QRCode.Failure, .tooLong(bytes: 214, capacity: 213)) }
        XCTAssertEqual(try QRCode.encode("平安", minVersion: 3).version, 3)
        XCTAssertThrowsError(try QRCode.encode("x", mask: 8))
    }

    func testStructure() throws {
        let q = try QRCode.encode("otpauth://totp/Pingan:admin?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=Pingan")
        XCTAssertEqual(q.size, 17 + 4 * q.version)
        // Finder pattern corners: dark outer ring, light ring, dark 3×3 centre; light separator.
        for (cx, cy) in [(3, 3), (q.size - 4, 3), (3, q.size - 4)] {
            XCTAssertTrue(q[cx - 3, cy - 3]); XCTAssertFalse(q[cx - 2, cy - 2]); XCTAssertTrue(q[cx, cy]); XCTAssertTrue(q[cx + 1, cy + 1])
        }
        for i in 8..<(q.size - 8) { XCTAssertEqual(q[i, 6], i % 2 == 0, "timing row"); XCTAssertEqual(q[6, i], i % 2 == 0, "timing column") }
        XCTAssertTrue(q[8, q.size - 8], "the dark module")
        let svg = q.svg(label: "扫码 <添加>")
        XCTAssertTrue(svg.hasPrefix("<svg xmlns=\"http://www.w3.org/2000/svg\""))
        XCTAssertTrue(svg.contains("aria-label=\"扫码 &lt;添加&gt;\""))
        XCTAssertFalse(svg.contains("style="), "no inline style: the CSP forbids it")
    }

    func testSameModulesAsTheReferenceEncoder() throws {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/qr/reference-matrices.json")
        let fixtures = try JSONDecoder().decode([Fixture].self, from: Data(contentsOf: url))
        XCTAssertGreaterThanOrEqual(fixtures.count, 10)
        XCTAssertEqual(Set(fixtures.map(\.mask)).count, 8, "every mask is covered")
        XCTAssertTrue(fixtures.contains { $0.version >= 7 }, "version information is covered")
        for f in fixtures {
            let q = try QRCode.encode(f.text, mask: f.mask)
            XCTAssertEqual(q.version, f.version, f.text)
            XCTAssertEqual(q.text, f.rows.joined(separator: "\n"), "version \(f.version) mask \(f.mask): \(f.text.prefix(40))")
        }
    }
}
