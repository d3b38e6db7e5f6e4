import Fluent
import Vapor
import XCTVapor
import PinganKit
@testable import PinganServer

/// A photo from the media fixtures (a real JPEG with EXIF GPS and camera data).
func fixturePhoto(_ name: String = "exif_gps.jpg") throws -> Data {
    let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("PinganKitTests/Fixtures/media/\(name)")
    return try Data(contentsOf: url)
}

/// Two responsible units serving the district, with one staff account each ("unit", "unit2").
@discardableResult
func makeUnits(_ app: Application, _ f: inout Fixture) async throws -> (Int, Int) {
    let a = ResponsibleUnit(name: "城管执法中队", kind: .urbanManagement, divisionID: f.district); try await a.create(on: app.db)
    let b = ResponsibleUnit(name: "物业公司", kind: .propertyCompany, divisionID: f.streetB); try await b.create(on: app.db)
    let hash = try app.password.hash(Fixture.password)
    for (name, unit) in [("unit", a.id!), ("unit2", b.id!)] {
        let u = User(username: name, displayName: name, passwordHash: hash, role: .unitStaff, scopeDivisionID: nil, unitID: unit)
        try await u.create(on: app.db)
        try await APIToken(userID: u.id!, name: "test", tokenHash: Tokens.hash("test-token-\(name)"), createdAt: Date(), expiresAt: Date().addingTimeInterval(86400)).create(on: app.db)
        f.users[name] = u.id!; f.tokens[name] = "test-token-\(name)"
    }
    return (a.id!, b.id!)
}

/// A multipart body with text fields and JPEG photos.
func multipart(_ fields: [String: String], photos: [Data] = [], boundary: String = "pinganTestBoundary") -> (HTTPHeaders, ByteBuffer) {
    var body = ""
    for (k, v) in fields.sorted(by: { $0.key < $1.key }) { body += "--\(boundary)\r\nContent-Disposition: form-data; name=\"\(k)\"\r\n\r\n\(v)\r\n" }
    var buf = ByteBuffer(string: body)
    for (i, p) in photos.enumerated() {
        buf.writeString("--\(boundary)\r\nContent-Disposition: form-data; name=\"photos[]\"; filename=\"p\(i).jpg\"\r\nContent-Type: image/jpeg\r\n\r\n")
        buf.writeBytes(p); buf.writeString("\r\n")
    }
    buf.writeString("--\(boundary)--\r\n")
    var h = HTTPHeaders(); h.replaceOrAdd(name: .contentType, value: "multipart/form-data; boundary=\(boundary)")
    return (h, buf)
}

/// Posts multipart fields (and photos) to the API as `user`.
func multipartPost(_ app: Application, _ f: Fixture, _ user: String, _ path: String, _ fields: [String: String], photos: [Data] = []) async throws -> (HTTPStatus, String) {
    let (h, body) = multipart(fields, photos: photos)
    var out: (HTTPStatus, String) = (.ok, "")
    var headers = f.bearer(user); for (k, v) in h { headers.replaceOrAdd(name: k, value: v) }
    try await app.call(.POST, path, headers: headers, beforeRequest: { $0.body = body }) { out = ($0.status, $0.body.string) }
    return out
}

/// Decodes API bodies as Vapor encodes them (ISO 8601 dates).
let apiDecoder: JSONDecoder = { let d = JSONDecoder(); d.dateDecodingStrategy = .iso8601; return d }()

final class GridEventTests: XCTestCase {
    struct Conflict: Decodable { var duplicates: [GridEventDTO] }

    func post(_ app: Application, _ f: Fixture, _ user: String, _ path: String, _ fields: [String: String], photos: [Data] = []) async throws -> (HTTPStatus, String) {
        let (h, body) = multipart(fields, photos: photos)
        var out: (HTTPStatus, String) = (.ok, "")
        var headers = f.bearer(user); for (k, v) in h { headers.replaceOrAdd(name: k, value: v) }
        try await app.call(.POST, path, headers: headers, beforeRequest: { $0.body = body }) { out = ($0.status, $0.body.string) }
        return out
    }

    func event(_ app: Application, _ f: Fixture, _ user: String, _ id: Int) async throws -> (HTTPStatus, GridEventDTO?) {
        var out: (HTTPStatus, GridEventDTO?) = (.ok, nil)
        try await app.call(.GET, "/api/v1/events/\(id)", headers: f.bearer(user)) { res in out = (res.status, res.status == .ok ? try res.content.decode(GridEventDTO.self) : nil) }
        return out
    }

    func testTheLoopFromReportToVerifiedClosure() async throws {
        try await withApp { app, fx in
            var f = fx
            try await setSquareOutlines(app, f)
            let (unitA, _) = try await makeUnits(app, &f)
            let photo = try fixturePhoto()
            // 采集: a grid worker drops a pin in G1a with a photo; community and grid come from the point.
            let report = ["categoryCode": "C0101", "description": "人行道井盖缺失，夜间危险", "lat": "22.1", "lon": "113.05", "idempotencyKey": "k-1", "urgency": "pressing"]
            var (s, body) = try await post(app, f, "grid", "/api/v1/events", report, photos: [photo])
            XCTAssertEqual(s, .created, body)
            let created = try apiDecoder.decode(GridEventDTO.self, from: Data(body.utf8))
            XCTAssertEqual(created.communityID, f.c1); XCTAssertEqual(created.gridID, f.g1a); XCTAssertEqual(created.status, .reported)
            XCTAssertEqual(created.photos?.count, 1)
            // A resend with the same key (the answer was lost) files nothing new.
            (s, body) = try await post(app, f, "grid", "/api/v1/events", report, photos: [photo])
            XCTAssertEqual(s, .ok); XCTAssertTrue(body.contains("\"id\":\(created.id)"))
            let filed = try await GridEvent.query(on: app.db).count()
            XCTAssertEqual(filed, 1)
            // The same problem 20 m away: shown as a possible duplicate first.
            var again = report; again["idempotencyKey"] = "k-2"; again["lon"] = "113.0502"
            (s, body) = try await post(app, f, "grid", "/api/v1/events", again)
            XCTAssertEqual(s, .conflict); XCTAssertEqual(try apiDecoder.decode(Conflict.self, from: Data(body.utf8)).duplicates.map(\.id), [created.id])
            let id = created.id
            // Sides: a grid worker cannot register; the unit cannot see it yet; an officer elsewhere never.
            (s, _) = try await post(app, f, "grid", "/api/v1/events/\(id)/actions", ["action": "register"])
            XCTAssertEqual(s, .forbidden)
            let got1 = try await event(app, f, "unit", id).0
            XCTAssertEqual(got1, .notFound)
            let got2 = try await event(app, f, "officer3", id).0
            XCTAssertEqual(got2, .notFound)
            // 立案, 派遣 with the category's time limit on the working calendar.
            (s, body) = try await post(app, f, "command", "/api/v1/events/\(id)/actions", ["action": "register"])
            XCTAssertEqual(s, .ok, body)
            (s, body) = try await post(app, f, "command", "/api/v1/events/\(id)/actions", ["action": "dispatch", "unitID": "\(unitA)"])
            XCTAssertEqual(s, .ok, body)
            let got4 = try await event(app, f, "unit", id).1
            var ev = try XCTUnwrap(got4, "the unit now sees it")
            XCTAssertEqual(ev.status, .dispatched); XCTAssertNotNil(ev.caseNumber)
            let stored = try await GridEvent.find(id, on: app.db)!
            let limit = GridEventTimeLimitTable.sample.limit(for: "C0101", parentCode: "C01", urgency: .pressing)
            XCTAssertEqual(stored.deadline!.timeIntervalSince1970, limit.deadline(from: stored.dispatchedAt!, calendar: .china).timeIntervalSince1970, accuracy: 1)
            let got3 = try await event(app, f, "unit2", id).0
            XCTAssertEqual(got3, .notFound, "another unit sees nothing")
            // The unit: 签收, then feedback with a photo.
            (s, _) = try await post(app, f, "command", "/api/v1/events/\(id)/actions", ["action": "accept"])
            XCTAssertEqual(s, .forbidden, "the centre is not the unit")
            (s, _) = try await post(app, f, "unit", "/api/v1/events/\(id)/actions", ["action": "accept"]); XCTAssertEqual(s, .ok)
            (s, body) = try await post(app, f, "unit", "/api/v1/events/\(id)/actions", ["action": "feedback", "note": "已更换井盖"], photos: [photo])
            XCTAssertEqual(s, .ok, body)
            // 核查: without a photo refused (nothing changes); a failed check sends it back (返工).
            (s, body) = try await post(app, f, "grid", "/api/v1/events/\(id)/actions", ["action": "pass_verification"])
            XCTAssertEqual(s, .unprocessableEntity, body)
            let got5 = try await event(app, f, "grid", id).1
            ev = try XCTUnwrap(got5); XCTAssertEqual(ev.status, .handled)
            (s, _) = try await post(app, f, "grid", "/api/v1/events/\(id)/actions", ["action": "fail_verification", "reason": "井盖未固定"], photos: [photo])
            XCTAssertEqual(s, .ok)
            let got6 = try await event(app, f, "grid", id).1
            ev = try XCTUnwrap(got6); XCTAssertEqual(ev.status, .rework); XCTAssertEqual(ev.reworkCount, 1)
            (s, _) = try await post(app, f, "unit", "/api/v1/events/\(id)/actions", ["action": "feedback", "note": "已加固"], photos: [photo]); XCTAssertEqual(s, .ok)
            (s, _) = try await post(app, f, "grid", "/api/v1/events/\(id)/actions", ["action": "pass_verification", "note": "现场核查通过"], photos: [photo]); XCTAssertEqual(s, .ok)
            let got7 = try await event(app, f, "command", id).1
            ev = try XCTUnwrap(got7)
            XCTAssertEqual(ev.status, .closed); XCTAssertNotNil(ev.closedAt)
            XCTAssertEqual(ev.steps?.map(\.action), ["report", "register", "dispatch", "accept", "feedback", "fail_verification", "feedback", "pass_verification"])
            XCTAssertEqual(ev.photos?.count, 5)
            // A closed event takes no more steps; every step is audited.
            (s, body) = try await post(app, f, "unit", "/api/v1/events/\(id)/actions", ["action": "accept"])
            XCTAssertEqual(s, .conflict, "the unit still sees its closed event, but nothing more can be done"); XCTAssertTrue(body.contains("已结案"), body)
            (s, _) = try await post(app, f, "command", "/api/v1/events/\(id)/actions", ["action": "register"]); XCTAssertEqual(s, .conflict)
            let audited = try await AuditEvent.query(on: app.db).filter(\.$entity == "grid_event").count()
            XCTAssertEqual(audited, 8)
        }
    }

    func testBadReportsAreRefusedWithFieldMessagesAndWriteNothing() async throws {
        try await withApp { app, f in
            try await setSquareOutlines(app, f)
            var (s, body) = try await post(app, f, "grid", "/api/v1/events", ["description": "x"])
            XCTAssertEqual(s, .unprocessableEntity)
            for field in ["categoryCode", "description", "lat"] { XCTAssertTrue(body.contains("\"\(field)\""), "\(field): \(body)") }
            (s, body) = try await post(app, f, "grid", "/api/v1/events", ["categoryCode": "C01", "description": "大类不能直接选", "lat": "22.1", "lon": "113.05"])
            XCTAssertEqual(s, .unprocessableEntity); XCTAssertTrue(body.contains("小类"))
            // Outside the grid worker's grid (G1b).
            (s, body) = try await post(app, f, "grid", "/api/v1/events", ["categoryCode": "C0101", "description": "不在我的网格", "lat": "22.1", "lon": "113.15"])
            XCTAssertEqual(s, .unprocessableEntity, body)
            // A file that is not a photo.
            (s, body) = try await post(app, f, "grid", "/api/v1/events", ["categoryCode": "C0101", "description": "附件不是照片", "lat": "22.1", "lon": "113.05"],
                                     photos: [Data("%PDF-1.4 not a photo".utf8)])
            XCTAssertEqual(s, .unprocessableEntity, body); XCTAssertTrue(body.contains("photos"), body)
            let n = try await GridEvent.query(on: app.db).count()
            XCTAssertEqual(n, 0, "nothing half-written")
            // Roles without the loop: a mediator cannot report; a team leader sees no events.
            (s, _) = try await post(app, f, "mediator", "/api/v1/events", ["categoryCode": "C0101", "description": "调解员", "lat": "22.1", "lon": "113.05"])
            XCTAssertEqual(s, .forbidden)
            try await app.call(.GET, "/api/v1/events", headers: f.bearer("leader")) { XCTAssertEqual($0.status, .forbidden) }
        }
    }
}

/// A reported grid event inserted directly (for route walks and constructed months).
@discardableResult
func insertGridEvent(_ app: Application, community: Int, grid: Int?, category: String = "C0101", reportedAt: Date = Date(),
                     configure: (inout GridEventState) -> Void = { _ in }, unit: Int? = nil) async throws -> Int {
    let e = GridEvent()
    e.categoryCode = category; e.urgency = .normal; e.description = "测试事件"; e.address = ""; e.communityID = community; e.gridID = grid
    e.source = .gridPatrol; e.reportedAt = reportedAt; e.reworkCount = 0; e.roundTheClock = false; e.stateJSON = "{}"
    var s = GridEventState(reportedAt: reportedAt)
    configure(&s)
    e.state = s
    try await e.create(on: app.db)
    return e.id!
}

/// A photo of an event with real files on disk (the fixture JPEG as all three copies).
@discardableResult
func insertPhoto(_ app: Application, event: Int) async throws -> Int {
    let data = try fixturePhoto()
    let stem = UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
    let dir = PhotoStore.directory(app)
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    for n in ["o", "d", "t"] { try data.write(to: URL(fileURLWithPath: dir + "/\(stem).\(n).jpg")) }
    let p = Photo()
    p.owner = PhotoOwner.gridEvent.rawValue; p.ownerID = event; p.format = "jpeg"
    p.originalName = "\(stem).o.jpg"; p.displayName = "\(stem).d.jpg"; p.thumbName = "\(stem).t.jpg"
    p.width = 61; p.height = 43; p.size = data.count; p.sha256 = "x"; p.camera = ""; p.moderation = .internalOnly; p.moderationNote = ""; p.createdAt = Date()
    try await p.create(on: app.db)
    return p.id!
}

final class GridEventEvaluationTests: XCTestCase {
    /// March 2026, computed by hand (no holiday in March 2026; working hours 08:30–12:00, 14:00–17:30):
    ///   E1 unit A: dispatched Mon 03-02 09:00, deadline 03-03 17:00, handled Tue 03-03 10:00 (on time; 6.5 + 1.5 = 8.0 working h),
    ///      closed 03-04, rated 满意.
    ///   E2 unit A: dispatched Thu 03-05 09:00, deadline Fri 03-06 12:00, handled Mon 03-09 10:00 (late; 6.5 + 7 + 1.5 = 15.0 h),
    ///      reworked once, closed 03-10.
    ///   E3 unit A: dispatched 03-10 09:00, deadline 03-20 17:00, never handled (due and overdue).
    ///   E4 unit B: dispatched 03-11 09:00, deadline 03-12 17:00, handled 03-12 09:00 (on time), not closed.
    ///   E5 declined; E6 registered, not dispatched.
    /// Unit A: reported 3, registered 3, due 3, on time 1 → 33.3 %, overdue 2, handled 2, reworked 1 → 50.0 %, closed 2/3 → 66.7 %,
    ///   average handling (8 + 15) / 2 = 11.5 h, rated 1, satisfied → 100.0 %.
    /// Unit B: due 1, on time 1 → 100.0 %, handled 1, reworked 0 → 0.0 %, closed 0/1 → 0.0 %. Ranked by on-time rate: B 1st, A 2nd.
    /// Total: reported 6, registered 5, declined 1, dispatched 4, due 4, on time 2 → 50.0 %, closed 2/5 → 40.0 %.
    func testAConstructedMonthGivesTheHandComputedFigures() async throws {
        try await withApp { app, fx in
            var f = fx
            let (ua, ub) = try await makeUnits(app, &f)
            let cal = LocalCalendar()
            func t(_ d: Int, _ h: Int, _ m: Int = 0) -> Date { cal.date(year: 2026, month: 3, day: d, hour: h, minute: m) }
            func dispatched(_ s: inout GridEventState, unit: Int, at: Date, deadline: Date) {
                s.caseNumber = "AJ-\(at.timeIntervalSince1970)"; s.unitID = String(unit); s.dispatchedAt = at; s.deadline = deadline
                s.timeLimit = .working(16); s.status = .dispatched
            }
            try await insertGridEvent(app, community: f.c1, grid: f.g1a, reportedAt: t(2, 8), configure: { s in
                dispatched(&s, unit: ua, at: t(2, 9), deadline: t(3, 17)); s.handledAt = t(3, 10); s.closedAt = t(4, 9); s.status = .closed; s.satisfaction = .satisfied })
            try await insertGridEvent(app, community: f.c1, grid: f.g1a, reportedAt: t(5, 8), configure: { s in
                dispatched(&s, unit: ua, at: t(5, 9), deadline: t(6, 12)); s.handledAt = t(9, 10); s.reworkCount = 1; s.closedAt = t(10, 9); s.status = .closed })
            try await insertGridEvent(app, community: f.c1, grid: f.g1b, reportedAt: t(10, 8), configure: { s in
                dispatched(&s, unit: ua, at: t(10, 9), deadline: t(20, 17)); s.status = .handling })
            try await insertGridEvent(app, community: f.c3, grid: f.g3, reportedAt: t(11, 8), configure: { s in
                dispatched(&s, unit: ub, at: t(11, 9), deadline: t(12, 17)); s.handledAt = t(12, 9); s.status = .handled })
            try await insertGridEvent(app, community: f.c1, grid: f.g1a, reportedAt: t(12, 8), configure: { s in s.status = .declined; s.reason = "非网格事件" })
            try await insertGridEvent(app, community: f.c1, grid: f.g1a, reportedAt: t(13, 8), configure: { s in s.caseNumber = "AJ-6"; s.status = .registered })
            var page: GridEventEvaluationPage?
            try await app.call(.GET, "/api/v1/events/evaluation?month=2026-03&by=unit", headers: f.bearer("command")) { res in
                XCTAssertEqual(res.status, .ok, res.body.string); page = try res.content.decode(GridEventEvaluationPage.self)
            }
            let p = try XCTUnwrap(page)
            XCTAssertEqual(p.rows.map(\.name), ["物业公司", "城管执法中队"], "ranked by on-time rate")
            XCTAssertEqual(p.rows.map(\.rank), [1, 2])
            let a = p.rows[1], b = p.rows[0]
            XCTAssertEqual([a.reported, a.registered, a.dispatched, a.due, a.handledOnTime, a.overdue, a.handled, a.reworked, a.closed], [3, 3, 3, 3, 1, 2, 2, 1, 2])
            XCTAssertEqual([a.onTimeRate, a.reworkRate, a.closureRate, a.satisfactionRate], ["33.3%", "50.0%", "66.7%", "100.0%"])
            XCTAssertEqual(a.averageHandlingHours, 11.5)
            XCTAssertEqual([b.onTimeRate, b.reworkRate, b.closureRate], ["100.0%", "0.0%", "0.0%"])
            let t = p.total
            XCTAssertEqual([t.reported, t.registered, t.declined, t.dispatched, t.due, t.handledOnTime], [6, 5, 1, 4, 4, 2])
            XCTAssertEqual([t.onTimeRate, t.closureRate], ["50.0%", "40.0%"])
            // Scoped: a unit's staff see only their unit's events; an officer of C1 sees C1's.
            try await app.call(.GET, "/api/v1/events/evaluation?month=2026-03", headers: f.bearer("unit2")) { res in
                let q = try res.content.decode(GridEventEvaluationPage.self)
                XCTAssertEqual(q.rows.map(\.name), ["物业公司"]); XCTAssertEqual(q.total.reported, 1)
            }
            try await app.call(.GET, "/api/v1/events/evaluation?month=2026-03", headers: f.bearer("officer")) { res in
                XCTAssertEqual(try res.content.decode(GridEventEvaluationPage.self).total.reported, 5, "C1's five, not C3's")
            }
            try await app.call(.GET, "/api/v1/events/evaluation?month=2026-13", headers: f.bearer("command")) { XCTAssertEqual($0.status, .unprocessableEntity) }
            // The page and the CSV say the same.
            let command = try await signIn(app, "command")
            try await app.call(.GET, "/events/evaluation?month=2026-03", beforeRequest: { $0.headers.cookie = command.cookies }) { res in
                XCTAssertEqual(res.status, .ok); XCTAssertTrue(res.body.string.contains("33.3%") && res.body.string.contains("<svg"))
            }
            try await app.call(.GET, "/events/evaluation.csv?month=2026-03", beforeRequest: { $0.headers.cookie = command.cookies }) { res in
                XCTAssertTrue(res.body.string.contains("城管执法中队,3,3,0,3,3,1,33.3%,2,2,1,50.0%,2,66.7%,11.5,1,100.0%"), res.body.string)
            }
        }
    }
}

extension GridEventEvaluationTests {
    /// The trend is counted in the database; the month's table from the events with a time in the month. Both must
    /// agree with `GridEventEvaluationRow.add` at the month's edges:
    ///   F1 reported 02-26, registered, closed 03-02 → February: reported, registered, not closed by February's end.
    ///   F2 reported 02-26, dispatched 02-27, handled and closed 02-28, deadline 03-02 → February: closed; March: due and
    ///      on time, though nothing else of it happened in March.
    ///   F3 reported 03-05, dispatched, deadline 03-06, never handled → March: reported, registered, due and overdue.
    /// February: closure 1/2 = 50 %, nothing due. March: reported 1, closure 0/1, on time 1/2 = 50 %.
    func testTheTrendAndTheMonthCountEventsAtTheMonthsEdges() async throws {
        try await withApp { app, fx in
            var f = fx
            let (ua, _) = try await makeUnits(app, &f)
            let cal = LocalCalendar()
            func t(_ mo: Int, _ d: Int, _ h: Int) -> Date { cal.date(year: 2026, month: mo, day: d, hour: h, minute: 0) }
            try await insertGridEvent(app, community: f.c1, grid: f.g1a, reportedAt: t(2, 26, 9), configure: { s in
                s.caseNumber = "AJ-F1"; s.closedAt = t(3, 2, 9); s.status = .closed })
            try await insertGridEvent(app, community: f.c1, grid: f.g1a, reportedAt: t(2, 26, 10), configure: { s in
                s.caseNumber = "AJ-F2"; s.unitID = String(ua); s.dispatchedAt = t(2, 27, 9); s.deadline = t(3, 2, 17); s.timeLimit = .working(16)
                s.handledAt = t(2, 28, 10); s.closedAt = t(2, 28, 15); s.status = .closed })
            try await insertGridEvent(app, community: f.c1, grid: f.g1a, reportedAt: t(3, 5, 8), configure: { s in
                s.caseNumber = "AJ-F3"; s.unitID = String(ua); s.dispatchedAt = t(3, 5, 9); s.deadline = t(3, 6, 17); s.timeLimit = .working(16); s.status = .handling })
            var page: GridEventEvaluationPage?
            try await app.call(.GET, "/api/v1/events/evaluation?month=2026-03&by=unit", headers: f.bearer("command")) { res in
                XCTAssertEqual(res.status, .ok, res.body.string); page = try res.content.decode(GridEventEvaluationPage.self)
            }
            let p = try XCTUnwrap(page)
            XCTAssertEqual(p.trend.map(\.month), ["2025-10", "2025-11", "2025-12", "2026-01", "2026-02", "2026-03"])
            let feb = p.trend[4], mar = p.trend[5]
            XCTAssertEqual([feb.reported, mar.reported], [2, 1])
            XCTAssertEqual(feb.closureRate, 0.5); XCTAssertNil(feb.onTimeRate, "nothing fell due in February")
            XCTAssertEqual(mar.closureRate, 0); XCTAssertEqual(mar.onTimeRate, 0.5)
            XCTAssertEqual(p.trend[0].reported, 0); XCTAssertNil(p.trend[0].closureRate)
            let total = p.total
            XCTAssertEqual([total.reported, total.registered, total.dispatched, total.due, total.handledOnTime, total.overdue, total.closed], [1, 1, 1, 2, 1, 1, 0])
            XCTAssertEqual(total.onTimeRate, "50.0%", "the month's table and its trend point agree")
            // A unit's staff count only their unit's events in the trend too: F1 has no unit.
            try await app.call(.GET, "/api/v1/events/evaluation?month=2026-03", headers: f.bearer("unit")) { res in
                let q = try res.content.decode(GridEventEvaluationPage.self)
                XCTAssertEqual(q.trend[4].reported, 1); XCTAssertEqual(q.trend[4].closureRate, 1)
            }
        }
    }
}

extension GridEventEvaluationTests {
    /// The month still running: its trend point counts with `now` (a deadline still ahead is not due yet; a closure or a
    /// handling counts only once it has happened) and must agree with the month's table, which the Kit counts as of now.
    ///   R1 dispatched, deadline ahead, not handled → not due.   R2 deadline ahead, handled → due, on time.
    ///   R3 deadline passed, not handled → due, overdue.          R4 registered and closed → closed.
    ///   R5 registered, closure recorded ahead of now → not closed yet.
    func testTheRunningMonthsTrendPointAgreesWithItsTable() async throws {
        try await withApp { app, fx in
            var f = fx
            let (ua, _) = try await makeUnits(app, &f)
            let cal = LocalCalendar(), now = Date()
            let month = cal.yearMonth(of: now), range = cal.monthRange(month)
            let start = range.lowerBound.timeIntervalSince1970, n = now.timeIntervalSince1970, end = range.upperBound.timeIntervalSince1970
            func past(_ k: Double) -> Date { Date(timeIntervalSince1970: start + (n - start) * k) }   // k in (0, 1): earlier this month
            func ahead(_ k: Double) -> Date { Date(timeIntervalSince1970: n + (end - n) * k) }       // later this month
            func dispatched(_ s: inout GridEventState, deadline: Date) {
                s.caseNumber = "AJ-\(UUID().uuidString)"; s.unitID = String(ua); s.dispatchedAt = past(0.2); s.deadline = deadline
                s.timeLimit = .working(16); s.status = .dispatched
            }
            try await insertGridEvent(app, community: f.c1, grid: f.g1a, reportedAt: past(0.1), configure: { s in dispatched(&s, deadline: ahead(0.5)) })
            try await insertGridEvent(app, community: f.c1, grid: f.g1a, reportedAt: past(0.1), configure: { s in
                dispatched(&s, deadline: ahead(0.5)); s.handledAt = past(0.5); s.status = .handled })
            try await insertGridEvent(app, community: f.c1, grid: f.g1a, reportedAt: past(0.1), configure: { s in
                dispatched(&s, deadline: past(0.6)); s.status = .handling })
            try await insertGridEvent(app, community: f.c1, grid: f.g1a, reportedAt: past(0.1), configure: { s in
                s.caseNumber = "AJ-R4"; s.closedAt = past(0.7); s.status = .closed })
            try await insertGridEvent(app, community: f.c1, grid: f.g1a, reportedAt: past(0.1), configure: { s in
                s.caseNumber = "AJ-R5"; s.closedAt = ahead(0.5); s.status = .closed })
            var page: GridEventEvaluationPage?
            try await app.call(.GET, "/api/v1/events/evaluation?month=\(month)&by=unit", headers: f.bearer("command")) { res in
                XCTAssertEqual(res.status, .ok, res.body.string); page = try res.content.decode(GridEventEvaluationPage.self)
            }
            let p = try XCTUnwrap(page), t = p.total, point = try XCTUnwrap(p.trend.last)
            XCTAssertEqual(point.month, month.description)
            XCTAssertEqual([t.reported, t.registered, t.due, t.handledOnTime, t.overdue, t.closed], [5, 5, 2, 1, 1, 1])
            XCTAssertEqual(point.reported, t.reported)
            XCTAssertEqual(point.onTimeRate, 0.5); XCTAssertEqual(point.onTimeRate, Share(t.handledOnTime, of: t.due).fraction)
            XCTAssertEqual(point.closureRate, 0.2); XCTAssertEqual(point.closureRate, Share(t.closed, of: t.registered).fraction)
        }
    }
}

final class GridEventPhotoTests: XCTestCase {
    func testPhotosAreStrippedScopedAndTheirViewsAudited() async throws {
        try await withApp { app, fx in
            var f = fx
            try await setSquareOutlines(app, f)
            try await makeUnits(app, &f)
            let original = try fixturePhoto()
            XCTAssertTrue(original.range(of: Data("GPS".utf8)) != nil && original.range(of: Data("iPhone".utf8)) != nil, "the fixture carries a location and a camera")
            let (h, body) = multipart(["categoryCode": "C0101", "description": "井盖破损", "lat": "22.1", "lon": "113.05"], photos: [original])
            var headers = f.bearer("grid"); for (k, v) in h { headers.replaceOrAdd(name: k, value: v) }
            var photoURL = "", thumbURL = ""
            var location: (Double?, Double?) = (nil, nil)
            try await app.call(.POST, "/api/v1/events", headers: headers, beforeRequest: { $0.body = body }) { res in
                XCTAssertEqual(res.status, .created, res.body.string)
                let dto = try res.content.decode(GridEventDTO.self)
                photoURL = dto.photos?.first?.url ?? ""; thumbURL = dto.photos?.first?.thumbURL ?? ""
                location = (dto.photos?.first?.lat, dto.photos?.first?.lon)
            }
            XCTAssertEqual(location.0 ?? 0, 22.9376, accuracy: 1e-4, "the location the photo carried is kept for staff (to prefill a pin)")
            for url in [photoURL, thumbURL, photoURL + "/original"] where !url.isEmpty {
                try await app.call(.GET, url, headers: f.bearer("officer")) { res in
                    XCTAssertEqual(res.status, .ok, url)
                    let bytes = Data(res.body.readableBytesView)
                    XCTAssertEqual(Array(bytes.prefix(2)), [0xFF, 0xD8], "a JPEG")
                    XCTAssertNil(bytes.range(of: Data("GPS".utf8)), "\(url): no GPS left")
                    XCTAssertNil(bytes.range(of: Data("iPhone".utf8)), "\(url): no camera left")
                    XCTAssertEqual(res.headers.first(name: .cacheControl), "private, no-store")
                }
            }
            let views = try await AuditEvent.query(on: app.db).filter(\.$action ~~ ["photo.view", "photo.download"]).count()
            XCTAssertEqual(views, 2, "viewing and downloading a non-public photo are audited (thumbnails are not)")
            try await app.call(.GET, photoURL, headers: f.bearer("officer3")) { XCTAssertEqual($0.status, .notFound, "out of scope looks missing") }
            try await app.call(.GET, photoURL, headers: f.bearer("unit")) { XCTAssertEqual($0.status, .notFound, "not dispatched to this unit") }
            let id = photoURL.split(separator: "/").last!
            try await app.call(.GET, "/public/photos/\(id)") { XCTAssertEqual($0.status, .notFound, "staff photos are never public") }
        }
    }
}

final class GridEventPortalTests: XCTestCase {
    /// A resident's request taken up as a grid event: the resident follows its steps by token and rates the result once.
    func testARequestBecomesAnEventTheResidentFollowsAndRates() async throws {
        try await withApp { app, fx in
            var f = fx
            try await setSquareOutlines(app, f)
            let (unitA, _) = try await makeUnits(app, &f)
            let rid = try await insertPortalRequest(app, community: f.c1, type: "report_hazard", description: "路口井盖缺失")
            let stored = try await PortalRequest.find(rid, on: app.db)!
            stored.lat = 22.1; stored.lon = 113.05  // the resident dropped a pin in G1a
            try await stored.save(on: app.db)
            let token = stored.token
            let officer = try await signIn(app, "officer")
            try await app.call(.POST, "/portal/requests/\(rid)/convert", beforeRequest: { req in
                req.headers.cookie = officer.cookies
                try req.content.encode(["_csrf": officer.csrf, "to": "event", "eventCategory": "C0101"], as: .urlEncodedForm)
            }) { XCTAssertEqual($0.status, .seeOther, $0.body.string) }
            let request = try await PortalRequest.find(rid, on: app.db)!
            let eid = try XCTUnwrap(request.eventID)
            let ev = try await GridEvent.find(eid, on: app.db)!
            XCTAssertEqual(ev.source, .portal); XCTAssertEqual(ev.portalRequestID, rid); XCTAssertEqual(ev.communityID, f.c1); XCTAssertEqual(ev.gridID, f.g1a)
            // Converting twice is refused.
            try await app.call(.POST, "/api/v1/portal/requests/\(rid)/convert", headers: f.bearer("officer"), beforeRequest: { try $0.content.encode(["to": "event", "eventCategory": "C0101"]) }) {
                XCTAssertEqual($0.status, .unprocessableEntity)
            }
            struct Public: Decodable { var event: PublicEventDTO? }
            func publicView() async throws -> PublicEventDTO? {
                var out: PublicEventDTO?
                try await app.call(.GET, "/api/public/requests/\(token)") { out = try $0.content.decode(Public.self).event }
                return out
            }
            var seen = try await publicView()
            XCTAssertEqual(seen?.steps.count, 1); XCTAssertEqual(seen?.canRate, false)
            // Too early to rate.
            try await app.call(.POST, "/api/public/requests/\(token)/rating", beforeRequest: { try $0.content.encode(["satisfaction": "satisfied"]) }) {
                XCTAssertEqual($0.status, .conflict)
            }
            // Through the loop.
            let photo = try fixturePhoto()
            for (user, fields, photos) in [("command", ["action": "register"], []), ("command", ["action": "dispatch", "unitID": "\(unitA)"], []),
                                           ("unit", ["action": "accept"], []), ("unit", ["action": "feedback", "note": "已处置"], [photo]),
                                           ("grid", ["action": "pass_verification"], [photo])] as [(String, [String: String], [Data])] {
                let (h, body) = multipart(fields, photos: photos)
                var headers = f.bearer(user); for (k, v) in h { headers.replaceOrAdd(name: k, value: v) }
                try await app.call(.POST, "/api/v1/events/\(eid)/actions", headers: headers, beforeRequest: { $0.body = body }) { XCTAssertEqual($0.status, .ok, "\(user) \(fields) \($0.body.string)") }
            }
            seen = try await publicView()
            XCTAssertEqual(seen?.closed, true); XCTAssertEqual(seen?.canRate, true); XCTAssertEqual(seen?.steps.count, 6)
            let publicBody = try await { () async throws -> String in var s = ""; try await app.call(.GET, "/api/public/requests/\(token)") { s = $0.body.string }; return s }()
            XCTAssertFalse(publicBody.contains("Unit") || publicBody.contains("Command"), "no staff names in the resident's view")
            try await app.call(.POST, "/api/public/requests/\(token)/rating", beforeRequest: { try $0.content.encode(["satisfaction": "nope"]) }) {
                XCTAssertEqual($0.status, .unprocessableEntity)
            }
            try await app.call(.POST, "/api/public/requests/\(token)/rating", beforeRequest: { try $0.content.encode(["satisfaction": "fairly_satisfied"]) }) {
                XCTAssertEqual($0.status, .ok, $0.body.string)
            }
            try await app.call(.POST, "/api/public/requests/\(token)/rating", beforeRequest: { try $0.content.encode(["satisfaction": "dissatisfied"]) }) {
                XCTAssertEqual($0.status, .conflict, "once")
            }
            let rated = try await GridEvent.find(eid, on: app.db)!
            XCTAssertEqual(rated.satisfaction, .fairlySatisfied)
            try await app.call(.GET, "/public/track/\(token)") { res in
                XCTAssertTrue(res.body.string.contains("处置进度") && res.body.string.contains("基本满意"))
            }
        }
    }
}
