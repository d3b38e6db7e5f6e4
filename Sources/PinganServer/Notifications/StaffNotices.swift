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
