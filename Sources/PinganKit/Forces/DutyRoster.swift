/// Rosters for teams, patrols and fixed duty posts: clock times, weekly duty slots (商铺值守, 护学岗),
/// who is on duty now, and the kinds of personnel beyond police officers.
///
/// Rules:
/// - Times are local "HH:mm" (00:00–24:00); a window's end may be earlier than its start, meaning it
///   ends the next day (a night patrol 22:00–02:00 lasts 240 minutes).
/// - A weekly slot repeats on its weekdays (1 = Monday … 7 = Sunday) between `from` and `until`
///   (both inclusive; nil = open). "Today's duty" = slots whose weekday is today's and whose dates hold.
/// - School-surroundings duty (护学岗, seed 003: "上放学时段") defaults to the morning arrival window
///   07:00–08:30 and the afternoon leaving window 16:00–17:30; districts may set other times per slot.

/// A local time of day as minutes after midnight, 0…1,440.
public struct ClockTime: Hashable, Comparable, Sendable, Codable, CustomStringConvertible {
    public let minutes: Int

    public init?(minutes: Int) {
        guard (0...1440).contains(minutes) else { return nil }
        self.minutes = minutes
    }

    /// "7:05", "07:05", "24:00".
    public init?(_ text: String) {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2, (1...2).contains(parts[0].count), parts[1].count == 2,
              let h = Int(parts[0]), let m = Int(parts[1]), (0...24).contains(h), (0...59).contains(m), h * 60 + m <= 1440 else { return nil }
        minutes = h * 60 + m
    }

    public var description: String {
        let h = minutes / 60, m = minutes % 60
        return (h < 10 ? "0" : "") + "\(h):" + (m < 10 ? "0" : "") + "\(m)"
    }

    public static func < (a: ClockTime, b: ClockTime) -> Bool { a.minutes < b.minutes }

    public init(from decoder: Decoder) throws {
        let c = try decoder.singleValueContainer()
        let s = try c.decode(String.self)
        guard let v = ClockTime(s) else { throw DecodingError.dataCorruptedError(in: c, debugDescription: "Expected \"HH:mm\", got \"\(s)\"") }
        self = v
    }
    public func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(description)
    }
}

/// A time window on one day; `end <= start` means it ends the next day.
public struct TimeWindow: Hashable, Sendable, Codable {
    public var start: ClockTime
    public var end: ClockTime
    public init(start: ClockTime, end: ClockTime) {
        self.start = start
        self.end = end
    }

    /// End in minutes after the start day's midnight (may pass 1,440).
    public var endMinute: Int { end.minutes > start.minutes ? end.minutes : end.minutes + 1440 }
    public var minutes: Int { endMinute - start.minutes }
    public var crossesMidnight: Bool { endMinute > 1440 }

    public static let schoolMorning = TimeWindow(start: ClockTime(minutes: 420)!, end: ClockTime(minutes: 510)!)
    public static let schoolAfternoon = TimeWindow(start: ClockTime(minutes: 960)!, end: ClockTime(minutes: 1050)!)
}

/// Fixed duty posts the seeds name.
public enum DutyKind: String, Sendable, Codable, CaseIterable {
    case shop    // 商铺值守 (seed 003: shops as key places with their own guarding)
    case school  // 护学岗, 上放学时段 school-surroundings duty

    public var nameZh: String {
        switch self {
        case .shop: "商铺值守"
        case .school: "护学岗（上放学时段）"
        }
    }
    public var nameEn: String {
        switch self {
        case .shop: "Shop duty"
        case .school: "School-run duty"
        }
    }
}

/// A weekly duty slot.
public struct DutySlot: Sendable, Codable, Equatable {
    public var id: String
    public var kind: DutyKind
    /// 1 = Monday … 7 = Sunday.
    public var weekdays: Set<Int>
    public var window: TimeWindow
    public var from: LocalDay?
    public var until: LocalDay?

    public init(id: String, kind: DutyKind, weekdays: Set<Int>, window: TimeWindow, from: LocalDay? = nil, until: LocalDay? = nil) {
        self.id = id
        self.kind = kind
        self.weekdays = weekdays
        self.window = window
        self.from = from
        self.until = until
    }

    public func isScheduled(on day: LocalDay) -> Bool {
        weekdays.contains(day.weekday) && (from.map { day >= $0 } ?? true) && (until.map { day <= $0 } ?? true)
    }
}

public enum DutyStatus: String, Sendable, Codable {
    case upcoming, onDuty = "on_duty", finished
    public var nameZh: String { switch self { case .upcoming: "未开始"; case .onDuty: "在岗时段"; case .finished: "已结束" } }
    public var nameEn: String { switch self { case .upcoming: "Upcoming"; case .onDuty: "On now"; case .finished: "Finished" } }
}

public enum DutyRoster {
    /// Slots scheduled on `day`, ordered by start time then id, with their status at `minute` (nil: no status).
    public static func today(_ slots: [DutySlot], day: LocalDay, minute: Int? = nil) -> [(slot: DutySlot, status: DutyStatus?)] {
        slots.filter { $0.isScheduled(on: day) }
            .sorted { ($0.window.start.minutes, $0.id) < ($1.window.start.minutes, $1.id) }
            .map { s in
                guard let minute else { return (s, nil) }
                let status: DutyStatus = minute < s.window.start.minutes ? .upcoming : minute < s.window.endMinute ? .onDuty : .finished
                return (s, status)
            }
    }

    /// "12345" → {1,2,3,4,5}; nil when a character is not 1–7 or nothing is given.
    public static func weekdays(_ text: String) -> Set<Int>? {
        var out = Set<Int>()
        for ch in text where ch != "," && ch != " " {
            guard let d = ch.wholeNumberValue, (1...7).contains(d) else { return nil }
            out.insert(d)
        }
        return out.isEmpty ? nil : out
    }

    public static func weekdaysText(_ days: Set<Int>) -> String { days.sorted().map(String.init).joined() }

    public static func weekdayZh(_ d: Int) -> String { ["", "一", "二", "三", "四", "五", "六", "日"][max(0, min(7, d))] }
}

/// People in the jurisdiction's forces beyond police officers (issue 4), each tied to a community.
public enum PersonnelKind: String, Sendable, Codable, CaseIterable {
    case teamMember = "team_member"           // 联防/巡防队员
    case auxiliary                            // 辅警
    case gridWorker = "grid_worker"           // 网格员
    case informationOfficer = "information"   // 治安信息员
    case mediator                             // 人民调解员
    case volunteer                            // 平安志愿者

    public var nameZh: String {
        switch self {
        case .teamMember: "队员"
        case .auxiliary: "辅警"
        case .gridWorker: "网格员"
        case .informationOfficer: "治安信息员"
        case .mediator: "人民调解员"
        case .volunteer: "平安志愿者"
        }
    }
    public var nameEn: String {
        switch self {
        case .teamMember: "Team member"
        case .auxiliary: "Auxiliary police"
        case .gridWorker: "Grid worker"
        case .informationOfficer: "Information officer"
        case .mediator: "Mediator"
        case .volunteer: "Volunteer"
        }
    }
}

/// Recruitment status of a team member (招募状态).
public enum RecruitmentStatus: String, Sendable, Codable, CaseIterable {
    case applied     // 报名
    case active      // 在岗
    case suspended   // 停岗
    case left        // 离队

    public var nameZh: String { switch self { case .applied: "报名待审"; case .active: "在岗"; case .suspended: "停岗"; case .left: "离队" } }
    public var nameEn: String { switch self { case .applied: "Applied"; case .active: "Active"; case .suspended: "Suspended"; case .left: "Left" } }
    /// Counted in the trained share and assessments (members who left are not).
    public var counts: Bool { self == .active || self == .suspended }
}
