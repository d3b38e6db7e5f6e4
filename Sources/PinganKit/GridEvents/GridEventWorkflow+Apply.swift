import Foundation

/// A pending extension request (延期申请).
public struct GridEventExtensionRequest: Codable, Equatable, Sendable {
    public var hours: Double
    public var reason: String
    public var requestedAt: Date
}

/// What the workflow knows of an event. Times are instants; counts are over the event's whole life.
public struct GridEventState: Codable, Equatable, Sendable {
    public var status: GridEventStatus
    public var centreLevel: GridEventCentreLevel
    public var reportedAt: Date
    public var caseNumber: String?
    /// The last decline, return, rework or extension-rejection reason (what the other side sees).
    public var reason: String?
    public var unitID: String?
    /// 协办单位 of the current dispatch, and those of them that have reported their part. Optional so that states
    /// stored before helpers existed still decode; read them through `helpers` / `helpersReported`.
    public var helperUnitIDs: [String]?
    public var helperReportedUnitIDs: [String]?
    public var helpers: [String] { helperUnitIDs ?? [] }
    public var helpersReported: [String] { helperReportedUnitIDs ?? [] }
    /// The current dispatch: its time, limit (approved extensions included) and deadline. A re-dispatch
    /// after a return starts a new clock.
    public var dispatchedAt: Date?
    public var timeLimit: GridEventTimeLimit?
    public var deadline: Date?
    public var acceptedAt: Date?
    /// The last handling feedback (after rework: the latest).
    public var handledAt: Date?
    public var closedAt: Date?
    public var returnCount = 0
    public var reworkCount = 0
    public var escalationCount = 0
    public var extensionCount = 0
    public var pendingExtension: GridEventExtensionRequest?
    /// The highest supervision order of the current dispatch, and whether the unit has answered it.
    public var supervision: SupervisionLevel?
    public var supervisionAnswered = true
    public var satisfaction: GridEventSatisfaction?

    public init(status: GridEventStatus = .reported, centreLevel: GridEventCentreLevel = .street, reportedAt: Date) {
        self.status = status
        self.centreLevel = centreLevel
        self.reportedAt = reportedAt
    }
}

public enum GridEventWorkflow {
    /// At most this many helping units (协办) on one dispatch.
    public static let maxHelpers = 5

    /// 采集: a new event from a grid worker, a resident (portal) or the centre itself (hotline, video,
    /// assigned by a higher level). Units report through the centre.
    public static func report(by actor: GridEventActor, at time: Date, centreLevel: GridEventCentreLevel = .street)
        throws(GridEventWorkflowError) -> GridEventState {
        guard actor != .unit else {
            throw GridEventWorkflowError(.wrongActor, zh: "处置单位不能直接上报事件，请由指挥中心登记",
                                         en: "A responsible unit cannot report an event; the command centre registers it")
        }
        return GridEventState(centreLevel: centreLevel, reportedAt: time)
    }

    /// The steps this actor may take now (state and conditions: a pending extension, an open supervision
    /// order, a rating not yet given, a level above), in display order.
    public static func available(for state: GridEventState, by actor: GridEventActor) -> [GridEventActionKind] {
        GridEventActionKind.allCases.filter {
            $0.actors.contains(actor) && $0.allowedFrom.contains(state.status) && condition($0, state) == nil
        }
    }

    /// The event after `action` by `actor` at `time`; throws (nothing changed) when the actor kind, the
    /// state or the input does not allow it. Deadlines count on `calendar` (its round-the-clock form for
    /// a round-the-clock limit).
    public static func apply(_ action: GridEventAction, to state: GridEventState, by actor: GridEventActor, at time: Date,
                             calendar: WorkingCalendar = .china) throws(GridEventWorkflowError) -> GridEventState {
        let kind = action.kind
        guard kind.actors.contains(actor) else {
            let who = kind.actors.map(\.nameZh).joined(separator: "或"), whoEn = kind.actors.map(\.nameEn).joined(separator: " or ")
            throw GridEventWorkflowError(.wrongActor, zh: "“\(kind.nameZh)”只能由\(who)办理，\(actor.nameZh)不能办理",
                                         en: "Only \(whoEn) can \(kind.nameEn), not \(actor.nameEn)")
        }
        guard kind.allowedFrom.contains(state.status) else {
            let ok = available(for: state, by: actor)
            throw GridEventWorkflowError(.wrongState,
                zh: "“\(state.status.nameZh)”的事件不能\(kind.nameZh)" + (ok.isEmpty ? "" : "；可以：" + ok.map(\.nameZh).joined(separator: "、")),
                en: "Cannot \(kind.nameEn) an event that is \(state.status.nameEn.lowercased())" + (ok.isEmpty ? "" : "; allowed: " + ok.map(\.nameEn).joined(separator: ", ")))
        }
        if let e = condition(kind, state) { throw e }

        var s = state
        switch action {
        case .register(let number):
            s.caseNumber = try required(number, "案卷编号", "case number")
            s.status = .registered
        case .decline(let reason):
            s.reason = try required(reason, "不予立案的理由", "reason for declining")
            s.status = .declined
        case let .dispatch(unitID, limit, fixed, helperIDs):
            let unit = try required(unitID, "处置单位", "responsible unit")
            guard !helperIDs.contains(unit) else { throw invalid("主办单位不能同时作为协办单位", "The lead unit cannot also be a helping unit") }
            guard Set(helperIDs).count == helperIDs.count else { throw invalid("协办单位重复", "A helping unit is listed twice") }
            guard helperIDs.count <= maxHelpers else { throw invalid("协办单位最多\(maxHelpers)个", "At most \(maxHelpers) helping units") }
            guard limit.isValid else { throw invalid("处置时限须为正数小时", "The time limit must be a positive number of hours") }
            var newLimit = limit
            let deadline: Date
            if let fixed {
                guard fixed > time else { throw invalid("处置期限不能早于当前时间", "The deadline must be in the future") }
                newLimit.hours = max(0, limit.calendar(calendar).workingHours(from: time, to: fixed))
                guard newLimit.hours > 0 else { throw invalid("期限之前没有工作时间", "There is no working time before that deadline") }
                deadline = fixed
            } else {
                deadline = limit.deadline(from: time, calendar: calendar)
            }
            s.unitID = unit; s.dispatchedAt = time; s.timeLimit = newLimit; s.deadline = deadline
            s.helperUnitIDs = helperIDs.isEmpty ? nil : helperIDs; s.helperReportedUnitIDs = nil
            s.acceptedAt = nil; s.pendingExtension = nil; s.supervision = nil; s.supervisionAnswered = true
            s.status = .dispatched
        case .accept:
            s.acceptedAt = time
            s.status = .handling
        case .returnToCentre(let reason):
            s.reason = try required(reason, "退回理由", "reason for the return")
            s.returnCount += 1
            s.pendingExtension = nil
            s.status = .returned
        case let .requestExtension(hours, reason):
            guard hours.isFinite, hours > 0 else { throw invalid("延期时长须为正数小时", "The extension must be a positive number of hours") }
            s.pendingExtension = GridEventExtensionRequest(hours: hours, reason: try required(reason, "延期理由", "reason for the extension"), requestedAt: time)
        case .approveExtension(let given):
            let hours = given ?? state.pendingExtension!.hours
            guard hours.isFinite, hours > 0 else { throw invalid("延期时长须为正数小时", "The extension must be a positive number of hours") }
            guard let limit = s.timeLimit, let deadline = s.deadline else { throw invalid("事件没有处置期限", "The event has no deadline") }
            s.deadline = limit.calendar(calendar).addWorkingHours(hours, to: deadline)
            s.timeLimit?.hours = limit.hours + hours
            s.extensionCount += 1
            s.pendingExtension = nil
        case .rejectExtension(let reason):
            s.reason = try required(reason, "驳回理由", "reason for the rejection")
            s.pendingExtension = nil
        case let .feedback(note, photos):
            guard !note.whitespaceTrimmed.isEmpty || photos > 0 else {
                throw invalid("请填写处置情况或上传照片", "Describe what was done or add a photo")
            }
            s.handledAt = time
            s.pendingExtension = nil
            s.supervisionAnswered = true // the feedback answers an open supervision order
            s.status = .handled
        case let .assist(unitID, note, photos):
            guard state.helpers.contains(unitID) else {
                throw GridEventWorkflowError(.wrongActor, zh: "本单位不是该事件的协办单位", en: "Your unit is not helping with this event")
            }
            guard !note.whitespaceTrimmed.isEmpty || photos > 0 else {
                throw invalid("请填写协办情况或上传照片", "Describe what your unit did or add a photo")
            }
            if !s.helpersReported.contains(unitID) { s.helperReportedUnitIDs = s.helpersReported + [unitID] }
        case .passVerification(_, let photos):
            try photo(photos)
            s.closedAt = time
            s.status = .closed
        case let .failVerification(reason, photos):
            s.reason = try required(reason, "返工原因", "reason for the rework")
            try photo(photos)
            s.reworkCount += 1
            s.status = .rework
        case .escalate(let reason):
            s.reason = try required(reason, "上报理由", "reason for the escalation")
            s.centreLevel = state.centreLevel.next!
            s.escalationCount += 1
        case .supervise(let level):
            if let current = state.supervision, level <= current {
                throw GridEventWorkflowError(.wrongState, zh: "已发出\(current.nameZh)，新的督办单须升级为红牌",
                                             en: "A \(current.nameEn.lowercased()) was issued; the next order must be red")
            }
            s.supervision = level
            s.supervisionAnswered = false
        case .answerSupervision(let note):
            _ = try required(note, "督办回复", "answer")
            s.supervisionAnswered = true
        case .rate(let satisfaction):
            s.satisfaction = satisfaction
        }
        return s
    }

    /// What, besides status and actor, keeps a step from being taken now.
    static func condition(_ kind: GridEventActionKind, _ s: GridEventState) -> GridEventWorkflowError? {
        switch kind {
        case .requestExtension where s.pendingExtension != nil:
            GridEventWorkflowError(.wrongState, zh: "已有待审批的延期申请", en: "An extension request is already waiting")
        case .approveExtension where s.pendingExtension == nil, .rejectExtension where s.pendingExtension == nil:
            GridEventWorkflowError(.wrongState, zh: "没有待审批的延期申请", en: "There is no extension request to decide")
        case .escalate where s.centreLevel.next == nil:
            GridEventWorkflowError(.wrongState, zh: "事件已在\(s.centreLevel.nameZh)，无法再上报", en: "The event is already at the \(s.centreLevel.nameEn.lowercased()); there is no level above")
        case .supervise where s.supervision == .red:
            GridEventWorkflowError(.wrongState, zh: "已发出红牌督办", en: "A red supervision order has already been issued")
        case .answerSupervision where s.supervision == nil || s.supervisionAnswered:
            GridEventWorkflowError(.wrongState, zh: "没有待回复的督办单", en: "There is no supervision order to answer")
        case .rate where s.satisfaction != nil:
            GridEventWorkflowError(.wrongState, zh: "该事件已评价", en: "The event has already been rated")
        default: nil
        }
    }

    private static func required(_ text: String, _ zh: String, _ en: String) throws(GridEventWorkflowError) -> String {
        let t = text.whitespaceTrimmed
        guard !t.isEmpty else { throw invalid("请填写\(zh)", "Give the \(en)") }
        return t
    }

    private static func photo(_ count: Int) throws(GridEventWorkflowError) {
        guard count > 0 else { throw invalid("现场核查须上传至少一张照片", "On-the-spot verification needs at least one photo") }
    }

    private static func invalid(_ zh: String, _ en: String) -> GridEventWorkflowError { GridEventWorkflowError(.invalidInput, zh: zh, en: en) }
}
