import Fluent
import SQLKit
import Vapor
import PinganKit

/// 联合执法 / 专项整治: a campaign of the district (or of one street) against a kind of place or problem, led by one unit
/// with the departments taking part (`CampaignDepartment`), over a period, with its list of places (`CampaignTarget`).
/// Visible to every governance reader whose work lies in its area; its places are scoped like any community record.
final class Campaign: Model, @unchecked Sendable {
    static let schema = "campaigns"
    @ID(custom: "id", generatedBy: .database) var id: Int?
    @Field(key: "name") var name: String
    /// The district, or one street for a street's own campaign.
    @Field(key: "area_division_id") var areaDivisionID: Int
    @Field(key: "lead_unit_id") var leadUnitID: Int
    @Field(key: "starts_on") var startsOn: String
    @Field(key: "ends_on") var endsOn: String
    @Field(key: "goal") var goal: String
    @Field(key: "created_by_id") var createdByID: Int
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Timestamp(key: "updated_at", on: .update) var updatedAt: Date?
    init() {}

    func phase(today: String) -> CampaignPhase { .of(startsOn: startsOn, endsOn: endsOn, today: today) }
}

/// A department taking part (各司其职): the unit and its duty in this campaign.
final class CampaignDepartment: Model, @unchecked Sendable {
    static let schema = "campaign_departments"
    @ID(custom: "id", generatedBy: .database) var id: Int?
    @Field(key: "campaign_id") var campaignID: Int
    @Field(key: "unit_id") var unitID: Int
    @Field(key: "duty") var duty: String
    init() {}
    init(campaignID: Int, unitID: Int, duty: String) { self.campaignID = campaignID; self.unitID = unitID; self.duty = duty }
}

/// One place to put right: from the registry (`site_id`) or named here, 挂帐 or 帐外, given to a department, rectified
/// and closed (销帐) with what was done as evidence.
final class CampaignTarget: Model, @unchecked Sendable {
    static let schema = "campaign_targets"
    @ID(custom: "id", generatedBy: .database) var id: Int?
    @Field(key: "campaign_id") var campaignID: Int
    @Field(key: "ledger") var ledger: CampaignLedger
    @OptionalField(key: "site_id") var siteID: Int?
    @Field(key: "name") var name: String
    @Field(key: "address") var address: String
    @Field(key: "community_id") var communityID: Int
    @Field(key: "problems") var problems: String
    @OptionalField(key: "department_id") var departmentID: Int?
    @Field(key: "status") var status: CampaignTargetStatus
    /// What is being done (整治中), and at 销帐 what was done — the evidence the closure rests on.
    @Field(key: "progress_note") var progressNote: String
    @Field(key: "evidence") var evidence: String
    @OptionalField(key: "closed_on") var closedOn: String?
    @OptionalField(key: "closed_by_id") var closedByID: Int?
    @Field(key: "created_by_id") var createdByID: Int
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Timestamp(key: "updated_at", on: .update) var updatedAt: Date?
    init() {}
}

struct CreateCampaigns: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema("campaigns")
            .field("id", .int, .identifier(auto: true))
            .field("name", .string, .required)
            .field("area_division_id", .int, .required, .references("divisions", "id"))
            .field("lead_unit_id", .int, .required, .references("responsible_units", "id"))
            .field("starts_on", .string, .required)
            .field("ends_on", .string, .required)
            .field("goal", .string, .required)
            .field("created_by_id", .int, .required, .references("users", "id"))
            .field("created_at", .datetime)
            .field("updated_at", .datetime)
            .create()
        try await db.schema("campaign_departments")
            .field("id", .int, .identifier(auto: true))
            .field("campaign_id", .int, .required, .references("campaigns", "id", onDelete: .cascade))
            .field("unit_id", .int, .required, .references("responsible_units", "id"))
            .field("duty", .string, .required)
            .unique(on: "campaign_id", "unit_id")
            .create()
        try await db.schema("campaign_targets")
            .field("id", .int, .identifier(auto: true))
            .field("campaign_id", .int, .required, .references("campaigns", "id"))
            .field("ledger", .string, .required)
            .field("site_id", .int, .references("sites", "id"))
            .field("name", .string, .required)
            .field("address", .string, .required)
            .field("community_id", .int, .required, .references("divisions", "id"))
            .field("problems", .string, .required)
            .field("department_id", .int, .references("responsible_units", "id"))
            .field("status", .string, .required)
            .field("progress_note", .string, .required)
            .field("evidence", .string, .required)
            .field("closed_on", .string)
            .field("closed_by_id", .int, .references("users", "id"))
            .field("created_by_id", .int, .required, .references("users", "id"))
            .field("created_at", .datetime)
            .field("updated_at", .datetime)
            .create()
        if let sql = db as? any SQLDatabase {
            // A campaign's list and its progress (both read the whole campaign, narrowed by community).
            try await sql.raw("CREATE INDEX campaign_targets_campaign ON campaign_targets (campaign_id, community_id)").run()
            // The same registry place is listed once per campaign.
            try await sql.raw("CREATE UNIQUE INDEX campaign_targets_site ON campaign_targets (campaign_id, site_id)").run()
        }
    }
    func revert(on db: any Database) async throws {
        try await db.schema("campaign_targets").delete()
        try await db.schema("campaign_departments").delete()
        try await db.schema("campaigns").delete()
    }
}

struct CampaignDepartmentDTO: Content { var unitID: Int; var unit: String; var duty: String }

struct CampaignDTO: Content {
    var id: Int, name: String, areaID: Int, area: String?, leadUnitID: Int, leadUnit: String?
    var startsOn: String, endsOn: String, phase: CampaignPhase, goal: String
    var departments: [CampaignDepartmentDTO]
    var createdAt: Date?, updatedAt: Date?
}

struct CampaignTargetDTO: Content {
    var id: Int, campaignID: Int, ledger: CampaignLedger, siteID: Int?, name: String, address: String
    var communityID: Int, community: String?, problems: String, departmentID: Int?, department: String?
    var status: CampaignTargetStatus, progressNote: String, evidence: String, closedOn: String?
    var createdAt: Date?, updatedAt: Date?
    /// Photos of the rectification (one place's answer only; lists leave them out).
    var photos: [PhotoDTO]?

    init(_ t: CampaignTarget, community: String?, department: String?) {
        id = t.id ?? 0; campaignID = t.campaignID; ledger = t.ledger; siteID = t.siteID; name = t.name; address = t.address
        communityID = t.communityID; self.community = community; problems = t.problems; departmentID = t.departmentID; self.department = department
        status = t.status; progressNote = t.progressNote; evidence = t.evidence; closedOn = t.closedOn; createdAt = t.createdAt; updatedAt = t.updatedAt
    }
}
