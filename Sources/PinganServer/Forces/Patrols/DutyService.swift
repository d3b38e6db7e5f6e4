import Fluent
import Vapor
import PinganKit

struct DutyDTO: Content {
    var id: Int
    var kind: DutyKind
    var kindName: String
    var communityID: Int
    var communityName: String?
    var siteID: Int?
    var post: String
    var weekdays: String
    var weekdaysText: String
    var start: String
    var end: String
    var memberID: Int?
    var onDuty: String
    var validFrom: String?
    var validUntil: String?
    /// Today's view only: upcoming, on_duty, finished.
    var status: DutyStatus?
    var statusName: String?
}

/// Shop duty (商铺值守) and school-run duty (护学岗, 上放学时段) rosters: weekly slots and today's duty.
enum DutyService {
    static func scoped(_ req: Request, _ id: Int?) async throws -> DutySlotRecord { try await req.findScoped(DutySlotRecord.self, id) }

    static func query(_ req: Request, kind: DutyKind? = nil) async throws -> QueryBuilder<DutySlotRecord> {
        let scope = try await req.scope()
        let q = scope.restrict(DutySlotRecord.query(on: req.db))
        if let kind { q.filter(\.$kind == kind) }
        return q.sort(\.$communityID).sort(\.$startMinute).sort(\.$id)
    }

    static func dtos(_ req: Request, _ rows: [DutySlotRecord], status: [Int: DutyStatus] = [:]) async throws -> [DutyDTO] {
        let L = req.lang
        let places = try await DivisionLookup.names(rows.map(\.communityID), on: req.db)
        return rows.map { s in
            let days = (DutyRoster.weekdays(s.weekdays) ?? []).sorted()
            let st = status[s.id!]
            return DutyDTO(id: s.id!, kind: s.kind, kindName: L.t(s.kind.nameZh, s.kind.nameEn), communityID: s.communityID, communityName: places[s.communityID],
                           siteID: s.siteID, post: s.post, weekdays: s.weekdays,
                           weekdaysText: days.count == 7 ? L.t("每天", "daily") : (L.isEnglish ? days.map { ["", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"][$0] }.joined(separator: " ")
                                                                                                 : "周" + days.map(DutyRoster.weekdayZh).joined(separator: "、")),
                           start: ClockTime(minutes: s.startMinute % 1440)?.description ?? "", end: ClockTime(minutes: s.endMinute % 1440)?.description ?? "",
                           memberID: s.memberID, onDuty: s.onDuty, validFrom: s.validFrom, validUntil: s.validUntil,
                           status: st, statusName: st.map { L.t($0.nameZh, $0.nameEn) })
        }
    }

    /// Today's duty in scope, by start time (PinganKit `DutyRoster.today`).
    static func today(_ req: Request) async throws -> [DutyDTO] {
        let rows = try await query(req).limit(10_000).all()
        let cal = LocalCalendar(timeZoneIdentifier: req.config.timeZone)
        let now = Date()
        let day = LocalDay(now, in: cal)
        let comps = Calendar(identifier: .gregorian)
        var c = comps
        c.timeZone = TimeZone(identifier: req.config.timeZone) ?? .current
        let minute = c.component(.hour, from: now) * 60 + c.component(.minute, from: now)
        let byID = Dictionary(uniqueKeysWithValues: rows.map { ("\($0.id!)", $0) })
        let list = DutyRoster.today(rows.map(\.kit), day: day, minute: minute)
        var status: [Int: DutyStatus] = [:]
        for x in list { if let s = x.status, let id = Int(x.slot.id) { status[id] = s } }
        return try await dtos(req, list.compactMap { byID[$0.slot.id] }, status: status)
    }

    static func create(_ req: Request, _ input: DutyInput) async throws -> DutySlotRecord {
        try req.require(.editTeams)
        let L = req.lang
        var e = FieldErrors()
        var kind: DutyKind? = nil
        if let raw = input.kind?.nilIfEmpty { kind = DutyKind(rawValue: raw); if kind == nil { e["kind"] = L.t("值守类型无效", "Unknown kind of duty") } }
        else { e["kind"] = L.t("请选择值守类型", "Choose the kind of duty") }
        let community = try await Check.community(req, input.communityID, &e)
        var site: Site? = nil
        if let raw = input.siteID?.nilIfEmpty {
            if let id = Int(raw), let s = try await req.visible(Site.self, id),
               community == nil || s.communityID == community { site = s }
            else { e["siteID"] = L.t("所选社区内没有该场所", "No such site in the chosen community") }
        }
        var post = Check.text(input.post, "post", &e, L, max: 60, required: site == nil)
        if post.isEmpty, let site { post = site.name }
        var days: Set<Int>? = nil
        if let raw = input.weekdays?.nilIfEmpty { days = DutyRoster.weekdays(raw); if days == nil { e["weekdays"] = L.t("星期应为 1–7（1 为周一）", "Weekdays are 1–7 (1 = Monday)") } }
        else { e["weekdays"] = L.t("请选择值守的星期", "Choose the weekdays") }
        var start: ClockTime? = nil, end: ClockTime? = nil
        if let k = kind, k == .school, input.start?.nilIfEmpty == nil, input.end?.nilIfEmpty == nil {
            start = TimeWindow.schoolMorning.start; end = TimeWindow.schoolMorning.end
        } else {
            start = Check.time(input.start, "start", &e, L); end = Check.time(input.end, "end", &e, L)
        }
        var memberID: Int? = nil, onDuty = (input.onDuty ?? "").trimmed
        if let raw = input.memberID?.nilIfEmpty {
            if let id = Int(raw), let m = try await TeamService.membersQuery(req).filter(\.$id == id).first(), m.status == .active {
                memberID = id; if onDuty.isEmpty { onDuty = m.name }
            } else { e["memberID"] = L.t("辖区内没有该在岗队员", "No such active member in your jurisdiction") }
        }
        if onDuty.isEmpty, e["memberID"] == nil { e["onDuty"] = L.t("请填写值守人员", "Enter who is on duty") } else if onDuty.count > 60 { e["onDuty"] = L.t("不能超过60字", "At most 60 characters") }
        let from = Check.day(input.validFrom, "validFrom", &e, L, required: false)
        let until = Check.day(input.validUntil, "validUntil", &e, L, required: false)
        if let from, let until, until < from { e["validUntil"] = L.t("结束日期不能早于开始日期", "The end is before the start") }
        guard e.isEmpty, let kind, let community, let days, let start, let end else { throw e }
        let window = TimeWindow(start: start, end: end)
        let s = DutySlotRecord()
        s.kind = kind; s.communityID = community; s.siteID = site?.id; s.post = post; s.weekdays = DutyRoster.weekdaysText(days)
        s.startMinute = start.minutes; s.endMinute = window.endMinute; s.memberID = memberID; s.onDuty = onDuty
        s.validFrom = from?.description; s.validUntil = until?.description
        try await req.db.transaction { db in
            try await s.create(on: db)
            await req.audit("duty.create", entity: "duty_slot", id: s.id.map(String.init), detail: kind.rawValue, on: db)
        }
        return s
    }

    /// Ends a slot: valid until yesterday (kept for the record). Ending an ended slot changes nothing.
    static func end(_ req: Request, _ s: DutySlotRecord) async throws {
        try req.require(.editTeams)
        let yesterday = WorkLogService.today(req).adding(days: -1).description
        if let u = s.validUntil, u <= yesterday { return }
        s.validUntil = yesterday
        if let f = s.validFrom, f > yesterday { s.validFrom = yesterday }
        try await req.db.transaction { db in
            try await s.save(on: db)
            await req.audit("duty.end", entity: "duty_slot", id: "\(s.id!)", on: db)
        }
    }

    static func csv(_ req: Request) async throws -> Response {
        try req.require(.viewTeams)
        let L = req.lang
        var w = CSVWriter(header: L.isEnglish ? ["Id", "Kind", "Community", "Post", "Weekdays", "Start", "End", "On duty", "From", "Until"]
                                               : ["编号", "类型", "社区/村", "岗位", "星期", "开始", "结束", "值守人员", "起", "止"])
        for d in try await dtos(req, try await query(req).limit(100_000).all()) {
            w.append(["\(d.id)", d.kindName, d.communityName ?? "", d.post, d.weekdaysText, d.start, d.end, d.onDuty, d.validFrom ?? "", d.validUntil ?? ""])
        }
        await req.audit("duty.export", entity: "duty_slot")
        return CSVResponse.make(filename: "duty-roster.csv", writer: w)
    }
}

struct DutyController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let d = routes.grouped("forces", "duty")
        d.get(use: page)
        d.get("export.csv", use: export)
        d.post(use: create)
        d.post(":id", "end", use: end)
        let a = routes.grouped("api", "v1", "duty")
        a.get(use: apiList)
        a.get("today", use: apiToday)
        a.post(use: apiCreate)
        a.post(":id", "end", use: apiEnd)
    }

    func render(_ req: Request, input: DutyInput, errors: FieldErrors) async throws -> Response {
        let members = try await TeamService.memberDTOs(req, try await TeamService.membersQuery(req).filter(\.$status == .active).sort(\.$id).limit(500).all())
        return DutyViews.page(req, today: try await DutyService.today(req), all: try await DutyService.dtos(req, try await DutyService.query(req).limit(2000).all()),
                              members: members, input: input, errors: errors, communities: try await DivisionLookup.communities(req), canEdit: try req.user.role.can(.editTeams))
    }

    @Sendable func page(req: Request) async throws -> Response {
        try req.require(.viewTeams)
        var input = DutyInput()
        input.kind = DutyKind.school.rawValue; input.weekdays = "12345"; input.start = "07:00"; input.end = "08:30"
        return try await render(req, input: input, errors: FieldErrors())
    }

    @Sendable func export(req: Request) async throws -> Response { try await DutyService.csv(req) }

    @Sendable func create(req: Request) async throws -> Response {
        try req.require(.editTeams)
        let input = (try? req.content.decode(DutyInput.self)) ?? DutyInput()
        do {
            _ = try await DutyService.create(req, input)
            return req.redirect(to: "/forces/duty")
        } catch let e as FieldErrors { return try await render(req, input: input, errors: e) }
    }

    @Sendable func end(req: Request) async throws -> Response {
        try req.require(.editTeams)
        try await DutyService.end(req, try await DutyService.scoped(req, req.parameters.get("id", as: Int.self)))
        return req.redirect(to: "/forces/duty")
    }

    @Sendable func apiList(req: Request) async throws -> [DutyDTO] {
        try req.require(.viewTeams)
        return try await DutyService.dtos(req, try await DutyService.query(req).limit(10_000).all())
    }

    @Sendable func apiToday(req: Request) async throws -> [DutyDTO] {
        try req.require(.viewTeams)
        return try await DutyService.today(req)
    }

    @Sendable func apiCreate(req: Request) async throws -> Response {
        let s = try await DutyService.create(req, (try? req.content.decode(DutyInput.self)) ?? DutyInput())
        return try await DutyService.dtos(req, [s])[0].encodeResponse(status: .created, for: req)
    }

    @Sendable func apiEnd(req: Request) async throws -> DutyDTO {
        try req.require(.editTeams)
        let s = try await DutyService.scoped(req, req.parameters.get("id", as: Int.self))
        try await DutyService.end(req, s)
        return try await DutyService.dtos(req, [s])[0]
    }
}
