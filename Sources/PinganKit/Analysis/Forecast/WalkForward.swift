import Foundation

/// Weekly walk-forward of the forecast-eval protocol (P4): for each Monday, the model sees only the
/// incidents dated before it (`IncidentDataset.history(before:)`), and the week's scores are kept on the
/// masked cells.
public enum WalkForward {
    /// The protocol's week sets (Mondays).
    public enum WeekSet: String, Sendable, CaseIterable {
        /// Tuning: 52 weeks from 2018-12-31 (ISO 2019-W01…W52).
        case torontoTuning = "toronto-tuning"
        /// Test: 52 weeks from 2019-12-30 (ISO 2020-W01…W52).
        case toronto2020 = "toronto-2020"

        public var firstMonday: Int {
            switch self {
            case .torontoTuning: return CivilDay.number(year: 2018, month: 12, day: 31)
            case .toronto2020: return CivilDay.number(year: 2019, month: 12, day: 30)
            }
        }
        public var weekStarts: [Int] { (0..<52).map { firstMonday + 7 * $0 } }
        /// Both sets are scored on the mask of the test set (cells active before 2019-12-30).
        public var maskDay: Int { WeekSet.toronto2020.firstMonday }
    }

    /// Scores are rounded to 1e-9 so floating-point noise (summation order) cannot reorder or break ties;
    /// the exported CSV carries exactly these values.
    public static func rounded(_ v: Double) -> Double { (v * 1e9).rounded() / 1e9 }

    /// One week's forecast: the model's scores on the given cells, rounded.
    public static func forecast(_ model: HotspotModel, dataset: IncidentDataset, crime: CrimeSelector,
                                weekStart: Int, cells: [Int]) -> [Double] {
        precondition(CivilDay.weekday(weekStart) == 0, "weeks start on Monday")
        let s = model.scores(dataset.history(before: weekStart), crime: crime)
        return cells.map { rounded(s[$0]) }
    }

    /// Forecasts for consecutive weeks (rows) on the masked cells (columns).
    public static func run(_ model: HotspotModel, dataset: IncidentDataset, crime: CrimeSelector,
                           weekStarts: [Int], mask: [Int]) -> [[Double]] {
        weekStarts.map { forecast(model, dataset: dataset, crime: crime, weekStart: $0, cells: mask) }
    }
}

/// Protocol P6/P7: top k = ⌈f·M⌉ masked cells by score (ties to the lower cell index), hit rate,
/// PAI and PEI*, pooled over weeks; per-week n, n* and N for paired comparisons.
public struct ForecastScore: Sendable {
    public let fraction: Double
    public let k: Int
    public let M: Int
    public var n: [Int] = []
    public var nStar: [Int] = []
    public var N: [Int] = []

    public init(fraction: Double, maskSize: Int) {
        self.fraction = fraction
        self.M = maskSize
        self.k = Int((fraction * Double(maskSize)).rounded(.up))
    }

    /// Indices (into the mask) of the k cells flagged: highest score first, ties to the lower position
    /// (the mask is sorted by cell index, so that is the lower cell index).
    public static func topK(_ scores: [Double], k: Int) -> [Int] {
        let order = scores.indices.sorted { scores[$0] != scores[$1] ? scores[$0] > scores[$1] : $0 < $1 }
        return Array(order.prefix(k))
    }

    /// Adds one week: `scores` and `actual` counts are aligned with the mask.
    public mutating func add(scores: [Double], actual: [Int]) {
        precondition(scores.count == M && actual.count == M)
        n.append(Self.topK(scores, k: k).reduce(0) { $0 + actual[$1] })
        nStar.append(actual.sorted(by: >).prefix(k).reduce(0, +))
        N.append(actual.reduce(0, +))
    }

    public var hitRate: Double { Double(n.reduce(0, +)) / Double(max(1, N.reduce(0, +))) }
    public var pai: Double { hitRate / (Double(k) / Double(M)) }
    public var pei: Double { Double(n.reduce(0, +)) / Double(max(1, nStar.reduce(0, +))) }
}

public enum ForecastEvaluation {
    /// Scores a model over a week set at 1% and 5% of the masked area.
    public static func evaluate(_ model: HotspotModel, dataset: IncidentDataset, crime: CrimeSelector,
                                weekStarts: [Int], mask: [Int], fractions: [Double] = [0.01, 0.05]) -> [ForecastScore] {
        var out = fractions.map { ForecastScore(fraction: $0, maskSize: mask.count) }
        for w in weekStarts {
            let s = WalkForward.forecast(model, dataset: dataset, crime: crime, weekStart: w, cells: mask)
            let all = dataset.counts(from: w, to: w + 7, crime: crime)
            let actual = mask.map { all[$0] }
            for i in out.indices { out[i].add(scores: s, actual: actual) }
        }
        return out
    }
}
