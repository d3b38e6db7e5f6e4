import Foundation
import XCTest
@testable import PinganKit

/// Stripping: no EXIF/GPS/XMP/comment/trailer bytes remain, image data stays byte-identical (so the
/// pixels are identical), and the orientation survives as a one-tag EXIF block unless asked not to.
final class MediaStripperTests: XCTestCase {
    func contains(_ data: Data, _ s: String) -> Bool { data.range(of: Data(s.utf8)) != nil }

    func testJPEGLosesEveryMetadataByteButNoPixel() throws {
        let original = try MediaFixtures.data("exif_gps.jpg")
        for s in ["Exif", "GPS", "iPhone", "officer 0042", "xmpmeta", "MOTIONPHOTO", "ICC_PROFILE"] { XCTAssertTrue(contains(original, s), s) }
        let stripped = try MetadataStripper.strip(original)
        for s in ["Exif", "GPS", "Apple", "iPhone", "2024:05:01", "officer", "xmpmeta", "MOTIONPHOTO"] { XCTAssertFalse(contains(stripped, s), s) }
        XCTAssertTrue(contains(stripped, "ICC_PROFILE"), "the colour profile is kept by default")
        XCTAssertTrue(contains(stripped, "JFIF"))
        XCTAssertFalse(ExifReader.read(stripped).hasExif)
        XCTAssertEqual(try JPEGDecoder.decode(stripped), try JPEGDecoder.decode(original))
        XCTAssertEqual(Array(stripped.suffix(2)), [0xFF, 0xD9], "nothing after EOI")

        // Tables, frame and scan segments are copied byte for byte.
        func imageSegments(_ d: Data) -> [[UInt8]] {
            let b = [UInt8](d)
            return JPEGLayout.parse(b)!.segments.filter { [0xDB, 0xC4, 0xC0, 0xDA, 0xDD].contains($0.marker) }.map { Array(b[$0.start..<$0.end]) }
        }
        XCTAssertEqual(imageSegments(stripped), imageSegments(original))

        let noICC = try MetadataStripper.strip(original, options: .init(keepColorProfile: false))
        XCTAssertFalse(contains(noICC, "ICC_PROFILE"))
        XCTAssertEqual(try JPEGDecoder.decode(noICC), try JPEGDecoder.decode(original))
    }

    func testOrientationSurvivesAsTheOnlyTag() throws {
        let original = try MediaFixtures.data("exif_orient6.jpg")
        let stripped = try MetadataStripper.strip(original)
        XCTAssertFalse(contains(stripped, "HUAWEI"))
        XCTAssertFalse(contains(stripped, "2023:12:31"))
        let m = ExifReader.read(stripped)
        XCTAssertEqual(m.orientation, 6)
        XCTAssertNil(m.location)
        XCTAssertNil(m.make)
        XCTAssertNil(m.dateTimeOriginal)
        XCTAssertEqual(try JPEGDecoder.decode(stripped), try JPEGDecoder.decode(original))

        let bare = try MetadataStripper.strip(original, options: .init(keepOrientation: false))
        XCTAssertFalse(contains(bare, "Exif"))
        XCTAssertEqual(ExifReader.read(bare).orientation, 1)
    }

    func testPNGKeepsDisplayChunksOnly() throws {
        let original = try MediaFixtures.data("exif.png")
        let stripped = try MetadataStripper.strip(original)
        let types = PNGChunks.parse([UInt8](stripped), checkCRC: true).chunks.map(\.type)
        XCTAssertEqual(types, ["IHDR", "sRGB", "eXIf", "IDAT", "IDAT", "IEND"])
        XCTAssertTrue(PNGChunks.parse([UInt8](stripped), checkCRC: true).chunks.allSatisfy(\.crcOK))
        for s in ["Officer", "13800138000", "Google", "22.9376", "private note"] { XCTAssertFalse(contains(stripped, s), s) }
        let m = ExifReader.read(stripped)
        XCTAssertEqual(m.orientation, 6)
        XCTAssertNil(m.location)
        XCTAssertEqual(try PNGDecoder.decode(stripped), try PNGDecoder.decode(original))
        let bare = try MetadataStripper.strip(original, options: .init(keepOrientation: false))
        XCTAssertFalse(PNGChunks.parse([UInt8](bare)).chunks.contains { $0.type == "eXIf" })
    }

    func testStrippingIsIdempotentAndRefusesOtherFormats() throws {
        for name in ["exif_gps.jpg", "exif_orient8.jpg", "progressive_restart_422.jpg", "exif.png", "rgba8.png"] {
            let once = try MetadataStripper.strip(MediaFixtures.data(name))
            XCTAssertEqual(try MetadataStripper.strip(once), once, name)
        }
        XCTAssertThrowsError(try MetadataStripper.strip(MediaFixtures.data("phone.heic"))) { e in
            XCTAssertEqual((e as? MediaError)?.code, .unsupported)
        }
        XCTAssertThrowsError(try MetadataStripper.strip(MediaFixtures.data("truncated.jpg"))) { e in
            XCTAssertEqual((e as? MediaError)?.code, .truncated)
        }
    }
}
