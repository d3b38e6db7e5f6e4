import Fluent
import Vapor
import PinganKit

/// 应急处突队伍 under `/governance/teams` (members under `/governance/team-members`, shifts under `/governance/team-shifts`)
/// and their API twins. Reading needs `viewGovernance`; every change `runCampaigns` for the team's area.
struct ResponseTeamController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let r = routes.grouped("governance", "teams")
        r.get(use: list)
        r.get("export.csv", use: export)
        r.get("new", use: newPage)
        r.post(use: create)
        r.get(":id", use: show)
        r.get(":id", "edit", use: editPage)
        r.post(":id", "edit", use: update)
        r.post(":id", "members", use: addMember)
        r.post(":id", "shifts", use: addShift)
        routes.post("governance", "team-members", ":id", "remove", use: removeMember)
        routes.post("governance", "team-shifts", ":id", "remove", use: removeShift)

        let api = routes.grouped("api", "v1", "response-teams")
        api.get(use: apiList)
        api.post(use: apiCreate)
        api.get(":id", use: apiShow)
        api.patch(":id", use: apiUpdate)
        api.post(":id", "members", use: apiAddMember)
        api.post(":id", "shifts", use: apiAddShift)
        routes.post("api", "v1", "response-team-members", ":id", "remove", use: apiRemoveMember)
        routes.post("api", "v1", "response-team-shifts", ":id", "remove", use: apiRemoveShift)
    }

    struct Page: Content { var items: [ResponseTeamDTO]; var page: PageInfo }

    func team(_ req: Request) async throws -> ResponseTeam { try await ResponseTeamService.find(req, req.parameters.get("id", as: Int.self)) }

    func json<T: Content>(_ value: T, status: HTTPStatus = .ok) throws -> Response {
        let res = Response(status: status)
        try res.content.encode(value)
        return res
    }

    static func pageRequest(_ req: Request) -> PinganKit.PageRequest {
        PinganKit.PageRequest(page: req.query[Int.self, at: "page"], per: req.query[Int.self, at: "per"], defaultPer: 30, maxPer: 200)
    }

    // MARK: pages

    @Sendable func list(req: Request) async throws -> Response {
        try req.require(.viewGovernance)
        var e = FieldErrors()
        let filter = ResponseTeamFilter(req, errors: &e)
        let all = try await ResponseTeamService.list(req, filter)
        let page = Self.pageRequest(req)
        let rows = try await ResponseTeamService.dtos(req, Array(all.dropFirst(page.offset).prefix(page.per)))
        let managed = try await CampaignService.managedAreas(req)
        let canCreate = try req.user.role.can(.runCampaigns) && !managed.isEmpty
        return ResponseTeamViews.list(req, rows: rows, info: page.info(total: all.count), filter: filter, canCreate: canCreate, errors: e)
    }

    @Sendable func export(req: Request) async throws -> Response {
        try req.require(.viewGovernance)
        var e = FieldErrors()
        let filter = ResponseTeamFilter(req, errors: &e)
        guard e.isEmpty else { throw e }
        return ResponseTeamViews.csv(req, rows: try await ResponseTeamService.dtos(req, try await ResponseTeamService.list(req, filter), detail: true))
    }

    func form(_ req: Request, _ input: ResponseTeamInput, errors: FieldErrors, editing: ResponseTeam?) async throws -> Response {
        ResponseTeamViews.form(req, input: input, areas: try await CampaignService.managedAreas(req), errors: errors, editing: editing)
    }

    @Sendable func newPage(req: Request) async throws -> Response {
        try req.require(.runCampaigns)
        var input = ResponseTeamInput()
        input.areaID = try await CampaignService.managedAreas(req).first.map { String($0.id!) }
        return try await form(req, input, errors: FieldErrors(), editing: nil)
    }

    @Sendable func create(req: Request) async throws -> Response {
        try req.require(.runCampaigns)
        let input = (try? req.content.decode(ResponseTeamInput.self)) ?? ResponseTeamInput()
        do {
            let t = try await ResponseTeamService.create(req, input)
            return req.redirect(to: "/governance/teams/\(t.id!)")
        } catch let e as FieldErrors { return try await form(req, input, errors: e, editing: nil) }
    }

    func detailPage(_ req: Request, _ t: ResponseTeam, forms: ResponseTeamViews.DetailForms = .init()) async throws -> Response {
        let dto = try await ResponseTeamService.dtos(req, [t], detail: true)[0]
        let canManage = try await ResponseTeamService.canManage(req, t)
        let candidates = canManage ? try await ResponseTeamService.candidates(req, t) : []
        return ResponseTeamViews.detail(req, dto, candidates: candidates, canManage: canManage, forms: forms)
    }

    @Sendable func show(req: Request) async throws -> Response { try await detailPage(req, try await team(req)) }

    @Sendable func editPage(req: Request) async throws -> Response {
        let t = try await team(req)
        try await ResponseTeamService.requireManage(req, t)
        return try await form(req, ResponseTeamInput(t), errors: FieldErrors(), editing: t)
    }

    @Sendable func update(req: Request) async throws -> Response {
        let t = try await team(req)
        try await ResponseTeamService.requireManage(req, t)
        let input = (try? req.content.decode(ResponseTeamInput.self)) ?? ResponseTeamInput()
        // A form sends every box; no box ticked means a general team, not "keep the kinds".
        var sent = input
        if sent.types == nil { sent.types = [] }
        do {
            try await ResponseTeamService.update(req, t, sent)
            return req.redirect(to: "/governance/teams/\(t.id!)")
        } catch let e as FieldErrors { return try await form(req, sent, errors: e, editing: t) }
    }

    @Sendable func addMember(req: Request) async throws -> Response {
        let t = try await team(req)
        let input = (try? req.content.decode(ResponseTeamMemberInput.self)) ?? ResponseTeamMemberInput()
        do {
            _ = try await ResponseTeamService.addMember(req, t, input)
            return req.redirect(to: "/governance/teams/\(t.id!)")
        } catch let e as FieldErrors { return try await detailPage(req, t, forms: .init(member: input, memberErrors: e)) }
    }

    @Sendable func addShift(req: Request) async throws -> Response {
        let t = try await team(req)
        let input = (try? req.content.decode(ResponseTeamShiftInput.self)) ?? ResponseTeamShiftInput()
        do {
            _ = try await ResponseTeamService.addShift(req, t, input)
            return req.redirect(to: "/governance/teams/\(t.id!)")
        } catch let e as FieldErrors { return try await detailPage(req, t, forms: .init(shift: input, shiftErrors: e)) }
    }

    @Sendable func removeMember(req: Request) async throws -> Response {
        try req.require(.runCampaigns)
        let (t, m) = try await ResponseTeamService.findMember(req, req.parameters.get("id", as: Int.self))
        try await ResponseTeamService.removeMember(req, t, m)
        return req.redirect(to: "/governance/teams/\(t.id!)")
    }

    @Sendable func removeShift(req: Request) async throws -> Response {
        try req.require(.runCampaigns)
        let (t, s) = try await ResponseTeamService.findShift(req, req.parameters.get("id", as: Int.self))
        try await ResponseTeamService.removeShift(req, t, s)
        return req.redirect(to: "/governance/teams/\(t.id!)")
    }

    // MARK: API

    @Sendable func apiList(req: Request) async throws -> Page {
        try req.require(.viewGovernance)
        var e = FieldErrors()
        let filter = ResponseTeamFilter(req, errors: &e)
        guard e.isEmpty else { throw e }
        let all = try await ResponseTeamService.list(req, filter)
        let page = Self.pageRequest(req)
        return Page(items: try await ResponseTeamService.dtos(req, Array(all.dropFirst(page.offset).prefix(page.per))), page: page.info(total: all.count))
    }

    func detail(_ req: Request, _ t: ResponseTeam) async throws -> ResponseTeamDTO { try await ResponseTeamService.dtos(req, [t], detail: true)[0] }

    @Sendable func apiShow(req: Request) async throws -> ResponseTeamDTO { try await detail(req, try await team(req)) }

    @Sendable func apiCreate(req: Request) async throws -> Response {
        try req.require(.runCampaigns)
        let t = try await ResponseTeamService.create(req, try req.content.decode(ResponseTeamInput.self))
        return try json(try await detail(req, t), status: .created)
    }

    @Sendable func apiUpdate(req: Request) async throws -> ResponseTeamDTO {
        let t = try await team(req)
        try await ResponseTeamService.update(req, t, try req.content.decode(ResponseTeamInput.self))
        return try await detail(req, t)
    }

    @Sendable func apiAddMember(req: Request) async throws -> Response {
        let t = try await team(req)
        _ = try await ResponseTeamService.addMember(req, t, try req.content.decode(ResponseTeamMemberInput.self))
        return try json(try await detail(req, t), status: .created)
    }

    @Sendable func apiAddShift(req: Request) async throws -> Response {
        let t = try await team(req)
        _ = try await ResponseTeamService.addShift(req, t, try req.content.decode(ResponseTeamShiftInput.self))
        return try json(try await detail(req, t), status: .created)
    }

    @Sendable func apiRemoveMember(req: Request) async throws -> ResponseTeamDTO {
        try req.require(.runCampaigns)
        let (t, m) = try await ResponseTeamService.findMember(req, req.parameters.get("id", as: Int.self))
        try await ResponseTeamService.removeMember(req, t, m)
        return try await detail(req, t)
    }

    @Sendable func apiRemoveShift(req: Request) async throws -> ResponseTeamDTO {
        try req.require(.runCampaigns)
        let (t, s) = try await ResponseTeamService.findShift(req, req.parameters.get("id", as: Int.self))
        try await ResponseTeamService.removeShift(req, t, s)
        return try await detail(req, t)
    }
}
