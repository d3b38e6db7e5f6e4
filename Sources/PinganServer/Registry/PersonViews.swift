import Vapor
import PinganKit

enum PersonViews {
    static func categoryText(_ p: Person, _ L: Lang) -> String {
        L.t(p.category.nameZh, p.category.nameEn) + (p.keyType.map { "（" + L.t($0.nameZh, $0.nameEn) + "）" } ?? "")
    }

    static func list(_ req: Request, people: [Person], names: [Int: String], info: PageInfo, filter: PersonFilter, errors: FieldErrors,
                     communities: [(id: Int, name: String)], canEdit: Bool, canSearchIdentifiers: Bool) -> Response {
        let L = req.lang
        let query = req.url.query ?? ""
        let today = LocalCalendar(timeZoneIdentifier: req.config.timeZone).formatDate(Date())
        let categories: [(String, String)] = PersonCategory.allCases.map { ($0.rawValue, L.t($0.nameZh, $0.nameEn)) }
        let keyTypes: [(String, String)] = KeyPopulationType.allCases.map { ($0.rawValue, L.t($0.nameZh, $0.nameEn)) }
        let toolbar: Node = .div(.class("toolbar"),
            .h1(.text(L.t("实有人口", "People registry"))),
            canEdit ? .a(.class("btn"), .href("/people/new"), .text(L.t("登记人口", "Register a person"))) : .empty,
            canEdit ? .a(.class("btn secondary"), .href("/people/import"), .text(L.t("批量导入", "Import CSV"))) : .empty,
            .a(.class("btn secondary"), .href("/people?expiring=30"), .text(L.t("暂住登记到期提醒", "Expiring registrations"))),
            .a(.class("btn secondary"), .href("/people/export.csv" + (query.isEmpty ? "" : "?" + query)), .text(L.t("导出 CSV（脱敏）", "Export CSV (masked)"))))
        var fields: [Node] = [.method("get"), .action("/people"), .class("filters")]
        fields.append(.label(.text(L.t("社区/村", "Community")), Form.select("community", communities.map { ("\($0.id)", $0.name) }, selected: filter.community.map { "\($0)" }, blank: L.t("全部", "All"))))
        fields.append(.label(.text(L.t("类别", "Category")), Form.select("category", categories, selected: filter.category?.rawValue, blank: L.t("全部", "All"))))
        fields.append(.label(.text(L.t("重点人口类型", "Key type")), Form.select("keyType", keyTypes, selected: filter.keyType?.rawValue, blank: L.t("全部", "All"))))
        fields.append(.label(.text(L.t("姓名", "Name")), Form.input("q", filter.q)))
        if canSearchIdentifiers {
            // An exact-number search is an unmasking in disguise: it states a purpose and is logged like a reveal.
            fields.append(.label(.text(L.t("身份号码（精确）", "ID number (exact)")), Form.input("idNumber", nil, extra: .attr("autocomplete", "off"))))
            fields.append(.label(.text(L.t("电话（精确）", "Phone (exact)")), Form.input("phone", nil, extra: .attr("autocomplete", "off"))))
            fields.append(.label(.text(L.t("查询事由（按号码查询时必填，留痕）", "Purpose (required for a number search; logged)")),
                                 Form.select("purpose", IdentifierSearch.purposes.map { ($0.0, L.t($0.1, $0.2)) }, selected: nil, blank: L.t("请选择", "Choose…"))))
        }
        fields.append(.label(.text(L.t("到期天数内", "Expiring within (days)")), Form.input("expiring", filter.expiringDays.map { "\($0)" }, type: "number")))
        fields.append(.button(.type("submit"), .text(L.t("查询", "Search"))))
        fields.append(.a(.href("/people"), .text(L.t("清除", "Clear"))))
        let alert: Node = errors.isEmpty ? .empty : .div(.class("alert error"), .attr("role", "alert"),
            .text(L.t("以下条件无效，已忽略：", "Ignored invalid filters: ") + errors.fields.keys.sorted().map { errors.fields[$0]! }.joined(separator: "；")))
        let head: Node = .thead(.tr(.th(.text(L.t("姓名", "Name"))), .th(.text(L.t("身份号码", "ID number"))), .th(.text(L.t("性别", "Sex"))),
                                    .th(.text(L.t("类别", "Category"))), .th(.text(L.t("社区/网格", "Community / grid"))), .th(.class("hide-sm"), .text(L.t("房号", "Room"))),
                                    .th(.class("hide-sm"), .text(L.t("暂住有效期", "Registration expires")))))
        let rows: [Node] = people.map { p in
            let expired = (p.residenceExpiresOn ?? "9999") < today
            let expiry: Node = p.residenceExpiresOn.map { d in .span(.class(expired ? "badge received" : "nowrap"), .text(d + (expired ? L.t(" 已过期", " expired") : ""))) } ?? .text("—")
            return .tr(.td(.a(.href("/people/\(p.id!)"), .text(p.name))), .td(.code(.text(p.idNumberMasked))), .td(.text(p.sex == "M" ? L.t("男", "M") : L.t("女", "F"))),
                       .td(.text(categoryText(p, L))),
                       .td(.text(names[p.communityID] ?? ""), .span(.class("small muted"), .text(p.gridID.flatMap { names[$0] }.map { " / " + $0 } ?? ""))),
                       .td(.class("hide-sm"), .text(p.room.isEmpty ? "—" : p.room)), .td(.class("hide-sm"), expiry))
        }
        let body: Node = people.isEmpty
            ? .div(.class("empty"), .text(info.total > 0 ? L.t("这一页没有记录。", "This page is past the end.") : L.t("没有符合条件的人员。", "Nobody matches these filters.")))
            : .table(.class("data"), head, .element("tbody", rows))
        return .page(req, title: L.t("实有人口", "People registry"), toolbar, alert, .element("form", fields), body, Pager.view(req, info))
    }

    static func form(_ req: Request, person: Person?, input: PersonInput, errors: FieldErrors, communities: [(id: Int, name: String)],
                     grids: [Division], supervisors: [User]) -> Response {
        let L = req.lang
        let isNew = person == nil
        let title = isNew ? L.t("登记人口", "Register a person") : L.t("编辑人员信息", "Edit person")
        let categories: [(String, String)] = PersonCategory.allCases.map { ($0.rawValue, L.t($0.nameZh, $0.nameEn)) }
        let keyTypes: [(String, String)] = KeyPopulationType.allCases.map { ($0.rawValue, L.t($0.nameZh, $0.nameEn)) }
        let idHint = isNew ? L.t("18位，末位可为X；保存后加密存储，仅显示脱敏号码", "18 characters; stored encrypted, shown masked")
                           : L.t("现为 \(person!.idNumberMasked)；留空则不修改", "Now \(person!.idNumberMasked); leave empty to keep")
        let phoneHint = isNew ? L.t("可选", "Optional") : L.t("现为 \(person!.phoneMasked ?? "—")；留空则不修改", "Now \(person!.phoneMasked ?? "—"); leave empty to keep")
        var fields: [Node] = []
        // The identifiers come back only as typed in this submission (a mistake elsewhere must not wipe them); the
        // stored ones are never put in the form, only their masks in the hints.
        fields.append(Form.field(L.t("姓名", "Name"), "name", errors, Form.input("name", input.name, required: true)))
        fields.append(Form.field(L.t("公民身份号码", "Resident ID number"), "idNumber", errors, hint: idHint, Form.input("idNumber", input.idNumber, required: isNew, extra: .attr("autocomplete", "off"))))
        fields.append(Form.field(L.t("联系电话", "Phone"), "phone", errors, hint: phoneHint, Form.input("phone", input.phone, type: "tel", extra: .attr("autocomplete", "off"))))
        fields.append(Form.field(L.t("人口类别", "Category"), "category", errors, Form.select("category", categories, selected: input.category, blank: L.t("请选择", "Choose…"), required: true)))
        fields.append(Form.field(L.t("重点人口类型", "Key-population type"), "keyType", errors, hint: L.t("仅重点人口填写", "Key population only"), Form.select("keyType", keyTypes, selected: input.keyType, blank: L.t("不适用", "Not applicable"))))
        fields.append(Form.field(L.t("暂住登记有效期至", "Temporary registration expires"), "residenceExpiresOn", errors, hint: L.t("仅暂住人口填写", "Temporary residents only"), Form.input("residenceExpiresOn", input.residenceExpiresOn, type: "date")))
        fields.append(Form.field(L.t("社区/村", "Community"), "communityID", errors, Form.select("communityID", communities.map { ("\($0.id)", $0.name) }, selected: input.communityID, blank: L.t("请选择", "Choose…"), required: true, extra: Form.followedByGrids(L))))
        fields.append(Form.field(L.t("网格", "Grid"), "gridID", errors, Form.select("gridID", grids.map { ("\($0.id!)", $0.name) }, selected: input.gridID, blank: grids.isEmpty ? L.t("先选择社区并保存", "Pick a community first") : L.t("不指定", "Not specified"), extra: Form.gridBlank(L))))
        fields.append(Form.field(L.t("房号", "Room"), "room", errors, Form.input("room", input.room)))
        fields.append(Form.field(L.t("户籍地", "Household registration (户籍地)"), "hukouAddress", errors, Form.input("hukouAddress", input.hukouAddress)))
        fields.append(Form.field(L.t("管控/联系责任人", "Responsible officer"), "supervisorID", errors, Form.select("supervisorID", supervisors.map { ("\($0.id!)", $0.displayName) }, selected: input.supervisorID, blank: L.t("未指定", "None"))))
        fields.append(Form.field(L.t("备注", "Note"), "note", errors, wide: true, Form.textarea("note", input.note)))
        let action = isNew ? "/people" : "/people/\(person!.id!)"
        let cancel = isNew ? "/people" : "/people/\(person!.id!)"
        return .page(req, title: title, status: errors.isEmpty ? .ok : .unprocessableEntity,
            .h1(.text(title)), Form.errorSummary(req, errors),
            .form(.method("post"), .action(action), .class("card"), Layout.csrfField(req), .element("div", [.class("form")] + fields),
                  .p(.button(.type("submit"), .text(L.t("保存", "Save"))), " ", .a(.href(cancel), .text(L.t("取消", "Cancel"))))))
    }

    static func detail(_ req: Request, _ p: Person, names: [Int: String], supervisor: String?, revealed: RevealedIdentity?, errors: FieldErrors,
                       canEdit: Bool, canReveal: Bool) -> Response {
        let L = req.lang
        var kv: [Node] = []
        func row(_ zh: String, _ en: String, _ v: Node) { kv.append(.dt(.text(L.t(zh, en)))); kv.append(.dd(v)) }
        row("身份号码", "ID number", .code(.text(revealed?.idNumber ?? p.idNumberMasked)))
        row("联系电话", "Phone", .text(revealed.map { $0.phone ?? "—" } ?? p.phoneMasked ?? "—"))
        row("性别", "Sex", .text(p.sex == "M" ? L.t("男", "Male") : L.t("女", "Female")))
        row("出生年代", "Born (decade)", .text(PersonService.decade(p.birthYear, L)))
        row("人口类别", "Category", .text(categoryText(p, L)))
        if let x = p.residenceExpiresOn { row("暂住登记有效期至", "Registration expires", .text(x)) }
        let place = (names[p.communityID] ?? "") + (p.gridID.flatMap { names[$0] }.map { " / " + $0 } ?? "") + (p.room.isEmpty ? "" : " / " + p.room)
        row("居住地", "Lives at", .group([.a(.href("/jurisdiction/\(p.communityID)"), .text(place))]))
        row("户籍地", "Household registration", .text(p.hukouAddress.isEmpty ? "—" : p.hukouAddress))
        row("责任人", "Responsible officer", .text(supervisor ?? "—"))
        row("备注", "Note", .text(p.note.isEmpty ? "—" : p.note))
        let purposes: [(String, String)] = PersonService.purposes.map { ($0.0, L.t($0.1, $0.2)) }
        let revealForm: Node = (canReveal && revealed == nil)
            ? .form(.method("post"), .action("/people/\(p.id!)/reveal"), .class("card no-print"), Layout.csrfField(req),
                    .h3(.text(L.t("查看完整号码", "Show the full numbers"))),
                    .div(.class("form"),
                        Form.field(L.t("查看事由（记入审计日志）", "Purpose (written to the audit log)"), "purpose", errors, Form.select("purpose", purposes, selected: nil, blank: L.t("请选择", "Choose…"), required: true)),
                        Form.field(L.t("说明", "Details"), "detail", errors, Form.input("detail", nil, extra: .placeholder(L.t("如：受理编号、案件编号", "e.g. request or case number"))))),
                    .p(.button(.type("submit"), .text(L.t("查看（留痕）", "Show (audited)")))))
            : .empty
        let notice: Node = revealed == nil ? .empty
            : .div(.class("alert ok"), .text(L.t("完整号码已显示，本次查看已记入审计日志。", "Full numbers shown; this view has been written to the audit log.")))
        return .page(req, title: p.name,
            .div(.class("breadcrumb"), .a(.href("/people"), .text(L.t("实有人口", "People registry"))), " › ", .text(p.name)),
            .div(.class("toolbar"), .h1(.text(p.name)),
                 canEdit ? .a(.class("btn secondary"), .href("/people/\(p.id!)/edit"), .text(L.t("编辑", "Edit"))) : .empty),
            notice, Form.errorSummary(req, errors),
            .div(.class("card"), .element("dl", [.class("kv")] + kv)), revealForm)
    }
}
