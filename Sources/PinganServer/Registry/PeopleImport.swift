import Fluent
import Vapor
import PinganKit

/// CSV import of the people registry. The header may be Chinese or English (documented in README).
/// Every row is validated with the same rules as the form (scope included) before anything is
/// written; one bad row means nothing is written and every problem is reported with its row
/// number. Rows are matched by resident ID number (blind index): re-importing updates, never
/// duplicates, so an interrupted run (kill -9 between batches) simply re-runs to the same result.
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

    static let batchSize = 500

    static func run(_ req: Request, csv text: String, dryRun: Bool, progress: (Int, Int) -> Void = { _, _ in }) async throws -> Report {
        try req.require(.editRegistry)
        let L = req.lang
        let table = CSVReader.parse(text)
        guard let header = table.first else { throw FieldErrors(["file": L.t("文件为空", "The file is empty")]) }
        var index: [String: Int] = [:]
        for (i, h) in header.enumerated() {
            let name = h.trimmed.lowercased()
            if let col = columns.first(where: { $0.names.contains(name) }) { index[col.key] = i }
        }
        let missing = ["name", "idNumber", "category", "community"].filter { index[$0] == nil }
        guard missing.isEmpty else {
            throw FieldErrors(["file": L.t("缺少必需的列：", "Missing required columns: ") + missing.joined(separator: ", ")])
        }
        // Codes to ids once, not per row.
        var communityByCode: [String: Int] = [:], communityByName: [String: Int] = [:], gridByCode: [String: Int] = [:]
        for d in try await Division.query(on: req.db).filter(\.$level ~~ [.community, .grid]).all() {
            if d.level == .community { communityByCode[d.code] = d.id!; communityByName[d.name] = d.id! } else { gridByCode[d.code] = d.id! }
        }
        let cipher = req.cipher
        var errors: [RowError] = []
        var pending: [(Person, Bool)] = []
        var seen: [String: Int] = [:]
        let body = table.dropFirst()
        for (offset, cells) in body.enumerated() {
            let rowNumber = offset + 2 // 1-based, after the header
            func cell(_ key: String) -> String? { index[key].flatMap { $0 < cells.count ? cells[$0].trimmed : nil } }
            var input = PersonInput()
            input.name = cell("name") ?? ""
            input.idNumber = cell("idNumber") ?? ""
            input.phone = cell("phone") ?? ""
            input.category = cell("category").map { v in PersonCategory.allCases.first { $0.nameZh == v || $0.rawValue == v }?.rawValue ?? v } ?? ""
            input.keyType = cell("keyType").map { v in KeyPopulationType.allCases.first { $0.nameZh == v || $0.rawValue == v }?.rawValue ?? v } ?? ""
            let c = cell("community") ?? ""
            input.communityID = communityByCode[c].map { "\($0)" } ?? communityByName[c].map { "\($0)" } ?? (c.isEmpty ? "" : "-1")
            let g = cell("grid") ?? ""
            input.gridID = g.isEmpty ? "" : (gridByCode[g].map { "\($0)" } ?? "-1")
            input.room = cell("room") ?? ""
            input.hukouAddress = cell("hukouAddress") ?? ""
            input.residenceExpiresOn = cell("residenceExpiresOn") ?? ""
            input.note = cell("note") ?? ""

            var existing: Person? = nil
            if case .success(let rid) = ResidentID.parse(input.idNumber ?? "") {
                let key = cipher.blindIndex(rid.value, field: "id_number")
                if let first = seen[key] {
                    errors.append(RowError(row: rowNumber, field: "idNumber", message: L.t("与第 \(first) 行身份号码重复", "Same ID number as row \(first)")))
                    continue
                }
                seen[key] = rowNumber
                existing = try await Person.query(on: req.db).filter(\.$idNumberIndex == key).first()
                if let e = existing, !(try await req.scope().contains(communityID: e.communityID, gridID: e.gridID)) {
                    errors.append(RowError(row: rowNumber, field: "idNumber", message: L.t("该身份号码已在本区登记", "This ID number is already registered in the district")))
                    continue
                }
            }
            let person = existing ?? Person()
            do {
                try await input.apply(to: person, req: req)
                if existing == nil { person.createdByID = try req.user.requireID() }
                pending.append((person, existing == nil))
            } catch let e as FieldErrors {
                for (field, message) in e.fields.sorted(by: { $0.key < $1.key }) { errors.append(RowError(row: rowNumber, field: field, message: message)) }
            }
            if offset % batchSize == 0 { progress(offset, body.count) }
        }
        let created = pending.filter(\.1).count
        var report = Report(rows: body.count, created: created, updated: pending.count - created, written: false, errors: errors)
        guard errors.isEmpty, !dryRun else { return report }
        var done = 0
        for start in stride(from: 0, to: pending.count, by: batchSize) {
            let batch = pending[start..<min(start + batchSize, pending.count)]
            try await req.db.transaction { db in
                for (p, _) in batch { try await p.save(on: db) }
                await req.audit("person.import", entity: "person", detail: "rows \(start + 2)–\(start + batch.count + 1)", on: db)
            }
            done += batch.count
            progress(done, pending.count)
        }
        report.written = true
        return report
    }
}
