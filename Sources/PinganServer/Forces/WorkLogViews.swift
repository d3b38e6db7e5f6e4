import Vapor
import PinganKit

enum WorkLogViews {
    static func kinds(_ L: Lang) -> [(String, String)] { WorkKind.allCases.map { ($0.rawValue, L.t($0.nameZh, $0.rawValue)) } }

    static func list(_ req: Request, rows: [WorkLogDTO], info: PageInfo, filter: WorkLogFilter, errors: FieldErrors,
                     officers: [OfficerDTO], communities: [(id: Int, name: String)], canEdit: Bool) -> Response {
        let L = req.lang
        let query = req.url.query ?? ""
        let title = L.t("工作纪实", "Work log")
        let toolbar: Node = .div(.class("toolbar"), .h1(.text(title)),
            canEdit ? .a(.class("btn"), .href("/forces/worklog/new" + (filter.officer.map { "?officer=\($0)" } ?? "")), .text(L.t("填写纪实", "New entry"))) : .empty,
            .a(.class("btn secondary"), .href("/forces/worklog/export.csv" + (query.isEmpty ? "" : "?" + query)), .text(L.t("导出 CSV", "Export CSV"))))
        let fields: [Node] = [.method("get"), .action("/forces/worklog"), .class("filters"),
            .label(.text(L.t("民警", "Officer")), Form.select("officer", officers.map { ("\($0.id)", $0.name + "（\($0.communityName)）") }, selected: filter.officer.map { "\($0)" }, blank: L.t("全部", "All"))),
            .label(.text(L.t("工作地点", "Community")), Form.select("community", communities.map { ("\($0.id)", $0.name) }, selected: filter.community.map { "\($0)" }, blank: L.t("全部", "All"))),
            .label(.text(L.t("类别", "Kind")), Form.select("kind", kinds(L), selected: filter.kind?.rawValue, blank: L.t("全部", "All"))),
            .label(.text(L.t("自", "From")), Form.input("from", filter.from?.description, type: "date")),
            .label(.text(L.t("至", "To")), Form.input("to", filter.to?.description, type: "date")),
            .button(.type("submit"), .text(L.t("查询", "Search"))), .a(.href("/forces/worklog"), .text(L.t("清除", "Clear")))]
        let body: Node = rows.isEmpty
            ? .div(.class("empty"), .text(info.total > 0 ? L.t("这一页没有记录。", "This page is past the end.") : L.t("没有符合条件的工作纪实。", "No work-log entries match these filters.")))
            : .table(.class("data"), .thead(.tr(.th(.text(L.t("日期", "Date"))), .th(.text(L.t("民警", "Officer"))), .th(.text(L.t("工作地点", "Where"))),
                                                .th(.text(L.t("类别", "Kind"))), .th(.text(L.t("内容", "Note"))))),
                     .element("tbody", rows.map { r in
                         .tr(.td(.class("nowrap"), .text(r.day)), .td(.a(.href("/forces/officers/\(r.officerID)/report?month=\(r.day.prefix(7))"), .text(r.officerName))),
                             .td(.text(r.communityName ?? L.t("所内/其他", "Station / other"))), .td(.text(r.kindName)), .td(.class("small"), .text(r.note)))
                     }))
        return .page(req, title: title, StaffingViews.tabs(req, active: "/forces/worklog"), toolbar, StaffingViews.alert(req, errors), .element("form", fields), body, Pager.view(req, info))
    }

    static func form(_ req: Request, input: WorkLogInput, errors: FieldErrors, officers: [OfficerDTO], communities: [(id: Int, name: String)], fixedOfficer: Bool) -> Response {
        let L = req.lang
        let title = L.t("填写工作纪实", "New work-log entry")
        let officerField: Node = fixedOfficer
            ? .group([.input(.type("hidden"), .name("officerID"), .value(input.officerID ?? "")),
                      Form.field(L.t("民警", "Officer"), "officerID", errors, .p(.text(officers.first.map { $0.name + "（\($0.communityName)）" } ?? "")))])
            : Form.field(L.t("民警", "Officer"), "officerID", errors, Form.select("officerID", officers.map { ("\($0.id)", $0.name + "（\($0.communityName)）") }, selected: input.officerID, blank: L.t("请选择", "Choose…"), required: true))
        let fields: [Node] = [
            officerField,
            Form.field(L.t("日期", "Date"), "day", errors, Form.input("day", input.day, type: "date", required: true)),
            Form.field(L.t("工作地点", "Where"), "communityID", errors, hint: L.t("在本人责任社区的工作才计入驻社区天数", "Only work in the officer's own community counts as presence"),
                       Form.select("communityID", communities.map { ("\($0.id)", $0.name) }, selected: input.communityID, blank: L.t("所内/其他（不计驻社区）", "Station / other (not presence)"))),
            Form.field(L.t("类别", "Kind"), "kind", errors, Form.select("kind", kinds(L), selected: input.kind, blank: L.t("请选择", "Choose…"), required: true)),
            Form.field(L.t("工作内容", "What was done"), "note", errors, wide: true, Form.textarea("note", input.note)),
        ]
        return .page(req, title: title, status: errors.isEmpty ? .ok : .unprocessableEntity,
            StaffingViews.tabs(req, active: "/forces/worklog"),
            .div(.class("breadcrumb"), .a(.href("/forces/worklog"), .text(L.t("工作纪实", "Work log"))), " › ", .text(title)),
            .h1(.text(title)), Form.errorSummary(req, errors),
            .form(.method("post"), .action("/forces/worklog"), .class("card"), Layout.csrfField(req), .element("div", [.class("form")] + fields),
                  .p(.button(.type("submit"), .text(L.t("保存", "Save"))), " ", .a(.href("/forces/worklog"), .text(L.t("取消", "Cancel"))))))
    }

    static func presence(_ req: Request, _ t: WorkLogService.PresenceTable, errors: FieldErrors) -> Response {
        let L = req.lang
        let title = L.t("民警驻社区天数", "Officers' days in the community")
        let weeks = t.officers.first?.weeks.map(\.week) ?? []
        let head: Node = .thead(.tr(.element("th", [.text(L.t("民警", "Officer"))]), .th(.text(L.t("社区/村", "Community"))),
                                    .forEach(weeks) { w in .th(.class("num"), .text("\(w)"), .div(.class("small muted"), .text(w.monday.description.suffix(5) + "–" + w.sunday.description.suffix(5)))) },
                                    .th(.class("num"), .text(L.t("不足周数", "Weeks under")))))
        let rows: [Node] = t.officers.map { r in
            .tr(.td(.a(.href("/forces/officers/\(r.officer.id)/report"), .text(r.officer.name))), .td(.text(r.officer.communityName)),
                .forEach(r.weeks) { w in
                    w.week.sunday.description > t.judgedThrough ? .td(.class("num muted"), .attr("title", L.t("本周未结束", "week not over")), .text("\(w.daysPresent)…"))
                    : w.flagged ? .td(.class("num"), .strong(.attr("title", L.t("不足\(w.required)天", "under \(w.required) days")), .text("\(w.daysPresent) ⚠")))
                              : .td(.class("num"), .text("\(w.daysPresent)"))
                },
                .td(.class("num"), r.weeksFlagged > 0 ? .strong(.text("\(r.weeksFlagged)")) : .text("0")))
        }
        let form: Node = .form(.method("get"), .action("/forces/presence"), .class("filters no-print"),
            .label(.text(L.t("自", "From")), Form.input("from", t.from, type: "date")), .label(.text(L.t("至", "To")), Form.input("to", t.to, type: "date")),
            .button(.type("submit"), .text(L.t("查询", "Show"))))
        return .page(req, title: title, status: errors.isEmpty ? .ok : .unprocessableEntity,
            StaffingViews.tabs(req, active: "/forces/presence"),
            .div(.class("toolbar"), .h1(.text(title)), .button(.type("button"), .class("btn secondary no-print"), .attr("data-print", "1"), .text(L.t("打印", "Print")))),
            StaffingViews.alert(req, errors), form,
            .p(.class("small muted"), .text(L.t("按 ISO 周（周一至周日）统计民警在本人责任社区有工作纪实的天数；每周不少于 \(t.minimumDaysPerWeek) 天（鄂州经验），不足的标 ⚠；本周结束后才判定。共 \(t.flagged) 个不足周。",
                                               "Days per ISO week (Monday–Sunday) with a work-log entry in the officer's own community; at least \(t.minimumDaysPerWeek) a week (seed 001), fewer are marked ⚠; a week is judged once it has ended. \(t.flagged) weeks under."))),
            t.officers.isEmpty ? .div(.class("empty"), .text(L.t("辖区内没有社区民警。", "No community officers in your jurisdiction.")))
                : .table(.class("data"), head, .element("tbody", rows)))
    }

    static func report(_ req: Request, _ b: WorkLogService.MonthlyReportBody, errors: FieldErrors) -> Response {
        let L = req.lang
        let r = b.report
        let title = L.t("工作月报", "Monthly work report") + " · " + b.officer.name + " · \(r.month)"
        let kindRows: [Node] = r.countsByKind.map { k in .tr(.td(.text(L.t(k.kind.nameZh, k.kind.rawValue))), .td(.class("num"), .text("\(k.count)"))) }
        let weekRows: [Node] = r.weeks.map { w in
            let verdict: Node = w.week.sunday.description > b.judgedThrough ? .span(.class("muted"), .text(L.t("未结束", "not over")))
                : w.flagged ? .strong(.text(L.t("⚠ 不足", "⚠ under"))) : .text(L.t("达标", "met"))
            return .tr(.td(.text("\(w.week)")), .td(.text("\(w.week.monday) – \(w.week.sunday)")), .td(.class("num"), .text("\(w.daysPresent)")),
                       .td(.class("num"), .text("\(w.required)")), .td(verdict))
        }
        let entryRows: [Node] = b.entries.map { e in
            .tr(.td(.class("nowrap"), .text(e.day)), .td(.text(e.kindName)), .td(.text(e.communityName ?? L.t("所内/其他", "Station / other"))), .td(.class("small"), .text(e.note)))
        }
        let month = r.month
        return .page(req, title: title, status: errors.isEmpty ? .ok : .unprocessableEntity,
            StaffingViews.tabs(req, active: "/forces/officers"),
            .div(.class("toolbar"), .h1(.text(title)),
                 .a(.class("btn secondary no-print"), .href("/forces/officers/\(b.officer.id)/report?month=\(month.previous)"), .text(L.t("上月", "Previous"))),
                 .a(.class("btn secondary no-print"), .href("/forces/officers/\(b.officer.id)/report?month=\(month.next)"), .text(L.t("下月", "Next"))),
                 .button(.type("button"), .class("btn secondary no-print"), .attr("data-print", "1"), .text(L.t("打印", "Print")))),
            Form.errorSummary(req, errors), errors["month"].map { Node.div(.class("alert error"), .text($0)) } ?? .empty,
            .div(.class("card"), .element("dl", [.class("kv"),
                .dt(.text(L.t("民警", "Officer"))), .dd(.text(b.officer.name)),
                .dt(.text(L.t("责任社区", "Community"))), .dd(.text(b.officer.communityName + (b.officer.stationName.map { " · " + $0 } ?? ""))),
                .dt(.text(L.t("工作纪实", "Entries"))), .dd(.text("\(r.entries)")),
                .dt(.text(L.t("有记录天数", "Days logged"))), .dd(.text("\(r.daysLogged)")),
                .dt(.text(L.t("驻社区天数", "Days in the community"))), .dd(.text("\(r.daysPresent)")),
                .dt(.text(L.t("不足周数", "Weeks under"))), .dd(.text("\(b.weeksFlagged) / \(b.weeksJudged)"))])),
            .h2(.text(L.t("按类别", "By kind"))),
            .table(.class("data"), .thead(.tr(.th(.text(L.t("类别", "Kind"))), .th(.class("num"), .text(L.t("条数", "Entries"))))), .element("tbody", kindRows)),
            .h2(.text(L.t("每周驻社区（周四所在月计入本月）", "Weeks (a week belongs to the month of its Thursday)"))),
            .table(.class("data"), .thead(.tr(.th(.text(L.t("周", "Week"))), .th(.text(L.t("日期", "Dates"))), .th(.class("num"), .text(L.t("驻社区", "Days"))),
                                              .th(.class("num"), .text(L.t("应驻", "Required"))), .th(.text("")))), .element("tbody", weekRows)),
            .h2(.text(L.t("本月工作纪实", "Entries this month"))),
            entryRows.isEmpty ? .p(.class("muted"), .text(L.t("本月没有工作纪实。", "No entries this month.")))
                : .table(.class("data"), .thead(.tr(.th(.text(L.t("日期", "Date"))), .th(.text(L.t("类别", "Kind"))), .th(.text(L.t("地点", "Where"))), .th(.text(L.t("内容", "Note"))))),
                         .element("tbody", entryRows)))
    }
}
