import Fluent
import Vapor
import PinganKit

/// The password policy (`PasswordPolicy`) as a form field's message.
enum PasswordRules {
    /// The first rule `password` breaks, in `lang` — or in both languages (`中文 / English`) for the command line.
    static func message(_ password: String, username: String, lang: Lang?) -> String? {
        guard let problem = PasswordPolicy.standard.problems(password, username: username).first else { return nil }
        let (zh, en): (String, String)
        switch problem {
        case .tooShort(let n): (zh, en) = ("密码至少 \(n) 位", "At least \(n) characters")
        case .tooLong(let n): (zh, en) = ("密码最长 \(n) 字节（约 \(n / 3) 个汉字）", "At most \(n) bytes (about \(n / 3) Chinese characters)")
        case .repeatedCharacter: (zh, en) = ("不能由同一个字符重复组成", "Not one character repeated")
        case .containsUsername: (zh, en) = ("不能包含用户名", "Must not contain the username")
        case .common: (zh, en) = ("这是最常见的密码之一，请另选一个", "This is one of the most common passwords; choose another")
        }
        guard let lang else { return "\(zh) / \(en)" }
        return lang.t(zh, en)
    }
}

/// API bearer tokens: issued with an expiry (90 days unless asked otherwise, never beyond `PINGAN_TOKEN_MAX_DAYS`),
/// stored hashed, revoked together when the password changes or the account is deactivated.
enum APITokens {
    /// The lifetime asked for, or the field's message (`lang` nil: both languages).
    static func days(_ asked: String?, config: AppConfig, lang: Lang?) -> Result<Int, FieldErrors> {
        guard let text = asked?.trimmingCharacters(in: .whitespaces), !text.isEmpty else { return .success(config.tokenDefaultDays) }
        if let n = Int(text), (1...config.tokenMaxDays).contains(n) { return .success(n) }
        let zh = "有效天数为 1–\(config.tokenMaxDays) 天", en = "1–\(config.tokenMaxDays) days"
        return .failure(FieldErrors(["days": lang?.t(zh, en) ?? "\(zh) / \(en)"]))
    }

    /// A new token's secret (shown once) after storing its hash.
    static func issue(userID: Int, name: String, days: Int, on db: any Database) async throws -> (token: String, record: APIToken) {
        let token = "pa_" + Tokens.random()
        let now = Date()
        let record = APIToken(userID: userID, name: name, tokenHash: Tokens.hash(token), createdAt: now, expiresAt: now.addingTimeInterval(Double(days) * 86400))
        try await record.create(on: db)
        return (token, record)
    }

    /// Revokes every live token of a user; the number revoked.
    @discardableResult
    static func revokeAll(userID: Int, on db: any Database) async throws -> Int {
        let live = try await APIToken.query(on: db).filter(\.$userID == userID).filter(\.$revoked == false).count()
        try await APIToken.query(on: db).filter(\.$userID == userID).filter(\.$revoked == false).set(\.$revoked, to: true).update()
        return live
    }
}

/// One token as the API lists it (never its hash).
struct TokenDTO: Content {
    var id: Int; var name: String; var createdAt: Date; var expiresAt: Date?; var lastUsedAt: Date?; var revoked: Bool; var active: Bool
    init(_ t: APIToken, now: Date = Date()) {
        id = t.id!; name = t.name; createdAt = t.createdAt; expiresAt = t.expiresAt; lastUsedAt = t.lastUsedAt; revoked = t.revoked
        active = !t.revoked && (t.expiresAt.map { $0 > now } ?? false)
    }
}
