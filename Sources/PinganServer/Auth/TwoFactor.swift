import Fluent
import SQLKit
import Vapor
import PinganKit

/// Two factors for signing in (TOTP, RFC 6238, with recovery codes): who must have them, checking a code exactly
/// once, and an administrator's reset. Secrets are sealed with the field key (`FieldCipher`): a copy of the database
/// alone does not give them away (key rotation must re-seal `users.totp_secret` and `users.totp_pending`).
enum TwoFactor {
    static let issuer = "Pingan"
    static let recoveryCodeCount = 10

    static func required(_ user: User, _ config: AppConfig) -> Bool { config.twoFactorRoles.contains(user.role) }

    static func totp(sealed: String, cipher: FieldCipher) throws -> PinganKit.TOTP {
        guard let secret = Base32.decode(try cipher.open(sealed)), !secret.isEmpty else { throw FieldCipher.Failure() }
        return PinganKit.TOTP(secret: secret)
    }

    /// The code `typed` for the user's confirmed secret, claimed atomically: two requests racing with the same code
    /// cannot both pass (the UPDATE only succeeds while the stored step is older).
    static func acceptTOTP(_ typed: String, user: User, cipher: FieldCipher, on db: any Database, now: Date = Date()) async throws -> Bool {
        guard let sealed = user.totpSecret, let id = user.id else { return false }
        let totp = try totp(sealed: sealed, cipher: cipher)
        guard let step = totp.verify(typed, at: now.timeIntervalSince1970, after: user.totpLastStep) else { return false }
        guard try await claim(step: step, userID: id, on: db) else { return false }
        user.totpLastStep = step
        return true
    }

    static func claim(step: Int64, userID: Int, on db: any Database) async throws -> Bool {
        let sql = db as! any SQLDatabase
        let rows = try await sql.update("users").set("totp_last_step", to: step).where("id", .equal, userID)
            .where(group: { $0.where("totp_last_step", .is, SQLLiteral.null).orWhere("totp_last_step", .lessThan, step) })
            .returning("id").all()
        return !rows.isEmpty
    }

    /// Uses up one recovery code; the number left, or nil when `typed` is none of the user's unused codes.
    static func acceptRecoveryCode(_ typed: String, userID: Int, on db: any Database, now: Date = Date()) async throws -> Int? {
        guard let hash = RecoveryCodes.hash(typed) else { return nil }
        let sql = db as! any SQLDatabase
        let used = try await sql.update("recovery_codes").set("used_at", to: now)
            .where("user_id", .equal, userID).where("code_hash", .equal, hash).where("used_at", .is, SQLLiteral.null)
            .returning("id").all()
        guard !used.isEmpty else { return nil }
        return try await remainingRecoveryCodes(userID: userID, on: db)
    }

    static func remainingRecoveryCodes(userID: Int, on db: any Database) async throws -> Int {
        try await RecoveryCode.query(on: db).filter(\.$userID == userID).filter(\.$usedAt == nil).count()
    }

    /// Replaces the user's recovery codes with fresh ones; the plain codes, to show once.
    static func newRecoveryCodes(userID: Int, on db: any Database, now: Date = Date()) async throws -> [String] {
        try await RecoveryCode.query(on: db).filter(\.$userID == userID).delete()
        let codes = RecoveryCodes.generate(count: recoveryCodeCount)
        for c in codes { try await RecoveryCode(userID: userID, codeHash: RecoveryCodes.hash(c)!, createdAt: now).create(on: db) }
        return codes
    }

    /// Confirms a pending enrolment: the pending secret becomes the secret, the confirming code's step is used up.
    static func enable(_ user: User, step: Int64?, on db: any Database, now: Date = Date()) async throws -> [String] {
        user.totpSecret = user.totpPending
        user.totpPending = nil
        user.totpEnabledAt = now
        user.totpLastStep = step
        try await user.save(on: db)
        return try await newRecoveryCodes(userID: user.id!, on: db, now: now)
    }

    /// Removes the second factor (an administrator's reset, or a user whose role does not require it turning it
    /// off): secret, recovery codes and pending sign-ins. With `endSessions`, the user is signed out everywhere.
    static func remove(_ user: User, endSessions: Bool, on db: any Database) async throws {
        user.totpSecret = nil; user.totpPending = nil; user.totpEnabledAt = nil; user.totpLastStep = nil
        try await user.save(on: db)
        try await RecoveryCode.query(on: db).filter(\.$userID == user.id!).delete()
        try await LoginChallenge.query(on: db).filter(\.$userID == user.id!).delete()
        if endSessions { try await UserSession.query(on: db).filter(\.$userID == user.id!).delete() }
    }

    /// Enrols a user with a fresh secret at once (the demo's accounts): the base32 secret and the recovery codes.
    static func enrolNow(_ user: User, cipher: FieldCipher, on db: any Database) async throws -> (secret: String, recoveryCodes: [String]) {
        let secret = Base32.encode(PinganKit.TOTP.randomSecret())
        user.totpPending = try cipher.seal(secret)
        return (secret, try await enable(user, step: nil, on: db))
    }

    /// Secrets are shown in groups of four, as authenticator apps accept them.
    static func grouped(_ secret: String) -> String {
        stride(from: 0, to: secret.count, by: 4).map { i in
            let a = secret.index(secret.startIndex, offsetBy: i)
            return String(secret[a..<secret.index(a, offsetBy: min(4, secret.count - i))])
        }.joined(separator: " ")
    }
}
