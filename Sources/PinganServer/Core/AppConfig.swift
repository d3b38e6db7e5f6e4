import Foundation
import Crypto
import PinganKit
import Vapor

/// Everything the server reads from its environment, validated in one place so a bad
/// start-up lists every problem at once instead of failing on the first.
public struct AppConfig: Sendable {
    public enum DatabaseKind: Sendable, Equatable {
        case sqliteFile(String)
        case sqliteMemory
        case postgres(String)
    }

    public var database: DatabaseKind
    /// A PostgreSQL hot standby (`DATABASE_READ_URL`): reports, analysis, exports and the map read from it (`req.reading`).
    public var readURL: String? = nil
    /// PostgreSQL connections per event loop (`PINGAN_PG_CONNECTIONS`; the driver's default is 1, which queues a
    /// burst of requests behind one connection per core).
    public var postgresConnectionsPerLoop = 4
    public var hostname: String = "127.0.0.1"
    public var port: Int = 8080
    /// 32-byte key for encrypting personal data at rest and keyed hashing.
    public var secretKey: SymmetricKey
    public var timeZone: String = "Asia/Shanghai"
    public var sessionIdleTimeout: TimeInterval = 30 * 60
    public var sessionAbsoluteTimeout: TimeInterval = 12 * 3600
    /// nil = decide per request (Secure when the request arrived over TLS or X-Forwarded-Proto is https).
    public var secureCookies: Bool? = nil
    /// A base map under the vector layers, only when a deployment has a tile service (天地图 with its key, an intranet
    /// server): nothing outside this machine is called otherwise.
    public var mapTiles: MapTiles? = nil
    public struct MapTiles: Sendable, Equatable {
        /// `https://host/{z}/{x}/{y}.png`
        public var urlTemplate: String
        public var attribution: String
        /// `wgs84` (天地图, CGCS2000 ≈ WGS-84) or `gcj02` (Amap-style tiles): the browser shifts our WGS-84 data to match.
        public var datum: String
        public var maxZoom: Int
        /// The tile host, for the Content-Security-Policy's img-src.
        public var origin: String? {
            guard let u = URL(string: urlTemplate.replacingOccurrences(of: "{", with: "").replacingOccurrences(of: "}", with: "")),
                  let scheme = u.scheme, let host = u.host else { return nil }
            return scheme + "://" + host + (u.port.map { ":\($0)" } ?? "")
        }
    }
    /// Failed sign-ins per name and client address before that pair is refused for `lockout.duration` (docs/authentication.md).
    public var lockout = LoginLockout(threshold: 5, window: 15 * 60, duration: 15 * 60)
    /// Failed sign-ins per client address (any names) in 15 minutes before the address gets 429 (0 = off).
    public var loginAddressLimit = 20
    /// Reverse proxies whose X-Forwarded-For is believed (`PINGAN_TRUSTED_PROXIES`); none by default.
    public var trustedProxies: [IPRange] = []
    /// Roles that must sign in with a second factor (TOTP); every other role may opt in.
    public var twoFactorRoles: Set<Role> = AppConfig.defaultTwoFactorRoles
    public static let defaultTwoFactorRoles: Set<Role> = [.admin, .districtCommand, .stationChief]
    /// API tokens: lifetime when none is asked for, and the longest allowed.
    public var tokenDefaultDays = 90
    public var tokenMaxDays = 365
    /// Where the key came from, for messages ("key file /srv/pingan.key", "PINGAN_SECRET_KEY").
    public var keySource = "the configured key"
    /// The key file in use (nil when the key comes from PINGAN_SECRET_KEY): key rotation writes beside it.
    public var keyFile: String? = nil
    /// Set when start-up created the key file because none existed: removed again if the database refuses the key.
    public var createdKeyFile: String? = nil
    /// The address users reach the server at (`PINGAN_PUBLIC_URL`, e.g. https://pingan.example.gov.cn): links handed
    /// to other systems (Open311 discovery) are built from it, never from the request's Host header; https turns HSTS on.
    public var publicURL: String? = nil
    /// Residents' notices by e-mail and SMS (`PINGAN_SMTP_*`, `PINGAN_SMS_*`); off unless configured.
    public var notify = NotifyChannels()

    public init(database: DatabaseKind, secretKey: SymmetricKey) {
        self.database = database
        self.secretKey = secretKey
    }

    public static func testing(database: DatabaseKind = .sqliteMemory) -> AppConfig {
        AppConfig(database: database, secretKey: SymmetricKey(data: Data(repeating: 7, count: 32)))
    }

    public struct Invalid: Error, CustomStringConvertible, Sendable {
        public var problems: [String]
        public var description: String {
            "Pingan cannot start; fix the configuration:\n" + problems.map { "  - " + $0 }.joined(separator: "\n")
        }
    }

    /// Documented in README.md § Configuration.
    public static func fromEnvironment(_ env: [String: String] = ProcessInfo.processInfo.environment) throws -> AppConfig {
        var problems: [String] = []
        var database = DatabaseKind.sqliteFile(env["PINGAN_DB"].flatMap { $0.isEmpty ? nil : $0 } ?? "pingan.sqlite")
        if let url = env["DATABASE_URL"], !url.isEmpty {
            if url.hasPrefix("postgres://") || url.hasPrefix("postgresql://") {
                database = .postgres(url)
            } else {
                problems.append("DATABASE_URL must start with postgres:// (got \"\(url.prefix(20))…\"); unset it to use the embedded SQLite file")
            }
        }
        var readURL: String? = nil
        if let url = env["DATABASE_READ_URL"], !url.isEmpty {
            if !(url.hasPrefix("postgres://") || url.hasPrefix("postgresql://")) {
                problems.append("DATABASE_READ_URL must start with postgres:// (a standby of the DATABASE_URL database)")
            } else if case .postgres = database { readURL = url } else {
                problems.append("DATABASE_READ_URL is a PostgreSQL standby: it needs DATABASE_URL (the primary) to be PostgreSQL too")
            }
        }
        var port = 8080
        if let p = env["PORT"], !p.isEmpty {
            if let n = Int(p), (1...65535).contains(n) { port = n } else { problems.append("PORT must be a number 1–65535 (got \"\(p)\")") }
        }
        var key: SymmetricKey?
        var keySource = "PINGAN_SECRET_KEY", keyFile: String? = nil, createdKeyFile: String? = nil
        if let k = env["PINGAN_SECRET_KEY"], !k.isEmpty {
            if let d = Data(base64Encoded: k), d.count == 32 { key = SymmetricKey(data: d) } else {
                problems.append("PINGAN_SECRET_KEY must be 32 bytes in base64 (e.g. `openssl rand -base64 32`)")
            }
        } else {
            let path = env["PINGAN_KEY_FILE"].flatMap { $0.isEmpty ? nil : $0 } ?? defaultKeyPath(for: database)
            let existed = FileManager.default.fileExists(atPath: path)
            do { key = try loadOrCreateKeyFile(path) } catch { problems.append("\(error)") }
            keySource = "key file \(path)"; keyFile = path
            if !existed, key != nil { createdKeyFile = path }
        }
        var publicURL: String? = nil
        if let u = env["PINGAN_PUBLIC_URL"], !u.isEmpty {
            let trimmed = u.hasSuffix("/") ? String(u.dropLast()) : u
            if let url = URL(string: trimmed), let scheme = url.scheme?.lowercased(), scheme == "https" || scheme == "http", url.host != nil, url.query == nil {
                publicURL = trimmed
            } else { problems.append("PINGAN_PUBLIC_URL must be an http(s) address without a query, e.g. https://pingan.example.gov.cn (got \"\(u.prefix(40))\")") }
        }
        let tz = env["PINGAN_TIMEZONE"].flatMap { $0.isEmpty ? nil : $0 } ?? "Asia/Shanghai"
        if TimeZone(identifier: tz) == nil { problems.append("PINGAN_TIMEZONE \"\(tz)\" is not a known time zone (e.g. Asia/Shanghai)") }
        var idle: TimeInterval = 30 * 60
        if let v = env["PINGAN_SESSION_IDLE_MINUTES"], !v.isEmpty {
            if let n = Int(v), n > 0 { idle = TimeInterval(n * 60) } else { problems.append("PINGAN_SESSION_IDLE_MINUTES must be a positive number") }
        }
        var tiles: MapTiles? = nil
        if let t = env["PINGAN_MAP_TILES"], !t.isEmpty {
            let datum = (env["PINGAN_MAP_TILES_DATUM"] ?? "wgs84").lowercased()
            let maxZoom = env["PINGAN_MAP_TILES_MAX_ZOOM"].flatMap(Int.init) ?? 18
            let candidate = MapTiles(urlTemplate: t, attribution: env["PINGAN_MAP_TILES_ATTRIBUTION"] ?? "", datum: datum, maxZoom: maxZoom)
            if !(t.hasPrefix("https://") || t.hasPrefix("http://")) || !t.contains("{z}") || !t.contains("{x}") || !t.contains("{y}") || candidate.origin == nil {
                problems.append("PINGAN_MAP_TILES must be an http(s) URL template with {z}, {x} and {y} (got \"\(t.prefix(40))\")")
            } else if !["wgs84", "gcj02"].contains(datum) {
                problems.append("PINGAN_MAP_TILES_DATUM must be wgs84 or gcj02 (got \"\(datum)\")")
            } else if !(1...22).contains(maxZoom) {
                problems.append("PINGAN_MAP_TILES_MAX_ZOOM must be 1–22")
            } else { tiles = candidate }
        }
        var proxies: [IPRange] = []
        for item in (env["PINGAN_TRUSTED_PROXIES"] ?? "").split(separator: ",") where !item.trimmingCharacters(in: .whitespaces).isEmpty {
            if let r = IPRange(String(item)) { proxies.append(r) } else { problems.append("PINGAN_TRUSTED_PROXIES: \"\(item)\" is not an IP address or CIDR range (e.g. 10.0.0.5, 10.0.0.0/8, fd00::/8)") }
        }
        var twoFactor = defaultTwoFactorRoles
        if let v = env["PINGAN_2FA_ROLES"]?.trimmingCharacters(in: .whitespaces), !v.isEmpty {
            twoFactor = []
            if v.lowercased() != "none" {
                for item in v.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) }) where !item.isEmpty {
                    if let r = Role(rawValue: item) { twoFactor.insert(r) } else { problems.append("PINGAN_2FA_ROLES: \"\(item)\" is not a role (\(Role.allCases.map(\.rawValue).joined(separator: ", ")), or none)") }
                }
            }
        }
        func number(_ name: String, _ range: ClosedRange<Int>, _ fallback: Int) -> Int {
            guard let v = env[name], !v.isEmpty else { return fallback }
            if let n = Int(v), range.contains(n) { return n }
            problems.append("\(name) must be a number \(range.lowerBound)–\(range.upperBound) (got \"\(v)\")")
            return fallback
        }
        let tokenMax = number("PINGAN_TOKEN_MAX_DAYS", 1...3650, 365)
        let tokenDefault = number("PINGAN_TOKEN_DAYS", 1...3650, min(90, tokenMax))
        if tokenDefault > tokenMax { problems.append("PINGAN_TOKEN_DAYS (\(tokenDefault)) must not exceed PINGAN_TOKEN_MAX_DAYS (\(tokenMax))") }
        let addressLimit = number("PINGAN_LOGIN_ADDRESS_LIMIT", 0...100_000, 20)
        let pgConnections = number("PINGAN_PG_CONNECTIONS", 1...64, 4)
        let notify = NotifyChannels.fromEnvironment(env, problems: &problems)
        guard problems.isEmpty, let key else { throw Invalid(problems: problems) }
        var c = AppConfig(database: database, secretKey: key)
        c.port = port
        c.readURL = readURL
        c.postgresConnectionsPerLoop = pgConnections
        c.hostname = env["HOST"].flatMap { $0.isEmpty ? nil : $0 } ?? "127.0.0.1"
        c.timeZone = tz
        c.sessionIdleTimeout = idle
        if let s = env["PINGAN_SECURE_COOKIES"] { c.secureCookies = (s == "1" || s.lowercased() == "true") }
        c.mapTiles = tiles
        c.trustedProxies = proxies
        c.twoFactorRoles = twoFactor
        c.tokenMaxDays = tokenMax
        c.tokenDefaultDays = tokenDefault
        c.loginAddressLimit = addressLimit
        c.keySource = keySource; c.keyFile = keyFile; c.createdKeyFile = createdKeyFile
        c.publicURL = publicURL
        c.notify = notify
        return c
    }

    static func defaultKeyPath(for db: DatabaseKind) -> String {
        if case .sqliteFile(let path) = db {
            let dir = (path as NSString).deletingLastPathComponent
            return dir.isEmpty ? "pingan.key" : dir + "/pingan.key"
        }
        return "pingan.key"
    }

    /// Reads a base64 key file, or creates one (0600) when absent.
    static func loadOrCreateKeyFile(_ path: String) throws -> SymmetricKey {
        if FileManager.default.fileExists(atPath: path) { return try readKeyFile(path) }
        let key = SymmetricKey(size: .bits256)
        guard writeKeyFile(path, key) else {
            throw KeyFileError("cannot create key file \(path); set PINGAN_KEY_FILE to a writable path or PINGAN_SECRET_KEY")
        }
        return key
    }

    /// Reads a base64 key file, refusing one that others may read.
    static func readKeyFile(_ path: String) throws -> SymmetricKey {
        let attrs = try? FileManager.default.attributesOfItem(atPath: path)
        if let perms = attrs?[.posixPermissions] as? NSNumber, perms.intValue & 0o077 != 0 {
            throw KeyFileError("key file \(path) is readable by others (mode \(String(perms.intValue, radix: 8))); run `chmod 600 \(path)`")
        }
        guard let text = try? String(contentsOfFile: path, encoding: .utf8),
              let d = Data(base64Encoded: text.trimmingCharacters(in: .whitespacesAndNewlines)), d.count == 32
        else { throw KeyFileError("key file \(path) must hold 32 bytes in base64") }
        return SymmetricKey(data: d)
    }

    /// Writes a key as base64, mode 0600 (replacing a file there).
    static func writeKeyFile(_ path: String, _ key: SymmetricKey) -> Bool {
        try? FileManager.default.removeItem(atPath: path)
        let b64 = key.withUnsafeBytes { Data($0).base64EncodedString() }
        return FileManager.default.createFile(atPath: path, contents: Data((b64 + "\n").utf8), attributes: [.posixPermissions: 0o600])
    }

    struct KeyFileError: Error, CustomStringConvertible { var description: String; init(_ d: String) { description = d } }
}

struct AppConfigKey: StorageKey { typealias Value = AppConfig }
extension Application {
    /// The configuration `configure` was given.
    var pingan: AppConfig {
        get { storage[AppConfigKey.self]! }
        set { storage[AppConfigKey.self] = newValue }
    }
}

extension Request {
    var config: AppConfig { application.pingan }
}
