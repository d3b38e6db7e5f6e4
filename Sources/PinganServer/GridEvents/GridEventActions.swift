import Fluent
import Vapor
import PinganKit

/// One step on an event (`action` = a `GridEventActionKind` raw value) with what it needs.
struct GridEventActionInput: Content {
    var action: String?
    var reason: String?
    var note: String?
    var unitID: String?
    /// Dispatch: the helping units (协办), form checkboxes `helperUnitIDs[]`.
    var helperUnitIDs: [String]?
    var urgency: String?
    /// Dispatch: a deadline set by hand (local `2026-03-05T17:30`), else the category's limit on the working calendar.
    var deadline: String?
    var hours: String?
    var level: String?
    var photos: [File]?
}

extension GridEventService {
    /// Takes one step on the event as the side the user acts for; nothing changes when the step is refused.
    static func act(_ req: Request, _ ev: GridEvent, _ input: GridEventActionInput) async throws {
        let L = req.lang
        guard let raw = input.action?.nilIfEmpty, let kind = GridEventActionKind(rawValue: raw), kind != .rate else {
            throw FieldErrors(["action": L.t("请选择要办理的事项", "Choose what to do")])
        }
        let mine = try await actors(req, ev)
        guard let actor = kind.actors.first(where: mine.contains) else {
            let who = kind.actors.map { L.t($0.nameZh, $0.nameEn) }.joined(separator: L.t("或", " or "))
            throw Abort(.forbidden, reason: L.t("“\(kind.nameZh)”只能由\(who)办理", "Only \(who) can \(kind.nameEn)"))
        }
        let (settings, calendar) = try await req.gridEventCalendar()
        var e = FieldErrors()
        let reason = (input.reason ?? "").trimmed, note = (input.note ?? "").trimmed
        if reason.count > 500 { e["reason"] = L.t("不能超过500字", "At most 500 characters") }
        if note.count > 1000 { e["note"] = L.t("不能超过1000字", "At most 1000 characters") }
        func needReason() { if reason.isEmpty { e["reason"] = L.t("请写明理由", "Give the reason") } }
        func hours() -> Double? {
            guard let s = input.hours?.trimmed.nilIfEmpty else { return nil }
            guard let h = Double(s), h > 0, h <= 2000 else { e["hours"] = L.t("小时数应为 0–2000", "Hours must be between 0 and 2000"); return nil }
            return h
        }
        let now = Date()
        var action: GridEventAction? = nil
        var newUrgency: GridEventUrgency? = nil
        var stepNote = [reason, note].filter { !$0.isEmpty }.joined(separator: "；")
        switch kind {
        case .register:
            action = .register(caseNumber: "AJ" + req.localCalendar.formatDate(now).replacingOccurrences(of: "-", with: "") + "-" + String(format: "%06d", ev.id ?? 0))
        case .decline: needReason(); action = .decline(reason: reason)
        case .dispatch:
            let units = try await candidateUnits(req, ev)
            let unit = input.unitID.flatMap { Int($0) }.flatMap { id in units.first { $0.id == id } }
            if unit == nil { e["unitID"] = L.t("请选择负责该区域的处置单位", "Choose a responsible unit that serves this area") }
            var urgency = ev.urgency
            if let u = input.urgency?.nilIfEmpty { if let v = GridEventUrgency(rawValue: u) { urgency = v; newUrgency = v } else { e["urgency"] = L.t("紧急程度无效", "Unknown urgency") } }
            var deadline: Date? = nil
            if let d = input.deadline?.nilIfEmpty {
                if let t = req.localCalendar.parseLocalDateTime(d) {
                    if t <= now { e["deadline"] = L.t("处置时限不能早于现在", "The deadline must be in the future") } else { deadline = t }
                } else { e["deadline"] = L.t("时间格式应为 2026-03-05 17:30", "Use a time like 2026-03-05 17:30") }
            }
            let parent = try await GridEventCategoryRow.query(on: req.db).filter(\.$code == ev.categoryCode).first()?.parentCode
            let limit = settings.timeLimits.limit(for: ev.categoryCode, parentCode: parent, urgency: urgency)
            let helpers = helperChoice(input.helperUnitIDs, lead: unit, candidates: units, L, errors: &e)
            if let unit {
                action = .dispatch(unitID: String(unit.id!), timeLimit: limit, deadline: deadline, helperUnitIDs: helpers)
                // The timeline keeps who was dispatched: the next dispatch replaces the units on the event.
                let helperNames = helpers.compactMap { h in units.first { "\($0.id!)" == h }?.name }
                stepNote = L.t("主办：", "Lead: ") + unit.name + (helperNames.isEmpty ? "" : L.t("；协办：", "; helping: ") + helperNames.joined(separator: L.t("、", ", ")))
            }
        case .accept: action = .accept
        case .returnToCentre: needReason(); action = .returnToCentre(reason: reason)
        case .requestExtension:
            needReason(); let h = hours(); if h == nil && e["hours"] == nil { e["hours"] = L.t("请填写需要延长的工作小时数", "Give the working hours needed") }
            if let h { action = .requestExtension(hours: h, reason: reason) }
        case .approveExtension: action = .approveExtension(hours: hours())
        case .rejectExtension: needReason(); action = .rejectExtension(reason: reason)
        case .feedback: action = .feedback(note: note, photos: input.photos?.filter { $0.data.readableBytes > 0 }.count ?? 0)
        case .assist:
            action = .assist(unitID: String(try req.user.unitID ?? -1), note: note, photos: input.photos?.filter { $0.data.readableBytes > 0 }.count ?? 0)
        case .passVerification: action = .passVerification(note: note, photos: input.photos?.filter { $0.data.readableBytes > 0 }.count ?? 0)
        case .failVerification: needReason(); action = .failVerification(reason: reason, photos: input.photos?.filter { $0.data.readableBytes > 0 }.count ?? 0)
        case .escalate: needReason(); action = .escalate(reason: reason)
        case .supervise:
            guard let l = input.level.flatMap(SupervisionLevel.init(rawValue:)) else { e["level"] = L.t("请选择黄牌或红牌督办", "Choose a yellow or red order"); break }
            action = .supervise(l)
        case .answerSupervision:
            if note.isEmpty { e["note"] = L.t("请回复督办事项的办理情况", "Say what was done about the order") }
            action = .answerSupervision(note: note)
        case .rate: break
        }
        let prepared = try await PhotoStore.prepare(req, input.photos ?? [])
        guard e.isEmpty, let action else { throw e }
        let before = ev.status
        let next: GridEventState
        do { next = try GridEventWorkflow.apply(action, to: ev.state, by: actor, at: now, calendar: calendar) } catch { throw error.abort(L) }
        if let newUrgency { ev.urgency = newUrgency }
        _ = try await commit(req, ev, from: before, to: next, action: kind.rawValue, actor: actor, note: stepNote, photos: prepared, at: now)
    }
}

extension GridEventService {
    /// The resident's rating (满意 / 基本满意 / 不满意) of a closed event taken up from their request — once.
    static func rate(_ req: Request, _ ev: GridEvent, _ raw: String?) async throws {
        let L = req.lang
        guard let s = raw.flatMap(GridEventSatisfaction.init(rawValue:)) else {
            throw FieldErrors(["satisfaction": L.t("请选择满意、基本满意或不满意", "Choose satisfied, fairly satisfied or dissatisfied")])
        }
        let (_, calendar) = try await req.gridEventCalendar()
        let before = ev.status, now = Date()
        let next: GridEventState
        do { next = try GridEventWorkflow.apply(.rate(s), to: ev.state, by: .resident, at: now, calendar: calendar) } catch { throw error.abort(L) }
        _ = try await commit(req, ev, from: before, to: next, action: "rate", actor: .resident, note: L.t(s.nameZh, s.nameEn), photos: [], at: now)
    }

    /// A resident's view of the event their request became: steps and times, no staff names, no internal notes.
    static func publicSteps(_ req: Request, _ ev: GridEvent) async throws -> [(action: String, at: Date, status: GridEventStatus)] {
        let L = req.lang
        return try await GridEventStep.query(on: req.db).filter(\.$eventID == ev.id!).sort(\.$at).sort(\.$id).all().map { s in
            (GridEventActionKind(rawValue: s.action).map { L.t($0.nameZh, $0.nameEn) } ?? L.t("受理", "Received"), s.at, s.toStatus)
        }
    }
}
