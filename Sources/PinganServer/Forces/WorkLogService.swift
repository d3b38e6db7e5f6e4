import Fluent
import SQLKit
import Vapor
import PinganKit

struct WorkLogDTO: Content {
    var id: Int
    var officerID: Int
    var officerName: String
    var day: String
    var communityID: Int?
    var communityName: String?
    var kind: WorkKind
    var kindName: String
    var note: String
}

/// What a user submits for a work-log entry (form or JSON; numbers may arrive as text).
struct WorkLogInput: Content {
    var officerID: String?
    var day: String?
    var communityID: String?
    var kind: String?
    var note: String?

    init() {}
    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: AnyKey.self)
        officerID = c.loose(AnyKey("officerID")); day = c.loose(AnyKey("day")); communityID = c.loose(AnyKey("communityID"))
        kind = c.loose(AnyKey("kind")); note = c.loose(AnyKey("note"))
    }

    /// Validates into a new record; every problem is a field message.
    /// A community officer writes only their own log; others (station chief, admin) pick an officer in scope.
    func record(_ req: Request, today: LocalDay) async throws -> WorkLog {
        let L = req.lang
        var e = FieldErrors()
        let me = try req.user
        let scope = try await req.scope()
        var officer: User? = nil
        if me.role == .communityOfficer {
            if let raw = officerID?.nilIfEmpty, Int(raw) != me.id { e["officerID"] = L.t("只能填写本人的工作纪实", "You can only log your own work") }
            officer = me
        } else if let raw = officerID?.nilIfEmpty {
            if let id = Int(raw), let u = try await User.find(id, on: req.db), u.role == .communityOfficer, let cid = u.scopeDivisionID,
               scope.allowsWholeCommunity(cid) { officer = u }
            else { e["officerID"] = L.t("辖区内没有该社区民警", "No such community officer in your jurisdiction") }
        } else { e["officerID"] = L.t("请选择民警", "Choose the officer") }
        if let o = officer, o.scopeDivisionID == nil { e["officerID"] = L.t("该民警未分配社区", "This officer has no community"); officer = nil }

        var day: LocalDay? = nil
        if let raw = self.day?.nilIfEmpty {
            if let d = LocalDay(raw) {
                if d > today { e["day"] = L.t("日期不能晚于今天", "The date cannot be in the future") }
                else if d < LocalDay(year: 2000, month: 1, day: 1)! { e["day"] = L.t("日期太早", "The date is too early") }
                else { day = d }
            } else { e["day"] = L.t("日期格式应为 2026-03-05", "Use a date like 2026-03-05") }
        } else { e["day"] = L.t("请填写日期", "Enter the date") }

        var community: Int? = nil
        if let raw = communityID?.nilIfEmpty {
            if let id = Int(raw), let d = try await Division.find(id, on: req.db), d.level == .community, scope.allowsWholeCommunity(id) { community = id }
            else { e["communityID"] = L.t("辖区内没有该社区", "No such community in your jurisdiction") }
        }
        var kind: WorkKind? = nil
        if let raw = self.kind?.nilIfEmpty { kind = WorkKind(rawValue: raw); if kind == nil { e["kind"] = L.t("工作类别无效", "Unknown kind of work") } }
        else { e["kind"] = L.t("请选择工作类别", "Choose the kind of work") }
        let note = (self.note ?? "").trimmed
        if note.count > 1000 { e["note"] = L.t("内容不能超过1000字", "At most 1000 characters") }
        guard e.isEmpty, let officer, let day, let kind else { throw e.isEmpty ? FieldErrors(["officerID": "invalid"]) : e }
        let w = WorkLog()
        w.officerID = officer.id!; w.homeCommunityID = officer.scopeDivisionID!; w.day = day.description
        w.communityID = community; w.kind = kind; w.note = note; w.createdByID = try me.requireID()
        return w
    }
}

/// Filters of the work log, shared by the page, the API and the CSV.
struct WorkLogFilter {
    var officer: Int?
    var community: Int?
    var kind: WorkKind?
    var from: LocalDay?
    var to: LocalDay?

    init(_ req: Request, errors e: inout FieldErrors) {
        let L = req.lang
        if let raw = req.query[String.self, at: "officer"]?.nilIfEmpty { officer = Int(raw); if officer == nil { e["officer"] = L.t("民警无效", "Unknown officer") } }
        if let raw = req.query[String.self, at: "community"]?.nilIfEmpty { community = Int(raw); if community == nil { e["community"] = L.t("社区无效", "Unknown community") } }
        if let raw = req.query[String.self, at: "kind"]?.nilIfEmpty { kind = WorkKind(rawValue: raw); if kind == nil { e["kind"] = L.t("工作类别无效", "Unknown kind of work") } }
        if let raw = req.query[String.self, at: "from"]?.nilIfEmpty { from = LocalDay(raw); if from == nil { e["from"] = L.t("起始日期格式应为 2026-03-05", "From: use a date like 2026-03-05") } }
        if let raw = req.query[String.self, at: "to"]?.nilIfEmpty { to = LocalDay(raw); if to == nil { e["to"] = L.t("截止日期格式应为 2026-03-05", "To: use a date like 2026-03-05") } }
    }

    func query(_ req: Request) async throws -> QueryBuilder<WorkLog> {
        let scope = try await req.scope()
        let q = scope.restrict(WorkLog.query(on: req.db))
        if let officer { q.filter(\.$officerID == officer) }
        if let community { q.filter(\.$communityID == community) }
        if let kind { q.filter(\.$kind == kind) }
        if let from { q.filter(\.$day >= from.description) }
        if let to { q.filter(\.$day <= to.description) }
        return q.sort(\.$day, .descending).sort(\.$id, .descending)
    }

    /// The same filter on an SQLKit read of `work_logs` (the export reads tens of thousands of rows).
    func apply(_ q: SQLSelectBuilder) {
        if let officer { q.where("officer_id", .equal, SQLBind(officer)) }
        if let community { q.where("community_id", .equal, SQLBind(community)) }
        if let kind { q.where("kind", .equal, SQLBind(kind.rawValue)) }
        if let from { q.where("day", .greaterThanOrEqual, SQLBind(from.description)) }
        if let to { q.where("day", .lessThanOrEqual, SQLBind(to.description)) }
        q.orderBy("day", .descending).orderBy("id", .descending)
    }
}

enum WorkLogService {
    static func today(_ req: Request) -> LocalDay { LocalDay(Date(), in: LocalCalendar(timeZoneIdentifier: req.config.timeZone)) }

    /// The last day of the last week that has ended: a week still running (or to come) is shown but not flagged.
    static func lastJudgedDay(_ req: Request) -> LocalDay { today(req).isoWeek.monday.adding(days: -1) }

    static func create(_ req: Request, _ input: WorkLogInput) async throws -> WorkLog {
        try req.require(.editWorkLog)
        let w = try await input.record(req, today: today(req))
        try await req.db.transaction { db in
            try await w.create(on: db)
            await req.audit("worklog.create", entity: "work_log", id: w.id.map(String.init), detail: "\(w.kind.rawValue) \(w.day) officer=\(w.officerID)", on: db)
        }
        return w
    }

    static func dtos(_ req: Request, _ rows: [WorkLog]) async throws -> [WorkLogDTO] {
        let officerIDs = Array(Set(rows.map(\.officerID)))
        let names = officerIDs.isEmpty ? [:] : Dictionary(uniqueKeysWithValues: try await User.query(on: req.db).filter(\.$id ~~ officerIDs).all().map { ($0.id!, $0.displayName) })
        let places = try await DivisionLookup.names(rows.compactMap(\.communityID), on: req.db)
        let L = req.lang
        return rows.map { w in
            WorkLogDTO(id: w.id!, officerID: w.officerID, officerName: names[w.officerID] ?? "", day: w.day, communityID: w.communityID,
                       communityName: w.communityID.flatMap { places[$0] }, kind: w.kind, kindName: L.t(w.kind.nameZh, w.kind.rawValue), note: w.note)
        }
    }

    static func csv(_ req: Request, _ filter: WorkLogFilter) async throws -> Response {
        try req.require(.viewForces)
        let L = req.lang
        var w = CSVWriter(header: L.isEnglish ? ["Id", "Date", "Officer", "Community", "Kind", "Note"] : ["编号", "日期", "民警", "工作地点", "类别", "内容"])
        // Plain rows instead of models: Fluent's per-row cost made 26,000 demo rows take 0.55 s (release build).
        struct Row: Decodable { var id: Int; var officer_id: Int; var day: String; var community_id: Int?; var kind: String; var note: String }
        let q = (req.db as! any SQLDatabase).select().columns("id", "officer_id", "day", "community_id", "kind", "note").from(WorkLog.schema)
        try await req.scope().restrict(q, community: SQLIdentifier("home_community_id"), grid: nil)
        filter.apply(q)
        let rows = try await q.limit(100_000).all(decoding: Row.self)
        let officerIDs = Array(Set(rows.map(\.officer_id)))
        let names = officerIDs.isEmpty ? [:] : Dictionary(uniqueKeysWithValues: try await User.query(on: req.db).filter(\.$id ~~ officerIDs).all().map { ($0.id!, $0.displayName) })
        let places = try await DivisionLookup.names(Array(Set(rows.compactMap(\.community_id))), on: req.db)
        let kinds = Dictionary(uniqueKeysWithValues: WorkKind.allCases.map { ($0.rawValue, L.t($0.nameZh, $0.rawValue)) })
        for r in rows {
            w.append(["\(r.id)", r.day, names[r.officer_id] ?? "", r.community_id.flatMap { places[$0] } ?? L.t("所内/其他", "Station / other"), kinds[r.kind] ?? r.kind, r.note])
        }
        await req.audit("worklog.export", entity: "work_log", detail: req.url.query ?? "")
        return CSVResponse.make(filename: "worklog.csv", writer: w)
    }

    static func entries(_ rows: [WorkLog]) -> [WorkLogEntry] {
        rows.compactMap { w in LocalDay(w.day).map { WorkLogEntry(officerID: "\(w.officerID)", date: $0, communityCode: w.communityID.map { "\($0)" }, kind: w.kind) } }
    }

    // MARK: presence (驻社区天数)

    struct PresenceRow: Content {
        var officer: OfficerDTO
        var weeks: [WeekPresence]
        var weeksFlagged: Int
    }

    struct PresenceTable: Content {
        var from: String
        var to: String
        /// Weeks are judged once they have ended: flags count only weeks whose Sunday is on or before this day.
        var judgedThrough: String
        var minimumDaysPerWeek: Int
        var officers: [PresenceRow]
        var flagged: Int
    }

    /// Every officer in scope × every ISO week touching the period. A day counts when the officer logged
    /// work in their own community (seed 001: at least 3 days a week); weeks without entries count as 0.
    static func presence(_ req: Request, from: LocalDay, to: LocalDay) async throws -> PresenceTable {
        let officers = try await StaffingService.officers(req)
        let weeks = ISOWeek.touching(from...to)
        let start = weeks.first?.monday ?? from, end = weeks.last?.sunday ?? to
        let ids = officers.map(\.id)
        // Presence needs only distinct (officer, day, community): one light SQL read instead of every entry
        // as a model (a district's officers write tens of thousands of entries in a quarter).
        var entries: [WorkLogEntry] = []
        if !ids.isEmpty {
            let sql = req.db as! any SQLDatabase
            // unscoped: officers already narrowed to the scope above
            let rows = try await sql.select().distinct().column("officer_id").column("day").column("community_id").from("work_logs")
                .where("officer_id", .in, ids).where("day", .greaterThanOrEqual, start.description).where("day", .lessThanOrEqual, end.description)
                .where("community_id", .isNot, SQLLiteral.null).all()
            entries.reserveCapacity(rows.count)
            for r in rows {
                guard let d = LocalDay(try r.decode(column: "day", as: String.self)) else { continue }
                entries.append(WorkLogEntry(officerID: String(try r.decode(column: "officer_id", as: Int.self)), date: d,
                                            communityCode: String(try r.decode(column: "community_id", as: Int.self)), kind: .visit))
            }
        }
        let assignments = Dictionary(uniqueKeysWithValues: officers.map { ("\($0.id)", Set(["\($0.communityID)"])) })
        let table = Presence.table(entries, assignments: assignments, period: start...end)
        let byID = Dictionary(uniqueKeysWithValues: table.map { ($0.officerID, $0) })
        let judged = lastJudgedDay(req)
        let out = officers.map { o in
            let weeks = byID["\(o.id)"]?.weeks ?? []
            return PresenceRow(officer: o, weeks: weeks, weeksFlagged: weeks.filter { $0.flagged && $0.week.sunday <= judged }.count)
        }
        return PresenceTable(from: from.description, to: to.description, judgedThrough: judged.description, minimumDaysPerWeek: PresenceRules().minimumDaysPerWeek,
                             officers: out, flagged: out.reduce(0) { $0 + $1.weeksFlagged })
    }

    static func period(_ req: Request, errors e: inout FieldErrors) -> (LocalDay, LocalDay) {
        let today = today(req)
        var to = today, from = today.isoWeek.monday.adding(days: -7 * 7)
        if let raw = req.query[String.self, at: "to"]?.nilIfEmpty { if let d = LocalDay(raw) { to = d } else { e["to"] = req.t("截止日期格式应为 2026-03-05", "To: use a date like 2026-03-05") } }
        if let raw = req.query[String.self, at: "from"]?.nilIfEmpty { if let d = LocalDay(raw) { from = d } else { e["from"] = req.t("起始日期格式应为 2026-03-05", "From: use a date like 2026-03-05") } }
        if from > to { e["from"] = req.t("起始日期不能晚于截止日期", "From must not be after to"); from = to }
        if from.days(until: to) > 366 { e["from"] = req.t("一次最多统计一年", "At most one year at a time"); from = to.adding(days: -366) }
        return (from, to)
    }

    // MARK: monthly report (工作月报)

    struct MonthlyReportBody: Content {
        var officer: OfficerDTO
        var report: MonthlyWorkReport
        /// Weeks of the report that have ended, and those of them under the requirement.
        var weeksJudged: Int
        var weeksFlagged: Int
        var judgedThrough: String
        var entries: [WorkLogDTO]
    }

    static func monthlyReport(_ req: Request, officer: User, month: YearMonth) async throws -> MonthlyReportBody {
        guard let dto = try await StaffingService.dtos(req, [officer]).first else { throw Abort(.notFound) }
        let first = LocalDay.firstDay(of: month), last = LocalDay.lastDay(of: month)
        // The reported weeks (Thursday rule) may reach a few days into the neighbouring months.
        let rows = try await req.scoped(WorkLog.self).filter(\.$officerID == officer.id!)
            .filter(\.$day >= first.adding(days: -7).description).filter(\.$day <= last.adding(days: 7).description)
            .sort(\.$day).sort(\.$id).all()
        let report = Presence.monthlyReport(entries(rows), officerID: "\(officer.id!)", month: month, communities: ["\(dto.communityID)"])
        let inMonth = rows.filter { $0.day >= first.description && $0.day <= last.description }
        let judged = lastJudgedDay(req)
        let ended = report.weeks.filter { $0.week.sunday <= judged }
        return MonthlyReportBody(officer: dto, report: report, weeksJudged: ended.count, weeksFlagged: ended.filter(\.flagged).count,
                                 judgedThrough: judged.description, entries: try await dtos(req, inMonth))
    }

    static func month(_ req: Request, errors e: inout FieldErrors) -> YearMonth {
        let current = today(req).yearMonth
        guard let raw = req.query[String.self, at: "month"]?.nilIfEmpty else { return current }
        if let m = YearMonth(raw) { return m }
        e["month"] = req.t("月份格式应为 2026-03", "Use a month like 2026-03")
        return current
    }
}
