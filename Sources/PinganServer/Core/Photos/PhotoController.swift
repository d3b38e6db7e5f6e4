import Fluent
import Vapor
import PinganKit

/// What a photo belongs to. Each owner's feature registers how to tell whether the user may see the record.
enum PhotoOwner: String, Codable, Sendable, CaseIterable {
    case gridEvent = "grid_event"
    case portalRequest = "portal_request"
    /// A joint-enforcement campaign's place: photos of its rectification (整治) and closure (销帐).
    case campaignTarget = "campaign_target"
}

/// The per-owner checks: "may this user see record `id`?" (the feature's own scoped load), and "may they moderate?".
final class PhotoOwners: @unchecked Sendable {
    struct Rules: Sendable {
        var canSee: @Sendable (Request, Int) async throws -> Bool
        var moderate: Permission
    }
    private var rules: [PhotoOwner: Rules] = [:]
    func register(_ owner: PhotoOwner, moderate: Permission, canSee: @escaping @Sendable (Request, Int) async throws -> Bool) {
        rules[owner] = Rules(canSee: canSee, moderate: moderate)
    }
    func rules(_ owner: String) -> Rules? { PhotoOwner(rawValue: owner).flatMap { rules[$0] } }
}

private struct PhotoOwnersKey: StorageKey { typealias Value = PhotoOwners }
extension Application {
    var photoOwners: PhotoOwners {
        get { storage[PhotoOwnersKey.self] ?? PhotoOwners() }
        set { storage[PhotoOwnersKey.self] = newValue }
    }
}

struct PhotoDTO: Content {
    var id: Int
    var url: String?
    var thumbURL: String?
    var width: Int
    var height: Int
    var format: String
    var moderation: PhotoModeration
    /// The position the file carried (WGS-84), for staff; never shown to the public.
    var lat: Double?
    var lon: Double?

    init(_ p: Photo) {
        id = p.id ?? 0
        url = p.decodable ? "/photos/\(id)" : "/photos/\(id)/original"
        thumbURL = p.thumbName == nil ? nil : "/photos/\(id)/thumb"
        width = p.width; height = p.height; format = p.format; moderation = p.moderation
        lat = p.gpsLat; lon = p.gpsLon
    }
}

/// Signed-in photo routes: the display copy, the thumbnail and the (metadata-stripped) original, each only when the
/// owner's record is visible to the user (otherwise 404, like a missing photo); viewing a non-public photo's display
/// copy or original is audited. Moderation of residents' photos by the owner's staff.
struct PhotoController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get("photos", ":id", use: display)
        routes.get("photos", ":id", "thumb", use: thumb)
        routes.get("photos", ":id", "original", use: original)
        routes.post("photos", ":id", "moderation", use: moderate)
    }

    static func visible(_ req: Request, _ id: Int?) async throws -> Photo {
        guard let id, let p = try await Photo.find(id, on: req.db), let rules = req.application.photoOwners.rules(p.owner),
              try await rules.canSee(req, p.ownerID) else { throw Abort(.notFound) }
        return p
    }

    static func serve(_ req: Request, _ p: Photo, name: String?, download: Bool) async throws -> Response {
        guard let name else { throw Abort(.notFound) }
        let path = try PhotoStore.path(req.application, name)
        guard FileManager.default.fileExists(atPath: path) else { throw Abort(.notFound) }
        let res = try await req.fileio.asyncStreamFile(at: path)
        let type = name.hasSuffix(".jpg") ? "image/jpeg" : name.hasSuffix(".png") ? "image/png" : "application/octet-stream"
        res.headers.replaceOrAdd(name: .contentType, value: type)
        res.headers.replaceOrAdd(name: .cacheControl, value: "private, no-store")
        if download { res.headers.replaceOrAdd(name: .contentDisposition, value: "attachment; filename=\"photo-\(p.id ?? 0).\(name.split(separator: ".").last ?? "bin")\"") }
        return res
    }

    @Sendable func display(req: Request) async throws -> Response {
        let p = try await Self.visible(req, req.parameters.get("id", as: Int.self))
        guard p.decodable else { return try await original(req: req) }
        if p.moderation != .approved { await req.audit("photo.view", entity: p.owner, id: "\(p.ownerID)", detail: "photo=\(p.id ?? 0)") }
        return try await Self.serve(req, p, name: p.displayName, download: false)
    }

    @Sendable func thumb(req: Request) async throws -> Response {
        let p = try await Self.visible(req, req.parameters.get("id", as: Int.self))
        return try await Self.serve(req, p, name: p.thumbName, download: false)
    }

    @Sendable func original(req: Request) async throws -> Response {
        let p = try await Self.visible(req, req.parameters.get("id", as: Int.self))
        await req.audit("photo.download", entity: p.owner, id: "\(p.ownerID)", detail: "photo=\(p.id ?? 0) original sha256=\(p.sha256)")
        return try await Self.serve(req, p, name: p.originalName, download: true)
    }

    struct ModerationInput: Content { var moderation: String?; var note: String? }

    @Sendable func moderate(req: Request) async throws -> Response {
        let p = try await Self.visible(req, req.parameters.get("id", as: Int.self))
        guard let rules = req.application.photoOwners.rules(p.owner) else { throw Abort(.notFound) }
        try req.require(rules.moderate)
        let L = req.lang
        let input = try req.content.decode(ModerationInput.self)
        guard let m = input.moderation.flatMap(PhotoModeration.init(rawValue:)), m != .pending else {
            throw FieldErrors(["moderation": L.t("请选择“可公开”或“仅内部”", "Choose public or internal")])
        }
        if m == .approved && !p.decodable {
            throw FieldErrors(["moderation": L.t("无法生成去除位置信息的副本的照片不能公开", "A photo the server could not re-encode without its metadata cannot be public")])
        }
        let note = String((input.note ?? "").trimmed.prefix(200))
        try await req.db.transaction { db in
            p.moderation = m; p.moderationNote = note
            try await p.save(on: db)
            await req.audit("photo.moderate", entity: p.owner, id: "\(p.ownerID)", detail: "photo=\(p.id ?? 0) \(m.rawValue) \(note)", on: db)
        }
        if req.headers.accept.contains(where: { $0.mediaType == .json }) || req.url.path.hasPrefix("/api/") {
            return try await PhotoDTO(p).encodeResponse(for: req)
        }
        return req.redirect(to: req.headers.first(name: .referer).flatMap { URL(string: $0)?.path } ?? "/")
    }
}

/// Residents see a photo only once staff approved it, and only its re-encoded copy (no metadata, upright).
struct PublicPhotoController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get("public", "photos", ":id", use: show)
    }
    @Sendable func show(req: Request) async throws -> Response {
        guard let id = req.parameters.get("id", as: Int.self), let p = try await Photo.find(id, on: req.db),
              p.moderation == .approved, p.decodable else { throw Abort(.notFound) }
        let res = try await PhotoController.serve(req, p, name: p.displayName, download: false)
        res.headers.replaceOrAdd(name: .cacheControl, value: "public, max-age=300")
        return res
    }
}
