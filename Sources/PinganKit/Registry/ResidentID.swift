import Foundation

/// Why a string is not a valid resident identity number (居民身份证号码, GB 11643-1999).
/// An `Error` so it can be the failure type of `Result` (and thrown with `.get()`).
public enum ResidentIDProblem: Error, Equatable, Sendable {
    /// Nothing left after trimming white space.
    case empty
    /// Not 18 characters (after normalisation). 15 = a first-generation number (no longer issued).
    case wrongLength(Int)
    /// A character other than 0–9, or an X anywhere but in the last position.
    case badCharacters
    /// The MOD 11-2 check character (18th) is wrong; `expected` is the right one for the first 17.
    case badChecksum(expected: Character)
    /// Characters 7–14 are not a real Gregorian date (month 13, 31 April, 29 February 2023, …).
    case invalidBirthDate
    /// The birth date is after today (in Asia/Shanghai).
    case futureBirthDate
    /// The birth date is before 1890.
    case tooOld
    /// The first 6 characters are not a county- or city-level division code, current or abolished.
    case unknownDivision(String)

    public var messageZh: String {
        switch self {
        case .empty:
            "请输入身份证号码"
        case .wrongLength(15):
            "这是 15 位的第一代身份证号码，已停止使用，请提供 18 位号码"
        case .wrongLength(let n):
            "身份证号码应为 18 位，当前为 \(n) 位"
        case .badCharacters:
            "身份证号码只能由数字组成，最后一位可以是 X"
        case .badChecksum(let expected):
            "校验码（最后一位）应为 \(expected)，请核对号码是否输错"
        case .invalidBirthDate:
            "出生日期（第 7–14 位）不是有效日期"
        case .futureBirthDate:
            "出生日期（第 7–14 位）晚于今天"
        case .tooOld:
            "出生日期（第 7–14 位）早于 1890 年"
        case .unknownDivision(let code):
            "地址码 \(code)（前 6 位）不是现行或曾经使用过的行政区划代码"
        }
    }

    public var messageEn: String {
        switch self {
        case .empty:
            "The identity number is empty"
        case .wrongLength(15):
            "This is a 15-digit first-generation number, which is no longer in use; enter the 18-digit number"
        case .wrongLength(let n):
            "An identity number has 18 characters; this one has \(n)"
        case .badCharacters:
            "An identity number contains digits only; the last character may be X"
        case .badChecksum(let expected):
            "The check digit (last character) should be \(expected); check the number for a typing error"
        case .invalidBirthDate:
            "The birth date (characters 7–14) is not a real date"
        case .futureBirthDate:
            "The birth date (characters 7–14) is after today"
        case .tooOld:
            "The birth date (characters 7–14) is before 1890"
        case .unknownDivision(let code):
            "The address code \(code) (first 6 digits) is not a current or former division code"
        }
    }
}

/// A valid 18-character resident identity number (GB 11643-1999).
///
/// Layout: 6-digit address code (GB/T 2260 division where the number was first issued) +
/// 8-digit birth date YYYYMMDD + 3-digit sequence (odd = male, even = female) + ISO 7064 MOD 11-2
/// check character (0–9 or X).
///
/// `parse` normalises the input (`normalize`) and then checks, stopping at the first problem:
/// 1. empty → `.empty`
/// 2. characters → `.badCharacters` (digits only, X only last; checked before the length, so "A12"
///    is reported as bad characters, not as 3 characters long)
/// 3. length → `.wrongLength(n)`
/// 4. check character → `.badChecksum(expected:)` (a typing error is the most likely cause, so it
///    is reported before anything derived from the digits)
/// 5. birth date → `.invalidBirthDate` (not a real date), `.tooOld` (before 1890),
///    `.futureBirthDate` (after `today` in Asia/Shanghai)
/// 6. address code → `.unknownDivision(code)` when not in `divisions` (any code in force since 1980,
///    no check of the birth year against the code's years: people keep their first code and
///    re-registration after a hukou move gives a newer code to older people).
///
/// `description` is the masked form, so interpolating a ResidentID into a log line does not leak it.
public struct ResidentID: Sendable, Hashable, CustomStringConvertible {
    /// Birth date as written in characters 7–14 (a real Gregorian date once parsed).
    /// Chosen over DateComponents so it is a plain, comparable, time-zone-free value.
    public struct BirthDate: Sendable, Hashable, Comparable, CustomStringConvertible {
        public let year: Int
        public let month: Int
        public let day: Int

        public init(year: Int, month: Int, day: Int) {
            self.year = year
            self.month = month
            self.day = day
        }

        /// Is this a real Gregorian date (year ≥ 1)?
        public var isValid: Bool {
            year >= 1 && (1...12).contains(month) && day >= 1 && day <= Self.daysIn(month: month, year: year)
        }

        /// year, month and day with a Gregorian calendar.
        public var dateComponents: DateComponents {
            DateComponents(calendar: Calendar(identifier: .gregorian), year: year, month: month, day: day)
        }

        /// "1949-12-31"
        public var description: String {
            DivisionCode.zeroPadded(year, width: 4) + "-" + DivisionCode.zeroPadded(month, width: 2) + "-"
                + DivisionCode.zeroPadded(day, width: 2)
        }

        public static func < (a: BirthDate, b: BirthDate) -> Bool {
            (a.year, a.month, a.day) < (b.year, b.month, b.day)
        }

        public static func isLeap(_ year: Int) -> Bool { (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 }

        public static func daysIn(month: Int, year: Int) -> Int {
            switch month {
            case 2: isLeap(year) ? 29 : 28
            case 4, 6, 9, 11: 30
            default: 31
            }
        }
    }

    /// Normalised: 18 characters, digits and possibly a final uppercase X.
    public let value: String

    private init(value: String) { self.value = value }

    /// First 6 digits: the GB/T 2260 code of the place of first issue.
    public var divisionCode: String { String(value.prefix(6)) }

    public var birthDate: BirthDate {
        let d = Self.digits(value)
        return BirthDate(year: Self.number(d, 6, 4), month: Self.number(d, 10, 2), day: Self.number(d, 12, 2))
    }

    /// The 3-digit sequence number (characters 15–17).
    public var sequence: Int { Self.number(Self.digits(value), 14, 3) }

    /// The 17th digit is odd for men, even for women.
    public var isMale: Bool { sequence % 2 == 1 }

    /// First 6 + 8 stars + last 4, e.g. "440113********1234".
    public var masked: String { String(value.prefix(6)) + String(repeating: "*", count: 8) + String(value.suffix(4)) }

    public var description: String { masked }

    /// "1980s" for a stored birth year: what is shown next to the mask. With the birth year in clear, the mask's six
    /// and four digits left about 33 numbers (365 days ÷ 11 check digits); with the decade it is about 330, and it
    /// stays the same year after year (an age band would shift and narrow the year down over time).
    public static func birthDecade(ofYear year: String) -> String {
        guard year.count == 4, Int(year) != nil else { return "—" }
        return String(year.prefix(3)) + "0s"
    }

    /// Trims white space (including U+3000), converts full-width digits ０–９ and Ｘ/ｘ to ASCII and
    /// lowercase x to X. Does not remove inner spaces or other characters.
    public static func normalize(_ raw: String) -> String {
        var out = String.UnicodeScalarView()
        for scalar in raw.whitespaceTrimmed.unicodeScalars {
            switch scalar.value {
            case 0xFF10...0xFF19: out.append(Unicode.Scalar(scalar.value - 0xFF10 + 0x30)!)
            case 0x78, 0xFF38, 0xFF58: out.append("X")
            default: out.append(scalar)
            }
        }
        return String(out)
    }

    /// Validates `raw` (see the type's documentation for the order of the checks).
    /// - Parameters:
    ///   - today: birth dates after this day (in Asia/Shanghai) are rejected.
    ///   - divisions: the address codes accepted.
    public static func parse(
        _ raw: String, today: Date = Date(), divisions: DivisionRegistry = .default
    ) -> Result<ResidentID, ResidentIDProblem> {
        parse(raw, todayInShanghai: shanghaiDay(of: today), divisions: divisions)
    }

    /// The same checks with today's date already worked out, for callers checking many numbers at once
    /// (a Calendar call per number was a tenth of a bulk import's checking time).
    public static func parse(
        _ raw: String, todayInShanghai: BirthDate, divisions: DivisionRegistry = .default
    ) -> Result<ResidentID, ResidentIDProblem> {
        let s = normalize(raw)
        let scalars = Array(s.unicodeScalars)
        if scalars.isEmpty { return .failure(.empty) }
        for (i, c) in scalars.enumerated() {
            let isDigit = c.value >= 0x30 && c.value <= 0x39
            if !(isDigit || (c == "X" && i == scalars.count - 1)) { return .failure(.badCharacters) }
        }
        if scalars.count != 18 { return .failure(.wrongLength(scalars.count)) }

        let first17 = String(s.prefix(17))
        let expected = checkDigit(for: first17)
        if Character(scalars[17]) != expected { return .failure(.badChecksum(expected: expected)) }

        let id = ResidentID(value: s)
        let born = id.birthDate
        if !born.isValid { return .failure(.invalidBirthDate) }
        if born.year < 1890 { return .failure(.tooOld) }
        if born > todayInShanghai { return .failure(.futureBirthDate) }

        let code = id.divisionCode
        if !divisions.contains(code) { return .failure(.unknownDivision(code)) }
        return .success(id)
    }

    /// ISO 7064 MOD 11-2 check character for the first 17 digits: weights 2^(17−i) mod 11
    /// (7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2), check = (12 − Σ mod 11) mod 11, 10 → X.
    /// Traps unless `first17` is exactly 17 ASCII digits (a programming error; `parse` checks first).
    public static func checkDigit(for first17: String) -> Character {
        let d = digits(first17)
        precondition(d.count == 17 && d.allSatisfy { (0...9).contains($0) },
                     "checkDigit(for:) needs exactly 17 ASCII digits")
        var sum = 0
        for (i, digit) in d.enumerated() { sum += digit * weights[i] }
        let check = (12 - sum % 11) % 11
        return check == 10 ? "X" : Character(String(check))
    }

    private static let weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]

    private static let shanghai: Calendar = {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "Asia/Shanghai") ?? TimeZone(secondsFromGMT: 8 * 3600)!
        return calendar
    }()

    public static func shanghaiDay(of date: Date) -> BirthDate {
        let c = shanghai.dateComponents([.year, .month, .day], from: date)
        return BirthDate(year: c.year!, month: c.month!, day: c.day!)
    }

    /// ASCII digit values (other bytes map outside 0...9).
    private static func digits(_ s: String) -> [Int] { s.utf8.map { Int($0) - 0x30 } }

    private static func number(_ d: [Int], _ from: Int, _ length: Int) -> Int {
        d[from ..< from + length].reduce(0) { $0 * 10 + $1 }
    }
}
