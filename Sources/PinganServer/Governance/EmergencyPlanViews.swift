import Vapor
import PinganKit

/// Pages of the emergency plans (应急预案), their versions and their drills (演练).
enum EmergencyPlanViews {
    static func statusBadge(_ L: Lang, _ s: EmergencyPlanStatus) -> Node {
        let cls: String
        switch s { case .draft: cls = "gen"; case .approved: cls = "closed"; case .superseded: cls = "prev" }
        return .span(.class("badge \(cls)"), .text(L.t(s.nameZh, s.nameEn)))
    }

    static func dueBadges(_ L: Lang, _ due: [EmergencyPlanDue]) -> Node {
        .group(due.map { .span(.class("badge received"), .text(L.t($0.nameZh, $0.nameEn))) })
    }

    static func list(_ req: Request, rows: [EmergencyPlanDTO], info: PageInfo, filter f: EmergencyPlanFilter, overdue: Int, canCreate: Bool, errors: FieldErrors) -> Response {
        let L = req.lang
        let filters: Node = .form(.method("get"), .action("/governance/plans"), .class("filters no-print"),
            .label(.text(L.t("状态", "Status")), Form.select("status", EmergencyPlanStatus.allCases.map { ($0.rawValue, L.t($0.nameZh, $0.nameEn)) }, selected: f.status?.rawValue, blank: L.t("现行与草案", "In force and drafts"))),
            .label(.text(L.t("类别", "Kind")), Form.select("kind", EmergencyPlanKind.allCases.map { ($0.rawValue, L.t($0.nameZh, $0.nameEn)) }, selected: f.kind?.rawValue, blank: L.t("全部", "All"))),
            .label(.text(L.t("事件类型", "Emergency")), Form.select("type", EmergencyType.allCases.map { ($0.rawValue, L.t($0.nameZh, $0.nameEn)) }, selected: f.type?.rawValue, blank: L.t("全部", "All"))),
            .label(.class("check"), .input(.type("checkbox"), .name("due"), .value("1"), .checked(f.due)), .text(L.t("只看逾期", "Overdue only"))),
            .label(.text(L.t("关键词", "Text")), Form.input("q", f.q)),
            .button(.type("submit"), .text(L.t("筛选", "Filter"))))
        let csv = "/governance/plans/export.csv" + (f.queryString.isEmpty ? "" : "?" + f.queryString)
        let table: Node = rows.isEmpty
            ? .div(.class("empty"), .text(f.queryString.isEmpty
                ? L.t("还没有应急预案。区应急办先登记《突发公共事件总体应急方案》，再逐项登记防汛、消防、公共卫生等专项预案：明确责任单位及职责、处置步骤、复审日期和演练周期，批准后生效。",
                      "No emergency plans yet. Register the district's general plan first, then the special plans (flood, fire, public health …): units and their duties, the response steps, a review day and how often it is drilled; a plan is in force once approved.")
                : L.t("没有符合条件的预案。", "No plan matches.")))
            : .div(.class("scroll"), .table(.class("data"),
                .thead(.tr(.th(.text(L.t("预案", "Plan"))), .th(.text(L.t("类别", "Kind"))), .th(.text(L.t("类型 · 级别", "Emergency · level"))), .th(.text(L.t("区域", "Area"))),
                           .th(.text(L.t("版本", "Version"))), .th(.text(L.t("复审日期", "Review by"))), .th(.text(L.t("最近演练", "Last drill"))), .th(.text(L.t("下次演练", "Next drill"))))),
                .element("tbody", rows.map { p in
                    .tr(.td(.a(.href("/governance/plans/\(p.id)"), .text(p.name)), .text(" "), dueBadges(L, p.due)),
                        .td(.text(L.t(p.kind.nameZh, p.kind.nameEn))),
                        .td(.text(L.t(p.type.nameZh, p.type.nameEn) + " · " + L.t(p.level.nameZh, p.level.nameEn))),
                        .td(.text(p.area ?? "")),
                        .td(.text("v\(p.version) "), statusBadge(L, p.status)),
                        .td(.text(p.reviewDueOn)),
                        .td(.text(p.lastDrillOn ?? L.t("未演练", "never"))),
                        .td(.text(p.nextDrillOn ?? "—")))
                })))
        return .page(req, title: L.t("应急预案", "Emergency plans"), status: errors.isEmpty ? .ok : .unprocessableEntity,
            GovernanceViews.header(req, active: "/governance/plans"),
            .div(.class("toolbar"), .h2(.text(L.t("应急预案与演练", "Emergency plans and drills"))),
                 canCreate ? .a(.class("btn"), .href("/governance/plans/new"), .text(L.t("登记预案", "Register a plan"))) : .empty,
                 .a(.class("btn secondary"), .href(csv), .text(L.t("导出CSV", "Export CSV")))),
            Form.errorSummary(req, errors),
            overdue > 0 ? .p(.class("alert notice"), .a(.href("/governance/plans?due=1"), .text(L.t("\(overdue) 个现行预案复审或演练已逾期", "\(overdue) plans in force are overdue for review or a drill")))) : .empty,
            filters, table, info.total > info.per ? Pager.view(req, info) : .empty)
    }

    static func csv(_ req: Request, rows: [EmergencyPlanDTO]) -> Response {
        let L = req.lang
        var w = CSVWriter(header: [L.t("预案名称", "Plan"), L.t("类别", "Kind"), L.t("事件类型", "Emergency"), L.t("响应级别", "Level"), L.t("区域", "Area"),
                                   L.t("版本", "Version"), L.t("状态", "Status"), L.t("批准日期", "Approved"), L.t("复审日期", "Review by"), L.t("演练周期（月）", "Drill every (months)"),
                                   L.t("最近演练", "Last drill"), L.t("下次演练", "Next drill"), L.t("逾期", "Overdue"), L.t("责任单位及职责", "Units and duties"), L.t("处置步骤", "Steps")])
        for p in rows {
            w.append([p.name, L.t(p.kind.nameZh, p.kind.nameEn), L.t(p.type.nameZh, p.type.nameEn), L.t(p.level.nameZh, p.level.nameEn), p.area ?? "",
                      "v\(p.version)", L.t(p.status.nameZh, p.status.nameEn), p.approvedOn ?? "", p.reviewDueOn, "\(p.drillIntervalMonths)",
                      p.lastDrillOn ?? "", p.nextDrillOn ?? "", p.due.map { L.t($0.nameZh, $0.nameEn) }.joined(separator: L.t("、", "; ")),
                      p.units.map { $0.unit + L.t("：", ": ") + $0.duty }.joined(separator: L.t("；", "; ")),
                      p.steps.enumerated().map { "\($0.offset + 1). \($0.element)" }.joined(separator: " ")])
        }
        return CSVResponse.make(filename: "emergency-plans.csv", writer: w)
    }

    static func form(_ req: Request, input i: EmergencyPlanInput, areas: [Division], units: [ResponsibleUnit], teams: [ResponseTeam], errors: FieldErrors, editing: EmergencyPlan?) -> Response {
        let L = req.lang
        let action = editing.map { "/governance/plans/\($0.id!)/edit" } ?? "/governance/plans"
        let title = editing.map { L.t("修改预案草案：\($0.name)（v\($0.version)）", "Edit draft: \($0.name) (v\($0.version))") } ?? L.t("登记应急预案", "Register an emergency plan")
        let duties = i.units ?? [:]
        let unitTable: Node = units.isEmpty
            ? .p(.class("muted"), .text(L.t("该区域还没有处置单位。请先在“网格事件 › 设置 › 处置单位”中登记卫生、应急、消防等部门。",
                                          "No responsible units serve this area yet. Add them under Grid events › Settings › Units first.")))
            : .div(.class("scroll"), .table(.class("data"),
                .thead(.tr(.th(.text(L.t("单位", "Unit"))), .th(.text(L.t("在本预案中的职责（填写即为责任单位）", "Duty in this plan (filled = responsible)"))))),
                .element("tbody", units.map { u in
                    .tr(.td(.text(u.name), .span(.class("small muted"), .text(" · " + L.t(u.kind.nameZh, u.kind.nameEn)))),
                        .td(.input(.type("text"), .class("fill"), .name("units[\(u.id!)]"), .value(duties[String(u.id!)] ?? ""), .attr("maxlength", "300"),
                                   .attr("aria-label", L.t("\(u.name)的职责", "Duty of \(u.name)")))))
                })))
        return .page(req, title: title, status: errors.isEmpty ? .ok : .unprocessableEntity,
            .div(.class("breadcrumb no-print"), .a(.href("/governance/plans"), .text(L.t("应急预案", "Emergency plans"))), " › ",
                 editing.map { .group([.a(.href("/governance/plans/\($0.id!)"), .text($0.name)), " › ", .text(L.t("修改", "Edit"))]) } ?? .text(L.t("登记", "Register"))),
            .form(.method("post"), .action(action), .class("card"), Layout.csrfField(req),
                .h2(.text(title)), Form.errorSummary(req, errors),
                .div(.class("form"),
                    Form.field(L.t("预案名称", "Name"), "name", errors, wide: true, hint: L.t("如：番禺区防汛应急预案", "e.g. the district's flood plan"),
                               Form.input("name", i.name, required: true, extra: .attr("maxlength", "100"))),
                    Form.field(L.t("类别", "Kind"), "kind", errors, Form.select("kind", EmergencyPlanKind.allCases.map { ($0.rawValue, L.t($0.nameZh, $0.nameEn)) }, selected: i.kind ?? "special", required: true)),
                    Form.field(L.t("事件类型", "Emergency"), "type", errors, Form.select("type", EmergencyType.allCases.map { ($0.rawValue, L.t($0.nameZh, $0.nameEn)) }, selected: i.type, blank: L.t("请选择", "Choose"), required: true)),
                    Form.field(L.t("响应级别（最高）", "Response level (highest)"), "level", errors, Form.select("level", EmergencyLevel.allCases.map { ($0.rawValue, L.t($0.nameZh, $0.nameEn)) }, selected: i.level ?? "4", required: true)),
                    Form.field(L.t("适用区域", "Area"), "areaID", errors, hint: L.t("街道预案可选区级部门和本街道的单位", "A street's plan can name district departments and the street's own units"),
                               Form.select("areaID", areas.map { ("\($0.id!)", $0.name) }, selected: i.areaID, required: true)),
                    Form.field(L.t("复审日期", "Review by"), "reviewDueOn", errors, Form.input("reviewDueOn", i.reviewDueOn, type: "date", required: true)),
                    Form.field(L.t("演练周期（月）", "Drill every (months)"), "drillIntervalMonths", errors, hint: L.t("1–36 个月", "1 to 36 months"),
                               Form.input("drillIntervalMonths", i.drillIntervalMonths ?? "12", type: "number", required: true, extra: .attr("min", "1"))),
                    Form.field(L.t("适用范围与工作原则", "Scope and principles"), "scope", errors, wide: true, Form.textarea("scope", i.scope)),
                    Form.field(L.t("处置步骤（每行一步）", "Response steps (one a line)"), "steps", errors, wide: true,
                               hint: L.t("如：1. 接警后10分钟内报区应急办；2. 启动预案、成立现场指挥部……批准前必须填写", "e.g. report to the emergency office within 10 minutes; open the field command … required before approval"),
                               Form.textarea("steps", i.steps)),
                    Form.field(L.t("应急资源说明", "Resources (notes)"), "resources", errors, wide: true,
                               hint: L.t("总体说明；每处避难场所、物资储备点、装备在预案页面的地图上逐一标注", "General notes; each shelter, store and piece of equipment is placed on the map on the plan's page"),
                               Form.textarea("resources", i.resources)),
                    Form.field(L.t("联络方式（值班电话，不填个人手机）", "Contacts (duty lines, no personal mobiles)"), "contacts", errors, wide: true, Form.textarea("contacts", i.contacts))),
                .h3(.text(L.t("责任单位及职责", "Responsible units and their duties"))),
                errors["units"].map { .p(.class("field-error"), .attr("role", "alert"), .text($0)) } ?? .empty,
                unitTable,
                .h3(.text(L.t("处置队伍", "Response teams"))),
                errors["teams"].map { .p(.class("field-error"), .attr("role", "alert"), .text($0)) } ?? .empty,
                teams.isEmpty
                    ? .p(.class("muted"), .text(L.t("本区域和区级还没有在用的应急处突队伍（在“应急队伍”中登记）。", "No active response team of this area or the district yet (register them under Response teams).")))
                    : .div(.class("checks"), .group(teams.map { t in
                        .label(.class("check"), .input(.type("checkbox"), .name("teams[]"), .value("\(t.id!)"), .checked((i.teams ?? []).contains("\(t.id!)"))), .text(t.name))
                    })),
                .p(.button(.type("submit"), .text(L.t("保存草案", "Save the draft"))), .text(" "),
                   .a(.href(editing.map { "/governance/plans/\($0.id!)" } ?? "/governance/plans"), .text(L.t("取消", "Cancel"))))))
    }

    /// On a superseded version: which version is in force now.
    static func superseded(_ L: Lang, _ p: EmergencyPlanDTO) -> Node {
        guard p.status == .superseded else { return .empty }
        let current = (p.versions ?? []).first { $0.status == .approved }
        return .p(.class("alert notice"), .text(L.t("这是已被替代的 v\(p.version)，仅供查阅。", "This is v\(p.version), superseded: for reference only. ")),
                  current.map { .a(.href("/governance/plans/\($0.id)"), .text(L.t("查看现行 v\($0.version)", "See v\($0.version), in force"))) } ?? .empty)
    }

    static func detail(_ req: Request, _ p: EmergencyPlanDTO, canManage: Bool, canRecord: Bool, errors: FieldErrors,
                       drillInput: EmergencyDrillInput, actionInput: (drill: Int, input: EmergencyDrillActionInput)?, responses: Node, resources: Node = .empty) -> Response {
        let L = req.lang
        var kv: [Node] = []
        func row(_ zh: String, _ en: String, _ v: Node) { kv.append(.dt(.text(L.t(zh, en)))); kv.append(.dd(v)) }
        row("类别", "Kind", .text(L.t(p.kind.nameZh, p.kind.nameEn)))
        row("事件类型", "Emergency", .text(L.t(p.type.nameZh, p.type.nameEn)))
        row("响应级别", "Response level", .text(L.t(p.level.nameZh, p.level.nameEn)))
        row("适用区域", "Area", .text(p.area ?? ""))
        row("版本", "Version", .group([.text("v\(p.version) "), statusBadge(L, p.status), .text(p.approvedOn.map { L.t("　\($0) 批准", "  approved \($0)") } ?? "")]))
        row("复审日期", "Review by", .group([.text(p.reviewDueOn + " "), p.due.contains(.review) ? dueBadges(L, [.review]) : .empty]))
        row("演练", "Drills", .group([.text(L.t("每 \(p.drillIntervalMonths) 个月；", "every \(p.drillIntervalMonths) months; ")
                                          + (p.lastDrillOn.map { L.t("最近 \($0)", "last \($0)") } ?? L.t("尚未演练", "not drilled yet"))
                                          + (p.nextDrillOn.map { L.t("；下次 \($0) 前", "; next by \($0)") } ?? (p.status == .draft ? L.t("；批准后起算", "; counted from approval") : ""))),
                                     p.due.contains(.drill) ? .group([.text(" "), dueBadges(L, [.drill])]) : .empty]))
        let gaps = errors.fields.keys.filter { ["units", "steps", "reviewDueOn"].contains($0) }
        let manage: Node = !canManage ? .empty : .div(.class("toolbar no-print"),
            p.status == .draft ? .group([
                .a(.class("btn secondary"), .href("/governance/plans/\(p.id)/edit"), .text(L.t("修改草案", "Edit the draft"))),
                .form(.method("post"), .action("/governance/plans/\(p.id)/approve"), .class("inline"), Layout.csrfField(req),
                      .button(.type("submit"), .text(L.t("批准生效", "Approve"))))]) : .empty,
            p.status == .approved ? .form(.method("post"), .action("/governance/plans/\(p.id)/revise"), .class("inline"), Layout.csrfField(req),
                                          .button(.type("submit"), .class("secondary"), .text(L.t("修订（生成新版本草案）", "Revise (new draft version)")))) : .empty)
        let info: Node = .div(.class("card"),
            .h2(.text(L.t("预案", "Plan"))), .element("dl", [.class("kv")] + kv),
            gaps.isEmpty ? .empty : .div(.class("alert error"), .attr("role", "alert"), .strong(.text(L.t("尚不能批准：", "Cannot approve yet: "))),
                                         .text(gaps.sorted().compactMap { errors[$0] }.joined(separator: L.t("；", "; ")))),
            p.scope.isEmpty ? .empty : .group([.h3(.text(L.t("适用范围与工作原则", "Scope and principles"))), .p(.class("pre"), .text(p.scope))]),
            .h3(.text(L.t("处置步骤", "Response steps"))),
            p.steps.isEmpty ? .p(.class("muted"), .text(L.t("尚未填写。", "Not written yet."))) : .element("ol", p.steps.map { .li(.text($0)) }),
            .h3(.text(L.t("责任单位及职责", "Units and their duties"))),
            p.units.isEmpty ? .p(.class("muted"), .text(L.t("尚未明确。", "None named yet."))) : .group(p.units.map { u in .p(.strong(.text(u.unit)), .text(L.t("：", ": ") + u.duty)) }),
            (p.teams ?? []).isEmpty ? .empty : .group([.h3(.text(L.t("处置队伍", "Response teams"))),
                .group((p.teams ?? []).map { t in
                    .p(.a(.href("/governance/teams/\(t.id)"), .text(t.name)), .text(" · " + t.dutyPhone + " · "
                        + L.t("今日值班：", "on call today: ") + (t.onCallToday.isEmpty ? L.t("无人", "nobody") : t.onCallToday.joined(separator: L.t("、", ", ")))),
                       t.active ? .empty : .span(.class("badge prev"), .text(L.t("已停用", "Inactive"))))
                })]),
            p.resources.isEmpty ? .empty : .group([.h3(.text(L.t("应急资源说明", "Resources (notes)"))), .p(.class("pre"), .text(p.resources)),
                                                   .p(.class("small no-print"), .a(.href("#resources"), .text(L.t("地图上的应急资源见下方", "The resources on the map are below"))))]),
            p.contacts.isEmpty ? .empty : .group([.h3(.text(L.t("联络方式", "Contacts"))), .p(.class("pre"), .text(p.contacts))]))
        let versions: Node = (p.versions ?? []).count < 2 ? .empty : .div(.class("card"), .h2(.text(L.t("版本", "Versions"))),
            .group((p.versions ?? []).map { v in
                .p(v.id == p.id ? .strong(.text("v\(v.version)")) : .a(.href("/governance/plans/\(v.id)"), .text("v\(v.version)")), .text(" "), statusBadge(L, v.status),
                    .text(v.approvedOn.map { L.t("　\($0) 批准", "  approved \($0)") } ?? ""))
            }))
        let drillForm: Node = !(canRecord && p.status != .superseded) ? .empty : .form(.method("post"), .action("/governance/plans/\(p.id)/drills"), .class("card no-print"),
            Layout.csrfField(req), .h3(.text(L.t("登记演练", "Record a drill"))),
            .div(.class("form"),
                Form.field(L.t("演练日期", "Day"), "heldOn", errors, Form.input("heldOn", drillInput.heldOn ?? req.today, type: "date", required: true)),
                Form.field(L.t("参演人数", "People"), "people", errors, Form.input("people", drillInput.people, type: "number", extra: .attr("min", "0"))),
                Form.field(L.t("演练情景", "Scenario"), "scenario", errors, wide: true, Form.input("scenario", drillInput.scenario, required: true, extra: .attr("maxlength", "1000"))),
                Form.field(L.t("参演单位和队伍", "Units and teams taking part"), "participants", errors, wide: true, Form.input("participants", drillInput.participants, extra: .attr("maxlength", "1000"))),
                Form.field(L.t("发现的问题", "What the drill showed"), "findings", errors, wide: true, Form.textarea("findings", drillInput.findings))),
            .p(.button(.type("submit"), .text(L.t("登记演练", "Record the drill")))))
        let drills: Node = .div(.class("card"), .h2(.text(L.t("演练记录", "Drills"))),
            (p.drills ?? []).isEmpty ? .p(.class("empty"), .text(L.t("还没有演练记录。演练后登记日期、情景、参演单位和发现的问题，问题逐条列为整改事项跟踪到完成。",
                                                                  "No drills yet. After a drill record its day, scenario, who took part and what it showed; each finding becomes a follow-up tracked to done.")))
                : .group((p.drills ?? []).map { d in
                    let open = actionInput?.drill == d.id ? actionInput!.input : EmergencyDrillActionInput()
                    return .div(.class("drill"),
                        .h3(.text(d.heldOn + " · " + d.scenario)),
                        .p(.class("muted small"), .text((d.version.map { "v\($0)" } ?? "") + (d.people > 0 ? L.t(" · \(d.people) 人参演", " · \(d.people) people") : "") + (d.participants.isEmpty ? "" : " · " + d.participants))),
                        d.findings.isEmpty ? .empty : .p(.class("pre"), .text(d.findings)),
                        d.actions.isEmpty ? .empty : .div(.class("scroll"), .table(.class("data"),
                            .thead(.tr(.th(.text(L.t("整改事项", "Follow-up"))), .th(.text(L.t("责任", "Owner"))), .th(.text(L.t("期限", "Due"))), .th(.text(L.t("状态", "State"))))),
                            .element("tbody", d.actions.map { a in
                                .tr(.td(.text(a.text), a.doneNote.isEmpty ? .empty : .div(.class("small muted"), .text(L.t("完成情况：", "Done: ") + a.doneNote))),
                                    .td(.text(a.owner)), .td(.text(a.dueOn)),
                                    .td(MeetingViews.stateBadge(L, a.state), .text(a.doneOn.map { " " + $0 } ?? ""),
                                        (canRecord && a.doneOn == nil) ? .form(.method("post"), .action("/governance/drill-actions/\(a.id)/done"), .class("inline no-print"), Layout.csrfField(req),
                                            .input(.type("text"), .name("note"), .placeholder(L.t("整改情况", "What was done")), .required(), .attr("aria-label", L.t("整改情况", "What was done"))),
                                            .button(.type("submit"), .class("secondary"), .text(L.t("完成", "Done")))) : .empty))
                            }))),
                        canRecord ? .form(.method("post"), .action("/governance/drills/\(d.id)/actions"), .class("inline no-print"), Layout.csrfField(req),
                            actionInput?.drill == d.id ? Form.errorSummary(req, errors) : .empty,
                            .input(.type("text"), .name("text"), .value(open.text ?? ""), .placeholder(L.t("整改事项", "Follow-up")), .attr("aria-label", L.t("整改事项", "Follow-up")), .required()),
                            .input(.type("text"), .name("owner"), .value(open.owner ?? ""), .placeholder(L.t("责任单位或人", "Owner")), .attr("aria-label", L.t("责任单位或人", "Owner")), .required()),
                            .input(.type("date"), .name("dueOn"), .value(open.dueOn ?? ""), .attr("aria-label", L.t("完成期限", "Due")), .required()),
                            .button(.type("submit"), .class("secondary"), .text(L.t("列入整改", "Add follow-up")))) : .empty)
                }))
        return .page(req, title: p.name, status: errors.isEmpty ? .ok : .unprocessableEntity,
            .div(.class("breadcrumb no-print"), .a(.href("/governance/plans"), .text(L.t("应急预案", "Emergency plans"))), " › ", .text(p.name)),
            .div(.class("toolbar"), .h1(.text(p.name + " ")), dueBadges(L, p.due),
                 .button(.type("button"), .class("btn secondary no-print"), .attr("data-print", "1"), .text(L.t("打印", "Print")))),
            manage, superseded(L, p),
            .div(.class("grid2"), .div(info, versions), .div(responses, drillForm, drills)), resources)
    }
}

extension EmergencyPlanViews {
    /// On an approved plan's page: start it for a real event, and its past and running responses.
    static func activations(_ req: Request, _ p: EmergencyPlanDTO, _ rows: [EmergencyActivation], canManage: Bool, errors: FieldErrors, input: EmergencyActivationInput) -> Node {
        let L = req.lang, cal = req.localCalendar
        let canStart = canManage && p.status == .approved
        let form: Node = !canStart ? .empty : .form(.method("post"), .action("/governance/plans/\(p.id)/activate"), .class("no-print"),
            Layout.csrfField(req),
            .div(.class("form"),
                Form.field(L.t("发生了什么", "What happened"), "event", errors, wide: true, Form.input("event", input.event, required: true, extra: .attr("maxlength", "500"))),
                Form.field(L.t("响应级别", "Response level"), "level", errors, Form.select("level", EmergencyLevel.allCases.map { ($0.rawValue, L.t($0.nameZh, $0.nameEn)) }, selected: input.level ?? p.level.rawValue, required: true))),
            .p(.button(.type("submit"), .class("danger"), .text(L.t("启动预案", "Start the plan"))),
               .span(.class("small muted"), .text(L.t("　处置步骤生成清单，并通知责任单位和区指挥中心", "  the steps become a checklist; the units and the district command are told")))))
        guard !rows.isEmpty || canStart else { return .empty }
        return .div(.class("card"), .h2(.text(L.t("启动与处置", "Responses"))), form,
            rows.isEmpty ? .empty : .group(rows.map { a in
                .p(.a(.href("/governance/activations/\(a.id!)"), .text(cal.formatDateTime(a.startedAt) + " · " + a.event)), .text(" "),
                   a.endedAt == nil ? .span(.class("badge received"), .text(L.t("处置中", "Running"))) : .span(.class("badge closed"), .text(L.t("已结束", "Ended"))))
            }))
    }

    static func activation(_ req: Request, _ a: EmergencyActivationDTO, canRecord: Bool, canManage: Bool, errors: FieldErrors, input: EmergencyActivationInput,
                           resources: Node = .empty) -> Response {
        let L = req.lang, cal = req.localCalendar
        func outcome(_ s: EmergencyActivationStepDTO) -> Node {
            switch s.outcome {
            case .done: return .span(.class("badge closed"), .text(L.t("已完成", "Done")))
            case .skipped: return .span(.class("badge prev"), .text(L.t("已跳过", "Skipped")))
            case .open: return .span(.class("badge " + (a.running ? "dispatched" : "received")), .text(a.running ? L.t("待办", "To do") : L.t("未完成", "Not done")))
            }
        }
        /// The step's time limit, and 超时 when it was done after it or is open past it.
        func clock(_ s: EmergencyActivationStepDTO) -> Node {
            guard let limit = s.limitMinutes else { return .empty }
            let late: Node = s.late ? .group([.text(" "), .span(.class("badge received"), .text(L.t("超时", "Late")))]) : .empty
            return .group([.span(.class("muted"), .text(L.t(" · 时限\(limit)分钟", " · limit \(limit) min"))), late])
        }
        let rows: [Node] = a.steps.map { s in
            .tr(.td(.text("\(s.seq)")),
                .td(.div(.text(s.text)), s.note.isEmpty ? .empty : .div(.class("small muted"), .text(s.note)),
                    .div(.class("small"), outcome(s), .text(s.at.map { " " + cal.formatDateTime($0) } ?? ""),
                         .text(s.minutesAfterStart.map { L.t("（启动后\($0)分钟）", " (+\($0) min)") } ?? ""), .text(s.by.map { " · " + $0 } ?? ""), clock(s)),
                    (a.running && canRecord && s.outcome == .open)
                    ? .form(.method("post"), .action("/governance/activations/\(a.id)/step"), .class("inline no-print"), Layout.csrfField(req),
                            .input(.type("hidden"), .name("seq"), .value("\(s.seq)")),
                            .input(.type("text"), .name("note"), .value(input.seq == "\(s.seq)" ? (input.note ?? "") : ""), .placeholder(L.t("情况（跳过须写原因）", "Note (why, if skipped)")),
                                   .attr("aria-label", L.t("情况", "Note"))),
                            .button(.type("submit"), .name("outcome"), .value("done"), .text(L.t("完成", "Done"))),
                            .button(.type("submit"), .name("outcome"), .value("skipped"), .class("secondary"), .text(L.t("跳过", "Skip"))),
                            input.seq == "\(s.seq)" ? (errors["note"] ?? errors["outcome"]).map { .span(.class("field-error"), .attr("role", "alert"), .text($0)) } ?? .empty : .empty)
                    : .empty))
        }
        let end: Node = !(a.running && canManage) ? .empty : .form(.method("post"), .action("/governance/activations/\(a.id)/end"), .class("card no-print"), Layout.csrfField(req),
            .h2(.text(L.t("结束响应", "End the response"))),
            .div(.class("form"), Form.field(L.t("处置总结和经验教训", "What was learnt"), "lessons", errors, wide: true, Form.textarea("lessons", input.lessons))),
            .p(.button(.type("submit"), .text(L.t("结束响应并生成评估", "End and write the report")))))
        return .page(req, title: a.plan + " · " + a.event, status: errors.isEmpty ? .ok : .unprocessableEntity,
            .div(.class("breadcrumb no-print"), .a(.href("/governance/plans"), .text(L.t("应急预案", "Emergency plans"))), " › ",
                 .a(.href("/governance/plans/\(a.planID)"), .text(a.plan)), " › ", .text(L.t("启动记录", "Response"))),
            .div(.class("toolbar"), .h1(.text(a.running ? L.t("处置清单", "Checklist") : L.t("处置评估报告", "After-action report"))),
                 .button(.type("button"), .class("btn secondary no-print"), .attr("data-print", "1"), .text(L.t("打印", "Print")))),
            .div(.class("card"),
                .dl(.class("kv"),
                    .dt(.text(L.t("预案", "Plan"))), .dd(.text(a.plan)),
                    .dt(.text(L.t("事件", "Event"))), .dd(.text(a.event)),
                    .dt(.text(L.t("响应级别", "Level"))), .dd(.text(L.t(a.level.nameZh, a.level.nameEn))),
                    .dt(.text(L.t("启动", "Started"))), .dd(.text(cal.formatDateTime(a.startedAt) + (a.startedBy.map { " · " + $0 } ?? ""))),
                    .dt(.text(L.t("结束", "Ended"))), .dd(a.endedAt.map { .text(cal.formatDateTime($0)) } ?? .span(.class("badge received"), .text(L.t("处置中", "Running")))),
                    a.sms.map { sms in
                        let text = L.t("无账号队员 \(sms.progress.recipients) 人，已确认 \(sms.progress.read.part) 人", "\(sms.progress.recipients) members without accounts, \(sms.progress.read.part) confirmed")
                        return .group([.dt(.text(L.t("短信通知", "SMS notice"))),
                                       .dd((req.auth.get(User.self)?.role.can(.sendMessages) ?? false) ? .a(.href("/messages/\(sms.messageID)"), .text(text)) : .text(text))])
                    } ?? .empty),
                .p(.strong(.text(a.summary))),
                a.lessons.isEmpty ? .empty : .group([.h3(.text(L.t("总结和经验教训", "What was learnt"))), .p(.class("pre"), .text(a.lessons))])),
            Form.errorSummary(req, errors),
            .div(.class("scroll"), .table(.class("data"),
                .thead(.tr(.th(.text("#")), .th(.text(L.t("处置步骤与情况", "Step and state"))))),
                .element("tbody", rows))),
            resources, end)
    }
}
