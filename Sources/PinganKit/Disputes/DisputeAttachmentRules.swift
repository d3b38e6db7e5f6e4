import Foundation

/// The kinds of file a dispute file accepts as an attachment (e.g. a signed agreement scan). The kind
/// is decided by the first bytes of the content, never by the client's file name or content type.
public enum AttachmentKind: String, CaseIterable, Codable, Sendable {
    case pdf, jpeg, png

    public var contentType: String {
        switch self { case .pdf: "application/pdf"; case .jpeg: "image/jpeg"; case .png: "image/png" }
    }
    public var fileExtension: String {
        switch self { case .pdf: "pdf"; case .jpeg: "jpg"; case .png: "png" }
    }

    /// Content sniffing: PDF (`%PDF-`), JPEG (FF D8 FF), PNG (the 8-byte signature). Anything else is nil.
    public static func sniff<C: Collection>(_ bytes: C) -> AttachmentKind? where C.Element == UInt8 {
        let head = Array(bytes.prefix(8))
        if head.starts(with: [0x25, 0x50, 0x44, 0x46, 0x2D]) { return .pdf }
        if head.starts(with: [0xFF, 0xD8, 0xFF]) { return .jpeg }
        if head.starts(with: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) { return .png }
        return nil
    }
}

public enum DisputeAttachmentRules {
    /// Default size limit per attachment; `PINGAN_UPLOAD_MAX_MB` changes it.
    public static let defaultMaxBytes = 10 * 1024 * 1024
    public static let maxPerFile = 50
    public static let maxNameLength = 120

    /// The name shown to users: the last path component of what the client sent, without control
    /// characters, shortened. It is display text only; files on disk get server-generated names.
    public static func displayName(_ raw: String?, kind: AttachmentKind) -> String {
        var s = (raw ?? "").replacingOccurrences(of: "\\", with: "/")
        if let last = s.split(separator: "/").last { s = String(last) } else { s = "" }
        s = String(s.unicodeScalars.filter { !CharacterSet.controlCharacters.contains($0) })
        s = s.trimmingCharacters(in: .whitespacesAndNewlines)
        while s.hasPrefix(".") { s.removeFirst() }
        if s.isEmpty { s = "attachment.\(kind.fileExtension)" }
        if s.count > maxNameLength {
            let ext = (s as NSString).pathExtension
            let keep = maxNameLength - (ext.isEmpty ? 0 : ext.count + 1) - 1
            s = String(s.prefix(max(1, keep))) + "…" + (ext.isEmpty ? "" : "." + ext)
        }
        return s
    }

    /// A server-generated storage name: random hex and the sniffed kind's extension.
    public static func storageName(kind: AttachmentKind, random: UUID = UUID()) -> String {
        random.uuidString.replacingOccurrences(of: "-", with: "").lowercased() + "." + kind.fileExtension
    }

    /// Storage names the store will open: exactly what `storageName` produces (no path tricks).
    public static func isStorageName(_ s: String) -> Bool {
        s.range(of: "^[0-9a-f]{32}\\.(pdf|jpg|png)$", options: .regularExpression) != nil
    }

    /// "1.2 MB", "350 KB".
    public static func sizeText(_ bytes: Int) -> String {
        if bytes >= 1024 * 1024 { return String(format: "%.1f MB", Double(bytes) / 1_048_576) }
        return "\(max(1, (bytes + 1023) / 1024)) KB"
    }
}

public extension DisputeStatus {
    /// The file's details (parties, summary, type, place, risk flags) may be corrected until it is
    /// finished: closed, followed up, declined or referred files are no longer edited.
    var detailsEditable: Bool { [.registered, .accepted, .assigned, .mediating].contains(self) }
}
