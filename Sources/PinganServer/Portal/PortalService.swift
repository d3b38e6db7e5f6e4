import Fluent
import SQLKit
import Vapor
import PinganKit

/// What a resident sends: from the public form, the public JSON API or Open311 `POST requests`.
struct PortalSubmission: Content {
    var type: String?
    var communityID: String?
    var description: String?
    var address: String?
    var lat: String?
    var lon: String?
    var phone: String?
    var name: String?
    var email: String?
    /// Consent to be told of progress by SMS/e-mail (a checkbox: "on"/"true"/"1").
    var notify: String?
    var attributes: [String: String] = [:]
    /// Spam checks (forms only): the honeypot field must stay empty; `_ts` is the signed render time.
    var website: String?
    var ts: String?

    init() {}
    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: AnyKey.self)
        type = c.loose(AnyKey("type")); communityID = c.loose(AnyKey("communityID")); description = c.loose(AnyKey("description"))
        address = c.loose(AnyKey("address")); lat = c.loose(AnyKey("lat")); lon = c.loose(AnyKey("lon"))
        phone = c.loose(AnyKey("phone")); name = c.loose(AnyKey("name")); email = c.loose(AnyKey("email")); notify = c.loose(AnyKey("notify"))
        website = c.loose(AnyKey("website")); ts = c.loose(AnyKey("_ts"))
        if let a = try? c.decode([String: String].self, forKey: AnyKey("attributes")) { attributes = a }
        else if let a = try? c.decode([String: String].self, forKey: AnyKey("attribute")) { attributes = a }
    }
    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: AnyKey.self)
        for (k, v) in [("type", type), ("communityID", communityID), ("description", description), ("address", address), ("lat", lat), ("lon", lon)] {
            try c.encodeIfPresent(v, forKey: AnyKey(k))
        }
    }
}

/// What the resident sees when following a request: never the phone or the name.
struct PublicRequestDTO: Content {
    var token: String
    var number: String
    var type: String
    var typeName: String
    var community: String
    var status: PortalStatus
    var statusName: String
    var description: String
    var requestedAt: Date
    var updatedAt: Date
    var replies: [PublicReplyDTO]
    /// When the request was taken up as a grid event: its steps, and whether the resident may rate the result now.
    var event: PublicEventDTO?
}
struct PublicReplyDTO: Content { var at: Date; var status: PortalStatus; var body: String }
struct PublicEventDTO: Content {
    struct Step: Content { var action: String; var at: Date; var statusName: String }
    var statusName: String
    var closed: Bool
    var steps: [Step]
    var canRate: Bool
    var satisfaction: GridEventSatisfaction?
}

/// The staff view of a request (phone masked, name withheld unless revealed elsewhere).
struct PortalRequestDTO: Content {
    var id: Int
    var number: String
    var type: String
    var communityID: Int
    var description: String
    var address: String
    var lat: Double?
    var lon: Double?
    var phoneMasked: String?
    var attributes: [String: String]
    var status: PortalStatus
    var statusNotes: String
    var via: String
    var officerID: Int?
    var incidentID: Int?
    var disputeID: Int?
    var eventID: Int?
    var requestedAt: Date
    var dueAt: Date
    var firstResponseAt: Date?
    var overdue: Bool
    var closedAt: Date?
    var replies: [PortalReplyDTO]?
    var emailMasked: String?
    /// The resident asked to be told of progress; `notices` are what was sent (with `replies`).
    var notify: Bool
    var notices: [OutboxMessageDTO]?
}
struct PortalReplyDTO: Content { var at: Date; var from: PortalStatus?; var to: PortalStatus; var body: String; var isPublic: Bool; var by: String }

struct PortalReplyInput: Content {
    var body: String?
    var status: String?
    var isPublic: String?
    init() {}
    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: AnyKey.self)
        body = c.loose(AnyKey("body")); status = c.loose(AnyKey("status")); isPublic = c.loose(AnyKey("isPublic"))
    }
}

struct PortalConvertInput: Content {
    var to: String?
    var subcategory: String?
    var disputeType: String?
    var partyName: String?
    var eventCategory: String?
    init() {}
    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: AnyKey.self)
        to = c.loose(AnyKey("to")); subcategory = c.loose(AnyKey("subcategory")); disputeType = c.loose(AnyKey("disputeType")); partyName = c.loose(AnyKey("partyName"))
        eventCategory = c.loose(AnyKey("eventCategory"))
    }
}

/// Filters of the staff inbox, read alike by the page, the API and the CSV.
struct PortalFilter {
    var status: PortalStatus?
    var open = false
    var type: String?
    var community: Int?
    var mine = false
    var overdue = false
    /// The officer handling the requests (a station chief's overdue work per officer).
    var officer: Int?
    var q: String?
    init() {}
    init(_ req: Request, errors e: inout FieldErrors) {
        let L = req.lang
        if let s = req.query[String.self, at: "status"]?.nilIfEmpty {
            if s == "active" { open = true } else { status = PortalStatus(rawValue: s); if status == nil { e["status"] = L.t("状态无效", "Unknown status") } }
        }
        type = req.query[String.self, at: "type"]?.nilIfEmpty
        if let s = req.query[String.self, at: "community"]?.nilIfEmpty { community = Int(s); if community == nil { e["community"] = L.t("社区无效", "Unknown community") } }
        mine = DisputeInput.flag(req.query[String.self, at: "mine"])
        overdue = DisputeInput.flag(req.query[String.self, at: "overdue"])
        if let s = req.query[String.self, at: "officer"]?.nilIfEmpty { officer = Int(s); if officer == nil { e["officer"] = L.t("民警无效", "Unknown officer") } }
        q = req.query[String.self, at: "q"]?.nilIfEmpty.map { String($0.prefix(50)) }
    }
    func query(_ req: Request) async throws -> QueryBuilder<PortalRequest> {
        let q = try await PortalService.visible(req)
        if let status { q.filter(\.$status == status) }
        if open || overdue { q.filter(\.$status ~~ PortalStatus.allCases.filter { !$0.isClosed }) }
        if overdue { q.filter(\.$firstResponseAt == nil).filter(\.$dueAt < Date()) }
        if let type { q.filter(\.$typeCode == type) }
        if let community { q.filter(\.$communityID == community) }
        if mine { q.filter(\.$officerID == (try req.user.requireID())) }
        if let officer { q.filter(\.$officerID == officer) }
        if let text = self.q {
            q.group(.or) { g in
                g.filter(\.$description ~~ text).filter(\.$address ~~ text)
                if let n = Int(text.uppercased().replacingOccurrences(of: "WS", with: "")) { g.filter(\.$id == n) }
            }
        }
        return q.sort(\.$requestedAt, .descending).sort(\.$id, .descending)
    }
}

enum PortalService {
    static let tokenAlphabet = Array("23456789ABCDEFGHJKMNPQRSTUVWXYZ")
    static func newToken() -> String {
        var g = SystemRandomNumberGenerator()
        return String((0..<12).map { _ in tokenAlphabet[Int.random(in: 0..<tokenAlphabet.count, using: &g)] })
    }

    /// Public bodies are small: 16 kB (routes also collect at most that much from the network).
    static func checkSize(_ req: Request) throws {
        if (req.body.data?.readableBytes ?? 0) > 16_384 { throw Abort(.payloadTooLarge, reason: req.t("提交内容过大。", "The submission is too large.")) }
    }

    static func types(_ db: any Database, activeOnly: Bool = true) async throws -> [PortalRequestType] {
        let q = PortalRequestType.query(on: db).sort(\.$sortOrder).sort(\.$code)
        if activeOnly { q.filter(\.$active == true) }
        return try await q.all()
    }

    /// The public forms' bot checks: a hidden field a person leaves empty, and the signed time the form was shown
    /// (too quick is a bot, too old has expired). Throws the form-level error to show.
    static func guardForm(_ req: Request, honeypot: String?, stamp: String?, entity: String) async throws {
        let L = req.lang
        let verdict = SubmissionGuard.check(honeypot: honeypot, renderedAt: PortalGuard.renderedAt(req, stamp), now: Date().timeIntervalSince1970,
                                            minSeconds: req.application.portalGuard.settings.minFillSeconds)
        switch verdict {
        case .ok: break
        case .tooFast: throw FieldErrors(["form": L.t("提交太快了，请核对内容后再提交。", "That was very quick: please check what you wrote and send it again.")])
        case .stale, .missingStamp: throw FieldErrors(["form": L.t("表单已过期，请重新填写。", "This form has expired; please fill it in again.")])
        case .honeypot:
            await req.audit("portal.spam", entity: entity, result: .denied, detail: "honeypot")
            throw FieldErrors(["form": L.t("无法提交。", "This could not be sent.")])
        }
    }

    /// Validates and stores a resident's request; throws FieldErrors, or 429 from the limits.
    /// `checkForm` applies the honeypot and fill-time checks (web forms only).
    /// `descriptionRequired: false` for Open311, where GeoReport v2 makes the description optional.
    static func submit(_ req: Request, _ s: PortalSubmission, via: String, checkForm: Bool, descriptionRequired: Bool = true) async throws -> PortalRequest {
        try checkSize(req)
        let L = req.lang
        if checkForm { try await guardForm(req, honeypot: s.website, stamp: s.ts, entity: "portal_request") }
        var e = FieldErrors()
        let lookups = req.application.portalLookups
        let types = try await lookups.types(req.db)
        let type = types.first { $0.code == s.type?.trimmed }
        if type == nil { e["type"] = L.t("请选择事项类型", "Choose what kind of request this is") }
        var community: (id: Int, officerID: Int?)? = nil
        if let raw = s.communityID?.nilIfEmpty {
            if let id = Int(raw), let officer = try await lookups.communities(req.db)[id] { community = (id, officer) }
            else { e["communityID"] = L.t("没有这个社区", "No such community") }
        } else { e["communityID"] = L.t("请选择所在社区", "Choose your community") }
        let description = (s.description ?? "").trimmed
        if description.isEmpty && descriptionRequired { e["description"] = L.t("请写明情况", "Describe what you need") }
        else if description.count > 2000 { e["description"] = L.t("不能超过2000字", "At most 2000 characters") }
        let address = (s.address ?? "").trimmed
        if address.count > 200 { e["address"] = L.t("地址不能超过200字", "At most 200 characters") }
        var lat: Double? = nil, lon: Double? = nil
        if s.lat?.nilIfEmpty != nil || s.lon?.nilIfEmpty != nil {
            lat = s.lat.flatMap { Double($0.trimmed) }; lon = s.lon.flatMap { Double($0.trimmed) }
            if lat == nil || !(-90...90).contains(lat!) { e["lat"] = L.t("纬度无效", "Latitude must be between -90 and 90") }
            if lon == nil || !(-180...180).contains(lon!) { e["lon"] = L.t("经度无效", "Longitude must be between -180 and 180") }
        }
        var phone: String? = nil
        if let raw = s.phone?.nilIfEmpty {
            phone = PortalPhone.normalize(raw)
            if phone == nil { e["phone"] = L.t("请填写11位手机号码", "Enter an 11-digit mobile number") }
        }
        let name = (s.name ?? "").trimmed
        if name.count > 50 { e["name"] = L.t("不能超过50字", "At most 50 characters") }
        var email: String? = nil
        if let raw = s.email?.nilIfEmpty {
            email = EmailAddress.normalize(raw)
            if email == nil { e["email"] = L.t("电子邮箱格式不对，例如 zhang@example.com", "Enter an e-mail address like zhang@example.com") }
        }
        let notify = s.notify.map { DisputeInput.flag($0) } ?? false
        if notify && phone == nil && email == nil && e["phone"] == nil && e["email"] == nil {
            e["notify"] = L.t("要接收办理进度，请填写手机号码或电子邮箱", "To be told of progress, give a mobile number or an e-mail address")
        }
        var attrs: [String: String] = [:]
        if let type {
            for a in type.attributes {
                let v = (s.attributes[a.code] ?? "").trimmed
                if v.isEmpty { if a.required { e["attribute." + a.code] = L.t("请填写：", "Required: ") + a.label(L) }; continue }
                if v.count > 200 { e["attribute." + a.code] = L.t("不能超过200字", "At most 200 characters"); continue }
                if let values = a.values, !values.contains(where: { $0.key == v }) { e["attribute." + a.code] = L.t("选项无效", "Not one of the choices"); continue }
                if a.datatype == "number", Double(v) == nil { e["attribute." + a.code] = L.t("应为数字", "Must be a number"); continue }
                attrs[a.code] = v
            }
        }
        guard e.isEmpty, let type, let community else { throw e }
        let cipher = req.cipher
        let phoneKey = phone.map { cipher.blindIndex($0, field: "portal_phone") }
        try req.application.portalGuard.check(req, phoneKey: phoneKey)

        let now = Date()
        let r = PortalRequest()
        r.token = newToken(); r.typeCode = type.code; r.communityID = community.id; r.description = description; r.address = address
        r.lat = lat; r.lon = lon
        r.phoneSealed = try phone.map { try cipher.seal($0) }; r.phoneIndex = phoneKey
        r.nameSealed = name.isEmpty ? nil : try cipher.seal(name)
        r.emailSealed = try email.map { try cipher.seal($0) }
        r.notifyConsent = notify; r.notifyLang = L.isEnglish ? "en" : "zh"
        r.attributesJSON = String(decoding: try JSONEncoder().encode(attrs), as: UTF8.self)
        r.status = .open; r.statusNotes = ""; r.via = via
        r.officerID = community.officerID
        r.requestedAt = now; r.updatedAt = now; r.dueAt = now.addingTimeInterval(Double(type.responseHours) * 3600)
        let detail = "\(type.code) via=\(via)"
        let typeName = type.nameZh
        let write: PortalWriter.Write = { db in
            r.id = nil; r.$id.exists = false   // a retry after a failed batch starts again
            try await r.create(on: db)
            try await StaffNotices.newRequest(db, r, typeName: typeName)
            await req.audit("portal.submit", entity: "portal_request", id: r.id.map(String.init), detail: detail, on: db)
        }
        if (req.db as? any SQLDatabase)?.dialect.name == "sqlite" {
            try await req.application.portalWriter.submit(on: req.application.db, write)
        } else {
            try await req.db.transaction { db in try await write(db) }
        }
        return r
    }

    /// The community's officer (社区民警) whose inbox receives its requests.
    static func officer(for communityID: Int, on db: any Database) async throws -> User? {
        try await officers(for: communityID, on: db).first
    }
    static func officers(for communityID: Int, on db: any Database) async throws -> [User] {
        try await User.query(on: db).filter(\.$role == .communityOfficer).filter(\.$scopeDivisionID == communityID).filter(\.$active == true).sort(\.$id).all()
    }

    static func byToken(_ db: any Database, _ token: String?) async throws -> PortalRequest {
        let t = (token ?? "").trimmed.uppercased().filter { $0 != "-" && $0 != " " }
        // unscoped: a resident tracks their own request by its secret token
        guard t.count == 12, let r = try await PortalRequest.query(on: db).filter(\.$token == t).first() else { throw Abort(.notFound) }
        return r
    }

    static func publicDTO(_ req: Request, _ r: PortalRequest) async throws -> PublicRequestDTO {
        let type = try await PortalRequestType.query(on: req.db).filter(\.$code == r.typeCode).first()
        let community = try await Division.find(r.communityID, on: req.db)
        let replies = try await PortalReply.query(on: req.db).filter(\.$requestID == r.id!).filter(\.$isPublic == true).sort(\.$at).sort(\.$id).all()
        let L = req.lang
        return PublicRequestDTO(token: r.token, number: r.number, type: r.typeCode, typeName: type.map { L.t($0.nameZh, $0.nameEn) } ?? r.typeCode,
                                community: community?.name ?? "", status: r.status, statusName: L.t(r.status.nameZh, r.status.nameEn),
                                description: PortalRedact.phones(r.description), requestedAt: r.requestedAt, updatedAt: r.updatedAt,
                                replies: replies.map { PublicReplyDTO(at: $0.at, status: $0.toStatus, body: $0.body) }, event: try await publicEvent(req, r))
    }

    /// The grid event a request became, as the resident may see it.
    static func linkedEvent(_ req: Request, _ r: PortalRequest) async throws -> GridEvent? {
        guard let id = r.eventID else { return nil }
        // unscoped: reached through the resident's own secret token
        return try await GridEvent.find(id, on: req.db)
    }

    static func publicEvent(_ req: Request, _ r: PortalRequest) async throws -> PublicEventDTO? {
        guard let ev = try await linkedEvent(req, r) else { return nil }
        let L = req.lang
        let steps = try await GridEventService.publicSteps(req, ev)
        return PublicEventDTO(statusName: L.t(ev.status.nameZh, ev.status.nameEn), closed: ev.status == .closed,
                              steps: steps.map { .init(action: $0.action, at: $0.at, statusName: L.t($0.status.nameZh, $0.status.nameEn)) },
                              canRate: ev.status == .closed && ev.satisfaction == nil, satisfaction: ev.satisfaction)
    }

    // MARK: staff side

    static func visible(_ req: Request) async throws -> QueryBuilder<PortalRequest> {
        try await req.scoped(PortalRequest.self)
    }

    static func scoped(_ req: Request, _ id: Int?) async throws -> PortalRequest { try await req.findScoped(PortalRequest.self, id) }

    static func dto(_ req: Request, _ r: PortalRequest, replies: Bool = false) async throws -> PortalRequestDTO {
        var phoneMasked: String? = nil
        if let s = r.phoneSealed, let p = try? req.cipher.open(s) { phoneMasked = String(p.prefix(3)) + "****" + String(p.suffix(4)) }
        let attrs = (try? JSONDecoder().decode([String: String].self, from: Data(r.attributesJSON.utf8))) ?? [:]
        var list: [PortalReplyDTO]? = nil
        var notices: [OutboxMessageDTO]? = nil
        if replies {
            // unscoped: the request itself was loaded through the scope
            notices = try await OutboxMessage.query(on: req.db).filter(\.$requestID == r.id!).sort(\.$id).all().map(OutboxMessageDTO.init)
            let rows = try await PortalReply.query(on: req.db).filter(\.$requestID == r.id!).sort(\.$at).sort(\.$id).all()
            let names = try await DisputeService.userNames(rows.map(\.userID), on: req.db)
            list = rows.map { PortalReplyDTO(at: $0.at, from: $0.fromStatus, to: $0.toStatus, body: $0.body, isPublic: $0.isPublic, by: names[$0.userID] ?? "") }
        }
        return PortalRequestDTO(id: r.id!, number: r.number, type: r.typeCode, communityID: r.communityID, description: r.description, address: r.address,
                                lat: r.lat, lon: r.lon, phoneMasked: phoneMasked, attributes: attrs, status: r.status, statusNotes: r.statusNotes, via: r.via,
                                officerID: r.officerID, incidentID: r.incidentID, disputeID: r.disputeID, eventID: r.eventID, requestedAt: r.requestedAt, dueAt: r.dueAt,
                                firstResponseAt: r.firstResponseAt, overdue: r.overdue, closedAt: r.closedAt, replies: list,
                                emailMasked: r.emailSealed.flatMap { try? req.cipher.open($0) }.map(EmailAddress.masked), notify: r.notifyConsent, notices: notices)
    }

    /// A reply and/or a status change; a public reply becomes the status note residents and Open311 see.
    static func reply(_ req: Request, _ r: PortalRequest, _ input: PortalReplyInput) async throws {
        try req.require(.handlePortal)
        let L = req.lang
        var e = FieldErrors()
        let body = (input.body ?? "").trimmed
        if body.count > 2000 { e["body"] = L.t("不能超过2000字", "At most 2000 characters") }
        var target = r.status
        if let s = input.status?.nilIfEmpty {
            if let st = PortalStatus(rawValue: s) { target = st } else { e["status"] = L.t("状态无效", "Unknown status") }
        }
        if e.isEmpty, body.isEmpty, target == r.status { e["body"] = L.t("请填写答复或选择新的状态", "Write a reply or choose a new status") }
        guard e.isEmpty else { throw e }
        let isPublic = input.isPublic.map { DisputeInput.flag($0) } ?? true
        try await record(req, r, to: target, body: body, isPublic: isPublic, action: "portal.reply")
    }

    static func record(_ req: Request, _ r: PortalRequest, to target: PortalStatus, body: String, isPublic: Bool, action: String, detail: String = "", on outer: (any Database)? = nil) async throws {
        let now = Date()
        let from = r.status
        r.status = target
        r.updatedAt = now
        if r.firstResponseAt == nil { r.firstResponseAt = now }
        if target.isClosed { if r.closedAt == nil { r.closedAt = now } } else { r.closedAt = nil }
        if isPublic && !body.isEmpty { r.statusNotes = body }
        let reply = PortalReply()
        reply.requestID = r.id!; reply.body = body; reply.isPublic = isPublic; reply.fromStatus = from; reply.toStatus = target
        reply.userID = try req.user.requireID(); reply.at = now
        try await (outer ?? req.db).transaction { db in
            try await r.save(on: db)
            try await reply.create(on: db)
            try await Outbox.enqueue(req.application, r, from: from, to: target, publicReply: isPublic ? body : "", on: db)
            await req.audit(action, entity: "portal_request", id: r.id.map(String.init), detail: "\(from.rawValue)→\(target.rawValue)" + (detail.isEmpty ? "" : " " + detail), on: db)
        }
    }

    /// The request's text for a ledger: its description, or — an Open311 request may leave the description out —
    /// the type's name and the attributes it carries ("报告隐患：隐患类别 交通设施").
    static func text(_ r: PortalRequest, type: PortalRequestType?, _ L: Lang) -> String {
        let d = r.description.trimmed
        if !d.isEmpty { return d }
        let attrs = (try? JSONDecoder().decode([String: String].self, from: Data(r.attributesJSON.utf8))) ?? [:]
        let defs = type?.attributes ?? []
        let parts = attrs.sorted { a, b in (defs.first { $0.code == a.key }?.order ?? 0, a.key) < (defs.first { $0.code == b.key }?.order ?? 0, b.key) }.map { k, v in
            let def = defs.first { $0.code == k }
            return (def?.label(L) ?? k) + " " + (def?.valueName(v, L) ?? v)
        }
        let name = type.map { L.t($0.nameZh, $0.nameEn) } ?? r.typeCode
        return parts.isEmpty ? name : name + L.t("：", ": ") + parts.joined(separator: L.t("；", "; "))
    }

    /// Turns the request into an incident (警情) or a dispute file (矛盾纠纷) in one step and keeps the link.
    static func convert(_ req: Request, _ r: PortalRequest, _ input: PortalConvertInput) async throws -> String {
        try req.require(.handlePortal)
        let L = req.lang
        if r.incidentID != nil || r.disputeID != nil || r.eventID != nil { throw FieldErrors(["to": L.t("该诉求已转办", "This request has already been converted")]) }
        let address = r.address.isEmpty ? (try await Division.find(r.communityID, on: req.db)?.name ?? "-") : r.address
        let text = Self.text(r, type: try await types(req.db, activeOnly: false).first { $0.code == r.typeCode }, L)
        switch input.to {
        case "incident":
            try req.require(.editIncidents)
            var i = IncidentInput()
            i.source = IncidentSource.portal.rawValue; i.subcategory = input.subcategory
            i.occurredAt = ISO8601DateFormatter().string(from: r.requestedAt); i.reportedAt = i.occurredAt
            i.communityID = "\(r.communityID)"; i.address = address; i.description = text
            i.latitude = r.lat.map { "\($0)" }; i.longitude = r.lon.map { "\($0)" }
            let incident = try await IncidentService.create(req, i)
            r.incidentID = incident.id
            try await record(req, r, to: r.status.isClosed ? r.status : .inProgress, body: L.t("已转为警情办理", "Taken up as a police incident"), isPublic: true,
                             action: "portal.convert", detail: "incident=\(incident.id!)")
            return "/incidents/\(incident.id!)"
        case "dispute":
            try req.require(.editDisputes)
            var d = DisputeInput()
            d.type = input.disputeType; d.source = DisputeSource.online.rawValue; d.summary = text
            d.communityID = "\(r.communityID)"; d.address = address
            d.parties = [DisputePartyInput(name: input.partyName, side: "applicant")]
            let dispute = try await DisputeService.create(req, d)
            r.disputeID = dispute.id
            try await record(req, r, to: r.status.isClosed ? r.status : .inProgress, body: L.t("已转为矛盾纠纷调处", "Taken up for mediation"), isPublic: true,
                             action: "portal.convert", detail: "dispute=\(dispute.id!)")
            return "/disputes/\(dispute.id!)"
        case "event":
            try req.require(.reportGridEvents)
            var e = GridEventReportInput()
            e.categoryCode = input.eventCategory; e.description = r.description; e.address = r.address
            e.lat = r.lat.map { "\($0)" }; e.lon = r.lon.map { "\($0)" }; e.communityID = "\(r.communityID)"
            // One event per request however often the button is pressed; a resident's report is not a duplicate of itself.
            e.idempotencyKey = "portal-\(r.id!)"; e.confirmDuplicate = "1"
            let (event, _) = try await GridEventService.report(req, e, origin: .portal(requestID: r.id!))
            r.eventID = event.id
            try await record(req, r, to: r.status.isClosed ? r.status : .inProgress, body: L.t("已转为网格事件，派往相关部门处置", "Taken up as a grid event for the responsible department"),
                             isPublic: true, action: "portal.convert", detail: "grid_event=\(event.id!)")
            return "/events/\(event.id!)"
        default:
            throw FieldErrors(["to": L.t("请选择转为警情、纠纷或网格事件", "Choose incident, dispute or grid event")])
        }
    }

    static func csv(_ req: Request, _ filter: PortalFilter) async throws -> Response {
        try req.require(.viewPortal)
        let rows = try await filter.query(req).limit(50_000).all()
        let places = try await DivisionLookup.names(rows.map(\.communityID), on: req.db)
        let cal = req.localCalendar
        let L = req.lang
        var w = CSVWriter(header: [L.t("编号", "No."), L.t("类型", "Type"), L.t("社区", "Community"), L.t("状态", "Status"), L.t("提交时间", "Submitted"), L.t("应答期限", "Response due"),
               L.t("超期", "Overdue"), L.t("情况", "Description"), L.t("地址", "Address"), L.t("渠道", "Via"), L.t("警情", "Incident"), L.t("纠纷", "Dispute")])
        for r in rows {
            w.append([r.number, r.typeCode, places[r.communityID] ?? "", L.t(r.status.nameZh, r.status.nameEn), cal.formatDateTime(r.requestedAt), cal.formatDateTime(r.dueAt),
                   r.overdue ? "1" : "", r.description, r.address, r.via, r.incidentID.map(String.init) ?? "", r.disputeID.map(String.init) ?? ""])
        }
        await req.audit("portal.export", entity: "portal_request", detail: "\(rows.count) rows")
        return CSVResponse.make(filename: L.t("网上警务室诉求.csv", "portal-requests.csv"), writer: w)
    }
}
