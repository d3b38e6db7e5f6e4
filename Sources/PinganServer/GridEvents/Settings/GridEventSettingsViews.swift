import Vapor
import PinganKit

/// The settings pages of grid events (网格事件设置): responsible units and the category table here; time limits and the
/// working calendar in `GridEventSettingsViews+Calendar.swift`.
enum GridEventSettingsViews {
    enum Tab: String { case units, categories, limits, calendar }

    static func tabs(_ req: Request, _ active: Tab) -> Node {
        let L = req.lang
        let items: [(Tab, String, String)] = [(.units, "处置单位", "Responsible units"), (.categories, "事件分类", "Categories"),
                                              (.limits, "处置时限", "Time limits"), (.calendar, "工作时间与日历", "Working hours and calendar")]
        return .element("nav", [.class("tabs no-print")] + items.map { t, zh, en in
            .a(.href("/events/settings/\(t.rawValue)"), t == active ? .class("active") : .empty, .text(L.t(zh, en)))
        })
    }

    static func header(_ req: Request, _ tab: Tab) -> Node {
        let L = req.lang
        return .group([.div(.class("toolbar"), .h1(.text(L.t("网格事件设置", "Grid event settings"))),
                            .a(.class("btn secondary"), .href("/events"), .text(L.t("返回事件列表", "Back to events")))), tabs(req, tab)])
    }

    static func alert(_ errors: FieldErrors) -> Node {
        errors.isEmpty ? .empty : .div(.class("alert error"), .attr("role", "alert"), .text(errors.fields.values.sorted().joined(separator: "；")))
    }

    static func areaOptions(_ areas: [Division]) -> [(String, String)] {
        areas.map { d in ("\(d.id!)", (d.level == .community ? "　　" : d.level == .street ? "　" : "") + d.name) }
    }

    // MARK: units

    static func unitFields(_ req: Request, input: GridEventConfig.UnitInput, errors: FieldErrors, areas: [Division], editing: Bool) -> [Node] {
        let L = req.lang
        let kinds = ResponsibleUnitKind.allCases.map { ($0.rawValue, L.t($0.nameZh, $0.nameEn)) }
        return [
            Form.field(L.t("名称", "Name"), "name", errors, Form.input("name", input.name, required: true, extra: .attr("maxlength", "40"))),
            Form.field(L.t("类型", "Kind"), "kind", errors, Form.select("kind", kinds, selected: input.kind, blank: L.t("请选择", "Choose…"), required: true)),
            Form.field(L.t("服务范围", "Area"), "divisionID", errors, hint: L.t("派遣时只列出服务范围包含事件所在地的单位", "Dispatch offers the units whose area contains the event"),
                       Form.select("divisionID", areaOptions(areas), selected: input.divisionID, blank: L.t("请选择", "Choose…"), required: true)),
            Form.field(L.t("电话", "Phone"), "phone", errors, Form.input("phone", input.phone, extra: .attr("inputmode", "tel"))),
            editing ? Form.field(L.t("状态", "State"), "active", errors, hint: L.t("停用后不再出现在派遣列表中，已派给它的事件不受影响", "Switched off: no longer offered for dispatch; events already with it stay"),
                                 Form.select("active", [("1", L.t("启用", "On")), ("0", L.t("停用", "Off"))], selected: input.active ?? "1")) : .empty,
        ]
    }

    /// The district's units: a table that scans (filter by name or kind), each name opening its edit page; the form
    /// to add one below. `failed`: the new unit's form as typed, when adding failed.
    static func units(_ req: Request, units: [ResponsibleUnit], staff: [Int: Int], areas: [Division], q: String?, kind: String?,
                      failed: (input: GridEventConfig.UnitInput, errors: FieldErrors)? = nil) -> Response {
        let L = req.lang
        let areaName = Dictionary(uniqueKeysWithValues: areas.map { ($0.id!, $0.name) })
        let kinds = ResponsibleUnitKind.allCases.map { ($0.rawValue, L.t($0.nameZh, $0.nameEn)) }
        let shown = units.filter { u in (q.map { u.name.contains($0) } ?? true) && (kind.map { u.kind.rawValue == $0 } ?? true) }
        let filters: Node = .form(.method("get"), .action("/events/settings/units"), .class("filters"),
            .label(.text(L.t("名称", "Name")), Form.input("q", q, extra: .placeholder(L.t("名称中的字", "part of the name")))),
            .label(.text(L.t("类型", "Kind")), Form.select("kind", kinds, selected: kind, blank: L.t("全部", "All"))),
            .button(.type("submit"), .text(L.t("筛选", "Filter"))), .a(.href("/events/settings/units"), .text(L.t("清除", "Clear"))))
        let table: Node = units.isEmpty
            ? .div(.class("empty"), .text(L.t("还没有处置单位。先在下方新增，再在用户管理中为其工作人员开通“处置单位”账号。",
                                              "No responsible units yet. Add one below, then give its staff accounts of role Responsible unit in user admin.")))
            : shown.isEmpty ? .div(.class("empty"), .text(L.t("没有符合条件的处置单位。", "No unit matches.")))
            : .div(.class("scroll"), .table(.class("data"),
                .thead(.tr(.th(.text(L.t("名称", "Name"))), .th(.text(L.t("类型", "Kind"))), .th(.text(L.t("服务范围", "Area"))), .th(.text(L.t("电话", "Phone"))),
                           .th(.class("num"), .text(L.t("工作人员", "Staff"))), .th(.text(L.t("状态", "State"))))),
                .element("tbody", shown.map { u in
                    let id = u.id!
                    return .tr(.td(.a(.href("/events/settings/units/\(id)"), .text(u.name))), .td(.text(L.t(u.kind.nameZh, u.kind.nameEn))),
                               .td(.text(areaName[u.divisionID] ?? "—")), .td(.class("nowrap"), .text(u.phone.isEmpty ? "—" : u.phone)),
                               .td(.class("num"), staff[id].map { .a(.href("/admin/users?unit=\(id)"), .text("\($0)")) } ?? .text("0")),
                               .td(u.active ? .span(.class("badge closed"), .text(L.t("启用", "On"))) : .span(.class("badge gen"), .text(L.t("停用", "Off")))))
                })))
        let newErr = failed?.errors ?? FieldErrors()
        let add: Node = .form(.method("post"), .action("/events/settings/units"), .class("card"), .id("add"), Layout.csrfField(req),
            .h2(.text(L.t("新增处置单位", "Add a responsible unit"))), Form.errorSummary(req, newErr),
            .element("div", [.class("form")] + unitFields(req, input: failed?.input ?? .init(), errors: newErr, areas: areas, editing: false)),
            .p(.button(.type("submit"), .text(L.t("新增", "Add")))))
        return .page(req, title: L.t("处置单位", "Responsible units"), status: failed == nil ? .ok : .unprocessableEntity,
                     header(req, .units),
                     .p(.class("muted"), .text(L.t("处置单位的工作人员只能看到派给本单位的事件。点名称修改或停用。",
                                                   "A unit's staff see only the events dispatched to it. Open a name to change it or switch it off."))),
                     filters, table, add)
    }

    static func unitEdit(_ req: Request, _ u: ResponsibleUnit, input: GridEventConfig.UnitInput, errors: FieldErrors, areas: [Division]) -> Response {
        let L = req.lang
        return .page(req, title: u.name, status: errors.isEmpty ? .ok : .unprocessableEntity,
            header(req, .units),
            .div(.class("breadcrumb no-print"), .a(.href("/events/settings/units"), .text(L.t("处置单位", "Responsible units"))), " › ", .text(u.name)),
            .form(.method("post"), .action("/events/settings/units/\(u.id!)"), .class("card"), Layout.csrfField(req),
                .h2(.text(L.t("修改处置单位", "Change the unit"))), Form.errorSummary(req, errors),
                .element("div", [.class("form")] + unitFields(req, input: input, errors: errors, areas: areas, editing: true)),
                .p(.button(.type("submit"), .text(L.t("保存", "Save"))), .text(" "), .a(.href("/events/settings/units"), .text(L.t("取消", "Cancel"))))))
    }

    static func unitInput(_ u: ResponsibleUnit) -> GridEventConfig.UnitInput {
        var i = GridEventConfig.UnitInput()
        i.name = u.name; i.kind = u.kind.rawValue; i.divisionID = "\(u.divisionID)"; i.phone = u.phone; i.active = u.active ? "1" : "0"
        return i
    }

    // MARK: categories

    /// The category table as it reads (major classes with their subclasses), each code opening its edit page; the form to
    /// add a subclass or a major class below. `failed`: the new category's form as typed, when adding failed.
    static func categories(_ req: Request, rows: [GridEventCategoryRow], used: [String: Int],
                           failed: (input: GridEventConfig.CategoryInput, errors: FieldErrors)? = nil) -> Response {
        let L = req.lang
        let kinds = ResponsibleUnitKind.allCases.map { ($0.rawValue, L.t($0.nameZh, $0.nameEn)) }
        let majors = rows.filter { $0.parentCode == nil }
        var ordered: [GridEventCategoryRow] = []
        for m in majors { ordered.append(m); ordered += rows.filter { $0.parentCode == m.code } }
        let body: [Node] = ordered.map { c in
            let major = c.parentCode == nil
            let unit = c.defaultUnit.map { L.t($0.nameZh, $0.nameEn) } ?? L.t("同大类", "As its major class")
            return .tr(major ? .class("total") : .empty,
                .td(.a(.href("/events/settings/categories/\(c.code)"), .code(.text(c.code)))),
                .td(major ? .empty : .class("sub"), .text(L.t(c.nameZh, c.nameEn)), c.sample ? .span(.class("badge gen"), .text(" " + L.t("示例", "Sample"))) : .empty),
                .td(.text(L.t(c.eventClass.nameZh, c.eventClass.nameEn))), .td(.text(unit)),
                .td(.class("num"), .text(major ? "" : "\(used[c.code] ?? 0)")),
                .td(c.active ? .span(.class("badge closed"), .text(L.t("启用", "On"))) : .span(.class("badge gen"), .text(L.t("停用", "Off")))))
        }
        let newErr = failed?.errors ?? FieldErrors()
        let typed = failed?.input
        let anySample = rows.contains(where: \.sample)
        let add: Node = .form(.method("post"), .action("/events/settings/categories"), .class("form card"), .id("add"), Layout.csrfField(req),
            .h2(.class("wide"), .text(L.t("新增分类", "Add a category"))), Form.errorSummary(req, newErr),
            Form.field(L.t("代码", "Code"), "code", newErr, hint: L.t("字母或数字，如 C0105；建立后不可更改", "Letters or digits, e.g. C0105; fixed once created"),
                       Form.input("code", typed?.code, required: true, extra: .attr("maxlength", "12"))),
            Form.field(L.t("所属大类", "Major class"), "parentCode", newErr,
                       Form.select("parentCode", majors.map { ($0.code, "\($0.code) " + L.t($0.nameZh, $0.nameEn)) }, selected: typed?.parentCode, blank: L.t("（新建大类）", "(a new major class)"))),
            Form.field(L.t("部件/事件（新建大类时）", "Component or event (new major class)"), "eventClass", newErr,
                       Form.select("eventClass", GridEventClass.allCases.map { ($0.rawValue, L.t($0.nameZh, $0.nameEn)) }, selected: typed?.eventClass, blank: "—")),
            Form.field(L.t("中文名称", "Chinese name"), "nameZh", newErr, Form.input("nameZh", typed?.nameZh, required: true, extra: .attr("maxlength", "30"))),
            Form.field(L.t("英文名称", "English name"), "nameEn", newErr, Form.input("nameEn", typed?.nameEn, extra: .attr("maxlength", "60"))),
            Form.field(L.t("默认处置单位类型", "Default kind of unit"), "defaultUnit", newErr, hint: L.t("大类必填；小类不填则同大类", "Required for a major class; a subclass may follow its major class"),
                       Form.select("defaultUnit", kinds, selected: typed?.defaultUnit, blank: "—")),
            .p(.class("wide"), .button(.type("submit"), .text(L.t("新增", "Add")))))
        return .page(req, title: L.t("事件分类", "Event categories"), status: failed == nil ? .ok : .unprocessableEntity,
                     header(req, .categories),
                     anySample ? .p(.class("alert notice"), .text(L.t("标“示例”的分类是随软件提供的示例，不是官方代码表；请按本区标准修改或新增。",
                                                                     "Rows marked Sample come with the software as an example, not an official code list; change them to the district's own."))) : .empty,
                     .p(.class("muted"), .text(L.t("点代码修改名称、默认处置单位或停用。已上报的事件保留原分类代码；停用大类时其小类一并停用。",
                                                   "Open a code to rename it, change its default unit or switch it off. Events keep their code; switching a major class off switches its subclasses off."))),
                     rows.isEmpty ? .div(.class("empty"), .text(L.t("分类表为空。", "The table is empty.")))
                        : .div(.class("scroll"), .table(.class("data compact"),
                            .thead(.tr(.th(.text(L.t("代码", "Code"))), .th(.text(L.t("名称", "Name"))), .th(.text(L.t("类别", "Class"))),
                                       .th(.text(L.t("默认处置单位", "Default unit"))), .th(.class("num"), .text(L.t("事件数", "Events"))), .th(.text(L.t("状态", "State"))))),
                            .element("tbody", body))),
                     add)
    }

    static func categoryEdit(_ req: Request, _ c: GridEventCategoryRow, input: GridEventConfig.CategoryInput, errors: FieldErrors) -> Response {
        let L = req.lang
        let kinds = ResponsibleUnitKind.allCases.map { ($0.rawValue, L.t($0.nameZh, $0.nameEn)) }
        let major = c.parentCode == nil
        return .page(req, title: c.code, status: errors.isEmpty ? .ok : .unprocessableEntity,
            header(req, .categories),
            .div(.class("breadcrumb no-print"), .a(.href("/events/settings/categories"), .text(L.t("事件分类", "Categories"))), " › ", .text(c.code)),
            .form(.method("post"), .action("/events/settings/categories/\(c.code)"), .class("card"), Layout.csrfField(req),
                .h2(.text(L.t("修改分类", "Change the category") + " \(c.code)")),
                .p(.class("muted"), .text(L.t(c.eventClass.nameZh, c.eventClass.nameEn) + " · " + (major ? L.t("大类", "Major class") : L.t("小类，属", "Subclass of") + " \(c.parentCode!)")
                                           + (c.sample ? " · " + L.t("示例（修改后不再标示例）", "Sample (no longer once changed)") : ""))),
                Form.errorSummary(req, errors),
                .div(.class("form"),
                    Form.field(L.t("中文名称", "Chinese name"), "nameZh", errors, Form.input("nameZh", input.nameZh, required: true, extra: .attr("maxlength", "30"))),
                    Form.field(L.t("英文名称", "English name"), "nameEn", errors, Form.input("nameEn", input.nameEn, extra: .attr("maxlength", "60"))),
                    Form.field(L.t("默认处置单位类型", "Default kind of unit"), "defaultUnit", errors,
                               Form.select("defaultUnit", kinds, selected: input.defaultUnit, blank: major ? nil : L.t("同大类", "As its major class"))),
                    Form.field(L.t("状态", "State"), "active", errors, hint: major ? L.t("停用大类时其小类一并停用", "Switching a major class off switches its subclasses off") : nil,
                               Form.select("active", [("1", L.t("启用", "On")), ("0", L.t("停用", "Off"))], selected: input.active ?? "1"))),
                .p(.button(.type("submit"), .text(L.t("保存", "Save"))), .text(" "), .a(.href("/events/settings/categories"), .text(L.t("取消", "Cancel"))))))
    }

    static func categoryInput(_ c: GridEventCategoryRow) -> GridEventConfig.CategoryInput {
        var i = GridEventConfig.CategoryInput()
        i.nameZh = c.nameZh; i.nameEn = c.nameEn; i.defaultUnit = c.defaultUnit?.rawValue ?? ""; i.active = c.active ? "1" : "0"
        return i
    }
}
