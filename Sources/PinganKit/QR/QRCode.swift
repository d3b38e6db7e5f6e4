/// A QR Code (ISO/IEC 18004) encoder for what Pingan needs: byte mode, error-correction level M, versions 1–10
/// (up to 213 bytes — an `otpauth://` URI is about 120). The server draws the result as SVG (`QRCode+SVG.swift`), so
/// enrolling a phone for two-factor sign-in calls no outside service and no JavaScript.
///
/// The steps follow the standard in order: data bits (§ 7.4), Reed–Solomon error correction and interleaving
/// (§ 7.5–7.6), function patterns (§ 6.3), codeword placement (§ 7.7.3), masking with the penalty rules (§ 7.8) and
/// the format and version information (§ 7.9–7.10). Checked against a reference encoder and a decoder in
/// `Tests/peer/qr_totp_check.py`.
public struct QRCode: Sendable, Equatable {
    public let version: Int
    public let mask: Int
    /// Modules per side: 17 + 4 × version.
    public let size: Int
    /// Row-major, `true` = dark.
    public private(set) var modules: [Bool]

    public enum Failure: Error, Equatable { case tooLong(bytes: Int, capacity: Int), badVersion(Int), badMask(Int) }

    public subscript(x: Int, y: Int) -> Bool { modules[y * size + x] }

    public static let maxVersion = 10

    /// Level M block structure per version (index 0 = version 1): error-correction codewords per block, and the
    /// blocks as (count, data codewords each) — ISO/IEC 18004 table 9.
    static let ecPerBlock = [10, 16, 26, 18, 24, 16, 18, 22, 22, 26]
    static let blockGroups: [[(count: Int, data: Int)]] = [
        [(1, 16)], [(1, 28)], [(1, 44)], [(2, 32)], [(2, 43)], [(4, 27)], [(4, 31)], [(2, 38), (2, 39)], [(3, 36), (2, 37)], [(4, 43), (1, 44)],
    ]
    /// Centres of the alignment patterns per version (table E.1).
    static let alignment: [[Int]] = [[], [6, 18], [6, 22], [6, 26], [6, 30], [6, 34], [6, 22, 38], [6, 24, 42], [6, 26, 46], [6, 28, 50]]

    static func dataCodewords(_ version: Int) -> Int { blockGroups[version - 1].reduce(0) { $0 + $1.count * $1.data } }
    static func countBits(_ version: Int) -> Int { version <= 9 ? 8 : 16 }
    /// The most bytes a version holds in byte mode at level M.
    public static func byteCapacity(version: Int) -> Int { (dataCodewords(version) * 8 - 4 - countBits(version)) / 8 }

    /// Encodes `text` as UTF-8 bytes.
    public static func encode(_ text: String, minVersion: Int = 1, mask: Int? = nil) throws -> QRCode {
        try encode(Array(text.utf8), minVersion: minVersion, mask: mask)
    }

    /// The smallest version from `minVersion` that holds the bytes; the mask with the lowest penalty unless one is given.
    public static func encode(_ bytes: [UInt8], minVersion: Int = 1, mask: Int? = nil) throws -> QRCode {
        guard (1...maxVersion).contains(minVersion) else { throw Failure.badVersion(minVersion) }
        if let m = mask, !(0...7).contains(m) { throw Failure.badMask(m) }
        guard let version = (minVersion...maxVersion).first(where: { byteCapacity(version: $0) >= bytes.count }) else {
            throw Failure.tooLong(bytes: bytes.count, capacity: byteCapacity(version: maxVersion))
        }
        let codewords = interleave(dataBits(bytes, version: version), version: version)
        var base = Matrix(version: version)
        base.drawFunctionPatterns()
        base.place(codewords)
        if let mask { return QRCode(base.masked(mask), mask: mask) }
        var best: (penalty: Int, mask: Int, matrix: Matrix)? = nil
        for m in 0..<8 {
            let candidate = base.masked(m)
            let p = candidate.penalty()
            if best == nil || p < best!.penalty { best = (p, m, candidate) }
        }
        return QRCode(best!.matrix, mask: best!.mask)
    }

    private init(_ m: Matrix, mask: Int) {
        version = m.version; size = m.size; modules = m.dark; self.mask = mask
    }

    /// Mode indicator, character count, the bytes, terminator, bit padding and pad codewords (§ 7.4.2–7.4.10).
    static func dataBits(_ bytes: [UInt8], version: Int) -> [UInt8] {
        var bits: [Bool] = []
        func append(_ value: Int, _ count: Int) { for i in stride(from: count - 1, through: 0, by: -1) { bits.append((value >> i) & 1 == 1) } }
        append(0b0100, 4)
        append(bytes.count, countBits(version))
        for b in bytes { append(Int(b), 8) }
        let capacity = dataCodewords(version) * 8
        append(0, min(4, capacity - bits.count))
        if bits.count % 8 != 0 { append(0, 8 - bits.count % 8) }
        var out: [UInt8] = stride(from: 0, to: bits.count, by: 8).map { i in (0..<8).reduce(UInt8(0)) { $0 << 1 | (bits[i + $1] ? 1 : 0) } }
        var pad: UInt8 = 0xEC
        while out.count < dataCodewords(version) { out.append(pad); pad = pad == 0xEC ? 0x11 : 0xEC }
        return out
    }

    /// Splits the data into blocks, adds each block's error-correction codewords, and interleaves (§ 7.6).
    static func interleave(_ data: [UInt8], version: Int) -> [UInt8] {
        let ecLength = ecPerBlock[version - 1]
        let divisor = ReedSolomon.generator(degree: ecLength)
        var blocks: [[UInt8]] = []
        var offset = 0
        for group in blockGroups[version - 1] {
            for _ in 0..<group.count { blocks.append(Array(data[offset..<offset + group.data])); offset += group.data }
        }
        let ecc = blocks.map { ReedSolomon.remainder($0, divisor: divisor) }
        var out: [UInt8] = []
        for i in 0..<(blocks.map(\.count).max() ?? 0) { for b in blocks where i < b.count { out.append(b[i]) } }
        for i in 0..<ecLength { for e in ecc { out.append(e[i]) } }
        return out
    }
}

/// Reed–Solomon over GF(2⁸) with the QR polynomial x⁸ + x⁴ + x³ + x² + 1 (0x11D), generator roots α⁰…α^(n−1).
enum ReedSolomon {
    static func multiply(_ x: UInt8, _ y: UInt8) -> UInt8 {
        var z: Int = 0
        for i in stride(from: 7, through: 0, by: -1) {
            z = (z << 1) ^ ((z >> 7) * 0x11D)
            z ^= ((Int(y) >> i) & 1) * Int(x)
        }
        return UInt8(z)
    }

    /// Coefficients of the monic generator polynomial of `degree`, highest power first (the leading 1 left out).
    static func generator(degree: Int) -> [UInt8] {
        var result = [UInt8](repeating: 0, count: degree)
        result[degree - 1] = 1
        var root: UInt8 = 1
        for _ in 0..<degree {
            for j in 0..<degree {
                result[j] = multiply(result[j], root)
                if j + 1 < degree { result[j] ^= result[j + 1] }
            }
            root = multiply(root, 0x02)
        }
        return result
    }

    /// The remainder of data·x^degree divided by the generator: the error-correction codewords.
    static func remainder(_ data: [UInt8], divisor: [UInt8]) -> [UInt8] {
        var result = [UInt8](repeating: 0, count: divisor.count)
        for b in data {
            let factor = b ^ result.removeFirst()
            result.append(0)
            for i in 0..<result.count { result[i] ^= multiply(divisor[i], factor) }
        }
        return result
    }
}
