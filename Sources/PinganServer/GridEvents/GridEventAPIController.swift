import Fluent
import Vapor
import PinganKit

/// JSON API of grid events: `/api/v1/events`. Reports and steps accept JSON or multipart (with `photos`).
struct GridEventAPIController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let r = routes.grouped("api", "v1", "events")
        r.get(use: list)
        r.upload(maxSize: PhotoStore.bodyLimit, permission: .reportGridEvents, use: create)
        r.get("evaluation", use: evaluation)
        r.get(":id", use: show)
        r.upload(":id", "actions", maxSize: PhotoStore.bodyLimit, permission: .viewGridEvents, use: act)
        routes.get("api", "v1", "event-categories", use: categories)
        routes.get("api", "v1", "units", use: units)
    }

    struct Page: Content { var items: [GridEventDTO]; var page: PageInfo }

    @Sendable func list(req: Request) async throws -> Page {
        try req.require(.viewGridEvents)
        var e = FieldErrors()
        let f = GridEventFilter(req, errors: &e)
        guard e.isEmpty else { throw e }
        let page = PinganKit.PageRequest(page: req.query[Int.self, at: "page"], per: req.query[Int.self, at: "per"])
        let q = try await f.query(req)
        let total = try await q.copy().count()
        // The rows without Fluent's models (`GridEventListRow.all`): the same query, page and order.
        let rows = try await GridEventListRow.all(q.range(page.offset..<(page.offset + page.per)))
        let l = try await GridEventLookup.load(req, rows)
        let (_, working) = try await req.gridEventCalendar()
        let L = req.lang, cal = req.localCalendar
        return Page(items: rows.map { $0.toDTO(l, L, cal, working) }, page: PageInfo(page: page.page, per: page.per, total: total))
    }

    /// 201 with the new event; 200 with the earlier one for a repeated idempotency key (body field or the
    /// `Idempotency-Key` header); 409 with `duplicates` when similar events were reported nearby (send
    /// `confirmDuplicate: "1"` to file anyway).
    @Sendable func create(req: Request) async throws -> Response {
        var input = try req.content.decode(GridEventReportInput.self)
        if input.idempotencyKey == nil { input.idempotencyKey = req.headers.first(name: "Idempotency-Key") }
        do {
            let (ev, created) = try await GridEventService.report(req, input)
            return try await Self.detail(req, ev).encodeResponse(status: created ? .created : .ok, for: req)
        } catch let d as DuplicateEvents {
            struct Conflict: Content { var error = true; var reason: String; var duplicates: [GridEventDTO] }
            let l = try await GridEventLookup.load(req, d.events)
            let (_, working) = try await req.gridEventCalendar()
            let L = req.lang
            return try await Conflict(reason: L.t("附近24小时内已有同类事件，请确认是否重复；仍要上报请加 confirmDuplicate=1",
                                                  "A similar event was reported nearby in the last 24 hours; send confirmDuplicate=1 to report anyway"),
                                      duplicates: d.events.map { $0.toDTO(l, L, req.localCalendar, working) }).encodeResponse(status: .conflict, for: req)
        }
    }

    /// One event with its steps, photos and the actions open to the caller (also for features that take records up as events).
    static func detail(_ req: Request, _ ev: GridEvent) async throws -> GridEventDTO {
        let l = try await GridEventLookup.load(req, [ev])
        let (_, working) = try await req.gridEventCalendar()
        var dto = ev.toDTO(l, req.lang, req.localCalendar, working)
        let (steps, names, photos) = try await GridEventService.stepsAndNames(req, ev)
        let L = req.lang
        dto.steps = steps.map { s in
            GridEventStepDTO(action: s.action, actionName: GridEventActionKind(rawValue: s.action).map { L.t($0.nameZh, $0.nameEn.prefix(1).uppercased() + $0.nameEn.dropFirst()) } ?? L.t("上报", "Report"),
                             from: s.fromStatus, to: s.toStatus, actor: s.actor, by: s.userID.flatMap { names[$0] } ?? L.t(s.actor.nameZh, s.actor.nameEn), note: s.note, at: s.at,
                             photos: photos.filter { $0.stepID == s.id }.map(PhotoDTO.init))
        }
        dto.photos = photos.map(PhotoDTO.init)
        dto.helpers = try await GridEventService.helpers(req, ev)
        dto.actions = try await GridEventService.available(req, ev)
        return dto
    }

    @Sendable func show(req: Request) async throws -> GridEventDTO {
        try await Self.detail(req, try await GridEventService.find(req, req.parameters.get("id", as: Int.self)))
    }

    @Sendable func act(req: Request) async throws -> GridEventDTO {
        let ev = try await GridEventService.find(req, req.parameters.get("id", as: Int.self))
        try await GridEventService.act(req, ev, try req.content.decode(GridEventActionInput.self))
        return try await Self.detail(req, try await GridEventService.find(req, ev.id))
    }

    @Sendable func evaluation(req: Request) async throws -> GridEventEvaluationPage {
        try await GridEventEvaluationPage.load(req, strict: true)
    }

    struct CategoryDTO: Content { var code: String; var parentCode: String?; var eventClass: GridEventClass; var nameZh: String; var nameEn: String; var defaultUnit: ResponsibleUnitKind?; var sample: Bool; var active: Bool }
    @Sendable func categories(req: Request) async throws -> [CategoryDTO] {
        try req.require(.viewGridEvents)
        // ?all=1: switched-off codes too (old events keep them), for those who keep the table.
        let all = try req.query[String.self, at: "all"] == "1" && req.user.role.can(.configureGridEvents)
        return try await GridEventCategories.table(req.db, activeOnly: !all).map {
            CategoryDTO(code: $0.code, parentCode: $0.parentCode, eventClass: $0.eventClass, nameZh: $0.nameZh, nameEn: $0.nameEn, defaultUnit: $0.defaultUnit, sample: $0.sample, active: $0.active)
        }
    }

    struct UnitDTO: Content { var id: Int; var name: String; var kind: ResponsibleUnitKind; var divisionID: Int; var phone: String; var active: Bool }
    @Sendable func units(req: Request) async throws -> [UnitDTO] {
        try req.require(.viewGridEvents)
        return try await ResponsibleUnit.query(on: req.db).sort(\.$kind).sort(\.$name).all()
            .map { UnitDTO(id: $0.id!, name: $0.name, kind: $0.kind, divisionID: $0.divisionID, phone: $0.phone, active: $0.active) }
    }
}
