import Fluent
import SQLKit
import Foundation
import PinganKit

/// 警情: one entry of the incident reception ledger (接处警台账).
final class Incident: Model, @unchecked Sendable {
    static let schema = "incidents"
    @ID(custom: "id", generatedBy: .database) var id: Int?
    @Field(key: "source") var source: IncidentSource
    @Field(key: "category") var category: IncidentCategory
    @Field(key: "subcategory") var subcategory: String
    /// Copied from the code table when saved, so statistics filter on one indexed column.
    @Field(key: "preventable") var preventable: Bool
    @Field(key: "occurred_at") var occurredAt: Date
    @Field(key: "reported_at") var reportedAt: Date
    @Field(key: "community_id") var communityID: Int
    @OptionalField(key: "grid_id") var gridID: Int?
    @OptionalField(key: "building_id") var buildingID: Int?
    @Field(key: "address") var address: String
    @OptionalField(key: "latitude") var latitude: Double?
    @OptionalField(key: "longitude") var longitude: Double?
    @Field(key: "modus_operandi") var modusOperandi: String // 作案手段
    @Field(key: "description") var description: String
    @OptionalField(key: "handling_officer_id") var handlingOfficerID: Int?
    @Field(key: "status") var status: IncidentStatus
    @OptionalField(key: "filed_at") var filedAt: Date?   // 立案
    @OptionalField(key: "solved_at") var solvedAt: Date? // 破案
    @Field(key: "created_by_id") var createdByID: Int
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Timestamp(key: "updated_at", on: .update) var updatedAt: Date?
    init() {}
}

/// One status transition, kept forever (who/when/note).
final class IncidentEvent: Model, @unchecked Sendable {
    static let schema = "incident_events"
    @ID(custom: "id", generatedBy: .database) var id: Int?
    @Field(key: "incident_id") var incidentID: Int
    @OptionalField(key: "from_status") var fromStatus: IncidentStatus?
    @Field(key: "to_status") var toStatus: IncidentStatus
    @Field(key: "note") var note: String
    @Field(key: "user_id") var userID: Int
    @Field(key: "at") var at: Date
    init() {}
    init(incidentID: Int, from: IncidentStatus?, to: IncidentStatus, note: String, userID: Int, at: Date) {
        self.incidentID = incidentID; self.fromStatus = from; self.toStatus = to; self.note = note; self.userID = userID; self.at = at
    }
}

/// 警情回访: a follow-up visit after handling.
final class IncidentFollowUp: Model, @unchecked Sendable {
    static let schema = "incident_followups"
    @ID(custom: "id", generatedBy: .database) var id: Int?
    @Field(key: "incident_id") var incidentID: Int
    @Field(key: "visited_at") var visitedAt: Date
    @Field(key: "visitor_id") var visitorID: Int
    @Field(key: "satisfied") var satisfied: Bool
    @Field(key: "note") var note: String
    init() {}
}

/// The district's copy of the subcategory code table; defaults come from `IncidentTaxonomy`.
final class IncidentSubcategoryRow: Model, @unchecked Sendable {
    static let schema = "incident_subcategories"
    @ID(custom: "id", generatedBy: .database) var id: Int?
    @Field(key: "code") var code: String
    @Field(key: "category") var category: IncidentCategory
    @Field(key: "name_zh") var nameZh: String
    @Field(key: "name_en") var nameEn: String
    @Field(key: "preventable") var preventable: Bool
    @Field(key: "sort_order") var sortOrder: Int
    init() {}
    var value: IncidentSubcategory { .init(code: code, category: category, nameZh: nameZh, nameEn: nameEn, preventable: preventable) }
}

struct CreateIncidents: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema("incident_subcategories")
            .field("id", .int, .identifier(auto: true))
            .field("code", .string, .required)
            .field("category", .string, .required)
            .field("name_zh", .string, .required)
            .field("name_en", .string, .required)
            .field("preventable", .bool, .required)
            .field("sort_order", .int, .required)
            .unique(on: "code")
            .create()
        for (i, s) in IncidentTaxonomy.defaultSubcategories.enumerated() {
            let row = IncidentSubcategoryRow()
            row.code = s.code; row.category = s.category; row.nameZh = s.nameZh; row.nameEn = s.nameEn
            row.preventable = s.preventable; row.sortOrder = i
            try await row.create(on: db)
        }
        try await db.schema("incidents")
            .field("id", .int, .identifier(auto: true))
            .field("source", .string, .required)
            .field("category", .string, .required)
            .field("subcategory", .string, .required)
            .field("preventable", .bool, .required)
            .field("occurred_at", .datetime, .required)
            .field("reported_at", .datetime, .required)
            .field("community_id", .int, .required, .references("divisions", "id"))
            .field("grid_id", .int, .references("divisions", "id"))
            .field("building_id", .int, .references("divisions", "id"))
            .field("address", .string, .required)
            .field("latitude", .double)
            .field("longitude", .double)
            .field("modus_operandi", .string, .required)
            .field("description", .string, .required)
            .field("handling_officer_id", .int, .references("users", "id"))
            .field("status", .string, .required)
            .field("filed_at", .datetime)
            .field("solved_at", .datetime)
            .field("created_by_id", .int, .required, .references("users", "id"))
            .field("created_at", .datetime)
            .field("updated_at", .datetime)
            .create()
        try await db.schema("incident_events")
            .field("id", .int, .identifier(auto: true))
            .field("incident_id", .int, .required, .references("incidents", "id", onDelete: .cascade))
            .field("from_status", .string)
            .field("to_status", .string, .required)
            .field("note", .string, .required)
            .field("user_id", .int, .required, .references("users", "id"))
            .field("at", .datetime, .required)
            .create()
        try await db.schema("incident_followups")
            .field("id", .int, .identifier(auto: true))
            .field("incident_id", .int, .required, .references("incidents", "id", onDelete: .cascade))
            .field("visited_at", .datetime, .required)
            .field("visitor_id", .int, .required, .references("users", "id"))
            .field("satisfied", .bool, .required)
            .field("note", .string, .required)
            .create()
        let sql = db as! any SQLDatabase
        // The ledger's hot paths: a community's month, the whole district's month, and a grid.
        try await sql.create(index: "idx_incidents_community_time").on("incidents").column("community_id").column("occurred_at").run()
        try await sql.create(index: "idx_incidents_time").on("incidents").column("occurred_at").run()
        try await sql.create(index: "idx_incidents_grid").on("incidents").column("grid_id").run()
        try await sql.create(index: "idx_incident_events_incident").on("incident_events").column("incident_id").run()
        try await sql.create(index: "idx_incident_followups_incident").on("incident_followups").column("incident_id").run()
    }
    func revert(on db: any Database) async throws {
        for t in ["incident_followups", "incident_events", "incidents", "incident_subcategories"] { try await db.schema(t).delete() }
    }
}

extension Incident: ListedFields {
    var properties: [any AnyProperty] {
        [$id, $source, $category, $subcategory, $preventable, $occurredAt, $reportedAt, $communityID, $gridID, $buildingID,
         $address, $latitude, $longitude, $modusOperandi, $description, $handlingOfficerID, $status, $filedAt, $solvedAt,
         $createdByID, $createdAt, $updatedAt]
    }
}
