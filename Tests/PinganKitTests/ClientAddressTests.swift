import XCTest
@testable import PinganKit

final class ClientAddressTests: XCTestCase {
    func testRanges() throws {
        let v4 = try XCTUnwrap(IPRange("10.0.0.0/8"))
        XCTAssertTrue(v4.contains("10.1.2.3"))
        XCTAssertTrue(v4.contains("::ffff:10.1.2.3"), "IPv4-mapped IPv6")
        XCTAssertFalse(v4.contains("11.0.0.1"))
        XCTAssertFalse(v4.contains("not an address"))
        XCTAssertTrue(try XCTUnwrap(IPRange("127.0.0.1")).contains("127.0.0.1"))
        XCTAssertFalse(try XCTUnwrap(IPRange("127.0.0.1")).contains("127.0.0.2"))
        let v6 = try XCTUnwrap(IPRange("fd00::/8"))
        XCTAssertTrue(v6.contains("fd12:3456::1"))
        XCTAssertFalse(v6.contains("fe80::1"))
        XCTAssertTrue(try XCTUnwrap(IPRange("::1")).contains("0:0:0:0:0:0:0:1"))
        XCTAssertTrue(try XCTUnwrap(IPRange("172.16.0.0/12")).contains("172.31.255.255"))
        XCTAssertFalse(try XCTUnwrap(IPRange("172.16.0.0/12")).contains("172.32.0.0"))
        for bad in ["", "10.0.0.0/33", "256.0.0.1", "1.2.3", "1.2.3.4.5", "::1::2", "12345::", "10.0.0.1/x", "01234.1.1.1"] { XCTAssertNil(IPRange(bad), bad) }
        XCTAssertEqual(IPRange.parse("::ffff:1.2.3.4"), [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF, 1, 2, 3, 4])
        XCTAssertEqual(IPRange.parse("2001:db8::8:800:200c:417a")?.count, 16)
    }

    func testForwardedForIsBelievedOnlyFromATrustedProxy() {
        let proxies = [IPRange("10.0.0.5")!, IPRange("192.168.0.0/16")!]
        // No proxy configured: the header is anyone's to forge.
        XCTAssertEqual(ClientAddress.resolve(peer: "203.0.113.9", forwardedFor: ["1.2.3.4"], trusted: []), "203.0.113.9")
        // From an untrusted peer: ignored.
        XCTAssertEqual(ClientAddress.resolve(peer: "203.0.113.9", forwardedFor: ["1.2.3.4"], trusted: proxies), "203.0.113.9")
        // Through the proxy: the address it appended.
        XCTAssertEqual(ClientAddress.resolve(peer: "10.0.0.5", forwardedFor: ["198.51.100.7"], trusted: proxies), "198.51.100.7")
        // A client's forged entries stand left of the proxy's and are not believed.
        XCTAssertEqual(ClientAddress.resolve(peer: "10.0.0.5", forwardedFor: ["1.1.1.1, 198.51.100.7"], trusted: proxies), "198.51.100.7")
        // Two trusted hops: skip both.
        XCTAssertEqual(ClientAddress.resolve(peer: "10.0.0.5", forwardedFor: ["198.51.100.7, 192.168.1.1"], trusted: proxies), "198.51.100.7")
        XCTAssertEqual(ClientAddress.resolve(peer: "10.0.0.5", forwardedFor: ["198.51.100.7", "192.168.1.1"], trusted: proxies), "198.51.100.7", "two header lines")
        // Garbage at the proxy's end: the last believable hop.
        XCTAssertEqual(ClientAddress.resolve(peer: "10.0.0.5", forwardedFor: ["evil"], trusted: proxies), "10.0.0.5")
        XCTAssertEqual(ClientAddress.resolve(peer: "10.0.0.5", forwardedFor: [], trusted: proxies), "10.0.0.5")
        XCTAssertEqual(ClientAddress.resolve(peer: "10.0.0.5", forwardedFor: ["[2001:db8::1]:4711"], trusted: proxies), "2001:db8::1")
        XCTAssertEqual(ClientAddress.resolve(peer: "10.0.0.5", forwardedFor: ["198.51.100.7:4711"], trusted: proxies), "198.51.100.7")
        XCTAssertEqual(ClientAddress.resolve(peer: nil, forwardedFor: ["1.2.3.4"], trusted: proxies), "-")
    }
}
