import Fluent
import SQLKit
import Foundation
import PinganKit

/// A team (联防队 / 巡防队 / 群防群治队伍) based in one community; every list scopes on `community_id`.
final class Team: Model, @unchecked Sendable {
    static let schema = "teams"
    @ID(custom: "id", generatedBy: .database) var id: Int?
    @Field(key: "name") var name: String
    @Field(key: "kind") var kind: TeamKind
    @Field(key: "community_id") var communityID: Int
    @Field(key: "leader_name") var leaderName: String
    @Field(key: "note") var note: String
    @Field(key: "created_by_id") var createdByID: Int
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    init() {}
}

/// A member of a team (队员), or another person of the forces (辅警, 信息员, 志愿者 …) listed with a team.
/// `personID` ties them to the registry (实有人口) when they are residents.
final class TeamMember: Model, @unchecked Sendable {
    static let schema = "team_members"
    @ID(custom: "id", generatedBy: .database) var id: Int?
    @Field(key: "team_id") var teamID: Int
    /// Copied from the team so lists scope on one indexed column.
    @Field(key: "community_id") var communityID: Int
    @Field(key: "name") var name: String
    @Field(key: "kind") var kind: PersonnelKind
    @OptionalField(key: "person_id") var personID: Int?
    @Field(key: "status") var status: RecruitmentStatus
    @OptionalField(key: "joined_on") var joinedOn: String?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    /// The member's own mobile number, sealed like the registry's; pushes reach members without accounts by SMS.
    @OptionalField(key: "phone_sealed") var phoneSealed: String?
    @OptionalField(key: "phone_masked") var phoneMasked: String?
    init() {}
}

/// A centralised training session (集中轮训) organised in a community, with attendance.
final class TrainingSessionRecord: Model, @unchecked Sendable {
    static let schema = "training_sessions"
    @ID(custom: "id", generatedBy: .database) var id: Int?
    @Field(key: "community_id") var communityID: Int
    @Field(key: "held_on") var heldOn: String
    @Field(key: "topic") var topic: String
    @Field(key: "hours") var hours: Double
    @Field(key: "created_by_id") var createdByID: Int
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    init() {}
}

final class TrainingAttendanceRecord: Model, @unchecked Sendable {
    static let schema = "training_attendance"
    @ID(custom: "id", generatedBy: .database) var id: Int?
    @Field(key: "session_id") var sessionID: Int
    @Field(key: "member_id") var memberID: Int
    init() {}
}

/// A planned patrol (巡逻计划): team, day, time window, grids, mode; its members form the shift roster (排班).
final class PatrolPlanRecord: Model, @unchecked Sendable {
    static let schema = "patrol_plans"
    @ID(custom: "id", generatedBy: .database) var id: Int?
    @Field(key: "team_id") var teamID: Int
    @Field(key: "community_id") var communityID: Int
    @Field(key: "day") var day: String
    @Field(key: "start_minute") var startMinute: Int
    /// May pass 1,440 for a patrol ending the next day.
    @Field(key: "end_minute") var endMinute: Int
    @Field(key: "mode") var mode: PatrolMode
    /// Grid division ids, comma separated ("12,13").
    @Field(key: "grid_ids") var gridIDs: String
    @Field(key: "note") var note: String
    @Field(key: "created_by_id") var createdByID: Int
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    /// 取消: a plan called off (weather, an emergency) with the reason; it no longer counts as planned.
    @OptionalField(key: "cancelled_at") var cancelledAt: Date?
    @OptionalField(key: "cancel_reason") var cancelReason: String?
    @OptionalField(key: "cancelled_by_id") var cancelledByID: Int?
    init() {}

    var grids: [Int] { PatrolModels.ids(gridIDs) }
    var kit: PlannedPatrol {
        PlannedPatrol(id: "\(id ?? 0)", teamID: "\(teamID)", date: LocalDay(day) ?? LocalDay(dayNumber: 0), startMinute: startMinute,
                      endMinute: endMinute, grids: grids.map(String.init), mode: mode)
    }
}

/// Who is on a planned patrol (排班).
final class PatrolPlanMember: Model, @unchecked Sendable {
    static let schema = "patrol_plan_members"
    @ID(custom: "id", generatedBy: .database) var id: Int?
    @Field(key: "plan_id") var planID: Int
    @Field(key: "member_id") var memberID: Int
    init() {}
}

/// A patrol carried out (巡逻记录), with check-ins and findings in their own tables.
final class PatrolLogRecord: Model, @unchecked Sendable {
    static let schema = "patrol_logs"
    @ID(custom: "id", generatedBy: .database) var id: Int?
    @Field(key: "team_id") var teamID: Int
    @Field(key: "community_id") var communityID: Int
    @OptionalField(key: "plan_id") var planID: Int?
    @Field(key: "day") var day: String
    @Field(key: "start_minute") var startMinute: Int
    @Field(key: "end_minute") var endMinute: Int
    @Field(key: "mode") var mode: PatrolMode
    /// Grids declared patrolled; check-in grids are added to it.
    @Field(key: "grid_ids") var gridIDs: String
    @Field(key: "summary") var summary: String
    @Field(key: "created_by_id") var createdByID: Int
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    init() {}

    var grids: [Int] { PatrolModels.ids(gridIDs) }
    var minutes: Int { max(0, endMinute - startMinute) }
}

/// A check-in (打卡) at a place during a patrol.
final class PatrolCheckIn: Model, @unchecked Sendable {
    static let schema = "patrol_checkins"
    @ID(custom: "id", generatedBy: .database) var id: Int?
    @Field(key: "log_id") var logID: Int
    @OptionalField(key: "grid_id") var gridID: Int?
    @Field(key: "minute") var minute: Int
    @Field(key: "place") var place: String
    init() {}
}

/// A finding (发现问题) on a patrol; `incidentID` links the incident opened from it.
final class PatrolFinding: Model, @unchecked Sendable {
    static let schema = "patrol_findings"
    @ID(custom: "id", generatedBy: .database) var id: Int?
    @Field(key: "log_id") var logID: Int
    @OptionalField(key: "grid_id") var gridID: Int?
    @Field(key: "description") var details: String
    @OptionalField(key: "incident_id") var incidentID: Int?
    /// The grid event it was taken up as (转为网格事件).
    @OptionalField(key: "event_id") var eventID: Int?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    init() {}
}

/// A weekly duty slot: shop duty (商铺值守) or school-run duty (护学岗), at a registry site when known.
final class DutySlotRecord: Model, @unchecked Sendable {
    static let schema = "duty_slots"
    @ID(custom: "id", generatedBy: .database) var id: Int?
    @Field(key: "kind") var kind: DutyKind
    @Field(key: "community_id") var communityID: Int
    @OptionalField(key: "site_id") var siteID: Int?
    @Field(key: "post") var post: String
    @Field(key: "weekdays") var weekdays: String
    @Field(key: "start_minute") var startMinute: Int
    @Field(key: "end_minute") var endMinute: Int
    @OptionalField(key: "member_id") var memberID: Int?
    @Field(key: "on_duty") var onDuty: String
    @OptionalField(key: "valid_from") var validFrom: String?
    @OptionalField(key: "valid_until") var validUntil: String?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    init() {}

    var kit: DutySlot {
        DutySlot(id: "\(id ?? 0)", kind: kind, weekdays: DutyRoster.weekdays(weekdays) ?? [],
                 window: TimeWindow(start: ClockTime(minutes: startMinute) ?? ClockTime(minutes: 0)!, end: ClockTime(minutes: endMinute % 1440) ?? ClockTime(minutes: 0)!),
                 from: validFrom.flatMap(LocalDay.init), until: validUntil.flatMap(LocalDay.init))
    }
}

enum PatrolModels {
    static func ids(_ s: String) -> [Int] { s.split(separator: ",").compactMap { Int($0) } }
    static func text(_ ids: [Int]) -> String { Array(Set(ids)).sorted().map(String.init).joined(separator: ",") }
}

/// Teams, members, training, patrol plans and logs, duty rosters (issue 4).
struct CreatePatrols: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema("teams")
            .field("id", .int, .identifier(auto: true))
            .field("name", .string, .required)
            .field("kind", .string, .required)
            .field("community_id", .int, .required, .references("divisions", "id"))
            .field("leader_name", .string, .required)
            .field("note", .string, .required)
            .field("created_by_id", .int, .required, .references("users", "id"))
            .field("created_at", .datetime)
            .create()
        try await db.schema("team_members")
            .field("id", .int, .identifier(auto: true))
            .field("team_id", .int, .required, .references("teams", "id", onDelete: .cascade))
            .field("community_id", .int, .required, .references("divisions", "id"))
            .field("name", .string, .required)
            .field("kind", .string, .required)
            .field("person_id", .int, .references("people", "id", onDelete: .setNull))
            .field("status", .string, .required)
            .field("joined_on", .string)
            .field("created_at", .datetime)
            .create()
        try await db.schema("training_sessions")
            .field("id", .int, .identifier(auto: true))
            .field("community_id", .int, .required, .references("divisions", "id"))
            .field("held_on", .string, .required)
            .field("topic", .string, .required)
            .field("hours", .double, .required)
            .field("created_by_id", .int, .required, .references("users", "id"))
            .field("created_at", .datetime)
            .create()
        try await db.schema("training_attendance")
            .field("id", .int, .identifier(auto: true))
            .field("session_id", .int, .required, .references("training_sessions", "id", onDelete: .cascade))
            .field("member_id", .int, .required, .references("team_members", "id", onDelete: .cascade))
            .unique(on: "session_id", "member_id")
            .create()
        try await db.schema("patrol_plans")
            .field("id", .int, .identifier(auto: true))
            .field("team_id", .int, .required, .references("teams", "id", onDelete: .cascade))
            .field("community_id", .int, .required, .references("divisions", "id"))
            .field("day", .string, .required)
            .field("start_minute", .int, .required)
            .field("end_minute", .int, .required)
            .field("mode", .string, .required)
            .field("grid_ids", .string, .required)
            .field("note", .string, .required)
            .field("created_by_id", .int, .required, .references("users", "id"))
            .field("created_at", .datetime)
            .create()
        try await db.schema("patrol_plan_members")
            .field("id", .int, .identifier(auto: true))
            .field("plan_id", .int, .required, .references("patrol_plans", "id", onDelete: .cascade))
            .field("member_id", .int, .required, .references("team_members", "id", onDelete: .cascade))
            .unique(on: "plan_id", "member_id")
            .create()
        try await db.schema("patrol_logs")
            .field("id", .int, .identifier(auto: true))
            .field("team_id", .int, .required, .references("teams", "id", onDelete: .cascade))
            .field("community_id", .int, .required, .references("divisions", "id"))
            .field("plan_id", .int, .references("patrol_plans", "id", onDelete: .setNull))
            .field("day", .string, .required)
            .field("start_minute", .int, .required)
            .field("end_minute", .int, .required)
            .field("mode", .string, .required)
            .field("grid_ids", .string, .required)
            .field("summary", .string, .required)
            .field("created_by_id", .int, .required, .references("users", "id"))
            .field("created_at", .datetime)
            .create()
        try await db.schema("patrol_checkins")
            .field("id", .int, .identifier(auto: true))
            .field("log_id", .int, .required, .references("patrol_logs", "id", onDelete: .cascade))
            .field("grid_id", .int, .references("divisions", "id"))
            .field("minute", .int, .required)
            .field("place", .string, .required)
            .create()
        try await db.schema("patrol_findings")
            .field("id", .int, .identifier(auto: true))
            .field("log_id", .int, .required, .references("patrol_logs", "id", onDelete: .cascade))
            .field("grid_id", .int, .references("divisions", "id"))
            .field("description", .string, .required)
            .field("incident_id", .int, .references("incidents", "id", onDelete: .setNull))
            .field("created_at", .datetime)
            .create()
        try await db.schema("duty_slots")
            .field("id", .int, .identifier(auto: true))
            .field("kind", .string, .required)
            .field("community_id", .int, .required, .references("divisions", "id"))
            .field("site_id", .int, .references("sites", "id", onDelete: .setNull))
            .field("post", .string, .required)
            .field("weekdays", .string, .required)
            .field("start_minute", .int, .required)
            .field("end_minute", .int, .required)
            .field("member_id", .int, .references("team_members", "id", onDelete: .setNull))
            .field("on_duty", .string, .required)
            .field("valid_from", .string)
            .field("valid_until", .string)
            .field("created_at", .datetime)
            .create()
        let sql = db as! any SQLDatabase
        try await sql.create(index: "idx_teams_scope").on("teams").column("community_id").run()
        try await sql.create(index: "idx_team_members_team").on("team_members").column("team_id").run()
        try await sql.create(index: "idx_team_members_scope").on("team_members").column("community_id").run()
        try await sql.create(index: "idx_patrol_plans_scope").on("patrol_plans").column("community_id").column("day").run()
        try await sql.create(index: "idx_patrol_logs_scope").on("patrol_logs").column("community_id").column("day").run()
        try await sql.create(index: "idx_patrol_checkins_log").on("patrol_checkins").column("log_id").run()
        try await sql.create(index: "idx_patrol_findings_log").on("patrol_findings").column("log_id").run()
        try await sql.create(index: "idx_duty_slots_scope").on("duty_slots").column("community_id").run()
        try await sql.create(index: "idx_training_sessions_scope").on("training_sessions").column("community_id").column("held_on").run()
    }
    func revert(on db: any Database) async throws {
        for t in ["duty_slots", "patrol_findings", "patrol_checkins", "patrol_logs", "patrol_plan_members", "patrol_plans",
                  "training_attendance", "training_sessions", "team_members", "teams"] { try await db.schema(t).delete() }
    }
}

/// Patrol plans can be cancelled with a reason (a cancelled plan is not "planned" in any completion rate).
struct AddPatrolPlanCancellation: AsyncMigration {
    func prepare(on db: any Database) async throws {
        // One column per ALTER: SQLite adds a single column at a time.
        try await db.schema("patrol_plans").field("cancelled_at", .datetime).update()
        try await db.schema("patrol_plans").field("cancel_reason", .string).update()
        try await db.schema("patrol_plans").field("cancelled_by_id", .int).update()
    }
    func revert(on db: any Database) async throws {
        for f in ["cancelled_at", "cancel_reason", "cancelled_by_id"] { try await db.schema("patrol_plans").deleteField(FieldKey(stringLiteral: f)).update() }
    }
}

// Read in bulk by the patrol lists, exports and the weekly review (see `ListedFields`).
extension Team: ListedFields {
    var properties: [any AnyProperty] { [$id, $name, $kind, $communityID, $leaderName, $note, $createdByID, $createdAt] }
}
extension TeamMember: ListedFields {
    var properties: [any AnyProperty] { [$id, $teamID, $communityID, $name, $kind, $personID, $status, $joinedOn, $createdAt, $phoneSealed, $phoneMasked] }
}
extension PatrolPlanRecord: ListedFields {
    var properties: [any AnyProperty] {
        [$id, $teamID, $communityID, $day, $startMinute, $endMinute, $mode, $gridIDs, $note, $createdByID, $createdAt, $cancelledAt, $cancelReason, $cancelledByID]
    }
}
extension PatrolPlanMember: ListedFields {
    var properties: [any AnyProperty] { [$id, $planID, $memberID] }
}
extension PatrolLogRecord: ListedFields {
    var properties: [any AnyProperty] { [$id, $teamID, $communityID, $planID, $day, $startMinute, $endMinute, $mode, $gridIDs, $summary, $createdByID, $createdAt] }
}

/// A member's mobile number (sealed and masked), for pushes by SMS to forces without accounts.
struct AddTeamMemberPhone: AsyncMigration {
    func prepare(on db: any Database) async throws {
        // One column per statement: SQLite's ALTER TABLE adds one at a time.
        try await db.schema("team_members").field("phone_sealed", .string).update()
        try await db.schema("team_members").field("phone_masked", .string).update()
    }
    func revert(on db: any Database) async throws {
        try await db.schema("team_members").deleteField("phone_masked").update()
        try await db.schema("team_members").deleteField("phone_sealed").update()
    }
}
