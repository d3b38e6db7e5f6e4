import Vapor

/// UI language: Simplified Chinese by default, English on request (`?lang=en`, a cookie, or the user's setting).
struct Lang: Sendable {
    var isEnglish: Bool
    var code: String { isEnglish ? "en" : "zh-CN" }
    /// Pick the string for this language; call sites keep both texts side by side.
    func t(_ zh: String, _ en: String) -> String { isEnglish ? en : zh }
    /// A configured text kept in both languages as "中文 / English" (scoring items, grades, Open311 attributes): this
    /// language's half; a text without the separator as it is.
    func stored(_ text: String) -> String {
        let parts = text.components(separatedBy: " / ")
        return parts.count == 2 ? t(parts[0], parts[1]) : text
    }
}

private struct LangKey: StorageKey { typealias Value = Lang }

extension Request {
    var lang: Lang {
        if let l = storage[LangKey.self] { return l }
        let l: Lang
        if let q = query[String.self, at: "lang"], q == "en" || q == "zh" {
            l = Lang(isEnglish: q == "en")
        } else if let u = auth.get(User.self) {
            l = Lang(isEnglish: u.lang == "en")
        } else if let c = cookies["pingan_lang"]?.string {
            l = Lang(isEnglish: c == "en")
        } else {
            l = Lang(isEnglish: false)
        }
        storage[LangKey.self] = l
        return l
    }
    func t(_ zh: String, _ en: String) -> String { lang.t(zh, en) }
}

/// Remembers an explicit `?lang=` choice: in a cookie, and as the signed-in user's own setting.
struct LangCookieMiddleware: AsyncMiddleware {
    func respond(to req: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        let res = try await next.respond(to: req)
        if let q = req.query[String.self, at: "lang"], q == "en" || q == "zh" {
            res.cookies["pingan_lang"] = HTTPCookies.Value(string: q, maxAge: 365 * 86400, path: "/", isHTTPOnly: true, sameSite: .lax)
            if let user = req.auth.get(User.self), user.lang != q, req.method == .GET {
                user.lang = q
                try? await user.save(on: req.db)
            }
        }
        return res
    }
}
