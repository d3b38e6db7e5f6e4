import Fluent
import Vapor
import PinganKit

/// A party as submitted: `{"name": "…", "personID": 12, "side": "respondent"}`, or from the form
/// `parties[0][name]=…&parties[0][idTail]=123X`.
///
/// People link a party to the registry by what they see — the name and the last four characters of the ID number
/// (`idTail`, as the masked number shows them) — never by an internal number; `personID` stays for the API.
struct DisputePartyInput: Codable {
    var name: String?
    var personID: String?
    var side: String?
    var idTail: String?
    init(name: String? = nil, personID: String? = nil, side: String? = nil, idTail: String? = nil) {
        self.name = name; self.personID = personID; self.side = side; self.idTail = idTail
    }
    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: AnyKey.self)
        name = c.loose(AnyKey("name")); personID = c.loose(AnyKey("personID")); side = c.loose(AnyKey("side")); idTail = c.loose(AnyKey("idTail"))
    }
}

/// What the registration desk submits (统一登记).
struct DisputeInput: Content {
    var type: String?
    var source: String?
    var summary: String?
    var peopleInvolved: String?
    var communityID: String?
    var gridID: String?
    var address: String?
    var riskMassPetition: String?
    var riskGroupFight: String?
    var riskCriminal: String?
    /// Optional override of the routed level (the desk may know better; the event says so).
    var level: String?
    var parties: [DisputePartyInput] = []

    init() {}
    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: AnyKey.self)
        type = c.loose(AnyKey("type")); source = c.loose(AnyKey("source")); summary = c.loose(AnyKey("summary"))
        peopleInvolved = c.loose(AnyKey("peopleInvolved")); communityID = c.loose(AnyKey("communityID")); gridID = c.loose(AnyKey("gridID"))
        address = c.loose(AnyKey("address")); level = c.loose(AnyKey("level"))
        riskMassPetition = c.loose(AnyKey("riskMassPetition")); riskGroupFight = c.loose(AnyKey("riskGroupFight")); riskCriminal = c.loose(AnyKey("riskCriminal"))
        if let list = try? c.decode([DisputePartyInput].self, forKey: AnyKey("parties")) {
            parties = list
        } else if let nested = try? c.nestedContainer(keyedBy: AnyKey.self, forKey: AnyKey("parties")) {
            // Forms send parties[0][name]: a dictionary keyed by the index.
            let keys = nested.allKeys.sorted { (Int($0.stringValue) ?? 0) < (Int($1.stringValue) ?? 0) }
            parties = keys.compactMap { try? nested.decode(DisputePartyInput.self, forKey: $0) }
        }
    }
    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: AnyKey.self)
        for (k, v) in [("type", type), ("source", source), ("summary", summary), ("peopleInvolved", peopleInvolved), ("communityID", communityID),
                       ("gridID", gridID), ("address", address), ("level", level)] { try c.encodeIfPresent(v, forKey: AnyKey(k)) }
        try c.encode(parties, forKey: AnyKey("parties"))
    }

    static func flag(_ s: String?) -> Bool { ["1", "true", "on", "yes"].contains((s ?? "").lowercased()) }

    struct Checked {
        var type: DisputeType
        var source: DisputeSource
        var summary: String
        var people: Int
        var place: Place
        var address: String
        var mass: Bool, fight: Bool, criminal: Bool
        var level: DisputeLevel?
        var parties: [(side: DisputeSide, name: String, personID: Int?)]
    }

    /// Validates everything and names every problem; nothing is written here.
    func check(_ req: Request) async throws -> Checked {
        let L = req.lang
        var e = FieldErrors()
        let type = type?.nilIfEmpty.flatMap(DisputeType.init(rawValue:))
        if type == nil { e["type"] = L.t("请选择纠纷类型", "Choose the type of dispute") }
        let source = source?.nilIfEmpty.flatMap(DisputeSource.init(rawValue:))
        if source == nil { e["source"] = L.t("请选择纠纷来源", "Choose where the dispute came from") }
        let summary = (summary ?? "").trimmed
        if summary.isEmpty { e["summary"] = L.t("请填写纠纷简要情况", "Describe the dispute") } else if summary.count > 2000 { e["summary"] = L.t("不能超过2000字", "At most 2000 characters") }
        var people = 2
        if let raw = peopleInvolved?.nilIfEmpty {
            if let n = Int(raw), (1...10_000).contains(n) { people = n } else { e["peopleInvolved"] = L.t("涉及人数应为 1–10000", "People involved: 1–10,000") }
        }
        let address = (address ?? "").trimmed
        if address.count > 200 { e["address"] = L.t("地址不能超过200字", "At most 200 characters") }
        var level: DisputeLevel? = nil
        if let l = self.level?.nilIfEmpty { level = DisputeLevel(rawValue: l); if level == nil { e["level"] = L.t("层级无效", "Unknown level") } }
        let place = try await Place.validate(req, community: communityID, grid: gridID, building: nil, old: nil, errors: &e)

        var parties: [(DisputeSide, String, Int?)] = []
        for (i, p) in parties_.enumerated() {
            let key = "parties.\(i)"
            let side = p.side?.nilIfEmpty.flatMap(DisputeSide.init(rawValue:)) ?? (i == 0 ? .applicant : .respondent)
            var name = (p.name ?? "").trimmed
            var personID: Int? = nil
            if let raw = p.personID?.nilIfEmpty {
                // A registry person must be one the user may see; otherwise "not found", as elsewhere.
                if let pid = Int(raw), let person = try await req.visible(Person.self, pid) {
                    personID = pid
                    if name.isEmpty { name = person.name }
                    // A typed name must be the linked person's: a mismatch is a wrong link or a wrong name.
                    else if name != person.name {
                        e[key + ".name"] = L.t("与关联的实有人口姓名「\(person.name)」不一致", "Does not match the linked person's name, \(person.name)")
                    }
                } else { e[key + ".personID"] = L.t("实有人口中没有此人", "No such person in the registry") }
            } else if let tail = p.idTail?.trimmed.uppercased().nilIfEmpty {
                if name.isEmpty { e[key + ".name"] = L.t("按身份证号后4位关联时请填写姓名", "Enter the name to link by the ID number's last four") }
                else {
                    let outcome = try await PersonLink.find(req, name: name, tail: tail)
                    if case .found(let id) = outcome { personID = id } else { e[key + ".idTail"] = PersonLink.message(outcome, name: name, tail: tail, L) }
                }
            }
            if name.isEmpty && personID == nil { if e[key + ".personID"] == nil { continue } }
            if name.count > 50 { e[key + ".name"] = L.t("姓名/名称不能超过50字", "At most 50 characters") }
            parties.append((side, name, personID))
        }
        if parties.isEmpty { e["parties"] = L.t("请至少填写一方当事人", "Enter at least one party") }
        if parties.count > 50 { e["parties"] = L.t("当事人不能超过50个", "At most 50 parties") }
        guard e.isEmpty, let type, let source, let place else { throw e.isEmpty ? FieldErrors(["type": "invalid"]) : e }
        return Checked(type: type, source: source, summary: summary, people: max(people, parties.count), place: place, address: address,
                       mass: Self.flag(riskMassPetition), fight: Self.flag(riskGroupFight), criminal: Self.flag(riskCriminal), level: level,
                       parties: parties.map { (side: $0.0, name: $0.1, personID: $0.2) })
    }
    private var parties_: [DisputePartyInput] { parties }
}

/// One workflow action on a file, from the detail page's forms or `POST /api/v1/disputes/:id/actions`.
struct DisputeActionInput: Content {
    var action: String?
    var reason: String?       // decline
    var level: String?        // assign, escalate
    var mediatorID: String?   // assign, escalate: a user id, "auto" (suggested) or "none" (the level's queue)
    var channel: String?      // refer
    var outcome: String?      // close
    var terms: String?        // close with agreement
    var kept: String?         // follow-up
    var note: String?
    var limitDays: String?    // accept

    init(action: String? = nil) { self.action = action }
    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: AnyKey.self)
        action = c.loose(AnyKey("action")); reason = c.loose(AnyKey("reason")); level = c.loose(AnyKey("level")); mediatorID = c.loose(AnyKey("mediatorID"))
        channel = c.loose(AnyKey("channel")); outcome = c.loose(AnyKey("outcome")); terms = c.loose(AnyKey("terms")); kept = c.loose(AnyKey("kept"))
        note = c.loose(AnyKey("note")); limitDays = c.loose(AnyKey("limitDays"))
    }
}

struct DisputeSessionInput: Content {
    var heldOn: String?
    var participants: String?
    var minutes: String?
    init() {}
    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: AnyKey.self)
        heldOn = c.loose(AnyKey("heldOn")); participants = c.loose(AnyKey("participants")); minutes = c.loose(AnyKey("minutes"))
    }
}
