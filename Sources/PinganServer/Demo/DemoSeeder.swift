import Fluent
import SQLKit
import Vapor
import PinganKit

/// Builds the demo: the real Panyu hierarchy (440113: 16 streets/towns, 267 communities/villages),
/// synthetic grids, buildings, stations, offices, officers and a deterministic year of incidents.
/// Populations, coordinates and incidents are synthetic and say so on the README.
public struct DemoSeeder {
    public struct Account {
        public var username: String; public var password: String; public var role: Role; public var scope: String
        /// Set for roles that must sign in with two factors (`PINGAN_2FA_ROLES`): the demo enrols them at once.
        public var totpSecret: String? = nil
        public var recoveryCodes: [String] = []
    }

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
            let user: User
            if let existing = try await User.query(on: db).filter(\.$username == username).first() {
                existing.passwordHash = hash; existing.active = true; existing.lockedUntil = nil; existing.failedAttempts = 0
                try await existing.save(on: db)
                user = existing
            } else {
                user = User(username: username, displayName: name, passwordHash: hash, role: role, scopeDivisionID: scope, stationID: stationID)
                try await user.create(on: db)
            }
            var account = Account(username: username, password: password, role: role, scope: scopeName)
            // A fresh visitor of the demo must be able to sign in as every role: those that need two factors are enrolled
            // here, and `pingan demo` prints their TOTP secret and recovery codes (docs/authentication.md § The demo).
            if TwoFactor.required(user, app.pingan) {
                let enrolled = try await TwoFactor.enrolNow(user, cipher: FieldCipher(secret: app.pingan.secretKey), on: db)
                account.totpSecret = enrolled.secret
                account.recoveryCodes = enrolled.recoveryCodes
            }
            accounts.append(account)
        }
        // Officer records for the other communities. "!" is no valid hash: they cannot sign in until an admin sets a password.
        let communities = try await Division.query(on: db).filter(\.$level == .community).sort(\.$code).all()
        let surnames = Array("王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗梁")
        let given = Array("伟芳娜敏静磊洋勇军杰涛明超华平刚辉健")
        for (n, c) in communities.enumerated() where c.id != community.id {
            let username = "officer\(c.code.suffix(6))"
            if try await User.query(on: db).filter(\.$username == username).count() > 0 { continue }
            let display = String(surnames[n % surnames.count]) + String(given[(n * 7) % given.count])
            try await User(username: username, displayName: display, passwordHash: "!", role: .communityOfficer, scopeDivisionID: c.id).create(on: db)
        }
        return accounts
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
                    // Received at the report, dispatched 10 minutes later, then 3 hours a step; squeezed in proportion when
                    // that would run past now (an incident reported half an hour ago and already handled).
                    let steps = IncidentStatus.allCases.prefix { $0 != d.status } + [d.status]
                    var offsets: [Double] = [0]
                    for s in steps.dropLast() { offsets.append(offsets.last! + (s == .received ? 600 : 3 * 3600)) }
                    let room = max(0, now.timeIntervalSince(d.reportedAt))
                    let squeeze = offsets.last! > room ? room / offsets.last! : 1
                    var prev: IncidentStatus? = nil
                    for (s, offset) in zip(steps, offsets) {
                        let t = d.reportedAt.addingTimeInterval(offset * squeeze)
                        ev = ev.values([SQLBind(id), SQLBind(prev?.rawValue), SQLBind(s.rawValue), SQLBind(""), SQLBind(officer), SQLBind(t)])
                        any = true
                        prev = s
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

extension Array {
    /// Up to `k` elements in a seeded random order.
    func shuffledPrefix(_ k: Int, _ rng: RandomBox) -> [Element] {
        var a = self
        for i in stride(from: a.count - 1, to: 0, by: -1) { a.swapAt(i, Int(rng.nextDouble(in: 0 ..< Double(i + 1)))) }
        return Array(a.prefix(k))
    }
}
