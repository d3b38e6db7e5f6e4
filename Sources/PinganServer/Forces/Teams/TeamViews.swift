import Vapor
import PinganKit

enum TeamViews {
    static func page(_ req: Request, title: String, active: String, status: HTTPResponseStatus = .ok, _ content: Node...) -> Response {
        .page(req, title: title, status: status, StaffingViews.tabs(req, active: active), .group(content))
    }

    static func empty(_ text: String) -> Node { .div(.class("empty"), .text(text)) }

    static func shareCell(_ s: Share) -> Node { .td(.class("num"), .text("\(s.part)/\(s.whole) (\(s.percent))")) }

    static func list(_ req: Request, teams: [TeamDTO], share: TrainedShareDTO, kinds: [PersonnelKind: Int], input: TeamInput, errors: FieldErrors,
                     communities: [(id: Int, name: String)], canEdit: Bool) -> Response {
        let L = req.lang
        let title = L.t("群防群治队伍", "Teams")
        let table: Node = teams.isEmpty ? empty(L.t("辖区内还没有登记队伍。", "No teams registered in your jurisdiction yet."))
            : .table(.class("data"), .thead(.tr(.th(.text(L.t("队伍", "Team"))), .th(.text(L.t("类型", "Kind"))), .th(.text(L.t("社区/村", "Community"))),
                                                .th(.text(L.t("队长", "Leader"))), .th(.class("num"), .text(L.t("在册队员", "Members"))), .th(.class("num"), .text(L.t("已参训", "Trained"))))),
                     .element("tbody", teams.map { t in
                         .tr(.td(.a(.href("/forces/teams/\(t.id)"), .text(t.name))), .td(.text(t.kindName)), .td(.text(t.communityName ?? "")),
                             .td(.text(t.leaderName)), .td(.class("num"), .text("\(t.members)")), shareCell(t.trained))
                     }))
        let form: Node = canEdit ? .form(.method("post"), .action("/forces/teams"), .class("card no-print"), Layout.csrfField(req),
            .h2(.text(L.t("新建队伍", "New team"))), Form.errorSummary(req, errors),
            .div(.class("form"),
                Form.field(L.t("队伍名称", "Name"), "name", errors, Form.input("name", input.name, required: true)),
                Form.field(L.t("类型", "Kind"), "kind", errors, Form.select("kind", TeamKind.allCases.map { ($0.rawValue, L.t($0.nameZh, TeamService.teamKindEn($0))) }, selected: input.kind, blank: L.t("请选择", "Choose"))),
                Form.field(L.t("社区/村", "Community"), "communityID", errors, Form.select("communityID", communities.map { ("\($0.id)", $0.name) }, selected: input.communityID, blank: L.t("请选择", "Choose"))),
                Form.field(L.t("队长", "Leader"), "leaderName", errors, Form.input("leaderName", input.leaderName)),
                Form.field(L.t("备注", "Note"), "note", errors, wide: true, Form.input("note", input.note))),
            .p(.button(.type("submit"), .text(L.t("保存", "Save"))))) : .empty
        return page(req, title: title, active: "/forces/teams", status: errors.isEmpty ? .ok : .unprocessableEntity,
            .div(.class("toolbar"), .h1(.text(title)),
                 .a(.class("btn secondary"), .href("/forces/teams/export.csv"), .text(L.t("导出队员 CSV", "Export members CSV"))),
                 .a(.class("btn secondary"), .href("/forces/training"), .text(L.t("队员培训", "Training")))),
            .p(.class("muted"), .text(L.t("队员参训率（在岗、停岗队员中至少参加过一次集中轮训的比例）：", "Trained share (active or suspended members who attended at least one session): ")),
               .strong(.text("\(share.total.part)/\(share.total.whole) = \(share.total.percent)"))),
            kinds.isEmpty ? .empty : .p(.class("muted"), .text(L.t("在册人员：", "On the rolls: ")
                + PersonnelKind.allCases.filter { kinds[$0] != nil }.map { L.t($0.nameZh, $0.nameEn) + " \(kinds[$0]!)" }.joined(separator: L.t("，", ", ")))),
            table, form)
    }

    static func edit(_ req: Request, team: TeamDTO, input: TeamInput, errors: FieldErrors) -> Response {
        let L = req.lang
        let title = L.t("修改队伍信息", "Edit team") + " · " + team.name
        return page(req, title: title, active: "/forces/teams", status: errors.isEmpty ? .ok : .unprocessableEntity,
            .div(.class("breadcrumb no-print"), .a(.href("/forces/teams"), .text(L.t("群防群治队伍", "Teams"))), " › ",
                 .a(.href("/forces/teams/\(team.id)"), .text(team.name)), " › ", .text(L.t("修改", "Edit"))),
            .h1(.text(title)),
            .form(.method("post"), .action("/forces/teams/\(team.id)"), .class("card"), Layout.csrfField(req), Form.errorSummary(req, errors),
                .div(.class("form"),
                    Form.field(L.t("队伍名称", "Name"), "name", errors, Form.input("name", input.name, required: true)),
                    Form.field(L.t("类型", "Kind"), "kind", errors, Form.select("kind", TeamKind.allCases.map { ($0.rawValue, L.t($0.nameZh, TeamService.teamKindEn($0))) }, selected: input.kind)),
                    Form.field(L.t("社区/村", "Community"), "communityID", errors, hint: L.t("不能更改", "Cannot change"), .input(.type("text"), .value(team.communityName ?? ""), .attr("disabled", "disabled"))),
                    Form.field(L.t("队长", "Leader"), "leaderName", errors, Form.input("leaderName", input.leaderName)),
                    Form.field(L.t("备注", "Note"), "note", errors, wide: true, Form.input("note", input.note))),
                .p(.button(.type("submit"), .text(L.t("保存", "Save"))), .text(" "), .a(.href("/forces/teams/\(team.id)"), .text(L.t("取消", "Cancel"))))))
    }

    static func detail(_ req: Request, team: TeamDTO, members: [MemberDTO], plans: [PlanDTO], input: TeamMemberInput, errors: FieldErrors, canEdit: Bool) -> Response {
        let L = req.lang
        let table: Node = members.isEmpty ? empty(L.t("这支队伍还没有队员。", "This team has no members yet."))
            : .table(.class("data"), .thead(.tr(.th(.text(L.t("姓名", "Name"))), .th(.text(L.t("类别", "Kind"))), .th(.text(L.t("状态", "Status"))),
                                                .th(.class("hide-sm"), .text(L.t("手机", "Phone"))),
                                                .th(.text(L.t("入队日期", "Joined"))), .th(.text(L.t("实有人口", "Registry"))), .th(.class("num"), .text(L.t("参训次数", "Sessions"))),
                                                canEdit ? .th(.class("no-print"), .text(L.t("变更状态或手机", "Change status or phone"))) : .empty)),
                     .element("tbody", members.map { m in
                         .tr(.td(.text(m.name)), .td(.text(m.kindName)), .td(.span(.class(m.status == .active ? "badge closed" : "badge"), .text(m.statusName))),
                             .td(.class("hide-sm nowrap"), .text(m.phone ?? "—"),
                                 m.phoneFromRegistry ? .span(.class("muted small"), .text(L.t("（实有人口）", " (registry)"))) : .empty),
                             .td(.text(m.joinedOn ?? "—")), .td(m.personID.map { Node.a(.href("/people/\($0)"), .text(L.t("查看", "View"))) } ?? .text("—")),
                             .td(.class("num"), .text("\(m.trainingSessions)")),
                             canEdit ? .td(.class("no-print"), .form(.method("post"), .action("/forces/teams/\(team.id)/member-status"), .class("inline"), Layout.csrfField(req),
                                 .input(.type("hidden"), .name("memberID"), .value("\(m.id)")),
                                 Form.select("status", RecruitmentStatus.allCases.map { ($0.rawValue, L.t($0.nameZh, $0.nameEn)) }, selected: m.status.rawValue),
                                 .input(.type("tel"), .name("phone"), .class("short"), .attr("inputmode", "tel"), .attr("maxlength", "20"), .attr("aria-label", L.t("新手机号", "New phone number")),
                                        .placeholder(m.phone == nil || m.phoneFromRegistry ? L.t("添加手机号", "Add a phone") : L.t("新手机号（留空不变）", "New number (blank: keep)"))),
                                 .button(.type("submit"), .class("link"), .text(L.t("更新", "Update"))))) : .empty)
                     }))
        let form: Node = canEdit ? .form(.method("post"), .action("/forces/teams/\(team.id)/members"), .class("card no-print"), Layout.csrfField(req),
            .h2(.text(L.t("添加队员", "Add a member"))), Form.errorSummary(req, FieldErrors(errors.fields.filter { $0.key != "memberID" })),
            .div(.class("form"),
                Form.field(L.t("姓名", "Name"), "name", errors, Form.input("name", input.name, extra: .attr("maxlength", "30"))),
                Form.field(L.t("身份证号后4位（选填）", "ID number's last four (optional)"), "idTail", errors,
                           hint: L.t("本辖区居民：与姓名一起关联到实有人口", "Residents: links the member to the registry with the name"),
                           Form.input("idTail", input.idTail, extra: .group([.attr("maxlength", "4"), .attr("autocomplete", "off")]))),
                Form.field(L.t("手机号（选填）", "Mobile (optional)"), "phone", errors,
                           hint: L.t("用于短信推送通知和任务；加密保存，只显示后四位", "For notices and tasks by SMS; stored encrypted, shown masked"),
                           Form.input("phone", input.phone, type: "tel", extra: .group([.attr("maxlength", "20"), .attr("inputmode", "tel")]))),
                Form.field(L.t("人员类别", "Kind"), "kind", errors, Form.select("kind", PersonnelKind.allCases.map { ($0.rawValue, L.t($0.nameZh, $0.nameEn)) }, selected: input.kind ?? PersonnelKind.teamMember.rawValue)),
                Form.field(L.t("招募状态", "Recruitment status"), "status", errors, Form.select("status", RecruitmentStatus.allCases.map { ($0.rawValue, L.t($0.nameZh, $0.nameEn)) }, selected: input.status ?? RecruitmentStatus.active.rawValue)),
                Form.field(L.t("入队日期", "Joined on"), "joinedOn", errors, Form.input("joinedOn", input.joinedOn, type: "date"))),
            .p(.button(.type("submit"), .text(L.t("添加", "Add"))))) : .empty
        let planList: Node = plans.isEmpty ? .p(.class("muted"), .text(L.t("近期没有巡逻计划。", "No recent patrol plans.")))
            : .ul(.forEach(plans) { p in .li(.a(.href("/forces/patrols/\(p.id)"), .text("\(p.day) \(p.start)–\(p.end) \(p.modeName)")), .text(p.done ? L.t(" · 已执行", " · done") : "")) })
        return page(req, title: team.name, active: "/forces/teams", status: errors.isEmpty ? .ok : .unprocessableEntity,
            .div(.class("breadcrumb no-print"), .a(.href("/forces/teams"), .text(L.t("群防群治队伍", "Teams"))), " › ", .text(team.name)),
            .div(.class("toolbar"), .h1(.text(team.name)),
                 canEdit ? .a(.class("btn"), .href("/forces/patrols/new?teamID=\(team.id)"), .text(L.t("制定巡逻计划", "Plan a patrol"))) : .empty,
                 canEdit ? .a(.class("btn secondary"), .href("/forces/teams/\(team.id)/edit"), .text(L.t("修改队伍信息", "Edit team"))) : .empty,
                 .a(.class("btn secondary"), .href("/forces/patrols/review?team=\(team.id)"), .text(L.t("巡逻考评", "Patrol review"))),
                 .button(.type("button"), .class("btn secondary no-print"), .attr("data-print", "1"), .text(L.t("打印", "Print")))),
            .div(.class("card"), .element("dl", [.class("kv"),
                .dt(.text(L.t("类型", "Kind"))), .dd(.text(team.kindName)),
                .dt(.text(L.t("社区/村", "Community"))), .dd(.text(team.communityName ?? "")),
                .dt(.text(L.t("队长", "Leader"))), .dd(.text(team.leaderName.isEmpty ? "—" : team.leaderName)),
                .dt(.text(L.t("参训率", "Trained"))), .dd(.text("\(team.trained.part)/\(team.trained.whole) (\(team.trained.percent))")),
                .dt(.text(L.t("备注", "Note"))), .dd(.text(team.note.isEmpty ? "—" : team.note))])),
            .h2(.id("members"), .text(L.t("队员", "Members"))),
            // A row's change (status or phone) that was refused: said above the table, with the member's name.
            errors["memberID"].map { .div(.class("alert error"), .attr("role", "alert"), .text($0)) } ?? .empty,
            table, form,
            .h2(.text(L.t("巡逻计划", "Patrol plans"))), planList)
    }

    static func training(_ req: Request, sessions: [TrainingDTO], share: TrainedShareDTO, filterErrors: FieldErrors, members: [MemberDTO], input: TrainingInput, errors: FieldErrors,
                         communities: [(id: Int, name: String)], canEdit: Bool) -> Response {
        let L = req.lang
        let title = L.t("队员培训", "Training")
        let shareTable: Node = share.total.whole == 0 ? empty(L.t("辖区内还没有在册队员。", "No members on the rolls in your jurisdiction."))
            : .table(.class("data"), .thead(.tr(.th(.text(L.t("派出所", "Station"))), .th(.class("num"), .text(L.t("已参训/在册", "Trained / on the rolls"))))),
                     .element("tbody", share.stations.map { .tr(.td(.text($0.name)), shareCell($0.share)) }
                              + [.tr(.td(.strong(.text(L.t("合计", "Total")))), shareCell(share.total))]))
        let list: Node = sessions.isEmpty ? empty(L.t("还没有培训记录。", "No training sessions yet."))
            : .table(.class("data"), .thead(.tr(.th(.text(L.t("日期", "Date"))), .th(.text(L.t("主题", "Topic"))), .th(.text(L.t("社区/村", "Community"))),
                                                .th(.class("num"), .text(L.t("学时", "Hours"))), .th(.class("num"), .text(L.t("参训人数", "Attended"))))),
                     .element("tbody", sessions.map { s in
                         .tr(.td(.a(.href("/forces/training/\(s.id)"), .text(s.heldOn))), .td(.text(s.topic)), .td(.text(s.communityName ?? "")),
                             .td(.class("num"), .text(Decimals.format(s.hours, places: 1))), .td(.class("num"), .text("\(s.attendees.count)")))
                     }))
        let form: Node = canEdit ? .form(.method("post"), .action("/forces/training"), .class("card no-print"), Layout.csrfField(req),
            .h2(.text(L.t("登记培训", "Record a session"))), Form.errorSummary(req, errors),
            .div(.class("form"),
                Form.field(L.t("社区/村", "Community"), "communityID", errors, Form.select("communityID", communities.map { ("\($0.id)", $0.name) }, selected: input.communityID, blank: L.t("请选择", "Choose"))),
                Form.field(L.t("日期", "Held on"), "heldOn", errors, Form.input("heldOn", input.heldOn, type: "date", required: true)),
                Form.field(L.t("主题", "Topic"), "topic", errors, Form.input("topic", input.topic, required: true)),
                Form.field(L.t("学时", "Hours"), "hours", errors, Form.input("hours", input.hours, type: "number", extra: .attr("step", "0.5"))),
                memberChecks(req, members, selected: Set(input.members ?? []), errors)),
            .p(.button(.type("submit"), .text(L.t("保存", "Save"))))) : .empty
        return page(req, title: title, active: "/forces/training", status: errors.isEmpty ? .ok : .unprocessableEntity,
            .div(.class("toolbar"), .h1(.text(title)), .button(.type("button"), .class("btn secondary no-print"), .attr("data-print", "1"), .text(L.t("打印", "Print")))),
            .h2(.text(L.t("参训率", "Trained share"))), StaffingViews.alert(req, filterErrors),
            .form(.method("get"), .action("/forces/training"), .class("filters no-print"),
                .label(.text(L.t("培训日期自", "Sessions from")), Form.input("from", share.from, type: "date")),
                .label(.text(L.t("至", "To")), Form.input("to", share.to, type: "date")),
                .button(.type("submit"), .text(L.t("计算", "Compute"))), .a(.href("/forces/training"), .text(L.t("全部", "All")))),
            shareTable,
            share.teams.isEmpty ? .empty : .details(.summary(.text(L.t("按队伍", "By team"))),
                .table(.class("data"), .element("tbody", share.teams.map { .tr(.td(.text($0.name)), shareCell($0.share)) }))),
            .h2(.text(L.t("培训记录", "Sessions"))), list, form)
    }

    static func memberChecks(_ req: Request, _ members: [MemberDTO], selected: Set<String>, _ errors: FieldErrors) -> Node {
        let L = req.lang
        return Form.field(L.t("参训队员", "Attendees"), "members", errors, wide: true,
            members.isEmpty ? .span(.class("muted"), .text(L.t("没有在岗队员", "No active members")))
                : .div(.class("checks"), .forEach(members) { m in
                    .label(.class("inline"), .input(.type("checkbox"), .name("members[]"), .value("\(m.id)"), .checked(selected.contains("\(m.id)"))),
                           .text(" \(m.name)（\(m.teamName ?? "")）  "))
                }))
    }

    static func session(_ req: Request, _ s: TrainingDTO, members: [MemberDTO], errors: FieldErrors, canEdit: Bool) -> Response {
        let L = req.lang
        let present = Set(s.attendees.map(\.id))
        let table: Node = s.attendees.isEmpty ? empty(L.t("还没有登记出勤。", "No attendance recorded yet."))
            : .table(.class("data"), .thead(.tr(.th(.text(L.t("姓名", "Name"))), .th(.text(L.t("队伍", "Team"))), .th(.text(L.t("类别", "Kind"))))),
                     .element("tbody", s.attendees.map { .tr(.td(.text($0.name)), .td(.text($0.teamName ?? "")), .td(.text($0.kindName))) }))
        let form: Node = canEdit ? .form(.method("post"), .action("/forces/training/\(s.id)/attendance"), .class("card no-print"), Layout.csrfField(req),
            .h2(.text(L.t("补登出勤", "Add attendance"))), Form.errorSummary(req, errors),
            .div(.class("form"), memberChecks(req, members.filter { !present.contains($0.id) }, selected: [], errors)),
            .p(.button(.type("submit"), .text(L.t("保存", "Save"))))) : .empty
        return page(req, title: s.topic, active: "/forces/training", status: errors.isEmpty ? .ok : .unprocessableEntity,
            .div(.class("breadcrumb no-print"), .a(.href("/forces/training"), .text(L.t("队员培训", "Training"))), " › ", .text(s.topic)),
            .div(.class("toolbar"), .h1(.text(L.t("培训签到表", "Training attendance") + " · " + s.topic)),
                 .button(.type("button"), .class("btn secondary no-print"), .attr("data-print", "1"), .text(L.t("打印", "Print")))),
            .p(.text("\(s.heldOn) · \(s.communityName ?? "") · " + L.t("学时 ", "hours ") + Decimals.format(s.hours, places: 1) + " · " + L.t("参训 \(s.attendees.count) 人", "\(s.attendees.count) attended"))),
            table, form)
    }
}
