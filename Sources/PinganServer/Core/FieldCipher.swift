import Crypto
import Foundation
import Vapor

/// Personal identifiers at rest: AES-GCM for the value, and a keyed HMAC "blind index" so an exact
/// match (e.g. find a person by ID number) works without decrypting every row. Both keys are
/// derived from the configured secret with HKDF, so one secret never serves two purposes.
struct FieldCipher: Sendable {
    private let sealKey: SymmetricKey
    private let indexKey: SymmetricKey
    /// Keyed once: HMAC's key setup was a third of each blind index's cost in bulk imports.
    private let indexHMAC: HMAC<SHA256>

    init(secret: SymmetricKey) {
        sealKey = HKDF<SHA256>.deriveKey(inputKeyMaterial: secret, info: Data("pingan/field-encryption/v1".utf8), outputByteCount: 32)
        indexKey = HKDF<SHA256>.deriveKey(inputKeyMaterial: secret, info: Data("pingan/blind-index/v1".utf8), outputByteCount: 32)
        indexHMAC = HMAC<SHA256>(key: indexKey)
    }

    struct Failure: Error {}

    /// "v1:" + base64(nonce ‖ ciphertext ‖ tag).
    func seal(_ plaintext: String) throws -> String {
        let box = try AES.GCM.seal(Data(plaintext.utf8), using: sealKey)
        guard let combined = box.combined else { throw Failure() }
        return "v1:" + combined.base64EncodedString()
    }

    func open(_ sealed: String) throws -> String {
        guard sealed.hasPrefix("v1:"), let data = Data(base64Encoded: String(sealed.dropFirst(3))) else { throw Failure() }
        let plain = try AES.GCM.open(try AES.GCM.SealedBox(combined: data), using: sealKey)
        guard let s = String(data: plain, encoding: .utf8) else { throw Failure() }
        return s
    }

    /// Hex HMAC-SHA256 of the normalised value, namespaced by field so equal values in two fields differ.
    func blindIndex(_ normalized: String, field: String) -> String {
        var mac = indexHMAC
        mac.update(data: Array((field + "\u{0}" + normalized).utf8))
        return Self.hex(mac.finalize())
    }

    /// Lower-case hex by table lookup: `String(format:)` per byte was most of an import's CPU time.
    static func hex<D: Sequence>(_ bytes: D) -> String where D.Element == UInt8 {
        let digits: [UInt8] = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(64)
        for b in bytes { out.append(digits[Int(b >> 4)]); out.append(digits[Int(b & 0x0F)]) }
        return String(decoding: out, as: UTF8.self)
    }
}

extension Request {
    var cipher: FieldCipher { FieldCipher(secret: config.secretKey) }
}
