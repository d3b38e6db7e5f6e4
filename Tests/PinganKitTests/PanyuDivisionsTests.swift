import XCTest
@testable import PinganKit

final class PanyuDivisionsTests: XCTestCase {
    func testDistrictAndStreets() {
        XCTAssertEqual(PanyuDivisions.district.code, "440113")
        XCTAssertEqual(PanyuDivisions.district.name, "番禺区")
        XCTAssertNil(PanyuDivisions.district.parentCode)
        XCTAssertEqual(PanyuDivisions.streets.count, 16)
        XCTAssertEqual(PanyuDivisions.streets.first?.code, "440113007")
        XCTAssertEqual(PanyuDivisions.streets.first?.name, "市桥街道")
        XCTAssertEqual(PanyuDivisions.streets.last?.code, "440113120")
        XCTAssertEqual(PanyuDivisions.streets.last?.name, "石碁镇")
        for s in PanyuDivisions.streets {
            XCTAssertTrue(DivisionCode.isValid(s.code, level: .street), s.code)
            XCTAssertEqual(s.parentCode, "440113")
            XCTAssertFalse(s.codeGenerated)
            XCTAssertNil(s.kind)
            XCTAssertTrue(DivisionCode.isPrefix("440113", of: s.code))
        }
        XCTAssertEqual(Set(PanyuDivisions.streets.map(\.code)).count, 16)
    }

    func testCommunities() {
        let all = PanyuDivisions.communities
        XCTAssertEqual(all.count, 267)
        XCTAssertEqual(Set(all.map(\.code)).count, 267)
        let streetCodes = Set(PanyuDivisions.streets.map(\.code))
        for c in all {
            XCTAssertTrue(DivisionCode.isValid(c.code, level: .community), c.code)
            let parent = try? XCTUnwrap(c.parentCode)
            XCTAssertNotNil(parent)
            XCTAssertTrue(streetCodes.contains(parent ?? ""), c.code)
            XCTAssertTrue(DivisionCode.isPrefix(parent ?? "-", of: c.code), c.code)
            XCTAssertTrue(c.codeGenerated)
            let suffix = Int(c.code.suffix(3))!
            switch c.kind {
            case .urban: XCTAssertTrue((601...699).contains(suffix), c.code)
            case .town: XCTFail("the embedded tree has no town-seat communities (a district sets them): \(c.code)")
            case .rural: XCTAssertTrue((701...999).contains(suffix), c.code)
            case nil: XCTFail("community without kind: \(c.code)")
            }
            XCTAssertEqual(c.kind, DivisionSeed.kind(ofCommitteeName: c.name))
        }
    }

    func testCountsPerStreet() {
        func count(_ name: String) -> Int {
            guard let s = PanyuDivisions.street(named: name) else { return -1 }
            return PanyuDivisions.communities(inStreet: s.code).count
        }
        XCTAssertEqual(count("市桥街道"), 36)
        XCTAssertEqual(count("南村镇"), 24)
        XCTAssertEqual(count("石楼镇"), 25)
        XCTAssertEqual(count("沙湾街道"), 19)
        XCTAssertEqual(count("石碁镇"), 19)
        XCTAssertEqual(count("大石街道"), 20)
        XCTAssertEqual(count("小谷围街道"), 5)
        XCTAssertEqual(count("化龙镇"), 15)
        XCTAssertEqual(PanyuDivisions.streets.map { count($0.name) }.reduce(0, +), 267)
        XCTAssertTrue(PanyuDivisions.streets.allSatisfy { count($0.name) > 0 })
    }

    func testAliases() {
        XCTAssertEqual(PanyuDivisions.nameAliases["沙湾镇"], "沙湾街道")
        XCTAssertEqual(PanyuDivisions.nameAliases["石基镇"], "石碁镇")
        XCTAssertEqual(PanyuDivisions.street(named: "石基镇")?.code, "440113120")
        XCTAssertEqual(PanyuDivisions.street(named: "沙湾镇")?.code, "440113017")
        let names = Set(PanyuDivisions.streets.map(\.name))
        XCTAssertFalse(names.contains("沙湾镇"))
        XCTAssertFalse(names.contains("石基镇"))
        // 2019 rows of 沙湾镇 landed under 沙湾街道 (440113017).
        XCTAssertTrue(PanyuDivisions.communities(inStreet: "440113017").contains { $0.name == "龙岐村民委员会" })
    }

    func testGeneratedNumbering() {
        let shiqiao = PanyuDivisions.communities(inStreet: "440113007")
        XCTAssertEqual(shiqiao.first?.code, "440113007601")
        XCTAssertEqual(shiqiao.first?.name, "德兴社区居民委员会")
        XCTAssertEqual(shiqiao.first?.kind, .urban)
    }

    func testShortName() {
        XCTAssertEqual(DivisionSeed.shortName(of: "德兴社区居民委员会"), "德兴社区")
        XCTAssertEqual(DivisionSeed.shortName(of: "沙北村民委员会"), "沙北村")
        XCTAssertEqual(DivisionSeed.shortName(of: "河村村民委员会"), "河村")
        XCTAssertEqual(DivisionSeed.shortName(of: "御院社区居委会"), "御院社区")
        XCTAssertEqual(DivisionSeed.shortName(of: "某某居民委员会"), "某某")
        XCTAssertEqual(DivisionSeed.shortName(of: "某某委员会"), "某某")
        XCTAssertEqual(DivisionSeed.shortName(of: "市桥街道"), "市桥街道")
        XCTAssertEqual(PanyuDivisions.communities.first?.shortName, "德兴社区")
        XCTAssertTrue(PanyuDivisions.communities.allSatisfy { !$0.shortName.contains("委") })
    }
}
