import Fluent
import Vapor
import PinganKit

struct TeamDTO: Content {
    var id: Int
    var name: String
    var kind: TeamKind
    var kindName: String
    var communityID: Int
    var communityName: String?
    var leaderName: String
    var note: String
    /// Members counted (active or suspended) and of them trained (attended at least one session).
    var members: Int
    var trained: Share
}

struct MemberDTO: Content {
    var id: Int
    var teamID: Int
    var teamName: String?
    var communityID: Int
    var name: String
    var kind: PersonnelKind
    var kindName: String
    var personID: Int?
    var status: RecruitmentStatus
    var statusName: String
    var joinedOn: String?
    var trainingSessions: Int
    /// Masked (138****1234): the member's own, else their registry person's (`phoneFromRegistry`); nil when neither has one.
    /// A push by SMS goes to this number.
    var phone: String?
    var phoneFromRegistry: Bool
}

/// Teams (联防队/巡防队/群防群治队伍) and their members, scoped by the team's community.
enum TeamService {
    static func scopedTeam(_ req: Request, _ id: Int?) async throws -> Team { try await req.findScoped(Team.self, id) }

    static func teamsQuery(_ req: Request) async throws -> QueryBuilder<Team> {
        let scope = try await req.scope()
        let q = scope.restrict(Team.query(on: req.db))
        return q.sort(\.$communityID).sort(\.$name).sort(\.$id)
    }

    static func membersQuery(_ req: Request) async throws -> QueryBuilder<TeamMember> {
        let scope = try await req.scope()
        let q = scope.restrict(TeamMember.query(on: req.db))
        return q
    }

    /// Sessions attended per member.
    static func attendance(_ req: Request, members: [Int]) async throws -> [Int: Int] {
        guard !members.isEmpty else { return [:] }
        var out: [Int: Int] = [:]
        for a in try await TrainingAttendanceRecord.query(on: req.db).filter(\.$memberID ~~ members).all() { out[a.memberID, default: 0] += 1 }
        return out
    }

    static func teamDTOs(_ req: Request, _ teams: [Team]) async throws -> [TeamDTO] {
        let L = req.lang
        let ids = teams.compactMap(\.id)
        let members = ids.isEmpty ? [] : try await req.scoped(TeamMember.self).filter(\.$teamID ~~ ids).all().filter { $0.status.counts }
        let attended = try await attendance(req, members: members.compactMap(\.id))
        var counts: [Int: Share] = [:]
        for m in members { counts[m.teamID, default: Share(0, of: 0)] = counts[m.teamID, default: Share(0, of: 0)] + Share((attended[m.id!] ?? 0) > 0 ? 1 : 0, of: 1) }
        let places = try await DivisionLookup.names(teams.map(\.communityID), on: req.db)
        return teams.map { t in
            TeamDTO(id: t.id!, name: t.name, kind: t.kind, kindName: L.t(t.kind.nameZh, teamKindEn(t.kind)), communityID: t.communityID,
                    communityName: places[t.communityID], leaderName: t.leaderName, note: t.note,
                    members: counts[t.id!]?.whole ?? 0, trained: counts[t.id!] ?? Share(0, of: 0))
        }
    }

    static func teamKindEn(_ k: TeamKind) -> String {
        switch k { case .jointDefence: "Joint-defence team"; case .patrol: "Patrol team"; case .massPrevention: "Mass-prevention team" }
    }

    static func memberDTOs(_ req: Request, _ rows: [TeamMember]) async throws -> [MemberDTO] {
        let L = req.lang
        let attended = try await attendance(req, members: rows.compactMap(\.id))
        let teamIDs = Array(Set(rows.map(\.teamID)))
        let names = teamIDs.isEmpty ? [:] : Dictionary(uniqueKeysWithValues: try await req.scoped(Team.self).filter(\.$id ~~ teamIDs).all().map { ($0.id!, $0.name) })
        let linked = rows.filter { $0.phoneMasked == nil }.compactMap(\.personID)
        var registryPhones: [Int: String] = [:]
        if !linked.isEmpty {
            for p in try await req.scoped(Person.self).filter(\.$id ~~ linked).all() { if let masked = p.phoneMasked { registryPhones[p.id!] = masked } }
        }
        return rows.map { m in
            let registryPhone = m.phoneMasked == nil ? m.personID.flatMap { registryPhones[$0] } : nil
            return MemberDTO(id: m.id!, teamID: m.teamID, teamName: names[m.teamID], communityID: m.communityID, name: m.name, kind: m.kind,
                      kindName: L.t(m.kind.nameZh, m.kind.nameEn), personID: m.personID, status: m.status,
                      statusName: L.t(m.status.nameZh, m.status.nameEn), joinedOn: m.joinedOn, trainingSessions: attended[m.id!] ?? 0,
                      phone: m.phoneMasked ?? registryPhone, phoneFromRegistry: registryPhone != nil)
        }
    }

    static func create(_ req: Request, _ input: TeamInput) async throws -> Team {
        try req.require(.editTeams)
        let L = req.lang
        var e = FieldErrors()
        let name = Check.text(input.name, "name", &e, L, max: 60, required: true)
        var kind: TeamKind? = nil
        if let raw = input.kind?.nilIfEmpty { kind = TeamKind(rawValue: raw); if kind == nil { e["kind"] = L.t("队伍类型无效", "Unknown team kind") } }
        else { e["kind"] = L.t("请选择队伍类型", "Choose the kind of team") }
        let community = try await Check.community(req, input.communityID, &e)
        let leader = Check.text(input.leaderName, "leaderName", &e, L, max: 30, required: false)
        let note = Check.text(input.note, "note", &e, L, max: 500, required: false)
        guard e.isEmpty, let kind, let community else { throw e }
        let t = Team()
        t.name = name; t.kind = kind; t.communityID = community; t.leaderName = leader; t.note = note; t.createdByID = try req.user.requireID()
        try await req.db.transaction { db in
            try await t.create(on: db)
            await req.audit("team.create", entity: "team", id: t.id.map(String.init), detail: kind.rawValue, on: db)
        }
        return t
    }

    /// Name, kind, leader and note of a team. The community stays: its plans and logs belong to that community.
    static func update(_ req: Request, _ t: Team, _ input: TeamInput) async throws {
        try req.require(.editTeams)
        let L = req.lang
        var e = FieldErrors()
        let name = input.name == nil ? t.name : Check.text(input.name, "name", &e, L, max: 60, required: true)
        var kind = t.kind
        if let raw = input.kind { if let k = TeamKind(rawValue: raw) { kind = k } else { e["kind"] = L.t("队伍类型无效", "Unknown team kind") } }
        let leader = input.leaderName == nil ? t.leaderName : Check.text(input.leaderName, "leaderName", &e, L, max: 30, required: false)
        let note = input.note == nil ? t.note : Check.text(input.note, "note", &e, L, max: 500, required: false)
        if let c = input.communityID?.nilIfEmpty, c != "\(t.communityID)" {
            e["communityID"] = L.t("队伍所属社区不能更改（其巡逻计划和记录属于该社区）；请新建队伍", "A team's community cannot change (its plans and logs belong there); create a new team")
        }
        guard e.isEmpty else { throw e }
        var changes: [String] = []
        if name != t.name { changes.append("name") }; if kind != t.kind { changes.append("kind") }
        if leader != t.leaderName { changes.append("leader") }; if note != t.note { changes.append("note") }
        t.name = name; t.kind = kind; t.leaderName = leader; t.note = note
        try await req.db.transaction { db in
            try await t.save(on: db)
            await req.audit("team.update", entity: "team", id: "\(t.id!)", detail: changes.joined(separator: ","), on: db)
        }
    }

    static func addMember(_ req: Request, _ t: Team, _ input: TeamMemberInput) async throws -> TeamMember {
        try req.require(.editTeams)
        let L = req.lang
        var e = FieldErrors()
        var name = Check.text(input.name, "name", &e, L, max: 30, required: input.personID?.nilIfEmpty == nil)
        var kind = PersonnelKind.teamMember
        if let raw = input.kind?.nilIfEmpty { if let k = PersonnelKind(rawValue: raw) { kind = k } else { e["kind"] = L.t("人员类别无效", "Unknown kind of personnel") } }
        var status = RecruitmentStatus.active
        if let raw = input.status?.nilIfEmpty { if let s = RecruitmentStatus(rawValue: raw) { status = s } else { e["status"] = L.t("状态无效", "Unknown status") } }
        var personID: Int? = nil
        if let raw = input.personID?.nilIfEmpty {
            // A resident member: the registry person must be in the user's scope (else it looks missing).
            if let id = Int(raw), let p = try await req.visible(Person.self, id) {
                personID = id
                if name.isEmpty { name = p.name; e["name"] = nil }
            } else { e["personID"] = L.t("实有人口中没有此人（或不在您的辖区）", "No such person in the registry of your jurisdiction") }
        } else if let tail = input.idTail?.nilIfEmpty {
            if name.isEmpty { e["name"] = L.t("按身份证号后4位关联实有人口时请填写姓名", "Enter the name to link a resident by the ID number's last four") }
            else {
                let outcome = try await PersonLink.find(req, name: name, tail: tail)
                if case .found(let id) = outcome { personID = id } else { e["idTail"] = PersonLink.message(outcome, name: name, tail: tail, L) }
            }
        }
        let joined = Check.day(input.joinedOn, "joinedOn", &e, L, required: false, notAfter: WorkLogService.today(req))
        let phone = checkedPhone(input.phone, &e, L)
        guard e.isEmpty else { throw e }
        if let personID, try await req.scoped(TeamMember.self).filter(\.$teamID == t.id!).filter(\.$personID == personID).count() > 0 {
            throw FieldErrors(["personID": L.t("此人已是本队队员", "This person is already a member of the team")])
        }
        let initial = status
        let m = TeamMember()
        m.teamID = t.id!; m.communityID = t.communityID; m.name = name; m.kind = kind; m.personID = personID; m.status = initial
        m.joinedOn = joined?.description
        try seal(req, m, phone: phone)
        try await req.db.transaction { db in
            try await m.create(on: db)
            await req.audit("team.member.add", entity: "team", id: "\(t.id!)", detail: "member=\(m.id!) \(initial.rawValue)" + (phone == nil ? "" : " phone"), on: db)
        }
        return m
    }

    static func scopedMember(_ req: Request, team: Team, _ id: Int?) async throws -> TeamMember {
        guard let m = try await req.visible(TeamMember.self, id), m.teamID == team.id else { throw Abort(.notFound) }
        return m
    }

    /// A mobile or landline number (digits kept), nil when left blank.
    static func checkedPhone(_ raw: String?, _ e: inout FieldErrors, _ L: Lang) -> String? {
        guard let text = raw?.trimmed.nilIfEmpty else { return nil }
        guard let digits = PhoneNumber.normalize(text) else {
            e["phone"] = L.t("手机号格式不正确（11位手机号或带区号的固话）", "Enter an 11-digit mobile number or a landline with its area code"); return nil
        }
        return digits
    }

    static func seal(_ req: Request, _ m: TeamMember, phone: String?) throws {
        m.phoneSealed = try phone.map { try FieldCipher(secret: req.config.secretKey).seal($0) }
        m.phoneMasked = phone.map(PhoneNumber.masked)
    }

    /// Changes a member's recruitment status (招募/在岗/停岗/离队) and/or phone. nil leaves a field as it is; an empty
    /// phone removes the number.
    static func updateMember(_ req: Request, _ m: TeamMember, status raw: String?, phone: String?) async throws {
        try req.require(.editTeams)
        let L = req.lang
        var e = FieldErrors()
        var status = m.status
        if let raw { if let s = raw.nilIfEmpty.flatMap(RecruitmentStatus.init(rawValue:)) { status = s } else { e["status"] = L.t("状态无效", "Unknown status") } }
        let digits = checkedPhone(phone, &e, L)
        guard e.isEmpty else { throw e }
        var changes: [String] = []
        if status != m.status { changes.append("\(m.status.rawValue)→\(status.rawValue)"); m.status = status }
        if let phone { try seal(req, m, phone: digits); changes.append(phone.trimmed.isEmpty ? "phone removed" : "phone") }
        guard !changes.isEmpty else { return }
        try await req.db.transaction { db in
            try await m.save(on: db)
            await req.audit("team.member.update", entity: "team", id: "\(m.teamID)", detail: "member=\(m.id!) " + changes.joined(separator: " "), on: db)
        }
    }

    static func membersCSV(_ req: Request) async throws -> Response {
        try req.require(.viewTeams)
        let L = req.lang
        var w = CSVWriter(header: L.isEnglish ? ["Id", "Team", "Name", "Kind", "Status", "Joined", "Registry person", "Training sessions", "Phone"]
                                               : ["编号", "队伍", "姓名", "人员类别", "状态", "入队日期", "实有人口编号", "参训次数", "手机"])
        let rows = try await membersQuery(req).sort(\.$teamID).sort(\.$id).limit(100_000).all()
        for d in try await memberDTOs(req, rows) {
            w.append(["\(d.id)", d.teamName ?? "", d.name, d.kindName, d.statusName, d.joinedOn ?? "", d.personID.map(String.init) ?? "", "\(d.trainingSessions)", d.phone ?? ""])
        }
        await req.audit("team.export", entity: "team")
        return CSVResponse.make(filename: "team-members.csv", writer: w)
    }
}
