import Fluent
import Vapor
import PinganKit

/// `pingan alerts recompute`: the early-warning run for a scheduler (cron), over the whole district.
public enum AnalysisCLI {
    public struct Outcome: Sendable { public var evaluatedUnits: Int; public var created: Int; public var existing: Int; public var periods: [String] }

    public static func recompute(app: Application, calendar: LocalCalendar, month: YearMonth?, week: Date?) async throws -> Outcome {
        let o = try await AlertRecompute.run(db: app.db, scope: .everything, calendar: calendar, month: month, week: week, userID: nil)
        let e = AuditEvent()
        e.at = Date(); e.userID = nil; e.username = "cli"; e.action = "alert.recompute"; e.entity = "alert"; e.entityID = nil
        e.result = "ok"; e.ip = ""; e.detail = "created=\(o.created) existing=\(o.existing) periods=\(o.periods.joined(separator: ","))"
        try await e.create(on: app.db)
        return Outcome(evaluatedUnits: o.evaluatedUnits, created: o.created, existing: o.existing, periods: o.periods)
    }
}
