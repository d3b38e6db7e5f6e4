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
    var text: String?, owner: String?, dueOn: String?, about: String?
    init() {}
    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: AnyKey.self)
        text = c.loose(AnyKey("text")); owner = c.loose(AnyKey("owner")); dueOn = c.loose(AnyKey("dueOn")); about = c.loose(AnyKey("about"))
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
    static func visibleAreas(_ req: Request) async throws -> [Int]? {
        let scope = try await req.scope()
        guard let ids = scope.communityIDList else { return nil }
        guard !ids.isEmpty else { return [] }
        return Array(Set(try await Division.query(on: req.db).filter(\.$id ~~ ids).all().compactMap(\.parentID))).sorted()
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
                                    overdueDisputes: lateDisputes, overdueInspections: lateInspections, overdueEvents: lateEvents))
        }
        return AgendaLine.ordered(lines)
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
        let owner = (input.owner ?? "").trimmed
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
        a.doneNote = ""; a.createdByID = try req.user.requireID()
        try await req.db.transaction { db in
            try await a.create(on: db)
            await req.audit("meeting.action.create", entity: "meeting_action", id: a.id.map(String.init), detail: "meeting=\(m.id!) due=\(a.dueOn)", on: db)
        }
        return a
    }

    /// The action item and its meeting, if the user may see the meeting; else 404.
    static func findAction(_ req: Request, _ id: Int?) async throws -> (MeetingAction, Meeting) {
        guard let id, let a = try await MeetingAction.find(id, on: req.db) else { throw Abort(.notFound) }
        return (a, try await find(req, a.meetingID))
    }

    static func complete(_ req: Request, _ a: MeetingAction, note: String?) async throws -> MeetingAction {
        try req.require(.editGovernance)
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
