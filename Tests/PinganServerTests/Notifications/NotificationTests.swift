import Fluent
import NIOCore
import XCTVapor
import PinganKit
@testable import PinganServer

/// A stand-in SMS gateway on loopback: records each POST and answers with the next status in `statuses` (then 200).
actor SMSStub {
    struct Received: Sendable { var to: String; var text: String; var authorization: String? }
    private(set) var received: [Received] = []
    private var statuses: [HTTPStatus]
    let app: Application
    private(set) var port = 0

    init(statuses: [HTTPStatus] = []) async throws {
        self.statuses = statuses
        app = try await Application.make(.testing)
    }

    func start() async throws {
        app.post("sms") { [weak self] req async throws -> Response in
            guard let self else { return Response(status: .gone) }
            let body = try req.content.decode([String: String].self)
            return Response(status: await self.take(Received(to: body["to"] ?? "", text: body["text"] ?? "", authorization: req.headers.first(name: .authorization))))
        }
        app.http.server.configuration.hostname = "127.0.0.1"
        app.http.server.configuration.port = 0
        try await app.server.start(address: .hostname("127.0.0.1", port: 0))
        port = app.http.server.shared.localAddress?.port ?? 0
    }

    private func take(_ r: Received) -> HTTPStatus {
        received.append(r)
        return statuses.isEmpty ? .ok : statuses.removeFirst()
    }

    func stop() async throws {
        await app.server.shutdown()
        try await app.asyncShutdown()
    }
}

final class NotificationTests: XCTestCase {
    /// A resident's request through the public JSON API, with what they gave for notices.
    func submit(_ app: Application, _ f: Fixture, fields: [String: String], expect: HTTPStatus = .created) async throws -> (PortalRequest?, String) {
        var body: [String: String] = ["type": "help", "communityID": "\(f.c1)", "description": "楼道灯坏了"]
        body.merge(fields) { $1 }
        var text = ""
        try await app.call(.POST, "/api/public/requests", beforeRequest: { try $0.content.encode(body) }) { res in
            XCTAssertEqual(res.status, expect, res.body.string); text = res.body.string
        }
        return (try await PortalRequest.query(on: app.db).sort(\.$id, .descending).first(), text)
    }

    func reply(_ app: Application, _ f: Fixture, _ id: Int, _ body: [String: String]) async throws {
        try await app.call(.POST, "/api/v1/portal/requests/\(id)/replies", headers: f.bearer("officer"), beforeRequest: { try $0.content.encode(body) }) {
            XCTAssertEqual($0.status, .created, $0.body.string)
        }
    }

    func testNoticeNeedsConsentAndAnAddressAndAValidEmail() async throws {
        try await withApp { app, f in
            relaxed(app)
            var (_, text) = try await submit(app, f, fields: ["notify": "true"], expect: .unprocessableEntity)
            XCTAssertTrue(text.contains("\"notify\""), text)
            (_, text) = try await submit(app, f, fields: ["email": "zhang@example.com\r\nRCPT TO:<x@evil.com>", "notify": "true"], expect: .unprocessableEntity)
            XCTAssertTrue(text.contains("\"email\""), text)
            let requests = try await PortalRequest.query(on: app.db).count()
            XCTAssertEqual(requests, 0, "nothing is half-written")

            // A phone without consent: the request is handled, the resident is not written to.
            let (quiet, _) = try await submit(app, f, fields: ["phone": "13800138000"])
            try await reply(app, f, quiet!.id!, ["status": "acknowledged", "body": "已安排物业维修"])
            try await reply(app, f, quiet!.id!, ["status": "fixed"])
            let outbox = try await OutboxMessage.query(on: app.db).count()
            XCTAssertEqual(outbox, 0, "no consent, no notice")
        }
    }

    func testWithoutAConfiguredChannelNoticesAreRecordedAsNotSentAndNeverSent() async throws {
        try await withApp { app, f in
            relaxed(app)
            let (r, _) = try await submit(app, f, fields: ["phone": "13800138000", "email": "Zhang@Example.com", "notify": "on"])
            XCTAssertNotNil(r?.emailSealed); XCTAssertNotEqual(r?.emailSealed, "Zhang@example.com", "the address is sealed at rest")
            try await reply(app, f, r!.id!, ["status": "acknowledged"])
            let rows = try await OutboxMessage.query(on: app.db).sort(\.$channel).all()
            XCTAssertEqual(rows.map(\.channel), [.email, .sms])
            XCTAssertEqual(rows.map(\.status), [.skipped, .skipped])
            XCTAssertEqual(rows.map(\.recipientMasked), ["Z***@example.com", "138****8000"])
            XCTAssertEqual(rows.first?.event, .accepted)
            let run = try await Outbox.sendDue(app)
            XCTAssertEqual(run, Outbox.RunResult(), "nothing is sent when nothing is configured")
            let attempts = try await OutboxAttempt.query(on: app.db).count()
            XCTAssertEqual(attempts, 0)
            // Staff see it on the request, masked, and on the outbox page.
            let (_, page) = try await apiCall(app, f, "officer", .GET, "/api/v1/portal/requests/\(r!.id!)")
            XCTAssertTrue(page.contains("138****8000") && !page.contains("13800138000"), page)
            let (status, list) = try await apiCall(app, f, "officer", .GET, "/api/v1/portal/outbox?status=skipped")
            XCTAssertEqual(status, .ok); XCTAssertTrue(list.contains("\"sms\":false"), list)
        }
    }

    func testSMSGoesToTheGatewayWithRetriesAndALogLine() async throws {
        let stub = try await SMSStub(statuses: [.serviceUnavailable])
        try await stub.start()
        do {
            try await withApp { app, f in
                relaxed(app)
                let port = await stub.port
                app.pingan.notify = NotifyChannels(sms: .init(url: "http://127.0.0.1:\(port)/sms", token: "gw-secret", timeout: 5))
                app.pingan.publicURL = "https://pingan.example.gov.cn"
                let (r, _) = try await submit(app, f, fields: ["phone": "13800138000", "notify": "1"])
                try await reply(app, f, r!.id!, ["status": "in_progress", "body": "民警已联系物业，今天修好"])
                var m = try await OutboxMessage.query(on: app.db).first()!
                XCTAssertEqual(m.status, .pending); XCTAssertEqual(m.event, .answered)

                var run = try await Outbox.sendDue(app)
                XCTAssertEqual(run, Outbox.RunResult(sent: 0, retrying: 1, failed: 0), "a 503 is retried")
                m = try await OutboxMessage.find(m.id, on: app.db)!
                XCTAssertEqual(m.attempts, 1); XCTAssertEqual(m.lastError, "HTTP 503")
                XCTAssertGreaterThan(m.nextAttemptAt, Date().addingTimeInterval(50), "the next try waits a minute")
                run = try await Outbox.sendDue(app)
                XCTAssertEqual(run, Outbox.RunResult(), "not due yet")
                run = try await Outbox.sendDue(app, now: Date().addingTimeInterval(61))
                XCTAssertEqual(run.sent, 1)
                m = try await OutboxMessage.find(m.id, on: app.db)!
                XCTAssertEqual(m.status, .sent); XCTAssertEqual(m.attempts, 2); XCTAssertNotNil(m.sentAt)
                let log = try await OutboxAttempt.query(on: app.db).filter(\.$messageID == m.id!).sort(\.$id).all()
                XCTAssertEqual(log.map(\.ok), [false, true])

                let got = await stub.received
                XCTAssertEqual(got.count, 2)
                XCTAssertEqual(got.last?.to, "13800138000")
                XCTAssertEqual(got.last?.authorization, "Bearer gw-secret")
                XCTAssertTrue(got.last?.text.contains("答复：民警已联系物业") == true, got.last?.text ?? "")
                XCTAssertTrue(got.last?.text.contains("https://pingan.example.gov.cn/public/track/\(r!.token)") == true, got.last?.text ?? "")

                // A refusal that will not change (400) fails at once; staff can send it again.
                await stub.setStatuses([.badRequest])
                try await reply(app, f, r!.id!, ["status": "fixed"])
                run = try await Outbox.sendDue(app)
                XCTAssertEqual(run.failed, 1)
                let failed = try await OutboxMessage.query(on: app.db).filter(\.$status == .failed).first()!
                XCTAssertEqual(failed.event, .closed)
                let (s404, _) = try await apiCall(app, f, "officer3", .POST, "/api/v1/portal/outbox/\(failed.id!)/retry")
                XCTAssertEqual(s404, .notFound, "another community's notice answers like a missing one")
                let (ok, _) = try await apiCall(app, f, "officer", .POST, "/api/v1/portal/outbox/\(failed.id!)/retry")
                XCTAssertEqual(ok, .ok)
                let resent = try await Outbox.sendDue(app)
                XCTAssertEqual(resent.sent, 1)
            }
        } catch { try? await stub.stop(); throw error }
        try await stub.stop()
    }

    /// A real SMTP server (Python's aiosmtpd, writing a maildir) receives the e-mail; CI installs it.
    func testEmailIsDeliveredToARealSMTPServer() async throws {
        let python = ProcessInfo.processInfo.environment["PINGAN_TEST_PYTHON"] ?? "/tmp/pingan-peers/bin/python"
        let check = Process(); check.executableURL = URL(fileURLWithPath: python); check.arguments = ["-c", "import aiosmtpd"]
        check.standardError = FileHandle.nullDevice
        if (try? check.run()) == nil || { check.waitUntilExit(); return check.terminationStatus != 0 }() {
            if ProcessInfo.processInfo.environment["PINGAN_REQUIRE_SMTP_PEER"] != nil { XCTFail("aiosmtpd is not installed for \(python)") }
            throw XCTSkip("aiosmtpd is not installed (pip install aiosmtpd); .ci/run installs it")
        }
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("pingan-mail-\(UUID().uuidString)")
        let port = Int.random(in: 20_000..<40_000)
        let server = Process(); server.executableURL = URL(fileURLWithPath: python)
        server.arguments = ["-m", "aiosmtpd", "-n", "-l", "127.0.0.1:\(port)", "-c", "aiosmtpd.handlers.Mailbox", dir.path]
        // Its own output goes nowhere: a child holding the test's stdout open would keep `swift test` waiting for ever.
        server.standardOutput = FileHandle.nullDevice; server.standardError = FileHandle.nullDevice
        try server.run()
        defer {
            kill(server.processIdentifier, SIGKILL); server.waitUntilExit()
            try? FileManager.default.removeItem(at: dir)
        }
        try await withApp { app, f in
            relaxed(app)
            app.pingan.notify = NotifyChannels(smtp: .init(host: "127.0.0.1", port: port, from: "pingan@example.gov.cn", helo: "pingan.test", timeout: 5))
            let (r, _) = try await submit(app, f, fields: ["email": "zhang.san@example.com", "notify": "1"])
            try await reply(app, f, r!.id!, ["status": "fixed", "body": "路灯已修好。\n.以点开头的一行也要送到"])
            var run = Outbox.RunResult()
            for _ in 0..<20 {   // the server needs a moment to listen
                run = try await Outbox.sendDue(app, now: Date().addingTimeInterval(3600))
                if run.sent == 1 { break }
                try await Task.sleep(for: .milliseconds(250))
            }
            let lastError = try await OutboxMessage.query(on: app.db).first()?.lastError ?? ""
            XCTAssertEqual(run.sent, 1, lastError)
            let files = try FileManager.default.contentsOfDirectory(at: dir.appendingPathComponent("new"), includingPropertiesForKeys: nil)
            XCTAssertEqual(files.count, 1)
            let raw = try String(contentsOf: files[0], encoding: .utf8)
            XCTAssertTrue(raw.contains("To: zhang.san@example.com"), raw)
            XCTAssertTrue(raw.contains("From: pingan@example.gov.cn"), raw)
            // Decode the subject's words and the base64 body the way a mail reader would.
            let subject = raw.components(separatedBy: "\n").drop { !$0.hasPrefix("Subject:") }
                .prefix { $0.hasPrefix("Subject:") || $0.hasPrefix(" ") }.joined()
            let words = subject.components(separatedBy: "=?UTF-8?B?").dropFirst().map { String($0.prefix { $0 != "?" }) }
            XCTAssertEqual(String(decoding: words.compactMap { Data(base64Encoded: $0) }.reduce(Data(), +), as: UTF8.self), "您的诉求\(r!.number)已办结")
            let body = raw.components(separatedBy: "\n\n").dropFirst().joined(separator: "\n\n")
                .replacingOccurrences(of: "\r", with: "").replacingOccurrences(of: "\n", with: "")
            let text = String(decoding: Data(base64Encoded: body) ?? Data(), as: UTF8.self)
            XCTAssertTrue(text.contains("路灯已修好。\r\n.以点开头的一行也要送到"), text)
            let m = try await OutboxMessage.query(on: app.db).first()!
            XCTAssertEqual(m.status, .sent)
            let detail = try await OutboxAttempt.query(on: app.db).first()!.detail
            XCTAssertTrue(detail.hasPrefix("250"), "the relay's answer is logged: \(detail)")
        }
    }

    func testStaffAreToldOfWorkGivenToThemAndOnlyThey() async throws {
        try await withApp { app, f in
            relaxed(app)
            let (r, _) = try await submit(app, f, fields: [:])
            // The community officer hears of the new request; the other officer does not.
            var (status, body) = try await apiCall(app, f, "officer", .GET, "/api/v1/notifications?unread=1")
            XCTAssertEqual(status, .ok)
            XCTAssertTrue(body.contains("\"unread\":1") && body.contains("\\/portal\\/requests\\/\(r!.id!)") && body.contains(r!.number), body)
            (_, body) = try await apiCall(app, f, "officer3", .GET, "/api/v1/notifications")
            XCTAssertTrue(body.contains("\"unread\":0"), body)
            // The desk counts it too.
            let (_, deskJSON) = try await apiCall(app, f, "officer", .GET, "/api/v1/desk")
            let desk = try JSONSerialization.jsonObject(with: Data(deskJSON.utf8)) as? [String: Any]
            let figures = (desk?["sections"] as? [[String: Any]] ?? []).flatMap { $0["figures"] as? [[String: Any]] ?? [] }
            XCTAssertEqual(figures.first { $0["key"] as? String == "notices.unread" }?["count"] as? Int, 1, deskJSON)

            // The chief gives an incident to the officer: the officer is told; nobody is told of their own act.
            let incident = try await createIncident(app, f, as: "chief", community: f.c1)
            var fields = incidentBody(community: f.c1); fields["handlingOfficerID"] = "\(f.users["officer"]!)"
            func patch(_ body: [String: String]) async throws -> HTTPStatus {
                let json = String(decoding: try JSONEncoder().encode(body), as: UTF8.self)
                let (s, text) = try await apiCall(app, f, "chief", .PATCH, "/api/v1/incidents/\(incident)", json)
                XCTAssertEqual(s, .ok, text)
                return s
            }
            _ = try await patch(fields)
            let notices = try await StaffNotice.query(on: app.db).filter(\.$userID == f.users["officer"]!).sort(\.$id).all()
            XCTAssertEqual(notices.map(\.kind), [.portalRequest, .incident])
            XCTAssertEqual(notices.last?.link, "/incidents/\(incident)")
            fields["description"] = "入室盗窃，门锁被撬，已勘查"
            _ = try await patch(fields)
            let count = try await StaffNotice.query(on: app.db).filter(\.$userID == f.users["officer"]!).count()
            XCTAssertEqual(count, 2, "an edit that keeps the officer tells nobody")

            // Opening marks read and goes to the record; another person's notice is a 404.
            let s1 = try await signIn(app, "officer")
            try await app.call(.GET, "/notifications/\(notices[0].id!)", beforeRequest: { $0.headers.cookie = s1.cookies }) { res in
                XCTAssertEqual(res.status, .seeOther); XCTAssertEqual(res.headers.first(name: .location), "/portal/requests/\(r!.id!)")
            }
            let s3 = try await signIn(app, "officer3")
            try await app.call(.GET, "/notifications/\(notices[1].id!)", beforeRequest: { $0.headers.cookie = s3.cookies }) { XCTAssertEqual($0.status, .notFound) }
            (_, body) = try await apiCall(app, f, "officer", .GET, "/api/v1/notifications?unread=1")
            XCTAssertTrue(body.contains("\"unread\":1"), body)
            try await app.call(.GET, "/notifications", beforeRequest: { $0.headers.cookie = s1.cookies }) { res in
                XCTAssertEqual(res.status, .ok)
                XCTAssertTrue(res.body.string.contains("全部标为已读"))
                XCTAssertTrue(res.body.string.contains("nav-count"), "the messages badge counts work notices")
            }
            try await postForm(app, s1, "/notifications/read-all", [:]) { XCTAssertEqual($0.status, .seeOther) }
            (_, body) = try await apiCall(app, f, "officer", .GET, "/api/v1/notifications?unread=1")
            XCTAssertTrue(body.contains("\"unread\":0"), body)
        }
    }
}

extension SMSStub {
    func setStatuses(_ s: [HTTPStatus]) { statuses = s }
}
