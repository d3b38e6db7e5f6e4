import Foundation

/// The chunk list of a PNG file (length, type, data, CRC), located by offsets.
struct PNGChunks {
    struct Chunk {
        var type: String
        /// The whole chunk, length field to CRC: what the stripper copies.
        var range: Range<Int>
        var data: Range<Int>
        var crcOK: Bool
        /// Bit 5 of the first type letter: lower case = ancillary (safe to drop).
        var isCritical: Bool { type.utf8.first.map { $0 & 0x20 == 0 } ?? false }
    }

    static let signature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]

    var chunks: [Chunk] = []
    /// The file ended inside a chunk or before IEND.
    var truncated = false

    /// Walks the chunks up to IEND (at most 100 000 of them).
    static func parse(_ b: [UInt8], checkCRC: Bool = false) -> PNGChunks {
        var out = PNGChunks()
        guard ByteView(b).matches(0, signature) else { out.truncated = true; return out }
        let v = ByteView(b)
        var pos = 8
        while out.chunks.count < 100_000 {
            guard let length = v.u32(pos), let type = v.ascii(pos + 4, 4), length <= b.count - pos - 12 else {
                out.truncated = true
                return out
            }
            let data = pos + 8..<pos + 8 + length
            var ok = true
            if checkCRC, let stored = v.u32(data.upperBound) {
                ok = CRC32.checksum(b[pos + 4..<data.upperBound]) == UInt32(stored)
            }
            out.chunks.append(Chunk(type: type, range: pos..<data.upperBound + 4, data: data, crcOK: ok))
            pos = data.upperBound + 4
            if type == "IEND" { return out }
        }
        return out
    }
}

/// CRC-32 (ISO 3309, as PNG and zlib's gzip use).
enum CRC32 {
    static let table: [UInt32] = (0..<256).map { n -> UInt32 in
        var c = UInt32(n)
        for _ in 0..<8 { c = c & 1 == 1 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1 }
        return c
    }

    static func checksum<C: Collection>(_ bytes: C) -> UInt32 where C.Element == UInt8 {
        var c: UInt32 = 0xFFFF_FFFF
        table.withUnsafeBufferPointer { t in
            for b in bytes { c = t[Int((c ^ UInt32(b)) & 0xFF)] ^ (c >> 8) }
        }
        return c ^ 0xFFFF_FFFF
    }

    /// A complete chunk (length, type, data, CRC) for `type` and `data`.
    static func chunk(_ type: String, _ data: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        out.appendBE(data.count, width: 4)
        let body = Array(type.utf8) + data
        out += body
        out.appendBE(Int(checksum(body)), width: 4)
        return out
    }
}
