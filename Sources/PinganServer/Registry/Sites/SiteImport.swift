import Fluent
import Vapor
import PinganKit

/// CSV import of one site kind. Header names in Chinese or English (the common columns below, then
/// the kind's own fields by their Chinese label or key). Same contract as the people import: every
/// row checked with the form's rules and the importer's scope first; one bad row and nothing is
/// written; rows match existing records by (kind, community, name), so re-imports update in place
/// and an interrupted run re-runs to the same result.
enum SiteImport {
    static let common: [(key: String, names: [String])] = [
        ("name", ["名称", "name"]),
        ("licence", ["证照编号", "许可证号", "统一社会信用代码", "点位编号", "licence", "license"]),
        ("address", ["地址", "address"]),
        ("community", ["社区代码", "社区", "community_code", "community"]),
        ("grid", ["网格代码", "grid_code", "grid"]),
        ("contactName", ["负责人", "联系人", "contact_name", "contact"]),
        ("contactPhone", ["联系电话", "电话", "contact_phone", "phone"]),
        ("status", ["状态", "status"]),
        ("lastInspectedOn", ["最近检查", "last_inspected_on"]),
        ("note", ["备注", "note"]),
    ]

    static func headerDoc(_ kind: SiteKind) -> String {
        (common.map { "\($0.names[0]) / \($0.names.first { $0.allSatisfy(\.isASCII) } ?? $0.key)" } + kind.fields.map { "\($0.zh) / \($0.key)" }).joined(separator: "，")
    }

    typealias Report = PeopleImport.Report
    typealias RowError = PeopleImport.RowError

    static func run(_ req: Request, kind: SiteKind, csv text: String, dryRun: Bool, progress: (@Sendable (PeopleImport.Progress) -> Void)? = nil) async throws -> Report {
        try req.require(.editRegistry)
        let L = req.lang
        let table = CSVReader.parse(text)
        guard let header = table.first else { throw FieldErrors(["file": L.t("文件为空", "The file is empty")]) }
        var index: [String: Int] = [:]
        for (i, h) in header.enumerated() {
            let name = h.trimmed.lowercased()
            if let col = common.first(where: { $0.names.contains(name) }) { index[col.key] = i }
            else if let f = kind.fields.first(where: { $0.zh == h.trimmed || $0.key.lowercased() == name || $0.en.lowercased() == name }) { index["attributes." + f.key] = i }
        }
        let missing = ["name", "community"].filter { index[$0] == nil } + kind.fields.filter(\.required).map { "attributes." + $0.key }.filter { index[$0] == nil }
        guard missing.isEmpty else { throw FieldErrors(["file": L.t("缺少必需的列：", "Missing required columns: ") + missing.joined(separator: ", ")]) }

        var communityByCode: [String: Int] = [:], communityByName: [String: Int] = [:], gridByCode: [String: Int] = [:]
        for d in try await Division.query(on: req.db).filter(\.$level ~~ [.community, .grid]).all() {
            if d.level == .community { communityByCode[d.code] = d.id!; communityByName[d.name] = d.id! } else { gridByCode[d.code] = d.id! }
        }
        let scope = try await req.scope()
        var existing: [String: Site] = [:]
        // unscoped: places are matched by kind + community + name district-wide; the form's scope rules refuse out-of-scope rows
        for s in try await Site.query(on: req.db).filter(\.$kind == kind).all() { existing["\(s.communityID)|\(s.name)"] = s }
        let statusByName = Dictionary(SiteStatus.allCases.flatMap { [($0.rawValue, $0), ($0.zh, $0), ($0.en.lowercased(), $0)] }, uniquingKeysWith: { a, _ in a })

        var errors: [RowError] = []
        var pending: [(Site, Bool)] = []
        var seen: [String: Int] = [:]
        let body = table.dropFirst()
        let total = max(1, body.count)
        for (offset, cells) in body.enumerated() {
            let rowNumber = offset + 2
            // Like the people import: the fraction runs 0…1 within each phase (checking, then writing).
            if offset % 200 == 0 { progress?(.init(phase: .checking, rows: offset, fraction: Double(offset) / Double(total))) }
            if cells.allSatisfy({ $0.trimmed.isEmpty }) { continue }
            func cell(_ key: String) -> String? { index[key].flatMap { $0 < cells.count ? cells[$0].trimmed : nil } }
            var input = SiteInput()
            input.kind = kind.rawValue
            input.name = cell("name") ?? ""
            input.licence = cell("licence")
            input.address = cell("address")
            let c = cell("community") ?? ""
            let communityID = communityByCode[c] ?? communityByName[c]
            input.communityID = communityID.map { "\($0)" } ?? (c.isEmpty ? "" : "-1")
            let g = cell("grid") ?? ""
            input.gridID = g.isEmpty ? "" : (gridByCode[g].map { "\($0)" } ?? "-1")
            input.contactName = cell("contactName")
            input.contactPhone = cell("contactPhone")
            if let st = cell("status")?.nilIfEmpty { input.status = statusByName[st.lowercased()]?.rawValue ?? statusByName[st]?.rawValue ?? st }
            input.lastInspectedOn = cell("lastInspectedOn")
            input.note = cell("note")
            input.attributes = Dictionary(uniqueKeysWithValues: kind.fields.compactMap { f in cell("attributes." + f.key).map { (f.key, $0) } })
            input.attributesComplete = true

            let key = "\(communityID ?? -1)|\(input.name!.trimmed)"
            if let first = seen[key] {
                errors.append(RowError(row: rowNumber, field: "name", message: L.t("与第 \(first) 行重复（同一社区同名）", "Same community and name as row \(first)")))
                continue
            }
            seen[key] = rowNumber
            var site = existing[key]
            if let s = site, !scope.allows(community: s.communityID, grid: s.gridID) { site = nil } // the form's scope rules will refuse it
            let target = site ?? Site()
            do {
                try await input.apply(to: target, req: req)
                if site == nil { target.createdByID = try req.user.requireID() }
                pending.append((target, site == nil))
            } catch let e as FieldErrors {
                for (field, message) in e.fields.sorted(by: { $0.key < $1.key }) { errors.append(RowError(row: rowNumber, field: field, message: message)) }
            }
        }
        let created = pending.filter(\.1).count
        var report = Report(rows: body.count, created: created, updated: pending.count - created, written: false, errors: errors)
        guard errors.isEmpty, !dryRun, !pending.isEmpty else { return report }
        for start in stride(from: 0, to: pending.count, by: PeopleImport.batchSize) {
            progress?(.init(phase: .writing, rows: start, fraction: Double(start) / Double(pending.count)))
            let batch = pending[start..<min(start + PeopleImport.batchSize, pending.count)]
            try await req.db.transaction { db in
                for (s, _) in batch { try await s.save(on: db) }
                await req.audit("site.import", entity: "site", detail: "\(kind.rawValue) rows \(start + 2)–\(start + batch.count + 1)", on: db)
            }
        }
        report.written = true
        return report
    }
}
