import XCTest
@testable import PinganServer

final class ConfigTests: XCTestCase {
    func testStartupListsEveryProblem() {
        XCTAssertThrowsError(try AppConfig.fromEnvironment(["DATABASE_URL": "mysql://x", "PORT": "http", "PINGAN_SECRET_KEY": "short", "PINGAN_TIMEZONE": "Mars/Base"])) { error in
            let text = "\(error)"
            XCTAssertTrue(text.contains("DATABASE_URL"), text)
            XCTAssertTrue(text.contains("PORT"), text)
            XCTAssertTrue(text.contains("PINGAN_SECRET_KEY"), text)
            XCTAssertTrue(text.contains("PINGAN_TIMEZONE"), text)
        }
    }

    func testKeyFileIsCreatedPrivateAndReused() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("pingan-key-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let db = dir.appendingPathComponent("p.sqlite").path
        let c1 = try AppConfig.fromEnvironment(["PINGAN_DB": db, "PORT": "9000"])
        XCTAssertEqual(c1.port, 9000)
        let keyPath = dir.appendingPathComponent("pingan.key").path
        let perms = (try FileManager.default.attributesOfItem(atPath: keyPath)[.posixPermissions] as! NSNumber).intValue
        XCTAssertEqual(perms & 0o777, 0o600)
        let c2 = try AppConfig.fromEnvironment(["PINGAN_DB": db])
        XCTAssertEqual(c1.secretKey, c2.secretKey, "the same key is read back")
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: keyPath)
        XCTAssertThrowsError(try AppConfig.fromEnvironment(["PINGAN_DB": db]), "a world-readable key file is refused")
        if case .postgres(let url) = try AppConfig.fromEnvironment(["DATABASE_URL": "postgres://u@127.0.0.1/db", "PINGAN_SECRET_KEY": Data(repeating: 1, count: 32).base64EncodedString()]).database {
            XCTAssertEqual(url, "postgres://u@127.0.0.1/db")
        } else { XCTFail("DATABASE_URL selects PostgreSQL") }
    }

    func testHTMLNodeEscapesTextAndAttributes() {
        let html = Node.a(.href("\"><script>x</script>"), .text("<b>&'")).render()
        XCTAssertEqual(html, "<a href=\"&quot;&gt;&lt;script&gt;x&lt;/script&gt;\">&lt;b&gt;&amp;&#39;</a>")
    }
}
