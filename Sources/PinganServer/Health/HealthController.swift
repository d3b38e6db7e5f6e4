import Fluent
import SQLKit
import Vapor

struct HealthController: RouteCollection {
    struct Health: Content { var status: String; var database: String; var version: String }
    func boot(routes: any RoutesBuilder) throws {
        routes.get("health", use: health)
        routes.get("static", "app.css", use: css)
        routes.get("static", "app.js", use: js)
        routes.get("static", "map.js", use: mapJS)
        routes.get("static", "favicon.svg", use: favicon)
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
        // One stylesheet: the app's and the map's (kept in its own file next to map.js).
        let res = Response(status: .ok, body: .init(string: Stylesheet.all))
        res.headers.replaceOrAdd(name: .contentType, value: "text/css; charset=utf-8")
        res.headers.replaceOrAdd(name: .cacheControl, value: "public, max-age=3600")
        return res
    }
}

extension HealthController {
    /// 平 on the accent blue: the tab icon.
    @Sendable func favicon(req: Request) async throws -> Response {
        let svg = ##"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64"><rect width="64" height="64" rx="12" fill="#1d4e89"/><text x="32" y="45" font-size="38" text-anchor="middle" fill="#fff" font-family="sans-serif">平</text></svg>"##
        let res = Response(status: .ok, body: .init(string: svg))
        res.headers.replaceOrAdd(name: .contentType, value: "image/svg+xml")
        res.headers.replaceOrAdd(name: .cacheControl, value: "public, max-age=86400")
        return res
    }

    @Sendable func mapJS(req: Request) async throws -> Response {
        let res = Response(status: .ok, body: .init(string: MapAssets.js))
        res.headers.replaceOrAdd(name: .contentType, value: "text/javascript; charset=utf-8")
        res.headers.replaceOrAdd(name: .cacheControl, value: "public, max-age=3600")
        return res
    }

    /// Progressive enhancement only: every page works without it.
    @Sendable func js(req: Request) async throws -> Response {
        let res = Response(status: .ok, body: .init(string: String(decoding: PackageResources.app_js, as: UTF8.self)))
        res.headers.replaceOrAdd(name: .contentType, value: "text/javascript; charset=utf-8")
        res.headers.replaceOrAdd(name: .cacheControl, value: "public, max-age=3600")
        return res
    }
}

public let pinganVersion = "0.1.0"
