import Fluent
import SQLKit
import Vapor
import PinganKit

/// 应急处突队伍: a team the district or a street calls on when a plan is started. Seen and written like the plans (a
/// district team by every governance reader, a street's by those who work in it; written by who may organise joint work
/// for its area).
final class ResponseTeam: Model, @unchecked Sendable {
    static let schema = "response_teams"
    @ID(custom: "id", generatedBy: .database) var id: Int?
    @Field(key: "area_division_id") var areaDivisionID: Int
    @Field(key: "name") var name: String
    /// The kinds of emergency it answers (`EmergencyType` codes, comma-separated); none: a general team (综合).
    @Field(key: "types") var types: String
    /// 值班电话: the team's duty line (a work number, not a personal phone).
    @Field(key: "duty_phone") var dutyPhone: String
    /// 装备: what it brings (boats, pumps, first-aid kits …).
    @Field(key: "equipment") var equipment: String
    @Field(key: "note") var note: String
    @Field(key: "active") var active: Bool
    @Field(key: "created_by_id") var createdByID: Int
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Timestamp(key: "updated_at", on: .update) var updatedAt: Date?
    init() {}

    var typeList: [EmergencyType] {
        let codes = Set(types.split(separator: ",").map(String.init))
        return EmergencyType.allCases.filter { codes.contains($0.rawValue) }
    }
}

/// A member: a staff account (who then gets the in-app notice when a plan using the team starts) or a team member of the
/// forces register (joint-defence, grid workers, volunteers …, who mostly have no account). Exactly one of the two.
final class ResponseTeamMember: Model, @unchecked Sendable {
    static let schema = "response_team_members"
    @ID(custom: "id", generatedBy: .database) var id: Int?
    @Field(key: "team_id") var teamID: Int
    @OptionalField(key: "user_id") var userID: Int?
    @OptionalField(key: "team_member_id") var teamMemberID: Int?
    @Field(key: "role") var role: ResponseTeamRole
    /// `ResponseSkill` codes, comma-separated.
    @Field(key: "skills") var skills: String
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    init() {}

    var skillList: [ResponseSkill] { ResponseSkill.decode(skills) }
}

/// 值班: a member on call from one day to another (both included).
final class ResponseTeamShift: Model, @unchecked Sendable {
    static let schema = "response_team_shifts"
    @ID(custom: "id", generatedBy: .database) var id: Int?
    @Field(key: "team_id") var teamID: Int
    @Field(key: "member_id") var memberID: Int
    @Field(key: "starts_on") var startsOn: String
    @Field(key: "ends_on") var endsOn: String
    @Field(key: "created_by_id") var createdByID: Int
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    init() {}

    var shift: OnCallShift? {
        guard let from = LocalDay(startsOn), let to = LocalDay(endsOn) else { return nil }
        return OnCallShift(memberID: memberID, from: from, to: to)
    }
}

/// The teams a plan version calls on (应急预案的处置队伍).
final class EmergencyPlanTeam: Model, @unchecked Sendable {
    static let schema = "emergency_plan_teams"
    @ID(custom: "id", generatedBy: .database) var id: Int?
    @Field(key: "plan_id") var planID: Int
    @Field(key: "team_id") var teamID: Int
    init() {}
    init(planID: Int, teamID: Int) { self.planID = planID; self.teamID = teamID }
}

struct CreateResponseTeams: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema(ResponseTeam.schema)
            .field("id", .int, .identifier(auto: true))
            .field("area_division_id", .int, .required, .references("divisions", "id"))
            .field("name", .string, .required)
            .field("types", .string, .required)
            .field("duty_phone", .string, .required)
            .field("equipment", .string, .required)
            .field("note", .string, .required)
            .field("active", .bool, .required)
            .field("created_by_id", .int, .required, .references("users", "id"))
            .field("created_at", .datetime)
            .field("updated_at", .datetime)
            .unique(on: "area_division_id", "name")
            .create()
        try await db.schema(ResponseTeamMember.schema)
            .field("id", .int, .identifier(auto: true))
            .field("team_id", .int, .required, .references(ResponseTeam.schema, "id", onDelete: .cascade))
            .field("user_id", .int, .references("users", "id"))
            .field("team_member_id", .int, .references("team_members", "id"))
            .field("role", .string, .required)
            .field("skills", .string, .required)
            .field("created_at", .datetime)
            .unique(on: "team_id", "user_id")
            .unique(on: "team_id", "team_member_id")
            .create()
        try await db.schema(ResponseTeamShift.schema)
            .field("id", .int, .identifier(auto: true))
            .field("team_id", .int, .required, .references(ResponseTeam.schema, "id", onDelete: .cascade))
            .field("member_id", .int, .required, .references(ResponseTeamMember.schema, "id", onDelete: .cascade))
            .field("starts_on", .string, .required)
            .field("ends_on", .string, .required)
            .field("created_by_id", .int, .required, .references("users", "id"))
            .field("created_at", .datetime)
            .create()
        try await db.schema(EmergencyPlanTeam.schema)
            .field("id", .int, .identifier(auto: true))
            .field("plan_id", .int, .required, .references(EmergencyPlan.schema, "id", onDelete: .cascade))
            .field("team_id", .int, .required, .references(ResponseTeam.schema, "id"))
            .unique(on: "plan_id", "team_id")
            .create()
        let sql = db as! any SQLDatabase
        try await sql.create(index: "idx_response_team_shifts_team").on(ResponseTeamShift.schema).column("team_id").column("ends_on").run()
        try await sql.create(index: "idx_emergency_plan_teams_team").on(EmergencyPlanTeam.schema).column("team_id").run()
    }
    func revert(on db: any Database) async throws {
        try await db.schema(EmergencyPlanTeam.schema).delete()
        try await db.schema(ResponseTeamShift.schema).delete()
        try await db.schema(ResponseTeamMember.schema).delete()
        try await db.schema(ResponseTeam.schema).delete()
    }
}

struct ResponseTeamMemberDTO: Content {
    var id: Int
    /// `user` or `teamMember`: where the person comes from.
    var source: String
    var userID: Int?, teamMemberID: Int?
    var name: String
    /// The account's role or the team member's kind and community.
    var detail: String
    var role: ResponseTeamRole
    var skills: [ResponseSkill]
    var hasAccount: Bool
    var onCallToday: Bool
}

struct ResponseTeamShiftDTO: Content {
    var id: Int, memberID: Int, member: String, startsOn: String, endsOn: String
}

struct ResponseTeamDTO: Content {
    var id: Int
    var areaID: Int, area: String?
    var name: String
    var types: [EmergencyType]
    var dutyPhone: String, equipment: String, note: String
    var active: Bool
    var memberCount: Int
    var leader: String?
    var onCallToday: [String]
    /// Days of the next two weeks with nobody on call (值班空档).
    var uncoveredDays: [String]
    /// What its kinds of emergency need and no member has.
    var missingSkills: [ResponseSkill]
    var members: [ResponseTeamMemberDTO]?
    var shifts: [ResponseTeamShiftDTO]?
    /// The plans in force or drafted that call on it.
    var plans: [ResponseTeamPlanDTO]?
    var updatedAt: Date?
}

struct ResponseTeamPlanDTO: Content { var id: Int, name: String, version: Int, status: EmergencyPlanStatus }
