import Fluent
import SQLKit
import Vapor
import PinganKit

/// The ledger's filters, read from the query string the same way by the page, the API and the CSV export.
struct IncidentFilter: Sendable {
    var street: Int?
    var community: Int?
    var grid: Int?
    var category: IncidentCategory?
    var subcategory: String?
    var preventable: Bool?
    var status: IncidentStatus?
    var source: IncidentSource?
    var from: String?   // local date, inclusive
    var to: String?     // local date, inclusive
    var month: String?  // yyyy-MM, local
    var q: String?
    var sort: String = "occurred_desc"

    static let sorts = ["occurred_desc", "occurred_asc", "reported_desc", "status"]

    /// Reads and validates; unknown values are field errors (422), not silently ignored.
    init(_ req: Request) throws {
        var e = FieldErrors()
        self.init(req, errors: &e)
        guard e.isEmpty else { throw e }
    }

    /// Keeps every valid filter and drops the invalid ones, reporting them in `e` (for pages that show them inline).
    init(_ req: Request, errors e: inout FieldErrors) {
        let L = req.lang
        var bad: [String: String] = [:]
        func int(_ k: String) -> Int? {
            guard let s = req.query[String.self, at: k]?.nilIfEmpty else { return nil }
            guard let n = Int(s) else { bad[k] = L.t("应为数字", "Not a number"); return nil }
            return n
        }
        street = int("street"); community = int("community"); grid = int("grid")
        for (k, v) in bad { e[k] = v }
        if let c = req.query[String.self, at: "category"]?.nilIfEmpty { category = IncidentCategory(rawValue: c); if category == nil { e["category"] = L.t("类别无效", "Unknown category") } }
        subcategory = req.query[String.self, at: "subcategory"]?.nilIfEmpty
        if let p = req.query[String.self, at: "preventable"]?.nilIfEmpty {
            switch p { case "1", "true", "yes": preventable = true; case "0", "false", "no": preventable = false; default: e["preventable"] = L.t("应为 true 或 false", "Use true or false") }
        }
        if let s = req.query[String.self, at: "status"]?.nilIfEmpty { status = IncidentStatus(rawValue: s); if status == nil { e["status"] = L.t("状态无效", "Unknown status") } }
        if let s = req.query[String.self, at: "source"]?.nilIfEmpty { source = IncidentSource(rawValue: s); if source == nil { e["source"] = L.t("来源无效", "Unknown source") } }
        let cal = LocalCalendar(timeZoneIdentifier: req.config.timeZone)
        from = req.query[String.self, at: "from"]?.nilIfEmpty
        to = req.query[String.self, at: "to"]?.nilIfEmpty
        month = req.query[String.self, at: "month"]?.nilIfEmpty
        if let f = from, cal.parseLocalDate(f) == nil { e["from"] = L.t("起始日期格式应为 2026-03-01", "Use a date like 2026-03-01") }
        if let t = to, cal.parseLocalDate(t) == nil { e["to"] = L.t("截止日期格式应为 2026-03-31", "Use a date like 2026-03-31") }
        if let m = month, YearMonth(m) == nil { e["month"] = L.t("月份格式应为 2026-03", "Use a month like 2026-03") }
        q = req.query[String.self, at: "q"]?.nilIfEmpty.map { String($0.prefix(100)) }
        if let s = req.query[String.self, at: "sort"]?.nilIfEmpty { if Self.sorts.contains(s) { sort = s } else { e["sort"] = "One of " + Self.sorts.joined(separator: ", ") } }
        if e["from"] != nil { from = nil }
        if e["to"] != nil { to = nil }
        if e["month"] != nil { month = nil }
    }

    /// Builds the scoped query. Out-of-scope communities simply match nothing.
    func apply(_ q0: QueryBuilder<Incident>, req: Request) async throws -> QueryBuilder<Incident> {
        var q = q0
        let scope = try await req.scope()
        if let ids = scope.communityIDs { q = q.filter(\.$communityID ~~ Array(ids)) }
        if let g = scope.gridIDs { q = q.filter(\.$gridID ~~ Array(g)) }
        if let street {
            guard let s = try await Division.find(street, on: req.db), s.level == .street else { return q.filter(\.$id == -1) }
            let ids = try await Division.query(on: req.db).filter(\.$level == .community).filter(\.$parentID == street).all().compactMap(\.id)
            q = q.filter(\.$communityID ~~ ids)
        }
        if let community { q = q.filter(\.$communityID == community) }
        if let grid { q = q.filter(\.$gridID == grid) }
        if let category { q = q.filter(\.$category == category) }
        if let subcategory { q = q.filter(\.$subcategory == subcategory) }
        if let preventable { q = q.filter(\.$preventable == preventable) }
        if let status { q = q.filter(\.$status == status) }
        if let source { q = q.filter(\.$source == source) }
        let cal = LocalCalendar(timeZoneIdentifier: req.config.timeZone)
        if let m = month.flatMap(YearMonth.init) {
            let r = cal.monthRange(m)
            q = q.filter(\.$occurredAt >= r.lowerBound).filter(\.$occurredAt < r.upperBound)
        }
        if let f = from.flatMap(cal.parseLocalDate) { q = q.filter(\.$occurredAt >= f) }
        if let t = to.flatMap(cal.parseLocalDate) { q = q.filter(\.$occurredAt < t.addingTimeInterval(86400 + 3600).startOfLocalDay(cal)) }
        if let text = self.q {
            q = q.group(.or) { g in g.filter(\.$address ~~ text).filter(\.$description ~~ text).filter(\.$modusOperandi ~~ text) }
        }
        switch sort {
        case "occurred_asc": q = q.sort(\.$occurredAt, .ascending)
        case "reported_desc": q = q.sort(\.$reportedAt, .descending)
        case "status": q = q.sort(\.$status).sort(\.$occurredAt, .descending)
        default: q = q.sort(\.$occurredAt, .descending)
        }
        return q.sort(\.$id, .descending)
    }
}

extension Date {
    func startOfLocalDay(_ cal: LocalCalendar) -> Date { cal.startOfDay(self) }
}
