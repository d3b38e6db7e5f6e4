import Foundation

/// Statistical early warning (预警) per unit and period: a Poisson exceedance test against an expected
/// count, and the simple configurable rule "up ≥ 50 % and ≥ 5 cases". Pure: count series in, alerts
/// with their reason out; listing, acknowledging and notifying are the server's.
///
/// Poisson test: with x the count of the period under test and μ the expected count, Wheeler's
/// variance-stabilised score z = 2(√x − √μ) is approximately N(0, 1) under Poisson(μ); an alarm is
/// raised at z ≥ `zThreshold` (default 3), but only when x ≥ `minCount` (default 5), so that a small
/// community going from 0 to 2 does not cry wolf.

public enum WarningUnitKind: String, Codable, Sendable, Hashable {
    case community   // 社区
    case station     // 派出所

    public var nameZh: String { self == .community ? "社区" : "派出所" }
}

public enum WarningPeriod: String, Codable, Sendable, Hashable {
    case week, month

    /// Periods per year, used to find "the same period of previous years" (t − 52 for weeks,
    /// t − 12 for months).
    public var periodsPerYear: Int { self == .week ? 52 : 12 }
    var nameZh: String { self == .week ? "周" : "月" }
    var thisZh: String { self == .week ? "本周" : "本月" }
}

/// Counts of one unit over consecutive periods, oldest first. The period under test is `counts.last`
/// unless `EarlyWarning.evaluate(_:at:config:)` is given another index.
public struct WarningSeries: Sendable, Hashable {
    public var unitID: String
    public var unitName: String
    public var unitKind: WarningUnitKind
    public var period: WarningPeriod
    public var counts: [Int]
    /// Optional labels of the periods ("2026-03", "2026-W12"), same length as `counts`.
    public var labels: [String]?

    public init(unitID: String, unitName: String, unitKind: WarningUnitKind, period: WarningPeriod,
                counts: [Int], labels: [String]? = nil) {
        precondition(labels == nil || labels!.count == counts.count, "one label per period")
        self.unitID = unitID; self.unitName = unitName; self.unitKind = unitKind
        self.period = period; self.counts = counts; self.labels = labels
    }
}

public struct EarlyWarningConfig: Sendable, Codable, Hashable {
    public enum Baseline: Sendable, Codable, Hashable {
        /// Mean of the same period in up to `years` previous years, each with ± `halfWindow`
        /// neighbouring periods (e.g. 1 for weeks, to smooth the 52-week drift). Years missing from
        /// the history are skipped.
        case samePeriodPreviousYears(years: Int, halfWindow: Int)
        /// Mean of the `periods` periods just before (fewer if the history is shorter).
        case trailingMean(periods: Int)
    }

    public enum Comparison: String, Sendable, Codable, Hashable {
        case samePeriodLastYear   // 同比
        case previousPeriod       // 环比
    }

    public var baseline: Baseline = .samePeriodPreviousYears(years: 3, halfWindow: 0)
    /// When the history has no previous year, fall back to the trailing mean of this many periods
    /// (nil: no Poisson test without a previous year).
    public var fallbackTrailingPeriods: Int? = 8
    /// Wheeler z at or above which the Poisson test alarms.
    public var zThreshold: Double = 3
    /// Minimum-count guard: no Poisson alarm below this many cases in the period.
    public var minCount: Int = 5

    /// The simple rule: alarm when the count is up by at least `ruleMinIncrease` (0.5 = 50 %) on the
    /// comparison period AND the period has at least `ruleMinCount` cases.
    public var ruleEnabled: Bool = true
    public var ruleMinIncrease: Double = 0.5
    public var ruleMinCount: Int = 5
    public var ruleComparisons: [Comparison] = [.samePeriodLastYear, .previousPeriod]
    /// Whether a rise from 0 to ≥ `ruleMinCount` counts as "up ≥ 50 %" (the percentage is undefined).
    public var ruleFiresFromZero: Bool = true

    public init() {}
}

public struct WarningAlert: Sendable, Hashable, Codable {
    public enum Rule: String, Sendable, Codable, Hashable {
        case poissonExceedance = "poisson"   // 泊松超限
        case increase = "increase"           // 升幅规则
    }

    public var unitID: String
    public var unitName: String
    public var unitKind: WarningUnitKind
    public var period: WarningPeriod
    public var periodIndex: Int
    public var periodLabel: String?
    public var rule: Rule
    /// Cases in the period under test.
    public var observed: Int
    /// μ for the Poisson test; the comparison period's count for the rule.
    public var baseline: Double
    /// Wheeler z (Poisson test only).
    public var z: Double?
    /// (observed − baseline) / baseline (rule only; nil when the baseline is 0).
    public var change: Double?
    /// Which comparison the rule used (rule only).
    public var comparison: EarlyWarningConfig.Comparison?
    public var reasonZh: String
    public var reasonEn: String
}

public enum EarlyWarning {
    /// Wheeler's z = 2(√x − √μ).
    public static func wheelerZ(observed x: Int, expected mu: Double) -> Double {
        2 * (Double(x).squareRoot() - max(mu, 0).squareRoot())
    }

    /// Expected count for period `t` under `baseline`, and a short description of where it came from;
    /// nil if the history holds nothing to compare with.
    public static func expected(_ counts: [Int], at t: Int, period: WarningPeriod,
                                baseline: EarlyWarningConfig.Baseline) -> (mu: Double, periods: Int)? {
        var sum = 0, n = 0
        switch baseline {
        case let .samePeriodPreviousYears(years, halfWindow):
            let step = period.periodsPerYear
            for k in 1...max(years, 1) {
                let centre = t - k * step
                for j in -halfWindow...halfWindow {
                    let i = centre + j
                    if i >= 0, i < t { sum += counts[i]; n += 1 }
                }
            }
        case let .trailingMean(periods):
            for i in max(0, t - periods) ..< t { sum += counts[i]; n += 1 }
        }
        return n == 0 ? nil : (Double(sum) / Double(n), n)
    }

    /// Alerts for the period `index` (default: the last) of every series. Per unit, the Poisson alert
    /// comes first, then the rule's, one per comparison that fires.
    public static func evaluate(_ series: [WarningSeries], at index: Int? = nil,
                                config: EarlyWarningConfig = EarlyWarningConfig()) -> [WarningAlert] {
        var alerts: [WarningAlert] = []
        for s in series {
            let t = index ?? s.counts.count - 1
            guard t >= 0, t < s.counts.count else { continue }
            alerts += evaluate(s, at: t, config: config)
        }
        return alerts
    }

    static func evaluate(_ s: WarningSeries, at t: Int, config c: EarlyWarningConfig) -> [WarningAlert] {
        var out: [WarningAlert] = []
        let x = s.counts[t]
        let label = s.labels?[t]
        func alert(_ rule: WarningAlert.Rule, baseline: Double, z: Double? = nil, change: Double? = nil,
                   comparison: EarlyWarningConfig.Comparison? = nil, zh: String, en: String) -> WarningAlert {
            WarningAlert(unitID: s.unitID, unitName: s.unitName, unitKind: s.unitKind, period: s.period,
                         periodIndex: t, periodLabel: label, rule: rule, observed: x, baseline: baseline,
                         z: z, change: change, comparison: comparison, reasonZh: zh, reasonEn: en)
        }
        let unitWord = s.period == .week ? "week" : "month"

        // Poisson exceedance
        var base = expected(s.counts, at: t, period: s.period, baseline: c.baseline)
        var baseZh = "", baseEn = ""
        switch c.baseline {
        case .samePeriodPreviousYears:
            baseZh = "往年同期均值"; baseEn = "mean of the same \(unitWord) in previous years"
        case let .trailingMean(p):
            baseZh = "前\(p)\(s.period.nameZh)均值"; baseEn = "mean of the previous \(p) \(unitWord)s"
        }
        if base == nil, case .samePeriodPreviousYears = c.baseline, let p = c.fallbackTrailingPeriods {
            base = expected(s.counts, at: t, period: s.period, baseline: .trailingMean(periods: p))
            baseZh = "前\(p)\(s.period.nameZh)均值（无往年数据）"
            baseEn = "mean of the previous \(p) \(unitWord)s (no previous year)"
        }
        if let (mu, _) = base, x >= c.minCount {
            let z = wheelerZ(observed: x, expected: mu)
            if z >= c.zThreshold {
                out.append(alert(.poissonExceedance, baseline: mu, z: z,
                    zh: "\(s.period.thisZh)\(x)起，\(baseZh)\(fmt(mu, 1))起，Wheeler z = \(fmt(z, 2)) ≥ \(fmt(c.zThreshold, 1))",
                    en: "\(x) cases this \(unitWord) against \(fmt(mu, 1)) expected (\(baseEn)); Wheeler z = \(fmt(z, 2)) ≥ \(fmt(c.zThreshold, 1))"))
            }
        }

        // Simple rule
        guard c.ruleEnabled, x >= c.ruleMinCount else { return out }
        for comparison in c.ruleComparisons {
            let j = comparison == .previousPeriod ? t - 1 : t - s.period.periodsPerYear
            guard j >= 0 else { continue }
            let prev = s.counts[j]
            let change = PercentChange.fraction(current: x, previous: prev)
            let fires = change.map { $0 >= c.ruleMinIncrease - 1e-12 } ?? c.ruleFiresFromZero
            guard fires else { continue }
            let (compZh, compEn): (String, String) = comparison == .previousPeriod
                ? ("上\(s.period.nameZh)", "the previous \(unitWord)")
                : (s.period == .week ? "去年同周" : "去年同月", "the same \(unitWord) last year")
            // "上升50.0%", not "上升+50.0%": the word already says which way.
            let formatted = PercentChange.format(current: x, previous: prev)
            let pct = formatted.hasPrefix("+") ? String(formatted.dropFirst()) : formatted
            let ruleZh = "升幅 ≥ \(fmt(c.ruleMinIncrease * 100, 0))% 且 ≥ \(c.ruleMinCount)起"
            let ruleEn = "up ≥ \(fmt(c.ruleMinIncrease * 100, 0))% and ≥ \(c.ruleMinCount) cases"
            let upZh = prev == 0 ? "由0起增至\(x)起" : "较\(compZh)\(prev)起上升\(pct)"
            let upEn = prev == 0 ? "up from 0 in \(compEn)" : "up \(pct) on \(prev) in \(compEn)"
            out.append(alert(.increase, baseline: Double(prev), change: change, comparison: comparison,
                zh: "\(s.period.thisZh)\(x)起，\(upZh)（\(ruleZh)）",
                en: "\(x) cases this \(unitWord), \(upEn) (rule: \(ruleEn))"))
        }
        return out
    }

    static func fmt(_ v: Double, _ decimals: Int) -> String { String(format: "%.\(decimals)f", v) }
}
