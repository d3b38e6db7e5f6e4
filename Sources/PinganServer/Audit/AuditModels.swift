import Fluent
import SQLKit
import Vapor

/// 审计日志: who, when, what, on which record, with what result.
final class AuditEvent: Model, @unchecked Sendable {
    static let schema = "audit_events"
    @ID(custom: "id", generatedBy: .database) var id: Int?
    @Field(key: "at") var at: Date
    @OptionalField(key: "user_id") var userID: Int?
    @Field(key: "username") var username: String
    @Field(key: "action") var action: String
    @Field(key: "entity") var entity: String
    @OptionalField(key: "entity_id") var entityID: String?
    @Field(key: "result") var result: String
    @Field(key: "ip") var ip: String
    @Field(key: "detail") var detail: String
    /// The hash chain (`AuditChain.swift`): place in the chain, the previous row's MAC, this row's MAC.
    @OptionalField(key: "seq") var seq: Int?
    @OptionalField(key: "prev_mac") var previousMAC: String?
    @OptionalField(key: "mac") var mac: String?
    init() {}
}

struct CreateAudit: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema("audit_events")
            .field("id", .int, .identifier(auto: true))
            .field("at", .datetime, .required)
            .field("user_id", .int)
            .field("username", .string, .required)
            .field("action", .string, .required)
            .field("entity", .string, .required)
            .field("entity_id", .string)
            .field("result", .string, .required)
            .field("ip", .string, .required)
            .field("detail", .string, .required)
            .create()
        let sql = db as! any SQLDatabase
        try await sql.create(index: "idx_audit_at").on("audit_events").column("at").run()
        try await sql.create(index: "idx_audit_entity").on("audit_events").column("entity").column("entity_id").run()
    }
    func revert(on db: any Database) async throws { try await db.schema("audit_events").delete() }
}

enum AuditResult: String { case ok, denied, failed }

extension Request {
    /// Records an audit event, chained to the previous one. Inside a transaction (`on: tx`) it commits with the
    /// caller's work; otherwise it returns once the row is committed. Failures to audit are logged, never swallowed
    /// silently, and do not undo the user's action.
    func audit(_ action: String, entity: String, id: String? = nil, result: AuditResult = .ok, detail: String = "", on db: (any Database)? = nil) async {
        let e = AuditEvent()
        e.at = Date()
        let user = auth.get(User.self)
        e.userID = user?.id
        e.username = user?.username ?? "-"
        e.action = action
        e.entity = entity
        e.entityID = id
        e.result = result.rawValue
        e.ip = clientAddress
        e.detail = String(detail.prefix(2000))
        do { try await AuditLog.write(e, on: db ?? self.db, app: application) } catch {
            logger.error("audit write failed", metadata: ["action": .string(action), "error": .string("\(error)")])
        }
    }
}
