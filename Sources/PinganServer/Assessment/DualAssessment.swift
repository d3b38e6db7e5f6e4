import Fluent
import Vapor
import PinganKit

/// Dual assessment (双重考核, seed 002): a community officer is scored each month by the police station (派出所)
/// and by the community's governance office (综治办); the two combine with configurable weights. Officers in
/// turn score the grid workers of their community. Every score is a manual score: validated and audited.
enum ScoreKind: String, Codable, CaseIterable {
    case station      // 派出所考核 (station chief)
    case governance   // 综治办考核 (district command / governance office)
    case officer      // 社区民警对网格员的考核

    var nameZh: String { switch self { case .station: "派出所评分"; case .governance: "综治办评分"; case .officer: "民警评分" } }
    var nameEn: String { switch self { case .station: "Station"; case .governance: "Governance office"; case .officer: "Officer" } }
}

final class PersonnelScore: Model, @unchecked Sendable {
    static let schema = "personnel_scores"
    @ID(custom: "id", generatedBy: .database) var id: Int?
    @Field(key: "subject_id") var subjectID: Int
    @Field(key: "month") var month: String
    @Field(key: "kind") var kind: ScoreKind
    @Field(key: "score") var score: Int
    @Field(key: "note") var note: String
    @Field(key: "scorer_id") var scorerID: Int
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    init() {}
}

struct CreatePersonnelScores: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema("personnel_scores")
            .field("id", .int, .identifier(auto: true))
            .field("subject_id", .int, .required, .references("users", "id"))
            .field("month", .string, .required)
            .field("kind", .string, .required)
            .field("score", .int, .required)
            .field("note", .string, .required)
            .field("scorer_id", .int, .required, .references("users", "id"))
            .field("created_at", .datetime)
            .unique(on: "subject_id", "month", "kind")
            .create()
    }
    func revert(on db: any Database) async throws { try await db.schema("personnel_scores").delete() }
}

struct ScoreInput: Content {
    var subjectID: String?, month: String?, kind: String?, score: String?, note: String?
    init() {}
    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: AnyKey.self)
        subjectID = c.loose(AnyKey("subjectID")); month = c.loose(AnyKey("month")); kind = c.loose(AnyKey("kind")); score = c.loose(AnyKey("score")); note = c.loose(AnyKey("note"))
    }
}

struct DualRow: Content {
    var userID: Int; var name: String; var role: Role; var area: String
    var station: Int?; var governance: Int?; var officer: Int?
    /// station × w + governance × (1 − w) when both are in; nil otherwise.
    var combined: Double?
}

struct DualReport: Content { var month: String; var stationWeight: Double; var officers: [DualRow]; var gridWorkers: [DualRow] }

enum DualService {
    /// Which kind of score the user's role gives (admins choose).
    static func kinds(for role: Role) -> [ScoreKind] {
        switch role {
        case .admin: ScoreKind.allCases
        case .stationChief: [.station]
        case .districtCommand: [.governance]
        case .communityOfficer: [.officer]
        default: []
        }
    }

    /// Community officers and grid workers in the user's scope, with the name of their area.
    static func subjects(_ req: Request) async throws -> [(user: User, area: String, community: Int)] {
        let scope = try await req.scope()
        let users = try await User.query(on: req.db).filter(\.$role ~~ [.communityOfficer, .gridWorker]).filter(\.$active == true).filter(\.$scopeDivisionID != nil).sort(\.$id).all()
        let divIDs = Array(Set(users.compactMap(\.scopeDivisionID)))
        let divs = divIDs.isEmpty ? [] : try await Division.query(on: req.db).filter(\.$id ~~ divIDs).all()
        let byID = Dictionary(uniqueKeysWithValues: divs.map { ($0.id!, $0) })
        return users.compactMap { u in
            guard let d = byID[u.scopeDivisionID!] else { return nil }
            let community = d.level == .grid ? (d.communityID ?? -1) : d.id!
            guard scope.allows(community: community, grid: d.level == .grid ? d.id : nil) || (u.role == .communityOfficer && scope.allowsWholeCommunity(community)) else { return nil }
            return (u, d.name, community)
        }
    }

    static func report(_ req: Request, month: YearMonth) async throws -> DualReport {
        let rules = try await AssessmentRun.rules(req.db)
        let subjects = try await subjects(req)
        let ids = subjects.map { $0.user.id! }
        var scores: [Int: [ScoreKind: Int]] = [:]
        if !ids.isEmpty {
            for s in try await PersonnelScore.query(on: req.db).filter(\.$month == month.description).filter(\.$subjectID ~~ ids).all() { scores[s.subjectID, default: [:]][s.kind] = s.score }
        }
        let w = rules.dualStationWeight
        let rows = subjects.map { s -> DualRow in
            let sc = scores[s.user.id!] ?? [:]
            let combined: Double? = { if let a = sc[.station], let b = sc[.governance] { return w * Double(a) + (1 - w) * Double(b) }; return nil }()
            return DualRow(userID: s.user.id!, name: s.user.displayName, role: s.user.role, area: s.area, station: sc[.station], governance: sc[.governance], officer: sc[.officer], combined: combined)
        }
        return DualReport(month: month.description, stationWeight: w, officers: rows.filter { $0.role == .communityOfficer }, gridWorkers: rows.filter { $0.role == .gridWorker })
    }

    static func create(_ req: Request, _ input: ScoreInput) async throws -> PersonnelScore {
        try req.require(.scorePersonnel)
        let L = req.lang
        let me = try req.user
        var e = FieldErrors()
        let allowed = kinds(for: me.role)
        var kind: ScoreKind? = allowed.count == 1 ? allowed[0] : nil
        if let raw = input.kind?.nilIfEmpty { kind = ScoreKind(rawValue: raw).flatMap { allowed.contains($0) ? $0 : nil } }
        if kind == nil { e["kind"] = L.t("您的角色不能给出这类评分", "Your role does not give this kind of score") }
        var subject: (user: User, area: String, community: Int)? = nil
        if let raw = input.subjectID?.nilIfEmpty, let id = Int(raw) { subject = try await subjects(req).first { $0.user.id == id } }
        if subject == nil { e["subjectID"] = L.t("辖区内没有该人员", "No such person in your jurisdiction") }
        else if let kind, let s = subject {
            // The station and the governance office score community officers; officers score grid workers.
            if (kind == .officer) != (s.user.role == .gridWorker) {
                e["subjectID"] = kind == .officer ? L.t("民警评分对象应为网格员", "Officers score grid workers") : L.t("该项评分对象应为社区民警", "This score is for community officers")
            }
        }
        let month = input.month?.nilIfEmpty.flatMap(YearMonth.init)
        if month == nil || !(2000...2100).contains(month!.year) { e["month"] = L.t("月份格式应为 2026-03", "Use a month like 2026-03") }
        let score = input.score?.trimmed.nilIfEmpty.flatMap { Int($0) }
        if score == nil || !(0...100).contains(score!) { e["score"] = L.t("请填写 0–100 的分数", "Enter a score 0–100") }
        let note = (input.note ?? "").trimmed
        if note.count > 500 { e["note"] = L.t("不能超过500字", "At most 500 characters") }
        if let s = subject, let kind, let month, e.isEmpty,
           try await PersonnelScore.query(on: req.db).filter(\.$subjectID == s.user.id!).filter(\.$month == month.description).filter(\.$kind == kind).count() > 0 {
            e["month"] = L.t("本月已有该项评分", "Already scored for this month")
        }
        guard e.isEmpty, let s = subject, let kind, let month, let score else { throw e }
        let r = PersonnelScore()
        r.subjectID = s.user.id!; r.month = month.description; r.kind = kind; r.score = score; r.note = note; r.scorerID = try me.requireID()
        try await req.db.transaction { db in
            try await r.create(on: db)
            await req.audit("personnel.score", entity: "personnel_score", id: r.id.map(String.init), detail: "subject=\(s.user.id!) month=\(month) kind=\(kind.rawValue) score=\(score)", on: db)
        }
        return r
    }
}

struct DualController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get("assessment", "dual", use: page)
        routes.post("assessment", "dual", use: create)
        routes.get("api", "v1", "assessment", "dual", use: api)
        routes.post("api", "v1", "assessment", "dual", use: createAPI)
    }

    func render(_ req: Request, input: ScoreInput = ScoreInput(), errors: FieldErrors = FieldErrors()) async throws -> Response {
        var fe = FieldErrors()
        let month = AssessmentService.month(req, errors: &fe)
        let r = try await DualService.report(req, month: month)
        let me = try req.user
        let kinds = me.role.can(.scorePersonnel) ? DualService.kinds(for: me.role) : []
        return DualViews.page(req, r, subjects: kinds.isEmpty ? [] : try await DualService.subjects(req), kinds: kinds, input: input, errors: errors, filterErrors: fe)
    }

    @Sendable func page(req: Request) async throws -> Response {
        try req.require(.viewAssessment)
        return try await render(req)
    }

    @Sendable func create(req: Request) async throws -> Response {
        try req.require(.scorePersonnel)
        let input = try req.content.decode(ScoreInput.self)
        do {
            let s = try await DualService.create(req, input)
            return req.redirect(to: "/assessment/dual?month=\(s.month)")
        } catch let e as FieldErrors {
            return try await render(req, input: input, errors: e)
        }
    }

    @Sendable func api(req: Request) async throws -> DualReport {
        try req.require(.viewAssessment)
        return try await DualService.report(req, month: try AssessmentService.month(req))
    }

    struct Created: Content { var id: Int; var subjectID: Int; var month: String; var kind: ScoreKind; var score: Int }
    @Sendable func createAPI(req: Request) async throws -> Response {
        try req.require(.scorePersonnel)
        let s = try await DualService.create(req, try req.content.decode(ScoreInput.self))
        return try await Created(id: s.id!, subjectID: s.subjectID, month: s.month, kind: s.kind, score: s.score).encodeResponse(status: .created, for: req)
    }
}

enum DualViews {
    static func page(_ req: Request, _ r: DualReport, subjects: [(user: User, area: String, community: Int)], kinds: [ScoreKind],
                     input: ScoreInput, errors: FieldErrors, filterErrors: FieldErrors) -> Response {
        let L = req.lang
        let title = L.t("社区民警双重考核 \(r.month)", "Dual assessment of community officers \(r.month)")
        func n(_ v: Int?) -> String { v.map(String.init) ?? "—" }
        let officers: [Node] = r.officers.map { o in
            .tr(.td(.text(o.name)), .td(.text(o.area)), .td(.class("num"), .text(n(o.station))), .td(.class("num"), .text(n(o.governance))),
                .td(.class("num"), .strong(.text(o.combined.map { Decimals.format($0, places: 1) } ?? "—"))))
        }
        let workers: [Node] = r.gridWorkers.map { g in .tr(.td(.text(g.name)), .td(.text(g.area)), .td(.class("num"), .text(n(g.officer)))) }
        let form: Node = kinds.isEmpty ? .empty
            : .form(.method("post"), .action("/assessment/dual"), .class("card no-print"), Layout.csrfField(req), .h2(.text(L.t("录入评分", "Enter a score"))),
                    Form.errorSummary(req, errors),
                    .div(.class("form"),
                         Form.field(L.t("被考核人", "Person"), "subjectID", errors,
                                    Form.select("subjectID", subjects.map { ("\($0.user.id!)", $0.user.displayName + " · " + $0.area + " · " + L.t($0.user.role.nameZh, $0.user.role.nameEn)) },
                                                selected: input.subjectID, blank: L.t("请选择", "Choose…"), required: true)),
                         Form.field(L.t("评分类别", "Kind"), "kind", errors, Form.select("kind", kinds.map { ($0.rawValue, L.t($0.nameZh, $0.nameEn)) }, selected: input.kind)),
                         Form.field(L.t("月份", "Month"), "month", errors, Form.input("month", input.month ?? r.month, type: "month", required: true)),
                         Form.field(L.t("分数（0–100）", "Score (0–100)"), "score", errors, Form.input("score", input.score, type: "number", required: true)),
                         Form.field(L.t("说明", "Note"), "note", errors, wide: true, Form.textarea("note", input.note))),
                    .p(.button(.type("submit"), .text(L.t("保存", "Save")))))
        let w = Int((r.stationWeight * 100).rounded())
        return .page(req, title: title, status: errors.isEmpty && filterErrors.isEmpty ? .ok : .unprocessableEntity,
            AssessmentViews.tabs(req, active: "/assessment/dual"),
            AssessmentViews.toolbar(req, title, csv: nil),
            StaffingViews.alert(req, filterErrors),
            AssessmentViews.monthFilter(req, action: "/assessment/dual", month: r.month),
            .p(.class("small muted"), .text(L.t("综合分 = 派出所评分 × \(w)% + 综治办评分 × \(100 - w)%（权重见考核规则）；两项齐全才计算。",
                                               "Combined = station × \(w)% + governance office × \(100 - w)% (weights in the rules); computed when both are in."))),
            officers.isEmpty ? .div(.class("empty"), .text(L.t("辖区内没有社区民警。", "No community officers in your jurisdiction.")))
                : .table(.class("data"), .thead(.tr(.th(.text(L.t("社区民警", "Officer"))), .th(.text(L.t("社区", "Community"))), .th(.class("num"), .text(L.t("派出所评分", "Station"))),
                                                   .th(.class("num"), .text(L.t("综治办评分", "Governance office"))), .th(.class("num"), .text(L.t("综合分", "Combined"))))),
                         .element("tbody", officers)),
            .h2(.text(L.t("网格员（民警评分）", "Grid workers (scored by officers)"))),
            workers.isEmpty ? .div(.class("empty"), .text(L.t("辖区内没有网格员账号。", "No grid-worker accounts in your jurisdiction.")))
                : .table(.class("data"), .thead(.tr(.th(.text(L.t("网格员", "Grid worker"))), .th(.text(L.t("网格", "Grid"))), .th(.class("num"), .text(L.t("民警评分", "Officer's score"))))),
                         .element("tbody", workers)),
            form)
    }
}
