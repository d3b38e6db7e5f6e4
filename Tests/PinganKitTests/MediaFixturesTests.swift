import Foundation
import XCTest
@testable import PinganKit

/// The image fixtures made by `scripts/gen_media_fixtures.py` (see Fixtures/media/README.md), and
/// helpers shared by the Media*Tests.
enum MediaFixtures {
    static var directory: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/media")
    }

    static func data(_ name: String) throws -> Data {
        try Data(contentsOf: directory.appendingPathComponent(name))
    }

    /// expected.json: PNG pixel hashes, EXIF values, JPEG reference sizes.
    nonisolated(unsafe) static let expected: [String: [String: [String: Any]]] = {
        guard let d = try? Data(contentsOf: directory.appendingPathComponent("expected.json")),
              let j = try? JSONSerialization.jsonObject(with: d) as? [String: [String: [String: Any]]] else { return [:] }
        return j
    }()

    /// Pillow's decoding of a JPEG fixture (EXIF orientation applied), RGB8.
    static func reference(_ jpegName: String) throws -> DecodedImage {
        let info = try XCTUnwrap(expected["jpeg"]?[jpegName], "no reference for \(jpegName)")
        let w = try XCTUnwrap(info["width"] as? Int), h = try XCTUnwrap(info["height"] as? Int)
        let raw = try data("ref_" + jpegName.replacingOccurrences(of: ".jpg", with: ".rgb"))
        return DecodedImage(width: w, height: h, channels: 3, pixels: [UInt8](raw))
    }

    static func fnv1a64(_ bytes: [UInt8]) -> String {
        var h: UInt64 = 0xCBF2_9CE4_8422_2325
        for b in bytes { h = (h ^ UInt64(b)) &* 0x100_0000_01B3 }
        let s = String(h, radix: 16)
        return String(repeating: "0", count: 16 - s.count) + s
    }

    /// A smooth test picture with edges (for encoder and resize tests), RGB8.
    static func synthetic(width: Int, height: Int) -> DecodedImage {
        var px = [UInt8](repeating: 0, count: width * height * 3)
        for y in 0..<height {
            for x in 0..<width {
                let i = (y * width + x) * 3
                px[i] = UInt8(x * 255 / max(1, width - 1))
                px[i + 1] = UInt8(y * 255 / max(1, height - 1))
                px[i + 2] = (x / 8 + y / 8) % 2 == 0 ? 200 : 60
            }
        }
        return DecodedImage(width: width, height: height, channels: 3, pixels: px)
    }
}

final class MediaFixturesTests: XCTestCase {
    func testFixturesArePresentAndSmall() throws {
        let files = try FileManager.default.contentsOfDirectory(atPath: MediaFixtures.directory.path)
        XCTAssertGreaterThan(files.count, 40)
        var total = 0
        for f in files {
            let size = try MediaFixtures.data(f).count
            XCTAssertLessThan(size, 30_000, f)
            total += size
        }
        XCTAssertLessThan(total, 300_000)
        XCTAssertEqual(MediaFixtures.expected["png"]?.count, 20)
    }
}
