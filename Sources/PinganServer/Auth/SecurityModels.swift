import Fluent
import SQLKit
import Vapor

/// A one-time recovery code (stored as SHA-256 of the normalised code; `RecoveryCodes`).
final class RecoveryCode: Model, @unchecked Sendable {
    static let schema = "recovery_codes"
    @ID(custom: "id", generatedBy: .database) var id: Int?
    @Field(key: "user_id") var userID: Int
    @Field(key: "code_hash") var codeHash: String
    @Field(key: "created_at") var createdAt: Date
    @OptionalField(key: "used_at") var usedAt: Date?
    init() {}
    init(userID: Int, codeHash: String, createdAt: Date) { self.userID = userID; self.codeHash = codeHash; self.createdAt = createdAt }
}

/// A sign-in whose password was right and whose second factor is still to come: only a hash of the cookie's token is
/// stored; it lives five minutes and allows five codes.
final class LoginChallenge: Model, @unchecked Sendable {
    static let schema = "login_challenges"
    @ID(custom: "id", generatedBy: .database) var id: Int?
    @Field(key: "token_hash") var tokenHash: String
    @Field(key: "user_id") var userID: Int
    @Field(key: "created_at") var createdAt: Date
    @Field(key: "attempts") var attempts: Int
    @Field(key: "next") var next: String
    init() {}
    init(tokenHash: String, userID: Int, createdAt: Date, next: String) {
        self.tokenHash = tokenHash; self.userID = userID; self.createdAt = createdAt; self.attempts = 0; self.next = next
    }
}

/// Failed sign-ins of one typed name from one client address (`LoginLockout`). Names that do not exist are
/// counted like real ones, so a lock says nothing about whether an account exists.
final class LoginFailure: Model, @unchecked Sendable {
    static let schema = "login_failures"
    @ID(custom: "id", generatedBy: .database) var id: Int?
    @Field(key: "username") var username: String
    @Field(key: "address") var address: String
    @Field(key: "failures") var failures: Int
    @Field(key: "first_failure_at") var firstFailureAt: Date
    @OptionalField(key: "locked_until") var lockedUntil: Date?
    init() {}
}

/// Issue 22, authentication: TOTP on the user (secret sealed with the field key), recovery codes, pending second-factor
/// sign-ins, failures per name and address (replacing the account-wide lock on `users`), and an expiry for every
/// API token (those issued without one expire 90 days after this upgrade).
struct AddTwoFactorAndLoginLimits: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema("users").field("totp_secret", .string).update()
        try await db.schema("users").field("totp_pending", .string).update()
        try await db.schema("users").field("totp_enabled_at", .datetime).update()
        try await db.schema("users").field("totp_last_step", .int64).update()
        try await db.schema("recovery_codes")
            .field("id", .int, .identifier(auto: true))
            .field("user_id", .int, .required, .references("users", "id", onDelete: .cascade))
            .field("code_hash", .string, .required)
            .field("created_at", .datetime, .required)
            .field("used_at", .datetime)
            .create()
        try await db.schema("login_challenges")
            .field("id", .int, .identifier(auto: true))
            .field("token_hash", .string, .required)
            .field("user_id", .int, .required, .references("users", "id", onDelete: .cascade))
            .field("created_at", .datetime, .required)
            .field("attempts", .int, .required)
            .field("next", .string, .required)
            .unique(on: "token_hash")
            .create()
        try await db.schema("login_failures")
            .field("id", .int, .identifier(auto: true))
            .field("username", .string, .required)
            .field("address", .string, .required)
            .field("failures", .int, .required)
            .field("first_failure_at", .datetime, .required)
            .field("locked_until", .datetime)
            .unique(on: "username", "address")
            .create()
        let sql = db as! any SQLDatabase
        try await sql.create(index: "idx_recovery_codes_user").on("recovery_codes").column("user_id").run()
        try await sql.create(index: "idx_api_tokens_user").on("api_tokens").column("user_id").run()
        try await sql.update("api_tokens").set("expires_at", to: Date().addingTimeInterval(90 * 86400)).where("expires_at", .is, SQLLiteral.null).run()
    }

    func revert(on db: any Database) async throws {
        try await db.schema("login_failures").delete()
        try await db.schema("login_challenges").delete()
        try await db.schema("recovery_codes").delete()
        for f in ["totp_secret", "totp_pending", "totp_enabled_at", "totp_last_step"] { try await db.schema("users").deleteField(.string(f)).update() }
    }
}
