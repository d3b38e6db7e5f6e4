import Fluent
import SQLKit
import Vapor
import PinganKit

/// A resource of a plan placed on the map (应急资源: shelters, supply stores, equipment, vehicles, medical posts, fire
/// water): of the plan, not of one version, so a revision keeps them. Its point fixes its community (and grid).
final class EmergencyResource: Model, @unchecked Sendable {
    static let schema = "emergency_resources"
    @ID(custom: "id", generatedBy: .database) var id: Int?
    @Field(key: "family_id") var familyID: Int
    @Field(key: "kind") var kind: EmergencyResourceKind
    @Field(key: "name") var name: String
    /// People a shelter takes, sets of equipment … (`EmergencyResourceKind.unitZh`); nil when not counted.
    @OptionalField(key: "capacity") var capacity: Int?
    /// 管理单位/保管人: who keeps it and opens it (a unit or duty office, not a personal phone).
    @Field(key: "keeper") var keeper: String
    @Field(key: "address") var address: String
    @Field(key: "note") var note: String
    @Field(key: "lat") var lat: Double
    @Field(key: "lon") var lon: Double
    @Field(key: "community_id") var communityID: Int
    @OptionalField(key: "grid_id") var gridID: Int?
    @Field(key: "created_by_id") var createdByID: Int
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Timestamp(key: "updated_at", on: .update) var updatedAt: Date?
    init() {}
}

struct CreateEmergencyResources: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema(EmergencyResource.schema)
            .field("id", .int, .identifier(auto: true))
            .field("family_id", .int, .required)
            .field("kind", .string, .required)
            .field("name", .string, .required)
            .field("capacity", .int)
            .field("keeper", .string, .required)
            .field("address", .string, .required)
            .field("note", .string, .required)
            .field("lat", .double, .required)
            .field("lon", .double, .required)
            .field("community_id", .int, .required, .references("divisions", "id"))
            .field("grid_id", .int, .references("divisions", "id"))
            .field("created_by_id", .int, .required, .references("users", "id"))
            .field("created_at", .datetime)
            .field("updated_at", .datetime)
            .create()
        if let sql = db as? any SQLDatabase {
            try await sql.create(index: "idx_emergency_resources_family").on(EmergencyResource.schema).column("family_id").run()
            try await sql.create(index: "idx_emergency_resources_place").on(EmergencyResource.schema).column("community_id").column("lon").column("lat").run()
        }
    }
    func revert(on db: any Database) async throws { try await db.schema(EmergencyResource.schema).delete() }
}

struct EmergencyResourceDTO: Content {
    var id: Int, familyID: Int, kind: EmergencyResourceKind, kindName: String, name: String, capacity: Int?, unit: String
    var keeper: String, address: String, note: String, lat: Double, lon: Double, communityID: Int, community: String?, gridID: Int?
    var updatedAt: Date?
}
