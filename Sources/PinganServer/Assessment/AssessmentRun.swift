import Fluent
import SQLKit
import Vapor
import PinganKit

/// The monthly ladder run (包片干部月度排位): key cases per cadre area, CadreLadder.step, rewards, stored.
///
/// The ranking is always district-wide (every active cadre), whoever starts it: a station chief's
/// button must not produce a different ranking from the district's.
/// Months depend on the month before, so a run of month M also computes the year's earlier months that
/// were never run and re-computes the months after M that were (their inputs may have changed).
enum AssessmentRun {
    struct Outcome: Content { var month: String; var months: [String]; var cadres: Int; var named: Int; var payoutTotal: Int }

    static let settingsKey = "rules"

    static func rules(_ db: any Database) async throws -> AssessmentRules {
        guard let row = try await AssessmentSetting.query(on: db).filter(\.$key == settingsKey).first() else { return AssessmentRules() }
        return (try? JSONDecoder().decode(AssessmentRules.self, from: Data(row.value.utf8))) ?? AssessmentRules()
    }

    static func saveRules(_ db: any Database, _ rules: AssessmentRules) async throws {
        let json = String(decoding: try JSONEncoder().encode(rules), as: UTF8.self)
        if let row = try await AssessmentSetting.query(on: db).filter(\.$key == settingsKey).first() {
            row.value = json; try await row.save(on: db)
        } else {
            let row = AssessmentSetting(); row.key = settingsKey; row.value = json; try await row.create(on: db)
        }
    }

    /// Key cases by community and by grid whose occurrence lies in `range`.
    static func keyCases(_ db: any Database, range: Range<Date>, subcategories: [String]) async throws -> (community: [Int: Int], grid: [Int: Int]) {
        let sql = db as! any SQLDatabase
        // unscoped: the monthly ladder runs district-wide (cron / district command)
        let q = sql.select().column("community_id").column("grid_id").column(SQLFunction("COUNT", args: SQLLiteral.all), as: "n").from("incidents")
            .where("preventable", .equal, true)
            .where(SQLColumn("occurred_at"), .greaterThanOrEqual, SQLBind(range.lowerBound)).where(SQLColumn("occurred_at"), .lessThan, SQLBind(range.upperBound))
        if !subcategories.isEmpty { q.where("subcategory", .in, subcategories) }
        struct Row: Decodable { var community_id: Int; var grid_id: Int?; var n: Int }
        var c: [Int: Int] = [:], g: [Int: Int] = [:]
        for r in try await q.groupBy("community_id").groupBy("grid_id").all(decoding: Row.self) {
            c[r.community_id, default: 0] += r.n
            if let gid = r.grid_id { g[gid, default: 0] += r.n }
        }
        return (c, g)
    }

    static func run(_ db: any Database, month: YearMonth, calendar cal: LocalCalendar) async throws -> Outcome {
        let rules = try await rules(db)
        // unscoped: the monthly ladder runs district-wide
        let cadres = try await Cadre.query(on: db).filter(\.$active == true).sort(\.$id).all()
        // Months to compute: the first never-run month of the year up to M, and every stored month after M.
        let yearStart = YearMonth(year: month.year, month: 1)
        // Hot path at district scale (2,000 cadres × 12 months): plain SQL, no model loading.
        let sql = db as! any SQLDatabase
        struct M: Decodable { var month: String }
        let stored = Set(try await sql.select().distinct().column("month").from("cadre_months")
            .where("month", .greaterThanOrEqual, yearStart.description).where("month", .lessThanOrEqual, "\(month.year)-12").all(decoding: M.self).map(\.month))
        var start = month
        var m = yearStart
        while m < month { if !stored.contains(m.description) { start = m; break }; m = m.next }
        let last = stored.compactMap(YearMonth.init).filter { $0.year == month.year }.max().map { Swift.max($0, month) } ?? month
        var months: [YearMonth] = []
        m = start
        while m <= last { months.append(m); m = m.next }

        // States before the first computed month.
        var states: [String: LadderState] = [:]
        struct S: Decodable { var cadre_id: Int; var level: LadderLevel; var consecutive_named: Int; var rectification_until: String? }
        for row in try await sql.select().column("cadre_id").column("level").column("consecutive_named").column("rectification_until").from("cadre_months")
            .where("month", .equal, start.previous.description).all(decoding: S.self) {
            states[String(row.cadre_id)] = LadderState(level: row.level, consecutiveNamed: row.consecutive_named,
                                                       rectificationUntil: row.rectification_until.flatMap(YearMonth.init), month: start.previous)
        }
        var cache: [YearMonth: (community: [Int: Int], grid: [Int: Int])] = [:]
        func cases(_ m: YearMonth) async throws -> (community: [Int: Int], grid: [Int: Int]) {
            if let c = cache[m] { return c }
            let c = try await keyCases(db, range: cal.monthRange(m), subcategories: rules.keySubcategories)
            cache[m] = c
            return c
        }
        func count(_ c: (community: [Int: Int], grid: [Int: Int]), _ cadre: Cadre) -> Int {
            if let g = cadre.gridID { return c.grid[g] ?? 0 }
            return c.community[cadre.communityID] ?? 0
        }
        // unscoped: the monthly ladder runs district-wide
        let checks = try await FourCheck.query(on: db).filter(\.$month ~~ months.map(\.description)).all()
        var checkBy: [String: FourCheck] = [:]
        for c in checks { checkBy["\(c.cadreID)|\(c.month)"] = c }

        var rows: [[any SQLExpression]] = []
        var named = 0, payout = 0
        let now = Date()
        let encoder = JSONEncoder()
        for m in months {
            let cur = try await cases(m)
            let prev = try await cases(rules.compare == .previousMonth ? m.previous : m.sameMonthLastYear)
            let inputs = cadres.map { CadreMonthInput(cadreID: String($0.id!), current: count(cur, $0), previous: count(prev, $0)) }
            for s in CadreLadder.step(month: m, inputs: inputs, states: states, rules: rules.ladder) {
                states[s.cadreID] = s.state
                let check = checkBy["\(s.cadreID)|\(m)"]
                let lines = CadreRewards.lines(current: s.current, previous: s.previous, recordsComplete: check?.recordsComplete ?? false,
                                               watchArranged: check?.watchArranged ?? false, rules: rules.rewards)
                let total = CadreRewards.total(lines)
                rows.append([SQLBind(Int(s.cadreID)!), SQLBind(m.description), SQLBind(s.current), SQLBind(s.previous), SQLBind(s.change),
                             SQLBind(s.riseRank), SQLBind(s.named), SQLBind(s.levelBefore.rawValue), SQLBind(s.level.rawValue),
                             SQLBind(s.state.consecutiveNamed), SQLBind(s.state.rectificationUntil?.description),
                             SQLBind(String(decoding: try encoder.encode(s.reasons), as: UTF8.self)),
                             SQLBind(lines.first { $0.kind == .recordsAndWatch }?.amount ?? 0), SQLBind(lines.first { $0.kind == .decrease }?.amount ?? 0),
                             SQLBind(total), SQLBind(now)])
                if m == month { if s.named { named += 1 }; payout += total }
            }
        }
        // Replace the months whole, in one transaction: a failed run leaves the previous results.
        let monthKeys = months.map(\.description), toInsert = rows
        try await db.transaction { tx in
            let s = tx as! any SQLDatabase
            try await s.delete(from: "cadre_months").where("month", .in, monthKeys).run()
            var i = 0
            while i < toInsert.count {
                try await s.insert(into: "cadre_months")
                    .columns("cadre_id", "month", "current_cases", "previous_cases", "change", "rise_rank", "named", "level_before", "level",
                             "consecutive_named", "rectification_until", "reasons", "reward_records", "reward_decrease", "reward_total", "computed_at")
                    .rows(Array(toInsert[i..<Swift.min(i + 500, toInsert.count)]))
                    .run()
                i += 500
            }
        }
        return Outcome(month: month.description, months: months.map(\.description), cadres: cadres.count, named: named, payoutTotal: payout)
    }
}
