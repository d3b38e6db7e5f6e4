import Fluent
import SQLKit
import FluentSQLiteDriver
import Vapor
import PinganKit

/// CSV import of the people registry, built for a district's two million rows.
///
/// Two passes over the file, never holding it in memory:
/// 1. **Check** every row with the form's rules (`PersonRules`), the importer's scope, in-file
///    duplicates (by a 64-bit prefix of the ID number's blind index) and records already registered
///    outside the importer's scope (one indexed lookup per 1,000 rows). Any problem: nothing is written.
/// 2. **Write** in transactions of 1,000 rows, each one multi-row `INSERT … ON CONFLICT (id_number_index)
///    DO UPDATE`: re-importing updates in place, and a run killed half-way (kill -9) simply re-runs to
///    the same result, with no duplicates and no partial rows (a batch commits whole or not at all).
/// A bulk load (the import at least doubles the table: a district's first load) takes another route, one read
/// and one transaction with the same checks and the same all-or-nothing outcome: see `bulkLoad`.
/// Columns absent from the header keep their stored values on update.
enum PeopleImport {
    static let columns: [(key: String, names: [String])] = [
        ("name", ["姓名", "name"]),
        ("idNumber", ["公民身份号码", "身份号码", "身份证号", "id_number", "idnumber"]),
        ("phone", ["联系电话", "电话", "phone"]),
        ("category", ["人口类别", "类别", "category"]),
        ("keyType", ["重点人口类型", "key_type", "keytype"]),
        ("community", ["社区代码", "社区", "community_code", "community"]),
        ("grid", ["网格代码", "grid_code", "grid"]),
        ("room", ["房号", "room"]),
        ("hukouAddress", ["户籍地", "hukou_address", "household_registration"]),
        ("residenceExpiresOn", ["暂住有效期至", "暂住登记有效期至", "residence_expires_on"]),
        ("note", ["备注", "note"]),
    ]

    struct RowError: Content { var row: Int; var field: String; var message: String }
    struct Report: Content {
        var rows: Int
        var created: Int
        var updated: Int
        var written: Bool
        var errors: [RowError]
    }

    struct Progress: Sendable { var phase: Phase; var rows: Int; var fraction: Double }
    enum Phase: String, Sendable { case checking, writing, indexing }

    /// Where the rows come from: an uploaded body, or a file read twice in chunks.
    enum Source {
        case text(String)
        case file(path: String, size: Int)
        func forEachRow(progress: (Double) -> Void, _ body: ([String]) throws -> Void) throws {
            switch self {
            case .text(let t): try CSVFile.forEachRow(text: t, body)
            case .file(let path, let size): try CSVFile.forEachRow(path: path, progress: { progress(size > 0 ? Double($0) / Double(size) : 1) }, body)
            }
        }
    }

    static let batchSize = 1000
    static let reportLimit = 1000

    static func run(_ req: Request, csv text: String, dryRun: Bool, progress: @escaping (Progress) -> Void = { _ in }) async throws -> Report {
        try await run(req, source: .text(text), dryRun: dryRun, progress: progress)
    }

    /// One checked row, ready to store.
    struct Row: Sendable {
        var name: String, resident: ResidentID, phone: String?, category: PersonCategory, keyType: KeyPopulationType?
        var communityID: Int, gridID: Int?, room: String, hukou: String, expires: String?, note: String
    }

    struct Context: Sendable {
        let L: Lang
        let scope: Scope
        let index: [String: Int]
        let communityByCode: [String: Int], communityByName: [String: Int], gridCommunity: [String: (id: Int, community: Int)]
        let calendar: LocalCalendar
        let now: Date
        let today: ResidentID.BirthDate

        func check(_ cells: [String], errors e: inout FieldErrors) -> Row? {
            func cell(_ key: String) -> String { index[key].flatMap { $0 < cells.count ? cells[$0] : nil } ?? "" }
            let name = PersonRules.name(cell("name"), L, &e)
            let rawID = cell("idNumber")
            var resident: ResidentID? = nil
            if rawID.nilIfEmpty == nil { e["idNumber"] = L.t("请填写公民身份号码", "Enter the resident ID number") } else { resident = PersonRules.resident(rawID, today: today, L, &e) }
            let phone = PersonRules.phone(cell("phone"), L, &e)
            let rawCategory = cell("category").trimmed
            var category: PersonCategory? = nil
            if rawCategory.isEmpty { e["category"] = L.t("请选择人口类别", "Choose a category") }
            else { category = PersonRules.category(PersonCategory.allCases.first { $0.nameZh == rawCategory }?.rawValue ?? rawCategory, L, &e) }
            let rawKey = cell("keyType").trimmed
            let keyType = PersonRules.keyType(KeyPopulationType.allCases.first { $0.nameZh == rawKey }?.rawValue ?? rawKey, L, &e)
            let expires = PersonRules.date(cell("residenceExpiresOn"), field: "residenceExpiresOn", calendar, L, &e)
            let (storedKey, storedExpiry) = PersonRules.coherent(category: category, keyType: keyType, expires: expires, L, &e)
            let c = cell("community").trimmed
            let communityID = communityByCode[c] ?? communityByName[c]
            if c.isEmpty { e["communityID"] = L.t("请选择社区/村", "Choose a community") }
            else if communityID == nil || !(scope.communityIDs.map { $0.contains(communityID!) } ?? true) {
                e["communityID"] = L.t("社区不存在或不在您的辖区内", "No such community in your jurisdiction")
            }
            var gridID: Int? = nil
            if let g = cell("grid").nilIfEmpty {
                if let found = gridCommunity[g], found.community == communityID { gridID = found.id }
                else if communityID != nil { e["gridID"] = L.t("该网格不属于所选社区", "This grid is not in the chosen community") }
            }
            if let grids = scope.gridIDs, e["communityID"] == nil, !(gridID.map { grids.contains($0) } ?? false) {
                e["gridID"] = L.t("请选择您负责的网格", "Choose one of your grids")
            }
            let room = PersonRules.text(cell("room"), field: "room", max: 20, L, &e)
            let hukou = PersonRules.text(cell("hukouAddress"), field: "hukouAddress", max: 200, L, &e)
            let note = PersonRules.text(cell("note"), field: "note", max: 2000, L, &e)
            guard e.isEmpty, let resident, let category, let communityID else { return nil }
            return Row(name: name, resident: resident, phone: phone, category: category, keyType: storedKey, communityID: communityID, gridID: gridID,
                       room: room, hukou: hukou, expires: storedExpiry, note: note)
        }
    }

    static func key64(_ hexIndex: String) -> UInt64 { UInt64(hexIndex.prefix(16), radix: 16) ?? 0 }

    static func run(_ req: Request, source: Source, dryRun: Bool, progress: @escaping (Progress) -> Void = { _ in }) async throws -> Report {
        try req.require(.editRegistry)
        let L = req.lang
        var header: [String]? = nil
        try? source.forEachRow(progress: { _ in }) { row in if header == nil { header = row; throw CancellationError() } }
        guard let header else { throw FieldErrors(["file": L.t("文件为空", "The file is empty")]) }
        var index: [String: Int] = [:]
        for (i, h) in header.enumerated() {
            let name = h.trimmed.lowercased()
            if let col = columns.first(where: { $0.names.contains(name) }) { index[col.key] = i }
        }
        let missing = ["name", "idNumber", "category", "community"].filter { index[$0] == nil }
        guard missing.isEmpty else {
            throw FieldErrors(["file": L.t("缺少必需的列：", "Missing required columns: ") + missing.joined(separator: ", ")])
        }
        let sql = req.db as! any SQLDatabase
        var communityByCode: [String: Int] = [:], communityByName: [String: Int] = [:], gridCommunity: [String: (id: Int, community: Int)] = [:]
        for r in try await sql.select().column("id").column("code").column("name").column("level").column("community_id").from("divisions")
            .where("level", .in, [DivisionLevel.community.rawValue, DivisionLevel.grid.rawValue]).all() {
            let id = try r.decode(column: "id", as: Int.self), code = try r.decode(column: "code", as: String.self)
            if try r.decode(column: "level", as: String.self) == DivisionLevel.community.rawValue {
                communityByCode[code] = id; communityByName[try r.decode(column: "name", as: String.self)] = id
            } else if let c = try r.decode(column: "community_id", as: Int?.self) { gridCommunity[code] = (id, c) }
        }
        let scope = try await req.scope()
        let now0 = Date()
        let ctx = Context(L: L, scope: scope, index: index, communityByCode: communityByCode, communityByName: communityByName, gridCommunity: gridCommunity,
                          calendar: LocalCalendar(timeZoneIdentifier: req.config.timeZone), now: now0, today: ResidentID.shanghaiDay(of: now0))
        let cipher = req.cipher

        if !dryRun {
            let tableRows = try await Person.query(on: req.db).count()
            if PeopleIndexes.bulkLoad(newRows: estimatedRows(source), existingRows: tableRows) {
                return try await bulkLoad(req, source: source, ctx: ctx, present: Set(index.keys), progress: progress)
            }
        }

        // Pass 1: check everything; write nothing.
        var errors: [RowError] = []
        var errorCount = 0
        var firstRow: [UInt64: Int32] = [:]
        var rows = 0, existing = 0
        var pendingKeys: [(index: String, row: Int)] = []
        var isHeader = true
        func lookup() async throws {
            guard !pendingKeys.isEmpty else { return }
            let found = try await sql.select().column("id_number_index").column("community_id").column("grid_id").from("people")
                .where("id_number_index", .in, pendingKeys.map(\.index)).all()
            var byIndex: [String: (Int, Int?)] = [:]
            for r in found { byIndex[try r.decode(column: "id_number_index", as: String.self)] = (try r.decode(column: "community_id", as: Int.self), try r.decode(column: "grid_id", as: Int?.self)) }
            for (ix, row) in pendingKeys {
                guard let (c, g) = byIndex[ix] else { continue }
                if scope.contains(communityID: c, gridID: g) { existing += 1 }
                else { errorCount += 1; if errors.count < reportLimit { errors.append(RowError(row: row, field: "idNumber", message: L.t(PersonRules.duplicateID.0, PersonRules.duplicateID.1))) } }
            }
            pendingKeys.removeAll(keepingCapacity: true)
        }
        var checked: [([String], Int)] = []
        var fraction = 0.0
        // The parser is synchronous; rows are handed to the async checks a block at a time.
        func drain() async throws {
            // Checking and the blind index (HMAC) run on every core; duplicates are then found in file order.
            let results = await checked.concurrentMap { item -> (row: Int, errors: [String: String], index: String?) in
                var e = FieldErrors()
                let ix = ctx.check(item.0, errors: &e).map { cipher.blindIndex($0.resident.value, field: "id_number") }
                return (item.1, e.fields, ix)
            }
            for (rowNumber, fields, ix) in results {
                var e = FieldErrors(fields)
                if let ix {
                    let k = key64(ix)
                    if let first = firstRow[k] {
                        e["idNumber"] = L.t("与第 \(first) 行身份号码重复", "Same ID number as row \(first)")
                    } else {
                        firstRow[k] = Int32(rowNumber)
                        pendingKeys.append((ix, rowNumber))
                    }
                }
                if !e.isEmpty {
                    errorCount += e.fields.count
                    for (field, message) in e.fields.sorted(by: { $0.key < $1.key }) where errors.count < reportLimit {
                        errors.append(RowError(row: rowNumber, field: field, message: message))
                    }
                }
            }
            checked.removeAll(keepingCapacity: true)
            try await lookup()
            progress(Progress(phase: .checking, rows: rows, fraction: fraction))
        }
        try await forEachBlock(source, progress: { fraction = $0 }) { block in
            for cells in block {
                if isHeader { isHeader = false; continue }
                if cells.allSatisfy({ $0.trimmed.isEmpty }) { continue }
                rows += 1
                checked.append((cells, rows + 1))
            }
            try await drain()
        }
        errors.sort { ($0.row, $0.field) < ($1.row, $1.field) }
        var report = Report(rows: rows, created: rows - existing, updated: existing, written: false, errors: errors)
        if errorCount > 0 || dryRun { return report }
        firstRow = [:]

        // Pass 2: write, 1,000 rows per transaction.
        let userID = try req.user.requireID()
        let present = Set(index.keys)
        var batch: [[StoredValue]] = []
        let now = Date()
        var written = 0, line = 1
        var batchStart = 2
        // Encrypting the next batch overlaps the database writing the previous one (two cores); batches
        // still commit one after another, so a crash leaves whole batches only.
        var inFlight: Task<Void, any Error>? = nil
        func flush() async throws {
            guard !batch.isEmpty else { return }
            let values = batch
            let count = batch.count
            batch.removeAll(keepingCapacity: true)
            let first = batchStart, last = batchStart + count - 1
            try await inFlight?.value
            inFlight = Task {
                try await req.db.transaction { db in
                    let sql = db as! any SQLDatabase
                    if sql.dialect.name == "sqlite" {
                        // Random blind-index keys touch pages all over two large indexes: a 128 MB page cache
                        // (instead of 2 MB) keeps them in memory, and fewer WAL checkpoints mean fewer rewrites.
                        // Temporary storage stays on disk: rebuilding an index sorts the whole table.
                        try await sql.raw("PRAGMA cache_size = -131072").run()
                        try await sql.raw("PRAGMA wal_autocheckpoint = 20000").run()
                    }
                    try await upsert(values, on: db, present: present)
                    await req.audit("person.import", entity: "person", detail: "rows \(first)–\(last)", on: db)
                }
            }
            written += count
            batchStart = last + 1
            progress(Progress(phase: .writing, rows: written, fraction: Double(written) / Double(max(rows, 1))))
        }
        // Reads the file again, re-checking each row, and writes it in batches.
        func write() async throws {
            isHeader = true
            try await forEachBlock(source, progress: { _ in }) { block in
                var items: [([String], Int)] = []
                items.reserveCapacity(block.count)
                for cells in block {
                    if isHeader { isHeader = false; continue }
                    line += 1
                    if cells.allSatisfy({ $0.trimmed.isEmpty }) { continue }
                    items.append((cells, line))
                }
                // Re-checking and sealing (AES-GCM, HMAC) run on every core while the previous batch is written.
                let prepared = await items.concurrentMap { item -> (line: Int, values: Result<[StoredValue], any Error>?) in
                    var e = FieldErrors()
                    guard let row = ctx.check(item.0, errors: &e) else { return (item.1, nil) }
                    return (item.1, Result { try storedValues(row, cipher: cipher, userID: userID, now: now) })
                }
                for (rowLine, values) in prepared {
                    guard let values else { throw Abort(.conflict, reason: "Row \(rowLine) changed between the check and the write; nothing more was written") }
                    if batch.isEmpty { batchStart = rowLine }
                    batch.append(try values.get())
                    if batch.count >= batchSize { try await flush() }
                }
            }
            try await flush()
            try await inFlight?.value
        }
        try await write()
        report.written = true
        return report
    }

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
        do {
            return try await req.db.transaction { db -> Report in
                var errors: [RowError] = []
                var errorCount = 0, rows = 0, existing = 0, written = 0, line = 1
                var firstRow: [UInt64: Int32] = [:]
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
                                let k = key64(ix)
                                if let first = firstRow[k] {
                                    e["idNumber"] = L.t("与第 \(first) 行身份号码重复", "Same ID number as row \(first)")
                                } else {
                                    firstRow[k] = Int32(rowNumber)
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
                            let found = try await tx.select().column("id_number_index").column("community_id").column("grid_id").from("people")
                                .where("id_number_index", .in, slice.map(\.index)).all()
                            var byIndex: [String: (Int, Int?)] = [:]
                            for r in found { byIndex[try r.decode(column: "id_number_index", as: String.self)] = (try r.decode(column: "community_id", as: Int.self), try r.decode(column: "grid_id", as: Int?.self)) }
                            for (ix, row) in slice {
                                guard let (c, g) = byIndex[ix] else { continue }
                                if scope.contains(communityID: c, gridID: g) { existing += 1 }
                                else { outside.insert(ix); report(row, "idNumber", L.t(PersonRules.duplicateID.0, PersonRules.duplicateID.1)) }
                            }
                        }
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
            return rolledBack.report
        }
    }

    /// Reads the source in blocks of rows so the async work (lookups, writes) runs between blocks.
    static func forEachBlock(_ source: Source, progress: @escaping (Double) -> Void, _ body: ([[String]]) async throws -> Void) async throws {
        var block: [[String]] = []
        block.reserveCapacity(batchSize)
        switch source {
        case .text:
            // Uploads are small (the body limit); parse them whole, then hand over in blocks.
            var blocks: [[[String]]] = []
            try source.forEachRow(progress: progress) { row in block.append(row); if block.count >= batchSize { blocks.append(block); block.removeAll(keepingCapacity: true) } }
            if !block.isEmpty { blocks.append(block) }
            for b in blocks { try await body(b) }
        case .file(let path, let size):
            // Stream the file: parse one chunk, process the rows it completed, repeat.
            guard let handle = FileHandle(forReadingAtPath: path) else { throw FieldErrors(["file": "Cannot read \(path)"]) }
            defer { try? handle.close() }
            var parser = CSVByteParser()
            var read = 0
            while true {
                // 256 KB at a time: about 2,400 rows, so a block's sealed rows stay small in memory.
                let data = handle.readData(ofLength: 1 << 18)
                if data.isEmpty { break }
                read += data.count
                data.withUnsafeBytes { raw in parser.feed(raw.bindMemory(to: UInt8.self)) { block.append($0) } }
                progress(size > 0 ? Double(read) / Double(size) : 1)
                if block.count >= batchSize { let b = block; block.removeAll(keepingCapacity: true); try await body(b) }
            }
            parser.finish { block.append($0) }
            if !block.isEmpty { try await body(block) }
        }
    }

    static let insertColumns = ["name", "sex", "birth_date", "id_number_sealed", "id_number_index", "id_number_masked", "phone_sealed", "phone_index", "phone_masked",
                                "hukou_address", "category", "key_type", "community_id", "grid_id", "room", "residence_expires_on", "note", "created_by_id", "created_at", "updated_at"]

    /// Which stored columns each CSV column feeds (absent CSV columns leave these alone on update).
    static let updatedBy: [String: [String]] = [
        "name": ["name"], "idNumber": ["sex", "birth_date", "id_number_sealed", "id_number_masked"], "phone": ["phone_sealed", "phone_index", "phone_masked"],
        "hukouAddress": ["hukou_address"], "category": ["category", "key_type", "residence_expires_on"], "keyType": ["key_type"],
        "community": ["community_id", "grid_id"], "grid": ["grid_id"], "room": ["room"], "residenceExpiresOn": ["residence_expires_on"], "note": ["note"],
    ]

    /// A stored column's value, bound natively by SQLite and through SQLKit elsewhere.
    enum StoredValue: Sendable {
        case text(String), int(Int), date(Date), null
        var sqlite: SQLiteData {
            switch self {
            case .text(let s): .text(s)
            case .int(let i): .integer(i)
            case .date(let d): d.sqliteData ?? .null
            case .null: .null
            }
        }
        var sqlExpression: any SQLExpression {
            switch self {
            case .text(let s): SQLBind(s)
            case .int(let i): SQLBind(i)
            case .date(let d): SQLBind(d)
            case .null: SQLLiteral.null
            }
        }
    }

    /// The row's values in `insertColumns` order, identity data sealed.
    static func storedValues(_ r: Row, cipher: FieldCipher, userID: Int, now: Date) throws -> [StoredValue] {
        let id = r.resident.value
        func text(_ s: String?) -> StoredValue { s.map { .text($0) } ?? .null }
        return [
            .text(r.name), .text(r.resident.isMale ? "M" : "F"), .text(String(r.resident.birthDate.year)), .text(try cipher.seal(id)),
            .text(cipher.blindIndex(id, field: "id_number")), .text(r.resident.masked),
            text(try r.phone.map { try cipher.seal($0) }), text(r.phone.map { cipher.blindIndex($0, field: "phone") }), text(r.phone.map(PhoneNumber.masked)),
            .text(r.hukou), .text(r.category.rawValue), text(r.keyType?.rawValue), .int(r.communityID), r.gridID.map { .int($0) } ?? .null, .text(r.room),
            text(r.expires), .text(r.note), .int(userID), .date(now), .date(now),
        ]
    }

    /// Columns a re-import overwrites: those the file has, plus `updated_at`.
    static func updatedColumns(_ present: Set<String>) -> [String] {
        let update = Set(present.flatMap { updatedBy[$0] ?? [] }).union(["updated_at"])
        return insertColumns.filter(update.contains)
    }

    /// A move to another community drops the old building.
    static let buildingOnMove = "CASE WHEN people.community_id = excluded.community_id THEN people.building_id ELSE NULL END"

    static func upsert(_ rows: [[StoredValue]], on db: any Database, present: Set<String>) async throws {
        let update = updatedColumns(present)
        if let sqlite = db as? any SQLiteDatabase {
            // SQLite: one statement text per batch size, values bound natively (no SQLKit tree to build and
            // serialize for 20,000 binds per batch).
            let placeholders = "(" + Array(repeating: "?", count: insertColumns.count).joined(separator: ",") + ")"
            var text = "INSERT INTO \"people\" (" + insertColumns.map { "\"\($0)\"" }.joined(separator: ", ") + ") VALUES "
            text += Array(repeating: placeholders, count: rows.count).joined(separator: ",")
            var sets = update.map { "\"\($0)\" = excluded.\"\($0)\"" }
            if update.contains("community_id") { sets.append("\"building_id\" = " + buildingOnMove) }
            text += " ON CONFLICT (\"id_number_index\") DO UPDATE SET " + sets.joined(separator: ", ")
            var binds: [SQLiteData] = []
            binds.reserveCapacity(rows.count * insertColumns.count)
            for row in rows { for v in row { binds.append(v.sqlite) } }
            _ = try await sqlite.query(text, binds)
            return
        }
        let sql = db as! any SQLDatabase
        let q = sql.insert(into: "people").columns(insertColumns)
        for row in rows { q.values(row.map(\.sqlExpression)) }
        q.onConflict(with: ["id_number_index"]) { u in
            var u = u
            for c in update { u = u.set(excludedValueOf: c) }
            if update.contains("community_id") { u = u.set("building_id", to: SQLRaw(buildingOnMove)) }
            return u
        }
        try await q.run()
    }
}
