import Fluent
import SQLKit
import Vapor
import PinganKit

/// 信访登记: one batch (批次) — a letter, or one visit by one or more people about one matter — with the highest office
/// it reached and how it was handled. It belongs to the community where the matter arises: the community's officer,
/// the station and the district's governance office see it; grid workers do not (community grain).
final class Petition: Model, @unchecked Sendable {
    static let schema = "petitions"

    @ID(custom: "id", generatedBy: .database) var id: Int?
    @Field(key: "community_id") var communityID: Int
    /// yyyy-MM-dd, local: the day the letter arrived or the visit was made.
    @Field(key: "received_on") var receivedOn: String
    @Field(key: "channel") var channel: PetitionChannel
    @Field(key: "level") var level: PetitionLevel
    @Field(key: "subject") var subject: PetitionSubject
    @Field(key: "people") var people: Int
    /// 集体访, decided by `PetitionRules.isCollective` when saved (stored so lists and statistics filter on it).
    @Field(key: "collective") var collective: Bool
    /// The petitioner or the group's representative, as they gave their name.
    @Field(key: "petitioner") var petitioner: String
    @Field(key: "summary") var summary: String
    @Field(key: "handling_unit") var handlingUnit: String
    @Field(key: "status") var status: PetitionStatus
    @Field(key: "result") var result: String
    @OptionalField(key: "concluded_on") var concludedOn: String?
    /// The dispute file behind the petition, if any: a collective petition linked to a file means the file did not
    /// prevent it (防止群体性上访 does not count it).
    @OptionalField(key: "dispute_id") var disputeID: Int?
    @OptionalField(key: "incident_id") var incidentID: Int?
    @Field(key: "created_by_id") var createdByID: Int
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Timestamp(key: "updated_at", on: .update) var updatedAt: Date?
    init() {}

    /// 信访编号 on paper: XF + year received + id.
    var number: String {
        let n = String(id ?? 0)
        return "XF\(receivedOn.prefix(4))-" + String(repeating: "0", count: max(0, 5 - n.count)) + n
    }
}

struct CreatePetitions: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema("petitions")
            .field("id", .int, .identifier(auto: true))
            .field("community_id", .int, .required, .references("divisions", "id"))
            .field("received_on", .string, .required)
            .field("channel", .string, .required)
            .field("level", .string, .required)
            .field("subject", .string, .required)
            .field("people", .int, .required)
            .field("collective", .bool, .required)
            .field("petitioner", .string, .required)
            .field("summary", .string, .required)
            .field("handling_unit", .string, .required)
            .field("status", .string, .required)
            .field("result", .string, .required)
            .field("concluded_on", .string)
            .field("dispute_id", .int, .references("disputes", "id"))
            .field("incident_id", .int, .references("incidents", "id"))
            .field("created_by_id", .int, .required, .references("users", "id"))
            .field("created_at", .datetime)
            .field("updated_at", .datetime)
            .create()
        if let sql = db as? any SQLDatabase {
            // The register (newest first within a community) and the statistics (a period's rows by level).
            try await sql.raw("CREATE INDEX petitions_community_received ON petitions (community_id, received_on)").run()
            try await sql.raw("CREATE INDEX petitions_received ON petitions (received_on)").run()
            try await sql.raw("CREATE INDEX petitions_dispute ON petitions (dispute_id)").run()
        }
    }
    func revert(on db: any Database) async throws { try await db.schema("petitions").delete() }
}

struct PetitionDTO: Content {
    var id: Int
    var number: String
    var communityID: Int
    var community: String?
    var receivedOn: String
    var channel: PetitionChannel
    var level: PetitionLevel
    var subject: PetitionSubject
    var people: Int
    var collective: Bool
    var petitioner: String
    var summary: String
    var handlingUnit: String
    var status: PetitionStatus
    var result: String
    var concludedOn: String?
    var disputeID: Int?
    var incidentID: Int?
    var createdAt: Date?
    var updatedAt: Date?

    init(_ p: Petition, community: String? = nil) {
        id = p.id ?? 0; number = p.number; communityID = p.communityID; self.community = community; receivedOn = p.receivedOn
        channel = p.channel; level = p.level; subject = p.subject; people = p.people; collective = p.collective; petitioner = p.petitioner
        summary = p.summary; handlingUnit = p.handlingUnit; status = p.status; result = p.result; concludedOn = p.concludedOn
        disputeID = p.disputeID; incidentID = p.incidentID; createdAt = p.createdAt; updatedAt = p.updatedAt
    }
}
