import Fluent
import XCTVapor
import PinganKit
@testable import PinganServer

/// Two factors end to end: enrolment with the server-drawn QR code, the code step of signing in (no replay), recovery
/// codes (once each), the enrolment gate for roles that must have them, and an administrator's reset.
final class TwoFactorTests: XCTestCase {
    typealias Session = (cookies: HTTPCookies, csrf: String, status: HTTPStatus)

    func post(_ app: Application, _ path: String, _ s: Session, _ body: [String: String], check: @escaping (XCTHTTPResponse) throws -> Void) async throws {
        try await app.call(.POST, path, beforeRequest: { req in
            req.headers.cookie = s.cookies
            var b = body; b["_csrf"] = s.csrf
            try req.content.encode(b, as: .urlEncodedForm)
        }, afterResponse: check)
    }

    /// The password step alone: the challenge cookie to go on with.
    func password(_ app: Application, _ username: String) async throws -> HTTPCookies {
        var cookies = HTTPCookies(); cookies["pingan_csrf"] = .init(string: "c")
        try await app.call(.POST, "/login", beforeRequest: { req in
            req.headers.cookie = cookies
            try req.content.encode(["username": username, "password": Fixture.password, "_csrf": "c"], as: .urlEncodedForm)
        }) { res in
            XCTAssertEqual(res.headers.first(name: .location), "/login/code")
            cookies["pingan_2fa"] = res.headers.setCookie?["pingan_2fa"]
        }
        return cookies
    }

    func code(_ app: Application, _ cookies: HTTPCookies, _ code: String) async throws -> XCTHTTPResponse {
        var out: XCTHTTPResponse!
        try await app.call(.POST, "/login/code", beforeRequest: { req in
            req.headers.cookie = cookies
            try req.content.encode(["code": code, "_csrf": "c"], as: .urlEncodedForm)
        }) { out = $0 }
        return out
    }

    func testEnrolmentShowsAServerDrawnQRCodeAndConfirmsWithACode() async throws {
        try await withApp { app, f in
            let s = try await signIn(app, "officer")
            try await app.call(.GET, "/account/2fa", beforeRequest: { $0.headers.cookie = s.cookies }) { res in
                XCTAssertEqual(res.status, .ok)
                XCTAssertTrue(res.body.string.contains("/account/2fa/setup"))
                XCTAssertFalse(res.body.string.contains("<svg"), "no secret before the user asks for one")
            }
            try await post(app, "/account/2fa/setup", s, [:]) { XCTAssertEqual($0.status, .seeOther) }
            var secret = ""
            try await app.call(.GET, "/account/2fa", beforeRequest: { $0.headers.cookie = s.cookies }) { res in
                let page = res.body.string
                XCTAssertTrue(page.contains("<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"qr\""), "the QR code is drawn on the page")
                XCTAssertFalse(page.contains("api.qrserver") || page.contains("chart.googleapis"), "no outside QR service")
                if let r = page.range(of: #"<code class="secret">([A-Z2-7 ]+)</code>"#, options: .regularExpression) {
                    secret = String(page[r]).replacingOccurrences(of: "<code class=\"secret\">", with: "").replacingOccurrences(of: "</code>", with: "")
                }
            }
            let key = try XCTUnwrap(Base32.decode(secret))
            XCTAssertEqual(key.count, 20, "a 160-bit secret, shown as text too")
            let stored = try await User.find(f.users["officer"]!, on: app.db)!
            XCTAssertFalse((stored.totpPending ?? "").contains(secret.replacingOccurrences(of: " ", with: "")), "sealed at rest")
            let totp = PinganKit.TOTP(secret: key)
            let now = Date().timeIntervalSince1970
            try await post(app, "/account/2fa/confirm", s, ["code": "000000" == totp.code(at: now) ? "111111" : "000000"]) { XCTAssertEqual($0.status, .unprocessableEntity) }
            var codes: [String] = []
            try await post(app, "/account/2fa/confirm", s, ["code": totp.code(at: now)]) { res in
                XCTAssertEqual(res.status, .ok)
                let page = res.body.string
                var search = page.startIndex..<page.endIndex
                while let r = page.range(of: #"[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}"#, options: .regularExpression, range: search) {
                    codes.append(String(page[r])); search = r.upperBound..<page.endIndex
                }
            }
            XCTAssertEqual(codes.count, 10, "ten recovery codes, shown once")
            let rows = try await RecoveryCode.query(on: app.db).filter(\.$userID == f.users["officer"]!).all()
            XCTAssertEqual(rows.count, 10)
            XCTAssertEqual(Set(rows.map(\.codeHash)), Set(codes.map { RecoveryCodes.hash($0)! }), "stored hashed")
            try await app.call(.GET, "/account/2fa", beforeRequest: { $0.headers.cookie = s.cookies }) { res in
                XCTAssertFalse(codes.contains { res.body.string.contains($0) }, "never shown again")
                XCTAssertTrue(res.body.string.contains("10 / 10"))
            }
            let audits = try await AuditEvent.query(on: app.db).filter(\.$action ~~ ["totp.setup", "totp.enable"]).all().map { "\($0.action) \($0.result)" }
            XCTAssertEqual(audits.sorted(), ["totp.enable failed", "totp.enable ok", "totp.setup ok"])
        }
    }

    func testSignInAsksForTheCodeAndACodeWorksOnce() async throws {
        try await withApp { app, _ in
            let c = try await password(app, "admin")
            try await app.call(.GET, "/login/code", beforeRequest: { $0.headers.cookie = c }) { res in
                XCTAssertEqual(res.status, .ok)
                XCTAssertTrue(res.body.string.contains("autocomplete=\"one-time-code\""))
            }
            let now = Date().timeIntervalSince1970
            let wrong = try await code(app, c, Fixture.totp.code(at: now - 300))
            XCTAssertEqual(wrong.status, .unauthorized, "a code ten steps old")
            let good = Fixture.totp.code(at: now)
            let ok = try await code(app, c, good)
            XCTAssertEqual(ok.status, .seeOther)
            XCTAssertEqual(ok.headers.first(name: .location), "/")
            XCTAssertNotNil(ok.headers.setCookie?["pingan_session"])
            // The same code again, in a new sign-in: refused (RFC 6238 § 5.2).
            let c2 = try await password(app, "admin")
            let replay = try await code(app, c2, good)
            XCTAssertEqual(replay.status, .unauthorized)
            XCTAssertTrue(replay.body.string.contains("已经使用过"))
            let audit = try await AuditEvent.query(on: app.db).filter(\.$action == "auth.login").filter(\.$result == "ok").first()
            XCTAssertEqual(audit?.detail, "second factor: TOTP")
        }
    }

    func testRecoveryCodesWorkOnceAndFiveWrongCodesEndTheAttempt() async throws {
        try await withApp { app, f in
            let admin = try await User.find(f.users["admin"]!, on: app.db)!
            let codes = try await TwoFactor.newRecoveryCodes(userID: admin.id!, on: app.db)
            let c = try await password(app, "admin")
            let ok = try await code(app, c, codes[3].lowercased())
            XCTAssertEqual(ok.status, .seeOther, "a recovery code, typed in lower case")
            let c2 = try await password(app, "admin")
            let again = try await code(app, c2, codes[3])
            XCTAssertEqual(again.status, .unauthorized, "each works once")
            for _ in 0..<3 { _ = try await code(app, c2, "123456") }
            let fifth = try await code(app, c2, "654321")
            XCTAssertEqual(fifth.status, .unauthorized)
            XCTAssertTrue(fifth.body.string.contains("验证码错误次数过多"))
            let late = try await code(app, c2, codes[4])
            XCTAssertEqual(late.status, .unauthorized, "the attempt is over: back to the password")
            let left = try await TwoFactor.remainingRecoveryCodes(userID: admin.id!, on: app.db)
            XCTAssertEqual(left, 9)
            // Five wrong codes are five failures for the name at this address: the password step is locked too.
            let failures = try await LoginFailure.query(on: app.db).filter(\.$username == "admin").first()
            XCTAssertNotNil(failures?.lockedUntil)
        }
    }

    /// Pending sign-ins opened in parallel (the password is known) do not multiply the guesses at the code: once wrong
    /// codes have locked the name at this address, even the right code on another pending sign-in is refused.
    func testALockAtTheCodeStepHoldsForEveryPendingSignIn() async throws {
        try await withApp { app, _ in
            let first = try await password(app, "admin")
            let second = try await password(app, "admin")
            let now = Date().timeIntervalSince1970
            let near = Set((-2...2).map { Fixture.totp.code(at: now + Double($0 * 30)) })
            for wrong in (0...9).map({ String(repeating: "\($0)", count: 6) }).filter({ !near.contains($0) }).prefix(5) {
                _ = try await code(app, first, wrong)
            }
            let locked = try await LoginFailure.query(on: app.db).filter(\.$username == "admin").first()
            XCTAssertNotNil(locked?.lockedUntil, "five wrong codes lock the name here")
            let right = try await code(app, second, Fixture.totp.code(at: Date().timeIntervalSince1970))
            XCTAssertEqual(right.status, .unauthorized, "the right code on the other pending sign-in is refused while locked")
            XCTAssertNil(right.headers.setCookie?["pingan_session"])
            let denied = try await AuditEvent.query(on: app.db).filter(\.$action == "auth.login").filter(\.$result == "denied").count()
            XCTAssertEqual(denied, 1)
        }
    }

    func testARoleThatMustHaveTwoFactorsIsSentToSetThemUp() async throws {
        try await withApp { app, f in
            let hash = try app.password.hash(Fixture.password)
            let newAdmin = User(username: "admin2", displayName: "Admin 2", passwordHash: hash, role: .admin, scopeDivisionID: nil)
            try await newAdmin.create(on: app.db)
            try await APIToken(userID: newAdmin.id!, name: "t", tokenHash: Tokens.hash("admin2-token"), createdAt: Date(), expiresAt: Date().addingTimeInterval(3600)).create(on: app.db)
            let s = try await signIn(app, "admin2")
            XCTAssertEqual(s.status, .seeOther)
            try await app.call(.GET, "/incidents?page=2", beforeRequest: { $0.headers.cookie = s.cookies }) { res in
                XCTAssertEqual(res.status, .seeOther)
                XCTAssertEqual(res.headers.first(name: .location), "/account/2fa?next=%2Fincidents%3Fpage%3D2")
            }
            try await app.call(.GET, "/account/2fa", beforeRequest: { $0.headers.cookie = s.cookies }) { res in
                XCTAssertEqual(res.status, .ok)
                XCTAssertTrue(res.body.string.contains("您的角色须开启两步验证"))
            }
            try await post(app, "/incidents", s, incidentBody(community: f.c1)) { XCTAssertEqual($0.status, .forbidden) }
            try await app.call(.GET, "/api/v1/map/layers/incidents", beforeRequest: { $0.headers.cookie = s.cookies }) { XCTAssertEqual($0.status, .forbidden) }
            // API tokens are not affected.
            var h = HTTPHeaders(); h.bearerAuthorization = .init(token: "admin2-token")
            try await app.call(.GET, "/api/v1/incidents", headers: h) { XCTAssertEqual($0.status, .ok) }
            // Not required: an officer is let through and may opt in.
            let o = try await signIn(app, "officer")
            try await app.call(.GET, "/incidents", beforeRequest: { $0.headers.cookie = o.cookies }) { XCTAssertEqual($0.status, .ok) }
        }
    }

    func testAnotherAdministratorResetsTwoFactorsButNobodyTheirOwn() async throws {
        try await withApp { app, f in
            let chief = try await signIn(app, "chief")
            let admin = try await signIn(app, "admin")
            try await post(app, "/admin/users/\(f.users["admin"]!)/2fa/reset", admin, [:]) { XCTAssertEqual($0.status, .forbidden, "not one's own") }
            try await post(app, "/admin/users/\(f.users["chief"]!)/2fa/reset", admin, [:]) { res in
                XCTAssertEqual(res.status, .ok)
                XCTAssertTrue(res.body.string.contains("两步验证已重置"))
            }
            let c = try await User.find(f.users["chief"]!, on: app.db)!
            XCTAssertFalse(c.hasTwoFactor)
            let codes = try await RecoveryCode.query(on: app.db).filter(\.$userID == c.id!).count()
            XCTAssertEqual(codes, 0)
            try await app.call(.GET, "/incidents", beforeRequest: { $0.headers.cookie = chief.cookies }) { XCTAssertEqual($0.status, .seeOther, "signed out") }
            let audits = try await AuditEvent.query(on: app.db).filter(\.$action == "totp.reset").all().map { "\($0.entityID ?? "") \($0.result)" }
            XCTAssertEqual(audits.sorted(), ["\(f.users["admin"]!) denied", "\(f.users["chief"]!) ok"].sorted())
            // A chief may not reset anyone (no user management).
            try await post(app, "/admin/users/\(f.users["command"]!)/2fa/reset", chief, [:]) { XCTAssertNotEqual($0.status, .ok) }
        }
    }

    func testAnOptionalSecondFactorCanBeTurnedOffWithACodeButARequiredOneCannot() async throws {
        try await withApp { app, f in
            let officer = try await User.find(f.users["officer"]!, on: app.db)!
            let enrolled = try await TwoFactor.enrolNow(officer, cipher: FieldCipher(secret: app.pingan.secretKey), on: app.db)
            let c = try await password(app, "officer")
            let totp = PinganKit.TOTP(secret: Base32.decode(enrolled.secret)!)
            let now = Date().timeIntervalSince1970
            let r = try await code(app, c, totp.code(at: now))
            var cookies = c; cookies["pingan_session"] = r.headers.setCookie?["pingan_session"]
            let csrf = try await UserSession.query(on: app.db).filter(\.$userID == officer.id!).first()!.csrfToken
            try await post(app, "/account/2fa/disable", (cookies, csrf, .ok), ["code": totp.code(at: now + 30)]) { XCTAssertEqual($0.status, .ok) }
            let after = try await User.find(officer.id!, on: app.db)!
            XCTAssertFalse(after.hasTwoFactor)
            let admin = try await signIn(app, "admin")
            try await post(app, "/account/2fa/disable", admin, ["code": Fixture.totp.code(at: now + 30)]) { res in
                XCTAssertEqual(res.status, .unprocessableEntity)
                XCTAssertTrue(res.body.string.contains("不能关闭"))
            }
        }
    }
}
