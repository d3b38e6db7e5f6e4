import Fluent
import Vapor
import PinganKit

/// 矛盾纠纷调处 pages: the files, the registration desk, the per-level desk, statistics, the printable file.
struct DisputeController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let r = routes.grouped("disputes")
        r.get(use: list)
        r.get("export.csv", use: export)
        r.get("new", use: newPage)
        r.post(use: create)
        r.get("desk", use: desk)
        r.get("stats", use: stats)
        r.get("stats.csv", use: statsCSV)
        r.get(":id", use: show)
        r.get(":id", "print", use: printFile)
        r.post(":id", "actions", use: act)
        r.post(":id", "sessions", use: addSession)
        r.post(":id", "links", use: link)
        r.get(":id", "edit", use: editPage)
        r.post(":id", "edit", use: update)
        r.upload(":id", "attachments", maxSize: DisputeAttachmentStore.bodyLimit, permission: .editDisputes, use: upload)
        r.get("attachments", ":id", use: download)
        r.post("attachments", ":id", "delete", use: removeAttachment)
    }

    struct LinkForm: Content { var incidentID: String? }

    @Sendable func link(req: Request) async throws -> Response {
        try req.require(.editDisputes)
        let d = try await DisputeService.scoped(req, req.parameters.get("id", as: Int.self))
        let form = try? req.content.decode(LinkForm.self)
        do {
            try await DisputeService.link(req, d, incidentID: form?.incidentID)
            return req.redirect(to: "/disputes/\(d.id!)")
        } catch let e as FieldErrors {
            return DisputeViews.detail(req, try await Self.detailData(req, try await DisputeService.scoped(req, d.id)), canEdit: true, errors: e)
        }
    }

    /// Mediators the user can pick in filters: those whose files the user can see.
    static func mediatorOptions(_ req: Request) async throws -> [(Int, String)] {
        let ids = try await DisputeService.visible(req).filter(\.$mediatorID != nil).unique().all(\.$mediatorID).compactMap { $0 }
        let names = try await DisputeService.userNames(ids, on: req.db)
        return names.sorted { $0.value < $1.value }.map { ($0.key, $0.value) }
    }

    @Sendable func list(req: Request) async throws -> Response {
        try req.require(.viewDisputes)
        var errors = FieldErrors()
        let filter = DisputeFilter(req, errors: &errors)
        let page = PinganKit.PageRequest(page: req.query[Int.self, at: "page"], per: req.query[Int.self, at: "per"])
        let q = try await filter.query(req)
        let total = try await q.copy().count()
        let rows = try await q.range(page.offset..<(page.offset + page.per)).all()
        let places = try await DivisionLookup.names(rows.flatMap { [$0.communityID, $0.gridID].compactMap { $0 } }, on: req.db)
        let mediators = try await DisputeService.userNames(rows.compactMap(\.mediatorID), on: req.db)
        var parties: [Int: [String]] = [:]
        if !rows.isEmpty { for p in try await DisputeParty.query(on: req.db).filter(\.$disputeID ~~ rows.map { $0.id! }).sort(\.$id).all() { parties[p.disputeID, default: []].append(p.name) } }
        return DisputeViews.list(req, rows: rows, places: places, mediators: mediators, parties: parties, info: PageInfo(page: page.page, per: page.per, total: total),
                                 filter: filter, errors: errors, communities: try await DivisionLookup.communities(req),
                                 mediatorOptions: try await Self.mediatorOptions(req), canEdit: try req.user.role.can(.editDisputes))
    }

    @Sendable func export(req: Request) async throws -> Response {
        try req.require(.viewDisputes)
        var errors = FieldErrors()
        let filter = DisputeFilter(req, errors: &errors)
        guard errors.isEmpty else { throw errors }
        return try await DisputeService.csv(req, filter)
    }

    func formPage(_ req: Request, _ input: DisputeInput, _ errors: FieldErrors, editing: Dispute? = nil) async throws -> Response {
        let communities = try await DivisionLookup.communities(req)
        var input = input
        if input.communityID == nil, communities.count == 1 { input.communityID = "\(communities[0].id)" }
        var grids: [Division] = []
        if let cid = input.communityID.flatMap({ Int($0) }) {
            grids = try await DivisionLookup.grids(req, community: cid)
        }
        return DisputeViews.form(req, input: input, errors: errors, communities: communities, grids: grids, editing: editing)
    }

    @Sendable func newPage(req: Request) async throws -> Response {
        try req.require(.editDisputes)
        var input = DisputeInput()
        input.communityID = req.query[String.self, at: "community"]?.nilIfEmpty
        return try await formPage(req, input, FieldErrors())
    }

    @Sendable func create(req: Request) async throws -> Response {
        try req.require(.editDisputes)
        let input = try req.content.decode(DisputeInput.self)
        do {
            let d = try await DisputeService.create(req, input)
            return req.redirect(to: "/disputes/\(d.id!)")
        } catch let e as FieldErrors {
            return try await formPage(req, input, e)
        }
    }

    static func detailData(_ req: Request, _ d: Dispute) async throws -> DisputeViews.DetailData {
        let dto = try await DisputeService.full(req, d)
        let places = try await DivisionLookup.names([d.communityID, d.gridID].compactMap { $0 }, on: req.db)
        var mediatorName: String? = nil
        if let m = d.mediatorID { mediatorName = try await User.find(m, on: req.db)?.displayName }
        let options = try await DisputeService.mediators(req, level: nil, communityID: d.communityID).map { ($0.user.id!, $0.user.displayName, $0.level) }
        let petitions = try req.user.role.can(.viewGovernance)
            ? try await req.scoped(Petition.self).filter(\.$disputeID == d.id!).sort(\.$receivedOn).all() : []
        return .init(d: d, dto: dto, places: places, mediatorName: mediatorName, mediatorOptions: options, petitions: petitions)
    }

    @Sendable func show(req: Request) async throws -> Response {
        try req.require(.viewDisputes)
        let d = try await DisputeService.scoped(req, req.parameters.get("id", as: Int.self))
        return DisputeViews.detail(req, try await Self.detailData(req, d), canEdit: try req.user.role.can(.editDisputes))
    }

    @Sendable func printFile(req: Request) async throws -> Response {
        try req.require(.viewDisputes)
        let d = try await DisputeService.scoped(req, req.parameters.get("id", as: Int.self))
        await req.audit("dispute.print", entity: "dispute", id: d.id.map(String.init))
        return DisputeViews.printable(req, try await Self.detailData(req, d))
    }

    @Sendable func act(req: Request) async throws -> Response {
        try req.require(.editDisputes)
        let d = try await DisputeService.scoped(req, req.parameters.get("id", as: Int.self))
        let input = (try? req.content.decode(DisputeActionInput.self)) ?? DisputeActionInput()
        do {
            try await DisputeService.act(req, d, input)
            // After an assignment the file may have left this user's sight (another mediator's now).
            return req.redirect(to: try await DisputeService.canSee(req, d) ? "/disputes/\(d.id!)" : "/disputes")
        } catch let e as FieldErrors {
            let fresh = try await DisputeService.scoped(req, d.id)
            return DisputeViews.detail(req, try await Self.detailData(req, fresh), canEdit: true, errors: e, openAction: input.action)
        }
    }

    @Sendable func addSession(req: Request) async throws -> Response {
        try req.require(.editDisputes)
        let d = try await DisputeService.scoped(req, req.parameters.get("id", as: Int.self))
        let input = (try? req.content.decode(DisputeSessionInput.self)) ?? DisputeSessionInput()
        do {
            _ = try await DisputeService.addSession(req, d, input)
            return req.redirect(to: "/disputes/\(d.id!)")
        } catch let e as FieldErrors {
            let fresh = try await DisputeService.scoped(req, d.id)
            return DisputeViews.detail(req, try await Self.detailData(req, fresh), canEdit: true, errors: e, sessionInput: input, openAction: DisputeAction.session.rawValue)
        }
    }

    @Sendable func desk(req: Request) async throws -> Response {
        let desk = try await DisputeService.desk(req)
        let places = try await DivisionLookup.names(desk.late.map(\.communityID), on: req.db)
        return DisputeViews.desk(req, desk, places: places)
    }

    @Sendable func stats(req: Request) async throws -> Response {
        try req.require(.viewDisputes)
        do { return DisputeViews.stats(req, try await DisputeService.stats(req)) } catch let e as FieldErrors {
            let res = DisputeViews.stats(req, .init(by: "month", rows: [], total: .init(key: "total", label: req.t("合计", "Total"), stats: .init(key: ""), successRate: "—")))
            res.status = e.status
            return res
        }
    }

    @Sendable func statsCSV(req: Request) async throws -> Response { try await DisputeService.statsCSV(req) }
}

/// JSON API: `/api/v1/disputes` and `/api/v1/dispute-types`.
struct DisputeAPIController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let r = routes.grouped("api", "v1", "disputes")
        r.get(use: list)
        r.get("export.csv", use: export)
        r.post(use: create)
        r.get("desk", use: desk)
        r.get("stats", use: stats)
        r.get(":id", use: show)
        r.post(":id", "actions", use: act)
        r.post(":id", "sessions", use: addSession)
        r.post(":id", "links", use: link)
        r.patch(":id", use: update)
        r.get(":id", "attachments", use: attachments)
        r.upload(":id", "attachments", maxSize: DisputeAttachmentStore.bodyLimit, permission: .editDisputes, use: upload)
        routes.get("api", "v1", "dispute-attachments", ":id", use: download)
        routes.delete("api", "v1", "dispute-attachments", ":id", use: removeAttachment)
        routes.get("api", "v1", "incidents", ":id", "disputes", use: forIncident)
        routes.get("api", "v1", "dispute-types", use: types)
    }

    struct Page: Content { var items: [DisputeDTO]; var page: PageInfo }

    @Sendable func list(req: Request) async throws -> Page {
        try req.require(.viewDisputes)
        var errors = FieldErrors()
        let filter = DisputeFilter(req, errors: &errors)
        guard errors.isEmpty else { throw errors }
        let page = PinganKit.PageRequest(page: req.query[Int.self, at: "page"], per: req.query[Int.self, at: "per"])
        let q = try await filter.query(req)
        let total = try await q.copy().count()
        let items = try await q.range(page.offset..<(page.offset + page.per)).all()
        let cal = req.localCalendar, today = req.today
        return Page(items: items.map { $0.toDTO(cal, today: today) }, page: PageInfo(page: page.page, per: page.per, total: total))
    }

    @Sendable func export(req: Request) async throws -> Response { try await DisputeController().export(req: req) }

    @Sendable func create(req: Request) async throws -> Response {
        let d = try await DisputeService.create(req, try req.content.decode(DisputeInput.self))
        let res = try await DisputeService.full(req, d).encodeResponse(status: .created, for: req)
        res.headers.replaceOrAdd(name: .location, value: "/api/v1/disputes/\(d.id!)")
        return res
    }

    @Sendable func show(req: Request) async throws -> DisputeDTO {
        try req.require(.viewDisputes)
        return try await DisputeService.full(req, try await DisputeService.scoped(req, req.parameters.get("id", as: Int.self)))
    }

    @Sendable func act(req: Request) async throws -> DisputeDTO {
        try req.require(.editDisputes)
        let d = try await DisputeService.scoped(req, req.parameters.get("id", as: Int.self))
        try await DisputeService.act(req, d, try req.content.decode(DisputeActionInput.self))
        return try await DisputeService.full(req, d)
    }

    @Sendable func addSession(req: Request) async throws -> Response {
        try req.require(.editDisputes)
        let d = try await DisputeService.scoped(req, req.parameters.get("id", as: Int.self))
        _ = try await DisputeService.addSession(req, d, try req.content.decode(DisputeSessionInput.self))
        return try await DisputeService.full(req, d).encodeResponse(status: .created, for: req)
    }

    struct LinkBody: Content {
        var incidentID: String?
        init(from decoder: any Decoder) throws { incidentID = try decoder.container(keyedBy: AnyKey.self).loose(AnyKey("incidentID")) }
    }

    @Sendable func link(req: Request) async throws -> Response {
        try req.require(.editDisputes)
        let d = try await DisputeService.scoped(req, req.parameters.get("id", as: Int.self))
        try await DisputeService.link(req, d, incidentID: (try? req.content.decode(LinkBody.self))?.incidentID)
        return try await DisputeService.full(req, d).encodeResponse(status: .created, for: req)
    }

    /// The incident's side of the link: the dispute files linked to it that the user may see.
    @Sendable func forIncident(req: Request) async throws -> [DisputeDTO] {
        try req.require(.viewDisputes)
        let i = try await IncidentService.scoped(req, req.parameters.get("id", as: Int.self))
        return try await DisputeService.forIncident(req, i.id!)
    }

    @Sendable func desk(req: Request) async throws -> DisputeService.LevelDesk { try await DisputeService.desk(req) }
    @Sendable func stats(req: Request) async throws -> DisputeService.StatsResult { try await DisputeService.stats(req) }

    struct TypeDoc: Content { var code: String; var zh: String; var en: String; var routedLevel: DisputeLevel }
    @Sendable func types(req: Request) async throws -> [TypeDoc] {
        try req.require(.viewDisputes)
        return DisputeType.allCases.map { TypeDoc(code: $0.rawValue, zh: $0.nameZh, en: $0.nameEn, routedLevel: DisputeRouting.level(for: .init(type: $0, peopleInvolved: 2)).level) }
    }
}
