import Foundation
import Vapor

/// Where uploaded files live (dispute attachments, photos): `PINGAN_UPLOADS`, else `uploads/` beside the SQLite file
/// (`./uploads` on PostgreSQL); tests use a directory under the system temp dir. Created 0700; back it up with the
/// database.
enum Uploads {
    static func root(_ app: Application) -> String {
        if let d = Environment.get("PINGAN_UPLOADS"), !d.isEmpty { return d }
        switch app.pingan.database {
        case .sqliteFile(let path):
            let dir = (path as NSString).deletingLastPathComponent
            return (dir.isEmpty ? "." : dir) + "/uploads"
        case .sqliteMemory:
            return NSTemporaryDirectory() + "pingan-test-uploads-\(getpid())"
        case .postgres:
            return app.environment == .testing ? NSTemporaryDirectory() + "pingan-test-uploads-\(getpid())" : "uploads"
        }
    }

}
