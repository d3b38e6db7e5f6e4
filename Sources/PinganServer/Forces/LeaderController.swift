import Fluent
import Vapor
import PinganKit

/// 领导挂点: station leaders assigned to communities, with their communities' incident rise or fall.
struct LeaderController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let r = routes.grouped("forces", "leaders")
        r.get(use: list)
        r.post(use: create)
        r.post(":id", "remove", use: remove)
    }

    func page(_ req: Request, input: LeaderInput = LeaderInput(), errors: FieldErrors = FieldErrors()) async throws -> Response {
        var filterErrors = FieldErrors()
        let days = LeaderAssignmentService.days(req, errors: &filterErrors)
        let report = try await LeaderAssignmentService.report(req, days: days)
        let res = LeaderViews.list(req, report, communities: try await DivisionLookup.communities(req), input: input, errors: errors, filterErrors: filterErrors,
                                   canManage: try req.user.role.can(.manageOfficers))
        if !errors.isEmpty || !filterErrors.isEmpty { res.status = .unprocessableEntity }
        return res
    }

    @Sendable func list(req: Request) async throws -> Response {
        try req.require(.viewForces)
        return try await page(req)
    }

    @Sendable func create(req: Request) async throws -> Response {
        try req.require(.manageOfficers)
        let input = try req.content.decode(LeaderInput.self)
        do {
            _ = try await LeaderAssignmentService.create(req, input)
            return req.redirect(to: "/forces/leaders")
        } catch let e as FieldErrors {
            return try await page(req, input: input, errors: e)
        }
    }

    @Sendable func remove(req: Request) async throws -> Response {
        try req.require(.manageOfficers)
        try await LeaderAssignmentService.remove(req, try await LeaderAssignmentService.scoped(req, req.parameters.get("id", as: Int.self)))
        return req.redirect(to: "/forces/leaders")
    }
}

/// JSON API: `/api/v1/leaders`.
struct LeaderAPIController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let r = routes.grouped("api", "v1", "leaders")
        r.get(use: list)
        r.post(use: create)
        r.delete(":id", use: remove)
    }

    @Sendable func list(req: Request) async throws -> LeaderReport {
        try req.require(.viewForces)
        var e = FieldErrors()
        let days = LeaderAssignmentService.days(req, errors: &e)
        guard e.isEmpty else { throw e }
        return try await LeaderAssignmentService.report(req, days: days)
    }

    struct Created: Content { var id: Int; var leaderName: String; var role: LeaderRole; var communityID: Int }

    @Sendable func create(req: Request) async throws -> Response {
        let a = try await LeaderAssignmentService.create(req, try req.content.decode(LeaderInput.self))
        return try await Created(id: a.id!, leaderName: a.leaderName, role: a.role, communityID: a.communityID).encodeResponse(status: .created, for: req)
    }

    @Sendable func remove(req: Request) async throws -> HTTPStatus {
        try req.require(.manageOfficers)
        try await LeaderAssignmentService.remove(req, try await LeaderAssignmentService.scoped(req, req.parameters.get("id", as: Int.self)))
        return .noContent
    }
}

enum LeaderViews {
    static func list(_ req: Request, _ r: LeaderReport, communities: [(id: Int, name: String)], input: LeaderInput, errors: FieldErrors, filterErrors: FieldErrors, canManage: Bool) -> Response {
        let L = req.lang
        let title = L.t("领导挂点社区", "Leaders assigned to communities")
        let c = r.coverage
        let summary = L.t("\(c.stations) 个派出所 \(c.leaders) 名领导挂点 \(c.communities) 个社区；其中正职 \(c.leadersByRole[.principal] ?? 0) 名挂点 \(c.communitiesByRole[.principal] ?? 0) 个，副职 \(c.leadersByRole[.deputy] ?? 0) 名挂点 \(c.communitiesByRole[.deputy] ?? 0) 个。",
                          "\(c.leaders) leaders of \(c.stations) stations cover \(c.communities) communities: \(c.leadersByRole[.principal] ?? 0) principals on \(c.communitiesByRole[.principal] ?? 0), \(c.leadersByRole[.deputy] ?? 0) deputies on \(c.communitiesByRole[.deputy] ?? 0).")
        let rows: [Node] = r.leaders.map { l in
            .tr(.td(.strong(.text(l.leaderName))), .td(.text(l.stationName)), .td(.text(L.t(l.role.nameZh, l.role.rawValue))),
                .td(.group(l.communities.map { x in
                    .div(.text("\(x.name)：\(x.previous) → \(x.current)（\(x.change)）"),
                         canManage ? .form(.method("post"), .action("/forces/leaders/\(x.assignmentID)/remove"), .class("inline no-print"), Layout.csrfField(req),
                                           .button(.type("submit"), .class("link"), .text(L.t("撤销", "Remove")))) : .empty)
                })),
                .td(.class("num"), .text("\(l.previous)")), .td(.class("num"), .text("\(l.current)")),
                .td(.class("num"), l.current > l.previous ? .strong(.text(l.change)) : .text(l.change)))
        }
        let form: Node = canManage
            ? .form(.method("post"), .action("/forces/leaders"), .class("card no-print"), Layout.csrfField(req), .h2(.text(L.t("新增挂点", "Assign a leader"))),
                    Form.errorSummary(req, errors),
                    .div(.class("form"),
                        Form.field(L.t("领导姓名", "Leader"), "leaderName", errors, Form.input("leaderName", input.leaderName, required: true)),
                        Form.field(L.t("职务", "Role"), "role", errors, Form.select("role", LeaderRole.allCases.map { ($0.rawValue, L.t($0.nameZh, $0.rawValue)) }, selected: input.role, blank: L.t("请选择", "Choose…"), required: true)),
                        Form.field(L.t("挂点社区", "Community"), "communityID", errors, Form.select("communityID", communities.map { ("\($0.id)", $0.name) }, selected: input.communityID, blank: L.t("请选择", "Choose…"), required: true))),
                    .p(.button(.type("submit"), .text(L.t("保存", "Save")))))
            : .empty
        return .page(req, title: title, status: errors.isEmpty && filterErrors.isEmpty ? .ok : .unprocessableEntity,
            StaffingViews.tabs(req, active: "/forces/leaders"),
            .div(.class("toolbar"), .h1(.text(title)), .button(.type("button"), .class("btn secondary no-print"), .attr("data-print", "1"), .text(L.t("打印", "Print")))),
            StaffingViews.alert(req, filterErrors),
            .form(.method("get"), .action("/forces/leaders"), .class("filters no-print"),
                  .label(.text(L.t("对比天数", "Days compared")), Form.input("days", "\(r.days)", type: "number")), .button(.type("submit"), .text(L.t("查询", "Show")))),
            .p(.class("muted"), .text(summary)),
            .p(.class("small muted"), .text(L.t("警情升降：近 \(r.days) 天（自 \(r.currentFrom)）与之前 \(r.days) 天（自 \(r.previousFrom)）相比，上升最多的排在最前。",
                                               "Incidents in the last \(r.days) days (from \(r.currentFrom)) against the \(r.days) days before (from \(r.previousFrom)); largest rise first."))),
            rows.isEmpty ? .div(.class("empty"), .text(L.t("尚无领导挂点。", "No leaders assigned yet.")))
                : .table(.class("data"), .thead(.tr(.th(.text(L.t("领导", "Leader"))), .th(.text(L.t("派出所", "Station"))), .th(.text(L.t("职务", "Role"))),
                                                   .th(.text(L.t("挂点社区（前期 → 近期）", "Communities (before → now)"))), .th(.class("num"), .text(L.t("前期", "Before"))),
                                                   .th(.class("num"), .text(L.t("近期", "Now"))), .th(.class("num"), .text(L.t("升降", "Change"))))),
                         .element("tbody", rows)),
            form)
    }
}
