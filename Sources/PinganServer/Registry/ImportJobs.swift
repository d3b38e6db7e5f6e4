import Foundation
import NIOConcurrencyHelpers
import Vapor
import PinganKit

/// Web imports of large files run after the upload is answered, so the page can show how far they are
/// instead of a tab spinning for minutes (and a proxy timeout losing the report). The jobs live in this
/// process: a restart forgets them, which loses nothing — an import is all-or-nothing per batch and a
/// re-run updates by ID number instead of duplicating.
final class ImportJobs: Sendable {
    /// What is imported: each kind's job is reached under its own import page only.
    enum Kind: String, Sendable, Codable { case people, sites, incidents }

    struct Job: Sendable, Content {
        var id: Int
        var kind: Kind
        var userID: Int
        var fileName: String
        var dryRun: Bool
        var startedAt: Date
        var finishedAt: Date?
        var phase: String          // queued, checking, writing, indexing, done, failed
        var rows: Int
        var fraction: Double
        /// People and sites.
        var report: PeopleImport.Report?
        var siteKind: String?
        /// External incidents: the outcome, and the mapping used (to show it again with the result).
        var incidents: IncidentImportSummary?
        var mapping: String?
        var fieldErrors: [String: String]?
        var problem: String?
    }

    /// Files at least this large go to the background; smaller ones are answered in the same request.
    nonisolated(unsafe) static var backgroundMinimumBytes = 1 << 20
    private let jobs = NIOLockedValueBox([Int: Job]())
    private let lastID = NIOLockedValueBox(0)

    func start(userID: Int, fileName: String, dryRun: Bool, kind: Kind = .people) -> Job {
        // Plain numbers are enough: a job answers its own user only.
        let job = Job(id: lastID.withLockedValue { $0 += 1; return $0 }, kind: kind, userID: userID, fileName: fileName, dryRun: dryRun, startedAt: Date(),
                      phase: "queued", rows: 0, fraction: 0)
        jobs.withLockedValue { all in
            // Keep the newest 200: finished jobs are only looked at for a while.
            if all.count >= 200, let oldest = all.values.filter({ $0.finishedAt != nil }).min(by: { $0.startedAt < $1.startedAt }) { all[oldest.id] = nil }
            all[job.id] = job
        }
        return job
    }

    func update(_ id: Int, _ change: (inout Job) -> Void) { jobs.withLockedValue { if var j = $0[id] { change(&j); $0[id] = j } } }

    /// The job, for the user who started it only (anyone else: as if it did not exist).
    func job(_ id: Int?, for userID: Int, kind: Kind = .people) -> Job? {
        guard let id, let j = jobs.withLockedValue({ $0[id] }), j.userID == userID, j.kind == kind else { return nil }
        return j
    }

    /// Progress reports, at most a few a second (the registry is behind a lock the page reads too).
    private func reporter(_ id: Int) -> @Sendable (PeopleImport.Progress) -> Void {
        let last = NIOLockedValueBox(Date.distantPast)
        return { p in
            let now = Date()
            guard last.withLockedValue({ l in
                if now.timeIntervalSince(l) > 0.25 || p.fraction >= 1 { l = now; return true }
                return false
            }) else { return }
            self.update(id) { $0.phase = p.phase.rawValue; $0.rows = p.rows; $0.fraction = p.fraction }
        }
    }

    /// Runs `work` after the request is answered; its outcome or error lands in the job.
    private func background(_ req: Request, _ id: Int, _ what: String, _ work: @escaping @Sendable (@escaping @Sendable (PeopleImport.Progress) -> Void) async throws -> (inout Job) -> Void) {
        let progress = reporter(id)
        Task.detached {
            do {
                let finish = try await work(progress)
                self.update(id) { finish(&$0); $0.phase = "done"; $0.fraction = 1; $0.finishedAt = Date() }
            } catch let e as FieldErrors {
                self.update(id) { $0.fieldErrors = e.fields; $0.phase = "failed"; $0.finishedAt = Date() }
            } catch {
                req.logger.error("\(what) import failed", metadata: ["error": .string(String(describing: error))])
                self.update(id) { $0.problem = String(describing: error); $0.phase = "failed"; $0.finishedAt = Date() }
            }
        }
    }

    /// A site-registry import of one kind, in the background.
    func runSiteImport(_ req: Request, kind: SiteKind, text: String, fileName: String, dryRun: Bool) throws -> Job {
        var job = start(userID: try req.user.requireID(), fileName: fileName, dryRun: dryRun, kind: .sites)
        update(job.id) { $0.siteKind = kind.rawValue }
        job.siteKind = kind.rawValue
        background(req, job.id, "site") { progress in
            let report = try await SiteImport.run(req, kind: kind, csv: text, dryRun: dryRun, progress: progress)
            return { $0.report = report; $0.rows = report.rows }
        }
        return job
    }

    /// An external incident import (column mapping), in the background.
    func runIncidentImport(_ req: Request, text: String, mapping: IncidentColumnMapping, mappingText: String, fileName: String, dryRun: Bool) async throws -> Job {
        let user = try req.user
        let scope = try await req.scope()
        var job = start(userID: try user.requireID(), fileName: fileName, dryRun: dryRun, kind: .incidents)
        update(job.id) { $0.mapping = mappingText }
        job.mapping = mappingText
        let tz = req.config.timeZone
        background(req, job.id, "incident") { progress in
            let outcome = try await ExternalImportCLI.run(req.db, text: text, mapping: mapping, user: user, scope: scope, dryRun: dryRun, defaultTimeZone: tz, progress: progress)
            if outcome.written { await req.audit("incident.import", entity: "incident", detail: "\(outcome.rows) rows via mapping \(mapping.name ?? "")") }
            return { $0.incidents = IncidentImportSummary(outcome); $0.rows = outcome.lines }
        }
        return job
    }

    /// Runs a people import for `req`'s user in the background and records its progress and outcome.
    func runPeopleImport(_ req: Request, text: String, fileName: String, dryRun: Bool) throws -> Job {
        let job = start(userID: try req.user.requireID(), fileName: fileName, dryRun: dryRun)
        let id = job.id
        var lastWrite = Date.distantPast
        Task.detached {
            do {
                let report = try await PeopleImport.run(req, csv: text, dryRun: dryRun) { p in
                    // At most a few updates a second: the registry is behind a lock the page reads too.
                    let now = Date()
                    guard now.timeIntervalSince(lastWrite) > 0.25 || p.fraction >= 1 else { return }
                    lastWrite = now
                    self.update(id) { $0.phase = p.phase.rawValue; $0.rows = p.rows; $0.fraction = p.fraction }
                }
                self.update(id) { $0.report = report; $0.phase = "done"; $0.fraction = 1; $0.rows = report.rows; $0.finishedAt = Date() }
            } catch let e as FieldErrors {
                self.update(id) { $0.fieldErrors = e.fields; $0.phase = "failed"; $0.finishedAt = Date() }
            } catch {
                req.logger.error("people import failed", metadata: ["error": .string(String(describing: error))])
                self.update(id) { $0.problem = String(describing: error); $0.phase = "failed"; $0.finishedAt = Date() }
            }
        }
        return job
    }
}

/// An external incident import's outcome as a job keeps it (JSON-friendly).
struct IncidentImportSummary: Sendable, Content {
    struct Problem: Sendable, Content { var line: Int; var field: String; var message: String }
    var lines: Int, rows: Int, located: Int, skippedBeforeSince: Int, skippedValues: Int, written: Bool
    var problems: [Problem]
    init(_ o: ExternalImportCLI.Outcome) {
        lines = o.lines; rows = o.rows; located = o.located; skippedBeforeSince = o.skippedBeforeSince; skippedValues = o.skippedValues; written = o.written
        problems = o.problemList.map { Problem(line: $0.line, field: $0.field, message: $0.message) }
    }
    var outcome: ExternalImportCLI.Outcome {
        var o = ExternalImportCLI.Outcome()
        o.lines = lines; o.rows = rows; o.located = located; o.skippedBeforeSince = skippedBeforeSince; o.skippedValues = skippedValues; o.written = written
        o.problemList = problems.map { ExternalIncidentProblem(line: $0.line, field: $0.field, message: $0.message) }
        return o
    }
}

/// The progress page every background import shows while it runs (it reloads itself every two seconds).
enum ImportJobViews {
    static func progress(_ req: Request, _ job: ImportJobs.Job, crumbs: [(href: String, zh: String, en: String)]) -> Response {
        let L = req.lang
        let phase: String = switch job.phase {
        case "checking": L.t("正在检查", "Checking")
        case "writing": L.t("正在写入", "Writing")
        case "indexing": L.t("正在重建索引", "Rebuilding indexes")
        default: L.t("排队中", "Queued")
        }
        let elapsed = Int(Date().timeIntervalSince(job.startedAt))
        var trail: [Node] = []
        for c in crumbs { trail += [.a(.href(c.href), .text(L.t(c.zh, c.en))), " › "] }
        let res = Response.page(req, title: L.t("导入进度", "Import progress"),
            .div(.class("breadcrumb"), .group(trail), .text(job.fileName)),
            .h1(.text(L.t("导入进度", "Import progress"))),
            .div(.class("card"),
                .p(.text(job.fileName + (job.dryRun ? L.t("（试导入）", " (dry run)") : ""))),
                .p(.element("progress", [.attr("value", String(format: "%.3f", job.fraction)), .attr("max", "1"), .attr("style", "width:100%")])),
                .p(.text("\(phase) · " + L.t("\(job.rows) 行 · 已用 \(elapsed) 秒", "\(job.rows) rows · \(elapsed) s elapsed") + " · \(Int(job.fraction * 100))%")),
                .p(.class("small muted"), .text(L.t("本页每 2 秒自动刷新；可以离开，稍后再回来查看结果。", "This page refreshes every 2 seconds; you may leave and come back for the result.")))))
        res.headers.replaceOrAdd(name: "Refresh", value: "2")
        return res
    }
}

private struct ImportJobsKey: StorageKey { typealias Value = ImportJobs }
extension Application {
    var importJobs: ImportJobs {
        get { storage[ImportJobsKey.self]! }
        set { storage[ImportJobsKey.self] = newValue }
    }
}
