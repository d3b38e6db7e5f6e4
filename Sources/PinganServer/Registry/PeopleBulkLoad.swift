import Fluent
import SQLKit
import FluentSQLiteDriver
import Vapor
import PinganKit

/// The bulk-load route of `PeopleImport` (a district's first load): one read, one transaction.
extension PeopleImport {
    /// Data rows in the source, from its line breaks (a quoted cell with a line break counts twice: this only
    /// decides between the bulk load and batches).
    static func estimatedRows(_ source: Source) -> Int {
        var lines = 0
        switch source {
        case .text(let t):
            for b in t.utf8 where b == 0x0A { lines += 1 }
            if t.utf8.last != 0x0A { lines += 1 }
        case .file(let path, _):
            guard let handle = FileHandle(forReadingAtPath: path) else { return 0 }
            defer { try? handle.close() }
            var last: UInt8 = 0x0A
            while true {
                let data = handle.readData(ofLength: 1 << 20)
                if data.isEmpty { break }
                data.withUnsafeBytes { raw in for b in raw where b == 0x0A { lines += 1 } }
                last = data.last ?? last
            }
            if last != 0x0A { lines += 1 }
        }
        return max(0, lines - 1)
    }

    /// Thrown out of the bulk load's transaction so that a file with any bad row writes nothing.
    private struct RolledBack: Error { var report: Report }

    /// A bulk load (the table at least doubles): one read of the file and one transaction. Each block of rows
    /// is checked, blind-indexed and sealed on every core, checked against earlier rows of the file and the
    /// registry, and written — while the next block is being checked. The first bad row stops the writing
    /// (the rest is still checked, for the report) and the whole transaction rolls back, so the file writes
    /// all or nothing, as in the two-pass import; a kill -9 leaves the table as it was. Checking the file
    /// first and reading it again to write, as smaller imports do, cost a fifth of a district's load.
    /// Secondary indexes are dropped and rebuilt inside the transaction (`PeopleIndexes`); committing every
    /// 1,000 rows instead wrote each dirtied page of the ID number's unique index (random keys: about one
    /// page per row) to the WAL again and again. The cost: other writers wait for the load (bench/README.md).
    static func bulkLoad(_ req: Request, source: Source, ctx: Context, present: Set<String>, progress: @escaping (Progress) -> Void) async throws -> Report {
        let L = ctx.L, scope = ctx.scope, cipher = req.cipher
        let userID = try req.user.requireID()
        let now = Date()
        // Each row that names a number held outside the importer's jurisdiction tells them it exists: audited like an
        // identifier lookup, after the transaction (a refused import rolls back, the audit must stay).
        let outsideCollisions = Counter()
        let report: Report
        do {
            report = try await req.db.transaction { db -> Report in
                var errors: [RowError] = []
                var errorCount = 0, rows = 0, existing = 0, written = 0, line = 1
                var duplicates = PeopleImport.FileDuplicates()
                var isHeader = true
                var fraction = 0.0
                let tx = db as! any SQLDatabase
                if tx.dialect.name == "sqlite" {
                    // Random blind-index keys touch pages all over the unique index: a 128 MB page cache instead of 2 MB.
                    try await tx.raw("PRAGMA cache_size = -131072").run()
                }
                try await PeopleIndexes.drop(on: tx)
                var inFlight: Task<Void, any Error>? = nil
                func report(_ row: Int, _ field: String, _ message: String) {
                    errorCount += 1
                    if errors.count < reportLimit { errors.append(RowError(row: row, field: field, message: message)) }
                }
                do {
                    try await forEachBlock(source, progress: { fraction = $0 }) { block in
                        var items: [([String], Int)] = []
                        items.reserveCapacity(block.count)
                        for cells in block {
                            if isHeader { isHeader = false; continue }
                            line += 1
                            if cells.allSatisfy({ $0.trimmed.isEmpty }) { continue }
                            rows += 1
                            items.append((cells, line))
                        }
                        // Once a row is bad nothing more is written, so nothing more is sealed.
                        let seal = errorCount == 0
                        let checked = await items.concurrentMap { item -> (row: Int, errors: [String: String], index: String?, values: Result<[StoredValue], any Error>?) in
                            var e = FieldErrors()
                            guard let row = ctx.check(item.0, errors: &e) else { return (item.1, e.fields, nil, nil) }
                            let ix = cipher.blindIndex(row.resident.value, field: "id_number")
                            return (item.1, e.fields, ix, seal ? Result { try storedValues(row, cipher: cipher, userID: userID, now: now) } : nil)
                        }
                        var keys: [(index: String, row: Int)] = []
                        var good: [(row: Int, values: [StoredValue])] = []
                        good.reserveCapacity(checked.count)
                        for (rowNumber, fields, ix, values) in checked {
                            var e = FieldErrors(fields)
                            if let ix {
                                if duplicates.isFirst(ix, row: rowNumber, errors: &e, L) {
                                    keys.append((ix, rowNumber))
                                    if e.isEmpty, let values { good.append((rowNumber, try values.get())) }
                                }
                            }
                            for (field, message) in e.fields.sorted(by: { $0.key < $1.key }) { report(rowNumber, field, message) }
                        }
                        // The previous block's write is done before this block reads the registry on the same connection.
                        try await inFlight?.value
                        inFlight = nil
                        var outside = Set<String>()
                        for part in stride(from: 0, to: keys.count, by: batchSize) {
                            let slice = keys[part ..< min(keys.count, part + batchSize)]
                            // unscoped: an ID number is unique in the district: the import must find it anywhere (scope checked on the row)
                            let found = try await tx.select().column("id_number_index").column("community_id").column("grid_id").from("people")
                                .where("id_number_index", .in, slice.map(\.index)).all()
                            var byIndex: [String: (Int, Int?)] = [:]
                            for r in found { byIndex[try r.decode(column: "id_number_index", as: String.self)] = (try r.decode(column: "community_id", as: Int.self), try r.decode(column: "grid_id", as: Int?.self)) }
                            for (ix, row) in slice {
                                guard let (c, g) = byIndex[ix] else { continue }
                                if scope.allows(community: c, grid: g) { existing += 1 }
                                else { outside.insert(ix); report(row, "idNumber", L.t(PersonRules.duplicateID.0, PersonRules.duplicateID.1)) }
                            }
                        }
                        outsideCollisions.add(outside.count)
                        if errorCount == 0, !good.isEmpty {
                            written += good.count
                            inFlight = Task { [good] in
                                for start in stride(from: 0, to: good.count, by: batchSize) {
                                    let b = good[start ..< min(good.count, start + batchSize)]
                                    try await upsert(b.map(\.values), on: db, present: present)
                                    await req.audit("person.import", entity: "person", detail: "rows \(b.first!.row)–\(b.last!.row)", on: db)
                                }
                            }
                        }
                        progress(Progress(phase: .writing, rows: written, fraction: fraction))
                    }
                    try await inFlight?.value
                } catch {
                    try? await inFlight?.value
                    throw error
                }
                errors.sort { ($0.row, $0.field) < ($1.row, $1.field) }
                let result = Report(rows: rows, created: rows - existing, updated: existing, written: errorCount == 0, errors: errors)
                if errorCount > 0 { throw RolledBack(report: result) }
                progress(Progress(phase: .indexing, rows: written, fraction: 1))
                try await PeopleIndexes.ensure(on: tx)
                return result
            }
        } catch let rolledBack as RolledBack {
            report = rolledBack.report
        }
        if outsideCollisions.value > 0 {
            await req.audit("person.id_collision", entity: "person", detail: "import; outside scope; count=\(outsideCollisions.value)")
        }
        return report
    }
}

/// A count shared with the import's transaction closure.
final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var n = 0
    func add(_ k: Int) { lock.lock(); n += k; lock.unlock() }
    var value: Int { lock.lock(); defer { lock.unlock() }; return n }
}
