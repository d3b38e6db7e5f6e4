import Fluent
import Vapor
import PinganKit

/// The staff notice a grid event raises (the feature owns its notices; Notifications only stores and lists them).
extension StaffNotices {
    /// A grid event dispatched to a responsible unit: every active staff member of the lead unit and of each helping unit.
    static func eventDispatched(_ req: Request, _ e: GridEvent, on db: any Database) async throws {
        guard let unit = e.unitID, let id = e.id else { return }
        let units = [unit] + e.state.helpers.compactMap(Int.init)
        let staff = try await User.query(on: db).filter(\.$unitID ~~ units).filter(\.$active == true).all().compactMap(\.id)
        let title = e.number(req.localCalendar) + " · " + String(e.description.prefix(60))
        try await notify(db, users: staff, except: req.auth.get(User.self)?.id, kind: .gridEvent, title: title, link: "/events/\(id)")
    }
}
