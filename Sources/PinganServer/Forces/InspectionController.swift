import Fluent
import Vapor
import PinganKit

/// 检查整改: inspections of registry sites, rectification notices (整改通知书) and the overdue list.
struct InspectionController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let r = routes.grouped("forces", "inspections")
        r.get(use: list)
        r.get("export.csv", use: export)
        r.get("new", use: newPage)
        r.post(use: create)
        r.get(":id", use: show)
        r.post(":id", "close", use: close)
        r.post(":id", "event", use: toEvent)
    }

    @Sendable func list(req: Request) async throws -> Response {
        try req.require(.viewForces)
        var errors = FieldErrors()
        let filter = InspectionFilter(req, errors: &errors)
        let today = WorkLogService.today(req)
        let page = PinganKit.PageRequest(page: req.query[Int.self, at: "page"], per: req.query[Int.self, at: "per"])
        let q = try await filter.query(req, today: today)
        let total = try await q.copy().count()
        let rows = try await InspectionService.dtos(req, try await q.range(page.offset..<(page.offset + page.per)).all(), today: today)
        let res = InspectionViews.list(req, rows: rows, info: PageInfo(page: page.page, per: page.per, total: total), filter: filter, errors: errors,
                                       communities: try await DivisionLookup.communities(req), canEdit: try req.user.role.can(.editInspections))
        if !errors.isEmpty { res.status = .unprocessableEntity }
        return res
    }

    @Sendable func export(req: Request) async throws -> Response {
        var errors = FieldErrors()
        let filter = InspectionFilter(req, errors: &errors)
        guard errors.isEmpty else { throw errors }
        return try await InspectionService.csv(req, filter)
    }

    func form(_ req: Request, _ input: InspectionInput, _ errors: FieldErrors) async throws -> Response {
        let site = try await req.visible(Site.self, input.siteID.flatMap { Int($0) })
        return InspectionViews.form(req, input: input, site: site, errors: errors)
    }

    @Sendable func newPage(req: Request) async throws -> Response {
        try req.require(.editInspections)
        var input = InspectionInput()
        input.siteID = req.query[String.self, at: "site"]
        input.inspectedOn = WorkLogService.today(req).description
        return try await form(req, input, FieldErrors())
    }

    @Sendable func create(req: Request) async throws -> Response {
        try req.require(.editInspections)
        let input = try req.content.decode(InspectionInput.self)
        do {
            let i = try await InspectionService.create(req, input)
            return req.redirect(to: "/forces/inspections/\(i.id!)")
        } catch let e as FieldErrors {
            return try await form(req, input, e)
        }
    }

    @Sendable func show(req: Request) async throws -> Response {
        try req.require(.viewForces)
        let i = try await InspectionService.scoped(req, req.parameters.get("id", as: Int.self))
        return try await detail(req, i, errors: FieldErrors(), closeInput: nil)
    }

    func detail(_ req: Request, _ i: Inspection, errors: FieldErrors, closeInput: CloseInput?, takeUp: (GridEventTakeUpInput, FieldErrors)? = nil) async throws -> Response {
        let dto = try await InspectionService.dtos(req, [i], today: WorkLogService.today(req))[0]
        let role = try req.user.role
        let categories = role.can(.reportGridEvents) && i.severity != nil && i.eventID == nil ? GridEventCategories.options(try await GridEventCategories.table(req.db), req.lang) : []
        return InspectionViews.detail(req, dto, errors: errors, closeInput: closeInput, canEdit: role.can(.editInspections), eventCategories: categories, takeUp: takeUp)
    }

    /// 转为网格事件: to the new event's page; a mistake comes back on the inspection's page.
    @Sendable func toEvent(req: Request) async throws -> Response {
        try req.require(.viewForces)
        let i = try await InspectionService.scoped(req, req.parameters.get("id", as: Int.self))
        let input = (try? req.content.decode(GridEventTakeUpInput.self)) ?? GridEventTakeUpInput()
        do {
            let (ev, _) = try await InspectionService.toEvent(req, i, input)
            return req.redirect(to: "/events/\(ev.id!)")
        } catch let e as FieldErrors {
            return try await detail(req, i, errors: FieldErrors(), closeInput: nil, takeUp: (input, e))
        }
    }

    @Sendable func close(req: Request) async throws -> Response {
        try req.require(.editInspections)
        let i = try await InspectionService.scoped(req, req.parameters.get("id", as: Int.self))
        let input = (try? req.content.decode(CloseInput.self)) ?? CloseInput()
        do {
            try await InspectionService.close(req, i, input)
            return req.redirect(to: "/forces/inspections/\(i.id!)")
        } catch let e as FieldErrors {
            return try await detail(req, try await InspectionService.scoped(req, i.id), errors: e, closeInput: input)
        }
    }
}

/// JSON API: `/api/v1/inspections`.
struct InspectionAPIController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let r = routes.grouped("api", "v1", "inspections")
        r.get(use: list)
        r.get("overdue", use: overdue)
        r.post(use: create)
        r.get(":id", use: show)
        r.post(":id", "close", use: close)
        r.post(":id", "event", use: toEvent)
    }

    /// 转为网格事件: 201 with the event, or 200 with the one it was taken up as before.
    @Sendable func toEvent(req: Request) async throws -> Response {
        try req.require(.viewForces)
        let i = try await InspectionService.scoped(req, req.parameters.get("id", as: Int.self))
        let (ev, created) = try await InspectionService.toEvent(req, i, try req.content.decode(GridEventTakeUpInput.self))
        return try await GridEventAPIController.detail(req, ev).encodeResponse(status: created ? .created : .ok, for: req)
    }

    struct Page: Content { var items: [InspectionDTO]; var page: PageInfo }

    @Sendable func list(req: Request) async throws -> Page {
        try req.require(.viewForces)
        var errors = FieldErrors()
        let filter = InspectionFilter(req, errors: &errors)
        guard errors.isEmpty else { throw errors }
        let today = WorkLogService.today(req)
        let page = PinganKit.PageRequest(page: req.query[Int.self, at: "page"], per: req.query[Int.self, at: "per"])
        let q = try await filter.query(req, today: today)
        let total = try await q.copy().count()
        return Page(items: try await InspectionService.dtos(req, try await q.range(page.offset..<(page.offset + page.per)).all(), today: today),
                    page: PageInfo(page: page.page, per: page.per, total: total))
    }

    /// The overdue list ordered by PinganKit's `Inspections.overdue` (most days overdue first).
    @Sendable func overdue(req: Request) async throws -> [InspectionDTO] {
        try req.require(.viewForces)
        var errors = FieldErrors()
        var filter = InspectionFilter(req, errors: &errors)
        guard errors.isEmpty else { throw errors }
        filter.status = .overdue
        let today = WorkLogService.today(req)
        let rows = try await filter.query(req, today: today).limit(10_000).all()
        let order = Inspections.overdue(rows.compactMap { $0.notice() }, asOf: today, rules: InspectionService.rules).map { $0.notice.id }
        let dtos = Dictionary(uniqueKeysWithValues: try await InspectionService.dtos(req, rows, today: today).map { ("\($0.id)", $0) })
        return order.compactMap { dtos[$0] }
    }

    @Sendable func create(req: Request) async throws -> Response {
        let i = try await InspectionService.create(req, try req.content.decode(InspectionInput.self))
        let res = try await InspectionService.dtos(req, [i], today: WorkLogService.today(req))[0].encodeResponse(status: .created, for: req)
        res.headers.replaceOrAdd(name: .location, value: "/api/v1/inspections/\(i.id!)")
        return res
    }

    @Sendable func show(req: Request) async throws -> InspectionDTO {
        try req.require(.viewForces)
        let i = try await InspectionService.scoped(req, req.parameters.get("id", as: Int.self))
        return try await InspectionService.dtos(req, [i], today: WorkLogService.today(req))[0]
    }

    @Sendable func close(req: Request) async throws -> InspectionDTO {
        try req.require(.editInspections)
        let i = try await InspectionService.scoped(req, req.parameters.get("id", as: Int.self))
        try await InspectionService.close(req, i, (try? req.content.decode(CloseInput.self)) ?? CloseInput())
        return try await InspectionService.dtos(req, [i], today: WorkLogService.today(req))[0]
    }
}
