import Fluent
import XCTVapor
import PinganKit
@testable import PinganServer

/// Issue 25, seed 001's staffing rules through the server: rural offices per police area, the cap of 2,
/// town-seat communities, and the "about 8,000" cut-over said on the rules page.
final class SeedStaffingRulesTests: XCTestCase {
    private func plan(_ app: Application, _ f: Fixture) async throws -> StaffingPlan {
        var out: StaffingPlan? = nil
        try await app.call(.GET, "/api/v1/staffing/plan", headers: f.bearer("admin")) { res in
            XCTAssertEqual(res.status, .ok, res.body.string)
            out = try res.content.decode(StaffingAPIController.PlanBody.self).plan
        }
        return out!
    }

    private func page(_ app: Application, _ path: String, _ f: Fixture) async throws -> String {
        var body = ""
        try await app.call(.GET, path, headers: f.bearer("admin")) { res in XCTAssertEqual(res.status, .ok, path); body = res.body.string }
        return body
    }

    /// 「农村各所应根据警力及交通地理环境，在相邻几个村设立社区警务室，实行民警驻村工作制」: four villages of one police
    /// area with 8,000 residents need one office (it showed 4 required, 1 in place, shortfall 3) and one officer.
    func testARuralPoliceAreaOfFourVillagesNeedsOneOffice() async throws {
        try await withApp { app, f in
            let office = PoliceOffice(name: "德兴等村警务区警务室", kind: .ruralArea, stationID: f.stationA, address: "村委会旁", hours: "8:30–18:00", phone: "020-2")
            try await office.create(on: app.db)
            var villages = [f.c1, f.c2]
            for (code, name) in [("440113007701", "甲村"), ("440113007702", "乙村")] {
                let v = Division(code: code, name: name, level: .community, parentID: f.streetA, kind: .rural, codeGenerated: true)
                v.stationID = f.stationA
                try await v.create(on: app.db)
                villages.append(v.id!)
            }
            for id in villages {
                let d = try await Division.find(id, on: app.db)!
                d.kind = .rural; d.residentPopulation = 2000; d.officeID = office.id
                try await d.save(on: app.db)
            }
            let a = try await plan(app, f).stations.first { $0.stationCode == "市桥派出所" }!.totals
            XCTAssertEqual(a.communities, 4)
            XCTAssertEqual(a.offices.required, 1)
            XCTAssertEqual(a.offices.inPlace, 1)
            XCTAssertEqual(a.offices.shortfall, 0)
            XCTAssertEqual(a.officers.required, 1, "8,000 residents in the area → 1 officer")

            // One office per village stays a district option.
            try await postJSON(app, "/api/v1/staffing/rules", #"{"ruralOfficePerPoliceArea":false}"#, as: f.bearer("command"), method: .PUT) { XCTAssertEqual($0.status, .ok) }
            let option = try await plan(app, f).stations.first { $0.stationCode == "市桥派出所" }!.totals
            XCTAssertEqual(option.offices.required, 4)
            XCTAssertEqual(option.offices.shortfall, 3)
        }
    }

    /// 「每一社区应保证配备一名社区民警，较大的社区可配备2名社区民警」: 2 is the cap by default (12,000 residents used to get 3);
    /// more is a district option.
    func testALargeCommunityGetsTheSeedsTwoUnlessTheDistrictSaysMore() async throws {
        try await withApp { app, f in
            let c1 = try await Division.find(f.c1, on: app.db)!
            c1.residentPopulation = 12000
            try await c1.save(on: app.db)
            let v1 = try await plan(app, f).communities.first { $0.code == "440113007601" }?.officers.required
            XCTAssertEqual(v1, 2)
            try await postJSON(app, "/api/v1/staffing/rules", #"{"urbanStepAbove":3000}"#, as: f.bearer("command"), method: .PUT) { XCTAssertEqual($0.status, .ok) }
            let v2 = try await plan(app, f).communities.first { $0.code == "440113007601" }?.officers.required
            XCTAssertEqual(v2, 3)
            let rules = try await page(app, "/forces/staffing/rules", f)
            XCTAssertTrue(rules.contains("区自定，非种子规则"), "the step is labelled as not from the seed")
        }
    }

    /// 「…集镇，可视情况建立1至2个民警社区，每个社区配置1名社区民警」: a town-seat community of 7,200 gets 1 officer (it got 2).
    func testATownSeatCommunityGetsOneOfficer() async throws {
        try await withApp { app, f in
            try await postJSON(app, "/api/v1/divisions/\(f.c2)", #"{"kind":"town","residentPopulation":7200}"#, as: f.bearer("admin"), method: .PATCH) { res in
                XCTAssertEqual(res.status, .ok, res.body.string)
            }
            let c2 = try await Division.find(f.c2, on: app.db)!
            XCTAssertEqual(c2.kind, .town)
            let row = try await plan(app, f).communities.first { $0.code == "440113007602" }!
            XCTAssertEqual(row.kind, .town)
            XCTAssertEqual(row.officers.required, 1)
            XCTAssertEqual(row.offices.required, 1)
            let tree = try await page(app, "/jurisdiction/\(f.c2)", f)
            XCTAssertTrue(tree.contains("集镇社区"))
            let staffing = try await page(app, "/forces/staffing", f)
            XCTAssertTrue(staffing.contains("集镇社区"))
            // The edit form offers the kind.
            let edit = try await page(app, "/jurisdiction/\(f.c2)/edit", f)
            XCTAssertTrue(edit.contains(#"value="town""#))
            // A district may give town communities more.
            try await postJSON(app, "/api/v1/staffing/rules", #"{"townOfficersPerCommunity":2}"#, as: f.bearer("command"), method: .PUT) { XCTAssertEqual($0.status, .ok) }
            let v3 = try await plan(app, f).communities.first { $0.code == "440113007602" }?.officers.required
            XCTAssertEqual(v3, 2)
            try await postJSON(app, "/api/v1/staffing/rules", #"{"townOfficersPerCommunity":-1}"#, as: f.bearer("command"), method: .PUT) { res in
                XCTAssertEqual(res.status, .unprocessableEntity)
            }
        }
    }

    /// The "about 8,000" (8000人左右) cut-over is stated with the district's tolerance: 2 officers from 7,200 at 10 %.
    func testTheRulesPageStatesTheCutOverAndTheToleranceMovesIt() async throws {
        try await withApp { app, f in
            let zh = try await page(app, "/forces/staffing/rules?lang=zh", f)
            XCTAssertTrue(zh.contains("城区社区 7200 人起配 2 名"), "the cut-over is said")
            XCTAssertTrue(zh.contains("“8000人左右”从 7200 人算起"))
            XCTAssertTrue(zh.contains("农村警务区 14400 人起配 2 名"))
            let plan = try await page(app, "/forces/staffing", f)
            XCTAssertTrue(plan.contains("7200人起2名"))
            // Saved through the form with a 20 % tolerance: the page moves to 6,400.
            let s = try await signIn(app, "admin")
            try await app.call(.POST, "/forces/staffing/rules", beforeRequest: { req in
                req.headers.cookie = s.cookies
                try req.content.encode(["_csrf": s.csrf, "complete": "1", "urbanBands": "5000:1, 8000:2", "urbanStepAbove": "", "townOfficersPerCommunity": "1",
                                        "tolerancePercent": "20", "ruralPopulationPerOfficer": "8000", "minimumOfficers": "1", "officesPerCommittee": "1",
                                        "ruralOfficePerPoliceArea": "1"], as: .urlEncodedForm)
            }) { res in XCTAssertEqual(res.status, .seeOther, res.body.string) }
            let after = try await page(app, "/forces/staffing/rules?lang=zh", f)
            XCTAssertTrue(after.contains("城区社区 6400 人起配 2 名"))
            let en = try await page(app, "/forces/staffing/rules?lang=en", f)
            XCTAssertTrue(en.contains("2 officers from 6400 residents"))
            XCTAssertFalse(en.contains("人起配"), "one language per page")
        }
    }
}
