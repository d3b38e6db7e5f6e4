import Fluent
import Vapor
import PinganKit

/// 巡逻防范: plans and shift rosters, logs with check-ins and findings, weekly review and monthly evaluation.
struct PatrolController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let p = routes.grouped("forces", "patrols")
        p.get(use: plans)
        p.get("export.csv", use: plansCSV)
        p.get("new", use: newPlan)
        p.post(use: createPlan)
        p.get("review", use: review)
        p.get("review.csv", use: reviewCSV)
        p.get(":id", use: showPlan)
        p.post(":id", "cancel", use: cancelPlan)
        let l = p.grouped("logs")
        l.get(use: logs)
        l.get("export.csv", use: logsCSV)
        l.get("new", use: newLog)
        l.post(use: createLog)
        l.get(":id", use: showLog)
        l.post(":id", "checkins", use: checkIn)
        l.post(":id", "findings", use: finding)
        p.post("findings", ":id", "event", use: findingEvent)
    }

    func teams(_ req: Request) async throws -> [TeamDTO] { try await TeamService.teamDTOs(req, try await TeamService.teamsQuery(req).limit(2000).all()) }
    func canEdit(_ req: Request) throws -> Bool { try req.user.role.can(.editTeams) }

    /// Default window for the roster: a week back to two weeks ahead.
    func defaultWindow(_ req: Request, _ f: inout PatrolFilter) {
        let today = WorkLogService.today(req)
        if f.from == nil && f.to == nil && req.query[String.self, at: "from"] == nil { f.from = today.adding(days: -7); f.to = today.adding(days: 14) }
    }

    @Sendable func plans(req: Request) async throws -> Response {
        try req.require(.viewTeams)
        var e = FieldErrors()
        var f = PatrolFilter(req, errors: &e)
        defaultWindow(req, &f)
        let rows = try await PatrolService.planDTOs(req, try await f.plans(req).sort(\.$day).sort(\.$startMinute).sort(\.$id).limit(1000).all())
        return PatrolViews.plans(req, rows: rows, teams: try await teams(req), filter: f, errors: e, canEdit: try canEdit(req))
    }

    @Sendable func plansCSV(req: Request) async throws -> Response {
        try req.require(.viewTeams)
        var e = FieldErrors()
        let f = PatrolFilter(req, errors: &e)
        guard e.isEmpty else { throw e }
        let rows = try await PatrolService.planDTOs(req, try await f.plans(req).sort(\.$day).sort(\.$startMinute).sort(\.$id).limit(100_000).all())
        await req.audit("patrol.plan.export", entity: "patrol_plan", detail: req.url.query ?? "")
        return PatrolService.plansCSV(req, rows)
    }

    func planForm(_ req: Request, _ input: PlanInput, _ errors: FieldErrors) async throws -> Response {
        let team = try? await TeamService.scopedTeam(req, input.teamID.flatMap { Int($0) })
        let grids = team == nil ? [] : try await Check.grids(of: team!.communityID, on: req.db)
        let members = team == nil ? [] : try await TeamService.memberDTOs(req, try await req.scoped(TeamMember.self).filter(\.$teamID == team!.id!).filter(\.$status == .active).sort(\.$id).all())
        return PatrolViews.planForm(req, input: input, teams: try await teams(req), team: team, grids: grids, members: members, errors: errors)
    }

    @Sendable func newPlan(req: Request) async throws -> Response {
        try req.require(.editTeams)
        var input = PlanInput()
        input.teamID = req.query[String.self, at: "teamID"]
        input.day = WorkLogService.today(req).adding(days: 1).description
        input.start = "19:00"; input.end = "22:00"; input.mode = PatrolMode.foot.rawValue
        return try await planForm(req, input, FieldErrors())
    }

    @Sendable func createPlan(req: Request) async throws -> Response {
        try req.require(.editTeams)
        let input = (try? req.content.decode(PlanInput.self)) ?? PlanInput()
        do {
            let p = try await PatrolService.createPlan(req, input)
            return req.redirect(to: "/forces/patrols/\(p.id!)")
        } catch let e as FieldErrors { return try await planForm(req, input, e) }
    }

    @Sendable func showPlan(req: Request) async throws -> Response {
        try req.require(.viewTeams)
        let p = try await PatrolService.scopedPlan(req, req.parameters.get("id", as: Int.self))
        return try await planPage(req, p, reason: nil, errors: FieldErrors())
    }

    func planPage(_ req: Request, _ p: PatrolPlanRecord, reason: String?, errors: FieldErrors) async throws -> Response {
        let logs = try await PatrolService.logDTOs(req, try await req.scoped(PatrolLogRecord.self).filter(\.$planID == p.id!).sort(\.$day).all(), details: false)
        return PatrolViews.plan(req, try await PatrolService.planDTOs(req, [p])[0], logs: logs, canEdit: try canEdit(req), cancelReason: reason, errors: errors)
    }

    @Sendable func cancelPlan(req: Request) async throws -> Response {
        try req.require(.editTeams)
        let p = try await PatrolService.scopedPlan(req, req.parameters.get("id", as: Int.self))
        let input = try req.content.decode(PatrolService.CancelInput.self)
        do {
            try await PatrolService.cancelPlan(req, p, input)
            return req.redirect(to: "/forces/patrols/\(p.id!)")
        } catch let e as FieldErrors { return try await planPage(req, p, reason: input.reason, errors: e) }
    }

    @Sendable func logs(req: Request) async throws -> Response {
        try req.require(.viewTeams)
        var e = FieldErrors()
        let f = PatrolFilter(req, errors: &e)
        let page = PinganKit.PageRequest(page: req.query[Int.self, at: "page"], per: req.query[Int.self, at: "per"])
        let q = try await f.logs(req)
        let total = try await q.copy().count()
        let rows = try await PatrolService.logDTOs(req, try await q.sort(\.$day, .descending).sort(\.$startMinute, .descending).sort(\.$id, .descending)
            .range(page.offset..<(page.offset + page.per)).all(), details: false)
        return PatrolViews.logs(req, rows: rows, info: PageInfo(page: page.page, per: page.per, total: total), teams: try await teams(req), filter: f, errors: e, canEdit: try canEdit(req))
    }

    @Sendable func logsCSV(req: Request) async throws -> Response {
        try req.require(.viewTeams)
        var e = FieldErrors()
        let f = PatrolFilter(req, errors: &e)
        guard e.isEmpty else { throw e }
        let rows = try await PatrolService.logDTOs(req, try await f.logs(req).sort(\.$day).sort(\.$startMinute).sort(\.$id).limit(100_000).all(), details: true)
        await req.audit("patrol.log.export", entity: "patrol_log", detail: req.url.query ?? "")
        return PatrolService.logsCSV(req, rows)
    }

    func logForm(_ req: Request, _ input: LogInput, _ errors: FieldErrors) async throws -> Response {
        let plan = try? await PatrolService.scopedPlan(req, input.planID.flatMap { Int($0) })
        let team = try? await TeamService.scopedTeam(req, plan?.teamID ?? input.teamID.flatMap { Int($0) })
        let grids = team == nil ? [] : try await Check.grids(of: team!.communityID, on: req.db)
        return PatrolViews.logForm(req, input: input, teams: try await teams(req), team: team,
                                   plan: plan == nil ? nil : try await PatrolService.planDTOs(req, [plan!]).first, grids: grids, errors: errors)
    }

    @Sendable func newLog(req: Request) async throws -> Response {
        try req.require(.editTeams)
        var input = LogInput()
        input.teamID = req.query[String.self, at: "teamID"]
        input.planID = req.query[String.self, at: "planID"]
        input.day = WorkLogService.today(req).description
        if let p = try? await PatrolService.scopedPlan(req, input.planID.flatMap { Int($0) }) {
            // Pre-filled from the plan: its day, window, mode and grids.
            let dto = try await PatrolService.planDTOs(req, [p])[0]
            input.teamID = "\(p.teamID)"; input.day = min(p.day, WorkLogService.today(req).description); input.start = dto.start; input.end = dto.end
            input.mode = p.mode.rawValue; input.grids = p.grids.map(String.init)
        }
        return try await logForm(req, input, FieldErrors())
    }

    @Sendable func createLog(req: Request) async throws -> Response {
        try req.require(.editTeams)
        let input = (try? req.content.decode(LogInput.self)) ?? LogInput()
        do {
            let l = try await PatrolService.createLog(req, input)
            return req.redirect(to: "/forces/patrols/logs/\(l.id!)")
        } catch let e as FieldErrors { return try await logForm(req, input, e) }
    }

    func logPage(_ req: Request, _ l: PatrolLogRecord, check: CheckInInput = CheckInInput(), find: FindingInput = FindingInput(),
                 checkErrors: FieldErrors = FieldErrors(), findErrors: FieldErrors = FieldErrors(),
                 takeUp: PatrolViews.TakeUp? = nil) async throws -> Response {
        let L = req.lang
        let role = try req.user.role
        let eventCategories = role.can(.reportGridEvents) ? GridEventCategories.options(try await GridEventCategories.table(req.db), L) : []
        let dto = try await PatrolService.logDTOs(req, [l], details: true)[0]
        let subs = try await IncidentSubcategoryRow.query(on: req.db).sort(\.$sortOrder).all().map { ($0.code, L.t($0.nameZh, $0.nameEn)) }
        return PatrolViews.log(req, dto, grids: try await Check.grids(of: l.communityID, on: req.db), subcategories: subs, checkInput: check, findInput: find,
                               checkErrors: checkErrors, findErrors: findErrors, canEdit: try canEdit(req), canOpenIncident: role.can(.editIncidents),
                               eventCategories: eventCategories, takeUp: takeUp)
    }

    @Sendable func showLog(req: Request) async throws -> Response {
        try req.require(.viewTeams)
        return try await logPage(req, try await PatrolService.scopedLog(req, req.parameters.get("id", as: Int.self)))
    }

    @Sendable func checkIn(req: Request) async throws -> Response {
        try req.require(.editTeams)
        let l = try await PatrolService.scopedLog(req, req.parameters.get("id", as: Int.self))
        let input = (try? req.content.decode(CheckInInput.self)) ?? CheckInInput()
        do {
            _ = try await PatrolService.addCheckIn(req, l, input)
            return req.redirect(to: "/forces/patrols/logs/\(l.id!)")
        } catch let e as FieldErrors { return try await logPage(req, l, check: input, checkErrors: e) }
    }

    @Sendable func finding(req: Request) async throws -> Response {
        try req.require(.editTeams)
        let l = try await PatrolService.scopedLog(req, req.parameters.get("id", as: Int.self))
        let input = (try? req.content.decode(FindingInput.self)) ?? FindingInput()
        do {
            _ = try await PatrolService.addFinding(req, l, input)
            return req.redirect(to: "/forces/patrols/logs/\(l.id!)")
        } catch let e as FieldErrors { return try await logPage(req, l, find: input, findErrors: e) }
    }

    /// 转为网格事件: to the new event's page; a mistake comes back on the log's page.
    @Sendable func findingEvent(req: Request) async throws -> Response {
        let input = (try? req.content.decode(GridEventTakeUpInput.self)) ?? GridEventTakeUpInput()
        do {
            let (ev, _) = try await PatrolService.findingToEvent(req, findingID: req.parameters.get("id", as: Int.self), input)
            return req.redirect(to: "/events/\(ev.id!)")
        } catch let e as FieldErrors {
            guard let f = try await PatrolFinding.find(req.parameters.get("id", as: Int.self), on: req.db) else { throw e }
            return try await logPage(req, try await PatrolService.scopedLog(req, f.logID), takeUp: (f.id!, input, e))
        }
    }

    @Sendable func review(req: Request) async throws -> Response {
        try req.require(.viewTeams)
        var e = FieldErrors()
        let d = try await PatrolService.evaluation(req, errors: &e)
        return PatrolViews.review(req, d, teams: try await teams(req), team: req.query[String.self, at: "team"].flatMap { Int($0) }, errors: e)
    }

    @Sendable func reviewCSV(req: Request) async throws -> Response {
        try req.require(.viewTeams)
        var e = FieldErrors()
        let d = try await PatrolService.evaluation(req, errors: &e)
        guard e.isEmpty else { throw e }
        await req.audit("patrol.review.export", entity: "patrol_plan", detail: req.url.query ?? "")
        return PatrolService.evaluationCSV(req, d)
    }
}

/// JSON API: `/api/v1/patrols`.
struct PatrolAPIController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let p = routes.grouped("api", "v1", "patrols")
        p.get("plans", use: plans)
        p.post("plans", use: createPlan)
        p.get("plans", ":id", use: plan)
        p.post("plans", ":id", "cancel", use: cancelPlan)
        p.get("logs", use: logs)
        p.post("logs", use: createLog)
        p.get("logs", ":id", use: log)
        p.post("logs", ":id", "checkins", use: checkIn)
        p.post("logs", ":id", "findings", use: finding)
        p.post("findings", ":id", "event", use: findingEvent)
        p.get("evaluation", use: evaluation)
    }

    func filter(_ req: Request) throws -> PatrolFilter {
        var e = FieldErrors()
        let f = PatrolFilter(req, errors: &e)
        guard e.isEmpty else { throw e }
        return f
    }

    @Sendable func plans(req: Request) async throws -> [PlanDTO] {
        try req.require(.viewTeams)
        return try await PatrolService.planDTOs(req, try await filter(req).plans(req).sort(\.$day).sort(\.$startMinute).sort(\.$id).limit(5000).all())
    }

    @Sendable func createPlan(req: Request) async throws -> Response {
        let p = try await PatrolService.createPlan(req, (try? req.content.decode(PlanInput.self)) ?? PlanInput())
        let res = try await PatrolService.planDTOs(req, [p])[0].encodeResponse(status: .created, for: req)
        res.headers.replaceOrAdd(name: .location, value: "/api/v1/patrols/plans/\(p.id!)")
        return res
    }

    @Sendable func plan(req: Request) async throws -> PlanDTO {
        try req.require(.viewTeams)
        return try await PatrolService.planDTOs(req, [try await PatrolService.scopedPlan(req, req.parameters.get("id", as: Int.self))])[0]
    }

    /// Body `{"reason": "…"}`; 422 when carried out already, cancelled already, or without a reason.
    @Sendable func cancelPlan(req: Request) async throws -> PlanDTO {
        try req.require(.editTeams)
        let p = try await PatrolService.scopedPlan(req, req.parameters.get("id", as: Int.self))
        try await PatrolService.cancelPlan(req, p, try req.content.decode(PatrolService.CancelInput.self))
        return try await PatrolService.planDTOs(req, [p])[0]
    }

    @Sendable func logs(req: Request) async throws -> [LogDTO] {
        try req.require(.viewTeams)
        return try await PatrolService.logDTOs(req, try await filter(req).logs(req).sort(\.$day).sort(\.$startMinute).sort(\.$id).limit(5000).all(), details: true)
    }

    @Sendable func createLog(req: Request) async throws -> Response {
        let l = try await PatrolService.createLog(req, (try? req.content.decode(LogInput.self)) ?? LogInput())
        let res = try await PatrolService.logDTOs(req, [l], details: true)[0].encodeResponse(status: .created, for: req)
        res.headers.replaceOrAdd(name: .location, value: "/api/v1/patrols/logs/\(l.id!)")
        return res
    }

    @Sendable func log(req: Request) async throws -> LogDTO {
        try req.require(.viewTeams)
        return try await PatrolService.logDTOs(req, [try await PatrolService.scopedLog(req, req.parameters.get("id", as: Int.self))], details: true)[0]
    }

    @Sendable func checkIn(req: Request) async throws -> Response {
        try req.require(.editTeams)
        let l = try await PatrolService.scopedLog(req, req.parameters.get("id", as: Int.self))
        _ = try await PatrolService.addCheckIn(req, l, (try? req.content.decode(CheckInInput.self)) ?? CheckInInput())
        return try await PatrolService.logDTOs(req, [l], details: true)[0].encodeResponse(status: .created, for: req)
    }

    @Sendable func finding(req: Request) async throws -> Response {
        try req.require(.editTeams)
        let l = try await PatrolService.scopedLog(req, req.parameters.get("id", as: Int.self))
        _ = try await PatrolService.addFinding(req, l, (try? req.content.decode(FindingInput.self)) ?? FindingInput())
        return try await PatrolService.logDTOs(req, [l], details: true)[0].encodeResponse(status: .created, for: req)
    }

    /// 转为网格事件: 201 with the event, or 200 with the one it was taken up as before.
    @Sendable func findingEvent(req: Request) async throws -> Response {
        let (ev, created) = try await PatrolService.findingToEvent(req, findingID: req.parameters.get("id", as: Int.self), try req.content.decode(GridEventTakeUpInput.self))
        return try await GridEventAPIController.detail(req, ev).encodeResponse(status: created ? .created : .ok, for: req)
    }

    /// `?by=week|month&period=2026-W10|2026-03&team=`.
    @Sendable func evaluation(req: Request) async throws -> PatrolService.EvaluationDTO {
        try req.require(.viewTeams)
        var e = FieldErrors()
        let d = try await PatrolService.evaluation(req, errors: &e)
        guard e.isEmpty else { throw e }
        return d
    }
}
