import Fluent
import Vapor
import XCTVapor
import PinganKit
@testable import PinganServer

/// Issue 19 §3: residents get the public notices of their own community pushed to them — they subscribe by SMS or
/// e-mail, confirm from the message, receive each new notice of their community, street or district (for their group),
/// and unsubscribe from any message. Staff see their area's subscriptions, masked, and nothing outside it.
final class NoticeSubscriptionTests: XCTestCase {
    func publish(_ app: Application, _ f: Fixture, area: Int, audience: String = "all", title: String) async throws -> Int {
        let (s, body) = try await apiCall(app, f, "command", .POST, "/api/v1/portal/notices",
                                          #"{"kind":"prevention","title":"\#(title)","body":"不要向陌生账户转账。\n有疑问拨打110。","divisionID":\#(area),"audience":"\#(audience)"}"#)
        XCTAssertEqual(s, .created, body)
        return try await PortalNotice.query(on: app.db).filter(\.$title == title).first()!.id!
    }

    func noticeMessages(_ app: Application, _ notice: Int) async throws -> [OutboxMessage] {
        try await OutboxMessage.query(on: app.db).filter(\.$noticeID == notice).sort(\.$id).all()
    }

    func testResidentsSubscribeConfirmReceiveTheirAreasNoticesAndUnsubscribe() async throws {
        let stub = try await SMSStub()
        try await stub.start()
        do {
            try await withApp { app, f in
                relaxed(app)
                let port = await stub.port
                app.pingan.notify = NotifyChannels(sms: .init(url: "http://127.0.0.1:\(port)/sms", token: nil, timeout: 5))
                app.pingan.publicURL = "https://pingan.example"

                // The form forgives: without consent it answers 422 at that field, keeps the number, writes nothing.
                var res = try await formPost(app, page: "/public/subscribe?community=\(f.c1)", action: "/public/subscribe",
                                             fields: ["communityID": "\(f.c1)", "phone": "138 0013 8001", "audience": "all", "website": ""])
                XCTAssertEqual(res.status, .unprocessableEntity, res.body.string)
                XCTAssertTrue(res.body.string.contains("请勾选同意") && res.body.string.contains("138 0013 8001"), res.body.string)
                var count = try await NoticeSubscription.query(on: app.db).count()
                XCTAssertEqual(count, 0)
                res = try await formPost(app, page: "/public/subscribe?community=\(f.c1)", action: "/public/subscribe",
                                         fields: ["communityID": "\(f.c1)", "phone": "1380013800", "consent": "1", "website": ""])
                XCTAssertEqual(res.status, .unprocessableEntity)
                XCTAssertTrue(res.body.string.contains("请填写11位手机号码"), res.body.string)

                // Subscribed on the web: pending, sealed at rest, a confirmation with the link queued.
                res = try await formPost(app, page: "/public/subscribe?community=\(f.c1)", action: "/public/subscribe",
                                         fields: ["communityID": "\(f.c1)", "phone": "138 0013 8001", "audience": "all", "consent": "1", "website": ""])
                XCTAssertEqual(res.status, .created, res.body.string)
                XCTAssertTrue(res.body.string.contains("138****8001"), res.body.string)
                let dexing = try await NoticeSubscription.query(on: app.db).filter(\.$communityID == f.c1).first()!
                XCTAssertEqual(dexing.status, .pending)
                XCTAssertFalse(dexing.addressSealed.contains("13800138001"))
                let confirmation = try await OutboxMessage.query(on: app.db).filter(\.$subscriptionID == dexing.id!).first()!
                XCTAssertEqual(confirmation.event, .confirm)
                XCTAssertNil(confirmation.requestID)
                XCTAssertTrue(confirmation.body.contains("https://pingan.example/public/subscriptions/\(dexing.token)"), confirmation.body)

                // Nothing is sent to an address whose owner has not confirmed.
                let before = try await publish(app, f, area: f.district, title: "确认前的公告")
                var sentTo = try await noticeMessages(app, before)
                XCTAssertEqual(sentTo.count, 0)

                // A tenant in 沙头 by the API; subscribing the same number again adds no second subscription.
                for _ in 0..<2 {
                    let (s, body) = try await apiCall(app, f, "admin", .POST, "/api/public/subscriptions",
                                                      #"{"communityID":\#(f.c3),"phone":"13900000002","audience":"tenants","consent":true}"#)
                    XCTAssertEqual(s, .accepted, body)
                    XCTAssertTrue(body.contains("139****0002"), body)
                }
                count = try await NoticeSubscription.query(on: app.db).count()
                XCTAssertEqual(count, 2)
                let shatou = try await NoticeSubscription.query(on: app.db).filter(\.$communityID == f.c3).first()!

                // Confirming: on the page (a browser's form with its CSRF cookie), and by the API.
                var cookie = ""
                try await app.test(.GET, "/public/subscriptions/\(dexing.token)") { r in
                    XCTAssertEqual(r.status, .ok)
                    XCTAssertTrue(r.body.string.contains("德兴社区") && r.body.string.contains("确认订阅"), r.body.string)
                    cookie = r.headers.setCookie?["pingan_csrf"]?.string ?? ""
                }
                try await app.test(.POST, "/public/subscriptions/\(dexing.token)/confirm", beforeRequest: { req in
                    var c = HTTPCookies(); c["pingan_csrf"] = .init(string: cookie); req.headers.cookie = c
                    try req.content.encode(["_csrf": cookie], as: .urlEncodedForm)
                }) { r in XCTAssertEqual(r.status, .seeOther) }
                var (s, body) = try await apiCall(app, f, "admin", .POST, "/api/public/subscriptions/\(shatou.token)/confirm")
                XCTAssertEqual(s, .ok, body)
                XCTAssertTrue(body.contains(#""status":"active""#), body)
                (s, _) = try await apiCall(app, f, "admin", .GET, "/api/public/subscriptions/" + String(repeating: "x", count: 22))
                XCTAssertEqual(s, .notFound)

                // Who each notice reaches: its area, then its audience.
                let community = try await publish(app, f, area: f.c1, title: "德兴社区会议")
                sentTo = try await noticeMessages(app, community)
                XCTAssertEqual(sentTo.map(\.subscriptionID), [dexing.id])
                let elderly = try await publish(app, f, area: f.district, audience: "elderly", title: "老年人防骗")
                sentTo = try await noticeMessages(app, elderly)
                XCTAssertEqual(sentTo.map(\.subscriptionID), [dexing.id], "the tenant did not ask for notices to older people")
                let tenants = try await publish(app, f, area: f.streetB, audience: "tenants", title: "出租屋消防检查")
                sentTo = try await noticeMessages(app, tenants)
                XCTAssertEqual(sentTo.map(\.subscriptionID), [shatou.id])
                XCTAssertEqual(sentTo.first?.communityID, f.c3)

                // Sent through the gateway: the notice's words, the read link and the unsubscribe link, within four segments.
                let run = try await Outbox.sendDue(app)
                XCTAssertEqual(run.sent, 6, "three confirmations (the tenant asked twice) and three notices")
                let got = await stub.received
                let tenantSMS = got.first { $0.to == "13900000002" && $0.text.contains("出租屋消防检查") }
                XCTAssertNotNil(tenantSMS)
                XCTAssertTrue(tenantSMS!.text.hasSuffix("全文：https://pingan.example/public/notices/\(tenants) 退订：https://pingan.example/public/subscriptions/\(shatou.token)"), tenantSMS!.text)
                XCTAssertLessThanOrEqual(tenantSMS!.text.count, NoticeSubscriptionMessage.smsLimit)

                // The staff notice list counts what each notice reached.
                try await app.test(.GET, "/portal/notices", headers: f.bearer("command")) { r in
                    XCTAssertTrue(r.body.string.contains(">1 / 1<"), r.body.string)
                }

                // Withdrawing a notice drops its unsent messages.
                let late = try await publish(app, f, area: f.c1, title: "将撤回的公告")
                (s, body) = try await apiCall(app, f, "command", .POST, "/api/v1/portal/notices/\(late)/withdraw")
                XCTAssertEqual(s, .ok, body)
                sentTo = try await noticeMessages(app, late)
                XCTAssertEqual(sentTo.map(\.status), [.failed])
                XCTAssertEqual(sentTo.first?.lastError, "notice withdrawn")

                // Staff see their own area's subscriptions only; outside it is 404 like a missing one.
                (s, body) = try await apiCall(app, f, "officer", .GET, "/api/v1/portal/subscriptions")
                XCTAssertEqual(s, .ok, body)
                XCTAssertTrue(body.contains("138****8001") && !body.contains("139****0002") && !body.contains("13800138001"), body)
                (s, _) = try await apiCall(app, f, "officer", .POST, "/api/v1/portal/subscriptions/\(shatou.id!)/cancel")
                XCTAssertEqual(s, .notFound)
                (s, body) = try await apiCall(app, f, "officer3", .POST, "/api/v1/portal/subscriptions/\(shatou.id!)/cancel")
                XCTAssertEqual(s, .ok, body)
                XCTAssertTrue(body.contains(#""cancelledBy":"staff""#), body)

                // The resident unsubscribes from the link in any message; the next notice does not reach them.
                (s, body) = try await apiCall(app, f, "admin", .POST, "/api/public/subscriptions/\(dexing.token)/cancel")
                XCTAssertTrue(body.contains(#""status":"cancelled""#), body)
                let after = try await publish(app, f, area: f.district, title: "退订后的公告")
                sentTo = try await noticeMessages(app, after)
                XCTAssertEqual(sentTo.count, 0)
                (s, body) = try await apiCall(app, f, "admin", .POST, "/api/public/subscriptions/\(dexing.token)/confirm")
                XCTAssertEqual(s, .conflict, body)
                let audit = try await AuditEvent.query(on: app.db).filter(\.$action ~~ ["subscription.create", "subscription.confirm", "subscription.cancel"]).count()
                XCTAssertEqual(audit, 3 + 2 + 2)
            }
        } catch { try await stub.stop(); throw error }
        try await stub.stop()
    }

    func testWithoutAChannelSubscriptionsAreNotOffered() async throws {
        try await withApp { app, f in
            relaxed(app)
            app.pingan.publicURL = "https://pingan.example"
            try await app.test(.GET, "/public/subscribe") { r in
                XCTAssertEqual(r.status, .ok)
                XCTAssertTrue(r.body.string.contains("暂未开通公告订阅"))
            }
            try await app.test(.GET, "/public/notices") { r in XCTAssertFalse(r.body.string.contains("/public/subscribe")) }
            let (s, body) = try await apiCall(app, f, "admin", .POST, "/api/public/subscriptions", #"{"communityID":\#(f.c1),"phone":"13800138001","consent":true}"#)
            XCTAssertEqual(s, .conflict, body)
            let count = try await NoticeSubscription.query(on: app.db).count()
            XCTAssertEqual(count, 0)
        }
    }
}
