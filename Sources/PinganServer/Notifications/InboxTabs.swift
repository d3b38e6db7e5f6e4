import Vapor
import PinganKit

/// The tabs over a user's messages: the inbox of pushed notices and tasks (Messages), the work notices
/// (Notifications), and for those who send, the sent list and the form. Here, below Messages, so both can show them.
enum InboxTabs {
    static func node(_ req: Request, active: String) -> Node {
        let L = req.lang
        let canSend = (try? req.user.role.can(.sendMessages)) ?? false
        let notices = req.storage[WorkNoticeBadgeKey.self] ?? 0, pushes = (req.storage[InboxBadgeKey.self] ?? 0) - notices
        func count(_ n: Int) -> String { n > 0 ? " \(n > 99 ? "99+" : String(n))" : "" }
        var items: [(String, String)] = [("/inbox", L.t("收件箱", "Inbox") + count(pushes)), ("/notifications", L.t("工作提醒", "Work notices") + count(notices))]
        if canSend { items += [("/messages", L.t("已发送", "Sent")), ("/messages/new", L.t("发送通知或任务", "Send a notice or task"))] }
        return .element("nav", [.class("tabs no-print")] + items.map { path, text in .a(.href(path), path == active ? .class("active") : .empty, .text(text)) })
    }
}

/// The part of the badge that is work notices (the tabs say which side the count is on).
struct WorkNoticeBadgeKey: StorageKey { typealias Value = Int }
