import Foundation

/// Decoded pixels: RGB8 (`channels` 3) or RGBA8 (`channels` 4, straight alpha), rows top to bottom,
/// no padding.
public struct DecodedImage: Equatable, Sendable {
    public private(set) var width: Int
    public private(set) var height: Int
    public private(set) var channels: Int
    public private(set) var pixels: [UInt8]

    public init(width: Int, height: Int, channels: Int, pixels: [UInt8]) {
        precondition(channels == 3 || channels == 4, "RGB8 or RGBA8")
        precondition(pixels.count == width * height * channels, "pixel count")
        self.width = width
        self.height = height
        self.channels = channels
        self.pixels = pixels
    }

    public var hasAlpha: Bool { channels == 4 }

    /// The image composited over an opaque background (white by default), as RGB8: JPEG has no alpha.
    public func flattened(background: (UInt8, UInt8, UInt8) = (255, 255, 255)) -> DecodedImage {
        guard channels == 4 else { return self }
        var out = [UInt8](repeating: 0, count: width * height * 3)
        let bg = [Int(background.0), Int(background.1), Int(background.2)]
        pixels.withUnsafeBufferPointer { src in
            out.withUnsafeMutableBufferPointer { dst in
                for i in 0..<width * height {
                    let a = Int(src[i * 4 + 3])
                    for k in 0..<3 { dst[i * 3 + k] = UInt8((Int(src[i * 4 + k]) * a + bg[k] * (255 - a) + 127) / 255) }
                }
            }
        }
        return DecodedImage(width: width, height: height, channels: 3, pixels: out)
    }

    /// The image turned upright according to an EXIF orientation (1…8): 2 mirror, 3 rotate 180°,
    /// 4 flip, 5 transpose, 6 rotate 90° clockwise, 7 transverse, 8 rotate 90° anticlockwise.
    public func oriented(_ orientation: Int) -> DecodedImage {
        guard (2...8).contains(orientation) else { return self }
        let swaps = orientation >= 5
        let w = swaps ? height : width, h = swaps ? width : height
        var out = [UInt8](repeating: 0, count: pixels.count)
        let ch = channels, sw = width, sh = height
        pixels.withUnsafeBufferPointer { src in
            out.withUnsafeMutableBufferPointer { dst in
                for y in 0..<h {
                    for x in 0..<w {
                        // The source pixel that lands at (x, y) of the upright image.
                        let (sx, sy): (Int, Int)
                        switch orientation {
                        case 2: (sx, sy) = (sw - 1 - x, y)
                        case 3: (sx, sy) = (sw - 1 - x, sh - 1 - y)
                        case 4: (sx, sy) = (x, sh - 1 - y)
                        case 5: (sx, sy) = (y, x)
                        case 6: (sx, sy) = (y, sh - 1 - x)
                        case 7: (sx, sy) = (sw - 1 - y, sh - 1 - x)
                        default: (sx, sy) = (sw - 1 - y, x)
                        }
                        let s = (sy * sw + sx) * ch, d = (y * w + x) * ch
                        for k in 0..<ch { dst[d + k] = src[s + k] }
                    }
                }
            }
        }
        return DecodedImage(width: w, height: h, channels: ch, pixels: out)
    }

    /// Mean absolute difference per channel value against another image of the same size and layout
    /// (tests and the peer check use it); nil when the shapes differ.
    public func meanAbsoluteError(to other: DecodedImage) -> Double? {
        guard width == other.width, height == other.height, channels == other.channels else { return nil }
        var total = 0
        for i in 0..<pixels.count { total += abs(Int(pixels[i]) - Int(other.pixels[i])) }
        return pixels.isEmpty ? 0 : Double(total) / Double(pixels.count)
    }

    /// Peak signal-to-noise ratio in dB against another image of the same shape (infinite when equal).
    public func psnr(to other: DecodedImage) -> Double? {
        guard width == other.width, height == other.height, channels == other.channels else { return nil }
        var sum = 0.0
        for i in 0..<pixels.count { let d = Double(Int(pixels[i]) - Int(other.pixels[i])); sum += d * d }
        let mse = sum / Double(max(1, pixels.count))
        return mse == 0 ? .infinity : 10 * log10(255 * 255 / mse)
    }
}
