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

/// The monthly evaluation reads the events with one of five times in the month, and counts its six-month trend by the
/// reporting month and by the deadline's month (`GridEventEvaluationTrend`): an index on each time, the reporting and the
/// deadline ones carrying what those counts read and the scope columns. District demo (365,000 events, November,
/// SQLite 3.40): the month's rows 0.45 s (a scan) → 0.10 s; the trend's two reads 0.41 + 0.48 s → 0.13 + 0.10 s.
struct CreateGridEventEvaluationIndexes: AsyncMigration {
    func prepare(on db: any Database) async throws {
        let sql = db as! any SQLDatabase
        try await sql.create(index: "idx_grid_events_reported").on("grid_events")
            .column("reported_at").column("case_number").column("closed_at").column("community_id").column("grid_id").column("unit_id").run()
        try await sql.create(index: "idx_grid_events_handled").on("grid_events").column("handled_at").run()
        try await sql.create(index: "idx_grid_events_closed").on("grid_events").column("closed_at").run()
        // The deadline index, widened to carry the handling time and the scope.
        try await sql.drop(index: "idx_grid_events_deadline").run()
        try await sql.create(index: "idx_grid_events_deadline_handled").on("grid_events")
            .column("deadline").column("handled_at").column("community_id").column("grid_id").column("unit_id").run()
    }
    func revert(on db: any Database) async throws {
        let sql = db as! any SQLDatabase
        for name in ["idx_grid_events_reported", "idx_grid_events_handled", "idx_grid_events_closed", "idx_grid_events_deadline_handled"] {
            try await sql.drop(index: name).run()
        }
        try await sql.create(index: "idx_grid_events_deadline").on("grid_events").column("deadline").run()
    }
}
