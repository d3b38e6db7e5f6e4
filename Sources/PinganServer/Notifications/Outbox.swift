import Fluent
import SQLKit
import Vapor
import PinganKit

/// Residents' notices: written with the change they report, sent afterwards with retries, one log line per attempt.
enum Outbox {
    /// The notices a change of a request earns (`ResidentNoticeEvent.of`), one per address the resident left, written
    /// on the change's own transaction. Nothing without the resident's consent; "not sent" when the channel is off.
    static func enqueue(_ app: Application, _ r: PortalRequest, from: PortalStatus, to: PortalStatus, publicReply: String, on db: any Database) async throws {
        guard r.notifyConsent, let id = r.id,
              let event = ResidentNoticeEvent.of(from: from, to: to, publicReply: !publicReply.isEmpty) else { return }
        let targets: [(OutboxChannel, String)] = [(.sms, r.phoneSealed), (.email, r.emailSealed)].compactMap { c, s in s.map { (c, $0) } }
        guard !targets.isEmpty else { return }
        let english = r.notifyLang == "en"
        let type = try await PortalRequestType.query(on: db).filter(\.$code == r.typeCode).first()
        let notice = ResidentNotice(event: event, number: r.number, typeName: type.map { english ? $0.nameEn : $0.nameZh } ?? r.typeCode,
                                    statusName: english ? to.nameEn : to.nameZh, reply: publicReply,
                                    link: app.pingan.publicURL.map { $0 + "/public/track/" + r.token }, english: english)
        let cipher = FieldCipher(secret: app.pingan.secretKey)
        let now = Date()
        for (channel, sealed) in targets {
            let address = try cipher.open(sealed)
            let m = OutboxMessage()
            m.channel = channel; m.recipientSealed = sealed
            m.recipientMasked = channel == .sms ? PhoneNumber.masked(address) : EmailAddress.masked(address)
            m.subject = notice.subject; m.body = channel == .sms ? notice.sms() : notice.email()
            let on = app.pingan.notify.isConfigured(channel)
            m.status = on ? .pending : .skipped
            m.lastError = on ? "" : (channel == .sms ? "PINGAN_SMS_URL" : "PINGAN_SMTP_HOST") + " not set"
            m.attempts = 0; m.nextAttemptAt = now; m.createdAt = now
            m.requestID = id; m.communityID = r.communityID; m.event = event
            try await m.create(on: db)
        }
    }

    struct RunResult: Equatable { var sent = 0, retrying = 0, failed = 0 }

    /// Sends what is due (oldest first, at most `limit`). Each message is claimed before it is sent, so two servers
    /// (or the timer and `pingan outbox send`) never send the same message twice.
    static func sendDue(_ app: Application, now: Date = Date(), limit: Int = 50) async throws -> RunResult {
        let db = app.db
        // unscoped: the sender works for the whole outbox, as the system; nothing is shown to a user
        let due = try await OutboxMessage.query(on: db).filter(\.$status == .pending).filter(\.$nextAttemptAt <= now)
            .sort(\.$nextAttemptAt).sort(\.$id).limit(limit).all()
        var result = RunResult()
        for m in due {
            guard try await claim(db, m, until: now.addingTimeInterval(600)) else { continue }
            let outcome = await deliver(app, m)
            let at = Date()
            let attempts = m.attempts + 1
            m.attempts = attempts
            switch outcome {
            case .success(let detail):
                m.status = .sent; m.sentAt = at; m.lastError = ""; result.sent += 1
                try await record(db, m, OutboxAttempt(messageID: m.id!, at: at, ok: true, detail: detail))
            case .failure(let f):
                if let next = OutboxRetry.next(after: attempts, failedAt: at, permanent: f.permanent) {
                    m.nextAttemptAt = next; result.retrying += 1
                } else { m.status = .failed; result.failed += 1 }
                m.lastError = String(f.description.prefix(300))
                try await record(db, m, OutboxAttempt(messageID: m.id!, at: at, ok: false, detail: f.description))
            }
        }
        return result
    }

    private static func record(_ db: any Database, _ m: OutboxMessage, _ attempt: OutboxAttempt) async throws {
        try await db.transaction { tx in
            try await m.save(on: tx)
            try await attempt.create(on: tx)
        }
    }

    /// Moves the message's next attempt past the lease, only if nobody else did since it was read (its attempt count
    /// and status are the version).
    private static func claim(_ db: any Database, _ m: OutboxMessage, until: Date) async throws -> Bool {
        guard let sql = db as? any SQLDatabase else { return true }
        let rows = try await sql.raw("""
            UPDATE outbox_messages SET next_attempt_at = \(bind: until)
            WHERE id = \(bind: m.id!) AND status = 'pending' AND attempts = \(bind: m.attempts) RETURNING id
            """).all()
        if !rows.isEmpty { m.nextAttemptAt = until }
        return !rows.isEmpty
    }

    private static func deliver(_ app: Application, _ m: OutboxMessage) async -> Result<String, SMTPClient.Failure> {
        let config = app.pingan.notify
        let address: String
        do { address = try FieldCipher(secret: app.pingan.secretKey).open(m.recipientSealed) } catch {
            return .failure(SMTPClient.Failure(permanent: true, description: "the address cannot be opened with the current key"))
        }
        switch m.channel {
        case .email:
            guard let smtp = config.smtp else { return .failure(SMTPClient.Failure(permanent: false, description: "PINGAN_SMTP_HOST not set")) }
            let mail = MailMessage(from: smtp.from, to: address, subject: m.subject, body: m.body, date: Date(),
                                   messageID: "outbox-\(m.id!)-\(m.attempts + 1).\(Int(Date().timeIntervalSince1970))@\(smtp.helo)")
            do { return .success(try await SMTPClient.send(mail, via: smtp, group: app.eventLoopGroup)) }
            catch let f as SMTPClient.Failure { return .failure(f) }
            catch { return .failure(SMTPClient.Failure(permanent: false, description: "\(error)")) }
        case .sms:
            return await postSMS(app, to: address, text: m.body)
        }
    }

    /// One SMS through the configured gateway (a JSON POST of `to` and `text`): 2xx is sent; 429 and 5xx are worth
    /// retrying, any other answer is not. Staff pushes to members without accounts go the same way.
    static func postSMS(_ app: Application, to address: String, text: String) async -> Result<String, SMTPClient.Failure> {
        guard let sms = app.pingan.notify.sms else { return .failure(SMTPClient.Failure(permanent: false, description: "PINGAN_SMS_URL not set")) }
        do {
            var headers = HTTPHeaders()
            if let token = sms.token { headers.bearerAuthorization = BearerAuthorization(token: token) }
            var request = ClientRequest(method: .POST, url: URI(string: sms.url), headers: headers, body: nil, timeout: .seconds(Int64(sms.timeout)))
            try request.content.encode(["to": address, "text": text], as: .json)
            let res = try await app.client.send(request)
            let code = Int(res.status.code)
            if (200..<300).contains(code) { return .success("HTTP \(code)") }
            return .failure(SMTPClient.Failure(permanent: code != 429 && code < 500, description: "HTTP \(code)"))
        } catch { return .failure(SMTPClient.Failure(permanent: false, description: "\(error)")) }
    }

    /// Staff put a failed message back in the queue (after fixing the gateway, say): its next attempt is now.
    static func retry(_ req: Request, _ m: OutboxMessage) async throws {
        guard m.status == .failed || m.status == .skipped else {
            throw Abort(.conflict, reason: req.t("只有发送失败或未发送的通知可以重发", "Only a failed or unsent notice can be sent again"))
        }
        guard req.config.notify.isConfigured(m.channel) else {
            throw Abort(.conflict, reason: req.t("\(m.channel.nameZh)通道未配置，无法发送", "The \(m.channel.nameEn) channel is not configured"))
        }
        let before = m.status
        m.status = .pending; m.nextAttemptAt = Date(); m.attempts = 0
        try await req.db.transaction { db in
            try await m.save(on: db)
            await req.audit("outbox.retry", entity: "outbox_message", id: m.id.map(String.init), detail: "\(before.rawValue)→pending", on: db)
        }
    }
}

/// Sends due notices every `NotifyChannels.interval` seconds while the server runs (only when a channel is configured).
public final class OutboxTimer: RepeatingTimer, @unchecked Sendable {
    public init() {
        super.init(name: "outbox", interval: { .seconds($0.pingan.notify.interval) }) { app in
            let r = try await Outbox.sendDue(app)
            if r != Outbox.RunResult() { app.logger.info("outbox", metadata: ["sent": "\(r.sent)", "retrying": "\(r.retrying)", "failed": "\(r.failed)"]) }
        }
    }
    override func isEnabled(_ app: Application) -> Bool { app.pingan.notify.smtp != nil || app.pingan.notify.sms != nil }
}

/// `pingan outbox send`: one pass, for a scheduler or to flush the queue by hand.
public enum OutboxCLI {
    public static func send(app: Application) async throws -> String {
        let r = try await Outbox.sendDue(app, limit: 1000)
        return "Sent \(r.sent), will retry \(r.retrying), failed \(r.failed)."
    }
}
