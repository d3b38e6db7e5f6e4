import Fluent
import Vapor
import PinganKit

/// `pingan assess month YYYY-MM`: the monthly ladder run for a scheduler (cron), over the whole district.
public enum AssessmentCLI {
    public struct Outcome: Sendable { public var months: [String]; public var cadres: Int; public var named: Int; public var payoutTotal: Int; public var seconds: Double }

    public static func month(app: Application, calendar: LocalCalendar, month: YearMonth) async throws -> Outcome {
        let t0 = Date()
        let o = try await AssessmentRun.run(app.db, month: month, calendar: calendar)
        let seconds = Date().timeIntervalSince(t0)
        try await AuditLog.system(app, action: "assessment.run", entity: "assessment",
                                  detail: "month=\(month) months=\(o.months.joined(separator: ",")) cadres=\(o.cadres) named=\(o.named) payout=\(o.payoutTotal)")
        return Outcome(months: o.months, cadres: o.cadres, named: o.named, payoutTotal: o.payoutTotal, seconds: seconds)
    }
}

extension DemoSeeder {
    /// Demo cadres (one per community, a second on the first grid of every third community), 四查 records
    /// for about a third of them last month, and the ladder run for the year so far.
    /// The demo ledger holds one year only, so the demo compares month on month (环比); the seed's default is 同比.
    public func seedAssessment(app: Application) async throws {
        let db = app.db
        var rng = SplitMix64(seed: seed ^ 0xA55E55)
        let surnames = Array("陈李黄张梁何林罗郭吴周冯谢麦钟邓区")
        let given = ["志明", "伟强", "丽华", "建国", "美玲", "国平", "少芬", "永康", "海燕", "锦荣", "淑贞", "家豪", "惠玲", "振华", "秀英", "子健"]
        let posts = ["社区副主任", "村委委员", "社区综治专干", "网格长", "社区党委委员"]
        let communities = try await Division.query(on: db).filter(\.$level == .community).sort(\.$code).all()
        let grids = try await Division.query(on: db).filter(\.$level == .grid).sort(\.$code).all()
        var firstGrid: [Int: Int] = [:]
        for g in grids { if let c = g.communityID, firstGrid[c] == nil { firstGrid[c] = g.id! } }
        var cadres: [Cadre] = []
        for (i, c) in communities.enumerated() {
            func make(grid: Int?) -> Cadre {
                let x = Cadre()
                x.name = String(surnames[rng.nextInt(below: surnames.count)]) + given[rng.nextInt(below: given.count)]
                x.post = posts[rng.nextInt(below: posts.count)]; x.communityID = c.id!; x.gridID = grid; x.active = true
                return x
            }
            cadres.append(make(grid: nil))
            if i % 3 == 0, let g = firstGrid[c.id!] { cadres.append(make(grid: g)) }
        }
        // One by one: a batch insert does not hand back the generated ids.
        let made = cadres
        try await db.transaction { tx in for c in made { try await c.create(on: tx) } }
        var rules = AssessmentRules(); rules.compare = .previousMonth
        try await AssessmentRun.saveRules(db, rules)
        let cal = LocalCalendar(timeZoneIdentifier: app.pingan.timeZone)
        let last = cal.yearMonth(of: now).previous
        guard let admin = try await User.query(on: db).filter(\.$username == "admin").first()?.id else { return }
        var checks: [FourCheck] = []
        for c in cadres where rng.chance(0.35) {
            let k = FourCheck()
            k.cadreID = c.id!; k.communityID = c.communityID; k.month = last.description
            k.inspectedOn = "\(last)-\(String(format: "%02d", 10 + rng.nextInt(below: 15)))"; k.inspectorID = admin
            k.scorePlans = 15 + rng.nextInt(below: 11); k.scoreStreet = 12 + rng.nextInt(below: 14)
            k.scoreCompounds = 12 + rng.nextInt(below: 14); k.scoreAccountability = 20 + rng.nextInt(below: 6)
            k.recordsComplete = rng.chance(0.6); k.watchArranged = rng.chance(0.5)
            k.evidence = ["查阅巡逻方案及工作记载，走访商铺6家", "暗查街面巡逻2次，群众知晓民警", "检查小区值班守候记录，3个院落新设义务值班"][rng.nextInt(below: 3)]
            checks.append(k)
        }
        try await checks.create(on: db)
        // Third-party phone survey results (安全感测评) for most communities, last quarter.
        var surveys: [PerceptionResult] = []
        for c in communities where rng.chance(0.7) {
            let r = PerceptionResult()
            let n = 60 + rng.nextInt(below: 140)
            r.communityID = c.id!; r.period = last.adding(months: -rng.nextInt(below: 3)).description; r.respondents = n
            r.satisfied = min(n, Int(Double(n) * (0.86 + 0.13 * rng.nextUnit())))
            r.source = "第三方电话调查 / Third-party phone survey"; r.enteredByID = admin
            surveys.append(r)
        }
        try await surveys.create(on: db)
        // Dual assessment scores for last month and this year's responsibility letters for the first communities.
        var scores: [PersonnelScore] = []
        for u in try await User.query(on: db).filter(\.$role ~~ [.communityOfficer, .gridWorker]).all() {
            for kind in (u.role == .communityOfficer ? [ScoreKind.station, .governance] : [.officer]) where rng.chance(0.8) {
                let s = PersonnelScore()
                s.subjectID = u.id!; s.month = last.description; s.kind = kind; s.score = 70 + rng.nextInt(below: 29); s.note = ""; s.scorerID = admin
                scores.append(s)
            }
        }
        try await scores.create(on: db)
        var letters: [ResponsibilityLetter] = []
        for c in communities.prefix(24) {
            let l = ResponsibilityLetter()
            l.year = last.year; l.communityID = c.id!; l.partyA = "街道综治委"; l.partyB = c.name + (c.kind == .rural ? "村委会" : "居委会")
            l.signedOn = "\(last.year)-01-1\(rng.nextInt(below: 10))"; l.createdByID = admin
            l.itemsJSON = #"[{"text":"群众安全感达到95%","indicator":"perception","target":0.95},{"text":"可防性案件不高于全区水平","indicator":"crime_ratio","target":1.0},{"text":"破案率不低于60%","indicator":"clearance","target":0.6}]"#
            letters.append(l)
        }
        try await letters.create(on: db)
        let t0 = Date()
        let o = try await AssessmentRun.run(db, month: last, calendar: cal)
        log(String(format: "Assessment: %d cadres, ladder run for %@ (%d months) in %.2f s; %d named, rewards ¥%d.",
                   cadres.count, last.description, o.months.count, Date().timeIntervalSince(t0), o.named, o.payoutTotal))
    }
}
