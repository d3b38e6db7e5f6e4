import Foundation
import Vapor
import XCTVapor
@testable import PinganServer
#if canImport(Glibc)
import Glibc
#endif

/// Issue 22, high: the CSRF check read whole bodies of anonymous posts before refusing them (three parallel 99 MB
/// posts to /analysis/import took the server from 110 MB to 786 MB). These tests talk to a real listening server
/// over a socket and send only the headers of a huge upload: a server that waits for the body fails them.
final class UploadGateTests: XCTestCase {
    /// Sends `head` and at most a few body bytes, then reads the status line; nil if nothing came back within `timeout`.
    static func statusWithoutBody(port: Int, head: String, timeout: Int = 3) -> Int? {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = in_port_t(UInt16(port).bigEndian)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
        guard connected == 0 else { return nil }
        var tv = timeval(tv_sec: timeout, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        let bytes = Array((head + "--x\r\n").utf8)
        _ = bytes.withUnsafeBytes { send(fd, $0.baseAddress, $0.count, 0) }
        var buf = [UInt8](repeating: 0, count: 512)
        let n = recv(fd, &buf, buf.count, 0)
        guard n > 12 else { return nil }
        let line = String(decoding: buf[0..<n], as: UTF8.self)
        return Int(line.split(separator: " ").dropFirst().first ?? "")
    }

    static func head(_ path: String, length: Int = 99 << 20, cookie: String? = nil, bearer: String? = nil) -> String {
        var h = "POST \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: multipart/form-data; boundary=x\r\nContent-Length: \(length)\r\n"
        if let cookie { h += "Cookie: \(cookie)\r\n" }
        if let bearer { h += "Authorization: Bearer \(bearer)\r\n" }
        return h + "\r\n"
    }

    func testLargeUploadsAreRefusedBeforeTheBodyIsReadUnlessTheSenderMayUpload() async throws {
        try await withApp { app, f in
            try await app.server.start(address: .hostname("127.0.0.1", port: 0))
            let port = try XCTUnwrap(app.http.server.shared.localAddress?.port)
            let imports = ["/analysis/import", "/people/import", "/sites/import", "/api/v1/people/import", "/api/v1/sites/import"]

            // Three anonymous 99 MB posts in parallel to each import route: answered at once, nothing read.
            for path in imports {
                let statuses = await withTaskGroup(of: Int?.self) { g in
                    for _ in 0..<3 { g.addTask { Self.statusWithoutBody(port: port, head: Self.head(path)) } }
                    return await g.reduce(into: [Int?]()) { $0.append($1) }
                }
                // Browsers are sent to sign in (303), API clients get 401: either way at once.
                let expected = path.hasPrefix("/api/") ? 401 : 303
                XCTAssertEqual(statuses, [expected, expected, expected], path)
            }
            // A large anonymous post to an ordinary form route is too large, not read.
            XCTAssertEqual(Self.statusWithoutBody(port: port, head: Self.head("/incidents", length: 5 << 20)), 413)

            // Signed in without the permission (an analyst may not import people): 403, still nothing read.
            let analyst = try await signIn(app, "analyst")
            let cookie = "pingan_session=\(analyst.cookies["pingan_session"]!.string)"
            XCTAssertEqual(Self.statusWithoutBody(port: port, head: Self.head("/people/import", cookie: cookie)), 403)
            XCTAssertEqual(Self.statusWithoutBody(port: port, head: Self.head("/api/v1/people/import", bearer: f.tokens["analyst"])), 403)

            // Someone who may upload is read: the server waits for the body (no answer from headers alone).
            XCTAssertNil(Self.statusWithoutBody(port: port, head: Self.head("/api/v1/people/import", bearer: f.tokens["officer"]), timeout: 1))
            await app.server.shutdown()
        }
    }
}
