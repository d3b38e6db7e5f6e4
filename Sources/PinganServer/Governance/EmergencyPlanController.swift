import Fluent
import Vapor
import PinganKit

/// 应急预案 under `/governance/plans` (drills' follow-ups under `/governance/drills`, `/governance/drill-actions`) and their API
/// twins. Reading needs `viewGovernance`; writing, approving and revising a plan `runCampaigns` for its area; recording
/// drills and their follow-ups `editGovernance`.
struct EmergencyPlanController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let r = routes.grouped("governance", "plans")
        r.get(use: list)
        r.get("export.csv", use: export)
        r.get("new", use: newPage)
        r.post(use: create)
        r.get(":id", use: show)
        r.get(":id", "edit", use: editPage)
        r.post(":id", "edit", use: update)
        r.post(":id", "approve", use: approve)
        r.post(":id", "revise", use: revise)
        r.post(":id", "drills", use: addDrill)
        routes.post("governance", "drills", ":id", "actions", use: addAction)
        routes.post("governance", "drill-actions", ":id", "done", use: complete)
        r.post(":id", "activate", use: activate)
        let act = routes.grouped("governance", "activations")
        act.get(":id", use: showActivation)
        act.post(":id", "step", use: stepActivation)
        act.post(":id", "end", use: endActivation)

        let api = routes.grouped("api", "v1", "emergency-plans")
        api.get(use: apiList)
        api.post(use: apiCreate)
        api.get(":id", use: apiShow)
        api.patch(":id", use: apiUpdate)
        api.post(":id", "approve", use: apiApprove)
        api.post(":id", "revise", use: apiRevise)
        api.post(":id", "drills", use: apiAddDrill)
        routes.post("api", "v1", "emergency-drills", ":id", "actions", use: apiAddAction)
        routes.post("api", "v1", "emergency-drill-actions", ":id", "done", use: apiComplete)
        api.post(":id", "activate", use: apiActivate)
        let apiAct = routes.grouped("api", "v1", "emergency-activations")
        apiAct.get(":id", use: apiShowActivation)
        apiAct.post(":id", "step", use: apiStepActivation)
        apiAct.post(":id", "end", use: apiEndActivation)
    }

    struct Page: Content { var items: [EmergencyPlanDTO]; var page: PageInfo }

    static func pageRequest(_ req: Request) -> PinganKit.PageRequest {
        PinganKit.PageRequest(page: req.query[Int.self, at: "page"], per: req.query[Int.self, at: "per"], defaultPer: 30, maxPer: 200)
    }

    func json<T: Content>(_ value: T, status: HTTPStatus = .ok) throws -> Response {
        let res = Response(status: status)
        try res.content.encode(value)
        return res
    }

    func plan(_ req: Request) async throws -> EmergencyPlan { try await EmergencyPlanService.find(req, req.parameters.get("id", as: Int.self)) }

    // MARK: pages

    func listPage(_ req: Request, errors: FieldErrors = FieldErrors()) async throws -> Response {
        var e = errors
        let filter = EmergencyPlanFilter(req, errors: &e)
        let all = try await EmergencyPlanService.rows(req, filter)
        let page = Self.pageRequest(req)
        let rows = Array(all.dropFirst(page.offset).prefix(page.per))
        let overdue = filter.due ? all.count : try await EmergencyPlanService.rows(req, { var f = EmergencyPlanFilter(); f.due = true; return f }()).count
        let managed = try await CampaignService.managedAreas(req)
        let canCreate = try req.user.role.can(.runCampaigns) && !managed.isEmpty
        return EmergencyPlanViews.list(req, rows: try await EmergencyPlanService.dtos(req, rows), info: page.info(total: all.count), filter: filter, overdue: overdue,
                                       canCreate: canCreate, errors: e)
    }

    @Sendable func list(req: Request) async throws -> Response {
        try req.require(.viewGovernance)
        return try await listPage(req)
    }

    @Sendable func export(req: Request) async throws -> Response {
        try req.require(.viewGovernance)
        var errors = FieldErrors()
        let filter = EmergencyPlanFilter(req, errors: &errors)
        guard errors.isEmpty else { throw errors }
        return EmergencyPlanViews.csv(req, rows: try await EmergencyPlanService.dtos(req, try await EmergencyPlanService.rows(req, filter)))
    }

    func form(_ req: Request, _ input: EmergencyPlanInput, errors: FieldErrors, editing: EmergencyPlan?) async throws -> Response {
        let areas = try await CampaignService.managedAreas(req)
        let chosen = input.areaID.flatMap(Int.init).flatMap { id in areas.first { $0.id == id } } ?? areas.first
        var units: [ResponsibleUnit] = [], teams: [ResponseTeam] = []
        if let chosen {
            units = try await CampaignService.candidateUnits(req, area: chosen)
            teams = try await ResponseTeamService.choices(req, areaID: chosen.id!)
        }
        return EmergencyPlanViews.form(req, input: input, areas: areas, units: units, teams: teams, errors: errors, editing: editing)
    }

    @Sendable func newPage(req: Request) async throws -> Response {
        try req.require(.runCampaigns)
        var input = EmergencyPlanInput()
        let managed = try await CampaignService.managedAreas(req)
        input.areaID = req.query[String.self, at: "area"] ?? managed.first.map { String($0.id!) }
        input.reviewDueOn = LocalDay(req.today).map { $0.adding(months: 36).description }
        return try await form(req, input, errors: FieldErrors(), editing: nil)
    }

    @Sendable func create(req: Request) async throws -> Response {
        try req.require(.runCampaigns)
        let input = (try? req.content.decode(EmergencyPlanInput.self)) ?? EmergencyPlanInput()
        do {
            let p = try await EmergencyPlanService.create(req, input)
            return req.redirect(to: "/governance/plans/\(p.id!)")
        } catch let e as FieldErrors { return try await form(req, input, errors: e, editing: nil) }
    }

    func detailPage(_ req: Request, _ p: EmergencyPlan, errors: FieldErrors = FieldErrors(), drill: EmergencyDrillInput = EmergencyDrillInput(),
                    action: (drill: Int, input: EmergencyDrillActionInput)? = nil, start: EmergencyActivationInput = EmergencyActivationInput(),
                    resource: (input: EmergencyResourceService.Input, errors: FieldErrors)? = nil) async throws -> Response {
        let dto = try await EmergencyPlanService.detail(req, p)
        let canManage = try await EmergencyPlanService.canManage(req, p)
        let responses = EmergencyPlanViews.activations(req, dto, try await EmergencyActivationService.list(req, p), canManage: canManage,
                                                       errors: errors, input: start)
        let resources = try await EmergencyResourceViews.card(req, plan: dto,
            rows: try await EmergencyResourceService.dtos(req, try await EmergencyResourceService.list(req.db, family: p.familyID)),
            canManage: canManage, input: resource?.input ?? .init(), errors: resource?.errors ?? FieldErrors())
        return EmergencyPlanViews.detail(req, dto, canManage: canManage, canRecord: try req.user.role.can(.editGovernance),
                                         errors: resource?.errors ?? errors, drillInput: drill, actionInput: action, responses: responses, resources: resources)
    }

    @Sendable func show(req: Request) async throws -> Response { try await detailPage(req, try await plan(req)) }

    @Sendable func editPage(req: Request) async throws -> Response {
        let p = try await plan(req)
        try await EmergencyPlanService.requireManage(req, p)
        guard p.status == .draft else { return req.redirect(to: "/governance/plans/\(p.id!)") }
        let units = try await EmergencyPlanService.units(req.db, [p.id!])[p.id!] ?? []
        return try await form(req, EmergencyPlanInput(p, units: units, teams: try await EmergencyPlanService.teamIDs(req.db, p.id!)), errors: FieldErrors(), editing: p)
    }

    @Sendable func update(req: Request) async throws -> Response {
        let p = try await plan(req)
        let input = (try? req.content.decode(EmergencyPlanInput.self)) ?? EmergencyPlanInput()
        do {
            _ = try await EmergencyPlanService.update(req, p, input)
            return req.redirect(to: "/governance/plans/\(p.id!)")
        } catch let e as FieldErrors { return try await form(req, input, errors: e, editing: p) }
    }

    @Sendable func approve(req: Request) async throws -> Response {
        let p = try await plan(req)
        do {
            try await EmergencyPlanService.approve(req, p)
            return req.redirect(to: "/governance/plans/\(p.id!)")
        } catch let e as FieldErrors { return try await detailPage(req, p, errors: e) }
    }

    @Sendable func revise(req: Request) async throws -> Response {
        let n = try await EmergencyPlanService.revise(req, try await plan(req))
        return req.redirect(to: "/governance/plans/\(n.id!)/edit")
    }

    @Sendable func addDrill(req: Request) async throws -> Response {
        let p = try await plan(req)
        try req.require(.editGovernance)
        let input = (try? req.content.decode(EmergencyDrillInput.self)) ?? EmergencyDrillInput()
        do {
            _ = try await EmergencyPlanService.addDrill(req, p, input)
            return req.redirect(to: "/governance/plans/\(p.id!)")
        } catch let e as FieldErrors { return try await detailPage(req, p, errors: e, drill: input) }
    }

    @Sendable func addAction(req: Request) async throws -> Response {
        let (p, d) = try await EmergencyPlanService.findDrill(req, req.parameters.get("id", as: Int.self))
        try req.require(.editGovernance)
        let input = (try? req.content.decode(EmergencyDrillActionInput.self)) ?? EmergencyDrillActionInput()
        do {
            _ = try await EmergencyPlanService.addAction(req, d, input)
            return req.redirect(to: "/governance/plans/\(p.id!)")
        } catch let e as FieldErrors { return try await detailPage(req, p, errors: e, action: (d.id!, input)) }
    }

    @Sendable func complete(req: Request) async throws -> Response {
        let (p, a) = try await EmergencyPlanService.findAction(req, req.parameters.get("id", as: Int.self))
        try req.require(.editGovernance)
        let input = (try? req.content.decode(EmergencyDrillActionInput.self)) ?? EmergencyDrillActionInput()
        do {
            try await EmergencyPlanService.complete(req, a, note: input.note)
            return req.redirect(to: "/governance/plans/\(p.id!)")
        } catch let e as FieldErrors { return try await detailPage(req, p, errors: e) }
    }

    // MARK: starting a plan (启动)

    @Sendable func activate(req: Request) async throws -> Response {
        let p = try await plan(req)
        let input = (try? req.content.decode(EmergencyActivationInput.self)) ?? EmergencyActivationInput()
        do {
            let a = try await EmergencyActivationService.start(req, p, input)
            return req.redirect(to: "/governance/activations/\(a.id!)")
        } catch let e as FieldErrors { return try await detailPage(req, p, errors: e, start: input) }
    }

    func activationPage(_ req: Request, _ p: EmergencyPlan, _ a: EmergencyActivation, errors: FieldErrors = FieldErrors(),
                        input: EmergencyActivationInput = EmergencyActivationInput()) async throws -> Response {
        let rows = try await EmergencyResourceService.dtos(req, try await EmergencyResourceService.list(req.db, family: p.familyID))
        return EmergencyPlanViews.activation(req, try await EmergencyActivationService.dto(req, p, a), canRecord: try req.user.role.can(.editGovernance),
                                             canManage: try await EmergencyPlanService.canManage(req, p), errors: errors, input: input,
                                             resources: try await EmergencyResourceViews.atHand(req, area: p.areaDivisionID, family: p.familyID, rows: rows))
    }

    @Sendable func showActivation(req: Request) async throws -> Response {
        let (p, a) = try await EmergencyActivationService.find(req, req.parameters.get("id", as: Int.self))
        return try await activationPage(req, p, a)
    }

    @Sendable func stepActivation(req: Request) async throws -> Response {
        let (p, a) = try await EmergencyActivationService.find(req, req.parameters.get("id", as: Int.self))
        let input = (try? req.content.decode(EmergencyActivationInput.self)) ?? EmergencyActivationInput()
        do {
            try await EmergencyActivationService.step(req, p, a, input)
            return req.redirect(to: "/governance/activations/\(a.id!)")
        } catch let e as FieldErrors { return try await activationPage(req, p, a, errors: e, input: input) }
    }

    @Sendable func endActivation(req: Request) async throws -> Response {
        let (p, a) = try await EmergencyActivationService.find(req, req.parameters.get("id", as: Int.self))
        let input = (try? req.content.decode(EmergencyActivationInput.self)) ?? EmergencyActivationInput()
        do {
            try await EmergencyActivationService.end(req, p, a, input)
            return req.redirect(to: "/governance/activations/\(a.id!)")
        } catch let e as FieldErrors { return try await activationPage(req, p, a, errors: e, input: input) }
    }

    @Sendable func apiActivate(req: Request) async throws -> Response {
        let p = try await plan(req)
        let a = try await EmergencyActivationService.start(req, p, try req.content.decode(EmergencyActivationInput.self))
        return try json(try await EmergencyActivationService.dto(req, p, a), status: .created)
    }

    @Sendable func apiShowActivation(req: Request) async throws -> Response {
        let (p, a) = try await EmergencyActivationService.find(req, req.parameters.get("id", as: Int.self))
        return try json(try await EmergencyActivationService.dto(req, p, a))
    }

    @Sendable func apiStepActivation(req: Request) async throws -> Response {
        let (p, a) = try await EmergencyActivationService.find(req, req.parameters.get("id", as: Int.self))
        try await EmergencyActivationService.step(req, p, a, try req.content.decode(EmergencyActivationInput.self))
        return try json(try await EmergencyActivationService.dto(req, p, a))
    }

    @Sendable func apiEndActivation(req: Request) async throws -> Response {
        let (p, a) = try await EmergencyActivationService.find(req, req.parameters.get("id", as: Int.self))
        try await EmergencyActivationService.end(req, p, a, try req.content.decode(EmergencyActivationInput.self))
        return try json(try await EmergencyActivationService.dto(req, p, a))
    }

    // MARK: API

    @Sendable func apiList(req: Request) async throws -> Page {
        try req.require(.viewGovernance)
        var errors = FieldErrors()
        let filter = EmergencyPlanFilter(req, errors: &errors)
        guard errors.isEmpty else { throw errors }
        let all = try await EmergencyPlanService.rows(req, filter)
        let page = Self.pageRequest(req)
        return Page(items: try await EmergencyPlanService.dtos(req, Array(all.dropFirst(page.offset).prefix(page.per))), page: page.info(total: all.count))
    }

    @Sendable func apiCreate(req: Request) async throws -> Response {
        try req.require(.runCampaigns)
        let p = try await EmergencyPlanService.create(req, try req.content.decode(EmergencyPlanInput.self))
        return try json(try await EmergencyPlanService.detail(req, p), status: .created)
    }

    @Sendable func apiShow(req: Request) async throws -> Response { try json(try await EmergencyPlanService.detail(req, try await plan(req))) }

    /// PATCH changes the fields it names (units as a whole) of a draft; the draft is checked again as a whole.
    @Sendable func apiUpdate(req: Request) async throws -> Response {
        let p = try await plan(req)
        try await EmergencyPlanService.requireManage(req, p)
        var input = EmergencyPlanInput(p, units: try await EmergencyPlanService.units(req.db, [p.id!])[p.id!] ?? [],
                                       teams: try await EmergencyPlanService.teamIDs(req.db, p.id!))
        let sent = try req.content.decode(EmergencyPlanInput.self)
        input.name = sent.name ?? input.name; input.kind = sent.kind ?? input.kind; input.type = sent.type ?? input.type; input.level = sent.level ?? input.level
        input.areaID = sent.areaID ?? input.areaID; input.scope = sent.scope ?? input.scope; input.steps = sent.steps ?? input.steps
        input.resources = sent.resources ?? input.resources; input.contacts = sent.contacts ?? input.contacts; input.reviewDueOn = sent.reviewDueOn ?? input.reviewDueOn
        input.drillIntervalMonths = sent.drillIntervalMonths ?? input.drillIntervalMonths; input.units = sent.units ?? input.units
        input.teams = sent.teams ?? input.teams
        let updated = try await EmergencyPlanService.update(req, p, input)
        return try json(try await EmergencyPlanService.detail(req, updated))
    }

    @Sendable func apiApprove(req: Request) async throws -> Response {
        let p = try await plan(req)
        try await EmergencyPlanService.approve(req, p)
        return try json(try await EmergencyPlanService.detail(req, p))
    }

    @Sendable func apiRevise(req: Request) async throws -> Response {
        let n = try await EmergencyPlanService.revise(req, try await plan(req))
        return try json(try await EmergencyPlanService.detail(req, n), status: .created)
    }

    @Sendable func apiAddDrill(req: Request) async throws -> Response {
        let p = try await plan(req)
        try req.require(.editGovernance)
        _ = try await EmergencyPlanService.addDrill(req, p, try req.content.decode(EmergencyDrillInput.self))
        return try json(try await EmergencyPlanService.detail(req, p), status: .created)
    }

    @Sendable func apiAddAction(req: Request) async throws -> Response {
        let (p, d) = try await EmergencyPlanService.findDrill(req, req.parameters.get("id", as: Int.self))
        try req.require(.editGovernance)
        _ = try await EmergencyPlanService.addAction(req, d, try req.content.decode(EmergencyDrillActionInput.self))
        return try json(try await EmergencyPlanService.detail(req, p), status: .created)
    }

    @Sendable func apiComplete(req: Request) async throws -> Response {
        let (p, a) = try await EmergencyPlanService.findAction(req, req.parameters.get("id", as: Int.self))
        try req.require(.editGovernance)
        try await EmergencyPlanService.complete(req, a, note: try req.content.decode(EmergencyDrillActionInput.self).note)
        return try json(try await EmergencyPlanService.detail(req, p))
    }
}
