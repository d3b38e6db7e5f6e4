import Fluent
import Vapor
import PinganKit

/// 外部警情导入 on the web: upload a city's incident CSV and its column-mapping JSON (file or pasted),
/// dry run by default; the same all-or-nothing import as `pingan import incidents`.
struct ExternalImportController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get("analysis", "import", use: page)
        routes.upload("analysis", "import", maxSize: "100mb", permission: .editIncidents, use: upload)
        routes.get("analysis", "import", "jobs", ":id", use: job)
        routes.get("api", "v1", "analysis", "import", "jobs", ":id", use: jobJSON)
    }

    static let example = """
    { "name": "Toronto Police MCI (open data)", "date": "occurrencedate", "hour": "occurrencehour", "since": "2014-01-01",
      "timeZone": "America/Toronto", "latitude": "Lat", "longitude": "Long",
      "subcategory": { "column": "MCI", "values": { "Break and Enter": "burglary", "Auto Theft": "vehicle_theft",
                       "Robbery": "robbery", "Assault": "assault", "Theft Over": "other_theft" } },
      "community": { "column": "Neighbourhood", "default": "440113007601" },
      "address": ["premises_type", "Neighbourhood"], "description": ["MCI"] }
    """

    @Sendable func page(req: Request) async throws -> Response {
        try req.require(.editIncidents)
        return Self.view(req, mappingText: Self.example)
    }

    struct Upload: Content { var file: File?; var mappingFile: File?; var mapping: String?; var dryRun: String? }

    @Sendable func upload(req: Request) async throws -> Response {
        try req.require(.editIncidents)
        let L = req.lang
        guard let form = try? req.content.decode(Upload.self) else {
            return Self.view(req, mappingText: Self.example, errors: FieldErrors(["file": L.t("请以表单上传 CSV 文件", "Upload the CSV file with the form")]))
        }
        var errors = FieldErrors()
        func text(_ f: File?) -> String? {
            guard let f, f.data.readableBytes > 0 else { return nil }
            return f.data.getString(at: f.data.readerIndex, length: f.data.readableBytes)
        }
        let csv = text(form.file)
        if csv == nil { errors["file"] = L.t("请选择 UTF-8 编码的 CSV 文件", "Choose a UTF-8 CSV file") }
        let mappingText = text(form.mappingFile) ?? form.mapping?.nilIfEmpty
        var mapping: IncidentColumnMapping? = nil
        if let mappingText {
            do { mapping = try IncidentColumnMapping.decode(json: Data(mappingText.utf8)) }
            catch { errors["mapping"] = L.t("映射文件不是有效的 JSON 映射：", "Not a valid JSON mapping: ") + String(describing: error).prefix(300) }
        } else { errors["mapping"] = L.t("请提供列映射", "Give the column mapping") }
        guard errors.isEmpty, let csv, let mapping else { return Self.view(req, mappingText: mappingText ?? Self.example, errors: errors) }
        if let file = form.file, file.data.readableBytes >= ImportJobs.backgroundMinimumBytes {
            let job = try await req.application.importJobs.runIncidentImport(req, text: csv, mapping: mapping, mappingText: mappingText ?? "", fileName: file.filename,
                                                                              dryRun: form.dryRun != nil)
            return req.redirect(to: "/analysis/import/jobs/\(job.id)")
        }
        let user = try req.user
        let outcome = try await ExternalImportCLI.run(req.db, text: csv, mapping: mapping, user: user, scope: try await req.scope(),
                                                      dryRun: form.dryRun != nil, defaultTimeZone: req.config.timeZone)
        if outcome.written {
            await req.audit("incident.import", entity: "incident", detail: "\(outcome.rows) rows via mapping \(mapping.name ?? "")")
        }
        return Self.view(req, mappingText: mappingText ?? "", outcome: outcome)
    }

    /// A background import: progress while it runs, then the same result as an import answered at once.
    @Sendable func job(req: Request) async throws -> Response {
        try req.require(.editIncidents)
        guard let job = req.application.importJobs.job(req.parameters.get("id", as: Int.self), for: try req.user.requireID(), kind: .incidents) else { throw Abort(.notFound) }
        if job.finishedAt != nil {
            if let s = job.incidents { return Self.view(req, mappingText: job.mapping ?? "", outcome: s.outcome) }
            return Self.view(req, mappingText: job.mapping ?? Self.example,
                             errors: FieldErrors(job.fieldErrors ?? ["file": req.t("导入未完成：", "The import did not finish: ") + (job.problem ?? "")]))
        }
        return ImportJobViews.progress(req, job, crumbs: [("/analysis", "研判预警", "Analysis"), ("/analysis/import", "外部数据导入", "Import data")])
    }

    @Sendable func jobJSON(req: Request) async throws -> ImportJobs.Job {
        try req.require(.editIncidents)
        guard let job = req.application.importJobs.job(req.parameters.get("id", as: Int.self), for: try req.user.requireID(), kind: .incidents) else { throw Abort(.notFound) }
        return job
    }

    static func view(_ req: Request, mappingText: String, outcome: ExternalImportCLI.Outcome? = nil, errors: FieldErrors = FieldErrors()) -> Response {
        let L = req.lang
        var result: Node = .empty
        if let o = outcome {
            let counts = L.t("共 \(o.lines) 行：警情 \(o.rows) 起（有坐标 \(o.located) 起），早于起始日期 \(o.skippedBeforeSince) 行、排除值 \(o.skippedValues) 行已跳过。",
                             "\(o.lines) lines: \(o.rows) incidents (\(o.located) with coordinates); \(o.skippedBeforeSince) before the start date and \(o.skippedValues) excluded values skipped.")
            let summary = o.written ? L.t("已导入 \(o.rows) 起警情。", "Imported \(o.rows) incidents.")
                : o.problemList.isEmpty ? L.t("试导入通过，未写入任何数据。", "Dry run passed. Nothing was written.")
                : L.t("发现 \(o.problemList.count) 处问题，未写入任何数据。请修改后重新上传。", "\(o.problemList.count) problem(s) found; nothing was written. Fix them and upload again.")
            let rows: [Node] = o.problemList.prefix(500).map { e in .tr(.td(.class("num"), .text("\(e.line)")), .td(.code(.text(e.field))), .td(.text(e.message))) }
            result = .div(.class("card"), .div(.class(o.problemList.isEmpty ? "alert ok" : "alert error"), .text(summary + " " + counts)),
                          o.problemList.isEmpty ? .empty : .table(.class("data"), .thead(.tr(.th(.class("num"), .text(L.t("行", "Line"))), .th(.text(L.t("字段", "Field"))), .th(.text(L.t("问题", "Problem"))))),
                                                                   .element("tbody", rows)))
        }
        let failed = !errors.isEmpty || !(outcome?.problemList.isEmpty ?? true)
        return .page(req, title: L.t("导入外部警情数据", "Import external incident data"), status: failed ? .unprocessableEntity : .ok,
            AnalysisViews.tabs(req, active: "import", query: ""),
            .h1(.text(L.t("导入外部警情数据（CSV + 列映射）", "Import external incident data (CSV + column mapping)"))),
            Form.errorSummary(req, errors), result,
            .form(.method("post"), .action("/analysis/import"), .attr("enctype", "multipart/form-data"), .class("card"),
                Layout.csrfField(req),
                .p(.class("small muted"), .text(L.t("列映射（JSON）说明城市数据的各列对应平安的哪些字段：日期（前10位为日期）、小时、起始日期、时区、经纬度、小类（值对照表→平安小类代码）、社区（值对照表→区划代码或社区名，找不到时用 default）、地址、描述。任何一行有误则整批不写入。",
                                                  "The JSON mapping says which of the city's columns feed which Pingan field: date (first 10 characters), hour, start date, time zone, coordinates, subcategory (value table → Pingan code), community (value table → division code or name, else `default`), address, description. One bad line and nothing is written."))),
                .div(.class("form"),
                    Form.field(L.t("CSV 文件", "CSV file"), "file", errors, .input(.type("file"), .name("file"), .id("f-file"), .attr("accept", ".csv,text/csv"), .required())),
                    Form.field(L.t("映射文件（JSON，可选）", "Mapping file (JSON, optional)"), "mappingFile", errors, .input(.type("file"), .name("mappingFile"), .id("f-mappingFile"), .attr("accept", ".json,application/json"))),
                    Form.field(L.t("或在此编辑映射", "Or edit the mapping here"), "mapping", errors, wide: true, Form.textarea("mapping", mappingText)),
                    .label(.input(.type("checkbox"), .name("dryRun"), .value("1"), .checked(true)), .text(L.t("仅试导入（检查，不写入）", "Dry run only (check, write nothing)")))),
                .p(.button(.type("submit"), .text(L.t("上传", "Upload"))))))
    }
}
