import Fluent
import SQLKit
import Vapor
import PinganKit

/// 合署办公: a community's integrated governance–police office — its director (the community secretary), its deputy (the
/// community officer) and its members — and, in `IntegrationCheck`, its self-assessment against the six integrations.
final class IntegratedOffice: Model, @unchecked Sendable {
    static let schema = "integrated_offices"
    @ID(custom: "id", generatedBy: .database) var id: Int?
    @Field(key: "community_id") var communityID: Int
    @Field(key: "director") var director: String
    @OptionalField(key: "deputy_id") var deputyID: Int?
    /// Grid workers, social workers, auxiliary police … one per line, as the office lists them.
    @Field(key: "members") var members: String
    @OptionalField(key: "established_on") var establishedOn: String?
    @Field(key: "note") var note: String
    @Timestamp(key: "updated_at", on: .update) var updatedAt: Date?
    init() {}
}

final class IntegrationCheck: Model, @unchecked Sendable {
    static let schema = "integration_checks"
    @ID(custom: "id", generatedBy: .database) var id: Int?
    @Field(key: "office_id") var officeID: Int
    @Field(key: "item") var item: Integration
    @Field(key: "status") var status: IntegrationStatus
    @Field(key: "evidence") var evidence: String
    @Field(key: "checked_on") var checkedOn: String
    @Field(key: "checked_by_id") var checkedByID: Int
    init() {}
}

struct CreateIntegratedOffices: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema("integrated_offices")
            .field("id", .int, .identifier(auto: true))
            .field("community_id", .int, .required, .references("divisions", "id"))
            .field("director", .string, .required)
            .field("deputy_id", .int, .references("users", "id"))
            .field("members", .string, .required)
            .field("established_on", .string)
            .field("note", .string, .required)
            .field("updated_at", .datetime)
            .unique(on: "community_id")
            .create()
        try await db.schema("integration_checks")
            .field("id", .int, .identifier(auto: true))
            .field("office_id", .int, .required, .references("integrated_offices", "id"))
            .field("item", .string, .required)
            .field("status", .string, .required)
            .field("evidence", .string, .required)
            .field("checked_on", .string, .required)
            .field("checked_by_id", .int, .required, .references("users", "id"))
            .unique(on: "office_id", "item")
            .create()
    }
    func revert(on db: any Database) async throws {
        try await db.schema("integration_checks").delete()
        try await db.schema("integrated_offices").delete()
    }
}

struct IntegrationDTO: Content {
    var item: Integration, name: String, expectation: String, status: IntegrationStatus?, statusName: String?, evidence: String, checkedOn: String?, computed: Bool
}

struct IntegratedOfficeDTO: Content {
    var communityID: Int, community: String, established: Bool, director: String, deputyID: Int?, deputy: String?, members: String
    var establishedOn: String?, note: String, inPlace: Int, integrations: [IntegrationDTO]
}
