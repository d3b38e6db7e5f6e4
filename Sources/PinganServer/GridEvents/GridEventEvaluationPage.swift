import Fluent
import FluentSQLiteDriver
import SQLKit
import Vapor
import PinganKit

/// 综合评价: a month's figures per unit, grid, reporter or category — reported, registered, declined, dispatched,
/// handled on time (按期处置率), closed (结案率), reworked (返工率), overdue, average handling working hours,
/// satisfaction — ranked, over the events the user may see (definitions: `GridEventEvaluation` in PinganKit).
struct GridEventEvaluationPage: Content {
    struct Row: Content {
        var key: String
        var name: String
        var rank: Int?
        var reported: Int, registered: Int, declined: Int, dispatched: Int
        var due: Int, handledOnTime: Int, overdue: Int, onTimeRate: String
        var handled: Int, reworked: Int, reworkRate: String
        var closed: Int, closureRate: String
        var averageHandlingHours: Double?
        var rated: Int, satisfactionRate: String
        /// 协办 (the unit view): times named as a helping unit by a dispatch in the month, and of those reported.
        var assisted: Int, assistReported: Int, assistRate: String
    }
    var month: String
    var by: GridEventDimension
    var rankedBy: GridEventRankMetric
    var rows: [Row]
    var total: Row
    /// The last six months' on-time and closure rates of the whole scope, oldest first (the page's trend chart).
    var trend: [Trend]
    struct Trend: Content { var month: String; var onTimeRate: Double?; var closureRate: Double?; var reported: Int }

    /// Facts of the events that can count in `range` (a month, or months): those with a time of theirs in it.
    static func facts(_ req: Request, _ range: Range<Date>, calendar: WorkingCalendar) async throws -> [GridEventFact] {
        try await facts(req.db, range, calendar: calendar, restrict: try await restriction(req), area: { c, g in String(g ?? c) })
    }

    /// A unit's staff: the events dispatched to their unit; everyone else: their jurisdiction.
    static func restriction(_ req: Request) async throws -> (SQLSelectBuilder) -> Void {
        let user = try req.user
        let scope = try await req.scope()
        return { q in if user.role == .unitStaff { q.where("unit_id", .equal, user.unitID ?? -1) } else { scope.restrict(q) } }
    }

    /// The same facts under a given restriction. `area` names the fact's place (its `gridID` key): the grid (or the
    /// community) for the page; a station for the assessment's indicators (nil: the event counts nowhere).
    static func facts(_ db: any Database, _ range: Range<Date>, calendar: WorkingCalendar, restrict: (SQLSelectBuilder) -> Void,
                      area: (_ community: Int, _ grid: Int?) -> String?) async throws -> [GridEventFact] {
        let sql = db as! any SQLDatabase
        // unscoped: narrowed by the caller's `restrict` (the user's scope; every station for the indicators)
        let q = sql.select().from("grid_events")
            .columns(["id", "unit_id", "grid_id", "community_id", "reporter_id", "category_code", "reported_at",
                      "dispatched_at", "deadline", "handled_at", "closed_at", "rework_count", "limit_hours", "round_the_clock", "satisfaction"])
            .column(SQLRaw("CASE WHEN case_number IS NULL THEN 0 ELSE 1 END"), as: "registered")
            .column(SQLQueryString("CASE WHEN status = \(bind: GridEventStatus.declined.rawValue) THEN 1 ELSE 0 END"), as: "declined")
            .where(group: { g in
                // An event counts in a month only through one of these five times falling in it (`GridEventEvaluationRow.add`);
                // each has an index, so this reads the month's ~34,000 rows at district scale, not the year's open ones.
                for c in ["reported_at", "dispatched_at", "deadline", "handled_at", "closed_at"] {
                    g.orWhere(group: { $0.where(SQLIdentifier(c), .greaterThanOrEqual, SQLBind(range.lowerBound)).where(SQLIdentifier(c), .lessThan, SQLBind(range.upperBound)) })
                }
                return g
            })
        restrict(q)
        return try await rows(of: q, on: db).compactMap { r in try fact(r, range: range, calendar: calendar, area: area) }
    }

    /// The query's rows. On SQLite they are read as `SQLiteRow`s and converted without SQLKit's `Decodable` path: asking
    /// it for an optional column goes through `Optional.init(from:)`, a nested decoder and a conformance lookup per
    /// value — 24 % of the evaluation's CPU for a district month's 34,000 rows × 17 columns (perf, 2026-12-07).
    private static func rows(of q: SQLSelectBuilder, on db: any Database) async throws -> [any FactColumns] {
        guard let sqlite = db as? any SQLiteDatabase else { return try await q.all().map(SQLKitColumns.init) }
        var s = SQLSerializer(database: q.database)
        q.select.serialize(to: &s)
        let encoder = SQLiteDataEncoder()
        return try await sqlite.query(s.sql, try s.binds.map { try encoder.encode($0) }).map(SQLiteColumns.init)
    }

    private static func fact(_ r: any FactColumns, range: Range<Date>, calendar: WorkingCalendar,
                             area: (_ community: Int, _ grid: Int?) -> String?) throws -> GridEventFact? {
        guard let key = area(try r.required(r.int("community_id"), "community_id"), try r.int("grid_id")) else { return nil }
        let dispatched = try r.date("dispatched_at"), handled = try r.date("handled_at")
        var hours: Double? = nil
        // Working hours are averaged over the events handled in the month only.
        if let d = dispatched, let h = handled, range.contains(h), let limit = try r.double("limit_hours") {
            let limit = GridEventTimeLimit(hours: limit, roundTheClock: try r.required(r.bool("round_the_clock"), "round_the_clock"))
            hours = GridEventClocks.handlingHours(dispatchedAt: d, handledAt: h, limit: limit, calendar: calendar)
        }
        return GridEventFact(id: String(try r.required(r.int("id"), "id")), unitID: try r.int("unit_id").map(String.init), gridID: key,
                             reporterID: try r.int("reporter_id").map(String.init),
                             categoryCode: try r.required(r.string("category_code"), "category_code"),
                             reportedAt: try r.required(r.date("reported_at"), "reported_at"),
                             registered: try r.required(r.int("registered"), "registered") == 1, declined: try r.required(r.int("declined"), "declined") == 1,
                             dispatchedAt: dispatched, deadline: try r.date("deadline"), handledAt: handled,
                             closedAt: try r.date("closed_at"), reworkCount: try r.required(r.int("rework_count"), "rework_count"),
                             handlingHours: hours, satisfaction: try r.string("satisfaction").flatMap(GridEventSatisfaction.init(rawValue:)))
    }

    /// The helping units of the events dispatched in `range` that the reader counts: the events among `facts` (already
    /// scoped), or, for a unit's staff, every event their unit helped with (their facts hold only what it led).
    static func assists(_ req: Request, _ range: Range<Date>, facts: [GridEventFact]) async throws -> [GridEventAssist] {
        let user = try req.user
        let counted = Set(facts.compactMap { f in f.dispatchedAt.map { range.contains($0) } == true ? f.id : nil })
        // unscoped: narrowed below to the scoped facts' events, or to the staff's own unit
        let rows = try await (req.db as! any SQLDatabase).select()
            .column(SQLColumn("event_id", table: "h")).column(SQLColumn("unit_id", table: "h")).column(SQLColumn("reported_at", table: "h"))
            .column(SQLColumn("dispatched_at", table: "e"))
            .from(SQLAlias(SQLIdentifier(GridEventHelper.schema), as: SQLIdentifier("h")))
            .join(SQLAlias(SQLIdentifier("grid_events"), as: SQLIdentifier("e")), on: SQLColumn("id", table: "e"), .equal, SQLColumn("event_id", table: "h"))
            .where(SQLColumn("dispatched_at", table: "e"), .greaterThanOrEqual, SQLBind(range.lowerBound))
            .where(SQLColumn("dispatched_at", table: "e"), .lessThan, SQLBind(range.upperBound))
            .all()
        return try rows.compactMap { r in
            let event = try r.decode(column: "event_id", as: Int.self), unit = try r.decode(column: "unit_id", as: Int.self)
            let mine = user.role == .unitStaff ? unit == user.unitID : counted.contains(String(event))
            guard mine else { return nil }
            return GridEventAssist(unitID: String(unit), dispatchedAt: try r.decode(column: "dispatched_at", as: Date.self),
                                   reportedAt: try r.decode(column: "reported_at", as: Date?.self))
        }
    }

    static func row(_ r: GridEventEvaluationRow, name: String) -> Row {
        Row(key: r.key, name: name, rank: r.rank, reported: r.reported, registered: r.registered, declined: r.declined, dispatched: r.dispatched,
            due: r.due, handledOnTime: r.handledOnTime, overdue: r.overdue, onTimeRate: r.onTimeRate.percent, handled: r.handled, reworked: r.reworked,
            reworkRate: r.reworkRate.percent, closed: r.closed, closureRate: r.closureRate.percent,
            averageHandlingHours: r.handlingTimed > 0 ? (Double(r.handlingSeconds) / Double(r.handlingTimed) / 360).rounded() / 10 : nil,
            rated: r.satisfied + r.fairlySatisfied + r.dissatisfied, satisfactionRate: r.satisfactionRate.percent,
            assisted: r.assisted, assistReported: r.assistReported, assistRate: r.assistRate.percent)
    }

    static func load(_ req: Request, strict: Bool, errors e: inout FieldErrors) async throws -> GridEventEvaluationPage {
        try req.require(.viewGridEvents)
        let L = req.lang, cal = req.localCalendar
        var month = cal.yearMonth(of: Date())
        if let m = req.query[String.self, at: "month"]?.nilIfEmpty { if let v = YearMonth(m) { month = v } else { e["month"] = L.t("月份格式应为 2026-03", "Use a month like 2026-03") } }
        var by = GridEventDimension.unit
        if let b = req.query[String.self, at: "by"]?.nilIfEmpty { if let v = GridEventDimension(rawValue: b) { by = v } else { e["by"] = L.t("应为 unit、grid、reporter 或 category", "Use unit, grid, reporter or category") } }
        var metric = GridEventRankMetric.onTimeRate
        if let m = req.query[String.self, at: "rank"]?.nilIfEmpty { if let v = GridEventRankMetric(rawValue: m) { metric = v } else { e["rank"] = L.t("排名指标无效", "Unknown ranking") } }
        if strict && !e.isEmpty { throw e }
        let (_, working) = try await req.gridEventCalendar()
        let now = Date()
        let facts = try await facts(req, cal.monthRange(month), calendar: working)
        let assists = by == .unit ? try await assists(req, cal.monthRange(month), facts: facts) : []
        let table = GridEventEvaluation.table(facts, month: month, by: by, rankedBy: metric, asOf: now, calendar: cal, assists: assists)
        let names = try await Self.names(req, by, keys: table.rows.map(\.key))
        let months = (0..<6).map { month.adding(months: $0 - 5) }
        let counts = try await GridEventEvaluationTrend.count(req.db, months: months.map(cal.monthRange), now: now, restrict: try await restriction(req))
        let trend = zip(months, counts).map { m, c in
            Trend(month: m.description, onTimeRate: Share(c.handledOnTime, of: c.due).fraction, closureRate: Share(c.closed, of: c.registered).fraction, reported: c.reported)
        }
        return GridEventEvaluationPage(month: month.description, by: by, rankedBy: metric,
                                       rows: table.rows.map { row($0, name: names[$0.key] ?? $0.key) },
                                       total: row(table.total, name: L.t("合计", "Total")), trend: trend)
    }

    static func load(_ req: Request, strict: Bool) async throws -> GridEventEvaluationPage {
        var e = FieldErrors()
        return try await load(req, strict: strict, errors: &e)
    }

    static func names(_ req: Request, _ by: GridEventDimension, keys: [String]) async throws -> [String: String] {
        let ids = keys.compactMap(Int.init)
        switch by {
        case .unit:
            guard !ids.isEmpty else { return [:] }
            return Dictionary(uniqueKeysWithValues: try await ResponsibleUnit.query(on: req.db).filter(\.$id ~~ ids).all().map { (String($0.id!), $0.name) })
        case .grid:
            guard !ids.isEmpty else { return [:] }
            // Names and communities only: a district's ~3,000 grids carry their outlines, which this table does not need.
            struct G: Decodable { var id: Int; var name: String; var community_id: Int? }
            // unscoped: names of the keys already counted within the user's scope
            let grids = try await (req.db as! any SQLDatabase).select().columns(["id", "name", "community_id"]).from("divisions")
                .where("id", .in, ids).all(decoding: G.self)
            let communities = try await DivisionLookup.names(grids.compactMap(\.community_id), on: req.db)
            var out = Dictionary(uniqueKeysWithValues: ids.map { (String($0), "#\($0)") })
            for g in grids { out[String(g.id)] = (g.community_id.flatMap { communities[$0] }.map { $0 + " · " } ?? "") + g.name }
            return out
        case .reporter:
            guard !ids.isEmpty else { return [:] }
            return Dictionary(uniqueKeysWithValues: try await User.query(on: req.db).filter(\.$id ~~ ids).all().map { (String($0.id!), $0.displayName) })
        case .category:
            return try await GridEventCategories.names(req.db, req.lang)
        }
    }
}

/// A fact row's columns by name: nil for NULL, an error for a value of another type.
protocol FactColumns {
    func int(_ column: String) throws -> Int?
    func double(_ column: String) throws -> Double?
    func bool(_ column: String) throws -> Bool?
    func string(_ column: String) throws -> String?
    func date(_ column: String) throws -> Date?
}

extension FactColumns {
    func required<T>(_ value: T?, _ column: String) throws -> T {
        guard let value else { throw DecodingError.valueNotFound(T.self, .init(codingPath: [], debugDescription: "\(column) is NULL")) }
        return value
    }
}

/// SQLite's values converted as SQLiteKit's decoder converts them (`SQLiteDataConvertible`), without its generic path.
private struct SQLiteColumns: FactColumns {
    let row: SQLiteRow
    private func value<T: SQLiteDataConvertible>(_ column: String, _: T.Type) throws -> T? {
        guard let data = row.column(column) else { throw DecodingError.keyNotFound(SomeKey(column), .init(codingPath: [], debugDescription: "no column \(column)")) }
        if case .null = data { return nil }
        guard let v = T(sqliteData: data) else { throw DecodingError.typeMismatch(T.self, .init(codingPath: [], debugDescription: "\(column): \(data)")) }
        return v
    }
    func int(_ column: String) throws -> Int? { try value(column, Int.self) }
    func double(_ column: String) throws -> Double? { try value(column, Double.self) }
    func bool(_ column: String) throws -> Bool? { try value(column, Bool.self) }
    func string(_ column: String) throws -> String? { try value(column, String.self) }
    func date(_ column: String) throws -> Date? { try value(column, Date.self) }
}

/// Any other database: SQLKit's decoder.
private struct SQLKitColumns: FactColumns {
    let row: any SQLRow
    func int(_ column: String) throws -> Int? { try row.decode(column: column, as: Int?.self) }
    func double(_ column: String) throws -> Double? { try row.decode(column: column, as: Double?.self) }
    func bool(_ column: String) throws -> Bool? { try row.decode(column: column, as: Bool?.self) }
    func string(_ column: String) throws -> String? { try row.decode(column: column, as: String?.self) }
    func date(_ column: String) throws -> Date? { try row.decode(column: column, as: Date?.self) }
}

private struct SomeKey: CodingKey {
    var stringValue: String, intValue: Int? = nil
    init(_ s: String) { stringValue = s }
    init?(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { return nil }
}
