import Fluent
import Vapor
import PinganKit

/// 信访 pages under `/governance/petitions` and their API twins under `/api/v1/petitions`.
/// Reading needs `viewGovernance`, writing `editGovernance`; every record is the user's jurisdiction's.
struct PetitionController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get("governance", use: home)
        let r = routes.grouped("governance", "petitions")
        r.get(use: list)
        r.get("export.csv", use: export)
        r.get("new", use: newPage)
        r.post(use: create)
        r.get("stats", use: statsPage)
        r.get(":id", use: show)
        r.get(":id", "edit", use: editPage)
        r.post(":id", "edit", use: update)
        r.post(":id", "conclude", use: conclude)

        let api = routes.grouped("api", "v1", "petitions")
        api.get(use: apiList)
        api.post(use: apiCreate)
        api.get("stats", use: apiStats)
        api.get(":id", use: apiShow)
        api.patch(":id", use: apiUpdate)
        api.post(":id", "conclude", use: apiConclude)
    }

    static func pageRequest(_ req: Request) -> PinganKit.PageRequest {
        PinganKit.PageRequest(page: req.query[Int.self, at: "page"], per: req.query[Int.self, at: "per"], defaultPer: 30, maxPer: 200)
    }

    /// The governance office's work opens on the six systems: every figure there leads to its register.
    @Sendable func home(req: Request) async throws -> Response {
        try req.require(.viewGovernance)
        return req.redirect(to: "/governance/systems")
    }

    // MARK: pages

    @Sendable func list(req: Request) async throws -> Response {
        try req.require(.viewGovernance)
        var errors = FieldErrors()
        let filter = PetitionFilter(req, errors: &errors)
        let (rows, info) = try await PetitionService.page(req, filter, Self.pageRequest(req))
        let names = try await DivisionLookup.names(rows.map(\.communityID), on: req.db)
        return PetitionViews.list(req, rows: rows, names: names, info: info, filter: filter, errors: errors,
                                  communities: try await DivisionLookup.communities(req))
    }

    @Sendable func export(req: Request) async throws -> Response {
        try req.require(.viewGovernance)
        var errors = FieldErrors()
        let filter = PetitionFilter(req, errors: &errors)
        guard errors.isEmpty else { throw errors }
        let rows = try await filter.query(req).limit(50_000).all()
        let names = try await DivisionLookup.names(rows.map(\.communityID), on: req.db)
        return PetitionViews.csv(req, rows: rows, names: names, disputeNumbers: try await PetitionLinks.disputeNumbers(req, rows.compactMap(\.disputeID)))
    }

    func form(_ req: Request, _ input: PetitionInput, errors: FieldErrors, editing: Petition?) async throws -> Response {
        var input = input
        let communities = try await DivisionLookup.communities(req)
        if input.communityID == nil, communities.count == 1 { input.communityID = "\(communities[0].id)" }
        return PetitionViews.form(req, input: input, errors: errors, communities: communities, links: try await PetitionLinks.choices(req), editing: editing)
    }

    @Sendable func newPage(req: Request) async throws -> Response {
        try req.require(.editGovernance)
        var input = PetitionInput()
        input.receivedOn = req.today; input.channel = PetitionChannel.visit.rawValue; input.people = "1"
        // From a dispute file: its community and number are filled in.
        if let raw = req.query[String.self, at: "dispute"], let d = try? await DisputeService.scoped(req, Int(raw)), let id = d.id {
            input.disputeID = d.fileNumber(req.localCalendar); input.communityID = String(d.communityID)
        }
        return try await form(req, input, errors: FieldErrors(), editing: nil)
    }

    @Sendable func create(req: Request) async throws -> Response {
        try req.require(.editGovernance)
        let input = (try? req.content.decode(PetitionInput.self)) ?? PetitionInput()
        do {
            let p = try await PetitionService.create(req, input)
            return req.redirect(to: "/governance/petitions/\(p.id!)")
        } catch let e as FieldErrors { return try await form(req, input, errors: e, editing: nil) }
    }

    func detail(_ req: Request, _ p: Petition, conclude: PetitionConcludeInput = .init(), errors: FieldErrors = FieldErrors()) async throws -> Response {
        let names = try await DivisionLookup.names([p.communityID], on: req.db)
        var dispute: Dispute? = nil
        if let id = p.disputeID { dispute = try? await DisputeService.scoped(req, id) }
        let incident = try await req.visible(Incident.self, p.incidentID)
        let author = try await User.find(p.createdByID, on: req.db)
        return PetitionViews.detail(req, p, community: names[p.communityID] ?? "", dispute: dispute, incident: incident,
                                    author: author?.displayName ?? "", conclude: conclude, errors: errors)
    }

    @Sendable func show(req: Request) async throws -> Response {
        try req.require(.viewGovernance)
        return try await detail(req, try await PetitionService.find(req, req.parameters.get("id", as: Int.self)))
    }

    @Sendable func editPage(req: Request) async throws -> Response {
        try req.require(.editGovernance)
        let p = try await PetitionService.find(req, req.parameters.get("id", as: Int.self))
        var input = PetitionInput(p)
        input.disputeID = await PetitionLinks.disputeNumber(req, p.disputeID)
        input.incidentID = try await PetitionLinks.incidentNumber(req, p.incidentID)
        return try await form(req, input, errors: FieldErrors(), editing: p)
    }

    @Sendable func update(req: Request) async throws -> Response {
        try req.require(.editGovernance)
        let p = try await PetitionService.find(req, req.parameters.get("id", as: Int.self))
        let input = (try? req.content.decode(PetitionInput.self)) ?? PetitionInput()
        do {
            _ = try await PetitionService.update(req, p, input)
            return req.redirect(to: "/governance/petitions/\(p.id!)")
        } catch let e as FieldErrors { return try await form(req, input, errors: e, editing: p) }
    }

    @Sendable func conclude(req: Request) async throws -> Response {
        try req.require(.editGovernance)
        let p = try await PetitionService.find(req, req.parameters.get("id", as: Int.self))
        let input = (try? req.content.decode(PetitionConcludeInput.self)) ?? PetitionConcludeInput()
        do {
            _ = try await PetitionService.conclude(req, p, input)
            return req.redirect(to: "/governance/petitions/\(p.id!)")
        } catch let e as FieldErrors { return try await detail(req, p, conclude: input, errors: e) }
    }

    @Sendable func statsPage(req: Request) async throws -> Response {
        try req.require(.viewGovernance)
        var errors = FieldErrors()
        let period = PetitionService.StatsPeriod(req, errors: &errors)
        let stats = try await PetitionService.stats(req, from: period.from, to: period.to)
        return PetitionViews.stats(req, stats, period: period, errors: errors)
    }

    // MARK: API

    struct Page: Content { var items: [PetitionDTO]; var page: PageInfo }

    @Sendable func apiList(req: Request) async throws -> Page {
        try req.require(.viewGovernance)
        var errors = FieldErrors()
        let filter = PetitionFilter(req, errors: &errors)
        guard errors.isEmpty else { throw errors }
        let (rows, info) = try await PetitionService.page(req, filter, Self.pageRequest(req))
        let names = try await DivisionLookup.names(rows.map(\.communityID), on: req.db)
        return Page(items: rows.map { PetitionDTO($0, community: names[$0.communityID]) }, page: info)
    }

    func created(_ req: Request, _ p: Petition, status: HTTPStatus = .ok) async throws -> Response {
        let names = try await DivisionLookup.names([p.communityID], on: req.db)
        let res = Response(status: status)
        try res.content.encode(PetitionDTO(p, community: names[p.communityID]))
        return res
    }

    @Sendable func apiCreate(req: Request) async throws -> Response {
        try req.require(.editGovernance)
        let p = try await PetitionService.create(req, try req.content.decode(PetitionInput.self))
        return try await created(req, p, status: .created)
    }

    @Sendable func apiShow(req: Request) async throws -> Response {
        try req.require(.viewGovernance)
        return try await created(req, try await PetitionService.find(req, req.parameters.get("id", as: Int.self)))
    }

    /// PATCH changes the fields it names; the others keep their value, and the whole record is checked again.
    @Sendable func apiUpdate(req: Request) async throws -> Response {
        try req.require(.editGovernance)
        let p = try await PetitionService.find(req, req.parameters.get("id", as: Int.self))
        var input = PetitionInput(p)
        let sent = try req.content.decode(PetitionInput.self)
        for (k, v) in [(\PetitionInput.receivedOn, sent.receivedOn), (\.channel, sent.channel), (\.level, sent.level), (\.subject, sent.subject),
                       (\.people, sent.people), (\.petitioner, sent.petitioner), (\.summary, sent.summary), (\.communityID, sent.communityID),
                       (\.handlingUnit, sent.handlingUnit), (\.disputeID, sent.disputeID), (\.incidentID, sent.incidentID)] where v != nil {
            input[keyPath: k] = v
        }
        return try await created(req, try await PetitionService.update(req, p, input))
    }

    @Sendable func apiConclude(req: Request) async throws -> Response {
        try req.require(.editGovernance)
        let p = try await PetitionService.find(req, req.parameters.get("id", as: Int.self))
        return try await created(req, try await PetitionService.conclude(req, p, (try? req.content.decode(PetitionConcludeInput.self)) ?? .init()))
    }

    @Sendable func apiStats(req: Request) async throws -> PetitionService.Stats {
        try req.require(.viewGovernance)
        var errors = FieldErrors()
        let period = PetitionService.StatsPeriod(req, errors: &errors)
        guard errors.isEmpty else { throw errors }
        return try await PetitionService.stats(req, from: period.from, to: period.to)
    }
}
