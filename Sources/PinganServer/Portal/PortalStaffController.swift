import Fluent
import Vapor
import PinganKit

/// Staff side of the portal: the inbox per officer and community, replies and status, conversion
/// into an incident or a dispute, and notices. JSON under `/api/v1/portal`.
struct PortalStaffController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let r = routes.grouped("portal")
        r.get(use: inbox)
        r.get("export.csv", use: export)
        r.get("requests", ":id", use: show)
        r.post("requests", ":id", "reply", use: reply)
        r.post("requests", ":id", "convert", use: convert)
        r.get("notices", use: notices)
        r.get("notices", "new", use: newNotice)
        r.post("notices", use: publish)
        r.post("notices", ":id", "withdraw", use: withdraw)
        r.get("notices", ":id", "edit", use: editNotice)
        r.post("notices", ":id", use: updateNotice)
        r.get("types", use: typesPage)
        r.post("types", ":id", use: updateType)
        let api = routes.grouped("api", "v1", "portal")
        api.get("requests", use: apiList)
        api.get("requests", "export.csv", use: export)
        api.get("requests", ":id", use: apiShow)
        api.post("requests", ":id", "replies", use: apiReply)
        api.post("requests", ":id", "convert", use: apiConvert)
        api.get("notices", use: apiNotices)
        api.post("notices", use: apiPublish)
        api.post("notices", ":id", "withdraw", use: apiWithdraw)
        api.patch("notices", ":id", use: apiUpdateNotice)
        api.get("request-types", use: apiTypes)
        api.patch("request-types", ":id", use: apiUpdateType)
    }

    // MARK: inbox

    @Sendable func inbox(req: Request) async throws -> Response {
        try req.require(.viewPortal)
        var errors = FieldErrors()
        let filter = PortalFilter(req, errors: &errors)
        let page = PinganKit.PageRequest(page: req.query[Int.self, at: "page"], per: req.query[Int.self, at: "per"])
        let q = try await filter.query(req)
        let total = try await q.copy().count()
        let rows = try await q.range(page.offset..<(page.offset + page.per)).all()
        let places = try await DivisionLookup.names(rows.map(\.communityID), on: req.db)
        let types = try await PortalService.types(req.db, activeOnly: false)
        return PortalViews.inbox(req, rows: rows, places: places, types: types, filter: filter, errors: errors,
                                 communities: try await DivisionLookup.communities(req), info: PageInfo(page: page.page, per: page.per, total: total))
    }

    @Sendable func export(req: Request) async throws -> Response {
        try req.require(.viewPortal)
        var errors = FieldErrors()
        let filter = PortalFilter(req, errors: &errors)
        guard errors.isEmpty else { throw errors }
        return try await PortalService.csv(req, filter)
    }

    func detail(_ req: Request, _ r: PortalRequest, errors: FieldErrors = FieldErrors()) async throws -> Response {
        let dto = try await PortalService.dto(req, r, replies: true)
        let place = try await DivisionLookup.names([r.communityID], on: req.db)[r.communityID] ?? ""
        let type = try await PortalRequestType.query(on: req.db).filter(\.$code == r.typeCode).first()
        let subs = try await IncidentSubcategoryRow.query(on: req.db).sort(\.$sortOrder).all()
        var officer: String? = nil
        if let o = r.officerID { officer = try await User.find(o, on: req.db)?.displayName }
        let role = try req.user.role
        let categories = role.can(.reportGridEvents) ? try await GridEventCategories.table(req.db) : []
        return PortalViews.detail(req, dto, place: place, type: type, officer: officer, subcategories: subs, errors: errors,
                                  canHandle: role.can(.handlePortal), canIncident: role.can(.editIncidents), canDispute: role.can(.editDisputes),
                                  eventCategories: categories)
    }

    @Sendable func show(req: Request) async throws -> Response {
        try req.require(.viewPortal)
        return try await detail(req, try await PortalService.scoped(req, req.parameters.get("id", as: Int.self)))
    }

    @Sendable func reply(req: Request) async throws -> Response {
        try req.require(.handlePortal)
        let r = try await PortalService.scoped(req, req.parameters.get("id", as: Int.self))
        do {
            try await PortalService.reply(req, r, (try? req.content.decode(PortalReplyInput.self)) ?? PortalReplyInput())
            return req.redirect(to: "/portal/requests/\(r.id!)")
        } catch let e as FieldErrors {
            let res = try await detail(req, try await PortalService.scoped(req, r.id), errors: e)
            res.status = .unprocessableEntity
            return res
        }
    }

    @Sendable func convert(req: Request) async throws -> Response {
        try req.require(.handlePortal)
        let r = try await PortalService.scoped(req, req.parameters.get("id", as: Int.self))
        do {
            return req.redirect(to: try await PortalService.convert(req, r, (try? req.content.decode(PortalConvertInput.self)) ?? PortalConvertInput()))
        } catch let e as FieldErrors {
            let res = try await detail(req, try await PortalService.scoped(req, r.id), errors: e)
            res.status = .unprocessableEntity
            return res
        }
    }

    // MARK: notices

    static func areaOptions(_ req: Request) async throws -> [(Int, String)] {
        let scope = try await req.scope()
        let upper = try await Division.query(on: req.db).filter(\.$level ~~ [.district, .street]).sort(\.$code).all().filter { scope.allows(division: $0) }
        return upper.map { ($0.id!, $0.name) } + (try await DivisionLookup.communities(req)).map { ($0.id, "· " + $0.name) }
    }

    @Sendable func notices(req: Request) async throws -> Response {
        try req.require(.viewPortal)
        let list = try await PortalService.staffNotices(req)
        return PortalViews.notices(req, list, places: try await DivisionLookup.names(list.map(\.divisionID), on: req.db), canPublish: try req.user.role.can(.publishNotices),
                                   reach: try await NoticeSubscriptions.reach(req.db, notices: list.compactMap(\.id)))
    }

    @Sendable func newNotice(req: Request) async throws -> Response {
        try req.require(.publishNotices)
        return PortalViews.noticeForm(req, PortalService.NoticeInput(), errors: FieldErrors(), areas: try await Self.areaOptions(req))
    }

    @Sendable func publish(req: Request) async throws -> Response {
        try req.require(.publishNotices)
        let input = (try? req.content.decode(PortalService.NoticeInput.self)) ?? PortalService.NoticeInput()
        do {
            let n = try await PortalService.publish(req, input)
            return req.redirect(to: "/public/notices/\(n.id!)")
        } catch let e as FieldErrors {
            return PortalViews.noticeForm(req, input, errors: e, areas: try await Self.areaOptions(req))
        }
    }

    @Sendable func editNotice(req: Request) async throws -> Response {
        try req.require(.publishNotices)
        let n = try await PortalService.scopedNotice(req, req.parameters.get("id", as: Int.self))
        var input = PortalService.NoticeInput()
        input.kind = n.kind.rawValue; input.title = n.title; input.body = n.body; input.divisionID = "\(n.divisionID)"; input.audience = n.audience.rawValue; input.eventAt = n.eventAt
        return PortalViews.noticeForm(req, input, errors: FieldErrors(), areas: try await Self.areaOptions(req), editing: n)
    }

    @Sendable func updateNotice(req: Request) async throws -> Response {
        try req.require(.publishNotices)
        let n = try await PortalService.scopedNotice(req, req.parameters.get("id", as: Int.self))
        let input = (try? req.content.decode(PortalService.NoticeInput.self)) ?? PortalService.NoticeInput()
        do {
            try await PortalService.update(req, n, input)
            return req.redirect(to: "/public/notices/\(n.id!)")
        } catch let e as FieldErrors {
            return PortalViews.noticeForm(req, input, errors: e, areas: try await Self.areaOptions(req), editing: n)
        }
    }

    @Sendable func withdraw(req: Request) async throws -> Response {
        _ = try await PortalService.withdraw(req, req.parameters.get("id", as: Int.self))
        return req.redirect(to: "/portal/notices")
    }

    // MARK: request types (configurable: names, response time, on/off)

    struct TypeInput: Content {
        var nameZh: String?; var nameEn: String?; var description: String?; var responseHours: String?; var active: String?
        init() {}
        init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: AnyKey.self)
            nameZh = c.loose(AnyKey("nameZh")); nameEn = c.loose(AnyKey("nameEn")); description = c.loose(AnyKey("description"))
            responseHours = c.loose(AnyKey("responseHours")); active = c.loose(AnyKey("active"))
        }
    }

    static func applyType(_ req: Request, _ input: TypeInput) async throws -> PortalRequestType {
        try req.require(.configurePortal)
        guard let id = req.parameters.get("id", as: Int.self), let t = try await PortalRequestType.find(id, on: req.db) else { throw Abort(.notFound) }
        let L = req.lang
        var e = FieldErrors()
        if let v = input.nameZh { let s = v.trimmed; if s.isEmpty || s.count > 30 { e["nameZh"] = L.t("名称1–30字", "1–30 characters") } else { t.nameZh = s } }
        if let v = input.nameEn { let s = v.trimmed; if s.isEmpty || s.count > 60 { e["nameEn"] = L.t("名称1–60字", "1–60 characters") } else { t.nameEn = s } }
        if let v = input.description { let s = v.trimmed; if s.count > 200 { e["description"] = L.t("不能超过200字", "At most 200 characters") } else { t.description = s } }
        if let v = input.responseHours?.nilIfEmpty {
            if let h = Int(v), (1...720).contains(h) { t.responseHours = h } else { e["responseHours"] = L.t("应答时限为1–720小时", "Between 1 and 720 hours") }
        }
        if let v = input.active?.nilIfEmpty { t.active = DisputeInput.flag(v) }
        guard e.isEmpty else { throw e }
        try await req.db.transaction { db in
            try await t.save(on: db)
            await req.audit("portal.type.update", entity: "portal_request_type", id: t.id.map(String.init), detail: "\(t.code) hours=\(t.responseHours) active=\(t.active)", on: db)
        }
        req.application.portalLookups.clear()
        return t
    }

    @Sendable func typesPage(req: Request) async throws -> Response {
        try req.require(.viewPortal)
        return PortalViews.types(req, try await PortalService.types(req.db, activeOnly: false), canEdit: try req.user.role.can(.configurePortal), errors: FieldErrors())
    }

    @Sendable func updateType(req: Request) async throws -> Response {
        try req.require(.configurePortal)
        do {
            _ = try await Self.applyType(req, (try? req.content.decode(TypeInput.self)) ?? TypeInput())
            return req.redirect(to: "/portal/types")
        } catch let e as FieldErrors {
            let res = PortalViews.types(req, try await PortalService.types(req.db, activeOnly: false), canEdit: true, errors: e)
            res.status = .unprocessableEntity
            return res
        }
    }

    @Sendable func apiUpdateType(req: Request) async throws -> TypeDoc {
        let t = try await Self.applyType(req, try req.content.decode(TypeInput.self))
        return TypeDoc(code: t.code, kind: t.kind, zh: t.nameZh, en: t.nameEn, description: t.description, responseHours: t.responseHours, active: t.active, attributes: t.attributes)
    }

    // MARK: API

    struct Page: Content { var items: [PortalRequestDTO]; var page: PageInfo }

    @Sendable func apiList(req: Request) async throws -> Page {
        try req.require(.viewPortal)
        var errors = FieldErrors()
        let filter = PortalFilter(req, errors: &errors)
        guard errors.isEmpty else { throw errors }
        let page = PinganKit.PageRequest(page: req.query[Int.self, at: "page"], per: req.query[Int.self, at: "per"])
        let q = try await filter.query(req)
        let total = try await q.copy().count()
        var items: [PortalRequestDTO] = []
        for r in try await q.range(page.offset..<(page.offset + page.per)).all() { items.append(try await PortalService.dto(req, r)) }
        return Page(items: items, page: PageInfo(page: page.page, per: page.per, total: total))
    }

    @Sendable func apiShow(req: Request) async throws -> PortalRequestDTO {
        try req.require(.viewPortal)
        return try await PortalService.dto(req, try await PortalService.scoped(req, req.parameters.get("id", as: Int.self)), replies: true)
    }

    @Sendable func apiReply(req: Request) async throws -> Response {
        try req.require(.handlePortal)
        let r = try await PortalService.scoped(req, req.parameters.get("id", as: Int.self))
        try await PortalService.reply(req, r, try req.content.decode(PortalReplyInput.self))
        return try await PortalService.dto(req, r, replies: true).encodeResponse(status: .created, for: req)
    }

    struct Converted: Content { var request: PortalRequestDTO; var location: String }

    @Sendable func apiConvert(req: Request) async throws -> Response {
        try req.require(.handlePortal)
        let r = try await PortalService.scoped(req, req.parameters.get("id", as: Int.self))
        let path = try await PortalService.convert(req, r, try req.content.decode(PortalConvertInput.self))
        let api = path.hasPrefix("/incidents") ? "/api/v1" + path : "/api/v1" + path
        let res = try await Converted(request: try await PortalService.dto(req, r, replies: true), location: api).encodeResponse(status: .created, for: req)
        res.headers.replaceOrAdd(name: .location, value: api)
        return res
    }

    struct NoticeDoc: Content {
        var id: Int; var kind: NoticeKind; var title: String; var body: String; var divisionID: Int; var audience: NoticeAudience; var eventAt: String?; var publishedAt: Date
        var withdrawn: Bool
        init(_ n: PortalNotice) {
            id = n.id!; kind = n.kind; title = n.title; body = n.body; divisionID = n.divisionID; audience = n.audience; eventAt = n.eventAt
            publishedAt = n.publishedAt; withdrawn = n.withdrawn
        }
    }

    @Sendable func apiNotices(req: Request) async throws -> [NoticeDoc] {
        try req.require(.viewPortal)
        return try await PortalService.staffNotices(req).map(NoticeDoc.init)
    }

    @Sendable func apiPublish(req: Request) async throws -> Response {
        try req.require(.publishNotices)
        let n = try await PortalService.publish(req, try req.content.decode(PortalService.NoticeInput.self))
        return try await NoticeDoc(n).encodeResponse(status: .created, for: req)
    }

    /// Body: the notice's fields as on publishing (all of them: the same checks apply).
    @Sendable func apiUpdateNotice(req: Request) async throws -> NoticeDoc {
        try req.require(.publishNotices)
        let n = try await PortalService.scopedNotice(req, req.parameters.get("id", as: Int.self))
        try await PortalService.update(req, n, try req.content.decode(PortalService.NoticeInput.self))
        return NoticeDoc(n)
    }

    @Sendable func apiWithdraw(req: Request) async throws -> NoticeDoc {
        NoticeDoc(try await PortalService.withdraw(req, req.parameters.get("id", as: Int.self)))
    }

    struct TypeDoc: Content { var code: String; var kind: PortalRequestKind; var zh: String; var en: String; var description: String; var responseHours: Int; var active: Bool; var attributes: [PortalAttribute] }

    @Sendable func apiTypes(req: Request) async throws -> [TypeDoc] {
        try req.require(.viewPortal)
        return try await PortalService.types(req.db, activeOnly: false).map { TypeDoc(code: $0.code, kind: $0.kind, zh: $0.nameZh, en: $0.nameEn, description: $0.description, responseHours: $0.responseHours, active: $0.active, attributes: $0.attributes) }
    }
}
