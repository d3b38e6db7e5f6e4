import Fluent
import Vapor
import PinganKit

/// The district's own grid-event configuration, as administrators change it (web pages and API alike): responsible
/// units, the category table, time limits, working hours and the working calendar. Every change is validated whole
/// (a table that would not load is refused), written in one transaction and audited.
enum GridEventConfig {
    // MARK: units 处置单位

    struct UnitInput: Content {
        var name: String?; var kind: String?; var divisionID: String?; var phone: String?; var active: String?
        init() {}
        init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: AnyKey.self)
            name = c.loose(AnyKey("name")); kind = c.loose(AnyKey("kind")); divisionID = c.loose(AnyKey("divisionID"))
            phone = c.loose(AnyKey("phone")); active = c.loose(AnyKey("active"))
        }
    }

    /// The areas a unit may serve: the district and streets in the administrator's scope, and their communities
    /// (a community committee or a property company serves one community).
    static func unitAreas(_ req: Request) async throws -> [Division] {
        let scope = try await req.scope()
        // unscoped: the tree's upper levels, filtered by the scope just below
        return try await Division.query(on: req.db).filter(\.$level ~~ [.district, .street, .community]).sort(\.$code).all()
            .filter { scope.allows(division: $0) }
    }

    /// Units whose area the administrator's scope covers; others answer 404 like missing ones.
    static func units(_ req: Request) async throws -> [ResponsibleUnit] {
        let areas = Set(try await unitAreas(req).compactMap(\.id))
        return try await ResponsibleUnit.query(on: req.db).sort(\.$kind).sort(\.$name).all().filter { areas.contains($0.divisionID) }
    }

    static func unit(_ req: Request, _ id: Int?) async throws -> ResponsibleUnit {
        guard let id, let u = try await units(req).first(where: { $0.id == id }) else { throw Abort(.notFound) }
        return u
    }

    /// Creates (`existing` nil) or updates a unit. Name 2–40 characters and unique, a known kind, an area in scope.
    @discardableResult
    static func saveUnit(_ req: Request, _ existing: ResponsibleUnit?, _ input: UnitInput) async throws -> ResponsibleUnit {
        try req.require(.configureGridEvents)
        let L = req.lang
        var e = FieldErrors()
        let u = existing ?? ResponsibleUnit()
        let creating = existing == nil
        if creating || input.name != nil {
            let name = input.name?.trimmed ?? ""
            if !(2...40).contains(name.count) { e["name"] = L.t("名称须为2–40个字", "The name takes 2–40 characters") }
            else if try await ResponsibleUnit.query(on: req.db).filter(\.$name == name).all().contains(where: { $0.id != u.id }) {
                e["name"] = L.t("已有同名处置单位", "A unit with this name exists")
            } else { u.name = name }
        }
        if creating || input.kind != nil {
            if let k = input.kind.flatMap({ ResponsibleUnitKind(rawValue: $0.trimmed) }) { u.kind = k }
            else { e["kind"] = L.t("请选择单位类型", "Choose the kind of unit") }
        }
        if creating || input.divisionID != nil {
            let areas = try await unitAreas(req)
            if let id = input.divisionID.flatMap({ Int($0.trimmed) }), areas.contains(where: { $0.id == id }) { u.divisionID = id }
            else { e["divisionID"] = L.t("请选择辖区内的服务范围", "Choose an area within your jurisdiction") }
        }
        if let p = input.phone {
            let phone = p.trimmed
            if phone.count > 20 || phone.contains(where: { !($0.isNumber || $0 == "-" || $0 == " " || $0 == "+") }) {
                e["phone"] = L.t("电话只含数字、空格、+ 和 -，不超过20位", "Digits, spaces, + and - only, at most 20")
            } else { u.phone = phone }
        } else if creating { u.phone = "" }
        if let a = input.active?.nilIfEmpty { u.active = DisputeInput.flag(a) } else if creating { u.active = true }
        guard e.isEmpty else { throw e }
        try await req.db.transaction { db in
            try await u.save(on: db)
            await req.audit(creating ? "grid_event.unit.create" : "grid_event.unit.update", entity: "responsible_unit", id: u.id.map(String.init),
                            detail: "\(u.name) kind=\(u.kind.rawValue) area=\(u.divisionID) active=\(u.active)", on: db)
        }
        return u
    }

    // MARK: categories 事件分类

    struct CategoryInput: Content {
        var code: String?; var parentCode: String?; var eventClass: String?; var nameZh: String?; var nameEn: String?; var defaultUnit: String?; var active: String?
        init() {}
        init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: AnyKey.self)
            code = c.loose(AnyKey("code")); parentCode = c.loose(AnyKey("parentCode")); eventClass = c.loose(AnyKey("eventClass"))
            nameZh = c.loose(AnyKey("nameZh")); nameEn = c.loose(AnyKey("nameEn")); defaultUnit = c.loose(AnyKey("defaultUnit")); active = c.loose(AnyKey("active"))
        }
    }

    /// Creates a category (`existing` nil: code, class or parent required) or changes one (the code, class and parent
    /// stay: events keep the code they were filed under). A changed row is no longer the shipped sample. Switching a
    /// major class off switches its subclasses off with it (the picker shows subclasses under their major class).
    @discardableResult
    static func saveCategory(_ req: Request, _ existing: GridEventCategoryRow?, _ input: CategoryInput) async throws -> GridEventCategoryRow {
        try req.require(.configureGridEvents)
        let L = req.lang
        var e = FieldErrors()
        let all = try await GridEventCategories.table(req.db, activeOnly: false)
        let c = existing ?? GridEventCategoryRow()
        let creating = existing == nil
        if creating {
            let code = (input.code ?? "").trimmed.uppercased()
            if code.isEmpty || code.count > 12 || !code.allSatisfy({ ($0.isASCII && $0.isLetter) || $0.isASCII && $0.isNumber }) {
                e["code"] = L.t("代码为1–12位字母或数字", "The code takes 1–12 letters or digits")
            } else if all.contains(where: { $0.code == code }) {
                e["code"] = L.t("代码“\(code)”已存在", "Code \(code) exists")
            } else { c.code = code }
            if let p = input.parentCode?.nilIfEmpty {
                if let parent = all.first(where: { $0.code == p.uppercased() && $0.parentCode == nil }) {
                    c.parentCode = parent.code; c.eventClass = parent.eventClass
                } else { e["parentCode"] = L.t("上级须为已有大类", "The parent must be an existing major class") }
            } else if let k = input.eventClass.flatMap({ GridEventClass(rawValue: $0.trimmed) }) {
                c.parentCode = nil; c.eventClass = k
            } else { e["eventClass"] = L.t("新大类须选择部件或事件", "A new major class is a component or an event class") }
            c.sample = false
            c.active = true
        }
        if creating || input.nameZh != nil {
            let s = input.nameZh?.trimmed ?? ""
            if !(1...30).contains(s.count) { e["nameZh"] = L.t("中文名称1–30字", "Chinese name: 1–30 characters") } else { c.nameZh = s }
        }
        if creating || input.nameEn != nil {
            let s = input.nameEn?.trimmed ?? ""
            // Without an English name the Chinese one stands in (a new row's, or the row's own).
            let zh = creating ? (input.nameZh?.trimmed ?? "") : c.nameZh
            if s.count > 60 { e["nameEn"] = L.t("英文名称不超过60字", "English name: at most 60 characters") } else { c.nameEn = s.isEmpty ? zh : s }
        }
        if let v = input.defaultUnit {
            if let s = v.nilIfEmpty {
                if let k = ResponsibleUnitKind(rawValue: s) { c.defaultUnit = k } else { e["defaultUnit"] = L.t("未知的单位类型", "Unknown kind of unit") }
            } else { c.defaultUnit = nil }
        }
        if c.parentCode == nil, c.defaultUnit == nil, e["defaultUnit"] == nil, e["eventClass"] == nil {
            e["defaultUnit"] = L.t("大类须指定默认处置单位类型", "A major class needs a default kind of unit")
        }
        let wasActive = c.active
        if let a = input.active?.nilIfEmpty { c.active = DisputeInput.flag(a) }
        if c.active, let p = c.parentCode, all.first(where: { $0.code == p })?.active == false {
            e["active"] = L.t("所属大类已停用，请先启用大类", "Its major class is switched off; switch that on first")
        }
        guard e.isEmpty else { throw e }
        if !creating { c.sample = false }
        // The whole table must still load (PinganKit's checks), with this row as it would be.
        let rows = all.filter { $0.code != c.code }.map(\.kit) + [c.kit]
        do { _ = try GridEventCategoryTable(rows) } catch { throw FieldErrors(["code": L.t(error.messageZh, error.messageEn)]) }
        let cascade = c.parentCode == nil && wasActive && !c.active && !creating
        try await req.db.transaction { db in
            try await c.save(on: db)
            if cascade {
                try await GridEventCategoryRow.query(on: db).filter(\.$parentCode == c.code).set(\.$active, to: false).update()
            }
            await req.audit(creating ? "grid_event.category.create" : "grid_event.category.update", entity: "grid_event_category", id: c.code,
                            detail: "\(c.nameZh) unit=\(c.defaultUnit?.rawValue ?? "-") active=\(c.active)" + (cascade ? " subclasses=off" : ""), on: db)
        }
        return c
    }

    // MARK: settings 时限与工作日历

    /// Saves the whole settings record (already validated by whoever built it) and audits what changed.
    static func save(_ req: Request, _ s: GridEventSettings, what: String) async throws {
        try req.require(.configureGridEvents)
        try await req.db.transaction { db in
            try await s.save(db)
            await req.audit("grid_event.settings.\(what)", entity: "grid_event_settings", detail: summary(s), on: db)
        }
    }

    static func summary(_ s: GridEventSettings) -> String {
        "hours=\(s.workingHours) limits=\(s.timeLimits.byCategory.count) overrides=\(s.calendarOverrides.count) years=\(s.enteredYears.sorted()) red=\(s.redAfterFraction)"
    }
}
