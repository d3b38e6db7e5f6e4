import Foundation
import XCTVapor
@testable import PinganServer

/// What schemathesis found against the OpenAPI document (issue 22 §4), kept as plain regressions so they fail here first.
final class FuzzFindingsTests: XCTestCase {
    /// A reversed period, or a far-future start with no end, built an invalid `ClosedRange` and stopped the whole server.
    func testTrainedShareRefusesAReversedPeriodAndSurvivesFarDays() async throws {
        try await withApp { app, f in
            var (s, body) = try await apiCall(app, f, "command", .GET, "/api/v1/training/share?from=2026-12-01&to=2026-11-01")
            XCTAssertEqual(s, .unprocessableEntity, body)
            XCTAssertTrue(body.contains("\"to\""), body)
            (s, body) = try await apiCall(app, f, "command", .GET, "/api/v1/training/share?from=9999-12-31")
            XCTAssertNotEqual(s, .internalServerError, body)
            let session = try await signIn(app, "command")
            try await app.test(.GET, "/forces/training?from=2026-12-01&to=2026-11-01", beforeRequest: { $0.headers.cookie = session.cookies }) { res in
                XCTAssertNotEqual(res.status, .internalServerError)
                XCTAssertContains(res.body.string, "结束日期不能早于开始日期")
            }
        }
    }
}

extension FuzzFindingsTests {
    /// A multipart body that is only its closing boundary failed in the parser: 500 before, a plain 400 now.
    func testAMalformedMultipartBodyIsABadRequest() async throws {
        try await withApp { app, f in
            let event = try await insertGridEvent(app, community: f.c1, grid: f.g1a)
            var headers = f.bearer("command")
            headers.replaceOrAdd(name: .contentType, value: "multipart/form-data; boundary=c637e12e2b1a998d80d1b087531af51c")
            try await app.test(.POST, "/api/v1/events/\(event)/actions", headers: headers, body: ByteBuffer(string: "--c637e12e2b1a998d80d1b087531af51c--\r\n")) { res in
                XCTAssertEqual(res.status, .badRequest, res.body.string)
                XCTAssertTrue(res.body.string.contains("\"error\":true"))
            }
        }
    }
}

extension FuzzFindingsTests {
    /// Read while documenting the API: these lists ignored a filter value they did not know, where the rest answer 422.
    func testUnknownFilterValuesAreNamedByTheAPI() async throws {
        try await withApp { app, f in
            for (path, field) in [("/api/v1/groups?kind=nonsense", "kind"), ("/api/v1/groups?community=abc", "community"),
                                  ("/api/v1/meetings?kind=nonsense", "kind"), ("/api/v1/meeting-actions?state=nonsense", "state")] {
                let (s, body) = try await apiCall(app, f, "command", .GET, path)
                XCTAssertEqual(s, .unprocessableEntity, path)
                XCTAssertTrue(body.contains("\"\(field)\""), body)
            }
            let (s, _) = try await apiCall(app, f, "command", .GET, "/api/v1/groups?kind=building")
            XCTAssertEqual(s, .ok)
        }
    }
}
