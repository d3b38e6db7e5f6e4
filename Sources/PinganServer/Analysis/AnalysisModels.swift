import Fluent
import SQLKit
import Foundation
import PinganKit

/// Where an alert stands: 待处置 → 已签收 → 已办结.
enum AlertStatus: String, Codable, CaseIterable, Sendable {
    case open
    case acknowledged
    case closed

    var zh: String { switch self { case .open: "待处置"; case .acknowledged: "已签收"; case .closed: "已办结" } }
    var en: String { switch self { case .open: "Open"; case .acknowledged: "Acknowledged"; case .closed: "Closed" } }
}

/// 预警通报: one alert raised by `EarlyWarning` for a community or station and a week or month.
/// The natural key (unit, period, label, rule, comparison) is unique, so recomputing never duplicates.
final class WarningAlertRecord: Model, @unchecked Sendable {
    static let schema = "warning_alerts"
    @ID(custom: "id", generatedBy: .database) var id: Int?
    @Field(key: "unit_kind") var unitKind: WarningUnitKind
    /// Division id of the community, or station id.
    @Field(key: "unit_id") var unitID: Int
    @Field(key: "unit_name") var unitName: String
    /// For scoping: the community (community alerts) and the station (both kinds).
    @OptionalField(key: "community_id") var communityID: Int?
    @OptionalField(key: "station_id") var stationID: Int?
    @Field(key: "period") var period: WarningPeriod
    /// "2026-03" for months, the Monday "2026-03-02" for weeks.
    @Field(key: "period_label") var periodLabel: String
    @Field(key: "period_start") var periodStart: Date
    @Field(key: "rule") var rule: String
    /// "" for the Poisson test; samePeriodLastYear / previousPeriod for the rule.
    @Field(key: "comparison") var comparison: String
    @Field(key: "observed") var observed: Int
    @Field(key: "baseline") var baseline: Double
    @OptionalField(key: "z") var z: Double?
    @OptionalField(key: "change") var change: Double?
    @Field(key: "reason_zh") var reasonZh: String
    @Field(key: "reason_en") var reasonEn: String
    @Field(key: "status") var status: AlertStatus
    @OptionalField(key: "assignee_id") var assigneeID: Int?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Timestamp(key: "updated_at", on: .update) var updatedAt: Date?
    init() {}
}

/// One step of an alert's handling (created, acknowledged, assigned, closed), kept forever.
final class WarningAlertEvent: Model, @unchecked Sendable {
    static let schema = "warning_alert_events"
    @ID(custom: "id", generatedBy: .database) var id: Int?
    @Field(key: "alert_id") var alertID: Int
    @Field(key: "action") var action: String
    @OptionalField(key: "user_id") var userID: Int?
    @OptionalField(key: "assignee_id") var assigneeID: Int?
    @Field(key: "note") var note: String
    @Field(key: "at") var at: Date
    init() {}
    init(alertID: Int, action: String, userID: Int?, assigneeID: Int? = nil, note: String, at: Date = Date()) {
        self.alertID = alertID; self.action = action; self.userID = userID; self.assigneeID = assigneeID; self.note = note; self.at = at
    }
}

struct CreateAnalysis: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema("warning_alerts")
            .field("id", .int, .identifier(auto: true))
            .field("unit_kind", .string, .required)
            .field("unit_id", .int, .required)
            .field("unit_name", .string, .required)
            .field("community_id", .int, .references("divisions", "id"))
            .field("station_id", .int, .references("stations", "id"))
            .field("period", .string, .required)
            .field("period_label", .string, .required)
            .field("period_start", .datetime, .required)
            .field("rule", .string, .required)
            .field("comparison", .string, .required)
            .field("observed", .int, .required)
            .field("baseline", .double, .required)
            .field("z", .double)
            .field("change", .double)
            .field("reason_zh", .string, .required)
            .field("reason_en", .string, .required)
            .field("status", .string, .required)
            .field("assignee_id", .int, .references("users", "id"))
            .field("created_at", .datetime)
            .field("updated_at", .datetime)
            .unique(on: "unit_kind", "unit_id", "period", "period_label", "rule", "comparison")
            .create()
        try await db.schema("warning_alert_events")
            .field("id", .int, .identifier(auto: true))
            .field("alert_id", .int, .required, .references("warning_alerts", "id", onDelete: .cascade))
            .field("action", .string, .required)
            .field("user_id", .int, .references("users", "id"))
            .field("assignee_id", .int, .references("users", "id"))
            .field("note", .string, .required)
            .field("at", .datetime, .required)
            .create()
        let sql = db as! any SQLDatabase
        try await sql.create(index: "idx_warning_alerts_period").on("warning_alerts").column("period_start").run()
        try await sql.create(index: "idx_warning_alert_events_alert").on("warning_alert_events").column("alert_id").run()
        // The monthly table, the alerts and the report count incidents of a date range per community,
        // subcategory or category: covering indexes make each a range scan of the index alone (no
        // table lookups) — on the occurrence date (发案), and on the filing (立案) and solving (破案)
        // dates. `preventable` leads in all three: SQLite (without ANALYZE statistics) prefers an
        // index whose first column has an equality, so a range-first index would lose to another
        // index's `preventable = ?`; queries over all incidents say `preventable IN (false, true)`.
        try await sql.create(index: "idx_incidents_analysis_time").on("incidents")
            .column("preventable").column("occurred_at").column("community_id").column("subcategory").column("category").run()
        for column in ["filed_at", "solved_at"] {
            try await sql.create(index: "idx_incidents_prev_\(column)").on("incidents")
                .column("preventable").column(column).column("community_id").column("subcategory").run()
        }
    }

    func revert(on db: any Database) async throws {
        let sql = db as! any SQLDatabase
        try await sql.drop(index: "idx_incidents_analysis_time").run()
        for column in ["filed_at", "solved_at"] { try await sql.drop(index: "idx_incidents_prev_\(column)").run() }
        try await db.schema("warning_alert_events").delete()
        try await db.schema("warning_alerts").delete()
    }
}
