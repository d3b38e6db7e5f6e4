import Fluent
import SQLKit
import Vapor
import PinganKit

/// One version of an emergency plan (应急预案). Versions of one plan share `familyID` (the first version's id); at most
/// one is approved (现行) and at most one is a draft. An approved or superseded version is never edited: a change is a new
/// draft (修订), approved in its turn. Seen like a campaign: a district plan by every governance reader, a street's by
/// those who work in it.
final class EmergencyPlan: Model, @unchecked Sendable {
    static let schema = "emergency_plans"
    @ID(custom: "id", generatedBy: .database) var id: Int?
    @Field(key: "family_id") var familyID: Int
    @Field(key: "version") var version: Int
    @Field(key: "kind") var kind: EmergencyPlanKind
    @Field(key: "type") var type: EmergencyType
    @Field(key: "level") var level: EmergencyLevel
    @Field(key: "area_division_id") var areaDivisionID: Int
    @Field(key: "name") var name: String
    /// 适用范围与工作原则.
    @Field(key: "scope_text") var scopeText: String
    /// 处置流程: one step a line.
    @Field(key: "steps") var steps: String
    /// 应急资源: equipment, shelters, supplies — where they are.
    @Field(key: "resources") var resources: String
    /// 联络方式: the duty offices' work numbers (not personal phones).
    @Field(key: "contacts") var contacts: String
    @Field(key: "review_due_on") var reviewDueOn: String
    @Field(key: "drill_interval_months") var drillIntervalMonths: Int
    @Field(key: "status") var status: EmergencyPlanStatus
    @OptionalField(key: "approved_on") var approvedOn: String?
    @OptionalField(key: "approved_by_id") var approvedByID: Int?
    @Field(key: "created_by_id") var createdByID: Int
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Timestamp(key: "updated_at", on: .update) var updatedAt: Date?
    init() {}

    var stepList: [String] { EmergencyPlanRules.steps(steps) }
}

/// A responsible unit (责任单位) of a plan version and its duty (职责).
final class EmergencyPlanUnit: Model, @unchecked Sendable {
    static let schema = "emergency_plan_units"
    @ID(custom: "id", generatedBy: .database) var id: Int?
    @Field(key: "plan_id") var planID: Int
    @Field(key: "unit_id") var unitID: Int
    @Field(key: "duty") var duty: String
    init() {}
    init(planID: Int, unitID: Int, duty: String) { self.planID = planID; self.unitID = unitID; self.duty = duty }
}

/// A drill (演练) of a plan — of the plan, not of one version: a revision keeps its drills and its drill clock.
final class EmergencyDrill: Model, @unchecked Sendable {
    static let schema = "emergency_drills"
    @ID(custom: "id", generatedBy: .database) var id: Int?
    @Field(key: "family_id") var familyID: Int
    /// The version in force (or drafted) when the drill was held.
    @Field(key: "plan_id") var planID: Int
    @Field(key: "held_on") var heldOn: String
    @Field(key: "scenario") var scenario: String
    @Field(key: "participants") var participants: String
    @Field(key: "people") var people: Int
    @Field(key: "findings") var findings: String
    @Field(key: "created_by_id") var createdByID: Int
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    init() {}
}

/// 整改事项: a drill's finding turned into work with an owner and a deadline, tracked to done.
final class EmergencyDrillAction: Model, @unchecked Sendable {
    static let schema = "emergency_drill_actions"
    @ID(custom: "id", generatedBy: .database) var id: Int?
    @Field(key: "drill_id") var drillID: Int
    @Field(key: "text") var text: String
    @Field(key: "owner") var owner: String
    @Field(key: "due_on") var dueOn: String
    @OptionalField(key: "done_on") var doneOn: String?
    @Field(key: "done_note") var doneNote: String
    @Field(key: "created_by_id") var createdByID: Int
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    init() {}

    func state(today: String) -> ActionItemState { ActionItemState.of(dueOn: dueOn, doneOn: doneOn, today: today) }
}

struct CreateEmergencyPlans: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema(EmergencyPlan.schema)
            .field("id", .int, .identifier(auto: true))
            .field("family_id", .int, .required)
            .field("version", .int, .required)
            .field("kind", .string, .required)
            .field("type", .string, .required)
            .field("level", .string, .required)
            .field("area_division_id", .int, .required, .references("divisions", "id"))
            .field("name", .string, .required)
            .field("scope_text", .string, .required)
            .field("steps", .string, .required)
            .field("resources", .string, .required)
            .field("contacts", .string, .required)
            .field("review_due_on", .string, .required)
            .field("drill_interval_months", .int, .required)
            .field("status", .string, .required)
            .field("approved_on", .string)
            .field("approved_by_id", .int, .references("users", "id"))
            .field("created_by_id", .int, .required, .references("users", "id"))
            .field("created_at", .datetime)
            .field("updated_at", .datetime)
            .unique(on: "family_id", "version")
            .create()
        try await db.schema(EmergencyPlanUnit.schema)
            .field("id", .int, .identifier(auto: true))
            .field("plan_id", .int, .required, .references(EmergencyPlan.schema, "id", onDelete: .cascade))
            .field("unit_id", .int, .required, .references("responsible_units", "id"))
            .field("duty", .string, .required)
            .unique(on: "plan_id", "unit_id")
            .create()
        try await db.schema(EmergencyDrill.schema)
            .field("id", .int, .identifier(auto: true))
            .field("family_id", .int, .required)
            .field("plan_id", .int, .required, .references(EmergencyPlan.schema, "id"))
            .field("held_on", .string, .required)
            .field("scenario", .string, .required)
            .field("participants", .string, .required)
            .field("people", .int, .required)
            .field("findings", .string, .required)
            .field("created_by_id", .int, .required, .references("users", "id"))
            .field("created_at", .datetime)
            .create()
        try await db.schema(EmergencyDrillAction.schema)
            .field("id", .int, .identifier(auto: true))
            .field("drill_id", .int, .required, .references(EmergencyDrill.schema, "id"))
            .field("text", .string, .required)
            .field("owner", .string, .required)
            .field("due_on", .string, .required)
            .field("done_on", .string)
            .field("done_note", .string, .required)
            .field("created_by_id", .int, .required, .references("users", "id"))
            .field("created_at", .datetime)
            .create()
        let sql = db as! any SQLDatabase
        try await sql.create(index: "idx_emergency_plans_area").on(EmergencyPlan.schema).column("area_division_id").column("status").run()
        try await sql.create(index: "idx_emergency_drills_family").on(EmergencyDrill.schema).column("family_id").column("held_on").run()
        try await sql.create(index: "idx_emergency_drill_actions_drill").on(EmergencyDrillAction.schema).column("drill_id").run()
    }
    func revert(on db: any Database) async throws {
        for t in [EmergencyDrillAction.schema, EmergencyDrill.schema, EmergencyPlanUnit.schema, EmergencyPlan.schema] { try await db.schema(t).delete() }
    }
}

struct EmergencyPlanUnitDTO: Content { var unitID: Int; var unit: String; var duty: String }

struct EmergencyDrillActionDTO: Content {
    var id: Int, drillID: Int, text: String, owner: String, dueOn: String, state: ActionItemState, doneOn: String?, doneNote: String
    init(_ a: EmergencyDrillAction, today: String) {
        id = a.id ?? 0; drillID = a.drillID; text = a.text; owner = a.owner; dueOn = a.dueOn; state = a.state(today: today); doneOn = a.doneOn; doneNote = a.doneNote
    }
}

struct EmergencyDrillDTO: Content {
    var id: Int, planID: Int, version: Int?, heldOn: String, scenario: String, participants: String, people: Int, findings: String
    var actions: [EmergencyDrillActionDTO]
}

struct EmergencyPlanDTO: Content {
    var id: Int, familyID: Int, version: Int, kind: EmergencyPlanKind, type: EmergencyType, level: EmergencyLevel
    var areaID: Int, area: String?, name: String, scope: String, steps: [String], resources: String, contacts: String
    var reviewDueOn: String, drillIntervalMonths: Int, status: EmergencyPlanStatus, approvedOn: String?
    var lastDrillOn: String?, nextDrillOn: String?, due: [EmergencyPlanDue]
    var units: [EmergencyPlanUnitDTO]
    /// The single plan's view: its drills (all versions), newest first, and the other versions.
    var drills: [EmergencyDrillDTO]? = nil
    var versions: [EmergencyPlanVersionDTO]? = nil
    /// The single plan's view: the response teams it calls on, with who is on call today.
    var teams: [EmergencyPlanTeamDTO]? = nil
    var updatedAt: Date?
}

struct EmergencyPlanTeamDTO: Content { var id: Int; var name: String; var dutyPhone: String; var onCallToday: [String]; var active: Bool }

struct EmergencyPlanVersionDTO: Content { var id: Int; var version: Int; var status: EmergencyPlanStatus; var approvedOn: String? }
