import Vapor
import XCTVapor
@testable import PinganServer

/// The public portal's forms as a browser fills them, and its abuse limits turned off for tests that are not about them.
extension XCTestCase {
    func relaxed(_ app: Application, ip: Int = 0, phone: Int = 0, minFill: Double = 0) {
        var s = PortalSettings(); s.ipLimit = ip; s.phoneLimit = phone; s.minFillSeconds = minFill
        app.portalGuard = PortalGuard(settings: s)
    }

    /// GET the form (sets the CSRF cookie, carries the signed time stamp), then POST it like a browser.
    func formPost(_ app: Application, page: String, action: String, fields: [String: String], stamp: String? = nil) async throws -> XCTHTTPResponse {
        var cookie = "", ts = ""
        try await app.call(.GET, page) { res in
            XCTAssertEqual(res.status, .ok)
            cookie = res.headers.setCookie?["pingan_csrf"]?.string ?? ""
            let html = res.body.string
            if let r = html.range(of: #"name="_ts" value=""#) { ts = String(html[r.upperBound...].prefix { $0 != "\"" }) }
        }
        var body = fields
        body["_csrf"] = cookie
        if body["_ts"] == nil { body["_ts"] = stamp ?? ts }
        var out: XCTHTTPResponse? = nil
        try await app.call(.POST, action, beforeRequest: { req in
            var c = HTTPCookies(); c["pingan_csrf"] = .init(string: cookie); req.headers.cookie = c
            try req.content.encode(body, as: .urlEncodedForm)
        }, afterResponse: { out = $0 })
        return out!
    }
}
