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
