import Fluent
import Vapor
import PinganKit

struct AuthController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get("login", use: loginPage)
        routes.post("login", use: login)
        routes.post("logout", use: logout)
    }

    struct LoginForm: Content { var username: String?; var password: String?; var next: String? }

    @Sendable func loginPage(req: Request) async throws -> Response {
        if req.auth.has(User.self) { return req.redirect(to: "/") }
        return view(req, username: "", next: req.query[String.self, at: "next"], error: nil)
    }

    func view(_ req: Request, username: String, next: String?, error: String?, status: HTTPResponseStatus = .ok) -> Response {
        let userField: Node = .label(.text(req.t("用户名", "Username")),
            .input(.name("username"), .value(username), .required(), .attr("autocomplete", "username"), .attr("autofocus", nil)))
        let passwordField: Node = .label(.text(req.t("密码", "Password")),
            .input(.type("password"), .name("password"), .required(), .attr("autocomplete", "current-password")))
        let form: Node = .form(.method("post"), .action("/login"), Layout.csrfField(req),
            .input(.type("hidden"), .name("next"), .value(next ?? "")), userField, passwordField,
            .button(.type("submit"), .text(req.t("登录", "Sign in"))))
        let alert: Node = error.map { .div(.class("alert error"), .attr("role", "alert"), .text($0)) } ?? .empty
        let note: Node = .p(.class("small muted"), .text(req.t("连续 5 次密码错误将锁定 15 分钟。", "Five wrong passwords in a row lock the account for 15 minutes.")))
        let card: Node = .div(.class("card login"), .h1(.text(req.t("登录平安平台", "Sign in to Pingan"))), alert, form, note)
        return .page(req, title: req.t("登录", "Sign in"), status: status, card)
    }

    @Sendable func login(req: Request) async throws -> Response {
        let form = try req.content.decode(LoginForm.self)
        let username = (form.username ?? "").trimmingCharacters(in: .whitespaces).lowercased()
        let password = form.password ?? ""
        let cfg = req.config
        let now = Date()
        let generic = req.t("用户名或密码不正确。", "Wrong username or password.")
        guard let user = try await User.query(on: req.db).filter(\.$username == username).first(), user.active else {
            // Spend the same time as a real check so usernames cannot be probed by timing.
            _ = try? await req.password.async.verify(password, created: "$2b$12$C6UzMDM.H6dfI/f/IKcEeO5C9Qe6Bhg7kOJrJ1QnPXnxUiUtdA7Fu").get()
            await req.audit("auth.login", entity: "user", result: .failed, detail: "unknown or inactive user \(username.prefix(64))")
            return view(req, username: username, next: form.next, error: generic, status: .unauthorized)
        }
        if let until = user.lockedUntil, until > now {
            let minutes = Int((until.timeIntervalSince(now) / 60).rounded(.up))
            await req.audit("auth.login", entity: "user", id: user.id.map(String.init), result: .denied, detail: "locked")
            return view(req, username: username, next: form.next,
                        error: req.t("账号已临时锁定，请 \(minutes) 分钟后再试。", "This account is locked. Try again in \(minutes) minute(s)."), status: .tooManyRequests)
        }
        let ok = (try? await req.password.async.verify(password, created: user.passwordHash).get()) ?? false
        guard ok else {
            user.failedAttempts += 1
            var detail = "wrong password (\(user.failedAttempts))"
            if user.failedAttempts >= cfg.lockoutThreshold {
                user.lockedUntil = now.addingTimeInterval(cfg.lockoutDuration)
                user.failedAttempts = 0
                detail += "; locked for \(Int(cfg.lockoutDuration / 60)) min"
            }
            try await user.save(on: req.db)
            await req.audit("auth.login", entity: "user", id: user.id.map(String.init), result: .failed, detail: detail)
            return view(req, username: username, next: form.next, error: generic, status: .unauthorized)
        }
        user.failedAttempts = 0
        user.lockedUntil = nil
        user.lastLoginAt = now
        try await user.save(on: req.db)
        // Rotate: any session this browser had is dropped and a new id issued.
        if let old = req.userSession { try await old.delete(on: req.db) }
        let token = Tokens.random()
        let session = UserSession(tokenHash: Tokens.hash(token), userID: try user.requireID(), csrfToken: Tokens.random(), now: now, ip: req.remoteAddress?.ipAddress ?? "-")
        try await session.create(on: req.db)
        req.auth.login(user)
        await req.audit("auth.login", entity: "user", id: user.id.map(String.init))
        var target = form.next ?? "/"
        if !target.hasPrefix("/") || target.hasPrefix("//") || target.hasPrefix("/\\") { target = "/" }
        let res = req.redirect(to: target, redirectType: .normal)
        res.cookies[sessionCookieName] = HTTPCookies.Value(string: token, path: "/", isSecure: req.isSecure, isHTTPOnly: true, sameSite: .lax)
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
