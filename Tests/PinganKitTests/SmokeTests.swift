import XCTest
@testable import PinganKit

final class SmokeTests: XCTestCase {
    func testWorkflow() throws {
        XCTAssertNoThrow(try IncidentWorkflow.validate(from: .received, to: .dispatched))
        XCTAssertThrowsError(try IncidentWorkflow.validate(from: .received, to: .closed)) { error in
            XCTAssertEqual(error as? WorkflowError, WorkflowError(from: .received, to: .closed))
        }
    }
}

final class PopulationTests: XCTestCase {
    func testPhoneNormalisationAndMasking() {
        XCTAssertEqual(PhoneNumber.normalize("+86 138-0013-8000"), "13800138000")
        XCTAssertEqual(PhoneNumber.normalize("020-84821234"), "02084821234")
        XCTAssertNil(PhoneNumber.normalize("12345678901"), "mobiles start 13–19")
        XCTAssertNil(PhoneNumber.normalize("1380013800x"))
        XCTAssertEqual(PhoneNumber.masked("13800138000"), "138****8000")
    }
}

final class CSVReaderTests: XCTestCase {
    func testRoundTripsWhatTheWriterWrites() {
        var w = CSVWriter(header: ["姓名", "备注"])
        w.append(["陈, 小明", "说\"你好\"\r\n第二行"])
        w.append(["王", ""])
        let text = String(decoding: w.utf8WithBOM, as: UTF8.self)
        XCTAssertEqual(CSVReader.parse(text), [["姓名", "备注"], ["陈, 小明", "说\"你好\"\r\n第二行"], ["王", ""]])
    }
    func testLFAndBlankLines() {
        XCTAssertEqual(CSVReader.parse("a,b\n\n1,2\n"), [["a", "b"], ["1", "2"]])
    }
}
