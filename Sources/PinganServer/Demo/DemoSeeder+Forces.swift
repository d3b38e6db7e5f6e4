import Fluent
import SQLKit
import Vapor
import PinganKit

extension DemoSeeder {
    /// Forces (issue 4): concurrent posts for about one officer in five, three months of work-log entries
    /// for every community officer (every fifth officer logs under 3 days a week, so presence flags show),
    /// and inspections of venues, rentals and organisations in 市桥街道 with open, overdue and closed notices.
    public func seedForces(app: Application) async throws {
        let db = app.db
        let rng = RandomBox(seed: seed ^ 0xF0FCE5)
        let today = LocalDay(now, in: LocalCalendar())
        let officers = try await User.query(on: db).filter(\.$role == .communityOfficer).filter(\.$scopeDivisionID != nil).sort(\.$id).all()
        let admin = try await User.query(on: db).filter(\.$username == "admin").first()!.id!
        let posts = ["社区党委副书记", "居委会主任助理", "村委会主任助理"]
        let start = today.isoWeek.monday.adding(days: -7 * 13)
        let notes: [WorkKind: [String]] = [
            .visit: ["走访独居老人", "入户走访出租屋住户", "走访辖区商铺", "回访报警群众"], .patrol: ["夜间步巡重点路段", "巡查背街小巷", "巡查学校周边"],
            .meeting: ["参加社区联席会议", "召开群众代表会", "与居委会合署办公"], .registration: ["登记流动人口", "核查出租屋登记", "特种行业登记检查"],
            .mediation: ["调解邻里噪音纠纷", "调解租赁纠纷", "调解家庭矛盾"], .service: ["代办居住证", "为群众开具证明", "接待群众咨询"],
        ]
        try await db.transaction { tx in
            for (n, o) in officers.enumerated() {
                if rng.nextDouble(in: 0 ..< 1) < 0.185 {
                    let p = OfficerProfile(); p.userID = o.id!; p.concurrentPost = posts[n % posts.count]
                    try await p.create(on: tx)
                }
                let home = o.scopeDivisionID!
                let weak = n % 5 == 2
                var rows: [WorkLog] = []
                var week = start
                while week <= today {
                    let days = weak ? Int(rng.nextDouble(in: 0 ..< 3)) : 3 + Int(rng.nextDouble(in: 0 ..< 3))
                    var picked = Set<Int>()
                    while picked.count < days { picked.insert(Int(rng.nextDouble(in: 0 ..< 6))) }
                    for d in picked.sorted() {
                        let day = week.adding(days: d)
                        guard day <= today else { continue }
                        for _ in 0 ..< 1 + Int(rng.nextDouble(in: 0 ..< 3)) {
                            let kind = WorkKind.allCases[Int(rng.nextDouble(in: 0 ..< Double(WorkKind.allCases.count)))]
                            let w = WorkLog()
                            w.officerID = o.id!; w.homeCommunityID = home; w.day = day.description; w.communityID = home
                            w.kind = kind; w.note = notes[kind]![Int(rng.nextDouble(in: 0 ..< Double(notes[kind]!.count)))]; w.createdByID = o.id!
                            rows.append(w)
                        }
                    }
                    // Station work (所内) now and then: logged, but not presence.
                    if rng.nextDouble(in: 0 ..< 1) < 0.5, week.adding(days: 5) <= today {
                        let w = WorkLog()
                        w.officerID = o.id!; w.homeCommunityID = home; w.day = week.adding(days: 5).description; w.communityID = nil
                        w.kind = .meeting; w.note = "所内例会"; w.createdByID = o.id!
                        rows.append(w)
                    }
                    week = week.adding(days: 7)
                }
                try await rows.create(on: tx)
            }
            guard let street = try await Division.query(on: tx).filter(\.$code == "440113007").first() else { return }
            let communities = try await Division.query(on: tx).filter(\.$parentID == street.id!).all().compactMap(\.id)
            let sites = try await Site.query(on: tx).filter(\.$communityID ~~ communities)
                .filter(\.$kind ~~ [.rental, .organisation, .entertainment, .internetCafe, .specialIndustry, .shop]).sort(\.$id).limit(40).all()
            let findings: [(String, FindingSeverity?)] = [("消防通道堵塞，灭火器过期", .general), ("电线私拉乱接", .serious), ("未落实住宿登记", .general),
                                                         ("群租隔断，存在重大火灾隐患", .major), ("检查未发现问题", nil), ("监控设备损坏", .general)]
            for (k, s) in sites.enumerated() {
                let (text, severity) = findings[k % findings.count]
                let i = Inspection()
                i.siteID = s.id!; i.communityID = s.communityID; i.gridID = s.gridID
                i.inspectedOn = today.adding(days: -Int(rng.nextDouble(in: 1 ..< 40))).description
                i.inspectorID = admin; i.findings = text; i.severity = severity; i.rectificationNote = ""
                i.deadline = i.notice()?.deadline().description
                // About a third of the notices are closed; the rest stay open, many past their deadline.
                if severity != nil, k % 3 == 0, let issued = LocalDay(i.inspectedOn) {
                    let done = min(today, issued.adding(days: Int(rng.nextDouble(in: 1 ..< 20))))
                    i.rectifiedOn = done.description; i.rectificationNote = "复查已整改"
                }
                try await i.create(on: tx)
                if s.lastInspectedOn == nil || s.lastInspectedOn! < i.inspectedOn { s.lastInspectedOn = i.inspectedOn; try await s.save(on: tx) }
            }
            // 领导挂点: each station's chief on its two largest communities, a deputy on the next one.
            let surnames = Array("陈李黄梁何罗林郑谢冯")
            for (n, station) in try await Station.query(on: tx).sort(\.$id).all().enumerated() {
                let mine = try await Division.query(on: tx).filter(\.$level == .community).filter(\.$stationID == station.id!).all()
                    .sorted { $0.residentPopulation > $1.residentPopulation }
                for (k, c) in mine.prefix(3).enumerated() {
                    let a = LeaderAssignmentRecord()
                    a.leaderName = String(surnames[n % surnames.count]) + (k < 2 ? "所长" : "副所长") + "（\(station.name)）"
                    a.role = k < 2 ? .principal : .deputy; a.communityID = c.id!; a.createdByID = admin
                    try await a.create(on: tx)
                }
            }
        }
    }

    /// Teams, training, patrol plans and logs, duty rosters (issue 4) in the first street's communities:
    /// one team per community, about two thirds of members trained (seed 000: 64.5%), five weeks of plans
    /// (four a week) with most carried out, and school-run and shop duty slots.
    public func seedPatrols(app: Application) async throws {
        let db = app.db
        let rng = RandomBox(seed: seed ^ 0x9A7201)
        let cipher = FieldCipher(secret: app.pingan.secretKey)
        let today = LocalDay(now, in: LocalCalendar())
        func roll() -> Double { rng.nextDouble(in: 0 ..< 1) }
        func int(_ n: Int) -> Int { min(n - 1, Int(rng.nextDouble(in: 0 ..< Double(n)))) }
        let admin = try await User.query(on: db).filter(\.$username == "admin").first()!.id!
        guard let street = try await Division.query(on: db).filter(\.$code == "440113007").first() else { return }
        let communities = try await Division.query(on: db).filter(\.$parentID == street.id!).filter(\.$level == .community).sort(\.$code).all()
        let surnames = Array("陈李黄梁何罗林郑谢冯张王刘杨吴")
        let given = ["伟", "芳", "强", "敏", "军", "丽", "志强", "建华", "海燕", "国平", "少华", "嘉豪", "永康", "淑贞"]
        let places = ["菜市场路口", "小学校门", "背街小巷", "公交站台", "出租屋集中区", "商业街", "村口卡点", "河涌边"]
        let findingTexts = ["发现楼道堆放杂物", "发现可疑人员徘徊", "路灯损坏", "电动车违规充电", "发现撬锁痕迹", "出租屋未登记住客"]
        try await db.transaction { tx in
            var allMembers: [TeamMember] = []
            for (n, c) in communities.enumerated() {
                let grids = try await Division.query(on: tx).filter(\.$level == .grid).filter(\.$communityID == c.id!).sort(\.$code).all().compactMap(\.id)
                guard !grids.isEmpty else { continue }
                let t = Team()
                t.kind = [TeamKind.patrol, .jointDefence, .massPrevention][n % 3]
                t.name = c.name + (t.kind == .patrol ? "巡防队" : t.kind == .jointDefence ? "治安联防队" : "群防群治队")
                t.communityID = c.id!; t.leaderName = String(surnames[n % surnames.count]) + "队长"; t.note = ""; t.createdByID = admin
                try await t.create(on: tx)
                let residents = try await Person.query(on: tx).filter(\.$communityID == c.id!).sort(\.$id).limit(3).all()
                var members: [TeamMember] = []
                for k in 0 ..< 6 + int(5) {
                    let m = TeamMember()
                    m.teamID = t.id!; m.communityID = c.id!
                    if k < residents.count { m.personID = residents[k].id; m.name = residents[k].name }
                    else { m.name = String(surnames[int(surnames.count)]) + given[int(given.count)] }
                    m.kind = k == 0 ? .informationOfficer : k == 1 && n % 2 == 0 ? .volunteer : .teamMember
                    m.status = k == 7 ? .left : k == 8 ? .applied : .active
                    m.joinedOn = today.adding(days: -30 - int(700)).description
                    // Numbers for pushes by SMS, from the member's place (not the generator: the rest of the seed stays
                    // as it was); the sixth member of each team has none, so the sender sees whom an SMS cannot reach.
                    if k != 5, m.personID == nil {
                        let digits = "139" + String(format: "%08d", (n * 37 + k * 7_919 + 1_000_003) % 100_000_000)
                        m.phoneSealed = try cipher.seal(digits); m.phoneMasked = PhoneNumber.masked(digits)
                    }
                    try await m.create(on: tx)
                    members.append(m)
                }
                allMembers += members
                let active = members.filter { $0.status == .active }
                // Plans: four a week over the last four weeks and the current and next week.
                var week = today.isoWeek.monday.adding(days: -28)
                while week <= today.adding(days: 7) {
                    for d in [0, 2, 4, 5] {
                        let day = week.adding(days: d)
                        let night = d == 5
                        let p = PatrolPlanRecord()
                        p.teamID = t.id!; p.communityID = c.id!; p.day = day.description
                        p.startMinute = night ? 21 * 60 : 19 * 60; p.endMinute = night ? 25 * 60 : 21 * 60 + 30
                        p.mode = night ? .vehicle : [PatrolMode.foot, .bicycle, .checkpoint][int(3)]
                        let picked = grids.filter { _ in roll() < 0.6 }
                        p.gridIDs = PatrolModels.text(picked.isEmpty ? [grids[int(grids.count)]] : picked)
                        p.note = night ? "夜间重点时段，加强出租屋集中区巡控" : ""; p.createdByID = admin
                        try await p.create(on: tx)
                        for m in active.shuffledPrefix(3, rng) { let r = PatrolPlanMember(); r.planID = p.id!; r.memberID = m.id!; try await r.create(on: tx) }
                        // Carried out: most past plans, a few missed.
                        guard day < today, roll() < 0.85 else { continue }
                        let l = PatrolLogRecord()
                        l.teamID = t.id!; l.communityID = c.id!; l.planID = p.id; l.day = p.day; l.mode = p.mode
                        l.startMinute = p.startMinute + int(20); l.endMinute = p.endMinute - int(30)
                        let covered = p.grids.filter { _ in roll() < 0.8 }
                        l.gridIDs = PatrolModels.text(covered); l.summary = "按计划巡逻，治安秩序正常"; l.createdByID = admin
                        try await l.create(on: tx)
                        for q in 0 ..< 1 + int(3) {
                            let ck = PatrolCheckIn()
                            ck.logID = l.id!; ck.gridID = covered.isEmpty ? nil : covered[q % covered.count]
                            ck.minute = l.startMinute + (l.endMinute - l.startMinute) * (q + 1) / 4; ck.place = places[int(places.count)]
                            try await ck.create(on: tx)
                        }
                        if roll() < 0.15 {
                            let fd = PatrolFinding()
                            fd.logID = l.id!; fd.gridID = covered.first; fd.details = findingTexts[int(findingTexts.count)]
                            try await fd.create(on: tx)
                        }
                    }
                    week = week.adding(days: 7)
                }
                // Duty: school run on weekdays, one shop post in the evening.
                for (post, start, end) in [("\(c.name)小学校门（上学）", 420, 510), ("\(c.name)小学校门（放学）", 960, 1050)] where n % 2 == 0 {
                    let sl = DutySlotRecord()
                    sl.kind = .school; sl.communityID = c.id!; sl.post = post; sl.weekdays = "12345"; sl.startMinute = start; sl.endMinute = end
                    let m = active.isEmpty ? nil : active[int(active.count)]
                    sl.memberID = m?.id; sl.onDuty = m?.name ?? "保安员"
                    try await sl.create(on: tx)
                }
                if let shop = try await Site.query(on: tx).filter(\.$communityID == c.id!).filter(\.$kind == .shop).first() {
                    let sl = DutySlotRecord()
                    sl.kind = .shop; sl.communityID = c.id!; sl.siteID = shop.id; sl.post = shop.name; sl.weekdays = "1234567"
                    sl.startMinute = 19 * 60; sl.endMinute = 23 * 60; sl.onDuty = shop.contactName.isEmpty ? "店主" : shop.contactName
                    try await sl.create(on: tx)
                }
            }
            // Centralised training (集中轮训): three sessions; about two thirds of the members attend one.
            guard let first = communities.first else { return }
            var sessions: [TrainingSessionRecord] = []
            for (k, topic) in ["巡逻防范技能轮训", "法律知识与盘查规范", "消防与应急处置"].enumerated() {
                let s = TrainingSessionRecord()
                s.communityID = first.id!; s.heldOn = today.adding(days: -20 - 30 * k).description; s.topic = topic; s.hours = 3; s.createdByID = admin
                try await s.create(on: tx)
                sessions.append(s)
            }
            for m in allMembers where m.status != .applied && roll() < 0.66 {
                let a = TrainingAttendanceRecord(); a.sessionID = sessions[int(sessions.count)].id!; a.memberID = m.id!
                try await a.create(on: tx)
            }
        }
    }
}
