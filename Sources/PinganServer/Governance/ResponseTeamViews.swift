import Vapor
import PinganKit

/// Pages of the response teams (应急处突队伍): the register, a team with its members, skills and on-call roster, the form.
enum ResponseTeamViews {
    static func typeNames(_ L: Lang, _ types: [EmergencyType]) -> String {
        types.isEmpty ? L.t("综合", "General") : types.map { L.t($0.nameZh, $0.nameEn) }.joined(separator: L.t("、", ", "))
    }
    static func skillNames(_ L: Lang, _ skills: [ResponseSkill]) -> String {
        skills.map { L.t($0.nameZh, $0.nameEn) }.joined(separator: L.t("、", ", "))
    }

    /// "12-08至12-10、12-14" — the days of the next two weeks with nobody on call.
    static func gapText(_ L: Lang, _ days: [String]) -> String {
        ResponseTeamRules.ranges(days.compactMap(LocalDay.init)).map { r in
            let a = String(r.lowerBound.description.dropFirst(5)), b = String(r.upperBound.description.dropFirst(5))
            return r.lowerBound == r.upperBound ? a : a + L.t("至", "–") + b
        }.joined(separator: L.t("、", ", "))
    }

    static func readiness(_ L: Lang, _ t: ResponseTeamDTO) -> Node {
        var badges: [Node] = []
        if t.leader == nil { badges.append(.span(.class("badge received"), .text(L.t("无队长", "No leader")))) }
        if !t.uncoveredDays.isEmpty { badges.append(.span(.class("badge received"), .text(L.t("值班空档\(t.uncoveredDays.count)天", "\(t.uncoveredDays.count) days uncovered")))) }
        if !t.missingSkills.isEmpty { badges.append(.span(.class("badge dispatched"), .text(L.t("缺技能", "Skills missing")))) }
        if !t.active { badges.append(.span(.class("badge prev"), .text(L.t("已停用", "Inactive")))) }
        return badges.isEmpty ? .span(.class("badge closed"), .text(L.t("就绪", "Ready"))) : .group(badges)
    }

    static func list(_ req: Request, rows: [ResponseTeamDTO], info: PageInfo, filter f: ResponseTeamFilter, canCreate: Bool, errors: FieldErrors) -> Response {
        let L = req.lang
        let filters: Node = .form(.method("get"), .action("/governance/teams"), .class("filters no-print"),
            .label(.text(L.t("事件类型", "Emergency")), Form.select("type", EmergencyType.allCases.map { ($0.rawValue, L.t($0.nameZh, $0.nameEn)) }, selected: f.type?.rawValue, blank: L.t("全部", "All"))),
            .label(.text(L.t("关键词", "Text")), Form.input("q", f.q)),
            .label(.class("check"), .input(.type("checkbox"), .name("all"), .value("1"), .checked(f.includeInactive)), .text(L.t("含已停用", "Include inactive"))),
            .button(.type("submit"), .text(L.t("筛选", "Filter"))))
        let csv = "/governance/teams/export.csv" + (f.queryString.isEmpty ? "" : "?" + f.queryString)
        let table: Node = rows.isEmpty
            ? .div(.class("empty"), .text(f.queryString.isEmpty
                ? L.t("还没有应急处突队伍。登记队伍（如防汛抢险队、治安处突队），从工作人员和在岗队员中编入队员并标明技能，再排好值班，预案启动时即可按队伍调度。",
                      "No response teams yet. Register a team (flood rescue, public-order response …), add members from staff and active team members with their skills, plan who is on call; a plan that is started can then call on it.")
                : L.t("没有符合条件的队伍。", "No team matches.")))
            : .div(.class("scroll"), .table(.class("data"),
                .thead(.tr(.th(.text(L.t("队伍", "Team"))), .th(.text(L.t("区域", "Area"))), .th(.text(L.t("事件类型", "Emergency"))), .th(.class("num"), .text(L.t("人数", "Members"))),
                           .th(.text(L.t("队长", "Leader"))), .th(.text(L.t("今日值班", "On call today"))), .th(.text(L.t("值班电话", "Duty line"))), .th(.text(L.t("状况", "Readiness"))))),
                .element("tbody", rows.map { t in
                    .tr(.td(.a(.href("/governance/teams/\(t.id)"), .text(t.name))), .td(.text(t.area ?? "")), .td(.text(typeNames(L, t.types))),
                        .td(.class("num"), .text("\(t.memberCount)")), .td(.text(t.leader ?? "—")),
                        .td(.text(t.onCallToday.isEmpty ? L.t("无人", "Nobody") : t.onCallToday.joined(separator: L.t("、", ", ")))),
                        .td(.text(t.dutyPhone)), .td(readiness(L, t)))
                })))
        return .page(req, title: L.t("应急处突队伍", "Response teams"), status: errors.isEmpty ? .ok : .unprocessableEntity,
            GovernanceViews.header(req, active: "/governance/teams"),
            .div(.class("toolbar"), .h2(.text(L.t("应急处突队伍", "Response teams"))),
                 canCreate ? .a(.class("btn"), .href("/governance/teams/new"), .text(L.t("登记队伍", "Register a team"))) : .empty,
                 .a(.class("btn secondary"), .href(csv), .text(L.t("导出CSV", "Export CSV"))),
                 .button(.type("button"), .class("btn secondary no-print"), .attr("data-print", "1"), .text(L.t("打印", "Print")))),
            Form.errorSummary(req, errors), filters, table, info.total > info.per ? Pager.view(req, info) : .empty)
    }

    /// One line per member: the register as a district's emergency office files it.
    static func csv(_ req: Request, rows: [ResponseTeamDTO]) -> Response {
        let L = req.lang
        var w = CSVWriter(header: [L.t("队伍", "Team"), L.t("区域", "Area"), L.t("事件类型", "Emergency"), L.t("值班电话", "Duty line"), L.t("队员", "Member"),
                                   L.t("来源", "From"), L.t("队内职务", "Role"), L.t("技能", "Skills"), L.t("今日值班", "On call today"), L.t("缺少技能", "Skills missing")])
        for t in rows {
            let missing = skillNames(L, t.missingSkills)
            let members = t.members ?? []
            if members.isEmpty { w.append([t.name, t.area ?? "", typeNames(L, t.types), t.dutyPhone, "", "", "", "", "", missing]); continue }
            for m in members {
                w.append([t.name, t.area ?? "", typeNames(L, t.types), t.dutyPhone, m.name, m.detail, L.t(m.role.nameZh, m.role.nameEn), skillNames(L, m.skills),
                          m.onCallToday ? L.t("是", "yes") : "", missing])
            }
        }
        return CSVResponse.make(filename: "response-teams.csv", writer: w)
    }

    static func typeBoxes(_ L: Lang, _ selected: [String]) -> Node {
        .div(.class("checks"), .group(EmergencyType.allCases.map { t in
            .label(.class("check"), .input(.type("checkbox"), .name("types[]"), .value(t.rawValue), .checked(selected.contains(t.rawValue))), .text(L.t(t.nameZh, t.nameEn)))
        }))
    }

    static func form(_ req: Request, input i: ResponseTeamInput, areas: [Division], errors: FieldErrors, editing: ResponseTeam?) -> Response {
        let L = req.lang
        let action = editing.map { "/governance/teams/\($0.id!)/edit" } ?? "/governance/teams"
        let title = editing.map { L.t("修改队伍：\($0.name)", "Edit team: \($0.name)") } ?? L.t("登记应急处突队伍", "Register a response team")
        return .page(req, title: title, status: errors.isEmpty ? .ok : .unprocessableEntity,
            .div(.class("breadcrumb no-print"), .a(.href("/governance/teams"), .text(L.t("应急处突队伍", "Response teams"))), " › ",
                 editing.map { .group([.a(.href("/governance/teams/\($0.id!)"), .text($0.name)), " › ", .text(L.t("修改", "Edit"))]) } ?? .text(L.t("登记", "Register"))),
            .form(.method("post"), .action(action), .class("card"), Layout.csrfField(req),
                .h2(.text(title)), Form.errorSummary(req, errors),
                .div(.class("form"),
                    Form.field(L.t("队伍名称", "Name"), "name", errors, wide: true, hint: L.t("如：石碧街防汛抢险队", "e.g. the street's flood rescue team"),
                               Form.input("name", i.name, required: true, extra: .attr("maxlength", "60"))),
                    editing == nil
                        ? Form.field(L.t("所属区域", "Area"), "areaID", errors, Form.select("areaID", areas.map { ("\($0.id!)", $0.name) }, selected: i.areaID, required: true))
                        : .empty,
                    Form.field(L.t("值班电话", "Duty line"), "dutyPhone", errors, hint: L.t("队伍的工作电话，不填个人手机", "The team's work number, not a personal mobile"),
                               Form.input("dutyPhone", i.dutyPhone, type: "tel", required: true, extra: .attr("maxlength", "40"))),
                    Form.field(L.t("应对的事件类型（不选为综合队伍）", "Emergencies it answers (none: a general team)"), "types", errors, wide: true, typeBoxes(L, i.types ?? [])),
                    Form.field(L.t("装备物资", "Equipment"), "equipment", errors, wide: true, Form.textarea("equipment", i.equipment)),
                    Form.field(L.t("备注", "Note"), "note", errors, wide: true, Form.textarea("note", i.note)),
                    editing == nil ? .empty : Form.field(L.t("状态", "State"), "active", errors,
                        Form.select("active", [("true", L.t("在用", "Active")), ("false", L.t("停用", "Inactive"))], selected: i.active ?? "true"))),
                .p(.button(.type("submit"), .text(L.t("保存", "Save"))), .text(" "),
                   .a(.href(editing.map { "/governance/teams/\($0.id!)" } ?? "/governance/teams"), .text(L.t("取消", "Cancel"))))))
    }

    struct DetailForms {
        var member = ResponseTeamMemberInput()
        var shift = ResponseTeamShiftInput()
        var memberErrors = FieldErrors()
        var shiftErrors = FieldErrors()
    }

    static func detail(_ req: Request, _ t: ResponseTeamDTO, candidates: [ResponseTeamService.Candidate], canManage: Bool, forms: DetailForms) -> Response {
        let L = req.lang
        let members = t.members ?? [], shifts = t.shifts ?? []
        var kv: [Node] = []
        func row(_ zh: String, _ en: String, _ v: Node) { kv.append(.dt(.text(L.t(zh, en)))); kv.append(.dd(v)) }
        row("区域", "Area", .text(t.area ?? ""))
        row("事件类型", "Emergencies", .text(typeNames(L, t.types)))
        row("值班电话", "Duty line", .text(t.dutyPhone))
        row("队长", "Leader", .text(t.leader ?? L.t("未指定", "none")))
        row("今日值班", "On call today", .text(t.onCallToday.isEmpty ? L.t("无人", "nobody") : t.onCallToday.joined(separator: L.t("、", ", "))))
        row("状况", "Readiness", readiness(L, t))
        let warnings: [Node] = [
            t.uncoveredDays.isEmpty ? nil : Node.p(.class("alert notice"), .text(L.t("未来两周值班空档：", "Nobody on call in the next two weeks on: ") + gapText(L, t.uncoveredDays))),
            t.missingSkills.isEmpty ? nil : Node.p(.class("alert notice"), .text(L.t("按所应对的事件类型，本队还缺少：", "For the emergencies it answers, nobody in the team has: ") + skillNames(L, t.missingSkills))),
        ].compactMap { $0 }
        let info: Node = .div(.class("card"), .h2(.text(L.t("队伍", "Team"))), .element("dl", [.class("kv")] + kv), .group(warnings),
            t.equipment.isEmpty ? .empty : .group([.h3(.text(L.t("装备物资", "Equipment"))), .p(.class("pre"), .text(t.equipment))]),
            t.note.isEmpty ? .empty : .group([.h3(.text(L.t("备注", "Note"))), .p(.class("pre"), .text(t.note))]),
            .h3(.text(L.t("调用本队的预案", "Plans that call on it"))),
            (t.plans ?? []).isEmpty ? .p(.class("muted"), .text(L.t("还没有预案调用本队（在预案中勾选处置队伍）。", "No plan calls on it yet (tick it on a plan's form)."))) :
                .group((t.plans ?? []).map { p in .p(.a(.href("/governance/plans/\(p.id)"), .text("\(p.name) v\(p.version)")), .text(" "), EmergencyPlanViews.statusBadge(L, p.status)) }))
        let memberTable: Node = members.isEmpty
            ? .p(.class("empty"), .text(L.t("还没有队员。从本区域的工作人员或在岗队员中编入，标明队内职务和技能。", "No members yet. Add staff or active team members of the area, with their role and skills.")))
            : .div(.class("scroll"), .table(.class("data"),
                .thead(.tr(.th(.text(L.t("队员", "Member"))), .th(.text(L.t("职务", "Role"))), .th(.text(L.t("技能", "Skills"))), .th(.text(L.t("今日", "Today"))), canManage ? .th(.class("no-print"), .text("")) : .empty)),
                .element("tbody", members.map { m in
                    .tr(.td(.text(m.name), .div(.class("small muted"), .text(m.detail + (m.hasAccount ? "" : L.t(" · 无系统账号（电话通知）", " · no account (call them)"))))),
                        .td(.text(L.t(m.role.nameZh, m.role.nameEn))), .td(.text(skillNames(L, m.skills))),
                        .td(m.onCallToday ? .span(.class("badge closed"), .text(L.t("值班", "On call"))) : .empty),
                        canManage ? .td(.class("no-print"), .form(.method("post"), .action("/governance/team-members/\(m.id)/remove"), .class("inline"), Layout.csrfField(req),
                            .button(.type("submit"), .class("secondary nowrap"), .attr("data-confirm", L.t("将\(m.name)移出本队？其值班安排一并删除。", "Remove \(m.name)? Their shifts go too.")), .text(L.t("移出", "Remove"))))) : .empty)
                })))
        let f = forms
        let chosenSkills = Set(f.member.skills ?? [])
        let addMember: Node = !canManage ? .empty : .form(.method("post"), .action("/governance/teams/\(t.id)/members#add-member"), .id("add-member"), .class("no-print"), Layout.csrfField(req),
            .h3(.text(L.t("编入队员", "Add a member"))), Form.errorSummary(req, f.memberErrors),
            .div(.class("form"),
                Form.field(L.t("姓名（从列表中选择）", "Name (choose from the list)"), "who", f.memberErrors, wide: true,
                           hint: L.t("本区域的工作人员和在岗队员；同名时选带编号的一项", "Staff and active team members of the area; pick the numbered entry when names repeat"),
                           .group([Form.input("who", f.member.who, required: true, extra: .attr("list", "team-candidates")),
                                   PetitionLinks.datalist("team-candidates", candidates.map { .init(value: $0.label, label: $0.label) })])),
                Form.field(L.t("队内职务", "Role"), "role", f.memberErrors, Form.select("role", ResponseTeamRole.allCases.map { ($0.rawValue, L.t($0.nameZh, $0.nameEn)) }, selected: f.member.role ?? "member")),
                Form.field(L.t("技能", "Skills"), "skills", f.memberErrors, wide: true,
                           .div(.class("checks"), .group(ResponseSkill.allCases.map { s in
                               .label(.class("check"), .input(.type("checkbox"), .name("skills[]"), .value(s.rawValue), .checked(chosenSkills.contains(s.rawValue))), .text(L.t(s.nameZh, s.nameEn)))
                           })))),
            .p(.button(.type("submit"), .text(L.t("编入", "Add")))))
        let shiftRows: Node = shifts.isEmpty
            ? .p(.class("empty"), .text(L.t("今后没有值班安排。", "No shifts planned from today.")))
            : .div(.class("scroll"), .table(.class("data"),
                .thead(.tr(.th(.text(L.t("值班队员", "On call"))), .th(.text(L.t("起", "From"))), .th(.text(L.t("止", "To"))), canManage ? .th(.class("no-print"), .text("")) : .empty)),
                .element("tbody", shifts.map { s in
                    .tr(.td(.text(s.member)), .td(.text(s.startsOn)), .td(.text(s.endsOn)),
                        canManage ? .td(.class("no-print"), .form(.method("post"), .action("/governance/team-shifts/\(s.id)/remove"), .class("inline"), Layout.csrfField(req),
                            .button(.type("submit"), .class("secondary nowrap"), .text(L.t("取消", "Cancel"))))) : .empty)
                })))
        let addShift: Node = !(canManage && !members.isEmpty) ? .empty : .form(.method("post"), .action("/governance/teams/\(t.id)/shifts#add-shift"), .id("add-shift"), .class("no-print"), Layout.csrfField(req),
            .h3(.text(L.t("排班", "Plan a shift"))), Form.errorSummary(req, f.shiftErrors),
            .div(.class("form"),
                Form.field(L.t("值班队员", "Who"), "memberID", f.shiftErrors, Form.select("memberID", members.map { ("\($0.id)", $0.name) }, selected: f.shift.memberID, blank: L.t("请选择", "Choose"), required: true)),
                Form.field(L.t("起", "From"), "from", f.shiftErrors, Form.input("from", f.shift.from ?? req.today, type: "date", required: true)),
                Form.field(L.t("止", "To"), "to", f.shiftErrors, hint: L.t("一次最长31天", "At most 31 days"), Form.input("to", f.shift.to, type: "date", required: true))),
            .p(.button(.type("submit"), .text(L.t("排班", "Add the shift")))))
        return .page(req, title: t.name, status: (f.memberErrors.isEmpty && f.shiftErrors.isEmpty) ? .ok : .unprocessableEntity,
            .div(.class("breadcrumb no-print"), .a(.href("/governance/teams"), .text(L.t("应急处突队伍", "Response teams"))), " › ", .text(t.name)),
            .div(.class("toolbar"), .h1(.text(t.name)),
                 canManage ? .a(.class("btn secondary no-print"), .href("/governance/teams/\(t.id)/edit"), .text(L.t("修改", "Edit"))) : .empty,
                 .button(.type("button"), .class("btn secondary no-print"), .attr("data-print", "1"), .text(L.t("打印", "Print")))),
            .div(.class("grid2"), .div(info),
                 .div(.div(.class("card"), .h2(.text(L.t("队员（\(members.count)）", "Members (\(members.count))"))), memberTable, addMember),
                      .div(.class("card"), .h2(.text(L.t("值班安排", "On-call roster"))), shiftRows, addShift))))
    }
}
