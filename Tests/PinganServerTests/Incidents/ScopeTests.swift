import Fluent
import XCTVapor
import PinganKit
@testable import PinganServer

final class ScopeTests: XCTestCase {
    func testEachRoleSeesOnlyItsSubtree() async throws {
        try await withApp { app, f in
            try await createIncident(app, f, community: f.c1, grid: f.g1a)
            try await createIncident(app, f, community: f.c1, grid: f.g1b)
            try await createIncident(app, f, community: f.c2, grid: f.g2)
            try await createIncident(app, f, community: f.c3, grid: f.g3)
            let expected: [String: Int] = ["admin": 4, "command": 4, "analyst": 4, "chief": 3, "mediator": 3, "officer": 2, "leader": 2, "grid": 1, "officer3": 1]
            for (user, n) in expected {
                try await app.call(.GET, "/api/v1/incidents", headers: f.bearer(user)) { res in
                    XCTAssertEqual(try res.content.decode(IncidentPage.self).page.total, n, "\(user) should see \(n)")
                }
            }
            // The CSV export is scoped the same way.
            try await app.call(.GET, "/api/v1/incidents/export.csv", headers: f.bearer("grid")) { res in
                let lines = res.body.string.split(separator: "\r\n")
                XCTAssertEqual(lines.count, 2, "header + one row")
            }
        }
    }

    func testCannotRecordOrMoveIncidentsOutsideScope() async throws {
        try await withApp { app, f in
            try await app.call(.POST, "/api/v1/incidents", headers: f.bearer("officer"), beforeRequest: { try $0.content.encode(incidentBody(community: f.c3)) }) { res in
                XCTAssertEqual(res.status, .unprocessableEntity)
                XCTAssertNotNil(try res.content.decode(ErrorBody.self).fields?["communityID"])
            }
            // A grid worker must name one of their grids.
            try await app.call(.POST, "/api/v1/incidents", headers: f.bearer("grid"), beforeRequest: { try $0.content.encode(incidentBody(community: f.c1, grid: f.g1b)) }) { res in
                XCTAssertEqual(res.status, .unprocessableEntity)
            }
            try await app.call(.POST, "/api/v1/incidents", headers: f.bearer("grid"), beforeRequest: { try $0.content.encode(incidentBody(community: f.c1, grid: f.g1a)) }) { res in
                XCTAssertEqual(res.status, .created)
            }
            let id = try await createIncident(app, f, as: "officer", community: f.c1)
            try await app.call(.PATCH, "/api/v1/incidents/\(id)", headers: f.bearer("officer"), beforeRequest: { try $0.content.encode(["communityID": "\(f.c3)"]) }) { res in
                XCTAssertEqual(res.status, .unprocessableEntity, "cannot move a record out of one's jurisdiction")
            }
            let stored = try await Incident.find(id, on: app.db)
            XCTAssertEqual(stored?.communityID, f.c1)
        }
    }

    func testAnalystIsReadOnly() async throws {
        try await withApp { app, f in
            try await app.call(.POST, "/api/v1/incidents", headers: f.bearer("analyst"), beforeRequest: { try $0.content.encode(incidentBody(community: f.c1)) }) {
                XCTAssertEqual($0.status, .forbidden)
            }
            try await app.call(.GET, "/api/v1/incidents", headers: f.bearer("analyst")) { XCTAssertEqual($0.status, .ok) }
        }
    }
}
