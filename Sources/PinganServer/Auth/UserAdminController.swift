import Fluent
import Vapor
import PinganKit

struct UserDTO: Content {
    var id: Int; var username: String; var displayName: String; var role: Role; var scopeDivisionID: Int?; var stationID: Int?; var active: Bool
    /// Refused at one or more addresses after failed sign-ins (`LoginGuard`).
    var locked: Bool
    var twoFactor: Bool
}

/// Administrators manage accounts: create with a role and a scope, unlock, deactivate.
enum UserRules {
    /// Validates a new account; returns the hashed-password-ready values or field errors.
    static func validate(username: String, displayName: String, password: String, role: String?, scopeDivisionID: Int?, stationID: Int?,
                         unitID: Int? = nil, lang: Lang? = nil, on db: any Database) async throws -> Role {
        var e = FieldErrors()
        let u = username.lowercased()
        if u.range(of: "^[a-z0-9_.-]{3,32}$", options: .regularExpression) == nil { e["username"] = "3–32 个小写字母、数字或 _.- / 3–32 lowercase letters, digits or _.-" }
        else if try await User.query(on: db).filter(\.$username == u).count() > 0 { e["username"] = "用户名已存在 / Username taken" }
        if displayName.trimmed.isEmpty || displayName.count > 50 { e["displayName"] = "请填写姓名（50字以内）/ Name required (≤ 50)" }
        if let problem = PasswordRules.message(password, username: u, lang: lang) { e["password"] = problem }
        let r = role.flatMap(Role.init(rawValue:))
        if r == nil { e["role"] = "请选择角色 / Choose a role" }
        if r == .stationChief {
            if stationID == nil { e["stationID"] = "所长须指定派出所 / A station chief needs a station" }
            else if try await Station.find(stationID, on: db) == nil { e["stationID"] = "派出所不存在 / No such station" }
        } else if r == .unitStaff {
            // A unit's staff reach only what is dispatched to their unit: no jurisdiction of their own.
            if unitID == nil { e["unitID"] = "处置单位人员须指定单位 / Choose the responsible unit" }
            else if try await ResponsibleUnit.find(unitID, on: db) == nil { e["unitID"] = "处置单位不存在 / No such unit" }
        } else if let r, r != .admin {
            if scopeDivisionID == nil { e["scopeDivisionID"] = "请指定辖区 / Choose the jurisdiction" }
        }
        if let s = scopeDivisionID, try await Division.find(s, on: db) == nil { e["scopeDivisionID"] = "辖区不存在 / No such division" }
        guard e.isEmpty, let r else { throw e }
        return r
    }
}

struct UserAdminController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get("admin", "users", use: list)
        routes.post("admin", "users", use: create)
        routes.post("admin", "users", ":id", "unlock", use: unlock)
        routes.post("admin", "users", ":id", "deactivate", use: deactivate)
        routes.get("admin", "users", ":id", use: detail)
        routes.post("admin", "users", ":id", "password", use: resetPassword)
        routes.post("admin", "users", ":id", "2fa", "reset", use: resetTwoFactor)
        routes.post("admin", "users", ":id", "tokens", "revoke", use: revokeToken)
        routes.get("api", "v1", "users", use: apiList)
        routes.post("api", "v1", "users", use: apiCreate)
        routes.get("api", "v1", "users", ":id", "tokens", use: apiTokens)
        routes.post("api", "v1", "users", ":id", "tokens", "revoke", use: apiRevokeToken)
    }

    struct CreateInput: Content { var username: String?; var displayName: String?; var password: String?; var role: String?; var scopeDivisionID: String?; var stationID: String?; var unitID: String? }

    func dto(_ u: User, locked: Set<String>) -> UserDTO {
        UserDTO(id: u.id!, username: u.username, displayName: u.displayName, role: u.role, scopeDivisionID: u.scopeDivisionID, stationID: u.stationID,
                active: u.active, locked: locked.contains(u.username), twoFactor: u.hasTwoFactor)
    }

    /// Names refused somewhere right now.
    static func lockedNames(on db: any Database) async throws -> Set<String> {
        Set(try await LoginFailure.query(on: db).filter(\.$lockedUntil > Date()).all().map(\.username))
    }

    @Sendable func apiList(req: Request) async throws -> [UserDTO] {
        try req.require(.manageUsers)
        let locked = try await Self.lockedNames(on: req.db)
        return try await User.query(on: req.db).sort(\.$username).all().map { dto($0, locked: locked) }
    }

    @Sendable func list(req: Request) async throws -> Response {
        try req.require(.manageUsers)
        return try await view(req, CreateInput(), FieldErrors())
    }

    func view(_ req: Request, _ v: CreateInput, _ errors: FieldErrors) async throws -> Response {
        let L = req.lang
        let q = req.query[String.self, at: "q"]?.nilIfEmpty
        let roleFilter = req.query[String.self, at: "role"].flatMap(Role.init(rawValue:))
        let query = User.query(on: req.db)
        if let q { query.group(.or) { $0.filter(\.$username ~~ q.lowercased()).filter(\.$displayName ~~ q) } }
        if let roleFilter { query.filter(\.$role == roleFilter) }
        if let unit = req.query[Int.self, at: "unit"] { query.filter(\.$unitID == unit) }   // a unit's staff, from the unit settings
        let page = PinganKit.PageRequest(page: req.query[Int.self, at: "page"], per: req.query[Int.self, at: "per"])
        let total = try await query.copy().count()
        let users = try await query.sort(\.$role).sort(\.$username).range(page.offset..<(page.offset + page.per)).all()
        let divisions = try await Division.query(on: req.db).filter(\.$level ~~ [.district, .street, .community]).sort(\.$code).all()
        var names: [Int: String] = [:]
        for d in divisions { names[d.id!] = d.name }
        let stations = try await Station.query(on: req.db).sort(\.$name).all()
        var stationNames: [Int: String] = [:]
        for s in stations { stationNames[s.id!] = s.name }
        let me = try req.user.id
        let locked = try await Self.lockedNames(on: req.db)
        let rows: [Node] = users.map { u in userRow(req, u, me: me, names: names, stationNames: stationNames, locked: locked.contains(u.username)) }
        let head: Node = .thead(.tr(.th(.text(L.t("用户名", "Username"))), .th(.text(L.t("姓名", "Name"))), .th(.text(L.t("角色", "Role"))),
                                    .th(.text(L.t("辖区", "Scope"))), .th(.text(L.t("状态", "State"))), .th(.text(L.t("两步验证", "2FA"))), .th(.text(""))))
        let roleOptions: [(String, String)] = Role.allCases.map { ($0.rawValue, L.t($0.nameZh, $0.nameEn)) }
        let divisionOptions: [(String, String)] = divisions.map { d in
            let indent = d.level == .community ? "　　" : d.level == .street ? "　" : ""
            return ("\(d.id!)", indent + d.name)
        }
        let stationOptions: [(String, String)] = stations.map { ("\($0.id!)", $0.name) }
        let units = try await ResponsibleUnit.query(on: req.db).filter(\.$active == true).sort(\.$name).all()
        var fields: [Node] = []
        fields.append(Form.field(L.t("用户名", "Username"), "username", errors, Form.input("username", v.username, required: true)))
        fields.append(Form.field(L.t("姓名", "Display name"), "displayName", errors, Form.input("displayName", v.displayName, required: true)))
        fields.append(Form.field(L.t("初始密码（至少10位，不能是常见密码或包含用户名）", "Initial password (10+ characters, not a common one, not containing the username)"), "password", errors,
                                 Form.input("password", nil, type: "password", required: true, extra: .attr("autocomplete", "new-password"))))
        fields.append(Form.field(L.t("角色", "Role"), "role", errors, Form.select("role", roleOptions, selected: v.role, blank: L.t("请选择", "Choose…"))))
        fields.append(Form.field(L.t("辖区（所长以外必填）", "Jurisdiction (all but station chiefs)"), "scopeDivisionID", errors,
                                 Form.select("scopeDivisionID", divisionOptions, selected: v.scopeDivisionID, blank: L.t("不限", "None"))))
        fields.append(Form.field(L.t("派出所（所长必填）", "Station (station chiefs)"), "stationID", errors,
                                 Form.select("stationID", stationOptions, selected: v.stationID, blank: L.t("无", "None"))))
        fields.append(Form.field(L.t("处置单位（处置单位人员必填）", "Responsible unit (unit staff)"), "unitID", errors,
                                 Form.select("unitID", units.map { ("\($0.id!)", $0.name) }, selected: v.unitID, blank: L.t("无", "None"))))
        let form: Node = .form(.method("post"), .action("/admin/users"), Layout.csrfField(req),
                               .element("div", [.class("form")] + fields), .p(.button(.type("submit"), .text(L.t("创建", "Create")))))
        let filters: Node = .form(.method("get"), .action("/admin/users"), .class("filters"),
            .label(.text(L.t("搜索", "Search")), Form.input("q", q, extra: .placeholder(L.t("用户名或姓名", "username or name")))),
            .label(.text(L.t("角色", "Role")), Form.select("role", roleOptions, selected: roleFilter?.rawValue, blank: L.t("全部", "All"))),
            .button(.type("submit"), .text(L.t("筛选", "Filter"))), .a(.href("/admin/users"), .text(L.t("清除", "Clear"))))
        let create: Node = .element("details", [errors.isEmpty ? .empty : .attribute("open", nil), .class("card"),
            .summary(.strong(.text(L.t("新建用户", "New user")))), Form.errorSummary(req, errors), form])
        let list: Node = users.isEmpty ? .div(.class("empty"), .text(L.t("没有符合条件的用户。", "No users match.")))
            : .group([.table(.class("data"), head, .element("tbody", rows)), Pager.view(req, PageInfo(page: page.page, per: page.per, total: total))])
        return .page(req, title: L.t("用户", "Users"), status: errors.isEmpty ? .ok : .unprocessableEntity,
            .h1(.text(L.t("用户与权限", "Users and roles"))), create, filters, list)
    }

    func userRow(_ req: Request, _ u: User, me: Int?, names: [Int: String], stationNames: [Int: String], locked: Bool) -> Node {
        let L = req.lang
        let scopeName: String = u.stationID.flatMap { stationNames[$0] } ?? u.scopeDivisionID.flatMap { names[$0] ?? "#\($0)" } ?? L.t("全区", "Whole district")
        let state: String = !u.active ? L.t("已停用", "Deactivated") : locked ? L.t("已锁定", "Locked") : L.t("正常", "Active")
        let unlock: Node = locked ? .form(.method("post"), .action("/admin/users/\(u.id!)/unlock"), .class("inline"), Layout.csrfField(req),
                                          .button(.type("submit"), .class("link"), .text(L.t("解锁", "Unlock")))) : .empty
        let deactivate: Node = (u.active && u.id != me) ? .form(.method("post"), .action("/admin/users/\(u.id!)/deactivate"), .class("inline"), Layout.csrfField(req),
                                          .button(.type("submit"), .class("link"), .text(L.t("停用", "Deactivate")))) : .empty
        let twoFactor = u.hasTwoFactor ? L.t("已开启", "On") : TwoFactor.required(u, req.config) ? L.t("未开启（必须）", "Off (required)") : L.t("未开启", "Off")
        return .tr(.td(.a(.href("/admin/users/\(u.id!)"), .code(.text(u.username)))), .td(.text(u.displayName)), .td(.text(L.t(u.role.nameZh, u.role.nameEn))),
                   .td(.text(scopeName)), .td(.text(state)), .td(.text(twoFactor)), .td(unlock, " ", deactivate))
    }

    @Sendable func create(req: Request) async throws -> Response {
        try req.require(.manageUsers)
        let v = try req.content.decode(CreateInput.self)
        let scope = v.scopeDivisionID?.nilIfEmpty.flatMap { Int($0) }
        let station = v.stationID?.nilIfEmpty.flatMap { Int($0) }
        let unit = v.unitID?.nilIfEmpty.flatMap { Int($0) }
        do {
            let role = try await UserRules.validate(username: v.username ?? "", displayName: v.displayName ?? "", password: v.password ?? "",
                                                    role: v.role, scopeDivisionID: scope, stationID: station, unitID: unit, lang: req.lang, on: req.db)
            let hash = try await req.password.async.hash(v.password ?? "").get()
            let u = User(username: (v.username ?? "").lowercased(), displayName: (v.displayName ?? "").trimmed, passwordHash: hash, role: role,
                         scopeDivisionID: role == .stationChief || role == .unitStaff ? nil : scope, stationID: role == .stationChief ? station : nil,
                         unitID: role == .unitStaff ? unit : nil)
            try await req.db.transaction { db in
                try await u.create(on: db)
                await req.audit("user.create", entity: "user", id: u.id.map(String.init), detail: "\(u.username) \(role.rawValue)", on: db)
            }
            return req.redirect(to: "/admin/users")
        } catch let e as FieldErrors {
            return try await view(req, v, e)
        }
    }

    func load(_ req: Request) async throws -> User {
        try req.require(.manageUsers)
        guard let id = req.parameters.get("id", as: Int.self), let u = try await User.find(id, on: req.db) else { throw Abort(.notFound) }
        return u
    }

    @Sendable func unlock(req: Request) async throws -> Response {
        let u = try await load(req)
        u.lockedUntil = nil; u.failedAttempts = 0
        try await req.db.transaction { db in
            try await u.save(on: db)
            try await LoginGuard.unlock(u.username, on: db)
            await req.audit("user.unlock", entity: "user", id: u.id.map(String.init), detail: "sign-in failures at every address cleared", on: db)
        }
        return req.redirect(to: "/admin/users")
    }

    @Sendable func deactivate(req: Request) async throws -> Response {
        let u = try await load(req)
        guard u.id != (try req.user.id) else { throw Abort(.badRequest, reason: req.t("不能停用自己的账号。", "You cannot deactivate yourself.")) }
        u.active = false
        try await req.db.transaction { db in
            try await u.save(on: db)
            try await UserSession.query(on: db).filter(\.$userID == u.id!).delete()
            let revoked = try await APITokens.revokeAll(userID: u.id!, on: db)
            await req.audit("user.deactivate", entity: "user", id: u.id.map(String.init), detail: "sessions ended; \(revoked) API token(s) revoked", on: db)
        }
        return req.redirect(to: "/admin/users")
    }
}
