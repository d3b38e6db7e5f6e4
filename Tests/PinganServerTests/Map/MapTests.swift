import Fluent
import Vapor
import XCTVapor
import PinganKit
@testable import PinganServer

/// Square outlines for the fixture's tree, so point-in-polygon answers are known by eye:
///   district 113.0–113.4 × 22.0–22.4; street A west half, B east half;
///   C1 = A's south half (G1a west, G1b east), C2 = A's north half (= G2), C3 = B's south half (= G3).
func setSquareOutlines(_ app: Application, _ f: Fixture) async throws {
    func square(_ lon0: Double, _ lat0: Double, _ lon1: Double, _ lat1: Double) -> GeoMultiPolygon {
        GeoMultiPolygon(GeoPolygon(outer: [GeoPoint(lon: lon0, lat: lat0), GeoPoint(lon: lon1, lat: lat0), GeoPoint(lon: lon1, lat: lat1),
                                           GeoPoint(lon: lon0, lat: lat1), GeoPoint(lon: lon0, lat: lat0)]))
    }
    let shapes: [(Int, GeoMultiPolygon)] = [
        (f.district, square(113.0, 22.0, 113.4, 22.4)), (f.streetA, square(113.0, 22.0, 113.2, 22.4)), (f.streetB, square(113.2, 22.0, 113.4, 22.4)),
        (f.c1, square(113.0, 22.0, 113.2, 22.2)), (f.c2, square(113.0, 22.2, 113.2, 22.4)), (f.c3, square(113.2, 22.0, 113.4, 22.2)),
        (f.g1a, square(113.0, 22.0, 113.1, 22.2)), (f.g1b, square(113.1, 22.0, 113.2, 22.2)), (f.g2, square(113.0, 22.2, 113.2, 22.4)),
        (f.g3, square(113.2, 22.0, 113.4, 22.2)),
    ]
    for (id, shape) in shapes {
        let d = try await Division.find(id, on: app.db)!
        d.setBoundary(shape, source: id == f.district ? .official : .synthetic)
        try await d.save(on: app.db)
    }
    app.boundaries.invalidate()
}

/// An incident at a point, through the API.
@discardableResult
func createIncidentAt(_ app: Application, _ f: Fixture, community: Int, grid: Int?, lon: Double, lat: Double, subcategory: String = "burglary", hoursAgo: Double = 5) async throws -> Int {
    var id = 0
    var body = incidentBody(community: community, grid: grid, subcategory: subcategory, hoursAgo: hoursAgo)
    body["latitude"] = "\(lat)"; body["longitude"] = "\(lon)"
    try await app.call(.POST, "/api/v1/incidents", headers: f.bearer("admin"), beforeRequest: { try $0.content.encode(body) }) { res in
        XCTAssertEqual(res.status, .created, res.body.string); id = try res.content.decode(IncidentDTO.self).id
    }
    return id
}

final class MapTests: XCTestCase {
    func layer(_ app: Application, _ f: Fixture, _ user: String, _ path: String) async throws -> MapFeatureCollection {
        var out: MapFeatureCollection?
        try await app.call(.GET, path, headers: f.bearer(user)) { res in
            XCTAssertEqual(res.status, .ok, res.body.string)
            out = try res.content.decode(MapFeatureCollection.self)
        }
        return try XCTUnwrap(out)
    }

    func testOutlinesAreScopedAndCutToTheView() async throws {
        try await withApp { app, f in
            try await setSquareOutlines(app, f)
            let all = try await layer(app, f, "admin", "/api/v1/map/layers/divisions?level=community")
            XCTAssertEqual(Set(all.features.compactMap(\.properties.id)), [f.c1, f.c2, f.c3])
            XCTAssertTrue(all.features.allSatisfy { $0.properties.synthetic == true }, "synthetic outlines say so")
            let chief = try await layer(app, f, "chief", "/api/v1/map/layers/divisions?level=community")
            XCTAssertEqual(Set(chief.features.compactMap(\.properties.id)), [f.c1, f.c2], "a station chief sees the station's communities")
            let officer = try await layer(app, f, "officer3", "/api/v1/map/layers/divisions?level=grid")
            XCTAssertEqual(officer.features.compactMap(\.properties.id), [f.g3])
            let grid = try await layer(app, f, "grid", "/api/v1/map/layers/divisions?level=grid")
            XCTAssertEqual(grid.features.compactMap(\.properties.id), [f.g1a], "a grid worker sees their own grid")
            // Only what is in view: a box over C3 alone.
            let east = try await layer(app, f, "admin", "/api/v1/map/layers/divisions?level=community&bbox=113.25,22.05,113.35,22.15")
            XCTAssertEqual(east.features.compactMap(\.properties.id), [f.c3])
            try await app.call(.GET, "/api/v1/map/layers/divisions?bbox=1,2,3", headers: f.bearer("admin")) { res in
                XCTAssertEqual(res.status, .unprocessableEntity); XCTAssertTrue(res.body.string.contains("bbox"))
            }
            try await app.call(.GET, "/api/v1/map/layers/divisions?level=building", headers: f.bearer("admin")) { XCTAssertEqual($0.status, .unprocessableEntity) }
            // Layers follow permissions: a grid worker has no portal or analysis layer.
            try await app.call(.GET, "/api/v1/map/layers/requests", headers: f.bearer("grid")) { XCTAssertEqual($0.status, .forbidden) }
            try await app.call(.GET, "/api/v1/map/layers/hotspots", headers: f.bearer("grid")) { XCTAssertEqual($0.status, .forbidden) }
        }
    }

    func testIncidentClustersAddUpToTheListAndStayInScope() async throws {
        try await withApp { app, f in
            try await setSquareOutlines(app, f)
            // 12 burglaries in G1a in two tight groups, 3 in G1b, 4 in C3 (out of the officer's scope), 1 without coordinates.
            for k in 0..<8 { try await createIncidentAt(app, f, community: f.c1, grid: f.g1a, lon: 113.05 + Double(k) * 0.0001, lat: 22.05) }
            for k in 0..<4 { try await createIncidentAt(app, f, community: f.c1, grid: f.g1a, lon: 113.08, lat: 22.15 + Double(k) * 0.0001) }
            for k in 0..<3 { try await createIncidentAt(app, f, community: f.c1, grid: f.g1b, lon: 113.15 + Double(k) * 0.02, lat: 22.1, subcategory: "nonmotor_theft") }
            for k in 0..<4 { try await createIncidentAt(app, f, community: f.c3, grid: f.g3, lon: 113.3, lat: 22.1 + Double(k) * 0.01) }
            try await createIncident(app, f, community: f.c1, grid: f.g1a)
            let period = "from=2000-01-01&to=2100-01-01"
            func listTotal(_ user: String, _ extra: String = "") async throws -> Int {
                var n = 0
                try await app.call(.GET, "/api/v1/incidents?\(period)\(extra)", headers: f.bearer(user)) { res in
                    n = try res.content.decode(IncidentPage.self).page.total
                }
                return n
            }
            for (user, zoom) in [("admin", 9), ("admin", 13), ("officer", 11), ("officer", 16)] {
                let c = try await layer(app, f, user, "/api/v1/map/layers/incidents?\(period)&zoom=\(zoom)&bbox=112.9,21.9,113.5,22.5")
                let sum = c.features.reduce(0) { $0 + ($1.properties.count ?? 1) }
                let located = try await listTotal(user) - 1  // the list also counts the one without coordinates
                XCTAssertEqual(sum, located, "\(user) at zoom \(zoom): clusters add up to the list")
                XCTAssertEqual(c.total, located)
                if zoom >= 16 { XCTAssertTrue(c.features.allSatisfy { $0.properties.cluster == nil && $0.properties.url != nil }, "records one by one") }
                if user == "officer" {
                    for feature in c.features { if case .point(let p) = feature.geometry { XCTAssertLessThan(p.lon, 113.2, "nothing from C3") } }
                }
            }
            // At district zoom a cluster is a community, at its label point, named: C1's 15 located incidents and C3's 4.
            let far = try await layer(app, f, "admin", "/api/v1/map/layers/incidents?\(period)&zoom=9")
            let c1Name = try await Division.find(f.c1, on: app.db)!.name, c3Name = try await Division.find(f.c3, on: app.db)!.name
            XCTAssertEqual(far.features.map { "\($0.properties.label ?? "")=\($0.properties.count ?? 0)" }.sorted(), ["\(c1Name)=15", "\(c3Name)=4"].sorted())
            if case .point(let p) = far.features.first(where: { $0.properties.label == c1Name })?.geometry {
                XCTAssertTrue((113.0...113.2).contains(p.lon) && (22.0...22.2).contains(p.lat), "inside C1")
            } else { XCTFail("C1's cluster is a point") }
            // A community without an outline yet is not lost: its points still count, on the lattice.
            let c3 = try await Division.find(f.c3, on: app.db)!
            c3.boundaryGeoJSON = nil; try await c3.save(on: app.db)
            app.boundaries.invalidate()
            for zoom in [9, 13] {
                let c = try await layer(app, f, "admin", "/api/v1/map/layers/incidents?\(period)&zoom=\(zoom)&bbox=112.9,21.9,113.5,22.5")
                XCTAssertEqual(c.total, 19, "zoom \(zoom): C3's 4 still count without its outline")
            }
            // Filters are the ledger's: bicycle thefts only.
            let bikes = try await layer(app, f, "admin", "/api/v1/map/layers/incidents?\(period)&subcategory=nonmotor_theft&zoom=16")
            let bikeList = try await listTotal("admin", "&subcategory=nonmotor_theft")
            XCTAssertEqual(bikes.total, bikeList)
            XCTAssertEqual(bikes.total, 3)
            try await app.call(.GET, "/api/v1/map/layers/incidents?category=nonsense", headers: f.bearer("admin")) { XCTAssertEqual($0.status, .unprocessableEntity) }
        }
    }

    func testAPointSuggestsCommunityAndGridWithinScope() async throws {
        try await withApp { app, f in
            try await setSquareOutlines(app, f)
            try await app.call(.GET, "/api/v1/map/locate?lon=113.15&lat=22.1", headers: f.bearer("officer")) { res in
                let l = try res.content.decode(PointLocation.self)
                XCTAssertEqual(l.community?.id, f.c1); XCTAssertEqual(l.grid?.id, f.g1b); XCTAssertFalse(l.outside)
            }
            // Outside the officer's community: said, not revealed.
            try await app.call(.GET, "/api/v1/map/locate?lon=113.3&lat=22.1", headers: f.bearer("officer")) { res in
                let l = try res.content.decode(PointLocation.self)
                XCTAssertNil(l.community); XCTAssertTrue(l.outside)
            }
            // A point read off a GCJ-02 map is converted first: the same place, a few hundred metres apart in degrees.
            let gcj = GeoDatum.wgs84ToGCJ02(GeoPoint(lon: 113.199, lat: 22.1))
            XCTAssertGreaterThan(gcj.lon, 113.2, "the shift would cross into C3 if it were not undone")
            try await app.call(.GET, "/api/v1/map/locate?lon=\(gcj.lon)&lat=\(gcj.lat)&datum=gcj02", headers: f.bearer("admin")) { res in
                XCTAssertEqual(try res.content.decode(PointLocation.self).grid?.id, f.g1b)
            }
            try await app.call(.GET, "/api/v1/map/locate?lon=abc&lat=95", headers: f.bearer("admin")) { res in
                XCTAssertEqual(res.status, .unprocessableEntity)
                let fields = try res.content.decode(ErrorBody.self).fields ?? [:]
                XCTAssertNotNil(fields["lon"]); XCTAssertNotNil(fields["lat"])
            }
            // The public picker: community only, no sign-in.
            try await app.call(.GET, "/api/public/map/locate?lon=113.3&lat=22.1") { res in
                let l = try res.content.decode(PointLocation.self)
                XCTAssertEqual(l.community?.id, f.c3); XCTAssertNil(l.grid)
            }
            try await app.call(.GET, "/api/v1/map/places?q=沙头", headers: f.bearer("admin")) { res in
                XCTAssertTrue(res.body.string.contains("沙头社区"), res.body.string)
            }
            try await app.call(.GET, "/api/v1/map/places?q=沙头", headers: f.bearer("officer")) { res in
                XCTAssertFalse(res.body.string.contains("沙头社区"), "search stays in scope")
            }
        }
    }

    func testUploadedOutlinesAreValidatedAgainstTheirParent() async throws {
        try await withApp { app, f in
            try await setSquareOutlines(app, f)
            let admin = try await signIn(app, "admin")
            func post(_ geojson: String) async throws -> (HTTPStatus, String) {
                var out: (HTTPStatus, String) = (.ok, "")
                try await app.call(.POST, "/jurisdiction/\(f.g1a)", beforeRequest: { req in
                    req.headers.cookie = admin.cookies
                    try req.content.encode(["_csrf": admin.csrf, "name": "第1网格", "boundaryGeoJSON": geojson], as: .urlEncodedForm)
                }) { out = ($0.status, $0.body.string) }
                return out
            }
            let open = #"{"type":"Polygon","coordinates":[[[113.0,22.0],[113.05,22.0],[113.05,22.1],[113.0,22.1]]]}"#
            var (s, body) = try await post(open)
            XCTAssertEqual(s, .unprocessableEntity); XCTAssertTrue(body.contains("未闭合"), "ring not closed is named")
            XCTAssertTrue(body.contains("113.05"), "what was typed is kept")
            let outside = #"{"type":"Polygon","coordinates":[[[113.3,22.0],[113.35,22.0],[113.35,22.1],[113.3,22.1],[113.3,22.0]]]}"#
            (s, body) = try await post(outside)
            XCTAssertEqual(s, .unprocessableEntity); XCTAssertTrue(body.contains("上级") || body.contains("parent"), body.prefix(3000).description)
            let flat = #"{"type":"Polygon","coordinates":[[[113.0,22.0],[113.05,22.0],[113.1,22.0],[113.0,22.0]]]}"#
            (s, _) = try await post(flat)
            XCTAssertEqual(s, .unprocessableEntity)
            let good = #"{"type":"Polygon","coordinates":[[[113.0,22.0],[113.08,22.0],[113.08,22.2],[113.0,22.2],[113.0,22.0]]]}"#
            (s, _) = try await post(good)
            XCTAssertEqual(s, .seeOther)
            let d = try await Division.find(f.g1a, on: app.db)!
            XCTAssertEqual(d.boundarySource, .uploaded); XCTAssertEqual(d.maxLon ?? 0, 113.08, accuracy: 1e-9)
            XCTAssertTrue(d.boundary!.contains(GeoPoint(lon: d.centroidLon!, lat: d.centroidLat!)), "the centroid moves inside the new outline")
            // The map sees the new outline at once, no longer marked synthetic.
            let grids = try await layer(app, f, "admin", "/api/v1/map/layers/divisions?level=grid&bbox=113.0,22.0,113.09,22.2")
            let g = try XCTUnwrap(grids.features.first { $0.properties.id == f.g1a })
            XCTAssertNil(g.properties.synthetic)
            let audited = try await AuditEvent.query(on: app.db).filter(\.$action == "division.update").count()
            XCTAssertEqual(audited, 1, "the change is audited, refusals write nothing")
        }
    }

    func testTheMapPageDrawsTheAreaWithoutJavaScript() async throws {
        try await withApp { app, f in
            let officer = try await signIn(app, "officer")
            try await app.call(.GET, "/map", beforeRequest: { $0.headers.cookie = officer.cookies }) { res in
                XCTAssertEqual(res.status, .ok)
                XCTAssertTrue(res.body.string.contains("还没有边界数据"), "no outlines yet: a clear empty state")
            }
            try await setSquareOutlines(app, f)
            try await createIncidentAt(app, f, community: f.c1, grid: f.g1a, lon: 113.05, lat: 22.05, hoursAgo: 1)
            try await app.call(.GET, "/map", beforeRequest: { $0.headers.cookie = officer.cookies }) { res in
                let html = res.body.string
                XCTAssertEqual(res.status, .ok)
                XCTAssertTrue(html.contains("data-map-config"), "the interactive map's configuration")
                XCTAssertTrue(html.contains("<svg") && html.contains("class=\"svg-poly svg-syn\""), "the server-drawn picture, synthetic outlines dashed")
                XCTAssertTrue(html.contains("德兴社区") && !html.contains("沙头社区"), "only the officer's area")
                XCTAssertTrue(html.contains("示意边界"), "synthetic outlines are said to be synthetic")
                XCTAssertFalse(html.contains("/api/v1/map/layers/requests"), "no layer the role may not read")
            }
            try await app.call(.GET, "/map?month=2026-13", beforeRequest: { $0.headers.cookie = officer.cookies }) { res in
                XCTAssertEqual(res.status, .unprocessableEntity); XCTAssertTrue(res.body.string.contains("2026-03"))
            }
            // The incident page shows where it happened.
            let id = try await createIncidentAt(app, f, community: f.c1, grid: f.g1b, lon: 113.15, lat: 22.1)
            try await app.call(.GET, "/incidents/\(id)", beforeRequest: { $0.headers.cookie = officer.cookies }) { res in
                XCTAssertTrue(res.body.string.contains("small-map") && res.body.string.contains("svg-focus"))
            }
        }
    }
}
