import Foundation
import XCTVapor
@testable import PinganServer

/// Issue 22 §4: the OpenAPI document of `/api/v1` and `/api/public` cannot drift from the routes.
final class OpenAPITests: XCTestCase {
    static func isDocumented(_ path: String) -> Bool { path.hasPrefix("api/v1/") || path.hasPrefix("api/public/") }

    func testEveryAPIRouteIsInTheDocumentAndEveryEntryIsARoute() async throws {
        try await withApp { app, _ in
            let registered = Set(app.routes.all.map { ($0.method.rawValue, $0.path.map(\.description).joined(separator: "/")) }
                .filter { Self.isDocumented($0.1) }.map { "\($0.0) \($0.1)" })
            var documented = Set<String>()
            for op in APICatalog.all {
                let key = "\(op.method) \(op.path)"
                XCTAssertTrue(documented.insert(key).inserted, "\(key) is described twice")
                let names = Set(op.path.split(separator: "/").filter { $0.hasPrefix(":") }.map { String($0.dropFirst()) })
                XCTAssertTrue(op.stringPath.isSubset(of: names), "\(key): stringPath names a parameter the path does not have")
                XCTAssertFalse(op.summary.isEmpty, "\(key) has no summary")
                XCTAssertEqual(op.isPublic, op.path.hasPrefix("api/public/"), "\(key): only /api/public needs no token")
                if op.method == "GET" || op.method == "DELETE" { XCTAssertNil(op.body, "\(key) documents a body") }
            }
            for missing in registered.subtracting(documented).sorted() { XCTFail("\(missing) is registered but not in the API document (add it to its feature's APIDoc file)") }
            for stale in documented.subtracting(registered).sorted() { XCTFail("\(stale) is in the API document but no such route is registered") }
            XCTAssertGreaterThan(registered.count, 200)
        }
    }

    func testTheDocumentIsServedWithoutSignInAndReadsAsOpenAPI31() async throws {
        try await withApp { app, _ in
            try await app.test(.GET, "/api/openapi.json") { res async throws in
                XCTAssertEqual(res.status, .ok)
                XCTAssertEqual(res.headers.contentType, .json)
                let doc = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(res.body.string.utf8)) as? [String: Any])
                XCTAssertEqual(doc["openapi"] as? String, "3.1.0")
                let paths = try XCTUnwrap(doc["paths"] as? [String: [String: Any]])
                // Path parameters are templated and typed; a person is found by an integer id.
                let person = try XCTUnwrap(paths["/api/v1/people/{id}"]?["get"] as? [String: Any])
                let parameters = try XCTUnwrap(person["parameters"] as? [[String: Any]])
                let id = try XCTUnwrap(parameters.first { $0["name"] as? String == "id" })
                XCTAssertEqual(id["in"] as? String, "path")
                XCTAssertEqual((id["schema"] as? [String: Any])?["type"] as? String, "integer")
                // Errors share one schema; public operations need no token, the rest a bearer token.
                let responses = try XCTUnwrap(person["responses"] as? [String: Any])
                XCTAssertNotNil(responses["200"]); XCTAssertNotNil(responses["4XX"])
                let report = try XCTUnwrap(paths["/api/public/requests"]?["post"] as? [String: Any])
                XCTAssertEqual((report["security"] as? [Any])?.count, 0)
                XCTAssertNil(person["security"], "signed-in operations inherit the document's bearer requirement")
                // Operation ids are unique (clients generate method names from them).
                var ids = Set<String>()
                for item in paths.values { for case let op as [String: Any] in item.values {
                    let oid = try XCTUnwrap(op["operationId"] as? String)
                    XCTAssertTrue(ids.insert(oid).inserted, "operationId \(oid) twice")
                } }
                XCTAssertEqual(ids.count, APICatalog.all.count)
            }
        }
    }
}
