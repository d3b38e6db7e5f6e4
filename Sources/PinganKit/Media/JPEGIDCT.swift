import Foundation

/// The numeric kernels of the JPEG decoder, chosen to match libjpeg's defaults (what Pillow and
/// browsers show) within ±1: the accurate integer IDCT (the "islow" algorithm, 12-bit constants as
/// in stb_image), libjpeg's fixed-point YCbCr→RGB tables, and its "fancy" (triangle) upsampling.
enum JPEGKernels {
    /// Zigzag index → natural (row-major) index.
    static let zigzag: [Int] = [0, 1, 8, 16, 9, 2, 3, 10, 17, 24, 32, 25, 18, 11, 4, 5, 12, 19, 26, 33, 40, 48, 41, 34, 27, 20, 13, 6, 7, 14,
                                21, 28, 35, 42, 49, 56, 57, 50, 43, 36, 29, 22, 15, 23, 30, 37, 44, 51, 58, 59, 52, 45, 38, 31, 39, 46,
                                53, 60, 61, 54, 47, 55, 62, 63]

    /// 1-D IDCT of eight values with 12-bit constants (C's `(int)(x * 4096 + 0.5)`, as stb_image):
    /// returns the four even sums and four odd terms that the caller adds and subtracts.
    @inline(__always)
    static func idct1D(_ s0: Int32, _ s1: Int32, _ s2: Int32, _ s3: Int32, _ s4: Int32, _ s5: Int32, _ s6: Int32, _ s7: Int32)
        -> (Int32, Int32, Int32, Int32, Int32, Int32, Int32, Int32) {
        var p1 = (s2 &+ s6) &* 2217                       // 0.5411961
        let t2 = p1 &+ s6 &* -7567                         // -1.847759065
        let t3 = p1 &+ s2 &* 3135                          // 0.765366865
        let t0e = (s0 &+ s4) &<< 12, t1e = (s0 &- s4) &<< 12
        let x0 = t0e &+ t3, x3 = t0e &- t3, x1 = t1e &+ t2, x2 = t1e &- t2
        var a0 = s7, a1 = s5, a2 = s3, a3 = s1
        var p3 = a0 &+ a2
        var p4 = a1 &+ a3
        p1 = a0 &+ a3
        var p2 = a1 &+ a2
        let p5 = (p3 &+ p4) &* 4816                        // 1.175875602
        a0 = a0 &* 1223                                    // 0.298631336
        a1 = a1 &* 8410                                    // 2.053119869
        a2 = a2 &* 12586                                   // 3.072711026
        a3 = a3 &* 6149                                    // 1.501321110
        p1 = p5 &+ p1 &* -3685                             // -0.899976223
        p2 = p5 &+ p2 &* -10497                            // -2.562915447
        p3 = p3 &* -8034                                   // -1.961570560
        p4 = p4 &* -1597                                   // -0.390180644
        a3 = a3 &+ p1 &+ p4
        a2 = a2 &+ p2 &+ p3
        a1 = a1 &+ p2 &+ p4
        a0 = a0 &+ p1 &+ p3
        return (x0, x1, x2, x3, a0, a1, a2, a3)
    }

    /// Dequantised coefficients (natural order) → 8×8 samples written at `out` with `stride`.
    static func idct(_ d: UnsafeMutablePointer<Int32>, _ out: UnsafeMutablePointer<UInt8>, stride: Int) {
        var tmp = (Int32(0), Int32(0), Int32(0), Int32(0), Int32(0), Int32(0), Int32(0), Int32(0),
                   Int32(0), Int32(0), Int32(0), Int32(0), Int32(0), Int32(0), Int32(0), Int32(0),
                   Int32(0), Int32(0), Int32(0), Int32(0), Int32(0), Int32(0), Int32(0), Int32(0),
                   Int32(0), Int32(0), Int32(0), Int32(0), Int32(0), Int32(0), Int32(0), Int32(0),
                   Int32(0), Int32(0), Int32(0), Int32(0), Int32(0), Int32(0), Int32(0), Int32(0),
                   Int32(0), Int32(0), Int32(0), Int32(0), Int32(0), Int32(0), Int32(0), Int32(0),
                   Int32(0), Int32(0), Int32(0), Int32(0), Int32(0), Int32(0), Int32(0), Int32(0),
                   Int32(0), Int32(0), Int32(0), Int32(0), Int32(0), Int32(0), Int32(0), Int32(0))
        withUnsafeMutableBytes(of: &tmp) { raw in
            let v = raw.baseAddress!.assumingMemoryBound(to: Int32.self)
            // Columns; an all-zero AC column is just its DC term (common after quantisation).
            for i in 0..<8 {
                if d[i + 8] == 0 && d[i + 16] == 0 && d[i + 24] == 0 && d[i + 32] == 0 && d[i + 40] == 0 && d[i + 48] == 0 && d[i + 56] == 0 {
                    let dc = d[i] &<< 2
                    for r in 0..<8 { v[i + 8 * r] = dc }
                    continue
                }
                var (x0, x1, x2, x3, t0, t1, t2, t3) = idct1D(d[i], d[i + 8], d[i + 16], d[i + 24], d[i + 32], d[i + 40], d[i + 48], d[i + 56])
                x0 &+= 512; x1 &+= 512; x2 &+= 512; x3 &+= 512
                v[i] = (x0 &+ t3) >> 10; v[i + 56] = (x0 &- t3) >> 10
                v[i + 8] = (x1 &+ t2) >> 10; v[i + 48] = (x1 &- t2) >> 10
                v[i + 16] = (x2 &+ t1) >> 10; v[i + 40] = (x2 &- t1) >> 10
                v[i + 24] = (x3 &+ t0) >> 10; v[i + 32] = (x3 &- t0) >> 10
            }
            // Rows: remove the 1<<17 scale with rounding and add the 128 level shift.
            for r in 0..<8 {
                let s = v + 8 * r, o = out + r * stride
                var (x0, x1, x2, x3, t0, t1, t2, t3) = idct1D(s[0], s[1], s[2], s[3], s[4], s[5], s[6], s[7])
                let bias: Int32 = 65536 + (128 << 17)
                x0 &+= bias; x1 &+= bias; x2 &+= bias; x3 &+= bias
                o[0] = clamp((x0 &+ t3) >> 17); o[7] = clamp((x0 &- t3) >> 17)
                o[1] = clamp((x1 &+ t2) >> 17); o[6] = clamp((x1 &- t2) >> 17)
                o[2] = clamp((x2 &+ t1) >> 17); o[5] = clamp((x2 &- t1) >> 17)
                o[3] = clamp((x3 &+ t0) >> 17); o[4] = clamp((x3 &- t0) >> 17)
            }
        }
    }

    /// A block with only a DC term: the value `idct` computes for it, written 64 times.
    @inline(__always) static func idctDC(_ dc: Int32, _ out: UnsafeMutablePointer<UInt8>, stride: Int) {
        let v = clamp(((dc &<< 14) &+ 65536 &+ (128 << 17)) >> 17)
        for r in 0..<8 { (out + r * stride).update(repeating: v, count: 8) }
    }

    @inline(__always) static func clamp(_ x: Int32) -> UInt8 { x < 0 ? 0 : x > 255 ? 255 : UInt8(x) }

    /// libjpeg's YCbCr→RGB tables (jdcolor.c), 16-bit fixed point rounded the same way, one after
    /// the other: Cr→R, Cb→B, Cr→G and Cb→G (the G terms still scaled by 2^16).
    static let yccTables: [Int32] = (0..<256).map { Int32((fix(1.40200) * ($0 - 128) + 32768) >> 16) }
        + (0..<256).map { Int32((fix(1.77200) * ($0 - 128) + 32768) >> 16) }
        + (0..<256).map { Int32(-fix(0.71414) * ($0 - 128)) }
        + (0..<256).map { Int32(-fix(0.34414) * ($0 - 128) + 32768) }
    static func fix(_ x: Double) -> Int { Int(x * 65536 + 0.5) }

    /// One row of a subsampled component stretched to full width. `near` is the row this output row
    /// falls in, `far` the neighbouring row (libjpeg's context row; the same row at the edges);
    /// `bottom` says whether the output row is the lower of the pair (it changes the rounding).
    static func upsampleRow(near: UnsafePointer<UInt8>, far: UnsafePointer<UInt8>, width w: Int, hFactor: Int, vFactor: Int,
                            bottom: Bool, out: UnsafeMutablePointer<UInt8>, outWidth: Int) {
        switch (hFactor, vFactor) {
        case (1, 1):
            out.update(from: near, count: min(w, outWidth))
        case (2, 1) where w > 2:
            // h2v1: 3/4 nearer + 1/4 further sample (jdsample.c h2v1_fancy_upsample).
            out[0] = near[0]; out[1] = UInt8((Int(near[0]) * 3 + Int(near[1]) + 2) >> 2)
            for x in 1..<w - 1 {
                let c = Int(near[x]) * 3
                out[2 * x] = UInt8((c + Int(near[x - 1]) + 1) >> 2)
                out[2 * x + 1] = UInt8((c + Int(near[x + 1]) + 2) >> 2)
            }
            out[2 * w - 2] = UInt8((Int(near[w - 1]) * 3 + Int(near[w - 2]) + 1) >> 2); out[2 * w - 1] = near[w - 1]
        case (1, 2):
            let bias = bottom ? 2 : 1
            for x in 0..<w { out[x] = UInt8((Int(near[x]) * 3 + Int(far[x]) + bias) >> 2) }
        case (2, 2) where w > 2:
            // h2v2: the triangle filter in both directions (h2v2_fancy_upsample).
            @inline(__always) func col(_ x: Int) -> Int { Int(near[x]) * 3 + Int(far[x]) }
            var this = col(0), next = col(1), last = this
            out[0] = UInt8((this * 4 + 8) >> 4); out[1] = UInt8((this * 3 + next + 7) >> 4)
            for x in 1..<w - 1 {
                last = this; this = next; next = col(x + 1)
                out[2 * x] = UInt8((this * 3 + last + 8) >> 4)
                out[2 * x + 1] = UInt8((this * 3 + next + 7) >> 4)
            }
            last = this; this = next
            out[2 * w - 2] = UInt8((this * 3 + last + 8) >> 4); out[2 * w - 1] = UInt8((this * 4 + 7) >> 4)
        default:
            // Other ratios (4:1:1, tiny widths): replicate, as libjpeg's int_upsample does.
            for x in 0..<outWidth { out[x] = near[min(w - 1, x / hFactor)] }
        }
    }
}
