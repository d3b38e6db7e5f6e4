import Foundation

/// A JPEG Huffman table (ITU T.81 Annex C): a 9-bit lookahead table resolves nearly every code in
/// one step; longer codes fall back to the per-length `maxCode` search of Annex F.2.2.3. A class over
/// raw memory so the per-symbol lookups in the hot loop cost no bounds checks or reference counting.
final class JPEGHuffmanTable {
    static let lookBits = 9
    /// (length << 8) | symbol, indexed by the next 9 bits; 0 when the code is longer than 9 bits.
    let look = UnsafeMutablePointer<UInt16>.allocate(capacity: 1 << lookBits)
    let maxCode = UnsafeMutablePointer<Int>.allocate(capacity: 18)
    let minCode = UnsafeMutablePointer<Int>.allocate(capacity: 17)
    let valPtr = UnsafeMutablePointer<Int>.allocate(capacity: 17)
    let values = UnsafeMutablePointer<UInt8>.allocate(capacity: 256)
    let count: Int

    /// `counts[i]` codes of length i+1, then the symbols in code order.
    init(counts: [Int], values v: [UInt8]) throws {
        look.initialize(repeating: 0, count: 1 << Self.lookBits)
        maxCode.initialize(repeating: -1, count: 18)
        minCode.initialize(repeating: 0, count: 17)
        valPtr.initialize(repeating: 0, count: 17)
        values.initialize(repeating: 0, count: 256)
        count = v.count
        guard counts.count == 16, counts.reduce(0, +) == v.count, v.count <= 256 else {
            throw MediaError.corrupt("JPEG", "Huffman table")
        }
        for (i, x) in v.enumerated() { values[i] = x }
        var code = 0, k = 0
        for l in 1...16 {
            valPtr[l] = k
            minCode[l] = code
            for _ in 0..<counts[l - 1] {
                guard code < 1 << l else { throw MediaError.corrupt("JPEG", "Huffman table overflows") }
                if l <= Self.lookBits {
                    let shift = Self.lookBits - l
                    for i in (code << shift)..<((code + 1) << shift) { look[i] = UInt16(l << 8 | Int(v[k])) }
                }
                code += 1
                k += 1
            }
            maxCode[l] = counts[l - 1] > 0 ? code - 1 : -1
            code <<= 1
        }
        maxCode[17] = Int.max // sentinel: stops the slow search
    }

    deinit {
        look.deallocate(); maxCode.deallocate(); minCode.deallocate(); valPtr.deallocate(); values.deallocate()
    }
}

/// Reads entropy-coded data MSB first, removing stuffed zero bytes. At a marker (RSTn or the end
/// of the scan) or at the end of the file it feeds zero bits and counts them, so callers can tell a
/// truncated file from a complete one without ever reading out of bounds.
struct JPEGBitReader {
    let p: UnsafeBufferPointer<UInt8>
    var pos: Int
    let end: Int
    var acc: UInt64 = 0
    var nbits = 0
    /// Zero bytes fed past a marker or the end.
    var fake = 0

    init(_ p: UnsafeBufferPointer<UInt8>, from: Int, to end: Int) {
        self.p = p
        pos = from
        self.end = min(end, p.count)
    }

    /// True once bits that were never in the file have been consumed.
    var overran: Bool { nbits < fake * 8 }

    @inline(__always) mutating func fill() {
        while nbits <= 56 {
            var byte: UInt8 = 0
            if pos < end {
                let b = p[pos]
                if b != 0xFF { byte = b; pos += 1 }
                else if pos + 1 < end && p[pos + 1] == 0 { byte = 0xFF; pos += 2 }
                else { fake += 1 } // a marker: stay in front of it
            } else {
                fake += 1
            }
            acc |= UInt64(byte) << UInt64(56 - nbits)
            nbits += 8
        }
    }

    @inline(__always) mutating func bits(_ n: Int) -> Int {
        if n == 0 { return 0 }
        if nbits < n { fill() }
        let v = Int(acc >> UInt64(64 - n))
        acc <<= UInt64(n)
        nbits -= n
        return v
    }

    @inline(__always) mutating func bit() -> Int { bits(1) }

    /// `n` bits as a signed coefficient (T.81 F.2.2.1 EXTEND).
    @inline(__always) mutating func receiveExtend(_ n: Int) -> Int {
        if n == 0 { return 0 }
        let v = bits(n)
        return v < 1 << (n - 1) ? v - (1 << n) + 1 : v
    }

    /// Decodes one Huffman symbol; nil for a code the table does not contain.
    @inline(__always) mutating func decode(_ t: JPEGHuffmanTable) -> Int? {
        if nbits < 16 { fill() }
        let e = Int(t.look[Int(acc >> UInt64(64 - JPEGHuffmanTable.lookBits))])
        if e != 0 {
            let l = e >> 8
            acc <<= UInt64(l)
            nbits -= l
            return e & 0xFF
        }
        var l = JPEGHuffmanTable.lookBits + 1
        var code = Int(acc >> UInt64(64 - l))
        while l <= 16 && code > t.maxCode[l] {
            l += 1
            code = Int(acc >> UInt64(64 - l))
        }
        guard l <= 16 else { return nil }
        acc <<= UInt64(l)
        nbits -= l
        let i = t.valPtr[l] + code - t.minCode[l]
        return i >= 0 && i < t.count ? Int(t.values[i]) : nil
    }

    /// At a restart boundary: drop the partial byte and step past the next RSTn marker.
    mutating func restart() {
        acc = 0; nbits = 0; fake = 0
        while pos + 1 < end {
            if p[pos] == 0xFF && (0xD0...0xD7).contains(p[pos + 1]) { pos += 2; return }
            pos += 1
        }
    }
}
