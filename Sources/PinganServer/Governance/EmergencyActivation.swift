import Fluent
import SQLKit
import Vapor
import PinganKit

/// 启动预案: an approved plan started for a real event. Its response steps become a checklist — each reported done (with a
/// note) or skipped (with the reason), by whom and when —; the plan's units' staff and the district command are told in
/// the app; ending it needs the lessons (总结), and the page is then the after-action report.
final class EmergencyActivation: Model, @unchecked Sendable {
    static let schema = "emergency_activations"
    @ID(custom: "id", generatedBy: .database) var id: Int?
    @Field(key: "plan_id") var planID: Int
    @Field(key: "family_id") var familyID: Int
    @Field(key: "event") var event: String
    @Field(key: "level") var level: EmergencyLevel
    @Field(key: "started_at") var startedAt: Date
    @Field(key: "started_by_id") var startedByID: Int
    @OptionalField(key: "ended_at") var endedAt: Date?
    @OptionalField(key: "ended_by_id") var endedByID: Int?
    @Field(key: "lessons") var lessons: String
    init() {}
}

final class EmergencyActivationStep: Model, @unchecked Sendable {
    static let schema = "emergency_activation_steps"
    @ID(custom: "id", generatedBy: .database) var id: Int?
    @Field(key: "activation_id") var activationID: Int
    @Field(key: "seq") var seq: Int
    @Field(key: "text") var text: String
    @Field(key: "outcome") var outcome: ActivationStepFact.Outcome
    @OptionalField(key: "at") var at: Date?
    @OptionalField(key: "by_id") var byID: Int?
    @Field(key: "note") var note: String
    init() {}
}

struct CreateEmergencyActivations: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema(EmergencyActivation.schema)
            .field("id", .int, .identifier(auto: true))
            .field("plan_id", .int, .required, .references(EmergencyPlan.schema, "id"))
            .field("family_id", .int, .required)
            .field("event", .string, .required)
            .field("level", .string, .required)
            .field("started_at", .datetime, .required)
            .field("started_by_id", .int, .required, .references("users", "id"))
            .field("ended_at", .datetime)
            .field("ended_by_id", .int, .references("users", "id"))
            .field("lessons", .string, .required)
            .create()
        try await db.schema(EmergencyActivationStep.schema)
            .field("id", .int, .identifier(auto: true))
            .field("activation_id", .int, .required, .references(EmergencyActivation.schema, "id", onDelete: .cascade))
            .field("seq", .int, .required)
            .field("text", .string, .required)
            .field("outcome", .string, .required)
            .field("at", .datetime)
            .field("by_id", .int, .references("users", "id"))
            .field("note", .string, .required)
            .unique(on: "activation_id", "seq")
            .create()
        try await (db as! any SQLDatabase).create(index: "idx_emergency_activations_family").on(EmergencyActivation.schema).column("family_id").column("started_at").run()
    }
    func revert(on db: any Database) async throws {
        try await db.schema(EmergencyActivationStep.schema).delete()
        try await db.schema(EmergencyActivation.schema).delete()
    }
}

struct EmergencyActivationStepDTO: Content {
    var seq: Int, text: String, outcome: ActivationStepFact.Outcome, at: Date?, by: String?, note: String, minutesAfterStart: Int?
    /// The limit the step's text states (「10分钟内」), and whether it was done after it or is still open past it.
    var limitMinutes: Int?
    var late: Bool
}

struct EmergencyActivationDTO: Content {
    var id: Int, planID: Int, plan: String, event: String, level: EmergencyLevel, startedAt: Date, startedBy: String?, endedAt: Date?, lessons: String
    var running: Bool
    var steps: [EmergencyActivationStepDTO]
    /// 「历时95分钟，6项处置步骤完成4项、跳过1项、未完成1项」, so far when still running.
    var summary: String
    /// The SMS notice to the response teams' members without accounts: its push and how many confirmed (nil: none sent).
    var sms: SMSNotice?
    struct SMSNotice: Content { var messageID: Int; var progress: PushProgress }
}

/// What starting, stepping and ending send.
struct EmergencyActivationInput: Content {
    var event: String?, level: String?, seq: String?, outcome: String?, note: String?, lessons: String?
    init() {}
    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: AnyKey.self)
        event = c.loose(AnyKey("event")); level = c.loose(AnyKey("level")); seq = c.loose(AnyKey("seq")); outcome = c.loose(AnyKey("outcome")); note = c.loose(AnyKey("note"))
        lessons = c.loose(AnyKey("lessons"))
    }
}

enum EmergencyActivationService {
    /// An activation and its plan, both visible to the user, or 404.
    static func find(_ req: Request, _ id: Int?) async throws -> (EmergencyPlan, EmergencyActivation) {
        try req.require(.viewGovernance)
        guard let id, let a = try await EmergencyActivation.find(id, on: req.db), let p = try? await EmergencyPlanService.find(req, a.planID) else { throw Abort(.notFound) }
        return (p, a)
    }

    /// Started by those who manage the plan (its area's command or station chief).
    static func start(_ req: Request, _ p: EmergencyPlan, _ i: EmergencyActivationInput) async throws -> EmergencyActivation {
        try await EmergencyPlanService.requireManage(req, p)
        let L = req.lang
        guard p.status == .approved else { throw Abort(.conflict, reason: L.t("只能启动现行（已批准）的预案", "Only a plan in force can be started")) }
        var e = FieldErrors()
        let event = (i.event ?? "").trimmed
        if event.isEmpty { e["event"] = L.t("请写明发生了什么事件", "Say what happened") } else if event.count > 500 { e["event"] = L.t("不能超过500字", "At most 500 characters") }
        let level = i.level.flatMap(EmergencyLevel.init(rawValue:))
        if level == nil { e["level"] = L.t("请选择响应级别", "Choose the response level") }
        if let running = try await EmergencyActivation.query(on: req.db).filter(\.$familyID == p.familyID).filter(\.$endedAt == nil).first() {
            e["event"] = L.t("该预案已在启动中（\(req.localCalendar.formatDateTime(running.startedAt)) 起），请在原处置清单上继续", "This plan is already running since \(req.localCalendar.formatDateTime(running.startedAt)): continue on its checklist")
        }
        guard e.isEmpty, let level else { throw e }
        let a = EmergencyActivation()
        a.planID = p.id!; a.familyID = p.familyID; a.event = event; a.level = level; a.startedAt = Date(); a.startedByID = try req.user.requireID(); a.lessons = ""
        let unitIDs = try await EmergencyPlanUnit.query(on: req.db).filter(\.$planID == p.id!).all().map(\.unitID)
        try await req.db.transaction { db in
            try await a.create(on: db)
            for (n, text) in p.stepList.enumerated() {
                let s = EmergencyActivationStep()
                s.activationID = a.id!; s.seq = n + 1; s.text = text; s.outcome = .open; s.note = ""
                try await s.create(on: db)
            }
            // The plan's units' staff and the district command (the emergency office's duty desk).
            let unitStaff = unitIDs.isEmpty ? [] : try await User.query(on: db).filter(\.$unitID ~~ unitIDs).filter(\.$active == true).all().compactMap(\.id)
            let command = try await User.query(on: db).filter(\.$role == .districtCommand).filter(\.$active == true).all().compactMap(\.id)
            // The plan's response teams: members with an account are told here, the others from the forces' register by
            // SMS (a push whose receipts the activation page shows).
            let reach = try await ResponseTeamService.reach(db, planID: p.id!)
            let teamUsers = reach.users.isEmpty ? [] : try await User.query(on: db).filter(\.$id ~~ reach.users).filter(\.$active == true).all().compactMap(\.id)
            try await StaffNotices.notify(db, users: Array(Set(unitStaff + command + teamUsers)), except: a.startedByID, kind: .emergency,
                                          title: L.t("启动预案：", "Plan started: ") + p.name + " · " + String(event.prefix(60)), link: "/governance/activations/\(a.id!)")
            _ = try await MessageService.noticeToMembers(req, on: db, areaID: p.areaDivisionID, title: "启动预案：" + p.name,
                                                         body: "\(level.nameZh)响应：\(event)。请按预案到岗，听从指挥。", memberIDs: reach.teamMembers,
                                                         key: Self.smsKey(a))
            await req.audit("emergency_plan.activate", entity: "emergency_activation", id: a.id.map(String.init), detail: "plan=\(p.id!) level=\(level.rawValue)", on: db)
        }
        return a
    }

    /// A step reported done (a note optional) or skipped (the reason required), once; only while the response runs.
    static func step(_ req: Request, _ p: EmergencyPlan, _ a: EmergencyActivation, _ i: EmergencyActivationInput) async throws {
        try req.require(.editGovernance)
        let L = req.lang
        guard a.endedAt == nil else { throw Abort(.conflict, reason: L.t("处置已结束", "The response has ended")) }
        guard let seq = i.seq.flatMap({ Int($0) }), let s = try await EmergencyActivationStep.query(on: req.db).filter(\.$activationID == a.id!).filter(\.$seq == seq).first() else { throw FieldErrors(["seq": L.t("没有这个步骤", "No such step")]) }
        guard s.outcome == .open else { throw Abort(.conflict, reason: L.t("该步骤已记录", "This step is already recorded")) }
        let note = (i.note ?? "").trimmed
        guard let outcome = i.outcome.flatMap(ActivationStepFact.Outcome.init(rawValue:)), outcome != .open else {
            throw FieldErrors(["outcome": L.t("请选择完成或跳过", "Choose done or skipped")])
        }
        if outcome == .skipped && note.isEmpty { throw FieldErrors(["note": L.t("跳过步骤须说明原因", "Say why the step is skipped")]) }
        if note.count > 500 { throw FieldErrors(["note": L.t("不能超过500字", "At most 500 characters")]) }
        s.outcome = outcome; s.at = Date(); s.byID = try req.user.requireID(); s.note = note
        try await req.db.transaction { db in
            try await s.save(on: db)
            await req.audit("emergency_activation.step", entity: "emergency_activation", id: a.id.map(String.init), detail: "seq=\(seq) \(outcome.rawValue)", on: db)
        }
    }

    /// 结束响应: the lessons are required; open steps stay open (the report counts them as not done).
    static func end(_ req: Request, _ p: EmergencyPlan, _ a: EmergencyActivation, _ i: EmergencyActivationInput) async throws {
        try await EmergencyPlanService.requireManage(req, p)
        let L = req.lang
        guard a.endedAt == nil else { throw Abort(.conflict, reason: L.t("处置已结束", "The response has ended")) }
        let lessons = (i.lessons ?? "").trimmed
        if lessons.isEmpty { throw FieldErrors(["lessons": L.t("请填写处置总结和经验教训", "Write what was learnt")]) }
        if lessons.count > 4000 { throw FieldErrors(["lessons": L.t("不能超过4000字", "At most 4000 characters")]) }
        a.endedAt = Date(); a.endedByID = try req.user.requireID(); a.lessons = lessons
        try await req.db.transaction { db in
            try await a.save(on: db)
            await req.audit("emergency_activation.end", entity: "emergency_activation", id: a.id.map(String.init), detail: "", on: db)
        }
    }

    /// The idempotency key of the SMS notice an activation sent to its teams' members without accounts.
    static func smsKey(_ a: EmergencyActivation) -> String { "emergency-activation-\(a.id!)" }

    static func dto(_ req: Request, _ p: EmergencyPlan, _ a: EmergencyActivation) async throws -> EmergencyActivationDTO {
        let steps = try await EmergencyActivationStep.query(on: req.db).filter(\.$activationID == a.id!).sort(\.$seq).all()
        let userIDs = Array(Set(steps.compactMap(\.byID) + [a.startedByID]))
        let names = Dictionary(uniqueKeysWithValues: try await User.query(on: req.db).filter(\.$id ~~ userIDs).all().map { ($0.id!, $0.displayName) })
        let report = ActivationReport.of(start: a.startedAt, end: a.endedAt, now: Date(), steps: steps.map { ActivationStepFact(text: $0.text, outcome: $0.outcome, at: $0.at) })
        return EmergencyActivationDTO(id: a.id!, planID: p.id!, plan: p.name, event: a.event, level: a.level, startedAt: a.startedAt, startedBy: names[a.startedByID],
                                      endedAt: a.endedAt, lessons: a.lessons, running: a.endedAt == nil,
                                      steps: zip(steps, report.lines).map { s, line in
                                          EmergencyActivationStepDTO(seq: s.seq, text: s.text, outcome: s.outcome, at: s.at, by: s.byID.flatMap { names[$0] }, note: s.note,
                                                                     minutesAfterStart: line.minutesAfterStart, limitMinutes: line.limitMinutes, late: line.late)
                                      },
                                      summary: report.sentence(chinese: !req.lang.isEnglish, running: a.endedAt == nil),
                                      sms: try await smsProgress(req.db, a))
    }

    static func smsProgress(_ db: any Database, _ a: EmergencyActivation) async throws -> EmergencyActivationDTO.SMSNotice? {
        guard let m = try await PushMessage.query(on: db).filter(\.$senderID == a.startedByID).filter(\.$idempotencyKey == smsKey(a)).first() else { return nil }
        return .init(messageID: m.id!, progress: MessageService.progress(m, users: [], members: try await MessageService.memberRows(db, m)))
    }

    /// The plan's activations, newest first, for its page.
    static func list(_ req: Request, _ p: EmergencyPlan) async throws -> [EmergencyActivation] {
        try await EmergencyActivation.query(on: req.db).filter(\.$familyID == p.familyID).sort(\.$startedAt, .descending).all()
    }
}
