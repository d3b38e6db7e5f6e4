import Foundation
import XCTest
@testable import PinganKit

/// Working calendar on real calendar cases. Every expected value is worked out by hand in the comments
/// from ../shared/data/cn-holidays/cn_holidays_2004_2026.csv and the standard day (08:30–12:00 and
/// 14:00–17:30, 7 h).
final class WorkingCalendarTests: XCTestCase {
    let lc = LocalCalendar()
    let cal = WorkingCalendar.china

    func at(_ s: String) -> Date { lc.parseLocalDateTime(s)! }
    func day(_ s: String) -> LocalDay { LocalDay(s)! }
    func deadline(_ hours: Double, _ start: String, _ c: WorkingCalendar? = nil) -> String {
        lc.formatDateTime((c ?? cal).addWorkingHours(hours, to: at(start)))
    }

    func testEmbeddedData() {
        XCTAssertEqual(CNHolidays.entries.count, 771)
        XCTAssertEqual(CNHolidays.embeddedYears, 2004...2026)
        XCTAssertEqual(cal.entry(on: day("2026-02-14"))?.kind, .working)
        XCTAssertEqual(cal.entry(on: day("2026-02-14"))?.nameZh, "春节")
        XCTAssertEqual(cal.entry(on: day("2025-10-06"))?.nameZh, "中秋")
        XCTAssertEqual(cal.entry(on: day("2025-10-07"))?.inLieu, true)
        XCTAssertEqual(cal.entry(on: day("2025-10-01"))?.inLieu, false)
        XCTAssertEqual(cal.entry(on: day("2015-09-03"))?.nameEn, "Anti-Fascist 70th Day")
        XCTAssertNil(cal.entry(on: day("2026-03-10")))
        XCTAssertEqual(cal.entries(in: 2026).count, 39)
        XCTAssertEqual(cal.entries(in: 2026).first?.day, day("2026-01-01"))
        XCTAssertEqual(cal.entries(in: 2026).last?.day, day("2026-10-10"))
    }

    func testWorkingDaysAroundSpringFestival2026() {
        // 2026-02-14 Sat and 2026-02-28 Sat are 调休 working days; 02-15 … 02-23 are rest days.
        let expected: [(String, Bool)] = [
            ("2026-02-13", true), ("2026-02-14", true), ("2026-02-15", false), ("2026-02-16", false),
            ("2026-02-20", false), ("2026-02-21", false), ("2026-02-23", false), ("2026-02-24", true),
            ("2026-02-27", true), ("2026-02-28", true), ("2026-03-01", false), ("2026-03-02", true),
        ]
        for (d, working) in expected { XCTAssertEqual(cal.isWorkingDay(day(d)), working, d) }
        // February 2026: 20 weekdays − 6 weekday rest days (16–20, 23) + 2 Saturdays (14, 28) = 16.
        XCTAssertEqual(cal.workingDays(from: day("2026-02-01"), through: day("2026-02-28")), 16)
        // Whole years since the 2025 reform (13 statutory days): 365 − 104 weekend days − 13 = 248.
        XCTAssertEqual(cal.workingDays(from: day("2025-01-01"), through: day("2025-12-31")), 248)
        XCTAssertEqual(cal.workingDays(from: day("2026-01-01"), through: day("2026-12-31")), 248)
        XCTAssertTrue(cal.isWorkingDay(at("2026-02-14 23:59")))
        XCTAssertFalse(cal.isWorkingDay(at("2026-02-15 00:00")))
    }

    func testDeadlineAcrossSpringFestival2026() {
        // Fri 02-13 16:00–17:30 = 1.5 h (14.5 left); Sat 02-14 works 7 h (7.5 left); 02-15 … 02-23 rest;
        // Tue 02-24 7 h (0.5 left); Wed 02-25 08:30 + 0.5 h = 09:00.
        XCTAssertEqual(deadline(16, "2026-02-13 16:00"), "2026-02-25 09:00")
        XCTAssertEqual(cal.workingHours(from: at("2026-02-13 16:00"), to: at("2026-02-25 09:00")), 16)
        // Without the working Saturday the same 16 h would end on Thu 02-26 09:00 (7 h more on Wed 02-25).
        let noSat = WorkingCalendar(overrides: [CalendarDayEntry(day: day("2026-02-14"), kind: .rest, nameZh: "测试")])
        XCTAssertEqual(deadline(16, "2026-02-13 16:00", noSat), "2026-02-26 09:00")
        // Sat 02-28 is a working day too: Fri 02-27 17:00 + 1 h → 0.5 h on Friday, Sat 08:30 + 0.5 h.
        XCTAssertEqual(deadline(1, "2026-02-27 17:00"), "2026-02-28 09:00")
    }

    func testDeadlineAcrossNationalDay2025() {
        // Tue 09-30 10:00–12:00 = 2 h, 14:00–17:30 = 3.5 h (10.5 left); 10-01 … 10-08 rest (Mid-autumn on 10-06);
        // Thu 10-09 7 h (3.5 left); Fri 10-10 08:30 + 3.5 h = 12:00, the end of the morning period.
        XCTAssertEqual(deadline(16, "2025-09-30 10:00"), "2025-10-10 12:00")
        XCTAssertEqual(cal.workingHours(from: at("2025-09-30 10:00"), to: at("2025-10-10 12:00")), 16)
        // Sun 09-28 is a working day: Sat 09-27 09:00 + 2 h → Sun 08:30 + 2 h = 10:30.
        XCTAssertEqual(deadline(2, "2025-09-27 09:00"), "2025-09-28 10:30")
        // Sat 10-11 is a working day: Fri 10-10 17:00 + 1 h → 0.5 h Friday, Sat 08:30 + 0.5 h = 09:00.
        XCTAssertEqual(deadline(1, "2025-10-10 17:00"), "2025-10-11 09:00")
        // A report on the holiday itself counts from the first working morning after it.
        XCTAssertEqual(deadline(0, "2025-10-03 11:00"), "2025-10-09 08:30")
    }

    func testOrdinaryDayEdges() {
        // Sunday 2026-03-08 10:00: counts from Mon 08:30; 3.5 h to 12:00, 0.5 h after 14:00 → 14:30.
        XCTAssertEqual(deadline(4, "2026-03-08 10:00"), "2026-03-09 14:30")
        // Lunch Tue 03-10 12:30: counts from 14:00; 3.5 h ends at 17:30 that day, 4 h at Wed 09:00.
        XCTAssertEqual(deadline(3.5, "2026-03-10 12:30"), "2026-03-10 17:30")
        XCTAssertEqual(deadline(4, "2026-03-10 12:30"), "2026-03-11 09:00")
        // After 17:30 on Wed 03-11: Thu 08:30 + 1 h.
        XCTAssertEqual(deadline(1, "2026-03-11 18:00"), "2026-03-12 09:30")
        // Exactly 08:30 on Thu 03-12: the start counts; 3.5 h → 12:00, 7 h → 17:30, 7.25 h → Fri 08:45.
        XCTAssertEqual(deadline(3.5, "2026-03-12 08:30"), "2026-03-12 12:00")
        XCTAssertEqual(deadline(7, "2026-03-12 08:30"), "2026-03-12 17:30")
        XCTAssertEqual(deadline(7.25, "2026-03-12 08:30"), "2026-03-13 08:45")
        // Exactly 12:00 and 17:30 are outside working time (periods are half-open).
        XCTAssertEqual(deadline(0.5, "2026-03-12 12:00"), "2026-03-12 14:30")
        XCTAssertEqual(deadline(0.5, "2026-03-12 17:30"), "2026-03-13 09:00")
        XCTAssertFalse(cal.isWorkingTime(at("2026-03-12 12:00")))
        XCTAssertTrue(cal.isWorkingTime(at("2026-03-12 08:30")))
        XCTAssertFalse(cal.isWorkingTime(at("2026-03-14 10:00"))) // Saturday
        // Zero and negative hours: the counting start.
        XCTAssertEqual(deadline(0, "2026-03-12 10:00"), "2026-03-12 10:00")
        XCTAssertEqual(deadline(-3, "2026-03-12 18:00"), "2026-03-13 08:30")
    }

    func testWorkingHoursElapsed() {
        // Fri 02-13 08:30 → Wed 02-25 08:30: Fri 7 + Sat 02-14 7 + Tue 02-24 7 = 21 h.
        XCTAssertEqual(cal.workingHours(from: at("2026-02-13 08:30"), to: at("2026-02-25 08:30")), 21)
        XCTAssertEqual(cal.workingHours(from: at("2026-02-25 08:30"), to: at("2026-02-13 08:30")), -21)
        // Inside one day: 10:00 → 15:00 = 2 h + 1 h.
        XCTAssertEqual(cal.workingHours(from: at("2026-03-10 10:00"), to: at("2026-03-10 15:00")), 3)
        // Entirely in non-working time.
        XCTAssertEqual(cal.workingHours(from: at("2026-03-10 12:05"), to: at("2026-03-10 13:55")), 0)
        XCTAssertEqual(cal.workingHours(from: at("2026-03-14 00:00"), to: at("2026-03-16 08:30")), 0)
        XCTAssertEqual(cal.workingHours(from: at("2026-03-10 10:00"), to: at("2026-03-10 10:00")), 0)
        // Seconds count: 08:30 → 08:30:36 = 0.01 h.
        XCTAssertEqual(cal.workingHours(from: at("2026-03-10 08:30"), to: at("2026-03-10 08:30:36")), 0.01, accuracy: 1e-12)
    }

    func testNextWorkingPeriodStart() {
        func next(_ s: String, _ c: WorkingCalendar? = nil) -> String { lc.formatDateTime((c ?? cal).nextWorkingPeriodStart(after: at(s))) }
        XCTAssertEqual(next("2026-02-13 18:00"), "2026-02-14 08:30") // Friday evening → working Saturday
        XCTAssertEqual(next("2026-02-14 13:00"), "2026-02-14 14:00")
        XCTAssertEqual(next("2026-02-15 09:00"), "2026-02-24 08:30") // Spring Festival → Tuesday
        XCTAssertEqual(next("2026-03-12 08:30"), "2026-03-12 08:30") // a start that is a period start
        XCTAssertEqual(next("2026-03-12 09:00"), "2026-03-12 14:00") // inside a period: the next one
        XCTAssertEqual(next("2026-03-12 09:00", cal.roundTheClock), "2026-03-13 00:00")
        XCTAssertEqual(lc.formatDateTime(cal.countingStart(from: at("2026-03-12 09:00"))), "2026-03-12 09:00")
        XCTAssertEqual(lc.formatDateTime(cal.countingStart(from: at("2026-03-12 12:10"))), "2026-03-12 14:00")
    }

    func testRoundTheClockMode() {
        let urgent = cal.roundTheClock
        XCTAssertEqual(urgent.hours.hoursPerDay, 24)
        // Every hour counts, the Spring Festival too: Fri 16:00 + 16 h = Sat 08:00; + 48 h = Sun 16:00.
        XCTAssertEqual(deadline(16, "2026-02-13 16:00", urgent), "2026-02-14 08:00")
        XCTAssertEqual(deadline(48, "2026-02-13 16:00", urgent), "2026-02-15 16:00")
        XCTAssertEqual(urgent.workingHours(from: at("2026-02-15 10:00"), to: at("2026-02-16 12:30")), 26.5)
        XCTAssertTrue(urgent.isWorkingTime(at("2026-02-16 03:00")))
        // The days themselves keep their kind.
        XCTAssertFalse(urgent.isWorkingDay(day("2026-02-16")))
    }

    func testOverrides() {
        // The district makes Fri 2026-03-13 a rest day and Sat 2026-03-14 a working day.
        let district = WorkingCalendar(overrides: [
            CalendarDayEntry(day: day("2026-03-13"), kind: .rest, nameZh: "台风停工", nameEn: "Typhoon closure"),
            CalendarDayEntry(day: day("2026-03-14"), kind: .working, nameZh: "补班"),
        ])
        XCTAssertFalse(district.isWorkingDay(day("2026-03-13")))
        XCTAssertTrue(district.isWorkingDay(day("2026-03-14")))
        XCTAssertEqual(district.entry(on: day("2026-03-13"))?.nameEn, "Typhoon closure")
        XCTAssertEqual(district.entry(on: day("2026-03-14"))?.nameEn, "补班") // English defaults to the Chinese name
        // Thu 03-12 17:00 + 1 h: 0.5 h Thursday, Friday rests, Sat 08:30 + 0.5 h = 09:00 (China: Fri 09:00).
        XCTAssertEqual(deadline(1, "2026-03-12 17:00"), "2026-03-13 09:00")
        XCTAssertEqual(deadline(1, "2026-03-12 17:00", district), "2026-03-14 09:00")
        // An override replaces an embedded entry: 2026-02-14 becomes a rest day.
        let noSat = WorkingCalendar(overrides: [CalendarDayEntry(day: day("2026-02-14"), kind: .rest, nameZh: "区调整")])
        XCTAssertFalse(noSat.isWorkingDay(day("2026-02-14")))
        XCTAssertEqual(noSat.entry(on: day("2026-02-14"))?.nameZh, "区调整")
    }

    func testYearWithoutNotice() {
        XCTAssertEqual(cal.coverage(2026), .embedded)
        XCTAssertEqual(cal.coverage(2004), .embedded)
        XCTAssertEqual(cal.coverage(2003), .weekendsOnly)
        XCTAssertEqual(cal.coverage(2027), .weekendsOnly)
        XCTAssertFalse(cal.coverage(2027).isKnown)
        // 2027 without data: Fri 2027-01-01 is a working day, weekends rest. Fri 16:00 + 2 h → 1.5 h Friday,
        // Mon 01-04 08:30 + 0.5 h.
        XCTAssertTrue(cal.isWorkingDay(day("2027-01-01")))
        XCTAssertFalse(cal.isWorkingDay(day("2027-01-02")))
        XCTAssertTrue(cal.isWorkingDay(day("2027-02-08"))) // the Spring Festival week is unknown: plain Monday
        XCTAssertEqual(deadline(2, "2027-01-01 16:00"), "2027-01-04 09:00")
        // The administrator enters the 2027 notice (here only New Year's Day is needed for the case).
        let entered = WorkingCalendar(overrides: [CalendarDayEntry(day: day("2027-01-01"), kind: .rest, nameZh: "元旦")],
                                      enteredYears: [2027])
        XCTAssertEqual(entered.coverage(2027), .entered)
        XCTAssertTrue(entered.coverage(2027).isKnown)
        XCTAssertFalse(entered.isWorkingDay(day("2027-01-01")))
        // Fri rests: Mon 01-04 08:30 + 2 h = 10:30.
        XCTAssertEqual(deadline(2, "2027-01-01 16:00", entered), "2027-01-04 10:30")
        // Single days entered without marking the year leave the year's coverage unknown.
        XCTAssertEqual(WorkingCalendar(overrides: [CalendarDayEntry(day: day("2028-01-03"), kind: .rest, nameZh: "x")]).coverage(2028), .weekendsOnly)
    }

    func testRoundTripProperty() {
        // workingHours(start, addWorkingHours(h, start)) == h for starts all over 2025-2026 (holidays,
        // weekends, lunch, nights) and hours from 0 to 100.
        var rng = SplitMix64(seed: 19)
        let first = at("2025-01-01 00:00").timeIntervalSince1970
        let span = at("2026-12-20 00:00").timeIntervalSince1970 - first
        for c in [cal, cal.roundTheClock] {
            for i in 0..<2_000 {
                let start = Date(timeIntervalSince1970: (first + (rng.nextUnit() * span)).rounded(.down))
                let h = i.isMultiple(of: 2) ? Double(Int(rng.nextUnit() * 400)) / 4 : rng.nextUnit() * 100
                let end = c.addWorkingHours(h, to: start)
                let back = c.workingHours(from: start, to: end)
                if i.isMultiple(of: 2) {
                    XCTAssertEqual(back, h, "\(lc.formatDateTime(start)) + \(h)")
                } else {
                    XCTAssertEqual(back, h, accuracy: 1e-6, "\(lc.formatDateTime(start)) + \(h)")
                }
                XCTAssertGreaterThanOrEqual(end, start)
            }
        }
    }

    func testWorkingHoursConfiguration() throws {
        XCTAssertEqual(WorkingHours.standard.hoursPerDay, 7)
        XCTAssertEqual(WorkingHours.standard.description, "08:30-12:00, 14:00-17:30")
        let summer = try WorkingHours(parsing: "14:30-18:00；8:30 – 12:00")
        XCTAssertEqual(summer.periods, [WorkingPeriod(8, 30, to: 12, 0), WorkingPeriod(14, 30, to: 18, 0)])
        XCTAssertEqual(summer.hoursPerDay, 7)
        let c = cal.with(hours: summer)
        // Tue 03-10 14:00 is lunch in summer hours: counts from 14:30; 3.5 h → 18:00.
        XCTAssertEqual(deadline(3.5, "2026-03-10 14:00", c), "2026-03-10 18:00")
        XCTAssertThrowsError(try WorkingHours(parsing: "08:30-12:00, 11:00-17:30")) { e in
            XCTAssertEqual((e as? WorkingCalendarError)?.messageEn, "Working periods 08:30-12:00 and 11:00-17:30 overlap")
        }
        XCTAssertThrowsError(try WorkingHours(parsing: "12:00-08:30"))
        XCTAssertThrowsError(try WorkingHours(parsing: "8h-12h"))
        XCTAssertThrowsError(try WorkingHours(periods: []))
        let json = try JSONEncoder().encode(WorkingHours.standard)
        XCTAssertEqual(try JSONDecoder().decode(WorkingHours.self, from: json), .standard)
        let rtc = try JSONDecoder().decode(WorkingHours.self, from: JSONEncoder().encode(WorkingHours.roundTheClock))
        XCTAssertTrue(rtc.isRoundTheClock)
        XCTAssertThrowsError(try JSONDecoder().decode(WorkingHours.self, from: Data(#"{"periods":[{"start":600,"end":500}]}"#.utf8)))
    }

    func testRunawayInputs() {
        XCTAssertEqual(cal.addWorkingHours(.infinity, to: at("2026-03-10 10:00")), .distantFuture)
        XCTAssertEqual(cal.roundTheClock.addWorkingHours(.infinity, to: at("2026-03-10 10:00")), .distantFuture)
        XCTAssertEqual(deadline(.nan, "2026-03-10 12:30"), "2026-03-10 14:00")
        // Overrides that make ten years of days rest days: no deadline can be found.
        let first = day("2026-03-10").dayNumber
        let allRest = WorkingCalendar(overrides: (0..<3_700).map { CalendarDayEntry(day: LocalDay(dayNumber: first + $0), kind: .rest, nameZh: "x") })
        XCTAssertEqual(allRest.addWorkingHours(1, to: at("2026-03-10 10:00")), .distantFuture)
        XCTAssertEqual(allRest.nextWorkingPeriodStart(after: at("2026-03-10 10:00")), .distantFuture)
        // A century is the longest span counted: Date.distantFuture gives a finite number.
        XCTAssertTrue(cal.workingHours(from: at("2026-03-10 10:00"), to: .distantFuture).isFinite)
    }

    func testZoneWithDaylightSaving() {
        // A zone with transitions takes the per-day path: New York moved to EDT on Sun 2026-03-08.
        let ny = LocalCalendar(timeZoneIdentifier: "America/New_York")
        let c = WorkingCalendar(localCalendar: ny, defaults: [], defaultYears: nil)
        XCTAssertNil(c.fixedOffset)
        XCTAssertNotNil(cal.fixedOffset)
        let fri = ny.parseLocalDateTime("2026-03-06 17:00")!
        // Fri 0.5 h, Mon 03-09 08:30 + 0.5 h = 09:00 local (EDT).
        XCTAssertEqual(ny.formatDateTime(c.addWorkingHours(1, to: fri)), "2026-03-09 09:00")
        XCTAssertEqual(c.workingHours(from: fri, to: ny.parseLocalDateTime("2026-03-09 09:00")!), 1)
        XCTAssertEqual(c.coverage(2026), .weekendsOnly)
    }
}

final class CalendarNoticeTests: XCTestCase {
    func testParseNotice() throws {
        let text = """
        date,kind,name
        # 2027 春节（示例，不是正式通知）
        2027-02-06, 休, 春节, Spring Festival
        2027-02-20，班，春节

        2027-01-01\trest\t元旦
        """
        let entries = try CalendarDayEntry.parseNotice(text)
        XCTAssertEqual(entries.map(\.day.description), ["2027-01-01", "2027-02-06", "2027-02-20"])
        XCTAssertEqual(entries.map(\.kind), [.rest, .rest, .working])
        XCTAssertEqual(entries[1].nameEn, "Spring Festival")
        XCTAssertEqual(entries[2].nameEn, "春节")
        let c = WorkingCalendar(overrides: entries, enteredYears: [2027])
        XCTAssertTrue(c.isWorkingDay(LocalDay("2027-02-20")!)) // a Saturday
        XCTAssertFalse(c.isWorkingDay(LocalDay("2027-01-01")!))
        func fails(_ t: String, _ en: String) {
            XCTAssertThrowsError(try CalendarDayEntry.parseNotice(t)) { XCTAssertEqual(($0 as? WorkingCalendarError)?.messageEn, en) }
        }
        fails("2027-02-30, 休, x", "Line 1: invalid date \"2027-02-30\"")
        fails("2027-02-06, 假, x", "Line 1: \"假\" must be rest or working")
        fails("2027-02-06, 休", "Line 1: expected \"date, rest/working, name\"")
        fails("2027-02-06, 休, x\n2027-02-06, 班, y", "Line 2: 2027-02-06 appears twice")
        fails("2027-02-06, 休, ", "Line 1: the name is missing")
    }
}
