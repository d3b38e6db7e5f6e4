/// Failed sign-ins per account **and client address** (OWASP ASVS 5.0 § 6.3.1; 等保三级 登录失败处理): after
/// `threshold` failures within `window` seconds, that name is refused from that address for `duration` seconds — and
/// only from there, so someone who keeps guessing an administrator's password cannot lock the administrator out of
/// every other office. The answer to a locked name is the same as to a wrong password (the server decides that).
public struct LoginLockout: Sendable, Equatable {
    public var threshold: Int
    public var window: Double
    public var duration: Double

    public init(threshold: Int = 5, window: Double = 15 * 60, duration: Double = 15 * 60) {
        self.threshold = threshold; self.window = window; self.duration = duration
    }

    /// One name at one address.
    public struct State: Sendable, Equatable {
        public var failures: Int
        public var firstFailureAt: Double
        public var lockedUntil: Double?
        public init(failures: Int, firstFailureAt: Double, lockedUntil: Double? = nil) {
            self.failures = failures; self.firstFailureAt = firstFailureAt; self.lockedUntil = lockedUntil
        }
    }

    public func isLocked(_ state: State?, now: Double) -> Bool { (state?.lockedUntil ?? -.infinity) > now }

    /// The state after one more failure: the count starts again once the window (or a lock) has passed, and
    /// reaching the threshold locks. Failures while locked are counted but do not extend the lock.
    public func afterFailure(_ state: State?, now: Double) -> State {
        guard var s = state, isLocked(s, now: now) || now - s.firstFailureAt < window, !(s.lockedUntil.map { $0 <= now } ?? false) else {
            return threshold <= 1 ? State(failures: 1, firstFailureAt: now, lockedUntil: now + duration) : State(failures: 1, firstFailureAt: now)
        }
        s.failures += 1
        if s.lockedUntil == nil, s.failures >= threshold { s.lockedUntil = now + duration }
        return s
    }
}
