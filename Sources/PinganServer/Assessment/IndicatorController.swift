import Fluent
import Vapor
import PinganKit

/// The district's indicator framework: an admin page (edit in place, download the JSON config, upload one,
/// restore the defaults) and `GET/PUT /api/v1/assessment/indicators`. Anyone who may view the assessment
/// may read it; changing it needs `manageAssessment` and is audited with the whole new configuration.
struct IndicatorController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get("assessment", "indicators", use: page)
        routes.post("assessment", "indicators", use: saveForm)
        routes.get("assessment", "indicators.json", use: download)
        routes.on(.POST, "assessment", "indicators", "import", body: .collect(maxSize: "1mb"), use: upload)
        routes.post("assessment", "indicators", "reset", use: reset)
        routes.get("api", "v1", "assessment", "indicators", use: api)
        routes.put("api", "v1", "assessment", "indicators", use: apiSave)
    }

    @Sendable func page(req: Request) async throws -> Response {
        try req.require(.viewAssessment)
        let f = try await IndicatorService.framework(req.db)
        return IndicatorViews.page(req, IndicatorForm(f), errors: FieldErrors(), canEdit: try req.user.role.can(.manageAssessment))
    }

    @Sendable func saveForm(req: Request) async throws -> Response {
        try req.require(.manageAssessment)
        let raw = try req.content.decode([String: String].self)
        let form = IndicatorForm(raw)
        do {
            try await IndicatorService.save(req, try form.framework(req))
            return req.redirect(to: "/assessment/indicators?saved=1")
        } catch let e as FieldErrors {
            return IndicatorViews.page(req, form, errors: IndicatorForm.formErrors(e), canEdit: true)
        }
    }

    @Sendable func download(req: Request) async throws -> Response {
        try req.require(.viewAssessment)
        let json = IndicatorService.encode(try await IndicatorService.framework(req.db), pretty: true)
        let res = Response(status: .ok, body: .init(string: json + "\n"))
        res.headers.contentType = .json
        res.headers.replaceOrAdd(name: .contentDisposition, value: "attachment; filename=\"pingan-indicators.json\"")
        return res
    }

    struct Upload: Content { var file: File? }

    @Sendable func upload(req: Request) async throws -> Response {
        try req.require(.manageAssessment)
        let current = IndicatorForm(try await IndicatorService.framework(req.db))
        guard let file = try req.content.decode(Upload.self).file, file.data.readableBytes > 0 else {
            return IndicatorViews.page(req, current, errors: FieldErrors(["file": req.t("请选择 JSON 配置文件", "Choose a JSON configuration file")]), canEdit: true)
        }
        do {
            let f = try IndicatorService.decode(req, Data(buffer: file.data), field: "file")
            try await IndicatorService.save(req, f, action: "assessment.indicators.import")
            return req.redirect(to: "/assessment/indicators?saved=1")
        } catch let e as FieldErrors {
            // Problems inside the file are listed under the upload field: the form still shows what is stored.
            let listed = e.fields.keys.sorted().map { "\($0): \(e.fields[$0]!)" }.joined(separator: "；")
            return IndicatorViews.page(req, current, errors: FieldErrors(["file": req.t("文件未导入（未作任何修改）：", "Not imported (nothing changed): ") + listed]), canEdit: true)
        }
    }

    @Sendable func reset(req: Request) async throws -> Response {
        try req.require(.manageAssessment)
        try await IndicatorService.save(req, .defaults, action: "assessment.indicators.reset")
        return req.redirect(to: "/assessment/indicators?saved=1")
    }

    @Sendable func api(req: Request) async throws -> IndicatorFramework {
        try req.require(.viewAssessment)
        return try await IndicatorService.framework(req.db)
    }

    @Sendable func apiSave(req: Request) async throws -> IndicatorFramework {
        try req.require(.manageAssessment)
        guard let buf = req.body.data, buf.readableBytes > 0 else { throw FieldErrors(["body": req.t("请求体为空：应为指标配置 JSON", "Empty body: send the indicator configuration as JSON")]) }
        let f = try IndicatorService.decode(req, Data(buffer: buf), field: "body")
        try await IndicatorService.save(req, f)
        return f
    }
}

/// The framework as the admin form shows it: shares and changes in percent, one row per metric (the
/// configured ones in their order, then the rest switched off so they can be added).
struct IndicatorForm {
    struct Row { var metric: IndicatorMetric; var enabled: Bool; var name: String; var direction: String; var target: String; var zero: String; var weight: String }
    var rows: [Row]
    var hotGridShare: String
    var hotGridMonths: String

    static func percentLike(_ m: IndicatorMetric) -> Bool { m.unit == .share || m.unit == .change }
    static func show(_ x: Double, _ m: IndicatorMetric) -> String { String(format: "%g", percentLike(m) ? (x * 100 * 1e6).rounded() / 1e6 : x) }

    init(_ f: IndicatorFramework) {
        var rows = f.indicators.map { d in
            Row(metric: d.metric, enabled: d.enabled, name: d.name, direction: d.direction.rawValue, target: Self.show(d.target, d.metric), zero: Self.show(d.zero, d.metric), weight: String(format: "%g", d.weight))
        }
        for m in IndicatorMetric.allCases where !f.indicators.contains(where: { $0.metric == m }) {
            let d = IndicatorFramework.defaults.indicators.first { $0.metric == m }!
            rows.append(Row(metric: m, enabled: false, name: "", direction: d.direction.rawValue, target: Self.show(d.target, m), zero: Self.show(d.zero, m), weight: "0"))
        }
        self.rows = rows
        hotGridShare = String(format: "%g", (f.hotGridShare * 100 * 1e6).rounded() / 1e6)
        hotGridMonths = "\(f.hotGridMonths)"
    }

    init(_ raw: [String: String]) {
        var rows: [Row] = []
        var i = 0
        while let m = raw["i\(i)_metric"] {
            if let metric = IndicatorMetric(rawValue: m) {
                rows.append(Row(metric: metric, enabled: raw["i\(i)_enabled"] != nil, name: (raw["i\(i)_name"] ?? "").trimmed, direction: raw["i\(i)_direction"] ?? "",
                                target: (raw["i\(i)_target"] ?? "").trimmed, zero: (raw["i\(i)_zero"] ?? "").trimmed, weight: (raw["i\(i)_weight"] ?? "").trimmed))
            }
            i += 1
        }
        self.rows = rows
        hotGridShare = (raw["hotGridShare"] ?? "").trimmed
        hotGridMonths = (raw["hotGridMonths"] ?? "").trimmed
    }

    /// Parses the numbers (field errors named like the form: `i3_target`), then the framework's own checks.
    func framework(_ req: Request) throws -> IndicatorFramework {
        var e = FieldErrors()
        func number(_ s: String, _ key: String) -> Double? {
            guard let x = Double(s.replacingOccurrences(of: "%", with: "").replacingOccurrences(of: "％", with: "")), x.isFinite else {
                e[key] = req.t("应为数字", "Must be a number"); return nil
            }
            return x
        }
        var defs: [IndicatorDefinition] = []
        for (i, r) in rows.enumerated() {
            let scale = Self.percentLike(r.metric) ? 0.01 : 1
            let t = number(r.target, "i\(i)_target"), z = number(r.zero, "i\(i)_zero"), w = number(r.weight, "i\(i)_weight")
            guard let dir = IndicatorDirection(rawValue: r.direction) else { e["i\(i)_direction"] = req.t("请选择方向", "Choose a direction"); continue }
            if let t, let z, let w { defs.append(IndicatorDefinition(r.metric, name: r.name, direction: dir, target: t * scale, zero: z * scale, weight: w, enabled: r.enabled)) }
        }
        let share = number(hotGridShare, "hotGridShare").map { $0 / 100 }
        let months = Int(hotGridMonths)
        if months == nil { e["hotGridMonths"] = req.t("应为整数", "Must be a whole number") }
        guard e.isEmpty, let share, let months else { throw e }
        let f = IndicatorFramework(indicators: defs, hotGridShare: share, hotGridMonths: months)
        let problems = IndicatorService.problems(req, f)
        if !problems.isEmpty { throw Self.formErrors(problems) }
        return f
    }

    /// `indicators.3.target` → `i3_target` (the form's field names); others unchanged.
    static func formErrors(_ e: FieldErrors) -> FieldErrors {
        var out = FieldErrors()
        for (k, v) in e.fields {
            let parts = k.split(separator: ".")
            if parts.count == 3, parts[0] == "indicators", let i = Int(parts[1]) { out["i\(i)_\(parts[2] == "metric" ? "name" : parts[2])"] = v } else { out[k] = v }
        }
        return out
    }
}

enum IndicatorViews {
    static func page(_ req: Request, _ f: IndicatorForm, errors: FieldErrors, canEdit: Bool) -> Response {
        let L = req.lang
        let title = L.t("考核指标", "Assessment indicators")
        let saved = req.query[String.self, at: "saved"] == "1" && errors.isEmpty
        func unit(_ m: IndicatorMetric) -> String {
            switch m.unit {
            case .share, .change: "%"
            case .per10k: L.t("件/万人", "per 10k")
            case .points: L.t("分", "points")
            }
        }
        func cell(_ name: String, _ value: String, width: String = "6em") -> Node {
            .td(errors[name] != nil ? .class("has-error") : .empty,
                .input(.type("text"), .name(name), .id("f-" + name), .value(value), .attr("inputmode", "decimal"), .attr("style", "width:\(width)"),
                       .attr("aria-label", name)),
                .if(errors[name] != nil, .div(.class("field-error"), .attr("role", "alert"), .text(errors[name] ?? ""))))
        }
        let rows: [Node] = f.rows.enumerated().map { i, r in
            .tr(.td(.input(.type("hidden"), .name("i\(i)_metric"), .value(r.metric.rawValue)),
                    .input(.type("checkbox"), .name("i\(i)_enabled"), .value("1"), .attr("aria-label", L.t("启用", "Enabled")), r.enabled ? .attr("checked", "checked") : .empty)),
                .td(.strong(.text(L.isEnglish ? r.metric.englishName : r.metric.chineseName)), .div(.class("small muted"), .text(r.metric.rawValue + " · " + unit(r.metric)))),
                cell("i\(i)_name", r.name, width: "10em"),
                .td(errors["i\(i)_direction"] != nil ? .class("has-error") : .empty,
                    Form.select("i\(i)_direction", [("higher", L.t("越高越好", "Higher is better")), ("lower", L.t("越低越好", "Lower is better"))], selected: r.direction),
                    .if(errors["i\(i)_direction"] != nil, .div(.class("field-error"), .text(errors["i\(i)_direction"] ?? "")))),
                cell("i\(i)_target", r.target), cell("i\(i)_zero", r.zero), cell("i\(i)_weight", r.weight, width: "4em"))
        }
        let table: Node = .div(.class("scroll"), .table(.class("data"),
            .thead(.tr(.th(.text(L.t("启用", "On"))), .th(.text(L.t("指标（计算口径）", "Indicator (computed from)"))), .th(.text(L.t("本区名称（可空）", "Local name (optional)"))),
                       .th(.text(L.t("方向", "Direction"))), .th(.text(L.t("目标值（满分）", "Target (full marks)"))), .th(.text(L.t("零分线", "Zero point"))),
                       .th(.text(L.t("权重", "Weight"))))),
            .element("tbody", rows)))
        let settings: Node = .div(.class("form"),
            Form.field(L.t("热点网格：全区网格中案件最多的前（%）", "Hot grids: top share of the district's grids by cases (%)"), "hotGridShare", errors, Form.input("hotGridShare", f.hotGridShare, required: true)),
            Form.field(L.t("热点网格按前几个月的可防性案件确定", "Hot grids from preventable cases of the previous months"), "hotGridMonths", errors, Form.input("hotGridMonths", f.hotGridMonths, type: "number", required: true)))
        let definitions: Node = .details(.summary(.text(L.t("各指标的计算口径", "How each indicator is computed"))),
            .ul(.forEach(IndicatorMetric.allCases) { m in .li(.strong(.text(L.isEnglish ? m.englishName : m.chineseName)), .text(" — " + explain(L, m))) }))
        return .page(req, title: title, status: errors.isEmpty ? .ok : .unprocessableEntity,
            AssessmentViews.tabs(req, active: "/assessment/indicators"),
            AssessmentViews.toolbar(req, title, csv: nil),
            saved ? .div(.class("alert ok"), .attr("role", "status"), .text(L.t("已保存。每月通报按新指标计算。", "Saved. The monthly publication now scores these indicators."))) : .empty,
            .p(.class("small muted"), .text(L.t("每项指标按记录的数据计算；得分 = 100 ×（实际值 − 零分线）÷（目标值 − 零分线），限 0–100；总分为启用指标得分的加权平均。比例与变化率按百分数填写。JSON：GET/PUT /api/v1/assessment/indicators。",
                                               "Each indicator is computed from recorded data; score = 100 × (value − zero) ÷ (target − zero), clamped to 0–100; the total is the weighted mean of the enabled indicators. Shares and changes in percent. JSON: GET/PUT /api/v1/assessment/indicators."))),
            .p(.class("no-print"), .a(.href("/assessment/indicators.json"), .class("button secondary"), .text(L.t("下载配置文件（JSON）", "Download configuration (JSON)"))), .text(" "),
               .a(.href("/assessment/publication"), .text(L.t("查看本月通报 →", "See this month's publication →")))),
            canEdit ? .form(.method("post"), .action("/assessment/indicators"), .class("card"), Layout.csrfField(req), Form.errorSummary(req, errors.fields["file"] == nil ? errors : FieldErrors()),
                            table, settings, .p(.button(.type("submit"), .text(L.t("保存", "Save")))))
                    : .fieldset(.attr("disabled", "disabled"), table, settings),
            definitions,
            canEdit ? .section(.class("no-print"),
                .h2(.text(L.t("导入配置文件", "Import a configuration file"))),
                .form(.method("post"), .action("/assessment/indicators/import"), .attr("enctype", "multipart/form-data"), .class("card"), Layout.csrfField(req),
                      .div(.class("form"), Form.field(L.t("JSON 文件（格式同“下载配置文件”）", "JSON file (as downloaded above)"), "file", errors, wide: true,
                                                      .input(.type("file"), .name("file"), .id("f-file"), .attr("accept", ".json,application/json")))),
                      .p(.button(.type("submit"), .text(L.t("导入并替换", "Import and replace"))))),
                .form(.method("post"), .action("/assessment/indicators/reset"), Layout.csrfField(req),
                      .button(.type("submit"), .class("secondary"), .text(L.t("恢复默认指标", "Restore the default indicators"))))) : .empty)
    }

    static func explain(_ L: Lang, _ m: IndicatorMetric) -> String {
        switch m {
        case .officersInPlace: L.t("在岗社区民警 ÷ 警力配置标准测算的应配人数（已结束的月份按该月编制快照，本月按当前配备）", "community officers in place ÷ required by the staffing rules (a past month: its staffing snapshot; this month: current staffing)")
        case .officesSetUp: L.t("已建警务室 ÷ 应建数（警力配置标准）", "police offices in place ÷ required by the staffing rules")
        case .patrolsDone: L.t("本月（截至今天）巡逻计划中已填写巡逻记录的 ÷ 计划数（已取消的计划不计）", "patrol plans of the month up to today with a patrol log ÷ plans (cancelled plans left out)")
        case .hotGridPatrolShare: L.t("本月巡逻时长中在热点网格的占比（多网格的巡逻按网格数均分）", "share of the month's patrol time in hot grids (time split evenly over a log's grids)")
        case .portalAnsweredInTime: L.t("本月到期（截至现在）的网上求助中在期限内首次答复的 ÷ 到期数", "portal requests due in the month (up to now) first answered by their due time ÷ due")
        case .ledgersComplete: L.t("本月四查记录“档案齐全”的包片干部 ÷ 在册包片干部", "cadres whose 四查 record of the month says records complete ÷ active cadres")
        case .preventablePer10k: L.t("本月可防性案件 ÷ 常住人口 × 10000", "preventable cases of the month ÷ resident population × 10,000")
        case .preventableChange: L.t("（本月 − 上月）÷ 上月；上月为 0 时不适用", "(this month − last month) ÷ last month; n/a when last month had none")
        case .preventableChangeYoY: L.t("（本月 − 去年同月）÷ 去年同月；去年同月为 0 时不适用", "against the same month last year; n/a when it had none")
        case .clearance: L.t("本月立案的可防性案件破案率，向全区水平修匀（经验贝叶斯）", "clearance of the month's filed preventable cases shrunk toward the district rate (empirical Bayes)")
        case .mediationSuccess: L.t("本月调结纠纷中达成协议的 ÷（协议 + 调解不成），撤回不计", "disputes closed with an agreement ÷ closed with agreement or failure (withdrawals excluded)")
        case .perception: L.t("本月测评中感到安全的比例（无测评时取全区比例）", "share feeling safe in the month's surveys (district share when none)")
        case .compositeIndex: L.t("综合平安指数（案件实际/预期、修匀破案率、安全感，0–100）", "the composite safety index (crime O/E, shrunk clearance, perception; 0–100)")
        case .gridEventsOnTime: L.t("本月到期（截至现在）的网格事件中在时限内处置反馈的 ÷ 到期数，按事件所在社区计入派出所", "grid events due in the month (up to now) handled by their deadline ÷ due, counted to the station of the event's community")
        case .gridEventsClosed: L.t("本月立案的网格事件中已结案的 ÷ 立案数", "grid events registered in the month and closed ÷ registered")
        case .gridEventsRework: L.t("本月处置反馈的网格事件中核查不通过返工过的 ÷ 处置数", "grid events handled in the month that were reworked after a failed verification ÷ handled")
        }
    }
}
extension IndicatorFramework: Content {}
