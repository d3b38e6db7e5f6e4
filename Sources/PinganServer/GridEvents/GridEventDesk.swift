import Fluent
import Vapor
import PinganKit

/// The command centre's dispatch desk (派遣台): what waits for it — reports to register, events to dispatch, extension
/// requests — and the clocks of what is with the units: near the deadline (≥ 80 % of the limit), overdue, and the
/// supervision orders (督办单) now due, yellow then red, each one click away.
enum GridEventDesk {
    struct Due { var event: GridEventDTO; var level: SupervisionLevel }

    static func page(_ req: Request) async throws -> Response {
        let L = req.lang, cal = req.localCalendar
        let (settings, working) = try await req.gridEventCalendar()
        func load(_ q: GridEventFilter.Queue, limit: Int = 15) async throws -> (Int, [GridEvent]) {
            let query = try await GridEventFilter(queue: q).query(req)
            return (try await query.copy().count(), try await query.limit(limit).all())
        }
        let (nRegister, toRegister) = try await load(.register)
        let (nDispatch, toDispatch) = try await load(.dispatch)
        let (nExtensions, extensions) = try await load(.extensions)
        let (nVerify, _) = try await load(.verify, limit: 0)
        // Every event with a unit: clocks are working hours, computed here (a few thousand at district scale).
        let withUnit = try await GridEventFilter(queue: .withUnit).query(req).limit(5000).all()
        let now = Date()
        let policy = SupervisionPolicy(redAfterOverdueFraction: settings.redAfterFraction)
        let l = try await GridEventLookup.load(req, toRegister + toDispatch + extensions + withUnit)
        let dto = { (e: GridEvent) in e.toDTO(l, L, cal, working) }
        let clocked = withUnit.map(dto)
        let near = clocked.filter { $0.clock?.state == .nearDeadline }
        let overdue = clocked.filter { $0.clock?.state == .overdue }
        var due: [Due] = []
        for e in withUnit {
            let s = e.state
            guard let deadline = s.deadline, let limit = s.timeLimit,
                  let level = policy.due(deadline: deadline, limit: limit, now: now, issued: s.supervision, calendar: working) else { continue }
            due.append(Due(event: dto(e), level: level))
        }
        let stats: Node = .div(.class("stats"),
            stat(L.t("待立案", "To register"), nRegister, "/events?queue=register"), stat(L.t("待派遣", "To dispatch"), nDispatch, "/events?queue=dispatch"),
            stat(L.t("延期申请", "Extension requests"), nExtensions, "/events?queue=extensions"), stat(L.t("临期", "Due soon"), near.count, "/events?queue=with_unit"),
            stat(L.t("超期", "Overdue"), overdue.count, "/events?queue=overdue"), stat(L.t("待核查", "To verify"), nVerify, "/events?queue=verify"))
        func table(_ title: String, _ rows: [GridEventDTO], more: Int, link: String) -> Node {
            .div(.class("card"), .h2(.text(title + " (\(more))")),
                 rows.isEmpty ? .p(.class("muted"), .text(L.t("没有。", "None."))) : .div(.class("scroll"), .table(.class("data compact"), .element("tbody", rows.map { e in
                    .tr(.td(.a(.href("/events/\(e.id)"), .text(e.number))), .td(.text(e.categoryName)), .td(.text(e.communityName + (e.gridName.map { " · " + $0 } ?? ""))),
                        .td(.class("nowrap hide-sm"), .text(cal.formatDateTime(e.reportedAt))), .td(GridEventViews.clockBadge(e.clock, L)))
                 }))),
                 more > rows.count ? .p(.a(.href(link), .text(L.t("全部 \(more) 条 →", "All \(more) →")))) : .empty)
        }
        let supervision: Node = .div(.class("card"), .h2(.text(L.t("应督办", "Supervision orders due") + " (\(due.count))")),
            due.isEmpty ? .p(.class("muted"), .text(L.t("没有超期未处置的事件。", "No event is overdue."))) : .div(.class("scroll"), .table(.class("data compact"), .element("tbody", due.prefix(30).map { d in
                .tr(.td(.a(.href("/events/\(d.event.id)"), .text(d.event.number))), .td(.text(d.event.unitName ?? "")), .td(GridEventViews.clockBadge(d.event.clock, L)),
                    .td(.form(.method("post"), .action("/events/\(d.event.id)/actions"), .class("inline"), Layout.csrfField(req),
                              .input(.type("hidden"), .name("action"), .value("supervise")), .input(.type("hidden"), .name("level"), .value(d.level.rawValue)),
                              .button(.type("submit"), .class(d.level == .red ? "danger nowrap" : "secondary nowrap"), .text(L.t(d.level == .red ? "红牌督办" : "黄牌督办", d.level == .red ? "Red order" : "Yellow order"))))))
            }))))
        return .page(req, title: L.t("派遣台", "Dispatch desk"),
            .div(.class("breadcrumb"), .a(.href("/events"), .text(L.t("网格事件", "Grid events"))), " › ", .text(L.t("派遣台", "Dispatch desk"))),
            .h1(.text(L.t("指挥中心派遣台", "Command centre: dispatch desk"))), stats,
            .p(.class("small muted"), .text(L.t("时限按工作日历计算（含法定节假日与调休）；已用去 80% 时限为临期；超期即应发黄牌督办，超期达时限的一半应发红牌督办。",
                                                "Deadlines count working hours on the calendar (public holidays and make-up days included); 80 % of the limit used is 'due soon'; overdue calls for a yellow order, overdue by half the limit for a red one."))),
            supervision,
            .div(.class("grid2"), table(L.t("待立案", "To register"), toRegister.map(dto), more: nRegister, link: "/events?queue=register"),
                                  table(L.t("待派遣（含退回）", "To dispatch (incl. returned)"), toDispatch.map(dto), more: nDispatch, link: "/events?queue=dispatch")),
            .div(.class("grid2"), table(L.t("延期申请", "Extension requests"), extensions.map(dto), more: nExtensions, link: "/events?queue=extensions"),
                                  table(L.t("临期", "Due soon"), Array(near.prefix(15)), more: near.count, link: "/events?queue=with_unit")))
    }

    static func stat(_ label: String, _ n: Int, _ href: String) -> Node {
        .a(.class("stat"), .href(href), .div(.class("num"), .text("\(n)")), .div(.class("lbl"), .text(label)))
    }
}
