import Foundation
import Logging

/// The database (and its WAL and shared-memory files), uploads and keys are for this server's user only: files 0600,
/// directories 0700 (issue 22). SQLite gives the -wal and -shm files the mode of the database file, so creating the
/// database 0600 before SQLite opens it covers all three; `pingan` also sets its umask to 077 at start.
enum PrivateFiles {
    static func prepareDatabase(_ path: String, logger: Logger) {
        let fm = FileManager.default
        if !fm.fileExists(atPath: path) {
            _ = fm.createFile(atPath: path, contents: nil, attributes: [.posixPermissions: 0o600])
            return
        }
        for p in [path, path + "-wal", path + "-shm"] where fm.fileExists(atPath: p) {
            if let mode = (try? fm.attributesOfItem(atPath: p))?[.posixPermissions] as? NSNumber, mode.intValue & 0o077 != 0 {
                try? fm.setAttributes([.posixPermissions: 0o600], ofItemAtPath: p)
                logger.notice("tightened \(p) to mode 0600 (it was \(String(mode.intValue, radix: 8)))")
            }
        }
    }

    static func prepareDirectory(_ path: String) {
        if !FileManager.default.fileExists(atPath: path) {
            try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        }
    }
}

extension AppConfig {
    /// Scheme, host and port users reach the server at: PINGAN_PUBLIC_URL, else the configured listen address.
    var siteBase: String { publicURL ?? "http://\(hostname):\(port)" }
}
