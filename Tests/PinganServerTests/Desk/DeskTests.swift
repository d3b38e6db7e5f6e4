import Fluent
import XCTVapor
import PinganKit
@testable import PinganServer

/// Issue 21 §1: each role's desk counts its own work on constructed data whose numbers are known, counts nothing
/// outside the person's scope, and each figure's link lists exactly that many records.
final class DeskTests: XCTestCase {
    struct Fig: Decodable { var key: String; var count: Int; var link: String }
    struct Row: Decodable { var label: String; var detail: String; var link: String }
    struct Section: Decodable { var key: String; var figures: [Fig]; var rows: [Row] }
    struct DeskBody: Decodable { var sections: [Section] }

    func desk(_ app: Application, _ f: Fixture, _ user: String) async throws -> [String: Fig] {
        var out: [String: Fig] = [:]
        try await app.call(.GET, "/api/v1/desk", headers: f.bearer(user)) { res in
            XCTAssertEqual(res.status, .ok, res.body.string)
            let d = try res.content.decode(DeskBody.self)
            for s in d.sections { for x in s.figures { out[x.key] = x } }
        }
        return out
    }

    func rows(_ app: Application, _ f: Fixture, _ user: String, _ section: String) async throws -> [Row] {
        var out: [Row] = []
        try await app.call(.GET, "/api/v1/desk", headers: f.bearer(user)) { res in
            out = try res.content.decode(DeskBody.self).sections.first { $0.key == section }?.rows ?? []
        }
        return out
    }

    /// The list API behind a figure's link, where one exists: its total must equal the figure.
    static let apis: [(String, String)] = [("/portal?", "/api/v1/portal/requests?"), ("/alerts?", "/api/v1/alerts?"), ("/events?", "/api/v1/events?"),
                                           ("/disputes?", "/api/v1/disputes?"), ("/incidents?", "/api/v1/incidents?"), ("/people?", "/api/v1/people?"),
                                           ("/forces/inspections?", "/api/v1/inspections?"), ("/inbox?", "/api/v1/inbox?"),
                                           ("/governance/petitions?", "/api/v1/petitions?"), ("/governance/actions?", "/api/v1/meeting-actions?")]

    func checkLinks(_ app: Application, _ f: Fixture, _ user: String, _ figs: [String: Fig], file: StaticString = #filePath, line: UInt = #line) async throws {
        for x in figs.values {
            // The page behind the link opens for this role with the filter accepted.
            try await app.call(.GET, x.link, headers: f.bearer(user)) { XCTAssertEqual($0.status, .ok, "\(user) \(x.link)", file: file, line: line) }
            guard let pair = Self.apis.first(where: { x.link.hasPrefix($0.0) }) else { continue }
            let (web, api) = pair
            let path = api + x.link.dropFirst(web.count)
            try await app.call(.GET, path, headers: f.bearer(user)) { res in
                XCTAssertEqual(res.status, .ok, "\(path) \(res.body.string)", file: file, line: line)
                let json = try JSONSerialization.jsonObject(with: Data(res.body.readableBytesView)) as? [String: Any]
                let total = (json?["page"] as? [String: Any])?["total"] as? Int ?? (json?["total"] as? Int)
                XCTAssertEqual(total, x.count, "\(user): \(x.key) \(path)", file: file, line: line)
            }
        }
    }

    func testCommunityOfficerChiefAndCommandCountTheirOwnWork() async throws {
        try await withApp { app, f in
            let db = app.db, today = LocalDay(Date(), in: LocalCalendar())
            // Portal: two new requests in C1, one overdue in C1 (the officer's), one overdue unassigned in C2; C3 one of each.
            for c in [f.c1, f.c1, f.c3] { _ = try await insertPortalRequest(app, community: c) }
            for (c, officer) in [(f.c1, f.users["officer"]), (f.c2, nil), (f.c3, f.users["officer3"])] {
                let r = try await PortalRequest.find(try await insertPortalRequest(app, community: c), on: db)!
                r.status = .acknowledged; r.dueAt = Date().addingTimeInterval(-3600); r.officerID = officer
                try await r.save(on: db)
            }
            // Incidents: C1 two received and one dispatched; C3 one received.
            for c in [f.c1, f.c1, f.c3] { _ = try await insertIncident(app, f, community: c, occurred: Date().addingTimeInterval(-3600)) }
            let i = try await Incident.find(try await insertIncident(app, f, community: f.c1, occurred: Date().addingTimeInterval(-3600)), on: db)!
            i.status = .dispatched; try await i.save(on: db)
            // Alerts: current in C1 and C3; an old one and a closed one in C1 (neither is news).
            try await insertAlert(app, community: f.c1, station: f.stationA, label: today.yearMonth.description)
            try await insertAlert(app, community: f.c3, station: f.stationB, label: today.yearMonth.description)
            let old = try await WarningAlertRecord.find(try await insertAlert(app, community: f.c1, station: f.stationA, label: "2026-01"), on: db)!
            old.periodStart = Date().addingTimeInterval(-75 * 86400); try await old.save(on: db)
            let closed = try await WarningAlertRecord.find(try await insertAlert(app, community: f.c1, station: f.stationA, label: today.yearMonth.previous.description), on: db)!
            closed.status = .closed; try await closed.save(on: db)
            // Temporary registrations: C1 one expiring in 10 days, one in 60 days; C3 one in 10 days.
            for (c, days, n) in [(f.c1, 10, "001"), (f.c1, 60, "002"), (f.c3, 10, "003")] {
                let p = try await Person.find(try await createPerson(app, f, as: "admin", community: c, id: residentID(sequence: n), category: "temporary",
                                                                    extra: ["residenceExpiresOn": today.adding(days: 90).description]), on: db)!
                p.residenceExpiresOn = today.adding(days: days).description; try await p.save(on: db)
            }
            // Work log: the officer worked in C1 today (one day), and once at the station (no presence).
            for c in [f.c1, nil] as [Int?] {
                let w = WorkLog(); w.officerID = f.users["officer"]!; w.homeCommunityID = f.c1; w.day = today.description; w.communityID = c
                w.kind = WorkKind.allCases[0]; w.note = "走访"; w.createdByID = f.users["officer"]!
                try await w.create(on: db)
            }
            // Inbox: one task for the officer, one for officer3.
            _ = try await insertPush(app, sender: f.users["admin"]!, area: f.district, kind: .task, to: [f.users["officer"]!])
            _ = try await insertPush(app, sender: f.users["admin"]!, area: f.district, kind: .task, to: [f.users["officer3"]!])
            // Governance: a petition waiting in C1, one in hand in C2, one waiting in C3; a street A decision past its deadline.
            _ = try await insertPetition(app, f, community: f.c1)
            let inHand = try await Petition.find(try await insertPetition(app, f, community: f.c2), on: db)!
            inHand.handlingUnit = "街道信访办"; inHand.status = .handling; try await inHand.save(on: db)
            _ = try await insertPetition(app, f, community: f.c3)
            _ = try await insertMeeting(app, f, area: f.streetA)   // its decision was due 2026-03-30

            let o = try await desk(app, f, "officer")
            XCTAssertEqual(o["portal.new"]?.count, 2)
            XCTAssertEqual(o["portal.overdue"]?.count, 1)
            XCTAssertEqual(o["incidents.received"]?.count, 2)
            XCTAssertEqual(o["incidents.dispatched"]?.count, 1)
            XCTAssertEqual(o["alerts.current"]?.count, 1)
            XCTAssertEqual(o["alerts.open"]?.count, 1)
            XCTAssertEqual(o["people.expiring"]?.count, 1)
            XCTAssertEqual(o["presence.days"]?.count, 1)
            XCTAssertEqual(o["worklog.week"]?.count, 2)
            XCTAssertEqual(o["inspections.open"]?.count, 0)
            XCTAssertEqual(o["inbox.open"]?.count, 1)
            XCTAssertEqual(o["petitions.registered"]?.count, 1)
            XCTAssertEqual(o["petitions.handling"]?.count, 0)
            XCTAssertEqual(o["actions.overdue"]?.count, 1, "the officer's street's meeting")
            try await checkLinks(app, f, "officer", o)

            // The station chief (C1 + C2): two overdue requests, one of them the officer's.
            let c = try await desk(app, f, "chief")
            XCTAssertEqual(c["portal.overdue"]?.count, 2)
            XCTAssertEqual(c["alerts.current"]?.count, 1)
            XCTAssertEqual(c["petitions.registered"]?.count, 1); XCTAssertEqual(c["petitions.handling"]?.count, 1)
            let perOfficer = try await rows(app, f, "chief", "overdue")
            XCTAssertEqual(perOfficer.map(\.link), ["/portal?overdue=1&officer=\(f.users["officer"]!)"])
            try await checkLinks(app, f, "chief", c)
            let ranking = try await rows(app, f, "chief", "ranking")
            XCTAssertLessThanOrEqual(ranking.count, 1, "a chief sees where their own station stands")

            // District command: the whole district's current alerts.
            let d = try await desk(app, f, "command")
            XCTAssertEqual(d["alerts.current"]?.count, 2)
            XCTAssertEqual(d["petitions.registered"]?.count, 2); XCTAssertEqual(d["actions.overdue"]?.count, 1)
            try await checkLinks(app, f, "command", d)

            // The page itself renders the figures and keeps the month's incident overview for the command.
            try await app.call(.GET, "/", headers: f.bearer("command")) { res in
                XCTAssertEqual(res.status, .ok)
                XCTAssertTrue(res.body.string.contains("data-figure=\"alerts.current\""))
                XCTAssertTrue(res.body.string.contains("本月警情概况"))
            }
        }
    }

    func testMediatorGridWorkerTeamLeaderAndForcesHome() async throws {
        try await withApp { app, f in
            let db = app.db, today = LocalDay(Date(), in: LocalCalendar())
            // Disputes: two assigned to the mediator (5 days left; 2 days overdue), one unassigned.
            var ids: [Int] = []
            for _ in 0..<3 { ids.append(try await createDispute(app, f, community: f.c1)) }
            for (id, due) in [(ids[0], 5), (ids[1], -2)] {
                let d = try await Dispute.find(id, on: db)!
                d.mediatorID = f.users["mediator"]!; d.status = .mediating; d.dueOn = today.adding(days: due).description
                try await d.save(on: db)
            }
            let m = try await desk(app, f, "mediator")
            XCTAssertEqual(m["disputes.mine"]?.count, 2)
            XCTAssertEqual(m["disputes.overdue"]?.count, 1)
            let files = try await rows(app, f, "mediator", "disputes")
            XCTAssertEqual(files.map(\.detail), ["逾期2天", "剩5天"])
            try await checkLinks(app, f, "mediator", m)

            // Grid events: two handled in the grid worker's grid (G1a), one in G1b and one in C3; one reported by them.
            var events: [Int] = []
            for g in [(f.c1, f.g1a), (f.c1, f.g1a), (f.c1, f.g1b), (f.c3, f.g3)] { events.append(try await insertGridEvent(app, community: g.0, grid: g.1)) }
            for id in events {
                let e = try await GridEvent.find(id, on: db)!
                e.status = .handled; if id == events[0] { e.reporterID = f.users["grid"]! }
                try await e.save(on: db)
            }
            let mine = try await GridEvent.find(try await insertGridEvent(app, community: f.c1, grid: f.g1a), on: db)!
            mine.reporterID = f.users["grid"]!; try await mine.save(on: db)
            let g = try await desk(app, f, "grid")
            XCTAssertEqual(g["events.verify"]?.count, 2)
            XCTAssertEqual(g["events.mine.handled"]?.count, 1)
            XCTAssertEqual(g["events.mine.reported"]?.count, 1)
            try await checkLinks(app, f, "grid", g)
            let d = try await desk(app, f, "command")
            XCTAssertEqual(d["events.register"]?.count, 1)
            try await checkLinks(app, f, "command", d)

            // Patrols today: C1 one active and one cancelled plan; C3 one.
            let t1 = try await makeTeam(app, f, community: f.c1), t3 = try await makeTeam(app, f, community: f.c3, name: "沙头巡防队")
            _ = try await makePatrolPlan(app, f, team: t1.team)
            let cancelled = try await PatrolPlanRecord.find(try await makePatrolPlan(app, f, team: t1.team), on: db)!
            cancelled.cancelledAt = Date(); cancelled.cancelReason = "下雨"; try await cancelled.save(on: db)
            _ = try await makePatrolPlan(app, f, team: t3.team)
            let l = try await desk(app, f, "leader")
            XCTAssertEqual(l["patrols.today"]?.count, 1)
            let roster = try await rows(app, f, "leader", "roster")
            XCTAssertEqual(roster.count, 1)
            try await checkLinks(app, f, "leader", l)

            // 警力警务 opens on the officer's work log and the chief's presence table.
            try await app.call(.GET, "/forces", headers: f.bearer("officer")) { XCTAssertEqual($0.headers.first(name: .location), "/forces/worklog") }
            try await app.call(.GET, "/forces", headers: f.bearer("chief")) { XCTAssertEqual($0.headers.first(name: .location), "/forces/presence") }
            try await app.call(.GET, "/forces", headers: f.bearer("command")) { XCTAssertEqual($0.status, .ok) }
        }
    }
}
