import Vapor
import PinganKit

/// Pages residents see without signing in (网上社区警务室): their own header, no staff navigation.
enum PublicViews {
    struct Community { var id: Int; var name: String; var street: String; var roads: [String] = [] }

    /// The ~270 communities grouped under their streets, with a search box (app.js) that narrows them by either name or by a road in the community.
    static func communityPicker(_ L: Lang, _ name: String, _ communities: [Community], selected: String?, blank: String, required: Bool = false) -> Node {
        let streets = Dictionary(grouping: communities, by: \.street).sorted { $0.key < $1.key }
        // Roads in the community, and the pinyin initials of its name and street (德兴社区 → dxsq), for the search box.
        let keywords = Dictionary(communities.map { c in
            ("\(c.id)", (c.roads + [PinyinCache.initials(c.name), PinyinCache.initials(c.street)]).filter { !$0.isEmpty }.joined(separator: " "))
        }, uniquingKeysWith: { a, _ in a })
        return Form.groupedSelect(name, streets.map { street, list in (street.isEmpty ? L.t("其他", "Other") : street, list.map { ("\($0.id)", $0.name) }) },
                                  selected: selected, blank: blank, required: required, filter: L.t("输入社区、街道、道路名称或拼音首字母查找", "Type a community, street or road (or its pinyin initials) to find it"),
                                  keywords: keywords)
    }

    static func page(_ req: Request, title: String, status: HTTPResponseStatus = .ok, _ content: Node...) -> Response {
        PublicLayout.page(req, title: title, status: status, .group(content))
    }

    /// Honeypot (hidden from people, tempting to bots) and the signed render time.
    static func spamFields(_ req: Request) -> Node {
        .group([
            Layout.csrfField(req),
            .input(.type("hidden"), .name("_ts"), .value(PortalGuard.stamp(req))),
            .div(.attr("hidden", nil), .attr("aria-hidden", "true"),
                 .label(.text("Website"), .input(.type("text"), .name("website"), .value(""), .attr("tabindex", "-1"), .attr("autocomplete", "off")))),
        ])
    }

    struct CommunityCard {
        var community: Division
        var street: String
        var office: PoliceOffice?
        var station: Station?
        var officers: [String]
    }

    static func officeFacts(_ L: Lang, _ c: CommunityCard) -> Node {
        .dl(.class("kv"),
            .dt(.text(L.t("社区警务室", "Police office"))), .dd(.text(c.office?.name ?? L.t("由派出所直接服务", "Served by the station directly"))),
            .dt(.text(L.t("地址", "Address"))), .dd(.text(c.office?.address ?? c.station?.address ?? "—")),
            .dt(.text(L.t("办公时间", "Hours"))), .dd(.text(c.office?.hours ?? "—")),
            .dt(.text(L.t("联系电话", "Phone"))), .dd(.text(c.office?.phone ?? c.station?.phone ?? "—")),
            .dt(.text(L.t("社区民警", "Community officer(s)"))), .dd(.text(c.officers.isEmpty ? "—" : c.officers.joined(separator: L.t("、", ", ")))),
            .dt(.text(L.t("所属派出所", "Police station"))), .dd(.text(c.station.map { $0.name + "（" + $0.phone + "）" } ?? "—")))
    }

    static func home(_ req: Request, q: String?, results: [CommunityCard]) -> Response {
        let L = req.lang
        let form: Node = .form(.method("get"), .action("/public"), .class("filters"),
            .label(.text(L.t("社区名称或地址", "Community name or address")), Form.input("q", q, extra: .placeholder(L.t("例如：德兴社区、市桥街道", "e.g. 德兴社区")))),
            .button(.type("submit"), .text(L.t("查找", "Search"))))
        let body: Node
        if q == nil {
            body = .div(.class("card"), .p(.text(L.t("输入您所在的社区、村或街道名称，找到为您服务的社区民警和警务室。也可以直接在线反映情况、求助、咨询或预约办事。",
                                                      "Type the name of your community, village or street to find your community officer and police office. You can also report, ask for help, ask a question or request a service online."))),
                        .p(.a(.class("btn"), .href("/public/report"), .text(L.t("我要反映", "Report or ask"))), .text(" "),
                           .a(.class("btn secondary"), .href("/public/track"), .text(L.t("查询办理进度", "Follow a request")))))
        } else if results.isEmpty {
            body = .div(.class("empty"), .text(L.t("没有找到匹配的社区，请换个名称试试。", "No community matches; try another name.")))
        } else {
            body = .group(results.prefix(30).map { c in
                .div(.class("card"), .h2(.a(.href("/public/communities/\(c.community.id!)"), .text(c.community.name)), .span(.class("small muted"), .text(" " + c.street))),
                     officeFacts(L, c))
            })
        }
        return page(req, title: L.t("找社区警务室", "Find your police office"), .h1(.text(L.t("网上社区警务室", "Online community police office"))), form, body)
    }

    static func percent(_ v: Double?) -> String { v.map { Decimals.percent($0) } ?? "—" }

    static func perceptionBlock(_ L: Lang, period: String, _ r: PerceptionShare?, target: Double) -> Node {
        guard let r, r.total > 0 else {
            return .p(.class("muted"), .text(L.t("\(period) 尚无测评答卷。", "No answers yet for \(period).")))
        }
        return .group([
            .p(.strong(.text(L.t("安全感 ", "Feel safe: ") + percent(r.rate))),
               .text(L.t("（\(period)，样本 \(r.total) 份，95% 置信区间 \(percent(r.low))–\(percent(r.high))）", " (\(period), \(r.total) answers, 95% interval \(percent(r.low))–\(percent(r.high)))"))),
            .p(.class("small muted"), .text(L.t("本年目标：\(percent(target)) 以上（达到：\(r.meets(target) ? "是" : "否")）",
                                                 "This year's target: \(percent(target)) or more (\(r.meets(target) ? "met" : "not met"))"))),
        ])
    }

    static func community(_ req: Request, _ c: CommunityCard, notices: [PortalNotice], period: String, result: PerceptionShare?, target: Double) -> Response {
        let L = req.lang
        let cal = req.localCalendar
        let id = c.community.id!
        return page(req, title: c.community.name,
            .div(.class("toolbar"), .h1(.text(c.community.name)), .span(.class("muted"), .text(c.street)),
                 .a(.class("btn"), .href("/public/report?community=\(id)"), .text(L.t("向社区民警反映", "Contact the community officer"))),
                 .a(.class("btn secondary"), .href("/public/survey?community=\(id)"), .text(L.t("参加安全感测评", "Take the safety survey")))),
            .div(.class("grid2"),
                .div(.class("card"), .h2(.text(L.t("警务室与民警", "Office and officers"))), officeFacts(L, c)),
                .div(.class("card"), .h2(.text(L.t("群众安全感", "Residents' sense of safety"))), perceptionBlock(L, period: period, result, target: target))),
            .div(.class("card"), .h2(.text(L.t("警务公告", "Notices"))),
                notices.isEmpty ? .p(.class("muted"), .text(L.t("暂无公告。", "No notices."))) :
                .ul(.forEach(notices.prefix(10)) { n in
                    .li(.span(.class("badge gen"), .text(L.t(n.kind.nameZh, n.kind.nameEn))), .text(" "), .a(.href("/public/notices/\(n.id!)"), .text(n.title)),
                        .span(.class("small muted"), .text(" " + cal.formatDate(n.publishedAt))))
                }),
                .p(.a(.href("/public/notices?community=\(id)"), .text(L.t("全部公告", "All notices")))), subscribeLink(req, community: id)))
    }

    static func reportForm(_ req: Request, input: PortalSubmission, errors: FieldErrors, types: [PortalRequestType], communities: [Community],
                           picker: Node = .empty) -> Response {
        let L = req.lang
        // Each type's own questions in their own box, asked only for that type: app.js shows the chosen type's box alone;
        // without JavaScript every box shows, headed by its type, and the server asks only the chosen type's.
        let attrFields: [Node] = types.filter { !$0.attributes.isEmpty }.map { t in
            .fieldset(.class("wide type-fields"), .attr("data-for-type", t.code),
                .legend(.text(L.t("「\(t.nameZh)」还需填写", "For “\(t.nameEn)” only"))),
                .div(.class("form"), .forEach(t.attributes.sorted(by: { $0.order < $1.order })) { a in
                    let key = "attributes[\(a.code)]"
                    let control: Node = a.values.map { vals in Form.select(key, vals.map { ($0.key, PortalAttribute.text($0.name, L)) }, selected: input.attributes[a.code], blank: "—") }
                        ?? Form.input(key, input.attributes[a.code], type: a.datatype == "number" ? "number" : "text")
                    return Form.field(a.label(L) + (a.required ? " *" : ""), "attribute." + a.code, errors, control)
                }))
        }
        let form: Node = .form(.method("post"), .action("/public/report"), .class("form card"),
            spamFields(req),
            Form.errorSummary(req, errors),
            errors["form"].map { .div(.class("alert error"), .attr("role", "alert"), .text($0)) } ?? .empty,
            Form.field(L.t("事项类型", "What is it about"), "type", errors,
                       Form.select("type", types.map { ($0.code, L.t($0.kind.nameZh, $0.kind.nameEn) + " · " + L.t($0.nameZh, $0.nameEn)) }, selected: input.type, blank: "—", required: true,
                                   extra: .attr("data-type-fields", "1"))),
            .group(attrFields),
            Form.field(L.t("所在社区/村", "Your community"), "communityID", errors,
                       communityPicker(L, "communityID", communities, selected: input.communityID, blank: "—", required: true)),
            Form.field(L.t("情况说明", "Describe it"), "description", errors, wide: true, hint: L.t("最多2000字。请勿填写他人隐私。", "Up to 2000 characters."),
                       .textarea(.name("description"), .id("f-description"), .attr("maxlength", "2000"), .required(), .text(input.description ?? ""))),
            Form.field(L.t("地点（可选）", "Where (optional)"), "address", errors, Form.input("address", input.address, extra: .attr("maxlength", "200"))),
            Form.field(L.t("纬度（可选）", "Latitude (optional)"), "lat", errors, Form.input("lat", input.lat)),
            Form.field(L.t("经度（可选）", "Longitude (optional)"), "lon", errors, Form.input("lon", input.lon)),
            picker,
            Form.field(L.t("手机号码（可选，仅民警可见）", "Mobile (optional, only officers see it)"), "phone", errors, Form.input("phone", input.phone, type: "tel")),
            Form.field(L.t("称呼（可选，仅民警可见）", "Name (optional, only officers see it)"), "name", errors, Form.input("name", input.name, extra: .attr("maxlength", "50"))),
            Form.field(L.t("电子邮箱（可选，仅民警可见）", "E-mail (optional, only officers see it)"), "email", errors,
                       Form.input("email", input.email, type: "email", extra: .attr("maxlength", "254"))),
            .div(.class("wide" + (errors["notify"] != nil ? " has-error" : "")),
                 .label(.class("check"), .input(.type("checkbox"), .name("notify"), .id("f-notify"), .value("1"), .checked(DisputeInput.flag(input.notify))),
                        .text(L.t("受理、答复和办结时，通过短信或邮件告诉我（需填写手机号码或电子邮箱）",
                                  "Tell me by SMS or e-mail when it is accepted, answered and closed (give a mobile number or an e-mail address)"))),
                 errors["notify"].map { .span(.class("field-error"), .attr("role", "alert"), .text($0)) } ?? .empty),
            .p(.class("wide"), .button(.type("submit"), .text(L.t("提交", "Send")))))
        return page(req, title: L.t("我要反映", "Report or ask"), status: errors.isEmpty ? .ok : .unprocessableEntity,
                    .h1(.text(L.t("反映情况、求助、咨询、办事", "Report, ask for help, ask a question or request a service"))),
                    .div(.class("alert notice"), .text(L.t("紧急情况请直接拨打110，网上反映不能代替报警。", "In an emergency call 110: an online report is not an emergency call."))),
                    form)
    }

    static func receipt(_ req: Request, _ r: PortalRequest) -> Response {
        let L = req.lang
        return page(req, title: L.t("已提交", "Sent"), status: .created,
            .div(.class("card"), .h1(.text(L.t("已收到您的反映", "We have received your request"))),
                 .p(.text(L.t("查询码（请保存）：", "Tracking code (keep it): ")), .strong(.code(.text(r.token)))),
                 .p(.text(L.t("编号 ", "Number ") + r.number)),
                 .p(.a(.class("btn"), .href("/public/track/\(r.token)"), .text(L.t("查看办理进度", "Follow this request"))))))
    }

    static func trackForm(_ req: Request, notFound: Bool) -> Response {
        let L = req.lang
        return page(req, title: L.t("查询进度", "Follow a request"), status: notFound ? .notFound : .ok,
            .h1(.text(L.t("查询办理进度", "Follow a request"))),
            notFound ? .div(.class("alert error"), .text(L.t("查询码不正确。", "Unknown tracking code."))) : .empty,
            .form(.method("get"), .action("/public/track"), .class("filters"),
                  .label(.text(L.t("查询码", "Tracking code")), Form.input("token", nil, required: true)),
                  .button(.type("submit"), .text(L.t("查询", "Look up")))))
    }

    static func track(_ req: Request, _ d: PublicRequestDTO, errors: FieldErrors = FieldErrors()) -> Response {
        let L = req.lang
        let cal = req.localCalendar
        let event: Node = d.event.map { e in
            .div(.class("card"), .h2(.text(L.t("处置进度（网格事件）", "How it is being handled")) ), .p(.class("muted"), .text(L.t("当前：", "Now: ") + e.statusName)),
                .element("ol", [.class("timeline")] + e.steps.map { s in .li(.strong(.text(s.action)), .text(" · " + cal.formatDateTime(s.at) + " · " + s.statusName)) }),
                e.satisfaction.map { .p(.text(L.t("您的评价：", "Your rating: ") + L.t($0.nameZh, $0.nameEn))) } ?? .empty,
                !e.canRate ? .empty : .form(.method("post"), .action("/public/track/\(d.token)/rate"), .class("form"),
                    .input(.type("hidden"), .name("_csrf"), .value(req.csrfToken)),
                    Form.field(L.t("对处置结果是否满意？", "Are you satisfied with the result?"), "satisfaction", errors,
                               .div(.forEach(GridEventSatisfaction.allCases) { s in .label(.class("check"), .input(.type("radio"), .name("satisfaction"), .value(s.rawValue), .required()), .text(L.t(s.nameZh, s.nameEn))) })),
                    .p(.button(.type("submit"), .text(L.t("提交评价", "Send rating"))))))
        } ?? .empty
        return page(req, title: d.number,
            .div(.class("card"), .h1(.text(d.number + " · " + d.typeName)),
                .dl(.class("kv"),
                    .dt(.text(L.t("状态", "Status"))), .dd(.span(.class("badge " + (d.status.isClosed ? "closed" : "received")), .text(d.statusName))),
                    .dt(.text(L.t("社区", "Community"))), .dd(.text(d.community)),
                    .dt(.text(L.t("提交时间", "Submitted"))), .dd(.text(cal.formatDateTime(d.requestedAt))),
                    .dt(.text(L.t("最近更新", "Updated"))), .dd(.text(cal.formatDateTime(d.updatedAt))),
                    .dt(.text(L.t("情况说明", "Description"))), .dd(.text(d.description.isEmpty ? "—" : d.description)))),
            .div(.class("card"), .h2(.text(L.t("答复", "Replies"))),
                d.replies.isEmpty ? .p(.class("muted"), .text(L.t("暂无答复，民警会尽快处理。", "No reply yet."))) :
                .element("ol", [.class("timeline")] + d.replies.map { r in
                    .li(.strong(.text(cal.formatDateTime(r.at))), .text(" · " + L.t(r.status.nameZh, r.status.nameEn)), r.body.isEmpty ? .empty : .p(.text(r.body)))
                })),
            event)
    }

    static func noticeList(_ req: Request, notices: [PortalNotice], places: [Int: String], communities: [Community], community: Int?, audience: NoticeAudience?) -> Response {
        let L = req.lang
        let cal = req.localCalendar
        let form: Node = .form(.method("get"), .action("/public/notices"), .class("filters"),
            .label(.text(L.t("社区", "Community")), communityPicker(L, "community", communities, selected: community.map { "\($0)" }, blank: L.t("全区", "Whole district"))),
            .label(.text(L.t("对象", "For")), Form.select("audience", NoticeAudience.allCases.map { ($0.rawValue, L.t($0.nameZh, $0.nameEn)) }, selected: audience?.rawValue, blank: L.t("全部", "All"))),
            .button(.type("submit"), .text(L.t("筛选", "Filter"))))
        let body: Node = notices.isEmpty ? .div(.class("empty"), .text(L.t("暂无公告。", "No notices."))) :
            .table(.class("data"), .thead(.tr(.th(.text(L.t("类别", "Kind"))), .th(.text(L.t("标题", "Title"))), .th(.text(L.t("范围", "Area"))), .th(.text(L.t("对象", "For"))), .th(.text(L.t("发布", "Published"))))),
                   .element("tbody", notices.map { n in
                       .tr(.td(.text(L.t(n.kind.nameZh, n.kind.nameEn))), .td(.a(.href("/public/notices/\(n.id!)"), .text(n.title))), .td(.text(places[n.divisionID] ?? "")),
                           .td(.text(L.t(n.audience.nameZh, n.audience.nameEn))), .td(.class("nowrap"), .text(cal.formatDate(n.publishedAt))))
                   }))
        return page(req, title: L.t("警务公告", "Notices"), .h1(.text(L.t("警务公告", "Notices"))), subscribeLink(req, community: community), form, body)
    }

    /// "Get these by SMS or e-mail", where subscriptions are open.
    static func subscribeLink(_ req: Request, community: Int?) -> Node {
        let channels = NoticeSubscriptions.channels(req.application)
        guard !channels.isEmpty else { return .empty }
        let L = req.lang
        let by = channels.map { L.t($0.nameZh, $0.nameEn) }.joined(separator: L.t("或", " or "))
        return .p(.class("no-print"), .a(.href("/public/subscribe" + (community.map { "?community=\($0)" } ?? "")),
                                         .text(L.t("订阅公告：新公告通过\(by)发给我", "Subscribe: send me new notices by \(by)"))))
    }

    static func notice(_ req: Request, _ n: PortalNotice, place: String) -> Response {
        let L = req.lang
        let cal = req.localCalendar
        return page(req, title: n.title,
            .div(.class("card"), .h1(.text(n.title)),
                 .p(.class("muted"), .text(L.t(n.kind.nameZh, n.kind.nameEn) + " · " + place + " · " + L.t(n.audience.nameZh, n.audience.nameEn) + " · " + cal.formatDate(n.publishedAt))),
                 n.eventAt.map { .p(.strong(.text(L.t("时间：", "When: ") + $0))) } ?? .empty,
                 .group(n.body.split(separator: "\n", omittingEmptySubsequences: false).map { .p(.text(String($0))) })))
    }

    static func surveyForm(_ req: Request, input: PortalService.SurveyInput, errors: FieldErrors, communities: [Community], period: String) -> Response {
        let L = req.lang
        return page(req, title: L.t("安全感测评", "Safety survey"), status: errors.isEmpty ? .ok : .unprocessableEntity,
            .h1(.text(L.t("群众安全感测评（\(period)）", "How safe do you feel? (\(period))"))),
            .form(.method("post"), .action("/public/survey"), .class("form card"),
                spamFields(req),
                Form.errorSummary(req, errors),
                errors["form"].map { .div(.class("alert error"), .text($0)) } ?? .empty,
                Form.field(L.t("所在社区/村", "Your community"), "communityID", errors,
                           communityPicker(L, "communityID", communities, selected: input.communityID, blank: "—", required: true)),
                Form.field(L.t("您觉得所在社区的治安状况", "How safe do you feel where you live?"), "answer", errors,
                           Form.select("answer", PerceptionAnswer.allCases.map { ($0.rawValue, L.t($0.nameZh, $0.nameEn)) }, selected: input.answer, blank: "—", required: true)),
                Form.field(L.t("手机号码", "Mobile number"), "phone", errors, hint: L.t("只用于保证每人每季度答一次，不会公开。", "Only used so each person answers once a quarter; never published."),
                           Form.input("phone", input.phone, type: "tel")),
                Form.field(L.t("或：查询码", "Or: a tracking code"), "token", errors, Form.input("token", input.token)),
                .p(.class("wide"), .button(.type("submit"), .text(L.t("提交", "Send"))))))
    }

    static func perceptionTable(_ req: Request, period: String, rows: [(name: String, id: Int, result: PerceptionShare)], total: PerceptionShare, target: Double) -> Response {
        let L = req.lang
        let trs: [Node] = rows.map { r in
            .tr(.td(.a(.href("/public/communities/\(r.id)"), .text(r.name))), .td(.class("num"), .text("\(r.result.total)")), .td(.class("num"), .text(percent(r.result.rate))),
                .td(.class("num nowrap"), .text(percent(r.result.low) + " – " + percent(r.result.high))),
                .td(.text(r.result.meets(target) ? "✓" : "—")))
        }
        let total: Node = .tr(.class("total"), .td(.text(L.t("合计", "Total"))), .td(.class("num"), .text("\(total.total)")), .td(.class("num"), .text(percent(total.rate))),
                              .td(.class("num nowrap"), .text(percent(total.low) + " – " + percent(total.high))), .td(.text(total.meets(target) ? "✓" : "—")))
        return page(req, title: L.t("安全感测评结果", "Safety survey results"),
            .h1(.text(L.t("群众安全感测评结果 \(period)", "Safety survey results \(period)"))),
            .p(.class("muted"), .text(L.t("安全感 = 回答“安全”或“比较安全”的比例；区间为 Wilson 95% 置信区间。本年目标：\(percent(target)) 以上。",
                                           "Share answering safe or fairly safe, with a Wilson 95% confidence interval. This year's target: \(percent(target)) or more."))),
            rows.isEmpty ? .div(.class("empty"), .text(L.t("本期尚无答卷。", "No answers yet this period."))) :
            .table(.class("data"), .thead(.tr(.th(.text(L.t("社区", "Community"))), .th(.text(L.t("样本", "Answers"))), .th(.text(L.t("安全感", "Feel safe"))),
                                               .th(.text(L.t("95% 置信区间", "95% interval"))), .th(.text("≥" + percent(target))))),
                   .element("tbody", trs + [total])))
    }
}
