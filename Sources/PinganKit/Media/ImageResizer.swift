import Foundation

/// High-quality downscaling: a separable Lanczos-2 (a = 2) convolution whose support widens with the
/// scale factor, so every source pixel contributes and fine patterns average out instead of aliasing
/// (Pillow's resampling, with a = 2 for less ringing). Past 8× the image is first box-averaged by an
/// integer factor (exact area averaging, as Pillow's `reducing_gap`) so the filter stays short, still
/// leaving the Lanczos pass ≥ 4× to remove what a box lets through. Channels are filtered
/// independently (flatten alpha first for photos).
public enum ImageResizer {
    /// The largest size within `box`×`box` with the same aspect ratio, never larger than the original.
    public static func fittedSize(width: Int, height: Int, within box: Int) -> (width: Int, height: Int) {
        guard width > box || height > box else { return (width, height) }
        let s = Double(box) / Double(max(width, height))
        return (max(1, Int((Double(width) * s).rounded())), max(1, Int((Double(height) * s).rounded())))
    }

    /// The image scaled to fit within `box`×`box` (unchanged when it already fits).
    public static func fit(_ image: DecodedImage, within box: Int) -> DecodedImage {
        let (w, h) = fittedSize(width: image.width, height: image.height, within: box)
        return resize(image, width: w, height: h)
    }

    public static func resize(_ image: DecodedImage, width: Int, height: Int) -> DecodedImage {
        precondition(width > 0 && height > 0, "target size")
        if width == image.width && height == image.height { return image }
        var img = image
        let factor = min(img.width / width, img.height / height) / 4
        if factor >= 2 { img = boxReduce(img, factor: factor) }
        // Columns first: that pass streams whole rows (vectorises well) over the full width, and the
        // strided horizontal pass then runs on fewer rows.
        if img.height != height { img = convolve(img, outSize: height, horizontal: false) }
        if img.width != width { img = convolve(img, outSize: width, horizontal: true) }
        return img
    }

    /// Averages `factor`×`factor` blocks (partial blocks at the right and bottom edges average what they have).
    static func boxReduce(_ img: DecodedImage, factor f: Int) -> DecodedImage {
        let ow = (img.width + f - 1) / f, oh = (img.height + f - 1) / f, ch = img.channels
        var out = [UInt8](repeating: 0, count: ow * oh * ch)
        var sums = [Int](repeating: 0, count: ow * ch)
        img.pixels.withUnsafeBufferPointer { src in
            for oy in 0..<oh {
                for i in 0..<sums.count { sums[i] = 0 }
                let y0 = oy * f, y1 = min(img.height, y0 + f)
                for y in y0..<y1 {
                    let row = y * img.width * ch
                    for x in 0..<img.width {
                        let o = (x / f) * ch, s = row + x * ch
                        for k in 0..<ch { sums[o + k] += Int(src[s + k]) }
                    }
                }
                for ox in 0..<ow {
                    let n = (min(img.width, ox * f + f) - ox * f) * (y1 - y0)
                    for k in 0..<ch { out[(oy * ow + ox) * ch + k] = UInt8((sums[ox * ch + k] + n / 2) / n) }
                }
            }
        }
        return DecodedImage(width: ow, height: oh, channels: ch, pixels: out)
    }

    static func lanczos2(_ x: Double) -> Double {
        if x == 0 { return 1 }
        if x <= -2 || x >= 2 { return 0 }
        let px = Double.pi * x
        return 2 * sin(px) * sin(px / 2) / (px * px)
    }

    /// Per output position: the first input index and normalised fixed-point weights (14 bits).
    static func weights(inSize: Int, outSize: Int) -> (starts: [Int], taps: Int, w: [Int32]) {
        let scale = Double(inSize) / Double(outSize), filterScale = max(scale, 1)
        let support = 2 * filterScale
        let taps = Int(support.rounded(.up)) * 2 + 1
        var starts = [Int](repeating: 0, count: outSize), w = [Int32](repeating: 0, count: outSize * taps)
        for o in 0..<outSize {
            let center = (Double(o) + 0.5) * scale
            let lo = max(0, Int(center - support + 0.5)), hi = min(inSize, Int(center + support + 0.5))
            var ks = [Double]()
            for i in lo..<max(lo + 1, hi) { ks.append(lanczos2((Double(i) - center + 0.5) / filterScale)) }
            let total = ks.reduce(0, +)
            starts[o] = min(lo, inSize - 1)
            for (j, k) in ks.prefix(taps).enumerated() { w[o * taps + j] = Int32((k / (total == 0 ? 1 : total) * 16384).rounded()) }
        }
        return (starts, taps, w)
    }

    /// One separable pass along rows (`horizontal`) or columns, rounding to 8 bits between passes.
    static func convolve(_ img: DecodedImage, outSize: Int, horizontal: Bool) -> DecodedImage {
        let inSize = horizontal ? img.width : img.height
        let (starts, taps, w) = weights(inSize: inSize, outSize: outSize)
        let ow = horizontal ? outSize : img.width, oh = horizontal ? img.height : outSize, ch = img.channels
        var out = [UInt8](repeating: 0, count: ow * oh * ch)
        img.pixels.withUnsafeBufferPointer { src in
            w.withUnsafeBufferPointer { wt in
                out.withUnsafeMutableBufferPointer { dst in
                    if horizontal {
                        // Along each row: the taps of one output pixel are neighbours in memory.
                        for y in 0..<img.height {
                            let row = y * img.width * ch
                            for o in 0..<outSize {
                                let n = min(taps, inSize - starts[o]), wb = o * taps, d = (y * ow + o) * ch
                                if ch == 3 { // the common case, all three channels in one pass over the taps
                                    var r: Int32 = 8192, g: Int32 = 8192, b: Int32 = 8192
                                    var s = row + starts[o] * 3
                                    for j in 0..<n {
                                        let k = wt[wb + j]
                                        r &+= Int32(src[s]) &* k; g &+= Int32(src[s + 1]) &* k; b &+= Int32(src[s + 2]) &* k
                                        s += 3
                                    }
                                    dst[d] = clamp(r >> 14); dst[d + 1] = clamp(g >> 14); dst[d + 2] = clamp(b >> 14)
                                    continue
                                }
                                for k in 0..<ch {
                                    var acc: Int32 = 8192 // rounding for the 14-bit weights
                                    var s = row + starts[o] * ch + k
                                    for j in 0..<n { acc &+= Int32(src[s]) &* wt[wb + j]; s += ch }
                                    dst[d + k] = clamp(acc >> 14)
                                }
                            }
                        }
                    } else {
                        // Down the columns: accumulate whole source rows into one output row, which
                        // keeps every access sequential.
                        let rowLen = img.width * ch
                        var acc = [Int32](repeating: 0, count: rowLen)
                        acc.withUnsafeMutableBufferPointer { accBuf in
                            let a = accBuf.baseAddress!
                            for o in 0..<outSize {
                                for x in 0..<rowLen { a[x] = 8192 }
                                let n = min(taps, inSize - starts[o])
                                for j in 0..<n {
                                    // Raw pointers: no index overflow checks, so the loop vectorises.
                                    let weight = wt[o * taps + j], sp = src.baseAddress! + (starts[o] + j) * rowLen
                                    for x in 0..<rowLen { a[x] &+= Int32(sp[x]) &* weight }
                                }
                                let dp = dst.baseAddress! + o * rowLen
                                for x in 0..<rowLen { dp[x] = clamp(a[x] >> 14) }
                            }
                        }
                    }
                }
            }
        }
        return DecodedImage(width: ow, height: oh, channels: ch, pixels: out)
    }

    @inline(__always) static func clamp(_ v: Int32) -> UInt8 { v < 0 ? 0 : v > 255 ? 255 : UInt8(v) }
}
