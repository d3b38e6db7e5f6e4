import Fluent
import SQLKit
import Vapor
import PinganKit

/// 科技创安覆盖率 (issue 20 §6) under `/governance/coverage` and `/api/v1/governance/coverage`: read off the site registry,
/// per street and for the user's whole jurisdiction, now and as the registry stood a year ago.
struct CoverageController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get("governance", "coverage", use: page)
        routes.get("governance", "coverage", "targets", use: targetsPage)
        routes.post("governance", "coverage", "targets", use: saveTargets)
        routes.get("api", "v1", "governance", "coverage", use: api)
        routes.get("api", "v1", "governance", "coverage", "targets", use: apiTargets)
        routes.put("api", "v1", "governance", "coverage", "targets", use: apiSaveTargets)
    }

    struct Coverage: Content {
        var now: CoverageTotals
        /// The same computation over the sites registered a year ago or earlier (the registry keeps no history of a
        /// site's attributes, so a compound fitted since counts with today's equipment).
        var yearAgo: CoverageTotals
        var sentence: String
        /// The targets in force: the district's, and each street's own over it (keys are street ids).
        var targets: CoverageTargetsBody
        /// What is still to fit to meet each street's targets (and the district's for the total, key "district").
        var gaps: [String: Gaps]
    }

    /// Compounds, households, managed compounds and buildings still to cover; nil where no target is set.
    struct Gaps: Content, Equatable { var compounds: Int?, households: Int?, managed: Int?, buildings: Int? }

    static func gaps(_ r: CoverageRow, _ t: CoverageTarget) -> Gaps {
        Gaps(compounds: t.compounds.map { CoverageTarget.gap(r.compoundsCovered, of: r.compounds, percent: $0) },
             households: t.households.map { CoverageTarget.gap(r.householdsCovered, of: r.households, percent: $0) },
             managed: t.managed.map { CoverageTarget.gap(r.managedCovered, of: r.managed, percent: $0) },
             buildings: t.buildings.map { CoverageTarget.gap(r.buildingsWithAccess, of: r.buildings, percent: $0) })
    }

    static func compute(_ req: Request) async throws -> Coverage {
        try req.require(.viewGovernance)
        let visible = try await DivisionLookup.communities(req)
        let communityIDs = visible.map(\.id)
        let parents = communityIDs.isEmpty ? [:] : Dictionary(uniqueKeysWithValues: try await Division.query(on: req.db).filter(\.$id ~~ communityIDs).all().compactMap { d in d.parentID.map { (d.id!, $0) } })
        let streetIDs = Array(Set(parents.values))
        let streets = streetIDs.isEmpty ? [] : try await Division.query(on: req.db).filter(\.$id ~~ streetIDs).filter(\.$level == .street).sort(\.$code).all()
        let sites = try await req.scoped(Site.self).filter(\.$kind ~~ [.compound, .camera]).filter(\.$status == .active).all()
        let yearAgo = Date().addingTimeInterval(-365 * 86400)
        // Buildings are many: read only their place, their 门禁 flag and when they were registered.
        struct BuildingRow: Decodable { var community_id: Int; var attributes: String; var created_at: Date? }
        // unscoped: the communities are those the user sees (DivisionLookup.communities above)
        let buildingRows: [BuildingRow] = communityIDs.isEmpty ? [] : try await (req.db as! any SQLDatabase).select()
            .column("community_id").column("attributes").column("created_at").from("sites")
            .where("kind", .equal, SiteKind.building.rawValue).where("status", .equal, SiteStatus.active.rawValue).where("community_id", .in, communityIDs)
            .all(decoding: BuildingRow.self)
        func buildings(before: Date?) -> [BuildingFact] {
            buildingRows.compactMap { b in
                guard let street = parents[b.community_id], before.map({ (b.created_at ?? Date()) <= $0 }) ?? true else { return nil }
                return BuildingFact(streetID: street, accessControl: SiteAttributes.decode(b.attributes)["accessControl"] == "1")
            }
        }
        func totals(_ sites: [Site], before: Date? = nil) -> CoverageTotals {
            var compounds: [CompoundFact] = [], cameras: [CameraPointFact] = []
            for s in sites {
                guard let street = parents[s.communityID] else { continue }
                let v = s.values
                switch s.kind {
                case .compound:
                    compounds.append(CompoundFact(streetID: street, households: Int(v["households"] ?? "") ?? 0, propertyManaged: !(v["propertyCompany"] ?? "").trimmed.isEmpty,
                                                  accessControl: v["accessControl"] == "1", cameras: Int(v["cameras"] ?? "") ?? 0))
                case .camera:
                    cameras.append(CameraPointFact(streetID: street, isPublic: v["ownership"] == "public", working: v["working"] == "ok"))
                default: break
                }
            }
            return CoverageTotals.compute(streets: streets.map { ($0.id!, $0.name) }, compounds: compounds, cameras: cameras, buildings: buildings(before: before))
        }
        let now = totals(sites)
        let (district, own) = try await CoverageTargets.load(req.db)
        var targets = CoverageTargetsBody(district: district, streets: [:])
        var gaps: [String: Gaps] = ["district": Self.gaps(now.total, district)]
        for s in now.streets {
            let t = (own[s.areaID] ?? CoverageTarget()).over(district)
            targets.streets["\(s.areaID)"] = t
            gaps["\(s.areaID)"] = Self.gaps(s, t)
        }
        return Coverage(now: now, yearAgo: totals(sites.filter { ($0.createdAt ?? Date()) <= yearAgo }, before: yearAgo),
                        sentence: now.sentence(chinese: !req.lang.isEnglish), targets: targets, gaps: gaps)
    }

    // MARK: targets

    func streets(_ req: Request) async throws -> [Division] {
        try await Division.query(on: req.db).filter(\.$level == .street).sort(\.$code).all()
    }

    @Sendable func targetsPage(req: Request) async throws -> Response {
        try req.require(.configureGovernance)
        let (district, own) = try await CoverageTargets.load(req.db)
        let values = CoverageTargets.flatten(CoverageTargetsBody(district: district, streets: Dictionary(uniqueKeysWithValues: own.map { ("\($0.key)", $0.value) })))
        return CoverageTargets.form(req, streets: try await streets(req), values: values, errors: FieldErrors())
    }

    @Sendable func saveTargets(req: Request) async throws -> Response {
        let raw = (try? req.content.decode([String: String].self)) ?? [:]
        do {
            try await CoverageTargets.save(req, raw)
            return req.redirect(to: "/governance/coverage")
        } catch let e as FieldErrors { return CoverageTargets.form(req, streets: try await streets(req), values: raw, errors: e) }
    }

    @Sendable func apiTargets(req: Request) async throws -> CoverageTargetsBody {
        try req.require(.viewGovernance)
        let (district, own) = try await CoverageTargets.load(req.db)
        return CoverageTargetsBody(district: district, streets: Dictionary(uniqueKeysWithValues: own.map { ("\($0.key)", $0.value) }))
    }

    /// Replaces every target (what is left out is cleared).
    @Sendable func apiSaveTargets(req: Request) async throws -> CoverageTargetsBody {
        try req.require(.configureGovernance)
        guard let body = try? req.content.decode(CoverageTargetsBody.self) else {
            throw Abort(.badRequest, reason: req.t("请求体应为 {\"district\": {…}, \"streets\": {…}}", "The body must be {\"district\": {…}, \"streets\": {…}}"))
        }
        var raw = CoverageTargets.flatten(body)
        // A street that is not one answers at its key, like a bad value.
        let known = Set(try await streets(req).compactMap(\.id))
        var e = FieldErrors()
        for key in body.streets.keys where Int(key).map({ !known.contains($0) }) ?? true { e["street.\(key)"] = req.t("没有这个街道", "No such street") }
        if !e.isEmpty { try req.require(.configureGovernance); throw e }
        raw = raw.filter { $0.key.hasPrefix("district.") || $0.key.hasPrefix("street.") }
        try await CoverageTargets.save(req, raw)
        return try await apiTargets(req: req)
    }

    @Sendable func api(req: Request) async throws -> Coverage { try await Self.compute(req) }

    /// "+4.2个百分点" between two rates of the same kind; "—" when either has no denominator.
    static func points(_ L: Lang, _ a: (Int, Int), _ b: (Int, Int)) -> String {
        guard let x = Rate.fraction(a.0, of: a.1), let y = Rate.fraction(b.0, of: b.1) else { return "—" }
        let d = Decimals.format((x - y) * 100, places: 1)
        return L.t("较一年前 \(d.hasPrefix("-") ? d : "+" + d) 个百分点", "\(d.hasPrefix("-") ? d : "+" + d) points on a year ago")
    }

    @Sendable func page(req: Request) async throws -> Response {
        try req.require(.viewGovernance)
        let L = req.lang
        let c = try await Self.compute(req)
        let t = c.now.total, y = c.yearAgo.total
        // Before the registry held anything a year ago, a change "since a year ago" would only measure the registration.
        func change(_ a: (Int, Int), _ b: (Int, Int)) -> String {
            c.yearAgo.isEmpty ? L.t("一年前尚无登记，不作比较", "Nothing registered a year ago: no comparison") : Self.points(L, a, b)
        }
        func stat(_ value: String, _ label: String, _ change: String) -> Node {
            .div(.class("stat"), .div(.class("num"), .text(value)), .div(.class("lbl"), .text(label)), .div(.class("small muted"), .text(change)))
        }
        func bar(_ part: Int, _ whole: Int) -> Node { Meter.line(Rate.fraction(part, of: whole), Rate.format(part, of: whole)) }
        /// The rate against its target: "目标80% · 差3个" (or 达标), nothing when no target is set.
        func versus(_ target: Int?, _ gap: Int?, of whole: Int, unit: String, unitEn: String) -> Node {
            guard let target, let gap else { return .empty }
            // Nothing registered is not "met": say there is nothing to measure yet.
            if whole == 0 { return .div(.class("small muted"), .text(L.t("目标\(target)% · 尚无登记", "target \(target)% · nothing registered"))) }
            return .div(.class("small " + (gap == 0 ? "muted" : "field-error")),
                        .text(gap == 0 ? L.t("目标\(target)% · 已达标", "target \(target)% · met") : L.t("目标\(target)% · 差\(gap)\(unit)", "target \(target)% · \(gap) \(unitEn) short")))
        }
        let canSet = try await CoverageTargets.canSet(req)
        let rows = c.now.streets
        let table: Node = rows.isEmpty ? .div(.class("empty"), .text(L.t("您的辖区内没有街道。", "No street in your jurisdiction.")))
            : .div(.class("scroll"), .table(.class("data"),
                .thead(.tr(.th(.text(L.t("街道", "Street"))), .th(.class("num"), .text(L.t("小区", "Compounds"))), .th(.text(L.t("小区覆盖率", "Compounds covered"))),
                           .th(.class("hide-sm"), .text(L.t("居民户覆盖率", "Households covered"))), .th(.class("hide-sm"), .text(L.t("物业小区覆盖率", "Managed compounds covered"))),
                           .th(.class("num hide-sm"), .text(L.t("门禁小区", "With access control"))), .th(.class("hide-sm"), .text(L.t("门禁楼栋", "Buildings with access control"))),
                           .th(.class("num"), .text(L.t("监控探头", "Cameras"))), .th(.text(L.t("地区监控系统", "Video system"))))),
                .element("tbody", rows.map { r in
                    let t = c.targets.streets["\(r.areaID)"] ?? CoverageTarget(), g = c.gaps["\(r.areaID)"]
                    return .tr(.td(.text(r.name)), .td(.class("num"), .a(.href("/sites?kind=compound"), .text("\(r.compounds)"))),
                        .td(bar(r.compoundsCovered, r.compounds), versus(t.compounds, g?.compounds, of: r.compounds, unit: "个小区", unitEn: "compounds")),
                        .td(.class("hide-sm"), bar(r.householdsCovered, r.households), versus(t.households, g?.households, of: r.households, unit: "户", unitEn: "households")),
                        .td(.class("hide-sm"), bar(r.managedCovered, r.managed), versus(t.managed, g?.managed, of: r.managed, unit: "个小区", unitEn: "compounds")),
                        .td(.class("num hide-sm"), .text("\(r.accessControl)")),
                        .td(.class("hide-sm"), bar(r.buildingsWithAccess, r.buildings), versus(t.buildings, g?.buildings, of: r.buildings, unit: "栋", unitEn: "buildings")),
                        .td(.class("num"), .text("\(r.cameras)")),
                        .td(r.videoSystem ? .span(.class("badge closed"), .text(L.t("已建成", "Yes"))) : .span(.class("badge gen"), .text(L.t("未建成", "No")))))
                })))
        return .page(req, title: L.t("科技创安覆盖率", "Technical-prevention coverage"),
            GovernanceViews.header(req, active: "/governance/coverage"),
            .div(.class("toolbar no-print"), .span(),
                 canSet ? .a(.class("btn secondary"), .href("/governance/coverage/targets"), .text(L.t("设定目标", "Set targets"))) : .empty,
                 .button(.type("button"), .class("btn secondary"), .attr("data-print", "1"), .text(L.t("打印", "Print")))),
            .div(.class("card"), .p(.strong(.text(c.sentence)))),
            .div(.class("stats"),
                stat(t.compoundRate, L.t("小区科技创安覆盖率（\(t.compoundsCovered)/\(t.compounds)）", "Compounds covered (\(t.compoundsCovered) of \(t.compounds))"),
                     change((t.compoundsCovered, t.compounds), (y.compoundsCovered, y.compounds))),
                stat(t.householdRate, L.t("居民户覆盖率", "Households covered"), change((t.householdsCovered, t.households), (y.householdsCovered, y.households))),
                stat(t.managedRate, L.t("物业小区覆盖率", "Property-managed compounds covered"), change((t.managedCovered, t.managed), (y.managedCovered, y.managed))),
                stat(c.now.videoRate, L.t("街乡监控系统覆盖率（\(c.now.streetsWithVideo)/\(c.now.streetCount)）", "Streets with a video system (\(c.now.streetsWithVideo) of \(c.now.streetCount))"),
                     change((c.now.streetsWithVideo, c.now.streetCount), (c.yearAgo.streetsWithVideo, c.yearAgo.streetCount))),
                stat(t.buildingRate, L.t("门禁楼栋占比（\(t.buildingsWithAccess)/\(t.buildings)）", "Buildings with access control (\(t.buildingsWithAccess) of \(t.buildings))"),
                     change((t.buildingsWithAccess, t.buildings), (y.buildingsWithAccess, y.buildings))),
                stat("\(t.cameras)", L.t("监控探头（小区 + 点位）", "Cameras (compounds + points)"), L.t("一年前登记 \(y.cameras) 个", "\(y.cameras) registered a year ago"))),
            table,
            .div(.class("card small muted"), .h2(.text(L.t("口径说明", "How these are counted"))),
                .ul(.li(.text(L.t("数据来自场所物品登记中的“小区（院落）”和“视频监控点”，只计在用的。", "Read off the registry's compounds and camera points, active ones only."))),
                    .li(.text(L.t("小区实行科技创安：装有门禁系统且监控探头不少于1个；户数为小区登记的户数；登记了物业公司的为物业小区。",
                                  "A compound has technical prevention when it has access control and at least one camera; households are its registered households; it is property-managed when it names a property company."))),
                    .li(.text(L.t("街乡建成地区电视监控系统：至少有一个公安/政府建设、运行正常的监控点位。", "A street has a video system when at least one public camera point in it is working."))),
                    .li(.text(L.t("门禁楼栋：楼栋登记中勾选了“楼栋门禁”的在用楼栋。", "Buildings with access control: active buildings whose record ticks access control."))),
                    .li(.text(L.t("目标由区里设定（各街道可单独设定，未设的按全区目标）；“差”为达到目标还需覆盖的小区、户数或楼栋数（向上取整）。",
                                  "Targets are set by the district (a street may have its own; otherwise the district's); \"short\" is what must still be covered to reach them (rounded up)."))),
                    .li(.text(L.t("与一年前比较：按一年前已登记的场所计算；登记不保存设施变更历史，一年前登记、后来加装设施的小区按现状计。",
                                  "A year ago: the same computation over the sites registered by then; the registry keeps no history of equipment, so a compound fitted since counts as it is now."))))))
    }
}
