import XCTVapor
@testable import PinganServer
final class ServerSmokeTests: XCTestCase { func testNothing() {} }
