import Vapor
import PinganKit

/// Pages of targeted push (精准推送): the inbox (收件箱), one copy, the sent list, the send form and one push's receipts.
enum MessageViews {
    static func stateBadge(_ L: Lang, _ s: PushReceiptState) -> Node {
        let cls: String
        switch s { case .unread: cls = "received"; case .read: cls = "handled"; case .done: cls = "closed"; case .overdue: cls = "received" }
        return .span(.class("badge \(cls)"), .text(L.t(s.nameZh, s.nameEn)))
    }

    static func kindBadge(_ L: Lang, _ k: PushKind) -> Node {
        .span(.class("badge " + (k == .task ? "dispatched" : "gen")), .text(L.t(k.nameZh, k.nameEn)))
    }

    /// A share as a thin bar with its figure: the sender sees at a glance how far a push has got.
    static func meter(_ share: Share, _ label: String) -> Node {
        Meter.line(share.fraction, "\(label) \(share.part)/\(share.whole)")
    }

    // MARK: inbox

    static func inbox(_ req: Request, items: [MessageService.InboxItem], info: PageInfo, filter: MessageService.InboxFilter, q: String?) -> Response {
        let L = req.lang, cal = req.localCalendar
        let filters: [(MessageService.InboxFilter, String, String)] = [(.open, "待处理", "To do"), (.unread, "未读", "Unread"), (.all, "全部", "All")]
        let filterBar: Node = .form(.method("get"), .action("/inbox"), .class("filters"),
            .element("nav", [.class("tabs")] + filters.map { f, zh, en in
                .a(.href("/inbox?filter=\(f.rawValue)"), f == filter ? .class("active") : .empty, .text(L.t(zh, en)))
            }),
            .input(.type("hidden"), .name("filter"), .value(filter.rawValue)),
            .label(.text(L.t("标题", "Title")), Form.input("q", q, extra: .placeholder(L.t("标题中的字", "part of the title")))),
            .button(.type("submit"), .text(L.t("查找", "Search"))))
        let empty: String
        switch filter {
        case .open: empty = L.t("没有待处理的通知或任务。", "Nothing to do.")
        case .unread: empty = L.t("没有未读消息。", "No unread messages.")
        case .all: empty = L.t("收件箱是空的。上级推送的通知和任务会出现在这里。", "Your inbox is empty. Notices and tasks pushed to you appear here.")
        }
        let list: Node = items.isEmpty ? .div(.class("empty"), .text(q == nil ? empty : L.t("没有符合条件的消息。", "No message matches.")))
            : .div(.class("scroll"), .table(.class("data inbox"),
                .thead(.tr(.th(.text(L.t("类型", "Kind"))), .th(.text(L.t("标题", "Title"))), .th(.class("hide-sm"), .text(L.t("发送人", "From"))),
                           .th(.class("hide-sm"), .text(L.t("发送时间", "Sent"))), .th(.text(L.t("截止", "Due"))), .th(.text(L.t("状态", "State"))))),
                .element("tbody", items.map { i in
                    let m = i.message
                    return .tr(i.receipt.readAt == nil ? .class("unread") : .empty,
                        .td(kindBadge(L, m.kind)),
                        .td(.a(.href("/inbox/\(m.id!)"), .text(m.title)),
                            i.receipt.remindedAt != nil && i.state != .done ? .span(.class("badge prev"), .text(" " + L.t("已催办", "Reminded"))) : .empty),
                        .td(.class("hide-sm"), .text(m.senderName)),
                        .td(.class("hide-sm nowrap"), .text(cal.formatDateTime(m.sentAt))),
                        .td(.class("nowrap"), .text(m.dueAt.map(cal.formatDateTime) ?? "—")),
                        .td(stateBadge(L, i.state)))
                })))
        return .page(req, title: L.t("收件箱", "Inbox"),
            .div(.class("toolbar"), .h1(.text(L.t("消息", "Messages")))), InboxTabs.node(req, active: "/inbox"),
            filterBar, list, info.total > info.per ? Pager.view(req, info) : .empty)
    }

    static func copy(_ req: Request, _ m: PushMessage, _ r: PushReceipt, audience: String, note: String?, errors: FieldErrors) -> Response {
        let L = req.lang, cal = req.localCalendar
        let state = PushReceiptState.of(kind: m.kind, readAt: r.readAt, doneAt: r.doneAt, dueAt: m.dueAt, now: Date())
        let done: Node
        if m.kind != .task { done = .empty }
        else if let at = r.doneAt {
            done = .div(.class("card"), .h2(.text(L.t("办理情况", "What was done"))),
                        .p(.text(L.t("已于 \(cal.formatDateTime(at)) 报告完成。", "Reported done on \(cal.formatDateTime(at))."))),
                        r.doneNote.isEmpty ? .empty : .p(.class("pre"), .text(r.doneNote)))
        } else {
            done = .form(.method("post"), .action("/inbox/\(m.id!)/done"), .class("card"), Layout.csrfField(req),
                .h2(.text(L.t("报告完成", "Report it done"))), Form.errorSummary(req, errors),
                .div(.class("form"), Form.field(L.t("办理情况（选填）", "What was done (optional)"), "note", errors, wide: true,
                                                hint: L.t("不超过500字；发送人可以看到", "At most 500 characters; the sender sees it"), Form.textarea("note", note))),
                .p(.button(.type("submit"), .text(L.t("已完成", "Done")))))
        }
        return .page(req, title: m.title, status: errors.isEmpty ? .ok : .unprocessableEntity,
            .div(.class("breadcrumb no-print"), .a(.href("/inbox"), .text(L.t("收件箱", "Inbox"))), " › ", .text(m.title)),
            .div(.class("card"),
                .h1(.text(m.title)),
                .p(kindBadge(L, m.kind), .text(" "), stateBadge(L, state),
                   r.remindedAt != nil && r.doneAt == nil ? .group([.text(" "), .span(.class("badge prev"), .text(L.t("已催办", "Reminded")))]) : .empty),
                .dl(.class("kv"),
                    .dt(.text(L.t("发送人", "From"))), .dd(.text(m.senderName)),
                    .dt(.text(L.t("发送时间", "Sent"))), .dd(.text(cal.formatDateTime(m.sentAt))),
                    m.dueAt.map { .group([.dt(.text(L.t("截止时间", "Due"))), .dd(.strong(.text(cal.formatDateTime($0))))]) } ?? .empty,
                    .dt(.text(L.t("发送范围", "Sent to"))), .dd(.text(audience))),
                .div(.class("message-body"), .text(m.body))),
            done)
    }

    // MARK: the sender's side

    static func sent(_ req: Request, rows: [PushMessage], progress: [Int: PushProgress], info: PageInfo, filter: MessageService.SentFilter) -> Response {
        let L = req.lang, cal = req.localCalendar
        let filters: Node = .form(.method("get"), .action("/messages"), .class("filters"),
            .label(.text(L.t("类型", "Kind")), Form.select("kind", PushKind.allCases.map { ($0.rawValue, L.t($0.nameZh, $0.nameEn)) }, selected: filter.kind?.rawValue, blank: L.t("全部", "All"))),
            .label(.text(L.t("标题", "Title")), Form.input("q", filter.q, extra: .placeholder(L.t("标题中的字", "part of the title")))),
            .label(.class("check"), .input(.type("checkbox"), .name("mine"), .value("1"), .checked(filter.mine)), .text(L.t("只看我发的", "Sent by me only"))),
            .button(.type("submit"), .text(L.t("筛选", "Filter"))), .a(.href("/messages"), .text(L.t("清除", "Clear"))))
        let table: Node = rows.isEmpty
            ? .div(.class("empty"), .text(filter.q == nil && filter.kind == nil
                ? L.t("还没有推送。点“发送通知或任务”向辖区内的人员推送。", "Nothing pushed yet. Use Send a notice or task to reach people in your area.")
                : L.t("没有符合条件的推送。", "No push matches.")))
            : .div(.class("scroll"), .table(.class("data"),
                .thead(.tr(.th(.text(L.t("类型", "Kind"))), .th(.text(L.t("标题", "Title"))), .th(.class("hide-sm"), .text(L.t("发送人", "From"))),
                           .th(.class("hide-sm"), .text(L.t("发送时间", "Sent"))), .th(.text(L.t("进度", "Progress"))))),
                .element("tbody", rows.map { m in
                    let p = progress[m.id!]
                    return .tr(.td(kindBadge(L, m.kind)),
                        .td(.a(.href("/messages/\(m.id!)"), .text(m.title)),
                            (p?.overdue ?? 0) > 0 ? .span(.class("badge received"), .text(" " + L.t("逾期\(p!.overdue)人", "\(p!.overdue) overdue"))) : .empty),
                        .td(.class("hide-sm"), .text(m.senderName)),
                        .td(.class("hide-sm nowrap"), .text(cal.formatDateTime(m.sentAt))),
                        .td(p.map { p in .group([meter(p.read, L.t("已读", "Read")), p.done.map { meter($0, L.t("完成", "Done")) } ?? .empty]) } ?? .empty))
                })))
        return .page(req, title: L.t("已发送", "Sent"),
            .div(.class("toolbar"), .h1(.text(L.t("消息", "Messages")))), InboxTabs.node(req, active: "/messages"),
            filters, table, info.total > info.per ? Pager.view(req, info) : .empty)
    }

    struct FormData {
        var input: MessageService.SendInput
        var reach: MessageService.Reach
    }

    static func new(_ req: Request, _ d: FormData, errors: FieldErrors) -> Response {
        let L = req.lang, i = d.input
        let chosenRoles = Set(i.roles ?? []), chosenUnits = Set(i.unitIDs ?? []), chosenKinds = Set(i.memberKinds ?? [])
        // Unit staff are reached through their unit, not an area.
        let roles: [Role] = [.communityOfficer, .gridWorker, .teamLeader, .mediator, .stationChief, .districtCommand]
        let areaOptions = d.reach.areas.map { a in ("\(a.id!)", (a.level == .community ? "　　" : a.level == .street ? "　" : "") + a.name) }
        return .page(req, title: L.t("发送通知或任务", "Send a notice or task"), status: errors.isEmpty ? .ok : .unprocessableEntity,
            .div(.class("toolbar"), .h1(.text(L.t("消息", "Messages")))), InboxTabs.node(req, active: "/messages/new"),
            .form(.method("post"), .action("/messages"), .class("card"), Layout.csrfField(req),
                .input(.type("hidden"), .name("idempotencyKey"), .value(i.idempotencyKey ?? UUID().uuidString)),
                Form.errorSummary(req, errors),
                errors["audience"].map { .div(.class("alert error"), .attr("role", "alert"), .text($0)) } ?? .empty,
                .div(.class("form"),
                    Form.field(L.t("类型", "Kind"), "kind", errors, hint: L.t("任务须报告完成，可催办", "A task must be reported done and can be reminded"),
                               Form.select("kind", PushKind.allCases.map { ($0.rawValue, L.t($0.nameZh, $0.nameEn)) }, selected: i.kind ?? "notice")),
                    Form.field(L.t("截止时间（任务）", "Due (task)"), "dueAt", errors, Form.input("dueAt", i.dueAt, type: "datetime-local")),
                    Form.field(L.t("标题", "Title"), "title", errors, wide: true, Form.input("title", i.title, required: true, extra: .attr("maxlength", "\(PushRules.titleLength.upperBound)"))),
                    Form.field(L.t("正文", "Text"), "body", errors, wide: true, Form.textarea("body", i.body))),
                .h2(.text(L.t("发送给", "Send to"))),
                .p(.class("muted small"), .text(L.t("以下三种方式可以组合，收件人为三者之和。", "The three ways combine; the recipients are all of them together."))),
                .div(.class("form"),
                    Form.field(L.t("区域", "Area"), "areaID", errors, hint: L.t("在该区域内工作的人员，如社区民警、网格员", "People who work in the area: its officers, grid workers …"),
                               Form.select("areaID", areaOptions, selected: i.areaID, blank: L.t("不按区域", "No area"))),
                    .div(.class(errors["roles"] != nil ? "has-error" : ""),
                        .label(.text(L.t("区域内的角色（不选则为全体）", "Roles in the area (none: everyone)"))),
                        .div(.class("checks"), .forEach(roles) { r in
                            .label(.input(.type("checkbox"), .name("roles[]"), .value(r.rawValue), .checked(chosenRoles.contains(r.rawValue))), .text(L.t(r.nameZh, r.nameEn)))
                        }),
                        errors["roles"].map { .span(.class("field-error"), .text($0)) } ?? .empty),
                    .div(.class("wide " + (errors["memberKinds"] != nil ? "has-error" : "")),
                        .label(.text(L.t("区域内的队员（无账号，发短信）", "Members in the area (no account: by SMS)"))),
                        .div(.class("checks"), .forEach(PersonnelKind.allCases) { k in
                            .label(.input(.type("checkbox"), .name("memberKinds[]"), .value(k.rawValue), .checked(chosenKinds.contains(k.rawValue))), .text(L.t(k.nameZh, k.nameEn)))
                        }),
                        .span(.class("hint"), .text(L.t("发给队伍名册中在岗的这些人员，短信附回执链接；只选人员类别时，区域内的账号用户不会收到",
                                                         "Active members of these kinds on the team lists get an SMS with a receipt link; with kinds only, accounts in the area are not sent it"))),
                        errors["memberKinds"].map { .span(.class("field-error"), .text($0)) } ?? .empty),
                    d.reach.units.isEmpty ? .empty : .div(.class("wide " + (errors["unitIDs"] != nil ? "has-error" : "")),
                        .label(.text(L.t("处置单位", "Responsible units"))),
                        .div(.class("checks"), .forEach(d.reach.units) { u in
                            .label(.input(.type("checkbox"), .name("unitIDs[]"), .value("\(u.id!)"), .checked(chosenUnits.contains("\(u.id!)"))), .text(u.name))
                        }),
                        errors["unitIDs"].map { .span(.class("field-error"), .text($0)) } ?? .empty),
                    Form.field(L.t("指定人员（用户名）", "Named people (usernames)"), "usernames", errors, wide: true,
                               hint: L.t("多个用户名用空格、逗号或换行分隔", "Separate usernames with spaces, commas or new lines"), Form.textarea("usernames", i.usernames))),
                .p(.button(.type("submit"), .text(L.t("发送", "Send"))), .text(" "), .a(.href("/messages"), .text(L.t("取消", "Cancel"))))))
    }

    static func detail(_ req: Request, _ m: PushMessage, audience: String, progress: PushProgress, rows: [MessageService.ReceiptRow],
                       members: [PushMemberReceipt], state: PushReceiptState?, errors: FieldErrors, reminded: Int?) -> Response {
        let L = req.lang, cal = req.localCalendar
        let states: [PushReceiptState] = m.kind == .task ? [.unread, .read, .done, .overdue] : [.unread, .read]
        let stateTabs: Node = .element("nav", [.class("tabs no-print")]
            + [.a(.href("/messages/\(m.id!)"), state == nil ? .class("active") : .empty, .text(L.t("全部", "All")))]
            + states.map { s in .a(.href("/messages/\(m.id!)?state=\(s.rawValue)"), s == state ? .class("active") : .empty, .text(L.t(s.nameZh, s.nameEn))) })
        let canRemind = m.kind == .task ? (progress.done?.part ?? 0) < progress.recipients : progress.read.part < progress.recipients
        let next = PushRules.nextReminder(lastRemindedAt: m.lastRemindedAt, now: Date())
        return .page(req, title: m.title, status: errors.isEmpty ? .ok : .unprocessableEntity,
            .div(.class("breadcrumb no-print"), .a(.href("/messages"), .text(L.t("已发送", "Sent"))), " › ", .text(m.title)),
            reminded.map { .div(.class("alert notice"), .text(L.t("已提醒 \($0) 人。", "Reminded \($0)."))) } ?? .empty,
            errors["remind"].map { .div(.class("alert error"), .attr("role", "alert"), .text($0)) } ?? .empty,
            .div(.class("card"),
                .h1(.text(m.title)),
                .p(kindBadge(L, m.kind)),
                .dl(.class("kv"),
                    .dt(.text(L.t("发送人", "From"))), .dd(.text(m.senderName)),
                    .dt(.text(L.t("发送时间", "Sent"))), .dd(.text(cal.formatDateTime(m.sentAt))),
                    m.dueAt.map { .group([.dt(.text(L.t("截止时间", "Due"))), .dd(.text(cal.formatDateTime($0)))]) } ?? .empty,
                    .dt(.text(L.t("发送范围", "Sent to"))), .dd(.text(audience)),
                    .dt(.text(L.t("催办", "Reminders"))), .dd(.text(m.reminders == 0 ? L.t("未催办", "None")
                        : L.t("\(m.reminders) 次，最近 \(cal.formatDateTime(m.lastRemindedAt!))", "\(m.reminders), last \(cal.formatDateTime(m.lastRemindedAt!))")))),
                .div(.class("message-body"), .text(m.body))),
            .div(.class("stats"),
                .div(.class("stat"), .div(.class("num"), .text("\(progress.recipients)")), .div(.class("lbl"), .text(L.t("收件人", "Recipients")))),
                .div(.class("stat"), .div(.class("num"), .text(progress.read.percent)), .div(.class("lbl"), .text(L.t("已读 \(progress.read.part) 人", "\(progress.read.part) read")))),
                progress.done.map { d in .div(.class("stat"), .div(.class("num"), .text(d.percent)), .div(.class("lbl"), .text(L.t("完成 \(d.part) 人", "\(d.part) done")))) } ?? .empty,
                m.kind == .task ? .div(.class("stat"), .div(.class("num"), .text("\(progress.overdue)")), .div(.class("lbl"), .text(L.t("逾期未完成", "Overdue")))) : .empty),
            .div(.class("toolbar no-print"),
                .h2(.text(L.t("回执", "Receipts"))),
                .a(.class("btn secondary"), .href("/messages/\(m.id!)/receipts.csv"), .text(L.t("导出CSV", "Export CSV"))),
                canRemind ? .form(.method("post"), .action("/messages/\(m.id!)/remind"), .class("inline"), Layout.csrfField(req),
                    .button(.type("submit"), next != nil ? .disabled() : .empty,
                            .text(m.kind == .task ? L.t("提醒未完成的人", "Remind those not done") : L.t("提醒未读的人", "Remind those who have not read"))),
                    next.map { .span(.class("small muted"), .text(" " + L.t("\(cal.formatDateTime($0)) 后可再次提醒", "again after \(cal.formatDateTime($0))"))) } ?? .empty) : .empty),
            stateTabs,
            rows.isEmpty && members.isEmpty ? .div(.class("empty"), .text(L.t("没有这种状态的回执。", "No receipt in this state.")))
                : rows.isEmpty ? .empty : .div(.class("scroll"), .table(.class("data"),
                    .thead(.tr(.th(.text(L.t("姓名", "Name"))), .th(.class("hide-sm"), .text(L.t("角色", "Role"))), .th(.class("hide-sm"), .text(L.t("所在", "Place"))),
                               .th(.text(L.t("状态", "State"))), .th(.class("hide-sm"), .text(L.t("阅读时间", "Read at"))),
                               m.kind == .task ? .th(.text(L.t("完成时间", "Done at"))) : .empty, m.kind == .task ? .th(.class("hide-sm"), .text(L.t("办理情况", "What was done"))) : .empty)),
                    .element("tbody", rows.map { receiptRow(L, cal, m.kind, $0) }))),
            members.isEmpty ? .empty : memberTable(req, m, members))
    }

    /// Members without accounts: the SMS each was sent and what they confirmed on its link.
    static func memberTable(_ req: Request, _ m: PushMessage, _ members: [PushMemberReceipt]) -> Node {
        let L = req.lang, cal = req.localCalendar, task = m.kind == .task, now = Date()
        let unsent = members.contains { $0.smsStatus == .skipped }
        return .group([
            .h3(.text(L.t("队伍人员（短信送达）", "Team members (by SMS)"))),
            unsent ? .p(.class("alert notice"), .text(L.t("短信通道未配置（PINGAN_SMS_URL），这些短信尚未发出。", "No SMS gateway is configured (PINGAN_SMS_URL): these messages are not sent."))) : .empty,
            req.config.publicURL == nil ? .p(.class("muted small"), .text(L.t("未配置公网地址（PINGAN_PUBLIC_URL），短信不带回执链接，队员无法确认。",
                                                                              "No public address (PINGAN_PUBLIC_URL): the SMS carries no receipt link, so members cannot confirm."))) : .empty,
            .div(.class("scroll"), .table(.class("data"),
                .thead(.tr(.th(.text(L.t("姓名", "Name"))), .th(.class("hide-sm"), .text(L.t("人员类别", "Kind"))), .th(.class("hide-sm"), .text(L.t("手机", "Phone"))),
                           .th(.text(L.t("短信", "SMS"))), .th(.text(L.t("状态", "State"))),
                           task ? .th(.text(L.t("完成时间", "Done at"))) : .th(.class("hide-sm"), .text(L.t("确认时间", "Confirmed at"))),
                           task ? .th(.class("hide-sm"), .text(L.t("办理情况", "What was done"))) : .empty)),
                .element("tbody", members.map { r in
                    let sms: Node = .span(.class("badge " + (r.smsStatus == .sent ? "closed" : r.smsStatus == .failed || r.smsStatus == .noPhone ? "received" : "gen")),
                                          .attr("title", r.smsError), .text(L.t(r.smsStatus.nameZh, r.smsStatus.nameEn)))
                    return .tr(.td(.text(r.memberName)), .td(.class("hide-sm"), .text(L.t(r.memberKind.nameZh, r.memberKind.nameEn))),
                        .td(.class("hide-sm nowrap"), .text(r.phoneMasked.isEmpty ? "—" : r.phoneMasked)), .td(sms),
                        .td(MessageService.state(m, r, now: now).map { stateBadge(L, $0) } ?? .text("—")),
                        task ? .td(.class("nowrap"), .text(r.doneAt.map(cal.formatDateTime) ?? "—")) : .td(.class("hide-sm nowrap"), .text(r.readAt.map(cal.formatDateTime) ?? "—")),
                        task ? .td(.class("hide-sm"), .text(r.doneNote.isEmpty ? "—" : r.doneNote)) : .empty)
                })))])
    }

    static func receiptRow(_ L: Lang, _ cal: LocalCalendar, _ kind: PushKind, _ r: MessageService.ReceiptRow) -> Node {
        let role: String = r.user.map { L.t($0.role.nameZh, $0.role.nameEn) } ?? "—"
        let readAt: String = r.receipt.readAt.map(cal.formatDateTime) ?? "—"
        let doneAt: String = r.receipt.doneAt.map(cal.formatDateTime) ?? "—"
        let note: String = r.receipt.doneNote.isEmpty ? "—" : r.receipt.doneNote
        let task = kind == .task
        return .tr(.td(.text(r.user?.displayName ?? "—")), .td(.class("hide-sm"), .text(role)),
                   .td(.class("hide-sm"), .text(r.place)), .td(stateBadge(L, r.state)),
                   .td(.class("hide-sm nowrap"), .text(readAt)),
                   task ? .td(.class("nowrap"), .text(doneAt)) : .empty,
                   task ? .td(.class("hide-sm"), .text(note)) : .empty)
    }

    static func csv(_ req: Request, _ m: PushMessage, rows: [MessageService.ReceiptRow], members: [PushMemberReceipt]) -> Response {
        let L = req.lang, cal = req.localCalendar
        var w = CSVWriter(header: [L.t("姓名", "Name"), L.t("用户名", "Username"), L.t("角色", "Role"), L.t("所在", "Place"), L.t("状态", "State"),
               L.t("阅读时间", "Read at"), L.t("完成时间", "Done at"), L.t("办理情况", "What was done"), L.t("最近催办", "Last reminded")])
        for r in rows {
            w.append([r.user?.displayName ?? "", r.user?.username ?? "", r.user.map { L.t($0.role.nameZh, $0.role.nameEn) } ?? "", r.place, L.t(r.state.nameZh, r.state.nameEn),
                   r.receipt.readAt.map(cal.formatDateTime) ?? "", r.receipt.doneAt.map(cal.formatDateTime) ?? "", r.receipt.doneNote,
                   r.receipt.remindedAt.map(cal.formatDateTime) ?? ""])
        }
        // Members reached by SMS: their kind stands where an account's role does, their masked number where a username does.
        for r in members {
            let state = MessageService.state(m, r).map { L.t($0.nameZh, $0.nameEn) } ?? L.t(r.smsStatus.nameZh, r.smsStatus.nameEn)
            w.append([r.memberName, r.phoneMasked, L.t(r.memberKind.nameZh, r.memberKind.nameEn), L.t("短信", "SMS") + " · " + L.t(r.smsStatus.nameZh, r.smsStatus.nameEn), state,
                      r.readAt.map(cal.formatDateTime) ?? "", r.doneAt.map(cal.formatDateTime) ?? "", r.doneNote, r.remindedAt.map(cal.formatDateTime) ?? ""])
        }
        return CSVResponse.make(filename: "push-\(m.id!)-receipts.csv", writer: w)
    }
}
