import Fluent
import SQLKit
import Foundation
import PinganKit

/// A place or thing of the baseline registry: building, rental, compound, organisation, venue,
/// camera, checkpoint … (`SiteKind` in PinganKit declares each kind's own fields).
/// The contact's phone is sealed like a person's; kind-specific fields are stored as sorted JSON,
/// the main classification (`subtype`) in its own indexed column so lists and charts group on it.
final class Site: Model, @unchecked Sendable {
    static let schema = "sites"
    @ID(custom: "id", generatedBy: .database) var id: Int?
    @Field(key: "kind") var kind: SiteKind
    @OptionalField(key: "subtype") var subtype: String?
    @Field(key: "name") var name: String
    @Field(key: "licence") var licence: String
    @Field(key: "address") var address: String
    @Field(key: "community_id") var communityID: Int
    @OptionalField(key: "grid_id") var gridID: Int?
    @OptionalField(key: "building_id") var buildingID: Int?
    @Field(key: "contact_name") var contactName: String
    @OptionalField(key: "contact_phone_sealed") var contactPhoneSealed: String?
    @OptionalField(key: "contact_phone_index") var contactPhoneIndex: String?
    @OptionalField(key: "contact_phone_masked") var contactPhoneMasked: String?
    @Field(key: "status") var status: SiteStatus
    @Field(key: "attributes") var attributes: String
    @OptionalField(key: "last_inspected_on") var lastInspectedOn: String?
    @Field(key: "note") var note: String
    @Field(key: "created_by_id") var createdByID: Int
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Timestamp(key: "updated_at", on: .update) var updatedAt: Date?
    init() {}

    var values: [String: String] { SiteAttributes.decode(attributes) }
}

enum SiteStatus: String, Codable, CaseIterable, Sendable {
    case active, suspended, closed
    var zh: String { switch self { case .active: "在营/在用"; case .suspended: "停业/停用"; case .closed: "已注销/拆除" } }
    var en: String { switch self { case .active: "Active"; case .suspended: "Suspended"; case .closed: "Closed" } }
}

/// A registered person in a role at a site: the 桩钉 of a building, a rental's landlord and tenants,
/// an organisation's legal representative and security head.
final class SiteMember: Model, @unchecked Sendable {
    static let schema = "site_members"
    @ID(custom: "id", generatedBy: .database) var id: Int?
    @Field(key: "site_id") var siteID: Int
    @Field(key: "person_id") var personID: Int
    @Field(key: "role") var role: SiteRole
    @Field(key: "unit") var unit: String
    @Field(key: "floor") var floor: String
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    init() {}
}

struct CreateSites: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema("sites")
            .field("id", .int, .identifier(auto: true))
            .field("kind", .string, .required)
            .field("subtype", .string)
            .field("name", .string, .required)
            .field("licence", .string, .required)
            .field("address", .string, .required)
            .field("community_id", .int, .required, .references("divisions", "id"))
            .field("grid_id", .int, .references("divisions", "id"))
            .field("building_id", .int, .references("divisions", "id"))
            .field("contact_name", .string, .required)
            .field("contact_phone_sealed", .string)
            .field("contact_phone_index", .string)
            .field("contact_phone_masked", .string)
            .field("status", .string, .required)
            .field("attributes", .string, .required)
            .field("last_inspected_on", .string)
            .field("note", .string, .required)
            .field("created_by_id", .int, .required, .references("users", "id"))
            .field("created_at", .datetime)
            .field("updated_at", .datetime)
            // The natural key that CSV re-imports update by: one name per kind per community.
            .unique(on: "kind", "community_id", "name")
            .create()
        try await db.schema("site_members")
            .field("id", .int, .identifier(auto: true))
            .field("site_id", .int, .required, .references("sites", "id", onDelete: .cascade))
            .field("person_id", .int, .required, .references("people", "id"))
            .field("role", .string, .required)
            .field("unit", .string, .required)
            .field("floor", .string, .required)
            .field("created_at", .datetime)
            .unique(on: "site_id", "person_id", "role")
            .create()
        let sql = db as! any SQLDatabase
        try await sql.create(index: "idx_sites_scope").on("sites").column("community_id").column("kind").column("subtype").run()
        try await sql.create(index: "idx_sites_kind").on("sites").column("kind").column("id").run()
        try await sql.create(index: "idx_site_members_person").on("site_members").column("person_id").run()
        try await sql.create(index: "idx_people_building").on("people").column("building_id").column("room").run()
    }
    func revert(on db: any Database) async throws {
        try await db.schema("site_members").delete()
        try await db.schema("sites").delete()
    }
}
