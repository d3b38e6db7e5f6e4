import Fluent
import Vapor
import XCTVapor
import PinganKit
@testable import PinganServer

func insertGroup(_ app: Application, community: Int, building: Int? = nil) async throws -> Int {
    let g = CommunityGroup()
    g.communityID = community; g.buildingID = building; g.kind = building == nil ? .property : .building; g.name = "物业业主群"; g.adminName = "物业"
    g.members = 100; g.note = ""
    try await g.create(on: app.db)
    return g.id!
}

/// Issue 20 §5: the group registry (楼栋群、物管群 …) — scoped, validated, checked quarterly, coverage by building.
final class GroupTests: XCTestCase {
    func testABuildingGroupCountsTowardsCoverageAndIsCheckedQuarterly() async throws {
        try await withApp { app, f in
            // 德兴社区 has one building in the fixture (1栋, b1a).
            var (s, body) = try await apiCall(app, f, "officer", .POST, "/api/v1/groups", #"{"kind":"building","name":"德兴社区1栋住户群","communityID":\#(f.c1)}"#)
            XCTAssertEqual(s, .unprocessableEntity); XCTAssertTrue(body.contains("\"buildingID\":"), "a building group names its building: \(body)")
            (s, body) = try await apiCall(app, f, "officer", .POST, "/api/v1/groups",
                #"{"kind":"building","name":"德兴社区1栋住户群","communityID":\#(f.c1),"buildingID":\#(f.b1a),"adminName":"楼长 陈姨","members":86,"officerID":\#(f.users["officer"]!)}"#)
            XCTAssertEqual(s, .created, body)
            let g = try apiDecoder.decode(CommunityGroupDTO.self, from: Data(body.utf8))
            XCTAssertEqual(g.building, "1栋"); XCTAssertEqual(g.officer, "Officer"); XCTAssertTrue(g.dueForCheck, "never checked")

            (s, body) = try await apiCall(app, f, "officer", .GET, "/api/v1/groups/coverage")
            let c = try apiDecoder.decode(GroupService.Coverage.self, from: Data(body.utf8))
            XCTAssertEqual(c.rows.first { $0.communityID == f.c1 }?.coverage, "100.0%")
            XCTAssertEqual(c.total.due, 1)

            // Checked today, with the member count corrected.
            (s, body) = try await apiCall(app, f, "officer", .POST, "/api/v1/groups/\(g.id)/check", #"{"members":91}"#)
            XCTAssertEqual(s, .ok, body)
            XCTAssertTrue(body.contains("\"members\":91") && body.contains("\"dueForCheck\":false"), body)
            (s, body) = try await apiCall(app, f, "officer", .GET, "/api/v1/groups?due=1")
            XCTAssertTrue(body.contains("\"total\":0"), body)

            // Scope: another community's officer sees nothing of it, cannot place a group in this community or name a foreign building.
            (s, _) = try await apiCall(app, f, "officer3", .GET, "/api/v1/groups/\(g.id)"); XCTAssertEqual(s, .notFound)
            (s, body) = try await apiCall(app, f, "officer3", .POST, "/api/v1/groups", #"{"kind":"building","name":"x","communityID":\#(f.c3),"buildingID":\#(f.b1a),"members":-1,"officerID":\#(f.users["officer"]!)}"#)
            XCTAssertEqual(s, .unprocessableEntity)
            for field in ["buildingID", "members", "officerID"] { XCTAssertTrue(body.contains("\"\(field)\":"), "\(field) in \(body)") }
            (s, _) = try await apiCall(app, f, "analyst", .POST, "/api/v1/groups/\(g.id)/check", "{}"); XCTAssertEqual(s, .forbidden)
            let n = try await CommunityGroup.query(on: app.db).count()
            XCTAssertEqual(n, 1)

            // The page shows coverage and the list; the form keeps what was typed on a mistake.
            let (cookies, csrf, _) = try await signIn(app, "officer")
            try await app.call(.GET, "/governance/groups", beforeRequest: { $0.headers.cookie = cookies }) { res in
                XCTAssertEqual(res.status, .ok); XCTAssertTrue(res.body.string.contains("德兴社区1栋住户群")); XCTAssertTrue(res.body.string.contains("100.0%"))
            }
            try await app.call(.POST, "/governance/groups", beforeRequest: { req in
                req.headers.cookie = cookies
                try req.content.encode(["_csrf": csrf, "kind": "agency", "name": "", "communityID": "\(f.c1)", "adminName": "链家 王经理", "members": "35"], as: .urlEncodedForm)
            }) { res in
                XCTAssertEqual(res.status, .unprocessableEntity)
                XCTAssertTrue(res.body.string.contains("请填写群名称")); XCTAssertTrue(res.body.string.contains("value=\"链家 王经理\""))
            }
        }
    }
}
