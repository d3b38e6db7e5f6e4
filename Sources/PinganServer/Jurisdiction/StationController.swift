import Fluent
import SQLKit
import Vapor
import PinganKit

/// Police stations (派出所) and the police offices (警务室) under them: pages and API of their own, so a
/// district can add a station or an office without touching the database (until now they came from the demo
/// seed and could only be assigned on a community's edit page). Reads follow the jurisdiction scope: a user
/// sees the stations and offices that serve a community in their subtree. Writes need `editJurisdiction`.
struct StationController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let r = routes.grouped("stations")
        r.get(use: list)
        r.get("new", use: newPage)
        r.post(use: create)
        r.get(":id", use: show)
        r.get(":id", "edit", use: editPage)
        r.post(":id", "edit", use: update)
        r.post(":id", "offices", use: createOffice)
        routes.get("offices", ":id", "edit", use: officeEditPage)
        routes.post("offices", ":id", "edit", use: officeUpdate)
        let api = routes.grouped("api", "v1")
        api.get("stations", use: apiList)
        api.post("stations", use: apiCreate)
        api.get("stations", ":id", use: apiShow)
        api.patch("stations", ":id", use: apiUpdate)
        api.post("stations", ":id", "offices", use: apiCreateOffice)
        api.patch("offices", ":id", use: apiOfficeUpdate)
    }

    // MARK: input and rules

    struct StationInput: Content {
        var name: String?, divisionID: String?, address: String?, phone: String?
        init(name: String? = nil, divisionID: String? = nil, address: String? = nil, phone: String? = nil) {
            self.name = name; self.divisionID = divisionID; self.address = address; self.phone = phone
        }
        init(_ s: Station) { self.init(name: s.name, divisionID: "\(s.divisionID)", address: s.address, phone: s.phone) }
        init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: AnyKey.self)
            name = c.loose(AnyKey("name")); divisionID = c.loose(AnyKey("divisionID")); address = c.loose(AnyKey("address")); phone = c.loose(AnyKey("phone"))
        }
    }

    struct OfficeInput: Content {
        var name: String?, kind: String?, stationID: String?, address: String?, hours: String?, phone: String?
        init(name: String? = nil, kind: String? = nil, stationID: String? = nil, address: String? = nil, hours: String? = nil, phone: String? = nil) {
            self.name = name; self.kind = kind; self.stationID = stationID; self.address = address; self.hours = hours; self.phone = phone
        }
        init(_ o: PoliceOffice) { self.init(name: o.name, kind: o.kind.rawValue, stationID: "\(o.stationID)", address: o.address, hours: o.hours, phone: o.phone) }
        init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: AnyKey.self)
            name = c.loose(AnyKey("name")); kind = c.loose(AnyKey("kind")); stationID = c.loose(AnyKey("stationID"))
            address = c.loose(AnyKey("address")); hours = c.loose(AnyKey("hours")); phone = c.loose(AnyKey("phone"))
        }
    }

    /// Shared text checks: required name, bounded lengths, a phone made of digits, spaces and dashes.
    static func text(_ raw: String?, current: String?, field: String, max: Int, required: Bool, _ L: Lang, _ e: inout FieldErrors) -> String {
        let v = (raw ?? current ?? "").trimmed
        if required && v.isEmpty { e[field] = L.t("请填写", "Required") }
        else if v.count > max { e[field] = L.t("不能超过\(max)字", "At most \(max) characters") }
        if field == "phone", !v.isEmpty, !v.allSatisfy({ $0.isNumber || $0 == "-" || $0 == " " || $0 == "(" || $0 == ")" }) {
            e[field] = L.t("电话只能包含数字、空格和横线", "Digits, spaces and dashes only")
        }
        return v
    }

    static func apply(_ req: Request, _ v: StationInput, to s: Station) async throws {
        let L = req.lang
        var e = FieldErrors()
        let name = text(v.name, current: s.$name.value, field: "name", max: 60, required: true, L, &e)
        let address = text(v.address, current: s.$address.value, field: "address", max: 200, required: false, L, &e)
        let phone = text(v.phone, current: s.$phone.value, field: "phone", max: 30, required: false, L, &e)
        var divisionID = s.$divisionID.value
        if let raw = v.divisionID ?? divisionID.map({ "\($0)" }), let id = Int(raw.trimmed),
           let d = try await Division.find(id, on: req.db), [.district, .street].contains(d.level) { divisionID = id }
        else { e["divisionID"] = L.t("请选择所在街道（镇）或全区", "Choose the street, town or district it sits in") }
        if !name.isEmpty, e["name"] == nil,
           let other = try await Station.query(on: req.db).filter(\.$name == name).first(), other.id != s.id {
            e["name"] = L.t("已有同名派出所", "A station with this name exists")
        }
        guard e.isEmpty, let divisionID else { throw e }
        s.name = name; s.address = address; s.phone = phone; s.divisionID = divisionID
    }

    static func apply(_ req: Request, _ v: OfficeInput, to o: PoliceOffice, stationIDs visible: Set<Int>?) async throws {
        let L = req.lang
        var e = FieldErrors()
        let name = text(v.name, current: o.$name.value, field: "name", max: 60, required: true, L, &e)
        let address = text(v.address, current: o.$address.value, field: "address", max: 200, required: false, L, &e)
        let hours = text(v.hours, current: o.$hours.value, field: "hours", max: 100, required: false, L, &e)
        let phone = text(v.phone, current: o.$phone.value, field: "phone", max: 30, required: false, L, &e)
        var kind = o.$kind.value ?? .community
        if let k = v.kind?.nilIfEmpty { if let kk = PoliceOffice.Kind(rawValue: k) { kind = kk } else { e["kind"] = L.t("类型无效", "Unknown kind") } }
        var stationID = o.$stationID.value
        if let raw = v.stationID?.nilIfEmpty {
            if let id = Int(raw.trimmed), try await Station.find(id, on: req.db) != nil, visible?.contains(id) ?? true { stationID = id }
            else { e["stationID"] = L.t("派出所不存在或不在您的辖区内", "No such station in your jurisdiction") }
        }
        if stationID == nil && e["stationID"] == nil { e["stationID"] = L.t("请选择派出所", "Choose the station") }
        guard e.isEmpty, let stationID else { throw e }
        o.name = name; o.address = address; o.hours = hours; o.phone = phone; o.kind = kind; o.stationID = stationID
    }

    // MARK: scope

    /// Stations the user may see: nil for the whole district, else those serving a community in scope
    /// (and a station chief's own station).
    static func visibleStationIDs(_ req: Request) async throws -> Set<Int>? {
        let scope = try await req.scope()
        guard !scope.reachesAllCommunities else { return nil }
        var ids = Set<Int>()
        let sql = req.db as! any SQLDatabase
        for r in try await scope.restrictCommunities(sql.select().column("station_id").from("divisions"), id: SQLIdentifier("id"))
            .where("station_id", .isNot, SQLLiteral.null).all() {
            if let s = try r.decode(column: "station_id", as: Int?.self) { ids.insert(s) }
        }
        if let own = try req.user.stationID { ids.insert(own) }
        return ids
    }

    static func scopedStation(_ req: Request, _ id: Int?) async throws -> Station {
        guard let id, let s = try await Station.find(id, on: req.db), try await visibleStationIDs(req)?.contains(id) ?? true else { throw Abort(.notFound) }
        return s
    }

    static func scopedOffice(_ req: Request, _ id: Int?) async throws -> PoliceOffice {
        guard let id, let o = try await PoliceOffice.find(id, on: req.db), try await visibleStationIDs(req)?.contains(o.stationID) ?? true else { throw Abort(.notFound) }
        return o
    }

    static func save(_ req: Request, _ s: Station, action: String) async throws {
        try await req.db.transaction { db in
            try await s.save(on: db)
            await req.audit(action, entity: "station", id: s.id.map(String.init), detail: s.name, on: db)
        }
    }

    static func save(_ req: Request, _ o: PoliceOffice, action: String) async throws {
        try await req.db.transaction { db in
            try await o.save(on: db)
            await req.audit(action, entity: "police_office", id: o.id.map(String.init), detail: o.name, on: db)
        }
    }

    // MARK: DTOs

    struct OfficeDTO: Content { var id: Int; var name: String; var kind: String; var stationID: Int; var address: String; var hours: String; var phone: String; var communityIDs: [Int] }
    struct StationDTO: Content {
        var id: Int; var name: String; var divisionID: Int; var address: String; var phone: String
        var communityIDs: [Int]; var offices: [OfficeDTO]?
    }

    /// Each station's communities and offices (only those in `visible`, or all).
    static func summaries(_ req: Request, visible: Set<Int>?) async throws -> [(Station, [Int], [PoliceOffice])] {
        var q = Station.query(on: req.db).sort(\.$name)
        if let visible { q = q.filter(\.$id ~~ Array(visible)) }
        let stations = try await q.all()
        let ids = stations.compactMap(\.id)
        var communities: [Int: [Int]] = [:]
        let sql = req.db as! any SQLDatabase
        if !ids.isEmpty {
            for r in try await sql.select().column("id").column("station_id").from("divisions").where("level", .equal, DivisionLevel.community.rawValue)
                .where("station_id", .in, ids).orderBy("code").all() {
                communities[try r.decode(column: "station_id", as: Int.self), default: []].append(try r.decode(column: "id", as: Int.self))
            }
        }
        let offices = ids.isEmpty ? [] : try await PoliceOffice.query(on: req.db).filter(\.$stationID ~~ ids).sort(\.$name).all()
        return stations.map { s in (s, communities[s.id!] ?? [], offices.filter { $0.stationID == s.id }) }
    }

    static func officeCommunities(_ req: Request, _ offices: [PoliceOffice]) async throws -> [Int: [Int]] {
        let ids = offices.compactMap(\.id)
        guard !ids.isEmpty else { return [:] }
        var out: [Int: [Int]] = [:]
        for r in try await (req.db as! any SQLDatabase).select().column("id").column("office_id").from("divisions").where("office_id", .in, ids).orderBy("code").all() {
            out[try r.decode(column: "office_id", as: Int.self), default: []].append(try r.decode(column: "id", as: Int.self))
        }
        return out
    }

    static func dto(_ o: PoliceOffice, communities: [Int]) -> OfficeDTO {
        OfficeDTO(id: o.id!, name: o.name, kind: o.kind.rawValue, stationID: o.stationID, address: o.address, hours: o.hours, phone: o.phone, communityIDs: communities)
    }

    // MARK: pages

    @Sendable func list(req: Request) async throws -> Response {
        try req.require(.viewJurisdiction)
        let rows = try await Self.summaries(req, visible: try await Self.visibleStationIDs(req))
        let names = try await DivisionLookup.names(rows.map(\.0.divisionID), on: req.db)
        return StationViews.list(req, rows, places: names, canEdit: try req.user.role.can(.editJurisdiction))
    }

    static func upperDivisions(_ req: Request) async throws -> [(String, String)] {
        try await Division.query(on: req.db).filter(\.$level ~~ [.district, .street]).sort(\.$code).all().map { ("\($0.id!)", $0.name) }
    }

    @Sendable func newPage(req: Request) async throws -> Response {
        try req.require(.editJurisdiction)
        return StationViews.stationForm(req, nil, StationInput(), FieldErrors(), divisions: try await Self.upperDivisions(req))
    }

    @Sendable func create(req: Request) async throws -> Response {
        try req.require(.editJurisdiction)
        let input = (try? req.content.decode(StationInput.self)) ?? StationInput()
        let s = Station()
        do { try await Self.apply(req, input, to: s) } catch let e as FieldErrors {
            return StationViews.stationForm(req, nil, input, e, divisions: try await Self.upperDivisions(req))
        }
        try await Self.save(req, s, action: "station.create")
        return req.redirect(to: "/stations/\(s.id!)")
    }

    func detail(_ req: Request, _ s: Station, office: OfficeInput = OfficeInput(), errors: FieldErrors = FieldErrors()) async throws -> Response {
        let summary = try await Self.summaries(req, visible: [s.id!]).first
        let offices = summary?.2 ?? []
        let served = try await Self.officeCommunities(req, offices)
        let names = try await DivisionLookup.names([s.divisionID] + (summary?.1 ?? []) + served.values.flatMap { $0 }, on: req.db)
        return StationViews.detail(req, s, communities: summary?.1 ?? [], offices: offices, served: served, names: names,
                                   canEdit: try req.user.role.can(.editJurisdiction), office: office, errors: errors)
    }

    @Sendable func show(req: Request) async throws -> Response {
        try req.require(.viewJurisdiction)
        return try await detail(req, try await Self.scopedStation(req, req.parameters.get("id", as: Int.self)))
    }

    @Sendable func editPage(req: Request) async throws -> Response {
        try req.require(.editJurisdiction)
        let s = try await Self.scopedStation(req, req.parameters.get("id", as: Int.self))
        return StationViews.stationForm(req, s, StationInput(s), FieldErrors(), divisions: try await Self.upperDivisions(req))
    }

    @Sendable func update(req: Request) async throws -> Response {
        try req.require(.editJurisdiction)
        let s = try await Self.scopedStation(req, req.parameters.get("id", as: Int.self))
        let input = (try? req.content.decode(StationInput.self)) ?? StationInput()
        do { try await Self.apply(req, input, to: s) } catch let e as FieldErrors {
            return StationViews.stationForm(req, s, input, e, divisions: try await Self.upperDivisions(req))
        }
        try await Self.save(req, s, action: "station.update")
        return req.redirect(to: "/stations/\(s.id!)")
    }

    @Sendable func createOffice(req: Request) async throws -> Response {
        try req.require(.editJurisdiction)
        let s = try await Self.scopedStation(req, req.parameters.get("id", as: Int.self))
        var input = (try? req.content.decode(OfficeInput.self)) ?? OfficeInput()
        input.stationID = "\(s.id!)"
        let o = PoliceOffice()
        do { try await Self.apply(req, input, to: o, stationIDs: try await Self.visibleStationIDs(req)) } catch let e as FieldErrors {
            let res = try await detail(req, s, office: input, errors: e)
            res.status = .unprocessableEntity
            return res
        }
        try await Self.save(req, o, action: "office.create")
        return req.redirect(to: "/stations/\(s.id!)")
    }

    @Sendable func officeEditPage(req: Request) async throws -> Response {
        try req.require(.editJurisdiction)
        let o = try await Self.scopedOffice(req, req.parameters.get("id", as: Int.self))
        return StationViews.officeForm(req, o, OfficeInput(o), FieldErrors(), stations: try await Self.summaries(req, visible: try await Self.visibleStationIDs(req)).map { ("\($0.0.id!)", $0.0.name) })
    }

    @Sendable func officeUpdate(req: Request) async throws -> Response {
        try req.require(.editJurisdiction)
        let o = try await Self.scopedOffice(req, req.parameters.get("id", as: Int.self))
        let input = (try? req.content.decode(OfficeInput.self)) ?? OfficeInput()
        do { try await Self.apply(req, input, to: o, stationIDs: try await Self.visibleStationIDs(req)) } catch let e as FieldErrors {
            return StationViews.officeForm(req, o, input, e, stations: try await Self.summaries(req, visible: try await Self.visibleStationIDs(req)).map { ("\($0.0.id!)", $0.0.name) })
        }
        try await Self.save(req, o, action: "office.update")
        return req.redirect(to: "/stations/\(o.stationID)")
    }

    // MARK: API

    func stationDTO(_ req: Request, _ s: Station, communities: [Int], offices: [PoliceOffice]?) async throws -> StationDTO {
        let served = try await Self.officeCommunities(req, offices ?? [])
        return StationDTO(id: s.id!, name: s.name, divisionID: s.divisionID, address: s.address, phone: s.phone, communityIDs: communities,
                          offices: offices?.map { Self.dto($0, communities: served[$0.id!] ?? []) })
    }

    @Sendable func apiList(req: Request) async throws -> [StationDTO] {
        try req.require(.viewJurisdiction)
        var out: [StationDTO] = []
        for (s, communities, offices) in try await Self.summaries(req, visible: try await Self.visibleStationIDs(req)) {
            out.append(try await stationDTO(req, s, communities: communities, offices: offices))
        }
        return out
    }

    @Sendable func apiShow(req: Request) async throws -> StationDTO {
        try req.require(.viewJurisdiction)
        let s = try await Self.scopedStation(req, req.parameters.get("id", as: Int.self))
        let summary = try await Self.summaries(req, visible: [s.id!]).first
        return try await stationDTO(req, s, communities: summary?.1 ?? [], offices: summary?.2 ?? [])
    }

    @Sendable func apiCreate(req: Request) async throws -> Response {
        try req.require(.editJurisdiction)
        let s = Station()
        try await Self.apply(req, try req.content.decode(StationInput.self), to: s)
        try await Self.save(req, s, action: "station.create")
        let res = try await stationDTO(req, s, communities: [], offices: []).encodeResponse(status: .created, for: req)
        res.headers.replaceOrAdd(name: .location, value: "/api/v1/stations/\(s.id!)")
        return res
    }

    @Sendable func apiUpdate(req: Request) async throws -> StationDTO {
        try req.require(.editJurisdiction)
        let s = try await Self.scopedStation(req, req.parameters.get("id", as: Int.self))
        try await Self.apply(req, try req.content.decode(StationInput.self), to: s)
        try await Self.save(req, s, action: "station.update")
        return try await apiShow(req: req)
    }

    @Sendable func apiCreateOffice(req: Request) async throws -> Response {
        try req.require(.editJurisdiction)
        let s = try await Self.scopedStation(req, req.parameters.get("id", as: Int.self))
        var input = try req.content.decode(OfficeInput.self)
        input.stationID = "\(s.id!)"
        let o = PoliceOffice()
        try await Self.apply(req, input, to: o, stationIDs: try await Self.visibleStationIDs(req))
        try await Self.save(req, o, action: "office.create")
        return try await Self.dto(o, communities: []).encodeResponse(status: .created, for: req)
    }

    @Sendable func apiOfficeUpdate(req: Request) async throws -> OfficeDTO {
        try req.require(.editJurisdiction)
        let o = try await Self.scopedOffice(req, req.parameters.get("id", as: Int.self))
        try await Self.apply(req, try req.content.decode(OfficeInput.self), to: o, stationIDs: try await Self.visibleStationIDs(req))
        try await Self.save(req, o, action: "office.update")
        return Self.dto(o, communities: try await Self.officeCommunities(req, [o])[o.id!] ?? [])
    }
}
