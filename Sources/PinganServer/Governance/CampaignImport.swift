import Fluent
import SQLKit
import Vapor
import PinganKit

// MARK: importing the city's list

/// The list pasted or uploaded as CSV (`CampaignListImport` reads it), with the source to assume when a row says none.
struct CampaignImportInput: Content {
    var csv: String?, ledger: String?
    init() {}
    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: AnyKey.self)
        csv = c.loose(AnyKey("csv")); ledger = c.loose(AnyKey("ledger"))
    }
}

extension CampaignService {
    /// Every row is checked — its community must be in the campaign's area and the user's jurisdiction, named as the tree
    /// names it; its department one of the campaign's, by name — and the list is added whole or not at all. Problems are
    /// named by line (at most 30, then how many more) under `csv`, one per line.
    static func importTargets(_ req: Request, _ c: Campaign, _ input: CampaignImportInput) async throws -> Int {
        try req.require(.editGovernance)
        let L = req.lang
        let text = input.csv ?? ""
        guard !text.trimmed.isEmpty else { throw FieldErrors(["csv": L.t("请粘贴或上传名单（CSV）", "Paste or upload the list (CSV)")]) }
        guard text.utf8.count <= 2_000_000 else { throw FieldErrors(["csv": L.t("名单不能超过2MB", "The list is over 2 MB")]) }
        let ledger = input.ledger?.nilIfEmpty.flatMap(CampaignLedger.init(rawValue:)) ?? .listed
        let (rows, problems) = CampaignListImport.read(CSVReader.parse(text), defaultLedger: ledger)
        var messages: [String] = problems.map { p in
            switch p {
            case .noRows: return L.t("名单中没有数据行", "The list has no rows")
            case let .missingColumn(zh, en): return L.t("缺少“\(zh)”列（第一行应为表头）", "No “\(en)” column (the first line must be the header)")
            case let .tooManyRows(max): return L.t("一次最多导入\(max)行", "At most \(max) rows at a time")
            case let .badField(line, field, value):
                switch field {
                case "name": return L.t("第\(line)行：名称为空或超过100字", "Line \(line): the name is empty or over 100 characters")
                case "community": return L.t("第\(line)行：社区为空", "Line \(line): no community")
                case "problems": return L.t("第\(line)行：存在问题为空或超过2000字", "Line \(line): the problems are empty or over 2000 characters")
                default: return L.t("第\(line)行：来源“\(value)”应为挂帐或帐外", "Line \(line): source “\(value)” must be 挂帐 (listed) or 帐外 (local)")
                }
            }
        }
        // Names as the tree and the campaign know them.
        guard let area = try await Division.find(c.areaDivisionID, on: req.db) else { throw Abort(.notFound) }
        let scope = try await req.scope()
        let communities = try await Division.query(on: req.db).filter(\.$level == .community)
            .filter(\.$code >= area.code).filter(\.$code < area.code + "~").all().filter { scope.allowsWholeCommunity($0.id!) }
        let communityByName = Dictionary(communities.map { ($0.name, $0.id!) }, uniquingKeysWith: { a, _ in a })
        let departments = try await CampaignDepartment.query(on: req.db).filter(\.$campaignID == c.id!).all()
        let unitNames = try await unitNames(req, departments.map(\.unitID))
        let departmentByName = Dictionary(departments.compactMap { d in unitNames[d.unitID].map { ($0, d.unitID) } }, uniquingKeysWith: { a, _ in a })
        var resolved: [(CampaignImportRow, Int, Int?)] = []
        for r in rows where !r.community.isEmpty {
            guard let community = communityByName[r.community] else {
                messages.append(L.t("第\(r.line)行：社区“\(r.community)”不在本次整治范围或您的辖区内", "Line \(r.line): community “\(r.community)” is not in the campaign's area or your jurisdiction"))
                continue
            }
            var department: Int? = nil
            if !r.department.isEmpty {
                department = departmentByName[r.department]
                if department == nil { messages.append(L.t("第\(r.line)行：“\(r.department)”不是本次行动的参加部门", "Line \(r.line): “\(r.department)” is not one of the campaign's departments")) }
            }
            resolved.append((r, community, department))
        }
        if !messages.isEmpty {
            let shown = messages.prefix(30).joined(separator: "\n")
            throw FieldErrors(["csv": messages.count > 30 ? shown + "\n" + L.t("……另有\(messages.count - 30)处问题", "… and \(messages.count - 30) more") : shown])
        }
        let user = try req.user.requireID()
        try await req.db.transaction { db in
            for (r, community, department) in resolved {
                let t = CampaignTarget()
                t.campaignID = c.id!; t.ledger = r.ledger; t.name = r.name; t.address = r.address; t.communityID = community; t.problems = r.problems
                t.departmentID = department; t.status = .pending; t.progressNote = ""; t.evidence = ""; t.createdByID = user
                try await t.create(on: db)
            }
            await req.audit("campaign.target.import", entity: "campaign", id: c.id.map(String.init), detail: "rows=\(resolved.count)", on: db)
        }
        return resolved.count
    }
}
