import Vapor
import PinganKit

/// The residents' pages of a notice subscription (subscribe, confirm, unsubscribe) and the staff list.
enum NoticeSubscriptionViews {
    static func audienceOptions(_ L: Lang) -> [(String, String)] {
        NoticeAudience.allCases.map { a in (a.rawValue, a == .all ? L.t("全部公告", "Every notice") : L.t("面向\(a.nameZh)的公告及全体公告", "For \(a.nameEn.lowercased()) and for everyone")) }
    }

    static func form(_ req: Request, _ input: NoticeSubscriptions.Input, errors: FieldErrors, communities: [PublicViews.Community], channels: [OutboxChannel]) -> Response {
        let L = req.lang
        let title = L.t("订阅社区公告", "Subscribe to your community's notices")
        guard !channels.isEmpty else {
            return PublicViews.page(req, title: title, .h1(.text(title)),
                .div(.class("empty"), .text(L.t("本区暂未开通公告订阅。请在“警务公告”页面查看本社区的公告。", "Notice subscriptions are not available here yet. See your community's notices on the Notices page.")),
                     .p(.a(.href("/public/notices"), .text(L.t("查看警务公告", "See the notices"))))))
        }
        let by = channels.map { L.t($0.nameZh, $0.nameEn) }.joined(separator: L.t("或", " or "))
        return PublicViews.page(req, title: title, status: errors.isEmpty ? .ok : .unprocessableEntity,
            .h1(.text(title)),
            .p(.class("muted"), .text(L.t("本社区、所在街道和全区发布的警情通报、防范提示和会议通知，发布时通过\(by)发给您。每条消息都带退订链接。",
                                          "Alerts, safety advice and meeting notices published for your community, its street or the district are sent to you by \(by) when published. Every message carries an unsubscribe link."))),
            .form(.method("post"), .action("/public/subscribe"), .class("form card"),
                PublicViews.spamFields(req), Form.errorSummary(req, errors),
                errors["form"].map { .div(.class("alert error"), .text($0)) } ?? .empty,
                Form.field(L.t("所在社区/村", "Your community"), "communityID", errors,
                           PublicViews.communityPicker(L, "communityID", communities, selected: input.communityID, blank: "—", required: true)),
                channels.contains(.sms) ? Form.field(L.t("手机号码", "Mobile number"), "phone", errors, hint: L.t("11位手机号码；加密保存，不会公开", "11 digits; stored encrypted, never published"),
                                                     Form.input("phone", input.phone, type: "tel", extra: .attr("autocomplete", "tel"))) : .empty,
                channels.contains(.email) ? Form.field(L.t("电子邮箱", "E-mail"), "email", errors, hint: channels.contains(.sms) ? L.t("可只填一项，也可都填", "Either one, or both") : nil,
                                                       Form.input("email", input.email, type: "email", extra: .attr("autocomplete", "email"))) : .empty,
                Form.field(L.t("接收哪些公告", "Which notices"), "audience", errors, Form.select("audience", audienceOptions(L), selected: input.audience ?? "all")),
                Form.field(L.t("同意", "Consent"), "consent", errors, wide: true,
                           .label(.class("check"), .input(.type("checkbox"), .name("consent"), .value("1"), .checked(DisputeInput.flag(input.consent))),
                                  .text(L.t(" 我同意按上面的地址接收本社区公告，可随时退订。", " I agree to receive this community's notices at the address above, and can stop them at any time.")))),
                .p(.class("wide muted small"), .text(L.t("提交后我们会先发一条确认信息，打开其中的链接确认后才开始发送公告。", "We first send a confirmation; notices start only after you open its link."))),
                .p(.class("wide"), .button(.type("submit"), .text(L.t("订阅", "Subscribe"))))))
    }

    static func sent(_ req: Request, community: Division, addresses: [String]) -> Response {
        let L = req.lang
        return PublicViews.page(req, title: L.t("请查收确认信息", "Check your messages"), status: .created,
            .div(.class("card"), .h1(.text(L.t("请查收确认信息", "Check your messages"))),
                 .p(.text(L.t("确认信息已发送到 \(addresses.joined(separator: "、"))。请打开其中的链接，确认后开始接收\(community.name)的公告。",
                              "A confirmation was sent to \(addresses.joined(separator: ", ")). Open its link to start receiving the notices of \(community.name)."))),
                 .p(.class("muted"), .text(L.t("没有收到？几分钟后可以重新订阅，我们会再发一次。", "Nothing arrived? Subscribe again in a few minutes and we send it again."))),
                 .p(.a(.href("/public/notices?community=\(community.id!)"), .text(L.t("查看本社区公告", "See this community's notices"))))))
    }

    /// `/public/subscriptions/{token}`: what the subscription is, and the one action it allows now.
    static func manage(_ req: Request, _ s: NoticeSubscription, community: String) -> Response {
        let L = req.lang, cal = req.localCalendar
        let csrf: Node = .input(.type("hidden"), .name("_csrf"), .value(req.csrfToken))
        let action: Node
        switch s.status {
        case .pending:
            action = .group([
                .form(.method("post"), .action("/public/subscriptions/\(s.token)/confirm"), .class("inline"), csrf, .button(.type("submit"), .text(L.t("确认订阅", "Confirm")))),
                .text(" "),
                .form(.method("post"), .action("/public/subscriptions/\(s.token)/cancel"), .class("inline"), csrf, .button(.type("submit"), .class("secondary"), .text(L.t("不是我，取消", "Not me: cancel"))))])
        case .active:
            action = .group([.p(.text(L.t("自 \(cal.formatDateTime(s.confirmedAt ?? s.createdAt)) 起接收公告。", "Receiving notices since \(cal.formatDateTime(s.confirmedAt ?? s.createdAt))."))),
                .form(.method("post"), .action("/public/subscriptions/\(s.token)/cancel"), .class("inline"), csrf, .button(.type("submit"), .class("secondary"), .text(L.t("退订", "Unsubscribe"))))])
        case .cancelled:
            action = .group([.p(.text(L.t("已于 \(cal.formatDateTime(s.cancelledAt ?? s.createdAt)) 退订，不会再发送。", "Cancelled on \(cal.formatDateTime(s.cancelledAt ?? s.createdAt)); nothing more will be sent."))),
                .p(.a(.href("/public/subscribe?community=\(s.communityID)"), .text(L.t("重新订阅", "Subscribe again"))))])
        }
        return PublicViews.page(req, title: L.t("公告订阅", "Notice subscription"),
            .div(.class("card"), .h1(.text(L.t("公告订阅", "Notice subscription"))),
                .dl(.class("kv"),
                    .dt(.text(L.t("社区", "Community"))), .dd(.text(community)),
                    .dt(.text(L.t("接收方式", "By"))), .dd(.text(L.t(s.channel.nameZh, s.channel.nameEn) + " " + s.addressMasked)),
                    .dt(.text(L.t("接收哪些公告", "Which notices"))), .dd(.text(audienceOptions(L).first { $0.0 == s.audience.rawValue }?.1 ?? "")),
                    .dt(.text(L.t("状态", "State"))), .dd(badge(L, s.status))),
                action))
    }

    static func badge(_ L: Lang, _ s: NoticeSubscriptionStatus) -> Node {
        .span(.class("badge " + (s == .active ? "closed" : s == .pending ? "dispatched" : "gen")), .text(L.t(s.nameZh, s.nameEn)))
    }

    /// `/portal/subscriptions`: the area's subscriptions, masked, with the count per community.
    static func list(_ req: Request, rows: [NoticeSubscription], names: [Int: String], communities: [(id: Int, name: String)], filter: NoticeSubscriptions.Filter,
                     info: PageInfo, counts: [Int: Int], canCancel: Bool, channels: [OutboxChannel]) -> Response {
        let L = req.lang, cal = req.localCalendar
        let total = counts.values.reduce(0, +)
        let top = counts.sorted { $0.value > $1.value || $0.value == $1.value && (names[$0.key] ?? "") < (names[$1.key] ?? "") }.prefix(8)
        let filters: Node = .form(.method("get"), .action("/portal/subscriptions"), .class("filters no-print"),
            .label(.text(L.t("社区", "Community")), Form.select("community", communities.map { ("\($0.id)", $0.name) }, selected: filter.community.map(String.init), blank: L.t("全部", "All"))),
            .label(.text(L.t("状态", "State")), Form.select("status", NoticeSubscriptionStatus.allCases.map { ($0.rawValue, L.t($0.nameZh, $0.nameEn)) }, selected: filter.status?.rawValue, blank: L.t("全部", "All"))),
            .button(.type("submit"), .text(L.t("筛选", "Filter"))))
        let body: Node = rows.isEmpty ? .div(.class("empty"), .text(filter.community == nil && filter.status == nil
                ? L.t("还没有群众订阅公告。群众可在公众页面“订阅公告”，确认后发布的公告会自动发给他们。", "No resident has subscribed yet. Residents subscribe on the public site; once confirmed, new notices reach them.")
                : L.t("没有符合条件的订阅。", "No subscription matches.")))
            : .div(.class("scroll"), .table(.class("data"),
                .thead(.tr(.th(.text(L.t("社区", "Community"))), .th(.text(L.t("接收方式", "By"))), .th(.class("hide-sm"), .text(L.t("接收哪些", "Which"))),
                           .th(.text(L.t("状态", "State"))), .th(.class("hide-sm"), .text(L.t("订阅时间", "Since"))), .th(.class("no-print"), .text("")))),
                .element("tbody", rows.map { s in
                    .tr(.td(.text(names[s.communityID] ?? "")), .td(.text(L.t(s.channel.nameZh, s.channel.nameEn) + " " + s.addressMasked)),
                        .td(.class("hide-sm"), .text(s.audience == .all ? L.t("全部公告", "Every notice") : L.t("面向\(s.audience.nameZh)", "For \(s.audience.nameEn.lowercased())"))),
                        .td(badge(L, s.status), s.cancelledBy == "staff" ? .span(.class("small muted"), .text(L.t("（工作人员代办）", " (by staff)"))) : .empty),
                        .td(.class("hide-sm nowrap"), .text(cal.formatDate(s.confirmedAt ?? s.createdAt))),
                        .td(.class("no-print"), canCancel && s.status != .cancelled
                            ? .form(.method("post"), .action("/portal/subscriptions/\(s.id!)/cancel"), .class("inline"), Layout.csrfField(req),
                                    .button(.type("submit"), .class("link"), .attr("title", L.t("群众要求退订时使用", "When a resident asks to stop")), .text(L.t("代为退订", "Cancel for them"))))
                            : .empty))
                })))
        return .page(req, title: L.t("公告订阅", "Notice subscriptions"),
            .div(.class("toolbar"), .h1(.text(L.t("公告订阅", "Notice subscriptions")))), PortalViews.tabs(req, active: "subscriptions"),
            .p(.class("muted"), .text(channels.isEmpty
                ? L.t("订阅未开通：需配置短信或邮件通道及公众访问地址（PINGAN_PUBLIC_URL）。", "Subscriptions are off: configure an SMS or e-mail channel and the public address (PINGAN_PUBLIC_URL).")
                : L.t("群众可通过\(channels.map(\.nameZh).joined(separator: "、"))订阅。", "Residents can subscribe by \(channels.map(\.nameEn).joined(separator: " or ")).")
                  + L.t(" 订阅中 \(total) 个", " \(total) active") + (top.isEmpty ? "" : L.t("：", ": ") + top.map { (names[$0.key] ?? "") + " \($0.value)" }.joined(separator: L.t("，", ", "))))),
            filters, body, info.total > info.per ? Pager.view(req, info) : .empty)
    }
}
