import Foundation

/// 综合评价: monthly figures per unit, grid, reporter or category, and ranked tables. Month M is the local
/// month [start, end); `cut` = min(end, asOf), so a month still running counts only what has happened.
///
/// Definitions (counts attribute each event by one of its own times):
/// - reported 上报数: reportedAt in M. registered 立案数 / declined 不予立案数: of those, registered / declined.
/// - dispatched 派遣数: the (last) dispatch in M.
/// - due 应处置数: deadline in M, and by `cut` either handled or past the deadline.
///   handled on time 按期处置数: of those, the (last) handling feedback at or before the deadline;
///   overdue 超期数 = due − handled on time (handled late, or not handled and past the deadline).
///   按期处置率 = handled on time / due. A handling redone after a failed verification counts at its last
///   feedback, so rework past the deadline is late.
/// - closed 结案数: of the registered (reported in M), closed by `cut`. 结案率 = closed / registered.
/// - handled 处置数: the (last) handling feedback in M; reworked 返工数: of those, with ≥ 1 rework.
///   返工率 = reworked / handled.
/// - average handling hours 平均处置用时: mean working hours from dispatch to the (last) feedback, over
///   the handled events that carry `handlingHours`, one decimal.
/// - satisfaction 满意度: ratings of the events closed in M; 满意率 = (满意 + 基本满意) / rated.
/// - assisted 协办数 (units only): a unit named as a helping unit (协办) by a dispatch in M; assist reported 协办反馈数: of
///   those, the unit reported its part by `cut`. 协办反馈率 = reported / assisted. A unit that only helped has a row of its own.
/// Rates are `Share`s: one decimal, half away from zero ("99.5%"), "—" for an empty denominator.
public struct GridEventFact: Sendable {
    public var id: String
    public var unitID: String?
    public var gridID: String
    public var reporterID: String?
    public var categoryCode: String
    public var reportedAt: Date
    public var registered: Bool
    public var declined: Bool
    public var dispatchedAt: Date?
    public var deadline: Date?
    public var handledAt: Date?
    public var closedAt: Date?
    public var reworkCount: Int
    /// Working hours from dispatch to the last feedback (`GridEventClocks.handlingHours`), stored at feedback.
    public var handlingHours: Double?
    public var satisfaction: GridEventSatisfaction?

    public init(id: String, unitID: String? = nil, gridID: String, reporterID: String? = nil, categoryCode: String, reportedAt: Date,
                registered: Bool = false, declined: Bool = false, dispatchedAt: Date? = nil, deadline: Date? = nil,
                handledAt: Date? = nil, closedAt: Date? = nil, reworkCount: Int = 0, handlingHours: Double? = nil,
                satisfaction: GridEventSatisfaction? = nil) {
        self.id = id; self.unitID = unitID; self.gridID = gridID; self.reporterID = reporterID; self.categoryCode = categoryCode
        self.reportedAt = reportedAt; self.registered = registered; self.declined = declined; self.dispatchedAt = dispatchedAt
        self.deadline = deadline; self.handledAt = handledAt; self.closedAt = closedAt; self.reworkCount = reworkCount
        self.handlingHours = handlingHours; self.satisfaction = satisfaction
    }

    /// From the workflow's state (registered = has a case number; handling hours from the state's clock).
    public init(id: String, state: GridEventState, gridID: String, reporterID: String?, categoryCode: String,
                calendar: WorkingCalendar = .china) {
        var hours: Double?
        if let d = state.dispatchedAt, let h = state.handledAt, let limit = state.timeLimit {
            hours = GridEventClocks.handlingHours(dispatchedAt: d, handledAt: h, limit: limit, calendar: calendar)
        }
        self.init(id: id, unitID: state.unitID, gridID: gridID, reporterID: reporterID, categoryCode: categoryCode,
                  reportedAt: state.reportedAt, registered: state.caseNumber != nil, declined: state.status == .declined,
                  dispatchedAt: state.dispatchedAt, deadline: state.deadline, handledAt: state.handledAt, closedAt: state.closedAt,
                  reworkCount: state.reworkCount, handlingHours: hours, satisfaction: state.satisfaction)
    }
}

/// One helping unit (协办单位) of an event's current dispatch, and when it reported its part.
public struct GridEventAssist: Sendable, Equatable {
    public var unitID: String
    public var dispatchedAt: Date
    public var reportedAt: Date?
    public init(unitID: String, dispatchedAt: Date, reportedAt: Date?) { self.unitID = unitID; self.dispatchedAt = dispatchedAt; self.reportedAt = reportedAt }
}

public struct GridEventEvaluationRow: Codable, Equatable, Sendable {
    public var key: String
    public var reported = 0, registered = 0, declined = 0, dispatched = 0
    public var assisted = 0, assistReported = 0
    public var due = 0, handledOnTime = 0, overdue = 0
    public var closed = 0, handled = 0, reworked = 0
    public var handlingSeconds = 0, handlingTimed = 0
    public var satisfied = 0, fairlySatisfied = 0, dissatisfied = 0
    /// 1 for the best; equal figures share a rank; nil when the ranking figure is undefined ("—").
    public var rank: Int?

    public init(key: String) { self.key = key }

    public var onTimeRate: Share { Share(handledOnTime, of: due) }            // 按期处置率
    public var closureRate: Share { Share(closed, of: registered) }           // 结案率
    public var reworkRate: Share { Share(reworked, of: handled) }             // 返工率
    public var rated: Int { satisfied + fairlySatisfied + dissatisfied }
    public var satisfactionRate: Share { Share(satisfied + fairlySatisfied, of: rated) } // 满意率
    public var assistRate: Share { Share(assistReported, of: assisted) }     // 协办反馈率
    /// One decimal, half away from zero; nil without timed handled events.
    public var averageHandlingHours: Double? {
        guard handlingTimed > 0 else { return nil }
        let num = 2 * handlingSeconds * 10 + 3600 * handlingTimed, den = 2 * 3600 * handlingTimed
        return Double(num / den) / 10 // handlingSeconds ≥ 0: floor((2·10·s + d) / 2d) rounds half up
    }

    mutating func add(_ a: GridEventAssist, month: Range<Date>, cut: Date) {
        guard a.dispatchedAt >= month.lowerBound, a.dispatchedAt < cut else { return }
        assisted += 1
        if let r = a.reportedAt, r < cut { assistReported += 1 }
    }

    mutating func add(_ f: GridEventFact, month: Range<Date>, cut: Date) {
        let inMonth = { (d: Date?) -> Bool in d.map { $0 >= month.lowerBound && $0 < cut } ?? false }
        if inMonth(f.reportedAt) {
            reported += 1
            if f.registered {
                registered += 1
                if let c = f.closedAt, c < cut { closed += 1 }
            }
            if f.declined { declined += 1 }
        }
        if inMonth(f.dispatchedAt) { dispatched += 1 }
        if let deadline = f.deadline, deadline >= month.lowerBound, deadline < month.upperBound {
            let handledBy = f.handledAt.map { $0 < cut } ?? false
            if handledBy || deadline < cut {
                due += 1
                if let h = f.handledAt, h <= deadline, h < cut { handledOnTime += 1 } else { overdue += 1 }
            }
        }
        if inMonth(f.handledAt) {
            handled += 1
            if f.reworkCount > 0 { reworked += 1 }
            if let h = f.handlingHours, h.isFinite, h >= 0 { handlingSeconds += Int((h * 3600).rounded()); handlingTimed += 1 }
        }
        if inMonth(f.closedAt), let s = f.satisfaction {
            switch s { case .satisfied: satisfied += 1; case .fairlySatisfied: fairlySatisfied += 1; case .dissatisfied: dissatisfied += 1 }
        }
    }
}

public enum GridEventDimension: String, CaseIterable, Codable, Sendable {
    case unit, grid, reporter, category
    public var nameZh: String { switch self { case .unit: "处置单位"; case .grid: "网格"; case .reporter: "上报人"; case .category: "事件类别" } }
    public var nameEn: String { switch self { case .unit: "Unit"; case .grid: "Grid"; case .reporter: "Reporter"; case .category: "Category" } }
    public func key(_ f: GridEventFact) -> String? {
        switch self { case .unit: f.unitID; case .grid: f.gridID; case .reporter: f.reporterID; case .category: f.categoryCode }
    }
}

/// What a table is ranked by.
public enum GridEventRankMetric: String, CaseIterable, Codable, Sendable {
    case onTimeRate = "on_time_rate", closureRate = "closure_rate", reworkRate = "rework_rate", satisfactionRate = "satisfaction_rate"
    /// Higher is better, except for the rework rate.
    func share(_ r: GridEventEvaluationRow) -> Share {
        switch self { case .onTimeRate: r.onTimeRate; case .closureRate: r.closureRate; case .reworkRate: r.reworkRate; case .satisfactionRate: r.satisfactionRate }
    }
    var higherIsBetter: Bool { self != .reworkRate }
}

public struct GridEventEvaluationTable: Sendable {
    public var month: YearMonth
    public var dimension: GridEventDimension
    public var metric: GridEventRankMetric
    /// Best first (rows with an undefined figure last, by key).
    public var rows: [GridEventEvaluationRow]
    /// All facts of the month (including those without a key in this dimension).
    public var total: GridEventEvaluationRow
}

public enum GridEventEvaluation {
    /// The month's table per `dimension`, ranked by `metric` (standard competition ranking: 1, 2, 2, 4).
    /// Facts without a key in the dimension (no unit yet, anonymous reporter) count only in the total.
    /// `assists` count per unit (the unit dimension only; other dimensions ignore them).
    public static func table(_ facts: [GridEventFact], month: YearMonth, by dimension: GridEventDimension,
                             rankedBy metric: GridEventRankMetric = .onTimeRate, asOf: Date? = nil,
                             calendar: LocalCalendar = LocalCalendar(), assists: [GridEventAssist] = []) -> GridEventEvaluationTable {
        let range = calendar.monthRange(month)
        let cut = min(range.upperBound, asOf ?? range.upperBound)
        var byKey: [String: GridEventEvaluationRow] = [:]
        var total = GridEventEvaluationRow(key: "")
        for f in facts {
            total.add(f, month: range, cut: cut)
            if let k = dimension.key(f) { byKey[k, default: GridEventEvaluationRow(key: k)].add(f, month: range, cut: cut) }
        }
        if dimension == .unit {
            for a in assists where a.dispatchedAt >= range.lowerBound && a.dispatchedAt < cut {
                total.add(a, month: range, cut: cut)
                byKey[a.unitID, default: GridEventEvaluationRow(key: a.unitID)].add(a, month: range, cut: cut)
            }
        }
        return GridEventEvaluationTable(month: month, dimension: dimension, metric: metric,
                                        rows: rank(Array(byKey.values), by: metric), total: total)
    }

    /// Rows sorted best first with ranks set; equal figures (as exact fractions) share a rank.
    public static func rank(_ rows: [GridEventEvaluationRow], by metric: GridEventRankMetric) -> [GridEventEvaluationRow] {
        // a better than b: compare p1/w1 with p2/w2 exactly (p1·w2 vs p2·w1).
        func cmp(_ a: Share, _ b: Share) -> Int {
            let l = a.part * b.whole, r = b.part * a.whole
            return l == r ? 0 : ((l > r) == metric.higherIsBetter ? -1 : 1)
        }
        var defined = rows.filter { metric.share($0).whole > 0 }
        let undefined = rows.filter { metric.share($0).whole == 0 }.sorted { $0.key < $1.key }
        defined.sort { a, b in
            let c = cmp(metric.share(a), metric.share(b))
            return c != 0 ? c < 0 : a.key < b.key
        }
        for i in defined.indices {
            defined[i].rank = i > 0 && cmp(metric.share(defined[i - 1]), metric.share(defined[i])) == 0 ? defined[i - 1].rank : i + 1
        }
        return defined + undefined.map { var r = $0; r.rank = nil; return r }
    }
}
