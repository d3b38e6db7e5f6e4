import Fluent
import Vapor
import PinganKit

/// The staff notice an early-warning alert raises (the feature owns its notices; Notifications only stores and lists them).
extension StaffNotices {
    /// An early-warning alert assigned to someone.
    static func alertAssigned(_ req: Request, _ a: WarningAlertRecord, assignee: Int, on db: any Database) async throws {
        guard let id = a.id else { return }
        try await notify(db, users: [assignee], except: req.auth.get(User.self)?.id, kind: .alert, title: a.unitName + " · " + a.periodLabel + " · " + String(a.reasonZh.prefix(60)), link: "/alerts/\(id)")
    }
}
