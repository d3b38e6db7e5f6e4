import Foundation

/// Why an uploaded image was refused or could not be decoded. Messages are bilingual like the rest of
/// PinganKit; `code` is what the server branches on (reject the upload, or keep it private without
/// thumbnails).
public struct MediaError: Error, Equatable, Sendable, CustomStringConvertible {
    public enum Code: String, Sendable, Codable {
        /// Not an image we recognise (a PDF, HTML, random bytes…).
        case notAnImage
        /// The file ends before the image does (an interrupted upload).
        case truncated
        /// The bytes contradict the format (bad marker, bad Huffman code, bad checksum…).
        case corrupt
        /// Larger than the pixel limit: refused before any pixel memory is allocated.
        case tooLarge
        /// A valid image in a variant this decoder does not handle (HEIC, WebP, CMYK JPEG, arithmetic coding…).
        case unsupported
    }

    public var code: Code
    public var messageZh: String
    public var messageEn: String

    public init(_ code: Code, _ zh: String, _ en: String) {
        self.code = code
        messageZh = zh
        messageEn = en
    }

    public var description: String { "\(messageZh) / \(messageEn)" }

    static func truncated(_ what: String) -> MediaError {
        MediaError(.truncated, "\(what)文件不完整（上传可能中断）", "The \(what) file is truncated (the upload may have been interrupted)")
    }

    static func corrupt(_ what: String, _ detail: String) -> MediaError {
        MediaError(.corrupt, "\(what)文件已损坏（\(detail)）", "The \(what) file is corrupt (\(detail))")
    }

    static func unsupported(_ zh: String, _ en: String) -> MediaError {
        MediaError(.unsupported, zh, en)
    }

    static func tooLarge(width: Int, height: Int, maxPixels: Int) -> MediaError {
        let mp = String(format: "%g", Double(maxPixels) / 1_000_000)
        return MediaError(.tooLarge, "图片过大：\(width)×\(height) 像素，上限为 \(mp) 百万像素",
                          "The image is too large: \(width)×\(height) pixels; the limit is \(mp) megapixels")
    }

    static let notAnImage = MediaError(.notAnImage, "文件不是可识别的图片（支持 JPEG、PNG、HEIC 等）",
                                       "The file is not a recognised image (JPEG, PNG, HEIC…)")

    /// Checks a declared size against the pixel limit before anything is allocated.
    static func checkSize(width: Int, height: Int, maxPixels: Int) throws(MediaError) {
        guard width > 0, height > 0 else { throw corrupt("image", "zero width or height") }
        guard width <= 65_535 * 4, height <= 65_535 * 4, width * height <= maxPixels else {
            throw tooLarge(width: width, height: height, maxPixels: maxPixels)
        }
    }
}

/// Default pixel limit against decompression bombs: 40 megapixels (a 48-MP phone sensor's binned
/// 12-MP output is well under; a full 48-MP capture is refused rather than holding 150 MB of pixels).
public enum MediaLimits {
    public static let defaultMaxPixels = 40_000_000
}

/// Bounds-checked big/little-endian reads over a byte array: every accessor returns nil past the end,
/// so parsers of untrusted headers never trap.
struct ByteView {
    let bytes: [UInt8]
    var bigEndian = true

    init(_ bytes: [UInt8], bigEndian: Bool = true) {
        self.bytes = bytes
        self.bigEndian = bigEndian
    }

    var count: Int { bytes.count }

    func u8(_ at: Int) -> UInt8? { at >= 0 && at < bytes.count ? bytes[at] : nil }

    func u16(_ at: Int) -> Int? {
        guard at >= 0, at <= bytes.count - 2 else { return nil }
        let a = Int(bytes[at]), b = Int(bytes[at + 1])
        return bigEndian ? a << 8 | b : b << 8 | a
    }

    func u32(_ at: Int) -> Int? {
        guard at >= 0, at <= bytes.count - 4 else { return nil }
        let a = Int(bytes[at]), b = Int(bytes[at + 1]), c = Int(bytes[at + 2]), d = Int(bytes[at + 3])
        return bigEndian ? a << 24 | b << 16 | c << 8 | d : d << 24 | c << 16 | b << 8 | a
    }

    func u64(_ at: Int) -> Int? {
        guard let hi = u32(at), let lo = u32(at + 4) else { return nil }
        let v = bigEndian ? UInt64(hi) << 32 | UInt64(lo) : UInt64(lo) << 32 | UInt64(hi)
        return v > UInt64(Int.max) ? nil : Int(v)
    }

    func ascii(_ at: Int, _ n: Int) -> String? {
        guard n >= 0, at >= 0, at <= bytes.count - n else { return nil }
        return String(decoding: bytes[at..<at + n], as: UTF8.self)
    }

    func matches(_ at: Int, _ pattern: [UInt8]) -> Bool {
        guard at >= 0, at <= bytes.count - pattern.count else { return false }
        for i in 0..<pattern.count where bytes[at + i] != pattern[i] { return false }
        return true
    }
}

extension Array where Element == UInt8 {
    /// Appends a big-endian integer of `width` bytes.
    mutating func appendBE(_ v: Int, width: Int) {
        for i in stride(from: width - 1, through: 0, by: -1) { append(UInt8(truncatingIfNeeded: v >> (8 * i))) }
    }
}
