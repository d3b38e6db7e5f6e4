import XCTest
@testable import PinganKit

final class PreventableTableTests: XCTestCase {
    let march = YearMonth(year: 2026, month: 3)
    let communities = [
        CommunityRef(id: "C1", name: "东涌社区", stationID: "S1", stationName: "东涌派出所"),
        CommunityRef(id: "C2", name: "鱼窝头社区", stationID: "S1", stationName: "东涌派出所"),
        CommunityRef(id: "C3", name: "市桥社区", stationID: "S2", stationName: "市桥派出所"),
    ]
    let subs = [IncidentTaxonomy.subcategory(code: "burglary")!, IncidentTaxonomy.subcategory(code: "fraud")!]

    func records() -> [PreventableCountRecord] {
        let m = march
        return [
            // C1 burglary: 56 now, 65 same month last year (-13.8%), 40 last month (+40.0%)
            .init(communityID: "C1", subcategory: "burglary", month: m, incidents: 50, filed: 30, solved: 10),
            .init(communityID: "C1", subcategory: "burglary", month: m, incidents: 6, filed: 2, solved: 1), // added up
            .init(communityID: "C1", subcategory: "burglary", month: m.sameMonthLastYear, incidents: 65),
            .init(communityID: "C1", subcategory: "burglary", month: m.previous, incidents: 40),
            // C2 fraud: 17 now, 40 last year (-57.5%), none last month ("—")
            .init(communityID: "C2", subcategory: "fraud", month: m, incidents: 17, filed: 17, solved: 5),
            .init(communityID: "C2", subcategory: "fraud", month: m.sameMonthLastYear, incidents: 40),
            // ignored: not preventable in this table / other month
            .init(communityID: "C2", subcategory: "assault", month: m, incidents: 99),
            .init(communityID: "C3", subcategory: "fraud", month: m.adding(months: -2), incidents: 99),
            // community missing from the list → 未归属
            .init(communityID: "C9", subcategory: "burglary", month: m, incidents: 1),
        ]
    }

    func testRowsSubtotalsAndTotal() {
        let r = PreventableTable.build(month: march, records: records(), communities: communities, subcategories: subs)
        XCTAssertEqual(r.rows.map(\.kind), [.community, .community, .stationSubtotal, .community, .stationSubtotal,
                                            .community, .stationSubtotal, .districtTotal])
        let c1 = r.rows[0]
        XCTAssertEqual(c1.communityName, "东涌社区")
        XCTAssertEqual(c1.bySubcategory[0], PreventableFigures(current: 56, sameMonthLastYear: 65, lastMonth: 40, filed: 32, solved: 11))
        XCTAssertEqual(c1.bySubcategory[0].yearOnYear, "-13.8%")
        XCTAssertEqual(c1.bySubcategory[0].monthOnMonth, "+40.0%")
        let c2 = r.rows[1]
        XCTAssertEqual(c2.bySubcategory[1].yearOnYear, "-57.5%")
        XCTAssertEqual(c2.bySubcategory[1].monthOnMonth, "—")
        let s1 = r.rows[2]
        XCTAssertEqual(s1.stationName, "东涌派出所")
        XCTAssertEqual(s1.total, PreventableFigures(current: 73, sameMonthLastYear: 105, lastMonth: 40, filed: 49, solved: 16))
        XCTAssertEqual(r.rows[3].total, PreventableFigures()) // 市桥社区 listed with zeros
        XCTAssertEqual(r.rows[3].total.yearOnYear, "—")
        XCTAssertEqual(r.rows[5].stationName, "未归属")
        XCTAssertEqual(r.districtTotal.total.current, 74)
        XCTAssertEqual(r.districtTotal.bySubcategory[0].current, 57)
    }

    func testCSVLongAndWide() {
        let r = PreventableTable.build(month: march, records: records(), communities: communities, subcategories: subs)
        let long = r.longRows()
        XCTAssertEqual(long[0], ["派出所", "社区", "类别", "本月", "去年同月", "同比", "上月", "环比", "立案", "破案"])
        XCTAssertEqual(long[1], ["东涌派出所", "东涌社区", "入室盗窃", "56", "65", "-13.8%", "40", "+40.0%", "32", "11"])
        XCTAssertEqual(long.count, 1 + r.rows.count * 3)
        XCTAssertEqual(long.last, ["全区", "合计", "可防性案件合计", "74", "105", "-29.5%", "40", "+85.0%", "49", "16"])
        let wide = r.wideRows()
        XCTAssertEqual(wide[0].count, 2 + 7 * 3)
        XCTAssertEqual(wide[0][2], "入室盗窃·本月")
        XCTAssertEqual(Array(wide[1].prefix(9)), ["东涌派出所", "东涌社区", "56", "65", "-13.8%", "40", "+40.0%", "32", "11"])
        let csv = r.csv().text
        // Signed changes keep their text in the file (a bare signed number cannot be a formula).
        XCTAssertTrue(csv.contains("东涌派出所,东涌社区,入室盗窃,56,65,-13.8%,40,+40.0%,32,11\r\n"), csv)
    }

    func testDefaultSubcategoriesArePreventable() {
        let r = PreventableTable.build(month: march, records: records(), communities: communities)
        XCTAssertEqual(r.subcategories.map(\.code), IncidentTaxonomy.defaultSubcategories.filter(\.preventable).map(\.code))
        XCTAssertEqual(r.districtTotal.total.current, 74)
        XCTAssertEqual(PreventableTable.build(month: march, records: [], communities: []).rows.map(\.kind), [.districtTotal])
    }

    func testTopRising() {
        let r = PreventableTable.build(month: march, records: records(), communities: communities, subcategories: subs)
        // Month on month: C1 40 → 56 (+16), C2 0 → 17 (+17, "—")
        let mom = r.topRisingCommunities(yearOnYear: false)
        XCTAssertEqual(mom.map(\.id), ["C2", "C1"])
        XCTAssertEqual(mom[0].changeText, "—")
        XCTAssertEqual(mom[1].changeText, "+40.0%")
        XCTAssertEqual(mom[1].stationName, "东涌派出所")
        XCTAssertTrue(r.topRisingCommunities(yearOnYear: true).isEmpty) // both fell year on year
        let t = RisingUnits.top(current: ["a": 10, "b": 10, "c": 3], previous: ["a": 5, "b": 0, "c": 0], limit: 5, minCurrent: 5)
        XCTAssertEqual(t.map(\.id), ["b", "a"]) // b +10 before a +5; c below minCurrent
    }
}
