import Foundation

/// An e-mail address as a resident types it, checked strictly enough that it can go into an SMTP command and a header
/// untouched: no spaces, no line breaks, no angle brackets, no quoted local parts (nobody types them; they are where
/// header and command injection hide).
public enum EmailAddress {
    static let localCharacters = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.!#$%&'*+/=?^_`{|}~-")
    static let domainCharacters = Set("abcdefghijklmnopqrstuvwxyz0123456789-")

    /// `Zhang.San@Example.COM ` → `Zhang.San@example.com`; nil when it is not a plain address.
    public static func normalize(_ raw: String) -> String? {
        let s = raw.trimmingCharacters(in: .whitespaces)
        let parts = s.split(separator: "@", omittingEmptySubsequences: false)
        guard s.utf8.count <= 254, parts.count == 2 else { return nil }
        let local = String(parts[0]), domain = parts[1].lowercased()
        guard (1...64).contains(local.utf8.count), local.allSatisfy(localCharacters.contains),
              !local.hasPrefix("."), !local.hasSuffix("."), !local.contains("..") else { return nil }
        let labels = domain.split(separator: ".", omittingEmptySubsequences: false)
        guard labels.count >= 2 else { return nil }
        for label in labels {
            guard (1...63).contains(label.count), label.allSatisfy(domainCharacters.contains),
                  !label.hasPrefix("-"), !label.hasSuffix("-") else { return nil }
        }
        guard let tld = labels.last, tld.count >= 2, tld.allSatisfy(\.isLetter) else { return nil }
        return local + "@" + domain
    }

    /// `z***@example.com`: enough to recognise one's own address, not to write to it.
    public static func masked(_ address: String) -> String {
        guard let at = address.firstIndex(of: "@") else { return "***" }
        return String(address.prefix(1)) + "***" + String(address[at...])
    }
}

/// One plain-text e-mail, rendered as RFC 5322 with a UTF-8 body in base64 (Chinese text, any line length, and no line
/// can start with a dot, so the SMTP DATA needs no dot-stuffing).
public struct MailMessage: Sendable, Equatable {
    public var from: String
    public var to: String
    public var subject: String
    public var body: String
    public var date: Date
    public var messageID: String

    public init(from: String, to: String, subject: String, body: String, date: Date, messageID: String) {
        self.from = from; self.to = to; self.subject = subject; self.body = body; self.date = date; self.messageID = messageID
    }

    /// Headers and body with CRLF line ends, ready for DATA (the caller sends the final `.`).
    public func rendered() -> String {
        let headers = [
            "From: " + from,
            "To: " + to,
            "Subject: " + Self.encodedWords(subject),
            "Date: " + Self.rfc5322Date(date),
            "Message-ID: <" + messageID + ">",
            "MIME-Version: 1.0",
            "Content-Type: text/plain; charset=UTF-8",
            "Content-Transfer-Encoding: base64",
        ]
        let encoded = Data(body.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\n", with: "\r\n").utf8).base64EncodedString()
        var lines: [String] = []
        var i = encoded.startIndex
        while i < encoded.endIndex {
            let j = encoded.index(i, offsetBy: 76, limitedBy: encoded.endIndex) ?? encoded.endIndex
            lines.append(String(encoded[i..<j])); i = j
        }
        return headers.joined(separator: "\r\n") + "\r\n\r\n" + lines.joined(separator: "\r\n") + "\r\n"
    }

    /// RFC 2047 B-encoded words of at most 75 characters, folded onto continuation lines; plain ASCII stays as it is.
    public static func encodedWords(_ text: String) -> String {
        let clean = text.replacingOccurrences(of: "\r", with: " ").replacingOccurrences(of: "\n", with: " ")
        if clean.unicodeScalars.allSatisfy({ $0.isASCII && $0.value >= 32 }) && clean.count <= 900 { return clean }
        var words: [String] = [], chunk: [UInt8] = []
        func flush() { if !chunk.isEmpty { words.append("=?UTF-8?B?" + Data(chunk).base64EncodedString() + "?="); chunk = [] } }
        for ch in clean {   // whole characters: a word never splits a UTF-8 sequence
            let bytes = Array(String(ch).utf8)
            if chunk.count + bytes.count > 45 { flush() }   // 45 bytes → 60 base64 characters + 12 = 72 ≤ 75
            chunk += bytes
        }
        flush()
        return words.joined(separator: "\r\n ")
    }

    public static func rfc5322Date(_ date: Date) -> String {
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = TimeZone(identifier: "Asia/Shanghai")
        f.dateFormat = "EEE, dd MMM yyyy HH:mm:ss Z"
        return f.string(from: date)
    }
}

/// One SMTP reply line: `250-PIPELINING` (more lines follow) or `250 OK` (the last).
public struct SMTPReplyLine: Sendable, Equatable {
    public var code: Int
    public var isLast: Bool
    public var text: String

    public init?(_ line: String) {
        let u = Array(line.utf8)
        guard u.count >= 3, let code = Int(String(decoding: u[0..<3], as: UTF8.self)), (200...599).contains(code) else { return nil }
        if u.count == 3 { self.code = code; isLast = true; text = ""; return }
        guard u[3] == UInt8(ascii: " ") || u[3] == UInt8(ascii: "-") else { return nil }
        self.code = code; isLast = u[3] == UInt8(ascii: " "); text = String(decoding: u[4...], as: UTF8.self)
    }
}
