import Vapor
import PinganKit

/// Pages of the grid-event loop: the list with its work queues, the report form (phone first), the event.
enum GridEventViews {
    static func statusBadge(_ s: GridEventStatus, _ L: Lang) -> Node {
        let cls: String
        switch s {
        case .reported, .returned, .rework: cls = "received"
        case .registered, .dispatched, .handling: cls = "dispatched"
        case .handled: cls = "handled"
        case .closed: cls = "closed"
        case .declined: cls = "gen"
        }
        return .span(.class("badge " + cls), .text(L.t(s.nameZh, s.nameEn)))
    }

    static func clockBadge(_ c: GridEventClockDTO?, _ L: Lang) -> Node {
        guard let c else { return .empty }
        switch c.state {
        case .onTime: return .span(.class("small muted"), .text(L.t("剩 \(hours(c.remainingHours)) 工作小时", "\(hours(c.remainingHours)) working h left")))
        case .nearDeadline: return .span(.class("badge dispatched"), .text(L.t("临期 · 剩 \(hours(c.remainingHours)) 小时", "Due soon · \(hours(c.remainingHours)) h left")))
        case .overdue: return .span(.class("badge received"), .text(L.t("超期 \(hours(-c.remainingHours)) 小时", "Overdue \(hours(-c.remainingHours)) h")))
        }
    }

    static func hours(_ h: Double) -> String { h >= 10 ? String(Int(h.rounded())) : String(format: "%.1f", h) }

    /// 转为网格事件: the small form other features put beside a record (a patrol finding, an inspection's hazard) to
    /// take it up as an event — category and urgency; the rest comes from the record. `failed`: what was chosen, and why not.
    static func takeUpForm(_ req: Request, action: String, categories: [(group: String, items: [(String, String)])],
                           failed: (GridEventTakeUpInput, FieldErrors)? = nil) -> Node {
        let L = req.lang
        let chosen = failed?.0, errors = failed?.1 ?? FieldErrors()
        let message = errors.fields.values.sorted().joined(separator: "；")
        return .form(.method("post"), .action(action), .class("take-up no-print"), Layout.csrfField(req),
            .select(.name("categoryCode"), .required(), .attr("aria-label", L.t("事件类别", "Category")),
                    .option(.value(""), .text(L.t("选择事件类别…", "Category…"))),
                    .forEach(categories) { g in .element("optgroup", [.attr("label", g.group), .forEach(g.items) { v, t in .option(.value(v), .selected(v == chosen?.categoryCode), .text(t)) }]) }),
            .select(.name("urgency"), .attr("aria-label", L.t("紧急程度", "Urgency")),
                    .forEach(GridEventUrgency.allCases.reversed()) { u in .option(.value(u.rawValue), .selected(u.rawValue == (chosen?.urgency ?? "normal")), .text(L.t(u.nameZh, u.nameEn))) }),
            .button(.type("submit"), .class("secondary"), .text(L.t("转为网格事件", "Take up as a grid event"))),
            message.isEmpty ? .empty : .span(.class("field-error"), .attr("role", "alert"), .text(message)))
    }

    static func tabs(_ req: Request, active: GridEventFilter.Queue?, counts: [GridEventFilter.Queue: Int]) -> Node {
        let L = req.lang
        let items: [(GridEventFilter.Queue?, String, String)] = [
            (nil, "全部", "All"), (.register, "待立案", "To register"), (.dispatch, "待派遣", "To dispatch"), (.withUnit, "处置中", "With units"),
            (.overdue, "超期", "Overdue"), (.verify, "待核查", "To verify"), (.closed, "已办结", "Finished"),
        ]
        return .element("nav", [.class("tabs no-print")] + items.map { q, zh, en in
            .a(.href("/events" + (q.map { "?queue=\($0.rawValue)" } ?? "")), q == active ? .class("active") : .empty,
               .text(L.t(zh, en) + (q.flatMap { counts[$0] }.map { " \($0)" } ?? "")))
        })
    }

    static func list(_ req: Request, items: [GridEventDTO], info: PageInfo, filter: GridEventFilter, errors: FieldErrors, counts: [GridEventFilter.Queue: Int],
                     categories: [GridEventCategoryRow], canReport: Bool, isCentre: Bool) -> Response {
        let L = req.lang, cal = req.localCalendar
        let query = req.url.query ?? ""
        let toolbar: Node = .div(.class("toolbar"), .h1(.text(L.t("网格事件", "Grid events"))),
            canReport ? .a(.class("btn"), .href("/events/new"), .text(L.t("上报事件", "Report a problem"))) : .empty,
            isCentre ? .a(.class("btn secondary"), .href("/events/desk"), .text(L.t("派遣台", "Dispatch desk"))) : .empty,
            .a(.class("btn secondary"), .href("/events/evaluation"), .text(L.t("综合评价", "Evaluation"))),
            .a(.class("btn secondary"), .href("/events/export.csv" + (query.isEmpty ? "" : "?" + query)), .text(L.t("导出 CSV", "Export CSV"))),
            (try? req.user.role.can(.configureGridEvents)) == true ? .a(.class("btn secondary"), .href("/events/settings"), .text(L.t("设置", "Settings"))) : .empty)
        let options = GridEventCategories.options(categories, L)
        var form: [Node] = [.method("get"), .action("/events"), .class("filters")]
        if let q = filter.queue { form.append(.input(.type("hidden"), .name("queue"), .value(q.rawValue))) }
        form.append(.label(.text(L.t("类别", "Category")), .select(.name("category"), .id("f-category"), .option(.value(""), .text(L.t("全部", "All"))),
            .forEach(options) { g in .element("optgroup", [.attr("label", g.group), .forEach(g.items) { v, t in .option(.value(v), .selected(v == filter.category), .text(t)) }]) })))
        form.append(.label(.text(L.t("状态", "Status")), Form.select("status", GridEventStatus.allCases.map { ($0.rawValue, L.t($0.nameZh, $0.nameEn)) }, selected: filter.status?.rawValue, blank: L.t("全部", "All"))))
        form.append(.label(.text(L.t("上报自", "From")), Form.input("from", req.query[String.self, at: "from"], type: "date")))
        form.append(.label(.text(L.t("至", "To")), Form.input("to", req.query[String.self, at: "to"], type: "date")))
        form.append(.label(.text(L.t("关键词", "Text")), Form.input("q", filter.q)))
        form.append(.button(.type("submit"), .text(L.t("查询", "Search"))))
        let alert: Node = errors.isEmpty ? .empty : .div(.class("alert error"), .attr("role", "alert"),
            .text(L.t("以下条件无效，已忽略：", "Ignored invalid filters: ") + errors.fields.keys.sorted().map { errors.fields[$0]! }.joined(separator: "；")))
        let head: Node = .thead(.tr(.th(.text(L.t("编号", "Number"))), .th(.text(L.t("类别", "Category"))), .th(.text(L.t("位置", "Where"))),
                                    .th(.text(L.t("状态", "Status"))), .th(.class("hide-sm"), .text(L.t("处置单位", "Unit"))), .th(.text(L.t("时限", "Deadline"))),
                                    .th(.class("hide-sm"), .text(L.t("上报时间", "Reported")))))
        let rows: [Node] = items.map { e in
            .tr(.td(.a(.href("/events/\(e.id)"), .text(e.number)), e.urgency == .normal ? .empty : .span(.class("badge received"), .text(" " + L.t(e.urgency.nameZh, e.urgency.nameEn)))),
                .td(.text(e.categoryName)),
                .td(.text(e.communityName), .span(.class("small muted"), .text(e.gridName.map { " · " + $0 } ?? ""))),
                .td(statusBadge(e.status, L), e.supervision.map { .span(.class("badge received"), .text(" " + L.t($0.nameZh, $0.nameEn))) } ?? .empty),
                .td(.class("hide-sm"), .text(e.unitName ?? "—")),
                .td(e.deadline.map { .group([.span(.class("nowrap"), .text(cal.formatDateTime($0))), .br(), clockBadge(e.clock, L)]) } ?? .text("—")),
                .td(.class("hide-sm nowrap"), .text(cal.formatDateTime(e.reportedAt))))
        }
        let body: Node = items.isEmpty
            ? .div(.class("empty"), .text(info.total > 0 ? L.t("这一页没有记录。", "This page is past the end.") : L.t("没有符合条件的事件。", "No event matches.")))
            : .div(.class("scroll"), .table(.class("data"), head, .element("tbody", rows)))
        return .page(req, title: L.t("网格事件", "Grid events"), status: errors.isEmpty ? .ok : .unprocessableEntity,
                     toolbar, tabs(req, active: filter.queue, counts: counts), alert, .element("form", form), body, Pager.view(req, info))
    }
}
