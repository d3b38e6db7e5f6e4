import Fluent
import XCTVapor
import PinganKit
@testable import PinganServer

@discardableResult
private func get<T: Decodable>(_ app: Application, _ path: String, as headers: HTTPHeaders, _ type: T.Type, status: HTTPStatus = .ok) async throws -> T? {
    var out: T? = nil
    try await app.call(.GET, path, headers: headers) { res in
        XCTAssertEqual(res.status, status, "\(path): \(res.body.string)")
        if res.status == .ok { out = try res.content.decode(T.self) }
    }
    return out
}


private func snapshot(_ app: Application, month: YearMonth, station: Int, officers: (required: Int, inPlace: Int)) async throws {
    let r = StaffingSnapshot()
    r.month = month.description; r.stationID = station; r.takenAt = Date(); r.takenBy = "test"
    r.officersRequired = officers.required; r.officersInPlace = officers.inPlace
    r.officersShortfall = max(0, officers.required - officers.inPlace); r.officersSurplus = max(0, officers.inPlace - officers.required)
    r.officesRequired = 0; r.officesInPlace = 0; r.officesShortfall = 0; r.officesSurplus = 0
    try await r.create(on: app.db)
}

final class StaffingSnapshotTests: XCTestCase {
    func testAPastMonthIsScoredWithItsSnapshotAndTheMonthInProgressWithTodaysStaffing() async throws {
        try await withApp { app, f in
            try await setPopulations(app, f)
            let now = LocalCalendar(timeZoneIdentifier: "Asia/Shanghai").yearMonth(of: Date())
            let officersOnly = IndicatorFramework(indicators: [.init(.officersInPlace, target: 1, zero: 0, weight: 1)])
            try await app.call(.PUT, "/api/v1/assessment/indicators", headers: f.bearer("admin"), beforeRequest: { try $0.content.encode(officersOnly, as: .json) }) { res in
                XCTAssertEqual(res.status, .ok, res.body.string)
            }

            // Recording this month: written once and audited; a second call with the same staffing writes nothing.
            try await app.call(.POST, "/api/v1/staffing/snapshots", headers: f.bearer("analyst")) { res in XCTAssertEqual(res.status, .forbidden) }
            try await app.call(.POST, "/api/v1/staffing/snapshots", headers: f.bearer("admin")) { res in
                XCTAssertEqual(res.status, .ok, res.body.string)
                let r = try res.content.decode(StaffingSnapshotController.Recorded.self)
                XCTAssertEqual(r.month, now.description); XCTAssertTrue(r.written); XCTAssertEqual(r.stations, 2)
            }
            try await app.call(.POST, "/api/v1/staffing/snapshots", headers: f.bearer("command")) { res in
                XCTAssertFalse(try res.content.decode(StaffingSnapshotController.Recorded.self).written)
            }
            var audits = try await AuditEvent.query(on: app.db).filter(\.$action == "staffing.snapshot").all()
            XCTAssertEqual(audits.map(\.username), ["admin"])
            let a = try await StaffingSnapshot.query(on: app.db).filter(\.$month == now.description).filter(\.$stationID == f.stationA).first()!
            XCTAssertEqual([a.officersRequired, a.officersInPlace, a.officersShortfall], [3, 1, 2])

            // Last month was recorded with station A fully staffed and station B empty: last month's publication
            // uses that, this month's uses today's figures.
            let last = now.previous
            try await snapshot(app, month: last, station: f.stationA, officers: (3, 3))
            try await snapshot(app, month: last, station: f.stationB, officers: (1, 0))
            let past = try await get(app, "/api/v1/assessment/publication?month=\(last)", as: f.bearer("admin"), Publication.self)!
            XCTAssertEqual(past.staffingBasis.kind, .snapshot)
            XCTAssertEqual(past.staffingBasis.snapshotMonth, last.description)
            XCTAssertEqual(past.rows.map(\.stationID), ["\(f.stationA)", "\(f.stationB)"])
            XCTAssertEqual(past.rows.map(\.officersInPlace), [3, 0])
            XCTAssertEqual(past.rows.map(\.score), [100, 0])
            let current = try await get(app, "/api/v1/assessment/publication?month=\(now)", as: f.bearer("admin"), Publication.self)!
            XCTAssertEqual(current.staffingBasis, .current)
            XCTAssertEqual(current.rows.map(\.stationID), ["\(f.stationB)", "\(f.stationA)"], "today: B 1/1 ahead of A 1/3")
            XCTAssertEqual(current.rows.map(\.officersInPlace), [1, 1])
            XCTAssertEqual(current.rows.first { $0.stationID == "\(f.stationA)" }?.previousRank, 1, "last month's rank came from last month's snapshot")

            // Two months ago: nothing recorded then or before → today's figures, and the page says so.
            let twoBack = last.previous
            var older = try await get(app, "/api/v1/assessment/publication?month=\(twoBack)", as: f.bearer("admin"), Publication.self)!
            XCTAssertEqual(older.staffingBasis, .current)
            try await app.call(.GET, "/assessment/publication?month=\(twoBack)", headers: f.bearer("admin")) { res in
                XCTAssertEqual(res.status, .ok)
                XCTAssertTrue(res.body.string.contains("该月没有编制快照"), res.body.string)
            }
            try await app.call(.GET, "/assessment/publication?month=\(last)", headers: f.bearer("admin")) { res in
                XCTAssertTrue(res.body.string.contains("按 \(last) 编制快照"))
            }
            // A snapshot three months back carries forward to the month after it, which recorded none.
            try await snapshot(app, month: twoBack.previous, station: f.stationA, officers: (3, 2))
            try await snapshot(app, month: twoBack.previous, station: f.stationB, officers: (1, 1))
            older = try await get(app, "/api/v1/assessment/publication?month=\(twoBack)", as: f.bearer("admin"), Publication.self)!
            XCTAssertEqual(older.staffingBasis.snapshotMonth, twoBack.previous.description)
            XCTAssertEqual(older.rows.first { $0.stationID == "\(f.stationA)" }?.officersInPlace, 2)

            // New staffing changes this month's snapshot only: last month keeps what it was.
            let hash = try app.password.hash(Fixture.password)
            try await User(username: "officer2", displayName: "Officer2", passwordHash: hash, role: .communityOfficer, scopeDivisionID: f.c2, stationID: nil).create(on: app.db)
            try await app.call(.POST, "/api/v1/staffing/snapshots", headers: f.bearer("admin")) { res in
                XCTAssertTrue(try res.content.decode(StaffingSnapshotController.Recorded.self).written)
            }
            let refreshed = try await StaffingSnapshot.query(on: app.db).filter(\.$month == now.description).filter(\.$stationID == f.stationA).first()!
            XCTAssertEqual(refreshed.officersInPlace, 2)
            let kept = try await StaffingSnapshot.query(on: app.db).filter(\.$month == last.description).filter(\.$stationID == f.stationA).first()!
            XCTAssertEqual(kept.officersInPlace, 3)
            let count1 = try await StaffingSnapshot.query(on: app.db).filter(\.$month == now.description).count()
            XCTAssertEqual(count1, 2, "replaced, not added")
            audits = try await AuditEvent.query(on: app.db).filter(\.$action == "staffing.snapshot").all()
            XCTAssertEqual(audits.count, 2)

            // The year summary names the whole months that had no snapshot at or before them.
            let year = last.year
            let summary = try await get(app, "/api/v1/assessment/year?year=\(year)&through=\(last)", as: f.bearer("admin"), YearSummaryReport.self)!
            let expected = (1...last.month).map { YearMonth(year: year, month: $0) }.filter { $0 < twoBack.previous }.map(\.description)
            XCTAssertEqual(summary.monthsOnCurrentStaffing, expected)
        }
    }

    func testSnapshotListIsScopedFilteredValidatedAndExported() async throws {
        try await withApp { app, f in
            let now = LocalCalendar(timeZoneIdentifier: "Asia/Shanghai").yearMonth(of: Date())
            for m in [now.previous, now.previous.previous] {
                try await snapshot(app, month: m, station: f.stationA, officers: (3, 1))
                try await snapshot(app, month: m, station: f.stationB, officers: (1, 1))
            }
            let all = try await get(app, "/api/v1/staffing/snapshots", as: f.bearer("admin"), StaffingSnapshotList.self)!
            XCTAssertEqual(all.rows.map(\.month), [now.previous, now.previous, now.previous.previous, now.previous.previous].map(\.description), "newest month first")
            XCTAssertEqual(all.rows.map(\.station), ["市桥派出所", "沙头派出所", "市桥派出所", "沙头派出所"])
            XCTAssertEqual(all.to, now.description)
            XCTAssertEqual(all.from, now.adding(months: -11).description)
            let chief = try await get(app, "/api/v1/staffing/snapshots", as: f.bearer("chief"), StaffingSnapshotList.self)!
            XCTAssertEqual(Set(chief.rows.map(\.stationID)), [f.stationA], "a chief sees their own station")
            let officer = try await get(app, "/api/v1/staffing/snapshots", as: f.bearer("officer"), StaffingSnapshotList.self)!
            XCTAssertTrue(officer.rows.isEmpty, "one community is not a whole station")
            let one = try await get(app, "/api/v1/staffing/snapshots?station=\(f.stationB)&from=\(now.previous)&to=\(now.previous)", as: f.bearer("admin"), StaffingSnapshotList.self)!
            XCTAssertEqual(one.rows.count, 1)
            XCTAssertEqual(one.rows.first?.officers, StaffingFigure(required: 1, inPlace: 1, shortfall: 0, surplus: 0))

            for (query, field) in [("from=2026-13", "from"), ("to=abc", "to"), ("from=\(now)&to=\(now.previous)", "from"),
                                   ("from=\(now.adding(months: -36))&to=\(now)", "to"), ("station=x", "station")] {
                try await app.call(.GET, "/api/v1/staffing/snapshots?\(query)", headers: f.bearer("admin")) { res in
                    XCTAssertEqual(res.status, .unprocessableEntity, query)
                    XCTAssertNotNil(try res.content.decode(ErrorBody.self).fields?[field], "\(query): \(res.body.string)")
                }
            }
            _ = try await get(app, "/api/v1/staffing/snapshots?from=\(now.adding(months: -35))&to=\(now)", as: f.bearer("admin"), StaffingSnapshotList.self)
            _ = try await get(app, "/api/v1/staffing/snapshots", as: f.bearer("grid"), ErrorBody.self, status: .forbidden)

            try await app.call(.GET, "/forces/staffing/snapshots/export.csv", headers: f.bearer("chief")) { res in
                XCTAssertEqual(res.status, .ok)
                XCTAssertTrue(res.body.string.hasPrefix("\u{FEFF}月份,派出所,应配民警,在岗民警") || res.body.string.hasPrefix("月份,派出所,应配民警,在岗民警"), res.body.string)
                XCTAssertTrue(res.body.string.contains("市桥派出所"))
                XCTAssertFalse(res.body.string.contains("沙头派出所"), "station B is not in the chief's export")
            }
            let count2 = try await AuditEvent.query(on: app.db).filter(\.$action == "staffing.snapshots.export").count()
            XCTAssertEqual(count2, 1)
            try await app.call(.GET, "/forces/staffing/snapshots?from=bad", headers: f.bearer("admin")) { res in
                XCTAssertEqual(res.status, .unprocessableEntity)
                XCTAssertTrue(res.body.string.contains("月份格式应为"))
                XCTAssertTrue(res.body.string.contains("市桥派出所"), "the default months are still shown")
            }
            try await app.call(.GET, "/forces/staffing/snapshots", headers: f.bearer("officer")) { res in
                XCTAssertEqual(res.status, .ok)
                XCTAssertTrue(res.body.string.contains("没有您可查看的编制快照"))
                XCTAssertFalse(res.body.string.contains(#"<form method="post" action="/forces/staffing/snapshots""#), "an officer cannot record")
            }

            // The form: signed in with a session, CSRF checked, then back to the list with a notice.
            let s = try await signIn(app, "admin")
            try await app.call(.POST, "/forces/staffing/snapshots", beforeRequest: { req in
                req.headers.cookie = s.cookies
                try req.content.encode(["_csrf": "wrong"], as: .urlEncodedForm)
            }) { res in XCTAssertEqual(res.status, .forbidden) }
            let count3 = try await StaffingSnapshot.query(on: app.db).filter(\.$month == now.description).count()
            XCTAssertEqual(count3, 0)
            try await app.call(.POST, "/forces/staffing/snapshots", beforeRequest: { req in
                req.headers.cookie = s.cookies
                try req.content.encode(["_csrf": s.csrf], as: .urlEncodedForm)
            }) { res in
                XCTAssertEqual(res.status, .seeOther)
                XCTAssertEqual(res.headers.first(name: .location), "/forces/staffing/snapshots?recorded=written")
            }
            let count4 = try await StaffingSnapshot.query(on: app.db).filter(\.$month == now.description).count()
            XCTAssertEqual(count4, 2)
            try await app.call(.GET, "/forces/staffing/snapshots?recorded=written", headers: f.bearer("admin")) { res in
                XCTAssertTrue(res.body.string.contains("已按当前配备记录本月快照"))
                XCTAssertTrue(res.body.string.contains(#"<form method="post" action="/forces/staffing/snapshots""#), res.body.string)
            }
        }
    }

    func testMonthsWithoutSnapshotsAreNamedAsRuns() {
        XCTAssertEqual(YearSummaryViews.monthRuns(["2024-11", "2024-12", "2025-01", "2025-03", "2025-05", "2025-06"], through: " 至 ", separator: "、"),
                       "2024-11 至 2025-01、2025-03、2025-05 至 2025-06")
        XCTAssertEqual(YearSummaryViews.monthRuns([], through: " to ", separator: ", "), "")
    }

    func testTheServerTimerRecordsTheCurrentMonthAndStopsOnShutdown() async throws {
        try await withApp { app, f in
            _ = f
            let timer = StaffingSnapshotTimer(interval: .milliseconds(50))
            try timer.didBoot(app)
            var n = 0
            for _ in 0..<100 where n == 0 {
                try await Task.sleep(for: .milliseconds(50))
                n = try await StaffingSnapshot.query(on: app.db).count()
            }
            XCTAssertEqual(n, 2, "both stations recorded for this month")
            try await Task.sleep(for: .milliseconds(200))
            let audits = try await AuditEvent.query(on: app.db).filter(\.$action == "staffing.snapshot").all()
            XCTAssertEqual(audits.map(\.username), ["server"], "later rounds find nothing changed and write nothing")
            await timer.shutdownAsync(app)
        }
    }
}
