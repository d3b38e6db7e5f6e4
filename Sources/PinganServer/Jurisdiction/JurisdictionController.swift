import Fluent
import SQLKit
import Vapor
import PinganKit

struct DivisionDTO: Content {
    var id: Int
    var code: String
    var codeGenerated: Bool
    var name: String
    var level: DivisionLevel
    var parentID: Int?
    var kind: CommunityKind?
    var registeredPopulation: Int
    var residentPopulation: Int
    var floatingPopulation: Int
    var centroid: [Double]?
    var boundaryGeoJSON: String?
    var stationID: Int?
    var officeID: Int?
}

extension Division {
    func toDTO() -> DivisionDTO {
        DivisionDTO(id: id ?? 0, code: code, codeGenerated: codeGenerated, name: name, level: level, parentID: parentID, kind: kind,
                    registeredPopulation: registeredPopulation, residentPopulation: residentPopulation, floatingPopulation: floatingPopulation,
                    centroid: centroidLat.flatMap { lat in centroidLon.map { [lat, $0] } }, boundaryGeoJSON: boundaryGeoJSON,
                    stationID: stationID, officeID: officeID)
    }
}

/// Loads a division by id and answers 404 — exactly like a missing one — when it lies outside the user's scope.
func scopedDivision(_ req: Request, _ id: Int?) async throws -> Division {
    guard let id, let d = try await Division.find(id, on: req.db), try await req.scope().allows(division: d) else {
        throw Abort(.notFound)
    }
    return d
}

struct JurisdictionController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get("jurisdiction", use: tree)
        routes.get("jurisdiction", ":id", use: show)
        routes.get("jurisdiction", ":id", "edit", use: editPage)
        routes.post("jurisdiction", ":id", use: update)
        let api = routes.grouped("api", "v1", "divisions")
        api.get(use: apiList)
        api.get(":id", use: apiShow)
        api.patch(":id", use: apiUpdate)
    }

    // MARK: Web

    /// The top of the user's subtree: the district for command, a street, a station's communities, a grid.
    func roots(_ req: Request) async throws -> [Division] {
        let scope = try await req.scope()
        if scope.isEverything {
            return try await Division.query(on: req.db).filter(\.$level == .district).sort(\.$code).all()
        }
        if !scope.rootCodes.isEmpty {
            return try await Division.query(on: req.db).filter(\.$code ~~ scope.rootCodes).sort(\.$code).all()
        }
        return try await scope.restrictCommunities(Division.query(on: req.db).filter(\.$level == .community)).sort(\.$code).all()
    }

    @Sendable func tree(req: Request) async throws -> Response {
        try req.require(.viewJurisdiction)
        let roots = try await roots(req)
        if roots.count == 1 { return req.redirect(to: "/jurisdiction/\(roots[0].id!)") }
        return .page(req, title: req.t("辖区网格", "Jurisdiction"),
            .h1(.text(req.t("辖区网格", "Jurisdiction"))),
            roots.isEmpty ? .div(.class("empty"), .text(req.t("您的账号尚未分配辖区，请联系管理员。", "Your account has no jurisdiction yet; ask an administrator.")))
                : childTable(req, roots, counts: try await childCounts(req, roots.compactMap(\.id))))
    }

    func childCounts(_ req: Request, _ ids: [Int]) async throws -> [Int: Int] {
        guard !ids.isEmpty else { return [:] }
        let sql = req.db as! any SQLDatabase
        let rows = try await sql.select().column("parent_id").column(SQLFunction("COUNT", args: SQLLiteral.all), as: "n")
            .from("divisions").where("parent_id", .in, ids).groupBy("parent_id").all()
        var out: [Int: Int] = [:]
        for r in rows { out[try r.decode(column: "parent_id", as: Int.self)] = try r.decode(column: "n", as: Int.self) }
        return out
    }

    static func levelName(_ req: Request, _ l: DivisionLevel) -> String {
        switch l {
        case .district: req.t("区县", "District")
        case .street: req.t("街道/镇", "Street / town")
        case .community: req.t("社区/村", "Community / village")
        case .grid: req.t("网格", "Grid")
        case .building: req.t("楼栋", "Building")
        }
    }

    /// A community's kind as the tree and the forms name it (集镇社区: seed 001's town-seat police community).
    static func kindName(_ L: Lang, _ k: CommunityKind) -> String {
        switch k {
        case .urban: L.t("城市社区", "Urban community")
        case .town: L.t("集镇社区", "Town-seat community")
        case .rural: L.t("农村", "Rural village")
        }
    }

    func childTable(_ req: Request, _ items: [Division], counts: [Int: Int]) -> Node {
        .table(.class("data"),
            .thead(.tr(.th(.text(req.t("代码", "Code"))), .th(.text(req.t("名称", "Name"))), .th(.text(req.t("层级", "Level"))),
                       .th(.class("num"), .text(req.t("下级", "Children"))), .th(.class("num hide-sm"), .text(req.t("常住人口", "Residents"))))),
            .tbody(.forEach(items) { d in
                .tr(.td(.code(.text(d.code)), .if(d.codeGenerated, .span(.class("badge gen"), .attr("title", req.t("无官方代码，系统生成", "No official code; generated")), .text(req.t("生成", "gen"))))),
                    .td(.a(.href("/jurisdiction/\(d.id!)"), .text(d.name))),
                    .td(.text(Self.levelName(req, d.level) + (d.kind.map { req.t("（" + Self.kindName(req.lang, $0) + "）", " (" + Self.kindName(req.lang, $0).lowercased() + ")") } ?? ""))),
                    .td(.class("num"), .text("\(counts[d.id!] ?? 0)")),
                    .td(.class("num hide-sm"), .text(d.residentPopulation > 0 ? "\(d.residentPopulation)" : "—")))
            }))
    }

    @Sendable func show(req: Request) async throws -> Response {
        try req.require(.viewJurisdiction)
        let d = try await scopedDivision(req, req.parameters.get("id", as: Int.self))
        let scope = try await req.scope()
        var children = try await Division.query(on: req.db).filter(\.$parentID == d.id!).sort(\.$code).all()
        children = children.filter { scope.allows(division: $0) }
        let counts = try await childCounts(req, children.compactMap(\.id))
        // Breadcrumb through the ancestors the user may see.
        var crumbs: [Division] = []
        var p = d.parentID
        while let pid = p, let parent = try await Division.find(pid, on: req.db) { crumbs.insert(parent, at: 0); p = parent.parentID }
        crumbs = crumbs.filter { scope.allows(division: $0) }
        let station = try await d.stationID.asyncMap { try await Station.find($0, on: req.db) } ?? nil
        let office = try await d.officeID.asyncMap { try await PoliceOffice.find($0, on: req.db) } ?? nil
        var officers: [User] = []
        var incidents30 = 0
        var registered: [PersonCategory: Int] = [:]
        if d.level == .community, try req.user.role.can(.viewRegistry) {
            let sql = req.db as! any SQLDatabase
            // unscoped: the community page is shown only when the whole community is in scope
            for r in try await sql.select().column("category").column(SQLFunction("COUNT", args: SQLLiteral.all), as: "n").from("people")
                .where("community_id", .equal, d.id!).groupBy("category").all() {
                if let c = PersonCategory(rawValue: try r.decode(column: "category", as: String.self)) { registered[c] = try r.decode(column: "n", as: Int.self) }
            }
        }
        if d.level == .community {
            officers = try await User.query(on: req.db).filter(\.$scopeDivisionID == d.id!).filter(\.$role == .communityOfficer).all()
            // Read by table, like the registry's counts above, so the tree does not depend on the incidents feature.
            // unscoped: the community page is shown only when the whole community is in scope
            incidents30 = try await (req.db as! any SQLDatabase).select().column(SQLFunction("COUNT", args: SQLLiteral.all), as: "n").from("incidents")
                .where("community_id", .equal, d.id!).where("occurred_at", .greaterThanOrEqual, Date().addingTimeInterval(-30 * 86400))
                .first()?.decode(column: "n", as: Int.self) ?? 0
        }
        let canEdit = try req.user.role.can(.editJurisdiction)
        let L = req.lang
        let outlineMap = try await OutlineMaps.divisionMap(req, d, children: children)
        let stationsHref: String = d.stationID.map { "/stations/\($0)" } ?? "/stations"
        let stationsLink: Node = .a(.class("btn secondary"), .href(stationsHref), .text(L.t("派出所与警务室", "Stations and offices")))
        return .page(req, title: d.name,
            .div(.class("breadcrumb"), .forEach(crumbs) { c in .group([.a(.href("/jurisdiction/\(c.id!)"), .text(c.name)), " › "]) }),
            .div(.class("toolbar"),
                .h1(.text(d.name), " ", .small(.class("muted"), .text(Self.levelName(req, d.level)))),
                .if(canEdit, .a(.class("btn secondary"), .href("/jurisdiction/\(d.id!)/edit"), .text(L.t("编辑", "Edit")))),
                stationsLink,
                .if(d.level == .community || d.level == .grid, .a(.class("btn secondary"), .href("/incidents?community=\(d.communityID ?? d.id!)" + (d.level == .grid ? "&grid=\(d.id!)" : "")), .text(L.t("查看警情", "Incidents"))))),
            .div(.class("stats"),
                stat(L.t("常住人口", "Resident population"), d.residentPopulation),
                stat(L.t("户籍人口", "Registered population"), d.registeredPopulation),
                stat(L.t("流动人口", "Floating population"), d.floatingPopulation),
                .if(d.level == .community, stat(L.t("近30天警情", "Incidents, last 30 days"), incidents30)),
                .if(!registered.isEmpty, .group(PersonCategory.allCases.map { c in stat(L.t("已登记", "Registered ") + L.t(c.nameZh, c.nameEn), registered[c] ?? 0) })),
                stat(L.t("下级单元", "Sub-units"), children.count)),
            .div(.class("grid2"),
                .div(.class("card"), .h2(.text(L.t("基本信息", "Details"))),
                    .dl(.class("kv"),
                        .dt(.text(L.t("代码", "Code"))), .dd(.code(.text(d.code)), .if(d.codeGenerated, .span(.class("small muted"), .text(L.t("（无官方代码，系统生成）", " (no official code; generated)"))))),
                        .if(d.kind != nil, .group([.dt(.text(L.t("类型", "Kind"))), .dd(.text(Self.kindName(L, d.kind ?? .urban)))])),
                        .if(d.centroidLat != nil, .group([.dt(.text(L.t("中心点", "Centroid"))), .dd(.text(String(format: "%.5f, %.5f", d.centroidLat ?? 0, d.centroidLon ?? 0)))])),
                        .dt(.text(L.t("边界", "Boundary"))), .dd(.text(d.boundaryGeoJSON == nil ? L.t("未录入", "not recorded") : (d.boundarySource?.name(L) ?? L.t("已录入", "recorded"))))),
                    outlineMap),
                .if(d.level == .community, .div(.class("card"), .h2(.text(L.t("警务力量", "Policing"))),
                    .dl(.class("kv"),
                        .dt(.text(L.t("派出所", "Police station"))), .dd(.text(station?.name ?? "—")),
                        .dt(.text(L.t("警务室", "Police office"))), .dd(.text(office.map { "\($0.name)（\($0.address)，\($0.hours)）" } ?? "—")),
                        .dt(.text(L.t("社区民警", "Community officers"))),
                        .dd(officers.isEmpty ? .span(.class("muted"), .text(L.t("暂无", "none yet"))) : .text(officers.map(\.displayName).joined(separator: "、"))))))),
            .h2(.text(L.t("下级单元", "Sub-units"))),
            children.isEmpty ? .div(.class("empty"), .text(L.t("没有下级单元。", "No sub-units."))) : childTable(req, children, counts: counts))
    }

    func stat(_ label: String, _ n: Int) -> Node {
        .div(.class("stat"), .div(.class("num"), .text(n > 0 ? "\(n)" : "0")), .div(.class("lbl"), .text(label)))
    }

    // MARK: Edit

    struct EditInput: Content {
        var name: String?
        var kind: String?
        var registeredPopulation: String?
        var residentPopulation: String?
        var floatingPopulation: String?
        var centroidLat: String?
        var centroidLon: String?
        var boundaryGeoJSON: String?
        var stationID: String?
        var officeID: String?

        enum CodingKeys: String, CodingKey {
            case name, kind, registeredPopulation, residentPopulation, floatingPopulation, centroidLat, centroidLon, boundaryGeoJSON, stationID, officeID
        }
        init(name: String?, kind: String?, registeredPopulation: String?, residentPopulation: String?, floatingPopulation: String?,
             centroidLat: String?, centroidLon: String?, boundaryGeoJSON: String?, stationID: String?, officeID: String?) {
            self.name = name; self.kind = kind; self.registeredPopulation = registeredPopulation; self.residentPopulation = residentPopulation
            self.floatingPopulation = floatingPopulation; self.centroidLat = centroidLat; self.centroidLon = centroidLon
            self.boundaryGeoJSON = boundaryGeoJSON; self.stationID = stationID; self.officeID = officeID
        }
        /// Numbers may arrive as JSON numbers or form text; a wrong type becomes a field message.
        init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            self.init(name: c.loose(.name), kind: c.loose(.kind), registeredPopulation: c.loose(.registeredPopulation),
                      residentPopulation: c.loose(.residentPopulation), floatingPopulation: c.loose(.floatingPopulation),
                      centroidLat: c.loose(.centroidLat), centroidLon: c.loose(.centroidLon), boundaryGeoJSON: c.loose(.boundaryGeoJSON),
                      stationID: c.loose(.stationID), officeID: c.loose(.officeID))
        }
    }

    @Sendable func editPage(req: Request) async throws -> Response {
        try req.require(.editJurisdiction)
        let d = try await scopedDivision(req, req.parameters.get("id", as: Int.self))
        let input = EditInput(name: d.name, kind: d.kind?.rawValue, registeredPopulation: "\(d.registeredPopulation)", residentPopulation: "\(d.residentPopulation)",
                              floatingPopulation: "\(d.floatingPopulation)", centroidLat: d.centroidLat.map { String(format: "%.6f", $0) }, centroidLon: d.centroidLon.map { String(format: "%.6f", $0) }, boundaryGeoJSON: d.boundaryGeoJSON,
                              stationID: d.stationID.map { "\($0)" }, officeID: d.officeID.map { "\($0)" })
        return try await editView(req, d, input, FieldErrors())
    }

    func editView(_ req: Request, _ d: Division, _ v: EditInput, _ errors: FieldErrors) async throws -> Response {
        let L = req.lang
        var placement: Node = .empty
        if d.level == .community {
            let stations = try await Station.query(on: req.db).sort(\.$name).all()
            let offices = try await PoliceOffice.query(on: req.db).sort(\.$name).all()
            placement = .group([
                Form.field(L.t("所属派出所", "Police station"), "stationID", errors, Form.select("stationID", stations.map { ("\($0.id!)", $0.name) }, selected: v.stationID, blank: L.t("未指定", "None"))),
                Form.field(L.t("警务室", "Police office"), "officeID", errors, Form.select("officeID", offices.map { ("\($0.id!)", $0.name) }, selected: v.officeID, blank: L.t("未指定", "None"))),
            ])
        }
        return .page(req, title: L.t("编辑", "Edit") + " " + d.name, status: errors.isEmpty ? .ok : .unprocessableEntity,
            .h1(.text(L.t("编辑", "Edit") + "：" + d.name)),
            Form.errorSummary(req, errors),
            .form(.method("post"), .action("/jurisdiction/\(d.id!)"), .class("card"),
                Layout.csrfField(req),
                .div(.class("form"),
                    Form.field(L.t("名称", "Name"), "name", errors, Form.input("name", v.name, required: true)),
                    .if(d.level == .community, Form.field(L.t("类型", "Kind"), "kind", errors,
                        Form.select("kind", CommunityKind.allCases.map { ($0.rawValue, Self.kindName(L, $0)) }, selected: v.kind))),
                    placement,
                    Form.field(L.t("户籍人口", "Registered population"), "registeredPopulation", errors, Form.input("registeredPopulation", v.registeredPopulation, type: "number", extra: .attr("min", "0"))),
                    Form.field(L.t("常住人口", "Resident population"), "residentPopulation", errors, Form.input("residentPopulation", v.residentPopulation, type: "number", extra: .attr("min", "0"))),
                    Form.field(L.t("流动人口", "Floating population"), "floatingPopulation", errors, Form.input("floatingPopulation", v.floatingPopulation, type: "number", extra: .attr("min", "0"))),
                    Form.field(L.t("中心点纬度", "Centroid latitude"), "centroidLat", errors, Form.input("centroidLat", v.centroidLat)),
                    Form.field(L.t("中心点经度", "Centroid longitude"), "centroidLon", errors, Form.input("centroidLon", v.centroidLon)),
                    Form.field(L.t("边界（GeoJSON 多边形）", "Boundary (GeoJSON polygon)"), "boundaryGeoJSON", errors, wide: true, Form.textarea("boundaryGeoJSON", v.boundaryGeoJSON))),
                .p(.button(.type("submit"), .text(L.t("保存", "Save"))), " ", .a(.href("/jurisdiction/\(d.id!)"), .text(L.t("取消", "Cancel"))))))
    }

    /// Validates and applies an edit; throws FieldErrors listing every problem.
    func apply(_ v: EditInput, to d: Division, on db: any Database) async throws {
        var e = FieldErrors()
        let name = (v.name ?? d.name).trimmingCharacters(in: .whitespacesAndNewlines)
        if name.isEmpty { e["name"] = "名称不能为空 / Name is required" } else if name.count > 100 { e["name"] = "名称不能超过100字 / At most 100 characters" }
        func count(_ key: String, _ s: String?, _ current: Int) -> Int {
            guard let s, !s.trimmingCharacters(in: .whitespaces).isEmpty else { return current }
            guard let n = Int(s.trimmingCharacters(in: .whitespaces)), n >= 0, n < 10_000_000 else { e[key] = "请输入 0 或正整数 / Enter a whole number ≥ 0"; return current }
            return n
        }
        let reg = count("registeredPopulation", v.registeredPopulation, d.registeredPopulation)
        let res = count("residentPopulation", v.residentPopulation, d.residentPopulation)
        let flo = count("floatingPopulation", v.floatingPopulation, d.floatingPopulation)
        var kind = d.kind
        if d.level == .community, let k = v.kind, !k.isEmpty {
            if let kk = CommunityKind(rawValue: k) { kind = kk } else { e["kind"] = "类型无效 / Unknown kind" }
        }
        var lat = d.centroidLat, lon = d.centroidLon
        let oldCentroid = (d.centroidLat, d.centroidLon)
        let latS = v.centroidLat?.trimmingCharacters(in: .whitespaces) ?? "", lonS = v.centroidLon?.trimmingCharacters(in: .whitespaces) ?? ""
        if v.centroidLat != nil || v.centroidLon != nil {
            if latS.isEmpty && lonS.isEmpty { lat = nil; lon = nil } else {
                if let x = Double(latS), (-90...90).contains(x) { lat = x } else { e["centroidLat"] = "纬度应在 -90 到 90 之间 / Latitude must be between -90 and 90" }
                if let x = Double(lonS), (-180...180).contains(x) { lon = x } else { e["centroidLon"] = "经度应在 -180 到 180 之间 / Longitude must be between -180 and 180" }
            }
        }
        // An outline replaces the synthetic one only when it is valid and lies inside its parent's (issue 18).
        enum BoundaryChange { case keep, clear, set(GeoMultiPolygon) }
        var boundary = BoundaryChange.keep
        if let b = v.boundaryGeoJSON {
            let t = b.trimmingCharacters(in: .whitespacesAndNewlines)
            if t.isEmpty { boundary = d.boundaryGeoJSON == nil ? .keep : .clear }
            else if t != d.boundaryGeoJSON {
                let parent = try await d.parentID.asyncMap { try await Division.find($0, on: db) } ?? nil
                let (shape, problems) = GeoValidation.problems(geoJSON: t, inside: parent?.boundary)
                if let first = problems.first { e["boundaryGeoJSON"] = problems.count == 1 ? first.message : first.message + "（共 \(problems.count) 处 / \(problems.count) problems）" }
                else if let shape { boundary = .set(shape) }
            }
        }
        var stationID = d.stationID, officeID = d.officeID
        if d.level == .community {
            if let s = v.stationID {
                stationID = s.nilIfEmpty.flatMap { Int($0) }
                if s.nilIfEmpty != nil, try await stationID.asyncMap({ try await Station.find($0, on: db) }) ?? nil == nil { e["stationID"] = "派出所不存在 / No such station" }
            }
            if let o = v.officeID {
                officeID = o.nilIfEmpty.flatMap { Int($0) }
                if o.nilIfEmpty != nil, try await officeID.asyncMap({ try await PoliceOffice.find($0, on: db) }) ?? nil == nil { e["officeID"] = "警务室不存在 / No such police office" }
            }
        }
        guard e.isEmpty else { throw e }
        d.stationID = stationID; d.officeID = officeID
        d.name = name; d.kind = kind; d.registeredPopulation = reg; d.residentPopulation = res; d.floatingPopulation = flo
        d.centroidLat = lat; d.centroidLon = lon
        switch boundary {
        case .keep: break
        case .clear: d.clearBoundary()
        case .set(let shape):
            let typedCentroid = (lat, lon) != (nil, nil) && (lat != oldCentroid.0 || lon != oldCentroid.1)
            d.setBoundary(shape, source: .uploaded)
            if typedCentroid { d.centroidLat = lat; d.centroidLon = lon }
        }
    }

    @Sendable func update(req: Request) async throws -> Response {
        try req.require(.editJurisdiction)
        let d = try await scopedDivision(req, req.parameters.get("id", as: Int.self))
        let input = try req.content.decode(EditInput.self)
        do { try await apply(input, to: d, on: req.db) } catch let e as FieldErrors { return try await editView(req, d, input, e) }
        try await save(req, d)
        return req.redirect(to: "/jurisdiction/\(d.id!)")
    }

    func save(_ req: Request, _ d: Division) async throws {
        try await req.db.transaction { db in
            try await d.save(on: db)
            await req.audit("division.update", entity: "division", id: d.id.map(String.init), detail: d.code, on: db)
        }
        req.application.boundaries.invalidate()
    }

    // MARK: API

    @Sendable func apiList(req: Request) async throws -> [DivisionDTO] {
        try req.require(.viewJurisdiction)
        let scope = try await req.scope()
        var q = Division.query(on: req.db).sort(\.$code)
        if let l = req.query[String.self, at: "level"] {
            guard let level = DivisionLevel(rawValue: l) else { throw FieldErrors(["level": "Unknown level; one of district, street, community, grid, building"]) }
            q = q.filter(\.$level == level)
        }
        if let p = req.query[Int.self, at: "parent"] { q = q.filter(\.$parentID == p) }
        let limit = min(max(req.query[Int.self, at: "limit"] ?? 500, 1), 5000)
        return try await q.limit(limit * 4).all().filter { scope.allows(division: $0) }.prefix(limit).map { $0.toDTO() }
    }

    @Sendable func apiShow(req: Request) async throws -> DivisionDTO {
        try req.require(.viewJurisdiction)
        return try await scopedDivision(req, req.parameters.get("id", as: Int.self)).toDTO()
    }

    @Sendable func apiUpdate(req: Request) async throws -> DivisionDTO {
        try req.require(.editJurisdiction)
        let d = try await scopedDivision(req, req.parameters.get("id", as: Int.self))
        try await apply(try req.content.decode(EditInput.self), to: d, on: req.db)
        try await save(req, d)
        return d.toDTO()
    }
}

extension Optional {
    func asyncMap<T>(_ f: (Wrapped) async throws -> T) async rethrows -> T? {
        switch self { case .some(let w): return try await f(w); case .none: return nil }
    }
}
