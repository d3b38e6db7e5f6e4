import Fluent
import Vapor
import XCTVapor
import PinganKit
@testable import PinganServer

/// Issue 22, high: "the masked identifier plus exact search gives the number back, unaudited". The attack is tried
/// here as the analyst tried it, and then as an officer who may search.
final class IdentifierSearchTests: XCTestCase {
    /// Every valid number the analyst's page leaves open: same first six and last four digits, born in the decade shown.
    static func candidates(masked: String, decade: String) -> [String] {
        let area = String(masked.prefix(6)), tail = String(masked.suffix(4))
        guard let start = Int(decade.prefix(4)) else { return [] }
        var out: [String] = []
        for year in start..<(start + 10) {
            for month in 1...12 {
                for day in 1...31 {
                    let first17 = area + String(format: "%04d%02d%02d", year, month, day) + tail.prefix(3)
                    let full = first17 + String(ResidentID.checkDigit(for: first17))
                    if full.hasSuffix(tail), case .success = ResidentID.parse(full) { out.append(full) }
                }
            }
        }
        return out
    }

    func testAnAnalystCannotNarrowAMaskedNumberDown() async throws {
        try await withApp { app, f in
            let number = residentID("19870614", sequence: "351")
            let id = try await createPerson(app, f, community: f.c1, id: number)
            var shown = PersonDTO?.none
            try await app.call(.GET, "/api/v1/people/\(id)", headers: f.bearer("analyst")) { res in shown = try res.content.decode(PersonDTO.self) }
            let dto = try XCTUnwrap(shown)
            // What the page leaves open: hundreds of valid numbers, not the ~33 the clear birth year left.
            let open = Self.candidates(masked: dto.idNumberMasked, decade: dto.birthDecade)
            XCTAssertTrue(open.contains(number))
            XCTAssertGreaterThanOrEqual(open.count, 300, "candidates left by the mask and the decade")
            // The oracle is gone: an analyst may not search by number at all — every try is refused and logged.
            for candidate in open.prefix(40) {
                try await app.call(.GET, "/api/v1/people?idNumber=\(candidate)&purpose=case", headers: f.bearer("analyst")) { res in
                    XCTAssertEqual(res.status, .forbidden)
                    XCTAssertFalse(res.body.string.contains("陈小明"))
                }
            }
            try await app.call(.GET, "/api/v1/people?phone=13800138000", headers: f.bearer("analyst")) { XCTAssertEqual($0.status, .forbidden) }
            try await app.call(.GET, "/api/v1/sites?phone=13800138000&purpose=case", headers: f.bearer("analyst")) { XCTAssertEqual($0.status, .forbidden) }
            let denied = try await AuditEvent.query(on: app.db).filter(\.$action == "person.search_identifier").filter(\.$result == "denied").count()
            XCTAssertEqual(denied, 41, "each refused search is logged")
        }
    }

    func testAnOfficersSearchStatesAPurposeIsLoggedMaskedAndIsRateLimited() async throws {
        try await withApp { app, f in
            app.identifierSearchLimiter = LockedLimiter(limit: 5, window: 3600)
            let number = residentID("19870614", sequence: "351")
            try await createPerson(app, f, community: f.c1, id: number)
            // No purpose: a field error, and no search made.
            try await app.call(.GET, "/api/v1/people?idNumber=\(number)", headers: f.bearer("officer")) { res in
                XCTAssertEqual(res.status, .unprocessableEntity)
                XCTAssertTrue(res.body.string.contains("purpose"), res.body.string)
            }
            for _ in 0..<5 {
                try await app.call(.GET, "/api/v1/people?idNumber=\(number)&purpose=identity_check", headers: f.bearer("officer")) { res in
                    XCTAssertEqual(res.status, .ok); XCTAssertTrue(res.body.string.contains("\"total\":1"))
                }
            }
            // The allowance is per user and per hour: the sixth is refused with a time to wait.
            try await app.call(.GET, "/api/v1/people?idNumber=\(number)&purpose=identity_check", headers: f.bearer("officer")) { res in
                XCTAssertEqual(res.status, .tooManyRequests); XCTAssertNotNil(res.headers.first(name: .retryAfter))
            }
            try await app.call(.GET, "/api/v1/people?idNumber=\(number)&purpose=identity_check", headers: f.bearer("chief")) { XCTAssertEqual($0.status, .ok) }
            let logged = try await AuditEvent.query(on: app.db).filter(\.$action == "person.search_identifier").filter(\.$result == "ok").all()
            XCTAssertEqual(logged.count, 6)
            for e in logged {
                XCTAssertTrue(e.detail.contains("value=440113********" + number.suffix(4)), e.detail)
                XCTAssertTrue(e.detail.contains("purpose=identity_check") && e.detail.contains("hits=1"), e.detail)
                XCTAssertFalse(e.detail.contains(number), "the audit log never holds the number itself")
            }
            // The web list offers the number search only to roles that may reveal.
            let analyst = try await signIn(app, "analyst"), officer = try await signIn(app, "officer")
            try await app.call(.GET, "/people", beforeRequest: { $0.headers.cookie = analyst.cookies }) { res in
                XCTAssertEqual(res.status, .ok); XCTAssertFalse(res.body.string.contains("name=\"idNumber\""))
            }
            try await app.call(.GET, "/people", beforeRequest: { $0.headers.cookie = officer.cookies }) { res in
                XCTAssertTrue(res.body.string.contains("name=\"idNumber\"") && res.body.string.contains("name=\"purpose\""))
            }
        }
    }
}
