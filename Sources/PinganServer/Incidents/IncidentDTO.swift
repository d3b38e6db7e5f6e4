import Fluent
import SQLKit
import Vapor
import PinganKit

struct IncidentEventDTO: Content { var from: IncidentStatus?; var to: IncidentStatus; var note: String; var by: String; var at: Date }
struct FollowUpDTO: Content { var id: Int; var visitedAt: Date; var by: String; var satisfied: Bool; var note: String }

struct IncidentDTO: Content {
    var id: Int
    var number: String
    var source: IncidentSource
    var category: IncidentCategory
    var subcategory: String
    var subcategoryName: String
    var preventable: Bool
    var occurredAt: Date
    var reportedAt: Date
    var communityID: Int
    var communityName: String
    var gridID: Int?
    var gridName: String?
    var buildingID: Int?
    var address: String
    var latitude: Double?
    var longitude: Double?
    var modusOperandi: String
    var description: String
    var handlingOfficerID: Int?
    var handlingOfficerName: String?
    var status: IncidentStatus
    var filedAt: Date?
    var solvedAt: Date?
    var events: [IncidentEventDTO]?
    var followUps: [FollowUpDTO]?
}

struct IncidentPage: Content { var items: [IncidentDTO]; var page: PageInfo }

/// What pages, the API and the CSV read from an incident, whether it came from a Fluent model
/// (detail pages) or a plain SQL row (lists, where model hydration was the cost that mattered).
protocol IncidentFields {
    var rowID: Int { get }
    var source: IncidentSource { get }
    var category: IncidentCategory { get }
    var subcategory: String { get }
    var preventable: Bool { get }
    var occurredAt: Date { get }
    var reportedAt: Date { get }
    var communityID: Int { get }
    var gridID: Int? { get }
    var buildingID: Int? { get }
    var address: String { get }
    var latitude: Double? { get }
    var longitude: Double? { get }
    var modusOperandi: String { get }
    var description: String { get }
    var handlingOfficerID: Int? { get }
    var status: IncidentStatus { get }
    var filedAt: Date? { get }
    var solvedAt: Date? { get }
}

extension Incident: IncidentFields { var rowID: Int { id ?? 0 } }

/// One ledger row as selected by SQL (columns in snake_case).
struct IncidentRow: Decodable, IncidentFields {
    var id: Int
    var source: IncidentSource
    var category: IncidentCategory
    var subcategory: String
    var preventable: Bool
    var occurredAt: Date
    var reportedAt: Date
    var communityId: Int
    var gridId: Int?
    var buildingId: Int?
    var address: String
    var latitude: Double?
    var longitude: Double?
    var modusOperandi: String
    var description: String
    var handlingOfficerId: Int?
    var status: IncidentStatus
    var filedAt: Date?
    var solvedAt: Date?

    /// Spelled out: SQLKit's convertFromSnakeCase re-derived every key per row and was 20% of the list's CPU.
    enum CodingKeys: String, CodingKey {
        case id, source, category, subcategory, preventable, address, latitude, longitude, description, status
        case occurredAt = "occurred_at", reportedAt = "reported_at", communityId = "community_id", gridId = "grid_id"
        case buildingId = "building_id", modusOperandi = "modus_operandi", handlingOfficerId = "handling_officer_id"
        case filedAt = "filed_at", solvedAt = "solved_at"
    }

    var rowID: Int { id }
    var communityID: Int { communityId }
    var gridID: Int? { gridId }
    var buildingID: Int? { buildingId }
    var handlingOfficerID: Int? { handlingOfficerId }

    static let columns = ["id", "source", "category", "subcategory", "preventable", "occurred_at", "reported_at", "community_id", "grid_id",
                          "building_id", "address", "latitude", "longitude", "modus_operandi", "description", "handling_officer_id",
                          "status", "filed_at", "solved_at"]
}

/// Names for the ids on a page of incidents, loaded in two small SQL queries instead of per row.
struct IncidentLookup {
    var divisionNames: [Int: String] = [:]
    var userNames: [Int: String] = [:]
    var subcategories: [String: IncidentSubcategoryRow] = [:]

    static func load(for items: [any IncidentFields], on db: any Database) async throws -> IncidentLookup {
        var l = IncidentLookup()
        let sql = db as! any SQLDatabase
        l.divisionNames = try await DivisionLookup.names(items.flatMap { [$0.communityID, $0.gridID, $0.buildingID].compactMap { $0 } }, on: db)
        let userIDs = Array(Set(items.compactMap(\.handlingOfficerID)))
        if !userIDs.isEmpty {
            for r in try await sql.select().column("id").column("display_name").from("users").where("id", .in, userIDs).all() {
                l.userNames[try r.decode(column: "id", as: Int.self)] = try r.decode(column: "display_name", as: String.self)
            }
        }
        l.subcategories = try await SubcategoryCache.shared.all(db)
        return l
    }

    func subcategoryName(_ code: String, _ lang: Lang) -> String {
        guard let s = subcategories[code] else { return code }
        return lang.t(s.nameZh, s.nameEn)
    }
    func divisionName(_ id: Int?) -> String? { id.flatMap { divisionNames[$0] } }
    func userName(_ id: Int?) -> String? { id.flatMap { userNames[$0] } }
}

extension IncidentFields {
    /// 警情编号: derived from the local report date and the id, never stored twice.
    func number(_ cal: LocalCalendar) -> String {
        "J" + cal.formatDate(reportedAt).replacingOccurrences(of: "-", with: "") + "-" + String(format: "%06d", rowID)
    }

    func toDTO(_ l: IncidentLookup, _ lang: Lang, _ cal: LocalCalendar) -> IncidentDTO {
        IncidentDTO(id: rowID, number: number(cal), source: source, category: category, subcategory: subcategory,
                    subcategoryName: l.subcategoryName(subcategory, lang), preventable: preventable, occurredAt: occurredAt, reportedAt: reportedAt,
                    communityID: communityID, communityName: l.divisionName(communityID) ?? "", gridID: gridID, gridName: l.divisionName(gridID),
                    buildingID: buildingID, address: address, latitude: latitude, longitude: longitude, modusOperandi: modusOperandi, description: description,
                    handlingOfficerID: handlingOfficerID, handlingOfficerName: l.userName(handlingOfficerID),
                    status: status, filedAt: filedAt, solvedAt: solvedAt, events: nil, followUps: nil)
    }
}

/// The subcategory code table changes only through migrations, yet every list read it: keep one
/// copy per process. `invalidate()` is for the admin page that will edit it.
final class SubcategoryCache: @unchecked Sendable {
    static let shared = SubcategoryCache()
    private let lock = NSLock()
    private var rows: [String: IncidentSubcategoryRow]?

    func all(_ db: any Database) async throws -> [String: IncidentSubcategoryRow] {
        if let cached = lock.withLock({ rows }) { return cached }
        var fresh: [String: IncidentSubcategoryRow] = [:]
        for s in try await IncidentSubcategoryRow.query(on: db).all() { fresh[s.code] = s }
        lock.withLock { rows = fresh }
        return fresh
    }

    func invalidate() { lock.withLock { rows = nil } }
}
