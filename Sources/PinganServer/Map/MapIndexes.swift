import Fluent
import SQLKit

/// The incident layer reads a period's points in view: a covering index on the date with the coordinates and the
/// columns the scope and the map's filters use makes that a range scan of the index alone. Measured on the district
/// demo (1M incidents, a month = 82,689 points, SQLite): the district-wide clustering query 380–480 ms with the date
/// index and table lookups, ~100 ms with this one; a community's view drops from a month's table lookups to the
/// few hundred index entries in its box (bench/MAP.md).
struct CreateIncidentMapIndex: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await (db as! any SQLDatabase).create(index: "idx_incidents_map").on("incidents")
            .column("occurred_at").column("longitude").column("latitude").column("community_id").column("grid_id")
            .column("category").column("preventable").column("status").run()
    }
    func revert(on db: any Database) async throws {
        try await (db as! any SQLDatabase).drop(index: "idx_incidents_map").run()
    }
}
