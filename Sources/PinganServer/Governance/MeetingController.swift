import Fluent
import Vapor
import PinganKit

/// 形势分析会 / 联席会议 under `/governance/meetings`, the supervision list of their decisions under `/governance/actions`,
/// and their API twins.
struct MeetingController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let r = routes.grouped("governance")
        r.get("meetings", use: list)
        r.get("meetings", "new", use: newPage)
        r.post("meetings", use: create)
        r.get("meetings", ":id", use: show)
        r.post("meetings", ":id", "actions", use: addAction)
        r.get("actions", use: actionsPage)
        r.get("actions", "export.csv", use: actionsCSV)
        r.post("actions", ":id", "done", use: done)
        r.post("actions", ":id", "remind", use: remind)

        let api = routes.grouped("api", "v1")
        api.get("meetings", use: apiList)
        api.post("meetings", use: apiCreate)
        api.get("meetings", ":id", use: apiShow)
        api.post("meetings", ":id", "actions", use: apiAddAction)
        api.get("meeting-actions", use: apiActions)
        api.post("meeting-actions", ":id", "done", use: apiDone)
        api.post("meeting-actions", ":id", "remind", use: apiRemind)
    }

    static func pageRequest(_ req: Request) -> PinganKit.PageRequest {
        PinganKit.PageRequest(page: req.query[Int.self, at: "page"], per: req.query[Int.self, at: "per"], defaultPer: 30, maxPer: 200)
    }
    static func kind(_ req: Request) -> MeetingKind? { req.query[String.self, at: "kind"].flatMap(MeetingKind.init(rawValue:)) }
    static func state(_ req: Request) -> ActionItemState? { req.query[String.self, at: "state"].flatMap(ActionItemState.init(rawValue:)) }
    /// The API names a filter value it does not know (the pages just show everything).
    static func checkFilters(_ req: Request) throws {
        var e = FieldErrors()
        if let k = req.query[String.self, at: "kind"]?.nilIfEmpty, MeetingKind(rawValue: k) == nil { e["kind"] = req.t("取值无效", "Unknown value") }
        if let s = req.query[String.self, at: "state"]?.nilIfEmpty, ActionItemState(rawValue: s) == nil { e["state"] = req.t("取值无效", "Unknown value") }
        if !e.isEmpty { throw e }
    }

    func areaNames(_ req: Request, _ ids: [Int]) async throws -> [Int: String] { try await DivisionLookup.names(ids, on: req.db) }

    // MARK: pages

    @Sendable func list(req: Request) async throws -> Response {
        try req.require(.viewGovernance)
        let (rows, info) = try await MeetingService.list(req, kind: Self.kind(req), page: Self.pageRequest(req))
        let actions = try await MeetingService.actions(req.db, meetings: rows.compactMap(\.id))
        return MeetingViews.list(req, rows: rows, areas: try await areaNames(req, rows.map(\.areaDivisionID)),
                                 actions: Dictionary(grouping: actions, by: \.meetingID), info: info, kind: Self.kind(req))
    }

    func form(_ req: Request, _ input: MeetingInput, errors: FieldErrors) async throws -> Response {
        var input = input
        let areas = try await MeetingService.areaChoices(req)
        if input.areaID == nil, let first = areas.first(where: { $0.level == .street }) ?? areas.first { input.areaID = "\(first.id!)" }
        return MeetingViews.form(req, input: input, areas: areas, errors: errors)
    }

    @Sendable func newPage(req: Request) async throws -> Response {
        try req.require(.editGovernance)
        var input = MeetingInput()
        input.kind = MeetingKind.situation.rawValue; input.heldOn = req.today
        input.title = req.t("\(req.today.prefix(7)) 安全稳定形势分析会", "Safety and stability situation meeting, \(req.today.prefix(7))")
        return try await form(req, input, errors: FieldErrors())
    }

    @Sendable func create(req: Request) async throws -> Response {
        try req.require(.editGovernance)
        let input = (try? req.content.decode(MeetingInput.self)) ?? MeetingInput()
        do {
            let m = try await MeetingService.create(req, input)
            return req.redirect(to: "/governance/meetings/\(m.id!)")
        } catch let e as FieldErrors { return try await form(req, input, errors: e) }
    }

    func detail(_ req: Request, _ m: Meeting, action: MeetingActionInput = .init(), errors: FieldErrors = FieldErrors()) async throws -> Response {
        let actions = try await MeetingService.actions(req.db, meetings: [m.id!])
        let area = try await areaNames(req, [m.areaDivisionID])[m.areaDivisionID] ?? ""
        return MeetingViews.detail(req, m, area: area, actions: actions, action: action, errors: errors)
    }

    @Sendable func show(req: Request) async throws -> Response {
        try req.require(.viewGovernance)
        return try await detail(req, try await MeetingService.find(req, req.parameters.get("id", as: Int.self)))
    }

    @Sendable func addAction(req: Request) async throws -> Response {
        try req.require(.editGovernance)
        let m = try await MeetingService.find(req, req.parameters.get("id", as: Int.self))
        let input = (try? req.content.decode(MeetingActionInput.self)) ?? MeetingActionInput()
        do {
            _ = try await MeetingService.addAction(req, m, input)
            return req.redirect(to: "/governance/meetings/\(m.id!)#actions")
        } catch let e as FieldErrors { return try await detail(req, m, action: input, errors: e) }
    }

    @Sendable func actionsPage(req: Request) async throws -> Response {
        try req.require(.viewGovernance)
        let state = Self.state(req)
        let (rows, info) = try await MeetingService.actionList(req, state: state, page: Self.pageRequest(req))
        return MeetingViews.actions(req, rows: rows, info: info, state: state, errors: FieldErrors(), failed: nil)
    }

    @Sendable func actionsCSV(req: Request) async throws -> Response {
        try req.require(.viewGovernance)
        let (rows, _) = try await MeetingService.actionList(req, state: Self.state(req), page: PinganKit.PageRequest(page: 1, per: 10_000, defaultPer: 10_000, maxPer: 10_000))
        return MeetingViews.actionsCSV(req, rows: rows)
    }

    /// The meeting's keepers, or the item's own owner account (the service decides).
    @Sendable func done(req: Request) async throws -> Response {
        try req.require(.viewGovernance)
        let (a, m) = try await MeetingService.findAction(req, req.parameters.get("id", as: Int.self))
        let note = (try? req.content.decode(MeetingActionDoneInput.self))?.note
        do {
            _ = try await MeetingService.complete(req, a, note: note)
            return req.redirect(to: "/governance/meetings/\(m.id!)#actions")
        } catch let e as FieldErrors {
            var errors = FieldErrors(); errors["done.\(a.id!)"] = e["note"]
            return try await detail(req, m, errors: errors)
        }
    }

    @Sendable func remind(req: Request) async throws -> Response {
        try req.require(.editGovernance)
        let (a, m) = try await MeetingService.findAction(req, req.parameters.get("id", as: Int.self))
        do {
            _ = try await MeetingService.remind(req, a, m)
            return req.redirect(to: "/governance/meetings/\(m.id!)#actions")
        } catch let e as FieldErrors {
            var errors = FieldErrors(); errors["done.\(a.id!)"] = e["remind"]
            return try await detail(req, m, errors: errors)
        }
    }

    // MARK: API

    struct Page: Content { var items: [MeetingDTO]; var page: PageInfo }
    struct ActionPage: Content { var items: [MeetingActionDTO]; var page: PageInfo }

    @Sendable func apiList(req: Request) async throws -> Page {
        try req.require(.viewGovernance)
        try Self.checkFilters(req)
        let (rows, info) = try await MeetingService.list(req, kind: Self.kind(req), page: Self.pageRequest(req))
        let names = try await areaNames(req, rows.map(\.areaDivisionID))
        return Page(items: rows.map { MeetingDTO($0, area: names[$0.areaDivisionID], actions: nil, today: req.today) }, page: info)
    }

    func dto(_ req: Request, _ m: Meeting, status: HTTPStatus = .ok) async throws -> Response {
        let names = try await areaNames(req, [m.areaDivisionID])
        let res = Response(status: status)
        try res.content.encode(MeetingDTO(m, area: names[m.areaDivisionID], actions: try await MeetingService.actions(req.db, meetings: [m.id!]), today: req.today))
        return res
    }

    @Sendable func apiCreate(req: Request) async throws -> Response {
        try req.require(.editGovernance)
        return try await dto(req, try await MeetingService.create(req, try req.content.decode(MeetingInput.self)), status: .created)
    }

    @Sendable func apiShow(req: Request) async throws -> Response {
        try req.require(.viewGovernance)
        return try await dto(req, try await MeetingService.find(req, req.parameters.get("id", as: Int.self)))
    }

    @Sendable func apiAddAction(req: Request) async throws -> Response {
        try req.require(.editGovernance)
        let m = try await MeetingService.find(req, req.parameters.get("id", as: Int.self))
        let a = try await MeetingService.addAction(req, m, (try? req.content.decode(MeetingActionInput.self)) ?? .init())
        let res = Response(status: .created)
        try res.content.encode(MeetingActionDTO(a, today: req.today))
        return res
    }

    @Sendable func apiActions(req: Request) async throws -> ActionPage {
        try req.require(.viewGovernance)
        try Self.checkFilters(req)
        let (rows, info) = try await MeetingService.actionList(req, state: Self.state(req), page: Self.pageRequest(req))
        return ActionPage(items: rows.map { MeetingActionDTO($0.0, today: req.today) }, page: info)
    }

    @Sendable func apiDone(req: Request) async throws -> MeetingActionDTO {
        try req.require(.viewGovernance)
        let (a, _) = try await MeetingService.findAction(req, req.parameters.get("id", as: Int.self))
        let note = (try? req.content.decode(MeetingActionDoneInput.self))?.note
        return MeetingActionDTO(try await MeetingService.complete(req, a, note: note), today: req.today)
    }

    @Sendable func apiRemind(req: Request) async throws -> MeetingActionDTO {
        try req.require(.editGovernance)
        let (a, m) = try await MeetingService.findAction(req, req.parameters.get("id", as: Int.self))
        return MeetingActionDTO(try await MeetingService.remind(req, a, m), today: req.today)
    }
}
