import Fluent
import XCTVapor
import PinganKit
@testable import PinganServer

/// The password policy wherever a password is set (page, API, command line; creation, change, reset) with messages
/// in the page's language, and API tokens: listed and revoked per user by an administrator, bounded lifetimes.
final class CredentialTests: XCTestCase {
    func testPolicyMessagesOnTheAdminPageInBothLanguages() async throws {
        try await withApp { app, f in
            let admin = try await signIn(app, "admin")
            let cases: [(String, String, String)] = [
                ("short1", "密码至少 10 位", "At least 10 characters"),
                ("1q2w3e4r5t", "最常见的密码之一", "one of the most common passwords"),
                ("zzzzzzzzzzzz", "同一个字符重复", "Not one character repeated"),
                ("Zhangsan-2026!", "不能包含用户名", "Must not contain the username"),
            ]
            for (password, zh, en) in cases {
                for (lang, text) in [("zh", zh), ("en", en)] {
                    try await app.call(.POST, "/admin/users?lang=\(lang)", beforeRequest: { req in
                        req.headers.cookie = admin.cookies
                        try req.content.encode(["_csrf": admin.csrf, "username": "zhangsan", "displayName": "张三", "password": password, "role": "analyst",
                                                "scopeDivisionID": "\(f.district)"], as: .urlEncodedForm)
                    }) { res in
                        XCTAssertEqual(res.status, .unprocessableEntity)
                        XCTAssertTrue(res.body.string.contains(text), "\(password) in \(lang): \(text)")
                    }
                }
            }
        }
    }

    func testPolicyOnTheAPIAndTheCommandLine() async throws {
        try await withApp { app, f in
            let body: (String) -> UserAdminController.APICreateInput = {
                .init(username: "lisi", displayName: "李四", password: $0, role: "analyst", scopeDivisionID: f.district)
            }
            var h = f.bearer("admin"); h.replaceOrAdd(name: .acceptLanguage, value: "en")
            try await app.call(.POST, "/api/v1/users?lang=en", headers: h, beforeRequest: { try $0.content.encode(body("password123")) }) { res in
                XCTAssertEqual(res.status, .unprocessableEntity)
                let e = try res.content.decode(ErrorBody.self)
                XCTAssertEqual(e.fields?["password"], "This is one of the most common passwords; choose another")
            }
            try await app.call(.POST, "/api/v1/users", headers: f.bearer("admin"), beforeRequest: { req in
                req.headers.contentType = .json; req.body = .init(string: #"{"username": 7}"#)
            }) { XCTAssertEqual($0.status, .badRequest, "a malformed body is 400, not 500") }
            try await app.call(.POST, "/api/v1/users", headers: f.bearer("admin"), beforeRequest: { try $0.content.encode(body("a long and odd one")) }) { res in
                XCTAssertEqual(res.status, .created)
                XCTAssertEqual(try res.content.decode(UserDTO.self).username, "lisi")
            }
            try await app.call(.POST, "/api/v1/users", headers: f.bearer("analyst"), beforeRequest: { try $0.content.encode(body("a long and odd one")) }) { XCTAssertEqual($0.status, .forbidden) }
            do {
                _ = try await AdminCLI.createUser(app: app, username: "wangwu", role: "analyst", displayName: "王五", scopeCode: "440113", stationName: nil, password: "wangwu12345")
                XCTFail("the command line applies the policy too")
            } catch let e as AdminCLI.Failure {
                XCTAssertEqual(e.message, "password: 不能包含用户名 / Must not contain the username")
            }
        }
    }

    func testAnAdministratorResetsAPasswordUnderThePolicyAndItEndsSessionsAndTokens() async throws {
        try await withApp { app, f in
            let officer = try await signIn(app, "officer")
            let admin = try await signIn(app, "admin")
            let path = "/admin/users/\(f.users["officer"]!)/password"
            for bad in ["officer-2026-x", "1234567890"] {
                try await app.call(.POST, path, beforeRequest: { req in
                    req.headers.cookie = admin.cookies
                    try req.content.encode(["_csrf": admin.csrf, "password": bad], as: .urlEncodedForm)
                }) { XCTAssertEqual($0.status, .unprocessableEntity, bad) }
            }
            try await app.call(.POST, path, beforeRequest: { req in
                req.headers.cookie = admin.cookies
                try req.content.encode(["_csrf": admin.csrf, "password": "river stone lantern"], as: .urlEncodedForm)
            }) { res in
                XCTAssertEqual(res.status, .ok)
                XCTAssertTrue(res.body.string.contains("密码已重置"))
            }
            try await app.call(.GET, "/incidents", beforeRequest: { $0.headers.cookie = officer.cookies }) { XCTAssertEqual($0.status, .seeOther) }
            try await app.call(.GET, "/api/v1/incidents", headers: f.bearer("officer")) { XCTAssertEqual($0.status, .unauthorized) }
            let again = try await signIn(app, "officer", password: "river stone lantern")
            XCTAssertEqual(again.status, .seeOther)
            try await app.call(.POST, "/admin/users/\(f.users["admin"]!)/password", beforeRequest: { req in
                req.headers.cookie = admin.cookies
                try req.content.encode(["_csrf": admin.csrf, "password": "river stone lantern"], as: .urlEncodedForm)
            }) { XCTAssertEqual($0.status, .badRequest, "one's own password is changed on My account, with the current one") }
            let audit = try await AuditEvent.query(on: app.db).filter(\.$action == "user.password.reset").count()
            XCTAssertEqual(audit, 1)
        }
    }

    func testAnAdministratorListsAndRevokesAUsersTokens() async throws {
        try await withApp { app, f in
            let analyst = f.users["analyst"]!
            var list: [TokenDTO] = []
            try await app.call(.GET, "/api/v1/users/\(analyst)/tokens", headers: f.bearer("admin")) { res in
                XCTAssertEqual(res.status, .ok)
                list = try res.content.decode([TokenDTO].self)
                XCTAssertFalse(res.body.string.contains("token_hash") || res.body.string.contains("tokenHash"))
            }
            XCTAssertEqual(list.map(\.active), [true])
            let admin = try await signIn(app, "admin")
            try await app.call(.GET, "/admin/users/\(analyst)", beforeRequest: { $0.headers.cookie = admin.cookies }) { res in
                XCTAssertEqual(res.status, .ok)
                XCTAssertTrue(res.body.string.contains("/admin/users/\(analyst)/tokens/revoke"))
            }
            try await app.call(.POST, "/api/v1/users/\(analyst)/tokens/revoke", headers: f.bearer("admin"), beforeRequest: { try $0.content.encode(["tokenID": list[0].id]) }) { res in
                XCTAssertEqual(res.status, .ok)
                XCTAssertEqual(try res.content.decode(TokenDTO.self).revoked, true)
            }
            try await app.call(.GET, "/api/v1/incidents", headers: f.bearer("analyst")) { XCTAssertEqual($0.status, .unauthorized) }
            // Someone else's token through this user's path: not found, like a missing one.
            let officersToken = try await APIToken.query(on: app.db).filter(\.$userID == f.users["officer"]!).first()!
            try await app.call(.POST, "/admin/users/\(analyst)/tokens/revoke", beforeRequest: { req in
                req.headers.cookie = admin.cookies
                try req.content.encode(["_csrf": admin.csrf, "tokenID": "\(officersToken.id!)"], as: .urlEncodedForm)
            }) { XCTAssertEqual($0.status, .unprocessableEntity) }
            try await app.call(.GET, "/api/v1/incidents", headers: f.bearer("officer")) { XCTAssertEqual($0.status, .ok) }
            let audits = try await AuditEvent.query(on: app.db).filter(\.$action == "token.revoke").count()
            XCTAssertEqual(audits, 1)
        }
    }

    func testTokenLifetimesOnTheCommandLine() async throws {
        try await withApp { app, _ in
            let t = try await AdminCLI.createToken(app: app, username: "officer", name: "cron", days: nil)
            let stored = try await APIToken.query(on: app.db).filter(\.$tokenHash == Tokens.hash(t)).first()!
            XCTAssertEqual(stored.expiresAt!.timeIntervalSinceNow / 86400, 90, accuracy: 0.01)
            let year = try await AdminCLI.createToken(app: app, username: "officer", name: "cron", days: "365")
            XCTAssertFalse(year.isEmpty)
            do { _ = try await AdminCLI.createToken(app: app, username: "officer", name: "cron", days: "366"); XCTFail("beyond the maximum") }
            catch let e as AdminCLI.Failure { XCTAssertTrue(e.message.contains("1–365"), e.message) }
            app.pingan.tokenMaxDays = 30
            do { _ = try await AdminCLI.createToken(app: app, username: "officer", name: "cron", days: "31"); XCTFail("beyond a configured maximum") }
            catch let e as AdminCLI.Failure { XCTAssertTrue(e.message.contains("1–30"), e.message) }
            // A token stored without an expiry (by hand, or from before) is not honoured.
            try await APIToken(userID: 1, name: "old", tokenHash: Tokens.hash("ancient"), createdAt: Date(), expiresAt: nil).create(on: app.db)
            var h = HTTPHeaders(); h.bearerAuthorization = .init(token: "ancient")
            try await app.call(.GET, "/api/v1/incidents", headers: h) { XCTAssertEqual($0.status, .unauthorized) }
        }
    }
}
