import Foundation

/// Pingan's default forecaster: a long-term background, a medium-term and a short-term term, per crime type.
///
///     score(c) = Σ_i 0.5^(a_i / H)              long-term background: every past incident of the type
///              + γ · Σ_i 0.5^(a_i / Hm)          medium-term level (Hm of a few weeks to half a year)
///              + α · Σ_i 0.5^(a_i / h)           short-term, near-repeat excitation (h ≪ H)
///              + ε · Σ_j 0.5^(a_j / H)           tie-breaker: every past incident of any type
///
/// a = age in whole weeks (0 = the week just before the forecast week). The background is the
/// exponentially forgotten count: unlike a hard 52-week window it keeps older years with less weight and
/// orders cells whose last-year counts are equal by how recent their incidents are, which is what decides
/// the top 1% of cells (122 of 12,182 at 150 m) where whole-number counts tie heavily. The ε term orders
/// the cells that remain tied by their all-offence history (then the lower cell index wins, as in the tool).
///
/// The medium-term term (γ > 0, added after the first freeze) gives the weight of an incident by age the shape
/// a walk-forward regression fitted on pre-2020 weeks found: a slow long tail (large H) plus extra weight on the
/// last few months, which one exponential cannot draw. With γ = 0 the model is the first frozen blend exactly.
public struct BlendModel: HotspotModel {
    public struct Parameters: Sendable, Equatable, CustomStringConvertible {
        /// Half-life of the background, weeks.
        public var backgroundHalfLife: Double
        /// Weight α of the short-term term (0 = background only).
        public var shortWeight: Double
        /// Half-life of the short-term term, weeks.
        public var shortHalfLife: Double
        /// Weight ε of the all-offence tie-breaker (ignored for `All`).
        public var tieBreakWeight: Double
        /// Weight β of the mean background of the 8 neighbouring cells (0 = none).
        public var neighbourWeight: Double
        /// Weight γ of the medium-term term (0 = none).
        public var mediumWeight: Double
        /// Half-life Hm of the medium-term term, weeks (used only when γ > 0).
        public var mediumHalfLife: Double

        public init(backgroundHalfLife: Double, shortWeight: Double, shortHalfLife: Double, tieBreakWeight: Double,
                    neighbourWeight: Double = 0, mediumWeight: Double = 0, mediumHalfLife: Double = 13) {
            self.backgroundHalfLife = backgroundHalfLife
            self.shortWeight = shortWeight
            self.shortHalfLife = shortHalfLife
            self.tieBreakWeight = tieBreakWeight
            self.neighbourWeight = neighbourWeight
            self.mediumWeight = mediumWeight
            self.mediumHalfLife = mediumHalfLife
        }

        public var description: String {
            "H=\(forecastNumberLabel(backgroundHalfLife))"
                + (mediumWeight > 0 ? ",mw=\(forecastNumberLabel(mediumWeight)),Hm=\(forecastNumberLabel(mediumHalfLife))" : "")
                + ",alpha=\(forecastNumberLabel(shortWeight)),h=\(forecastNumberLabel(shortHalfLife)),eps=\(tieBreakWeight)"
                + (neighbourWeight > 0 ? ",nb=\(forecastNumberLabel(neighbourWeight))" : "")
        }
    }

    public let parameters: Parameters
    public init(_ parameters: Parameters) { self.parameters = parameters }
    public var label: String { "blend(\(parameters))" }

    public func scores(_ history: ForecastHistory, crime: CrimeSelector) -> [Double] {
        let p = parameters
        var s = [Double](repeating: 0, count: history.grid.cellCount)
        DecayedCountsModel.accumulate(into: &s, history: history, crime: crime, halfLifeWeeks: p.backgroundHalfLife, weight: 1)
        if p.neighbourWeight > 0 {
            // Spatial smoothing of the background: β × the mean of the 8 neighbours (cells off the grid count 0).
            let g = history.grid, b = s
            for cy in 0..<g.ny {
                for cx in 0..<g.nx {
                    var sum = 0.0
                    for dy in -1...1 { for dx in -1...1 where dx != 0 || dy != 0 {
                        let x = cx + dx, y = cy + dy
                        if x >= 0 && x < g.nx && y >= 0 && y < g.ny { sum += b[y * g.nx + x] }
                    } }
                    s[cy * g.nx + cx] += p.neighbourWeight * sum / 8
                }
            }
        }
        if p.mediumWeight > 0 {
            DecayedCountsModel.accumulate(into: &s, history: history, crime: crime, halfLifeWeeks: p.mediumHalfLife, weight: p.mediumWeight)
        }
        if p.shortWeight > 0 {
            // The short-term term only needs the recent past: weights below 1e-6 of α are dropped.
            let weeks = Int((p.shortHalfLife * log2(1e6)).rounded(.up))
            let step = pow(0.5, 1.0 / p.shortHalfLife)
            let w = (0...weeks).map { p.shortWeight * pow(step, Double($0)) }
            for q in history.recent(weeks: weeks + 1) where crime.matches(q) {
                s[q.cell] += w[forecastWeekAge(q.day, weekStart: history.weekStart)]
            }
        }
        if p.tieBreakWeight > 0, crime != .all {
            DecayedCountsModel.accumulate(into: &s, history: history, crime: .all, halfLifeWeeks: p.backgroundHalfLife,
                                          weight: p.tieBreakWeight)
        }
        return s
    }
}

/// The frozen default configuration (chosen on data dated before 2019-12-30 only; see docs/forecasting.md).
public enum ForecastDefaults {
    /// Parameters per protocol crime label, frozen before anything was scored on 2020.
    ///
    /// Second freeze (Break and Enter, All): the two-scale blend (γ > 0), chosen in a numpy harness
    /// (the protocol reproduced exactly; scripts/forecast-lab re-creates it) over H ∈ {78, 104, 156, 260} × Hm ∈ {4, 8, 13, 26} × γ ∈ {0, 0.3, 1, 2, 3, 5}
    /// × α ∈ {0, 0.3, 1, 3}, h = 1, ε = 1e-4, at 150 m, maximising the mean over the 52-week sets from 2017-01-02,
    /// 2018-01-01 and 2018-12-31 (protocol masks: cells active before each set) of 2·HR(1%) + HR(5%).
    /// First freeze (Auto Theft, Robbery, Assault, unchanged): `pingan-lab forecast tune` on the 2019 tuning weeks
    /// over H ∈ {26, 39, 52, 78, 104, 156} × α ∈ {0, 0.3, 1, 3}, h = 1, ε = 1e-4, maximising HR(1%) + HR(5%).
    public static let perCrime: [String: BlendModel.Parameters] = [
        "All": allOffences,
        "Break and Enter": .init(backgroundHalfLife: 260, shortWeight: 0, shortHalfLife: 1, tieBreakWeight: 1e-4,
                                 mediumWeight: 3, mediumHalfLife: 4),
        "Auto Theft": .init(backgroundHalfLife: 78, shortWeight: 0.3, shortHalfLife: 1, tieBreakWeight: 1e-4),
        "Robbery": .init(backgroundHalfLife: 104, shortWeight: 0, shortHalfLife: 1, tieBreakWeight: 1e-4),
        "Assault": .init(backgroundHalfLife: 78, shortWeight: 0.3, shortHalfLife: 1, tieBreakWeight: 1e-4),
    ]
    static let allOffences = BlendModel.Parameters(backgroundHalfLife: 156, shortWeight: 3, shortHalfLife: 1, tieBreakWeight: 1e-4,
                                                   mediumWeight: 3, mediumHalfLife: 26)
    /// Any other type (Theft Over is not a protocol crime type): the parameters chosen for `All`.
    public static let fallback = allOffences

    public static func parameters(for crime: String) -> BlendModel.Parameters { perCrime[crime] ?? fallback }
    public static func model(for crime: String) -> BlendModel { BlendModel(parameters(for: crime)) }
}
