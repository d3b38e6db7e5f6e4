import Foundation
import XCTest
@testable import PinganKit

/// The server's entry point: what comes back for each kind of upload.
final class MediaPhotoProcessorTests: XCTestCase {
    func testPhoneJPEGWithGPS() throws {
        var options = PhotoProcessor.Options()
        options.displaySize = 40
        options.thumbnailSize = 16
        let p = try PhotoProcessor.process(MediaFixtures.data("exif_gps.jpg"), options: options)
        XCTAssertEqual(p.format, .jpeg)
        XCTAssertEqual(p.width, 61); XCTAssertEqual(p.height, 43)
        XCTAssertEqual(p.metadata.location?.rounded, PhotoLocation(latitude: 22.9376, longitude: 113.3843, altitude: 12.5))
        XCTAssertEqual(p.metadata.camera, "Apple iPhone 13")
        XCTAssertNil(p.notDecodable)
        let r = try XCTUnwrap(p.renditions)
        XCTAssertEqual([r.displayWidth, r.displayHeight, r.thumbnailWidth, r.thumbnailHeight], [40, 28, 16, 11])
        for d in [r.display, r.thumbnail] {
            XCTAssertEqual(ImageSniffer.format(of: d), .jpeg)
            XCTAssertFalse(ExifReader.read(d).hasExif)
            for s in ["Exif", "GPS", "Apple", "officer", "xmp", "MOTION"] { XCTAssertNil(d.range(of: Data(s.utf8)), s) }
            XCTAssertNotNil(PhotoProcessor.iccProfile([UInt8](d), format: .jpeg), "colour profile carried over")
        }
        XCTAssertEqual(try JPEGDecoder.decode(r.thumbnail).width, 16)
    }

    func testOrientationIsAppliedToThePixels() throws {
        for name in ["exif_orient6.jpg", "exif_orient8.jpg", "exif_orient3.jpg"] {
            let p = try PhotoProcessor.process(MediaFixtures.data(name))
            let r = try XCTUnwrap(p.renditions, name)
            XCTAssertEqual([r.displayWidth, r.displayHeight], [61, 43], name)
            XCTAssertTrue(p.uprightSize! == (61, 43), name)
            let shown = try JPEGDecoder.decode(r.display)
            let upright = try MediaFixtures.reference(name)
            // Re-encoding at q85 4:2:0 costs a few levels on this noisy 61×43 scene; a wrong turn costs tens.
            XCTAssertLessThan(try XCTUnwrap(shown.meanAbsoluteError(to: upright)), 12, name)
            XCTAssertGreaterThan(try XCTUnwrap(shown.meanAbsoluteError(to: upright.oriented(3))), 30, name)
            XCTAssertEqual(ExifReader.read(r.display).orientation, 1, name)
        }
    }

    func testPNGWithAlpha() throws {
        let p = try PhotoProcessor.process(MediaFixtures.data("rgba8.png"))
        XCTAssertEqual(p.format, .png)
        XCTAssertNotNil(p.renditions)
        let png = try PhotoProcessor.process(MediaFixtures.data("exif.png"))
        XCTAssertEqual(png.metadata.orientation, 6)
        XCTAssertEqual(png.renditions?.displayWidth, 43)
    }

    func testUndecodableImagesAreKeptPrivately() throws {
        for (name, format) in [("phone.heic", ImageFormat.heic), ("phone.webp", .webp), ("phone.avif", .avif), ("anim.gif", .gif), ("cmyk.jpg", .jpeg)] {
            let p = try PhotoProcessor.process(MediaFixtures.data(name))
            XCTAssertEqual(p.format, format, name)
            XCTAssertNil(p.renditions, name)
            XCTAssertNil(p.display, name)
            XCTAssertEqual(p.notDecodable?.code, .unsupported, name)
            XCTAssertFalse(p.notDecodable?.messageZh.isEmpty ?? true)
        }
        let heic = try PhotoProcessor.process(MediaFixtures.data("phone.heic"))
        XCTAssertEqual(heic.width, 4032)
        XCTAssertEqual(heic.metadata.location?.rounded, PhotoLocation(latitude: 22.9376, longitude: 113.3843))
        XCTAssertEqual(heic.metadata.model, "SM-S9180")
    }

    func testRefusals() throws {
        let cases: [(Data, MediaError.Code)] = [
            (Data("%PDF-1.4 not a photo".utf8), .notAnImage), (Data(), .notAnImage),
            (try MediaFixtures.data("truncated.jpg"), .truncated), (try MediaFixtures.data("truncated.png"), .truncated),
            (try MediaFixtures.data("bomb.jpg"), .tooLarge), (try MediaFixtures.data("bomb.png"), .tooLarge),
        ]
        for (data, code) in cases {
            XCTAssertThrowsError(try PhotoProcessor.process(data)) { e in XCTAssertEqual((e as? MediaError)?.code, code) }
        }
        XCTAssertThrowsError(try PhotoProcessor.process(MediaFixtures.data("baseline_420.jpg"), maxPixels: 2000)) { e in
            XCTAssertEqual((e as? MediaError)?.code, .tooLarge)
            XCTAssertEqual((e as? MediaError)?.messageEn, "The image is too large: 61×43 pixels; the limit is 0.002 megapixels")
        }
    }
}
