import Vapor

/// `GET /api/openapi.json`: the document of the JSON API (no sign-in: it describes routes, never data).
struct OpenAPIController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get("api", "openapi.json", use: document)
    }

    @Sendable func document(req: Request) async throws -> Response {
        let res = Response(status: .ok, body: .init(data: Self.cached))
        res.headers.contentType = .json
        res.headers.replaceOrAdd(name: .cacheControl, value: "public, max-age=300")
        return res
    }

    /// Built once: the catalog is a constant of the binary.
    static let cached: Data = OpenAPIDocument.json()
}

extension APICatalog {
    /// Every feature's list, in the order the document's tags are read.
    static var all: [APIOperation] {
        analysis + assessment + audit + auth + desk + disputes + forces + governance + gridEvents + incidents
            + jurisdiction + map + messages + notifications + portal + registry + search
    }
}
