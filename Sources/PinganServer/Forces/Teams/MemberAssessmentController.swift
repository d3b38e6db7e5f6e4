import Fluent
import Vapor
import PinganKit

/// 队员量化考核: monthly score cards from configurable scoring items.
struct MemberAssessmentController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let a = routes.grouped("forces", "assessment")
        a.get(use: page)
        a.get("export.csv", use: export)
        a.post("entries", use: addEntry)
        a.post("scheme", use: saveScheme)
        let api = routes.grouped("api", "v1", "member-assessment")
        api.get(use: apiCards)
        api.post("entries", use: apiAddEntry)
        api.post("scheme", use: apiSaveScheme)
    }

    func parse(_ req: Request) throws -> (YearMonth, Int?, FieldErrors) {
        var e = FieldErrors()
        let m = MemberAssessmentService.month(req, req.query[String.self, at: "month"], &e)
        var team: Int? = nil
        if let raw = req.query[String.self, at: "team"]?.nilIfEmpty { team = Int(raw); if team == nil { e["team"] = req.t("队伍无效", "Unknown team") } }
        return (m, team, e)
    }

    func render(_ req: Request, entry: AssessmentEntryInput = AssessmentEntryInput(), entryErrors: FieldErrors = FieldErrors(),
                scheme: SchemeInput? = nil, schemeErrors: FieldErrors = FieldErrors()) async throws -> Response {
        let (month, team, e) = try parse(req)
        let d = try await MemberAssessmentService.cards(req, month: month, team: team)
        let teams = try await TeamService.teamDTOs(req, try await TeamService.teamsQuery(req).limit(2000).all())
        let role = try req.user.role
        return MemberAssessmentViews.page(req, d, teams: teams, team: team, filterErrors: e, entry: entry, entryErrors: entryErrors,
                                    scheme: scheme ?? SchemeInput(d.scheme), schemeErrors: schemeErrors,
                                    canEdit: role.can(.editTeams), canConfigure: role.can(.configureStaffing))
    }

    @Sendable func page(req: Request) async throws -> Response {
        try req.require(.viewTeams)
        return try await render(req)
    }

    @Sendable func export(req: Request) async throws -> Response {
        try req.require(.viewTeams)
        let (month, team, e) = try parse(req)
        guard e.isEmpty else { throw e }
        await req.audit("assessment.export", entity: "team", detail: req.url.query ?? "")
        return MemberAssessmentService.csv(req, try await MemberAssessmentService.cards(req, month: month, team: team))
    }

    @Sendable func addEntry(req: Request) async throws -> Response {
        try req.require(.editTeams)
        let input = (try? req.content.decode(AssessmentEntryInput.self)) ?? AssessmentEntryInput()
        do {
            let a = try await MemberAssessmentService.addEntry(req, input)
            return req.redirect(to: "/forces/assessment?month=\(a.month)")
        } catch let e as FieldErrors { return try await render(req, entry: input, entryErrors: e) }
    }

    @Sendable func saveScheme(req: Request) async throws -> Response {
        try req.require(.configureStaffing)
        let input = (try? req.content.decode(SchemeInput.self)) ?? SchemeInput()
        do {
            _ = try await MemberAssessmentService.saveScheme(req, input)
            return req.redirect(to: "/forces/assessment")
        } catch let e as FieldErrors { return try await render(req, scheme: input, schemeErrors: e) }
    }

    /// `?month=2026-03&team=`.
    @Sendable func apiCards(req: Request) async throws -> AssessmentDTO {
        try req.require(.viewTeams)
        let (month, team, e) = try parse(req)
        guard e.isEmpty else { throw e }
        return try await MemberAssessmentService.cards(req, month: month, team: team)
    }

    @Sendable func apiAddEntry(req: Request) async throws -> Response {
        let a = try await MemberAssessmentService.addEntry(req, (try? req.content.decode(AssessmentEntryInput.self)) ?? AssessmentEntryInput())
        return try await MemberAssessmentService.cards(req, month: YearMonth(a.month)!, team: nil).encodeResponse(status: .created, for: req)
    }

    /// Takes the form's text shape: `items` "id|name|points|cap" lines, `grades` "minimum|label" lines, `baseScore`, `minimumScore`, `maximumScore`.
    struct SchemeBody: Content { var scheme: AssessmentScheme }
    @Sendable func apiSaveScheme(req: Request) async throws -> SchemeBody {
        SchemeBody(scheme: try await MemberAssessmentService.saveScheme(req, (try? req.content.decode(SchemeInput.self)) ?? SchemeInput()))
    }
}

enum MemberAssessmentViews {
    static func num(_ v: Double) -> String { v == v.rounded() ? String(Int(v)) : Decimals.format(v, places: 2) }

    static func page(_ req: Request, _ d: AssessmentDTO, teams: [TeamDTO], team: Int?, filterErrors: FieldErrors, entry: AssessmentEntryInput, entryErrors: FieldErrors,
                     scheme: SchemeInput, schemeErrors: FieldErrors, canEdit: Bool, canConfigure: Bool) -> Response {
        let L = req.lang
        let title = L.t("队员量化考核", "Member assessment") + " · " + d.month
        let q = req.url.query.map { "?" + $0 } ?? ""
        let table: Node = d.cards.isEmpty ? TeamViews.empty(L.t("没有在册队员。", "No members on the rolls."))
            : .table(.class("data"), .thead(.tr(.group([.th(.class("num"), .text(L.t("名次", "Rank"))), .th(.text(L.t("队员", "Member"))), .th(.text(L.t("队伍", "Team")))]
                                                        + d.scheme.items.map { .th(.class("num"), .text(L.stored($0.name))) }
                                                        + [.th(.class("num"), .text(L.t("总分", "Total"))), .th(.text(L.t("等次", "Grade")))]))),
                     .element("tbody", d.cards.map { c in
                         .tr(.group([.td(.class("num"), .text("\(c.card.rank)")), .td(.text(c.name)), .td(.text(c.teamName ?? ""))]
                                    + c.card.lines.map { l in .td(.class("num"), .text(l.quantity == 0 ? "—" : num(l.points) + (l.capped ? "*" : ""))) }
                                    + [.td(.class("num"), .strong(.text(num(c.card.total)))), .td(.text(c.card.grade.map(L.stored) ?? ""))]))
                     }))
        let manual = d.scheme.items.filter { $0.id != "patrol_hours" && $0.id != "training" }
        let entryForm: Node = canEdit ? .form(.method("post"), .action("/forces/assessment/entries"), .class("card no-print"), Layout.csrfField(req),
            .h2(.text(L.t("登记考核事项", "Record an item"))), Form.errorSummary(req, entryErrors),
            .div(.class("form"),
                Form.field(L.t("月份", "Month"), "month", entryErrors, Form.input("month", entry.month ?? d.month, type: "month")),
                Form.field(L.t("队员", "Member"), "memberID", entryErrors, Form.select("memberID", d.cards.map { ("\($0.memberID)", "\($0.name)（\($0.teamName ?? "")）") }, selected: entry.memberID, blank: L.t("请选择", "Choose"))),
                Form.field(L.t("考核项目", "Item"), "itemID", entryErrors, Form.select("itemID", manual.map { ($0.id, "\(L.stored($0.name))（\(num($0.pointsPerUnit))）") }, selected: entry.itemID, blank: L.t("请选择", "Choose"))),
                Form.field(L.t("数量", "Quantity"), "quantity", entryErrors, Form.input("quantity", entry.quantity ?? "1", type: "number", extra: .attr("step", "any"))),
                Form.field(L.t("说明", "Note"), "note", entryErrors, wide: true, Form.input("note", entry.note))),
            .p(.button(.type("submit"), .text(L.t("保存", "Save"))))) : .empty
        let schemeForm: Node = canConfigure ? .details(.class("card no-print"), .summary(.text(L.t("考核标准设置", "Scoring scheme"))),
            .form(.method("post"), .action("/forces/assessment/scheme"), Layout.csrfField(req), Form.errorSummary(req, schemeErrors),
                .div(.class("form"),
                    Form.field(L.t("基础分", "Base score"), "baseScore", schemeErrors, Form.input("baseScore", scheme.baseScore)),
                    Form.field(L.t("最低分", "Minimum"), "minimumScore", schemeErrors, Form.input("minimumScore", scheme.minimumScore)),
                    Form.field(L.t("最高分", "Maximum"), "maximumScore", schemeErrors, Form.input("maximumScore", scheme.maximumScore)),
                    Form.field(L.t("考核项目（每行：编号|名称|每单位分值|上限）", "Items (one per line: id|name|points per unit|cap)"), "items", schemeErrors, wide: true,
                               hint: L.t("patrol_hours、training 两项按巡逻排班和培训记录自动计算；扣分项分值为负；名称和等次可写作“中文 / English”，页面按语言显示",
                                         "patrol_hours and training are computed from rosters and training; deductions are negative; names and grades may read “中文 / English”, pages show one"),
                               Form.textarea("items", scheme.items)),
                    Form.field(L.t("等次（每行：最低分|等次，最低一档写 -）", "Grades (minimum|label, - for the lowest)"), "grades", schemeErrors, wide: true, Form.textarea("grades", scheme.grades))),
                .p(.button(.type("submit"), .text(L.t("保存标准", "Save scheme")))))) : .empty
        return TeamViews.page(req, title: title, active: "/forces/assessment", status: entryErrors.isEmpty && schemeErrors.isEmpty ? .ok : .unprocessableEntity,
            .div(.class("toolbar"), .h1(.text(title)),
                 .a(.class("btn secondary"), .href("/forces/assessment/export.csv" + q), .text(L.t("导出 CSV", "Export CSV"))),
                 .button(.type("button"), .class("btn secondary no-print"), .attr("data-print", "1"), .text(L.t("打印", "Print")))),
            StaffingViews.alert(req, filterErrors),
            .form(.method("get"), .action("/forces/assessment"), .class("filters no-print"),
                .label(.text(L.t("月份", "Month")), Form.input("month", d.month, type: "month")),
                .label(.text(L.t("队伍", "Team")), Form.select("team", teams.map { ("\($0.id)", $0.name) }, selected: team.map { "\($0)" }, blank: L.t("全部", "All"))),
                .button(.type("submit"), .text(L.t("查询", "Search")))),
            .p(.class("muted small"), .text(L.t("基础分 \(num(d.scheme.baseScore))，各项得分 = 数量 × 每单位分值（* 表示已达上限）。", "Base \(num(d.scheme.baseScore)); each item scores quantity × points per unit (* = capped)."))),
            table, entryForm, schemeForm)
    }
}
