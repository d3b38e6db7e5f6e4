import Fluent
import Vapor
import PinganKit

/// This month's incident figures in the user's jurisdiction and the newest incidents (the former start page): shown
/// under the desk of the roles that read it, and on its own at `/overview` for everyone who may see incidents.
struct DashboardController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws { routes.get("overview", use: index) }

    @Sendable func index(req: Request) async throws -> Response {
        try req.require(.viewIncidents)
        let L = req.lang
        return .page(req, title: L.t("本月警情概况", "This month's incidents"), .group(try await Self.overview(req)))
    }

    static func overview(_ req: Request) async throws -> [Node] {
        let L = req.lang
        let cal = LocalCalendar(timeZoneIdentifier: req.config.timeZone)
        let month = cal.yearMonth(of: Date())
        let now = Date()
        let cur = cal.monthRange(month), lastFull = cal.monthRange(month.previous)
        // The month in progress is compared with the same stretch of last month (1st to this moment's day and
        // hour): against all of last month, two days of December read as a 93 % fall.
        let prev = lastFull.lowerBound ..< min(lastFull.upperBound, lastFull.lowerBound.addingTimeInterval(now.timeIntervalSince(cur.lowerBound)))
        func base() async throws -> QueryBuilder<Incident> {
            let scope = try await req.scope()
            let q = scope.restrict(Incident.query(on: req.db))
            return q
        }
        let thisMonth = try await base().filter(\.$occurredAt >= cur.lowerBound).filter(\.$occurredAt < cur.upperBound).count()
        let lastMonth = try await base().filter(\.$occurredAt >= prev.lowerBound).filter(\.$occurredAt < prev.upperBound).count()
        let prevThis = try await base().filter(\.$preventable == true).filter(\.$occurredAt >= cur.lowerBound).filter(\.$occurredAt < cur.upperBound).count()
        let prevLast = try await base().filter(\.$preventable == true).filter(\.$occurredAt >= prev.lowerBound).filter(\.$occurredAt < prev.upperBound).count()
        let toDispatch = try await base().filter(\.$status == .received).count()
        let inHand = try await base().filter(\.$status == .dispatched).count()
        let recent = try await base().sort(\.$occurredAt, .descending).limit(10).all()
        let lookup = try await IncidentLookup.load(for: recent, on: req.db)
        func stat(_ n: Int, _ label: String, _ sub: String? = nil) -> Node {
            .div(.class("stat"), .div(.class("num"), .text("\(n)")), .div(.class("lbl"), .text(label)), .if(sub != nil, .div(.class("small muted"), .text(sub ?? ""))))
        }
        let m = "\(month)"
        // Open early-warning alerts of the station / community concerned (研判预警).
        let notices = AlertViews.notice(req, try await AlertService.openForDashboard(req))
        return [
            .h2(.text(L.t("本月警情概况", "This month's incidents")), " ", .small(.class("muted"), .text(m))),
            notices,
            .div(.class("stats"),
                stat(thisMonth, L.t("本月警情", "Incidents this month"), L.t("较上月同期 ", "vs same days last month ") + PercentChange.format(current: thisMonth, previous: lastMonth)),
                stat(prevThis, L.t("本月可防性案件", "Preventable cases this month"), L.t("较上月同期 ", "vs same days last month ") + PercentChange.format(current: prevThis, previous: prevLast)),
                stat(toDispatch, L.t("待派警", "To dispatch")),
                stat(inHand, L.t("处置中", "Being handled"))),
            .p(.a(.class("btn secondary"), .href("/incidents?month=\(m)"), .text(L.t("查看本月警情", "This month's incidents"))), " ",
               .a(.class("btn secondary"), .href("/incidents?status=received"), .text(L.t("待派警情", "To dispatch"))), " ",
               .a(.class("btn secondary"), .href("/incidents?status=dispatched"), .text(L.t("处置中警情", "Being handled")))),
            .h3(.text(L.t("最新警情", "Newest incidents"))),
            recent.isEmpty ? .div(.class("empty"), .text(L.t("辖区内还没有警情记录。", "No incidents recorded in your jurisdiction yet.")))
                : .table(.class("data"),
                    .thead(.tr(.th(.text(L.t("编号", "Number"))), .th(.text(L.t("发生时间", "Occurred"))), .th(.text(L.t("类别", "Category"))), .th(.text(L.t("社区", "Community"))), .th(.text(L.t("状态", "Status"))))),
                    .tbody(.forEach(recent) { i in
                        .tr(.td(.a(.href("/incidents/\(i.id!)"), .text(i.number(cal)))), .td(.text(cal.formatDateTime(i.occurredAt))),
                            .td(.text(lookup.subcategoryName(i.subcategory, L))), .td(.text(lookup.divisionName(i.communityID) ?? "")),
                            .td(IncidentViews.statusBadge(i.status, L)))
                    }))]
    }
}
