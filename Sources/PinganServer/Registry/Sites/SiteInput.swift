import Fluent
import Vapor
import PinganKit

/// What a user submits for a site, from the form (`attributes[units]=6`) or the API
/// (`"attributes": {"units": 6}`): both arrive as one nested object. Absent fields keep the stored
/// value; the form sends `attributesComplete=1` so an unticked checkbox clears its flag.
struct SiteInput: Content {
    var kind: String?
    var name: String?
    var licence: String?
    var address: String?
    var communityID: String?
    var gridID: String?
    var buildingID: String?
    var contactName: String?
    var contactPhone: String?
    var status: String?
    var lastInspectedOn: String?
    var note: String?
    var attributes: [String: String]?
    var attributesComplete = false

    static let keys = ["kind", "name", "licence", "address", "communityID", "gridID", "buildingID", "contactName", "contactPhone", "status", "lastInspectedOn", "note"]

    init() {}
    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: AnyKey.self)
        kind = c.loose(AnyKey("kind")); name = c.loose(AnyKey("name")); licence = c.loose(AnyKey("licence")); address = c.loose(AnyKey("address"))
        communityID = c.loose(AnyKey("communityID")); gridID = c.loose(AnyKey("gridID")); buildingID = c.loose(AnyKey("buildingID"))
        contactName = c.loose(AnyKey("contactName")); contactPhone = c.loose(AnyKey("contactPhone")); status = c.loose(AnyKey("status"))
        lastInspectedOn = c.loose(AnyKey("lastInspectedOn")); note = c.loose(AnyKey("note"))
        attributesComplete = ["1", "true"].contains(c.loose(AnyKey("attributesComplete")) ?? "")
        if let nested = try? c.nestedContainer(keyedBy: AnyKey.self, forKey: AnyKey("attributes")) {
            var out: [String: String] = [:]
            for k in nested.allKeys { if let v = nested.loose(k) { out[k.stringValue] = v } }
            attributes = out
        }
    }
    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: AnyKey.self)
        let pairs: [(String, String?)] = [("kind", kind), ("name", name), ("licence", licence), ("address", address), ("communityID", communityID), ("gridID", gridID),
                                          ("buildingID", buildingID), ("contactName", contactName), ("status", status), ("lastInspectedOn", lastInspectedOn), ("note", note)]
        for (k, v) in pairs { try c.encodeIfPresent(v, forKey: AnyKey(k)) }
        try c.encodeIfPresent(attributes, forKey: AnyKey("attributes"))
    }

    /// The edit form starts from the stored record (the contact phone stays empty: re-enter to change).
    init(_ s: Site) {
        kind = s.kind.rawValue; name = s.name; licence = s.licence; address = s.address; communityID = "\(s.communityID)"
        gridID = s.gridID.map { "\($0)" }; buildingID = s.buildingID.map { "\($0)" }; contactName = s.contactName
        status = s.status.rawValue; lastInspectedOn = s.lastInspectedOn; note = s.note; attributes = s.values
    }

    /// Kinds whose licence number is required (licensed trades).
    static func licenceRequired(_ k: SiteKind) -> Bool { [.specialIndustry, .hazardHolder, .internetCafe].contains(k) }
    static func addressRequired(_ k: SiteKind) -> Bool { ![.building, .camera, .checkpoint].contains(k) }

    /// Validates and writes into `s`; throws FieldErrors naming every problem and leaves `s` untouched then.
    func apply(to s: Site, req: Request, now: Date = Date()) async throws {
        let L = req.lang
        let old: Site? = s.id == nil ? nil : s
        let cal = LocalCalendar(timeZoneIdentifier: req.config.timeZone)
        var e = FieldErrors()

        var kind = old?.kind
        if let k = self.kind?.nilIfEmpty {
            if let parsed = SiteKind(rawValue: k) {
                if let old, old.kind != parsed { e["kind"] = L.t("不能修改登记类别，请新建", "The kind cannot change; register a new record") } else { kind = parsed }
            } else { e["kind"] = L.t("登记类别无效", "Unknown kind") }
        } else if old == nil { e["kind"] = L.t("请选择登记类别", "Choose a kind") }

        let name = (self.name ?? old?.name ?? "").trimmed
        if name.isEmpty { e["name"] = L.t("请填写名称", "Enter the name") } else if name.count > 100 { e["name"] = L.t("名称不能超过100字", "At most 100 characters") }
        let licence = (self.licence ?? old?.licence ?? "").trimmed
        if licence.count > 50 { e["licence"] = L.t("不能超过50字", "At most 50 characters") }
        if let kind, Self.licenceRequired(kind), licence.isEmpty { e["licence"] = L.t("该行业须填写许可证号", "Licensed trades need the licence number") }
        let address = (self.address ?? old?.address ?? "").trimmed
        if address.count > 200 { e["address"] = L.t("地址不能超过200字", "At most 200 characters") }
        if let kind, Self.addressRequired(kind), address.isEmpty { e["address"] = L.t("请填写地址", "Enter the address") }
        let contactName = (self.contactName ?? old?.contactName ?? "").trimmed
        if contactName.count > 50 { e["contactName"] = L.t("不能超过50字", "At most 50 characters") }
        var phone: String?? = nil
        if let raw = contactPhone {
            if let t = raw.nilIfEmpty {
                if let d = PhoneNumber.normalize(t) { phone = .some(d) } else { e["contactPhone"] = L.t("电话号码格式不正确（手机11位或带区号座机）", "Enter an 11-digit mobile or a landline with area code") }
            } else { phone = .some(nil) }
        }
        var status = old?.status ?? .active
        if let st = self.status?.nilIfEmpty { if let v = SiteStatus(rawValue: st) { status = v } else { e["status"] = L.t("状态无效", "Unknown status") } }
        var inspected = old?.lastInspectedOn
        if let x = lastInspectedOn {
            inspected = nil
            if let t = x.nilIfEmpty {
                if let d = cal.parseLocalDate(t) {
                    if d > now { e["lastInspectedOn"] = L.t("检查日期不能晚于今天", "The inspection date cannot be in the future") } else { inspected = cal.formatDate(d) }
                } else { e["lastInspectedOn"] = L.t("日期格式应为 2026-03-05", "Use a date like 2026-03-05") }
            }
        }
        let note = (self.note ?? old?.note ?? "").trimmed
        if note.count > 2000 { e["note"] = L.t("备注不能超过2000字", "At most 2000 characters") }

        var values: [String: String] = [:]
        if let kind {
            var raw = attributesComplete ? [:] : (old?.values ?? [:])
            for (k, v) in attributes ?? [:] { raw[k] = v }
            let checked = SiteAttributes.validate(kind, raw)
            for p in checked.problems { e["attributes." + p.key] = L.t(p.zh, p.en) }
            values = checked.values
        }

        let place = try await Place.validate(req, community: communityID, grid: gridID, building: buildingID,
                                             old: old.map { Place(communityID: $0.communityID, gridID: $0.gridID, buildingID: $0.buildingID) }, errors: &e)
        if let kind, let place, !name.isEmpty, e["name"] == nil, name != old?.name || place.communityID != old?.communityID {
            // unscoped: uniqueness of kind + community + name
            let clash = try await Site.query(on: req.db).filter(\.$kind == kind).filter(\.$communityID == place.communityID).filter(\.$name == name).first()
            if let clash, clash.id != old?.id { e["name"] = L.t("本社区已登记同名的\(kind.nameZh)", "This community already has a \(kind.nameEn.lowercased()) with this name") }
        }
        guard e.isEmpty, let kind, let place else { throw e.isEmpty ? FieldErrors(["kind": "invalid"]) : e }
        s.kind = kind
        s.subtype = kind.subtype.flatMap { values[$0.key] }
        s.name = name
        s.licence = licence
        s.address = address
        s.communityID = place.communityID
        s.gridID = place.gridID
        s.buildingID = place.buildingID
        s.contactName = contactName
        if let change = phone {
            let c = req.cipher
            s.contactPhoneSealed = try change.map { try c.seal($0) }
            s.contactPhoneIndex = change.map { c.blindIndex($0, field: "phone") }
            s.contactPhoneMasked = change.map(PhoneNumber.masked)
        } else if old == nil { s.contactPhoneSealed = nil; s.contactPhoneIndex = nil; s.contactPhoneMasked = nil }
        s.status = status
        s.attributes = SiteAttributes.encode(values)
        s.lastInspectedOn = inspected
        s.note = note
    }
}
