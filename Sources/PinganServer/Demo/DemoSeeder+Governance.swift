import Fluent
import Vapor
import PinganKit

extension DemoSeeder {
    /// Two years of petitions (信访) in the demo street's communities, so the register has pages and the statistics have a
    /// same-period-last-year to compare with: fewer this year than last (the trend the seed reports), most at street and
    /// district level, a few collective visits and some above the district. Some collective visits are tied to dispute files
    /// flagged for a mass petition — the ones the statistics must not count as prevented. Older ones are concluded.
    public func seedPetitions(app: Application) async throws {
        let db = app.db
        if try await Petition.query(on: db).count() > 0 { return }
        guard let street = try await Division.query(on: db).filter(\.$code == "440113007").first(),
              let admin = try await User.query(on: db).filter(\.$username == "admin").first()?.id else { return }
        let communities = Array(try await Division.query(on: db).filter(\.$parentID == street.id!).sort(\.$code).all().prefix(12))
        guard !communities.isEmpty else { return }
        let massRisk = try await Dispute.query(on: db).filter(\.$riskMassPetition == true).filter(\.$outcome == .agreement).sort(\.$id).all()
        let cal = LocalCalendar()
        let today = LocalDay(Date(), in: cal)
        var rng = SplitMix64(seed: seed &+ 31)
        let levels: [(PetitionLevel, Double)] = [(.community, 0.22), (.street, 0.36), (.district, 0.26), (.city, 0.10), (.province, 0.04), (.national, 0.02)]
        func pickLevel() -> PetitionLevel {
            var x = rng.nextDouble(in: 0..<1)
            for (l, w) in levels { if x < w { return l }; x -= w }
            return .street
        }
        let matters: [(PetitionSubject, String)] = [
            (.propertyHousing, "小区电梯长期停运，物业推诿不修"), (.propertyHousing, "物业公司擅自上调物业费"),
            (.labourWages, "工地拖欠农民工工资三个月"), (.labourWages, "工厂停产后未支付经济补偿"),
            (.landDemolition, "旧村改造补偿标准有异议"), (.urbanManagement, "夜间施工噪音扰民"),
            (.urbanManagement, "占道经营影响通行"), (.environment, "餐馆油烟直排居民楼"),
            (.lawLitigation, "对法院执行进度不满"), (.publicSecurity, "出租屋聚集人员深夜喧哗，要求整治"),
            (.other, "要求公开社区公共收益使用情况"),
        ]
        let units = ["街道信访办", "区信访局", "街道综治办", "区住建局", "区人社局", "街道城管执法队", "市桥派出所"]
        let names = ["王", "李", "张", "刘", "陈", "杨", "黄", "赵", "周", "吴"]
        var rows: [Petition] = []
        // Last year a little more than this year, day by day over two years.
        for back in stride(from: 730, through: 0, by: -1) {
            let day = today.adding(days: -back)
            let rate = back > 365 ? 0.26 : 0.21
            guard rng.nextDouble(in: 0..<1) < rate else { continue }
            let (subject, text) = matters[Int(rng.next() % UInt64(matters.count))]
            let channel: PetitionChannel = [.visit, .visit, .letter, .online, .phone][Int(rng.next() % 5)]
            var people = channel == .visit ? 1 + Int(rng.next() % 3) : 1
            if channel == .visit, rng.nextDouble(in: 0..<1) < 0.12 { people = 5 + Int(rng.next() % 30) }
            let p = Petition()
            p.communityID = communities[Int(rng.next() % UInt64(communities.count))].id!
            p.receivedOn = day.description; p.channel = channel; p.level = pickLevel(); p.subject = subject; p.people = people
            p.collective = PetitionRules.isCollective(channel: channel, people: people)
            p.petitioner = names[Int(rng.next() % UInt64(names.count))] + "某" + (people > 1 ? "等\(people)人" : "")
            p.summary = text; p.createdByID = admin; p.result = ""
            p.handlingUnit = back < 3 && rng.nextDouble(in: 0..<1) < 0.5 ? "" : units[Int(rng.next() % UInt64(units.count))]
            if back > 20 || (back > 5 && rng.nextDouble(in: 0..<1) < 0.5) {
                let took = min(back, 3 + Int(rng.next() % 40))
                p.concludedOn = day.adding(days: took).description
                p.result = "已会同\(p.handlingUnit.isEmpty ? "有关部门" : p.handlingUnit)调查处理，并书面答复信访人。"
                if p.handlingUnit.isEmpty { p.handlingUnit = units[0] }
            }
            p.status = PetitionStatus.of(handlingUnit: p.handlingUnit, concludedOn: p.concludedOn)
            rows.append(p)
        }
        // A few files flagged for a mass petition that the group brought to the street anyway.
        for (i, d) in massRisk.prefix(3).enumerated() {
            guard let closed = d.closedAt else { continue }
            let p = Petition()
            p.communityID = d.communityID; p.receivedOn = min(today, LocalDay(closed, in: cal).adding(days: 2 + i)).description
            p.channel = .visit; p.level = i == 0 ? .district : .street; p.subject = .propertyHousing; p.people = max(5, d.peopleInvolved)
            p.collective = true; p.petitioner = "业主代表" + names[i] + "某等\(p.people)人"; p.summary = "对纠纷调解协议的履行不满，集体到访反映：" + String(d.summary.prefix(30))
            p.handlingUnit = "街道综治办"; p.disputeID = d.id; p.createdByID = admin; p.result = ""
            p.status = .handling
            rows.append(p)
        }
        for chunk in stride(from: 0, to: rows.count, by: 200) { try await Array(rows[chunk..<min(chunk + 200, rows.count)]).create(on: db) }
    }
}

extension DemoSeeder {
    /// Three situation meetings of the demo street (形势分析会), two and one months ago and this week, each with decisions:
    /// most of the older ones done, one past its deadline, the newest still open — so the supervision list has all states.
    /// The agenda is counted from the demo's own files as they stand now (the seeder has no signed-in user to scope by).
    public func seedMeetings(app: Application) async throws {
        let db = app.db
        if try await Meeting.query(on: db).count() > 0 { return }
        guard let street = try await Division.query(on: db).filter(\.$code == "440113007").first(),
              let chief = try await User.query(on: db).filter(\.$username == "chief").first()?.id else { return }
        let officer = try await User.query(on: db).filter(\.$username == "officer").first()?.id
        let communities = try await Division.query(on: db).filter(\.$parentID == street.id!).sort(\.$code).all()
        let ids = communities.compactMap(\.id)
        let now = Date()
        let today = LocalDay(now, in: LocalCalendar())
        let openStatuses = DisputeStatus.allCases.filter { $0.isOpen || $0.isWaiting }
        let disputes = try await Dispute.query(on: db).filter(\.$communityID ~~ ids).filter(\.$status ~~ openStatuses).all()
        let lateEvents = try await GridEvent.query(on: db).filter(\.$communityID ~~ ids).filter(\.$status ~~ [.dispatched, .handling, .rework]).filter(\.$deadline < now).all()
        let rising = try await MeetingService.risingIncidents(db, LocalCalendar(), communities: ids, today: today)
        let lines = AgendaLine.ordered(communities.map { c in
            let mine = disputes.filter { $0.communityID == c.id }
            return AgendaLine(communityID: c.id!, community: c.name, alerts: 0, riskDisputes: mine.filter(\.anyRisk).count,
                              overdueDisputes: mine.filter { DisputeDeadline.isOverdue(status: $0.status, dueDay: $0.dueOn, today: today.description) }.count,
                              overdueInspections: 0, overdueEvents: lateEvents.filter { $0.communityID == c.id }.count,
                              risingIncidents: rising[c.id!] ?? 0, risingSince: today.adding(days: -29).description)
        })
        let agenda = String(decoding: try JSONEncoder().encode(lines), as: UTF8.self)
        let attendees = "市桥街道党工委书记、办事处主任，市桥派出所所长、教导员，街道综治办主任，司法所所长，城管执法中队长"
        // (days ago, title, [(decision, owner, days allowed, done, agenda topic it is about)])
        let specs: [(Int, String, [(String, String, Int, Bool, String)])] = [
            (62, "安全稳定形势分析会（第一次）", [("对辖区出租屋开展消防安全专项整治", "市桥派出所", 20, true, ""), ("旧村改造补偿纠纷逐户走访化解", "街道综治办", 30, true, "disputes")]),
            (31, "安全稳定形势分析会（第二次）", [("入室盗窃高发社区增加夜间巡逻", "市桥派出所 巡防队", 14, true, ""), ("拖欠工资纠纷联合劳动监察处理", "街道劳动保障所", 21, false, "disputes")]),
            (3, "本月安全稳定形势分析会", [("风险纠纷逐件包案，落实责任人", "街道司法所", 14, false, "risk"), ("超期网格事件督办到处置单位", "街道城管执法中队", 7, false, "events")]),
        ]
        for (ago, title, items) in specs {
            let m = Meeting()
            m.kind = .situation; m.areaDivisionID = street.id!; m.heldOn = today.adding(days: -ago).description; m.title = title; m.attendees = attendees
            m.agenda = agenda; m.minutes = "会议通报了近期辖区治安形势和矛盾纠纷排查情况，分析了突出问题，研究部署了下阶段重点工作。"; m.createdByID = chief
            try await m.create(on: db)
            for (text, owner, days, done, about) in items {
                let a = MeetingAction()
                a.meetingID = m.id!; a.text = text; a.owner = owner; a.dueOn = today.adding(days: -ago + days).description
                a.aboutPath = ""; a.aboutLabel = ""; a.reminders = 0
                if let line = lines.first(where: { $0.topics.contains { $0.key == about } }), let topic = line.topics.first(where: { $0.key == about }) {
                    a.aboutPath = topic.path; a.aboutLabel = line.community
                }
                a.doneOn = done ? today.adding(days: -ago + days - 2).description : nil
                a.doneNote = done ? "已按期落实，情况已报街道综治办。" : ""; a.createdByID = chief
                // The open decision on disputes at risk is the community officer's, chased once yesterday.
                if !done, about == "risk", let officer {
                    a.ownerUserID = officer; a.owner = "社区民警"; a.reminders = 1; a.lastRemindedAt = now.addingTimeInterval(-86_400)
                }
                try await a.create(on: db)
            }
        }
        // The district's coverage targets (科技创安), and a higher one for compounds in the demo street.
        if let district = try await StaffingService.districtID(db), let admin = try await User.query(on: db).filter(\.$username == "admin").first()?.id {
            for (area, t) in [(district, CoverageTarget(compounds: 80, households: 85, managed: 90, buildings: 75)), (street.id!, CoverageTarget(compounds: 90))] {
                let r = CoverageTargetRecord()
                r.areaDivisionID = area; r.compounds = t.compounds; r.households = t.households; r.managed = t.managed; r.buildings = t.buildings
                r.updatedByID = admin; r.updatedAt = now
                try await r.create(on: db)
            }
        }
    }
}

extension DemoSeeder {
    /// The demo street's groups (群组登记): a building group for most buildings, a property and an auxiliaries' group per
    /// community, an agency group in some; most checked this quarter, some overdue for a check, a few never.
    public func seedGroups(app: Application) async throws {
        let db = app.db
        if try await CommunityGroup.query(on: db).count() > 0 { return }
        guard let street = try await Division.query(on: db).filter(\.$code == "440113007").first() else { return }
        let communities = try await Division.query(on: db).filter(\.$parentID == street.id!).sort(\.$code).all()
        let officers = Dictionary(try await User.query(on: db).filter(\.$role == .communityOfficer).sort(\.$id).all().compactMap { u in u.scopeDivisionID.map { ($0, u.id!) } },
                                  uniquingKeysWith: { a, _ in a })
        let today = LocalDay(Date(), in: LocalCalendar())
        var rng = SplitMix64(seed: seed &+ 37)
        func checked() -> String? {
            let x = rng.nextDouble(in: 0..<1)
            if x < 0.08 { return nil }
            return today.adding(days: -(x < 0.8 ? Int(rng.next() % 80) : 95 + Int(rng.next() % 120))).description
        }
        let surnames = ["陈", "李", "黄", "梁", "何", "罗", "郭", "冯"]
        var rows: [CommunityGroup] = []
        func add(_ c: Division, _ kind: GroupKind, _ name: String, building: Int? = nil, members: Int) {
            let g = CommunityGroup()
            g.communityID = c.id!; g.buildingID = building; g.kind = kind; g.name = name
            g.adminName = (kind == .building ? "楼长 " : kind == .property ? "物业 " : kind == .agency ? "中介 " : "民警 ") + surnames[Int(rng.next() % UInt64(surnames.count))] + "某"
            g.members = members; g.officerID = officers[c.id!]; g.lastCheckedOn = checked(); g.note = ""
            rows.append(g)
        }
        for c in communities {
            let buildings = try await Division.query(on: db).filter(\.$level == .building).filter(\.$communityID == c.id!).sort(\.$code).all()
            for b in buildings where rng.nextDouble(in: 0..<1) < 0.7 { add(c, .building, c.name + b.name + "住户群", building: b.id, members: 40 + Int(rng.next() % 160)) }
            guard !buildings.isEmpty || c.id == communities.first?.id else { continue }
            add(c, .property, c.name + "物业业主群", members: 200 + Int(rng.next() % 280))
            add(c, .auxiliary, c.name + "警辅联防群", members: 15 + Int(rng.next() % 25))
            if rng.nextDouble(in: 0..<1) < 0.5 { add(c, .agency, c.name + "房屋中介群", members: 10 + Int(rng.next() % 30)) }
        }
        for chunk in stride(from: 0, to: rows.count, by: 200) { try await Array(rows[chunk..<min(chunk + 200, rows.count)]).create(on: db) }
    }
}

extension DemoSeeder {
    /// Integrated offices (合署办公) in most of the demo street's communities, each with its secretary as director, its
    /// officer as deputy and a self-assessment of the five self-assessed integrations — most in place, some partly.
    public func seedOffices(app: Application) async throws {
        let db = app.db
        if try await IntegratedOffice.query(on: db).count() > 0 { return }
        guard let street = try await Division.query(on: db).filter(\.$code == "440113007").first(),
              let admin = try await User.query(on: db).filter(\.$username == "admin").first()?.id else { return }
        let communities = try await Division.query(on: db).filter(\.$parentID == street.id!).sort(\.$code).all()
        let officers = Dictionary(try await User.query(on: db).filter(\.$role == .communityOfficer).sort(\.$id).all().compactMap { u in u.scopeDivisionID.map { ($0, u.id!) } },
                                  uniquingKeysWith: { a, _ in a })
        let today = LocalDay(Date(), in: LocalCalendar())
        var rng = SplitMix64(seed: seed &+ 41)
        let names = ["黄丽", "陈志坚", "梁美玲", "何国强", "罗秀珍", "郭永明", "冯淑仪", "李卫东"]
        let evidence: [Integration: String] = [.command: "每周一综治办与警务室联合例会，会议记录在册", .forces: "网格员、警辅、巡防队统一编组，联合排班",
                                               .dailyWork: "同一办公场所，联合值班表张贴上墙", .gridManagement: "警务网格与综治网格一致，一格一员一警",
                                               .informationSharing: "每月通报警情、矛盾纠纷和出租屋信息"]
        for (n, c) in communities.enumerated() where rng.nextDouble(in: 0..<1) < 0.75 || officers[c.id!] != nil && n == 0 {
            let o = IntegratedOffice()
            o.communityID = c.id!; o.director = "社区书记 " + names[n % names.count]; o.deputyID = officers[c.id!]
            o.members = "网格员 若干名\n社工 2名\n辅警 2名\n治保会主任 1名"; o.establishedOn = today.adding(days: -(400 + Int(rng.next() % 900))).description; o.note = ""
            try await o.create(on: db)
            for i in Integration.allCases where !i.isComputed {
                let x = rng.nextDouble(in: 0..<1)
                let status: IntegrationStatus = x < 0.7 ? .met : x < 0.92 ? .partial : .notMet
                let ch = IntegrationCheck()
                ch.officeID = o.id!; ch.item = i; ch.status = status; ch.evidence = status == .notMet ? "" : evidence[i] ?? ""
                ch.checkedOn = today.adding(days: -Int(rng.next() % 60)).description; ch.checkedByID = admin
                try await ch.create(on: db)
            }
        }
    }
}

extension DemoSeeder {
    /// Two joint enforcement campaigns (联合执法): the district's running 打击“七黑”、整治“五小” campaign, led by urban
    /// management with market supervision and fire, over the registry's venues, shops and rentals (most listed by the city,
    /// some found locally, more than half closed); and the demo street's ended rental fire-safety campaign, all but one closed.
    public func seedCampaigns(app: Application) async throws {
        let db = app.db
        if try await Campaign.query(on: db).count() > 0 { return }
        guard let district = try await Division.query(on: db).filter(\.$level == .district).first(),
              let street = try await Division.query(on: db).filter(\.$code == "440113007").first(),
              let command = try await User.query(on: db).filter(\.$username == "command").first()?.id,
              let officer = try await User.query(on: db).filter(\.$username == "officer").first()?.id else { return }
        let units = try await ResponsibleUnit.query(on: db).all()
        func unit(_ name: String) -> Int? { units.first { $0.name == name }?.id }
        guard let urban = unit("区城管执法大队"), let market = unit("区市场监管局"), let fire = unit("区消防救援大队") else { return }
        let station = units.first { $0.kind == .policeStation && $0.divisionID == street.id }?.id
        var g = SplitMix64(seed: seed &+ 29)
        let today = LocalDay(Date(), in: LocalCalendar())

        func campaign(_ name: String, area: Int, lead: Int, from: LocalDay, to: LocalDay, goal: String, departments: [(Int, String)]) async throws -> Campaign {
            let c = Campaign()
            c.name = name; c.areaDivisionID = area; c.leadUnitID = lead; c.startsOn = from.description; c.endsOn = to.description; c.goal = goal; c.createdByID = command
            try await c.create(on: db)
            for (u, duty) in departments { try await CampaignDepartment(campaignID: c.id!, unitID: u, duty: duty).create(on: db) }
            return c
        }
        func target(_ c: Campaign, ledger: CampaignLedger, site: Site?, name: String, address: String, community: Int, problems: String, department: Int?,
                    closedShare: Double, from: LocalDay, to: LocalDay) async throws {
            let t = CampaignTarget()
            t.campaignID = c.id!; t.ledger = ledger; t.siteID = site?.id; t.name = name; t.address = address; t.communityID = community; t.problems = problems
            t.departmentID = department; t.progressNote = ""; t.evidence = ""; t.createdByID = ledger == .listed ? command : officer
            let r = g.nextDouble(in: 0..<1)
            if r < closedShare {
                let span = max(1, from.days(until: min(to, today)))
                t.status = .closed; t.progressNote = "已下达限期整改通知书，联合检查督促整改。"
                t.evidence = ["经联合复查，已取缔并拆除招牌，无反弹。", "已补办证照，消防设施整改到位，复查合格。", "已停业整顿，清理违规住人、堆放，复查合格。"][Int(g.next() % 3)]
                t.closedOn = from.adding(days: Int(g.next() % UInt64(span))).description; t.closedByID = officer
            } else if r < closedShare + 0.25 {
                t.status = .rectifying; t.progressNote = "已下达限期整改通知书，整改期内，待复查。"
            } else { t.status = .pending }
            try await t.create(on: db)
        }

        // The district's campaign against unlicensed and unsafe small venues (七黑、五小).
        let from = today.adding(days: -120), to = today.adding(days: 60)
        let seven = try await campaign("打击“七黑”、整治“五小”专项行动", area: district.id!, lead: urban, from: from, to: to,
            goal: "按照市里下达的挂帐名单，年内完成全部挂帐场所整治；各街道同步排查帐外场所，发现一处、列入一处、整治一处。",
            departments: [(urban, "牵头组织，查处占道经营、违法搭建"), (market, "查处无照经营、取缔黑网吧"), (fire, "消防安全检查，查封重大隐患场所")])
        let sites = try await Site.query(on: db).filter(\.$kind ~~ [SiteKind.entertainment, .internetCafe, .shop, .rental]).sort(\.$id).all()
        let problemsByKind: [SiteKind: (String, Int)] = [
            .entertainment: ("超时营业，消防通道堵塞", fire), .internetCafe: ("接纳未成年人上网，未落实实名登记", market),
            .shop: ("无照经营，店外占道堆放", urban), .rental: ("群租，电动车室内充电", fire),
        ]
        for (i, s) in sites.enumerated() {
            let (problems, dept) = problemsByKind[s.kind] ?? ("安全隐患", urban)
            try await target(seven, ledger: i % 10 < 7 ? .listed : .local, site: s, name: s.name, address: s.address, community: s.communityID, problems: problems,
                             department: i % 13 == 0 ? nil : dept, closedShare: 0.55, from: from, to: to)
        }
        let streetCommunities = try await Division.query(on: db).filter(\.$parentID == street.id!).sort(\.$code).all()
        for (i, (name, problems)) in [("无名废品收购点", "无证经营，露天堆放易燃废品"), ("桥下流动夜市", "占道经营，噪音扰民"), ("无牌黑诊所", "无证行医")].enumerated()
            where !streetCommunities.isEmpty {
            let c = streetCommunities[i % streetCommunities.count]
            try await target(seven, ledger: .local, site: nil, name: name, address: c.name + "辖内", community: c.id!, problems: problems,
                             department: i == 2 ? market : urban, closedShare: 0.3, from: from, to: to)
        }

        // The street's own campaign of last season, ended: rentals' fire safety, all but one closed.
        if let station {
            let from2 = today.adding(days: -300), to2 = today.adding(days: -210)
            let rentals = try await Site.query(on: db).filter(\.$kind == .rental).filter(\.$communityID ~~ streetCommunities.compactMap(\.id)).sort(\.$id).all()
            let c = try await campaign("出租屋消防安全专项整治", area: street.id!, lead: station, from: from2, to: to2,
                goal: "辖区出租屋逐栋排查，电动车违规充电、群租、消防通道堵塞一律限期整改。", departments: [(station, "牵头组织，逐栋排查登记"), (fire, "消防检查与复查")])
            for (i, s) in rentals.enumerated() {
                try await target(c, ledger: .listed, site: s, name: s.name, address: s.address, community: s.communityID, problems: "电动车室内充电，疏散通道堆放杂物",
                                 department: i % 2 == 0 ? station : fire, closedShare: i == 0 ? 0 : 1, from: from2, to: to2)
            }
        }
    }
}
