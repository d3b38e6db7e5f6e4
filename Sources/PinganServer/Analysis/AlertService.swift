import Fluent
import SQLKit
import Vapor
import PinganKit

struct AlertDTO: Content {
    var id: Int
    var unitKind: WarningUnitKind
    var unitID: Int
    var unitName: String
    var communityID: Int?
    var stationID: Int?
    var period: WarningPeriod
    var periodLabel: String
    var rule: String
    var comparison: String?
    var observed: Int
    var baseline: Double
    var z: Double?
    var change: Double?
    var reason: String
    var status: AlertStatus
    var assigneeID: Int?
    var createdAt: Date?
}

struct AlertEventDTO: Content {
    var action: String
    var userID: Int?
    var assigneeID: Int?
    var note: String
    var at: Date
}

extension WarningAlertRecord {
    func toDTO(_ L: Lang) -> AlertDTO {
        AlertDTO(id: id ?? 0, unitKind: unitKind, unitID: unitID, unitName: unitName, communityID: communityID, stationID: stationID,
                 period: period, periodLabel: periodLabel, rule: rule, comparison: comparison.isEmpty ? nil : comparison, observed: observed,
                 baseline: baseline, z: z, change: change, reason: L.t(reasonZh, reasonEn), status: status, assigneeID: assigneeID, createdAt: createdAt)
    }
}

/// Filters of the alert list, read alike by the page, the API and the CSV.
struct AlertFilter: Sendable {
    var status: AlertStatus?
    var period: WarningPeriod?
    var unitKind: WarningUnitKind?
    var rule: String?
    var mine = false
    /// Only alerts still current: not closed, of the period in progress or the one just ended (`DeskRules`).
    var current = false

    init() {}
    init(_ req: Request, errors e: inout FieldErrors) {
        let L = req.lang
        if let s = req.query[String.self, at: "status"]?.nilIfEmpty { status = AlertStatus(rawValue: s); if status == nil { e["status"] = L.t("状态无效", "Unknown status") } }
        if let s = req.query[String.self, at: "period"]?.nilIfEmpty { period = WarningPeriod(rawValue: s); if period == nil { e["period"] = L.t("周期应为 week 或 month", "Use week or month") } }
        if let s = req.query[String.self, at: "unit"]?.nilIfEmpty { unitKind = WarningUnitKind(rawValue: s); if unitKind == nil { e["unit"] = L.t("单位应为 community 或 station", "Use community or station") } }
        if let s = req.query[String.self, at: "rule"]?.nilIfEmpty {
            if ["poisson", "increase"].contains(s) { rule = s } else { e["rule"] = L.t("规则应为 poisson 或 increase", "Use poisson or increase") }
        }
        mine = ["1", "true"].contains(req.query[String.self, at: "mine"] ?? "")
        current = ["1", "true"].contains(req.query[String.self, at: "current"] ?? "")
    }

    init(_ req: Request) throws {
        var e = FieldErrors()
        self.init(req, errors: &e)
        guard e.isEmpty else { throw e }
    }
}

enum AlertService {
    /// Stations whose alerts a scope may see: those covering any community in it.
    static func visibleStations(_ db: any Database, _ scope: Scope) async throws -> [Int]? {
        guard !scope.reachesAllCommunities else { return nil }
        return Array(Set(try await scope.restrictCommunities(Division.query(on: db).filter(\.$level == .community)).all().compactMap(\.stationID)))
    }

    static func isVisible(_ a: WarningAlertRecord, scope: Scope, stations: [Int]?) -> Bool {
        guard !scope.reachesAllCommunities else { return true }
        switch a.unitKind {
        case .community: return a.communityID.map { scope.touches(community: $0) } ?? false
        case .station: return a.stationID.map { (stations ?? []).contains($0) } ?? false
        }
    }

    static func query(_ req: Request, _ f: AlertFilter) async throws -> QueryBuilder<WarningAlertRecord> {
        let scope = try await req.scope()
        let q = WarningAlertRecord.query(on: req.db)
        if let stations = try await visibleStations(req.db, scope) {
            q.group(.or) { g in
                g.group(.and) { scope.restrictCommunities($0.filter(\.$unitKind == .community), by: \.$communityID) }
                g.group(.and) { $0.filter(\.$unitKind == .station).filter(\.$stationID ~~ stations) }
            }
        }
        if let s = f.status { q.filter(\.$status == s) }
        if let p = f.period { q.filter(\.$period == p) }
        if let u = f.unitKind { q.filter(\.$unitKind == u) }
        if let r = f.rule { q.filter(\.$rule == r) }
        if f.mine { let me = try req.user.requireID(); q.filter(\.$assigneeID == me) }
        if f.current {
            let cal = req.localCalendar, today = LocalDay(Date(), in: cal)
            func start(_ p: WarningPeriod) -> Date { cal.parseLocalDate(DeskRules.alertCutoff(p, today: today).description) ?? .distantFuture }
            q.filter(\.$status != .closed)
            q.group(.or) { g in
                g.group(.and) { $0.filter(\.$period == .month).filter(\.$periodStart >= start(.month)) }
                g.group(.and) { $0.filter(\.$period == .week).filter(\.$periodStart >= start(.week)) }
            }
        }
        return q.sort(\.$periodStart, .descending).sort(\.$id, .descending)
    }

    /// Out of scope is "not found", exactly like missing.
    static func scoped(_ req: Request, _ id: Int?) async throws -> WarningAlertRecord {
        let scope = try await req.scope()
        guard let id, let a = try await WarningAlertRecord.find(id, on: req.db),
              isVisible(a, scope: scope, stations: try await visibleStations(req.db, scope)) else { throw Abort(.notFound) }
        return a
    }

    static func events(_ db: any Database, _ a: WarningAlertRecord) async throws -> [WarningAlertEvent] {
        try await WarningAlertEvent.query(on: db).filter(\.$alertID == a.id!).sort(\.$at).sort(\.$id).all()
    }

    /// Open alerts of the user's scope for the dashboard notice (newest first).
    static func openForDashboard(_ req: Request, limit: Int = 5) async throws -> [WarningAlertRecord] {
        guard try req.user.role.can(.viewAnalysis) else { return [] }
        var f = FieldErrors()
        var filter = AlertFilter(req, errors: &f)
        filter.status = .open; filter.period = nil; filter.unitKind = nil; filter.rule = nil; filter.mine = false
        filter.current = true   // an alert of an earlier period is not this month's news
        return try await query(req, filter).limit(limit).all()
    }

    // MARK: handling

    struct ActionInput: Content {
        var action: String?
        var assigneeID: String?
        var note: String?
        init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: AnyKey.self)
            action = c.loose(AnyKey("action")); assigneeID = c.loose(AnyKey("assigneeID")); note = c.loose(AnyKey("note"))
        }
        init(action: String?, assigneeID: String?, note: String?) { self.action = action; self.assigneeID = assigneeID; self.note = note }
    }

    /// 签收 (acknowledge), 指派 (assign to a user who can see the alert), 办结 (close, with a note on
    /// what was done). Each step is stored on the alert's timeline and audited in the same transaction.
    static func act(_ req: Request, _ a: WarningAlertRecord, _ input: ActionInput) async throws {
        try req.require(.manageAlerts)
        let L = req.lang
        var e = FieldErrors()
        let note = (input.note ?? "").trimmed
        if note.count > 500 { e["note"] = L.t("不能超过500字", "At most 500 characters") }
        var assignee: User? = nil
        switch input.action?.nilIfEmpty ?? "" {
        case "acknowledge":
            if a.status != .open { e["action"] = L.t("只有待处置的预警可以签收", "Only open alerts can be acknowledged") }
        case "assign":
            if a.status == .closed { e["action"] = L.t("已办结的预警不能指派", "A closed alert cannot be assigned") }
            if let raw = input.assigneeID?.nilIfEmpty {
                if let uid = Int(raw), let u = try await User.find(uid, on: req.db), u.active, u.role.can(.viewAnalysis),
                   isVisible(a, scope: try await Scope.resolve(for: u, on: req.db), stations: try await visibleStations(req.db, try await Scope.resolve(for: u, on: req.db))) {
                    assignee = u
                } else { e["assigneeID"] = L.t("该用户不存在，或无权查看此预警", "No such user, or the user cannot see this alert") }
            } else { e["assigneeID"] = L.t("请选择指派对象", "Choose whom to assign") }
        case "close":
            if a.status == .closed { e["action"] = L.t("预警已办结", "The alert is already closed") }
            if note.isEmpty { e["note"] = L.t("办结须写明处置情况", "Say what was done") }
        case "": e["action"] = L.t("请选择操作", "Choose an action")
        default: e["action"] = L.t("操作应为 acknowledge、assign 或 close", "Use acknowledge, assign or close")
        }
        guard e.isEmpty, let action = input.action else { throw e }
        let uid = try req.user.requireID()
        switch action {
        case "acknowledge": a.status = .acknowledged
        case "assign": a.assigneeID = assignee?.id; if a.status == .open { a.status = .acknowledged }
        default: a.status = .closed
        }
        let assigneeID = assignee?.id
        try await req.db.transaction { db in
            try await a.save(on: db)
            try await WarningAlertEvent(alertID: a.id!, action: action, userID: uid, assigneeID: assigneeID, note: note).create(on: db)
            if action == "assign", let assigneeID { try await StaffNotices.alertAssigned(req, a, assignee: assigneeID, on: db) }
            await req.audit("alert.\(action)", entity: "alert", id: a.id.map(String.init), detail: assigneeID.map { "assignee=\($0)" } ?? "", on: db)
        }
    }

    /// Users an alert may be assigned to (same visibility rule as the list), for the form.
    static func assignees(_ req: Request, _ a: WarningAlertRecord) async throws -> [User] {
        var out: [User] = []
        for u in try await User.query(on: req.db).filter(\.$active == true).sort(\.$username).all() where u.role.can(.viewAnalysis) {
            let s = try await Scope.resolve(for: u, on: req.db)
            if isVisible(a, scope: s, stations: try await visibleStations(req.db, s)) { out.append(u) }
        }
        return out
    }
}

/// Runs `EarlyWarning.evaluate` over the ledger and stores new alerts. Idempotent: an alert whose
/// unit, period, rule and comparison already exist is left alone (its handling history stays).
enum AlertRecompute {
    struct Outcome: Content { var evaluatedUnits: Int; var created: Int; var existing: Int; var periods: [String] }

    /// Evaluates `month` (default: the last complete month) and the week starting `week` (default:
    /// the last complete week) for every community in `scope` and every station all of whose
    /// communities are in it.
    static func run(db: any Database, scope: Scope, calendar cal: LocalCalendar, month: YearMonth? = nil, week: Date? = nil,
                    config: EarlyWarningConfig = EarlyWarningConfig(), userID: Int?, now: Date = Date()) async throws -> Outcome {
        let units = try await AnalysisData.units(db, scope: scope)
        guard !units.isEmpty else { return Outcome(evaluatedUnits: 0, created: 0, existing: 0, periods: []) }
        let first = try await AnalysisData.firstIncident(db)
        // Stations evaluated: those whose every community is in the scope (a station total needs them all).
        var allOfStation: [Int: Set<Int>] = [:]
        for d in try await Division.query(on: db).filter(\.$level == .community).all() { if let s = d.stationID { allOfStation[s, default: []].insert(d.id!) } }
        let inScope = Set(units.communityIDs)
        let stations = units.stations.filter { allOfStation[$0.id]?.isSubset(of: inScope) ?? false }
        let communityStation = Dictionary(uniqueKeysWithValues: units.communities.map { (Int($0.id)!, Int($0.stationID)) })

        // Periods: up to 3 years + the period under test, never before the first full period of data.
        let m = month ?? cal.yearMonth(of: now).previous
        let monthStarts: [(String, Range<Date>)] = (0...36).reversed().map { k in let x = m.adding(months: -k); return ("\(x)", cal.monthRange(x)) }
        let w = AnalysisData.monday(of: week ?? cal.calendar.date(byAdding: .day, value: -7, to: now)!, cal)
        let weekStarts: [(String, Range<Date>)] = (0...156).reversed().map { k in
            let s = cal.calendar.date(byAdding: .day, value: -7 * k, to: w)!
            return (cal.formatDate(s), s ..< cal.calendar.date(byAdding: .day, value: 7, to: s)!)
        }
        var created = 0, existing = 0
        for (period, ranges) in [(WarningPeriod.month, monthStarts), (.week, weekStarts)] {
            let usable = ranges.filter { r in first.map { r.1.lowerBound >= $0 } ?? false }
            guard let last = usable.last, last.0 == ranges.last!.0 else { continue }
            var byCommunity: [Int: [Int]] = Dictionary(uniqueKeysWithValues: units.communityIDs.map { ($0, []) })
            for (_, r) in usable {
                let counts = try await AnalysisData.countsByCommunity(db, range: r, units: units, preventableOnly: true)
                for id in units.communityIDs { byCommunity[id]!.append(counts[id] ?? 0) }
            }
            let labels = usable.map(\.0)
            var series: [WarningSeries] = units.communities.map { c in
                WarningSeries(unitID: c.id, unitName: c.name, unitKind: .community, period: period, counts: byCommunity[Int(c.id)!]!, labels: labels)
            }
            for s in stations {
                var sum = [Int](repeating: 0, count: labels.count)
                for id in allOfStation[s.id]! { for (i, v) in (byCommunity[id] ?? []).enumerated() { sum[i] += v } }
                series.append(WarningSeries(unitID: String(s.id), unitName: s.name, unitKind: .station, period: period, counts: sum, labels: labels))
            }
            let alerts = EarlyWarning.evaluate(series, config: config)
            let start = last.1.lowerBound
            let (c, x) = try await db.transaction { tx -> (Int, Int) in
                var created = 0, existing = 0
                for a in alerts {
                    let unitID = Int(a.unitID)!
                    let comparison = a.comparison?.rawValue ?? ""
                    let label = a.periodLabel ?? last.0
                    if try await WarningAlertRecord.query(on: tx).filter(\.$unitKind == a.unitKind).filter(\.$unitID == unitID)
                        .filter(\.$period == period).filter(\.$periodLabel == label).filter(\.$rule == a.rule.rawValue)
                        .filter(\.$comparison == comparison).first() != nil { existing += 1; continue }
                    let r = WarningAlertRecord()
                    r.unitKind = a.unitKind; r.unitID = unitID; r.unitName = a.unitName
                    r.communityID = a.unitKind == .community ? unitID : nil
                    r.stationID = a.unitKind == .community ? communityStation[unitID] ?? nil : unitID
                    r.period = period; r.periodLabel = label; r.periodStart = start
                    r.rule = a.rule.rawValue; r.comparison = comparison
                    r.observed = a.observed; r.baseline = a.baseline; r.z = a.z; r.change = a.change
                    r.reasonZh = a.reasonZh; r.reasonEn = a.reasonEn; r.status = .open
                    try await r.create(on: tx)
                    try await WarningAlertEvent(alertID: r.id!, action: "created", userID: userID, note: "").create(on: tx)
                    created += 1
                }
                return (created, existing)
            }
            created += c; existing += x
        }
        return Outcome(evaluatedUnits: units.communities.count + stations.count, created: created, existing: existing,
                       periods: ["\(m)", cal.formatDate(w)])
    }
}
