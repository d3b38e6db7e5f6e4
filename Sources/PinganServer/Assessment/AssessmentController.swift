import Fluent
import Vapor
import PinganKit

/// 考核通报: the grid-cadre ladder, payouts, cadres, 四查 inspections and the district's rules (web pages).
struct AssessmentController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let r = routes.grouped("assessment")
        r.get(use: ladder)
        r.get("export.csv", use: ladderCSV)
        r.post("run", use: run)
        r.get("payouts", use: payouts)
        r.get("payouts.csv", use: payoutsCSV)
        r.get("cadres", use: cadres)
        r.post("cadres", use: createCadre)
        r.get("cadres", ":id", use: cadre)
        r.get("checks", use: checks)
        r.post("checks", use: createCheck)
        r.get("rules", use: rules)
        r.post("rules", use: saveRules)
    }

    @Sendable func ladder(req: Request) async throws -> Response {
        try req.require(.viewAssessment)
        var e = FieldErrors()
        let month = AssessmentService.month(req, errors: &e)
        let report = try await AssessmentService.ladder(req, month: month)
        return AssessmentViews.ladder(req, report, filterErrors: e, canRun: try req.user.role.can(.manageAssessment))
    }

    @Sendable func ladderCSV(req: Request) async throws -> Response {
        try req.require(.viewAssessment)
        let report = try await AssessmentService.ladder(req, month: try AssessmentService.month(req))
        await req.audit("assessment.ladder.export", entity: "assessment", detail: "month=\(report.month)")
        return CSVResponse.make(filename: "cadre-ladder-\(report.month).csv", writer: AssessmentService.ladderCSV(report, chinese: !req.lang.isEnglish))
    }

    struct RunInput: Content {
        var month: String?
        init(from decoder: any Decoder) throws { month = try decoder.container(keyedBy: AnyKey.self).loose(AnyKey("month")) }
    }

    /// Validates the month (422 with a field message) and runs the ladder for the whole district, audited.
    static func runMonth(_ req: Request) async throws -> AssessmentRun.Outcome {
        try req.require(.manageAssessment)
        let cal = LocalCalendar(timeZoneIdentifier: req.config.timeZone)
        let raw = (try? req.content.decode(RunInput.self))?.month?.nilIfEmpty
        var month = cal.yearMonth(of: Date()).previous
        if let raw {
            guard let m = YearMonth(raw), (2000...2100).contains(m.year) else { throw FieldErrors(["month": req.t("月份格式应为 2026-03", "Use a month like 2026-03")]) }
            month = m
        }
        guard month <= cal.yearMonth(of: Date()) else { throw FieldErrors(["month": req.t("不能考核未来的月份", "That month has not begun")]) }
        let o = try await AssessmentRun.run(req.db, month: month, calendar: cal)
        await req.audit("assessment.run", entity: "assessment", detail: "month=\(month) months=\(o.months.joined(separator: ",")) cadres=\(o.cadres) named=\(o.named) payout=\(o.payoutTotal)")
        return o
    }

    @Sendable func run(req: Request) async throws -> Response {
        try req.require(.manageAssessment)
        do {
            let o = try await Self.runMonth(req)
            return req.redirect(to: "/assessment?month=\(o.month)")
        } catch let e as FieldErrors {
            let report = try await AssessmentService.ladder(req, month: try AssessmentService.month(req))
            return AssessmentViews.ladder(req, report, filterErrors: e, canRun: true)
        }
    }

    @Sendable func payouts(req: Request) async throws -> Response {
        try req.require(.viewAssessment)
        var e = FieldErrors()
        let month = AssessmentService.month(req, errors: &e)
        return AssessmentViews.payouts(req, try await AssessmentService.ladder(req, month: month), filterErrors: e)
    }

    @Sendable func payoutsCSV(req: Request) async throws -> Response {
        try req.require(.viewAssessment)
        let report = try await AssessmentService.ladder(req, month: try AssessmentService.month(req))
        await req.audit("assessment.payouts.export", entity: "assessment", detail: "month=\(report.month)")
        return CSVResponse.make(filename: "cadre-payouts-\(report.month).csv", writer: AssessmentService.payoutCSV(report, chinese: !req.lang.isEnglish))
    }

    func cadresPage(_ req: Request, input: CadreInput = CadreInput(), errors: FieldErrors = FieldErrors()) async throws -> Response {
        let list = try await AssessmentService.cadres(req)
        let latest = try await CadreMonth.query(on: req.db).filter(\.$cadreID ~~ list.map { $0.cadre.id! }).sort(\.$month, .descending).all()
        var level: [Int: CadreMonth] = [:]
        for r in latest where level[r.cadreID] == nil { level[r.cadreID] = r }
        return AssessmentViews.cadres(req, list, latest: level, communities: try await DivisionLookup.communities(req), input: input, errors: errors,
                                      canManage: try req.user.role.can(.manageAssessment))
    }

    @Sendable func cadres(req: Request) async throws -> Response {
        try req.require(.viewAssessment)
        return try await cadresPage(req)
    }

    @Sendable func createCadre(req: Request) async throws -> Response {
        try req.require(.manageAssessment)
        let input = try req.content.decode(CadreInput.self)
        do {
            let c = try await AssessmentService.createCadre(req, input)
            return req.redirect(to: "/assessment/cadres/\(c.id!)")
        } catch let e as FieldErrors {
            return try await cadresPage(req, input: input, errors: e)
        }
    }

    @Sendable func cadre(req: Request) async throws -> Response {
        try req.require(.viewAssessment)
        let c = try await AssessmentService.scopedCadre(req, req.parameters.get("id", as: Int.self))
        let area = try await AssessmentService.cadres(req).first { $0.cadre.id == c.id }
        let checks = try await req.scoped(FourCheck.self).filter(\.$cadreID == c.id!).sort(\.$month, .descending).all()
        return AssessmentViews.cadre(req, c, community: area?.community ?? "", grid: area?.grid, station: area?.station ?? "",
                                     history: try await AssessmentService.history(req, c), checks: checks)
    }

    func checksPage(_ req: Request, input: FourCheckInput = FourCheckInput(), errors: FieldErrors = FieldErrors()) async throws -> Response {
        var fe = FieldErrors()
        let month = AssessmentService.month(req, errors: &fe)
        return AssessmentViews.checks(req, month: month, list: try await AssessmentService.checks(req, month: month),
                                      cadres: try await AssessmentService.cadres(req), input: input, errors: errors, filterErrors: fe,
                                      canEdit: try req.user.role.can(.editFourChecks))
    }

    @Sendable func checks(req: Request) async throws -> Response {
        try req.require(.viewAssessment)
        return try await checksPage(req)
    }

    @Sendable func createCheck(req: Request) async throws -> Response {
        try req.require(.editFourChecks)
        let input = try req.content.decode(FourCheckInput.self)
        do {
            let c = try await AssessmentService.createCheck(req, input)
            return req.redirect(to: "/assessment/checks?month=\(c.month)")
        } catch let e as FieldErrors {
            return try await checksPage(req, input: input, errors: e)
        }
    }

    @Sendable func rules(req: Request) async throws -> Response {
        try req.require(.viewAssessment)
        let r = try await AssessmentRun.rules(req.db)
        return AssessmentViews.rules(req, RulesForm(r), errors: FieldErrors(), canEdit: try req.user.role.can(.manageAssessment))
    }

    @Sendable func saveRules(req: Request) async throws -> Response {
        try req.require(.manageAssessment)
        let form = try req.content.decode(RulesForm.self)
        do {
            let rules = try form.rules(req, base: try await AssessmentRun.rules(req.db))
            try await AssessmentRulesService.save(req, rules)
            return req.redirect(to: "/assessment/rules")
        } catch let e as FieldErrors {
            return AssessmentViews.rules(req, form, errors: e, canEdit: true)
        }
    }
}

enum AssessmentRulesService {
    static func save(_ req: Request, _ rules: AssessmentRules) async throws {
        try req.require(.manageAssessment)
        let problems = rules.problems()
        guard problems.isEmpty else { throw FieldErrors(problems) }
        try await req.db.transaction { db in
            try await AssessmentRun.saveRules(db, rules)
            let json = String(decoding: try JSONEncoder().encode(rules), as: UTF8.self)
            await req.audit("assessment.rules", entity: "assessment_settings", id: AssessmentRun.settingsKey, detail: json, on: db)
        }
    }
}

/// The rules as a flat form (tiers as "30:150, 50:270, 100:300").
struct RulesForm: Content {
    var namedCount: String?, rectificationAfter: String?, yellowAfter: String?, rectificationMonths: String?, resetEachYear: String?
    var recordsAndWatchAmount: String?, decreaseTiers: String?, compare: String?, keySubcategories: String?, fromZero: String?
    /// Index and dual-assessment settings; a field left out of the form keeps its stored value.
    /// `perceptionTargets` is "2012:95, 2013:98"; the older single `perceptionTarget` (a percentage) still sets every year.
    var weightCrime: String?, weightClearance: String?, weightPerception: String?, weightPatrol: String?, perceptionTargets: String?, perceptionTarget: String?, dualStationWeight: String?

    init(_ r: AssessmentRules) {
        namedCount = "\(r.ladder.namedCount)"; rectificationAfter = "\(r.ladder.rectificationAfter)"; yellowAfter = "\(r.ladder.yellowAfter)"
        rectificationMonths = "\(r.ladder.rectificationMonths)"; resetEachYear = r.ladder.resetEachYear ? "1" : "0"; fromZero = r.ladder.fromZero.rawValue
        recordsAndWatchAmount = "\(r.rewards.recordsAndWatchAmount)"
        decreaseTiers = r.rewards.decreaseTiers.map { "\($0.percent):\($0.amount)" }.joined(separator: ", ")
        compare = r.compare.rawValue; keySubcategories = r.keySubcategories.joined(separator: ", ")
        func g(_ x: Double) -> String { x == x.rounded() ? String(Int(x)) : String(format: "%g", x) }
        weightCrime = g(r.indexWeights.crime * 100); weightClearance = g(r.indexWeights.clearance * 100); weightPerception = g(r.indexWeights.perception * 100); weightPatrol = g(r.indexWeights.patrol * 100)
        perceptionTargets = r.perceptionTargets.text; dualStationWeight = g(r.dualStationWeight * 100)
    }
    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: AnyKey.self)
        func s(_ k: String) -> String? { c.loose(AnyKey(k)) }
        namedCount = s("namedCount"); rectificationAfter = s("rectificationAfter"); yellowAfter = s("yellowAfter")
        rectificationMonths = s("rectificationMonths"); resetEachYear = s("resetEachYear"); recordsAndWatchAmount = s("recordsAndWatchAmount")
        decreaseTiers = s("decreaseTiers"); compare = s("compare"); keySubcategories = s("keySubcategories"); fromZero = s("fromZero")
        weightCrime = s("weightCrime"); weightClearance = s("weightClearance"); weightPerception = s("weightPerception"); weightPatrol = s("weightPatrol")
        perceptionTargets = s("perceptionTargets"); perceptionTarget = s("perceptionTarget"); dualStationWeight = s("dualStationWeight")
    }

    /// The form's fields over `base` (settings the form does not show, such as harm weights, are kept).
    func rules(_ req: Request, base: AssessmentRules) throws -> AssessmentRules {
        let L = req.lang
        var e = FieldErrors()
        var r = base
        func int(_ k: String, _ v: String?, _ range: ClosedRange<Int>) -> Int {
            if let n = v?.trimmed.nilIfEmpty.flatMap({ Int($0) }), range.contains(n) { return n }
            e[k] = L.t("应为 \(range.lowerBound)–\(range.upperBound) 的整数", "Must be a whole number \(range.lowerBound)–\(range.upperBound)")
            return range.lowerBound
        }
        r.ladder.namedCount = int("namedCount", namedCount, 1...50)
        r.ladder.rectificationAfter = int("rectificationAfter", rectificationAfter, 1...12)
        r.ladder.yellowAfter = int("yellowAfter", yellowAfter, 1...12)
        if e["yellowAfter"] == nil && e["rectificationAfter"] == nil && r.ladder.yellowAfter <= r.ladder.rectificationAfter {
            e["yellowAfter"] = L.t("应大于限期整改的连续次数", "Must be more than the months for rectification")
        }
        r.ladder.rectificationMonths = int("rectificationMonths", rectificationMonths, 1...12)
        r.ladder.resetEachYear = ["1", "on", "true", "yes"].contains((resetEachYear ?? "").lowercased())
        if let raw = fromZero?.nilIfEmpty {
            if let z = FromZeroRule(rawValue: raw) { r.ladder.fromZero = z } else { e["fromZero"] = L.t("选项无效", "Not one of the choices") }
        }
        r.rewards.recordsAndWatchAmount = int("recordsAndWatchAmount", recordsAndWatchAmount, 0...100_000)
        var tiers: [RewardTier] = []
        for part in (decreaseTiers ?? "").split(whereSeparator: { $0 == "," || $0 == "，" || $0 == ";" }) {
            let kv = part.split(separator: ":").map { $0.trimmingCharacters(in: .whitespaces) }
            if kv.count == 2, let p = Int(kv[0]), let a = Int(kv[1]), (1...100).contains(p), (0...100_000).contains(a), !tiers.contains(where: { $0.percent == p }) {
                tiers.append(RewardTier(percent: p, amount: a))
            } else { e["decreaseTiers"] = L.t("格式：降幅%:金额，逗号分隔，如 30:150, 50:270, 100:300", "Format: percent:amount, comma-separated, e.g. 30:150, 50:270, 100:300") }
        }
        if tiers.isEmpty && e["decreaseTiers"] == nil { e["decreaseTiers"] = L.t("至少一档", "At least one tier") }
        r.rewards.decreaseTiers = tiers.sorted { $0.percent < $1.percent }
        if let c = AssessmentRules.Compare(rawValue: compare ?? "") { r.compare = c } else { e["compare"] = L.t("请选择同比或环比", "Choose year-on-year or month-on-month") }
        r.keySubcategories = (keySubcategories ?? "").split(whereSeparator: { $0 == "," || $0 == "，" || $0 == " " }).map(String.init)
        // Percentages on the form, fractions in the rules.
        func pct(_ k: String, _ v: String?, _ range: ClosedRange<Double>, keep: Double) -> Double {
            guard let v else { return keep }
            if let x = Double(v.trimmed), range.contains(x) { return x / 100 }
            e[k] = L.t("应为 \(Int(range.lowerBound))–\(Int(range.upperBound)) 的数", "Must be a number \(Int(range.lowerBound))–\(Int(range.upperBound))")
            return keep
        }
        r.indexWeights = IndexWeights(crime: pct("weightCrime", weightCrime, 0...100, keep: r.indexWeights.crime),
                                      clearance: pct("weightClearance", weightClearance, 0...100, keep: r.indexWeights.clearance),
                                      perception: pct("weightPerception", weightPerception, 0...100, keep: r.indexWeights.perception),
                                      patrol: pct("weightPatrol", weightPatrol, 0...100, keep: r.indexWeights.patrol))
        if !r.indexWeights.isValid && e["weightCrime"] == nil { e["weightCrime"] = L.t("各项权重不能全为0", "The weights cannot all be 0") }
        if let raw = perceptionTargets {
            if let t = PerceptionTargets.parse(raw), t.problems.isEmpty { r.perceptionTargets = t }
            else { e["perceptionTargets"] = L.t("格式：年份:目标%，逗号分隔，目标 50–100，如 2012:95, 2013:98", "Format: year:target%, comma-separated, targets 50–100, e.g. 2012:95, 2013:98") }
        } else if perceptionTarget != nil {
            let one = pct("perceptionTarget", perceptionTarget, 50...100, keep: -1)
            if one >= 0 { r.perceptionTargets = PerceptionTargets([r.perceptionTargets.entries.first?.year ?? 2012: one]) }
        }
        r.dualStationWeight = pct("dualStationWeight", dualStationWeight, 0...100, keep: r.dualStationWeight)
        guard e.isEmpty else { throw e }
        return r
    }
}

/// JSON API under /api/v1.
struct AssessmentAPIController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let a = routes.grouped("api", "v1", "assessment")
        a.get("ladder", use: ladder)
        a.post("run", use: run)
        a.get("payouts", use: payouts)
        a.get("checks", use: checks)
        a.post("checks", use: createCheck)
        a.get("rules", use: rules)
        a.put("rules", use: saveRules)
        let c = routes.grouped("api", "v1", "cadres")
        c.get(use: cadres)
        c.post(use: createCadre)
        c.get(":id", use: cadre)
    }

    @Sendable func ladder(req: Request) async throws -> LadderReport {
        try req.require(.viewAssessment)
        return try await AssessmentService.ladder(req, month: try AssessmentService.month(req))
    }

    @Sendable func run(req: Request) async throws -> AssessmentRun.Outcome { try await AssessmentController.runMonth(req) }

    struct Payouts: Content { var month: String; var total: Int; var rows: [LadderRow] }
    @Sendable func payouts(req: Request) async throws -> Payouts {
        try req.require(.viewAssessment)
        let r = try await AssessmentService.ladder(req, month: try AssessmentService.month(req))
        return Payouts(month: r.month, total: r.payoutTotal, rows: r.rows.filter { $0.rewardTotal > 0 })
    }

    struct CheckDTO: Content {
        var id: Int; var cadreID: Int; var cadre: String; var community: String; var month: String; var inspectedOn: String
        var scores: [String: Int]; var total: Int; var recordsComplete: Bool; var watchArranged: Bool; var evidence: String
        init(_ c: FourCheck, cadre: String, community: String) {
            id = c.id!; cadreID = c.cadreID; self.cadre = cadre; self.community = community; month = c.month; inspectedOn = c.inspectedOn
            scores = ["scorePlans": c.scorePlans, "scoreStreet": c.scoreStreet, "scoreCompounds": c.scoreCompounds, "scoreAccountability": c.scoreAccountability]
            total = c.total; recordsComplete = c.recordsComplete; watchArranged = c.watchArranged; evidence = c.evidence
        }
    }
    @Sendable func checks(req: Request) async throws -> [CheckDTO] {
        try req.require(.viewAssessment)
        return try await AssessmentService.checks(req, month: try AssessmentService.month(req)).map { CheckDTO($0.check, cadre: $0.cadre, community: $0.community) }
    }
    @Sendable func createCheck(req: Request) async throws -> Response {
        try req.require(.editFourChecks)
        let c = try await AssessmentService.createCheck(req, try req.content.decode(FourCheckInput.self))
        return try await CheckDTO(c, cadre: "", community: "").encodeResponse(status: .created, for: req)
    }

    @Sendable func rules(req: Request) async throws -> AssessmentRules {
        try req.require(.viewAssessment)
        return try await AssessmentRun.rules(req.db)
    }
    @Sendable func saveRules(req: Request) async throws -> AssessmentRules {
        try req.require(.manageAssessment)
        let rules: AssessmentRules
        do { rules = try req.content.decode(AssessmentRules.self) } catch {
            throw FieldErrors(["rules": req.t("规则格式无效：\(error)", "Invalid rules: \(error)")])
        }
        try await AssessmentRulesService.save(req, rules)
        return rules
    }

    struct CadreDTO: Content {
        var id: Int; var name: String; var post: String; var communityID: Int; var community: String; var gridID: Int?; var grid: String?; var station: String
        var level: LadderLevel?; var history: [LadderRow]?
    }
    @Sendable func cadres(req: Request) async throws -> [CadreDTO] {
        try req.require(.viewAssessment)
        return try await AssessmentService.cadres(req).map {
            CadreDTO(id: $0.cadre.id!, name: $0.cadre.name, post: $0.cadre.post, communityID: $0.cadre.communityID, community: $0.community,
                     gridID: $0.cadre.gridID, grid: $0.grid, station: $0.station)
        }
    }
    @Sendable func createCadre(req: Request) async throws -> Response {
        try req.require(.manageAssessment)
        let c = try await AssessmentService.createCadre(req, try req.content.decode(CadreInput.self))
        return try await CadreDTO(id: c.id!, name: c.name, post: c.post, communityID: c.communityID, community: "", gridID: c.gridID, grid: nil, station: "")
            .encodeResponse(status: .created, for: req)
    }
    @Sendable func cadre(req: Request) async throws -> CadreDTO {
        try req.require(.viewAssessment)
        let c = try await AssessmentService.scopedCadre(req, req.parameters.get("id", as: Int.self))
        let area = try await AssessmentService.cadres(req).first { $0.cadre.id == c.id }
        let history = try await AssessmentService.history(req, c).map { r in
            LadderRow(cadreID: c.id!, name: c.name, post: c.post, communityID: c.communityID, community: area?.community ?? "", grid: area?.grid,
                      station: area?.station ?? "", month: r.month, current: r.current, previous: r.previous, change: r.change, riseRank: r.riseRank,
                      named: r.named, levelBefore: r.levelBefore, level: r.level, rectificationUntil: r.rectificationUntil,
                      reasonsZh: r.reasons.map(\.textZh), reasonsEn: r.reasons.map(\.textEn),
                      rewardRecords: r.rewardRecords, rewardDecrease: r.rewardDecrease, rewardTotal: r.rewardTotal)
        }
        return CadreDTO(id: c.id!, name: c.name, post: c.post, communityID: c.communityID, community: area?.community ?? "", gridID: c.gridID,
                        grid: area?.grid, station: area?.station ?? "", level: history.first?.level, history: history)
    }
}
