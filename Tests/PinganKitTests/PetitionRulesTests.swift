import XCTest
@testable import PinganKit

/// Issue 20 §3: petitions counted as seed 004 reports them (batches by level, 同比), and escalations prevented.
final class PetitionRulesTests: XCTestCase {
    func testAVisitOfFiveOrMoreIsCollectiveAndALetterNever() {
        XCTAssertFalse(PetitionRules.isCollective(channel: .visit, people: 4))
        XCTAssertTrue(PetitionRules.isCollective(channel: .visit, people: 5))
        XCTAssertFalse(PetitionRules.isCollective(channel: .letter, people: 40))
        XCTAssertFalse(PetitionRules.isCollective(channel: .online, people: 12))
    }

    func testLevelsAreOrderedAndAboveTheDistrictIsMarked() {
        XCTAssertLessThan(PetitionLevel.street, .district)
        XCTAssertTrue(PetitionLevel.city.isAboveDistrict)
        XCTAssertFalse(PetitionLevel.district.isAboveDistrict)
        XCTAssertEqual(PetitionStatus.of(handlingUnit: "", concludedOn: nil), .registered)
        XCTAssertEqual(PetitionStatus.of(handlingUnit: "区信访办", concludedOn: nil), .handling)
        XCTAssertEqual(PetitionStatus.of(handlingUnit: "", concludedOn: "2026-03-01"), .concluded)
    }

    func testBatchesAreCountedPerLevelAgainstTheSameDaysLastYear() {
        func f(_ level: PetitionLevel, _ day: String, people: Int = 1, collective: Bool = false) -> PetitionFact {
            PetitionFact(level: level, people: people, collective: collective, receivedOn: day)
        }
        var facts: [PetitionFact] = []
        // District: 7 this half-year, 8 last year → -12.5 %.
        facts += (1...7).map { f(.district, "2026-0\($0 % 6 + 1)-10") }
        facts += (1...8).map { f(.district, "2025-0\($0 % 6 + 1)-10") }
        // National: 1 against 2 → -50.0 %.
        facts += [f(.national, "2026-02-01"), f(.national, "2025-02-01"), f(.national, "2025-05-01")]
        // City collective visits: 4 against 5 → -20.0 %; a non-collective city batch does not count in that column.
        facts += (1...4).map { f(.city, "2026-03-0\($0)", people: 6, collective: true) } + [f(.city, "2026-03-09")]
        facts += (1...5).map { f(.city, "2025-03-0\($0)", people: 8, collective: true) }
        // Outside both periods: ignored.
        facts += [f(.district, "2026-07-01"), f(.district, "2025-07-01"), f(.district, "2024-03-01")]
        let s = PetitionStats.compute(facts, from: LocalDay("2026-01-01")!, to: LocalDay("2026-06-30")!)
        XCTAssertEqual(s.lastYearFrom, "2025-01-01"); XCTAssertEqual(s.lastYearTo, "2025-06-30")
        XCTAssertEqual(s.row(.district).batches, 7); XCTAssertEqual(s.row(.district).lastYearBatches, 8)
        XCTAssertEqual(s.row(.district).batchesChange, "-12.5%")
        XCTAssertEqual(s.row(.national).batchesChange, "-50.0%")
        XCTAssertEqual(s.row(.city).batches, 5); XCTAssertEqual(s.row(.city).collectiveBatches, 4); XCTAssertEqual(s.row(.city).collectivePeople, 24)
        XCTAssertEqual(s.row(.city).collectiveChange, "-20.0%")
        XCTAssertEqual(s.row(.street).batchesChange, "—")
        XCTAssertEqual(s.total.batches, 13); XCTAssertEqual(s.total.lastYearBatches, 15)
        XCTAssertEqual(s.sentence(chinese: true), "到区信访的批次同比减少12.5%，到国家信访局的批次同比减少50.0%，到市集体访的批次同比减少20.0%。")
        XCTAssertTrue(s.sentence(chinese: false).hasPrefix("Batches to the district -12.5% on a year earlier"))
    }

    func testTheLeapDayComparesWithTheTwentyEighth() {
        XCTAssertEqual(LocalDay("2028-02-29")!.sameDayLastYear.description, "2027-02-28")
        XCTAssertEqual(LocalDay("2026-12-06")!.sameDayLastYear.description, "2025-12-06")
        let s = PetitionStats.compute([PetitionFact(level: .street, people: 1, collective: false, receivedOn: "2027-02-28")],
                                      from: LocalDay("2028-01-01")!, to: LocalDay("2028-02-29")!)
        XCTAssertEqual(s.row(.street).lastYearBatches, 1)
        XCTAssertEqual(s.sentence(chinese: true), "到区信访的批次与去年同期均为0，到国家信访局的批次与去年同期均为0，到市集体访的批次与去年同期均为0。")
    }

    func testAnEscalationIsPreventedOnlyWhenSettledAndNothingFollowed() {
        func fact(people: Int, fight: Bool = false, criminal: Bool = false, mass: Bool = false, agreed: Bool = true,
                  incident: Bool = false, petition: Bool = false) -> PreventedFact {
            PreventedFact(people: people, riskFight: fight, riskCriminal: criminal, riskMassPetition: mass, settledByAgreement: agreed,
                          criminalIncidentLinked: incident, collectivePetitionLinked: petition)
        }
        let p = PreventedEscalations.compute([
            fact(people: 6, fight: true),                     // counts
            fact(people: 3, criminal: true),                  // counts
            fact(people: 4, criminal: true, incident: true),  // a crime followed: not prevented
            fact(people: 20, mass: true),                     // counts as a mass petition prevented
            fact(people: 30, mass: true, petition: true),     // the group petitioned anyway
            fact(people: 9, fight: true, mass: true),         // both
            fact(people: 50, fight: true, agreed: false),     // not settled
        ])
        XCTAssertEqual(p.escalations, 3); XCTAssertEqual(p.escalationPeople, 18)
        XCTAssertEqual(p.massPetitions, 2); XCTAssertEqual(p.massPetitionPeople, 29)
        XCTAssertEqual(p.sentence(chinese: true), "防止矛盾激化3件、涉及18人；防止群体性上访2件、涉及29人。")
    }
}
