import Vapor
import PinganKit

enum AlertViews {
    static func ruleName(_ a: WarningAlertRecord, _ L: Lang) -> String {
        if a.rule == WarningAlert.Rule.poissonExceedance.rawValue { return L.t("泊松超限", "Poisson exceedance") }
        switch a.comparison {
        case "samePeriodLastYear": return L.t("升幅规则（同比）", "Increase rule (year on year)")
        case "previousPeriod": return L.t("升幅规则（环比）", "Increase rule (period on period)")
        default: return L.t("升幅规则", "Increase rule")
        }
    }

    static func periodText(_ a: WarningAlertRecord, _ L: Lang) -> String {
        a.period == .month ? L.t("\(a.periodLabel) 月", "Month \(a.periodLabel)") : L.t("\(a.periodLabel) 起一周", "Week of \(a.periodLabel)")
    }

    static func statusBadge(_ s: AlertStatus, _ L: Lang) -> Node {
        .span(.class("badge " + (s == .open ? "received" : s == .acknowledged ? "dispatched" : "closed")), .text(L.t(s.zh, s.en)))
    }

    static func unitText(_ a: WarningAlertRecord, _ L: Lang) -> String { L.t(a.unitKind.nameZh, a.unitKind == .community ? "Community" : "Station") + " · " + a.unitName }

    static func list(_ req: Request, alerts: [WarningAlertRecord], info: PageInfo, filter: AlertFilter, errors: FieldErrors, canManage: Bool, flash: String?) -> Response {
        let L = req.lang
        let query = req.url.query ?? ""
        let title = L.t("预警通报", "Alerts")
        let cal = LocalCalendar(timeZoneIdentifier: req.config.timeZone)
        let recompute: Node = canManage
            ? .form(.method("post"), .action("/alerts/recompute"), .class("inline no-print"), Layout.csrfField(req),
                    .button(.type("submit"), .class("btn"), .text(L.t("重新研判（上月、上周）", "Recompute (last month, last week)"))))
            : .empty
        let note: Node = flash.map { f in
            let parts = f.split(separator: "-").map(String.init)
            return .div(.class("alert ok"), .text(L.t("研判完成：新增预警 \(parts.first ?? "0") 条，已有 \(parts.count > 1 ? parts[1] : "0") 条未重复生成。",
                                                       "Recomputed: \(parts.first ?? "0") new alerts, \(parts.count > 1 ? parts[1] : "0") already present (not duplicated).")))
        } ?? .empty
        let filters: Node = .form(.method("get"), .action("/alerts"), .class("filters"),
            .label(.text(L.t("状态", "Status")), Form.select("status", AlertStatus.allCases.map { ($0.rawValue, L.t($0.zh, $0.en)) }, selected: filter.status?.rawValue, blank: L.t("全部", "All"))),
            .label(.text(L.t("周期", "Period")), Form.select("period", [("month", L.t("月", "Month")), ("week", L.t("周", "Week"))], selected: filter.period?.rawValue, blank: L.t("全部", "All"))),
            .label(.text(L.t("单位", "Unit")), Form.select("unit", [("community", L.t("社区", "Community")), ("station", L.t("派出所", "Station"))], selected: filter.unitKind?.rawValue, blank: L.t("全部", "All"))),
            .label(.text(L.t("规则", "Rule")), Form.select("rule", [("poisson", L.t("泊松超限", "Poisson")), ("increase", L.t("升幅规则", "Increase rule"))], selected: filter.rule, blank: L.t("全部", "All"))),
            .label(.input(.type("checkbox"), .name("mine"), .value("1"), .checked(filter.mine)), .text(" " + L.t("指派给我的", "Assigned to me"))),
            .button(.type("submit"), .text(L.t("查询", "Search"))), .a(.href("/alerts"), .text(L.t("清除", "Clear"))))
        let head: Node = .thead(.tr(.th(.text(L.t("单位", "Unit"))), .th(.text(L.t("期间", "Period"))), .th(.text(L.t("规则", "Rule"))),
                                    .th(.class("num"), .text(L.t("本期", "Cases"))), .th(.class("hide-sm"), .text(L.t("预警理由", "Reason"))),
                                    .th(.text(L.t("状态", "Status")))))
        let rows: [Node] = alerts.map { a in
            .tr(.td(.a(.href("/alerts/\(a.id!)"), .text(unitText(a, L)))), .td(.class("nowrap"), .text(periodText(a, L))),
                .td(.text(ruleName(a, L))), .td(.class("num"), .text("\(a.observed)")),
                .td(.class("hide-sm small"), .text(L.t(a.reasonZh, a.reasonEn))),
                .td(statusBadge(a.status, L), .div(.class("small muted"), .text(a.createdAt.map { cal.formatDate($0) } ?? ""))))
        }
        let body: Node = alerts.isEmpty
            ? .div(.class("empty"), .text(info.total > 0 ? L.t("这一页没有记录。", "This page is past the end.")
                                                            : L.t("没有符合条件的预警。", "No alerts match these filters.")))
            : .table(.class("data"), head, .element("tbody", rows))
        return .page(req, title: title,
            AnalysisViews.tabs(req, active: "alerts", query: ""),
            .div(.class("toolbar"), .h1(.text(title)), recompute,
                 .a(.class("btn secondary"), .href("/alerts/export.csv" + (query.isEmpty ? "" : "?" + query)), .text(L.t("导出 CSV", "Export CSV")))),
            note, AnalysisViews.errorNote(req, errors), filters, body, Pager.view(req, info),
            .p(.class("small muted"), .text(L.t("按可防性案件计。泊松超限：本期数 x 与往年同期均值 μ 比较，Wheeler z = 2(√x − √μ) ≥ 3 且 x ≥ 5 时预警（无往年数据时用前8期均值）；升幅规则：较去年同期或上期上升 ≥ 50% 且本期 ≥ 5 起。",
                                              "Counts preventable cases. Poisson: Wheeler z = 2(√x − √μ) ≥ 3 against the mean of the same period in previous years (trailing 8 periods without a previous year), with x ≥ 5. Rule: up ≥ 50% on the same period last year or the previous period, and ≥ 5 cases."))))
    }

    static func detail(_ req: Request, _ a: WarningAlertRecord, events: [WarningAlertEvent], names: [Int: String], assignees: [User],
                       canManage: Bool, errors: FieldErrors, input: AlertService.ActionInput?) -> Response {
        let L = req.lang
        let cal = LocalCalendar(timeZoneIdentifier: req.config.timeZone)
        let title = unitText(a, L) + " · " + L.t("预警", "alert")
        func actionName(_ s: String) -> String {
            switch s {
            case "created": return L.t("生成预警", "Raised")
            case "acknowledge": return L.t("签收", "Acknowledged")
            case "assign": return L.t("指派", "Assigned")
            case "close": return L.t("办结", "Closed")
            default: return s
            }
        }
        let facts: Node = .dl(.class("facts"),
            .dt(.text(L.t("单位", "Unit"))), .dd(.text(unitText(a, L))),
            .dt(.text(L.t("期间", "Period"))), .dd(.text(periodText(a, L))),
            .dt(.text(L.t("规则", "Rule"))), .dd(.text(ruleName(a, L))),
            .dt(.text(L.t("本期", "Cases"))), .dd(.text("\(a.observed)")),
            .dt(.text(L.t("基线", "Baseline"))), .dd(.text(Decimals.format(a.baseline, places: 1))),
            .dt(.text(L.t("预警理由", "Reason"))), .dd(.text(L.t(a.reasonZh, a.reasonEn))),
            .dt(.text(L.t("状态", "Status"))), .dd(statusBadge(a.status, L)),
            .dt(.text(L.t("责任人", "Assigned to"))), .dd(.text(a.assigneeID.flatMap { names[$0] } ?? "—")))
        let month = a.period == .month ? a.periodLabel : String(a.periodLabel.prefix(7))
        let links: Node = .p(.class("no-print"),
            .a(.class("btn secondary"), .href("/incidents?preventable=true&" + (a.unitKind == .community ? "community=\(a.unitID)&" : "") + (a.period == .month ? "month=\(a.periodLabel)" : "from=\(a.periodLabel)")), .text(L.t("查看相关警情", "Incidents behind it"))), " ",
            .a(.class("btn secondary"), .href("/analysis/report?month=\(month)&" + (a.unitKind == .community ? "community=\(a.unitID)" : "station=\(a.unitID)")), .text(L.t("警情分析报告", "Analysis report"))))
        let timeline: Node = .table(.class("data compact"),
            .thead(.tr(.th(.text(L.t("时间", "When"))), .th(.text(L.t("操作", "Action"))), .th(.text(L.t("操作人", "By"))), .th(.text(L.t("说明", "Note"))))),
            .tbody(.forEach(events) { e in
                .tr(.td(.class("nowrap"), .text(cal.formatDateTime(e.at))), .td(.text(actionName(e.action) + (e.assigneeID.flatMap { names[$0] }.map { " → " + $0 } ?? ""))),
                    .td(.text(e.userID.flatMap { names[$0] } ?? L.t("系统", "System"))), .td(.text(e.note)))
            }))
        let actions: [(String, String)] = (a.status == .open ? [("acknowledge", L.t("签收", "Acknowledge"))] : [])
            + [("assign", L.t("指派", "Assign")), ("close", L.t("办结", "Close"))]
        let form: Node = canManage && a.status != .closed
            ? .form(.method("post"), .action("/alerts/\(a.id!)/action"), .class("card no-print"), Layout.csrfField(req),
                .h2(.text(L.t("处置", "Handle"))),
                Form.errorSummary(req, errors),
                .div(.class("form"),
                Form.field(L.t("操作", "Action"), "action", errors, Form.select("action", actions, selected: input?.action, required: true)),
                Form.field(L.t("指派给", "Assign to"), "assigneeID", errors, Form.select("assigneeID", assignees.map { ("\($0.id!)", $0.displayName + " · " + L.t($0.role.nameZh, $0.role.nameEn)) },
                    selected: input?.assigneeID ?? a.assigneeID.map(String.init), blank: L.t("—", "—"))),
                Form.field(L.t("说明", "Note"), "note", errors, wide: true, hint: L.t("办结时须写明处置情况", "Required when closing"), Form.textarea("note", input?.note))),
                .p(.button(.type("submit"), .text(L.t("提交", "Submit")))))
            : .empty
        return .page(req, title: title,
            .p(.class("breadcrumb no-print"), .a(.href("/alerts"), .text(L.t("预警通报", "Alerts")))),
            .div(.class("toolbar"), .h1(.text(title), " ", statusBadge(a.status, L)),
                 .button(.type("button"), .class("btn secondary no-print"), .attr("data-print", "1"), .text(L.t("打印", "Print")))),
            .div(.class("card"), facts), links,
            .h2(.text(L.t("处置记录", "Handling record"))), timeline, form)
    }

    /// The dashboard notice: open alerts of the station / community concerned.
    static func notice(_ req: Request, _ alerts: [WarningAlertRecord]) -> Node {
        guard !alerts.isEmpty else { return .empty }
        let L = req.lang
        return .div(.class("alert error notice"), .attr("role", "status"),
            .strong(.text(L.t("预警通报：", "Alerts: "))),
            .ul(.forEach(alerts) { a in
                .li(.a(.href("/alerts/\(a.id!)"), .text(unitText(a, L) + " · " + periodText(a, L))), .text(" — " + L.t(a.reasonZh, a.reasonEn)))
            }),
            .a(.href("/alerts?status=open"), .text(L.t("全部待处置预警", "All open alerts"))))
    }
}
