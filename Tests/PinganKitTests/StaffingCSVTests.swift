import XCTest
@testable import PinganKit

final class StaffingCSVTests: XCTestCase {
    func testParsesChineseHeadersAndWritesThePlan() throws {
        let text = "\u{FEFF}社区代码,社区名称,派出所,类型,实有人口,警务区,现有警务室,现有民警,兼职民警,警情数,纠纷数\r\n"
            + "440113001001,德兴社区,市桥所,社区,\"8,000\",,1,1,1,12,3\r\n"
            + "440113001002,沙北村,市桥所,村,5000,A,0,0,0,,\r\n"
        let rows = try StaffingCSV.parseCommunities(text)
        XCTAssertEqual(rows.count, 2)
        XCTAssertEqual(rows[0].population, 8000)
        XCTAssertEqual(rows[0].kind, .urban)
        XCTAssertEqual(rows[1].kind, .rural)
        XCTAssertEqual(rows[1].policeArea, "A")
        XCTAssertEqual(rows[1].incidents, 0)

        let csv = StaffingCSV.planCSV(StaffingPlanner.plan(rows))
        let parsed = CSVReader.parse(csv.text)
        XCTAssertEqual(parsed[0], StaffingCSV.planHeader)
        XCTAssertEqual(parsed.count, 1 + 2 + 1 + 1, "header, 2 communities, 1 station, district")
        let h = Dictionary(uniqueKeysWithValues: StaffingCSV.planHeader.enumerated().map { ($1, $0) })
        let first = parsed[1]
        XCTAssertEqual(first[h["officers_required"]!], "2")
        XCTAssertEqual(first[h["officers_shortfall"]!], "1")
        XCTAssertEqual(first[h["concurrent_share"]!], "100.0%")
        XCTAssertEqual(first[h["population_per_officer"]!], "8000.0")
        let district = parsed[4]
        XCTAssertEqual(district[h["level"]!], "district")
        XCTAssertEqual(district[h["offices_required"]!], "2")
        XCTAssertEqual(district[h["officers_required"]!], "3")
        XCTAssertEqual(district[h["officers_shortfall"]!], "2")
    }

    /// Seed 001: 「华容、葛店、泽林、太和、碧石等人民政府所在地集镇，可视情况建立1至2个民警社区，每个社区配置1名社区民警」 —
    /// the CSV (and so `pingan-lab staffing-plan`) accepts a town-seat community, which it used to reject.
    func testTownSeatKindIsAccepted() throws {
        let rows = try StaffingCSV.parseCommunities("code,station,kind,population\nT1,S,集镇,7200\nT2,S,town,12000\nU1,S,社区,7200\n")
        XCTAssertEqual(rows.map(\.kind), [.town, .town, .urban])
        let plan = StaffingPlanner.plan(rows)
        XCTAssertEqual(plan.communities.map(\.officers.required), [1, 1, 2], "a town community gets 1 officer whatever its size")
        XCTAssertEqual(StaffingCSV.parseKind("集镇社区"), .town)
    }

    func testReportsTheLineOfABadCell() {
        let text = "code,station,kind,population\nA,S,urban,100\nB,S,metropolis,100\n"
        XCTAssertThrowsError(try StaffingCSV.parseCommunities(text)) {
            XCTAssertEqual(($0 as? StaffingCSVError)?.line, 3)
        }
        XCTAssertThrowsError(try StaffingCSV.parseCommunities("code,station,kind,population\nA,S,urban,-5\n")) {
            XCTAssertEqual(($0 as? StaffingCSVError)?.line, 2)
        }
        XCTAssertThrowsError(try StaffingCSV.parseCommunities("code,station,kind\nA,S,urban\n")) {
            XCTAssertEqual(($0 as? StaffingCSVError)?.line, 0)
        }
    }

    func testSyntheticDistrictIsDeterministicAndPlansFast() throws {
        let a = SyntheticStaffingDistrict.generate(communities: 2000, seed: 7)
        XCTAssertEqual(a, SyntheticStaffingDistrict.generate(communities: 2000, seed: 7))
        XCTAssertNotEqual(a, SyntheticStaffingDistrict.generate(communities: 2000, seed: 8))
        let plan = try StaffingPlanner.validatedPlan(a)
        XCTAssertEqual(plan.communities.count, 2000)
        XCTAssertEqual(plan.district.officers.required, plan.units.reduce(0) { $0 + $1.officers.required })
        XCTAssertEqual(plan.district.officers.required, plan.communities.reduce(0) { $0 + $1.officers.required },
                       "apportionment keeps the sum")
    }
}

final class ForcesJSONTests: XCTestCase {
    func testPlanJSONCarriesComputedFiguresAndRoundTrips() throws {
        let plan = StaffingPlanner.plan(StaffingPlannerTests.seed000District())
        let data = try JSONEncoder().encode(plan)
        let json = try XCTUnwrap(JSONSerialization.jsonObject(with: data) as? [String: Any])
        let district = try XCTUnwrap(json["district"] as? [String: Any])
        let officers = try XCTUnwrap(district["officers"] as? [String: Any])
        XCTAssertEqual(officers["netGap"] as? Int, 395)
        XCTAssertEqual(officers["fillRate"] as? String, "40.2%")
        XCTAssertEqual((district["concurrentPostShare"] as? [String: Any])?["percent"] as? String, "18.5%")
        XCTAssertNotNil((district["workload"] as? [String: Any])?["populationPerOfficer"])
        XCTAssertEqual(try JSONDecoder().decode(StaffingPlan.self, from: data), plan)
    }

    func testWeeksAndPeriodsAreStrings() throws {
        XCTAssertEqual(ISOWeek("2026-W05"), ISOWeek(year: 2026, week: 5))
        XCTAssertEqual(ISOWeek("2026-W53"), ISOWeek(year: 2026, week: 53))
        XCTAssertNil(ISOWeek("2025-W53"), "2025 has 52 ISO weeks")
        XCTAssertNil(ISOWeek("2026-W00"))
        let rows = PatrolEvaluation.weekly(
            plans: [PlannedPatrol(id: "P", teamID: "T", date: LocalDay("2026-03-02")!, startMinute: 0, endMinute: 90, grids: ["G"])],
            logs: [PatrolLog(teamID: "T", planID: "P", date: LocalDay("2026-03-02")!, minutes: 90, gridsCovered: ["G"])])
        let data = try JSONEncoder().encode(rows)
        let text = String(decoding: data, as: UTF8.self)
        XCTAssertTrue(text.contains("\"period\":\"2026-W10\""), text)
        XCTAssertTrue(text.contains("\"hours\":1.5"), text)
        XCTAssertEqual(try JSONDecoder().decode([PatrolEvaluationRow].self, from: data), rows)
        let month = PatrolPeriod.month(YearMonth(year: 2026, month: 3))
        XCTAssertEqual(try JSONDecoder().decode(PatrolPeriod.self, from: JSONEncoder().encode(month)), month)
    }
}
