import Foundation

/// Baseline JPEG encoder: JFIF, YCbCr 4:2:0, the Annex K quantisation tables scaled by quality as
/// libjpeg does, and the Annex K standard Huffman tables (no optimisation pass: files are a few
/// per cent larger, and one pass keeps it simple). Alpha is composited over white first.
public enum JPEGEncoder {
    /// - quality: 1…100 (libjpeg's scale; 85 is a good photo default).
    /// - iccProfile: an ICC profile to embed (APP2), so pixels from a Display-P3 photo keep their colours.
    public static func encode(_ image: DecodedImage, quality: Int = 85, iccProfile: [UInt8]? = nil) -> Data {
        let img = image.flattened()
        let q = max(1, min(100, quality))
        let lum = scaledTable(JPEGTables.luminanceQuant, quality: q), chr = scaledTable(JPEGTables.chrominanceQuant, quality: q)
        var out: [UInt8] = [0xFF, 0xD8]
        out += [0xFF, 0xE0, 0x00, 0x10] + Array("JFIF".utf8) + [0, 1, 1, 0, 0, 1, 0, 1, 0, 0] // JFIF 1.01, 1:1, no thumbnail
        if let icc = iccProfile, !icc.isEmpty { out += iccSegments(icc) }
        out += [0xFF, 0xDB, 0x00, 0x84]
        for (id, t) in [(0, lum), (1, chr)] {
            out.append(UInt8(id))
            for k in 0..<64 { out.append(UInt8(t[JPEGKernels.zigzag[k]])) }
        }
        out += [0xFF, 0xC0, 0x00, 0x11, 8]
        out.appendBE(img.height, width: 2)
        out.appendBE(img.width, width: 2)
        out += [3, 1, 0x22, 0, 2, 0x11, 1, 3, 0x11, 1] // Y 2×2 (table 0), Cb and Cr 1×1 (table 1)
        for (cls, id, bits, vals) in [(0, 0, JPEGTables.dcLuminanceBits, JPEGTables.dcValues), (1, 0, JPEGTables.acLuminanceBits, JPEGTables.acLuminanceValues),
                                      (0, 1, JPEGTables.dcChrominanceBits, JPEGTables.dcValues), (1, 1, JPEGTables.acChrominanceBits, JPEGTables.acChrominanceValues)] {
            out += [0xFF, 0xC4]
            out.appendBE(2 + 1 + 16 + vals.count, width: 2)
            out.append(UInt8(cls << 4 | id))
            out += bits.map { UInt8($0) } + vals
        }
        out += [0xFF, 0xDA, 0x00, 0x0C, 3, 1, 0x00, 2, 0x11, 3, 0x11, 0, 63, 0]
        var scan = ScanWriter(lum: lum, chr: chr)
        scan.out = out
        scan.encode(img)
        scan.flush()
        return Data(scan.out + [0xFF, 0xD9])
    }

    /// IJG's quality scaling (jcparam.c): 50 is the table as printed; limited to 1…255 for baseline.
    static func scaledTable(_ base: [Int], quality q: Int) -> [Int] {
        let scale = q < 50 ? 5000 / q : 200 - 2 * q
        return base.map { max(1, min(255, ($0 * scale + 50) / 100)) }
    }

    /// The ICC profile split into APP2 "ICC_PROFILE" chunks (sequence number, count, data).
    static func iccSegments(_ icc: [UInt8]) -> [UInt8] {
        let chunk = 65_519
        let n = (icc.count + chunk - 1) / chunk
        guard n < 256 else { return [] }
        var out: [UInt8] = []
        for i in 0..<n {
            let part = icc[i * chunk..<min(icc.count, (i + 1) * chunk)]
            out += [0xFF, 0xE2]
            out.appendBE(2 + 14 + part.count, width: 2)
            out += Array("ICC_PROFILE".utf8) + [0, UInt8(i + 1), UInt8(n)] + part
        }
        return out
    }
}

/// The entropy-coded scan: colour conversion, 2×2 chroma averaging, forward DCT, quantisation and
/// Huffman coding, one 16-row band of MCUs at a time.
struct ScanWriter {
    var out: [UInt8] = []
    var acc: UInt64 = 0
    var nbits = 0
    var predictions = [0, 0, 0]
    /// 1 / (q × AAN scale factors × 8), natural order, luma then chroma: the float FDCT leaves those factors in.
    let divisors: [Float]
    /// Huffman codes as (code << 8 | length) by symbol: DC luma, AC luma, DC chroma, AC chroma, 256 each.
    let codes: [UInt32]

    init(lum: [Int], chr: [Int]) {
        let aan: [Float] = [1.0, 1.387039845, 1.306562965, 1.175875602, 1.0, 0.785694958, 0.541196100, 0.275899379]
        var d = [Float](repeating: 0, count: 128)
        for (t, table) in [lum, chr].enumerated() {
            for i in 0..<64 { d[t * 64 + i] = 1 / (Float(table[i]) * aan[i / 8] * aan[i % 8] * 8) }
        }
        divisors = d
        let luma: [UInt32] = Self.codes(JPEGTables.dcLuminanceBits, JPEGTables.dcValues) + Self.codes(JPEGTables.acLuminanceBits, JPEGTables.acLuminanceValues)
        let chroma: [UInt32] = Self.codes(JPEGTables.dcChrominanceBits, JPEGTables.dcValues)
            + Self.codes(JPEGTables.acChrominanceBits, JPEGTables.acChrominanceValues)
        codes = luma + chroma
    }

    /// Canonical codes by symbol (Annex C).
    static func codes(_ bits: [Int], _ values: [UInt8]) -> [UInt32] {
        var table = [UInt32](repeating: 0, count: 256)
        var code = 0, k = 0
        for l in 1...16 {
            for _ in 0..<bits[l - 1] { table[Int(values[k])] = UInt32(code << 8 | l); code += 1; k += 1 }
            code <<= 1
        }
        return table
    }

    mutating func encode(_ img: DecodedImage) {
        let w = img.width, h = img.height
        let mcusX = (w + 15) / 16, pw = mcusX * 16, cw = pw / 2
        // One band: 16 rows of luma and 8 rows of each chroma plane, plus a block and its coefficients.
        let y = UnsafeMutablePointer<Float>.allocate(capacity: pw * 16), cb = UnsafeMutablePointer<Float>.allocate(capacity: cw * 8)
        let cr = UnsafeMutablePointer<Float>.allocate(capacity: cw * 8), block = UnsafeMutablePointer<Float>.allocate(capacity: 64)
        let coef = UnsafeMutablePointer<Int>.allocate(capacity: 64)
        defer { y.deallocate(); cb.deallocate(); cr.deallocate(); block.deallocate(); coef.deallocate() }
        for my in 0..<(h + 15) / 16 {
            cb.initialize(repeating: 0, count: cw * 8)
            cr.initialize(repeating: 0, count: cw * 8)
            // Colour conversion (JFIF, full range, centred on 0) with edge replication into the padding.
            img.pixels.withUnsafeBufferPointer { px in
                for r in 0..<16 {
                    let row = px.baseAddress! + min(h - 1, my * 16 + r) * w * 3
                    let yr = y + r * pw, cbr = cb + (r / 2) * cw, crr = cr + (r / 2) * cw
                    for x in 0..<pw {
                        let p = row + min(w - 1, x) * 3
                        let R = Float(p[0]), G = Float(p[1]), B = Float(p[2])
                        yr[x] = 0.299 * R + 0.587 * G + 0.114 * B - 128
                        cbr[x / 2] += (-0.168736 * R - 0.331264 * G + 0.5 * B) * 0.25
                        crr[x / 2] += (0.5 * R - 0.418688 * G - 0.081312 * B) * 0.25
                    }
                }
            }
            for mx in 0..<mcusX {
                for b in 0..<4 {
                    let origin = y + (b / 2) * 8 * pw + mx * 16 + (b % 2) * 8
                    for r in 0..<8 { for c in 0..<8 { block[r * 8 + c] = origin[r * pw + c] } }
                    writeBlock(block, coef, component: 0)
                }
                for comp in 1...2 {
                    let plane = comp == 1 ? cb : cr
                    for r in 0..<8 { for c in 0..<8 { block[r * 8 + c] = plane[r * cw + mx * 8 + c] } }
                    writeBlock(block, coef, component: comp)
                }
            }
        }
    }

    mutating func writeBlock(_ block: UnsafeMutablePointer<Float>, _ coef: UnsafeMutablePointer<Int>, component: Int) {
        fdct(block)
        let t = component == 0 ? 0 : 1
        for k in 0..<64 {
            let n = JPEGKernels.zigzag[k], v = block[n] * divisors[t * 64 + n]
            coef[k] = Int(v + (v < 0 ? -0.5 : 0.5)) // round half away from zero, without a libm call
        }
        let dcBase = t * 512, acBase = t * 512 + 256
        let diff = coef[0] - predictions[component]
        predictions[component] = coef[0]
        let dcSize = magnitude(diff)
        put(codes[dcBase + dcSize])
        put(bits: diff, size: dcSize)
        var run = 0
        for k in 1..<64 {
            let v = coef[k]
            if v == 0 { run += 1; continue }
            while run > 15 { put(codes[acBase + 0xF0]); run -= 16 }
            let s = magnitude(v)
            put(codes[acBase + (run << 4 | s)])
            put(bits: v, size: s)
            run = 0
        }
        if run > 0 { put(codes[acBase]) } // end of block
    }

    @inline(__always) func magnitude(_ v: Int) -> Int { v == 0 ? 0 : Int.bitWidth - abs(v).leadingZeroBitCount }

    /// A coefficient's low `size` bits (negative values as v − 1, T.81 F.1.2.1).
    @inline(__always) mutating func put(bits v: Int, size: Int) {
        if size > 0 { write(v < 0 ? v - 1 : v, size) }
    }

    @inline(__always) mutating func put(_ c: UInt32) { write(Int(c >> 8), Int(c & 0xFF)) }

    @inline(__always) mutating func write(_ value: Int, _ length: Int) {
        acc = acc << UInt64(length) | UInt64(truncatingIfNeeded: value) & ((1 << UInt64(length)) - 1)
        nbits += length
        while nbits >= 8 {
            nbits -= 8
            let byte = UInt8(truncatingIfNeeded: acc >> UInt64(nbits))
            out.append(byte)
            if byte == 0xFF { out.append(0) } // byte stuffing
        }
        acc &= (1 << UInt64(nbits)) - 1
    }

    /// Pads the last byte with one bits.
    mutating func flush() { if nbits > 0 { write((1 << (8 - nbits)) - 1, 8 - nbits) } }

    /// The float AAN forward DCT (libjpeg jfdctflt.c), rows then columns, in place.
    @inline(__always) func fdct(_ d: UnsafeMutablePointer<Float>) {
        for pass in 0..<2 {
            let step = pass == 0 ? 1 : 8, next = pass == 0 ? 8 : 1
            for i in 0..<8 {
                let p = d + i * next
                let t0 = p[0] + p[7 * step], t7 = p[0] - p[7 * step], t1 = p[step] + p[6 * step], t6 = p[step] - p[6 * step]
                let t2 = p[2 * step] + p[5 * step], t5 = p[2 * step] - p[5 * step], t3 = p[3 * step] + p[4 * step], t4 = p[3 * step] - p[4 * step]
                var t10 = t0 + t3, t13 = t0 - t3, t11 = t1 + t2, t12 = t1 - t2
                p[0] = t10 + t11; p[4 * step] = t10 - t11
                let z1 = (t12 + t13) * 0.707106781
                p[2 * step] = t13 + z1; p[6 * step] = t13 - z1
                t10 = t4 + t5; t11 = t5 + t6; t12 = t6 + t7
                let z5 = (t10 - t12) * 0.382683433, z2 = 0.541196100 * t10 + z5, z4 = 1.306562965 * t12 + z5, z3 = t11 * 0.707106781
                let z11 = t7 + z3, z13 = t7 - z3
                p[5 * step] = z13 + z2; p[3 * step] = z13 - z2; p[step] = z11 + z4; p[7 * step] = z11 - z4
            }
        }
    }
}
