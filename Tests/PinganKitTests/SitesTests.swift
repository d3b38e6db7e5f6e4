import XCTest
@testable import PinganKit

final class SiteAttributesTests: XCTestCase {
    func testValidatesEachRuleAndReportsEveryProblem() {
        let r = SiteAttributes.validate(.compound, ["enclosure": "半封闭", "watch": "staffed", "condition": "excellent", "cameras": "-1", "accessControl": "是", "households": "12 户"])
        XCTAssertEqual(r.values["enclosure"], "semi", "a choice may be typed as its Chinese label")
        XCTAssertEqual(r.values["accessControl"], "1")
        XCTAssertEqual(Set(r.problems.map(\.key)), ["condition", "cameras", "households"])
        XCTAssertNil(r.values["cameras"])
    }

    func testRequiredFieldsAndUncheckedFlags() {
        let r = SiteAttributes.validate(.rental, [:])
        XCTAssertEqual(Set(r.problems.map(\.key)), ["rentalType", "registration", "inspection"])
        let b = SiteAttributes.validate(.internetCafe, ["terminals": "80"])
        XCTAssertTrue(b.problems.isEmpty)
        XCTAssertEqual(b.values["realName"], "0", "an absent flag is stored as no")
    }

    func testDatesMustBeReal() {
        XCTAssertEqual(SiteAttributes.validate(.rental, ["rentalType": "whole", "registration": "registered", "inspection": "passed", "leaseUntil": "2027-02-29"]).problems.map(\.key), ["leaseUntil"])
        XCTAssertTrue(SiteAttributes.validate(.rental, ["rentalType": "whole", "registration": "registered", "inspection": "passed", "leaseUntil": "2028-02-29"]).problems.isEmpty)
    }

    func testEncodingIsStable() {
        let a = SiteAttributes.encode(["b": "2", "a": "1"])
        XCTAssertEqual(a, #"{"a":"1","b":"2"}"#)
        XCTAssertEqual(SiteAttributes.decode(a), ["a": "1", "b": "2"])
        XCTAssertEqual(SiteAttributes.decode("not json"), [:])
    }

    func testEveryKindHasASubtypeOrNoneAndUniqueFieldKeys() {
        for k in SiteKind.allCases {
            XCTAssertEqual(Set(k.fields.map(\.key)).count, k.fields.count, "\(k) has duplicate field keys")
            XCTAssertLessThanOrEqual(k.fields.filter(\.isSubtype).count, 1)
            XCTAssertFalse(k.roles.isEmpty)
        }
    }
}

final class CompoundWatchTests: XCTestCase {
    /// Seed 003 (fifth piece): good and fair compounds get a staffed watch; fair ones that cannot yet,
    /// and poor ones, get volunteer guarding; nothing at all is always a gap.
    func testTheThreeWayRating() {
        XCTAssertEqual(CompoundWatch.assess(condition: "good", watch: "staffed"), .ok)
        XCTAssertEqual(CompoundWatch.assess(condition: "good", watch: "volunteer"), .needsStaffedWatch)
        XCTAssertEqual(CompoundWatch.assess(condition: "good", watch: "none"), .needsStaffedWatch)
        XCTAssertEqual(CompoundWatch.assess(condition: "fair", watch: "volunteer"), .ok)
        XCTAssertEqual(CompoundWatch.assess(condition: "fair", watch: "none"), .needsVolunteerWatch)
        XCTAssertEqual(CompoundWatch.assess(condition: "poor", watch: "volunteer"), .ok)
        XCTAssertEqual(CompoundWatch.assess(condition: "poor", watch: "none"), .needsVolunteerWatch)
    }
}

final class BaselineSurveyTests: XCTestCase {
    func testLinesAreUniqueAndCoverEveryKindAndKeyType() {
        let keys = BaselineSurvey.lines.map(\.key)
        XCTAssertEqual(Set(keys).count, keys.count)
        for k in SiteKind.allCases { XCTAssertTrue(keys.contains("site.\(k.rawValue)")) }
        for t in KeyPopulationType.allCases { XCTAssertTrue(keys.contains("people.key.\(t.rawValue)")) }
    }

    func testRollUpAddsCommunities() {
        let t = BaselineSurvey.total([["people.total": 3, "site.camera": 1], ["people.total": 4], [:]])
        XCTAssertEqual(t, ["people.total": 7, "site.camera": 1])
    }

    func testExtraKeys() {
        XCTAssertEqual(BaselineSurvey.extraKeys(kind: .compound, attributes: ["condition": "good", "watch": "volunteer"]), ["compound.watch_gap"])
        XCTAssertEqual(BaselineSurvey.extraKeys(kind: .organisation, attributes: ["protectedUnit": "1"]), ["organisation.protected"])
        XCTAssertEqual(BaselineSurvey.extraKeys(kind: .shop, attributes: [:]), [])
    }
}

final class CSVStreamTests: XCTestCase {
    /// Chunk boundaries anywhere (inside quotes, between CR and LF, inside a multi-byte character or
    /// the BOM) give exactly what the whole-text reader gives.
    func testStreamingMatchesTheWholeTextReaderAtEveryChunkSize() throws {
        var w = CSVWriter(header: ["姓名", "备注", "x"])
        w.append(["陈, 小明", "说\"你好\"\r\n第二行", ""])
        w.append(["王", "", "末"])
        let text = String(decoding: w.utf8WithBOM, as: UTF8.self) + "\n\nlast,\"q\"\"\",z"
        let expected = CSVReader.parse(text)
        let bytes = Array(text.utf8)
        for size in 1...bytes.count {
            var parser = CSVByteParser()
            var rows: [[String]] = []
            var i = 0
            while i < bytes.count {
                let chunk = Array(bytes[i..<min(i + size, bytes.count)])
                chunk.withUnsafeBufferPointer { parser.feed($0) { rows.append($0) } }
                i += size
            }
            parser.finish { rows.append($0) }
            XCTAssertEqual(rows, expected, "chunk size \(size)")
        }
    }

    func testFileReader() throws {
        let path = NSTemporaryDirectory() + "pingan-csv-\(UUID().uuidString).csv"
        try Data("a,b\r\n1,\"2\n3\"\r\n".utf8).write(to: URL(fileURLWithPath: path))
        defer { try? FileManager.default.removeItem(atPath: path) }
        var rows: [[String]] = []
        try CSVFile.forEachRow(path: path, chunkSize: 3) { rows.append($0) }
        XCTAssertEqual(rows, [["a", "b"], ["1", "2\n3"]])
    }
}

final class TrimTests: XCTestCase {
    func testTrimsUnicodeWhiteSpaceLikeFoundation() {
        for s in ["", " ", "abc", "  a b  ", "\t\r\n陈小明\u{3000}", "\u{00A0}x\u{00A0}", "中 文", " \u{3000} "] {
            XCTAssertEqual(s.whitespaceTrimmed, s.trimmingCharacters(in: .whitespacesAndNewlines), s.debugDescription)
        }
        XCTAssertEqual("x "[...].whitespaceTrimmed, "x")
    }
}

final class ConcurrentMapTests: XCTestCase {
    func testKeepsOrderAcrossSlicesAndMapsSmallArraysInPlace() async {
        let big = Array(0..<10_001)
        let mapped = await big.concurrentMap(minimumSlice: 100) { $0 * 3 }
        XCTAssertEqual(mapped, big.map { $0 * 3 })
        let small = await [1, 2, 3].concurrentMap { String($0) }
        XCTAssertEqual(small, ["1", "2", "3"])
        let empty = await [Int]().concurrentMap { $0 }
        XCTAssertEqual(empty, [])
    }
}
