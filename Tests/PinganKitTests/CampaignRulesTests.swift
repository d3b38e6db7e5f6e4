import XCTest
@testable import PinganKit

final class CampaignRulesTests: XCTestCase {
    func testPhaseFollowsThePeriodBothEndsIncluded() {
        XCTAssertEqual(CampaignPhase.of(startsOn: "2026-03-01", endsOn: "2026-03-31", today: "2026-02-28"), .planned)
        XCTAssertEqual(CampaignPhase.of(startsOn: "2026-03-01", endsOn: "2026-03-31", today: "2026-03-01"), .running)
        XCTAssertEqual(CampaignPhase.of(startsOn: "2026-03-01", endsOn: "2026-03-31", today: "2026-03-31"), .running)
        XCTAssertEqual(CampaignPhase.of(startsOn: "2026-03-01", endsOn: "2026-03-31", today: "2026-04-01"), .ended)
    }

    func testTargetsMoveForwardAndClosedIsFinal() {
        XCTAssertTrue(CampaignTargetStatus.pending.canMove(to: .rectifying))
        XCTAssertTrue(CampaignTargetStatus.pending.canMove(to: .closed))
        XCTAssertTrue(CampaignTargetStatus.rectifying.canMove(to: .closed))
        XCTAssertFalse(CampaignTargetStatus.rectifying.canMove(to: .pending))
        for s in CampaignTargetStatus.allCases { XCTAssertFalse(CampaignTargetStatus.closed.canMove(to: s)) }
    }

    func testProgressAddsUpByDepartmentAndStreetAndReadsAsTheSeed() {
        let facts: [CampaignTargetFact] = [
            .init(ledger: .listed, status: .closed, departmentID: 7, streetID: 2),
            .init(ledger: .listed, status: .closed, departmentID: 5, streetID: 1),
            .init(ledger: .listed, status: .rectifying, departmentID: 5, streetID: 1),
            .init(ledger: .local, status: .closed, departmentID: 5, streetID: 2),
            .init(ledger: .local, status: .pending, departmentID: nil, streetID: 1),
        ]
        let p = CampaignProgress.compute(facts, departmentOrder: [5, 7], streetOrder: [1, 2])
        XCTAssertEqual(p.total.listed, 3); XCTAssertEqual(p.total.listedClosed, 2); XCTAssertEqual(p.total.local, 2); XCTAssertEqual(p.total.localClosed, 1)
        XCTAssertEqual(p.total.rectifying, 1); XCTAssertEqual(p.total.closedShare!, 0.6, accuracy: 1e-9)
        XCTAssertEqual(p.byDepartment.map(\.key), [5, 7, nil], "the campaign's order, the unassigned last")
        XCTAssertEqual(p.byDepartment.map(\.targets).reduce(0, +), 5)
        XCTAssertEqual(p.byStreet.map(\.key), [1, 2]); XCTAssertEqual(p.byStreet.map(\.closed), [1, 2])
        XCTAssertEqual(p.sentence(chinese: true), "共完成市里挂帐2处和帐外1处的重点场所的整治，尚有2处未销帐（挂帐1处、帐外1处）。")
        XCTAssertEqual(CampaignProgress.compute([]).total.closedShare, nil)
        XCTAssertEqual(CampaignProgress.compute([.init(ledger: .local, status: .closed, departmentID: 1, streetID: 1)]).sentence(chinese: false),
                       "Rectified and closed: 0 listed places and 1 found locally.")
    }
}

final class CampaignListImportTests: XCTestCase {
    func testColumnsAreFoundByHeaderAndEachBadLineIsNamed() {
        let rows = CSVReader.parse("来源,社区,名称,问题\n帐外,德兴社区,甲,无照\n挂账,德兴社区,乙,占道\n市级,,丙,\n")
        let (read, problems) = CampaignListImport.read(rows, defaultLedger: .listed)
        XCTAssertEqual(read.map(\.name), ["甲", "乙", "丙"]); XCTAssertEqual(read.map(\.ledger), [.local, .listed, .listed])
        XCTAssertEqual(problems, [.badField(line: 4, field: "ledger", value: "市级"), .badField(line: 4, field: "community", value: ""),
                                  .badField(line: 4, field: "problems", value: "")])
        XCTAssertEqual(CampaignListImport.read(CSVReader.parse("名称,地址\n甲,乙\n"), defaultLedger: .listed).problems,
                       [.missingColumn(zh: "社区", en: "community"), .missingColumn(zh: "存在问题", en: "problems")])
        XCTAssertEqual(CampaignListImport.read(CSVReader.parse("名称,社区,存在问题\n"), defaultLedger: .listed).problems, [.noRows])
    }
}
