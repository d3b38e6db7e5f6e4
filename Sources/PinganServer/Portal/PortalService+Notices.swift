import Fluent
import SQLKit
import Vapor
import PinganKit

/// Notices published to residents (社区公告): checked, published, edited, withdrawn, listed.
extension PortalService {
    struct NoticeInput: Content {
        var kind: String?; var title: String?; var body: String?; var divisionID: String?; var audience: String?; var eventAt: String?
        init() {}
        init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: AnyKey.self)
            kind = c.loose(AnyKey("kind")); title = c.loose(AnyKey("title")); body = c.loose(AnyKey("body"))
            divisionID = c.loose(AnyKey("divisionID")); audience = c.loose(AnyKey("audience")); eventAt = c.loose(AnyKey("eventAt"))
        }
    }

    struct CheckedNotice { var kind: NoticeKind; var audience: NoticeAudience; var title: String; var body: String; var eventAt: String?; var division: Division }

    static func checkNotice(_ req: Request, _ input: NoticeInput) async throws -> CheckedNotice {
        let L = req.lang
        var e = FieldErrors()
        let kind = input.kind?.nilIfEmpty.flatMap(NoticeKind.init(rawValue:))
        if kind == nil { e["kind"] = L.t("请选择类别", "Choose a kind") }
        let audience = input.audience?.nilIfEmpty.map { NoticeAudience(rawValue: $0) } ?? .all
        if audience == nil { e["audience"] = L.t("对象无效", "Unknown audience") }
        let title = (input.title ?? "").trimmed, body = (input.body ?? "").trimmed
        if title.isEmpty { e["title"] = L.t("请填写标题", "Enter a title") } else if title.count > 100 { e["title"] = L.t("不能超过100字", "At most 100 characters") }
        if body.isEmpty { e["body"] = L.t("请填写内容", "Enter the text") } else if body.count > 5000 { e["body"] = L.t("不能超过5000字", "At most 5000 characters") }
        let eventAt = input.eventAt?.nilIfEmpty
        if let ev = eventAt, ev.count > 40 { e["eventAt"] = L.t("不能超过40字", "At most 40 characters") }
        var division: Division? = nil
        if let raw = input.divisionID?.nilIfEmpty, let id = Int(raw), let d = try await Division.find(id, on: req.db),
           [.district, .street, .community].contains(d.level), try await req.scope().allows(division: d) { division = d }
        else { e["divisionID"] = L.t("请选择发布范围（本辖区内的社区、街道或全区）", "Choose an area inside your jurisdiction") }
        guard e.isEmpty, let kind, let audience, let division else { throw e }
        return CheckedNotice(kind: kind, audience: audience, title: title, body: body, eventAt: eventAt, division: division)
    }

    static func publish(_ req: Request, _ input: NoticeInput) async throws -> PortalNotice {
        try req.require(.publishNotices)
        let c = try await checkNotice(req, input)
        let n = PortalNotice()
        n.kind = c.kind; n.title = c.title; n.body = c.body; n.divisionID = c.division.id!; n.audience = c.audience; n.eventAt = c.eventAt
        n.publishedAt = Date(); n.userID = try req.user.requireID(); n.withdrawn = false
        try await req.db.transaction { db in
            try await n.create(on: db)
            let pushed = try await NoticeSubscriptions.enqueue(req.application, n, area: c.division, on: db)
            await req.audit("notice.publish", entity: "portal_notice", id: n.id.map(String.init), detail: "\(c.kind.rawValue) division=\(c.division.code) subscribers=\(pushed)", on: db)
        }
        return n
    }

    /// A published notice in the user's jurisdiction (404 otherwise, like a missing one).
    static func scopedNotice(_ req: Request, _ id: Int?) async throws -> PortalNotice {
        guard let id, let n = try await PortalNotice.find(id, on: req.db), let d = try await Division.find(n.divisionID, on: req.db),
              try await req.scope().allows(division: d) else { throw Abort(.notFound) }
        return n
    }

    /// Corrects a public notice (更正): same rules as publishing, the publication time kept; a withdrawn
    /// notice is not edited (publish a new one). Audited with the fields changed.
    static func update(_ req: Request, _ n: PortalNotice, _ input: NoticeInput) async throws {
        try req.require(.publishNotices)
        if n.withdrawn { throw FieldErrors(["title": req.t("已撤回的公告不能修改，请重新发布", "A withdrawn notice cannot be edited; publish a new one")]) }
        let c = try await checkNotice(req, input)
        var changed: [String] = []
        if n.kind != c.kind { changed.append("kind") }; if n.title != c.title { changed.append("title") }; if n.body != c.body { changed.append("body") }
        if n.divisionID != c.division.id! { changed.append("area") }; if n.audience != c.audience { changed.append("audience") }; if n.eventAt != c.eventAt { changed.append("eventAt") }
        n.kind = c.kind; n.title = c.title; n.body = c.body; n.divisionID = c.division.id!; n.audience = c.audience; n.eventAt = c.eventAt
        try await req.db.transaction { db in
            try await n.save(on: db)
            await req.audit("notice.update", entity: "portal_notice", id: "\(n.id!)", detail: changed.joined(separator: ","), on: db)
        }
    }

    /// Notices a resident of the community sees: its own, its street's and the district's.
    static func notices(for community: Division, on db: any Database, audience: NoticeAudience? = nil, limit: Int = 50) async throws -> [PortalNotice] {
        var ids = [community.id!]
        if let street = community.parentID { ids.append(street); if let s = try await Division.find(street, on: db), let d = s.parentID { ids.append(d) } }
        let q = PortalNotice.query(on: db).filter(\.$divisionID ~~ ids).filter(\.$withdrawn == false)
        if let audience, audience != .all { q.filter(\.$audience ~~ [audience, .all]) }
        return try await q.sort(\.$publishedAt, .descending).sort(\.$id, .descending).limit(limit).all()
    }

    /// Staff list: notices published to divisions inside the user's scope.
    /// Withdraws (撤回) a notice in the user's jurisdiction: it leaves the public pages and API at once, stays in
    /// the staff list marked withdrawn, and the audit log keeps who did it and when. Withdrawing twice changes nothing.
    static func withdraw(_ req: Request, _ id: Int?) async throws -> PortalNotice {
        try req.require(.publishNotices)
        guard let id, let n = try await PortalNotice.find(id, on: req.db), let d = try await Division.find(n.divisionID, on: req.db),
              try await req.scope().allows(division: d) else { throw Abort(.notFound) }
        guard !n.withdrawn else { return n }
        n.withdrawn = true
        try await req.db.transaction { db in
            try await n.save(on: db)
            try await NoticeSubscriptions.dropUnsent(db, noticeID: id, reason: "notice withdrawn")
            await req.audit("notice.withdraw", entity: "portal_notice", id: String(id), detail: n.title, on: db)
        }
        return n
    }

    static func staffNotices(_ req: Request) async throws -> [PortalNotice] {
        let all = try await PortalNotice.query(on: req.db).sort(\.$publishedAt, .descending).limit(500).all()
        let divs = try await Division.query(on: req.db).filter(\.$id ~~ Array(Set(all.map(\.divisionID)))).all()
        let scope = try await req.scope()
        let ok = Set(divs.filter { scope.allows(division: $0) }.compactMap(\.id))
        return all.filter { ok.contains($0.divisionID) }
    }
}
