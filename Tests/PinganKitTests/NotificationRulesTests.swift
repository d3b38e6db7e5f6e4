import XCTest
@testable import PinganKit

final class NotificationRulesTests: XCTestCase {
    func testEmailAddressesAreNormalisedAndInjectionRefused() {
        XCTAssertEqual(EmailAddress.normalize(" Zhang.San@Example.COM "), "Zhang.San@example.com")
        XCTAssertEqual(EmailAddress.normalize("li+notice@mail.gz.gov.cn"), "li+notice@mail.gz.gov.cn")
        for bad in ["", "zhang", "@example.com", "zhang@", "zhang@localhost", "a b@example.com", "a@b@example.com",
                    "zhang@example.com\r\nRCPT TO:<x@evil.com>", "<zhang@example.com>", "\"zhang\"@example.com",
                    ".zhang@example.com", "zh..ang@example.com", "zhang@-example.com", "zhang@example.c0m", "张三@example.com",
                    String(repeating: "a", count: 65) + "@example.com"] {
            XCTAssertNil(EmailAddress.normalize(bad), bad)
        }
        XCTAssertEqual(EmailAddress.masked("zhang.san@example.com"), "z***@example.com")
    }

    func testSubjectIsEncodedInWordsOfAtMost75CharactersThatDecodeBack() throws {
        XCTAssertEqual(MailMessage.encodedWords("Your request WS000123"), "Your request WS000123")
        let subject = "您的诉求WS000123已受理——" + String(repeating: "平安社区", count: 10)
        let folded = MailMessage.encodedWords(subject)
        var decoded = Data()
        for word in folded.components(separatedBy: "\r\n ") {
            XCTAssertLessThanOrEqual(word.count, 75)
            XCTAssertTrue(word.hasPrefix("=?UTF-8?B?") && word.hasSuffix("?="))
            decoded += try XCTUnwrap(Data(base64Encoded: String(word.dropFirst(10).dropLast(2))))
        }
        XCTAssertEqual(String(decoding: decoded, as: UTF8.self), subject)
        XCTAssertFalse(MailMessage.encodedWords("a\r\nBcc: x@evil.com").contains("\n"), "a line break in a subject cannot add a header")
    }

    func testRenderedMailHasCRLFHeadersAndBase64Body() throws {
        let m = MailMessage(from: "pingan@example.gov.cn", to: "zhang@example.com", subject: "诉求已办结",
                            body: "第一行\n.以点开头的行\n" + String(repeating: "长", count: 200), date: Date(timeIntervalSince1970: 1_796_000_000), messageID: "1.x@pingan")
        let text = m.rendered()
        let parts = text.components(separatedBy: "\r\n\r\n")
        XCTAssertEqual(parts.count, 2)
        XCTAssertTrue(parts[0].contains("Content-Transfer-Encoding: base64"))
        XCTAssertTrue(parts[0].contains("Message-ID: <1.x@pingan>"))
        XCTAssertTrue(parts[0].contains("Date: Mon, 30 Nov 2026 08:53:20 +0800"), parts[0])
        let lines = parts[1].components(separatedBy: "\r\n").filter { !$0.isEmpty }
        XCTAssertTrue(lines.allSatisfy { $0.count <= 76 && !$0.hasPrefix(".") })
        let body = try XCTUnwrap(Data(base64Encoded: lines.joined()))
        XCTAssertEqual(String(decoding: body, as: UTF8.self), "第一行\r\n.以点开头的行\r\n" + String(repeating: "长", count: 200))
    }

    func testSMTPReplyLines() {
        XCTAssertEqual(SMTPReplyLine("250-PIPELINING"), SMTPReplyLine("250-PIPELINING"))
        XCTAssertEqual(SMTPReplyLine("250-PIPELINING")?.isLast, false)
        XCTAssertEqual(SMTPReplyLine("250 OK")?.isLast, true)
        XCTAssertEqual(SMTPReplyLine("354 End data with <CR><LF>.<CR><LF>")?.code, 354)
        XCTAssertEqual(SMTPReplyLine("220")?.code, 220)
        XCTAssertNil(SMTPReplyLine("hello"))
        XCTAssertNil(SMTPReplyLine("250OK"))
        XCTAssertNil(SMTPReplyLine("999 nope"))
    }

    func testRetriesBackOffAndGiveUp() {
        let t = Date(timeIntervalSince1970: 0)
        XCTAssertEqual(OutboxRetry.next(after: 1, failedAt: t, permanent: false), t.addingTimeInterval(60))
        XCTAssertEqual(OutboxRetry.next(after: 5, failedAt: t, permanent: false), t.addingTimeInterval(43_200))
        XCTAssertNil(OutboxRetry.next(after: 6, failedAt: t, permanent: false), "six attempts, then failed")
        XCTAssertNil(OutboxRetry.next(after: 1, failedAt: t, permanent: true), "a permanent refusal is not retried")
        XCTAssertEqual(OutboxRetry.maxAttempts, 6)
    }

    func testWhichStatusChangesTellTheResident() {
        XCTAssertEqual(ResidentNoticeEvent.of(from: .open, to: .acknowledged, publicReply: false), .accepted)
        XCTAssertEqual(ResidentNoticeEvent.of(from: .open, to: .acknowledged, publicReply: true), .answered)
        XCTAssertEqual(ResidentNoticeEvent.of(from: .inProgress, to: .inProgress, publicReply: true), .answered)
        XCTAssertEqual(ResidentNoticeEvent.of(from: .inProgress, to: .fixed, publicReply: true), .closed)
        XCTAssertEqual(ResidentNoticeEvent.of(from: .open, to: .duplicate, publicReply: false), .closed)
        XCTAssertNil(ResidentNoticeEvent.of(from: .acknowledged, to: .inProgress, publicReply: false), "open to open after acceptance")
        XCTAssertNil(ResidentNoticeEvent.of(from: .fixed, to: .closed, publicReply: false), "closed to closed")
        XCTAssertNil(ResidentNoticeEvent.of(from: .open, to: .open, publicReply: false))
    }

    func testNoticeTextsKeepSMSShortAndCarryTheLink() {
        let n = ResidentNotice(event: .answered, number: "WS000123", typeName: "报告隐患", statusName: "办理中",
                               reply: String(repeating: "已联系物业", count: 20), link: "https://pingan.example.gov.cn/public/track/abc", english: false)
        XCTAssertEqual(n.subject, "您的诉求WS000123有答复")
        XCTAssertTrue(n.sms().hasPrefix("【平安】您反映的报告隐患（WS000123）办理中。答复："))
        XCTAssertTrue(n.sms().hasSuffix("查看进度：https://pingan.example.gov.cn/public/track/abc"))
        XCTAssertLessThan(n.sms().count, 140)
        XCTAssertTrue(n.email().contains(String(repeating: "已联系物业", count: 20)), "the e-mail carries the whole reply")
        var en = n; en.english = true; en.event = .accepted; en.link = nil; en.typeName = "Hazard"; en.statusName = "Acknowledged"
        XCTAssertEqual(en.sms(), "[Pingan] Your request WS000123 (Hazard): Acknowledged.")
    }

    /// 公告订阅: who a notice reaches, and an SMS that keeps its two links whole however long the notice.
    func testNoticeSubscriptionReachAndSMS() {
        XCTAssertTrue(NoticeSubscriptionRules.reaches(interest: .all, notice: .elderly))
        XCTAssertTrue(NoticeSubscriptionRules.reaches(interest: .tenants, notice: .all))
        XCTAssertTrue(NoticeSubscriptionRules.reaches(interest: .tenants, notice: .tenants))
        XCTAssertFalse(NoticeSubscriptionRules.reaches(interest: .tenants, notice: .elderly))

        let w = NoticeSubscriptionMessage(community: "德兴社区", english: false)
        let read = "https://pingan.example/public/notices/12", off = "https://pingan.example/public/subscriptions/" + String(repeating: "a", count: 22)
        let short = w.noticeSMS(area: "市桥街道", kind: "防范提示", title: "防范电信诈骗", body: "不要向陌生账户转账。\n有疑问拨打110。", link: read, unsubscribe: off)
        XCTAssertEqual(short, "【平安】市桥街道防范提示：防范电信诈骗。不要向陌生账户转账。 有疑问拨打110。全文：\(read) 退订：\(off)")
        let long = w.noticeSMS(area: "市桥街道", kind: "防范提示", title: "防范电信诈骗", body: String(repeating: "请注意防范。", count: 100), link: read, unsubscribe: off)
        XCTAssertLessThanOrEqual(long.count, NoticeSubscriptionMessage.smsLimit)
        XCTAssertTrue(long.hasSuffix("…全文：\(read) 退订：\(off)"), long)
        let hugeTitle = w.noticeSMS(area: "市桥街道", kind: "警情通报", title: String(repeating: "标", count: 300), body: "x", link: read, unsubscribe: off)
        XCTAssertLessThanOrEqual(hugeTitle.count, NoticeSubscriptionMessage.smsLimit)
        XCTAssertTrue(hugeTitle.hasSuffix("退订：\(off)"), hugeTitle)
        XCTAssertTrue(w.confirmSMS(link: off).contains(off))
        let en = NoticeSubscriptionMessage(community: "Dexing", english: true)
        XCTAssertTrue(en.noticeEmail(area: "Shiqiao", kind: "Safety advice", title: "Scams", body: "Never pay strangers.", eventAt: nil, link: read, unsubscribe: off)
            .contains("To stop them: \(off)"))
    }
}
