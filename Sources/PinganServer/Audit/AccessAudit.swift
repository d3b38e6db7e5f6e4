import Foundation
import NIOConcurrencyHelpers
import Vapor

/// A scoped record that is missing or outside the user's scope (`findScoped`): a 404 like any other, but it names
/// the table and id so the audit row says what was asked for.
struct ScopedRecordNotFound: AbortError {
    var entity: String
    var id: String?
    var status: HTTPResponseStatus { .notFound }
    var reason: String { "Not found" }
}

/// A role without the permission (`req.require`): a 403 that names the permission for the audit row.
struct PermissionDenied: AbortError {
    var permission: String
    var reason: String
    var status: HTTPResponseStatus { .forbidden }
}

/// Issue 22: denied (403) and not-found (404) answers to a signed-in user are audited — someone walking ids or
/// probing routes leaves a trace. Bounded so a crawler cannot flood the log: one row per user, route, status and
/// minute; the rest of that minute is counted and the count goes into the key's next row.
struct AccessAuditMiddleware: AsyncMiddleware {
    func respond(to req: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        do {
            let res = try await next.respond(to: req)
            if res.status == .forbidden || res.status == .notFound { await record(req, status: res.status, error: nil) }
            return res
        } catch {
            if let e = error as? any AbortError, e.status == .forbidden || e.status == .notFound { await record(req, status: e.status, error: e) }
            throw error
        }
    }

    private func record(_ req: Request, status: HTTPResponseStatus, error: (any AbortError)?) async {
        // Only signed-in users on a real route: an unknown path is not an access to a record.
        guard let user = req.auth.get(User.self), let route = req.route else { return }
        let pattern = req.method.rawValue + " /" + route.path.map(\.description).joined(separator: "/")
        let key = "\(user.id ?? 0)|\(pattern)|\(status.code)"
        guard let earlier = req.application.accessAuditLimiter.admit(key, now: Date()) else { return }
        var entity = "route", id: String? = nil, detail = "route=\(pattern) path=\(req.url.path)"
        switch error {
        case let e as ScopedRecordNotFound: entity = e.entity; id = e.id
        case let e as PermissionDenied: detail += " permission=\(e.permission)"
        default: id = route.path.contains { if case .parameter = $0 { return true }; return false } ? req.parameters.get("id") : nil
        }
        if earlier > 0 { detail += " (+\(earlier) similar in the previous minute not logged)" }
        await req.audit(status == .forbidden ? "access.denied" : "access.notfound", entity: entity, id: id, result: .denied, detail: detail)
    }
}

/// One admission per key per minute. Memory is bounded: keys of past minutes are dropped as the minute turns.
final class AccessAuditLimiter: Sendable {
    private struct Entry { var minute: Int; var suppressed: Int }
    private struct State { var minute = 0; var entries: [String: Entry] = [:]; var carried: [String: Int] = [:] }
    private let state = NIOLockedValueBox(State())

    /// nil: already logged this minute (counted). Else: how many were suppressed for the key in the previous minute.
    func admit(_ key: String, now: Date) -> Int? {
        let minute = Int(now.timeIntervalSince1970 / 60)
        return state.withLockedValue { s in
            if s.minute != minute {
                // The previous minute's suppressed counts carry over one minute; older ones are forgotten.
                s.carried = s.minute == minute - 1 ? s.entries.compactMapValues { $0.suppressed > 0 ? $0.suppressed : nil } : [:]
                s.entries = [:]
                s.minute = minute
            }
            if var e = s.entries[key] { e.suppressed += 1; s.entries[key] = e; return nil }
            s.entries[key] = Entry(minute: minute, suppressed: 0)
            return s.carried.removeValue(forKey: key) ?? 0
        }
    }
}

private struct AccessAuditLimiterKey: StorageKey { typealias Value = AccessAuditLimiter }

extension Application {
    var accessAuditLimiter: AccessAuditLimiter {
        get { storage[AccessAuditLimiterKey.self]! }
        set { storage[AccessAuditLimiterKey.self] = newValue }
    }
}
