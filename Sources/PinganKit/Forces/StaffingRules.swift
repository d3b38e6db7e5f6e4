/// Staffing rules for community policing (社区警务警力配置), configurable per district.
///
/// Sources (see docs/staffing-rules.md):
/// - seed 001 (鄂州 2002): 城区内实有人口5000人左右的社区配置1名社区民警；8000人左右的配备2名；
///   农村地区以相邻几个村设立一个警务区(区内常住人口8000人左右)，配置1名民警；
///   每一社区应保证配备一名社区民警 (一区一警).
/// - seed 000 (番禺 2009): 一村(居)委一警务室 — one police office per village / residents' committee.
///
/// "About" (左右) is resolved with a tolerance: a community reaches the band anchored at N residents
/// when its population is at least N × (100 − tolerancePercent) / 100, rounded up to a whole resident.
/// With the defaults (10 %): 1 officer below 7,200 residents, 2 officers from 7,200, and above the
/// last anchor one more officer per further `urbanStepAbove` residents (3,000: 3 from 9,900,
/// 4 from 12,600, …). Rural police areas: one officer per 8,000 residents, i.e. n officers from
/// n × 7,200 residents. Every planning unit gets at least `minimumOfficers` (一区一警).
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
    /// Above the last urban anchor, one more officer per this many residents (nil: capped at the last
    /// band, as the seed's "较大的社区可配备2名"). Default 3,000 — the step between the seed's anchors;
    /// an extrapolation, not in the seed.
    public var urbanStepAbove: Int?
    /// Rural police area (农村警务区) of about this many permanent residents → 1 officer (seed 001: 8,000).
    /// An area of n × this many residents gets n officers.
    public var ruralPopulationPerOfficer: Int
    /// How far below an anchor a population may be and still count as "about" it (左右), in percent, 0...50.
    public var tolerancePercent: Int
    /// 一区一警: every planning unit (community, or rural police area) gets at least this many officers.
    public var minimumOfficers: Int
    /// 一村(居)委一警务室 (seed 000): offices required per village / residents' committee.
    public var officesPerCommittee: Int
    /// Seed 001 alternative for the countryside: one office per rural police area (相邻几个村设立社区警务室)
    /// instead of one per village. Off by default (seed 000's national requirement wins).
    public var ruralOfficePerPoliceArea: Bool

    public init(urbanBands: [Band] = [Band(population: 5000, officers: 1), Band(population: 8000, officers: 2)],
                urbanStepAbove: Int? = 3000,
                ruralPopulationPerOfficer: Int = 8000,
                tolerancePercent: Int = 10,
                minimumOfficers: Int = 1,
                officesPerCommittee: Int = 1,
                ruralOfficePerPoliceArea: Bool = false) {
        self.urbanBands = urbanBands
        self.urbanStepAbove = urbanStepAbove
        self.ruralPopulationPerOfficer = ruralPopulationPerOfficer
        self.tolerancePercent = tolerancePercent
        self.minimumOfficers = minimumOfficers
        self.officesPerCommittee = officesPerCommittee
        self.ruralOfficePerPoliceArea = ruralOfficePerPoliceArea
    }

    /// The seed-001 rules with a 10 % tolerance.
    public static let seed001 = StaffingRules()

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

    /// Officers for a planning unit of the given kind.
    public func officers(kind: CommunityKind, population: Int) -> Int {
        switch kind {
        case .urban: urbanOfficers(population: population)
        case .rural: ruralOfficers(population: population)
        }
    }
}
