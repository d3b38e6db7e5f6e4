import XCTest
@testable import PinganKit

final class LocalCalendarTests: XCTestCase {
    let cal = LocalCalendar()

    func testYearMonth() throws {
        XCTAssertEqual(YearMonth("2026-03"), YearMonth(year: 2026, month: 3))
        XCTAssertEqual(YearMonth("2026-3"), YearMonth(year: 2026, month: 3))
        XCTAssertNil(YearMonth("2026-00"))
        XCTAssertNil(YearMonth("2026-13"))
        XCTAssertNil(YearMonth("2026-03-01"))
        XCTAssertNil(YearMonth("26-03"))
        XCTAssertNil(YearMonth("abcd-ef"))
        XCTAssertNil(YearMonth(""))
        let m = YearMonth(year: 2026, month: 3)
        XCTAssertEqual(m.description, "2026-03")
        XCTAssertEqual(m.previous, YearMonth(year: 2026, month: 2))
        XCTAssertEqual(YearMonth(year: 2026, month: 1).previous, YearMonth(year: 2025, month: 12))
        XCTAssertEqual(m.sameMonthLastYear, YearMonth(year: 2025, month: 3))
        XCTAssertEqual(m.adding(months: 10), YearMonth(year: 2027, month: 1))
        XCTAssertEqual(m.adding(months: -27), YearMonth(year: 2023, month: 12))
        XCTAssertLessThan(YearMonth(year: 2025, month: 12), m)
        let json = try JSONEncoder().encode([m])
        XCTAssertEqual(String(decoding: json, as: UTF8.self), "[\"2026-03\"]")
        XCTAssertEqual(try JSONDecoder().decode([YearMonth].self, from: json), [m])
        XCTAssertThrowsError(try JSONDecoder().decode([YearMonth].self, from: Data("[\"2026-13\"]".utf8)))
    }

    func testMonthRangeInShanghai() throws {
        let r = cal.monthRange(YearMonth(year: 2026, month: 3))
        // 2026-03-01 00:00 +08:00 = 2026-02-28T16:00:00Z
        XCTAssertEqual(r.lowerBound, Date(timeIntervalSince1970: 1_772_294_400))
        XCTAssertEqual(r.upperBound.timeIntervalSince(r.lowerBound), 31 * 86_400)
        let feb = cal.monthRange(YearMonth(year: 2024, month: 2))
        XCTAssertEqual(feb.upperBound.timeIntervalSince(feb.lowerBound), 29 * 86_400)
        XCTAssertEqual(cal.monthRange(YearMonth(year: 2025, month: 12)).upperBound,
                       cal.monthRange(YearMonth(year: 2026, month: 1)).lowerBound)
    }

    func testParseAndFormat() throws {
        let d = try XCTUnwrap(cal.parseLocalDate("2026-03-05"))
        XCTAssertEqual(d, Date(timeIntervalSince1970: 1_772_640_000)) // 2026-03-04T16:00Z
        XCTAssertEqual(cal.formatDate(d), "2026-03-05")
        let t = try XCTUnwrap(cal.parseLocalDateTime("2026-03-05T14:30"))
        XCTAssertEqual(t.timeIntervalSince(d), 14.5 * 3600)
        XCTAssertEqual(cal.parseLocalDateTime("2026-03-05 14:30"), t)
        XCTAssertEqual(cal.parseLocalDateTime("2026-03-05 14:30:15"), t.addingTimeInterval(15))
        XCTAssertEqual(cal.formatDateTime(t), "2026-03-05 14:30")
        XCTAssertEqual(cal.formatDateTimeInput(t), "2026-03-05T14:30")
        XCTAssertEqual(cal.hour(of: t), 14)
        XCTAssertEqual(cal.yearMonth(of: t), YearMonth(year: 2026, month: 3))
        XCTAssertNil(cal.parseLocalDate("2026-02-30"))
        XCTAssertNil(cal.parseLocalDate("2026-3-5"))
        XCTAssertNil(cal.parseLocalDate("2026-13-01"))
        XCTAssertNil(cal.parseLocalDateTime("2026-03-05T24:00"))
        XCTAssertNil(cal.parseLocalDateTime("2026-03-05T14:60"))
        XCTAssertNil(cal.parseLocalDateTime("2026-03-05"))
        XCTAssertNil(cal.parseLocalDateTime("2026-03-05X14:30"))
    }

    func testDayBoundariesAndWeekday() throws {
        // 2026-03-31 23:30 local is still March; 2026-03-31T16:30Z is 2026-04-01 00:30 local.
        let lateMarch = try XCTUnwrap(cal.parseLocalDateTime("2026-03-31 23:30"))
        XCTAssertEqual(cal.yearMonth(of: lateMarch), YearMonth(year: 2026, month: 3))
        XCTAssertEqual(cal.yearMonth(of: Date(timeIntervalSince1970: 1_774_974_600)), YearMonth(year: 2026, month: 4))
        XCTAssertEqual(cal.startOfDay(lateMarch), cal.parseLocalDate("2026-03-31"))
        let from = try XCTUnwrap(cal.parseLocalDateTime("2026-03-05 14:30"))
        let through = try XCTUnwrap(cal.parseLocalDateTime("2026-03-07 09:00"))
        let r = cal.dayRange(from: from, through: through)
        XCTAssertEqual(r.lowerBound, cal.parseLocalDate("2026-03-05"))
        XCTAssertEqual(r.upperBound, cal.parseLocalDate("2026-03-08"))
        XCTAssertTrue(cal.dayRange(from: through, through: from).isEmpty)
        // 2026-03-02 is a Monday, 2026-03-08 a Sunday.
        XCTAssertEqual(cal.weekday(of: cal.parseLocalDate("2026-03-02")!), 1)
        XCTAssertEqual(cal.weekday(of: cal.parseLocalDate("2026-03-07")!), 6)
        XCTAssertEqual(cal.weekday(of: cal.parseLocalDate("2026-03-08")!), 7)
    }

    func testOtherZone() throws {
        let utc = LocalCalendar(timeZoneIdentifier: "UTC")
        let d = try XCTUnwrap(utc.parseLocalDate("2026-03-05"))
        XCTAssertEqual(d, Date(timeIntervalSince1970: 1_772_668_800))
        XCTAssertEqual(cal.formatDateTime(d), "2026-03-05 08:00")
        var c = LocalCalendar()
        c.timeZone = TimeZone(identifier: "UTC")!
        XCTAssertEqual(c.formatDateTime(d), "2026-03-05 00:00")
    }
}

extension LocalCalendarTests {
    /// The import's Calendar-free date check answers exactly what parsing and formatting with the calendar answer.
    func testNormalizedLocalDateAgreesWithTheCalendar() {
        let cal = LocalCalendar(timeZoneIdentifier: "Asia/Shanghai")
        var inputs = ["2024-02-29", "2023-02-29", "2026-04-31", "2026-12-31", " 2026-03-05 ", "2026-3-5", "2026/03/05", "", "abcd-ef-gh",
                      "2026-00-10", "2026-13-01", "2026-01-00", "1900-02-29", "2000-02-29", "0000-01-01", "0001-01-01", "1988-04-10"]
        var day = 0
        while day < 3_000 { inputs.append(String(format: "%04d-%02d-%02d", 1980 + day % 50, 1 + day % 13, 1 + day % 32)); day += 7 }
        for s in inputs {
            XCTAssertEqual(LocalCalendar.normalizedLocalDate(s), cal.parseLocalDate(s).map(cal.formatDate), s)
        }
    }
}
