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
