import Fluent
import SQLKit
import Foundation
import PinganKit

/// A kind of request residents can make (configurable: name, response time, Open311 attributes, on/off).
final class PortalRequestType: Model, @unchecked Sendable {
    static let schema = "portal_request_types"
    @ID(custom: "id", generatedBy: .database) var id: Int?
    @Field(key: "code") var code: String              // Open311 service_code
    @Field(key: "kind") var kind: PortalRequestKind
    @Field(key: "name_zh") var nameZh: String
    @Field(key: "name_en") var nameEn: String
    @Field(key: "description") var description: String
    @Field(key: "response_hours") var responseHours: Int
    @Field(key: "active") var active: Bool
    @Field(key: "sort_order") var sortOrder: Int
    /// Open311 service attributes as JSON (`[PortalAttribute]`); "[]" when the type has none.
    @Field(key: "attributes_json") var attributesJSON: String
    init() {}

    var attributes: [PortalAttribute] { (try? JSONDecoder().decode([PortalAttribute].self, from: Data(attributesJSON.utf8))) ?? [] }
}

struct PortalAttribute: Codable, Sendable {
    struct Value: Codable, Sendable { var key: String; var name: String }
    var code: String
    var datatype: String      // string, number, datetime, text, singlevaluelist, multivaluelist
    var required: Bool
    var description: String
    var order: Int
    var values: [Value]?

    /// Open311 carries one text per label and value, so they are stored "中文 / English"; a page shows one language.
    static func text(_ stored: String, _ L: Lang) -> String { L.stored(stored) }
    func label(_ L: Lang) -> String { Self.text(description, L) }
    /// A list value's name (its key when it is not one of the values).
    func valueName(_ key: String, _ L: Lang) -> String { values?.first { $0.key == key }.map { Self.text($0.name, L) } ?? key }
}

/// 网上警务室 request: a report, a request for help, a question or a service request from a resident.
/// The reporter's phone and name are sealed and never leave the staff side.
final class PortalRequest: Model, @unchecked Sendable {
    static let schema = "portal_requests"
    @ID(custom: "id", generatedBy: .database) var id: Int?
    @Field(key: "token") var token: String                 // tracking token given to the resident
    @Field(key: "type_code") var typeCode: String
    @Field(key: "community_id") var communityID: Int
    @Field(key: "description") var description: String
    @Field(key: "address") var address: String
    @OptionalField(key: "lat") var lat: Double?
    @OptionalField(key: "lon") var lon: Double?
    @OptionalField(key: "phone_sealed") var phoneSealed: String?
    @OptionalField(key: "phone_index") var phoneIndex: String?
    @OptionalField(key: "name_sealed") var nameSealed: String?
    @Field(key: "attributes_json") var attributesJSON: String
    @Field(key: "status") var status: PortalStatus
    @Field(key: "status_notes") var statusNotes: String     // the last public reply
    @Field(key: "via") var via: String                      // web, api, open311
    @OptionalField(key: "officer_id") var officerID: Int?  // the community officer whose inbox holds it
    @OptionalField(key: "incident_id") var incidentID: Int?
    @OptionalField(key: "dispute_id") var disputeID: Int?
    /// Taken up as a grid event (网格事件): the resident follows its steps and rates the result.
    @OptionalField(key: "event_id") var eventID: Int?
    @Field(key: "requested_at") var requestedAt: Date
    @Field(key: "due_at") var dueAt: Date
    @OptionalField(key: "first_response_at") var firstResponseAt: Date?
    @Field(key: "updated_at") var updatedAt: Date
    @OptionalField(key: "closed_at") var closedAt: Date?
    @OptionalField(key: "email_sealed") var emailSealed: String?
    /// The resident asked to be told when the request is accepted, answered and closed (by SMS and/or e-mail).
    @Field(key: "notify_consent") var notifyConsent: Bool
    /// The language the request was made in (`zh`/`en`): its notices are written in it.
    @OptionalField(key: "notify_lang") var notifyLang: String?
    init() { notifyConsent = false }

    var overdue: Bool { PortalClock.isOverdue(status: status, firstResponseAt: firstResponseAt, dueAt: dueAt, now: Date()) }
    var number: String { Self.number(id ?? 0) }
    /// 诉求编号 as residents see it (WS000123), from the row id alone.
    static func number(_ id: Int) -> String { "WS" + String(repeating: "0", count: max(0, 6 - String(id).count)) + String(id) }
}

/// A staff reply or status change; `isPublic` replies are shown to the resident.
final class PortalReply: Model, @unchecked Sendable {
    static let schema = "portal_replies"
    @ID(custom: "id", generatedBy: .database) var id: Int?
    @Field(key: "request_id") var requestID: Int
    @Field(key: "body") var body: String
    @Field(key: "is_public") var isPublic: Bool
    @OptionalField(key: "from_status") var fromStatus: PortalStatus?
    @Field(key: "to_status") var toStatus: PortalStatus
    @Field(key: "user_id") var userID: Int
    @Field(key: "at") var at: Date
    init() {}
}

/// 警情通报、防范提示、会议通知和纪要, published to an area (community, street or the district) and an audience.
final class PortalNotice: Model, @unchecked Sendable {
    static let schema = "portal_notices"
    @ID(custom: "id", generatedBy: .database) var id: Int?
    @Field(key: "kind") var kind: NoticeKind
    @Field(key: "title") var title: String
    @Field(key: "body") var body: String
    @Field(key: "division_id") var divisionID: Int
    @Field(key: "audience") var audience: NoticeAudience
    @OptionalField(key: "event_at") var eventAt: String?   // meeting date/time as given, local
    @Field(key: "published_at") var publishedAt: Date
    @Field(key: "user_id") var userID: Int
    @Field(key: "withdrawn") var withdrawn: Bool
    init() {}
}

/// 安全感测评 answers: one per respondent (a keyed hash of phone or tracking token) per quarter.
/// The assessment feature reads this table.
final class PerceptionResponse: Model, @unchecked Sendable {
    static let schema = "perception_responses"
    @ID(custom: "id", generatedBy: .database) var id: Int?
    @Field(key: "community_id") var communityID: Int
    @Field(key: "period") var period: String              // 2026-Q4
    @Field(key: "respondent_key") var respondentKey: String
    @Field(key: "answer") var answer: PerceptionAnswer
    @Field(key: "feels_safe") var feelsSafe: Bool
    @Field(key: "created_at") var createdAt: Date
    init() {}
}

/// Keys for Open311 `POST requests` (stored hashed, like API tokens).
final class Open311Key: Model, @unchecked Sendable {
    static let schema = "open311_keys"
    @ID(custom: "id", generatedBy: .database) var id: Int?
    @Field(key: "name") var name: String
    @Field(key: "key_hash") var keyHash: String
    @Field(key: "active") var active: Bool
    @Field(key: "created_at") var createdAt: Date
    init() {}
}

struct CreatePortal: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema("portal_request_types")
            .field("id", .int, .identifier(auto: true))
            .field("code", .string, .required)
            .field("kind", .string, .required)
            .field("name_zh", .string, .required)
            .field("name_en", .string, .required)
            .field("description", .string, .required)
            .field("response_hours", .int, .required)
            .field("active", .bool, .required)
            .field("sort_order", .int, .required)
            .field("attributes_json", .string, .required)
            .unique(on: "code")
            .create()
        try await db.schema("portal_requests")
            .field("id", .int, .identifier(auto: true))
            .field("token", .string, .required)
            .field("type_code", .string, .required)
            .field("community_id", .int, .required, .references("divisions", "id"))
            .field("description", .string, .required)
            .field("address", .string, .required)
            .field("lat", .double)
            .field("lon", .double)
            .field("phone_sealed", .string)
            .field("phone_index", .string)
            .field("name_sealed", .string)
            .field("attributes_json", .string, .required)
            .field("status", .string, .required)
            .field("status_notes", .string, .required)
            .field("via", .string, .required)
            .field("officer_id", .int, .references("users", "id"))
            .field("incident_id", .int, .references("incidents", "id"))
            .field("dispute_id", .int, .references("disputes", "id"))
            .field("requested_at", .datetime, .required)
            .field("due_at", .datetime, .required)
            .field("first_response_at", .datetime)
            .field("updated_at", .datetime, .required)
            .field("closed_at", .datetime)
            .unique(on: "token")
            .create()
        try await db.schema("portal_replies")
            .field("id", .int, .identifier(auto: true))
            .field("request_id", .int, .required, .references("portal_requests", "id", onDelete: .cascade))
            .field("body", .string, .required)
            .field("is_public", .bool, .required)
            .field("from_status", .string)
            .field("to_status", .string, .required)
            .field("user_id", .int, .required, .references("users", "id"))
            .field("at", .datetime, .required)
            .create()
        try await db.schema("portal_notices")
            .field("id", .int, .identifier(auto: true))
            .field("kind", .string, .required)
            .field("title", .string, .required)
            .field("body", .string, .required)
            .field("division_id", .int, .required, .references("divisions", "id"))
            .field("audience", .string, .required)
            .field("event_at", .string)
            .field("published_at", .datetime, .required)
            .field("user_id", .int, .required, .references("users", "id"))
            .field("withdrawn", .bool, .required)
            .create()
        try await db.schema("perception_responses")
            .field("id", .int, .identifier(auto: true))
            .field("community_id", .int, .required, .references("divisions", "id"))
            .field("period", .string, .required)
            .field("respondent_key", .string, .required)
            .field("answer", .string, .required)
            .field("feels_safe", .bool, .required)
            .field("created_at", .datetime, .required)
            .unique(on: "period", "respondent_key")
            .create()
        try await db.schema("open311_keys")
            .field("id", .int, .identifier(auto: true))
            .field("name", .string, .required)
            .field("key_hash", .string, .required)
            .field("active", .bool, .required)
            .field("created_at", .datetime, .required)
            .unique(on: "key_hash")
            .create()
        let sql = db as! any SQLDatabase
        // The inbox by community and time, an officer's inbox, Open311's date filter, the phone limit.
        try await sql.create(index: "idx_portal_requests_community").on("portal_requests").column("community_id").column("requested_at").run()
        try await sql.create(index: "idx_portal_requests_officer").on("portal_requests").column("officer_id").column("status").run()
        try await sql.create(index: "idx_portal_requests_time").on("portal_requests").column("requested_at").run()
        try await sql.create(index: "idx_portal_replies_request").on("portal_replies").column("request_id").run()
        try await sql.create(index: "idx_portal_notices_division").on("portal_notices").column("division_id").column("published_at").run()
        try await sql.create(index: "idx_perception_community").on("perception_responses").column("community_id").column("period").run()
        for t in PortalSeedTypes.all { try await t.create(on: db) }
    }
    func revert(on db: any Database) async throws {
        for t in ["open311_keys", "perception_responses", "portal_notices", "portal_replies", "portal_requests", "portal_request_types"] { try await db.schema(t).delete() }
    }
}

/// The request types a new install starts with (seed 000: 报警、求助、咨询、办事); edit them at /portal/types.
enum PortalSeedTypes {
    static var all: [PortalRequestType] {
        func t(_ code: String, _ kind: PortalRequestKind, _ zh: String, _ en: String, _ desc: String, _ hours: Int, _ order: Int, _ attrs: [PortalAttribute] = []) -> PortalRequestType {
            let r = PortalRequestType()
            r.code = code; r.kind = kind; r.nameZh = zh; r.nameEn = en; r.description = desc; r.responseHours = hours; r.active = true; r.sortOrder = order
            r.attributesJSON = String(decoding: (try? JSONEncoder().encode(attrs)) ?? Data("[]".utf8), as: UTF8.self)
            return r
        }
        return [
            t("report_suspicious", .report, "可疑情况反映", "Suspicious activity", "可疑人员、车辆或物品（紧急情况请拨打110）", 24, 1),
            t("report_hazard", .report, "治安隐患反映", "Safety hazard", "治安、消防、交通等隐患", 48, 2, [
                PortalAttribute(code: "hazard_kind", datatype: "singlevaluelist", required: true, description: "隐患类别 / Kind of hazard", order: 1,
                                values: [.init(key: "security", name: "治安隐患 / Security hazard"), .init(key: "fire", name: "消防隐患 / Fire hazard"), .init(key: "traffic", name: "交通隐患 / Traffic hazard"), .init(key: "other", name: "其他 / Other")]),
            ]),
            t("help", .help, "求助", "Request for help", "需要社区民警帮助的事项", 4, 3),
            t("neighbour_dispute", .report, "邻里纠纷", "Neighbour dispute", "邻里、家庭、物业等矛盾纠纷", 24, 4),
            t("question", .question, "政策咨询", "Question", "户籍、居住证、出入境等政策咨询", 72, 5),
            t("residence_service", .service, "居住登记服务", "Residence registration", "暂住登记、居住证办理预约", 72, 6, [
                PortalAttribute(code: "service_item", datatype: "singlevaluelist", required: true, description: "办理事项 / Service", order: 1,
                                values: [.init(key: "registration", name: "暂住登记 / Temporary residence registration"), .init(key: "permit", name: "居住证办理 / Residence permit"), .init(key: "renewal", name: "居住证签注 / Residence permit renewal")]),
                PortalAttribute(code: "household_size", datatype: "number", required: false, description: "同住人数 / People in the household", order: 2, values: nil),
            ]),
        ]
    }
}

/// A request taken up as a grid event keeps the link (issue 19).
struct AddPortalEventLink: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema("portal_requests").field("event_id", .int, .references("grid_events", "id")).update()
    }
    func revert(on db: any Database) async throws { try await db.schema("portal_requests").deleteField("event_id").update() }
}
