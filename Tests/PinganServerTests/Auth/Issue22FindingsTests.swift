import Fluent
import XCTVapor
import PinganKit
@testable import PinganServer

/// Issue 22's authentication findings, reproduced through HTTP only (so the same file ran against the code before the
/// fixes, where each of these failed — see the commit that added it). The fixes' own tests are in SignInLimitTests,
/// TwoFactorTests and CredentialTests.
final class Issue22FindingsTests: XCTestCase {
    static let redirectAttacks = [
        "/\t/example.com", "/\n/example.com", "//example.com", "/\\example.com", "/\\/example.com", "\\\\example.com",
        "/%2F%2Fexample.com", "%2F%2Fexample.com", "/%5Cexample.com", "%5C%5Cexample.com", "/%09/example.com",
        "https://example.com", "https:example.com", "javascript:alert(1)",
    ]

    /// `next="/\t/example.com"` sent a browser to another origin after signing in.
    func testOpenRedirectAfterSignInStaysOnSite() async throws {
        try await withApp { app, _ in
            for attack in Self.redirectAttacks + ["/incidents?status=received"] {
                var pre = ""
                try await app.call(.GET, "/login") { pre = $0.headers.setCookie?["pingan_csrf"]?.string ?? "" }
                var cookies = HTTPCookies(); cookies["pingan_csrf"] = .init(string: pre)
                try await app.call(.POST, "/login", beforeRequest: { req in
                    req.headers.cookie = cookies
                    try req.content.encode(["username": "officer", "password": Fixture.password, "next": attack, "_csrf": pre], as: .urlEncodedForm)
                }, afterResponse: { res in
                    XCTAssertEqual(res.status, .seeOther)
                    let want = attack.hasPrefix("/incidents") ? attack : "/"
                    XCTAssertEqual(res.headers.first(name: .location), want, "next=\(attack.debugDescription)")
                })
            }
        }
    }

    /// One sign-in attempt's status and page, with the typed name replaced so pages for different names compare.
    func attempt(_ app: Application, _ username: String, _ password: String) async throws -> (HTTPStatus, String) {
        var out: (HTTPStatus, String) = (.ok, "")
        var cookies = HTTPCookies(); cookies["pingan_csrf"] = .init(string: "fixed-csrf")
        try await app.call(.POST, "/login", beforeRequest: { req in
            req.headers.cookie = cookies
            try req.content.encode(["username": username, "password": password, "_csrf": "fixed-csrf"], as: .urlEncodedForm)
        }, afterResponse: { res in out = (res.status, res.body.string.replacingOccurrences(of: "value=\"\(username)\"", with: "value=\"NAME\"")) })
        return out
    }

    /// A locked account answered 429 "locked, try in N minutes" while a wrong password or an unknown name answered
    /// 401: the lock told an attacker the name exists. And the lock was the account's, wherever the guesses came from.
    func testLockedWrongAndUnknownAnswerAlike() async throws {
        try await withApp { app, _ in
            for _ in 0..<5 { _ = try await attempt(app, "officer", "wrong password!") }
            let locked = try await attempt(app, "officer", Fixture.password)
            let wrong = try await attempt(app, "officer3", "wrong password!")
            let unknown = try await attempt(app, "nobody-here", "wrong password!")
            XCTAssertEqual(locked.0, .unauthorized, "a locked name answers like a wrong password")
            XCTAssertEqual(wrong.0, .unauthorized)
            XCTAssertEqual(unknown.0, .unauthorized)
            XCTAssertEqual(locked.1, wrong.1, "the same page for a locked name and a wrong password")
            XCTAssertEqual(unknown.1, wrong.1, "the same page for an unknown name and a wrong password")
            let officer = try await User.query(on: app.db).filter(\.$username == "officer").first()!
            XCTAssertNil(officer.lockedUntil, "no account-wide lock: guesses from one place must not lock the account everywhere")
        }
    }

    /// A locked account was refused before any password hashing (microseconds) and an unknown name was checked against a
    /// cost-12 hash whatever the configured cost: both told the attempt apart by time.
    func testLockedAndUnknownCostWhatAWrongPasswordCosts() async throws {
        try await withApp { app, _ in
            app.passwords.use(.bcrypt(cost: 9))   // ~30 ms a check here: slow enough to see, fast enough for a test
            for name in ["officer", "officer3"] {
                let u = try await User.query(on: app.db).filter(\.$username == name).first()!
                u.passwordHash = try app.password.hash(Fixture.password)
                try await u.save(on: app.db)
            }
            for _ in 0..<5 { _ = try await attempt(app, "officer", "wrong password!") }
            func ms(_ name: String, _ password: String) async throws -> Double {
                let t0 = ContinuousClock.now
                _ = try await attempt(app, name, password)
                let d = (ContinuousClock.now - t0).components
                return Double(d.seconds) * 1000 + Double(d.attoseconds) / 1e15
            }
            var wrong: [Double] = [], locked: [Double] = [], unknown: [Double] = []
            _ = try await ms("nobody-here", "x")  // warm-up (the first unknown name may make the dummy hash)
            for _ in 0..<7 {   // interleaved, so load on the machine falls on all three alike
                wrong.append(try await ms("officer3", "wrong password!"))
                locked.append(try await ms("officer", Fixture.password))
                unknown.append(try await ms("nobody-here", "wrong password!"))
            }
            func median(_ x: [Double]) -> Double { x.sorted()[x.count / 2] }
            let w = median(wrong), l = median(locked), u = median(unknown)
            print(String(format: "sign-in failure medians: wrong password %.1f ms, locked %.1f ms, unknown name %.1f ms", w, l, u))
            // Wide enough for a busy CI machine; a path that skips the hash costs ~0.1 of it and still fails.
            XCTAssertEqual(l / w, 1, accuracy: 0.6, "a locked name costs what a wrong password costs (\(l) vs \(w) ms)")
            XCTAssertEqual(u / w, 1, accuracy: 0.6, "an unknown name costs what a wrong password costs (\(u) vs \(w) ms)")
        }
    }

    /// 等保三级 requires two factors for administrators: a password alone signed an administrator in.
    func testAdministratorsPasswordAloneDoesNotSignIn() async throws {
        try await withApp { app, _ in
            var cookies = HTTPCookies(); cookies["pingan_csrf"] = .init(string: "fixed-csrf")
            for name in ["admin", "command", "chief"] {
                try await app.call(.POST, "/login", beforeRequest: { req in
                    req.headers.cookie = cookies
                    try req.content.encode(["username": name, "password": Fixture.password, "_csrf": "fixed-csrf"], as: .urlEncodedForm)
                }, afterResponse: { res in
                    XCTAssertEqual(res.headers.first(name: .location), "/login/code", "\(name): the code comes next")
                    XCTAssertNil(res.headers.setCookie?["pingan_session"], "\(name): no session on the password alone")
                })
            }
        }
    }

    func createToken(_ app: Application, _ s: (cookies: HTTPCookies, csrf: String, status: HTTPStatus), days: String?) async throws -> (HTTPStatus, String) {
        var out: (HTTPStatus, String) = (.ok, "")
        try await app.call(.POST, "/account/tokens", beforeRequest: { req in
            req.headers.cookie = s.cookies
            var body = ["_csrf": s.csrf, "name": "脚本"]
            if let days { body["days"] = days }
            try req.content.encode(body, as: .urlEncodedForm)
        }) { res in
            out = (res.status, res.body.string.range(of: #"pa_[A-Za-z0-9_-]+"#, options: .regularExpression).map { String(res.body.string[$0]) } ?? "")
        }
        return out
    }

    /// A changed password left every API token working, and so did a deactivation in the token table.
    func testPasswordChangeAndDeactivationRevokeTokens() async throws {
        try await withApp { app, f in
            let s = try await signIn(app, "officer")
            let (_, token) = try await createToken(app, s, days: "30")
            var h = HTTPHeaders(); h.bearerAuthorization = .init(token: token)
            try await app.call(.GET, "/api/v1/incidents", headers: h) { XCTAssertEqual($0.status, .ok) }
            try await app.call(.POST, "/account/password", beforeRequest: { req in
                req.headers.cookie = s.cookies
                try req.content.encode(["_csrf": s.csrf, "current": Fixture.password, "new": "a much longer secret", "confirm": "a much longer secret"], as: .urlEncodedForm)
            }) { XCTAssertEqual($0.status, .ok) }
            try await app.call(.GET, "/api/v1/incidents", headers: h) { XCTAssertEqual($0.status, .unauthorized, "the old password's tokens are revoked") }
            try await app.call(.GET, "/api/v1/incidents", headers: f.bearer("officer")) { XCTAssertEqual($0.status, .unauthorized) }

            let admin = try await signIn(app, "admin")
            try await app.call(.POST, "/admin/users/\(f.users["analyst"]!)/deactivate", beforeRequest: { req in
                req.headers.cookie = admin.cookies
                try req.content.encode(["_csrf": admin.csrf], as: .urlEncodedForm)
            }) { XCTAssertEqual($0.status, .seeOther) }
            let live = try await APIToken.query(on: app.db).filter(\.$userID == f.users["analyst"]!).filter(\.$revoked == false).count()
            XCTAssertEqual(live, 0, "a deactivated user's tokens are revoked, not just unusable while the account stays off")
        }
    }

    /// Tokens without an expiry lived for ever, and any lifetime up to ten years was accepted.
    func testTokensGetADefaultExpiryAndAMaximum() async throws {
        try await withApp { app, _ in
            let s = try await signIn(app, "officer")
            let (status, token) = try await createToken(app, s, days: nil)
            XCTAssertEqual(status, .ok)
            let stored = try await APIToken.query(on: app.db).filter(\.$tokenHash == Tokens.hash(token)).first()
            let days = stored?.expiresAt.map { $0.timeIntervalSinceNow / 86400 }
            XCTAssertEqual(days ?? 0, 90, accuracy: 0.01, "90 days unless asked otherwise")
            let (tooLong, _) = try await createToken(app, s, days: "400")
            XCTAssertEqual(tooLong, .unprocessableEntity, "at most 365 days")
        }
    }

    /// "1234567890" and "aaaaaaaaaa" were good passwords as long as they had ten characters.
    func testCommonRepeatedAndUsernamePasswordsAreRefused() async throws {
        try await withApp { app, f in
            let admin = try await signIn(app, "admin")
            for bad in ["1234567890", "qwertyuiop", "aaaaaaaaaaaa", "newuser-2026"] {
                try await app.call(.POST, "/admin/users", beforeRequest: { req in
                    req.headers.cookie = admin.cookies
                    try req.content.encode(["_csrf": admin.csrf, "username": "newuser", "displayName": "新用户", "password": bad, "role": "analyst",
                                            "scopeDivisionID": "\(f.district)"], as: .urlEncodedForm)
                }) { XCTAssertEqual($0.status, .unprocessableEntity, "creating with \(bad)") }
            }
            let s = try await signIn(app, "officer")
            try await app.call(.POST, "/account/password", beforeRequest: { req in
                req.headers.cookie = s.cookies
                try req.content.encode(["_csrf": s.csrf, "current": Fixture.password, "new": "password123", "confirm": "password123"], as: .urlEncodedForm)
            }) { XCTAssertEqual($0.status, .unprocessableEntity, "changing to password123") }
            let created = try await User.query(on: app.db).filter(\.$username == "newuser").count()
            XCTAssertEqual(created, 0)
        }
    }
}
