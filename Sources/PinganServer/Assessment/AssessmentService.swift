import Fluent
import Vapor
import PinganKit

struct CadreInput: Content {
    var name: String?
    var post: String?
    var communityID: String?
    var gridID: String?
    init() {}
    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: AnyKey.self)
        name = c.loose(AnyKey("name")); post = c.loose(AnyKey("post")); communityID = c.loose(AnyKey("communityID")); gridID = c.loose(AnyKey("gridID"))
    }
}

struct FourCheckInput: Content {
    var cadreID: String?
    var month: String?
    var inspectedOn: String?
    var scorePlans: String?, scoreStreet: String?, scoreCompounds: String?, scoreAccountability: String?
    var recordsComplete: String?, watchArranged: String?
    var evidence: String?
    init() {}
    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: AnyKey.self)
        func s(_ k: String) -> String? {
            if let b = try? c.decodeIfPresent(Bool.self, forKey: AnyKey(k)) { return b ? "1" : "0" }
            return c.loose(AnyKey(k))
        }
        cadreID = s("cadreID"); month = s("month"); inspectedOn = s("inspectedOn")
        scorePlans = s("scorePlans"); scoreStreet = s("scoreStreet"); scoreCompounds = s("scoreCompounds"); scoreAccountability = s("scoreAccountability")
        recordsComplete = s("recordsComplete"); watchArranged = s("watchArranged"); evidence = s("evidence")
    }
}

/// One line of the month's ladder as pages, API and CSV show it.
struct LadderRow: Content {
    var cadreID: Int
    var name: String
    var post: String
    var communityID: Int
    var community: String
    var grid: String?
    var station: String
    var month: String
    var current: Int
    var previous: Int
    var change: String
    var riseRank: Int?
    var named: Bool
    var levelBefore: LadderLevel
    var level: LadderLevel
    var rectificationUntil: String?
    var reasonsZh: [String]
    var reasonsEn: [String]
    var rewardRecords: Int
    var rewardDecrease: Int
    var rewardTotal: Int
}

struct LadderReport: Content {
    var month: String
    var compare: AssessmentRules.Compare
    /// The ranking rule in force (said on the page): how many are named, and where rises from 0 go.
    var namedCount: Int
    var fromZero: FromZeroRule
    var run: Bool
    var rows: [LadderRow]
    var payoutTotal: Int
}

/// Four items of 四查 (seed 003, fifth piece, 四.1), 25 points each.
enum FourCheckItems {
    static let maxScore = 25
    static let items: [(key: String, zh: String, en: String)] = [
        ("scorePlans", "一查：巡逻工作方案、工作记载、民警及社区工作记录和档案", "1. Patrol plans, work records, officers' and community logs"),
        ("scoreStreet", "二查：街面巡逻暗查、佩戴标志、群众对巡逻密度和民警的熟悉程度", "2. Unannounced street check: patrols, badges, residents' knowledge"),
        ("scoreCompounds", "三查：小区院落、单位、重点部位、校园周边值班巡逻守候", "3. Watch and patrol at compounds, units, key places, schools"),
        ("scoreAccountability", "四查：重特大案事件责任倒查", "4. Accountability review of major cases and incidents"),
    ]
}

enum AssessmentService {
    static func scopedCadre(_ req: Request, _ id: Int?) async throws -> Cadre { try await req.findScoped(Cadre.self, id) }

    static func month(_ req: Request, errors e: inout FieldErrors) -> YearMonth {
        let cal = LocalCalendar(timeZoneIdentifier: req.config.timeZone)
        let fallback = cal.yearMonth(of: Date()).previous  // the month just ended
        guard let raw = req.query[String.self, at: "month"]?.nilIfEmpty else { return fallback }
        if let m = YearMonth(raw), (2000...2100).contains(m.year) { return m }
        e["month"] = req.t("月份格式应为 2026-03", "Use a month like 2026-03")
        return fallback
    }

    static func month(_ req: Request) throws -> YearMonth {
        var e = FieldErrors()
        let m = month(req, errors: &e)
        guard e.isEmpty else { throw e }
        return m
    }

    /// Cadres in the user's scope with names of their areas and stations.
    static func cadres(_ req: Request) async throws -> [(cadre: Cadre, community: String, grid: String?, station: String)] {
        let q = try await req.scoped(Cadre.self).filter(\.$active == true)
        let list = try await q.sort(\.$communityID).sort(\.$name).all()
        let divIDs = Array(Set(list.map(\.communityID) + list.compactMap(\.gridID)))
        let divs = divIDs.isEmpty ? [] : try await Division.query(on: req.db).filter(\.$id ~~ divIDs).all()
        let byID = Dictionary(uniqueKeysWithValues: divs.map { ($0.id!, $0) })
        let stations = Dictionary(uniqueKeysWithValues: try await Station.query(on: req.db).all().map { ($0.id!, $0.name) })
        return list.map { c in
            (c, byID[c.communityID]?.name ?? "", c.gridID.flatMap { byID[$0]?.name }, byID[c.communityID]?.stationID.flatMap { stations[$0] } ?? "")
        }
    }

    static func ladder(_ req: Request, month: YearMonth) async throws -> LadderReport {
        let cadres = try await cadres(req)
        let ids = cadres.map { $0.cadre.id! }
        let rows = ids.isEmpty ? [] : try await CadreMonth.query(on: req.db).filter(\.$month == month.description).filter(\.$cadreID ~~ ids).all()
        let byCadre = Dictionary(uniqueKeysWithValues: rows.map { ($0.cadreID, $0) })
        let anyRun = try await CadreMonth.query(on: req.db).filter(\.$month == month.description).count() > 0
        var out: [LadderRow] = []
        for c in cadres {
            guard let r = byCadre[c.cadre.id!] else { continue }
            let reasons = r.reasons
            out.append(LadderRow(cadreID: c.cadre.id!, name: c.cadre.name, post: c.cadre.post, communityID: c.cadre.communityID, community: c.community,
                                 grid: c.grid, station: c.station, month: r.month, current: r.current, previous: r.previous, change: r.change,
                                 riseRank: r.riseRank, named: r.named, levelBefore: r.levelBefore, level: r.level, rectificationUntil: r.rectificationUntil,
                                 reasonsZh: reasons.map(\.textZh), reasonsEn: reasons.map(\.textEn),
                                 rewardRecords: r.rewardRecords, rewardDecrease: r.rewardDecrease, rewardTotal: r.rewardTotal))
        }
        // Largest rise first (the published order; within a shared rank the larger increase, then the cadre), then the rest by station, community, name.
        out.sort { a, b in
            switch (a.riseRank, b.riseRank) {
            case let (x?, y?) where x != y: return x < y
            case (_?, _?):
                let da = a.current - a.previous, db = b.current - b.previous
                return da != db ? da > db : a.cadreID < b.cadreID
            case (_?, nil): return true
            case (nil, _?): return false
            default: return (a.station, a.community, a.name) < (b.station, b.community, b.name)
            }
        }
        let rules = try await AssessmentRun.rules(req.db)
        return LadderReport(month: month.description, compare: rules.compare, namedCount: rules.ladder.namedCount, fromZero: rules.ladder.fromZero, run: anyRun, rows: out,
                            payoutTotal: out.reduce(0) { $0 + $1.rewardTotal })
    }

    static func history(_ req: Request, _ cadre: Cadre) async throws -> [CadreMonth] {
        try await CadreMonth.query(on: req.db).filter(\.$cadreID == cadre.id!).sort(\.$month, .descending).all()
    }

    static func createCadre(_ req: Request, _ input: CadreInput) async throws -> Cadre {
        try req.require(.manageAssessment)
        let L = req.lang
        var e = FieldErrors()
        let name = (input.name ?? "").trimmed, post = (input.post ?? "").trimmed
        if name.isEmpty { e["name"] = L.t("请填写姓名", "Enter the name") } else if name.count > 30 { e["name"] = L.t("不能超过30字", "At most 30 characters") }
        if post.count > 40 { e["post"] = L.t("不能超过40字", "At most 40 characters") }
        let scope = try await req.scope()
        var community: Int? = nil, grid: Int? = nil
        if let raw = input.communityID?.nilIfEmpty, let id = Int(raw), let d = try await Division.find(id, on: req.db), d.level == .community,
           scope.allowsWholeCommunity(id) { community = id }
        else { e["communityID"] = L.t("辖区内没有该社区", "No such community in your jurisdiction") }
        if let raw = input.gridID?.nilIfEmpty {
            if let id = Int(raw), let d = try await Division.find(id, on: req.db), d.level == .grid, d.communityID == community { grid = id }
            else { e["gridID"] = L.t("该社区没有这个网格", "No such grid in this community") }
        }
        guard e.isEmpty, let community else { throw e }
        let c = Cadre(), gridID = grid
        c.name = name; c.post = post; c.communityID = community; c.gridID = gridID; c.active = true
        try await req.db.transaction { db in
            try await c.create(on: db)
            await req.audit("cadre.create", entity: "cadre", id: c.id.map(String.init), detail: "\(name) community=\(community) grid=\(gridID.map(String.init) ?? "-")", on: db)
        }
        return c
    }

    /// Records a 四查 inspection (a manual score: audited with every figure).
    static func createCheck(_ req: Request, _ input: FourCheckInput) async throws -> FourCheck {
        try req.require(.editFourChecks)
        let L = req.lang
        let cal = LocalCalendar(timeZoneIdentifier: req.config.timeZone)
        var e = FieldErrors()
        var cadre: Cadre? = nil
        if let raw = input.cadreID?.nilIfEmpty, let id = Int(raw) { cadre = try? await scopedCadre(req, id) }
        if cadre == nil { e["cadreID"] = L.t("辖区内没有该包片干部", "No such cadre in your jurisdiction") }
        let month = input.month?.nilIfEmpty.flatMap(YearMonth.init)
        if month == nil || !(2000...2100).contains(month!.year) { e["month"] = L.t("月份格式应为 2026-03", "Use a month like 2026-03") }
        var inspected = input.inspectedOn?.nilIfEmpty ?? cal.formatDate(Date())
        if cal.parseLocalDate(inspected) == nil { e["inspectedOn"] = L.t("日期格式应为 2026-03-15", "Use a date like 2026-03-15") }
        else { inspected = cal.formatDate(cal.parseLocalDate(inspected)!) }
        var scores: [String: Int] = [:]
        let fields = ["scorePlans": input.scorePlans, "scoreStreet": input.scoreStreet, "scoreCompounds": input.scoreCompounds, "scoreAccountability": input.scoreAccountability]
        for (k, v) in fields {
            if let n = v?.trimmed.nilIfEmpty.flatMap({ Int($0) }), (0...FourCheckItems.maxScore).contains(n) { scores[k] = n }
            else { e[k] = L.t("请填写 0–\(FourCheckItems.maxScore) 的分数", "Enter a score 0–\(FourCheckItems.maxScore)") }
        }
        func flag(_ s: String?) -> Bool { ["1", "true", "on", "yes"].contains((s ?? "").lowercased()) }
        let evidence = (input.evidence ?? "").trimmed
        if evidence.isEmpty { e["evidence"] = L.t("请写明检查依据（查阅的台账、走访情况等）", "Describe the evidence (records seen, visits made)") }
        else if evidence.count > 2000 { e["evidence"] = L.t("不能超过2000字", "At most 2000 characters") }
        if let cadre, let month, e["month"] == nil,
           try await req.scoped(FourCheck.self).filter(\.$cadreID == cadre.id!).filter(\.$month == month.description).count() > 0 {
            e["month"] = L.t("该包片干部本月已有四查记录", "This cadre already has an inspection for this month")
        }
        guard e.isEmpty, let cadre, let month else { throw e }
        let c = FourCheck()
        c.cadreID = cadre.id!; c.communityID = cadre.communityID; c.month = month.description; c.inspectedOn = inspected
        c.inspectorID = try req.user.requireID()
        c.scorePlans = scores["scorePlans"]!; c.scoreStreet = scores["scoreStreet"]!; c.scoreCompounds = scores["scoreCompounds"]!
        c.scoreAccountability = scores["scoreAccountability"]!
        c.recordsComplete = flag(input.recordsComplete); c.watchArranged = flag(input.watchArranged); c.evidence = evidence
        try await req.db.transaction { db in
            try await c.create(on: db)
            await req.audit("fourcheck.create", entity: "four_check", id: c.id.map(String.init),
                            detail: "cadre=\(cadre.id!) month=\(month) scores=\(c.scorePlans)/\(c.scoreStreet)/\(c.scoreCompounds)/\(c.scoreAccountability) records=\(c.recordsComplete) watch=\(c.watchArranged)", on: db)
        }
        return c
    }

    static func checks(_ req: Request, month: YearMonth) async throws -> [(check: FourCheck, cadre: String, community: String)] {
        let cadres = try await cadres(req)
        let byID = Dictionary(uniqueKeysWithValues: cadres.map { ($0.cadre.id!, $0) })
        guard !byID.isEmpty else { return [] }
        return try await req.scoped(FourCheck.self).filter(\.$month == month.description).filter(\.$cadreID ~~ Array(byID.keys)).sort(\.$id).all()
            .map { ($0, byID[$0.cadreID]?.cadre.name ?? "", byID[$0.cadreID]?.community ?? "") }
    }

    static func ladderCSV(_ r: LadderReport, chinese: Bool) -> CSVWriter {
        var w = CSVWriter(header: chinese
            ? ["月份", "排名", "包片干部", "职务", "派出所", "社区", "网格", "本期", "对比期", "升降", "通报", "状态", "原因", "四查奖励", "下降奖励", "奖励合计"]
            : ["month", "rise_rank", "cadre", "post", "station", "community", "grid", "current", "previous", "change", "named", "level", "reasons", "reward_records", "reward_decrease", "reward_total"])
        for x in r.rows {
            w.append([x.month, x.riseRank.map(String.init) ?? "", x.name, x.post, x.station, x.community, x.grid ?? "", "\(x.current)", "\(x.previous)",
                      PercentChange.describe(current: x.current, previous: x.previous, chinese: chinese),
                      chinese ? (x.named ? "是" : "") : (x.named ? "yes" : ""), chinese ? x.level.nameZh : x.level.rawValue,
                      (chinese ? x.reasonsZh : x.reasonsEn).joined(separator: "；"), "\(x.rewardRecords)", "\(x.rewardDecrease)", "\(x.rewardTotal)"])
        }
        return w
    }

    static func payoutCSV(_ r: LadderReport, chinese: Bool) -> CSVWriter {
        var w = CSVWriter(header: chinese ? ["月份", "包片干部", "职务", "派出所", "社区", "四查奖励", "下降奖励", "合计（元）"]
                                          : ["month", "cadre", "post", "station", "community", "reward_records", "reward_decrease", "total_yuan"])
        for x in r.rows where x.rewardTotal > 0 {
            w.append([x.month, x.name, x.post, x.station, x.community, "\(x.rewardRecords)", "\(x.rewardDecrease)", "\(x.rewardTotal)"])
        }
        w.append([r.month, chinese ? "合计" : "total", "", "", "", "", "", "\(r.payoutTotal)"])
        return w
    }
}
