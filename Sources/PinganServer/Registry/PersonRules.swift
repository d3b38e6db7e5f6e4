import Foundation
import PinganKit

/// The field rules of a person record that need no database: shared by the form/API input and the
/// bulk import, so both say the same thing about the same mistake.
enum PersonRules {
    static func name(_ raw: String, _ L: Lang, _ e: inout FieldErrors) -> String {
        let v = raw.trimmed
        if v.isEmpty { e["name"] = L.t("请填写姓名", "Enter the name") } else if v.count > 50 { e["name"] = L.t("姓名不能超过50字", "At most 50 characters") }
        return v
    }

    static func text(_ raw: String, field: String, max: Int, _ L: Lang, _ e: inout FieldErrors) -> String {
        let v = raw.trimmed
        if v.count > max {
            e[field] = field == "room" ? L.t("房号不能超过\(max)字", "At most \(max) characters")
                : field == "note" ? L.t("备注不能超过\(max)字", "At most \(max) characters") : L.t("不能超过\(max)字", "At most \(max) characters")
        }
        return v
    }

    static func resident(_ raw: String, now: Date, _ L: Lang, _ e: inout FieldErrors) -> ResidentID? {
        resident(raw, today: ResidentID.shanghaiDay(of: now), L, &e)
    }

    static func resident(_ raw: String, today: ResidentID.BirthDate, _ L: Lang, _ e: inout FieldErrors) -> ResidentID? {
        switch ResidentID.parse(raw, todayInShanghai: today) {
        case .success(let id): return id
        case .failure(let problem): e["idNumber"] = L.t(problem.messageZh, problem.messageEn); return nil
        }
    }

    /// nil for an empty value; a message for one that is not a phone number.
    static func phone(_ raw: String, _ L: Lang, _ e: inout FieldErrors) -> String? {
        guard let t = raw.nilIfEmpty else { return nil }
        if let d = PhoneNumber.normalize(t) { return d }
        e["phone"] = L.t("电话号码格式不正确（手机11位或带区号座机）", "Enter an 11-digit mobile or a landline with area code")
        return nil
    }

    static func category(_ raw: String, _ L: Lang, _ e: inout FieldErrors) -> PersonCategory? {
        let c = PersonCategory(rawValue: raw)
        if c == nil { e["category"] = L.t("人口类别无效", "Unknown category") }
        return c
    }

    static func keyType(_ raw: String, _ L: Lang, _ e: inout FieldErrors) -> KeyPopulationType? {
        guard let k = raw.nilIfEmpty else { return nil }
        let t = KeyPopulationType(rawValue: k)
        if t == nil { e["keyType"] = L.t("重点人口类型无效", "Unknown key-population type") }
        return t
    }

    static func date(_ raw: String, field: String, _ cal: LocalCalendar, _ L: Lang, _ e: inout FieldErrors) -> String? {
        guard let t = raw.nilIfEmpty else { return nil }
        if let d = LocalCalendar.normalizedLocalDate(t) { return d }
        e[field] = L.t("日期格式应为 2026-03-05", "Use a date like 2026-03-05")
        return nil
    }

    /// Category, key type and temporary expiry must agree; returns what is stored.
    static func coherent(category: PersonCategory?, keyType: KeyPopulationType?, expires: String?, _ L: Lang, _ e: inout FieldErrors) -> (KeyPopulationType?, String?) {
        if category == .key && keyType == nil && e["keyType"] == nil { e["keyType"] = L.t("重点人口须选择类型", "Choose the key-population type") }
        if category == .temporary && expires == nil && e["residenceExpiresOn"] == nil { e["residenceExpiresOn"] = L.t("暂住人口须填写登记有效期", "Temporary residents need the registration's expiry date") }
        return (category == .key ? keyType : nil, category == .temporary ? expires : nil)
    }

    static let duplicateID = ("该身份号码已在本区登记", "This ID number is already registered in the district")
}
