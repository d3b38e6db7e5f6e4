import Fluent
import SQLKit
import Vapor
import PinganKit

/// 协办单位: a unit dispatched to help the lead unit (主办) with one event. The workflow's state holds the helpers of
/// the current dispatch; this table copies them so that a unit's list can find the events it helps with by index.
final class GridEventHelper: Model, @unchecked Sendable {
    static let schema = "grid_event_helpers"
    @ID(custom: "id", generatedBy: .database) var id: Int?
    @Field(key: "event_id") var eventID: Int
    @Field(key: "unit_id") var unitID: Int
    /// When the unit reported its part (协办反馈) in the current dispatch; the evaluation's 协办反馈率 reads it.
    @OptionalField(key: "reported_at") var reportedAt: Date?
    init() {}
    init(eventID: Int, unitID: Int) { self.eventID = eventID; self.unitID = unitID }
}

/// Helpers are scored (协办反馈率): each row keeps when its unit reported. Rows of earlier databases take the time of the
/// event's first `assist` step by that unit's staff (or by nobody in particular: the demo's steps name no user).
struct AddGridEventHelperReports: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema(GridEventHelper.schema).field("reported_at", .datetime).update()
        try await (db as! any SQLDatabase).raw("""
            UPDATE grid_event_helpers SET reported_at = (SELECT MIN(s.at) FROM grid_event_steps s LEFT JOIN users u ON u.id = s.user_id
              WHERE s.event_id = grid_event_helpers.event_id AND s.action = 'assist' AND (s.user_id IS NULL OR u.unit_id = grid_event_helpers.unit_id))
            """).run()
    }
    func revert(on db: any Database) async throws { try await db.schema(GridEventHelper.schema).deleteField("reported_at").update() }
}

struct CreateGridEventHelpers: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema(GridEventHelper.schema)
            .field("id", .int, .identifier(auto: true))
            .field("event_id", .int, .required, .references("grid_events", "id", onDelete: .cascade))
            .field("unit_id", .int, .required, .references("responsible_units", "id"))
            .unique(on: "event_id", "unit_id")
            .create()
        try await (db as! any SQLDatabase).create(index: "idx_grid_event_helpers_unit").on(GridEventHelper.schema).column("unit_id").column("event_id").run()
    }
    func revert(on db: any Database) async throws { try await db.schema(GridEventHelper.schema).delete() }
}

/// One helping unit as the event page and the API show it.
struct GridEventHelperDTO: Content {
    var unitID: Int
    var unitName: String
    /// Whether the unit has reported its part (协办反馈) in the current dispatch.
    var reported: Bool
}

extension GridEventService {
    /// Events dispatched to the unit, as lead or as helper; with `statuses`, only those in one of them.
    ///
    /// The statuses are repeated inside each branch of the OR rather than set beside it. Beside it, SQLite (which has no
    /// statistics: nobody runs ANALYZE) reads every event in those statuses through the status index and looks each one
    /// up in the table to test the OR — 3,165 lookups for a unit's list at district scale, twice a request (count and
    /// page), ~8 ms in `sqlite3`. Inside, it answers "led by" from the unit index (unit_id, status, deadline) alone and
    /// "helped by" through the helper index: 1–2 ms.
    static func dispatchedTo(_ unit: Int, statuses: [GridEventStatus]? = nil) -> DatabaseQuery.Filter {
        let events = GridEvent.schema, helpers = GridEventHelper.schema
        let led: SQLQueryString = "\(ident: events).\(ident: "unit_id") = \(bind: unit)"
        let helped: SQLQueryString = """
            \(ident: events).\(ident: "id") IN \
            (SELECT \(ident: helpers).\(ident: "event_id") FROM \(ident: helpers) WHERE \(ident: helpers).\(ident: "unit_id") = \(bind: unit))
            """
        guard let statuses, !statuses.isEmpty else { return .sql(embed: "(\(led) OR \(helped))") }
        let status: SQLQueryString = "\(ident: events).\(ident: "status") IN (\(binds: statuses.map(\.rawValue)))"
        return .sql(embed: "((\(led) AND \(status)) OR (\(helped) AND \(status)))")
    }

    /// Makes the helper rows match the event's current dispatch (inside the step's transaction).
    static func syncHelpers(_ e: GridEvent, on db: any Database) async throws {
        let want = Set(e.state.helpers.compactMap(Int.init))
        let have = try await GridEventHelper.query(on: db).filter(\.$eventID == e.id!).all()
        for h in have where !want.contains(h.unitID) { try await h.delete(on: db) }
        // A new dispatch asks again: a helper kept from the last one has not reported in this one yet.
        for h in have where want.contains(h.unitID) && h.reportedAt != nil { h.reportedAt = nil; try await h.save(on: db) }
        for u in want.subtracting(have.map(\.unitID)).sorted() { try await GridEventHelper(eventID: e.id!, unitID: u).create(on: db) }
    }

    /// A helper's report (协办反馈) is dated on its row, once.
    static func markReported(_ e: GridEvent, at: Date, on db: any Database) async throws {
        let units = e.state.helpersReported.compactMap(Int.init)
        guard !units.isEmpty else { return }
        try await GridEventHelper.query(on: db).filter(\.$eventID == e.id!).filter(\.$unitID ~~ units).filter(\.$reportedAt == nil)
            .set(\.$reportedAt, to: at).update()
    }

    /// The helpers of the current dispatch, in the order the centre chose them.
    static func helpers(_ req: Request, _ e: GridEvent) async throws -> [GridEventHelperDTO] {
        let s = e.state
        let ids = s.helpers.compactMap(Int.init)
        guard !ids.isEmpty else { return [] }
        let names = Dictionary(uniqueKeysWithValues: try await ResponsibleUnit.query(on: req.db).filter(\.$id ~~ ids).all().map { ($0.id!, $0.name) })
        return ids.map { GridEventHelperDTO(unitID: $0, unitName: names[$0] ?? "#\($0)", reported: s.helpersReported.contains(String($0))) }
    }

    /// The helping units chosen on the dispatch form: each must serve the event's area, differ from the lead, appear once.
    static func helperChoice(_ raw: [String]?, lead: ResponsibleUnit?, candidates: [ResponsibleUnit], _ L: Lang, errors e: inout FieldErrors) -> [String] {
        let picked = (raw ?? []).map(\.trimmed).filter { !$0.isEmpty }
        var out: [String] = []
        for p in picked {
            guard let id = Int(p), candidates.contains(where: { $0.id == id }) else {
                e["helperUnitIDs"] = L.t("协办单位须是负责该区域的处置单位", "A helping unit must serve this area"); return []
            }
            if id == lead?.id { e["helperUnitIDs"] = L.t("主办单位不能同时作为协办单位", "The lead unit cannot also be a helping unit"); return [] }
            if !out.contains(p) { out.append(p) }
        }
        if out.count > GridEventWorkflow.maxHelpers {
            e["helperUnitIDs"] = L.t("协办单位最多\(GridEventWorkflow.maxHelpers)个", "At most \(GridEventWorkflow.maxHelpers) helping units"); return []
        }
        return out
    }
}
