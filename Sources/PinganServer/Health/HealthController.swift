import Fluent
import SQLKit
import Vapor

struct HealthController: RouteCollection {
    struct Health: Content { var status: String; var database: String; var version: String }
    func boot(routes: any RoutesBuilder) throws {
        routes.get("health", use: health)
        routes.get("static", "app.css", use: css)
        routes.get("static", "app.js", use: js)
    }
    /// Liveness and database reachability, for load balancers and monitoring.
    @Sendable func health(req: Request) async throws -> Response {
        var dbState = "ok"
        do { _ = try await (req.db as! any SQLDatabase).raw("SELECT 1 AS one").first() } catch { dbState = "unreachable" }
        let res = try await Health(status: dbState == "ok" ? "ok" : "degraded", database: dbState, version: pinganVersion).encodeResponse(for: req)
        if dbState != "ok" { res.status = .serviceUnavailable }
        return res
    }
    @Sendable func css(req: Request) async throws -> Response {
        let res = Response(status: .ok, body: .init(string: Stylesheet.css))
        res.headers.replaceOrAdd(name: .contentType, value: "text/css; charset=utf-8")
        res.headers.replaceOrAdd(name: .cacheControl, value: "public, max-age=3600")
        return res
    }
}

extension HealthController {
    /// Progressive enhancement only: every page works without it.
    @Sendable func js(req: Request) async throws -> Response {
        let res = Response(status: .ok, body: .init(string: "document.addEventListener('click',function(e){if(e.target.closest('[data-print]')){window.print();}});\n"))
        res.headers.replaceOrAdd(name: .contentType, value: "text/javascript; charset=utf-8")
        res.headers.replaceOrAdd(name: .cacheControl, value: "public, max-age=3600")
        return res
    }
}

public let pinganVersion = "0.1.0"
