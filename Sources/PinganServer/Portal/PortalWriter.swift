import Fluent
import Foundation
import NIOConcurrencyHelpers
import SQLKit
import Vapor
import PinganKit

/// Group commit for public submissions on SQLite (issue 6: ≥ 500 submissions/s).
///
/// SQLite has one writer, and a transaction per submission spent most of its time on BEGIN/COMMIT and
/// the commit's fsync. Submissions now queue here; one writer takes everything waiting (up to
/// `maxBatch`), writes it in one transaction and answers each caller when that transaction commits —
/// nobody is told "stored" before the data is durable. If a batch fails, each of its submissions is
/// retried alone, so one bad row cannot fail its neighbours.
actor PortalWriter {
    typealias Write = @Sendable (any Database) async throws -> Void
    private struct Job { let write: Write; let done: CheckedContinuation<Void, any Error> }
    private var pending: [Job] = []
    private var draining = false
    let maxBatch = 64

    /// Runs `write` inside a shared transaction on `db` and returns once it is committed.
    /// `write` may run twice (the retry after a failed batch): it must start from a clean state.
    nonisolated func submit(on db: any Database, _ write: @escaping Write) async throws {
        try await withCheckedThrowingContinuation { (c: CheckedContinuation<Void, any Error>) in
            Task { await self.enqueue(Job(write: write, done: c), db: db) }
        }
    }

    private func enqueue(_ job: Job, db: any Database) {
        pending.append(job)
        guard !draining else { return }
        draining = true
        Task { await self.drain(db) }
    }

    private func drain(_ db: any Database) async {
        while !pending.isEmpty {
            let batch = Array(pending.prefix(maxBatch))
            pending.removeFirst(batch.count)
            do {
                try await db.transaction { tx in for job in batch { try await job.write(tx) } }
                for job in batch { job.done.resume() }
            } catch {
                for job in batch {
                    do { try await db.transaction { tx in try await job.write(tx) }; job.done.resume() }
                    catch { job.done.resume(throwing: error) }
                }
            }
        }
        draining = false
    }
}

/// What every public submission reads — the active request types, which divisions are communities and
/// each community's officer — kept for a few seconds instead of three queries per submission.
/// Editing a request type clears it at once; officer changes show within `ttl`.
final class PortalLookupCache: Sendable {
    let ttl: TimeInterval = 10
    private struct State { var types: (at: Date, value: [PortalRequestType])?; var communities: (at: Date, value: [Int: Int?])? }
    private let state = NIOLockedValueBox(State())

    func types(_ db: any Database) async throws -> [PortalRequestType] {
        let now = Date()
        if let t = state.withLockedValue({ $0.types }), now.timeIntervalSince(t.at) < ttl { return t.value }
        let fresh = try await PortalService.types(db)
        state.withLockedValue { $0.types = (now, fresh) }
        return fresh
    }

    /// Community id → the id of its first active community officer (nil: none); communities only.
    func communities(_ db: any Database) async throws -> [Int: Int?] {
        let now = Date()
        if let c = state.withLockedValue({ $0.communities }), now.timeIntervalSince(c.at) < ttl { return c.value }
        let sql = db as! any SQLDatabase
        var map: [Int: Int?] = [:]
        for r in try await sql.select().column("id").from("divisions").where("level", .equal, DivisionLevel.community.rawValue).all() {
            map[try r.decode(column: "id", as: Int.self)] = .some(nil)
        }
        // The same choice as `PortalService.officer(for:)`: the lowest id among active community officers.
        for r in try await sql.select().column("id").column("scope_division_id").from("users")
            .where("role", .equal, Role.communityOfficer.rawValue).where("active", .equal, true).orderBy("id", .descending).all() {
            if let c = try r.decode(column: "scope_division_id", as: Int?.self), map[c] != nil { map[c] = .some(try r.decode(column: "id", as: Int.self)) }
        }
        state.withLockedValue { $0.communities = (now, map) }
        return map
    }

    func clear() { state.withLockedValue { $0 = State() } }
}

private struct PortalWriterKey: StorageKey { typealias Value = PortalWriter }
private struct PortalLookupCacheKey: StorageKey { typealias Value = PortalLookupCache }
extension Application {
    var portalWriter: PortalWriter {
        get { storage[PortalWriterKey.self] ?? { let w = PortalWriter(); storage[PortalWriterKey.self] = w; return w }() }
        set { storage[PortalWriterKey.self] = newValue }
    }
    var portalLookups: PortalLookupCache {
        get { storage[PortalLookupCacheKey.self] ?? { let c = PortalLookupCache(); storage[PortalLookupCacheKey.self] = c; return c }() }
        set { storage[PortalLookupCacheKey.self] = newValue }
    }
}
