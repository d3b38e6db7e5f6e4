import XCTest
@testable import PinganKit

final class DemoIncidentGeneratorTests: XCTestCase {
    let cal = LocalCalendar()

    func makeGenerator(seed: UInt64 = 42) -> DemoIncidentGenerator {
        var places: [DemoPlace] = []
        for c in 0 ..< 30 {
            for g in 0 ..< 4 {
                places.append(DemoPlace(communityIndex: c, gridIndex: g,
                                        latitude: 22.94 + Double(c) * 0.003, longitude: 113.36 + Double(g) * 0.003))
            }
        }
        let start = cal.parseLocalDate("2025-01-01")!
        let now = cal.parseLocalDateTime("2026-03-05 14:30")!
        let end = cal.parseLocalDate("2026-04-01")! // beyond now on purpose
        return DemoIncidentGenerator(seed: seed, places: places, start: start, end: end, now: now)
    }

    func name(_ p: DemoPlace) -> String { "市桥街道德兴社区\(p.communityIndex)" }

    func testSplitMix64ReferenceValues() {
        // Reference outputs of splitmix64.c seeded with 1234567.
        var r = SplitMix64(seed: 1234567)
        XCTAssertEqual(r.next(), 6457827717110365317)
        XCTAssertEqual(r.next(), 3203168211198807973)
        XCTAssertEqual(r.next(), 9817491932198370423)
    }

    func testDeterminismAndPrefix() {
        let a = makeGenerator().generate(count: 2000, placeName: name)
        let b = makeGenerator().generate(count: 2000, placeName: name)
        XCTAssertEqual(a.count, 2000)
        XCTAssertEqual(a, b)
        let prefix = makeGenerator().generate(count: 100, placeName: name)
        XCTAssertEqual(Array(a.prefix(100)), prefix)
        var streamed: [DemoIncident] = []
        makeGenerator().forEach(count: 2000, placeName: name) { streamed.append($0) }
        XCTAssertEqual(streamed, a)
        let other = makeGenerator(seed: 43).generate(count: 100, placeName: name)
        XCTAssertNotEqual(other.map(\.occurredAt), prefix.map(\.occurredAt))
    }

    /// Clearance differs between communities by more than chance: the spread of the communities' solved shares is
    /// well above the binomial spread one district-wide rate would give.
    func testCommunitiesClearDifferentShares() {
        let rows = makeGenerator().generate(count: 60_000, placeName: name)
        var filed: [Int: Int] = [:], solved: [Int: Int] = [:]
        // Cases filed long enough before `now` that an unsolved one is unsolved, not pending.
        let cutoff = makeGenerator().now.addingTimeInterval(-150 * 86_400)
        for r in rows where r.filedAt != nil && r.filedAt! < cutoff {
            filed[r.place.communityIndex, default: 0] += 1
            if r.solvedAt != nil { solved[r.place.communityIndex, default: 0] += 1 }
        }
        let total = Double(solved.values.reduce(0, +)) / Double(filed.values.reduce(0, +))
        let shares = filed.keys.sorted().map { Double(solved[$0] ?? 0) / Double(filed[$0]!) }
        let mean = shares.reduce(0, +) / Double(shares.count)
        let variance = shares.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(shares.count - 1)
        let binomial = filed.keys.map { total * (1 - total) / Double(filed[$0]!) }.reduce(0, +) / Double(filed.count)
        XCTAssertEqual(filed.count, 30)
        XCTAssertGreaterThan(variance, 3 * binomial, "between-community variance \(variance) vs binomial \(binomial)")
        XCTAssertGreaterThan(shares.max()! - shares.min()!, 0.15)
    }

    func testInvariantsAndShape() {
        let g = makeGenerator()
        let rows = g.generate(count: 20_000, placeName: name)
        var preventable = 0, evening = 0, earlyMorning = 0, criminal = 0, filed = 0, solved = 0
        var oldOpen = 0, old = 0
        var perPlace: [DemoPlace: Int] = [:]
        var subcategoryCounts: [String: Int] = [:]
        for r in rows {
            XCTAssertGreaterThanOrEqual(r.occurredAt, g.start)
            XCTAssertLessThanOrEqual(r.occurredAt, g.now)
            XCTAssertGreaterThanOrEqual(r.reportedAt, r.occurredAt)
            XCTAssertLessThanOrEqual(r.reportedAt, g.now)
            XCTAssertLessThanOrEqual(r.reportedAt.timeIntervalSince(r.occurredAt), 6 * 3600 + 1)
            if let f = r.filedAt {
                XCTAssertGreaterThanOrEqual(f, r.reportedAt)
                XCTAssertLessThanOrEqual(f, g.now)
                filed += 1
            }
            if let s = r.solvedAt {
                XCTAssertNotNil(r.filedAt)
                XCTAssertGreaterThanOrEqual(s, r.filedAt ?? .distantFuture)
                XCTAssertLessThanOrEqual(s, g.now)
                solved += 1
            }
            if r.subcategory.category == .criminal { criminal += 1 } else { XCTAssertNil(r.filedAt) }
            if r.subcategory.preventable { preventable += 1 }
            let h = cal.hour(of: r.occurredAt)
            if (18...22).contains(h) { evening += 1 }
            if (2...6).contains(h) { earlyMorning += 1 }
            if g.now.timeIntervalSince(r.reportedAt) > 7 * 86_400 {
                old += 1
                if r.status != .closed { oldOpen += 1 }
            }
            XCTAssertLessThan(abs(r.latitude - r.place.latitude), 0.005)
            XCTAssertLessThan(abs(r.longitude - r.place.longitude), 0.005)
            XCTAssertTrue(r.address.hasPrefix("市桥街道德兴社区"))
            XCTAssertTrue(r.description.contains(r.address))
            perPlace[r.place, default: 0] += 1
            subcategoryCounts[r.subcategory.code, default: 0] += 1
        }
        let share = Double(preventable) / Double(rows.count)
        XCTAssertTrue((0.2...0.6).contains(share), "preventable share \(share)")
        XCTAssertGreaterThan(evening, 2 * earlyMorning)
        XCTAssertEqual(filed, criminal)
        let solveShare = Double(solved) / Double(criminal)
        XCTAssertTrue((0.5...0.85).contains(solveShare), "solved share \(solveShare)")
        XCTAssertLessThan(Double(oldOpen) / Double(old), 0.15)
        // Hot spots: the busiest place carries several times the mean load.
        let mean = Double(rows.count) / Double(g.places.count)
        XCTAssertGreaterThan(Double(perPlace.values.max() ?? 0), 3 * mean)
        // Mix: theft/fraud/disputes common, fire rare.
        XCTAssertGreaterThan(subcategoryCounts["fraud", default: 0], 10 * subcategoryCounts["fire", default: 0])
        XCTAssertGreaterThan(subcategoryCounts["nonmotor_theft", default: 0], subcategoryCounts["robbery", default: 0])
        // Recent incidents spread over open statuses.
        let recent = rows.filter { g.now.timeIntervalSince($0.reportedAt) < 86_400 }
        XCTAssertTrue(Set(recent.map(\.status)).isSuperset(of: [.received, .dispatched, .handled]))
    }

    func testWeekendBoost() {
        let rows = makeGenerator().generate(count: 20_000, placeName: name)
        let fights = rows.filter { $0.subcategory.code == "fight" }
        let weekend = fights.filter { cal.weekday(of: $0.occurredAt) >= 6 }.count
        // Uniform would be 2/7 ≈ 28.6 %; with the 1.6× boost ≈ 39 %.
        XCTAssertGreaterThan(Double(weekend) / Double(fights.count), 0.33)
    }

    func testEmptyWindow() {
        let now = Date(timeIntervalSince1970: 1_700_000_000)
        let g = DemoIncidentGenerator(seed: 1, places: [DemoPlace(communityIndex: 0, gridIndex: 0, latitude: 23, longitude: 113)],
                                      start: now, end: now.addingTimeInterval(86_400), now: now)
        XCTAssertTrue(g.generate(count: 10, placeName: { _ in "x" }).isEmpty)
        let none = DemoIncidentGenerator(seed: 1, places: [], start: now.addingTimeInterval(-86_400), end: now, now: now)
        XCTAssertTrue(none.generate(count: 10, placeName: { _ in "x" }).isEmpty)
    }

    func testShortWindow() {
        let now = Date(timeIntervalSince1970: 1_700_000_000)
        let g = DemoIncidentGenerator(seed: 9, places: [DemoPlace(communityIndex: 0, gridIndex: 0, latitude: 23, longitude: 113)],
                                      start: now.addingTimeInterval(-600), end: now, now: now)
        for r in g.generate(count: 200, placeName: { _ in "x" }) {
            XCTAssertGreaterThanOrEqual(r.occurredAt, g.start)
            XCTAssertLessThanOrEqual(r.reportedAt, now)
        }
    }
}
