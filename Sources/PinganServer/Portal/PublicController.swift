import Fluent
import SQLKit
import Vapor
import PinganKit

/// The public portal (no sign-in): find the community's office, submit and follow requests, notices, the survey.
/// JSON twins live under `/api/public`. Bodies are capped at 16 kB.
struct PublicController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let r = routes.grouped("public")
        r.get(use: home)
        r.get("communities", ":id", use: community)
        r.get("report", use: reportForm)
        r.on(.POST, "report", body: .collect(maxSize: "16kb"), use: submit)
        r.get("track", use: trackForm)
        r.get("track", ":token", use: track)
        r.on(.POST, "track", ":token", "rate", body: .collect(maxSize: "16kb"), use: rate)
        r.get("notices", use: notices)
        r.get("notices", ":id", use: notice)
        r.get("survey", use: surveyForm)
        r.on(.POST, "survey", body: .collect(maxSize: "16kb"), use: answer)
        r.get("perception", use: perception)
        let api = routes.grouped("api", "public")
        api.get("communities", use: apiCommunities)
        api.on(.POST, "requests", body: .collect(maxSize: "16kb"), use: apiSubmit)
        api.get("requests", ":token", use: apiTrack)
        api.on(.POST, "requests", ":token", "rating", body: .collect(maxSize: "4kb"), use: apiRate)
        api.get("notices", use: apiNotices)
        api.get("perception", use: apiPerception)
    }

    // MARK: communities

    /// Every community with its street, for the residents' pickers (names only: the outlines stay in the database).
    static func allCommunities(_ req: Request) async throws -> [PublicViews.Community] {
        let db = req.db
        let roads = try await req.application.communityRoads.roads(db)
        struct Row: Decodable { var id: Int; var name: String; var street: String? }
        // unscoped: the public portal lists every community by name
        return try await (db as! any SQLDatabase).select().column(SQLColumn("id", table: "c")).column(SQLColumn("name", table: "c"))
            .column(SQLColumn("name", table: "s"), as: "street")
            .from(SQLAlias(SQLIdentifier("divisions"), as: SQLIdentifier("c")))
            .join(SQLAlias(SQLIdentifier("divisions"), as: SQLIdentifier("s")), method: SQLJoinMethod.left, on: SQLColumn("id", table: "s"), .equal, SQLColumn("parent_id", table: "c"))
            .where(SQLColumn("level", table: "c"), .equal, SQLBind(DivisionLevel.community.rawValue))
            .orderBy(SQLColumn("name", table: "c")).all(decoding: Row.self)
            .map { PublicViews.Community(id: $0.id, name: $0.name, street: $0.street ?? "", roads: roads[$0.id] ?? []) }
    }

    static func card(_ db: any Database, _ c: Division) async throws -> PublicViews.CommunityCard {
        var street = "", office: PoliceOffice? = nil, station: Station? = nil
        if let p = c.parentID { street = try await Division.find(p, on: db)?.name ?? "" }
        if let o = c.officeID { office = try await PoliceOffice.find(o, on: db) }
        if let s = c.stationID { station = try await Station.find(s, on: db) }
        let officers = try await PortalService.officers(for: c.id!, on: db).map(\.displayName)
        return .init(community: c, street: street, office: office, station: station, officers: officers)
    }

    /// By name (either way round, so a full address containing the name finds it), street name or office address.
    static func search(_ db: any Database, _ q: String) async throws -> [Division] {
        let q = q.trimmed
        guard !q.isEmpty else { return [] }
        let all = try await Division.query(on: db).filter(\.$level ~~ [.community, .street]).sort(\.$code).all()
        let streets = Dictionary(uniqueKeysWithValues: all.filter { $0.level == .street }.map { ($0.id!, $0) })
        let offices = Dictionary(uniqueKeysWithValues: try await PoliceOffice.query(on: db).all().map { ($0.id!, $0) })
        return all.filter { c in
            guard c.level == .community else { return false }
            if c.name.contains(q) || q.contains(c.name) { return true }
            if let s = c.parentID.flatMap({ streets[$0] }), s.name.contains(q) || q.contains(s.name) && q.count <= s.name.count + 2 { return true }
            if let o = c.officeID.flatMap({ offices[$0] }), o.address.contains(q) || o.name.contains(q) { return true }
            return false
        }
    }

    @Sendable func home(req: Request) async throws -> Response {
        let q = req.query[String.self, at: "q"].map { String($0.prefix(50)) }
        var cards: [PublicViews.CommunityCard] = []
        if let q { for c in try await Self.search(req.db, q).prefix(30) { cards.append(try await Self.card(req.db, c)) } }
        return PublicViews.home(req, q: q, results: cards)
    }

    static func communityByID(_ req: Request) async throws -> Division {
        guard let id = req.parameters.get("id", as: Int.self), let c = try await Division.find(id, on: req.db), c.level == .community else { throw Abort(.notFound) }
        return c
    }

    @Sendable func community(req: Request) async throws -> Response {
        let c = try await Self.communityByID(req)
        let period = PortalService.currentPeriod(req)
        let result = try await PortalService.perception(req.db, period: period, communityID: c.id!)[c.id!]
        return PublicViews.community(req, try await Self.card(req.db, c), notices: try await PortalService.notices(for: c, on: req.db), period: period, result: result,
                                     target: try await PortalService.perceptionTarget(req.db, period: period))
    }

    // MARK: requests

    @Sendable func reportForm(req: Request) async throws -> Response {
        var input = PortalSubmission()
        input.communityID = req.query[String.self, at: "community"]
        input.type = req.query[String.self, at: "type"]
        return PublicViews.reportForm(req, input: input, errors: FieldErrors(), types: try await PortalService.types(req.db), communities: try await Self.allCommunities(req),
                                          picker: try await OutlineMaps.publicPicker(req))
    }

    @Sendable func submit(req: Request) async throws -> Response {
        let input = (try? req.content.decode(PortalSubmission.self)) ?? PortalSubmission()
        do {
            let r = try await PortalService.submit(req, input, via: "web", checkForm: true)
            return PublicViews.receipt(req, r)
        } catch let e as FieldErrors {
            return PublicViews.reportForm(req, input: input, errors: e, types: try await PortalService.types(req.db), communities: try await Self.allCommunities(req),
                                          picker: try await OutlineMaps.publicPicker(req))
        }
    }

    @Sendable func trackForm(req: Request) async throws -> Response {
        if let t = req.query[String.self, at: "token"]?.nilIfEmpty {
            guard let r = try? await PortalService.byToken(req.db, t) else { return PublicViews.trackForm(req, notFound: true) }
            return req.redirect(to: "/public/track/\(r.token)")
        }
        return PublicViews.trackForm(req, notFound: false)
    }

    @Sendable func track(req: Request) async throws -> Response {
        let r = try await PortalService.byToken(req.db, req.parameters.get("token"))
        return PublicViews.track(req, try await PortalService.publicDTO(req, r))
    }

    struct RatingInput: Content { var satisfaction: String? }

    /// The resident rates the grid event their request became (once, after closure).
    @Sendable func rate(req: Request) async throws -> Response {
        let r = try await PortalService.byToken(req.db, req.parameters.get("token"))
        guard let ev = try await PortalService.linkedEvent(req, r) else { throw Abort(.notFound) }
        do { try await GridEventService.rate(req, ev, try req.content.decode(RatingInput.self).satisfaction) }
        catch let e as FieldErrors { let res = PublicViews.track(req, try await PortalService.publicDTO(req, r), errors: e); res.status = .unprocessableEntity; return res }
        return req.redirect(to: "/public/track/\(r.token)")
    }

    @Sendable func apiRate(req: Request) async throws -> PublicRequestDTO {
        let r = try await PortalService.byToken(req.db, req.parameters.get("token"))
        guard let ev = try await PortalService.linkedEvent(req, r) else { throw Abort(.notFound) }
        try await GridEventService.rate(req, ev, try req.content.decode(RatingInput.self).satisfaction)
        return try await PortalService.publicDTO(req, r)
    }

    // MARK: notices

    @Sendable func notices(req: Request) async throws -> Response {
        let community = req.query[Int.self, at: "community"]
        let audience = req.query[String.self, at: "audience"].flatMap(NoticeAudience.init(rawValue:))
        let list: [PortalNotice]
        if let community, let c = try await Division.find(community, on: req.db), c.level == .community {
            list = try await PortalService.notices(for: c, on: req.db, audience: audience)
        } else {
            let q = PortalNotice.query(on: req.db).filter(\.$withdrawn == false)
            if let audience, audience != .all { q.filter(\.$audience ~~ [audience, .all]) }
            list = try await q.sort(\.$publishedAt, .descending).limit(100).all()
        }
        let places = try await DivisionLookup.names(list.map(\.divisionID), on: req.db)
        return PublicViews.noticeList(req, notices: list, places: places, communities: try await Self.allCommunities(req), community: community, audience: audience)
    }

    @Sendable func notice(req: Request) async throws -> Response {
        guard let id = req.parameters.get("id", as: Int.self), let n = try await PortalNotice.find(id, on: req.db), !n.withdrawn else { throw Abort(.notFound) }
        return PublicViews.notice(req, n, place: try await DivisionLookup.names([n.divisionID], on: req.db)[n.divisionID] ?? "")
    }

    // MARK: survey

    @Sendable func surveyForm(req: Request) async throws -> Response {
        var input = PortalService.SurveyInput()
        input.communityID = req.query[String.self, at: "community"]
        return PublicViews.surveyForm(req, input: input, errors: FieldErrors(), communities: try await Self.allCommunities(req), period: PortalService.currentPeriod(req))
    }

    @Sendable func answer(req: Request) async throws -> Response {
        let input = (try? req.content.decode(PortalService.SurveyInput.self)) ?? PortalService.SurveyInput()
        do {
            let p = try await PortalService.answerSurvey(req, input, checkForm: true)
            let L = req.lang
            return PublicViews.page(req, title: L.t("谢谢", "Thank you"), status: .created,
                .div(.class("card"), .h1(.text(L.t("感谢您参加安全感测评", "Thank you for answering"))),
                     .p(.a(.href("/public/communities/\(p.communityID)"), .text(L.t("查看本社区结果", "See your community's results"))))))
        } catch let e as FieldErrors {
            return PublicViews.surveyForm(req, input: input, errors: e, communities: try await Self.allCommunities(req), period: PortalService.currentPeriod(req))
        }
    }

    static func period(_ req: Request) throws -> String {
        if let p = req.query[String.self, at: "period"]?.nilIfEmpty {
            guard PerceptionPeriod.isValid(p) else { throw FieldErrors(["period": req.t("期别格式为 2026-Q1", "Use a period like 2026-Q1")]) }
            return p
        }
        return PortalService.currentPeriod(req)
    }

    @Sendable func perception(req: Request) async throws -> Response {
        let period = (try? Self.period(req)) ?? PortalService.currentPeriod(req)
        let results = try await PortalService.perception(req.db, period: period)
        let names = try await DivisionLookup.names(Array(results.keys), on: req.db)
        let rows = results.map { (name: names[$0.key] ?? "", id: $0.key, result: $0.value) }.sorted { $0.name < $1.name }
        let total = PerceptionShare(safe: results.values.map(\.safe).reduce(0, +), total: results.values.map(\.total).reduce(0, +))
        return PublicViews.perceptionTable(req, period: period, rows: rows, total: total, target: try await PortalService.perceptionTarget(req.db, period: period))
    }

    // MARK: JSON

    struct CommunityDoc: Content {
        var id: Int; var name: String; var street: String; var office: String?; var address: String?; var hours: String?; var phone: String?
        var station: String?; var officers: [String]
    }

    @Sendable func apiCommunities(req: Request) async throws -> [CommunityDoc] {
        let q = String((req.query[String.self, at: "q"] ?? "").prefix(50))
        var out: [CommunityDoc] = []
        for c in try await Self.search(req.db, q).prefix(30) {
            let k = try await Self.card(req.db, c)
            out.append(.init(id: c.id!, name: c.name, street: k.street, office: k.office?.name, address: k.office?.address ?? k.station?.address, hours: k.office?.hours,
                             phone: k.office?.phone ?? k.station?.phone, station: k.station?.name, officers: k.officers))
        }
        return out
    }

    struct Receipt: Content { var token: String; var number: String; var status: PortalStatus; var track: String }

    @Sendable func apiSubmit(req: Request) async throws -> Response {
        try PortalService.checkSize(req)
        let input = try req.content.decode(PortalSubmission.self)
        let r = try await PortalService.submit(req, input, via: "api", checkForm: false)
        let res = try await Receipt(token: r.token, number: r.number, status: r.status, track: "/api/public/requests/\(r.token)").encodeResponse(status: .created, for: req)
        res.headers.replaceOrAdd(name: .location, value: "/api/public/requests/\(r.token)")
        return res
    }

    @Sendable func apiTrack(req: Request) async throws -> PublicRequestDTO {
        try await PortalService.publicDTO(req, try await PortalService.byToken(req.db, req.parameters.get("token")))
    }

    struct NoticeDoc: Content { var id: Int; var kind: NoticeKind; var title: String; var body: String; var area: String; var audience: NoticeAudience; var eventAt: String?; var publishedAt: Date }

    @Sendable func apiNotices(req: Request) async throws -> [NoticeDoc] {
        guard let cid = req.query[Int.self, at: "community"], let c = try await Division.find(cid, on: req.db), c.level == .community else {
            throw FieldErrors(["community": req.t("请指定社区", "Give a community id")])
        }
        let list = try await PortalService.notices(for: c, on: req.db, audience: req.query[String.self, at: "audience"].flatMap(NoticeAudience.init(rawValue:)))
        let names = try await DivisionLookup.names(list.map(\.divisionID), on: req.db)
        return list.map { NoticeDoc(id: $0.id!, kind: $0.kind, title: $0.title, body: $0.body, area: names[$0.divisionID] ?? "", audience: $0.audience, eventAt: $0.eventAt, publishedAt: $0.publishedAt) }
    }

    /// `target` is the period's year's target and `meetsTarget` the seed's reading (share ≥ target); `meets95`/`meets98`
    /// (the same reading against seed 003's two figures) are kept for existing clients.
    struct PerceptionDoc: Content {
        var period: String; var communityID: Int; var community: String; var answers: Int; var feelSafe: Int; var rate: Double?; var low: Double?; var high: Double?
        var target: Double; var meetsTarget: Bool; var meets95: Bool; var meets98: Bool
    }

    @Sendable func apiPerception(req: Request) async throws -> [PerceptionDoc] {
        let period = try Self.period(req)
        let results = try await PortalService.perception(req.db, period: period, communityID: req.query[Int.self, at: "community"])
        let names = try await DivisionLookup.names(Array(results.keys), on: req.db)
        let target = try await PortalService.perceptionTarget(req.db, period: period)
        return results.sorted { $0.key < $1.key }.map { k, r in
            PerceptionDoc(period: period, communityID: k, community: names[k] ?? "", answers: r.total, feelSafe: r.safe, rate: r.rate, low: r.low, high: r.high,
                          target: target, meetsTarget: r.meets(target), meets95: r.meets(0.95), meets98: r.meets(0.98))
        }
    }
}
