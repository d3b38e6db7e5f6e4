import XCTest
@testable import PinganKit

/// The open-redirect bypasses that browsers and proxies allow (issue 22: `next="/\t/example.com"` left the site).
final class SafeRedirectTests: XCTestCase {
    func testKnownBypassesFallBackToTheStartPage() {
        let attacks = [
            "/\t/example.com", "/\n/example.com", "/\r\n/example.com", "\t//example.com", "/ /example.com",
            "//example.com", "///example.com", "/\\example.com", "\\\\example.com", "\\/example.com", "/\\/example.com",
            "%2F%2Fexample.com", "/%2F%2Fexample.com", "/%2fexample.com", "%2F/example.com", "/%5Cexample.com", "/%5cexample.com",
            "%5C%5Cexample.com", "/%09/example.com", "/%0A/example.com", "/%0d%0a/example.com", "/%252F%252Fexample.com", "/%255Cexample.com",
            "/%25252F%25252Fexample.com",
            "https://example.com", "http://example.com/", "HTTPS://example.com", "https:example.com", "https:/example.com",
            "javascript:alert(1)", "JavaScript:alert(1)", " javascript:alert(1)", "data:text/html,<script>alert(1)</script>",
            "example.com", "@example.com", "/\u{0}/example.com", "/\u{7F}/x", "/\u{3000}/example.com", "/％2F/example.com",
            "/%zz", "",
        ]
        for a in attacks {
            XCTAssertEqual(SafeRedirect.target(a), "/", "\(a.debugDescription) must not be followed")
        }
        XCTAssertEqual(SafeRedirect.target(nil), "/")
    }

    func testSameSitePathsAreKept() {
        let fine = ["/", "/incidents", "/incidents?status=received&page=2", "/people/12/edit", "/map?show=a&show=b#x",
                    "/incidents?q=%E7%9B%97%E7%AA%83", "/search?q=a%20b", "/a/b/../c", "/account/2fa?next=%2Fincidents"]
        for f in fine { XCTAssertEqual(SafeRedirect.target(f), f) }
    }
}
