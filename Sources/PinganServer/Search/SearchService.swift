import Fluent
import Vapor
import PinganKit

/// The kinds of record the header's search box looks through, in the order results are shown.
enum SearchKind: String, CaseIterable, Codable, Sendable {
    case incidents, events, people, sites, disputes, requests, communities

    var permission: Permission {
        switch self {
        case .incidents: .viewIncidents
        case .events: .viewGridEvents
        case .people, .sites: .viewRegistry
        case .disputes: .viewDisputes
        case .requests: .viewPortal
        case .communities: .viewJurisdiction
        }
    }
    func name(_ L: Lang) -> String {
        switch self {
        case .incidents: L.t("警情", "Incidents")
        case .events: L.t("网格事件", "Grid events")
        case .people: L.t("实有人口", "People")
        case .sites: L.t("场所", "Places")
        case .disputes: L.t("矛盾纠纷", "Disputes")
        case .requests: L.t("群众诉求", "Resident requests")
        case .communities: L.t("社区", "Communities")
        }
    }
}

/// One record found: what the user recognises it by, and where it opens.
struct SearchHit: Content, Equatable {
    var kind: SearchKind
    var id: Int
    /// The printed number (J…, E…/AJ…, TJ…, WS…), or nil for people, places and communities.
    var number: String?
    var title: String
    var detail: String
    var community: String?
    var url: String
}

struct SearchGroup: Content {
    var kind: SearchKind
    var total: Int
    var hits: [SearchHit]
}

/// Search across the records a user may see (issue 21 §2).
///
/// Scope: each kind is read through the user's scope (`req.scoped`, `GridEventService.visible`, the communities the
/// scope reaches) and only when the role may open that kind at all; a record outside it is never counted, never
/// listed, and its number jumps nowhere — exactly like a number that does not exist. Identifier-shaped text (an ID or
/// phone number) is not searched here: that is the registry's audited, purpose-stated search.
enum SearchService {
    static let groupSize = 5
    static let pageSize = 20

    static func kinds(for user: User) -> [SearchKind] { SearchKind.allCases.filter { user.role.can($0.permission) } }

    /// The record a number names, if the user may open it.
    static func jump(_ req: Request, _ n: RecordNumber) async throws -> String? {
        let user = try req.user
        let cal = req.localCalendar
        switch n.kind {
        case .incident:
            guard user.role.can(.viewIncidents), let i = try await req.visible(Incident.self, n.id), i.number(cal) == n.canonical else { return nil }
            return "/incidents/\(n.id)"
        case .gridEvent:
            guard user.role.can(.viewGridEvents), let e = try await GridEventService.visible(req).filter(\.$id == n.id).first(),
                  eventNumber(e, cal) == n.canonical else { return nil }
            return "/events/\(n.id)"
        case .gridCase:
            guard user.role.can(.viewGridEvents), let e = try await GridEventService.visible(req).filter(\.$caseNumber == n.canonical).first() else { return nil }
            return "/events/\(e.id ?? 0)"
        case .dispute:
            guard user.role.can(.viewDisputes), let d = try await req.visible(Dispute.self, n.id), d.fileNumber(cal) == n.canonical else { return nil }
            return "/disputes/\(n.id)"
        case .portalRequest:
            // WS numbers carry no date: WS42 and WS000042 name the same request.
            guard user.role.can(.viewPortal), try await req.visible(PortalRequest.self, n.id) != nil else { return nil }
            return "/portal/requests/\(n.id)"
        case .petition:
            guard user.role.can(.viewGovernance), let p = try await req.visible(Petition.self, n.id), p.number == n.canonical else { return nil }
            return "/governance/petitions/\(n.id)"
        }
    }

    /// The number an event had before registration (its 案卷号 replaces it in `number`, but the old one still finds it).
    private static func eventNumber(_ e: GridEvent, _ cal: LocalCalendar) -> String {
        "E" + cal.formatDate(e.reportedAt).replacingOccurrences(of: "-", with: "") + "-" + String(format: "%06d", e.id ?? 0)
    }

    /// One kind's matches: how many in all, and the slice asked for (newest first).
    static func find(_ req: Request, _ kind: SearchKind, _ q: SearchQuery, offset: Int, limit: Int) async throws -> SearchGroup {
        let t = q.text
        let cal = req.localCalendar
        let L = req.lang
        var hits: [SearchHit] = []
        var total = 0
        var communityIDs: [Int] = []
        switch kind {
        case .incidents:
            let query = try await req.scoped(Incident.self)
                .group(.or) { $0.filter(\.$address ~~ t).filter(\.$description ~~ t).filter(\.$modusOperandi ~~ t) }
            total = try await query.count()
            let rows = try await query.sort(\.$occurredAt, .descending).sort(\.$id, .descending).range(offset..<(offset + limit)).all()
            communityIDs = rows.map(\.communityID)
            let subcategories = try await SubcategoryCache.shared.all(req.db)
            hits = rows.map { i in
                SearchHit(kind: kind, id: i.id ?? 0, number: i.number(cal),
                          title: L.t(i.category.nameZh, i.category.nameEn)
                            + (subcategories[i.subcategory].map { " · " + L.t($0.nameZh, $0.nameEn) } ?? (i.subcategory.isEmpty ? "" : " · " + i.subcategory)),
                          detail: cal.formatDate(i.occurredAt) + " · " + i.address + " · " + L.t(i.status.nameZh, i.status.nameEn),
                          community: "\(i.communityID)", url: "/incidents/\(i.id ?? 0)")
            }
        case .events:
            let query = try await GridEventService.visible(req)
                .group(.or) { $0.filter(\.$description ~~ t).filter(\.$address ~~ t).filter(\.$caseNumber ~~ t) }
            total = try await query.count()
            let rows = try await query.sort(\.$reportedAt, .descending).sort(\.$id, .descending).range(offset..<(offset + limit)).all()
            let codes = Array(Set(rows.map(\.categoryCode)))
            let categories = codes.isEmpty ? [] : try await GridEventCategoryRow.query(on: req.db).filter(\.$code ~~ codes).all()
            let names = Dictionary(categories.map { ($0.code, L.t($0.nameZh, $0.nameEn)) }, uniquingKeysWith: { a, _ in a })
            communityIDs = rows.map(\.communityID)
            hits = rows.map { e in
                SearchHit(kind: kind, id: e.id ?? 0, number: e.number(cal), title: names[e.categoryCode] ?? e.categoryCode,
                          detail: cal.formatDate(e.reportedAt) + " · " + clip(e.description) + (e.address.isEmpty ? "" : " · " + e.address),
                          community: "\(e.communityID)", url: "/events/\(e.id ?? 0)")
            }
        case .people:
            let query = try await req.scoped(Person.self).filter(\.$name ~~ t)
            total = try await query.count()
            let rows = try await query.sort(\.$name).sort(\.$id).range(offset..<(offset + limit)).all()
            communityIDs = rows.map(\.communityID)
            hits = rows.map { p in
                // The masked number tells two people of the same name apart without unmasking either.
                SearchHit(kind: kind, id: p.id ?? 0, number: nil, title: p.name + " · " + p.idNumberMasked,
                          detail: L.t(p.category.nameZh, p.category.nameEn) + (p.room.isEmpty ? "" : " · " + p.room),
                          community: "\(p.communityID)", url: "/people/\(p.id ?? 0)")
            }
        case .sites:
            let query = try await req.scoped(Site.self)
                .group(.or) { $0.filter(\.$name ~~ t).filter(\.$address ~~ t).filter(\.$licence ~~ t) }
            total = try await query.count()
            let rows = try await query.sort(\.$name).sort(\.$id).range(offset..<(offset + limit)).all()
            communityIDs = rows.map(\.communityID)
            hits = rows.map { s in
                SearchHit(kind: kind, id: s.id ?? 0, number: nil, title: s.name,
                          detail: L.t(s.kind.nameZh, s.kind.nameEn) + (s.address.isEmpty ? "" : " · " + s.address),
                          community: "\(s.communityID)", url: "/sites/\(s.id ?? 0)")
            }
        case .disputes:
            // Parties are found by name; the party table carries no place of its own, its dispute is scoped below.
            let partyOf = try await DisputeParty.query(on: req.db).filter(\.$name ~~ t).limit(1000).all().map(\.disputeID)
            let query = try await req.scoped(Dispute.self).group(.or) { g in
                g.filter(\.$summary ~~ t).filter(\.$address ~~ t)
                if !partyOf.isEmpty { g.filter(\.$id ~~ partyOf) }
            }
            total = try await query.count()
            let rows = try await query.sort(\.$registeredAt, .descending).sort(\.$id, .descending).range(offset..<(offset + limit)).all()
            communityIDs = rows.map(\.communityID)
            hits = rows.map { d in
                SearchHit(kind: kind, id: d.id ?? 0, number: d.fileNumber(cal), title: L.t(d.type.nameZh, d.type.nameEn),
                          detail: cal.formatDate(d.registeredAt) + " · " + clip(d.summary) + " · " + L.t(d.status.nameZh, d.status.nameEn),
                          community: "\(d.communityID)", url: "/disputes/\(d.id ?? 0)")
            }
        case .requests:
            let query = try await req.scoped(PortalRequest.self).group(.or) { $0.filter(\.$description ~~ t).filter(\.$address ~~ t) }
            total = try await query.count()
            let rows = try await query.sort(\.$requestedAt, .descending).sort(\.$id, .descending).range(offset..<(offset + limit)).all()
            let types = try await PortalRequestType.query(on: req.db).all()
            let names = Dictionary(types.map { ($0.code, L.t($0.nameZh, $0.nameEn)) }, uniquingKeysWith: { a, _ in a })
            communityIDs = rows.map(\.communityID)
            hits = rows.map { r in
                SearchHit(kind: kind, id: r.id ?? 0, number: r.number, title: names[r.typeCode] ?? r.typeCode,
                          detail: cal.formatDate(r.requestedAt) + " · " + clip(r.description) + " · " + L.t(r.status.nameZh, r.status.nameEn),
                          community: "\(r.communityID)", url: "/portal/requests/\(r.id ?? 0)")
            }
        case .communities:
            let scope = try await req.scope()
            let query = scope.restrictCommunities(Division.query(on: req.db).filter(\.$level == .community))
            let rows: [Division]
            if PinyinInitials.looksLikeInitials(t) {
                // Letters only: the name may contain them (rare) or its pinyin initials may (dxsq → 德兴社区).
                let q = t.lowercased()
                let matching = try await query.sort(\.$code).all().filter { $0.name.contains(t) || PinyinCache.initials($0.name).contains(q) }
                total = matching.count
                rows = Array(matching.dropFirst(offset).prefix(limit))
            } else {
                query.filter(\.$name ~~ t)
                total = try await query.count()
                rows = try await query.sort(\.$code).range(offset..<(offset + limit)).all()
            }
            let parents = try await DivisionLookup.names(rows.compactMap(\.parentID), on: req.db)
            hits = rows.map { c in
                SearchHit(kind: kind, id: c.id ?? 0, number: nil, title: c.name, detail: c.parentID.flatMap { parents[$0] } ?? "",
                          community: nil, url: "/jurisdiction/\(c.id ?? 0)")
            }
        }
        // Community names in one read for the whole slice (the hits held the id until now).
        let names = try await DivisionLookup.names(communityIDs, on: req.db)
        for i in hits.indices {
            guard let c = hits[i].community, let id = Int(c) else { continue }
            hits[i].community = names[id]
            // An address that is only the community's name (as events from the map often have) is not said twice.
            if let name = names[id], hits[i].detail.hasSuffix(" · " + name) { hits[i].detail.removeLast(name.count + 3) }
        }
        return SearchGroup(kind: kind, total: total, hits: hits)
    }

    private static func clip(_ s: String, _ n: Int = 40) -> String {
        let one = s.split(whereSeparator: \.isNewline).joined(separator: " ")
        return one.count > n ? String(one.prefix(n)) + "…" : one
    }
}
