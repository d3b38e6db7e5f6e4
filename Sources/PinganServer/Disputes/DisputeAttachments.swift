import Crypto
import Fluent
import Foundation
import PinganKit
import SQLKit
import Vapor

/// An attachment on a dispute file (e.g. a signed agreement scan). The bytes live on disk under a
/// server-generated name; the client's file name is kept only as display text.
final class DisputeAttachment: Model, @unchecked Sendable {
    static let schema = "dispute_attachments"
    @ID(custom: "id", generatedBy: .database) var id: Int?
    @Field(key: "dispute_id") var disputeID: Int
    @Field(key: "original_name") var originalName: String
    @Field(key: "storage_name") var storageName: String
    @Field(key: "kind") var kind: AttachmentKind
    @Field(key: "size") var size: Int
    @Field(key: "sha256") var sha256: String
    @Field(key: "user_id") var userID: Int
    @Field(key: "uploaded_at") var uploadedAt: Date
    init() {}
}

struct CreateDisputeAttachments: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema("dispute_attachments")
            .field("id", .int, .identifier(auto: true))
            .field("dispute_id", .int, .required, .references("disputes", "id", onDelete: .cascade))
            .field("original_name", .string, .required)
            .field("storage_name", .string, .required)
            .field("kind", .string, .required)
            .field("size", .int, .required)
            .field("sha256", .string, .required)
            .field("user_id", .int, .required, .references("users", "id"))
            .field("uploaded_at", .datetime, .required)
            .unique(on: "storage_name")
            .create()
        let sql = db as! any SQLDatabase
        try await sql.create(index: "idx_dispute_attachments_dispute").on("dispute_attachments").column("dispute_id").run()
    }
    func revert(on db: any Database) async throws { try await db.schema("dispute_attachments").delete() }
}

struct DisputeAttachmentDTO: Content {
    var id: Int
    var name: String
    var contentType: String
    var size: Int
    var sha256: String
    var uploadedBy: String
    var uploadedByID: Int
    var uploadedAt: Date
    var url: String
}

/// Where attachments are stored and how large they may be.
///
/// - `PINGAN_UPLOADS`: the directory (created 0700 when missing);
/// - otherwise `uploads/` beside the SQLite file, or `./uploads` on PostgreSQL;
/// - tests (in-memory SQLite or the testing environment) use a directory under the system temp dir.
/// - `PINGAN_UPLOAD_MAX_MB`: the size limit per file (default 10).
enum DisputeAttachmentStore {
    static var maxBytes: Int {
        Environment.get("PINGAN_UPLOAD_MAX_MB").flatMap(Int.init).flatMap { (1...200).contains($0) ? $0 * 1024 * 1024 : nil } ?? DisputeAttachmentRules.defaultMaxBytes
    }
    /// What the upload routes collect before the size check (multipart framing on top of the file).
    static var bodyLimit: ByteCount { ByteCount(value: maxBytes + 1024 * 1024) }

    static func root(_ app: Application) -> String { Uploads.root(app) }

    static func directory(_ app: Application) -> String { root(app) + "/disputes" }

    static func path(_ app: Application, _ storageName: String) throws -> String {
        // Only names the server generated are ever opened.
        guard DisputeAttachmentRules.isStorageName(storageName) else { throw Abort(.notFound) }
        return directory(app) + "/" + storageName
    }
}

enum DisputeAttachmentService {
    /// Loads an attachment whose dispute file the user may see; otherwise 404 like a missing record.
    static func scoped(_ req: Request, _ id: Int?) async throws -> (DisputeAttachment, Dispute) {
        guard let id, let a = try await DisputeAttachment.find(id, on: req.db) else { throw Abort(.notFound) }
        let d = try await DisputeService.scoped(req, a.disputeID)
        return (a, d)
    }

    static func list(_ req: Request, _ d: Dispute) async throws -> [DisputeAttachmentDTO] {
        let rows = try await DisputeAttachment.query(on: req.db).filter(\.$disputeID == d.id!).sort(\.$uploadedAt).sort(\.$id).all()
        let names = try await DisputeService.userNames(rows.map(\.userID), on: req.db)
        return rows.map { DisputeAttachmentDTO(id: $0.id!, name: $0.originalName, contentType: $0.kind.contentType, size: $0.size, sha256: $0.sha256,
                                               uploadedBy: names[$0.userID] ?? "-", uploadedByID: $0.userID, uploadedAt: $0.uploadedAt, url: "/disputes/attachments/\($0.id!)") }
    }

    /// Checks and stores one upload. Every problem is a field message under `file`; on any failure
    /// neither a row nor a file on disk remains.
    static func upload(_ req: Request, _ d: Dispute, file: File?) async throws -> DisputeAttachment {
        try req.require(.editDisputes)
        let L = req.lang
        guard let file, file.data.readableBytes > 0 else {
            throw FieldErrors(["file": L.t("请选择要上传的文件", "Choose a file to upload")])
        }
        let max = DisputeAttachmentStore.maxBytes
        if file.data.readableBytes > max {
            throw FieldErrors(["file": L.t("文件不能超过 \(max / 1_048_576) MB", "At most \(max / 1_048_576) MB per file")], status: .payloadTooLarge)
        }
        guard let kind = AttachmentKind.sniff(file.data.readableBytesView) else {
            throw FieldErrors(["file": L.t("只能上传 PDF、JPEG 或 PNG 文件", "Only PDF, JPEG or PNG files")])
        }
        if try await DisputeAttachment.query(on: req.db).filter(\.$disputeID == d.id!).count() >= DisputeAttachmentRules.maxPerFile {
            throw FieldErrors(["file": L.t("每个档案最多 \(DisputeAttachmentRules.maxPerFile) 个附件", "At most \(DisputeAttachmentRules.maxPerFile) attachments per file")])
        }
        let data = Data(file.data.readableBytesView)
        let a = DisputeAttachment()
        a.disputeID = d.id!; a.kind = kind; a.size = data.count
        a.originalName = DisputeAttachmentRules.displayName(file.filename, kind: kind)
        a.storageName = DisputeAttachmentRules.storageName(kind: kind)
        a.sha256 = SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined()
        a.userID = try req.user.requireID()
        a.uploadedAt = Date()
        let dir = DisputeAttachmentStore.directory(req.application)
        let path = try DisputeAttachmentStore.path(req.application, a.storageName)
        try await req.application.threadPool.runIfActive {
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            try data.write(to: URL(fileURLWithPath: path), options: [.atomic])
            try? FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: path)
        }
        do {
            try await req.db.transaction { db in
                try await a.create(on: db)
                try await DisputeEvent(disputeID: d.id!, action: "attach", from: d.status, to: d.status, level: d.level,
                                       detail: L.t("上传附件：", "Attached: ") + a.originalName + "（\(DisputeAttachmentRules.sizeText(a.size))）", userID: a.userID, at: a.uploadedAt).create(on: db)
                await req.audit("dispute.attachment.upload", entity: "dispute", id: d.id.map(String.init),
                                detail: "attachment=\(a.id ?? 0) \(kind.rawValue) \(a.size) bytes sha256=\(a.sha256) name=\(a.originalName)", on: db)
            }
        } catch {
            try? FileManager.default.removeItem(atPath: path)
            throw error
        }
        return a
    }

    /// Streams the file as a download (never inline), audited.
    static func download(_ req: Request, _ a: DisputeAttachment, _ d: Dispute) async throws -> Response {
        try req.require(.viewDisputes)
        let path = try DisputeAttachmentStore.path(req.application, a.storageName)
        guard FileManager.default.fileExists(atPath: path) else {
            req.logger.error("dispute attachment missing on disk", metadata: ["attachment": .stringConvertible(a.id ?? 0)])
            throw Abort(.notFound)
        }
        await req.audit("dispute.attachment.download", entity: "dispute", id: d.id.map(String.init), detail: "attachment=\(a.id ?? 0) name=\(a.originalName)")
        let res = try await req.fileio.asyncStreamFile(at: path, mediaType: HTTPMediaType.fileExtension(a.kind.fileExtension))
        res.headers.replaceOrAdd(name: .contentType, value: a.kind.contentType)
        res.headers.replaceOrAdd(name: .contentDisposition, value: contentDisposition(a.originalName, kind: a.kind))
        res.headers.replaceOrAdd(name: .cacheControl, value: "private, no-store")
        return res
    }

    /// `attachment; filename="ascii"; filename*=UTF-8''percent-encoded` (RFC 6266).
    static func contentDisposition(_ name: String, kind: AttachmentKind) -> String {
        let plain = CharacterSet(charactersIn: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-_ ()")
        var ascii = String(name.unicodeScalars.map { plain.contains($0) ? Character($0) : "_" })
        if ascii.allSatisfy({ $0 == "_" || $0 == "." }) { ascii = "attachment." + kind.fileExtension }
        var allowed = CharacterSet.alphanumerics.intersection(CharacterSet(charactersIn: Unicode.Scalar(0)...Unicode.Scalar(127)))
        allowed.insert(charactersIn: "-._~")
        let encoded = name.addingPercentEncoding(withAllowedCharacters: allowed) ?? ascii
        return "attachment; filename=\"\(ascii)\"; filename*=UTF-8''\(encoded)"
    }

    /// Removes an attachment: the uploader or an administrator. The timeline and the audit keep its
    /// name and checksum.
    static func delete(_ req: Request, _ a: DisputeAttachment, _ d: Dispute) async throws {
        try req.require(.editDisputes)
        let L = req.lang
        let user = try req.user
        guard user.role == .admin || user.id == a.userID else {
            throw FieldErrors(["attachment": L.t("只有上传人或管理员可以删除附件", "Only the uploader or an administrator can remove an attachment")])
        }
        let path = try DisputeAttachmentStore.path(req.application, a.storageName)
        try await req.db.transaction { db in
            try await a.delete(on: db)
            try await DisputeEvent(disputeID: d.id!, action: "detach", from: d.status, to: d.status, level: d.level,
                                   detail: L.t("删除附件：", "Removed attachment: ") + a.originalName, userID: try user.requireID(), at: Date()).create(on: db)
            await req.audit("dispute.attachment.delete", entity: "dispute", id: d.id.map(String.init), detail: "attachment=\(a.id ?? 0) sha256=\(a.sha256) name=\(a.originalName)", on: db)
        }
        do { try FileManager.default.removeItem(atPath: path) } catch {
            req.logger.warning("dispute attachment file not removed", metadata: ["path": .string(path), "error": .string("\(error)")])
        }
    }
}
