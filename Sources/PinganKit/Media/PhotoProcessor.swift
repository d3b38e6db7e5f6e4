import Foundation

/// The public copies of a decodable photo: re-encoded JPEGs, turned upright, with no metadata at all
/// (no EXIF, no GPS, no camera, no comments) — only an ICC colour profile when the original had one.
public struct PhotoRenditions: Equatable, Sendable {
    /// At most `displaySize` pixels on the long side (1600 by default).
    public var display: Data
    public var displayWidth: Int
    public var displayHeight: Int
    /// At most `thumbnailSize` pixels on the long side (320 by default).
    public var thumbnail: Data
    public var thumbnailWidth: Int
    public var thumbnailHeight: Int
}

/// What an upload turned out to be.
public struct ProcessedPhoto: Equatable, Sendable {
    /// Decided from the bytes.
    public var format: ImageFormat
    /// Stored size from the header (before orientation), when readable.
    public var width: Int?
    public var height: Int?
    /// What the file carried: orientation, GPS, camera, capture time. Read, never copied to renditions.
    public var metadata: PhotoMetadata
    /// Present when the image was decoded.
    public var renditions: PhotoRenditions?
    /// Why there are no renditions (HEIC, WebP, AVIF, GIF, CMYK or arithmetic-coded JPEG…): the server
    /// keeps the original privately and never shows it publicly.
    public var notDecodable: MediaError?

    public var display: Data? { renditions?.display }
    public var thumbnail: Data? { renditions?.thumbnail }
    /// Upright size (after EXIF orientation), when known.
    public var uprightSize: (width: Int, height: Int)? {
        guard let width, let height else { return nil }
        return metadata.orientation >= 5 ? (height, width) : (width, height)
    }
}

/// The server's entry point for uploaded photos: sniff, read metadata, decode, orient, resize and
/// re-encode. Pure and thread-safe; CPU-bound (run it off the event loop).
public enum PhotoProcessor {
    public struct Options: Sendable {
        public var displaySize = 1600
        public var thumbnailSize = 320
        public var displayQuality = 85
        public var thumbnailQuality = 80
        /// Embed the original's ICC profile (≤ 256 KB) in the renditions so Display-P3 colours survive.
        public var keepColorProfile = true

        public init() {}
    }

    /// - Throws: `.notAnImage` for anything that is not an image; `.truncated`, `.corrupt` or
    ///   `.tooLarge` for a JPEG/PNG that cannot be shown (reject the upload). Images that are valid but
    ///   not decodable here come back with `notDecodable` set instead.
    public static func process(_ data: Data, maxPixels: Int = MediaLimits.defaultMaxPixels,
                               options: Options = Options()) throws(MediaError) -> ProcessedPhoto {
        let bytes = [UInt8](data)
        let format = ImageSniffer.format(Array(bytes.prefix(64)))
        guard format != .unknown else { throw MediaError.notAnImage }
        let size = ImageSniffer.dimensions(bytes, format: format)
        let metadata = ExifReader.tiffBlock(bytes, format: format).map { ExifReader.parse(tiff: $0) } ?? PhotoMetadata()
        var result = ProcessedPhoto(format: format, width: size?.width, height: size?.height, metadata: metadata)

        let image: DecodedImage
        do throws(MediaError) {
            switch format {
            case .jpeg: image = try JPEGDecoder.decode(bytes: bytes, maxPixels: maxPixels)
            case .png: image = try PNGDecoder.decode(bytes: bytes, maxPixels: maxPixels)
            default:
                let name = format.rawValue.uppercased()
                throw MediaError.unsupported("\(name) 图片无法在服务器上解码，原图仅内部保存，不生成缩略图、不公开显示",
                                             "\(name) images cannot be decoded on the server: the original is kept internally, without thumbnails, and never shown publicly")
            }
        } catch {
            guard error.code == .unsupported else { throw error }
            result.notDecodable = error
            return result
        }
        let icc = options.keepColorProfile ? iccProfile(bytes, format: format) : nil
        // Scale first, then rotate: rotating the small image is cheaper and gives the same pixels.
        let flat = image.flattened()
        let display = ImageResizer.fit(flat, within: options.displaySize).oriented(metadata.orientation)
        let thumb = ImageResizer.fit(display, within: options.thumbnailSize)
        result.renditions = PhotoRenditions(
            display: JPEGEncoder.encode(display, quality: options.displayQuality, iccProfile: icc),
            displayWidth: display.width, displayHeight: display.height,
            thumbnail: JPEGEncoder.encode(thumb, quality: options.thumbnailQuality, iccProfile: icc),
            thumbnailWidth: thumb.width, thumbnailHeight: thumb.height)
        return result
    }

    /// The embedded RGB ICC profile: JPEG APP2 "ICC_PROFILE" chunks in sequence order, or PNG `iCCP`
    /// (zlib-compressed). Not carried into renditions: profiles over 256 KB, and grey or CMYK
    /// profiles (the renditions are always YCbCr).
    static func iccProfile(_ b: [UInt8], format: ImageFormat) -> [UInt8]? {
        guard let icc = embeddedProfile(b, format: format), icc.count >= 132, ByteView(icc).ascii(16, 4) == "RGB " else { return nil }
        return icc
    }

    static func embeddedProfile(_ b: [UInt8], format: ImageFormat) -> [UInt8]? {
        let limit = 256 * 1024
        switch format {
        case .jpeg:
            guard let layout = JPEGLayout.parse(b) else { return nil }
            var parts: [(Int, ArraySlice<UInt8>)] = []
            for s in layout.segments where s.marker == 0xE2 && s.payload.count > 14 {
                if ByteView(b).ascii(s.payload.lowerBound, 12) == "ICC_PROFILE\0" {
                    parts.append((Int(b[s.payload.lowerBound + 12]), b[s.payload.lowerBound + 14..<s.payload.upperBound]))
                }
            }
            let icc = parts.sorted { $0.0 < $1.0 }.flatMap(\.1)
            return icc.isEmpty || icc.count > limit ? nil : icc
        case .png:
            guard let c = PNGChunks.parse(b).chunks.first(where: { $0.type == "iCCP" }),
                  let nul = b[c.data].firstIndex(of: 0), nul + 2 < c.data.upperBound else { return nil }
            return try? Inflate.zlib(Array(b[nul + 2..<c.data.upperBound]), maxOutput: limit)
        default:
            return nil
        }
    }
}
