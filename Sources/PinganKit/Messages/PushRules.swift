import Foundation

/// Targeted push (精准推送, seed 002: 「在特定区域、按特定范畴、向特定对象开放推送」): a notice or a task sent by staff to
/// an area, to categories of people, to responsible units' staff or to named people, each recipient's copy carrying
/// its own read receipt and, for a task, its completion.

/// 通知 is read and done with; 任务 must be reported done by a due time, and its sender can remind those who have not.
public enum PushKind: String, CaseIterable, Codable, Sendable {
    case notice, task
    public var nameZh: String { self == .notice ? "通知" : "任务" }
    public var nameEn: String { self == .notice ? "Notice" : "Task" }
}

/// Whom a push reaches. Recipients are the union of three parts:
/// - the area part: people who work inside `areaCode` (their own subtree's root lies in it), narrowed to `roles` when
///   any are given — a push to a community reaches its officer, grid workers and team leader, not the district's staff;
/// - the staff of the responsible units in `unitIDs` (处置单位), wherever they sit;
/// - the people named in `userIDs`.
/// Forces listed with teams but without an account (`memberKinds`, e.g. 联防队员, 平安志愿者) are reached by SMS inside
/// the area (`PushMembers`); when only member kinds are chosen, the area part reaches no account.
public struct PushAudience: Sendable, Equatable {
    public var areaCode: String?
    public var roles: Set<Role>
    public var unitIDs: Set<Int>
    public var userIDs: Set<Int>
    public var memberKinds: Set<PersonnelKind>

    public init(areaCode: String? = nil, roles: Set<Role> = [], unitIDs: Set<Int> = [], userIDs: Set<Int> = [], memberKinds: Set<PersonnelKind> = []) {
        self.areaCode = areaCode; self.roles = roles; self.unitIDs = unitIDs; self.userIDs = userIDs; self.memberKinds = memberKinds
    }

    public var isEmpty: Bool { areaCode == nil && unitIDs.isEmpty && userIDs.isEmpty }

    /// A person as the audience sees them. `rootCode`: the division code at the top of their subtree (a station chief's
    /// is the station's street; nil for accounts without a place, who are reached only by name or unit).
    public struct Candidate: Sendable, Equatable {
        public var id: Int
        public var role: Role
        public var rootCode: String?
        public var unitID: Int?
        public var active: Bool
        public init(id: Int, role: Role, rootCode: String?, unitID: Int? = nil, active: Bool = true) {
            self.id = id; self.role = role; self.rootCode = rootCode; self.unitID = unitID; self.active = active
        }
    }

    public func includes(_ c: Candidate) -> Bool {
        guard c.active else { return false }
        if userIDs.contains(c.id) { return true }
        if let u = c.unitID, c.role == .unitStaff, unitIDs.contains(u) { return true }
        if let area = areaCode, let root = c.rootCode, root == area || DivisionCode.isPrefix(area, of: root) {
            // No role chosen means everyone in the area, unless the sender chose kinds of members instead.
            return roles.isEmpty ? memberKinds.isEmpty : roles.contains(c.role)
        }
        return false
    }

    /// The recipients among `candidates`, sorted by id; the sender never sends to themself.
    public func recipients(_ candidates: [Candidate], sender: Int) -> [Int] {
        candidates.filter { $0.id != sender && includes($0) }.map(\.id).sorted()
    }
}

/// Where one recipient's copy stands.
public enum PushReceiptState: String, CaseIterable, Codable, Sendable {
    case unread, read, done, overdue
    public var nameZh: String {
        switch self { case .unread: "未读"; case .read: "已读"; case .done: "已完成"; case .overdue: "已逾期" }
    }
    public var nameEn: String {
        switch self { case .unread: "Unread"; case .read: "Read"; case .done: "Done"; case .overdue: "Overdue" }
    }

    /// A task not done by its due time is overdue whether or not it was read; a notice is unread or read.
    public static func of(kind: PushKind, readAt: Date?, doneAt: Date?, dueAt: Date?, now: Date) -> PushReceiptState {
        if kind == .task {
            if doneAt != nil { return .done }
            if let due = dueAt, now > due { return .overdue }
        }
        return readAt == nil ? .unread : .read
    }
}

/// The sender's view of a push: how many have read it and, for a task, done it.
public struct PushProgress: Sendable, Codable, Equatable {
    public var recipients: Int
    public var read: Share
    public var done: Share?
    public var overdue: Int

    public init(kind: PushKind, receipts: [(readAt: Date?, doneAt: Date?)], dueAt: Date?, now: Date) {
        recipients = receipts.count
        // A task reported done counts as read even when it was done from the list without opening it.
        read = Share(receipts.filter { $0.readAt != nil || $0.doneAt != nil }.count, of: receipts.count)
        if kind == .task {
            let d = receipts.filter { $0.doneAt != nil }.count
            done = Share(d, of: receipts.count)
            overdue = (dueAt.map { now > $0 } ?? false) ? receipts.count - d : 0
        } else {
            done = nil; overdue = 0
        }
    }
}

/// The checks a push passes before anything is written.
public enum PushRules {
    public static let titleLength = 1...60
    public static let bodyLength = 1...2000
    /// A task is due within this many days of sending.
    public static let maxDueDays = 90
    /// At most this many recipients per push (a district's staff fit many times over; a typo in an area does not).
    public static let maxRecipients = 5000
    /// A sender reminds the same push at most once per this many seconds: reminders that repeat every minute are noise.
    public static let remindInterval: TimeInterval = 3600

    public enum Problem: Equatable, Sendable {
        case titleLength, bodyLength, dueMissing, dueInPast, dueTooFar, noAudience, noRecipients, tooManyRecipients(Int)
    }

    public static func check(kind: PushKind, title: String, body: String, dueAt: Date?, audience: PushAudience, now: Date) -> [String: Problem] {
        var p: [String: Problem] = [:]
        if !titleLength.contains(title.count) { p["title"] = .titleLength }
        if !bodyLength.contains(body.count) { p["body"] = .bodyLength }
        if kind == .task {
            if let due = dueAt {
                if due <= now { p["dueAt"] = .dueInPast }
                else if due.timeIntervalSince(now) > Double(maxDueDays) * 86400 { p["dueAt"] = .dueTooFar }
            } else { p["dueAt"] = .dueMissing }
        }
        if audience.isEmpty { p["audience"] = .noAudience }
        return p
    }

    /// When the sender may remind again: nil = now (never reminded, or the interval has passed).
    public static func nextReminder(lastRemindedAt: Date?, now: Date) -> Date? {
        guard let last = lastRemindedAt else { return nil }
        let next = last.addingTimeInterval(remindInterval)
        return next > now ? next : nil
    }
}
