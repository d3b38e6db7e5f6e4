import XCTest
@testable import PinganKit

final class DivisionCodeTests: XCTestCase {
    func testLevelsOrdered() {
        XCTAssertEqual(DivisionLevel.allCases, [.district, .street, .community, .grid, .building])
        XCTAssertLessThan(DivisionLevel.district, .street)
        XCTAssertLessThan(DivisionLevel.grid, .building)
        XCTAssertEqual(DivisionLevel.allCases.shuffled().sorted(), DivisionLevel.allCases)
        XCTAssertEqual(DivisionLevel(codeLength: 12), .community)
    }

    func testValidate() {
        XCTAssertNil(DivisionCode.validate("440113", level: .district))
        XCTAssertNil(DivisionCode.validate("440113007", level: .street))
        XCTAssertNil(DivisionCode.validate("440113007601", level: .community))
        XCTAssertNil(DivisionCode.validate("440113007601001", level: .grid))
        XCTAssertNil(DivisionCode.validate("4401130076010010001", level: .building))
        XCTAssertEqual(DivisionCode.validate("44011300760", level: .community), "A community code has 12 digits")
        XCTAssertEqual(DivisionCode.validate("4401130", level: .street), "A street code has 9 digits")
        XCTAssertNotNil(DivisionCode.validate("44011a", level: .district))
        XCTAssertNotNil(DivisionCode.validate("４４０１１３", level: .district)) // full-width digits
        XCTAssertNotNil(DivisionCode.validate("", level: .district))
        XCTAssertNotNil(DivisionCode.validate("440100", level: .district)) // a city, not a district
        XCTAssertNotNil(DivisionCode.validate("990113", level: .district))
        XCTAssertNotNil(DivisionCode.validate("440113000", level: .street))
        XCTAssertNotNil(DivisionCode.validate("440113007000", level: .community))
        XCTAssertNotNil(DivisionCode.validate("440113007601000", level: .grid))
        XCTAssertTrue(DivisionCode.isValid("440113", level: .district))
        XCTAssertFalse(DivisionCode.isValid("440113", level: .street))
    }

    func testGridCodeAndPrefix() {
        XCTAssertEqual(DivisionCode.gridCode(community: "440113007601", index: 7), "440113007601007")
        XCTAssertEqual(DivisionCode.gridCode(community: "440113007601", index: 999), "440113007601999")
        XCTAssertTrue(DivisionCode.isValid(DivisionCode.gridCode(community: "440113007601", index: 1), level: .grid))
        XCTAssertTrue(DivisionCode.isPrefix("440113", of: "440113007"))
        XCTAssertTrue(DivisionCode.isPrefix("440113007", of: "440113007001"))
        XCTAssertTrue(DivisionCode.isPrefix("440113", of: "440113007001"))
        XCTAssertFalse(DivisionCode.isPrefix("440113007", of: "440113007"))
        XCTAssertFalse(DivisionCode.isPrefix("440113008", of: "440113007001"))
        XCTAssertFalse(DivisionCode.isPrefix("", of: "440113"))
        XCTAssertEqual(DivisionCode.parentCode(of: "440113007001"), "440113007")
        XCTAssertNil(DivisionCode.parentCode(of: "440113"))
    }
}
