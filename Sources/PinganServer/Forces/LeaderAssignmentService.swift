import Fluent
import SQLKit
import Vapor
import PinganKit

/// A station leader assigned to a community (派出所领导挂点社区, seed 000). One row per leader and community;
/// the leader is named (leaders need not have an account), the station is the community's.
final class LeaderAssignmentRecord: Model, @unchecked Sendable {
    static let schema = "leader_assignments"
    @ID(custom: "id", generatedBy: .database) var id: Int?
    @Field(key: "leader_name") var leaderName: String
    @Field(key: "role") var role: LeaderRole
    @Field(key: "community_id") var communityID: Int
    @Field(key: "created_by_id") var createdByID: Int
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    init() {}
}

struct CreateLeaderAssignments: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema("leader_assignments")
            .field("id", .int, .identifier(auto: true))
            .field("leader_name", .string, .required)
            .field("role", .string, .required)
            .field("community_id", .int, .required, .references("divisions", "id"))
            .field("created_by_id", .int, .required, .references("users", "id"))
            .field("created_at", .datetime)
            .unique(on: "leader_name", "community_id")
            .create()
    }
    func revert(on db: any Database) async throws { try await db.schema("leader_assignments").delete() }
}

struct LeaderInput: Content {
    var leaderName: String?
    var role: String?
    var communityID: String?
    init() {}
    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: AnyKey.self)
        leaderName = c.loose(AnyKey("leaderName")); role = c.loose(AnyKey("role")); communityID = c.loose(AnyKey("communityID"))
    }
}

struct LeaderRow: Content {
    struct Community: Content { var assignmentID: Int; var communityID: Int; var name: String; var current: Int; var previous: Int; var change: String }
    var leaderName: String
    var stationName: String
    var role: LeaderRole
    var communities: [Community]
    var current: Int
    var previous: Int
    var change: String
}

struct LeaderReport: Content {
    var days: Int
    var currentFrom: String
    var previousFrom: String
    var leaders: [LeaderRow]
    var coverage: LeaderCoverage
}

enum LeaderAssignmentService {
    static func scoped(_ req: Request, _ id: Int?) async throws -> LeaderAssignmentRecord { try await req.findScoped(LeaderAssignmentRecord.self, id) }

    static func create(_ req: Request, _ input: LeaderInput) async throws -> LeaderAssignmentRecord {
        try req.require(.manageOfficers)
        let L = req.lang
        var e = FieldErrors()
        let name = (input.leaderName ?? "").trimmed
        if name.isEmpty { e["leaderName"] = L.t("请填写领导姓名", "Enter the leader's name") } else if name.count > 30 { e["leaderName"] = L.t("不能超过30字", "At most 30 characters") }
        var role: LeaderRole? = nil
        if let raw = input.role?.nilIfEmpty { role = LeaderRole(rawValue: raw); if role == nil { e["role"] = L.t("职务无效", "Unknown role") } }
        else { e["role"] = L.t("请选择正职或副职", "Choose principal or deputy") }
        var community: Int? = nil
        if let raw = input.communityID?.nilIfEmpty, let id = Int(raw), let d = try await Division.find(id, on: req.db), d.level == .community,
           try await req.scope().allowsWholeCommunity(id) { community = id }
        else { e["communityID"] = L.t("辖区内没有该社区", "No such community in your jurisdiction") }
        if let community, !name.isEmpty, e["leaderName"] == nil,
           // unscoped: uniqueness of (leader, community) across the district
           try await LeaderAssignmentRecord.query(on: req.db).filter(\.$leaderName == name).filter(\.$communityID == community).count() > 0 {
            e["communityID"] = L.t("该领导已挂点此社区", "This leader is already assigned to this community")
        }
        guard e.isEmpty, let role, let community else { throw e }
        let a = LeaderAssignmentRecord()
        a.leaderName = name; a.role = role; a.communityID = community; a.createdByID = try req.user.requireID()
        try await req.db.transaction { db in
            try await a.create(on: db)
            await req.audit("leader.assign", entity: "leader_assignment", id: a.id.map(String.init), detail: "\(name) \(role.rawValue) community=\(community)", on: db)
        }
        return a
    }

    static func remove(_ req: Request, _ a: LeaderAssignmentRecord) async throws {
        try req.require(.manageOfficers)
        try await req.db.transaction { db in
            try await a.delete(on: db)
            await req.audit("leader.unassign", entity: "leader_assignment", id: "\(a.id!)", detail: "\(a.leaderName) community=\(a.communityID)", on: db)
        }
    }

    static func days(_ req: Request, errors e: inout FieldErrors) -> Int {
        guard let raw = req.query[String.self, at: "days"]?.nilIfEmpty else { return 90 }
        if let n = Int(raw), (7...366).contains(n) { return n }
        e["days"] = req.t("统计天数应为 7–366", "Days must be 7–366")
        return 90
    }

    /// Each leader's communities with incidents in the last `days` days against the `days` before
    /// (LeaderAssignments.riseFall: largest rise first), and the coverage counts.
    static func report(_ req: Request, days: Int) async throws -> LeaderReport {
        let scope = try await req.scope()
        let q = scope.restrict(LeaderAssignmentRecord.query(on: req.db))
        let rows = try await q.sort(\.$leaderName).sort(\.$id).all()
        let communityIDs = Array(Set(rows.map(\.communityID)))
        let communities = communityIDs.isEmpty ? [] : try await Division.query(on: req.db).filter(\.$id ~~ communityIDs).all()
        let byID = Dictionary(uniqueKeysWithValues: communities.map { ($0.id!, $0) })
        let stations = Dictionary(uniqueKeysWithValues: try await Station.query(on: req.db).all().map { ($0.id!, $0.name) })
        let now = Date()
        let currentFrom = now.addingTimeInterval(-Double(days) * 86_400), previousFrom = now.addingTimeInterval(-Double(2 * days) * 86_400)
        var current: [String: Int] = [:], previous: [String: Int] = [:]
        if !communityIDs.isEmpty {
            let sql = req.db as! any SQLDatabase
            for (from, to, into) in [(currentFrom, now, 0), (previousFrom, currentFrom, 1)] {
                // unscoped: communities of assignments already loaded in scope
                let counts = try await sql.select().column("community_id").column(SQLFunction("COUNT", args: SQLLiteral.all), as: "n").from("incidents")
                    .where("community_id", .in, communityIDs).where("occurred_at", .greaterThanOrEqual, from).where("occurred_at", .lessThan, to)
                    .groupBy("community_id").all()
                for r in counts {
                    let key = String(try r.decode(column: "community_id", as: Int.self)), n = try r.decode(column: "n", as: Int.self)
                    if into == 0 { current[key] = n } else { previous[key] = n }
                }
            }
        }
        // One PinganKit assignment per leader name and station (a leader serves one station).
        var grouped: [String: LeaderAssignment] = [:]
        var order: [String] = []
        var assignmentIDs: [String: Int] = [:]
        for r in rows {
            let station = byID[r.communityID]?.stationID.flatMap { stations[$0] } ?? req.t("未指定派出所", "No station")
            let key = r.leaderName + "\u{1F}" + station
            if grouped[key] == nil { grouped[key] = LeaderAssignment(leaderID: r.leaderName, stationCode: station, role: r.role, communityCodes: []); order.append(key) }
            grouped[key]!.communityCodes.append(String(r.communityID))
            assignmentIDs[key + "\u{1F}" + String(r.communityID)] = r.id!
        }
        let assignments = order.map { grouped[$0]! }
        let leaders = LeaderAssignments.riseFall(assignments, current: current, previous: previous).map { l in
            LeaderRow(leaderName: l.leaderID, stationName: l.stationCode, role: l.role,
                      communities: l.communities.map { c in
                          .init(assignmentID: assignmentIDs[l.leaderID + "\u{1F}" + l.stationCode + "\u{1F}" + c.code] ?? 0, communityID: Int(c.code) ?? 0,
                                name: byID[Int(c.code) ?? 0]?.name ?? c.code, current: c.current, previous: c.previous, change: c.change)
                      },
                      current: l.current, previous: l.previous, change: l.change)
        }
        let cal = LocalCalendar(timeZoneIdentifier: req.config.timeZone)
        return LeaderReport(days: days, currentFrom: cal.formatDate(currentFrom), previousFrom: cal.formatDate(previousFrom),
                            leaders: leaders, coverage: LeaderAssignments.coverage(assignments))
    }
}
