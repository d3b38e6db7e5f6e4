import XCTest
@testable import PinganKit

final class RecoveryCodesTests: XCTestCase {
    func testTenDistinctCodesInGroupsOfFour() {
        let codes = RecoveryCodes.generate()
        XCTAssertEqual(codes.count, 10)
        XCTAssertEqual(Set(codes).count, 10)
        for c in codes {
            XCTAssertTrue(c.range(of: "^[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}$", options: .regularExpression) != nil, c)
            XCTAssertFalse(c.contains { "01ILOU".contains($0) }, "no look-alikes in \(c)")
        }
    }

    func testHashIgnoresCaseSpacesAndHyphens() throws {
        let code = RecoveryCodes.generate(count: 1)[0]
        let h = try XCTUnwrap(RecoveryCodes.hash(code))
        XCTAssertEqual(h.count, 64)
        XCTAssertEqual(RecoveryCodes.hash(code.lowercased().replacingOccurrences(of: "-", with: " ")), h)
        XCTAssertNil(RecoveryCodes.hash("123456"), "a TOTP code is not a recovery code")
        XCTAssertNil(RecoveryCodes.hash(code + "A"))
        XCTAssertNotEqual(RecoveryCodes.hash(RecoveryCodes.generate(count: 1)[0]), h)
    }
}
