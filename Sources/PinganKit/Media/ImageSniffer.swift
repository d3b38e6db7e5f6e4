import Foundation

/// Image formats recognised from their bytes. AVIF is told apart from HEIC because both use the
/// `mif1` brand, and an AVIF must not be labelled `image/heic`.
public enum ImageFormat: String, Sendable, Codable, CaseIterable {
    case jpeg, png, heic, avif, webp, gif, unknown

    public var contentType: String {
        switch self {
        case .jpeg: "image/jpeg"
        case .png: "image/png"
        case .heic: "image/heic"
        case .avif: "image/avif"
        case .webp: "image/webp"
        case .gif: "image/gif"
        case .unknown: "application/octet-stream"
        }
    }

    public var fileExtension: String {
        switch self {
        case .jpeg: "jpg"
        case .unknown: "bin"
        default: rawValue
        }
    }

    /// Whether PinganKit decodes the pixels (so it can make thumbnails and a public copy). The others
    /// can only be stored privately as uploaded.
    public var isDecodable: Bool { self == .jpeg || self == .png }
}

/// What the header says: the format and, when it can be read without decoding, the stored size
/// (before any EXIF/`irot` rotation).
public struct ImageInfo: Equatable, Sendable {
    public var format: ImageFormat
    public var width: Int?
    public var height: Int?
}

/// Decides the type from the bytes, never from the file name or the declared content type.
public enum ImageSniffer {
    static let heicBrands: Set<String> = ["heic", "heix", "hevc", "hevx", "heim", "heis", "hevm", "hevs"]
    static let avifBrands: Set<String> = ["avif", "avis"]
    /// Generic HEIF brands, used by HEIC and AVIF alike.
    static let heifBrands: Set<String> = ["mif1", "msf1"]

    public static func format(of data: Data) -> ImageFormat { format(Array(data.prefix(64))) }

    public static func info(of data: Data) -> ImageInfo {
        let bytes = [UInt8](data)
        let f = format(Array(bytes.prefix(64)))
        let size = dimensions(bytes, format: f)
        return ImageInfo(format: f, width: size?.width, height: size?.height)
    }

    static func format(_ head: [UInt8]) -> ImageFormat {
        let v = ByteView(head)
        if v.matches(0, [0xFF, 0xD8, 0xFF]) { return .jpeg }
        if v.matches(0, [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) { return .png }
        if v.ascii(0, 6) == "GIF87a" || v.ascii(0, 6) == "GIF89a" { return .gif }
        if v.ascii(0, 4) == "RIFF", v.ascii(8, 4) == "WEBP" { return .webp }
        if v.ascii(4, 4) == "ftyp", let size = v.u32(0), size >= 16 {
            // Major brand at 8, minor version at 12, compatible brands from 16 to the box end.
            var brands = [v.ascii(8, 4) ?? ""]
            var pos = 16
            while pos + 4 <= min(size, head.count) { brands.append(v.ascii(pos, 4) ?? ""); pos += 4 }
            // A specific major brand decides; otherwise any AVIF brand makes it AVIF, and a HEIC or
            // generic HEIF brand HEIC (an MP4 video's `isom`/`mp42` brands are none of these).
            if avifBrands.contains(brands[0]) { return .avif }
            if heicBrands.contains(brands[0]) { return .heic }
            if brands.contains(where: avifBrands.contains) { return .avif }
            if brands.contains(where: { heicBrands.contains($0) || heifBrands.contains($0) }) { return .heic }
        }
        return .unknown
    }

    /// The stored size read from headers only (JPEG SOFn, PNG IHDR, GIF screen, WebP VP8/VP8L/VP8X,
    /// HEIF `ispe`); nil when the header is missing or unreadable.
    static func dimensions(_ b: [UInt8], format: ImageFormat) -> (width: Int, height: Int)? {
        let v = ByteView(b)
        switch format {
        case .jpeg:
            guard let layout = JPEGLayout.parse(b, stopAtSOF: true), let sof = layout.segments.last(where: \.isSOF),
                  let h = v.u16(sof.payload.lowerBound + 1), let w = v.u16(sof.payload.lowerBound + 3) else { return nil }
            return (w, h)
        case .png:
            guard v.ascii(12, 4) == "IHDR", let w = v.u32(16), let h = v.u32(20) else { return nil }
            return (w, h)
        case .gif:
            let le = ByteView(b, bigEndian: false)
            guard let w = le.u16(6), let h = le.u16(8) else { return nil }
            return (w, h)
        case .webp:
            return webpSize(ByteView(b, bigEndian: false))
        case .heic, .avif:
            return HEIFBoxes(b).primarySize()
        case .unknown:
            return nil
        }
    }

    static func webpSize(_ v: ByteView) -> (width: Int, height: Int)? {
        switch v.ascii(12, 4) {
        case "VP8 ":
            // Lossy: a key frame's start code 9D 01 2A, then 14-bit width and height.
            guard v.matches(23, [0x9D, 0x01, 0x2A]), let w = v.u16(26), let h = v.u16(28) else { return nil }
            return (w & 0x3FFF, h & 0x3FFF)
        case "VP8L":
            guard v.u8(20) == 0x2F, let bits = v.u32(21) else { return nil }
            return ((bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1)
        case "VP8X":
            guard let w = v.u32(24), let h = v.u32(27) else { return nil }
            return ((w & 0xFF_FFFF) + 1, (h & 0xFF_FFFF) + 1)
        default:
            return nil
        }
    }
}
