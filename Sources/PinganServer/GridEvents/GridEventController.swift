import Fluent
import Vapor
import PinganKit

/// Web pages of the grid-event loop (网格事件闭环): `/events`, `/events/new`, `/events/{id}`, the centre's desk, the
/// evaluation. The JSON twin is `GridEventAPIController`.
struct GridEventController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let r = routes.grouped("events")
        r.get(use: list)
        r.get("export.csv", use: export)
        r.get("new", use: newPage)
        r.upload(maxSize: PhotoStore.bodyLimit, permission: .reportGridEvents, use: create)
        r.get("desk", use: desk)
        r.get("evaluation", use: evaluation)
        r.get("evaluation.csv", use: evaluationCSV)
        r.get(":id", use: show)
        r.upload(":id", "actions", maxSize: PhotoStore.bodyLimit, permission: .viewGridEvents, use: act)
    }

    static func counts(_ req: Request) async throws -> [GridEventFilter.Queue: Int] {
        var out: [GridEventFilter.Queue: Int] = [:]
        for q in [GridEventFilter.Queue.register, .dispatch, .withUnit, .overdue, .verify] {
            out[q] = try await GridEventFilter(queue: q).query(req).count()
        }
        return out
    }

    @Sendable func list(req: Request) async throws -> Response {
        try req.require(.viewGridEvents)
        var errors = FieldErrors()
        let f = GridEventFilter(req, errors: &errors)
        let page = PinganKit.PageRequest(page: req.query[Int.self, at: "page"], per: req.query[Int.self, at: "per"])
        let q = try await f.query(req)
        let total = try await q.copy().count()
        let rows = try await GridEventListRow.all(q.range(page.offset..<(page.offset + page.per)))
        let l = try await GridEventLookup.load(req, rows)
        let (_, working) = try await req.gridEventCalendar()
        let role = try req.user.role
        let L = req.lang, cal = req.localCalendar
        return GridEventViews.list(req, items: rows.map { $0.toDTO(l, L, cal, working) }, info: PageInfo(page: page.page, per: page.per, total: total),
                                   filter: f, errors: errors, counts: try await Self.counts(req), categories: try await GridEventCategories.table(req.db),
                                   canReport: role.can(.reportGridEvents), isCentre: role.can(.dispatchGridEvents))
    }

    @Sendable func export(req: Request) async throws -> Response {
        try req.require(.viewGridEvents)
        var errors = FieldErrors()
        let f = GridEventFilter(req, errors: &errors)
        guard errors.isEmpty else { throw errors }
        let rows = try await GridEventListRow.all(f.query(req).limit(100_000))
        let l = try await GridEventLookup.load(req, rows)
        let (_, working) = try await req.gridEventCalendar()
        let L = req.lang, cal = req.localCalendar
        var w = CSVWriter(header: L.isEnglish
            ? ["Number", "Case number", "Category", "Urgency", "Community", "Grid", "Address", "Status", "Unit", "Reported", "Dispatched", "Deadline", "Clock", "Handled", "Closed", "Reworked", "Satisfaction"]
            : ["编号", "案卷号", "类别", "紧急程度", "社区", "网格", "地址", "状态", "处置单位", "上报时间", "派遣时间", "处置时限", "时限状态", "反馈时间", "结案时间", "返工次数", "群众评价"])
        func t(_ d: Date?) -> String { d.map { cal.formatDateTime($0) } ?? "" }
        for e in rows.map({ $0.toDTO(l, L, cal, working) }) {
            w.append([e.number, e.caseNumber ?? "", e.categoryName, L.t(e.urgency.nameZh, e.urgency.nameEn), e.communityName, e.gridName ?? "", e.address, e.statusName,
                      e.unitName ?? "", t(e.reportedAt), t(e.dispatchedAt), t(e.deadline), e.clock?.stateName ?? "", t(e.handledAt), t(e.closedAt), "\(e.reworkCount)",
                      e.satisfaction.map { L.t($0.nameZh, $0.nameEn) } ?? ""])
        }
        await req.audit("grid_event.export", entity: "grid_event", detail: "rows=\(rows.count) \(req.url.query ?? "")")
        return CSVResponse.make(filename: "grid-events.csv", writer: w)
    }

    func formPage(_ req: Request, _ input: GridEventReportInput, key: String, errors: FieldErrors, duplicates: [GridEventDTO] = []) async throws -> Response {
        let communities = try await DivisionLookup.communities(req)
        let grids = try await input.communityID.flatMap { Int($0) }.asyncMap { try await DivisionLookup.grids(req, community: $0) } ?? []
        let picker = MapPicker(lonField: "lon", latField: "lat", photoField: "photos").node(req, bbox: try await OutlineMaps.scopeBBox(req))
        return GridEventViews.reportForm(req, input: input, key: key, errors: errors, categories: try await GridEventCategories.table(req.db),
                                         communities: communities, grids: grids, picker: picker, duplicates: duplicates,
                                         isCentre: try req.user.role.can(.dispatchGridEvents))
    }

    @Sendable func newPage(req: Request) async throws -> Response {
        try req.require(.reportGridEvents)
        return try await formPage(req, GridEventReportInput(), key: UUID().uuidString, errors: FieldErrors())
    }

    @Sendable func create(req: Request) async throws -> Response {
        let input = try req.content.decode(GridEventReportInput.self)
        let key = input.idempotencyKey?.nilIfEmpty ?? UUID().uuidString
        do {
            let (ev, _) = try await GridEventService.report(req, input)
            return req.redirect(to: "/events/\(ev.id!)")
        } catch let e as FieldErrors {
            let res = try await formPage(req, input, key: key, errors: e)
            res.status = e.status ?? .unprocessableEntity
            return res
        } catch let d as DuplicateEvents {
            let l = try await GridEventLookup.load(req, d.events)
            let (_, working) = try await req.gridEventCalendar()
            return try await formPage(req, input, key: key, errors: FieldErrors(), duplicates: d.events.map { $0.toDTO(l, req.lang, req.localCalendar, working) })
        }
    }

    func detail(_ req: Request, _ ev: GridEvent, errors: FieldErrors = FieldErrors()) async throws -> Response {
        let dto = try await GridEventAPIController.detail(req, ev)
        let units = dto.actions?.contains(.dispatch) == true ? try await GridEventService.candidateUnits(req, ev) : []
        var map: Node = .empty
        if let lat = ev.lat, let lon = ev.lon {
            map = try await OutlineMaps.recordMap(req, point: GeoPoint(lon: lon, lat: lat), label: ev.address.isEmpty ? dto.categoryName : ev.address, communityID: ev.communityID)
        }
        return GridEventViews.detail(req, dto, units: units, errors: errors, placeMap: map)
    }

    @Sendable func show(req: Request) async throws -> Response {
        try await detail(req, try await GridEventService.find(req, req.parameters.get("id", as: Int.self)))
    }

    @Sendable func act(req: Request) async throws -> Response {
        let ev = try await GridEventService.find(req, req.parameters.get("id", as: Int.self))
        do {
            try await GridEventService.act(req, ev, try req.content.decode(GridEventActionInput.self))
        } catch let e as FieldErrors {
            let res = try await detail(req, try await GridEventService.find(req, ev.id), errors: e)
            res.status = e.status ?? .unprocessableEntity
            return res
        }
        // A unit that returned the event no longer sees it: back to the list.
        if (try? await GridEventService.find(req, ev.id)) == nil { return req.redirect(to: "/events") }
        return req.redirect(to: "/events/\(ev.id!)")
    }

    @Sendable func desk(req: Request) async throws -> Response {
        try req.require(.dispatchGridEvents)
        return try await GridEventDesk.page(req)
    }

    @Sendable func evaluation(req: Request) async throws -> Response {
        var errors = FieldErrors()
        let page = try await GridEventEvaluationPage.load(req, strict: false, errors: &errors)
        return GridEventEvaluationViews.page(req, page, errors: errors)
    }

    @Sendable func evaluationCSV(req: Request) async throws -> Response {
        let page = try await GridEventEvaluationPage.load(req, strict: true)
        await req.audit("grid_event.evaluation.export", entity: "grid_event", detail: req.url.query ?? "")
        return CSVResponse.make(filename: "grid-event-evaluation-\(page.month)-\(page.by.rawValue).csv", writer: GridEventEvaluationViews.csv(page, req.lang))
    }
}
