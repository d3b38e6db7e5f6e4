import Fluent
import Vapor
import PinganKit

/// 实有人口 registry pages.
struct PersonController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let r = routes.grouped("people")
        r.get(use: list)
        r.get("export.csv", use: export)
        r.get("new", use: newPage)
        r.post(use: create)
        r.get(":id", use: show)
        r.get(":id", "edit", use: editPage)
        r.post(":id", use: update)
        r.post(":id", "reveal", use: reveal)
    }

    @Sendable func list(req: Request) async throws -> Response {
        try req.require(.viewRegistry)
        var errors = FieldErrors()
        let filter = PersonFilter(req, errors: &errors)
        let page = PinganKit.PageRequest(page: req.query[Int.self, at: "page"], per: req.query[Int.self, at: "per"])
        let q = try await filter.query(req)
        let total = try await q.copy().count()
        let people = try await q.range(page.offset..<(page.offset + page.per)).all()
        let names = try await PersonService.divisionNames(req, people)
        let res = PersonViews.list(req, people: people, names: names, info: PageInfo(page: page.page, per: page.per, total: total), filter: filter,
                                   errors: errors, communities: try await IncidentController.communities(req), canEdit: try req.user.role.can(.editRegistry))
        if !errors.isEmpty { res.status = .unprocessableEntity }
        return res
    }

    @Sendable func export(req: Request) async throws -> Response {
        var errors = FieldErrors()
        let filter = PersonFilter(req, errors: &errors)
        guard errors.isEmpty else { throw errors }
        return try await PersonService.csv(req, filter)
    }

    func formPage(_ req: Request, _ person: Person?, _ input: PersonInput, _ errors: FieldErrors) async throws -> Response {
        let communities = try await IncidentController.communities(req)
        var input = input
        if input.communityID == nil, communities.count == 1 { input.communityID = "\(communities[0].id)" }
        var grids: [Division] = []
        if let cid = input.communityID.flatMap({ Int($0) }) {
            grids = try await Division.query(on: req.db).filter(\.$level == .grid).filter(\.$communityID == cid).sort(\.$code).all()
            if let g = try await req.scope().gridIDs { grids = grids.filter { g.contains($0.id!) } }
        }
        let supervisors = try await User.query(on: req.db).filter(\.$active == true)
            .filter(\.$role ~~ [.communityOfficer, .stationChief, .gridWorker]).sort(\.$displayName).limit(500).all()
        return PersonViews.form(req, person: person, input: input, errors: errors, communities: communities, grids: grids, supervisors: supervisors)
    }

    @Sendable func newPage(req: Request) async throws -> Response {
        try req.require(.editRegistry)
        var input = PersonInput()
        input.communityID = req.query[String.self, at: "community"]?.nilIfEmpty
        return try await formPage(req, nil, input, FieldErrors())
    }

    @Sendable func create(req: Request) async throws -> Response {
        try req.require(.editRegistry)
        let input = try req.content.decode(PersonInput.self)
        do {
            let p = try await PersonService.create(req, input)
            return req.redirect(to: "/people/\(p.id!)")
        } catch let e as FieldErrors {
            var kept = input
            kept.idNumber = nil // never echo an identity number back into a page
            return try await formPage(req, nil, kept, e)
        }
    }

    @Sendable func show(req: Request) async throws -> Response {
        try req.require(.viewRegistry)
        let p = try await PersonService.scoped(req, req.parameters.get("id", as: Int.self))
        return try await detail(req, p, revealed: nil)
    }

    func detail(_ req: Request, _ p: Person, revealed: RevealedIdentity?, errors: FieldErrors = FieldErrors()) async throws -> Response {
        let names = try await PersonService.divisionNames(req, [p])
        let supervisor = try await p.supervisorID.asyncMap { try await User.find($0, on: req.db) } ?? nil
        let role = try req.user.role
        let res = PersonViews.detail(req, p, names: names, supervisor: supervisor?.displayName, revealed: revealed, errors: errors,
                                     canEdit: role.can(.editRegistry), canReveal: role.can(.revealIdentity))
        if !errors.isEmpty { res.status = .unprocessableEntity }
        return res
    }

    @Sendable func editPage(req: Request) async throws -> Response {
        try req.require(.editRegistry)
        let p = try await PersonService.scoped(req, req.parameters.get("id", as: Int.self))
        return try await formPage(req, p, PersonInput(p), FieldErrors())
    }

    @Sendable func update(req: Request) async throws -> Response {
        try req.require(.editRegistry)
        let p = try await PersonService.scoped(req, req.parameters.get("id", as: Int.self))
        let input = try req.content.decode(PersonInput.self)
        do {
            try await PersonService.update(req, p, input)
            return req.redirect(to: "/people/\(p.id!)")
        } catch let e as FieldErrors {
            var kept = input
            kept.idNumber = nil
            return try await formPage(req, try await PersonService.scoped(req, p.id), kept, e)
        }
    }

    /// A POST, not a link: unmasking is an action that is audited, never a cached page.
    @Sendable func reveal(req: Request) async throws -> Response {
        try req.require(.revealIdentity)
        let p = try await PersonService.scoped(req, req.parameters.get("id", as: Int.self))
        do {
            return try await detail(req, p, revealed: try await PersonService.reveal(req, p, try req.content.decode(PersonService.RevealInput.self)))
        } catch let e as FieldErrors {
            return try await detail(req, p, revealed: nil, errors: e)
        }
    }
}

/// JSON API: `/api/v1/people`; identity data masked unless revealed through the audited endpoint.
struct PersonAPIController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let r = routes.grouped("api", "v1", "people")
        r.get(use: list)
        r.get("export.csv", use: export)
        r.post(use: create)
        r.get(":id", use: show)
        r.patch(":id", use: update)
        r.post(":id", "reveal", use: reveal)
    }

    struct Page: Content { var items: [PersonDTO]; var page: PageInfo }

    @Sendable func list(req: Request) async throws -> Page {
        try req.require(.viewRegistry)
        var errors = FieldErrors()
        let filter = PersonFilter(req, errors: &errors)
        guard errors.isEmpty else { throw errors }
        let page = PinganKit.PageRequest(page: req.query[Int.self, at: "page"], per: req.query[Int.self, at: "per"])
        let q = try await filter.query(req)
        let total = try await q.copy().count()
        let items = try await q.range(page.offset..<(page.offset + page.per)).all()
        return Page(items: items.map { $0.toDTO() }, page: PageInfo(page: page.page, per: page.per, total: total))
    }

    @Sendable func export(req: Request) async throws -> Response { try await PersonController().export(req: req) }

    @Sendable func create(req: Request) async throws -> Response {
        let p = try await PersonService.create(req, try req.content.decode(PersonInput.self))
        let res = try await p.toDTO().encodeResponse(status: .created, for: req)
        res.headers.replaceOrAdd(name: .location, value: "/api/v1/people/\(p.id!)")
        return res
    }

    @Sendable func show(req: Request) async throws -> PersonDTO {
        try req.require(.viewRegistry)
        return try await PersonService.scoped(req, req.parameters.get("id", as: Int.self)).toDTO()
    }

    @Sendable func update(req: Request) async throws -> PersonDTO {
        try req.require(.editRegistry)
        let p = try await PersonService.scoped(req, req.parameters.get("id", as: Int.self))
        try await PersonService.update(req, p, try req.content.decode(PersonInput.self))
        return p.toDTO()
    }

    @Sendable func reveal(req: Request) async throws -> RevealedIdentity {
        try req.require(.revealIdentity)
        let p = try await PersonService.scoped(req, req.parameters.get("id", as: Int.self))
        return try await PersonService.reveal(req, p, try req.content.decode(PersonService.RevealInput.self))
    }
}
