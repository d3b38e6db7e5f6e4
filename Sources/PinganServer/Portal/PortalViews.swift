import Vapor
import PinganKit

/// Staff pages of the portal: inbox, request detail with reply and conversion, notices.
enum PortalViews {
    /// How a request came in, in words ("web" is the portal's own form).
    static func viaName(_ via: String, _ L: Lang) -> String {
        switch via {
        case "web": L.t("网上警务室网页", "Portal web form")
        case "api": L.t("网上警务室接口", "Portal API")
        case "open311": L.t("Open311 接口", "Open311")
        default: via
        }
    }

    static func badge(_ s: PortalStatus, _ L: Lang) -> Node {
        let cls: String
        switch s {
        case .open: cls = "received"
        case .acknowledged, .inProgress, .actionScheduled, .investigating: cls = "dispatched"
        default: cls = "closed"
        }
        return .span(.class("badge \(cls)"), .text(L.t(s.nameZh, s.nameEn)))
    }

    static func tabs(_ req: Request, active: String) -> Node {
        let L = req.lang
        let items: [(String, String, String)] = [("/portal", L.t("诉求收件箱", "Inbox"), "inbox"), ("/portal?mine=1&status=active", L.t("我的待办", "Mine"), "mine"),
                                                 ("/portal?overdue=1", L.t("超时未答复", "Overdue"), "overdue"), ("/portal/notices", L.t("公告", "Notices"), "notices"),
                                                 ("/portal/outbox", L.t("群众通知", "Resident notices"), "outbox"),
                                                 ("/portal/subscriptions", L.t("公告订阅", "Subscriptions"), "subscriptions"), ("/portal/types", L.t("事项类型", "Request types"), "types"),
                                                 ("/public", L.t("公众页面", "Public site"), "public")]
        return .element("nav", [.class("tabs no-print")] + items.map { .a(.href($0.0), active == $0.2 ? .class("active") : .empty, .text($0.1)) })
    }

    static func inbox(_ req: Request, rows: [PortalRequest], places: [Int: String], types: [PortalRequestType], filter: PortalFilter, errors: FieldErrors,
                      communities: [(id: Int, name: String)], info: PageInfo) -> Response {
        let L = req.lang
        let cal = req.localCalendar
        let query = req.url.query ?? ""
        let typeNames = Dictionary(uniqueKeysWithValues: types.map { ($0.code, L.t($0.nameZh, $0.nameEn)) })
        let title = L.t("网上警务室诉求", "Residents' requests")
        var f: [Node] = [.method("get"), .action("/portal"), .class("filters")]
        f.append(.label(.text(L.t("状态", "Status")), Form.select("status", [("active", L.t("未办结", "Not closed"))] + PortalStatus.allCases.map { ($0.rawValue, L.t($0.nameZh, $0.nameEn)) },
                                                                 selected: filter.open ? "active" : filter.status?.rawValue, blank: L.t("全部", "All"))))
        f.append(.label(.text(L.t("类型", "Type")), Form.select("type", types.map { ($0.code, L.t($0.nameZh, $0.nameEn)) }, selected: filter.type, blank: L.t("全部", "All"))))
        f.append(.label(.text(L.t("社区/村", "Community")), Form.select("community", communities.map { ("\($0.id)", $0.name) }, selected: filter.community.map { "\($0)" }, blank: L.t("全部", "All"))))
        f.append(.label(.input(.type("checkbox"), .name("mine"), .value("1"), .checked(filter.mine)), .text(L.t("仅我的", "Mine only"))))
        f.append(.label(.input(.type("checkbox"), .name("overdue"), .value("1"), .checked(filter.overdue)), .text(L.t("仅超时", "Overdue only"))))
        f.append(.label(.text(L.t("编号/内容", "No. / text")), Form.input("q", filter.q)))
        f.append(.button(.type("submit"), .text(L.t("查询", "Search"))))
        f.append(.a(.href("/portal"), .text(L.t("清除", "Clear"))))
        let trs: [Node] = rows.map { r in
            .tr(.td(.class("nowrap"), .a(.href("/portal/requests/\(r.id!)"), .text(r.number))),
                .td(.text(typeNames[r.typeCode] ?? r.typeCode), .div(.class("small muted"), .text(String(r.description.prefix(60))))),
                .td(.text(places[r.communityID] ?? "")),
                .td(badge(r.status, L), r.incidentID.map { .div(.class("small"), .a(.href("/incidents/\($0)"), .text(L.t("警情", "Incident") + " #\($0)"))) } ?? .empty,
                    r.disputeID.map { .div(.class("small"), .a(.href("/disputes/\($0)"), .text(L.t("纠纷", "Dispute") + " #\($0)"))) } ?? .empty),
                .td(.class("nowrap"), .text(cal.formatDateTime(r.requestedAt))),
                .td(.class("nowrap"), .text(cal.formatDateTime(r.dueAt)), r.overdue ? .group([.text(" "), .span(.class("badge received"), .text(L.t("超时", "Overdue")))]) : .empty))
        }
        let body: Node = rows.isEmpty ? .div(.class("empty"), .text(L.t("没有符合条件的诉求。", "No requests match these filters."))) :
            .table(.class("data"), .thead(.tr(.th(.text(L.t("编号", "No."))), .th(.text(L.t("类型 / 内容", "Type / text"))), .th(.text(L.t("社区", "Community"))),
                                               .th(.text(L.t("状态", "Status"))), .th(.text(L.t("提交", "Submitted"))), .th(.text(L.t("应答期限", "Response due"))))),
                   .element("tbody", trs))
        let alert: Node = errors.isEmpty ? .empty : .div(.class("alert error"), .text(L.t("以下条件无效，已忽略：", "Ignored invalid filters: ") + errors.fields.values.sorted().joined(separator: "；")))
        return .page(req, title: title, status: errors.isEmpty ? .ok : .unprocessableEntity,
                     .div(.class("toolbar"), .h1(.text(title)), .a(.class("btn secondary"), .href("/portal/export.csv" + (query.isEmpty ? "" : "?" + query)), .text(L.t("导出 CSV", "Export CSV")))),
                     tabs(req, active: filter.overdue ? "overdue" : filter.mine ? "mine" : "inbox"), alert, .element("form", f), body, Pager.view(req, info))
    }

    static func detail(_ req: Request, _ d: PortalRequestDTO, place: String, type: PortalRequestType?, officer: String?, subcategories: [IncidentSubcategoryRow],
                       errors: FieldErrors, canHandle: Bool, canIncident: Bool, canDispute: Bool, eventCategories: [GridEventCategoryRow] = []) -> Response {
        let canEvent = !eventCategories.isEmpty
        let L = req.lang
        let cal = req.localCalendar
        // A list value shows its name, not its key.
        let attrs: [Node] = d.attributes.sorted { $0.key < $1.key }.map { k, v in
            let def = type?.attributes.first { $0.code == k }
            return .group([.dt(.text(def?.label(L) ?? k)), .dd(.text(def?.valueName(v, L) ?? v))])
        }
        let facts: Node = .dl(.class("kv"),
            .dt(.text(L.t("类型", "Type"))), .dd(.text(type.map { L.t($0.kind.nameZh, $0.kind.nameEn) + " · " + L.t($0.nameZh, $0.nameEn) } ?? d.type)),
            .dt(.text(L.t("状态", "Status"))), .dd(badge(d.status, L), d.overdue ? .span(.class("badge received"), .text(L.t("超时未答复", "Overdue"))) : .empty),
            .dt(.text(L.t("社区", "Community"))), .dd(.text(place)),
            .dt(.text(L.t("承办民警", "Officer"))), .dd(.text(officer ?? "—")),
            .dt(.text(L.t("地点", "Where"))), .dd(.text(d.address.isEmpty ? "—" : d.address), .text(d.lat.map { " (\($0), \(d.lon ?? 0))" } ?? "")),
            .dt(.text(L.t("联系电话", "Phone"))), .dd(.text(d.phoneMasked ?? "—")),
            .dt(.text(L.t("电子邮箱", "E-mail"))), .dd(.text(d.emailMasked ?? "—")),
            .dt(.text(L.t("提交 / 应答期限", "Submitted / response due"))), .dd(.text(cal.formatDateTime(d.requestedAt) + " / " + cal.formatDateTime(d.dueAt))),
            .dt(.text(L.t("渠道", "Via"))), .dd(.text(Self.viaName(d.via, L))),
            .dt(.text(L.t("情况说明", "Description"))), .dd(d.description.isEmpty ? .span(.class("muted"), .text(L.t("（未填写，见下列附加信息）", "(none given: see the details below)"))) : .text(d.description)),
            .group(attrs),
            .dt(.text(L.t("转办", "Taken up as"))), .dd(
                d.incidentID.map { .a(.href("/incidents/\($0)"), .text(L.t("警情", "Incident") + " #\($0)")) } ?? .empty,
                d.disputeID.map { .a(.href("/disputes/\($0)"), .text(L.t("纠纷", "Dispute") + " #\($0)")) } ?? .empty,
                d.eventID.map { .a(.href("/events/\($0)"), .text(L.t("网格事件", "Grid event") + " #\($0)")) } ?? .empty,
                d.incidentID == nil && d.disputeID == nil && d.eventID == nil ? .text("—") : .empty))
        let timeline: Node = (d.replies ?? []).isEmpty ? .p(.class("muted"), .text(L.t("尚无答复。", "No replies yet."))) :
            .element("ol", [.class("timeline")] + (d.replies ?? []).map { r in
                .li(.strong(.text(cal.formatDateTime(r.at))), .text(" · " + r.by + " · " + L.t(r.to.nameZh, r.to.nameEn)),
                    r.isPublic ? .empty : .span(.class("badge gen"), .text(L.t("内部", "internal"))), r.body.isEmpty ? .empty : .p(.text(r.body)))
            })
        let replyForm: Node = !canHandle ? .empty : .form(.method("post"), .action("/portal/requests/\(d.id)/reply"), .class("form card"),
            .h2(.text(L.t("答复 / 变更状态", "Reply / change status"))), Layout.csrfField(req), Form.errorSummary(req, errors),
            Form.field(L.t("状态", "Status"), "status", errors, Form.select("status", PortalStatus.allCases.map { ($0.rawValue, L.t($0.nameZh, $0.nameEn)) }, selected: d.status.rawValue)),
            Form.field(L.t("答复内容", "Reply"), "body", errors, wide: true, Form.textarea("body", nil)),
            Form.field(L.t("可见范围", "Visible to"), "isPublic", errors, Form.select("isPublic", [("1", L.t("向群众公开", "The resident (public reply)")), ("0", L.t("仅内部记录", "Staff only (internal note)"))], selected: "1")),
            .p(.class("wide"), .button(.type("submit"), .text(L.t("保存", "Save")))))
        let convertForm: Node = !canHandle || d.incidentID != nil || d.disputeID != nil || d.eventID != nil || !(canIncident || canDispute || canEvent) ? .empty :
            .form(.method("post"), .action("/portal/requests/\(d.id)/convert"), .class("form card"),
                .h2(.text(L.t("一键转办", "Take up in one step"))), Layout.csrfField(req),
                errors["to"].map { .div(.class("alert error"), .text($0)) } ?? .empty,
                Form.field(L.t("转为", "As"), "to", errors, Form.select("to", (canIncident ? [("incident", L.t("警情（警情台账）", "Incident (ledger)"))] : [])
                                                                         + (canDispute ? [("dispute", L.t("矛盾纠纷（调处）", "Dispute (mediation)"))] : [])
                                                                         + (canEvent ? [("event", L.t("网格事件（派部门处置）", "Grid event (a department acts)"))] : []), selected: nil, blank: "—")),
                canEvent ? Form.field(L.t("事件类别（转网格事件）", "Event category (grid event)"), "categoryCode", errors,
                    .select(.name("eventCategory"), .id("f-eventCategory"), .option(.value(""), .text("—")),
                            .forEach(GridEventCategories.options(eventCategories, L)) { g in .element("optgroup", [.attr("label", g.group), .forEach(g.items) { v, t in .option(.value(v), .text(t)) }]) })) : .empty,
                Form.field(L.t("警情类别（转警情）", "Incident category (incident)"), "subcategory", errors,
                           Form.select("subcategory", subcategories.map { ($0.code, L.t($0.nameZh, $0.nameEn)) }, selected: nil, blank: "—")),
                Form.field(L.t("纠纷类型（转纠纷）", "Dispute type (dispute)"), "type", errors,
                           Form.select("disputeType", DisputeType.allCases.map { ($0.rawValue, L.t($0.nameZh, $0.nameEn)) }, selected: nil, blank: "—")),
                Form.field(L.t("申请人（转纠纷）", "Applicant (dispute)"), "parties", errors, Form.input("partyName", nil)),
                .group(errors.fields.filter { !["to", "type", "parties", "subcategory", "body", "status", "categoryCode"].contains($0.key) }.map { .div(.class("field-error"), .text($0.key + ": " + $0.value)) }),
                .p(.class("wide"), .button(.type("submit"), .text(L.t("转办", "Take up")))))
        return .page(req, title: d.number, status: errors.isEmpty ? .ok : .unprocessableEntity,
                     .div(.class("toolbar"), .h1(.text(d.number)), .a(.class("btn secondary"), .href("/portal"), .text(L.t("返回收件箱", "Back to the inbox")))),
                     .div(.class("grid2"), .div(.class("card"), facts), .div(.class("card"), .h2(.text(L.t("办理记录", "History"))), timeline)),
                     .div(.class("grid2"), replyForm, convertForm),
                     NotificationViews.requestCard(req, d))
    }

    static func types(_ req: Request, _ types: [PortalRequestType], canEdit: Bool, errors: FieldErrors) -> Response {
        let L = req.lang
        let rows: [Node] = types.map { t in
            let id = t.id!
            let form = "type-\(id)"
            return .tr(.td(.code(.text(t.code))), .td(.text(L.t(t.kind.nameZh, t.kind.nameEn))),
                .td(canEdit ? Form.input("nameZh", t.nameZh, extra: .attr("form", form)) : .text(t.nameZh)),
                .td(canEdit ? Form.input("nameEn", t.nameEn, extra: .attr("form", form)) : .text(t.nameEn)),
                .td(.class("num"), canEdit ? Form.input("responseHours", String(t.responseHours), type: "number", extra: .attr("form", form)) : .text("\(t.responseHours)")),
                .td(canEdit ? Form.select("active", [("1", L.t("启用", "On")), ("0", L.t("停用", "Off"))], selected: t.active ? "1" : "0").withForm(form) : .text(t.active ? L.t("启用", "On") : L.t("停用", "Off"))),
                .td(.text(t.attributes.map(\.code).joined(separator: ", "))),
                .td(canEdit ? .form(.method("post"), .action("/portal/types/\(id)"), .id(form), .class("inline"), Layout.csrfField(req), .button(.type("submit"), .text(L.t("保存", "Save")))) : .empty))
        }
        let alert: Node = errors.isEmpty ? .empty : .div(.class("alert error"), .attr("role", "alert"), .text(errors.fields.values.sorted().joined(separator: "；")))
        return .page(req, title: L.t("事项类型", "Request types"),
                     .div(.class("toolbar"), .h1(.text(L.t("群众诉求事项类型", "Request types")))), tabs(req, active: "types"), alert,
                     .p(.class("muted"), .text(L.t("应答时限（小时）用于超时提醒；类型代码即 Open311 的 service_code。", "The response time (hours) drives the overdue flag; the code is Open311's service_code."))),
                     .table(.class("data"), .thead(.tr(.th(.text(L.t("代码", "Code"))), .th(.text(L.t("大类", "Kind"))), .th(.text(L.t("中文名称", "Name (zh)"))), .th(.text(L.t("英文名称", "Name (en)"))),
                                                      .th(.text(L.t("应答时限(小时)", "Response (h)"))), .th(.text(L.t("状态", "State"))), .th(.text(L.t("附加字段", "Attributes"))), .th(.text("")))),
                            .element("tbody", rows)))
    }

    static func notices(_ req: Request, _ list: [PortalNotice], places: [Int: String], canPublish: Bool, reach: [Int: (queued: Int, sent: Int)] = [:]) -> Response {
        let L = req.lang
        let cal = req.localCalendar
        let body: Node = list.isEmpty ? .div(.class("empty"), .text(L.t("尚未发布公告。", "No notices yet."))) :
            .table(.class("data"), .thead(.tr(.th(.text(L.t("类别", "Kind"))), .th(.text(L.t("标题", "Title"))), .th(.text(L.t("范围", "Area"))), .th(.text(L.t("对象", "For"))),
                                              .th(.text(L.t("发布", "Published"))), .th(.class("num hide-sm"), .attr("title", L.t("发给订阅群众的消息：已发送 / 共", "Messages to subscribers: sent / written")), .text(L.t("推送", "Pushed"))),
                                              .th(.text(L.t("状态", "Status"))))),
                   .element("tbody", list.map { n in
                       // A withdrawn notice is gone from the public pages: no link there, and no second withdraw.
                       let title: Node = n.withdrawn ? .text(n.title) : .a(.href("/public/notices/\(n.id!)"), .text(n.title))
                       let state: Node = n.withdrawn ? .span(.class("muted"), .text(L.t("已撤回", "Withdrawn")))
                           : canPublish ? .group([.a(.class("no-print"), .href("/portal/notices/\(n.id!)/edit"), .text(L.t("修改", "Edit"))), .text(" · "),
                                                  .form(.method("post"), .action("/portal/notices/\(n.id!)/withdraw"), .class("inline no-print"), Layout.csrfField(req),
                                                        .button(.type("submit"), .class("link"), .text(L.t("撤回", "Withdraw"))))])
                           : .text(L.t("公开中", "Public"))
                       return .tr(.td(.text(L.t(n.kind.nameZh, n.kind.nameEn))), .td(title), .td(.text(places[n.divisionID] ?? "")),
                                  .td(.text(L.t(n.audience.nameZh, n.audience.nameEn))), .td(.class("nowrap"), .text(cal.formatDateTime(n.publishedAt))),
                                  .td(.class("num hide-sm"), .text(reach[n.id!].map { "\($0.sent) / \($0.queued)" } ?? "—")), .td(state))
                   }))
        return .page(req, title: L.t("警务公告", "Notices"),
                     .div(.class("toolbar"), .h1(.text(L.t("警务公告", "Notices"))), canPublish ? .a(.class("btn"), .href("/portal/notices/new"), .text(L.t("发布公告", "Publish a notice"))) : .empty),
                     tabs(req, active: "notices"), body)
    }

    static func noticeForm(_ req: Request, _ input: PortalService.NoticeInput, errors: FieldErrors, areas: [(Int, String)], editing: PortalNotice? = nil) -> Response {
        let L = req.lang
        let title = editing == nil ? L.t("发布公告", "Publish a notice") : L.t("修改公告", "Edit the notice")
        return .page(req, title: title, status: errors.isEmpty ? .ok : .unprocessableEntity,
            .h1(.text(title)), tabs(req, active: "notices"),
            editing == nil ? .empty : .p(.class("muted"), .text(L.t("修改会立即显示在公开页面上，发布时间不变；修改留痕。", "Changes show on the public pages at once; the publication time stays; the change is audited."))),
            .form(.method("post"), .action(editing.map { "/portal/notices/\($0.id!)" } ?? "/portal/notices"), .class("form card"), Layout.csrfField(req), Form.errorSummary(req, errors),
                Form.field(L.t("类别", "Kind"), "kind", errors, Form.select("kind", NoticeKind.allCases.map { ($0.rawValue, L.t($0.nameZh, $0.nameEn)) }, selected: input.kind, blank: "—", required: true)),
                Form.field(L.t("发布范围", "Area"), "divisionID", errors, Form.select("divisionID", areas.map { ("\($0.0)", $0.1) }, selected: input.divisionID, blank: "—", required: true)),
                Form.field(L.t("对象", "Audience"), "audience", errors, Form.select("audience", NoticeAudience.allCases.map { ($0.rawValue, L.t($0.nameZh, $0.nameEn)) }, selected: input.audience ?? "all")),
                Form.field(L.t("会议时间（会议通知）", "Meeting time (announcements)"), "eventAt", errors, Form.input("eventAt", input.eventAt)),
                Form.field(L.t("标题", "Title"), "title", errors, wide: true, Form.input("title", input.title, required: true)),
                Form.field(L.t("内容", "Text"), "body", errors, wide: true, Form.textarea("body", input.body)),
                .p(.class("wide"), .button(.type("submit"), .text(editing == nil ? L.t("发布", "Publish") : L.t("保存修改", "Save changes"))))))
    }
}

extension Node {
    /// Adds a `form="…"` attribute to an element (controls in a table row belong to that row's form).
    func withForm(_ id: String) -> Node {
        if case .element(let name, let children) = self { return .element(name, children + [.attr("form", id)]) }
        return self
    }
}
