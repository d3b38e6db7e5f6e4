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

        let name = (self.name ?? old?.name ?? "").trimmed
        if name.isEmpty { e["name"] = L.t("请填写姓名", "Enter the name") } else if name.count > 50 { e["name"] = L.t("姓名不能超过50字", "At most 50 characters") }

        // Identity number: required for a new person; on edit only when re-entered.
        var resident: ResidentID? = nil
        if let raw = idNumber?.nilIfEmpty {
            switch ResidentID.parse(raw, today: now) {
            case .success(let id): resident = id
            case .failure(let problem): e["idNumber"] = L.t(problem.messageZh, problem.messageEn)
            }
        } else if old == nil { e["idNumber"] = L.t("请填写公民身份号码", "Enter the resident ID number") }
        var index = old?.idNumberIndex
        if let resident {
            let newIndex = cipher.blindIndex(resident.value, field: "id_number")
            if newIndex != old?.idNumberIndex {
                // Unique across the district; the message says no more than that (the other record may be out of scope).
                if try await Person.query(on: req.db).filter(\.$idNumberIndex == newIndex).count() > 0 {
                    e["idNumber"] = L.t("该身份号码已在本区登记", "This ID number is already registered in the district")
                }
                index = newIndex
            }
        }

        var phoneDigits: String?? = nil // nil = unchanged, .some(nil) = cleared
        if let raw = phone {
            if let t = raw.nilIfEmpty {
                if let d = PhoneNumber.normalize(t) { phoneDigits = .some(d) } else { e["phone"] = L.t("电话号码格式不正确（手机11位或带区号座机）", "Enter an 11-digit mobile or a landline with area code") }
            } else { phoneDigits = .some(nil) }
        }

        let hukou = (hukouAddress ?? old?.hukouAddress ?? "").trimmed
        if hukou.count > 200 { e["hukouAddress"] = L.t("不能超过200字", "At most 200 characters") }

        var category = old?.category
        if let c = self.category?.nilIfEmpty { category = PersonCategory(rawValue: c); if category == nil { e["category"] = L.t("人口类别无效", "Unknown category") } }
        else if old == nil { e["category"] = L.t("请选择人口类别", "Choose a category") }
        var keyType = old?.keyType
        if let k = self.keyType { keyType = k.nilIfEmpty.flatMap(KeyPopulationType.init(rawValue:)); if k.nilIfEmpty != nil && keyType == nil { e["keyType"] = L.t("重点人口类型无效", "Unknown key-population type") } }
        if category == .key && keyType == nil && e["keyType"] == nil { e["keyType"] = L.t("重点人口须选择类型", "Choose the key-population type") }
        if category != .key { keyType = nil }

        var expires = old?.residenceExpiresOn
        if let x = residenceExpiresOn {
            expires = nil
            if let t = x.nilIfEmpty {
                if let d = cal.parseLocalDate(t) { expires = cal.formatDate(d) } else { e["residenceExpiresOn"] = L.t("日期格式应为 2026-03-05", "Use a date like 2026-03-05") }
            }
        }
        if category == .temporary && expires == nil && e["residenceExpiresOn"] == nil { e["residenceExpiresOn"] = L.t("暂住人口须填写登记有效期", "Temporary residents need the registration's expiry date") }
        if category != .temporary { expires = nil }

        var supervisor = old?.supervisorID
        if let s = supervisorID {
            supervisor = s.nilIfEmpty.flatMap { Int($0) }
            if s.nilIfEmpty != nil { if let sid = supervisor, try await User.find(sid, on: req.db) != nil {} else { e["supervisorID"] = L.t("责任人不存在", "No such user") } }
        }

        let place = try await Place.validate(req, community: communityID, grid: gridID, building: buildingID,
                                             old: old.map { Place(communityID: $0.communityID, gridID: $0.gridID, buildingID: $0.buildingID) }, errors: &e)
        let room = (self.room ?? old?.room ?? "").trimmed
        if room.count > 20 { e["room"] = L.t("房号不能超过20字", "At most 20 characters") }
        let note = (self.note ?? old?.note ?? "").trimmed
        if note.count > 2000 { e["note"] = L.t("备注不能超过2000字", "At most 2000 characters") }

        guard e.isEmpty, let category, let place, let index else { throw e.isEmpty ? FieldErrors(["idNumber": "invalid"]) : e }
        p.name = name
        if let resident {
            p.idNumberSealed = try cipher.seal(resident.value)
            p.idNumberIndex = index
            p.idNumberMasked = resident.masked
            p.sex = resident.isMale ? "M" : "F"
            p.birthDate = resident.birthDate.description
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
