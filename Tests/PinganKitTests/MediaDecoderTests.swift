import Foundation
import XCTest
@testable import PinganKit

/// JPEG and PNG decoding against Pillow (JPEG: libjpeg-turbo's pixels within a small error; PNG:
/// exact pixels), and the refusals: truncated files, bombs, CMYK.
final class MediaDecoderTests: XCTestCase {
    static let jpegs = ["baseline_444.jpg", "baseline_422.jpg", "baseline_420.jpg", "progressive_420.jpg", "progressive_444.jpg",
                        "restart_420.jpg", "progressive_restart_422.jpg", "gray.jpg", "gray_progressive.jpg", "exif_gps.jpg"]

    func testJPEGsMatchPillow() throws {
        for name in Self.jpegs {
            let ours = try JPEGDecoder.decode(MediaFixtures.data(name))
            let ref = try MediaFixtures.reference(name)
            let mae = try XCTUnwrap(ours.meanAbsoluteError(to: ref), name)
            var maxDiff = 0
            for i in 0..<ours.pixels.count { maxDiff = max(maxDiff, abs(Int(ours.pixels[i]) - Int(ref.pixels[i]))) }
            XCTAssertLessThanOrEqual(mae, 0.1, name) // measured 0.004–0.02: libjpeg's IDCT, upsampling and colour tables
            XCTAssertLessThanOrEqual(maxDiff, 4, name)
        }
    }

    func testOrientedJPEGsMatchPillowsExifTranspose() throws {
        for name in ["exif_orient6.jpg", "exif_orient8.jpg", "exif_orient3.jpg"] {
            let data = try MediaFixtures.data(name)
            let meta = ExifReader.read(data)
            let upright = try JPEGDecoder.decode(data).oriented(meta.orientation)
            let ref = try MediaFixtures.reference(name)
            XCTAssertEqual(upright.width, 61, name)
            XCTAssertEqual(upright.height, 43, name)
            XCTAssertLessThanOrEqual(try XCTUnwrap(upright.meanAbsoluteError(to: ref)), 0.5, name)
        }
    }

    func testPNGsDecodeExactly() throws {
        let expected = try XCTUnwrap(MediaFixtures.expected["png"])
        for (name, e) in expected.sorted(by: { $0.key < $1.key }) {
            let img = try PNGDecoder.decode(MediaFixtures.data(name))
            XCTAssertEqual(img.width, e["width"] as? Int, name)
            XCTAssertEqual(img.height, e["height"] as? Int, name)
            XCTAssertEqual(img.channels, e["channels"] as? Int, name)
            XCTAssertEqual(MediaFixtures.fnv1a64(img.pixels), e["fnv1a64"] as? String, name)
        }
    }

    func testInterlacedPNGEqualsTheSequentialOne() throws {
        let a = try PNGDecoder.decode(MediaFixtures.data("rgb8.png"))
        let b = try PNGDecoder.decode(MediaFixtures.data("rgb8_interlaced.png"))
        XCTAssertEqual(a, b)
    }

    func testTruncatedFilesAreRefused() throws {
        XCTAssertThrowsError(try JPEGDecoder.decode(MediaFixtures.data("truncated.jpg"))) { e in
            XCTAssertEqual((e as? MediaError)?.code, .truncated)
        }
        XCTAssertThrowsError(try PNGDecoder.decode(MediaFixtures.data("truncated.png"))) { e in
            XCTAssertEqual((e as? MediaError)?.code, .truncated)
        }
    }

    func testBombsAreRefusedBeforeAllocating() throws {
        for (name, decode) in [("bomb.jpg", { (d: Data) throws in _ = try JPEGDecoder.decode(d) }),
                               ("bomb.png", { (d: Data) throws in _ = try PNGDecoder.decode(d) })] {
            XCTAssertThrowsError(try decode(MediaFixtures.data(name)), name) { e in
                XCTAssertEqual((e as? MediaError)?.code, .tooLarge, name)
                XCTAssertTrue((e as? MediaError)?.messageZh.contains("百万像素") == true)
            }
        }
        // Under the limit but with almost no data: refused as soon as the data runs out (the
        // inflate buffer is bounded by what the compressed bytes could expand to, not the header).
        var ihdr: [UInt8] = []
        ihdr.appendBE(6000, width: 4); ihdr.appendBE(6000, width: 4); ihdr += [8, 2, 0, 0, 0]
        let zlib: [UInt8] = [0x78, 0x01, 0x01, 0x10, 0x00, 0xEF, 0xFF] + [UInt8](repeating: 0, count: 16) + [0x00, 0x10, 0x00, 0x01]
        let thin = PNGChunks.signature + CRC32.chunk("IHDR", ihdr) + CRC32.chunk("IDAT", zlib) + CRC32.chunk("IEND", [])
        XCTAssertThrowsError(try PNGDecoder.decode(Data(thin))) { e in XCTAssertEqual((e as? MediaError)?.code, .corrupt) }
        // The limit is configurable: a small fixture fails under a tiny limit.
        XCTAssertThrowsError(try JPEGDecoder.decode(MediaFixtures.data("baseline_420.jpg"), maxPixels: 1000))
        XCTAssertThrowsError(try PNGDecoder.decode(MediaFixtures.data("rgb8.png"), maxPixels: 1000))
    }

    func testUnsupportedVariantsAreRefusedClearly() throws {
        // Arithmetic coding (SOF9), lossless (SOF3) and 12-bit precision, made by editing a real frame header.
        let good = try [UInt8](MediaFixtures.data("baseline_420.jpg"))
        let sof = try XCTUnwrap(JPEGLayout.parse(good)?.segments.first { $0.marker == 0xC0 })
        for (offset, value) in [(sof.start + 1, UInt8(0xC9)), (sof.start + 1, 0xC3), (sof.payload.lowerBound, 12)] {
            var bad = good
            bad[offset] = value
            XCTAssertThrowsError(try JPEGDecoder.decode(Data(bad))) { e in XCTAssertEqual((e as? MediaError)?.code, .unsupported) }
            XCTAssertEqual(try PhotoProcessor.process(Data(bad)).notDecodable?.code, .unsupported)
        }

        XCTAssertThrowsError(try JPEGDecoder.decode(MediaFixtures.data("cmyk.jpg"))) { e in
            let m = e as? MediaError
            XCTAssertEqual(m?.code, .unsupported)
            XCTAssertTrue(m?.messageZh.contains("CMYK") == true)
            XCTAssertTrue(m?.messageEn.contains("CMYK") == true)
        }
    }

    /// Cut and flipped bytes: every outcome is an image or a MediaError, never a crash or a hang.
    func testDamagedFilesNeverCrash() throws {
        for name in ["baseline_420.jpg", "progressive_restart_422.jpg", "palette2_interlaced.png", "rgba8.png"] {
            let good = try [UInt8](MediaFixtures.data(name))
            var rng = SystemRandomNumberGenerator()
            for i in 0..<60 {
                var bad = good
                if i < 20 {
                    bad = Array(good.prefix(good.count * i / 20))
                } else {
                    for _ in 0..<(1 + i % 4) { bad[Int.random(in: 2..<bad.count, using: &rng)] = UInt8.random(in: 0...255, using: &rng) }
                }
                let d = Data(bad)
                if name.hasSuffix("jpg") { _ = try? JPEGDecoder.decode(d) } else { _ = try? PNGDecoder.decode(d) }
                _ = ExifReader.read(d)
                _ = try? MetadataStripper.strip(d)
                _ = ImageSniffer.info(of: d)
            }
        }
    }
}
