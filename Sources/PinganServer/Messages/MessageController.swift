import Fluent
import Vapor
import PinganKit

/// `/inbox` and `/messages` pages and their API twins under `/api/v1/inbox` and `/api/v1/messages`.
/// Everyone signed in has an inbox; sending and following pushes needs `sendMessages`.
struct MessageController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get("inbox", use: inboxPage)
        routes.get("inbox", ":id", use: copyPage)
        routes.post("inbox", ":id", "done", use: done)
        routes.get("messages", use: sentPage)
        routes.get("messages", "new", use: newPage)
        routes.post("messages", use: send)
        routes.get("messages", ":id", use: detailPage)
        routes.get("messages", ":id", "receipts.csv", use: receiptsCSV)
        routes.post("messages", ":id", "remind", use: remind)

        let api = routes.grouped("api", "v1")
        api.get("inbox", use: apiInbox)
        api.get("inbox", ":id", use: apiCopy)
        api.post("inbox", ":id", "done", use: apiDone)
        api.get("messages", use: apiSent)
        api.post("messages", use: apiSend)
        api.get("messages", ":id", use: apiDetail)
        api.post("messages", ":id", "remind", use: apiRemind)
    }

    static func pageRequest(_ req: Request) -> PinganKit.PageRequest {
        PinganKit.PageRequest(page: req.query[Int.self, at: "page"], per: req.query[Int.self, at: "per"], defaultPer: 30, maxPer: 200)
    }

    static func inboxQuery(_ req: Request) -> (MessageService.InboxFilter, String?) {
        let f = req.query[String.self, at: "filter"].flatMap(MessageService.InboxFilter.init(rawValue:)) ?? .open
        return (f, req.query[String.self, at: "q"]?.nilIfEmpty.map { String($0.prefix(40)) })
    }

    // MARK: inbox pages

    @Sendable func inboxPage(req: Request) async throws -> Response {
        let (filter, q) = Self.inboxQuery(req)
        let (items, info) = try await MessageService.inbox(req, filter, q: q, Self.pageRequest(req))
        return MessageViews.inbox(req, items: items, info: info, filter: filter, q: q)
    }

    @Sendable func copyPage(req: Request) async throws -> Response {
        let (m, r) = try await MessageService.open(req, req.parameters.get("id", as: Int.self))
        return MessageViews.copy(req, m, r, audience: try await MessageService.describe(req, m), note: nil, errors: FieldErrors())
    }

    struct DoneInput: Content {
        var note: String?
        init(from decoder: any Decoder) throws { note = try decoder.container(keyedBy: AnyKey.self).loose(AnyKey("note")) }
    }

    @Sendable func done(req: Request) async throws -> Response {
        let id = req.parameters.get("id", as: Int.self)
        let note = (try? req.content.decode(DoneInput.self))?.note
        do {
            _ = try await MessageService.complete(req, id, note: note)
            return req.redirect(to: "/inbox/\(id!)")
        } catch let e as FieldErrors {
            let (m, r) = try await MessageService.mine(req, id)
            return MessageViews.copy(req, m, r, audience: try await MessageService.describe(req, m), note: note, errors: e)
        }
    }

    // MARK: sender pages

    @Sendable func sentPage(req: Request) async throws -> Response {
        let f = MessageService.SentFilter(req)
        let (rows, info) = try await MessageService.sentPage(req, f, Self.pageRequest(req))
        return MessageViews.sent(req, rows: rows, progress: try await MessageService.progress(req.db, rows), info: info, filter: f)
    }

    @Sendable func newPage(req: Request) async throws -> Response {
        try req.require(.sendMessages)
        var input = MessageService.SendInput()
        // Starting from a person or an area (links from other pages): prefilled, nothing sent yet.
        input.usernames = req.query[String.self, at: "to"]
        input.areaID = req.query[String.self, at: "area"]
        return MessageViews.new(req, .init(input: input, reach: try await MessageService.reach(req)), errors: FieldErrors())
    }

    @Sendable func send(req: Request) async throws -> Response {
        try req.require(.sendMessages)
        let input = (try? req.content.decode(MessageService.SendInput.self)) ?? .init()
        do {
            let (m, _) = try await MessageService.send(req, input)
            return req.redirect(to: "/messages/\(m.id!)")
        } catch let e as FieldErrors {
            return MessageViews.new(req, .init(input: input, reach: try await MessageService.reach(req)), errors: e)
        }
    }

    func renderDetail(_ req: Request, _ m: PushMessage, errors: FieldErrors = FieldErrors(), reminded: Int? = nil) async throws -> Response {
        let state = req.query[String.self, at: "state"].flatMap(PushReceiptState.init(rawValue:))
        let all = try await MessageService.receipts(req, m)
        let members = try await MessageService.memberRows(req.db, m)
        let progress = MessageService.progress(m, users: all.map(\.receipt), members: members)
        let now = Date()
        return MessageViews.detail(req, m, audience: try await MessageService.describe(req, m), progress: progress,
                                   rows: state.map { s in all.filter { $0.state == s } } ?? all,
                                   members: state.map { s in members.filter { MessageService.state(m, $0, now: now) == s } } ?? members,
                                   state: state, errors: errors, reminded: reminded)
    }

    @Sendable func detailPage(req: Request) async throws -> Response {
        let m = try await MessageService.sent(req, req.parameters.get("id", as: Int.self))
        return try await renderDetail(req, m, reminded: req.query[Int.self, at: "reminded"])
    }

    @Sendable func receiptsCSV(req: Request) async throws -> Response {
        let m = try await MessageService.sent(req, req.parameters.get("id", as: Int.self))
        return MessageViews.csv(req, m, rows: try await MessageService.receipts(req, m), members: try await MessageService.memberRows(req.db, m))
    }

    @Sendable func remind(req: Request) async throws -> Response {
        let m = try await MessageService.sent(req, req.parameters.get("id", as: Int.self))
        do {
            let n = try await MessageService.remind(req, m)
            return req.redirect(to: "/messages/\(m.id!)?reminded=\(n)")
        } catch let e as FieldErrors { return try await renderDetail(req, m, errors: e) }
    }

    // MARK: API

    struct InboxPage: Content { var items: [InboxItemDTO]; var page: PageInfo; var unread: Int }
    struct SentPage: Content { var items: [PushMessageDTO]; var page: PageInfo }

    @Sendable func apiInbox(req: Request) async throws -> InboxPage {
        let (filter, q) = Self.inboxQuery(req)
        let (items, info) = try await MessageService.inbox(req, filter, q: q, Self.pageRequest(req))
        return InboxPage(items: items.map { InboxItemDTO($0.message, $0.receipt) }, page: info,
                         unread: try await MessageService.unreadCount(req.db, userID: try req.user.id!))
    }

    @Sendable func apiCopy(req: Request) async throws -> InboxItemDTO {
        let (m, r) = try await MessageService.open(req, req.parameters.get("id", as: Int.self))
        var dto = InboxItemDTO(m, r)
        dto.audience = try await MessageService.describe(req, m)
        return dto
    }

    @Sendable func apiDone(req: Request) async throws -> InboxItemDTO {
        let note = (try? req.content.decode(DoneInput.self))?.note
        let (m, r) = try await MessageService.complete(req, req.parameters.get("id", as: Int.self), note: note)
        return InboxItemDTO(m, r)
    }

    @Sendable func apiSent(req: Request) async throws -> SentPage {
        let f = MessageService.SentFilter(req)
        let (rows, info) = try await MessageService.sentPage(req, f, Self.pageRequest(req))
        let progress = try await MessageService.progress(req.db, rows)
        var items: [PushMessageDTO] = []
        for m in rows { items.append(PushMessageDTO(m, audience: try await MessageService.describe(req, m), progress: progress[m.id!]!, receipts: nil)) }
        return SentPage(items: items, page: info)
    }

    static func detail(_ req: Request, _ m: PushMessage) async throws -> PushMessageDTO {
        let rows = try await MessageService.receipts(req, m)
        let members = try await MessageService.memberRows(req.db, m)
        let progress = MessageService.progress(m, users: rows.map(\.receipt), members: members)
        var dto = PushMessageDTO(m, audience: try await MessageService.describe(req, m), progress: progress, receipts: rows.map(PushReceiptDTO.init))
        dto.memberReceipts = members.map { PushMemberReceiptDTO(m, $0) }
        return dto
    }

    @Sendable func apiSend(req: Request) async throws -> Response {
        try req.require(.sendMessages)
        guard let input = try? req.content.decode(MessageService.SendInput.self) else {
            throw Abort(.badRequest, reason: req.t("请求体应为 JSON 对象", "The body must be a JSON object"))
        }
        let (m, created) = try await MessageService.send(req, input)
        return try await Self.detail(req, m).encodeResponse(status: created ? .created : .ok, for: req)
    }

    @Sendable func apiDetail(req: Request) async throws -> PushMessageDTO {
        try await Self.detail(req, try await MessageService.sent(req, req.parameters.get("id", as: Int.self)))
    }

    struct RemindResult: Content { var reminded: Int }

    @Sendable func apiRemind(req: Request) async throws -> RemindResult {
        let m = try await MessageService.sent(req, req.parameters.get("id", as: Int.self))
        return RemindResult(reminded: try await MessageService.remind(req, m))
    }
}

struct PushMessageDTO: Content {
    var id: Int
    var kind: PushKind
    var title: String
    var body: String
    var senderName: String
    var sentAt: Date
    var dueAt: Date?
    var audience: String
    var recipientCount: Int
    var reminders: Int
    var lastRemindedAt: Date?
    var progress: PushProgress
    var receipts: [PushReceiptDTO]?
    /// Members without accounts, reached by SMS (one push's detail only).
    var memberReceipts: [PushMemberReceiptDTO]?

    init(_ m: PushMessage, audience: String, progress: PushProgress, receipts: [PushReceiptDTO]?) {
        id = m.id!; kind = m.kind; title = m.title; body = m.body; senderName = m.senderName; sentAt = m.sentAt; dueAt = m.dueAt
        self.audience = audience; recipientCount = m.recipientCount; reminders = m.reminders; lastRemindedAt = m.lastRemindedAt
        self.progress = progress; self.receipts = receipts
    }
}

struct PushReceiptDTO: Content {
    var userID: Int
    var name: String
    var role: Role?
    var place: String
    var state: PushReceiptState
    var readAt: Date?
    var doneAt: Date?
    var doneNote: String
    var remindedAt: Date?

    init(_ r: MessageService.ReceiptRow) {
        userID = r.receipt.userID; name = r.user?.displayName ?? ""; role = r.user?.role; place = r.place; state = r.state
        readAt = r.receipt.readAt; doneAt = r.receipt.doneAt; doneNote = r.receipt.doneNote; remindedAt = r.receipt.remindedAt
    }
}

/// A member's copy (by SMS): whom, which number (masked), how the SMS went, and their confirmation.
struct PushMemberReceiptDTO: Content {
    var memberID: Int
    var name: String
    var kind: PersonnelKind
    var phone: String
    var sms: PushSMSStatus
    var smsSentAt: Date?
    /// nil when the member has no number.
    var state: PushReceiptState?
    var readAt: Date?
    var doneAt: Date?
    var doneNote: String
    var remindedAt: Date?

    init(_ m: PushMessage, _ r: PushMemberReceipt) {
        memberID = r.memberID; name = r.memberName; kind = r.memberKind; phone = r.phoneMasked; sms = r.smsStatus; smsSentAt = r.smsSentAt
        state = MessageService.state(m, r); readAt = r.readAt; doneAt = r.doneAt; doneNote = r.doneNote; remindedAt = r.remindedAt
    }
}

/// One person's copy, as their inbox shows it. `id` is the push's id (the inbox's address for it).
struct InboxItemDTO: Content {
    var id: Int
    var kind: PushKind
    var title: String
    var body: String
    var senderName: String
    var sentAt: Date
    var dueAt: Date?
    var audience: String?
    var state: PushReceiptState
    var readAt: Date?
    var doneAt: Date?
    var doneNote: String
    var remindedAt: Date?

    init(_ m: PushMessage, _ r: PushReceipt) {
        id = m.id!; kind = m.kind; title = m.title; body = m.body; senderName = m.senderName; sentAt = m.sentAt; dueAt = m.dueAt
        state = .of(kind: m.kind, readAt: r.readAt, doneAt: r.doneAt, dueAt: m.dueAt, now: Date())
        readAt = r.readAt; doneAt = r.doneAt; doneNote = r.doneNote; remindedAt = r.remindedAt
    }
}

/// Counts the signed-in user's unread copies for the navigation badge (pages only: the API has `unread` in its inbox).
struct InboxBadgeMiddleware: AsyncMiddleware {
    func respond(to req: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        if req.method == .GET, let id = req.auth.get(User.self)?.id, !req.url.path.hasPrefix("/api/"), !req.url.path.hasSuffix(".csv") {
            let pushes = (try? await MessageService.unreadCount(req.db, userID: id)) ?? 0
            let notices = (try? await StaffNotices.unreadCount(req.db, userID: id)) ?? 0
            req.storage[InboxBadgeKey.self] = pushes + notices
            req.storage[WorkNoticeBadgeKey.self] = notices
        }
        return try await next.respond(to: req)
    }
}

