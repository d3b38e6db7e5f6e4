import Foundation
import Vapor

/// Runs `work` when the server has booted and every `interval` after, until shutdown, which waits for a run in flight
/// so the database is not closed under it. A failed run is logged and the next one comes on time.
public class RepeatingTimer: LifecycleHandler, @unchecked Sendable {
    private let lock = NSLock()
    private var task: Task<Void, Never>?
    private let name: String
    private let interval: @Sendable (Application) -> Duration
    private let work: @Sendable (Application) async throws -> Void

    init(name: String, interval: @escaping @Sendable (Application) -> Duration, work: @escaping @Sendable (Application) async throws -> Void) {
        self.name = name; self.interval = interval; self.work = work
    }

    /// Whether this server should run it at all (a channel that is not configured has nothing to do).
    func isEnabled(_ app: Application) -> Bool { true }

    public func didBoot(_ app: Application) throws {
        guard isEnabled(app) else { return }
        let (name, interval, work) = (self.name, self.interval(app), self.work)
        let t = Task {
            while !Task.isCancelled {
                do { try await work(app) } catch { app.logger.error("\(name) failed", metadata: ["error": .string("\(error)")]) }
                try? await Task.sleep(for: interval)
            }
        }
        lock.withLock { task = t }
    }

    public func shutdown(_ app: Application) { lock.withLock { task?.cancel(); task = nil } }

    public func shutdownAsync(_ app: Application) async {
        let t = lock.withLock { let t = task; task = nil; return t }
        t?.cancel()
        await t?.value
    }
}
