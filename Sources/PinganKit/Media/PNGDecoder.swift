import Foundation

/// Decodes PNG: every colour type (grey, RGB, palette, grey+alpha, RGBA), bit depths 1–16 (16-bit
/// samples keep their high byte), `tRNS` transparency, and Adam7 interlacing. Output is RGB8, or
/// RGBA8 when the image has alpha or `tRNS`. Chunk CRCs of critical chunks are checked.
public enum PNGDecoder {
    public static func decode(_ data: Data, maxPixels: Int = MediaLimits.defaultMaxPixels) throws(MediaError) -> DecodedImage {
        try decode(bytes: [UInt8](data), maxPixels: maxPixels)
    }

    static func decode(bytes: [UInt8], maxPixels: Int) throws(MediaError) -> DecodedImage {
        do { return try decode(bytes, maxPixels: maxPixels) } catch let e as MediaError { throw e } catch {
            throw MediaError.corrupt("PNG", "\(error)")
        }
    }

    struct Header {
        var width = 0, height = 0, depth = 0, colorType = 0, interlaced = false
        var samplesPerPixel: Int { [0: 1, 2: 3, 3: 1, 4: 2, 6: 4][colorType] ?? 0 }
        /// Bytes per complete pixel for the filters (at least 1).
        var filterStride: Int { max(1, samplesPerPixel * depth / 8) }
        func rowBytes(_ w: Int) -> Int { (w * samplesPerPixel * depth + 7) / 8 }
    }

    static let adam7: [(x: Int, y: Int, dx: Int, dy: Int)] = [(0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4),
                                                               (0, 2, 2, 4), (1, 0, 2, 2), (0, 1, 1, 2)]

    static func decode(_ b: [UInt8], maxPixels: Int) throws -> DecodedImage {
        let parsed = PNGChunks.parse(b, checkCRC: true)
        let v = ByteView(b)
        guard let ihdr = parsed.chunks.first, ihdr.type == "IHDR", ihdr.data.count == 13 else {
            throw parsed.truncated ? MediaError.truncated("PNG") : MediaError.corrupt("PNG", "missing IHDR")
        }
        let p = ihdr.data.lowerBound
        var h = Header()
        h.width = v.u32(p)!; h.height = v.u32(p + 4)!
        h.depth = Int(b[p + 8]); h.colorType = Int(b[p + 9]); h.interlaced = b[p + 12] == 1
        let allowed: [Int: [Int]] = [0: [1, 2, 4, 8, 16], 2: [8, 16], 3: [1, 2, 4, 8], 4: [8, 16], 6: [8, 16]]
        guard allowed[h.colorType]?.contains(h.depth) == true, b[p + 10] == 0, b[p + 11] == 0, b[p + 12] <= 1 else {
            throw MediaError.corrupt("PNG", "invalid IHDR")
        }
        try MediaError.checkSize(width: h.width, height: h.height, maxPixels: maxPixels)

        var palette: [UInt8] = [], paletteAlpha: [UInt8] = [], colorKey: [Int]? = nil
        var idat: [UInt8] = []
        for c in parsed.chunks {
            if c.isCritical && !c.crcOK { throw MediaError.corrupt("PNG", "\(c.type) checksum") }
            switch c.type {
            case "PLTE": palette = Array(b[c.data])
            case "tRNS" where c.crcOK:
                if h.colorType == 3 { paletteAlpha = Array(b[c.data]) }
                else if h.colorType == 0, let g = v.u16(c.data.lowerBound) { colorKey = [g] }
                else if h.colorType == 2, let r = v.u16(c.data.lowerBound), let g = v.u16(c.data.lowerBound + 2),
                        let bl = v.u16(c.data.lowerBound + 4) { colorKey = [r, g, bl] }
            case "IDAT": idat += b[c.data]
            default: break
            }
        }
        if h.colorType == 3 && (palette.isEmpty || palette.count % 3 != 0) { throw MediaError.corrupt("PNG", "missing palette") }

        let passes = h.interlaced ? adam7 : [(0, 0, 1, 1)]
        var expected = 0
        for pass in passes {
            let pw = (h.width - pass.x + pass.dx - 1) / pass.dx, ph = (h.height - pass.y + pass.dy - 1) / pass.dy
            if pw > 0 && ph > 0 { expected += ph * (1 + h.rowBytes(pw)) }
        }
        var raw: [UInt8]
        // DEFLATE expands at most 1032:1, so a few bytes claiming a huge image never get a huge buffer.
        let capacity = min(expected, idat.count * 1032 + 1024)
        do { raw = try Inflate.zlib(idat, maxOutput: capacity) } catch let e as MediaError where e.code == .truncated || parsed.truncated {
            throw MediaError.truncated("PNG")
        }
        guard raw.count == expected else { throw parsed.truncated ? MediaError.truncated("PNG") : MediaError.corrupt("PNG", "too little image data") }

        let hasAlpha = h.colorType == 4 || h.colorType == 6 || !paletteAlpha.isEmpty || colorKey != nil
        let ch = hasAlpha ? 4 : 3
        var pixels = [UInt8](repeating: 0, count: h.width * h.height * ch)
        // Palette as RGBA for direct lookup; indices past its end are black, as browsers show them.
        var lut = [UInt8](repeating: 0, count: 256 * 4)
        for i in 0..<256 {
            if i * 3 + 2 < palette.count { for k in 0..<3 { lut[i * 4 + k] = palette[i * 3 + k] } }
            lut[i * 4 + 3] = i < paletteAlpha.count ? paletteAlpha[i] : 255
        }
        var offset = 0
        for pass in passes {
            let pw = (h.width - pass.x + pass.dx - 1) / pass.dx, ph = (h.height - pass.y + pass.dy - 1) / pass.dy
            guard pw > 0 && ph > 0 else { continue }
            let rb = h.rowBytes(pw)
            try unfilter(&raw, at: offset, rows: ph, rowBytes: rb, stride: h.filterStride)
            raw.withUnsafeBufferPointer { r in
                pixels.withUnsafeMutableBufferPointer { out in
                    for y in 0..<ph {
                        let row = UnsafeBufferPointer(rebasing: r[offset + y * (rb + 1) + 1..<offset + (y + 1) * (rb + 1)])
                        let outStart = ((pass.y + y * pass.dy) * h.width + pass.x) * ch
                        convert(row, count: pw, h: h, lut: lut, key: colorKey, out: out, start: outStart, step: pass.dx * ch, ch: ch)
                    }
                }
            }
            offset += ph * (rb + 1)
        }
        return DecodedImage(width: h.width, height: h.height, channels: ch, pixels: pixels)
    }

    /// Undoes the per-row filters (None, Sub, Up, Average, Paeth) in place; each row keeps its leading
    /// filter byte.
    static func unfilter(_ raw: inout [UInt8], at offset: Int, rows: Int, rowBytes rb: Int, stride bpp: Int) throws {
        try raw.withUnsafeMutableBufferPointer { r in
            for y in 0..<rows {
                let start = offset + y * (rb + 1)
                let filter = r[start]
                let cur = start + 1, prev = start - rb // previous row's data (only read when y > 0)
                switch filter {
                case 0: break
                case 1: for i in bpp..<max(bpp, rb) { r[cur + i] &+= r[cur + i - bpp] }
                case 2: if y > 0 { for i in 0..<rb { r[cur + i] &+= r[prev + i] } }
                case 3:
                    for i in 0..<rb {
                        let a = i >= bpp ? Int(r[cur + i - bpp]) : 0, b = y > 0 ? Int(r[prev + i]) : 0
                        r[cur + i] &+= UInt8((a + b) >> 1)
                    }
                case 4:
                    for i in 0..<rb {
                        let a = i >= bpp ? Int(r[cur + i - bpp]) : 0, b = y > 0 ? Int(r[prev + i]) : 0
                        let c = i >= bpp && y > 0 ? Int(r[prev + i - bpp]) : 0
                        let p = a + b - c, pa = abs(p - a), pb = abs(p - b), pc = abs(p - c)
                        r[cur + i] &+= UInt8(pa <= pb && pa <= pc ? a : pb <= pc ? b : c)
                    }
                default: throw MediaError.corrupt("PNG", "invalid row filter \(filter)")
                }
            }
        }
    }

    /// One unfiltered row to RGB8/RGBA8 pixels at `start`, `step` bytes apart.
    static func convert(_ row: UnsafeBufferPointer<UInt8>, count: Int, h: Header, lut: [UInt8], key: [Int]?,
                        out: UnsafeMutableBufferPointer<UInt8>, start: Int, step: Int, ch: Int) {
        let d = h.depth, spp = h.samplesPerPixel
        // A raw sample (full 16-bit value at depth 16) and its 8-bit value.
        @inline(__always) func raw(_ k: Int) -> Int {
            switch d {
            case 8: return Int(row[k])
            case 16: return Int(row[2 * k]) << 8 | Int(row[2 * k + 1])
            default:
                let bit = k * d
                return Int(row[bit >> 3] >> UInt8(8 - d - bit & 7)) & ((1 << d) - 1)
            }
        }
        let scale = [1: 255, 2: 85, 4: 17, 8: 1][d] ?? 1
        @inline(__always) func eight(_ v: Int) -> UInt8 { d == 16 ? UInt8(v >> 8) : UInt8(v * scale) }
        var o = start
        for i in 0..<count {
            let k = i * spp
            switch h.colorType {
            case 0:
                let g = raw(k), e = eight(g)
                out[o] = e; out[o + 1] = e; out[o + 2] = e
                if ch == 4 { out[o + 3] = key?[0] == g ? 0 : 255 }
            case 2:
                let r = raw(k), g = raw(k + 1), b = raw(k + 2)
                out[o] = eight(r); out[o + 1] = eight(g); out[o + 2] = eight(b)
                if ch == 4 { out[o + 3] = key.map { $0 == [r, g, b] } == true ? 0 : 255 }
            case 3:
                let idx = raw(k) * 4
                out[o] = lut[idx]; out[o + 1] = lut[idx + 1]; out[o + 2] = lut[idx + 2]
                if ch == 4 { out[o + 3] = lut[idx + 3] }
            case 4:
                let e = eight(raw(k))
                out[o] = e; out[o + 1] = e; out[o + 2] = e; out[o + 3] = eight(raw(k + 1))
            default:
                out[o] = eight(raw(k)); out[o + 1] = eight(raw(k + 1)); out[o + 2] = eight(raw(k + 2)); out[o + 3] = eight(raw(k + 3))
            }
            o += step
        }
    }
}
