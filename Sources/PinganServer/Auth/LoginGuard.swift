import Fluent
import Vapor
import PinganKit

/// Limits on guessing passwords (docs/authentication.md § Sign-in limits):
/// - per client address: `PINGAN_LOGIN_ADDRESS_LIMIT` failed sign-ins in 15 minutes, any names, then 429 for a while;
/// - per typed name and client address: five failures in 15 minutes refuse that name from that address for 15
///   minutes (`LoginLockout`), answered exactly like a wrong password. Another office still signs in.
/// Failures of the second factor count as failures too.
struct LoginGuard {
    let req: Request

    static let addressWindow: Double = 15 * 60

    /// The name as typed, the way it is stored and counted.
    static func key(_ username: String) -> String { String(username.trimmingCharacters(in: .whitespaces).lowercased().prefix(64)) }

    var address: String { req.clientAddress }

    /// Seconds this address must wait (nil when it may try).
    func addressBlocked() -> Double? { req.application.loginAddressLimiter.blocked(address) }

    func state(_ name: String) async throws -> (row: LoginFailure?, state: LoginLockout.State?) {
        let row = try await LoginFailure.query(on: req.db).filter(\.$username == name).filter(\.$address == address).first()
        return (row, row.map { LoginLockout.State(failures: $0.failures, firstFailureAt: $0.firstFailureAt.timeIntervalSince1970, lockedUntil: $0.lockedUntil?.timeIntervalSince1970) })
    }

    func isLocked(_ name: String) async throws -> Bool {
        req.config.lockout.isLocked(try await state(name).state, now: Date().timeIntervalSince1970)
    }

    /// Counts a failure (one write, whether the name exists or not); whether the pair is now locked.
    @discardableResult
    func recordFailure(_ name: String) async throws -> Bool {
        req.application.loginAddressLimiter.record(address)
        let now = Date()
        try await Self.forgetStale(now: now, lockout: req.config.lockout, on: req.db)
        let (row, old) = try await state(name)
        let new = req.config.lockout.afterFailure(old, now: now.timeIntervalSince1970)
        let r = row ?? LoginFailure()
        r.username = name; r.address = address; r.failures = new.failures
        r.firstFailureAt = Date(timeIntervalSince1970: new.firstFailureAt)
        r.lockedUntil = new.lockedUntil.map { Date(timeIntervalSince1970: $0) }
        do { try await r.save(on: req.db) } catch where row == nil {
            // Another request inserted the pair first: count on its row.
            return try await recordFailureAgain(name)
        }
        return req.config.lockout.isLocked(new, now: now.timeIntervalSince1970)
    }

    private func recordFailureAgain(_ name: String) async throws -> Bool {
        let now = Date()
        let (row, old) = try await state(name)
        guard let row else { return false }
        let new = req.config.lockout.afterFailure(old, now: now.timeIntervalSince1970)
        row.failures = new.failures; row.firstFailureAt = Date(timeIntervalSince1970: new.firstFailureAt)
        row.lockedUntil = new.lockedUntil.map { Date(timeIntervalSince1970: $0) }
        try await row.save(on: req.db)
        return req.config.lockout.isLocked(new, now: now.timeIntervalSince1970)
    }

    /// Rows that no longer count (their window and any lock are over) are deleted — on every failure, whatever its
    /// cause, so failures keep costing the same — and the table holds only pairs that matter (typed names that do not
    /// exist are rows too; the per-address budget bounds how fast they come).
    static func forgetStale(now: Date, lockout: LoginLockout, on db: any Database) async throws {
        let before = now.addingTimeInterval(-max(lockout.window, lockout.duration))
        try await LoginFailure.query(on: db).filter(\.$firstFailureAt < before)
            .group(.or) { $0.filter(\.$lockedUntil == nil).filter(\.$lockedUntil < now) }.delete()
    }

    /// A successful sign-in forgets this pair's failures.
    func clear(_ name: String) async throws {
        try await LoginFailure.query(on: req.db).filter(\.$username == name).filter(\.$address == address).delete()
    }

    /// Whether any address currently refuses the name (the user list shows it; an administrator can lift it).
    static func lockedAnywhere(_ username: String, on db: any Database) async throws -> Int {
        try await LoginFailure.query(on: db).filter(\.$username == key(username)).filter(\.$lockedUntil > Date()).count()
    }

    static func unlock(_ username: String, on db: any Database) async throws {
        try await LoginFailure.query(on: db).filter(\.$username == key(username)).delete()
    }
}

private struct LoginAddressLimiterKey: StorageKey { typealias Value = LockedLimiter }
private struct DummyHashKey: StorageKey { typealias Value = DummyHash }
private struct CodeAttemptLimiterKey: StorageKey { typealias Value = LockedLimiter }

/// A password hash made once with the app's own hasher and cost, verified against for names without a usable
/// account, so that such a sign-in costs what a real one does.
final class DummyHash: @unchecked Sendable {
    private let lock = NSLock()
    private var value: String?
    func get(_ req: Request) async throws -> String {
        if let v = lock.withLock({ value }) { return v }
        let made = try await req.password.async.hash(Tokens.random()).get()
        lock.withLock { if value == nil { value = made } }
        return lock.withLock { value! }
    }
}

extension Application {
    var loginAddressLimiter: LockedLimiter {
        get { storage[LoginAddressLimiterKey.self]! }
        set { storage[LoginAddressLimiterKey.self] = newValue }
    }
    /// Wrong second-factor codes typed by a signed-in user (confirming, new recovery codes, turning it off): five in
    /// 15 minutes, then 429 — a stolen session cannot run through the million codes.
    var codeAttemptLimiter: LockedLimiter {
        get { storage[CodeAttemptLimiterKey.self]! }
        set { storage[CodeAttemptLimiterKey.self] = newValue }
    }
    /// Set once in `routes` (storage is not for concurrent writes).
    var dummyPasswordHash: DummyHash {
        get { storage[DummyHashKey.self]! }
        set { storage[DummyHashKey.self] = newValue }
    }
}
