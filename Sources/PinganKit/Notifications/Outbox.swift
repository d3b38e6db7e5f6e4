import Foundation

/// The channels a message leaves by. In-app notices for staff are not sent: they are rows the staff member reads.
public enum OutboxChannel: String, CaseIterable, Codable, Sendable {
    case email, sms
    public var nameZh: String { self == .email ? "电子邮件" : "短信" }
    public var nameEn: String { self == .email ? "E-mail" : "SMS" }
}

/// pending → sent, or pending → (retries) → failed; `skipped` is written, never sent: the channel is not configured.
public enum OutboxStatus: String, CaseIterable, Codable, Sendable {
    case pending, sent, failed, skipped
    public var nameZh: String {
        switch self { case .pending: "待发送"; case .sent: "已发送"; case .failed: "发送失败"; case .skipped: "未发送（通道未配置）" }
    }
    public var nameEn: String {
        switch self { case .pending: "Waiting"; case .sent: "Sent"; case .failed: "Failed"; case .skipped: "Not sent (channel not configured)" }
    }
}

/// When to try again after a failed attempt: 1 min, 5 min, 30 min, 2 h, 12 h, then give up (six attempts in about
/// 15 hours: a gateway down for a night is ridden out; a wrong address does not retry for days).
public enum OutboxRetry {
    public static let delays: [TimeInterval] = [60, 300, 1800, 7200, 43_200]
    public static var maxAttempts: Int { delays.count + 1 }

    /// After `attempts` failed tries: when to try next, or nil to give up. A permanent refusal (a 5xx SMTP reply to the
    /// address, a 4xx from the gateway other than 429) gives up at once.
    public static func next(after attempts: Int, failedAt: Date, permanent: Bool) -> Date? {
        guard !permanent, attempts >= 1, attempts <= delays.count else { return nil }
        return failedAt.addingTimeInterval(delays[attempts - 1])
    }
}

/// What a resident is told about their request (群众诉求): that it was accepted, answered, or closed.
public enum ResidentNoticeEvent: String, CaseIterable, Codable, Sendable {
    case accepted, answered, closed
    /// A new public notice to a subscriber, and the confirmation a subscription asks for (公告订阅).
    case notice, confirm
    public var nameZh: String {
        switch self { case .accepted: "已受理"; case .answered: "有答复"; case .closed: "已办结"; case .notice: "新公告"; case .confirm: "订阅确认" }
    }
    public var nameEn: String {
        switch self { case .accepted: "Accepted"; case .answered: "Answered"; case .closed: "Closed"; case .notice: "New notice"; case .confirm: "Confirm subscription" }
    }

    /// The one notice a change of a request's status (and its reply) earns, if any. Closing wins over answering; a
    /// private note or a change between two open states after the first acceptance tells the resident nothing.
    public static func of(from: PortalStatus, to: PortalStatus, publicReply: Bool) -> ResidentNoticeEvent? {
        if to.isClosed && !from.isClosed { return .closed }
        if publicReply { return .answered }
        if from == .open && !to.isClosed && to != .open { return .accepted }
        return nil
    }
}

/// The words of a resident notice, in the language the request was made in. SMS stays short (one reply excerpt of
/// at most 40 characters and the tracking link); the e-mail carries the whole public reply.
public struct ResidentNotice: Sendable, Equatable {
    public var event: ResidentNoticeEvent
    public var number: String
    public var typeName: String
    public var statusName: String
    public var reply: String
    /// The tracking page (with its token), when the deployment's public address is known.
    public var link: String?
    public var english: Bool

    public init(event: ResidentNoticeEvent, number: String, typeName: String, statusName: String, reply: String, link: String?, english: Bool) {
        self.event = event; self.number = number; self.typeName = typeName; self.statusName = statusName
        self.reply = reply; self.link = link; self.english = english
    }

    public var subject: String {
        english ? "Your request \(number): \(event.nameEn.lowercased())" : "您的诉求\(number)\(event.nameZh)"
    }

    public func sms() -> String {
        let excerpt = reply.count > 40 ? String(reply.prefix(40)) + "…" : reply
        var s = english ? "[Pingan] Your request \(number) (\(typeName)): \(statusName)." : "【平安】您反映的\(typeName)（\(number)）\(statusName)。"
        if !excerpt.isEmpty && event != .accepted { s += english ? " Reply: \(excerpt)" : "答复：\(excerpt)" }
        if let link { s += english ? " Follow it: \(link)" : "查看进度：\(link)" }
        return s
    }

    public func email() -> String {
        var lines: [String] = []
        if english {
            lines.append("Your request \(number) (\(typeName)) is now: \(statusName).")
            if !reply.isEmpty { lines += ["", "Reply:", reply] }
            if let link { lines += ["", "Follow your request: \(link)"] }
            lines += ["", "You asked to be told about this request. In an emergency call 110.", "Pingan community policing"]
        } else {
            lines.append("您反映的\(typeName)（编号\(number)）现在的状态是：\(statusName)。")
            if !reply.isEmpty { lines += ["", "答复：", reply] }
            if let link { lines += ["", "查看办理进度：\(link)"] }
            lines += ["", "您在提交时选择了接收办理进度通知。紧急情况请拨打110。", "平安社区警务"]
        }
        return lines.joined(separator: "\n")
    }
}
