import Fluent
import SQLKit
import Vapor
import PinganKit

/// Pushes to the forces listed with teams who have no account (联防队员, 平安志愿者, 治安信息员 …): whom a push reaches,
/// their copies, and the link each gets by SMS to confirm it.
extension MessageService {
    /// A member a push is for, with the number the SMS would go to: their own, else their registry person's.
    struct MemberTarget {
        var member: TeamMember
        var phoneSealed: String?
        var phoneMasked: String
    }

    /// The active members of the chosen kinds in the area, inside the sender's scope; those without a number are kept
    /// (the sender is shown whom the push could not reach).
    static func memberTargets(_ req: Request, area: Division, kinds: Set<PersonnelKind>, reach: Reach) async throws -> [MemberTarget] {
        guard !kinds.isEmpty else { return [] }
        let communities = reach.areas.filter { $0.level == .community && ($0.code == area.code || DivisionCode.isPrefix(area.code, of: $0.code)) }
        let codes = Dictionary(uniqueKeysWithValues: communities.compactMap { d in d.id.map { ($0, d.code) } })
        guard !codes.isEmpty else { return [] }
        let members = try await req.scoped(TeamMember.self).filter(\.$communityID ~~ Array(codes.keys)).filter(\.$kind ~~ Array(kinds)).all()
        let targets = try await withPhones(req.db, members)
        let candidates = targets.map { t in
            PushMembers.Candidate(id: t.member.id!, kind: t.member.kind, communityCode: codes[t.member.communityID] ?? "",
                                  active: t.member.status == .active, hasPhone: t.phoneSealed != nil)
        }
        let chosen = PushMembers.recipients(candidates, areaCode: area.code, kinds: kinds)
        let ids = Set(chosen.reachable + chosen.withoutPhone)
        return targets.filter { ids.contains($0.member.id!) }
    }

    /// Each member with the number an SMS would go to: their own, else their registry person's.
    static func withPhones(_ db: any Database, _ members: [TeamMember]) async throws -> [MemberTarget] {
        let linked = members.filter { $0.phoneSealed == nil }.compactMap(\.personID)
        var registry: [Int: (sealed: String, masked: String)] = [:]
        if !linked.isEmpty {
            // unscoped: the numbers of residents these members were linked to (in scope when linked); sealed, never shown
            for p in try await Person.query(on: db).filter(\.$id ~~ linked).all() {
                if let id = p.id, let s = p.phoneSealed { registry[id] = (s, p.phoneMasked ?? "") }
            }
        }
        return members.map { m -> MemberTarget in
            if let s = m.phoneSealed { return MemberTarget(member: m, phoneSealed: s, phoneMasked: m.phoneMasked ?? "") }
            let p = m.personID.flatMap { registry[$0] }
            return MemberTarget(member: m, phoneSealed: p?.sealed, phoneMasked: p?.masked ?? "")
        }
    }

    /// A notice by SMS to named members, written on the caller's transaction with the change it reports (a started
    /// emergency plan tells its response teams' members who have no account). Found again by its idempotency key.
    /// Nothing is written when none of them has a number.
    static func noticeToMembers(_ req: Request, on db: any Database, areaID: Int, title: String, body: String, memberIDs: [Int], key: String) async throws -> PushMessage? {
        guard !memberIDs.isEmpty else { return nil }
        let me = try req.user, now = Date()
        // unscoped: the members were put on the caller's response team by someone of its area; only their ids are used
        let members = try await TeamMember.query(on: db).filter(\.$id ~~ memberIDs).filter(\.$status == .active).sort(\.$id).all()
        let targets = try await withPhones(db, members)
        let reachable = targets.filter { $0.phoneSealed != nil }.count
        guard reachable > 0 else { return nil }
        let m = PushMessage()
        m.kind = .notice; m.title = String(title.prefix(PushRules.titleLength.upperBound)); m.body = String(body.prefix(PushRules.bodyLength.upperBound))
        m.senderID = me.id!; m.senderName = me.displayName; m.areaDivisionID = areaID
        m.audience = encode(PushAudience(memberKinds: Set(members.map(\.kind))), areaID: areaID)
        m.sentAt = now; m.recipientCount = reachable; m.reminders = 0; m.idempotencyKey = key
        try await m.create(on: db)
        let copies = memberReceipts(m, targets, smsOn: req.config.notify.sms != nil, now: now)
        for chunk in stride(from: 0, to: copies.count, by: 500) { try await Array(copies[chunk..<min(chunk + 500, copies.count)]).create(on: db) }
        await req.audit("push.send", entity: "push_message", id: m.id.map(String.init), detail: "notice recipients=0 members=\(copies.count) \(m.audience)", on: db)
        return m
    }

    /// The receipt link's secret: 16 random bytes, URL-safe (22 characters, short enough for an SMS).
    static func newReceiptToken() -> String { Tokens.random(bytes: 16) }

    /// One copy per member, written with the push. Queued for the SMS sender when a gateway is configured.
    static func memberReceipts(_ m: PushMessage, _ targets: [MemberTarget], smsOn: Bool, now: Date) -> [PushMemberReceipt] {
        targets.map { t in
            let r = PushMemberReceipt()
            r.messageID = m.id!; r.memberID = t.member.id!; r.communityID = t.member.communityID
            r.memberName = t.member.name; r.memberKind = t.member.kind
            r.phoneSealed = t.phoneSealed; r.phoneMasked = t.phoneSealed == nil ? "" : t.phoneMasked
            r.token = newReceiptToken()
            r.smsStatus = t.phoneSealed == nil ? .noPhone : (smsOn ? .pending : .skipped)
            r.smsAttempts = 0; r.smsNextAt = now; r.smsError = smsOn || t.phoneSealed == nil ? "" : "PINGAN_SMS_URL not set"
            r.doneNote = ""
            return r
        }
    }

    /// A push's member copies, in the order they were written.
    static func memberRows(_ db: any Database, _ m: PushMessage) async throws -> [PushMemberReceipt] {
        try await PushMemberReceipt.query(on: db).filter(\.$messageID == m.id!).sort(\.$id).all()
    }

    /// Where a member's copy stands; a member without a number has no state (nil).
    static func state(_ m: PushMessage, _ r: PushMemberReceipt, now: Date = Date()) -> PushReceiptState? {
        r.reachable ? .of(kind: m.kind, readAt: r.readAt, doneAt: r.doneAt, dueAt: m.dueAt, now: now) : nil
    }

    /// Read and done counts of accounts and reachable members together.
    static func progress(_ m: PushMessage, users: [PushReceipt], members: [PushMemberReceipt], now: Date = Date()) -> PushProgress {
        PushProgress(kind: m.kind, receipts: users.map { ($0.readAt, $0.doneAt) } + members.filter(\.reachable).map { ($0.readAt, $0.doneAt) },
                     dueAt: m.dueAt, now: now)
    }

    /// Members still to read (a notice) or to finish (a task) get the SMS again, marked as a reminder.
    static func remindMembers(_ m: PushMessage, _ rows: [PushMemberReceipt], smsOn: Bool, now: Date, on db: any Database) async throws -> Int {
        let pending = rows.filter { $0.reachable && (m.kind == .task ? $0.doneAt == nil : $0.readAt == nil) }
        for r in pending {
            r.remindedAt = now; r.smsStatus = smsOn ? .pending : .skipped; r.smsAttempts = 0; r.smsNextAt = now
            r.smsError = smsOn ? "" : "PINGAN_SMS_URL not set"
            try await r.save(on: db)
        }
        return pending.count
    }

    // MARK: the member's side: the receipt link

    /// The copy behind a receipt link, or 404.
    static func byToken(_ db: any Database, _ token: String?) async throws -> (PushMessage, PushMemberReceipt) {
        guard let token, token.count == 22,
              let r = try await PushMemberReceipt.query(on: db).filter(\.$token == token).first(), r.reachable,
              let m = try await PushMessage.find(r.messageID, on: db) else { throw Abort(.notFound) }
        return (m, r)
    }

    /// The member confirms: a notice is read; a task is read and, with `done`, reported done (once; a note ≤ 500).
    static func confirm(_ req: Request, _ m: PushMessage, _ r: PushMemberReceipt, done: Bool, note: String?) async throws {
        let L = req.lang
        let text = (note ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        guard text.count <= 500 else { throw FieldErrors(["note": L.t("办理情况不超过500字", "At most 500 characters")]) }
        if done, m.kind != .task { throw FieldErrors(["note": L.t("通知无需办结，确认收到即可", "A notice needs no completion")]) }
        let now = Date()
        var changed: [String] = []
        if r.readAt == nil { r.readAt = now; changed.append("read") }
        if done, r.doneAt == nil { r.doneAt = now; r.doneNote = text; changed.append("done") }
        guard !changed.isEmpty else { return }
        try await req.db.transaction { db in
            try await r.save(on: db)
            await req.audit("push.member." + (changed.contains("done") ? "done" : "read"), entity: "push_message", id: "\(m.id!)",
                            detail: "member=\(r.memberID)" + (text.isEmpty || !changed.contains("done") ? "" : " note=\(text.prefix(80))"), on: db)
        }
    }
}

/// Sends the members' SMS that are due, as the residents' outbox does: claimed before sending (two servers never send
/// one twice), retried on the same schedule, given up on a permanent refusal.
enum PushSMS {
    static func sendDue(_ app: Application, now: Date = Date(), limit: Int = 50) async throws -> Outbox.RunResult {
        let db = app.db
        // unscoped: the sender works the whole queue, as the system; nothing is shown to a user
        let due = try await PushMemberReceipt.query(on: db).filter(\.$smsStatus == .pending).filter(\.$smsNextAt <= now)
            .sort(\.$smsNextAt).sort(\.$id).limit(limit).all()
        guard !due.isEmpty else { return .init() }
        let messages = Dictionary(uniqueKeysWithValues: try await PushMessage.query(on: db).filter(\.$id ~~ Set(due.map(\.messageID))).all().map { ($0.id!, $0) })
        let cal = LocalCalendar(timeZoneIdentifier: app.pingan.timeZone)
        let cipher = FieldCipher(secret: app.pingan.secretKey)
        var result = Outbox.RunResult()
        for r in due {
            guard let m = messages[r.messageID], let sealed = r.phoneSealed, try await claim(db, r, until: now.addingTimeInterval(600)) else { continue }
            let text = PushMembers.sms(kind: m.kind, title: m.title, body: m.body, due: m.dueAt.map(cal.formatDateTime),
                                       link: app.pingan.publicURL.map { $0 + "/public/push/" + r.token }, reminder: r.remindedAt != nil)
            let outcome: Result<String, SMTPClient.Failure>
            if let phone = try? cipher.open(sealed) { outcome = await Outbox.postSMS(app, to: phone, text: text) }
            else { outcome = .failure(SMTPClient.Failure(permanent: true, description: "the number cannot be opened with the current key")) }
            r.smsAttempts += 1
            switch outcome {
            case .success:
                r.smsStatus = .sent; r.smsSentAt = Date(); r.smsError = ""; result.sent += 1
            case .failure(let f):
                if let next = OutboxRetry.next(after: r.smsAttempts, failedAt: Date(), permanent: f.permanent) { r.smsNextAt = next; result.retrying += 1 }
                else { r.smsStatus = .failed; result.failed += 1 }
                r.smsError = String(f.description.prefix(300))
            }
            try await r.save(on: db)
        }
        return result
    }

    /// Moves the copy's next attempt past the lease, only if nobody else did since it was read.
    private static func claim(_ db: any Database, _ r: PushMemberReceipt, until: Date) async throws -> Bool {
        guard let sql = db as? any SQLDatabase else { return true }
        let rows = try await sql.raw("""
            UPDATE push_member_receipts SET sms_next_at = \(bind: until)
            WHERE id = \(bind: r.id!) AND sms_status = 'pending' AND sms_attempts = \(bind: r.smsAttempts) RETURNING id
            """).all()
        if !rows.isEmpty { r.smsNextAt = until }
        return !rows.isEmpty
    }
}

/// Sends the members' SMS every `NotifyChannels.interval` seconds while the server runs (only with an SMS gateway).
public final class PushSMSTimer: RepeatingTimer, @unchecked Sendable {
    public init() {
        super.init(name: "push-sms", interval: { .seconds($0.pingan.notify.interval) }) { app in
            let r = try await PushSMS.sendDue(app)
            if r != Outbox.RunResult() { app.logger.info("push sms", metadata: ["sent": "\(r.sent)", "retrying": "\(r.retrying)", "failed": "\(r.failed)"]) }
        }
    }
    override func isEnabled(_ app: Application) -> Bool { app.pingan.notify.sms != nil }
}

/// `pingan outbox send` also flushes the members' SMS.
public enum PushSMSCLI {
    public static func send(app: Application) async throws -> String {
        let r = try await PushSMS.sendDue(app, limit: 1000)
        return "Push SMS: sent \(r.sent), will retry \(r.retrying), failed \(r.failed)."
    }
}
