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

    /// Resolves what needs the database (scope, a street's communities) once, so the count and the
    /// page query share it. Out-of-scope communities simply match nothing.
    func resolved(_ req: Request) async throws -> ResolvedIncidentFilter {
        var r = ResolvedIncidentFilter(filter: self, scope: try await req.scope())
        if let street {
            let sql = req.db as! any SQLDatabase
            r.streetCommunities = try await sql.select().column("id").from("divisions")
                .where("level", .equal, DivisionLevel.community.rawValue).where("parent_id", .equal, street)
                .all().map { try $0.decode(column: "id", as: Int.self) }
        }
        let cal = LocalCalendar(timeZoneIdentifier: req.config.timeZone)
        if let m = month.flatMap(YearMonth.init) { let range = cal.monthRange(m); r.after = range.lowerBound; r.before = range.upperBound }
        if let f = from.flatMap(cal.parseLocalDate) { r.after = max(r.after ?? f, f) }
        if let t = to.flatMap(cal.parseLocalDate) { let end = cal.startOfNextDay(t); r.before = min(r.before ?? end, end) }
        return r
    }
}

/// The filter in database terms, applied alike to the count and to the page.
struct ResolvedIncidentFilter {
    var filter: IncidentFilter
    var scope: Scope
    var streetCommunities: [Int]?
    var after: Date?
    var before: Date?

    /// Narrows a query to the filter and the user's scope.
    func restrict<B: SQLPredicateBuilder>(_ b: B) -> B {
        let none = SQLBinaryExpression(SQLLiteral.numeric("1"), SQLBinaryOperator.equal, SQLLiteral.numeric("0"))
        func ids(_ column: String, _ list: [Int]?) {
            guard let list else { return }
            if list.isEmpty { _ = b.where(none) } else { _ = b.where(column, .in, list) }
        }
        scope.restrict(b)
        ids("community_id", streetCommunities)
        let f = filter
        if let c = f.community { _ = b.where("community_id", .equal, c) }
        if let g = f.grid { _ = b.where("grid_id", .equal, g) }
        if let c = f.category { _ = b.where("category", .equal, c.rawValue) }
        if let s = f.subcategory { _ = b.where("subcategory", .equal, s) }
        if let p = f.preventable { _ = b.where("preventable", .equal, p) }
        if let s = f.status { _ = b.where("status", .equal, s.rawValue) }
        if let s = f.source { _ = b.where("source", .equal, s.rawValue) }
        if let a = after { _ = b.where("occurred_at", .greaterThanOrEqual, a) }
        if let z = before { _ = b.where("occurred_at", .lessThan, z) }
        if let text = f.q {
            let pattern = "%" + text.replacingOccurrences(of: "%", with: "").replacingOccurrences(of: "_", with: "") + "%"
            _ = b.where(group: { g in g.where("address", .like, pattern).orWhere("description", .like, pattern).orWhere("modus_operandi", .like, pattern) })
        }
        return b
    }

    func order(_ q: SQLSelectBuilder) -> SQLSelectBuilder {
        switch filter.sort {
        case "occurred_asc": q.orderBy("occurred_at", .ascending)
        case "reported_desc": q.orderBy("reported_at", .descending)
        case "status": q.orderBy("status", .ascending).orderBy("occurred_at", .descending)
        default: q.orderBy("occurred_at", .descending)
        }
        return q.orderBy("id", .descending)
    }

    /// One page of rows, newest first by default.
    func rows(_ db: any Database, offset: Int, limit: Int) async throws -> [IncidentRow] {
        let sql = db as! any SQLDatabase
        let q = restrict(sql.select().columns(IncidentRow.columns).from("incidents"))
        return try await order(q).offset(offset).limit(limit).all(decoding: IncidentRow.self)
    }

    func count(_ db: any Database) async throws -> Int {
        let sql = db as! any SQLDatabase
        let row = try await restrict(sql.select().column(SQLFunction("COUNT", args: SQLLiteral.all), as: "n").from("incidents")).first()
        return try row?.decode(column: "n", as: Int.self) ?? 0
    }
}

extension Date {
    func startOfLocalDay(_ cal: LocalCalendar) -> Date { cal.startOfDay(self) }
}
