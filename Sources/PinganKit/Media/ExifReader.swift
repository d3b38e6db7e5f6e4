import Foundation

/// Where a photo says it was taken: WGS-84 decimal degrees as the phone's GPS wrote them (north and
/// east positive). Maps in China draw GCJ-02, so convert before placing a pin.
public struct PhotoLocation: Equatable, Sendable, Codable {
    public var latitude: Double
    public var longitude: Double
    /// Metres above sea level (negative below), when recorded.
    public var altitude: Double?

    public init(latitude: Double, longitude: Double, altitude: Double? = nil) {
        self.latitude = latitude
        self.longitude = longitude
        self.altitude = altitude
    }
}

/// The metadata a photo carries that matters here: how to turn it upright, where and when it was
/// taken, and with what. Everything else in the EXIF block is ignored (and stripped from copies).
public struct PhotoMetadata: Equatable, Sendable, Codable {
    /// EXIF orientation 1…8 (1 = upright; 6 = turn 90° clockwise to view; 3 = 180°; 8 = 90° anticlockwise).
    public var orientation: Int = 1
    public var location: PhotoLocation?
    public var make: String?
    public var model: String?
    public var software: String?
    /// DateTimeOriginal as written, "2024:05:01 14:03:22" (the camera's local clock).
    public var dateTimeOriginal: String?
    /// OffsetTimeOriginal ("+08:00") when the camera wrote it.
    public var offsetTimeOriginal: String?
    /// Whether the file had an EXIF block at all.
    public var hasExif = false

    public init() {}

    /// "Apple iPhone 13", without repeating the make when the model already starts with it.
    public var camera: String? {
        switch (make, model) {
        case let (m?, n?): n.lowercased().hasPrefix(m.lowercased()) ? n : m + " " + n
        case let (m?, nil): m
        case let (nil, n?): n
        default: nil
        }
    }

    /// The capture time, using the recorded offset or else `timeZone` (the district's local time).
    public func capturedAt(defaultTimeZone timeZone: TimeZone) -> Date? {
        guard let s = dateTimeOriginal else { return nil }
        let parts = s.split(whereSeparator: { $0 == ":" || $0 == " " }).compactMap { Int($0) }
        guard parts.count >= 6, (1...12).contains(parts[1]), (1...31).contains(parts[2]),
              (0...23).contains(parts[3]), (0...59).contains(parts[4]), (0...60).contains(parts[5]) else { return nil }
        var zone = timeZone
        if let o = offsetTimeOriginal, o.count == 6, let sign = o.first, sign == "+" || sign == "-",
           let h = Int(o.dropFirst().prefix(2)), let m = Int(o.suffix(2)),
           let z = TimeZone(secondsFromGMT: (sign == "-" ? -1 : 1) * (h * 3600 + m * 60)) { zone = z }
        var cal = Calendar(identifier: .gregorian)
        cal.timeZone = zone
        return cal.date(from: DateComponents(year: parts[0], month: parts[1], day: parts[2],
                                             hour: parts[3], minute: parts[4], second: parts[5]))
    }
}

/// Reads EXIF from JPEG (APP1 "Exif\0\0"), PNG (`eXIf`), WebP (`EXIF`) and HEIC/AVIF (the `Exif`
/// item). Every read is bounds-checked and each IFD is visited once, so truncated or hostile blocks
/// give partial or empty metadata, never a crash or a loop.
public enum ExifReader {
    public static func read(_ data: Data) -> PhotoMetadata {
        let bytes = [UInt8](data)
        guard let tiff = tiffBlock(bytes, format: ImageSniffer.format(Array(bytes.prefix(64)))) else {
            return PhotoMetadata()
        }
        return parse(tiff: tiff)
    }

    /// The TIFF structure (from its "II"/"MM" header on) inside an image file, if any.
    static func tiffBlock(_ b: [UInt8], format: ImageFormat) -> [UInt8]? {
        switch format {
        case .jpeg:
            guard let layout = JPEGLayout.parse(b) else { return nil }
            for s in layout.segments where s.marker == 0xE1 && s.payload.count > 6 {
                if ByteView(b).ascii(s.payload.lowerBound, 5) == "Exif\0" { return Array(b[s.payload.lowerBound + 6..<s.payload.upperBound]) }
            }
            return nil
        case .png:
            for c in PNGChunks.parse(b).chunks where c.type == "eXIf" { return withoutExifPrefix(Array(b[c.data])) }
            return nil
        case .webp:
            let v = ByteView(b, bigEndian: false)
            var pos = 12
            while let size = v.u32(pos + 4), let type = v.ascii(pos, 4), size <= b.count - pos - 8 {
                if type == "EXIF" { return withoutExifPrefix(Array(b[pos + 8..<pos + 8 + size])) }
                pos += 8 + size + (size & 1)
            }
            return nil
        case .heic, .avif:
            return HEIFBoxes(b).exifTIFF().map(withoutExifPrefix)
        case .gif, .unknown:
            return nil
        }
    }

    /// Some writers keep JPEG's "Exif\0\0" prefix inside PNG/WebP/HEIF blocks.
    static func withoutExifPrefix(_ b: [UInt8]) -> [UInt8] {
        ByteView(b).ascii(0, 5) == "Exif\0" && b.count > 6 ? Array(b[6...]) : b
    }

    /// Parses a TIFF block: IFD0 (orientation, make, model, software), its Exif IFD (DateTimeOriginal,
    /// OffsetTimeOriginal) and its GPS IFD.
    public static func parse(tiff: [UInt8]) -> PhotoMetadata {
        var meta = PhotoMetadata()
        let bigEndian: Bool
        switch ByteView(tiff).ascii(0, 2) { case "MM": bigEndian = true; case "II": bigEndian = false; default: return meta }
        let v = ByteView(tiff, bigEndian: bigEndian)
        guard v.u16(2) == 42, let ifd0 = v.u32(4) else { return meta }
        meta.hasExif = true
        var visited = Set<Int>()
        let main = entries(v, at: ifd0, visited: &visited)
        if let o = main[0x0112].flatMap({ v.integer($0) }), (1...8).contains(o) { meta.orientation = o }
        meta.make = main[0x010F].flatMap { v.text($0) }
        meta.model = main[0x0110].flatMap { v.text($0) }
        meta.software = main[0x0131].flatMap { v.text($0) }
        if let p = main[0x8769].flatMap({ v.integer($0) }) {
            let exif = entries(v, at: p, visited: &visited)
            meta.dateTimeOriginal = exif[0x9003].flatMap { v.text($0) } ?? main[0x0132].flatMap { v.text($0) }
            meta.offsetTimeOriginal = exif[0x9011].flatMap { v.text($0) }
        } else {
            meta.dateTimeOriginal = main[0x0132].flatMap { v.text($0) }
        }
        if let p = main[0x8825].flatMap({ v.integer($0) }) {
            meta.location = location(v, entries(v, at: p, visited: &visited))
        }
        return meta
    }

    static func location(_ v: ByteView, _ gps: [Int: IFDEntry]) -> PhotoLocation? {
        func degrees(_ tag: Int) -> Double? {
            guard let e = gps[tag], let r = v.rationals(e), r.count >= 3 else { return nil }
            let value = r[0] + r[1] / 60 + r[2] / 3600
            return value.isFinite ? value : nil
        }
        guard var lat = degrees(2), var lon = degrees(4), lat <= 90, lon <= 180 else { return nil }
        // 0/0 is what several phones write when they had no fix.
        if lat == 0 && lon == 0 { return nil }
        if gps[1].flatMap({ v.text($0) })?.uppercased().hasPrefix("S") == true { lat = -lat }
        if gps[3].flatMap({ v.text($0) })?.uppercased().hasPrefix("W") == true { lon = -lon }
        var altitude = gps[6].flatMap { v.rationals($0) }?.first
        if altitude?.isFinite != true { altitude = nil }
        if let a = altitude, gps[5].flatMap({ v.integer($0) }) == 1 { altitude = -a }
        return PhotoLocation(latitude: lat, longitude: lon, altitude: altitude)
    }

    struct IFDEntry { var type: Int; var count: Int; var valueOffset: Int }

    static let typeSizes = [0, 1, 1, 2, 4, 8, 1, 1, 2, 4, 8, 4, 8]

    /// The entries of the IFD at `offset` (at most 1000), by tag; each IFD is read once.
    static func entries(_ v: ByteView, at offset: Int, visited: inout Set<Int>) -> [Int: IFDEntry] {
        guard visited.insert(offset).inserted, let n = v.u16(offset) else { return [:] }
        var out: [Int: IFDEntry] = [:]
        for i in 0..<min(n, 1000) {
            let at = offset + 2 + 12 * i
            guard let tag = v.u16(at), let type = v.u16(at + 2), let count = v.u32(at + 4) else { break }
            guard type < typeSizes.count, typeSizes[type] > 0 else { continue }
            let size = typeSizes[type] * count
            let valueOffset = size <= 4 ? at + 8 : (v.u32(at + 8) ?? -1)
            guard valueOffset >= 0, valueOffset <= v.count - size else { continue }
            if out[tag] == nil { out[tag] = IFDEntry(type: type, count: count, valueOffset: valueOffset) }
        }
        return out
    }
}

extension ByteView {
    /// SHORT, LONG or BYTE value.
    func integer(_ e: ExifReader.IFDEntry) -> Int? {
        guard e.count >= 1 else { return nil }
        switch e.type {
        case 1, 7: return u8(e.valueOffset).map(Int.init)
        case 3: return u16(e.valueOffset)
        case 4: return u32(e.valueOffset)
        default: return nil
        }
    }

    /// ASCII text up to the first NUL, trimmed, at most 256 bytes.
    func text(_ e: ExifReader.IFDEntry) -> String? {
        guard e.type == 2 || e.type == 7 else { return nil }
        let raw = bytes[e.valueOffset..<e.valueOffset + min(e.count, 256)]
        let s = String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        return s.isEmpty ? nil : s
    }

    /// RATIONAL / SRATIONAL values (at most 8); nil when a denominator is zero.
    func rationals(_ e: ExifReader.IFDEntry) -> [Double]? {
        guard e.type == 5 || e.type == 10 else { return nil }
        var out: [Double] = []
        for i in 0..<min(e.count, 8) {
            guard var num = u32(e.valueOffset + 8 * i), var den = u32(e.valueOffset + 8 * i + 4), den != 0 else { return nil }
            if e.type == 10 { num = Int(Int32(truncatingIfNeeded: num)); den = Int(Int32(truncatingIfNeeded: den)) }
            out.append(Double(num) / Double(den))
        }
        return out
    }
}
