import Fluent
import Vapor
import PinganKit

/// 科技创安覆盖率 (issue 20 §6) under `/governance/coverage` and `/api/v1/governance/coverage`: read off the site registry,
/// per street and for the user's whole jurisdiction, now and as the registry stood a year ago.
struct CoverageController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get("governance", "coverage", use: page)
        routes.get("api", "v1", "governance", "coverage", use: api)
    }

    struct Coverage: Content {
        var now: CoverageTotals
        /// The same computation over the sites registered a year ago or earlier (the registry keeps no history of a
        /// site's attributes, so a compound fitted since counts with today's equipment).
        var yearAgo: CoverageTotals
        var sentence: String
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
        func totals(_ sites: [Site]) -> CoverageTotals {
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
            return CoverageTotals.compute(streets: streets.map { ($0.id!, $0.name) }, compounds: compounds, cameras: cameras)
        }
        let now = totals(sites)
        return Coverage(now: now, yearAgo: totals(sites.filter { ($0.createdAt ?? Date()) <= yearAgo }), sentence: now.sentence(chinese: !req.lang.isEnglish))
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
        let rows = c.now.streets
        let table: Node = rows.isEmpty ? .div(.class("empty"), .text(L.t("您的辖区内没有街道。", "No street in your jurisdiction.")))
            : .div(.class("scroll"), .table(.class("data"),
                .thead(.tr(.th(.text(L.t("街道", "Street"))), .th(.class("num"), .text(L.t("小区", "Compounds"))), .th(.text(L.t("小区覆盖率", "Compounds covered"))),
                           .th(.class("hide-sm"), .text(L.t("居民户覆盖率", "Households covered"))), .th(.class("hide-sm"), .text(L.t("物业小区覆盖率", "Managed compounds covered"))),
                           .th(.class("num hide-sm"), .text(L.t("门禁小区", "With 门禁"))), .th(.class("num"), .text(L.t("监控探头", "Cameras"))), .th(.text(L.t("地区监控系统", "Video system"))))),
                .element("tbody", rows.map { r in
                    .tr(.td(.text(r.name)), .td(.class("num"), .a(.href("/sites?kind=compound"), .text("\(r.compounds)"))), .td(bar(r.compoundsCovered, r.compounds)),
                        .td(.class("hide-sm"), bar(r.householdsCovered, r.households)), .td(.class("hide-sm"), bar(r.managedCovered, r.managed)),
                        .td(.class("num hide-sm"), .text("\(r.accessControl)")), .td(.class("num"), .text("\(r.cameras)")),
                        .td(r.videoSystem ? .span(.class("badge closed"), .text(L.t("已建成", "Yes"))) : .span(.class("badge gen"), .text(L.t("未建成", "No")))))
                })))
        return .page(req, title: L.t("科技创安覆盖率", "Technical-prevention coverage"),
            GovernanceViews.header(req, active: "/governance/coverage"),
            .div(.class("toolbar no-print"), .span(), .button(.type("button"), .class("btn secondary"), .attr("data-print", "1"), .text(L.t("打印", "Print")))),
            .div(.class("card"), .p(.strong(.text(c.sentence)))),
            .div(.class("stats"),
                stat(t.compoundRate, L.t("小区科技创安覆盖率（\(t.compoundsCovered)/\(t.compounds)）", "Compounds covered (\(t.compoundsCovered) of \(t.compounds))"),
                     change((t.compoundsCovered, t.compounds), (y.compoundsCovered, y.compounds))),
                stat(t.householdRate, L.t("居民户覆盖率", "Households covered"), change((t.householdsCovered, t.households), (y.householdsCovered, y.households))),
                stat(t.managedRate, L.t("物业小区覆盖率", "Property-managed compounds covered"), change((t.managedCovered, t.managed), (y.managedCovered, y.managed))),
                stat(c.now.videoRate, L.t("街乡监控系统覆盖率（\(c.now.streetsWithVideo)/\(c.now.streetCount)）", "Streets with a video system (\(c.now.streetsWithVideo) of \(c.now.streetCount))"),
                     change((c.now.streetsWithVideo, c.now.streetCount), (c.yearAgo.streetsWithVideo, c.yearAgo.streetCount))),
                stat("\(t.cameras)", L.t("监控探头（小区 + 点位）", "Cameras (compounds + points)"), L.t("一年前登记 \(y.cameras) 个", "\(y.cameras) registered a year ago"))),
            table,
            .div(.class("card small muted"), .h2(.text(L.t("口径说明", "How these are counted"))),
                .ul(.li(.text(L.t("数据来自场所物品登记中的“小区（院落）”和“视频监控点”，只计在用的。", "Read off the registry's compounds and camera points, active ones only."))),
                    .li(.text(L.t("小区实行科技创安：装有门禁系统且监控探头不少于1个；户数为小区登记的户数；登记了物业公司的为物业小区。",
                                  "A compound has technical prevention when it has access control and at least one camera; households are its registered households; it is property-managed when it names a property company."))),
                    .li(.text(L.t("街乡建成地区电视监控系统：至少有一个公安/政府建设、运行正常的监控点位。", "A street has a video system when at least one public camera point in it is working."))),
                    .li(.text(L.t("与一年前比较：按一年前已登记的场所计算；登记不保存设施变更历史，一年前登记、后来加装设施的小区按现状计。",
                                  "A year ago: the same computation over the sites registered by then; the registry keeps no history of equipment, so a compound fitted since counts as it is now."))))))
    }
}
