import Foundation

/// Time limits (处置时限) by category and urgency, counted in working hours on the working calendar (or
/// round the clock for urgent work), the event's clock (on time / near the deadline / overdue) and the
/// supervision (督办) rule. The sample table is a starting point, not an official standard.

/// 紧急 / 较急 / 一般.
public enum GridEventUrgency: String, CaseIterable, Codable, Sendable {
    case urgent, pressing, normal
    public var nameZh: String { switch self { case .urgent: "紧急"; case .pressing: "较急"; case .normal: "一般" } }
    public var nameEn: String { switch self { case .urgent: "Urgent"; case .pressing: "Pressing"; case .normal: "Normal" } }
}

/// A time limit: working hours on the working calendar, or clock hours (24-h mode, rest days included).
public struct GridEventTimeLimit: Codable, Equatable, Hashable, Sendable, CustomStringConvertible {
    public var hours: Double
    public var roundTheClock: Bool
    public init(hours: Double, roundTheClock: Bool = false) {
        self.hours = hours
        self.roundTheClock = roundTheClock
    }
    public static func working(_ hours: Double) -> Self { Self(hours: hours) }
    public static func clock(_ hours: Double) -> Self { Self(hours: hours, roundTheClock: true) }

    /// The calendar this limit counts on: `base`, or `base.roundTheClock`.
    public func calendar(_ base: WorkingCalendar) -> WorkingCalendar { roundTheClock ? base.roundTheClock : base }
    /// `hours` after `start` on this limit's calendar.
    public func deadline(from start: Date, calendar base: WorkingCalendar) -> Date {
        calendar(base).addWorkingHours(hours, to: start)
    }
    public var isValid: Bool { hours.isFinite && hours > 0 }
    /// "21 工作小时" / "2 小时（24小时制）"
    public var nameZh: String { Self.number(hours) + (roundTheClock ? " 小时（全天候）" : " 工作小时") }
    public var description: String { Self.number(hours) + (roundTheClock ? " h (round the clock)" : " working h") }
    public static func number(_ v: Double) -> String { v == v.rounded() && abs(v) < 1e15 ? String(Int(v)) : String(v) }
}

/// One limit per urgency.
public struct GridEventTimeLimits: Codable, Equatable, Hashable, Sendable {
    public var urgent: GridEventTimeLimit
    public var pressing: GridEventTimeLimit
    public var normal: GridEventTimeLimit
    public init(urgent: GridEventTimeLimit, pressing: GridEventTimeLimit, normal: GridEventTimeLimit) {
        self.urgent = urgent; self.pressing = pressing; self.normal = normal
    }
    public subscript(u: GridEventUrgency) -> GridEventTimeLimit {
        switch u { case .urgent: urgent; case .pressing: pressing; case .normal: normal }
    }
}

/// The district's table: limits for a category code (subclass or major class), else the defaults.
public struct GridEventTimeLimitTable: Codable, Equatable, Sendable {
    public private(set) var defaults: GridEventTimeLimits
    public private(set) var byCategory: [String: GridEventTimeLimits]

    /// Every limit must be a positive, finite number of hours.
    public init(defaults: GridEventTimeLimits, byCategory: [String: GridEventTimeLimits] = [:]) throws(GridEventConfigError) {
        for (code, limits) in [("", defaults)] + byCategory.sorted(by: { $0.key < $1.key }) {
            for u in GridEventUrgency.allCases where !limits[u].isValid {
                let zh = code.isEmpty ? "默认" : "分类“\(code)”", en = code.isEmpty ? "the default" : "category \(code)"
                throw GridEventConfigError(messageZh: "\(zh)的“\(u.nameZh)”时限须为正数小时",
                                             messageEn: "The \(u.nameEn.lowercased()) time limit of \(en) must be a positive number of hours")
            }
        }
        self.defaults = defaults
        self.byCategory = byCategory
    }

    private enum CodingKeys: String, CodingKey { case defaults, byCategory }
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        do {
            try self.init(defaults: c.decode(GridEventTimeLimits.self, forKey: .defaults),
                          byCategory: c.decodeIfPresent([String: GridEventTimeLimits].self, forKey: .byCategory) ?? [:])
        } catch let e as GridEventConfigError {
            throw DecodingError.dataCorruptedError(forKey: .byCategory, in: c, debugDescription: e.messageEn)
        }
    }

    /// The subclass's own limits, else its major class's (`parentCode`), else the defaults.
    public func limit(for code: String, parentCode: String? = nil, urgency: GridEventUrgency) -> GridEventTimeLimit {
        (byCategory[code] ?? parentCode.flatMap { byCategory[$0] } ?? defaults)[urgency]
    }
    public func limit(for category: GridEventCategory, urgency: GridEventUrgency) -> GridEventTimeLimit {
        limit(for: category.code, parentCode: category.parentCode, urgency: urgency)
    }

    /// SAMPLE (示例，非官方标准): urgent 2 h round the clock, pressing 1 working day (7 h), normal 3 working
    /// days (21 h); tighter for manhole covers, fire risks and suspicious situations, longer for street
    /// lights, illegal construction and disputes. Codes are `GridEventCategoryTable.sample`'s.
    public static let sample = try! GridEventTimeLimitTable(
        defaults: GridEventTimeLimits(urgent: .clock(2), pressing: .working(7), normal: .working(21)),
        byCategory: [
            "C0101": GridEventTimeLimits(urgent: .clock(1), pressing: .clock(4), normal: .working(7)),   // 井盖
            "C0102": GridEventTimeLimits(urgent: .clock(4), pressing: .working(14), normal: .working(35)), // 路灯
            "E0202": GridEventTimeLimits(urgent: .clock(1), pressing: .clock(4), normal: .working(14)),  // 火灾隐患
            "E0402": GridEventTimeLimits(urgent: .clock(0.5), pressing: .clock(2), normal: .working(7)), // 可疑情况
            "E03": GridEventTimeLimits(urgent: .clock(4), pressing: .working(21), normal: .working(70)),  // 违法建设
            "E0401": GridEventTimeLimits(urgent: .clock(2), pressing: .working(14), normal: .working(35)), // 矛盾纠纷
        ])
}

/// 正常 / 临期 (≥ 80 % of the limit used) / 超期.
public enum GridEventClockState: String, CaseIterable, Codable, Sendable {
    case onTime = "on_time", nearDeadline = "near_deadline", overdue
    public var nameZh: String { switch self { case .onTime: "正常"; case .nearDeadline: "临期"; case .overdue: "超期" } }
    public var nameEn: String { switch self { case .onTime: "On time"; case .nearDeadline: "Near deadline"; case .overdue: "Overdue" } }
}

/// An event's clock at an instant.
public struct GridEventClock: Codable, Equatable, Sendable {
    public var state: GridEventClockState
    /// Working hours (or clock hours) from the clock's start to now.
    public var elapsedHours: Double
    public var limitHours: Double
    /// To the deadline; negative once overdue (by that many hours).
    public var remainingHours: Double
    /// elapsed / limit (0.8 = 80 % used).
    public var fractionUsed: Double { limitHours > 0 ? elapsedHours / limitHours : 1 }
}

public enum GridEventClocks {
    /// Near the deadline from this share of the limit used.
    public static let nearDeadlineFraction = 0.8

    /// The clock of an event dispatched at `start` with `limit` (approved extensions included) and `deadline`.
    /// Overdue once `now` is after the deadline; near the deadline once ≥ 80 % of the limit is used. For an
    /// event already handled, pass its `handledAt` as `now` (the clock stops at the feedback).
    public static func clock(start: Date, deadline: Date, limit: GridEventTimeLimit, now: Date,
                             calendar: WorkingCalendar = .china, nearFraction: Double = nearDeadlineFraction) -> GridEventClock {
        let cal = limit.calendar(calendar)
        let elapsed = max(0, cal.workingHours(from: start, to: now))
        let state: GridEventClockState = now > deadline ? .overdue : elapsed >= nearFraction * limit.hours ? .nearDeadline : .onTime
        return GridEventClock(state: state, elapsedHours: elapsed, limitHours: limit.hours,
                              remainingHours: cal.workingHours(from: now, to: deadline))
    }

    /// Handling hours (处置用时): working hours (clock hours for a round-the-clock limit) from dispatch to the
    /// handling feedback. The evaluation averages these.
    public static func handlingHours(dispatchedAt: Date, handledAt: Date, limit: GridEventTimeLimit,
                                     calendar: WorkingCalendar = .china) -> Double {
        max(0, limit.calendar(calendar).workingHours(from: dispatchedAt, to: handledAt))
    }
}

/// 督办单: yellow (黄牌督办) when an event is overdue, red (红牌督办, escalated supervision) when it is still
/// unhandled long after.
public enum SupervisionLevel: String, CaseIterable, Codable, Sendable, Comparable {
    case yellow, red
    public var nameZh: String { self == .yellow ? "黄牌督办" : "红牌督办" }
    public var nameEn: String { self == .yellow ? "Yellow supervision order" : "Red supervision order" }
    public static func < (a: Self, b: Self) -> Bool { a == .yellow && b == .red }
}

/// When supervision orders are due (a sample policy; districts configure the red threshold).
/// - yellow: the event is past its deadline and its unit has not handled it;
/// - red: still unhandled `redAfterOverdueFraction` × the limit after the deadline (default half the limit,
///   in the limit's own hours: a 21-working-hour event turns red 10.5 working hours after its deadline).
public struct SupervisionPolicy: Codable, Equatable, Sendable {
    public var redAfterOverdueFraction: Double
    public init(redAfterOverdueFraction: Double = 0.5) { self.redAfterOverdueFraction = redAfterOverdueFraction }
    public static let standard = SupervisionPolicy()

    /// The level an open event has reached at `now` (nil: none).
    public func level(deadline: Date, limit: GridEventTimeLimit, now: Date, calendar: WorkingCalendar = .china) -> SupervisionLevel? {
        guard now > deadline else { return nil }
        let overdueHours = limit.calendar(calendar).workingHours(from: deadline, to: now)
        return overdueHours >= redAfterOverdueFraction * limit.hours ? .red : .yellow
    }

    /// The order to issue now, given the highest one already issued: the reached level when it is above
    /// `issued`, else nil (nothing new is due).
    public func due(deadline: Date, limit: GridEventTimeLimit, now: Date, issued: SupervisionLevel?,
                    calendar: WorkingCalendar = .china) -> SupervisionLevel? {
        guard let reached = level(deadline: deadline, limit: limit, now: now, calendar: calendar) else { return nil }
        if let issued, reached <= issued { return nil }
        return reached
    }
}
