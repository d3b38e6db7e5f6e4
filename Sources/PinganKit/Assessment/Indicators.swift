import Foundation

/// The district's configurable indicator framework (考核指标体系, seed 001 四(五)): what the monthly station
/// publication (每月通报) scores. Each indicator names a metric computed from recorded data, a direction,
/// a target (full marks), a zero point (no marks) and a weight. Pure: the server gathers the figures.

/// What an indicator measures. Each is computed per station and month from what the system records.
public enum IndicatorMetric: String, Codable, CaseIterable, Sendable {
    /// 民警在岗率: community officers in place ÷ required by the staffing rules (capped at 1 by the target).
    case officersInPlace = "officers_in_place"
    /// 警务室建成率: police offices in place ÷ required by the staffing rules.
    case officesSetUp = "offices_set_up"
    /// 巡逻计划完成率: patrol plans of the month (up to today) with a patrol log ÷ plans.
    case patrolsDone = "patrols_done"
    /// 热点网格巡逻占比: share of the month's patrol time spent in hot grids (the district's grids with the most
    /// preventable cases over the months before).
    case hotGridPatrolShare = "hot_grid_patrol_share"
    /// 网上警务按时答复率: portal requests due in the month (up to now) first answered by their due time ÷ due.
    case portalAnsweredInTime = "portal_in_time"
    /// 台账齐全率: cadres whose 四查 record of the month says records complete ÷ active cadres.
    case ledgersComplete = "ledgers_complete"
    /// 每万人可防性案件: preventable cases of the month per 10,000 residents.
    case preventablePer10k = "preventable_per_10k"
    /// 可防性案件环比: (this month − last month) ÷ last month; not applicable when last month had none.
    case preventableChange = "preventable_change"
    /// 可防性案件同比: against the same month last year.
    case preventableChangeYoY = "preventable_change_yoy"
    /// 修匀破案率: clearance of preventable cases shrunk toward the district rate (empirical Bayes).
    case clearance = "clearance"
    /// 调解成功率: disputes closed with an agreement ÷ closed with an agreement or a failure.
    case mediationSuccess = "mediation_success"
    /// 安全感: share of respondents who feel safe (district share where a station has no survey).
    case perception = "perception"
    /// 综合平安指数 (crime O/E, clearance, perception together; 0–100).
    case compositeIndex = "composite_index"
    /// 网格事件按期处置率: grid events due in the month handled by their deadline ÷ due (`GridEventEvaluation`).
    case gridEventsOnTime = "grid_events_on_time"
    /// 网格事件结案率: grid events registered in the month and closed ÷ registered.
    case gridEventsClosed = "grid_events_closed"
    /// 网格事件返工率: grid events handled in the month that failed a verification at least once ÷ handled.
    case gridEventsRework = "grid_events_rework"

    public enum Unit: String, Sendable { case share, per10k, change, points }
    public var unit: Unit {
        switch self {
        case .preventablePer10k: .per10k
        case .preventableChange, .preventableChangeYoY: .change
        case .compositeIndex: .points
        default: .share
        }
    }
    /// The direction a district would normally want; the configuration may say otherwise.
    public var naturalDirection: IndicatorDirection {
        switch self {
        case .preventablePer10k, .preventableChange, .preventableChangeYoY, .gridEventsRework: .lowerIsBetter
        default: .higherIsBetter
        }
    }
    public var chineseName: String {
        switch self {
        case .officersInPlace: "民警在岗率"
        case .officesSetUp: "警务室建成率"
        case .patrolsDone: "巡逻计划完成率"
        case .hotGridPatrolShare: "热点网格巡逻占比"
        case .portalAnsweredInTime: "网上警务按时答复率"
        case .ledgersComplete: "台账齐全率"
        case .preventablePer10k: "每万人可防性案件"
        case .preventableChange: "可防性案件环比"
        case .preventableChangeYoY: "可防性案件同比"
        case .clearance: "破案率（修匀）"
        case .mediationSuccess: "调解成功率"
        case .perception: "群众安全感"
        case .compositeIndex: "综合平安指数"
        case .gridEventsOnTime: "网格事件按期处置率"
        case .gridEventsClosed: "网格事件结案率"
        case .gridEventsRework: "网格事件返工率"
        }
    }
    public var englishName: String {
        switch self {
        case .officersInPlace: "Officers in place"
        case .officesSetUp: "Police offices set up"
        case .patrolsDone: "Patrols done vs planned"
        case .hotGridPatrolShare: "Patrol time in hot grids"
        case .portalAnsweredInTime: "Portal requests answered in time"
        case .ledgersComplete: "Ledgers complete"
        case .preventablePer10k: "Preventable cases per 10,000"
        case .preventableChange: "Preventable cases, month on month"
        case .preventableChangeYoY: "Preventable cases, year on year"
        case .clearance: "Clearance (shrunk)"
        case .mediationSuccess: "Mediation success"
        case .perception: "Safety perception"
        case .compositeIndex: "Composite safety index"
        case .gridEventsOnTime: "Grid events handled on time"
        case .gridEventsClosed: "Grid events closed"
        case .gridEventsRework: "Grid events reworked"
        }
    }
}

public enum IndicatorDirection: String, Codable, CaseIterable, Sendable {
    case higherIsBetter = "higher"
    case lowerIsBetter = "lower"
}

/// One indicator of the framework. Score = 100 × (value − zero) / (target − zero), clamped to 0…100, so the
/// target earns full marks and the zero point none, whichever the direction.
public struct IndicatorDefinition: Codable, Equatable, Sendable {
    public var metric: IndicatorMetric
    /// The district's own name for it (empty → the metric's name).
    public var name: String
    public var direction: IndicatorDirection
    public var target: Double
    public var zero: Double
    public var weight: Double
    public var enabled: Bool

    public init(_ metric: IndicatorMetric, name: String = "", direction: IndicatorDirection? = nil, target: Double, zero: Double, weight: Double, enabled: Bool = true) {
        self.metric = metric; self.name = name; self.direction = direction ?? metric.naturalDirection
        self.target = target; self.zero = zero; self.weight = weight; self.enabled = enabled
    }

    enum CodingKeys: String, CodingKey { case metric, name, direction, target, zero, weight, enabled }
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        metric = try c.decode(IndicatorMetric.self, forKey: .metric)
        name = try c.decodeIfPresent(String.self, forKey: .name) ?? ""
        direction = try c.decodeIfPresent(IndicatorDirection.self, forKey: .direction) ?? metric.naturalDirection
        target = try c.decode(Double.self, forKey: .target)
        zero = try c.decode(Double.self, forKey: .zero)
        weight = try c.decode(Double.self, forKey: .weight)
        enabled = try c.decodeIfPresent(Bool.self, forKey: .enabled) ?? true
    }

    public func displayName(english: Bool) -> String { name.isEmpty ? (english ? metric.englishName : metric.chineseName) : name }

    /// 0…100; nil when the value is not applicable (no data for the unit this month).
    public func score(_ value: Double?) -> Double? {
        guard let value, value.isFinite, target != zero else { return nil }
        return min(100, max(0, 100 * (value - zero) / (target - zero)))
    }
}

public struct IndicatorFramework: Codable, Equatable, Sendable {
    public static let currentVersion = 1
    public var version: Int
    public var indicators: [IndicatorDefinition]
    /// Hot grids for `hotGridPatrolShare`: the top share of the district's grids by preventable cases over
    /// the `hotGridMonths` months before the month assessed.
    public var hotGridShare: Double
    public var hotGridMonths: Int

    public init(indicators: [IndicatorDefinition], hotGridShare: Double = 0.2, hotGridMonths: Int = 3) {
        version = Self.currentVersion; self.indicators = indicators; self.hotGridShare = hotGridShare; self.hotGridMonths = hotGridMonths
    }

    enum CodingKeys: String, CodingKey { case version, indicators, hotGridShare, hotGridMonths }
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        version = try c.decodeIfPresent(Int.self, forKey: .version) ?? Self.currentVersion
        indicators = try c.decode([IndicatorDefinition].self, forKey: .indicators)
        hotGridShare = try c.decodeIfPresent(Double.self, forKey: .hotGridShare) ?? 0.2
        hotGridMonths = try c.decodeIfPresent(Int.self, forKey: .hotGridMonths) ?? 3
    }

    /// Seed 001 四(五)'s list: staffing and offices, prevention (patrols done vs planned, time in hot places),
    /// service (portal answered in time), standardisation (ledgers complete) and the security situation
    /// (preventable cases per 10,000 and their change, clearance, mediation success, safety perception).
    /// Weights sum to 100. Targets are starting points a district is expected to set for itself; the
    /// perception target is seed 003's 95 %.
    public static let defaults = IndicatorFramework(indicators: [
        .init(.officersInPlace, target: 1.0, zero: 0.5, weight: 10),
        .init(.officesSetUp, target: 1.0, zero: 0.0, weight: 5),
        .init(.patrolsDone, target: 0.95, zero: 0.5, weight: 10),
        .init(.hotGridPatrolShare, target: 0.5, zero: 0.0, weight: 10),
        .init(.portalAnsweredInTime, target: 0.95, zero: 0.5, weight: 10),
        .init(.ledgersComplete, target: 1.0, zero: 0.0, weight: 5),
        .init(.preventablePer10k, target: 2.0, zero: 10.0, weight: 10),
        .init(.preventableChange, target: -0.1, zero: 0.3, weight: 10),
        .init(.preventableChangeYoY, target: -0.1, zero: 0.3, weight: 0, enabled: false),
        .init(.clearance, target: 0.6, zero: 0.2, weight: 10),
        .init(.mediationSuccess, target: 0.9, zero: 0.5, weight: 5),
        .init(.perception, target: 0.95, zero: 0.8, weight: 15),
        .init(.compositeIndex, target: 70, zero: 30, weight: 0, enabled: false),
        // The grid-event loop (issue 19), offered off: a district that runs it gives them weight.
        .init(.gridEventsOnTime, target: 0.95, zero: 0.6, weight: 0, enabled: false),
        .init(.gridEventsClosed, target: 0.95, zero: 0.6, weight: 0, enabled: false),
        .init(.gridEventsRework, target: 0.05, zero: 0.3, weight: 0, enabled: false),
    ])

    public var active: [IndicatorDefinition] { indicators.filter { $0.enabled && $0.weight > 0 } }

    /// Field-level problems, keyed like `indicators.3.target` (English messages; the server words its own).
    public func problems() -> [String: Problem] {
        var p: [String: Problem] = [:]
        if version != Self.currentVersion { p["version"] = .unsupportedVersion }
        if indicators.isEmpty { p["indicators"] = .empty }
        if !(hotGridShare > 0 && hotGridShare <= 1) { p["hotGridShare"] = .outOfRange("0–1") }
        if !(1...24).contains(hotGridMonths) { p["hotGridMonths"] = .outOfRange("1–24") }
        var seen = Set<IndicatorMetric>()
        for (i, d) in indicators.enumerated() {
            let k = "indicators.\(i)."
            if !seen.insert(d.metric).inserted { p[k + "metric"] = .duplicate }
            if d.name.count > 40 { p[k + "name"] = .tooLong(40) }
            if !(d.weight.isFinite && d.weight >= 0 && d.weight <= 100) { p[k + "weight"] = .outOfRange("0–100") }
            if !d.target.isFinite { p[k + "target"] = .notANumber }
            if !d.zero.isFinite { p[k + "zero"] = .notANumber }
            if d.target.isFinite && d.zero.isFinite {
                switch d.direction {
                case .higherIsBetter where !(d.zero < d.target): p[k + "zero"] = .zeroOnWrongSide
                case .lowerIsBetter where !(d.zero > d.target): p[k + "zero"] = .zeroOnWrongSide
                default: break
                }
                if d.metric.unit == .share && !((0...1).contains(d.target) && (0...1).contains(d.zero)) { p[k + "target"] = .outOfRange("0–1") }
            }
        }
        if !indicators.isEmpty && active.isEmpty { p["indicators"] = .noneActive }
        return p
    }

    public enum Problem: Equatable, Sendable {
        case unsupportedVersion, empty, noneActive, duplicate, tooLong(Int), outOfRange(String), notANumber, zeroOnWrongSide
    }
}

/// A station's measured value for one metric; nil when it does not apply this month (nothing planned, nothing due…).
public struct IndicatorValue: Codable, Equatable, Sendable {
    public var value: Double?
    /// Numerator and denominator where the value is a share, so the page can show "19/20".
    public var numerator: Double?
    public var denominator: Double?
    public init(_ value: Double?, numerator: Double? = nil, denominator: Double? = nil) {
        self.value = value; self.numerator = numerator; self.denominator = denominator
    }
    public static func share(_ n: Int, of d: Int) -> IndicatorValue {
        IndicatorValue(d > 0 ? Double(n) / Double(d) : nil, numerator: Double(n), denominator: Double(d))
    }
}

public struct IndicatorUnitInput: Sendable {
    public var id: String
    public var name: String
    public var values: [IndicatorMetric: IndicatorValue]
    public init(id: String, name: String, values: [IndicatorMetric: IndicatorValue]) { self.id = id; self.name = name; self.values = values }
}

public struct IndicatorCell: Codable, Equatable, Sendable {
    public var metric: IndicatorMetric
    public var value: Double?
    public var numerator: Double?
    public var denominator: Double?
    public var score: Double?
    /// Points earned toward the total: score × weight ÷ Σ weights of the applicable indicators.
    public var points: Double?
}

public struct IndicatorUnitScore: Codable, Equatable, Sendable {
    public var id: String
    public var name: String
    public var cells: [IndicatorCell]
    /// Weighted mean of the applicable indicators' scores (0–100); nil when none applies.
    public var total: Double?
    /// Competition ranking (1, 2, 2, 4) on the total rounded to 0.01; nil when there is no total.
    public var rank: Int?
}

public enum IndicatorScoring {
    /// Scores and ranks the units. An indicator a unit has no value for is left out of that unit's weighted
    /// mean (weights renormalised), so a station is not punished or rewarded for what it had nothing of.
    public static func evaluate(_ framework: IndicatorFramework, _ units: [IndicatorUnitInput]) -> [IndicatorUnitScore] {
        let active = framework.active
        var out: [IndicatorUnitScore] = units.map { u in
            var cells: [IndicatorCell] = []
            var sumW = 0.0, sumWS = 0.0
            for d in active {
                let v = u.values[d.metric] ?? IndicatorValue(nil)
                let s = d.score(v.value)
                if let s { sumW += d.weight; sumWS += d.weight * s }
                cells.append(IndicatorCell(metric: d.metric, value: v.value, numerator: v.numerator, denominator: v.denominator, score: s, points: nil))
            }
            if sumW > 0 {
                for i in cells.indices { if let s = cells[i].score { cells[i].points = s * active[i].weight / sumW } }
            }
            return IndicatorUnitScore(id: u.id, name: u.name, cells: cells, total: sumW > 0 ? sumWS / sumW : nil, rank: nil)
        }
        func key(_ t: Double?) -> Int? { t.map { Int(($0 * 100).rounded()) } }
        out.sort { a, b in
            switch (key(a.total), key(b.total)) {
            case let (x?, y?) where x != y: return x > y
            case (.some, nil): return true
            case (nil, .some): return false
            default: return (a.name, a.id) < (b.name, b.id)
            }
        }
        var previous: Int? = nil, previousRank = 0
        for i in out.indices {
            guard let k = key(out[i].total) else { continue }
            let r = k == previous ? previousRank : i + 1
            out[i].rank = r; previous = k; previousRank = r
        }
        return out
    }
}

/// Hot grids: the top `share` of grids by count, ties at the cut all included; grids with no case are never hot.
public enum HotGrids {
    public static func select(counts: [Int: Int], gridCount: Int, share: Double) -> Set<Int> {
        let k = Int((Double(gridCount) * share).rounded(.up))
        guard k > 0 else { return [] }
        let sorted = counts.filter { $0.value > 0 }.sorted { ($0.value, $1.key) > ($1.value, $0.key) }
        guard !sorted.isEmpty else { return [] }
        let cut = sorted[min(k, sorted.count) - 1].value
        return Set(sorted.filter { $0.value >= cut }.map(\.key))
    }
}

/// One month of a unit's publication, as the year-end summary lists it.
public struct MonthScore: Codable, Equatable, Sendable {
    public var month: String
    public var score: Double?
    public var rank: Int?
    public init(month: String, score: Double?, rank: Int?) { self.month = month; self.score = score; self.rank = rank }
}

/// 年终汇总: a unit's year from its monthly scores and ranks.
public struct YearStanding: Codable, Equatable, Sendable {
    public var monthsScored: Int
    public var average: Double?
    public var averageRank: Double?
    /// Best month: the best rank, then the higher score, then the earlier month.
    public var best: MonthScore?
    /// Worst month: the worst rank, then the lower score, then the later month.
    public var worst: MonthScore?

    public init(_ months: [MonthScore]) {
        let scored = months.filter { $0.score != nil && $0.rank != nil }
        monthsScored = scored.count
        average = scored.isEmpty ? nil : scored.map { $0.score! }.reduce(0, +) / Double(scored.count)
        averageRank = scored.isEmpty ? nil : Double(scored.map { $0.rank! }.reduce(0, +)) / Double(scored.count)
        func better(_ a: MonthScore, _ b: MonthScore) -> Bool {
            a.rank! != b.rank! ? a.rank! < b.rank! : a.score! != b.score! ? a.score! > b.score! : a.month < b.month
        }
        best = scored.min(by: better)
        worst = scored.min { a, b in a.rank! != b.rank! ? a.rank! > b.rank! : a.score! != b.score! ? a.score! < b.score! : a.month > b.month }
    }

    /// Competition ranking (1, 2, 2, 4) of units by average score rounded to 0.01; nil without an average.
    public static func ranks(_ averages: [Double?]) -> [Int?] {
        let keys = averages.map { $0.map { Int(($0 * 100).rounded()) } }
        return keys.map { k in k.map { k in 1 + keys.filter { ($0 ?? Int.min) > k }.count } }
    }
}
