import Fluent
import Vapor
import SQLKit
import PinganKit

final class User: Model, Authenticatable, @unchecked Sendable {
    static let schema = "users"
    @ID(custom: "id", generatedBy: .database) var id: Int?
    @Field(key: "username") var username: String
    @Field(key: "display_name") var displayName: String
    @Field(key: "password_hash") var passwordHash: String
    @Field(key: "role") var role: Role
    /// The subtree this user works in (district, street, community or grid).
    @OptionalField(key: "scope_division_id") var scopeDivisionID: Int?
    /// Station chiefs are scoped to the communities their station covers.
    @OptionalField(key: "station_id") var stationID: Int?
    /// Staff of a responsible unit (处置单位) see the grid events dispatched to it.
    @OptionalField(key: "unit_id") var unitID: Int?
    @Field(key: "lang") var lang: String
    @Field(key: "active") var active: Bool
    @Field(key: "failed_attempts") var failedAttempts: Int
    @OptionalField(key: "locked_until") var lockedUntil: Date?
    @OptionalField(key: "last_login_at") var lastLoginAt: Date?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    /// Two factors (TOTP): the confirmed secret and the one being enrolled, both sealed (`FieldCipher`, base32 inside);
    /// when it was confirmed; the last time step accepted (a code is never accepted twice).
    @OptionalField(key: "totp_secret") var totpSecret: String?
    @OptionalField(key: "totp_pending") var totpPending: String?
    @OptionalField(key: "totp_enabled_at") var totpEnabledAt: Date?
    @OptionalField(key: "totp_last_step") var totpLastStep: Int64?

    init() {}
    init(username: String, displayName: String, passwordHash: String, role: Role, scopeDivisionID: Int?, stationID: Int? = nil, unitID: Int? = nil, lang: String = "zh") {
        self.username = username; self.displayName = displayName; self.passwordHash = passwordHash; self.role = role
        self.scopeDivisionID = scopeDivisionID; self.stationID = stationID; self.unitID = unitID; self.lang = lang
        self.active = true; self.failedAttempts = 0
    }
}

extension User {
    var hasTwoFactor: Bool { totpEnabledAt != nil && totpSecret != nil }

    static let columnNames = ["id", "username", "display_name", "password_hash", "role", "scope_division_id", "station_id", "unit_id", "lang", "active",
                              "failed_attempts", "locked_until", "last_login_at", "created_at", "totp_secret", "totp_pending", "totp_enabled_at", "totp_last_step"]

    /// A user read with SQLKit (`columnNames`), marked as stored so a later `save` updates it.
    convenience init(row: any SQLRow) throws {
        self.init()
        id = try row.decode(column: "id", as: Int.self)
        username = try row.decode(column: "username", as: String.self)
        displayName = try row.decode(column: "display_name", as: String.self)
        passwordHash = try row.decode(column: "password_hash", as: String.self)
        role = try row.decode(column: "role", as: Role.self)
        scopeDivisionID = try row.decode(column: "scope_division_id", as: Int?.self)
        stationID = try row.decode(column: "station_id", as: Int?.self)
        unitID = try row.decode(column: "unit_id", as: Int?.self)
        lang = try row.decode(column: "lang", as: String.self)
        active = try row.decode(column: "active", as: Bool.self)
        failedAttempts = try row.decode(column: "failed_attempts", as: Int.self)
        lockedUntil = try row.decode(column: "locked_until", as: Date?.self)
        lastLoginAt = try row.decode(column: "last_login_at", as: Date?.self)
        createdAt = try row.decode(column: "created_at", as: Date?.self)
        totpSecret = try row.decode(column: "totp_secret", as: String?.self)
        totpPending = try row.decode(column: "totp_pending", as: String?.self)
        totpEnabledAt = try row.decode(column: "totp_enabled_at", as: Date?.self)
        totpLastStep = try row.decode(column: "totp_last_step", as: Int64?.self)
        $id.exists = true
    }
}

/// Server-side session. The cookie holds a random token; only its SHA-256 is stored, so a
/// leaked database does not hand out live sessions.
final class UserSession: Model, @unchecked Sendable {
    static let schema = "sessions"
    @ID(custom: "id", generatedBy: .database) var id: Int?
    @Field(key: "token_hash") var tokenHash: String
    @Field(key: "user_id") var userID: Int
    @Field(key: "csrf_token") var csrfToken: String
    @Field(key: "created_at") var createdAt: Date
    @Field(key: "last_seen_at") var lastSeenAt: Date
    @Field(key: "ip") var ip: String
    init() {}
    init(tokenHash: String, userID: Int, csrfToken: String, now: Date, ip: String) {
        self.tokenHash = tokenHash; self.userID = userID; self.csrfToken = csrfToken; self.createdAt = now; self.lastSeenAt = now; self.ip = ip
    }
}

/// Bearer token for the JSON API, stored hashed.
final class APIToken: Model, @unchecked Sendable {
    static let schema = "api_tokens"
    @ID(custom: "id", generatedBy: .database) var id: Int?
    @Field(key: "user_id") var userID: Int
    @Field(key: "name") var name: String
    @Field(key: "token_hash") var tokenHash: String
    @Field(key: "created_at") var createdAt: Date
    @OptionalField(key: "expires_at") var expiresAt: Date?
    @OptionalField(key: "last_used_at") var lastUsedAt: Date?
    @Field(key: "revoked") var revoked: Bool
    init() {}
    init(userID: Int, name: String, tokenHash: String, createdAt: Date, expiresAt: Date?) {
        self.userID = userID; self.name = name; self.tokenHash = tokenHash; self.createdAt = createdAt; self.expiresAt = expiresAt; self.revoked = false
    }
}

struct CreateAuth: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema("users")
            .field("id", .int, .identifier(auto: true))
            .field("username", .string, .required)
            .field("display_name", .string, .required)
            .field("password_hash", .string, .required)
            .field("role", .string, .required)
            .field("scope_division_id", .int, .references("divisions", "id"))
            .field("station_id", .int, .references("stations", "id"))
            .field("lang", .string, .required)
            .field("active", .bool, .required)
            .field("failed_attempts", .int, .required)
            .field("locked_until", .datetime)
            .field("last_login_at", .datetime)
            .field("created_at", .datetime)
            .unique(on: "username")
            .create()
        try await db.schema("sessions")
            .field("id", .int, .identifier(auto: true))
            .field("token_hash", .string, .required)
            .field("user_id", .int, .required, .references("users", "id", onDelete: .cascade))
            .field("csrf_token", .string, .required)
            .field("created_at", .datetime, .required)
            .field("last_seen_at", .datetime, .required)
            .field("ip", .string, .required)
            .unique(on: "token_hash")
            .create()
        try await db.schema("api_tokens")
            .field("id", .int, .identifier(auto: true))
            .field("user_id", .int, .required, .references("users", "id", onDelete: .cascade))
            .field("name", .string, .required)
            .field("token_hash", .string, .required)
            .field("created_at", .datetime, .required)
            .field("expires_at", .datetime)
            .field("last_used_at", .datetime)
            .field("revoked", .bool, .required)
            .unique(on: "token_hash")
            .create()
    }
    func revert(on db: any Database) async throws {
        try await db.schema("api_tokens").delete()
        try await db.schema("sessions").delete()
        try await db.schema("users").delete()
    }
}

extension User: ListedFields {
    var properties: [any AnyProperty] {
        [$id, $username, $displayName, $passwordHash, $role, $scopeDivisionID, $stationID, $unitID, $lang, $active,
         $failedAttempts, $lockedUntil, $lastLoginAt, $createdAt, $totpSecret, $totpPending, $totpEnabledAt, $totpLastStep]
    }
}

extension UserSession: ListedFields {
    var properties: [any AnyProperty] {
        [$id, $tokenHash, $userID, $csrfToken, $createdAt, $lastSeenAt, $ip]
    }
}
