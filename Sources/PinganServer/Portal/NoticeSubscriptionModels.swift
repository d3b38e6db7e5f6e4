import Fluent
import SQLKit
import Vapor
import PinganKit

/// A resident's subscription to one community's public notices (公告订阅), by SMS or e-mail. The address is sealed and
/// blind-indexed like the registry's (one subscription per community, channel and address); the 22-character token is
/// the secret of the links in every message (confirm, unsubscribe) — nothing else identifies the resident.
final class NoticeSubscription: Model, @unchecked Sendable {
    static let schema = "notice_subscriptions"
    @ID(custom: "id", generatedBy: .database) var id: Int?
    @Field(key: "community_id") var communityID: Int
    @Field(key: "channel") var channel: OutboxChannel
    @Field(key: "address_sealed") var addressSealed: String
    @Field(key: "address_index") var addressIndex: String
    @Field(key: "address_masked") var addressMasked: String
    /// Which notices: every one (`all`) or those for one group and for all residents.
    @Field(key: "audience") var audience: NoticeAudience
    @Field(key: "lang") var lang: String
    @Field(key: "token") var token: String
    @Field(key: "status") var status: NoticeSubscriptionStatus
    @Field(key: "created_at") var createdAt: Date
    @OptionalField(key: "confirmed_at") var confirmedAt: Date?
    @OptionalField(key: "cancelled_at") var cancelledAt: Date?
    /// "resident" (their link) or "staff" (at the resident's request, audited).
    @OptionalField(key: "cancelled_by") var cancelledBy: String?
    init() {}
}

/// The subscriptions table, and the outbox opened to notices: a message now reports either a request's change or a
/// notice (or a subscription's confirmation), so `request_id` may be empty and two references join it.
struct CreateNoticeSubscriptions: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema("notice_subscriptions")
            .field("id", .int, .identifier(auto: true))
            .field("community_id", .int, .required, .references("divisions", "id"))
            .field("channel", .string, .required)
            .field("address_sealed", .string, .required)
            .field("address_index", .string, .required)
            .field("address_masked", .string, .required)
            .field("audience", .string, .required)
            .field("lang", .string, .required)
            .field("token", .string, .required)
            .field("status", .string, .required)
            .field("created_at", .datetime, .required)
            .field("confirmed_at", .datetime)
            .field("cancelled_at", .datetime)
            .field("cancelled_by", .string)
            .unique(on: "token")
            .unique(on: "community_id", "channel", "address_index")
            .create()
        guard let sql = db as? any SQLDatabase else { return }
        try await sql.raw("CREATE INDEX idx_notice_subscriptions_reach ON notice_subscriptions (community_id, status)").run()
        try await Self.openOutbox(sql, db)
        let int = sql.dialect.name == "sqlite" ? "INTEGER" : "BIGINT"
        try await sql.raw("ALTER TABLE outbox_messages ADD COLUMN notice_id \(unsafeRaw: int) REFERENCES portal_notices (id)").run()
        try await sql.raw("ALTER TABLE outbox_messages ADD COLUMN subscription_id \(unsafeRaw: int) REFERENCES notice_subscriptions (id)").run()
        try await sql.raw("CREATE INDEX idx_outbox_notice ON outbox_messages (notice_id, status)").run()
    }

    /// `request_id` loses NOT NULL. PostgreSQL says so; SQLite cannot alter a column, so the table is rebuilt from its
    /// own DDL (SQLite's documented procedure: foreign keys off on one connection, copy, drop, rename, indexes again).
    static func openOutbox(_ sql: any SQLDatabase, _ db: any Database) async throws {
        guard sql.dialect.name == "sqlite" else {
            try await sql.raw("ALTER TABLE outbox_messages ALTER COLUMN request_id DROP NOT NULL").run()
            return
        }
        struct Row: Decodable { var sql: String }
        let rows = try await sql.raw("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'outbox_messages'").all(decoding: Row.self)
        let from = "\"request_id\" INTEGER NOT NULL"
        guard let ddl = rows.first?.sql, ddl.contains(from) else { return }
        let rebuilt = ddl.replacingOccurrences(of: from, with: "\"request_id\" INTEGER")
            .replacingOccurrences(of: "CREATE TABLE \"outbox_messages\"", with: "CREATE TABLE \"outbox_messages_new\"")
        try await db.withConnection { conn in
            let c = conn as! any SQLDatabase
            try await c.raw("PRAGMA foreign_keys = OFF").run()
            do {
                try await conn.transaction { tx in
                    let t = tx as! any SQLDatabase
                    try await t.raw("\(unsafeRaw: rebuilt)").run()
                    try await t.raw("INSERT INTO outbox_messages_new SELECT * FROM outbox_messages").run()
                    try await t.raw("DROP TABLE outbox_messages").run()
                    try await t.raw("ALTER TABLE outbox_messages_new RENAME TO outbox_messages").run()
                    try await t.raw("CREATE INDEX idx_outbox_due ON outbox_messages (status, next_attempt_at)").run()
                    try await t.raw("CREATE INDEX idx_outbox_request ON outbox_messages (request_id)").run()
                }
            } catch {
                try? await c.raw("PRAGMA foreign_keys = ON").run()
                throw error
            }
            try await c.raw("PRAGMA foreign_keys = ON").run()
        }
    }

    func revert(on db: any Database) async throws {
        if let sql = db as? any SQLDatabase {
            try await sql.raw("DROP INDEX IF EXISTS idx_outbox_notice").run()
            // unscoped: a migration's revert works on the whole table
            try await sql.raw("DELETE FROM outbox_messages WHERE request_id IS NULL").run()
        }
        try await db.schema("outbox_messages").deleteField("subscription_id").update()
        try await db.schema("outbox_messages").deleteField("notice_id").update()
        try await db.schema("notice_subscriptions").delete()
    }
}
