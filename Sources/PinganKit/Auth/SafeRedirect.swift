import Foundation

/// Where a sign-in may send the browser next: a path on this site, never another origin (OWASP ASVS 5.0 § 3.7,
/// "unvalidated redirects"). Browsers are lenient in ways a naive prefix check misses — they drop tabs and newlines
/// inside a URL (`/\t/evil.example` becomes `//evil.example`), read `\` as `/`, and a proxy or framework may
/// percent-decode once more (`/%2F%2Fevil.example`, `/%5Cevil.example`). So a target is accepted only when it is
/// printable ASCII without spaces or backslashes, starts with one `/`, and stays so however often it is decoded
/// (a decoded form may hold spaces and non-ASCII text — `?q=%E7%9B%97%E7%AA%83` — but no control character).
public enum SafeRedirect {
    /// `next` when it is a same-origin path, else `fallback`.
    public static func target(_ next: String?, fallback: String = "/") -> String {
        guard let next, !next.isEmpty, isSamePath(next) else { return fallback }
        return next
    }

    public static func isSamePath(_ candidate: String) -> Bool {
        var current = candidate
        // Each round must be a clean path; decoding stops when nothing changes (at most a few rounds: %25 nesting).
        for round in 0..<5 {
            guard isCleanPath(current, raw: round == 0) else { return false }
            guard let decoded = current.removingPercentEncoding else { return false }   // malformed escapes
            if decoded == current { return true }
            current = decoded
        }
        return false   // still changing after five decodings: not something a real link does
    }

    static func isCleanPath(_ s: String, raw: Bool) -> Bool {
        let bytes = Array(s.utf8)
        guard bytes.first == UInt8(ascii: "/") else { return false }            // a path, not a scheme or a host
        if bytes.count > 1, bytes[1] == UInt8(ascii: "/") { return false }      // `//host`: protocol-relative
        for b in bytes {
            if b < 0x20 || b == 0x7F { return false }                            // controls (tab, newline…), DEL
            if raw && (b == 0x20 || b > 0x7F) { return false }                   // as sent: printable ASCII only
            if b == UInt8(ascii: "\\") { return false }                          // read as `/` by browsers
        }
        return true
    }
}
