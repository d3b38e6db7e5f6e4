import Fluent
import SQLKit
import Vapor
import PinganKit

/// The communities an analysis covers: the user's scope, optionally narrowed to one station or one
/// community, in print order (by station, then by division code).
struct AnalysisUnits: Sendable {
    var communities: [CommunityRef]
    /// nil: the whole district (no community filter needed in SQL).
    var filterIDs: [Int]?
    /// Whose units these are: grid-scoped users see their grids' incidents only.
    var scope: Scope
    /// Stations in the order they appear, with all their communities in the district.
    var stations: [(id: Int, name: String)]
    /// "番禺区", a station or a community name, for titles.
    var titleZh: String
    var titleEn: String
    var station: Int?
    var community: Int?

    var communityIDs: [Int] { communities.compactMap { Int($0.id) } }
    var isEmpty: Bool { communities.isEmpty }
}

/// Queries over the incident ledger shared by the monthly table, the alerts and the report. All counts
/// are range scans on `occurred_at` / `filed_at` / `solved_at` grouped in SQL, never row by row.
enum AnalysisData {
    static let unassignedName = "未归属"

    /// The units of the user's scope, narrowed by `station` / `community` (out of scope: 404, like missing).
    static func units(_ req: Request, station: Int? = nil, community: Int? = nil) async throws -> AnalysisUnits {
        let scope = try await req.scope()
        return try await units(req.reading, scope: scope, station: station, community: community)
    }

    static func units(_ db: any Database, scope: Scope, station: Int? = nil, community: Int? = nil) async throws -> AnalysisUnits {
        let sql = db as! any SQLDatabase
        let q = sql.select().column("id").column("name").column("code").column("station_id").from("divisions")
            .where("level", .equal, DivisionLevel.community.rawValue)
        scope.restrictCommunities(q, id: SQLIdentifier("id"))
        struct Row: Decodable { var id: Int; var name: String; var code: String; var station_id: Int? }
        var rows = try await q.orderBy("code").all(decoding: Row.self)
        if rows.isEmpty, !scope.reachesAllCommunities {
            if station != nil || community != nil { throw Abort(.notFound) }
            return AnalysisUnits(communities: [], filterIDs: [], scope: scope, stations: [], titleZh: "", titleEn: "")
        }
        let stationNames = Dictionary(uniqueKeysWithValues: try await Station.query(on: db).all().map { ($0.id!, $0.name) })
        var titleZh = "", titleEn = ""
        if let community {
            rows = rows.filter { $0.id == community }
            guard let r = rows.first else { throw Abort(.notFound) }
            titleZh = r.name; titleEn = r.name
        } else if let station {
            rows = rows.filter { $0.station_id == station }
            guard !rows.isEmpty, let name = stationNames[station] else { throw Abort(.notFound) }
            titleZh = name; titleEn = name
        } else if scope.isEverything {
            let district = try await Division.query(on: db).filter(\.$level == .district).sort(\.$code).first()
            titleZh = district?.name ?? "全区"; titleEn = district?.name ?? "District"
        } else {
            let stations = Set(rows.map(\.station_id))
            if stations.count == 1, let s = stations.first ?? nil, let name = stationNames[s] { titleZh = name; titleEn = name }
            else if rows.count == 1 { titleZh = rows[0].name; titleEn = rows[0].name }
            else { titleZh = "本辖区"; titleEn = "Your jurisdiction" }
        }
        // Stations first by id (stable, the order they were set up), unassigned communities last.
        rows.sort { (a, b) in
            let sa = a.station_id ?? Int.max, sb = b.station_id ?? Int.max
            return sa != sb ? sa < sb : a.code < b.code
        }
        let refs = rows.map { r in
            CommunityRef(id: String(r.id), name: r.name, stationID: r.station_id.map(String.init) ?? PreventableTable.unassignedStationID,
                         stationName: r.station_id.flatMap { stationNames[$0] } ?? unassignedName)
        }
        var stations: [(id: Int, name: String)] = []
        for r in rows { if let s = r.station_id, !stations.contains(where: { $0.id == s }) { stations.append((s, stationNames[s] ?? "")) } }
        let whole = scope.isEverything && station == nil && community == nil
        return AnalysisUnits(communities: refs, filterIDs: whole ? nil : rows.map(\.id), scope: scope,
                             stations: stations, titleZh: titleZh, titleEn: titleEn, station: station, community: community)
    }

    /// WHERE clauses for the units (an empty unit list matches nothing).
    static func restrict(_ q: SQLSelectBuilder, _ units: AnalysisUnits) -> SQLSelectBuilder {
        if let ids = units.filterIDs {
            if ids.isEmpty { q.where(SQLBinaryExpression(SQLLiteral.numeric("1"), SQLBinaryOperator.equal, SQLLiteral.numeric("0"))) }
            else { q.where("community_id", .in, ids) }
        }
        return units.scope.restrict(q)
    }

    struct CountRow: Decodable, Sendable { var community_id: Int; var subcategory: String; var n: Int }

    /// Preventable (可防性) incidents per community and subcategory whose `column` date lies in `range`.
    static func preventableCounts(_ db: any Database, column: String, range: Range<Date>, units: AnalysisUnits) async throws -> [CountRow] {
        let sql = db as! any SQLDatabase
        let q = sql.select().column("community_id").column("subcategory").column(SQLFunction("COUNT", args: SQLLiteral.all), as: "n")
            .from("incidents")
            .where("preventable", .equal, true)
            .where(SQLColumn(column), .greaterThanOrEqual, SQLBind(range.lowerBound))
            .where(SQLColumn(column), .lessThan, SQLBind(range.upperBound))
        // Read column by column: SQLKit's Decodable path was a fifth of the year-end summary's CPU (bench/EXPORTS.md).
        return try await restrict(q, units).groupBy("community_id").groupBy("subcategory").all().map {
            CountRow(community_id: try $0.decode(column: "community_id", as: Int.self), subcategory: try $0.decode(column: "subcategory", as: String.self),
                     n: try $0.decode(column: "n", as: Int.self))
        }
    }

    /// The district's preventable subcategories from its own code table (order as configured).
    static func preventableSubcategories(_ db: any Database) async throws -> [IncidentSubcategory] {
        try await IncidentSubcategoryRow.query(on: db).filter(\.$preventable == true).sort(\.$sortOrder).all().map(\.value)
    }

    /// 《社区可防性案件统计表》 of `month`: five grouped range queries (this month, last month, the same
    /// month last year by occurrence; this month's filings and solvings) fed to `PreventableTable.build`.
    static func monthlyTable(_ db: any Database, month: YearMonth, units: AnalysisUnits, calendar cal: LocalCalendar) async throws -> PreventableReport {
        var records: [PreventableCountRecord] = []
        let cur = cal.monthRange(month)
        for m in [month, month.previous, month.sameMonthLastYear] {
            for r in try await preventableCounts(db, column: "occurred_at", range: cal.monthRange(m), units: units) {
                records.append(PreventableCountRecord(communityID: String(r.community_id), subcategory: r.subcategory, month: m, incidents: r.n))
            }
        }
        for r in try await preventableCounts(db, column: "filed_at", range: cur, units: units) {
            records.append(PreventableCountRecord(communityID: String(r.community_id), subcategory: r.subcategory, month: month, incidents: 0, filed: r.n))
        }
        for r in try await preventableCounts(db, column: "solved_at", range: cur, units: units) {
            records.append(PreventableCountRecord(communityID: String(r.community_id), subcategory: r.subcategory, month: month, incidents: 0, solved: r.n))
        }
        return PreventableTable.build(month: month, records: records, communities: units.communities,
                                      subcategories: try await preventableSubcategories(db))
    }

    /// Incidents per community in `range` (all, or preventable only).
    static func countsByCommunity(_ db: any Database, range: Range<Date>, units: AnalysisUnits, preventableOnly: Bool) async throws -> [Int: Int] {
        let sql = db as! any SQLDatabase
        let q = sql.select().column("community_id").column(SQLFunction("COUNT", args: SQLLiteral.all), as: "n").from("incidents")
        q.where("preventable", .in, preventableOnly ? [true] : [false, true])  // keeps the covering index usable
        q.where(SQLColumn("occurred_at"), .greaterThanOrEqual, SQLBind(range.lowerBound)).where(SQLColumn("occurred_at"), .lessThan, SQLBind(range.upperBound))
        struct Row: Decodable { var community_id: Int; var n: Int }
        var out: [Int: Int] = [:]
        for r in try await restrict(q, units).groupBy("community_id").all(decoding: Row.self) { out[r.community_id] = r.n }
        return out
    }

    /// The first incident in the ledger (series never reach back before it: no pretend zeros).
    static func firstIncident(_ db: any Database) async throws -> Date? {
        let sql = db as! any SQLDatabase
        struct Row: Decodable { var occurred_at: Date }
        // unscoped: the first date of the ledger (one value, district-wide, no record shown)
        return try await sql.select().column("occurred_at").from("incidents").orderBy("occurred_at").limit(1).first(decoding: Row.self)?.occurred_at
    }

    /// Monday 00:00 (local) of the week holding `date`.
    static func monday(of date: Date, _ cal: LocalCalendar) -> Date {
        let day = cal.startOfDay(date)
        return cal.calendar.date(byAdding: .day, value: -(cal.weekday(of: day) - 1), to: day)!
    }
}
