import Fluent
import SQLKit
import Vapor
import PinganKit

/// Web pages of the incident ledger (警情台账).
struct IncidentController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let r = routes.grouped("incidents")
        r.get(use: list)
        r.get("export.csv", use: export)
        r.get("new", use: newPage)
        r.post(use: create)
        r.get(":id", use: show)
        r.get(":id", "edit", use: editPage)
        r.post(":id", use: update)
        r.post(":id", "status", use: transition)
        r.post(":id", "followups", use: followUp)
    }

    @Sendable func list(req: Request) async throws -> Response {
        try req.require(.viewIncidents)
        var errors = FieldErrors()
        let filter = IncidentFilter(req, errors: &errors)
        let page = PinganKit.PageRequest(page: req.query[Int.self, at: "page"], per: req.query[Int.self, at: "per"])
        let (items, info) = try await IncidentService.page(req, filter, page)
        let lookup = try await IncidentLookup.load(for: items, on: req.db)
        let res = IncidentViews.list(req, items: items, info: info, lookup: lookup, filter: filter, errors: errors,
                                     communities: try await DivisionLookup.communities(req), canEdit: try req.user.role.can(.editIncidents))
        if !errors.isEmpty { res.status = .unprocessableEntity }
        return res
    }

    @Sendable func export(req: Request) async throws -> Response {
        try await IncidentService.csv(req, try IncidentFilter(req))
    }

    func formPage(_ req: Request, _ incident: Incident?, _ input: IncidentInput, _ errors: FieldErrors) async throws -> Response {
        let communities = try await DivisionLookup.communities(req)
        var input = input
        if input.communityID == nil, communities.count == 1 { input.communityID = "\(communities[0].id)" }
        var grids: [Division] = []
        var buildings: [Division] = []
        if let cid = input.communityID.flatMap({ Int($0) }) {
            grids = try await DivisionLookup.grids(req, community: cid)
        }
        if let gid = input.gridID.flatMap({ Int($0) }) {
            buildings = try await Division.query(on: req.db).filter(\.$level == .building).filter(\.$parentID == gid).sort(\.$code).all()
        }
        var officers = try await OfficerChoices.load(req)
        // An incident keeps the officer it has even when they no longer work in the user's area.
        if let current = incident?.handlingOfficerID, !officers.ids.contains(current), let u = try await User.find(current, on: req.db) {
            officers.groups.insert((label: req.t("当前处警民警", "Current officer"), options: [.init(id: current, label: u.displayName)]), at: 0)
            officers.ids.insert(current)
        }
        let subs = try await IncidentSubcategoryRow.query(on: req.db).sort(\.$sortOrder).all()
        let picker = MapPicker(lonField: "longitude", latField: "latitude").node(req, bbox: try await OutlineMaps.scopeBBox(req))
        return IncidentViews.form(req, incident: incident, input: input, errors: errors, communities: communities, grids: grids,
                                  buildings: buildings, officers: officers, subcategories: subs, picker: picker)
    }

    @Sendable func newPage(req: Request) async throws -> Response {
        try req.require(.editIncidents)
        var input = IncidentInput()
        input.communityID = req.query[String.self, at: "community"]?.nilIfEmpty
        input.gridID = req.query[String.self, at: "grid"]?.nilIfEmpty
        return try await formPage(req, nil, input, FieldErrors())
    }

    @Sendable func create(req: Request) async throws -> Response {
        try req.require(.editIncidents)
        let input = try req.content.decode(IncidentInput.self)
        do {
            let i = try await IncidentService.create(req, input)
            return req.redirect(to: "/incidents/\(i.id!)")
        } catch let e as FieldErrors {
            return try await formPage(req, nil, input, e)
        }
    }

    @Sendable func show(req: Request) async throws -> Response {
        try req.require(.viewIncidents)
        let i = try await IncidentService.scoped(req, req.parameters.get("id", as: Int.self))
        return try await detail(req, i, FieldErrors())
    }

    func detail(_ req: Request, _ i: Incident, _ errors: FieldErrors, followUp: IncidentService.FollowUpInput? = nil) async throws -> Response {
        let lookup = try await IncidentLookup.load(for: [i], on: req.db)
        let (events, fus) = try await IncidentService.timeline(req, i)
        // What other features link to this incident (the dispute files, 矛盾纠纷 ↔ 警情), each in the user's own scope.
        let linked = try await req.application.recordSections.render(.incident, req, id: i.id!)
        var placeMap: Node = .empty
        if let lat = i.latitude, let lon = i.longitude {
            placeMap = try await OutlineMaps.recordMap(req, point: GeoPoint(lon: lon, lat: lat), label: i.address, communityID: i.communityID)
        }
        return IncidentViews.detail(req, i, lookup: lookup, events: events, followUps: fus, canEdit: try req.user.role.can(.editIncidents), errors: errors,
                                    followUpInput: followUp, linked: linked, placeMap: placeMap)
    }

    @Sendable func editPage(req: Request) async throws -> Response {
        try req.require(.editIncidents)
        let i = try await IncidentService.scoped(req, req.parameters.get("id", as: Int.self))
        return try await formPage(req, i, IncidentInput(i, LocalCalendar(timeZoneIdentifier: req.config.timeZone)), FieldErrors())
    }

    @Sendable func update(req: Request) async throws -> Response {
        try req.require(.editIncidents)
        let i = try await IncidentService.scoped(req, req.parameters.get("id", as: Int.self))
        let input = try req.content.decode(IncidentInput.self)
        do {
            try await IncidentService.update(req, i, input)
            return req.redirect(to: "/incidents/\(i.id!)")
        } catch let e as FieldErrors {
            // Show the form with what the user typed, over the stored record (reloaded: apply may not have touched it).
            let fresh = try await IncidentService.scoped(req, i.id)
            return try await formPage(req, fresh, input, e)
        }
    }

    struct TransitionInput: Content { var to: String?; var note: String? }

    @Sendable func transition(req: Request) async throws -> Response {
        try req.require(.editIncidents)
        let i = try await IncidentService.scoped(req, req.parameters.get("id", as: Int.self))
        let input = try req.content.decode(TransitionInput.self)
        do {
            try await IncidentService.transition(req, i, to: input.to, note: input.note)
            return req.redirect(to: "/incidents/\(i.id!)")
        } catch let e as FieldErrors {
            return try await detail(req, try await IncidentService.scoped(req, i.id), e)
        }
    }

    @Sendable func followUp(req: Request) async throws -> Response {
        try req.require(.editIncidents)
        let i = try await IncidentService.scoped(req, req.parameters.get("id", as: Int.self))
        let input = try req.content.decode(IncidentService.FollowUpInput.self)
        do {
            _ = try await IncidentService.addFollowUp(req, i, input)
            return req.redirect(to: "/incidents/\(i.id!)")
        } catch let e as FieldErrors {
            return try await detail(req, i, e, followUp: input)
        }
    }
}

/// JSON API: `/api/v1/incidents`, same filters, paging, validation and scoping as the pages.
struct IncidentAPIController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let r = routes.grouped("api", "v1", "incidents")
        r.get(use: list)
        r.get("export.csv", use: export)
        r.post(use: create)
        r.get(":id", use: show)
        r.patch(":id", use: update)
        r.post(":id", "transitions", use: transition)
        r.post(":id", "followups", use: followUp)
        routes.get("api", "v1", "incident-subcategories", use: subcategories)
    }

    var cal: (Request) -> LocalCalendar { { LocalCalendar(timeZoneIdentifier: $0.config.timeZone) } }

    @Sendable func list(req: Request) async throws -> IncidentPage {
        try req.require(.viewIncidents)
        let filter = try IncidentFilter(req)
        let page = PinganKit.PageRequest(page: req.query[Int.self, at: "page"], per: req.query[Int.self, at: "per"])
        let (items, info) = try await IncidentService.page(req, filter, page)
        let lookup = try await IncidentLookup.load(for: items, on: req.db)
        return IncidentPage(items: items.map { $0.toDTO(lookup, req.lang, cal(req)) }, page: info)
    }

    @Sendable func export(req: Request) async throws -> Response { try await IncidentService.csv(req, try IncidentFilter(req)) }

    func full(_ req: Request, _ i: Incident) async throws -> IncidentDTO {
        let lookup = try await IncidentLookup.load(for: [i], on: req.db)
        var dto = i.toDTO(lookup, req.lang, cal(req))
        (dto.events, dto.followUps) = try await IncidentService.timeline(req, i)
        return dto
    }

    @Sendable func create(req: Request) async throws -> Response {
        let i = try await IncidentService.create(req, try req.content.decode(IncidentInput.self))
        let res = try await full(req, i).encodeResponse(status: .created, for: req)
        res.headers.replaceOrAdd(name: .location, value: "/api/v1/incidents/\(i.id!)")
        return res
    }

    @Sendable func show(req: Request) async throws -> IncidentDTO {
        try req.require(.viewIncidents)
        return try await full(req, try await IncidentService.scoped(req, req.parameters.get("id", as: Int.self)))
    }

    @Sendable func update(req: Request) async throws -> IncidentDTO {
        try req.require(.editIncidents)
        let i = try await IncidentService.scoped(req, req.parameters.get("id", as: Int.self))
        try await IncidentService.update(req, i, try req.content.decode(IncidentInput.self))
        return try await full(req, i)
    }

    @Sendable func transition(req: Request) async throws -> IncidentDTO {
        try req.require(.editIncidents)
        let i = try await IncidentService.scoped(req, req.parameters.get("id", as: Int.self))
        let input = try req.content.decode(IncidentController.TransitionInput.self)
        try await IncidentService.transition(req, i, to: input.to, note: input.note)
        return try await full(req, i)
    }

    @Sendable func followUp(req: Request) async throws -> Response {
        try req.require(.editIncidents)
        let i = try await IncidentService.scoped(req, req.parameters.get("id", as: Int.self))
        _ = try await IncidentService.addFollowUp(req, i, try req.content.decode(IncidentService.FollowUpInput.self))
        return try await full(req, i).encodeResponse(status: .created, for: req)
    }

    struct SubcategoryDTO: Content { var code: String; var category: IncidentCategory; var nameZh: String; var nameEn: String; var preventable: Bool }

    @Sendable func subcategories(req: Request) async throws -> [SubcategoryDTO] {
        try req.require(.viewIncidents)
        return try await IncidentSubcategoryRow.query(on: req.db).sort(\.$sortOrder).all()
            .map { SubcategoryDTO(code: $0.code, category: $0.category, nameZh: $0.nameZh, nameEn: $0.nameEn, preventable: $0.preventable) }
    }
}
