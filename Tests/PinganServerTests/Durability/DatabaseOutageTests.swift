import AsyncKit
import XCTVapor
@testable import PinganServer

/// bench/FAILOVER.md: while the database switches over, requests failed as 500. A database that cannot be reached for
/// a moment is 503 with Retry-After (the client should retry); other errors stay 500.
final class DatabaseOutageTests: XCTestCase {
    func testAnUnreachableDatabaseIs503WithRetryAfter() async throws {
        try await withApp { app, f in
            app.get("api", "v1", "outage-probe") { _ -> String in throw ConnectionPoolTimeoutError.connectionRequestTimeout }
            app.get("api", "v1", "crash-probe") { _ -> String in throw CancellationError() }
            try await app.call(.GET, "/api/v1/outage-probe", headers: f.bearer("admin")) { res in
                XCTAssertEqual(res.status, .serviceUnavailable, res.body.string)
                XCTAssertEqual(res.headers.first(name: .retryAfter), "2")
                XCTAssertTrue(res.body.string.contains("\"error\":true"))
            }
            try await app.call(.GET, "/api/v1/crash-probe", headers: f.bearer("admin")) { res in
                XCTAssertEqual(res.status, .internalServerError)
                XCTAssertNil(res.headers.first(name: .retryAfter))
            }
        }
        XCTAssertFalse(DatabaseOutage.matches(CancellationError()))
    }
}
