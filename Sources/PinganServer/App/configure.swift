import Fluent
import FluentPostgresDriver
import FluentSQLiteDriver
import SQLKit
import Vapor

/// Wires the app: database, middleware, migrations, routes.
public func configure(_ app: Application, config: AppConfig) async throws {
    app.pingan = config
    app.http.server.configuration.hostname = config.hostname
    app.http.server.configuration.port = config.port
    app.routes.defaultMaxBodySize = "2mb"
    switch config.database {
    case .sqliteFile(let path):
        PrivateFiles.prepareDatabase(path, logger: app.logger)
        app.databases.use(.sqlite(.file(path), sqlLogLevel: .debug), as: .sqlite)
    case .sqliteMemory:
        app.databases.use(.sqlite(.memory, sqlLogLevel: .debug), as: .sqlite)
    case .postgres(let url):
        var pg = try SQLPostgresConfiguration(url: url)
        pg.searchPath = nil
        app.databases.use(.postgres(configuration: pg, maxConnectionsPerEventLoop: config.postgresConnectionsPerLoop, sqlLogLevel: .debug), as: .psql)
        if let read = config.readURL {
            var standby = try SQLPostgresConfiguration(url: read)
            standby.searchPath = nil
            app.databases.use(.postgres(configuration: standby, maxConnectionsPerEventLoop: config.postgresConnectionsPerLoop, sqlLogLevel: .debug), as: .reading, isDefault: false)
        }
    }
    if case .sqliteFile = config.database {
        // WAL lets readers proceed while one writer commits; the mode is stored in the file.
        let sql = app.db as! any SQLDatabase
        _ = try await sql.raw("PRAGMA journal_mode=WAL").all()
        // Opt-in: in WAL mode NORMAL skips the fsync per commit (a crash of the OS, not of the app, may lose
        // the last commits; the file stays consistent). The pragma is per connection: one per event loop.
        if Environment.get("PINGAN_SQLITE_SYNCHRONOUS")?.lowercased() == "normal" {
            for el in app.eventLoopGroup.makeIterator() {
                if let db = app.databases.database(logger: app.logger, on: el) as? any SQLDatabase { _ = try await db.raw("PRAGMA synchronous=NORMAL").all() }
            }
        }
    }
    PrivateFiles.prepareDirectory(Uploads.root(app))
    app.middleware = Middlewares()
    app.middleware.use(RequestLogMiddleware())
    app.middleware.use(PinganErrorMiddleware(environment: app.environment))
    if case .sqliteFile = config.database { app.middleware.use(SQLiteBusyRetryMiddleware()) }
    app.middleware.use(SecurityHeadersMiddleware())
    app.middleware.use(LangCookieMiddleware())
    app.middleware.use(AuthenticationMiddleware())
    app.accessAuditLimiter = AccessAuditLimiter()
    app.middleware.use(AccessAuditMiddleware())
    app.middleware.use(PreCSRFMiddleware())
    app.middleware.use(CSRFMiddleware())
    registerMigrations(app)
    try routes(app)
}

/// One line per request with method, path, status and duration as structured metadata.
struct RequestLogMiddleware: AsyncMiddleware {
    func respond(to req: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        let start = ContinuousClock.now
        let res = try await next.respond(to: req)
        let ms = (ContinuousClock.now - start).components
        let millis = Double(ms.seconds) * 1000 + Double(ms.attoseconds) / 1e15
        req.logger.info("request", metadata: [
            "method": .string(req.method.rawValue), "path": .string(req.url.path), "status": .stringConvertible(res.status.code),
            "ms": .string(String(format: "%.1f", millis)), "user": .string(req.auth.get(User.self)?.username ?? "-"),
        ])
        return res
    }
}

struct SecurityHeadersMiddleware: AsyncMiddleware {
    func respond(to req: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        let res = try await next.respond(to: req)
        res.headers.replaceOrAdd(name: "X-Content-Type-Options", value: "nosniff")
        res.headers.replaceOrAdd(name: "X-Frame-Options", value: "DENY")
        res.headers.replaceOrAdd(name: "Referrer-Policy", value: "same-origin")
        // img-src: the map's tile service when one is configured (PINGAN_MAP_TILES), else only this server.
        let tiles = req.config.mapTiles?.origin.map { " " + $0 } ?? ""
        res.headers.replaceOrAdd(name: "Content-Security-Policy", value: "default-src 'self'; style-src 'self'; img-src 'self' data: blob:\(tiles); script-src 'self'; frame-ancestors 'none'; form-action 'self'")
        // HSTS only where the server is reached over TLS: its own TLS, or a configured https public address (a proxy
        // in front). Never from a request header a client can set.
        if req.application.http.server.configuration.tlsConfiguration != nil || req.config.publicURL?.lowercased().hasPrefix("https://") == true {
            res.headers.replaceOrAdd(name: "Strict-Transport-Security", value: "max-age=31536000")
        }
        // Pages and API answers carry personal data: no shared or disk cache keeps them. Static assets and the
        // public, approved photos set their own Cache-Control and keep it.
        if !res.headers.contains(name: .cacheControl) { res.headers.replaceOrAdd(name: .cacheControl, value: "no-store") }
        return res
    }
}

extension Application {
    /// Applies pending migrations, awaiting each step explicitly (Fluent's `autoMigrate()` was
    /// observed here to return before the batch had run).
    public func migrateAll() async throws {
        // Before anything is written: the key must be the database's (KeyCheck).
        try await KeyCheck.preflight(self)
        try await migrator.setupIfNeeded().get()
        try await migrator.prepareBatch().get()
        // A bulk people import killed while its indexes were down leaves them missing.
        if let sql = db as? any SQLDatabase { try await PeopleIndexes.ensure(on: sql) }
    }
}
