import Fluent
import Vapor
import PinganKit

struct InspectionDTO: Content {
    var id: Int
    var siteID: Int
    var siteName: String
    var siteKind: SiteKind?
    var communityID: Int
    var communityName: String?
    var inspectedOn: String
    var inspectorID: Int
    var inspectorName: String?
    var findings: String
    var severity: FindingSeverity?
    var daysAllowed: Int?
    var deadline: String?
    var rectifiedOn: String?
    var rectificationNote: String
    /// open, due_today, overdue, rectified_on_time, rectified_late; nil without a notice.
    var status: String?
    var statusName: String?
    /// Days left (open), days overdue, or days late.
    var days: Int?
    /// The grid event its hazard was taken up as.
    var eventID: Int?
}

/// An inspection as submitted (form or JSON).
struct InspectionInput: Content {
    var siteID: String?
    var inspectedOn: String?
    var findings: String?
    var severity: String?
    var daysAllowed: String?

    init() {}
    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: AnyKey.self)
        siteID = c.loose(AnyKey("siteID")); inspectedOn = c.loose(AnyKey("inspectedOn")); findings = c.loose(AnyKey("findings"))
        severity = c.loose(AnyKey("severity")); daysAllowed = c.loose(AnyKey("daysAllowed"))
    }
}

struct CloseInput: Content {
    var rectifiedOn: String?
    var note: String?
    init() {}
    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: AnyKey.self)
        rectifiedOn = c.loose(AnyKey("rectifiedOn")); note = c.loose(AnyKey("note"))
    }
}

enum InspectionStatusFilter: String, CaseIterable {
    case open, overdue, closed, clean
    var zh: String { switch self { case .open: "整改中"; case .overdue: "逾期未整改"; case .closed: "已整改"; case .clean: "无隐患" } }
    var en: String { switch self { case .open: "Open notices"; case .overdue: "Overdue"; case .closed: "Rectified"; case .clean: "No hazard" } }
}

struct InspectionFilter {
    var status: InspectionStatusFilter?
    var community: Int?
    var site: Int?

    init(status: InspectionStatusFilter?) { self.status = status }
    init(_ req: Request, errors e: inout FieldErrors) {
        let L = req.lang
        if let raw = req.query[String.self, at: "status"]?.nilIfEmpty { status = InspectionStatusFilter(rawValue: raw); if status == nil { e["status"] = L.t("状态无效", "Unknown status") } }
        if let raw = req.query[String.self, at: "community"]?.nilIfEmpty { community = Int(raw); if community == nil { e["community"] = L.t("社区无效", "Unknown community") } }
        if let raw = req.query[String.self, at: "site"]?.nilIfEmpty { site = Int(raw); if site == nil { e["site"] = L.t("场所无效", "Unknown site") } }
    }

    func query(_ req: Request, today: LocalDay) async throws -> QueryBuilder<Inspection> {
        let scope = try await req.scope()
        let q = scope.restrict(Inspection.query(on: req.db))
        if let community { q.filter(\.$communityID == community) }
        if let site { q.filter(\.$siteID == site) }
        switch status {
        case .open: q.filter(\.$severity != nil).filter(\.$rectifiedOn == nil)
        case .overdue:
            // Past the deadline day (the deadline day itself is still in time), most overdue first.
            q.filter(\.$severity != nil).filter(\.$rectifiedOn == nil).filter(\.$deadline < today.description)
            return q.sort(\.$deadline).sort(\.$id)
        case .closed: q.filter(\.$rectifiedOn != nil)
        case .clean: q.filter(\.$severity == nil)
        case nil: break
        }
        return q.sort(\.$inspectedOn, .descending).sort(\.$id, .descending)
    }
}

enum InspectionService {
    static let rules = RectificationRules()

    static func targetKind(_ k: SiteKind?) -> InspectionTargetKind {
        switch k {
        case .rental: .rental
        case .organisation, .hazardHolder: .organisation
        default: .venue
        }
    }

    static func statusKey(_ s: RectificationStatus) -> (String, Int?) {
        switch s {
        case .open(let d): ("open", d)
        case .dueToday: ("due_today", 0)
        case .overdue(let d): ("overdue", d)
        case .rectifiedOnTime: ("rectified_on_time", nil)
        case .rectifiedLate(let d): ("rectified_late", d)
        }
    }

    static func scoped(_ req: Request, _ id: Int?) async throws -> Inspection { try await req.findScoped(Inspection.self, id) }

    static func dtos(_ req: Request, _ rows: [Inspection], today: LocalDay) async throws -> [InspectionDTO] {
        let siteIDs = Array(Set(rows.map(\.siteID)))
        // unscoped: names of the sites of inspections already loaded in scope
        let sites = siteIDs.isEmpty ? [:] : Dictionary(uniqueKeysWithValues: try await Site.query(on: req.db).filter(\.$id ~~ siteIDs).all().map { ($0.id!, $0) })
        let userIDs = Array(Set(rows.map(\.inspectorID)))
        let users = userIDs.isEmpty ? [:] : Dictionary(uniqueKeysWithValues: try await User.query(on: req.db).filter(\.$id ~~ userIDs).all().map { ($0.id!, $0.displayName) })
        let places = try await DivisionLookup.names(rows.map(\.communityID), on: req.db)
        let L = req.lang
        return rows.map { i in
            let site = sites[i.siteID]
            var status: String? = nil, name: String? = nil, days: Int? = nil
            if let n = i.notice(targetKind: targetKind(site?.kind), targetName: site?.name ?? "") {
                let s = Inspections.status(n, asOf: today, rules: rules)
                let (key, count) = statusKey(s)
                status = key; days = count
                name = L.t(s.nameZh, status!.replacingOccurrences(of: "_", with: " "))
            }
            return InspectionDTO(id: i.id!, siteID: i.siteID, siteName: site?.name ?? "", siteKind: site?.kind, communityID: i.communityID, communityName: places[i.communityID],
                                 inspectedOn: i.inspectedOn, inspectorID: i.inspectorID, inspectorName: users[i.inspectorID], findings: i.findings, severity: i.severity,
                                 daysAllowed: i.daysAllowed, deadline: i.deadline, rectifiedOn: i.rectifiedOn, rectificationNote: i.rectificationNote,
                                 status: status, statusName: name, days: days, eventID: i.eventID)
        }
    }

    /// Records an inspection, issues its notice when a hazard was found (deadline from `RectificationNotice`),
    /// and moves the site's `last_inspected_on` forward, all in one transaction.
    static func create(_ req: Request, _ input: InspectionInput) async throws -> Inspection {
        try req.require(.editInspections)
        let L = req.lang
        let today = WorkLogService.today(req)
        var e = FieldErrors()
        var site: Site? = nil
        if let raw = input.siteID?.nilIfEmpty, let id = Int(raw), let s = try await req.visible(Site.self, id) { site = s }
        else { e["siteID"] = L.t("辖区内没有该场所，请先在场所物品中登记", "No such site in your jurisdiction; register it first") }
        var day: LocalDay? = nil
        if let raw = input.inspectedOn?.nilIfEmpty {
            if let d = LocalDay(raw) {
                if d > today { e["inspectedOn"] = L.t("检查日期不能晚于今天", "The inspection date cannot be in the future") } else { day = d }
            } else { e["inspectedOn"] = L.t("日期格式应为 2026-03-05", "Use a date like 2026-03-05") }
        } else { e["inspectedOn"] = L.t("请填写检查日期", "Enter the inspection date") }
        let findings = (input.findings ?? "").trimmed
        if findings.isEmpty { e["findings"] = L.t("请填写检查情况", "Describe what was found") } else if findings.count > 2000 { e["findings"] = L.t("不能超过2000字", "At most 2000 characters") }
        var severity: FindingSeverity? = nil
        if let raw = input.severity?.nilIfEmpty, raw != "none" {
            severity = FindingSeverity(rawValue: raw); if severity == nil { e["severity"] = L.t("隐患等级无效", "Unknown severity") }
        }
        var days: Int? = nil
        if let raw = input.daysAllowed?.nilIfEmpty {
            if let n = Int(raw), (1...365).contains(n) { days = n } else { e["daysAllowed"] = L.t("整改期限应为 1–365 天", "Days allowed must be 1–365") }
            if severity == nil, e["severity"] == nil { e["daysAllowed"] = L.t("未发现隐患时无需整改期限", "No hazard found: no deadline to set") }
        }
        guard e.isEmpty, let site, let day else { throw e.isEmpty ? FieldErrors(["siteID": "invalid"]) : e }
        let i = Inspection()
        i.siteID = site.id!; i.communityID = site.communityID; i.gridID = site.gridID; i.inspectedOn = day.description
        i.inspectorID = try req.user.requireID(); i.findings = findings; i.severity = severity; i.daysAllowed = days
        i.rectificationNote = ""
        i.deadline = i.notice()?.deadline(rules).description
        let severityText = severity?.rawValue ?? "none"
        try await req.db.transaction { db in
            try await i.create(on: db)
            if site.lastInspectedOn == nil || site.lastInspectedOn! < i.inspectedOn {
                site.lastInspectedOn = i.inspectedOn
                try await site.save(on: db)
            }
            await req.audit("inspection.create", entity: "inspection", id: i.id.map(String.init), detail: "site=\(site.id!) \(severityText)", on: db)
        }
        return i
    }

    /// Closes the notice: rectified on a day between the inspection and today.
    /// Takes the hazard found up as a grid event (转为网格事件) for the department that must act: the findings, the
    /// site's address, community and grid, source 检查发现, linked both ways. Once taken up, the same event answers.
    static func toEvent(_ req: Request, _ i: Inspection, _ input: GridEventTakeUpInput) async throws -> (event: GridEvent, created: Bool) {
        try req.require(.reportGridEvents)
        if let id = i.eventID { return (try await GridEventService.find(req, id), false) }
        guard i.severity != nil else {
            throw FieldErrors(["categoryCode": req.lang.t("这次检查未发现隐患，无需转办", "No hazard was found: there is nothing to take up")])
        }
        let site = try await req.visible(Site.self, i.siteID)
        var e = GridEventReportInput()
        e.categoryCode = input.categoryCode; e.urgency = input.urgency
        e.description = String((req.lang.t("治安检查发现：", "Found on inspection: ") + (site.map { $0.name + "，" } ?? "") + i.findings).prefix(1000))
        e.address = String((site?.address ?? "").prefix(200)); e.communityID = "\(i.communityID)"; e.gridID = i.gridID.map(String.init)
        e.idempotencyKey = "inspection-\(i.id!)"; e.confirmDuplicate = "1"
        let (ev, created) = try await GridEventService.report(req, e, origin: .inspection(id: i.id!))
        i.eventID = ev.id
        try await req.db.transaction { db in
            try await i.save(on: db)
            await req.audit("inspection.event", entity: "inspection", id: "\(i.id!)", detail: "grid_event=\(ev.id!)", on: db)
        }
        return (ev, created)
    }

    static func close(_ req: Request, _ i: Inspection, _ input: CloseInput) async throws {
        try req.require(.editInspections)
        let L = req.lang
        var e = FieldErrors()
        if !i.hasNotice { e["rectifiedOn"] = L.t("此次检查未发现隐患，没有整改通知", "No hazard was found: there is no notice to close") }
        else if i.rectifiedOn != nil { e["rectifiedOn"] = L.t("该通知已整改销号", "This notice is already closed") }
        var day: LocalDay? = nil
        if e.isEmpty {
            if let raw = input.rectifiedOn?.nilIfEmpty {
                if let d = LocalDay(raw) {
                    if d > WorkLogService.today(req) { e["rectifiedOn"] = L.t("整改日期不能晚于今天", "The date cannot be in the future") }
                    else if d.description < i.inspectedOn { e["rectifiedOn"] = L.t("整改日期不能早于检查日期", "The date cannot be before the inspection") }
                    else { day = d }
                } else { e["rectifiedOn"] = L.t("日期格式应为 2026-03-05", "Use a date like 2026-03-05") }
            } else { e["rectifiedOn"] = L.t("请填写整改完成日期", "Enter the date of rectification") }
        }
        let note = (input.note ?? "").trimmed
        if note.count > 1000 { e["note"] = L.t("不能超过1000字", "At most 1000 characters") }
        guard e.isEmpty, let day else { throw e }
        i.rectifiedOn = day.description
        i.rectificationNote = note
        try await req.db.transaction { db in
            try await i.save(on: db)
            await req.audit("inspection.close", entity: "inspection", id: "\(i.id!)", detail: day.description, on: db)
        }
    }

    static func csv(_ req: Request, _ filter: InspectionFilter) async throws -> Response {
        try req.require(.viewForces)
        let L = req.lang
        let today = WorkLogService.today(req)
        var w = CSVWriter(header: L.isEnglish ? ["Id", "Inspected", "Site", "Community", "Inspector", "Findings", "Severity", "Deadline", "Rectified", "Status", "Days"]
                                               : ["编号", "检查日期", "场所", "社区/村", "检查人", "检查情况", "隐患等级", "整改期限", "整改日期", "状态", "天数"])
        for d in try await dtos(req, try await filter.query(req, today: today).limit(100_000).all(), today: today) {
            w.append(["\(d.id)", d.inspectedOn, d.siteName, d.communityName ?? "", d.inspectorName ?? "", d.findings,
                      d.severity.map { L.t($0.nameZh, $0.rawValue) } ?? L.t("无隐患", "none"), d.deadline ?? "", d.rectifiedOn ?? "", d.statusName ?? "", d.days.map(String.init) ?? ""])
        }
        await req.audit("inspection.export", entity: "inspection", detail: req.url.query ?? "")
        return CSVResponse.make(filename: "inspections.csv", writer: w)
    }
}
