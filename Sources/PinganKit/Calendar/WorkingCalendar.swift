import Foundation

/// 工作日历: which local dates are working days, and the working hours of a working day, so that time
/// limits (办理时限) can be counted in working hours. A date is a working day when
/// - an entry says so (the embedded State Council notices, or the district's own entries, which win), or
/// - there is no entry and it is Monday–Friday.
/// Years after the embedded notices are weekends-only until an administrator enters the year's notice
/// (`coverage(_:)` says which years are known). Working-hour arithmetic is in `WorkingCalendar+Hours.swift`.

/// Rest day (休) or working day (班).
public enum CalendarDayKind: String, CaseIterable, Codable, Sendable {
    case rest, working
    public var nameZh: String { self == .rest ? "休" : "班" }
    public var nameEn: String { self == .rest ? "Rest day" : "Working day" }
}

/// One dated entry of a notice: an official rest day, or a weekend working day (调休上班).
public struct CalendarDayEntry: Codable, Equatable, Hashable, Sendable {
    public var day: LocalDay
    public var kind: CalendarDayKind
    /// "春节", or what the administrator typed ("区运动会调休").
    public var nameZh: String
    public var nameEn: String
    /// A rest day that exists only because a weekend day was swapped (调休的休息日).
    public var inLieu: Bool

    public init(day: LocalDay, kind: CalendarDayKind, nameZh: String, nameEn: String? = nil, inLieu: Bool = false) {
        self.day = day
        self.kind = kind
        self.nameZh = nameZh
        self.nameEn = nameEn ?? nameZh
        self.inLieu = inLieu
    }
}

/// Whether a year's notice is known.
public enum CalendarCoverage: String, Codable, Sendable {
    /// The State Council notice ships with Pingan (`CNHolidays.embeddedYears`).
    case embedded
    /// An administrator entered the year's notice (`WorkingCalendar.init(…, enteredYears:)`).
    case entered
    /// No notice: Saturdays and Sundays are rest days, plus any single days an administrator entered.
    case weekendsOnly = "weekends_only"

    public var isKnown: Bool { self != .weekendsOnly }
    public var nameZh: String {
        switch self { case .embedded: "已内置国务院通知"; case .entered: "已录入本年通知"; case .weekendsOnly: "未录入本年通知（仅按周末计算）" }
    }
    public var nameEn: String {
        switch self {
        case .embedded: "State Council notice built in"; case .entered: "Notice entered by the district"
        case .weekendsOnly: "No notice for the year (weekends only)"
        }
    }
}

/// China's official rest days and make-up working days, 2004 to the last embedded notice
/// (data in the generated `CNHolidayData.swift`).
public enum CNHolidays {
    /// Every embedded entry, in date order.
    public static let entries: [CalendarDayEntry] = table.flatMap { row in
        row.days.split(separator: " ").map { token -> CalendarDayEntry in
            let t = Array(token.utf8)
            let mmdd = Int(String(decoding: t[1..<5], as: UTF8.self))!
            return CalendarDayEntry(day: LocalDay(year: row.year, month: mmdd / 100, day: mmdd % 100)!,
                                    kind: t[0] == UInt8(ascii: "w") ? .working : .rest,
                                    nameZh: row.nameZh, nameEn: row.nameEn, inLieu: t.count == 6)
        }
    }
}

public struct WorkingCalendar: Sendable {
    /// The zone working hours are read in (Asia/Shanghai by default).
    public let localCalendar: LocalCalendar
    public let hours: WorkingHours
    /// Years the default entries cover completely (the embedded notices).
    public let embeddedYears: ClosedRange<Int>?
    public let enteredYears: Set<Int>
    /// Day number → entry, district entries over embedded ones.
    private let entriesByDay: [Int: CalendarDayEntry]
    /// The zone's UTC offset when it has no transitions from 2000 on (Asia/Shanghai: +8 h), else nil
    /// (then every conversion asks the zone; instants before 2000 always do).
    let fixedOffset: Int?

    /// - defaults: the embedded notices (`CNHolidays.entries`, complete for `defaultYears`).
    /// - overrides: the district's entries (a new year's notice, or single days); they replace a default
    ///   entry on the same date. Two overrides on one date: the later one in the list wins.
    /// - enteredYears: years whose whole notice the administrator has entered (for `coverage`).
    public init(hours: WorkingHours = .standard, localCalendar: LocalCalendar = LocalCalendar(),
                defaults: [CalendarDayEntry] = CNHolidays.entries, defaultYears: ClosedRange<Int>? = CNHolidays.embeddedYears,
                overrides: [CalendarDayEntry] = [], enteredYears: Set<Int> = []) {
        self.hours = hours
        self.localCalendar = localCalendar
        self.embeddedYears = defaultYears
        self.enteredYears = enteredYears
        var byDay: [Int: CalendarDayEntry] = [:]
        byDay.reserveCapacity(defaults.count + overrides.count)
        for e in defaults { byDay[e.day.dayNumber] = e }
        for e in overrides { byDay[e.day.dayNumber] = e }
        entriesByDay = byDay
        fixedOffset = Self.fixedOffset(of: localCalendar.timeZone)
    }

    /// China with the embedded notices, standard hours (08:30–12:00, 14:00–17:30), Asia/Shanghai.
    public static let china = WorkingCalendar()

    /// The same days and zone, other working hours (e.g. `.roundTheClock` for urgent work).
    public func with(hours: WorkingHours) -> WorkingCalendar {
        WorkingCalendar(copying: self, hours: hours)
    }

    /// The same days and zone with every hour of every day counted (24-h mode for urgent events).
    public var roundTheClock: WorkingCalendar { with(hours: .roundTheClock) }

    // MARK: Days

    /// The notice entry for a day (nil: an ordinary day).
    public func entry(on day: LocalDay) -> CalendarDayEntry? { entriesByDay[day.dayNumber] }

    /// Rest day or working day: the entry if there is one, else Monday–Friday working, Saturday/Sunday rest.
    public func kind(of day: LocalDay) -> CalendarDayKind {
        if let e = entriesByDay[day.dayNumber] { return e.kind }
        return day.weekday <= 5 ? .working : .rest
    }

    public func isWorkingDay(_ day: LocalDay) -> Bool { kind(of: day) == .working }

    /// The working-day status of the local date an instant falls on.
    public func isWorkingDay(_ date: Date) -> Bool { isWorkingDay(localDay(of: date)) }

    /// Whether the year's notice is known (embedded or entered) or only weekends are.
    public func coverage(_ year: Int) -> CalendarCoverage {
        if enteredYears.contains(year) { return .entered }
        if embeddedYears?.contains(year) == true { return .embedded }
        return .weekendsOnly
    }

    /// The entries (embedded and district) of a year, in date order.
    public func entries(in year: Int) -> [CalendarDayEntry] {
        let lo = LocalDay(year: year, month: 1, day: 1)!.dayNumber, hi = LocalDay(year: year, month: 12, day: 31)!.dayNumber
        return entriesByDay.filter { (lo...hi).contains($0.key) }.sorted { $0.key < $1.key }.map(\.value)
    }

    /// Working days in a closed range of days.
    public func workingDays(from first: LocalDay, through last: LocalDay) -> Int {
        guard first <= last else { return 0 }
        var n = 0
        for d in first.dayNumber...last.dayNumber where isWorkingDay(LocalDay(dayNumber: d)) { n += 1 }
        return n
    }

    // MARK: Local time

    /// The local date of an instant.
    public func localDay(of date: Date) -> LocalDay {
        let local = Int((date.timeIntervalSince1970 + Double(offset(at: date.timeIntervalSince1970))).rounded(.down))
        return LocalDay(dayNumber: Self.floorDiv(local, 86_400))
    }

    /// Seconds east of UTC at an instant (seconds since 1970).
    func offset(at t: Double) -> Int {
        if let fixedOffset, t >= Self.fixedSince { return fixedOffset }
        return localCalendar.timeZone.secondsFromGMT(for: Date(timeIntervalSince1970: t))
    }

    /// Seconds since 1970 of local midnight + `second` on `day`. The offset is read at local noon, so a
    /// zone with daylight saving is exact except inside the transition night (no working hours there).
    func instant(_ day: LocalDay, second: Int) -> Double {
        let localMidnight = Double(day.dayNumber) * 86_400
        if let fixedOffset, localMidnight >= Self.fixedSince + 86_400 { return localMidnight + Double(second - fixedOffset) }
        let guess = offset(at: localMidnight + 43_200)
        return localMidnight + Double(second - offset(at: localMidnight + 43_200 - Double(guess)))
    }

    static func floorDiv(_ a: Int, _ b: Int) -> Int {
        let q = a / b
        return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q
    }

    /// 2000-01-01T00:00Z: from here on a zone without transitions has one offset.
    static let fixedSince: Double = 946_684_800

    private static func fixedOffset(of zone: TimeZone) -> Int? {
        let from = Date(timeIntervalSince1970: fixedSince)
        guard zone.nextDaylightSavingTimeTransition(after: from) == nil else { return nil }
        return zone.secondsFromGMT(for: from)
    }

    private init(copying other: WorkingCalendar, hours: WorkingHours) {
        self.hours = hours
        localCalendar = other.localCalendar
        embeddedYears = other.embeddedYears
        enteredYears = other.enteredYears
        entriesByDay = other.entriesByDay
        fixedOffset = other.fixedOffset
    }
}

extension CalendarDayEntry {
    /// A notice as an administrator types or pastes it, one day a line: `2027-02-06, 休, 春节[, Spring Festival]`.
    /// Separators: comma (also "，") or tab. Kind: 休 / rest / holiday, or 班 / working / workday. Blank
    /// lines, lines starting with "#" and a header line starting with "date" are skipped. A date twice is an error.
    public static func parseNotice(_ text: String) throws(WorkingCalendarError) -> [CalendarDayEntry] {
        var out: [CalendarDayEntry] = []
        var seen = Set<LocalDay>()
        for (i, raw) in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).enumerated() {
            let line = raw.whitespaceTrimmed
            if line.isEmpty || line.hasPrefix("#") || line.lowercased().hasPrefix("date") { continue }
            let f = line.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "," || $0 == "，" || $0 == "\t" }).map(\.whitespaceTrimmed)
            func fail(_ zh: String, _ en: String) -> WorkingCalendarError {
                WorkingCalendarError(messageZh: "第 \(i + 1) 行：\(zh)", messageEn: "Line \(i + 1): \(en)")
            }
            guard f.count >= 3, f.count <= 4 else { throw fail("应为“日期, 休/班, 名称”", "expected \"date, rest/working, name\"") }
            guard let day = LocalDay(f[0]) else { throw fail("日期“\(f[0])”无效", "invalid date \"\(f[0])\"") }
            let kind: CalendarDayKind
            switch f[1].lowercased() {
            case "休", "休息", "rest", "holiday": kind = .rest
            case "班", "上班", "working", "workday": kind = .working
            default: throw fail("“\(f[1])”应为“休”或“班”", "\"\(f[1])\" must be rest or working")
            }
            guard !f[2].isEmpty else { throw fail("缺少名称", "the name is missing") }
            guard seen.insert(day).inserted else { throw fail("日期 \(day) 重复", "\(day) appears twice") }
            out.append(CalendarDayEntry(day: day, kind: kind, nameZh: f[2], nameEn: f.count == 4 && !f[3].isEmpty ? f[3] : nil))
        }
        return out.sorted { $0.day < $1.day }
    }
}
