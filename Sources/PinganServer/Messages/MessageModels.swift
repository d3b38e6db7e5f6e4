import Fluent
import SQLKit
import Vapor
import PinganKit

/// A targeted push (精准推送): one notice or task, as sent. Who it reached is in `push_receipts`, one row per person.
/// `area_division_id` is where it was aimed (the sender's own root when only people or units were named): it decides
/// which other senders may follow it, the same way the tree decides everything else.
final class PushMessage: Model, @unchecked Sendable {
    static let schema = "push_messages"
    @ID(custom: "id", generatedBy: .database) var id: Int?
    @Field(key: "kind") var kind: PushKind
    @Field(key: "title") var title: String
    @Field(key: "body") var body: String
    @Field(key: "sender_id") var senderID: Int
    @Field(key: "sender_name") var senderName: String
    @Field(key: "area_division_id") var areaDivisionID: Int
    /// How the audience was chosen, as the sender chose it (shown on the message; recipients are the receipts).
    @Field(key: "audience") var audience: String
    @Field(key: "sent_at") var sentAt: Date
    @OptionalField(key: "due_at") var dueAt: Date?
    @Field(key: "recipient_count") var recipientCount: Int
    @Field(key: "reminders") var reminders: Int
    @OptionalField(key: "last_reminded_at") var lastRemindedAt: Date?
    /// The client's key for the send: a retried submit returns the first message instead of sending twice.
    @OptionalField(key: "idempotency_key") var idempotencyKey: String?
    init() {}
}

/// One person's copy of a push: when they read it and, for a task, when they reported it done and how.
final class PushReceipt: Model, @unchecked Sendable {
    static let schema = "push_receipts"
    @ID(custom: "id", generatedBy: .database) var id: Int?
    @Field(key: "message_id") var messageID: Int
    @Field(key: "user_id") var userID: Int
    @OptionalField(key: "read_at") var readAt: Date?
    @OptionalField(key: "done_at") var doneAt: Date?
    @Field(key: "done_note") var doneNote: String
    /// The last reminder this copy received (only copies not done are reminded).
    @OptionalField(key: "reminded_at") var remindedAt: Date?
    init() {}
}

struct CreatePushMessages: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema("push_messages")
            .field("id", .int, .identifier(auto: true))
            .field("kind", .string, .required)
            .field("title", .string, .required)
            .field("body", .string, .required)
            .field("sender_id", .int, .required, .references("users", "id"))
            .field("sender_name", .string, .required)
            .field("area_division_id", .int, .required, .references("divisions", "id"))
            .field("audience", .string, .required)
            .field("sent_at", .datetime, .required)
            .field("due_at", .datetime)
            .field("recipient_count", .int, .required)
            .field("reminders", .int, .required)
            .field("last_reminded_at", .datetime)
            .field("idempotency_key", .string)
            .unique(on: "sender_id", "idempotency_key")
            .create()
        try await db.schema("push_receipts")
            .field("id", .int, .identifier(auto: true))
            .field("message_id", .int, .required, .references("push_messages", "id"))
            .field("user_id", .int, .required, .references("users", "id"))
            .field("read_at", .datetime)
            .field("done_at", .datetime)
            .field("done_note", .string, .required)
            .field("reminded_at", .datetime)
            .unique(on: "message_id", "user_id")
            .create()
        if let sql = db as? any SQLDatabase {
            // The inbox and the unread badge: one person's copies, newest first.
            try await sql.raw("CREATE INDEX push_receipts_user ON push_receipts (user_id, read_at)").run()
            try await sql.raw("CREATE INDEX push_messages_area ON push_messages (area_division_id, sent_at)").run()
        }
    }
    func revert(on db: any Database) async throws {
        try await db.schema("push_receipts").delete()
        try await db.schema("push_messages").delete()
    }
}

/// A push's copy for a member of the forces without an account (联防队员, 平安志愿者 …): sent by SMS with a receipt link
/// (`token`), which is how they read it and report a task done. The row is also the SMS's queue entry: its status,
/// attempts and next attempt, the way the residents' outbox keeps them. Name, kind and place are copied at sending, so
/// the receipt says whom it reached even after the member leaves the team.
final class PushMemberReceipt: Model, @unchecked Sendable {
    static let schema = "push_member_receipts"
    @ID(custom: "id", generatedBy: .database) var id: Int?
    @Field(key: "message_id") var messageID: Int
    @Field(key: "member_id") var memberID: Int
    @Field(key: "community_id") var communityID: Int
    @Field(key: "member_name") var memberName: String
    @Field(key: "member_kind") var memberKind: PersonnelKind
    /// nil: the member has no number (listed to the sender, never sent, not counted in the progress).
    @OptionalField(key: "phone_sealed") var phoneSealed: String?
    @Field(key: "phone_masked") var phoneMasked: String
    /// The receipt link's secret: 22 random characters, unique.
    @Field(key: "token") var token: String
    @Field(key: "sms_status") var smsStatus: PushSMSStatus
    @Field(key: "sms_attempts") var smsAttempts: Int
    @Field(key: "sms_next_at") var smsNextAt: Date
    @Field(key: "sms_error") var smsError: String
    @OptionalField(key: "sms_sent_at") var smsSentAt: Date?
    @OptionalField(key: "read_at") var readAt: Date?
    @OptionalField(key: "done_at") var doneAt: Date?
    @Field(key: "done_note") var doneNote: String
    @OptionalField(key: "reminded_at") var remindedAt: Date?
    init() {}

    var reachable: Bool { smsStatus != .noPhone }
}

/// Where a member's SMS stands. `skipped`: no SMS gateway is configured (the sender is told; staff can send again
/// once it is).
enum PushSMSStatus: String, Codable, CaseIterable, Sendable {
    case pending, sent, failed, skipped, noPhone = "no_phone"
    var nameZh: String {
        switch self { case .pending: "待发送"; case .sent: "已发送"; case .failed: "发送失败"; case .skipped: "未发送（短信未配置）"; case .noPhone: "无手机号" }
    }
    var nameEn: String {
        switch self { case .pending: "Queued"; case .sent: "Sent"; case .failed: "Failed"; case .skipped: "Not sent (no SMS gateway)"; case .noPhone: "No phone number" }
    }
}

struct CreatePushMemberReceipts: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema("push_member_receipts")
            .field("id", .int, .identifier(auto: true))
            .field("message_id", .int, .required, .references("push_messages", "id"))
            .field("member_id", .int, .required, .references("team_members", "id"))
            .field("community_id", .int, .required, .references("divisions", "id"))
            .field("member_name", .string, .required)
            .field("member_kind", .string, .required)
            .field("phone_sealed", .string)
            .field("phone_masked", .string, .required)
            .field("token", .string, .required)
            .field("sms_status", .string, .required)
            .field("sms_attempts", .int, .required)
            .field("sms_next_at", .datetime, .required)
            .field("sms_error", .string, .required)
            .field("sms_sent_at", .datetime)
            .field("read_at", .datetime)
            .field("done_at", .datetime)
            .field("done_note", .string, .required)
            .field("reminded_at", .datetime)
            .unique(on: "token")
            .unique(on: "message_id", "member_id")
            .create()
        if let sql = db as? any SQLDatabase {
            // The sender's queue of SMS due, as the outbox's.
            try await sql.raw("CREATE INDEX push_member_receipts_due ON push_member_receipts (sms_status, sms_next_at)").run()
        }
    }
    func revert(on db: any Database) async throws {
        try await db.schema("push_member_receipts").delete()
    }
}
