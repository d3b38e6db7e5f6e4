import Fluent
import XCTVapor
import XCTest
@testable import PinganServer
import PinganKit

/// Linking a party to the registry by what the mediator sees — name and the ID number's last four — not by an
/// internal number (issue 21 §2 and §4).
final class DisputePartyLinkTests: XCTestCase {
    func testAPartyIsLinkedByNameAndTheLastFourAndMistakesAreSaidOnTheField() async throws {
        try await withApp { app, f in
            let number = residentID(sequence: "457")
            let tail = String(number.suffix(4))
            let person = try await createPerson(app, f, community: f.c1, id: number, extra: ["name": "陈小明"])
            // A namesake elsewhere in the district (outside the officer's area) must not be found.
            _ = try await createPerson(app, f, as: "admin", community: f.c3, id: residentID("19851111", sequence: "457"), extra: ["name": "陈小明"])

            let s = try await signIn(app, "officer")
            func post(_ path: String, _ form: [String: String], _ check: @escaping (XCTHTTPResponse) throws -> Void) async throws {
                try await postForm(app, s, path, form, check)
            }
            let base = ["type": "neighbours", "source": "walk_in", "summary": "楼上漏水", "communityID": "\(f.c1)",
                        "parties[1][name]": "李四", "parties[1][side]": "respondent"]
            let before = try await Dispute.query(on: app.db).count()
            // A wrong tail: refused beside the field, what was typed kept, nothing written.
            try await post("/disputes", base.merging(["parties[0][name]": "陈小明", "parties[0][idTail]": "0000"]) { $1 }) { res in
                XCTAssertEqual(res.status, .unprocessableEntity)
                XCTAssertTrue(res.body.string.contains("身份证号后4位为 0000 的人"), res.body.string)
                XCTAssertTrue(res.body.string.contains(#"value="0000""#), "the typed tail is kept")
                XCTAssertTrue(res.body.string.contains("楼上漏水"))
            }
            try await post("/disputes", base.merging(["parties[0][name]": "陈小明", "parties[0][idTail]": "12a"]) { $1 }) { res in
                XCTAssertEqual(res.status, .unprocessableEntity)
                XCTAssertTrue(res.body.string.contains("请填写身份证号的后4位"))
            }
            let unchanged = try await Dispute.query(on: app.db).count()
            XCTAssertEqual(unchanged, before)
            // The right name and tail link the officer's own 陈小明, not the namesake elsewhere.
            var location = ""
            try await post("/disputes", base.merging(["parties[0][name]": "陈小明", "parties[0][idTail]": tail.lowercased()]) { $1 }) { res in
                XCTAssertEqual(res.status, .seeOther, res.body.string)
                location = res.headers.first(name: .location) ?? ""
            }
            let id = Int(location.split(separator: "/").last ?? "") ?? 0
            let parties = try await DisputeParty.query(on: app.db).filter(\.$disputeID == id).sort(\.$id).all()
            XCTAssertEqual(parties.map(\.personID), [person, nil])
            // The edit page shows the link the same way, never the internal number.
            try await app.call(.GET, "/disputes/\(id)/edit", beforeRequest: { $0.headers.cookie = s.cookies }) { res in
                XCTAssertTrue(res.body.string.contains(#"name="parties[0][idTail]" id="f-parties[0][idTail]" value="\#(tail)""#), res.body.string)
                XCTAssertFalse(res.body.string.contains(#"name="parties[0][personID]""#))
            }
        }
    }

    func testAnIncidentIsLinkedByTheNumberPrintedOnIt() async throws {
        try await withApp { app, f in
            let dispute = try await createDispute(app, f, community: f.c1)
            let inside = try await createIncident(app, f, community: f.c1)
            let outside = try await createIncident(app, f, community: f.c3)
            let cal = LocalCalendar()
            let number = try await Incident.find(inside, on: app.db)!.number(cal)
            let otherNumber = try await Incident.find(outside, on: app.db)!.number(cal)
            let s = try await signIn(app, "officer")
            let wrongDate = "J19990101-" + String(format: "%06d", inside)
            for typed in [wrongDate, otherNumber] {
                try await postForm(app, s, "/disputes/\(dispute)/links", ["incidentID": typed]) { res in
                    XCTAssertEqual(res.status, .unprocessableEntity, typed)
                    XCTAssertTrue(res.body.string.contains("您的辖区内没有这个警情编号"), typed)
                    XCTAssertTrue(res.body.string.contains(#"value="\#(typed)""#), "what was typed is kept")
                }
            }
            try await postForm(app, s, "/disputes/\(dispute)/links", ["incidentID": " " + number.lowercased() + " "]) { res in
                XCTAssertEqual(res.status, .seeOther, res.body.string)
            }
            let links = try await DisputeIncidentLink.query(on: app.db).filter(\.$disputeID == dispute).all().map(\.incidentID)
            XCTAssertEqual(links, [inside])
        }
    }
}
