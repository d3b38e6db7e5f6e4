import Foundation

/// zlib (RFC 1950) and DEFLATE (RFC 1951) decompression for PNG image data, written here so the
/// server needs no system zlib. The caller gives the largest output it accepts (for PNG, the exact
/// size the header implies), so a small file cannot expand into gigabytes.
enum Inflate {
    static func zlib(_ input: [UInt8], maxOutput: Int) throws -> [UInt8] {
        guard input.count >= 2 else { throw MediaError.truncated("PNG") }
        let cmf = Int(input[0]), flg = Int(input[1])
        guard cmf & 0x0F == 8, (cmf << 8 | flg) % 31 == 0, flg & 0x20 == 0 else {
            throw MediaError.corrupt("PNG", "zlib header")
        }
        return try raw(input, from: 2, maxOutput: maxOutput, checkAdler: true)
    }

    /// Raw DEFLATE from `from`; with `checkAdler`, the zlib trailer is verified when present.
    static func raw(_ input: [UInt8], from: Int, maxOutput: Int, checkAdler: Bool) throws -> [UInt8] {
        try [UInt8](unsafeUninitializedCapacity: maxOutput) { buf, initialized in
            initialized = 0
            try input.withUnsafeBufferPointer { inp in
                var st = InflateState(inp: inp, out: buf, pos: from)
                defer { initialized = st.outPos }
                try st.run()
                if checkAdler { try st.verifyAdler() }
            }
        }
    }

    // Length and distance bases and extra bits (RFC 1951 §3.2.5).
    static let lengthBase: [Int] = [3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258]
    static let lengthExtra: [Int] = [0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0]
    static let distBase: [Int] = [1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537, 2049, 3073,
                                  4097, 6145, 8193, 12289, 16385, 24577]
    static let distExtra: [Int] = [0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13]
    static let codeLengthOrder: [Int] = [16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15]

    static let fixedLiteral = try! HuffmanDecoder(lengths: (0..<288).map { $0 < 144 ? 8 : $0 < 256 ? 9 : $0 < 280 ? 7 : 8 })
    static let fixedDistance = try! HuffmanDecoder(lengths: [UInt8](repeating: 5, count: 30))
}

/// A canonical Huffman decoder: a 9-bit direct table for short codes (nearly all symbols), and a
/// search over code lengths for the rest, as in stb_image.
struct HuffmanDecoder {
    static let fastBits = 9
    var fast = [UInt16](repeating: 0, count: 1 << fastBits) // (length << 9) | symbol; 0 = not a short code
    var firstCode = [Int](repeating: 0, count: 17)
    var firstSymbol = [Int](repeating: 0, count: 17)
    var maxCode = [Int](repeating: 0, count: 18)             // left-aligned to 16 bits
    var sizes: [UInt8]
    var values: [UInt16]

    init(lengths: [UInt8]) throws {
        var counts = [Int](repeating: 0, count: 17)
        for l in lengths { counts[Int(l)] += 1 }
        counts[0] = 0
        sizes = [UInt8](repeating: 0, count: lengths.count)
        values = [UInt16](repeating: 0, count: lengths.count)
        var nextCode = [Int](repeating: 0, count: 17)
        var code = 0, k = 0
        for i in 1...16 {
            nextCode[i] = code
            firstCode[i] = code
            firstSymbol[i] = k
            code += counts[i]
            if counts[i] > 0 && code - 1 >= 1 << i { throw MediaError.corrupt("PNG", "Huffman code lengths") }
            maxCode[i] = code << (16 - i)
            code <<= 1
            k += counts[i]
        }
        maxCode[17] = Int.max
        for (symbol, l) in lengths.enumerated() where l > 0 {
            let s = Int(l)
            let c = nextCode[s] - firstCode[s] + firstSymbol[s]
            sizes[c] = l
            values[c] = UInt16(symbol)
            if s <= Self.fastBits {
                var j = Self.reverse(nextCode[s], bits: s)
                while j < 1 << Self.fastBits {
                    fast[j] = UInt16(s << 9 | symbol)
                    j += 1 << s
                }
            }
            nextCode[s] += 1
        }
    }

    static func reverse(_ v: Int, bits: Int) -> Int {
        var r = 0, x = v
        for _ in 0..<bits { r = r << 1 | x & 1; x >>= 1 }
        return r
    }

    /// Decodes one symbol from the low bits of `bits` (DEFLATE packs codes LSB first); returns
    /// (symbol, code length), or nil for an invalid code.
    @inline(__always)
    func decode(_ bits: UInt64) -> (Int, Int)? {
        let f = Int(fast[Int(bits & UInt64((1 << Self.fastBits) - 1))])
        if f != 0 { return (f & 511, f >> 9) }
        let k = Self.reverse(Int(bits & 0xFFFF), bits: 16)
        var s = Self.fastBits + 1
        while s <= 16 && k >= maxCode[s] { s += 1 }
        guard s <= 16 else { return nil }
        let c = (k >> (16 - s)) - firstCode[s] + firstSymbol[s]
        guard c >= 0, c < sizes.count, Int(sizes[c]) == s else { return nil }
        return (Int(values[c]), s)
    }
}

struct InflateState {
    let inp: UnsafeBufferPointer<UInt8>
    let out: UnsafeMutableBufferPointer<UInt8>
    var pos: Int
    var outPos = 0
    var bits: UInt64 = 0
    var nbits = 0
    /// Zero bytes fed past the end of the input; consuming them means the stream was truncated.
    var overrun = 0

    init(inp: UnsafeBufferPointer<UInt8>, out: UnsafeMutableBufferPointer<UInt8>, pos: Int) {
        self.inp = inp
        self.out = out
        self.pos = pos
    }

    @inline(__always) mutating func refill() {
        while nbits <= 56 {
            if pos < inp.count { bits |= UInt64(inp[pos]) << UInt64(nbits); pos += 1 } else { overrun += 1 }
            nbits += 8
        }
    }

    @inline(__always) mutating func consume(_ n: Int) throws {
        bits >>= UInt64(n)
        nbits -= n
        if nbits < overrun * 8 { throw MediaError.truncated("PNG") }
    }

    mutating func take(_ n: Int) throws -> Int {
        if nbits < n { refill() }
        let v = Int(bits & ((1 << UInt64(n)) - 1))
        try consume(n)
        return v
    }

    @inline(__always) mutating func symbol(_ h: HuffmanDecoder) throws -> Int {
        if nbits < 16 { refill() }
        guard let (sym, len) = h.decode(bits) else { throw MediaError.corrupt("PNG", "invalid Huffman code") }
        try consume(len)
        return sym
    }

    mutating func run() throws {
        var final = false
        while !final {
            final = try take(1) == 1
            switch try take(2) {
            case 0: try stored()
            case 1: try codes(Inflate.fixedLiteral, Inflate.fixedDistance)
            case 2:
                let (lit, dist) = try dynamicTables()
                try codes(lit, dist)
            default: throw MediaError.corrupt("PNG", "invalid deflate block type")
            }
        }
    }

    mutating func stored() throws {
        // Drop to a byte boundary and give unread whole bytes back to the input.
        try consume(nbits % 8)
        pos -= nbits / 8 - overrun
        bits = 0; nbits = 0; overrun = 0
        guard pos + 4 <= inp.count else { throw MediaError.truncated("PNG") }
        let len = Int(inp[pos]) | Int(inp[pos + 1]) << 8, nlen = Int(inp[pos + 2]) | Int(inp[pos + 3]) << 8
        guard len == nlen ^ 0xFFFF else { throw MediaError.corrupt("PNG", "stored block length") }
        pos += 4
        guard pos + len <= inp.count else { throw MediaError.truncated("PNG") }
        guard outPos + len <= out.count else { throw MediaError.corrupt("PNG", "too much image data") }
        for i in 0..<len { out[outPos + i] = inp[pos + i] }
        outPos += len
        pos += len
    }

    mutating func dynamicTables() throws -> (HuffmanDecoder, HuffmanDecoder) {
        let hlit = try take(5) + 257, hdist = try take(5) + 1, hclen = try take(4) + 4
        var clen = [UInt8](repeating: 0, count: 19)
        for i in 0..<hclen { clen[Inflate.codeLengthOrder[i]] = UInt8(try take(3)) }
        let lengthCodes = try HuffmanDecoder(lengths: clen)
        var lengths = [UInt8]()
        lengths.reserveCapacity(hlit + hdist)
        while lengths.count < hlit + hdist {
            let s = try symbol(lengthCodes)
            switch s {
            case 0...15: lengths.append(UInt8(s))
            case 16:
                guard let last = lengths.last else { throw MediaError.corrupt("PNG", "repeat with no previous length") }
                lengths += [UInt8](repeating: last, count: 3 + (try take(2)))
            case 17: lengths += [UInt8](repeating: 0, count: 3 + (try take(3)))
            default: lengths += [UInt8](repeating: 0, count: 11 + (try take(7)))
            }
        }
        guard lengths.count == hlit + hdist, lengths[256] != 0 else { throw MediaError.corrupt("PNG", "code lengths") }
        return (try HuffmanDecoder(lengths: Array(lengths[0..<hlit])), try HuffmanDecoder(lengths: Array(lengths[hlit...])))
    }

    mutating func codes(_ lit: HuffmanDecoder, _ dist: HuffmanDecoder) throws {
        while true {
            if nbits < 48 { refill() }
            let s = try symbol(lit)
            if s < 256 {
                guard outPos < out.count else { throw MediaError.corrupt("PNG", "too much image data") }
                out[outPos] = UInt8(s)
                outPos += 1
                continue
            }
            if s == 256 { return }
            let li = s - 257
            guard li < 29 else { throw MediaError.corrupt("PNG", "invalid length code") }
            let length = Inflate.lengthBase[li] + (try take(Inflate.lengthExtra[li]))
            let ds = try symbol(dist)
            guard ds < 30 else { throw MediaError.corrupt("PNG", "invalid distance code") }
            let distance = Inflate.distBase[ds] + (try take(Inflate.distExtra[ds]))
            guard distance <= outPos else { throw MediaError.corrupt("PNG", "distance before start") }
            guard outPos + length <= out.count else { throw MediaError.corrupt("PNG", "too much image data") }
            // Byte by byte: the source may overlap what is being written (runs).
            var from = outPos - distance
            for _ in 0..<length { out[outPos] = out[from]; outPos += 1; from += 1 }
        }
    }

    /// Checks the zlib Adler-32 trailer when the stream has one (a missing trailer is tolerated, as
    /// PNG readers do; a wrong one is corruption).
    mutating func verifyAdler() throws {
        try consume(nbits % 8)
        pos -= nbits / 8 - overrun
        guard pos + 4 <= inp.count else { return }
        let stored = UInt32(inp[pos]) << 24 | UInt32(inp[pos + 1]) << 16 | UInt32(inp[pos + 2]) << 8 | UInt32(inp[pos + 3])
        var a: UInt32 = 1, b: UInt32 = 0
        var i = 0
        while i < outPos {
            let end = min(outPos, i + 5552) // the largest run before the sums can overflow 32 bits
            while i < end { a &+= UInt32(out[i]); b &+= a; i += 1 }
            a %= 65521; b %= 65521
        }
        guard b << 16 | a == stored else { throw MediaError.corrupt("PNG", "Adler-32 checksum") }
    }
}
