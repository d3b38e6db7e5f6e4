import Fluent
import Vapor
import PinganKit

/// In-app notices to staff about work given to them. Written on the same transaction as the assignment; the person
/// who made the assignment is never told about their own act.
enum StaffNotices {
    static func notify(_ db: any Database, users: [Int], except actor: Int?, kind: StaffNoticeKind, title: String, link: String, at: Date = Date()) async throws {
        for id in Set(users) where id != actor {
            try await StaffNotice(userID: id, kind: kind, title: title, link: link, at: at).create(on: db)
        }
    }

    /// A new resident request: the community officer whose inbox receives it.
    static func newRequest(_ db: any Database, _ r: PortalRequest, typeName: String) async throws {
        guard let officer = r.officerID, let id = r.id else { return }
        try await notify(db, users: [officer], except: nil, kind: .portalRequest, title: r.number + " · " + typeName, link: "/portal/requests/\(id)")
    }

    /// An incident given to a handling officer (on entry or when the officer changes).
    static func incidentAssigned(_ req: Request, _ i: Incident, previous: Int?, on db: any Database) async throws {
        guard let officer = i.handlingOfficerID, officer != previous, let id = i.id else { return }
        let title = i.number(req.localCalendar) + " · " + String(i.description.prefix(60))
        try await notify(db, users: [officer], except: req.auth.get(User.self)?.id, kind: .incident, title: title, link: "/incidents/\(id)")
    }

    /// A dispute file assigned (or escalated) to a mediator.
    static func disputeAssigned(_ req: Request, _ d: Dispute, previous: Int?, on db: any Database) async throws {
        guard let mediator = d.mediatorID, mediator != previous, let id = d.id else { return }
        let title = d.fileNumber(req.localCalendar) + " · " + String(d.summary.prefix(60))
        try await notify(db, users: [mediator], except: req.auth.get(User.self)?.id, kind: .dispute, title: title, link: "/disputes/\(id)")
    }

    /// A grid event dispatched to a responsible unit: every active staff member of the lead unit and of each helping unit.
    static func eventDispatched(_ req: Request, _ e: GridEvent, on db: any Database) async throws {
        guard let unit = e.unitID, let id = e.id else { return }
        let units = [unit] + e.state.helpers.compactMap(Int.init)
        let staff = try await User.query(on: db).filter(\.$unitID ~~ units).filter(\.$active == true).all().compactMap(\.id)
        let title = e.number(req.localCalendar) + " · " + String(e.description.prefix(60))
        try await notify(db, users: staff, except: req.auth.get(User.self)?.id, kind: .gridEvent, title: title, link: "/events/\(id)")
    }

    /// An early-warning alert assigned to someone.
    static func alertAssigned(_ req: Request, _ a: WarningAlertRecord, assignee: Int, on db: any Database) async throws {
        guard let id = a.id else { return }
        try await notify(db, users: [assignee], except: req.auth.get(User.self)?.id, kind: .alert, title: a.unitName + " · " + a.periodLabel + " · " + String(a.reasonZh.prefix(60)), link: "/alerts/\(id)")
    }

    static func unreadCount(_ db: any Database, userID: Int) async throws -> Int {
        try await StaffNotice.query(on: db).filter(\.$userID == userID).filter(\.$readAt == nil).count()
    }

    /// The user's own notices, newest first; `unreadOnly` for the badge's list.
    static func list(_ req: Request, unreadOnly: Bool, _ page: PinganKit.PageRequest) async throws -> ([StaffNotice], PageInfo) {
        let me = try req.user.requireID()
        let q = StaffNotice.query(on: req.db).filter(\.$userID == me)
        if unreadOnly { q.filter(\.$readAt == nil) }
        let total = try await q.count()
        let items = try await q.sort(\.$createdAt, .descending).sort(\.$id, .descending).range(page.offset..<(page.offset + page.per)).all()
        return (items, page.info(total: total))
    }

    /// One's own notice (404 for anyone else's), marked read.
    static func open(_ req: Request, _ id: Int?) async throws -> StaffNotice {
        let me = try req.user.requireID()
        guard let id, let n = try await StaffNotice.query(on: req.db).filter(\.$id == id).filter(\.$userID == me).first() else { throw Abort(.notFound) }
        if n.readAt == nil { n.readAt = Date(); try await n.save(on: req.db) }
        return n
    }

    static func readAll(_ req: Request) async throws -> Int {
        let me = try req.user.requireID()
        let n = try await StaffNotice.query(on: req.db).filter(\.$userID == me).filter(\.$readAt == nil).count()
        try await StaffNotice.query(on: req.db).filter(\.$userID == me).filter(\.$readAt == nil).set(\.$readAt, to: Date()).update()
        return n
    }
}
