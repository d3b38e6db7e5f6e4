import Fluent
import Vapor
import PinganKit

extension DemoSeeder {
    /// The district's emergency plans (seed 004: 《总体应急方案》 and its special plans, with the teams 卫生、安全生产、公安、防汛):
    /// the general plan and four special plans approved, the flood plan in its second version, one street's fire plan
    /// drafted; drills with follow-ups, one plan overdue for its drill so the register shows what needs attention.
    public func seedEmergencyPlans(app: Application) async throws {
        let db = app.db
        if try await EmergencyPlan.query(on: db).count() > 0 { return }
        guard let district = try await Division.query(on: db).filter(\.$level == .district).first(),
              let street = try await Division.query(on: db).filter(\.$code == "440113007").first(),
              let command = try await User.query(on: db).filter(\.$username == "command").first()?.id,
              let officer = try await User.query(on: db).filter(\.$username == "officer").first()?.id else { return }
        let units = try await ResponsibleUnit.query(on: db).all()
        func unit(_ name: String) -> Int? { units.first { $0.name == name }?.id }
        guard let urban = unit("区城管执法大队"), let housing = unit("区住房城乡建设局"), let fire = unit("区消防救援大队"),
              let environment = unit("区生态环境分局"), let utilities = unit("区供电局（水电气通信权属单位）"), let transport = unit("区交通运输局") else { return }
        let police = units.first { $0.kind == .policeStation && $0.divisionID == street.id }?.id
        let today = LocalDay(Date(), in: LocalCalendar())

        @discardableResult
        func plan(_ name: String, kind: EmergencyPlanKind, type: EmergencyType, level: EmergencyLevel, area: Int, approvedMonthsAgo: Int?, interval: Int,
                  steps: [String], units: [(Int?, String)], resources: String, family: Int? = nil, version: Int = 1, status: EmergencyPlanStatus? = nil) async throws -> EmergencyPlan {
            let p = EmergencyPlan()
            p.familyID = family ?? 0; p.version = version; p.kind = kind; p.type = type; p.level = level; p.areaDivisionID = area; p.name = name
            p.scopeText = "适用于本区域内发生的\(type.nameZh)类突发公共事件的预防、预警和应急处置。坚持统一领导、分级负责、属地为主、快速反应。"
            p.steps = steps.enumerated().map { "\($0.offset + 1). \($0.element)" }.joined(separator: "\n")
            p.resources = resources; p.contacts = "区应急办值班室 020-84820100（24小时）\n区公安分局指挥中心 110"
            p.reviewDueOn = today.adding(months: 24 - (approvedMonthsAgo ?? 0)).description; p.drillIntervalMonths = interval
            p.status = status ?? (approvedMonthsAgo == nil ? .draft : .approved)
            p.approvedOn = approvedMonthsAgo.map { today.adding(months: -$0).description }; p.approvedByID = approvedMonthsAgo == nil ? nil : command
            p.createdByID = command
            try await p.create(on: db)
            if family == nil { p.familyID = p.id!; try await p.save(on: db) }
            for (u, duty) in units { if let u { try await EmergencyPlanUnit(planID: p.id!, unitID: u, duty: duty).create(on: db) } }
            return p
        }
        func drill(_ p: EmergencyPlan, monthsAgo: Int, scenario: String, people: Int, findings: String, actions: [(String, String, Int, Bool)]) async throws {
            let d = EmergencyDrill()
            let held = today.adding(months: -monthsAgo)
            d.familyID = p.familyID; d.planID = p.id!; d.heldOn = held.description; d.scenario = scenario; d.participants = "区应急办、公安、消防、街道、社区"
            d.people = people; d.findings = findings; d.createdByID = officer
            try await d.create(on: db)
            for (text, owner, days, done) in actions {
                let a = EmergencyDrillAction()
                a.drillID = d.id!; a.text = text; a.owner = owner; a.dueOn = held.adding(days: days).description; a.createdByID = officer
                a.doneOn = done ? held.adding(days: days - 5).description : nil; a.doneNote = done ? "已整改并复查" : ""
                try await a.create(on: db)
            }
        }

        let general = try await plan("番禺区突发公共事件总体应急方案", kind: .general, type: .other, level: .one, area: district.id!, approvedMonthsAgo: 10, interval: 12,
            steps: ["信息报告：事发单位和属地街道在30分钟内电话报区应急办，1小时内书面报告", "先期处置：属地街道、派出所到场控制事态，设置警戒、疏散群众",
                    "分级响应：区应急委研判后启动相应级别响应，成立现场指挥部", "应急联动：各责任单位按职责到位，现场指挥部统一调度", "信息发布：区政府新闻办统一发布",
                    "善后与评估：事件结束后10个工作日内提交评估报告"],
            units: [(urban, "现场秩序维护、违章设施清理"), (housing, "受损房屋安全鉴定"), (fire, "灭火和抢险救援"), (environment, "环境监测与污染处置"), (police, "现场警戒、交通管制、维护治安")],
            resources: "区应急物资储备库（市桥街道）：帐篷200顶、折叠床500张、发电机10台\n应急避难场所：番禺广场、大夫山森林公园")
        let flood1 = try await plan("番禺区防汛应急预案", kind: .special, type: .flood, level: .two, area: district.id!, approvedMonthsAgo: 30, interval: 12,
            steps: ["气象预警后2小时内启动值班", "巡查低洼易涝点和在建工地", "转移危险区域群众"], units: [(housing, "在建工地和危房巡查")],
            resources: "沙袋2万只、抽水泵40台", status: .superseded)
        let flood = try await plan("番禺区防汛应急预案", kind: .special, type: .flood, level: .two, area: district.id!, approvedMonthsAgo: 6, interval: 12,
            steps: ["收到暴雨黄色预警后1小时内启动防汛值班", "巡查低洼易涝点、地下车库和在建工地，设置警示", "转移危险区域群众至避难场所", "排水抢险，恢复交通", "灾后核查损失并上报"],
            units: [(housing, "在建工地和危房巡查、人员转移"), (transport, "交通疏导、道路积水抢排"), (utilities, "供电线路抢修"), (police, "转移群众、交通管制")],
            resources: "沙袋3万只、抽水泵60台、冲锋舟6艘（区防汛物资仓库）", family: flood1.id!, version: 2)
        try await drill(flood1, monthsAgo: 14, scenario: "特大暴雨致市桥河水位超警戒，沿河社区群众转移", people: 120, findings: "部分社区转移名单未及时更新；避难场所指引牌缺失",
                        actions: [("更新沿河社区转移人员名单", "市桥街道办", 30, true), ("补设避难场所指引牌", "区应急办", 45, true)])
        try await drill(flood, monthsAgo: 2, scenario: "地下车库进水，车辆和人员被困", people: 60, findings: "地下车库挡水板数量不足",
                        actions: [("地下车库配足挡水板", "区住房城乡建设局", 60, false)])
        let fires = try await plan("番禺区火灾事故应急预案", kind: .special, type: .fire, level: .three, area: district.id!, approvedMonthsAgo: 20, interval: 6,
            steps: ["接警后消防站5分钟内出动", "属地派出所到场警戒、疏散", "供电部门切断现场电源", "伤员送医、善后处置"],
            units: [(fire, "灭火救援"), (utilities, "切断电源燃气"), (police, "警戒疏散")], resources: "消防站5个、微型消防站38个")
        try await drill(fires, monthsAgo: 9, scenario: "出租屋电动车充电起火，楼内人员疏散", people: 45, findings: "楼道堆放杂物影响疏散", actions: [("清理出租屋楼道堆物", "各社区居委会", 20, true)])
        try await plan("番禺区群体性事件应急处置预案", kind: .special, type: .massIncident, level: .two, area: district.id!, approvedMonthsAgo: 8, interval: 12,
            steps: ["属地派出所和街道第一时间到场了解诉求", "区信访、综治部门会同研判，分级响应", "依法处置，防止事态扩大"],
            units: [(police, "现场秩序和安全"), (urban, "协助清理现场")], resources: "")
        try await plan("市桥街道消防安全应急预案", kind: .special, type: .fire, level: .four, area: street.id!, approvedMonthsAgo: nil, interval: 6,
            steps: ["社区微型消防站3分钟到场", "组织楼栋长疏散住户"], units: [(fire, "业务指导")], resources: "街道微型消防站3个")
        try await seedEmergencyResources(db: db, street: street, command: command, plans: [(general, 0), (flood, 1), (fires, 2)])
        try await seedResponseTeams(db: db, district: district, street: street, command: command, floodPlan: flood, generalPlan: general, today: today)
    }

    /// Two teams (应急处突队伍): the district's flood rescue team on the flood plan and the demo street's public-order
    /// response team on the general plan; members from staff and the street's joint-defence members, a week of roster
    /// with a gap so the team page shows one, and one skill missing.
    func seedResponseTeams(db: any Database, district: Division, street: Division, command: Int, floodPlan: EmergencyPlan, generalPlan: EmergencyPlan,
                           today: LocalDay) async throws {
        let staff = try await User.query(on: db).filter(\.$username ~~ ["officer", "chief", "grid", "command"]).all()
        func user(_ name: String) -> Int? { staff.first { $0.username == name }?.id }
        let communities = try await Division.query(on: db).filter(\.$parentID == street.id!).all().compactMap(\.id)
        let locals = communities.isEmpty ? [] : try await TeamMember.query(on: db).filter(\.$communityID ~~ communities).filter(\.$status == .active).sort(\.$id).range(0..<6).all()
        func team(_ name: String, area: Int, types: [EmergencyType], phone: String, equipment: String) async throws -> ResponseTeam {
            let t = ResponseTeam()
            t.areaDivisionID = area; t.name = name; t.types = types.map(\.rawValue).joined(separator: ","); t.dutyPhone = phone; t.equipment = equipment
            t.note = ""; t.active = true; t.createdByID = command
            try await t.create(on: db)
            return t
        }
        func member(_ t: ResponseTeam, user: Int? = nil, teamMember: Int? = nil, role: ResponseTeamRole, skills: [ResponseSkill]) async throws -> Int? {
            guard user != nil || teamMember != nil else { return nil }
            let m = ResponseTeamMember()
            m.teamID = t.id!; m.userID = user; m.teamMemberID = teamMember; m.role = role; m.skills = ResponseSkill.encode(skills)
            try await m.create(on: db)
            return m.id
        }
        func shift(_ t: ResponseTeam, _ member: Int?, from: Int, to: Int) async throws {
            guard let member else { return }
            let s = ResponseTeamShift()
            s.teamID = t.id!; s.memberID = member; s.startsOn = today.adding(days: from).description; s.endsOn = today.adding(days: to).description; s.createdByID = command
            try await s.create(on: db)
        }
        let flood = try await team("番禺区防汛抢险突击队", area: district.id!, types: [.flood], phone: "020-84820110",
                                   equipment: "冲锋舟6艘、抽水泵20台、救生衣200件（区防汛物资仓库）")
        let lead = try await member(flood, user: user("command"), role: .leader, skills: [.communications, .driving])
        var boat: [Int?] = []
        for (i, m) in locals.prefix(3).enumerated() {
            boat.append(try await member(flood, teamMember: m.id, role: i == 0 ? .deputy : .member, skills: i == 2 ? [.driving] : [.waterRescue, .searchRescue]))
        }
        try await shift(flood, lead, from: 0, to: 6)
        try await shift(flood, boat.first ?? nil, from: 0, to: 3)
        try await shift(flood, boat.dropFirst().first ?? nil, from: 4, to: 9) // days 10–13 uncovered
        let order = try await team("市桥街治安处突队", area: street.id!, types: [.publicSecurity, .massIncident], phone: "020-84830110",
                                   equipment: "防暴盾牌10面、钢叉6把、执法记录仪8台")
        let chief = try await member(order, user: user("chief"), role: .leader, skills: [.negotiation, .crowdControl])
        let officer = try await member(order, user: user("officer"), role: .deputy, skills: [.crowdControl, .counselling, .driving])
        _ = try await member(order, user: user("grid"), role: .member, skills: [.communications])
        for m in locals.dropFirst(3) { _ = try await member(order, teamMember: m.id, role: .member, skills: [.crowdControl]) }
        try await shift(order, chief, from: 0, to: 6)
        try await shift(order, officer, from: 7, to: 13)
        try await EmergencyPlanTeam(planID: floodPlan.id!, teamID: flood.id!).create(on: db)
        try await EmergencyPlanTeam(planID: generalPlan.id!, teamID: flood.id!).create(on: db)
        try await EmergencyPlanTeam(planID: generalPlan.id!, teamID: order.id!).create(on: db)
    }

    /// Resources on the map for three district plans (issue 20 §1): shelters in schools and parks, the supply store,
    /// pumps and boats, fire water — each at a grid's interior point in the patrolled street, so they fall inside real
    /// (synthetic) outlines and spread over the street.
    func seedEmergencyResources(db: any Database, street: Division, command: Int, plans: [(EmergencyPlan, Int)]) async throws {
        let communities = try await Division.query(on: db).filter(\.$parentID == street.id!).filter(\.$level == .community).all(\.$id)
        let grids = try await Division.query(on: db).filter(\.$level == .grid).filter(\.$communityID ~~ communities).sort(\.$code).all()
            .filter { $0.centroidLat != nil && $0.centroidLon != nil }
        guard grids.count >= 12 else { return }
        let catalogue: [[(EmergencyResourceKind, String, Int?, String, String)]] = [
            [(.shelter, "市桥一中应急避难场所", 2400, "市桥街道应急办", "开放教学楼一至三层及操场，备饮用水和简易床"),
             (.shelter, "番禺广场应急避难场所", 8000, "区应急管理局", "室外避难场所，设应急厕所和供电点"),
             (.shelter, "东涌小学应急避难场所", 900, "市桥街道应急办", ""),
             (.supplies, "区应急物资储备库", 700, "区应急管理局", "帐篷200顶、折叠床500张"),
             (.medical, "区中心医院急救站", 60, "区卫生健康局", "24小时值班")],
            [(.equipment, "防汛抽水泵（市桥河段）", 20, "区水务局", "移动泵车4台、潜水泵16台"),
             (.vehicle, "冲锋舟停放点", 6, "区防汛办", ""),
             (.supplies, "防汛沙袋堆放点", 30000, "市桥街道应急办", ""),
             (.shelter, "沙墟社区临时安置点", 300, "沙墟社区居委会", "低洼片区群众转移安置")],
            [(.water, "市桥大道消火栓组", 12, "区消防救援大队", ""),
             (.equipment, "微型消防站（德兴）", 3, "德兴社区居委会", "灭火器、水带、破拆工具"),
             (.water, "东城公园消防取水点", 1, "区消防救援大队", "枯水期水位需复核")],
        ]
        var n = 0
        for (plan, which) in plans where which < catalogue.count {
            for (kind, name, capacity, keeper, note) in catalogue[which] {
                let g = grids[(n * 7 + 3) % grids.count]
                n += 1
                let r = EmergencyResource()
                r.familyID = plan.familyID; r.kind = kind; r.name = name; r.capacity = capacity; r.keeper = keeper; r.address = ""; r.note = note
                r.lat = g.centroidLat!; r.lon = g.centroidLon!; r.communityID = g.communityID ?? g.parentID!; r.gridID = g.id; r.createdByID = command
                try await r.create(on: db)
            }
        }
    }
}
