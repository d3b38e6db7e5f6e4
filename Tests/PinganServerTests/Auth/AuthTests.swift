import Fluent
import XCTVapor
import PinganKit
@testable import PinganServer

final class AuthTests: XCTestCase {
    func testSignInSetsHttpOnlySessionAndRotatesIt() async throws {
        try await withApp { app, _ in
        let first = try await signIn(app, "officer")
        XCTAssertEqual(first.status, .seeOther)
        let second = try await signIn(app, "officer")
        XCTAssertNotEqual(first.cookies["pingan_session"]?.string, second.cookies["pingan_session"]?.string, "each sign-in issues a new session id")
        try await app.call(.GET, "/login") { res in
            XCTAssertTrue(res.headers.first(name: .setCookie)?.contains("HttpOnly") ?? false)
        }
        try await app.call(.POST, "/login", beforeRequest: { req in
            req.headers.cookie = first.cookies
            // Signed in already: the form carries the session's token, and signing in again still rotates.
                try req.content.encode(["username": "officer", "password": Fixture.password, "_csrf": first.csrf], as: .urlEncodedForm)
        }, afterResponse: { res in
            let raw = res.headers.first(name: .setCookie) ?? ""
            XCTAssertTrue(raw.contains("HttpOnly"), raw)
            XCTAssertTrue(raw.lowercased().contains("samesite=lax"), raw)
        })
        let audits = try await AuditEvent.query(on: app.db).filter(\.$action == "auth.login").filter(\.$result == "ok").count()
        XCTAssertEqual(audits, 3)
        }
    }

    func testWrongPasswordFailsAndFiveFailuresLockForFifteenMinutes() async throws {
        try await withApp { app, _ in
        for _ in 0..<5 {
            let r = try await signIn(app, "officer", password: "wrong password!")
            XCTAssertEqual(r.status, .unauthorized)
        }
        let locked = try await signIn(app, "officer")
        // The same 401 as a wrong password (issue 22): a lock must not tell that the name exists.
        XCTAssertEqual(locked.status, .unauthorized, "the right password does not open a locked name at this address")
        let row = try await LoginFailure.query(on: app.db).filter(\.$username == "officer").first()!
        let minutes = (row.lockedUntil!.timeIntervalSinceNow / 60).rounded()
        XCTAssertEqual(minutes, 15, accuracy: 1)
        let failed = try await AuditEvent.query(on: app.db).filter(\.$action == "auth.login").filter(\.$result == "failed").count()
        XCTAssertEqual(failed, 5)
        let denied = try await AuditEvent.query(on: app.db).filter(\.$action == "auth.login").filter(\.$result == "denied").first()
        XCTAssertEqual(denied?.detail, "locked at this address: officer")
        }
    }

    func testSignOutKillsTheSession() async throws {
        try await withApp { app, _ in
        let s = try await signIn(app, "officer")
        try await app.call(.GET, "/incidents", beforeRequest: { $0.headers.cookie = s.cookies }) { XCTAssertEqual($0.status, .ok) }
        try await app.call(.POST, "/logout", beforeRequest: { req in
            req.headers.cookie = s.cookies
            try req.content.encode(["_csrf": s.csrf], as: .urlEncodedForm)
        }) { XCTAssertEqual($0.status, .seeOther) }
        try await app.call(.GET, "/incidents", beforeRequest: { $0.headers.cookie = s.cookies }) { res in
            XCTAssertEqual(res.status, .seeOther)
            XCTAssertTrue(res.headers.first(name: .location)?.hasPrefix("/login") ?? false)
        }
        let left = try await UserSession.query(on: app.db).count()
        XCTAssertEqual(left, 0)
        }
    }

    func testIdleSessionExpires() async throws {
        try await withApp { app, _ in
        let s = try await signIn(app, "officer")
        let session = try await UserSession.query(on: app.db).first()!
        session.lastSeenAt = Date().addingTimeInterval(-31 * 60)
        try await session.save(on: app.db)
        try await app.call(.GET, "/incidents", beforeRequest: { $0.headers.cookie = s.cookies }) { XCTAssertEqual($0.status, .seeOther) }
        }
    }

    func testFormsWithoutCSRFTokenAreRefused() async throws {
        try await withApp { app, f in
        let s = try await signIn(app, "officer")
        try await app.call(.POST, "/incidents", beforeRequest: { req in
            req.headers.cookie = s.cookies
            try req.content.encode(incidentBody(community: f.c1), as: .urlEncodedForm)
        }) { XCTAssertEqual($0.status, .forbidden) }
        try await app.call(.POST, "/incidents", beforeRequest: { req in
            req.headers.cookie = s.cookies
            var b = incidentBody(community: f.c1); b["_csrf"] = "forged"
            try req.content.encode(b, as: .urlEncodedForm)
        }) { XCTAssertEqual($0.status, .forbidden) }
        let count = try await Incident.query(on: app.db).count()
        XCTAssertEqual(count, 0, "a refused form writes nothing")
        try await app.call(.POST, "/incidents", beforeRequest: { req in
            req.headers.cookie = s.cookies
            var b = incidentBody(community: f.c1); b["_csrf"] = s.csrf
            try req.content.encode(b, as: .urlEncodedForm)
        }) { XCTAssertEqual($0.status, .seeOther) }
        }
    }

    func testBadBearerTokenIs401AndAPIWithoutAuthIs401JSON() async throws {
        try await withApp { app, _ in
        var h = HTTPHeaders(); h.bearerAuthorization = .init(token: "nope")
        try await app.call(.GET, "/api/v1/incidents", headers: h) { XCTAssertEqual($0.status, .unauthorized) }
        try await app.call(.GET, "/api/v1/incidents") { res in
            XCTAssertEqual(res.status, .unauthorized)
            XCTAssertEqual(res.headers.contentType, .json)
        }
        }
    }

    func testPasswordsAreStoredAsBcrypt() async throws {
        try await withApp { app, _ in
        let u = try await User.query(on: app.db).first()!
        XCTAssertTrue(u.passwordHash.hasPrefix("$2"), "bcrypt hash")
        XCTAssertFalse(u.passwordHash.contains(Fixture.password))
        }
    }
}
