import Fluent
import SQLKit
import Foundation
import PinganKit

/// 实有人口: one person living in (or registered to) a community.
/// Identity number and phone are never stored in clear: sealed value + blind index + masked form.
final class Person: Model, @unchecked Sendable {
    static let schema = "people"
    @ID(custom: "id", generatedBy: .database) var id: Int?
    @Field(key: "name") var name: String
    @Field(key: "sex") var sex: String              // "M" / "F", derived from the ID number
    /// Birth year only ("1990"), derived from the ID number. The full date is not kept in clear: with the masked
    /// number (first 6 + last 4 digits) it would give the whole ID back.
    @Field(key: "birth_date") var birthYear: String
    @Field(key: "id_number_sealed") var idNumberSealed: String
    @Field(key: "id_number_index") var idNumberIndex: String
    @Field(key: "id_number_masked") var idNumberMasked: String
    @OptionalField(key: "phone_sealed") var phoneSealed: String?
    @OptionalField(key: "phone_index") var phoneIndex: String?
    @OptionalField(key: "phone_masked") var phoneMasked: String?
    @Field(key: "hukou_address") var hukouAddress: String // 户籍地
    @Field(key: "category") var category: PersonCategory
    @OptionalField(key: "key_type") var keyType: KeyPopulationType?
    @OptionalField(key: "supervisor_id") var supervisorID: Int? // 管控责任人
    @Field(key: "community_id") var communityID: Int
    @OptionalField(key: "grid_id") var gridID: Int?
    @OptionalField(key: "building_id") var buildingID: Int?
    @Field(key: "room") var room: String
    /// 暂住登记有效期至: temporary residents only.
    @OptionalField(key: "residence_expires_on") var residenceExpiresOn: String?
    @Field(key: "note") var note: String
    @Field(key: "created_by_id") var createdByID: Int
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Timestamp(key: "updated_at", on: .update) var updatedAt: Date?
    init() {}
}

struct CreatePeople: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema("people")
            .field("id", .int, .identifier(auto: true))
            .field("name", .string, .required)
            .field("sex", .string, .required)
            .field("birth_date", .string, .required)
            .field("id_number_sealed", .string, .required)
            .field("id_number_index", .string, .required)
            .field("id_number_masked", .string, .required)
            .field("phone_sealed", .string)
            .field("phone_index", .string)
            .field("phone_masked", .string)
            .field("hukou_address", .string, .required)
            .field("category", .string, .required)
            .field("key_type", .string)
            .field("supervisor_id", .int, .references("users", "id"))
            .field("community_id", .int, .required, .references("divisions", "id"))
            .field("grid_id", .int, .references("divisions", "id"))
            .field("building_id", .int, .references("divisions", "id"))
            .field("room", .string, .required)
            .field("residence_expires_on", .string)
            .field("note", .string, .required)
            .field("created_by_id", .int, .required, .references("users", "id"))
            .field("created_at", .datetime)
            .field("updated_at", .datetime)
            .unique(on: "id_number_index")
            .create()
        let sql = db as! any SQLDatabase
        try await sql.create(index: "idx_people_community").on("people").column("community_id").column("category").run()
        try await sql.create(index: "idx_people_phone").on("people").column("phone_index").run()
        try await sql.create(index: "idx_people_expiry").on("people").column("residence_expires_on").run()
    }
    func revert(on db: any Database) async throws { try await db.schema("people").delete() }
}

/// Keeps the birth year only: a full birth date next to the masked number (first 6 + last 4 digits)
/// gave the whole ID number back, on every page and in the database file.
struct TruncatePeopleBirthDates: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await (db as! any SQLDatabase).raw("UPDATE people SET birth_date = substr(birth_date, 1, 4) WHERE length(birth_date) > 4").run()
    }
    func revert(on db: any Database) async throws {}   // the dates are gone; the ID number (sealed) still holds them
}
