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
        try await load(req, events.map(GridEventListRow.init))
    }

    /// Units and reporters are read as id and name only, like the divisions (`DivisionLookup`): a list asks for them on
    /// every request, and a full model per name was a measured cost there.
    static func load(_ req: Request, _ rows: [GridEventListRow]) async throws -> GridEventLookup {
        var l = GridEventLookup()
        let sql = req.db as! any SQLDatabase
        l.divisions = try await DivisionLookup.names(rows.flatMap { [$0.communityID, $0.gridID].compactMap { $0 } }, on: req.db)
        let unitIDs = Array(Set(rows.compactMap(\.unitID)))
        if !unitIDs.isEmpty {
            for r in try await sql.select().column("id").column("name").from(ResponsibleUnit.schema).where("id", .in, unitIDs).all() {
                l.units[try r.decode(column: "id", as: Int.self)] = try r.decode(column: "name", as: String.self)
            }
        }
        let userIDs = Array(Set(rows.compactMap(\.reporterID)))
        if !userIDs.isEmpty {
            for r in try await sql.select().column("id").column("display_name").from(User.schema).where("id", .in, userIDs).all() {
                l.users[try r.decode(column: "id", as: Int.self)] = try r.decode(column: "display_name", as: String.self)
            }
        }
        l.categories = try await GridEventCategories.names(req.db, req.lang)
        return l
    }
}

extension GridEvent {
    /// The clock of the current dispatch (`GridEventListRow.clock`).
    func clock(_ calendar: WorkingCalendar, now: Date = Date()) -> GridEventClock? {
        GridEventListRow(self).clock(calendar, now: now)
    }

    /// As a list row shows it (`GridEventListRow.toDTO`: one definition of the fields for the lists and the single event).
    func toDTO(_ l: GridEventLookup, _ L: Lang, _ cal: LocalCalendar, _ working: WorkingCalendar) -> GridEventDTO {
        GridEventListRow(self).toDTO(l, L, cal, working)
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

    /// The statuses a work queue shows (nil: any).
    var queueStatuses: [GridEventStatus]? {
        switch queue {
        case .register: [.reported]
        case .dispatch: [.registered, .returned]
        // Only a unit handling an event asks for more time (`GridEventAction.requestExtension`); the status narrows the
        // text match below to a few thousand rows from its index instead of reading every event's state.
        case .extensions: [.handling, .rework]
        case .verify: [.handled]
        case .withUnit, .overdue: [.dispatched, .handling, .rework]
        case .closed: [.closed, .declined]
        case nil: nil
        }
    }

    func query(_ req: Request) async throws -> QueryBuilder<GridEvent> {
        // The queue's statuses go to `visible`, which places them where the indexes can serve them (for a unit's staff,
        // inside each branch of "led or helped by the unit").
        let q = try await GridEventService.visible(req, statuses: queueStatuses)
        switch queue {
        case .extensions: q.filter(\.$stateJSON ~~ "pendingExtension")
        case .overdue: q.filter(\.$deadline < Date())
        default: break
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
