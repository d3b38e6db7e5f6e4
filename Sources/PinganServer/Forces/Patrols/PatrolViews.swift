import Vapor
import PinganKit

enum PatrolViews {
    static func teamSelect(_ L: Lang, _ teams: [TeamDTO], selected: String?, name: String = "teamID") -> Node {
        Form.select(name, teams.map { ("\($0.id)", "\($0.name)（\($0.communityName ?? "")）") }, selected: selected, blank: L.t("请选择", "Choose"))
    }

    static func filters(_ req: Request, action: String, teams: [TeamDTO], filter: PatrolFilter) -> Node {
        let L = req.lang
        return .form(.method("get"), .action(action), .class("filters no-print"),
            .label(.text(L.t("队伍", "Team")), Form.select("team", teams.map { ("\($0.id)", $0.name) }, selected: filter.team.map { "\($0)" }, blank: L.t("全部", "All"))),
            .label(.text(L.t("自", "From")), Form.input("from", filter.from?.description, type: "date")),
            .label(.text(L.t("至", "To")), Form.input("to", filter.to?.description, type: "date")),
            .button(.type("submit"), .text(L.t("查询", "Search"))), .a(.href(action), .text(L.t("清除", "Clear"))))
    }

    /// The plans as a shift roster (排班表): one row per planned patrol, by day and start time.
    static func plans(_ req: Request, rows: [PlanDTO], teams: [TeamDTO], filter: PatrolFilter, errors: FieldErrors, canEdit: Bool) -> Response {
        let L = req.lang
        let title = L.t("巡逻计划与排班", "Patrol plans and roster")
        let today = WorkLogService.today(req).description
        let q = req.url.query.map { "?" + $0 } ?? ""
        let body: Node = rows.isEmpty ? TeamViews.empty(L.t("这段时间没有巡逻计划。", "No patrol plans in this period."))
            : .table(.class("data"), .thead(.tr(.th(.text(L.t("日期", "Day"))), .th(.text(L.t("时段", "Time"))), .th(.text(L.t("队伍", "Team"))),
                                                .th(.text(L.t("方式", "Mode"))), .th(.text(L.t("网格", "Grids"))), .th(.text(L.t("排班人员", "On the roster"))), .th(.text(L.t("执行", "Done"))))),
                     .element("tbody", rows.map { p in
                         .tr(.td(.class("nowrap"), .a(.href("/forces/patrols/\(p.id)"), .text(p.day))), .td(.class("nowrap"), .text("\(p.start)–\(p.end)")),
                             .td(.text(p.teamName)), .td(.text(p.modeName)), .td(.text(p.grids.map(\.name).joined(separator: "、"))),
                             .td(.text(p.members.isEmpty ? "—" : p.members.map(\.name).joined(separator: "、"))),
                             .td(p.cancelledAt != nil ? .span(.class("badge"), .attr("title", p.cancelReason ?? ""), .text(L.t("已取消", "Cancelled")))
                                 : p.done ? .span(.class("badge closed"), .text(L.t("已执行", "Done")))
                                 : p.day >= today ? .span(.class("badge"), .text(L.t("待执行", "Scheduled"))) : .span(.class("badge received"), .text(L.t("未执行", "Missed")))))
                     }))
        return TeamViews.page(req, title: title, active: "/forces/patrols", status: errors.isEmpty ? .ok : .unprocessableEntity,
            .div(.class("toolbar"), .h1(.text(title)),
                 canEdit ? .a(.class("btn"), .href("/forces/patrols/new"), .text(L.t("制定计划", "New plan"))) : .empty,
                 .a(.class("btn secondary"), .href("/forces/patrols/export.csv" + q), .text(L.t("导出 CSV", "Export CSV"))),
                 .button(.type("button"), .class("btn secondary no-print"), .attr("data-print", "1"), .text(L.t("打印排班表", "Print roster")))),
            StaffingViews.alert(req, errors), filters(req, action: "/forces/patrols", teams: teams, filter: filter), body)
    }

    static func gridChecks(_ req: Request, _ grids: [(id: Int, name: String)], selected: Set<String>, name: String, _ errors: FieldErrors, label: String) -> Node {
        Form.field(label, name, errors, wide: true,
            grids.isEmpty ? .span(.class("muted"), .text(req.t("该社区还没有划分网格", "This community has no grids yet")))
                : .div(.class("checks"), .forEach(grids) { g in
                    .label(.class("inline"), .input(.type("checkbox"), .name(name + "[]"), .value("\(g.id)"), .checked(selected.contains("\(g.id)"))), .text(" \(g.name)  "))
                }))
    }

    static func planForm(_ req: Request, input: PlanInput, teams: [TeamDTO], team: Team?, grids: [(id: Int, name: String)], members: [MemberDTO], errors: FieldErrors) -> Response {
        let L = req.lang
        let title = L.t("制定巡逻计划", "New patrol plan")
        let chooser: Node = .form(.method("get"), .action("/forces/patrols/new"), .class("filters no-print"),
            .label(.text(L.t("队伍", "Team")), teamSelect(L, teams, selected: team.map { "\($0.id!)" })),
            .button(.type("submit"), .text(L.t("选择队伍", "Choose team"))))
        let form: Node = team.map { t in
            Node.form(.method("post"), .action("/forces/patrols"), .class("card"), Layout.csrfField(req), .input(.type("hidden"), .name("teamID"), .value("\(t.id!)")),
                Form.errorSummary(req, errors),
                .div(.class("form"),
                    Form.field(L.t("队伍", "Team"), "teamID", errors, .p(.strong(.text(t.name)))),
                    Form.field(L.t("日期", "Day"), "day", errors, Form.input("day", input.day, type: "date", required: true)),
                    Form.field(L.t("开始", "Start"), "start", errors, Form.input("start", input.start, type: "time", required: true)),
                    Form.field(L.t("结束", "End"), "end", errors, hint: L.t("早于开始时间表示次日结束", "Earlier than the start: ends the next day"), Form.input("end", input.end, type: "time", required: true)),
                    Form.field(L.t("巡逻方式", "Mode"), "mode", errors, Form.select("mode", PatrolMode.allCases.map { ($0.rawValue, Check.modeName($0, L)) }, selected: input.mode ?? "foot")),
                    gridChecks(req, grids, selected: Set(input.grids ?? []), name: "grids", errors, label: L.t("巡逻网格", "Grids to cover")),
                    Form.field(L.t("排班人员", "On the roster"), "members", errors, wide: true,
                        members.isEmpty ? .span(.class("muted"), .text(L.t("本队没有在岗队员", "No active members in this team")))
                            : .div(.class("checks"), .forEach(members) { m in
                                .label(.class("inline"), .input(.type("checkbox"), .name("members[]"), .value("\(m.id)"), .checked((input.members ?? []).contains("\(m.id)"))), .text(" \(m.name)  "))
                            })),
                    Form.field(L.t("备注（重点部位、时段）", "Note (key places, times)"), "note", errors, wide: true, Form.input("note", input.note))),
                .p(.button(.type("submit"), .text(L.t("保存", "Save"))), " ", .a(.href("/forces/patrols"), .text(L.t("取消", "Cancel")))))
        } ?? (errors["teamID"].map { Node.div(.class("alert error"), .text($0)) } ?? .p(.class("muted"), .text(L.t("先选择队伍，再填写时段、网格和排班。", "Choose the team first, then the time, grids and roster."))))
        return TeamViews.page(req, title: title, active: "/forces/patrols", status: errors.isEmpty ? .ok : .unprocessableEntity,
            .div(.class("breadcrumb"), .a(.href("/forces/patrols"), .text(L.t("巡逻计划", "Patrol plans"))), " › ", .text(title)),
            .h1(.text(title)), chooser, form)
    }

    static func plan(_ req: Request, _ p: PlanDTO, logs: [LogDTO], canEdit: Bool, cancelReason: String? = nil, errors: FieldErrors = FieldErrors()) -> Response {
        let L = req.lang
        let title = L.t("巡逻计划", "Patrol plan") + " · \(p.day) \(p.start)–\(p.end)"
        return TeamViews.page(req, title: title, active: "/forces/patrols",
            .div(.class("breadcrumb no-print"), .a(.href("/forces/patrols"), .text(L.t("巡逻计划", "Patrol plans"))), " › ", .text("\(p.id)")),
            .div(.class("toolbar"), .h1(.text(title)),
                 canEdit && p.cancelledAt == nil ? .a(.class("btn"), .href("/forces/patrols/logs/new?planID=\(p.id)"), .text(L.t("登记巡逻记录", "Record the patrol"))) : .empty,
                 .button(.type("button"), .class("btn secondary no-print"), .attr("data-print", "1"), .text(L.t("打印", "Print")))),
            .div(.class("card"), .element("dl", [.class("kv"),
                .dt(.text(L.t("队伍", "Team"))), .dd(.a(.href("/forces/teams/\(p.teamID)"), .text(p.teamName))),
                .dt(.text(L.t("社区/村", "Community"))), .dd(.text(p.communityName ?? "")),
                .dt(.text(L.t("时段", "Time"))), .dd(.text("\(p.day) \(p.start)–\(p.end)（\(p.minutes) " + L.t("分钟）", "min)"))),
                .dt(.text(L.t("巡逻方式", "Mode"))), .dd(.text(p.modeName)),
                .dt(.text(L.t("网格", "Grids"))), .dd(.text(p.grids.map(\.name).joined(separator: "、"))),
                .dt(.text(L.t("排班人员", "On the roster"))), .dd(.text(p.members.isEmpty ? "—" : p.members.map(\.name).joined(separator: "、"))),
                .dt(.text(L.t("备注", "Note"))), .dd(.text(p.note.isEmpty ? "—" : p.note)),
                p.cancelledAt.map { at in .group([.dt(.text(L.t("取消", "Cancelled on"))),
                    .dd(.span(.class("badge"), .text(L.t("已取消", "Cancelled"))), .text(" " + LocalCalendar(timeZoneIdentifier: req.config.timeZone).formatDateTime(at) + " · " + (p.cancelReason ?? "")))]) } ?? .empty])),
            canEdit && p.cancelledAt == nil && p.logIDs.isEmpty
                ? .form(.method("post"), .action("/forces/patrols/\(p.id)/cancel"), .class("card no-print"), Layout.csrfField(req), Form.errorSummary(req, errors),
                        .div(.class("form"), Form.field(L.t("取消此计划（原因）", "Cancel this plan (reason)"), "reason", errors, wide: true,
                                                        hint: L.t("取消后不计入计划完成率。", "A cancelled plan no longer counts as planned."), Form.input("reason", cancelReason, required: true))),
                        .p(.button(.type("submit"), .class("secondary"), .text(L.t("取消计划", "Cancel the plan")))))
                : .empty,
            .h2(.text(L.t("巡逻记录", "Patrol logs"))),
            logs.isEmpty ? TeamViews.empty(L.t("尚未登记执行情况。", "Not recorded as carried out yet.")) : logTable(req, logs))
    }

    static func logTable(_ req: Request, _ rows: [LogDTO]) -> Node {
        let L = req.lang
        return .table(.class("data"), .thead(.tr(.th(.text(L.t("日期", "Day"))), .th(.text(L.t("时段", "Time"))), .th(.text(L.t("队伍", "Team"))), .th(.text(L.t("方式", "Mode"))),
                                                 .th(.text(L.t("网格", "Grids"))), .th(.class("num"), .text(L.t("打卡", "Check-ins"))), .th(.class("num"), .text(L.t("发现问题", "Findings"))),
                                                 .th(.text(L.t("计划", "Plan"))))),
                      .element("tbody", rows.map { l in
                          .tr(.td(.class("nowrap"), .a(.href("/forces/patrols/logs/\(l.id)"), .text(l.day))), .td(.class("nowrap"), .text("\(l.start)–\(l.end)")),
                              .td(.text(l.teamName)), .td(.text(l.modeName)), .td(.text(l.grids.map(\.name).joined(separator: "、"))),
                              .td(.class("num"), .text("\(l.checkIns.count)")), .td(.class("num"), .text("\(l.findings.count)")),
                              .td(l.planID.map { Node.a(.href("/forces/patrols/\($0)"), .text("#\($0)")) } ?? .span(.class("muted"), .text(L.t("计划外", "Unplanned")))))
                      }))
    }

    static func logs(_ req: Request, rows: [LogDTO], info: PageInfo, teams: [TeamDTO], filter: PatrolFilter, errors: FieldErrors, canEdit: Bool) -> Response {
        let L = req.lang
        let title = L.t("巡逻记录", "Patrol logs")
        let q = req.url.query.map { "?" + $0 } ?? ""
        return TeamViews.page(req, title: title, active: "/forces/patrols/logs", status: errors.isEmpty ? .ok : .unprocessableEntity,
            .div(.class("toolbar"), .h1(.text(title)),
                 canEdit ? .a(.class("btn"), .href("/forces/patrols/logs/new"), .text(L.t("登记巡逻记录", "Record a patrol"))) : .empty,
                 .a(.class("btn secondary"), .href("/forces/patrols/logs/export.csv" + q), .text(L.t("导出 CSV", "Export CSV")))),
            StaffingViews.alert(req, errors), filters(req, action: "/forces/patrols/logs", teams: teams, filter: filter),
            rows.isEmpty ? TeamViews.empty(L.t("没有符合条件的巡逻记录。", "No patrol logs match these filters.")) : logTable(req, rows), Pager.view(req, info))
    }

    static func logForm(_ req: Request, input: LogInput, teams: [TeamDTO], team: Team?, plan: PlanDTO?, grids: [(id: Int, name: String)], errors: FieldErrors) -> Response {
        let L = req.lang
        let title = L.t("登记巡逻记录", "Record a patrol")
        let chooser: Node = plan == nil ? .form(.method("get"), .action("/forces/patrols/logs/new"), .class("filters no-print"),
            .label(.text(L.t("队伍", "Team")), teamSelect(L, teams, selected: team.map { "\($0.id!)" })),
            .button(.type("submit"), .text(L.t("选择队伍", "Choose team")))) : .empty
        let form: Node = team.map { t in
            Node.form(.method("post"), .action("/forces/patrols/logs"), .class("card"), Layout.csrfField(req), .input(.type("hidden"), .name("teamID"), .value("\(t.id!)")),
                plan.map { Node.input(.type("hidden"), .name("planID"), .value("\($0.id)")) } ?? .empty,
                Form.errorSummary(req, errors),
                .div(.class("form"),
                    Form.field(L.t("队伍", "Team"), "teamID", errors, .p(.strong(.text(t.name)))),
                    Form.field(L.t("计划", "Plan"), "planID", errors, .p(.text(plan.map { "#\($0.id) \($0.day) \($0.start)–\($0.end)" } ?? L.t("计划外巡逻", "Unplanned patrol")))),
                    Form.field(L.t("日期", "Day"), "day", errors, Form.input("day", input.day, type: "date", required: true)),
                    Form.field(L.t("开始", "Start"), "start", errors, Form.input("start", input.start, type: "time", required: true)),
                    Form.field(L.t("结束", "End"), "end", errors, Form.input("end", input.end, type: "time", required: true)),
                    Form.field(L.t("巡逻方式", "Mode"), "mode", errors, Form.select("mode", PatrolMode.allCases.map { ($0.rawValue, Check.modeName($0, L)) }, selected: input.mode ?? "foot")),
                    gridChecks(req, grids, selected: Set(input.grids ?? []), name: "grids", errors, label: L.t("巡逻经过的网格", "Grids patrolled")),
                    Form.field(L.t("巡逻情况", "Summary"), "summary", errors, wide: true, Form.textarea("summary", input.summary))),
                .p(.button(.type("submit"), .text(L.t("保存", "Save"))), " ", .a(.href("/forces/patrols/logs"), .text(L.t("取消", "Cancel")))))
        } ?? (errors.isEmpty ? .p(.class("muted"), .text(L.t("先选择队伍；按计划执行的巡逻请从计划页面登记。", "Choose the team first; for a planned patrol start from the plan.")))
                             : .div(.class("alert error"), .text(errors.fields.values.sorted().joined(separator: "；"))))
        return TeamViews.page(req, title: title, active: "/forces/patrols/logs", status: errors.isEmpty ? .ok : .unprocessableEntity,
            .div(.class("breadcrumb"), .a(.href("/forces/patrols/logs"), .text(L.t("巡逻记录", "Patrol logs"))), " › ", .text(title)),
            .h1(.text(title)), chooser, form)
    }

    /// A finding being taken up as a grid event whose submission failed: its id, what was chosen, why.
    typealias TakeUp = (findingID: Int, input: GridEventTakeUpInput, errors: FieldErrors)

    static func log(_ req: Request, _ l: LogDTO, grids: [(id: Int, name: String)], subcategories: [(String, String)], checkInput: CheckInInput, findInput: FindingInput,
                    checkErrors: FieldErrors, findErrors: FieldErrors, canEdit: Bool, canOpenIncident: Bool,
                    eventCategories: [(group: String, items: [(String, String)])] = [], takeUp: TakeUp? = nil) -> Response {
        let L = req.lang
        let title = L.t("巡逻记录", "Patrol log") + " · \(l.day) \(l.teamName)"
        let gridOptions = grids.map { ("\($0.id)", $0.name) }
        let checks: Node = l.checkIns.isEmpty ? TeamViews.empty(L.t("没有打卡记录。", "No check-ins."))
            : .table(.class("data"), .thead(.tr(.th(.text(L.t("时间", "Time"))), .th(.text(L.t("网格", "Grid"))), .th(.text(L.t("地点", "Place"))))),
                     .element("tbody", l.checkIns.map { .tr(.td(.text($0.time)), .td(.text($0.gridName ?? "—")), .td(.text($0.place))) }))
        let finds: Node = l.findings.isEmpty ? TeamViews.empty(L.t("本次巡逻未发现问题。", "Nothing found on this patrol."))
            : .div(.class("scroll"), .table(.class("data"), .thead(.tr(.th(.text(L.t("网格", "Grid"))), .th(.text(L.t("发现问题", "Finding"))), .th(.text(L.t("警情", "Incident"))),
                                                    .th(.text(L.t("网格事件", "Grid event"))))),
                     .element("tbody", l.findings.map { f in
                         .tr(.td(.text(f.gridName ?? "—")), .td(.text(f.description)),
                             .td(f.incidentID.map { Node.a(.href("/incidents/\($0)"), .text(L.t("已转警情 #\($0)", "Incident #\($0)"))) } ?? .text("—")),
                             .td(f.eventID.map { Node.a(.href("/events/\($0)"), .text(L.t("已转网格事件", "Grid event") + " #\($0)")) }
                                 ?? (eventCategories.isEmpty ? .text("—") : GridEventViews.takeUpForm(req, action: "/forces/patrols/findings/\(f.id)/event", categories: eventCategories,
                                                                                                    failed: takeUp.flatMap { $0.findingID == f.id ? ($0.input, $0.errors) : nil }))))
                     })))
        let checkForm: Node = canEdit ? .form(.method("post"), .action("/forces/patrols/logs/\(l.id)/checkins"), .class("card no-print"), Layout.csrfField(req),
            .h3(.text(L.t("打卡", "Check in"))), Form.errorSummary(req, checkErrors),
            .div(.class("form"),
                Form.field(L.t("时间", "Time"), "time", checkErrors, Form.input("time", checkInput.time, type: "time", required: true)),
                Form.field(L.t("网格", "Grid"), "gridID", checkErrors, Form.select("gridID", gridOptions, selected: checkInput.gridID, blank: L.t("—", "—"))),
                Form.field(L.t("地点", "Place"), "place", checkErrors, Form.input("place", checkInput.place, required: true))),
            .p(.button(.type("submit"), .text(L.t("打卡", "Check in"))))) : .empty
        let findForm: Node = canEdit ? .form(.method("post"), .action("/forces/patrols/logs/\(l.id)/findings"), .class("card no-print"), Layout.csrfField(req),
            .h3(.text(L.t("登记发现问题", "Record a finding"))), Form.errorSummary(req, findErrors),
            .div(.class("form"),
                Form.field(L.t("网格", "Grid"), "gridID", findErrors, Form.select("gridID", gridOptions, selected: findInput.gridID, blank: L.t("—", "—"))),
                Form.field(L.t("情况", "What was found"), "description", findErrors, wide: true, Form.textarea("description", findInput.description)),
                canOpenIncident ? .group([
                    Form.field(L.t("同时登记为警情", "Open an incident too"), "openIncident", findErrors,
                               .input(.type("checkbox"), .name("openIncident"), .value("true"), .checked(findInput.wantsIncident))),
                    Form.field(L.t("警情类别", "Incident category"), "subcategory", findErrors, Form.select("subcategory", subcategories, selected: findInput.subcategory, blank: L.t("请选择", "Choose"))),
                    Form.field(L.t("发现时间", "Time found"), "time", findErrors, hint: L.t("留空按巡逻开始时间", "Empty: the patrol's start"), Form.input("time", findInput.time, type: "time"))])
                : .empty),
            .p(.button(.type("submit"), .text(L.t("保存", "Save"))))) : .empty
        return TeamViews.page(req, title: title, active: "/forces/patrols/logs", status: checkErrors.isEmpty && findErrors.isEmpty && (takeUp?.errors.isEmpty ?? true) ? .ok : .unprocessableEntity,
            .div(.class("breadcrumb no-print"), .a(.href("/forces/patrols/logs"), .text(L.t("巡逻记录", "Patrol logs"))), " › ", .text("\(l.id)")),
            .div(.class("toolbar"), .h1(.text(title)), .button(.type("button"), .class("btn secondary no-print"), .attr("data-print", "1"), .text(L.t("打印", "Print")))),
            .div(.class("card"), .element("dl", [.class("kv"),
                .dt(.text(L.t("队伍", "Team"))), .dd(.a(.href("/forces/teams/\(l.teamID)"), .text(l.teamName))),
                .dt(.text(L.t("计划", "Plan"))), .dd(l.planID.map { Node.a(.href("/forces/patrols/\($0)"), .text("#\($0)")) } ?? .text(L.t("计划外巡逻", "Unplanned"))),
                .dt(.text(L.t("时段", "Time"))), .dd(.text("\(l.day) \(l.start)–\(l.end)（\(l.minutes) " + L.t("分钟）", "min)"))),
                .dt(.text(L.t("巡逻方式", "Mode"))), .dd(.text(l.modeName)),
                .dt(.text(L.t("网格", "Grids"))), .dd(.text(l.grids.isEmpty ? "—" : l.grids.map(\.name).joined(separator: "、"))),
                .dt(.text(L.t("巡逻情况", "Summary"))), .dd(.text(l.summary.isEmpty ? "—" : l.summary)),
                .dt(.text(L.t("登记人", "Recorded by"))), .dd(.text(l.createdBy ?? ""))])),
            .h2(.text(L.t("打卡记录", "Check-ins"))), checks, checkForm,
            .h2(.text(L.t("发现问题", "Findings"))), finds, findForm)
    }

    static func review(_ req: Request, _ d: PatrolService.EvaluationDTO, teams: [TeamDTO], team: Int?, errors: FieldErrors) -> Response {
        let L = req.lang
        let weekly = d.by == "week"
        let title = (weekly ? L.t("巡逻防范每周点评", "Weekly patrol review") : L.t("巡逻防范每月考评", "Monthly patrol evaluation")) + " · " + d.period
        let q = req.url.query.map { "?" + $0 } ?? ""
        func row(_ name: Node, _ community: String, _ x: PatrolEvaluationRow) -> Node {
            .tr(.td(name), .td(.text(community)), .td(.class("num"), .text("\(x.planned)")), .td(.class("num"), .text("\(x.done)")),
                .td(.class("num"), x.planned > 0 && x.done < x.planned ? .strong(.text(x.completion.percent)) : .text(x.completion.percent)),
                .td(.class("num"), .text("\(x.unplanned)")), .td(.class("num"), .text(Decimals.format(x.hours, places: 1) + " / " + Decimals.format(x.plannedHours, places: 1))),
                .td(.class("num"), .text("\(x.gridsCovered)/\(x.gridsPlanned) (\(x.gridCoverage.percent))")), .td(.class("num"), .text("\(x.extraGrids)")),
                .td(.class("num"), .text("\(x.findings)")))
        }
        let table: Node = d.rows.isEmpty ? TeamViews.empty(L.t("这一期间没有巡逻计划或记录。", "No patrol plans or logs in this period."))
            : .table(.class("data"), .thead(.tr(.th(.text(L.t("队伍", "Team"))), .th(.text(L.t("社区/村", "Community"))), .th(.class("num"), .text(L.t("计划", "Planned"))),
                                                .th(.class("num"), .text(L.t("完成", "Done"))), .th(.class("num"), .text(L.t("完成率", "Completion"))),
                                                .th(.class("num"), .text(L.t("计划外", "Unplanned"))), .th(.class("num"), .text(L.t("时长(小时) 实际/计划", "Hours done / planned"))),
                                                .th(.class("num"), .text(L.t("网格覆盖", "Grids covered"))), .th(.class("num"), .text(L.t("计划外网格", "Extra grids"))),
                                                .th(.class("num"), .text(L.t("发现问题", "Findings"))))),
                     .element("tbody", d.rows.map { r in row(.a(.href("/forces/teams/\(r.row.teamID)"), .text(r.teamName)), r.communityName ?? "", r.row) }
                              + [row(.strong(.text(L.t("合计", "Total"))), "", d.total)]))
        return TeamViews.page(req, title: title, active: "/forces/patrols/review", status: errors.isEmpty ? .ok : .unprocessableEntity,
            .div(.class("toolbar"), .h1(.text(title)),
                 .a(.class("btn secondary"), .href("/forces/patrols/review.csv" + q), .text(L.t("导出 CSV", "Export CSV"))),
                 .button(.type("button"), .class("btn secondary no-print"), .attr("data-print", "1"), .text(L.t("打印", "Print")))),
            StaffingViews.alert(req, errors),
            .form(.method("get"), .action("/forces/patrols/review"), .class("filters no-print"),
                .label(.text(L.t("周期", "By")), Form.select("by", [("week", L.t("每周点评", "Weekly")), ("month", L.t("每月考评", "Monthly"))], selected: d.by)),
                .label(.text(L.t("期间", "Period")), Form.input("period", d.period, extra: .placeholder("2026-W10 / 2026-03"))),
                .label(.text(L.t("队伍", "Team")), Form.select("team", teams.map { ("\($0.id)", $0.name) }, selected: team.map { "\($0)" }, blank: L.t("全部", "All"))),
                .button(.type("submit"), .text(L.t("查询", "Search")))),
            .p(.class("muted"), .text(L.t("期间 \(d.from) 至 \(d.to)。计划按计划日期计入；时长与发现问题按巡逻日期计入；网格覆盖 = 计划网格中有巡逻记录（含打卡）经过的。",
                                          "From \(d.from) to \(d.to). Plans count in the period of their day; hours and findings in the period of the patrol; grids covered = planned grids a patrol (or check-in) passed."))),
            table)
    }
}
