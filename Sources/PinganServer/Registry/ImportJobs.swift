import Foundation
import NIOConcurrencyHelpers
import Vapor
import PinganKit

/// Web imports of large files run after the upload is answered, so the page can show how far they are
/// instead of a tab spinning for minutes (and a proxy timeout losing the report). The jobs live in this
/// process: a restart forgets them, which loses nothing — an import is all-or-nothing per batch and a
/// re-run updates by ID number instead of duplicating.
final class ImportJobs: Sendable {
    struct Job: Sendable, Content {
        var id: Int
        var userID: Int
        var fileName: String
        var dryRun: Bool
        var startedAt: Date
        var finishedAt: Date?
        var phase: String          // queued, checking, writing, indexing, done, failed
        var rows: Int
        var fraction: Double
        var report: PeopleImport.Report?
        var fieldErrors: [String: String]?
        var problem: String?
    }

    /// Files at least this large go to the background; smaller ones are answered in the same request.
    nonisolated(unsafe) static var backgroundMinimumBytes = 1 << 20
    private let jobs = NIOLockedValueBox([Int: Job]())
    private let lastID = NIOLockedValueBox(0)

    func start(userID: Int, fileName: String, dryRun: Bool) -> Job {
        // Plain numbers are enough: a job answers its own user only.
        let job = Job(id: lastID.withLockedValue { $0 += 1; return $0 }, userID: userID, fileName: fileName, dryRun: dryRun, startedAt: Date(),
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
    func job(_ id: Int?, for userID: Int) -> Job? {
        guard let id, let j = jobs.withLockedValue({ $0[id] }), j.userID == userID else { return nil }
        return j
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

private struct ImportJobsKey: StorageKey { typealias Value = ImportJobs }
extension Application {
    var importJobs: ImportJobs {
        get { storage[ImportJobsKey.self]! }
        set { storage[ImportJobsKey.self] = newValue }
    }
}
