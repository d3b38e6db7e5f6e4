import Foundation
import XCTest
@testable import PinganKit

final class ResidentIDTests: XCTestCase {
    /// 2026-11-21 12:00 in Asia/Shanghai (04:00 UTC).
    private let today = Date(timeIntervalSince1970: 1_795_233_600)

    private func parse(_ s: String) -> Result<ResidentID, ResidentIDProblem> {
        ResidentID.parse(s, today: today)
    }

    private func problem(_ s: String) -> ResidentIDProblem? {
        switch parse(s) {
        case .success: return nil
        case .failure(let p): return p
        }
    }

    private func valid(_ s: String, file: StaticString = #filePath, line: UInt = #line) -> ResidentID? {
        switch parse(s) {
        case .success(let id): return id
        case .failure(let p):
            XCTFail("\(s) rejected: \(p.messageEn)", file: file, line: line)
            return nil
        }
    }

    func testTodayFixture() {
        XCTAssertEqual(ResidentID.shanghaiDay(of: today).description, "2026-11-21")
        // 2026-11-21 20:00 UTC is already the 22nd in Shanghai.
        XCTAssertEqual(ResidentID.shanghaiDay(of: today.addingTimeInterval(16 * 3600)).description, "2026-11-22")
    }

    // MARK: check digit

    func testCheckDigitVectors() {
        let vectors: [(String, Character)] = [
            ("11010519491231002", "X"),   // GB 11643 example
            ("36042619910101007", "1"),   // python-stdnum doc example
            ("44011319900101123", "9"),
            ("44012619850615001", "2"),
            ("44018119970304002", "2"),
            ("44011320000229003", "6"),
            ("44011320000229001", "X"),
            ("44010019800101001", "0"),
            ("00000000000000000", "1"),
        ]
        for (body, check) in vectors {
            XCTAssertEqual(ResidentID.checkDigit(for: body), check, body)
        }
    }

    func testCheckDigitDetectsEverySingleDigitError() {
        let body = Array("44011319900101123")
        let good = ResidentID.checkDigit(for: String(body))
        for i in 0..<17 {
            for d in "0123456789" where d != body[i] {
                var changed = body
                changed[i] = d
                XCTAssertNotEqual(ResidentID.checkDigit(for: String(changed)), good, "position \(i) → \(d)")
            }
        }
    }

    // MARK: valid numbers and derived fields

    func testValidNumberFields() throws {
        let id = try XCTUnwrap(valid("11010519491231002X"))
        XCTAssertEqual(id.value, "11010519491231002X")
        XCTAssertEqual(id.divisionCode, "110105")
        XCTAssertEqual(id.birthDate, ResidentID.BirthDate(year: 1949, month: 12, day: 31))
        XCTAssertEqual(id.birthDate.description, "1949-12-31")
        XCTAssertEqual(id.birthDate.dateComponents.year, 1949)
        XCTAssertEqual(id.birthDate.dateComponents.month, 12)
        XCTAssertEqual(id.birthDate.dateComponents.day, 31)
        XCTAssertEqual(id.sequence, 2)
        XCTAssertFalse(id.isMale)
        XCTAssertEqual(id.masked, "110105********002X")
        XCTAssertEqual("\(id)", "110105********002X", "description must not leak the number")
    }

    func testSexAndMasking() throws {
        let male = try XCTUnwrap(valid("440113199001011239"))
        XCTAssertTrue(male.isMale)                       // 17th digit 3
        XCTAssertEqual(male.masked, "440113********1239")
        let alsoMale = try XCTUnwrap(valid("440113200002290036"))   // sequence 003
        XCTAssertEqual(alsoMale.sequence, 3)
        XCTAssertTrue(alsoMale.isMale)
        let woman = try XCTUnwrap(valid("440181199703040022"))
        XCTAssertEqual(woman.sequence, 2)
        XCTAssertFalse(woman.isMale)
        XCTAssertEqual(woman.masked, "440181********0022")
    }

    // MARK: normalisation

    func testNormalisation() throws {
        XCTAssertEqual(try XCTUnwrap(valid("11010519491231002x")).value, "11010519491231002X")
        XCTAssertEqual(try XCTUnwrap(valid("  11010519491231002X \n")).value, "11010519491231002X")
        XCTAssertEqual(try XCTUnwrap(valid("\u{3000}11010519491231002X\u{3000}")).value, "11010519491231002X")
        // full-width digits and Ｘ / ｘ
        XCTAssertEqual(try XCTUnwrap(valid("１１０１０５１９４９１２３１００２Ｘ")).value, "11010519491231002X")
        XCTAssertEqual(try XCTUnwrap(valid("１１０１０５１９４９１２３１００２ｘ")).value, "11010519491231002X")
        XCTAssertEqual(try XCTUnwrap(valid("4401131990０1011239")).value, "440113199001011239") // mixed
        XCTAssertEqual(ResidentID.normalize(" ４４０１１３x "), "440113X")
        // inner white space is not removed
        XCTAssertEqual(problem("440113 19900101 1239"), .badCharacters)
    }

    // MARK: each problem

    func testEmpty() {
        XCTAssertEqual(problem(""), .empty)
        XCTAssertEqual(problem("   "), .empty)
        XCTAssertEqual(problem("\u{3000}\n"), .empty)
    }

    func testCharactersAndLength() {
        XCTAssertEqual(problem("4401131990010112391"), .wrongLength(19))
        XCTAssertEqual(problem("44011319900101123"), .wrongLength(17))
        XCTAssertEqual(problem("440113900101123"), .wrongLength(15))
        XCTAssertEqual(problem("1101051949123100X"), .wrongLength(17))   // final X allowed, then length
        XCTAssertEqual(problem("44011319900101123A"), .badCharacters)
        XCTAssertEqual(problem("4401131990010112X9"), .badCharacters)    // X not last
        XCTAssertEqual(problem("X40113199001011239"), .badCharacters)
        XCTAssertEqual(problem("44011319900101-1239"), .badCharacters)
        XCTAssertEqual(problem("abc"), .badCharacters)                   // characters before length
        XCTAssertEqual(problem("４４０１１３"), .wrongLength(6))
        XCTAssertEqual(problem("440113١٩٩٠٠١٠١١٢٣٩"), .badCharacters)     // Arabic-Indic digits
    }

    func testChecksum() {
        XCTAssertEqual(problem("110105194912310021"), .badChecksum(expected: "X"))
        XCTAssertEqual(problem("440113199001011230"), .badChecksum(expected: "9"))
        XCTAssertEqual(problem("44011319900101123X"), .badChecksum(expected: "9"))
        // the checksum is checked before the date and the division
        XCTAssertEqual(problem("440113199013011230"), .badChecksum(expected: ResidentID.checkDigit(for: "44011319901301123")))
        XCTAssertEqual(problem("449999199001011231"), .badChecksum(expected: "0"))
    }

    private func withCheck(_ body: String) -> String { body + String(ResidentID.checkDigit(for: body)) }

    func testDates() {
        XCTAssertNotNil(valid(withCheck("44011320000229003")))            // 2000 is a leap year
        XCTAssertNotNil(valid(withCheck("44011320240229001")))            // 2024 too
        XCTAssertEqual(problem(withCheck("44011320010229001")), .invalidBirthDate)   // 2001 is not
        XCTAssertEqual(problem(withCheck("44011319000229001")), .invalidBirthDate)   // 1900 is not (÷100)
        XCTAssertEqual(problem(withCheck("44011319900431001")), .invalidBirthDate)
        XCTAssertEqual(problem(withCheck("44011319901301001")), .invalidBirthDate)
        XCTAssertEqual(problem(withCheck("44011319900001001")), .invalidBirthDate)
        XCTAssertEqual(problem(withCheck("44011319900100001")), .invalidBirthDate)
        XCTAssertEqual(problem(withCheck("44011319900132001")), .invalidBirthDate)
        XCTAssertEqual(problem(withCheck("44011300000101001")), .invalidBirthDate)  // no year 0
        XCTAssertEqual(problem(withCheck("44011310000101001")), .tooOld)
        XCTAssertEqual(problem(withCheck("44011318891231001")), .tooOld)
        XCTAssertNotNil(valid(withCheck("44011318900101001")))
    }

    func testFutureDateUsesInjectedToday() {
        XCTAssertNotNil(valid(withCheck("44011320261121001")))            // born today
        XCTAssertEqual(problem(withCheck("44011320261122001")), .futureBirthDate)
        XCTAssertEqual(problem(withCheck("44011320300101001")), .futureBirthDate)
        // 2026-11-21 20:00 UTC = 2026-11-22 04:00 in Shanghai: the 22nd is no longer in the future
        let later = today.addingTimeInterval(16 * 3600)
        if case .failure(let p) = ResidentID.parse(withCheck("44011320261122001"), today: later) {
            XCTFail("rejected: \(p)")
        }
        // the date is checked before the division
        XCTAssertEqual(problem(withCheck("44999920300101001")), .futureBirthDate)
    }

    // MARK: divisions

    func testPanyuLegacyPrefixes() {
        for code in ["440126", "449003", "440181", "440113"] {     // 番禺县, 番禺市 ×2, 番禺区
            XCTAssertNotNil(valid(withCheck(code + "19900101123")), code)
            XCTAssertTrue(DivisionRegistry.default.contains(code), code)
        }
        XCTAssertEqual(DivisionRegistry.default.name(of: "440126"), "番禺县")
        XCTAssertEqual(DivisionRegistry.default.name(of: "440181"), "番禺市")
        XCTAssertEqual(DivisionRegistry.default.name(of: "440113"), "番禺区")
        XCTAssertFalse(DivisionRegistry.default.isCurrent("440126"))
        XCTAssertFalse(DivisionRegistry.default.isCurrent("440181"))
        XCTAssertTrue(DivisionRegistry.default.isCurrent("440113"))
        let e = DivisionRegistry.default.entry(for: "440181")
        XCTAssertEqual(e?.firstYear, 1995)
        XCTAssertEqual(e?.lastYear, 1999)
        XCTAssertEqual(e?.level, .county)
        XCTAssertEqual(DivisionRegistry.default.entry(for: "440126")?.lastYear, 1991)
        XCTAssertEqual(DivisionRegistry.default.entry(for: "440113")?.firstYear, 2000)
    }

    /// Codes none of the four sources has but the MCA year-end code books do (scripts/division_codes_supplement.tsv).
    func testCodesOnlyTheMCACodeBooksHave() {
        let r = DivisionRegistry.default
        for (code, name, last) in [("330103", "下城区", 2020), ("532331", "禄丰县", 2019), ("442701", "潮州市", 1982)] {
            XCTAssertNotNil(valid(withCheck(code + "19750101123")), code)
            XCTAssertEqual(r.name(of: code), name)
            XCTAssertEqual(r.entry(for: code)?.lastYear, last, code)
            XCTAssertNil(r.entry(for: code)?.firstYear, code)       // already in the 1980 book
            XCTAssertFalse(r.isCurrent(code), code)
        }
        XCTAssertEqual(r.entry(for: "420619")?.firstYear, 1983)
        XCTAssertEqual(r.entry(for: "420619")?.lastYear, 1983)
        // Wikipedia's (and python-stdnum's) 3328xx 丽水 block is in no MCA book (丽水地区 was 3325xx): still rejected.
        XCTAssertEqual(problem(withCheck("33282519900101123")), .unknownDivision("332825"))
        XCTAssertNotNil(valid(withCheck("33252519900101123")))                       // 庆元县 as the books have it
    }

    func testUnknownDivision() {
        XCTAssertEqual(problem(withCheck("44999919900101123")), .unknownDivision("449999"))
        XCTAssertEqual(problem(withCheck("44000019900101123")), .unknownDivision("440000"))  // province
        XCTAssertEqual(problem(withCheck("99010119900101123")), .unknownDivision("990101"))
        XCTAssertEqual(problem(withCheck("42900019900101123")), .unknownDivision("429000"))  // placeholder
        XCTAssertEqual(ResidentIDProblem.unknownDivision("449999").messageZh,
                       "地址码 449999（前 6 位）不是现行或曾经使用过的行政区划代码")
    }

    func testCityLevelCodes() {
        XCTAssertNotNil(valid(withCheck("44010019800101001")))            // 广州市
        XCTAssertEqual(DivisionRegistry.default.entry(for: "440100")?.level, .city)
        XCTAssertEqual(DivisionRegistry.default.name(of: "440100"), "广州市")
    }

    func testDistrictSummaryCodes() {
        let r = DivisionRegistry.default
        let e = r.entry(for: "440101")
        XCTAssertEqual(e?.level, .districtSummary)
        XCTAssertEqual(e?.name, "广州市市辖区")
        XCTAssertEqual(e?.firstYear, 1983)
        XCTAssertFalse(r.isCurrent("440101"))
        XCTAssertNotNil(valid(withCheck("44010119860101001")))
        XCTAssertEqual(r.entry(for: "110101")?.name, "东城区")        // a real unit keeps its entry
        XCTAssertEqual(r.entry(for: "110101")?.level, .county)
    }

    func testNonMainlandCodesRejected() {
        for code in ["710101", "710100", "810000", "820000", "830000", "999900"] {
            XCTAssertFalse(DivisionRegistry.default.contains(code), code)
            XCTAssertEqual(problem(withCheck(code + "19900101123")), .unknownDivision(code))
        }
    }

    func testCustomRegistry() {
        let only = DivisionRegistry(entries: [.init(code: "449999", level: .county, names: ["测试县"])])
        let s = withCheck("44999919900101123")
        XCTAssertNoThrow(try ResidentID.parse(s, today: today, divisions: only).get())
        XCTAssertEqual(only.name(of: "449999"), "测试县")
        XCTAssertTrue(only.isCurrent("449999"))
        XCTAssertEqual(only.count, 1)
        if case .success = ResidentID.parse("440113199001011239", today: today, divisions: only) {
            XCTFail("440113 is not in the custom registry")
        }
    }

    func testRegistryLookupsRejectMalformedCodes() {
        let r = DivisionRegistry.default
        XCTAssertFalse(r.contains(""))
        XCTAssertFalse(r.contains("44011"))
        XCTAssertFalse(r.contains("4401130"))
        XCTAssertFalse(r.contains("４４０１１３"))
        XCTAssertNil(r.name(of: "abcdef"))
        XCTAssertGreaterThan(r.count, 6_000)
        // every current NBS county code of Guangzhou is present
        for code in ["440103", "440104", "440105", "440106", "440111", "440112", "440113", "440114",
                     "440115", "440117", "440118"] {
            XCTAssertTrue(r.isCurrent(code), code)
        }
    }

    // MARK: messages

    func testMessages() {
        XCTAssertEqual(ResidentIDProblem.badChecksum(expected: "X").messageZh, "校验码（最后一位）应为 X，请核对号码是否输错")
        XCTAssertEqual(ResidentIDProblem.badChecksum(expected: "X").messageEn,
                       "The check digit (last character) should be X; check the number for a typing error")
        XCTAssertTrue(ResidentIDProblem.wrongLength(15).messageZh.contains("第一代"))
        XCTAssertTrue(ResidentIDProblem.wrongLength(17).messageZh.contains("17 位"))
        XCTAssertTrue(ResidentIDProblem.wrongLength(17).messageEn.contains("17"))
        let all: [ResidentIDProblem] = [.empty, .wrongLength(15), .wrongLength(17), .badCharacters,
                                        .badChecksum(expected: "3"), .invalidBirthDate, .futureBirthDate,
                                        .tooOld, .unknownDivision("449999")]
        XCTAssertEqual(Set(all.map(\.messageZh)).count, all.count)
        XCTAssertEqual(Set(all.map(\.messageEn)).count, all.count)
    }
}
