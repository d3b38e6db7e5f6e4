import Fluent
import SQLKit
import Vapor
import PinganKit

/// 采集: what a grid worker (or the centre, for a hotline call or a video find) sends to report a problem.
struct GridEventReportInput: Content {
    var categoryCode: String?
    var urgency: String?
    var description: String?
    var address: String?
    var lat: String?
    var lon: String?
    var communityID: String?
    var gridID: String?
    var source: String?
    /// One per report form shown (or per API client attempt): a resend after a lost answer files nothing twice.
    var idempotencyKey: String?
    /// "1" after the reporter saw the possible duplicates and still wants to file.
    var confirmDuplicate: String?
    var photos: [File]?
}

/// Where an event staff take up came from: a resident's request, a patrol's finding, an inspection's hazard. Sets
/// the source and the link back.
enum GridEventOrigin: Sendable {
    case portal(requestID: Int), patrol(logID: Int), inspection(id: Int)
    var source: GridEventSource {
        switch self { case .portal: .portal; case .patrol: .patrol; case .inspection: .inspection }
    }
}

/// Taking up another record as a grid event: the rest (what, where) comes from that record.
struct GridEventTakeUpInput: Content {
    var categoryCode: String?
    var urgency: String?
}

/// Possible duplicates of a report (same category, ≤ 50 m, ≤ 24 h), shown before filing.
struct DuplicateEvents: Error { var events: [GridEvent]; var distances: [Int: Double] }

extension GridEventService {
    /// Files a report, or returns the one already filed with the same idempotency key (`created` false).
    /// `origin`: a record taken up by staff (a resident's request, a patrol finding, an inspection); it sets the source
    /// and the link back.
    static func report(_ req: Request, _ input: GridEventReportInput, origin: GridEventOrigin? = nil) async throws -> (event: GridEvent, created: Bool) {
        try req.require(.reportGridEvents)
        let L = req.lang
        let user = try req.user
        let userID = try user.requireID()
        let key = input.idempotencyKey?.trimmed.nilIfEmpty.map { "u\(userID):" + String($0.prefix(64)) }
        // unscoped: the key carries the reporter's own id, so only their own earlier report can match
        if let key, let earlier = try await GridEvent.query(on: req.db).filter(\.$idempotencyKey == key).first() { return (earlier, false) }

        var e = FieldErrors()
        let categories = try await GridEventCategories.table(req.db)
        let code = input.categoryCode?.trimmed ?? ""
        let category = categories.first { $0.code == code }
        if code.isEmpty { e["categoryCode"] = L.t("请选择事件类别", "Choose the category") }
        else if category == nil { e["categoryCode"] = L.t("没有这个类别", "No such category") }
        else if categories.contains(where: { $0.parentCode == code }) { e["categoryCode"] = L.t("请选择具体的小类", "Choose a subclass, not the major class") }
        var urgency = GridEventUrgency.normal
        if let u = input.urgency?.nilIfEmpty { if let v = GridEventUrgency(rawValue: u) { urgency = v } else { e["urgency"] = L.t("紧急程度无效", "Unknown urgency") } }
        let description = (input.description ?? "").trimmed
        if description.count < 4 { e["description"] = L.t("请简要说明发现的问题（至少4个字）", "Say briefly what you found (at least 4 characters)") }
        else if description.count > 1000 { e["description"] = L.t("不能超过1000字", "At most 1000 characters") }
        let address = (input.address ?? "").trimmed
        if address.count > 200 { e["address"] = L.t("不能超过200字", "At most 200 characters") }
        var source = GridEventSource.gridPatrol
        if let s = input.source?.nilIfEmpty {
            if let v = GridEventSource(rawValue: s), v != .portal { source = v } else { e["source"] = L.t("来源无效", "Unknown source") }
        }
        // Place: a pin (community and grid found from it) or a chosen community and grid.
        var point: GeoPoint? = nil
        let latS = input.lat?.trimmed ?? "", lonS = input.lon?.trimmed ?? ""
        if !latS.isEmpty || !lonS.isEmpty {
            if let lat = Double(latS), let lon = Double(lonS), (-90...90).contains(lat), (-180...180).contains(lon) { point = GeoPoint(lon: lon, lat: lat) }
            else { e["lat"] = L.t("坐标无效：请在地图上选点，或填写纬度和经度", "Invalid coordinates: pick the place on the map or type latitude and longitude") }
        }
        var community = input.communityID?.nilIfEmpty, grid = input.gridID?.nilIfEmpty
        if let point {
            let found = try await MapLocator.locate(req, point, scope: try await req.scope())
            if community == nil {
                if found.outside { e["lat"] = L.t("该位置不在您负责的区域内", "This place is outside your area") }
                community = found.community.map { String($0.id) }
            }
            // The grid follows the pin when it lies in the chosen community.
            if grid == nil, let c = found.community, String(c.id) == community { grid = found.grid.map { String($0.id) } }
        }
        if point == nil && community == nil {
            e["lat"] = L.t("请在地图上选点，或选择社区和网格", "Pick the place on the map, or choose the community and grid")
        }
        var place: Place? = nil
        if community != nil { place = try await Place.validate(req, community: community, grid: grid ?? "", building: nil, old: nil, errors: &e) }
        let prepared = try await PhotoStore.prepare(req, input.photos ?? [])
        guard e.isEmpty, let category, let place else { throw e }

        if !["1", "true", "yes", "on"].contains(input.confirmDuplicate ?? ""), let point {
            let since = Date().addingTimeInterval(-GridEventDuplicates.window)
            let recent = try await visible(req).filter(\.$categoryCode == category.code).filter(\.$reportedAt >= since)
                .filter(\.$status != .declined).filter(\.$lat != nil).sort(\.$reportedAt, .descending).limit(200).all()
            let candidates = recent.map { GridEventPoint(id: String($0.id!), categoryCode: $0.categoryCode, latitude: $0.lat!, longitude: $0.lon!, reportedAt: $0.reportedAt) }
            let hits = GridEventDuplicates.suggestions(for: GridEventPoint(id: "new", categoryCode: category.code, latitude: point.lat, longitude: point.lon, reportedAt: Date()), among: candidates)
            if !hits.isEmpty {
                let byID = Dictionary(uniqueKeysWithValues: recent.map { ($0.id!, $0) })
                throw DuplicateEvents(events: hits.compactMap { Int($0.id).flatMap { byID[$0] } },
                                      distances: Dictionary(uniqueKeysWithValues: hits.compactMap { h in Int(h.id).map { ($0, h.distanceMetres) } }))
            }
        }

        let now = Date()
        let actor: GridEventActor = user.role.can(.dispatchGridEvents) ? .centre : .gridWorker
        let state: GridEventState
        do { state = try GridEventWorkflow.report(by: actor, at: now) } catch { throw error.abort(L) }
        let ev = GridEvent()
        ev.categoryCode = category.code; ev.urgency = urgency; ev.description = description; ev.address = address
        ev.lat = point?.lat; ev.lon = point?.lon; ev.communityID = place.communityID; ev.gridID = place.gridID
        ev.source = origin?.source ?? source; ev.reporterID = userID; ev.idempotencyKey = key; ev.reportedAt = now; ev.reworkCount = 0
        switch origin {
        case .portal(let id): ev.portalRequestID = id
        case .patrol(let id): ev.patrolLogID = id
        case .inspection(let id): ev.inspectionID = id
        case nil: break
        }
        ev.stateJSON = "{}"; ev.status = .reported; ev.centreLevel = .street; ev.roundTheClock = false
        do {
            _ = try await commit(req, ev, from: nil, to: state, action: "report", actor: actor, note: description, photos: prepared, at: now, isNew: true)
        } catch {
            // Two resends racing: the first one's row answers (the unique key refused the second).
            // unscoped: the key carries the reporter's own id
            if let key, let earlier = try await GridEvent.query(on: req.db).filter(\.$idempotencyKey == key).first() { return (earlier, false) }
            throw error
        }
        return (ev, true)
    }
}
