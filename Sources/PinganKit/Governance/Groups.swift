/// The registry of the messaging groups the community works through (seed 002: 楼栋群、网络群、物管群、中介群、警辅群) —
/// a registry only: Pingan records that a group exists, who runs it and which officer is in it; it does not connect to WeChat.

public enum GroupKind: String, CaseIterable, Codable, Sendable {
    case building   // 楼栋群: the residents of one building
    case network    // 网络群: a community-wide residents' group
    case property   // 物管群: the property manager and owners
    case agency     // 中介群: rental agencies (出租屋管理)
    case auxiliary  // 警辅群: the officer with auxiliaries, security guards and volunteers
    public var nameZh: String { switch self { case .building: "楼栋群"; case .network: "网络群"; case .property: "物管群"; case .agency: "中介群"; case .auxiliary: "警辅群" } }
    public var nameEn: String { switch self { case .building: "Building group"; case .network: "Community group"; case .property: "Property group"; case .agency: "Agency group"; case .auxiliary: "Auxiliaries' group" } }
    /// A building group names its building; the coverage counts buildings by it.
    public var needsBuilding: Bool { self == .building }
}

public enum GroupRules {
    /// A group not checked for this many days is listed as due for a check (每季度核查一次).
    public static let checkIntervalDays = 90
    public static let maxMembers = 2_000   // WeChat's own limit is 500 for most groups; 2,000 leaves room for enterprise groups

    /// yyyy-MM-dd days; a group never checked is due.
    public static func isDue(lastCheckedOn: String?, today: LocalDay) -> Bool {
        guard let s = lastCheckedOn, let d = LocalDay(s) else { return true }
        return d.days(until: today) > checkIntervalDays
    }
}

/// One community's coverage: how many of its buildings have a building group, and its groups by kind.
public struct GroupCoverageRow: Codable, Equatable, Sendable {
    public var communityID: Int
    public var community: String
    public var buildings: Int
    public var buildingsWithGroup: Int
    public var groups: [String: Int]   // kind raw value → count
    public var members: Int
    public var due: Int
    public init(communityID: Int, community: String, buildings: Int, buildingsWithGroup: Int, groups: [String: Int], members: Int, due: Int) {
        self.communityID = communityID; self.community = community; self.buildings = buildings; self.buildingsWithGroup = buildingsWithGroup
        self.groups = groups; self.members = members; self.due = due
    }
    /// "75.0%"; "—" for a community without buildings in the tree.
    public var coverage: String { Rate.format(buildingsWithGroup, of: buildings) }
    public var fraction: Double? { Rate.fraction(buildingsWithGroup, of: buildings) }
    public var totalGroups: Int { groups.values.reduce(0, +) }
}

public struct GroupFact: Sendable {
    public var communityID: Int, kind: GroupKind, buildingID: Int?, members: Int, lastCheckedOn: String?
    public init(communityID: Int, kind: GroupKind, buildingID: Int?, members: Int, lastCheckedOn: String?) {
        self.communityID = communityID; self.kind = kind; self.buildingID = buildingID; self.members = members; self.lastCheckedOn = lastCheckedOn
    }
}

public enum GroupCoverage {
    /// `communities`: id, name and the ids of its buildings (from the tree). Buildings with two groups count once.
    public static func compute(communities: [(id: Int, name: String, buildings: Set<Int>)], groups: [GroupFact], today: LocalDay) -> (rows: [GroupCoverageRow], total: GroupCoverageRow) {
        let byCommunity = Dictionary(grouping: groups, by: \.communityID)
        var rows: [GroupCoverageRow] = []
        var total = GroupCoverageRow(communityID: 0, community: "", buildings: 0, buildingsWithGroup: 0, groups: [:], members: 0, due: 0)
        for c in communities {
            let gs = byCommunity[c.id] ?? []
            let covered = Set(gs.filter { $0.kind == .building }.compactMap(\.buildingID)).intersection(c.buildings)
            var kinds: [String: Int] = [:]
            for g in gs { kinds[g.kind.rawValue, default: 0] += 1 }
            let row = GroupCoverageRow(communityID: c.id, community: c.name, buildings: c.buildings.count, buildingsWithGroup: covered.count, groups: kinds,
                                       members: gs.reduce(0) { $0 + $1.members }, due: gs.filter { GroupRules.isDue(lastCheckedOn: $0.lastCheckedOn, today: today) }.count)
            rows.append(row)
            total.buildings += row.buildings; total.buildingsWithGroup += row.buildingsWithGroup; total.members += row.members; total.due += row.due
            for (k, n) in kinds { total.groups[k, default: 0] += n }
        }
        return (rows, total)
    }
}
