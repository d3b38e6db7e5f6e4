import Fluent
import Vapor
import PinganKit

/// 包片干部: a grid cadre responsible for an area (a community, or one grid of it). Cadres need not have
/// an account; they are assessed, not signed in.
final class Cadre: Model, @unchecked Sendable {
    static let schema = "cadres"
    @ID(custom: "id", generatedBy: .database) var id: Int?
    @Field(key: "name") var name: String
    @Field(key: "post") var post: String            // 职务, free text (e.g. 社区副主任)
    @Field(key: "community_id") var communityID: Int
    @OptionalField(key: "grid_id") var gridID: Int?
    @Field(key: "active") var active: Bool
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    init() {}
}

/// One cadre's month on the ladder (one row per cadre and month, replaced when the month is re-run).
final class CadreMonth: Model, @unchecked Sendable {
    static let schema = "cadre_months"
    @ID(custom: "id", generatedBy: .database) var id: Int?
    @Field(key: "cadre_id") var cadreID: Int
    @Field(key: "month") var month: String
    @Field(key: "current_cases") var current: Int
    @Field(key: "previous_cases") var previous: Int
    @Field(key: "change") var change: String
    @OptionalField(key: "rise_rank") var riseRank: Int?
    @Field(key: "named") var named: Bool
    @Field(key: "level_before") var levelBefore: LadderLevel
    @Field(key: "level") var level: LadderLevel
    @Field(key: "consecutive_named") var consecutiveNamed: Int
    @OptionalField(key: "rectification_until") var rectificationUntil: String?
    /// Reason codes and texts as JSON (`[LadderReason]`).
    @Field(key: "reasons") var reasonsJSON: String
    @Field(key: "reward_records") var rewardRecords: Int
    @Field(key: "reward_decrease") var rewardDecrease: Int
    @Field(key: "reward_total") var rewardTotal: Int
    @Timestamp(key: "computed_at", on: .none) var computedAt: Date?
    init() {}

    var reasons: [LadderReason] { (try? JSONDecoder().decode([LadderReason].self, from: Data(reasonsJSON.utf8))) ?? [] }
}

/// 四查 inspection of a cadre's area in a month: four items scored, the two reward conditions, evidence.
final class FourCheck: Model, @unchecked Sendable {
    static let schema = "four_checks"
    @ID(custom: "id", generatedBy: .database) var id: Int?
    @Field(key: "cadre_id") var cadreID: Int
    @Field(key: "community_id") var communityID: Int
    @Field(key: "month") var month: String
    @Field(key: "inspected_on") var inspectedOn: String
    @Field(key: "inspector_id") var inspectorID: Int
    @Field(key: "score_plans") var scorePlans: Int          // 一查 方案、记载、工作记录
    @Field(key: "score_street") var scoreStreet: Int        // 二查 街面巡逻暗查
    @Field(key: "score_compounds") var scoreCompounds: Int  // 三查 小区院落值班守候
    @Field(key: "score_accountability") var scoreAccountability: Int  // 四查 重特大案事件责任倒查
    @Field(key: "records_complete") var recordsComplete: Bool
    @Field(key: "watch_arranged") var watchArranged: Bool
    @Field(key: "evidence") var evidence: String
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    init() {}

    var total: Int { scorePlans + scoreStreet + scoreCompounds + scoreAccountability }
}

/// District configuration of the assessment (ladder and reward rules) as JSON, one row per key.
final class AssessmentSetting: Model, @unchecked Sendable {
    static let schema = "assessment_settings"
    @ID(custom: "id", generatedBy: .database) var id: Int?
    @Field(key: "key") var key: String
    @Field(key: "value") var value: String
    init() {}
}

/// 安全感测评 results entered by hand (third-party phone surveys and the like): one row per community and
/// survey month. The public portal's own questionnaire can later add rows here (source "portal").
final class PerceptionResult: Model, @unchecked Sendable {
    static let schema = "perception_results"
    @ID(custom: "id", generatedBy: .database) var id: Int?
    @Field(key: "community_id") var communityID: Int
    @Field(key: "period") var period: String          // survey month, "2026-09"
    @Field(key: "respondents") var respondents: Int
    @Field(key: "satisfied") var satisfied: Int       // answered safe / very safe (安全、比较安全)
    @Field(key: "source") var source: String
    @Field(key: "entered_by_id") var enteredByID: Int
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    init() {}
}

/// Read for every month the year-end summary scores (`ListedFields`: no reflection per row).
extension PerceptionResult: ListedFields {
    var properties: [any AnyProperty] { [$id, $communityID, $period, $respondents, $satisfied, $source, $enteredByID, $createdAt] }
}

struct CreateAssessment: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema("cadres")
            .field("id", .int, .identifier(auto: true))
            .field("name", .string, .required)
            .field("post", .string, .required)
            .field("community_id", .int, .required, .references("divisions", "id"))
            .field("grid_id", .int, .references("divisions", "id"))
            .field("active", .bool, .required)
            .field("created_at", .datetime)
            .create()
        try await db.schema("cadre_months")
            .field("id", .int, .identifier(auto: true))
            .field("cadre_id", .int, .required, .references("cadres", "id"))
            .field("month", .string, .required)
            .field("current_cases", .int, .required)
            .field("previous_cases", .int, .required)
            .field("change", .string, .required)
            .field("rise_rank", .int)
            .field("named", .bool, .required)
            .field("level_before", .string, .required)
            .field("level", .string, .required)
            .field("consecutive_named", .int, .required)
            .field("rectification_until", .string)
            .field("reasons", .string, .required)
            .field("reward_records", .int, .required)
            .field("reward_decrease", .int, .required)
            .field("reward_total", .int, .required)
            .field("computed_at", .datetime)
            .unique(on: "cadre_id", "month")
            .create()
        try await db.schema("four_checks")
            .field("id", .int, .identifier(auto: true))
            .field("cadre_id", .int, .required, .references("cadres", "id"))
            .field("community_id", .int, .required, .references("divisions", "id"))
            .field("month", .string, .required)
            .field("inspected_on", .string, .required)
            .field("inspector_id", .int, .required, .references("users", "id"))
            .field("score_plans", .int, .required)
            .field("score_street", .int, .required)
            .field("score_compounds", .int, .required)
            .field("score_accountability", .int, .required)
            .field("records_complete", .bool, .required)
            .field("watch_arranged", .bool, .required)
            .field("evidence", .string, .required)
            .field("created_at", .datetime)
            .unique(on: "cadre_id", "month")
            .create()
        try await db.schema("perception_results")
            .field("id", .int, .identifier(auto: true))
            .field("community_id", .int, .required, .references("divisions", "id"))
            .field("period", .string, .required)
            .field("respondents", .int, .required)
            .field("satisfied", .int, .required)
            .field("source", .string, .required)
            .field("entered_by_id", .int, .required, .references("users", "id"))
            .field("created_at", .datetime)
            .unique(on: "community_id", "period", "source")
            .create()
        try await db.schema("assessment_settings")
            .field("id", .int, .identifier(auto: true))
            .field("key", .string, .required)
            .field("value", .string, .required)
            .unique(on: "key")
            .create()
    }
    func revert(on db: any Database) async throws {
        for t in ["assessment_settings", "perception_results", "four_checks", "cadre_months", "cadres"] { try await db.schema(t).delete() }
    }
}

/// The district's assessment configuration: the ladder, the rewards, and what the cases are compared with.
struct AssessmentRules: Content, Equatable {
    /// 同比 (same month last year, seed 003's "重点案件同比考核") or 环比 (previous month).
    enum Compare: String, Codable, CaseIterable { case sameMonthLastYear = "same_month_last_year", previousMonth = "previous_month" }
    var ladder: LadderRules = .seed003
    var rewards: RewardRules = .seed003
    var compare: Compare = .sameMonthLastYear
    /// Key cases (重点案件): these incident subcategories; empty = every preventable (可防性) subcategory.
    var keySubcategories: [String] = []
    /// Composite index: harm weights per subcategory, component weights.
    var harmWeights: HarmWeights = .defaults
    var indexWeights: IndexWeights = .init()
    /// Safety-perception targets by year (seed 003: 95% in 2012, 98% in 2013); a year without a row takes the
    /// latest earlier year's. `PerceptionTargets` in PinganKit.
    var perceptionTargets: PerceptionTargets = .seed003
    /// Dual assessment of community officers: the station's share; the governance office has the rest.
    var dualStationWeight: Double = 0.5

    init() {}
    /// Missing keys keep their defaults, so a client may send only what it changes.
    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        ladder = try c.decodeIfPresent(LadderRules.self, forKey: .ladder) ?? .seed003
        rewards = try c.decodeIfPresent(RewardRules.self, forKey: .rewards) ?? .seed003
        compare = try c.decodeIfPresent(Compare.self, forKey: .compare) ?? .sameMonthLastYear
        keySubcategories = try c.decodeIfPresent([String].self, forKey: .keySubcategories) ?? []
        harmWeights = try c.decodeIfPresent(HarmWeights.self, forKey: .harmWeights) ?? .defaults
        indexWeights = try c.decodeIfPresent(IndexWeights.self, forKey: .indexWeights) ?? .init()
        if let table = try c.decodeIfPresent(PerceptionTargets.self, forKey: .perceptionTargets) {
            perceptionTargets = table
        } else if let one = try c.decodeIfPresent(Double.self, forKey: .perceptionTarget), abs(one - 0.95) > 1e-9 {
            // Rules stored before issue 25 had one target for every year; a district that changed it keeps it for every year.
            perceptionTargets = PerceptionTargets([2012: one])
        } else {
            perceptionTargets = .seed003   // the old default (95 % every year) becomes the seed's table
        }
        dualStationWeight = try c.decodeIfPresent(Double.self, forKey: .dualStationWeight) ?? 0.5
    }

    private enum CodingKeys: String, CodingKey {
        case ladder, rewards, compare, keySubcategories, harmWeights, indexWeights, perceptionTargets, dualStationWeight
        case perceptionTarget   // read only: rules stored before issue 25
    }
    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(ladder, forKey: .ladder); try c.encode(rewards, forKey: .rewards); try c.encode(compare, forKey: .compare)
        try c.encode(keySubcategories, forKey: .keySubcategories); try c.encode(harmWeights, forKey: .harmWeights)
        try c.encode(indexWeights, forKey: .indexWeights); try c.encode(perceptionTargets, forKey: .perceptionTargets)
        try c.encode(dualStationWeight, forKey: .dualStationWeight)
    }

    /// The safety-perception target of a year.
    func perceptionTarget(year: Int) -> Double { perceptionTargets.target(for: year) }

    func problems() -> [String: String] {
        var p: [String: String] = [:]
        for (k, v) in ladder.problems() { p["ladder." + k] = v }
        for (k, v) in rewards.problems() { p["rewards." + k] = v }
        if !indexWeights.isValid { p["indexWeights"] = "≥ 0, not all 0" }
        if !perceptionTargets.problems.isEmpty { p["perceptionTargets"] = perceptionTargets.problems.joined(separator: "; ") }
        if !(0...1).contains(dualStationWeight) { p["dualStationWeight"] = "0–1" }
        if harmWeights.bySubcategory.values.contains(where: { !($0 >= 0 && $0 <= 100) }) { p["harmWeights"] = "0–100" }
        return p
    }
}
