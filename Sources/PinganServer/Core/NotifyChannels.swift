import Foundation
import PinganKit

/// How residents' notices leave the server. Neither channel is on unless configured: without them notices are written
/// to the outbox as "not sent" so staff can see that the resident was not told.
public struct NotifyChannels: Sendable, Equatable {
    /// E-mail through an SMTP relay: the district's mail server, or a local MTA (postfix) that handles TLS onwards.
    public struct SMTP: Sendable, Equatable {
        public var host: String
        public var port: Int
        public var from: String
        /// The name given in EHLO (this server's host name).
        public var helo: String
        public var timeout: TimeInterval
    }
    /// An SMS gateway reached over HTTP: `POST url` with JSON `{"to": "13800138000", "text": "…"}` and, when a token
    /// is set, `Authorization: Bearer token`; any 2xx is sent, 429 and 5xx are retried, other 4xx fail.
    public struct SMS: Sendable, Equatable {
        public var url: String
        public var token: String?
        public var timeout: TimeInterval
    }
    public var smtp: SMTP?
    public var sms: SMS?
    /// How often the sender looks for due messages while the server runs.
    public var interval: TimeInterval = 30

    public init(smtp: SMTP? = nil, sms: SMS? = nil) { self.smtp = smtp; self.sms = sms }

    public func isConfigured(_ channel: OutboxChannel) -> Bool { channel == .email ? smtp != nil : sms != nil }

    /// Documented in README.md § Configuration.
    static func fromEnvironment(_ env: [String: String], problems: inout [String]) -> NotifyChannels {
        var c = NotifyChannels()
        if let host = env["PINGAN_SMTP_HOST"], !host.isEmpty {
            let port = env["PINGAN_SMTP_PORT"].flatMap { $0.isEmpty ? nil : $0 }
            let from = env["PINGAN_SMTP_FROM"].flatMap(EmailAddress.normalize)
            if let port, Int(port).map({ (1...65535).contains($0) }) != true {
                problems.append("PINGAN_SMTP_PORT must be a number 1–65535 (got \"\(port)\")")
            } else if from == nil {
                problems.append("PINGAN_SMTP_FROM must be the sender's e-mail address (e.g. pingan@example.gov.cn) when PINGAN_SMTP_HOST is set")
            } else if host.contains(where: { $0 == " " || $0 == "/" || $0 == ":" && !host.hasPrefix("[") }) {
                problems.append("PINGAN_SMTP_HOST must be a host name or an IP address (got \"\(host.prefix(40))\")")
            } else {
                c.smtp = SMTP(host: host, port: port.flatMap(Int.init) ?? 25, from: from!,
                              helo: env["PINGAN_SMTP_HELO"].flatMap { $0.isEmpty ? nil : $0 } ?? "pingan.localdomain", timeout: 20)
            }
        }
        if let url = env["PINGAN_SMS_URL"], !url.isEmpty {
            if let u = URL(string: url), ["http", "https"].contains(u.scheme?.lowercased() ?? ""), u.host != nil {
                c.sms = SMS(url: url, token: env["PINGAN_SMS_TOKEN"].flatMap { $0.isEmpty ? nil : $0 }, timeout: 15)
            } else {
                problems.append("PINGAN_SMS_URL must be the gateway's http(s) address (got \"\(url.prefix(40))\")")
            }
        }
        if let v = env["PINGAN_NOTIFY_INTERVAL_SECONDS"], !v.isEmpty {
            if let n = Int(v), (1...3600).contains(n) { c.interval = TimeInterval(n) } else { problems.append("PINGAN_NOTIFY_INTERVAL_SECONDS must be a number 1–3600") }
        }
        return c
    }
}
