import Fluent
import SQLKit
import Foundation
import PinganKit

/// The district's staffing rules (警力配置标准), stored as the JSON of PinganKit's `StaffingRules`,
/// one row per district division. No row = the seed-001 defaults.
final class StaffingRulesRecord: Model, @unchecked Sendable {
    static let schema = "staffing_rules"
    @ID(custom: "id", generatedBy: .database) var id: Int?
    @Field(key: "district_id") var districtID: Int
    @Field(key: "rules") var rules: String
    @Field(key: "updated_by_id") var updatedByID: Int
    @Timestamp(key: "updated_at", on: .update) var updatedAt: Date?
    init() {}
}

/// What the staffing planner needs about a community officer beyond the user account:
/// the concurrent community post (兼任社区党组织副书记/居委会主任助理, seed 000), empty when none.
final class OfficerProfile: Model, @unchecked Sendable {
    static let schema = "officer_profiles"
    @ID(custom: "id", generatedBy: .database) var id: Int?
    @Field(key: "user_id") var userID: Int
    @Field(key: "concurrent_post") var concurrentPost: String
    @Timestamp(key: "updated_at", on: .update) var updatedAt: Date?
    init() {}
}

/// One line of an officer's work log (工作纪实, seed 001). `homeCommunityID` is the officer's own
/// community when the entry was written: the list is scoped by it, so a station chief sees the logs
/// of the station's officers and an officer their own community's.
final class WorkLog: Model, @unchecked Sendable {
    static let schema = "work_logs"
    @ID(custom: "id", generatedBy: .database) var id: Int?
    @Field(key: "officer_id") var officerID: Int
    @Field(key: "home_community_id") var homeCommunityID: Int
    /// Local day "2026-03-05".
    @Field(key: "day") var day: String
    /// Where the work was done; nil = at the station or elsewhere (never counts as presence).
    @OptionalField(key: "community_id") var communityID: Int?
    @Field(key: "kind") var kind: WorkKind
    @Field(key: "note") var note: String
    @Field(key: "created_by_id") var createdByID: Int
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    init() {}
}

/// An inspection (治安检查) of a registry site; with a finding severity it carries a rectification
/// notice (整改通知书) whose deadline is fixed when issued (PinganKit `RectificationNotice`).
final class Inspection: Model, @unchecked Sendable {
    static let schema = "inspections"
    @ID(custom: "id", generatedBy: .database) var id: Int?
    @Field(key: "site_id") var siteID: Int
    /// Copied from the site so lists scope on one indexed column.
    @Field(key: "community_id") var communityID: Int
    @OptionalField(key: "grid_id") var gridID: Int?
    @Field(key: "inspected_on") var inspectedOn: String
    @Field(key: "inspector_id") var inspectorID: Int
    @Field(key: "findings") var findings: String
    /// nil: no hazard found, no notice.
    @OptionalField(key: "severity") var severity: FindingSeverity?
    @OptionalField(key: "days_allowed") var daysAllowed: Int?
    @OptionalField(key: "deadline") var deadline: String?
    @OptionalField(key: "rectified_on") var rectifiedOn: String?
    @Field(key: "rectification_note") var rectificationNote: String
    /// The grid event its hazard was taken up as (转为网格事件), for the responsible department to act on.
    @OptionalField(key: "event_id") var eventID: Int?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Timestamp(key: "updated_at", on: .update) var updatedAt: Date?
    init() {}

    var hasNotice: Bool { severity != nil }

    func notice(targetKind: InspectionTargetKind = .venue, targetName: String = "") -> RectificationNotice? {
        guard let severity, let issued = LocalDay(inspectedOn) else { return nil }
        return RectificationNotice(id: "\(id ?? 0)", targetKind: targetKind, targetName: targetName, severity: severity,
                                   issuedOn: issued, daysAllowed: daysAllowed, rectifiedOn: rectifiedOn.flatMap(LocalDay.init))
    }
}

struct CreateForces: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema("staffing_rules")
            .field("id", .int, .identifier(auto: true))
            .field("district_id", .int, .required, .references("divisions", "id"))
            .field("rules", .string, .required)
            .field("updated_by_id", .int, .required, .references("users", "id"))
            .field("updated_at", .datetime)
            .unique(on: "district_id")
            .create()
        try await db.schema("officer_profiles")
            .field("id", .int, .identifier(auto: true))
            .field("user_id", .int, .required, .references("users", "id", onDelete: .cascade))
            .field("concurrent_post", .string, .required)
            .field("updated_at", .datetime)
            .unique(on: "user_id")
            .create()
        try await db.schema("work_logs")
            .field("id", .int, .identifier(auto: true))
            .field("officer_id", .int, .required, .references("users", "id"))
            .field("home_community_id", .int, .required, .references("divisions", "id"))
            .field("day", .string, .required)
            .field("community_id", .int, .references("divisions", "id"))
            .field("kind", .string, .required)
            .field("note", .string, .required)
            .field("created_by_id", .int, .required, .references("users", "id"))
            .field("created_at", .datetime)
            .create()
        try await db.schema("inspections")
            .field("id", .int, .identifier(auto: true))
            .field("site_id", .int, .required, .references("sites", "id", onDelete: .cascade))
            .field("community_id", .int, .required, .references("divisions", "id"))
            .field("grid_id", .int, .references("divisions", "id"))
            .field("inspected_on", .string, .required)
            .field("inspector_id", .int, .required, .references("users", "id"))
            .field("findings", .string, .required)
            .field("severity", .string)
            .field("days_allowed", .int)
            .field("deadline", .string)
            .field("rectified_on", .string)
            .field("rectification_note", .string, .required)
            .field("created_at", .datetime)
            .field("updated_at", .datetime)
            .create()
        let sql = db as! any SQLDatabase
        try await sql.create(index: "idx_work_logs_scope").on("work_logs").column("home_community_id").column("day").run()
        try await sql.create(index: "idx_work_logs_officer").on("work_logs").column("officer_id").column("day").run()
        try await sql.create(index: "idx_inspections_scope").on("inspections").column("community_id").column("deadline").run()
        try await sql.create(index: "idx_inspections_site").on("inspections").column("site_id").column("inspected_on").run()
    }
    func revert(on db: any Database) async throws {
        for t in ["inspections", "work_logs", "officer_profiles", "staffing_rules"] { try await db.schema(t).delete() }
    }
}

// The work log is exported whole (see `ListedFields`).
extension WorkLog: ListedFields {
    var properties: [any AnyProperty] { [$id, $officerID, $homeCommunityID, $day, $communityID, $kind, $note, $createdByID, $createdAt] }
}
