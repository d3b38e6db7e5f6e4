/// Safety-perception (安全感) targets by year and the verdict against them.
///
/// Seed 003: 「在2012年的安全感测评中安全感达95%以上，2013年达到98%以上」. Targets are a table of year → target,
/// seeded with the seed's two. A year without its own row takes the latest earlier year's target (a target
/// stands until the district sets a new one), and a year before the first row takes the first row's.
///
/// "Meets the target" is the seed's plain reading: the share is at or above the target (达到…以上), compared
/// exactly in integers. The Wilson interval is supporting information, and its judgement against the target
/// is a second, separately named result (`PerceptionVerdict.statistical`), never a replacement.
public struct PerceptionTargets: Sendable, Equatable, Codable {
    public struct Entry: Sendable, Equatable, Codable {
        public var year: Int
        /// A share, 0.5…1 (0.98 = 98 %).
        public var target: Double
        public init(year: Int, target: Double) { self.year = year; self.target = target }
    }

    /// Sorted by year, one per year.
    public private(set) var entries: [Entry]

    public init(_ byYear: [Int: Double]) {
        entries = byYear.map { Entry(year: $0.key, target: $0.value) }.sorted { $0.year < $1.year }
    }
    public init(entries: [Entry]) {
        var byYear: [Int: Double] = [:]
        for e in entries { byYear[e.year] = e.target }   // the last row for a year wins
        self.init(byYear)
    }

    /// Seed 003's two targets.
    public static let seed003 = PerceptionTargets([2012: 0.95, 2013: 0.98])

    /// The year whose row applies to `year`: its own, else the latest earlier one, else the first; nil when empty.
    public func sourceYear(for year: Int) -> Int? {
        entries.last { $0.year <= year }?.year ?? entries.first?.year
    }

    /// The target for `year` (0.95 when the table is empty).
    public func target(for year: Int) -> Double {
        guard let y = sourceYear(for: year) else { return 0.95 }
        return entries.first { $0.year == y }!.target
    }

    /// Problems that make the table unusable (empty when valid), in English.
    public var problems: [String] {
        var out: [String] = []
        if entries.isEmpty { out.append("at least one year's target is needed") }
        for e in entries {
            if !(2000...2100).contains(e.year) { out.append("year \(e.year) must be 2000–2100") }
            if !(e.target.isFinite && (0.5...1).contains(e.target)) { out.append("target for \(e.year) must be 50–100 %") }
        }
        return out
    }

    /// "2012:95, 2013:98" — the form's text; targets as percentages with up to two decimals.
    public var text: String {
        entries.map { "\($0.year):" + Self.percentText($0.target) }.joined(separator: ", ")
    }

    static func percentText(_ share: Double) -> String {
        let hundredths = Int((share * 10_000).rounded())
        return hundredths % 100 == 0 ? String(hundredths / 100) : Decimals.format(Double(hundredths) / 100, places: hundredths % 10 == 0 ? 1 : 2)
    }

    /// Parses "2012:95, 2013:98" (also "2012：95%；2013：98"); nil when a part is not year:percent.
    public static func parse(_ text: String) -> PerceptionTargets? {
        var byYear: [Int: Double] = [:]
        let parts = text.split(whereSeparator: { ",，;；\n".contains($0) }).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        for p in parts {
            let kv = p.split(whereSeparator: { $0 == ":" || $0 == "：" }).map { $0.trimmingCharacters(in: .whitespaces) }
            guard kv.count == 2, let y = Int(kv[0]) else { return nil }
            let pct = kv[1].hasSuffix("%") ? String(kv[1].dropLast()) : kv[1]
            guard let v = Double(pct.trimmingCharacters(in: .whitespaces)), v.isFinite, byYear[y] == nil else { return nil }
            byYear[y] = v / 100
        }
        return byYear.isEmpty ? nil : PerceptionTargets(byYear)
    }

    public init(from decoder: any Decoder) throws {
        self.init(entries: try [Entry](from: decoder))
    }
    public func encode(to encoder: any Encoder) throws { try entries.encode(to: encoder) }
}

/// One survey result against its year's target.
public struct PerceptionVerdict: Sendable, Equatable, Codable {
    /// The interval's judgement: the Wilson 95 % interval lies wholly at or above the target, wholly below it,
    /// or straddles it (the sample cannot tell the share from the target).
    public enum Statistical: String, Sendable, Codable, CaseIterable {
        case above, indistinguishable, below
        public var nameZh: String {
            switch self { case .above: "显著高于目标"; case .indistinguishable: "与目标无显著差别"; case .below: "显著低于目标" }
        }
        public var nameEn: String {
            switch self { case .above: "above the target beyond chance"; case .indistinguishable: "not distinguishable from the target"; case .below: "below the target beyond chance" }
        }
    }

    public var safe: Int
    public var total: Int
    public var target: Double
    /// safe / total; nil without answers.
    public var share: Double?
    public var low: Double?
    public var high: Double?
    /// The seed's reading: share ≥ target. nil without answers.
    public var meetsTarget: Bool?
    /// The interval against the target; nil without answers.
    public var statistical: Statistical?

    public init(safe: Int, total: Int, target: Double) {
        self.safe = safe; self.total = total; self.target = target
        guard total > 0, safe >= 0, safe <= total, let w = WilsonInterval.compute(successes: safe, total: total) else { return }
        share = Double(safe) / Double(total); low = w.low; high = w.high
        meetsTarget = Self.reaches(safe, of: total, target: target)
        statistical = w.low >= target ? .above : (w.high < target ? .below : .indistinguishable)
    }

    /// safe / total ≥ target, exactly: the target is taken to hundredths of a percent (0.98 → 9,800 of 10,000),
    /// so 95/100 meets 95 % and 9,799/10,000 does not meet 98 %.
    public static func reaches(_ safe: Int, of total: Int, target: Double) -> Bool {
        guard total > 0 else { return false }
        let basisPoints = Int((target * 10_000).rounded())
        let (lhs, o1) = safe.multipliedReportingOverflow(by: 10_000)
        let (rhs, o2) = basisPoints.multipliedReportingOverflow(by: total)
        if o1 || o2 { return Double(safe) / Double(total) >= Double(basisPoints) / 10_000 }
        return lhs >= rhs
    }
}
