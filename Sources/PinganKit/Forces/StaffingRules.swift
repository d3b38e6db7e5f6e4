/// Staffing rules for community policing (社区警务警力配置), configurable per district.
///
/// Sources (see docs/staffing-rules.md):
/// - seed 001 (鄂州 2002): 城区内实有人口5000人左右的社区配置1名社区民警；8000人左右的配备2名；
///   …集镇，可视情况建立1至2个民警社区，每个社区配置1名社区民警；
///   农村地区以相邻几个村设立一个警务区(区内常住人口8000人左右)，配置1名民警；
///   每一社区应保证配备一名社区民警，较大的社区可配备2名社区民警 (一区一警)；
///   农村各所应根据警力及交通地理环境，在相邻几个村设立社区警务室，实行民警驻村工作制.
/// - seed 000 (番禺 2009): 一村(居)委一警务室 — one police office per village / residents' committee.
///
/// "About" (左右) is resolved with a tolerance: a community reaches the band anchored at N residents
/// when its population is at least N × (100 − tolerancePercent) / 100, rounded up to a whole resident.
/// With the defaults (10 %): 1 officer below 7,200 residents, 2 officers from 7,200, and never more than
/// the seed's 2 (a district may set `urbanStepAbove` to add one officer per further N residents — not a
/// seed rule). Town seats (集镇): 1 officer per 民警社区 whatever its size. Rural police areas: one officer
/// per 8,000 residents, i.e. n officers from n × 7,200 residents, and one office per area. Every planning
/// unit gets at least `minimumOfficers` (一区一警).
public struct StaffingRules: Sendable, Codable, Equatable {
    /// One band of a rule: a unit of about `population` residents gets `officers` officers.
    public struct Band: Sendable, Codable, Equatable {
        public var population: Int
        public var officers: Int
        public init(population: Int, officers: Int) {
            self.population = population
            self.officers = officers
        }
    }

    /// Urban communities (社区): about 5,000 → 1, about 8,000 → 2 (seed 001). Ascending by population.
    public var urbanBands: [Band]
    /// Above the last urban anchor, one more officer per this many residents. Default nil: capped at the
    /// last band, as the seed's "较大的社区可配备2名社区民警". A district option, not a seed rule (3,000 — the
    /// step between the seed's anchors — was the default before issue 25).
    public var urbanStepAbove: Int?
    /// Town seats (集镇): officers per 民警社区 whatever its population (seed 001: 每个社区配置1名社区民警).
    public var townOfficersPerCommunity: Int
    /// Rural police area (农村警务区) of about this many permanent residents → 1 officer (seed 001: 8,000).
    /// An area of n × this many residents gets n officers.
    public var ruralPopulationPerOfficer: Int
    /// How far below an anchor a population may be and still count as "about" it (左右), in percent, 0...50.
    public var tolerancePercent: Int
    /// 一区一警: every planning unit (community, or rural police area) gets at least this many officers.
    public var minimumOfficers: Int
    /// 一村(居)委一警务室 (seed 000): offices required per village / residents' committee.
    public var officesPerCommittee: Int
    /// The countryside: one office per rural police area (seed 001: 农村各所…在相邻几个村设立社区警务室,
    /// 实行民警驻村工作制). On by default; off = one office per village (seed 000's 一村(居)委一警务室),
    /// a district option.
    public var ruralOfficePerPoliceArea: Bool

    public init(urbanBands: [Band] = [Band(population: 5000, officers: 1), Band(population: 8000, officers: 2)],
                urbanStepAbove: Int? = nil,
                townOfficersPerCommunity: Int = 1,
                ruralPopulationPerOfficer: Int = 8000,
                tolerancePercent: Int = 10,
                minimumOfficers: Int = 1,
                officesPerCommittee: Int = 1,
                ruralOfficePerPoliceArea: Bool = true) {
        self.urbanBands = urbanBands
        self.urbanStepAbove = urbanStepAbove
        self.townOfficersPerCommunity = townOfficersPerCommunity
        self.ruralPopulationPerOfficer = ruralPopulationPerOfficer
        self.tolerancePercent = tolerancePercent
        self.minimumOfficers = minimumOfficers
        self.officesPerCommittee = officesPerCommittee
        self.ruralOfficePerPoliceArea = ruralOfficePerPoliceArea
    }

    /// The seed-001 rules with a 10 % tolerance.
    public static let seed001 = StaffingRules()

    // Stored per district as JSON: a key missing from an older row keeps its default, so adding a rule
    // never throws a district's saved configuration away.
    private enum CodingKeys: String, CodingKey {
        case urbanBands, urbanStepAbove, townOfficersPerCommunity, ruralPopulationPerOfficer, tolerancePercent,
             minimumOfficers, officesPerCommittee, ruralOfficePerPoliceArea
    }
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let d = StaffingRules()
        urbanBands = try c.decodeIfPresent([Band].self, forKey: .urbanBands) ?? d.urbanBands
        // Present and null means "capped"; absent means the default (also capped).
        urbanStepAbove = try c.decodeIfPresent(Int.self, forKey: .urbanStepAbove)
        townOfficersPerCommunity = try c.decodeIfPresent(Int.self, forKey: .townOfficersPerCommunity) ?? d.townOfficersPerCommunity
        ruralPopulationPerOfficer = try c.decodeIfPresent(Int.self, forKey: .ruralPopulationPerOfficer) ?? d.ruralPopulationPerOfficer
        tolerancePercent = try c.decodeIfPresent(Int.self, forKey: .tolerancePercent) ?? d.tolerancePercent
        minimumOfficers = try c.decodeIfPresent(Int.self, forKey: .minimumOfficers) ?? d.minimumOfficers
        officesPerCommittee = try c.decodeIfPresent(Int.self, forKey: .officesPerCommittee) ?? d.officesPerCommittee
        ruralOfficePerPoliceArea = try c.decodeIfPresent(Bool.self, forKey: .ruralOfficePerPoliceArea) ?? d.ruralOfficePerPoliceArea
    }
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(urbanBands, forKey: .urbanBands)
        try c.encode(urbanStepAbove, forKey: .urbanStepAbove)   // null when capped, so the choice is explicit
        try c.encode(townOfficersPerCommunity, forKey: .townOfficersPerCommunity)
        try c.encode(ruralPopulationPerOfficer, forKey: .ruralPopulationPerOfficer)
        try c.encode(tolerancePercent, forKey: .tolerancePercent)
        try c.encode(minimumOfficers, forKey: .minimumOfficers)
        try c.encode(officesPerCommittee, forKey: .officesPerCommittee)
        try c.encode(ruralOfficePerPoliceArea, forKey: .ruralOfficePerPoliceArea)
    }

    /// Problems that make the rules unusable (empty when valid), in English for logs and the API.
    public var problems: [String] {
        var out: [String] = []
        if urbanBands.isEmpty { out.append("urbanBands must not be empty") }
        for (i, b) in urbanBands.enumerated() {
            if b.population <= 0 { out.append("urbanBands[\(i)].population must be positive") }
            if b.officers < 0 { out.append("urbanBands[\(i)].officers must not be negative") }
            if i > 0 {
                let p = urbanBands[i - 1]
                if b.population <= p.population { out.append("urbanBands must be ascending by population") }
                if b.officers < p.officers { out.append("urbanBands officers must not decrease") }
            }
        }
        if let s = urbanStepAbove, s <= 0 { out.append("urbanStepAbove must be positive or absent") }
        if townOfficersPerCommunity < 0 { out.append("townOfficersPerCommunity must not be negative") }
        if ruralPopulationPerOfficer <= 0 { out.append("ruralPopulationPerOfficer must be positive") }
        if !(0...50).contains(tolerancePercent) { out.append("tolerancePercent must be within 0...50") }
        if minimumOfficers < 0 { out.append("minimumOfficers must not be negative") }
        if officesPerCommittee < 0 { out.append("officesPerCommittee must not be negative") }
        return out
    }

    /// Smallest population that counts as "about `anchor`": ⌈anchor × (100 − tolerance) / 100⌉.
    public func threshold(forAnchor anchor: Int) -> Int {
        let t = min(max(tolerancePercent, 0), 50)
        let (p, o) = anchor.multipliedReportingOverflow(by: 100 - t)
        if o { return Int((Double(anchor) * Double(100 - t) / 100).rounded(.up)) }
        return p >= 0 ? (p + 99) / 100 : p / 100
    }

    /// Officers for an urban community (社区) of `population` residents.
    public func urbanOfficers(population: Int) -> Int {
        var officers = 0
        for band in urbanBands where population >= threshold(forAnchor: band.population) {
            officers = max(officers, band.officers)
        }
        if let step = urbanStepAbove, step > 0, let last = urbanBands.last {
            // Further anchors last + step, last + 2·step, … with the same tolerance.
            // Smallest k ≥ 1 with population < threshold(last + k·step) gives k − 1 extra officers.
            let t = min(max(tolerancePercent, 0), 50)
            // threshold(a) = ⌈a·(100−t)/100⌉ ≤ population  ⟺  a·(100−t) ≤ 100·population.
            let scaled = 100 * max(population, 0)
            let factor = 100 - t
            if factor > 0 {
                let maxAnchor = scaled / factor            // largest anchor a with a·factor ≤ scaled
                if maxAnchor > last.population {
                    let extra = (maxAnchor - last.population) / step
                    if extra > 0 { officers = max(officers, last.officers + extra) }
                }
            }
        }
        return max(officers, minimumOfficers)
    }

    /// Officers for a rural police area (警务区) of `population` permanent residents:
    /// the largest n with population ≥ threshold(n × ruralPopulationPerOfficer), at least `minimumOfficers`.
    public func ruralOfficers(population: Int) -> Int {
        let t = min(max(tolerancePercent, 0), 50)
        let factor = 100 - t
        guard ruralPopulationPerOfficer > 0, factor > 0 else { return max(minimumOfficers, 0) }
        let n = (100 * max(population, 0)) / (ruralPopulationPerOfficer * factor)
        return max(n, minimumOfficers)
    }

    /// Officers for a town-seat community (集镇民警社区): `townOfficersPerCommunity` whatever its population,
    /// at least `minimumOfficers`.
    public func townOfficers(population: Int) -> Int { max(townOfficersPerCommunity, minimumOfficers, 0) }

    /// Officers for a planning unit of the given kind.
    public func officers(kind: CommunityKind, population: Int) -> Int {
        switch kind {
        case .urban: urbanOfficers(population: population)
        case .town: townOfficers(population: population)
        case .rural: ruralOfficers(population: population)
        }
    }

    /// Where each officer count starts for urban communities under these rules: [(officers, from residents)],
    /// ascending, up to `maxOfficers` (the extrapolated steps only when `urbanStepAbove` is set). With the
    /// defaults: [(1, 0), (2, 7200)] — the "about 8,000" (8000人左右) cut-over at 10 % tolerance.
    public func urbanCutOvers(maxOfficers: Int = 6) -> [(officers: Int, from: Int)] {
        var out: [(officers: Int, from: Int)] = []
        // Walk the population upward by the thresholds where the answer can change.
        var candidates = Set<Int>([0])
        for b in urbanBands { candidates.insert(threshold(forAnchor: b.population)) }
        if let step = urbanStepAbove, step > 0, let last = urbanBands.last {
            for k in 1...max(1, maxOfficers) { candidates.insert(threshold(forAnchor: last.population + k * step)) }
        }
        for c in candidates.sorted() {
            let n = urbanOfficers(population: c)
            if n > maxOfficers { break }
            if out.last?.officers != n { out.append((n, c)) }
        }
        return out
    }

    /// Where each officer count starts for a rural police area: [(officers, from residents)] up to `maxOfficers`.
    public func ruralCutOvers(maxOfficers: Int = 3) -> [(officers: Int, from: Int)] {
        var out: [(officers: Int, from: Int)] = []
        for n in 0...max(0, maxOfficers) {
            let from = n == 0 ? 0 : threshold(forAnchor: n * ruralPopulationPerOfficer)
            let got = ruralOfficers(population: from)
            if got > maxOfficers { break }
            if out.last?.officers != got { out.append((got, from)) }
        }
        return out
    }
}
