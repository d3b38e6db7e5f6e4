import XCTest
@testable import PinganKit

/// Issue 20 §5: the group registry's coverage (buildings with a 楼栋群) and the quarterly check.
final class GroupRulesTests: XCTestCase {
    func testCoverageCountsEachBuildingOnceAndOnlyBuildingGroups() {
        let today = LocalDay("2026-12-06")!
        let groups = [
            GroupFact(communityID: 1, kind: .building, buildingID: 11, members: 120, lastCheckedOn: "2026-11-01"),
            GroupFact(communityID: 1, kind: .building, buildingID: 11, members: 40, lastCheckedOn: "2026-08-01"),  // a second group of the same building; due
            GroupFact(communityID: 1, kind: .building, buildingID: 12, members: 80, lastCheckedOn: nil),          // never checked: due
            GroupFact(communityID: 1, kind: .property, buildingID: nil, members: 300, lastCheckedOn: "2026-12-01"),
            GroupFact(communityID: 2, kind: .network, buildingID: nil, members: 450, lastCheckedOn: "2026-10-01"),
            GroupFact(communityID: 1, kind: .building, buildingID: 99, members: 5, lastCheckedOn: "2026-12-01"),  // not a building of this community
        ]
        let (rows, total) = GroupCoverage.compute(communities: [(1, "德兴社区", [11, 12, 13, 14]), (2, "东兴社区", [21, 22]), (3, "沙头社区", [])], groups: groups, today: today)
        XCTAssertEqual(rows[0].buildingsWithGroup, 2); XCTAssertEqual(rows[0].coverage, "50.0%")
        XCTAssertEqual(rows[0].groups, ["building": 4, "property": 1]); XCTAssertEqual(rows[0].due, 2); XCTAssertEqual(rows[0].members, 545)
        XCTAssertEqual(rows[1].coverage, "0.0%"); XCTAssertEqual(rows[2].coverage, "—")
        XCTAssertEqual(total.buildings, 6); XCTAssertEqual(total.buildingsWithGroup, 2); XCTAssertEqual(total.coverage, "33.3%")
        XCTAssertEqual(total.totalGroups, 6)
    }

    func testAGroupIsDueAfterNinetyDays() {
        let today = LocalDay("2026-12-06")!
        XCTAssertFalse(GroupRules.isDue(lastCheckedOn: today.adding(days: -90).description, today: today))
        XCTAssertTrue(GroupRules.isDue(lastCheckedOn: today.adding(days: -91).description, today: today))
        XCTAssertTrue(GroupRules.isDue(lastCheckedOn: nil, today: today))
    }
}

/// Issue 20 §5: the integrated office's 检查考核 integration is read off the dual assessment.
final class IntegrationRulesTests: XCTestCase {
    func testTheAssessmentIntegrationFollowsTheDualScores() {
        let nov = YearMonth(year: 2026, month: 11)
        XCTAssertEqual(IntegrationRules.assessmentStatus(stationMonths: ["2026-11"], governanceMonths: ["2026-11"], lastMonth: nov), .met)
        XCTAssertEqual(IntegrationRules.assessmentStatus(stationMonths: ["2026-11"], governanceMonths: [], lastMonth: nov), .partial)
        XCTAssertEqual(IntegrationRules.assessmentStatus(stationMonths: ["2026-09"], governanceMonths: ["2026-09"], lastMonth: nov), .partial)
        XCTAssertEqual(IntegrationRules.assessmentStatus(stationMonths: ["2026-08"], governanceMonths: ["2026-08"], lastMonth: nov), .notMet)
        XCTAssertEqual(IntegrationRules.score([.command: .met, .forces: .partial, .assessment: .met]), 2)
    }
}

/// Issue 20 §6: technical-prevention coverage read off the registry.
final class TechPreventionTests: XCTestCase {
    func testCoverageByStreetAsTheSeedReportsIt() {
        let compounds = [
            CompoundFact(streetID: 1, households: 300, propertyManaged: true, accessControl: true, cameras: 4),    // covered
            CompoundFact(streetID: 1, households: 200, propertyManaged: true, accessControl: false, cameras: 6),   // cameras but no 门禁
            CompoundFact(streetID: 1, households: 100, propertyManaged: false, accessControl: true, cameras: 0),   // 门禁 but no camera
            CompoundFact(streetID: 2, households: 400, propertyManaged: false, accessControl: true, cameras: 2),   // covered
            CompoundFact(streetID: 9, households: 999, propertyManaged: true, accessControl: true, cameras: 1),    // another district's street: ignored
        ]
        let cameras = [CameraPointFact(streetID: 1, isPublic: true, working: true), CameraPointFact(streetID: 2, isPublic: true, working: false),
                       CameraPointFact(streetID: 2, isPublic: false, working: true)]
        let c = CoverageTotals.compute(streets: [(1, "市桥街道"), (2, "沙头街道"), (3, "东环街道")], compounds: compounds, cameras: cameras)
        XCTAssertEqual(c.total.compounds, 4); XCTAssertEqual(c.total.compoundsCovered, 2); XCTAssertEqual(c.total.compoundRate, "50.0%")
        XCTAssertEqual(c.total.householdRate, "70.0%")      // 700 of 1,000
        XCTAssertEqual(c.total.managedRate, "50.0%")        // 1 of 2
        XCTAssertEqual(c.streetsWithVideo, 1, "a faulty public camera or a private one is not a video system")
        XCTAssertEqual(c.videoRate, "33.3%")
        XCTAssertEqual(c.total.cameras, 15)                 // 12 in compounds + 3 points
        XCTAssertEqual(c.streets[2].compoundRate, "—")
        XCTAssertTrue(c.sentence(chinese: true).hasPrefix("辖区4个居民小区，有2个实行了科技创安，覆盖率50.0%；1000户居民中，700户实行了科技创安，覆盖率70.0%"))
    }

    func testBuildingsWithAccessControlAndTheGapToATarget() {
        let buildings = [BuildingFact(streetID: 1, accessControl: true), BuildingFact(streetID: 1, accessControl: false), BuildingFact(streetID: 2, accessControl: true),
                         BuildingFact(streetID: 9, accessControl: true)]
        let c = CoverageTotals.compute(streets: [(1, "市桥街道"), (2, "沙头街道")], compounds: [], cameras: [], buildings: buildings)
        XCTAssertEqual(c.streets[0].buildings, 2); XCTAssertEqual(c.streets[0].buildingsWithAccess, 1); XCTAssertEqual(c.streets[0].buildingRate, "50.0%")
        XCTAssertEqual(c.total.buildings, 3, "another district's street is ignored"); XCTAssertEqual(c.total.buildingsWithAccess, 2)
        // The gap is rounded up: 80 % of 11 compounds is 9, so 7 covered are 2 short; met is 0; nothing to cover is 0.
        XCTAssertEqual(CoverageTarget.gap(7, of: 11, percent: 80), 2)
        XCTAssertEqual(CoverageTarget.gap(9, of: 11, percent: 80), 0)
        XCTAssertEqual(CoverageTarget.gap(0, of: 0, percent: 100), 0)
        XCTAssertEqual(CoverageTarget.gap(0, of: 1_000, percent: 85), 850)
        // A street's own target wins; what it leaves empty is the district's.
        let street = CoverageTarget(compounds: 90).over(CoverageTarget(compounds: 80, households: 85))
        XCTAssertEqual(street, CoverageTarget(compounds: 90, households: 85))
    }
}
