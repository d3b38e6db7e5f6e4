import Fluent
import Vapor
import XCTVapor
import PinganKit
@testable import PinganServer

/// Issue 19 §3: the loop's figures offered to the assessment framework (issue 8), per station, with the
/// evaluation's own definitions. Last month, built by hand.
final class GridEventIndicatorTests: XCTestCase {
    func testStationsAreScoredOnTheirGridEvents() async throws {
        try await withApp { app, f in
            let cal = LocalCalendar()
            let month = cal.yearMonth(of: Date()).previous
            let t0 = cal.monthRange(month).lowerBound
            func at(_ days: Double) -> Date { t0.addingTimeInterval(days * 86_400) }
            func event(_ community: Int, deadline: Double, handled: Double?, closed: Double?, rework: Int) async throws {
                _ = try await insertGridEvent(app, community: community, grid: nil, reportedAt: at(1)) { s in
                    s.caseNumber = "2026-\(community)-\(deadline)"; s.status = closed != nil ? .closed : handled != nil ? .handled : .dispatched
                    s.dispatchedAt = at(1); s.timeLimit = .working(21); s.deadline = at(deadline)
                    s.handledAt = handled.map(at); s.closedAt = closed.map(at); s.reworkCount = rework
                }
            }
            // Station A (c1): on time and closed; overdue and open; on time after one rework, closed.
            try await event(f.c1, deadline: 2, handled: 1.5, closed: 3, rework: 0)
            try await event(f.c1, deadline: 2, handled: nil, closed: nil, rework: 0)
            try await event(f.c1, deadline: 5, handled: 4, closed: 6, rework: 1)
            // Station B (c3): handled a day late.
            try await event(f.c3, deadline: 2, handled: 3, closed: nil, rework: 0)

            let fw = IndicatorFramework(indicators: [.init(.gridEventsOnTime, target: 1, zero: 0, weight: 50), .init(.gridEventsClosed, target: 1, zero: 0, weight: 30),
                                                     .init(.gridEventsRework, target: 0, zero: 1, weight: 20)])
            try await app.call(.PUT, "/api/v1/assessment/indicators", headers: f.bearer("admin"), beforeRequest: { try $0.content.encode(fw, as: .json) }) {
                XCTAssertEqual($0.status, .ok, $0.body.string)
            }
            var pub: Publication?
            try await app.call(.GET, "/api/v1/assessment/publication?month=\(month)", headers: f.bearer("analyst")) { res in
                XCTAssertEqual(res.status, .ok, res.body.string)
                pub = try res.content.decode(Publication.self)
            }
            let rows = try XCTUnwrap(pub).rows
            func cell(_ station: String, _ m: IndicatorMetric) -> IndicatorCell? { rows.first { $0.station == station }?.indicators.first { $0.metric == m } }
            let a = "市桥派出所", b = "沙头派出所"
            XCTAssertEqual(cell(a, .gridEventsOnTime)?.numerator, 2); XCTAssertEqual(cell(a, .gridEventsOnTime)?.denominator, 3)
            XCTAssertEqual(cell(a, .gridEventsClosed)?.numerator, 2); XCTAssertEqual(cell(a, .gridEventsClosed)?.denominator, 3)
            XCTAssertEqual(cell(a, .gridEventsRework)?.numerator, 1); XCTAssertEqual(cell(a, .gridEventsRework)?.denominator, 2)
            XCTAssertEqual(cell(a, .gridEventsRework)?.score ?? -1, 50, accuracy: 1e-9, "half reworked: half the points on a 0–100 % scale, lower is better")
            XCTAssertEqual(cell(b, .gridEventsOnTime)?.numerator, 0); XCTAssertEqual(cell(b, .gridEventsOnTime)?.denominator, 1)
            XCTAssertEqual(cell(b, .gridEventsOnTime)?.score ?? -1, 0, accuracy: 1e-9)
            // The default framework offers them switched off, so a district that does not run the loop is not scored on it.
            XCTAssertTrue(IndicatorFramework.defaults.indicators.filter { [.gridEventsOnTime, .gridEventsClosed, .gridEventsRework].contains($0.metric) }.allSatisfy { !$0.enabled })
        }
    }
}
