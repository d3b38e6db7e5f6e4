import Fluent
import SQLKit
import Vapor
import PinganKit

/// The evaluation page's six-month trend — reported, on-time rate, closure rate of the whole scope per month — counted
/// in the database with `GridEventEvaluationRow.add`'s rules, instead of loading six months of events (~180,000 rows at
/// district scale) to count them in Swift. Two grouped reads, each answered from a covering index
/// (`CreateGridEventEvaluationIndexes`).
enum GridEventEvaluationTrend {
    struct Month: Equatable { var reported = 0, registered = 0, closed = 0, due = 0, handledOnTime = 0 }

    /// One `Month` per range (consecutive, oldest first), as of `now`: a month still running counts up to now.
    static func count(_ db: any Database, months: [Range<Date>], now: Date, restrict: (SQLSelectBuilder) -> Void) async throws -> [Month] {
        guard let first = months.first?.lowerBound, let last = months.last?.upperBound else { return [] }
        let sql = db as! any SQLDatabase
        // The month index of a time: CASE WHEN t < end₀ THEN 0 WHEN t < end₁ THEN 1 … ELSE n−1 END.
        func bucket(_ column: String) -> SQLQueryString {
            var s: SQLQueryString = "CASE"
            for (i, m) in months.dropLast().enumerated() { s += " WHEN \(ident: column) < \(bind: m.upperBound) THEN \(literal: i)" }
            return s + " ELSE \(literal: months.count - 1) END"
        }
        // The end of the month an event was reported in: it is closed for that month if closed before it.
        var reportedMonthEnd: SQLQueryString = "CASE"
        for m in months.dropLast() { reportedMonthEnd += " WHEN reported_at < \(bind: m.upperBound) THEN \(bind: m.upperBound)" }
        reportedMonthEnd += " ELSE \(bind: last) END"

        struct Reported: Decodable { var m: Int; var reported: Int; var registered: Int?; var closed: Int? }
        let reported = sql.select().column(bucket("reported_at"), as: "m")
            .column(SQLFunction("COUNT", args: SQLLiteral.all), as: "reported")
            .column(SQLRaw("SUM(CASE WHEN case_number IS NOT NULL THEN 1 ELSE 0 END)"), as: "registered")
            .column("SUM(CASE WHEN case_number IS NOT NULL AND closed_at < \(bind: now) AND closed_at < (\(reportedMonthEnd)) THEN 1 ELSE 0 END)" as SQLQueryString, as: "closed")
            .from("grid_events")
            .where("reported_at", .greaterThanOrEqual, first).where("reported_at", .lessThan, min(last, now))
        restrict(reported)

        // Due: the deadline in the month and, by now, handled or past; on time: handled by the deadline.
        struct Due: Decodable { var m: Int; var due: Int?; var on_time: Int? }
        let due = sql.select().column(bucket("deadline"), as: "m")
            .column("SUM(CASE WHEN (handled_at IS NOT NULL AND handled_at < \(bind: now)) OR deadline < \(bind: now) THEN 1 ELSE 0 END)" as SQLQueryString, as: "due")
            .column("SUM(CASE WHEN handled_at <= deadline AND handled_at < \(bind: now) THEN 1 ELSE 0 END)" as SQLQueryString, as: "on_time")
            .from("grid_events")
            .where("deadline", .greaterThanOrEqual, first).where("deadline", .lessThan, last)
        restrict(due)

        var out = Array(repeating: Month(), count: months.count)
        for r in try await reported.groupBy(SQLRaw("1")).all(decoding: Reported.self) where out.indices.contains(r.m) {
            out[r.m].reported = r.reported; out[r.m].registered = r.registered ?? 0; out[r.m].closed = r.closed ?? 0
        }
        for r in try await due.groupBy(SQLRaw("1")).all(decoding: Due.self) where out.indices.contains(r.m) {
            out[r.m].due = r.due ?? 0; out[r.m].handledOnTime = r.on_time ?? 0
        }
        return out
    }
}
