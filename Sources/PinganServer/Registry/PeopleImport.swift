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
            else if communityID == nil || !scope.touches(community: communityID!) {
                e["communityID"] = L.t("社区不存在或不在您的辖区内", "No such community in your jurisdiction")
            }
            var gridID: Int? = nil
            if let g = cell("grid").nilIfEmpty {
                if let found = gridCommunity[g], found.community == communityID { gridID = found.id }
                else if communityID != nil { e["gridID"] = L.t("该网格不属于所选社区", "This grid is not in the chosen community") }
            }
            if scope.isGridLimited, e["communityID"] == nil, let communityID, !scope.allows(community: communityID, grid: gridID) {
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

    /// The same ID number twice in one file: the first row keeps it, a later one gets a field error naming that row.
    /// Keyed by 64 bits of the blind index, so two million rows stay small in memory.
    struct FileDuplicates {
        private var firstRow: [UInt64: Int32] = [:]
        /// true when `index` is new in the file (and now remembered); false after setting the error.
        mutating func isFirst(_ index: String, row: Int, errors e: inout FieldErrors, _ L: Lang) -> Bool {
            let k = key64(index)
            if let first = firstRow[k] {
                e["idNumber"] = L.t("与第 \(first) 行身份号码重复", "Same ID number as row \(first)")
                return false
            }
            firstRow[k] = Int32(row)
            return true
        }
    }

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
            // unscoped: table size decides the import strategy; no record read
            let tableRows = try await Person.query(on: req.db).count()
            if PeopleIndexes.bulkLoad(newRows: estimatedRows(source), existingRows: tableRows) {
                return try await bulkLoad(req, source: source, ctx: ctx, present: Set(index.keys), progress: progress)
            }
        }

        // Pass 1: check everything; write nothing.
        var errors: [RowError] = []
        var errorCount = 0
        var duplicates = FileDuplicates()
        var rows = 0, existing = 0
        var pendingKeys: [(index: String, row: Int)] = []
        var isHeader = true
        func lookup() async throws {
            guard !pendingKeys.isEmpty else { return }
            // unscoped: an ID number is unique in the district: the import must find it anywhere (scope checked on the row)
            let found = try await sql.select().column("id_number_index").column("community_id").column("grid_id").from("people")
                .where("id_number_index", .in, pendingKeys.map(\.index)).all()
            var byIndex: [String: (Int, Int?)] = [:]
            for r in found { byIndex[try r.decode(column: "id_number_index", as: String.self)] = (try r.decode(column: "community_id", as: Int.self), try r.decode(column: "grid_id", as: Int?.self)) }
            var outside = 0
            for (ix, row) in pendingKeys {
                guard let (c, g) = byIndex[ix] else { continue }
                if scope.allows(community: c, grid: g) { existing += 1 }
                else { outside += 1; errorCount += 1; if errors.count < reportLimit { errors.append(RowError(row: row, field: "idNumber", message: L.t(PersonRules.duplicateID.0, PersonRules.duplicateID.1))) } }
            }
            // Each such row tells the importer a number exists elsewhere: audited like an identifier lookup.
            if outside > 0 { await req.audit("person.id_collision", entity: "person", detail: "import; outside scope; count=\(outside)") }
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
                if let ix, duplicates.isFirst(ix, row: rowNumber, errors: &e, L) { pendingKeys.append((ix, rowNumber)) }
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
        duplicates = FileDuplicates()

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
}
