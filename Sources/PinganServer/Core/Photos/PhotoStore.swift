import Crypto
import Fluent
import Foundation
import NIOConcurrencyHelpers
import Vapor
import PinganKit

/// Stores and serves photos for any feature. A feature registers who may see its photos (`PhotoOwners`), attaches
/// uploads with `PhotoStore.attach`, and links to `/photos/{id}` (display) and `/photos/{id}/thumb`.
///
/// Uploads: JPEG, PNG and phones' HEIC (decided from the bytes, never the name), `PINGAN_PHOTO_MAX_MB` each (default
/// 12), at most `maxPerUpload` at once. JPEG/PNG are decoded, turned upright and re-encoded without any metadata —
/// those copies are the only ones shown; the original is kept with its metadata stripped, for staff only. A HEIC is
/// kept privately without thumbnails (this server cannot decode it) and is never shown publicly.
enum PhotoStore {
    static var maxBytes: Int { Environment.get("PINGAN_PHOTO_MAX_MB").flatMap(Int.init).flatMap { (1...50).contains($0) ? $0 << 20 : nil } ?? 12 << 20 }
    static let maxPerUpload = 6
    /// What a form with photos may send (the photos plus the form).
    static var bodyLimit: ByteCount { ByteCount(value: maxBytes * maxPerUpload + (1 << 20)) }
    /// Decoding a 12-MP photo takes ~0.4 s and up to ~80 MB: at most two at a time, off the event loops.
    static let processing = ProcessingSlots(2)

    static func directory(_ app: Application) -> String { Uploads.root(app) + "/photos" }

    static func path(_ app: Application, _ name: String) throws -> String {
        guard isStorageName(name) else { throw Abort(.notFound) }
        return directory(app) + "/" + name
    }

    /// Only names the server generated are ever opened: 32 hex digits, a role letter, an extension.
    static func isStorageName(_ s: String) -> Bool {
        let parts = s.split(separator: ".")
        guard parts.count == 3, parts[0].count == 32, parts[0].allSatisfy(\.isHexDigit), ["o", "d", "t"].contains(parts[1]),
              ["jpg", "png", "heic", "heif", "webp", "avif", "gif"].contains(parts[2]) else { return false }
        return true
    }

    /// A photo checked and processed, not yet stored.
    struct Prepared: Sendable {
        var processed: ProcessedPhoto
        var original: Data
        var sha256: String
        var size: Int
    }

    /// Checks and processes uploaded files; every problem is a field message under `field`.
    static func prepare(_ req: Request, _ files: [File], field: String = "photos") async throws -> [Prepared] {
        let L = req.lang
        let files = files.filter { $0.data.readableBytes > 0 }
        if files.count > maxPerUpload { throw FieldErrors([field: L.t("一次最多上传 \(maxPerUpload) 张照片", "At most \(maxPerUpload) photos at once")]) }
        var out: [Prepared] = []
        for (i, f) in files.enumerated() {
            let n = files.count > 1 ? L.t("第\(i + 1)张照片：", "Photo \(i + 1): ") : ""
            if f.data.readableBytes > maxBytes {
                throw FieldErrors([field: n + L.t("照片不能超过 \(maxBytes >> 20) MB", "at most \(maxBytes >> 20) MB per photo")], status: .payloadTooLarge)
            }
            let data = Data(f.data.readableBytesView)
            let processed: ProcessedPhoto
            do {
                processed = try await processing.run { try await req.application.threadPool.runIfActive { try PhotoProcessor.process(data) } }
            } catch let e as MediaError {
                throw FieldErrors([field: n + L.t(e.messageZh, e.messageEn)])
            }
            guard [.jpeg, .png, .heic].contains(processed.format) else {
                throw FieldErrors([field: n + L.t("只能上传 JPEG、PNG 或手机的 HEIC 照片", "Only JPEG, PNG or a phone's HEIC photos")])
            }
            let stripped = processed.format == .heic ? data : ((try? MetadataStripper.strip(data)) ?? data)
            out.append(Prepared(processed: processed, original: stripped, sha256: SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined(), size: data.count))
        }
        return out
    }

    /// Writes the files, then the rows in `db` (the caller's transaction). On failure the caller calls `discard`.
    static func attach(_ req: Request, _ prepared: [Prepared], owner: PhotoOwner, ownerID: Int, stepID: Int? = nil,
                       moderation: PhotoModeration, uploadedBy: Int?, on db: any Database) async throws -> [Photo] {
        let dir = directory(req.application)
        var written: [String] = []
        var photos: [Photo] = []
        do {
            for p in prepared {
                let stem = UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
                let ext = p.processed.format.fileExtension
                let files: [(String, Data)] = [("\(stem).o.\(ext)", p.original)]
                    + (p.processed.display.map { [("\(stem).d.jpg", $0)] } ?? []) + (p.processed.thumbnail.map { [("\(stem).t.jpg", $0)] } ?? [])
                try await req.application.threadPool.runIfActive {
                    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
                    for (name, data) in files {
                        let path = dir + "/" + name
                        try data.write(to: URL(fileURLWithPath: path), options: [.atomic])
                        try? FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: path)
                    }
                }
                written += files.map(\.0)
                let ph = Photo()
                ph.owner = owner.rawValue; ph.ownerID = ownerID; ph.stepID = stepID
                ph.format = p.processed.format.rawValue
                ph.originalName = files[0].0
                ph.displayName = p.processed.display == nil ? nil : "\(stem).d.jpg"
                ph.thumbName = p.processed.thumbnail == nil ? nil : "\(stem).t.jpg"
                let size = p.processed.uprightSize
                ph.width = size?.width ?? 0; ph.height = size?.height ?? 0
                ph.size = p.size; ph.sha256 = p.sha256
                ph.gpsLat = p.processed.metadata.location?.latitude; ph.gpsLon = p.processed.metadata.location?.longitude
                ph.camera = p.processed.metadata.camera ?? ""
                ph.moderation = moderation; ph.moderationNote = ""
                ph.uploadedBy = uploadedBy; ph.createdAt = Date()
                try await ph.create(on: db)
                photos.append(ph)
            }
        } catch {
            discard(req.application, written)
            throw error
        }
        return photos
    }

    static func discard(_ app: Application, _ names: [String]) {
        for n in names { try? FileManager.default.removeItem(atPath: directory(app) + "/" + n) }
    }

    /// The stored file names of photos (to remove them after a failed transaction).
    static func files(of photos: [Photo]) -> [String] { photos.flatMap { [$0.originalName, $0.displayName, $0.thumbName].compactMap { $0 } } }
}

/// A small counting semaphore for async work (photo decoding is CPU- and memory-heavy).
final class ProcessingSlots: @unchecked Sendable {
    private let lock = NIOLock()
    private var free: Int
    private var waiting: [CheckedContinuation<Void, Never>] = []
    init(_ n: Int) { free = n }

    func run<T: Sendable>(_ body: @Sendable () async throws -> T) async throws -> T {
        await acquire()
        defer { release() }
        return try await body()
    }
    private func acquire() async {
        await withCheckedContinuation { (c: CheckedContinuation<Void, Never>) in
            let now: Bool = lock.withLock { if free > 0 { free -= 1; return true }; waiting.append(c); return false }
            if now { c.resume() }
        }
    }
    private func release() {
        let next: CheckedContinuation<Void, Never>? = lock.withLock { if waiting.isEmpty { free += 1; return nil }; return waiting.removeFirst() }
        next?.resume()
    }
}
