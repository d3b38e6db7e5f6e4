/// The grid-cadre escalation ladder (包片干部重点案件同比考核, seed 003, fifth piece, 四.2):
///
///   "每月对各片区的重点案件发案情况及上升、下降进行排位。在一个月内重点案件上升幅度在前三名的包片干部给予通报，
///    连续二次…排在前三名的包片干部给予限期整改，在整改期内因措施不力继续上升或者…连续三次…排在前三名的包片干部
///    给予黄牌警告，受到黄牌警告后还在继续上升的包片干部将实行年终考核不考虑优秀等次。"
///
/// Rules as implemented (the seed's numbers are the defaults of `LadderRules`):
/// - Each month every cadre's area has key cases this month and the comparison month. Only cadres whose
///   cases rose (current > previous) are ranked, by the rise's size (上升幅度) = (current − previous) / previous.
/// - Ties: equal rises share a rank (competition ranking 1, 2, 2, 4), so cadres tied on the third-largest rise
///   are all named — "前三名" are the cadres whose rise is among the three largest, not three cadres picked by ID.
/// - A rise from 0 (0 → n) has no percentage. By default (`FromZeroRule.afterPercentages`) it ranks after every
///   percentage rise, among such rises by the increase n (larger first, equal n tied); `notRanked` leaves it out
///   of the ranking (it still counts as rising for rectification and the yellow card).
/// - Cadres whose rank is at most `namedCount` (3) are named (通报).
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
    /// Named sharing the rank with others (the same rise).
    case namedTiedRiser(rank: Int)
    /// Named for a rise from 0 (no percentage), ranked after the percentage rises.
    case namedFromZero(rank: Int, increase: Int, tied: Bool)
    case namedConsecutive(months: Int)            // → rectification
    case namedConsecutiveYellow(months: Int)      // → yellow card
    case risingDuringRectification                // → yellow card
    case risingAfterYellowCard                    // → not eligible
    case rectificationCompleted
    case yearReset

    public var code: String {
        switch self {
        case .namedTopRiser: "named_top_riser"
        case .namedTiedRiser: "named_tied_riser"
        case .namedFromZero: "named_from_zero"
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
        case .namedTiedRiser(let r): "重点案件上升幅度并列第\(r)名，通报"
        case .namedFromZero(let r, let n, let tied): "重点案件由0起增加\(n)起（无百分比，排在按幅度上升者之后）\(tied ? "并列" : "")第\(r)名，通报"
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
        case .namedTiedRiser(let r): "Rise in key cases tied at #\(r): named"
        case .namedFromZero(let r, let n, let tied): "Key cases up from 0 by \(n) (no percentage; ranked after the percentage rises), \(tied ? "tied at " : "")#\(r): named"
        case .namedConsecutive(let n): "Among the top three risers \(n) months running: rectification with a deadline"
        case .namedConsecutiveYellow(let n): "Among the top three risers \(n) months running: yellow card"
        case .risingDuringRectification: "Key cases still rising during rectification: yellow card"
        case .risingAfterYellowCard: "Key cases still rising after the yellow card: not eligible for excellent"
        case .rectificationCompleted: "Rectification period over without a further rise"
        case .yearReset: "New assessment year"
        }
    }
}

/// Where a rise from 0 (0 → n, no percentage) goes in the ranking.
public enum FromZeroRule: String, Sendable, Codable, CaseIterable {
    /// After every percentage rise, ordered by the increase n (the default).
    case afterPercentages = "after_percentages"
    /// Not ranked, so never named for it (it still counts as a rise for rectification and the yellow card).
    case notRanked = "not_ranked"

    public var nameZh: String {
        switch self {
        case .afterPercentages: "排在按幅度上升者之后，按增加起数排序"
        case .notRanked: "不参与排名"
        }
    }
    public var nameEn: String {
        switch self {
        case .afterPercentages: "after every percentage rise, by the increase"
        case .notRanked: "not ranked"
        }
    }
}

public struct LadderRules: Sendable, Codable, Equatable {
    public var namedCount: Int
    public var rectificationAfter: Int
    public var yellowAfter: Int
    public var rectificationMonths: Int
    public var resetEachYear: Bool
    public var fromZero: FromZeroRule

    public init(namedCount: Int = 3, rectificationAfter: Int = 2, yellowAfter: Int = 3, rectificationMonths: Int = 2, resetEachYear: Bool = true,
                fromZero: FromZeroRule = .afterPercentages) {
        self.namedCount = namedCount
        self.rectificationAfter = rectificationAfter
        self.yellowAfter = yellowAfter
        self.rectificationMonths = rectificationMonths
        self.resetEachYear = resetEachYear
        self.fromZero = fromZero
    }

    public static let seed003 = LadderRules()

    // Missing keys (rules stored before a setting existed) keep their defaults.
    private enum CodingKeys: String, CodingKey { case namedCount, rectificationAfter, yellowAfter, rectificationMonths, resetEachYear, fromZero }
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let d = LadderRules()
        namedCount = try c.decodeIfPresent(Int.self, forKey: .namedCount) ?? d.namedCount
        rectificationAfter = try c.decodeIfPresent(Int.self, forKey: .rectificationAfter) ?? d.rectificationAfter
        yellowAfter = try c.decodeIfPresent(Int.self, forKey: .yellowAfter) ?? d.yellowAfter
        rectificationMonths = try c.decodeIfPresent(Int.self, forKey: .rectificationMonths) ?? d.rectificationMonths
        resetEachYear = try c.decodeIfPresent(Bool.self, forKey: .resetEachYear) ?? d.resetEachYear
        fromZero = try c.decodeIfPresent(FromZeroRule.self, forKey: .fromZero) ?? d.fromZero
    }

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
    /// Position among this month's risers (1 = largest rise; equal rises share it); nil when cases did not rise
    /// (or rose from 0 under `FromZeroRule.notRanked`).
    public var riseRank: Int?
    public var named: Bool
    public var levelBefore: LadderLevel
    public var level: LadderLevel
    public var state: LadderState
    public var reasons: [LadderReason]
}

public enum CadreLadder {
    /// A riser's place: its competition rank and whether another riser shares it.
    public struct RiseRank: Sendable, Equatable {
        public var cadreID: String
        public var rank: Int
        public var tied: Bool
        public var fromZero: Bool
    }

    /// Risers in published order with their ranks: percentage rises largest first (compared exactly by
    /// cross-multiplication), then — under `.afterPercentages` — rises from 0 by their increase. Equal rises share
    /// a rank (1, 2, 2, 4); within a rank, the larger absolute increase is listed first, then the cadre ID.
    public static func ranked(_ inputs: [CadreMonthInput], fromZero: FromZeroRule = .afterPercentages) -> [RiseRank] {
        let risers = inputs.filter(\.rising)
        let percent = risers.filter { $0.previous > 0 }
        let zero = fromZero == .afterPercentages ? risers.filter { $0.previous <= 0 } : []
        // Same rise (上升幅度): equal (c−p)/p; for rises from 0, equal increases.
        func sameRise(_ a: CadreMonthInput, _ b: CadreMonthInput) -> Bool {
            if a.previous > 0 && b.previous > 0 { return (a.current - a.previous) * b.previous == (b.current - b.previous) * a.previous }
            if a.previous <= 0 && b.previous <= 0 { return a.current - a.previous == b.current - b.previous }
            return false
        }
        func larger(_ a: CadreMonthInput, _ b: CadreMonthInput) -> Bool {
            let l = (a.current - a.previous) * b.previous, r = (b.current - b.previous) * a.previous
            return l > r
        }
        func display(_ a: CadreMonthInput, _ b: CadreMonthInput) -> Bool {
            let da = a.current - a.previous, db = b.current - b.previous
            if da != db { return da > db }
            return a.cadreID < b.cadreID
        }
        let orderedPercent = percent.sorted { a, b in sameRise(a, b) ? display(a, b) : larger(a, b) }
        let orderedZero = zero.sorted(by: display)   // by increase, larger first; equal increases tie
        let ordered = orderedPercent + orderedZero
        var out: [RiseRank] = []
        out.reserveCapacity(ordered.count)
        for (i, x) in ordered.enumerated() {
            let rank = (i > 0 && sameRise(ordered[i - 1], x)) ? out[i - 1].rank : i + 1
            out.append(RiseRank(cadreID: x.cadreID, rank: rank, tied: false, fromZero: x.previous <= 0))
        }
        var perRank: [Int: Int] = [:]
        for r in out { perRank[r.rank, default: 0] += 1 }
        for i in out.indices { out[i].tied = perRank[out[i].rank]! > 1 }
        return out
    }

    /// Risers in published order (see `ranked`).
    public static func rankRisers(_ inputs: [CadreMonthInput], fromZero: FromZeroRule = .afterPercentages) -> [CadreMonthInput] {
        let byID = Dictionary(inputs.map { ($0.cadreID, $0) }, uniquingKeysWith: { a, _ in a })
        return ranked(inputs, fromZero: fromZero).compactMap { byID[$0.cadreID] }
    }

    /// One month for every cadre: ranks, names the top risers (all of a shared rank) and moves each cadre's state.
    /// `states` holds each cadre's state after the previous month (missing: a clean start).
    public static func step(month: YearMonth, inputs: [CadreMonthInput], states: [String: LadderState], rules: LadderRules = .seed003) -> [LadderStep] {
        var rank: [String: RiseRank] = [:]
        for r in ranked(inputs, fromZero: rules.fromZero) { rank[r.cadreID] = r }
        return inputs.map { input in
            advance(input, month: month, riseRank: rank[input.cadreID]?.rank, tied: rank[input.cadreID]?.tied ?? false,
                    state: states[input.cadreID] ?? LadderState(), rules: rules)
        }
    }

    /// One cadre's transition (pure; `step` calls it for everyone).
    public static func advance(_ input: CadreMonthInput, month: YearMonth, riseRank: Int?, tied: Bool = false, state before: LadderState, rules: LadderRules) -> LadderStep {
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
        if named, let r = riseRank {
            let why: LadderReason = input.previous <= 0 ? .namedFromZero(rank: r, increase: input.current - input.previous, tied: tied)
                : (tied ? .namedTiedRiser(rank: r) : .namedTopRiser(rank: r))
            reasons.insert(why, at: 0)
        }
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
