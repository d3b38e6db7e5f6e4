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
