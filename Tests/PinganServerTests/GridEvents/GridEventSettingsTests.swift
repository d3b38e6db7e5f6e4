import Fluent
import Vapor
import XCTVapor
import PinganKit
@testable import PinganServer

/// Issue 19: a district keeps its own responsible units, category table, time limits and working calendar, and the
/// loop follows them (dispatch offers the units, the deadline counts the district's limits on its calendar).
final class GridEventSettingsTests: XCTestCase {
    func json(_ app: Application, _ f: Fixture, _ user: String, _ method: HTTPMethod, _ path: String, _ body: [String: Any]) async throws -> (HTTPStatus, String) {
        var out: (HTTPStatus, String) = (.ok, "")
        let data = try JSONSerialization.data(withJSONObject: body)
        var h = f.bearer(user); h.contentType = .json
        try await app.call(method, path, headers: h, beforeRequest: { $0.body = ByteBuffer(data: data) }) { out = ($0.status, $0.body.string) }
        return out
    }

    func fields(_ body: String) -> Set<String> {
        Set(((try? JSONSerialization.jsonObject(with: Data(body.utf8))) as? [String: Any]).flatMap { $0["fields"] as? [String: String] }?.keys.map { $0 } ?? [])
    }

    func testUnitsAreKeptWithinTheAdministratorsArea() async throws {
        try await withApp { app, fx in
            var f = fx
            // A street's command: may keep the units of street A only.
            let u = User(username: "streetcmd", displayName: "S", passwordHash: try app.password.hash(Fixture.password), role: .districtCommand, scopeDivisionID: f.streetA)
            try await u.create(on: app.db)
            try await APIToken(userID: u.id!, name: "t", tokenHash: Tokens.hash("test-token-streetcmd"), createdAt: Date(), expiresAt: Date().addingTimeInterval(86400)).create(on: app.db)
            f.tokens["streetcmd"] = "test-token-streetcmd"

            var (s, body) = try await json(app, f, "command", .POST, "/api/v1/units", [:])
            XCTAssertEqual(s, .unprocessableEntity)
            XCTAssertEqual(fields(body), ["name", "kind", "divisionID"], body)
            (s, body) = try await json(app, f, "command", .POST, "/api/v1/units", ["name": "市场监管所", "kind": "market_supervision", "divisionID": f.streetB, "phone": "020-1234 5678"])
            XCTAssertEqual(s, .created, body)
            let b = try JSONDecoder().decode(GridEventAPIController.UnitDTO.self, from: Data(body.utf8))
            (s, body) = try await json(app, f, "command", .POST, "/api/v1/units", ["name": "市场监管所", "kind": "fire", "divisionID": f.district])
            XCTAssertEqual(fields(body), ["name"], "a second unit of the same name")
            (s, body) = try await json(app, f, "command", .POST, "/api/v1/units", ["name": "消防站", "kind": "fire", "divisionID": f.district, "phone": "call me"])
            XCTAssertEqual(fields(body), ["phone"])
            // The street's command cannot place a unit outside its street, nor see one there.
            (s, body) = try await json(app, f, "streetcmd", .POST, "/api/v1/units", ["name": "沙头物业", "kind": "property_company", "divisionID": f.streetB])
            XCTAssertEqual(fields(body), ["divisionID"])
            (s, _) = try await json(app, f, "streetcmd", .PATCH, "/api/v1/units/\(b.id)", ["active": false])
            XCTAssertEqual(s, .notFound, "out of scope answers like missing")
            (s, _) = try await json(app, f, "streetcmd", .PATCH, "/api/v1/units/99999", ["active": false])
            XCTAssertEqual(s, .notFound)
            (s, _) = try await json(app, f, "grid", .POST, "/api/v1/units", ["name": "x", "kind": "fire", "divisionID": f.district])
            XCTAssertEqual(s, .forbidden)
            // Switching a unit off keeps it out of dispatch; the change is audited.
            (s, body) = try await json(app, f, "command", .PATCH, "/api/v1/units/\(b.id)", ["active": false, "phone": ""])
            XCTAssertEqual(s, .ok, body)
            let stored = try await ResponsibleUnit.find(b.id, on: app.db)!
            XCTAssertFalse(stored.active); XCTAssertEqual(stored.phone, "")
            let audits = try await AuditEvent.query(on: app.db).filter(\.$action ~~ "grid_event.unit.").all().map(\.action)
            XCTAssertEqual(audits.sorted(), ["grid_event.unit.create", "grid_event.unit.update"])
            let got1 = try await ResponsibleUnit.query(on: app.db).count()
            XCTAssertEqual(got1, 1, "nothing half-written by the refused requests")
        }
    }

    func testTheCategoryTableStaysWholeAndFeedsThePicker() async throws {
        try await withApp { app, f in
            var (s, body) = try await json(app, f, "command", .POST, "/api/v1/event-categories", ["code": "c0199", "parentCode": "C01", "nameZh": "消防栓漏水", "nameEn": "Leaking hydrant"])
            XCTAssertEqual(s, .created, body)
            XCTAssertTrue(body.contains("\"code\":\"C0199\""), "codes are upper case")
            XCTAssertTrue(body.contains("\"sample\":false"))
            for (input, field) in [(["code": "C0199", "parentCode": "C01", "nameZh": "重复"], "code"),
                                   (["code": "X9", "parentCode": "NOPE", "nameZh": "x"], "parentCode"),
                                   (["code": "X9", "eventClass": "event", "nameZh": "新大类"], "defaultUnit"),
                                   (["code": "X 9", "eventClass": "event", "nameZh": "x", "defaultUnit": "fire"], "code"),
                                   (["code": "X9", "nameZh": "x", "defaultUnit": "fire"], "eventClass")] as [([String: Any], String)] {
                (s, body) = try await json(app, f, "command", .POST, "/api/v1/event-categories", input)
                XCTAssertEqual(s, .unprocessableEntity, "\(input)")
                XCTAssertTrue(fields(body).contains(field), "\(input): \(body)")
            }
            // A new major class with its default unit; then switching the sample major class C01 off takes its subclasses along.
            (s, body) = try await json(app, f, "command", .POST, "/api/v1/event-categories", ["code": "E09", "eventClass": "event", "nameZh": "占道晾晒", "defaultUnit": "urban_management"])
            XCTAssertEqual(s, .created, body)
            (s, body) = try await json(app, f, "command", .PATCH, "/api/v1/event-categories/C01", ["active": false])
            XCTAssertEqual(s, .ok, body)
            let c01subs = try await GridEventCategoryRow.query(on: app.db).filter(\.$parentCode == "C01").all()
            XCTAssertFalse(c01subs.isEmpty); XCTAssertTrue(c01subs.allSatisfy { !$0.active })
            (s, body) = try await json(app, f, "command", .PATCH, "/api/v1/event-categories/C0101", ["active": true])
            XCTAssertEqual(fields(body), ["active"], "a subclass cannot be on under a major class that is off")
            var picker = ""
            try await app.call(.GET, "/api/v1/event-categories", headers: f.bearer("grid")) { picker = $0.body.string }
            XCTAssertFalse(picker.contains("\"C0101\""), "switched off: not offered")
            XCTAssertTrue(picker.contains("\"E09\""))
            (s, _) = try await json(app, f, "command", .PATCH, "/api/v1/event-categories/ZZZ", ["active": true])
            XCTAssertEqual(s, .notFound)
            (s, _) = try await json(app, f, "officer", .PATCH, "/api/v1/event-categories/E09", ["nameZh": "x"])
            XCTAssertEqual(s, .forbidden)
        }
    }

    func testTheDistrictsLimitsAndCalendarSetTheDeadline() async throws {
        try await withApp { app, fx in
            var f = fx
            try await setSquareOutlines(app, f)
            let (unitA, _) = try await makeUnits(app, &f)
            // Bad settings are refused whole, with the JSON key of each mistake.
            var (s, body) = try await json(app, f, "command", .PUT, "/api/v1/events/settings",
                                           ["workingHours": "9-5", "byCategory": ["NOPE": ["urgent": ["hours": 1, "roundTheClock": true], "pressing": ["hours": 2, "roundTheClock": false], "normal": ["hours": -1, "roundTheClock": false]]],
                                            "calendarOverrides": [["day": "2027-02-30", "kind": "rest", "nameZh": "x"]]])
            XCTAssertEqual(s, .unprocessableEntity)
            XCTAssertEqual(fields(body), ["workingHours", "byCategory.NOPE", "calendarOverrides[0].day"], body)
            let got2 = try await GridEventSettingsRecord.query(on: app.db).count()
            XCTAssertEqual(got2, 0, "nothing saved")
            // Manhole covers, normal urgency: 3 working hours, on 09:00–12:00 days; tomorrow is a district rest day.
            let tomorrow = LocalDay(Date(), in: LocalCalendar()).adding(days: 1)
            (s, body) = try await json(app, f, "command", .PUT, "/api/v1/events/settings",
                                       ["workingHours": "09:00-12:00", "byCategory": ["C0101": ["urgent": ["hours": 1, "roundTheClock": true], "pressing": ["hours": 2, "roundTheClock": false], "normal": ["hours": 3, "roundTheClock": false]]],
                                        "calendarOverrides": [["day": tomorrow.description, "kind": "rest", "nameZh": "区运动会"]], "enteredYears": [2027]])
            XCTAssertEqual(s, .ok, body)
            let saved = try await GridEventSettings.load(app.db)
            XCTAssertEqual(saved.workingHours.hoursPerDay, 3)
            XCTAssertEqual(saved.enteredYears, [2027])
            let cal = saved.calendar(timeZone: "Asia/Shanghai")
            XCTAssertFalse(cal.isWorkingDay(tomorrow))
            XCTAssertEqual(cal.coverage(2027), .entered)

            let report = ["categoryCode": "C0101", "description": "井盖松动", "lat": "22.1", "lon": "113.05", "idempotencyKey": "k-s1", "urgency": "normal"]
                        (s, body) = try await multipartPost(app, f, "grid", "/api/v1/events", report)
            XCTAssertEqual(s, .created, body)
            let id = try apiDecoder.decode(GridEventDTO.self, from: Data(body.utf8)).id
            _ = try await multipartPost(app, f, "command", "/api/v1/events/\(id)/actions", ["action": "register"])
            (s, body) = try await multipartPost(app, f, "command", "/api/v1/events/\(id)/actions", ["action": "dispatch", "unitID": "\(unitA)"])
            XCTAssertEqual(s, .ok, body)
            let e = try await GridEvent.find(id, on: app.db)!
            XCTAssertEqual(e.limitHours, 3)
            let expected = GridEventTimeLimit.working(3).deadline(from: e.dispatchedAt!, calendar: cal)
            XCTAssertEqual(e.deadline!.timeIntervalSince1970, expected.timeIntervalSince1970, accuracy: 1)
            XCTAssertNotEqual(LocalDay(e.deadline!, in: LocalCalendar()), tomorrow, "the district's rest day is skipped")
        }
    }

    func testTheSettingsPagesForgiveAndSave() async throws {
        try await withApp { app, f in
            let (cookies, csrf, _) = try await signIn(app, "command")
            func form(_ path: String, _ body: [String: String]) async throws -> (HTTPStatus, String) {
                var out: (HTTPStatus, String) = (.ok, "")
                try await app.call(.POST, path, beforeRequest: { req in
                    req.headers.cookie = cookies
                    try req.content.encode(body.merging(["_csrf": csrf]) { a, _ in a }, as: .urlEncodedForm)
                }) { out = ($0.status, $0.body.string) }
                return out
            }
            func page(_ path: String) async throws -> (HTTPStatus, String) {
                var out: (HTTPStatus, String) = (.ok, "")
                try await app.call(.GET, path, beforeRequest: { $0.headers.cookie = cookies }) { out = ($0.status, $0.body.string) }
                return out
            }
            for p in ["units", "categories", "limits", "calendar?year=2027"] {
                let (s, body) = try await page("/events/settings/\(p)")
                XCTAssertEqual(s, .ok, p); XCTAssertTrue(body.contains("网格事件设置"), p)
            }
            // A time limit typed wrong: the page comes back with what was typed, nothing saved.
            var (s, body) = try await form("/events/settings/limits", ["h_default_urgent": "2", "c_default_urgent": "1", "h_default_pressing": "7", "h_default_normal": "21",
                                                                       "h_C0101_normal": "-3", "h_E03_urgent": "8"])
            XCTAssertEqual(s, .unprocessableEntity)
            XCTAssertTrue(body.contains("value=\"-3\"") && body.contains("value=\"8\""), "typed values kept")
            let got3 = try await GridEventSettingsRecord.query(on: app.db).count()
            XCTAssertEqual(got3, 0)
            (s, _) = try await form("/events/settings/limits", ["h_default_urgent": "2", "c_default_urgent": "1", "h_default_pressing": "7", "h_default_normal": "21", "h_C0101_normal": "5"])
            XCTAssertEqual(s, .seeOther)
            let saved = try await GridEventSettings.load(app.db).timeLimits
            XCTAssertEqual(saved.limit(for: "C0101", parentCode: "C01", urgency: .normal), .working(5))
            XCTAssertEqual(saved.limit(for: "C0101", parentCode: "C01", urgency: .urgent), .clock(2), "blank urgencies inherit the default")
            XCTAssertEqual(saved.limit(for: "E03", parentCode: nil, urgency: .normal), .working(21), "the sample's own rows are gone: the page is the table")
            // A calendar day with a bad date keeps the name typed; a good one shows on the year's page and can be deleted.
            (s, body) = try await form("/events/settings/calendar/days?year=2027", ["day": "2027-13-01", "kind": "rest", "nameZh": "区运动会调休"])
            XCTAssertEqual(s, .unprocessableEntity); XCTAssertTrue(body.contains("区运动会调休"))
            (s, _) = try await form("/events/settings/calendar/days?year=2027", ["day": "2027-10-09", "kind": "working", "nameZh": "国庆调休上班"])
            XCTAssertEqual(s, .seeOther)
            (s, body) = try await page("/events/settings/calendar?year=2027")
            XCTAssertTrue(body.contains("国庆调休上班") && body.contains("class=\"swap\""), "listed and drawn on the year view")
            (s, _) = try await form("/events/settings/calendar/days/2027-10-09/delete", [:])
            XCTAssertEqual(s, .seeOther)
            let got4 = try await GridEventSettings.load(app.db).calendarOverrides
            XCTAssertEqual(got4, [])
            (s, body) = try await form("/events/settings/calendar/hours", ["workingHours": "25:00-26:00", "redAfterPercent": "50"])
            XCTAssertEqual(s, .unprocessableEntity); XCTAssertTrue(body.contains("25:00-26:00"))
            // A unit added on the page; a bad one keeps its typed name.
            (s, body) = try await form("/events/settings/units", ["name": "住建所", "kind": "", "divisionID": "\(f.district)"])
            XCTAssertEqual(s, .unprocessableEntity); XCTAssertTrue(body.contains("value=\"住建所\""))
            (s, _) = try await form("/events/settings/units", ["name": "住建所", "kind": "housing", "divisionID": "\(f.district)"])
            XCTAssertEqual(s, .seeOther)
            (s, body) = try await page("/events/settings/units")
            XCTAssertTrue(body.contains("住建所"))
            // Those without the permission see none of it.
            let other = try await signIn(app, "officer")
            try await app.call(.GET, "/events/settings/units", beforeRequest: { $0.headers.cookie = other.cookies }) { XCTAssertEqual($0.status, .forbidden) }
        }
    }
}
