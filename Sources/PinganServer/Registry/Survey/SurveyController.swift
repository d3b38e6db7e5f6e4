import Fluent
import SQLKit
import Vapor
import PinganKit

/// 辖区基本情况图表: the baseline survey chart for a community, a station, a street or the whole
/// district (whatever of it the user may see), with a breakdown by the unit's children.
/// Every figure is counted per community from the registry, then summed, so levels always agree.
struct SurveyController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get("survey", use: page)
        routes.get("survey", "export.csv", use: export)
        routes.get("api", "v1", "survey", use: api)
    }

    struct Unit: Content { var type: String; var id: Int?; var name: String }
    struct Child: Content { var id: Int; var name: String; var values: [String: Int] }
    struct Chart: Content { var unit: Unit; var communities: Int; var values: [String: Int]; var children: [Child] }

    struct CommunityRow { var id: Int; var name: String; var code: String; var streetID: Int?; var stationID: Int? }

    /// Resolves `?community=`, `?station=` or `?street=` (default: everything in scope) to the
    /// communities it covers within the user's scope; a unit outside the scope is 404, like a missing one.
    static func visibleCommunities(_ req: Request) async throws -> [CommunityRow] {
        let scope = try await req.scope()
        let sql = req.db as! any SQLDatabase
        var all: [CommunityRow] = []
        for r in try await sql.select().column("id").column("name").column("code").column("parent_id").column("station_id").from("divisions")
            .where("level", .equal, DivisionLevel.community.rawValue).orderBy("code").all() {
            all.append(CommunityRow(id: try r.decode(column: "id", as: Int.self), name: try r.decode(column: "name", as: String.self), code: try r.decode(column: "code", as: String.self),
                                    streetID: try r.decode(column: "parent_id", as: Int?.self), stationID: try r.decode(column: "station_id", as: Int?.self)))
        }
        return scope.visibleCommunities(all, id: \.id)
    }

    static func resolve(_ req: Request) async throws -> (Unit, [CommunityRow], childLevel: String) {
        let scope = try await req.scope()
        let visible = try await visibleCommunities(req)
        func int(_ k: String) throws -> Int? {
            guard let raw = req.query[String.self, at: k]?.nilIfEmpty else { return nil }
            guard let n = Int(raw) else { throw Abort(.notFound) }
            return n
        }
        if let id = try int("community") {
            guard let c = visible.first(where: { $0.id == id }) else { throw Abort(.notFound) }
            return (Unit(type: "community", id: id, name: c.name), [c], "grid")
        }
        if let id = try int("station") {
            let covered = visible.filter { $0.stationID == id }
            guard !covered.isEmpty, let st = try await Station.find(id, on: req.db) else { throw Abort(.notFound) }
            return (Unit(type: "station", id: id, name: st.name), covered, "community")
        }
        if let id = try int("street") {
            let covered = visible.filter { $0.streetID == id }
            guard !covered.isEmpty, let st = try await Division.find(id, on: req.db) else { throw Abort(.notFound) }
            return (Unit(type: "street", id: id, name: st.name), covered, "community")
        }
        // A one-community or one-station scope is named as such rather than "my jurisdiction".
        if !scope.isEverything, visible.count == 1 { return (Unit(type: "community", id: visible[0].id, name: visible[0].name), visible, "grid") }
        let stations = Set(visible.map(\.stationID))
        if !scope.isEverything, stations.count == 1, let sid = stations.first ?? nil, let st = try await Station.find(sid, on: req.db) {
            return (Unit(type: "station", id: sid, name: st.name), visible, "community")
        }
        let root = try await Division.query(on: req.db).filter(\.$level == .district).first()
        let streets = Set(visible.compactMap(\.streetID))
        let name = scope.isEverything ? (root?.name ?? req.t("全区", "District")) : req.t("我的辖区", "My jurisdiction")
        return (Unit(type: scope.isEverything ? "district" : "scope", id: scope.isEverything ? root?.id : nil, name: name), visible, streets.count > 1 ? "street" : "community")
    }

    /// Per-community counts for every chart line (grid workers see only their grids' records).
    static func counts(_ req: Request, communities: [Int]) async throws -> [Int: [String: Int]] {
        guard !communities.isEmpty else { return [:] }
        let scope = try await req.scope()
        let sql = req.db as! any SQLDatabase
        var out: [Int: [String: Int]] = [:]
        func add(_ c: Int, _ key: String, _ n: Int) { out[c, default: [:]][key, default: 0] += n }
        func restrictToScope(_ q: SQLSelectBuilder, _ table: String) -> SQLSelectBuilder {
            q.where(SQLColumn("community_id", table: table), .in, SQLBind.group(communities))
            return scope.restrict(q, community: SQLColumn("community_id", table: table), grid: SQLColumn("grid_id", table: table))
        }
        let count = SQLFunction("COUNT", args: SQLLiteral.all)
        for r in try await restrictToScope(sql.select().column("community_id").column("category").column("key_type").column(count, as: "n").from("people"), "people")
            .groupBy("community_id").groupBy("category").groupBy("key_type").all() {
            let c = try r.decode(column: "community_id", as: Int.self), n = try r.decode(column: "n", as: Int.self)
            let category = try r.decode(column: "category", as: String.self)
            add(c, "people.total", n); add(c, "people.\(category)", n)
            if category == PersonCategory.key.rawValue, let k = try r.decode(column: "key_type", as: String?.self) { add(c, "people.key.\(k)", n) }
        }
        let today = LocalCalendar(timeZoneIdentifier: req.config.timeZone).formatDate(Date())
        for r in try await restrictToScope(sql.select().column("community_id").column(count, as: "n").from("people"), "people")
            .where("category", .equal, PersonCategory.temporary.rawValue).where("residence_expires_on", .lessThan, today).groupBy("community_id").all() {
            add(try r.decode(column: "community_id", as: Int.self), "people.temporary.expired", try r.decode(column: "n", as: Int.self))
        }
        // A household is a distinct (building, room) with someone registered in it.
        let rooms = restrictToScope(sql.select().distinct().column("community_id").column("building_id").column("room").from("people"), "people")
            .where("building_id", .isNot, SQLLiteral.null).where("room", .notEqual, "")
        for r in try await sql.select().column("community_id").column(count, as: "n").from(SQLAlias(SQLGroupExpression(rooms.query), as: SQLIdentifier("hh"))).groupBy("community_id").all() {
            add(try r.decode(column: "community_id", as: Int.self), "households", try r.decode(column: "n", as: Int.self))
        }
        for r in try await restrictToScope(sql.select().column("community_id").column("kind").column("subtype").column("attributes").from("sites"), "sites")
            .where("status", .equal, SiteStatus.active.rawValue).all() {
            let c = try r.decode(column: "community_id", as: Int.self)
            guard let kind = SiteKind(rawValue: try r.decode(column: "kind", as: String.self)) else { continue }
            add(c, "site.\(kind.rawValue)", 1)
            if let sub = try r.decode(column: "subtype", as: String?.self) { add(c, "site.\(kind.rawValue).\(sub)", 1) }
            for k in BaselineSurvey.extraKeys(kind: kind, attributes: SiteAttributes.decode(try r.decode(column: "attributes", as: String.self))) { add(c, k, 1) }
        }
        for r in try await restrictToScope(sql.select().column(SQLColumn("community_id", table: "sites")).column(SQLColumn("role", table: "site_members")).column(count, as: "n")
            .from("site_members").join("sites", on: SQLColumn("site_id", table: "site_members"), .equal, SQLColumn("id", table: "sites")), "sites")
            .where(SQLColumn("status", table: "sites"), .equal, SQLBind(SiteStatus.active.rawValue))
            .groupBy(SQLColumn("community_id", table: "sites")).groupBy(SQLColumn("role", table: "site_members")).all() {
            add(try r.decode(column: "community_id", as: Int.self), "member.\(try r.decode(column: "role", as: String.self))", try r.decode(column: "n", as: Int.self))
        }
        return out
    }

    static func chart(_ req: Request) async throws -> Chart {
        try req.require(.viewRegistry)
        let (unit, communities, childLevel) = try await resolve(req)
        let perCommunity = try await counts(req, communities: communities.map(\.id))
        var children: [Child] = []
        switch childLevel {
        case "street":
            let streetIDs = Array(Set(communities.compactMap(\.streetID)))
            let names = try await DivisionLookup.names(streetIDs, on: req.db)
            let codes = Dictionary(communities.compactMap { c in c.streetID.map { ($0, c.code) } }, uniquingKeysWith: min)
            for s in streetIDs.sorted(by: { codes[$0]! < codes[$1]! }) {
                children.append(Child(id: s, name: names[s] ?? "", values: BaselineSurvey.total(communities.filter { $0.streetID == s }.map { perCommunity[$0.id] ?? [:] })))
            }
        case "community":
            children = communities.map { Child(id: $0.id, name: $0.name, values: perCommunity[$0.id] ?? [:]) }
        default: break
        }
        return Chart(unit: unit, communities: communities.count, values: BaselineSurvey.total(communities.map { perCommunity[$0.id] ?? [:] }), children: children)
    }

    @Sendable func api(req: Request) async throws -> Chart { try await Self.chart(req) }

    /// Columns of the breakdown table and CSV: the section totals a chief scans first.
    static let summaryKeys = ["people.total", "people.temporary", "people.key", "households", "site.building", "site.rental", "member.tenant", "site.compound",
                              "compound.watch_gap", "site.organisation", "organisation.protected", "site.special_industry", "site.entertainment",
                              "site.internet_cafe", "site.shop", "site.hazard_holder", "site.camera", "site.checkpoint"]

    @Sendable func export(req: Request) async throws -> Response {
        let chart = try await Self.chart(req)
        let L = req.lang
        let lines = BaselineSurvey.lines
        var w = CSVWriter(header: [L.t("单位", "Unit")] + lines.map { L.t($0.zh.trimmingCharacters(in: .whitespaces), $0.en.trimmingCharacters(in: .whitespaces)) })
        for c in chart.children { w.append([c.name] + lines.map { "\(c.values[$0.key] ?? 0)" }) }
        w.append([chart.unit.name + L.t("合计", " total")] + lines.map { "\(chart.values[$0.key] ?? 0)" })
        await req.audit("survey.export", entity: "survey", detail: req.url.query ?? "")
        return CSVResponse.make(filename: "survey.csv", writer: w)
    }

    @Sendable func page(req: Request) async throws -> Response {
        let chart = try await Self.chart(req)
        let L = req.lang
        let scope = try await req.scope()
        // Pickers: the stations and streets that cover some visible community.
        let sql = req.db as! any SQLDatabase
        let visible = try await Self.visibleCommunities(req)
        let stationIDs = Set(visible.compactMap(\.stationID)), streetIDs = Set(visible.compactMap(\.streetID))
        var stations: [(Int, String)] = []
        if !stationIDs.isEmpty {
            stations = try await sql.select().column("id").column("name").from("stations").where("id", .in, Array(stationIDs)).orderBy("name").all()
                .map { (try $0.decode(column: "id", as: Int.self), try $0.decode(column: "name", as: String.self)) }
        }
        let streetNames = try await DivisionLookup.names(Array(streetIDs), on: req.db)
        let query = req.url.query ?? ""

        let byLine = Dictionary(grouping: BaselineSurvey.lines, by: \.section)
        let sections = BaselineSurvey.lines.filter { $0.depth == 0 }.map(\.section).reduce(into: [String]()) { if !$0.contains($1) { $0.append($1) } }
        let sectionCards: [Node] = sections.map { section in
            let rows: [Node] = (byLine[section] ?? []).map { line in
                let v = chart.values[line.key] ?? 0
                return .tr(.class(line.depth == 0 ? "total" : ""), .td(.text(L.t(line.zh, line.en))), .td(.class("num"), .text("\(v)")))
            }
            return .div(.class("survey-block"), .table(.class("data compact"), .element("tbody", rows)))
        }
        let lineByKey = Dictionary(uniqueKeysWithValues: BaselineSurvey.lines.map { ($0.key, $0) })
        let childHead: Node = .thead(.tr(.th(.text(L.t("单位", "Unit"))), .forEach(Self.summaryKeys) { k in
            .th(.class("num"), .text(lineByKey[k].map { L.t($0.zh, $0.en) } ?? k))
        }))
        let childLink: (Child) -> String = { c in chart.unit.type == "district" || chart.unit.type == "scope" ? (streetNames[c.id] != nil ? "/survey?street=\(c.id)" : "/survey?community=\(c.id)") : "/survey?community=\(c.id)" }
        let childRows: [Node] = chart.children.map { c in
            .tr(.td(.a(.href(childLink(c)), .text(c.name))), .forEach(Self.summaryKeys) { k in .td(.class("num"), .text("\(c.values[k] ?? 0)")) })
        }
        let totalRow: Node = .tr(.class("total"), .td(.text(L.t("合计", "Total"))), .forEach(Self.summaryKeys) { k in .td(.class("num"), .text("\(chart.values[k] ?? 0)")) })
        let breakdown: Node = chart.children.isEmpty ? .empty
            : .div(.class("card"), .h2(.text(L.t("分单位情况", "By unit"))), .div(.class("scroll"), .table(.class("data compact"), childHead, .element("tbody", childRows + [totalRow]))))
        let pickers: Node = .form(.method("get"), .action("/survey"), .class("filters no-print"),
            .label(.text(L.t("派出所", "Police station")), Form.select("station", stations.map { ("\($0.0)", $0.1) }, selected: req.query[String.self, at: "station"], blank: L.t("—", "—"))),
            .label(.text(L.t("街道/镇", "Street / town")), Form.select("street", streetIDs.sorted().map { ("\($0)", streetNames[$0] ?? "") }, selected: req.query[String.self, at: "street"], blank: L.t("—", "—"))),
            .button(.type("submit"), .text(L.t("查看", "Show"))), .a(.href("/survey"), .text(L.t("全部", "All"))))
        let unitLabel: String = {
            switch chart.unit.type {
            case "community": return L.t("社区/村", "Community")
            case "station": return L.t("派出所", "Police station")
            case "street": return L.t("街道/镇", "Street / town")
            case "district": return L.t("区", "District")
            default: return L.t("辖区", "Jurisdiction")
            }
        }()
        let title = chart.unit.name + " · " + L.t("辖区基本情况图表", "Baseline survey")
        let today = LocalCalendar(timeZoneIdentifier: req.config.timeZone).formatDate(Date())
        let scopeNote: Node = scope.isGridLimited ? .p(.class("small muted"), .text(L.t("仅统计您负责的网格。", "Counts cover your grids only."))) : .empty
        return .page(req, title: title,
            .div(.class("toolbar"), .h1(.text(title)),
                 .a(.class("btn secondary no-print"), .href("/survey/export.csv" + (query.isEmpty ? "" : "?" + query)), .text(L.t("导出 CSV", "Export CSV"))),
                 .button(.type("button"), .class("btn secondary no-print"), .attr("data-print", "1"), .text(L.t("打印", "Print")))),
            .p(.class("muted"), .text(L.t("\(unitLabel)：\(chart.unit.name)，含 \(chart.communities) 个社区/村；统计日期 \(today)。场所只计在营/在用的。",
                                          "\(unitLabel): \(chart.unit.name), \(chart.communities) communities; as of \(today). Only active places are counted."))),
            scopeNote, pickers,
            .element("div", [.class("survey-grid")] + sectionCards),
            breakdown)
    }
}
