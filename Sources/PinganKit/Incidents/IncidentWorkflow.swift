/// Incident handling workflow (接处警流程): received → dispatched → handled → closed.
/// A handled incident can be sent back to dispatch when the handling was not adequate;
/// a closed incident can be reopened to handled (e.g. a follow-up visit finds the matter unresolved).

public enum IncidentStatus: String, CaseIterable, Codable, Sendable {
    case received   // 已接警
    case dispatched // 已派警
    case handled    // 已处置
    case closed     // 已结案

    public var nameZh: String {
        switch self {
        case .received: "已接警"
        case .dispatched: "已派警"
        case .handled: "已处置"
        case .closed: "已结案"
        }
    }
    public var nameEn: String {
        switch self {
        case .received: "Received"
        case .dispatched: "Dispatched"
        case .handled: "Handled"
        case .closed: "Closed"
        }
    }

    /// The statuses this one may move to.
    public var next: [IncidentStatus] {
        switch self {
        case .received: [.dispatched]
        case .dispatched: [.handled]
        case .handled: [.closed, .dispatched]
        case .closed: [.handled]
        }
    }
}

public struct WorkflowError: Error, Equatable, Sendable {
    public var from: IncidentStatus
    public var to: IncidentStatus
    public var messageZh: String { "不能从“\(from.nameZh)”变更为“\(to.nameZh)”；允许：\(from.next.map(\.nameZh).joined(separator: "、"))" }
    public var messageEn: String { "Cannot move from \(from.nameEn) to \(to.nameEn); allowed: \(from.next.map(\.nameEn).joined(separator: ", "))" }
}

public enum IncidentWorkflow {
    public static func validate(from: IncidentStatus, to: IncidentStatus) throws(WorkflowError) {
        guard from.next.contains(to) else { throw WorkflowError(from: from, to: to) }
    }
}
