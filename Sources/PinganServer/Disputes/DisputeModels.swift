import Fluent
import SQLKit
import Foundation
import PinganKit

/// 矛盾纠纷档案: one file per issue (一事一档) from registration to follow-up. The workflow rules are in
/// `PinganKit/Disputes`; every change is also written to `dispute_events` (the file's timeline).
final class Dispute: Model, @unchecked Sendable {
    static let schema = "disputes"
    @ID(custom: "id", generatedBy: .database) var id: Int?
    @Field(key: "type") var type: DisputeType
    @Field(key: "source") var source: DisputeSource
    @Field(key: "summary") var summary: String            // 纠纷简要情况
    @Field(key: "people_involved") var peopleInvolved: Int
    @Field(key: "community_id") var communityID: Int
    @OptionalField(key: "grid_id") var gridID: Int?
    @Field(key: "address") var address: String
    @Field(key: "risk_mass_petition") var riskMassPetition: Bool // 可能引发群体性上访
    @Field(key: "risk_group_fight") var riskGroupFight: Bool     // 可能引发群体性械斗
    @Field(key: "risk_criminal") var riskCriminal: Bool          // 民转刑风险
    @Field(key: "status") var status: DisputeStatus
    /// The level whose queue holds the file (set by intake routing, changed by assignment and escalation).
    @Field(key: "level") var level: DisputeLevel
    @OptionalField(key: "mediator_id") var mediatorID: Int?
    @OptionalField(key: "referred_to") var referredTo: ReferralChannel?
    @OptionalField(key: "outcome") var outcome: DisputeOutcome?
    @Field(key: "agreement_terms") var agreementTerms: String
    @Field(key: "decline_reason") var declineReason: String
    @Field(key: "registered_at") var registeredAt: Date
    @OptionalField(key: "accepted_on") var acceptedOn: String?   // yyyy-MM-dd, local
    @OptionalField(key: "due_on") var dueOn: String?             // last day of the time limit
    @OptionalField(key: "closed_at") var closedAt: Date?
    @OptionalField(key: "follow_up_kept") var followUpKept: Bool?
    @Field(key: "escalations") var escalations: Int
    /// 民转刑复查: a later criminal incident is linked to this dispute.
    @Field(key: "criminal_review") var criminalReview: Bool
    @Field(key: "created_by_id") var createdByID: Int
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Timestamp(key: "updated_at", on: .update) var updatedAt: Date?
    init() {}

    var anyRisk: Bool { riskMassPetition || riskGroupFight || riskCriminal }
    /// 档案编号 shown on paper: year of registration and the id.
    func fileNumber(_ cal: LocalCalendar) -> String {
        "TJ\(cal.yearMonth(of: registeredAt).year)-" + String(repeating: "0", count: max(0, 6 - String(id ?? 0).count)) + String(id ?? 0)
    }
}

enum DisputeSide: String, Codable, CaseIterable, Sendable {
    case applicant, respondent
    var zh: String { self == .applicant ? "申请人" : "被申请人" }
    var en: String { self == .applicant ? "Applicant" : "Respondent" }
}

/// A party: a registry person (by id) or a name as given at the desk.
final class DisputeParty: Model, @unchecked Sendable {
    static let schema = "dispute_parties"
    @ID(custom: "id", generatedBy: .database) var id: Int?
    @Field(key: "dispute_id") var disputeID: Int
    @Field(key: "side") var side: DisputeSide
    @Field(key: "name") var name: String
    @OptionalField(key: "person_id") var personID: Int?
    init() {}
}

/// One line of the timeline: who did what, when, and the state before and after.
final class DisputeEvent: Model, @unchecked Sendable {
    static let schema = "dispute_events"
    @ID(custom: "id", generatedBy: .database) var id: Int?
    @Field(key: "dispute_id") var disputeID: Int
    @Field(key: "action") var action: String
    @OptionalField(key: "from_status") var fromStatus: DisputeStatus?
    @Field(key: "to_status") var toStatus: DisputeStatus
    @Field(key: "level") var level: DisputeLevel
    @Field(key: "detail") var detail: String
    @Field(key: "user_id") var userID: Int
    @Field(key: "at") var at: Date
    init() {}
    init(disputeID: Int, action: String, from: DisputeStatus?, to: DisputeStatus, level: DisputeLevel, detail: String, userID: Int, at: Date) {
        self.disputeID = disputeID; self.action = action; self.fromStatus = from; self.toStatus = to; self.level = level
        self.detail = detail; self.userID = userID; self.at = at
    }
}

/// A link between a dispute and an incident (made from either side; one row per pair).
final class DisputeIncidentLink: Model, @unchecked Sendable {
    static let schema = "dispute_incident_links"
    @ID(custom: "id", generatedBy: .database) var id: Int?
    @Field(key: "dispute_id") var disputeID: Int
    @Field(key: "incident_id") var incidentID: Int
    @Field(key: "user_id") var userID: Int
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    init() {}
}

/// 调解记录: one mediation session.
final class DisputeSession: Model, @unchecked Sendable {
    static let schema = "dispute_sessions"
    @ID(custom: "id", generatedBy: .database) var id: Int?
    @Field(key: "dispute_id") var disputeID: Int
    @Field(key: "held_on") var heldOn: String
    @Field(key: "participants") var participants: String
    @Field(key: "minutes") var minutes: String
    @Field(key: "user_id") var userID: Int
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    init() {}
}

struct CreateDisputes: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema("disputes")
            .field("id", .int, .identifier(auto: true))
            .field("type", .string, .required)
            .field("source", .string, .required)
            .field("summary", .string, .required)
            .field("people_involved", .int, .required)
            .field("community_id", .int, .required, .references("divisions", "id"))
            .field("grid_id", .int, .references("divisions", "id"))
            .field("address", .string, .required)
            .field("risk_mass_petition", .bool, .required)
            .field("risk_group_fight", .bool, .required)
            .field("risk_criminal", .bool, .required)
            .field("status", .string, .required)
            .field("level", .string, .required)
            .field("mediator_id", .int, .references("users", "id"))
            .field("referred_to", .string)
            .field("outcome", .string)
            .field("agreement_terms", .string, .required)
            .field("decline_reason", .string, .required)
            .field("registered_at", .datetime, .required)
            .field("accepted_on", .string)
            .field("due_on", .string)
            .field("closed_at", .datetime)
            .field("follow_up_kept", .bool)
            .field("escalations", .int, .required)
            .field("criminal_review", .bool, .required)
            .field("created_by_id", .int, .required, .references("users", "id"))
            .field("created_at", .datetime)
            .field("updated_at", .datetime)
            .create()
        try await db.schema("dispute_parties")
            .field("id", .int, .identifier(auto: true))
            .field("dispute_id", .int, .required, .references("disputes", "id", onDelete: .cascade))
            .field("side", .string, .required)
            .field("name", .string, .required)
            .field("person_id", .int, .references("people", "id"))
            .create()
        try await db.schema("dispute_events")
            .field("id", .int, .identifier(auto: true))
            .field("dispute_id", .int, .required, .references("disputes", "id", onDelete: .cascade))
            .field("action", .string, .required)
            .field("from_status", .string)
            .field("to_status", .string, .required)
            .field("level", .string, .required)
            .field("detail", .string, .required)
            .field("user_id", .int, .required, .references("users", "id"))
            .field("at", .datetime, .required)
            .create()
        try await db.schema("dispute_sessions")
            .field("id", .int, .identifier(auto: true))
            .field("dispute_id", .int, .required, .references("disputes", "id", onDelete: .cascade))
            .field("held_on", .string, .required)
            .field("participants", .string, .required)
            .field("minutes", .string, .required)
            .field("user_id", .int, .required, .references("users", "id"))
            .field("created_at", .datetime)
            .create()
        try await db.schema("dispute_incident_links")
            .field("id", .int, .identifier(auto: true))
            .field("dispute_id", .int, .required, .references("disputes", "id", onDelete: .cascade))
            .field("incident_id", .int, .required, .references("incidents", "id", onDelete: .cascade))
            .field("user_id", .int, .required, .references("users", "id"))
            .field("created_at", .datetime)
            .unique(on: "dispute_id", "incident_id")
            .create()
        let sql = db as! any SQLDatabase
        try await sql.create(index: "idx_dispute_links_incident").on("dispute_incident_links").column("incident_id").run()
        // Lists by community and time, the mediator's worklist, the level queues and the overdue scan.
        try await sql.create(index: "idx_disputes_community_time").on("disputes").column("community_id").column("registered_at").run()
        try await sql.create(index: "idx_disputes_mediator").on("disputes").column("mediator_id").column("status").run()
        try await sql.create(index: "idx_disputes_level_status").on("disputes").column("level").column("status").column("due_on").run()
        try await sql.create(index: "idx_dispute_parties_dispute").on("dispute_parties").column("dispute_id").run()
        try await sql.create(index: "idx_dispute_parties_person").on("dispute_parties").column("person_id").run()
        try await sql.create(index: "idx_dispute_events_dispute").on("dispute_events").column("dispute_id").run()
        try await sql.create(index: "idx_dispute_sessions_dispute").on("dispute_sessions").column("dispute_id").run()
    }
    func revert(on db: any Database) async throws {
        for t in ["dispute_incident_links", "dispute_sessions", "dispute_events", "dispute_parties", "disputes"] { try await db.schema(t).delete() }
    }
}
