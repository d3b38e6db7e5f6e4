import Fluent
import XCTVapor
import PinganKit
@testable import PinganServer

/// Sites and external incidents imported from the web in the background, like people: a progress page that
/// refreshes itself, then the same report; the job is its uploader's only, under its own page only.
final class BackgroundImportTests: XCTestCase {
    /// Follows a job page until it stops refreshing; returns the final page.
    private func follow(_ app: Application, _ location: String, cookies: HTTPCookies) async throws -> (HTTPStatus, String) {
        for _ in 0..<200 {
            var out: (HTTPStatus, String)? = nil
            try await app.call(.GET, location, beforeRequest: { $0.headers.cookie = cookies }) { res in
                if res.headers.first(name: "Refresh") == nil { out = (res.status, res.body.string) }
                else { XCTAssertTrue(res.body.string.contains("<progress"), "a running job shows its progress") }
            }
            if let out { return out }
            try await Task.sleep(nanoseconds: 50_000_000)
        }
        XCTFail("the job did not finish"); return (.internalServerError, "")
    }

    private func upload(_ app: Application, _ path: String, _ s: (cookies: HTTPCookies, csrf: String, status: HTTPStatus), fields: [String: String],
                        file: (String, String)) async throws -> String {
        let (ct, body) = multipart(fields.merging(["_csrf": s.csrf]) { a, _ in a }, file: (file.0, "text/csv", Array(file.1.utf8)))
        var location = ""
        try await app.call(.POST, path, beforeRequest: { req in req.headers.cookie = s.cookies; req.headers.contentType = ct; req.body = body }) { res in
            XCTAssertEqual(res.status, .seeOther, res.body.string)
            location = res.headers.first(name: .location) ?? ""
        }
        return location
    }

    func testSiteImportRunsInTheBackgroundDryRunWritesNothingAndJobsArePrivate() async throws {
        let saved = ImportJobs.backgroundMinimumBytes
        ImportJobs.backgroundMinimumBytes = 0
        defer { ImportJobs.backgroundMinimumBytes = saved }
        try await withApp { app, f in
            let s = try await signIn(app, "officer")
            var csv = "名称,许可证号,地址,社区代码,行业,治安信息系统已联网,床位数（旅馆）\n"
            for i in 0..<450 { csv += "旅馆\(i),穗特\(i),繁华路\(i)号,440113007601,旅馆业,是,\(10 + i % 30)\n" }
            // Dry run first: a report, nothing written.
            let dry = try await upload(app, "/sites/import", s, fields: ["kind": "special_industry", "dryRun": "1"], file: ("hotels.csv", csv))
            XCTAssertTrue(dry.hasPrefix("/sites/import/jobs/"), dry)
            let dryPage = try await follow(app, dry, cookies: s.cookies)
            XCTAssertEqual(dryPage.0, .ok)
            XCTAssertTrue(dryPage.1.contains("450"), dryPage.1)
            var stored = try await Site.query(on: app.db).count()
            XCTAssertEqual(stored, 0, "a dry run in the background writes nothing")

            let real = try await upload(app, "/sites/import", s, fields: ["kind": "special_industry"], file: ("hotels.csv", csv))
            _ = try await follow(app, real, cookies: s.cookies)
            stored = try await Site.query(on: app.db).filter(\.$kind == .specialIndustry).count()
            XCTAssertEqual(stored, 450)
            let id = String(real.split(separator: "/").last!)
            try await app.call(.GET, "/api/v1/sites/import/jobs/\(id)", headers: f.bearer("officer")) { res in
                XCTAssertEqual(res.status, .ok)
                let job = try res.content.decode(ImportJobs.Job.self)
                XCTAssertEqual(job.phase, "done"); XCTAssertEqual(job.kind, .sites); XCTAssertEqual(job.report?.created, 450); XCTAssertEqual(job.report?.written, true)
            }
            try await app.call(.GET, "/api/v1/sites/import/jobs/\(id)", headers: f.bearer("chief")) { XCTAssertEqual($0.status, .notFound, "someone else's job") }
            try await app.call(.GET, "/people/import/jobs/\(id)", beforeRequest: { $0.headers.cookie = s.cookies }) { XCTAssertEqual($0.status, .notFound, "not a people job") }

            // A file with a bad row: the job ends with the row-level report and writes nothing more.
            let bad = csv.replacingOccurrences(of: "旅馆7,穗特7,繁华路7号,440113007601,旅馆业,是", with: "旅馆7,穗特7,繁华路7号,440113008601,旅馆业,maybe")
            let failed = try await upload(app, "/sites/import", s, fields: ["kind": "special_industry"], file: ("bad.csv", bad))
            let page = try await follow(app, failed, cookies: s.cookies)
            XCTAssertEqual(page.0, .unprocessableEntity)
            XCTAssertTrue(page.1.contains("field-error") || page.1.contains("alert error"), page.1)
            stored = try await Site.query(on: app.db).count()
            XCTAssertEqual(stored, 450)
        }
    }

    func testExternalIncidentImportRunsInTheBackground() async throws {
        let saved = ImportJobs.backgroundMinimumBytes
        ImportJobs.backgroundMinimumBytes = 0
        defer { ImportJobs.backgroundMinimumBytes = saved }
        try await withApp { app, f in
            let s = try await signIn(app, "admin")
            var csv = "occurrencedate,occurrencehour,MCI,Neighbourhood,Lat,Long\n"
            for i in 0..<2500 { csv += "2014/0\(1 + i % 9)/1\(i % 10) 05:00:00+00,\(i % 24),\(["Assault", "Break and Enter", "Robbery"][i % 3]),X,43.7\(i % 10),-79.5\(i % 10)\n" }
            let mapping = """
            { "name": "bench", "date": "occurrencedate", "hour": "occurrencehour", "timeZone": "America/Toronto", "latitude": "Lat", "longitude": "Long",
              "subcategory": { "column": "MCI", "values": { "Break and Enter": "burglary", "Robbery": "robbery", "Assault": "assault" } },
              "community": { "column": "Neighbourhood", "default": "440113007601" }, "description": ["MCI"] }
            """
            let before = try await Incident.query(on: app.db).count()
            let location = try await upload(app, "/analysis/import", s, fields: ["mapping": mapping], file: ("mci.csv", csv))
            XCTAssertTrue(location.hasPrefix("/analysis/import/jobs/"), location)
            let page = try await follow(app, location, cookies: s.cookies)
            XCTAssertEqual(page.0, .ok)
            XCTAssertTrue(page.1.contains("已导入 2500 起警情"), page.1)
            let after = try await Incident.query(on: app.db).count()
            XCTAssertEqual(after - before, 2500)
            let audits = try await AuditEvent.query(on: app.db).filter(\.$action == "incident.import").count()
            XCTAssertEqual(audits, 1)
            let id = String(location.split(separator: "/").last!)
            try await app.call(.GET, "/api/v1/analysis/import/jobs/\(id)", headers: f.bearer("admin")) { res in
                XCTAssertEqual(res.status, .ok)
                let job = try res.content.decode(ImportJobs.Job.self)
                XCTAssertEqual(job.incidents?.rows, 2500); XCTAssertEqual(job.incidents?.written, true)
            }
            try await app.call(.GET, "/api/v1/analysis/import/jobs/\(id)", headers: f.bearer("command")) { XCTAssertEqual($0.status, .notFound) }
        }
    }
}
