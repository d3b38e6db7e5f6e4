import Fluent
import SQLKit
import Vapor
import PinganKit

/// The part of the jurisdiction a user may see. `communityIDs == nil` means the whole district.
/// Grid workers are narrowed further to their grids.
struct Scope: Sendable {
    var communityIDs: Set<Int>?
    var gridIDs: Set<Int>?
    /// Division codes at the top of the user's subtree (for tree pages).
    var rootCodes: [String]

    static let everything = Scope(communityIDs: nil, gridIDs: nil, rootCodes: [])
    static let nothing = Scope(communityIDs: [], gridIDs: nil, rootCodes: [])

    var isEverything: Bool { communityIDs == nil && gridIDs == nil }

    func contains(communityID: Int, gridID: Int?) -> Bool {
        if let c = communityIDs, !c.contains(communityID) { return false }
        if let g = gridIDs { guard let gridID, g.contains(gridID) else { return false } }
        return true
    }

    func contains(division d: Division) -> Bool {
        if isEverything { return true }
        switch d.level {
        case .district, .street: return rootCodes.contains { $0 == d.code || DivisionCode.isPrefix($0, of: d.code) }
        case .community: return gridIDs == nil && contains(communityID: d.id ?? -1, gridID: nil)
        case .grid: return contains(communityID: d.communityID ?? -1, gridID: d.id)
        case .building: return contains(communityID: d.communityID ?? -1, gridID: d.parentID)
        }
    }

    /// Computes the scope for a user from the tree.
    static func resolve(for user: User, on db: any Database) async throws -> Scope {
        switch user.role {
        case .admin, .districtCommand, .analyst:
            if user.scopeDivisionID == nil { return .everything }
        default: break
        }
        if user.role == .stationChief, let stationID = user.stationID {
            let ids = try await Division.query(on: db).filter(\.$level == .community).filter(\.$stationID == stationID).all().compactMap(\.id)
            return Scope(communityIDs: Set(ids), gridIDs: nil, rootCodes: [])
        }
        guard let rootID = user.scopeDivisionID, let root = try await Division.find(rootID, on: db) else { return .nothing }
        switch root.level {
        case .district where try await Division.query(on: db).filter(\.$level == .district).count() == 1:
            return Scope(communityIDs: nil, gridIDs: nil, rootCodes: [root.code])
        case .district, .street:
            let sql = db as! any SQLDatabase
            let rows = try await sql.select().column("id").from("divisions")
                .where("level", .equal, DivisionLevel.community.rawValue)
                .where("code", .like, root.code + "%")
                .all()
            let ids = try rows.map { try $0.decode(column: "id", as: Int.self) }
            return Scope(communityIDs: Set(ids), gridIDs: nil, rootCodes: [root.code])
        case .community:
            return Scope(communityIDs: [rootID], gridIDs: nil, rootCodes: [root.code])
        case .grid:
            return Scope(communityIDs: root.communityID.map { [$0] } ?? [], gridIDs: [rootID], rootCodes: [root.code])
        case .building:
            return .nothing
        }
    }
}

private struct ScopeKey: StorageKey { typealias Value = Scope }

extension Request {
    /// The signed-in user, or 401.
    var user: User {
        get throws { guard let u = auth.get(User.self) else { throw Abort(.unauthorized) }; return u }
    }

    /// The signed-in user's scope, computed once per request.
    func scope() async throws -> Scope {
        if let s = storage[ScopeKey.self] { return s }
        let s = try await Scope.resolve(for: try user, on: db)
        storage[ScopeKey.self] = s
        return s
    }

    /// 403 unless the user's role grants the permission.
    func require(_ permission: Permission) throws {
        guard try user.role.can(permission) else { throw Abort(.forbidden, reason: t("您的角色无权执行此操作。", "Your role does not allow this.")) }
    }
}
