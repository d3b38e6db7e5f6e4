import Vapor
import PinganKit

enum InspectionViews {
    static func severityName(_ s: FindingSeverity?, _ L: Lang) -> String { s.map { L.t($0.nameZh, $0.rawValue) } ?? L.t("未发现隐患", "No hazard") }

    static func statusBadge(_ d: InspectionDTO, _ L: Lang) -> Node {
        guard let status = d.status, let name = d.statusName else { return .span(.class("badge closed"), .text(L.t("无隐患", "No hazard"))) }
        let extra: String
        switch status {
        case "open": extra = L.t("（剩 \(d.days ?? 0) 天）", " (\(d.days ?? 0) days left)")
        case "overdue": extra = L.t("（逾期 \(d.days ?? 0) 天）", " (\(d.days ?? 0) days)")
        case "rectified_late": extra = L.t("（晚 \(d.days ?? 0) 天）", " (\(d.days ?? 0) days late)")
        default: extra = ""
        }
        let cls = status == "overdue" || status == "due_today" ? "badge received" : status.hasPrefix("rectified") ? "badge closed" : "badge"
        return .span(.class(cls), .text(name + extra))
    }

    static func list(_ req: Request, rows: [InspectionDTO], info: PageInfo, filter: InspectionFilter, errors: FieldErrors,
                     communities: [(id: Int, name: String)], canEdit: Bool) -> Response {
        let L = req.lang
        let query = req.url.query ?? ""
        let title = filter.status == .overdue ? L.t("逾期未整改", "Overdue notices") : L.t("检查与整改", "Inspections and rectification")
        let toolbar: Node = .div(.class("toolbar"), .h1(.text(title)),
            canEdit ? .a(.class("btn"), .href("/forces/inspections/new"), .text(L.t("登记检查", "Record an inspection"))) : .empty,
            .a(.class("btn secondary"), .href("/forces/inspections?status=overdue"), .text(L.t("逾期清单", "Overdue list"))),
            .a(.class("btn secondary"), .href("/forces/inspections/export.csv" + (query.isEmpty ? "" : "?" + query)), .text(L.t("导出 CSV", "Export CSV"))),
            .button(.type("button"), .class("btn secondary no-print"), .attr("data-print", "1"), .text(L.t("打印", "Print"))))
        let fields: [Node] = [.method("get"), .action("/forces/inspections"), .class("filters no-print"),
            .label(.text(L.t("状态", "Status")), Form.select("status", InspectionStatusFilter.allCases.map { ($0.rawValue, L.t($0.zh, $0.en)) }, selected: filter.status?.rawValue, blank: L.t("全部", "All"))),
            .label(.text(L.t("社区/村", "Community")), Form.select("community", communities.map { ("\($0.id)", $0.name) }, selected: filter.community.map { "\($0)" }, blank: L.t("全部", "All"))),
            filter.site.map { Node.input(.type("hidden"), .name("site"), .value("\($0)")) } ?? .empty,
            .button(.type("submit"), .text(L.t("查询", "Search"))), .a(.href("/forces/inspections"), .text(L.t("清除", "Clear")))]
        let body: Node = rows.isEmpty
            ? .div(.class("empty"), .text(info.total > 0 ? L.t("这一页没有记录。", "This page is past the end.") : L.t("没有符合条件的检查记录。", "No inspections match these filters.")))
            : .table(.class("data"), .thead(.tr(.th(.text(L.t("检查日期", "Inspected"))), .th(.text(L.t("场所", "Site"))), .th(.text(L.t("社区/村", "Community"))),
                                                .th(.text(L.t("隐患", "Finding"))), .th(.text(L.t("整改期限", "Deadline"))), .th(.text(L.t("状态", "Status"))))),
                     .element("tbody", rows.map { d in
                         .tr(.td(.class("nowrap"), .a(.href("/forces/inspections/\(d.id)"), .text(d.inspectedOn))),
                             .td(.a(.href("/sites/\(d.siteID)"), .text(d.siteName))), .td(.text(d.communityName ?? "")),
                             .td(.text(severityName(d.severity, L)), .div(.class("small muted"), .text(String(d.findings.prefix(60))))),
                             .td(.class("nowrap"), .text(d.deadline ?? "—")), .td(statusBadge(d, L)))
                     }))
        return .page(req, title: title, StaffingViews.tabs(req, active: "/forces/inspections"), toolbar, StaffingViews.alert(req, errors), .element("form", fields), body, Pager.view(req, info))
    }

    static func form(_ req: Request, input: InspectionInput, site: Site?, errors: FieldErrors) -> Response {
        let L = req.lang
        let title = L.t("登记检查", "Record an inspection")
        let siteField: Node = site.map { s in
            Node.group([.input(.type("hidden"), .name("siteID"), .value("\(s.id!)")),
                    Form.field(L.t("场所", "Site"), "siteID", errors, .p(.a(.href("/sites/\(s.id!)"), .text(s.name)), .span(.class("small muted"), .text(" " + s.address))))])
        } ?? Form.field(L.t("场所编号", "Site number"), "siteID", errors, hint: L.t("在“场所物品”中找到场所，其编号见地址栏 /sites/编号", "Find the site under Places; its number is in the address /sites/N"),
                        Form.input("siteID", input.siteID, type: "number", required: true))
        let fields: [Node] = [
            siteField,
            Form.field(L.t("检查日期", "Inspected on"), "inspectedOn", errors, Form.input("inspectedOn", input.inspectedOn, type: "date", required: true)),
            Form.field(L.t("发现隐患", "Hazard found"), "severity", errors, hint: L.t("有隐患即下达整改通知书：一般15天、较大7天、重大3天", "A hazard issues a notice: general 15 days, serious 7, major 3"),
                       Form.select("severity", FindingSeverity.allCases.map { ($0.rawValue, L.t($0.nameZh, $0.rawValue)) }, selected: input.severity, blank: L.t("未发现隐患", "No hazard"))),
            Form.field(L.t("整改期限（天，选填）", "Days allowed (optional)"), "daysAllowed", errors, hint: L.t("留空按隐患等级", "Empty: by severity"), Form.input("daysAllowed", input.daysAllowed, type: "number")),
            Form.field(L.t("检查情况", "Findings"), "findings", errors, wide: true, Form.textarea("findings", input.findings)),
        ]
        return .page(req, title: title, status: errors.isEmpty ? .ok : .unprocessableEntity,
            StaffingViews.tabs(req, active: "/forces/inspections"),
            .div(.class("breadcrumb"), .a(.href("/forces/inspections"), .text(L.t("检查与整改", "Inspections"))), " › ", .text(title)),
            .h1(.text(title)), Form.errorSummary(req, errors),
            .form(.method("post"), .action("/forces/inspections"), .class("card"), Layout.csrfField(req), .element("div", [.class("form")] + fields),
                  .p(.button(.type("submit"), .text(L.t("保存", "Save"))), " ", .a(.href("/forces/inspections"), .text(L.t("取消", "Cancel"))))))
    }

    /// The inspection record and, with a hazard, the printable rectification notice (整改通知书).
    static func detail(_ req: Request, _ d: InspectionDTO, errors: FieldErrors, closeInput: CloseInput?, canEdit: Bool,
                       eventCategories: [(group: String, items: [(String, String)])] = [], takeUp: (GridEventTakeUpInput, FieldErrors)? = nil) -> Response {
        let L = req.lang
        let title = d.severity == nil ? L.t("检查记录", "Inspection") + " · " + d.siteName : L.t("整改通知书", "Rectification notice") + " · " + d.siteName
        var kv: [Node] = []
        func row(_ zh: String, _ en: String, _ v: Node) { kv.append(.dt(.text(L.t(zh, en)))); kv.append(.dd(v)) }
        row("编号", "Number", .text("\(d.id)"))
        row("场所", "Site", .a(.href("/sites/\(d.siteID)"), .text(d.siteName)))
        row("社区/村", "Community", .text(d.communityName ?? ""))
        row("检查日期", "Inspected on", .text(d.inspectedOn))
        row("检查人", "Inspector", .text(d.inspectorName ?? ""))
        row("检查情况", "Findings", .text(d.findings))
        row("隐患等级", "Severity", .text(severityName(d.severity, L)))
        if d.severity != nil {
            row("整改期限", "Rectify by", .strong(.text(d.deadline ?? "")))
            row("状态", "Status", statusBadge(d, L))
            if let done = d.rectifiedOn { row("整改完成", "Rectified on", .text(done + (d.rectificationNote.isEmpty ? "" : "：" + d.rectificationNote))) }
            if let e = d.eventID { row("网格事件", "Grid event", .a(.href("/events/\(e)"), .text(L.t("已转网格事件 #\(e)，由处置单位办理", "Taken up as grid event #\(e) for the responsible unit")))) }
        }
        let closeForm: Node = (canEdit && d.severity != nil && d.rectifiedOn == nil)
            ? .form(.method("post"), .action("/forces/inspections/\(d.id)/close"), .class("card no-print"), Layout.csrfField(req),
                    .h2(.text(L.t("整改销号", "Close the notice"))), Form.errorSummary(req, errors),
                    .div(.class("form"),
                        Form.field(L.t("整改完成日期", "Rectified on"), "rectifiedOn", errors, Form.input("rectifiedOn", closeInput?.rectifiedOn ?? WorkLogService.today(req).description, type: "date", required: true)),
                        Form.field(L.t("复查情况", "Re-inspection note"), "note", errors, wide: true, Form.textarea("note", closeInput?.note))),
                    .p(.button(.type("submit"), .text(L.t("销号", "Close")))))
            : (errors.isEmpty ? .empty : .div(.class("alert error"), .text(errors.fields.values.sorted().joined(separator: "；"))))
        let notice: Node = d.severity == nil ? .empty
            : .p(.class("small"), .text(L.t("经检查，你单位（场所）存在上述治安、消防安全隐患，请于 \(d.deadline ?? "") 前整改完毕，逾期未整改的依法处理。",
                                            "The hazards above were found at your premises; rectify them by \(d.deadline ?? ""). Failing that, they will be dealt with according to law.")))
        return .page(req, title: title, status: errors.isEmpty && (takeUp?.1.isEmpty ?? true) ? .ok : .unprocessableEntity,
            StaffingViews.tabs(req, active: "/forces/inspections"),
            .div(.class("breadcrumb no-print"), .a(.href("/forces/inspections"), .text(L.t("检查与整改", "Inspections"))), " › ", .text(d.siteName)),
            .div(.class("toolbar"), .h1(.text(title)), .button(.type("button"), .class("btn secondary no-print"), .attr("data-print", "1"), .text(L.t("打印", "Print")))),
            .div(.class("card"), .element("dl", [.class("kv")] + kv), notice),
            eventCategories.isEmpty ? .empty : .div(.class("card no-print"), .h2(.text(L.t("转为网格事件", "Take up as a grid event"))),
                .p(.class("muted"), .text(L.t("需要其他部门处置的隐患（如占道、违建、消防设施），转为网格事件派遣办理，处置结果在事件中跟踪。",
                                              "A hazard another department must deal with becomes a grid event, dispatched and followed there."))),
                GridEventViews.takeUpForm(req, action: "/forces/inspections/\(d.id)/event", categories: eventCategories, failed: takeUp)),
            closeForm)
    }
}
