import Fluent
import XCTVapor
import PinganKit
@testable import PinganServer

let pdfBytes: [UInt8] = Array("%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n".utf8)
let pngBytes: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] + Array(repeating: 0, count: 32)

/// A multipart/form-data body with text fields and one file part.
func multipart(_ fields: [String: String] = [:], file: (filename: String, type: String, bytes: [UInt8])?, field: String = "file") -> (HTTPMediaType, ByteBuffer) {
    let boundary = "----pingan\(UInt32.random(in: 0...UInt32.max))"
    var b = ByteBuffer()
    for (k, v) in fields.sorted(by: { $0.key < $1.key }) {
        b.writeString("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(k)\"\r\n\r\n\(v)\r\n")
    }
    if let file {
        b.writeString("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(field)\"; filename=\"\(file.filename)\"\r\nContent-Type: \(file.type)\r\n\r\n")
        b.writeBytes(file.bytes)
        b.writeString("\r\n")
    }
    b.writeString("--\(boundary)--\r\n")
    return (HTTPMediaType(type: "multipart", subType: "form-data", parameters: ["boundary": boundary]), b)
}

/// Uploads through the API; returns the status and the attachment (on 201).
@discardableResult
func uploadAttachment(_ app: Application, _ f: Fixture, dispute: Int, as user: String = "admin", filename: String = "协议书.pdf", type: String = "application/pdf",
                      bytes: [UInt8] = pdfBytes, expect: HTTPStatus = .created, field: String = "file") async throws -> DisputeAttachmentDTO? {
    var out: DisputeAttachmentDTO?
    let (ct, body) = multipart(file: (filename, type, bytes), field: field)
    try await app.call(.POST, "/api/v1/disputes/\(dispute)/attachments", headers: f.bearer(user), beforeRequest: { req in
        req.headers.contentType = ct; req.body = body
    }, afterResponse: { res in
        XCTAssertEqual(res.status, expect, res.body.string)
        if res.status == .created { out = try res.content.decode(DisputeAttachmentDTO.self) }
    })
    return out
}

/// For the route walk: a fresh attachment on `dispute`, uploaded by the admin.
func makeDisputeAttachment(_ app: Application, _ f: Fixture, dispute: Int) async throws -> Int {
    try await uploadAttachment(app, f, dispute: dispute)?.id ?? 0
}

final class DisputeAttachmentTests: XCTestCase {
    func storedFiles(_ app: Application) -> Set<String> {
        Set((try? FileManager.default.contentsOfDirectory(atPath: DisputeAttachmentStore.directory(app))) ?? [])
    }

    func testUploadListDownloadAndRemoveAreScopedAndAudited() async throws {
        try await withApp { app, f in
            let id = try await createDispute(app, f, as: "officer", community: f.c1, grid: f.g1a, level: "street")
            let before = storedFiles(app)
            let a = try await uploadAttachment(app, f, dispute: id, as: "officer", filename: "../../etc/调解协议书.pdf")!
            XCTAssertEqual(a.name, "调解协议书.pdf", "only the last path component is kept, as display text")
            XCTAssertEqual(a.contentType, "application/pdf"); XCTAssertEqual(a.size, pdfBytes.count); XCTAssertEqual(a.uploadedBy, "Officer")
            let added = storedFiles(app).subtracting(before)
            XCTAssertEqual(added.count, 1)
            let stored = try await DisputeAttachment.find(a.id, on: app.db)!
            XCTAssertEqual(added.first, stored.storageName, "the name on disk is the server's")
            XCTAssertTrue(DisputeAttachmentRules.isStorageName(stored.storageName)); XCTAssertFalse(stored.storageName.contains("协议"))

            // The file lists it, with the timeline line; the mediator (street queue) sees it too.
            let d = try await DisputeService_get(app, f, id)
            XCTAssertEqual(d.attachments?.map(\.id), [a.id]); XCTAssertEqual(d.timeline?.last?.action, "attach")
            try await app.call(.GET, "/api/v1/disputes/\(id)/attachments", headers: f.bearer("mediator")) { res in
                XCTAssertEqual(try res.content.decode([DisputeAttachmentDTO].self).map(\.name), ["调解协议书.pdf"])
            }
            // Download: the bytes, the sniffed type, always as an attachment.
            try await app.call(.GET, "/api/v1/dispute-attachments/\(a.id)", headers: f.bearer("mediator")) { res in
                XCTAssertEqual(res.status, .ok)
                XCTAssertEqual(Array(res.body.readableBytesView), pdfBytes)
                XCTAssertEqual(res.headers.first(name: .contentType), "application/pdf")
                let cd = res.headers.first(name: .contentDisposition) ?? ""
                XCTAssertTrue(cd.hasPrefix("attachment;"), cd)
                XCTAssertTrue(cd.contains("filename*=UTF-8''%E8%B0%83%E8%A7%A3"), cd)
            }
            // Out of scope looks missing, for reading, uploading and removing.
            try await app.call(.GET, "/api/v1/dispute-attachments/\(a.id)", headers: f.bearer("officer3")) { XCTAssertEqual($0.status, .notFound) }
            try await app.call(.GET, "/api/v1/disputes/\(id)/attachments", headers: f.bearer("officer3")) { XCTAssertEqual($0.status, .notFound) }
            try await uploadAttachment(app, f, dispute: id, as: "officer3", expect: .notFound)
            try await app.call(.DELETE, "/api/v1/dispute-attachments/\(a.id)", headers: f.bearer("officer3")) { XCTAssertEqual($0.status, .notFound) }
            try await app.call(.GET, "/api/v1/dispute-attachments/987654", headers: f.bearer("admin")) { XCTAssertEqual($0.status, .notFound) }
            // Only the uploader (or an admin) removes it.
            try await app.call(.DELETE, "/api/v1/dispute-attachments/\(a.id)", headers: f.bearer("mediator")) { res in
                XCTAssertEqual(res.status, .unprocessableEntity)
                XCTAssertNotNil(try res.content.decode(ErrorBody.self).fields?["attachment"])
            }
            try await app.call(.DELETE, "/api/v1/dispute-attachments/\(a.id)", headers: f.bearer("officer")) { XCTAssertEqual($0.status, .noContent) }
            XCTAssertEqual(storedFiles(app), before, "the file is gone from disk")
            let after = try await DisputeService_get(app, f, id)
            XCTAssertEqual(after.attachments?.count, 0); XCTAssertEqual(after.timeline?.last?.action, "detach")
            XCTAssertTrue(after.timeline?.last?.detail.contains("调解协议书.pdf") ?? false)
            let audits = try await AuditEvent.query(on: app.db).filter(\.$action ~~ ["dispute.attachment.upload", "dispute.attachment.download", "dispute.attachment.delete"]).sort(\.$id).all().map(\.action)
            XCTAssertEqual(audits, ["dispute.attachment.upload", "dispute.attachment.download", "dispute.attachment.delete"])
        }
    }

    func testWrongTypeOversizeAndEmptyAreRefusedAndNothingIsWritten() async throws {
        try await withApp { app, f in
            let id = try await createDispute(app, f, as: "officer", community: f.c1, grid: f.g1a)
            let before = storedFiles(app)
            func refused(_ filename: String, _ type: String, _ bytes: [UInt8], _ status: HTTPStatus, contains text: String, field: String = "file") async throws {
                let (ct, body) = multipart(file: (filename, type, bytes), field: field)
                try await app.call(.POST, "/api/v1/disputes/\(id)/attachments", headers: f.bearer("officer"), beforeRequest: { req in
                    req.headers.contentType = ct; req.body = body
                }, afterResponse: { res in
                    XCTAssertEqual(res.status, status, filename + " → " + res.body.string)
                    let msg = try res.content.decode(ErrorBody.self).fields?["file"] ?? ""
                    XCTAssertTrue(msg.contains(text), msg)
                })
            }
            // A text file dressed up as a PDF: the content decides, not the name or the declared type.
            try await refused("agreement.pdf", "application/pdf", Array("just some text".utf8), .unprocessableEntity, contains: "PDF、JPEG 或 PNG")
            try await refused("page.html", "text/html", Array("<html><script>alert(1)</script>".utf8), .unprocessableEntity, contains: "PDF、JPEG 或 PNG")
            XCTAssertEqual(DisputeAttachmentStore.maxBytes, 10 * 1024 * 1024, "10 MB unless configured")
            // The limit is configurable; 1 MB keeps this test quick.
            setenv("PINGAN_UPLOAD_MAX_MB", "1", 1)
            defer { unsetenv("PINGAN_UPLOAD_MAX_MB") }
            try await refused("big.png", "image/png", pngBytes + Array(repeating: 0, count: DisputeAttachmentStore.maxBytes), .payloadTooLarge, contains: "1 MB")
            try await refused("empty.pdf", "application/pdf", [], .unprocessableEntity, contains: "请选择")
            try await refused("x.pdf", "application/pdf", pdfBytes, .unprocessableEntity, contains: "请选择", field: "other")
            try await postJSON(app, "/api/v1/disputes/\(id)/attachments", "{}", as: f.bearer("officer")) { res in
                XCTAssertEqual(res.status, .unprocessableEntity)
                XCTAssertNotNil(try res.content.decode(ErrorBody.self).fields?["file"])
            }
            let rows = try await DisputeAttachment.query(on: app.db).count()
            XCTAssertEqual(rows, 0)
            XCTAssertEqual(storedFiles(app), before)
            let d = try await DisputeService_get(app, f, id)
            XCTAssertEqual(d.timeline?.map(\.action), ["register"])
            // PNG and JPEG are accepted.
            let png = try await uploadAttachment(app, f, dispute: id, as: "officer", filename: "scan.png", type: "application/octet-stream", bytes: pngBytes)
            XCTAssertEqual(png?.contentType, "image/png")
            let jpg = try await uploadAttachment(app, f, dispute: id, as: "officer", filename: "..", type: "image/jpeg", bytes: [0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10])
            XCTAssertEqual(jpg?.name, "attachment.jpg")
        }
    }

    func testWebUploadShowsNamesEscapedOnTheFileAndThePrintPage() async throws {
        try await withApp { app, f in
            let id = try await createDispute(app, f, as: "officer", community: f.c1, grid: f.g1a)
            let s = try await signIn(app, "officer")
            func post(_ filename: String, _ bytes: [UInt8], _ check: @escaping (XCTHTTPResponse) throws -> Void) async throws {
                let (ct, body) = multipart(["_csrf": s.csrf], file: (filename, "application/pdf", bytes))
                try await app.call(.POST, "/disputes/\(id)/attachments", beforeRequest: { req in
                    req.headers.cookie = s.cookies; req.headers.contentType = ct; req.body = body
                }, afterResponse: check)
            }
            try await post("notes.txt", Array("hello".utf8)) { res in
                XCTAssertEqual(res.status, .unprocessableEntity)
                XCTAssertTrue(res.body.string.contains("只能上传 PDF、JPEG 或 PNG 文件"))
            }
            try await post("<script>协议.pdf", pdfBytes) { res in
                XCTAssertEqual(res.status, .seeOther, res.body.string)
                XCTAssertEqual(res.headers.first(name: .location), "/disputes/\(id)#attachments")
            }
            let a = try await DisputeAttachment.query(on: app.db).first()!
            try await app.call(.GET, "/disputes/\(id)", beforeRequest: { $0.headers.cookie = s.cookies }) { res in
                let html = res.body.string
                XCTAssertTrue(html.contains("&lt;script&gt;协议.pdf"), "the client's name is escaped display text")
                XCTAssertFalse(html.contains("<script>协议"))
                XCTAssertTrue(html.contains("/disputes/attachments/\(a.id!)")); XCTAssertTrue(html.contains("multipart/form-data"))
                XCTAssertTrue(html.contains("上传附件"))
            }
            try await app.call(.GET, "/disputes/\(id)/print", beforeRequest: { $0.headers.cookie = s.cookies }) { res in
                XCTAssertTrue(res.body.string.contains("附件目录")); XCTAssertTrue(res.body.string.contains("&lt;script&gt;协议.pdf"))
                XCTAssertFalse(res.body.string.contains("/disputes/attachments/"), "the print page lists names only")
            }
            try await app.call(.GET, "/disputes/attachments/\(a.id!)", beforeRequest: { $0.headers.cookie = s.cookies }) { res in
                XCTAssertEqual(res.status, .ok); XCTAssertEqual(Array(res.body.readableBytesView), pdfBytes)
                XCTAssertEqual(res.headers.first(name: .contentDisposition), "attachment; filename=\"_script___.pdf\"; filename*=UTF-8''%3Cscript%3E%E5%8D%8F%E8%AE%AE.pdf")
            }
            let s3 = try await signIn(app, "officer3")
            try await app.call(.GET, "/disputes/attachments/\(a.id!)", beforeRequest: { $0.headers.cookie = s3.cookies }) { XCTAssertEqual($0.status, .notFound) }
            // Without the form token the upload is refused.
            let (ct, body) = multipart(file: ("x.pdf", "application/pdf", pdfBytes))
            try await app.call(.POST, "/disputes/\(id)/attachments", beforeRequest: { req in
                req.headers.cookie = s.cookies; req.headers.contentType = ct; req.body = body
            }) { XCTAssertEqual($0.status, .forbidden) }
            try await app.call(.POST, "/disputes/attachments/\(a.id!)/delete", beforeRequest: { req in
                req.headers.cookie = s.cookies
                try req.content.encode(["_csrf": s.csrf], as: .urlEncodedForm)
            }) { XCTAssertEqual($0.status, .seeOther) }
            let left = try await DisputeAttachment.query(on: app.db).count()
            XCTAssertEqual(left, 0)
        }
    }

    func testDisplayNamesAndSniffing() {
        XCTAssertEqual(AttachmentKind.sniff(pdfBytes), .pdf)
        XCTAssertEqual(AttachmentKind.sniff(pngBytes), .png)
        XCTAssertEqual(AttachmentKind.sniff([0xFF, 0xD8, 0xFF, 0xDB]), .jpeg)
        XCTAssertNil(AttachmentKind.sniff(Array("GIF89a".utf8)))
        XCTAssertNil(AttachmentKind.sniff([UInt8]()))
        XCTAssertEqual(DisputeAttachmentRules.displayName("C:\\scans\\协议.pdf", kind: .pdf), "协议.pdf")
        XCTAssertEqual(DisputeAttachmentRules.displayName("..", kind: .png), "attachment.png")
        XCTAssertEqual(DisputeAttachmentRules.displayName(".hidden\u{0}.pdf", kind: .pdf), "hidden.pdf")
        XCTAssertLessThanOrEqual(DisputeAttachmentRules.displayName(String(repeating: "长", count: 500) + ".pdf", kind: .pdf).count, DisputeAttachmentRules.maxNameLength)
        XCTAssertFalse(DisputeAttachmentRules.isStorageName("../x.pdf"))
        XCTAssertTrue(DisputeAttachmentRules.isStorageName(DisputeAttachmentRules.storageName(kind: .jpeg)))
    }
}
