/// The grid-cadre escalation ladder (包片干部重点案件同比考核, seed 003, fifth piece, 四.2):
///
///   "每月对各片区的重点案件发案情况及上升、下降进行排位。在一个月内重点案件上升幅度在前三名的包片干部给予通报，
///    连续二次…排在前三名的包片干部给予限期整改，在整改期内因措施不力继续上升或者…连续三次…排在前三名的包片干部
///    给予黄牌警告，受到黄牌警告后还在继续上升的包片干部将实行年终考核不考虑优秀等次。"
///
/// Rules as implemented (the seed's numbers are the defaults of `LadderRules`):
/// - Each month every cadre's area has key cases this month and last month. Only cadres whose cases
///   rose (current > previous) are ranked. Rise = (current − previous) / previous; a rise from 0 ranks
///   above every finite rise. Ties: larger absolute rise first, then cadre ID (stable, documented).
/// - The top `namedCount` (3) risers are named (通报).
/// - Named in `rectificationAfter` (2) consecutive months → rectification (限期整改) for
///   `rectificationMonths` (2, the seed sets no length) months after the month it was ordered.
/// - Named in `yellowAfter` (3) consecutive months, or cases rising in a month of the rectification
///   period → yellow card (黄牌警告).
/// - Cases rising in any month after the yellow card → not eligible for "excellent" (年终不评优).
/// - The yellow card and the exclusion stand until the year ends (the year-end review is annual);
///   with `resetEachYear` every cadre starts January clean, and consecutive naming restarts.
public enum LadderLevel: String, Sendable, Codable, CaseIterable, Comparable {
    case normal                 // 正常
    case named                  // 通报
    case rectification          // 限期整改
    case yellowCard = "yellow_card"               // 黄牌警告
    case notEligible = "not_eligible_excellent"   // 年终不评优

    public var nameZh: String {
        switch self {
        case .normal: "正常"
        case .named: "通报"
        case .rectification: "限期整改"
        case .yellowCard: "黄牌警告"
        case .notEligible: "年终不评优"
        }
    }
    public var nameEn: String {
        switch self {
        case .normal: "Normal"
        case .named: "Named"
        case .rectification: "Rectification"
        case .yellowCard: "Yellow card"
        case .notEligible: "Not eligible for excellent"
        }
    }
    var order: Int { Self.allCases.firstIndex(of: self)! }
    public static func < (a: LadderLevel, b: LadderLevel) -> Bool { a.order < b.order }
}

/// Why a cadre's standing changed (or stayed) in a month.
public enum LadderReason: Sendable, Codable, Equatable {
    case namedTopRiser(rank: Int)
    case namedConsecutive(months: Int)            // → rectification
    case namedConsecutiveYellow(months: Int)      // → yellow card
    case risingDuringRectification                // → yellow card
    case risingAfterYellowCard                    // → not eligible
    case rectificationCompleted
    case yearReset

    public var code: String {
        switch self {
        case .namedTopRiser: "named_top_riser"
        case .namedConsecutive: "named_consecutive"
        case .namedConsecutiveYellow: "named_consecutive_yellow"
        case .risingDuringRectification: "rising_during_rectification"
        case .risingAfterYellowCard: "rising_after_yellow_card"
        case .rectificationCompleted: "rectification_completed"
        case .yearReset: "year_reset"
        }
    }
    public var textZh: String {
        switch self {
        case .namedTopRiser(let r): "重点案件上升幅度第\(r)名，通报"
        case .namedConsecutive(let n): "连续\(n)个月上升幅度排前三名，限期整改"
        case .namedConsecutiveYellow(let n): "连续\(n)个月上升幅度排前三名，黄牌警告"
        case .risingDuringRectification: "整改期内重点案件继续上升，黄牌警告"
        case .risingAfterYellowCard: "黄牌警告后重点案件继续上升，年终考核不考虑优秀等次"
        case .rectificationCompleted: "整改期满未再上升，解除整改"
        case .yearReset: "新年度重新考核"
        }
    }
    public var textEn: String {
        switch self {
        case .namedTopRiser(let r): "Rise in key cases ranked #\(r): named"
        case .namedConsecutive(let n): "Among the top three risers \(n) months running: rectification with a deadline"
        case .namedConsecutiveYellow(let n): "Among the top three risers \(n) months running: yellow card"
        case .risingDuringRectification: "Key cases still rising during rectification: yellow card"
        case .risingAfterYellowCard: "Key cases still rising after the yellow card: not eligible for excellent"
        case .rectificationCompleted: "Rectification period over without a further rise"
        case .yearReset: "New assessment year"
        }
    }
}

public struct LadderRules: Sendable, Codable, Equatable {
    public var namedCount: Int
    public var rectificationAfter: Int
    public var yellowAfter: Int
    public var rectificationMonths: Int
    public var resetEachYear: Bool

    public init(namedCount: Int = 3, rectificationAfter: Int = 2, yellowAfter: Int = 3, rectificationMonths: Int = 2, resetEachYear: Bool = true) {
        self.namedCount = namedCount
        self.rectificationAfter = rectificationAfter
        self.yellowAfter = yellowAfter
        self.rectificationMonths = rectificationMonths
        self.resetEachYear = resetEachYear
    }

    public static let seed003 = LadderRules()

    /// Field-level problems (empty when valid).
    public func problems() -> [String: String] {
        var p: [String: String] = [:]
        if !(1...50).contains(namedCount) { p["namedCount"] = "1–50" }
        if !(1...12).contains(rectificationAfter) { p["rectificationAfter"] = "1–12" }
        if !(1...12).contains(yellowAfter) || yellowAfter <= rectificationAfter { p["yellowAfter"] = "> rectificationAfter, ≤ 12" }
        if !(1...12).contains(rectificationMonths) { p["rectificationMonths"] = "1–12" }
        return p
    }
}

/// A cadre's standing carried from month to month.
public struct LadderState: Sendable, Codable, Equatable {
    public var level: LadderLevel = .normal
    public var consecutiveNamed = 0
    /// Last month of the rectification period (inclusive).
    public var rectificationUntil: YearMonth?
    /// The month the state was last computed for (nil: never).
    public var month: YearMonth?
    public init(level: LadderLevel = .normal, consecutiveNamed: Int = 0, rectificationUntil: YearMonth? = nil, month: YearMonth? = nil) {
        self.level = level; self.consecutiveNamed = consecutiveNamed; self.rectificationUntil = rectificationUntil; self.month = month
    }
}

/// One cadre's key cases in one month (the ranking input).
public struct CadreMonthInput: Sendable, Codable, Equatable {
    public var cadreID: String
    public var current: Int
    public var previous: Int
    public init(cadreID: String, current: Int, previous: Int) { self.cadreID = cadreID; self.current = current; self.previous = previous }
    public var rising: Bool { current > previous }
}

/// One cadre's month on the ladder: the figures, the rank among risers, and the standing before and after.
public struct LadderStep: Sendable, Codable, Equatable {
    public var cadreID: String
    public var month: YearMonth
    public var current: Int
    public var previous: Int
    /// "+50.0%", "—" when previous is 0.
    public var change: String
    /// Position among this month's risers (1 = largest rise); nil when cases did not rise.
    public var riseRank: Int?
    public var named: Bool
    public var levelBefore: LadderLevel
    public var level: LadderLevel
    public var state: LadderState
    public var reasons: [LadderReason]
}

public enum CadreLadder {
    /// Risers ordered by rise (largest first) with the documented tie-breaks.
    public static func rankRisers(_ inputs: [CadreMonthInput]) -> [CadreMonthInput] {
        inputs.filter(\.rising).sorted { a, b in
            // Compare (c−p)/p exactly by cross-multiplication; a rise from 0 is larger than any finite rise.
            switch (a.previous == 0, b.previous == 0) {
            case (true, false): return true
            case (false, true): return false
            case (false, false):
                let l = (a.current - a.previous) * b.previous, r = (b.current - b.previous) * a.previous
                if l != r { return l > r }
            case (true, true): break
            }
            let da = a.current - a.previous, db = b.current - b.previous
            if da != db { return da > db }
            return a.cadreID < b.cadreID
        }
    }

    /// One month for every cadre: ranks, names the top risers and moves each cadre's state.
    /// `states` holds each cadre's state after the previous month (missing: a clean start).
    public static func step(month: YearMonth, inputs: [CadreMonthInput], states: [String: LadderState], rules: LadderRules = .seed003) -> [LadderStep] {
        let risers = rankRisers(inputs)
        var rank: [String: Int] = [:]
        for (i, r) in risers.enumerated() { rank[r.cadreID] = i + 1 }
        return inputs.map { input in
            advance(input, month: month, riseRank: rank[input.cadreID], state: states[input.cadreID] ?? LadderState(), rules: rules)
        }
    }

    /// One cadre's transition (pure; `step` calls it for everyone).
    public static func advance(_ input: CadreMonthInput, month: YearMonth, riseRank: Int?, state before: LadderState, rules: LadderRules) -> LadderStep {
        var s = before
        var reasons: [LadderReason] = []
        // A new year (or a gap of more than a month) starts the consecutive count again.
        if let last = s.month {
            if rules.resetEachYear && last.year != month.year {
                if s != LadderState(month: last) { reasons.append(.yearReset) }
                s = LadderState()
            } else if last.next != month {
                s.consecutiveNamed = 0
            }
        }
        let levelBefore = s.level
        let named = riseRank.map { $0 <= rules.namedCount } ?? false
        s.consecutiveNamed = named ? s.consecutiveNamed + 1 : 0
        let inRectification = s.level == .rectification && (s.rectificationUntil.map { month <= $0 } ?? false)

        if (s.level == .yellowCard || s.level == .notEligible) && input.rising {
            if s.level == .yellowCard { reasons.append(.risingAfterYellowCard) }
            s.level = .notEligible
        } else if s.level == .yellowCard || s.level == .notEligible {
            // Stands until the year ends.
        } else if inRectification && input.rising {
            reasons.append(.risingDuringRectification)
            s.level = .yellowCard; s.rectificationUntil = nil
        } else if s.consecutiveNamed >= rules.yellowAfter {
            reasons.append(.namedConsecutiveYellow(months: s.consecutiveNamed))
            s.level = .yellowCard; s.rectificationUntil = nil
        } else if s.consecutiveNamed >= rules.rectificationAfter && !inRectification {
            reasons.append(.namedConsecutive(months: s.consecutiveNamed))
            s.level = .rectification; s.rectificationUntil = month.adding(months: rules.rectificationMonths)
        } else if inRectification {
            // Still in the period, not rising: stays.
        } else if s.level == .rectification {
            // The period is over without a rise.
            reasons.append(.rectificationCompleted)
            s.level = named ? .named : .normal; s.rectificationUntil = nil
        } else {
            s.level = named ? .named : .normal
        }
        if named, let r = riseRank { reasons.insert(.namedTopRiser(rank: r), at: 0) }
        s.month = month
        return LadderStep(cadreID: input.cadreID, month: month, current: input.current, previous: input.previous,
                          change: PercentChange.format(current: input.current, previous: input.previous),
                          riseRank: riseRank, named: named, levelBefore: levelBefore, level: s.level, state: s, reasons: reasons)
    }

    /// Runs months in order from clean states: the full history, month by month.
    public static func history(_ months: [(YearMonth, [CadreMonthInput])], rules: LadderRules = .seed003) -> [[LadderStep]] {
        var states: [String: LadderState] = [:]
        var out: [[LadderStep]] = []
        for (m, inputs) in months.sorted(by: { $0.0 < $1.0 }) {
            let steps = step(month: m, inputs: inputs, states: states, rules: rules)
            for s in steps { states[s.cadreID] = s.state }
            out.append(steps)
        }
        return out
    }
}
