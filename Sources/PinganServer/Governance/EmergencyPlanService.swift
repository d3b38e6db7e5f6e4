import Fluent
import Vapor
import PinganKit

/// 应急预案 and 演练: who sees and writes them, the version cycle (draft → approved → superseded), drills and their
/// follow-ups. Plans are few (a district has one general plan and a few dozen special ones), so the register is read
/// whole and paged in memory; drills and follow-ups are read per plan.
enum EmergencyPlanService {
    // MARK: who sees and writes what

    /// A district plan is seen by every governance reader, a street's by those who work in it (as campaigns).
    static func find(_ req: Request, _ id: Int?) async throws -> EmergencyPlan {
        try req.require(.viewGovernance)
        let areas = try await CampaignService.visibleAreas(req)
        guard let id, let p = try await EmergencyPlan.find(id, on: req.db), areas.map({ $0.contains(p.areaDivisionID) }) ?? true else {
            throw Abort(.notFound)
        }
        return p
    }

    /// Plans are written and approved by those who may organise joint work for the plan's area (command for the
    /// district, a station chief for a street all of whose communities are theirs).
    static func canManage(_ req: Request, _ p: EmergencyPlan) async throws -> Bool {
        guard try req.user.role.can(.runCampaigns) else { return false }
        return try await CampaignService.managedAreas(req).contains { $0.id == p.areaDivisionID }
    }

    static func requireManage(_ req: Request, _ p: EmergencyPlan) async throws {
        try req.require(.runCampaigns)
        guard try await canManage(req, p) else { throw Abort(.forbidden, reason: req.t("您不能修改该区域的应急预案", "You cannot change this area's plans")) }
    }

    // MARK: reading

    struct Row { var plan: EmergencyPlan; var lastDrill: LocalDay?; var nextDrill: LocalDay?; var due: [EmergencyPlanDue] }

    /// The plans the filter selects, with their drill clocks, in the register's order: overdue first, then by area, kind, name.
    static func rows(_ req: Request, _ f: EmergencyPlanFilter) async throws -> [Row] {
        try req.require(.viewGovernance)
        let q = EmergencyPlan.query(on: req.db)
        if let areas = try await CampaignService.visibleAreas(req) { q.filter(\.$areaDivisionID ~~ areas) }
        if let s = f.status { q.filter(\.$status == s) } else { q.filter(\.$status != .superseded) }
        if let k = f.kind { q.filter(\.$kind == k) }
        if let t = f.type { q.filter(\.$type == t) }
        if let text = f.q { q.group(.or) { $0.filter(\.$name ~~ text).filter(\.$scopeText ~~ text).filter(\.$steps ~~ text) } }
        let plans = try await q.all()
        let last = try await lastDrills(req.db, plans.map(\.familyID))
        let firstApproval = try await firstApprovals(req.db, plans.map(\.familyID))
        let today = LocalDay(req.today) ?? LocalDay(Date(), in: req.localCalendar)
        var out = plans.map { p -> Row in
            let lastDrill = last[p.familyID]
            let approved = firstApproval[p.familyID]
            let next = approved.map { EmergencyPlanRules.nextDrill(lastDrill: lastDrill, approvedOn: $0, intervalMonths: p.drillIntervalMonths) }
            let due = EmergencyPlanRules.dues(status: p.status, reviewDue: LocalDay(p.reviewDueOn) ?? today, nextDrill: p.status == .approved ? next : nil, today: today)
            return Row(plan: p, lastDrill: lastDrill, nextDrill: p.status == .superseded ? nil : next, due: due)
        }
        if f.due { out = out.filter { !$0.due.isEmpty } }
        return out.sorted {
            ($0.due.isEmpty ? 1 : 0, $0.plan.areaDivisionID, $0.plan.kind == .general ? 0 : 1, $0.plan.name, $0.plan.version)
                < ($1.due.isEmpty ? 1 : 0, $1.plan.areaDivisionID, $1.plan.kind == .general ? 0 : 1, $1.plan.name, $1.plan.version)
        }
    }

    /// The latest drill day of each plan (all its versions).
    static func lastDrills(_ db: any Database, _ families: [Int]) async throws -> [Int: LocalDay] {
        guard !families.isEmpty else { return [:] }
        var out: [Int: LocalDay] = [:]
        for d in try await EmergencyDrill.query(on: db).filter(\.$familyID ~~ Array(Set(families))).all() {
            if let day = LocalDay(d.heldOn), out[d.familyID].map({ day > $0 }) ?? true { out[d.familyID] = day }
        }
        return out
    }

    /// The day each plan was first approved (its drill clock starts there when it was never drilled).
    static func firstApprovals(_ db: any Database, _ families: [Int]) async throws -> [Int: LocalDay] {
        guard !families.isEmpty else { return [:] }
        var out: [Int: LocalDay] = [:]
        for p in try await EmergencyPlan.query(on: db).filter(\.$familyID ~~ Array(Set(families))).filter(\.$approvedOn != nil).all() {
            if let day = p.approvedOn.flatMap(LocalDay.init), out[p.familyID].map({ day < $0 }) ?? true { out[p.familyID] = day }
        }
        return out
    }

    static func teamIDs(_ db: any Database, _ planID: Int) async throws -> [Int] {
        try await EmergencyPlanTeam.query(on: db).filter(\.$planID == planID).sort(\.$id).all().map(\.teamID)
    }

    static func units(_ db: any Database, _ planIDs: [Int]) async throws -> [Int: [EmergencyPlanUnit]] {
        guard !planIDs.isEmpty else { return [:] }
        return Dictionary(grouping: try await EmergencyPlanUnit.query(on: db).filter(\.$planID ~~ planIDs).sort(\.$id).all(), by: \.planID)
    }

    static func dtos(_ req: Request, _ rows: [Row]) async throws -> [EmergencyPlanDTO] {
        let units = try await units(req.db, rows.compactMap(\.plan.id))
        let unitNames = try await CampaignService.unitNames(req, units.values.flatMap { $0.map(\.unitID) })
        let areas = try await DivisionLookup.names(rows.map(\.plan.areaDivisionID), on: req.db)
        return rows.map { r in
            let p = r.plan
            return EmergencyPlanDTO(id: p.id!, familyID: p.familyID, version: p.version, kind: p.kind, type: p.type, level: p.level, areaID: p.areaDivisionID,
                                    area: areas[p.areaDivisionID], name: p.name, scope: p.scopeText, steps: p.stepList, resources: p.resources, contacts: p.contacts,
                                    reviewDueOn: p.reviewDueOn, drillIntervalMonths: p.drillIntervalMonths, status: p.status, approvedOn: p.approvedOn,
                                    lastDrillOn: r.lastDrill?.description, nextDrillOn: r.nextDrill?.description, due: r.due,
                                    units: (units[p.id!] ?? []).map { EmergencyPlanUnitDTO(unitID: $0.unitID, unit: unitNames[$0.unitID] ?? "", duty: $0.duty) },
                                    updatedAt: p.updatedAt)
        }
    }

    /// One plan with its drills (newest first, with follow-ups) and the list of its versions.
    static func detail(_ req: Request, _ p: EmergencyPlan) async throws -> EmergencyPlanDTO {
        let last = try await lastDrills(req.db, [p.familyID])[p.familyID]
        let first = try await firstApprovals(req.db, [p.familyID])[p.familyID]
        let today = LocalDay(req.today) ?? LocalDay(Date(), in: req.localCalendar)
        let next = first.map { EmergencyPlanRules.nextDrill(lastDrill: last, approvedOn: $0, intervalMonths: p.drillIntervalMonths) }
        let due = EmergencyPlanRules.dues(status: p.status, reviewDue: LocalDay(p.reviewDueOn) ?? today, nextDrill: p.status == .approved ? next : nil, today: today)
        var dto = try await dtos(req, [Row(plan: p, lastDrill: last, nextDrill: p.status == .superseded ? nil : next, due: due)])[0]
        let versions = try await EmergencyPlan.query(on: req.db).filter(\.$familyID == p.familyID).sort(\.$version, .descending).all()
        let teamIDs = try await EmergencyPlanTeam.query(on: req.db).filter(\.$planID == p.id!).all().map(\.teamID)
        let teams = teamIDs.isEmpty ? [] : try await ResponseTeam.query(on: req.db).filter(\.$id ~~ teamIDs).sort(\.$name).all()
        dto.teams = try await ResponseTeamService.dtos(req, teams).map { EmergencyPlanTeamDTO(id: $0.id, name: $0.name, dutyPhone: $0.dutyPhone, onCallToday: $0.onCallToday, active: $0.active) }
        dto.versions = versions.map { EmergencyPlanVersionDTO(id: $0.id!, version: $0.version, status: $0.status, approvedOn: $0.approvedOn) }
        let drills = try await EmergencyDrill.query(on: req.db).filter(\.$familyID == p.familyID).sort(\.$heldOn, .descending).sort(\.$id, .descending).all()
        let actions = drills.isEmpty ? [] : try await EmergencyDrillAction.query(on: req.db).filter(\.$drillID ~~ drills.compactMap(\.id)).sort(\.$dueOn).sort(\.$id).all()
        let byDrill = Dictionary(grouping: actions, by: \.drillID)
        let versionOf = Dictionary(uniqueKeysWithValues: versions.map { ($0.id!, $0.version) })
        let todayText = req.today
        dto.drills = drills.map { d in
            EmergencyDrillDTO(id: d.id!, planID: d.planID, version: versionOf[d.planID], heldOn: d.heldOn, scenario: d.scenario, participants: d.participants,
                              people: d.people, findings: d.findings, actions: (byDrill[d.id!] ?? []).map { EmergencyDrillActionDTO($0, today: todayText) })
        }
        return dto
    }

    // MARK: writing a plan

    struct Checked {
        var name: String, kind: EmergencyPlanKind, type: EmergencyType, level: EmergencyLevel, area: Division
        var scope: String, steps: String, resources: String, contacts: String, reviewDue: LocalDay, drillMonths: Int, units: [(Int, String)]
        var teams: [Int]
    }

    static func check(_ req: Request, _ i: EmergencyPlanInput) async throws -> Checked {
        let L = req.lang
        var e = FieldErrors()
        let name = (i.name ?? "").trimmed
        if name.isEmpty { e["name"] = L.t("请填写预案名称", "Name the plan") } else if name.count > 100 { e["name"] = L.t("不能超过100字", "At most 100 characters") }
        func pick<T: RawRepresentable>(_ raw: String?, _ key: String, _ missing: (String, String)) -> T? where T.RawValue == String {
            guard let s = raw?.nilIfEmpty else { e[key] = L.t(missing.0, missing.1); return nil }
            guard let v = T(rawValue: s) else { e[key] = L.t("取值无效", "Unknown value"); return nil }
            return v
        }
        let kind: EmergencyPlanKind? = pick(i.kind, "kind", ("请选择预案类别", "Choose general or special"))
        let type: EmergencyType? = pick(i.type, "type", ("请选择事件类型", "Choose the kind of emergency"))
        let level: EmergencyLevel? = pick(i.level, "level", ("请选择响应级别", "Choose the response level"))
        var area: Division? = nil
        if let raw = i.areaID?.nilIfEmpty {
            area = try await CampaignService.managedAreas(req).first { String($0.id!) == raw }
            if area == nil { e["areaID"] = L.t("您不能为该区域制定预案", "You cannot write plans for this area") }
        } else { e["areaID"] = L.t("请选择适用区域", "Choose the area") }
        let texts: [(String, String?, Int)] = [("scope", i.scope, 4000), ("steps", i.steps, 8000), ("resources", i.resources, 4000), ("contacts", i.contacts, 2000)]
        for (key, value, limit) in texts where (value ?? "").count > limit { e[key] = L.t("不能超过\(limit)字", "At most \(limit) characters") }
        var review: LocalDay? = nil
        if let s = i.reviewDueOn?.nilIfEmpty {
            review = LocalDay(s)
            if review == nil { e["reviewDueOn"] = L.t("日期格式应为 2027-12-31", "Use a date like 2027-12-31") }
        } else { e["reviewDueOn"] = L.t("请填写复审日期", "Enter the review day") }
        var months: Int? = nil
        if let s = i.drillIntervalMonths?.trimmed.nilIfEmpty {
            months = Int(s)
            if months.map({ !(EmergencyPlanRules.minDrillMonths...EmergencyPlanRules.maxDrillMonths).contains($0) }) ?? true {
                e["drillIntervalMonths"] = L.t("演练周期应为 1–36 个月", "Drill every 1 to 36 months"); months = nil
            }
        } else { e["drillIntervalMonths"] = L.t("请填写演练周期", "Enter how often it is drilled") }
        var candidates: [ResponsibleUnit] = []
        if let area { candidates = try await CampaignService.candidateUnits(req, area: area) }
        let allowed = Set(candidates.compactMap(\.id))
        var units: [(Int, String)] = []
        for (raw, duty) in (i.units ?? [:]).sorted(by: { $0.key < $1.key }) {
            let duty = duty.trimmed
            guard !duty.isEmpty else { continue }
            guard let id = Int(raw), allowed.contains(id) else { if area != nil { e["units"] = L.t("责任单位须是服务该区域的处置单位", "Units must serve this area") }; continue }
            if duty.count > 300 { e["units"] = L.t("每个单位的职责不超过300字", "At most 300 characters per duty") }
            units.append((id, duty))
        }
        var teams: [Int] = []
        if let area {
            let choices = Set(try await ResponseTeamService.choices(req, areaID: area.id!).compactMap(\.id))
            for raw in i.teams ?? [] where !raw.trimmed.isEmpty {
                guard let id = Int(raw.trimmed), choices.contains(id) else { e["teams"] = L.t("处置队伍须是本区域或区级的在用队伍", "Teams must be active teams of this area or the district"); continue }
                if !teams.contains(id) { teams.append(id) }
            }
        }
        guard e.isEmpty, let kind, let type, let level, let area, let review, let months else { throw e.isEmpty ? FieldErrors(["name": "invalid"]) : e }
        return Checked(name: name, kind: kind, type: type, level: level, area: area, scope: (i.scope ?? "").trimmed, steps: (i.steps ?? "").trimmed,
                       resources: (i.resources ?? "").trimmed, contacts: (i.contacts ?? "").trimmed, reviewDue: review, drillMonths: months, units: units,
                       teams: teams)
    }

    private static func apply(_ k: Checked, to p: EmergencyPlan) {
        p.name = k.name; p.kind = k.kind; p.type = k.type; p.level = k.level; p.areaDivisionID = k.area.id!; p.scopeText = k.scope; p.steps = k.steps
        p.resources = k.resources; p.contacts = k.contacts; p.reviewDueOn = k.reviewDue.description; p.drillIntervalMonths = k.drillMonths
    }

    /// A new plan: version 1, a draft.
    static func create(_ req: Request, _ input: EmergencyPlanInput) async throws -> EmergencyPlan {
        try req.require(.runCampaigns)
        let k = try await check(req, input)
        let p = EmergencyPlan()
        apply(k, to: p)
        p.version = 1; p.status = .draft; p.familyID = 0; p.createdByID = try req.user.requireID()
        try await req.db.transaction { db in
            try await p.create(on: db)
            p.familyID = p.id!
            try await p.save(on: db)
            for (unit, duty) in k.units { try await EmergencyPlanUnit(planID: p.id!, unitID: unit, duty: duty).create(on: db) }
            for team in k.teams { try await EmergencyPlanTeam(planID: p.id!, teamID: team).create(on: db) }
            await req.audit("emergency_plan.create", entity: "emergency_plan", id: p.id.map(String.init), detail: "area=\(p.areaDivisionID) units=\(k.units.count)", on: db)
        }
        return p
    }

    /// Only a draft is edited; an approved version is changed by revising it.
    static func update(_ req: Request, _ p: EmergencyPlan, _ input: EmergencyPlanInput) async throws -> EmergencyPlan {
        try await requireManage(req, p)
        guard p.status == .draft else { throw Abort(.conflict, reason: req.t("只有草案可以修改；现行预案请先“修订”生成新版本", "Only a draft can be changed: revise the approved plan to make a new version")) }
        let k = try await check(req, input)
        apply(k, to: p)
        try await req.db.transaction { db in
            try await p.save(on: db)
            try await EmergencyPlanUnit.query(on: db).filter(\.$planID == p.id!).delete()
            for (unit, duty) in k.units { try await EmergencyPlanUnit(planID: p.id!, unitID: unit, duty: duty).create(on: db) }
            try await EmergencyPlanTeam.query(on: db).filter(\.$planID == p.id!).delete()
            for team in k.teams { try await EmergencyPlanTeam(planID: p.id!, teamID: team).create(on: db) }
            await req.audit("emergency_plan.update", entity: "emergency_plan", id: p.id.map(String.init), detail: "units=\(k.units.count)", on: db)
        }
        return p
    }

    /// 批准: the draft comes into force; the version in force until now is superseded.
    static func approve(_ req: Request, _ p: EmergencyPlan) async throws {
        try await requireManage(req, p)
        guard p.status == .draft else { throw Abort(.conflict, reason: req.t("该版本已批准或已被替代", "This version is already approved or superseded")) }
        let L = req.lang
        let unitCount = try await EmergencyPlanUnit.query(on: req.db).filter(\.$planID == p.id!).count()
        let today = LocalDay(req.today) ?? LocalDay(Date(), in: req.localCalendar)
        let gaps = EmergencyPlanRules.approvalGaps(units: unitCount, steps: p.stepList, reviewDue: LocalDay(p.reviewDueOn), today: today)
        guard gaps.isEmpty else { throw FieldErrors(Dictionary(uniqueKeysWithValues: gaps.map { ($0.key, L.t($0.value.zh, $0.value.en)) })) }
        let me = try req.user.requireID()
        try await req.db.transaction { db in
            for old in try await EmergencyPlan.query(on: db).filter(\.$familyID == p.familyID).filter(\.$status == .approved).all() {
                old.status = .superseded; try await old.save(on: db)
            }
            p.status = .approved; p.approvedOn = today.description; p.approvedByID = me
            try await p.save(on: db)
            await req.audit("emergency_plan.approve", entity: "emergency_plan", id: p.id.map(String.init), detail: "family=\(p.familyID) version=\(p.version)", on: db)
        }
    }

    /// 修订: a new draft copied from the approved version (one draft at a time; an existing draft is returned as is).
    static func revise(_ req: Request, _ p: EmergencyPlan) async throws -> EmergencyPlan {
        try await requireManage(req, p)
        if let draft = try await EmergencyPlan.query(on: req.db).filter(\.$familyID == p.familyID).filter(\.$status == .draft).first() { return draft }
        guard p.status == .approved else { throw Abort(.conflict, reason: req.t("只能修订现行版本", "Only the version in force can be revised")) }
        let latest = try await EmergencyPlan.query(on: req.db).filter(\.$familyID == p.familyID).sort(\.$version, .descending).first()?.version ?? p.version
        let units = try await EmergencyPlanUnit.query(on: req.db).filter(\.$planID == p.id!).all()
        let teams = try await EmergencyPlanTeam.query(on: req.db).filter(\.$planID == p.id!).all()
        let n = EmergencyPlan()
        n.familyID = p.familyID; n.version = latest + 1; n.kind = p.kind; n.type = p.type; n.level = p.level; n.areaDivisionID = p.areaDivisionID
        n.name = p.name; n.scopeText = p.scopeText; n.steps = p.steps; n.resources = p.resources; n.contacts = p.contacts
        n.reviewDueOn = p.reviewDueOn; n.drillIntervalMonths = p.drillIntervalMonths; n.status = .draft; n.createdByID = try req.user.requireID()
        try await req.db.transaction { db in
            try await n.create(on: db)
            for u in units { try await EmergencyPlanUnit(planID: n.id!, unitID: u.unitID, duty: u.duty).create(on: db) }
            for t in teams { try await EmergencyPlanTeam(planID: n.id!, teamID: t.teamID).create(on: db) }
            await req.audit("emergency_plan.revise", entity: "emergency_plan", id: n.id.map(String.init), detail: "from=\(p.id!) version=\(n.version)", on: db)
        }
        return n
    }

    // MARK: drills and their follow-ups

    static func addDrill(_ req: Request, _ p: EmergencyPlan, _ i: EmergencyDrillInput) async throws -> EmergencyDrill {
        try req.require(.editGovernance)
        let L = req.lang
        var e = FieldErrors()
        guard p.status != .superseded else { throw Abort(.conflict, reason: L.t("请在现行版本上登记演练", "Record drills on the version in force")) }
        let today = LocalDay(req.today) ?? LocalDay(Date(), in: req.localCalendar)
        var held: LocalDay? = nil
        if let s = i.heldOn?.nilIfEmpty {
            held = LocalDay(s)
            if held == nil { e["heldOn"] = L.t("日期格式应为 2026-11-20", "Use a date like 2026-11-20") }
            else if held! > today { e["heldOn"] = L.t("演练日期不能晚于今天", "The drill cannot be in the future") }
            else if held!.days(until: today) > 366 * 5 { e["heldOn"] = L.t("只能登记近五年的演练", "Only drills of the last five years") }
        } else { e["heldOn"] = L.t("请填写演练日期", "Enter the day of the drill") }
        let scenario = (i.scenario ?? "").trimmed, participants = (i.participants ?? "").trimmed, findings = (i.findings ?? "").trimmed
        if scenario.isEmpty { e["scenario"] = L.t("请写明演练情景", "Describe the scenario") } else if scenario.count > 1000 { e["scenario"] = L.t("不能超过1000字", "At most 1000 characters") }
        if participants.count > 1000 { e["participants"] = L.t("不能超过1000字", "At most 1000 characters") }
        if findings.count > 4000 { e["findings"] = L.t("不能超过4000字", "At most 4000 characters") }
        var people = 0
        if let s = i.people?.trimmed.nilIfEmpty {
            if let n = Int(s), (0...100_000).contains(n) { people = n } else { e["people"] = L.t("参演人数应为 0–100000 的整数", "A whole number from 0 to 100,000") }
        }
        guard e.isEmpty, let held else { throw e }
        let d = EmergencyDrill()
        d.familyID = p.familyID; d.planID = p.id!; d.heldOn = held.description; d.scenario = scenario; d.participants = participants
        d.people = people; d.findings = findings; d.createdByID = try req.user.requireID()
        try await req.db.transaction { db in
            try await d.create(on: db)
            await req.audit("emergency_drill.create", entity: "emergency_drill", id: d.id.map(String.init), detail: "plan=\(p.id!) held=\(d.heldOn)", on: db)
        }
        return d
    }

    /// A drill and its plan, both visible to the user, or 404.
    static func findDrill(_ req: Request, _ id: Int?) async throws -> (EmergencyPlan, EmergencyDrill) {
        try req.require(.viewGovernance)
        guard let id, let d = try await EmergencyDrill.find(id, on: req.db), let p = try? await find(req, d.planID) else { throw Abort(.notFound) }
        return (p, d)
    }

    static func findAction(_ req: Request, _ id: Int?) async throws -> (EmergencyPlan, EmergencyDrillAction) {
        try req.require(.viewGovernance)
        guard let id, let a = try await EmergencyDrillAction.find(id, on: req.db), let found = try? await findDrill(req, a.drillID) else { throw Abort(.notFound) }
        return (found.0, a)
    }

    static func addAction(_ req: Request, _ d: EmergencyDrill, _ i: EmergencyDrillActionInput) async throws -> EmergencyDrillAction {
        try req.require(.editGovernance)
        let L = req.lang
        var e = FieldErrors()
        let text = (i.text ?? "").trimmed, owner = (i.owner ?? "").trimmed
        if text.isEmpty { e["text"] = L.t("请写明整改事项", "Say what is to be put right") } else if text.count > 500 { e["text"] = L.t("不能超过500字", "At most 500 characters") }
        if owner.isEmpty { e["owner"] = L.t("请填写责任单位或责任人", "Name who is responsible") } else if owner.count > 100 { e["owner"] = L.t("不能超过100字", "At most 100 characters") }
        var due: LocalDay? = nil
        if let s = i.dueOn?.nilIfEmpty {
            due = LocalDay(s)
            if due == nil { e["dueOn"] = L.t("日期格式应为 2026-12-31", "Use a date like 2026-12-31") }
            else if let held = LocalDay(d.heldOn), due! < held { e["dueOn"] = L.t("完成期限不能早于演练日期", "The deadline cannot be before the drill") }
        } else { e["dueOn"] = L.t("请填写完成期限", "Enter the deadline") }
        guard e.isEmpty, let due else { throw e }
        let a = EmergencyDrillAction()
        a.drillID = d.id!; a.text = text; a.owner = owner; a.dueOn = due.description; a.doneNote = ""; a.createdByID = try req.user.requireID()
        try await req.db.transaction { db in
            try await a.create(on: db)
            await req.audit("emergency_drill_action.create", entity: "emergency_drill_action", id: a.id.map(String.init), detail: "drill=\(d.id!) due=\(a.dueOn)", on: db)
        }
        return a
    }

    /// Reported done once, with what was done.
    static func complete(_ req: Request, _ a: EmergencyDrillAction, note raw: String?) async throws {
        try req.require(.editGovernance)
        let L = req.lang
        guard a.doneOn == nil else { throw Abort(.conflict, reason: L.t("该事项已完成", "Already done")) }
        let note = (raw ?? "").trimmed
        if note.isEmpty { throw FieldErrors(["note": L.t("请写明整改情况", "Say what was done")]) }
        if note.count > 1000 { throw FieldErrors(["note": L.t("不能超过1000字", "At most 1000 characters")]) }
        a.doneOn = req.today; a.doneNote = note
        try await req.db.transaction { db in
            try await a.save(on: db)
            await req.audit("emergency_drill_action.done", entity: "emergency_drill_action", id: a.id.map(String.init), detail: "", on: db)
        }
    }
}
