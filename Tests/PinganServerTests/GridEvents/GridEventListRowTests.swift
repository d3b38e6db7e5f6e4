import Fluent
import Vapor
import XCTVapor
import PinganKit
@testable import PinganServer

/// The lists read their rows column by column (`GridEventListRow`) while one event's page reads the model: the two must
/// say the same of an event, field for field, including the parts only some events have (a pending extension, its
/// reason, a supervision order, the reporter) — and a helping unit finds the event in its own queue.
final class GridEventListRowTests: XCTestCase {
    func json(_ body: String) throws -> [String: Any] { try XCTUnwrap(JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any]) }

    func testAListRowSaysWhatTheEventsOwnPageSays() async throws {
        try await withApp { app, fx in
            var f = fx
            try await setSquareOutlines(app, f)
            let (unitA, _) = try await makeUnits(app, &f)
            let c = ResponsibleUnit(name: "市桥市场监管所", kind: .marketSupervision, divisionID: f.streetA); try await c.create(on: app.db)
            let staff = User(username: "unit3", displayName: "监管所值班员", passwordHash: try app.password.hash(Fixture.password), role: .unitStaff, scopeDivisionID: nil, unitID: c.id!)
            try await staff.create(on: app.db)
            try await APIToken(userID: staff.id!, name: "test", tokenHash: Tokens.hash("test-token-unit3"), createdAt: Date(), expiresAt: Date().addingTimeInterval(86400)).create(on: app.db)
            f.tokens["unit3"] = "test-token-unit3"

            var (s, body) = try await multipartPost(app, f, "grid", "/api/v1/events",
                ["categoryCode": "C0101", "description": "占道经营堵塞消防通道", "address": "德兴路12号", "urgency": "pressing", "lat": "22.1", "lon": "113.05", "idempotencyKey": "row-1"])
            XCTAssertEqual(s, .created, body)
            let id = try apiDecoder.decode(GridEventDTO.self, from: Data(body.utf8)).id
            for (user, fields) in [("command", ["action": "register"]),
                                   ("command", ["action": "dispatch", "unitID": "\(unitA)", "helperUnitIDs[]": "\(c.id!)"]),
                                   ("unit", ["action": "accept"]),
                                   ("unit", ["action": "request_extension", "hours": "16", "reason": "需协调产权单位"]),
                                   ("command", ["action": "supervise", "level": "yellow"])] {
                (s, body) = try await multipartPost(app, f, user, "/api/v1/events/\(id)/actions", fields)
                XCTAssertEqual(s, .ok, "\(fields): \(body)")
            }
            (s, body) = try await apiCall(app, f, "unit", .GET, "/api/v1/events/\(id)")
            let single = try json(body)
            XCTAssertEqual(single["pendingExtensionHours"] as? Double, 16)
            XCTAssertNotNil(single["supervision"], "\(single)")

            // The lead unit's queue and the helping unit's queue both list it, and the row matches the page.
            for user in ["unit", "unit3"] {
                (s, body) = try await apiCall(app, f, user, .GET, "/api/v1/events?queue=with_unit")
                XCTAssertEqual(s, .ok, body)
                let items = try XCTUnwrap(try json(body)["items"] as? [[String: Any]])
                let row = try XCTUnwrap(items.first { $0["id"] as? Int == id }, "\(user) lists the event")
                for (key, value) in row where !["steps", "photos", "actions", "helpers"].contains(key) {
                    XCTAssertEqual(value as? NSObject, single[key] as? NSObject, "\(user): \(key)")
                }
                for key in ["pendingExtensionHours", "supervision", "reason", "reporter", "categoryName", "unitName", "deadline", "caseNumber"] where single[key] != nil {
                    XCTAssertNotNil(row[key], "\(user): the row carries \(key)")
                }
            }
        }
    }
}
