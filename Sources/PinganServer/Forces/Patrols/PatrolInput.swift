import Fluent
import Vapor
import PinganKit

extension KeyedDecodingContainer where Key == AnyKey {
    /// A list field: a JSON array of strings or numbers, repeated form fields (`grids[]=1&grids[]=2`),
    /// or one comma-separated text. nil when absent.
    func list(_ name: String) -> [String]? {
        let k = AnyKey(name)
        if let a = try? decodeIfPresent([String].self, forKey: k) { return a }
        if let a = try? decodeIfPresent([Int].self, forKey: k) { return a.map(String.init) }
        return loose(k).map { $0.split(separator: ",").map { String($0).trimmed }.filter { !$0.isEmpty } }
    }
    func text(_ name: String) -> String? { loose(AnyKey(name)) }
}

struct TeamInput: Content {
    var name, kind, communityID, leaderName, note: String?
    init() {}
    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: AnyKey.self)
        name = c.text("name"); kind = c.text("kind"); communityID = c.text("communityID"); leaderName = c.text("leaderName"); note = c.text("note")
    }
}

struct TeamMemberInput: Content {
    /// A resident member is linked by name + the ID number's last four (`idTail`, the form) or by `personID` (the API).
    /// `phone`: the member's mobile, for pushes by SMS (stored sealed, shown masked).
    var name, kind, personID, idTail, status, joinedOn, phone: String?
    init() {}
    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: AnyKey.self)
        name = c.text("name"); kind = c.text("kind"); personID = c.text("personID"); idTail = c.text("idTail"); status = c.text("status"); joinedOn = c.text("joinedOn")
        phone = c.text("phone")
    }
}

struct TrainingInput: Content {
    var communityID, heldOn, topic, hours: String?
    var members: [String]?
    init() {}
    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: AnyKey.self)
        communityID = c.text("communityID"); heldOn = c.text("heldOn"); topic = c.text("topic"); hours = c.text("hours"); members = c.list("members")
    }
}

struct AttendanceInput: Content {
    var members: [String]?
    init() {}
    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: AnyKey.self)
        members = c.list("members")
    }
}

struct PlanInput: Content {
    var teamID, day, start, end, mode, note: String?
    var grids, members: [String]?
    init() {}
    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: AnyKey.self)
        teamID = c.text("teamID"); day = c.text("day"); start = c.text("start"); end = c.text("end"); mode = c.text("mode"); note = c.text("note")
        grids = c.list("grids"); members = c.list("members")
    }
}

struct LogInput: Content {
    var teamID, planID, day, start, end, mode, summary: String?
    var grids: [String]?
    init() {}
    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: AnyKey.self)
        teamID = c.text("teamID"); planID = c.text("planID"); day = c.text("day"); start = c.text("start"); end = c.text("end")
        mode = c.text("mode"); summary = c.text("summary"); grids = c.list("grids")
    }
}

struct CheckInInput: Content {
    var gridID, time, place: String?
    init() {}
    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: AnyKey.self)
        gridID = c.text("gridID"); time = c.text("time"); place = c.text("place")
    }
}

struct FindingInput: Content {
    var gridID, description, openIncident, subcategory, time: String?
    init() {}
    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: AnyKey.self)
        gridID = c.text("gridID"); description = c.text("description"); openIncident = c.text("openIncident")
        subcategory = c.text("subcategory"); time = c.text("time")
    }
    var wantsIncident: Bool { ["true", "1", "on", "yes"].contains((openIncident ?? "").lowercased()) }
}

struct DutyInput: Content {
    var kind, communityID, siteID, post, weekdays, start, end, memberID, onDuty, validFrom, validUntil: String?
    init() {}
    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: AnyKey.self)
        kind = c.text("kind"); communityID = c.text("communityID"); siteID = c.text("siteID"); post = c.text("post")
        if let l = c.list("weekdays"), l.count > 1 { weekdays = l.joined() } else { weekdays = c.text("weekdays") ?? c.list("weekdays")?.joined() }
        start = c.text("start"); end = c.text("end"); memberID = c.text("memberID"); onDuty = c.text("onDuty")
        validFrom = c.text("validFrom"); validUntil = c.text("validUntil")
    }
}

/// Validation pieces shared by the team, patrol and duty services.
enum Check {
    static func day(_ raw: String?, _ key: String, _ e: inout FieldErrors, _ L: Lang, required: Bool = true, notAfter: LocalDay? = nil) -> LocalDay? {
        guard let raw = raw?.nilIfEmpty else {
            if required { e[key] = L.t("请填写日期", "Enter a date") }
            return nil
        }
        guard let d = LocalDay(raw) else { e[key] = L.t("日期格式应为 2026-03-05", "Use a date like 2026-03-05"); return nil }
        if let n = notAfter, d > n { e[key] = L.t("不能晚于今天", "Cannot be in the future"); return nil }
        return d
    }

    static func time(_ raw: String?, _ key: String, _ e: inout FieldErrors, _ L: Lang) -> ClockTime? {
        guard let raw = raw?.nilIfEmpty else { e[key] = L.t("请填写时间", "Enter a time"); return nil }
        guard let t = ClockTime(raw) else { e[key] = L.t("时间格式应为 08:30", "Use a time like 08:30"); return nil }
        return t
    }

    static func text(_ raw: String?, _ key: String, _ e: inout FieldErrors, _ L: Lang, max: Int, required: Bool) -> String {
        let s = (raw ?? "").trimmed
        if required && s.isEmpty { e[key] = L.t("请填写此项", "This is required") }
        else if s.count > max { e[key] = L.t("不能超过\(max)字", "At most \(max) characters") }
        return s
    }

    static func community(_ req: Request, _ raw: String?, _ e: inout FieldErrors) async throws -> Int? {
        var e2 = FieldErrors()
        let place = try await Place.validate(req, community: raw ?? "", grid: nil, building: nil, old: nil, errors: &e2)
        if let m = e2["communityID"] { e["communityID"] = m; return nil }
        return place?.communityID
    }

    /// Grids of one community (id → name), in code order.
    static func grids(of communityID: Int, on db: any Database) async throws -> [(id: Int, name: String)] {
        try await Division.query(on: db).filter(\.$level == .grid).filter(\.$communityID == communityID).sort(\.$code).all()
            .map { ($0.id!, $0.name) }
    }

    /// The listed grid ids, each a grid of the community.
    static func gridIDs(_ raw: [String]?, community: Int, _ key: String, _ e: inout FieldErrors, _ L: Lang, on db: any Database,
                        required: Bool) async throws -> [Int] {
        let valid = Set(try await grids(of: community, on: db).map(\.id))
        var out: [Int] = []
        for r in raw ?? [] {
            guard let id = Int(r), valid.contains(id) else { e[key] = L.t("网格须属于队伍所在社区", "Grids must belong to the team's community"); return [] }
            if !out.contains(id) { out.append(id) }
        }
        if required && out.isEmpty { e[key] = L.t("请至少选择一个网格", "Choose at least one grid") }
        return out
    }

    static func mode(_ raw: String?, _ e: inout FieldErrors, _ L: Lang) -> PatrolMode? {
        guard let raw = raw?.nilIfEmpty else { e["mode"] = L.t("请选择巡逻方式", "Choose a patrol mode"); return nil }
        guard let m = PatrolMode(rawValue: raw) else { e["mode"] = L.t("巡逻方式无效", "Unknown patrol mode"); return nil }
        return m
    }

    static func modeName(_ m: PatrolMode, _ L: Lang) -> String {
        let en: String
        switch m { case .foot: en = "On foot"; case .bicycle: en = "Bicycle"; case .vehicle: en = "Vehicle"; case .checkpoint: en = "Checkpoint" }
        return L.t(m.nameZh, en)
    }

    static func window(_ start: Int, _ end: Int) -> String {
        let s = ClockTime(minutes: start % 1440)?.description ?? "?"
        let t = ClockTime(minutes: end > 1440 ? end - 1440 : end)?.description ?? "?"
        return s + "–" + t + (end > 1440 ? "(+1)" : "")
    }
}
