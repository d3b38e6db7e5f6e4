import Fluent
import Vapor
import PinganKit

/// The staff notice a dispute file raises (the feature owns its notices; Notifications only stores and lists them).
extension StaffNotices {
    /// A dispute file assigned (or escalated) to a mediator.
    static func disputeAssigned(_ req: Request, _ d: Dispute, previous: Int?, on db: any Database) async throws {
        guard let mediator = d.mediatorID, mediator != previous, let id = d.id else { return }
        let title = d.fileNumber(req.localCalendar) + " · " + String(d.summary.prefix(60))
        try await notify(db, users: [mediator], except: req.auth.get(User.self)?.id, kind: .dispute, title: title, link: "/disputes/\(id)")
    }
}
