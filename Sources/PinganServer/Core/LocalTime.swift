import PinganKit
import Vapor

extension Request {
    /// The district's calendar (`PINGAN_TIMEZONE`): days, months and printed numbers are local.
    var localCalendar: LocalCalendar { LocalCalendar(timeZoneIdentifier: config.timeZone) }
    /// Today in that calendar, `YYYY-MM-DD`.
    var today: String { LocalDay(Date(), in: localCalendar).description }
}
