/// The working periods of a working day (作息时间), in local time. Default 08:30–12:00 and 14:00–17:30
/// (7 h a day). `roundTheClock` is the 24-h mode for urgent work: every hour of every day counts,
/// rest days included.

/// [start, end) in minutes after local midnight, 0 ≤ start < end ≤ 1440.
public struct WorkingPeriod: Codable, Hashable, Sendable, CustomStringConvertible {
    public var start: Int
    public var end: Int
    public init(start: Int, end: Int) {
        self.start = start
        self.end = end
    }
    /// Hours and minutes: `WorkingPeriod(8, 30, to: 12, 0)`.
    public init(_ h1: Int, _ m1: Int, to h2: Int, _ m2: Int) { self.init(start: h1 * 60 + m1, end: h2 * 60 + m2) }

    public var minutes: Int { end - start }
    /// "08:30-12:00"
    public var description: String { Self.clock(start) + "-" + Self.clock(end) }
    static func clock(_ m: Int) -> String { DivisionCode.zeroPadded(m / 60, width: 2) + ":" + DivisionCode.zeroPadded(m % 60, width: 2) }
}

public struct WorkingCalendarError: Error, Equatable, Sendable {
    public var messageZh: String
    public var messageEn: String
}

public struct WorkingHours: Codable, Equatable, Sendable, CustomStringConvertible {
    /// Sorted, disjoint periods.
    public let periods: [WorkingPeriod]
    /// 24-h mode: all hours of all days, rest days too.
    public let isRoundTheClock: Bool

    /// 08:30–12:00 and 14:00–17:30: 7 h a day.
    public static let standard = try! WorkingHours(periods: [WorkingPeriod(8, 30, to: 12, 0), WorkingPeriod(14, 0, to: 17, 30)])
    /// 24-h mode for urgent work.
    public static let roundTheClock = WorkingHours(allDay: ())

    /// Periods of a working day; they are sorted, and must lie within the day and not overlap
    /// (touching is allowed: 08:00-12:00 and 12:00-13:00).
    public init(periods: [WorkingPeriod]) throws(WorkingCalendarError) {
        let sorted = periods.sorted { $0.start < $1.start }
        guard !sorted.isEmpty else {
            throw WorkingCalendarError(messageZh: "至少需要一个工作时段", messageEn: "Give at least one working period")
        }
        for p in sorted where !(p.start >= 0 && p.start < p.end && p.end <= 1440) {
            throw WorkingCalendarError(messageZh: "工作时段“\(p)”无效：须在 00:00–24:00 之内且结束晚于开始",
                                       messageEn: "Working period \(p) is invalid: it must lie within 00:00-24:00 and end after it starts")
        }
        for (a, b) in zip(sorted, sorted.dropFirst()) where b.start < a.end {
            throw WorkingCalendarError(messageZh: "工作时段“\(a)”与“\(b)”重叠", messageEn: "Working periods \(a) and \(b) overlap")
        }
        self.periods = sorted
        isRoundTheClock = false
    }

    /// "08:30-12:00, 14:00-17:30" (also "8:30-12:00；14:00-17:30", "–" or "～" as the dash).
    public init(parsing text: String) throws(WorkingCalendarError) {
        let bad = WorkingCalendarError(messageZh: "无法识别工作时段“\(text)”，请按“08:30-12:00, 14:00-17:30”填写",
                                       messageEn: "Cannot read working periods \"\(text)\"; write them as 08:30-12:00, 14:00-17:30")
        var periods: [WorkingPeriod] = []
        let normalised = text.replacingOccurrences(of: "–", with: "-").replacingOccurrences(of: "～", with: "-")
            .replacingOccurrences(of: "~", with: "-").replacingOccurrences(of: "：", with: ":")
        for part in normalised.split(whereSeparator: { ",，;；、".contains($0) }) {
            let ends = part.split(separator: "-", omittingEmptySubsequences: false)
            guard ends.count == 2, let a = Self.minutes(ends[0].whitespaceTrimmed), let b = Self.minutes(ends[1].whitespaceTrimmed)
            else { throw bad }
            periods.append(WorkingPeriod(start: a, end: b))
        }
        try self.init(periods: periods)
    }

    private init(allDay: Void) {
        periods = [WorkingPeriod(start: 0, end: 1440)]
        isRoundTheClock = true
    }

    /// 7.0 for the standard day, 24.0 round the clock.
    public var hoursPerDay: Double { Double(periods.reduce(0) { $0 + $1.minutes }) / 60 }

    /// "08:30-12:00, 14:00-17:30"; "24h" round the clock.
    public var description: String { isRoundTheClock ? "24h" : periods.map(\.description).joined(separator: ", ") }

    /// "8:30" or "08:30" → 510; "24:00" → 1440.
    private static func minutes(_ s: String) -> Int? {
        let hm = s.split(separator: ":", omittingEmptySubsequences: false)
        guard hm.count == 2, (1...2).contains(hm[0].count), hm[1].count == 2,
              let h = Int(hm[0]), let m = Int(hm[1]), h >= 0, m >= 0, m < 60, h * 60 + m <= 1440 else { return nil }
        return h * 60 + m
    }

    private enum CodingKeys: String, CodingKey { case periods, roundTheClock }
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        if try c.decodeIfPresent(Bool.self, forKey: .roundTheClock) == true { self = .roundTheClock; return }
        do {
            try self.init(periods: c.decode([WorkingPeriod].self, forKey: .periods))
        } catch let e as WorkingCalendarError {
            throw DecodingError.dataCorruptedError(forKey: .periods, in: c, debugDescription: e.messageEn)
        }
    }
    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(periods, forKey: .periods)
        try c.encode(isRoundTheClock, forKey: .roundTheClock)
    }
}
