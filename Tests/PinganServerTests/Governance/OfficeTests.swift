import Fluent
import Vapor
import XCTVapor
import PinganKit
@testable import PinganServer

/// Issue 20 §5: a community's integrated office (合署办公) and its six integrations; 检查考核 is read off the dual assessment.
final class OfficeTests: XCTestCase {
    func testAnOfficeIsRecordedAssessedAndItsAssessmentIntegrationFollowsTheDualScores() async throws {
        try await withApp { app, f in
            // No office yet: the checklist cannot be saved.
            var (s, body) = try await apiCall(app, f, "officer", .PUT, "/api/v1/integrated-offices/\(f.c1)/checks", #"{"items":{"command":{"status":"met","evidence":"x"}}}"#)
            XCTAssertEqual(s, .unprocessableEntity, body)
            // The deputy must be this community's officer.
            (s, body) = try await apiCall(app, f, "officer", .PUT, "/api/v1/integrated-offices/\(f.c1)", #"{"director":"","deputyID":\#(f.users["officer3"]!)}"#)
            XCTAssertEqual(s, .unprocessableEntity); XCTAssertTrue(body.contains("\"director\":") && body.contains("\"deputyID\":"), body)
            (s, body) = try await apiCall(app, f, "officer", .PUT, "/api/v1/integrated-offices/\(f.c1)", #"{"director":"社区书记 黄丽","deputyID":\#(f.users["officer"]!),"members":"网格员 张三\n社工 李四"}"#)
            XCTAssertEqual(s, .ok, body)
            var o = try apiDecoder.decode(IntegratedOfficeDTO.self, from: Data(body.utf8))
            XCTAssertTrue(o.established); XCTAssertEqual(o.deputy, "Officer")
            XCTAssertEqual(o.integrations.first { $0.item == .assessment }?.status, .notMet, "no dual scores yet")

            // Self-assessment: "in place" needs its evidence; 检查考核 cannot be set by hand.
            (s, body) = try await apiCall(app, f, "officer", .PUT, "/api/v1/integrated-offices/\(f.c1)/checks",
                #"{"items":{"command":{"status":"met","evidence":""},"assessment":{"status":"met"}}}"#)
            XCTAssertEqual(s, .unprocessableEntity)
            XCTAssertTrue(body.contains("evidence.command") && body.contains("status.assessment"), body)
            (s, body) = try await apiCall(app, f, "officer", .PUT, "/api/v1/integrated-offices/\(f.c1)/checks",
                #"{"items":{"command":{"status":"met","evidence":"每周一联合例会"},"forces":{"status":"partial","evidence":"巡防队未编入"},"daily_work":{"status":"not_met"}}}"#)
            XCTAssertEqual(s, .ok, body)
            o = try apiDecoder.decode(IntegratedOfficeDTO.self, from: Data(body.utf8))
            XCTAssertEqual(o.inPlace, 1)

            // Both scores for last month: 检查考核 is in place.
            let today = LocalDay(Date(), in: LocalCalendar())
            let last = YearMonth(year: today.components.year, month: today.components.month).previous.description
            for kind in [ScoreKind.station, .governance] {
                let p = PersonnelScore(); p.subjectID = f.users["officer"]!; p.month = last; p.kind = kind; p.score = 90; p.note = ""; p.scorerID = f.users["admin"]!
                try await p.create(on: app.db)
            }
            (s, body) = try await apiCall(app, f, "command", .GET, "/api/v1/integrated-offices/\(f.c1)")
            o = try apiDecoder.decode(IntegratedOfficeDTO.self, from: Data(body.utf8))
            XCTAssertEqual(o.integrations.first { $0.item == .assessment }?.status, .met)
            XCTAssertEqual(o.inPlace, 2)

            // The district sees every community; another community's officer sees only their own, and this one looks missing.
            (s, body) = try await apiCall(app, f, "command", .GET, "/api/v1/integrated-offices")
            XCTAssertEqual(try apiDecoder.decode([IntegratedOfficeDTO].self, from: Data(body.utf8)).count, 3)
            (s, body) = try await apiCall(app, f, "officer3", .GET, "/api/v1/integrated-offices")
            XCTAssertEqual(try apiDecoder.decode([IntegratedOfficeDTO].self, from: Data(body.utf8)).map(\.communityID), [f.c3])
            (s, _) = try await apiCall(app, f, "officer3", .GET, "/api/v1/integrated-offices/\(f.c1)"); XCTAssertEqual(s, .notFound)
            (s, _) = try await apiCall(app, f, "officer", .GET, "/api/v1/integrated-offices/\(f.g1a)"); XCTAssertEqual(s, .notFound, "a grid is not a community")

            // The page keeps a mistyped assessment and says what is wrong.
            let (cookies, csrf, _) = try await signIn(app, "officer")
            try await app.call(.POST, "/governance/offices/\(f.c1)/checks", beforeRequest: { req in
                req.headers.cookie = cookies
                try req.content.encode(["_csrf": csrf, "status[grid_management]": "met", "evidence[grid_management]": "", "status[information_sharing]": "partial",
                                        "evidence[information_sharing]": "每月通报警情"], as: .urlEncodedForm)
            }) { res in
                XCTAssertEqual(res.status, .unprocessableEntity)
                XCTAssertTrue(res.body.string.contains("已落实或部分落实的请写明依据")); XCTAssertTrue(res.body.string.contains("value=\"每月通报警情\""))
            }
            let audits = try await AuditEvent.query(on: app.db).filter(\.$entity == "integrated_office").count()
            XCTAssertEqual(audits, 2)
        }
    }
}
