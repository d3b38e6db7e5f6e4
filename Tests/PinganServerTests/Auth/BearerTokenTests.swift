import Fluent
import XCTVapor
import PinganKit
@testable import PinganServer

/// The bearer-token sign-in (one SQL join): what lets a token in and what keeps it out.
final class BearerTokenTests: XCTestCase {
    func testRevokedExpiredAndDeactivatedTokensAreRefusedAndUseIsRecorded() async throws {
        try await withApp { app, f in
            func status(_ user: String) async throws -> HTTPStatus {
                var s = HTTPStatus.ok
                try await app.call(.GET, "/api/v1/incidents", headers: f.bearer(user)) { s = $0.status }
                return s
            }
            let usersBefore = try await User.query(on: app.db).count()
            let s1 = try await status("officer"); XCTAssertEqual(s1, .ok)
            let used = try await APIToken.query(on: app.db).filter(\.$userID == f.users["officer"]!).first()
            XCTAssertNotNil(used?.lastUsedAt, "the token's last use is recorded")

            // The user read with SQL is a stored user: remembering a language updates it, nothing else.
            try await app.call(.GET, "/api/v1/incidents?lang=en", headers: f.bearer("grid")) { XCTAssertEqual($0.status, .ok) }
            let grid = try await User.find(f.users["grid"]!, on: app.db)
            XCTAssertEqual(grid?.lang, "en"); XCTAssertEqual(grid?.role, .gridWorker)
            let usersAfter = try await User.query(on: app.db).count(); XCTAssertEqual(usersAfter, usersBefore, "no second user row")

            let chief = try await APIToken.query(on: app.db).filter(\.$userID == f.users["chief"]!).first()!
            chief.revoked = true; try await chief.save(on: app.db)
            let s_chief = try await status("chief"); XCTAssertEqual(s_chief, .unauthorized)

            let analyst = try await APIToken.query(on: app.db).filter(\.$userID == f.users["analyst"]!).first()!
            analyst.expiresAt = Date().addingTimeInterval(-60); try await analyst.save(on: app.db)
            let s_analyst = try await status("analyst"); XCTAssertEqual(s_analyst, .unauthorized)

            let mediator = try await User.find(f.users["mediator"]!, on: app.db)!
            mediator.active = false; try await mediator.save(on: app.db)
            let s_mediator = try await status("mediator"); XCTAssertEqual(s_mediator, .unauthorized)

            var h = HTTPHeaders(); h.bearerAuthorization = BearerAuthorization(token: "not-a-token")
            try await app.call(.GET, "/api/v1/incidents", headers: h) { XCTAssertEqual($0.status, .unauthorized) }
        }
    }
}
