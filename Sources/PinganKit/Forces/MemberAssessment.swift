/// Quantified assessment of team members (联防队员量化考核), seed 000: "制定量化考核标准和激励机制，将考核成绩
/// 与队员的政治荣誉、经济收入、续聘等挂钩". The scoring items are configuration (per district or team).
///
/// Rules:
/// - Each item gives `pointsPerUnit` × quantity points (negative points for deductions, 扣分); a `cap`
///   limits the item's points in absolute value (e.g. "at most 20 points from patrol hours").
/// - Total = baseScore + Σ item points, then clamped to [minimumScore, maximumScore] when set.
///   Points are rounded to hundredths (half away from zero) per line and for the total, so equal work
///   gives equal scores.
/// - Ranking: total descending; equal totals share a rank (1, 2, 2, 4 …) and are listed by member ID.
/// - Grade (等次): the first band, highest first, whose minimum the total reaches.

public struct ScoringItem: Sendable, Codable, Equatable {
    public var id: String
    public var name: String
    public var pointsPerUnit: Double
    /// Maximum points from this item in absolute value; nil = no cap.
    public var cap: Double?

    public init(id: String, name: String, pointsPerUnit: Double, cap: Double? = nil) {
        self.id = id
        self.name = name
        self.pointsPerUnit = pointsPerUnit
        self.cap = cap
    }
}

public struct GradeBand: Sendable, Codable, Equatable {
    public var minimum: Double
    public var label: String
    public init(minimum: Double, label: String) {
        self.minimum = minimum
        self.label = label
    }
}

public struct AssessmentScheme: Sendable, Codable, Equatable {
    public var items: [ScoringItem]
    public var baseScore: Double
    public var minimumScore: Double?
    public var maximumScore: Double?
    /// Any order; evaluated highest minimum first.
    public var grades: [GradeBand]

    public init(items: [ScoringItem], baseScore: Double = 0, minimumScore: Double? = nil, maximumScore: Double? = nil,
                grades: [GradeBand] = []) {
        self.items = items
        self.baseScore = baseScore
        self.minimumScore = minimumScore
        self.maximumScore = maximumScore
        self.grades = grades
    }

    /// An example scheme (not from the seeds; districts configure their own): base 100, deductions and
    /// bonuses, grades 优秀 ≥ 90, 合格 ≥ 75, 基本合格 ≥ 60, 不合格 below. Names are "中文 / English": pages show one.
    public static let example = AssessmentScheme(
        items: [
            ScoringItem(id: "patrol_hours", name: "巡逻时长(小时) / Patrol hours", pointsPerUnit: 0.2, cap: 10),
            ScoringItem(id: "training", name: "参加轮训(次) / Training sessions", pointsPerUnit: 2, cap: 6),
            ScoringItem(id: "clues", name: "提供有效线索(条) / Useful tips", pointsPerUnit: 3, cap: 15),
            ScoringItem(id: "absence", name: "无故缺勤(次) / Unexcused absences", pointsPerUnit: -5),
            ScoringItem(id: "complaint", name: "被有效投诉(次) / Upheld complaints", pointsPerUnit: -10),
        ],
        baseScore: 80, minimumScore: 0, maximumScore: 100,
        grades: [GradeBand(minimum: 90, label: "优秀 / Excellent"), GradeBand(minimum: 75, label: "合格 / Pass"),
                 GradeBand(minimum: 60, label: "基本合格 / Borderline"), GradeBand(minimum: -Double.infinity, label: "不合格 / Fail")])

    public var problems: [String] {
        var out: [String] = []
        var seen = Set<String>()
        for item in items {
            if !seen.insert(item.id).inserted { out.append("scoring item \(item.id) appears twice") }
            if !item.pointsPerUnit.isFinite { out.append("scoring item \(item.id): points must be a number") }
            if let c = item.cap, !(c >= 0) { out.append("scoring item \(item.id): cap must be ≥ 0") }
        }
        if let lo = minimumScore, let hi = maximumScore, lo > hi { out.append("minimumScore is above maximumScore") }
        return out
    }
}

/// A quantity recorded for a member on an item (several records for the same pair add up).
public struct AssessmentRecord: Sendable, Codable, Equatable {
    public var memberID: String
    public var itemID: String
    public var quantity: Double
    public init(memberID: String, itemID: String, quantity: Double) {
        self.memberID = memberID
        self.itemID = itemID
        self.quantity = quantity
    }
}

public struct ScoreLine: Sendable, Codable, Equatable {
    public var itemID: String
    public var quantity: Double
    public var points: Double
    /// True when the cap cut the points.
    public var capped: Bool
}

public struct ScoreCard: Sendable, Codable, Equatable {
    public var memberID: String
    /// One line per scheme item, in scheme order (zero quantity included).
    public var lines: [ScoreLine]
    public var total: Double
    public var rank: Int
    public var grade: String?
}

public enum AssessmentError: Error, Equatable, CustomStringConvertible {
    case invalidScheme([String])
    case unknownItem(String)
    case unknownMember(String)

    public var description: String {
        switch self {
        case .invalidScheme(let p): "invalid assessment scheme: " + p.joined(separator: "; ")
        case .unknownItem(let i): "no scoring item \(i)"
        case .unknownMember(let m): "record for \(m), who is not among the members assessed"
        }
    }
}

public enum MemberAssessment {
    /// Score cards of `members` (every member gets a card, with no records they get the base score),
    /// ranked. Throws on an invalid scheme, a record for an unknown item or member.
    public static func scoreCards(members: [String], records: [AssessmentRecord], scheme: AssessmentScheme) throws -> [ScoreCard] {
        guard scheme.problems.isEmpty else { throw AssessmentError.invalidScheme(scheme.problems) }
        let itemIndex = Dictionary(uniqueKeysWithValues: scheme.items.enumerated().map { ($1.id, $0) })
        var memberSet = Set<String>()
        var memberOrder: [String] = []
        for m in members where memberSet.insert(m).inserted { memberOrder.append(m) }
        var quantities: [String: [Double]] = [:]
        for r in records {
            guard let i = itemIndex[r.itemID] else { throw AssessmentError.unknownItem(r.itemID) }
            guard memberSet.contains(r.memberID) else { throw AssessmentError.unknownMember(r.memberID) }
            quantities[r.memberID, default: [Double](repeating: 0, count: scheme.items.count)][i] += r.quantity
        }
        let grades = scheme.grades.sorted { $0.minimum > $1.minimum }
        var cards: [ScoreCard] = memberOrder.map { m in
            let q = quantities[m] ?? [Double](repeating: 0, count: scheme.items.count)
            var total = scheme.baseScore
            let lines = scheme.items.enumerated().map { i, item -> ScoreLine in
                var points = hundredths(item.pointsPerUnit * q[i])
                var capped = false
                if let cap = item.cap, abs(points) > cap {
                    points = points < 0 ? -cap : cap
                    capped = true
                }
                total += points
                return ScoreLine(itemID: item.id, quantity: q[i], points: points, capped: capped)
            }
            if let lo = scheme.minimumScore { total = max(lo, total) }
            if let hi = scheme.maximumScore { total = min(hi, total) }
            total = hundredths(total)
            return ScoreCard(memberID: m, lines: lines, total: total, rank: 0,
                             grade: grades.first { total >= $0.minimum }?.label)
        }
        cards.sort { a, b in
            let x = key(a.total), y = key(b.total)
            return x != y ? x > y : a.memberID < b.memberID
        }
        for i in cards.indices {
            cards[i].rank = i > 0 && key(cards[i].total) == key(cards[i - 1].total) ? cards[i - 1].rank : i + 1
        }
        return cards
    }

    static func hundredths(_ v: Double) -> Double { (v * 100).rounded(.toNearestOrAwayFromZero) / 100 }
    private static func key(_ v: Double) -> Int64 { Int64((v * 100).rounded(.toNearestOrAwayFromZero)) }
}
