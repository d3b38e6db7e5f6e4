import Vapor
import PinganKit

/// Pages of the incident ledger.
enum IncidentViews {
    static func statusBadge(_ s: IncidentStatus, _ L: Lang) -> Node {
        .span(.class("badge \(s.rawValue)"), .text(L.t(s.nameZh, s.nameEn)))
    }

    static func list(_ req: Request, items: [IncidentRow], info: PageInfo, lookup: IncidentLookup, filter: IncidentFilter, errors: FieldErrors = FieldErrors(),
                     communities: [(id: Int, name: String)], canEdit: Bool) -> Response {
        let L = req.lang
        let cal = LocalCalendar(timeZoneIdentifier: req.config.timeZone)
        let query = req.url.query ?? ""
        let subs = lookup.subcategories.values.sorted { $0.sortOrder < $1.sortOrder }
        return .page(req, title: L.t("警情台账", "Incident ledger"),
            .div(.class("toolbar"),
                .h1(.text(L.t("警情台账", "Incident ledger"))),
                .if(canEdit, .a(.class("btn"), .href("/incidents/new" + (filter.community.map { "?community=\($0)" } ?? "")), .text(L.t("登记警情", "Record an incident")))),
                .a(.class("btn secondary"), .href("/incidents/export.csv" + (query.isEmpty ? "" : "?" + query)), .text(L.t("导出 CSV", "Export CSV")))),
            .if(!errors.isEmpty, .div(.class("alert error"), .attr("role", "alert"),
                .text(L.t("以下筛选条件无效，已忽略：", "These filters were not understood and were ignored: ") + errors.fields.keys.sorted().map { "\($0)（\(errors.fields[$0]!)）" }.joined(separator: "；")))),
            .form(.method("get"), .action("/incidents"), .class("filters"),
                .label(.text(L.t("社区/村", "Community")), Form.select("community", communities.map { ("\($0.id)", $0.name) }, selected: filter.community.map { "\($0)" }, blank: L.t("全部", "All"))),
                .if(filter.grid != nil, .input(.type("hidden"), .name("grid"), .value(filter.grid.map { "\($0)" } ?? ""))),
                .label(.text(L.t("类别", "Category")), Form.select("category", IncidentCategory.allCases.map { ($0.rawValue, L.t($0.nameZh, $0.nameEn)) }, selected: filter.category?.rawValue, blank: L.t("全部", "All"))),
                .label(.text(L.t("细类", "Subcategory")), Form.select("subcategory", subs.map { ($0.code, L.t($0.nameZh, $0.nameEn)) }, selected: filter.subcategory, blank: L.t("全部", "All"))),
                .label(.text(L.t("可防性", "Preventable")), Form.select("preventable", [("true", L.t("可防性案件", "Preventable")), ("false", L.t("非可防性", "Not preventable"))], selected: filter.preventable.map { $0 ? "true" : "false" }, blank: L.t("全部", "All"))),
                .label(.text(L.t("状态", "Status")), Form.select("status", IncidentStatus.allCases.map { ($0.rawValue, L.t($0.nameZh, $0.nameEn)) }, selected: filter.status?.rawValue, blank: L.t("全部", "All"))),
                .label(.text(L.t("起始日期", "From")), Form.input("from", filter.from, type: "date")),
                .label(.text(L.t("截止日期", "To")), Form.input("to", filter.to, type: "date")),
                .label(.text(L.t("关键词", "Search")), Form.input("q", filter.q, extra: .placeholder(L.t("地址、案情、手段", "address, description")))),
                .label(.text(L.t("排序", "Sort")), Form.select("sort", [("occurred_desc", L.t("发生时间 新→旧", "Occurred, newest")), ("occurred_asc", L.t("发生时间 旧→新", "Occurred, oldest")),
                                                                       ("reported_desc", L.t("报警时间 新→旧", "Reported, newest")), ("status", L.t("按状态", "By status"))], selected: filter.sort)),
                .button(.type("submit"), .text(L.t("筛选", "Filter"))),
                .a(.href("/incidents"), .text(L.t("清除", "Clear")))),
            items.isEmpty && info.total > 0
                ? .group([.div(.class("empty"), .text(L.t("这一页没有记录。", "This page is past the end of the list."))), Pager.view(req, info)])
            : items.isEmpty
                ? .div(.class("empty"), .p(.text(L.t("没有符合条件的警情。", "No incidents match these filters."))),
                       .if(canEdit, .p(.a(.href("/incidents/new"), .text(L.t("登记一条新警情", "Record a new incident"))))))
                : .group([
                    .table(.class("data"),
                        .thead(.tr(.th(.text(L.t("编号", "Number"))), .th(.text(L.t("发生时间", "Occurred"))), .th(.text(L.t("类别", "Category"))),
                                   .th(.text(L.t("社区/网格", "Community / grid"))), .th(.class("hide-sm"), .text(L.t("地址", "Address"))),
                                   .th(.class("hide-sm"), .text(L.t("来源", "Source"))), .th(.text(L.t("状态", "Status"))))),
                        .tbody(.forEach(items) { i in
                            .tr(.td(.a(.href("/incidents/\(i.id)"), .text(i.number(cal)))),
                                .td(.class("nowrap"), .text(cal.formatDateTime(i.occurredAt))),
                                .td(.text(lookup.subcategoryName(i.subcategory, L)), .if(i.preventable, .group([" ", .span(.class("badge prev"), .text(L.t("可防", "prev.")))]))),
                                .td(.text(lookup.divisionName(i.communityID) ?? ""), .if(i.gridID != nil, .span(.class("small muted"), .text(" / " + (lookup.divisionName(i.gridID) ?? ""))))),
                                .td(.class("hide-sm"), .text(i.address)),
                                .td(.class("hide-sm"), .text(L.t(i.source.nameZh, i.source.nameEn))),
                                .td(statusBadge(i.status, L)))
                        })),
                    Pager.view(req, info)]))
    }

    static func form(_ req: Request, incident: Incident?, input: IncidentInput, errors: FieldErrors, communities: [(id: Int, name: String)], grids: [Division],
                     buildings: [Division], officers: OfficerChoices, subcategories: [IncidentSubcategoryRow], picker: Node = .empty) -> Response {
        let L = req.lang
        let isNew = incident == nil
        let title = isNew ? L.t("登记警情", "Record an incident") : L.t("编辑警情", "Edit incident")
        let action = isNew ? "/incidents" : "/incidents/\(incident!.id!)"
        let grouped = IncidentCategory.allCases.map { c in (c, subcategories.filter { $0.category == c }.sorted { $0.sortOrder < $1.sortOrder }) }
        let subErr = errors["subcategory"]
        return .page(req, title: title, status: errors.isEmpty ? .ok : .unprocessableEntity,
            .h1(.text(title)),
            Form.errorSummary(req, errors),
            .if(isNew && input.communityID == nil, .form(.method("get"), .action("/incidents/new"), .class("filters"),
                .label(.text(L.t("先选择社区/村以列出其网格", "Pick the community first to list its grids")),
                       Form.select("community", communities.map { ("\($0.id)", $0.name) }, selected: nil, blank: L.t("请选择", "Choose…"))),
                .button(.type("submit"), .text(L.t("选择", "Choose"))))),
            .form(.method("post"), .action(action), .class("card"),
                Layout.csrfField(req),
                .div(.class("form"),
                    Form.field(L.t("警情来源", "Source"), "source", errors, Form.select("source", IncidentSource.allCases.map { ($0.rawValue, L.t($0.nameZh, $0.nameEn)) }, selected: input.source, blank: L.t("请选择", "Choose…"), required: true)),
                    .div(.class(subErr != nil ? "has-error" : ""), .label(.text(L.t("警情类别", "Category")),
                        .select(.name("subcategory"), .id("f-subcategory"), .required(),
                            .option(.value(""), .text(L.t("请选择", "Choose…"))),
                            .forEach(grouped.filter { !$0.1.isEmpty }) { c, subs in
                                .element("optgroup", [.attr("label", L.t(c.nameZh, c.nameEn)), .forEach(subs) { s in
                                    .option(.value(s.code), .selected(s.code == input.subcategory), .text(L.t(s.nameZh, s.nameEn) + (s.preventable ? L.t("（可防）", " (preventable)") : "")))
                                }])
                            })),
                        .if(subErr != nil, .span(.class("field-error"), .text(subErr ?? "")))),
                    Form.field(L.t("发生时间", "Occurred at"), "occurredAt", errors, Form.input("occurredAt", input.occurredAt, type: "datetime-local", required: true)),
                    Form.field(L.t("报警时间", "Reported at"), "reportedAt", errors, hint: L.t("留空则为当前时间", "Leave empty for now"), Form.input("reportedAt", input.reportedAt, type: "datetime-local")),
                    Form.field(L.t("社区/村", "Community"), "communityID", errors, Form.select("communityID", communities.map { ("\($0.id)", $0.name) }, selected: input.communityID, blank: L.t("请选择", "Choose…"), required: true, extra: Form.followedByGrids(L))),
                    Form.field(L.t("网格", "Grid"), "gridID", errors, Form.select("gridID", grids.map { ("\($0.id!)", "\($0.name)（\($0.code)）") }, selected: input.gridID, blank: grids.isEmpty ? L.t("先选择社区", "Pick a community first") : L.t("不指定", "Not specified"), extra: Form.gridBlank(L))),
                    Form.field(L.t("楼栋", "Building"), "buildingID", errors, Form.select("buildingID", buildings.map { ("\($0.id!)", $0.name) }, selected: input.buildingID, blank: L.t("不指定", "Not specified"))),
                    Form.field(L.t("地址", "Address"), "address", errors, Form.input("address", input.address)),
                    Form.field(L.t("纬度", "Latitude"), "latitude", errors, Form.input("latitude", input.latitude, extra: .attr("inputmode", "decimal"))),
                    Form.field(L.t("经度", "Longitude"), "longitude", errors, Form.input("longitude", input.longitude, extra: .attr("inputmode", "decimal"))),
                    picker,
                    Form.field(L.t("处警民警", "Handling officer"), "handlingOfficerID", errors, Form.groupedSelect("handlingOfficerID", officers.groups.map { g in (g.label, g.options.map { ("\($0.id)", $0.label) }) }, selected: input.handlingOfficerID, blank: L.t("未指定", "Not assigned"),
                                              filter: L.t("输入姓名筛选", "Type a name to narrow"))),
                    Form.field(L.t("立案日期", "Filed (立案)"), "filedAt", errors, Form.input("filedAt", input.filedAt.map { String($0.prefix(10)) }, type: "date")),
                    Form.field(L.t("破案日期", "Solved (破案)"), "solvedAt", errors, Form.input("solvedAt", input.solvedAt.map { String($0.prefix(10)) }, type: "date")),
                    Form.field(L.t("作案手段", "Modus operandi"), "modusOperandi", errors, wide: true, Form.input("modusOperandi", input.modusOperandi)),
                    Form.field(L.t("简要案情", "Description"), "description", errors, wide: true, Form.textarea("description", input.description))),
                .p(.button(.type("submit"), .text(L.t("保存", "Save"))), " ",
                   .a(.href(isNew ? "/incidents" : "/incidents/\(incident!.id!)"), .text(L.t("取消", "Cancel"))))))
    }

    static func detail(_ req: Request, _ i: Incident, lookup: IncidentLookup, events: [IncidentEventDTO], followUps: [FollowUpDTO],
                       canEdit: Bool, errors: FieldErrors = FieldErrors(), followUpInput: IncidentService.FollowUpInput? = nil,
                       linked: Node = .empty, placeMap: Node = .empty) -> Response {
        let L = req.lang
        let cal = LocalCalendar(timeZoneIdentifier: req.config.timeZone)
        let number = i.number(cal)
        let crumbs: Node = .div(.class("breadcrumb"), .a(.href("/incidents"), .text(L.t("警情台账", "Incident ledger"))), " › ", .text(number))
        let editLink: Node = canEdit ? .a(.class("btn secondary"), .href("/incidents/\(i.id!)/edit"), .text(L.t("编辑", "Edit"))) : .empty
        let printButton: Node = .button(.type("button"), .class("btn secondary no-print"), .attr("data-print", nil), .text(L.t("打印", "Print")))
        let toolbar: Node = .div(.class("toolbar"), .h1(.text(lookup.subcategoryName(i.subcategory, L)), " ", statusBadge(i.status, L)), editLink, printButton)
        let side: Node = .div(timelineCard(req, i, events, canEdit: canEdit, errors: errors), followUpCard(req, i, followUps, canEdit: canEdit, errors: errors, input: followUpInput))
        return .page(req, title: number, status: errors.isEmpty ? .ok : .unprocessableEntity,
                     crumbs, toolbar, Form.errorSummary(req, errors), .div(.class("grid2"), .div(infoCard(req, i, lookup, placeMap: placeMap), linked), side))
    }

    static func infoCard(_ req: Request, _ i: Incident, _ lookup: IncidentLookup, placeMap: Node = .empty) -> Node {
        let L = req.lang
        let cal = LocalCalendar(timeZoneIdentifier: req.config.timeZone)
        var kv: [Node] = []
        func row(_ zh: String, _ en: String, _ value: Node) { kv.append(.dt(.text(L.t(zh, en)))); kv.append(.dd(value)) }
        let prevBadge: Node = i.preventable ? .group([" ", .span(.class("badge prev"), .text(L.t("可防性案件", "Preventable")))]) : .empty
        let category = L.t(i.category.nameZh, i.category.nameEn) + " / " + lookup.subcategoryName(i.subcategory, L)
        let grid = lookup.divisionName(i.gridID).map { " / " + $0 } ?? ""
        let building = lookup.divisionName(i.buildingID).map { " / " + $0 } ?? ""
        let place: Node = .group([.a(.href("/jurisdiction/\(i.communityID)"), .text(lookup.divisionName(i.communityID) ?? "")), .text(grid + building)])
        let coords = i.latitude.map { String(format: "%.6f, %.6f", $0, i.longitude ?? 0) } ?? "—"
        let filedSolved = (i.filedAt.map { cal.formatDate($0) } ?? "—") + " / " + (i.solvedAt.map { cal.formatDate($0) } ?? "—")
        row("编号", "Number", .text(i.number(cal)))
        row("来源", "Source", .text(L.t(i.source.nameZh, i.source.nameEn)))
        row("类别", "Category", .group([.text(category), prevBadge]))
        row("发生时间", "Occurred", .text(cal.formatDateTime(i.occurredAt)))
        row("报警时间", "Reported", .text(cal.formatDateTime(i.reportedAt)))
        row("地点", "Place", place)
        row("地址", "Address", .text(i.address.isEmpty ? "—" : i.address))
        row("坐标", "Coordinates", .text(coords))
        row("作案手段", "Modus operandi", .text(i.modusOperandi.isEmpty ? "—" : i.modusOperandi))
        row("处警民警", "Officer", .text(lookup.userName(i.handlingOfficerID) ?? "—"))
        row("立案 / 破案", "Filed / solved", .text(filedSolved))
        return .div(.class("card"), .h2(.text(L.t("警情信息", "Incident"))), .element("dl", [.class("kv")] + kv),
                    .h3(.text(L.t("简要案情", "Description"))), .p(.text(i.description)), placeMap)
    }

    static func timelineCard(_ req: Request, _ i: Incident, _ events: [IncidentEventDTO], canEdit: Bool, errors: FieldErrors) -> Node {
        let L = req.lang
        let cal = LocalCalendar(timeZoneIdentifier: req.config.timeZone)
        let items: [Node] = events.map { ev in
            let meta = cal.formatDateTime(ev.at) + " · " + ev.by
            let note: Node = ev.note.isEmpty ? .empty : .div(.text(ev.note))
            return .li(.strong(.text(L.t(ev.to.nameZh, ev.to.nameEn))), " ", .span(.class("muted small"), .text(meta)), note)
        }
        var form: Node = .empty
        if canEdit && !i.status.next.isEmpty {
            let options: [(String, String)] = i.status.next.map { ($0.rawValue, L.t($0.nameZh, $0.nameEn)) }
            let fields: Node = .div(.class("form"),
                Form.field(L.t("变更为", "Move to"), "to", errors, Form.select("to", options, selected: nil, blank: L.t("请选择", "Choose…"), required: true)),
                Form.field(L.t("处置说明", "Note"), "note", errors, .input(.type("text"), .name("note"), .id("f-status-note"))))
            form = .form(.method("post"), .action("/incidents/\(i.id!)/status"), .class("no-print"), Layout.csrfField(req), fields,
                         .p(.button(.type("submit"), .text(L.t("提交", "Submit")))))
        }
        return .div(.class("card"), .h2(.text(L.t("处置过程", "Timeline"))), .element("ol", [.class("timeline")] + items), form)
    }

    /// `input`: what was typed, shown again with the errors.
    static func followUpCard(_ req: Request, _ i: Incident, _ followUps: [FollowUpDTO], canEdit: Bool, errors: FieldErrors,
                             input: IncidentService.FollowUpInput? = nil) -> Node {
        let L = req.lang
        let cal = LocalCalendar(timeZoneIdentifier: req.config.timeZone)
        var list: Node = .p(.class("muted"), .text(L.t("尚无回访。", "No follow-up visits yet.")))
        if !followUps.isEmpty {
            let head: Node = .thead(.tr(.th(.text(L.t("日期", "Date"))), .th(.text(L.t("回访人", "By"))), .th(.text(L.t("群众满意", "Satisfied"))), .th(.text(L.t("备注", "Note")))))
            let rows: [Node] = followUps.map { f in
                .tr(.td(.text(cal.formatDate(f.visitedAt))), .td(.text(f.by)), .td(.text(f.satisfied ? L.t("满意", "Yes") : L.t("不满意", "No"))), .td(.text(f.note)))
            }
            list = .table(.class("data"), head, .element("tbody", rows))
        }
        var form: Node = .empty
        if canEdit && (i.status == .handled || i.status == .closed) {
            let satisfiedOptions: [(String, String)] = [("true", L.t("满意", "Satisfied")), ("false", L.t("不满意", "Not satisfied"))]
            let fields: Node = .div(.class("form"),
                Form.field(L.t("回访日期", "Visited on"), "visitedAt", errors, Form.input("visitedAt", input?.visitedAt ?? cal.formatDate(Date()), type: "date")),
                Form.field(L.t("群众是否满意", "Resident satisfied?"), "satisfied", errors,
                           Form.select("satisfied", satisfiedOptions, selected: input?.satisfied, blank: L.t("请选择", "Choose…"))),
                Form.field(L.t("备注", "Note"), "note", errors, wide: true, .input(.type("text"), .name("note"), .id("f-followup-note"), .value(input?.note ?? ""))))
            form = .form(.method("post"), .action("/incidents/\(i.id!)/followups"), .class("no-print"), Layout.csrfField(req), fields,
                         .p(.button(.type("submit"), .text(L.t("记录回访", "Record visit")))))
        }
        return .div(.class("card"), .h2(.text(L.t("回访记录", "Follow-up visits"))), list, form)
    }
}
