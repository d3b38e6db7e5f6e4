/// Statistics of mediation as the seed reports write them (003: 调处矛盾纠纷1008件，调处成功975件，
/// 调处成功率96.7%；防止群体性上访、制止群体性械斗、防止民转刑).
///
/// Definitions (also on the statistics page):
/// - registered: files registered in the period; accepted: of those, accepted.
/// - handled (调处): files mediated to a conclusion — closed with an agreement or as failed, or referred on.
///   Withdrawn files and files still open are not in the denominator.
/// - success rate = agreements / handled, one decimal (975 / 1,008 = 96.7%).
/// - escalations prevented: files carrying a risk flag (mass petition, group fight, 民转刑) settled by agreement.
/// - average days to close: registration to closure, over closed files.
public struct DisputeFact: Sendable {
    public var key: String
    public var status: DisputeStatus
    public var outcome: DisputeOutcome?
    public var accepted: Bool
    public var riskFlagged: Bool
    public var escalated: Bool
    /// Days from registration to closure, for closed files.
    public var daysToClose: Int?
    public init(key: String, status: DisputeStatus, outcome: DisputeOutcome?, accepted: Bool, riskFlagged: Bool, escalated: Bool = false, daysToClose: Int? = nil) {
        self.key = key; self.status = status; self.outcome = outcome; self.accepted = accepted; self.riskFlagged = riskFlagged; self.escalated = escalated; self.daysToClose = daysToClose
    }
}

public struct DisputeStatsRow: Codable, Equatable, Sendable {
    public var key: String
    public var registered = 0
    public var accepted = 0
    public var handled = 0
    public var succeeded = 0
    public var failed = 0
    public var referred = 0
    public var withdrawn = 0
    public var open = 0
    public var escalated = 0
    public var preventedEscalations = 0
    public var closedCount = 0
    public var daysToCloseTotal = 0

    public init(key: String) { self.key = key }

    /// "96.7%"; "—" when nothing was handled.
    public var successRate: String { Rate.format(succeeded, of: handled) }
    /// One decimal; nil without closed files.
    public var averageDaysToClose: Double? {
        guard closedCount > 0 else { return nil }
        return (Double(daysToCloseTotal) / Double(closedCount) * 10).rounded() / 10
    }

    mutating func add(_ f: DisputeFact) {
        registered += 1
        if f.accepted { accepted += 1 }
        if f.escalated { escalated += 1 }
        switch f.status {
        case .referred: referred += 1; handled += 1
        case .closed, .followedUp:
            switch f.outcome {
            case .agreement?: succeeded += 1; handled += 1; if f.riskFlagged { preventedEscalations += 1 }
            case .failed?: failed += 1; handled += 1
            case .withdrawn?: withdrawn += 1
            case nil: break
            }
        case .accepted, .assigned, .mediating, .registered: open += 1
        case .declined: break
        }
        if let d = f.daysToClose { closedCount += 1; daysToCloseTotal += d }
    }

    public mutating func merge(_ o: DisputeStatsRow) {
        registered += o.registered; accepted += o.accepted; handled += o.handled; succeeded += o.succeeded; failed += o.failed
        referred += o.referred; withdrawn += o.withdrawn; open += o.open; escalated += o.escalated
        preventedEscalations += o.preventedEscalations; closedCount += o.closedCount; daysToCloseTotal += o.daysToCloseTotal
    }
}

public enum DisputeStats {
    /// One row per key (sorted by key) and the total.
    public static func table(_ facts: [DisputeFact]) -> (rows: [DisputeStatsRow], total: DisputeStatsRow) {
        var byKey: [String: DisputeStatsRow] = [:]
        var total = DisputeStatsRow(key: "")
        for f in facts {
            byKey[f.key, default: DisputeStatsRow(key: f.key)].add(f)
            total.add(f)
        }
        return (byKey.keys.sorted().map { byKey[$0]! }, total)
    }
}
