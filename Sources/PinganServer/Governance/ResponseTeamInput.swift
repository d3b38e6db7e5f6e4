import Fluent
import Vapor
import PinganKit

/// A team as the form or the API sends it. `types` are `EmergencyType` codes.
struct ResponseTeamInput: Content {
    var name: String?, areaID: String?, types: [String]?, dutyPhone: String?, equipment: String?, note: String?, active: String?

    init() {}
    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: AnyKey.self)
        name = c.loose(AnyKey("name")); areaID = c.loose(AnyKey("areaID")); types = c.looseList(AnyKey("types"))
        dutyPhone = c.loose(AnyKey("dutyPhone")); equipment = c.loose(AnyKey("equipment")); note = c.loose(AnyKey("note")); active = c.loose(AnyKey("active"))
    }
    init(_ t: ResponseTeam) {
        name = t.name; areaID = String(t.areaDivisionID); types = t.typeList.map(\.rawValue); dutyPhone = t.dutyPhone
        equipment = t.equipment; note = t.note; active = t.active ? "true" : "false"
    }
    /// A PATCH: what was sent replaces, the rest stays.
    mutating func merge(_ sent: ResponseTeamInput) {
        if let v = sent.name { name = v }; if let v = sent.types { types = v }; if let v = sent.dutyPhone { dutyPhone = v }
        if let v = sent.equipment { equipment = v }; if let v = sent.note { note = v }; if let v = sent.active { active = v }
    }
    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: AnyKey.self)
        for (k, v) in [("name", name), ("areaID", areaID), ("dutyPhone", dutyPhone), ("equipment", equipment), ("note", note), ("active", active)] {
            try c.encodeIfPresent(v, forKey: AnyKey(k))
        }
        try c.encodeIfPresent(types, forKey: AnyKey("types"))
    }
}

/// A member added: from the form's list (`who`, "张三 · 网格员 · 德兴社区 #m45") or by id from the API (`userID` or
/// `teamMemberID`); `skills` are `ResponseSkill` codes.
struct ResponseTeamMemberInput: Content {
    var who: String?, userID: String?, teamMemberID: String?, role: String?, skills: [String]?
    init() {}
    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: AnyKey.self)
        who = c.loose(AnyKey("who")); userID = c.loose(AnyKey("userID")); teamMemberID = c.loose(AnyKey("teamMemberID"))
        role = c.loose(AnyKey("role")); skills = c.looseList(AnyKey("skills"))
    }
}

struct ResponseTeamShiftInput: Content {
    var memberID: String?, from: String?, to: String?
    init() {}
    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: AnyKey.self)
        memberID = c.loose(AnyKey("memberID")); from = c.loose(AnyKey("from")); to = c.loose(AnyKey("to"))
    }
}

/// The register's filters (page, API and CSV alike).
struct ResponseTeamFilter {
    var type: EmergencyType?
    var q: String?
    var includeInactive = false

    init() {}
    init(_ req: Request, errors e: inout FieldErrors) {
        if let s = req.query[String.self, at: "type"]?.nilIfEmpty { type = EmergencyType(rawValue: s); if type == nil { e["type"] = req.t("取值无效", "Unknown value") } }
        q = req.query[String.self, at: "q"]?.nilIfEmpty.map { String($0.prefix(50)) }
        includeInactive = ["1", "true"].contains(req.query[String.self, at: "all"] ?? "")
    }

    var queryString: String {
        var items: [String] = []
        if let type { items.append("type=" + type.rawValue) }
        if let q { items.append("q=" + (q.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")) }
        if includeInactive { items.append("all=1") }
        return items.joined(separator: "&")
    }
}
