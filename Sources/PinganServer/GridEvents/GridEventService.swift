import Fluent
import SQLKit
import Vapor
import PinganKit

/// The grid-event loop's server side: who sees what, who acts as which side, and each step stored with its timeline
/// row, photos and audit in one transaction. The rules themselves are PinganKit's (`GridEventWorkflow`).
enum GridEventService {
    /// Events the user may see: a unit's staff those dispatched to their unit as lead or helper (wherever they are);
    /// everyone else their jurisdiction (a grid worker: their grids).
    /// With `statuses`, only the events in one of them.
    static func visible(_ req: Request, statuses: [GridEventStatus]? = nil) async throws -> QueryBuilder<GridEvent> {
        let user = try req.user
        if user.role == .unitStaff {
            // unscoped: a unit sees what is dispatched to it, in any grid — and nothing else
            return GridEvent.query(on: req.db).filter(dispatchedTo(user.unitID ?? -1, statuses: statuses))
        }
        let q = try await req.scoped(GridEvent.self)
        if let statuses { if statuses.count == 1 { q.filter(\.$status == statuses[0]) } else { q.filter(\.$status ~~ statuses) } }
        return q
    }

    static func find(_ req: Request, _ id: Int?) async throws -> GridEvent {
        try req.require(.viewGridEvents)
        guard let id, let e = try await visible(req).filter(\.$id == id).first() else { throw Abort(.notFound) }
        return e
    }

    /// The centre level a user works at: district command over the whole district (or an administrator) is the
    /// district centre; district command scoped to a street is that street's sub-centre.
    static func centreLevel(_ req: Request) async throws -> GridEventCentreLevel? {
        let user = try req.user
        guard user.role.can(.dispatchGridEvents) else { return nil }
        guard let id = user.scopeDivisionID, let d = try await Division.find(id, on: req.db) else { return .district }
        return d.level == .district ? .district : .street
    }

    /// The sides this user can take on this event.
    static func actors(_ req: Request, _ e: GridEvent) async throws -> [GridEventActor] {
        let user = try req.user
        var out: [GridEventActor] = []
        if let level = try await centreLevel(req), level >= e.centreLevel { out.append(.centre) }
        if user.role == .unitStaff, let unit = user.unitID {
            if unit == e.unitID { out.append(.unit) } else if e.state.helpers.contains(String(unit)) { out.append(.helper) }
        }
        if user.role.can(.verifyGridEvents) { out.append(.gridWorker) }
        return out
    }

    /// The actions the user may take now, the usual next step first.
    static func available(_ req: Request, _ e: GridEvent) async throws -> [GridEventActionKind] {
        var seen = Set<GridEventActionKind>(), out: [GridEventActionKind] = []
        for a in try await actors(req, e) { for k in GridEventWorkflow.available(for: e.state, by: a) where seen.insert(k).inserted { out.append(k) } }
        let order: [GridEventActionKind] = [.register, .dispatch, .accept, .feedback, .assist, .passVerification, .failVerification, .answerSupervision,
                                            .approveExtension, .rejectExtension, .supervise, .requestExtension, .escalate, .returnToCentre, .decline, .rate]
        return out.sorted { (order.firstIndex(of: $0) ?? 99) < (order.firstIndex(of: $1) ?? 99) }
    }

    /// Units that may be dispatched to this event: active, serving an area that contains it.
    static func candidateUnits(_ req: Request, _ e: GridEvent) async throws -> [ResponsibleUnit] {
        guard let community = try await Division.find(e.communityID, on: req.db) else { return [] }
        let units = try await ResponsibleUnit.query(on: req.db).filter(\.$active == true).sort(\.$kind).sort(\.$name).all()
        let areas = Dictionary(uniqueKeysWithValues: try await Division.query(on: req.db).filter(\.$id ~~ Array(Set(units.map(\.divisionID)))).all().map { ($0.id!, $0.code) })
        return units.filter { u in areas[u.divisionID].map { community.code == $0 || DivisionCode.isPrefix($0, of: community.code) } ?? false }
    }

    static func stepsAndNames(_ req: Request, _ e: GridEvent) async throws -> ([GridEventStep], [Int: String], [Photo]) {
        let steps = try await GridEventStep.query(on: req.db).filter(\.$eventID == e.id!).sort(\.$at).sort(\.$id).all()
        let ids = Array(Set(steps.compactMap(\.userID) + [e.reporterID].compactMap { $0 }))
        let names = ids.isEmpty ? [:] : Dictionary(uniqueKeysWithValues: try await User.query(on: req.db).filter(\.$id ~~ ids).all().map { ($0.id!, $0.displayName) })
        let photos = try await Photo.query(on: req.db).filter(\.$owner == PhotoOwner.gridEvent.rawValue).filter(\.$ownerID == e.id!).sort(\.$id).all()
        return (steps, names, photos)
    }

    /// Saves the new state with its step, photos and audit atomically; files of a failed save are removed.
    static func commit(_ req: Request, _ e: GridEvent, from: GridEventStatus?, to state: GridEventState, action: String, actor: GridEventActor,
                       note: String, photos: [PhotoStore.Prepared], at: Date, isNew: Bool = false) async throws -> GridEventStep {
        let userID = req.auth.get(User.self)?.id  // nil: a resident (rating through the portal)
        var stored: [Photo] = []
        do {
            return try await req.db.transaction { db in
                e.state = state
                if isNew { try await e.create(on: db) } else { try await e.save(on: db) }
                let step = GridEventStep(eventID: e.id!, action: action, from: from, to: state.status, actor: actor, userID: userID, note: note, at: at)
                try await step.create(on: db)
                if action == GridEventActionKind.dispatch.rawValue {
                    try await syncHelpers(e, on: db)
                    try await StaffNotices.eventDispatched(req, e, on: db)
                }
                if action == "assist" { try await markReported(e, at: at, on: db) }
                stored = try await PhotoStore.attach(req, photos, owner: .gridEvent, ownerID: e.id!, stepID: step.id, moderation: .internalOnly, uploadedBy: userID, on: db)
                await req.audit("grid_event.\(action)", entity: "grid_event", id: e.id.map(String.init),
                                detail: "\(from?.rawValue ?? "-")→\(state.status.rawValue)" + (photos.isEmpty ? "" : " photos=\(photos.count)") + (note.isEmpty ? "" : " \(note.prefix(200))"), on: db)
                return step
            }
        } catch {
            PhotoStore.discard(req.application, PhotoStore.files(of: stored))
            throw error
        }
    }
}

extension GridEventWorkflowError {
    /// As an HTTP error: 409 wrong state, 403 wrong side, 422 with the message under `action` for bad input.
    func abort(_ L: Lang) -> any Error {
        switch kind {
        case .wrongState: return Abort(.conflict, reason: L.t(messageZh, messageEn))
        case .wrongActor: return Abort(.forbidden, reason: L.t(messageZh, messageEn))
        case .invalidInput: return FieldErrors(["action": L.t(messageZh, messageEn)])
        }
    }
}
