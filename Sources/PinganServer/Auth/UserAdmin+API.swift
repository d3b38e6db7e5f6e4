import Fluent
import Vapor
import PinganKit

/// The API twin of account administration: create a user (the same rules and password policy as the page), list
/// and revoke a user's API tokens.
extension UserAdminController {
    struct APICreateInput: Content {
        var username: String?; var displayName: String?; var password: String?; var role: String?
        var scopeDivisionID: Int?; var stationID: Int?; var unitID: Int?
    }

    @Sendable func apiCreate(req: Request) async throws -> Response {
        try req.require(.manageUsers)
        let v = try req.content.decode(APICreateInput.self)
        let role = try await UserRules.validate(username: v.username ?? "", displayName: v.displayName ?? "", password: v.password ?? "", role: v.role,
                                                scopeDivisionID: v.scopeDivisionID, stationID: v.stationID, unitID: v.unitID, lang: req.lang, on: req.db)
        let hash = try await req.password.async.hash(v.password ?? "").get()
        let u = User(username: (v.username ?? "").lowercased(), displayName: (v.displayName ?? "").trimmed, passwordHash: hash, role: role,
                     scopeDivisionID: role == .stationChief || role == .unitStaff ? nil : v.scopeDivisionID, stationID: role == .stationChief ? v.stationID : nil,
                     unitID: role == .unitStaff ? v.unitID : nil)
        try await req.db.transaction { db in
            try await u.create(on: db)
            await req.audit("user.create", entity: "user", id: u.id.map(String.init), detail: "\(u.username) \(role.rawValue) via API", on: db)
        }
        let res = Response(status: .created)
        try res.content.encode(dto(u, locked: []))
        return res
    }

    @Sendable func apiTokens(req: Request) async throws -> [TokenDTO] {
        let u = try await load(req)
        let now = Date()
        return try await APIToken.query(on: req.db).filter(\.$userID == u.id!).sort(\.$createdAt, .descending).all().map { TokenDTO($0, now: now) }
    }

    struct APIRevokeInput: Content { var tokenID: Int? }

    @Sendable func apiRevokeToken(req: Request) async throws -> TokenDTO {
        let u = try await load(req)
        let id = try req.content.decode(APIRevokeInput.self).tokenID
        guard let t = try await revoke(req, user: u, tokenID: id) else {
            throw FieldErrors(["tokenID": req.t("该用户没有这个令牌", "This user has no such token")])
        }
        return TokenDTO(t)
    }
}
