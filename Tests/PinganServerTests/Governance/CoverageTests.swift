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
            let (cookies, _, _) = try await signIn(app, "officer")
            try await app.call(.GET, "/governance/coverage", beforeRequest: { $0.headers.cookie = cookies }) { res in
                XCTAssertEqual(res.status, .ok); XCTAssertTrue(res.body.string.contains("市桥街道")); XCTAssertTrue(res.body.string.contains("口径说明"))
            }
        }
    }
}
