import Vapor
import PinganKit

/// A resident notice as staff see it: the address masked, never opened.
struct OutboxMessageDTO: Content {
    var id: Int
    /// What it reports: a request, or a notice (with the subscription it went to).
    var requestID: Int?
    var noticeID: Int?
    var subscriptionID: Int?
    var channel: OutboxChannel
    var recipient: String
    var event: ResidentNoticeEvent
    var status: OutboxStatus
    var attempts: Int
    var lastError: String
    var createdAt: Date
    var sentAt: Date?
    var nextAttemptAt: Date?

    init(_ m: OutboxMessage) {
        id = m.id!; requestID = m.requestID; noticeID = m.noticeID; subscriptionID = m.subscriptionID; channel = m.channel; recipient = m.recipientMasked; event = m.event; status = m.status
        attempts = m.attempts; lastError = m.lastError; createdAt = m.createdAt; sentAt = m.sentAt
        nextAttemptAt = m.status == .pending ? m.nextAttemptAt : nil
    }
}

struct StaffNoticeDTO: Content {
    var id: Int
    var kind: StaffNoticeKind
    var title: String
    var link: String
    var createdAt: Date
    var readAt: Date?
    init(_ n: StaffNotice) { id = n.id!; kind = n.kind; title = n.title; link = n.link; createdAt = n.createdAt; readAt = n.readAt }
}

enum NotificationViews {
    static func statusBadge(_ L: Lang, _ s: OutboxStatus) -> Node {
        let cls: String
        switch s { case .sent: cls = "closed"; case .pending: cls = "dispatched"; case .failed: cls = "received"; case .skipped: cls = "gen" }
        return .span(.class("badge " + cls), .text(L.t(s.nameZh, s.nameEn)))
    }

    /// The notices of one request, on its staff page.
    static func requestCard(_ req: Request, _ d: PortalRequestDTO) -> Node {
        let L = req.lang, cal = req.localCalendar
        let notices = d.notices ?? []
        let wanted = d.notify ? L.t("群众要求通过\([d.phoneMasked.map { _ in "短信" }, d.emailMasked.map { _ in "邮件" }].compactMap { $0 }.joined(separator: "、"))接收办理进度。",
                                    "The resident asked to be told of progress by \([d.phoneMasked.map { _ in "SMS" }, d.emailMasked.map { _ in "e-mail" }].compactMap { $0 }.joined(separator: " and ")).")
                              : L.t("群众未要求接收办理进度通知。", "The resident did not ask to be told of progress.")
        return .div(.class("card"), .h2(.text(L.t("告知群众", "Resident notices"))), .p(.class("muted"), .text(wanted)),
            notices.isEmpty ? (d.notify ? .p(.class("muted"), .text(L.t("受理、公开答复和办结时会自动通知。", "A notice goes out on acceptance, on each public reply and on closing."))) : .empty)
            : .div(.class("scroll"), .table(.class("data"),
                .thead(.tr(.th(.text(L.t("事项", "For"))), .th(.text(L.t("方式", "By"))), .th(.text(L.t("状态", "State"))), .th(.class("hide-sm"), .text(L.t("时间", "When"))))),
                .element("tbody", notices.map { n in
                    .tr(.td(.text(L.t(n.event.nameZh, n.event.nameEn))),
                        .td(.text(L.t(n.channel.nameZh, n.channel.nameEn) + " " + n.recipient)),
                        .td(statusBadge(L, n.status), n.lastError.isEmpty || n.status == .sent || n.status == .skipped ? .empty : .span(.class("small muted"), .text(" " + n.lastError))),
                        .td(.class("hide-sm nowrap"), .text(cal.formatDateTime(n.sentAt ?? n.createdAt))))
                }))))
    }

    /// `/portal/outbox`: every resident notice in the user's area, the failed ones first to hand.
    static func outbox(_ req: Request, items: [OutboxMessageDTO], numbers: [Int: String], notices: [Int: String], info: PageInfo, status: OutboxStatus?, canRetry: Bool) -> Response {
        let L = req.lang, cal = req.localCalendar
        let config = req.config.notify
        let channels = OutboxChannel.allCases.map { c in L.t(c.nameZh, c.nameEn) + "：" + (config.isConfigured(c) ? L.t("已配置", "configured") : L.t("未配置", "not configured")) }
        let filters: [(OutboxStatus?, String, String)] = [(nil, "全部", "All")] + OutboxStatus.allCases.map { ($0, $0.nameZh, $0.nameEn) }
        let tabs: Node = .element("nav", [.class("tabs no-print")] + filters.map { s, zh, en in
            .a(.href("/portal/outbox" + (s.map { "?status=\($0.rawValue)" } ?? "")), s == status ? .class("active") : .empty, .text(L.t(zh, en)))
        })
        let list: Node = items.isEmpty ? .div(.class("empty"), .text(status == nil
                ? L.t("还没有给群众的通知。群众提交诉求时勾选“告诉我办理进度”，受理、答复和办结时会在这里留下记录；订阅了社区公告的群众收到的公告也记在这里。",
                      "No resident notices yet. When a resident ticks “tell me” on a request, each acceptance, reply and closing is recorded here, as are the notices sent to subscribers.")
                : L.t("没有这个状态的通知。", "No notice in this state.")))
            : .div(.class("scroll"), .table(.class("data"),
                .thead(.tr(.th(.text(L.t("关于", "About"))), .th(.class("hide-sm"), .text(L.t("事项", "For"))), .th(.text(L.t("方式", "By"))), .th(.text(L.t("状态", "State"))),
                           .th(.class("num hide-sm"), .text(L.t("尝试", "Tries"))), .th(.class("hide-sm"), .text(L.t("时间", "When"))), .th(.class("no-print"), .text("")))),
                .element("tbody", items.map { n in
                    .tr(.td(about(L, n, numbers: numbers, notices: notices)),
                        .td(.class("hide-sm"), .text(L.t(n.event.nameZh, n.event.nameEn))),
                        .td(.text(L.t(n.channel.nameZh, n.channel.nameEn) + " " + n.recipient)),
                        .td(statusBadge(L, n.status), n.lastError.isEmpty || n.status == .sent || n.status == .skipped ? .empty : .div(.class("small muted"), .text(n.lastError))),
                        .td(.class("num hide-sm"), .text("\(n.attempts)")),
                        .td(.class("hide-sm nowrap"), .text(cal.formatDateTime(n.sentAt ?? n.nextAttemptAt ?? n.createdAt))),
                        .td(.class("no-print"), canRetry && (n.status == .failed || n.status == .skipped) && config.isConfigured(n.channel)
                            ? .form(.method("post"), .action("/portal/outbox/\(n.id)/retry"), .class("inline"), Layout.csrfField(req),
                                    .button(.type("submit"), .class("secondary"), .text(L.t("重发", "Send again"))))
                            : .empty))
                })))
        return .page(req, title: L.t("群众通知记录", "Resident notices"),
            .div(.class("toolbar"), .h1(.text(L.t("群众通知记录", "Resident notices")))), PortalViews.tabs(req, active: "outbox"),
            .p(.class("muted"), .text(channels.joined(separator: " · "))),
            tabs, list, info.total > info.per ? Pager.view(req, info) : .empty)
    }

    /// A request's number, a notice's title (to its public page), or a subscription's confirmation.
    static func about(_ L: Lang, _ n: OutboxMessageDTO, numbers: [Int: String], notices: [Int: String]) -> Node {
        if let r = n.requestID { return .a(.href("/portal/requests/\(r)"), .text(numbers[r] ?? "#\(r)")) }
        if let id = n.noticeID { return .a(.href("/public/notices/\(id)"), .text(L.t("公告：", "Notice: ") + (notices[id] ?? "#\(id)"))) }
        return .a(.href("/portal/subscriptions"), .text(L.t("公告订阅", "Notice subscription")))
    }

    /// `/notifications`: the work given to the signed-in person.
    static func staff(_ req: Request, items: [StaffNotice], info: PageInfo, unreadOnly: Bool, unread: Int) -> Response {
        let L = req.lang, cal = req.localCalendar
        let tabs: Node = .element("nav", [.class("tabs no-print")] + [(true, L.t("未读", "Unread") + (unread > 0 ? " \(unread)" : "")), (false, L.t("全部", "All"))].map { u, text in
            .a(.href("/notifications" + (u ? "" : "?all=1")), u == unreadOnly ? .class("active") : .empty, .text(text))
        })
        let list: Node = items.isEmpty ? .div(.class("empty"), .text(unreadOnly
                ? L.t("没有未读的工作提醒。派给您的诉求、警情、纠纷、事件和预警会出现在这里。", "Nothing new. Requests, incidents, disputes, events and alerts given to you appear here.")
                : L.t("还没有工作提醒。", "No work notices yet.")))
            : .div(.class("scroll"), .table(.class("data inbox"),
                .thead(.tr(.th(.text(L.t("类型", "Kind"))), .th(.text(L.t("事项", "What"))), .th(.class("hide-sm"), .text(L.t("时间", "When"))))),
                .element("tbody", items.map { n in
                    .tr(n.readAt == nil ? .class("unread") : .empty,
                        .td(.span(.class("badge gen"), .text(L.t(n.kind.nameZh, n.kind.nameEn)))),
                        .td(.a(.href("/notifications/\(n.id!)"), .text(n.title))),
                        .td(.class("hide-sm nowrap"), .text(cal.formatDateTime(n.createdAt))))
                })))
        return .page(req, title: L.t("工作提醒", "Work notices"),
            .div(.class("toolbar"), .h1(.text(L.t("消息", "Messages"))),
                 unread == 0 ? .empty : .form(.method("post"), .action("/notifications/read-all"), .class("inline no-print"), Layout.csrfField(req),
                                              .button(.type("submit"), .class("secondary"), .text(L.t("全部标为已读", "Mark all read"))))),
            InboxTabs.node(req, active: "/notifications"), tabs, list, info.total > info.per ? Pager.view(req, info) : .empty)
    }
}
