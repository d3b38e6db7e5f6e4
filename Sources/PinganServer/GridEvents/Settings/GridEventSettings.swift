import Fluent
import SQLKit
import Vapor
import PinganKit

/// The district's settings for grid events: time limits by category and urgency (PinganKit's sample table until
/// changed), working hours, and the working calendar's additions — each new year's State Council notice (the
/// embedded data end with 2026) or local days off.
struct GridEventSettings: Codable, Sendable {
    var timeLimits: GridEventTimeLimitTable = .sample
    var workingHours: WorkingHours = .standard
    var calendarOverrides: [CalendarDayEntry] = []
    var enteredYears: [Int] = []
    /// Escalated red supervision after overdue by this share of the time limit (督办升级).
    var redAfterFraction: Double = 0.5

    func calendar(timeZone: String) -> WorkingCalendar {
        WorkingCalendar(hours: workingHours, localCalendar: LocalCalendar(timeZoneIdentifier: timeZone),
                        overrides: calendarOverrides, enteredYears: Set(enteredYears))
    }

    static func load(_ db: any Database) async throws -> GridEventSettings {
        guard let r = try await GridEventSettingsRecord.query(on: db).sort(\.$id).first() else { return GridEventSettings() }
        return (try? JSONDecoder().decode(GridEventSettings.self, from: Data(r.json.utf8))) ?? GridEventSettings()
    }

    func save(_ db: any Database) async throws {
        let json = String(decoding: try JSONEncoder().encode(self), as: UTF8.self)
        if let r = try await GridEventSettingsRecord.query(on: db).sort(\.$id).first() { r.json = json; try await r.save(on: db) }
        else { let r = GridEventSettingsRecord(); r.json = json; try await r.create(on: db) }
    }
}

extension Request {
    /// The district's working calendar for grid-event clocks (settings + the embedded notices).
    func gridEventCalendar() async throws -> (GridEventSettings, WorkingCalendar) {
        let s = try await GridEventSettings.load(db)
        return (s, s.calendar(timeZone: config.timeZone))
    }
}

/// The category table as the district keeps it (active rows), for pickers and names.
enum GridEventCategories {
    static func table(_ db: any Database, activeOnly: Bool = true) async throws -> [GridEventCategoryRow] {
        let q = GridEventCategoryRow.query(on: db)
        if activeOnly { q.filter(\.$active == true) }
        return try await q.sort(\.$code).all()
    }

    /// Every code's name, switched-off ones too (old events keep them). Read as three columns, not as models: every
    /// list request asks for all 43 (the model's decoding of them was ~4 % of a unit's list request).
    static func names(_ db: any Database, _ L: Lang) async throws -> [String: String] {
        let rows = try await (db as! any SQLDatabase).select().column("code").column("name_zh").column("name_en").from(GridEventCategoryRow.schema).all()
        var out: [String: String] = [:]
        for r in rows { out[try r.decode(column: "code", as: String.self)] = L.t(try r.decode(column: "name_zh", as: String.self), try r.decode(column: "name_en", as: String.self)) }
        return out
    }

    /// Options grouped as the table is: each major class, then its subclasses (only subclasses are picked when a major
    /// class has them).
    static func options(_ rows: [GridEventCategoryRow], _ L: Lang) -> [(group: String, items: [(String, String)])] {
        let majors = rows.filter { $0.parentCode == nil }
        return majors.map { m in
            let subs = rows.filter { $0.parentCode == m.code }
            let label = L.t(m.eventClass.nameZh, m.eventClass.nameEn) + " · " + L.t(m.nameZh, m.nameEn)
            return (label, subs.isEmpty ? [(m.code, L.t(m.nameZh, m.nameEn))] : subs.map { ($0.code, L.t($0.nameZh, $0.nameEn) + " (\($0.code))") })
        }
    }
}
