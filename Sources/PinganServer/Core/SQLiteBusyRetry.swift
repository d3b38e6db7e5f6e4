import FluentSQLiteDriver
import Vapor

/// SQLite returns SQLITE_BUSY at once, without waiting, when a transaction that began by reading wants to write after
/// another connection committed (its snapshot is stale; waiting could not help). Fluent opens transactions DEFERRED, so
/// two concurrent writes that each read first (approve a plan while a grid event is acted on) can meet it: the loser's
/// transaction was rolled back whole, and the request is simply run again, at most three times, a few milliseconds
/// later. Found by schemathesis with two workers (issue 22 §4); a 500 before. Requests whose body is streamed (uploads
/// to disk) are not replayed: their body is gone.
struct SQLiteBusyRetryMiddleware: AsyncMiddleware {
    static let attempts = 3

    func respond(to req: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        var attempt = 1
        while true {
            do {
                return try await next.respond(to: req)
            } catch let error as SQLiteError where Self.isBusy(error) && attempt < Self.attempts && Self.replayable(req) {
                req.logger.notice("SQLite busy (\(error.message)); running the request again", metadata: ["attempt": "\(attempt)"])
                try await Task.sleep(nanoseconds: UInt64.random(in: 2_000_000...20_000_000) * UInt64(attempt))
                attempt += 1
            }
        }
    }

    static func isBusy(_ error: SQLiteError) -> Bool {
        switch error.reason {
        case .busy, .locked, .busyInSnapshot, .busyInRecovery, .busyTimeout: true
        default: false
        }
    }

    /// A body that was collected before the handler ran can be read again; a streamed one cannot.
    static func replayable(_ req: Request) -> Bool {
        req.method == .GET || req.method == .HEAD || req.body.data != nil || req.headers.first(name: .contentLength) == "0"
            || (req.headers.first(name: .contentLength) == nil && req.headers.first(name: .transferEncoding) == nil)
    }
}
