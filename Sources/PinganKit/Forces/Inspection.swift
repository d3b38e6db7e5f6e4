/// Inspections (治安检查, seed 003 "四查") of venues, rentals and organisations: rectification notices
/// (整改通知书) with a deadline, their status on a given day, and the overdue list.
///
/// Rules (the seeds give no deadlines; these are configuration with documented defaults):
/// - Deadline = issue date + the days allowed for the finding's severity (general 15, serious 7, major 3),
///   unless the notice sets its own. Calendar days by default; with `workingDaysOnly`, Saturdays, Sundays
///   and the given holidays are skipped (the deadline is the n-th working day after issue).
/// - The deadline day itself is still in time. On `asOf` a notice not yet rectified is open (days left),
///   due today, or overdue by asOf − deadline days. A rectified notice is on time or late by
///   rectifiedOn − deadline days.
/// - Overdue list: most days overdue first, then earliest deadline, then notice ID.

public enum InspectionTargetKind: String, Sendable, Codable, CaseIterable {
    case venue          // 场所 (娱乐场所, 网吧, 特种行业)
    case rental         // 出租屋
    case organisation   // 单位 (内保单位, 企事业单位)

    public var nameZh: String {
        switch self {
        case .venue: "场所"
        case .rental: "出租屋"
        case .organisation: "单位"
        }
    }
}

public enum FindingSeverity: String, Sendable, Codable, CaseIterable {
    case general   // 一般隐患
    case serious   // 较大隐患
    case major     // 重大隐患

    public var nameZh: String {
        switch self {
        case .general: "一般隐患"
        case .serious: "较大隐患"
        case .major: "重大隐患"
        }
    }
}

public struct RectificationRules: Sendable, Codable, Equatable {
    public var daysBySeverity: [FindingSeverity: Int]
    public var workingDaysOnly: Bool
    public var holidays: Set<LocalDay>

    public init(daysBySeverity: [FindingSeverity: Int] = [.general: 15, .serious: 7, .major: 3],
                workingDaysOnly: Bool = false, holidays: Set<LocalDay> = []) {
        self.daysBySeverity = daysBySeverity
        self.workingDaysOnly = workingDaysOnly
        self.holidays = holidays
    }

    public func days(for severity: FindingSeverity) -> Int { max(0, daysBySeverity[severity] ?? 15) }

    /// The deadline for a notice issued on `issued` with `days` allowed.
    public func deadline(issued: LocalDay, days: Int) -> LocalDay {
        guard workingDaysOnly else { return issued.adding(days: max(0, days)) }
        var d = issued
        var left = max(0, days)
        var guardSteps = 0
        while left > 0 && guardSteps < 100_000 {
            d = d.adding(days: 1)
            guardSteps += 1
            if d.weekday <= 5 && !holidays.contains(d) { left -= 1 }
        }
        return d
    }
}

/// 整改通知书.
public struct RectificationNotice: Sendable, Codable, Equatable {
    public var id: String
    public var targetKind: InspectionTargetKind
    public var targetName: String
    public var severity: FindingSeverity
    public var issuedOn: LocalDay
    /// Days allowed, overriding the rules' default for the severity.
    public var daysAllowed: Int?
    public var rectifiedOn: LocalDay?

    public init(id: String, targetKind: InspectionTargetKind, targetName: String = "", severity: FindingSeverity = .general,
                issuedOn: LocalDay, daysAllowed: Int? = nil, rectifiedOn: LocalDay? = nil) {
        self.id = id
        self.targetKind = targetKind
        self.targetName = targetName
        self.severity = severity
        self.issuedOn = issuedOn
        self.daysAllowed = daysAllowed
        self.rectifiedOn = rectifiedOn
    }

    public func deadline(_ rules: RectificationRules = .init()) -> LocalDay {
        rules.deadline(issued: issuedOn, days: daysAllowed ?? rules.days(for: severity))
    }
}

public enum RectificationStatus: Sendable, Equatable, Codable {
    case open(daysLeft: Int)
    case dueToday
    case overdue(days: Int)
    case rectifiedOnTime
    case rectifiedLate(days: Int)

    public var nameZh: String {
        switch self {
        case .open: "整改中"
        case .dueToday: "今日到期"
        case .overdue: "逾期未整改"
        case .rectifiedOnTime: "按期整改"
        case .rectifiedLate: "逾期整改"
        }
    }

    public var isOverdue: Bool { if case .overdue = self { true } else { false } }
}

public struct OverdueNotice: Sendable, Codable, Equatable {
    public var notice: RectificationNotice
    public var deadline: LocalDay
    public var daysOverdue: Int
}

public enum Inspections {
    /// Status of a notice on `asOf`. A rectification dated after `asOf` is not known yet on that day.
    public static func status(_ n: RectificationNotice, asOf: LocalDay, rules: RectificationRules = .init()) -> RectificationStatus {
        let deadline = n.deadline(rules)
        if let done = n.rectifiedOn, done <= asOf {
            return done <= deadline ? .rectifiedOnTime : .rectifiedLate(days: deadline.days(until: done))
        }
        if asOf < deadline { return .open(daysLeft: asOf.days(until: deadline)) }
        if asOf == deadline { return .dueToday }
        return .overdue(days: deadline.days(until: asOf))
    }

    /// Notices overdue on `asOf`: most days overdue first, then earliest deadline, then ID.
    public static func overdue(_ notices: [RectificationNotice], asOf: LocalDay, rules: RectificationRules = .init()) -> [OverdueNotice] {
        notices.compactMap { n -> OverdueNotice? in
            guard case .overdue(let days) = status(n, asOf: asOf, rules: rules) else { return nil }
            return OverdueNotice(notice: n, deadline: n.deadline(rules), daysOverdue: days)
        }.sorted { a, b in
            if a.daysOverdue != b.daysOverdue { return a.daysOverdue > b.daysOverdue }
            if a.deadline != b.deadline { return a.deadline < b.deadline }
            return a.notice.id < b.notice.id
        }
    }
}
