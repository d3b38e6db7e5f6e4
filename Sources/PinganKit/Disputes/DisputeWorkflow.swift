import Foundation

/// 矛盾纠纷调处: one file per issue (一事一档), from registration at any desk to follow-up of the
/// agreement. Pure rules — the server stores, scopes and audits; this decides what may happen next.

/// The type code table (纠纷类型).
public enum DisputeType: String, CaseIterable, Codable, Sendable {
    case family = "family"                 // 婚姻家庭
    case neighbours = "neighbours"         // 邻里
    case landForest = "land_forest"        // 山林土地
    case property = "property"             // 物业管理
    case wageArrears = "wage_arrears"      // 欠薪
    case labour = "labour"                 // 劳动争议
    case demolition = "demolition"         // 征地拆迁
    case medical = "medical"               // 医疗纠纷
    case traffic = "traffic"               // 交通事故
    case consumer = "consumer"             // 消费
    case other = "other"                   // 其他

    public var nameZh: String {
        switch self {
        case .family: "婚姻家庭"; case .neighbours: "邻里纠纷"; case .landForest: "山林土地"; case .property: "物业管理"
        case .wageArrears: "拖欠工资"; case .labour: "劳动争议"; case .demolition: "征地拆迁"; case .medical: "医疗纠纷"
        case .traffic: "交通事故"; case .consumer: "消费纠纷"; case .other: "其他"
        }
    }
    public var nameEn: String {
        switch self {
        case .family: "Marriage and family"; case .neighbours: "Neighbours"; case .landForest: "Land and forest"; case .property: "Property management"
        case .wageArrears: "Wage arrears"; case .labour: "Labour"; case .demolition: "Demolition and land acquisition"; case .medical: "Medical"
        case .traffic: "Traffic"; case .consumer: "Consumer"; case .other: "Other"
        }
    }
}

/// Where the file came from (来源).
public enum DisputeSource: String, CaseIterable, Codable, Sendable {
    case walkIn = "walk_in"            // 来访
    case screening                     // 排查
    case police = "police"             // 公安/110 移交
    case online                        // 网上
    case petitionOffice = "petition"   // 信访部门
    public var nameZh: String {
        switch self { case .walkIn: "群众来访"; case .screening: "排查发现"; case .police: "公安/110移交"; case .online: "网上受理"; case .petitionOffice: "信访部门转来" }
    }
    public var nameEn: String {
        switch self { case .walkIn: "Walk-in"; case .screening: "Screening (排查)"; case .police: "Police / 110 referral"; case .online: "Online portal"; case .petitionOffice: "Petition office" }
    }
}

/// The three mediation levels: community station, street sub-centre, district centre.
public enum DisputeLevel: String, CaseIterable, Codable, Sendable, Comparable {
    case community, street, district
    var rank: Int { switch self { case .community: 0; case .street: 1; case .district: 2 } }
    public static func < (a: Self, b: Self) -> Bool { a.rank < b.rank }
    public var nameZh: String { switch self { case .community: "社区调解室"; case .street: "街道调处分中心"; case .district: "区调处中心" } }
    public var nameEn: String { switch self { case .community: "Community station"; case .street: "Street sub-centre"; case .district: "District centre" } }
}

/// Hand-offs outside people's mediation (人民调解 → 行政调解 / 司法调解 / 诉讼).
public enum ReferralChannel: String, CaseIterable, Codable, Sendable {
    case administrative, judicial, court
    public var nameZh: String { switch self { case .administrative: "行政调解"; case .judicial: "司法调解"; case .court: "诉讼（法院）" } }
    public var nameEn: String { switch self { case .administrative: "Administrative mediation"; case .judicial: "Judicial mediation"; case .court: "Court" } }
}

public enum DisputeOutcome: String, CaseIterable, Codable, Sendable {
    case agreement, failed, withdrawn
    public var nameZh: String { switch self { case .agreement: "调解成功（达成协议）"; case .failed: "调解不成"; case .withdrawn: "当事人撤回" } }
    public var nameEn: String { switch self { case .agreement: "Agreement reached"; case .failed: "Failed"; case .withdrawn: "Withdrawn" } }
}

public enum DisputeStatus: String, CaseIterable, Codable, Sendable {
    case registered   // 已登记
    case accepted     // 已受理
    case declined     // 不予受理
    case assigned     // 已分派
    case mediating    // 调解中
    case referred     // 已移交（行政/司法调解、诉讼）
    case closed       // 已结案
    case followedUp   = "followed_up" // 已回访

    public var nameZh: String {
        switch self {
        case .registered: "已登记"; case .accepted: "已受理"; case .declined: "不予受理"; case .assigned: "已分派"
        case .mediating: "调解中"; case .referred: "已移交"; case .closed: "已结案"; case .followedUp: "已回访"
        }
    }
    public var nameEn: String {
        switch self {
        case .registered: "Registered"; case .accepted: "Accepted"; case .declined: "Declined"; case .assigned: "Assigned"
        case .mediating: "Mediating"; case .referred: "Referred"; case .closed: "Closed"; case .followedUp: "Followed up"
        }
    }
    /// The time limit runs while the file is in these states.
    public var isOpen: Bool { [.accepted, .assigned, .mediating].contains(self) }
    /// Still waiting at the desk (not yet in a mediator's hands).
    public var isWaiting: Bool { [.registered, .accepted].contains(self) }
}

/// What a user can do to a file. Each action names the states it starts from.
public enum DisputeAction: String, CaseIterable, Codable, Sendable {
    case accept, decline, assign, escalate, refer, session, close, followUp = "follow_up"

    public var nameZh: String {
        switch self {
        case .accept: "受理"; case .decline: "不予受理"; case .assign: "分派"; case .escalate: "上交上级"; case .refer: "移交"
        case .session: "记录调解"; case .close: "结案"; case .followUp: "回访"
        }
    }
    public var nameEn: String {
        switch self {
        case .accept: "Accept"; case .decline: "Decline"; case .assign: "Assign"; case .escalate: "Escalate"; case .refer: "Refer"
        case .session: "Record session"; case .close: "Close"; case .followUp: "Follow up"
        }
    }

    public var allowedFrom: [DisputeStatus] {
        switch self {
        case .accept, .decline: [.registered]
        case .assign: [.accepted]
        case .escalate: [.assigned, .mediating]
        case .refer: [.accepted, .assigned, .mediating]
        case .session: [.assigned, .mediating]
        case .close: [.assigned, .mediating]
        case .followUp: [.closed]
        }
    }

    /// The state after the action (escalation goes back to assigned at the higher level).
    public var target: DisputeStatus {
        switch self {
        case .accept: .accepted; case .decline: .declined; case .assign, .escalate: .assigned; case .refer: .referred
        case .session: .mediating; case .close: .closed; case .followUp: .followedUp
        }
    }
}

public struct DisputeWorkflowError: Error, Equatable, Sendable {
    public var messageZh: String
    public var messageEn: String
}

public enum DisputeWorkflow {
    /// Actions that the file's status allows, in display order.
    public static func available(from status: DisputeStatus) -> [DisputeAction] {
        DisputeAction.allCases.filter { $0.allowedFrom.contains(status) }
    }

    /// Checks an action against the file; throws a message that says what is allowed instead.
    /// - level: the file's current level; `newLevel` the requested one (assign / escalate).
    /// - outcome: for close; an agreement needs at least one session, a follow-up needs an agreement.
    public static func check(_ action: DisputeAction, status: DisputeStatus, level: DisputeLevel?, newLevel: DisputeLevel? = nil,
                             outcome: DisputeOutcome? = nil, currentOutcome: DisputeOutcome? = nil, sessions: Int = 0) throws(DisputeWorkflowError) {
        guard action.allowedFrom.contains(status) else {
            let ok = available(from: status)
            throw DisputeWorkflowError(
                messageZh: "“\(status.nameZh)”的纠纷不能\(action.nameZh)" + (ok.isEmpty ? "；该档案已办结" : "；可以：" + ok.map(\.nameZh).joined(separator: "、")),
                messageEn: "A file that is \(status.nameEn.lowercased()) cannot be sent to \(action.nameEn.lowercased())" + (ok.isEmpty ? "; the file is finished" : "; allowed: " + ok.map(\.nameEn).joined(separator: ", ")))
        }
        switch action {
        case .escalate:
            guard let newLevel else { throw DisputeWorkflowError(messageZh: "请选择上交的层级", messageEn: "Choose the level to escalate to") }
            if let level, newLevel <= level {
                throw DisputeWorkflowError(messageZh: "只能上交到比“\(level.nameZh)”更高的层级", messageEn: "Escalation must go above the \(level.nameEn.lowercased())")
            }
        case .assign:
            if newLevel == nil { throw DisputeWorkflowError(messageZh: "请选择调解层级", messageEn: "Choose the mediation level") }
        case .close:
            if outcome == .agreement, sessions == 0 {
                throw DisputeWorkflowError(messageZh: "达成协议前须至少记录一次调解", messageEn: "Record at least one mediation session before an agreement")
            }
        case .followUp:
            if currentOutcome != .agreement { throw DisputeWorkflowError(messageZh: "只有达成协议的纠纷需要回访履行情况", messageEn: "Only agreements are followed up") }
        default: break
        }
    }
}

/// The time limit (办理时限): counted in calendar days from acceptance.
public enum DisputeDeadline {
    public static let defaultDays = 30
    public static let allowedDays = 1...180

    /// The last day (inclusive) for a file accepted on `acceptedDay` (yyyy-MM-dd in local time).
    public static func dueDay(acceptedDay: String, days: Int) -> String? {
        guard let d = LocalDay(acceptedDay) else { return nil }
        return d.adding(days: days).description
    }

    /// Overdue once `today` is after the due day and the file is still open.
    public static func isOverdue(status: DisputeStatus, dueDay: String?, today: String) -> Bool {
        guard status.isOpen, let dueDay else { return false }
        return today > dueDay
    }

    /// Days left (negative when late); nil without a due day.
    public static func daysLeft(dueDay: String?, today: String) -> Int? {
        guard let dueDay, let a = LocalDay(today), let b = LocalDay(dueDay) else { return nil }
        return a.days(until: b)
    }
}

/// 民转刑 review: a dispute linked to a criminal incident that happened on or after the dispute was
/// registered is a failed prevention (民间纠纷转化为刑事案件) and is flagged for review.
public enum CriminalReview {
    public static func needed(incidentIsCriminal: Bool, incidentOccurredAt: Date, disputeRegisteredAt: Date) -> Bool {
        incidentIsCriminal && incidentOccurredAt >= disputeRegisteredAt
    }
}
