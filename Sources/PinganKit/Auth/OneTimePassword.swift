import Foundation
import Crypto

/// The HMAC behind a one-time password (RFC 4226 § 5.2 uses SHA-1; RFC 6238 § 1.2 allows SHA-256 and SHA-512).
public enum OTPAlgorithm: String, Sendable, CaseIterable, Codable {
    case sha1 = "SHA1", sha256 = "SHA256", sha512 = "SHA512"

    func mac(key: [UInt8], message: [UInt8]) -> [UInt8] {
        let k = SymmetricKey(data: key)
        switch self {
        case .sha1: return Array(HMAC<Insecure.SHA1>.authenticationCode(for: message, using: k))
        case .sha256: return Array(HMAC<SHA256>.authenticationCode(for: message, using: k))
        case .sha512: return Array(HMAC<SHA512>.authenticationCode(for: message, using: k))
        }
    }
}

/// HOTP, RFC 4226: an HMAC of an 8-byte big-endian counter, dynamically truncated to `digits` decimal digits.
public enum HOTP {
    public static func code(secret: [UInt8], counter: UInt64, digits: Int = 6, algorithm: OTPAlgorithm = .sha1) -> String {
        precondition((6...9).contains(digits), "RFC 4226 codes have 6 to 9 digits")
        let message = (0..<8).map { UInt8(truncatingIfNeeded: counter >> (8 * (7 - UInt64($0)))) }
        let h = algorithm.mac(key: secret, message: message)
        // Dynamic truncation (§ 5.3): the low nibble of the last byte picks 4 bytes; the top bit is dropped.
        let offset = Int(h[h.count - 1] & 0x0F)
        let binary = (UInt32(h[offset] & 0x7F) << 24) | (UInt32(h[offset + 1]) << 16) | (UInt32(h[offset + 2]) << 8) | UInt32(h[offset + 3])
        var modulus: UInt32 = 1
        for _ in 0..<digits { modulus *= 10 }
        let value = String(binary % modulus)
        return String(repeating: "0", count: digits - value.count) + value
    }
}

/// TOTP, RFC 6238: HOTP over the number of `period`-second steps since `t0` (the Unix epoch by default).
public struct TOTP: Sendable, Equatable {
    public var secret: [UInt8]
    public var digits: Int
    public var period: Int
    public var algorithm: OTPAlgorithm

    /// 20 bytes (160 bits) is RFC 4226's recommended secret length for SHA-1; authenticator apps expect 6 digits and 30 s.
    public init(secret: [UInt8], digits: Int = 6, period: Int = 30, algorithm: OTPAlgorithm = .sha1) {
        self.secret = secret; self.digits = digits; self.period = period; self.algorithm = algorithm
    }

    /// A fresh random secret.
    public static func randomSecret(bytes: Int = 20) -> [UInt8] {
        var g = SystemRandomNumberGenerator()
        return (0..<bytes).map { _ in UInt8.random(in: 0...255, using: &g) }
    }

    /// The time step holding `time` (seconds since the Unix epoch); times before the epoch have none.
    public func step(at time: Double) -> Int64 { Int64((max(0, time) / Double(period)).rounded(.down)) }

    public func code(step: Int64) -> String { HOTP.code(secret: secret, counter: UInt64(max(0, step)), digits: digits, algorithm: algorithm) }
    public func code(at time: Double) -> String { code(step: step(at: time)) }

    /// The step whose code `input` is, within `window` steps either side of `time` (RFC 6238 § 5.2: allow for clock
    /// drift and typing time), and later than `lastUsedStep`: a code, once accepted, is never accepted again (§ 5.2,
    /// "the verifier MUST NOT accept the second attempt of the OTP after the successful validation"), nor is any code
    /// older than it. Spaces in the input are ignored; every candidate is compared in constant time.
    public func verify(_ input: String, at time: Double, window: Int = 1, after lastUsedStep: Int64? = nil) -> Int64? {
        let typed = input.filter { !$0.isWhitespace }
        guard typed.count == digits, typed.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        let now = step(at: time)
        var match: Int64? = nil
        for s in (now - Int64(window))...(now + Int64(window)) where s >= 0 {
            // No early exit: the work does not depend on which step (if any) matched.
            if Self.constantTimeEqual(code(step: s), typed), match == nil { match = s }
        }
        guard let match else { return nil }
        if let last = lastUsedStep, match <= last { return nil }
        return match
    }

    /// `otpauth://totp/Issuer:account?secret=…&issuer=…` (the Key Uri Format authenticator apps read from a QR code).
    public func uri(issuer: String, account: String) -> String {
        func enc(_ s: String) -> String {
            let allowed = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
            return s.addingPercentEncoding(withAllowedCharacters: allowed) ?? s
        }
        var query = "secret=\(Base32.encode(secret))&issuer=\(enc(issuer))"
        if algorithm != .sha1 { query += "&algorithm=\(algorithm.rawValue)" }
        if digits != 6 { query += "&digits=\(digits)" }
        if period != 30 { query += "&period=\(period)" }
        return "otpauth://totp/\(enc(issuer)):\(enc(account))?\(query)"
    }

    static func constantTimeEqual(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8), y = Array(b.utf8)
        guard x.count == y.count else { return false }
        var diff: UInt8 = 0
        for i in 0..<x.count { diff |= x[i] ^ y[i] }
        return diff == 0
    }
}

/// RFC 4648 base32 (the alphabet authenticator apps take secrets in), written without padding.
public enum Base32 {
    static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567".utf8)

    public static func encode(_ bytes: [UInt8]) -> String {
        var out: [UInt8] = []
        var buffer: UInt32 = 0, bits = 0
        for b in bytes {
            buffer = (buffer << 8) | UInt32(b); bits += 8
            while bits >= 5 { out.append(alphabet[Int((buffer >> UInt32(bits - 5)) & 31)]); bits -= 5 }
        }
        if bits > 0 { out.append(alphabet[Int((buffer << UInt32(5 - bits)) & 31)]) }
        return String(decoding: out, as: UTF8.self)
    }

    /// Case-insensitive; spaces, hyphens and `=` padding are ignored. Nil for any other character.
    public static func decode(_ text: String) -> [UInt8]? {
        var out: [UInt8] = []
        var buffer: UInt32 = 0, bits = 0
        for c in text.uppercased().utf8 where c != 0x20 && c != 0x2D && c != 0x3D {
            guard let v = alphabet.firstIndex(of: c) else { return nil }
            buffer = (buffer << 5) | UInt32(v); bits += 5
            if bits >= 8 { out.append(UInt8((buffer >> UInt32(bits - 8)) & 0xFF)); bits -= 8 }
        }
        return out
    }
}
