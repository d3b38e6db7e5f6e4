import Fluent
import Vapor
import PinganKit

/// 群组登记 under `/governance/groups` (the registry and its coverage) and `/api/v1/groups`.
struct GroupController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let r = routes.grouped("governance", "groups")
        r.get(use: list)
        r.get("export.csv", use: export)
        r.get("new", use: newPage)
        r.post(use: create)
        r.get(":id", use: editPage)
        r.post(":id", use: update)
        r.post(":id", "check", use: checkGroup)

        let api = routes.grouped("api", "v1", "groups")
        api.get(use: apiList)
        api.post(use: apiCreate)
        api.get("coverage", use: apiCoverage)
        api.get(":id", use: apiShow)
        api.patch(":id", use: apiUpdate)
        api.post(":id", "check", use: apiCheck)
    }

    static func pageRequest(_ req: Request) -> PinganKit.PageRequest {
        PinganKit.PageRequest(page: req.query[Int.self, at: "page"], per: req.query[Int.self, at: "per"], defaultPer: 50, maxPer: 200)
    }

    func page(_ req: Request, _ f: GroupFilter) async throws -> ([CommunityGroupDTO], PageInfo) {
        let q = try await f.query(req)
        let total = try await q.copy().count()
        let p = Self.pageRequest(req)
        return (try await GroupService.dtos(req, try await q.range(p.offset..<(p.offset + p.per)).all()), p.info(total: total))
    }

    @Sendable func list(req: Request) async throws -> Response {
        try req.require(.viewGovernance)
        let f = GroupFilter(req)
        let (rows, info) = try await page(req, f)
        return GroupViews.list(req, rows: rows, info: info, filter: f, coverage: try await GroupService.coverage(req), communities: try await DivisionLookup.communities(req))
    }

    @Sendable func export(req: Request) async throws -> Response {
        try req.require(.viewGovernance)
        try GroupFilter.check(req)
        return GroupViews.csv(req, try await GroupService.dtos(req, try await GroupFilter(req).query(req).limit(50_000).all()))
    }

    func form(_ req: Request, _ input: GroupInput, errors: FieldErrors, editing: CommunityGroup?) async throws -> Response {
        var input = input
        let communities = try await DivisionLookup.communities(req)
        if input.communityID == nil, communities.count == 1 { input.communityID = "\(communities[0].id)" }
        let buildings = try await GroupService.buildings(req, communities: communities.map(\.id))
        return GroupViews.form(req, input: input, errors: errors, communities: communities, buildings: buildings,
                               officers: try await GroupService.officers(req), editing: editing)
    }

    @Sendable func newPage(req: Request) async throws -> Response {
        try req.require(.editGovernance)
        var input = GroupInput()
        input.kind = req.query[String.self, at: "kind"] ?? GroupKind.building.rawValue
        input.communityID = req.query[String.self, at: "community"]; input.lastCheckedOn = req.today
        // An officer registering a group is usually in it.
        if let me = try? req.user, me.role == .communityOfficer { input.officerID = me.id.map(String.init) }
        return try await form(req, input, errors: FieldErrors(), editing: nil)
    }

    @Sendable func create(req: Request) async throws -> Response {
        try req.require(.editGovernance)
        let input = (try? req.content.decode(GroupInput.self)) ?? GroupInput()
        do {
            let g = try await GroupService.save(req, nil, input)
            return req.redirect(to: "/governance/groups?community=\(g.communityID)")
        } catch let e as FieldErrors { return try await form(req, input, errors: e, editing: nil) }
    }

    @Sendable func editPage(req: Request) async throws -> Response {
        try req.require(.viewGovernance)
        let g = try await GroupService.find(req, req.parameters.get("id", as: Int.self))
        return try await form(req, GroupInput(g), errors: FieldErrors(), editing: g)
    }

    @Sendable func update(req: Request) async throws -> Response {
        try req.require(.editGovernance)
        let g = try await GroupService.find(req, req.parameters.get("id", as: Int.self))
        let input = (try? req.content.decode(GroupInput.self)) ?? GroupInput()
        do {
            _ = try await GroupService.save(req, g, input)
            return req.redirect(to: "/governance/groups?community=\(g.communityID)")
        } catch let e as FieldErrors { return try await form(req, input, errors: e, editing: g) }
    }

    @Sendable func checkGroup(req: Request) async throws -> Response {
        try req.require(.editGovernance)
        let g = try await GroupService.find(req, req.parameters.get("id", as: Int.self))
        do {
            _ = try await GroupService.markChecked(req, g, (try? req.content.decode(GroupCheckInput.self)) ?? .init())
            return req.redirect(to: "/governance/groups/\(g.id!)")
        } catch let e as FieldErrors { return try await form(req, GroupInput(g), errors: e, editing: g) }
    }

    // MARK: API

    struct Page: Content { var items: [CommunityGroupDTO]; var page: PageInfo }

    @Sendable func apiList(req: Request) async throws -> Page {
        try req.require(.viewGovernance)
        try GroupFilter.check(req)
        let (rows, info) = try await page(req, GroupFilter(req))
        return Page(items: rows, page: info)
    }

    func one(_ req: Request, _ g: CommunityGroup, status: HTTPStatus = .ok) async throws -> Response {
        let res = Response(status: status)
        try res.content.encode(try await GroupService.dtos(req, [g])[0])
        return res
    }

    @Sendable func apiCreate(req: Request) async throws -> Response {
        try req.require(.editGovernance)
        return try await one(req, try await GroupService.save(req, nil, try req.content.decode(GroupInput.self)), status: .created)
    }

    @Sendable func apiShow(req: Request) async throws -> Response {
        try req.require(.viewGovernance)
        return try await one(req, try await GroupService.find(req, req.parameters.get("id", as: Int.self)))
    }

    /// PATCH changes the fields it names; the record is checked again as a whole.
    @Sendable func apiUpdate(req: Request) async throws -> Response {
        try req.require(.editGovernance)
        let g = try await GroupService.find(req, req.parameters.get("id", as: Int.self))
        var input = GroupInput(g)
        let sent = try req.content.decode(GroupInput.self)
        for (k, v) in [(\GroupInput.kind, sent.kind), (\.name, sent.name), (\.communityID, sent.communityID), (\.buildingID, sent.buildingID),
                       (\.adminName, sent.adminName), (\.members, sent.members), (\.officerID, sent.officerID), (\.lastCheckedOn, sent.lastCheckedOn),
                       (\.note, sent.note)] where v != nil { input[keyPath: k] = v }
        return try await one(req, try await GroupService.save(req, g, input))
    }

    @Sendable func apiCheck(req: Request) async throws -> Response {
        try req.require(.editGovernance)
        let g = try await GroupService.find(req, req.parameters.get("id", as: Int.self))
        return try await one(req, try await GroupService.markChecked(req, g, (try? req.content.decode(GroupCheckInput.self)) ?? .init()))
    }

    @Sendable func apiCoverage(req: Request) async throws -> GroupService.Coverage {
        try req.require(.viewGovernance)
        return try await GroupService.coverage(req)
    }
}
