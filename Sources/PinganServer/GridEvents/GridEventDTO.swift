import Fluent
import SQLKit
import Vapor
import PinganKit

struct GridEventClockDTO: Content {
    var state: GridEventClockState
    var stateName: String
    var elapsedHours: Double
    var limitHours: Double
    var remainingHours: Double
}

struct GridEventStepDTO: Content {
    var action: String
    var actionName: String
    var from: GridEventStatus?
    var to: GridEventStatus
    var actor: GridEventActor
    var by: String
    var note: String
    var at: Date
    var photos: [PhotoDTO]
}

struct GridEventDTO: Content {
    var id: Int
    var number: String
    var caseNumber: String?
    var categoryCode: String
    var categoryName: String
    var urgency: GridEventUrgency
    var description: String
    var address: String
    var lat: Double?
    var lon: Double?
    var communityID: Int
    var communityName: String
    var gridID: Int?
    var gridName: String?
    var source: GridEventSource
    var reporter: String?
    var status: GridEventStatus
    var statusName: String
    var centreLevel: GridEventCentreLevel
    var unitID: Int?
    var unitName: String?
    /// 协办单位 of the current dispatch (the single event's view only).
    var helpers: [GridEventHelperDTO]? = nil
    var dispatchedAt: Date?
    var deadline: Date?
    var clock: GridEventClockDTO?
    var handledAt: Date?
    var closedAt: Date?
    var reworkCount: Int
    var supervision: SupervisionLevel?
    var satisfaction: GridEventSatisfaction?
    var reason: String?
    var pendingExtensionHours: Double?
    var reportedAt: Date
    var steps: [GridEventStepDTO]?
    var photos: [PhotoDTO]?
    /// What the requesting user may do now.
    var actions: [GridEventActionKind]?
    /// What it was taken up from: a resident's request, a patrol log's finding, an inspection.
    var portalRequestID: Int? = nil
    var patrolLogID: Int? = nil
    var inspectionID: Int? = nil
}

/// Names for a page of events, loaded once.
struct GridEventLookup {
    var divisions: [Int: String] = [:]
    var units: [Int: String] = [:]
    var users: [Int: String] = [:]
    var categories: [String: String] = [:]

    static func load(_ req: Request, _ events: [GridEvent]) async throws -> GridEventLookup {
        var l = GridEventLookup()
        l.divisions = try await DivisionLookup.names(events.flatMap { [$0.communityID, $0.gridID].compactMap { $0 } }, on: req.db)
        let unitIDs = Array(Set(events.compactMap(\.unitID)))
        if !unitIDs.isEmpty { for u in try await ResponsibleUnit.query(on: req.db).filter(\.$id ~~ unitIDs).all() { l.units[u.id!] = u.name } }
        let userIDs = Array(Set(events.compactMap(\.reporterID)))
        if !userIDs.isEmpty { for u in try await User.query(on: req.db).filter(\.$id ~~ userIDs).all() { l.users[u.id!] = u.displayName } }
        l.categories = try await GridEventCategories.names(req.db, req.lang)
        return l
    }
}

extension GridEvent {
    /// The clock of the current dispatch (stopped at the feedback once handled), or nil before dispatch.
    /// Read from the columns (copies of the state), not the state's JSON: lists compute a clock per row.
    func clock(_ calendar: WorkingCalendar, now: Date = Date()) -> GridEventClock? {
        guard let start = dispatchedAt, let deadline, let hours = limitHours else { return nil }
        let until = status.isWithUnit ? now : (handledAt ?? now)
        return GridEventClocks.clock(start: start, deadline: deadline, limit: GridEventTimeLimit(hours: hours, roundTheClock: roundTheClock), now: until, calendar: calendar)
    }

    /// The two parts of the state a list row shows that have no column. Decoding just these skips building the whole
    /// state (two dozen fields) for every row of a list.
    private struct ListNotes: Decodable {
        struct Extension: Decodable { var hours: Double }
        var reason: String?
        var pendingExtension: Extension?
    }

    func toDTO(_ l: GridEventLookup, _ L: Lang, _ cal: LocalCalendar, _ working: WorkingCalendar) -> GridEventDTO {
        let s = (try? JSONDecoder.events.decode(ListNotes.self, from: Data(stateJSON.utf8))) ?? ListNotes()
        let c = clock(working)
        return GridEventDTO(id: id ?? 0, number: number(cal), caseNumber: caseNumber, categoryCode: categoryCode,
                            categoryName: l.categories[categoryCode] ?? categoryCode, urgency: urgency, description: description, address: address,
                            lat: lat, lon: lon, communityID: communityID, communityName: l.divisions[communityID] ?? "", gridID: gridID,
                            gridName: gridID.flatMap { l.divisions[$0] }, source: source, reporter: reporterID.flatMap { l.users[$0] },
                            status: status, statusName: L.t(status.nameZh, status.nameEn), centreLevel: centreLevel, unitID: unitID,
                            unitName: unitID.flatMap { l.units[$0] }, dispatchedAt: dispatchedAt, deadline: deadline,
                            clock: c.map { GridEventClockDTO(state: $0.state, stateName: L.t($0.state.nameZh, $0.state.nameEn), elapsedHours: ($0.elapsedHours * 10).rounded() / 10,
                                                             limitHours: $0.limitHours, remainingHours: ($0.remainingHours * 10).rounded() / 10) },
                            handledAt: handledAt, closedAt: closedAt, reworkCount: reworkCount, supervision: supervision, satisfaction: satisfaction,
                            reason: s.reason, pendingExtensionHours: s.pendingExtension?.hours, reportedAt: reportedAt, steps: nil, photos: nil, actions: nil,
                            portalRequestID: portalRequestID, patrolLogID: patrolLogID, inspectionID: inspectionID)
    }
}

/// The list's filters, read alike by the page, the API and the CSV. `queue` picks the centre's and units' work lists.
struct GridEventFilter {
    enum Queue: String, CaseIterable { case register, dispatch, extensions, verify, withUnit = "with_unit", overdue, closed }
    var queue: Queue?
    var status: GridEventStatus?
    var category: String?
    var community: Int?
    var grid: Int?
    var unit: Int?
    var source: GridEventSource?
    var from: Date?
    var to: Date?
    var q: String?
    var mine = false

    /// One work queue, nothing else (the tabs' counts).
    init(queue: Queue?) { self.queue = queue }

    init(_ req: Request, errors e: inout FieldErrors) {
        let L = req.lang, cal = req.localCalendar
        if let s = req.query[String.self, at: "queue"]?.nilIfEmpty { queue = Queue(rawValue: s); if queue == nil { e["queue"] = L.t("队列无效", "Unknown queue") } }
        if let s = req.query[String.self, at: "status"]?.nilIfEmpty { status = GridEventStatus(rawValue: s); if status == nil { e["status"] = L.t("状态无效", "Unknown status") } }
        category = req.query[String.self, at: "category"]?.nilIfEmpty
        community = req.query[String.self, at: "community"]?.nilIfEmpty.flatMap { Int($0) }
        grid = req.query[String.self, at: "grid"]?.nilIfEmpty.flatMap { Int($0) }
        unit = req.query[String.self, at: "unit"]?.nilIfEmpty.flatMap { Int($0) }
        if let s = req.query[String.self, at: "source"]?.nilIfEmpty { source = GridEventSource(rawValue: s); if source == nil { e["source"] = L.t("来源无效", "Unknown source") } }
        if let f = req.query[String.self, at: "from"]?.nilIfEmpty { from = cal.parseLocalDate(f); if from == nil { e["from"] = L.t("日期格式应为 2026-03-01", "Use a date like 2026-03-01") } }
        if let t = req.query[String.self, at: "to"]?.nilIfEmpty { to = cal.parseLocalDate(t).map(cal.startOfNextDay); if to == nil { e["to"] = L.t("日期格式应为 2026-03-31", "Use a date like 2026-03-31") } }
        q = req.query[String.self, at: "q"]?.nilIfEmpty.map { String($0.prefix(50)) }
        mine = ["1", "true"].contains(req.query[String.self, at: "mine"] ?? "")
    }

    func query(_ req: Request) async throws -> QueryBuilder<GridEvent> {
        let q = try await GridEventService.visible(req)
        switch queue {
        case .register: q.filter(\.$status == .reported)
        case .dispatch: q.filter(\.$status ~~ [.registered, .returned])
        // Only a unit handling an event asks for more time (`GridEventAction.requestExtension`); the status narrows the
        // text match to a few thousand rows from its index instead of reading every event's state.
        case .extensions: q.filter(\.$status ~~ [.handling, .rework]).filter(\.$stateJSON ~~ "pendingExtension")
        case .verify: q.filter(\.$status == .handled)
        case .withUnit: q.filter(\.$status ~~ [.dispatched, .handling, .rework])
        case .overdue: q.filter(\.$status ~~ [.dispatched, .handling, .rework]).filter(\.$deadline < Date())
        case .closed: q.filter(\.$status ~~ [.closed, .declined])
        case nil: break
        }
        if let status { q.filter(\.$status == status) }
        if let category { q.filter(\.$categoryCode == category) }
        if let community { q.filter(\.$communityID == community) }
        if let grid { q.filter(\.$gridID == grid) }
        if let unit { q.filter(\.$unitID == unit) }
        if let source { q.filter(\.$source == source) }
        if let from { q.filter(\.$reportedAt >= from) }
        if let to { q.filter(\.$reportedAt < to) }
        if let text = self.q { q.group(.or) { $0.filter(\.$description ~~ text).filter(\.$address ~~ text).filter(\.$caseNumber ~~ text) } }
        if mine { q.filter(\.$reporterID == (try req.user.id ?? -1)) }
        return queue == .overdue || queue == .withUnit ? q.sort(\.$deadline).sort(\.$id) : q.sort(\.$reportedAt, .descending).sort(\.$id, .descending)
    }
}
