import Crypto
import Fluent
import Vapor
import SQLKit

enum Tokens {
    /// `bytes` random bytes (32 by default), URL-safe base64 without padding: 16 bytes make the 22 characters of a
    /// link's secret.
    static func random(bytes count: Int = 32) -> String {
        var g = SystemRandomNumberGenerator()
        let bytes = (0..<count).map { _ in UInt8.random(in: 0...255, using: &g) }
        return Data(bytes).base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }
    static func hash(_ token: String) -> String {
        SHA256.hash(data: Data(token.utf8)).map { String(format: "%02x", $0) }.joined()
    }
    /// Constant-time comparison for CSRF tokens.
    static func equal(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8), y = Array(b.utf8)
        guard x.count == y.count else { return false }
        var diff: UInt8 = 0
        for i in 0..<x.count { diff |= x[i] ^ y[i] }
        return diff == 0
    }
}

private struct SessionKey: StorageKey { typealias Value = UserSession }
private struct BearerKey: StorageKey { typealias Value = Bool }

extension Request {
    var userSession: UserSession? { storage[SessionKey.self] }
    var viaBearerToken: Bool { storage[BearerKey.self] ?? false }
}

let sessionCookieName = "pingan_session"
let preCSRFCookieName = "pingan_csrf"

/// Signs the request in from a bearer token (API) or a session cookie (web), enforcing the
/// session's idle and absolute timeouts.
struct AuthenticationMiddleware: AsyncMiddleware {
    func respond(to req: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        if let bearer = req.headers.bearerAuthorization {
            let hash = Tokens.hash(bearer.token)
            let now = Date()
            // One SQL join instead of two Fluent model loads: every API call pays for this lookup, and Fluent's
            // per-model reflection was a fifth of a lookup-by-ID request's CPU.
            let sql = req.db as! any SQLDatabase
            if let row = try await sql.select().column(SQLColumn("id", table: "t"), as: "token_id").column(SQLColumn("expires_at", table: "t"))
                .column(SQLColumn("last_used_at", table: "t")).columns(User.columnNames.map { SQLColumn($0, table: "u") })
                .from(SQLAlias(SQLIdentifier("api_tokens"), as: SQLIdentifier("t")))
                .join(SQLAlias(SQLIdentifier("users"), as: SQLIdentifier("u")), on: SQLColumn("id", table: "u"), .equal, SQLColumn("user_id", table: "t"))
                .where(SQLColumn("token_hash", table: "t"), .equal, SQLBind(hash)).where(SQLColumn("revoked", table: "t"), .equal, SQLBind(false)).first(),
               // Every token has an expiry (issue 22; older ones got one on upgrade): one without is not honoured.
               try row.decode(column: "expires_at", as: Date?.self).map({ $0 > now }) ?? false,
               case let user = try User(row: row), user.active {
                req.auth.login(user)
                req.storage[BearerKey.self] = true
                if try row.decode(column: "last_used_at", as: Date?.self).map({ now.timeIntervalSince($0) > 60 }) ?? true {
                    try await sql.update("api_tokens").set("last_used_at", to: now).where("id", .equal, try row.decode(column: "token_id", as: Int.self)).run()
                }
            } else {
                throw Abort(.unauthorized, reason: "Invalid or expired API token")
            }
        } else if let cookie = req.cookies[sessionCookieName]?.string {
            let hash = Tokens.hash(cookie)
            if let session = try await UserSession.query(on: req.db).filter(\.$tokenHash == hash).first() {
                let now = Date()
                let cfg = req.config
                let expired = now.timeIntervalSince(session.lastSeenAt) > cfg.sessionIdleTimeout
                    || now.timeIntervalSince(session.createdAt) > cfg.sessionAbsoluteTimeout
                if expired {
                    try await session.delete(on: req.db)
                } else if let user = try await User.find(session.userID, on: req.db), user.active {
                    req.auth.login(user)
                    req.storage[SessionKey.self] = session
                    // Touch at most once a minute: keeps the idle clock honest without a write per request.
                    if now.timeIntervalSince(session.lastSeenAt) > 60 {
                        session.lastSeenAt = now
                        try await session.save(on: req.db)
                    }
                }
            }
        }
        return try await next.respond(to: req)
    }
}

/// CSRF protection for every state-changing request made with a cookie. Signed-in users carry
/// the session's token; sign-in itself uses a double-submit cookie. Bearer-token API calls are
/// not vulnerable to CSRF (browsers never attach the header on their own) and skip the check.
struct CSRFMiddleware: AsyncMiddleware {
    func respond(to req: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        // Open311 and the public JSON API take no cookie credentials (api_key or nothing), so CSRF cannot apply.
        let cookieless = req.url.path.hasPrefix("/open311/") || req.url.path.hasPrefix("/api/public/")
        guard [.POST, .PUT, .PATCH, .DELETE].contains(req.method), !req.viaBearerToken, !cookieless else {
            return try await next.respond(to: req)
        }
        let expected = req.userSession?.csrfToken ?? req.cookies[preCSRFCookieName]?.string
        var sent = req.headers.first(name: "X-CSRF-Token")
        // A form that does not arrive in one read (a long text over a real network, an upload) is streamed: collect
        // it here, up to the route's own limit or the app's default (what the route would collect anyway) — but only
        // from someone who may send that much here: nothing is read for a refused upload.
        if sent == nil, req.body.data == nil {
            _ = try await req.body.collect(max: try UploadGate.readableBytes(req)).get()
        }
        if sent == nil { sent = try? req.content.get(String.self, at: "_csrf") }
        guard let expected, let sent, Tokens.equal(expected, sent) else {
            throw Abort(.forbidden, reason: req.t("表单已过期或来源不明，请刷新页面后重试。", "This form has expired or did not come from Pingan. Reload the page and try again."))
        }
        return try await next.respond(to: req)
    }
}


extension Request {
    /// The token to embed in forms; for signed-out pages a double-submit cookie is set by `ensurePreCSRF`.
    var csrfToken: String { userSession?.csrfToken ?? storage[PreCSRFKey.self] ?? cookies[preCSRFCookieName]?.string ?? "" }
}
struct PreCSRFKey: StorageKey { typealias Value = String }

/// Sets the signed-out CSRF cookie when a page with a form is shown to an anonymous visitor.
struct PreCSRFMiddleware: AsyncMiddleware {
    func respond(to req: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        var fresh: String? = nil
        if req.userSession == nil, req.cookies[preCSRFCookieName] == nil {
            fresh = Tokens.random()
            req.storage[PreCSRFKey.self] = fresh
        }
        let res = try await next.respond(to: req)
        if let fresh {
            res.cookies[preCSRFCookieName] = HTTPCookies.Value(string: fresh, path: "/", isSecure: req.isSecure, isHTTPOnly: true, sameSite: .strict)
        }
        return res
    }
}

extension Request {
    var isSecure: Bool {
        if let forced = config.secureCookies { return forced }
        return url.scheme == "https" || headers.first(name: "X-Forwarded-Proto") == "https"
    }
}
