/// Monthly rewards for grid cadres (seed 003, fifth piece, 五 奖励办法):
///
///   "1、在四查工作中、有方案工作记载、工作记录等档案齐全，对无人值班守候的院落和楼栋经过社区动员居民群众建立值班
///       或设立义务值班人员。奖励300元。
///    2、每月对社区包片干部进行评比考核奖励，下降30%的奖励150元，下降50%的奖励270元，下降100%的奖励300元。"
///
/// Rules as implemented:
/// - Records reward: the month's 四查 inspection found the records complete AND watch arranged for the
///   compounds/buildings that had none → `recordsAndWatchAmount` (300). Both conditions, as the seed says.
/// - Decrease reward: decrease = (previous − current) / previous; the highest tier reached pays (tiers are
///   inclusive: exactly 30% pays 150). No reward when previous is 0 (nothing to decrease from).
///   Compared in integers (decrease × 100 ≥ percent × previous), so 30% of 10 is exactly 3.
/// - The two rewards add up.
public struct RewardTier: Sendable, Codable, Equatable {
    public var percent: Int
    public var amount: Int
    public init(percent: Int, amount: Int) { self.percent = percent; self.amount = amount }
}

public struct RewardRules: Sendable, Codable, Equatable {
    public var recordsAndWatchAmount: Int
    public var decreaseTiers: [RewardTier]

    public init(recordsAndWatchAmount: Int = 300,
                decreaseTiers: [RewardTier] = [.init(percent: 30, amount: 150), .init(percent: 50, amount: 270), .init(percent: 100, amount: 300)]) {
        self.recordsAndWatchAmount = recordsAndWatchAmount
        self.decreaseTiers = decreaseTiers
    }

    public static let seed003 = RewardRules()

    public func problems() -> [String: String] {
        var p: [String: String] = [:]
        if !(0...100_000).contains(recordsAndWatchAmount) { p["recordsAndWatchAmount"] = "0–100000" }
        if decreaseTiers.isEmpty || decreaseTiers.contains(where: { !(1...100).contains($0.percent) || !(0...100_000).contains($0.amount) }) {
            p["decreaseTiers"] = "percent 1–100, amount 0–100000"
        } else if Set(decreaseTiers.map(\.percent)).count != decreaseTiers.count {
            p["decreaseTiers"] = "duplicate percent"
        }
        return p
    }
}

public enum RewardKind: String, Sendable, Codable {
    case recordsAndWatch = "records_and_watch"   // 四查档案齐全并落实值班守候
    case decrease                                // 重点案件下降

    public var nameZh: String { self == .recordsAndWatch ? "四查档案齐全、落实值班守候" : "重点案件下降" }
    public var nameEn: String { self == .recordsAndWatch ? "Complete records, watch arranged" : "Key cases down" }
}

public struct RewardLine: Sendable, Codable, Equatable {
    public var kind: RewardKind
    public var amount: Int
    /// The tier reached (decrease rewards only).
    public var tierPercent: Int?
}

public enum CadreRewards {
    /// The highest tier reached by a fall from `previous` to `current`, nil when none.
    public static func decreaseTier(current: Int, previous: Int, rules: RewardRules = .seed003) -> RewardTier? {
        guard previous > 0, current < previous else { return nil }
        let drop = previous - max(0, current)
        return rules.decreaseTiers.filter { drop * 100 >= $0.percent * previous }.max { $0.percent < $1.percent }
    }

    public static func lines(current: Int, previous: Int, recordsComplete: Bool, watchArranged: Bool, rules: RewardRules = .seed003) -> [RewardLine] {
        var out: [RewardLine] = []
        if recordsComplete && watchArranged && rules.recordsAndWatchAmount > 0 {
            out.append(RewardLine(kind: .recordsAndWatch, amount: rules.recordsAndWatchAmount, tierPercent: nil))
        }
        if let t = decreaseTier(current: current, previous: previous, rules: rules), t.amount > 0 {
            out.append(RewardLine(kind: .decrease, amount: t.amount, tierPercent: t.percent))
        }
        return out
    }

    public static func total(_ lines: [RewardLine]) -> Int { lines.reduce(0) { $0 + $1.amount } }
}
