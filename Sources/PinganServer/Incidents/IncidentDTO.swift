import Fluent
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

/// Names for the ids on a page of incidents, loaded in three batched queries instead of per row.
struct IncidentLookup {
    var divisions: [Int: Division] = [:]
    var users: [Int: User] = [:]
    var subcategories: [String: IncidentSubcategoryRow] = [:]

    static func load(for items: [Incident], on db: any Database) async throws -> IncidentLookup {
        var l = IncidentLookup()
        let divIDs = Set(items.flatMap { [$0.communityID, $0.gridID, $0.buildingID].compactMap { $0 } })
        if !divIDs.isEmpty { for d in try await Division.query(on: db).filter(\.$id ~~ Array(divIDs)).all() { l.divisions[d.id!] = d } }
        let userIDs = Set(items.compactMap(\.handlingOfficerID))
        if !userIDs.isEmpty { for u in try await User.query(on: db).filter(\.$id ~~ Array(userIDs)).all() { l.users[u.id!] = u } }
        for s in try await IncidentSubcategoryRow.query(on: db).all() { l.subcategories[s.code] = s }
        return l
    }

    func subcategoryName(_ code: String, _ lang: Lang) -> String {
        guard let s = subcategories[code] else { return code }
        return lang.t(s.nameZh, s.nameEn)
    }
}

extension Incident {
    /// 警情编号: derived from the local report date and the id, never stored twice.
    func number(_ cal: LocalCalendar) -> String {
        "J" + cal.formatDate(reportedAt).replacingOccurrences(of: "-", with: "") + "-" + String(format: "%06d", id ?? 0)
    }

    func toDTO(_ l: IncidentLookup, _ lang: Lang, _ cal: LocalCalendar) -> IncidentDTO {
        IncidentDTO(id: id ?? 0, number: number(cal), source: source, category: category, subcategory: subcategory,
                    subcategoryName: l.subcategoryName(subcategory, lang), preventable: preventable, occurredAt: occurredAt, reportedAt: reportedAt,
                    communityID: communityID, communityName: l.divisions[communityID]?.name ?? "", gridID: gridID, gridName: gridID.flatMap { l.divisions[$0]?.name },
                    buildingID: buildingID, address: address, latitude: latitude, longitude: longitude, modusOperandi: modusOperandi, description: description,
                    handlingOfficerID: handlingOfficerID, handlingOfficerName: handlingOfficerID.flatMap { l.users[$0]?.displayName },
                    status: status, filedAt: filedAt, solvedAt: solvedAt, events: nil, followUps: nil)
    }
}
