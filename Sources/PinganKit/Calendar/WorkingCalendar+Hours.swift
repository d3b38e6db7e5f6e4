import Foundation

/// Counting in working hours. Working time is the union of the working periods of working days
/// (round the clock: all time). A period is half-open: 12:00 belongs to the lunch break, 17:30 to the
/// evening, 08:30 to the morning period.
extension WorkingCalendar {
    /// The deadline `hours` working hours after `start`. A start outside working time counts from the next
    /// working period (a Sunday start counts from Monday 08:30, or from the make-up working day). A
    /// deadline that uses a period up to its end is that end (17:30), not the next morning.
    /// Zero, negative or NaN hours: the counting start itself. `Date.distantFuture` if no working time
    /// follows within ten years (only when overrides make every day a rest day) or the hours exceed a century.
    public func addWorkingHours(_ hours: Double, to start: Date) -> Date {
        let t = start.timeIntervalSince1970
        guard !(hours >= Self.maxDays * 24) else { return .distantFuture } // also +∞; NaN passes (counts as 0)
        let remainingStart = hours > 0 ? hours * 3600 : 0 // NaN and negative count as 0
        if self.hours.isRoundTheClock { return Date(timeIntervalSince1970: t + remainingStart) }
        var remaining = remainingStart
        var result: Double?
        forEachInterval(from: t) { s, e in
            let a = max(s, t)
            if remaining <= e - a { result = a + remaining; return false }
            remaining -= e - a
            return true
        }
        return result.map { Date(timeIntervalSince1970: $0) } ?? .distantFuture
    }

    /// Working hours elapsed from `from` to `to` (for "80 % of the time limit used" and average handling
    /// hours). Signed: negative when `to` is before `from`, so `workingHours(from: now, to: deadline)` is
    /// the time left, negative once overdue. Counts at most a century of days.
    public func workingHours(from: Date, to: Date) -> Double {
        let a = from.timeIntervalSince1970, b = to.timeIntervalSince1970
        guard a != b else { return 0 }
        guard a < b else { return -workingHours(from: to, to: from) }
        if hours.isRoundTheClock { return (b - a) / 3600 }
        var seconds = 0.0
        forEachInterval(from: a) { s, e in
            guard s < b else { return false }
            seconds += min(e, b) - max(s, a)
            return e < b
        }
        return seconds / 3600
    }

    /// The start of the first working period that begins at or after `date` (Friday 18:00 → Monday 08:30;
    /// Monday 08:30 → Monday 08:30; Monday 09:00 → Monday 14:00). Round the clock: the next local midnight,
    /// or `date` when it is one.
    public func nextWorkingPeriodStart(after date: Date) -> Date {
        let t = date.timeIntervalSince1970
        var result: Double?
        forEachInterval(from: t) { s, _ in
            guard s >= t else { return true }
            result = s
            return false
        }
        return result.map { Date(timeIntervalSince1970: $0) } ?? .distantFuture
    }

    /// Where a clock started at `date` begins counting: `date` itself in working time, else the next
    /// working period's start.
    public func countingStart(from date: Date) -> Date { addWorkingHours(0, to: date) }

    /// Whether `date` lies in working time.
    public func isWorkingTime(_ date: Date) -> Bool {
        if hours.isRoundTheClock { return true }
        let day = localDay(of: date)
        guard isWorkingDay(day) else { return false }
        let t = date.timeIntervalSince1970
        return hours.periods.contains { instant(day, second: $0.start * 60) <= t && t < instant(day, second: $0.end * 60) }
    }

    /// At most this many days are walked (about a century), so no input makes a loop run away.
    static var maxDays: Double { 36_600 }

    /// Calls `body` with each working interval [s, e) (seconds since 1970) that ends after `t`, in order,
    /// until it returns false, ten years pass without working time, or `maxDays` days are walked.
    func forEachInterval(from t: Double, _ body: (Double, Double) -> Bool) {
        var day = localDay(of: t)
        var idle = 0, walked = 0
        while idle < 3_660, walked < Int(Self.maxDays) {
            walked += 1
            if hours.isRoundTheClock || isWorkingDay(day) {
                idle = 0
                for p in hours.periods {
                    let e = instant(day, second: p.end * 60)
                    guard e > t else { continue }
                    if !body(instant(day, second: p.start * 60), e) { return }
                }
            } else {
                idle += 1
            }
            day = day.adding(days: 1)
        }
    }

    private func localDay(of t: Double) -> LocalDay { localDay(of: Date(timeIntervalSince1970: t)) }
}
