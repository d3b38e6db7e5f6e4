import Vapor
import PinganKit

/// `/public/push/{token}`: the page a member without an account opens from the SMS of a push — the notice or task,
/// a button to confirm it was received and, for a task, to report it done. No sign-in: the link's secret is the key,
/// and it opens this one copy only. A wrong or malformed token answers 404.
struct MemberReceiptController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let r = routes.grouped("public", "push")
        r.get(":token", use: page)
        r.on(.POST, ":token", body: .collect(maxSize: "16kb"), use: confirm)
    }

    struct ConfirmInput: Content {
        var done: String?; var note: String?
        init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: AnyKey.self)
            done = c.loose(AnyKey("done")); note = c.loose(AnyKey("note"))
        }
    }

    @Sendable func page(req: Request) async throws -> Response {
        let (m, r) = try await MessageService.byToken(req.db, req.parameters.get("token"))
        return Self.view(req, m, r, note: nil, errors: FieldErrors())
    }

    @Sendable func confirm(req: Request) async throws -> Response {
        let (m, r) = try await MessageService.byToken(req.db, req.parameters.get("token"))
        let input = try? req.content.decode(ConfirmInput.self)
        do {
            try await MessageService.confirm(req, m, r, done: DisputeInput.flag(input?.done), note: input?.note)
            return req.redirect(to: "/public/push/\(r.token)")
        } catch let e as FieldErrors {
            return Self.view(req, m, r, note: input?.note, errors: e)
        }
    }

    static func view(_ req: Request, _ m: PushMessage, _ r: PushMemberReceipt, note: String?, errors: FieldErrors) -> Response {
        let L = req.lang, cal = req.localCalendar
        let action: Node
        if let at = r.doneAt {
            action = .div(.class("card"), .p(.text(L.t("您已于 \(cal.formatDateTime(at)) 报告完成，谢谢。", "You reported it done on \(cal.formatDateTime(at)). Thank you."))),
                          r.doneNote.isEmpty ? .empty : .p(.class("pre"), .text(r.doneNote)))
        } else if m.kind == .notice, let at = r.readAt {
            action = .div(.class("card"), .p(.text(L.t("您已于 \(cal.formatDateTime(at)) 确认收到，谢谢。", "You confirmed it on \(cal.formatDateTime(at)). Thank you."))))
        } else {
            let csrf: Node = .input(.type("hidden"), .name("_csrf"), .value(req.csrfToken))
            let received: Node = r.readAt == nil
                ? .form(.method("post"), .action("/public/push/\(r.token)"), .class("inline"), csrf, .button(.type("submit"), .class(m.kind == .task ? "secondary" : ""), .text(L.t("确认收到", "Confirm received"))))
                : .p(.class("muted"), .text(L.t("已于 \(cal.formatDateTime(r.readAt!)) 确认收到。", "Received on \(cal.formatDateTime(r.readAt!)).")))
            action = .div(.class("card"), Form.errorSummary(req, errors), m.kind == .notice ? received : .group([
                received,
                .form(.method("post"), .action("/public/push/\(r.token)"), csrf, .input(.type("hidden"), .name("done"), .value("1")),
                    .h2(.text(L.t("报告完成", "Report it done"))),
                    .div(.class("form"), Form.field(L.t("办理情况（选填）", "What was done (optional)"), "note", errors, wide: true,
                                                    hint: L.t("不超过500字；发送单位可以看到", "At most 500 characters; the sender sees it"), Form.textarea("note", note))),
                    .p(.button(.type("submit"), .text(L.t("已完成", "Done"))))),
            ]))
        }
        return PublicLayout.page(req, title: m.title, status: errors.isEmpty ? .ok : .unprocessableEntity,
            .div(.class("card"),
                .h1(.text(m.title)),
                .p(MessageViews.kindBadge(L, m.kind)),
                .dl(.class("kv"),
                    .dt(.text(L.t("收件人", "To"))), .dd(.text(r.memberName + " · " + L.t(r.memberKind.nameZh, r.memberKind.nameEn))),
                    .dt(.text(L.t("发送人", "From"))), .dd(.text(m.senderName)),
                    .dt(.text(L.t("发送时间", "Sent"))), .dd(.text(cal.formatDateTime(m.sentAt))),
                    m.dueAt.map { .group([.dt(.text(L.t("截止时间", "Due"))), .dd(.strong(.text(cal.formatDateTime($0))))]) } ?? .empty),
                .div(.class("message-body"), .text(m.body))),
            action)
    }
}
