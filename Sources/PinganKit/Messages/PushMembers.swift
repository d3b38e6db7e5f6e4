import Foundation

/// Forces listed with teams who have no account (联防队员, 平安志愿者, 治安信息员 …): a push reaches them by SMS, chosen by
/// kind inside the push's area. Each gets a receipt link; confirming on it is their read receipt (and, for a task,
/// their report that it is done).
public enum PushMembers {
    /// A team member as the audience sees them: only active members (在岗) of the chosen kinds in the area are reached,
    /// and only those with a phone number can be.
    public struct Candidate: Sendable, Equatable {
        public var id: Int
        public var kind: PersonnelKind
        public var communityCode: String
        public var active: Bool
        public var hasPhone: Bool
        public init(id: Int, kind: PersonnelKind, communityCode: String, active: Bool = true, hasPhone: Bool = true) {
            self.id = id; self.kind = kind; self.communityCode = communityCode; self.active = active; self.hasPhone = hasPhone
        }
    }

    /// The members the push is for, split into those an SMS can reach and those without a number (listed to the sender,
    /// never counted as unread). Both sorted by id.
    public static func recipients(_ candidates: [Candidate], areaCode: String?, kinds: Set<PersonnelKind>) -> (reachable: [Int], withoutPhone: [Int]) {
        guard let area = areaCode, !kinds.isEmpty else { return ([], []) }
        let chosen = candidates.filter { c in
            c.active && kinds.contains(c.kind) && (c.communityCode == area || DivisionCode.isPrefix(area, of: c.communityCode))
        }
        return (chosen.filter(\.hasPhone).map(\.id).sorted(), chosen.filter { !$0.hasPhone }.map(\.id).sorted())
    }

    /// An SMS is billed by the 70-character segment; five segments is what gateways accept as one long message.
    public static let smsLimit = 335

    /// The text of the SMS: sign, kind, title, as much of the body as fits, the due time of a task and the receipt link.
    /// A reminder says so first. The link is left out when the deployment has no public address.
    public static func sms(kind: PushKind, title: String, body: String, due: String?, link: String?, reminder: Bool) -> String {
        let head = (reminder ? "【平安·提醒】" : "【平安】") + kind.nameZh + "：" + title + "。"
        var tail = ""
        if kind == .task, let due { tail += "请于\(due)前完成。" }
        if let link { tail += kind == .task ? "完成后请点此回复：\(link)" : "请点此确认收到：\(link)" }
        let room = smsLimit - head.count - tail.count
        let text = body.replacingOccurrences(of: "\r", with: "").replacingOccurrences(of: "\n", with: " ")
        let excerpt: String
        if room <= 1 { excerpt = "" }
        else if text.count <= room { excerpt = text }
        else { excerpt = String(text.prefix(room - 1)) + "…" }
        return head + excerpt + tail
    }
}
