import Fluent
import Vapor
import PinganKit

/// 实有人口 registry pages.
struct PersonController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let r = routes.grouped("people")
        r.get(use: list)
        r.get("export.csv", use: export)
        r.get("new", use: newPage)
        r.get("import", use: importPage)
        r.upload("import", maxSize: "50mb", permission: .editRegistry, use: importFile)
        r.get("import", "jobs", ":id", use: importJob)
        r.post(use: create)
        r.get(":id", use: show)
        r.get(":id", "edit", use: editPage)
        r.post(":id", use: update)
        r.post(":id", "reveal", use: reveal)
    }

    @Sendable func list(req: Request) async throws -> Response {
        try req.require(.viewRegistry)
        var errors = FieldErrors()
        let filter = PersonFilter(req, errors: &errors)
        let page = PinganKit.PageRequest(page: req.query[Int.self, at: "page"], per: req.query[Int.self, at: "per"])
        let q = try await filter.query(req)
        let total = try await q.copy().count()
        let people = try await q.range(page.offset..<(page.offset + page.per)).all()
        let names = try await PersonService.divisionNames(req, people)
        let res = PersonViews.list(req, people: people, names: names, info: PageInfo(page: page.page, per: page.per, total: total), filter: filter,
                                   errors: errors, communities: try await DivisionLookup.communities(req), canEdit: try req.user.role.can(.editRegistry),
                                   canSearchIdentifiers: try req.user.role.can(.revealIdentity))
        if !errors.isEmpty { res.status = .unprocessableEntity }
        return res
    }

    @Sendable func export(req: Request) async throws -> Response {
        var errors = FieldErrors()
        let filter = PersonFilter(req, errors: &errors)
        guard errors.isEmpty else { throw errors }
        return try await PersonService.csv(req, filter)
    }

    func formPage(_ req: Request, _ person: Person?, _ input: PersonInput, _ errors: FieldErrors) async throws -> Response {
        let communities = try await DivisionLookup.communities(req)
        var input = input
        if input.communityID == nil, communities.count == 1 { input.communityID = "\(communities[0].id)" }
        var grids: [Division] = []
        if let cid = input.communityID.flatMap({ Int($0) }) {
            grids = try await DivisionLookup.grids(req, community: cid)
        }
        let supervisors = try await User.query(on: req.db).filter(\.$active == true)
            .filter(\.$role ~~ [.communityOfficer, .stationChief, .gridWorker]).sort(\.$displayName).limit(500).all()
        return PersonViews.form(req, person: person, input: input, errors: errors, communities: communities, grids: grids, supervisors: supervisors)
    }

    @Sendable func newPage(req: Request) async throws -> Response {
        try req.require(.editRegistry)
        var input = PersonInput()
        input.communityID = req.query[String.self, at: "community"]?.nilIfEmpty
        return try await formPage(req, nil, input, FieldErrors())
    }

    @Sendable func create(req: Request) async throws -> Response {
        try req.require(.editRegistry)
        let input = try req.content.decode(PersonInput.self)
        do {
            let p = try await PersonService.create(req, input)
            return req.redirect(to: "/people/\(p.id!)")
        } catch let e as FieldErrors {
            // What was typed comes back, identifiers included (issue 21: a mistake elsewhere must not make the officer
            // type an 18-digit number again); pages are `no-store`, and a stored number is never put in a form.
            return try await formPage(req, nil, input, e)
        }
    }

    @Sendable func show(req: Request) async throws -> Response {
        try req.require(.viewRegistry)
        let p = try await PersonService.scoped(req, req.parameters.get("id", as: Int.self))
        return try await detail(req, p, revealed: nil)
    }

    func detail(_ req: Request, _ p: Person, revealed: RevealedIdentity?, errors: FieldErrors = FieldErrors()) async throws -> Response {
        let names = try await PersonService.divisionNames(req, [p])
        let supervisor = try await p.supervisorID.asyncMap { try await User.find($0, on: req.db) } ?? nil
        let role = try req.user.role
        let res = PersonViews.detail(req, p, names: names, supervisor: supervisor?.displayName, revealed: revealed, errors: errors,
                                     canEdit: role.can(.editRegistry), canReveal: role.can(.revealIdentity))
        if !errors.isEmpty { res.status = .unprocessableEntity }
        return res
    }

    @Sendable func editPage(req: Request) async throws -> Response {
        try req.require(.editRegistry)
        let p = try await PersonService.scoped(req, req.parameters.get("id", as: Int.self))
        return try await formPage(req, p, PersonInput(p), FieldErrors())
    }

    @Sendable func update(req: Request) async throws -> Response {
        try req.require(.editRegistry)
        let p = try await PersonService.scoped(req, req.parameters.get("id", as: Int.self))
        let input = try req.content.decode(PersonInput.self)
        do {
            try await PersonService.update(req, p, input)
            return req.redirect(to: "/people/\(p.id!)")
        } catch let e as FieldErrors {
            return try await formPage(req, try await PersonService.scoped(req, p.id), input, e)
        }
    }

    func importView(_ req: Request, report: PeopleImport.Report? = nil, errors: FieldErrors = FieldErrors()) -> Response {
        let L = req.lang
        let headerDoc = PeopleImport.columns.map { c in c.names[0] + " / " + (c.names.first { $0.allSatisfy(\.isASCII) } ?? c.key) }.joined(separator: "，")
        var result: Node = .empty
        if let r = report {
            let summary = r.written
                ? L.t("已导入：新增 \(r.created) 人，更新 \(r.updated) 人（共 \(r.rows) 行）。", "Imported: \(r.created) new, \(r.updated) updated (\(r.rows) rows).")
                : r.errors.isEmpty
                    ? L.t("试导入通过：将新增 \(r.created) 人，更新 \(r.updated) 人。未写入任何数据。", "Dry run passed: \(r.created) would be added, \(r.updated) updated. Nothing was written.")
                    : L.t("发现 \(r.errors.count) 处问题，未写入任何数据。请修改后重新上传。", "\(r.errors.count) problem(s) found; nothing was written. Fix them and upload again.")
            let rows: [Node] = r.errors.prefix(500).map { e in .tr(.td(.class("num"), .text("\(e.row)")), .td(.code(.text(e.field))), .td(.text(e.message))) }
            result = .div(.class("card"), .div(.class(r.errors.isEmpty ? "alert ok" : "alert error"), .text(summary)),
                          r.errors.isEmpty ? .empty : .table(.class("data"), .thead(.tr(.th(.class("num"), .text(L.t("行", "Row"))), .th(.text(L.t("字段", "Field"))), .th(.text(L.t("问题", "Problem"))))),
                                                             .element("tbody", rows)))
        }
        return .page(req, title: L.t("导入人口", "Import people"), status: errors.isEmpty && (report?.errors.isEmpty ?? true) ? .ok : .unprocessableEntity,
            .div(.class("breadcrumb"), .a(.href("/people"), .text(L.t("实有人口", "People registry"))), " › ", .text(L.t("导入", "Import"))),
            .h1(.text(L.t("导入人口（CSV）", "Import people (CSV)"))),
            Form.errorSummary(req, errors), result,
            .form(.method("post"), .action("/people/import"), .attr("enctype", "multipart/form-data"), .class("card"),
                Layout.csrfField(req),
                .p(.class("small muted"), .text(L.t("UTF-8 编码，首行为列名（中文或英文）：", "UTF-8, first row is the header (Chinese or English names): ") + headerDoc)),
                .p(.class("small muted"), .text(L.t("按身份号码匹配：已登记的更新，未登记的新增。任何一行有误则整批不写入。", "Matched by ID number: registered people are updated, new ones added. One bad row and nothing is written."))),
                .div(.class("form"),
                    Form.field(L.t("CSV 文件", "CSV file"), "file", errors, .input(.type("file"), .name("file"), .id("f-file"), .attr("accept", ".csv,text/csv"), .required())),
                    .label(.input(.type("checkbox"), .name("dryRun"), .value("1"), .checked(true)), .text(L.t("仅试导入（检查，不写入）", "Dry run only (check, write nothing)")))),
                .p(.button(.type("submit"), .text(L.t("上传", "Upload"))))))
    }

    @Sendable func importPage(req: Request) async throws -> Response {
        try req.require(.editRegistry)
        return importView(req)
    }

    struct ImportForm: Content { var file: File?; var dryRun: String? }

    @Sendable func importFile(req: Request) async throws -> Response {
        try req.require(.editRegistry)
        let form = try req.content.decode(ImportForm.self)
        guard let file = form.file, file.data.readableBytes > 0 else {
            return importView(req, errors: FieldErrors(["file": req.t("请选择 CSV 文件", "Choose a CSV file")]))
        }
        guard let text = file.data.getString(at: file.data.readerIndex, length: file.data.readableBytes) else {
            return importView(req, errors: FieldErrors(["file": req.t("文件不是 UTF-8 文本", "The file is not UTF-8 text")]))
        }
        if file.data.readableBytes >= ImportJobs.backgroundMinimumBytes {
            let job = try req.application.importJobs.runPeopleImport(req, text: text, fileName: file.filename, dryRun: form.dryRun != nil)
            return req.redirect(to: "/people/import/jobs/\(job.id)")
        }
        do {
            let report = try await PeopleImport.run(req, csv: text, dryRun: form.dryRun != nil)
            return importView(req, report: report)
        } catch let e as FieldErrors {
            return importView(req, errors: e)
        }
    }

    /// A background import: progress while it runs (the page reloads itself every two seconds), then its report.
    @Sendable func importJob(req: Request) async throws -> Response {
        try req.require(.editRegistry)
        guard let job = req.application.importJobs.job(req.parameters.get("id", as: Int.self), for: try req.user.requireID()) else { throw Abort(.notFound) }
        let L = req.lang
        if job.finishedAt != nil {
            if let report = job.report { return importView(req, report: report) }
            return importView(req, errors: FieldErrors(job.fieldErrors ?? ["file": L.t("导入未完成：", "The import did not finish: ") + (job.problem ?? "")]))
        }
        return ImportJobViews.progress(req, job, crumbs: [("/people", "实有人口", "People registry"), ("/people/import", "导入", "Import")])
    }

    /// A POST, not a link: unmasking is an action that is audited, never a cached page.
    @Sendable func reveal(req: Request) async throws -> Response {
        try req.require(.revealIdentity)
        let p = try await PersonService.scoped(req, req.parameters.get("id", as: Int.self))
        do {
            return try await detail(req, p, revealed: try await PersonService.reveal(req, p, try req.content.decode(PersonService.RevealInput.self)))
        } catch let e as FieldErrors {
            return try await detail(req, p, revealed: nil, errors: e)
        }
    }
}

/// JSON API: `/api/v1/people`; identity data masked unless revealed through the audited endpoint.
struct PersonAPIController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let r = routes.grouped("api", "v1", "people")
        r.get(use: list)
        r.get("export.csv", use: export)
        r.post(use: create)
        r.get(":id", use: show)
        r.patch(":id", use: update)
        r.post(":id", "reveal", use: reveal)
        r.upload("import", maxSize: "50mb", permission: .editRegistry, use: importCSV)
        r.get("import", "jobs", ":id", use: importJob)
    }

    /// Body: the CSV itself (`Content-Type: text/csv`); `?dryRun=1` checks without writing.
    @Sendable func importCSV(req: Request) async throws -> Response {
        try req.require(.editRegistry)
        let text = req.body.string ?? ""
        let dry = ["1", "true", "yes"].contains(req.query[String.self, at: "dryRun"] ?? "")
        let report = try await PeopleImport.run(req, csv: text, dryRun: dry)
        return try await report.encodeResponse(status: report.errors.isEmpty ? .ok : .unprocessableEntity, for: req)
    }

    /// A web import's state (the page's JSON twin): phase, rows so far, fraction, and the report when done.
    @Sendable func importJob(req: Request) async throws -> ImportJobs.Job {
        try req.require(.editRegistry)
        guard let job = req.application.importJobs.job(req.parameters.get("id", as: Int.self), for: try req.user.requireID()) else { throw Abort(.notFound) }
        return job
    }

    struct Page: Content { var items: [PersonDTO]; var page: PageInfo }

    @Sendable func list(req: Request) async throws -> Page {
        try req.require(.viewRegistry)
        var errors = FieldErrors()
        let filter = PersonFilter(req, errors: &errors)
        guard errors.isEmpty else { throw errors }
        let page = PinganKit.PageRequest(page: req.query[Int.self, at: "page"], per: req.query[Int.self, at: "per"])
        let (total, rows) = try await filter.page(req, page)
        return Page(items: rows.map(\.dto), page: PageInfo(page: page.page, per: page.per, total: total))
    }

    @Sendable func export(req: Request) async throws -> Response { try await PersonController().export(req: req) }

    @Sendable func create(req: Request) async throws -> Response {
        let p = try await PersonService.create(req, try req.content.decode(PersonInput.self))
        let res = try await p.toDTO().encodeResponse(status: .created, for: req)
        res.headers.replaceOrAdd(name: .location, value: "/api/v1/people/\(p.id!)")
        return res
    }

    @Sendable func show(req: Request) async throws -> PersonDTO {
        try req.require(.viewRegistry)
        return try await PersonService.scoped(req, req.parameters.get("id", as: Int.self)).toDTO()
    }

    @Sendable func update(req: Request) async throws -> PersonDTO {
        try req.require(.editRegistry)
        let p = try await PersonService.scoped(req, req.parameters.get("id", as: Int.self))
        try await PersonService.update(req, p, try req.content.decode(PersonInput.self))
        return p.toDTO()
    }

    @Sendable func reveal(req: Request) async throws -> RevealedIdentity {
        try req.require(.revealIdentity)
        let p = try await PersonService.scoped(req, req.parameters.get("id", as: Int.self))
        return try await PersonService.reveal(req, p, try req.content.decode(PersonService.RevealInput.self))
    }
}
