import Vapor
import PinganKit

/// 工作台: `GET /` shows the signed-in person's own work; `GET /api/v1/desk` the same as JSON.
struct DeskController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get(use: page)
        routes.get("api", "v1", "desk", use: api)
    }

    @Sendable func page(req: Request) async throws -> Response {
        let desk = try await DeskService.build(req)
        let overview = desk.showsOverview ? try await DashboardController.overview(req) : []
        return DeskViews.page(req, desk, overview: overview)
    }

    @Sendable func api(req: Request) async throws -> Desk { try await DeskService.build(req) }
}

enum DeskViews {
    static func page(_ req: Request, _ d: Desk, overview: [Node]) -> Response {
        let L = req.lang
        let user = try? req.user
        return .page(req, title: L.t("工作台", "My desk"),
            .h1(.text(L.t("工作台", "My desk")), " ", .small(.class("muted"), .text([user?.displayName, user?.displayName == user?.role.nameZh ? nil : d.roleName, d.today].compactMap { $0 }.joined(separator: " · ")))),
            .group(d.sections.filter { !$0.figures.isEmpty || !$0.rows.isEmpty || $0.empty != nil }.map { section(L, $0) }),
            .if(!overview.isEmpty, .section(.class("desk-section"), .group(overview))))
    }

    static func section(_ L: Lang, _ s: DeskSection) -> Node {
        .section(.class("desk-section"), .attr("data-desk", s.key),
            .h2(.text(s.title)),
            .if(!s.figures.isEmpty, .div(.class("stats"), .group(s.figures.map { f in
                .a(.class(f.tone == "warn" ? "stat warn" : "stat"), .href(f.link), .attr("data-figure", f.key),
                   .div(.class("num"), .text("\(f.count)")), .div(.class("lbl"), .text(f.label)),
                   .if(f.note != nil, .div(.class("small muted"), .text(f.note ?? ""))))
            }))),
            .if(!s.rows.isEmpty, .ul(.class("desk-rows"), .group(s.rows.map { r in
                .li(.a(.href(r.link), .text(r.label)), " ", .span(.class(r.tone == "warn" ? "badge received" : "badge"), .text(r.detail)))
            }))),
            .if(s.empty != nil && s.rows.isEmpty, .div(.class("empty"), .text(s.empty ?? ""))))
    }
}
