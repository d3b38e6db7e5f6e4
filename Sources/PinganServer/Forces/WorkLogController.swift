import Fluent
import Vapor
import PinganKit

/// 工作纪实 (officers' work log), presence per ISO week and the monthly work report (工作月报).
struct WorkLogController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let r = routes.grouped("forces", "worklog")
        r.get(use: list)
        r.get("export.csv", use: export)
        r.get("new", use: newPage)
        r.post(use: create)
        routes.get("forces", "presence", use: presence)
        routes.get("forces", "officers", ":id", "report", use: report)
    }

    @Sendable func list(req: Request) async throws -> Response {
        try req.require(.viewForces)
        var errors = FieldErrors()
        let filter = WorkLogFilter(req, errors: &errors)
        let page = PinganKit.PageRequest(page: req.query[Int.self, at: "page"], per: req.query[Int.self, at: "per"])
        let q = try await filter.query(req)
        let total = try await q.copy().count()
        let rows = try await WorkLogService.dtos(req, try await q.range(page.offset..<(page.offset + page.per)).all())
        let res = WorkLogViews.list(req, rows: rows, info: PageInfo(page: page.page, per: page.per, total: total), filter: filter, errors: errors,
                                    officers: try await StaffingService.officers(req), communities: try await DivisionLookup.communities(req),
                                    canEdit: try req.user.role.can(.editWorkLog))
        if !errors.isEmpty { res.status = .unprocessableEntity }
        return res
    }

    @Sendable func export(req: Request) async throws -> Response {
        var errors = FieldErrors()
        let filter = WorkLogFilter(req, errors: &errors)
        guard errors.isEmpty else { throw errors }
        return try await WorkLogService.csv(req, filter)
    }

    func form(_ req: Request, _ input: WorkLogInput, _ errors: FieldErrors) async throws -> Response {
        let me = try req.user
        let officers = me.role == .communityOfficer ? try await StaffingService.dtos(req, [me]) : try await StaffingService.officers(req)
        return WorkLogViews.form(req, input: input, errors: errors, officers: officers, communities: try await DivisionLookup.communities(req), fixedOfficer: me.role == .communityOfficer)
    }

    @Sendable func newPage(req: Request) async throws -> Response {
        try req.require(.editWorkLog)
        var input = WorkLogInput()
        input.day = WorkLogService.today(req).description
        let me = try req.user
        if me.role == .communityOfficer { input.officerID = me.id.map(String.init); input.communityID = me.scopeDivisionID.map(String.init) }
        else { input.officerID = req.query[String.self, at: "officer"] }
        return try await form(req, input, FieldErrors())
    }

    @Sendable func create(req: Request) async throws -> Response {
        try req.require(.editWorkLog)
        let input = try req.content.decode(WorkLogInput.self)
        do {
            let w = try await WorkLogService.create(req, input)
            return req.redirect(to: "/forces/worklog?officer=\(w.officerID)")
        } catch let e as FieldErrors {
            return try await form(req, input, e)
        }
    }

    @Sendable func presence(req: Request) async throws -> Response {
        try req.require(.viewForces)
        var errors = FieldErrors()
        let (from, to) = WorkLogService.period(req, errors: &errors)
        let table = try await WorkLogService.presence(req, from: from, to: to)
        let res = WorkLogViews.presence(req, table, errors: errors)
        if !errors.isEmpty { res.status = .unprocessableEntity }
        return res
    }

    @Sendable func report(req: Request) async throws -> Response {
        try req.require(.viewForces)
        let officer = try await StaffingService.scopedOfficer(req, req.parameters.get("id", as: Int.self))
        var errors = FieldErrors()
        let month = WorkLogService.month(req, errors: &errors)
        let res = WorkLogViews.report(req, try await WorkLogService.monthlyReport(req, officer: officer, month: month), errors: errors)
        if !errors.isEmpty { res.status = .unprocessableEntity }
        return res
    }
}

/// JSON API: `/api/v1/worklog`, `/api/v1/presence`, `/api/v1/officers/:id/report`.
struct WorkLogAPIController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let r = routes.grouped("api", "v1", "worklog")
        r.get(use: list)
        r.post(use: create)
        routes.get("api", "v1", "presence", use: presence)
        routes.get("api", "v1", "officers", ":id", "report", use: report)
    }

    struct Page: Content { var items: [WorkLogDTO]; var page: PageInfo }

    @Sendable func list(req: Request) async throws -> Page {
        try req.require(.viewForces)
        var errors = FieldErrors()
        let filter = WorkLogFilter(req, errors: &errors)
        guard errors.isEmpty else { throw errors }
        let page = PinganKit.PageRequest(page: req.query[Int.self, at: "page"], per: req.query[Int.self, at: "per"])
        let q = try await filter.query(req)
        let total = try await q.copy().count()
        return Page(items: try await WorkLogService.dtos(req, try await q.range(page.offset..<(page.offset + page.per)).all()),
                    page: PageInfo(page: page.page, per: page.per, total: total))
    }

    @Sendable func create(req: Request) async throws -> Response {
        let w = try await WorkLogService.create(req, try req.content.decode(WorkLogInput.self))
        let res = try await WorkLogService.dtos(req, [w])[0].encodeResponse(status: .created, for: req)
        res.headers.replaceOrAdd(name: .location, value: "/api/v1/worklog?officer=\(w.officerID)")
        return res
    }

    @Sendable func presence(req: Request) async throws -> WorkLogService.PresenceTable {
        try req.require(.viewForces)
        var errors = FieldErrors()
        let (from, to) = WorkLogService.period(req, errors: &errors)
        guard errors.isEmpty else { throw errors }
        return try await WorkLogService.presence(req, from: from, to: to)
    }

    @Sendable func report(req: Request) async throws -> WorkLogService.MonthlyReportBody {
        try req.require(.viewForces)
        let officer = try await StaffingService.scopedOfficer(req, req.parameters.get("id", as: Int.self))
        var errors = FieldErrors()
        let month = WorkLogService.month(req, errors: &errors)
        guard errors.isEmpty else { throw errors }
        return try await WorkLogService.monthlyReport(req, officer: officer, month: month)
    }
}
