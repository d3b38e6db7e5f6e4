import XCTest
import XCTVapor
@testable import PinganServer
import PinganKit

/// Over a real socket a large upload arrives streamed, not as one buffer. The CSRF check must still find
/// the form's `_csrf` field in it, or every real file (more than a few kilobytes) is refused with 403.
final class ImportUploadTests: XCTestCase {
    func testALargeWebUploadOverASocketPassesTheCSRFCheck() async throws {
        try await withApp { app, f in
            let s = try await signIn(app, "officer")
            var csv = "姓名,公民身份号码,人口类别,社区,备注\n"
            for i in 0..<3000 {
                csv += "居民\(i),\(residentID("1980\(String(format: "%02d", 1 + i % 12))15", sequence: String(format: "%03d", i % 1000))),常住人口,德兴社区,\(String(repeating: "备", count: 20))\n"
            }
            XCTAssertGreaterThan(csv.utf8.count, 200_000)
            let (ct, body) = multipart(["_csrf": s.csrf, "dryRun": "on"], file: ("people.csv", "text/csv", Array(csv.utf8)))
            let port = Int.random(in: 20_000..<40_000)
            try await app.testable(method: .running(hostname: "127.0.0.1", port: port)).test(.POST, "/people/import", beforeRequest: { req async throws in
                req.headers.cookie = s.cookies; req.headers.contentType = ct; req.body = body
            }, afterResponse: { res async throws in
                XCTAssertEqual(res.status, .ok, res.body.string)
                XCTAssertTrue(res.body.string.contains("3000"), "the dry run reports every row")
            })
            let stored = try await Person.query(on: app.db).count()
            XCTAssertEqual(stored, 0, "a dry run writes nothing")
        }
    }
}

extension ImportUploadTests {
    /// An ordinary form whose body spans several reads (a long note in Chinese, percent-encoded) is not refused either.
    func testALongOrdinaryFormOverASocketPassesTheCSRFCheck() async throws {
        try await withApp { app, f in
            let s = try await signIn(app, "admin")
            let note = String(repeating: "说明", count: 1000)
            let body = "_csrf=\(s.csrf)&days=30&name=" + note.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
            XCTAssertGreaterThan(body.utf8.count, 16_000)
            let port = Int.random(in: 20_000..<40_000)
            try await app.testable(method: .running(hostname: "127.0.0.1", port: port)).test(.POST, "/account/tokens", beforeRequest: { req async throws in
                req.headers.cookie = s.cookies; req.headers.contentType = .urlEncodedForm; req.body = ByteBuffer(string: body)
            }, afterResponse: { res async throws in
                XCTAssertNotEqual(res.status, .forbidden, res.body.string)
                XCTAssertTrue([.ok, .seeOther, .unprocessableEntity, .badRequest].contains(res.status), "\(res.status)")
                XCTAssertTrue(res.body.string.contains("名称") || res.status == .seeOther || res.status == .ok, "the form answers about its own fields")
            })
        }
    }
}
