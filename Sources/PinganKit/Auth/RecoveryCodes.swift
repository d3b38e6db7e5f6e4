import Foundation
import Crypto

/// One-time recovery codes for a lost authenticator: ten at enrolment, shown once, each good for one sign-in.
/// 16 characters from a 30-letter alphabet without look-alikes (no 0/O, 1/I/L, U) ≈ 78 bits each, so an unsalted
/// SHA-256 is enough to store them: guessing one from its hash is out of reach, and no key is needed to check it
/// (a key rotation leaves them valid).
public enum RecoveryCodes {
    static let alphabet = Array("ABCDEFGHJKMNPQRSTVWXYZ23456789")
    public static let length = 16

    /// `count` fresh codes, written `ABCD-EFGH-JKMN-PQRS`.
    public static func generate(count: Int = 10) -> [String] {
        var g = SystemRandomNumberGenerator()
        return (0..<count).map { _ in format(String((0..<length).map { _ in alphabet[Int.random(in: 0..<alphabet.count, using: &g)] })) }
    }

    static func format(_ raw: String) -> String {
        stride(from: 0, to: raw.count, by: 4).map { i in
            String(raw[raw.index(raw.startIndex, offsetBy: i)..<raw.index(raw.startIndex, offsetBy: min(i + 4, raw.count))])
        }.joined(separator: "-")
    }

    /// As typed: case, spaces and hyphens do not matter. Nil when it cannot be a recovery code.
    public static func normalise(_ typed: String) -> String? {
        let s = typed.uppercased().filter { $0 != " " && $0 != "-" }
        guard s.count == length, s.allSatisfy({ alphabet.contains($0) }) else { return nil }
        return s
    }

    /// What is stored: hex SHA-256 of the normalised code.
    public static func hash(_ typed: String) -> String? {
        guard let n = normalise(typed) else { return nil }
        return SHA256.hash(data: Data(n.utf8)).map { String(format: "%02x", $0) }.joined()
    }
}
