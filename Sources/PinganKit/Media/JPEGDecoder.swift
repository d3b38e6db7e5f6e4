import Foundation

/// Decodes baseline and progressive Huffman JPEG (ITU T.81): greyscale or YCbCr (and Adobe RGB),
/// any integer chroma subsampling (4:4:4, 4:2:2, 4:4:0, 4:2:0, 4:1:1), restart markers. Output is RGB8.
/// Refused with `.unsupported`: CMYK/YCCK, 12-bit, lossless, hierarchical and arithmetic-coded files.
/// The frame size is checked against `maxPixels` before any pixel memory is allocated.
public enum JPEGDecoder {
    public static func decode(_ data: Data, maxPixels: Int = MediaLimits.defaultMaxPixels) throws(MediaError) -> DecodedImage {
        try decode(bytes: [UInt8](data), maxPixels: maxPixels)
    }

    static func decode(bytes: [UInt8], maxPixels: Int) throws(MediaError) -> DecodedImage {
        do { return try JPEGDecoderCore(bytes, maxPixels: maxPixels).run() } catch let e as MediaError { throw e } catch {
            throw MediaError.corrupt("JPEG", "\(error)")
        }
    }
}

/// One colour component: its sampling factors, its decoded samples and (progressive only) its
/// coefficients. Memory is raw so the hot loops avoid copy-on-write and exclusivity checks.
final class JPEGComponent {
    let id: Int, h: Int, v: Int, tq: Int
    /// Real size in samples, and the MCU-padded block grid that is stored.
    let width: Int, height: Int, blocksW: Int, blocksH: Int
    let plane: UnsafeMutablePointer<UInt8>
    /// Freed once transformed, before the RGB output is allocated, to keep the peak down.
    var coef: UnsafeMutablePointer<Int16>?
    var dcTable = 0, acTable = 0
    var stride: Int { blocksW * 8 }

    init(id: Int, h: Int, v: Int, tq: Int, width: Int, height: Int, blocksW: Int, blocksH: Int, progressive: Bool) {
        (self.id, self.h, self.v, self.tq) = (id, h, v, tq)
        (self.width, self.height, self.blocksW, self.blocksH) = (width, height, blocksW, blocksH)
        plane = .allocate(capacity: blocksW * blocksH * 64)
        plane.initialize(repeating: 0, count: blocksW * blocksH * 64)
        if progressive {
            coef = .allocate(capacity: blocksW * blocksH * 64)
            coef!.initialize(repeating: 0, count: blocksW * blocksH * 64)
        }
    }

    deinit {
        plane.deallocate()
        coef?.deallocate()
    }
}

final class JPEGDecoderCore {
    let b: [UInt8]
    let maxPixels: Int
    /// Four quantisation tables of 64 entries, zigzag order.
    let quant = UnsafeMutablePointer<Int32>.allocate(capacity: 4 * 64)
    var dcTables = [JPEGHuffmanTable?](repeating: nil, count: 4)
    var acTables = [JPEGHuffmanTable?](repeating: nil, count: 4)
    var restartInterval = 0
    var comps: [JPEGComponent] = []
    var width = 0, height = 0, hmax = 1, vmax = 1, mcusX = 0, mcusY = 0
    var progressive = false
    var adobeTransform: Int?
    var jfif = false
    var scans = 0
    /// A progressive file may split its coefficients into many scans (libjpeg writes 10, mozjpeg about as
    /// many); each scan walks every block, so hundreds of them are a denial-of-service attempt.
    static let maxScans = 100

    init(_ b: [UInt8], maxPixels: Int) {
        self.b = b
        self.maxPixels = maxPixels
        quant.initialize(repeating: 1, count: 4 * 64)
    }

    deinit { quant.deallocate() }

    func run() throws -> DecodedImage {
        guard let layout = JPEGLayout.parse(b) else { throw MediaError.notAnImage }
        let v = ByteView(b)
        for seg in layout.segments {
            let p = seg.payload.lowerBound
            switch seg.marker {
            case 0xDB: try readQuant(seg)
            case 0xC4: try readHuffman(seg)
            case 0xC0, 0xC1, 0xC2:
                guard comps.isEmpty else { throw MediaError.corrupt("JPEG", "second frame header") }
                try readFrame(seg)
            case 0xC3, 0xC5...0xC7, 0xC9...0xCB, 0xCD...0xCF:
                throw MediaError.unsupported("不支持此类 JPEG（无损、分层或算术编码）", "This JPEG variant (lossless, hierarchical or arithmetic-coded) is not supported")
            case 0xDD: restartInterval = v.u16(p) ?? 0
            case 0xDA:
                guard !comps.isEmpty else { throw MediaError.corrupt("JPEG", "scan before frame header") }
                scans += 1
                guard scans <= Self.maxScans else { throw MediaError.corrupt("JPEG", "too many scans") }
                try decodeScan(seg)
            case 0xE0: if v.ascii(p, 5) == "JFIF\0" { jfif = true }
            case 0xEE: if v.ascii(p, 5) == "Adobe", let t = v.u8(p + 11) { adobeTransform = Int(t) }
            default: break
            }
        }
        guard !comps.isEmpty, scans > 0 else {
            throw layout.truncated ? MediaError.truncated("JPEG") : MediaError.corrupt("JPEG", "no image data")
        }
        // A file cut between segments (not inside a scan, which decodeScan catches) lacks later scans.
        if layout.truncated, layout.segments.last?.marker != 0xDA { throw MediaError.truncated("JPEG") }
        if progressive { finishProgressive() }
        return output()
    }

    func readQuant(_ seg: JPEGSegment) throws {
        var pos = seg.payload.lowerBound
        while pos < seg.payload.upperBound {
            let pq = Int(b[pos] >> 4), tq = Int(b[pos] & 15)
            let size = pq == 0 ? 64 : 128
            guard tq < 4, pq < 2, pos + 1 + size <= seg.payload.upperBound else { throw MediaError.corrupt("JPEG", "quantisation table") }
            for k in 0..<64 { quant[tq * 64 + k] = Int32(pq == 0 ? Int(b[pos + 1 + k]) : Int(b[pos + 1 + 2 * k]) << 8 | Int(b[pos + 2 + 2 * k])) }
            pos += 1 + size
        }
    }

    func readHuffman(_ seg: JPEGSegment) throws {
        var pos = seg.payload.lowerBound
        while pos < seg.payload.upperBound {
            guard pos + 17 <= seg.payload.upperBound else { throw MediaError.corrupt("JPEG", "Huffman table") }
            let tc = Int(b[pos] >> 4), th = Int(b[pos] & 15)
            let counts = (0..<16).map { Int(b[pos + 1 + $0]) }
            let n = counts.reduce(0, +)
            guard tc < 2, th < 4, pos + 17 + n <= seg.payload.upperBound else { throw MediaError.corrupt("JPEG", "Huffman table") }
            let table = try JPEGHuffmanTable(counts: counts, values: Array(b[pos + 17..<pos + 17 + n]))
            if tc == 0 { dcTables[th] = table } else { acTables[th] = table }
            pos += 17 + n
        }
    }

    func readFrame(_ seg: JPEGSegment) throws {
        let v = ByteView(b)
        let p = seg.payload.lowerBound
        guard let precision = v.u8(p), let h = v.u16(p + 1), let w = v.u16(p + 3), let n = v.u8(p + 5).map(Int.init),
              seg.payload.count >= 6 + 3 * n else { throw MediaError.corrupt("JPEG", "frame header") }
        guard precision == 8 else { throw MediaError.unsupported("不支持 \(precision) 位 JPEG", "\(precision)-bit JPEG is not supported") }
        guard h > 0 else { throw MediaError.unsupported("不支持高度写在 DNL 中的 JPEG", "JPEG with the height in a DNL marker is not supported") }
        if n == 4 {
            throw MediaError.unsupported("不支持 CMYK 颜色的 JPEG（请导出为 RGB 后再上传）", "CMYK JPEG is not supported (export it as RGB and upload again)")
        }
        guard n == 1 || n == 3 else { throw MediaError.unsupported("不支持 \(n) 个颜色分量的 JPEG", "JPEG with \(n) colour components is not supported") }
        try MediaError.checkSize(width: w, height: h, maxPixels: maxPixels)
        var specs: [(id: Int, h: Int, v: Int, tq: Int)] = []
        for i in 0..<n {
            let q = p + 6 + 3 * i
            let hv = Int(b[q + 1])
            specs.append((Int(b[q]), hv >> 4, hv & 15, Int(b[q + 2])))
        }
        guard specs.allSatisfy({ (1...4).contains($0.h) && (1...4).contains($0.v) && $0.tq < 4 }) else {
            throw MediaError.corrupt("JPEG", "sampling factors")
        }
        width = w; height = h
        progressive = seg.marker == 0xC2
        hmax = specs.map(\.h).max()!; vmax = specs.map(\.v).max()!
        mcusX = (w + 8 * hmax - 1) / (8 * hmax); mcusY = (h + 8 * vmax - 1) / (8 * vmax)
        comps = specs.map { s in
            JPEGComponent(id: s.id, h: s.h, v: s.v, tq: s.tq, width: (w * s.h + hmax - 1) / hmax, height: (h * s.v + vmax - 1) / vmax,
                          blocksW: mcusX * s.h, blocksH: mcusY * s.v, progressive: progressive)
        }
    }

    /// Progressive files keep coefficients until the last scan; now dequantise and transform them.
    func finishProgressive() {
        var block = [Int32](repeating: 0, count: 64)
        for c in comps {
            guard let coef = c.coef else { continue }
            let q = quant + c.tq * 64
            block.withUnsafeMutableBufferPointer { blk in
                for by in 0..<c.blocksH {
                    for bx in 0..<c.blocksW {
                        let src = coef + (by * c.blocksW + bx) * 64, out = c.plane + by * 8 * c.stride + bx * 8
                        var anyAC = false
                        for k in 1..<64 where src[k] != 0 { anyAC = true; break }
                        if !anyAC { JPEGKernels.idctDC(Int32(src[0]) &* q[0], out, stride: c.stride); continue }
                        for k in 0..<64 { blk[JPEGKernels.zigzag[k]] = Int32(src[k]) &* q[k] }
                        JPEGKernels.idct(blk.baseAddress!, out, stride: c.stride)
                    }
                }
            }
            coef.deallocate()
            c.coef = nil
        }
    }

    /// Upsamples chroma and converts to RGB8 row by row.
    func output() -> DecodedImage {
        let w = width, h = height
        var px = [UInt8](repeating: 0, count: w * h * 3)
        let rgb = adobeTransform == 0 || (adobeTransform == nil && !jfif && comps.map(\.id) == [82, 71, 66])
        px.withUnsafeMutableBufferPointer { out in
            if comps.count == 1 {
                let c = comps[0]
                for y in 0..<h {
                    let row = c.plane + y * c.stride, o = out.baseAddress! + y * w * 3
                    for x in 0..<w { let g = row[x]; o[3 * x] = g; o[3 * x + 1] = g; o[3 * x + 2] = g }
                }
                return
            }
            let (c0, c1, c2) = (comps[0], comps[1], comps[2])
            let bufs = comps.map { c in UnsafeMutablePointer<UInt8>.allocate(capacity: max(w, c.width * (hmax / c.h)) + 16) }
            defer { bufs.forEach { $0.deallocate() } }
            JPEGKernels.yccTables.withUnsafeBufferPointer { t in
                let crR = t.baseAddress!, cbB = crR + 256, crG = crR + 512, cbG = crR + 768
                for y in 0..<h {
                    let p0 = componentRow(c0, y: y, buffer: bufs[0]), p1 = componentRow(c1, y: y, buffer: bufs[1])
                    let p2 = componentRow(c2, y: y, buffer: bufs[2])
                    let o = out.baseAddress! + y * w * 3
                    if rgb {
                        for x in 0..<w { o[3 * x] = p0[x]; o[3 * x + 1] = p1[x]; o[3 * x + 2] = p2[x] }
                        continue
                    }
                    for x in 0..<w {
                        let yy = Int32(p0[x]), cb = Int(p1[x]), cr = Int(p2[x])
                        o[3 * x] = JPEGKernels.clamp(yy &+ crR[cr])
                        o[3 * x + 1] = JPEGKernels.clamp(yy &+ ((cbG[cb] &+ crG[cr]) >> 16))
                        o[3 * x + 2] = JPEGKernels.clamp(yy &+ cbB[cb])
                    }
                }
            }
        }
        return DecodedImage(width: w, height: h, channels: 3, pixels: px)
    }

    /// Row `y` of the output grid for component `c`: its own plane row at full resolution, or an
    /// upsampled copy in `buffer`.
    func componentRow(_ c: JPEGComponent, y: Int, buffer: UnsafeMutablePointer<UInt8>) -> UnsafeMutablePointer<UInt8> {
        if c.h == hmax && c.v == vmax { return c.plane + y * c.stride }
        guard hmax % c.h == 0, vmax % c.v == 0 else {
            // Fractional ratios (e.g. 3:2) are rare enough for nearest-sample replication.
            let row = c.plane + min(c.height - 1, y * c.v / vmax) * c.stride
            for x in 0..<width { buffer[x] = row[min(c.width - 1, x * c.h / hmax)] }
            return buffer
        }
        let hf = hmax / c.h, vf = vmax / c.v
        let iy = min(c.height - 1, y / vf)
        var far = iy
        if vf == 2 { far = y % 2 == 0 ? max(0, iy - 1) : min(c.height - 1, iy + 1) }
        JPEGKernels.upsampleRow(near: c.plane + iy * c.stride, far: c.plane + far * c.stride, width: c.width, hFactor: hf, vFactor: vf,
                                bottom: y % 2 == 1, out: buffer, outWidth: width)
        return buffer
    }
}
