import Fluent
import XCTVapor
import PinganKit
@testable import PinganServer

/// Inserts a police office under a station (route walk and station tests).
func makeOffice(_ app: Application, station: Int, name: String = "德兴警务室") async throws -> Int {
    let o = PoliceOffice(name: name, kind: .community, stationID: station, address: "德兴路1号", hours: "9:00–17:30", phone: "020-1")
    try await o.create(on: app.db)
    return o.id!
}

final class StationTests: XCTestCase {
    func testStationsAndOfficesAreCreatedEditedScopedAndAudited() async throws {
        try await withApp { app, f in
            // Create through the API: validation first, nothing written on a refusal.
            try await app.call(.POST, "/api/v1/stations", headers: f.bearer("admin"), beforeRequest: {
                try $0.content.encode(["name": " ", "divisionID": "\(f.c1)", "phone": "abc"])
            }) { res in
                XCTAssertEqual(res.status, .unprocessableEntity)
                let body = res.body.string
                XCTAssertTrue(body.contains("name") && body.contains("divisionID") && body.contains("phone"), body)
            }
            try await app.call(.POST, "/api/v1/stations", headers: f.bearer("admin"), beforeRequest: {
                try $0.content.encode(["name": "市桥派出所", "divisionID": "\(f.streetA)"])
            }) { res in XCTAssertEqual(res.status, .unprocessableEntity, "a second station of the same name is refused") }
            var created = 0
            try await app.call(.POST, "/api/v1/stations", headers: f.bearer("admin"), beforeRequest: {
                try $0.content.encode(["name": "大石派出所", "divisionID": "\(f.streetA)", "address": "大石路8号", "phone": "020-3482 0110"])
            }) { res in
                XCTAssertEqual(res.status, .created, res.body.string)
                created = try res.content.decode(StationController.StationDTO.self).id
            }
            try await app.call(.POST, "/api/v1/stations", headers: f.bearer("command"), beforeRequest: {
                try $0.content.encode(["name": "x", "divisionID": "\(f.streetA)"])
            }) { XCTAssertEqual($0.status, .forbidden, "only administrators change the station list") }

            // An office under it; the kind and the station are checked.
            try await app.call(.POST, "/api/v1/stations/\(created)/offices", headers: f.bearer("admin"), beforeRequest: {
                try $0.content.encode(["name": "大石警务室", "kind": "castle"])
            }) { XCTAssertEqual($0.status, .unprocessableEntity) }
            var office = 0
            try await app.call(.POST, "/api/v1/stations/\(created)/offices", headers: f.bearer("admin"), beforeRequest: {
                try $0.content.encode(["name": "大石警务室", "kind": "rural_area", "hours": "周一至周五 9:00–17:30"])
            }) { res in
                XCTAssertEqual(res.status, .created, res.body.string)
                office = try res.content.decode(StationController.OfficeDTO.self).id
            }
            try await app.call(.PATCH, "/api/v1/offices/\(office)", headers: f.bearer("admin"), beforeRequest: {
                try $0.content.encode(["stationID": "\(f.stationA)", "phone": "020-1234"])
            }) { res in
                XCTAssertEqual(res.status, .ok, res.body.string)
                let o = try res.content.decode(StationController.OfficeDTO.self)
                XCTAssertEqual(o.stationID, f.stationA); XCTAssertEqual(o.phone, "020-1234"); XCTAssertEqual(o.name, "大石警务室", "fields not sent are kept")
            }

            // Scope: the community officer of 德兴 (station A) sees station A with its offices, not station B.
            try await app.call(.GET, "/api/v1/stations", headers: f.bearer("officer")) { res in
                let list = try res.content.decode([StationController.StationDTO].self)
                XCTAssertEqual(list.map(\.id), [f.stationA])
                XCTAssertEqual(list.first?.offices?.map(\.name), ["大石警务室"])
                XCTAssertEqual(list.first?.communityIDs.sorted(), [f.c1, f.c2].sorted())
            }
            try await app.call(.GET, "/api/v1/stations/\(f.stationB)", headers: f.bearer("officer")) { XCTAssertEqual($0.status, .notFound) }
            try await app.call(.GET, "/api/v1/stations", headers: f.bearer("analyst")) { res in
                XCTAssertEqual(try res.content.decode([StationController.StationDTO].self).count, 3, "the whole district sees every station")
            }

            // The web pages: list, detail, an office form with an error kept inline.
            let s = try await signIn(app, "admin")
            try await app.call(.GET, "/stations", beforeRequest: { $0.headers.cookie = s.cookies }) { res in
                XCTAssertEqual(res.status, .ok); XCTAssertTrue(res.body.string.contains("大石派出所"))
            }
            try await app.call(.POST, "/stations/\(created)/offices", beforeRequest: { req in
                req.headers.cookie = s.cookies
                try req.content.encode(["_csrf": s.csrf, "name": "", "address": "<b>x</b>"], as: .urlEncodedForm)
            }) { res in
                XCTAssertEqual(res.status, .unprocessableEntity)
                XCTAssertTrue(res.body.string.contains("&lt;b&gt;x&lt;/b&gt;"), "what was typed comes back, escaped")
            }
            let audits = try await AuditEvent.query(on: app.db).filter(\.$action ~~ ["station.create", "office.create", "office.update"]).count()
            XCTAssertEqual(audits, 3)
        }
    }
}
