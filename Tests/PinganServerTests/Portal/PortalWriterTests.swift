import Fluent
import XCTVapor
import PinganKit
@testable import PinganServer

/// Public submissions written by group commit: every caller answered once its row and audit row are
/// committed, nothing lost or doubled under concurrency, and the cached lookups stay correct.
final class PortalWriterTests: XCTestCase {
    func testConcurrentSubmissionsAreAllStoredOnceWithTheirAuditRows() async throws {
        try await withApp { app, f in
            var s = PortalSettings(); s.ipLimit = 0; s.phoneLimit = 0; s.minFillSeconds = 0
            app.portalGuard = PortalGuard(settings: s)
            let n = 40
            let tokens = try await withThrowingTaskGroup(of: String.self) { group in
                for i in 0..<n {
                    group.addTask {
                        var token = ""
                        let body = ["type": "help", "communityID": "\(i % 2 == 0 ? f.c1 : f.c3)", "description": "第\(i)号：路灯坏了"]
                        try await app.call(.POST, "/api/public/requests", beforeRequest: { try $0.content.encode(body) }) { res in
                            XCTAssertEqual(res.status, .created, res.body.string)
                            token = try res.content.decode(PublicController.Receipt.self).token
                        }
                        return token
                    }
                }
                var out: [String] = []
                for try await t in group { out.append(t) }
                return out
            }
            XCTAssertEqual(Set(tokens).count, n, "every caller got its own token")
            let stored = try await PortalRequest.query(on: app.db).all()
            XCTAssertEqual(stored.count, n)
            XCTAssertEqual(Set(stored.map(\.token)), Set(tokens), "each answered token is stored")
            let audits = try await AuditEvent.query(on: app.db).filter(\.$action == "portal.submit").count()
            XCTAssertEqual(audits, n, "one audit row per stored request")
            // The cached community → officer lookup routes to the community's officer, as before.
            XCTAssertTrue(stored.filter { $0.communityID == f.c1 }.allSatisfy { $0.officerID == f.users["officer"] })
            XCTAssertTrue(stored.filter { $0.communityID == f.c3 }.allSatisfy { $0.officerID == f.users["officer3"] })
        }
    }

    func testEditingARequestTypeTakesEffectAtOnceAndUnknownCommunitiesAreRefused() async throws {
        try await withApp { app, f in
            var s = PortalSettings(); s.ipLimit = 0; s.phoneLimit = 0; s.minFillSeconds = 0
            app.portalGuard = PortalGuard(settings: s)
            func submit(_ type: String, _ community: String) async throws -> (HTTPStatus, String) {
                var out: (HTTPStatus, String) = (.ok, "")
                try await app.call(.POST, "/api/public/requests", beforeRequest: { try $0.content.encode(["type": type, "communityID": community, "description": "x"]) }) {
                    out = ($0.status, $0.body.string)
                }
                return out
            }
            let first = try await submit("help", "\(f.c1)")
            XCTAssertEqual(first.0, .created)   // the types are now cached
            let help = try await PortalRequestType.query(on: app.db).filter(\.$code == "help").first()!
            try await app.call(.PATCH, "/api/v1/portal/request-types/\(help.id!)", headers: f.bearer("admin"), beforeRequest: { try $0.content.encode(["active": "false"]) }) {
                XCTAssertEqual($0.status, .ok, $0.body.string)
            }
            let after = try await submit("help", "\(f.c1)")
            XCTAssertEqual(after.0, .unprocessableEntity, "a switched-off type is refused at once"); XCTAssertTrue(after.1.contains("type"))
            for bad in ["\(f.streetA)", "\(f.g1a)", "999999", "abc"] {
                let r = try await submit("report_hazard", bad)
                XCTAssertEqual(r.0, .unprocessableEntity, bad); XCTAssertTrue(r.1.contains("communityID"), bad)
            }
            let stored = try await PortalRequest.query(on: app.db).count()
            XCTAssertEqual(stored, 1, "refused submissions write nothing")
        }
    }
}

extension PortalWriterTests {
    /// 撤回: a withdrawn notice leaves the public pages and API at once, stays listed for staff as withdrawn,
    /// is audited once, and out-of-jurisdiction notices answer 404.
    func testWithdrawingANoticeHidesItFromThePublicAndIsAudited() async throws {
        try await withApp { app, f in
            let mine = try await insertPortalNotice(app, f, division: f.c1, title: "夜间防盗提示")
            let theirs = try await insertPortalNotice(app, f, division: f.c3, title: "沙头会议通知")
            try await app.call(.GET, "/public/notices/\(mine)") { XCTAssertEqual($0.status, .ok) }
            try await app.call(.POST, "/api/v1/portal/notices/\(theirs)/withdraw", headers: f.bearer("officer")) { XCTAssertEqual($0.status, .notFound) }
            try await app.call(.POST, "/api/v1/portal/notices/\(mine)/withdraw", headers: f.bearer("analyst")) { XCTAssertEqual($0.status, .forbidden) }
            for _ in 0..<2 {
                try await app.call(.POST, "/api/v1/portal/notices/\(mine)/withdraw", headers: f.bearer("officer")) { res in
                    XCTAssertEqual(res.status, .ok, res.body.string)
                    XCTAssertEqual(try res.content.decode(PortalStaffController.NoticeDoc.self).withdrawn, true)
                }
            }
            try await app.call(.GET, "/public/notices/\(mine)") { XCTAssertEqual($0.status, .notFound) }
            try await app.call(.GET, "/public/notices") { XCTAssertFalse($0.body.string.contains("夜间防盗提示")) }
            try await app.call(.GET, "/api/public/notices?community=\(f.c1)") { XCTAssertFalse($0.body.string.contains("夜间防盗提示")) }
            try await app.call(.GET, "/api/public/notices?community=\(f.c3)") { XCTAssertTrue($0.body.string.contains("沙头会议通知"), "the other notice is untouched") }
            let s = try await signIn(app, "officer")
            try await app.call(.GET, "/portal/notices", beforeRequest: { $0.headers.cookie = s.cookies }) { res in
                XCTAssertTrue(res.body.string.contains("夜间防盗提示")); XCTAssertTrue(res.body.string.contains("已撤回"))
                XCTAssertFalse(res.body.string.contains("/portal/notices/\(mine)/withdraw"), "no second withdraw button")
            }
            let audits = try await AuditEvent.query(on: app.db).filter(\.$action == "notice.withdraw").all()
            XCTAssertEqual(audits.count, 1, "withdrawing twice is audited once"); XCTAssertEqual(audits.first?.username, "officer")
        }
    }
}

final class NoticeEditTests: XCTestCase {
    /// 更正: a published notice can be corrected (same checks as publishing, time kept, audited);
    /// a withdrawn one cannot; other jurisdictions' notices look missing.
    func testCorrectingAPublishedNotice() async throws {
        try await withApp { app, f in
            let mine = try await insertPortalNotice(app, f, division: f.c1, title: "夜间防盗提示")
            let theirs = try await insertPortalNotice(app, f, division: f.c3, title: "沙头会议通知")
            let published = try await PortalNotice.find(mine, on: app.db)!.publishedAt
            let kind = NoticeKind.allCases[0].rawValue
            func patch(_ id: Int, as user: String, _ body: [String: String]) async throws -> (HTTPStatus, String) {
                var out: (HTTPStatus, String) = (.ok, "")
                try await app.call(.PATCH, "/api/v1/portal/notices/\(id)", headers: f.bearer(user), beforeRequest: { try $0.content.encode(body, as: .json) }) { res in
                    out = (res.status, res.body.string)
                }
                return out
            }
            let good = ["kind": kind, "title": "夜间防盗提示（更正）", "body": "请锁好门窗，贵重物品不要放在车内。", "divisionID": "\(f.c1)", "audience": "all"]
            var r = try await patch(mine, as: "officer", good.merging(["title": ""]) { _, b in b })
            XCTAssertEqual(r.0, .unprocessableEntity); XCTAssertTrue(r.1.contains("\"title\""))
            r = try await patch(mine, as: "officer", good.merging(["divisionID": "\(f.c3)"]) { _, b in b })
            XCTAssertEqual(r.0, .unprocessableEntity, "cannot move a notice outside the jurisdiction"); XCTAssertTrue(r.1.contains("divisionID"))
            r = try await patch(theirs, as: "officer", good)
            XCTAssertEqual(r.0, .notFound)
            r = try await patch(mine, as: "analyst", good)
            XCTAssertEqual(r.0, .forbidden)
            r = try await patch(mine, as: "officer", good)
            XCTAssertEqual(r.0, .ok, r.1)
            let n = try await PortalNotice.find(mine, on: app.db)!
            XCTAssertEqual(n.title, "夜间防盗提示（更正）")
            XCTAssertEqual(n.publishedAt.timeIntervalSince1970, published.timeIntervalSince1970, accuracy: 1, "the publication time stays")
            try await app.call(.GET, "/public/notices/\(mine)") { res in XCTAssertTrue(res.body.string.contains("贵重物品不要放在车内")) }
            let audits = try await AuditEvent.query(on: app.db).filter(\.$action == "notice.update").all()
            XCTAssertEqual(audits.count, 1); XCTAssertEqual(audits.first?.detail, "title,body")

            // The web form keeps what was typed on an error.
            let s = try await signIn(app, "officer")
            try await app.call(.POST, "/portal/notices/\(mine)", beforeRequest: { req in
                req.headers.cookie = s.cookies
                try req.content.encode(good.merging(["_csrf": s.csrf, "body": "", "title": "<b>更正</b>"]) { _, b in b }, as: .urlEncodedForm)
            }) { res in
                XCTAssertEqual(res.status, .unprocessableEntity)
                XCTAssertTrue(res.body.string.contains("&lt;b&gt;更正"))
                XCTAssertTrue(res.body.string.contains("field-error"))
            }
            // Withdrawn: no more edits.
            try await app.call(.POST, "/api/v1/portal/notices/\(mine)/withdraw", headers: f.bearer("officer")) { XCTAssertEqual($0.status, .ok) }
            r = try await patch(mine, as: "officer", good)
            XCTAssertEqual(r.0, .unprocessableEntity); XCTAssertTrue(r.1.contains("撤回"))
        }
    }
}
