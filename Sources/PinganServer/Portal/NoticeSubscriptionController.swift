import Vapor
import PinganKit

/// Notice subscriptions: the residents' pages under `/public/subscribe` and `/public/subscriptions/{token}` (JSON under
/// `/api/public/subscriptions`), and the staff list under `/portal/subscriptions` (`/api/v1/portal/subscriptions`).
struct NoticeSubscriptionController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let pub = routes.grouped("public")
        pub.get("subscribe", use: form)
        pub.on(.POST, "subscribe", body: .collect(maxSize: "16kb"), use: subscribe)
        pub.get("subscriptions", ":token", use: manage)
        pub.on(.POST, "subscriptions", ":token", "confirm", body: .collect(maxSize: "4kb"), use: confirm)
        pub.on(.POST, "subscriptions", ":token", "cancel", body: .collect(maxSize: "4kb"), use: cancel)
        let papi = routes.grouped("api", "public", "subscriptions")
        papi.on(.POST, body: .collect(maxSize: "16kb"), use: apiSubscribe)
        papi.get(":token", use: apiShow)
        papi.on(.POST, ":token", "confirm", body: .collect(maxSize: "4kb"), use: apiConfirm)
        papi.on(.POST, ":token", "cancel", body: .collect(maxSize: "4kb"), use: apiCancel)
    }

    // MARK: residents

    @Sendable func form(req: Request) async throws -> Response {
        var input = NoticeSubscriptions.Input()
        input.communityID = req.query[String.self, at: "community"]
        return NoticeSubscriptionViews.form(req, input, errors: FieldErrors(), communities: try await PublicController.allCommunities(req),
                                            channels: NoticeSubscriptions.channels(req.application))
    }

    @Sendable func subscribe(req: Request) async throws -> Response {
        let input = (try? req.content.decode(NoticeSubscriptions.Input.self)) ?? NoticeSubscriptions.Input()
        do {
            let (community, addresses) = try await NoticeSubscriptions.subscribe(req, input, checkForm: true)
            return NoticeSubscriptionViews.sent(req, community: community, addresses: addresses)
        } catch let e as FieldErrors {
            return NoticeSubscriptionViews.form(req, input, errors: e, communities: try await PublicController.allCommunities(req),
                                                channels: NoticeSubscriptions.channels(req.application))
        }
    }

    static func communityName(_ req: Request, _ s: NoticeSubscription) async throws -> String {
        try await DivisionLookup.names([s.communityID], on: req.db)[s.communityID] ?? ""
    }

    @Sendable func manage(req: Request) async throws -> Response {
        let s = try await NoticeSubscriptions.byToken(req.db, req.parameters.get("token"))
        return NoticeSubscriptionViews.manage(req, s, community: try await Self.communityName(req, s))
    }

    @Sendable func confirm(req: Request) async throws -> Response {
        let s = try await NoticeSubscriptions.byToken(req.db, req.parameters.get("token"))
        try await NoticeSubscriptions.confirm(req, s)
        return req.redirect(to: "/public/subscriptions/\(s.token)")
    }

    @Sendable func cancel(req: Request) async throws -> Response {
        let s = try await NoticeSubscriptions.byToken(req.db, req.parameters.get("token"))
        try await NoticeSubscriptions.cancel(req, s, byStaff: false)
        return req.redirect(to: "/public/subscriptions/\(s.token)")
    }

    /// What a resident's client sees of a subscription: never the address in full.
    struct PublicDTO: Content {
        var communityID: Int; var community: String; var channel: OutboxChannel; var address: String; var audience: NoticeAudience
        var status: NoticeSubscriptionStatus; var confirmedAt: Date?; var cancelledAt: Date?
    }

    static func publicDTO(_ req: Request, _ s: NoticeSubscription) async throws -> PublicDTO {
        PublicDTO(communityID: s.communityID, community: try await communityName(req, s), channel: s.channel, address: s.addressMasked, audience: s.audience,
                  status: s.status, confirmedAt: s.confirmedAt, cancelledAt: s.cancelledAt)
    }

    struct Accepted: Content { var communityID: Int; var community: String; var confirmationSentTo: [String] }

    @Sendable func apiSubscribe(req: Request) async throws -> Response {
        let input = try req.content.decode(NoticeSubscriptions.Input.self)
        let (community, addresses) = try await NoticeSubscriptions.subscribe(req, input, checkForm: false)
        return try await Accepted(communityID: community.id!, community: community.name, confirmationSentTo: addresses).encodeResponse(status: .accepted, for: req)
    }

    @Sendable func apiShow(req: Request) async throws -> PublicDTO {
        try await Self.publicDTO(req, try await NoticeSubscriptions.byToken(req.db, req.parameters.get("token")))
    }

    @Sendable func apiConfirm(req: Request) async throws -> PublicDTO {
        let s = try await NoticeSubscriptions.byToken(req.db, req.parameters.get("token"))
        try await NoticeSubscriptions.confirm(req, s)
        return try await Self.publicDTO(req, s)
    }

    @Sendable func apiCancel(req: Request) async throws -> PublicDTO {
        let s = try await NoticeSubscriptions.byToken(req.db, req.parameters.get("token"))
        try await NoticeSubscriptions.cancel(req, s, byStaff: false)
        return try await Self.publicDTO(req, s)
    }

}

/// The staff side, registered behind sign-in.
struct NoticeSubscriptionStaffController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get("portal", "subscriptions", use: list)
        routes.post("portal", "subscriptions", ":id", "cancel", use: staffCancel)
        let api = routes.grouped("api", "v1", "portal", "subscriptions")
        api.get(use: apiList)
        api.post(":id", "cancel", use: apiStaffCancel)
    }

    static func pageRequest(_ req: Request) -> PinganKit.PageRequest {
        PinganKit.PageRequest(page: req.query[Int.self, at: "page"], per: req.query[Int.self, at: "per"], defaultPer: 30, maxPer: 200)
    }

    @Sendable func list(req: Request) async throws -> Response {
        let filter = (try? NoticeSubscriptions.filter(req)) ?? NoticeSubscriptions.Filter()
        let (rows, info) = try await NoticeSubscriptions.list(req, filter, Self.pageRequest(req))
        let counts = try await NoticeSubscriptions.activeCounts(req)
        let names = try await DivisionLookup.names(Array(Set(rows.map(\.communityID)).union(counts.keys)), on: req.db)
        return NoticeSubscriptionViews.list(req, rows: rows, names: names, communities: try await DivisionLookup.communities(req), filter: filter, info: info,
                                            counts: counts, canCancel: try req.user.role.can(.handlePortal), channels: NoticeSubscriptions.channels(req.application))
    }

    static func staffCancel(_ req: Request) async throws -> NoticeSubscription {
        try req.require(.handlePortal)
        let s = try await req.findScoped(NoticeSubscription.self, req.parameters.get("id", as: Int.self))
        try await NoticeSubscriptions.cancel(req, s, byStaff: true)
        return s
    }

    @Sendable func staffCancel(req: Request) async throws -> Response {
        _ = try await Self.staffCancel(req)
        return req.redirect(to: "/portal/subscriptions")
    }

    struct StaffDTO: Content {
        var id: Int; var communityID: Int; var channel: OutboxChannel; var address: String; var audience: NoticeAudience; var status: NoticeSubscriptionStatus
        var createdAt: Date; var confirmedAt: Date?; var cancelledAt: Date?; var cancelledBy: String?
        init(_ s: NoticeSubscription) {
            id = s.id!; communityID = s.communityID; channel = s.channel; address = s.addressMasked; audience = s.audience; status = s.status
            createdAt = s.createdAt; confirmedAt = s.confirmedAt; cancelledAt = s.cancelledAt; cancelledBy = s.cancelledBy
        }
    }
    struct ListDTO: Content { var active: Int; var items: [StaffDTO]; var page: PageInfo }

    @Sendable func apiList(req: Request) async throws -> ListDTO {
        let (rows, info) = try await NoticeSubscriptions.list(req, try NoticeSubscriptions.filter(req), Self.pageRequest(req))
        return ListDTO(active: try await NoticeSubscriptions.activeCounts(req).values.reduce(0, +), items: rows.map(StaffDTO.init), page: info)
    }

    @Sendable func apiStaffCancel(req: Request) async throws -> StaffDTO { StaffDTO(try await Self.staffCancel(req)) }
}
