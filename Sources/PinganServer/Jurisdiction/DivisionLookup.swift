import Fluent
import SQLKit
import Vapor
import PinganKit

/// Division names and pickers that every feature's lists need, as small SQL reads (id and name
/// only: loading full models for these was a measured cost on list pages).
enum DivisionLookup {
    static func names(_ ids: [Int], on db: any Database) async throws -> [Int: String] {
        let unique = Array(Set(ids))
        guard !unique.isEmpty else { return [:] }
        var out: [Int: String] = [:]
        let sql = db as! any SQLDatabase
        for r in try await sql.select().column("id").column("name").from("divisions").where("id", .in, unique).all() {
            out[try r.decode(column: "id", as: Int.self)] = try r.decode(column: "name", as: String.self)
        }
        return out
    }

    /// The grids of a community the user may place records in (a grid worker: their own).
    static func grids(_ req: Request, community: Int) async throws -> [Division] {
        let grids = try await Division.query(on: req.db).filter(\.$level == .grid).filter(\.$communityID == community).sort(\.$code).all()
        return try await req.scope().visibleGrids(grids, id: \.id)
    }

    /// Communities the user may place records in, for selects and filters.
    static func communities(_ req: Request) async throws -> [(id: Int, name: String)] {
        let scope = try await req.scope()
        let sql = req.db as! any SQLDatabase
        let q = sql.select().column("id").column("name").from("divisions").where("level", .equal, DivisionLevel.community.rawValue)
        scope.restrictCommunities(q, id: SQLIdentifier("id"))
        return try await q.orderBy("code").all().map { (try $0.decode(column: "id", as: Int.self), try $0.decode(column: "name", as: String.self)) }
    }
}
