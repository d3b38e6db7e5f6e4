import Fluent
import SQLKit
import Vapor
import PinganKit

/// Builds the demo: the real Panyu hierarchy (440113: 16 streets/towns, 267 communities/villages),
/// synthetic grids, buildings, stations, offices, officers and a deterministic year of incidents.
/// Populations, coordinates and incidents are synthetic and say so on the README.
public struct DemoSeeder {
    public struct Account { public var username: String; public var password: String; public var role: Role; public var scope: String }

    public var incidentCount = 20_000
    public var seed: UInt64 = 20_260_101
    public var now = Date()
    public var log: (String) -> Void = { print($0) }
    public init() {}

    /// Loads the real division tree (idempotent: skips when the district exists).
    public static func seedDivisions(on db: any Database) async throws {
        if try await Division.query(on: db).filter(\.$code == PanyuDivisions.district.code).count() > 0 { return }
        let rng = RandomBox(seed: 440113)
        let seat = (lat: 22.937556, lon: 113.384152) // district seat (cpca adcodes, GCJ-02)
        try await db.transaction { db in
            let district = Division(code: PanyuDivisions.district.code, name: PanyuDivisions.district.name, level: .district, parentID: nil)
            district.centroidLat = seat.lat; district.centroidLon = seat.lon
            try await district.create(on: db)
            var districtPop = (0, 0, 0)
            for (si, s) in PanyuDivisions.streets.enumerated() {
                let angle = Double(si) / Double(PanyuDivisions.streets.count) * 2 * .pi
                let street = Division(code: s.code, name: s.name, level: .street, parentID: district.id)
                street.centroidLat = seat.lat + 0.06 * sin(angle); street.centroidLon = seat.lon + 0.07 * cos(angle)
                try await street.create(on: db)
                let stationName = s.shortName.replacingOccurrences(of: "街道", with: "").replacingOccurrences(of: "镇", with: "") + "派出所"
                let station = Station(name: stationName, address: "番禺区\(s.name)\(10 + si)号", phone: "020-8482\(String(format: "%04d", 1000 + si * 37))", divisionID: street.id!)
                try await station.create(on: db)
                var streetPop = (0, 0, 0)
                var ruralOffice: PoliceOffice? = nil
                var ruralInOffice = 0
                for c in PanyuDivisions.communities(inStreet: s.code) {
                    let kind = c.kind ?? .urban
                    let community = Division(code: c.code, name: c.shortName, level: .community, parentID: street.id, kind: kind, codeGenerated: c.codeGenerated)
                    let resident = kind == .urban ? Int(rng.nextDouble(in: 3000 ..< 12000)) : Int(rng.nextDouble(in: 1500 ..< 9000))
                    community.residentPopulation = resident
                    community.registeredPopulation = Int(Double(resident) * rng.nextDouble(in: 0.45 ..< 0.8))
                    community.floatingPopulation = resident - community.registeredPopulation + Int(rng.nextDouble(in: 0 ..< 800))
                    community.centroidLat = street.centroidLat! + rng.nextDouble(in: -0.015 ..< 0.015)
                    community.centroidLon = street.centroidLon! + rng.nextDouble(in: -0.015 ..< 0.015)
                    community.stationID = station.id
                    // One office per residents' committee; villages share a police-area office, three at a time (seed 001).
                    let office: PoliceOffice
                    if kind == .urban {
                        office = PoliceOffice(name: c.shortName + "警务室", kind: .community, stationID: station.id!, address: c.shortName + "居委会一楼", hours: "周一至周五 9:00–17:30", phone: "020-3482\(String(format: "%04d", Int(rng.nextDouble(in: 0 ..< 9999))))")
                        try await office.create(on: db)
                    } else {
                        if ruralOffice == nil || ruralInOffice >= 3 {
                            ruralOffice = PoliceOffice(name: c.shortName + "等村警务区警务室", kind: .ruralArea, stationID: station.id!, address: c.shortName + "村委会旁", hours: "周一至周六 8:30–18:00", phone: "020-3482\(String(format: "%04d", Int(rng.nextDouble(in: 0 ..< 9999))))")
                            try await ruralOffice!.create(on: db)
                            ruralInOffice = 0
                        }
                        ruralInOffice += 1
                        office = ruralOffice!
                    }
                    community.officeID = office.id
                    try await community.create(on: db)
                    streetPop.0 += community.registeredPopulation; streetPop.1 += community.residentPopulation; streetPop.2 += community.floatingPopulation
                    let gridCount = max(2, min(8, resident / 1800))
                    for g in 1...gridCount {
                        let grid = Division(code: DivisionCode.gridCode(community: c.code, index: g), name: "第\(g)网格", level: .grid, parentID: community.id, codeGenerated: true)
                        grid.communityID = community.id
                        grid.residentPopulation = resident / gridCount
                        grid.centroidLat = community.centroidLat! + rng.nextDouble(in: -0.004 ..< 0.004)
                        grid.centroidLon = community.centroidLon! + rng.nextDouble(in: -0.004 ..< 0.004)
                        try await grid.create(on: db)
                        for b in 1...3 {
                            let building = Division(code: grid.code + String(format: "%04d", b), name: "\(g)-\(b)栋", level: .building, parentID: grid.id, codeGenerated: true)
                            building.communityID = community.id
                            try await building.create(on: db)
                        }
                    }
                }
                street.registeredPopulation = streetPop.0; street.residentPopulation = streetPop.1; street.floatingPopulation = streetPop.2
                try await street.save(on: db)
                districtPop.0 += streetPop.0; districtPop.1 += streetPop.1; districtPop.2 += streetPop.2
            }
            district.registeredPopulation = districtPop.0; district.residentPopulation = districtPop.1; district.floatingPopulation = districtPop.2
            try await district.save(on: db)
        }
    }

    public static func randomPassword() -> String {
        let alphabet = Array("abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789")
        var g = SystemRandomNumberGenerator()
        return String((0..<14).map { _ in alphabet[Int.random(in: 0..<alphabet.count, using: &g)] })
    }

    /// Creates one sign-in account per role with fresh random passwords, and a non-signing-in
    /// officer record for every community (so "officers in place" and handling officers exist).
    public func seedUsers(app: Application) async throws -> [Account] {
        let db = app.db
        let district = try await Division.query(on: db).filter(\.$level == .district).first()!
        let street = try await Division.query(on: db).filter(\.$code == "440113007").first()!
        let community = try await Division.query(on: db).filter(\.$parentID == street.id!).sort(\.$code).first()!
        let grid = try await Division.query(on: db).filter(\.$parentID == community.id!).sort(\.$code).first()!
        let station = try await Station.query(on: db).filter(\.$divisionID == street.id!).first()!
        let specs: [(String, String, Role, Int?, Int?, String)] = [
            ("admin", "系统管理员", .admin, nil, nil, "全区"),
            ("command", "区指挥中心值班员", .districtCommand, district.id, nil, district.name),
            ("chief", "\(station.name)所长", .stationChief, nil, station.id, station.name),
            ("officer", "李明", .communityOfficer, community.id, nil, community.name),
            ("grid", "陈芳", .gridWorker, grid.id, nil, community.name + grid.name),
            ("mediator", "王强", .mediator, street.id, nil, street.name),
            ("leader", "张伟", .teamLeader, community.id, nil, community.name),
            ("analyst", "赵敏", .analyst, district.id, nil, district.name),
        ]
        var accounts: [Account] = []
        for (username, name, role, scope, stationID, scopeName) in specs {
            let password = Self.randomPassword()
            let hash = try await app.password.async.hash(password).get()
            if let existing = try await User.query(on: db).filter(\.$username == username).first() {
                existing.passwordHash = hash; existing.active = true; existing.lockedUntil = nil; existing.failedAttempts = 0
                try await existing.save(on: db)
            } else {
                try await User(username: username, displayName: name, passwordHash: hash, role: role, scopeDivisionID: scope, stationID: stationID).create(on: db)
            }
            accounts.append(Account(username: username, password: password, role: role, scope: scopeName))
        }
        // Officer records for the other communities. "!" is no valid hash: they cannot sign in until an admin sets a password.
        let communities = try await Division.query(on: db).filter(\.$level == .community).sort(\.$code).all()
        let surnames = Array("王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗梁")
        let given = Array("伟芳娜敏静磊洋勇军杰涛明超华平刚辉健")
        for (n, c) in communities.enumerated() where c.id != community.id {
            let username = "officer\(c.code.suffix(6))"
            if try await User.query(on: db).filter(\.$username == username).count() > 0 { continue }
            let display = "社区民警 " + String(surnames[n % surnames.count]) + String(given[(n * 7) % given.count])
            try await User(username: username, displayName: display, passwordHash: "!", role: .communityOfficer, scopeDivisionID: c.id).create(on: db)
        }
        return accounts
    }

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
        let officers = Dictionary(uniqueKeysWithValues: try await User.query(on: db).filter(\.$role == .communityOfficer).all().compactMap { u in u.scopeDivisionID.map { ($0, u.id!) } })
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
                    for b in try await Division.query(on: tx).filter(\.$level == .building).filter(\.$parentID == grid.id!).sort(\.$code).all() {
                        let s = try await site(.building, b.name, ["use": "residential", "units": "2", "floors": "6", "households": "36"], grid: grid, building: b.id, contact: false)
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

    /// Inserts `incidentCount` incidents over the last 12 months with their status history, in batches.
    public func seedIncidents(app: Application) async throws {
        let db = app.db
        let grids = try await Division.query(on: db).filter(\.$level == .grid).sort(\.$code).all()
        let communities = try await Division.query(on: db).filter(\.$level == .community).sort(\.$code).all()
        let communityIndex = Dictionary(uniqueKeysWithValues: communities.enumerated().map { ($1.id!, $0) })
        let streets = Dictionary(uniqueKeysWithValues: try await Division.query(on: db).filter(\.$level == .street).all().map { ($0.id!, $0) })
        var officerMap: [Int: Int] = [:]
        for u in try await User.query(on: db).filter(\.$role == .communityOfficer).all() { if let s = u.scopeDivisionID { officerMap[s] = u.id! } }
        let officers = officerMap
        let admin = try await User.query(on: db).filter(\.$username == "admin").first()!.id!
        let places = grids.map { g in DemoPlace(communityIndex: communityIndex[g.communityID!]!, gridIndex: g.id!, latitude: g.centroidLat ?? 22.93, longitude: g.centroidLon ?? 113.38) }
        let cal = LocalCalendar()
        let start = cal.startOfDay(now.addingTimeInterval(-365 * 86400))
        let gen = DemoIncidentGenerator(seed: seed, places: places, start: start, end: now, now: now)
        let incidentCols = ["source", "category", "subcategory", "preventable", "occurred_at", "reported_at", "community_id", "grid_id", "address", "latitude", "longitude",
                            "modus_operandi", "description", "handling_officer_id", "status", "filed_at", "solved_at", "created_by_id", "created_at", "updated_at"]
        var batch: [DemoIncident] = []
        var inserted = 0
        let batchSize = 500
        let placeName: (DemoPlace) -> String = { p in
            let c = communities[p.communityIndex]
            return (c.parentID.flatMap { streets[$0]?.name } ?? "") + c.name
        }
        func flush() async throws {
            guard !batch.isEmpty else { return }
            let rows = batch
            batch.removeAll(keepingCapacity: true)
            try await db.transaction { tx in
                let sqlTx = tx as! any SQLDatabase
                var insert = sqlTx.insert(into: "incidents").columns(incidentCols)
                for d in rows {
                    let community = communities[d.place.communityIndex]
                    let officer = officers[community.id!] ?? admin
                    let values: [any Encodable & Sendable] = [
                        d.source.rawValue, d.subcategory.category.rawValue, d.subcategory.code, d.subcategory.preventable, d.occurredAt, d.reportedAt,
                        community.id!, d.place.gridIndex, d.address, d.latitude, d.longitude, d.modusOperandi, d.description, officer, d.status.rawValue,
                        d.filedAt as Date?, d.solvedAt as Date?, officer, d.reportedAt, d.reportedAt]
                    insert = insert.values(values.map { SQLBind($0) })
                }
                try await insert.run()
                // Fetch the ids just written (the highest ones) to attach their status history.
                let ids = try await sqlTx.select().column("id").from("incidents").orderBy("id", .descending).limit(rows.count).all()
                    .map { try $0.decode(column: "id", as: Int.self) }.reversed()
                var ev = sqlTx.insert(into: "incident_events").columns(["incident_id", "from_status", "to_status", "note", "user_id", "at"])
                var any = false
                for (id, d) in zip(ids, rows) {
                    let officer = officers[communities[d.place.communityIndex].id!] ?? admin
                    var prev: IncidentStatus? = nil
                    var t = d.reportedAt
                    for s in IncidentStatus.allCases {
                        ev = ev.values([SQLBind(id), SQLBind(prev?.rawValue), SQLBind(s.rawValue), SQLBind(""), SQLBind(officer), SQLBind(t)])
                        any = true
                        prev = s
                        t = t.addingTimeInterval(s == .received ? 600 : 3 * 3600)
                        if s == d.status { break }
                    }
                }
                if any { try await ev.run() }
            }
            inserted += rows.count
        }
        for n in 0..<gen.producibleCount(incidentCount) {
            batch.append(gen.incident(at: n, placeName: placeName))
            if batch.count == batchSize {
                try await flush()
                if inserted % 50_000 == 0 { log("  \(inserted) incidents…") }
            }
        }
        try await flush()
    }
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
        let officers = Dictionary(uniqueKeysWithValues: try await User.query(on: db).filter(\.$role == .communityOfficer).all().compactMap { u in u.scopeDivisionID.map { ($0, u.id!) } })
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
                func step(_ action: String, _ to: DisputeStatus, _ detail: String, after hours: Double, by: Int? = nil) {
                    t = t.addingTimeInterval(hours * 3600)
                    events.append((action, d.status, to, detail, t, by ?? d.mediatorID ?? mediator ?? registrar, d.level)); d.status = to
                }
                let fate = rng.nextDouble(in: 0 ..< 1)
                if ageDays < 3, fate < 0.5 {
                    // Just arrived: still waiting at the desk for acceptance.
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
                        d.outcome = .agreement; d.agreementTerms = "双方达成和解，赔偿已当场支付"; d.closedAt = closeAt
                        t = max(t, closeAt.addingTimeInterval(-3600)); step("close", .closed, DisputeOutcome.agreement.nameZh, after: 1)
                    } else {
                        let o = rng.nextDouble(in: 0 ..< 1)
                        t = max(t, closeAt.addingTimeInterval(-3600))
                        if o < 0.955 || d.status != .mediating {
                            if d.status != .mediating { step("session", .mediating, "调解，参加：双方当事人、调解员", after: 1) }
                            d.outcome = .agreement; d.agreementTerms = "双方自愿达成调解协议，按约履行"; d.closedAt = t.addingTimeInterval(3600)
                            step("close", .closed, DisputeOutcome.agreement.nameZh, after: 1)
                            if ageDays - duration > 30, rng.nextDouble(in: 0 ..< 1) < 0.6 {
                                d.followUpKept = rng.nextDouble(in: 0 ..< 1) < 0.95
                                step("follow_up", .followedUp, d.followUpKept! ? "协议已履行" : "协议未履行", after: 24 * 20)
                            }
                        } else if o < 0.975 && n % 3 != 0 {
                            d.outcome = .failed; d.referredTo = .court; d.closedAt = t.addingTimeInterval(3600)
                            step("close", .closed, "调解不成，告知当事人通过诉讼（法院）解决", after: 1)
                        } else if o < 0.99 {
                            d.referredTo = n % 2 == 0 ? .administrative : .judicial; d.closedAt = t.addingTimeInterval(3600)
                            step("refer", .referred, "移交" + d.referredTo!.nameZh, after: 1)
                        } else {
                            d.outcome = .withdrawn; d.closedAt = t.addingTimeInterval(3600)
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

    /// Early-warning alerts (研判预警) for the last three complete months and four complete weeks, as
    /// the recompute command would raise them; one is acknowledged so the handling trail shows.
    public func seedAlerts(app: Application) async throws {
        let cal = LocalCalendar()
        let admin = try await User.query(on: app.db).filter(\.$username == "admin").first()?.id
        let lastMonth = cal.yearMonth(of: now).previous
        for k in (0..<3).reversed() {
            let week = cal.calendar.date(byAdding: .day, value: -7 * (k + 1), to: now)!
            _ = try await AlertRecompute.run(db: app.db, scope: .everything, calendar: cal, month: lastMonth.adding(months: -k), week: week, userID: admin, now: now)
        }
        _ = try await AlertRecompute.run(db: app.db, scope: .everything, calendar: cal, week: cal.calendar.date(byAdding: .day, value: -28, to: now)!, userID: admin, now: now)
        if let a = try await WarningAlertRecord.query(on: app.db).filter(\.$status == .open).sort(\.$periodStart).first() {
            a.status = .acknowledged
            try await a.save(on: app.db)
            try await WarningAlertEvent(alertID: a.id!, action: "acknowledge", userID: admin, note: "已签收，安排走访", at: now).create(on: app.db)
        }
    }
}

/// A seeded generator shared by reference inside transaction closures.
final class RandomBox: @unchecked Sendable {
    private var g: SplitMix64
    init(seed: UInt64) { g = SplitMix64(seed: seed) }
    func nextDouble(in r: Range<Double>) -> Double { g.nextDouble(in: r) }
}

private extension Array {
    /// Up to `k` elements in a seeded random order.
    func shuffledPrefix(_ k: Int, _ rng: RandomBox) -> [Element] {
        var a = self
        for i in stride(from: a.count - 1, to: 0, by: -1) { a.swapAt(i, Int(rng.nextDouble(in: 0 ..< Double(i + 1)))) }
        return Array(a.prefix(k))
    }
}
