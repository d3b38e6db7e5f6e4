import FluentPostgresDriver

/// The database cannot be reached for a moment — a failover in progress, a restart, every pooled connection busy —
/// which is answered 503 with `Retry-After`, not 500: the client's retry is the right move (bench/FAILOVER.md).
enum DatabaseOutage {
    static let retryAfterSeconds = 2

    static func matches(_ error: any Error) -> Bool {
        if error is ConnectionPoolTimeoutError { return true }
        guard let p = error as? PSQLError else { return false }
        if [PSQLError.Code.serverClosedConnection, .connectionError, .uncleanShutdown, .poolClosed].contains(p.code) { return true }
        guard p.code == .server, let state = p.serverInfo?[.sqlState] else { return false }
        // 08…: connection exceptions; 57P01–57P03: the server shutting down or starting up; 25006: a write reached a
        // node that is read-only for now (a standby being promoted).
        return state.hasPrefix("08") || state.hasPrefix("57P") || state == "25006"
    }
}
