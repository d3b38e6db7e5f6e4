import Fluent
import XCTVapor
import PinganKit
@testable import PinganServer

final class IncidentAPITests: XCTestCase {
    func testCreateStoresIncidentWithHistoryAndAudit() async throws {
        try await withApp { app, f in
            let id = try await createIncident(app, f, as: "officer", community: f.c1, grid: f.g1a)
            try await app.call(.GET, "/api/v1/incidents/\(id)", headers: f.bearer("officer")) { res in
                XCTAssertEqual(res.status, .ok)
                let dto = try res.content.decode(IncidentDTO.self)
                XCTAssertEqual(dto.status, .received)
                XCTAssertEqual(dto.category, .criminal, "category follows the subcategory code table")
                XCTAssertTrue(dto.preventable, "burglary is preventable (可防性)")
                XCTAssertEqual(dto.communityName, "德兴社区")
                XCTAssertEqual(dto.events?.count, 1)
                XCTAssertTrue(dto.number.hasPrefix("J"), dto.number)
            }
            let audit = try await AuditEvent.query(on: app.db).filter(\.$action == "incident.create").first()
            XCTAssertEqual(audit?.entityID, "\(id)")
            XCTAssertEqual(audit?.username, "officer")
        }
    }

    func testInvalidInputIs422WithFieldMessagesAndWritesNothing() async throws {
        try await withApp { app, f in
            let future = ISO8601DateFormatter().string(from: Date().addingTimeInterval(86400 * 3))
            let body: [String: String] = ["source": "carrier-pigeon", "subcategory": "nope", "occurredAt": future,
                                          "communityID": "\(f.c1)", "gridID": "\(f.g3)", "latitude": "95", "longitude": "", "description": ""]
            try await app.call(.POST, "/api/v1/incidents", headers: f.bearer("admin"), beforeRequest: { try $0.content.encode(body) }) { res in
                XCTAssertEqual(res.status, .unprocessableEntity)
                let err = try res.content.decode(ErrorBody.self)
                let fields = err.fields ?? [:]
                for key in ["source", "subcategory", "occurredAt", "gridID", "latitude", "description"] {
                    XCTAssertNotNil(fields[key], "expected a message for \(key): \(fields)")
                }
            }
            // Wrong JSON types are field errors too, never a 500.
            try await app.call(.POST, "/api/v1/incidents", headers: f.bearer("admin"), beforeRequest: { req in
                try req.content.encode(["communityID": 99999] as [String: Int])
            }) { res in
                XCTAssertEqual(res.status, .unprocessableEntity)
            }
            try await app.call(.POST, "/api/v1/incidents", headers: f.bearer("admin"), beforeRequest: { req in
                req.headers.contentType = .json
                req.body = .init(string: "{not json")
            }) { XCTAssertEqual($0.status, .badRequest) }
            let n = try await Incident.query(on: app.db).count()
            XCTAssertEqual(n, 0)
            let events = try await IncidentEvent.query(on: app.db).count()
            XCTAssertEqual(events, 0)
        }
    }

    func testWorkflowRejectsInvalidTransitionsAndKeepsHistory() async throws {
        try await withApp { app, f in
            let id = try await createIncident(app, f, community: f.c1)
            try await app.call(.POST, "/api/v1/incidents/\(id)/transitions", headers: f.bearer("admin"), beforeRequest: { try $0.content.encode(["to": "closed"]) }) { res in
                XCTAssertEqual(res.status, .unprocessableEntity)
                XCTAssertTrue(res.body.string.contains("dispatched") || res.body.string.contains("已派警"), res.body.string)
            }
            for step in ["dispatched", "handled", "closed"] {
                try await app.call(.POST, "/api/v1/incidents/\(id)/transitions", headers: f.bearer("admin"), beforeRequest: { try $0.content.encode(["to": step, "note": "step \(step)"]) }) { res in
                    XCTAssertEqual(res.status, .ok, res.body.string)
                }
            }
            try await app.call(.GET, "/api/v1/incidents/\(id)", headers: f.bearer("admin")) { res in
                let dto = try res.content.decode(IncidentDTO.self)
                XCTAssertEqual(dto.status, .closed)
                XCTAssertEqual(dto.events?.map(\.to), [.received, .dispatched, .handled, .closed])
                XCTAssertEqual(dto.events?.last?.note, "step closed")
            }
        }
    }

    func testFollowUpOnlyAfterHandling() async throws {
        try await withApp { app, f in
            let id = try await createIncident(app, f, community: f.c1)
            try await app.call(.POST, "/api/v1/incidents/\(id)/followups", headers: f.bearer("admin"), beforeRequest: { try $0.content.encode(["satisfied": "true"]) }) {
                XCTAssertEqual($0.status, .unprocessableEntity)
            }
            for step in ["dispatched", "handled"] {
                try await app.call(.POST, "/api/v1/incidents/\(id)/transitions", headers: f.bearer("admin"), beforeRequest: { try $0.content.encode(["to": step]) }) { XCTAssertEqual($0.status, .ok) }
            }
            try await app.call(.POST, "/api/v1/incidents/\(id)/followups", headers: f.bearer("admin"), beforeRequest: { try $0.content.encode(["satisfied": "true", "note": "群众满意"]) }) { res in
                XCTAssertEqual(res.status, .created)
                XCTAssertEqual(try res.content.decode(IncidentDTO.self).followUps?.first?.satisfied, true)
            }
        }
    }

    /// The form's own date (today) is accepted for an incident of today; a mistake keeps the choice and the note.
    func testAFollowUpDatedTodayIsAcceptedAndAMistakeKeepsWhatWasTyped() async throws {
        try await withApp { app, f in
            var body = incidentBody(community: f.c1, hoursAgo: 0.2)
            body["occurredAt"] = ISO8601DateFormatter().string(from: Date().addingTimeInterval(-60))
            var id = 0
            try await app.call(.POST, "/api/v1/incidents", headers: f.bearer("admin"), beforeRequest: { try $0.content.encode(body) }) { id = try $0.content.decode(IncidentDTO.self).id }
            for step in ["dispatched", "handled"] {
                try await app.call(.POST, "/api/v1/incidents/\(id)/transitions", headers: f.bearer("admin"), beforeRequest: { try $0.content.encode(["to": step]) }) { XCTAssertEqual($0.status, .ok) }
            }
            let (cookies, csrf, _) = try await signIn(app, "officer")
            let cal = LocalCalendar(timeZoneIdentifier: app.pingan.timeZone)
            func post(_ fields: [String: String]) async throws -> XCTHTTPResponse {
                var out: XCTHTTPResponse?
                try await app.call(.POST, "/incidents/\(id)/followups", beforeRequest: { req in
                    req.headers.cookie = cookies; try req.content.encode(fields.merging(["_csrf": csrf]) { a, _ in a }, as: .urlEncodedForm)
                }, afterResponse: { out = $0 })
                return out!
            }
            // A day before the incident: refused, and the satisfied choice and the note come back.
            let before = cal.formatDate(Date().addingTimeInterval(-3 * 86_400))
            let bad = try await post(["visitedAt": before, "satisfied": "true", "note": "邻居说已修好"])
            XCTAssertEqual(bad.status, .unprocessableEntity)
            XCTAssertTrue(bad.body.string.contains("回访不能早于警情发生"))
            XCTAssertTrue(bad.body.string.contains("value=\"邻居说已修好\"") && bad.body.string.contains("<option value=\"true\" selected>"), "what was typed is kept")
            XCTAssertTrue(bad.body.string.contains("value=\"\(before)\""))
            // Today, as the form fills it in: accepted though the incident happened today after midnight.
            let ok = try await post(["visitedAt": cal.formatDate(Date()), "satisfied": "true", "note": "群众满意"])
            XCTAssertEqual(ok.status, .seeOther, ok.body.string)
            let visits = try await IncidentFollowUp.query(on: app.db).filter(\.$incidentID == id).all()
            XCTAssertEqual(visits.map(\.note), ["群众满意"])
            XCTAssertLessThanOrEqual(visits[0].visitedAt, Date()); XCTAssertGreaterThanOrEqual(visits[0].visitedAt, Date().addingTimeInterval(-60))
        }
    }

    func testCaseDatesMustBeConsistent() async throws {
        try await withApp { app, f in
            var body = incidentBody(community: f.c1)
            body["solvedAt"] = "2026-01-02"
            try await app.call(.POST, "/api/v1/incidents", headers: f.bearer("admin"), beforeRequest: { try $0.content.encode(body) }) { res in
                XCTAssertEqual(res.status, .unprocessableEntity)
                XCTAssertNotNil(try res.content.decode(ErrorBody.self).fields?["solvedAt"], "solved needs filed first")
            }
        }
    }

    func testListFiltersPagingAndValidation() async throws {
        try await withApp { app, f in
            for _ in 0..<3 { try await createIncident(app, f, community: f.c1) }
            try await createIncident(app, f, community: f.c3)
            try await app.call(.GET, "/api/v1/incidents?community=\(f.c1)&per=2", headers: f.bearer("admin")) { res in
                let page = try res.content.decode(IncidentPage.self)
                XCTAssertEqual(page.page.total, 3)
                XCTAssertEqual(page.items.count, 2)
                XCTAssertTrue(page.page.hasNext)
            }
            try await app.call(.GET, "/api/v1/incidents?street=\(f.streetB)", headers: f.bearer("admin")) { res in
                XCTAssertEqual(try res.content.decode(IncidentPage.self).page.total, 1)
            }
            try await app.call(.GET, "/api/v1/incidents?preventable=true&status=received", headers: f.bearer("admin")) { res in
                XCTAssertEqual(try res.content.decode(IncidentPage.self).page.total, 4)
            }
            try await app.call(.GET, "/api/v1/incidents?month=2026-13&status=weird", headers: f.bearer("admin")) { res in
                XCTAssertEqual(res.status, .unprocessableEntity)
                let fields = try res.content.decode(ErrorBody.self).fields ?? [:]
                XCTAssertNotNil(fields["month"]); XCTAssertNotNil(fields["status"])
            }
        }
    }

    func testCSVExportHasBOMAndNeutralisesFormulas() async throws {
        try await withApp { app, f in
            try await createIncident(app, f, community: f.c1, description: "=HYPERLINK(\"http://evil\")")
            try await app.call(.GET, "/api/v1/incidents/export.csv", headers: f.bearer("admin")) { res in
                XCTAssertEqual(res.status, .ok)
                let bytes = Array(res.body.readableBytesView)
                XCTAssertEqual(Array(bytes.prefix(3)), [0xEF, 0xBB, 0xBF])
                let text = String(decoding: bytes.dropFirst(3), as: UTF8.self)
                XCTAssertTrue(text.contains("'=HYPERLINK"), text)
                XCTAssertTrue(text.hasPrefix("编号"), "Chinese header by default")
                XCTAssertTrue(res.headers.first(name: .contentDisposition)?.contains("attachment") ?? false)
            }
        }
    }
}
