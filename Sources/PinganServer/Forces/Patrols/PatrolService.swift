import Fluent
import Vapor
import PinganKit

struct GridRef: Content { var id: Int; var name: String }

struct PlanDTO: Content {
    var id: Int
    var teamID: Int
    var teamName: String
    var communityID: Int
    var communityName: String?
    var day: String
    var start: String
    var end: String
    var minutes: Int
    var mode: PatrolMode
    var modeName: String
    var grids: [GridRef]
    var note: String
    /// The shift roster (排班): members on this patrol.
    var members: [GridRef]
    /// Logs recorded against this plan.
    var logIDs: [Int]
    var done: Bool
    /// Called off (取消) with the reason; not counted as planned.
    var cancelledAt: Date?
    var cancelReason: String?
}

struct CheckInDTO: Content { var id: Int; var time: String; var gridID: Int?; var gridName: String?; var place: String }
struct FindingDTO: Content { var id: Int; var gridID: Int?; var gridName: String?; var description: String; var incidentID: Int?; var eventID: Int? }

struct LogDTO: Content {
    var id: Int
    var teamID: Int
    var teamName: String
    var communityID: Int
    var communityName: String?
    var planID: Int?
    var day: String
    var start: String
    var end: String
    var minutes: Int
    var mode: PatrolMode
    var modeName: String
    /// Declared grids and the grids of check-ins.
    var grids: [GridRef]
    var summary: String
    var checkIns: [CheckInDTO]
    var findings: [FindingDTO]
    var createdBy: String?
}

struct PatrolFilter {
    var team: Int?
    var from: LocalDay?
    var to: LocalDay?
    /// Plans not called off (the roster as it will run).
    var active = false

    init() {}
    init(_ req: Request, errors e: inout FieldErrors) {
        let L = req.lang
        if let raw = req.query[String.self, at: "team"]?.nilIfEmpty { team = Int(raw); if team == nil { e["team"] = L.t("队伍无效", "Unknown team") } }
        from = Check.day(req.query[String.self, at: "from"], "from", &e, L, required: false)
        to = Check.day(req.query[String.self, at: "to"], "to", &e, L, required: false)
        if let f = from, let t = to, f > t { e["to"] = L.t("结束日期不能早于开始日期", "The end is before the start") }
        active = ["1", "true"].contains(req.query[String.self, at: "active"] ?? "")
    }

    func plans(_ req: Request) async throws -> QueryBuilder<PatrolPlanRecord> {
        let scope = try await req.scope()
        let q = scope.restrict(PatrolPlanRecord.query(on: req.db))
        if let team { q.filter(\.$teamID == team) }
        if let from { q.filter(\.$day >= from.description) }
        if let to { q.filter(\.$day <= to.description) }
        if active { q.filter(\.$cancelledAt == nil) }
        return q
    }

    func logs(_ req: Request) async throws -> QueryBuilder<PatrolLogRecord> {
        let scope = try await req.scope()
        let q = scope.restrict(PatrolLogRecord.query(on: req.db))
        if let team { q.filter(\.$teamID == team) }
        if let from { q.filter(\.$day >= from.description) }
        if let to { q.filter(\.$day <= to.description) }
        return q
    }
}

/// Patrol plans with their shift rosters, patrol logs with check-ins and findings (a finding may open an
/// incident in the same transaction), and the weekly review / monthly evaluation (PinganKit `PatrolEvaluation`).
enum PatrolService {
    static func scopedPlan(_ req: Request, _ id: Int?) async throws -> PatrolPlanRecord { try await req.findScoped(PatrolPlanRecord.self, id) }

    struct CancelInput: Content { var reason: String? }

    /// Calls a plan off with a reason. Refused once carried out (a log exists) or already cancelled; audited.
    static func cancelPlan(_ req: Request, _ p: PatrolPlanRecord, _ input: CancelInput) async throws {
        try req.require(.editTeams)
        let L = req.lang
        let reason = (input.reason ?? "").trimmed
        var e = FieldErrors()
        if p.cancelledAt != nil { e["reason"] = L.t("该计划已取消", "This plan is already cancelled") }
        else if try await req.scoped(PatrolLogRecord.self).filter(\.$planID == p.id!).count() > 0 {
            e["reason"] = L.t("该计划已有巡逻记录，不能取消", "This plan has been carried out (it has a patrol log) and cannot be cancelled")
        } else if reason.count < 2 { e["reason"] = L.t("请写明取消原因（至少2字）", "Give the reason (at least 2 characters)") }
        else if reason.count > 200 { e["reason"] = L.t("不能超过200字", "At most 200 characters") }
        guard e.isEmpty else { throw e }
        p.cancelledAt = Date(); p.cancelReason = reason; p.cancelledByID = try req.user.requireID()
        try await req.db.transaction { db in
            try await p.save(on: db)
            await req.audit("patrol.plan.cancel", entity: "patrol_plan", id: "\(p.id!)", detail: reason, on: db)
        }
    }

    static func scopedLog(_ req: Request, _ id: Int?) async throws -> PatrolLogRecord { try await req.findScoped(PatrolLogRecord.self, id) }

    static func gridNames(_ ids: [Int], on db: any Database) async throws -> [Int: String] { try await DivisionLookup.names(ids, on: db) }

    static func planDTOs(_ req: Request, _ rows: [PatrolPlanRecord]) async throws -> [PlanDTO] {
        let L = req.lang
        let ids = rows.compactMap(\.id)
        let teamIDs = Array(Set(rows.map(\.teamID)))
        let teams = teamIDs.isEmpty ? [:] : Dictionary(uniqueKeysWithValues: try await req.scoped(Team.self).filter(\.$id ~~ teamIDs).all().map { ($0.id!, $0.name) })
        let roster = ids.isEmpty ? [] : try await PatrolPlanMember.query(on: req.db).filter(\.$planID ~~ ids).all()
        let memberIDs = Array(Set(roster.map(\.memberID)))
        let members = memberIDs.isEmpty ? [:] : Dictionary(uniqueKeysWithValues: try await req.scoped(TeamMember.self).filter(\.$id ~~ memberIDs).all().map { ($0.id!, $0.name) })
        let logs = ids.isEmpty ? [] : try await req.scoped(PatrolLogRecord.self).filter(\.$planID ~~ ids).all()
        let names = try await gridNames(rows.flatMap(\.grids) + rows.map(\.communityID), on: req.db)
        // Grouped once: filtering the whole roster and log list per plan made a year's export quadratic.
        let logsByPlan = Dictionary(grouping: logs, by: { $0.planID ?? -1 })
        let rosterByPlan = Dictionary(grouping: roster, by: \.planID)
        return rows.map { p in
            let logIDs = (logsByPlan[p.id ?? -1] ?? []).filter { $0.teamID == p.teamID }.compactMap(\.id).sorted()
            return PlanDTO(id: p.id!, teamID: p.teamID, teamName: teams[p.teamID] ?? "", communityID: p.communityID, communityName: names[p.communityID],
                           day: p.day, start: ClockTime(minutes: p.startMinute % 1440)?.description ?? "", end: ClockTime(minutes: p.endMinute > 1440 ? p.endMinute - 1440 : p.endMinute)?.description ?? "",
                           minutes: max(0, p.endMinute - p.startMinute), mode: p.mode, modeName: Check.modeName(p.mode, L),
                           grids: p.grids.map { GridRef(id: $0, name: names[$0] ?? "#\($0)") }, note: p.note,
                           members: (rosterByPlan[p.id ?? -1] ?? []).map { GridRef(id: $0.memberID, name: members[$0.memberID] ?? "") }.sorted { $0.id < $1.id },
                           logIDs: logIDs, done: !logIDs.isEmpty, cancelledAt: p.cancelledAt, cancelReason: p.cancelReason)
        }
    }

    static func logDTOs(_ req: Request, _ rows: [PatrolLogRecord], details: Bool) async throws -> [LogDTO] {
        let L = req.lang
        let ids = rows.compactMap(\.id)
        let teamIDs = Array(Set(rows.map(\.teamID)))
        let teams = teamIDs.isEmpty ? [:] : Dictionary(uniqueKeysWithValues: try await req.scoped(Team.self).filter(\.$id ~~ teamIDs).all().map { ($0.id!, $0.name) })
        let checks = ids.isEmpty ? [] : try await PatrolCheckIn.query(on: req.db).filter(\.$logID ~~ ids).sort(\.$minute).sort(\.$id).all()
        let finds = ids.isEmpty ? [] : try await PatrolFinding.query(on: req.db).filter(\.$logID ~~ ids).sort(\.$id).all()
        let userIDs = Array(Set(rows.map(\.createdByID)))
        let users = userIDs.isEmpty ? [:] : Dictionary(uniqueKeysWithValues: try await User.query(on: req.db).filter(\.$id ~~ userIDs).all().map { ($0.id!, $0.displayName) })
        let names = try await gridNames(rows.flatMap(\.grids) + rows.map(\.communityID) + checks.compactMap(\.gridID) + finds.compactMap(\.gridID), on: req.db)
        let checksByLog = Dictionary(grouping: checks, by: \.logID), findsByLog = Dictionary(grouping: finds, by: \.logID)
        return rows.map { l in
            let myChecks = checksByLog[l.id ?? -1] ?? []
            let myFinds = findsByLog[l.id ?? -1] ?? []
            let gridIDs = PatrolModels.ids(PatrolModels.text(l.grids + myChecks.compactMap(\.gridID)))
            return LogDTO(id: l.id!, teamID: l.teamID, teamName: teams[l.teamID] ?? "", communityID: l.communityID, communityName: names[l.communityID],
                          planID: l.planID, day: l.day, start: ClockTime(minutes: l.startMinute % 1440)?.description ?? "",
                          end: ClockTime(minutes: l.endMinute > 1440 ? l.endMinute - 1440 : l.endMinute)?.description ?? "", minutes: l.minutes,
                          mode: l.mode, modeName: Check.modeName(l.mode, L), grids: gridIDs.map { GridRef(id: $0, name: names[$0] ?? "#\($0)") }, summary: l.summary,
                          checkIns: myChecks.map { CheckInDTO(id: $0.id!, time: ClockTime(minutes: $0.minute % 1440)?.description ?? "", gridID: $0.gridID,
                                                              gridName: $0.gridID.flatMap { names[$0] }, place: $0.place) },
                          findings: myFinds.map { FindingDTO(id: $0.id!, gridID: $0.gridID, gridName: $0.gridID.flatMap { names[$0] }, description: $0.details, incidentID: $0.incidentID, eventID: $0.eventID) },
                          createdBy: users[l.createdByID])
        }
    }

    /// The team named by `raw`, in scope; else a field error (a team out of scope looks missing).
    static func team(_ req: Request, _ raw: String?, _ e: inout FieldErrors) async throws -> Team? {
        let L = req.lang
        guard let raw = raw?.nilIfEmpty else { e["teamID"] = L.t("请选择队伍", "Choose a team"); return nil }
        guard let id = Int(raw), let t = try? await TeamService.scopedTeam(req, id) else { e["teamID"] = L.t("辖区内没有该队伍", "No such team in your jurisdiction"); return nil }
        return t
    }

    /// Start and end as minutes; an end at or before the start ends the next day.
    static func window(_ start: String?, _ end: String?, _ e: inout FieldErrors, _ L: Lang) -> (Int, Int)? {
        let s = Check.time(start, "start", &e, L), t = Check.time(end, "end", &e, L)
        guard let s, let t else { return nil }
        let w = TimeWindow(start: s, end: t)
        if w.minutes > 16 * 60 { e["end"] = L.t("一次巡逻不超过16小时", "A patrol lasts at most 16 hours"); return nil }
        return (s.minutes, w.endMinute)
    }

    static func createPlan(_ req: Request, _ input: PlanInput) async throws -> PatrolPlanRecord {
        try req.require(.editTeams)
        let L = req.lang
        var e = FieldErrors()
        let team = try await team(req, input.teamID, &e)
        let day = Check.day(input.day, "day", &e, L)
        if let d = day, d < WorkLogService.today(req).adding(days: -31) { e["day"] = L.t("计划日期不能早于一个月前", "A plan cannot be more than a month in the past") }
        let window = window(input.start, input.end, &e, L)
        let mode = Check.mode(input.mode, &e, L)
        let note = Check.text(input.note, "note", &e, L, max: 500, required: false)
        var grids: [Int] = [], members: [Int] = []
        if let team {
            grids = try await Check.gridIDs(input.grids, community: team.communityID, "grids", &e, L, on: req.db, required: true)
            let raw = (input.members ?? []).filter { !$0.trimmed.isEmpty }
            let ids = Array(Set(raw.compactMap { Int($0) }))
            let found = ids.isEmpty ? [] : try await req.scoped(TeamMember.self).filter(\.$teamID == team.id!).filter(\.$id ~~ ids).all()
            if raw.count != raw.compactMap({ Int($0) }).count || found.count != ids.count { e["members"] = L.t("排班人员须为本队队员", "Rostered people must be members of the team") }
            else if found.contains(where: { $0.status != .active }) { e["members"] = L.t("只能安排在岗队员", "Only active members can be rostered") }
            members = ids.sorted()
        }
        guard e.isEmpty, let team, let day, let window, let mode else { throw e }
        let rostered = members
        let p = PatrolPlanRecord()
        p.teamID = team.id!; p.communityID = team.communityID; p.day = day.description; p.startMinute = window.0; p.endMinute = window.1
        p.mode = mode; p.gridIDs = PatrolModels.text(grids); p.note = note; p.createdByID = try req.user.requireID()
        try await req.db.transaction { db in
            try await p.create(on: db)
            for m in rostered {
                let r = PatrolPlanMember(); r.planID = p.id!; r.memberID = m
                try await r.create(on: db)
            }
            await req.audit("patrol.plan.create", entity: "patrol_plan", id: p.id.map(String.init), detail: "team=\(team.id!) \(day)", on: db)
        }
        return p
    }

    static func createLog(_ req: Request, _ input: LogInput) async throws -> PatrolLogRecord {
        try req.require(.editTeams)
        let L = req.lang
        var e = FieldErrors()
        var plan: PatrolPlanRecord? = nil
        var input = input
        if let raw = input.planID?.nilIfEmpty {
            if let id = Int(raw), let p = try? await scopedPlan(req, id) {
                plan = p
                if input.teamID?.nilIfEmpty == nil { input.teamID = "\(p.teamID)" }
            } else { e["planID"] = L.t("辖区内没有该巡逻计划", "No such patrol plan in your jurisdiction") }
        }
        let team = try await team(req, input.teamID, &e)
        if let plan, let team, plan.teamID != team.id { e["planID"] = L.t("该计划属于其他队伍", "This plan belongs to another team") }
        if let plan, plan.cancelledAt != nil { e["planID"] = L.t("该计划已取消，请按计划外巡逻登记", "This plan was cancelled; record the patrol as unplanned") }
        let day = Check.day(input.day, "day", &e, L, notAfter: WorkLogService.today(req))
        let window = window(input.start, input.end, &e, L)
        let mode = Check.mode(input.mode ?? plan?.mode.rawValue, &e, L)
        let summary = Check.text(input.summary, "summary", &e, L, max: 2000, required: false)
        var grids: [Int] = []
        if let team { grids = try await Check.gridIDs(input.grids, community: team.communityID, "grids", &e, L, on: req.db, required: false) }
        guard e.isEmpty, let team, let day, let window, let mode else { throw e }
        let planRef = plan?.id
        let l = PatrolLogRecord()
        l.teamID = team.id!; l.communityID = team.communityID; l.planID = planRef; l.day = day.description
        l.startMinute = window.0; l.endMinute = window.1; l.mode = mode; l.gridIDs = PatrolModels.text(grids); l.summary = summary
        l.createdByID = try req.user.requireID()
        try await req.db.transaction { db in
            try await l.create(on: db)
            await req.audit("patrol.log.create", entity: "patrol_log", id: l.id.map(String.init), detail: "team=\(team.id!) plan=\(planRef.map(String.init) ?? "-")", on: db)
        }
        return l
    }

    static func addCheckIn(_ req: Request, _ l: PatrolLogRecord, _ input: CheckInInput) async throws -> PatrolCheckIn {
        try req.require(.editTeams)
        let L = req.lang
        var e = FieldErrors()
        let grid = try await Check.gridIDs(input.gridID?.nilIfEmpty.map { [$0] }, community: l.communityID, "gridID", &e, L, on: req.db, required: false).first
        let time = Check.time(input.time, "time", &e, L)
        let place = Check.text(input.place, "place", &e, L, max: 100, required: true)
        var minute = time?.minutes ?? 0
        // A check-in after midnight on a patrol that crosses it belongs to the next day's part of the window.
        if l.endMinute > 1440, minute < l.startMinute { minute += 1440 }
        if time != nil, !(l.startMinute...l.endMinute).contains(minute) {
            e["time"] = L.t("打卡时间须在巡逻时段内（\(Check.window(l.startMinute, l.endMinute))）", "The check-in must fall within the patrol (\(Check.window(l.startMinute, l.endMinute)))")
        }
        guard e.isEmpty else { throw e }
        let c = PatrolCheckIn()
        c.logID = l.id!; c.gridID = grid; c.minute = minute; c.place = place
        try await req.db.transaction { db in
            try await c.create(on: db)
            await req.audit("patrol.checkin", entity: "patrol_log", id: "\(l.id!)", detail: "grid=\(grid.map(String.init) ?? "-")", on: db)
        }
        return c
    }

    /// Records a finding; with `openIncident` it also opens an incident (source 巡逻发现) in the same
    /// transaction and keeps the link. The incident's fields are validated first: nothing is written on error.
    static func addFinding(_ req: Request, _ l: PatrolLogRecord, _ input: FindingInput) async throws -> PatrolFinding {
        try req.require(.editTeams)
        let L = req.lang
        var e = FieldErrors()
        let grid = try await Check.gridIDs(input.gridID?.nilIfEmpty.map { [$0] }, community: l.communityID, "gridID", &e, L, on: req.db, required: false).first
        let text = Check.text(input.description, "description", &e, L, max: 2000, required: true)
        var incident: Incident? = nil
        if input.wantsIncident {
            if !(try req.user.role.can(.editIncidents)) {
                e["openIncident"] = L.t("您的角色不能登记警情，请报告社区民警", "Your role cannot open incidents; report it to the community officer")
            } else {
                var minute = l.startMinute
                if let t = input.time?.nilIfEmpty {
                    if let c = ClockTime(t) {
                        minute = c.minutes
                        // On a patrol past midnight, an earlier clock time is the next day's.
                        if l.endMinute > 1440, minute < l.startMinute { minute += 1440 }
                    } else { e["time"] = L.t("时间格式应为 08:30", "Use a time like 08:30") }
                }
                var ii = IncidentInput()
                ii.source = IncidentSource.patrol.rawValue
                ii.subcategory = input.subcategory
                let dayPart = minute >= 1440 ? (LocalDay(l.day)?.adding(days: 1).description ?? l.day) : l.day
                ii.occurredAt = dayPart + "T" + (ClockTime(minutes: minute % 1440)?.description ?? "00:00")
                ii.communityID = "\(l.communityID)"; ii.gridID = grid.map(String.init) ?? ""
                ii.address = ""; ii.description = text
                let i = Incident()
                let subs = try await IncidentSubcategoryRow.query(on: req.db).all()
                do { try await ii.apply(to: i, req: req, subcategories: subs) } catch let ie as FieldErrors {
                    for (k, v) in ie.fields {
                        switch k {
                        case "subcategory": e["subcategory"] = v
                        case "occurredAt", "reportedAt": e["time"] = v
                        case "gridID": e["gridID"] = v
                        default: e["description"] = v
                        }
                    }
                }
                i.status = .received
                i.createdByID = try req.user.requireID()
                incident = i
            }
        }
        guard e.isEmpty else { throw e }
        let newIncident = incident
        let f = PatrolFinding()
        f.logID = l.id!; f.gridID = grid; f.details = text
        let userID = try req.user.requireID()
        try await req.db.transaction { db in
            if let incident = newIncident {
                try await incident.create(on: db)
                try await IncidentEvent(incidentID: incident.id!, from: nil, to: .received, note: L.t("巡逻发现", "Found on patrol"), userID: userID, at: Date()).create(on: db)
                await req.audit("incident.create", entity: "incident", id: incident.id.map(String.init), detail: "patrol_log=\(l.id!)", on: db)
                f.incidentID = incident.id
            }
            try await f.create(on: db)
            await req.audit("patrol.finding", entity: "patrol_log", id: "\(l.id!)", detail: "incident=\(f.incidentID.map(String.init) ?? "-")", on: db)
        }
        return f
    }

    /// Takes a finding up as a grid event (转为网格事件) for the department that must act: the finding's words, the
    /// log's community and the finding's grid, source 巡逻发现, linked both ways. Once taken up, the same event answers.
    /// The finding is as visible as its log (404 otherwise).
    static func findingToEvent(_ req: Request, findingID: Int?, _ input: GridEventTakeUpInput) async throws -> (event: GridEvent, created: Bool) {
        try req.require(.viewTeams)
        try req.require(.reportGridEvents)
        guard let findingID, let f = try await PatrolFinding.find(findingID, on: req.db) else { throw Abort(.notFound) }
        let l = try await scopedLog(req, f.logID)
        if let id = f.eventID { return (try await GridEventService.find(req, id), false) }
        var e = GridEventReportInput()
        e.categoryCode = input.categoryCode; e.urgency = input.urgency; e.description = f.details
        e.communityID = "\(l.communityID)"; e.gridID = f.gridID.map(String.init)
        // One event per finding however often the button is pressed; a finding is not a duplicate of nearby reports.
        e.idempotencyKey = "patrol-finding-\(findingID)"; e.confirmDuplicate = "1"
        let (ev, created) = try await GridEventService.report(req, e, origin: .patrol(logID: l.id!))
        f.eventID = ev.id
        try await req.db.transaction { db in
            try await f.save(on: db)
            await req.audit("patrol.finding.event", entity: "patrol_log", id: "\(l.id!)", detail: "finding=\(findingID) grid_event=\(ev.id!)", on: db)
        }
        return (ev, created)
    }

    // MARK: - Evaluation (每周点评 / 每月考评)

    struct EvaluationDTO: Content {
        struct Row: Content { var teamName: String; var communityName: String?; var row: PatrolEvaluationRow }
        var by: String
        var period: String
        var from: String
        var to: String
        var rows: [Row]
        var total: PatrolEvaluationRow
    }

    /// `by` week (default) or month; `period` "2026-W10" or "2026-03" (default: the current one).
    static func evaluation(_ req: Request, errors e: inout FieldErrors) async throws -> EvaluationDTO {
        let L = req.lang
        let today = WorkLogService.today(req)
        let by = req.query[String.self, at: "by"]?.nilIfEmpty ?? "week"
        if by != "week" && by != "month" { e["by"] = L.t("应为 week 或 month", "Use week or month") }
        var period: PatrolPeriod = by == "month" ? .month(today.yearMonth) : .week(today.isoWeek)
        if let raw = req.query[String.self, at: "period"]?.nilIfEmpty {
            if let p = PatrolPeriod(raw), (by == "month") == { if case .month = p { return true } else { return false } }() { period = p }
            else { e["period"] = by == "month" ? L.t("月份格式应为 2026-03", "Use a month like 2026-03") : L.t("周格式应为 2026-W10", "Use a week like 2026-W10") }
        }
        let range: ClosedRange<LocalDay>
        switch period {
        case .week(let w): range = w.days
        case .month(let m): range = LocalDay.firstDay(of: m)...LocalDay.lastDay(of: m)
        }
        var filter = PatrolFilter(req, errors: &e)
        filter.from = range.lowerBound; filter.to = range.upperBound
        let plans = try await filter.plans(req).filter(\.$cancelledAt == nil).all()   // a cancelled plan is not planned
        let logs = try await filter.logs(req).all()
        let logIDs = logs.compactMap(\.id)
        let checks = logIDs.isEmpty ? [] : try await PatrolCheckIn.query(on: req.db).filter(\.$logID ~~ logIDs).all()
        let findings = logIDs.isEmpty ? [] : try await PatrolFinding.query(on: req.db).filter(\.$logID ~~ logIDs).all()
        let kitLogs = logs.compactMap { l -> PatrolLog? in
            guard let d = LocalDay(l.day) else { return nil }
            let grids = Set(l.grids + checks.filter { $0.logID == l.id }.compactMap(\.gridID)).map(String.init)
            return PatrolLog(teamID: "\(l.teamID)", planID: l.planID.map(String.init), date: d, minutes: l.minutes, gridsCovered: grids.sorted(),
                             mode: l.mode, findings: findings.filter { $0.logID == l.id }.count)
        }
        let rows = PatrolEvaluation.evaluate(plans: plans.map(\.kit), logs: kitLogs, by: by == "month" ? .month : .week)
            .filter { $0.period == period }
        let teamIDs = rows.compactMap { Int($0.teamID) }
        let teams = teamIDs.isEmpty ? [] : try await req.scoped(Team.self).filter(\.$id ~~ teamIDs).all()
        let names = try await DivisionLookup.names(teams.map(\.communityID), on: req.db)
        let byID = Dictionary(uniqueKeysWithValues: teams.map { ("\($0.id!)", $0) })
        var total = PatrolEvaluationRow(teamID: "", period: period, planned: 0, done: 0, unplanned: 0, plannedMinutes: 0, minutes: 0, findings: 0,
                                        gridsPlanned: 0, gridsCovered: 0, extraGrids: 0)
        for r in rows {
            total.planned += r.planned; total.done += r.done; total.unplanned += r.unplanned; total.plannedMinutes += r.plannedMinutes
            total.minutes += r.minutes; total.findings += r.findings; total.gridsPlanned += r.gridsPlanned; total.gridsCovered += r.gridsCovered
            total.extraGrids += r.extraGrids
        }
        return EvaluationDTO(by: by, period: period.description, from: range.lowerBound.description, to: range.upperBound.description,
                             rows: rows.map { r in .init(teamName: byID[r.teamID]?.name ?? r.teamID, communityName: byID[r.teamID].flatMap { names[$0.communityID] }, row: r) }
                                 .sorted { ($0.communityName ?? "", $0.teamName) < ($1.communityName ?? "", $1.teamName) },
                             total: total)
    }

    static func evaluationCSV(_ req: Request, _ d: EvaluationDTO) -> Response {
        let L = req.lang
        var w = CSVWriter(header: L.isEnglish
            ? ["Period", "Community", "Team", "Planned", "Done", "Completion", "Unplanned", "Planned hours", "Hours", "Grids planned", "Grids covered", "Coverage", "Extra grids", "Findings"]
            : ["期间", "社区/村", "队伍", "计划次数", "完成次数", "完成率", "计划外巡逻", "计划时长(小时)", "实际时长(小时)", "计划网格", "覆盖网格", "覆盖率", "计划外网格", "发现问题"])
        for r in d.rows + [.init(teamName: L.t("合计", "Total"), communityName: "", row: d.total)] {
            let x = r.row
            w.append([d.period, r.communityName ?? "", r.teamName, "\(x.planned)", "\(x.done)", x.completion.percent, "\(x.unplanned)",
                      Decimals.format(x.plannedHours, places: 1), Decimals.format(x.hours, places: 1), "\(x.gridsPlanned)", "\(x.gridsCovered)",
                      x.gridCoverage.percent, "\(x.extraGrids)", "\(x.findings)"])
        }
        return CSVResponse.make(filename: "patrol-review-\(d.period).csv", writer: w)
    }

    static func plansCSV(_ req: Request, _ rows: [PlanDTO]) -> Response {
        let L = req.lang
        var w = CSVWriter(header: L.isEnglish ? ["Id", "Day", "Start", "End", "Team", "Community", "Mode", "Grids", "Roster", "Done"]
                                               : ["编号", "日期", "开始", "结束", "队伍", "社区/村", "巡逻方式", "网格", "排班人员", "已执行"])
        for p in rows {
            w.append(["\(p.id)", p.day, p.start, p.end, p.teamName, p.communityName ?? "", p.modeName, p.grids.map(\.name).joined(separator: "、"),
                      p.members.map(\.name).joined(separator: "、"), p.done ? L.t("是", "yes") : L.t("否", "no")])
        }
        return CSVResponse.make(filename: "patrol-plans.csv", writer: w)
    }

    static func logsCSV(_ req: Request, _ rows: [LogDTO]) -> Response {
        let L = req.lang
        var w = CSVWriter(header: L.isEnglish ? ["Id", "Day", "Start", "End", "Minutes", "Team", "Community", "Plan", "Mode", "Grids", "Check-ins", "Findings", "Incidents", "Summary"]
                                               : ["编号", "日期", "开始", "结束", "时长(分钟)", "队伍", "社区/村", "计划编号", "巡逻方式", "网格", "打卡次数", "发现问题", "转警情", "巡逻情况"])
        for l in rows {
            w.append(["\(l.id)", l.day, l.start, l.end, "\(l.minutes)", l.teamName, l.communityName ?? "", l.planID.map(String.init) ?? "", l.modeName,
                      l.grids.map(\.name).joined(separator: "、"), "\(l.checkIns.count)", "\(l.findings.count)",
                      l.findings.compactMap(\.incidentID).map(String.init).joined(separator: " "), l.summary])
        }
        return CSVResponse.make(filename: "patrol-logs.csv", writer: w)
    }
}
