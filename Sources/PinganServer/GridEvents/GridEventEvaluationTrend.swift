import Fluent
import SQLKit
import Vapor
import PinganKit

/// The evaluation page's six-month trend — reported, on-time rate, closure rate of the whole scope per month — counted
/// in the database with `GridEventEvaluationRow.add`'s rules, instead of loading six months of events (~180,000 rows at
/// district scale) to count them in Swift. Two reads, each a `UNION ALL` of one aggregate per month over that month's
/// range of a covering index (`CreateGridEventEvaluationIndexes`).
///
/// One aggregate per month, not one read grouped by a month computed per row: the grouped reads evaluated a six-way
/// `CASE` (twice for the closures) on each of ~180,000 index entries and sorted them — 0.17 + 0.13 s in `sqlite3` at
/// district scale, three quarters of the evaluation's database time; the per-month ranges take 0.03 + 0.02 s.
enum GridEventEvaluationTrend {
    struct Month: Equatable { var reported = 0, registered = 0, closed = 0, due = 0, handledOnTime = 0 }

    /// One `Month` per range (consecutive, oldest first), as of `now`: a month still running counts up to now.
    static func count(_ db: any Database, months: [Range<Date>], now: Date, restrict: (SQLSelectBuilder) -> Void) async throws -> [Month] {
        guard !months.isEmpty else { return [] }
        let sql = db as! any SQLDatabase
        func unionAll(_ selects: [SQLSelectBuilder]) -> SQLUnionBuilder {
            let u = SQLUnionBuilder(on: sql, initialQuery: selects[0].select)
            for s in selects.dropFirst() { u.union.add(s.select, all: true) }
            return u
        }

        // Reported in the month (up to now); registered; of those, closed before the month's end and before now.
        struct Reported: Decodable { var m: Int; var reported: Int; var registered: Int?; var closed: Int? }
        let reported = months.enumerated().map { i, m in
            let cut = min(m.upperBound, now)
            let q = sql.select().column(SQLLiteral.numeric("\(i)"), as: "m")
                .column(SQLFunction("COUNT", args: SQLLiteral.all), as: "reported")
                .column(SQLFunction("COUNT", args: SQLIdentifier("case_number")), as: "registered")
                .column("SUM(CASE WHEN case_number IS NOT NULL AND closed_at < \(bind: cut) THEN 1 ELSE 0 END)" as SQLQueryString, as: "closed")
                .from("grid_events")
                .where("reported_at", .greaterThanOrEqual, m.lowerBound).where("reported_at", .lessThan, cut)
            restrict(q)
            return q
        }

        // Due: the deadline in the month and, by now, handled or past; on time: handled by the deadline (and by now).
        // In a month that has ended every deadline is past, and a handling by the deadline is before now: the two
        // conditions on `now` hold for every row and are left out.
        struct Due: Decodable { var m: Int; var due: Int?; var on_time: Int? }
        let due = months.enumerated().map { i, m in
            let q = sql.select().column(SQLLiteral.numeric("\(i)"), as: "m")
            if m.upperBound <= now {
                q.column(SQLFunction("COUNT", args: SQLLiteral.all), as: "due")
                    .column(SQLRaw("SUM(CASE WHEN handled_at <= deadline THEN 1 ELSE 0 END)"), as: "on_time")
            } else {
                q.column("SUM(CASE WHEN (handled_at IS NOT NULL AND handled_at < \(bind: now)) OR deadline < \(bind: now) THEN 1 ELSE 0 END)" as SQLQueryString, as: "due")
                    .column("SUM(CASE WHEN handled_at <= deadline AND handled_at < \(bind: now) THEN 1 ELSE 0 END)" as SQLQueryString, as: "on_time")
            }
            q.from("grid_events").where("deadline", .greaterThanOrEqual, m.lowerBound).where("deadline", .lessThan, m.upperBound)
            restrict(q)
            return q
        }

        var out = Array(repeating: Month(), count: months.count)
        for r in try await unionAll(reported).all(decoding: Reported.self) where out.indices.contains(r.m) {
            out[r.m].reported = r.reported; out[r.m].registered = r.registered ?? 0; out[r.m].closed = r.closed ?? 0
        }
        for r in try await unionAll(due).all(decoding: Due.self) where out.indices.contains(r.m) {
            out[r.m].due = r.due ?? 0; out[r.m].handledOnTime = r.on_time ?? 0
        }
        return out
    }
}
