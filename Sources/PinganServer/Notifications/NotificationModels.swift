import Fluent
import SQLKit
import Vapor
import PinganKit

/// One message to a resident, written in the same transaction as the change it reports (a transactional outbox: no
/// notice for a change that rolled back, no change without its notice) and sent afterwards by `OutboxSender`.
/// The address is sealed like every other personal identifier; the mask is kept beside it for the lists.
final class OutboxMessage: Model, @unchecked Sendable {
    static let schema = "outbox_messages"
    @ID(custom: "id", generatedBy: .database) var id: Int?
    @Field(key: "channel") var channel: OutboxChannel
    @Field(key: "recipient_sealed") var recipientSealed: String
    @Field(key: "recipient_masked") var recipientMasked: String
    @Field(key: "subject") var subject: String
    @Field(key: "body") var body: String
    @Field(key: "status") var status: OutboxStatus
    @Field(key: "attempts") var attempts: Int
    @Field(key: "next_attempt_at") var nextAttemptAt: Date
    @Field(key: "last_error") var lastError: String
    @Field(key: "created_at") var createdAt: Date
    @OptionalField(key: "sent_at") var sentAt: Date?
    /// What it reports: a request's change, or a notice to a subscriber (or the subscription's confirmation); the
    /// community scopes who may see the message.
    @OptionalField(key: "request_id") var requestID: Int?
    @OptionalField(key: "notice_id") var noticeID: Int?
    @OptionalField(key: "subscription_id") var subscriptionID: Int?
    @Field(key: "community_id") var communityID: Int
    @Field(key: "event") var event: ResidentNoticeEvent
    init() {}
}

/// One try at sending: when, whether it went, and what the other side answered (an SMTP reply, an HTTP status).
final class OutboxAttempt: Model, @unchecked Sendable {
    static let schema = "outbox_attempts"
    @ID(custom: "id", generatedBy: .database) var id: Int?
    @Field(key: "message_id") var messageID: Int
    @Field(key: "at") var at: Date
    @Field(key: "ok") var ok: Bool
    @Field(key: "detail") var detail: String
    init() {}
    init(messageID: Int, at: Date, ok: Bool, detail: String) { self.messageID = messageID; self.at = at; self.ok = ok; self.detail = String(detail.prefix(500)) }
}

/// An in-app notice to a staff member about work given to them (a request in their inbox, an incident to handle, a
/// dispute to mediate, an event dispatched to their unit, an alert assigned): read in the app, never sent out.
final class StaffNotice: Model, @unchecked Sendable {
    static let schema = "staff_notices"
    @ID(custom: "id", generatedBy: .database) var id: Int?
    @Field(key: "user_id") var userID: Int
    @Field(key: "kind") var kind: StaffNoticeKind
    @Field(key: "title") var title: String
    /// A path inside the app (`/incidents/12`): opening the notice goes there, where the record's own scope applies.
    @Field(key: "link") var link: String
    @Field(key: "created_at") var createdAt: Date
    @OptionalField(key: "read_at") var readAt: Date?
    init() {}
    init(userID: Int, kind: StaffNoticeKind, title: String, link: String, at: Date) {
        self.userID = userID; self.kind = kind; self.title = String(title.prefix(200)); self.link = link; self.createdAt = at
    }
}

enum StaffNoticeKind: String, CaseIterable, Codable, Sendable {
    case portalRequest = "portal_request", incident, dispute, gridEvent = "grid_event", alert, emergency, meetingAction = "meeting_action"
    var nameZh: String {
        switch self { case .portalRequest: "群众诉求"; case .incident: "警情"; case .dispute: "矛盾纠纷"; case .gridEvent: "网格事件"; case .alert: "预警"; case .emergency: "应急响应"; case .meetingAction: "会议决定督办" }
    }
    var nameEn: String {
        switch self { case .portalRequest: "Request"; case .incident: "Incident"; case .dispute: "Dispute"; case .gridEvent: "Grid event"; case .alert: "Alert"; case .emergency: "Emergency"; case .meetingAction: "Meeting decision" }
    }
}

struct CreateNotifications: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema("outbox_messages")
            .field("id", .int, .identifier(auto: true))
            .field("channel", .string, .required)
            .field("recipient_sealed", .string, .required)
            .field("recipient_masked", .string, .required)
            .field("subject", .string, .required)
            .field("body", .string, .required)
            .field("status", .string, .required)
            .field("attempts", .int, .required)
            .field("next_attempt_at", .datetime, .required)
            .field("last_error", .string, .required)
            .field("created_at", .datetime, .required)
            .field("sent_at", .datetime)
            .field("request_id", .int, .required, .references("portal_requests", "id"))
            .field("community_id", .int, .required, .references("divisions", "id"))
            .field("event", .string, .required)
            .create()
        try await db.schema("outbox_attempts")
            .field("id", .int, .identifier(auto: true))
            .field("message_id", .int, .required, .references("outbox_messages", "id"))
            .field("at", .datetime, .required)
            .field("ok", .bool, .required)
            .field("detail", .string, .required)
            .create()
        try await db.schema("staff_notices")
            .field("id", .int, .identifier(auto: true))
            .field("user_id", .int, .required, .references("users", "id"))
            .field("kind", .string, .required)
            .field("title", .string, .required)
            .field("link", .string, .required)
            .field("created_at", .datetime, .required)
            .field("read_at", .datetime)
            .create()
        // One column per statement: SQLite's ALTER TABLE adds one at a time.
        try await db.schema("portal_requests").field("email_sealed", .string).update()
        try await db.schema("portal_requests").field("notify_consent", .bool, .required, .sql(.default(false))).update()
        try await db.schema("portal_requests").field("notify_lang", .string).update()
        if let sql = db as? any SQLDatabase {
            try await sql.raw("CREATE INDEX idx_outbox_due ON outbox_messages (status, next_attempt_at)").run()
            try await sql.raw("CREATE INDEX idx_outbox_request ON outbox_messages (request_id)").run()
            try await sql.raw("CREATE INDEX idx_staff_notices_user ON staff_notices (user_id, read_at, created_at)").run()
        }
    }
    func revert(on db: any Database) async throws {
        try await db.schema("portal_requests").deleteField("notify_lang").update()
        try await db.schema("portal_requests").deleteField("notify_consent").update()
        try await db.schema("portal_requests").deleteField("email_sealed").update()
        try await db.schema("staff_notices").delete()
        try await db.schema("outbox_attempts").delete()
        try await db.schema("outbox_messages").delete()
    }
}
