import Fluent
import SQLKit
import Vapor
import PinganKit

struct MeetingInput: Content {
    var kind: String?, areaID: String?, heldOn: String?, title: String?, attendees: String?, minutes: String?
    init() {}
    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: AnyKey.self)
        kind = c.loose(AnyKey("kind")); areaID = c.loose(AnyKey("areaID")); heldOn = c.loose(AnyKey("heldOn")); title = c.loose(AnyKey("title"))
        attendees = c.loose(AnyKey("attendees")); minutes = c.loose(AnyKey("minutes"))
    }
}

struct MeetingActionInput: Content {
    /// `ownerUsername`: the owner's account, optional (an owner outside the system is named in `owner` only).
    var text: String?, owner: String?, ownerUsername: String?, dueOn: String?, about: String?
    init() {}
    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: AnyKey.self)
        text = c.loose(AnyKey("text")); owner = c.loose(AnyKey("owner")); dueOn = c.loose(AnyKey("dueOn")); about = c.loose(AnyKey("about"))
        ownerUsername = c.loose(AnyKey("ownerUsername"))
    }
}

struct MeetingActionDoneInput: Content {
    var note: String?
    init() {}
    init(from decoder: any Decoder) throws { note = try decoder.container(keyedBy: AnyKey.self).loose(AnyKey("note")) }
}

enum MeetingService {
    // MARK: who sees what

    /// The areas whose meetings the user may see: nil for whole-district roles; otherwise the streets of the communities
    /// the user works in (a station chief's, an officer's own street). District-level meetings are the district's.
    static func visibleAreas(_ req: Request) async throws -> [Int]? { try await visibleAreas(try await req.scope(), on: req.db) }

    static func visibleAreas(_ scope: Scope, on db: any Database) async throws -> [Int]? {
        guard let ids = scope.communityIDList else { return nil }
        guard !ids.isEmpty else { return [] }
        return Array(Set(try await Division.query(on: db).filter(\.$id ~~ ids).all().compactMap(\.parentID))).sorted()
    }

    /// The owner's account named by username: active, allowed to see meetings, and one who sees this meeting (so the
    /// notice's link opens for them). Anyone else is "not found", like a name that does not exist.
    static func ownerAccount(_ req: Request, _ m: Meeting, username: String) async throws -> User? {
        guard let u = try await User.query(on: req.db).filter(\.$username == username).filter(\.$active == true).first(),
              u.role.can(.viewGovernance) else { return nil }
        let areas = try await visibleAreas(try await Scope.resolve(for: u, on: req.db), on: req.db)
        return areas.map { $0.contains(m.areaDivisionID) } ?? true ? u : nil
    }

    /// Areas the user may hold a meeting for: the district and its streets, or the user's own streets.
    static func areaChoices(_ req: Request) async throws -> [Division] {
        if let ids = try await visibleAreas(req) {
            return try await Division.query(on: req.db).filter(\.$id ~~ ids).sort(\.$code).all()
        }
        return try await Division.query(on: req.db).filter(\.$level ~~ [.district, .street]).sort(\.$code).all()
    }

    static func find(_ req: Request, _ id: Int?) async throws -> Meeting {
        try req.require(.viewGovernance)
        let areas = try await visibleAreas(req)
        guard let id, let m = try await Meeting.find(id, on: req.db), areas.map({ $0.contains(m.areaDivisionID) }) ?? true else {
            throw Abort(.notFound)
        }
        return m
    }

    static func list(_ req: Request, kind: MeetingKind?, page: PinganKit.PageRequest) async throws -> ([Meeting], PageInfo) {
        try req.require(.viewGovernance)
        let q = Meeting.query(on: req.db)
        if let areas = try await visibleAreas(req) { q.filter(\.$areaDivisionID ~~ areas) }
        if let kind { q.filter(\.$kind == kind) }
        let total = try await q.copy().count()
        return (try await q.sort(\.$heldOn, .descending).sort(\.$id, .descending).range(page.offset..<(page.offset + page.per)).all(), page.info(total: total))
    }

    // MARK: the agenda

    /// What the product shows for the area's communities the user can see, one line per community with anything on it.
    static func agenda(_ req: Request, area: Division) async throws -> [AgendaLine] {
        let scope = try await req.scope()
        let role = try req.user.role
        let q = Division.query(on: req.db).filter(\.$level == .community)
        if area.level == .district { q.filter(\.$code >= area.code).filter(\.$code < area.code + "~") } else { q.filter(\.$parentID == area.id!) }
        let communities = try await q.sort(\.$code).all().filter { scope.touches(community: $0.id!) }
        var alertsBy: [Int: Int] = [:]
        if role.can(.viewAnalysis) {
            var f = AlertFilter(); f.current = true
            for a in try await AlertService.query(req, f).all() { if let c = a.communityID { alertsBy[c, default: 0] += 1 } }
        }
        let today = WorkLogService.today(req)
        let rising = role.can(.viewIncidents) ? try await risingIncidents(req.db, req.localCalendar, communities: communities.compactMap(\.id), today: today) : [:]
        var gaps: [Int: Int] = [:]
        if role.can(.viewForces), !communities.isEmpty {
            let staffing = try await StaffingService.load(req, .init())
            for c in staffing.plan.communities { if let id = staffing.communityIDs[c.code], c.officers.shortfall > 0 { gaps[id] = c.officers.shortfall } }
        }
        var lines: [AgendaLine] = []
        for c in communities {
            let cid = c.id!
            var risk = 0, lateDisputes = 0, lateInspections = 0, lateEvents = 0
            if role.can(.viewDisputes) {
                var f = DisputeFilter(); f.community = cid; f.risk = true
                risk = try await f.query(req).filter(\.$status ~~ DisputeStatus.allCases.filter { $0.isOpen || $0.isWaiting }).count()
                var o = DisputeFilter(); o.community = cid; o.overdue = true
                lateDisputes = try await o.query(req).count()
            }
            if role.can(.viewForces) {
                var f = InspectionFilter(status: .overdue); f.community = cid
                lateInspections = try await f.query(req, today: today).count()
            }
            if role.can(.viewGridEvents) {
                var f = GridEventFilter(queue: .overdue); f.community = cid
                lateEvents = try await f.query(req).count()
            }
            lines.append(AgendaLine(communityID: cid, community: c.name, alerts: alertsBy[cid] ?? 0, riskDisputes: risk,
                                    overdueDisputes: lateDisputes, overdueInspections: lateInspections, overdueEvents: lateEvents,
                                    risingIncidents: rising[cid] ?? 0, staffingGap: gaps[cid] ?? 0, risingSince: today.adding(days: -29).description))
        }
        return AgendaLine.ordered(lines)
    }

    /// The rise of each community's incidents: the 30 days up to today against the 30 before (`AgendaLine.rise`), in one
    /// grouped read of the communities already in scope.
    static func risingIncidents(_ db: any Database, _ cal: LocalCalendar, communities: [Int], today: LocalDay) async throws -> [Int: Int] {
        guard !communities.isEmpty else { return [:] }
        guard let start = cal.parseLocalDate(today.adding(days: -29).description), let before = cal.parseLocalDate(today.adding(days: -59).description) else { return [:] }
        let sql = db as! any SQLDatabase
        // unscoped: the communities were narrowed to the user's scope by the caller
        let rows = try await sql.select().column("community_id")
            .column(SQLFunction("SUM", args: SQLList([SQLRaw("CASE WHEN occurred_at >="), SQLBind(start), SQLRaw("THEN 1 ELSE 0 END")], separator: SQLRaw(" "))), as: "recent")
            .column(SQLFunction("COUNT", args: SQLLiteral.all), as: "n")
            .from("incidents").where("occurred_at", .greaterThanOrEqual, before).where("community_id", .in, communities)
            .groupBy("community_id").all()
        var out: [Int: Int] = [:]
        for r in rows {
            let c = try r.decode(column: "community_id", as: Int.self), n = try r.decode(column: "n", as: Int.self)
            let recent = try r.decode(column: "recent", as: Int?.self) ?? 0
            let up = AgendaLine.rise(recent: recent, before: n - recent)
            if up > 0 { out[c] = up }
        }
        return out
    }

    // MARK: writes

    static func create(_ req: Request, _ input: MeetingInput) async throws -> Meeting {
        try req.require(.editGovernance)
        let L = req.lang
        var e = FieldErrors()
        let kind = input.kind?.nilIfEmpty.flatMap(MeetingKind.init(rawValue:))
        if kind == nil { e["kind"] = L.t("请选择会议类型", "Choose the kind of meeting") }
        let choices = try await areaChoices(req)
        let area = input.areaID.flatMap { Int($0) }.flatMap { id in choices.first { $0.id == id } }
        if area == nil { e["areaID"] = L.t("请选择您辖区内的街道", "Choose a street in your jurisdiction") }
        let today = LocalDay(Date(), in: req.localCalendar)
        var held: LocalDay? = nil
        if let raw = input.heldOn?.nilIfEmpty {
            held = LocalDay(raw)
            if held == nil { e["heldOn"] = L.t("日期格式应为 2026-03-05", "Use a date like 2026-03-05") }
            else if held! > today.adding(days: 60) { e["heldOn"] = L.t("会议日期不能晚于60天后", "At most 60 days ahead"); held = nil }
        } else { e["heldOn"] = L.t("请填写会议日期", "Enter the day of the meeting") }
        let title = (input.title ?? "").trimmed
        if title.isEmpty { e["title"] = L.t("请填写会议名称", "Enter a title") } else if title.count > 100 { e["title"] = L.t("不能超过100字", "At most 100 characters") }
        let attendees = (input.attendees ?? "").trimmed
        if attendees.isEmpty { e["attendees"] = L.t("请填写参会人员", "Enter who attended") } else if attendees.count > 1000 { e["attendees"] = L.t("不能超过1000字", "At most 1000 characters") }
        let minutes = (input.minutes ?? "").trimmed
        if minutes.count > 10_000 { e["minutes"] = L.t("不能超过10000字", "At most 10,000 characters") }
        guard e.isEmpty, let kind, let area, let held else { throw e }
        let lines = try await agenda(req, area: area)
        let m = Meeting()
        m.kind = kind; m.areaDivisionID = area.id!; m.heldOn = held.description; m.title = title; m.attendees = attendees; m.minutes = minutes
        m.agenda = String(decoding: try JSONEncoder().encode(lines), as: UTF8.self); m.createdByID = try req.user.requireID()
        try await req.db.transaction { db in
            try await m.create(on: db)
            await req.audit("meeting.create", entity: "meeting", id: m.id.map(String.init), detail: "area=\(area.id!) agenda=\(lines.count)", on: db)
        }
        return m
    }

    static func actions(_ db: any Database, meetings: [Int]) async throws -> [MeetingAction] {
        guard !meetings.isEmpty else { return [] }
        return try await MeetingAction.query(on: db).filter(\.$meetingID ~~ meetings).sort(\.$dueOn).sort(\.$id).all()
    }

    /// A decision: what, who, by when, and — optionally — which of the agenda's topics it is about ("communityID:topic").
    static func addAction(_ req: Request, _ m: Meeting, _ input: MeetingActionInput) async throws -> MeetingAction {
        try req.require(.editGovernance)
        let L = req.lang
        var e = FieldErrors()
        let text = (input.text ?? "").trimmed
        if text.isEmpty { e["text"] = L.t("请填写决定事项", "Enter what was decided") } else if text.count > 500 { e["text"] = L.t("不能超过500字", "At most 500 characters") }
        var owner = (input.owner ?? "").trimmed
        var ownerUser: User?
        if let name = input.ownerUsername?.trimmed.nilIfEmpty {
            ownerUser = try await ownerAccount(req, m, username: name)
            if ownerUser == nil { e["ownerUsername"] = L.t("找不到此用户，或其看不到本次会议", "No such user who can see this meeting") }
            else if owner.isEmpty { owner = ownerUser!.displayName }
        }
        if owner.isEmpty { e["owner"] = L.t("请填写责任人或责任单位", "Enter who is responsible") } else if owner.count > 50 { e["owner"] = L.t("不能超过50字", "At most 50 characters") }
        var due: LocalDay? = nil
        if let raw = input.dueOn?.nilIfEmpty {
            due = LocalDay(raw)
            if due == nil { e["dueOn"] = L.t("日期格式应为 2026-03-05", "Use a date like 2026-03-05") }
            else if due!.description < m.heldOn { e["dueOn"] = L.t("完成时限不能早于会议日期 \(m.heldOn)", "The deadline is before the meeting (\(m.heldOn))"); due = nil }
        } else { e["dueOn"] = L.t("请填写完成时限", "Enter a deadline") }
        var path = "", label = ""
        if let about = input.about?.nilIfEmpty {
            let parts = about.split(separator: ":").map(String.init)
            if parts.count == 2, let cid = Int(parts[0]), let line = m.agendaLines.first(where: { $0.communityID == cid }),
               let topic = line.topics.first(where: { $0.key == parts[1] }) {
                path = topic.path; label = line.community
            } else { e["about"] = L.t("请从本次会议的议题中选择", "Choose one of this meeting's topics") }
        }
        guard e.isEmpty, let due else { throw e }
        let a = MeetingAction()
        a.meetingID = m.id!; a.text = text; a.owner = owner; a.dueOn = due.description; a.aboutPath = path; a.aboutLabel = label
        a.doneNote = ""; a.createdByID = try req.user.requireID(); a.ownerUserID = ownerUser?.id; a.reminders = 0
        try await req.db.transaction { db in
            try await a.create(on: db)
            if let owner = a.ownerUserID {
                try await StaffNotices.notify(db, users: [owner], except: a.createdByID, kind: .meetingAction,
                                              title: L.t("会议决定事项（时限\(a.dueOn)）：", "Meeting decision (due \(a.dueOn)): ") + text,
                                              link: "/governance/meetings/\(m.id!)#actions")
            }
            await req.audit("meeting.action.create", entity: "meeting_action", id: a.id.map(String.init),
                            detail: "meeting=\(m.id!) due=\(a.dueOn)" + (a.ownerUserID.map { " owner=\($0)" } ?? ""), on: db)
        }
        return a
    }

    /// 督办: chases an open or overdue item's owner account with a notice, at most once a day.
    static func remind(_ req: Request, _ a: MeetingAction, _ m: Meeting) async throws -> MeetingAction {
        try req.require(.editGovernance)
        let L = req.lang, cal = req.localCalendar, now = Date()
        guard a.doneOn == nil else { throw FieldErrors(["remind": L.t("该事项已完成", "This item is already done")]) }
        guard let owner = a.ownerUserID else { throw FieldErrors(["remind": L.t("责任人没有系统账号，请电话督办", "The owner has no account: chase them by phone")]) }
        if let last = a.lastRemindedAt, cal.formatDate(last) == cal.formatDate(now) {
            throw FieldErrors(["remind": L.t("今天已督办过", "Already chased today")])
        }
        let today = WorkLogService.today(req).description
        let late = a.state(today: today) == .overdue
        a.reminders += 1; a.lastRemindedAt = now
        try await req.db.transaction { db in
            try await a.save(on: db)
            try await StaffNotices.notify(db, users: [owner], except: try req.user.requireID(), kind: .meetingAction,
                                          title: (late ? L.t("督办（已逾期，时限\(a.dueOn)）：", "Chased (overdue since \(a.dueOn)): ") : L.t("督办（时限\(a.dueOn)）：", "Chased (due \(a.dueOn)): ")) + a.text,
                                          link: "/governance/meetings/\(m.id!)#actions")
            await req.audit("meeting.action.remind", entity: "meeting_action", id: a.id.map(String.init), detail: "meeting=\(m.id!) n=\(a.reminders)", on: db)
        }
        return a
    }

    /// The action item and its meeting, if the user may see the meeting; else 404.
    static func findAction(_ req: Request, _ id: Int?) async throws -> (MeetingAction, Meeting) {
        guard let id, let a = try await MeetingAction.find(id, on: req.db) else { throw Abort(.notFound) }
        return (a, try await find(req, a.meetingID))
    }

    /// Reported done by those who keep the meetings, or by the item's own owner account.
    static func complete(_ req: Request, _ a: MeetingAction, note: String?) async throws -> MeetingAction {
        let me = try req.user
        if a.ownerUserID == nil || a.ownerUserID != me.id { try req.require(.editGovernance) }
        let note = (note ?? "").trimmed
        var e = FieldErrors()
        if a.doneOn != nil { e["note"] = req.t("该事项已完成", "This item is already done") }
        if note.isEmpty { e["note"] = e["note"] ?? req.t("请写明落实情况", "Say what was done") } else if note.count > 1000 { e["note"] = req.t("不能超过1000字", "At most 1000 characters") }
        guard e.isEmpty else { throw e }
        a.doneOn = WorkLogService.today(req).description; a.doneNote = note
        try await req.db.transaction { db in
            try await a.update(on: db)
            await req.audit("meeting.action.done", entity: "meeting_action", id: a.id.map(String.init), detail: "meeting=\(a.meetingID)", on: db)
        }
        return a
    }

    /// The supervision list (督办): action items of the meetings the user sees, by state, soonest due first.
    static func actionList(_ req: Request, state: ActionItemState?, page: PinganKit.PageRequest) async throws -> ([(MeetingAction, Meeting)], PageInfo) {
        try req.require(.viewGovernance)
        let today = WorkLogService.today(req).description
        let q = MeetingAction.query(on: req.db).join(Meeting.self, on: \MeetingAction.$meetingID == \Meeting.$id)
        if let areas = try await visibleAreas(req) { q.filter(Meeting.self, \.$areaDivisionID ~~ areas) }
        switch state {
        case .done?: q.filter(\.$doneOn != nil)
        case .overdue?: q.filter(\.$doneOn == nil).filter(\.$dueOn < today)
        case .open?: q.filter(\.$doneOn == nil).filter(\.$dueOn >= today)
        case nil: break
        }
        let total = try await q.copy().count()
        let rows = try await q.sort(\.$dueOn).sort(\.$id).range(page.offset..<(page.offset + page.per)).all()
        return (try rows.map { ($0, try $0.joined(Meeting.self)) }, page.info(total: total))
    }
}
