import Fluent
import Vapor
import XCTVapor
import PinganKit
@testable import PinganServer

/// Issue 20 §6: technical-prevention coverage read off the registry, scoped to the user's streets.
final class CoverageTests: XCTestCase {
    func testCoverageIsReadOffTheRegisteredCompoundsAndCameraPoints() async throws {
        try await withApp { app, f in
            _ = try await createSite(app, f, name: "丽江花园", community: f.c1, attributes: #"{"enclosure":"closed","watch":"staffed","condition":"good","cameras":12,"accessControl":"1","households":800,"propertyCompany":"丽江物业"}"#)
            _ = try await createSite(app, f, name: "德兴小区", community: f.c1, attributes: #"{"enclosure":"semi","watch":"volunteer","condition":"fair","cameras":2,"households":200}"#)
            _ = try await createSite(app, f, as: "officer3", name: "沙头新村", community: f.c3, attributes: #"{"enclosure":"open","watch":"none","condition":"poor","cameras":1,"accessControl":"1","households":100}"#)
            _ = try await createSite(app, f, kind: "camera", name: "德兴路口", community: f.c1, attributes: #"{"ownership":"public","working":"ok"}"#)
            var body = ""
            try await app.call(.GET, "/api/v1/governance/coverage", headers: f.bearer("command")) { body = $0.body.string; XCTAssertEqual($0.status, .ok, body) }
            var c = try apiDecoder.decode(CoverageController.Coverage.self, from: Data(body.utf8))
            XCTAssertEqual(c.now.total.compounds, 3); XCTAssertEqual(c.now.total.compoundsCovered, 2); XCTAssertEqual(c.now.total.compoundRate, "66.7%")
            XCTAssertEqual(c.now.total.householdRate, "81.8%")   // 900 of 1,100
            XCTAssertEqual(c.now.total.managedRate, "100.0%")
            XCTAssertEqual(c.now.streetsWithVideo, 1); XCTAssertEqual(c.now.streetCount, 2)
            XCTAssertEqual(c.now.total.cameras, 16)
            XCTAssertEqual(c.yearAgo.total.compounds, 0, "nothing was registered a year ago")
            XCTAssertTrue(c.yearAgo.isEmpty)
            XCTAssertTrue(c.sentence.hasPrefix("辖区3个居民小区，有2个实行了科技创安，覆盖率66.7%"), c.sentence)
            // The station's officer sees the street of their community only.
            try await app.call(.GET, "/api/v1/governance/coverage", headers: f.bearer("officer3")) { body = $0.body.string }
            c = try apiDecoder.decode(CoverageController.Coverage.self, from: Data(body.utf8))
            XCTAssertEqual(c.now.streets.map(\.name), ["沙头街道"]); XCTAssertEqual(c.now.total.compounds, 1)
            try await app.call(.GET, "/api/v1/governance/coverage", headers: f.bearer("mediator")) { XCTAssertEqual($0.status, .forbidden) }
            XCTAssertEqual(c.gaps["\(f.streetB)"], CoverageController.Gaps(), "no targets set: no gaps")
            let (cookies, _, _) = try await signIn(app, "officer")
            try await app.call(.GET, "/governance/coverage", beforeRequest: { $0.headers.cookie = cookies }) { res in
                XCTAssertEqual(res.status, .ok); XCTAssertTrue(res.body.string.contains("市桥街道")); XCTAssertTrue(res.body.string.contains("口径说明"))
            }
        }
    }

    func testTheDistrictSetsTargetsAndEachStreetSeesItsGaps() async throws {
        try await withApp { app, f in
            // 市桥: two compounds, one covered; three buildings, one with 门禁.
            _ = try await createSite(app, f, name: "丽江花园", community: f.c1, attributes: #"{"enclosure":"closed","watch":"staffed","condition":"good","cameras":12,"accessControl":"1","households":800}"#)
            _ = try await createSite(app, f, name: "德兴小区", community: f.c1, attributes: #"{"enclosure":"semi","watch":"volunteer","condition":"fair","cameras":2,"households":200}"#)
            for (n, access) in [("1栋", "1"), ("2栋", "0"), ("3栋", "0")] {
                _ = try await createSite(app, f, kind: "building", name: n, community: f.c1, grid: f.g1a, attributes: #"{"use":"residential","accessControl":"\#(access)"}"#)
            }
            // Bad values are named at their boxes and nothing is written; a station chief may not set them.
            var (s, body) = try await apiCall(app, f, "command", .PUT, "/api/v1/governance/coverage/targets",
                #"{"district":{"compounds":80,"buildings":150},"streets":{"\#(f.streetA)":{"compounds":101}}}"#)
            XCTAssertEqual(s, .unprocessableEntity)
            XCTAssertTrue(body.contains("district.buildings") && body.contains("street.\(f.streetA).compounds"), body)
            let none = try await CoverageTargetRecord.query(on: app.db).count()
            XCTAssertEqual(none, 0)
            (s, _) = try await apiCall(app, f, "chief", .PUT, "/api/v1/governance/coverage/targets", #"{"district":{"compounds":80},"streets":{}}"#)
            XCTAssertEqual(s, .forbidden)
            (s, body) = try await apiCall(app, f, "command", .PUT, "/api/v1/governance/coverage/targets",
                #"{"district":{"compounds":80,"buildings":60},"streets":{"\#(f.streetA)":{"compounds":100}}}"#)
            XCTAssertEqual(s, .ok, body)
            (s, body) = try await apiCall(app, f, "officer", .GET, "/api/v1/governance/coverage")
            let c = try apiDecoder.decode(CoverageController.Coverage.self, from: Data(body.utf8))
            XCTAssertEqual(c.now.total.buildings, 3); XCTAssertEqual(c.now.total.buildingsWithAccess, 1)
            // 市桥's own compound target (100 %: one more compound) and the district's building target (60 % of 3 is 2: one more).
            XCTAssertEqual(c.targets.streets["\(f.streetA)"], CoverageTarget(compounds: 100, buildings: 60))
            XCTAssertEqual(c.gaps["\(f.streetA)"], CoverageController.Gaps(compounds: 1, households: nil, managed: nil, buildings: 1))
            // The page says it beside the bars; the targets form is for district-wide editors only.
            let (cookies, _, _) = try await signIn(app, "officer")
            try await app.call(.GET, "/governance/coverage", beforeRequest: { $0.headers.cookie = cookies }) { res in
                XCTAssertTrue(res.body.string.contains("目标100% · 差1个小区"), res.body.string)
                XCTAssertFalse(res.body.string.contains("/governance/coverage/targets"))
            }
            let audited = try await AuditEvent.query(on: app.db).filter(\.$action == "coverage.targets").count()
            XCTAssertEqual(audited, 1)
        }
    }
}
