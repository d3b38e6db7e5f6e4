import Fluent
import SQLKit
import Vapor
import PinganKit

struct PerceptionInput: Content {
    var communityID: String?, period: String?, respondents: String?, satisfied: String?, source: String?
    init() {}
    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: AnyKey.self)
        communityID = c.loose(AnyKey("communityID")); period = c.loose(AnyKey("period")); respondents = c.loose(AnyKey("respondents"))
        satisfied = c.loose(AnyKey("satisfied")); source = c.loose(AnyKey("source"))
    }
}

struct IndexParams {
    enum Level: String, Codable { case community, station }
    var month: YearMonth
    var months: Int
    var level: Level
    init(month: YearMonth, months: Int, level: Level) { self.month = month; self.months = months; self.level = level }
    init(_ req: Request, errors e: inout FieldErrors) {
        month = AssessmentService.month(req, errors: &e)
        months = 12
        if let raw = req.query[String.self, at: "months"]?.nilIfEmpty {
            if let n = Int(raw), (1...36).contains(n) { months = n } else { e["months"] = req.t("月数应为 1–36", "Months must be 1–36") }
        }
        level = .community
        if let raw = req.query[String.self, at: "level"]?.nilIfEmpty {
            if let l = Level(rawValue: raw) { level = l } else { e["level"] = req.t("应为 community 或 station", "Use community or station") }
        }
    }
    init(_ req: Request) throws {
        var e = FieldErrors()
        self.init(req, errors: &e)
        guard e.isEmpty else { throw e }
    }
    var first: YearMonth { month.adding(months: -(months - 1)) }
    var query: String { "month=\(month)&months=\(months)&level=\(level.rawValue)" }
}

struct IndexPage: Content {
    var month: String
    var from: String
    var months: Int
    var level: IndexParams.Level
    var perceptionTarget: Double
    var report: IndexReport
}

/// The composite index over the whole district (so rates, priors and ranks are the same for everyone),
/// then narrowed to the units the user may see: communities in scope; a station only when all of its
/// communities are in scope (otherwise its totals would reveal the others).
enum IndexService {
    static func load(_ req: Request, _ p: IndexParams) async throws -> IndexPage {
        let all = try await AnalysisData.units(req.db, scope: .everything)
        var (report, rules) = try await districtReport(req.db, timeZone: req.config.timeZone, p, units: all)
        let scope = try await req.scope()
        if !scope.isEverything {
            let visible = Set((try await AnalysisData.units(req.db, scope: scope)).communities.map(\.id))
            switch p.level {
            case .community: report.units = report.units.filter { visible.contains($0.id) }
            case .station:
                let full = try await visibleStations(req, all)
                report.units = report.units.filter { full?.contains($0.id) ?? true }
            }
        }
        return IndexPage(month: p.month.description, from: p.first.description, months: p.months, level: p.level, perceptionTarget: rules.perceptionTarget(year: p.month.year), report: report)
    }

    /// Stations the user may see as a whole: those all of whose communities are in scope (nil: every station).
    static func visibleStations(_ req: Request, _ all: AnalysisUnits) async throws -> Set<String>? {
        let scope = try await req.scope()
        if scope.isEverything { return nil }
        let visible = Set((try await AnalysisData.units(req.db, scope: scope)).communities.map(\.id))
        return Set(Dictionary(grouping: all.communities, by: \.stationID).filter { $0.value.allSatisfy { visible.contains($0.id) } }.keys)
    }

    /// The index over the whole district, not narrowed to anyone's scope.
    static func districtReport(_ db: any Database, timeZone: String, _ p: IndexParams, units all: AnalysisUnits) async throws -> (IndexReport, AssessmentRules) {
        let rules = try await AssessmentRun.rules(db)
        let cal = LocalCalendar(timeZoneIdentifier: timeZone)
        let range = cal.monthRange(p.first).lowerBound ..< cal.monthRange(p.month).upperBound
        let sql = db as! any SQLDatabase
        var counts: [Int: [String: Int]] = [:]
        for r in try await AnalysisData.preventableCounts(db, column: "occurred_at", range: range, units: all) { counts[r.community_id, default: [:]][r.subcategory, default: 0] += r.n }
        var filed: [Int: Int] = [:], solved: [Int: Int] = [:]
        for r in try await AnalysisData.preventableCounts(db, column: "filed_at", range: range, units: all) { filed[r.community_id, default: 0] += r.n }
        // Solved among those filed in the window (clearance of the same cases).
        struct S: Decodable { var community_id: Int; var n: Int }
        // unscoped: the index compares every unit with the district (only the scope's rows are shown)
        for r in try await sql.select().column("community_id").column(SQLFunction("COUNT", args: SQLLiteral.all), as: "n").from("incidents")
            .where("preventable", .equal, true).where(SQLColumn("filed_at"), .greaterThanOrEqual, SQLBind(range.lowerBound))
            .where(SQLColumn("filed_at"), .lessThan, SQLBind(range.upperBound)).where("solved_at", .isNot, SQLLiteral.null)
            .groupBy("community_id").all(decoding: S.self) { solved[r.community_id] = r.n }
        struct P: Decodable { var id: Int; var resident_population: Int }
        var pop: [Int: Int] = [:]
        for r in try await sql.select().column("id").column("resident_population").from("divisions").where("level", .equal, DivisionLevel.community.rawValue)
            .all(decoding: P.self) { pop[r.id] = r.resident_population }
        var resp: [Int: Int] = [:], sat: [Int: Int] = [:]
        for r in try await PerceptionResult.query(on: db).filter(\.$period >= p.first.description).filter(\.$period <= p.month.description).all() {
            resp[r.communityID, default: 0] += r.respondents; sat[r.communityID, default: 0] += r.satisfied
        }
        // The portal's own questionnaire (/public/survey) counts too, by when each answer was given. Manual
        // results are the other surveys (phone, door to door); entering the portal's as one is refused, so
        // nothing is counted twice.
        struct Answers: Decodable { var community_id: Int; var n: Int; var safe: Int }
        for r in try await sql.select().column("community_id").column(SQLFunction("COUNT", args: SQLLiteral.all), as: "n")
            .column(SQLRaw("SUM(CASE WHEN feels_safe THEN 1 ELSE 0 END)"), as: "safe").from("perception_responses")
            .where(SQLColumn("created_at"), .greaterThanOrEqual, SQLBind(range.lowerBound)).where(SQLColumn("created_at"), .lessThan, SQLBind(range.upperBound))
            .groupBy("community_id").all(decoding: Answers.self) {
            resp[r.community_id, default: 0] += r.n; sat[r.community_id, default: 0] += r.safe
        }
        // Patrol dosage in hot grids (part of the index only where the district recorded patrols in the window).
        let dosage = try await IndicatorService.patrolDosage(db, calendar: cal, first: p.first, last: p.month, framework: try await IndicatorService.framework(db))
        func hours(_ c: Int) -> (Double?, Double?) {
            dosage.anyPatrol ? ((dosage.minutes[c] ?? 0) / 60, (dosage.hotMinutes[c] ?? 0) / 60) : (nil, nil)
        }
        var inputs: [IndexUnitInput] = []
        switch p.level {
        case .community:
            for c in all.communities {
                let id = Int(c.id)!
                let (h, hot) = hours(id)
                inputs.append(IndexUnitInput(id: c.id, name: c.name, population: pop[id] ?? 0, counts: counts[id] ?? [:], filed: filed[id] ?? 0,
                                             solved: solved[id] ?? 0, respondents: resp[id] ?? 0, satisfied: sat[id] ?? 0, patrolHours: h, hotPatrolHours: hot))
            }
        case .station:
            var order: [String] = []
            var agg: [String: IndexUnitInput] = [:]
            for c in all.communities {
                let id = Int(c.id)!
                if agg[c.stationID] == nil { agg[c.stationID] = IndexUnitInput(id: c.stationID, name: c.stationName, population: 0, counts: [:], filed: 0, solved: 0); order.append(c.stationID) }
                agg[c.stationID]!.population += pop[id] ?? 0
                for (k, v) in counts[id] ?? [:] { agg[c.stationID]!.counts[k, default: 0] += v }
                agg[c.stationID]!.filed += filed[id] ?? 0; agg[c.stationID]!.solved += solved[id] ?? 0
                agg[c.stationID]!.respondents += resp[id] ?? 0; agg[c.stationID]!.satisfied += sat[id] ?? 0
                let (h, hot) = hours(id)
                if let h { agg[c.stationID]!.patrolHours = (agg[c.stationID]!.patrolHours ?? 0) + h; agg[c.stationID]!.hotPatrolHours = (agg[c.stationID]!.hotPatrolHours ?? 0) + (hot ?? 0) }
            }
            inputs = order.map { agg[$0]! }
        }
        // The target of the year the period ends in (seed 003: 95 % in 2012, 98 % in 2013).
        return (CompositeIndex.compute(inputs, harm: rules.harmWeights, weights: rules.indexWeights, perceptionTarget: rules.perceptionTarget(year: p.month.year)), rules)
    }

    static func csv(_ page: IndexPage, chinese: Bool) -> CSVWriter {
        var w = CSVWriter(header: chinese
            ? ["排名", "单位", "常住人口", "危害加权实际", "危害加权预期", "实际/预期", "修匀比值", "每万人", "控制限信号", "立案", "破案", "破案率", "修匀破案率",
               "测评人数", "安全人数", "安全感", "区间下限", "区间上限", "案件得分", "破案得分", "安全感得分", "综合指数", "说明"]
            : ["rank", "unit", "population", "observed_harm", "expected_harm", "o_e", "o_e_smoothed", "per_10k", "signal", "filed", "solved", "clearance",
               "clearance_shrunk", "respondents", "satisfied", "perception", "perception_low", "perception_high", "crime_score", "clearance_score",
               "perception_score", "composite", "why"])
        func f(_ x: Double?, _ d: Int = 3) -> String { x.map { String(format: "%.\(d)f", $0) } ?? "" }
        for u in page.report.units {
            w.append(["\(u.rank)", u.name, "\(u.population)", f(u.observed, 1), f(u.expected, 1), f(u.ratio), f(u.shrunkRatio), f(u.per10k, 1),
                      chinese ? u.signal.nameZh : u.signal.rawValue, "\(u.filed)", "\(u.solved)", f(u.clearanceRaw), f(u.clearanceShrunk),
                      "\(u.respondents)", "\(u.satisfied)", f(u.perception), f(u.perceptionLow), f(u.perceptionHigh),
                      f(u.crimeScore, 1), f(u.clearanceScore, 1), f(u.perceptionScore, 1), f(u.composite, 1),
                      (chinese ? u.reasonsZh : u.reasonsEn).joined(separator: "；")])
        }
        return w
    }

    /// Names under which someone might re-enter the portal's own answers by hand (they are counted already).
    static let portalSourceNames: Set<String> = ["portal", "网上测评", "网上警务室", "网上社区警务室", "网上调查"]

    static func createPerception(_ req: Request, _ input: PerceptionInput) async throws -> PerceptionResult {
        try req.require(.editFourChecks)
        let L = req.lang
        var e = FieldErrors()
        var community: Int? = nil
        if let raw = input.communityID?.nilIfEmpty, let id = Int(raw), let d = try await Division.find(id, on: req.db), d.level == .community,
           try await req.scope().allowsWholeCommunity(id) { community = id }
        else { e["communityID"] = L.t("辖区内没有该社区", "No such community in your jurisdiction") }
        let period = input.period?.nilIfEmpty.flatMap(YearMonth.init)
        if period == nil || !(2000...2100).contains(period!.year) { e["period"] = L.t("月份格式应为 2026-03", "Use a month like 2026-03") }
        let n = input.respondents?.trimmed.nilIfEmpty.flatMap { Int($0) }, k = input.satisfied?.trimmed.nilIfEmpty.flatMap { Int($0) }
        if n == nil || !(1...1_000_000).contains(n!) { e["respondents"] = L.t("测评人数应为 1–1000000", "Respondents must be 1–1,000,000") }
        if k == nil || k! < 0 { e["satisfied"] = L.t("请填写不小于0的人数", "Enter a count of 0 or more") }
        else if let n, let k, k > n { e["satisfied"] = L.t("不能多于测评人数", "Cannot exceed the respondents") }
        let source = (input.source ?? "").trimmed.nilIfEmpty ?? L.t("电话调查", "phone survey")
        if source.count > 60 { e["source"] = L.t("不能超过60字", "At most 60 characters") }
        if Self.portalSourceNames.contains(source.lowercased()) {
            e["source"] = L.t("网上警务室的测评答卷已自动计入，无需录入", "Answers given on the portal are counted automatically; enter other surveys only")
        }
        if let community, let period, e["source"] == nil,
           try await PerceptionResult.query(on: req.db).filter(\.$communityID == community).filter(\.$period == period.description).filter(\.$source == source).count() > 0 {
            e["period"] = L.t("该社区本月已录入同一来源的测评", "This community already has a result from this source for the month")
        }
        guard e.isEmpty, let community, let period, let n, let k else { throw e }
        let r = PerceptionResult()
        r.communityID = community; r.period = period.description; r.respondents = n; r.satisfied = k; r.source = source; r.enteredByID = try req.user.requireID()
        try await req.db.transaction { db in
            try await r.create(on: db)
            await req.audit("perception.create", entity: "perception_result", id: r.id.map(String.init),
                            detail: "community=\(community) period=\(period) \(k)/\(n) source=\(source)", on: db)
        }
        return r
    }

    /// One survey result against its year's target: `meetsTarget` is the seed's reading (share ≥ target), `statistical`
    /// the Wilson interval's separate judgement (above / indistinguishable / below).
    struct PerceptionRow: Content {
        var id: Int; var communityID: Int; var community: String; var period: String; var respondents: Int; var satisfied: Int; var source: String
        var share: Double; var low: Double; var high: Double; var target: Double; var meetsTarget: Bool; var statistical: PerceptionVerdict.Statistical
    }

    static func perception(_ req: Request, year: Int) async throws -> [PerceptionRow] {
        let target = try await AssessmentRun.rules(req.db).perceptionTarget(year: year)
        let communities = try await DivisionLookup.communities(req)
        let names = Dictionary(uniqueKeysWithValues: communities.map { ($0.id, $0.name) })
        guard !names.isEmpty else { return [] }
        return try await PerceptionResult.query(on: req.db).filter(\.$communityID ~~ Array(names.keys))
            .filter(\.$period >= "\(year)-01").filter(\.$period <= "\(year)-12").sort(\.$period, .descending).sort(\.$communityID).all().map { r in
                let v = PerceptionVerdict(safe: r.satisfied, total: r.respondents, target: target)
                return PerceptionRow(id: r.id!, communityID: r.communityID, community: names[r.communityID] ?? "", period: r.period, respondents: r.respondents,
                                     satisfied: r.satisfied, source: r.source, share: v.share ?? 0, low: v.low ?? 0, high: v.high ?? 1, target: target,
                                     meetsTarget: v.meetsTarget ?? false, statistical: v.statistical ?? .indistinguishable)
            }
    }
}
