import Fluent
import Foundation
import PinganKit

/// A photo attached to a record (a grid event's step, a resident's report, an incident …). Three files on disk under
/// server-generated names: the original with its metadata stripped (kept privately), and, when the server could
/// decode it, an upright re-encoded display copy (≤ 1600 px) and a thumbnail (≤ 320 px) — the only bytes ever shown.
/// The location and camera the file carried are kept here, privately, to prefill a pin when the person agrees.
final class Photo: Model, @unchecked Sendable {
    static let schema = "photos"
    @ID(custom: "id", generatedBy: .database) var id: Int?
    /// What it belongs to: "grid_event", "portal_request", … (`PhotoOwner`).
    @Field(key: "owner") var owner: String
    @Field(key: "owner_id") var ownerID: Int
    /// The owner's sub-record it documents (a grid event's step: the handling, the verification).
    @OptionalField(key: "step_id") var stepID: Int?
    @Field(key: "format") var format: String
    @Field(key: "original_name") var originalName: String
    @OptionalField(key: "display_name") var displayName: String?
    @OptionalField(key: "thumb_name") var thumbName: String?
    @Field(key: "width") var width: Int
    @Field(key: "height") var height: Int
    @Field(key: "size") var size: Int
    @Field(key: "sha256") var sha256: String
    @OptionalField(key: "gps_lat") var gpsLat: Double?
    @OptionalField(key: "gps_lon") var gpsLon: Double?
    @Field(key: "camera") var camera: String
    /// Residents' photos wait for staff before any public display (FixMyStreet's rule): pending → approved / internal.
    @Field(key: "moderation") var moderation: PhotoModeration
    @Field(key: "moderation_note") var moderationNote: String
    @OptionalField(key: "uploaded_by") var uploadedBy: Int?
    @Field(key: "created_at") var createdAt: Date
    init() {}

    var decodable: Bool { displayName != nil }
}

enum PhotoModeration: String, Codable, Sendable, CaseIterable {
    /// Staff's own photos: internal, no moderation needed.
    case internalOnly = "internal"
    /// A resident's photo not yet looked at: shown to staff only.
    case pending
    /// Looked at and fit to show the public (no faces, no plates, nothing private).
    case approved

    func name(_ L: Lang) -> String {
        switch self {
        case .internalOnly: L.t("仅内部", "internal")
        case .pending: L.t("待审核", "awaiting review")
        case .approved: L.t("可公开", "public")
        }
    }
}

struct CreatePhotos: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema("photos")
            .field("id", .int, .identifier(auto: true))
            .field("owner", .string, .required)
            .field("owner_id", .int, .required)
            .field("step_id", .int)
            .field("format", .string, .required)
            .field("original_name", .string, .required)
            .field("display_name", .string)
            .field("thumb_name", .string)
            .field("width", .int, .required)
            .field("height", .int, .required)
            .field("size", .int, .required)
            .field("sha256", .string, .required)
            .field("gps_lat", .double)
            .field("gps_lon", .double)
            .field("camera", .string, .required)
            .field("moderation", .string, .required)
            .field("moderation_note", .string, .required)
            .field("uploaded_by", .int, .references("users", "id"))
            .field("created_at", .datetime, .required)
            .create()
        try await (db as! any SQLDatabase).create(index: "idx_photos_owner").on("photos").column("owner").column("owner_id").run()
    }
    func revert(on db: any Database) async throws { try await db.schema("photos").delete() }
}

import SQLKit
