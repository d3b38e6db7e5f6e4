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

extension ImportUploadTests {
    /// A large web upload is answered at once with a progress page that refreshes itself; when the import is
    /// done the same address shows the report. Only the uploader can see the job.
    func testALargeWebImportRunsInTheBackgroundWithAProgressPage() async throws {
        let saved = ImportJobs.backgroundMinimumBytes
        ImportJobs.backgroundMinimumBytes = 0
        defer { ImportJobs.backgroundMinimumBytes = saved }
        try await withApp { app, f in
            let s = try await signIn(app, "officer")
            var csv = "姓名,公民身份号码,人口类别,社区\n"
            for i in 0..<300 { csv += "居民\(i),\(residentID("1985\(String(format: "%02d", 1 + i % 12))20", sequence: String(format: "%03d", i))),常住人口,德兴社区\n" }
            let (ct, body) = multipart(["_csrf": s.csrf], file: ("people.csv", "text/csv", Array(csv.utf8)))
            var location = ""
            try await app.call(.POST, "/people/import", beforeRequest: { req in
                req.headers.cookie = s.cookies; req.headers.contentType = ct; req.body = body
            }) { res in
                XCTAssertEqual(res.status, .seeOther, res.body.string)
                location = res.headers.first(name: .location) ?? ""
            }
            XCTAssertTrue(location.hasPrefix("/people/import/jobs/"), location)
            var finished = false
            for _ in 0..<100 where !finished {
                try await app.call(.GET, location, beforeRequest: { $0.headers.cookie = s.cookies }) { res in
                    XCTAssertEqual(res.status, .ok)
                    if res.headers.first(name: "Refresh") == nil {
                        finished = true
                        XCTAssertTrue(res.body.string.contains("新增 300 人"), res.body.string)
                    } else {
                        XCTAssertTrue(res.body.string.contains("<progress"), "a running job shows its progress")
                    }
                }
                if !finished { try await Task.sleep(nanoseconds: 100_000_000) }
            }
            XCTAssertTrue(finished, "the import finished")
            let stored = try await Person.query(on: app.db).count()
            XCTAssertEqual(stored, 300)
            let id = String(location.split(separator: "/").last!)
            try await app.call(.GET, "/api/v1/people/import/jobs/\(id)", headers: f.bearer("officer")) { res in
                XCTAssertEqual(res.status, .ok)
                let job = try res.content.decode(ImportJobs.Job.self)
                XCTAssertEqual(job.phase, "done"); XCTAssertEqual(job.report?.created, 300)
            }
            try await app.call(.GET, "/api/v1/people/import/jobs/\(id)", headers: f.bearer("chief")) { XCTAssertEqual($0.status, .notFound, "someone else's job") }
            try await app.call(.GET, "/api/v1/people/import/jobs/999999", headers: f.bearer("officer")) { XCTAssertEqual($0.status, .notFound) }
        }
    }
}
