import Fluent
import XCTVapor
import XCTest
@testable import PinganServer

/// The handling-officer choice (issue 21 §2): officers of the user's area only, told apart by station and office.
final class HandlingOfficerTests: XCTestCase {
    func testTheChoiceListsTheAreasOfficersByStationAndRefusesOthers() async throws {
        try await withApp { app, f in
            // Two officers of the same name, one in each station's community.
            let twin = User(username: "twin", displayName: "王伟", passwordHash: "x", role: .communityOfficer, scopeDivisionID: f.c2, stationID: nil)
            try await twin.create(on: app.db)
            let other = User(username: "twin3", displayName: "王伟", passwordHash: "x", role: .communityOfficer, scopeDivisionID: f.c3, stationID: nil)
            try await other.create(on: app.db)

            let s = try await signIn(app, "command")
            try await app.call(.GET, "/incidents/new", beforeRequest: { $0.headers.cookie = s.cookies }) { res in
                let html = res.body.string
                XCTAssertEqual(res.status, .ok)
                XCTAssertTrue(html.contains(#"<optgroup label="市桥派出所">"#), "grouped by station")
                XCTAssertTrue(html.contains(#"<optgroup label="沙头派出所">"#))
                XCTAssertTrue(html.contains(#"<option value="\#(twin.id!)">王伟 · 东兴社区</option>"#), html)
                XCTAssertTrue(html.contains(#"<option value="\#(other.id!)">王伟 · 沙头社区</option>"#))
            }
            // A community officer sees their own station's people, not the other station's namesake.
            let officer = try await signIn(app, "officer")
            try await app.call(.GET, "/incidents/new", beforeRequest: { $0.headers.cookie = officer.cookies }) { res in
                XCTAssertTrue(res.body.string.contains(#"<option value="\#(f.users["officer"]!)">"#))
                XCTAssertTrue(res.body.string.contains(#"<option value="\#(f.users["chief"]!)">Chief · 派出所所长</option>"#), res.body.string)
                XCTAssertFalse(res.body.string.contains(#"<option value="\#(other.id!)">"#))
                XCTAssertFalse(res.body.string.contains(#"<option value="\#(f.users["officer3"]!)">"#))
            }
            // Naming an officer of another area is refused on the field, and nothing is written.
            var body = incidentBody(community: f.c1)
            body["handlingOfficerID"] = "\(other.id!)"
            let before = try await Incident.query(on: app.db).count()
            try await app.call(.POST, "/api/v1/incidents", headers: f.bearer("officer"), beforeRequest: { try $0.content.encode(body) }) { res in
                XCTAssertEqual(res.status, .unprocessableEntity)
                XCTAssertEqual(try res.content.decode(ErrorBody.self).fields?["handlingOfficerID"], "您的辖区内没有这名民警")
            }
            let after = try await Incident.query(on: app.db).count()
            XCTAssertEqual(after, before)
            body["handlingOfficerID"] = "\(f.users["grid"]!)"
            try await app.call(.POST, "/api/v1/incidents", headers: f.bearer("officer"), beforeRequest: { try $0.content.encode(body) }) { res in
                XCTAssertEqual(res.status, .created, res.body.string)
            }
        }
    }
}
