import Vapor
import PinganKit

/// The governance office's pages share one header: its registers as tabs.
enum GovernanceViews {
    static func header(_ req: Request, active: String) -> Node {
        let L = req.lang
        let items: [(String, String)] = [
            ("/governance/systems", L.t("六大体系", "Six systems")), ("/governance/petitions", L.t("信访登记", "Petitions")), ("/governance/petitions/stats", L.t("信访统计", "Petition statistics")),
            ("/governance/meetings", L.t("形势分析会", "Meetings")), ("/governance/campaigns", L.t("联合执法", "Campaigns")), ("/governance/actions", L.t("决定事项督办", "Decisions to follow up")),
            ("/governance/groups", L.t("群组登记", "Groups")), ("/governance/offices", L.t("合署办公", "Integrated offices")),
            ("/governance/coverage", L.t("科技创安", "Technical prevention")),
            ("/governance/plans", L.t("应急预案", "Emergency plans")), ("/governance/teams", L.t("应急队伍", "Response teams")),
        ]
        return .group([.div(.class("toolbar"), .h1(.text(L.t("综治工作", "Governance office")))),
                       .element("nav", [.class("tabs no-print")] + items.map { path, text in .a(.href(path), path == active ? .class("active") : .empty, .text(text)) })])
    }
}

/// Pages of joint situation meetings (形势分析会 / 联席会议) and the supervision of their decisions (督办).
enum MeetingViews {
    static func stateBadge(_ L: Lang, _ s: ActionItemState) -> Node {
        let cls: String
        switch s { case .open: cls = "dispatched"; case .overdue: cls = "received"; case .done: cls = "closed" }
        return .span(.class("badge \(cls)"), .text(L.t(s.nameZh, s.nameEn)))
    }

    static func canEdit(_ req: Request) -> Bool { (try? req.user.role.can(.editGovernance)) ?? false }

    static func list(_ req: Request, rows: [Meeting], areas: [Int: String], actions: [Int: [MeetingAction]], info: PageInfo, kind: MeetingKind?) -> Response {
        let L = req.lang, today = req.today
        let kinds: Node = .element("nav", [.class("tabs no-print")]
            + [.a(.href("/governance/meetings"), kind == nil ? .class("active") : .empty, .text(L.t("全部", "All")))]
            + MeetingKind.allCases.map { k in .a(.href("/governance/meetings?kind=\(k.rawValue)"), k == kind ? .class("active") : .empty, .text(L.t(k.nameZh, k.nameEn))) })
        let table: Node = rows.isEmpty
            ? .div(.class("empty"), .text(L.t("还没有会议记录。街道一把手与派出所长分析形势后点“记录会议”：议题由平台按当前预警、风险纠纷和逾期工作自动列出，决定事项逐条跟踪到完成。",
                                              "No meetings recorded yet. After a street leader and the station chief meet, use Record a meeting: the agenda is drawn from current alerts, disputes at risk and overdue work, and each decision is tracked to done.")))
            : .div(.class("scroll"), .table(.class("data"),
                .thead(.tr(.th(.text(L.t("日期", "Date"))), .th(.text(L.t("会议", "Meeting"))), .th(.class("hide-sm"), .text(L.t("范围", "Area"))),
                           .th(.text(L.t("决定事项", "Decisions"))))),
                .element("tbody", rows.map { m in
                    let items = actions[m.id!] ?? []
                    let done = items.filter { $0.doneOn != nil }.count, late = items.filter { $0.state(today: today) == .overdue }.count
                    return .tr(.td(.class("nowrap"), .text(m.heldOn)),
                               .td(.a(.href("/governance/meetings/\(m.id!)"), .text(m.title)), .span(.class("small muted"), .text(" · " + L.t(m.kind.nameZh, m.kind.nameEn)))),
                               .td(.class("hide-sm"), .text(areas[m.areaDivisionID] ?? "")),
                               .td(.text(items.isEmpty ? "—" : L.t("\(done)/\(items.count) 已完成", "\(done) of \(items.count) done")),
                                   late > 0 ? .span(.class("badge received"), .text(" " + L.t("逾期\(late)", "\(late) overdue"))) : .empty))
                })))
        return .page(req, title: L.t("形势分析会", "Meetings"),
            GovernanceViews.header(req, active: "/governance/meetings"), kinds,
            canEdit(req) ? .div(.class("toolbar no-print"), .a(.class("btn"), .href("/governance/meetings/new"), .text(L.t("记录会议", "Record a meeting")))) : .empty,
            table, info.total > info.per ? Pager.view(req, info) : .empty)
    }

    static func form(_ req: Request, input i: MeetingInput, areas: [Division], errors: FieldErrors) -> Response {
        let L = req.lang
        return .page(req, title: L.t("记录会议", "Record a meeting"), status: errors.isEmpty ? .ok : .unprocessableEntity,
            GovernanceViews.header(req, active: "/governance/meetings"),
            .form(.method("post"), .action("/governance/meetings"), .class("card"), Layout.csrfField(req),
                .h2(.text(L.t("记录会议", "Record a meeting"))),
                .p(.class("muted small"), .text(L.t("保存时，平台按所选街道各社区当前的预警、风险纠纷、超期案件、逾期整改和超期网格事件生成议题，保存在会议记录中。",
                                                    "When saved, the agenda is drawn from the street's communities as they stand: current alerts, disputes at risk, overdue files, rectifications and grid events; it stays with the record."))),
                Form.errorSummary(req, errors),
                .div(.class("form"),
                    Form.field(L.t("会议类型", "Kind"), "kind", errors, Form.select("kind", MeetingKind.allCases.map { ($0.rawValue, L.t($0.nameZh, $0.nameEn)) }, selected: i.kind)),
                    Form.field(L.t("范围", "Area"), "areaID", errors, Form.select("areaID", areas.map { ("\($0.id!)", $0.name) }, selected: i.areaID, blank: L.t("请选择", "Choose"), required: true)),
                    Form.field(L.t("会议日期", "Date"), "heldOn", errors, Form.input("heldOn", i.heldOn, type: "date", required: true)),
                    Form.field(L.t("会议名称", "Title"), "title", errors, Form.input("title", i.title, required: true, extra: .attr("maxlength", "100"))),
                    Form.field(L.t("参会人员", "Attendees"), "attendees", errors, wide: true, hint: L.t("如：街道党工委书记、派出所所长、综治办主任、司法所长", "e.g. the street's party secretary, the station chief, the governance office's director"),
                               Form.textarea("attendees", i.attendees)),
                    Form.field(L.t("会议纪要（选填）", "Minutes (optional)"), "minutes", errors, wide: true, Form.textarea("minutes", i.minutes))),
                .p(.button(.type("submit"), .text(L.t("保存并生成议题", "Save and draw the agenda"))), .text(" "), .a(.href("/governance/meetings"), .text(L.t("取消", "Cancel"))))))
    }

    static func agendaTable(_ L: Lang, _ lines: [AgendaLine]) -> Node {
        guard !lines.isEmpty else { return .div(.class("empty"), .text(L.t("会议当时，各社区没有当前预警、风险纠纷、逾期工作、警情上升或警力缺口。", "At the time of the meeting no community had current alerts, disputes at risk, overdue work, rising incidents or an officer shortfall."))) }
        // Column per topic; each figure links to the list behind it (the line's own topics carry the paths).
        let columns: [(key: String, zh: String, en: String)] = [("alerts", "当前预警", "Alerts"), ("risk", "风险纠纷", "Disputes at risk"), ("disputes", "超期案件", "Files overdue"),
            ("inspections", "逾期整改", "Rectifications overdue"), ("events", "超期事件", "Events overdue"), ("rising", "警情上升", "Incidents rising"),
            ("staffing", "民警缺口", "Officers short")]
        return .div(.class("scroll"), .table(.class("data"),
            .thead(.tr(.th(.text(L.t("社区", "Community"))), .forEach(columns) { c in .th(.class("num"), .text(L.t(c.zh, c.en))) })),
            .element("tbody", lines.map { l in
                let topics = Dictionary(uniqueKeysWithValues: l.topics.map { ($0.key, $0) })
                return .tr(.td(.text(l.community)), .forEach(columns) { c in
                    .td(.class("num"), topics[c.key].map { t in .a(.href(t.path), .text((c.key == "rising" ? "+" : "") + "\(t.count)")) } ?? .text("0"))
                })
            })))
    }

    static func detail(_ req: Request, _ m: Meeting, area: String, actions: [MeetingAction], action: MeetingActionInput, errors: FieldErrors) -> Response {
        let L = req.lang, today = req.today, edit = canEdit(req)
        let lines = m.agendaLines
        let topics: [(String, String)] = lines.flatMap { l in l.topics.map { ("\(l.communityID):\($0.key)", l.community + " · " + L.t($0.zh, $0.en) + " (\($0.count))") } }
        let items: Node = actions.isEmpty ? .div(.class("empty"), .text(L.t("还没有决定事项。", "No decisions recorded yet.")))
            : .div(.class("scroll"), .table(.class("data"),
                .thead(.tr(.th(.text(L.t("决定事项", "Decision"))), .th(.text(L.t("责任人", "Owner"))), .th(.text(L.t("时限", "Due"))),
                           .th(.text(L.t("状态", "State"))), .th(.class("no-print"), .text(L.t("落实情况", "What was done"))))),
                .element("tbody", actions.map { a in
                    let st = a.state(today: today)
                    let err = errors["done.\(a.id!)"]
                    let doneCell: Node
                    if let day = a.doneOn { doneCell = .text(day + " " + a.doneNote) }
                    else if edit || (a.ownerUserID != nil && a.ownerUserID == req.auth.get(User.self)?.id) {
                        doneCell = .form(.method("post"), .action("/governance/actions/\(a.id!)/done"), .class("inline " + (err != nil ? "has-error" : "")), Layout.csrfField(req),
                            .input(.type("text"), .name("note"), .attr("aria-label", L.t("落实情况", "What was done")), .placeholder(L.t("落实情况", "What was done"))),
                            .button(.type("submit"), .class("btn secondary"), .text(L.t("完成", "Done"))),
                            err.map { .span(.class("field-error"), .attr("role", "alert"), .text($0)) } ?? .empty)
                    } else { doneCell = .text("—") }
                    return .tr(.td(.text(a.text), a.aboutPath.isEmpty ? .empty : .div(.class("small"), .a(.href(a.aboutPath), .text(a.aboutText(L))))),
                               ownerCell(req, a, canRemind: edit), .td(.class("nowrap"), .text(a.dueOn)), .td(stateBadge(L, st)), .td(.class("no-print"), doneCell))
                })))
        let addForm: Node = !edit ? .empty : .form(.method("post"), .action("/governance/meetings/\(m.id!)/actions"), .class("card no-print"), Layout.csrfField(req),
            .h2(.text(L.t("添加决定事项", "Add a decision"))), errors.fields.keys.contains { !$0.hasPrefix("done.") } ? Form.errorSummary(req, errors) : .empty,
            .div(.class("form"),
                Form.field(L.t("决定事项", "What was decided"), "text", errors, wide: true, Form.textarea("text", action.text)),
                Form.field(L.t("责任人或责任单位", "Owner"), "owner", errors, Form.input("owner", action.owner, extra: .attr("maxlength", "50"))),
                Form.field(L.t("责任人账号（选填）", "Owner's username (optional)"), "ownerUsername", errors,
                           hint: L.t("填写后责任人会收到工作提醒，可被督办，也可自己报告完成", "The owner is then told in the app, can be chased, and can report it done"),
                           Form.input("ownerUsername", action.ownerUsername, extra: .group([.attr("maxlength", "40"), .attr("autocomplete", "off")]))),
                Form.field(L.t("完成时限", "Due"), "dueOn", errors, Form.input("dueOn", action.dueOn, type: "date")),
                Form.field(L.t("针对的议题（选填）", "About (optional)"), "about", errors, Form.select("about", topics, selected: action.about, blank: L.t("不指定", "Nothing listed")))),
            .p(.button(.type("submit"), .text(L.t("添加", "Add")))))
        return .page(req, title: m.title, status: errors.isEmpty ? .ok : .unprocessableEntity,
            .div(.class("breadcrumb no-print"), .a(.href("/governance/meetings"), .text(L.t("形势分析会", "Meetings"))), " › ", .text(m.title)),
            .div(.class("card"),
                .div(.class("toolbar"), .h1(.text(m.title)),
                     .button(.type("button"), .class("btn secondary no-print"), .attr("data-print", "1"), .text(L.t("打印", "Print")))),
                .dl(.class("kv"),
                    .dt(.text(L.t("会议类型", "Kind"))), .dd(.text(L.t(m.kind.nameZh, m.kind.nameEn))),
                    .dt(.text(L.t("日期", "Date"))), .dd(.text(m.heldOn)),
                    .dt(.text(L.t("范围", "Area"))), .dd(.text(area)),
                    .dt(.text(L.t("参会人员", "Attendees"))), .dd(.text(m.attendees))),
                .h2(.text(L.t("议题（会议时平台统计）", "Agenda (as the product counted it for the meeting)"))), agendaTable(L, lines),
                m.minutes.isEmpty ? .empty : .group([.h2(.text(L.t("会议纪要", "Minutes"))), .div(.class("message-body"), .text(m.minutes))])),
            .h2(.attr("id", "actions"), .text(L.t("决定事项", "Decisions"))), items, addForm)
    }

    static func actions(_ req: Request, rows: [(MeetingAction, Meeting)], info: PageInfo, state: ActionItemState?, errors: FieldErrors, failed: Int?) -> Response {
        let L = req.lang, today = req.today
        let tabs: Node = .element("nav", [.class("tabs no-print")]
            + [.a(.href("/governance/actions"), state == nil ? .class("active") : .empty, .text(L.t("全部", "All")))]
            + ActionItemState.allCases.map { s in .a(.href("/governance/actions?state=\(s.rawValue)"), s == state ? .class("active") : .empty, .text(L.t(s.nameZh, s.nameEn))) })
        let table: Node = rows.isEmpty ? .div(.class("empty"), .text(state == .overdue ? L.t("没有逾期的决定事项。", "No decision is overdue.") : L.t("没有决定事项。会议上作出的决定在会议页面逐条添加。", "No decisions. Add them one by one on the meeting's page.")))
            : .div(.class("scroll"), .table(.class("data"),
                .thead(.tr(.th(.text(L.t("决定事项", "Decision"))), .th(.text(L.t("责任人", "Owner"))), .th(.text(L.t("时限", "Due"))), .th(.text(L.t("状态", "State"))),
                           .th(.class("hide-sm"), .text(L.t("会议", "Meeting"))))),
                .element("tbody", rows.map { a, m in
                    .tr(.td(.text(a.text), a.aboutPath.isEmpty ? .empty : .div(.class("small"), .a(.href(a.aboutPath), .text(a.aboutText(L))))),
                        ownerCell(req, a, canRemind: canEdit(req)), .td(.class("nowrap"), .text(a.dueOn)), .td(stateBadge(L, a.state(today: today))),
                        .td(.class("hide-sm"), .a(.href("/governance/meetings/\(m.id!)#actions"), .text(m.heldOn + " " + m.title))))
                })))
        let csv = "/governance/actions/export.csv" + (state.map { "?state=\($0.rawValue)" } ?? "")
        return .page(req, title: L.t("决定事项督办", "Decisions to follow up"),
            GovernanceViews.header(req, active: "/governance/actions"), tabs,
            .div(.class("toolbar no-print"), .span(.class("muted"), .text(L.t("共 \(info.total) 项", "\(info.total) items"))),
                 .a(.class("btn secondary"), .href(csv), .text(L.t("导出CSV", "Export CSV")))),
            table, info.total > info.per ? Pager.view(req, info) : .empty)
    }

    /// The owner, how often they were chased (督办), and — for those who keep the meetings — the button to chase them.
    static func ownerCell(_ req: Request, _ a: MeetingAction, canRemind: Bool) -> Node {
        let L = req.lang
        let chased: Node = a.reminders == 0 ? .empty : .div(.class("small muted"), .text(L.t("已督办 \(a.reminders) 次", "Chased \(a.reminders)×")))
        let button: Node = !(canRemind && a.doneOn == nil && a.ownerUserID != nil) ? .empty
            : .form(.method("post"), .action("/governance/actions/\(a.id!)/remind"), .class("inline no-print"), Layout.csrfField(req),
                    .button(.type("submit"), .class("link"), .text(L.t("督办", "Chase"))))
        return .td(.text(a.owner), a.ownerUserID == nil ? .empty : .span(.class("small muted"), .text(L.t("（有账号）", " (has an account)"))), chased, button)
    }

    static func actionsCSV(_ req: Request, rows: [(MeetingAction, Meeting)]) -> Response {
        let L = req.lang, today = req.today
        var w = CSVWriter(header: [L.t("会议日期", "Meeting date"), L.t("会议", "Meeting"), L.t("决定事项", "Decision"), L.t("针对", "About"), L.t("责任人", "Owner"),
                                   L.t("时限", "Due"), L.t("状态", "State"), L.t("完成日期", "Done on"), L.t("落实情况", "What was done"), L.t("督办次数", "Times chased")])
        for (a, m) in rows {
            let s = a.state(today: today)
            w.append([m.heldOn, m.title, a.text, a.aboutPath.isEmpty ? "" : a.aboutText(L), a.owner, a.dueOn, L.t(s.nameZh, s.nameEn), a.doneOn ?? "", a.doneNote, "\(a.reminders)"])
        }
        return CSVResponse.make(filename: "meeting-actions.csv", writer: w)
    }
}
