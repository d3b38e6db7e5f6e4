import Fluent
import SQLKit

struct CreateJurisdiction: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema("stations")
            .field("id", .int, .identifier(auto: true))
            .field("name", .string, .required)
            .field("address", .string, .required)
            .field("phone", .string, .required)
            .field("division_id", .int, .required)
            .create()
        try await db.schema("police_offices")
            .field("id", .int, .identifier(auto: true))
            .field("name", .string, .required)
            .field("kind", .string, .required)
            .field("station_id", .int, .required, .references("stations", "id"))
            .field("address", .string, .required)
            .field("hours", .string, .required)
            .field("phone", .string, .required)
            .create()
        try await db.schema("divisions")
            .field("id", .int, .identifier(auto: true))
            .field("code", .string, .required)
            .field("name", .string, .required)
            .field("level", .string, .required)
            .field("parent_id", .int, .references("divisions", "id"))
            .field("kind", .string)
            .field("code_generated", .bool, .required)
            .field("registered_population", .int, .required)
            .field("resident_population", .int, .required)
            .field("floating_population", .int, .required)
            .field("boundary_geojson", .string)
            .field("centroid_lat", .double)
            .field("centroid_lon", .double)
            .field("station_id", .int, .references("stations", "id"))
            .field("office_id", .int, .references("police_offices", "id"))
            .field("community_id", .int, .references("divisions", "id"))
            .field("updated_at", .datetime)
            .unique(on: "code")
            .create()
        let sql = db as! any SQLDatabase
        try await sql.create(index: "idx_divisions_parent").on("divisions").column("parent_id").run()
        try await sql.create(index: "idx_divisions_level_code").on("divisions").column("level").column("code").run()
        try await sql.create(index: "idx_divisions_station").on("divisions").column("station_id").run()
    }
    func revert(on db: any Database) async throws {
        try await db.schema("divisions").delete()
        try await db.schema("police_offices").delete()
        try await db.schema("stations").delete()
    }
}

/// Map fields of the tree (issue 18): the outline's source and bounding box.
struct AddDivisionMapFields: AsyncMigration {
    func prepare(on db: any Database) async throws {
        // One column per ALTER: SQLite adds a single column at a time.
        try await db.schema("divisions").field("boundary_source", .string).update()
        for f in ["min_lon", "min_lat", "max_lon", "max_lat"] { try await db.schema("divisions").field(FieldKey(stringLiteral: f), .double).update() }
    }
    func revert(on db: any Database) async throws {
        for f in ["boundary_source", "min_lon", "min_lat", "max_lon", "max_lat"] { try await db.schema("divisions").deleteField(FieldKey(stringLiteral: f)).update() }
    }
}
