import XCTest
@testable import PinganKit

final class PaginationTests: XCTestCase {
    func testPageRequestClamps() {
        XCTAssertEqual(PageRequest(page: nil, per: nil), PageRequest(page: 1, per: 50))
        let r = PageRequest(page: 0, per: 1000)
        XCTAssertEqual(r.page, 1); XCTAssertEqual(r.per, 200)
        XCTAssertEqual(PageRequest(page: -5, per: 0).per, 1)
        XCTAssertEqual(PageRequest(page: 3, per: 20).offset, 40)
        XCTAssertEqual(PageRequest(page: nil, per: nil, defaultPer: 25).per, 25)
        XCTAssertEqual(PageRequest(page: nil, per: nil, defaultPer: 500, maxPer: 100).per, 100)
        XCTAssertGreaterThanOrEqual(PageRequest(page: Int.max, per: 200).offset, 0)
    }

    func testPageInfo() {
        let i = PageInfo(page: 2, per: 50, total: 1234)
        XCTAssertEqual(i.pageCount, 25)
        XCTAssertTrue(i.hasNext); XCTAssertTrue(i.hasPrevious)
        XCTAssertEqual(i.firstItem, 51); XCTAssertEqual(i.lastItem, 100)
        let last = PageInfo(page: 25, per: 50, total: 1234)
        XCTAssertFalse(last.hasNext)
        XCTAssertEqual(last.firstItem, 1201); XCTAssertEqual(last.lastItem, 1234)
        let empty = PageInfo(page: 1, per: 50, total: 0)
        XCTAssertEqual(empty.pageCount, 0)
        XCTAssertFalse(empty.hasNext); XCTAssertFalse(empty.hasPrevious)
        XCTAssertEqual(empty.firstItem, 0); XCTAssertEqual(empty.lastItem, 0)
        let beyond = PageInfo(page: 9, per: 50, total: 100)
        XCTAssertEqual(beyond.firstItem, 0); XCTAssertEqual(beyond.lastItem, 0)
        XCTAssertEqual(PageInfo(page: 1, per: 50, total: 50).pageCount, 1)
        XCTAssertEqual(PageInfo(page: 1, per: 50, total: 51).pageCount, 2)
    }

    func testCodable() throws {
        let i = PageInfo(page: 2, per: 50, total: 1234)
        let data = try JSONEncoder().encode(i)
        let obj = try XCTUnwrap(JSONSerialization.jsonObject(with: data) as? [String: Any])
        XCTAssertEqual(obj["pageCount"] as? Int, 25)
        XCTAssertEqual(obj["firstItem"] as? Int, 51)
        XCTAssertEqual(try JSONDecoder().decode(PageInfo.self, from: data), i)
    }
}
