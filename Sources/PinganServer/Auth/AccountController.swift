import Fluent
import Vapor
import PinganKit

/// Every signed-in user's own page: who they are, language, password, and API tokens.
struct AccountController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get("account", use: page)
        routes.post("account", "password", use: changePassword)
        routes.post("account", "tokens", use: createToken)
        routes.post("account", "tokens", "revoke", use: revokeToken)
    }

    func view(_ req: Request, errors: FieldErrors = FieldErrors(), notice: String? = nil, newToken: String? = nil) async throws -> Response {
        let L = req.lang
        let user = try req.user
        let cal = LocalCalendar(timeZoneIdentifier: req.config.timeZone)
        let tokens = try await APIToken.query(on: req.db).filter(\.$userID == user.requireID()).sort(\.$createdAt, .descending).all()
        let scopeName = try await user.scopeDivisionID.asyncMap { try await Division.find($0, on: req.db)?.name } ?? nil
        let stationName = try await user.stationID.asyncMap { try await Station.find($0, on: req.db)?.name } ?? nil
        let who: Node = .div(.class("card"), .h2(.text(L.t("我的账号", "My account"))), .dl(.class("kv"),
            .dt(.text(L.t("用户名", "Username"))), .dd(.code(.text(user.username))),
            .dt(.text(L.t("姓名", "Name"))), .dd(.text(user.displayName)),
            .dt(.text(L.t("角色", "Role"))), .dd(.text(L.t(user.role.nameZh, user.role.nameEn))),
            .dt(.text(L.t("辖区", "Jurisdiction"))), .dd(.text(stationName ?? scopeName ?? L.t("全区", "Whole district"))),
            .dt(.text(L.t("界面语言", "Language"))), .dd(.a(.href("/account?lang=zh"), .text("中文")), " · ", .a(.href("/account?lang=en"), .text("English")))))
        let password: Node = .form(.method("post"), .action("/account/password"), .class("card"), Layout.csrfField(req),
            .h2(.text(L.t("修改密码", "Change password"))),
            .div(.class("form"),
                Form.field(L.t("当前密码", "Current password"), "current", errors, .input(.type("password"), .name("current"), .id("f-current"), .required(), .attr("autocomplete", "current-password"))),
                Form.field(L.t("新密码（至少10位，不能是常见密码或包含用户名）", "New password (10+ characters, not a common one, not containing your username)"), "new", errors, .input(.type("password"), .name("new"), .id("f-new"), .required(), .attr("autocomplete", "new-password"))),
                Form.field(L.t("再次输入新密码", "Repeat the new password"), "confirm", errors, .input(.type("password"), .name("confirm"), .id("f-confirm"), .required(), .attr("autocomplete", "new-password")))),
            .p(.button(.type("submit"), .text(L.t("修改密码", "Change password")))))
        let rows: [Node] = tokens.map { t in
            let state = t.revoked ? L.t("已撤销", "Revoked") : (t.expiresAt.map { $0 < Date() } ?? false) ? L.t("已过期", "Expired") : L.t("有效", "Active")
            let revoke: Node = t.revoked ? .empty : .form(.method("post"), .action("/account/tokens/revoke"), .class("inline"), Layout.csrfField(req),
                .input(.type("hidden"), .name("id"), .value("\(t.id!)")), .button(.type("submit"), .class("link"), .text(L.t("撤销", "Revoke"))))
            return .tr(.td(.text(t.name)), .td(.text(cal.formatDateTime(t.createdAt))), .td(.text(t.expiresAt.map { cal.formatDate($0) } ?? L.t("长期", "never"))),
                       .td(.text(t.lastUsedAt.map { cal.formatDateTime($0) } ?? "—")), .td(.text(state)), .td(revoke))
        }
        let tokenTable: Node = tokens.isEmpty ? .p(.class("muted"), .text(L.t("还没有 API 令牌。", "No API tokens yet.")))
            : .table(.class("data"), .thead(.tr(.th(.text(L.t("名称", "Name"))), .th(.text(L.t("创建时间", "Created"))), .th(.text(L.t("有效期至", "Expires"))),
                                               .th(.text(L.t("最近使用", "Last used"))), .th(.text(L.t("状态", "State"))), .th(.text("")))), .element("tbody", rows))
        let shown: Node = newToken.map { t in .div(.class("alert ok"), .text(L.t("新令牌（只显示这一次，请妥善保存）：", "Your new token (shown once; keep it safe): ")), .code(.text(t))) } ?? .empty
        let tokens2: Node = .div(.class("card"), .h2(.text(L.t("API 令牌", "API tokens"))),
            .p(.class("small muted"), .text(L.t("调用 /api/v1 时在请求头携带 Authorization: Bearer 令牌。令牌只保存哈希值；修改密码或账号停用时全部撤销。",
                                                 "Send Authorization: Bearer <token> to /api/v1. Only a hash of each token is stored; changing the password or deactivating the account revokes them all."))),
            shown, tokenTable,
            .form(.method("post"), .action("/account/tokens"), Layout.csrfField(req),
                .div(.class("form"),
                    Form.field(L.t("令牌名称", "Token name"), "name", errors, Form.input("name", nil, required: true, extra: .placeholder(L.t("例如：研判脚本", "e.g. analysis script")))),
                    Form.field(L.t("有效天数（最长 \(req.config.tokenMaxDays) 天）", "Valid for (days, at most \(req.config.tokenMaxDays))"), "days", errors,
                               Form.input("days", "\(req.config.tokenDefaultDays)", type: "number", extra: .group([.attr("min", "1"), .attr("max", "\(req.config.tokenMaxDays)")])))),
                .p(.button(.type("submit"), .text(L.t("创建令牌", "Create token"))))))
        let alert: Node = notice.map { .div(.class("alert ok"), .text($0)) } ?? .empty
        let required = TwoFactor.required(user, req.config)
        let twoFactor: Node = .div(.class("card"), .h2(.text(L.t("两步验证", "Two-step verification"))),
            .p(.text(user.hasTwoFactor ? L.t("已开启：登录时需输入手机身份验证器应用的动态码。", "On: signing in asks for a code from your authenticator app.")
                     : required ? L.t("未开启。您的角色必须开启。", "Off. Your role requires it.") : L.t("未开启（可选）。", "Off (optional)."))),
            .p(.a(.class("btn secondary"), .href("/account/2fa"), .text(user.hasTwoFactor ? L.t("管理", "Manage") : L.t("设置两步验证", "Set it up")))))
        return .page(req, title: L.t("我的账号", "My account"), status: errors.isEmpty ? .ok : .unprocessableEntity,
                     .h1(.text(L.t("我的账号", "My account"))), alert, Form.errorSummary(req, errors), .div(.class("grid2"), who, password), twoFactor, tokens2)
    }

    @Sendable func page(req: Request) async throws -> Response { try await view(req) }

    struct PasswordInput: Content { var current: String?; var new: String?; var confirm: String? }

    @Sendable func changePassword(req: Request) async throws -> Response {
        let user = try req.user
        let L = req.lang
        let v = try req.content.decode(PasswordInput.self)
        var e = FieldErrors()
        let ok = (try? await req.password.async.verify(v.current ?? "", created: user.passwordHash).get()) ?? false
        if !ok { e["current"] = L.t("当前密码不正确", "The current password is wrong") }
        if let problem = PasswordRules.message(v.new ?? "", username: user.username, lang: L) { e["new"] = problem }
        else if ok, v.new == v.current { e["new"] = L.t("新密码不能与当前密码相同", "The new password must differ from the current one") }
        if v.new != v.confirm { e["confirm"] = L.t("两次输入的新密码不一致", "The two new passwords differ") }
        guard e.isEmpty else {
            await req.audit("user.password", entity: "user", id: user.id.map(String.init), result: .failed)
            return try await view(req, errors: e)
        }
        user.passwordHash = try await req.password.async.hash(v.new!).get()
        let keep = req.userSession?.id
        let revoked = try await req.db.transaction { db -> Int in
            try await user.save(on: db)
            // Other sessions and every API token end: a changed password should lock out whoever knew the old one.
            let others = UserSession.query(on: db).filter(\.$userID == user.id!)
            if let keep { others.filter(\.$id != keep) }
            try await others.delete()
            let revoked = try await APITokens.revokeAll(userID: user.id!, on: db)
            await req.audit("user.password", entity: "user", id: user.id.map(String.init), detail: "other sessions ended; \(revoked) API token(s) revoked", on: db)
            return revoked
        }
        return try await view(req, notice: L.t("密码已修改，其他设备上的登录已退出，\(revoked) 个 API 令牌已撤销。",
                                               "Password changed; sessions on other devices were signed out and \(revoked) API token(s) revoked."))
    }

    struct TokenInput: Content { var name: String?; var days: String? }

    @Sendable func createToken(req: Request) async throws -> Response {
        let user = try req.user
        let L = req.lang
        let v = try req.content.decode(TokenInput.self)
        var e = FieldErrors()
        let name = (v.name ?? "").trimmed
        if name.isEmpty || name.count > 50 { e["name"] = L.t("请填写名称（50字以内）", "Give it a name (≤ 50 characters)") }
        var days = req.config.tokenDefaultDays
        switch APITokens.days(v.days, config: req.config, lang: L) {
        case .success(let d): days = d
        case .failure(let f): e["days"] = f["days"]
        }
        guard e.isEmpty else { return try await view(req, errors: e) }
        let token = try await req.db.transaction { db -> String in
            let issued = try await APITokens.issue(userID: try user.requireID(), name: name, days: days, on: db)
            await req.audit("token.create", entity: "user", id: user.id.map(String.init), detail: "\(name), \(days) days", on: db)
            return issued.token
        }
        return try await view(req, newToken: token)
    }

    struct RevokeInput: Content { var id: String? }

    @Sendable func revokeToken(req: Request) async throws -> Response {
        let user = try req.user
        let v = try req.content.decode(RevokeInput.self)
        // Only one's own tokens: anyone else's answers like a missing one.
        guard let id = v.id.flatMap({ Int($0) }), let t = try await APIToken.find(id, on: req.db), t.userID == user.id else {
            return try await view(req, errors: FieldErrors(["id": req.t("没有这个令牌", "No such token")]))
        }
        t.revoked = true
        try await req.db.transaction { db in
            try await t.save(on: db)
            await req.audit("token.revoke", entity: "user", id: user.id.map(String.init), detail: t.name, on: db)
        }
        return req.redirect(to: "/account")
    }
}
