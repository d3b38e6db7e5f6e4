import Fluent
import SQLKit
import Vapor
import PinganKit

/// What a campaign form or API call submits. Departments arrive as one nested object, unit id → duty, from the form
/// (`departments[12]=查处无照经营`) and from JSON (`"departments": {"12": "查处无照经营"}`); a unit takes part when it has
/// a duty. The lead unit always takes part.
struct CampaignInput: Content {
    var name: String?, areaID: String?, leadUnitID: String?, startsOn: String?, endsOn: String?, goal: String?
    var departments: [String: String]?

    init() {}
    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: AnyKey.self)
        name = c.loose(AnyKey("name")); areaID = c.loose(AnyKey("areaID")); leadUnitID = c.loose(AnyKey("leadUnitID"))
        startsOn = c.loose(AnyKey("startsOn")); endsOn = c.loose(AnyKey("endsOn")); goal = c.loose(AnyKey("goal"))
        if c.contains(AnyKey("departments")), let d = try? c.nestedContainer(keyedBy: AnyKey.self, forKey: AnyKey("departments")) {
            var out: [String: String] = [:]
            for k in d.allKeys { out[k.stringValue] = d.loose(k) ?? "" }
            departments = out
        }
    }
    init(_ c: Campaign, departments: [CampaignDepartment]) {
        name = c.name; areaID = String(c.areaDivisionID); leadUnitID = String(c.leadUnitID); startsOn = c.startsOn; endsOn = c.endsOn; goal = c.goal
        self.departments = Dictionary(departments.map { (String($0.unitID), $0.duty) }, uniquingKeysWith: { a, _ in a })
    }
    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: AnyKey.self)
        try c.encodeIfPresent(name, forKey: AnyKey("name")); try c.encodeIfPresent(areaID, forKey: AnyKey("areaID"))
        try c.encodeIfPresent(leadUnitID, forKey: AnyKey("leadUnitID")); try c.encodeIfPresent(startsOn, forKey: AnyKey("startsOn"))
        try c.encodeIfPresent(endsOn, forKey: AnyKey("endsOn")); try c.encodeIfPresent(goal, forKey: AnyKey("goal"))
        try c.encodeIfPresent(departments, forKey: AnyKey("departments"))
    }
}

/// One place to add to a campaign, or its correction.
struct CampaignTargetInput: Content {
    var ledger: String?, siteID: String?, name: String?, address: String?, communityID: String?, problems: String?, departmentID: String?
    init() {}
    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: AnyKey.self)
        ledger = c.loose(AnyKey("ledger")); siteID = c.loose(AnyKey("siteID")); name = c.loose(AnyKey("name")); address = c.loose(AnyKey("address"))
        communityID = c.loose(AnyKey("communityID")); problems = c.loose(AnyKey("problems")); departmentID = c.loose(AnyKey("departmentID"))
    }
    init(_ t: CampaignTarget) {
        ledger = t.ledger.rawValue; siteID = t.siteID.map(String.init); name = t.name; address = t.address; communityID = String(t.communityID)
        problems = t.problems; departmentID = t.departmentID.map(String.init)
    }
}

/// A step of the rectification: in hand (with a note), or closed (销帐: the day and what was done).
struct CampaignTargetStepInput: Content {
    var status: String?, note: String?, closedOn: String?, evidence: String?
    /// Photos of the rectification or of the place put right (multipart `photos[]`).
    var photos: [File]?
    init() {}
    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: AnyKey.self)
        status = c.loose(AnyKey("status")); note = c.loose(AnyKey("note")); closedOn = c.loose(AnyKey("closedOn")); evidence = c.loose(AnyKey("evidence"))
        photos = (try? c.decodeIfPresent([File].self, forKey: AnyKey("photos"))) ?? (try? c.decodeIfPresent(File.self, forKey: AnyKey("photos"))).flatMap { $0.map { [$0] } }
    }
    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: AnyKey.self)
        try c.encodeIfPresent(status, forKey: AnyKey("status")); try c.encodeIfPresent(note, forKey: AnyKey("note"))
        try c.encodeIfPresent(closedOn, forKey: AnyKey("closedOn")); try c.encodeIfPresent(evidence, forKey: AnyKey("evidence"))
    }
}

/// Filters of a campaign's list of places, read alike by the page, the API and the CSV.
struct CampaignTargetFilter {
    var ledger: CampaignLedger?
    var status: CampaignTargetStatus?
    var department: Int?
    var community: Int?
    var q: String?

    init() {}
    init(_ req: Request, errors e: inout FieldErrors) {
        let L = req.lang
        if let s = req.query[String.self, at: "ledger"]?.nilIfEmpty { ledger = CampaignLedger(rawValue: s); if ledger == nil { e["ledger"] = L.t("取值无效", "Unknown value") } }
        if let s = req.query[String.self, at: "status"]?.nilIfEmpty { status = CampaignTargetStatus(rawValue: s); if status == nil { e["status"] = L.t("取值无效", "Unknown value") } }
        if let s = req.query[String.self, at: "department"]?.nilIfEmpty { department = Int(s); if department == nil { e["department"] = L.t("部门无效", "Unknown department") } }
        if let s = req.query[String.self, at: "community"]?.nilIfEmpty { community = Int(s); if community == nil { e["community"] = L.t("社区无效", "Unknown community") } }
        q = req.query[String.self, at: "q"]?.nilIfEmpty.map { String($0.prefix(50)) }
    }

    var queryString: String {
        var items: [String] = []
        func add(_ k: String, _ v: String?) { if let v { items.append(k + "=" + (v.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")) } }
        add("ledger", ledger?.rawValue); add("status", status?.rawValue); add("department", department.map(String.init))
        add("community", community.map(String.init)); add("q", q)
        return items.joined(separator: "&")
    }
    var isEmpty: Bool { queryString.isEmpty }

    func query(_ req: Request, campaign: Int) async throws -> QueryBuilder<CampaignTarget> {
        let q = try await req.scoped(CampaignTarget.self).filter(\.$campaignID == campaign)
        if let ledger { q.filter(\.$ledger == ledger) }
        if let status { q.filter(\.$status == status) }
        if let department { q.filter(\.$departmentID == department) }
        if let community { q.filter(\.$communityID == community) }
        if let text = self.q { q.group(.or) { $0.filter(\.$name ~~ text).filter(\.$address ~~ text).filter(\.$problems ~~ text) } }
        return q.sort(\.$id)
    }
}
