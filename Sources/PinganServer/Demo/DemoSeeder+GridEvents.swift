import Fluent
import SQLKit
import Vapor
import PinganKit

extension DemoSeeder {
    /// Responsible units of the district (district bodies, each station, each street's community committees and
    /// property companies) and the demo unit's sign-in account.
    public func seedUnits(app: Application) async throws -> Account {
        let db = app.db
        let district = try await Division.query(on: db).filter(\.$level == .district).first()!
        var units: [ResponsibleUnit] = [
            ResponsibleUnit(name: "区城管执法大队", kind: .urbanManagement, divisionID: district.id!, phone: "020-84820001"),
            ResponsibleUnit(name: "区市场监管局", kind: .marketSupervision, divisionID: district.id!, phone: "020-84820002"),
            ResponsibleUnit(name: "区住房城乡建设局", kind: .housing, divisionID: district.id!, phone: "020-84820003"),
            ResponsibleUnit(name: "区消防救援大队", kind: .fire, divisionID: district.id!, phone: "020-84820004"),
            ResponsibleUnit(name: "区生态环境分局", kind: .environment, divisionID: district.id!, phone: "020-84820005"),
            ResponsibleUnit(name: "区供电局（水电气通信权属单位）", kind: .utilities, divisionID: district.id!, phone: "020-84820006"),
            ResponsibleUnit(name: "区交通运输局", kind: .transport, divisionID: district.id!, phone: "020-84820007"),
        ]
        for st in try await Station.query(on: db).sort(\.$id).all() { units.append(ResponsibleUnit(name: st.name, kind: .policeStation, divisionID: st.divisionID, phone: st.phone)) }
        for s in try await Division.query(on: db).filter(\.$level == .street).sort(\.$code).all() {
            units.append(ResponsibleUnit(name: s.name + "社区居委会联络组", kind: .communityCommittee, divisionID: s.id!))
            units.append(ResponsibleUnit(name: s.name + "物业联合服务中心", kind: .propertyCompany, divisionID: s.id!))
        }
        for u in units { try await u.create(on: db) }
        let password = Self.randomPassword()
        let hash = try await app.password.async.hash(password).get()
        try await User(username: "unit", displayName: "区城管执法大队值班员", passwordHash: hash, role: .unitStaff, scopeDivisionID: nil, unitID: units[0].id).create(on: db)
        return Account(username: "unit", password: password, role: .unitStaff, scope: units[0].name)
    }

    /// `perDay` grid events a day over the last year, each through its loop as far as its age allows: most registered,
    /// dispatched to the category's unit with the sample time limits on the working calendar, handled (15 % late),
    /// verified (8 % reworked first) and closed; a few declined; the last days' still open. Every step on the timeline.
    public func seedGridEvents(app: Application, perDay: Int) async throws {
        let db = app.db
        var g = SplitMix64(seed: seed &+ 19)
        func roll() -> Double { g.nextDouble(in: 0..<1) }
        let grids = try await Division.query(on: db).filter(\.$level == .grid).sort(\.$code).all()
        let communities = Dictionary(uniqueKeysWithValues: try await Division.query(on: db).filter(\.$level == .community).all().map { ($0.id!, $0) })
        let streetCode = { (cid: Int) in String(communities[cid]?.code.prefix(9) ?? "") }
        let units = try await ResponsibleUnit.query(on: db).all()
        let unitArea = Dictionary(uniqueKeysWithValues: try await Division.query(on: db).filter(\.$id ~~ Array(Set(units.map(\.divisionID)))).all().map { ($0.id!, $0.code) })
        let categories = try await GridEventCategoryRow.query(on: db).filter(\.$active == true).all()
        let leaves = categories.filter { c in !categories.contains { $0.parentCode == c.code } }
        let parentUnit = Dictionary(uniqueKeysWithValues: categories.filter { $0.parentCode == nil }.map { ($0.code, $0.defaultUnit) })
        let gridWorker = try await User.query(on: db).filter(\.$username == "grid").first()
        let command = try await User.query(on: db).filter(\.$username == "command").first()?.id
        let unitUser = try await User.query(on: db).filter(\.$username == "unit").first()?.id
        let working = WorkingCalendar.china, table = GridEventTimeLimitTable.sample
        let cal = LocalCalendar()
        let eventCols = ["case_number", "category_code", "urgency", "description", "address", "lat", "lon", "community_id", "grid_id", "source", "reporter_id",
                         "centre_level", "status", "unit_id", "dispatched_at", "deadline", "limit_hours", "round_the_clock", "handled_at", "closed_at",
                         "rework_count", "supervision", "satisfaction", "state_json", "reported_at", "updated_at"]
        let texts = ["现场发现问题，已拍照", "居民反映多日未处理", "巡查发现，影响通行", "存在安全隐患，需尽快处置", "夜间巡查时发现"]
        struct Pending { var values: [any Encodable & Sendable]; var steps: [(String, GridEventStatus?, GridEventStatus, GridEventActor, Int?, String, Date)]; var helpers: [(Int, Date?)] = [] }
        var batch: [Pending] = []
        let encoder = JSONEncoder.events
        func flush() async throws {
            guard !batch.isEmpty else { return }
            let rows = batch; batch.removeAll(keepingCapacity: true)
            try await db.transaction { tx in
                let sql = tx as! any SQLDatabase
                var insert = sql.insert(into: "grid_events").columns(eventCols)
                for r in rows { insert = insert.values(r.values.map { SQLBind($0) }) }
                try await insert.run()
                // unscoped: the ids just written (the demo writes as the system)
                let ids = try await sql.select().column("id").from("grid_events").orderBy("id", .descending).limit(rows.count).all()
                    .map { try $0.decode(column: "id", as: Int.self) }.reversed()
                var steps = sql.insert(into: "grid_event_steps").columns(["event_id", "action", "from_status", "to_status", "actor", "user_id", "note", "at"])
                for (id, r) in zip(ids, rows) {
                    for s in r.steps { steps = steps.values([SQLBind(id), SQLBind(s.0), SQLBind(s.1?.rawValue), SQLBind(s.2.rawValue), SQLBind(s.3.rawValue), SQLBind(s.4), SQLBind(s.5), SQLBind(s.6)]) }
                }
                try await steps.run()
                let helped = zip(ids, rows).flatMap { id, r in r.helpers.map { (id, $0) } }
                if !helped.isEmpty {
                    var helpers = sql.insert(into: GridEventHelper.schema).columns(["event_id", "unit_id", "reported_at"])
                    for (id, helper) in helped { helpers = helpers.values([SQLBind(id), SQLBind(helper.0), SQLBind(helper.1)]) }
                    try await helpers.run()
                }
            }
        }
        // Helpers (协办) come from their own sequence so that the rest of the demo stays as it was.
        var hg = SplitMix64(seed: seed &+ 23)
        let start = cal.startOfDay(now.addingTimeInterval(-365 * 86_400))
        var serial = 0
        for day in 0...365 {
            let dayStart = start.addingTimeInterval(Double(day) * 86_400)
            for _ in 0..<perDay {
                let grid = grids[Int(g.next() % UInt64(grids.count))]
                let cat = leaves[Int(g.next() % UInt64(leaves.count))]
                let kind = cat.defaultUnit ?? cat.parentCode.flatMap { parentUnit[$0] ?? nil } ?? .urbanManagement
                let cid = grid.communityID!
                let candidates = units.filter { $0.kind == kind && (unitArea[$0.divisionID].map { streetCode(cid).hasPrefix($0) || $0.count <= 6 } ?? false) }
                let reported = dayStart.addingTimeInterval(7 * 3600 + roll() * 13 * 3600)
                guard reported < now else { continue }
                let urgency: GridEventUrgency = roll() < 0.05 ? .urgent : roll() < 0.25 ? .pressing : .normal
                let reporter = grid.id == gridWorker?.scopeDivisionID ? gridWorker?.id : nil
                var s = GridEventState(reportedAt: reported)
                var steps: [(String, GridEventStatus?, GridEventStatus, GridEventActor, Int?, String, Date)] = [("report", nil, .reported, .gridWorker, reporter, texts[day % texts.count], reported)]
                var helpers: [(Int, Date?)] = []
                func step(_ a: String, _ to: GridEventStatus, _ actor: GridEventActor, _ user: Int?, _ note: String, _ at: Date) -> Bool {
                    guard at < now else { return false }
                    steps.append((a, s.status, to, actor, user, note, at)); s.status = to; return true
                }
                let registeredAt = reported.addingTimeInterval(1800 + roll() * 3 * 3600)
                if roll() < 0.05 {
                    if step("decline", .declined, .centre, command, "不属于网格事件受理范围", registeredAt) { s.reason = "不属于网格事件受理范围" }
                } else if step("register", .registered, .centre, command, "", registeredAt), let unit = candidates.first {
                    serial += 1
                    s.caseNumber = "AJ" + cal.formatDate(registeredAt).replacingOccurrences(of: "-", with: "") + "-" + String(format: "%06d", serial)
                    let dispatchedAt = registeredAt.addingTimeInterval(600 + roll() * 3600)
                    let limit = table.limit(for: cat.code, parentCode: cat.parentCode, urgency: urgency)
                    if step("dispatch", .dispatched, .centre, command, unit.name, dispatchedAt) {
                        s.unitID = String(unit.id!); s.dispatchedAt = dispatchedAt; s.timeLimit = limit; s.deadline = limit.deadline(from: dispatchedAt, calendar: working)
                        // One event in ten has the street's community liaison team helping (协办), which reports its part.
                        let liaison = units.first { $0.kind == .communityCommittee && $0.id != unit.id && unitArea[$0.divisionID].map { streetCode(cid).hasPrefix($0) } == true }
                        if let helper = liaison, hg.nextDouble(in: 0..<1) < 0.1 {
                            helpers = [(helper.id!, nil)]; s.helperUnitIDs = [String(helper.id!)]
                        }
                        let acceptedAt = dispatchedAt.addingTimeInterval(900 + roll() * 3600)
                        if step("accept", .handling, .unit, unitUser, "", acceptedAt) {
                            s.acceptedAt = acceptedAt
                            let assistAt = acceptedAt.addingTimeInterval(600 + hg.nextDouble(in: 0..<1) * 1800)
                            // Most helpers report their part; about one in seven never does (the evaluation's 协办反馈率).
                            if let helper = helpers.first?.0, assistAt < now, hg.nextDouble(in: 0..<1) < 0.85 {
                                steps.append(("assist", .handling, .handling, .helper, nil, "已配合入户宣传并现场协调", assistAt)); s.helperReportedUnitIDs = [String(helper)]
                                helpers[0].1 = assistAt
                            }
                            // 85 % handled within the limit, the rest up to twice over it.
                            let share = roll() < 0.85 ? 0.2 + roll() * 0.75 : 1.05 + roll()
                            let handledAt = limit.calendar(working).addWorkingHours(limit.hours * share, to: dispatchedAt)
                            if step("feedback", .handled, .unit, unitUser, "已处置完毕", handledAt) {
                                s.handledAt = handledAt
                                var verifyAt = handledAt.addingTimeInterval(3600 + roll() * 20 * 3600)
                                if roll() < 0.08, step("fail_verification", .rework, .gridWorker, reporter, "处置不到位", verifyAt) {
                                    s.reworkCount = 1
                                    let again = limit.calendar(working).addWorkingHours(min(7, limit.hours * 0.3), to: verifyAt)
                                    if step("feedback", .handled, .unit, unitUser, "已返工", again) { s.handledAt = again; verifyAt = again.addingTimeInterval(3600 + roll() * 8 * 3600) }
                                }
                                if s.status == .handled, step("pass_verification", .closed, .gridWorker, reporter, "现场核查通过", verifyAt) { s.closedAt = verifyAt }
                            }
                        }
                    }
                }
                var json = try encoder.encode(s)
                if json.isEmpty { json = Data("{}".utf8) }
                let p = grid.centroidLat.flatMap { lat in grid.centroidLon.map { GeoPoint(lon: $0 + (roll() - 0.5) * 0.002, lat: lat + (roll() - 0.5) * 0.002) } }
                let values: [any Encodable & Sendable] = [
                    s.caseNumber, cat.code, urgency.rawValue, cat.nameZh + "：" + texts[(day + steps.count) % texts.count], communities[cid]?.name ?? "", p?.lat, p?.lon, cid, grid.id!,
                    (reporter != nil ? GridEventSource.gridPatrol : [GridEventSource.gridPatrol, .buildingHead, .video, .hotline][Int(g.next() % 4)]).rawValue, reporter,
                    s.centreLevel.rawValue, s.status.rawValue, s.unitID.flatMap(Int.init), s.dispatchedAt, s.deadline, s.timeLimit?.hours, s.timeLimit?.roundTheClock ?? false,
                    s.handledAt, s.closedAt, s.reworkCount, s.supervision?.rawValue, s.satisfaction?.rawValue, String(decoding: json, as: UTF8.self), reported, steps.last!.6]
                batch.append(Pending(values: values, steps: steps, helpers: helpers))
                if batch.count == 400 { try await flush() }
            }
        }
        try await flush()
    }
}
