import Foundation

/// A resident's subscription to their community's public notices (公告订阅): pending until the resident opens the
/// confirmation link (so nobody subscribes someone else's number), active, or cancelled (退订, by the resident's link or
/// by staff at their request).
public enum NoticeSubscriptionStatus: String, CaseIterable, Codable, Sendable {
    case pending, active, cancelled
    public var nameZh: String { switch self { case .pending: "待确认"; case .active: "订阅中"; case .cancelled: "已退订" } }
    public var nameEn: String { switch self { case .pending: "Awaiting confirmation"; case .active: "Subscribed"; case .cancelled: "Cancelled" } }
}

public enum NoticeSubscriptionRules {
    /// Whether a notice for `notice` reaches a subscriber who chose `interest`: "all notices" takes every notice; a
    /// group (tenants, landlords …) takes the notices for that group and those for all residents.
    public static func reaches(interest: NoticeAudience, notice: NoticeAudience) -> Bool {
        interest == .all || notice == .all || interest == notice
    }
}

/// The words of the messages a subscription earns, in the subscriber's language: the confirmation asked for on
/// subscribing, and one message per new notice. An SMS stays within 4 segments (≤ 268 characters of Chinese, counted
/// as in `PushMembers`): sign, area, title, as much of the text as fits, and the two links (full text, unsubscribe),
/// which are never cut.
public struct NoticeSubscriptionMessage: Sendable, Equatable {
    public static let smsLimit = 268

    public var community: String
    public var english: Bool
    public init(community: String, english: Bool) { self.community = community; self.english = english }

    public func confirmSubject() -> String { english ? "Confirm: notices of \(community)" : "请确认订阅\(community)社区公告" }

    public func confirmSMS(link: String) -> String {
        english ? "[Pingan] To receive the public notices of \(community), confirm here: \(link) If this was not you, ignore this message."
                : "【平安】您正在订阅\(community)的社区公告，确认请打开：\(link) 非本人操作请忽略。"
    }

    public func confirmEmail(link: String) -> String {
        (english
            ? ["Someone (we hope you) asked to receive the public notices of \(community) at this address.", "",
               "To confirm, open: \(link)", "", "If this was not you, ignore this message: nothing will be sent.", "Pingan community policing"]
            : ["有人（希望是您本人）申请用这个地址接收\(community)的社区公告。", "", "确认订阅请打开：\(link)", "",
               "如非本人操作，请忽略本邮件，我们不会再发送。", "平安社区警务"]).joined(separator: "\n")
    }

    public func noticeSubject(area: String, title: String) -> String { english ? "Notice (\(area)): \(title)" : "【\(area)公告】\(title)" }

    /// The SMS of a new notice. Links are kept whole; the title is cut before the text is dropped entirely.
    public func noticeSMS(area: String, kind: String, title: String, body: String, link: String?, unsubscribe: String) -> String {
        let head = english ? "[Pingan] \(area) \(kind): \(title)." : "【平安】\(area)\(kind)：\(title)。"
        var tail = link.map { english ? " Full text: \($0)" : "全文：\($0)" } ?? ""
        tail += english ? " Unsubscribe: \(unsubscribe)" : " 退订：\(unsubscribe)"
        let flat = body.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.joined(separator: " ")
        var room = Self.smsLimit - head.count - tail.count
        if room < 0 {
            let cut = String(head.prefix(max(10, head.count + room - 1))) + "…"
            return cut + tail
        }
        if room < 8 { return head + tail }
        room -= 1
        let text = flat.count > room ? String(flat.prefix(room - 1)) + "…" : flat
        return head + text + tail
    }

    public func noticeEmail(area: String, kind: String, title: String, body: String, eventAt: String?, link: String?, unsubscribe: String) -> String {
        var lines = [english ? "\(kind) — \(area)" : "\(area) · \(kind)", "", title, ""]
        if let eventAt { lines += [english ? "When: \(eventAt)" : "时间：\(eventAt)", ""] }
        lines.append(body)
        if let link { lines += ["", english ? "On the web: \(link)" : "网页查看：\(link)"] }
        lines += ["", english ? "You subscribed to the notices of \(community). To stop them: \(unsubscribe)"
                              : "您订阅了\(community)的社区公告。退订请打开：\(unsubscribe)",
                  english ? "Pingan community policing" : "平安社区警务"]
        return lines.joined(separator: "\n")
    }
}
