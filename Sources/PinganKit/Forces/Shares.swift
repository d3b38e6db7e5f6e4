/// Shares (占比) the seeds quote: officers holding a concurrent community post (seed 000: 49 of 265 =
/// 18.5%) and team members trained (seed 000: 2,595 of 4,025 = 64.5%). Formatting is `Rate.format`
/// (one decimal, half away from zero, integer arithmetic).

/// `part` of `whole`.
public struct Share: Sendable, Codable, Equatable, CustomStringConvertible {
    public var part: Int
    public var whole: Int

    public init(_ part: Int, of whole: Int) {
        self.part = part
        self.whole = whole
    }

    /// nil when whole is 0.
    public var fraction: Double? { Rate.fraction(part, of: whole) }
    /// "18.5%"; "—" when whole is 0.
    public var percent: String { Rate.format(part, of: whole) }
    /// "49/265 (18.5%)"
    public var description: String { "\(part)/\(whole) (\(percent))" }

    public static func + (a: Share, b: Share) -> Share { Share(a.part + b.part, of: a.whole + b.whole) }

    // JSON: {"part","whole","percent"}; decoding reads part and whole.
    private enum CodingKeys: String, CodingKey { case part, whole, percent }
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        part = try c.decode(Int.self, forKey: .part)
        whole = try c.decode(Int.self, forKey: .whole)
    }
    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(part, forKey: .part)
        try c.encode(whole, forKey: .whole)
        try c.encode(percent, forKey: .percent)
    }
}

/// A concurrent community post held by a community officer (兼职, seed 000 / 穗字〔2006〕2号).
public enum ConcurrentPost: String, Sendable, Codable, CaseIterable {
    /// 兼任社区党组织副书记 / 村党支部副书记
    case deputyPartySecretary
    /// 兼任居委会主任助理 / 村委会主任助理
    case directorAssistant

    public var nameZh: String {
        switch self {
        case .deputyPartySecretary: "兼任社区党组织副书记"
        case .directorAssistant: "兼任居委会主任助理"
        }
    }
}

/// A community officer as the share computations see it.
public struct OfficerPostRecord: Sendable, Codable, Equatable {
    public var officerID: String
    public var stationCode: String
    /// nil: no concurrent post. Holding both posts counts once.
    public var concurrentPosts: Set<ConcurrentPost>

    public init(officerID: String, stationCode: String, concurrentPosts: Set<ConcurrentPost> = []) {
        self.officerID = officerID
        self.stationCode = stationCode
        self.concurrentPosts = concurrentPosts
    }
}

public struct ShareBreakdown: Sendable, Codable, Equatable {
    /// Per group (station, or team), sorted by key.
    public var groups: [(key: String, share: Share)] { zip(keys, shares).map { ($0, $1) } }
    public var keys: [String]
    public var shares: [Share]
    public var total: Share

    public init(counts: [String: Share]) {
        keys = counts.keys.sorted()
        shares = keys.map { counts[$0]! }
        total = shares.reduce(Share(0, of: 0), +)
    }

    public subscript(key: String) -> Share? {
        guard let i = keys.firstIndex(of: key) else { return nil }
        return shares[i]
    }

    public static func == (a: ShareBreakdown, b: ShareBreakdown) -> Bool {
        a.keys == b.keys && a.shares == b.shares && a.total == b.total
    }
}

public enum ForceShares {
    /// Officers holding a concurrent community post, per station and for the district.
    /// Officers listed twice (same ID) count once, under their first record.
    public static func concurrentPosts(_ officers: [OfficerPostRecord]) -> ShareBreakdown {
        var seen = Set<String>()
        var counts: [String: Share] = [:]
        for o in officers where seen.insert(o.officerID).inserted {
            counts[o.stationCode, default: Share(0, of: 0)] = counts[o.stationCode, default: Share(0, of: 0)]
                + Share(o.concurrentPosts.isEmpty ? 0 : 1, of: 1)
        }
        return ShareBreakdown(counts: counts)
    }

    /// Trained share of team members (联防队员参训率), per team and overall: a member is trained when they
    /// attended at least `minimumSessions` of the given sessions held in `period` (nil: any date).
    /// Attendance for unknown members or sessions is ignored.
    public static func trained(members: [TeamMemberRecord], sessions: [TrainingSession],
                               attendance: [TrainingAttendance], period: ClosedRange<LocalDay>? = nil,
                               minimumSessions: Int = 1) -> ShareBreakdown {
        let counted = Set(sessions.filter { period?.contains($0.date) ?? true }.map(\.id))
        var attended: [String: Set<String>] = [:]
        for a in attendance where counted.contains(a.sessionID) && a.present {
            attended[a.memberID, default: []].insert(a.sessionID)
        }
        var seen = Set<String>()
        var counts: [String: Share] = [:]
        for m in members where seen.insert(m.memberID).inserted {
            let ok = (attended[m.memberID]?.count ?? 0) >= max(1, minimumSessions)
            counts[m.teamID, default: Share(0, of: 0)] = counts[m.teamID, default: Share(0, of: 0)] + Share(ok ? 1 : 0, of: 1)
        }
        return ShareBreakdown(counts: counts)
    }
}

/// Kinds of team (队伍): 联防队, 巡防队, 群防群治队伍.
public enum TeamKind: String, Sendable, Codable, CaseIterable {
    case jointDefence      // 治安联防队
    case patrol            // 巡防队
    case massPrevention    // 群防群治队伍

    public var nameZh: String {
        switch self {
        case .jointDefence: "治安联防队"
        case .patrol: "巡防队"
        case .massPrevention: "群防群治队伍"
        }
    }
}

public struct TeamMemberRecord: Sendable, Codable, Equatable {
    public var memberID: String
    public var teamID: String
    public init(memberID: String, teamID: String) {
        self.memberID = memberID
        self.teamID = teamID
    }
}

/// A centralised rotation-training session (集中轮训).
public struct TrainingSession: Sendable, Codable, Equatable {
    public var id: String
    public var date: LocalDay
    public init(id: String, date: LocalDay) {
        self.id = id
        self.date = date
    }
}

public struct TrainingAttendance: Sendable, Codable, Equatable {
    public var sessionID: String
    public var memberID: String
    public var present: Bool
    public init(sessionID: String, memberID: String, present: Bool = true) {
        self.sessionID = sessionID
        self.memberID = memberID
        self.present = present
    }
}
