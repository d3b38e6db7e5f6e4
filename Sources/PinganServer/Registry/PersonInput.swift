import Fluent
import Vapor
import PinganKit

/// What a user submits for a person, from the form or the API; validated field by field.
struct PersonInput: Content {
    var name: String?
    var idNumber: String?
    var phone: String?
    var hukouAddress: String?
    var category: String?
    var keyType: String?
    var supervisorID: String?
    var communityID: String?
    var gridID: String?
    var buildingID: String?
    var room: String?
    var residenceExpiresOn: String?
    var note: String?

    enum CodingKeys: String, CodingKey {
        case name, idNumber, phone, hukouAddress, category, keyType, supervisorID, communityID, gridID, buildingID, room, residenceExpiresOn, note
    }
    init() {}
    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        name = c.loose(.name); idNumber = c.loose(.idNumber); phone = c.loose(.phone); hukouAddress = c.loose(.hukouAddress)
        category = c.loose(.category); keyType = c.loose(.keyType); supervisorID = c.loose(.supervisorID); communityID = c.loose(.communityID)
        gridID = c.loose(.gridID); buildingID = c.loose(.buildingID); room = c.loose(.room); residenceExpiresOn = c.loose(.residenceExpiresOn); note = c.loose(.note)
    }
    /// The edit form starts from the stored record; identity fields stay empty (re-enter to change).
    init(_ p: Person) {
        name = p.name; hukouAddress = p.hukouAddress; category = p.category.rawValue; keyType = p.keyType?.rawValue
        supervisorID = p.supervisorID.map { "\($0)" }; communityID = "\(p.communityID)"; gridID = p.gridID.map { "\($0)" }
        buildingID = p.buildingID.map { "\($0)" }; room = p.room; residenceExpiresOn = p.residenceExpiresOn; note = p.note
    }

    /// Validates and writes into `p`. Throws FieldErrors naming every problem; `p` is untouched then.
    func apply(to p: Person, req: Request, now: Date = Date()) async throws {
        let L = req.lang
        let old: Person? = p.id == nil ? nil : p
        let cipher = req.cipher
        let cal = LocalCalendar(timeZoneIdentifier: req.config.timeZone)
        var e = FieldErrors()

        let name = PersonRules.name(self.name ?? old?.name ?? "", L, &e)

        // Identity number: required for a new person; on edit only when re-entered.
        var resident: ResidentID? = nil
        if let raw = idNumber?.nilIfEmpty {
            resident = PersonRules.resident(raw, now: now, L, &e)
        } else if old == nil { e["idNumber"] = L.t("请填写公民身份号码", "Enter the resident ID number") }
        var index = old?.idNumberIndex
        if let resident {
            let newIndex = cipher.blindIndex(resident.value, field: "id_number")
            if newIndex != old?.idNumberIndex {
                // Unique across the district; the message says no more than that (the other record may be out of scope).
                // unscoped: an ID number is unique in the district
                if try await Person.query(on: req.db).filter(\.$idNumberIndex == newIndex).count() > 0 {
                    e["idNumber"] = L.t(PersonRules.duplicateID.0, PersonRules.duplicateID.1)
                    // Held outside the writer's jurisdiction: the answer is an identifier lookup, counted and audited.
                    if try await req.scoped(Person.self).filter(\.$idNumberIndex == newIndex).count() == 0 {
                        try await IdentifierCollision.charge(req, count: 1, masked: resident.masked)
                    }
                }
                index = newIndex
            }
        }

        var phoneDigits: String?? = nil // nil = unchanged, .some(nil) = cleared
        if let raw = phone {
            let digits = PersonRules.phone(raw, L, &e)
            if digits != nil || raw.nilIfEmpty == nil { phoneDigits = .some(digits) }
        }

        let hukou = PersonRules.text(hukouAddress ?? old?.hukouAddress ?? "", field: "hukouAddress", max: 200, L, &e)

        var category = old?.category
        if let c = self.category?.nilIfEmpty { category = PersonRules.category(c, L, &e) }
        else if old == nil { e["category"] = L.t("请选择人口类别", "Choose a category") }
        var keyType = old?.keyType
        if let k = self.keyType { keyType = PersonRules.keyType(k, L, &e) }

        var expires = old?.residenceExpiresOn
        if let x = residenceExpiresOn { expires = PersonRules.date(x, field: "residenceExpiresOn", cal, L, &e) }
        (keyType, expires) = PersonRules.coherent(category: category, keyType: keyType, expires: expires, L, &e)

        var supervisor = old?.supervisorID
        if let s = supervisorID {
            supervisor = s.nilIfEmpty.flatMap { Int($0) }
            if s.nilIfEmpty != nil { if let sid = supervisor, try await User.find(sid, on: req.db) != nil {} else { e["supervisorID"] = L.t("责任人不存在", "No such user") } }
        }

        let place = try await Place.validate(req, community: communityID, grid: gridID, building: buildingID,
                                             old: old.map { Place(communityID: $0.communityID, gridID: $0.gridID, buildingID: $0.buildingID) }, errors: &e)
        let room = PersonRules.text(self.room ?? old?.room ?? "", field: "room", max: 20, L, &e)
        let note = PersonRules.text(self.note ?? old?.note ?? "", field: "note", max: 2000, L, &e)

        guard e.isEmpty, let category, let place, let index else { throw e.isEmpty ? FieldErrors(["idNumber": "invalid"]) : e }
        p.name = name
        if let resident {
            p.idNumberSealed = try cipher.seal(resident.value)
            p.idNumberIndex = index
            p.idNumberMasked = resident.masked
            p.sex = resident.isMale ? "M" : "F"
            p.birthYear = String(resident.birthDate.year)
        }
        if let change = phoneDigits {
            p.phoneSealed = try change.map { try cipher.seal($0) }
            p.phoneIndex = change.map { cipher.blindIndex($0, field: "phone") }
            p.phoneMasked = change.map(PhoneNumber.masked)
        } else if old == nil { p.phoneSealed = nil; p.phoneIndex = nil; p.phoneMasked = nil }
        p.hukouAddress = hukou
        p.category = category
        p.keyType = keyType
        p.supervisorID = supervisor
        p.communityID = place.communityID
        p.gridID = place.gridID
        p.buildingID = place.buildingID
        p.room = room
        p.residenceExpiresOn = expires
        p.note = note
    }
}
