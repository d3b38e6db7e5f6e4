import Fluent
import SQLKit
import Vapor
import PinganKit

/// The district's scoring scheme for team members (联防队员量化考核), stored as the JSON of PinganKit's
/// `AssessmentScheme`. No row = `AssessmentScheme.example`. One district per deployment.
final class AssessmentSchemeRecord: Model, @unchecked Sendable {
    static let schema = "assessment_schemes"
    @ID(custom: "id", generatedBy: .database) var id: Int?
    @Field(key: "scheme") var scheme: String
    @Field(key: "updated_by_id") var updatedByID: Int
    @Timestamp(key: "updated_at", on: .update) var updatedAt: Date?
    init() {}
}

/// A quantity recorded for a member on a scoring item in a month (e.g. 2 valid clues, 1 absence).
final class AssessmentEntry: Model, @unchecked Sendable {
    static let schema = "assessment_entries"
    @ID(custom: "id", generatedBy: .database) var id: Int?
    @Field(key: "member_id") var memberID: Int
    @Field(key: "community_id") var communityID: Int
    @Field(key: "month") var month: String
    @Field(key: "item_id") var itemID: String
    @Field(key: "quantity") var quantity: Double
    @Field(key: "note") var note: String
    @Field(key: "created_by_id") var createdByID: Int
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    init() {}
}

struct CreateMemberAssessment: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema("assessment_schemes")
            .field("id", .int, .identifier(auto: true))
            .field("scheme", .string, .required)
            .field("updated_by_id", .int, .required, .references("users", "id"))
            .field("updated_at", .datetime)
            .create()
        try await db.schema("assessment_entries")
            .field("id", .int, .identifier(auto: true))
            .field("member_id", .int, .required, .references("team_members", "id", onDelete: .cascade))
            .field("community_id", .int, .required, .references("divisions", "id"))
            .field("month", .string, .required)
            .field("item_id", .string, .required)
            .field("quantity", .double, .required)
            .field("note", .string, .required)
            .field("created_by_id", .int, .required, .references("users", "id"))
            .field("created_at", .datetime)
            .create()
        try await (db as! any SQLDatabase).create(index: "idx_assessment_entries_scope").on("assessment_entries").column("community_id").column("month").run()
    }
    func revert(on db: any Database) async throws {
        try await db.schema("assessment_entries").delete()
        try await db.schema("assessment_schemes").delete()
    }
}

struct AssessmentEntryInput: Content {
    var memberID, itemID, quantity, month, note: String?
    init() {}
    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: AnyKey.self)
        memberID = c.text("memberID"); itemID = c.text("itemID"); quantity = c.text("quantity"); month = c.text("month"); note = c.text("note")
    }
}

/// The scheme as a form: one item per line "id|name|points per unit|cap", grades "minimum|label".
struct SchemeInput: Content {
    var items, grades, baseScore, minimumScore, maximumScore: String?
    init() {}
    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: AnyKey.self)
        items = c.text("items"); grades = c.text("grades"); baseScore = c.text("baseScore"); minimumScore = c.text("minimumScore"); maximumScore = c.text("maximumScore")
    }
    init(_ s: AssessmentScheme) {
        items = s.items.map { "\($0.id)|\($0.name)|\(fmt($0.pointsPerUnit))|\($0.cap.map(fmt) ?? "")" }.joined(separator: "\n")
        grades = s.grades.sorted { $0.minimum > $1.minimum }.map { ($0.minimum.isFinite && $0.minimum > -1e8 ? fmt($0.minimum) : "-") + "|" + $0.label }.joined(separator: "\n")
        baseScore = fmt(s.baseScore); minimumScore = s.minimumScore.map(fmt); maximumScore = s.maximumScore.map(fmt)
    }
}

private func fmt(_ v: Double) -> String { v == v.rounded() ? String(Int(v)) : String(v) }

struct AssessmentDTO: Content {
    struct Card: Content { var memberID: Int; var name: String; var teamName: String?; var card: ScoreCard }
    var month: String
    var scheme: AssessmentScheme
    var cards: [Card]
}

/// Quantified assessment of team members: configurable scoring items (PinganKit `MemberAssessment`).
/// Two items fill themselves from the records when the scheme has them: `patrol_hours` = hours of the
/// month's carried-out plans the member was rostered on; `training` = sessions attended in the month.
enum MemberAssessmentService {
    static func scheme(on db: any Database) async throws -> AssessmentScheme {
        guard let r = try await AssessmentSchemeRecord.query(on: db).sort(\.$id, .descending).first(),
              let s = try? JSONDecoder().decode(AssessmentScheme.self, from: Data(r.scheme.utf8)) else { return finite(.example) }
        return s
    }

    /// JSON cannot carry −∞: the lowest band gets a very low minimum instead.
    static func finite(_ s: AssessmentScheme) -> AssessmentScheme {
        var out = s
        out.grades = s.grades.map { GradeBand(minimum: $0.minimum.isFinite ? $0.minimum : -1e9, label: $0.label) }
        return out
    }

    static func month(_ req: Request, _ raw: String?, _ e: inout FieldErrors) -> YearMonth {
        let current = WorkLogService.today(req).yearMonth
        guard let raw = raw?.nilIfEmpty else { return current }
        guard let m = YearMonth(raw) else { e["month"] = req.t("月份格式应为 2026-03", "Use a month like 2026-03"); return current }
        return m
    }

    static func cards(_ req: Request, month: YearMonth, team: Int?) async throws -> AssessmentDTO {
        let scheme = try await scheme(on: req.db)
        let q = try await TeamService.membersQuery(req)
        if let team { q.filter(\.$teamID == team) }
        let members = try await q.sort(\.$id).limit(20_000).all().filter { $0.status.counts }
        let ids = members.compactMap(\.id)
        var records: [AssessmentRecord] = []
        let itemIDs = Set(scheme.items.map(\.id))
        if !ids.isEmpty {
            for e in try await req.scoped(AssessmentEntry.self).filter(\.$memberID ~~ ids).filter(\.$month == month.description).all() where itemIDs.contains(e.itemID) {
                records.append(AssessmentRecord(memberID: "\(e.memberID)", itemID: e.itemID, quantity: e.quantity))
            }
            let first = LocalDay.firstDay(of: month).description, last = LocalDay.lastDay(of: month).description
            if itemIDs.contains("patrol_hours") {
                let roster = try await PatrolPlanMember.query(on: req.db).filter(\.$memberID ~~ ids).all()
                let planIDs = Array(Set(roster.map(\.planID)))
                let plans = planIDs.isEmpty ? [] : try await req.scoped(PatrolPlanRecord.self).filter(\.$id ~~ planIDs).filter(\.$day >= first).filter(\.$day <= last).all()
                let done = plans.isEmpty ? [] : try await req.scoped(PatrolLogRecord.self).filter(\.$planID ~~ plans.compactMap(\.id)).all()
                var minutes: [Int: Int] = [:]
                for l in done { if let p = l.planID { minutes[p, default: 0] += l.minutes } }
                for r in roster { if let m = minutes[r.planID], m > 0 { records.append(AssessmentRecord(memberID: "\(r.memberID)", itemID: "patrol_hours", quantity: Double(m) / 60)) } }
            }
            if itemIDs.contains("training") {
                let att = try await TrainingAttendanceRecord.query(on: req.db).filter(\.$memberID ~~ ids).all()
                let sIDs = Array(Set(att.map(\.sessionID)))
                let held = sIDs.isEmpty ? [] : Set(try await req.scoped(TrainingSessionRecord.self).filter(\.$id ~~ sIDs).filter(\.$heldOn >= first).filter(\.$heldOn <= last).all().compactMap(\.id))
                for a in att where held.contains(a.sessionID) { records.append(AssessmentRecord(memberID: "\(a.memberID)", itemID: "training", quantity: 1)) }
            }
        }
        let cards = try MemberAssessment.scoreCards(members: ids.map(String.init), records: records, scheme: scheme)
        let dtos = Dictionary(uniqueKeysWithValues: try await TeamService.memberDTOs(req, members).map { ($0.id, $0) })
        return AssessmentDTO(month: month.description, scheme: scheme, cards: cards.compactMap { c in
            guard let id = Int(c.memberID), let m = dtos[id] else { return nil }
            return .init(memberID: id, name: m.name, teamName: m.teamName, card: c)
        })
    }

    static func addEntry(_ req: Request, _ input: AssessmentEntryInput) async throws -> AssessmentEntry {
        try req.require(.editTeams)
        let L = req.lang
        var e = FieldErrors()
        let scheme = try await scheme(on: req.db)
        var member: TeamMember? = nil
        if let raw = input.memberID?.nilIfEmpty, let id = Int(raw), let m = try await TeamService.membersQuery(req).filter(\.$id == id).first() { member = m }
        else { e["memberID"] = L.t("辖区内没有该队员", "No such member in your jurisdiction") }
        let item = input.itemID?.nilIfEmpty
        if item == nil || !scheme.items.contains(where: { $0.id == item }) { e["itemID"] = L.t("请选择考核项目", "Choose a scoring item") }
        else if item == "patrol_hours" || item == "training" { e["itemID"] = L.t("该项目由巡逻和培训记录自动计算", "This item is computed from patrol and training records") }
        var qty: Double? = nil
        if let raw = input.quantity?.nilIfEmpty, let q = Double(raw), q.isFinite, q > 0, q <= 1000 { qty = q }
        else { e["quantity"] = L.t("数量应为 0–1000 之间的正数", "The quantity must be a positive number up to 1000") }
        let month = month(req, input.month, &e)
        if month > WorkLogService.today(req).yearMonth { e["month"] = L.t("不能登记未来月份", "Cannot record a future month") }
        let note = Check.text(input.note, "note", &e, L, max: 200, required: false)
        guard e.isEmpty, let member, let item, let qty else { throw e }
        let a = AssessmentEntry()
        a.memberID = member.id!; a.communityID = member.communityID; a.month = month.description; a.itemID = item; a.quantity = qty; a.note = note
        a.createdByID = try req.user.requireID()
        try await req.db.transaction { db in
            try await a.create(on: db)
            await req.audit("assessment.entry", entity: "team", id: "\(member.teamID)", detail: "member=\(member.id!) \(item) \(qty)", on: db)
        }
        return a
    }

    /// Parses and stores the scheme; every line with a problem is named.
    static func saveScheme(_ req: Request, _ input: SchemeInput) async throws -> AssessmentScheme {
        try req.require(.configureStaffing)
        let L = req.lang
        var e = FieldErrors()
        func number(_ raw: String?, _ key: String, required: Bool) -> Double? {
            guard let raw = raw?.nilIfEmpty else { if required { e[key] = L.t("请填写", "Required") }; return nil }
            guard let v = Double(raw), v.isFinite else { e[key] = L.t("应为数字", "Must be a number"); return nil }
            return v
        }
        var items: [ScoringItem] = []
        for (n, line) in (input.items ?? "").split(whereSeparator: \.isNewline).enumerated() where !String(line).trimmed.isEmpty {
            let p = line.split(separator: "|", omittingEmptySubsequences: false).map { String($0).trimmed }
            guard p.count >= 3, !p[0].isEmpty, p[0].count <= 30, !p[1].isEmpty, let pts = Double(p[2]), pts.isFinite else {
                e["items"] = L.t("第 \(n + 1) 行应为：编号|名称|每单位分值|上限（可空）", "Line \(n + 1) must read id|name|points per unit|cap (optional)"); break
            }
            var cap: Double? = nil
            if p.count > 3, !p[3].isEmpty { guard let c = Double(p[3]), c >= 0 else { e["items"] = L.t("第 \(n + 1) 行上限应为非负数", "Line \(n + 1): the cap must be ≥ 0"); break }; cap = c }
            items.append(ScoringItem(id: p[0], name: p[1], pointsPerUnit: pts, cap: cap))
        }
        if items.isEmpty && e["items"] == nil { e["items"] = L.t("至少需要一个考核项目", "At least one scoring item") }
        var grades: [GradeBand] = []
        for (n, line) in (input.grades ?? "").split(whereSeparator: \.isNewline).enumerated() where !String(line).trimmed.isEmpty {
            let p = line.split(separator: "|").map { String($0).trimmed }
            guard p.count == 2, !p[1].isEmpty, let min = p[0] == "-" ? -Double.infinity : Double(p[0]) else {
                e["grades"] = L.t("第 \(n + 1) 行应为：最低分|等次（最低一档写 -）", "Line \(n + 1) must read minimum|grade (- for the lowest)"); break
            }
            grades.append(GradeBand(minimum: min, label: p[1]))
        }
        let base = number(input.baseScore, "baseScore", required: true)
        let lo = number(input.minimumScore, "minimumScore", required: false), hi = number(input.maximumScore, "maximumScore", required: false)
        let scheme = AssessmentScheme(items: items, baseScore: base ?? 0, minimumScore: lo, maximumScore: hi, grades: grades)
        if e.isEmpty, !scheme.problems.isEmpty { e["items"] = scheme.problems.joined(separator: "; ") }
        guard e.isEmpty else { throw e }
        let stored = finite(scheme)
        let r = AssessmentSchemeRecord()
        r.scheme = String(decoding: try JSONEncoder().encode(stored), as: UTF8.self); r.updatedByID = try req.user.requireID()
        try await req.db.transaction { db in
            try await r.create(on: db)
            await req.audit("assessment.scheme", entity: "assessment_scheme", id: r.id.map(String.init), detail: items.map(\.id).joined(separator: ","), on: db)
        }
        return stored
    }

    static func csv(_ req: Request, _ d: AssessmentDTO) -> Response {
        let L = req.lang
        var w = CSVWriter(header: [L.t("名次", "Rank"), L.t("队员", "Member"), L.t("队伍", "Team")] + d.scheme.items.map { L.stored($0.name) } + [L.t("总分", "Total"), L.t("等次", "Grade")])
        for c in d.cards {
            w.append(["\(c.card.rank)", c.name, c.teamName ?? ""] + c.card.lines.map { fmt($0.points) } + [fmt(c.card.total), c.card.grade.map(L.stored) ?? ""])
        }
        return CSVResponse.make(filename: "member-assessment-\(d.month).csv", writer: w)
    }
}
