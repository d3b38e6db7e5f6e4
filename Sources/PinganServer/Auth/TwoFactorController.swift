import Fluent
import Vapor
import PinganKit

/// The signed-in user's own two factors (`/account/2fa`): set up with a QR code the server draws, confirm with a
/// code, keep ten recovery codes; new recovery codes or — for roles that need no second factor — turning it off, each
/// with a current code. Registered outside `TwoFactorGate`, since it is where the gate sends people.
struct TwoFactorController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get("account", "2fa", use: page)
        routes.post("account", "2fa", "setup", use: setup)
        routes.post("account", "2fa", "confirm", use: confirm)
        routes.post("account", "2fa", "recovery", use: regenerate)
        routes.post("account", "2fa", "disable", use: disable)
    }

    struct CodeInput: Content { var code: String?; var next: String? }

    var nextQuery: (Request) -> String? { { $0.query[String.self, at: "next"] } }

    @Sendable func page(req: Request) async throws -> Response {
        try await TwoFactorView(req: req, next: nextQuery(req)).render()
    }

    /// A fresh secret to enrol (replacing any earlier unconfirmed one). Does not change a confirmed second factor.
    @Sendable func setup(req: Request) async throws -> Response {
        let user = try req.user
        let next = try? req.content.decode(CodeInput.self).next
        guard !user.hasTwoFactor else { return req.redirect(to: "/account/2fa") }
        user.totpPending = try req.cipher.seal(Base32.encode(PinganKit.TOTP.randomSecret()))
        try await req.db.transaction { db in
            try await user.save(on: db)
            await req.audit("totp.setup", entity: "user", id: user.id.map(String.init), detail: "new secret to confirm", on: db)
        }
        return req.redirect(to: "/account/2fa" + (next.flatMap { $0 }.map { "?next=" + ($0.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "") } ?? ""))
    }

    @Sendable func confirm(req: Request) async throws -> Response {
        let user = try req.user
        let input = try req.content.decode(CodeInput.self)
        guard !user.hasTwoFactor, let pending = user.totpPending else { return req.redirect(to: "/account/2fa") }
        try limit(req, user)
        let totp = try TwoFactor.totp(sealed: pending, cipher: req.cipher)
        guard let step = totp.verify(input.code ?? "", at: Date().timeIntervalSince1970) else {
            req.application.codeAttemptLimiter.record("user:\(user.id!)")
            await req.audit("totp.enable", entity: "user", id: user.id.map(String.init), result: .failed, detail: "wrong confirmation code")
            return try await TwoFactorView(req: req, next: input.next,
                errors: FieldErrors(["code": req.t("验证码不正确：请确认手机时间准确，并输入应用当前显示的 6 位数字", "Wrong code: check the phone's clock and type the 6 digits the app shows now")])).render()
        }
        let codes = try await req.db.transaction { db -> [String] in
            let codes = try await TwoFactor.enable(user, step: step, on: db)
            await req.audit("totp.enable", entity: "user", id: user.id.map(String.init), detail: "TOTP confirmed; \(codes.count) recovery codes", on: db)
            return codes
        }
        return try await TwoFactorView(req: req, next: input.next, newCodes: codes,
                                       notice: req.t("两步验证已开启。", "Two-step verification is on.")).render()
    }

    /// Checks a current code for an action on an enrolled account; the field error otherwise.
    func requireCode(_ req: Request, _ user: User, _ typed: String?) async throws -> FieldErrors? {
        try limit(req, user)
        let ok = try await TwoFactor.acceptTOTP(typed ?? "", user: user, cipher: req.cipher, on: req.db)
        if !ok { req.application.codeAttemptLimiter.record("user:\(user.id!)") }
        return ok ? nil : FieldErrors(["code": req.t("验证码不正确，或已经使用过", "Wrong code, or one already used")])
    }

    /// 429 after five wrong codes in 15 minutes.
    func limit(_ req: Request, _ user: User) throws {
        if let wait = req.application.codeAttemptLimiter.blocked("user:\(user.id!)") {
            throw LockedLimiter.tooMany(req, wait, (zh: "验证码错误次数过多，请稍后再试。", en: "Too many wrong codes. Try again later."))
        }
    }

    @Sendable func regenerate(req: Request) async throws -> Response {
        let user = try req.user
        let input = try req.content.decode(CodeInput.self)
        guard user.hasTwoFactor else { return req.redirect(to: "/account/2fa") }
        if let e = try await requireCode(req, user, input.code) {
            await req.audit("totp.recovery", entity: "user", id: user.id.map(String.init), result: .failed, detail: "wrong code")
            return try await TwoFactorView(req: req, next: nil, errors: e).render()
        }
        let codes = try await req.db.transaction { db -> [String] in
            let codes = try await TwoFactor.newRecoveryCodes(userID: user.id!, on: db)
            await req.audit("totp.recovery", entity: "user", id: user.id.map(String.init), detail: "new recovery codes; the old ones no longer work", on: db)
            return codes
        }
        return try await TwoFactorView(req: req, next: nil, newCodes: codes,
                                       notice: req.t("已生成新的恢复码，旧的恢复码已失效。", "New recovery codes; the old ones no longer work.")).render()
    }

    @Sendable func disable(req: Request) async throws -> Response {
        let user = try req.user
        let input = try req.content.decode(CodeInput.self)
        guard user.hasTwoFactor else { return req.redirect(to: "/account/2fa") }
        guard !TwoFactor.required(user, req.config) else {
            await req.audit("totp.disable", entity: "user", id: user.id.map(String.init), result: .denied, detail: "the role requires it")
            return try await TwoFactorView(req: req, next: nil, errors: FieldErrors(["code": req.t("您的角色必须使用两步验证，不能关闭", "Your role requires two-step verification; it cannot be turned off")])).render()
        }
        if let e = try await requireCode(req, user, input.code) {
            await req.audit("totp.disable", entity: "user", id: user.id.map(String.init), result: .failed, detail: "wrong code")
            return try await TwoFactorView(req: req, next: nil, errors: e).render()
        }
        try await req.db.transaction { db in
            try await TwoFactor.remove(user, endSessions: false, on: db)
            await req.audit("totp.disable", entity: "user", id: user.id.map(String.init), detail: "turned off by the user", on: db)
        }
        return try await TwoFactorView(req: req, next: nil, notice: req.t("两步验证已关闭。", "Two-step verification is off.")).render()
    }
}
