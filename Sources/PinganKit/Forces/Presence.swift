/// Officer presence (民警驻社区) and the monthly work report (工作月报) from the work log (工作纪实).
///
/// Seed 001: "确立民警在社区工作的最低时限不少于3天" (at least 3 days a week in the community) and
/// "建立社区警务工作纪实和工作月报制度". Rules here:
/// - A day counts once, however many entries it has, when at least one entry of the officer that day is
///   located in one of the officer's responsibility communities (any community when none are given).
///   Entries without a community (station work) never count as presence.
/// - Weeks are ISO weeks (Monday–Sunday). A week is flagged when days present < the requirement:
///   `minimumDaysPerWeek` (3) less one per excused day (leave, training, sick) in that week, never below 0.
/// - The monthly report lists the weeks whose Thursday is in the month (the ISO rule for years, applied to
///   months), so every week is reported in exactly one month; its counts by kind and days present cover
///   the calendar month itself.

public enum WorkKind: String, Sendable, Codable, CaseIterable {
    case visit          // 走访
    case patrol         // 巡逻
    case meeting        // 会议 (群众代表会, 合署办公)
    case registration   // 登记 (三口, 出租屋, 特种行业)
    case mediation      // 调解
    case service        // 服务 (代办, 求助, 咨询)

    public var nameZh: String {
        switch self {
        case .visit: "走访"
        case .patrol: "巡逻"
        case .meeting: "会议"
        case .registration: "登记"
        case .mediation: "调解"
        case .service: "服务"
        }
    }
}

/// One line of the work log (工作纪实).
public struct WorkLogEntry: Sendable, Codable, Equatable {
    public var officerID: String
    public var date: LocalDay
    /// Community where the work was done; nil for work at the station or elsewhere.
    public var communityCode: String?
    public var kind: WorkKind

    public init(officerID: String, date: LocalDay, communityCode: String?, kind: WorkKind) {
        self.officerID = officerID
        self.date = date
        self.communityCode = communityCode
        self.kind = kind
    }
}

public struct PresenceRules: Sendable, Codable, Equatable {
    /// Seed 001: 不少于3天.
    public var minimumDaysPerWeek: Int
    public init(minimumDaysPerWeek: Int = 3) { self.minimumDaysPerWeek = minimumDaysPerWeek }
}

public struct WeekPresence: Sendable, Codable, Equatable {
    public var week: ISOWeek
    /// Distinct days in the community this week, ascending.
    public var days: [LocalDay]
    public var excusedDays: Int
    /// Days required this week after excused days.
    public var required: Int
    public var daysPresent: Int { days.count }
    /// Under the requirement (seed 001).
    public var flagged: Bool { daysPresent < required }

    // JSON adds daysPresent and flagged; decoding reads the stored fields.
    private enum CodingKeys: String, CodingKey { case week, days, excusedDays, required, daysPresent, flagged }
    public init(week: ISOWeek, days: [LocalDay], excusedDays: Int, required: Int) {
        self.week = week
        self.days = days
        self.excusedDays = excusedDays
        self.required = required
    }
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        week = try c.decode(ISOWeek.self, forKey: .week)
        days = try c.decode([LocalDay].self, forKey: .days)
        excusedDays = try c.decode(Int.self, forKey: .excusedDays)
        required = try c.decode(Int.self, forKey: .required)
    }
    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(week, forKey: .week)
        try c.encode(days, forKey: .days)
        try c.encode(excusedDays, forKey: .excusedDays)
        try c.encode(required, forKey: .required)
        try c.encode(daysPresent, forKey: .daysPresent)
        try c.encode(flagged, forKey: .flagged)
    }
}

public struct KindCount: Sendable, Codable, Equatable {
    public var kind: WorkKind
    public var count: Int
}

/// 工作月报 for one officer and month, computed from the log.
public struct MonthlyWorkReport: Sendable, Codable, Equatable {
    public var officerID: String
    public var month: YearMonth
    /// Entries dated in the month.
    public var entries: Int
    /// Every kind, in `WorkKind.allCases` order, zeros included.
    public var countsByKind: [KindCount]
    /// Distinct days with any entry / with an entry in a responsibility community, within the month.
    public var daysLogged: Int
    public var daysPresent: Int
    /// Entries per community (communities sorted by code; entries without a community under "").
    public var entriesByCommunity: [String: Int]
    /// Weeks reported in this month (Thursday rule).
    public var weeks: [WeekPresence]
    public var weeksFlagged: Int { weeks.filter(\.flagged).count }

    public func count(_ kind: WorkKind) -> Int { countsByKind.first { $0.kind == kind }?.count ?? 0 }

    /// Printable plain text (Chinese labels), one item a line.
    public var text: String {
        var lines = ["工作月报 \(month) — 民警 \(officerID)",
                     "工作纪实 \(entries) 条；记录天数 \(daysLogged) 天；驻社区 \(daysPresent) 天"]
        lines.append(countsByKind.map { "\($0.kind.nameZh) \($0.count)" }.joined(separator: "  "))
        for w in weeks {
            lines.append("\(w.week)（\(w.week.monday)–\(w.week.sunday)）驻社区 \(w.daysPresent) 天 / 应 \(w.required) 天"
                         + (w.excusedDays > 0 ? "（请假等 \(w.excusedDays) 天）" : "") + (w.flagged ? "  ⚠ 不足" : ""))
        }
        lines.append("不足周数 \(weeksFlagged) / \(weeks.count)")
        return lines.joined(separator: "\n")
    }
}

/// One officer's weeks.
public struct OfficerPresence: Sendable, Codable, Equatable {
    public var officerID: String
    public var weeks: [WeekPresence]
    public var weeksFlagged: Int { weeks.filter(\.flagged).count }
}

/// An officer with a week under the requirement.
public struct PresenceFlag: Sendable, Codable, Equatable {
    public var officerID: String
    public var week: ISOWeek
    public var daysPresent: Int
    public var required: Int
}

public enum Presence {
    /// Presence per week of `weeks` for one officer.
    /// - Parameters:
    ///   - communities: the officer's responsibility communities; nil = any community counts.
    ///   - excused: days of leave, training or sickness; each reduces its week's requirement by one.
    public static func weekly(_ entries: [WorkLogEntry], officerID: String, communities: Set<String>? = nil,
                              weeks: [ISOWeek], excused: Set<LocalDay> = [], rules: PresenceRules = .init()) -> [WeekPresence] {
        let present = presentDays(entries, officerID: officerID, communities: communities)
        return weeks.map { week(for: $0, present: present, excused: excused, rules: rules) }
    }

    /// The presence table: every officer in `assignments` (officer → responsibility communities), sorted by
    /// ID, with one row per ISO week touching `period` (weeks without any entry included, as 0 days).
    public static func table(_ entries: [WorkLogEntry], assignments: [String: Set<String>], period: ClosedRange<LocalDay>,
                             excused: [String: Set<LocalDay>] = [:], rules: PresenceRules = .init()) -> [OfficerPresence] {
        let weeks = ISOWeek.touching(period)
        var byOfficer: [String: [WorkLogEntry]] = [:]
        for e in entries where assignments[e.officerID] != nil { byOfficer[e.officerID, default: []].append(e) }
        return assignments.keys.sorted().map { officer in
            OfficerPresence(officerID: officer,
                            weeks: weekly(byOfficer[officer] ?? [], officerID: officer, communities: assignments[officer],
                                          weeks: weeks, excused: excused[officer] ?? [], rules: rules))
        }
    }

    /// The weeks under the requirement from `table`, sorted by officer then week.
    public static func flags(_ entries: [WorkLogEntry], assignments: [String: Set<String>], period: ClosedRange<LocalDay>,
                             excused: [String: Set<LocalDay>] = [:], rules: PresenceRules = .init()) -> [PresenceFlag] {
        table(entries, assignments: assignments, period: period, excused: excused, rules: rules).flatMap { o in
            o.weeks.filter(\.flagged).map {
                PresenceFlag(officerID: o.officerID, week: $0.week, daysPresent: $0.daysPresent, required: $0.required)
            }
        }
    }

    /// The monthly work report (工作月报) of one officer.
    public static func monthlyReport(_ entries: [WorkLogEntry], officerID: String, month: YearMonth,
                                     communities: Set<String>? = nil, excused: Set<LocalDay> = [],
                                     rules: PresenceRules = .init()) -> MonthlyWorkReport {
        let first = LocalDay.firstDay(of: month), last = LocalDay.lastDay(of: month)
        var counts = [WorkKind: Int]()
        var byCommunity = [String: Int]()
        var logged = Set<LocalDay>()
        var n = 0
        for e in entries where e.officerID == officerID && e.date >= first && e.date <= last {
            n += 1
            counts[e.kind, default: 0] += 1
            byCommunity[e.communityCode ?? "", default: 0] += 1
            logged.insert(e.date)
        }
        let present = presentDays(entries, officerID: officerID, communities: communities)
        let weeks = ISOWeek.reported(in: month).map { week(for: $0, present: present, excused: excused, rules: rules) }
        return MonthlyWorkReport(
            officerID: officerID, month: month, entries: n,
            countsByKind: WorkKind.allCases.map { KindCount(kind: $0, count: counts[$0] ?? 0) },
            daysLogged: logged.count, daysPresent: present.filter { $0 >= first && $0 <= last }.count,
            entriesByCommunity: byCommunity, weeks: weeks)
    }

    static func presentDays(_ entries: [WorkLogEntry], officerID: String, communities: Set<String>?) -> Set<LocalDay> {
        var days = Set<LocalDay>()
        for e in entries where e.officerID == officerID {
            guard let c = e.communityCode, !c.isEmpty else { continue }
            if let communities, !communities.contains(c) { continue }
            days.insert(e.date)
        }
        return days
    }

    static func week(for w: ISOWeek, present: Set<LocalDay>, excused: Set<LocalDay>, rules: PresenceRules) -> WeekPresence {
        var days: [LocalDay] = []
        var excusedCount = 0
        var d = w.monday
        for _ in 0..<7 {
            if present.contains(d) { days.append(d) }
            if excused.contains(d) { excusedCount += 1 }
            d = d.adding(days: 1)
        }
        return WeekPresence(week: w, days: days, excusedDays: excusedCount,
                            required: max(0, rules.minimumDaysPerWeek - excusedCount))
    }
}
