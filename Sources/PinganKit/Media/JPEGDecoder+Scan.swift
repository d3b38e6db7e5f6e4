import Foundation

/// Entropy decoding of one scan (T.81 Annex F for sequential, Annex G for progressive), the
/// procedures libjpeg's jdhuff.c and jdphuff.c implement.
extension JPEGDecoderCore {
    enum ScanMode { case sequential, dcFirst, dcRefine, acFirst, acRefine }

    func decodeScan(_ seg: JPEGSegment) throws {
        let p = seg.payload.lowerBound
        let ns = Int(b[p])
        guard ns >= 1, ns <= 4, seg.payload.count >= 4 + 2 * ns else { throw MediaError.corrupt("JPEG", "scan header") }
        var scomps: [JPEGComponent] = []
        for i in 0..<ns {
            guard let c = comps.first(where: { $0.id == Int(b[p + 1 + 2 * i]) }) else { throw MediaError.corrupt("JPEG", "scan component") }
            c.dcTable = Int(b[p + 2 + 2 * i] >> 4)
            c.acTable = Int(b[p + 2 + 2 * i] & 15)
            guard c.dcTable < 4, c.acTable < 4 else { throw MediaError.corrupt("JPEG", "table selector") }
            scomps.append(c)
        }
        let q = p + 1 + 2 * ns
        let ss = Int(b[q]), se = Int(b[q + 1]), ah = Int(b[q + 2] >> 4), al = Int(b[q + 2] & 15)
        let mode: ScanMode
        if !progressive {
            mode = .sequential
        } else {
            guard ss <= se, se <= 63, (ss == 0) == (se == 0), ss == 0 || ns == 1, al <= 13, ah <= 13 else {
                throw MediaError.corrupt("JPEG", "progressive scan parameters")
            }
            mode = ss == 0 ? (ah == 0 ? .dcFirst : .dcRefine) : (ah == 0 ? .acFirst : .acRefine)
        }
        // Tables the scan needs must exist.
        for c in scomps {
            if mode == .sequential || mode == .dcFirst, dcTables[c.dcTable] == nil { throw MediaError.corrupt("JPEG", "missing DC table") }
            if mode == .sequential || mode == .acFirst || mode == .acRefine, acTables[c.acTable] == nil {
                throw MediaError.corrupt("JPEG", "missing AC table")
            }
        }
        // Everything the hot loop touches, copied out of the classes: reads of class `var`s would
        // each pay a dynamic exclusivity check.
        let units = scomps.map { c in
            ScanComponent(h: c.h, v: c.v, blocksW: c.blocksW, stride: c.stride, plane: c.plane, coef: c.coef, q: quant + c.tq * 64,
                          dc: dcTables[c.dcTable], ac: acTables[c.acTable])
        }
        let fileEnds = seg.end >= b.count
        let single = ns == 1
        let unitsX = single ? (scomps[0].width + 7) / 8 : mcusX
        let unitsY = single ? (scomps[0].height + 7) / 8 : mcusY
        let interval = restartInterval

        try b.withUnsafeBufferPointer { data in
            var r = JPEGBitReader(data, from: seg.payload.upperBound, to: seg.end)
            var eobrun = 0
            var untilRestart = interval
            var preds = [Int](repeating: 0, count: ns)
            let block = UnsafeMutablePointer<Int32>.allocate(capacity: 64)
            defer { block.deallocate() }
            func unit(_ i: Int, _ row: Int, _ col: Int) throws {
                let u = units[i]
                switch mode {
                case .sequential:
                    try Self.sequential(&r, u, &preds[i], row, col, block)
                case .dcFirst:
                    preds[i] &+= r.receiveExtend(try Self.dcSize(&r, u.dc!))
                    u.coef![(row * u.blocksW + col) * 64] = Int16(truncatingIfNeeded: preds[i] << al)
                case .dcRefine:
                    if r.bit() == 1 { u.coef![(row * u.blocksW + col) * 64] |= Int16(truncatingIfNeeded: 1 << al) }
                case .acFirst:
                    try Self.acFirst(&r, u.ac!, u.coef! + (row * u.blocksW + col) * 64, ss, se, al, &eobrun)
                case .acRefine:
                    try Self.acRefine(&r, u.ac!, u.coef! + (row * u.blocksW + col) * 64, ss, se, al, &eobrun)
                }
            }
            for my in 0..<unitsY {
                for mx in 0..<unitsX {
                    if interval > 0 {
                        if untilRestart == 0 {
                            r.restart()
                            for i in 0..<ns { preds[i] = 0 }
                            eobrun = 0
                            untilRestart = interval
                        }
                        untilRestart -= 1
                    }
                    if single {
                        try unit(0, my, mx)
                    } else {
                        for (i, u) in units.enumerated() {
                            for v in 0..<u.v { for h in 0..<u.h { try unit(i, my * u.v + v, mx * u.h + h) } }
                        }
                    }
                }
                // Out of real bytes with MCUs left to decode: the upload was cut short.
                if fileEnds && r.overran { throw MediaError.truncated("JPEG") }
            }
        }
    }

    /// A scan's view of one component.
    struct ScanComponent {
        let h: Int, v: Int, blocksW: Int, stride: Int
        let plane: UnsafeMutablePointer<UInt8>
        let coef: UnsafeMutablePointer<Int16>?
        let q: UnsafeMutablePointer<Int32>
        let dc: JPEGHuffmanTable?, ac: JPEGHuffmanTable?
    }

    @inline(__always)
    static func symbol(_ r: inout JPEGBitReader, _ t: JPEGHuffmanTable) throws -> Int {
        guard let s = r.decode(t) else { throw MediaError.corrupt("JPEG", "invalid Huffman code") }
        return s
    }

    /// The bit count of a DC difference (at most 11 for 8-bit data; a corrupt table may say more).
    @inline(__always)
    static func dcSize(_ r: inout JPEGBitReader, _ t: JPEGHuffmanTable) throws -> Int {
        let s = try symbol(&r, t)
        guard s <= 16 else { throw MediaError.corrupt("JPEG", "DC difference size") }
        return s
    }

    /// A baseline block: DC difference, run-length AC, then dequantise + IDCT straight into the plane.
    @inline(__always)
    static func sequential(_ r: inout JPEGBitReader, _ u: ScanComponent, _ pred: inout Int, _ row: Int, _ col: Int,
                           _ block: UnsafeMutablePointer<Int32>) throws {
        block.update(repeating: 0, count: 64)
        let q = u.q, ac = u.ac!
        pred &+= r.receiveExtend(try dcSize(&r, u.dc!))
        block[0] = Int32(truncatingIfNeeded: pred) &* q[0]
        var k = 1, anyAC = false
        while k < 64 {
            let rs = try symbol(&r, ac)
            let run = rs >> 4, size = rs & 15
            if size == 0 {
                if run != 15 { break }
                k += 16
                continue
            }
            k += run
            guard k < 64 else { break } // corrupt run: libjpeg ignores the excess too
            block[JPEGKernels.zigzag[k]] = Int32(truncatingIfNeeded: r.receiveExtend(size)) &* q[k]
            anyAC = true
            k += 1
        }
        let out = u.plane + row * 8 * u.stride + col * 8
        // Flat blocks (common in chroma and smooth areas) are one value: skip the transform.
        if anyAC { JPEGKernels.idct(block, out, stride: u.stride) } else { JPEGKernels.idctDC(block[0], out, stride: u.stride) }
    }

    /// First pass over a band of AC coefficients (G.1.2.2), with end-of-band runs.
    static func acFirst(_ r: inout JPEGBitReader, _ t: JPEGHuffmanTable, _ coef: UnsafeMutablePointer<Int16>,
                 _ ss: Int, _ se: Int, _ al: Int, _ eobrun: inout Int) throws {
        if eobrun > 0 { eobrun -= 1; return }
        var k = ss
        while k <= se {
            let rs = try symbol(&r, t)
            let run = rs >> 4, size = rs & 15
            if size == 0 {
                if run < 15 {
                    eobrun = (1 << run) - 1 + r.bits(run)
                    return
                }
                k += 16
                continue
            }
            k += run
            guard k <= se else { return }
            coef[k] = Int16(truncatingIfNeeded: r.receiveExtend(size) * (1 << al))
            k += 1
        }
    }

    /// Refinement of a band (G.1.2.3): one more bit for coefficients already non-zero, and new ±1 coefficients.
    static func acRefine(_ r: inout JPEGBitReader, _ t: JPEGHuffmanTable, _ coef: UnsafeMutablePointer<Int16>,
                  _ ss: Int, _ se: Int, _ al: Int, _ eobrun: inout Int) throws {
        let p1 = Int16(truncatingIfNeeded: 1 << al), m1 = Int16(truncatingIfNeeded: -1 << al)
        var k = ss
        @inline(__always) func correct(_ i: Int) {
            if r.bit() == 1, coef[i] & p1 == 0 { coef[i] &+= coef[i] >= 0 ? p1 : m1 }
        }
        if eobrun == 0 {
            while k <= se {
                let rs = try symbol(&r, t)
                var run = rs >> 4
                var value: Int16 = 0
                if rs & 15 != 0 {
                    value = r.bit() == 1 ? p1 : m1 // the size of a new coefficient is always 1
                } else if run != 15 {
                    eobrun = (1 << run) + r.bits(run)
                    break
                }
                // Skip `run` zero coefficients, refining the non-zero ones passed on the way.
                while k <= se {
                    if coef[k] != 0 {
                        correct(k)
                    } else {
                        if run == 0 { break }
                        run -= 1
                    }
                    k += 1
                }
                if value != 0 && k <= se { coef[k] = value }
                k += 1
            }
        }
        if eobrun > 0 {
            while k <= se {
                if coef[k] != 0 { correct(k) }
                k += 1
            }
            eobrun -= 1
        }
    }
}
