/// Station leaders assigned to communities (派出所领导挂点社区), seed 000: "29个派出所106名领导已挂点114个社区
/// 警务室，其中58名正职领导挂点63个复杂社区警务室，48名副职领导挂点51个警务室 … 对领导挂点社区的工作情况和警情升降
/// 情况进行定期通报". Coverage counts and each leader's communities' incident rise or fall, written like
/// the seeds (PercentChange.format: "-13.8%").

public enum LeaderRole: String, Sendable, Codable, CaseIterable {
    case principal  // 正职
    case deputy     // 副职

    public var nameZh: String {
        switch self {
        case .principal: "正职"
        case .deputy: "副职"
        }
    }
}

public struct LeaderAssignment: Sendable, Codable, Equatable {
    public var leaderID: String
    public var stationCode: String
    public var role: LeaderRole
    public var communityCodes: [String]

    public init(leaderID: String, stationCode: String, role: LeaderRole, communityCodes: [String]) {
        self.leaderID = leaderID
        self.stationCode = stationCode
        self.role = role
        self.communityCodes = communityCodes
    }
}

public struct LeaderCoverage: Sendable, Codable, Equatable {
    public var stations: Int
    public var leaders: Int
    /// Distinct communities with at least one leader.
    public var communities: Int
    public var leadersByRole: [LeaderRole: Int]
    /// Distinct communities per role (a community with both a principal and a deputy counts under both).
    public var communitiesByRole: [LeaderRole: Int]
}

public struct CommunityChange: Sendable, Codable, Equatable {
    public var code: String
    public var current: Int
    public var previous: Int
    /// "+50.0%", "-13.8%", "0.0%", "—" when previous is 0.
    public var change: String { PercentChange.format(current: current, previous: previous) }
}

public struct LeaderRiseFall: Sendable, Codable, Equatable {
    public var leaderID: String
    public var stationCode: String
    public var role: LeaderRole
    public var communities: [CommunityChange]
    public var current: Int
    public var previous: Int
    public var change: String { PercentChange.format(current: current, previous: previous) }
    public var difference: Int { current - previous }
}

public enum LeaderAssignments {
    public static func coverage(_ assignments: [LeaderAssignment]) -> LeaderCoverage {
        var leaders: [String: LeaderRole] = [:]
        var all = Set<String>()
        var byRole: [LeaderRole: Set<String>] = [:]
        for a in assignments {
            if leaders[a.leaderID] == nil { leaders[a.leaderID] = a.role }
            all.formUnion(a.communityCodes)
            byRole[a.role, default: []].formUnion(a.communityCodes)
        }
        var leadersByRole: [LeaderRole: Int] = [:]
        for role in leaders.values { leadersByRole[role, default: 0] += 1 }
        return LeaderCoverage(stations: Set(assignments.map(\.stationCode)).count, leaders: leaders.count,
                              communities: all.count, leadersByRole: leadersByRole,
                              communitiesByRole: byRole.mapValues(\.count))
    }

    /// Each leader's communities' incidents this period vs. the comparison period (missing = 0), largest
    /// rise first (by difference, then leader ID), for the periodic report (定期通报).
    public static func riseFall(_ assignments: [LeaderAssignment], current: [String: Int], previous: [String: Int]) -> [LeaderRiseFall] {
        assignments.map { a in
            let rows = a.communityCodes.map { CommunityChange(code: $0, current: current[$0] ?? 0, previous: previous[$0] ?? 0) }
            return LeaderRiseFall(leaderID: a.leaderID, stationCode: a.stationCode, role: a.role, communities: rows,
                                  current: rows.reduce(0) { $0 + $1.current }, previous: rows.reduce(0) { $0 + $1.previous })
        }.sorted { $0.difference != $1.difference ? $0.difference > $1.difference : $0.leaderID < $1.leaderID }
    }
}
