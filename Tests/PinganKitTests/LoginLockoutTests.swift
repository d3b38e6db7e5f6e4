import XCTest
@testable import PinganKit

final class LoginLockoutTests: XCTestCase {
    let rule = LoginLockout(threshold: 5, window: 900, duration: 900)

    func testFiveFailuresLockForFifteenMinutes() {
        var s: LoginLockout.State? = nil
        for i in 0..<4 { s = rule.afterFailure(s, now: Double(i)); XCTAssertFalse(rule.isLocked(s, now: Double(i))) }
        s = rule.afterFailure(s, now: 10)
        XCTAssertTrue(rule.isLocked(s, now: 10))
        XCTAssertEqual(s?.lockedUntil, 910)
        XCTAssertTrue(rule.isLocked(s, now: 909))
        XCTAssertFalse(rule.isLocked(s, now: 910))
        // More failures while locked do not extend it.
        s = rule.afterFailure(s, now: 500)
        XCTAssertEqual(s?.lockedUntil, 910)
        // After the lock: a fresh count.
        s = rule.afterFailure(s, now: 911)
        XCTAssertEqual(s, LoginLockout.State(failures: 1, firstFailureAt: 911))
    }

    func testFailuresSpreadBeyondTheWindowDoNotAddUp() {
        var s: LoginLockout.State? = nil
        for i in 0..<10 { s = rule.afterFailure(s, now: Double(i) * 300) }
        XCTAssertFalse(rule.isLocked(s, now: 2700), "one failure every five minutes never reaches five in fifteen")
    }
}
