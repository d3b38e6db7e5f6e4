import Fluent
import Vapor
import PinganKit

/// Signing in: the password (`/login`), then — for users with two factors — a code (`/login/code`,
/// `AuthController+SecondFactor.swift`). Every failed attempt, whatever its cause (unknown or inactive name, wrong
/// password, a name locked at this address), gets the same answer after the same work: one password hash
/// verification and one write.
struct AuthController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get("login", use: loginPage)
        routes.post("login", use: login)
        routes.get("login", "code", use: codePage)
        routes.post("login", "code", use: code)
        routes.post("logout", use: logout)
    }

    struct LoginForm: Content { var username: String?; var password: String?; var next: String? }

    @Sendable func loginPage(req: Request) async throws -> Response {
        if req.auth.has(User.self) { return req.redirect(to: SafeRedirect.target(req.query[String.self, at: "next"])) }
        return view(req, username: "", next: req.query[String.self, at: "next"], error: nil)
    }

    static func failureMessage(_ req: Request) -> String {
        req.t("用户名或密码不正确；或失败次数过多，请 15 分钟后再试。", "Wrong username or password — or too many failed attempts: try again in 15 minutes.")
    }

    func view(_ req: Request, username: String, next: String?, error: String?, status: HTTPResponseStatus = .ok) -> Response {
        let userField: Node = .label(.text(req.t("用户名", "Username")),
            .input(.name("username"), .value(username), .required(), .attr("autocomplete", "username"), .attr("autofocus", nil)))
        let passwordField: Node = .label(.text(req.t("密码", "Password")),
            .input(.type("password"), .name("password"), .required(), .attr("autocomplete", "current-password")))
        let form: Node = .form(.method("post"), .action("/login"), Layout.csrfField(req),
            .input(.type("hidden"), .name("next"), .value(SafeRedirect.target(next))), userField, passwordField,
            .button(.type("submit"), .text(req.t("登录", "Sign in"))))
        let alert: Node = error.map { .div(.class("alert error"), .attr("role", "alert"), .text($0)) } ?? .empty
        let note: Node = .p(.class("small muted"), .text(req.t("同一账号在同一地址连续 5 次登录失败后，15 分钟内不能再从该地址登录。",
                                                                "Five failed sign-ins to one account from one address block it there for 15 minutes.")))
        let card: Node = .div(.class("card login"), .h1(.text(req.t("登录平安平台", "Sign in to Pingan"))), alert, form, note)
        return .page(req, title: req.t("登录", "Sign in"), status: status, card)
    }

    @Sendable func login(req: Request) async throws -> Response {
        let form = try req.content.decode(LoginForm.self)
        let guardian = LoginGuard(req: req)
        let name = LoginGuard.key(form.username ?? "")
        let password = String((form.password ?? "").prefix(1024))
        if let wait = guardian.addressBlocked() {
            await req.audit("auth.login", entity: "user", result: .denied, detail: "address throttled: \(name)")
            return tooManyFromHere(req, wait: wait, username: name, next: form.next)
        }
        let locked = try await guardian.isLocked(name)
        let user = try await User.query(on: req.db).filter(\.$username == name).first()
        // One verification in every case: against the account's hash when there is a usable one, else a dummy made
        // with the same hasher and cost.
        let usable = user.flatMap { $0.active && $0.passwordHash.hasPrefix("$2") ? $0 : nil }
        let hash: String
        if let usable { hash = usable.passwordHash } else { hash = try await req.application.dummyPasswordHash.get(req) }
        let ok = (try? await req.password.async.verify(password, created: hash).get()) ?? false
        guard let user = usable, ok, !locked else {
            let nowLocked = try await guardian.recordFailure(name)
            let why = usable == nil ? "unknown or inactive user" : locked ? "locked at this address" : "wrong password"
            await req.audit("auth.login", entity: "user", id: usable?.id.map(String.init), result: locked ? .denied : .failed,
                            detail: "\(why): \(name)" + (nowLocked && !locked ? "; now locked at this address for \(Int(req.config.lockout.duration / 60)) min" : ""))
            return view(req, username: name, next: form.next, error: Self.failureMessage(req), status: .unauthorized)
        }
        try await guardian.clear(name)
        let next = SafeRedirect.target(form.next)
        if user.hasTwoFactor {
            return try await startChallenge(req, user: user, next: next)
        }
        return try await startSession(req, user: user, next: next, detail: "")
    }

    func tooManyFromHere(_ req: Request, wait: Double, username: String, next: String?) -> Response {
        let minutes = max(1, Int((wait / 60).rounded(.up)))
        let res = view(req, username: username, next: next,
                       error: req.t("此地址登录失败次数过多，请 \(minutes) 分钟后再试。", "Too many failed sign-ins from this address. Try again in \(minutes) minute(s)."),
                       status: .tooManyRequests)
        res.headers.replaceOrAdd(name: .retryAfter, value: String(max(1, Int(wait.rounded(.up)))))
        return res
    }

    /// Both factors passed (or only one is needed): a new session id, the old one dropped.
    func startSession(_ req: Request, user: User, next: String, detail: String) async throws -> Response {
        let now = Date()
        user.failedAttempts = 0
        user.lockedUntil = nil
        user.lastLoginAt = now
        try await user.save(on: req.db)
        if let old = req.userSession { try await old.delete(on: req.db) }
        let token = Tokens.random()
        let session = UserSession(tokenHash: Tokens.hash(token), userID: try user.requireID(), csrfToken: Tokens.random(), now: now, ip: req.clientAddress)
        try await session.create(on: req.db)
        req.auth.login(user)
        await req.audit("auth.login", entity: "user", id: user.id.map(String.init), detail: detail)
        // Someone who must have two factors and has none goes to set them up (TwoFactorGate keeps them there).
        let target = TwoFactor.required(user, req.config) && !user.hasTwoFactor
            ? "/account/2fa?next=" + (next.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "%2F") : next
        let res = req.redirect(to: target, redirectType: .normal)
        res.cookies[sessionCookieName] = HTTPCookies.Value(string: token, path: "/", isSecure: req.isSecure, isHTTPOnly: true, sameSite: .lax)
        res.cookies[challengeCookieName] = HTTPCookies.Value(string: "", expires: Date(timeIntervalSince1970: 0), path: "/login", isHTTPOnly: true, sameSite: .lax)
        return res
    }

    @Sendable func logout(req: Request) async throws -> Response {
        if let s = req.userSession {
            await req.audit("auth.logout", entity: "user", id: String(s.userID))
            try await s.delete(on: req.db)
        }
        req.auth.logout(User.self)
        let res = req.redirect(to: "/login")
        res.cookies[sessionCookieName] = HTTPCookies.Value(string: "", expires: Date(timeIntervalSince1970: 0), path: "/", isHTTPOnly: true, sameSite: .lax)
        return res
    }
}
