import Foundation

/// Status of a resident's request (网上警务室). The first four are the desk's own; the rest are the
/// extended statuses FixMyStreet uses, so Open311 clients that know them read them unchanged.
public enum PortalStatus: String, CaseIterable, Codable, Sendable {
    case open, acknowledged, inProgress = "in_progress", actionScheduled = "action_scheduled", investigating
    case fixed, closed, duplicate, notResponsible = "not_responsible", unableToFix = "unable_to_fix", internalReferral = "internal_referral"

    public var isClosed: Bool {
        switch self {
        case .open, .acknowledged, .inProgress, .actionScheduled, .investigating: false
        default: true
        }
    }
    /// GeoReport v2 knows only open and closed.
    public var open311: String { isClosed ? "closed" : "open" }

    public var nameZh: String {
        switch self {
        case .open: "待受理"; case .acknowledged: "已受理"; case .inProgress: "办理中"; case .actionScheduled: "已安排处置"
        case .investigating: "调查中"; case .fixed: "已解决"; case .closed: "已办结"; case .duplicate: "重复反映"
        case .notResponsible: "非本单位职责"; case .unableToFix: "无法处理"; case .internalReferral: "已转交其他部门"
        }
    }
    public var nameEn: String {
        switch self {
        case .open: "Open"; case .acknowledged: "Acknowledged"; case .inProgress: "In progress"; case .actionScheduled: "Action scheduled"
        case .investigating: "Investigating"; case .fixed: "Fixed"; case .closed: "Closed"; case .duplicate: "Duplicate"
        case .notResponsible: "Not our responsibility"; case .unableToFix: "Unable to fix"; case .internalReferral: "Referred internally"
        }
    }
}

/// What a resident asks for (seed 000: 报警/求助/咨询/办事).
public enum PortalRequestKind: String, CaseIterable, Codable, Sendable {
    case report, help, question, service
    public var nameZh: String { switch self { case .report: "情况反映"; case .help: "求助"; case .question: "咨询"; case .service: "办事服务" } }
    public var nameEn: String { switch self { case .report: "Report"; case .help: "Request for help"; case .question: "Question"; case .service: "Service request" } }
}

/// The response clock: a request is overdue when nobody has answered it within the type's response time.
public enum PortalClock {
    public static func isOverdue(status: PortalStatus, firstResponseAt: Date?, dueAt: Date, now: Date) -> Bool {
        !status.isClosed && firstResponseAt == nil && now > dueAt
    }
}

/// Mainland mobile numbers, normalised to 11 digits (`+86 138-0013-8000` → `13800138000`).
public enum PortalPhone {
    public static func normalize(_ raw: String) -> String? {
        var digits = raw.filter { $0.isASCII && $0.isNumber }
        if digits.count == 13, digits.hasPrefix("86") { digits.removeFirst(2) }
        guard digits.count == 11, digits.hasPrefix("1") else { return nil }
        return digits
    }
}

/// Spam checks that need no third-party CAPTCHA: a honeypot field people never see, and a minimum
/// time between showing the form and sending it (bots post at once); stale forms are refused too.
public enum SubmissionGuard {
    public enum Verdict: Equatable, Sendable { case ok, honeypot, tooFast, stale, missingStamp }
    public static func check(honeypot: String?, renderedAt: Double?, now: Double, minSeconds: Double, maxAgeSeconds: Double = 86_400) -> Verdict {
        if let h = honeypot, !h.isEmpty { return .honeypot }
        guard let t = renderedAt else { return .missingStamp }
        if now - t < minSeconds { return .tooFast }
        if now - t > maxAgeSeconds { return .stale }
        return .ok
    }
}

/// A sliding-window counter per key (an address or a phone number): at most `limit` hits in `window` seconds.
public struct SlidingWindowLimiter: Sendable {
    public let limit: Int
    public let window: Double
    private var hits: [String: [Double]] = [:]
    private var lastSweep = 0.0
    public init(limit: Int, window: Double) { self.limit = limit; self.window = window }

    /// Counts the hit and answers whether it is allowed; refused hits are not counted.
    public mutating func allow(_ key: String, now: Double) -> Bool {
        if limit <= 0 { return true }
        if now - lastSweep > window { sweep(now: now) }
        var list = hits[key, default: []]
        list.removeAll { now - $0 >= window }
        guard list.count < limit else { hits[key] = list; return false }
        list.append(now)
        hits[key] = list
        return true
    }
    /// Seconds until the key may hit again (0 when it may now).
    public func retryAfter(_ key: String, now: Double) -> Double {
        guard let list = hits[key], list.count >= limit, let first = list.first else { return 0 }
        return max(0, window - (now - first))
    }
    private mutating func sweep(now: Double) {
        lastSweep = now
        hits = hits.filter { _, v in v.contains { now - $0 < window } }
    }
}

/// 安全感测评: share of respondents who feel safe, with a Wilson score interval.
public struct PerceptionShare: Codable, Equatable, Sendable {
    public var safe: Int
    public var total: Int
    public var rate: Double?
    public var low: Double?
    public var high: Double?
    public init(safe: Int, total: Int, z: Double = 1.959964) {
        self.safe = safe; self.total = total
        if let w = WilsonInterval.compute(successes: safe, total: total, z: z) { rate = Double(safe) / Double(total); low = w.low; high = w.high }
    }
    /// Met when the share reaches the target (the seed's plain reading), compared exactly (`PerceptionVerdict.reaches`).
    public func meets(_ target: Double) -> Bool { PerceptionVerdict.reaches(safe, of: total, target: target) }
    /// Met beyond sampling doubt: even the interval's lower end reaches the target.
    public func surelyMeets(_ target: Double) -> Bool { (low ?? 0) >= target }
}

public enum WilsonInterval {
    /// Wilson score interval for a binomial proportion; nil without observations.
    public static func compute(successes: Int, total: Int, z: Double = 1.959964) -> (low: Double, high: Double)? {
        guard total > 0, successes >= 0, successes <= total else { return nil }
        let n = Double(total), p = Double(successes) / n, z2 = z * z
        let denom = 1 + z2 / n
        let centre = (p + z2 / (2 * n)) / denom
        let half = z * ((p * (1 - p) / n + z2 / (4 * n * n)).squareRoot()) / denom
        return (max(0, centre - half), min(1, centre + half))
    }
}

/// Answers to "how safe do you feel where you live" (安全感); the first two count as feeling safe.
public enum PerceptionAnswer: String, CaseIterable, Codable, Sendable {
    case safe, fairlySafe = "fairly_safe", notVerySafe = "not_very_safe", unsafe
    public var feelsSafe: Bool { self == .safe || self == .fairlySafe }
    public var nameZh: String { switch self { case .safe: "安全"; case .fairlySafe: "比较安全"; case .notVerySafe: "不太安全"; case .unsafe: "不安全" } }
    public var nameEn: String { switch self { case .safe: "Safe"; case .fairlySafe: "Fairly safe"; case .notVerySafe: "Not very safe"; case .unsafe: "Unsafe" } }
}

/// Survey periods are calendar quarters: `2026-Q4`.
public enum PerceptionPeriod {
    public static func quarter(year: Int, month: Int) -> String { "\(year)-Q\((month - 1) / 3 + 1)" }
    public static func isValid(_ s: String) -> Bool {
        let p = s.split(separator: "-")
        guard p.count == 2, let y = Int(p[0]), (2000...2100).contains(y), p[1].count == 2, p[1].first == "Q", let q = Int(p[1].dropFirst()), (1...4).contains(q) else { return false }
        return true
    }
}

/// Notice kinds (seed 003: 警情通报/防范提示; seed 001: 社区代表会议).
public enum NoticeKind: String, CaseIterable, Codable, Sendable {
    case warning, prevention, meeting, minutes
    public var nameZh: String { switch self { case .warning: "警情预警"; case .prevention: "防范提示"; case .meeting: "会议通知"; case .minutes: "会议纪要" } }
    public var nameEn: String { switch self { case .warning: "Warning"; case .prevention: "Prevention advice"; case .meeting: "Meeting announcement"; case .minutes: "Meeting minutes" } }
}

/// Who a notice is for (seed 002: targeted push to categories of residents).
public enum NoticeAudience: String, CaseIterable, Codable, Sendable {
    case all, elderly, students, tenants, businesses, landlords
    public var nameZh: String { switch self { case .all: "全体居民"; case .elderly: "老年人"; case .students: "学生及家长"; case .tenants: "租住人员"; case .businesses: "商户企业"; case .landlords: "出租屋业主" } }
    public var nameEn: String { switch self { case .all: "All residents"; case .elderly: "Older people"; case .students: "Students and parents"; case .tenants: "Tenants"; case .businesses: "Businesses"; case .landlords: "Landlords" } }
}

/// Public text may carry a phone number the resident typed into it: mask runs of 7+ digits.
public enum PortalRedact {
    public static func phones(_ s: String) -> String {
        var out = "", run = ""
        func flush() { out += run.count >= 7 ? String(run.prefix(3)) + String(repeating: "*", count: run.count - 3) : run; run = "" }
        for ch in s { if ch.isASCII && ch.isNumber { run.append(ch) } else { flush(); out.append(ch) } }
        flush()
        return out
    }
}
