import Foundation
import Vapor
import PinganKit

/// A `SlidingWindowLimiter` behind a lock (requests arrive on several event loops). In memory, per server process:
/// a restart forgets the counts, which only loosens a limit for a while.
final class LockedLimiter: @unchecked Sendable {
    private let lock = NSLock()
    private var value: SlidingWindowLimiter
    init(limit: Int, window: Double) { value = SlidingWindowLimiter(limit: limit, window: window) }
    var limit: Int { lock.lock(); defer { lock.unlock() }; return value.limit }

    /// Counts a hit for `key`, or throws 429 with Retry-After when its allowance is used.
    func hit(_ key: String, _ req: Request, message: (zh: String, en: String)) throws {
        let now = Date().timeIntervalSince1970
        lock.lock(); defer { lock.unlock() }
        guard !value.allow(key, now: now) else { return }
        throw Self.tooMany(req, value.retryAfter(key, now: now), message)
    }

    /// Seconds `key` must wait when its allowance is used up, without counting a hit (nil when it may go on).
    func blocked(_ key: String) -> Double? {
        let now = Date().timeIntervalSince1970
        lock.lock(); defer { lock.unlock() }
        let wait = value.retryAfter(key, now: now)
        return wait > 0 ? wait : nil
    }

    /// Counts a hit for `key` (e.g. a failed sign-in), whatever the allowance.
    func record(_ key: String) {
        let now = Date().timeIntervalSince1970
        lock.lock(); defer { lock.unlock() }
        _ = value.allow(key, now: now)
    }

    static func tooMany(_ req: Request, _ wait: Double, _ message: (zh: String, en: String)) -> Abort {
        var h = HTTPHeaders()
        h.replaceOrAdd(name: .retryAfter, value: String(max(1, Int(wait.rounded(.up)))))
        return Abort(.tooManyRequests, headers: h, reason: req.t(message.zh, message.en))
    }
}
