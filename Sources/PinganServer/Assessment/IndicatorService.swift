import Fluent
import SQLKit
import Vapor
import PinganKit

/// The configurable indicators (考核指标体系): stored as JSON in `assessment_settings` under "indicators",
/// measured per station and month from what the other features record, scored by `IndicatorScoring`.
/// Always measured over the whole district (so every viewer sees the same scores and ranks), then narrowed
/// by the caller to the stations the user may see as a whole.
enum IndicatorService {
    static let settingsKey = "indicators"

    static func framework(_ db: any Database) async throws -> IndicatorFramework {
        guard let row = try await AssessmentSetting.query(on: db).filter(\.$key == settingsKey).first() else { return .defaults }
        return (try? JSONDecoder().decode(IndicatorFramework.self, from: Data(row.value.utf8))) ?? .defaults
    }

    static func encode(_ f: IndicatorFramework, pretty: Bool = false) -> String {
        let enc = JSONEncoder()
        enc.outputFormatting = pretty ? [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes] : [.sortedKeys]
        return String(decoding: (try? enc.encode(f)) ?? Data(), as: UTF8.self)
    }

    /// Field errors in the user's language, keyed like the framework's problems (`indicators.3.target`).
    static func problems(_ req: Request, _ f: IndicatorFramework) -> FieldErrors {
        var e = FieldErrors()
        for (k, p) in f.problems() {
            e[k] = switch p {
            case .unsupportedVersion: req.t("不支持的配置版本（应为 \(IndicatorFramework.currentVersion)）", "Unsupported version (use \(IndicatorFramework.currentVersion))")
            case .empty: req.t("至少要有一项指标", "At least one indicator is needed")
            case .noneActive: req.t("至少要有一项启用且权重大于 0 的指标", "At least one indicator must be enabled with a weight above 0")
            case .duplicate: req.t("同一指标只能出现一次", "Each indicator may appear once")
            case .tooLong(let n): req.t("不能超过\(n)字", "At most \(n) characters")
            case .outOfRange(let r): req.t("应在 \(r) 之间", "Must be within \(r)")
            case .notANumber: req.t("应为数字", "Must be a number")
            case .zeroOnWrongSide: req.t("零分线应在目标值的另一侧（越高越好：零分线 < 目标；越低越好：零分线 > 目标）",
                                         "The zero point must lie on the far side of the target (higher is better: zero < target; lower is better: zero > target)")
            }
        }
        return e
    }

    static func save(_ req: Request, _ f: IndicatorFramework, action: String = "assessment.indicators") async throws {
        try req.require(.manageAssessment)
        let e = problems(req, f)
        guard e.isEmpty else { throw e }
        let json = encode(f)
        try await req.db.transaction { db in
            if let row = try await AssessmentSetting.query(on: db).filter(\.$key == settingsKey).first() {
                row.value = json; try await row.save(on: db)
            } else {
                let row = AssessmentSetting(); row.key = settingsKey; row.value = json; try await row.create(on: db)
            }
            await req.audit(action, entity: "assessment_settings", id: settingsKey, detail: json, on: db)
        }
    }

    /// Decodes a framework sent as JSON (API body or an uploaded config file) with a clear error for bad JSON.
    static func decode(_ req: Request, _ data: Data, field: String) throws -> IndicatorFramework {
        do { return try JSONDecoder().decode(IndicatorFramework.self, from: data) } catch let DecodingError.dataCorrupted(c) {
            throw FieldErrors([field: req.t("不是有效的 JSON：\(c.debugDescription)", "Not valid JSON: \(c.debugDescription)")])
        } catch let DecodingError.keyNotFound(k, c) {
            throw FieldErrors([(c.codingPath.map(\.stringValue) + [k.stringValue]).joined(separator: "."): req.t("缺少此项", "Missing")])
        } catch let DecodingError.typeMismatch(_, c) {
            throw FieldErrors([c.codingPath.map(\.stringValue).joined(separator: "."): req.t("类型不对", "Wrong type")])
        } catch let DecodingError.valueNotFound(_, c) {
            throw FieldErrors([c.codingPath.map(\.stringValue).joined(separator: "."): req.t("不能为空", "Must not be null")])
        } catch {
            throw FieldErrors([field: req.t("无法读取配置：\(error)", "Cannot read the configuration: \(error)")])
        }
    }

    // MARK: measuring

    /// Patrol dosage (巡逻投放) by community over months `first`…`last`: patrol minutes (a log's start–end; a night
    /// patrol past midnight counts to its end) and the part in hot grids (time split evenly over a log's grids).
    /// Hot grids are the top `hotGridShare` of the district's grids by preventable cases over the
    /// `hotGridMonths` months before `first` — recent counts as the forecast of where cases will be.
    static func patrolDosage(_ db: any Database, calendar cal: LocalCalendar, first: YearMonth, last: YearMonth, framework fw: IndicatorFramework)
        async throws -> (minutes: [Int: Double], hotMinutes: [Int: Double], hotGrids: Int, anyPatrol: Bool) {
        let sql = db as! any SQLDatabase
        let before = cal.monthRange(first.adding(months: -fw.hotGridMonths)).lowerBound ..< cal.monthRange(first).lowerBound
        struct G: Decodable { var grid_id: Int?; var n: Int }
        var counts: [Int: Int] = [:]
        // unscoped: indicators are computed for every station: the publication ranks them all
        for r in try await sql.select().column("grid_id").column(SQLFunction("COUNT", args: SQLLiteral.all), as: "n").from("incidents")
            .where("preventable", .equal, true).where("grid_id", .isNot, SQLLiteral.null)
            .where(SQLColumn("occurred_at"), .greaterThanOrEqual, SQLBind(before.lowerBound)).where(SQLColumn("occurred_at"), .lessThan, SQLBind(before.upperBound))
            .groupBy("grid_id").all(decoding: G.self) { if let g = r.grid_id { counts[g] = r.n } }
        struct N: Decodable { var n: Int }
        let grids = try await sql.select().column(SQLFunction("COUNT", args: SQLLiteral.all), as: "n").from("divisions")
            .where("level", .equal, DivisionLevel.grid.rawValue).first(decoding: N.self)?.n ?? 0
        let hot = HotGrids.select(counts: counts, gridCount: grids, share: fw.hotGridShare)
        struct L { var community_id: Int; var start_minute: Int; var end_minute: Int; var grid_ids: String }
        var minutes: [Int: Double] = [:], hotMinutes: [Int: Double] = [:]
        var any = false
        // unscoped: indicators are computed for every station
        for row in try await sql.select().column("community_id").column("start_minute").column("end_minute").column("grid_ids").from("patrol_logs")
            .where("day", .greaterThanOrEqual, SQLBind("\(first)-01")).where("day", .lessThan, SQLBind("\(last.next)-01")).all() {
            let l = L(community_id: try row.decode(column: "community_id", as: Int.self), start_minute: try row.decode(column: "start_minute", as: Int.self),
                      end_minute: try row.decode(column: "end_minute", as: Int.self), grid_ids: try row.decode(column: "grid_ids", as: String.self))
            any = true
            var m = Double(l.end_minute - l.start_minute)
            if m <= 0 { m += 24 * 60 }
            minutes[l.community_id, default: 0] += m
            let ids = PatrolModels.ids(l.grid_ids)
            if !ids.isEmpty { hotMinutes[l.community_id, default: 0] += m * Double(ids.filter { hot.contains($0) }.count) / Double(ids.count) }
        }
        return (minutes, hotMinutes, hot.count, any)
    }

    struct Scored {
        var framework: IndicatorFramework
        var units: [IndicatorUnitScore]
        /// The composite index's station rows of the month (for the columns the publication shows alongside).
        var index: [String: IndexUnitResult]
        var cases: (now: [String: Int], previous: [String: Int], lastYear: [String: Int])
        var mediation: (agreed: [String: Int], closed: [String: Int])
        var staffing: [String: (officers: StaffingFigure, offices: StaffingFigure)]
        /// Whether those figures are the month's snapshot or today's.
        var staffingBasis: StaffingBasis
        var population: [String: Int]
        /// How many grids counted as hot for the patrol-time indicator.
        var hotGrids: Int
    }

    /// Officers and offices in place vs required, by station id.
    typealias StationStaffing = [String: (officers: StaffingFigure, offices: StaffingFigure)]

    static func score(_ req: Request, month: YearMonth, framework chosen: IndicatorFramework? = nil, units given: AnalysisUnits? = nil,
                      staffing givenHistory: StaffingSnapshots.History? = nil) async throws -> Scored {
        let fw: IndicatorFramework
        if let chosen { fw = chosen } else { fw = try await framework(req.db) }
        let all: AnalysisUnits
        if let given { all = given } else { all = try await AnalysisData.units(req.db, scope: .everything) }
        let cal = LocalCalendar(timeZoneIdentifier: req.config.timeZone)
        let sql = req.db as! any SQLDatabase
        let range = cal.monthRange(month)
        let now = Date()
        let stationOf = Dictionary(uniqueKeysWithValues: all.communities.map { (Int($0.id)!, $0.stationID) })
        let active = Set(fw.active.map(\.metric))
        var stationOrder: [String] = [], stationName: [String: String] = [:]
        for c in all.communities where stationName[c.stationID] == nil { stationOrder.append(c.stationID); stationName[c.stationID] = c.stationName }
        func byStation(_ m: [Int: Int]) -> [String: Int] {
            var out: [String: Int] = [:]
            for (c, n) in m { if let s = stationOf[c] { out[s, default: 0] += n } }
            return out
        }

        // Preventable cases (可防性案件) by station: this month, last month, same month last year.
        let casesNow = byStation(try await AnalysisData.countsByCommunity(req.db, range: range, units: all, preventableOnly: true))
        let casesPrev = byStation(try await AnalysisData.countsByCommunity(req.db, range: cal.monthRange(month.previous), units: all, preventableOnly: true))
        let casesLY = byStation(try await AnalysisData.countsByCommunity(req.db, range: cal.monthRange(month.sameMonthLastYear), units: all, preventableOnly: true))

        // Population.
        struct P: Decodable { var id: Int; var resident_population: Int }
        var population: [String: Int] = [:]
        for r in try await sql.select().column("id").column("resident_population").from("divisions").where("level", .equal, DivisionLevel.community.rawValue)
            .all(decoding: P.self) { if let s = stationOf[r.id] { population[s, default: 0] += max(0, r.resident_population) } }

        // The composite index of the month (clearance shrunk, perception, composite).
        let (report, _) = try await IndexService.districtReport(req.db, timeZone: req.config.timeZone, IndexParams(month: month, months: 1, level: .station), units: all)
        let index = Dictionary(uniqueKeysWithValues: report.units.map { ($0.id, $0) })

        // 调解成功率: closed this month with an agreement ÷ closed with agreement or failure (withdrawals excluded).
        struct D: Decodable { var community_id: Int; var outcome: String?; var n: Int }
        var agreed: [String: Int] = [:], closed: [String: Int] = [:]
        // unscoped: indicators are computed for every station
        for d in try await sql.select().column("community_id").column("outcome").column(SQLFunction("COUNT", args: SQLLiteral.all), as: "n")
            .from("disputes").where(SQLColumn("closed_at"), .greaterThanOrEqual, SQLBind(range.lowerBound)).where(SQLColumn("closed_at"), .lessThan, SQLBind(range.upperBound))
            .groupBy("community_id").groupBy("outcome").all(decoding: D.self) {
            guard let s = stationOf[d.community_id], let o = d.outcome, o != DisputeOutcome.withdrawn.rawValue else { continue }
            closed[s, default: 0] += d.n
            if o == DisputeOutcome.agreement.rawValue { agreed[s, default: 0] += d.n }
        }

        let history: StaffingSnapshots.History
        if let givenHistory { history = givenHistory } else { history = try await StaffingSnapshots.history(req, units: all) }
        let (staffing, staffingBasis) = try await history.staffing(for: month)

        // Patrols done vs planned: plans dated in the month up to today; done = a patrol log was filed against it.
        let firstDay = "\(month)-01", nextFirst = "\(month.next)-01", today = cal.formatDate(now)
        var planned: [String: Int] = [:], done: [String: Int] = [:]
        if active.contains(.patrolsDone) {
            struct PL: Decodable { var community_id: Int; var n: Int; var done: Int }
            // unscoped: indicators are computed for every station
            for r in try await sql.select().column(SQLColumn("community_id", table: "p")).column(SQLFunction("COUNT", args: SQLLiteral.all), as: "n")
                .column(SQLRaw("SUM(CASE WHEN EXISTS (SELECT 1 FROM patrol_logs l WHERE l.plan_id = p.id) THEN 1 ELSE 0 END)"), as: "done")
                .from(SQLAlias(SQLIdentifier("patrol_plans"), as: SQLIdentifier("p")))
                .where(SQLColumn("day", table: "p"), .greaterThanOrEqual, SQLBind(firstDay)).where(SQLColumn("day", table: "p"), .lessThan, SQLBind(nextFirst))
                .where(SQLColumn("day", table: "p"), .lessThanOrEqual, SQLBind(today))
                .where(SQLColumn("cancelled_at", table: "p"), .is, SQLLiteral.null)   // a cancelled plan is not planned
                .groupBy(SQLColumn("community_id", table: "p")).all(decoding: PL.self) {
                if let s = stationOf[r.community_id] { planned[s, default: 0] += r.n; done[s, default: 0] += r.done }
            }
        }

        // Patrol time in hot grids: the top share of grids by preventable cases in the months before.
        var patrolMinutes: [String: Double] = [:], hotMinutes: [String: Double] = [:]
        var hotGridCount = 0
        if active.contains(.hotGridPatrolShare) {
            let d = try await patrolDosage(req.db, calendar: cal, first: month, last: month, framework: fw)
            hotGridCount = d.hotGrids
            for (c, m) in d.minutes { if let s = stationOf[c] { patrolMinutes[s, default: 0] += m } }
            for (c, m) in d.hotMinutes { if let s = stationOf[c] { hotMinutes[s, default: 0] += m } }
        }

        // Portal requests due in the month (up to now), first answered by their due time.
        var due: [String: Int] = [:], onTime: [String: Int] = [:]
        if active.contains(.portalAnsweredInTime) {
            struct R: Decodable { var community_id: Int; var n: Int; var ok: Int }
            let upper = min(range.upperBound, now)
            if range.lowerBound < upper {
                // unscoped: indicators are computed for every station
                for r in try await sql.select().column("community_id").column(SQLFunction("COUNT", args: SQLLiteral.all), as: "n")
                    .column(SQLRaw("SUM(CASE WHEN first_response_at IS NOT NULL AND first_response_at <= due_at THEN 1 ELSE 0 END)"), as: "ok")
                    .from("portal_requests").where(SQLColumn("due_at"), .greaterThanOrEqual, SQLBind(range.lowerBound)).where(SQLColumn("due_at"), .lessThan, SQLBind(upper))
                    .groupBy("community_id").all(decoding: R.self) {
                    if let s = stationOf[r.community_id] { due[s, default: 0] += r.n; onTime[s, default: 0] += r.ok }
                }
            }
        }

        // Ledgers complete: the month's 四查 record of each active cadre says its records are complete.
        var cadres: [String: Int] = [:], complete: [String: Int] = [:]
        if active.contains(.ledgersComplete) {
            struct C: Decodable { var id: Int; var community_id: Int }
            var cadreStation: [Int: String] = [:]
            // unscoped: indicators are computed for every station
            for c in try await sql.select().column("id").column("community_id").from("cadres").where("active", .equal, true).all(decoding: C.self) {
                if let s = stationOf[c.community_id] { cadreStation[c.id] = s; cadres[s, default: 0] += 1 }
            }
            struct F: Decodable { var cadre_id: Int }
            // unscoped: indicators are computed for every station
            for f in try await sql.select().column("cadre_id").from("four_checks").where("month", .equal, month.description)
                .where("records_complete", .equal, true).all(decoding: F.self) {
                if let s = cadreStation[f.cadre_id] { complete[s, default: 0] += 1 }
            }
        }

        // The grid-event loop: the evaluation's own definitions, each event counted to its community's station.
        var events: [String: GridEventEvaluationRow] = [:]
        if !active.isDisjoint(with: [.gridEventsOnTime, .gridEventsClosed, .gridEventsRework]) {
            let (_, working) = try await req.gridEventCalendar()
            // unscoped: indicators are computed for every station
            let facts = try await GridEventEvaluationPage.facts(req.db, range, calendar: working, restrict: { _ in }, area: { c, _ in stationOf[c] })
            for r in GridEventEvaluation.table(facts, month: month, by: .grid, rankedBy: .onTimeRate, asOf: now, calendar: cal).rows { events[r.key] = r }
        }

        func change(_ now: Int, _ before: Int) -> IndicatorValue {
            IndicatorValue(before > 0 ? Double(now - before) / Double(before) : nil, numerator: Double(now), denominator: Double(before))
        }
        let inputs: [IndicatorUnitInput] = stationOrder.filter { $0 != PreventableTable.unassignedStationID }.map { s in
            var v: [IndicatorMetric: IndicatorValue] = [:]
            if let st = staffing[s] {
                v[.officersInPlace] = .share(st.officers.inPlace, of: st.officers.required)
                v[.officesSetUp] = .share(st.offices.inPlace, of: st.offices.required)
            }
            v[.patrolsDone] = .share(done[s] ?? 0, of: planned[s] ?? 0)
            let pm = patrolMinutes[s] ?? 0
            // No patrol time at all is 0 % in hot grids (not "no data"): a station must not gain by not patrolling.
            v[.hotGridPatrolShare] = IndicatorValue(pm > 0 ? (hotMinutes[s] ?? 0) / pm : (hotGridCount > 0 ? 0 : nil), numerator: (hotMinutes[s] ?? 0) / 60, denominator: pm / 60)
            v[.portalAnsweredInTime] = .share(onTime[s] ?? 0, of: due[s] ?? 0)
            v[.ledgersComplete] = .share(complete[s] ?? 0, of: cadres[s] ?? 0)
            let pop = population[s] ?? 0
            v[.preventablePer10k] = IndicatorValue(pop > 0 ? Double(casesNow[s] ?? 0) / Double(pop) * 10_000 : nil, numerator: Double(casesNow[s] ?? 0), denominator: Double(pop))
            v[.preventableChange] = change(casesNow[s] ?? 0, casesPrev[s] ?? 0)
            v[.preventableChangeYoY] = change(casesNow[s] ?? 0, casesLY[s] ?? 0)
            if let u = index[s] {
                v[.clearance] = IndicatorValue(u.clearanceShrunk, numerator: Double(u.solved), denominator: Double(u.filed))
                v[.perception] = IndicatorValue(u.perception, numerator: Double(u.satisfied), denominator: Double(u.respondents))
                v[.compositeIndex] = IndicatorValue(u.composite)
            }
            v[.mediationSuccess] = .share(agreed[s] ?? 0, of: closed[s] ?? 0)
            let ev = events[s] ?? GridEventEvaluationRow(key: s)
            v[.gridEventsOnTime] = .share(ev.handledOnTime, of: ev.due)
            v[.gridEventsClosed] = .share(ev.closed, of: ev.registered)
            v[.gridEventsRework] = .share(ev.reworked, of: ev.handled)
            return IndicatorUnitInput(id: s, name: stationName[s] ?? s, values: v)
        }
        return Scored(framework: fw, units: IndicatorScoring.evaluate(fw, inputs), index: index,
                      cases: (casesNow, casesPrev, casesLY), mediation: (agreed, closed), staffing: staffing, staffingBasis: staffingBasis, population: population, hotGrids: hotGridCount)
    }
}
