import XCTest
@testable import PinganKit

final class SearchQueryTests: XCTestCase {
    func testFullWidthInputAndSpacesAreNormalised() throws {
        let q = try XCTUnwrap(SearchQuery("  Ｊ２０２６１２０１－０００１２３ \n"))
        XCTAssertEqual(q.text, "J20261201-000123")
        XCTAssertEqual(q.record, RecordNumber("J20261201-000123"))
        XCTAssertEqual(SearchQuery("天河  \t 路")?.text, "天河 路")
        XCTAssertNil(SearchQuery(" \u{3000} "), "an ideographic space alone is no query")
        XCTAssertEqual(SearchQuery(String(repeating: "路", count: 80))?.text.count, SearchQuery.maxLength)
    }

    func testRecordNumbersOfEachKind() throws {
        let cases: [(String, RecordNumber.Kind, Int)] = [
            ("J20261201-000123", .incident, 123), ("e20261130-000045", .gridEvent, 45), ("TJ2026-000017", .dispute, 17),
            ("ws000042", .portalRequest, 42), ("XF2025-00003", .petition, 3), ("AJ20261201-000009", .gridCase, 9),
        ]
        for (raw, kind, id) in cases {
            let n = try XCTUnwrap(RecordNumber(raw), raw)
            XCTAssertEqual(n.kind, kind, raw); XCTAssertEqual(n.id, id, raw)
            XCTAssertEqual(n.canonical, raw.uppercased())
        }
    }

    func testTextThatOnlyLooksNumberedIsText() {
        for raw in ["J2026", "Jiang", "TJ2026", "TJ26-000001", "WS", "WS12A", "J20261201-", "J20261201-0000000001", "E-1", "J20261201-000000", "张三"] {
            XCTAssertNil(RecordNumber(raw), raw)
        }
    }

    func testLikePatternDropsWildcards() {
        XCTAssertEqual(SearchQuery("50%_off")?.likePattern, "%50off%")
    }

    func testIdentifiersAreRecognisedSoTheBoxNeverSearchesThem() {
        XCTAssertEqual(SearchQuery("44011319900101123X")?.looksLikeIdentifier, true)
        XCTAssertEqual(SearchQuery("４４０１１３１９９００１０１１２３４")?.looksLikeIdentifier, true)
        XCTAssertEqual(SearchQuery("138 0013 8000")?.looksLikeIdentifier, true)
        XCTAssertEqual(SearchQuery("440113")?.looksLikeIdentifier, false)
        XCTAssertEqual(SearchQuery("市桥街")?.looksLikeIdentifier, false)
        XCTAssertEqual(SearchQuery("J20261201-000123")?.looksLikeIdentifier, false)
    }
}
