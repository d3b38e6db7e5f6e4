import Foundation

/// Statistics for league tables that do not reward small numbers by chance (see docs/assessment.md):
/// empirical-Bayes shrinkage of rates, observed/expected ratios, funnel-plot control limits
/// (Spiegelhalter 2005) and Wilson intervals for survey shares.
public enum IndexStatistics {
    /// Two-sided normal quantiles used for funnel limits: 95% and 99.8% (Spiegelhalter's "2 and 3 SD").
    public static let z95 = 1.959964
    public static let z998 = 3.090232

    // MARK: Empirical-Bayes shrinkage (beta-binomial, method of moments)

    public struct ShrinkageUnit: Sendable, Equatable {
        public var id: String
        public var successes: Int
        public var trials: Int
        public init(id: String, successes: Int, trials: Int) { self.id = id; self.successes = successes; self.trials = trials }
    }

    public struct ShrunkRate: Sendable, Equatable, Codable {
        public var id: String
        public var successes: Int
        public var trials: Int
        /// successes / trials, nil when trials == 0.
        public var raw: Double?
        /// (successes + a) / (trials + a + b): pulled toward the pooled rate, more when `trials` is small.
        public var shrunk: Double
        /// Weight on the unit's own rate: trials / (trials + a + b).
        public var weight: Double
    }

    public struct Prior: Sendable, Equatable, Codable {
        /// Pooled rate Σsuccesses / Σtrials.
        public var mean: Double
        /// Prior strength a + b in "pseudo-trials"; infinity when units vary no more than chance.
        public var strength: Double
    }

    /// Beta prior from the units by the method of moments: between-unit variance τ² = S²_w − mean(p̄(1−p̄)/n)
    /// with S²_w the trials-weighted variance of the raw rates; strength M = p̄(1−p̄)/τ² − 1.
    /// τ² ≤ 0 (no excess variation) → every unit gets the pooled rate. Units with 0 trials take no part.
    public static func betaPrior(_ units: [ShrinkageUnit]) -> Prior {
        let used = units.filter { $0.trials > 0 }
        let n = used.reduce(0) { $0 + $1.trials }, s = used.reduce(0) { $0 + $1.successes }
        guard n > 0 else { return Prior(mean: 0, strength: .infinity) }
        let p = Double(s) / Double(n)
        guard used.count > 1, p > 0, p < 1 else { return Prior(mean: p, strength: .infinity) }
        let k = Double(used.count)
        let meanN = Double(n) / k
        var sw = 0.0
        for u in used {
            let r = Double(u.successes) / Double(u.trials)
            sw += Double(u.trials) * (r - p) * (r - p)
        }
        let weightedVar = sw / Double(n)                  // Σ n_i (r_i − p)² / Σ n_i
        let chanceVar = p * (1 - p) / meanN
        let tau2 = weightedVar - chanceVar
        guard tau2 > 1e-12 else { return Prior(mean: p, strength: .infinity) }
        return Prior(mean: p, strength: max(0, p * (1 - p) / tau2 - 1))
    }

    /// Shrinks each unit's rate toward the pooled rate. `prior` defaults to the method-of-moments fit.
    public static func shrink(_ units: [ShrinkageUnit], prior given: Prior? = nil) -> [ShrunkRate] {
        let prior = given ?? betaPrior(units)
        return units.map { u in
            let raw = u.trials > 0 ? Double(u.successes) / Double(u.trials) : nil
            guard prior.strength.isFinite else {
                return ShrunkRate(id: u.id, successes: u.successes, trials: u.trials, raw: raw, shrunk: prior.mean, weight: 0)
            }
            let a = prior.mean * prior.strength, b = (1 - prior.mean) * prior.strength
            let denom = Double(u.trials) + a + b
            let shrunk = denom > 0 ? (Double(u.successes) + a) / denom : prior.mean
            return ShrunkRate(id: u.id, successes: u.successes, trials: u.trials, raw: raw, shrunk: shrunk, weight: denom > 0 ? Double(u.trials) / denom : 0)
        }
    }

    // MARK: Observed / expected (harm-weighted, indirectly standardised by population)

    public struct HarmUnit: Sendable, Equatable {
        public var id: String
        public var population: Int
        /// Count per offence type.
        public var counts: [String: Int]
        public init(id: String, population: Int, counts: [String: Int]) { self.id = id; self.population = population; self.counts = counts }
    }

    public struct HarmRatio: Sendable, Equatable, Codable {
        public var id: String
        public var population: Int
        /// Σ weight × count.
        public var observed: Double
        /// Σ weight × district rate of the type × population.
        public var expected: Double
        /// observed / expected, nil when expected is 0.
        public var ratio: Double?
        /// Harm per 10,000 residents, nil without population.
        public var per10k: Double?
        /// Variance of `observed` under the null (Poisson per type): Σ weight² × expected count.
        public var nullVariance: Double
    }

    /// Harm-weighted O/E: each type's district rate per resident times the unit's population is its expected
    /// count; observed and expected are weighted by harm (weights default to 1 for unknown types).
    public static func harmRatios(_ units: [HarmUnit], weights: [String: Double]) -> [HarmRatio] {
        let totalPop = units.reduce(0) { $0 + max(0, $1.population) }
        var totals: [String: Int] = [:]
        for u in units { for (k, v) in u.counts { totals[k, default: 0] += v } }
        return units.map { u in
            var o = 0.0, e = 0.0, v = 0.0
            for (k, c) in u.counts { o += (weights[k] ?? 1) * Double(c) }
            if totalPop > 0 {
                for (k, t) in totals {
                    let w = weights[k] ?? 1
                    let exp = Double(t) * Double(max(0, u.population)) / Double(totalPop)
                    e += w * exp; v += w * w * exp
                }
            }
            return HarmRatio(id: u.id, population: u.population, observed: o, expected: e, ratio: e > 0 ? o / e : nil,
                             per10k: u.population > 0 ? o / Double(u.population) * 10_000 : nil, nullVariance: v)
        }
    }

    // MARK: Funnel-plot limits (Spiegelhalter 2005, normal approximation)

    public struct Limits: Sendable, Equatable, Codable {
        public var lower95: Double, upper95: Double, lower998: Double, upper998: Double
    }

    /// Limits for a proportion with target `p0` at sample size `n`: p0 ± z √(p0(1−p0)/n), clamped to [0, 1].
    public static func proportionLimits(p0: Double, n: Double) -> Limits {
        guard n > 0 else { return Limits(lower95: 0, upper95: 1, lower998: 0, upper998: 1) }
        let sd = (p0 * (1 - p0) / n).squareRoot()
        func c(_ x: Double) -> Double { min(1, max(0, x)) }
        return Limits(lower95: c(p0 - z95 * sd), upper95: c(p0 + z95 * sd), lower998: c(p0 - z998 * sd), upper998: c(p0 + z998 * sd))
    }

    /// Limits for an O/E ratio with target 1: 1 ± z √V / E, V the null variance of O (= E when unweighted,
    /// giving Spiegelhalter's 1 ± z/√E). Lower limits are clamped at 0.
    public static func ratioLimits(expected: Double, nullVariance: Double) -> Limits {
        guard expected > 0 else { return Limits(lower95: 0, upper95: .infinity, lower998: 0, upper998: .infinity) }
        let sd = nullVariance.squareRoot() / expected
        return Limits(lower95: max(0, 1 - z95 * sd), upper95: 1 + z95 * sd, lower998: max(0, 1 - z998 * sd), upper998: 1 + z998 * sd)
    }

    public enum Signal: String, Sendable, Codable {
        case low998 = "low_998", low95 = "low_95", within, high95 = "high_95", high998 = "high_998"
        public var nameZh: String {
            switch self {
            case .low998: "显著偏低(99.8%)"
            case .low95: "偏低(95%)"
            case .within: "在控制限内"
            case .high95: "偏高(95%)"
            case .high998: "显著偏高(99.8%)"
            }
        }
        public var nameEn: String {
            switch self {
            case .low998: "Far below (99.8%)"
            case .low95: "Below (95%)"
            case .within: "Within limits"
            case .high95: "Above (95%)"
            case .high998: "Far above (99.8%)"
            }
        }
    }

    public static func signal(_ value: Double, _ l: Limits) -> Signal {
        if value > l.upper998 { return .high998 }
        if value > l.upper95 { return .high95 }
        if value < l.lower998 { return .low998 }
        if value < l.lower95 { return .low95 }
        return .within
    }

    // MARK: Survey shares

    /// Wilson score interval for k of n (95% by default); nil when n == 0.
    public static func wilson(_ k: Int, of n: Int, z: Double = z95) -> (low: Double, high: Double)? {
        guard n > 0 else { return nil }
        let nn = Double(n), p = Double(min(max(k, 0), n)) / nn
        let denom = 1 + z * z / nn
        let centre = (p + z * z / (2 * nn)) / denom
        let half = z * (p * (1 - p) / nn + z * z / (4 * nn * nn)).squareRoot() / denom
        return (max(0, centre - half), min(1, centre + half))
    }
}
