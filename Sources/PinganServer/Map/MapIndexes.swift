import Fluent
import SQLKit

/// The incident layer reads a period's points in view, and the six-systems page counts a period's incidents filed and
/// solved: a covering index on the date with the coordinates, the columns the scope and the map's filters use, and the
/// filing and solving dates makes each a range scan of the index alone. Measured on the district demo (1M incidents,
/// SQLite 3.40): the district-wide clustering query for a month (82,689 points) 380–480 ms with the date index and
/// table lookups, ~110 ms with this one; a year's "filed" and "solved" counts 5.9 s and 4.0 s → 0.2 s each
/// (bench/MAP.md, bench/GOVERNANCE.md).
struct CreateIncidentMapIndex: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await (db as! any SQLDatabase).create(index: "idx_incidents_map").on("incidents")
            .column("occurred_at").column("longitude").column("latitude").column("community_id").column("grid_id")
            .column("category").column("preventable").column("status").column("filed_at").column("solved_at").run()
    }
    func revert(on db: any Database) async throws {
        try await (db as! any SQLDatabase).drop(index: "idx_incidents_map").run()
    }
}

/// The incident layer's reads led by community: the communities whose outline meets the view, then the period — a few
/// hundred index entries per community instead of the district's whole month (83,000 at district scale). Covers the
/// coordinates and the map's usual filters so no row is read. `IF NOT EXISTS`: a bench database may have it already.
struct CreateIncidentCommunityMapIndex: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await (db as! any SQLDatabase).raw("""
            CREATE INDEX IF NOT EXISTS idx_incidents_map_community ON incidents
              (community_id, occurred_at, longitude, latitude, grid_id, category, preventable, status)
            """).run()
    }
    func revert(on db: any Database) async throws {
        try await (db as! any SQLDatabase).drop(index: "idx_incidents_map_community").run()
    }
}
