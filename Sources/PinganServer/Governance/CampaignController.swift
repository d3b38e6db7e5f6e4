import Fluent
import Vapor
import PinganKit

/// 联合执法 / 专项整治 under `/governance/campaigns` (a place: `/governance/campaign-targets/:id`) and their API twins.
/// Reading needs `viewGovernance`; organising a campaign `runCampaigns`; adding places and recording their rectification
/// `editGovernance`, within the user's jurisdiction.
struct CampaignController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let r = routes.grouped("governance", "campaigns")
        r.get(use: list)
        r.get("new", use: newPage)
        r.post(use: create)
        r.get(":id", use: show)
        r.get(":id", "edit", use: editPage)
        r.post(":id", "edit", use: update)
        r.get(":id", "targets.csv", use: export)
        r.get(":id", "targets", "new", use: newTargetPage)
        r.post(":id", "targets", use: addTarget)
        r.get(":id", "import", use: importPage)
        r.upload(":id", "import", maxSize: "4mb", permission: .editGovernance, use: importList)
        let t = routes.grouped("governance", "campaign-targets")
        t.get(":id", use: showTarget)
        t.get(":id", "edit", use: editTargetPage)
        t.post(":id", "edit", use: updateTarget)
        t.upload(":id", "step", maxSize: PhotoStore.bodyLimit, permission: .editGovernance, use: step)

        let api = routes.grouped("api", "v1", "campaigns")
        api.get(use: apiList)
        api.post(use: apiCreate)
        api.get(":id", use: apiShow)
        api.patch(":id", use: apiUpdate)
        api.get(":id", "progress", use: apiProgress)
        api.get(":id", "targets", use: apiTargets)
        api.post(":id", "targets", use: apiAddTarget)
        api.upload(":id", "targets", "import", maxSize: "4mb", permission: .editGovernance, use: apiImport)
        let apiT = routes.grouped("api", "v1", "campaign-targets")
        apiT.get(":id", use: apiShowTarget)
        apiT.patch(":id", use: apiUpdateTarget)
        apiT.upload(":id", "step", maxSize: PhotoStore.bodyLimit, permission: .editGovernance, use: apiStep)
    }

    static func pageRequest(_ req: Request, per: Int = 30) -> PinganKit.PageRequest {
        PinganKit.PageRequest(page: req.query[Int.self, at: "page"], per: req.query[Int.self, at: "per"], defaultPer: per, maxPer: 200)
    }

    static func phase(_ req: Request, errors e: inout FieldErrors) -> CampaignPhase? {
        guard let s = req.query[String.self, at: "phase"]?.nilIfEmpty else { return nil }
        let p = CampaignPhase(rawValue: s); if p == nil { e["phase"] = req.t("取值无效", "Unknown value") }
        return p
    }

    /// A place and its campaign, both visible to the user, or 404.
    static func target(_ req: Request) async throws -> (Campaign, CampaignTarget) {
        try await CampaignService.visibleTarget(req, req.parameters.get("id", as: Int.self))
    }

    /// Campaigns as the API shows them, with their departments, units and areas read once for the whole list.
    func dtos(_ req: Request, _ rows: [Campaign]) async throws -> [CampaignDTO] {
        let deps = try await CampaignService.departments(req, rows.compactMap(\.id))
        let units = try await CampaignService.unitNames(req, deps.values.flatMap { $0.map(\.unitID) } + rows.map(\.leadUnitID))
        let areas = try await DivisionLookup.names(rows.map(\.areaDivisionID), on: req.db)
        let today = req.today
        return rows.map { c in
            CampaignDTO(id: c.id!, name: c.name, areaID: c.areaDivisionID, area: areas[c.areaDivisionID], leadUnitID: c.leadUnitID, leadUnit: units[c.leadUnitID],
                        startsOn: c.startsOn, endsOn: c.endsOn, phase: c.phase(today: today), goal: c.goal,
                        departments: (deps[c.id!] ?? []).map { CampaignDepartmentDTO(unitID: $0.unitID, unit: units[$0.unitID] ?? "", duty: $0.duty) },
                        createdAt: c.createdAt, updatedAt: c.updatedAt)
        }
    }

    func dto(_ req: Request, _ c: Campaign) async throws -> CampaignDTO { try await dtos(req, [c])[0] }

    func targetDTOs(_ req: Request, _ rows: [CampaignTarget]) async throws -> [CampaignTargetDTO] {
        let names = try await DivisionLookup.names(rows.map(\.communityID), on: req.db)
        let units = try await CampaignService.unitNames(req, rows.compactMap(\.departmentID))
        return rows.map { CampaignTargetDTO($0, community: names[$0.communityID], department: $0.departmentID.flatMap { units[$0] }) }
    }

    // MARK: campaigns, pages

    @Sendable func list(req: Request) async throws -> Response {
        try req.require(.viewGovernance)
        var errors = FieldErrors()
        let phase = Self.phase(req, errors: &errors)
        let q = req.query[String.self, at: "q"]?.nilIfEmpty.map { String($0.prefix(50)) }
        let (rows, info) = try await CampaignService.list(req, phase: phase, q: q, page: Self.pageRequest(req))
        let ids = rows.compactMap(\.id)
        let areas = try await DivisionLookup.names(rows.map(\.areaDivisionID), on: req.db)
        let units = try await CampaignService.unitNames(req, rows.map(\.leadUnitID))
        return CampaignViews.list(req, rows: rows, areas: areas, units: units, counts: try await CampaignService.counts(req, ids), info: info, phase: phase, q: q)
    }

    func form(_ req: Request, _ input: CampaignInput, errors: FieldErrors, editing: Campaign?) async throws -> Response {
        let areas = try await CampaignService.managedAreas(req)
        let chosen = input.areaID.flatMap(Int.init).flatMap { id in areas.first { $0.id == id } } ?? areas.first
        var units: [ResponsibleUnit] = []
        if let chosen { units = try await CampaignService.candidateUnits(req, area: chosen) }
        return CampaignViews.form(req, input: input, areas: areas, units: units, errors: errors, editing: editing)
    }

    @Sendable func newPage(req: Request) async throws -> Response {
        try req.require(.runCampaigns)
        var input = CampaignInput()
        let areas = try await CampaignService.managedAreas(req)
        input.areaID = req.query[String.self, at: "area"] ?? areas.first.map { String($0.id!) }
        input.startsOn = req.today
        return try await form(req, input, errors: FieldErrors(), editing: nil)
    }

    @Sendable func create(req: Request) async throws -> Response {
        try req.require(.runCampaigns)
        let input = (try? req.content.decode(CampaignInput.self)) ?? CampaignInput()
        do {
            let c = try await CampaignService.create(req, input)
            return req.redirect(to: "/governance/campaigns/\(c.id!)")
        } catch let e as FieldErrors { return try await form(req, input, errors: e, editing: nil) }
    }

    @Sendable func show(req: Request) async throws -> Response {
        let c = try await CampaignService.find(req, req.parameters.get("id", as: Int.self))
        var errors = FieldErrors()
        let filter = CampaignTargetFilter(req, errors: &errors)
        let page = Self.pageRequest(req, per: 50)
        let q = try await filter.query(req, campaign: c.id!)
        let total = try await q.copy().count()
        let rows = try await q.range(page.offset..<(page.offset + page.per)).all()
        let deps = try await CampaignService.departments(req, [c.id!])[c.id!] ?? []
        let progress = try await CampaignService.progress(req, c, departments: deps)
        let units = try await CampaignService.unitNames(req, deps.map(\.unitID) + [c.leadUnitID])
        let streetIDs = progress.byStreet.compactMap(\.key)
        let names = try await DivisionLookup.names(rows.map(\.communityID) + streetIDs + [c.areaDivisionID], on: req.db)
        let siteQuery = req.query[String.self, at: "site_q"]?.nilIfEmpty.map { String($0.prefix(50)) }
        var sites: [Site]? = nil
        if let siteQuery { sites = try await CampaignService.siteMatches(req, c, q: siteQuery) }
        return CampaignViews.detail(req, c, departments: deps, units: units, names: names, progress: progress, rows: rows,
                                    info: page.info(total: total), filter: filter, errors: errors,
                                    communities: try await communitiesOf(req, c), canManage: try await CampaignService.canManage(req, c),
                                    siteQuery: siteQuery, sites: sites)
    }

    /// The communities of the campaign's area the user may place records in.
    func communitiesOf(_ req: Request, _ c: Campaign) async throws -> [(id: Int, name: String)] {
        guard let area = try await Division.find(c.areaDivisionID, on: req.db) else { return [] }
        let inArea = Set(try await Division.query(on: req.db).filter(\.$level == .community)
            .filter(\.$code >= area.code).filter(\.$code < area.code + "~").all().compactMap(\.id))
        return try await DivisionLookup.communities(req).filter { inArea.contains($0.id) }
    }

    @Sendable func editPage(req: Request) async throws -> Response {
        try req.require(.runCampaigns)
        let c = try await CampaignService.find(req, req.parameters.get("id", as: Int.self))
        guard try await CampaignService.canManage(req, c) else { throw Abort(.forbidden, reason: req.t("只有整治范围的组织者可以修改整治行动", "Only the campaign's organisers may change it")) }
        let deps = try await CampaignService.departments(req, [c.id!])[c.id!] ?? []
        return try await form(req, CampaignInput(c, departments: deps), errors: FieldErrors(), editing: c)
    }

    @Sendable func update(req: Request) async throws -> Response {
        try req.require(.runCampaigns)
        let c = try await CampaignService.find(req, req.parameters.get("id", as: Int.self))
        let input = (try? req.content.decode(CampaignInput.self)) ?? CampaignInput()
        do {
            _ = try await CampaignService.update(req, c, input)
            return req.redirect(to: "/governance/campaigns/\(c.id!)")
        } catch let e as FieldErrors { return try await form(req, input, errors: e, editing: c) }
    }

    @Sendable func export(req: Request) async throws -> Response {
        let c = try await CampaignService.find(req, req.parameters.get("id", as: Int.self))
        var errors = FieldErrors()
        let filter = CampaignTargetFilter(req, errors: &errors)
        guard errors.isEmpty else { throw errors }
        let rows = try await filter.query(req, campaign: c.id!).limit(50_000).all()
        return CampaignViews.csv(req, c, rows: try await targetDTOs(req, rows))
    }

    // MARK: places, pages

    func targetForm(_ req: Request, _ c: Campaign, _ input: CampaignTargetInput, errors: FieldErrors, editing: CampaignTarget?) async throws -> Response {
        var input = input
        let communities = try await communitiesOf(req, c)
        if input.communityID == nil, communities.count == 1 { input.communityID = "\(communities[0].id)" }
        let deps = try await CampaignService.departments(req, [c.id!])[c.id!] ?? []
        let units = try await CampaignService.unitNames(req, deps.map(\.unitID))
        let site = try await req.visible(Site.self, input.siteID.flatMap(Int.init))
        return CampaignViews.targetForm(req, c, input: input, communities: communities, departments: deps.map { ($0.unitID, units[$0.unitID] ?? "") },
                                        site: site, errors: errors, editing: editing)
    }

    @Sendable func newTargetPage(req: Request) async throws -> Response {
        try req.require(.editGovernance)
        let c = try await CampaignService.find(req, req.parameters.get("id", as: Int.self))
        var input = CampaignTargetInput()
        input.ledger = CampaignLedger.local.rawValue
        // From the registry search: the place's name, address and community are filled in.
        if let raw = req.query[String.self, at: "site"], let s = try await req.visible(Site.self, Int(raw)) {
            input.siteID = String(s.id!); input.name = s.name; input.address = s.address; input.communityID = String(s.communityID)
        }
        return try await targetForm(req, c, input, errors: FieldErrors(), editing: nil)
    }

    @Sendable func addTarget(req: Request) async throws -> Response {
        try req.require(.editGovernance)
        let c = try await CampaignService.find(req, req.parameters.get("id", as: Int.self))
        let input = (try? req.content.decode(CampaignTargetInput.self)) ?? CampaignTargetInput()
        do {
            let t = try await CampaignService.addTarget(req, c, input)
            return req.redirect(to: "/governance/campaign-targets/\(t.id!)")
        } catch let e as FieldErrors { return try await targetForm(req, c, input, errors: e, editing: nil) }
    }

    func targetDetail(_ req: Request, _ c: Campaign, _ t: CampaignTarget, step: CampaignTargetStepInput = .init(), errors: FieldErrors = FieldErrors()) async throws -> Response {
        let dto = try await targetDTOs(req, [t])[0]
        let site = try await req.visible(Site.self, t.siteID)
        let ids: [Int] = [t.createdByID] + [t.closedByID].compactMap { $0 }
        let people = try await User.query(on: req.db).filter(\.$id ~~ ids).all()
        let names = Dictionary(people.map { ($0.id!, $0.displayName) }, uniquingKeysWith: { a, _ in a })
        return CampaignViews.targetDetail(req, c, dto, site: site, author: names[t.createdByID] ?? "", closer: t.closedByID.flatMap { names[$0] },
                                          photos: try await CampaignService.photos(req.db, t), step: step, errors: errors)
    }

    @Sendable func showTarget(req: Request) async throws -> Response {
        let (c, t) = try await Self.target(req)
        return try await targetDetail(req, c, t)
    }

    @Sendable func editTargetPage(req: Request) async throws -> Response {
        try req.require(.editGovernance)
        let (c, t) = try await Self.target(req)
        return try await targetForm(req, c, CampaignTargetInput(t), errors: FieldErrors(), editing: t)
    }

    @Sendable func updateTarget(req: Request) async throws -> Response {
        try req.require(.editGovernance)
        let (c, t) = try await Self.target(req)
        let input = (try? req.content.decode(CampaignTargetInput.self)) ?? CampaignTargetInput()
        do {
            _ = try await CampaignService.updateTarget(req, c, t, input)
            return req.redirect(to: "/governance/campaign-targets/\(t.id!)")
        } catch let e as FieldErrors { return try await targetForm(req, c, input, errors: e, editing: t) }
    }

    @Sendable func step(req: Request) async throws -> Response {
        try req.require(.editGovernance)
        let (c, t) = try await Self.target(req)
        let input = (try? req.content.decode(CampaignTargetStepInput.self)) ?? CampaignTargetStepInput()
        do {
            _ = try await CampaignService.step(req, c, t, input)
            return req.redirect(to: "/governance/campaign-targets/\(t.id!)")
        } catch let e as FieldErrors { return try await targetDetail(req, c, t, step: input, errors: e) }
    }

    // MARK: importing the city's list

    struct ImportForm: Content { var csv: String?; var ledger: String?; var file: File? }

    @Sendable func importPage(req: Request) async throws -> Response {
        try req.require(.editGovernance)
        let c = try await CampaignService.find(req, req.parameters.get("id", as: Int.self))
        var input = CampaignImportInput(); input.ledger = CampaignLedger.listed.rawValue
        return CampaignViews.importForm(req, c, input: input, errors: FieldErrors())
    }

    /// The list pasted into the box or uploaded as a file (the file wins when both are given).
    @Sendable func importList(req: Request) async throws -> Response {
        try req.require(.editGovernance)
        let c = try await CampaignService.find(req, req.parameters.get("id", as: Int.self))
        let form = try? req.content.decode(ImportForm.self)
        var input = CampaignImportInput()
        input.ledger = form?.ledger; input.csv = form?.csv
        if let file = form?.file, file.data.readableBytes > 0 {
            guard let text = String(data: Data(file.data.readableBytesView), encoding: .utf8) else {
                return CampaignViews.importForm(req, c, input: input, errors: FieldErrors(["csv": req.t("文件应为 UTF-8 编码的 CSV（在 Excel 中“另存为 CSV UTF-8”）", "The file must be CSV in UTF-8 (in Excel: Save as CSV UTF-8)")]))
            }
            input.csv = text
        }
        do {
            let n = try await CampaignService.importTargets(req, c, input)
            return req.redirect(to: "/governance/campaigns/\(c.id!)?imported=\(n)")
        } catch let e as FieldErrors { return CampaignViews.importForm(req, c, input: input, errors: e) }
    }

    // MARK: API

    struct Imported: Content { var imported: Int }

    @Sendable func apiImport(req: Request) async throws -> Imported {
        try req.require(.editGovernance)
        let c = try await CampaignService.find(req, req.parameters.get("id", as: Int.self))
        return Imported(imported: try await CampaignService.importTargets(req, c, (try? req.content.decode(CampaignImportInput.self)) ?? .init()))
    }

    struct Page: Content { var items: [CampaignDTO]; var page: PageInfo }
    struct TargetPage: Content { var items: [CampaignTargetDTO]; var page: PageInfo }
    struct Progress: Content { var progress: CampaignProgress; var sentence: String }

    func json<T: Content>(_ value: T, status: HTTPStatus = .ok) throws -> Response {
        let res = Response(status: status)
        try res.content.encode(value)
        return res
    }

    @Sendable func apiList(req: Request) async throws -> Page {
        try req.require(.viewGovernance)
        var errors = FieldErrors()
        let phase = Self.phase(req, errors: &errors)
        guard errors.isEmpty else { throw errors }
        let (rows, info) = try await CampaignService.list(req, phase: phase, q: req.query[String.self, at: "q"]?.nilIfEmpty, page: Self.pageRequest(req))
        return Page(items: try await dtos(req, rows), page: info)
    }

    @Sendable func apiCreate(req: Request) async throws -> Response {
        try req.require(.runCampaigns)
        let c = try await CampaignService.create(req, try req.content.decode(CampaignInput.self))
        return try json(try await dto(req, c), status: .created)
    }

    @Sendable func apiShow(req: Request) async throws -> Response {
        try json(try await dto(req, try await CampaignService.find(req, req.parameters.get("id", as: Int.self))))
    }

    /// PATCH changes the fields it names (departments as a whole); the campaign is checked again as a whole.
    @Sendable func apiUpdate(req: Request) async throws -> Response {
        try req.require(.runCampaigns)
        let c = try await CampaignService.find(req, req.parameters.get("id", as: Int.self))
        let deps = try await CampaignService.departments(req, [c.id!])[c.id!] ?? []
        var input = CampaignInput(c, departments: deps)
        let sent = try req.content.decode(CampaignInput.self)
        input.name = sent.name ?? input.name; input.areaID = sent.areaID ?? input.areaID; input.leadUnitID = sent.leadUnitID ?? input.leadUnitID
        input.startsOn = sent.startsOn ?? input.startsOn; input.endsOn = sent.endsOn ?? input.endsOn; input.goal = sent.goal ?? input.goal
        input.departments = sent.departments ?? input.departments
        return try json(try await dto(req, try await CampaignService.update(req, c, input)))
    }

    @Sendable func apiProgress(req: Request) async throws -> Progress {
        let c = try await CampaignService.find(req, req.parameters.get("id", as: Int.self))
        let deps = try await CampaignService.departments(req, [c.id!])[c.id!] ?? []
        let p = try await CampaignService.progress(req, c, departments: deps)
        return Progress(progress: p, sentence: p.sentence(chinese: !req.lang.isEnglish))
    }

    @Sendable func apiTargets(req: Request) async throws -> TargetPage {
        let c = try await CampaignService.find(req, req.parameters.get("id", as: Int.self))
        var errors = FieldErrors()
        let filter = CampaignTargetFilter(req, errors: &errors)
        guard errors.isEmpty else { throw errors }
        let page = Self.pageRequest(req, per: 50)
        let q = try await filter.query(req, campaign: c.id!)
        let total = try await q.copy().count()
        return TargetPage(items: try await targetDTOs(req, try await q.range(page.offset..<(page.offset + page.per)).all()), page: page.info(total: total))
    }

    @Sendable func apiAddTarget(req: Request) async throws -> Response {
        try req.require(.editGovernance)
        let c = try await CampaignService.find(req, req.parameters.get("id", as: Int.self))
        let t = try await CampaignService.addTarget(req, c, try req.content.decode(CampaignTargetInput.self))
        return try json(try await targetDTOs(req, [t])[0], status: .created)
    }

    @Sendable func apiShowTarget(req: Request) async throws -> Response {
        let (_, t) = try await Self.target(req)
        return try json(try await targetDTOs(req, [t])[0])
    }

    @Sendable func apiUpdateTarget(req: Request) async throws -> Response {
        try req.require(.editGovernance)
        let (c, t) = try await Self.target(req)
        var input = CampaignTargetInput(t)
        let sent = try req.content.decode(CampaignTargetInput.self)
        input.ledger = sent.ledger ?? input.ledger; input.siteID = sent.siteID ?? input.siteID; input.name = sent.name ?? input.name
        input.address = sent.address ?? input.address; input.communityID = sent.communityID ?? input.communityID
        input.problems = sent.problems ?? input.problems; input.departmentID = sent.departmentID ?? input.departmentID
        return try json(try await targetDTOs(req, [try await CampaignService.updateTarget(req, c, t, input)])[0])
    }

    @Sendable func apiStep(req: Request) async throws -> Response {
        try req.require(.editGovernance)
        let (c, t) = try await Self.target(req)
        let u = try await CampaignService.step(req, c, t, (try? req.content.decode(CampaignTargetStepInput.self)) ?? .init())
        var dto = try await targetDTOs(req, [u])[0]
        dto.photos = try await CampaignService.photos(req.db, u).map(PhotoDTO.init)
        return try json(dto)
    }
}
