import XCTest
@testable import PinganKit

final class RoadNamesTests: XCTestCase {
    func testRoadsAreCutFromFullAddresses() {
        XCTAssertEqual(RoadNames.extract("繁华路24号"), ["繁华路"])
        XCTAssertEqual(RoadNames.extract("广州市番禺区市桥街道德兴路12号"), ["德兴路"])
        XCTAssertEqual(RoadNames.extract("环城中路57号"), ["环城中路"])
        XCTAssertEqual(RoadNames.extract("番禺区桥南大道88号（近西丽路口）"), ["桥南大道", "西丽路"])
        XCTAssertEqual(RoadNames.extract("沙头街东二巷3号"), ["沙头街", "东二巷"])
    }

    func testSubDistrictsAndPlacesWithoutARoadGiveNothing() {
        XCTAssertEqual(RoadNames.extract("市桥街道德兴社区农贸市场旁"), [])
        XCTAssertEqual(RoadNames.extract("德兴社区"), [])
        XCTAssertEqual(RoadNames.extract(""), [])
        XCTAssertEqual(RoadNames.extract("路"), [], "an ending alone is no road")
    }
}
