import Fluent
import Vapor
import PinganKit

/// 应急处突队伍: who sees and writes a team (as the plans), its members (staff accounts or the forces' team members),
/// their skills, the on-call roster, and which plans call on it. Teams are few (tens per district), so lists are read whole.
enum ResponseTeamService {
    // MARK: who sees and writes what

    static func find(_ req: Request, _ id: Int?) async throws -> ResponseTeam {
        try req.require(.viewGovernance)
        let areas = try await CampaignService.visibleAreas(req)
        guard let id, let t = try await ResponseTeam.find(id, on: req.db), areas.map({ $0.contains(t.areaDivisionID) }) ?? true else {
            throw Abort(.notFound)
        }
        return t
    }

    static func findMember(_ req: Request, _ id: Int?) async throws -> (ResponseTeam, ResponseTeamMember) {
        guard let id, let m = try await ResponseTeamMember.find(id, on: req.db), let t = try? await find(req, m.teamID) else { throw Abort(.notFound) }
        return (t, m)
    }

    static func findShift(_ req: Request, _ id: Int?) async throws -> (ResponseTeam, ResponseTeamShift) {
        guard let id, let s = try await ResponseTeamShift.find(id, on: req.db), let t = try? await find(req, s.teamID) else { throw Abort(.notFound) }
        return (t, s)
    }

    static func canManage(_ req: Request, _ t: ResponseTeam) async throws -> Bool {
        guard try req.user.role.can(.runCampaigns) else { return false }
        return try await CampaignService.managedAreas(req).contains { $0.id == t.areaDivisionID }
    }

    static func requireManage(_ req: Request, _ t: ResponseTeam) async throws {
        try req.require(.runCampaigns)
        guard try await canManage(req, t) else { throw Abort(.forbidden, reason: req.t("您不能修改该区域的应急队伍", "You cannot change this area's teams")) }
    }

    // MARK: reading

    static func list(_ req: Request, _ f: ResponseTeamFilter) async throws -> [ResponseTeam] {
        try req.require(.viewGovernance)
        let q = ResponseTeam.query(on: req.db)
        if let areas = try await CampaignService.visibleAreas(req) { q.filter(\.$areaDivisionID ~~ areas) }
        if !f.includeInactive { q.filter(\.$active == true) }
        if let text = f.q { q.group(.or) { $0.filter(\.$name ~~ text).filter(\.$equipment ~~ text).filter(\.$note ~~ text) } }
        var teams = try await q.sort(\.$areaDivisionID).sort(\.$name).all()
        if let type = f.type { teams = teams.filter { $0.typeList.contains(type) } }
        return teams
    }

    struct Person { var name: String; var detail: String; var hasAccount: Bool }

    /// Names and details of the members' people: accounts by display name and role, team members by name, kind and community.
    static func people(_ req: Request, _ members: [ResponseTeamMember]) async throws -> [Int: Person] {
        let L = req.lang
        let userIDs = members.compactMap(\.userID), memberIDs = members.compactMap(\.teamMemberID)
        let users = userIDs.isEmpty ? [] : try await User.query(on: req.db).filter(\.$id ~~ userIDs).all()
        // unscoped: the members of a team the caller may see (a district team draws on every community)
        let teamMembers = memberIDs.isEmpty ? [] : try await TeamMember.query(on: req.db).filter(\.$id ~~ memberIDs).all()
        let communities = try await DivisionLookup.names(teamMembers.map(\.communityID), on: req.db)
        let userByID = Dictionary(uniqueKeysWithValues: users.map { ($0.id!, $0) })
        let tmByID = Dictionary(uniqueKeysWithValues: teamMembers.map { ($0.id!, $0) })
        var out: [Int: Person] = [:]
        for m in members {
            if let uid = m.userID, let u = userByID[uid] {
                out[m.id!] = Person(name: u.displayName, detail: L.isEnglish ? u.role.nameEn : u.role.nameZh, hasAccount: u.active)
            } else if let tid = m.teamMemberID, let t = tmByID[tid] {
                out[m.id!] = Person(name: t.name, detail: (L.isEnglish ? t.kind.nameEn : t.kind.nameZh) + " · " + (communities[t.communityID] ?? ""), hasAccount: false)
            }
        }
        return out
    }

    static func today(_ req: Request) -> LocalDay { LocalDay(req.today) ?? LocalDay(Date(), in: req.localCalendar) }

    /// The teams as the register and the API show them; `detail` adds members, the roster from today and the plans.
    static func dtos(_ req: Request, _ teams: [ResponseTeam], detail: Bool = false) async throws -> [ResponseTeamDTO] {
        let ids = teams.compactMap(\.id)
        guard !ids.isEmpty else { return [] }
        let today = today(req)
        let members = try await ResponseTeamMember.query(on: req.db).filter(\.$teamID ~~ ids).sort(\.$id).all()
        let shifts = try await ResponseTeamShift.query(on: req.db).filter(\.$teamID ~~ ids).filter(\.$endsOn >= today.description)
            .sort(\.$startsOn).sort(\.$id).all()
        let people = try await people(req, members)
        let areas = try await DivisionLookup.names(teams.map(\.areaDivisionID), on: req.db)
        let membersByTeam = Dictionary(grouping: members, by: \.teamID), shiftsByTeam = Dictionary(grouping: shifts, by: \.teamID)
        var plansByTeam: [Int: [ResponseTeamPlanDTO]] = [:]
        if detail {
            let links = try await EmergencyPlanTeam.query(on: req.db).filter(\.$teamID ~~ ids).all()
            let plans = links.isEmpty ? [] : try await EmergencyPlan.query(on: req.db).filter(\.$id ~~ links.map(\.planID)).filter(\.$status != .superseded).all()
            let byID = Dictionary(uniqueKeysWithValues: plans.map { ($0.id!, $0) })
            for l in links { if let p = byID[l.planID] { plansByTeam[l.teamID, default: []].append(.init(id: p.id!, name: p.name, version: p.version, status: p.status)) } }
        }
        return teams.map { t in
            let ms = membersByTeam[t.id!] ?? []
            let roster = (shiftsByTeam[t.id!] ?? []).compactMap(\.shift)
            let onCall = Set(ResponseTeamRules.onCall(roster, on: today))
            let name: (Int) -> String = { people[$0]?.name ?? "—" }
            return ResponseTeamDTO(
                id: t.id!, areaID: t.areaDivisionID, area: areas[t.areaDivisionID], name: t.name, types: t.typeList,
                dutyPhone: t.dutyPhone, equipment: t.equipment, note: t.note, active: t.active, memberCount: ms.count,
                leader: ms.first { $0.role == .leader }.map { name($0.id!) },
                onCallToday: ms.filter { onCall.contains($0.id!) }.map { name($0.id!) },
                uncoveredDays: ResponseTeamRules.uncoveredDays(roster, from: today).map(\.description),
                missingSkills: ResponseTeamRules.missingSkills(types: t.typeList, members: ms.map(\.skillList)),
                members: detail ? ms.map { m in
                    let p = people[m.id!]
                    return ResponseTeamMemberDTO(id: m.id!, source: m.userID != nil ? "user" : "teamMember", userID: m.userID, teamMemberID: m.teamMemberID,
                                                 name: p?.name ?? "—", detail: p?.detail ?? "", role: m.role, skills: m.skillList,
                                                 hasAccount: p?.hasAccount ?? false, onCallToday: onCall.contains(m.id!))
                } : nil,
                shifts: detail ? (shiftsByTeam[t.id!] ?? []).map { ResponseTeamShiftDTO(id: $0.id!, memberID: $0.memberID, member: name($0.memberID), startsOn: $0.startsOn, endsOn: $0.endsOn) } : nil,
                plans: detail ? (plansByTeam[t.id!] ?? []) : nil,
                updatedAt: t.updatedAt)
        }
    }

    // MARK: who can be a member

    struct Candidate { var key: String; var label: String; var name: String; var userID: Int?; var teamMemberID: Int? }

    /// Staff whose jurisdiction lies in the team's area, and the forces' active team members of its communities. The
    /// district's teams draw on everyone.
    static func candidates(_ req: Request, _ t: ResponseTeam, limit: Int? = 400) async throws -> [Candidate] {
        let L = req.lang
        guard let area = try await Division.find(t.areaDivisionID, on: req.db) else { return [] }
        let inArea: Set<Int>
        if area.level == .district {
            inArea = Set(try await Division.query(on: req.db).all().compactMap(\.id))
        } else {
            inArea = Set(try await Division.query(on: req.db).filter(\.$code >= area.code).filter(\.$code < area.code + "~").all()
                .filter { $0.code == area.code || DivisionCode.isPrefix(area.code, of: $0.code) }.compactMap(\.id))
        }
        let units = try await CampaignService.candidateUnits(req, area: area).compactMap(\.id)
        let users = try await User.query(on: req.db).filter(\.$active == true).sort(\.$displayName).all().filter { u in
            (u.scopeDivisionID.map(inArea.contains) ?? (area.level == .district)) || (u.unitID.map(units.contains) ?? false)
        }
        let communities = Array(inArea)
        // unscoped: the team's area, which only its managers (runCampaigns for the area) are offered
        let members = try await TeamMember.query(on: req.db).filter(\.$status == .active).filter(\.$communityID ~~ communities).sort(\.$name).all()
        let names = try await DivisionLookup.names(Array(Set(members.map(\.communityID))), on: req.db)
        var out = users.map { u in
            Candidate(key: "u\(u.id!)", label: "\(u.displayName) · \(L.isEnglish ? u.role.nameEn : u.role.nameZh) #u\(u.id!)", name: u.displayName, userID: u.id)
        }
        out += members.map { m in
            Candidate(key: "m\(m.id!)", label: "\(m.name) · \(L.isEnglish ? m.kind.nameEn : m.kind.nameZh) · \(names[m.communityID] ?? "") #m\(m.id!)",
                      name: m.name, teamMemberID: m.id)
        }
        return limit.map { Array(out.prefix($0)) } ?? out
    }

    /// "张三 · 网格员 · 德兴社区 #m45" (a list choice), "#m45", or a name typed by hand that only one candidate has.
    static func resolve(_ req: Request, _ t: ResponseTeam, who: String) async throws -> Result<Candidate, FieldErrors> {
        let L = req.lang
        let text = who.trimmed
        guard !text.isEmpty else { return .failure(FieldErrors(["who": L.t("请从列表中选择队员", "Choose the member from the list")])) }
        let all = try await candidates(req, t, limit: nil)
        if let hash = text.range(of: "#", options: .backwards) {
            let key = String(text[hash.upperBound...]).trimmed
            if let c = all.first(where: { $0.key == key }) { return .success(c) }
            return .failure(FieldErrors(["who": L.t("列表中没有此人（须是本区域的工作人员或在岗队员）", "Not on the list: a member must work in the team's area")]))
        }
        let same = all.filter { $0.name == text }
        switch same.count {
        case 1: return .success(same[0])
        case 0: return .failure(FieldErrors(["who": L.t("没有找到“\(text)”：须是本区域的工作人员或在岗队员，请从列表中选择", "No \(text) here: a member must work in the team's area; choose from the list")]))
        default: return .failure(FieldErrors(["who": L.t("有\(same.count)人叫“\(text)”，请从列表中选择（带编号）", "\(same.count) people are called \(text): choose one from the list")]))
        }
    }

    // MARK: writing

    struct Checked { var name: String; var areaID: Int; var types: [EmergencyType]; var dutyPhone: String; var equipment: String; var note: String; var active: Bool }

    static func check(_ req: Request, _ i: ResponseTeamInput, editing: ResponseTeam?) async throws -> Checked {
        let L = req.lang
        var e = FieldErrors()
        let name = (i.name ?? "").trimmed
        if name.isEmpty { e["name"] = L.t("请填写队伍名称", "Enter the team's name") } else if name.count > 60 { e["name"] = L.t("不能超过60字", "At most 60 characters") }
        let managed = try await CampaignService.managedAreas(req)
        var areaID = editing?.areaDivisionID
        if editing == nil {
            areaID = i.areaID.flatMap { Int($0.trimmed) }
            if areaID == nil || !managed.contains(where: { $0.id == areaID }) { e["areaID"] = L.t("请选择您负责的区域", "Choose an area you are responsible for") }
        }
        var types: [EmergencyType] = []
        for code in i.types ?? [] where !code.trimmed.isEmpty {
            guard let t = EmergencyType(rawValue: code.trimmed) else { e["types"] = L.t("未知的突发事件类别：\(code)", "Unknown kind of emergency: \(code)"); continue }
            if !types.contains(t) { types.append(t) }
        }
        let phone = (i.dutyPhone ?? "").trimmed
        if phone.isEmpty { e["dutyPhone"] = L.t("请填写值班电话", "Enter the duty line") }
        else if phone.count > 40 || !phone.allSatisfy({ $0.isASCII && ($0.isNumber || "-+ ()转,".contains($0)) }) {
            e["dutyPhone"] = L.t("电话号码只能包含数字、空格和 - + ( )", "A phone number has digits, spaces and - + ( ) only")
        }
        let equipment = (i.equipment ?? "").trimmed, note = (i.note ?? "").trimmed
        if equipment.count > 2000 { e["equipment"] = L.t("不能超过2000字", "At most 2,000 characters") }
        if note.count > 2000 { e["note"] = L.t("不能超过2000字", "At most 2,000 characters") }
        if e.isEmpty, let areaID {
            let clash = ResponseTeam.query(on: req.db).filter(\.$areaDivisionID == areaID).filter(\.$name == name)
            if let id = editing?.id { clash.filter(\.$id != id) }
            if try await clash.count() > 0 { e["name"] = L.t("该区域已有同名队伍", "This area already has a team of that name") }
        }
        guard e.isEmpty, let areaID else { throw e }
        let active = i.active.map { ["1", "true", "on"].contains($0.lowercased()) } ?? (editing?.active ?? true)
        return Checked(name: name, areaID: areaID, types: types, dutyPhone: phone, equipment: equipment, note: note, active: active)
    }

    static func apply(_ k: Checked, to t: ResponseTeam) {
        t.name = k.name; t.areaDivisionID = k.areaID; t.types = k.types.map(\.rawValue).joined(separator: ",")
        t.dutyPhone = k.dutyPhone; t.equipment = k.equipment; t.note = k.note; t.active = k.active
    }

    static func create(_ req: Request, _ i: ResponseTeamInput) async throws -> ResponseTeam {
        try req.require(.runCampaigns)
        let k = try await check(req, i, editing: nil)
        let t = ResponseTeam()
        apply(k, to: t)
        t.createdByID = try req.user.requireID()
        try await req.db.transaction { db in
            try await t.create(on: db)
            await req.audit("response_team.create", entity: "response_team", id: t.id.map(String.init), detail: "area=\(t.areaDivisionID)", on: db)
        }
        return t
    }

    /// Fields left out of a PATCH keep their values.
    static func update(_ req: Request, _ t: ResponseTeam, _ sent: ResponseTeamInput) async throws {
        try await requireManage(req, t)
        var i = ResponseTeamInput(t)
        i.merge(sent)
        let k = try await check(req, i, editing: t)
        apply(k, to: t)
        try await req.db.transaction { db in
            try await t.save(on: db)
            await req.audit("response_team.update", entity: "response_team", id: t.id.map(String.init), detail: "active=\(t.active)", on: db)
        }
    }

    static func addMember(_ req: Request, _ t: ResponseTeam, _ i: ResponseTeamMemberInput) async throws -> ResponseTeamMember {
        try await requireManage(req, t)
        let L = req.lang
        var e = FieldErrors()
        var who: Candidate?
        if let uid = i.userID.flatMap({ Int($0.trimmed) }) {
            who = try await candidates(req, t, limit: nil).first { $0.userID == uid }
            if who == nil { e["who"] = L.t("该工作人员不在本区域", "This staff member does not work in the team's area") }
        } else if let mid = i.teamMemberID.flatMap({ Int($0.trimmed) }) {
            who = try await candidates(req, t, limit: nil).first { $0.teamMemberID == mid }
            if who == nil { e["who"] = L.t("该队员不在本区域或不在岗", "This member is not active in the team's area") }
        } else {
            switch try await resolve(req, t, who: i.who ?? "") {
            case .success(let c): who = c
            case .failure(let f): e.fields.merge(f.fields) { a, _ in a }
            }
        }
        let role = ResponseTeamRole(rawValue: (i.role ?? "member").trimmed)
        if role == nil { e["role"] = L.t("请选择队内职务", "Choose the role in the team") }
        let parsed = ResponseSkill.parse(i.skills ?? [])
        if let bad = parsed.unknown { e["skills"] = L.t("未知的技能：\(bad)", "Unknown skill: \(bad)") }
        if let who, e.isEmpty {
            let dup = ResponseTeamMember.query(on: req.db).filter(\.$teamID == t.id!)
            if let uid = who.userID { dup.filter(\.$userID == uid) } else if let mid = who.teamMemberID { dup.filter(\.$teamMemberID == mid) }
            if try await dup.count() > 0 { e["who"] = L.t("\(who.name)已在本队", "\(who.name) is already in the team") }
        }
        if role == .leader, try await ResponseTeamMember.query(on: req.db).filter(\.$teamID == t.id!).filter(\.$role == .leader).count() > 0 {
            e["role"] = L.t("本队已有队长：一队一名队长", "The team already has a leader")
        }
        guard e.isEmpty, let who, let role else { throw e }
        let m = ResponseTeamMember()
        m.teamID = t.id!; m.userID = who.userID; m.teamMemberID = who.teamMemberID; m.role = role; m.skills = ResponseSkill.encode(parsed.skills)
        try await req.db.transaction { db in
            try await m.create(on: db)
            await req.audit("response_team.member_add", entity: "response_team", id: t.id.map(String.init), detail: "member=\(m.id!) \(who.key) role=\(role.rawValue)", on: db)
        }
        return m
    }

    /// A member leaves the team; their shifts go with them.
    static func removeMember(_ req: Request, _ t: ResponseTeam, _ m: ResponseTeamMember) async throws {
        try await requireManage(req, t)
        try await req.db.transaction { db in
            try await ResponseTeamShift.query(on: db).filter(\.$memberID == m.id!).delete()
            try await m.delete(on: db)
            await req.audit("response_team.member_remove", entity: "response_team", id: t.id.map(String.init), detail: "member=\(m.id!)", on: db)
        }
    }

    static func addShift(_ req: Request, _ t: ResponseTeam, _ i: ResponseTeamShiftInput) async throws -> ResponseTeamShift {
        try await requireManage(req, t)
        let L = req.lang
        var e = FieldErrors()
        let memberID = i.memberID.flatMap { Int($0.trimmed) }
        if memberID == nil { e["memberID"] = L.t("请选择值班队员", "Choose who is on call") }
        else if try await ResponseTeamMember.query(on: req.db).filter(\.$teamID == t.id!).filter(\.$id == memberID!).count() == 0 {
            e["memberID"] = L.t("此人不是本队队员", "Not a member of this team")
        }
        let from = i.from.flatMap { LocalDay($0.trimmed) }, to = i.to.flatMap { LocalDay($0.trimmed) }
        if i.from?.trimmed.isEmpty == false, from == nil { e["from"] = L.t("日期格式应为 2026-12-07", "A date looks like 2026-12-07") }
        if i.to?.trimmed.isEmpty == false, to == nil { e["to"] = L.t("日期格式应为 2026-12-07", "A date looks like 2026-12-07") }
        for (k, v) in ResponseTeamRules.shiftProblems(from: from, to: to, today: today(req)) where e[k] == nil { e[k] = L.t(v.zh, v.en) }
        guard e.isEmpty, let memberID, let from, let to else { throw e }
        let s = ResponseTeamShift()
        s.teamID = t.id!; s.memberID = memberID; s.startsOn = from.description; s.endsOn = to.description; s.createdByID = try req.user.requireID()
        try await req.db.transaction { db in
            try await s.create(on: db)
            await req.audit("response_team.shift_add", entity: "response_team", id: t.id.map(String.init), detail: "member=\(memberID) \(from)..\(to)", on: db)
        }
        return s
    }

    static func removeShift(_ req: Request, _ t: ResponseTeam, _ s: ResponseTeamShift) async throws {
        try await requireManage(req, t)
        try await req.db.transaction { db in
            try await s.delete(on: db)
            await req.audit("response_team.shift_remove", entity: "response_team", id: t.id.map(String.init), detail: "shift=\(s.id!)", on: db)
        }
    }

    // MARK: plans

    /// The active teams a plan of this area may call on: a street's plan its own teams and the district's; the district's
    /// plan every team of the district (its streets' included).
    static func choices(_ req: Request, areaID: Int) async throws -> [ResponseTeam] {
        guard let area = try await Division.find(areaID, on: req.db) else { return [] }
        let q = ResponseTeam.query(on: req.db).filter(\.$active == true)
        if area.level != .district {
            let areas = [areaID] + (area.parentID.map { [$0] } ?? [])
            q.filter(\.$areaDivisionID ~~ areas)
        }
        return try await q.sort(\.$areaDivisionID).sort(\.$name).all()
    }

    /// The staff accounts among the members of a plan version's teams (told when the plan is started), and how many
    /// members have no account (to be called on the duty line).
    /// A plan's response teams' members: those with an account (told in the app) and those from the forces' register
    /// (`teamMembers`, told by SMS).
    static func reach(_ db: any Database, planID: Int) async throws -> (users: [Int], teamMembers: [Int]) {
        let teams = try await EmergencyPlanTeam.query(on: db).filter(\.$planID == planID).all().map(\.teamID)
        guard !teams.isEmpty else { return ([], []) }
        let members = try await ResponseTeamMember.query(on: db).filter(\.$teamID ~~ teams).all()
        return (Array(Set(members.compactMap(\.userID))), Array(Set(members.filter { $0.userID == nil }.compactMap(\.teamMemberID))).sorted())
    }
}
