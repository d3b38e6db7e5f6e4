import Fluent
import Vapor
import PinganKit

/// 责任书 (seeds 000, 003): a community's yearly responsibility letter between two parties, with items linked to
/// indicators and targets; the year's result is read from the recorded data (the composite index over the year).
enum LetterIndicator: String, Codable, CaseIterable {
    case perception        // 安全感 ≥ target (share, 0–1)
    case clearance         // 修匀破案率 ≥ target (0–1)
    case crimeRatio = "crime_ratio"   // 危害加权案件 实际/预期 ≤ target

    var nameZh: String { switch self { case .perception: "群众安全感"; case .clearance: "破案率（修匀）"; case .crimeRatio: "可防性案件实际/预期" } }
    var nameEn: String { switch self { case .perception: "Safety perception"; case .clearance: "Clearance (shrunk)"; case .crimeRatio: "Preventable cases O/E" } }
    /// Higher is better, except the crime ratio.
    var higherIsBetter: Bool { self != .crimeRatio }
}

struct LetterItem: Content, Equatable { var text: String; var indicator: LetterIndicator; var target: Double }

final class ResponsibilityLetter: Model, @unchecked Sendable {
    static let schema = "responsibility_letters"
    @ID(custom: "id", generatedBy: .database) var id: Int?
    @Field(key: "year") var year: Int
    @Field(key: "community_id") var communityID: Int
    @Field(key: "party_a") var partyA: String      // 甲方 (e.g. 街道综治委)
    @Field(key: "party_b") var partyB: String      // 乙方 (e.g. 社区居委会 / 社区民警)
    @Field(key: "signed_on") var signedOn: String
    @Field(key: "items") var itemsJSON: String
    @Field(key: "created_by_id") var createdByID: Int
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    init() {}
    var items: [LetterItem] { (try? JSONDecoder().decode([LetterItem].self, from: Data(itemsJSON.utf8))) ?? [] }
}

struct CreateResponsibilityLetters: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema("responsibility_letters")
            .field("id", .int, .identifier(auto: true))
            .field("year", .int, .required)
            .field("community_id", .int, .required, .references("divisions", "id"))
            .field("party_a", .string, .required)
            .field("party_b", .string, .required)
            .field("signed_on", .string, .required)
            .field("items", .string, .required)
            .field("created_by_id", .int, .required, .references("users", "id"))
            .field("created_at", .datetime)
            .create()
    }
    func revert(on db: any Database) async throws { try await db.schema("responsibility_letters").delete() }
}

struct LetterInput: Content {
    var year: String?, communityID: String?, partyA: String?, partyB: String?, signedOn: String?
    /// One item per line: "indicator target text", e.g. "perception 0.95 群众安全感达到95%".
    var items: String?
    init() {}
    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: AnyKey.self)
        year = c.loose(AnyKey("year")); communityID = c.loose(AnyKey("communityID")); partyA = c.loose(AnyKey("partyA")); partyB = c.loose(AnyKey("partyB"))
        signedOn = c.loose(AnyKey("signedOn")); items = c.loose(AnyKey("items"))
    }
}

struct LetterDTO: Content {
    struct Result: Content { var item: LetterItem; var actual: Double?; var met: Bool? }
    var id: Int; var year: Int; var communityID: Int; var community: String; var partyA: String; var partyB: String; var signedOn: String
    var results: [Result]
}

enum LetterService {
    static func scoped(_ req: Request, _ id: Int?) async throws -> ResponsibilityLetter { try await req.findScoped(ResponsibilityLetter.self, id) }

    static func create(_ req: Request, _ input: LetterInput) async throws -> ResponsibilityLetter {
        try req.require(.manageAssessment)
        let L = req.lang
        let cal = LocalCalendar(timeZoneIdentifier: req.config.timeZone)
        var e = FieldErrors()
        let year = input.year?.trimmed.nilIfEmpty.flatMap { Int($0) }
        if year == nil || !(2000...2100).contains(year!) { e["year"] = L.t("年份应为 2000–2100", "Year must be 2000–2100") }
        var community: Int? = nil
        if let raw = input.communityID?.nilIfEmpty, let id = Int(raw), let d = try await Division.find(id, on: req.db), d.level == .community,
           try await req.scope().allowsWholeCommunity(id) { community = id }
        else { e["communityID"] = L.t("辖区内没有该社区", "No such community in your jurisdiction") }
        let a = (input.partyA ?? "").trimmed, b = (input.partyB ?? "").trimmed
        if a.isEmpty || a.count > 60 { e["partyA"] = L.t("请填写甲方（60字以内）", "Enter party A (at most 60 characters)") }
        if b.isEmpty || b.count > 60 { e["partyB"] = L.t("请填写乙方（60字以内）", "Enter party B (at most 60 characters)") }
        let signed = input.signedOn?.nilIfEmpty.flatMap { cal.parseLocalDate($0) }
        if signed == nil { e["signedOn"] = L.t("日期格式应为 2026-03-15", "Use a date like 2026-03-15") }
        var items: [LetterItem] = []
        for line in (input.items ?? "").split(whereSeparator: \.isNewline) where !line.trimmingCharacters(in: .whitespaces).isEmpty {
            let parts = line.split(separator: " ", maxSplits: 2).map(String.init)
            guard parts.count >= 2, let ind = LetterIndicator(rawValue: parts[0]), let t = Double(parts[1]), t >= 0, t <= (ind == .crimeRatio ? 10 : 1) else {
                e["items"] = L.t("每行：指标 目标 内容，指标为 perception / clearance / crime_ratio，如 “perception 0.95 群众安全感达到95%”",
                                 "One per line: indicator target text; indicators perception / clearance / crime_ratio, e.g. \"perception 0.95 perception at 95%\"")
                break
            }
            items.append(LetterItem(text: parts.count > 2 ? String(parts[2].prefix(200)) : L.t(ind.nameZh, ind.nameEn), indicator: ind, target: t))
        }
        if items.isEmpty && e["items"] == nil { e["items"] = L.t("至少一项考核内容", "At least one item") }
        guard e.isEmpty, let year, let community, let signed else { throw e }
        let l = ResponsibilityLetter()
        l.year = year; l.communityID = community; l.partyA = a; l.partyB = b; l.signedOn = cal.formatDate(signed)
        l.itemsJSON = String(decoding: try JSONEncoder().encode(items), as: UTF8.self); l.createdByID = try req.user.requireID()
        try await req.db.transaction { db in
            try await l.create(on: db)
            await req.audit("letter.create", entity: "responsibility_letter", id: l.id.map(String.init), detail: "year=\(year) community=\(community) items=\(items.count)", on: db)
        }
        return l
    }

    /// The letter with the year's results: the composite index over the letter's year (to date when current).
    /// Each item against the year's figures of the community (nil actual: the year has no figures yet).
    static func results(_ items: [LetterItem], _ unit: IndexUnitResult?) -> [LetterDTO.Result] {
        items.map { item -> LetterDTO.Result in
            let actual: Double?
            switch item.indicator {
            case .perception: actual = unit?.perception
            case .clearance: actual = unit?.clearanceShrunk
            case .crimeRatio: actual = unit?.shrunkRatio
            }
            return .init(item: item, actual: actual, met: actual.map { item.indicator.higherIsBetter ? $0 >= item.target : $0 <= item.target })
        }
    }

    static func dto(_ req: Request, _ l: ResponsibilityLetter) async throws -> LetterDTO {
        let cal = LocalCalendar(timeZoneIdentifier: req.config.timeZone)
        let now = cal.yearMonth(of: Date())
        let end = l.year < now.year ? YearMonth(year: l.year, month: 12) : now
        let unit: IndexUnitResult? = end.year == l.year
            ? try await IndexService.load(req, IndexParams(month: end, months: end.month, level: .community)).report.units.first { $0.id == String(l.communityID) }
            : nil
        let results = Self.results(l.items, unit)
        let name = try await Division.find(l.communityID, on: req.db)?.name ?? ""
        return LetterDTO(id: l.id!, year: l.year, communityID: l.communityID, community: name, partyA: l.partyA, partyB: l.partyB, signedOn: l.signedOn, results: results)
    }

    static func list(_ req: Request) async throws -> [ResponsibilityLetter] {
        let scope = try await req.scope()
        let q = scope.restrict(ResponsibilityLetter.query(on: req.db))
        return try await q.sort(\.$year, .descending).sort(\.$id).all()
    }
}

struct LetterController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get("assessment", "letters", use: list)
        routes.post("assessment", "letters", use: create)
        routes.get("assessment", "letters", ":id", use: show)
        routes.get("api", "v1", "assessment", "letters", use: listAPI)
        routes.post("api", "v1", "assessment", "letters", use: createAPI)
        routes.get("api", "v1", "assessment", "letters", ":id", use: showAPI)
    }

    func page(_ req: Request, input: LetterInput = LetterInput(), errors: FieldErrors = FieldErrors()) async throws -> Response {
        let letters = try await LetterService.list(req)
        let names = Dictionary(uniqueKeysWithValues: try await DivisionLookup.communities(req).map { ($0.id, $0.name) })
        return LetterViews.list(req, letters, names: names, input: input, errors: errors, canManage: try req.user.role.can(.manageAssessment))
    }

    @Sendable func list(req: Request) async throws -> Response { try req.require(.viewAssessment); return try await page(req) }

    @Sendable func create(req: Request) async throws -> Response {
        try req.require(.manageAssessment)
        let input = try req.content.decode(LetterInput.self)
        do { return req.redirect(to: "/assessment/letters/\(try await LetterService.create(req, input).id!)") }
        catch let e as FieldErrors { return try await page(req, input: input, errors: e) }
    }

    @Sendable func show(req: Request) async throws -> Response {
        try req.require(.viewAssessment)
        return LetterViews.show(req, try await LetterService.dto(req, try await LetterService.scoped(req, req.parameters.get("id", as: Int.self))))
    }

    @Sendable func listAPI(req: Request) async throws -> [LetterDTO] {
        try req.require(.viewAssessment)
        var out: [LetterDTO] = []
        for l in try await LetterService.list(req) {
            let names = try await Division.find(l.communityID, on: req.db)?.name ?? ""
            out.append(LetterDTO(id: l.id!, year: l.year, communityID: l.communityID, community: names, partyA: l.partyA, partyB: l.partyB, signedOn: l.signedOn,
                                 results: l.items.map { .init(item: $0, actual: nil, met: nil) }))
        }
        return out
    }

    @Sendable func createAPI(req: Request) async throws -> Response {
        try req.require(.manageAssessment)
        let l = try await LetterService.create(req, try req.content.decode(LetterInput.self))
        return try await LetterService.dto(req, l).encodeResponse(status: .created, for: req)
    }

    @Sendable func showAPI(req: Request) async throws -> LetterDTO {
        try req.require(.viewAssessment)
        return try await LetterService.dto(req, try await LetterService.scoped(req, req.parameters.get("id", as: Int.self)))
    }
}

enum LetterViews {
    static func list(_ req: Request, _ letters: [ResponsibilityLetter], names: [Int: String], input: LetterInput, errors: FieldErrors, canManage: Bool) -> Response {
        let L = req.lang
        let title = L.t("责任书", "Responsibility letters")
        let rows: [Node] = letters.map { l in
            .tr(.td(.a(.href("/assessment/letters/\(l.id!)"), .text("\(l.year)"))), .td(.text(names[l.communityID] ?? "")), .td(.text(l.partyA)), .td(.text(l.partyB)),
                .td(.text(l.signedOn)), .td(.class("num"), .text("\(l.items.count)")))
        }
        let form: Node = canManage
            ? .form(.method("post"), .action("/assessment/letters"), .class("card no-print"), Layout.csrfField(req), .h2(.text(L.t("新增责任书", "Add a letter"))),
                    Form.errorSummary(req, errors),
                    .div(.class("form"),
                         Form.field(L.t("年度", "Year"), "year", errors, Form.input("year", input.year, type: "number", required: true)),
                         Form.field(L.t("社区", "Community"), "communityID", errors,
                                    Form.select("communityID", names.sorted { $0.value < $1.value }.map { ("\($0.key)", $0.value) }, selected: input.communityID, blank: L.t("请选择", "Choose…"), required: true)),
                         Form.field(L.t("甲方", "Party A"), "partyA", errors, Form.input("partyA", input.partyA, required: true)),
                         Form.field(L.t("乙方", "Party B"), "partyB", errors, Form.input("partyB", input.partyB, required: true)),
                         Form.field(L.t("签订日期", "Signed on"), "signedOn", errors, Form.input("signedOn", input.signedOn, type: "date", required: true)),
                         Form.field(L.t("考核内容（每行：指标 目标 内容）", "Items (one per line: indicator target text)"), "items", errors, wide: true,
                                    hint: "perception 0.95 …  ·  clearance 0.8 …  ·  crime_ratio 1.0 …", Form.textarea("items", input.items))),
                    .p(.button(.type("submit"), .text(L.t("保存", "Save")))))
            : .empty
        return .page(req, title: title, status: errors.isEmpty ? .ok : .unprocessableEntity,
            AssessmentViews.tabs(req, active: "/assessment/letters"),
            AssessmentViews.toolbar(req, title, csv: nil),
            rows.isEmpty ? .div(.class("empty"), .text(L.t("尚无责任书。", "No letters yet.")))
                : .table(.class("data"), .thead(.tr(.th(.text(L.t("年度", "Year"))), .th(.text(L.t("社区", "Community"))), .th(.text(L.t("甲方", "Party A"))),
                                                   .th(.text(L.t("乙方", "Party B"))), .th(.text(L.t("签订日期", "Signed"))), .th(.class("num"), .text(L.t("考核项", "Items"))))),
                         .element("tbody", rows)),
            form)
    }

    static func show(_ req: Request, _ d: LetterDTO) -> Response {
        let L = req.lang
        let title = L.t("\(d.year)年度社会治安综合治理责任书 · \(d.community)", "Responsibility letter \(d.year) · \(d.community)")
        func v(_ i: LetterIndicator, _ x: Double?) -> String { x.map { i == .crimeRatio ? Decimals.format($0, places: 2) : IndexViews.pct($0) } ?? "—" }
        let rows: [Node] = d.results.map { r in
            .tr(.td(.text(r.item.text)), .td(.text(L.t(r.item.indicator.nameZh, r.item.indicator.nameEn))),
                .td(.class("num"), .text((r.item.indicator.higherIsBetter ? "≥ " : "≤ ") + v(r.item.indicator, r.item.target))),
                .td(.class("num"), .text(v(r.item.indicator, r.actual))),
                .td(r.met == true ? .span(.class("badge closed"), .text(L.t("完成", "Met"))) : r.met == false ? .span(.class("badge received"), .text(L.t("未完成", "Not met"))) : .text("—")))
        }
        return .page(req, title: title,
            AssessmentViews.tabs(req, active: "/assessment/letters"),
            AssessmentViews.toolbar(req, title, csv: nil),
            .p(.text(L.t("甲方：\(d.partyA)　乙方：\(d.partyB)　签订日期：\(d.signedOn)", "Party A: \(d.partyA) · Party B: \(d.partyB) · signed \(d.signedOn)"))),
            .p(.class("small muted"), .text(L.t("完成情况按本年度（当年为截至本月）的记录数据计算：安全感为测评汇总，破案率向全区收缩，案件为危害加权实际/预期（修匀）。",
                                               "Results from the year's recorded data (to date for the current year): perception from surveys, clearance shrunk toward the district, cases as smoothed harm-weighted O/E."))),
            .table(.class("data"), .thead(.tr(.th(.text(L.t("考核内容", "Item"))), .th(.text(L.t("指标", "Indicator"))), .th(.class("num"), .text(L.t("目标", "Target"))),
                                             .th(.class("num"), .text(L.t("实际", "Actual"))), .th(.text(L.t("结果", "Result"))))),
                   .element("tbody", rows)))
    }
}
