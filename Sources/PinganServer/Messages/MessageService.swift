import Fluent
import SQLKit
import Vapor
import PinganKit

/// Targeted push (精准推送): sending, following and answering notices and tasks. Web pages and the API share this.
///
/// Scope: a sender reaches only the areas, units and people inside their own subtree; another sender follows a push
/// when its area is inside theirs; a recipient sees their own copy. Anything else answers 404 like a missing push.
/// Sends, reminders and completions are audited; reading is recorded on the receipt itself (its `read_at`), which is
/// what the sender follows.
enum MessageService {
    // MARK: input

    struct SendInput: Content {
        var kind: String?; var title: String?; var body: String?; var dueAt: String?
        var areaID: String?; var roles: [String]?; var unitIDs: [String]?; var usernames: String?
        /// Kinds of team members (`PersonnelKind`) in the area, reached by SMS: forces without accounts.
        var memberKinds: [String]?
        var idempotencyKey: String?
        init() {}
        init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: AnyKey.self)
            kind = c.loose(AnyKey("kind")); title = c.loose(AnyKey("title")); body = c.loose(AnyKey("body")); dueAt = c.loose(AnyKey("dueAt"))
            areaID = c.loose(AnyKey("areaID")); idempotencyKey = c.loose(AnyKey("idempotencyKey"))
            roles = Self.list(c, "roles"); unitIDs = Self.list(c, "unitIDs"); memberKinds = Self.list(c, "memberKinds")
            if let names = try? c.decodeIfPresent([String].self, forKey: AnyKey("usernames")) { usernames = names.joined(separator: " ") }
            else { usernames = c.loose(AnyKey("usernames")) }
        }
        /// A JSON array, a form's repeated `name[]`, or one comma-separated string.
        static func list(_ c: KeyedDecodingContainer<AnyKey>, _ key: String) -> [String]? {
            if let a = try? c.decodeIfPresent([String].self, forKey: AnyKey(key)) { return a }
            if let a = try? c.decodeIfPresent([Int].self, forKey: AnyKey(key)) { return a.map(String.init) }
            return c.loose(AnyKey(key))?.split(separator: ",").map { String($0).trimmed }.filter { !$0.isEmpty }
        }
    }

    /// What a sender may aim at: the areas (district, streets, communities) and units in their subtree.
    struct Reach {
        var areas: [Division]
        var units: [ResponsibleUnit]
    }

    static func reach(_ req: Request) async throws -> Reach {
        let scope = try await req.scope()
        // unscoped: the tree's upper levels, filtered by the scope just below
        let areas = try await Division.query(on: req.db).filter(\.$level ~~ [.district, .street, .community]).sort(\.$code).all()
            .filter { scope.allows(division: $0) }
        let ids = Set(areas.compactMap(\.id))
        let units = try await ResponsibleUnit.query(on: req.db).filter(\.$active == true).sort(\.$kind).sort(\.$name).all().filter { ids.contains($0.divisionID) }
        return Reach(areas: areas, units: units)
    }

    /// Everyone a push could reach, with the division at the top of their subtree.
    static func candidates(_ db: any Database) async throws -> (list: [PushAudience.Candidate], users: [Int: User], codes: [Int: String]) {
        let users = try await User.query(on: db).filter(\.$active == true).all()
        // unscoped: the tree's codes, to place each person
        let divisions = try await Division.query(on: db).filter(\.$level != .building).all()
        let codes = Dictionary(uniqueKeysWithValues: divisions.compactMap { d in d.id.map { ($0, d.code) } })
        let district = divisions.first { $0.level == .district }?.code
        var stationDivision: [Int: Int] = [:]
        for s in try await Station.query(on: db).all() { if let id = s.id { stationDivision[id] = s.divisionID } }
        var out: [PushAudience.Candidate] = []
        var byID: [Int: User] = [:]
        for u in users {
            guard let id = u.id else { continue }
            byID[id] = u
            let root: String?
            if let d = u.scopeDivisionID { root = codes[d] }
            else if u.role == .stationChief, let s = u.stationID { root = stationDivision[s].flatMap { codes[$0] } }
            else if u.role == .unitStaff { root = nil }
            else { root = district }   // district-wide accounts sit at the top
            out.append(.init(id: id, role: u.role, rootCode: root, unitID: u.unitID, active: u.active))
        }
        return (out, byID, codes)
    }

    // MARK: send

    /// Validates the whole push, resolves its recipients and writes the message with one receipt per person in one
    /// transaction. A resubmission with the same idempotency key returns the first message (`created` false).
    static func send(_ req: Request, _ input: SendInput) async throws -> (message: PushMessage, created: Bool) {
        try req.require(.sendMessages)
        let L = req.lang, me = try req.user, cal = req.localCalendar, now = Date()
        let key = input.idempotencyKey?.trimmed.nilIfEmpty.map { String($0.prefix(64)) }
        if let key, let earlier = try await PushMessage.query(on: req.db).filter(\.$senderID == me.id!).filter(\.$idempotencyKey == key).first() {
            return (earlier, false)
        }
        var e = FieldErrors()
        let kind = PushKind(rawValue: input.kind?.trimmed ?? "notice")
        if kind == nil { e["kind"] = L.t("请选择通知或任务", "Choose notice or task") }
        let title = input.title?.trimmed ?? "", body = (input.body ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        var due: Date?
        if let s = input.dueAt?.nilIfEmpty {
            if let d = parseInstant(s, cal) { due = d } else { e["dueAt"] = L.t("截止时间格式应为 2026-12-31 18:00", "Use a time like 2026-12-31 18:00") }
        }
        let reach = try await reach(req)
        var audience = PushAudience()
        var area: Division?
        if let a = input.areaID?.nilIfEmpty {
            if let id = Int(a), let d = reach.areas.first(where: { $0.id == id }) { area = d; audience.areaCode = d.code }
            else { e["areaID"] = L.t("请选择辖区内的区域", "Choose an area within your jurisdiction") }
        }
        var roles = Set<Role>()
        for r in input.roles ?? [] {
            if let role = Role(rawValue: r) { roles.insert(role) } else { e["roles"] = L.t("未知的角色：\(r)", "Unknown role: \(r)") }
        }
        if !roles.isEmpty, area == nil, e["areaID"] == nil { e["areaID"] = L.t("按角色推送须先选择区域", "Choose an area to push to roles") }
        audience.roles = roles
        for k in input.memberKinds ?? [] {
            if let kind = PersonnelKind(rawValue: k) { audience.memberKinds.insert(kind) } else { e["memberKinds"] = L.t("未知的人员类别：\(k)", "Unknown kind of member: \(k)") }
        }
        if !audience.memberKinds.isEmpty, area == nil, e["areaID"] == nil { e["areaID"] = L.t("按人员类别推送须先选择区域", "Choose an area to push to kinds of members") }
        for u in input.unitIDs ?? [] {
            if let id = Int(u), reach.units.contains(where: { $0.id == id }) { audience.unitIDs.insert(id) }
            else { e["unitIDs"] = L.t("请选择辖区内的处置单位", "Choose units within your jurisdiction") }
        }
        let (candidates, users, _) = try await candidates(req.db)
        let names = (input.usernames ?? "").split(whereSeparator: { " ,，、;；\n\r\t".contains($0) }).map(String.init)
        if !names.isEmpty {
            let scope = try await req.scope()
            let unitIDs = Set(reach.units.compactMap(\.id))
            var missing: [String] = []
            for n in names {
                // Someone outside the sender's subtree is "not found", like a name that does not exist.
                guard let u = users.values.first(where: { $0.username == n }), u.id != me.id else { missing.append(n); continue }
                let c = candidates.first { $0.id == u.id }
                let inReach: Bool
                if scope.isEverything { inReach = true }
                else if u.role == .unitStaff { inReach = u.unitID.map(unitIDs.contains) ?? false }
                else if let root = c?.rootCode, let d = reach.areas.first(where: { $0.code == root }) { inReach = scope.allows(division: d) }
                else if let root = c?.rootCode { inReach = reach.areas.contains { DivisionCode.isPrefix($0.code, of: root) } }
                else { inReach = false }
                if inReach { audience.userIDs.insert(u.id!) } else { missing.append(n) }
            }
            if !missing.isEmpty { e["usernames"] = L.t("找不到这些用户（或不在您的辖区）：", "No such user in your jurisdiction: ") + missing.joined(separator: "、") }
        }
        if let kind {
            for (field, p) in PushRules.check(kind: kind, title: title, body: body, dueAt: due, audience: audience, now: now) where e[field] == nil {
                switch p {
                case .titleLength: e[field] = L.t("标题须为1–\(PushRules.titleLength.upperBound)个字", "The title takes 1–\(PushRules.titleLength.upperBound) characters")
                case .bodyLength: e[field] = L.t("正文须为1–\(PushRules.bodyLength.upperBound)个字", "The text takes 1–\(PushRules.bodyLength.upperBound) characters")
                case .dueMissing: e[field] = L.t("任务须有截止时间", "A task needs a due time")
                case .dueInPast: e[field] = L.t("截止时间须晚于现在", "The due time must be in the future")
                case .dueTooFar: e[field] = L.t("截止时间不能超过\(PushRules.maxDueDays)天后", "Due within \(PushRules.maxDueDays) days")
                case .noAudience: e[field] = L.t("请至少选择一个区域、处置单位或人员", "Choose an area, a unit or people")
                default: break
                }
            }
            if kind == .notice { due = nil }
        }
        var recipients: [Int] = []
        var members: [MemberTarget] = []
        if e.isEmpty {
            recipients = audience.recipients(candidates, sender: me.id!)
            if let area { members = try await memberTargets(req, area: area, kinds: audience.memberKinds, reach: reach) }
            let total = recipients.count + members.filter { $0.phoneSealed != nil }.count
            if total == 0 {
                e["audience"] = members.isEmpty ? L.t("所选范围内没有可接收的人员", "Nobody in the chosen audience can receive it")
                    : L.t("所选的\(members.count)名队员都没有手机号，无法送达；请先在队伍页面补充手机号", "None of the \(members.count) chosen members has a phone number; add their numbers on the team pages first")
            } else if total > PushRules.maxRecipients {
                e["audience"] = L.t("收件人\(total)人，超过上限\(PushRules.maxRecipients)人；请缩小范围", "\(total) recipients exceed \(PushRules.maxRecipients); narrow the audience")
            }
        }
        // Aimed at nothing in particular (people or units only): it belongs to the sender's own top area.
        let home = area?.id ?? reach.areas.first?.id
        if home == nil, e["areaID"] == nil { e["areaID"] = L.t("您的账号没有辖区，无法推送", "Your account has no area to push from") }
        guard e.isEmpty, let kind, let home else { throw e }
        let m = PushMessage()
        m.kind = kind; m.title = title; m.body = body; m.senderID = me.id!; m.senderName = me.displayName
        m.areaDivisionID = home
        m.audience = encode(audience, areaID: area?.id)
        m.sentAt = now; m.dueAt = due; m.recipientCount = recipients.count + members.filter { $0.phoneSealed != nil }.count
        m.reminders = 0; m.idempotencyKey = key
        try await req.db.transaction { db in
            try await m.create(on: db)
            for chunk in stride(from: 0, to: recipients.count, by: 500) {
                let rows = recipients[chunk..<min(chunk + 500, recipients.count)].map { uid -> PushReceipt in
                    let r = PushReceipt(); r.messageID = m.id!; r.userID = uid; r.doneNote = ""; return r
                }
                try await rows.create(on: db)
            }
            let copies = memberReceipts(m, members, smsOn: req.config.notify.sms != nil, now: now)
            for chunk in stride(from: 0, to: copies.count, by: 500) { try await Array(copies[chunk..<min(chunk + 500, copies.count)]).create(on: db) }
            await req.audit("push.send", entity: "push_message", id: m.id.map(String.init),
                            detail: "\(kind.rawValue) recipients=\(recipients.count) members=\(copies.count) \(m.audience)", on: db)
        }
        return (m, true)
    }

    /// The audience as chosen, stored as codes ("area=12;roles=grid_worker;units=3,4;users=5") and put into words
    /// when shown, in the reader's language.
    static func encode(_ a: PushAudience, areaID: Int?) -> String {
        var parts: [String] = []
        if let areaID { parts.append("area=\(areaID)") }
        if !a.roles.isEmpty { parts.append("roles=" + a.roles.map(\.rawValue).sorted().joined(separator: ",")) }
        if !a.unitIDs.isEmpty { parts.append("units=" + a.unitIDs.sorted().map(String.init).joined(separator: ",")) }
        if !a.userIDs.isEmpty { parts.append("users=" + a.userIDs.sorted().map(String.init).joined(separator: ",")) }
        if !a.memberKinds.isEmpty { parts.append("members=" + a.memberKinds.map(\.rawValue).sorted().joined(separator: ",")) }
        return parts.joined(separator: ";")
    }

    struct AudienceSpec { var areaID: Int?; var roles: [Role] = []; var unitIDs: [Int] = []; var userIDs: [Int] = []; var memberKinds: [PersonnelKind] = [] }

    static func decode(_ s: String) -> AudienceSpec {
        var a = AudienceSpec()
        for part in s.split(separator: ";") {
            let kv = part.split(separator: "=", maxSplits: 1).map(String.init)
            guard kv.count == 2 else { continue }
            let values = kv[1].split(separator: ",").map(String.init)
            switch kv[0] {
            case "area": a.areaID = Int(kv[1])
            case "roles": a.roles = Role.allCases.filter { values.contains($0.rawValue) }
            case "units": a.unitIDs = values.compactMap(Int.init)
            case "users": a.userIDs = values.compactMap(Int.init)
            case "members": a.memberKinds = PersonnelKind.allCases.filter { values.contains($0.rawValue) }
            default: break
            }
        }
        return a
    }

    /// "德兴社区 · 网格员、社区民警；城管中队；张三" — the audience in words.
    static func describe(_ req: Request, _ m: PushMessage) async throws -> String {
        let L = req.lang, a = decode(m.audience)
        var parts: [String] = []
        if let id = a.areaID, let area = try await Division.find(id, on: req.db) {
            let kinds = a.roles.map { L.t($0.nameZh, $0.nameEn) } + a.memberKinds.map { L.t($0.nameZh, $0.nameEn) + L.t("（短信）", " (SMS)") }
            parts.append(area.name + " · " + (kinds.isEmpty ? L.t("全体人员", "everyone") : kinds.joined(separator: L.t("、", ", "))))
        }
        if !a.unitIDs.isEmpty {
            parts.append(try await ResponsibleUnit.query(on: req.db).filter(\.$id ~~ a.unitIDs).sort(\.$name).all().map(\.name).joined(separator: L.t("、", ", ")))
        }
        if !a.userIDs.isEmpty {
            let people = try await User.query(on: req.db).filter(\.$id ~~ a.userIDs).sort(\.$id).all().map(\.displayName)
            parts.append(people.count > 5 ? people.prefix(5).joined(separator: L.t("、", ", ")) + L.t("等\(people.count)人", " and \(people.count - 5) more")
                                          : people.joined(separator: L.t("、", ", ")))
        }
        return parts.joined(separator: L.t("；", "; "))
    }

    // MARK: following a push (the sender's side)

    /// A push the user may follow: their own, or one aimed inside their subtree when they may send. Else 404.
    static func sent(_ req: Request, _ id: Int?) async throws -> PushMessage {
        let me = try req.user
        guard me.role.can(.sendMessages) else { throw Abort(.forbidden, reason: req.t("您的角色无权执行此操作。", "Your role does not allow this.")) }
        guard let id, let m = try await PushMessage.find(id, on: req.db) else { throw Abort(.notFound) }
        if m.senderID == me.id { return m }
        guard try await followable(req).contains(m.areaDivisionID) else { throw Abort(.notFound) }
        return m
    }

    /// The areas whose pushes the user follows besides their own: every division in their subtree.
    static func followable(_ req: Request) async throws -> Set<Int> {
        let scope = try await req.scope()
        // unscoped: the tree itself, filtered by the scope just below
        let all = try await Division.query(on: req.db).filter(\.$level != .building).all()
        return Set(all.filter { scope.allows(division: $0) }.compactMap(\.id))
    }

    struct SentFilter {
        var kind: PushKind?
        var q: String?
        var mine: Bool
        init(_ req: Request) {
            kind = req.query[String.self, at: "kind"].flatMap(PushKind.init(rawValue:))
            q = req.query[String.self, at: "q"]?.nilIfEmpty.map { String($0.prefix(40)) }
            mine = DisputeInput.flag(req.query[String.self, at: "mine"])
        }
    }

    static func sentPage(_ req: Request, _ f: SentFilter, _ page: PinganKit.PageRequest) async throws -> ([PushMessage], PageInfo) {
        try req.require(.sendMessages)
        let me = try req.user
        let areas = Array(try await followable(req))
        let q = PushMessage.query(on: req.db)
        if f.mine { q.filter(\.$senderID == me.id!) }
        else { q.group(.or) { $0.filter(\.$senderID == me.id!).filter(\.$areaDivisionID ~~ areas) } }
        if let k = f.kind { q.filter(\.$kind == k) }
        if let s = f.q { q.filter(\.$title ~~ s) }
        let total = try await q.copy().count()
        let rows = try await q.sort(\.$sentAt, .descending).sort(\.$id, .descending).range(page.offset..<(page.offset + page.per)).all()
        return (rows, page.info(total: total))
    }

    /// Read and done counts for a page of pushes, in one query.
    static func progress(_ db: any Database, _ messages: [PushMessage], now: Date = Date()) async throws -> [Int: PushProgress] {
        let ids = messages.compactMap(\.id)
        guard !ids.isEmpty else { return [:] }
        var receipts: [Int: [(readAt: Date?, doneAt: Date?)]] = [:]
        for r in try await PushReceipt.query(on: db).filter(\.$messageID ~~ ids).all() { receipts[r.messageID, default: []].append((r.readAt, r.doneAt)) }
        for r in try await PushMemberReceipt.query(on: db).filter(\.$messageID ~~ ids).filter(\.$smsStatus != .noPhone).all() {
            receipts[r.messageID, default: []].append((r.readAt, r.doneAt))
        }
        return Dictionary(uniqueKeysWithValues: messages.map { m in (m.id!, PushProgress(kind: m.kind, receipts: receipts[m.id!] ?? [], dueAt: m.dueAt, now: now)) })
    }

    struct ReceiptRow {
        var receipt: PushReceipt
        var user: User?
        var place: String
        var state: PushReceiptState
    }

    static func receipts(_ req: Request, _ m: PushMessage, state: PushReceiptState? = nil) async throws -> [ReceiptRow] {
        let rows = try await PushReceipt.query(on: req.db).filter(\.$messageID == m.id!).sort(\.$id).all()
        let users = Dictionary(uniqueKeysWithValues: try await User.query(on: req.db).filter(\.$id ~~ rows.map(\.userID)).all().map { ($0.id!, $0) })
        let places = try await DivisionLookup.names(users.values.compactMap(\.scopeDivisionID), on: req.db)
        var unitNames: [Int: String] = [:]
        let unitIDs = users.values.compactMap(\.unitID)
        if !unitIDs.isEmpty { for u in try await ResponsibleUnit.query(on: req.db).filter(\.$id ~~ unitIDs).all() { unitNames[u.id!] = u.name } }
        let now = Date()
        return rows.map { r in
            let u = users[r.userID]
            let place = u.flatMap { $0.unitID.flatMap { unitNames[$0] } ?? $0.scopeDivisionID.flatMap { places[$0] } } ?? "—"
            return ReceiptRow(receipt: r, user: u, place: place, state: .of(kind: m.kind, readAt: r.readAt, doneAt: r.doneAt, dueAt: m.dueAt, now: now))
        }.filter { state == nil || $0.state == state }
    }

    /// Reminds those who have not finished (a task) or not read (a notice); at most once per `PushRules.remindInterval`.
    /// Returns how many were reminded.
    static func remind(_ req: Request, _ m: PushMessage) async throws -> Int {
        try req.require(.sendMessages)
        let L = req.lang, cal = req.localCalendar, now = Date()
        if let next = PushRules.nextReminder(lastRemindedAt: m.lastRemindedAt, now: now) {
            throw FieldErrors(["remind": L.t("刚提醒过；\(cal.formatDateTime(next))后可再次提醒", "Reminded recently; again after \(cal.formatDateTime(next))")])
        }
        let pending = try await PushReceipt.query(on: req.db).filter(\.$messageID == m.id!).all()
            .filter { m.kind == .task ? $0.doneAt == nil : $0.readAt == nil }
        let members = try await memberRows(req.db, m)
        let membersPending = members.filter { $0.reachable && (m.kind == .task ? $0.doneAt == nil : $0.readAt == nil) }.count
        guard !pending.isEmpty || membersPending > 0 else {
            throw FieldErrors(["remind": m.kind == .task ? L.t("全部已完成，无需提醒", "Everyone is done") : L.t("全部已读，无需提醒", "Everyone has read it")])
        }
        try await req.db.transaction { db in
            for r in pending { r.remindedAt = now; try await r.save(on: db) }
            _ = try await remindMembers(m, members, smsOn: req.config.notify.sms != nil, now: now, on: db)
            m.reminders += 1; m.lastRemindedAt = now
            try await m.save(on: db)
            await req.audit("push.remind", entity: "push_message", id: m.id.map(String.init), detail: "reminded=\(pending.count) members=\(membersPending)", on: db)
        }
        return pending.count + membersPending
    }
}
