import Fluent
import SQLKit

/// The six-systems page counts a period's dispatched grid events, those handled by their deadline and those due: an
/// index on the dispatch time carrying the status, the clocks and the scope columns answers each count from the index
/// alone. District demo (365,000 events, a year's range, SQLite 3.40): 0.25–0.5 s per count → ~0.045 s
/// (bench/GOVERNANCE.md).
struct CreateGridEventDispatchIndex: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await (db as! any SQLDatabase).create(index: "idx_grid_events_dispatched").on("grid_events")
            .column("dispatched_at").column("status").column("deadline").column("handled_at").column("community_id").column("grid_id").run()
    }
    func revert(on db: any Database) async throws {
        try await (db as! any SQLDatabase).drop(index: "idx_grid_events_dispatched").run()
    }
}
