import XCTest
@testable import PinganKit

final class PasswordPolicyTests: XCTestCase {
    let policy = PasswordPolicy.standard

    func testTheShippedListIsLoaded() {
        XCTAssertEqual(CommonPasswords.all.count, 2312, "SecLists top 100,000: its 2,344 entries of 10+ characters, 2,312 once case is ignored")
        for p in ["qwertyuiop", "1234567890", "password123", "1q2w3e4r5t", "1qaz2wsx3edc"] { XCTAssertTrue(policy.isCommon(p), p) }
        XCTAssertTrue(policy.isCommon("PassWord123"), "compared without case")
    }

    func testRules() {
        XCTAssertEqual(policy.problems("short", username: "officer"), [.tooShort(minimum: 10)])
        XCTAssertEqual(policy.problems("123456789", username: "officer"), [.tooShort(minimum: 10)], "nine characters")
        XCTAssertEqual(policy.problems("1234567890", username: "officer"), [.common])
        XCTAssertEqual(policy.problems("kkkkkkkkkkkk", username: "officer"), [.repeatedCharacter])
        XCTAssertEqual(policy.problems("aaaaaaaaaaaa", username: "officer"), [.repeatedCharacter, .common])
        XCTAssertEqual(policy.problems("我我我我我我我我我我", username: "officer"), [.repeatedCharacter])
        XCTAssertEqual(policy.problems("My-Officer-2026", username: "officer"), [.containsUsername])
        XCTAssertEqual(policy.problems("correct horse battery", username: "officer"), [])
        XCTAssertEqual(policy.problems("平安社区民警巡逻防范", username: "officer"), [], "ten Chinese characters count as ten")
        XCTAssertEqual(policy.problems(String(repeating: "平安社区", count: 7), username: "x1y"), [.tooLong(maximumBytes: 72)], "84 bytes: bcrypt would ignore the rest")
        XCTAssertEqual(policy.problems("qwertyuiop", username: "qwerty"), [.containsUsername, .common], "every problem is listed")
    }
}
