import Fluent
import SQLKit
import XCTVapor
import PinganKit
@testable import PinganServer

final class IncidentWebTests: XCTestCase {
    func testEmptyFormShowsInlineErrorsAndKeepsInput() async throws {
        try await withApp { app, f in
            let s = try await signIn(app, "officer")
            try await app.call(.POST, "/incidents", beforeRequest: { req in
                req.headers.cookie = s.cookies
                try req.content.encode(["_csrf": s.csrf, "address": "德兴路<b>88</b>号", "communityID": "\(f.c1)"], as: .urlEncodedForm)
            }) { res in
                XCTAssertEqual(res.status, .unprocessableEntity)
                let html = res.body.string
                XCTAssertTrue(html.contains("field-error"), "inline messages")
                XCTAssertTrue(html.contains("请填写简要案情"), "description message in Chinese")
                XCTAssertTrue(html.contains("value=\"德兴路&lt;b&gt;88&lt;/b&gt;号\""), "typed address kept, escaped")
            }
            let n = try await Incident.query(on: app.db).count()
            XCTAssertEqual(n, 0)
        }
    }

    func testDashboardComparesTheMonthSoFarWithTheSameDaysOfLastMonth() async throws {
        try await withApp { app, f in
            let cal = LocalCalendar(timeZoneIdentifier: "Asia/Shanghai")
            let now = Date()
            let cur = cal.monthRange(cal.yearMonth(of: now)), last = cal.monthRange(cal.yearMonth(of: now).previous)
            let elapsed = now.timeIntervalSince(cur.lowerBound)
            // One this month and one in the same stretch of last month; one later last month, outside that stretch.
            var times = [cur.lowerBound.addingTimeInterval(elapsed / 2), last.lowerBound.addingTimeInterval(elapsed / 2)]
            let outside = last.lowerBound.addingTimeInterval(elapsed + 3600)
            if outside < last.upperBound { times.append(outside) }
            for t in times {
                let id = try await createIncident(app, f, community: f.c1)
                let i = try await Incident.find(id, on: app.db)!
                i.occurredAt = t; i.reportedAt = t
                try await i.save(on: app.db)
            }
            let s = try await signIn(app, "admin")
            try await app.call(.GET, "/?lang=en", beforeRequest: { $0.headers.cookie = s.cookies }) { res in
                XCTAssertEqual(res.status, .ok)
                XCTAssertTrue(res.body.string.contains("vs same days last month 0.0%"), "1 this month vs 1 in the same days of last month")
            }
        }
    }

    func testUserTextIsEscapedOnPages() async throws {
        try await withApp { app, f in
            let id = try await createIncident(app, f, community: f.c1, description: "<script>alert('x')</script>")
            let s = try await signIn(app, "officer")
            for path in ["/incidents/\(id)", "/incidents", "/incidents/\(id)/edit"] {
                try await app.call(.GET, path, beforeRequest: { $0.headers.cookie = s.cookies }) { res in
                    XCTAssertEqual(res.status, .ok)
                    XCTAssertFalse(res.body.string.contains("<script>alert"), path)
                }
            }
            try await app.call(.GET, "/incidents/\(id)", beforeRequest: { $0.headers.cookie = s.cookies }) { res in
                XCTAssertTrue(res.body.string.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;"))
                XCTAssertNotNil(res.headers.first(name: "Content-Security-Policy"))
            }
        }
    }

    func testListPageFiltersEmptyStateAndEnglish() async throws {
        try await withApp { app, f in
            let s = try await signIn(app, "admin")
            try await app.call(.GET, "/incidents", beforeRequest: { $0.headers.cookie = s.cookies }) { res in
                XCTAssertTrue(res.body.string.contains("没有符合条件的警情"), "empty state")
            }
            try await createIncident(app, f, community: f.c1)
            try await app.call(.GET, "/incidents?lang=en&community=\(f.c1)", beforeRequest: { $0.headers.cookie = s.cookies }) { res in
                let html = res.body.string
                XCTAssertTrue(html.contains("Incident ledger"))
                XCTAssertTrue(html.contains("Burglary"))
                XCTAssertTrue(html.contains("lang=\"en\""))
            }
            try await app.call(.GET, "/incidents?lang=zh&community=\(f.c2)", beforeRequest: { $0.headers.cookie = s.cookies }) { res in
                XCTAssertTrue(res.body.string.contains("没有符合条件的警情"))
            }
            // A bad filter is reported inline, the good ones still apply.
            try await app.call(.GET, "/incidents?from=2026-13-45&community=\(f.c1)", beforeRequest: { $0.headers.cookie = s.cookies }) { res in
                XCTAssertEqual(res.status, .unprocessableEntity)
                let html = res.body.string
                XCTAssertTrue(html.contains("起始日期格式应为"), "inline filter message")
                XCTAssertTrue(html.contains("德兴路12号"), "the valid community filter still lists its incident")
            }
        }
    }

    func testStatusFormRejectsInvalidTransitionInline() async throws {
        try await withApp { app, f in
            let id = try await createIncident(app, f, community: f.c1)
            let s = try await signIn(app, "officer")
            try await app.call(.POST, "/incidents/\(id)/status", beforeRequest: { req in
                req.headers.cookie = s.cookies
                try req.content.encode(["_csrf": s.csrf, "to": "closed"], as: .urlEncodedForm)
            }) { res in
                XCTAssertEqual(res.status, .unprocessableEntity)
                XCTAssertTrue(res.body.string.contains("不能从“已接警”变更为“已结案”"), res.body.string)
            }
            try await app.call(.POST, "/incidents/\(id)/status", beforeRequest: { req in
                req.headers.cookie = s.cookies
                try req.content.encode(["_csrf": s.csrf, "to": "dispatched", "note": "派巡逻车"], as: .urlEncodedForm)
            }) { XCTAssertEqual($0.status, .seeOther) }
            let v1 = try await Incident.find(id, on: app.db)?.status
            XCTAssertEqual(v1, .dispatched)
        }
    }

    func testLanguageChoiceIsRememberedForTheUser() async throws {
        try await withApp { app, f in
            let s = try await signIn(app, "officer")
            try await app.call(.GET, "/?lang=en", beforeRequest: { $0.headers.cookie = s.cookies }) { XCTAssertTrue($0.body.string.contains("My desk")) }
            var cookies = s.cookies
            cookies["pingan_lang"] = nil
            try await app.call(.GET, "/incidents", beforeRequest: { $0.headers.cookie = cookies }) { res in
                XCTAssertTrue(res.body.string.contains("Incident ledger"), "English stays on without the parameter")
            }
            let u = try await User.find(f.users["officer"], on: app.db)
            XCTAssertEqual(u?.lang, "en")
        }
    }
}
