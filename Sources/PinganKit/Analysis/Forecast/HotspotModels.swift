import Foundation

/// A next-week hotspot forecaster. It gets only a `ForecastHistory` (incidents dated before the
/// week's Monday) and returns one score per grid cell: higher means more expected crime in the week
/// `history.weekStart ..< history.weekStart + 7`. Only the ranking within a week matters.
public protocol HotspotModel: Sendable {
    var label: String { get }
    func scores(_ history: ForecastHistory, crime: CrimeSelector) -> [Double]
}

/// Week age of an incident relative to the forecast week: 0 for the week just before it.
@inline(__always) func forecastWeekAge(_ day: Int, weekStart: Int) -> Int { (weekStart - 1 - day) / 7 }

// MARK: - Counts

/// Protocol baselines (b)–(d): incidents in the cell during the last `weeks` weeks.
public struct WindowCountsModel: HotspotModel {
    public let weeks: Int
    public init(weeks: Int) { precondition(weeks > 0); self.weeks = weeks }
    public var label: String { "counts(W=\(weeks))" }

    public func scores(_ history: ForecastHistory, crime: CrimeSelector) -> [Double] {
        var s = [Double](repeating: 0, count: history.grid.cellCount)
        for p in history.recent(weeks: weeks) where crime.matches(p) { s[p.cell] += 1 }
        return s
    }
}

/// Long-window counts with exponential forgetting: Σ 0.5^(age/H) over every past incident of the cell,
/// age in whole weeks (0 = the week before the forecast week). H = ∞ is the all-history count.
public struct DecayedCountsModel: HotspotModel {
    public let halfLifeWeeks: Double
    public init(halfLifeWeeks: Double) { precondition(halfLifeWeeks > 0); self.halfLifeWeeks = halfLifeWeeks }
    public var label: String { "decayed-counts(H=\(forecastNumberLabel(halfLifeWeeks)))" }

    public func scores(_ history: ForecastHistory, crime: CrimeSelector) -> [Double] {
        var s = [Double](repeating: 0, count: history.grid.cellCount)
        DecayedCountsModel.accumulate(into: &s, history: history, crime: crime, halfLifeWeeks: halfLifeWeeks, weight: 1)
        return s
    }

    static func accumulate(into s: inout [Double], history: ForecastHistory, crime: CrimeSelector,
                           halfLifeWeeks: Double, weight: Double) {
        // Weights per week age, looked up rather than recomputed (ages run to a few hundred weeks).
        let maxAge = history.points.first.map { forecastWeekAge($0.day, weekStart: history.weekStart) } ?? 0
        var w = [Double](repeating: 0, count: maxAge + 1)
        let step = halfLifeWeeks.isInfinite ? 1.0 : pow(0.5, 1.0 / halfLifeWeeks)
        var v = weight
        for a in 0...maxAge { w[a] = v; v *= step }
        for p in history.points where crime.matches(p) {
            s[p.cell] += w[forecastWeekAge(p.day, weekStart: history.weekStart)]
        }
    }
}

// MARK: - Retrospective KDE

/// Protocol baseline (e): quartic kernel K(r) = (1 − r²/h²)² for r < h, integrated over each cell by a
/// q×q midpoint rule (q = ⌈c/25 m⌉), each incident's mass normalised to 1 (over the whole kernel support,
/// including cells outside the grid), summed over incidents of the last W weeks at their exact points.
public struct QuarticKDEModel: HotspotModel {
    public let bandwidth: Double
    public let weeks: Int
    /// Per distinct location: (cell, weight) pairs inside the grid.
    let kernels: [[(cell: Int, weight: Double)]]

    public init(dataset: IncidentDataset, bandwidth: Double, weeks: Int) {
        self.bandwidth = bandwidth
        self.weeks = weeks
        self.kernels = dataset.locations.map { QuarticKDEModel.kernel(x: $0.x, y: $0.y, grid: dataset.grid, h: bandwidth) }
    }

    public var label: String { "kde(h=\(forecastNumberLabel(bandwidth)),W=\(weeks))" }

    /// Kernel mass of a point at (x, y) over the cells around it.
    public static func kernel(x: Double, y: Double, grid: ForecastGrid, h: Double) -> [(cell: Int, weight: Double)] {
        let c = grid.cellSize
        let q = Int((c / 25.0).rounded(.up))
        let r = Int((h / c).rounded(.up))
        let px = x - grid.xMin, py = y - grid.yMin
        let ix0 = Int((px / c).rounded(.down)), iy0 = Int((py / c).rounded(.down))
        let sub = (0..<q).map { (Double($0) + 0.5) * c / Double(q) }
        var cells: [(Int, Int, Double)] = []
        var total = 0.0
        for dy in -r...r {
            let cy = iy0 + dy
            let gy2 = sub.map { let d = Double(cy) * c + $0 - py; return d * d }
            for dx in -r...r {
                let cx = ix0 + dx
                var k = 0.0
                for sx in sub {
                    let d = Double(cx) * c + sx - px
                    let gx2 = d * d
                    for g in gy2 {
                        let u = 1.0 - (g + gx2) / (h * h)
                        if u > 0 { k += u * u }
                    }
                }
                total += k
                if k > 0 { cells.append((cx, cy, k)) }
            }
        }
        guard total > 0 else { return [] }
        return cells.compactMap { cx, cy, k in
            grid.contains(cx: cx, cy: cy) ? (grid.index(cx: cx, cy: cy), k / total) : nil
        }
    }

    public func scores(_ history: ForecastHistory, crime: CrimeSelector) -> [Double] {
        var s = [Double](repeating: 0, count: history.grid.cellCount)
        for p in history.recent(weeks: weeks) where crime.matches(p) {
            for (cell, w) in kernels[p.location] { s[cell] += w }
        }
        return s
    }
}

// MARK: - Prospective hotspotting

/// Protocol baseline (f), Bowers, Johnson & Pease (2004): score(c) = Σ_{a=0}^{T−1} Σ_{c'} n_{c'}(t−1−a) /
/// ((1 + d(c, c'))·(1 + a)), d the distance between cell centres in cell widths, kept when d ≤ B.
public struct ProspectiveModel: HotspotModel {
    public let bandwidthCells: Int
    public let weeks: Int
    public init(bandwidthCells: Int, weeks: Int) { self.bandwidthCells = bandwidthCells; self.weeks = weeks }
    public var label: String { "prospective(B=\(bandwidthCells),T=\(weeks))" }

    public func scores(_ history: ForecastHistory, crime: CrimeSelector) -> [Double] {
        let g = history.grid
        let b = bandwidthCells
        var offsets: [(Int, Int, Double)] = []
        for dy in -b...b { for dx in -b...b where dx * dx + dy * dy <= b * b {
            offsets.append((dx, dy, 1.0 / (1.0 + (Double(dx * dx + dy * dy)).squareRoot())))
        } }
        // Per week age, counts per cell first (then spread), as the protocol's sparse product does.
        var perAge = [[Int: Double]](repeating: [:], count: weeks)
        for p in history.recent(weeks: weeks) where crime.matches(p) {
            perAge[forecastWeekAge(p.day, weekStart: history.weekStart)][p.cell, default: 0] += 1
        }
        var s = [Double](repeating: 0, count: g.cellCount)
        for (a, counts) in perAge.enumerated() {
            var spread = [Double](repeating: 0, count: g.cellCount)
            for (cell, n) in counts {
                let (cx, cy) = g.xy(ofIndex: cell)
                for (dx, dy, w) in offsets where g.contains(cx: cx + dx, cy: cy + dy) {
                    spread[g.index(cx: cx + dx, cy: cy + dy)] += n * w
                }
            }
            let ageWeight = 1.0 + Double(a)
            for i in spread.indices where spread[i] != 0 { s[i] += spread[i] / ageWeight }
        }
        return s
    }
}

// MARK: - Self-exciting grid model (Mohler et al. 2015)

/// ETAS-type grid model (Mohler et al. 2015, JASA): in cell n the daily rate is
/// λ_n(t) = μ_n + Σ_{t_i < t} θ·ω·e^{−ω(t − t_i)} over earlier incidents of the same cell. μ_n, θ and ω
/// are fitted by expectation-maximisation on the last `trainingDays` days before the forecast week,
/// refitted every week (times in days; incidents of the same day do not trigger each other). The score is
/// the expected count over the 7 days of the week: 7·μ_n + θ·Σ_i (e^{−ω(t₀ − t_i)} − e^{−ω(t₀ + 7 − t_i)}).
public struct ETASGridModel: HotspotModel {
    public let trainingDays: Int
    public let iterations: Int
    public init(trainingDays: Int = 365, iterations: Int = 30) {
        self.trainingDays = trainingDays
        self.iterations = iterations
    }
    public var label: String { "etas(train=\(trainingDays)d)" }

    public struct Fit: Sendable {
        public var theta: Double
        public var omega: Double
        /// Background rate per day, per cell with incidents in the training window.
        public var mu: [Int: Double]
    }

    /// Incidents of one cell grouped by day: (day, count), days ascending.
    typealias Series = [(day: Int, count: Double)]

    public func fit(_ history: ForecastHistory, crime: CrimeSelector) -> Fit {
        fit(series: series(history, crime: crime), windowStart: history.weekStart - trainingDays, windowEnd: history.weekStart)
    }

    func series(_ history: ForecastHistory, crime: CrimeSelector) -> [Int: Series] {
        var out: [Int: Series] = [:]
        for p in history.recent(days: trainingDays) where crime.matches(p) {
            var s = out[p.cell, default: []]
            if let last = s.last, last.day == p.day { s[s.count - 1].count += 1 } else { s.append((p.day, 1)) }
            out[p.cell] = s
        }
        return out
    }

    func fit(series: [Int: Series], windowStart: Int, windowEnd: Int) -> Fit {
        let T = Double(windowEnd - windowStart)
        let cells = series.keys.sorted()
        var theta = 0.5, omega = 0.1
        var mu: [Int: Double] = [:]
        var total = 0.0
        for c in cells { let n = series[c]!.reduce(0) { $0 + $1.count }; mu[c] = 0.5 * n / T; total += n }
        guard total > 0 else { return Fit(theta: 0, omega: omega, mu: [:]) }
        for _ in 0..<iterations {
            var sumTrig = 0.0, sumTrigTime = 0.0, sumCompensator = 0.0
            var newMu: [Int: Double] = [:]
            for c in cells {
                let s = series[c]!
                let m = mu[c]!
                var a = 0.0, b = 0.0    // Σ_j c_j e^{−ωΔ}, Σ_j c_j Δ e^{−ωΔ} over earlier days
                var bg = 0.0
                for k in s.indices {
                    if k > 0 {
                        let delta = Double(s[k].day - s[k - 1].day)
                        let e = exp(-omega * delta)
                        b = e * (b + delta * (a + s[k - 1].count))
                        a = e * (a + s[k - 1].count)
                    }
                    let trig = theta * omega * a
                    let lam = m + trig
                    let n = s[k].count
                    if lam > 0 {
                        bg += n * m / lam
                        sumTrig += n * trig / lam
                        sumTrigTime += n * theta * omega * b / lam
                    }
                    sumCompensator += n * (1 - exp(-omega * (Double(windowEnd - s[k].day) - 0.5)))
                }
                newMu[c] = bg / T
            }
            mu = newMu
            theta = sumCompensator > 0 ? min(sumTrig / sumCompensator, 0.99) : 0
            if sumTrigTime > 0 && sumTrig > 0 { omega = min(max(sumTrig / sumTrigTime, 1e-4), 10) }
        }
        return Fit(theta: theta, omega: omega, mu: mu)
    }

    public func scores(_ history: ForecastHistory, crime: CrimeSelector) -> [Double] {
        let ser = series(history, crime: crime)
        let f = fit(series: ser, windowStart: history.weekStart - trainingDays, windowEnd: history.weekStart)
        var s = [Double](repeating: 0, count: history.grid.cellCount)
        let t0 = Double(history.weekStart)
        for (cell, days) in ser {
            var v = 7 * (f.mu[cell] ?? 0)
            for d in days {
                let age = t0 - (Double(d.day) + 0.5)
                v += f.theta * d.count * (exp(-f.omega * age) - exp(-f.omega * (age + 7)))
            }
            s[cell] = v
        }
        return s
    }
}

func forecastNumberLabel(_ v: Double) -> String {
    if v.isInfinite { return "inf" }
    return v == v.rounded() ? String(Int(v)) : String(v)
}
