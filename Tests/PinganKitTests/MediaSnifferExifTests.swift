import Foundation
import XCTest
@testable import PinganKit

/// Type from the bytes, sizes from headers, and EXIF: exact values from the fixtures, and hostile
/// TIFF blocks that must end quietly.
final class MediaSnifferExifTests: XCTestCase {
    func testFormatsComeFromTheBytes() throws {
        let cases: [(String, ImageFormat, Int, Int)] = [
            ("baseline_420.jpg", .jpeg, 61, 43), ("progressive_444.jpg", .jpeg, 61, 43), ("exif_orient6.jpg", .jpeg, 43, 61),
            ("rgb8.png", .png, 61, 43), ("phone.heic", .heic, 4032, 3024), ("phone.avif", .avif, 1920, 1080),
            ("phone.webp", .webp, 3000, 4000), ("anim.gif", .gif, 61, 43), ("bomb.png", .png, 100_000, 100_000),
            ("bomb.jpg", .jpeg, 65000, 65000),
        ]
        for (name, format, w, h) in cases {
            let info = ImageSniffer.info(of: try MediaFixtures.data(name))
            XCTAssertEqual(info, ImageInfo(format: format, width: w, height: h), name)
        }
        XCTAssertEqual(ImageSniffer.format(of: Data("%PDF-1.7\n".utf8)), .unknown)
        XCTAssertEqual(ImageSniffer.format(of: Data("<html><body>".utf8)), .unknown)
        XCTAssertEqual(ImageSniffer.format(of: Data()), .unknown)
        XCTAssertEqual(ImageSniffer.info(of: Data([0xFF, 0xD8, 0xFF])), ImageInfo(format: .jpeg, width: nil, height: nil))
        XCTAssertEqual(ImageFormat.heic.contentType, "image/heic")
        XCTAssertEqual(ImageFormat.jpeg.fileExtension, "jpg")
        XCTAssertTrue(ImageFormat.png.isDecodable)
        XCTAssertFalse(ImageFormat.heic.isDecodable)
    }

    func testHEIFBrands() {
        func ftyp(_ brands: [String]) -> Data {
            var b: [UInt8] = []
            b.appendBE(16 + 4 * (brands.count - 1), width: 4)
            b += Array("ftyp".utf8) + Array(brands[0].utf8) + [0, 0, 0, 0]
            for x in brands.dropFirst() { b += Array(x.utf8) }
            return Data(b)
        }
        XCTAssertEqual(ImageSniffer.format(of: ftyp(["heic", "mif1"])), .heic)
        XCTAssertEqual(ImageSniffer.format(of: ftyp(["mif1", "heix"])), .heic)
        XCTAssertEqual(ImageSniffer.format(of: ftyp(["msf1", "hevc"])), .heic)
        XCTAssertEqual(ImageSniffer.format(of: ftyp(["mif1", "avif"])), .avif)
        XCTAssertEqual(ImageSniffer.format(of: ftyp(["avif", "mif1"])), .avif)
        XCTAssertEqual(ImageSniffer.format(of: ftyp(["isom", "mp42"])), .unknown) // an MP4 video
    }

    func testExifValuesFromFixtures() throws {
        let expected = try XCTUnwrap(MediaFixtures.expected["exif"])
        XCTAssertEqual(expected.count, 7)
        for (name, e) in expected {
            let m = ExifReader.read(try MediaFixtures.data(name))
            XCTAssertTrue(m.hasExif, name)
            XCTAssertEqual(m.orientation, e["orientation"] as? Int, name)
            XCTAssertEqual(m.make, e["make"] as? String, name)
            XCTAssertEqual(m.model, e["model"] as? String, name)
            XCTAssertEqual(m.dateTimeOriginal, e["dateTimeOriginal"] as? String, name)
            XCTAssertEqual(m.offsetTimeOriginal, e["offsetTimeOriginal"] as? String, name)
            if let lat = e["latitude"] as? Double, let lon = e["longitude"] as? Double {
                let loc = try XCTUnwrap(m.location, name)
                XCTAssertEqual(loc.latitude, lat, accuracy: 1e-12, name)
                XCTAssertEqual(loc.longitude, lon, accuracy: 1e-12, name)
            } else {
                XCTAssertNil(m.location, name)
            }
        }
        let gps = ExifReader.read(try MediaFixtures.data("exif_gps.jpg"))
        XCTAssertEqual(gps.location?.rounded, PhotoLocation(latitude: 22.9376, longitude: 113.3843, altitude: 12.5))
        XCTAssertEqual(gps.camera, "Apple iPhone 13")
        XCTAssertEqual(gps.software, "17.5.1")
        XCTAssertEqual(gps.capturedAt(defaultTimeZone: TimeZone(identifier: "UTC")!), Date(timeIntervalSince1970: 1_714_543_402))
        XCTAssertFalse(ExifReader.read(try MediaFixtures.data("baseline_420.jpg")).hasExif)
    }

    func testCaptureTimeUsesTheDefaultZoneWithoutOffset() throws {
        var m = PhotoMetadata()
        m.dateTimeOriginal = "2024:05:01 14:03:22"
        XCTAssertEqual(m.capturedAt(defaultTimeZone: TimeZone(identifier: "Asia/Shanghai")!), Date(timeIntervalSince1970: 1_714_543_402))
        m.dateTimeOriginal = "0000:00:00 00:00:00" // what some cameras write when the clock was never set
        XCTAssertNil(m.capturedAt(defaultTimeZone: .current))
        m.make = "HUAWEI"; m.model = "HUAWEI P60"
        XCTAssertEqual(m.camera, "HUAWEI P60")
    }

    /// A big-endian TIFF: IFD0 at 8 with the given entries (tag, type, count, value/offset).
    func tiff(_ entries: [(Int, Int, Int, Int)], extra: [UInt8] = []) -> [UInt8] {
        var t: [UInt8] = Array("MM".utf8) + [0, 42, 0, 0, 0, 8]
        t.appendBE(entries.count, width: 2)
        for (tag, type, count, value) in entries {
            t.appendBE(tag, width: 2); t.appendBE(type, width: 2); t.appendBE(count, width: 4)
            t.appendBE(type == 3 && count == 1 ? value << 16 : value, width: 4)
        }
        t += [0, 0, 0, 0]
        return t + extra
    }

    func testHostileTIFFBlocksEndQuietly() {
        // Exif and GPS pointers back at IFD0 (a cycle), a huge count, an offset past the end.
        let cyclic = tiff([(0x0112, 3, 1, 6), (0x8769, 4, 1, 8), (0x8825, 4, 1, 8), (0x010F, 2, 0x7FFF_FFFF, 8), (0x0110, 2, 20, 10_000)])
        let m = ExifReader.parse(tiff: cyclic)
        XCTAssertEqual(m.orientation, 6)
        XCTAssertNil(m.make)
        XCTAssertNil(m.model)
        XCTAssertNil(m.location)
        // Every prefix of a real block parses without trapping.
        let full = [UInt8](try! MediaFixtures.data("exif_gps.jpg"))
        let tiffStart = full.indices.first { full[$0...].starts(with: Array("Exif\0\0".utf8)) }! + 6
        let block = Array(full[tiffStart..<min(full.count, tiffStart + 400)])
        for n in 0...block.count { _ = ExifReader.parse(tiff: Array(block.prefix(n))) }
        // An orientation out of range is ignored; GPS with a zero denominator or 0/0 is no location.
        XCTAssertEqual(ExifReader.parse(tiff: tiff([(0x0112, 3, 1, 9)])).orientation, 1)
        var rationals: [UInt8] = []
        for (n, d) in [(22, 1), (56, 0), (0, 1)] { rationals.appendBE(n, width: 4); rationals.appendBE(d, width: 4) }
        let gpsIFD = 8 + 2 + 12 + 4 // right after IFD0
        let zeroDen = tiff([(0x8825, 4, 1, gpsIFD)], extra: [0, 2] + entry(2, 5, 3, gpsIFD + 2 + 24 + 4) + entry(4, 5, 3, gpsIFD + 2 + 24 + 4) + [0, 0, 0, 0] + rationals)
        XCTAssertNil(ExifReader.parse(tiff: zeroDen).location)
        XCTAssertFalse(ExifReader.parse(tiff: Array("XX\0*".utf8)).hasExif)
    }

    func entry(_ tag: Int, _ type: Int, _ count: Int, _ value: Int) -> [UInt8] {
        var e: [UInt8] = []
        e.appendBE(tag, width: 2); e.appendBE(type, width: 2); e.appendBE(count, width: 4); e.appendBE(value, width: 4)
        return e
    }
}

extension PhotoLocation {
    var rounded: PhotoLocation {
        PhotoLocation(latitude: (latitude * 1e9).rounded() / 1e9, longitude: (longitude * 1e9).rounded() / 1e9, altitude: altitude)
    }
}
