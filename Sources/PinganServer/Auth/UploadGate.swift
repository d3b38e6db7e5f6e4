import Vapor
import PinganKit

/// Who may make the server read a large body, decided before a byte of it is read.
///
/// Vapor collects a route's body (`body: .collect`) after the route group's middleware, but the CSRF check runs
/// earlier and must read a form's body to find its `_csrf` field. Unchecked, three anonymous 99 MB posts made the
/// server hold ~700 MB. So: a signed-out visitor's form body is read only up to `anonymousLimit`; a route's larger
/// limit applies to a signed-in user whose role has the route's permission (register such routes with `upload`).
enum UploadGate {
    /// Sign-in and the public forms fit easily.
    static let anonymousLimit = 64 << 10

    static func readableBytes(_ req: Request) throws -> Int {
        let routeLimit = req.route?.userInfo[formBodyLimitKey] as? Int ?? req.application.routes.defaultMaxBodySize.value
        guard let user = req.auth.get(User.self) else {
            if let length = req.headers.first(name: .contentLength).flatMap(Int.init), length > anonymousLimit {
                throw Abort(req.route?.userInfo[uploadPermissionKey] != nil ? .unauthorized : .payloadTooLarge)
            }
            return min(routeLimit, anonymousLimit)
        }
        if let permission = req.route?.userInfo[uploadPermissionKey] as? Permission, !user.role.can(permission) {
            throw Abort(.forbidden, reason: req.t("您的角色无权执行此操作。", "Your role does not allow this."))
        }
        return routeLimit
    }
}

/// `route.userInfo[formBodyLimitKey] = bytes`: the most a form body on this route may hold (over it: 413).
let formBodyLimitKey = "pingan.formBodyLimit"
/// `route.userInfo[uploadPermissionKey] = Permission`: who may send a body that large.
let uploadPermissionKey = "pingan.uploadPermission"

/// 403 before the body is read when the signed-in user lacks the permission (for bearer-token calls, which skip
/// the CSRF check; a missing token is refused by the signed-in group's guard, also before reading).
struct PermissionMiddleware: AsyncMiddleware {
    let permission: Permission
    func respond(to req: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        try req.require(permission)
        return try await next.respond(to: req)
    }
}

extension RoutesBuilder {
    /// A POST that takes a large body (a file): collected up to `maxSize`, and only from a signed-in user whose role
    /// has `permission` — everyone else is refused before the body is read.
    @discardableResult
    func upload<Response: AsyncResponseEncodable>(_ path: PathComponent..., maxSize: ByteCount, permission: Permission,
                                                  use closure: @Sendable @escaping (Request) async throws -> Response) -> Route {
        let route = grouped(PermissionMiddleware(permission: permission)).on(.POST, path, body: .collect(maxSize: maxSize), use: closure)
        route.userInfo[formBodyLimitKey] = maxSize.value
        route.userInfo[uploadPermissionKey] = permission
        return route
    }
}
