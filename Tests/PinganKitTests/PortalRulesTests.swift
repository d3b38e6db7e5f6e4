import XCTest
@testable import PinganKit

final class PortalRulesTests: XCTestCase {
    func testWilsonIntervalMatchesReferenceValues() {
        let a = WilsonInterval.compute(successes: 95, total: 100)!
        XCTAssertEqual(a.low, 0.88825, accuracy: 1e-4)
        XCTAssertEqual(a.high, 0.97846, accuracy: 1e-4)
        let zero = WilsonInterval.compute(successes: 0, total: 10)!
        XCTAssertEqual(zero.low, 0, accuracy: 1e-9)
        XCTAssertEqual(zero.high, 0.27753, accuracy: 1e-4)
        let all = WilsonInterval.compute(successes: 10, total: 10)!
        XCTAssertEqual(all.low, 0.72247, accuracy: 1e-4)
        XCTAssertEqual(all.high, 1, accuracy: 1e-9)
        XCTAssertNil(WilsonInterval.compute(successes: 0, total: 0))
        XCTAssertNil(WilsonInterval.compute(successes: 3, total: 2))
    }

    func testPerceptionResultAgainstTheSeedTargets() {
        let r = PerceptionShare(safe: 975, total: 1008)
        XCTAssertEqual(r.rate!, 0.96726, accuracy: 1e-4)
        XCTAssertEqual(r.low!, 0.95438, accuracy: 1e-4)
        XCTAssertTrue(r.meets(0.95))
        XCTAssertFalse(r.meets(0.98))
        XCTAssertTrue(r.surelyMeets(0.95))
        let none = PerceptionShare(safe: 0, total: 0)
        XCTAssertNil(none.rate)
        XCTAssertFalse(none.meets(0.95))
    }

    func testStatusesMapToOpen311OpenOrClosed() {
        XCTAssertEqual(PortalStatus.open.open311, "open")
        XCTAssertEqual(PortalStatus.acknowledged.open311, "open")
        XCTAssertEqual(PortalStatus.actionScheduled.open311, "open")
        for s in [PortalStatus.fixed, .closed, .duplicate, .notResponsible, .unableToFix, .internalReferral] { XCTAssertEqual(s.open311, "closed", s.rawValue) }
    }

    func testOverdueOnlyWithoutAResponse() {
        let due = Date(timeIntervalSince1970: 1000)
        XCTAssertTrue(PortalClock.isOverdue(status: .open, firstResponseAt: nil, dueAt: due, now: Date(timeIntervalSince1970: 1001)))
        XCTAssertFalse(PortalClock.isOverdue(status: .open, firstResponseAt: nil, dueAt: due, now: Date(timeIntervalSince1970: 999)))
        XCTAssertFalse(PortalClock.isOverdue(status: .acknowledged, firstResponseAt: due, dueAt: due, now: Date(timeIntervalSince1970: 5000)))
        XCTAssertFalse(PortalClock.isOverdue(status: .closed, firstResponseAt: nil, dueAt: due, now: Date(timeIntervalSince1970: 5000)))
    }

    func testSlidingWindowLimiter() {
        var l = SlidingWindowLimiter(limit: 2, window: 60)
        XCTAssertTrue(l.allow("a", now: 0))
        XCTAssertTrue(l.allow("a", now: 1))
        XCTAssertFalse(l.allow("a", now: 2))
        XCTAssertTrue(l.allow("b", now: 2))
        XCTAssertEqual(l.retryAfter("a", now: 2), 58, accuracy: 1e-9)
        XCTAssertTrue(l.allow("a", now: 60.5))
        var off = SlidingWindowLimiter(limit: 0, window: 60)
        for i in 0..<100 { XCTAssertTrue(off.allow("x", now: Double(i))) }
    }

    func testSubmissionGuard() {
        XCTAssertEqual(SubmissionGuard.check(honeypot: "http://spam", renderedAt: 0, now: 100, minSeconds: 3), .honeypot)
        XCTAssertEqual(SubmissionGuard.check(honeypot: "", renderedAt: 99, now: 100, minSeconds: 3), .tooFast)
        XCTAssertEqual(SubmissionGuard.check(honeypot: nil, renderedAt: nil, now: 100, minSeconds: 3), .missingStamp)
        XCTAssertEqual(SubmissionGuard.check(honeypot: nil, renderedAt: 0, now: 200_000, minSeconds: 3), .stale)
        XCTAssertEqual(SubmissionGuard.check(honeypot: "", renderedAt: 90, now: 100, minSeconds: 3), .ok)
    }

    func testPhonesAndRedaction() {
        XCTAssertEqual(PortalPhone.normalize("+86 138-0013-8000"), "13800138000")
        XCTAssertEqual(PortalPhone.normalize("13800138000"), "13800138000")
        XCTAssertNil(PortalPhone.normalize("12345"))
        XCTAssertNil(PortalPhone.normalize("23800138000"))
        XCTAssertEqual(PortalRedact.phones("请打13800138000找我，门牌12号"), "请打138********找我，门牌12号")
    }

    func testPeriods() {
        XCTAssertEqual(PerceptionPeriod.quarter(year: 2026, month: 11), "2026-Q4")
        XCTAssertEqual(PerceptionPeriod.quarter(year: 2026, month: 1), "2026-Q1")
        XCTAssertTrue(PerceptionPeriod.isValid("2026-Q3"))
        XCTAssertFalse(PerceptionPeriod.isValid("2026-Q5"))
        XCTAssertFalse(PerceptionPeriod.isValid("2026-03"))
    }
}
