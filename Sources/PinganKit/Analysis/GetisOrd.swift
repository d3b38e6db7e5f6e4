import Foundation

/// Binary spatial weights in compressed-row form: the neighbours of unit i are
/// `neighbours[offsets[i] ..< offsets[i + 1]]`, ascending. The unit itself is NOT listed; Gi* adds the
/// self-weight 1 (esda's `fill_diagonal(w, 1)` for `star=True, transform='B'`).
public struct SpatialWeights: Sendable, Hashable {
    public let offsets: [Int]
    public let neighbours: [Int32]

    public var count: Int { offsets.count - 1 }

    /// From neighbour lists; a unit listed as its own neighbour and duplicates are dropped.
    public init(neighbours lists: [[Int]]) {
        var offsets = [0]
        var flat: [Int32] = []
        offsets.reserveCapacity(lists.count + 1)
        for (i, list) in lists.enumerated() {
            for j in Set(list).sorted() where j != i {
                precondition(j >= 0 && j < lists.count, "neighbour \(j) of \(i) out of range")
                flat.append(Int32(j))
            }
            offsets.append(flat.count)
        }
        self.offsets = offsets
        self.neighbours = flat
    }

    /// Queen contiguity on a rows × columns lattice (libpysal `lat2W(rows, columns, rook=False)`):
    /// the up to 8 cells sharing an edge or a corner, ids row-major.
    public static func queenLattice(rows: Int, columns: Int) -> SpatialWeights {
        var lists = [[Int]](repeating: [], count: rows * columns)
        for r in 0..<rows {
            for c in 0..<columns {
                var list: [Int] = []
                for dr in -1...1 {
                    for dc in -1...1 where !(dr == 0 && dc == 0) {
                        let rr = r + dr, cc = c + dc
                        if rr >= 0, rr < rows, cc >= 0, cc < columns { list.append(rr * columns + cc) }
                    }
                }
                lists[r * columns + c] = list
            }
        }
        return SpatialWeights(neighbours: lists)
    }

    /// Queen contiguity among a subset of a grid's cells (e.g. the cells inside the district boundary,
    /// so that water or a neighbouring district does not enter Gi* as zeros). Unit k is `cells[k]`;
    /// values passed to Gi* must be in the same order.
    public static func queen(cells: [Int], grid: HotspotGrid) -> SpatialWeights {
        var position: [Int: Int] = [:]
        for (k, c) in cells.enumerated() { position[c] = k }
        let lists: [[Int]] = cells.map { c in
            let r = grid.row(of: c), col = grid.column(of: c)
            var list: [Int] = []
            for dr in -1...1 {
                for dc in -1...1 where !(dr == 0 && dc == 0) {
                    let rr = r + dr, cc = col + dc
                    if rr >= 0, rr < grid.rows, cc >= 0, cc < grid.columns, let k = position[rr * grid.columns + cc] { list.append(k) }
                }
            }
            return list
        }
        return SpatialWeights(neighbours: lists)
    }
}

/// Getis-Ord Gi* per unit, with the analytic moments and the normal-approximation p-value.
/// Arrays are indexed like the input values.
public struct GiStarResult: Sendable, Equatable {
    /// Gi* = Σ_j w_ij y_j / Σ_j y_j (esda `Gs`).
    public var g: [Double]
    /// E[Gi*] = W_i / n (esda `EGs`), W_i = number of neighbours + 1.
    public var expected: [Double]
    /// Var[Gi*] (esda `VGs`).
    public var variance: [Double]
    /// (Gi* − E) / √Var (esda `Zs`). Positive: hot spot (热点); negative: cold spot.
    public var z: [Double]
    /// One-sided normal p-value of |z|: 1 − Φ(|z|) (esda `p_norm` = `norm.sf(|Zs|)`).
    public var p: [Double]

    public var count: Int { z.count }
}

/// Getis-Ord Gi* hot spots (Getis & Ord 1992; Ord & Getis 1995) with binary weights including the
/// unit itself — the same numbers as PySAL `esda.G_Local(y, w, star=True, transform='B')`
/// (esda 2.9.0, `G_Local.calc`): with n units, S1 = Σy, S2 = Σy²,
///
///     Gi*  = (Σ_j w_ij y_j) / S1           ȳ = S1 / n,   s² = S2 / n − ȳ²
///     E    = W_i / n
///     Var  = W_i (n − W_i) / (n − 1) · 1/n² · s² / ȳ²
///     z    = (Gi* − E) / √Var,             p = 1 − Φ(|z|)
///
/// evaluated in esda's operation order, so z agrees to the last bits for integer counts (all sums are
/// then exact). If every value is 0 (or all equal), z is NaN, as in esda.
public enum GetisOrd {
    /// Gi* with arbitrary binary weights (self-weight added).
    public static func giStar(values y: [Double], weights: SpatialWeights) -> GiStarResult {
        precondition(weights.count == y.count, "weights for \(weights.count) units, \(y.count) values")
        let n = y.count
        var lag = [Double](repeating: 0, count: n)
        var card = [Double](repeating: 0, count: n)
        y.withUnsafeBufferPointer { yb in
            weights.neighbours.withUnsafeBufferPointer { nb in
                for i in 0..<n {
                    // CSR order of esda's W after fill_diagonal: ascending column, self included.
                    var s = 0.0
                    var selfDone = false
                    for k in weights.offsets[i] ..< weights.offsets[i + 1] {
                        let j = Int(nb[k])
                        if !selfDone && j > i { s += yb[i]; selfDone = true }
                        s += yb[j]
                    }
                    if !selfDone { s += yb[i] }
                    lag[i] = s
                    card[i] = Double(weights.offsets[i + 1] - weights.offsets[i] + 1)
                }
            }
        }
        return finish(values: y, lag: lag, cardinality: card)
    }

    /// Gi* on a rows × columns lattice with queen contiguity plus the cell itself (the 3×3 block
    /// clipped at the border). Equivalent to `giStar(values:weights: .queenLattice(rows:columns:))`
    /// without building the weights: O(n), no allocation beyond the result.
    public static func giStar(values y: [Double], rows: Int, columns: Int) -> GiStarResult {
        precondition(rows * columns == y.count, "\(rows)×\(columns) lattice, \(y.count) values")
        let n = y.count
        var lag = [Double](repeating: 0, count: n)
        var card = [Double](repeating: 0, count: n)
        y.withUnsafeBufferPointer { yb in
            lag.withUnsafeMutableBufferPointer { lb in
                card.withUnsafeMutableBufferPointer { cb in
                    for r in 0..<rows {
                        let r0 = max(r - 1, 0), r1 = min(r + 1, rows - 1)
                        for c in 0..<columns {
                            let c0 = max(c - 1, 0), c1 = min(c + 1, columns - 1)
                            var s = 0.0
                            // ascending index order, the order of esda's CSR row
                            for rr in r0...r1 {
                                let base = rr * columns
                                for cc in c0...c1 { s += yb[base + cc] }
                            }
                            lb[r * columns + c] = s
                            cb[r * columns + c] = Double((r1 - r0 + 1) * (c1 - c0 + 1))
                        }
                    }
                }
            }
        }
        return finish(values: y, lag: lag, cardinality: card)
    }

    /// Gi* on a `HotspotGrid` (queen contiguity + self), values indexed by cell index.
    public static func giStar(values: [Double], grid: HotspotGrid) -> GiStarResult {
        giStar(values: values, rows: grid.rows, columns: grid.columns)
    }

    private static func finish(values y: [Double], lag: [Double], cardinality card: [Double]) -> GiStarResult {
        let n = y.count
        let nd = Double(n)
        var sum = 0.0, sumSquares = 0.0
        for v in y { sum += v; sumSquares += v * v }
        let mean = sum / nd
        let meanOfSquares = sumSquares / nd
        let variance = meanOfSquares - mean * mean
        let invN2 = 1.0 / (nd * nd)
        let ratio = variance / (mean * mean)
        var g = [Double](repeating: 0, count: n)
        var e = [Double](repeating: 0, count: n)
        var v = [Double](repeating: 0, count: n)
        var z = [Double](repeating: 0, count: n)
        var p = [Double](repeating: 0, count: n)
        for i in 0..<n {
            let w = card[i]
            let gi = lag[i] / sum
            let ei = w / nd
            var vi = w * (nd - w)
            vi /= nd - 1
            vi *= invN2
            vi *= ratio
            let zi = (gi - ei) / vi.squareRoot()
            g[i] = gi; e[i] = ei; v[i] = vi; z[i] = zi
            p[i] = normalSurvival(abs(zi))
        }
        return GiStarResult(g: g, expected: e, variance: v, z: z, p: p)
    }

    /// 1 − Φ(x), as scipy's `norm.sf(x) = ndtr(−x)` (cephes ndtr: erf near 0, erfc in the tails).
    public static func normalSurvival(_ x: Double) -> Double {
        guard !x.isNaN else { return .nan }
        let a = -x * 0.707_106_781_186_547_524_40
        let za = abs(a)
        if za < 0.707_106_781_186_547_524_40 { return 0.5 + 0.5 * erf(a) }
        let y = 0.5 * erfc(za)
        return a > 0 ? 1.0 - y : y
    }
}

/// Significance bands of a Gi* z-score, two-sided 90 / 95 / 99 % (1.645 / 1.960 / 2.576), the usual
/// hot-spot map legend (热点 / 冷点).
public enum HotspotBand: Int, Sendable, Comparable, CaseIterable, Codable {
    case cold99 = -3, cold95 = -2, cold90 = -1, notSignificant = 0, hot90 = 1, hot95 = 2, hot99 = 3

    public init(z: Double) {
        guard z.isFinite else { self = .notSignificant; return }
        let a = abs(z)
        let level = a >= 2.575_829_303_548_901 ? 3 : a >= 1.959_963_984_540_054 ? 2 : a >= 1.644_853_626_951_472_2 ? 1 : 0
        self = HotspotBand(rawValue: z < 0 ? -level : level)!
    }

    public var isHot: Bool { rawValue > 0 }

    public static func < (a: HotspotBand, b: HotspotBand) -> Bool { a.rawValue < b.rawValue }

    public var nameZh: String {
        switch self {
        case .hot99: "热点（99%）"
        case .hot95: "热点（95%）"
        case .hot90: "热点（90%）"
        case .notSignificant: "不显著"
        case .cold90: "冷点（90%）"
        case .cold95: "冷点（95%）"
        case .cold99: "冷点（99%）"
        }
    }

    public var nameEn: String {
        switch self {
        case .hot99: "Hot spot (99%)"
        case .hot95: "Hot spot (95%)"
        case .hot90: "Hot spot (90%)"
        case .notSignificant: "Not significant"
        case .cold90: "Cold spot (90%)"
        case .cold95: "Cold spot (95%)"
        case .cold99: "Cold spot (99%)"
        }
    }
}
