import Fluent
import SQLKit
import Vapor
import PinganKit

extension DemoSeeder {
    /// A year of synthetic dispute files in the same twelve communities of 市桥街道: routed by the intake
    /// rules, mostly settled (near seed 003's 96.7%), a few failed, withdrawn, referred or declined, and
    /// some recent files still open — a handful past their time limit. Plus community-level and a
    /// district-level mediator record (no sign-in) so the three levels have people.
    public func seedDisputes(app: Application, count: Int = 420) async throws {
        let db = app.db
        let cal = LocalCalendar()
        guard let street = try await Division.query(on: db).filter(\.$code == "440113007").first(),
              let district = try await Division.query(on: db).filter(\.$level == .district).first() else { return }
        let communities = Array(try await Division.query(on: db).filter(\.$parentID == street.id!).sort(\.$code).all().prefix(12))
        let grids = try await Division.query(on: db).filter(\.$level == .grid).filter(\.$communityID ~~ communities.compactMap(\.id)).sort(\.$code).all()
        let gridsByCommunity = Dictionary(grouping: grids, by: { $0.communityID! })
        // Mediators: the street's sign-in account, one record per community, one at the district centre.
        var communityMediators: [Int: Int] = [:]
        for (n, c) in communities.enumerated() {
            let username = "mediator\(c.code.suffix(6))"
            if let u = try await User.query(on: db).filter(\.$username == username).first() { communityMediators[c.id!] = u.id!; continue }
            let u = User(username: username, displayName: "调解员 " + ["何", "林", "罗", "梁", "宋", "郑", "谢", "韩", "唐", "冯", "许", "邓"][n % 12] + ["秀英", "建国", "桂芳", "志强", "玉兰", "国华"][n % 6],
                         passwordHash: "!", role: .mediator, scopeDivisionID: c.id)
            try await u.create(on: db)
            communityMediators[c.id!] = u.id!
        }
        var districtMediator = try await User.query(on: db).filter(\.$username == "mediator-district").first()?.id
        if districtMediator == nil {
            let u = User(username: "mediator-district", displayName: "区调处中心 周律", passwordHash: "!", role: .mediator, scopeDivisionID: district.id)
            try await u.create(on: db); districtMediator = u.id
        }
        let streetMediator = try await User.query(on: db).filter(\.$username == "mediator").first()?.id
        let admin = try await User.query(on: db).filter(\.$username == "admin").first()!.id!
        // The first officer of each community (by id): a community may have more than one.
        let officers = Dictionary(try await User.query(on: db).filter(\.$role == .communityOfficer).sort(\.$id).all().compactMap { u in u.scopeDivisionID.map { ($0, u.id!) } },
                                  uniquingKeysWith: { first, _ in first })
        if try await Dispute.query(on: db).count() > 0 { return }

        let weights: [(DisputeType, Double)] = [(.family, 0.22), (.neighbours, 0.24), (.landForest, 0.06), (.property, 0.1), (.wageArrears, 0.08), (.labour, 0.06),
                                                (.demolition, 0.02), (.medical, 0.03), (.traffic, 0.08), (.consumer, 0.07), (.other, 0.04)]
        let summaries: [DisputeType: [String]] = [
            .family: ["夫妻因家庭开支争吵，女方要求离婚", "兄弟因赡养老人费用分担发生争执", "婆媳矛盾，多次争吵"],
            .neighbours: ["楼上漏水致楼下天花板受损，双方争吵", "邻居占用楼道堆放杂物", "装修噪音扰民引发口角"],
            .landForest: ["宅基地边界不清，两户争执", "承包地界址争议"], .property: ["业主拒交物业费，物业停车限制", "小区停车位分配争议"],
            .wageArrears: ["工地十余名工人被拖欠工资", "餐馆拖欠员工两个月工资"], .labour: ["员工工伤赔偿争议", "解除劳动合同补偿争议"],
            .demolition: ["旧村改造补偿标准争议"], .medical: ["患者家属对手术结果不满"], .traffic: ["电动车与行人碰撞赔偿争议", "小区内剐蹭车辆赔偿"],
            .consumer: ["购买的家电质量问题退换争议", "预付卡商家跑路"], .other: ["合伙生意账目纠纷"],
        ]
        let surnames = Array("王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗梁")
        let given = ["伟", "芳", "娜", "敏", "静", "磊", "洋", "勇", "军", "杰", "涛", "明"]
        let rng = RandomBox(seed: seed ^ 0xD15_9A7E)
        @Sendable func pick<T>(_ a: [T]) -> T { a[min(a.count - 1, Int(rng.nextDouble(in: 0 ..< Double(a.count))))] }
        @Sendable func name() -> String { String(pick(surnames)) + pick(given) }
        let communityMediatorIDs = communityMediators, districtMediatorID = districtMediator
        try await db.transaction { tx in
            for n in 0..<count {
                let ageDays = rng.nextDouble(in: 0 ..< 365)
                let registered = now.addingTimeInterval(-ageDays * 86400)
                var r = rng.nextDouble(in: 0 ..< 1), type = DisputeType.other
                for (t, w) in weights { if r < w { type = t; break }; r -= w }
                let community = communities[n % communities.count]
                let grid = gridsByCommunity[community.id!].map { pick($0) }
                let mass = rng.nextDouble(in: 0 ..< 1) < 0.02, fight = rng.nextDouble(in: 0 ..< 1) < 0.03, criminal = rng.nextDouble(in: 0 ..< 1) < 0.05
                let people = type == .wageArrears ? 5 + Int(rng.nextDouble(in: 0 ..< 20)) : 2 + Int(rng.nextDouble(in: 0 ..< 3))
                let level = DisputeRouting.level(for: .init(type: type, peopleInvolved: people, massPetition: mass, groupFight: fight, criminalRisk: criminal)).level
                let registrar = officers[community.id!] ?? admin
                let d = Dispute()
                d.type = type; d.source = pick(DisputeSource.allCases); d.summary = pick(summaries[type] ?? ["纠纷"]); d.peopleInvolved = people
                d.communityID = community.id!; d.gridID = grid?.id; d.address = ""; d.riskMassPetition = mass; d.riskGroupFight = fight; d.riskCriminal = criminal
                d.status = .registered; d.level = level; d.agreementTerms = ""; d.declineReason = ""; d.escalations = 0; d.criminalReview = false
                d.registeredAt = registered; d.createdByID = registrar
                var events: [(String, DisputeStatus?, DisputeStatus, String, Date, Int, DisputeLevel)] = [("register", nil, .registered, "统一登记，分流至" + level.nameZh, registered, registrar, level)]
                let mediator: Int? = level == .community ? communityMediatorIDs[community.id!] : level == .street ? streetMediator : districtMediatorID
                var t = registered
                // Never later than now: a step that would fall in the future happens "now" (the demo's clock).
                func step(_ action: String, _ to: DisputeStatus, _ detail: String, after hours: Double, by: Int? = nil) {
                    t = min(t.addingTimeInterval(hours * 3600), now)
                    events.append((action, d.status, to, detail, t, by ?? d.mediatorID ?? mediator ?? registrar, d.level)); d.status = to
                }
                let fate = rng.nextDouble(in: 0 ..< 1)
                if (ageDays < 3 && fate < 0.5) || ageDays * 24 < 8 {
                    // Just arrived (too recent to have been accepted and assigned): still waiting at the desk.
                } else if fate < 0.02 {
                    d.declineReason = "不属于人民调解受理范围，已告知当事人向相关部门反映"
                    step("decline", .declined, d.declineReason, after: 4, by: registrar)
                } else {
                    step("accept", .accepted, "办理时限30天", after: 3, by: registrar)
                    d.acceptedOn = LocalDay(t, in: cal).description
                    d.dueOn = DisputeDeadline.dueDay(acceptedDay: d.acceptedOn!, days: 30)
                    d.mediatorID = mediator
                    step("assign", .assigned, "分派至" + level.nameZh, after: 5, by: registrar)
                    // How long this one takes: most settle within two weeks, a few run past the limit.
                    let duration = rng.nextDouble(in: 0 ..< 1) < 0.9 ? rng.nextDouble(in: 1 ..< 14) : rng.nextDouble(in: 14 ..< 45)
                    let closeAt = t.addingTimeInterval(duration * 86400)
                    if duration > 1.5 {
                        step("session", .mediating, "调解，参加：双方当事人、调解员", after: min(duration, 2) * 24)
                        events[events.count - 1].3 = "\(LocalDay(t, in: cal)) 调解，参加：双方当事人、调解员"
                    }
                    if closeAt > now || (ageDays < 90 && fate > 0.9) {
                        // Still open today (a few stalled past the time limit): leave it where it is.
                    } else if level == .community && fate > 0.93 {
                        // Grew beyond the community (more parties, a company involved): escalated, then settled.
                        d.escalations = 1; d.level = .street; d.mediatorID = streetMediator
                        step("escalate", .assigned, "由社区调解室上交街道调处分中心", after: 24)
                        step("session", .mediating, "街道分中心组织调解", after: 48)
                        d.outcome = .agreement; d.agreementTerms = "双方达成和解，赔偿已当场支付"
                        t = max(t, closeAt.addingTimeInterval(-3600)); step("close", .closed, DisputeOutcome.agreement.nameZh, after: 1)
                        d.closedAt = t   // the close event's time (never after now)
                    } else {
                        let o = rng.nextDouble(in: 0 ..< 1)
                        t = max(t, closeAt.addingTimeInterval(-3600))
                        if o < 0.955 || d.status != .mediating {
                            if d.status != .mediating { step("session", .mediating, "调解，参加：双方当事人、调解员", after: 1) }
                            d.outcome = .agreement; d.agreementTerms = "双方自愿达成调解协议，按约履行"; d.closedAt = min(t.addingTimeInterval(3600), now)
                            step("close", .closed, DisputeOutcome.agreement.nameZh, after: 1)
                            if ageDays - duration > 30, rng.nextDouble(in: 0 ..< 1) < 0.6 {
                                d.followUpKept = rng.nextDouble(in: 0 ..< 1) < 0.95
                                step("follow_up", .followedUp, d.followUpKept! ? "协议已履行" : "协议未履行", after: 24 * 20)
                            }
                        } else if o < 0.975 && n % 3 != 0 {
                            d.outcome = .failed; d.referredTo = .court; d.closedAt = min(t.addingTimeInterval(3600), now)
                            step("close", .closed, "调解不成，告知当事人通过诉讼（法院）解决", after: 1)
                        } else if o < 0.99 {
                            d.referredTo = n % 2 == 0 ? .administrative : .judicial; d.closedAt = min(t.addingTimeInterval(3600), now)
                            step("refer", .referred, "移交" + d.referredTo!.nameZh, after: 1)
                        } else {
                            d.outcome = .withdrawn; d.closedAt = min(t.addingTimeInterval(3600), now)
                            step("close", .closed, "当事人撤回", after: 1)
                        }
                    }
                }
                try await d.create(on: tx)
                for (i, side) in [DisputeSide.applicant, .respondent].enumerated() {
                    let p = DisputeParty(); p.disputeID = d.id!; p.side = side
                    p.name = i == 1 && (type == .wageArrears || type == .property || type == .consumer) ? pick(["某建筑劳务公司", "某物业服务公司", "某电器商行", "某餐饮店"]) : name()
                    try await p.create(on: tx)
                }
                for e in events where e.0 == "session" {
                    let s = DisputeSession(); s.disputeID = d.id!; s.heldOn = LocalDay(e.4, in: cal).description
                    s.participants = "双方当事人、调解员"; s.minutes = "听取双方陈述，释法明理，双方同意协商解决"; s.userID = e.5
                    try await s.create(on: tx)
                }
                for e in events {
                    try await DisputeEvent(disputeID: d.id!, action: e.0, from: e.1, to: e.2, level: e.6, detail: e.3, userID: e.5, at: e.4).create(on: tx)
                }
            }
        }
    }
}
