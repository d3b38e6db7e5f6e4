import Vapor
import PinganKit

/// Pages of joint enforcement campaigns (联合执法 / 专项整治): the list, the form, one campaign with its progress and its
/// list of places, one place with its rectification.
enum CampaignViews {
    static func phaseBadge(_ L: Lang, _ p: CampaignPhase) -> Node {
        let cls: String
        switch p { case .planned: cls = "gen"; case .running: cls = "dispatched"; case .ended: cls = "closed" }
        return .span(.class("badge \(cls)"), .text(L.t(p.nameZh, p.nameEn)))
    }

    static func statusBadge(_ L: Lang, _ s: CampaignTargetStatus) -> Node {
        let cls: String
        switch s { case .pending: cls = "received"; case .rectifying: cls = "dispatched"; case .closed: cls = "closed" }
        return .span(.class("badge \(cls)"), .text(L.t(s.nameZh, s.nameEn)))
    }

    static func ledgerBadge(_ L: Lang, _ l: CampaignLedger) -> Node {
        .span(.class("badge " + (l == .listed ? "prev" : "gen")), .text(L.t(l.nameZh, l.nameEn)))
    }

    static func can(_ req: Request, _ p: Permission) -> Bool { (try? req.user.role.can(p)) ?? false }

    // MARK: list

    static func list(_ req: Request, rows: [Campaign], areas: [Int: String], units: [Int: String], counts: [Int: (closed: Int, total: Int)],
                     info: PageInfo, phase: CampaignPhase?, q: String?) -> Response {
        let L = req.lang, today = req.today
        let filters: Node = .form(.method("get"), .action("/governance/campaigns"), .class("filters no-print"),
            .label(.text(L.t("状态", "Phase")), Form.select("phase", CampaignPhase.allCases.map { ($0.rawValue, L.t($0.nameZh, $0.nameEn)) }, selected: phase?.rawValue, blank: L.t("全部", "All"))),
            .label(.text(L.t("查找", "Search")), Form.input("q", q, extra: .placeholder(L.t("行动名称", "campaign name")))),
            .button(.type("submit"), .text(L.t("筛选", "Filter"))), .a(.href("/governance/campaigns"), .text(L.t("清除", "Clear"))))
        let table: Node = rows.isEmpty
            ? .div(.class("empty"), .text(phase == nil && q == nil
                ? L.t("还没有联合执法行动。区或街道组织专项整治时点“组织整治行动”：列明牵头单位和参加部门，再把市里挂帐和本地发现的重点场所逐处列入、分给部门、整治销帐。",
                      "No joint enforcement campaigns yet. Use Organise a campaign: name the lead unit and the departments, then list the places the city handed down and those found locally, give each to a department, and close them once put right.")
                : L.t("没有符合条件的整治行动。", "No campaign matches.")))
            : .div(.class("scroll"), .table(.class("data"),
                .thead(.tr(.th(.text(L.t("行动", "Campaign"))), .th(.class("hide-sm"), .text(L.t("范围", "Area"))), .th(.class("hide-sm"), .text(L.t("牵头单位", "Lead"))),
                           .th(.class("nowrap"), .text(L.t("期间", "Period"))), .th(.text(L.t("销帐进度", "Closed"))))),
                .element("tbody", rows.map { c in
                    let n = counts[c.id!] ?? (0, 0)
                    return .tr(.td(.a(.href("/governance/campaigns/\(c.id!)"), .text(c.name)), .text(" "), phaseBadge(L, c.phase(today: today))),
                               .td(.class("hide-sm"), .text(areas[c.areaDivisionID] ?? "")),
                               .td(.class("hide-sm"), .text(units[c.leadUnitID] ?? "")),
                               .td(.class("nowrap small"), .text("\(c.startsOn) – \(c.endsOn)")),
                               .td(n.total == 0 ? .text(L.t("尚未列入场所", "No places yet")) : Meter.line(Share(n.closed, of: n.total).fraction, L.t("已销帐 \(n.closed)/\(n.total)", "closed \(n.closed)/\(n.total)"))))
                })))
        return .page(req, title: L.t("联合执法", "Joint enforcement"),
            GovernanceViews.header(req, active: "/governance/campaigns"), filters,
            .div(.class("toolbar no-print"), .span(.class("muted"), .text(L.t("共 \(info.total) 项行动", "\(info.total) campaigns"))),
                 can(req, .runCampaigns) ? .a(.class("btn"), .href("/governance/campaigns/new"), .text(L.t("组织整治行动", "Organise a campaign"))) : .empty),
            table, info.total > info.per ? Pager.view(req, info) : .empty)
    }

    // MARK: campaign form

    static func form(_ req: Request, input i: CampaignInput, areas: [Division], units: [ResponsibleUnit], errors: FieldErrors, editing: Campaign?) -> Response {
        let L = req.lang
        let action = editing.map { "/governance/campaigns/\($0.id!)/edit" } ?? "/governance/campaigns"
        let title = editing.map { L.t("修改整治行动：\($0.name)", "Edit campaign: \($0.name)") } ?? L.t("组织整治行动", "Organise a campaign")
        let duties = i.departments ?? [:]
        let departmentTable: Node = units.isEmpty
            ? .p(.class("muted"), .text(L.t("该范围还没有处置单位。请先在“网格事件 › 设置 › 处置单位”中登记城管、市场监管等部门。",
                                          "No responsible units serve this area yet. Add the departments under Grid events › Settings › Units first.")))
            : .div(.class("scroll"), .table(.class("data"),
                .thead(.tr(.th(.text(L.t("部门", "Department"))), .th(.text(L.t("本次职责（填写即为参加部门）", "Duty in this campaign (filled = taking part)"))))),
                .element("tbody", units.map { u in
                    .tr(.td(.text(u.name), .span(.class("small muted"), .text(" · " + L.t(u.kind.nameZh, u.kind.nameEn)))),
                        .td(.input(.type("text"), .class("fill"), .name("departments[\(u.id!)]"), .value(duties[String(u.id!)] ?? ""), .attr("maxlength", "200"),
                                   .attr("aria-label", L.t("\(u.name)的职责", "Duty of \(u.name)")))))
                })))
        return .page(req, title: title, status: errors.isEmpty ? .ok : .unprocessableEntity,
            editing == nil ? GovernanceViews.header(req, active: "/governance/campaigns")
                : .div(.class("breadcrumb no-print"), .a(.href("/governance/campaigns"), .text(L.t("联合执法", "Joint enforcement"))), " › ",
                       .a(.href("/governance/campaigns/\(editing!.id!)"), .text(editing!.name)), " › ", .text(L.t("修改", "Edit"))),
            .form(.method("post"), .action(action), .class("card"), Layout.csrfField(req),
                .h2(.text(title)), Form.errorSummary(req, errors),
                .div(.class("form"),
                    Form.field(L.t("行动名称", "Name"), "name", errors, hint: L.t("如：打击“七黑”、整治“五小”专项行动", "e.g. the campaign against unlicensed venues"),
                               Form.input("name", i.name, required: true, extra: .attr("maxlength", "100"))),
                    Form.field(L.t("整治范围", "Area"), "areaID", errors, hint: L.t("街道的行动可选区级部门和本街道的单位", "A street's campaign can use district departments and the street's own units"),
                               Form.select("areaID", areas.map { ("\($0.id!)", $0.name) }, selected: i.areaID, required: true)),
                    Form.field(L.t("开始日期", "First day"), "startsOn", errors, Form.input("startsOn", i.startsOn, type: "date", required: true)),
                    Form.field(L.t("结束日期", "Last day"), "endsOn", errors, Form.input("endsOn", i.endsOn, type: "date", required: true)),
                    Form.field(L.t("牵头单位", "Lead unit"), "leadUnitID", errors, hint: L.t("区政府抓总、综治办协调时，选择具体牵头的执法部门", "The enforcement department that leads"),
                               Form.select("leadUnitID", units.map { ("\($0.id!)", $0.name) }, selected: i.leadUnitID, blank: L.t("请选择", "Choose"), required: true)),
                    Form.field(L.t("目标与要求", "Goal"), "goal", errors, wide: true, Form.textarea("goal", i.goal))),
                .h3(.text(L.t("参加部门（分区负责、各司其职）", "Departments taking part"))),
                errors["departments"].map { .p(.class("field-error"), .attr("role", "alert"), .text($0)) } ?? .empty,
                departmentTable,
                .p(.button(.type("submit"), .text(editing == nil ? L.t("保存并开始列入场所", "Save, then list places") : L.t("保存", "Save"))), .text(" "),
                   .a(.href(editing.map { "/governance/campaigns/\($0.id!)" } ?? "/governance/campaigns"), .text(L.t("取消", "Cancel"))))))
    }

    // MARK: one campaign

    static func progressTable(_ L: Lang, title: String, column: String, rows: [CampaignProgressRow], name: (Int?) -> String, link: (Int?) -> String?) -> Node {
        .group([.h3(.text(title)), .div(.class("scroll"), .table(.class("data"),
            .thead(.tr(.th(.text(column)),
                       .th(.class("num"), .text(L.t("挂帐", "Listed"))), .th(.class("num"), .text(L.t("其中销帐", "closed"))),
                       .th(.class("num"), .text(L.t("帐外", "Local"))), .th(.class("num"), .text(L.t("其中销帐", "closed"))),
                       .th(.class("num hide-sm"), .text(L.t("整治中", "In hand"))), .th(.text(L.t("完成率", "Closed share"))))),
            .element("tbody", rows.map { r in
                .tr(.td(link(r.key).map { .a(.href($0), .text(name(r.key))) } ?? .text(name(r.key))),
                    .td(.class("num"), .text("\(r.listed)")), .td(.class("num"), .text("\(r.listedClosed)")),
                    .td(.class("num"), .text("\(r.local)")), .td(.class("num"), .text("\(r.localClosed)")),
                    .td(.class("num hide-sm"), .text("\(r.rectifying)")),
                    .td(Meter.line(r.closedShare, "\(r.closed)/\(r.targets)")))
            })))])
    }

    static func detail(_ req: Request, _ c: Campaign, departments: [CampaignDepartment], units: [Int: String], names: [Int: String],
                       progress: CampaignProgress, rows: [CampaignTarget], info: PageInfo, filter: CampaignTargetFilter, errors: FieldErrors,
                       communities: [(id: Int, name: String)], canManage: Bool, siteQuery: String?, sites: [Site]?) -> Response {
        let L = req.lang
        let base = "/governance/campaigns/\(c.id!)"
        let canEdit = can(req, .editGovernance)
        let header: Node = .div(.class("card"),
            .div(.class("toolbar"), .h1(.text(c.name)),
                 canManage ? .a(.class("btn secondary no-print"), .href(base + "/edit"), .text(L.t("修改", "Edit"))) : .empty,
                 .button(.type("button"), .class("btn secondary no-print"), .attr("data-print", "1"), .text(L.t("打印", "Print")))),
            .p(phaseBadge(L, c.phase(today: req.today))),
            .dl(.class("kv"),
                .dt(.text(L.t("整治范围", "Area"))), .dd(.text(names[c.areaDivisionID] ?? "")),
                .dt(.text(L.t("期间", "Period"))), .dd(.text("\(c.startsOn) – \(c.endsOn)")),
                .dt(.text(L.t("牵头单位", "Lead unit"))), .dd(.text(units[c.leadUnitID] ?? "")),
                .dt(.text(L.t("参加部门", "Departments"))),
                .dd(.ul(.class("plain"), .group(departments.map { d in .li(.strong(.text(units[d.unitID] ?? "")), .text("：" + d.duty)) }))),
                c.goal.isEmpty ? .empty : .group([.dt(.text(L.t("目标与要求", "Goal"))), .dd(.div(.class("message-body"), .text(c.goal)))])),
            .p(.strong(.text(progress.sentence(chinese: !L.isEnglish)))),
            .div(.class("stats"),
                .div(.class("stat"), .div(.class("num"), .text("\(progress.total.listedClosed)/\(progress.total.listed)")), .div(.class("lbl"), .text(L.t("挂帐销帐", "Listed closed")))),
                .div(.class("stat"), .div(.class("num"), .text("\(progress.total.localClosed)/\(progress.total.local)")), .div(.class("lbl"), .text(L.t("帐外销帐", "Local closed")))),
                .div(.class("stat"), .div(.class("num"), .text("\(progress.total.rectifying)")), .div(.class("lbl"), .text(L.t("整治中", "In hand")))),
                .div(.class("stat"), .div(.class("num"), .text(progress.total.closedShare.map { String(format: "%.1f%%", $0 * 100) } ?? "—")), .div(.class("lbl"), .text(L.t("完成率", "Closed share"))))))
        let progressNode: Node = progress.total.targets == 0 ? .empty : .group([
            progressTable(L, title: L.t("按部门", "By department"), column: L.t("部门", "Department"), rows: progress.byDepartment,
                          name: { $0.flatMap { units[$0] } ?? L.t("未分配部门", "No department yet") },
                          link: { k in k.map { "\(base)?department=\($0)" } }),
            progressTable(L, title: L.t("按街道", "By street"), column: L.t("街道", "Street"), rows: progress.byStreet,
                          name: { $0.flatMap { names[$0] } ?? "—" }, link: { _ in nil })])
        // Finding a registered place to add (the search runs on the server: works without JavaScript).
        let siteSearch: Node = !canEdit ? .empty : .form(.method("get"), .action(base), .class("filters no-print"),
            .label(.text(L.t("从场所登记中查找", "Find in the place registry")), Form.input("site_q", siteQuery, extra: .placeholder(L.t("名称或地址", "name or address")))),
            .button(.type("submit"), .text(L.t("查找", "Search"))),
            .a(.class("btn secondary"), .href(base + "/targets/new"), .text(L.t("直接添加场所", "Add a place by hand"))),
            .a(.class("btn secondary"), .href(base + "/import"), .text(L.t("导入挂帐名单", "Import a list"))))
        let siteResults: Node = sites.map { list in
            list.isEmpty ? .p(.class("empty"), .text(L.t("登记中没有找到“\(siteQuery ?? "")”。可以直接添加场所。", "Nothing in the registry matches “\(siteQuery ?? "")”. Add the place by hand.")))
                : .div(.class("scroll no-print"), .table(.class("data"),
                    .thead(.tr(.th(.text(L.t("登记场所", "Registered place"))), .th(.class("hide-sm"), .text(L.t("地址", "Address"))), .th(.text("")))),
                    .element("tbody", list.map { s in
                        .tr(.td(.text(s.name), .span(.class("small muted"), .text(" · " + L.t(s.kind.nameZh, s.kind.nameEn)))),
                            .td(.class("hide-sm"), .text(s.address)),
                            .td(.a(.class("btn secondary"), .href(base + "/targets/new?site=\(s.id!)"), .text(L.t("列入", "List it")))))
                    })))
        } ?? .empty
        let filters: Node = .form(.method("get"), .action(base), .class("filters no-print"),
            .label(.text(L.t("来源", "Source")), Form.select("ledger", CampaignLedger.allCases.map { ($0.rawValue, L.t($0.nameZh, $0.nameEn)) }, selected: filter.ledger?.rawValue, blank: L.t("全部", "All"))),
            .label(.text(L.t("进展", "Status")), Form.select("status", CampaignTargetStatus.allCases.map { ($0.rawValue, L.t($0.nameZh, $0.nameEn)) }, selected: filter.status?.rawValue, blank: L.t("全部", "All"))),
            .label(.text(L.t("责任部门", "Department")), Form.select("department", departments.map { ("\($0.unitID)", units[$0.unitID] ?? "") }, selected: filter.department.map(String.init), blank: L.t("全部", "All"))),
            communities.count > 1 ? .label(.text(L.t("社区", "Community")), Form.select("community", communities.map { ("\($0.id)", $0.name) }, selected: filter.community.map(String.init), blank: L.t("全部", "All"))) : .empty,
            .label(.text(L.t("查找", "Search")), Form.input("q", filter.q, extra: .placeholder(L.t("名称、地址、问题", "name, address, problem")))),
            .button(.type("submit"), .text(L.t("筛选", "Filter"))), .a(.href(base), .text(L.t("清除", "Clear"))))
        let problems: Node = errors.isEmpty ? .empty : .div(.class("alert error"), .attr("role", "alert"),
            .text(L.t("部分筛选条件无效，已忽略：", "Some filters were not understood and were ignored: ") + errors.fields.keys.sorted().joined(separator: ", ")))
        let table: Node = rows.isEmpty
            ? .div(.class("empty"), .text(filter.isEmpty
                ? L.t("还没有列入整治的场所。从场所登记中查找后“列入”，或直接添加市里挂帐和本地发现的场所。", "No places listed yet. Find one in the registry and list it, or add the city's listed places and those found locally by hand.")
                : L.t("没有符合条件的场所。", "No place matches.")))
            : .div(.class("scroll"), .table(.class("data"),
                .thead(.tr(.th(.text(L.t("场所", "Place"))), .th(.text(L.t("来源", "Source"))), .th(.class("hide-sm"), .text(L.t("社区", "Community"))),
                           .th(.class("hide-sm"), .text(L.t("责任部门", "Department"))), .th(.text(L.t("进展", "Status"))), .th(.class("hide-sm nowrap"), .text(L.t("销帐日期", "Closed on"))))),
                .element("tbody", rows.map { t in
                    .tr(.td(.a(.href("/governance/campaign-targets/\(t.id!)"), .text(t.name)),
                            .span(.class("small muted"), .text(" · " + String(t.problems.prefix(30)) + (t.problems.count > 30 ? "…" : "")))),
                        .td(ledgerBadge(L, t.ledger)),
                        .td(.class("hide-sm"), .text(names[t.communityID] ?? "")),
                        .td(.class("hide-sm"), .text(t.departmentID.flatMap { units[$0] } ?? L.t("未分配", "Not given"))),
                        .td(statusBadge(L, t.status)),
                        .td(.class("hide-sm nowrap"), .text(t.closedOn ?? "")))
                })))
        let csv = base + "/targets.csv" + (filter.isEmpty ? "" : "?" + filter.queryString)
        return .page(req, title: c.name,
            .div(.class("breadcrumb no-print"), .a(.href("/governance/campaigns"), .text(L.t("联合执法", "Joint enforcement"))), " › ", .text(c.name)),
            req.query[Int.self, at: "imported"].map { n in .div(.class("alert ok"), .attr("role", "status"), .text(L.t("已导入 \(n) 处场所。", "\(n) places imported."))) } ?? .empty,
            header, progressNode,
            .h2(.text(L.t("整治对象", "Places"))), siteSearch, siteResults, filters, problems,
            .div(.class("toolbar no-print"), .span(.class("muted"), .text(L.t("共 \(info.total) 处", "\(info.total) places"))),
                 .a(.class("btn secondary"), .href(csv), .text(L.t("导出CSV", "Export CSV")))),
            table, info.total > info.per ? Pager.view(req, info) : .empty)
    }

    static func csv(_ req: Request, _ c: Campaign, rows: [CampaignTargetDTO]) -> Response {
        let L = req.lang
        var w = CSVWriter(header: [L.t("编号", "No."), L.t("场所名称", "Place"), L.t("地址", "Address"), L.t("社区", "Community"), L.t("来源", "Source"),
                                   L.t("存在问题", "Problems"), L.t("责任部门", "Department"), L.t("进展", "Status"), L.t("整治措施", "Measures"),
                                   L.t("销帐日期", "Closed on"), L.t("整治结果", "Evidence"), L.t("登记场所编号", "Registry id")])
        for t in rows {
            w.append(["\(t.id)", t.name, t.address, t.community ?? "", L.t(t.ledger.nameZh, t.ledger.nameEn), t.problems, t.department ?? "",
                      L.t(t.status.nameZh, t.status.nameEn), t.progressNote, t.closedOn ?? "", t.evidence, t.siteID.map(String.init) ?? ""])
        }
        return CSVResponse.make(filename: "campaign-\(c.id!)-places.csv", writer: w)
    }

    // MARK: importing a list

    static func importForm(_ req: Request, _ c: Campaign, input: CampaignImportInput, errors: FieldErrors) -> Response {
        let L = req.lang
        let problems: Node = errors["csv"].map { text in
            .div(.class("alert error"), .attr("role", "alert"),
                 .p(.text(L.t("名单未导入，请修改后重新提交：", "Nothing was imported. Correct these and submit again:"))),
                 .ul(.group(text.split(separator: "\n").map { .li(.text(String($0))) })))
        } ?? .empty
        return .page(req, title: L.t("导入挂帐名单", "Import a list"), status: errors.isEmpty ? .ok : .unprocessableEntity,
            .div(.class("breadcrumb no-print"), .a(.href("/governance/campaigns"), .text(L.t("联合执法", "Joint enforcement"))), " › ",
                 .a(.href("/governance/campaigns/\(c.id!)"), .text(c.name)), " › ", .text(L.t("导入名单", "Import a list"))),
            .form(.method("post"), .action("/governance/campaigns/\(c.id!)/import"), .attr("enctype", "multipart/form-data"), .class("card"), Layout.csrfField(req),
                .h1(.text(L.t("导入挂帐名单", "Import a list"))),
                .p(.class("muted"), .text(L.t("把市里（区里）下达的名单另存为 CSV（UTF-8），第一行为表头：名称、地址、社区、存在问题、责任部门、来源（挂帐/帐外，可省略）。社区写辖区树中的名称，责任部门写本次行动参加部门的名称。任何一行有误，整份名单都不导入，并逐行说明。",
                                              "Save the list handed down as CSV (UTF-8) with a header line: 名称 (name), 地址 (address), 社区 (community), 存在问题 (problems), 责任部门 (department), 来源 (挂帐/帐外, optional). Communities as the tree names them; departments as the campaign names them. If any line is wrong nothing is imported, and each problem is named by line."))),
                problems,
                .div(.class("form"),
                    Form.field(L.t("没有注明来源的行计为", "Rows that do not say their source are"), "ledger", errors,
                               Form.select("ledger", CampaignLedger.allCases.map { ($0.rawValue, L.t($0.nameZh, $0.nameEn)) }, selected: input.ledger)),
                    Form.field(L.t("上传 CSV 文件", "Upload a CSV file"), "file", errors, .input(.type("file"), .name("file"), .id("f-file"), .attr("accept", ".csv,text/csv"))),
                    Form.field(L.t("或粘贴名单", "Or paste the list"), "csvText", errors, wide: true,
                               .textarea(.name("csv"), .id("f-csv"), .attr("rows", "10"), .attr("placeholder", "名称,地址,社区,存在问题,责任部门\n极速网吧,环城中路45号,德兴社区,接纳未成年人上网,区市场监管局"), .text(input.csv ?? "")))),
                .p(.button(.type("submit"), .text(L.t("导入", "Import"))), .text(" "), .a(.href("/governance/campaigns/\(c.id!)"), .text(L.t("取消", "Cancel"))))))
    }

    // MARK: one place

    static func targetForm(_ req: Request, _ c: Campaign, input i: CampaignTargetInput, communities: [(id: Int, name: String)],
                           departments: [(Int, String)], site: Site?, errors: FieldErrors, editing: CampaignTarget?) -> Response {
        let L = req.lang
        let action = editing.map { "/governance/campaign-targets/\($0.id!)/edit" } ?? "/governance/campaigns/\(c.id!)/targets"
        let title = editing.map { L.t("修改整治对象：\($0.name)", "Edit place: \($0.name)") } ?? L.t("列入整治场所", "List a place")
        return .page(req, title: title, status: errors.isEmpty ? .ok : .unprocessableEntity,
            .div(.class("breadcrumb no-print"), .a(.href("/governance/campaigns"), .text(L.t("联合执法", "Joint enforcement"))), " › ",
                 .a(.href("/governance/campaigns/\(c.id!)"), .text(c.name)), " › ", .text(editing == nil ? L.t("列入场所", "List a place") : L.t("修改", "Edit"))),
            .form(.method("post"), .action(action), .class("card"), Layout.csrfField(req),
                .h1(.text(title)), Form.errorSummary(req, errors),
                site.map { s in .p(.class("muted"), .text(L.t("来自场所登记：", "From the place registry: ")), .a(.href("/sites/\(s.id!)"), .text(s.name))) } ?? .empty,
                .input(.type("hidden"), .name("siteID"), .value(i.siteID ?? "")),
                errors["siteID"].map { .p(.class("field-error"), .attr("role", "alert"), .text($0)) } ?? .empty,
                .div(.class("form"),
                    Form.field(L.t("来源", "Source"), "ledger", errors, hint: L.t("挂帐：市里（区里）下达名单上的；帐外：本地排查发现的", "Listed: on the list handed down; found locally: not on it"),
                               Form.select("ledger", CampaignLedger.allCases.map { ($0.rawValue, L.t($0.nameZh, $0.nameEn)) }, selected: i.ledger, required: true)),
                    Form.field(L.t("场所名称", "Name"), "name", errors, Form.input("name", i.name, required: true, extra: .attr("maxlength", "100"))),
                    Form.field(L.t("地址", "Address"), "address", errors, Form.input("address", i.address, extra: .attr("maxlength", "200"))),
                    Form.field(L.t("所在社区", "Community"), "communityID", errors,
                               Form.select("communityID", communities.map { ("\($0.id)", $0.name) }, selected: i.communityID, blank: L.t("请选择", "Choose"), required: true)),
                    Form.field(L.t("责任部门", "Department"), "departmentID", errors, hint: L.t("可稍后分配", "Can be given later"),
                               Form.select("departmentID", departments.map { ("\($0.0)", $0.1) }, selected: i.departmentID, blank: L.t("暂不分配", "Not yet"))),
                    Form.field(L.t("存在问题", "What is wrong"), "problems", errors, wide: true, Form.textarea("problems", i.problems))),
                .p(.button(.type("submit"), .text(editing == nil ? L.t("列入", "List it") : L.t("保存", "Save"))), .text(" "),
                   .a(.href(editing.map { "/governance/campaign-targets/\($0.id!)" } ?? "/governance/campaigns/\(c.id!)"), .text(L.t("取消", "Cancel"))))))
    }

    static func targetDetail(_ req: Request, _ c: Campaign, _ t: CampaignTargetDTO, site: Site?, author: String, closer: String?,
                             photos: [Photo], step: CampaignTargetStepInput, errors: FieldErrors) -> Response {
        let L = req.lang, cal = req.localCalendar
        let canEdit = can(req, .editGovernance) && t.status != .closed
        let next = step.status ?? (t.status == .pending ? CampaignTargetStatus.rectifying.rawValue : CampaignTargetStatus.closed.rawValue)
        let choices = CampaignTargetStatus.allCases.filter { t.status.canMove(to: $0) }.map { ($0.rawValue, L.t($0 == .closed ? "销帐（整治完成）" : $0.nameZh, $0 == .closed ? "Close (put right)" : $0.nameEn)) }
        let stepForm: Node = !canEdit ? .empty : .form(.method("post"), .action("/governance/campaign-targets/\(t.id)/step"), .attr("enctype", "multipart/form-data"),
                                                       .class("card no-print"), Layout.csrfField(req),
            .h2(.text(L.t("记录整治进展", "Record progress"))), Form.errorSummary(req, errors),
            .div(.class("form"),
                Form.field(L.t("进展", "Step"), "status", errors, Form.select("status", choices, selected: next, required: true)),
                Form.field(L.t("销帐日期", "Day closed"), "closedOn", errors, hint: L.t("销帐时填写，默认今天", "When closing; today if empty"),
                           Form.input("closedOn", step.closedOn ?? req.today, type: "date")),
                Form.field(L.t("整治措施", "What is being done"), "note", errors, wide: true, Form.textarea("note", step.note)),
                Form.field(L.t("整治结果和依据（销帐时必填）", "What was done and how it was checked (needed to close)"), "evidence", errors, wide: true, Form.textarea("evidence", step.evidence)),
                Form.field(L.t("现场照片（选填）", "Photos (optional)"), "photos", errors, wide: true,
                           hint: L.t("整治前后的现场照片，最多\(PhotoStore.maxPerUpload)张；保存时去除位置等信息，仅内部可见",
                                     "Before and after, at most \(PhotoStore.maxPerUpload); stored without their metadata, staff only"),
                           .input(.type("file"), .name("photos[]"), .id("f-photos"), .attr("accept", "image/jpeg,image/png,image/heic,image/heif"), .attr("multiple", nil), .attr("capture", "environment")))),
            .p(.button(.type("submit"), .text(L.t("保存进展", "Save")))))
        return .page(req, title: t.name, status: errors.isEmpty ? .ok : .unprocessableEntity,
            .div(.class("breadcrumb no-print"), .a(.href("/governance/campaigns"), .text(L.t("联合执法", "Joint enforcement"))), " › ",
                 .a(.href("/governance/campaigns/\(c.id!)"), .text(c.name)), " › ", .text(t.name)),
            .div(.class("card"),
                .div(.class("toolbar"), .h1(.text(t.name)),
                     canEdit ? .a(.class("btn secondary no-print"), .href("/governance/campaign-targets/\(t.id)/edit"), .text(L.t("修改", "Edit"))) : .empty,
                     .button(.type("button"), .class("btn secondary no-print"), .attr("data-print", "1"), .text(L.t("打印", "Print")))),
                .p(statusBadge(L, t.status), .text(" "), ledgerBadge(L, t.ledger)),
                .dl(.class("kv"),
                    .dt(.text(L.t("整治行动", "Campaign"))), .dd(.a(.href("/governance/campaigns/\(c.id!)"), .text(c.name))),
                    .dt(.text(L.t("地址", "Address"))), .dd(.text(t.address.isEmpty ? "—" : t.address)),
                    .dt(.text(L.t("所在社区", "Community"))), .dd(.text(t.community ?? "")),
                    .dt(.text(L.t("场所登记", "Registry"))), .dd(site.map { s in .a(.href("/sites/\(s.id!)"), .text(s.name)) } ?? .text(L.t("未登记", "Not in the registry"))),
                    .dt(.text(L.t("责任部门", "Department"))), .dd(.text(t.department ?? L.t("未分配", "Not given"))),
                    .dt(.text(L.t("列入人", "Listed by"))), .dd(.text(author + (t.createdAt.map { " · " + cal.formatDateTime($0) } ?? "")))),
                .h2(.text(L.t("存在问题", "What is wrong"))), .div(.class("message-body"), .text(t.problems)),
                t.progressNote.isEmpty ? .empty : .group([.h2(.text(L.t("整治措施", "What is being done"))), .div(.class("message-body"), .text(t.progressNote))]),
                t.closedOn.map { day in .group([
                    .h2(.text(L.t("销帐", "Closed"))),
                    .p(.class("muted"), .text(L.t("\(day) 销帐", "Closed on \(day)") + (closer.map { " · " + $0 } ?? ""))),
                    .div(.class("message-body"), .text(t.evidence))]) } ?? .empty,
                photos.isEmpty ? .empty : .group([.h2(.text(L.t("现场照片", "Photos"))), .div(.class("photo-strip"), .forEach(photos.map(PhotoDTO.init)) { p in
                    .a(.href(p.url ?? "#"), .attr("target", "_blank"), p.thumbURL.map { .void("img", [.attr("src", $0), .attr("alt", L.t("现场照片", "Photo")), .attr("loading", "lazy")]) }
                        ?? .span(.class("badge gen"), .text(L.t("原图（\(p.format.uppercased())，无预览）", "Original (\(p.format.uppercased()), no preview)"))))
                })])),
            stepForm)
    }
}
