import Fluent
import SQLKit
import Vapor
import PinganKit

/// 群组登记: one messaging group the community works through (楼栋群、网络群、物管群、中介群、警辅群), who runs it, how many
/// are in it, which officer is in it and when it was last checked. A registry only — nothing connects to WeChat.
final class CommunityGroup: Model, @unchecked Sendable {
    static let schema = "community_groups"
    @ID(custom: "id", generatedBy: .database) var id: Int?
    @Field(key: "community_id") var communityID: Int
    @OptionalField(key: "building_id") var buildingID: Int?
    @Field(key: "kind") var kind: GroupKind
    @Field(key: "name") var name: String
    @Field(key: "admin_name") var adminName: String
    @Field(key: "members") var members: Int
    @OptionalField(key: "officer_id") var officerID: Int?
    @OptionalField(key: "last_checked_on") var lastCheckedOn: String?
    @Field(key: "note") var note: String
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Timestamp(key: "updated_at", on: .update) var updatedAt: Date?
    init() {}
}

struct CreateCommunityGroups: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema("community_groups")
            .field("id", .int, .identifier(auto: true))
            .field("community_id", .int, .required, .references("divisions", "id"))
            .field("building_id", .int, .references("divisions", "id"))
            .field("kind", .string, .required)
            .field("name", .string, .required)
            .field("admin_name", .string, .required)
            .field("members", .int, .required)
            .field("officer_id", .int, .references("users", "id"))
            .field("last_checked_on", .string)
            .field("note", .string, .required)
            .field("created_at", .datetime)
            .field("updated_at", .datetime)
            .create()
        if let sql = db as? any SQLDatabase {
            try await sql.raw("CREATE INDEX community_groups_community ON community_groups (community_id, kind)").run()
        }
    }
    func revert(on db: any Database) async throws { try await db.schema("community_groups").delete() }
}

struct CommunityGroupDTO: Content {
    var id: Int, communityID: Int, community: String?, buildingID: Int?, building: String?, kind: GroupKind, name: String, adminName: String
    var members: Int, officerID: Int?, officer: String?, lastCheckedOn: String?, dueForCheck: Bool, note: String
}
