import Foundation

/// A calendar month, written "2026-03". Codable as that string.
public struct YearMonth: Hashable, Comparable, Codable, Sendable, CustomStringConvertible {
    public var year: Int
    public var month: Int

    /// Months outside 1...12 are normalised into the neighbouring years (month 13 of 2025 → 2026-01,
    /// month 0 of 2026 → 2025-12), so arithmetic never produces an invalid value.
    public init(year: Int, month: Int) {
        let zeroBased = year * 12 + (month - 1)
        self.year = Self.floorDiv(zeroBased, 12)
        self.month = zeroBased - self.year * 12 + 1
    }

    /// Parses "2026-03" (also "2026-3"); rejects anything else, including month 0 or 13.
    public init?(_ text: String) {
        let t = text.trimmingCharacters(in: .whitespaces)
        let parts = t.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 2,
              parts[0].count == 4, (1...2).contains(parts[1].count),
              parts[0].allSatisfy(\.isASCIIDigit), parts[1].allSatisfy(\.isASCIIDigit),
              let y = Int(parts[0]), let m = Int(parts[1]), (1...12).contains(m) else { return nil }
        year = y
        month = m
    }

    public func adding(months: Int) -> YearMonth { YearMonth(year: year, month: month + months) }
    public var previous: YearMonth { adding(months: -1) }
    public var next: YearMonth { adding(months: 1) }
    public var sameMonthLastYear: YearMonth { YearMonth(year: year - 1, month: month) }

    /// "2026-03"
    public var description: String {
        let y = year >= 0 && year < 10000 ? DivisionCode.zeroPadded(year, width: 4) : String(year)
        return y + "-" + DivisionCode.zeroPadded(month, width: 2)
    }

    public static func < (a: YearMonth, b: YearMonth) -> Bool {
        (a.year, a.month) < (b.year, b.month)
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.singleValueContainer()
        let s = try c.decode(String.self)
        guard let v = YearMonth(s) else {
            throw DecodingError.dataCorruptedError(in: c, debugDescription: "Expected \"YYYY-MM\", got \"\(s)\"")
        }
        self = v
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(description)
    }

    private static func floorDiv(_ a: Int, _ b: Int) -> Int {
        let q = a / b
        return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q
    }
}

extension Character {
    fileprivate var isASCIIDigit: Bool { isASCII && isNumber }
}

/// Local-time helpers for one zone (default Asia/Shanghai). Only value types are stored (TimeZone and a
/// Gregorian Calendar), so it is Sendable. Parsing and formatting are done by hand, so nothing depends on
/// the machine's locale or on non-Sendable DateFormatter instances.
public struct LocalCalendar: Sendable {
    public var timeZone: TimeZone {
        didSet { calendar.timeZone = timeZone }
    }
    /// Gregorian calendar in `timeZone`, en_US_POSIX locale.
    public private(set) var calendar: Calendar

    /// Falls back to UTC+8 if the identifier is unknown.
    public init(timeZoneIdentifier: String = "Asia/Shanghai") {
        let zone = TimeZone(identifier: timeZoneIdentifier) ?? TimeZone(secondsFromGMT: 8 * 3600)!
        self.init(timeZone: zone)
    }

    public init(timeZone: TimeZone) {
        var cal = Calendar(identifier: .gregorian)
        cal.locale = Locale(identifier: "en_US_POSIX")
        cal.timeZone = timeZone
        cal.firstWeekday = 2 // Monday
        self.timeZone = timeZone
        self.calendar = cal
    }

    // MARK: Ranges

    /// [first instant of the month, first instant of the next month) in this zone.
    public func monthRange(_ m: YearMonth) -> Range<Date> {
        let start = date(year: m.year, month: m.month, day: 1)
        let end = date(year: m.next.year, month: m.next.month, day: 1)
        return start ..< end
    }

    /// Local calendar days: start of `from`'s day ..< start of the day after `through`.
    /// If `through` is before `from`'s day, the range is empty (starts and ends at the start of `from`'s day).
    public func dayRange(from: Date, through: Date) -> Range<Date> {
        let lower = startOfDay(from)
        let upper = startOfNextDay(through)
        return lower ..< max(lower, upper)
    }

    public func yearMonth(of date: Date) -> YearMonth {
        let c = calendar.dateComponents([.year, .month], from: date)
        return YearMonth(year: c.year!, month: c.month!)
    }

    public func startOfDay(_ date: Date) -> Date { calendar.startOfDay(for: date) }

    public func startOfNextDay(_ date: Date) -> Date {
        let start = startOfDay(date)
        return calendar.date(byAdding: .day, value: 1, to: start) ?? start.addingTimeInterval(86_400)
    }

    /// Local midnight of a given date (components are not range-checked; use parseLocalDate for input).
    public func date(year: Int, month: Int, day: Int, hour: Int = 0, minute: Int = 0, second: Int = 0) -> Date {
        var c = DateComponents()
        c.calendar = calendar
        c.timeZone = timeZone
        c.year = year; c.month = month; c.day = day
        c.hour = hour; c.minute = minute; c.second = second
        return calendar.date(from: c)!
    }

    // MARK: Parsing

    /// "2026-03-05" → local midnight. Rejects invalid dates such as 2026-02-30.
    public func parseLocalDate(_ s: String) -> Date? {
        let t = Array(s.whitespaceTrimmed.utf8)
        guard t.count == 10, let f = Self.parseDateFields(t[0..<10]) else { return nil }
        return makeChecked(year: f.0, month: f.1, day: f.2, hour: 0, minute: 0, second: 0)
    }

    /// "2026-03-05" when `s` (trimmed) is that real calendar date, else nil: what `formatDate(parseLocalDate(s))`
    /// answers, without a Calendar (two Calendar calls per value were a visible cost of importing millions of rows).
    public static func normalizedLocalDate(_ s: String) -> String? {
        let t = Array(s.whitespaceTrimmed.utf8)
        guard t.count == 10, let (y, m, d) = parseDateFields(t[0..<10]), y >= 1, (1...12).contains(m), d >= 1,
              d <= ResidentID.BirthDate.daysIn(month: m, year: y) else { return nil }
        return String(decoding: t, as: UTF8.self)
    }

    /// "2026-03-05T14:30", "2026-03-05 14:30", optionally with ":ss" → the instant in this zone.
    public func parseLocalDateTime(_ s: String) -> Date? {
        let t = Array(s.trimmingCharacters(in: .whitespaces).utf8)
        guard t.count == 16 || t.count == 19,
              t[10] == UInt8(ascii: "T") || t[10] == UInt8(ascii: " "),
              let f = Self.parseDateFields(t[0..<10]),
              let hh = Self.number(t[11..<13]), t[13] == UInt8(ascii: ":"),
              let mm = Self.number(t[14..<16]) else { return nil }
        var ss = 0
        if t.count == 19 {
            guard t[16] == UInt8(ascii: ":"), let v = Self.number(t[17..<19]) else { return nil }
            ss = v
        }
        guard hh < 24, mm < 60, ss < 60 else { return nil }
        return makeChecked(year: f.0, month: f.1, day: f.2, hour: hh, minute: mm, second: ss)
    }

    // MARK: Formatting

    /// "2026-03-05"
    public func formatDate(_ d: Date) -> String {
        let c = calendar.dateComponents([.year, .month, .day], from: d)
        return Self.pad(c.year!, 4) + "-" + Self.pad(c.month!, 2) + "-" + Self.pad(c.day!, 2)
    }

    /// "2026-03-05 14:30"
    public func formatDateTime(_ d: Date) -> String { formatDateTime(d, separator: " ") }

    /// "2026-03-05T14:30" for <input type=datetime-local>.
    public func formatDateTimeInput(_ d: Date) -> String { formatDateTime(d, separator: "T") }

    /// 0...23 in this zone.
    public func hour(of d: Date) -> Int { calendar.component(.hour, from: d) }

    /// 1 = Monday … 7 = Sunday (ISO 8601).
    public func weekday(of d: Date) -> Int {
        let w = calendar.component(.weekday, from: d) // 1 = Sunday
        return (w + 5) % 7 + 1
    }

    // MARK: Private

    private func formatDateTime(_ d: Date, separator: String) -> String {
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute], from: d)
        return Self.pad(c.year!, 4) + "-" + Self.pad(c.month!, 2) + "-" + Self.pad(c.day!, 2)
            + separator + Self.pad(c.hour!, 2) + ":" + Self.pad(c.minute!, 2)
    }

    /// Builds the date and verifies the components round-trip (rejects Feb 30, etc.).
    private func makeChecked(year: Int, month: Int, day: Int, hour: Int, minute: Int, second: Int) -> Date? {
        guard (1...12).contains(month), (1...31).contains(day) else { return nil }
        let d = date(year: year, month: month, day: day, hour: hour, minute: minute, second: second)
        let c = calendar.dateComponents([.year, .month, .day], from: d)
        guard c.year == year, c.month == month, c.day == day else { return nil }
        return d
    }

    private static func parseDateFields(_ b: ArraySlice<UInt8>) -> (Int, Int, Int)? {
        let s = b.startIndex
        guard b.count == 10, b[s + 4] == UInt8(ascii: "-"), b[s + 7] == UInt8(ascii: "-"),
              let y = number(b[s ..< s + 4]), let m = number(b[s + 5 ..< s + 7]),
              let d = number(b[s + 8 ..< s + 10]) else { return nil }
        return (y, m, d)
    }

    private static func number(_ b: ArraySlice<UInt8>) -> Int? {
        var v = 0
        for byte in b {
            guard byte >= 0x30, byte <= 0x39 else { return nil }
            v = v * 10 + Int(byte - 0x30)
        }
        return b.isEmpty ? nil : v
    }

    private static func pad(_ v: Int, _ width: Int) -> String {
        v < 0 ? String(v) : DivisionCode.zeroPadded(v, width: width)
    }
}
