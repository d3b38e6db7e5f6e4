import Crypto
import Foundation
import Vapor
import PinganKit

/// Abuse limits of the public portal, from the environment:
/// `PINGAN_PORTAL_IP_LIMIT` submissions per address per hour (default 20), `PINGAN_PORTAL_PHONE_LIMIT`
/// per phone per day (default 5), `PINGAN_PORTAL_MIN_FILL_SECONDS` (default 3). 0 turns a limit off.
struct PortalSettings: Sendable {
    var ipLimit = 20
    var ipWindow = 3600.0
    var phoneLimit = 5
    var phoneWindow = 86_400.0
    var minFillSeconds = 3.0
    static func fromEnvironment() -> PortalSettings {
        var s = PortalSettings()
        if let v = Environment.get("PINGAN_PORTAL_IP_LIMIT").flatMap(Int.init) { s.ipLimit = v }
        if let v = Environment.get("PINGAN_PORTAL_PHONE_LIMIT").flatMap(Int.init) { s.phoneLimit = v }
        if let v = Environment.get("PINGAN_PORTAL_MIN_FILL_SECONDS").flatMap(Double.init) { s.minFillSeconds = v }
        return s
    }
}

/// In-memory per-address and per-phone limits (one server process; a restart forgets, which only loosens them).
final class PortalGuard: @unchecked Sendable {
    let settings: PortalSettings
    private let ip: LockedLimiter
    private let phone: LockedLimiter
    init(settings: PortalSettings) {
        self.settings = settings
        ip = LockedLimiter(limit: settings.ipLimit, window: settings.ipWindow)
        phone = LockedLimiter(limit: settings.phoneLimit, window: settings.phoneWindow)
    }

    static let tooManyMessage = (zh: "提交过于频繁，请稍后再试。", en: "Too many submissions. Please try again later.")

    /// Throws 429 with Retry-After when the address or the phone has used its allowance.
    func check(_ req: Request, phoneKey: String?) throws {
        try ip.hit(req.clientAddress, req, message: Self.tooManyMessage)
        if let phoneKey { try phone.hit(phoneKey, req, message: Self.tooManyMessage) }
    }

    /// The form's time stamp, signed so a bot cannot back-date it: "unix-seconds.hmac".
    static func stamp(_ req: Request, at: Date = Date()) -> String {
        let t = String(Int(at.timeIntervalSince1970))
        return t + "." + sign(req, t)
    }
    static func renderedAt(_ req: Request, _ stamp: String?) -> Double? {
        guard let parts = stamp?.split(separator: "."), parts.count == 2, let t = Double(parts[0]),
              Tokens.equal(sign(req, String(parts[0])), String(parts[1])) else { return nil }
        return t
    }
    private static func sign(_ req: Request, _ t: String) -> String {
        let key = HKDF<SHA256>.deriveKey(inputKeyMaterial: req.config.secretKey, info: Data("pingan/portal-form/v1".utf8), outputByteCount: 32)
        return FieldCipher.hex(HMAC<SHA256>.authenticationCode(for: Data(t.utf8), using: key)).prefix(32).description
    }
}

private struct PortalGuardKey: StorageKey { typealias Value = PortalGuard }
extension Application {
    var portalGuard: PortalGuard {
        get { storage[PortalGuardKey.self] ?? PortalGuard(settings: .init()) }
        set { storage[PortalGuardKey.self] = newValue }
    }
}

/// Command-line helpers of the portal.
public enum PortalCLI {
    /// Creates an Open311 api_key; only its hash is stored, so this is the one time it is shown.
    public static func createOpen311Key(app: Application, name: String) async throws -> String {
        let key = "o311-" + Tokens.random().prefix(24)
        let k = Open311Key(); k.name = String(name.prefix(50)); k.keyHash = Tokens.hash(key); k.active = true; k.createdAt = Date()
        try await k.create(on: app.db)
        return key
    }
}

