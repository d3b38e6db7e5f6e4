import Fluent
import Vapor
import PinganKit

/// The staff notice a resident's request raises (the feature owns its notices; Notifications only stores and lists them).
extension StaffNotices {
    /// A new resident request: the community officer whose inbox receives it.
    static func newRequest(_ db: any Database, _ r: PortalRequest, typeName: String) async throws {
        guard let officer = r.officerID, let id = r.id else { return }
        try await notify(db, users: [officer], except: nil, kind: .portalRequest, title: r.number + " · " + typeName, link: "/portal/requests/\(id)")
    }
}
