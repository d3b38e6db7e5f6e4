import XCTest
@testable import PinganKit

final class CSVWriterTests: XCTestCase {
    func testQuotingAndCRLF() {
        var w = CSVWriter(header: ["编号", "地址", "备注"])
        w.append(["1", "市桥街道, 德兴社区", "他说\"你好\""])
        w.append(["2", "line1\nline2", "plain"])
        w.append(["3", "", "a\rb"])
        XCTAssertEqual(w.text,
                       "编号,地址,备注\r\n" +
                       "1,\"市桥街道, 德兴社区\",\"他说\"\"你好\"\"\"\r\n" +
                       "2,\"line1\nline2\",plain\r\n" +
                       "3,,\"a\rb\"\r\n")
        XCTAssertEqual(w.rowCount, 3)
    }

    func testNeutralise() {
        XCTAssertEqual(CSVWriter.neutralise("=SUM(A1:A2)"), "'=SUM(A1:A2)")
        XCTAssertEqual(CSVWriter.neutralise("+86 138"), "'+86 138")
        // Issue 25: a signed number keeps its text (seed 003: 65 → 56 is "-13.8%"); it cannot hold a formula.
        XCTAssertEqual(CSVWriter.neutralise("-13.8%"), "-13.8%")
        XCTAssertEqual(CSVWriter.neutralise("+50.0%"), "+50.0%")
        XCTAssertEqual(CSVWriter.neutralise("-13.8"), "-13.8")
        XCTAssertEqual(CSVWriter.neutralise("-3"), "-3")
        // Anything more than a number still gets the apostrophe.
        XCTAssertEqual(CSVWriter.neutralise("-2+3"), "'-2+3")
        XCTAssertEqual(CSVWriter.neutralise("-1+cmd|' /C calc'!A0"), "'-1+cmd|' /C calc'!A0")
        XCTAssertEqual(CSVWriter.neutralise("+1E5"), "'+1E5")
        XCTAssertEqual(CSVWriter.neutralise("-.5"), "'-.5")
        XCTAssertEqual(CSVWriter.neutralise("-5."), "'-5.")
        XCTAssertEqual(CSVWriter.neutralise("-5%%"), "'-5%%")
        XCTAssertEqual(CSVWriter.neutralise("-"), "'-")
        XCTAssertEqual(CSVWriter.neutralise("+%"), "'+%")
        XCTAssertEqual(CSVWriter.neutralise("-13.8% "), "'-13.8% ")
        XCTAssertEqual(CSVWriter.neutralise("-1234567890123456"), "'-1234567890123456")
        XCTAssertEqual(CSVWriter.neutralise("@cmd"), "'@cmd")
        XCTAssertEqual(CSVWriter.neutralise("\tx"), "'\tx")
        XCTAssertEqual(CSVWriter.neutralise("\rx"), "'\rx")
        XCTAssertEqual(CSVWriter.neutralise("13.8%"), "13.8%")
        XCTAssertEqual(CSVWriter.neutralise(""), "")
        XCTAssertEqual(CSVWriter.neutralise("a=b"), "a=b")
    }

    func testNeutraliseBeforeQuoting() {
        var w = CSVWriter(header: ["=h"])
        w.append(["=HYPERLINK(\"http://x\",\"y\")"])
        w.append(["\rcell"])
        XCTAssertEqual(w.text, "'=h\r\n\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\"\r\n\"'\rcell\"\r\n")
    }

    func testBOM() {
        let w = CSVWriter(header: ["社区"])
        let bytes = w.utf8WithBOM
        XCTAssertEqual(Array(bytes.prefix(3)), [0xEF, 0xBB, 0xBF])
        XCTAssertEqual(Array(bytes.dropFirst(3)), Array("社区\r\n".utf8))
    }
}
