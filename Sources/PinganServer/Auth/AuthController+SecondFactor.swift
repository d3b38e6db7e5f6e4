import Fluent
import Vapor
import PinganKit

let challengeCookieName = "pingan_2fa"

/// The second step of signing in for users with two factors: the password was right; a code from the authenticator
/// app (or a recovery code) completes it. The pending sign-in lives five minutes and allows five codes; a wrong code
/// also counts against the name at this address (`LoginGuard`).
extension AuthController {
    static let challengeLifetime: TimeInterval = 5 * 60
    static let challengeAttempts = 5

    func startChallenge(_ req: Request, user: User, next: String) async throws -> Response {
        if let old = req.userSession { try await old.delete(on: req.db) }
        // Abandoned pending sign-ins (anyone's) are removed here, so the table holds only live ones.
        try await LoginChallenge.query(on: req.db).filter(\.$createdAt < Date().addingTimeInterval(-Self.challengeLifetime)).delete()
        let token = Tokens.random()
        try await LoginChallenge(tokenHash: Tokens.hash(token), userID: try user.requireID(), createdAt: Date(), next: next).create(on: req.db)
        await req.audit("auth.password", entity: "user", id: user.id.map(String.init), detail: "second factor pending")
        let res = req.redirect(to: "/login/code", redirectType: .normal)
        res.cookies[challengeCookieName] = HTTPCookies.Value(string: token, maxAge: Int(Self.challengeLifetime), path: "/login",
                                                             isSecure: req.isSecure, isHTTPOnly: true, sameSite: .lax)
        if req.userSession != nil {
            res.cookies[sessionCookieName] = HTTPCookies.Value(string: "", expires: Date(timeIntervalSince1970: 0), path: "/", isHTTPOnly: true, sameSite: .lax)
        }
        return res
    }

    /// The pending sign-in this browser holds, with its user; expired or orphaned ones are removed.
    func challenge(_ req: Request) async throws -> (LoginChallenge, User)? {
        guard let token = req.cookies[challengeCookieName]?.string, !token.isEmpty,
              let c = try await LoginChallenge.query(on: req.db).filter(\.$tokenHash == Tokens.hash(token)).first() else { return nil }
        guard Date().timeIntervalSince(c.createdAt) < Self.challengeLifetime, c.attempts < Self.challengeAttempts,
              let user = try await User.find(c.userID, on: req.db), user.active, user.hasTwoFactor else {
            try await c.delete(on: req.db)
            return nil
        }
        return (c, user)
    }

    func codeView(_ req: Request, error: String?, status: HTTPResponseStatus = .ok) -> Response {
        let L = req.lang
        let field: Node = .label(.text(L.t("验证码", "Code")),
            .input(.name("code"), .id("f-code"), .required(), .attr("autocomplete", "one-time-code"), .attr("inputmode", "text"),
                   .attr("autocapitalize", "characters"), .attr("spellcheck", "false"), .attr("maxlength", "32"), .attr("autofocus", nil)))
        let form: Node = .form(.method("post"), .action("/login/code"), Layout.csrfField(req), field,
                               .button(.type("submit"), .text(L.t("验证", "Verify"))))
        let alert: Node = error.map { .div(.class("alert error"), .attr("role", "alert"), .text($0)) } ?? .empty
        let card: Node = .div(.class("card login"),
            .h1(.text(L.t("两步验证", "Two-step verification"))), alert,
            .p(.text(L.t("请输入身份验证器应用中显示的 6 位动态码，或一个恢复码。", "Enter the 6-digit code your authenticator app shows, or one of your recovery codes."))),
            form,
            .p(.class("small muted"), .text(L.t("手机和恢复码都丢失了？请联系另一位系统管理员重置两步验证。",
                                                 "Lost both your phone and your recovery codes? Ask another administrator to reset your two-step verification."))),
            .p(.class("small"), .a(.href("/login"), .text(L.t("返回登录", "Back to sign-in")))))
        return .page(req, title: L.t("两步验证", "Two-step verification"), status: status, card)
    }

    @Sendable func codePage(req: Request) async throws -> Response {
        guard try await challenge(req) != nil else { return req.redirect(to: "/login") }
        return codeView(req, error: nil)
    }

    struct CodeForm: Content { var code: String? }

    @Sendable func code(req: Request) async throws -> Response {
        guard let found = try await challenge(req) else {
            return view(req, username: "", next: nil, error: req.t("登录已超时，请重新输入密码。", "The sign-in timed out. Enter your password again."), status: .unauthorized)
        }
        let (c, user) = found
        let guardian = LoginGuard(req: req)
        if let wait = guardian.addressBlocked() {
            await req.audit("auth.login", entity: "user", id: user.id.map(String.init), result: .denied, detail: "address throttled at the second factor")
            return tooManyFromHere(req, wait: wait, username: user.username, next: c.next)
        }
        let typed = String((try req.content.decode(CodeForm.self).code ?? "").prefix(64))
        let digits = typed.filter { !$0.isWhitespace }
        // Pending sign-ins started in parallel before the name was locked here must not go on guessing once it is:
        // a locked name's code is refused (and counted) like a wrong one, whatever it is.
        let locked = try await guardian.isLocked(user.username)
        var how: String? = nil
        if locked {
            how = nil
        } else if digits.count == 6, digits.allSatisfy({ $0.isASCII && $0.isNumber }) {
            if try await TwoFactor.acceptTOTP(digits, user: user, cipher: req.cipher, on: req.db) { how = "second factor: TOTP" }
        } else if let left = try await TwoFactor.acceptRecoveryCode(typed, userID: user.id!, on: req.db) {
            how = "second factor: recovery code, \(left) left"
        }
        guard let how else {
            c.attempts += 1
            try await c.save(on: req.db)
            try await guardian.recordFailure(user.username)
            await req.audit("auth.login", entity: "user", id: user.id.map(String.init), result: locked ? .denied : .failed,
                            detail: locked ? "second-factor code while locked at this address (\(c.attempts))" : "wrong second-factor code (\(c.attempts))")
            if c.attempts >= Self.challengeAttempts {
                try await c.delete(on: req.db)
                return view(req, username: user.username, next: c.next, error: req.t("验证码错误次数过多，请重新登录。", "Too many wrong codes. Sign in again."), status: .unauthorized)
            }
            return codeView(req, error: req.t("验证码不正确，或已经使用过。", "Wrong code, or one already used."), status: .unauthorized)
        }
        try await c.delete(on: req.db)
        return try await startSession(req, user: user, next: SafeRedirect.target(c.next), detail: how)
    }
}
