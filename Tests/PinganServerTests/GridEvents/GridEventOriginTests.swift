import Fluent
import Vapor
import XCTVapor
import PinganKit
@testable import PinganServer

/// Issue 19: a patrol's finding and an inspection's hazard become grid events in one step, linked both ways.
final class GridEventOriginTests: XCTestCase {
    func post(_ app: Application, _ f: Fixture, _ user: String, _ path: String, _ body: String) async throws -> (HTTPStatus, String) {
        var out: (HTTPStatus, String) = (.ok, "")
        var h = f.bearer(user); h.contentType = .json
        try await app.call(.POST, path, headers: h, beforeRequest: { $0.body = ByteBuffer(string: body) }) { out = ($0.status, $0.body.string) }
        return out
    }

    func testAPatrolFindingBecomesAnEventOnce() async throws {
        try await withApp { app, f in
            let team = try await makeTeam(app, f, community: f.c1)
            let log = try await makePatrolLog(app, f, team: team.team)
            var (s, body) = try await post(app, f, "officer", "/api/v1/patrols/logs/\(log)/findings", #"{"gridID":"\#(f.g1a)","description":"小区消防通道被车辆堵塞"}"#)
            XCTAssertEqual(s, .created, body)
            let finding = try await PatrolFinding.query(on: app.db).filter(\.$logID == log).first()!
            let path = "/api/v1/patrols/findings/\(finding.id!)/event"
            (s, body) = try await post(app, f, "officer", path, "{}")
            XCTAssertEqual(s, .unprocessableEntity); XCTAssertTrue(body.contains("categoryCode"), body)
            (s, body) = try await post(app, f, "officer", path, #"{"categoryCode":"E0202","urgency":"pressing"}"#)
            XCTAssertEqual(s, .created, body)
            let ev = try apiDecoder.decode(GridEventDTO.self, from: Data(body.utf8))
            XCTAssertEqual(ev.source, .patrol); XCTAssertEqual(ev.patrolLogID, log)
            XCTAssertEqual(ev.communityID, f.c1); XCTAssertEqual(ev.gridID, f.g1a); XCTAssertEqual(ev.urgency, .pressing)
            XCTAssertEqual(ev.description, "小区消防通道被车辆堵塞")
            let linked = try await PatrolFinding.find(finding.id, on: app.db)?.eventID
            XCTAssertEqual(linked, ev.id)
            // Pressed again (by anyone allowed): the same event, nothing new.
            (s, body) = try await post(app, f, "chief", path, #"{"categoryCode":"E0202"}"#)
            XCTAssertEqual(s, .ok, body); XCTAssertTrue(body.contains("\"id\":\(ev.id)"))
            let got1 = try await GridEvent.query(on: app.db).count()
            XCTAssertEqual(got1, 1)
            // Out of scope looks missing; a team leader sees patrols but does not file events.
            (s, _) = try await post(app, f, "officer3", path, #"{"categoryCode":"E0202"}"#); XCTAssertEqual(s, .notFound)
            (s, _) = try await post(app, f, "leader", path, #"{"categoryCode":"E0202"}"#); XCTAssertEqual(s, .forbidden)
            // The log's page links the event; the event's page links the log.
            let (cookies, _, _) = try await signIn(app, "officer")
            try await app.call(.GET, "/forces/patrols/logs/\(log)", beforeRequest: { $0.headers.cookie = cookies }) { res in
                XCTAssertTrue(res.body.string.contains("/events/\(ev.id)"))
            }
            try await app.call(.GET, "/events/\(ev.id)", beforeRequest: { $0.headers.cookie = cookies }) { res in
                XCTAssertTrue(res.body.string.contains("/forces/patrols/logs/\(log)"))
            }
        }
    }

    func testAnInspectionsHazardBecomesAnEventForTheUnit() async throws {
        try await withApp { app, f in
            let site = try await createSite(app, f, community: f.c1, grid: f.g1a)
            let hazard = try await makeInspection(app, f, site: site)
            // A clean inspection has nothing to take up.
            let clean = Inspection()
            clean.siteID = site; clean.communityID = f.c1; clean.gridID = f.g1a; clean.inspectedOn = "2026-11-01"; clean.inspectorID = f.users["admin"]!
            clean.findings = "未发现问题"; clean.rectificationNote = ""
            try await clean.create(on: app.db)
            var (s, body) = try await post(app, f, "officer", "/api/v1/inspections/\(clean.id!)/event", #"{"categoryCode":"E0202"}"#)
            XCTAssertEqual(s, .unprocessableEntity, body)
            (s, body) = try await post(app, f, "officer", "/api/v1/inspections/\(hazard)/event", #"{"categoryCode":"E0202","urgency":"urgent"}"#)
            XCTAssertEqual(s, .created, body)
            let ev = try apiDecoder.decode(GridEventDTO.self, from: Data(body.utf8))
            XCTAssertEqual(ev.source, .inspection); XCTAssertEqual(ev.inspectionID, hazard)
            XCTAssertEqual(ev.address, "繁华路1号"); XCTAssertTrue(ev.description.contains("消防通道堵塞"), ev.description)
            let got2 = try await Inspection.find(hazard, on: app.db)?.eventID
            XCTAssertEqual(got2, ev.id)
            (s, _) = try await post(app, f, "officer3", "/api/v1/inspections/\(hazard)/event", #"{"categoryCode":"E0202"}"#); XCTAssertEqual(s, .notFound)
            (s, _) = try await post(app, f, "analyst", "/api/v1/inspections/\(hazard)/event", #"{"categoryCode":"E0202"}"#); XCTAssertEqual(s, .forbidden)
            // The web form: a missing category comes back on the inspection's page with the message; the notice links the event.
            let other = try await makeInspection(app, f, site: site)
            let (cookies, csrf, _) = try await signIn(app, "officer")
            try await app.call(.POST, "/forces/inspections/\(other)/event", beforeRequest: { req in
                req.headers.cookie = cookies
                try req.content.encode(["_csrf": csrf, "categoryCode": "", "urgency": "pressing"], as: .urlEncodedForm)
            }) { res in
                XCTAssertEqual(res.status, .unprocessableEntity)
                XCTAssertTrue(res.body.string.contains("请选择事件类别"))
                XCTAssertTrue(res.body.string.contains("<option value=\"pressing\" selected"), "the urgency chosen stays")
            }
            try await app.call(.GET, "/forces/inspections/\(hazard)", beforeRequest: { $0.headers.cookie = cookies }) { res in
                XCTAssertTrue(res.body.string.contains("/events/\(ev.id)"))
            }
        }
    }
}
