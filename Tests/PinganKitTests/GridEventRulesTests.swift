import Foundation
import XCTest
@testable import PinganKit

/// Clocks, supervision, duplicates, categories and time-limit tables of grid events. Working hours
/// 08:30–12:00 and 14:00–17:30 on the China calendar; expected values worked out in the comments.
final class GridEventRulesTests: XCTestCase {
    let lc = LocalCalendar()
    func at(_ s: String) -> Date { lc.parseLocalDateTime(s)! }

    // MARK: Clocks

    func testClockOnAnOrdinaryWeek() {
        // Dispatched Mon 2026-03-09 10:00 with 21 working hours: deadline Thu 03-12 10:00.
        let start = at("2026-03-09 10:00"), limit = GridEventTimeLimit.working(21)
        let deadline = limit.deadline(from: start, calendar: .china)
        XCTAssertEqual(lc.formatDateTime(deadline), "2026-03-12 10:00")
        func clock(_ now: String) -> GridEventClock { GridEventClocks.clock(start: start, deadline: deadline, limit: limit, now: at(now)) }
        // 80 % = 16.8 h: Mon 5.5 + Tue 7 = 12.5; Wed morning 3.5 → 16.0; Wed 14:00 + 0.8 h = 14:48.
        XCTAssertEqual(clock("2026-03-11 14:47").state, .onTime)
        XCTAssertEqual(clock("2026-03-11 14:48").state, .nearDeadline)
        XCTAssertEqual(clock("2026-03-11 14:48").elapsedHours, 16.8, accuracy: 1e-9)
        XCTAssertEqual(clock("2026-03-11 14:48").fractionUsed, 0.8, accuracy: 1e-9)
        XCTAssertEqual(clock("2026-03-11 14:48").remainingHours, 4.2, accuracy: 1e-9)
        // The deadline itself is not overdue; a minute later is, by 1/60 h.
        XCTAssertEqual(clock("2026-03-12 10:00").state, .nearDeadline)
        XCTAssertEqual(clock("2026-03-12 10:00").remainingHours, 0)
        XCTAssertEqual(clock("2026-03-12 10:01").state, .overdue)
        XCTAssertEqual(clock("2026-03-12 10:01").remainingHours, -1.0 / 60, accuracy: 1e-9)
        // Before the start, nothing is used.
        XCTAssertEqual(clock("2026-03-09 09:00").elapsedHours, 0)
        XCTAssertEqual(clock("2026-03-09 09:00").state, .onTime)
    }

    func testClockAcrossSpringFestival() {
        // Fri 2026-02-13 16:00 + 16 h = Wed 02-25 09:00 (see WorkingCalendarTests). 80 % = 12.8 h: Fri 1.5 +
        // Sat 02-14 7 = 8.5; the holiday adds nothing; Tue 02-24 morning 3.5 → 12.0, 14:00 + 0.8 h = 14:48.
        let start = at("2026-02-13 16:00"), limit = GridEventTimeLimit.working(16)
        let deadline = limit.deadline(from: start, calendar: .china)
        func clock(_ now: String) -> GridEventClock { GridEventClocks.clock(start: start, deadline: deadline, limit: limit, now: at(now)) }
        XCTAssertEqual(clock("2026-02-20 10:00").elapsedHours, 8.5)
        XCTAssertEqual(clock("2026-02-20 10:00").state, .onTime)
        XCTAssertEqual(clock("2026-02-24 14:47").state, .onTime)
        XCTAssertEqual(clock("2026-02-24 14:48").state, .nearDeadline)
        XCTAssertEqual(clock("2026-02-25 09:00").state, .nearDeadline)
        XCTAssertEqual(clock("2026-02-25 09:30").state, .overdue)
        XCTAssertEqual(clock("2026-02-25 09:30").remainingHours, -0.5)
    }

    func testRoundTheClockClock() {
        // Urgent, 2 clock hours from Sat 2026-02-14 23:00: deadline Sun 01:00; 80 % at 00:36.
        let start = at("2026-02-14 23:00"), limit = GridEventTimeLimit.clock(2)
        let deadline = limit.deadline(from: start, calendar: .china)
        XCTAssertEqual(lc.formatDateTime(deadline), "2026-02-15 01:00")
        func state(_ now: String) -> GridEventClockState { GridEventClocks.clock(start: start, deadline: deadline, limit: limit, now: at(now)).state }
        XCTAssertEqual(state("2026-02-15 00:35"), .onTime)
        XCTAssertEqual(state("2026-02-15 00:36"), .nearDeadline)
        XCTAssertEqual(state("2026-02-15 01:01"), .overdue)
        // Handling hours: working hours Mon 10:00 → Tue 10:00 = 5.5 + 1.5 = 7; clock hours 24.
        XCTAssertEqual(GridEventClocks.handlingHours(dispatchedAt: at("2026-03-09 10:00"), handledAt: at("2026-03-10 10:00"), limit: .working(21)), 7)
        XCTAssertEqual(GridEventClocks.handlingHours(dispatchedAt: at("2026-03-09 10:00"), handledAt: at("2026-03-10 10:00"), limit: .clock(2)), 24)
    }

    // MARK: Supervision

    func testSupervisionRule() {
        let policy = SupervisionPolicy.standard
        let limit = GridEventTimeLimit.working(21), deadline = at("2026-03-12 10:00")
        func due(_ now: String, _ issued: SupervisionLevel? = nil) -> SupervisionLevel? {
            policy.due(deadline: deadline, limit: limit, now: at(now), issued: issued)
        }
        XCTAssertNil(due("2026-03-12 09:59"))
        XCTAssertNil(due("2026-03-12 10:00"))
        XCTAssertEqual(due("2026-03-12 10:01"), .yellow)
        XCTAssertNil(due("2026-03-12 10:01", .yellow))
        // Red once 50 % of 21 h = 10.5 working hours are over: Thu 10:00–12:00 2 + 14:00–17:30 3.5 = 5.5;
        // Fri morning 3.5 → 9.0; Fri 14:00 + 1.5 h = 15:30.
        XCTAssertEqual(due("2026-03-13 15:29"), .yellow)
        XCTAssertNil(due("2026-03-13 15:29", .yellow))
        XCTAssertEqual(due("2026-03-13 15:30"), .red)
        XCTAssertEqual(due("2026-03-13 15:30", .yellow), .red)
        XCTAssertNil(due("2026-03-13 15:30", .red))
        // The weekend adds nothing: with a red threshold of 15 h, Thu 5.5 + Fri 7 = 12.5 h by Fri 17:30, still
        // 12.5 at Sun 23:00; Mon 08:30 + 2.5 h = 11:00 turns red.
        let slow = SupervisionPolicy(redAfterOverdueFraction: 15.0 / 21)
        XCTAssertEqual(slow.level(deadline: deadline, limit: limit, now: at("2026-03-15 23:00")), .yellow)
        XCTAssertEqual(slow.level(deadline: deadline, limit: limit, now: at("2026-03-16 10:59")), .yellow)
        XCTAssertEqual(slow.level(deadline: deadline, limit: limit, now: at("2026-03-16 11:00")), .red)
        // Round the clock: 2 h limit, deadline 01:00; red after 1 more clock hour.
        let urgent = GridEventTimeLimit.clock(2), d2 = at("2026-02-15 01:00")
        XCTAssertEqual(policy.level(deadline: d2, limit: urgent, now: at("2026-02-15 01:59")), .yellow)
        XCTAssertEqual(policy.level(deadline: d2, limit: urgent, now: at("2026-02-15 02:00")), .red)
        XCTAssertTrue(SupervisionLevel.yellow < .red)
    }

    // MARK: Duplicates

    func testDuplicateSuggestions() {
        // 1° of latitude = 6,371,008.8 m × π/180 = 111,195.08 m; 1° of longitude at 22.9375° N = 102,402.94 m.
        let lat = 22.9375, lon = 113.3845, t0 = at("2026-03-10 09:00")
        func p(_ id: String, _ dLat: Double, _ dLon: Double, _ hours: Double, _ cat: String = "C0101") -> GridEventPoint {
            GridEventPoint(id: id, categoryCode: cat, latitude: lat + dLat, longitude: lon + dLon, reportedAt: t0.addingTimeInterval(hours * 3600))
        }
        let new = p("new", 0, 0, 0)
        XCTAssertEqual(GridEventDuplicates.distanceMetres(latitude: lat, longitude: lon, latitude: lat + 0.00044, longitude: lon), 48.93, accuracy: 0.01)
        let candidates = [
            p("north-48.9m", 0.00044, 0, -3),            // 0.00044 × 111,195.08 = 48.93 m: in
            p("north-51.1m", 0.00046, 0, -3),            // 51.15 m: out
            p("east-49.2m", 0, 0.00048, 2),              // 0.00048 × 102,402.94 = 49.15 m: in
            p("east-51.2m", 0, 0.0005, 2),               // 51.20 m: out
            p("diag-45.3m", 0.0003, 0.0003, -24),        // √(33.36² + 30.72²) = 45.35 m, exactly 24 h earlier: in
            p("diag-25h", 0.0003, 0.0003, -24.0003),     // 24 h 1 s earlier: out
            p("same-place-other-category", 0, 0, -1, "C0102"),
            p("new", 0, 0, 0),                           // itself
            p("same-spot", 0, 0, 23.9),
        ]
        let found = GridEventDuplicates.suggestions(for: new, among: candidates)
        XCTAssertEqual(found.map(\.id), ["same-spot", "diag-45.3m", "north-48.9m", "east-49.2m"])
        XCTAssertEqual(found[1].distanceMetres, 45.35, accuracy: 0.01)
        XCTAssertEqual(found[1].secondsApart, -86_400)
        XCTAssertEqual(found[0].distanceMetres, 0)
        // A tighter radius keeps only what is inside it.
        XCTAssertEqual(GridEventDuplicates.suggestions(for: new, among: candidates, radius: 46).map(\.id), ["same-spot", "diag-45.3m"])
    }

    // MARK: Categories and time limits

    func testSampleCategories() {
        let t = GridEventCategoryTable.sample
        XCTAssertTrue(t.isSample)
        XCTAssertEqual(t.majorClasses(.component).map(\.code), ["C01", "C02", "C03", "C04"])
        XCTAssertEqual(t.majorClasses(.event).map(\.code), ["E01", "E02", "E03", "E04", "E05", "E06", "E07"])
        XCTAssertEqual(t["C0103"]?.nameZh, "消防栓")
        XCTAssertEqual(t.defaultUnit(for: "C0101"), .utilities)          // from its major class
        XCTAssertEqual(t.defaultUnit(for: "C0102"), .urbanManagement)    // its own
        XCTAssertEqual(t.defaultUnit(for: "C0401"), .policeStation)
        XCTAssertEqual(t.defaultUnit(for: "E0102"), .urbanManagement)
        XCTAssertEqual(t.defaultUnit(for: "E0202"), .fire)
        XCTAssertEqual(t.defaultUnit(for: "E0401"), .communityCommittee)
        XCTAssertEqual(t.defaultUnit(for: "E0501"), .marketSupervision)
        XCTAssertEqual(t.defaultUnit(for: "E0601"), .environment)
        XCTAssertEqual(t.defaultUnit(for: "E0701"), .propertyCompany)
        XCTAssertEqual(t.defaultUnit(for: "E0201"), .housing)
        XCTAssertNil(t.defaultUnit(for: "X99"))
        // Every subclass resolves to a unit.
        XCTAssertTrue(t.categories.allSatisfy { t.defaultUnit(for: $0.code) != nil })
        XCTAssertEqual(t.subclasses(of: "E04").map(\.code), ["E0401", "E0402", "E0403"])
        XCTAssertEqual(t.search("井盖").map(\.code), ["C0101"])
        XCTAssertEqual(t.search("light").map(\.code), ["C0102"])
        XCTAssertEqual(t.search("e04").map(\.code), ["E0401", "E0402", "E0403"])
        XCTAssertEqual(t.search("社会治安").count, 3) // by the major class's name
        XCTAssertEqual(t.search(" ").count, t.categories.count - 11)
    }

    func testCategoryTableValidation() {
        typealias C = GridEventCategory
        let major = C(code: "A1", nameZh: "大类", nameEn: "Major", eventClass: .event, defaultUnit: .housing)
        func check(_ rows: [C], _ en: String) {
            XCTAssertThrowsError(try GridEventCategoryTable(rows)) { XCTAssertEqual(($0 as? GridEventConfigError)?.messageEn, en) }
        }
        check([major, major], "Category code A1 is used twice")
        check([C(code: "A2", nameZh: "无单位", nameEn: "x", eventClass: .event)], "Major class A2 needs a default responsible unit")
        check([major, C(code: "A101", nameZh: "小类", nameEn: "x", eventClass: .event, parentCode: "A9")],
              "The parent A9 of category A101 is missing, not a major class, or of the other class")
        check([major, C(code: "A101", nameZh: "小类", nameEn: "x", eventClass: .component, parentCode: "A1")],
              "The parent A1 of category A101 is missing, not a major class, or of the other class")
        check([major, C(code: "A101", nameZh: "小类", nameEn: "x", eventClass: .event, parentCode: "A1"),
               C(code: "A10101", nameZh: "三级", nameEn: "x", eventClass: .event, parentCode: "A101")],
              "The parent A101 of category A10101 is missing, not a major class, or of the other class")
        check([C(code: " ", nameZh: "x", nameEn: "x", eventClass: .event, defaultUnit: .fire)], "A category needs a code and a name")
        // Subclasses listed before their major class are put after it.
        let t = try? GridEventCategoryTable([C(code: "A101", nameZh: "小类", nameEn: "x", eventClass: .event, parentCode: "A1"), major])
        XCTAssertEqual(t?.categories.map(\.code), ["A1", "A101"])
        XCTAssertEqual(t?.isSample, false)
    }

    func testTimeLimitTable() throws {
        let t = GridEventTimeLimitTable.sample
        let cats = GridEventCategoryTable.sample
        XCTAssertEqual(t.limit(for: cats["C0101"]!, urgency: .urgent), .clock(1))          // own row
        XCTAssertEqual(t.limit(for: cats["E0301"]!, urgency: .normal), .working(70))       // major class E03
        XCTAssertEqual(t.limit(for: cats["E0102"]!, urgency: .normal), .working(21))       // defaults
        XCTAssertEqual(t.limit(for: "E0102", urgency: .urgent), .clock(2))
        XCTAssertEqual(t.limit(for: "E0301", urgency: .pressing), .working(7))             // no parent given: defaults
        XCTAssertEqual(t.limit(for: "E0301", parentCode: "E03", urgency: .pressing), .working(21))
        XCTAssertEqual(GridEventTimeLimit.working(21).nameZh, "21 工作小时")
        XCTAssertEqual(GridEventTimeLimit.clock(0.5).description, "0.5 h (round the clock)")
        let ok = GridEventTimeLimits(urgent: .clock(2), pressing: .working(7), normal: .working(21))
        XCTAssertThrowsError(try GridEventTimeLimitTable(defaults: ok, byCategory: ["E01": GridEventTimeLimits(urgent: .clock(0), pressing: .working(7), normal: .working(21))])) {
            XCTAssertEqual(($0 as? GridEventConfigError)?.messageZh, "分类“E01”的“紧急”时限须为正数小时")
        }
        XCTAssertThrowsError(try GridEventTimeLimitTable(defaults: GridEventTimeLimits(urgent: .clock(2), pressing: .working(-1), normal: .working(21))))
        let json = try JSONEncoder().encode(t)
        XCTAssertEqual(try JSONDecoder().decode(GridEventTimeLimitTable.self, from: json), t)
        let bad = String(decoding: json, as: UTF8.self).replacingOccurrences(of: "\"hours\":21", with: "\"hours\":0")
        XCTAssertNotEqual(bad, String(decoding: json, as: UTF8.self))
        XCTAssertThrowsError(try JSONDecoder().decode(GridEventTimeLimitTable.self, from: Data(bad.utf8)))
    }
}
