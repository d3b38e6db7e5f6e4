import Fluent
import SQLKit
import Vapor
import PinganKit

struct DisputePartyDTO: Content { var side: String; var name: String; var personID: Int? }
struct DisputeEventDTO: Content { var action: String; var from: DisputeStatus?; var to: DisputeStatus; var level: DisputeLevel; var detail: String; var by: String; var at: Date }
struct DisputeSessionDTO: Content { var id: Int; var heldOn: String; var participants: String; var minutes: String; var by: String }

struct LinkedIncidentDTO: Content { var id: Int; var number: String; var category: IncidentCategory; var occurredAt: Date; var communityID: Int }

struct DisputeDTO: Content {
    var id: Int
    var number: String
    var type: DisputeType
    var source: DisputeSource
    var summary: String
    var peopleInvolved: Int
    var communityID: Int
    var gridID: Int?
    var address: String
    var riskMassPetition: Bool
    var riskGroupFight: Bool
    var riskCriminal: Bool
    var status: DisputeStatus
    var level: DisputeLevel
    var mediatorID: Int?
    var referredTo: ReferralChannel?
    var outcome: DisputeOutcome?
    var agreementTerms: String
    var declineReason: String
    var registeredAt: Date
    var acceptedOn: String?
    var dueOn: String?
    var overdue: Bool
    var closedAt: Date?
    var followUpKept: Bool?
    var escalations: Int
    var criminalReview: Bool
    var parties: [DisputePartyDTO]?
    var incidents: [LinkedIncidentDTO]?
    var sessions: [DisputeSessionDTO]?
    var timeline: [DisputeEventDTO]?
    var attachments: [DisputeAttachmentDTO]?
}

extension Dispute {
    func toDTO(_ cal: LocalCalendar, today: String) -> DisputeDTO {
        DisputeDTO(id: id ?? 0, number: fileNumber(cal), type: type, source: source, summary: summary, peopleInvolved: peopleInvolved, communityID: communityID,
                   gridID: gridID, address: address, riskMassPetition: riskMassPetition, riskGroupFight: riskGroupFight, riskCriminal: riskCriminal,
                   status: status, level: level, mediatorID: mediatorID, referredTo: referredTo, outcome: outcome, agreementTerms: agreementTerms,
                   declineReason: declineReason, registeredAt: registeredAt, acceptedOn: acceptedOn, dueOn: dueOn,
                   overdue: DisputeDeadline.isOverdue(status: status, dueDay: dueOn, today: today), closedAt: closedAt, followUpKept: followUpKept, escalations: escalations, criminalReview: criminalReview)
    }
}

/// Filters of the dispute list, read alike by the page, the API and the CSV.
struct DisputeFilter {
    var status: DisputeStatus?
    var type: DisputeType?
    var level: DisputeLevel?
    var community: Int?
    var mediator: Int?
    var overdue = false
    var risk = false
    var review = false
    var q: String?

    init() {}
    init(_ req: Request, errors e: inout FieldErrors) {
        let L = req.lang
        if let s = req.query[String.self, at: "status"]?.nilIfEmpty { status = DisputeStatus(rawValue: s); if status == nil { e["status"] = L.t("状态无效", "Unknown status") } }
        if let s = req.query[String.self, at: "type"]?.nilIfEmpty { type = DisputeType(rawValue: s); if type == nil { e["type"] = L.t("类型无效", "Unknown type") } }
        if let s = req.query[String.self, at: "level"]?.nilIfEmpty { level = DisputeLevel(rawValue: s); if level == nil { e["level"] = L.t("层级无效", "Unknown level") } }
        if let s = req.query[String.self, at: "community"]?.nilIfEmpty { community = Int(s); if community == nil { e["community"] = L.t("社区无效", "Unknown community") } }
        if let s = req.query[String.self, at: "mediator"]?.nilIfEmpty { mediator = Int(s); if mediator == nil { e["mediator"] = L.t("调解员无效", "Unknown mediator") } }
        overdue = DisputeInput.flag(req.query[String.self, at: "overdue"])
        risk = DisputeInput.flag(req.query[String.self, at: "risk"])
        review = DisputeInput.flag(req.query[String.self, at: "review"])
        q = req.query[String.self, at: "q"]?.nilIfEmpty.map { String($0.prefix(50)) }
    }

    func query(_ req: Request) async throws -> QueryBuilder<Dispute> {
        let q = try await DisputeService.visible(req)
        if let status { q.filter(\.$status == status) }
        if let type { q.filter(\.$type == type) }
        if let level { q.filter(\.$level == level) }
        if let community { q.filter(\.$communityID == community) }
        if let mediator { q.filter(\.$mediatorID == mediator) }
        if overdue { q.filter(\.$status ~~ DisputeStatus.allCases.filter(\.isOpen)).filter(\.$dueOn < req.today) }
        if review { q.filter(\.$criminalReview == true) }
        if risk { q.group(.or) { $0.filter(\.$riskMassPetition == true).filter(\.$riskGroupFight == true).filter(\.$riskCriminal == true) } }
        if let text = self.q {
            let ids = try await DisputeParty.query(on: req.db).filter(\.$name ~~ text).limit(1000).all().map(\.disputeID)
            q.group(.or) { g in
                g.filter(\.$summary ~~ text).filter(\.$address ~~ text)
                if !ids.isEmpty { g.filter(\.$id ~~ ids) }
                if let n = Int(text.uppercased().replacingOccurrences(of: "TJ", with: "").split(separator: "-").last ?? "") { g.filter(\.$id == n) }
            }
        }
        return q.sort(\.$registeredAt, .descending).sort(\.$id, .descending)
    }
}

enum DisputeService {
    /// Default time limit from acceptance; `PINGAN_DISPUTE_LIMIT_DAYS` changes it for the district.
    static var defaultLimitDays: Int {
        Environment.get("PINGAN_DISPUTE_LIMIT_DAYS").flatMap(Int.init).flatMap { DisputeDeadline.allowedDays.contains($0) ? $0 : nil } ?? DisputeDeadline.defaultDays
    }

    /// The level a mediator works at, from the division they are scoped to.
    static func level(of user: User, on db: any Database) async throws -> DisputeLevel? {
        guard let id = user.scopeDivisionID, let d = try await Division.find(id, on: db) else { return nil }
        switch d.level {
        case .district: return .district
        case .street: return .street
        case .community, .grid: return .community
        case .building: return nil
        }
    }

    private struct MediatorLevelKey: StorageKey { typealias Value = DisputeLevel? }

    static func myLevel(_ req: Request) async throws -> DisputeLevel? {
        if let v = req.storage[MediatorLevelKey.self] { return v }
        let v = try await level(of: try req.user, on: req.db)
        req.storage[MediatorLevelKey.self] = .some(v)
        return v
    }

    /// Files the user may see. A mediator sees what is assigned to them, and the unassigned files of their
    /// level's queue inside their jurisdiction; everyone else sees their jurisdiction.
    static func visible(_ req: Request) async throws -> QueryBuilder<Dispute> {
        let user = try req.user
        let scope = try await req.scope()
        // unscoped: narrowed just below: a mediator's own files, or scope.restrict
        let q = Dispute.query(on: req.db)
        if user.role == .mediator {
            let me = try user.requireID()
            let lvl = try await myLevel(req)
            q.group(.or) { o in
                o.filter(\.$mediatorID == me)
                if let lvl {
                    o.group(.and) { a in
                        scope.restrict(a).filter(\.$mediatorID == nil).filter(\.$level == lvl)
                    }
                }
            }
        } else {
            _ = scope.restrict(q)
        }
        return q
    }

    static func canSee(_ req: Request, _ d: Dispute) async throws -> Bool {
        let user = try req.user
        let scope = try await req.scope()
        if user.role == .mediator {
            if d.mediatorID == user.id { return true }
            let lvl = try await myLevel(req)
            return d.mediatorID == nil && d.level == lvl && scope.allows(d)
        }
        return scope.allows(d)
    }

    /// Loads a file the user may see; out of scope answers 404 like a missing record.
    static func scoped(_ req: Request, _ id: Int?) async throws -> Dispute {
        // unscoped: canSee applies the scope, plus a mediator's own files
        guard let id, let d = try await Dispute.find(id, on: req.db), try await canSee(req, d) else { throw Abort(.notFound) }
        return d
    }

    // MARK: mediators and routing

    struct MediatorInfo { var user: User; var level: DisputeLevel; var scope: Scope }

    /// Active mediators whose level is `level` and whose jurisdiction covers the community.
    static func mediators(_ req: Request, level: DisputeLevel?, communityID: Int) async throws -> [MediatorInfo] {
        var out: [MediatorInfo] = []
        for u in try await User.query(on: req.db).filter(\.$role == .mediator).filter(\.$active == true).sort(\.$id).all() {
            guard let l = try await Self.level(of: u, on: req.db), level == nil || l == level else { continue }
            let s = try await Scope.resolve(for: u, on: req.db)
            if s.touches(community: communityID) {
                out.append(MediatorInfo(user: u, level: l, scope: s))
            }
        }
        return out
    }

    /// The mediator intake suggests: fewest overdue, then fewest open files.
    static func suggestMediator(_ req: Request, level: DisputeLevel, communityID: Int) async throws -> Int? {
        let ms = try await mediators(req, level: level, communityID: communityID)
        guard !ms.isEmpty else { return nil }
        // unscoped: load of each candidate mediator (counts only), district-wide by design
        let open = try await Dispute.query(on: req.db).filter(\.$mediatorID ~~ ms.compactMap(\.user.id)).filter(\.$status ~~ DisputeStatus.allCases.filter(\.isOpen)).all()
        let today = req.today
        let candidates = ms.map { m in
            let mine = open.filter { $0.mediatorID == m.user.id }
            return DisputeRouting.Candidate(id: m.user.id!, openFiles: mine.count,
                                            overdueFiles: mine.filter { DisputeDeadline.isOverdue(status: $0.status, dueDay: $0.dueOn, today: today) }.count)
        }
        return DisputeRouting.mediator(among: candidates)
    }

    // MARK: writes

    static func create(_ req: Request, _ input: DisputeInput) async throws -> Dispute {
        try req.require(.editDisputes)
        let c = try await input.check(req)
        let routed = DisputeRouting.level(for: .init(type: c.type, peopleInvolved: c.people, massPetition: c.mass, groupFight: c.fight, criminalRisk: c.criminal))
        let level = c.level ?? routed.level
        let d = Dispute()
        d.type = c.type; d.source = c.source; d.summary = c.summary; d.peopleInvolved = c.people
        d.communityID = c.place.communityID; d.gridID = c.place.gridID; d.address = c.address
        d.riskMassPetition = c.mass; d.riskGroupFight = c.fight; d.riskCriminal = c.criminal
        d.status = .registered; d.level = level; d.agreementTerms = ""; d.declineReason = ""; d.escalations = 0; d.criminalReview = false
        d.registeredAt = Date()
        let user = try req.user
        d.createdByID = try user.requireID()
        let detail = c.level != nil && c.level != routed.level
            ? req.t("登记台指定由\(level.nameZh)办理（分流建议：\(routed.level.nameZh)）", "Desk chose the \(level.nameEn.lowercased()) (routing suggested the \(routed.level.nameEn.lowercased()))")
            : req.t("分流至\(level.nameZh)：", "Routed to the \(level.nameEn.lowercased()): ") + req.t(routed.reasonZh, routed.reasonEn)
        try await req.db.transaction { db in
            try await d.create(on: db)
            for p in c.parties {
                let row = DisputeParty(); row.disputeID = d.id!; row.side = p.side; row.name = p.name; row.personID = p.personID
                try await row.create(on: db)
            }
            try await DisputeEvent(disputeID: d.id!, action: "register", from: nil, to: .registered, level: level, detail: detail, userID: d.createdByID, at: d.registeredAt).create(on: db)
            await req.audit("dispute.create", entity: "dispute", id: d.id.map(String.init), detail: "\(c.type.rawValue) level=\(level.rawValue)", on: db)
        }
        return d
    }

    /// Applies one workflow action; every problem is a field message, nothing is written on failure.
    static func act(_ req: Request, _ d: Dispute, _ input: DisputeActionInput) async throws {
        try req.require(.editDisputes)
        let L = req.lang
        guard let action = input.action?.nilIfEmpty.flatMap(DisputeAction.init(rawValue:)), action != .session else {
            throw FieldErrors(["action": L.t("请选择要办理的操作", "Choose what to do")])
        }
        var e = FieldErrors()
        let note = (input.note ?? "").trimmed
        if note.count > 1000 { e["note"] = L.t("备注不能超过1000字", "At most 1000 characters") }
        var newLevel: DisputeLevel? = nil
        if let l = input.level?.nilIfEmpty { newLevel = DisputeLevel(rawValue: l); if newLevel == nil { e["level"] = L.t("层级无效", "Unknown level") } }
        if action == .assign, newLevel == nil, e["level"] == nil { newLevel = d.level }
        var outcome: DisputeOutcome? = nil
        if action == .close {
            outcome = input.outcome?.nilIfEmpty.flatMap(DisputeOutcome.init(rawValue:))
            if outcome == nil { e["outcome"] = L.t("请选择调解结果", "Choose the outcome") }
        }
        let sessions = try await DisputeSession.query(on: req.db).filter(\.$disputeID == d.id!).count()
        if e["level"] == nil, e["outcome"] == nil {
            do { try DisputeWorkflow.check(action, status: d.status, level: d.level, newLevel: newLevel, outcome: outcome, currentOutcome: d.outcome, sessions: sessions) }
            catch {
                // Not allowed in this state → the action; otherwise the field that makes it invalid.
                let field = !action.allowedFrom.contains(d.status) ? "action" : action == .escalate || action == .assign ? "level" : action == .close ? "outcome" : "action"
                e[field] = L.t(error.messageZh, error.messageEn)
            }
        }
        if e["action"] != nil { throw FieldErrors(["action": e["action"]!]) }

        let userID = try req.user.requireID()
        let from = d.status
        let previousMediator = d.mediatorID
        var detail = note
        switch action {
        case .accept:
            var days = defaultLimitDays
            if let raw = input.limitDays?.nilIfEmpty {
                if let n = Int(raw), DisputeDeadline.allowedDays.contains(n) { days = n } else { e["limitDays"] = L.t("办理时限应为 1–180 天", "Time limit: 1–180 days") }
            }
            let today = req.today
            d.acceptedOn = today
            d.dueOn = DisputeDeadline.dueDay(acceptedDay: today, days: days)
            detail = L.t("办理时限\(days)天，至\(d.dueOn ?? "")", "Time limit \(days) days, until \(d.dueOn ?? "")") + (note.isEmpty ? "" : "；" + note)
        case .decline:
            let reason = (input.reason ?? "").trimmed
            if reason.isEmpty { e["reason"] = L.t("请填写不予受理的理由", "Give the reason for declining") } else if reason.count > 500 { e["reason"] = L.t("不能超过500字", "At most 500 characters") }
            d.declineReason = reason
            detail = reason
        case .assign, .escalate:
            var mediator: Int? = nil
            let lvl = newLevel ?? d.level
            switch input.mediatorID?.nilIfEmpty ?? "auto" {
            case "auto": if e.isEmpty { mediator = try await suggestMediator(req, level: lvl, communityID: d.communityID) }
            case "none": mediator = nil
            case let raw:
                if let id = Int(raw), try await mediators(req, level: lvl, communityID: d.communityID).contains(where: { $0.user.id == id }) { mediator = id }
                else { e["mediatorID"] = L.t("该调解员不在此层级或不负责该社区", "This mediator does not work at that level for this community") }
            }
            var name: String? = nil
            if let mediator { name = try await User.find(mediator, on: req.db)?.displayName }
            if action == .escalate { d.escalations += 1 }
            let fromLevel = d.level
            d.level = lvl; d.mediatorID = mediator
            let who = name.map { L.t("调解员 \($0)", "mediator \($0)") } ?? L.t("本级调委会待分配", "the level's committee queue")
            detail = (action == .escalate ? L.t("由\(fromLevel.nameZh)上交\(lvl.nameZh)，", "Escalated from the \(fromLevel.nameEn.lowercased()) to the \(lvl.nameEn.lowercased()), ")
                                          : L.t("分派至\(lvl.nameZh)，", "Assigned to the \(lvl.nameEn.lowercased()), ")) + who + (note.isEmpty ? "" : "；" + note)
        case .refer:
            guard let ch = input.channel?.nilIfEmpty.flatMap(ReferralChannel.init(rawValue:)) else { e["channel"] = L.t("请选择移交去向", "Choose where to refer the file"); break }
            d.referredTo = ch; d.closedAt = Date()
            detail = L.t("移交\(ch.nameZh)", "Referred to \(ch.nameEn.lowercased())") + (note.isEmpty ? "" : "；" + note)
        case .close:
            let terms = (input.terms ?? "").trimmed
            if outcome == .agreement, terms.isEmpty { e["terms"] = L.t("请填写协议内容", "Enter the terms of the agreement") }
            if terms.count > 4000 { e["terms"] = L.t("不能超过4000字", "At most 4000 characters") }
            var ch: ReferralChannel? = nil
            if let raw = input.channel?.nilIfEmpty { ch = ReferralChannel(rawValue: raw); if ch == nil { e["channel"] = L.t("移交去向无效", "Unknown referral") } }
            if outcome != .failed, ch != nil { e["channel"] = L.t("只有调解不成时才填写移交去向", "Only a failed mediation is referred on") }
            d.outcome = outcome; d.agreementTerms = outcome == .agreement ? terms : ""; d.referredTo = ch; d.closedAt = Date()
            detail = L.t(outcome?.nameZh ?? "", outcome?.nameEn ?? "") + (ch.map { L.t("，告知当事人通过\($0.nameZh)解决", "; parties referred to \($0.nameEn.lowercased())") } ?? "")
                + (note.isEmpty ? "" : "；" + note)
        case .followUp:
            let kept: Bool?
            switch (input.kept ?? "").lowercased() {
            case "1", "true", "yes", "kept": kept = true
            case "0", "false", "no", "broken": kept = false
            default: kept = nil; e["kept"] = L.t("请选择协议是否履行", "Say whether the agreement was kept")
            }
            d.followUpKept = kept
            detail = (kept == true ? L.t("协议已履行", "Agreement kept") : L.t("协议未履行", "Agreement not kept")) + (note.isEmpty ? "" : "；" + note)
        case .session: break
        }
        guard e.isEmpty else { throw e }
        d.status = action.target
        let eventDetail = detail
        try await req.db.transaction { db in
            try await d.save(on: db)
            try await StaffNotices.disputeAssigned(req, d, previous: previousMediator, on: db)
            try await DisputeEvent(disputeID: d.id!, action: action.rawValue, from: from, to: d.status, level: d.level, detail: eventDetail, userID: userID, at: Date()).create(on: db)
            await req.audit("dispute." + action.rawValue, entity: "dispute", id: d.id.map(String.init), detail: "\(from.rawValue)→\(d.status.rawValue)", on: db)
        }
    }

    /// Records a mediation session; the first one moves the file to "mediating".
    static func addSession(_ req: Request, _ d: Dispute, _ input: DisputeSessionInput) async throws -> DisputeSession {
        try req.require(.editDisputes)
        let L = req.lang
        var e = FieldErrors()
        do { try DisputeWorkflow.check(.session, status: d.status, level: d.level) } catch { e["action"] = L.t(error.messageZh, error.messageEn) }
        let today = req.today
        var held = today
        if let raw = input.heldOn?.nilIfEmpty {
            if let day = LocalDay(raw) {
                held = day.description
                if held > today { e["heldOn"] = L.t("调解日期不能晚于今天", "The session cannot be in the future") }
                else if let acc = d.acceptedOn, held < acc { e["heldOn"] = L.t("调解日期不能早于受理日期 \(acc)", "The session cannot be before acceptance (\(acc))") }
            } else { e["heldOn"] = L.t("日期格式应为 2026-03-05", "Use a date like 2026-03-05") }
        }
        let participants = (input.participants ?? "").trimmed
        if participants.isEmpty { e["participants"] = L.t("请填写参加人员", "Enter who took part") } else if participants.count > 500 { e["participants"] = L.t("不能超过500字", "At most 500 characters") }
        let minutes = (input.minutes ?? "").trimmed
        if minutes.isEmpty { e["minutes"] = L.t("请填写调解记录", "Enter the minutes") } else if minutes.count > 8000 { e["minutes"] = L.t("不能超过8000字", "At most 8000 characters") }
        guard e.isEmpty else { throw e }
        let s = DisputeSession()
        s.disputeID = d.id!; s.heldOn = held; s.participants = participants; s.minutes = minutes; s.userID = try req.user.requireID()
        let from = d.status
        d.status = .mediating
        let heldOn = held
        try await req.db.transaction { db in
            try await s.create(on: db)
            try await d.save(on: db)
            try await DisputeEvent(disputeID: d.id!, action: "session", from: from, to: .mediating, level: d.level,
                                   detail: L.t("\(heldOn) 调解，参加：\(participants)", "Session on \(heldOn) with \(participants)"), userID: s.userID, at: Date()).create(on: db)
            await req.audit("dispute.session", entity: "dispute", id: d.id.map(String.init), detail: heldOn, on: db)
        }
        return s
    }

    /// Links an incident (which the user must be able to see) to the file. A criminal incident after the
    /// dispute's registration flags the file for 民转刑 review; the timeline says so.
    static func link(_ req: Request, _ d: Dispute, incidentID raw: String?) async throws {
        try req.require(.editDisputes)
        let L = req.lang
        guard let raw = raw?.nilIfEmpty, let typed = SearchQuery(raw) else {
            throw FieldErrors(["incidentID": L.t("请填写警情编号（如 J20261201-000123）", "Enter the incident number (like J20261201-000123)")])
        }
        // People type the number printed on the incident (J…); the API may still send the id.
        let printed = typed.record.flatMap { $0.kind == .incident ? $0 : nil }
        guard let iid = printed?.id ?? Int(typed.text), let incident = try? await IncidentService.scoped(req, iid),
              printed == nil || incident.number(req.localCalendar) == printed!.canonical else {
            throw FieldErrors(["incidentID": L.t("您的辖区内没有这个警情编号", "No incident with this number in your area")])
        }
        if try await DisputeIncidentLink.query(on: req.db).filter(\.$disputeID == d.id!).filter(\.$incidentID == iid).count() > 0 {
            throw FieldErrors(["incidentID": L.t("已关联该警情", "Already linked")])
        }
        let review = CriminalReview.needed(incidentIsCriminal: incident.category == .criminal, incidentOccurredAt: incident.occurredAt, disputeRegisteredAt: d.registeredAt)
        let link = DisputeIncidentLink()
        link.disputeID = d.id!; link.incidentID = iid; link.userID = try req.user.requireID()
        let number = incident.number(req.localCalendar)
        let detail = L.t("关联警情 \(number)", "Linked incident \(number)") + (review ? L.t("；纠纷登记后发生刑事案件，列入民转刑复查", "; a criminal incident after registration: flagged for 民转刑 review") : "")
        if review { d.criminalReview = true }
        try await req.db.transaction { db in
            try await link.create(on: db)
            try await d.save(on: db)
            try await DisputeEvent(disputeID: d.id!, action: "link", from: d.status, to: d.status, level: d.level, detail: detail, userID: link.userID, at: Date()).create(on: db)
            await req.audit("dispute.link", entity: "dispute", id: d.id.map(String.init), detail: "incident=\(iid)" + (review ? " review" : ""), on: db)
        }
    }

    /// The files linked to an incident that the user may see (the incident's side of the link).
    static func forIncident(_ req: Request, _ incidentID: Int) async throws -> [DisputeDTO] {
        let ids = try await DisputeIncidentLink.query(on: req.db).filter(\.$incidentID == incidentID).all().map(\.disputeID)
        guard !ids.isEmpty else { return [] }
        let cal = req.localCalendar, today = req.today
        return try await visible(req).filter(\.$id ~~ ids).sort(\.$id).all().map { $0.toDTO(cal, today: today) }
    }

    // MARK: reads

    static func userNames(_ ids: [Int], on db: any Database) async throws -> [Int: String] {
        let set = Array(Set(ids))
        guard !set.isEmpty else { return [:] }
        return Dictionary(uniqueKeysWithValues: try await User.query(on: db).filter(\.$id ~~ set).all().map { ($0.id!, $0.displayName) })
    }

    static func full(_ req: Request, _ d: Dispute) async throws -> DisputeDTO {
        var dto = d.toDTO(req.localCalendar, today: req.today)
        let parties = try await DisputeParty.query(on: req.db).filter(\.$disputeID == d.id!).sort(\.$id).all()
        let sessions = try await DisputeSession.query(on: req.db).filter(\.$disputeID == d.id!).sort(\.$heldOn).sort(\.$id).all()
        let events = try await DisputeEvent.query(on: req.db).filter(\.$disputeID == d.id!).sort(\.$at).sort(\.$id).all()
        let names = try await userNames(sessions.map(\.userID) + events.map(\.userID), on: req.db)
        let links = try await DisputeIncidentLink.query(on: req.db).filter(\.$disputeID == d.id!).sort(\.$id).all()
        let cal = req.localCalendar
        if !links.isEmpty {
            // Only incidents the user may see are listed (a mediator's scope may be narrower than the file's history).
            dto.incidents = try await req.scoped(Incident.self).filter(\.$id ~~ links.map(\.incidentID)).sort(\.$occurredAt).all()
                .map { LinkedIncidentDTO(id: $0.id!, number: $0.number(cal), category: $0.category, occurredAt: $0.occurredAt, communityID: $0.communityID) }
        } else { dto.incidents = [] }
        dto.parties = parties.map { DisputePartyDTO(side: $0.side.rawValue, name: $0.name, personID: $0.personID) }
        dto.sessions = sessions.map { DisputeSessionDTO(id: $0.id!, heldOn: $0.heldOn, participants: $0.participants, minutes: $0.minutes, by: names[$0.userID] ?? "-") }
        dto.attachments = try await DisputeAttachmentService.list(req, d)
        dto.timeline = events.map { DisputeEventDTO(action: $0.action, from: $0.fromStatus, to: $0.toStatus, level: $0.level, detail: $0.detail, by: names[$0.userID] ?? "-", at: $0.at) }
        return dto
    }

    // MARK: CSV

    static func csv(_ req: Request, _ filter: DisputeFilter) async throws -> Response {
        try req.require(.viewDisputes)
        let L = req.lang
        let header = L.isEnglish
            ? ["File no.", "Registered", "Type", "Source", "Community", "Grid", "Parties", "People", "Risk", "Level", "Mediator", "Status", "Accepted", "Due", "Overdue", "Outcome", "Referred to", "Closed", "Agreement kept"]
            : ["档案编号", "登记时间", "纠纷类型", "来源", "社区/村", "网格", "当事人", "涉及人数", "风险", "层级", "调解员", "状态", "受理日期", "办理期限", "是否超期", "调解结果", "移交去向", "结案时间", "协议履行"]
        var w = CSVWriter(header: header)
        let rows = try await filter.query(req).limit(100_000).all()
        let places = try await DivisionLookup.names(rows.flatMap { [$0.communityID, $0.gridID].compactMap { $0 } }, on: req.db)
        let mediators = try await userNames(rows.compactMap(\.mediatorID), on: req.db)
        var partyNames: [Int: [String]] = [:]
        for chunk in stride(from: 0, to: rows.count, by: 1000).map({ Array(rows[$0..<min($0 + 1000, rows.count)]) }) {
            for p in try await DisputeParty.query(on: req.db).filter(\.$disputeID ~~ chunk.map { $0.id! }).sort(\.$id).all() { partyNames[p.disputeID, default: []].append(p.name) }
        }
        let cal = req.localCalendar, today = req.today
        let fmt = { (d: Date?) in d.map { cal.formatDate($0) } ?? "" }
        for d in rows {
            w.append([d.fileNumber(cal), fmt(d.registeredAt), L.t(d.type.nameZh, d.type.nameEn), L.t(d.source.nameZh, d.source.nameEn), places[d.communityID] ?? "",
                      d.gridID.flatMap { places[$0] } ?? "", (partyNames[d.id!] ?? []).joined(separator: "；"), "\(d.peopleInvolved)", DisputeViews.riskText(d, L),
                      L.t(d.level.nameZh, d.level.nameEn), d.mediatorID.flatMap { mediators[$0] } ?? "", L.t(d.status.nameZh, d.status.nameEn), d.acceptedOn ?? "", d.dueOn ?? "",
                      DisputeDeadline.isOverdue(status: d.status, dueDay: d.dueOn, today: today) ? L.t("是", "yes") : "",
                      d.outcome.map { L.t($0.nameZh, $0.nameEn) } ?? "", d.referredTo.map { L.t($0.nameZh, $0.nameEn) } ?? "", fmt(d.closedAt),
                      d.followUpKept.map { $0 ? L.t("已履行", "kept") : L.t("未履行", "not kept") } ?? ""])
        }
        await req.audit("dispute.export", entity: "dispute", detail: req.url.query ?? "")
        return CSVResponse.make(filename: "disputes.csv", writer: w)
    }

    // MARK: statistics

    enum Dimension: String, CaseIterable { case month, type, level, community }

    struct StatsResult: Content {
        struct Row: Content { var key: String; var label: String; var stats: DisputeStatsRow; var successRate: String; var averageDaysToClose: Double? }
        var by: String
        var from: String?
        var to: String?
        var rows: [Row]
        var total: Row
    }

    static func stats(_ req: Request) async throws -> StatsResult {
        try req.require(.viewDisputes)
        let L = req.lang
        var e = FieldErrors()
        let byRaw = req.query[String.self, at: "by"]?.nilIfEmpty ?? "month"
        let by = Dimension(rawValue: byRaw)
        if by == nil { e["by"] = L.t("统计维度应为 month/type/level/community", "by: month, type, level or community") }
        let from = req.query[String.self, at: "from"]?.nilIfEmpty, to = req.query[String.self, at: "to"]?.nilIfEmpty
        let fromM = from.flatMap(YearMonth.init), toM = to.flatMap(YearMonth.init)
        if from != nil, fromM == nil { e["from"] = L.t("月份格式应为 2026-03", "Use a month like 2026-03") }
        if to != nil, toM == nil { e["to"] = L.t("月份格式应为 2026-03", "Use a month like 2026-03") }
        if let fromM, let toM, toM < fromM { e["to"] = L.t("结束月份不能早于开始月份", "The end month is before the start") }
        guard e.isEmpty, let by else { throw e }
        let cal = req.localCalendar
        var fe = FieldErrors()
        let q = try await DisputeFilter(req, errors: &fe).query(req)
        if let fromM { q.filter(\.$registeredAt >= cal.monthRange(fromM).lowerBound) }
        if let toM { q.filter(\.$registeredAt < cal.monthRange(toM).upperBound) }
        let rows = try await q.limit(500_000).all()
        let places = by == .community ? try await DivisionLookup.names(Array(Set(rows.map(\.communityID))), on: req.db) : [:]
        let facts = rows.map { d -> DisputeFact in
            let key: String
            switch by {
            case .month: key = cal.yearMonth(of: d.registeredAt).description
            case .type: key = d.type.rawValue
            case .level: key = d.level.rawValue
            case .community: key = "\(d.communityID)"
            }
            let days = d.status == .closed || d.status == .followedUp ? d.closedAt.map { LocalDay(d.registeredAt, in: cal).days(until: LocalDay($0, in: cal)) } : nil
            return DisputeFact(key: key, status: d.status, outcome: d.outcome, accepted: d.acceptedOn != nil, riskFlagged: d.anyRisk, escalated: d.escalations > 0, daysToClose: days)
        }
        let (table, total) = DisputeStats.table(facts)
        func label(_ key: String) -> String {
            switch by {
            case .month: return key
            case .type: return DisputeType(rawValue: key).map { L.t($0.nameZh, $0.nameEn) } ?? key
            case .level: return DisputeLevel(rawValue: key).map { L.t($0.nameZh, $0.nameEn) } ?? key
            case .community: return Int(key).flatMap { places[$0] } ?? key
            }
        }
        var out = table.map { StatsResult.Row(key: $0.key, label: label($0.key), stats: $0, successRate: $0.successRate, averageDaysToClose: $0.averageDaysToClose) }
        if by == .level { out.sort { (DisputeLevel(rawValue: $0.key) ?? .community) < (DisputeLevel(rawValue: $1.key) ?? .community) } }
        if by == .community { out.sort { $0.stats.registered > $1.stats.registered } }
        return StatsResult(by: by.rawValue, from: fromM?.description, to: toM?.description, rows: out,
                           total: .init(key: "total", label: L.t("合计", "Total"), stats: total, successRate: total.successRate, averageDaysToClose: total.averageDaysToClose))
    }

    static let statsHeaderZh = ["项目", "登记", "受理", "调处", "调处成功", "调处成功率", "调解不成", "移交", "撤回", "在办", "上交上级", "防止激化", "平均办结天数"]
    static let statsHeaderEn = ["Item", "Registered", "Accepted", "Handled", "Succeeded", "Success rate", "Failed", "Referred", "Withdrawn", "Open", "Escalated", "Escalations prevented", "Avg. days to close"]

    static func statsCells(_ r: StatsResult.Row) -> [String] {
        let s = r.stats
        return [r.label, "\(s.registered)", "\(s.accepted)", "\(s.handled)", "\(s.succeeded)", r.successRate, "\(s.failed)", "\(s.referred)", "\(s.withdrawn)",
                "\(s.open)", "\(s.escalated)", "\(s.preventedEscalations)", r.averageDaysToClose.map { Decimals.format($0, places: 1) } ?? "—"]
    }

    static func statsCSV(_ req: Request) async throws -> Response {
        let r = try await stats(req)
        var w = CSVWriter(header: req.lang.isEnglish ? statsHeaderEn : statsHeaderZh)
        for row in r.rows + [r.total] { w.append(statsCells(row)) }
        await req.audit("dispute.stats.export", entity: "dispute", detail: req.url.query ?? "")
        return CSVResponse.make(filename: "dispute-stats-\(r.by).csv", writer: w)
    }

    // MARK: the desk (per-level dashboard and overdue worklist)

    struct LevelDesk: Content {
        struct LevelRow: Content { var level: DisputeLevel; var arrived: Int; var waiting: Int; var inHand: Int; var late: Int }
        struct MediatorRow: Content { var mediatorID: Int?; var name: String; var level: DisputeLevel; var open: Int; var late: Int }
        var levels: [LevelRow]
        var mediators: [MediatorRow]
        var late: [DisputeDTO]
    }

    /// arrived = registered in the last 7 days; waiting = not yet with a mediator (registered, accepted,
    /// or assigned to the level's queue); late = open past the time limit.
    static func desk(_ req: Request) async throws -> LevelDesk {
        try req.require(.viewDisputes)
        let since = Date().addingTimeInterval(-7 * 86400)
        let active = try await visible(req).group(.or) { $0.filter(\.$status ~~ [.registered, .accepted, .assigned, .mediating]).filter(\.$registeredAt >= since) }.all()
        let today = req.today, cal = req.localCalendar
        let late = active.filter { DisputeDeadline.isOverdue(status: $0.status, dueDay: $0.dueOn, today: today) }
        let levels = DisputeLevel.allCases.map { l in
            let at = active.filter { $0.level == l }
            return LevelDesk.LevelRow(level: l, arrived: at.filter { $0.registeredAt >= since }.count,
                                 waiting: at.filter { $0.status.isWaiting || ($0.status == .assigned && $0.mediatorID == nil) }.count,
                                 inHand: at.filter { $0.status.isOpen && $0.mediatorID != nil }.count, late: at.filter { late.contains($0) }.count)
        }
        let names = try await userNames(active.compactMap(\.mediatorID), on: req.db)
        var groups: [String: LevelDesk.MediatorRow] = [:]
        for d in active where d.status.isOpen {
            let k = "\(d.mediatorID ?? 0)-\(d.level.rawValue)"
            var row = groups[k] ?? LevelDesk.MediatorRow(mediatorID: d.mediatorID, name: d.mediatorID.flatMap { names[$0] } ?? req.t("本级调委会（未指定调解员）", "Level queue (no mediator yet)"), level: d.level, open: 0, late: 0)
            row.open += 1
            if late.contains(d) { row.late += 1 }
            groups[k] = row
        }
        return LevelDesk(levels: levels, mediators: groups.values.sorted { ($1.late, $1.open, $0.name) < ($0.late, $0.open, $1.name) },
                    late: late.sorted { ($0.dueOn ?? "", $0.id ?? 0) < ($1.dueOn ?? "", $1.id ?? 0) }.prefix(200).map { $0.toDTO(cal, today: today) })
    }
}

extension Dispute: Equatable {
    static func == (a: Dispute, b: Dispute) -> Bool { a.id == b.id }
}
