import Foundation

/// 网格事件闭环 (issue 19): 采集 → 立案 / 不予立案 → 派遣 → 处置 → 反馈 → 核查 → 结案, with 退回, 返工, 延期,
/// 上报 and 督办 on the side. Pure rules: the server stores, scopes, audits and keeps the timeline; this
/// decides what may happen next and what the event looks like afterwards (`GridEventWorkflow.apply`).

public enum GridEventStatus: String, CaseIterable, Codable, Sendable {
    case reported     // 待立案（已采集）
    case registered   // 已立案（待派遣）
    case declined     // 不予立案
    case dispatched   // 已派遣（待签收）
    case handling     // 处置中
    case returned     // 已退回（待重新派遣）
    case handled      // 已反馈（待核查）
    case rework       // 返工中
    case closed       // 已结案

    public var nameZh: String {
        switch self {
        case .reported: "待立案"; case .registered: "已立案"; case .declined: "不予立案"; case .dispatched: "已派遣"
        case .handling: "处置中"; case .returned: "已退回"; case .handled: "待核查"; case .rework: "返工中"; case .closed: "已结案"
        }
    }
    public var nameEn: String {
        switch self {
        case .reported: "Reported"; case .registered: "Registered"; case .declined: "Declined"; case .dispatched: "Dispatched"
        case .handling: "Being handled"; case .returned: "Returned"; case .handled: "Awaiting verification"; case .rework: "Rework"
        case .closed: "Closed"
        }
    }
    /// Nothing more happens (a closed event can still be rated).
    public var isFinished: Bool { self == .declined || self == .closed }
    /// A unit is responsible and the clock runs (the clock of the current dispatch; see `GridEventClocks`).
    public var isWithUnit: Bool { self == .dispatched || self == .handling || self == .rework }
}

/// Who acts, by kind; the server maps users to kinds and applies the scope (which centre, which unit).
public enum GridEventActor: String, CaseIterable, Codable, Sendable {
    case centre                      // 指挥中心（街道分中心、区中心）
    case unit                        // 处置单位（主办）
    case helper                      // 协办单位: a unit dispatched to help the lead; reports its part, nothing else
    case gridWorker = "grid_worker"  // 网格员（上报人或同网格网格员）
    case resident                    // 群众

    public var nameZh: String { switch self { case .centre: "指挥中心"; case .unit: "处置单位"; case .helper: "协办单位"; case .gridWorker: "网格员"; case .resident: "群众" } }
    public var nameEn: String {
        switch self {
        case .centre: "the command centre"; case .unit: "the responsible unit"; case .helper: "a helping unit"; case .gridWorker: "a grid worker"
        case .resident: "a resident"
        }
    }
}

/// The centre that holds the event; 上报 moves it one level up.
public enum GridEventCentreLevel: String, CaseIterable, Codable, Sendable, Comparable {
    case street, district
    public var nameZh: String { self == .street ? "街道分中心" : "区指挥中心" }
    public var nameEn: String { self == .street ? "Street sub-centre" : "District centre" }
    public var next: GridEventCentreLevel? { self == .street ? .district : nil }
    public static func < (a: Self, b: Self) -> Bool { a == .street && b == .district }
}

/// 满意 / 基本满意 / 不满意.
public enum GridEventSatisfaction: String, CaseIterable, Codable, Sendable {
    case satisfied, fairlySatisfied = "fairly_satisfied", dissatisfied
    public var nameZh: String { switch self { case .satisfied: "满意"; case .fairlySatisfied: "基本满意"; case .dissatisfied: "不满意" } }
    public var nameEn: String { switch self { case .satisfied: "Satisfied"; case .fairlySatisfied: "Fairly satisfied"; case .dissatisfied: "Dissatisfied" } }
}

/// A step, with what it needs.
public enum GridEventAction: Equatable, Sendable {
    /// 立案 with the case number.
    case register(caseNumber: String)
    /// 不予立案; the reporter sees the reason.
    case decline(reason: String)
    /// 派遣 to one unit (the lead unit, 主办), with up to `maxHelpers` helping units (协办) that share its
    /// deadline. The deadline is `timeLimit` after now on the working calendar, or the given `deadline`
    /// (then the limit's hours are recomputed from it; it must be in the future).
    case dispatch(unitID: String, timeLimit: GridEventTimeLimit, deadline: Date? = nil, helperUnitIDs: [String] = [])
    /// 签收: the unit takes the event.
    case accept
    /// 退回: the unit sends a wrongly dispatched event back to the centre.
    case returnToCentre(reason: String)
    /// 申请延期 by the unit.
    case requestExtension(hours: Double, reason: String)
    /// 批准延期: the deadline moves by `hours` (nil: as requested), counted on the event's calendar.
    case approveExtension(hours: Double? = nil)
    case rejectExtension(reason: String)
    /// 处置反馈: what the unit did (a note, photos counted).
    case feedback(note: String, photos: Int = 0)
    /// 协办反馈: what a helping unit did for its part; the status does not change (the lead reports the handling).
    case assist(unitID: String, note: String, photos: Int = 0)
    /// 核查通过 → 结案; on the spot, with at least one photo.
    case passVerification(note: String = "", photos: Int)
    /// 核查不通过 → 返工 (counted); with the reason and at least one photo.
    case failVerification(reason: String, photos: Int)
    /// 上报 to the next level's centre: the same event, held one level up; status unchanged.
    case escalate(reason: String)
    /// 督办单 to the unit; each order is above the last (yellow, then red).
    case supervise(SupervisionLevel)
    /// The unit answers the open supervision order.
    case answerSupervision(note: String)
    /// The resident's rating of a closed event (once).
    case rate(GridEventSatisfaction)

    public var kind: GridEventActionKind {
        switch self {
        case .register: .register; case .decline: .decline; case .dispatch: .dispatch; case .accept: .accept
        case .returnToCentre: .returnToCentre; case .requestExtension: .requestExtension; case .approveExtension: .approveExtension
        case .rejectExtension: .rejectExtension; case .feedback: .feedback; case .assist: .assist; case .passVerification: .passVerification
        case .failVerification: .failVerification; case .escalate: .escalate; case .supervise: .supervise
        case .answerSupervision: .answerSupervision; case .rate: .rate
        }
    }
}

public enum GridEventActionKind: String, CaseIterable, Codable, Sendable {
    case register, decline, dispatch, accept, returnToCentre = "return", requestExtension = "request_extension"
    case approveExtension = "approve_extension", rejectExtension = "reject_extension", feedback, assist
    case passVerification = "pass_verification", failVerification = "fail_verification", escalate, supervise
    case answerSupervision = "answer_supervision", rate

    public var nameZh: String {
        switch self {
        case .register: "立案"; case .decline: "不予立案"; case .dispatch: "派遣"; case .accept: "签收"; case .returnToCentre: "退回"
        case .requestExtension: "申请延期"; case .approveExtension: "批准延期"; case .rejectExtension: "驳回延期"; case .feedback: "处置反馈"; case .assist: "协办反馈"
        case .passVerification: "核查通过"; case .failVerification: "核查不通过（返工）"; case .escalate: "上报上级"; case .supervise: "督办"
        case .answerSupervision: "督办回复"; case .rate: "评价"
        }
    }
    public var nameEn: String {
        switch self {
        case .register: "register"; case .decline: "decline"; case .dispatch: "dispatch"; case .accept: "accept"; case .returnToCentre: "return"
        case .requestExtension: "request an extension"; case .approveExtension: "approve the extension"; case .rejectExtension: "reject the extension"
        case .feedback: "report the handling"; case .assist: "report the help given"; case .passVerification: "pass verification"; case .failVerification: "fail verification (rework)"
        case .escalate: "escalate"; case .supervise: "issue a supervision order"; case .answerSupervision: "answer the supervision order"
        case .rate: "rate"
        }
    }

    public var allowedFrom: [GridEventStatus] {
        switch self {
        case .register, .decline: [.reported]
        case .dispatch: [.registered, .returned, .dispatched]
        case .accept: [.dispatched]
        case .returnToCentre: [.dispatched, .handling]
        case .requestExtension, .approveExtension, .rejectExtension: [.handling, .rework]
        case .feedback: [.handling, .rework]
        case .assist: [.dispatched, .handling, .rework]
        case .passVerification, .failVerification: [.handled]
        case .escalate: [.reported, .registered, .returned, .dispatched, .handling, .rework]
        case .supervise: [.dispatched, .handling, .rework]
        case .answerSupervision: [.dispatched, .handling, .rework, .handled]
        case .rate: [.closed]
        }
    }

    public var actors: [GridEventActor] {
        switch self {
        case .register, .decline, .dispatch, .approveExtension, .rejectExtension, .escalate, .supervise: [.centre]
        case .accept, .returnToCentre, .requestExtension, .feedback, .answerSupervision: [.unit]
        case .assist: [.helper]
        case .passVerification, .failVerification: [.gridWorker]
        case .rate: [.resident]
        }
    }
}

public struct GridEventWorkflowError: Error, Equatable, Sendable {
    public enum Kind: String, Codable, Sendable {
        /// The event's state does not allow the step (HTTP 409).
        case wrongState = "wrong_state"
        /// This kind of user may not take the step (HTTP 403).
        case wrongActor = "wrong_actor"
        /// Something the step needs is missing or invalid (HTTP 400).
        case invalidInput = "invalid_input"
    }
    public var kind: Kind
    public var messageZh: String
    public var messageEn: String
    public init(_ kind: Kind, zh: String, en: String) {
        self.kind = kind; messageZh = zh; messageEn = en
    }
}
