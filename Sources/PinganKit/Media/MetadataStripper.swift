import Foundation

/// Removes metadata from JPEG and PNG files without touching the compressed image data.
///
/// What is kept is a whitelist of what a viewer needs to show the picture as taken:
/// - JPEG: the JFIF APP0 (rewritten without its embedded thumbnail), Adobe APP14 (it says how the
///   colour channels are coded), the ICC profile APP2 (colour data, not about the person; without it
///   a Display-P3 iPhone photo looks washed out — `keepColorProfile: false` drops it), and every table,
///   frame and scan segment byte-for-byte. Dropped: all APP1 (EXIF with GPS and its thumbnail, XMP),
///   other APP2 (MPF secondary images), APP3…APP13, APP15, COM, and anything after EOI (Android
///   "motion photo" videos and Samsung trailers live there).
/// - PNG: critical chunks and the display chunks tRNS, gAMA, cHRM, sRGB, iCCP, sBIT, bKGD, pHYs, cICP,
///   mDCv, cLLi and the APNG animation chunks. Dropped: eXIf, tEXt, zTXt, iTXt, tIME and any other
///   ancillary chunk. Chunks are independent, so nothing is recomputed.
///
/// Orientation: removing EXIF would turn a sideways-stored photo on its side, so by default a minimal
/// EXIF block holding only the Orientation tag is written back (no GPS, no camera, no time). The copies
/// the server shows publicly are not these files but `PhotoProcessor`'s re-encoded JPEGs, whose pixels
/// are already rotated and which carry no EXIF at all.
public enum MetadataStripper {
    public struct Options: Sendable {
        public var keepColorProfile: Bool
        /// Write back an EXIF block with only the orientation when it is not 1 (upright).
        public var keepOrientation: Bool

        public init(keepColorProfile: Bool = true, keepOrientation: Bool = true) {
            self.keepColorProfile = keepColorProfile
            self.keepOrientation = keepOrientation
        }
    }

    static let pngKeep: Set<String> = ["tRNS", "gAMA", "cHRM", "sRGB", "iCCP", "sBIT", "bKGD", "pHYs", "cICP", "mDCv", "cLLi",
                                       "acTL", "fcTL", "fdAT"]

    /// The file without its metadata. Throws `.unsupported` for formats other than JPEG and PNG, and
    /// `.truncated` when the structure ends early.
    public static func strip(_ data: Data, options: Options = Options()) throws(MediaError) -> Data {
        let b = [UInt8](data)
        let format = ImageSniffer.format(Array(b.prefix(64)))
        let orientation = ExifReader.tiffBlock(b, format: format).map { ExifReader.parse(tiff: $0).orientation } ?? 1
        let exif = options.keepOrientation && orientation != 1 ? orientationTIFF(orientation) : nil
        switch format {
        case .jpeg: return Data(try stripJPEG(b, exif: exif, options: options))
        case .png: return Data(try stripPNG(b, exif: exif, options: options))
        default:
            throw MediaError.unsupported("无法清除 \(format.rawValue.uppercased()) 文件的元数据", "Metadata cannot be removed from \(format.rawValue.uppercased()) files")
        }
    }

    static func stripJPEG(_ b: [UInt8], exif: [UInt8]?, options: Options) throws(MediaError) -> [UInt8] {
        guard let layout = JPEGLayout.parse(b), !layout.truncated else { throw MediaError.truncated("JPEG") }
        let v = ByteView(b)
        var out: [UInt8] = [0xFF, 0xD8]
        var wroteExif = exif == nil
        func writeExif() {
            guard let exif, !wroteExif else { return }
            let payload = Array("Exif\0\0".utf8) + exif
            out += [0xFF, 0xE1]
            out.appendBE(payload.count + 2, width: 2)
            out += payload
            wroteExif = true
        }
        for s in layout.segments.dropFirst() {
            let p = s.payload.lowerBound
            switch s.marker {
            case 0xE0:
                // JFIF header without its thumbnail: "JFIF\0", version, units, densities, 0×0 thumbnail.
                guard v.ascii(p, 5) == "JFIF\0", s.payload.count >= 12, out.count == 2 else { continue }
                out += [0xFF, 0xE0, 0x00, 0x10] + b[p..<p + 12] + [0, 0]
            case 0xE2:
                if options.keepColorProfile, v.ascii(p, 12) == "ICC_PROFILE\0" { writeExif(); out += b[s.start..<s.end] }
            case 0xEE:
                if v.ascii(p, 5) == "Adobe" { writeExif(); out += b[s.start..<s.end] }
            case 0xE1, 0xE3...0xED, 0xEF, 0xFE:
                continue
            default:
                writeExif()
                out += b[s.start..<s.end]
            }
        }
        return out
    }

    static func stripPNG(_ b: [UInt8], exif: [UInt8]?, options: Options) throws(MediaError) -> [UInt8] {
        let parsed = PNGChunks.parse(b)
        guard !parsed.truncated, parsed.chunks.first?.type == "IHDR" else { throw MediaError.truncated("PNG") }
        var out = PNGChunks.signature
        var wroteExif = exif == nil
        for c in parsed.chunks {
            if c.type == "IDAT", !wroteExif, let exif {
                out += CRC32.chunk("eXIf", exif) // the spec wants eXIf before the image data
                wroteExif = true
            }
            if c.type == "iCCP" && !options.keepColorProfile { continue }
            if c.isCritical || pngKeep.contains(c.type) { out += b[c.range] }
        }
        return out
    }

    /// A big-endian TIFF block with one IFD holding one tag: Orientation (0x0112, SHORT).
    static func orientationTIFF(_ orientation: Int) -> [UInt8] {
        var t: [UInt8] = Array("MM".utf8) + [0x00, 0x2A, 0, 0, 0, 8] // header, IFD0 at 8
        t += [0x00, 0x01]                                          // one entry
        t += [0x01, 0x12, 0x00, 0x03, 0, 0, 0, 1, 0, UInt8(orientation), 0, 0]
        t += [0, 0, 0, 0]                                          // no next IFD
        return t
    }
}
