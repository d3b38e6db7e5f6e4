import Fluent
import XCTVapor
import PinganKit
@testable import PinganServer

/// Sign-in limits by client address: the lock is per name **and** address, X-Forwarded-For counts only from a
/// trusted proxy, each address has a budget of failures, and an administrator lifts a lock everywhere.
/// The address tests run the server on a loopback port (the in-memory tester has no peer address).
final class SignInLimitTests: XCTestCase {
    /// A sign-in over real TCP from 127.0.0.1, claiming to be `forwardedFor` via X-Forwarded-For.
    func liveSignIn(_ app: Application, _ username: String, _ password: String, forwardedFor: String?) async throws -> (status: HTTPStatus, location: String?) {
        var out: (HTTPStatus, String?) = (.ok, nil)
        var headers = HTTPHeaders()
        if let forwardedFor { headers.replaceOrAdd(name: .xForwardedFor, value: forwardedFor) }
        var cookies = HTTPCookies(); cookies["pingan_csrf"] = .init(string: "fixed-csrf")
        headers.cookie = cookies
        let before: (inout XCTHTTPRequest) async throws -> Void = { req in
            try req.content.encode(["username": username, "password": password, "_csrf": "fixed-csrf"], as: .urlEncodedForm)
        }
        let after: (XCTHTTPResponse) async throws -> Void = { res in out = (res.status, res.headers.first(name: .location)) }
        _ = try await app.testable(method: .running(hostname: "127.0.0.1", port: 0)).test(.POST, "/login", headers: headers, beforeRequest: before, afterResponse: after)
        return out
    }

    func testALockHoldsOnlyAtTheAddressTheGuessesCameFrom() async throws {
        try await withApp { app, _ in
            app.pingan.trustedProxies = [IPRange("127.0.0.1")!]
            for _ in 0..<5 {
                let r = try await liveSignIn(app, "officer", "wrong password!", forwardedFor: "198.51.100.1")
                XCTAssertEqual(r.status, .unauthorized)
            }
            let there = try await liveSignIn(app, "officer", Fixture.password, forwardedFor: "198.51.100.1")
            XCTAssertEqual(there.status, .unauthorized, "locked where the guesses came from")
            // The live client follows the 303 (to a page that, without the cookie, is the sign-in page again): the
            // session row below is what shows the sign-in worked.
            let elsewhere = try await liveSignIn(app, "officer", Fixture.password, forwardedFor: "203.0.113.7")
            XCTAssertNotEqual(elsewhere.status, .unauthorized, "the officer still signs in from another office")
            // The lock, and the audit, name the client's address, not the proxy's.
            let row = try await LoginFailure.query(on: app.db).filter(\.$username == "officer").first()
            XCTAssertEqual(row?.address, "198.51.100.1")
            XCTAssertNotNil(row?.lockedUntil)
            let ok = try await AuditEvent.query(on: app.db).filter(\.$action == "auth.login").filter(\.$result == "ok").first()
            XCTAssertEqual(ok?.ip, "203.0.113.7")
            let sessions = try await UserSession.query(on: app.db).all()
            XCTAssertEqual(sessions.map(\.ip), ["203.0.113.7"], "one session, from the other office")
        }
    }

    func testForwardedForIsIgnoredUnlessThePeerIsATrustedProxy() async throws {
        try await withApp { app, _ in
            XCTAssertTrue(app.pingan.trustedProxies.isEmpty, "no proxy is trusted by default")
            for i in 0..<5 { _ = try await liveSignIn(app, "officer", "wrong password!", forwardedFor: "198.51.100.\(i)") }
            let spoofed = try await liveSignIn(app, "officer", Fixture.password, forwardedFor: "203.0.113.7")
            XCTAssertEqual(spoofed.status, .unauthorized, "a forged header does not escape the lock: all five came from 127.0.0.1")
            let rows = try await LoginFailure.query(on: app.db).all()
            XCTAssertEqual(rows.map(\.address), ["127.0.0.1"])
        }
    }

    func testAnAddressHasABudgetOfFailuresAcrossNames() async throws {
        try await withApp { app, _ in
            app.loginAddressLimiter = LockedLimiter(limit: 3, window: LoginGuard.addressWindow)
            for name in ["a-one", "a-two", "a-three"] { _ = try await signIn(app, name, password: "wrong password!") }
            var retry: String? = nil
            var cookies = HTTPCookies(); cookies["pingan_csrf"] = .init(string: "c")
            try await app.call(.POST, "/login", beforeRequest: { req in
                req.headers.cookie = cookies
                try req.content.encode(["username": "officer", "password": Fixture.password, "_csrf": "c"], as: .urlEncodedForm)
            }) { res in
                XCTAssertEqual(res.status, .tooManyRequests, "even the right password waits: the address is spraying")
                retry = res.headers.first(name: .retryAfter)
                XCTAssertTrue(res.body.string.contains("此地址登录失败次数过多"))
            }
            XCTAssertNotNil(retry.flatMap(Int.init))
            let denied = try await AuditEvent.query(on: app.db).filter(\.$action == "auth.login").filter(\.$result == "denied").count()
            XCTAssertEqual(denied, 1)
        }
    }

    func testAnAdministratorLiftsALockEverywhere() async throws {
        try await withApp { app, f in
            for _ in 0..<5 { _ = try await signIn(app, "officer", password: "wrong password!") }
            try await app.call(.GET, "/api/v1/users", headers: f.bearer("admin")) { res in
                let users = try res.content.decode([UserDTO].self)
                XCTAssertEqual(users.first { $0.username == "officer" }?.locked, true)
            }
            let admin = try await signIn(app, "admin")
            try await app.call(.POST, "/admin/users/\(f.users["officer"]!)/unlock", beforeRequest: { req in
                req.headers.cookie = admin.cookies
                try req.content.encode(["_csrf": admin.csrf], as: .urlEncodedForm)
            }) { XCTAssertEqual($0.status, .seeOther) }
            let again = try await signIn(app, "officer")
            XCTAssertEqual(again.status, .seeOther)
            let unlocks = try await AuditEvent.query(on: app.db).filter(\.$action == "user.unlock").count()
            XCTAssertEqual(unlocks, 1)
        }
    }

    func testConfigurationFromTheEnvironment() throws {
        let base = ["PINGAN_SECRET_KEY": Data(repeating: 1, count: 32).base64EncodedString(), "PINGAN_DB": "/tmp/x.sqlite"]
        let c = try AppConfig.fromEnvironment(base)
        XCTAssertEqual(c.twoFactorRoles, [.admin, .districtCommand, .stationChief])
        XCTAssertEqual(c.tokenDefaultDays, 90); XCTAssertEqual(c.tokenMaxDays, 365)
        var env = base
        env["PINGAN_2FA_ROLES"] = "admin, community_officer"
        env["PINGAN_TRUSTED_PROXIES"] = "10.0.0.5, fd00::/8"
        env["PINGAN_TOKEN_MAX_DAYS"] = "30"
        env["PINGAN_TOKEN_DAYS"] = "7"
        let d = try AppConfig.fromEnvironment(env)
        XCTAssertEqual(d.twoFactorRoles, [.admin, .communityOfficer])
        XCTAssertEqual(d.trustedProxies.count, 2)
        XCTAssertEqual(d.tokenMaxDays, 30); XCTAssertEqual(d.tokenDefaultDays, 7)
        XCTAssertEqual(try AppConfig.fromEnvironment(base.merging(["PINGAN_2FA_ROLES": "none"]) { $1 }).twoFactorRoles, [])
        XCTAssertEqual(try AppConfig.fromEnvironment(base.merging(["PINGAN_TOKEN_MAX_DAYS": "30"]) { $1 }).tokenDefaultDays, 30, "the default never exceeds the maximum")
        XCTAssertThrowsError(try AppConfig.fromEnvironment(base.merging(["PINGAN_2FA_ROLES": "admin,boss", "PINGAN_TRUSTED_PROXIES": "10.0.0.0/99"]) { $1 })) { e in
            let text = "\(e)"
            XCTAssertTrue(text.contains("boss") && text.contains("10.0.0.0/99"), text)
        }
    }
}
