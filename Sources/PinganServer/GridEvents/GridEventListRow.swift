import Fluent
import SQLKit
import Vapor
import PinganKit

/// The columns of an event that a list row (`GridEventDTO` without steps, photos or actions) shows. Lists read it
/// straight from the query's rows (`all(_:)`); the single event's views build it from the model. One `toDTO` serves both.
struct GridEventListRow {
    var id: Int
    var caseNumber: String?
    var categoryCode: String
    var urgency: GridEventUrgency
    var description: String
    var address: String
    var lat: Double?
    var lon: Double?
    var communityID: Int
    var gridID: Int?
    var source: GridEventSource
    var reporterID: Int?
    var portalRequestID: Int?
    var patrolLogID: Int?
    var inspectionID: Int?
    var centreLevel: GridEventCentreLevel
    var status: GridEventStatus
    var unitID: Int?
    var dispatchedAt: Date?
    var deadline: Date?
    var limitHours: Double?
    var roundTheClock: Bool
    var handledAt: Date?
    var closedAt: Date?
    var reworkCount: Int
    var supervision: SupervisionLevel?
    var satisfaction: GridEventSatisfaction?
    var stateJSON: String
    var reportedAt: Date

    init(_ e: GridEvent) {
        id = e.id ?? 0; caseNumber = e.caseNumber; categoryCode = e.categoryCode; urgency = e.urgency; description = e.description
        address = e.address; lat = e.lat; lon = e.lon; communityID = e.communityID; gridID = e.gridID; source = e.source
        reporterID = e.reporterID; portalRequestID = e.portalRequestID; patrolLogID = e.patrolLogID; inspectionID = e.inspectionID
        centreLevel = e.centreLevel; status = e.status; unitID = e.unitID; dispatchedAt = e.dispatchedAt; deadline = e.deadline
        limitHours = e.limitHours; roundTheClock = e.roundTheClock; handledAt = e.handledAt; closedAt = e.closedAt
        reworkCount = e.reworkCount; supervision = e.supervision; satisfaction = e.satisfaction; stateJSON = e.stateJSON
        reportedAt = e.reportedAt
    }

    /// The columns read (`all(_:)`), the model's keys.
    private static let columns = ["id", "case_number", "category_code", "urgency", "description", "address", "lat", "lon",
                                  "community_id", "grid_id", "source", "reporter_id", "portal_request_id", "patrol_log_id",
                                  "inspection_id", "centre_level", "status", "unit_id", "dispatched_at", "deadline", "limit_hours",
                                  "round_the_clock", "handled_at", "closed_at", "rework_count", "supervision", "satisfaction",
                                  "state_json", "reported_at"]

    /// One row of `all(_:)`'s query, column by column.
    private init(_ o: any DatabaseOutput) throws {
        func opt<T: Decodable>(_ key: FieldKey, _: T.Type) throws -> T? { try o.decodeNil(key) ? nil : o.decode(key, as: T.self) }
        // Enumerations as text, then by raw value: their `Decodable` conformance goes through a decoder per value.
        func raw<E: RawRepresentable>(_ key: FieldKey, _: E.Type) throws -> E where E.RawValue == String {
            let s = try o.decode(key, as: String.self)
            guard let v = E(rawValue: s) else { throw Abort(.internalServerError, reason: "grid_events.\(key): unknown value \"\(s)\"") }
            return v
        }
        func optRaw<E: RawRepresentable>(_ key: FieldKey, _ t: E.Type) throws -> E? where E.RawValue == String {
            try o.decodeNil(key) ? nil : raw(key, t)
        }
        id = try o.decode("id", as: Int.self); caseNumber = try opt("case_number", String.self)
        categoryCode = try o.decode("category_code", as: String.self); urgency = try raw("urgency", GridEventUrgency.self)
        description = try o.decode("description", as: String.self); address = try o.decode("address", as: String.self)
        lat = try opt("lat", Double.self); lon = try opt("lon", Double.self)
        communityID = try o.decode("community_id", as: Int.self); gridID = try opt("grid_id", Int.self)
        source = try raw("source", GridEventSource.self); reporterID = try opt("reporter_id", Int.self)
        portalRequestID = try opt("portal_request_id", Int.self); patrolLogID = try opt("patrol_log_id", Int.self)
        inspectionID = try opt("inspection_id", Int.self); centreLevel = try raw("centre_level", GridEventCentreLevel.self)
        status = try raw("status", GridEventStatus.self); unitID = try opt("unit_id", Int.self)
        dispatchedAt = try opt("dispatched_at", Date.self); deadline = try opt("deadline", Date.self)
        limitHours = try opt("limit_hours", Double.self); roundTheClock = try o.decode("round_the_clock", as: Bool.self)
        handledAt = try opt("handled_at", Date.self); closedAt = try opt("closed_at", Date.self)
        reworkCount = try o.decode("rework_count", as: Int.self); supervision = try optRaw("supervision", SupervisionLevel.self)
        satisfaction = try optRaw("satisfaction", GridEventSatisfaction.self); stateJSON = try o.decode("state_json", as: String.self)
        reportedAt = try o.decode("reported_at", as: Date.self)
    }

    /// The rows of a list query — its scope, filters, order and page as built with Fluent — without Fluent's models.
    /// Building a `GridEvent` per row (31 property wrappers, each field asked `contains`, `decodeNil` and `decode` through
    /// them) was the largest cost of a unit's 50-row list after the database itself (release build, district demo).
    static func all(_ q: QueryBuilder<GridEvent>) async throws -> [GridEventListRow] {
        // The columns by their own names (`"grid_events"."id"`), not Fluent's aliases (`… AS "grid_events_id"`) read
        // through `output.schema(_:)`, which builds the prefixed name as a new string for every field of every row (5 %
        // of a list request's CPU).
        q.query.fields = columns.map { .custom(SQLColumn($0, table: GridEvent.schema)) }
        let rows = Collected()
        try await q.run { output in
            guard rows.error == nil else { return }
            do { rows.items.append(try GridEventListRow(output)) } catch { rows.error = error }
        }
        if let e = rows.error { throw e }
        return rows.items
    }

    /// Rows handed over one at a time, in order, by the query's run (as FluentKit's own `all()` collects its models), and
    /// read only after it has finished.
    private final class Collected: @unchecked Sendable {
        var items: [GridEventListRow] = []
        var error: (any Error)?
    }

    /// 事件编号 before registration, 案卷号 after (`GridEvent.number`).
    func number(_ cal: LocalCalendar) -> String { GridEvent.number(caseNumber: caseNumber, reportedAt: reportedAt, id: id, cal) }

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

    private var listNotes: ListNotes {
        // Most events have neither key (the state is written by `JSONEncoder.events`, keys as plain text): looking for
        // them in the text first skips a JSON decode per row for those.
        guard Self.mentions(stateJSON, Self.noteKeys) else { return ListNotes() }
        return (try? JSONDecoder.events.decode(ListNotes.self, from: Data(stateJSON.utf8))) ?? ListNotes()
    }

    private static let noteKeys: [[UInt8]] = [Array(#""reason""#.utf8), Array(#""pendingExtension""#.utf8)]

    /// Whether the text holds one of the byte strings. A plain loop over the bytes: the standard library's generic
    /// `firstRange(of:)` (a Z-algorithm searcher, generic metadata at every call) took 40 % of a list request's CPU.
    private static func mentions(_ text: String, _ needles: [[UInt8]]) -> Bool {
        var text = text
        return text.withUTF8 { bytes in
            needles.contains { needle in
                guard !needle.isEmpty, bytes.count >= needle.count else { return false }
                for start in 0...(bytes.count - needle.count) {
                    var i = 0
                    while i < needle.count && bytes[start + i] == needle[i] { i += 1 }
                    if i == needle.count { return true }
                }
                return false
            }
        }
    }

    func toDTO(_ l: GridEventLookup, _ L: Lang, _ cal: LocalCalendar, _ working: WorkingCalendar) -> GridEventDTO {
        let s = listNotes
        let c = clock(working)
        return GridEventDTO(id: id, number: number(cal), caseNumber: caseNumber, categoryCode: categoryCode,
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
