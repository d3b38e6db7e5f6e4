import Fluent
import SQLKit
import Vapor
import PinganKit

/// The registry's demo: residents and the places and things of the same twelve communities.
extension DemoSeeder {
    /// A few hundred synthetic residents in 市桥街道, with valid (checksummed) but invented ID numbers,
    /// temporary registrations falling due around today, and some key-population entries.
    public func seedPeople(app: Application, count: Int = 360) async throws {
        let db = app.db
        let cipher = FieldCipher(secret: app.pingan.secretKey)
        let cal = LocalCalendar()
        guard let street = try await Division.query(on: db).filter(\.$code == "440113007").first() else { return }
        // Twelve communities, so each has enough people to make its worklists meaningful.
        let communities = Array(try await Division.query(on: db).filter(\.$parentID == street.id!).sort(\.$code).all().prefix(12))
        let grids = try await Division.query(on: db).filter(\.$level == .grid).filter(\.$communityID ~~ communities.compactMap(\.id)).all()
        let gridsByCommunity = Dictionary(grouping: grids, by: { $0.communityID! })
        let buildings = try await Division.query(on: db).filter(\.$level == .building).filter(\.$communityID ~~ communities.compactMap(\.id)).sort(\.$code).all()
        let buildingsByGrid = Dictionary(grouping: buildings, by: { $0.parentID! })
        // The first officer of each community (by id): a community may have more than one.
        let officers = Dictionary(try await User.query(on: db).filter(\.$role == .communityOfficer).sort(\.$id).all().compactMap { u in u.scopeDivisionID.map { ($0, u.id!) } },
                                  uniquingKeysWith: { first, _ in first })
        let admin = try await User.query(on: db).filter(\.$username == "admin").first()!.id!
        let surnames = Array("王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗梁宋郑谢韩唐冯")
        let given = ["伟", "芳", "娜", "敏", "静", "磊", "洋", "勇", "军", "杰", "涛", "明", "超", "华", "平", "刚", "辉", "健", "婷", "丽", "强", "欣怡", "子轩", "浩然"]
        let areas = ["440113", "440126", "440181", "440106", "445221", "360732", "431021", "452501", "511322", "440804"]
        let rng = RandomBox(seed: seed ^ 0x9E0_91E)
        try await db.transaction { tx in
            for n in 0..<count {
                let community = communities[n % communities.count]
                let grid = gridsByCommunity[community.id!]?.sorted { $0.code < $1.code }.first
                let roll = rng.nextDouble(in: 0 ..< 1)
                let category: PersonCategory = roll < 0.6 ? .permanent : roll < 0.92 ? .temporary : .key
                let area = category == .permanent ? areas[Int(rng.nextDouble(in: 0 ..< 3))] : areas[Int(rng.nextDouble(in: 0 ..< Double(areas.count)))]
                let year = 1950 + Int(rng.nextDouble(in: 0 ..< 55)), month = 1 + Int(rng.nextDouble(in: 0 ..< 12)), day = 1 + Int(rng.nextDouble(in: 0 ..< 28))
                let first17 = area + String(format: "%04d%02d%02d%03d", year, month, day, n % 1000)
                guard case .success(let rid) = ResidentID.parse(first17 + String(ResidentID.checkDigit(for: first17))) else { continue }
                let p = Person()
                p.name = String(surnames[Int(rng.nextDouble(in: 0 ..< Double(surnames.count)))]) + given[Int(rng.nextDouble(in: 0 ..< Double(given.count)))]
                p.idNumberSealed = try cipher.seal(rid.value)
                p.idNumberIndex = cipher.blindIndex(rid.value, field: "id_number")
                p.idNumberMasked = rid.masked
                p.sex = rid.isMale ? "M" : "F"
                p.birthYear = String(rid.birthDate.year)
                let phone = "13" + String(format: "%09d", Int(rng.nextDouble(in: 0 ..< 999_999_999)))
                p.phoneSealed = try cipher.seal(phone); p.phoneIndex = cipher.blindIndex(phone, field: "phone"); p.phoneMasked = PhoneNumber.masked(phone)
                p.hukouAddress = DivisionRegistry.default.name(of: area) ?? area
                p.category = category
                p.keyType = category == .key ? KeyPopulationType.allCases[n % KeyPopulationType.allCases.count] : nil
                p.supervisorID = category == .key ? officers[community.id!] : nil
                p.communityID = community.id!
                p.gridID = grid?.id
                // Several people share a room, so buildings show households rather than one person per flat.
                let inGrid = grid.flatMap { buildingsByGrid[$0.id!] } ?? []
                let household = n / communities.count / 3
                p.buildingID = inGrid.isEmpty ? nil : inGrid[household % inGrid.count].id
                // Unit-floor-flat ("2-1203"), mixed with the community so neighbouring rows differ.
                let h = household * 7 + (n % communities.count) * 3
                p.room = "\(1 + h % 3)-\(1 + (h / 3) % 18)\(String(format: "%02d", 1 + h % 4))"
                p.residenceExpiresOn = category == .temporary ? cal.formatDate(now.addingTimeInterval(rng.nextDouble(in: -15 ..< 120) * 86400)) : nil
                p.note = ""
                p.createdByID = officers[community.id!] ?? admin
                try await p.create(on: tx)
            }
        }
    }

    /// Places and things for the same twelve communities as the people: every building of their first
    /// grid with its 桩钉 heads, rentals with landlords and tenants, compounds rated by seed 003's
    /// three-way rule, organisations, licensed venues, cameras and checkpoints. All synthetic.
    public func seedSites(app: Application) async throws {
        let db = app.db
        let cipher = FieldCipher(secret: app.pingan.secretKey)
        guard let street = try await Division.query(on: db).filter(\.$code == "440113007").first() else { return }
        let communities = Array(try await Division.query(on: db).filter(\.$parentID == street.id!).sort(\.$code).all().prefix(12))
        let admin = try await User.query(on: db).filter(\.$username == "admin").first()!.id!
        let rng = RandomBox(seed: seed ^ 0x517E5)
        @Sendable func pick<T>(_ xs: [T]) -> T { xs[Int(rng.nextDouble(in: 0 ..< Double(xs.count)))] }
        let roads = ["繁华路", "环城中路", "易发街", "大北路", "光明北路", "清河东路", "富华中路", "西丽路", "德兴路", "桥东路"]
        try await db.transaction { tx in
            for (ci, community) in communities.enumerated() {
                let cid = community.id!
                let grids = try await Division.query(on: tx).filter(\.$level == .grid).filter(\.$communityID == cid).sort(\.$code).all()
                let people = try await Person.query(on: tx).filter(\.$communityID == cid).sort(\.$id).all()
                var number = 1
                func site(_ kind: SiteKind, _ name: String, _ attrs: [String: String], grid: Division? = nil, building: Int? = nil, licence: String = "", contact: Bool = true) async throws -> Site {
                    let s = Site()
                    s.kind = kind; s.name = name; s.licence = licence
                    let values = SiteAttributes.validate(kind, attrs).values
                    s.attributes = SiteAttributes.encode(values); s.subtype = kind.subtype.flatMap { values[$0.key] }
                    number += 1
                    s.address = kind == .rental ? name : "\(pick(roads))\(number * 3 + ci)号"
                    s.communityID = cid; s.gridID = (grid ?? grids.first)?.id; s.buildingID = building
                    s.contactName = contact ? pick(["陈", "李", "黄", "梁", "何"]) + pick(["先生", "女士", "经理"]) : ""
                    if contact {
                        let phone = "139" + String(format: "%08d", Int(rng.nextDouble(in: 0 ..< 99_999_999)))
                        s.contactPhoneSealed = try cipher.seal(phone); s.contactPhoneIndex = cipher.blindIndex(phone, field: "phone"); s.contactPhoneMasked = PhoneNumber.masked(phone)
                    }
                    s.status = rng.nextDouble(in: 0 ..< 1) < 0.05 ? .suspended : .active
                    s.lastInspectedOn = rng.nextDouble(in: 0 ..< 1) < 0.7 ? LocalCalendar().formatDate(now.addingTimeInterval(-rng.nextDouble(in: 1 ..< 200) * 86400)) : nil
                    s.note = ""; s.createdByID = admin
                    try await s.create(on: tx)
                    return s
                }
                func member(_ s: Site, _ p: Person, _ role: SiteRole, unit: String = "", floor: String = "") async throws {
                    let m = SiteMember()
                    m.siteID = s.id!; m.personID = p.id!; m.role = role; m.unit = unit; m.floor = floor
                    try await m.create(on: tx)
                }
                for grid in grids.prefix(1) {
                    for (k, b) in try await Division.query(on: tx).filter(\.$level == .building).filter(\.$parentID == grid.id!).sort(\.$code).all().enumerated() {
                        // Two buildings in three have 门禁, so the coverage page's building column has a gap to show.
                        let s = try await site(.building, b.name, ["use": "residential", "units": "2", "floors": "6", "households": "36", "accessControl": k % 3 == 2 ? "0" : "1"],
                                               grid: grid, building: b.id, contact: false)
                        let residents = people.filter { $0.buildingID == b.id }
                        if let head = residents.first { try await member(s, head, .buildingHead) }
                        for (i, p) in residents.dropFirst().prefix(2).enumerated() { try await member(s, p, .unitHead, unit: "\(i + 1)") }
                        if let p = residents.dropFirst(3).first { try await member(s, p, .floorHead, unit: "1", floor: "3") }
                    }
                }
                let temporary = people.filter { $0.category == .temporary }
                let permanent = people.filter { $0.category == .permanent }
                for r in 0..<3 {
                    let reg = r == 2 ? "unregistered" : "registered"
                    let s = try await site(.rental, "\(pick(roads))\(10 + r * 7 + ci)号\(r + 2)01房", ["rentalType": r == 1 ? "group" : "whole", "rooms": "\(2 + r)", "registration": reg, "inspection": r == 1 ? "rectifying" : "passed"])
                    if permanent.indices.contains(r) { try await member(s, permanent[r], .landlord) }
                    for p in temporary.dropFirst(r * 3).prefix(3) { try await member(s, p, .tenant) }
                }
                let conditions: [(String, String, String)] = [("closed", "good", "staffed"), ("semi", "fair", "volunteer"), ("open", "poor", "none")]
                for (i, c) in conditions.enumerated() where i < 2 + ci % 2 {
                    _ = try await site(.compound, ["丽江花园", "星河湾", "富丽居", "沙园新村", "东城小区"][(ci + i) % 5] + "\(ci + 1)期",
                                       ["enclosure": c.0, "propertyCompany": c.0 == "open" ? "" : "番禺物业服务有限公司", "watch": c.2, "condition": c.1, "accessControl": c.0 == "closed" ? "1" : "0", "cameras": "\(4 + ci)", "households": "\(300 + 40 * ci)"])
                }
                _ = try await site(.organisation, "\(community.name)小学", ["orgType": "school", "protectedUnit": "1", "employees": "80", "responsibilitySigned": "1"], licence: "12440113MB2C\(String(format: "%06d", ci))")
                _ = try await site(.organisation, "番禺\(["农商银行", "电子厂", "物流公司"][ci % 3])\(community.name)网点", ["orgType": ci % 3 == 0 ? "financial" : "enterprise", "protectedUnit": ci % 3 == 0 ? "1" : "0", "employees": "\(30 + ci * 5)"], licence: "91440113MA5\(String(format: "%07d", ci))")
                _ = try await site(.specialIndustry, "\(["悦来", "如家", "鸿运"][ci % 3])旅馆", ["trade": "hotel", "infoSystem": "1", "beds": "\(40 + ci)"], licence: "穗公特旅字\(String(format: "%04d", 100 + ci))")
                _ = try await site(.specialIndustry, ["永兴废品收购站", "恒通汽车修理厂", "大信典当行"][ci % 3], ["trade": ["scrap", "vehicle_repair", "pawn"][ci % 3], "infoSystem": ci % 2 == 0 ? "1" : "0"], licence: "穗公特字\(String(format: "%04d", 200 + ci))")
                if ci % 2 == 0 { _ = try await site(.entertainment, "金曲KTV\(community.name)店", ["venueType": "ktv", "cctv": "1", "capacity": "150"], licence: "娱经\(String(format: "%04d", 300 + ci))") }
                _ = try await site(.internetCafe, "极速网吧\(ci + 1)店", ["terminals": "\(60 + ci * 4)", "realName": "1", "cctv": ci % 4 == 3 ? "0" : "1"], licence: "网文\(String(format: "%04d", 400 + ci))")
                for (i, shop) in ["便利店", "金铺", "农贸市场"].enumerated() {
                    _ = try await site(.shop, community.name + shop, ["shopType": ["shop", "jewellery", "market"][i], "area": "\(60 + i * 400)", "alarm": i == 1 ? "1" : "0"])
                }
                if ci % 4 == 1 { _ = try await site(.hazardHolder, "番禺民爆器材仓库\(ci)", ["hazard": "explosives", "quantity": "2吨", "storage": "专用库房"], licence: "民爆储\(String(format: "%03d", ci))") }
                for k in 1...4 {
                    _ = try await site(.camera, "市桥-\(String(format: "%02d", ci + 1))-\(String(format: "%03d", k))", ["ownership": k == 4 ? "social" : "public", "working": k == 3 && ci % 3 == 0 ? "faulty" : "ok", "networked": k == 4 ? "0" : "1",
                                                                                 "lon": String(format: "%.5f", (community.centroidLon ?? 113.36) + Double(k) * 0.001), "lat": String(format: "%.5f", (community.centroidLat ?? 22.94) + Double(k) * 0.0007)],
                                       licence: "SXT\(ci + 1)\(k)", contact: false)
                }
                if ci % 3 == 0 { _ = try await site(.checkpoint, "\(community.name)治安卡口", ["checkpointType": "vehicle", "hours": "全天"], licence: "KK\(ci + 1)", contact: false) }
            }
        }
    }
}
