import Fluent
import SQLKit
import Vapor
import PinganKit

/// 场所物品 registry pages: buildings, rentals, compounds, organisations, venues, cameras, checkpoints.
struct SiteController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let r = routes.grouped("sites")
        r.get(use: list)
        r.get("export.csv", use: export)
        r.get("new", use: newPage)
        r.get("import", use: importPage)
        r.upload("import", maxSize: "20mb", permission: .editRegistry, use: importFile)
        r.get("import", "jobs", ":id", use: importJob)
        r.post(use: create)
        r.get(":id", use: show)
        r.get(":id", "edit", use: editPage)
        r.post(":id", use: update)
        r.post(":id", "members", use: addMember)
        r.post(":id", "members", "remove", use: removeMember)
    }

    static func kindCounts(_ req: Request) async throws -> [SiteKind: Int] {
        let scope = try await req.scope()
        let sql = req.db as! any SQLDatabase
        let q = sql.select().column("kind").column(SQLFunction("COUNT", args: SQLLiteral.all), as: "n").from("sites").groupBy("kind")
        scope.restrict(q)
        var out: [SiteKind: Int] = [:]
        for r in try await q.all() { if let k = SiteKind(rawValue: try r.decode(column: "kind", as: String.self)) { out[k] = try r.decode(column: "n", as: Int.self) } }
        return out
    }

    @Sendable func list(req: Request) async throws -> Response {
        try req.require(.viewRegistry)
        var errors = FieldErrors()
        let filter = SiteFilter(req, errors: &errors)
        let page = PinganKit.PageRequest(page: req.query[Int.self, at: "page"], per: req.query[Int.self, at: "per"])
        let q = try await filter.query(req)
        let total = try await q.copy().count()
        let sites = try await q.range(page.offset..<(page.offset + page.per)).all()
        let names = try await DivisionLookup.names(sites.flatMap { [$0.communityID, $0.gridID].compactMap { $0 } }, on: req.db)
        let res = SiteViews.list(req, sites: sites, names: names, info: PageInfo(page: page.page, per: page.per, total: total), filter: filter, errors: errors,
                                 communities: try await DivisionLookup.communities(req), kindCounts: try await Self.kindCounts(req), canEdit: try req.user.role.can(.editRegistry),
                                 canSearchIdentifiers: try req.user.role.can(.revealIdentity))
        if !errors.isEmpty { res.status = .unprocessableEntity }
        return res
    }

    @Sendable func export(req: Request) async throws -> Response {
        var errors = FieldErrors()
        let filter = SiteFilter(req, errors: &errors)
        guard errors.isEmpty else { throw errors }
        return try await SiteService.csv(req, filter)
    }

    func formPage(_ req: Request, _ site: Site?, _ input: SiteInput, _ errors: FieldErrors) async throws -> Response {
        let communities = try await DivisionLookup.communities(req)
        var input = input
        if input.communityID == nil, communities.count == 1 { input.communityID = "\(communities[0].id)" }
        var grids: [Division] = [], buildings: [Division] = []
        if let cid = input.communityID.flatMap({ Int($0) }) {
            grids = try await DivisionLookup.grids(req, community: cid)
        }
        if let gid = input.gridID.flatMap({ Int($0) }) {
            buildings = try await Division.query(on: req.db).filter(\.$level == .building).filter(\.$parentID == gid).sort(\.$code).all()
        }
        let kind = site?.kind ?? input.kind.flatMap(SiteKind.init(rawValue:))
        return SiteViews.form(req, site: site, kind: kind, input: input, errors: errors, communities: communities, grids: grids, buildings: buildings)
    }

    @Sendable func newPage(req: Request) async throws -> Response {
        try req.require(.editRegistry)
        var input = SiteInput()
        input.kind = req.query[String.self, at: "kind"]?.nilIfEmpty.flatMap { SiteKind(rawValue: $0)?.rawValue }
        input.communityID = req.query[String.self, at: "community"]?.nilIfEmpty
        return try await formPage(req, nil, input, FieldErrors())
    }

    @Sendable func create(req: Request) async throws -> Response {
        try req.require(.editRegistry)
        let input = try req.content.decode(SiteInput.self)
        do {
            let s = try await SiteService.create(req, input)
            return req.redirect(to: "/sites/\(s.id!)")
        } catch let e as FieldErrors {
            return try await formPage(req, nil, input, e)
        }
    }

    @Sendable func show(req: Request) async throws -> Response {
        try req.require(.viewRegistry)
        let s = try await SiteService.scoped(req, req.parameters.get("id", as: Int.self))
        return try await detail(req, s)
    }

    func detail(_ req: Request, _ s: Site, errors: FieldErrors = FieldErrors(), memberInput: SiteService.MemberInput? = nil) async throws -> Response {
        let names = try await DivisionLookup.names([s.communityID, s.gridID, s.buildingID].compactMap { $0 }, on: req.db)
        return SiteViews.detail(req, s, names: names, members: try await SiteService.members(req, s), households: try await SiteService.households(req, s),
                                errors: errors, memberInput: memberInput, canEdit: try req.user.role.can(.editRegistry))
    }

    @Sendable func editPage(req: Request) async throws -> Response {
        try req.require(.editRegistry)
        let s = try await SiteService.scoped(req, req.parameters.get("id", as: Int.self))
        return try await formPage(req, s, SiteInput(s), FieldErrors())
    }

    @Sendable func update(req: Request) async throws -> Response {
        try req.require(.editRegistry)
        let s = try await SiteService.scoped(req, req.parameters.get("id", as: Int.self))
        let input = try req.content.decode(SiteInput.self)
        do {
            try await SiteService.update(req, s, input)
            return req.redirect(to: "/sites/\(s.id!)")
        } catch let e as FieldErrors {
            return try await formPage(req, try await SiteService.scoped(req, s.id), input, e)
        }
    }

    @Sendable func addMember(req: Request) async throws -> Response {
        try req.require(.editRegistry)
        let s = try await SiteService.scoped(req, req.parameters.get("id", as: Int.self))
        let input = try req.content.decode(SiteService.MemberInput.self)
        do {
            _ = try await SiteService.addMember(req, s, input)
            return req.redirect(to: "/sites/\(s.id!)")
        } catch let e as FieldErrors {
            return try await detail(req, s, errors: e, memberInput: input)
        }
    }

    struct RemoveForm: Content { var memberID: String? }

    @Sendable func removeMember(req: Request) async throws -> Response {
        try req.require(.editRegistry)
        let s = try await SiteService.scoped(req, req.parameters.get("id", as: Int.self))
        let form = try? req.content.decode(RemoveForm.self)
        try await SiteService.removeMember(req, s, memberID: form?.memberID.flatMap { Int($0) })
        return req.redirect(to: "/sites/\(s.id!)")
    }

    @Sendable func importPage(req: Request) async throws -> Response {
        try req.require(.editRegistry)
        return SiteViews.importView(req, kind: req.query[String.self, at: "kind"].flatMap(SiteKind.init(rawValue:)))
    }

    struct ImportForm: Content { var file: File?; var dryRun: String?; var kind: String? }

    @Sendable func importFile(req: Request) async throws -> Response {
        try req.require(.editRegistry)
        let form = try req.content.decode(ImportForm.self)
        let kind = form.kind.flatMap(SiteKind.init(rawValue:))
        var e = FieldErrors()
        if kind == nil { e["kind"] = req.t("请选择类别", "Choose the kind") }
        var text: String? = nil
        if let file = form.file, file.data.readableBytes > 0 {
            text = file.data.getString(at: file.data.readerIndex, length: file.data.readableBytes)
            if text == nil { e["file"] = req.t("文件不是 UTF-8 文本", "The file is not UTF-8 text") }
        } else { e["file"] = req.t("请选择 CSV 文件", "Choose a CSV file") }
        guard e.isEmpty, let kind, let text else { return SiteViews.importView(req, kind: kind, errors: e) }
        if let file = form.file, file.data.readableBytes >= ImportJobs.backgroundMinimumBytes {
            let job = try req.application.importJobs.runSiteImport(req, kind: kind, text: text, fileName: file.filename, dryRun: form.dryRun != nil)
            return req.redirect(to: "/sites/import/jobs/\(job.id)")
        }
        do {
            return SiteViews.importView(req, kind: kind, report: try await SiteImport.run(req, kind: kind, csv: text, dryRun: form.dryRun != nil))
        } catch let err as FieldErrors {
            return SiteViews.importView(req, kind: kind, errors: err)
        }
    }

    /// A background import: progress while it runs, then the same report as an import answered at once.
    @Sendable func importJob(req: Request) async throws -> Response {
        try req.require(.editRegistry)
        guard let job = req.application.importJobs.job(req.parameters.get("id", as: Int.self), for: try req.user.requireID(), kind: .sites) else { throw Abort(.notFound) }
        let kind = job.siteKind.flatMap(SiteKind.init(rawValue:))
        if job.finishedAt != nil {
            if let report = job.report { return SiteViews.importView(req, kind: kind, report: report) }
            return SiteViews.importView(req, kind: kind, errors: FieldErrors(job.fieldErrors ?? ["file": req.t("导入未完成：", "The import did not finish: ") + (job.problem ?? "")]))
        }
        return ImportJobViews.progress(req, job, crumbs: [("/sites", "场所物品", "Places and things"), ("/sites/import", "导入", "Import")])
    }
}

/// JSON API: `/api/v1/sites`, and `/api/v1/site-kinds` describing every kind's fields and roles.
struct SiteAPIController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let r = routes.grouped("api", "v1", "sites")
        r.get(use: list)
        r.get("export.csv", use: export)
        r.post(use: create)
        r.upload("import", maxSize: "20mb", permission: .editRegistry, use: importCSV)
        r.get("import", "jobs", ":id", use: importJob)
        r.get(":id", use: show)
        r.patch(":id", use: update)
        r.get(":id", "members", use: members)
        r.post(":id", "members", use: addMember)
        r.post(":id", "members", "remove", use: removeMember)
        routes.get("api", "v1", "site-kinds", use: kinds)
    }

    struct Page: Content { var items: [SiteDTO]; var page: PageInfo }

    @Sendable func list(req: Request) async throws -> Page {
        try req.require(.viewRegistry)
        var errors = FieldErrors()
        let filter = SiteFilter(req, errors: &errors)
        guard errors.isEmpty else { throw errors }
        let page = PinganKit.PageRequest(page: req.query[Int.self, at: "page"], per: req.query[Int.self, at: "per"])
        let q = try await filter.query(req)
        let total = try await q.copy().count()
        let items = try await q.range(page.offset..<(page.offset + page.per)).all()
        return Page(items: items.map { $0.toDTO() }, page: PageInfo(page: page.page, per: page.per, total: total))
    }

    @Sendable func export(req: Request) async throws -> Response { try await SiteController().export(req: req) }

    @Sendable func create(req: Request) async throws -> Response {
        let s = try await SiteService.create(req, try req.content.decode(SiteInput.self))
        let res = try await s.toDTO().encodeResponse(status: .created, for: req)
        res.headers.replaceOrAdd(name: .location, value: "/api/v1/sites/\(s.id!)")
        return res
    }

    @Sendable func show(req: Request) async throws -> SiteDTO {
        try req.require(.viewRegistry)
        return try await SiteService.scoped(req, req.parameters.get("id", as: Int.self)).toDTO()
    }

    @Sendable func update(req: Request) async throws -> SiteDTO {
        try req.require(.editRegistry)
        let s = try await SiteService.scoped(req, req.parameters.get("id", as: Int.self))
        try await SiteService.update(req, s, try req.content.decode(SiteInput.self))
        return s.toDTO()
    }

    @Sendable func members(req: Request) async throws -> [SiteMemberDTO] {
        try req.require(.viewRegistry)
        return try await SiteService.members(req, try await SiteService.scoped(req, req.parameters.get("id", as: Int.self)))
    }

    @Sendable func addMember(req: Request) async throws -> Response {
        try req.require(.editRegistry)
        let s = try await SiteService.scoped(req, req.parameters.get("id", as: Int.self))
        let m = try await SiteService.addMember(req, s, try req.content.decode(SiteService.MemberInput.self))
        guard let dto = try await SiteService.members(req, s).first(where: { $0.id == m.id }) else { throw Abort(.notFound) }
        return try await dto.encodeResponse(status: .created, for: req)
    }

    struct RemoveBody: Content { var memberID: Int? }

    @Sendable func removeMember(req: Request) async throws -> HTTPStatus {
        try req.require(.editRegistry)
        let s = try await SiteService.scoped(req, req.parameters.get("id", as: Int.self))
        try await SiteService.removeMember(req, s, memberID: (try? req.content.decode(RemoveBody.self))?.memberID)
        return .noContent
    }

    /// Body: the CSV itself; `?kind=compound` names the kind, `?dryRun=1` checks without writing.
    @Sendable func importCSV(req: Request) async throws -> Response {
        try req.require(.editRegistry)
        guard let kind = req.query[String.self, at: "kind"].flatMap(SiteKind.init(rawValue:)) else {
            throw FieldErrors(["kind": req.t("请在查询参数中指定类别 kind", "Give the kind as ?kind=…")])
        }
        let dry = ["1", "true", "yes"].contains(req.query[String.self, at: "dryRun"] ?? "")
        let report = try await SiteImport.run(req, kind: kind, csv: req.body.string ?? "", dryRun: dry)
        return try await report.encodeResponse(status: report.errors.isEmpty ? .ok : .unprocessableEntity, for: req)
    }

    /// A web import's state (the job page's JSON twin).
    @Sendable func importJob(req: Request) async throws -> ImportJobs.Job {
        try req.require(.editRegistry)
        guard let job = req.application.importJobs.job(req.parameters.get("id", as: Int.self), for: try req.user.requireID(), kind: .sites) else { throw Abort(.notFound) }
        return job
    }

    struct KindDoc: Content {
        struct FieldDoc: Content { var key: String; var zh: String; var en: String; var type: String; var required: Bool; var options: [String]?; var min: Double?; var max: Double? }
        struct RoleDoc: Content { var role: String; var zh: String; var en: String }
        var kind: String; var zh: String; var en: String; var subtype: String?; var fields: [FieldDoc]; var roles: [RoleDoc]
    }

    @Sendable func kinds(req: Request) async throws -> [KindDoc] {
        try req.require(.viewRegistry)
        return SiteKind.allCases.map { k in
            KindDoc(kind: k.rawValue, zh: k.nameZh, en: k.nameEn, subtype: k.subtype?.key, fields: k.fields.map { f in
                switch f.rule {
                case .text(let max): return .init(key: f.key, zh: f.zh, en: f.en, type: "text", required: f.required, max: Double(max))
                case .integer(let r): return .init(key: f.key, zh: f.zh, en: f.en, type: "integer", required: f.required, min: Double(r.lowerBound), max: Double(r.upperBound))
                case .decimal(let r): return .init(key: f.key, zh: f.zh, en: f.en, type: "decimal", required: f.required, min: r.lowerBound, max: r.upperBound)
                case .flag: return .init(key: f.key, zh: f.zh, en: f.en, type: "flag", required: false)
                case .date: return .init(key: f.key, zh: f.zh, en: f.en, type: "date", required: f.required)
                case .choice(let o): return .init(key: f.key, zh: f.zh, en: f.en, type: "choice", required: f.required, options: o.map(\.value))
                }
            }, roles: k.roles.map { .init(role: $0.rawValue, zh: $0.nameZh, en: $0.nameEn) })
        }
    }
}
