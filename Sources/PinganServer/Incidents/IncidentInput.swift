import Fluent
import Foundation
import PinganKit
import Vapor

/// What a user submits to create or edit an incident, from the web form or the JSON API.
/// Everything arrives as text and is validated here, field by field.
struct IncidentInput: Content {
    var source: String?
    var subcategory: String?
    var occurredAt: String?
    var reportedAt: String?
    var communityID: String?
    var gridID: String?
    var buildingID: String?
    var address: String?
    var latitude: String?
    var longitude: String?
    var modusOperandi: String?
    var description: String?
    var handlingOfficerID: String?
    var filedAt: String?
    var solvedAt: String?

    enum CodingKeys: String, CodingKey {
        case source, subcategory, occurredAt, reportedAt, communityID, gridID, buildingID, address, latitude, longitude
        case modusOperandi, description, handlingOfficerID, filedAt, solvedAt
    }
    init() {}
    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        source = c.loose(.source); subcategory = c.loose(.subcategory); occurredAt = c.loose(.occurredAt); reportedAt = c.loose(.reportedAt)
        communityID = c.loose(.communityID); gridID = c.loose(.gridID); buildingID = c.loose(.buildingID); address = c.loose(.address)
        latitude = c.loose(.latitude); longitude = c.loose(.longitude); modusOperandi = c.loose(.modusOperandi); description = c.loose(.description)
        handlingOfficerID = c.loose(.handlingOfficerID); filedAt = c.loose(.filedAt); solvedAt = c.loose(.solvedAt)
    }

    init(_ i: Incident, _ cal: LocalCalendar) {
        source = i.source.rawValue; subcategory = i.subcategory
        occurredAt = cal.formatDateTimeInput(i.occurredAt); reportedAt = cal.formatDateTimeInput(i.reportedAt)
        communityID = "\(i.communityID)"; gridID = i.gridID.map { "\($0)" }; buildingID = i.buildingID.map { "\($0)" }
        address = i.address; latitude = i.latitude.map { "\($0)" }; longitude = i.longitude.map { "\($0)" }
        modusOperandi = i.modusOperandi; description = i.description; handlingOfficerID = i.handlingOfficerID.map { "\($0)" }
        filedAt = i.filedAt.map { cal.formatDate($0) }; solvedAt = i.solvedAt.map { cal.formatDate($0) }
    }
}

/// Accepts ISO 8601 with an offset (API) or a local "yyyy-MM-ddTHH:mm" (forms, in the configured zone).
func parseInstant(_ s: String, _ cal: LocalCalendar) -> Date? {
    if let d = try? Date(s, strategy: .iso8601) { return d }
    return cal.parseLocalDateTime(s) ?? cal.parseLocalDate(s)
}

extension IncidentInput {
    /// Validates against the code table and the user's scope, then writes into `i`.
    /// Throws `FieldErrors` naming every problem; `i` is untouched on failure.
    func apply(to i: Incident, req: Request, subcategories: [IncidentSubcategoryRow], now: Date = Date()) async throws {
        let cal = LocalCalendar(timeZoneIdentifier: req.config.timeZone)
        let L = req.lang
        var e = FieldErrors()
        let old: Incident? = i.id == nil ? nil : i // unset fields of a new model must not be read

        var source = old?.source
        if let s = self.source?.nilIfEmpty { source = IncidentSource(rawValue: s); if source == nil { e["source"] = L.t("来源无效", "Unknown source") } }
        else if i.id == nil { e["source"] = L.t("请选择警情来源", "Choose a source") }

        var sub = subcategories.first { $0.code == old?.subcategory }
        if let s = self.subcategory?.nilIfEmpty {
            sub = subcategories.first { $0.code == s }
            if sub == nil { e["subcategory"] = L.t("警情类别无效", "Unknown subcategory") }
        } else if i.id == nil { e["subcategory"] = L.t("请选择警情类别", "Choose a category") }

        func instant(_ key: String, _ value: String?, required: Bool, current: Date?) -> Date? {
            guard let v = value?.nilIfEmpty else {
                if required && current == nil { e[key] = L.t("请填写发生时间", "Enter when it happened") }
                return value == nil ? current : (required ? current : nil)
            }
            guard let d = parseInstant(v, cal) else { e[key] = L.t("时间格式应为 2026-03-05 14:30", "Use a date and time like 2026-03-05T14:30"); return current }
            if d > now.addingTimeInterval(300) { e[key] = L.t("不能晚于当前时间", "Cannot be in the future") }
            if d < Date(timeIntervalSince1970: 946_684_800) { e[key] = L.t("不能早于 2000 年", "Cannot be before 2000") }
            return d
        }
        let occurred = instant("occurredAt", occurredAt, required: true, current: old?.occurredAt)
        var reported = instant("reportedAt", reportedAt, required: false, current: old?.reportedAt)
        if reported == nil && e["reportedAt"] == nil { reported = old?.reportedAt ?? now }
        if let o = occurred, let r = reported, o > r.addingTimeInterval(60) { e["occurredAt"] = L.t("发生时间不能晚于报警时间", "Must not be after the time it was reported") }

        // Place: the community must be in the user's scope; grid and building must sit under it.
        let place = try await Place.validate(req, community: communityID, grid: gridID, building: buildingID,
                                             old: old.map { Place(communityID: $0.communityID, gridID: $0.gridID, buildingID: $0.buildingID) }, errors: &e)

        let address = (self.address ?? old?.address ?? "").trimmed
        if address.count > 200 { e["address"] = L.t("地址不能超过200字", "At most 200 characters") }
        var lat = old?.latitude, lon = old?.longitude
        if latitude != nil || longitude != nil {
            let a = latitude?.nilIfEmpty, b = longitude?.nilIfEmpty
            if a == nil && b == nil { lat = nil; lon = nil }
            else if let a, let b, let x = Double(a), let y = Double(b), (-90...90).contains(x), (-180...180).contains(y) { lat = x; lon = y }
            else { e["latitude"] = L.t("经纬度需同时填写：纬度 -90~90，经度 -180~180", "Give both: latitude −90…90 and longitude −180…180") }
        }
        let mo = (modusOperandi ?? old?.modusOperandi ?? "").trimmed
        if mo.count > 500 { e["modusOperandi"] = L.t("不能超过500字", "At most 500 characters") }
        let desc = (description ?? old?.description ?? "").trimmed
        if desc.isEmpty { e["description"] = L.t("请填写简要案情", "Describe what happened") } else if desc.count > 5000 { e["description"] = L.t("不能超过5000字", "At most 5000 characters") }

        var officerID = old?.handlingOfficerID
        if let o = handlingOfficerID {
            officerID = o.nilIfEmpty.flatMap { Int($0) }
            if let oid = officerID {
                // Kept as it was, or one of the officers working in the user's area (an officer elsewhere looks missing).
                if oid != old?.handlingOfficerID, !(try await OfficerChoices.load(req).ids.contains(oid)) {
                    e["handlingOfficerID"] = L.t("您的辖区内没有这名民警", "No such officer in your area")
                }
            } else if o.nilIfEmpty != nil { e["handlingOfficerID"] = L.t("处警民警不存在", "No such officer") }
        }

        var filed = old?.filedAt, solved = old?.solvedAt
        if let f = filedAt { filed = nil; if let v = f.nilIfEmpty { filed = parseInstant(v, cal); if filed == nil { e["filedAt"] = L.t("日期格式应为 2026-03-05", "Use a date like 2026-03-05") } } }
        if let s = solvedAt { solved = nil; if let v = s.nilIfEmpty { solved = parseInstant(v, cal); if solved == nil { e["solvedAt"] = L.t("日期格式应为 2026-03-05", "Use a date like 2026-03-05") } } }
        if let f = filed, f > now.addingTimeInterval(86400) { e["filedAt"] = L.t("不能晚于今天", "Cannot be in the future") }
        if let s = solved, s > now.addingTimeInterval(86400) { e["solvedAt"] = L.t("不能晚于今天", "Cannot be in the future") }
        if solved != nil && filed == nil && e["solvedAt"] == nil { e["solvedAt"] = L.t("破案前须先立案", "A case must be filed before it is solved") }
        if let f = filed, let s = solved, cal.startOfDay(s) < cal.startOfDay(f) { e["solvedAt"] = L.t("破案日期不能早于立案日期", "Cannot be before the filing date") }
        if let f = filed, let o = occurred, cal.startOfDay(f) < cal.startOfDay(o) { e["filedAt"] = L.t("立案日期不能早于发生日期", "Cannot be before the incident occurred") }

        guard e.isEmpty, let source, let sub, let occurred, let reported, let place else { throw e.isEmpty ? FieldErrors(["form": "invalid"]) : e }
        i.source = source
        i.subcategory = sub.code
        i.category = sub.category
        i.preventable = sub.preventable
        i.occurredAt = occurred
        i.reportedAt = reported
        i.communityID = place.communityID
        i.gridID = place.gridID
        i.buildingID = place.buildingID
        i.address = address
        i.latitude = lat
        i.longitude = lon
        i.modusOperandi = mo
        i.description = desc
        i.handlingOfficerID = officerID
        i.filedAt = filed
        i.solvedAt = solved
    }
}
