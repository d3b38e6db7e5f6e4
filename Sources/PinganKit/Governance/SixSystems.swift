/// Seed 004's six systems (六大体系) — the core of grassroots safety building the district reports to its people's congress.
public enum SafetySystem: String, CaseIterable, Codable, Sendable {
    case conflictResolution = "conflict_resolution"   // 矛盾联合化解体系
    case securityPrevention = "security_prevention"   // 治安综合防控体系
    case urbanManagement = "urban_management"         // 城市科学管理体系
    case socialAssistance = "social_assistance"       // 社会保障救助体系
    case emergencyManagement = "emergency_management" // 城市应急管理体系
    case stabilityAssurance = "stability_assurance"   // 安全稳定保证体系
    public var nameZh: String {
        switch self {
        case .conflictResolution: "矛盾联合化解体系"; case .securityPrevention: "治安综合防控体系"; case .urbanManagement: "城市科学管理体系"
        case .socialAssistance: "社会保障救助体系"; case .emergencyManagement: "城市应急管理体系"; case .stabilityAssurance: "安全稳定保证体系"
        }
    }
    public var nameEn: String {
        switch self {
        case .conflictResolution: "Joint conflict resolution"; case .securityPrevention: "Integrated crime prevention"; case .urbanManagement: "Urban management"
        case .socialAssistance: "Social assistance"; case .emergencyManagement: "Emergency management"; case .stabilityAssurance: "Stability assurance"
        }
    }
}

/// Grid events handled on time (按期处置), as the six-systems page counts them: of the events dispatched in the period whose
/// deadline has passed or that were handled, the share handled by their deadline.
public enum OnTime {
    public static func count(events: [(deadline: Double?, handledAt: Double?)], now: Double) -> (onTime: Int, due: Int) {
        var onTime = 0, due = 0
        for e in events {
            guard let d = e.deadline else { continue }
            if let h = e.handledAt { due += 1; if h <= d { onTime += 1 } }
            else if d < now { due += 1 }
        }
        return (onTime, due)
    }
}
