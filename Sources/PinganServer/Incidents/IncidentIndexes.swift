import Fluent
import SQLKit

/// A station's or a community's counts of a period's incidents filed and solved (the six-systems page, the reports):
/// the community-and-date index widened with the filing and solving dates answers them from the index alone. It
/// replaces `idx_incidents_community_time`, whose two columns lead it, so the lists keep their plan. District demo,
/// one street's 36 communities, a year (68,000 incidents, SQLite 3.40): "filed" 2.7 s → 0.03 s (bench/GOVERNANCE.md).
struct WidenIncidentCommunityTimeIndex: AsyncMigration {
    func prepare(on db: any Database) async throws {
        let sql = db as! any SQLDatabase
        try await sql.create(index: "idx_incidents_community_dates").on("incidents")
            .column("community_id").column("occurred_at").column("filed_at").column("solved_at").run()
        try await sql.drop(index: "idx_incidents_community_time").run()
    }
    func revert(on db: any Database) async throws {
        let sql = db as! any SQLDatabase
        try await sql.create(index: "idx_incidents_community_time").on("incidents").column("community_id").column("occurred_at").run()
        try await sql.drop(index: "idx_incidents_community_dates").run()
    }
}

/// The year-end summary scores a year month by month; two of each month's reads left their index for the table on every
/// row: clearance (solved among the cases filed in the window: `solved_at` was not in the filing index) and the hot
/// grids of patrol dosage (`grid_id` was not in the occurrence index). Each index gains the column at its end, keeping
/// its name and its leading columns (the plans of every other query stay). Demo (20,000 incidents, SQLite 3.40), an
/// 11-month window: 10 → 2.5 ms and 9.5 → 2.5 ms (bench/EXPORTS.md).
struct CoverClearanceAndHotGridReads: AsyncMigration {
    func prepare(on db: any Database) async throws {
        let sql = db as! any SQLDatabase
        try await sql.drop(index: "idx_incidents_prev_filed_at").run()
        try await sql.create(index: "idx_incidents_prev_filed_at").on("incidents")
            .column("preventable").column("filed_at").column("community_id").column("subcategory").column("solved_at").run()
        try await sql.drop(index: "idx_incidents_analysis_time").run()
        try await sql.create(index: "idx_incidents_analysis_time").on("incidents")
            .column("preventable").column("occurred_at").column("community_id").column("subcategory").column("category").column("grid_id").run()
    }
    func revert(on db: any Database) async throws {
        let sql = db as! any SQLDatabase
        try await sql.drop(index: "idx_incidents_prev_filed_at").run()
        try await sql.create(index: "idx_incidents_prev_filed_at").on("incidents").column("preventable").column("filed_at").column("community_id").column("subcategory").run()
        try await sql.drop(index: "idx_incidents_analysis_time").run()
        try await sql.create(index: "idx_incidents_analysis_time").on("incidents")
            .column("preventable").column("occurred_at").column("community_id").column("subcategory").column("category").run()
    }
}
