import Fluent
import SQLKit
import Vapor
import PinganKit

extension DemoSeeder {
    /// Portal demo: residents' requests in several communities (some answered, some overdue, a few taken up
    /// as incidents), notices at district, street and community level, two quarters of safety-survey answers,
    /// and an Open311 key, which is returned so the demo can print it.
    public func seedPortal(app: Application) async throws -> String {
        let db = app.db
        var g = SplitMix64(seed: seed &+ 6)
        let cipher = FieldCipher(secret: app.pingan.secretKey)
        let key = "o311-" + Tokens.random().prefix(24)
        let k = Open311Key(); k.name = "demo"; k.keyHash = Tokens.hash(key); k.active = true; k.createdAt = now
        try await k.create(on: db)

        let street = try await Division.query(on: db).filter(\.$code == "440113007").first()!
        let communities = try await Division.query(on: db).filter(\.$level == .community).sort(\.$code).all()
        let home = communities.filter { $0.parentID == street.id }
        let types = try await PortalRequestType.query(on: db).all()
        let admin = try await User.query(on: db).filter(\.$username == "admin").first()!.id!
        let texts: [String: [String]] = [
            "report_suspicious": ["小区门口连续几晚有陌生人撬电动车锁", "楼下停着一辆无牌面包车好几天了", "有人挨家挨户推销，自称燃气公司检查"],
            "report_hazard": ["巷子里路灯坏了一个月，晚上很黑", "出租屋楼道堆满杂物，电动车在楼道充电", "学校门口斑马线磨损看不清"],
            "help": ["老人走失，穿灰色外套，请帮忙留意", "钥匙锁在屋里，孩子一个人在家", "家门口被人堵住不让出门"],
            "neighbour_dispute": ["楼上装修噪音每天到晚上十点", "邻居占用公共楼道放鞋柜，多次沟通无果", "停车位被长期占用"],
            "question": ["居住证到期怎么续签？需要什么材料", "孩子上学需要开具什么证明", "办理出入境证件要去哪里"],
            "residence_service": ["新租房子需要办暂住登记", "想预约办理居住证", "居住证签注"],
        ]
        let replies = ["已收到，民警将上门了解情况。", "已安排巡逻加强该时段巡查。", "已联系物业处理，请留意。", "请携带身份证和租赁合同到警务室办理。"]
        var made = 0
        for (ci, c) in (home + communities.filter { $0.parentID != street.id }.prefix(12)).enumerated() {
            let officer = try await PortalService.officer(for: c.id!, on: db)?.id
            let n = ci < home.count ? (ci == 0 ? 24 : 6) : 3
            for i in 0..<n {
                let type = types[Int(g.next() % UInt64(types.count))]
                let options = texts[type.code] ?? ["需要帮助"]
                let r = PortalRequest()
                r.token = PortalService.newToken(); r.typeCode = type.code; r.communityID = c.id!
                r.description = options[Int(g.next() % UInt64(options.count))]; r.address = i % 3 == 0 ? c.name + "某路\(i + 1)号" : ""
                var attrs: [String: String] = [:]
                for a in type.attributes where a.required { attrs[a.code] = a.values?.first?.key ?? "1" }
                r.attributesJSON = String(decoding: try JSONEncoder().encode(attrs), as: UTF8.self)
                if i % 2 == 0 { r.phoneSealed = try cipher.seal("139\(String(format: "%08d", Int(g.next() % 100_000_000)))"); r.phoneIndex = nil }
                r.status = .open; r.statusNotes = ""; r.via = i % 5 == 0 ? "open311" : "web"; r.officerID = officer
                let ageHours = Double(g.next() % (60 * 24))
                r.requestedAt = now.addingTimeInterval(-ageHours * 3600); r.updatedAt = r.requestedAt
                r.dueAt = r.requestedAt.addingTimeInterval(Double(type.responseHours) * 3600)
                try await r.create(on: db)
                made += 1
                // Most get answered; the freshest few and some old ones stay open (the overdue worklist).
                let roll = g.next() % 10
                guard roll >= 3 || ageHours < 3 else { continue }
                if ageHours < 3 { continue }
                let delayHours = Double(1 + g.next() % UInt64(max(1, type.responseHours))) * 0.8
                let final: PortalStatus = roll >= 7 ? (type.kind == .question ? .closed : .fixed) : (roll >= 5 ? .inProgress : .acknowledged)
                let statuses = [PortalStatus.acknowledged] + (final == .acknowledged ? [] : [final])
                let times = Self.replyTimes(requestedAt: r.requestedAt, now: now, firstDelayHours: delayHours, count: statuses.count)
                let at = times[0]
                for (j, st) in statuses.enumerated() {
                    let rep = PortalReply()
                    rep.requestID = r.id!; rep.body = j == 0 ? "已受理。" : replies[Int(g.next() % UInt64(replies.count))]; rep.isPublic = true
                    rep.fromStatus = j == 0 ? .open : .acknowledged; rep.toStatus = st; rep.userID = officer ?? admin
                    rep.at = times[j]
                    try await rep.create(on: db)
                    r.status = st; r.statusNotes = rep.body; r.updatedAt = rep.at
                }
                r.firstResponseAt = at
                if r.status.isClosed { r.closedAt = r.updatedAt }
                if type.code == "report_suspicious", r.incidentID == nil, let inc = try await Incident.query(on: db).filter(\.$communityID == c.id!).sort(\.$occurredAt, .descending).range(made..<(made + 1)).first() {
                    r.incidentID = inc.id
                }
                try await r.save(on: db)
            }
        }
        let district = try await Division.query(on: db).filter(\.$level == .district).first()!
        let first = home.first ?? communities[0]
        let notices: [(NoticeKind, String, String, Int, NoticeAudience, String?)] = [
            (.warning, "警惕冒充客服退款诈骗", "近期辖区发生多起冒充电商客服以“退款”“理赔”为由的诈骗案件。凡是要求下载会议软件、共享屏幕、转账到“安全账户”的，都是诈骗。\n如有疑问请拨打 110 或 96110。", district.id!, .all, nil),
            (.prevention, "老年人防范保健品诈骗提示", "不参加来历不明的“健康讲座”，不购买所谓“特效药”。子女要多关心老人。", district.id!, .elderly, nil),
            (.prevention, "出租屋消防安全提示", "电动车不进楼道、不入户充电；出租屋内不得私拉乱接电线。", street.id!, .landlords, nil),
            (.warning, "近期夜间电动车被盗高发", "近两周\(first.name)周边夜间电动车被盗案件上升，请使用双锁、停放在有监控的车棚。", first.id!, .all, nil),
            (.meeting, "社区代表会议通知", "本季度社区代表会议将通报辖区治安情况，听取居民意见建议，欢迎居民代表参加。\n地点：\(first.name)居委会二楼会议室。", first.id!, .all, "本月最后一个周五 19:30"),
            (.minutes, "上季度社区代表会议纪要", "一、民警通报上季度警情和防范重点。\n二、居民代表反映：停车秩序、夜间照明。\n三、决定：联系物业增设路灯两处，增加夜间巡逻一次。", first.id!, .all, nil),
        ]
        let subscribers = try await seedNoticeSubscriptions(db, communities: home, cipher: cipher, g: &g)
        let areas = Dictionary(uniqueKeysWithValues: [district, street].map { ($0.id!, $0) } + communities.map { ($0.id!, $0) })
        var pushed = 0
        for (i, (kind, title, body, div, aud, ev)) in notices.enumerated() {
            let n = PortalNotice()
            n.kind = kind; n.title = title; n.body = body; n.divisionID = div; n.audience = aud; n.eventAt = ev
            n.publishedAt = now.addingTimeInterval(-Double(i) * 5 * 86_400); n.userID = admin; n.withdrawn = false
            try await n.create(on: db)
            if let area = areas[div] { pushed += try await NoticeSubscriptions.enqueue(app, n, area: area, on: db) }
        }
        // Two quarters of survey answers: most communities above 95%, a few below (the seed's targets).
        let cal = LocalCalendar(timeZoneIdentifier: app.pingan.timeZone)
        let ym = cal.yearMonth(of: now)
        let previous = ym.adding(months: -3)
        for (period, at) in [(PerceptionPeriod.quarter(year: previous.year, month: previous.month), now.addingTimeInterval(-92 * 86_400)),
                             (PerceptionPeriod.quarter(year: ym.year, month: ym.month), now)] {
            var rows: [PerceptionResponse] = []
            for (ci, c) in communities.prefix(40).enumerated() {
                let n = 30 + Int(g.next() % 90)
                let target = ci % 7 == 3 ? 0.90 : 0.965 + Double(g.next() % 30) / 1000
                for _ in 0..<n {
                    let p = PerceptionResponse()
                    let u = Double(g.next() % 10_000) / 10_000
                    let answer: PerceptionAnswer = u < target * 0.6 ? .safe : u < target ? .fairlySafe : (u < target + (1 - target) / 2 ? .notVerySafe : .unsafe)
                    p.communityID = c.id!; p.period = period; p.respondentKey = FieldCipher.hex((0..<16).map { _ in UInt8(g.next() & 0xff) })
                    p.answer = answer; p.feelsSafe = answer.feelsSafe; p.createdAt = at
                    rows.append(p)
                }
            }
            for chunk in stride(from: 0, to: rows.count, by: 500) {
                let batch = Array(rows[chunk..<min(rows.count, chunk + 500)])
                try await db.transaction { tx in for p in batch { try await p.create(on: tx) } }
            }
        }
        log("Portal: \(made) residents' requests, \(notices.count) notices (\(subscribers) subscribers, \(pushed) notice messages), safety-survey answers for two quarters.")
        return key
    }

    /// Residents of the patrolled street subscribed to their community's notices (公告订阅): most confirmed, some
    /// waiting for confirmation, a few unsubscribed; numbers synthetic (199…), sealed like real ones.
    func seedNoticeSubscriptions(_ db: any Database, communities: [Division], cipher: FieldCipher, g: inout SplitMix64) async throws -> Int {
        var made = 0
        let interests: [NoticeAudience] = [.all, .all, .all, .elderly, .tenants, .landlords]
        for (ci, c) in communities.enumerated() {
            for k in 0..<(4 + Int(g.next() % 9)) {
                let phone = String(format: "199%04d%04d", ci, k)
                let s = NoticeSubscription()
                s.communityID = c.id!; s.channel = .sms; s.addressSealed = try cipher.seal(phone)
                s.addressIndex = cipher.blindIndex(phone, field: "notice_subscription"); s.addressMasked = PhoneNumber.masked(phone)
                s.audience = interests[Int(g.next() % UInt64(interests.count))]; s.lang = "zh"; s.token = Tokens.random(bytes: 16)
                s.createdAt = now.addingTimeInterval(-Double(40 + Int(g.next() % 200)) * 86_400)
                switch g.next() % 10 {
                case 0: s.status = .pending
                case 1: s.status = .cancelled; s.confirmedAt = s.createdAt.addingTimeInterval(3600); s.cancelledAt = now.addingTimeInterval(-10 * 86_400); s.cancelledBy = "resident"
                default: s.status = .active; s.confirmedAt = s.createdAt.addingTimeInterval(600)
                }
                try await s.create(on: db)
                if s.status == .active { made += 1 }
            }
        }
        return made
    }

    /// When a demo request's replies were written: never after `now` (a closed request was "updated tomorrow" before
    /// issue 25). The first comes after `firstDelayHours`, but within 40 % of the request's age; each next one a day
    /// later or halfway to now, whichever is sooner.
    static func replyTimes(requestedAt: Date, now: Date, firstDelayHours: Double, count: Int) -> [Date] {
        let age = max(0, now.timeIntervalSince(requestedAt))
        var out = [requestedAt.addingTimeInterval(min(firstDelayHours * 3600, age * 0.4))]
        while out.count < count { out.append(out.last!.addingTimeInterval(min(86_400, now.timeIntervalSince(out.last!) / 2))) }
        return out
    }
}
