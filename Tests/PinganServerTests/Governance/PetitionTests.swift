import Fluent
import Vapor
import XCTVapor
import PinganKit
@testable import PinganServer

/// A petition written directly (route walk, statistics).
func insertPetition(_ app: Application, _ f: Fixture, community: Int, level: PetitionLevel = .district, receivedOn: String = "2026-03-02",
                    channel: PetitionChannel = .visit, people: Int = 1, dispute: Int? = nil) async throws -> Int {
    let p = Petition()
    p.communityID = community; p.receivedOn = receivedOn; p.channel = channel; p.level = level; p.subject = .propertyHousing; p.people = people
    p.collective = PetitionRules.isCollective(channel: channel, people: people); p.petitioner = "王某"; p.summary = "小区物业费纠纷"
    p.handlingUnit = ""; p.status = .registered; p.result = ""; p.disputeID = dispute; p.createdByID = f.users["admin"]!
    try await p.create(on: app.db)
    return p.id!
}

/// Issue 20 §3: the petition register (信访) — registered, scoped, concluded once, counted by level against last year,
/// and escalations prevented read off the dispute files.
final class PetitionTests: XCTestCase {
    func testAnOfficerRegistersConcludesAndOthersSeeOnlyTheirOwn() async throws {
        try await withApp { app, f in
            let dispute = try await createDispute(app, f, community: f.c1)
            var (s, body) = try await apiCall(app, f, "officer", .POST, "/api/v1/petitions",
                #"{"receivedOn":"\#(LocalDay(Date(), in: LocalCalendar()).adding(days: -2))","channel":"visit","level":"street","subject":"property_housing","people":6,"petitioner":"业主代表刘某","summary":"小区电梯长期停运，要求物业维修","communityID":\#(f.c1),"disputeID":"TJ2026-\#(dispute)"}"#)
            XCTAssertEqual(s, .created, body)
            var p = try apiDecoder.decode(PetitionDTO.self, from: Data(body.utf8))
            XCTAssertTrue(p.collective, "six people visiting is a collective visit")
            XCTAssertEqual(p.status, .registered); XCTAssertEqual(p.disputeID, dispute); XCTAssertEqual(p.community, "德兴社区")
            XCTAssertTrue(p.number.hasPrefix("XF20"), p.number)

            // Naming a handling unit puts it in hand; the PATCH keeps what it does not name.
            (s, body) = try await apiCall(app, f, "officer", .PATCH, "/api/v1/petitions/\(p.id)", #"{"handlingUnit":"街道信访办"}"#)
            XCTAssertEqual(s, .ok, body)
            p = try apiDecoder.decode(PetitionDTO.self, from: Data(body.utf8))
            XCTAssertEqual(p.status, .handling); XCTAssertEqual(p.people, 6); XCTAssertEqual(p.summary, "小区电梯长期停运，要求物业维修")

            // Another community's officer and a grid worker: it looks missing; the station and the district see it.
            (s, _) = try await apiCall(app, f, "officer3", .GET, "/api/v1/petitions/\(p.id)"); XCTAssertEqual(s, .notFound)
            (s, _) = try await apiCall(app, f, "grid", .GET, "/api/v1/petitions/\(p.id)"); XCTAssertEqual(s, .forbidden)
            (s, _) = try await apiCall(app, f, "chief", .GET, "/api/v1/petitions/\(p.id)"); XCTAssertEqual(s, .ok)
            (s, body) = try await apiCall(app, f, "officer3", .GET, "/api/v1/petitions")
            XCTAssertTrue(body.contains("\"total\":0"), body)
            // The analyst reads but does not write.
            (s, _) = try await apiCall(app, f, "analyst", .GET, "/api/v1/petitions/\(p.id)"); XCTAssertEqual(s, .ok)
            (s, _) = try await apiCall(app, f, "analyst", .POST, "/api/v1/petitions/\(p.id)/conclude", #"{"result":"x"}"#); XCTAssertEqual(s, .forbidden)

            // Concluded once, not before it was received.
            (s, body) = try await apiCall(app, f, "officer", .POST, "/api/v1/petitions/\(p.id)/conclude", #"{"result":"","concludedOn":"2000-01-01"}"#)
            XCTAssertEqual(s, .unprocessableEntity)
            XCTAssertTrue(body.contains("\"result\":") && body.contains("\"concludedOn\":"), body)
            (s, body) = try await apiCall(app, f, "officer", .POST, "/api/v1/petitions/\(p.id)/conclude", #"{"result":"物业已更换电梯主板，恢复运行，已答复信访人"}"#)
            XCTAssertEqual(s, .ok, body)
            p = try apiDecoder.decode(PetitionDTO.self, from: Data(body.utf8))
            XCTAssertEqual(p.status, .concluded); XCTAssertNotNil(p.concludedOn)
            (s, body) = try await apiCall(app, f, "officer", .POST, "/api/v1/petitions/\(p.id)/conclude", #"{"result":"再次"}"#)
            XCTAssertEqual(s, .unprocessableEntity); XCTAssertTrue(body.contains("已办结"), body)

            // The dispute file lists the petition and offers to register another.
            let (cookies, _, _) = try await signIn(app, "officer")
            try await app.call(.GET, "/disputes/\(dispute)", beforeRequest: { $0.headers.cookie = cookies }) { res in
                XCTAssertTrue(res.body.string.contains(p.number)); XCTAssertTrue(res.body.string.contains("/governance/petitions/new?dispute=\(dispute)"))
            }
            try await app.call(.GET, "/governance/petitions/new?dispute=\(dispute)", beforeRequest: { $0.headers.cookie = cookies }) { res in
                XCTAssertTrue(res.body.string.contains("value=\"\(dispute)\""), "the form starts from the file")
            }
            // Every write is in the audit log.
            let actions = try await AuditEvent.query(on: app.db).filter(\.$entity == "petition").all().map(\.action)
            XCTAssertEqual(Set(actions), ["petition.create", "petition.update", "petition.conclude"])
        }
    }

    /// Issue 21 §2: the dispute file and the incident are named by the numbers printed on them and offered from the
    /// user's scope; a number with the right row but a wrong year or date names nothing.
    func testLinksAreTheNumbersPeopleSeeAndTheChoicesStayInScope() async throws {
        try await withApp { app, f in
            let cal = LocalCalendar()
            let disputeID = try await createDispute(app, f, community: f.c1), incidentID = try await createIncident(app, f, community: f.c1)
            let dn = try await Dispute.find(disputeID, on: app.db)!.fileNumber(cal), inum = try await Incident.find(incidentID, on: app.db)!.number(cal)
            let base = #""receivedOn":"\#(LocalDay(Date(), in: cal).adding(days: -1))","channel":"visit","level":"street","subject":"property_housing","people":1,"petitioner":"刘某","summary":"反映楼道堆物","communityID":\#(f.c1)"#
            var (s, body) = try await apiCall(app, f, "officer", .POST, "/api/v1/petitions", "{\(base),\"disputeID\":\"\(dn.lowercased())\",\"incidentID\":\"\(inum)\"}")
            XCTAssertEqual(s, .created, body)
            let p = try apiDecoder.decode(PetitionDTO.self, from: Data(body.utf8))
            XCTAssertEqual(p.disputeID, disputeID); XCTAssertEqual(p.incidentID, incidentID)
            (s, body) = try await apiCall(app, f, "officer", .POST, "/api/v1/petitions", "{\(base),\"disputeID\":\"TJ1999-\(disputeID)\",\"incidentID\":\"J19990101-\(incidentID)\"}")
            XCTAssertEqual(s, .unprocessableEntity, body)
            XCTAssertTrue(body.contains("\"disputeID\":") && body.contains("\"incidentID\":"), body)

            // The form offers both numbers to their community's officer, not to another community's; editing shows numbers, not row ids.
            for (user, sees) in [("officer", true), ("officer3", false)] {
                let (cookies, _, _) = try await signIn(app, user)
                try await app.call(.GET, "/governance/petitions/new", beforeRequest: { $0.headers.cookie = cookies }) { res in
                    XCTAssertEqual(res.status, .ok)
                    XCTAssertTrue(res.body.string.contains("list=\"petition-disputes\""))
                    XCTAssertEqual(res.body.string.contains("value=\"\(dn)\""), sees, user)
                    XCTAssertEqual(res.body.string.contains("value=\"\(inum)\""), sees, user)
                }
            }
            let (cookies, _, _) = try await signIn(app, "officer")
            try await app.call(.GET, "/governance/petitions/\(p.id)/edit", beforeRequest: { $0.headers.cookie = cookies }) { res in
                XCTAssertTrue(res.body.string.contains("id=\"f-disputeID\" value=\"\(dn)\""), res.body.string)
                XCTAssertTrue(res.body.string.contains("id=\"f-incidentID\" value=\"\(inum)\""))
            }
            // The ledger (CSV) names the dispute file by its number too.
            try await app.call(.GET, "/governance/petitions/export.csv", beforeRequest: { $0.headers.cookie = cookies }) { res in
                XCTAssertEqual(res.status, .ok)
                XCTAssertTrue(res.body.string.contains(",\(dn)"), res.body.string)
            }
        }
    }

    func testBadInputIsNamedFieldByFieldAndNothingIsWritten() async throws {
        try await withApp { app, f in
            let outside = try await createDispute(app, f, community: f.c3)
            let (s, body) = try await apiCall(app, f, "officer", .POST, "/api/v1/petitions",
                #"{"receivedOn":"2999-01-01","channel":"fax","level":"","people":"many","summary":"","communityID":\#(f.c3),"disputeID":"\#(outside)","incidentID":"abc"}"#)
            XCTAssertEqual(s, .unprocessableEntity)
            for field in ["receivedOn", "channel", "level", "subject", "people", "summary", "communityID", "disputeID", "incidentID"] {
                XCTAssertTrue(body.contains("\"\(field)\":"), "\(field) missing in \(body)")
            }
            let count = try await Petition.query(on: app.db).count()
            XCTAssertEqual(count, 0)

            // The form keeps what was typed and says what is wrong.
            let (cookies, csrf, _) = try await signIn(app, "officer")
            try await app.call(.POST, "/governance/petitions", beforeRequest: { req in
                req.headers.cookie = cookies
                try req.content.encode(["_csrf": csrf, "receivedOn": "2026-03-05", "channel": "letter", "level": "district", "subject": "",
                                        "people": "3", "petitioner": "赵某", "summary": "反映夜间施工噪音扰民", "communityID": "\(f.c1)"], as: .urlEncodedForm)
            }) { res in
                XCTAssertEqual(res.status, .unprocessableEntity)
                let html = res.body.string
                XCTAssertTrue(html.contains("请选择信访事项类别"))
                XCTAssertTrue(html.contains("value=\"赵某\"")); XCTAssertTrue(html.contains("反映夜间施工噪音扰民"))
                XCTAssertTrue(html.contains("<option value=\"letter\" selected>"), "channel kept")
            }
        }
    }

    func testStatisticsCountBatchesByLevelAndPreventedEscalations() async throws {
        try await withApp { app, f in
            // This period (2026 H1) against 2025 H1, as the seed's half-year report.
            for d in ["2026-01-10", "2026-02-10", "2026-03-10"] { _ = try await insertPetition(app, f, community: f.c1, level: .district, receivedOn: d) }
            for d in ["2025-01-10", "2025-02-10", "2025-03-10", "2025-04-10"] { _ = try await insertPetition(app, f, community: f.c1, level: .district, receivedOn: d) }
            _ = try await insertPetition(app, f, community: f.c3, level: .district, receivedOn: "2026-04-01")  // another station's
            _ = try await insertPetition(app, f, community: f.c1, level: .city, receivedOn: "2026-05-01", people: 12)
            _ = try await insertPetition(app, f, community: f.c1, level: .city, receivedOn: "2025-05-01", people: 7)
            _ = try await insertPetition(app, f, community: f.c1, level: .city, receivedOn: "2025-05-02", people: 9)

            // Risky files settled by agreement now: one fight risk, one mass-petition risk the group petitioned over anyway.
            let fight = try await createDispute(app, f, community: f.c1, people: 8, extra: #","riskGroupFight":true"#)
            let mass = try await createDispute(app, f, community: f.c1, people: 25, extra: #","riskMassPetition":true"#)
            let quiet = try await createDispute(app, f, community: f.c2, people: 14, extra: #","riskMassPetition":true"#)
            for id in [fight, mass, quiet] {
                let d = try await Dispute.find(id, on: app.db)!
                d.status = .closed; d.outcome = .agreement; d.closedAt = Date(); try await d.update(on: app.db)
            }
            let today = LocalDay(Date(), in: LocalCalendar())
            _ = try await insertPetition(app, f, community: f.c1, level: .street, receivedOn: today.description, people: 30, dispute: mass)

            var (s, body) = try await apiCall(app, f, "chief", .GET, "/api/v1/petitions/stats?from=2026-01-01&to=2026-06-30")
            XCTAssertEqual(s, .ok, body)
            var st = try apiDecoder.decode(PetitionService.Stats.self, from: Data(body.utf8))
            // Station A's communities only: c3's petition is not counted.
            XCTAssertEqual(st.petitions.row(.district).batches, 3); XCTAssertEqual(st.petitions.row(.district).lastYearBatches, 4)
            XCTAssertEqual(st.petitions.row(.district).batchesChange, "-25.0%")
            XCTAssertEqual(st.petitions.row(.city).collectiveBatches, 1); XCTAssertEqual(st.petitions.row(.city).lastYearCollectiveBatches, 2)
            XCTAssertTrue(st.sentence.hasPrefix("到区信访的批次同比减少25.0%"), st.sentence)

            (s, body) = try await apiCall(app, f, "chief", .GET, "/api/v1/petitions/stats?from=\(today.adding(days: -3))&to=\(today)")
            st = try apiDecoder.decode(PetitionService.Stats.self, from: Data(body.utf8))
            XCTAssertEqual(st.prevented.escalations, 1); XCTAssertEqual(st.prevented.escalationPeople, 8)
            XCTAssertEqual(st.prevented.massPetitions, 1, "the file the group petitioned over does not count")
            XCTAssertEqual(st.prevented.massPetitionPeople, 14)
            // The officer of c1 sees only c1's files.
            (s, body) = try await apiCall(app, f, "officer", .GET, "/api/v1/petitions/stats?from=\(today.adding(days: -3))&to=\(today)")
            st = try apiDecoder.decode(PetitionService.Stats.self, from: Data(body.utf8))
            XCTAssertEqual(st.prevented.massPetitions, 0)
            // A bad period is named, not guessed.
            (s, body) = try await apiCall(app, f, "chief", .GET, "/api/v1/petitions/stats?from=2026-13-01")
            XCTAssertEqual(s, .unprocessableEntity); XCTAssertTrue(body.contains("\"from\":"), body)

            // The page and the CSV say the same.
            let (cookies, _, _) = try await signIn(app, "officer")
            try await app.call(.GET, "/governance/petitions/stats?from=2026-01-01&to=2026-06-30", beforeRequest: { $0.headers.cookie = cookies }) { res in
                XCTAssertEqual(res.status, .ok)
                XCTAssertTrue(res.body.string.contains("到区信访的批次同比减少25.0%"))
                XCTAssertTrue(res.body.string.contains("<svg"), "the levels are drawn")
            }
            try await app.call(.GET, "/governance/petitions/export.csv?level=district&from=2026-01-01", beforeRequest: { $0.headers.cookie = cookies }) { res in
                XCTAssertEqual(res.status, .ok)
                let lines = res.body.string.split(separator: "\r\n")
                XCTAssertEqual(lines.count, 4, res.body.string) // header + c1's three district batches of 2026
            }
        }
    }
}
