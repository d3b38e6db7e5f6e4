import XCTest
@testable import PinganKit

/// HOTP against RFC 4226 Appendix D, TOTP against RFC 6238 Appendix B (all three HMACs), base32 against RFC 4648 § 10,
/// and the verifier's window and replay rules.
final class OneTimePasswordTests: XCTestCase {
    let sha1Seed = Array("12345678901234567890".utf8)
    let sha256Seed = Array("12345678901234567890123456789012".utf8)
    let sha512Seed = Array("1234567890123456789012345678901234567890123456789012345678901234".utf8)

    func testHOTPMatchesRFC4226AppendixD() {
        let expected = ["755224", "287082", "359152", "969429", "338314", "254676", "287922", "162583", "399871", "520489"]
        for (count, code) in expected.enumerated() {
            XCTAssertEqual(HOTP.code(secret: sha1Seed, counter: UInt64(count)), code, "counter \(count)")
        }
    }

    func testTOTPMatchesRFC6238AppendixB() {
        let times: [Double] = [59, 1111111109, 1111111111, 1234567890, 2000000000, 20000000000]
        let table: [(OTPAlgorithm, [UInt8], [String])] = [
            (.sha1, sha1Seed, ["94287082", "07081804", "14050471", "89005924", "69279037", "65353130"]),
            (.sha256, sha256Seed, ["46119246", "68084774", "67062674", "91819424", "90698825", "77737706"]),
            (.sha512, sha512Seed, ["90693936", "25091201", "99943326", "93441116", "38618901", "47863826"]),
        ]
        for (algorithm, seed, codes) in table {
            let totp = TOTP(secret: seed, digits: 8, algorithm: algorithm)
            for (t, code) in zip(times, codes) { XCTAssertEqual(totp.code(at: t), code, "\(algorithm) at \(t)") }
        }
        // The RFC's step values (T in hex) for two of the times.
        XCTAssertEqual(TOTP(secret: sha1Seed).step(at: 1111111109), 0x23523EC)
        XCTAssertEqual(TOTP(secret: sha1Seed).step(at: 20000000000), 0x27BC86AA)
    }

    func testSixDigitCodesKeepLeadingZeros() {
        // 07081804 in eight digits is 081804 in six: the same truncation, modulo 10^6.
        XCTAssertEqual(TOTP(secret: sha1Seed).code(at: 1111111109), "081804")
    }

    func testVerifyAcceptsOneStepEitherSideAndNoFurther() {
        let totp = TOTP(secret: sha1Seed)
        let now = 1_234_567_890.0
        let step = totp.step(at: now)
        XCTAssertEqual(totp.verify(totp.code(step: step), at: now), step)
        XCTAssertEqual(totp.verify(totp.code(step: step - 1), at: now), step - 1, "a code typed as the step turned")
        XCTAssertEqual(totp.verify(totp.code(step: step + 1), at: now), step + 1, "a phone clock a little ahead")
        XCTAssertNil(totp.verify(totp.code(step: step - 2), at: now))
        XCTAssertNil(totp.verify(totp.code(step: step + 2), at: now))
        XCTAssertEqual(totp.verify(" " + totp.code(step: step).prefix(3) + " " + totp.code(step: step).suffix(3), at: now), step, "spaces ignored")
        for bad in ["", "12345", "1234567", "abcdef", "１２３４５６"] { XCTAssertNil(totp.verify(bad, at: now), bad) }
    }

    func testACodeIsNeverAcceptedTwiceNorAnOlderOne() {
        let totp = TOTP(secret: sha1Seed)
        let now = 1_234_567_890.0
        let step = totp.step(at: now)
        let used = totp.verify(totp.code(step: step), at: now)
        XCTAssertEqual(used, step)
        XCTAssertNil(totp.verify(totp.code(step: step), at: now, after: used), "replay of the same code")
        XCTAssertNil(totp.verify(totp.code(step: step - 1), at: now, after: used), "an older code after a newer one")
        XCTAssertEqual(totp.verify(totp.code(step: step + 1), at: now + 30, after: used), step + 1, "the next step's code is fine")
    }

    func testBase32MatchesRFC4648() {
        let vectors = [("", ""), ("f", "MY"), ("fo", "MZXQ"), ("foo", "MZXW6"), ("foob", "MZXW6YQ"), ("fooba", "MZXW6YTB"), ("foobar", "MZXW6YTBOI")]
        for (plain, encoded) in vectors {
            XCTAssertEqual(Base32.encode(Array(plain.utf8)), encoded)
            XCTAssertEqual(Base32.decode(encoded), Array(plain.utf8))
            XCTAssertEqual(Base32.decode(encoded.lowercased() + "===="), Array(plain.utf8), "case and padding do not matter")
        }
        XCTAssertNil(Base32.decode("MZXW1"), "1 is not in the alphabet")
        let secret = TOTP.randomSecret()
        XCTAssertEqual(secret.count, 20)
        XCTAssertEqual(Base32.decode(Base32.encode(secret)), secret)
        XCTAssertEqual(Base32.encode(secret).count, 32)
    }

    func testKeyURIFormat() {
        let totp = TOTP(secret: Array("12345678901234567890".utf8))
        XCTAssertEqual(totp.uri(issuer: "Pingan", account: "admin"),
                       "otpauth://totp/Pingan:admin?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=Pingan")
        XCTAssertEqual(TOTP(secret: [1, 2], digits: 8, period: 60, algorithm: .sha256).uri(issuer: "平安 X", account: "a@b"),
                       "otpauth://totp/%E5%B9%B3%E5%AE%89%20X:a%40b?secret=AEBA&issuer=%E5%B9%B3%E5%AE%89%20X&algorithm=SHA256&digits=8&period=60")
    }
}
