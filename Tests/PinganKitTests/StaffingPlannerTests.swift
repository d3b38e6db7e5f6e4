import XCTest
@testable import PinganKit

final class StaffingRulesTests: XCTestCase {
    func testUrbanBoundariesWithDefaultTenPercentTolerance() {
        let r = StaffingRules.seed001
        XCTAssertEqual(r.threshold(forAnchor: 5000), 4500)
        XCTAssertEqual(r.threshold(forAnchor: 8000), 7200)
        XCTAssertEqual(r.threshold(forAnchor: 8001), 7201, "rounded up to a whole resident")
        XCTAssertEqual(r.urbanOfficers(population: 0), 1, "一区一警: even an empty community gets one")
        XCTAssertEqual(r.urbanOfficers(population: 4499), 1)
        XCTAssertEqual(r.urbanOfficers(population: 5000), 1)
        XCTAssertEqual(r.urbanOfficers(population: 7199), 1, "10 % short of 8,000 is still 'about 5,000'")
        XCTAssertEqual(r.urbanOfficers(population: 7200), 2, "within 10 % of 8,000 is 'about 8,000'")
        XCTAssertEqual(r.urbanOfficers(population: 8000), 2)
    }

    /// Seed 001: 「每一社区应保证配备一名社区民警，较大的社区可配备2名社区民警」 — 2 is the seed's cap, and the default.
    func testTheSeedsCapOfTwoIsTheDefault() {
        let r = StaffingRules.seed001
        XCTAssertNil(r.urbanStepAbove)
        XCTAssertEqual(r.urbanOfficers(population: 9900), 2)
        XCTAssertEqual(r.urbanOfficers(population: 12000), 2, "issue 25: 12,000 residents used to get 3")
        XCTAssertEqual(r.urbanOfficers(population: 1_000_000), 2)
    }

    /// Beyond 2 is a district option, not a seed rule: one more officer per further N residents.
    func testOfficersBeyondTheSeedsTwoAreADistrictOption() {
        let r = StaffingRules(urbanStepAbove: 3000)
        XCTAssertEqual(r.urbanOfficers(population: 9899), 2)
        XCTAssertEqual(r.urbanOfficers(population: 9900), 3, "about 11,000")
        XCTAssertEqual(r.urbanOfficers(population: 12000), 3)
        XCTAssertEqual(r.urbanOfficers(population: 12599), 3)
        XCTAssertEqual(r.urbanOfficers(population: 12600), 4, "about 14,000")
    }

    /// Seed 001: 「…集镇，可视情况建立1至2个民警社区，每个社区配置1名社区民警」.
    func testTownSeatCommunityGetsOneOfficer() {
        let r = StaffingRules.seed001
        XCTAssertEqual(r.officers(kind: .town, population: 7200), 1, "issue 25: a town community of 7,200 got 2")
        XCTAssertEqual(r.officers(kind: .town, population: 0), 1)
        XCTAssertEqual(r.officers(kind: .town, population: 30000), 1)
        XCTAssertEqual(StaffingRules(townOfficersPerCommunity: 2).officers(kind: .town, population: 100), 2)
        XCTAssertEqual(StaffingRules(townOfficersPerCommunity: 0, minimumOfficers: 1).officers(kind: .town, population: 100), 1, "一区一警")
        XCTAssertEqual(CommunityKind.town.nameZh, "集镇社区")
        XCTAssertEqual(StaffingRules(townOfficersPerCommunity: -1).problems, ["townOfficersPerCommunity must not be negative"])
    }

    /// The "about" (左右) cut-overs the rules page states: 2 officers from 7,200 at the default 10 % tolerance.
    func testCutOversAsTheRulesPageStatesThem() {
        let r = StaffingRules.seed001
        XCTAssertEqual(r.urbanCutOvers().map(\.officers), [1, 2])
        XCTAssertEqual(r.urbanCutOvers().map(\.from), [0, 7200])
        XCTAssertEqual(StaffingRules(tolerancePercent: 20).urbanCutOvers().map(\.from), [0, 6400])
        XCTAssertEqual(StaffingRules(tolerancePercent: 0).urbanCutOvers().map(\.from), [0, 8000])
        let step = StaffingRules(urbanStepAbove: 3000).urbanCutOvers(maxOfficers: 4)
        XCTAssertEqual(step.map(\.officers), [1, 2, 3, 4])
        XCTAssertEqual(step.map(\.from), [0, 7200, 9900, 12600])
        XCTAssertEqual(r.ruralCutOvers().map(\.officers), [1, 2, 3])
        XCTAssertEqual(r.ruralCutOvers().map(\.from), [0, 14400, 21600])
    }

    /// Rules stored before issue 25 (no town key) decode with the rest of the row kept, not replaced by defaults.
    func testOlderStoredRulesKeepTheirValues() throws {
        let old = #"{"minimumOfficers":1,"officesPerCommittee":1,"ruralOfficePerPoliceArea":false,"ruralPopulationPerOfficer":9000,"tolerancePercent":15,"urbanBands":[{"officers":1,"population":5000},{"officers":2,"population":8000}],"urbanStepAbove":3000}"#
        let r = try JSONDecoder().decode(StaffingRules.self, from: Data(old.utf8))
        XCTAssertEqual(r.tolerancePercent, 15)
        XCTAssertEqual(r.ruralPopulationPerOfficer, 9000)
        XCTAssertEqual(r.urbanStepAbove, 3000)
        XCTAssertFalse(r.ruralOfficePerPoliceArea)
        XCTAssertEqual(r.townOfficersPerCommunity, 1)
        XCTAssertEqual(try JSONDecoder().decode(StaffingRules.self, from: Data("{}".utf8)), .seed001)
        let capped = try JSONDecoder().decode(StaffingRules.self, from: Data(#"{"urbanStepAbove":null}"#.utf8))
        XCTAssertNil(capped.urbanStepAbove)
    }

    func testZeroToleranceIsExactThresholds() {
        let r = StaffingRules(urbanStepAbove: 3000, tolerancePercent: 0)
        XCTAssertEqual(r.urbanOfficers(population: 7999), 1)
        XCTAssertEqual(r.urbanOfficers(population: 8000), 2)
        XCTAssertEqual(r.urbanOfficers(population: 10999), 2)
        XCTAssertEqual(r.urbanOfficers(population: 11000), 3)
        XCTAssertEqual(r.ruralOfficers(population: 15999), 1)
        XCTAssertEqual(r.ruralOfficers(population: 16000), 2)
    }

    func testWiderToleranceAndCapWithoutStep() {
        let r = StaffingRules(urbanStepAbove: nil, tolerancePercent: 20)
        XCTAssertEqual(r.urbanOfficers(population: 6399), 1)
        XCTAssertEqual(r.urbanOfficers(population: 6400), 2)
        XCTAssertEqual(r.urbanOfficers(population: 1_000_000), 2, "capped at the seed's 2 when there is no step")
    }

    func testRuralPoliceAreaBoundaries() {
        let r = StaffingRules.seed001
        XCTAssertEqual(r.ruralOfficers(population: 0), 1, "一区一警")
        XCTAssertEqual(r.ruralOfficers(population: 7200), 1)
        XCTAssertEqual(r.ruralOfficers(population: 14399), 1)
        XCTAssertEqual(r.ruralOfficers(population: 14400), 2, "two areas' worth: 2 × 8,000 less 10 %")
        let noMinimum = StaffingRules(minimumOfficers: 0)
        XCTAssertEqual(noMinimum.ruralOfficers(population: 7199), 0)
        XCTAssertEqual(noMinimum.ruralOfficers(population: 7200), 1)
        XCTAssertEqual(r.officers(kind: .rural, population: 9000), 1)
        XCTAssertEqual(r.officers(kind: .urban, population: 9000), 2)
    }

    func testThreeBandDistrictConfiguration() {
        let r = StaffingRules(urbanBands: [.init(population: 3000, officers: 1), .init(population: 6000, officers: 2),
                                           .init(population: 10000, officers: 4)],
                              urbanStepAbove: nil, tolerancePercent: 5)
        XCTAssertEqual(r.urbanOfficers(population: 5699), 1)
        XCTAssertEqual(r.urbanOfficers(population: 5700), 2)
        XCTAssertEqual(r.urbanOfficers(population: 9499), 2)
        XCTAssertEqual(r.urbanOfficers(population: 9500), 4)
    }

    func testRuleValidation() {
        XCTAssertEqual(StaffingRules.seed001.problems, [])
        let bad = StaffingRules(urbanBands: [.init(population: 8000, officers: 2), .init(population: 5000, officers: 1)],
                                urbanStepAbove: 0, ruralPopulationPerOfficer: 0, tolerancePercent: 60)
        XCTAssertEqual(bad.problems.count, 5, "\(bad.problems)")
        XCTAssertThrowsError(try StaffingPlanner.validatedPlan([], rules: bad))
    }

    func testRulesRoundTripAsJSON() throws {
        let r = StaffingRules(urbanStepAbove: nil, tolerancePercent: 15, ruralOfficePerPoliceArea: true)
        let back = try JSONDecoder().decode(StaffingRules.self, from: JSONEncoder().encode(r))
        XCTAssertEqual(back, r)
    }
}

final class StaffingPlannerTests: XCTestCase {
    /// Seed 000 (番禺 2009): "需配备村(居)警务室334间、社区民警660名；目前只建成社区(村)警务室242间，配备民警265名，
    /// 尚缺额约400名 … 265名社区民警有49人兼任 … 仅占18.5%". The seed gives district totals only, so the input is
    /// built to match them under the seed-001 rules (the defaults):
    /// - 334 committees (一村(居)委一警务室 → 334 offices), spread over the seed's 29 stations (i % 29);
    /// - 326 urban communities of 8,000 residents (2 officers each = 652) and 8 of 5,000 (1 each = 8): 660;
    ///   2a + b = 660, a + b = 334 gives a = 326, b = 8;
    /// - offices in place: one each in the first 242 communities;
    /// - officers in place: one each in the first 242, a second one in 23 of the 8,000-resident ones (242 + 23
    ///   = 265), so no community is over-staffed and the shortfall equals the net gap;
    /// - 49 of those officers hold a concurrent post.
    static func seed000District(rules: StaffingRules = .seed001, bigPopulation: Int = 8000, smallPopulation: Int = 5000) -> [CommunityStaffingInput] {
        var rows: [CommunityStaffingInput] = []
        var posts = 49
        for i in 0..<334 {
            let small = i < 8
            let officers = (i < 242 ? 1 : 0) + ((8..<31).contains(i) ? 1 : 0)
            let concurrent = min(posts, officers > 0 ? 1 : 0)
            posts -= concurrent
            rows.append(CommunityStaffingInput(
                code: String(format: "440113%06d", i), name: "社区\(i)", stationCode: "S" + String(format: "%02d", i % 29),
                kind: .urban, population: small ? smallPopulation : bigPopulation,
                officesInPlace: i < 242 ? 1 : 0, officersInPlace: officers, concurrentPosts: concurrent,
                incidents: i % 7, disputes: i % 3))
        }
        return rows
    }

    func testReproducesTheSeed000Table() throws {
        let plan = try StaffingPlanner.validatedPlan(Self.seed000District())
        let d = plan.district
        XCTAssertEqual(d.communities, 334)
        XCTAssertEqual(d.offices.required, 334)
        XCTAssertEqual(d.offices.inPlace, 242)
        XCTAssertEqual(d.offices.shortfall, 92)
        XCTAssertEqual(d.officers.required, 660)
        XCTAssertEqual(d.officers.inPlace, 265)
        XCTAssertEqual(d.officers.shortfall, 395, "尚缺额约400名")
        XCTAssertEqual(d.officers.netGap, 395)
        XCTAssertEqual(d.officers.surplus, 0)
        XCTAssertEqual(d.concurrentPostShare, Share(49, of: 265))
        XCTAssertEqual(d.concurrentPostShare.percent, "18.5%")
        XCTAssertEqual(plan.stations.count, 29)
        XCTAssertEqual(plan.stations.map(\.stationCode), plan.stations.map(\.stationCode).sorted())
        // Stations add up to the district.
        let sum = plan.stations.reduce(StaffingTotals()) { acc, s in
            var a = acc
            a.offices = a.offices + s.totals.offices
            a.officers = a.officers + s.totals.officers
            a.concurrentPosts += s.totals.concurrentPosts
            return a
        }
        XCTAssertEqual(sum.offices, d.offices)
        XCTAssertEqual(sum.officers, d.officers)
        XCTAssertEqual(sum.concurrentPosts, 49)
    }

    /// Same table with the seed's population (193万余人): a district configured at about 3,000 residents per
    /// officer (bands 3,000 → 1, 6,000 → 2, +1 per 3,000) with 326 communities of 5,900 and 8 of 1,700
    /// residents: 326 × 5,900 + 8 × 1,700 = 1,937,000.
    func testReproducesTheSeed000TableWithTheSeedPopulationUnderADistrictConfiguration() throws {
        let rules = StaffingRules(urbanBands: [.init(population: 3000, officers: 1), .init(population: 6000, officers: 2)],
                                  urbanStepAbove: 3000)
        let plan = try StaffingPlanner.validatedPlan(Self.seed000District(bigPopulation: 5900, smallPopulation: 1700), rules: rules)
        XCTAssertEqual(plan.district.population, 1_937_000)
        XCTAssertEqual(plan.district.offices.required, 334)
        XCTAssertEqual(plan.district.offices.inPlace, 242)
        XCTAssertEqual(plan.district.officers.required, 660)
        XCTAssertEqual(plan.district.officers.inPlace, 265)
        XCTAssertEqual(plan.district.officers.shortfall, 395)
    }

    func testRuralPoliceAreaPoolsOfficersAndApportionsTheRequirement() throws {
        let rows = [
            CommunityStaffingInput(code: "V3", stationCode: "S1", kind: .rural, population: 2500, policeArea: "A", officersInPlace: 1),
            CommunityStaffingInput(code: "V2", stationCode: "S1", kind: .rural, population: 3000, policeArea: "A", officesInPlace: 1),
            CommunityStaffingInput(code: "V1", stationCode: "S1", kind: .rural, population: 3000, policeArea: "A"),
            CommunityStaffingInput(code: "V9", stationCode: "S1", kind: .rural, population: 1200),
            CommunityStaffingInput(code: "U1", stationCode: "S1", kind: .urban, population: 9000, policeArea: "A", officersInPlace: 3),
        ]
        let plan = try StaffingPlanner.validatedPlan(rows)
        XCTAssertEqual(plan.units.map(\.key), ["S1/A", "V9", "U1"], "policeArea is ignored for urban communities")
        let area = plan.units[0]
        XCTAssertEqual(area.population, 8500)
        XCTAssertEqual(area.officers, .unit(required: 1, inPlace: 1))
        XCTAssertEqual(area.workload.populationPerOfficer, 8500, "the area's officer serves all its villages")
        // Apportioned: remainders tie between V2 and V1 (3,000 each) → smaller code V1.
        XCTAssertEqual(plan.communities.map(\.officers.required), [0, 0, 1, 1, 2])
        XCTAssertEqual(plan.communities[0].officers.surplus, 1, "per-village view")
        let s = plan.district
        XCTAssertEqual(s.officers.required, 4)
        XCTAssertEqual(s.officers.inPlace, 4)
        XCTAssertEqual(s.officers.shortfall, 1, "V9 lacks its officer; the area is covered by V3's; U1 has one spare")
        XCTAssertEqual(s.officers.surplus, 1)
        XCTAssertEqual(s.offices.required, 3, "one office for the area (seed 001, the default), V9, U1")
        XCTAssertEqual(s.offices.shortfall, 2, "the area's office exists (on V2)")
        XCTAssertEqual(plan.communities.map(\.offices.required), [0, 0, 1, 1, 1], "booked on the area's first village by code")

        let perVillage = try StaffingPlanner.validatedPlan(rows, rules: StaffingRules(ruralOfficePerPoliceArea: false))
        XCTAssertEqual(perVillage.district.offices.required, 5, "one office per committee (seed 000's 一村(居)委一警务室, the option)")
        XCTAssertEqual(perVillage.district.offices.shortfall, 4)
    }

    /// Seed 001: 「农村各所应根据警力及交通地理环境，在相邻几个村设立社区警务室，实行民警驻村工作制」 — one office for the
    /// adjacent villages of a police area is the default; one per village stays an option.
    func testRuralPoliceAreaOfFourVillagesNeedsOneOffice() throws {
        let rows = (1...4).map { i in
            CommunityStaffingInput(code: "V\(i)", stationCode: "S", kind: .rural, population: 2000, policeArea: "A",
                                   officesInPlace: i == 1 ? 1 : 0, officersInPlace: i == 1 ? 1 : 0)
        }
        let d = try StaffingPlanner.validatedPlan(rows).district
        XCTAssertEqual(d.offices, .unit(required: 1, inPlace: 1), "issue 25: it showed 4 required, 1 in place, shortfall 3")
        XCTAssertEqual(d.officers, .unit(required: 1, inPlace: 1), "8,000 residents → 1 officer")
        let option = try StaffingPlanner.validatedPlan(rows, rules: StaffingRules(ruralOfficePerPoliceArea: false)).district
        XCTAssertEqual(option.offices.required, 4)
        XCTAssertEqual(option.offices.shortfall, 3)
    }

    func testWorkloadView() {
        let rows = [
            CommunityStaffingInput(code: "A", stationCode: "S", kind: .urban, population: 9000, officersInPlace: 2, incidents: 30, disputes: 5),
            CommunityStaffingInput(code: "B", stationCode: "S", kind: .urban, population: 4000, officersInPlace: 0, incidents: 10, disputes: 1),
        ]
        let plan = StaffingPlanner.plan(rows)
        XCTAssertEqual(plan.communities[0].workload.populationPerOfficer, 4500)
        XCTAssertEqual(plan.communities[0].workload.incidentsPerOfficer, 15)
        XCTAssertEqual(plan.communities[0].workload.disputesPerOfficer, 2.5)
        XCTAssertNil(plan.communities[1].workload.populationPerOfficer, "no officer in place")
        XCTAssertEqual(plan.district.workload.population, 13000)
        XCTAssertEqual(plan.district.workload.incidentsPerOfficer, 20)
        XCTAssertEqual(plan.stations[0].totals.workload.disputesPerOfficer, 3)
    }

    func testValidationErrors() {
        let ok = CommunityStaffingInput(code: "A", stationCode: "S", kind: .urban, population: 10)
        XCTAssertThrowsError(try StaffingPlanner.validatedPlan([ok, ok])) {
            XCTAssertEqual($0 as? StaffingInputError, .duplicateCode("A"))
        }
        var neg = ok; neg.population = -1
        XCTAssertThrowsError(try StaffingPlanner.validatedPlan([neg])) {
            XCTAssertEqual($0 as? StaffingInputError, .negative(code: "A", field: "population"))
        }
        var posts = ok; posts.concurrentPosts = 1
        XCTAssertThrowsError(try StaffingPlanner.validatedPlan([posts])) {
            XCTAssertEqual($0 as? StaffingInputError, .concurrentPostsExceedOfficers(code: "A"))
        }
    }

    func testApportionSumsToTotal() {
        XCTAssertEqual(StaffingPlanner.apportion(3, weights: [1, 1, 1, 1], keys: ["d", "c", "b", "a"]), [0, 1, 1, 1])
        XCTAssertEqual(StaffingPlanner.apportion(2, weights: [0, 0], keys: ["a", "b"]), [1, 1])
        XCTAssertEqual(StaffingPlanner.apportion(5, weights: [7000, 2000, 1000], keys: ["a", "b", "c"]), [4, 1, 0])
    }
}

final class StaffingWhatIfTests: XCTestCase {
    static let rows = [
        // A: 15,000 → 4 officers (about 14,000), 1 in place: gap 3.
        CommunityStaffingInput(code: "A", stationCode: "S1", kind: .urban, population: 15000, officersInPlace: 1),
        // B: 8,000 → 2, none: gap 2.
        CommunityStaffingInput(code: "B", stationCode: "S1", kind: .urban, population: 8000),
        // C: 5,000 → 1, none: gap 1.
        CommunityStaffingInput(code: "C", stationCode: "S2", kind: .urban, population: 5000),
        // D: no gap.
        CommunityStaffingInput(code: "D", stationCode: "S2", kind: .urban, population: 5000, officersInPlace: 1),
    ]

    /// These figures use a district's step above the seed's 2 (15,000 → 4).
    static let stepRules = StaffingRules(urbanStepAbove: 3000)

    func testLargestGapFirstWithResidentsPerOfficerTieBreak() {
        let plan = StaffingPlanner.plan(Self.rows, rules: Self.stepRules)
        // 1st → A (gap 3). 2nd: A and B both gap 2; A has 15,000/2 = 7,500 per officer, B 8,000/1 → B.
        // 3rd → A (gap 2). 4th: all gap 1; B 8,000/1 beats A 15,000/3 = 5,000 and C 5,000/1.
        let r = StaffingWhatIf.allocate(4, plan: plan)
        XCTAssertEqual(r.allocations.map(\.unitKey), ["A", "B"])
        XCTAssertEqual(r.allocations.map(\.officers), [2, 2])
        XCTAssertEqual(r.allocations.map(\.shortfallAfter), [1, 0])
        XCTAssertEqual(r.shortfallBefore, 6)
        XCTAssertEqual(r.shortfallAfter, 2)
        XCTAssertEqual(r.unallocated, 0)

        let all = StaffingWhatIf.allocate(100, plan: plan)
        XCTAssertEqual(all.unallocated, 94)
        XCTAssertEqual(all.shortfallAfter, 0)
        XCTAssertEqual(Set(all.allocations.map(\.unitKey)), ["A", "B", "C"], "D has no gap")
        XCTAssertEqual(StaffingWhatIf.allocate(0, plan: plan).allocations, [])
    }

    func testFullTieFallsBackToIncidentsThenCode() {
        let rows = [
            CommunityStaffingInput(code: "X2", stationCode: "S", kind: .urban, population: 5000),
            CommunityStaffingInput(code: "X1", stationCode: "S", kind: .urban, population: 5000),
            CommunityStaffingInput(code: "X3", stationCode: "S", kind: .urban, population: 5000, incidents: 1),
        ]
        let r = StaffingWhatIf.allocate(2, plan: StaffingPlanner.plan(rows))
        XCTAssertEqual(r.allocations.map(\.unitKey), ["X3", "X1"])
        // Input order does not matter.
        let r2 = StaffingWhatIf.allocate(2, plan: StaffingPlanner.plan(rows.reversed()))
        XCTAssertEqual(r2.allocations.map(\.unitKey), ["X3", "X1"])
    }

    func testSeed000WhatIf() {
        let plan = StaffingPlanner.plan(StaffingPlannerTests.seed000District())
        let r = StaffingWhatIf.allocate(400, plan: plan)
        XCTAssertEqual(r.shortfallBefore, 395)
        XCTAssertEqual(r.shortfallAfter, 0)
        XCTAssertEqual(r.unallocated, 5)
        // The 92 communities with no officer at all (gap 2) are served before any gap-1 community.
        let first92 = StaffingWhatIf.allocate(92, plan: plan)
        XCTAssertTrue(first92.allocations.allSatisfy { $0.shortfallBefore == 2 })
        XCTAssertEqual(first92.allocations.count, 92)
    }
}

final class StaffingWhatIfScaleTests: XCTestCase {
    func testSyntheticDistrictWhatIfIsIndependentOfInputOrder() {
        let rows = SyntheticStaffingDistrict.generate(communities: 500, seed: 11)
        var shuffled = rows
        var rng = SplitMix64(seed: 5)
        for i in stride(from: shuffled.count - 1, to: 0, by: -1) { shuffled.swapAt(i, rng.nextInt(below: i + 1)) }
        let a = StaffingWhatIf.allocate(150, plan: StaffingPlanner.plan(rows))
        let b = StaffingWhatIf.allocate(150, plan: StaffingPlanner.plan(shuffled))
        XCTAssertEqual(a.allocations.map(\.unitKey), b.allocations.map(\.unitKey))
        XCTAssertEqual(a.allocations.map(\.officers), b.allocations.map(\.officers))
        XCTAssertEqual(a.shortfallBefore - a.shortfallAfter, 150)
        // Largest gaps first: the last officer went to a unit whose gap was the largest left, so no unit
        // that got nobody has a gap above that (= the largest remaining gap of a served unit + 1).
        let served = Set(a.allocations.map(\.unitKey))
        let maxAfter = a.allocations.map(\.shortfallAfter).max()!
        for u in StaffingPlanner.plan(rows).units where !served.contains(u.key) {
            XCTAssertLessThanOrEqual(u.officers.shortfall, maxAfter + 1, u.key)
        }
    }
}
