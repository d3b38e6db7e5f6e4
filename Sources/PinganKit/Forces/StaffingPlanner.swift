/// Staffing planner (警力配置测算): offices and officers required vs. in place, and the gap, per
/// community, per police station and for the district; a workload view; a what-if for new officers.
/// Pure computation over plain values: the server loads the rows, this file does the arithmetic.

/// One community (社区/村, a village or residents' committee) as the planner sees it.
public struct CommunityStaffingInput: Sendable, Codable, Equatable {
    /// Community code (12-digit, or any unique key). Also the final tie-breaker of the what-if.
    public var code: String
    public var name: String
    /// Police station (派出所) the community belongs to.
    public var stationCode: String
    public var kind: CommunityKind
    /// Resident population (实有人口) used by the rules.
    public var population: Int
    /// Rural police area (农村警务区) grouping several villages (seed 001); nil = the village is its own
    /// area. Ignored for urban communities. Areas are keyed within a station.
    public var policeArea: String?
    /// Community police offices (社区警务室) in place.
    public var officesInPlace: Int
    /// Community officers (社区民警) in place.
    public var officersInPlace: Int
    /// Of those, officers holding a concurrent community post (兼任社区党组织副书记/居委会主任助理, seed 000).
    public var concurrentPosts: Int
    /// Incidents (警情) and disputes (矛盾纠纷) in the period, for the workload view.
    public var incidents: Int
    public var disputes: Int

    public init(code: String, name: String = "", stationCode: String, kind: CommunityKind, population: Int,
                policeArea: String? = nil, officesInPlace: Int = 0, officersInPlace: Int = 0,
                concurrentPosts: Int = 0, incidents: Int = 0, disputes: Int = 0) {
        self.code = code
        self.name = name
        self.stationCode = stationCode
        self.kind = kind
        self.population = population
        self.policeArea = policeArea
        self.officesInPlace = officesInPlace
        self.officersInPlace = officersInPlace
        self.concurrentPosts = concurrentPosts
        self.incidents = incidents
        self.disputes = disputes
    }
}

/// Required, in place, shortfall (缺额) and surplus for offices or officers.
public struct StaffingFigure: Sendable, Codable, Equatable {
    public var required: Int
    public var inPlace: Int
    /// Sum over planning units of max(0, required − in place): what must be added.
    public var shortfall: Int
    /// Sum over planning units of max(0, in place − required).
    public var surplus: Int

    public init(required: Int = 0, inPlace: Int = 0, shortfall: Int = 0, surplus: Int = 0) {
        self.required = required
        self.inPlace = inPlace
        self.shortfall = shortfall
        self.surplus = surplus
    }

    /// One unit: shortfall and surplus from required vs. in place.
    public static func unit(required: Int, inPlace: Int) -> StaffingFigure {
        StaffingFigure(required: required, inPlace: inPlace,
                       shortfall: max(0, required - inPlace), surplus: max(0, inPlace - required))
    }

    /// required − in place (negative when over-staffed overall). Seed 000: 660 − 265 = 395 (“尚缺额约400名”).
    public var netGap: Int { required - inPlace }
    /// In place as a share of required, "40.2%" (Rate.format); "—" when nothing is required.
    public var fillRate: String { Rate.format(inPlace, of: required) }

    public static func + (a: StaffingFigure, b: StaffingFigure) -> StaffingFigure {
        StaffingFigure(required: a.required + b.required, inPlace: a.inPlace + b.inPlace,
                       shortfall: a.shortfall + b.shortfall, surplus: a.surplus + b.surplus)
    }

    // JSON adds the computed netGap and fillRate; decoding reads the stored four.
    private enum CodingKeys: String, CodingKey { case required, inPlace, shortfall, surplus, netGap, fillRate }
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        required = try c.decode(Int.self, forKey: .required)
        inPlace = try c.decode(Int.self, forKey: .inPlace)
        shortfall = try c.decode(Int.self, forKey: .shortfall)
        surplus = try c.decode(Int.self, forKey: .surplus)
    }
    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(required, forKey: .required)
        try c.encode(inPlace, forKey: .inPlace)
        try c.encode(shortfall, forKey: .shortfall)
        try c.encode(surplus, forKey: .surplus)
        try c.encode(netGap, forKey: .netGap)
        try c.encode(fillRate, forKey: .fillRate)
    }
}

/// Workload (工作量): incidents, disputes and population per officer in place.
public struct Workload: Sendable, Codable, Equatable {
    public var population: Int
    public var incidents: Int
    public var disputes: Int
    public var officersInPlace: Int

    public init(population: Int = 0, incidents: Int = 0, disputes: Int = 0, officersInPlace: Int = 0) {
        self.population = population
        self.incidents = incidents
        self.disputes = disputes
        self.officersInPlace = officersInPlace
    }

    /// nil when no officer is in place.
    public var populationPerOfficer: Double? { per(population) }
    public var incidentsPerOfficer: Double? { per(incidents) }
    public var disputesPerOfficer: Double? { per(disputes) }

    private func per(_ v: Int) -> Double? { officersInPlace > 0 ? Double(v) / Double(officersInPlace) : nil }

    public static func + (a: Workload, b: Workload) -> Workload {
        Workload(population: a.population + b.population, incidents: a.incidents + b.incidents,
                 disputes: a.disputes + b.disputes, officersInPlace: a.officersInPlace + b.officersInPlace)
    }

    // JSON adds the per-officer figures (null without officers); decoding reads the stored four.
    private enum CodingKeys: String, CodingKey {
        case population, incidents, disputes, officersInPlace, populationPerOfficer, incidentsPerOfficer, disputesPerOfficer
    }
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        population = try c.decode(Int.self, forKey: .population)
        incidents = try c.decode(Int.self, forKey: .incidents)
        disputes = try c.decode(Int.self, forKey: .disputes)
        officersInPlace = try c.decode(Int.self, forKey: .officersInPlace)
    }
    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(population, forKey: .population)
        try c.encode(incidents, forKey: .incidents)
        try c.encode(disputes, forKey: .disputes)
        try c.encode(officersInPlace, forKey: .officersInPlace)
        try c.encode(populationPerOfficer, forKey: .populationPerOfficer)
        try c.encode(incidentsPerOfficer, forKey: .incidentsPerOfficer)
        try c.encode(disputesPerOfficer, forKey: .disputesPerOfficer)
    }
}

/// The plan of one community.
public struct CommunityStaffingPlan: Sendable, Codable, Equatable {
    public var code: String
    public var name: String
    public var stationCode: String
    public var kind: CommunityKind
    public var population: Int
    /// Key of the planning unit: the community code, or "station/area" for a grouped rural police area.
    public var unitKey: String
    public var offices: StaffingFigure
    /// For a grouped rural area: the area's requirement apportioned to its villages by population
    /// (largest remainder); shortfall/surplus here are per village, the roll-ups pool the area.
    public var officers: StaffingFigure
    public var concurrentPosts: Int
    public var workload: Workload
}

/// A planning unit: an urban community, an ungrouped village, or a rural police area of several villages.
/// Officer shortfalls are computed per unit, so an officer recorded on one village of an area covers it all.
public struct StaffingUnitPlan: Sendable, Codable, Equatable {
    public var key: String
    public var stationCode: String
    public var kind: CommunityKind
    public var communityCodes: [String]
    public var population: Int
    public var offices: StaffingFigure
    public var officers: StaffingFigure
    public var incidents: Int
    /// Population, incidents and disputes of the whole unit per officer in place in the unit.
    public var workload: Workload
}

/// Totals for a station (派出所) or the district.
public struct StaffingTotals: Sendable, Codable, Equatable {
    public var communities: Int
    public var population: Int
    public var offices: StaffingFigure
    public var officers: StaffingFigure
    public var concurrentPosts: Int
    public var workload: Workload

    public init(communities: Int = 0, population: Int = 0, offices: StaffingFigure = .init(),
                officers: StaffingFigure = .init(), concurrentPosts: Int = 0, workload: Workload = .init()) {
        self.communities = communities
        self.population = population
        self.offices = offices
        self.officers = officers
        self.concurrentPosts = concurrentPosts
        self.workload = workload
    }

    /// Officers in place holding a concurrent community post (兼职), seed 000: 49 of 265.
    public var concurrentPostShare: Share { Share(concurrentPosts, of: officers.inPlace) }

    // JSON adds concurrentPostShare; decoding reads the stored fields.
    private enum CodingKeys: String, CodingKey {
        case communities, population, offices, officers, concurrentPosts, workload, concurrentPostShare
    }
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        communities = try c.decode(Int.self, forKey: .communities)
        population = try c.decode(Int.self, forKey: .population)
        offices = try c.decode(StaffingFigure.self, forKey: .offices)
        officers = try c.decode(StaffingFigure.self, forKey: .officers)
        concurrentPosts = try c.decode(Int.self, forKey: .concurrentPosts)
        workload = try c.decode(Workload.self, forKey: .workload)
    }
    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(communities, forKey: .communities)
        try c.encode(population, forKey: .population)
        try c.encode(offices, forKey: .offices)
        try c.encode(officers, forKey: .officers)
        try c.encode(concurrentPosts, forKey: .concurrentPosts)
        try c.encode(workload, forKey: .workload)
        try c.encode(concurrentPostShare, forKey: .concurrentPostShare)
    }
}

public struct StationStaffingPlan: Sendable, Codable, Equatable {
    public var stationCode: String
    public var totals: StaffingTotals
}

/// The whole plan: communities in input order, units, stations sorted by code, district totals.
public struct StaffingPlan: Sendable, Codable, Equatable {
    public var rules: StaffingRules
    public var communities: [CommunityStaffingPlan]
    public var units: [StaffingUnitPlan]
    public var stations: [StationStaffingPlan]
    public var district: StaffingTotals
}

public enum StaffingInputError: Error, Equatable, CustomStringConvertible {
    case invalidRules([String])
    case duplicateCode(String)
    case negative(code: String, field: String)
    case concurrentPostsExceedOfficers(code: String)

    public var description: String {
        switch self {
        case .invalidRules(let p): "invalid staffing rules: " + p.joined(separator: "; ")
        case .duplicateCode(let c): "community \(c) appears twice"
        case .negative(let c, let f): "community \(c): \(f) must not be negative"
        case .concurrentPostsExceedOfficers(let c): "community \(c): more concurrent posts than officers in place"
        }
    }
}

public enum StaffingPlanner {
    /// Validates the rows and the rules, then plans. Throws the first problem found.
    public static func validatedPlan(_ communities: [CommunityStaffingInput], rules: StaffingRules = .seed001) throws -> StaffingPlan {
        let problems = rules.problems
        guard problems.isEmpty else { throw StaffingInputError.invalidRules(problems) }
        var seen = Set<String>()
        seen.reserveCapacity(communities.count)
        for c in communities {
            guard seen.insert(c.code).inserted else { throw StaffingInputError.duplicateCode(c.code) }
            // Checked field by field (no per-row array): validation stays a small part of the plan's time.
            if c.population < 0 { throw StaffingInputError.negative(code: c.code, field: "population") }
            if c.officesInPlace < 0 { throw StaffingInputError.negative(code: c.code, field: "officesInPlace") }
            if c.officersInPlace < 0 { throw StaffingInputError.negative(code: c.code, field: "officersInPlace") }
            if c.concurrentPosts < 0 { throw StaffingInputError.negative(code: c.code, field: "concurrentPosts") }
            if c.incidents < 0 { throw StaffingInputError.negative(code: c.code, field: "incidents") }
            if c.disputes < 0 { throw StaffingInputError.negative(code: c.code, field: "disputes") }
            if c.concurrentPosts > c.officersInPlace { throw StaffingInputError.concurrentPostsExceedOfficers(code: c.code) }
        }
        return plan(communities, rules: rules)
    }

    /// The plan. Assumes valid input (see `validatedPlan`); negative counts are clamped to 0.
    public static func plan(_ communities: [CommunityStaffingInput], rules: StaffingRules = .seed001) -> StaffingPlan {
        // 1. Planning units: urban community or ungrouped village = itself; grouped villages = their area.
        // Keyed by an enum, not the display key, so a community code can never collide with an area.
        enum UnitID: Hashable { case community(String), area(station: String, area: String) }
        var unitIndexByKey: [UnitID: Int] = [:]
        unitIndexByKey.reserveCapacity(communities.count)
        var unitMembers: [[Int]] = []
        var unitKeys: [String] = []
        var unitOfCommunity = [Int](repeating: 0, count: communities.count)
        for (i, c) in communities.enumerated() {
            let key: UnitID = if c.kind == .rural, let area = c.policeArea, !area.isEmpty {
                .area(station: c.stationCode, area: area)
            } else {
                .community(c.code)
            }
            if let u = unitIndexByKey[key] {
                unitMembers[u].append(i)
                unitOfCommunity[i] = u
            } else {
                unitIndexByKey[key] = unitMembers.count
                unitOfCommunity[i] = unitMembers.count
                unitMembers.append([i])
                unitKeys.append(unitKey(c))
            }
        }

        // 2. Requirements per unit, apportioned to its communities.
        var officersRequired = [Int](repeating: 0, count: communities.count)
        var officesRequired = [Int](repeating: 0, count: communities.count)
        var units: [StaffingUnitPlan] = []
        units.reserveCapacity(unitMembers.count)
        for (u, members) in unitMembers.enumerated() {
            let first = communities[members[0]]
            let population = members.reduce(0) { $0 + max(0, communities[$1].population) }
            let required = rules.officers(kind: first.kind, population: population)
            if members.count == 1 {
                officersRequired[members[0]] = required
            } else {
                let shares = apportion(required, weights: members.map { max(0, communities[$0].population) },
                                       keys: members.map { communities[$0].code })
                for (k, i) in members.enumerated() { officersRequired[i] = shares[k] }
            }
            if first.kind == .rural && rules.ruralOfficePerPoliceArea && members.count > 1 {
                // One office for the area, booked on its first village by code.
                let host = members.min { communities[$0].code < communities[$1].code }!
                officesRequired[host] = rules.officesPerCommittee
            } else {
                for i in members { officesRequired[i] = rules.officesPerCommittee }
            }
            let officersInPlace = members.reduce(0) { $0 + max(0, communities[$1].officersInPlace) }
            let officesInPlace = members.reduce(0) { $0 + max(0, communities[$1].officesInPlace) }
            let officesReq = members.reduce(0) { $0 + officesRequired[$1] }
            units.append(StaffingUnitPlan(
                key: unitKeys[u], stationCode: first.stationCode, kind: first.kind,
                communityCodes: members.map { communities[$0].code }, population: population,
                offices: .unit(required: officesReq, inPlace: officesInPlace),
                officers: .unit(required: required, inPlace: officersInPlace),
                incidents: members.reduce(0) { $0 + max(0, communities[$1].incidents) },
                workload: Workload(population: population,
                                   incidents: members.reduce(0) { $0 + max(0, communities[$1].incidents) },
                                   disputes: members.reduce(0) { $0 + max(0, communities[$1].disputes) },
                                   officersInPlace: officersInPlace)))
        }

        // 3. Community rows.
        var rows: [CommunityStaffingPlan] = []
        rows.reserveCapacity(communities.count)
        for (i, c) in communities.enumerated() {
            let officersIn = max(0, c.officersInPlace)
            rows.append(CommunityStaffingPlan(
                code: c.code, name: c.name, stationCode: c.stationCode, kind: c.kind, population: max(0, c.population),
                unitKey: unitKeys[unitOfCommunity[i]],
                offices: .unit(required: officesRequired[i], inPlace: max(0, c.officesInPlace)),
                officers: .unit(required: officersRequired[i], inPlace: officersIn),
                concurrentPosts: max(0, c.concurrentPosts),
                workload: Workload(population: max(0, c.population), incidents: max(0, c.incidents),
                                   disputes: max(0, c.disputes), officersInPlace: officersIn)))
        }

        // 4. Roll-ups: offices per community (one per committee), officers per unit (pooled areas).
        var stationIndex: [String: Int] = [:]
        var stationTotals: [(String, StaffingTotals)] = []
        func station(_ code: String) -> Int {
            if let s = stationIndex[code] { return s }
            stationIndex[code] = stationTotals.count
            stationTotals.append((code, StaffingTotals()))
            return stationTotals.count - 1
        }
        var district = StaffingTotals()
        for row in rows {
            let s = station(row.stationCode)
            stationTotals[s].1.communities += 1
            stationTotals[s].1.population += row.population
            stationTotals[s].1.concurrentPosts += row.concurrentPosts
            stationTotals[s].1.workload = stationTotals[s].1.workload + row.workload
        }
        // Officers pool per unit (an area's officer covers all its villages). Offices are per committee
        // (a spare office in one village does not fill another's gap), or per unit when offices are per area.
        for unit in units {
            let s = station(unit.stationCode)
            stationTotals[s].1.officers = stationTotals[s].1.officers + unit.officers
            if rules.ruralOfficePerPoliceArea {
                stationTotals[s].1.offices = stationTotals[s].1.offices + unit.offices
            }
        }
        if !rules.ruralOfficePerPoliceArea {
            for row in rows {
                let s = stationIndex[row.stationCode]!
                stationTotals[s].1.offices = stationTotals[s].1.offices + row.offices
            }
        }
        stationTotals.sort { $0.0 < $1.0 }
        for (_, t) in stationTotals {
            district.communities += t.communities
            district.population += t.population
            district.offices = district.offices + t.offices
            district.officers = district.officers + t.officers
            district.concurrentPosts += t.concurrentPosts
            district.workload = district.workload + t.workload
        }
        return StaffingPlan(rules: rules, communities: rows, units: units,
                            stations: stationTotals.map { StationStaffingPlan(stationCode: $0.0, totals: $0.1) },
                            district: district)
    }

    /// Planning-unit key of a community: its code, or "station/area" for a village in a rural police area.
    public static func unitKey(_ c: CommunityStaffingInput) -> String {
        if c.kind == .rural, let area = c.policeArea, !area.isEmpty { return c.stationCode + "/" + area }
        return c.code
    }

    /// Largest-remainder (Hamilton) apportionment of `total` by `weights`; ties go to the larger weight,
    /// then the smaller key. Equal weights if all are zero. Sum of the result == total.
    static func apportion(_ total: Int, weights: [Int], keys: [String]) -> [Int] {
        let n = weights.count
        guard n > 0, total > 0 else { return [Int](repeating: 0, count: n) }
        var w = weights
        var sum = w.reduce(0, +)
        if sum == 0 { w = [Int](repeating: 1, count: n); sum = n }
        var out = [Int](repeating: 0, count: n)
        var remainders: [(rem: Int, i: Int)] = []
        var given = 0
        for i in 0..<n {
            let q = (total * w[i]) / sum
            out[i] = q
            given += q
            remainders.append(((total * w[i]) % sum, i))
        }
        remainders.sort { a, b in
            if a.rem != b.rem { return a.rem > b.rem }
            if w[a.i] != w[b.i] { return w[a.i] > w[b.i] }
            return keys[a.i] < keys[b.i]
        }
        var k = 0
        while given < total {
            out[remainders[k % n].i] += 1
            given += 1
            k += 1
        }
        return out
    }
}
