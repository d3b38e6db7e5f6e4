import Fluent
import Vapor
import PinganKit

/// The staff notice an incident raises (the feature owns its notices; Notifications only stores and lists them).
extension StaffNotices {
    /// An incident given to a handling officer (on entry or when the officer changes).
    static func incidentAssigned(_ req: Request, _ i: Incident, previous: Int?, on db: any Database) async throws {
        guard let officer = i.handlingOfficerID, officer != previous, let id = i.id else { return }
        let title = i.number(req.localCalendar) + " · " + String(i.description.prefix(60))
        try await notify(db, users: [officer], except: req.auth.get(User.self)?.id, kind: .incident, title: title, link: "/incidents/\(id)")
    }
}
