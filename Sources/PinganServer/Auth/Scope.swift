import Fluent
import SQLKit
import Vapor
import PinganKit

/// The part of the jurisdiction a user may see, and the only place where records are narrowed to it.
///
/// The sets are private to this file on purpose: a feature cannot hand-apply them (and get the empty-scope or
/// grid-worker rule wrong). It asks the scope instead — `req.scoped(Model.self)` / `req.findScoped` for Fluent,
/// `scope.restrict(_:community:grid:)` for SQLKit, `allows(…)` for a record in hand. `ScopeLintTests` fails on a
/// query of a scoped table that does not go through here.
struct Scope: Sendable {
    /// nil = the whole district. Grid workers are narrowed further to their grids.
    private var communities: Set<Int>?
    private var grids: Set<Int>?
    /// Division codes at the top of the user's subtree (for tree pages).
    private(set) var rootCodes: [String]

    /// How a kind of record is attached to the tree, which decides what a grid worker sees of it.
    enum Grain: Sendable {
        /// Has a community and maybe a grid: a grid worker sees the records of their grids.
        case grid
        /// Belongs to a community as a whole (teams, patrol plans, duty slots …): a grid worker sees none.
        case community
    }

    static let everything = Scope(communities: nil, grids: nil, rootCodes: [])
    static let nothing = Scope(communities: [], grids: nil, rootCodes: [])

    var isEverything: Bool { communities == nil && grids == nil }
    /// Every community of the district is at least partly visible (district-wide roles).
    var reachesAllCommunities: Bool { communities == nil }
    /// A grid worker's scope: narrower than a community.
    var isGridLimited: Bool { grids != nil }

    // MARK: Records in hand

    func allows(community: Int, grid: Int?, grain: Grain = .grid) -> Bool {
        if let c = communities, !c.contains(community) { return false }
        if let g = grids {
            guard grain == .grid, let grid, g.contains(grid) else { return false }
        }
        return true
    }

    /// The community as a whole is visible (a grid worker sees only part of one).
    func allowsWholeCommunity(_ community: Int) -> Bool { allows(community: community, grid: nil, grain: .community) }

    /// The community is at least partly visible: a grid worker's own community counts.
    func touches(community: Int) -> Bool { communities?.contains(community) ?? true }

    func allows(division d: Division) -> Bool {
        if isEverything { return true }
        switch d.level {
        case .district, .street: return rootCodes.contains { $0 == d.code || DivisionCode.isPrefix($0, of: d.code) }
        case .community: return allowsWholeCommunity(d.id ?? -1)
        case .grid: return allows(community: d.communityID ?? -1, grid: d.id)
        case .building: return allows(community: d.communityID ?? -1, grid: d.parentID)
        }
    }

    /// Keeps the grids a grid worker may use (all of them for everyone else).
    func visibleGrids<T>(_ items: [T], id: (T) -> Int?) -> [T] {
        guard let g = grids else { return items }
        return items.filter { id($0).map(g.contains) ?? false }
    }

    /// Keeps the communities that are at least partly visible.
    func visibleCommunities<T>(_ items: [T], id: (T) -> Int?) -> [T] {
        guard let c = communities else { return items }
        return items.filter { id($0).map(c.contains) ?? false }
    }

    /// The communities this scope reaches, when it does not reach all (for summaries that list them by id).
    /// Prefer `restrict`/`scoped` for queries.
    var communityIDList: [Int]? { communities.map { Array($0).sorted() } }
    var gridIDList: [Int]? { grids.map { Array($0).sorted() } }

    // MARK: Queries

    /// Narrows a Fluent query on a scoped model. An empty scope matches nothing (`1 = 0`), never everything.
    func restrict<M: ScopedModel>(_ q: QueryBuilder<M>) -> QueryBuilder<M> {
        if let c = communities { q.filter(M.communityKey ~~ Array(c)) }
        if let g = grids {
            switch M.scopeGrain {
            case .grid:
                if let key = M.gridKey { q.filter(key ~~ Array(g)) } else { q.filter(M.communityKey ~~ [Int]()) }
            case .community: q.filter(M.communityKey ~~ [Int]())
            }
        }
        return q
    }

    /// Narrows an SQLKit query by its community and grid columns (qualify them for joins: `SQLColumn("community_id", table: "i")`).
    /// Pass `grid: nil` for a community-grain table: a grid worker then sees none of it.
    @discardableResult
    func restrict<B: SQLPredicateBuilder>(_ b: B, community: any SQLExpression = SQLIdentifier("community_id"),
                                          grid: (any SQLExpression)? = SQLIdentifier("grid_id")) -> B {
        let none = SQLBinaryExpression(SQLLiteral.numeric("1"), SQLBinaryOperator.equal, SQLLiteral.numeric("0"))
        if let c = communities {
            if c.isEmpty { b.where(none) } else { b.where(community, .in, SQLBind.group(Array(c).sorted())) }
        }
        if let g = grids {
            if let grid, !g.isEmpty { b.where(grid, .in, SQLBind.group(Array(g).sorted())) } else { b.where(none) }
        }
        return b
    }

    /// Narrows a query over the communities themselves (a `divisions` read, or a per-community summary) to those at
    /// least partly visible: a grid worker keeps their own community.
    @discardableResult
    func restrictCommunities<B: SQLPredicateBuilder>(_ b: B, id: any SQLExpression = SQLIdentifier("community_id")) -> B {
        guard let c = communities else { return b }
        if c.isEmpty { b.where(SQLBinaryExpression(SQLLiteral.numeric("1"), SQLBinaryOperator.equal, SQLLiteral.numeric("0"))) }
        else { b.where(id, .in, SQLBind.group(Array(c).sorted())) }
        return b
    }

    /// The communities (divisions of level community) at least partly visible.
    func restrictCommunities(_ q: QueryBuilder<Division>) -> QueryBuilder<Division> {
        if let c = communities { q.filter(\.$id ~~ Array(c)) }
        return q
    }

    /// Rows keyed by a community through an optional column (officers by the community they are assigned to).
    func restrictCommunities<M: Model>(_ q: QueryBuilder<M>, by key: KeyPath<M, OptionalFieldProperty<M, Int>>) -> QueryBuilder<M> {
        if let c = communities { q.filter(key ~~ Array(c)) }
        return q
    }

    // MARK: Resolution

    /// Computes the scope for a user from the tree.
    static func resolve(for user: User, on db: any Database) async throws -> Scope {
        switch user.role {
        // A unit's staff reach records only through what is dispatched to their unit, never through the tree.
        case .unitStaff: return .nothing
        case .admin, .districtCommand, .analyst:
            if user.scopeDivisionID == nil { return .everything }
        default: break
        }
        if user.role == .stationChief, let stationID = user.stationID {
            let ids = try await Division.query(on: db).filter(\.$level == .community).filter(\.$stationID == stationID).all().compactMap(\.id)
            return Scope(communities: Set(ids), grids: nil, rootCodes: [])
        }
        guard let rootID = user.scopeDivisionID, let root = try await Division.find(rootID, on: db) else { return .nothing }
        switch root.level {
        case .district where try await Division.query(on: db).filter(\.$level == .district).count() == 1:
            return Scope(communities: nil, grids: nil, rootCodes: [root.code])
        case .district, .street:
            let sql = db as! any SQLDatabase
            let rows = try await sql.select().column("id").from("divisions")
                .where("level", .equal, DivisionLevel.community.rawValue)
                .where("code", .like, root.code + "%")
                .all()
            let ids = try rows.map { try $0.decode(column: "id", as: Int.self) }
            return Scope(communities: Set(ids), grids: nil, rootCodes: [root.code])
        case .community:
            return Scope(communities: [rootID], grids: nil, rootCodes: [root.code])
        case .grid:
            return Scope(communities: root.communityID.map { [$0] } ?? [], grids: [rootID], rootCodes: [root.code])
        case .building:
            return .nothing
        }
    }
}

/// A model whose rows belong to a place in the tree. Conforming is what lets `req.scoped` and `req.findScoped` narrow it.
protocol ScopedModel: Model where IDValue == Int {
    static var scopeGrain: Scope.Grain { get }
    static var communityKey: KeyPath<Self, FieldProperty<Self, Int>> { get }
    /// nil for community-grain models.
    static var gridKey: KeyPath<Self, OptionalFieldProperty<Self, Int>>? { get }
    var scopeCommunityID: Int { get }
    var scopeGridID: Int? { get }
}

extension ScopedModel {
    static var scopeGrain: Scope.Grain { gridKey == nil ? .community : .grid }
    static var gridKey: KeyPath<Self, OptionalFieldProperty<Self, Int>>? { nil }
    var scopeGridID: Int? { nil }
}

extension Scope {
    func allows<M: ScopedModel>(_ m: M) -> Bool { allows(community: m.scopeCommunityID, grid: m.scopeGridID, grain: M.scopeGrain) }
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

    /// A query over the records of `M` the user may see.
    func scoped<M: ScopedModel>(_ type: M.Type, on db: (any Database)? = nil) async throws -> QueryBuilder<M> {
        try await scope().restrict(M.query(on: db ?? self.db))
    }

    /// One record the user may see; a missing id, a missing record and an out-of-scope record all answer 404 alike.
    func findScoped<M: ScopedModel>(_ type: M.Type, _ id: Int?) async throws -> M {
        guard let m = try await visible(type, id) else { throw ScopedRecordNotFound(entity: M.schema, id: id.map(String.init)) }
        return m
    }

    /// The record if the user may see it, else nil (for a form field that links one: "not found" inline, not a 404 page).
    func visible<M: ScopedModel>(_ type: M.Type, _ id: Int?) async throws -> M? {
        guard let id, let m = try await M.find(id, on: db), try await scope().allows(m) else { return nil }
        return m
    }

    /// 403 unless the user's role grants the permission.
    func require(_ permission: Permission) throws {
        guard try user.role.can(permission) else {
            throw PermissionDenied(permission: permission.rawValue, reason: t("您的角色无权执行此操作。", "Your role does not allow this."))
        }
    }
}
