import Fluent
import Vapor
import XCTVapor
import PinganKit
@testable import PinganServer

/// 主办 and 协办 (issue 19 §2, 派遣 "to one unit or a lead unit and helpers"): who may help, what a helper sees and does,
/// and what a new dispatch takes away.
final class GridEventHelperTests: XCTestCase {
    func event(_ app: Application, _ f: Fixture, _ user: String, _ id: Int) async throws -> (HTTPStatus, GridEventDTO?) {
        var out: (HTTPStatus, GridEventDTO?) = (.ok, nil)
        try await app.call(.GET, "/api/v1/events/\(id)", headers: f.bearer(user)) { res in out = (res.status, res.status == .ok ? try res.content.decode(GridEventDTO.self) : nil) }
        return out
    }

    func testALeadUnitAndItsHelpers() async throws {
        try await withApp { app, fx in
            var f = fx
            try await setSquareOutlines(app, f)
            let (unitA, unitB) = try await makeUnits(app, &f)
            // A third unit serving street A (the event's street), with its own staff account.
            let c = ResponsibleUnit(name: "市桥市场监管所", kind: .marketSupervision, divisionID: f.streetA); try await c.create(on: app.db)
            let staff = User(username: "unit3", displayName: "监管所值班员", passwordHash: try app.password.hash(Fixture.password), role: .unitStaff, scopeDivisionID: nil, unitID: c.id!)
            try await staff.create(on: app.db)
            try await APIToken(userID: staff.id!, name: "test", tokenHash: Tokens.hash("test-token-unit3"), createdAt: Date(), expiresAt: Date().addingTimeInterval(86400)).create(on: app.db)
            f.tokens["unit3"] = "test-token-unit3"
            let unitC = c.id!

            var (s, body) = try await multipartPost(app, f, "grid", "/api/v1/events", ["categoryCode": "C0101", "description": "占道经营堵塞消防通道", "lat": "22.1", "lon": "113.05", "idempotencyKey": "h-1"])
            XCTAssertEqual(s, .created, body)
            let id = try apiDecoder.decode(GridEventDTO.self, from: Data(body.utf8)).id
            (s, body) = try await multipartPost(app, f, "command", "/api/v1/events/\(id)/actions", ["action": "register"]); XCTAssertEqual(s, .ok, body)
            let stepsBefore = try await GridEventStep.query(on: app.db).filter(\.$eventID == id).count()

            // Refused, field by field, with nothing written: the lead as its own helper, a unit that does not serve the area.
            for (helper, message) in [(unitA, "主办单位不能同时作为协办单位"), (unitB, "协办单位须是负责该区域的处置单位")] {
                (s, body) = try await multipartPost(app, f, "command", "/api/v1/events/\(id)/actions", ["action": "dispatch", "unitID": "\(unitA)", "helperUnitIDs[]": "\(helper)"])
                XCTAssertEqual(s, .unprocessableEntity, body)
                XCTAssertTrue(body.contains("helperUnitIDs") && body.contains(message), body)
            }
            let untouched = try await GridEvent.find(id, on: app.db)!
            XCTAssertEqual(untouched.status, .registered)
            let stepsAfterRefusals = try await GridEventStep.query(on: app.db).filter(\.$eventID == id).count()
            XCTAssertEqual(stepsAfterRefusals, stepsBefore)
            let noHelpers = try await GridEventHelper.query(on: app.db).count()
            XCTAssertEqual(noHelpers, 0)

            // Dispatched to A with C helping: C's staff are told, see the event and find it in their list; B's do not.
            (s, body) = try await multipartPost(app, f, "command", "/api/v1/events/\(id)/actions", ["action": "dispatch", "unitID": "\(unitA)", "helperUnitIDs[]": "\(unitC)"])
            XCTAssertEqual(s, .ok, body)
            let told = try await StaffNotice.query(on: app.db).filter(\.$userID == staff.id!).count()
            XCTAssertEqual(told, 1)
            var got = try await event(app, f, "unit3", id)
            XCTAssertEqual(got.0, .ok)
            XCTAssertEqual(got.1?.helpers?.map(\.unitID), [unitC]); XCTAssertEqual(got.1?.helpers?.first?.reported, false)
            XCTAssertEqual(got.1?.actions, [.assist], "a helper reports its part and nothing else")
            (s, body) = try await apiCall(app, f, "unit3", .GET, "/api/v1/events")
            XCTAssertTrue(body.contains("\"id\":\(id)"), body)
            let other = try await event(app, f, "unit2", id).0
            XCTAssertEqual(other, .notFound)

            // The helper cannot take the lead's steps; the lead cannot report as a helper; an empty report is refused.
            (s, _) = try await multipartPost(app, f, "unit3", "/api/v1/events/\(id)/actions", ["action": "accept"]); XCTAssertEqual(s, .forbidden)
            (s, _) = try await multipartPost(app, f, "unit3", "/api/v1/events/\(id)/actions", ["action": "feedback", "note": "已处理"]); XCTAssertEqual(s, .forbidden)
            (s, _) = try await multipartPost(app, f, "unit", "/api/v1/events/\(id)/actions", ["action": "assist", "note": "x"]); XCTAssertEqual(s, .forbidden)
            (s, body) = try await multipartPost(app, f, "unit3", "/api/v1/events/\(id)/actions", ["action": "assist", "note": " "]); XCTAssertEqual(s, .unprocessableEntity, body)

            (s, body) = try await multipartPost(app, f, "unit3", "/api/v1/events/\(id)/actions", ["action": "assist", "note": "已对占道商户开具责令整改通知书"])
            XCTAssertEqual(s, .ok, body)
            got = try await event(app, f, "unit", id)
            XCTAssertEqual(got.1?.status, .dispatched, "the helper's report leaves the event where it was")
            XCTAssertEqual(got.1?.helpers?.first?.reported, true)
            XCTAssertEqual(got.1?.steps?.last?.action, "assist"); XCTAssertEqual(got.1?.steps?.last?.actor, .helper)
            let audited = try await AuditEvent.query(on: app.db).filter(\.$action == "grid_event.assist").count()
            XCTAssertEqual(audited, 1)

            // Scored (协办反馈率): the month's unit table gives C a row of its own, helped once and reported once.
            let reportedRow = try await GridEventHelper.query(on: app.db).filter(\.$eventID == id).first()
            XCTAssertNotNil(reportedRow?.reportedAt)
            for who in ["command", "unit3"] {
                (s, body) = try await apiCall(app, f, who, .GET, "/api/v1/events/evaluation?by=unit")
                XCTAssertEqual(s, .ok, body)
                let table = try apiDecoder.decode(GridEventEvaluationPage.self, from: Data(body.utf8))
                let rowC = try XCTUnwrap(table.rows.first { $0.key == String(unitC) }, "\(who) sees the helper's row")
                XCTAssertEqual([rowC.assisted, rowC.assistReported], [1, 1]); XCTAssertEqual(rowC.assistRate, "100.0%")
                XCTAssertNil(rowC.rank, "a unit that only helped is not ranked")
            }

            // The lead's page names the helper and its report; the centre's dispatch form offers helpers to tick.
            var page = ""
            let unitSession = try await signIn(app, "unit"), centre = try await signIn(app, "command")
            try await app.call(.GET, "/events/\(id)", beforeRequest: { $0.headers.cookie = unitSession.cookies }) { page = $0.body.string }
            XCTAssertTrue(page.contains("协办单位") && page.contains("市桥市场监管所") && page.contains("已反馈"), page)

            // Returned and dispatched again without helpers: C no longer sees the event.
            (s, _) = try await multipartPost(app, f, "unit", "/api/v1/events/\(id)/actions", ["action": "return", "reason": "应由市场监管牵头"]); XCTAssertEqual(s, .ok)
            try await app.call(.GET, "/events/\(id)", beforeRequest: { $0.headers.cookie = centre.cookies }) { page = $0.body.string }
            XCTAssertTrue(page.contains("name=\"helperUnitIDs[]\" value=\"\(unitC)\""), "the dispatch form offers C as a helper")
            (s, body) = try await multipartPost(app, f, "command", "/api/v1/events/\(id)/actions", ["action": "dispatch", "unitID": "\(unitC)"])
            XCTAssertEqual(s, .ok, body)
            let rows = try await GridEventHelper.query(on: app.db).count()
            XCTAssertEqual(rows, 0)
            got = try await event(app, f, "unit3", id)
            XCTAssertEqual(got.1?.actions?.first, .accept, "C now leads")
            let gone = try await event(app, f, "unit", id).0
            XCTAssertEqual(gone, .notFound, "A is no longer part of it")
        }
    }
}
