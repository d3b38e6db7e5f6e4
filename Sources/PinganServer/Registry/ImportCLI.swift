import Fluent
import Vapor
import PinganKit

/// `pingan import people FILE --as USER [--dry-run]`: the web import's rules, run as a named user
/// (scope and audit attribution come from that account). The file is streamed, never loaded whole.
public enum ImportCLI {
    public struct Outcome: Sendable { public var rows, created, updated: Int; public var written: Bool; public var problems: [String] }

    /// `phase` is "checking", "writing" or "indexing" (a bulk load rebuilding its indexes); `fraction` runs 0…1 within each phase.
    public static func people(app: Application, path: String, username: String, dryRun: Bool, english: Bool,
                              progress: @escaping (_ phase: String, _ rows: Int, _ fraction: Double) -> Void) async throws -> Outcome {
        guard let user = try await User.query(on: app.db).filter(\.$username == username.lowercased()).first(), user.active else {
            throw AdminCLI.Failure(message: "No active user \(username)")
        }
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: path), let size = attributes[.size] as? Int else {
            throw AdminCLI.Failure(message: "Cannot read \(path)")
        }
        let req = Request(application: app, method: .POST, url: URI(string: "/cli/import?lang=" + (english ? "en" : "zh")), on: app.eventLoopGroup.any())
        req.auth.login(user)
        do {
            let r = try await PeopleImport.run(req, source: .file(path: path, size: size), dryRun: dryRun) { p in progress(p.phase.rawValue, p.rows, p.fraction) }
            return Outcome(rows: r.rows, created: r.created, updated: r.updated, written: r.written, problems: r.errors.map { "row \($0.row) \($0.field): \($0.message)" })
        } catch let e as FieldErrors {
            throw AdminCLI.Failure(message: e.fields.values.sorted().joined(separator: "\n"))
        }
    }

    /// `pingan import sites FILE --kind KIND --as USER [--dry-run]`: one site kind, the web import's rules.
    public static func sites(app: Application, path: String, kind rawKind: String, username: String, dryRun: Bool, english: Bool,
                             progress: @escaping @Sendable (_ phase: String, _ rows: Int, _ fraction: Double) -> Void) async throws -> Outcome {
        guard let kind = SiteKind(rawValue: rawKind) else {
            throw AdminCLI.Failure(message: "Unknown kind \(rawKind); one of: " + SiteKind.allCases.map(\.rawValue).joined(separator: ", "))
        }
        guard let user = try await User.query(on: app.db).filter(\.$username == username.lowercased()).first(), user.active else {
            throw AdminCLI.Failure(message: "No active user \(username)")
        }
        guard let data = FileManager.default.contents(atPath: path) else { throw AdminCLI.Failure(message: "Cannot read \(path)") }
        guard let text = String(data: data, encoding: .utf8) else { throw AdminCLI.Failure(message: "\(path) is not UTF-8 text") }
        let req = Request(application: app, method: .POST, url: URI(string: "/cli/import?lang=" + (english ? "en" : "zh")), on: app.eventLoopGroup.any())
        req.auth.login(user)
        do {
            let r = try await SiteImport.run(req, kind: kind, csv: text, dryRun: dryRun) { p in progress(p.phase.rawValue, p.rows, p.fraction) }
            return Outcome(rows: r.rows, created: r.created, updated: r.updated, written: r.written, problems: r.errors.map { "row \($0.row) \($0.field): \($0.message)" })
        } catch let e as FieldErrors {
            throw AdminCLI.Failure(message: e.fields.values.sorted().joined(separator: "\n"))
        }
    }
}
