import Foundation

/// A composite safety index per community or station that puts crime, clearance and public feeling
/// together (seed 003, first piece 二(四): separate indexes rewarding low counts and high clearance
/// make the top scorer not the safest place). See docs/assessment.md for the method and references.
///
/// Components, each 0–100 (higher = better):
/// - crime: harm-weighted preventable crime as observed/expected (expected = district rate × population),
///   shrunk toward 1 (Poisson–gamma, method of moments) so small units do not swing; score = 100 / (1 + ratio):
///   district average → 50, half the average → 67, double → 33.
/// - clearance: filed cases solved, shrunk toward the district rate (beta-binomial EB); score = 100 × shrunk rate.
/// - perception: share satisfied in the survey; a unit without a survey takes the district share.
/// Composite = weighted mean of the components (weights configurable, default crime 0.5, clearance 0.25,
/// perception 0.25). Units are ranked by composite; the funnel signal says whether the crime ratio is
/// outside chance, and `reasons` spell out why.
public struct HarmWeights: Sendable, Codable, Equatable {
    public var bySubcategory: [String: Double]
    public init(_ w: [String: Double]) { bySubcategory = w }
    /// Defaults: robbery and burglary (violence or home intrusion) weigh most; minor thefts least.
    public static let defaults = HarmWeights(["robbery": 5, "snatching": 4, "burglary": 3, "vehicle_theft": 2, "fraud": 2,
                                              "theft_from_vehicle": 1.5, "pickpocketing": 1.5, "nonmotor_theft": 1, "minor_theft": 1])
}

public struct IndexWeights: Sendable, Codable, Equatable {
    public var crime: Double, clearance: Double, perception: Double
    /// Patrol dosage in hot grids; counts only where the district records patrols at all.
    public var patrol: Double
    public init(crime: Double = 0.5, clearance: Double = 0.25, perception: Double = 0.25, patrol: Double = 0.1) {
        self.crime = crime; self.clearance = clearance; self.perception = perception; self.patrol = patrol
    }
    enum CodingKeys: String, CodingKey { case crime, clearance, perception, patrol }
    /// Stored rules from before the patrol component keep working (it takes its default).
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        crime = try c.decode(Double.self, forKey: .crime); clearance = try c.decode(Double.self, forKey: .clearance)
        perception = try c.decode(Double.self, forKey: .perception); patrol = try c.decodeIfPresent(Double.self, forKey: .patrol) ?? 0.1
    }
    public var isValid: Bool { [crime, clearance, perception, patrol].allSatisfy { $0 >= 0 && $0.isFinite } && crime + clearance + perception + patrol > 0 }
}

public struct IndexUnitInput: Sendable, Equatable {
    public var id: String
    public var name: String
    public var population: Int
    public var counts: [String: Int]
    public var filed: Int
    public var solved: Int
    public var respondents: Int
    public var satisfied: Int
    /// Patrol hours of the window, and those spent in hot grids (nil: the district records no patrols).
    public var patrolHours: Double?
    public var hotPatrolHours: Double?
    public init(id: String, name: String, population: Int, counts: [String: Int], filed: Int, solved: Int, respondents: Int = 0, satisfied: Int = 0,
                patrolHours: Double? = nil, hotPatrolHours: Double? = nil) {
        self.id = id; self.name = name; self.population = population; self.counts = counts
        self.filed = filed; self.solved = solved; self.respondents = respondents; self.satisfied = satisfied
        self.patrolHours = patrolHours; self.hotPatrolHours = hotPatrolHours
    }
}

public struct IndexUnitResult: Sendable, Codable, Equatable {
    public var id: String
    public var name: String
    public var population: Int
    public var observed: Double
    public var expected: Double
    public var ratio: Double?
    public var shrunkRatio: Double
    public var per10k: Double?
    /// Funnel limits for the ratio; nil without an expected count (no population or no cases in the district).
    public var limits: IndexStatistics.Limits?
    public var signal: IndexStatistics.Signal
    public var filed: Int
    public var solved: Int
    public var clearanceRaw: Double?
    public var clearanceShrunk: Double
    public var respondents: Int
    public var satisfied: Int
    public var perception: Double?
    public var perceptionLow: Double?
    public var perceptionHigh: Double?
    /// The seed's reading: share ≥ target (nil without a survey).
    public var perceptionMeetsTarget: Bool?
    /// The Wilson interval against the target, a separate judgement (nil without a survey).
    public var perceptionStatistical: PerceptionVerdict.Statistical?
    public var crimeScore: Double
    public var clearanceScore: Double
    public var perceptionScore: Double
    /// Share of patrol time in hot grids (0 for a unit that did not patrol); nil: not part of the index.
    public var patrolHours: Double?
    public var hotPatrolShare: Double?
    public var patrolScore: Double?
    public var composite: Double
    public var rank: Int
    public var reasonsZh: [String]
    public var reasonsEn: [String]
}

public struct IndexReport: Sendable, Codable, Equatable {
    public var units: [IndexUnitResult]
    public var districtClearance: Double
    public var districtPerception: Double?
    public var dispersion: Double
    public var gammaShape: Double
}

public enum CompositeIndex {
    public static func compute(_ inputs: [IndexUnitInput], harm: HarmWeights = .defaults, weights: IndexWeights = .init(), perceptionTarget: Double = 0.95) -> IndexReport {
        let ratios = IndexStatistics.harmRatios(inputs.map { .init(id: $0.id, population: $0.population, counts: $0.counts) }, weights: harm.bySubcategory)
        let clear = IndexStatistics.shrink(inputs.map { .init(id: $0.id, successes: $0.solved, trials: $0.filed) })
        let prior = IndexStatistics.betaPrior(inputs.map { .init(id: $0.id, successes: $0.solved, trials: $0.filed) })
        let totalE = ratios.reduce(0) { $0 + $1.expected }, totalV = ratios.reduce(0) { $0 + $1.nullVariance }
        let dispersion = totalE > 0 ? totalV / totalE : 1
        // Poisson–gamma shrinkage of O/E: between-unit variance of the ratios beyond chance → gamma shape α;
        // shrunk = (O + α) / (E + α) in harm units. No excess variation → every unit at 1.
        let used = ratios.filter { $0.expected > 0 }
        var alpha = Double.infinity
        if used.count > 1, totalE > 0 {
            let v = used.reduce(0.0) { $0 + $1.expected * pow(($1.ratio ?? 1) - 1, 2) } / totalE
            let chance = Double(used.count) * dispersion / totalE
            let tau2 = v - chance
            if tau2 > 1e-12 { alpha = 1 / tau2 }
        }
        let nResp = inputs.reduce(0) { $0 + $1.respondents }, nSat = inputs.reduce(0) { $0 + $1.satisfied }
        let districtPerception = nResp > 0 ? Double(nSat) / Double(nResp) : nil
        var out: [IndexUnitResult] = []
        for (i, u) in inputs.enumerated() {
            let r = ratios[i], c = clear[i]
            let shrunk = alpha.isFinite ? (r.observed + alpha * dispersion) / (r.expected + alpha * dispersion) : (r.expected > 0 ? 1 : (r.ratio ?? 1))
            let limits = r.expected > 0 ? IndexStatistics.ratioLimits(expected: r.expected, nullVariance: r.nullVariance) : nil
            let signal = r.ratio.flatMap { ratio in limits.map { IndexStatistics.signal(ratio, $0) } } ?? .within
            let share = u.respondents > 0 ? Double(u.satisfied) / Double(u.respondents) : nil
            let w = IndexStatistics.wilson(u.satisfied, of: u.respondents)
            let crimeScore = 100 / (1 + shrunk)
            let clearanceScore = 100 * c.shrunk
            let perceptionScore = 100 * (share ?? districtPerception ?? 0)
            let perceptionWeight = (share == nil && districtPerception == nil) ? 0 : weights.perception
            // Patrol dosage (issue 8): share of patrol time in hot grids; a unit that did not patrol scores 0.
            let hotShare: Double? = u.patrolHours.map { h in h > 0 ? min(1, (u.hotPatrolHours ?? 0) / h) : 0 }
            let patrolScore = hotShare.map { 100 * $0 }
            let patrolWeight = patrolScore == nil ? 0 : weights.patrol
            let denom = weights.crime + weights.clearance + perceptionWeight + patrolWeight
            let composite = denom > 0 ? (weights.crime * crimeScore + weights.clearance * clearanceScore + perceptionWeight * perceptionScore
                                         + patrolWeight * (patrolScore ?? 0)) / denom : 0
            var zh: [String] = [], en: [String] = []
            let f2 = { (x: Double) in Decimals.format(x, places: 2) }
            let pct = { (x: Double) in Decimals.percent(x) }
            zh.append("危害加权案件 实际 \(Decimals.format(r.observed, places: 1)) / 预期 \(Decimals.format(r.expected, places: 1))，比值 \(r.ratio.map(f2) ?? "—")，修匀后 \(f2(shrunk))（\(signal.nameZh)）")
            en.append("Harm-weighted cases observed \(Decimals.format(r.observed, places: 1)) / expected \(Decimals.format(r.expected, places: 1)), ratio \(r.ratio.map(f2) ?? "—"), smoothed \(f2(shrunk)) (\(signal.nameEn))")
            zh.append("破案 \(u.solved)/\(u.filed)（\(c.raw.map(pct) ?? "—")），向全区 \(pct(prior.mean)) 收缩后 \(pct(c.shrunk))")
            en.append("Solved \(u.solved)/\(u.filed) (\(c.raw.map(pct) ?? "—")), shrunk toward the district's \(pct(prior.mean)): \(pct(c.shrunk))")
            let verdict = PerceptionVerdict(safe: u.satisfied, total: u.respondents, target: perceptionTarget)
            if let share, let w, let meets = verdict.meetsTarget, let stat = verdict.statistical {
                // The seed's reading decides 达标; the interval's judgement is said after it, named as such.
                zh.append("安全感 \(u.satisfied)/\(u.respondents)（\(pct(share))），目标 \(pct(perceptionTarget))：\(meets ? "达标" : "未达标")；95%区间 \(pct(w.low))–\(pct(w.high))，统计判断：\(stat.nameZh)")
                en.append("Safety perception \(u.satisfied)/\(u.respondents) (\(pct(share))): \(meets ? "meets" : "below") the \(pct(perceptionTarget)) target; 95% CI \(pct(w.low))–\(pct(w.high)), statistically \(stat.nameEn)")
            } else {
                zh.append("无安全感测评数据，按全区 \(districtPerception.map(pct) ?? "—") 计")
                en.append("No perception survey; the district's \(districtPerception.map(pct) ?? "—") used")
            }
            if let hotShare {
                let h = u.patrolHours ?? 0
                zh.append(h > 0 ? "巡逻 \(Decimals.format(h, places: 1)) 小时，其中热点网格 \(pct(hotShare))" : "本期无巡逻记录，巡逻投放计 0 分")
                en.append(h > 0 ? "Patrolled \(Decimals.format(h, places: 1)) h, \(pct(hotShare)) of it in hot grids" : "No patrol recorded: patrol dosage scores 0")
            }
            out.append(IndexUnitResult(id: u.id, name: u.name, population: u.population, observed: r.observed, expected: r.expected, ratio: r.ratio,
                                       shrunkRatio: shrunk, per10k: r.per10k, limits: limits, signal: signal, filed: u.filed, solved: u.solved,
                                       clearanceRaw: c.raw, clearanceShrunk: c.shrunk, respondents: u.respondents, satisfied: u.satisfied,
                                       perception: share, perceptionLow: w?.low, perceptionHigh: w?.high,
                                       perceptionMeetsTarget: verdict.meetsTarget, perceptionStatistical: verdict.statistical,
                                       crimeScore: crimeScore, clearanceScore: clearanceScore, perceptionScore: perceptionScore,
                                       patrolHours: u.patrolHours, hotPatrolShare: hotShare, patrolScore: patrolScore, composite: composite,
                                       rank: 0, reasonsZh: zh, reasonsEn: en))
        }
        out.sort { $0.composite != $1.composite ? $0.composite > $1.composite : $0.id < $1.id }
        for i in out.indices { out[i].rank = i + 1 }
        return IndexReport(units: out, districtClearance: prior.mean, districtPerception: districtPerception, dispersion: dispersion, gammaShape: alpha.isFinite ? alpha : -1)
    }
}
