import Fluent
import SQLKit
import Vapor
import PinganKit

enum CampaignService {
    // MARK: who sees and runs what

    /// Areas whose campaigns the user sees: nil for whole-district roles; otherwise the streets of the user's
    /// communities and the district above them (a district campaign reaches every street).
    static func visibleAreas(_ req: Request) async throws -> [Int]? {
        guard let streets = try await MeetingService.visibleAreas(req) else { return nil }
        guard !streets.isEmpty else { return [] }
        let parents = try await Division.query(on: req.db).filter(\.$id ~~ streets).all().compactMap(\.parentID)
        return Array(Set(streets + parents)).sorted()
    }

    /// Areas the user may run a campaign for: the district and its streets for whole-district roles; a street whose
    /// every community is in the user's scope (a station chief's); nothing for a single community's officer.
    static func managedAreas(_ req: Request) async throws -> [Division] {
        let scope = try await req.scope()
        let all = try await Division.query(on: req.db).filter(\.$level ~~ [.district, .street]).sort(\.$code).all()
        if scope.reachesAllCommunities { return all }
        let streets = all.filter { $0.level == .street }
        let communities = try await Division.query(on: req.db).filter(\.$level == .community).filter(\.$parentID ~~ streets.compactMap(\.id)).all()
        let byStreet = Dictionary(grouping: communities, by: { $0.parentID ?? 0 })
        return streets.filter { s in
            let cs = byStreet[s.id!] ?? []
            return !cs.isEmpty && cs.allSatisfy { scope.allowsWholeCommunity($0.id!) }
        }
    }

    /// Ids of the campaigns the user sees (for counts across campaigns).
    static func visibleCampaignIDs(_ req: Request) async throws -> [Int] {
        let q = Campaign.query(on: req.db)
        if let areas = try await visibleAreas(req) { q.filter(\.$areaDivisionID ~~ areas) }
        return try await q.all(\.$id)
    }

    static func canManage(_ req: Request, _ c: Campaign) async throws -> Bool {
        guard try req.user.role.can(.runCampaigns) else { return false }
        return try await managedAreas(req).contains { $0.id == c.areaDivisionID }
    }

    static func find(_ req: Request, _ id: Int?) async throws -> Campaign {
        try req.require(.viewGovernance)
        let areas = try await visibleAreas(req)
        guard let id, let c = try await Campaign.find(id, on: req.db), areas.map({ $0.contains(c.areaDivisionID) }) ?? true else {
            throw Abort(.notFound)
        }
        return c
    }

    static func list(_ req: Request, phase: CampaignPhase?, q text: String?, page: PinganKit.PageRequest) async throws -> ([Campaign], PageInfo) {
        try req.require(.viewGovernance)
        let q = Campaign.query(on: req.db)
        if let areas = try await visibleAreas(req) { q.filter(\.$areaDivisionID ~~ areas) }
        let today = req.today
        switch phase {
        case .planned?: q.filter(\.$startsOn > today)
        case .running?: q.filter(\.$startsOn <= today).filter(\.$endsOn >= today)
        case .ended?: q.filter(\.$endsOn < today)
        case nil: break
        }
        if let text { q.filter(\.$name ~~ text) }
        let total = try await q.copy().count()
        return (try await q.sort(\.$startsOn, .descending).sort(\.$id, .descending).range(page.offset..<(page.offset + page.per)).all(), page.info(total: total))
    }

    static func departments(_ req: Request, _ campaignIDs: [Int]) async throws -> [Int: [CampaignDepartment]] {
        guard !campaignIDs.isEmpty else { return [:] }
        let rows = try await CampaignDepartment.query(on: req.db).filter(\.$campaignID ~~ campaignIDs).sort(\.$id).all()
        return Dictionary(grouping: rows, by: \.campaignID)
    }

    static func unitNames(_ req: Request, _ ids: [Int]) async throws -> [Int: String] {
        let unique = Array(Set(ids))
        guard !unique.isEmpty else { return [:] }
        return Dictionary(uniqueKeysWithValues: try await ResponsibleUnit.query(on: req.db).filter(\.$id ~~ unique).all().map { ($0.id!, $0.name) })
    }

    /// Units that may take part in a campaign of this area: active, serving the area or an area containing it.
    static func candidateUnits(_ req: Request, area: Division) async throws -> [ResponsibleUnit] {
        let units = try await ResponsibleUnit.query(on: req.db).filter(\.$active == true).sort(\.$kind).sort(\.$name).all()
        let codes = Dictionary(uniqueKeysWithValues: try await Division.query(on: req.db).filter(\.$id ~~ Array(Set(units.map(\.divisionID)))).all().map { ($0.id!, $0.code) })
        return units.filter { u in codes[u.divisionID].map { area.code == $0 || DivisionCode.isPrefix($0, of: area.code) } ?? false }
    }

    // MARK: writing a campaign

    struct CheckedCampaign { var name: String, area: Division, lead: Int, startsOn: LocalDay, endsOn: LocalDay, goal: String, departments: [(Int, String)] }

    static func check(_ req: Request, _ i: CampaignInput) async throws -> CheckedCampaign {
        let L = req.lang
        var e = FieldErrors()
        let name = (i.name ?? "").trimmed
        if name.isEmpty { e["name"] = L.t("请填写整治行动名称", "Name the campaign") } else if name.count > 100 { e["name"] = L.t("不能超过100字", "At most 100 characters") }
        var area: Division? = nil
        if let raw = i.areaID?.nilIfEmpty {
            area = try await managedAreas(req).first { String($0.id!) == raw }
            if area == nil { e["areaID"] = L.t("您不能为该区域组织整治行动", "You cannot run a campaign for this area") }
        } else { e["areaID"] = L.t("请选择整治范围", "Choose the area") }
        var start: LocalDay? = nil, end: LocalDay? = nil
        for (key, raw) in [("startsOn", i.startsOn), ("endsOn", i.endsOn)] {
            guard let s = raw?.nilIfEmpty else { e[key] = key == "startsOn" ? L.t("请填写开始日期", "Enter the first day") : L.t("请填写结束日期", "Enter the last day"); continue }
            guard let d = LocalDay(s) else { e[key] = L.t("日期格式应为 2026-03-05", "Use a date like 2026-03-05"); continue }
            if key == "startsOn" { start = d } else { end = d }
        }
        if let start, let end {
            if end < start { e["endsOn"] = L.t("结束日期不能早于开始日期", "The last day is before the first") }
            else if start.days(until: end) > 366 * 2 { e["endsOn"] = L.t("整治期不能超过两年", "At most two years") }
        }
        let goal = (i.goal ?? "").trimmed
        if goal.count > 2000 { e["goal"] = L.t("不能超过2000字", "At most 2000 characters") }
        var candidates: [ResponsibleUnit] = []
        if let area { candidates = try await candidateUnits(req, area: area) }
        let allowed = Set(candidates.compactMap(\.id))
        var lead: Int? = nil
        if let raw = i.leadUnitID?.nilIfEmpty {
            lead = Int(raw).flatMap { allowed.contains($0) ? $0 : nil }
            if lead == nil, area != nil { e["leadUnitID"] = L.t("牵头单位须是该区域的处置单位", "The lead must be a unit serving this area") }
        } else { e["leadUnitID"] = L.t("请选择牵头单位", "Choose the lead unit") }
        var departments: [(Int, String)] = []
        for (raw, duty) in (i.departments ?? [:]).sorted(by: { $0.key < $1.key }) {
            let duty = duty.trimmed
            guard !duty.isEmpty else { continue }
            guard let id = Int(raw), allowed.contains(id) else { if area != nil { e["departments"] = L.t("参加部门须是该区域的处置单位", "Departments must be units serving this area") }; continue }
            if duty.count > 200 { e["departments"] = L.t("每个部门的职责不超过200字", "At most 200 characters per duty") }
            departments.append((id, duty))
        }
        if let lead, !departments.contains(where: { $0.0 == lead }) { departments.insert((lead, L.t("牵头组织", "Leads")), at: 0) }
        guard e.isEmpty, let area, let lead, let start, let end else { throw e.isEmpty ? FieldErrors(["name": "invalid"]) : e }
        return CheckedCampaign(name: name, area: area, lead: lead, startsOn: start, endsOn: end, goal: goal, departments: departments)
    }

    static func create(_ req: Request, _ input: CampaignInput) async throws -> Campaign {
        try req.require(.runCampaigns)
        let k = try await check(req, input)
        let c = Campaign()
        c.name = k.name; c.areaDivisionID = k.area.id!; c.leadUnitID = k.lead; c.startsOn = k.startsOn.description; c.endsOn = k.endsOn.description
        c.goal = k.goal; c.createdByID = try req.user.requireID()
        try await req.db.transaction { db in
            try await c.create(on: db)
            for (unit, duty) in k.departments { try await CampaignDepartment(campaignID: c.id!, unitID: unit, duty: duty).create(on: db) }
            await req.audit("campaign.create", entity: "campaign", id: c.id.map(String.init), detail: "area=\(c.areaDivisionID) departments=\(k.departments.count)", on: db)
        }
        return c
    }

    /// The whole campaign is checked again; a department that has places given to it cannot be dropped.
    static func update(_ req: Request, _ c: Campaign, _ input: CampaignInput) async throws -> Campaign {
        try req.require(.runCampaigns)
        guard try await canManage(req, c) else { throw Abort(.forbidden, reason: req.t("只有整治范围的组织者可以修改整治行动", "Only the campaign's organisers may change it")) }
        let k = try await check(req, input)
        let kept = Set(k.departments.map(\.0))
        // unscoped: which departments have places at all, whoever can see them
        let used = Set(try await CampaignTarget.query(on: req.db).filter(\.$campaignID == c.id!).all().compactMap(\.departmentID))
        if let dropped = used.subtracting(kept).first {
            let name = try await unitNames(req, [dropped])[dropped] ?? "#\(dropped)"
            throw FieldErrors(["departments": req.t("\(name) 已分到整治对象，不能移出", "\(name) has places given to it and cannot be removed")])
        }
        if k.area.id != c.areaDivisionID, try await CampaignTarget.query(on: req.db).filter(\.$campaignID == c.id!).count() > 0 { // unscoped: existence only
            throw FieldErrors(["areaID": req.t("已有整治对象的行动不能改变范围", "A campaign with places cannot change its area")])
        }
        c.name = k.name; c.areaDivisionID = k.area.id!; c.leadUnitID = k.lead; c.startsOn = k.startsOn.description; c.endsOn = k.endsOn.description; c.goal = k.goal
        try await req.db.transaction { db in
            try await c.update(on: db)
            try await CampaignDepartment.query(on: db).filter(\.$campaignID == c.id!).delete()
            for (unit, duty) in k.departments { try await CampaignDepartment(campaignID: c.id!, unitID: unit, duty: duty).create(on: db) }
            await req.audit("campaign.update", entity: "campaign", id: c.id.map(String.init), detail: "departments=\(k.departments.count)", on: db)
        }
        return c
    }

    // MARK: progress

    /// Progress over the places the user may see, counted in one grouped read: per department, per street, in all.
    static func progress(_ req: Request, _ c: Campaign, departments: [CampaignDepartment]) async throws -> CampaignProgress {
        let scope = try await req.scope()
        let sql = req.db as! any SQLDatabase
        let q = sql.select().column(SQLColumn("ledger", table: "t")).column(SQLColumn("status", table: "t")).column(SQLColumn("department_id", table: "t"))
            .column(SQLColumn("parent_id", table: "d")).column(SQLFunction("COUNT", args: SQLLiteral.all), as: "n")
            .from(SQLAlias(SQLIdentifier("campaign_targets"), as: SQLIdentifier("t")))
            .join(SQLAlias(SQLIdentifier("divisions"), as: SQLIdentifier("d")), on: SQLColumn("id", table: "d"), .equal, SQLColumn("community_id", table: "t"))
            .where(SQLColumn("campaign_id", table: "t"), .equal, SQLBind(c.id!))
        scope.restrict(q, community: SQLColumn("community_id", table: "t"), grid: nil)
        q.groupBy(SQLColumn("ledger", table: "t")).groupBy(SQLColumn("status", table: "t")).groupBy(SQLColumn("department_id", table: "t")).groupBy(SQLColumn("parent_id", table: "d"))
        var facts: [CampaignTargetFact] = []
        for r in try await q.all() {
            guard let ledger = CampaignLedger(rawValue: try r.decode(column: "ledger", as: String.self)),
                  let status = CampaignTargetStatus(rawValue: try r.decode(column: "status", as: String.self)) else { continue }
            let fact = CampaignTargetFact(ledger: ledger, status: status, departmentID: try r.decode(column: "department_id", as: Int?.self),
                                          streetID: try r.decode(column: "parent_id", as: Int?.self))
            facts += Array(repeating: fact, count: try r.decode(column: "n", as: Int.self))
        }
        let streets = try await Division.query(on: req.db).filter(\.$level == .street).sort(\.$code).all().compactMap(\.id)
        return CampaignProgress.compute(facts, departmentOrder: departments.map(\.unitID), streetOrder: streets)
    }

    /// Closed and total places per campaign (the list's column), over the places the user may see, in one read.
    static func counts(_ req: Request, _ ids: [Int]) async throws -> [Int: (closed: Int, total: Int)] {
        guard !ids.isEmpty else { return [:] }
        let sql = req.db as! any SQLDatabase
        let q = sql.select().column("campaign_id").column("status").column(SQLFunction("COUNT", args: SQLLiteral.all), as: "n")
            .from("campaign_targets").where("campaign_id", .in, SQLBind.group(ids))
        try await req.scope().restrict(q, grid: nil)
        var out: [Int: (closed: Int, total: Int)] = [:]
        for r in try await q.groupBy("campaign_id").groupBy("status").all() {
            let id = try r.decode(column: "campaign_id", as: Int.self), n = try r.decode(column: "n", as: Int.self)
            let closed = try r.decode(column: "status", as: String.self) == CampaignTargetStatus.closed.rawValue
            out[id, default: (0, 0)].total += n
            if closed { out[id, default: (0, 0)].closed += n }
        }
        return out
    }

    // MARK: places

    static func findTarget(_ req: Request, _ c: Campaign, _ id: Int?) async throws -> CampaignTarget {
        let t = try await req.findScoped(CampaignTarget.self, id)
        guard t.campaignID == c.id else { throw ScopedRecordNotFound(entity: CampaignTarget.schema, id: id.map(String.init)) }
        return t
    }

    /// Registry places in the campaign's area the user may see, matching a name or address (the "add from the registry" search).
    static func siteMatches(_ req: Request, _ c: Campaign, q text: String) async throws -> [Site] {
        guard let area = try await Division.find(c.areaDivisionID, on: req.db) else { return [] }
        let communities = try await Division.query(on: req.db).filter(\.$level == .community)
            .filter(\.$code >= area.code).filter(\.$code < area.code + "~").all().compactMap(\.id)
        return try await req.scoped(Site.self).filter(\.$communityID ~~ communities)
            .filter(\.$kind !~ [SiteKind.camera, .checkpoint, .building])
            .group(.or) { $0.filter(\.$name ~~ text).filter(\.$address ~~ text) }
            .sort(\.$name).limit(20).all()
    }

    struct CheckedTarget { var ledger: CampaignLedger, siteID: Int?, name: String, address: String, communityID: Int, problems: String, departmentID: Int? }

    static func checkTarget(_ req: Request, _ c: Campaign, _ i: CampaignTargetInput, editing: CampaignTarget?) async throws -> CheckedTarget {
        let L = req.lang
        var e = FieldErrors()
        let ledger = i.ledger?.nilIfEmpty.flatMap(CampaignLedger.init(rawValue:))
        if ledger == nil { e["ledger"] = L.t("请选择挂帐或帐外", "Choose listed or found locally") }
        var site: Site? = nil
        if let raw = i.siteID?.nilIfEmpty {
            site = try await req.visible(Site.self, Int(raw))
            if site == nil { e["siteID"] = L.t("没有找到该登记场所，或您无权查看", "No such registered place in your jurisdiction") }
            else if let s = site, try await CampaignTarget.query(on: req.db) // unscoped: a duplicate check within one campaign
                        .filter(\.$campaignID == c.id!).filter(\.$siteID == s.id!).all().contains(where: { $0.id != editing?.id }) {
                e["siteID"] = L.t("该场所已在本次整治名单中", "This place is already on the campaign's list")
            }
        }
        // A registry place brings its own name, address and community unless the form says otherwise.
        let name = (i.name?.nilIfEmpty ?? site?.name ?? "").trimmed
        if name.isEmpty { e["name"] = L.t("请填写场所名称", "Name the place") } else if name.count > 100 { e["name"] = L.t("不能超过100字", "At most 100 characters") }
        let address = (i.address?.nilIfEmpty ?? site?.address ?? "").trimmed
        if address.count > 200 { e["address"] = L.t("不能超过200字", "At most 200 characters") }
        let place = try await Place.validate(req, community: i.communityID?.nilIfEmpty ?? site.map { String($0.communityID) }, grid: nil, building: nil, old: nil, errors: &e)
        if let place, let area = try await Division.find(c.areaDivisionID, on: req.db), let community = try await Division.find(place.communityID, on: req.db),
           !DivisionCode.isPrefix(area.code, of: community.code) {
            e["communityID"] = L.t("该社区不在本次整治范围内", "This community is outside the campaign's area")
        }
        if let site, let place, site.communityID != place.communityID { e["communityID"] = L.t("与登记场所所在社区不一致", "Not the registered place's community") }
        let problems = (i.problems ?? "").trimmed
        if problems.isEmpty { e["problems"] = L.t("请填写存在的问题", "Describe what is wrong there") } else if problems.count > 2000 { e["problems"] = L.t("不能超过2000字", "At most 2000 characters") }
        var department: Int? = nil
        if let raw = i.departmentID?.nilIfEmpty {
            let ids = try await CampaignDepartment.query(on: req.db).filter(\.$campaignID == c.id!).all().map(\.unitID)
            department = Int(raw).flatMap { ids.contains($0) ? $0 : nil }
            if department == nil { e["departmentID"] = L.t("责任部门须是本次行动的参加部门", "Choose one of the campaign's departments") }
        }
        guard e.isEmpty, let ledger, let place else { throw e.isEmpty ? FieldErrors(["name": "invalid"]) : e }
        return CheckedTarget(ledger: ledger, siteID: site?.id, name: name, address: address, communityID: place.communityID, problems: problems, departmentID: department)
    }

    static func addTarget(_ req: Request, _ c: Campaign, _ input: CampaignTargetInput) async throws -> CampaignTarget {
        try req.require(.editGovernance)
        let k = try await checkTarget(req, c, input, editing: nil)
        let t = CampaignTarget()
        apply(k, to: t)
        t.campaignID = c.id!; t.status = .pending; t.progressNote = ""; t.evidence = ""; t.createdByID = try req.user.requireID()
        try await req.db.transaction { db in
            try await t.create(on: db)
            await req.audit("campaign.target.create", entity: "campaign_target", id: t.id.map(String.init), detail: "campaign=\(c.id!) ledger=\(t.ledger.rawValue)", on: db)
        }
        return t
    }

    static func updateTarget(_ req: Request, _ c: Campaign, _ t: CampaignTarget, _ input: CampaignTargetInput) async throws -> CampaignTarget {
        try req.require(.editGovernance)
        if t.status == .closed { throw FieldErrors(["name": req.t("已销帐的整治对象不能修改", "A closed place cannot be changed")]) }
        let k = try await checkTarget(req, c, input, editing: t)
        apply(k, to: t)
        try await req.db.transaction { db in
            try await t.update(on: db)
            await req.audit("campaign.target.update", entity: "campaign_target", id: t.id.map(String.init), detail: "campaign=\(c.id!)", on: db)
        }
        return t
    }

    private static func apply(_ k: CheckedTarget, to t: CampaignTarget) {
        t.ledger = k.ledger; t.siteID = k.siteID; t.name = k.name; t.address = k.address; t.communityID = k.communityID; t.problems = k.problems
        t.departmentID = k.departmentID
    }

    /// 整治中 with a note, or 销帐 with the day (within the campaign's start and today) and the evidence; closed is final.
    static func step(_ req: Request, _ c: Campaign, _ t: CampaignTarget, _ input: CampaignTargetStepInput) async throws -> CampaignTarget {
        try req.require(.editGovernance)
        let L = req.lang
        var e = FieldErrors()
        let next = input.status?.nilIfEmpty.flatMap(CampaignTargetStatus.init(rawValue:))
        if next == nil { e["status"] = L.t("请选择整治进展", "Choose the step") }
        else if let next, !t.status.canMove(to: next) {
            e["status"] = t.status == .closed ? L.t("该整治对象已销帐", "This place is already closed") : L.t("不能从“\(t.status.nameZh)”改为“\(next.nameZh)”", "Cannot go from \(t.status.nameEn) to \(next.nameEn)")
        }
        let note = (input.note ?? "").trimmed
        if note.count > 1000 { e["note"] = L.t("不能超过1000字", "At most 1000 characters") }
        let evidence = (input.evidence ?? "").trimmed
        let prepared: [PhotoStore.Prepared]
        do { prepared = try await PhotoStore.prepare(req, input.photos ?? []) } catch let p as FieldErrors { prepared = []; for (k, v) in p.fields { e[k] = v } }
        var closedOn: LocalDay? = nil
        if next == .closed {
            if evidence.isEmpty { e["evidence"] = L.t("销帐须写明整治结果和依据", "Say what was done and how it was checked") }
            else if evidence.count > 2000 { e["evidence"] = L.t("不能超过2000字", "At most 2000 characters") }
            let today = LocalDay(Date(), in: req.localCalendar)
            if let raw = input.closedOn?.nilIfEmpty {
                if let d = LocalDay(raw) {
                    if d > today { e["closedOn"] = L.t("销帐日期不能晚于今天", "The day closed cannot be in the future") }
                    else if d.description < c.startsOn { e["closedOn"] = L.t("销帐日期不能早于行动开始日期 \(c.startsOn)", "The day closed is before the campaign began (\(c.startsOn))") }
                    else { closedOn = d }
                } else { e["closedOn"] = L.t("日期格式应为 2026-03-05", "Use a date like 2026-03-05") }
            } else { closedOn = today }
        } else if next == .rectifying, note.isEmpty {
            e["note"] = L.t("请写明正在采取的整治措施", "Say what is being done")
        }
        guard e.isEmpty, let next else { throw e }
        t.status = next
        if !note.isEmpty { t.progressNote = note }
        if next == .closed { t.evidence = evidence; t.closedOn = closedOn?.description; t.closedByID = try req.user.requireID() }
        let me = try req.user.requireID()
        var stored: [Photo] = []
        do {
            try await req.db.transaction { db in
                try await t.update(on: db)
                stored = try await PhotoStore.attach(req, prepared, owner: .campaignTarget, ownerID: t.id!, moderation: .internalOnly, uploadedBy: me, on: db)
                await req.audit("campaign.target.\(next == .closed ? "close" : "progress")", entity: "campaign_target", id: t.id.map(String.init),
                                detail: "campaign=\(c.id!) status=\(next.rawValue)" + (stored.isEmpty ? "" : " photos=\(stored.count)"), on: db)
            }
        } catch {
            PhotoStore.discard(req.application, PhotoStore.files(of: stored))
            throw error
        }
        return t
    }

    /// A campaign's place the user may see (its own scope and its campaign's), or 404.
    static func visibleTarget(_ req: Request, _ id: Int?) async throws -> (Campaign, CampaignTarget) {
        try req.require(.viewGovernance)
        let t = try await req.findScoped(CampaignTarget.self, id)
        guard let c = try? await find(req, t.campaignID) else { throw ScopedRecordNotFound(entity: CampaignTarget.schema, id: t.id.map(String.init)) }
        return (c, t)
    }

    /// The photos of a place's rectification, oldest first.
    static func photos(_ db: any Database, _ t: CampaignTarget) async throws -> [Photo] {
        try await Photo.query(on: db).filter(\.$owner == PhotoOwner.campaignTarget.rawValue).filter(\.$ownerID == t.id!).sort(\.$id).all()
    }
}
