import Fluent
import Vapor
import PinganKit

/// `pingan alerts recompute`: the early-warning run for a scheduler (cron), over the whole district.
public enum AnalysisCLI {
    public struct Outcome: Sendable { public var evaluatedUnits: Int; public var created: Int; public var existing: Int; public var periods: [String] }

    public static func recompute(app: Application, calendar: LocalCalendar, month: YearMonth?, week: Date?) async throws -> Outcome {
        let o = try await AlertRecompute.run(db: app.db, scope: .everything, calendar: calendar, month: month, week: week, userID: nil)
        try await AuditLog.system(app, action: "alert.recompute", entity: "alert",
                                  detail: "created=\(o.created) existing=\(o.existing) periods=\(o.periods.joined(separator: ","))")
        return Outcome(evaluatedUnits: o.evaluatedUnits, created: o.created, existing: o.existing, periods: o.periods)
    }
}
