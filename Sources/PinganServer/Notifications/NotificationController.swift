import Fluent
import Vapor
import PinganKit

/// `/notifications` (everyone's own work notices) and `/portal/outbox` (the notices residents were sent), with their
/// API twins under `/api/v1/notifications` and `/api/v1/portal/outbox`.
struct NotificationController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get("notifications", use: page)
        routes.get("notifications", ":id", use: open)
        routes.post("notifications", "read-all", use: readAll)
        routes.get("portal", "outbox", use: outboxPage)
        routes.post("portal", "outbox", ":id", "retry", use: retry)

        let api = routes.grouped("api", "v1")
        api.get("notifications", use: apiList)
        api.post("notifications", ":id", "read", use: apiRead)
        api.post("notifications", "read-all", use: apiReadAll)
        api.get("portal", "outbox", use: apiOutbox)
        api.post("portal", "outbox", ":id", "retry", use: apiRetry)
    }

    static func pageRequest(_ req: Request) -> PinganKit.PageRequest {
        PinganKit.PageRequest(page: req.query[Int.self, at: "page"], per: req.query[Int.self, at: "per"], defaultPer: 30, maxPer: 200)
    }

    // MARK: staff notices

    @Sendable func page(req: Request) async throws -> Response {
        let unreadOnly = req.query[String.self, at: "all"] == nil
        let (items, info) = try await StaffNotices.list(req, unreadOnly: unreadOnly, Self.pageRequest(req))
        let unread = try await StaffNotices.unreadCount(req.db, userID: try req.user.requireID())
        return NotificationViews.staff(req, items: items, info: info, unreadOnly: unreadOnly, unread: unread)
    }

    /// Opening a notice marks it read and goes to the record (where the record's own scope decides what is shown).
    @Sendable func open(req: Request) async throws -> Response {
        let n = try await StaffNotices.open(req, req.parameters.get("id", as: Int.self))
        return req.redirect(to: n.link.hasPrefix("/") && !n.link.hasPrefix("//") ? n.link : "/notifications")
    }

    @Sendable func readAll(req: Request) async throws -> Response {
        _ = try await StaffNotices.readAll(req)
        return req.redirect(to: "/notifications?all=1")
    }

    struct ListDTO: Content { var unread: Int; var items: [StaffNoticeDTO]; var page: PageInfo }

    @Sendable func apiList(req: Request) async throws -> ListDTO {
        let unreadOnly = ["1", "true"].contains(req.query[String.self, at: "unread"] ?? "")
        let (items, info) = try await StaffNotices.list(req, unreadOnly: unreadOnly, Self.pageRequest(req))
        return ListDTO(unread: try await StaffNotices.unreadCount(req.db, userID: try req.user.requireID()), items: items.map(StaffNoticeDTO.init), page: info)
    }

    @Sendable func apiRead(req: Request) async throws -> StaffNoticeDTO {
        StaffNoticeDTO(try await StaffNotices.open(req, req.parameters.get("id", as: Int.self)))
    }

    struct ReadAllDTO: Content { var marked: Int }
    @Sendable func apiReadAll(req: Request) async throws -> ReadAllDTO { ReadAllDTO(marked: try await StaffNotices.readAll(req)) }

    // MARK: the residents' outbox

    static func outboxQuery(_ req: Request) async throws -> (QueryBuilder<OutboxMessage>, OutboxStatus?) {
        try req.require(.viewPortal)
        var status: OutboxStatus? = nil
        if let raw = req.query[String.self, at: "status"]?.nilIfEmpty {
            guard let s = OutboxStatus(rawValue: raw) else {
                throw FieldErrors(["status": req.t("状态应为 pending、sent、failed 或 skipped", "Use pending, sent, failed or skipped")])
            }
            status = s
        }
        let q = try await req.scoped(OutboxMessage.self)
        if let status { q.filter(\.$status == status) }
        return (q, status)
    }

    static func outboxPage(_ req: Request) async throws -> ([OutboxMessageDTO], [Int: String], [Int: String], PageInfo, OutboxStatus?) {
        let (q, status) = try await outboxQuery(req)
        let p = pageRequest(req)
        let total = try await q.count()
        let rows = try await q.sort(\.$id, .descending).range(p.offset..<(p.offset + p.per)).all()
        let numbers = Dictionary(uniqueKeysWithValues: Set(rows.compactMap(\.requestID)).map { ($0, PortalRequest.number($0)) })
        let noticeIDs = Array(Set(rows.compactMap(\.noticeID)))
        let titles = noticeIDs.isEmpty ? [:] : Dictionary(uniqueKeysWithValues: try await PortalNotice.query(on: req.db).filter(\.$id ~~ noticeIDs).all().map { ($0.id!, $0.title) })
        return (rows.map(OutboxMessageDTO.init), numbers, titles, p.info(total: total), status)
    }

    @Sendable func outboxPage(req: Request) async throws -> Response {
        let (items, numbers, notices, info, status) = try await Self.outboxPage(req)
        return NotificationViews.outbox(req, items: items, numbers: numbers, notices: notices, info: info, status: status, canRetry: try req.user.role.can(.handlePortal))
    }

    struct OutboxListDTO: Content { var channels: [String: Bool]; var items: [OutboxMessageDTO]; var page: PageInfo }

    @Sendable func apiOutbox(req: Request) async throws -> OutboxListDTO {
        let (items, _, _, info, _) = try await Self.outboxPage(req)
        let config = req.config.notify
        return OutboxListDTO(channels: Dictionary(uniqueKeysWithValues: OutboxChannel.allCases.map { ($0.rawValue, config.isConfigured($0)) }), items: items, page: info)
    }

    static func retry(_ req: Request) async throws -> OutboxMessage {
        try req.require(.handlePortal)
        let m = try await req.findScoped(OutboxMessage.self, req.parameters.get("id", as: Int.self))
        try await Outbox.retry(req, m)
        return m
    }

    @Sendable func retry(req: Request) async throws -> Response {
        _ = try await Self.retry(req)
        return req.redirect(to: "/portal/outbox?status=pending")
    }

    @Sendable func apiRetry(req: Request) async throws -> OutboxMessageDTO { OutboxMessageDTO(try await Self.retry(req)) }
}
