import Fluent
import SQLKit
import Vapor
import XCTVapor
import PinganKit
@testable import PinganServer

/// A small, fixed jurisdiction for tests:
///   district 440113 ─ street A (440113007) ─ C1 (grids G1a, G1b), C2 (grid G2)   covered by station A
///                   └ street B (440113008) ─ C3 (grid G3)                        covered by station B
struct Fixture {
    var district = 0, streetA = 0, streetB = 0, c1 = 0, c2 = 0, c3 = 0, g1a = 0, g1b = 0, g2 = 0, g3 = 0, b1a = 0
    var stationA = 0, stationB = 0
    var users: [String: Int] = [:]
    var tokens: [String: String] = [:]
    static let password = "correct horse battery"
    /// The TOTP secret of the users whose role must have two factors (admin, command, chief): RFC 6238's SHA-1 seed.
    static let totp = PinganKit.TOTP(secret: Array("12345678901234567890".utf8))
}

/// Builds an app on in-memory SQLite, or on PostgreSQL when PINGAN_TEST_DATABASE_URL is set
/// (the same tests run on both; .ci/run does both).
func makeTestApp() async throws -> (Application, Fixture) {
    let app = try await Application.make(.testing)
    var db = AppConfig.DatabaseKind.sqliteMemory
    if let url = ProcessInfo.processInfo.environment["PINGAN_TEST_DATABASE_URL"], !url.isEmpty { db = .postgres(url) }
    do {
        try await configure(app, config: .testing(database: db))
    app.passwords.use(.bcrypt(cost: 4)) // real bcrypt, cheap cost: tests stay fast
    if case .postgres = db {
        let sql = app.db as! any SQLDatabase
        try await sql.raw("DROP SCHEMA public CASCADE").run()
        try await sql.raw("CREATE SCHEMA public").run()
    }
        try await app.migrateAll()
        return (app, try await seedFixture(app))
    } catch {
        try? await app.asyncShutdown()
        throw error
    }
}

/// Runs a test body against a fresh app and always shuts it down.
func withApp(_ body: (Application, Fixture) async throws -> Void) async throws {
    let (app, f) = try await makeTestApp()
    do { try await body(app, f) } catch { try? await app.asyncShutdown(); throw error }
    try await app.asyncShutdown()
}

func seedFixture(_ app: Application) async throws -> Fixture {
    var f = Fixture()
    let db = app.db
    func div(_ code: String, _ name: String, _ level: DivisionLevel, _ parent: Int?, community: Int? = nil, station: Int? = nil) async throws -> Int {
        let d = Division(code: code, name: name, level: level, parentID: parent, kind: level == .community ? .urban : nil)
        d.communityID = community; d.stationID = station
        try await d.create(on: db)
        return d.id!
    }
    f.district = try await div("440113", "番禺区", .district, nil)
    f.streetA = try await div("440113007", "市桥街道", .street, f.district)
    f.streetB = try await div("440113008", "沙头街道", .street, f.district)
    let sa = Station(name: "市桥派出所", address: "x", phone: "1", divisionID: f.streetA); try await sa.create(on: db); f.stationA = sa.id!
    let sb = Station(name: "沙头派出所", address: "y", phone: "2", divisionID: f.streetB); try await sb.create(on: db); f.stationB = sb.id!
    f.c1 = try await div("440113007601", "德兴社区", .community, f.streetA, station: f.stationA)
    f.c2 = try await div("440113007602", "东兴社区", .community, f.streetA, station: f.stationA)
    f.c3 = try await div("440113008601", "沙头社区", .community, f.streetB, station: f.stationB)
    f.g1a = try await div("440113007601001", "第1网格", .grid, f.c1, community: f.c1)
    f.g1b = try await div("440113007601002", "第2网格", .grid, f.c1, community: f.c1)
    f.g2 = try await div("440113007602001", "第1网格", .grid, f.c2, community: f.c2)
    f.g3 = try await div("440113008601001", "第1网格", .grid, f.c3, community: f.c3)
    f.b1a = try await div("4401130076010010001", "1栋", .building, f.g1a, community: f.c1)
    let hash = try app.password.hash(Fixture.password)
    let specs: [(String, Role, Int?, Int?)] = [
        ("admin", .admin, nil, nil), ("command", .districtCommand, f.district, nil), ("chief", .stationChief, nil, f.stationA),
        ("officer", .communityOfficer, f.c1, nil), ("officer3", .communityOfficer, f.c3, nil), ("grid", .gridWorker, f.g1a, nil),
        ("mediator", .mediator, f.streetA, nil), ("leader", .teamLeader, f.c1, nil), ("analyst", .analyst, f.district, nil),
    ]
    for (name, role, scope, station) in specs {
        let u = User(username: name, displayName: name.capitalized, passwordHash: hash, role: role, scopeDivisionID: scope, stationID: station)
        // The roles that must sign in with two factors have them, as on a real install (signIn types the code).
        if TwoFactor.required(u, app.pingan) {
            u.totpSecret = try FieldCipher(secret: app.pingan.secretKey).seal(Base32.encode(Fixture.totp.secret))
            u.totpEnabledAt = Date()
        }
        try await u.create(on: db)
        f.users[name] = u.id!
        let token = "test-token-\(name)"
        try await APIToken(userID: u.id!, name: "test", tokenHash: Tokens.hash(token), createdAt: Date(), expiresAt: Date().addingTimeInterval(86400)).create(on: db)
        f.tokens[name] = token
    }
    return f
}

extension Fixture {
    func bearer(_ user: String) -> HTTPHeaders {
        var h = HTTPHeaders()
        h.bearerAuthorization = BearerAuthorization(token: tokens[user]!)
        return h
    }
}

/// A valid incident body for the API.
func incidentBody(community: Int, grid: Int? = nil, subcategory: String = "burglary", description: String = "入室盗窃，门锁被撬", hoursAgo: Double = 5) -> [String: String] {
    let occurred = Date().addingTimeInterval(-hoursAgo * 3600)
    var b: [String: String] = [
        "source": "110", "subcategory": subcategory, "occurredAt": ISO8601DateFormatter().string(from: occurred),
        "communityID": "\(community)", "address": "德兴路12号", "description": description, "modusOperandi": "撬锁",
    ]
    if let grid { b["gridID"] = "\(grid)" }
    return b
}

/// Creates an incident through the API as `user` and returns its id.
@discardableResult
func createIncident(_ app: Application, _ f: Fixture, as user: String = "admin", community: Int, grid: Int? = nil, description: String = "入室盗窃，门锁被撬") async throws -> Int {
    var id = 0
    try await app.call(.POST, "/api/v1/incidents", headers: f.bearer(user), beforeRequest: { req in
        try req.content.encode(incidentBody(community: community, grid: grid, description: description))
    }, afterResponse: { res in
        XCTAssertEqual(res.status, .created, res.body.string)
        id = try res.content.decode(IncidentDTO.self).id
    })
    return id
}

/// Posts a form as a signed-in browser would: the session cookie and the CSRF field.
func postForm(_ app: Application, _ s: (cookies: HTTPCookies, csrf: String, status: HTTPStatus), _ path: String, _ form: [String: String],
              _ check: @escaping (XCTHTTPResponse) throws -> Void) async throws {
    try await app.call(.POST, path, beforeRequest: { req in
        req.headers.cookie = s.cookies
        var body = form; body["_csrf"] = s.csrf
        try req.content.encode(body, as: .urlEncodedForm)
    }, afterResponse: check)
}

/// Signs in through the real form (CSRF cookie, then POST) and returns the cookie header to reuse.
func signIn(_ app: Application, _ username: String, password: String = Fixture.password) async throws -> (cookies: HTTPCookies, csrf: String, status: HTTPStatus) {
    var pre = ""
    try await app.call(.GET, "/login") { res in pre = res.headers.setCookie?["pingan_csrf"]?.string ?? "" }
    var cookies = HTTPCookies()
    cookies["pingan_csrf"] = .init(string: pre)
    var status = HTTPStatus.ok
    var session = ""
    var challenge = ""
    try await app.call(.POST, "/login", beforeRequest: { req in
        req.headers.cookie = cookies
        try req.content.encode(["username": username, "password": password, "_csrf": pre], as: .urlEncodedForm)
    }, afterResponse: { res in
        status = res.status
        session = res.headers.setCookie?["pingan_session"]?.string ?? ""
        challenge = res.headers.first(name: .location) == "/login/code" ? res.headers.setCookie?["pingan_2fa"]?.string ?? "" : ""
    })
    if !challenge.isEmpty {
        // Two factors: the code of the fixture's secret. A code is accepted once per 30-second step, so the last
        // accepted step is forgotten first — tests sign the same user in several times a second.
        let user = try await User.query(on: app.db).filter(\.$username == username).first()!
        user.totpLastStep = nil
        try await user.save(on: app.db)
        var second = cookies
        second["pingan_2fa"] = .init(string: challenge)
        try await app.call(.POST, "/login/code", beforeRequest: { req in
            req.headers.cookie = second
            try req.content.encode(["code": Fixture.totp.code(at: Date().timeIntervalSince1970), "_csrf": pre], as: .urlEncodedForm)
        }, afterResponse: { res in
            status = res.status
            session = res.headers.setCookie?["pingan_session"]?.string ?? ""
        })
    }
    cookies["pingan_session"] = .init(string: session)
    var csrf = ""
    if !session.isEmpty, let s = try await UserSession.query(on: app.db).filter(\.$tokenHash == Tokens.hash(session)).first() { csrf = s.csrfToken }
    return (cookies, csrf, status)
}

extension Application {
    /// Always the async tester: the synchronous overload blocks an executor thread with `.wait()`.
    func call(_ method: HTTPMethod, _ path: String, headers: HTTPHeaders = [:],
              beforeRequest: @escaping (inout XCTHTTPRequest) throws -> Void = { _ in },
              afterResponse: @escaping (XCTHTTPResponse) throws -> Void = { _ in }) async throws {
        let before: (inout XCTHTTPRequest) async throws -> Void = { try beforeRequest(&$0) }
        let after: (XCTHTTPResponse) async throws -> Void = { try afterResponse($0) }
        _ = try await self.testable().test(method, path, headers: headers, beforeRequest: before, afterResponse: after)
    }
}

/// Populations: c1 urban 8,000 (2 officers), c2 urban 5,000 (1), c3 urban 3,000 (1). Officers in place:
/// "officer" in c1, "officer3" in c3 — station A needs 3 and has 1, station B needs 1 and has 1. No police offices.
func setPopulations(_ app: Application, _ f: Fixture) async throws {
    for (id, pop) in [(f.c1, 8000), (f.c2, 5000), (f.c3, 3000)] {
        let d = try await Division.find(id, on: app.db)!
        d.residentPopulation = pop
        try await d.save(on: app.db)
    }
}

/// One JSON API call as `user` (bearer token): the status and the body as text.
func apiCall(_ app: Application, _ f: Fixture, _ user: String, _ method: HTTPMethod, _ path: String, _ body: String? = nil) async throws -> (HTTPStatus, String) {
    var out: (HTTPStatus, String) = (.ok, "")
    var h = f.bearer(user); h.contentType = .json
    try await app.call(method, path, headers: h, beforeRequest: { if let body { $0.body = ByteBuffer(string: body) } }) { out = ($0.status, $0.body.string) }
    return out
}
