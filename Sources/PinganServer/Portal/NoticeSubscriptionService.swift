import Fluent
import SQLKit
import Vapor
import PinganKit

/// Residents subscribe to their community's public notices (公告订阅, issue 19 §3: 「在特定区域…向特定对象开放推送」):
/// a public form, a confirmation through the residents' outbox (nothing is sent to an address before its owner
/// confirms), one message per new notice to every active subscriber the notice reaches, and an unsubscribe link in
/// every message. Staff see the subscriptions of their area (masked) and can cancel one at a resident's request.
enum NoticeSubscriptions {
    struct Input: Content {
        var communityID: String?; var phone: String?; var email: String?; var audience: String?; var consent: String?
        var website: String?; var ts: String?
        init() {}
        init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: AnyKey.self)
            communityID = c.loose(AnyKey("communityID")); phone = c.loose(AnyKey("phone")); email = c.loose(AnyKey("email"))
            audience = c.loose(AnyKey("audience")); consent = c.loose(AnyKey("consent")); website = c.loose(AnyKey("website")); ts = c.loose(AnyKey("_ts"))
        }
    }

    /// The channels a resident may subscribe by: configured ones, and only when the deployment's public address is
    /// known (every message carries links back to it: confirm, read, unsubscribe).
    static func channels(_ app: Application) -> [OutboxChannel] {
        guard app.pingan.publicURL != nil else { return [] }
        return [.sms, .email].filter { app.pingan.notify.isConfigured($0) }
    }

    static func link(_ app: Application, _ s: NoticeSubscription) -> String { (app.pingan.publicURL ?? "") + "/public/subscriptions/" + s.token }

    /// Validates, then for each address given creates (or renews) a pending subscription and queues its confirmation.
    /// An address already subscribed is sent its link again, so the answer never tells whether a number is on the list.
    static func subscribe(_ req: Request, _ input: Input, checkForm: Bool) async throws -> (community: Division, addresses: [String]) {
        try PortalService.checkSize(req)
        if checkForm { try await PortalService.guardForm(req, honeypot: input.website, stamp: input.ts, entity: "notice_subscription") }
        let L = req.lang, app = req.application
        let open = channels(app)
        guard !open.isEmpty else {
            throw Abort(.conflict, reason: L.t("本区暂未开通公告订阅。", "Notice subscriptions are not available here yet."))
        }
        var e = FieldErrors()
        var community: Division? = nil
        if let raw = input.communityID?.nilIfEmpty {
            // unscoped: the public portal picks any community by id
            if let id = Int(raw), let d = try await Division.find(id, on: req.db), d.level == .community { community = d }
            else { e["communityID"] = L.t("没有这个社区", "No such community") }
        } else { e["communityID"] = L.t("请选择所在社区", "Choose your community") }
        var phone: String? = nil, email: String? = nil
        if let raw = input.phone?.nilIfEmpty {
            if !open.contains(.sms) { e["phone"] = L.t("本区暂未开通短信订阅，请填写电子邮箱", "SMS is not available here; give an e-mail address") }
            else if let p = PortalPhone.normalize(raw) { phone = p } else { e["phone"] = L.t("请填写11位手机号码", "Enter an 11-digit mobile number") }
        }
        if let raw = input.email?.nilIfEmpty {
            if !open.contains(.email) { e["email"] = L.t("本区暂未开通邮件订阅，请填写手机号码", "E-mail is not available here; give a mobile number") }
            else if let m = EmailAddress.normalize(raw) { email = m } else { e["email"] = L.t("电子邮箱格式不对，例如 zhang@example.com", "Enter an e-mail address like zhang@example.com") }
        }
        if input.phone?.nilIfEmpty == nil && input.email?.nilIfEmpty == nil {
            e[open.contains(.sms) ? "phone" : "email"] = L.t("请填写接收公告的手机号码或电子邮箱", "Give a mobile number or an e-mail address to receive the notices")
        }
        let audience = input.audience?.nilIfEmpty.map { NoticeAudience(rawValue: $0) } ?? .all
        if audience == nil { e["audience"] = L.t("请选择要接收的公告", "Choose which notices") }
        if !DisputeInput.flag(input.consent) {
            e["consent"] = L.t("请勾选同意：订阅后我们会按您留下的地址发送本社区公告", "Tick to agree that we send this community's notices to the address you gave")
        }
        guard e.isEmpty, let community, let audience else { throw e }
        let cipher = req.cipher
        try app.portalGuard.check(req, phoneKey: phone.map { cipher.blindIndex($0, field: "portal_phone") })

        let targets: [(OutboxChannel, String)] = [(.sms, phone), (.email, email)].compactMap { c, a in a.map { (c, $0) } }
        var masked: [String] = []
        try await req.db.transaction { db in
            for (channel, address) in targets {
                let index = cipher.blindIndex(address, field: "notice_subscription")
                // unscoped: a resident subscribing finds their own earlier subscription by its blind index
                let existing = try await NoticeSubscription.query(on: db).filter(\.$communityID == community.id!)
                    .filter(\.$channel == channel).filter(\.$addressIndex == index).first()
                let s = existing ?? NoticeSubscription()
                if existing == nil {
                    s.communityID = community.id!; s.channel = channel; s.addressSealed = try cipher.seal(address); s.addressIndex = index
                    s.addressMasked = channel == .sms ? PhoneNumber.masked(address) : EmailAddress.masked(address)
                    s.createdAt = Date(); s.status = .pending; s.token = Tokens.random(bytes: 16)
                }
                if s.status != .active {
                    if s.status == .cancelled { s.token = Tokens.random(bytes: 16); s.cancelledAt = nil; s.cancelledBy = nil }
                    s.status = .pending; s.audience = audience; s.lang = L.isEnglish ? "en" : "zh"
                }
                try await s.save(on: db)
                try await queueConfirmation(app, s, community: community, address: address, on: db)
                await req.audit("subscription.create", entity: "notice_subscription", id: "\(s.id!)", detail: "\(channel.rawValue) community=\(community.code)", on: db)
                masked.append(s.addressMasked)
            }
        }
        return (community, masked)
    }

    private static func queueConfirmation(_ app: Application, _ s: NoticeSubscription, community: Division, address: String, on db: any Database) async throws {
        let words = NoticeSubscriptionMessage(community: community.name, english: s.lang == "en")
        let link = link(app, s)
        let m = message(app, s, event: .confirm, subject: words.confirmSubject(),
                        body: s.channel == .sms ? words.confirmSMS(link: link) : words.confirmEmail(link: link))
        try await m.create(on: db)
    }

    private static func message(_ app: Application, _ s: NoticeSubscription, event: ResidentNoticeEvent, subject: String, body: String, noticeID: Int? = nil) -> OutboxMessage {
        let m = OutboxMessage(), now = Date(), on = app.pingan.notify.isConfigured(s.channel)
        m.channel = s.channel; m.recipientSealed = s.addressSealed; m.recipientMasked = s.addressMasked
        m.subject = String(subject.prefix(200)); m.body = body
        m.status = on ? .pending : .skipped
        m.lastError = on ? "" : (s.channel == .sms ? "PINGAN_SMS_URL" : "PINGAN_SMTP_HOST") + " not set"
        m.attempts = 0; m.nextAttemptAt = now; m.createdAt = now
        m.requestID = nil; m.noticeID = noticeID; m.subscriptionID = s.id; m.communityID = s.communityID; m.event = event
        return m
    }

    /// By the secret of its links (22 characters); anything else is 404.
    static func byToken(_ db: any Database, _ token: String?) async throws -> NoticeSubscription {
        // unscoped: the resident opens their own subscription by its secret link
        guard let token, token.count == 22, let s = try await NoticeSubscription.query(on: db).filter(\.$token == token).first() else { throw Abort(.notFound) }
        return s
    }

    /// The resident confirms (pending → active); confirming again changes nothing.
    static func confirm(_ req: Request, _ s: NoticeSubscription) async throws {
        guard s.status != .active else { return }
        guard s.status == .pending else {
            throw Abort(.conflict, reason: req.t("这个订阅已退订，请重新订阅。", "This subscription was cancelled; subscribe again."))
        }
        s.status = .active; s.confirmedAt = Date()
        try await req.db.transaction { db in
            try await s.save(on: db)
            await req.audit("subscription.confirm", entity: "notice_subscription", id: "\(s.id!)", on: db)
        }
    }

    /// Cancels (退订): by the resident's link or by staff at their request. Messages not yet sent to it are dropped.
    static func cancel(_ req: Request, _ s: NoticeSubscription, byStaff: Bool) async throws {
        guard s.status != .cancelled else { return }
        s.status = .cancelled; s.cancelledAt = Date(); s.cancelledBy = byStaff ? "staff" : "resident"
        try await req.db.transaction { db in
            try await s.save(on: db)
            try await dropUnsent(db, subscriptionID: s.id!, reason: "unsubscribed")
            await req.audit("subscription.cancel", entity: "notice_subscription", id: "\(s.id!)", detail: "by=\(s.cancelledBy!)", on: db)
        }
    }

    /// Unsent messages that no longer should go (the notice withdrawn, the subscription cancelled): kept, marked
    /// failed with the reason, so the outbox still shows them.
    static func dropUnsent(_ db: any Database, noticeID: Int? = nil, subscriptionID: Int? = nil, reason: String) async throws {
        // unscoped: the messages of a notice or subscription the caller already holds
        let q = OutboxMessage.query(on: db).filter(\.$status ~~ [.pending, .skipped])
        if let noticeID { q.filter(\.$noticeID == noticeID) }
        if let subscriptionID { q.filter(\.$subscriptionID == subscriptionID) }
        guard noticeID != nil || subscriptionID != nil else { return }
        try await q.set(\.$status, to: .failed).set(\.$lastError, to: reason).update()
    }

    /// The communities a notice reaches: its own, every community of its street, or every community of its district.
    static func communities(of division: Division, on db: any Database) async throws -> [Int] {
        switch division.level {
        case .community: return [division.id!]
        case .street: return try await Division.query(on: db).filter(\.$parentID == division.id!).filter(\.$level == .community).all(\.$id)
        default:
            let streets = try await Division.query(on: db).filter(\.$parentID == division.id!).all(\.$id)
            guard !streets.isEmpty else { return [] }
            return try await Division.query(on: db).filter(\.$parentID ~~ streets).filter(\.$level == .community).all(\.$id)
        }
    }

    /// On publishing: one message to every active subscriber the notice reaches (area and audience), written on the
    /// publication's own transaction. Returns how many.
    @discardableResult
    static func enqueue(_ app: Application, _ n: PortalNotice, area: Division, on db: any Database) async throws -> Int {
        let reached = try await communities(of: area, on: db)
        guard !reached.isEmpty else { return 0 }
        // unscoped: a notice goes to every subscriber of the area it was published to, which the publisher's scope allowed
        let subs = try await NoticeSubscription.query(on: db).filter(\.$communityID ~~ reached).filter(\.$status == .active).sort(\.$id).all()
            .filter { NoticeSubscriptionRules.reaches(interest: $0.audience, notice: n.audience) }
        guard !subs.isEmpty else { return 0 }
        let names = try await DivisionLookup.names(Array(Set(subs.map(\.communityID))), on: db)
        let read = app.pingan.publicURL.map { $0 + "/public/notices/\(n.id!)" }
        var batch: [OutboxMessage] = []
        for s in subs {
            let english = s.lang == "en"
            let words = NoticeSubscriptionMessage(community: names[s.communityID] ?? "", english: english)
            let kind = english ? n.kind.nameEn : n.kind.nameZh
            let unsubscribe = link(app, s)
            let body = s.channel == .sms
                ? words.noticeSMS(area: area.name, kind: kind, title: n.title, body: n.body, link: read, unsubscribe: unsubscribe)
                : words.noticeEmail(area: area.name, kind: kind, title: n.title, body: n.body, eventAt: n.eventAt, link: read, unsubscribe: unsubscribe)
            batch.append(message(app, s, event: .notice, subject: words.noticeSubject(area: area.name, title: n.title), body: body, noticeID: n.id))
        }
        for chunk in stride(from: 0, to: batch.count, by: 200) { try await Array(batch[chunk..<min(chunk + 200, batch.count)]).create(on: db) }
        return batch.count
    }

    /// How far each notice went: messages written and sent, by notice.
    static func reach(_ db: any Database, notices: [Int]) async throws -> [Int: (queued: Int, sent: Int)] {
        guard !notices.isEmpty, let sql = db as? any SQLDatabase else { return [:] }
        struct Row: Decodable { var notice_id: Int; var n: Int; var sent: Int }
        let sent = "SUM(CASE WHEN status = 'sent' THEN 1 ELSE 0 END)"
        // unscoped: counts for notices the caller already scoped
        let rows = try await sql.raw("SELECT notice_id, COUNT(*) AS n, \(unsafeRaw: sent) AS sent FROM outbox_messages WHERE event = 'notice' AND notice_id IN (\(binds: notices)) GROUP BY notice_id")
            .all(decoding: Row.self)
        return Dictionary(uniqueKeysWithValues: rows.map { ($0.notice_id, ($0.n, $0.sent)) })
    }

    // MARK: staff

    struct Filter { var community: Int?; var status: NoticeSubscriptionStatus? }

    static func filter(_ req: Request) throws -> Filter {
        var f = Filter(community: req.query[Int.self, at: "community"])
        if let raw = req.query[String.self, at: "status"]?.nilIfEmpty {
            guard let s = NoticeSubscriptionStatus(rawValue: raw) else {
                throw FieldErrors(["status": req.t("状态应为 pending、active 或 cancelled", "Use pending, active or cancelled")])
            }
            f.status = s
        }
        return f
    }

    static func list(_ req: Request, _ f: Filter, _ p: PinganKit.PageRequest) async throws -> ([NoticeSubscription], PageInfo) {
        try req.require(.viewPortal)
        let q = try await req.scoped(NoticeSubscription.self)
        if let c = f.community { q.filter(\.$communityID == c) }
        if let s = f.status { q.filter(\.$status == s) }
        let total = try await q.count()
        let rows = try await q.sort(\.$id, .descending).range(p.offset..<(p.offset + p.per)).all()
        return (rows, p.info(total: total))
    }

    /// Active subscribers per community in the user's area, for the notices page.
    static func activeCounts(_ req: Request) async throws -> [Int: Int] {
        let rows = try await req.scoped(NoticeSubscription.self).filter(\.$status == .active).all(\.$communityID)
        return rows.reduce(into: [:]) { $0[$1, default: 0] += 1 }
    }
}
