import Fluent
import Vapor
import PinganKit

/// The ledger's operations, shared by the web pages and the API so both validate, scope and audit alike.
enum IncidentService {
    /// Loads an incident the user may see; out of scope answers 404 like a missing record.
    static func scoped(_ req: Request, _ id: Int?) async throws -> Incident { try await req.findScoped(Incident.self, id) }

    static func create(_ req: Request, _ input: IncidentInput) async throws -> Incident {
        try req.require(.editIncidents)
        let user = try req.user
        let subs = try await IncidentSubcategoryRow.query(on: req.db).all()
        let i = Incident()
        try await input.apply(to: i, req: req, subcategories: subs)
        i.status = .received
        i.createdByID = try user.requireID()
        try await req.db.transaction { db in
            try await i.create(on: db)
            try await IncidentEvent(incidentID: i.id!, from: nil, to: .received, note: "", userID: user.id!, at: Date()).create(on: db)
            try await StaffNotices.incidentAssigned(req, i, previous: nil, on: db)
            await req.audit("incident.create", entity: "incident", id: i.id.map(String.init), on: db)
        }
        return i
    }

    static func update(_ req: Request, _ i: Incident, _ input: IncidentInput) async throws {
        try req.require(.editIncidents)
        let subs = try await IncidentSubcategoryRow.query(on: req.db).all()
        let previousOfficer = i.handlingOfficerID
        try await input.apply(to: i, req: req, subcategories: subs)
        try await req.db.transaction { db in
            try await i.save(on: db)
            try await StaffNotices.incidentAssigned(req, i, previous: previousOfficer, on: db)
            await req.audit("incident.update", entity: "incident", id: i.id.map(String.init), on: db)
        }
    }

    static func transition(_ req: Request, _ i: Incident, to: String?, note: String?) async throws {
        try req.require(.editIncidents)
        let L = req.lang
        guard let toS = to?.nilIfEmpty, let target = IncidentStatus(rawValue: toS) else {
            throw FieldErrors(["to": L.t("请选择目标状态", "Choose the new status")])
        }
        do { try IncidentWorkflow.validate(from: i.status, to: target) } catch {
            throw FieldErrors(["to": L.t(error.messageZh, error.messageEn)])
        }
        let note = (note ?? "").trimmed
        if note.count > 1000 { throw FieldErrors(["note": L.t("备注不能超过1000字", "At most 1000 characters")]) }
        let from = i.status
        i.status = target
        let userID = try req.user.requireID()
        try await req.db.transaction { db in
            try await i.save(on: db)
            try await IncidentEvent(incidentID: i.id!, from: from, to: target, note: note, userID: userID, at: Date()).create(on: db)
            await req.audit("incident.transition", entity: "incident", id: i.id.map(String.init), detail: "\(from.rawValue)→\(target.rawValue)", on: db)
        }
    }

    struct FollowUpInput: Content {
        var visitedAt: String?
        var satisfied: String?
        var note: String?
        enum CodingKeys: String, CodingKey { case visitedAt, satisfied, note }
        init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            visitedAt = c.loose(.visitedAt); satisfied = c.loose(.satisfied); note = c.loose(.note)
        }
    }

    /// 回访 is only meaningful once the incident has been handled.
    static func addFollowUp(_ req: Request, _ i: Incident, _ input: FollowUpInput) async throws -> IncidentFollowUp {
        try req.require(.editIncidents)
        let L = req.lang
        let cal = LocalCalendar(timeZoneIdentifier: req.config.timeZone)
        var e = FieldErrors()
        if i.status == .received || i.status == .dispatched { e["visitedAt"] = L.t("警情处置后才能回访", "Follow-up visits come after the incident is handled") }
        let now = Date()
        var at = now
        if let v = input.visitedAt?.nilIfEmpty {
            if let day = cal.parseLocalDate(v) {
                // A day alone (the form's date field) is a visit some time that day: its last moment not after now, so a
                // visit on the day of the incident is not "before the incident" because midnight is.
                at = min(cal.startOfNextDay(day).addingTimeInterval(-1), now)
                if day > now { at = day }
            } else if let d = parseInstant(v, cal) { at = d } else { e["visitedAt"] = L.t("日期格式应为 2026-03-05", "Use a date like 2026-03-05") }
        }
        if at > now.addingTimeInterval(300) { e["visitedAt"] = L.t("不能晚于当前时间", "Cannot be in the future") }
        else if at < i.occurredAt { e["visitedAt"] = L.t("回访不能早于警情发生", "Cannot be before the incident") }
        let satisfied: Bool
        switch input.satisfied?.lowercased() {
        case "true", "1", "yes", "on", "satisfied": satisfied = true
        case "false", "0", "no", "unsatisfied": satisfied = false
        default: satisfied = false; e["satisfied"] = L.t("请选择群众是否满意", "Say whether the resident was satisfied")
        }
        let note = (input.note ?? "").trimmed
        if note.count > 1000 { e["note"] = L.t("备注不能超过1000字", "At most 1000 characters") }
        guard e.isEmpty else { throw e }
        let f = IncidentFollowUp()
        f.incidentID = i.id!; f.visitedAt = at; f.visitorID = try req.user.requireID(); f.satisfied = satisfied; f.note = note
        try await req.db.transaction { db in
            try await f.create(on: db)
            await req.audit("incident.followup", entity: "incident", id: i.id.map(String.init), detail: satisfied ? "satisfied" : "unsatisfied", on: db)
        }
        return f
    }

    static func timeline(_ req: Request, _ i: Incident) async throws -> ([IncidentEventDTO], [FollowUpDTO]) {
        let events = try await IncidentEvent.query(on: req.db).filter(\.$incidentID == i.id!).sort(\.$at).sort(\.$id).all()
        let fus = try await IncidentFollowUp.query(on: req.db).filter(\.$incidentID == i.id!).sort(\.$visitedAt).all()
        let ids = Set(events.map(\.userID) + fus.map(\.visitorID))
        var names: [Int: String] = [:]
        if !ids.isEmpty { for u in try await User.query(on: req.db).filter(\.$id ~~ Array(ids)).all() { names[u.id!] = u.displayName } }
        return (events.map { IncidentEventDTO(from: $0.fromStatus, to: $0.toStatus, note: $0.note, by: names[$0.userID] ?? "-", at: $0.at) },
                fus.map { FollowUpDTO(id: $0.id!, visitedAt: $0.visitedAt, by: names[$0.visitorID] ?? "-", satisfied: $0.satisfied, note: $0.note) })
    }

    static func page(_ req: Request, _ filter: IncidentFilter, _ page: PinganKit.PageRequest) async throws -> ([IncidentRow], PageInfo) {
        let r = try await filter.resolved(req)
        let total = try await r.count(req.db)
        let items = total > page.offset ? try await r.rows(req.db, offset: page.offset, limit: page.per) : []
        return (items, PageInfo(page: page.page, per: page.per, total: total))
    }

    static let csvHeaderZh = ["编号", "来源", "类别", "细类", "可防性", "发生时间", "报警时间", "社区/村", "网格", "地址", "纬度", "经度", "作案手段", "简要案情", "处警民警", "状态", "立案日期", "破案日期"]
    static let csvHeaderEn = ["Number", "Source", "Category", "Subcategory", "Preventable", "Occurred", "Reported", "Community", "Grid", "Address", "Latitude", "Longitude", "Modus operandi", "Description", "Officer", "Status", "Filed", "Solved"]

    /// CSV of a filtered list, in pages of 2,000 rows so a district-wide export does not hold everything in memory twice.
    static func csv(_ req: Request, _ filter: IncidentFilter, limit: Int = 100_000) async throws -> Response {
        try req.require(.viewIncidents)
        let L = req.lang
        let cal = LocalCalendar(timeZoneIdentifier: req.config.timeZone)
        var w = CSVWriter(header: L.isEnglish ? csvHeaderEn : csvHeaderZh)
        var offset = 0
        let chunk = 2000
        let r = try await filter.resolved(req)
        while offset < limit {
            let items = try await r.rows(req.reading, offset: offset, limit: min(chunk, limit - offset))   // an export reads the standby
            if items.isEmpty { break }
            let l = try await IncidentLookup.load(for: items, on: req.reading)
            for i in items {
                w.append([i.number(cal), L.t(i.source.nameZh, i.source.nameEn), L.t(i.category.nameZh, i.category.nameEn), l.subcategoryName(i.subcategory, L),
                          i.preventable ? L.t("是", "yes") : L.t("否", "no"), cal.formatDateTime(i.occurredAt), cal.formatDateTime(i.reportedAt),
                          l.divisionName(i.communityID) ?? "", l.divisionName(i.gridID) ?? "", i.address,
                          i.latitude.map { String(format: "%.6f", $0) } ?? "", i.longitude.map { String(format: "%.6f", $0) } ?? "",
                          i.modusOperandi, i.description, l.userName(i.handlingOfficerID) ?? "",
                          L.t(i.status.nameZh, i.status.nameEn), i.filedAt.map { cal.formatDate($0) } ?? "", i.solvedAt.map { cal.formatDate($0) } ?? ""])
            }
            offset += chunk
        }
        await req.audit("incident.export", entity: "incident", detail: req.url.query ?? "")
        return CSVResponse.make(filename: "incidents-\(cal.formatDate(Date())).csv", writer: w)
    }
}
