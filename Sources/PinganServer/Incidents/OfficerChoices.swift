import Fluent
import SQLKit
import Vapor
import PinganKit

/// The officers a user may name as an incident's handling officer (处警民警): those working in the user's area,
/// grouped by station and labelled with their police office or community, so that two officers of the same name
/// are told apart (issue 21 §2). An officer outside the area is refused like one that does not exist.
struct OfficerChoices {
    struct Choice { var id: Int; var label: String }
    /// Station name → its officers, stations in name order; officers without a station last.
    var groups: [(label: String, options: [Choice])]
    var ids: Set<Int>

    static let roles: [Role] = [.communityOfficer, .stationChief, .gridWorker]

    static func load(_ req: Request) async throws -> OfficerChoices {
        let L = req.lang
        let scope = try await req.scope()
        let sql = req.db as! any SQLDatabase
        // The tree's small facts: where each community is served from (station, office) and each grid's community.
        struct Place { var name: String; var level: String; var community: Int?; var station: Int?; var office: Int? }
        var places: [Int: Place] = [:]
        for r in try await sql.select().columns("id", "name", "level", "community_id", "station_id", "office_id").from("divisions")
            .where("level", .in, [DivisionLevel.community.rawValue, DivisionLevel.grid.rawValue]).all() {
            places[try r.decode(column: "id", as: Int.self)] = Place(
                name: try r.decode(column: "name", as: String.self), level: try r.decode(column: "level", as: String.self),
                community: try r.decode(column: "community_id", as: Int?.self), station: try r.decode(column: "station_id", as: Int?.self),
                office: try r.decode(column: "office_id", as: Int?.self))
        }
        var stations: [Int: String] = [:]
        for r in try await sql.select().columns("id", "name").from("stations").all() {
            stations[try r.decode(column: "id", as: Int.self)] = try r.decode(column: "name", as: String.self)
        }
        var offices: [Int: String] = [:]
        for r in try await sql.select().columns("id", "name").from("police_offices").all() {
            offices[try r.decode(column: "id", as: Int.self)] = try r.decode(column: "name", as: String.self)
        }
        let stationsSeen = Set(places.compactMap { id, p in p.level == DivisionLevel.community.rawValue && scope.touches(community: id) ? p.station : nil })

        var byStation: [String: [Choice]] = [:]
        var ids = Set<Int>()
        let users = try await User.query(on: req.db).filter(\.$active == true).filter(\.$role ~~ roles).sort(\.$displayName).all()
        for u in users {
            guard let id = u.id else { continue }
            var station: Int?
            var detail: [String] = []
            if u.role == .stationChief {
                guard let s = u.stationID, stationsSeen.contains(s) else { continue }
                station = s
                // "市桥派出所所长" needs no "· 派出所所长" after it.
                if !u.displayName.contains(u.role.nameZh) { detail.append(L.t(u.role.nameZh, u.role.nameEn)) }
            } else {
                guard let d = u.scopeDivisionID, let p = places[d] else { continue }
                let communityID = p.level == DivisionLevel.community.rawValue ? d : p.community
                guard let c = communityID, scope.touches(community: c), let community = places[c] else { continue }
                station = community.station
                if u.role == .gridWorker { detail.append(community.name + " " + p.name) }
                else { detail.append(community.office.flatMap { offices[$0] } ?? community.name) }
            }
            ids.insert(id)
            let name = u.displayName.isEmpty ? u.username : u.displayName
            byStation[station.flatMap { stations[$0] } ?? "", default: []].append(Choice(id: id, label: ([name] + detail).joined(separator: " · ")))
        }
        let named = byStation.keys.filter { !$0.isEmpty }.sorted()
        var groups = named.map { (label: $0, options: byStation[$0]!) }
        if let rest = byStation[""] { groups.append((label: L.t("未归属派出所", "No station"), options: rest)) }
        return OfficerChoices(groups: groups, ids: ids)
    }
}
