import Fluent
import Vapor
import PinganKit

/// What a plan form or API call submits. Responsible units arrive as unit id → duty, from the form (`units[12]=负责现场警戒`)
/// and from JSON (`"units": {"12": "负责现场警戒"}`); a unit takes part when it has a duty.
struct EmergencyPlanInput: Content {
    var name: String?, kind: String?, type: String?, level: String?, areaID: String?
    var scope: String?, steps: String?, resources: String?, contacts: String?, reviewDueOn: String?, drillIntervalMonths: String?
    var units: [String: String]?
    /// Response teams the plan calls on (ids).
    var teams: [String]?

    init() {}
    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: AnyKey.self)
        name = c.loose(AnyKey("name")); kind = c.loose(AnyKey("kind")); type = c.loose(AnyKey("type")); level = c.loose(AnyKey("level"))
        areaID = c.loose(AnyKey("areaID")); scope = c.loose(AnyKey("scope")); steps = c.loose(AnyKey("steps")); resources = c.loose(AnyKey("resources"))
        contacts = c.loose(AnyKey("contacts")); reviewDueOn = c.loose(AnyKey("reviewDueOn")); drillIntervalMonths = c.loose(AnyKey("drillIntervalMonths"))
        if c.contains(AnyKey("units")), let d = try? c.nestedContainer(keyedBy: AnyKey.self, forKey: AnyKey("units")) {
            var out: [String: String] = [:]
            for k in d.allKeys { out[k.stringValue] = d.loose(k) ?? "" }
            units = out
        }
        teams = c.looseList(AnyKey("teams"))
    }
    init(_ p: EmergencyPlan, units: [EmergencyPlanUnit], teams: [Int] = []) {
        name = p.name; kind = p.kind.rawValue; type = p.type.rawValue; level = p.level.rawValue; areaID = String(p.areaDivisionID)
        scope = p.scopeText; steps = p.steps; resources = p.resources; contacts = p.contacts; reviewDueOn = p.reviewDueOn
        drillIntervalMonths = String(p.drillIntervalMonths)
        self.units = Dictionary(units.map { (String($0.unitID), $0.duty) }, uniquingKeysWith: { a, _ in a })
        self.teams = teams.map(String.init)
    }
    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: AnyKey.self)
        for (k, v) in [("name", name), ("kind", kind), ("type", type), ("level", level), ("areaID", areaID), ("scope", scope), ("steps", steps),
                       ("resources", resources), ("contacts", contacts), ("reviewDueOn", reviewDueOn), ("drillIntervalMonths", drillIntervalMonths)] {
            try c.encodeIfPresent(v, forKey: AnyKey(k))
        }
        try c.encodeIfPresent(units, forKey: AnyKey("units"))
        try c.encodeIfPresent(teams, forKey: AnyKey("teams"))
    }
}

/// A drill as recorded after it was held.
struct EmergencyDrillInput: Content {
    var heldOn: String?, scenario: String?, participants: String?, people: String?, findings: String?
    init() {}
    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: AnyKey.self)
        heldOn = c.loose(AnyKey("heldOn")); scenario = c.loose(AnyKey("scenario")); participants = c.loose(AnyKey("participants"))
        people = c.loose(AnyKey("people")); findings = c.loose(AnyKey("findings"))
    }
}

/// A follow-up of a drill's finding (整改事项), or its completion.
struct EmergencyDrillActionInput: Content {
    var text: String?, owner: String?, dueOn: String?, note: String?
    init() {}
    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: AnyKey.self)
        text = c.loose(AnyKey("text")); owner = c.loose(AnyKey("owner")); dueOn = c.loose(AnyKey("dueOn")); note = c.loose(AnyKey("note"))
    }
}

/// The register's filters, read alike by the page, the API and the CSV.
struct EmergencyPlanFilter {
    var status: EmergencyPlanStatus?
    var kind: EmergencyPlanKind?
    var type: EmergencyType?
    /// Approved plans whose review or drill is overdue.
    var due = false
    var q: String?

    init() {}
    init(_ req: Request, errors e: inout FieldErrors) {
        let L = req.lang
        if let s = req.query[String.self, at: "status"]?.nilIfEmpty { status = EmergencyPlanStatus(rawValue: s); if status == nil { e["status"] = L.t("取值无效", "Unknown value") } }
        if let s = req.query[String.self, at: "kind"]?.nilIfEmpty { kind = EmergencyPlanKind(rawValue: s); if kind == nil { e["kind"] = L.t("取值无效", "Unknown value") } }
        if let s = req.query[String.self, at: "type"]?.nilIfEmpty { type = EmergencyType(rawValue: s); if type == nil { e["type"] = L.t("取值无效", "Unknown value") } }
        due = ["1", "true"].contains(req.query[String.self, at: "due"] ?? "")
        q = req.query[String.self, at: "q"]?.nilIfEmpty.map { String($0.prefix(50)) }
    }

    var queryString: String {
        var items: [String] = []
        func add(_ k: String, _ v: String?) { if let v { items.append(k + "=" + (v.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")) } }
        add("status", status?.rawValue); add("kind", kind?.rawValue); add("type", type?.rawValue); add("due", due ? "1" : nil); add("q", q)
        return items.joined(separator: "&")
    }
}
