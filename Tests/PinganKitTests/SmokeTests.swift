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
