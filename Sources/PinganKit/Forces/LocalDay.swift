import Foundation

/// A local calendar date (no time, no zone), "2026-03-05". Work logs, patrols and rectification
/// deadlines are per day; the arithmetic here is integer day counting (proleptic Gregorian), so it is
/// exact, fast and independent of the machine's zone. Convert from an instant with `LocalCalendar`.
public struct LocalDay: Hashable, Comparable, Codable, Sendable, CustomStringConvertible {
    /// Days since 1970-01-01.
    public let dayNumber: Int

    public init(dayNumber: Int) { self.dayNumber = dayNumber }

    /// nil for an invalid date (2026-02-30).
    public init?(year: Int, month: Int, day: Int) {
        guard (1...12).contains(month), day >= 1, day <= LocalDay.daysIn(year: year, month: month) else { return nil }
        dayNumber = LocalDay.daysFromCivil(year, month, day)
    }

    /// "2026-03-05" (also "2026-3-5").
    public init?(_ text: String) {
        let parts = text.trimmingCharacters(in: .whitespaces).split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, (1...2).contains(parts[1].count), (1...2).contains(parts[2].count),
              parts.allSatisfy({ $0.allSatisfy { $0.isASCII && $0.isNumber } }),
              let y = Int(parts[0]), let m = Int(parts[1]), let d = Int(parts[2]) else { return nil }
        self.init(year: y, month: m, day: d)
    }

    /// The local day of an instant in the calendar's zone (Asia/Shanghai by default).
    public init(_ date: Date, in calendar: LocalCalendar) {
        let c = calendar.calendar.dateComponents([.year, .month, .day], from: date)
        dayNumber = LocalDay.daysFromCivil(c.year!, c.month!, c.day!)
    }

    public var components: (year: Int, month: Int, day: Int) { LocalDay.civil(fromDays: dayNumber) }
    public var yearMonth: YearMonth { let c = components; return YearMonth(year: c.year, month: c.month) }

    public func adding(days: Int) -> LocalDay { LocalDay(dayNumber: dayNumber + days) }
    public func days(until other: LocalDay) -> Int { other.dayNumber - dayNumber }
    /// The same date a year earlier (同比 periods); 29 February becomes 28 February.
    public var sameDayLastYear: LocalDay {
        let c = components
        return LocalDay(year: c.year - 1, month: c.month, day: min(c.day, LocalDay.daysIn(year: c.year - 1, month: c.month)))!
    }

    /// 1 = Monday … 7 = Sunday (ISO 8601). 1970-01-01 was a Thursday.
    public var weekday: Int { ((dayNumber % 7 + 7) % 7 + 3) % 7 + 1 }

    /// The ISO 8601 week containing this day.
    public var isoWeek: ISOWeek {
        let thursday = adding(days: 4 - weekday)
        let y = thursday.components.year
        let jan1 = LocalDay.daysFromCivil(y, 1, 1)
        return ISOWeek(year: y, week: (thursday.dayNumber - jan1) / 7 + 1)
    }

    public var description: String {
        let c = components
        return pad(c.year, 4) + "-" + pad(c.month, 2) + "-" + pad(c.day, 2)
    }

    public static func < (a: LocalDay, b: LocalDay) -> Bool { a.dayNumber < b.dayNumber }

    public init(from decoder: Decoder) throws {
        let c = try decoder.singleValueContainer()
        let s = try c.decode(String.self)
        guard let v = LocalDay(s) else {
            throw DecodingError.dataCorruptedError(in: c, debugDescription: "Expected \"YYYY-MM-DD\", got \"\(s)\"")
        }
        self = v
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(description)
    }

    /// First and last day of a month.
    public static func firstDay(of m: YearMonth) -> LocalDay { LocalDay(dayNumber: daysFromCivil(m.year, m.month, 1)) }
    public static func lastDay(of m: YearMonth) -> LocalDay { firstDay(of: m.next).adding(days: -1) }

    public static func daysIn(year: Int, month: Int) -> Int {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    // Howard Hinnant's days_from_civil / civil_from_days.
    static func daysFromCivil(_ y0: Int, _ m: Int, _ d: Int) -> Int {
        let y = m <= 2 ? y0 - 1 : y0
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (m + 9) % 12
        let doy = (153 * mp + 2) / 5 + d - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    static func civil(fromDays z0: Int) -> (year: Int, month: Int, day: Int) {
        let z = z0 + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        let y = yoe + era * 400 + (m <= 2 ? 1 : 0)
        return (y, m, d)
    }

    private func pad(_ v: Int, _ w: Int) -> String { v < 0 ? String(v) : DivisionCode.zeroPadded(v, width: w) }
}

/// An ISO 8601 week, "2026-W05". Weeks start on Monday; week 1 holds the year's first Thursday.
public struct ISOWeek: Hashable, Comparable, Codable, Sendable, CustomStringConvertible {
    public var year: Int
    public var week: Int

    public init(year: Int, week: Int) {
        self.year = year
        self.week = week
    }

    /// The Monday of the week.
    public var monday: LocalDay {
        let jan4 = LocalDay(dayNumber: LocalDay.daysFromCivil(year, 1, 4))
        return jan4.adding(days: 1 - jan4.weekday + (week - 1) * 7)
    }
    public var sunday: LocalDay { monday.adding(days: 6) }
    public var days: ClosedRange<LocalDay> { monday...sunday }
    /// The month a week is reported in: the month of its Thursday (the ISO rule for years, applied to months).
    public var reportingMonth: YearMonth { monday.adding(days: 3).yearMonth }
    public var next: ISOWeek { monday.adding(days: 7).isoWeek }

    public var description: String { "\(year)-W" + (week < 10 ? "0" : "") + String(week) }

    public static func < (a: ISOWeek, b: ISOWeek) -> Bool { (a.year, a.week) < (b.year, b.week) }

    /// Parses "2026-W05" (also "2026-W5"); rejects weeks the year does not have.
    public init?(_ text: String) {
        let parts = text.trimmingCharacters(in: .whitespaces).uppercased().split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 2, parts[0].count == 4, parts[1].hasPrefix("W"), (2...3).contains(parts[1].count),
              let y = Int(parts[0]), let w = Int(parts[1].dropFirst()), w >= 1 else { return nil }
        let candidate = ISOWeek(year: y, week: w)
        guard candidate.monday.isoWeek == candidate else { return nil }
        self = candidate
    }

    /// Codable as the string "2026-W05".
    public init(from decoder: Decoder) throws {
        let c = try decoder.singleValueContainer()
        let s = try c.decode(String.self)
        guard let v = ISOWeek(s) else {
            throw DecodingError.dataCorruptedError(in: c, debugDescription: "Expected \"YYYY-Www\", got \"\(s)\"")
        }
        self = v
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(description)
    }

    /// Weeks whose Thursday falls in the month, in order.
    public static func reported(in month: YearMonth) -> [ISOWeek] {
        var out: [ISOWeek] = []
        var w = LocalDay.firstDay(of: month).isoWeek
        while w.reportingMonth <= month {
            if w.reportingMonth == month { out.append(w) }
            w = w.next
        }
        return out
    }

    /// Every ISO week that has at least one day in the range, in order.
    public static func touching(_ days: ClosedRange<LocalDay>) -> [ISOWeek] {
        var out: [ISOWeek] = []
        var w = days.lowerBound.isoWeek
        while w.monday <= days.upperBound {
            out.append(w)
            w = w.next
        }
        return out
    }
}
