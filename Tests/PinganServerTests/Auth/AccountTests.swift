import Fluent
import XCTVapor
import PinganKit
@testable import PinganServer

final class AccountTests: XCTestCase {
    func testPasswordChangeChecksCurrentAndEndsOtherSessions() async throws {
        try await withApp { app, f in
            let phone = try await signIn(app, "officer")
            let desk = try await signIn(app, "officer")
            try await app.call(.POST, "/account/password", beforeRequest: { req in
                req.headers.cookie = desk.cookies
                try req.content.encode(["_csrf": desk.csrf, "current": "not it", "new": "short", "confirm": "other"], as: .urlEncodedForm)
            }) { res in
                XCTAssertEqual(res.status, .unprocessableEntity)
                for text in ["当前密码不正确", "密码至少 10 位", "两次输入的新密码不一致"] { XCTAssertTrue(res.body.string.contains(text), text) }
            }
            try await app.call(.POST, "/account/password", beforeRequest: { req in
                req.headers.cookie = desk.cookies
                try req.content.encode(["_csrf": desk.csrf, "current": Fixture.password, "new": "a much longer secret", "confirm": "a much longer secret"], as: .urlEncodedForm)
            }) { XCTAssertEqual($0.status, .ok) }
            try await app.call(.GET, "/incidents", beforeRequest: { $0.headers.cookie = desk.cookies }) { XCTAssertEqual($0.status, .ok, "this session stays") }
            try await app.call(.GET, "/incidents", beforeRequest: { $0.headers.cookie = phone.cookies }) { XCTAssertEqual($0.status, .seeOther, "the other one ends") }
            let old = try await signIn(app, "officer")
            XCTAssertEqual(old.status, .unauthorized)
            let new = try await signIn(app, "officer", password: "a much longer secret")
            XCTAssertEqual(new.status, .seeOther)
            _ = f
        }
    }

    func testTokensAreShownOnceWorkAndCanBeRevokedOnlyByTheirOwner() async throws {
        try await withApp { app, f in
            let s = try await signIn(app, "officer")
            var token = ""
            try await app.call(.POST, "/account/tokens", beforeRequest: { req in
                req.headers.cookie = s.cookies
                try req.content.encode(["_csrf": s.csrf, "name": "脚本", "days": "30"], as: .urlEncodedForm)
            }) { res in
                XCTAssertEqual(res.status, .ok)
                token = res.body.string.range(of: #"pa_[A-Za-z0-9_-]+"#, options: .regularExpression).map { String(res.body.string[$0]) } ?? ""
            }
            XCTAssertFalse(token.isEmpty)
            let stored = try await APIToken.query(on: app.db).filter(\.$name == "脚本").first()!
            XCTAssertEqual(stored.tokenHash, Tokens.hash(token), "only the hash is stored")
            var h = HTTPHeaders(); h.bearerAuthorization = .init(token: token)
            try await app.call(.GET, "/api/v1/incidents", headers: h) { XCTAssertEqual($0.status, .ok) }
            try await app.call(.GET, "/account", beforeRequest: { $0.headers.cookie = s.cookies }) { res in
                XCTAssertFalse(res.body.string.contains(token), "never shown again")
            }
            // Someone else cannot revoke it.
            let other = try await signIn(app, "grid")
            try await app.call(.POST, "/account/tokens/revoke", beforeRequest: { req in
                req.headers.cookie = other.cookies
                try req.content.encode(["_csrf": other.csrf, "id": "\(stored.id!)"], as: .urlEncodedForm)
            }) { XCTAssertEqual($0.status, .unprocessableEntity) }
            try await app.call(.GET, "/api/v1/incidents", headers: h) { XCTAssertEqual($0.status, .ok) }
            try await app.call(.POST, "/account/tokens/revoke", beforeRequest: { req in
                req.headers.cookie = s.cookies
                try req.content.encode(["_csrf": s.csrf, "id": "\(stored.id!)"], as: .urlEncodedForm)
            }) { XCTAssertEqual($0.status, .seeOther) }
            try await app.call(.GET, "/api/v1/incidents", headers: h) { XCTAssertEqual($0.status, .unauthorized) }
            _ = f
        }
    }
}
