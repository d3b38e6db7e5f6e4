import Fluent
import SQLKit
import Vapor
import PinganKit

/// The recipient's side of targeted push: one's own copies, opening (the read receipt) and reporting a task done.
extension MessageService {
    // MARK: the inbox (the recipient's side)

    /// The user's own copy of a push (by the push's id), or 404: nobody opens another person's inbox.
    static func mine(_ req: Request, _ id: Int?) async throws -> (PushMessage, PushReceipt) {
        let me = try req.user
        guard let id, let r = try await PushReceipt.query(on: req.db).filter(\.$messageID == id).filter(\.$userID == me.id!).first(),
              let m = try await PushMessage.find(id, on: req.db) else { throw Abort(.notFound) }
        return (m, r)
    }

    /// Opening a copy marks it read (the sender's receipt); opening it again changes nothing.
    static func open(_ req: Request, _ id: Int?) async throws -> (PushMessage, PushReceipt) {
        let (m, r) = try await mine(req, id)
        if r.readAt == nil { r.readAt = Date(); try await r.save(on: req.db) }
        return (m, r)
    }

    /// Reports a task done, with what was done (optional, ≤ 500 characters). Done once: a second report changes nothing.
    static func complete(_ req: Request, _ id: Int?, note: String?) async throws -> (PushMessage, PushReceipt) {
        let L = req.lang
        let (m, r) = try await mine(req, id)
        guard m.kind == .task else { throw FieldErrors(["note": L.t("通知无需办结，阅读即可", "A notice needs no completion")]) }
        if r.doneAt != nil { return (m, r) }
        let text = (note ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        guard text.count <= 500 else { throw FieldErrors(["note": L.t("办理情况不超过500字", "At most 500 characters")]) }
        let now = Date()
        r.doneAt = now; r.doneNote = text
        if r.readAt == nil { r.readAt = now }
        try await req.db.transaction { db in
            try await r.save(on: db)
            await req.audit("push.done", entity: "push_message", id: m.id.map(String.init), detail: text.isEmpty ? "" : "note=\(text.prefix(80))", on: db)
        }
        return (m, r)
    }

    enum InboxFilter: String, CaseIterable { case unread, open, all }

    struct InboxItem {
        var message: PushMessage
        var receipt: PushReceipt
        var state: PushReceiptState
    }

    /// The user's copies: unread ones, open ones (unread notices and tasks not done), or all; reminded and overdue first
    /// within the open ones, newest first otherwise.
    static func inbox(_ req: Request, _ filter: InboxFilter, q: String?, _ page: PinganKit.PageRequest) async throws -> ([InboxItem], PageInfo) {
        let me = try req.user
        let sql = req.db as! any SQLDatabase
        func base() -> SQLSelectBuilder {
            let b = sql.select().from(SQLAlias(SQLIdentifier("push_receipts"), as: SQLIdentifier("r")))
                .join(SQLAlias(SQLIdentifier("push_messages"), as: SQLIdentifier("m")), method: SQLJoinMethod.inner,
                      on: SQLBinaryExpression(SQLColumn("message_id", table: "r"), SQLBinaryOperator.equal, SQLColumn("id", table: "m")))
                .where(SQLColumn("user_id", table: "r"), .equal, SQLBind(me.id!))
            let kind = SQLColumn("kind", table: "m"), read = SQLColumn("read_at", table: "r"), done = SQLColumn("done_at", table: "r")
            switch filter {
            case .unread: b.where(read, .is, SQLLiteral.null)
            case .open:
                b.where(group: { g in
                    g.where(group: { $0.where(kind, .equal, SQLBind(PushKind.task.rawValue)).where(done, .is, SQLLiteral.null) })
                     .orWhere(group: { $0.where(kind, .equal, SQLBind(PushKind.notice.rawValue)).where(read, .is, SQLLiteral.null) })
                })
            case .all: break
            }
            if let q { b.where(SQLColumn("title", table: "m"), .like, SQLBind("%" + q.replacingOccurrences(of: "%", with: "") + "%")) }
            return b
        }
        let total = try await base().column(SQLFunction("COUNT", args: SQLLiteral.all), as: "n").first(decoding: Count.self)?.n ?? 0
        let idRows = try await base().column(SQLColumn("id", table: "r"), as: "rid")
            .orderBy(SQLColumn("sent_at", table: "m"), SQLDirection.descending).orderBy(SQLColumn("id", table: "r"), SQLDirection.descending)
            .limit(page.per).offset(page.offset).all()
        let rids = try idRows.map { try $0.decode(column: "rid", as: Int.self) }
        let receipts = try await PushReceipt.query(on: req.db).filter(\.$id ~~ rids).all()
        let messageIDs = receipts.map(\.messageID)
        let messageRows = try await PushMessage.query(on: req.db).filter(\PushMessage.$id ~~ messageIDs).all()
        let messages: [Int: PushMessage] = Dictionary(uniqueKeysWithValues: messageRows.map { ($0.id!, $0) })
        let byID = Dictionary(uniqueKeysWithValues: receipts.map { ($0.id!, $0) })
        let now = Date()
        var items: [InboxItem] = rids.compactMap { rid in
            guard let r = byID[rid], let m = messages[r.messageID] else { return nil }
            return InboxItem(message: m, receipt: r, state: .of(kind: m.kind, readAt: r.readAt, doneAt: r.doneAt, dueAt: m.dueAt, now: now))
        }
        if filter == .open {
            // Within a page: what needs doing soonest first — overdue, then reminded, then by due time.
            items.sort { a, b in
                func rank(_ i: InboxItem) -> Int { i.state == .overdue ? 0 : i.receipt.remindedAt != nil ? 1 : 2 }
                if rank(a) != rank(b) { return rank(a) < rank(b) }
                return (a.message.dueAt ?? .distantFuture, b.message.sentAt) < (b.message.dueAt ?? .distantFuture, a.message.sentAt)
            }
        }
        return (items, page.info(total: total))
    }

    private struct Count: Decodable { var n: Int }

    /// Unread copies, for the badge on the navigation.
    static func unreadCount(_ db: any Database, userID: Int) async throws -> Int {
        try await PushReceipt.query(on: db).filter(\.$userID == userID).filter(\.$readAt == nil).count()
    }
}
