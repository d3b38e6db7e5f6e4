import Fluent
import Foundation
import SQLKit
import PinganKit

/// 处置单位: a department or body that acts on grid events (urban management, market supervision, a property company …).
/// Its staff are users of role `unitStaff` with `unit_id`; they see only what is dispatched to their unit.
final class ResponsibleUnit: Model, @unchecked Sendable {
    static let schema = "responsible_units"
    @ID(custom: "id", generatedBy: .database) var id: Int?
    @Field(key: "name") var name: String
    @Field(key: "kind") var kind: ResponsibleUnitKind
    /// The area it serves (district or street); dispatch offers the units whose area contains the event.
    @Field(key: "division_id") var divisionID: Int
    @Field(key: "phone") var phone: String
    @Field(key: "active") var active: Bool
    init() {}
    init(name: String, kind: ResponsibleUnitKind, divisionID: Int, phone: String = "", active: Bool = true) {
        self.name = name; self.kind = kind; self.divisionID = divisionID; self.phone = phone; self.active = active
    }
}

/// One code of the district's category table (seeded from `GridEventCategoryTable.sample`, marked as a sample).
final class GridEventCategoryRow: Model, @unchecked Sendable {
    static let schema = "grid_event_categories"
    @ID(custom: "id", generatedBy: .database) var id: Int?
    @Field(key: "code") var code: String
    @OptionalField(key: "parent_code") var parentCode: String?
    @Field(key: "event_class") var eventClass: GridEventClass
    @Field(key: "name_zh") var nameZh: String
    @Field(key: "name_en") var nameEn: String
    @OptionalField(key: "default_unit") var defaultUnit: ResponsibleUnitKind?
    @Field(key: "active") var active: Bool
    @Field(key: "sample") var sample: Bool
    init() {}

    var kit: GridEventCategory {
        GridEventCategory(code: code, nameZh: nameZh, nameEn: nameEn, eventClass: eventClass, parentCode: parentCode, defaultUnit: defaultUnit)
    }
}

/// 网格事件: one problem found in a grid, from its report to its verified closure. The workflow's state is kept whole
/// (`state_json`, PinganKit's `GridEventState`); the columns the lists filter and sort on are copies of it.
final class GridEvent: Model, @unchecked Sendable {
    static let schema = "grid_events"
    @ID(custom: "id", generatedBy: .database) var id: Int?
    @OptionalField(key: "case_number") var caseNumber: String?
    @Field(key: "category_code") var categoryCode: String
    @Field(key: "urgency") var urgency: GridEventUrgency
    @Field(key: "description") var description: String
    @Field(key: "address") var address: String
    @OptionalField(key: "lat") var lat: Double?
    @OptionalField(key: "lon") var lon: Double?
    @Field(key: "community_id") var communityID: Int
    @OptionalField(key: "grid_id") var gridID: Int?
    @Field(key: "source") var source: GridEventSource
    @OptionalField(key: "reporter_id") var reporterID: Int?
    @OptionalField(key: "portal_request_id") var portalRequestID: Int?
    /// The patrol log whose finding this event was taken up from (巡逻发现), or the inspection (检查发现).
    @OptionalField(key: "patrol_log_id") var patrolLogID: Int?
    @OptionalField(key: "inspection_id") var inspectionID: Int?
    @Field(key: "centre_level") var centreLevel: GridEventCentreLevel
    @Field(key: "status") var status: GridEventStatus
    @OptionalField(key: "unit_id") var unitID: Int?
    @OptionalField(key: "dispatched_at") var dispatchedAt: Date?
    @OptionalField(key: "deadline") var deadline: Date?
    /// The current dispatch's time limit (approved extensions included) and whether it counts round the clock.
    @OptionalField(key: "limit_hours") var limitHours: Double?
    @Field(key: "round_the_clock") var roundTheClock: Bool
    @OptionalField(key: "handled_at") var handledAt: Date?
    @OptionalField(key: "closed_at") var closedAt: Date?
    @Field(key: "rework_count") var reworkCount: Int
    @OptionalField(key: "supervision") var supervision: SupervisionLevel?
    @OptionalField(key: "satisfaction") var satisfaction: GridEventSatisfaction?
    /// The client's key for one report: a resend after a lost answer finds this row instead of filing twice.
    @OptionalField(key: "idempotency_key") var idempotencyKey: String?
    @Field(key: "state_json") var stateJSON: String
    @Field(key: "reported_at") var reportedAt: Date
    @Timestamp(key: "updated_at", on: .update) var updatedAt: Date?
    init() {}

    var state: GridEventState {
        get { (try? JSONDecoder.events.decode(GridEventState.self, from: Data(stateJSON.utf8))) ?? GridEventState(reportedAt: reportedAt) }
        set {
            stateJSON = String(decoding: (try? JSONEncoder.events.encode(newValue)) ?? Data("{}".utf8), as: UTF8.self)
            status = newValue.status; centreLevel = newValue.centreLevel; caseNumber = newValue.caseNumber
            unitID = newValue.unitID.flatMap(Int.init); dispatchedAt = newValue.dispatchedAt; deadline = newValue.deadline
            limitHours = newValue.timeLimit?.hours; roundTheClock = newValue.timeLimit?.roundTheClock ?? false
            handledAt = newValue.handledAt; closedAt = newValue.closedAt; reworkCount = newValue.reworkCount
            supervision = newValue.supervision; satisfaction = newValue.satisfaction
        }
    }

    /// 事件编号 before registration, 案卷号 after.
    func number(_ cal: LocalCalendar) -> String { Self.number(caseNumber: caseNumber, reportedAt: reportedAt, id: id ?? 0, cal) }

    static func number(caseNumber: String?, reportedAt: Date, id: Int, _ cal: LocalCalendar) -> String {
        caseNumber ?? ("E" + cal.formatDate(reportedAt).replacingOccurrences(of: "-", with: "") + "-" + String(format: "%06d", id))
    }
}

/// One step on an event's timeline (立案, 派遣, 反馈 …), who took it and what they said.
final class GridEventStep: Model, @unchecked Sendable {
    static let schema = "grid_event_steps"
    @ID(custom: "id", generatedBy: .database) var id: Int?
    @Field(key: "event_id") var eventID: Int
    @Field(key: "action") var action: String
    @OptionalField(key: "from_status") var fromStatus: GridEventStatus?
    @Field(key: "to_status") var toStatus: GridEventStatus
    @Field(key: "actor") var actor: GridEventActor
    @OptionalField(key: "user_id") var userID: Int?
    @Field(key: "note") var note: String
    @Field(key: "at") var at: Date
    init() {}
    init(eventID: Int, action: String, from: GridEventStatus?, to: GridEventStatus, actor: GridEventActor, userID: Int?, note: String, at: Date) {
        self.eventID = eventID; self.action = action; self.fromStatus = from; self.toStatus = to; self.actor = actor
        self.userID = userID; self.note = note; self.at = at
    }
}

/// The district's grid-event settings: time limits by category and urgency, working hours, and the working calendar's
/// additions (each new year's State Council notice, local days off). One row, JSON.
final class GridEventSettingsRecord: Model, @unchecked Sendable {
    static let schema = "grid_event_settings"
    @ID(custom: "id", generatedBy: .database) var id: Int?
    @Field(key: "json") var json: String
    @Timestamp(key: "updated_at", on: .update) var updatedAt: Date?
    init() {}
}

extension JSONEncoder {
    static let events: JSONEncoder = { let e = JSONEncoder(); e.dateEncodingStrategy = .secondsSince1970; e.outputFormatting = .sortedKeys; return e }()
}
extension JSONDecoder {
    static let events: JSONDecoder = { let d = JSONDecoder(); d.dateDecodingStrategy = .secondsSince1970; return d }()
}

struct CreateGridEvents: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema("responsible_units")
            .field("id", .int, .identifier(auto: true))
            .field("name", .string, .required)
            .field("kind", .string, .required)
            .field("division_id", .int, .required, .references("divisions", "id"))
            .field("phone", .string, .required)
            .field("active", .bool, .required)
            .unique(on: "name")
            .create()
        try await db.schema("grid_event_categories")
            .field("id", .int, .identifier(auto: true))
            .field("code", .string, .required)
            .field("parent_code", .string)
            .field("event_class", .string, .required)
            .field("name_zh", .string, .required)
            .field("name_en", .string, .required)
            .field("default_unit", .string)
            .field("active", .bool, .required)
            .field("sample", .bool, .required)
            .unique(on: "code")
            .create()
        try await db.schema("grid_events")
            .field("id", .int, .identifier(auto: true))
            .field("case_number", .string)
            .field("category_code", .string, .required)
            .field("urgency", .string, .required)
            .field("description", .string, .required)
            .field("address", .string, .required)
            .field("lat", .double)
            .field("lon", .double)
            .field("community_id", .int, .required, .references("divisions", "id"))
            .field("grid_id", .int, .references("divisions", "id"))
            .field("source", .string, .required)
            .field("reporter_id", .int, .references("users", "id"))
            .field("portal_request_id", .int)
            .field("centre_level", .string, .required)
            .field("status", .string, .required)
            .field("unit_id", .int, .references("responsible_units", "id"))
            .field("dispatched_at", .datetime)
            .field("deadline", .datetime)
            .field("limit_hours", .double)
            .field("round_the_clock", .bool, .required)
            .field("handled_at", .datetime)
            .field("closed_at", .datetime)
            .field("rework_count", .int, .required)
            .field("supervision", .string)
            .field("satisfaction", .string)
            .field("idempotency_key", .string)
            .field("state_json", .string, .required)
            .field("reported_at", .datetime, .required)
            .field("updated_at", .datetime)
            .unique(on: "idempotency_key")
            .create()
        try await db.schema("grid_event_steps")
            .field("id", .int, .identifier(auto: true))
            .field("event_id", .int, .required, .references("grid_events", "id", onDelete: .cascade))
            .field("action", .string, .required)
            .field("from_status", .string)
            .field("to_status", .string, .required)
            .field("actor", .string, .required)
            .field("user_id", .int, .references("users", "id"))
            .field("note", .string, .required)
            .field("at", .datetime, .required)
            .create()
        try await db.schema("grid_event_settings")
            .field("id", .int, .identifier(auto: true))
            .field("json", .string, .required)
            .field("updated_at", .datetime)
            .create()
        try await db.schema("users").field("unit_id", .int, .references("responsible_units", "id")).update()
        let sql = db as! any SQLDatabase
        try await sql.create(index: "idx_grid_events_scope").on("grid_events").column("community_id").column("reported_at").run()
        try await sql.create(index: "idx_grid_events_status").on("grid_events").column("status").column("centre_level").column("reported_at").run()
        try await sql.create(index: "idx_grid_events_unit").on("grid_events").column("unit_id").column("status").column("deadline").run()
        try await sql.create(index: "idx_grid_events_deadline").on("grid_events").column("deadline").run()
        try await sql.create(index: "idx_grid_event_steps_event").on("grid_event_steps").column("event_id").column("at").run()
        // The sample category table, marked as a sample (issue 19: not an official code list).
        for c in GridEventCategoryTable.sample.categories {
            let r = GridEventCategoryRow()
            r.code = c.code; r.parentCode = c.parentCode; r.eventClass = c.eventClass; r.nameZh = c.nameZh; r.nameEn = c.nameEn
            r.defaultUnit = c.defaultUnit; r.active = true; r.sample = true
            try await r.create(on: db)
        }
    }
    func revert(on db: any Database) async throws {
        try await db.schema("users").deleteField("unit_id").update()
        for t in ["grid_event_settings", "grid_event_steps", "grid_events", "grid_event_categories", "responsible_units"] { try await db.schema(t).delete() }
    }
}

/// Events taken up from a patrol finding or an inspection's hazard, linked both ways (like a portal request's).
struct AddGridEventOrigins: AsyncMigration {
    func prepare(on db: any Database) async throws {
        // One column per statement: SQLite's ALTER TABLE adds one at a time.
        try await db.schema("grid_events").field("patrol_log_id", .int).update()
        try await db.schema("grid_events").field("inspection_id", .int).update()
        try await db.schema("patrol_findings").field("event_id", .int, .references("grid_events", "id")).update()
        try await db.schema("inspections").field("event_id", .int, .references("grid_events", "id")).update()
    }
    func revert(on db: any Database) async throws {
        try await db.schema("inspections").deleteField("event_id").update()
        try await db.schema("patrol_findings").deleteField("event_id").update()
        try await db.schema("grid_events").deleteField("patrol_log_id").update()
        try await db.schema("grid_events").deleteField("inspection_id").update()
    }
}

extension GridEvent: ListedFields {
    var properties: [any AnyProperty] {
        [$id, $caseNumber, $categoryCode, $urgency, $description, $address, $lat, $lon, $communityID, $gridID, $source,
         $reporterID, $portalRequestID, $patrolLogID, $inspectionID, $centreLevel, $status, $unitID, $dispatchedAt,
         $deadline, $limitHours, $roundTheClock, $handledAt, $closedAt, $reworkCount, $supervision, $satisfaction,
         $idempotencyKey, $stateJSON, $reportedAt, $updatedAt]
    }
}

extension GridEventCategoryRow: ListedFields {
    var properties: [any AnyProperty] {
        [$id, $code, $parentCode, $eventClass, $nameZh, $nameEn, $defaultUnit, $active, $sample]
    }
}

extension ResponsibleUnit: ListedFields {
    var properties: [any AnyProperty] {
        [$id, $name, $kind, $divisionID, $phone, $active]
    }
}

extension GridEventStep: ListedFields {
    var properties: [any AnyProperty] {
        [$id, $eventID, $action, $fromStatus, $toStatus, $actor, $userID, $note, $at]
    }
}
