import Vapor
import PinganKit

enum DisputeViews {
    static func statusBadge(_ s: DisputeStatus, _ L: Lang) -> Node {
        let cls: String
        switch s {
        case .registered, .accepted: cls = "received"
        case .assigned, .mediating: cls = "dispatched"
        case .referred, .declined: cls = "gen"
        case .closed, .followedUp: cls = "closed"
        }
        return .span(.class("badge \(cls)"), .text(L.t(s.nameZh, s.nameEn)))
    }

    static func riskText(_ d: Dispute, _ L: Lang) -> String {
        var r: [String] = []
        if d.riskMassPetition { r.append(L.t("群体性上访", "mass petition")) }
        if d.riskGroupFight { r.append(L.t("群体性械斗", "group fight")) }
        if d.riskCriminal { r.append(L.t("民转刑", "may turn criminal")) }
        return r.joined(separator: L.t("、", ", "))
    }

    static func riskBadges(_ d: Dispute, _ L: Lang) -> Node {
        .group([d.anyRisk ? .span(.class("badge received"), .text(L.t("风险：", "Risk: ") + riskText(d, L))) : .empty,
                d.criminalReview ? .span(.class("badge received"), .text(L.t("民转刑待复查", "民转刑 review"))) : .empty])
    }

    static func dueText(_ d: Dispute, today: String, _ L: Lang) -> Node {
        guard let due = d.dueOn else { return .text("—") }
        guard d.status.isOpen else { return .span(.class("muted"), .text(due)) }
        let left = DisputeDeadline.daysLeft(dueDay: due, today: today) ?? 0
        if left < 0 { return .group([.text(due + " "), .span(.class("badge received"), .text(L.t("超期\(-left)天", "\(-left) days late")))]) }
        return .group([.text(due + " "), .span(.class("small muted"), .text(L.t("剩\(left)天", "\(left) days left")))])
    }

    static func tabs(_ req: Request, active: String) -> Node {
        let L = req.lang
        let items: [(String, String, String)] = [("/disputes", L.t("纠纷档案", "Files"), "list"), ("/disputes/desk", L.t("调处工作台", "Desk"), "desk"),
                                                 ("/disputes?overdue=1", L.t("超期清单", "Overdue"), "overdue"), ("/disputes/stats", L.t("统计", "Statistics"), "stats")]
        return .element("nav", [.class("tabs no-print")] + items.map { .a(.href($0.0), active == $0.2 ? .class("active") : .empty, .text($0.1)) })
    }

    static func list(_ req: Request, rows: [Dispute], places: [Int: String], mediators: [Int: String], parties: [Int: [String]], info: PageInfo,
                     filter: DisputeFilter, errors: FieldErrors, communities: [(id: Int, name: String)], mediatorOptions: [(Int, String)], canEdit: Bool) -> Response {
        let L = req.lang
        let today = req.today, cal = req.localCalendar
        let query = req.url.query ?? ""
        let title = filter.overdue ? L.t("超期未办结纠纷", "Overdue disputes") : L.t("矛盾纠纷档案", "Dispute files")
        let toolbar: Node = .div(.class("toolbar"), .h1(.text(title)),
            canEdit ? .a(.class("btn"), .href("/disputes/new"), .text(L.t("登记纠纷", "Register a dispute"))) : .empty,
            .a(.class("btn secondary"), .href("/disputes/export.csv" + (query.isEmpty ? "" : "?" + query)), .text(L.t("导出 CSV", "Export CSV"))))
        var f: [Node] = [.method("get"), .action("/disputes"), .class("filters")]
        f.append(.label(.text(L.t("状态", "Status")), Form.select("status", DisputeStatus.allCases.map { ($0.rawValue, L.t($0.nameZh, $0.nameEn)) }, selected: filter.status?.rawValue, blank: L.t("全部", "All"))))
        f.append(.label(.text(L.t("类型", "Type")), Form.select("type", DisputeType.allCases.map { ($0.rawValue, L.t($0.nameZh, $0.nameEn)) }, selected: filter.type?.rawValue, blank: L.t("全部", "All"))))
        f.append(.label(.text(L.t("层级", "Level")), Form.select("level", DisputeLevel.allCases.map { ($0.rawValue, L.t($0.nameZh, $0.nameEn)) }, selected: filter.level?.rawValue, blank: L.t("全部", "All"))))
        f.append(.label(.text(L.t("社区/村", "Community")), Form.select("community", communities.map { ("\($0.id)", $0.name) }, selected: filter.community.map { "\($0)" }, blank: L.t("全部", "All"))))
        f.append(.label(.text(L.t("调解员", "Mediator")), Form.select("mediator", mediatorOptions.map { ("\($0.0)", $0.1) }, selected: filter.mediator.map { "\($0)" }, blank: L.t("全部", "All"))))
        f.append(.label(.input(.type("checkbox"), .name("overdue"), .value("1"), .checked(filter.overdue)), .text(L.t("仅超期", "Overdue only"))))
        f.append(.label(.input(.type("checkbox"), .name("risk"), .value("1"), .checked(filter.risk)), .text(L.t("有激化风险", "Risk flagged"))))
        f.append(.label(.input(.type("checkbox"), .name("review"), .value("1"), .checked(filter.review)), .text(L.t("民转刑复查", "民转刑 review"))))
        f.append(.label(.text(L.t("编号/当事人/情况", "No. / party / summary")), Form.input("q", filter.q)))
        f.append(.button(.type("submit"), .text(L.t("查询", "Search"))))
        f.append(.a(.href("/disputes"), .text(L.t("清除", "Clear"))))
        let alert: Node = errors.isEmpty ? .empty : .div(.class("alert error"), .attr("role", "alert"),
            .text(L.t("以下条件无效，已忽略：", "Ignored invalid filters: ") + errors.fields.keys.sorted().map { errors.fields[$0]! }.joined(separator: "；")))
        let head: Node = .thead(.tr(.th(.text(L.t("编号", "No."))), .th(.text(L.t("类型 / 当事人", "Type / parties"))), .th(.text(L.t("社区/网格", "Community / grid"))),
                                    .th(.text(L.t("层级 / 调解员", "Level / mediator"))), .th(.text(L.t("状态", "Status"))), .th(.text(L.t("办理期限", "Due")))))
        let trs: [Node] = rows.map { d in
            .tr(.td(.class("nowrap"), .a(.href("/disputes/\(d.id!)"), .text(d.fileNumber(cal))), .div(.class("small muted"), .text(cal.formatDate(d.registeredAt)))),
                .td(.text(L.t(d.type.nameZh, d.type.nameEn)), .text(" "), riskBadges(d, L), .div(.class("small muted"), .text((parties[d.id!] ?? []).joined(separator: L.t("、", ", "))))),
                .td(.text(places[d.communityID] ?? ""), .span(.class("small muted"), .text(d.gridID.flatMap { places[$0] }.map { " / " + $0 } ?? ""))),
                .td(.text(L.t(d.level.nameZh, d.level.nameEn)), .div(.class("small muted"), .text(d.mediatorID.flatMap { mediators[$0] } ?? "—"))),
                .td(statusBadge(d.status, L), d.outcome.map { .div(.class("small muted"), .text(L.t($0.nameZh, $0.nameEn))) } ?? .empty),
                .td(.class("nowrap"), dueText(d, today: today, L)))
        }
        let body: Node = rows.isEmpty
            ? .div(.class("empty"), .text(info.total > 0 ? L.t("这一页没有记录。", "This page is past the end.") : L.t("没有符合条件的纠纷档案。", "No dispute files match these filters.")))
            : .table(.class("data"), head, .element("tbody", trs))
        return .page(req, title: title, status: errors.isEmpty ? .ok : .unprocessableEntity, toolbar, tabs(req, active: filter.overdue ? "overdue" : "list"), alert, .element("form", f), body, Pager.view(req, info))
    }

    static func form(_ req: Request, input: DisputeInput, errors: FieldErrors, communities: [(id: Int, name: String)], grids: [Division], editing: Dispute? = nil) -> Response {
        let L = req.lang
        let cal = req.localCalendar
        let title = editing.map { L.t("修改纠纷档案 ", "Edit dispute file ") + $0.fileNumber(cal) } ?? L.t("登记矛盾纠纷（统一登记）", "Register a dispute (unified intake)")
        var fields: [Node] = []
        fields.append(Form.field(L.t("纠纷类型", "Type"), "type", errors, Form.select("type", DisputeType.allCases.map { ($0.rawValue, L.t($0.nameZh, $0.nameEn)) }, selected: input.type, blank: L.t("请选择", "Choose…"), required: true)))
        fields.append(Form.field(L.t("来源", "Source"), "source", errors, Form.select("source", DisputeSource.allCases.map { ($0.rawValue, L.t($0.nameZh, $0.nameEn)) }, selected: input.source, blank: L.t("请选择", "Choose…"), required: true)))
        fields.append(Form.field(L.t("社区/村", "Community"), "communityID", errors, Form.select("communityID", communities.map { ("\($0.id)", $0.name) }, selected: input.communityID, blank: L.t("请选择", "Choose…"), required: true, extra: Form.followedByGrids(L))))
        fields.append(Form.field(L.t("网格", "Grid"), "gridID", errors, Form.select("gridID", grids.map { ("\($0.id!)", $0.name) }, selected: input.gridID, blank: grids.isEmpty ? L.t("选择社区后保存可选网格", "Pick a community first") : L.t("不指定", "Not specified"), extra: Form.gridBlank(L))))
        fields.append(Form.field(L.t("地址", "Address"), "address", errors, Form.input("address", input.address)))
        fields.append(Form.field(L.t("涉及人数", "People involved"), "peopleInvolved", errors, Form.input("peopleInvolved", input.peopleInvolved ?? "2", type: "number", extra: .attr("min", "1"))))
        for i in 0..<4 {
            let p = i < input.parties.count ? input.parties[i] : DisputePartyInput()
            let sideDefault = i == 0 ? DisputeSide.applicant.rawValue : DisputeSide.respondent.rawValue
            fields.append(.div(.class("wide"), .fieldset(.legend(.text(L.t("当事人 \(i + 1)", "Party \(i + 1)") + (i == 0 ? "" : L.t("（选填）", " (optional)")))),
                .div(.class("form"),
                    Form.field(L.t("身份", "Side"), "parties.\(i).side", errors, Form.select("parties[\(i)][side]", DisputeSide.allCases.map { ($0.rawValue, L.t($0.zh, $0.en)) }, selected: p.side ?? sideDefault)),
                    Form.field(L.t("姓名/单位名称", "Name / organisation"), "parties.\(i).name", errors, Form.input("parties[\(i)][name]", p.name)),
                    Form.field(L.t("身份证号后4位（选填，关联实有人口）", "ID number's last 4 (optional: links the registry)"), "parties.\(i).idTail", errors,
                               hint: L.t("按姓名和后4位在您辖区的实有人口中查找", "Looked up by name and last four in your area's registry"),
                               .group([Form.input("parties[\(i)][idTail]", p.idTail, extra: .group([.attr("maxlength", "4"), .attr("autocomplete", "off")])),
                                       // A link the editor cannot see in the registry is carried as it is.
                                       p.personID.map { .input(.type("hidden"), .name("parties[\(i)][personID]"), .value($0)) } ?? .empty])),
                    .if(errors["parties.\(i).personID"] != nil, .span(.class("field-error"), .text(errors["parties.\(i).personID"] ?? "")))))))
        }
        fields.append(Form.field(L.t("纠纷简要情况", "What the dispute is about"), "summary", errors, wide: true, Form.textarea("summary", input.summary)))
        fields.append(.div(.class("wide"), .fieldset(.legend(.text(L.t("激化风险", "Risk of escalation"))), .div(.class("checks"),
            .label(.input(.type("checkbox"), .name("riskMassPetition"), .value("1"), .checked(DisputeInput.flag(input.riskMassPetition))), .text(L.t(" 可能引发群体性上访", " May lead to a mass petition"))), " ",
            .label(.input(.type("checkbox"), .name("riskGroupFight"), .value("1"), .checked(DisputeInput.flag(input.riskGroupFight))), .text(L.t(" 可能引发群体性械斗", " May lead to a group fight"))), " ",
            .label(.input(.type("checkbox"), .name("riskCriminal"), .value("1"), .checked(DisputeInput.flag(input.riskCriminal))), .text(L.t(" 有民转刑风险", " May turn criminal (民转刑)")))))))
        if editing == nil { fields.append(Form.field(L.t("办理层级", "Level"), "level", errors, hint: L.t("留空则按类型、人数和风险自动分流", "Leave empty to route by type, size and risk"),
                                 Form.select("level", DisputeLevel.allCases.map { ($0.rawValue, L.t($0.nameZh, $0.nameEn)) }, selected: input.level, blank: L.t("自动分流", "Route automatically")))) }
        let back = editing.map { "/disputes/\($0.id!)" } ?? "/disputes"
        let crumb: Node = editing.map { d in .group([.a(.href("/disputes/\(d.id!)"), .text(d.fileNumber(cal))), " › ", .text(L.t("修改", "Edit"))]) } ?? .text(L.t("登记", "Register"))
        let statusErr: Node = errors["status"].map { .div(.class("alert error"), .attr("role", "alert"), .text($0)) } ?? .empty
        return .page(req, title: title, status: errors.isEmpty ? .ok : .unprocessableEntity,
            .div(.class("breadcrumb"), .a(.href("/disputes"), .text(L.t("矛盾纠纷", "Disputes"))), " › ", crumb),
            .h1(.text(title)), Form.errorSummary(req, errors), statusErr,
            editing == nil ? .empty : .p(.class("muted"), .text(L.t("每项修改都记入办理过程；办理层级和调解员通过“分派”“上交上级”变更。", "Every change goes on the timeline; the level and mediator change through assignment and escalation."))),
            .form(.method("post"), .action(editing.map { "/disputes/\($0.id!)/edit" } ?? "/disputes"), .class("card"), Layout.csrfField(req), .element("div", [.class("form")] + fields),
                  .p(.button(.type("submit"), .text(editing == nil ? L.t("登记并分流", "Register and route") : L.t("保存修改", "Save changes"))), " ", .a(.href(back), .text(L.t("取消", "Cancel"))))))
    }

    struct DetailData {
        var d: Dispute
        var dto: DisputeDTO
        var places: [Int: String]
        var mediatorName: String?
        var mediatorOptions: [(Int, String, DisputeLevel)]
        /// Petitions (信访) registered against the file, for roles that see the governance office's work.
        var petitions: [Petition] = []
    }

    /// 关联信访: a file's petitions, and where to register one from it (the governance office's register).
    static func petitionsNode(_ req: Request, _ x: DetailData) -> Node {
        let L = req.lang
        guard (try? req.user.role.can(.viewGovernance)) ?? false else { return .empty }
        let canRegister = (try? req.user.role.can(.editGovernance)) ?? false
        return .div(.class("card"), .h2(.text(L.t("关联信访", "Petitions about this file"))),
            x.petitions.isEmpty ? .p(.class("muted"), .text(L.t("没有因本纠纷登记的信访。", "No petition has been registered about this dispute.")))
                : .ul(.forEach(x.petitions) { p in
                    .li(.a(.href("/governance/petitions/\(p.id!)"), .text(p.number)), .text(" · \(p.receivedOn) · " + L.t(p.level.nameZh, p.level.nameEn) + " · \(p.people)" + L.t("人", " people")),
                        p.collective ? .span(.class("badge received"), .text(" " + L.t("集体访", "Collective"))) : .empty)
                }),
            canRegister ? .p(.class("no-print"), .a(.class("btn secondary"), .href("/governance/petitions/new?dispute=\(x.d.id!)"), .text(L.t("登记相关信访", "Register a petition about it")))) : .empty)
    }

    static func facts(_ req: Request, _ x: DetailData) -> Node {
        let L = req.lang, cal = req.localCalendar, d = x.d
        var kv: [Node] = []
        func row(_ zh: String, _ en: String, _ v: Node) { kv.append(.dt(.text(L.t(zh, en)))); kv.append(.dd(v)) }
        row("档案编号", "File no.", .text(d.fileNumber(cal)))
        row("纠纷类型", "Type", .group([.text(L.t(d.type.nameZh, d.type.nameEn)), .text(" "), riskBadges(d, L)]))
        row("来源", "Source", .text(L.t(d.source.nameZh, d.source.nameEn)))
        row("登记时间", "Registered", .text(cal.formatDateTime(d.registeredAt)))
        row("地点", "Place", .text((x.places[d.communityID] ?? "") + (d.gridID.flatMap { x.places[$0] }.map { " / " + $0 } ?? "") + (d.address.isEmpty ? "" : "，" + d.address)))
        row("涉及人数", "People involved", .text("\(d.peopleInvolved)"))
        let parties = (x.dto.parties ?? []).map { p in
            (DisputeSide(rawValue: p.side).map { L.t($0.zh, $0.en) } ?? p.side) + "：" + p.name + (p.personID.map { L.t("（实有人口 #\($0)）", " (registry #\($0))") } ?? "")
        }
        row("当事人", "Parties", .group(parties.map { .div(.text($0)) }))
        row("办理层级", "Level", .text(L.t(d.level.nameZh, d.level.nameEn) + (d.escalations > 0 ? L.t("（上交\(d.escalations)次）", " (escalated \(d.escalations)×)") : "")))
        row("调解员", "Mediator", .text(x.mediatorName ?? L.t("未指定", "Not yet")))
        row("状态", "Status", statusBadge(d.status, L))
        row("受理 / 期限", "Accepted / due", .group([.text((d.acceptedOn ?? "—") + " / "), dueText(d, today: req.today, L)]))
        if !d.declineReason.isEmpty { row("不予受理理由", "Reason declined", .text(d.declineReason)) }
        if let o = d.outcome { row("调解结果", "Outcome", .text(L.t(o.nameZh, o.nameEn))) }
        if !d.agreementTerms.isEmpty { row("协议内容", "Agreement terms", .text(d.agreementTerms)) }
        if let r = d.referredTo { row("移交去向", "Referred to", .text(L.t(r.nameZh, r.nameEn))) }
        if let c = d.closedAt { row("办结时间", "Closed", .text(cal.formatDateTime(c))) }
        if let k = d.followUpKept { row("协议履行", "Agreement kept", .text(k ? L.t("已履行", "Kept") : L.t("未履行", "Not kept"))) }
        return .group([.element("dl", [.class("kv")] + kv), .h3(.text(L.t("纠纷简要情况", "Summary"))), .p(.text(d.summary))])
    }

    static func sessionsNode(_ req: Request, _ x: DetailData) -> Node {
        let L = req.lang
        let s = x.dto.sessions ?? []
        if s.isEmpty { return .p(.class("muted"), .text(L.t("尚无调解记录。", "No sessions yet."))) }
        return .table(.class("data"), .thead(.tr(.th(.text(L.t("日期", "Date"))), .th(.text(L.t("参加人员", "Participants"))), .th(.text(L.t("调解记录", "Minutes"))), .th(.text(L.t("记录人", "By"))))),
                      .element("tbody", s.map { .tr(.td(.class("nowrap"), .text($0.heldOn)), .td(.text($0.participants)), .td(.text($0.minutes)), .td(.text($0.by))) }))
    }

    static func incidentsNode(_ req: Request, _ x: DetailData, canEdit: Bool, errors: FieldErrors) -> Node {
        let L = req.lang, cal = req.localCalendar
        let list = x.dto.incidents ?? []
        let rows: Node = list.isEmpty ? .p(.class("muted"), .text(L.t("未关联警情。", "No linked incidents.")))
            : .table(.class("data"), .thead(.tr(.th(.text(L.t("警情编号", "Incident"))), .th(.text(L.t("类别", "Category"))), .th(.text(L.t("发生时间", "Occurred"))))),
                     .element("tbody", list.map { i in .tr(.td(.a(.href("/incidents/\(i.id)"), .text(i.number))), .td(.text(L.t(i.category.nameZh, i.category.nameEn))), .td(.text(cal.formatDateTime(i.occurredAt)))) }))
        let form: Node = canEdit ? .form(.method("post"), .action("/disputes/\(x.d.id!)/links"), .class("no-print"), Layout.csrfField(req),
            .div(.class("form"), Form.field(L.t("警情编号", "Incident number"), "incidentID", errors, hint: L.t("纠纷登记后发生的刑事警情将列入民转刑复查", "A later criminal incident flags the file for 民转刑 review"),
                                                          Form.input("incidentID", errors.isEmpty ? nil : try? req.content.get(String.self, at: "incidentID"),
                                                                     extra: .group([.placeholder("J20261201-000123"), .attr("autocomplete", "off")])))),
            .p(.button(.type("submit"), .text(L.t("关联", "Link"))))) : .empty
        return .group([rows, form])
    }

    /// The incident page's card of linked dispute files.
    static func linkedFromIncident(_ req: Request, _ list: [DisputeDTO]) -> Node {
        let L = req.lang
        return .div(.class("card"), .id("disputes"), .h2(.text(L.t("关联矛盾纠纷", "Linked dispute files"))),
            .table(.class("data"), .thead(.tr(.th(.text(L.t("档案编号", "File no."))), .th(.text(L.t("类型", "Type"))), .th(.text(L.t("状态", "Status"))))),
                   .element("tbody", list.map { d in
                       .tr(.td(.a(.href("/disputes/\(d.id)"), .text(d.number))),
                           .td(.text(L.t(d.type.nameZh, d.type.nameEn)), d.criminalReview ? .group([" ", .span(.class("badge received"), .text(L.t("民转刑待复查", "民转刑 review")))]) : .empty),
                           .td(statusBadge(d.status, L)))
                   })))
    }

    static func eventName(_ action: String, _ L: Lang) -> String {
        switch action {
        case "register": return L.t("登记", "Registered")
        case "link": return L.t("关联警情", "Linked incident")
        case "edit": return L.t("修改档案", "Edited")
        case "attach": return L.t("上传附件", "Attachment added")
        case "detach": return L.t("删除附件", "Attachment removed")
        default: return action
        }
    }

    /// The attachments card: names link to the download; the upload form (multipart) for editors.
    static func attachmentsNode(_ req: Request, _ x: DetailData, canEdit: Bool, errors: FieldErrors) -> Node {
        let L = req.lang, cal = req.localCalendar
        let list = x.dto.attachments ?? []
        let user = req.auth.get(User.self)
        let rows: Node = list.isEmpty ? .p(.class("muted"), .text(L.t("尚无附件。", "No attachments yet.")))
            : .table(.class("data"), .thead(.tr(.th(.text(L.t("文件", "File"))), .th(.text(L.t("大小", "Size"))), .th(.text(L.t("上传人", "By"))), .th(.text(L.t("上传时间", "Uploaded"))), .th(.class("no-print"), .text("")))),
                     .element("tbody", list.map { a in
                        let mine = canEdit && (user?.role == .admin || user?.id == a.uploadedByID)
                        return .tr(.td(.a(.href(a.url), .text(a.name))), .td(.class("nowrap"), .text(DisputeAttachmentRules.sizeText(a.size))), .td(.text(a.uploadedBy)),
                                   .td(.class("nowrap"), .text(cal.formatDateTime(a.uploadedAt))),
                                   .td(.class("no-print"), mine ? .form(.method("post"), .action("/disputes/attachments/\(a.id)/delete"), .class("inline"), Layout.csrfField(req),
                                                                       .button(.type("submit"), .class("secondary"), .attr("data-confirm", L.t("删除这个附件？", "Remove this attachment?")), .text(L.t("删除", "Remove")))) : .empty))
                     }))
        let maxMB = DisputeAttachmentStore.maxBytes / 1_048_576
        let form: Node = canEdit ? .form(.method("post"), .action("/disputes/\(x.d.id!)/attachments"), .attr("enctype", "multipart/form-data"), .class("no-print"), Layout.csrfField(req),
            .div(.class("form"), Form.field(L.t("上传附件", "Add a file"), "file", errors, hint: L.t("PDF、JPEG 或 PNG，不超过 \(maxMB) MB（如签字的调解协议书扫描件）", "PDF, JPEG or PNG, at most \(maxMB) MB (e.g. the signed agreement scan)"),
                                         .input(.type("file"), .name("file"), .id("f-file"), .attr("accept", ".pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png"), .required()))),
            .p(.button(.type("submit"), .text(L.t("上传", "Upload"))))) : .empty
        let err: Node = errors["attachment"].map { .div(.class("alert error"), .attr("role", "alert"), .text($0)) } ?? .empty
        return .group([err, rows, form])
    }

    static func timelineNode(_ req: Request, _ x: DetailData) -> Node {
        let L = req.lang, cal = req.localCalendar
        let items: [Node] = (x.dto.timeline ?? []).map { ev in
            let name = DisputeAction(rawValue: ev.action).map { L.t($0.nameZh, $0.nameEn) } ?? eventName(ev.action, L)
            // Notes that do not move the file (links, edits, attachments) show no state change.
            let move: Node = ev.from == ev.to ? .empty : .group([" → ", .text(L.t(ev.to.nameZh, ev.to.nameEn))])
            return .li(.strong(.text(name)), move, " ", .span(.class("muted small"), .text(cal.formatDateTime(ev.at) + " · " + ev.by + " · " + L.t(ev.level.nameZh, ev.level.nameEn))),
                       ev.detail.isEmpty ? .empty : .div(.text(ev.detail)))
        }
        return .element("ol", [.class("timeline")] + items)
    }

    static func actionForms(_ req: Request, _ x: DetailData, errors: FieldErrors, sessionInput: DisputeSessionInput?, openAction: String?) -> Node {
        let L = req.lang, d = x.d
        let id = d.id!
        func box(_ action: DisputeAction, _ fields: [Node], button: String? = nil) -> Node {
            .details(openAction == action.rawValue ? .attr("open", nil) : .empty, .summary(.text(L.t(action.nameZh, action.nameEn))),
                     .form(.method("post"), .action(action == .session ? "/disputes/\(id)/sessions" : "/disputes/\(id)/actions"), Layout.csrfField(req),
                           .input(.type("hidden"), .name("action"), .value(action.rawValue)), .element("div", [.class("form")] + fields),
                           .p(.button(.type("submit"), .text(button ?? L.t(action.nameZh, action.nameEn))))))
        }
        let note = Form.field(L.t("说明（选填）", "Note (optional)"), "note", errors, Form.input("note", nil))
        let levels = DisputeLevel.allCases.map { ($0.rawValue, L.t($0.nameZh, $0.nameEn)) }
        let mediatorSelect = Form.select("mediatorID", [("auto", L.t("自动推荐（在办最少）", "Suggest (lightest load)")), ("none", L.t("交本级调委会待分配", "Leave in the level's queue"))]
                                         + x.mediatorOptions.map { ("\($0.0)", $0.1 + " · " + L.t($0.2.nameZh, $0.2.nameEn)) }, selected: "auto")
        var forms: [Node] = []
        for a in DisputeWorkflow.available(from: d.status) {
            switch a {
            case .accept:
                forms.append(box(a, [Form.field(L.t("办理时限（天）", "Time limit (days)"), "limitDays", errors, Form.input("limitDays", "\(DisputeService.defaultLimitDays)", type: "number", extra: .attr("min", "1"))), note]))
            case .decline:
                forms.append(box(a, [Form.field(L.t("不予受理理由", "Reason"), "reason", errors, wide: true, Form.textarea("reason", nil))]))
            case .assign:
                forms.append(box(a, [Form.field(L.t("层级", "Level"), "level", errors, Form.select("level", levels, selected: d.level.rawValue)),
                                     Form.field(L.t("调解员", "Mediator"), "mediatorID", errors, mediatorSelect), note]))
            case .escalate:
                let higher = DisputeLevel.allCases.filter { $0 > d.level }.map { ($0.rawValue, L.t($0.nameZh, $0.nameEn)) }
                forms.append(box(a, [Form.field(L.t("上交至", "Escalate to"), "level", errors, Form.select("level", higher, selected: higher.first?.0)),
                                     Form.field(L.t("调解员", "Mediator"), "mediatorID", errors, mediatorSelect), note]))
            case .refer:
                forms.append(box(a, [Form.field(L.t("移交去向", "Refer to"), "channel", errors, Form.select("channel", ReferralChannel.allCases.map { ($0.rawValue, L.t($0.nameZh, $0.nameEn)) }, selected: nil, blank: L.t("请选择", "Choose…"), required: true)), note]))
            case .session:
                let today = req.today
                forms.append(box(a, [Form.field(L.t("调解日期", "Date"), "heldOn", errors, Form.input("heldOn", sessionInput?.heldOn ?? today, type: "date")),
                                     Form.field(L.t("参加人员", "Participants"), "participants", errors, Form.input("participants", sessionInput?.participants)),
                                     Form.field(L.t("调解记录", "Minutes"), "minutes", errors, wide: true, Form.textarea("minutes", sessionInput?.minutes))]))
            case .close:
                forms.append(box(a, [Form.field(L.t("调解结果", "Outcome"), "outcome", errors, Form.select("outcome", DisputeOutcome.allCases.map { ($0.rawValue, L.t($0.nameZh, $0.nameEn)) }, selected: nil, blank: L.t("请选择", "Choose…"), required: true)),
                                     Form.field(L.t("调解不成时告知去向", "If failed, referred to"), "channel", errors, Form.select("channel", ReferralChannel.allCases.map { ($0.rawValue, L.t($0.nameZh, $0.nameEn)) }, selected: nil, blank: L.t("不适用", "n/a"))),
                                     Form.field(L.t("协议内容（达成协议时必填）", "Agreement terms (required for an agreement)"), "terms", errors, wide: true, Form.textarea("terms", nil)), note]))
            case .followUp:
                forms.append(box(a, [Form.field(L.t("协议是否履行", "Agreement kept?"), "kept", errors, Form.select("kept", [("yes", L.t("已履行", "Kept")), ("no", L.t("未履行", "Not kept"))], selected: nil, blank: L.t("请选择", "Choose…"), required: true)), note]))
            }
        }
        if forms.isEmpty { return .p(.class("muted"), .text(L.t("该档案已办结。", "This file is finished."))) }
        let msg: Node = errors["action"].map { .div(.class("alert error"), .attr("role", "alert"), .text($0)) } ?? .empty
        return .div(.class("no-print"), msg, .group(forms))
    }

    static func detail(_ req: Request, _ x: DetailData, canEdit: Bool, errors: FieldErrors = FieldErrors(), sessionInput: DisputeSessionInput? = nil, openAction: String? = nil) -> Response {
        let L = req.lang, cal = req.localCalendar
        let number = x.d.fileNumber(cal)
        return .page(req, title: number, status: errors.isEmpty ? .ok : .unprocessableEntity,
            .div(.class("breadcrumb"), .a(.href("/disputes"), .text(L.t("矛盾纠纷", "Disputes"))), " › ", .text(number)),
            .div(.class("toolbar"), .h1(.text(L.t(x.d.type.nameZh, x.d.type.nameEn) + " · " + number), " ", statusBadge(x.d.status, L)),
                 canEdit && x.d.status.detailsEditable ? .a(.class("btn secondary"), .href("/disputes/\(x.d.id!)/edit"), .text(L.t("修改档案", "Edit the file"))) : .empty,
                 .a(.class("btn secondary"), .href("/disputes/\(x.d.id!)/print"), .text(L.t("打印档案", "Print the file")))),
            Form.errorSummary(req, errors),
            .div(.class("grid2"),
                .div(.class("card"), .h2(.text(L.t("档案信息", "The file"))), facts(req, x)),
                .div(.div(.class("card"), .h2(.text(L.t("办理", "Next step"))), canEdit ? actionForms(req, x, errors: errors, sessionInput: sessionInput, openAction: openAction) : .p(.class("muted"), .text(L.t("只读", "Read-only")))),
                     .div(.class("card"), .h2(.text(L.t("办理过程", "Timeline"))), timelineNode(req, x)))),
            .div(.class("card"), .h2(.text(L.t("调解记录", "Mediation sessions"))), sessionsNode(req, x)),
            .div(.class("card"), .h2(.text(L.t("关联警情", "Linked incidents"))), incidentsNode(req, x, canEdit: canEdit, errors: errors)),
            petitionsNode(req, x),
            .div(.class("card"), .id("attachments"), .h2(.text(L.t("附件", "Attachments"))), attachmentsNode(req, x, canEdit: canEdit, errors: errors)))
    }

    /// The whole file on paper (一事一档): facts, sessions and the timeline, with signature lines.
    static func printable(_ req: Request, _ x: DetailData) -> Response {
        let L = req.lang, cal = req.localCalendar
        let number = x.d.fileNumber(cal)
        return .page(req, title: L.t("矛盾纠纷调处档案 ", "Dispute file ") + number,
            .div(.class("toolbar no-print"), .a(.href("/disputes/\(x.d.id!)"), .text(L.t("← 返回", "← Back"))),
                 .button(.type("button"), .class("btn"), .attr("data-print", "1"), .text(L.t("打印", "Print")))),
            .h1(.text(L.t("矛盾纠纷调处档案", "Dispute mediation file"))),
            .p(.class("muted"), .text(L.t("一事一档 · 档案编号 ", "One file per issue · no. ") + number)),
            .div(.class("card"), facts(req, x)),
            .div(.class("card"), .h2(.text(L.t("调解记录", "Mediation sessions"))), sessionsNode(req, x)),
            .div(.class("card"), .h2(.text(L.t("办理过程", "Timeline"))), timelineNode(req, x)),
            .div(.class("card"), .h2(.text(L.t("附件目录", "Attachments"))),
                 (x.dto.attachments ?? []).isEmpty ? .p(.class("muted"), .text(L.t("无附件。", "None.")))
                    : .element("ol", (x.dto.attachments ?? []).map { a in .li(.text(a.name + "（" + DisputeAttachmentRules.sizeText(a.size) + "）")) })),
            .p(.text(L.t("调解员签名：__________　　当事人签名：__________　　日期：__________", "Mediator: __________    Parties: __________    Date: __________"))))
    }

    static func stats(_ req: Request, _ r: DisputeService.StatsResult) -> Response {
        let L = req.lang
        let q = req.url.query ?? ""
        let dims: [(String, String)] = [("month", L.t("按月", "By month")), ("type", L.t("按类型", "By type")), ("level", L.t("按层级", "By level")), ("community", L.t("按社区", "By community"))]
        let header = L.isEnglish ? DisputeService.statsHeaderEn : DisputeService.statsHeaderZh
        let rows: [Node] = (r.rows + [r.total]).map { row in
            let cells = DisputeService.statsCells(row)
            return .tr(.group(cells.enumerated().map { i, c in i == 0 ? .td(row.key == "total" ? .strong(.text(c)) : .text(c)) : .td(.class("num"), .text(c)) }))
        }
        let filters: Node = .form(.method("get"), .action("/disputes/stats"), .class("filters no-print"),
            .input(.type("hidden"), .name("by"), .value(r.by)),
            .label(.text(L.t("起始月", "From")), Form.input("from", r.from, type: "month")),
            .label(.text(L.t("截止月", "To")), Form.input("to", r.to, type: "month")),
            .button(.type("submit"), .text(L.t("统计", "Show"))))
        let t = r.total.stats
        return .page(req, title: L.t("矛盾纠纷调处统计", "Mediation statistics"),
            .div(.class("toolbar"), .h1(.text(L.t("矛盾纠纷调处统计", "Mediation statistics"))),
                 .a(.class("btn secondary no-print"), .href("/disputes/stats.csv" + (q.isEmpty ? "" : "?" + q)), .text(L.t("导出 CSV", "Export CSV"))),
                 .button(.type("button"), .class("btn secondary no-print"), .attr("data-print", "1"), .text(L.t("打印", "Print")))),
            tabs(req, active: "stats"),
            .element("nav", [.class("tabs no-print")] + dims.map { d in .a(.href("/disputes/stats?by=\(d.0)" + (r.from.map { "&from=\($0)" } ?? "") + (r.to.map { "&to=\($0)" } ?? "")), r.by == d.0 ? .class("active") : .empty, .text(d.1)) }),
            filters,
            .p(.text(L.t("共调处矛盾纠纷\(t.handled)件，调处成功\(t.succeeded)件，调处成功率\(r.total.successRate)；防止激化\(t.preventedEscalations)件。",
                         "\(t.handled) disputes handled, \(t.succeeded) settled: success rate \(r.total.successRate); \(t.preventedEscalations) escalations prevented."))),
            r.rows.isEmpty ? .div(.class("empty"), .text(L.t("该期间没有纠纷档案。", "No dispute files in this period.")))
                : .group([statsChart(L, r), .div(.class("scroll"), .table(.class("data"), .thead(.tr(.group(header.map { .th(.text($0)) }))), .element("tbody", rows)))]),
            .p(.class("small muted"), .text(L.t("调处 = 达成协议、调解不成或移交的件数（撤回和在办不计）；调处成功率 = 调处成功 ÷ 调处，保留一位小数；防止激化 = 有群体性上访、械斗或民转刑风险而调解成功的件数；平均办结天数自登记起算。",
                                              "Handled = agreements + failed + referred (withdrawn and open files excluded); success rate = settled ÷ handled, one decimal; escalations prevented = risk-flagged files settled by agreement; days to close count from registration."))))
    }

    /// Registered, settled and failed per row: months in order; types, levels and communities busiest first.
    static func statsChart(_ L: Lang, _ r: DisputeService.StatsResult) -> Node {
        let rows = r.by == "month" ? r.rows : r.rows.sorted { ($0.stats.registered, $1.label) > ($1.stats.registered, $0.label) }
        return Charts.bars(rows.map { Charts.Bar(label: $0.label, values: [$0.stats.registered, $0.stats.succeeded, $0.stats.failed + $0.stats.referred]) },
                           series: [L.t("登记", "Registered"), L.t("调处成功", "Settled"), L.t("调解不成或移交", "Failed or referred")],
                           title: L.t("矛盾纠纷登记与调处", "Disputes registered and settled"), L)
    }

    static func desk(_ req: Request, _ desk: DisputeService.LevelDesk, places: [Int: String]) -> Response {
        let L = req.lang, today = req.today
        let tiles: [Node] = desk.levels.map { l in
            .div(.class("stat"), .div(.class("lbl"), .text(L.t(l.level.nameZh, l.level.nameEn))),
                 .div(.class("num"), .a(.href("/disputes?level=\(l.level.rawValue)&overdue=1"), .text("\(l.late)"))), .div(.class("lbl"), .text(L.t("超期", "late"))),
                 .div(.class("small muted"), .text(L.t("近7天新到 \(l.arrived) · 待分派 \(l.waiting) · 调解员在办 \(l.inHand)", "arrived in 7 days \(l.arrived) · waiting \(l.waiting) · with mediators \(l.inHand)"))))
        }
        let mrows: [Node] = desk.mediators.map { m in
            .tr(.td(m.mediatorID.map { id in .a(.href("/disputes?mediator=\(id)"), .text(m.name)) } ?? .text(m.name)), .td(.text(L.t(m.level.nameZh, m.level.nameEn))),
                .td(.class("num"), .text("\(m.open)")), .td(.class("num"), m.late > 0 ? .span(.class("badge received"), .text("\(m.late)")) : .text("0")))
        }
        let lrows: [Node] = desk.late.map { d in
            .tr(.td(.a(.href("/disputes/\(d.id)"), .text(d.number))), .td(.text(L.t(d.type.nameZh, d.type.nameEn))), .td(.text(places[d.communityID] ?? "")),
                .td(.text(L.t(d.level.nameZh, d.level.nameEn))), .td(.text(d.dueOn ?? "")),
                .td(.class("num"), .text("\(-(DisputeDeadline.daysLeft(dueDay: d.dueOn, today: today) ?? 0))")))
        }
        return .page(req, title: L.t("调处工作台", "Mediation desk"),
            .div(.class("toolbar"), .h1(.text(L.t("调处工作台", "Mediation desk")))),
            tabs(req, active: "desk"),
            .div(.class("stats"), .group(tiles)),
            .div(.class("card"), .h2(.text(L.t("调解员在办与超期", "Open and late files per mediator"))),
                 mrows.isEmpty ? .p(.class("muted"), .text(L.t("没有在办的纠纷。", "No open files."))) :
                 .table(.class("data"), .thead(.tr(.th(.text(L.t("调解员", "Mediator"))), .th(.text(L.t("层级", "Level"))), .th(.class("num"), .text(L.t("在办", "Open"))), .th(.class("num"), .text(L.t("超期", "Late"))))), .element("tbody", mrows))),
            .div(.class("card"), .h2(.text(L.t("超期清单", "Overdue worklist"))),
                 lrows.isEmpty ? .p(.class("muted"), .text(L.t("没有超期的纠纷。", "Nothing is late."))) :
                 .table(.class("data"), .thead(.tr(.th(.text(L.t("编号", "No."))), .th(.text(L.t("类型", "Type"))), .th(.text(L.t("社区", "Community"))), .th(.text(L.t("层级", "Level"))),
                                                   .th(.text(L.t("期限", "Due"))), .th(.class("num"), .text(L.t("超期天数", "Days late"))))), .element("tbody", lrows))))
    }
}
