import XCTest
@testable import PinganKit

final class PinyinInitialsTests: XCTestCase {
    func testInitialsOfCommunityAndStreetNames() {
        XCTAssertEqual(PinyinInitials.of("德兴社区"), "dxsq")
        XCTAssertEqual(PinyinInitials.of("市桥街道"), "sqjd")
        XCTAssertEqual(PinyinInitials.of("沙头村"), "stc")
        XCTAssertEqual(PinyinInitials.of("洛浦街"), "lpj")
        XCTAssertEqual(PinyinInitials.of(""), "")
    }

    func testOnlyShortLetterRunsAreTreatedAsInitials() {
        XCTAssertTrue(PinyinInitials.looksLikeInitials("dxsq"))
        XCTAssertTrue(PinyinInitials.looksLikeInitials("DX"))
        XCTAssertFalse(PinyinInitials.looksLikeInitials("d"))
        XCTAssertFalse(PinyinInitials.looksLikeInitials("德兴"))
        XCTAssertFalse(PinyinInitials.looksLikeInitials("J2026"))
    }
}
