import Fluent
import SQLKit
import Vapor
import PinganKit

/// `/events/settings/…` pages and their API twins: responsible units, categories, time limits, working calendar.
/// Only roles with `configureGridEvents` (administrators and the district command) reach them.
struct GridEventSettingsController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let r = routes.grouped("events", "settings")
        r.get { req async throws -> Response in try req.require(.configureGridEvents); return req.redirect(to: "/events/settings/units") }
        r.get("units", use: unitsPage)
        r.post("units", use: createUnit)
        r.get("units", ":id", use: unitPage)
        r.post("units", ":id", use: updateUnit)
        r.get("categories", use: categoriesPage)
        r.post("categories", use: createCategory)
        r.get("categories", ":code", use: categoryPage)
        r.post("categories", ":code", use: updateCategory)
        r.get("limits", use: limitsPage)
        r.post("limits", use: saveLimits)
        r.get("calendar", use: calendarPage)
        r.post("calendar", "hours", use: saveHours)
        r.post("calendar", "days", use: addDay)
        r.post("calendar", "days", ":day", "delete", use: deleteDay)
        r.post("calendar", "years", use: markYear)

        let api = routes.grouped("api", "v1")
        api.get("events", "settings", use: apiSettings)
        api.put("events", "settings", use: apiSaveSettings)
        api.post("units", use: apiCreateUnit)
        api.patch("units", ":id", use: apiUpdateUnit)
        api.post("event-categories", use: apiCreateCategory)
        api.patch("event-categories", ":code", use: apiUpdateCategory)
    }

    // MARK: units

    func renderUnits(_ req: Request, failed: (input: GridEventConfig.UnitInput, errors: FieldErrors)? = nil) async throws -> Response {
        let units = try await GridEventConfig.units(req)
        var staff: [Int: Int] = [:]
        for u in try await User.query(on: req.db).filter(\.$unitID != nil).filter(\.$active == true).all() { if let id = u.unitID { staff[id, default: 0] += 1 } }
        return GridEventSettingsViews.units(req, units: units, staff: staff, areas: try await GridEventConfig.unitAreas(req),
                                            q: req.query[String.self, at: "q"]?.nilIfEmpty, kind: req.query[String.self, at: "kind"]?.nilIfEmpty, failed: failed)
    }

    @Sendable func unitsPage(req: Request) async throws -> Response {
        try req.require(.configureGridEvents)
        return try await renderUnits(req)
    }

    @Sendable func createUnit(req: Request) async throws -> Response {
        try req.require(.configureGridEvents)
        let input = (try? req.content.decode(GridEventConfig.UnitInput.self)) ?? .init()
        do { try await GridEventConfig.saveUnit(req, nil, input); return req.redirect(to: "/events/settings/units") }
        catch let e as FieldErrors { return try await renderUnits(req, failed: (input, e)) }
    }

    @Sendable func unitPage(req: Request) async throws -> Response {
        try req.require(.configureGridEvents)
        let u = try await GridEventConfig.unit(req, req.parameters.get("id", as: Int.self))
        return GridEventSettingsViews.unitEdit(req, u, input: GridEventSettingsViews.unitInput(u), errors: FieldErrors(), areas: try await GridEventConfig.unitAreas(req))
    }

    @Sendable func updateUnit(req: Request) async throws -> Response {
        try req.require(.configureGridEvents)
        let u = try await GridEventConfig.unit(req, req.parameters.get("id", as: Int.self))
        let before = GridEventSettingsViews.unitInput(u)
        let input = (try? req.content.decode(GridEventConfig.UnitInput.self)) ?? .init()
        do { try await GridEventConfig.saveUnit(req, u, input); return req.redirect(to: "/events/settings/units") }
        catch let e as FieldErrors {
            // What was typed over what was there, so nothing is lost.
            var shown = before
            shown.name = input.name ?? before.name; shown.kind = input.kind ?? before.kind; shown.divisionID = input.divisionID ?? before.divisionID
            shown.phone = input.phone ?? before.phone; shown.active = input.active ?? before.active
            return GridEventSettingsViews.unitEdit(req, u, input: shown, errors: e, areas: try await GridEventConfig.unitAreas(req))
        }
    }

    // MARK: categories

    func renderCategories(_ req: Request, failed: (input: GridEventConfig.CategoryInput, errors: FieldErrors)? = nil) async throws -> Response {
        let rows = try await GridEventCategories.table(req.db, activeOnly: false)
        struct Use: Decodable { var category_code: String; var n: Int }
        let sql = req.db as! any SQLDatabase
        // unscoped: counts per code only, to say which codes are in use; no event is read
        let used = try await sql.select().column("category_code").column(SQLFunction("COUNT", args: SQLLiteral.all), as: "n").from("grid_events")
            .groupBy("category_code").all(decoding: Use.self)
        return GridEventSettingsViews.categories(req, rows: rows, used: Dictionary(uniqueKeysWithValues: used.map { ($0.category_code, $0.n) }), failed: failed)
    }

    static func category(_ req: Request) async throws -> GridEventCategoryRow {
        try req.require(.configureGridEvents)
        let code = req.parameters.get("code") ?? ""
        guard let c = try await GridEventCategoryRow.query(on: req.db).filter(\.$code == code).first() else { throw Abort(.notFound) }
        return c
    }

    @Sendable func categoriesPage(req: Request) async throws -> Response {
        try req.require(.configureGridEvents)
        return try await renderCategories(req)
    }

    @Sendable func createCategory(req: Request) async throws -> Response {
        try req.require(.configureGridEvents)
        let input = (try? req.content.decode(GridEventConfig.CategoryInput.self)) ?? .init()
        do { try await GridEventConfig.saveCategory(req, nil, input); return req.redirect(to: "/events/settings/categories") }
        catch let e as FieldErrors { return try await renderCategories(req, failed: (input, e)) }
    }

    @Sendable func categoryPage(req: Request) async throws -> Response {
        let c = try await Self.category(req)
        return GridEventSettingsViews.categoryEdit(req, c, input: GridEventSettingsViews.categoryInput(c), errors: FieldErrors())
    }

    @Sendable func updateCategory(req: Request) async throws -> Response {
        let c = try await Self.category(req)
        let before = GridEventSettingsViews.categoryInput(c)
        let input = (try? req.content.decode(GridEventConfig.CategoryInput.self)) ?? .init()
        do { try await GridEventConfig.saveCategory(req, c, input); return req.redirect(to: "/events/settings/categories") }
        catch let e as FieldErrors {
            var shown = before
            shown.nameZh = input.nameZh ?? before.nameZh; shown.nameEn = input.nameEn ?? before.nameEn
            shown.defaultUnit = input.defaultUnit ?? before.defaultUnit; shown.active = input.active ?? before.active
            return GridEventSettingsViews.categoryEdit(req, try await Self.category(req), input: shown, errors: e)
        }
    }

    // MARK: time limits

    @Sendable func limitsPage(req: Request) async throws -> Response {
        try req.require(.configureGridEvents)
        let s = try await GridEventSettings.load(req.db)
        return GridEventSettingsViews.limits(req, table: s.timeLimits, rows: try await GridEventCategories.table(req.db, activeOnly: false),
                                             values: GridEventSettingsInput.timeLimitValues(s.timeLimits), errors: FieldErrors())
    }

    @Sendable func saveLimits(req: Request) async throws -> Response {
        try req.require(.configureGridEvents)
        let form = (try? req.content.decode([String: String].self)) ?? [:]
        var s = try await GridEventSettings.load(req.db)
        let rows = try await GridEventCategories.table(req.db, activeOnly: false)
        switch GridEventSettingsInput.timeLimits(form, categories: rows, L: req.lang) {
        case .success(let t):
            s.timeLimits = t
            try await GridEventConfig.save(req, s, what: "limits")
            return req.redirect(to: "/events/settings/limits")
        case .failure(let e):
            return GridEventSettingsViews.limits(req, table: s.timeLimits, rows: rows, values: form, errors: e)
        }
    }

    // MARK: working hours and calendar

    func renderCalendar(_ req: Request, _ s: GridEventSettings, form: GridEventSettingsViews.CalendarForm? = nil, errors: FieldErrors = FieldErrors()) -> Response {
        let today = LocalDay(Date(), in: req.localCalendar)
        let year = req.query[Int.self, at: "year"].flatMap { (2000...2100).contains($0) ? $0 : nil } ?? today.components.year
        let f = form ?? .init(workingHours: s.workingHours.description, redAfterPercent: GridEventTimeLimit.number((s.redAfterFraction * 1000).rounded() / 10))
        return GridEventSettingsViews.calendar(req, settings: s, year: year, form: f, errors: errors)
    }

    func back(_ req: Request, year: Int? = nil) -> Response {
        req.redirect(to: "/events/settings/calendar" + ((year ?? req.query[Int.self, at: "year"]).map { "?year=\($0)" } ?? ""))
    }

    @Sendable func calendarPage(req: Request) async throws -> Response {
        try req.require(.configureGridEvents)
        return renderCalendar(req, try await GridEventSettings.load(req.db))
    }

    @Sendable func saveHours(req: Request) async throws -> Response {
        try req.require(.configureGridEvents)
        let form = (try? req.content.decode([String: String].self)) ?? [:]
        var s = try await GridEventSettings.load(req.db)
        let e = GridEventSettingsInput.hours(form, into: &s, L: req.lang)
        guard e.isEmpty else {
            let saved = try await GridEventSettings.load(req.db)
            return renderCalendar(req, saved, form: .init(workingHours: form["workingHours"] ?? "", redAfterPercent: form["redAfterPercent"] ?? ""), errors: e)
        }
        try await GridEventConfig.save(req, s, what: "hours")
        return back(req)
    }

    @Sendable func addDay(req: Request) async throws -> Response {
        try req.require(.configureGridEvents)
        let form = (try? req.content.decode([String: String].self)) ?? [:]
        var s = try await GridEventSettings.load(req.db)
        switch GridEventSettingsInput.entry(day: form["day"], kind: form["kind"], nameZh: form["nameZh"], nameEn: form["nameEn"], inLieu: form["inLieu"], L: req.lang) {
        case .success(let entry):
            GridEventSettingsInput.adding(entry, to: &s)
            try await GridEventConfig.save(req, s, what: "calendar")
            return back(req, year: entry.day.components.year)
        case .failure(let e):
            var f = GridEventSettingsViews.CalendarForm(workingHours: s.workingHours.description, redAfterPercent: GridEventTimeLimit.number(s.redAfterFraction * 100))
            f.day = form["day"] ?? ""; f.kind = form["kind"] ?? "rest"; f.nameZh = form["nameZh"] ?? ""; f.nameEn = form["nameEn"] ?? ""; f.inLieu = DisputeInput.flag(form["inLieu"])
            return renderCalendar(req, s, form: f, errors: e)
        }
    }

    @Sendable func deleteDay(req: Request) async throws -> Response {
        try req.require(.configureGridEvents)
        var s = try await GridEventSettings.load(req.db)
        guard let day = req.parameters.get("day").flatMap(LocalDay.init), s.calendarOverrides.contains(where: { $0.day == day }) else { throw Abort(.notFound) }
        s.calendarOverrides.removeAll { $0.day == day }
        try await GridEventConfig.save(req, s, what: "calendar")
        return back(req, year: day.components.year)
    }

    @Sendable func markYear(req: Request) async throws -> Response {
        try req.require(.configureGridEvents)
        let form = (try? req.content.decode([String: String].self)) ?? [:]
        guard let year = form["year"].flatMap({ Int($0) }), (2000...2100).contains(year) else { throw FieldErrors(["year": req.lang.t("年份须在2000–2100之间", "The year must be 2000–2100")]) }
        var s = try await GridEventSettings.load(req.db)
        if DisputeInput.flag(form["entered"]) { s.enteredYears = Array(Set(s.enteredYears + [year])).sorted() } else { s.enteredYears.removeAll { $0 == year } }
        try await GridEventConfig.save(req, s, what: "calendar")
        return back(req, year: year)
    }

    // MARK: API

    @Sendable func apiSettings(req: Request) async throws -> GridEventSettingsDoc {
        try req.require(.configureGridEvents)
        return GridEventSettingsDoc(try await GridEventSettings.load(req.db))
    }

    @Sendable func apiSaveSettings(req: Request) async throws -> GridEventSettingsDoc {
        try req.require(.configureGridEvents)
        let doc: GridEventSettingsDoc
        do { doc = try req.content.decode(GridEventSettingsDoc.self) }
        catch { throw FieldErrors(["body": req.lang.t("无法读取设置：请按 GET 返回的格式提交", "Cannot read the settings: send them in the shape GET returns")]) }
        var s = try await GridEventSettings.load(req.db)
        let codes = Set(try await GridEventCategories.table(req.db, activeOnly: false).map(\.code))
        let e = doc.apply(to: &s, categories: codes, L: req.lang)
        guard e.isEmpty else { throw e }
        try await GridEventConfig.save(req, s, what: "api")
        return GridEventSettingsDoc(s)
    }

    func unitDTO(_ u: ResponsibleUnit) -> GridEventAPIController.UnitDTO {
        .init(id: u.id!, name: u.name, kind: u.kind, divisionID: u.divisionID, phone: u.phone, active: u.active)
    }

    @Sendable func apiCreateUnit(req: Request) async throws -> Response {
        let u = try await GridEventConfig.saveUnit(req, nil, try req.content.decode(GridEventConfig.UnitInput.self))
        return try await unitDTO(u).encodeResponse(status: .created, for: req)
    }

    @Sendable func apiUpdateUnit(req: Request) async throws -> GridEventAPIController.UnitDTO {
        try req.require(.configureGridEvents)
        let u = try await GridEventConfig.unit(req, req.parameters.get("id", as: Int.self))
        return unitDTO(try await GridEventConfig.saveUnit(req, u, try req.content.decode(GridEventConfig.UnitInput.self)))
    }

    func categoryDTO(_ c: GridEventCategoryRow) -> GridEventAPIController.CategoryDTO {
        .init(code: c.code, parentCode: c.parentCode, eventClass: c.eventClass, nameZh: c.nameZh, nameEn: c.nameEn, defaultUnit: c.defaultUnit, sample: c.sample, active: c.active)
    }

    @Sendable func apiCreateCategory(req: Request) async throws -> Response {
        let c = try await GridEventConfig.saveCategory(req, nil, try req.content.decode(GridEventConfig.CategoryInput.self))
        return try await categoryDTO(c).encodeResponse(status: .created, for: req)
    }

    @Sendable func apiUpdateCategory(req: Request) async throws -> GridEventAPIController.CategoryDTO {
        let c = try await Self.category(req)
        return categoryDTO(try await GridEventConfig.saveCategory(req, c, try req.content.decode(GridEventConfig.CategoryInput.self)))
    }
}
