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
        let cadres = try await Cadre.query(on: db).filter(\.$active == true).sort(\.$id).all()
        // Months to compute: the first never-run month of the year up to M, and every stored month after M.
        let yearStart = YearMonth(year: month.year, month: 1)
        let stored = Set(try await CadreMonth.query(on: db).filter(\.$month >= yearStart.description).filter(\.$month <= "\(month.year)-12")
            .all().map(\.month))
        var start = month
        var m = yearStart
        while m < month { if !stored.contains(m.description) { start = m; break }; m = m.next }
        let last = stored.compactMap(YearMonth.init).filter { $0.year == month.year }.max().map { Swift.max($0, month) } ?? month
        var months: [YearMonth] = []
        m = start
        while m <= last { months.append(m); m = m.next }

        // States before the first computed month.
        var states: [String: LadderState] = [:]
        for row in try await CadreMonth.query(on: db).filter(\.$month == start.previous.description).all() {
            states[String(row.cadreID)] = LadderState(level: row.level, consecutiveNamed: row.consecutiveNamed,
                                                      rectificationUntil: row.rectificationUntil.flatMap(YearMonth.init), month: start.previous)
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
        let checks = try await FourCheck.query(on: db).filter(\.$month ~~ months.map(\.description)).all()
        var checkBy: [String: FourCheck] = [:]
        for c in checks { checkBy["\(c.cadreID)|\(c.month)"] = c }

        var rows: [CadreMonth] = []
        var named = 0, payout = 0
        let now = Date()
        for m in months {
            let cur = try await cases(m)
            let prev = try await cases(rules.compare == .previousMonth ? m.previous : m.sameMonthLastYear)
            let inputs = cadres.map { CadreMonthInput(cadreID: String($0.id!), current: count(cur, $0), previous: count(prev, $0)) }
            for s in CadreLadder.step(month: m, inputs: inputs, states: states, rules: rules.ladder) {
                states[s.cadreID] = s.state
                let check = checkBy["\(s.cadreID)|\(m)"]
                let lines = CadreRewards.lines(current: s.current, previous: s.previous, recordsComplete: check?.recordsComplete ?? false,
                                               watchArranged: check?.watchArranged ?? false, rules: rules.rewards)
                let r = CadreMonth()
                r.cadreID = Int(s.cadreID)!; r.month = m.description; r.current = s.current; r.previous = s.previous; r.change = s.change
                r.riseRank = s.riseRank; r.named = s.named; r.levelBefore = s.levelBefore; r.level = s.level
                r.consecutiveNamed = s.state.consecutiveNamed; r.rectificationUntil = s.state.rectificationUntil?.description
                r.reasonsJSON = String(decoding: try JSONEncoder().encode(s.reasons), as: UTF8.self)
                r.rewardRecords = lines.first { $0.kind == .recordsAndWatch }?.amount ?? 0
                r.rewardDecrease = lines.first { $0.kind == .decrease }?.amount ?? 0
                r.rewardTotal = CadreRewards.total(lines)
                r.computedAt = now
                rows.append(r)
                if m == month { if s.named { named += 1 }; payout += r.rewardTotal }
            }
        }
        // Replace the months whole, in one transaction: a failed run leaves the previous results.
        let monthKeys = months.map(\.description), toInsert = rows
        try await db.transaction { tx in
            try await CadreMonth.query(on: tx).filter(\.$month ~~ monthKeys).delete()
            var i = 0
            while i < toInsert.count {
                try await Array(toInsert[i..<Swift.min(i + 500, toInsert.count)]).create(on: tx)
                i += 500
            }
        }
        return Outcome(month: month.description, months: months.map(\.description), cadres: cadres.count, named: named, payoutTotal: payout)
    }
}
