/// The rules behind a person's desk (工作台, issue 21): which alerts are still news, and where an officer stands
/// against the weekly presence rule while the week is running.
public enum DeskRules {
    /// The first day whose alerts are still current: an alert counts only for the period in progress and the one just
    /// ended (a monthly alert of October is last month's news in November and history in December; a weekly alert, this
    /// week's or last week's).
    public static func alertCutoff(_ period: WarningPeriod, today: LocalDay) -> LocalDay {
        switch period {
        case .month: LocalDay.firstDay(of: today.yearMonth.previous)
        case .week: today.isoWeek.monday.adding(days: -7)
        }
    }

    /// An alert is current while it is not closed and its period starts on or after the cutoff.
    public static func isCurrentAlert(period: WarningPeriod, periodStart: LocalDay, closed: Bool, today: LocalDay) -> Bool {
        !closed && periodStart >= alertCutoff(period, today: today)
    }

    /// Where an officer stands this week against the presence rule (seed 001: at least N days a week in their community).
    public enum PresenceStanding: String, Codable, Sendable, Equatable {
        /// The rule is met for the week.
        case met
        /// Enough days remain to meet it.
        case onTrack = "on_track"
        /// Every remaining day (today included, if not yet logged) is needed.
        case atRisk = "at_risk"
        /// Too few days remain: the week will be flagged.
        case missed
    }

    /// `daysPresent`: distinct days logged this ISO week so far; `loggedToday`: today is one of them.
    public static func presence(daysPresent: Int, required: Int, today: LocalDay, loggedToday: Bool) -> PresenceStanding {
        if daysPresent >= required { return .met }
        let needed = required - daysPresent
        let remaining = today.days(until: today.isoWeek.sunday) + (loggedToday ? 0 : 1)
        if needed > remaining { return .missed }
        return needed == remaining ? .atRisk : .onTrack
    }
}
