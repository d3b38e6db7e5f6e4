import Vapor
import PinganKit

enum SiteViews {
    static func kindName(_ k: SiteKind, _ L: Lang) -> String { L.t(k.nameZh, k.nameEn) }

    static func typeText(_ s: Site, _ L: Lang) -> String {
        guard let f = s.kind.subtype, let v = s.subtype else { return kindName(s.kind, L) }
        return f.display(v, english: L.isEnglish)
    }

    /// Two or three facts that matter most per kind, for the list.
    static func facts(_ s: Site, _ L: Lang) -> String {
        let v = s.values
        let shown = s.kind.fields.filter { !$0.isSubtype }.prefix(3).compactMap { f -> String? in
            guard let x = v[f.key] else { return nil }
            if case .flag = f.rule { return x == "1" ? L.t(f.zh, f.en) : nil }
            return L.t(f.zh, f.en) + " " + f.display(x, english: L.isEnglish)
        }
        return shown.isEmpty ? "—" : shown.joined(separator: " · ")
    }

    static func watchFinding(_ s: Site, _ L: Lang) -> Node {
        guard s.kind == .compound else { return .empty }
        let v = s.values
        switch CompoundWatch.assess(condition: v["condition"] ?? "", watch: v["watch"] ?? "") {
        case .ok: return .span(.class("badge closed"), .text(L.t("值守达标", "Watch in place")))
        case .needsStaffedWatch: return .span(.class("badge received"), .text(L.t("应落实专人值班", "Needs a staffed watch")))
        case .needsVolunteerWatch: return .span(.class("badge received"), .text(L.t("应安排义务守护", "Needs volunteer guarding")))
        }
    }

    static func list(_ req: Request, sites: [Site], names: [Int: String], info: PageInfo, filter: SiteFilter, errors: FieldErrors,
                     communities: [(id: Int, name: String)], kindCounts: [SiteKind: Int], canEdit: Bool, canSearchIdentifiers: Bool) -> Response {
        let L = req.lang
        let query = req.url.query ?? ""
        let title = filter.kind.map { kindName($0, L) } ?? L.t("场所物品登记", "Places and things")
        let newHref = "/sites/new" + (filter.kind.map { "?kind=\($0.rawValue)" } ?? "")
        let toolbar: Node = .div(.class("toolbar"),
            .h1(.text(title)),
            canEdit ? .a(.class("btn"), .href(newHref), .text(L.t("新增登记", "Register"))) : .empty,
            canEdit ? .a(.class("btn secondary"), .href("/sites/import" + (filter.kind.map { "?kind=\($0.rawValue)" } ?? "")), .text(L.t("批量导入", "Import CSV"))) : .empty,
            .a(.class("btn secondary"), .href("/sites?uninspected=90" + (filter.kind.map { "&kind=\($0.rawValue)" } ?? "")), .text(L.t("超90天未检查", "Not inspected in 90 days"))),
            .a(.class("btn secondary"), .href("/sites/export.csv" + (query.isEmpty ? "" : "?" + query)), .text(L.t("导出 CSV", "Export CSV"))))
        let tabs: [Node] = [.a(.href("/sites"), filter.kind == nil ? .class("active") : .empty, .text(L.t("全部", "All") + " \(kindCounts.values.reduce(0, +))"))]
            + SiteKind.allCases.map { k in .a(.href("/sites?kind=\(k.rawValue)"), filter.kind == k ? .class("active") : .empty, .text(kindName(k, L) + " \(kindCounts[k] ?? 0)")) }
        var fields: [Node] = [.method("get"), .action("/sites"), .class("filters")]
        if let k = filter.kind {
            fields.append(.input(.type("hidden"), .name("kind"), .value(k.rawValue)))
            if let sub = k.subtype {
                fields.append(.label(.text(L.t(sub.zh, sub.en)), Form.select("subtype", sub.options.map { ($0.value, L.t($0.zh, $0.en)) }, selected: filter.subtype, blank: L.t("全部", "All"))))
            }
        }
        fields.append(.label(.text(L.t("社区/村", "Community")), Form.select("community", communities.map { ("\($0.id)", $0.name) }, selected: filter.community.map { "\($0)" }, blank: L.t("全部", "All"))))
        fields.append(.label(.text(L.t("状态", "Status")), Form.select("status", SiteStatus.allCases.map { ($0.rawValue, L.t($0.zh, $0.en)) }, selected: filter.status?.rawValue, blank: L.t("全部", "All"))))
        fields.append(.label(.text(L.t("名称/地址/证照", "Name / address / licence")), Form.input("q", filter.q)))
        if canSearchIdentifiers {
            fields.append(.label(.text(L.t("负责人电话（精确）", "Contact phone (exact)")), Form.input("phone", nil, extra: .attr("autocomplete", "off"))))
            fields.append(.label(.text(L.t("查询事由（按电话查询时必填，留痕）", "Purpose (required for a phone search; logged)")),
                                 Form.select("purpose", IdentifierSearch.purposes.map { ($0.0, L.t($0.1, $0.2)) }, selected: nil, blank: L.t("请选择", "Choose…"))))
        }
        fields.append(.button(.type("submit"), .text(L.t("查询", "Search"))))
        fields.append(.a(.href("/sites" + (filter.kind.map { "?kind=\($0.rawValue)" } ?? "")), .text(L.t("清除", "Clear"))))
        let alert: Node = errors.isEmpty ? .empty : .div(.class("alert error"), .attr("role", "alert"),
            .text(L.t("以下条件无效，已忽略：", "Ignored invalid filters: ") + errors.fields.keys.sorted().map { errors.fields[$0]! }.joined(separator: "；")))
        let head: Node = .thead(.tr(.th(.text(L.t("名称", "Name"))), .th(.text(L.t("类别", "Type"))), .th(.text(L.t("社区/网格", "Community / grid"))),
                                    .th(.class("hide-sm"), .text(L.t("主要情况", "Key facts"))), .th(.class("hide-sm"), .text(L.t("负责人", "Contact"))),
                                    .th(.text(L.t("最近检查", "Last inspected")))))
        let rows: [Node] = sites.map { s in
            let status: Node = s.status == .active ? .empty : .span(.class("badge"), .text(" " + L.t(s.status.zh, s.status.en)))
            return .tr(.td(.a(.href("/sites/\(s.id!)"), .text(s.name)), status, .div(.class("small muted"), .text(s.address))),
                       .td(.text(typeText(s, L)), .text(" "), watchFinding(s, L)),
                       .td(.text(names[s.communityID] ?? ""), .span(.class("small muted"), .text(s.gridID.flatMap { names[$0] }.map { " / " + $0 } ?? ""))),
                       .td(.class("hide-sm small"), .text(facts(s, L))),
                       .td(.class("hide-sm"), .text(s.contactName.isEmpty ? "—" : s.contactName), .div(.class("small muted"), .text(s.contactPhoneMasked ?? ""))),
                       .td(.class("nowrap"), .text(s.lastInspectedOn ?? L.t("未检查", "Never"))))
        }
        let body: Node = sites.isEmpty
            ? .div(.class("empty"), .text(info.total > 0 ? L.t("这一页没有记录。", "This page is past the end.")
                                                            : L.t("没有符合条件的登记。", "Nothing registered matches these filters.")))
            : .table(.class("data"), head, .element("tbody", rows))
        return .page(req, title: title, toolbar, .element("nav", [.class("tabs no-print")] + tabs), alert, .element("form", fields), body, Pager.view(req, info))
    }

    static func attributeControl(_ f: SiteField, _ value: String?, _ L: Lang) -> Node {
        let name = "attributes[\(f.key)]"
        switch f.rule {
        case .choice(let options):
            return .select(.name(name), .id("f-attr-" + f.key), .required(f.required),
                           .option(.value(""), .text(f.required ? L.t("请选择", "Choose…") : L.t("不填", "—"))),
                           .forEach(options) { o in .option(.value(o.value), .selected(o.value == value), .text(L.t(o.zh, o.en))) })
        case .flag:
            return .input(.type("checkbox"), .name(name), .id("f-attr-" + f.key), .value("1"), .checked(value == "1"))
        case .integer(let r):
            return .input(.type("number"), .name(name), .id("f-attr-" + f.key), .value(value ?? ""), .attr("min", "\(r.lowerBound)"), .attr("max", "\(r.upperBound)"))
        case .decimal:
            return .input(.type("text"), .name(name), .id("f-attr-" + f.key), .value(value ?? ""), .attr("inputmode", "decimal"))
        case .date:
            return .input(.type("date"), .name(name), .id("f-attr-" + f.key), .value(value ?? ""))
        case .text(let max):
            return .input(.type("text"), .name(name), .id("f-attr-" + f.key), .value(value ?? ""), .attr("maxlength", "\(max)"))
        }
    }

    static func form(_ req: Request, site: Site?, kind: SiteKind?, input: SiteInput, errors: FieldErrors, communities: [(id: Int, name: String)],
                     grids: [Division], buildings: [Division]) -> Response {
        let L = req.lang
        let isNew = site == nil
        let title = isNew ? L.t("新增登记", "Register") + (kind.map { "：" + kindName($0, L) } ?? "") : L.t("编辑：", "Edit: ") + site!.name
        var fields: [Node] = []
        if let kind {
            fields.append(.input(.type("hidden"), .name("kind"), .value(kind.rawValue)))
        } else {
            fields.append(Form.field(L.t("登记类别", "Kind"), "kind", errors, Form.select("kind", SiteKind.allCases.map { ($0.rawValue, kindName($0, L)) }, selected: input.kind, blank: L.t("请选择", "Choose…"), required: true)))
        }
        fields.append(Form.field(L.t("名称", "Name"), "name", errors, hint: kind == .rental ? L.t("如：某路12号301房", "e.g. 12 Some Road, flat 301") : nil, Form.input("name", input.name, required: true)))
        if let label = kind?.licenceLabel {
            fields.append(Form.field(L.t(label.zh, label.en), "licence", errors, Form.input("licence", input.licence, required: kind.map(SiteInput.licenceRequired) ?? false)))
        }
        fields.append(Form.field(L.t("地址", "Address"), "address", errors, Form.input("address", input.address, required: kind.map(SiteInput.addressRequired) ?? false)))
        fields.append(Form.field(L.t("社区/村", "Community"), "communityID", errors, Form.select("communityID", communities.map { ("\($0.id)", $0.name) }, selected: input.communityID, blank: L.t("请选择", "Choose…"), required: true, extra: Form.followedByGrids(L))))
        fields.append(Form.field(L.t("网格", "Grid"), "gridID", errors, Form.select("gridID", grids.map { ("\($0.id!)", $0.name) }, selected: input.gridID, blank: grids.isEmpty ? L.t("先选择社区并保存", "Pick a community first") : L.t("不指定", "Not specified"), extra: Form.gridBlank(L))))
        if kind == .building || kind == .rental {
            fields.append(Form.field(L.t("对应楼栋（辖区树）", "Building in the tree"), "buildingID", errors, hint: L.t("关联后可查看该楼的住户", "Links the building's households"),
                                     Form.select("buildingID", buildings.map { ("\($0.id!)", $0.name) }, selected: input.buildingID, blank: buildings.isEmpty ? L.t("先选择网格并保存", "Pick a grid first") : L.t("不关联", "None"))))
        }
        if kind?.hasContact ?? true {
            fields.append(Form.field(L.t("负责人/联系人", "Contact person"), "contactName", errors, Form.input("contactName", input.contactName)))
            fields.append(Form.field(L.t("联系电话", "Contact phone"), "contactPhone", errors,
                                     hint: site.map { L.t("现为 \($0.contactPhoneMasked ?? "—")；留空则不修改", "Now \($0.contactPhoneMasked ?? "—"); leave empty to keep") } ?? L.t("加密存储，显示脱敏", "Stored encrypted, shown masked"),
                                     Form.input("contactPhone", nil, type: "tel", extra: .attr("autocomplete", "off"))))
        }
        for f in kind?.fields ?? [] {
            fields.append(Form.field(L.t(f.zh, f.en) + (f.required ? "" : L.t("（选填）", " (optional)")), "attributes." + f.key, errors, attributeControl(f, input.attributes?[f.key], L)))
        }
        fields.append(Form.field(L.t("状态", "Status"), "status", errors, Form.select("status", SiteStatus.allCases.map { ($0.rawValue, L.t($0.zh, $0.en)) }, selected: input.status ?? SiteStatus.active.rawValue)))
        fields.append(Form.field(L.t("最近检查日期", "Last inspected"), "lastInspectedOn", errors, Form.input("lastInspectedOn", input.lastInspectedOn, type: "date")))
        fields.append(Form.field(L.t("备注", "Note"), "note", errors, wide: true, Form.textarea("note", input.note)))
        let action = isNew ? "/sites" : "/sites/\(site!.id!)"
        let cancel = isNew ? "/sites" + (kind.map { "?kind=\($0.rawValue)" } ?? "") : "/sites/\(site!.id!)"
        let chooser: Node = (isNew && kind == nil)
            ? .div(.class("card"), .p(.text(L.t("请先选择要登记的类别：", "First choose what to register:"))),
                   .element("div", [.class("tabs")] + SiteKind.allCases.map { k in .a(.href("/sites/new?kind=\(k.rawValue)"), .text(kindName(k, L))) }))
            : .empty
        let formNode: Node = (isNew && kind == nil) ? .empty
            : .form(.method("post"), .action(action), .class("card"), Layout.csrfField(req), .input(.type("hidden"), .name("attributesComplete"), .value("1")),
                    .element("div", [.class("form")] + fields),
                    .p(.button(.type("submit"), .text(L.t("保存", "Save"))), " ", .a(.href(cancel), .text(L.t("取消", "Cancel")))))
        return .page(req, title: title, status: errors.isEmpty ? .ok : .unprocessableEntity,
            .div(.class("breadcrumb"), .a(.href("/sites"), .text(L.t("场所物品", "Places"))), " › ", .text(title)),
            .h1(.text(title)), Form.errorSummary(req, errors), chooser, formNode)
    }

    static func detail(_ req: Request, _ s: Site, names: [Int: String], members: [SiteMemberDTO], households: [(room: String, people: [Person])],
                       errors: FieldErrors, memberInput: SiteService.MemberInput?, canEdit: Bool) -> Response {
        let L = req.lang
        var kv: [Node] = []
        func row(_ zh: String, _ en: String, _ v: Node) { kv.append(.dt(.text(L.t(zh, en)))); kv.append(.dd(v)) }
        row("类别", "Kind", .group([.text(kindName(s.kind, L) + (s.subtype != nil ? " · " + typeText(s, L) : "")), .text(" "), watchFinding(s, L)]))
        if let label = s.kind.licenceLabel { row(label.zh, label.en, .text(s.licence.isEmpty ? "—" : s.licence)) }
        row("地址", "Address", .text(s.address.isEmpty ? "—" : s.address))
        let place = (names[s.communityID] ?? "") + (s.gridID.flatMap { names[$0] }.map { " / " + $0 } ?? "") + (s.buildingID.flatMap { names[$0] }.map { " / " + $0 } ?? "")
        row("所在", "Located in", .a(.href("/jurisdiction/\(s.communityID)"), .text(place)))
        if s.kind.hasContact { row("负责人", "Contact", .text((s.contactName.isEmpty ? "—" : s.contactName) + (s.contactPhoneMasked.map { "  " + $0 } ?? ""))) }
        let v = s.values
        for f in s.kind.fields where !f.isSubtype { row(f.zh, f.en, .text(v[f.key].map { f.display($0, english: L.isEnglish) } ?? "—")) }
        row("状态", "Status", .text(L.t(s.status.zh, s.status.en)))
        row("最近检查", "Last inspected", .text(s.lastInspectedOn ?? L.t("未检查", "Never")))
        row("备注", "Note", .text(s.note.isEmpty ? "—" : s.note))

        let memberRows: [Node] = members.map { m in
            let remove: Node = canEdit
                ? .form(.method("post"), .action("/sites/\(s.id!)/members/remove"), .class("inline no-print"), Layout.csrfField(req),
                        .input(.type("hidden"), .name("memberID"), .value("\(m.id)")), .button(.type("submit"), .class("link"), .text(L.t("移除", "Remove"))))
                : .empty
            return .tr(.td(.text(L.t(m.role.nameZh, m.role.nameEn))), .td(.a(.href("/people/\(m.personID)"), .text(m.name))), .td(.code(.text(m.idNumberMasked))),
                       .td(.text([m.unit.isEmpty ? nil : L.t("\(m.unit)单元", "unit \(m.unit)"), m.floor.isEmpty ? nil : L.t("\(m.floor)层", "floor \(m.floor)")].compactMap { $0 }.joined(separator: " "))),
                       .td(remove))
        }
        let roleOptions: [(String, String)] = s.kind.roles.map { ($0.rawValue, L.t($0.nameZh, $0.nameEn)) }
        let addForm: Node = canEdit
            ? .form(.method("post"), .action("/sites/\(s.id!)/members"), .class("no-print"), Layout.csrfField(req),
                    .div(.class("form"),
                        Form.field(L.t("角色", "Role"), "role", errors, Form.select("role", roleOptions, selected: memberInput?.role, blank: L.t("请选择", "Choose…"), required: true)),
                        Form.field(L.t("身份号码（须已登记）", "ID number (registered person)"), "idNumber", errors, Form.input("idNumber", nil, required: true, extra: .attr("autocomplete", "off"))),
                        Form.field(L.t("单元", "Unit"), "unit", errors, Form.input("unit", memberInput?.unit)),
                        Form.field(L.t("楼层", "Floor"), "floor", errors, Form.input("floor", memberInput?.floor))),
                    .p(.button(.type("submit"), .text(L.t("添加", "Add")))))
            : .empty
        let membersTitle = s.kind == .building ? L.t("楼栋“桩钉”：楼栋长、单元长、楼层长", "Building heads, unit heads and floor heads (桩钉)")
                         : s.kind == .rental ? L.t("房东与租住人员", "Landlord and tenants") : L.t("相关人员", "People")
        let membersCard: Node = .div(.class("card"), .h2(.text(membersTitle)), Form.errorSummary(req, errors),
            members.isEmpty ? .p(.class("muted"), .text(L.t("尚未登记。", "None registered yet.")))
                            : .table(.class("data"), .thead(.tr(.th(.text(L.t("角色", "Role"))), .th(.text(L.t("姓名", "Name"))), .th(.text(L.t("身份号码", "ID number"))), .th(.text(L.t("单元/楼层", "Unit / floor"))), .th(.text("")))),
                                     .element("tbody", memberRows)),
            addForm)
        var householdCard: Node = .empty
        if s.kind == .building {
            let hhRows: [Node] = households.map { h in
                .tr(.td(.text(h.room)), .td(.text("\(h.people.count)")),
                    .td(.group(h.people.map { p in .group([.a(.href("/people/\(p.id!)"), .text(p.name)), .span(.class("small muted"), .text("（" + PersonViews.categoryText(p, L) + "） "))]) })))
            }
            householdCard = .div(.class("card"), .h2(.text(L.t("住户（按房号）", "Households by room"))),
                s.buildingID == nil ? .p(.class("muted"), .text(L.t("未关联辖区树中的楼栋，无法汇总住户。", "Not linked to a building in the tree, so residents cannot be listed.")))
                : households.isEmpty ? .p(.class("muted"), .text(L.t("该楼栋暂无登记人口。", "No registered residents in this building yet.")))
                : .table(.class("data"), .thead(.tr(.th(.text(L.t("房号", "Room"))), .th(.class("num"), .text(L.t("人数", "People"))), .th(.text(L.t("住户", "Residents"))))), .element("tbody", hhRows)))
        }
        return .page(req, title: s.name, status: errors.isEmpty ? .ok : .unprocessableEntity,
            .div(.class("breadcrumb"), .a(.href("/sites"), .text(L.t("场所物品", "Places"))), " › ", .a(.href("/sites?kind=\(s.kind.rawValue)"), .text(kindName(s.kind, L))), " › ", .text(s.name)),
            .div(.class("toolbar"), .h1(.text(s.name)),
                 canEdit ? .a(.class("btn secondary"), .href("/sites/\(s.id!)/edit"), .text(L.t("编辑", "Edit"))) : .empty,
                 .button(.type("button"), .class("btn secondary no-print"), .attr("data-print", "1"), .text(L.t("打印", "Print")))),
            .div(.class("card"), .element("dl", [.class("kv")] + kv)), membersCard, householdCard)
    }

    static func importView(_ req: Request, kind: SiteKind?, report: SiteImport.Report? = nil, errors: FieldErrors = FieldErrors()) -> Response {
        let L = req.lang
        var result: Node = .empty
        if let r = report {
            let summary = r.written
                ? L.t("已导入：新增 \(r.created) 条，更新 \(r.updated) 条（共 \(r.rows) 行）。", "Imported: \(r.created) new, \(r.updated) updated (\(r.rows) rows).")
                : r.errors.isEmpty
                    ? L.t("试导入通过：将新增 \(r.created) 条，更新 \(r.updated) 条。未写入任何数据。", "Dry run passed: \(r.created) would be added, \(r.updated) updated. Nothing was written.")
                    : L.t("发现 \(r.errors.count) 处问题，未写入任何数据。请修改后重新上传。", "\(r.errors.count) problem(s) found; nothing was written. Fix them and upload again.")
            let rows: [Node] = r.errors.prefix(500).map { e in .tr(.td(.class("num"), .text("\(e.row)")), .td(.code(.text(e.field))), .td(.text(e.message))) }
            result = .div(.class("card"), .div(.class(r.errors.isEmpty ? "alert ok" : "alert error"), .text(summary)),
                          r.errors.isEmpty ? .empty : .table(.class("data"), .thead(.tr(.th(.class("num"), .text(L.t("行", "Row"))), .th(.text(L.t("字段", "Field"))), .th(.text(L.t("问题", "Problem"))))),
                                                             .element("tbody", rows)))
        }
        let doc: Node = kind.map { k in .p(.class("small muted"), .text(L.t("列名（中文或英文）：", "Columns (Chinese or English): ") + SiteImport.headerDoc(k))) } ?? .empty
        return .page(req, title: L.t("导入场所物品", "Import places"), status: errors.isEmpty && (report?.errors.isEmpty ?? true) ? .ok : .unprocessableEntity,
            .div(.class("breadcrumb"), .a(.href("/sites"), .text(L.t("场所物品", "Places"))), " › ", .text(L.t("导入", "Import"))),
            .h1(.text(L.t("导入场所物品（CSV）", "Import places (CSV)"))),
            Form.errorSummary(req, errors), result,
            .form(.method("post"), .action("/sites/import"), .attr("enctype", "multipart/form-data"), .class("card"),
                Layout.csrfField(req),
                .p(.class("small muted"), .text(L.t("UTF-8 编码，首行为列名。按“类别 + 社区 + 名称”匹配：已登记的更新，未登记的新增。任何一行有误则整批不写入。",
                                                  "UTF-8, first row is the header. Matched by kind + community + name: existing records are updated, new ones added. One bad row and nothing is written."))),
                doc,
                .div(.class("form"),
                    Form.field(L.t("类别", "Kind"), "kind", errors, Form.select("kind", SiteKind.allCases.map { ($0.rawValue, kindName($0, L)) }, selected: kind?.rawValue, blank: L.t("请选择", "Choose…"), required: true)),
                    Form.field(L.t("CSV 文件", "CSV file"), "file", errors, .input(.type("file"), .name("file"), .id("f-file"), .attr("accept", ".csv,text/csv"), .required())),
                    .label(.input(.type("checkbox"), .name("dryRun"), .value("1"), .checked(true)), .text(L.t("仅试导入（检查，不写入）", "Dry run only (check, write nothing)")))),
                .p(.button(.type("submit"), .text(L.t("上传", "Upload"))))))
    }
}
