import Fluent
import SQLKit
import XCTVapor
import PinganKit
@testable import PinganServer

/// Issue 22 (low): HSTS over TLS, no caching of personal data, private file modes, Open311 discovery from configuration.
final class HeadersFilesTests: XCTestCase {
    func testNoStoreOnPersonalDataAndHSTSOnlyWithAnHTTPSAddress() async throws {
        try await withApp { app, f in
            let id = try await createPerson(app, f, community: f.c1)
            for path in ["/api/v1/people", "/api/v1/people/\(id)", "/api/v1/events", "/api/v1/incidents"] {
                try await app.call(.GET, path, headers: f.bearer("officer")) { res in
                    XCTAssertEqual(res.headers.first(name: .cacheControl), "no-store", path)
                    XCTAssertNil(res.headers.first(name: "Strict-Transport-Security"), "no HSTS over plain http")
                }
            }
            try await app.call(.POST, "/api/v1/people/\(id)/reveal", headers: f.bearer("officer"), beforeRequest: { try $0.content.encode(["purpose": "case"]) }) { res in
                XCTAssertEqual(res.status, .ok); XCTAssertEqual(res.headers.first(name: .cacheControl), "no-store")
            }
            // Static assets keep their own caching.
            try await app.call(.GET, "/static/app.css") { XCTAssertNotEqual($0.headers.first(name: .cacheControl), "no-store") }
            // A forged forwarding header does not turn HSTS on; a configured https address does.
            try await app.call(.GET, "/health", headers: ["X-Forwarded-Proto": "https"]) { XCTAssertNil($0.headers.first(name: "Strict-Transport-Security")) }
            app.pingan.publicURL = "https://pingan.example.gov.cn"
            try await app.call(.GET, "/health") { XCTAssertEqual($0.headers.first(name: "Strict-Transport-Security"), "max-age=31536000") }
            // Open311 discovery names the configured address whatever Host the request claims.
            try await app.call(.GET, "/open311/v2/discovery.json", headers: ["Host": "evil.example"]) { res in
                XCTAssertTrue(res.body.string.contains("https://pingan.example.gov.cn/open311/v2"), res.body.string)
                XCTAssertFalse(res.body.string.contains("evil.example"))
            }
        }
    }

    func testPublicURLIsValidated() throws {
        var env = ["PINGAN_SECRET_KEY": Data(repeating: 1, count: 32).base64EncodedString(), "PINGAN_PUBLIC_URL": "https://pingan.example.gov.cn/"]
        XCTAssertEqual(try AppConfig.fromEnvironment(env).publicURL, "https://pingan.example.gov.cn")
        env["PINGAN_PUBLIC_URL"] = "javascript:alert(1)"
        XCTAssertThrowsError(try AppConfig.fromEnvironment(env)) { XCTAssertTrue("\($0)".contains("PINGAN_PUBLIC_URL")) }
    }

    func testDatabaseWALUploadsAndKeyAreCreatedPrivate() async throws {
        let dir = scratchDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let config = try AppConfig.fromEnvironment(["PINGAN_DB": dir + "/pingan.sqlite"])
        let (app, f) = try await makeDurableApp(dir: dir, key: config.secretKey)
        try await createPerson(app, f!, community: f!.c1)
        func mode(_ p: String) -> Int { ((try? FileManager.default.attributesOfItem(atPath: p))?[.posixPermissions] as? NSNumber)?.intValue ?? -1 }
        XCTAssertEqual(mode(dir + "/pingan.key"), 0o600)
        XCTAssertEqual(mode(dir + "/pingan.sqlite"), 0o600)
        XCTAssertTrue(FileManager.default.fileExists(atPath: dir + "/pingan.sqlite-wal"))
        XCTAssertEqual(mode(dir + "/pingan.sqlite-wal"), 0o600)
        XCTAssertEqual(mode(dir + "/uploads"), 0o700)
        await shutdownDurable(app)
        // An existing database readable by others is tightened at start.
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: dir + "/pingan.sqlite")
        let (again, _) = try await makeDurableApp(dir: dir, key: config.secretKey, seed: false)
        XCTAssertEqual(mode(dir + "/pingan.sqlite"), 0o600)
        await shutdownDurable(again)
    }
}
