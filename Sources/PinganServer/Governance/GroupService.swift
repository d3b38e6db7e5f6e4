import Fluent
import SQLKit
import Vapor
import PinganKit

struct GroupInput: Content {
    var kind: String?, name: String?, communityID: String?, buildingID: String?, adminName: String?, members: String?, officerID: String?
    var lastCheckedOn: String?, note: String?
    init() {}
    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: AnyKey.self)
        kind = c.loose(AnyKey("kind")); name = c.loose(AnyKey("name")); communityID = c.loose(AnyKey("communityID")); buildingID = c.loose(AnyKey("buildingID"))
        adminName = c.loose(AnyKey("adminName")); members = c.loose(AnyKey("members")); officerID = c.loose(AnyKey("officerID"))
        lastCheckedOn = c.loose(AnyKey("lastCheckedOn")); note = c.loose(AnyKey("note"))
    }
    init(_ g: CommunityGroup) {
        kind = g.kind.rawValue; name = g.name; communityID = String(g.communityID); buildingID = g.buildingID.map(String.init); adminName = g.adminName
        members = String(g.members); officerID = g.officerID.map(String.init); lastCheckedOn = g.lastCheckedOn; note = g.note
    }
}

struct GroupCheckInput: Content {
    var members: String?
    init() {}
    init(from decoder: any Decoder) throws { members = try decoder.container(keyedBy: AnyKey.self).loose(AnyKey("members")) }
}

struct GroupFilter {
    var kind: GroupKind?
    var community: Int?
    var due = false
    var q: String?
    init() {}
    init(_ req: Request) {
        kind = req.query[String.self, at: "kind"].flatMap(GroupKind.init(rawValue:))
        community = req.query[String.self, at: "community"].flatMap { Int($0) }
        due = DisputeInput.flag(req.query[String.self, at: "due"])
        q = req.query[String.self, at: "q"]?.nilIfEmpty.map { String($0.prefix(40)) }
    }
    /// The API and the CSV name a filter value they do not know (the page just shows everything).
    static func check(_ req: Request) throws {
        var e = FieldErrors()
        if let k = req.query[String.self, at: "kind"]?.nilIfEmpty, GroupKind(rawValue: k) == nil { e["kind"] = req.t("取值无效", "Unknown value") }
        if let c = req.query[String.self, at: "community"]?.nilIfEmpty, Int(c) == nil { e["community"] = req.t("取值无效", "Unknown value") }
        if !e.isEmpty { throw e }
    }

    var queryString: String {
        [kind.map { "kind=\($0.rawValue)" }, community.map { "community=\($0)" }, due ? "due=1" : nil,
         q.map { "q=" + ($0.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "") }].compactMap { $0 }.joined(separator: "&")
    }

    func query(_ req: Request) async throws -> QueryBuilder<CommunityGroup> {
        let q = try await req.scoped(CommunityGroup.self)
        if let kind { q.filter(\.$kind == kind) }
        if let community { q.filter(\.$communityID == community) }
        if due {
            let cutoff = WorkLogService.today(req).adding(days: -GroupRules.checkIntervalDays).description
            q.group(.or) { $0.filter(\.$lastCheckedOn == nil).filter(\.$lastCheckedOn < cutoff) }
        }
        if let text = self.q { q.group(.or) { $0.filter(\.$name ~~ text).filter(\.$adminName ~~ text) } }
        return q.sort(\.$communityID).sort(\.$kind).sort(\.$name)
    }
}

enum GroupService {
    static func find(_ req: Request, _ id: Int?) async throws -> CommunityGroup { try await req.findScoped(CommunityGroup.self, id) }

    /// Community officers of the communities the user can see (the officer "in" a group is one of them).
    static func officers(_ req: Request) async throws -> [User] {
        let scope = try await req.scope()
        return try await User.query(on: req.db).filter(\.$role == .communityOfficer).sort(\.$displayName).all()
            .filter { u in u.scopeDivisionID.map { scope.touches(community: $0) } ?? false }
    }

    /// Buildings of the given communities, from the tree (a building's community is recorded on it), by community.
    static func buildings(_ req: Request, communities: [Int]) async throws -> [Int: [(id: Int, name: String)]] {
        guard !communities.isEmpty else { return [:] }
        let sql = req.db as! any SQLDatabase
        var out: [Int: [(id: Int, name: String)]] = [:]
        for r in try await sql.select().column("id").column("name").column("community_id").from("divisions")
            .where("level", .equal, DivisionLevel.building.rawValue).where("community_id", .in, communities).orderBy("code").all() {
            out[try r.decode(column: "community_id", as: Int.self), default: []].append((try r.decode(column: "id", as: Int.self), try r.decode(column: "name", as: String.self)))
        }
        return out
    }

    static func check(_ req: Request, _ input: GroupInput) async throws -> (GroupKind, String, Int, Int?, String, Int, Int?, String?, String) {
        let L = req.lang
        var e = FieldErrors()
        let kind = input.kind?.nilIfEmpty.flatMap(GroupKind.init(rawValue:))
        if kind == nil { e["kind"] = L.t("请选择群组类型", "Choose the kind of group") }
        let name = (input.name ?? "").trimmed
        if name.isEmpty { e["name"] = L.t("请填写群名称", "Enter the group's name") } else if name.count > 60 { e["name"] = L.t("不能超过60字", "At most 60 characters") }
        let place = try await Place.validate(req, community: input.communityID, grid: nil, building: nil, old: nil, errors: &e)
        var buildingID: Int? = nil
        if let raw = input.buildingID?.nilIfEmpty {
            if let bid = Int(raw), let b = try await Division.find(bid, on: req.db), b.level == .building, b.communityID == place?.communityID { buildingID = bid }
            else if e["communityID"] == nil { e["buildingID"] = L.t("该楼栋不属于所选社区", "This building is not in the chosen community") }
        } else if kind?.needsBuilding == true { e["buildingID"] = L.t("楼栋群请选择楼栋", "A building group names its building") }
        let admin = (input.adminName ?? "").trimmed
        if admin.count > 30 { e["adminName"] = L.t("不能超过30字", "At most 30 characters") }
        var members = 0
        if let raw = input.members?.nilIfEmpty {
            if let n = Int(raw), (0...GroupRules.maxMembers).contains(n) { members = n } else { e["members"] = L.t("人数应为 0–\(GroupRules.maxMembers)", "Members: 0–\(GroupRules.maxMembers)") }
        }
        var officerID: Int? = nil
        if let raw = input.officerID?.nilIfEmpty {
            if let oid = Int(raw), let u = try await User.find(oid, on: req.db), u.role == .communityOfficer, u.scopeDivisionID == place?.communityID { officerID = oid }
            else if e["communityID"] == nil { e["officerID"] = L.t("请选择该社区的社区民警", "Choose one of the community's officers") }
        }
        var checked: String? = nil
        if let raw = input.lastCheckedOn?.nilIfEmpty {
            if let d = LocalDay(raw), d <= WorkLogService.today(req) { checked = d.description }
            else { e["lastCheckedOn"] = L.t("核查日期无效或晚于今天", "Not a date, or in the future") }
        }
        let note = (input.note ?? "").trimmed
        if note.count > 500 { e["note"] = L.t("不能超过500字", "At most 500 characters") }
        guard e.isEmpty, let kind, let place else { throw e }
        return (kind, name, place.communityID, buildingID, admin, members, officerID, checked, note)
    }

    static func save(_ req: Request, _ g: CommunityGroup?, _ input: GroupInput) async throws -> CommunityGroup {
        try req.require(.editGovernance)
        let (kind, name, community, building, admin, members, officer, checked, note) = try await check(req, input)
        let group = g ?? CommunityGroup()
        group.kind = kind; group.name = name; group.communityID = community; group.buildingID = building; group.adminName = admin
        group.members = members; group.officerID = officer; group.lastCheckedOn = checked; group.note = note
        try await req.db.transaction { db in
            try await group.save(on: db)
            await req.audit(g == nil ? "group.create" : "group.update", entity: "community_group", id: group.id.map(String.init), detail: "kind=\(kind.rawValue)", on: db)
        }
        return group
    }

    /// 核查: the group was looked at today; its member count may be corrected at the same time.
    static func markChecked(_ req: Request, _ g: CommunityGroup, _ input: GroupCheckInput) async throws -> CommunityGroup {
        try req.require(.editGovernance)
        if let raw = input.members?.nilIfEmpty {
            guard let n = Int(raw), (0...GroupRules.maxMembers).contains(n) else {
                throw FieldErrors(["members": req.t("人数应为 0–\(GroupRules.maxMembers)", "Members: 0–\(GroupRules.maxMembers)")])
            }
            g.members = n
        }
        g.lastCheckedOn = WorkLogService.today(req).description
        try await req.db.transaction { db in
            try await g.update(on: db)
            await req.audit("group.check", entity: "community_group", id: g.id.map(String.init), detail: "members=\(g.members)", on: db)
        }
        return g
    }

    static func dtos(_ req: Request, _ groups: [CommunityGroup]) async throws -> [CommunityGroupDTO] {
        let names = try await DivisionLookup.names(groups.flatMap { [$0.communityID] + ($0.buildingID.map { [$0] } ?? []) }, on: req.db)
        let officerIDs = Array(Set(groups.compactMap(\.officerID)))
        let officers = officerIDs.isEmpty ? [:] : Dictionary(uniqueKeysWithValues: try await User.query(on: req.db).filter(\.$id ~~ officerIDs).all().map { ($0.id!, $0.displayName) })
        let today = WorkLogService.today(req)
        return groups.map { g in
            CommunityGroupDTO(id: g.id!, communityID: g.communityID, community: names[g.communityID], buildingID: g.buildingID, building: g.buildingID.flatMap { names[$0] },
                              kind: g.kind, name: g.name, adminName: g.adminName, members: g.members, officerID: g.officerID, officer: g.officerID.flatMap { officers[$0] },
                              lastCheckedOn: g.lastCheckedOn, dueForCheck: GroupRules.isDue(lastCheckedOn: g.lastCheckedOn, today: today), note: g.note)
        }
    }

    struct Coverage: Content { var rows: [GroupCoverageRow]; var total: GroupCoverageRow }

    /// Per visible community: buildings in the tree, buildings with a 楼栋群, groups by kind, members, groups due for a check.
    static func coverage(_ req: Request) async throws -> Coverage {
        try req.require(.viewGovernance)
        let communities = try await DivisionLookup.communities(req)
        let sql = req.db as! any SQLDatabase
        var buildings: [Int: Set<Int>] = [:]
        let bq = sql.select().column("id").column("community_id").from("divisions").where("level", .equal, DivisionLevel.building.rawValue)
        try await req.scope().restrictCommunities(bq)
        for r in try await bq.all() {
            guard let c = try r.decode(column: "community_id", as: Int?.self) else { continue }
            buildings[c, default: []].insert(try r.decode(column: "id", as: Int.self))
        }
        let groups = try await req.scoped(CommunityGroup.self).all().map {
            GroupFact(communityID: $0.communityID, kind: $0.kind, buildingID: $0.buildingID, members: $0.members, lastCheckedOn: $0.lastCheckedOn)
        }
        let (rows, total) = GroupCoverage.compute(communities: communities.map { ($0.id, $0.name, buildings[$0.id] ?? []) }, groups: groups, today: WorkLogService.today(req))
        return Coverage(rows: rows, total: total)
    }
}
