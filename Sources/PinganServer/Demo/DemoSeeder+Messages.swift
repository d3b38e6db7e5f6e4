import Fluent
import Vapor
import PinganKit

extension DemoSeeder {
    /// A few pushes (精准推送) as a district runs them, so the inbox and the sent list are not empty: the command centre's
    /// holiday notice to everyone, a station's task to one community's officer and grid workers (half done, reminded
    /// once), and an older task to the grid workers of a street that some let run past its due time.
    public func seedMessages(app: Application) async throws {
        let db = app.db
        let now = Date()
        let (candidates, users, _) = try await MessageService.candidates(db)
        guard let command = users.values.first(where: { $0.username == "command" }),
              let chief = users.values.first(where: { $0.username == "chief" }),
              let officer = users.values.first(where: { $0.username == "officer" }),
              let district = try await Division.query(on: db).filter(\.$level == .district).first(),
              let community = try await Division.find(officer.scopeDivisionID, on: db),
              let street = try await Division.find(community.parentID, on: db) else { return }
        struct Spec {
            var sender: User; var area: Division; var roles: Set<Role>; var kind: PushKind; var title: String; var body: String
            var ageHours: Double; var dueInHours: Double?; var readShare: Double; var doneShare: Double; var remindedHoursAgo: Double?
        }
        let specs: [Spec] = [
            Spec(sender: command, area: district, roles: [], kind: .notice, title: "关于做好元旦期间平安建设工作的通知",
                 body: "各街道、各派出所：\n元旦将至，请加强重点部位巡逻防控，落实值班备勤，及时排查化解矛盾纠纷，发现重大情况第一时间报告区指挥中心。",
                 ageHours: 30, dueInHours: nil, readShare: 0.6, doneShare: 0, remindedHoursAgo: nil),
            Spec(sender: chief, area: community, roles: [.communityOfficer, .gridWorker], kind: .task, title: "开展出租屋消防安全排查",
                 body: "请于本周内完成辖区出租屋消防安全排查，重点检查电动车入户充电、疏散通道堵塞，排查情况在此报告完成。",
                 ageHours: 50, dueInHours: 70, readShare: 1, doneShare: 0.5, remindedHoursAgo: 6),
            Spec(sender: command, area: street, roles: [.gridWorker], kind: .task, title: "上报本月重点人员走访情况",
                 body: "请各网格员上报本月重点人员走访情况，未走访的说明原因。",
                 ageHours: 24 * 9, dueInHours: -24 * 2, readShare: 0.9, doneShare: 0.6, remindedHoursAgo: 24 * 3),
        ]
        var rng = SplitMix64(seed: seed &+ 23)
        for s in specs {
            guard let senderID = s.sender.id, let areaID = s.area.id else { continue }
            let audience = PushAudience(areaCode: s.area.code, roles: s.roles)
            let recipients = audience.recipients(candidates, sender: senderID)
            guard !recipients.isEmpty else { continue }
            let sent = now.addingTimeInterval(-s.ageHours * 3600)
            let m = PushMessage()
            m.kind = s.kind; m.title = s.title; m.body = s.body; m.senderID = senderID; m.senderName = s.sender.displayName
            m.areaDivisionID = areaID; m.audience = MessageService.encode(audience, areaID: areaID); m.sentAt = sent
            m.dueAt = s.dueInHours.map { now.addingTimeInterval($0 * 3600) }; m.recipientCount = recipients.count
            m.reminders = s.remindedHoursAgo == nil ? 0 : 1; m.lastRemindedAt = s.remindedHoursAgo.map { now.addingTimeInterval(-$0 * 3600) }
            try await m.create(on: db)
            var rows: [PushReceipt] = []
            for uid in recipients {
                let r = PushReceipt(); r.messageID = m.id!; r.userID = uid; r.doneNote = ""
                // The demo grid worker leaves the holiday notice unread, so the badge shows.
                let isDemoGrid = users[uid]?.username == "grid"
                if !(isDemoGrid && s.kind == .notice), rng.nextDouble(in: 0..<1) < s.readShare {
                    r.readAt = min(now, sent.addingTimeInterval(rng.nextDouble(in: 0.2..<20) * 3600))
                    if s.kind == .task, users[uid]?.username != "grid", rng.nextDouble(in: 0..<1) < s.doneShare / s.readShare {
                        r.doneAt = min(now, r.readAt!.addingTimeInterval(rng.nextDouble(in: 1..<30) * 3600)); r.doneNote = "已完成，情况正常。"
                    }
                }
                if r.doneAt == nil, let ago = s.remindedHoursAgo { r.remindedAt = now.addingTimeInterval(-ago * 3600) }
                rows.append(r)
            }
            for chunk in stride(from: 0, to: rows.count, by: 500) { try await Array(rows[chunk..<min(chunk + 500, rows.count)]).create(on: db) }
        }
        try await seedMemberPush(app: app, sender: command, now: now, rng: &rng)
    }

    /// The command centre's flood-season task to the team members and volunteers of the patrolled street, by SMS: most
    /// confirmed on the link, some reported done, one team member in each team without a number.
    func seedMemberPush(app: Application, sender: User, now: Date, rng: inout SplitMix64) async throws {
        let db = app.db
        guard let senderID = sender.id, let street = try await Division.query(on: db).filter(\.$code == "440113007").first() else { return }
        let communities = try await Division.query(on: db).filter(\.$parentID == street.id!).filter(\.$level == .community).all()
        let members = try await TeamMember.query(on: db).filter(\.$communityID ~~ communities.compactMap(\.id))
            .filter(\.$kind ~~ [.teamMember, .volunteer]).filter(\.$status == .active).sort(\.$id).all()
        let registry = Dictionary(uniqueKeysWithValues: try await Person.query(on: db).filter(\.$id ~~ members.compactMap(\.personID)).all().map { ($0.id!, $0) })
        guard !members.isEmpty else { return }
        let audience = PushAudience(areaCode: street.code, memberKinds: [.teamMember, .volunteer])
        let sent = now.addingTimeInterval(-20 * 3600)
        let m = PushMessage()
        m.kind = .task; m.title = "汛期河涌巡查"; m.senderID = senderID; m.senderName = sender.displayName
        m.body = "受强降雨影响，请各巡防队今明两天加强河涌、低洼路段巡查，发现积水、险情立即报告社区并设置警示。完成后点链接回复。"
        m.areaDivisionID = street.id!; m.audience = MessageService.encode(audience, areaID: street.id!); m.sentAt = sent
        m.dueAt = now.addingTimeInterval(28 * 3600); m.reminders = 0
        let targets = members.map { t -> MessageService.MemberTarget in
            let p = t.personID.flatMap { registry[$0] }
            return .init(member: t, phoneSealed: t.phoneSealed ?? p?.phoneSealed, phoneMasked: t.phoneMasked ?? p?.phoneMasked ?? "")
        }
        m.recipientCount = targets.filter { $0.phoneSealed != nil }.count
        try await m.create(on: db)
        let copies = MessageService.memberReceipts(m, targets, smsOn: true, now: sent)
        for r in copies where r.reachable {
            // As the district's gateway would have it: sent within a minute, most confirmed, some done.
            r.smsStatus = .sent; r.smsAttempts = 1; r.smsSentAt = sent.addingTimeInterval(40)
            if rng.nextDouble(in: 0..<1) < 0.75 {
                r.readAt = sent.addingTimeInterval(rng.nextDouble(in: 0.1..<6) * 3600)
                if rng.nextDouble(in: 0..<1) < 0.6 { r.doneAt = r.readAt!.addingTimeInterval(rng.nextDouble(in: 1..<12) * 3600); r.doneNote = "已巡查，无积水险情。" }
            }
        }
        for chunk in stride(from: 0, to: copies.count, by: 500) { try await Array(copies[chunk..<min(chunk + 500, copies.count)]).create(on: db) }
    }
}
