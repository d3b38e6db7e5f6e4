import Fluent
import Vapor
import PinganKit

/// One account for an administrator (`/admin/users/{id}`): its state, a password reset, a reset of its two factors
/// (another administrator only: never one's own), and its API tokens with a revoke button each. Every change audited.
extension UserAdminController {
    @Sendable func detail(req: Request) async throws -> Response {
        try await detailView(req, try await load(req))
    }

    func detailView(_ req: Request, _ u: User, errors: FieldErrors = FieldErrors(), notice: String? = nil) async throws -> Response {
        let L = req.lang
        let me = try req.user.id
        let mine = u.id == me
        let cal = LocalCalendar(timeZoneIdentifier: req.config.timeZone)
        let lockedAt = try await LoginGuard.lockedAnywhere(u.username, on: req.db)
        let tokens = try await APIToken.query(on: req.db).filter(\.$userID == u.id!).sort(\.$createdAt, .descending).all()
        let left = u.hasTwoFactor ? try await TwoFactor.remainingRecoveryCodes(userID: u.id!, on: req.db) : 0
        let state = !u.active ? L.t("已停用", "Deactivated") : lockedAt > 0 ? L.t("在 \(lockedAt) 个地址被暂时锁定", "Locked at \(lockedAt) address(es)") : L.t("正常", "Active")
        let facts: Node = .div(.class("card"), .dl(.class("kv"),
            .dt(.text(L.t("用户名", "Username"))), .dd(.code(.text(u.username))),
            .dt(.text(L.t("角色", "Role"))), .dd(.text(L.t(u.role.nameZh, u.role.nameEn))),
            .dt(.text(L.t("状态", "State"))), .dd(.text(state)),
            .dt(.text(L.t("最近登录", "Last sign-in"))), .dd(.text(u.lastLoginAt.map { cal.formatDateTime($0) } ?? "—"))))
        // Two factors: a reset removes the secret and the recovery codes and signs the user out; they set it up again.
        let twoFactorText = u.hasTwoFactor
            ? L.t("已开启（剩余恢复码 \(left) 个）", "On (\(left) recovery codes left)")
            : TwoFactor.required(u, req.config) ? L.t("未开启：该角色必须开启，下次登录时将被要求设置。", "Off: the role requires it; they will be asked to set it up at their next sign-in.")
            : L.t("未开启", "Off")
        let reset: Node = !u.hasTwoFactor ? .empty : mine
            ? .p(.class("small muted"), .text(L.t("不能重置自己的两步验证：请另一位系统管理员操作。", "You cannot reset your own: another administrator must.")))
            : .form(.method("post"), .action("/admin/users/\(u.id!)/2fa/reset"), Layout.csrfField(req),
                    .p(.class("small muted"), .text(L.t("用于手机和恢复码都丢失的情况。重置后该用户所有登录会话退出，需重新设置两步验证。",
                                                         "For a lost phone and lost recovery codes. The user is signed out everywhere and sets it up again."))),
                    .p(.button(.type("submit"), .class("danger"), .text(L.t("重置两步验证", "Reset two-step verification")))))
        let twoFactor: Node = .div(.class("card"), .h2(.text(L.t("两步验证", "Two-step verification"))), .p(.text(twoFactorText)), reset)
        let password: Node = mine
            ? .div(.class("card"), .h2(.text(L.t("重置密码", "Reset password"))), .p(.class("small muted"), .text(L.t("修改自己的密码请到“我的账号”。", "Change your own password on My account."))))
            : .form(.method("post"), .action("/admin/users/\(u.id!)/password"), .class("card"), Layout.csrfField(req),
                .h2(.text(L.t("重置密码", "Reset password"))),
                .p(.class("small muted"), .text(L.t("重置后该用户的登录会话全部退出，API 令牌全部撤销。", "The user's sessions end and all their API tokens are revoked."))),
                .div(.class("form"), Form.field(L.t("新密码（至少10位，不能是常见密码或包含用户名）", "New password (10+ characters, not a common one, not containing the username)"), "password", errors,
                                                Form.input("password", nil, type: "password", required: true, extra: .attr("autocomplete", "new-password")))),
                .p(.button(.type("submit"), .text(L.t("重置密码", "Reset password")))))
        let now = Date()
        let rows: [Node] = tokens.map { t in
            let dto = TokenDTO(t, now: now)
            let stateText = t.revoked ? L.t("已撤销", "Revoked") : dto.active ? L.t("有效", "Active") : L.t("已过期", "Expired")
            let revoke: Node = !dto.active ? .empty : .form(.method("post"), .action("/admin/users/\(u.id!)/tokens/revoke"), .class("inline"), Layout.csrfField(req),
                .input(.type("hidden"), .name("tokenID"), .value("\(t.id!)")), .button(.type("submit"), .class("link"), .text(L.t("撤销", "Revoke"))))
            return .tr(.td(.text(t.name)), .td(.class("hide-sm"), .text(cal.formatDateTime(t.createdAt))), .td(.text(t.expiresAt.map { cal.formatDate($0) } ?? "—")),
                       .td(.class("hide-sm"), .text(t.lastUsedAt.map { cal.formatDateTime($0) } ?? "—")), .td(.text(stateText)), .td(revoke))
        }
        let tokenList: Node = tokens.isEmpty ? .p(.class("muted"), .text(L.t("没有 API 令牌。", "No API tokens.")))
            : .div(.class("scroll"), .table(.class("data"), .thead(.tr(.th(.text(L.t("名称", "Name"))), .th(.class("hide-sm"), .text(L.t("创建时间", "Created"))),
                .th(.text(L.t("有效期至", "Expires"))), .th(.class("hide-sm"), .text(L.t("最近使用", "Last used"))), .th(.text(L.t("状态", "State"))), .th(.text("")))),
                .element("tbody", rows)))
        let tokenCard: Node = .div(.class("card"), .h2(.text(L.t("API 令牌", "API tokens"))),
            .p(.class("small muted"), .text(L.t("令牌不受两步验证影响；不再需要的请撤销。", "Tokens are not affected by two-step verification; revoke those no longer needed."))), tokenList)
        let alert: Node = notice.map { .div(.class("alert ok"), .attr("role", "status"), .text($0)) } ?? .empty
        return .page(req, title: u.displayName, status: errors.isEmpty ? .ok : .unprocessableEntity,
            .p(.class("breadcrumb"), .a(.href("/admin/users"), .text(L.t("用户与权限", "Users and roles")))),
            .h1(.text(u.displayName)), alert, Form.errorSummary(req, errors), facts, .div(.class("grid2"), twoFactor, password), tokenCard)
    }

    struct PasswordInput: Content { var password: String? }

    /// Another user's password, set by an administrator: the policy applies, their sessions end, their tokens are revoked.
    @Sendable func resetPassword(req: Request) async throws -> Response {
        let u = try await load(req)
        guard u.id != (try req.user.id) else { throw Abort(.badRequest, reason: req.t("修改自己的密码请到“我的账号”。", "Change your own password on My account.")) }
        let password = try req.content.decode(PasswordInput.self).password ?? ""
        if let problem = PasswordRules.message(password, username: u.username, lang: req.lang) {
            return try await detailView(req, u, errors: FieldErrors(["password": problem]))
        }
        u.passwordHash = try await req.password.async.hash(password).get()
        let revoked = try await req.db.transaction { db -> Int in
            try await u.save(on: db)
            try await UserSession.query(on: db).filter(\.$userID == u.id!).delete()
            try await LoginChallenge.query(on: db).filter(\.$userID == u.id!).delete()
            let revoked = try await APITokens.revokeAll(userID: u.id!, on: db)
            await req.audit("user.password.reset", entity: "user", id: u.id.map(String.init), detail: "\(u.username): sessions ended; \(revoked) API token(s) revoked", on: db)
            return revoked
        }
        return try await detailView(req, u, notice: req.t("密码已重置；该用户已退出所有登录，\(revoked) 个 API 令牌已撤销。",
                                                          "Password reset; the user was signed out everywhere and \(revoked) API token(s) revoked."))
    }

    /// Removes another user's second factor (a lost phone and lost recovery codes). Never one's own: that would let
    /// a stolen administrator password alone remove the administrator's second factor.
    @Sendable func resetTwoFactor(req: Request) async throws -> Response {
        let u = try await load(req)
        guard u.id != (try req.user.id) else {
            await req.audit("totp.reset", entity: "user", id: u.id.map(String.init), result: .denied, detail: "own account")
            throw Abort(.forbidden, reason: req.t("不能重置自己的两步验证：请另一位系统管理员操作。", "You cannot reset your own two-step verification: another administrator must."))
        }
        guard u.hasTwoFactor else { return try await detailView(req, u, notice: req.t("该用户没有开启两步验证。", "This user has no two-step verification.")) }
        try await req.db.transaction { db in
            try await TwoFactor.remove(u, endSessions: true, on: db)
            await req.audit("totp.reset", entity: "user", id: u.id.map(String.init), detail: "\(u.username): secret and recovery codes removed, sessions ended", on: db)
        }
        return try await detailView(req, u, notice: req.t("两步验证已重置；该用户已退出所有登录，下次登录时重新设置。",
                                                          "Two-step verification reset; the user was signed out and sets it up again at the next sign-in."))
    }

    struct RevokeInput: Content { var tokenID: String? }

    @Sendable func revokeToken(req: Request) async throws -> Response {
        let u = try await load(req)
        let id = try req.content.decode(RevokeInput.self).tokenID.flatMap { Int($0) }
        guard let t = try await revoke(req, user: u, tokenID: id) else {
            return try await detailView(req, u, errors: FieldErrors(["tokenID": req.t("该用户没有这个令牌", "This user has no such token")]))
        }
        return try await detailView(req, u, notice: req.t("令牌“\(t.name)”已撤销。", "Token “\(t.name)” revoked."))
    }

    /// Revokes one of `user`'s tokens (audited); nil when it is not theirs.
    func revoke(_ req: Request, user u: User, tokenID: Int?) async throws -> APIToken? {
        guard let tokenID, let t = try await APIToken.find(tokenID, on: req.db), t.userID == u.id else { return nil }
        guard !t.revoked else { return t }
        t.revoked = true
        try await req.db.transaction { db in
            try await t.save(on: db)
            await req.audit("token.revoke", entity: "user", id: u.id.map(String.init), detail: "\(u.username): \(t.name) (#\(t.id!)) by an administrator", on: db)
        }
        return t
    }
}
