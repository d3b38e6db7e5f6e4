import Fluent
import SQLKit
import Vapor
import PinganKit

/// `pingan import incidents FILE.csv[.gz] --mapping MAPPING.json --as USERNAME [--dry-run]`: loads a
/// city's open incident data into the ledger through a column-mapping file (`IncidentColumnMapping`).
/// All or nothing: any row problem (bad date, unknown subcategory or community, a community outside
/// the user's jurisdiction) is reported with its line and nothing is written.
public enum ExternalImportCLI {
    public struct Outcome: Sendable {
        public var lines = 0
        public var rows = 0
        public var located = 0
        public var skippedBeforeSince = 0
        public var skippedValues = 0
        public var written = false
        /// CLI text of `problemList`.
        public var problems: [String] = []
        public var problemList: [ExternalIncidentProblem] = []
    }

    /// Reads a file; `.gz` through `gzip -dc` (nothing written to disk).
    static func readText(_ path: String) throws -> String {
        if path.hasSuffix(".gz") {
            let p = Process()
            p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            p.arguments = ["gzip", "-dc", path]
            let pipe = Pipe()
            p.standardOutput = pipe
            try p.run()
            let data = pipe.fileHandleForReading.readDataToEndOfFile()
            p.waitUntilExit()
            guard p.terminationStatus == 0 else { throw AdminCLI.Failure(message: "gzip -dc \(path) failed") }
            return String(decoding: data, as: UTF8.self)
        }
        guard let data = FileManager.default.contents(atPath: path) else { throw AdminCLI.Failure(message: "Cannot read \(path)") }
        return String(decoding: data, as: UTF8.self)
    }

    public static func incidents(app: Application, path: String, mappingPath: String, username: String, dryRun: Bool,
                                 defaultTimeZone: String) async throws -> Outcome {
        let db = app.db
        guard let user = try await User.query(on: db).filter(\.$username == username.lowercased()).first(), user.active else {
            throw AdminCLI.Failure(message: "No active user \(username)")
        }
        guard user.role.can(.editIncidents) else { throw AdminCLI.Failure(message: "\(username) may not record incidents") }
        guard let mappingData = FileManager.default.contents(atPath: mappingPath) else { throw AdminCLI.Failure(message: "Cannot read \(mappingPath)") }
        let mapping: IncidentColumnMapping
        do { mapping = try IncidentColumnMapping.decode(json: mappingData) } catch {
            throw AdminCLI.Failure(message: "\(mappingPath) is not a valid mapping: \(error)")
        }
        var out = try await run(db, text: try readText(path), mapping: mapping, user: user, scope: try await Scope.resolve(for: user, on: db),
                                dryRun: dryRun, defaultTimeZone: defaultTimeZone)
        if out.written {
            try await AdminCLI.auditCLI(app, "incident.import", entity: "incident", id: nil,
                                        detail: "\(out.rows) rows from \((path as NSString).lastPathComponent) via \((mappingPath as NSString).lastPathComponent) as \(user.username)")
        }
        out.problems = out.problemList.map(\.description)
        return out
    }

    /// The import itself, shared by the command and the web page. Problems are collected; nothing is
    /// written unless there is none and `dryRun` is false.
    static func run(_ db: any Database, text: String, mapping: IncidentColumnMapping, user: User, scope: Scope, dryRun: Bool,
                    defaultTimeZone: String, progress: (@Sendable (PeopleImport.Progress) -> Void)? = nil) async throws -> Outcome {
        let username = user.username
        guard let tz = TimeZone(identifier: mapping.timeZone ?? defaultTimeZone) else {
            return Outcome(problemList: [.init(line: 0, field: "timeZone", message: "unknown time zone \(mapping.timeZone ?? "")")])
        }
        let source = mapping.source ?? IncidentSource.other.rawValue
        guard IncidentSource(rawValue: source) != nil else { return Outcome(problemList: [.init(line: 0, field: "source", message: "unknown source \(source)")]) }
        let cal = LocalCalendar(timeZone: tz)

        progress?(.init(phase: .checking, rows: 0, fraction: 0))
        let mapped = ExternalIncidents.map(csv: text, mapping: mapping)
        progress?(.init(phase: .checking, rows: mapped.lines, fraction: 0.4))
        var out = Outcome(lines: mapped.lines, skippedBeforeSince: mapped.skippedBeforeSince, skippedValues: mapped.skippedValues)
        out.problemList = mapped.problems

        // Resolve codes against the district's tables and the user's jurisdiction.
        let subs = Dictionary(uniqueKeysWithValues: try await IncidentSubcategoryRow.query(on: db).all().map { ($0.code, $0.value) })
        let communities = try await Division.query(on: db).filter(\.$level == .community).all()
        var byKey: [String: Int] = [:]
        var nameCount: [String: Int] = [:]
        for c in communities { nameCount[c.name, default: 0] += 1 }
        for c in communities {
            byKey[c.code] = c.id!
            if nameCount[c.name] == 1 { byKey[c.name] = c.id! }
        }
        struct Ready { var row: ExternalIncident; var sub: IncidentSubcategory; var community: Int; var at: Date }
        var ready: [Ready] = []
        ready.reserveCapacity(mapped.rows.count)
        for r in mapped.rows {
            guard let sub = subs[r.subcategory] else { out.problemList.append(.init(line: r.line, field: "subcategory", message: "unknown code \(r.subcategory)")); continue }
            // A value that names no community falls back to the mapping's default (e.g. one community for a whole city).
            guard let cid = byKey[r.community] ?? mapping.community.default.flatMap({ byKey[$0] }) else { out.problemList.append(.init(line: r.line, field: "community", message: "no community \(r.community)")); continue }
            guard scope.allowsWholeCommunity(cid) else { out.problemList.append(.init(line: r.line, field: "community", message: "\(r.community) is outside \(username)'s jurisdiction")); continue }
            ready.append(Ready(row: r, sub: sub, community: cid, at: cal.date(year: r.year, month: r.month, day: r.day, hour: r.hour, minute: r.minute)))
        }
        out.rows = ready.count
        out.located = ready.filter { $0.row.latitude != nil }.count
        guard out.problemList.isEmpty, !dryRun else { return out }

        let cols = ["source", "category", "subcategory", "preventable", "occurred_at", "reported_at", "community_id", "address", "latitude", "longitude",
                    "modus_operandi", "description", "status", "created_by_id", "created_at", "updated_at"]
        let now = Date()
        let note = mapping.name.map { "导入：\($0)" } ?? "外部数据导入"
        for start in stride(from: 0, to: ready.count, by: 1000) {
            progress?(.init(phase: .writing, rows: start, fraction: 0.5 + 0.5 * Double(start) / Double(ready.count)))
            let batch = ready[start ..< min(start + 1000, ready.count)]
            try await db.transaction { tx in
                var insert = (tx as! any SQLDatabase).insert(into: "incidents").columns(cols)
                for r in batch {
                    let values: [any Encodable & Sendable] = [
                        source, r.sub.category.rawValue, r.sub.code, r.sub.preventable, r.at, r.at, r.community,
                        r.row.address.isEmpty ? note : r.row.address, r.row.latitude, r.row.longitude, "",
                        r.row.description.isEmpty ? note : r.row.description + "（\(note)）", IncidentStatus.closed.rawValue, user.id!, now, now]
                    insert = insert.values(values.map { SQLBind($0) })
                }
                try await insert.run()
            }
        }
        out.written = true
        return out
    }
}
