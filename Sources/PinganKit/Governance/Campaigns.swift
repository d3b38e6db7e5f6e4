import Foundation

/// Joint enforcement campaigns (联合执法 / 专项整治, seed 004): the district leads, the governance office coordinates, the
/// enforcement departments (公安、城管、工商、文化、卫生、商务 …) each take their part of a list of places, street by street
/// (分区负责、各司其职). The city hands down a list (市里挂帐); the streets add places they find themselves (帐外).
/// The seed reports the result as 「共完成市里挂帐****处和帐外***处的重点场所的整治」.

/// Where a target came from.
public enum CampaignLedger: String, CaseIterable, Codable, Sendable {
    case listed  // 挂帐: on the list the city (or the district) handed down
    case local   // 帐外: found locally, not on that list
    public var nameZh: String { switch self { case .listed: "挂帐"; case .local: "帐外" } }
    public var nameEn: String { switch self { case .listed: "Listed"; case .local: "Found locally" } }
}

/// A target's rectification (整治). 销帐 closes it for good: the place was put right, with the evidence said.
public enum CampaignTargetStatus: String, CaseIterable, Codable, Sendable {
    case pending      // 待整治
    case rectifying   // 整治中
    case closed       // 已销帐
    public var nameZh: String { switch self { case .pending: "待整治"; case .rectifying: "整治中"; case .closed: "已销帐" } }
    public var nameEn: String { switch self { case .pending: "Not started"; case .rectifying: "In hand"; case .closed: "Closed" } }

    /// The moves a target may make: forward one step, or straight to closed; closed is final.
    public func canMove(to next: CampaignTargetStatus) -> Bool {
        switch (self, next) {
        case (.pending, .rectifying), (.pending, .closed), (.rectifying, .closed): true
        default: false
        }
    }
}

/// A campaign's phase on a given day, from its period (days are yyyy-MM-dd; both ends count).
public enum CampaignPhase: String, CaseIterable, Codable, Sendable {
    case planned, running, ended
    public var nameZh: String { switch self { case .planned: "未开始"; case .running: "进行中"; case .ended: "已结束" } }
    public var nameEn: String { switch self { case .planned: "Not started"; case .running: "Running"; case .ended: "Ended" } }
    public static func of(startsOn: String, endsOn: String, today: String) -> Self {
        if today < startsOn { return .planned }
        return today > endsOn ? .ended : .running
    }
}

/// What progress is counted from: one target.
public struct CampaignTargetFact: Sendable, Equatable {
    public var ledger: CampaignLedger
    public var status: CampaignTargetStatus
    /// The department responsible (a unit id) and the street the place is in.
    public var departmentID: Int?
    public var streetID: Int?
    public init(ledger: CampaignLedger, status: CampaignTargetStatus, departmentID: Int?, streetID: Int?) {
        self.ledger = ledger; self.status = status; self.departmentID = departmentID; self.streetID = streetID
    }
}

/// One line of progress: a department's, a street's, or the campaign's total.
public struct CampaignProgressRow: Codable, Equatable, Sendable {
    /// The department's or the street's id; nil for the total and for targets not yet given to a department.
    public var key: Int?
    public var listed = 0, listedClosed = 0
    public var local = 0, localClosed = 0
    public var rectifying = 0
    public init(key: Int?) { self.key = key }
    public var targets: Int { listed + local }
    public var closed: Int { listedClosed + localClosed }
    /// Closed share of all targets, 0…1; nil with no targets.
    public var closedShare: Double? { targets == 0 ? nil : Double(closed) / Double(targets) }

    mutating func add(_ f: CampaignTargetFact) {
        switch f.ledger {
        case .listed: listed += 1; if f.status == .closed { listedClosed += 1 }
        case .local: local += 1; if f.status == .closed { localClosed += 1 }
        }
        if f.status == .rectifying { rectifying += 1 }
    }
}

public struct CampaignProgress: Codable, Equatable, Sendable {
    public var total: CampaignProgressRow
    public var byDepartment: [CampaignProgressRow]
    public var byStreet: [CampaignProgressRow]

    /// Rows keep the order of first appearance of their key in `order` (departments as the campaign lists them,
    /// streets by code); keys not in `order` follow, and the "no department" row comes last.
    public static func compute(_ facts: [CampaignTargetFact], departmentOrder: [Int] = [], streetOrder: [Int] = []) -> CampaignProgress {
        var total = CampaignProgressRow(key: nil)
        var dept: [Int?: CampaignProgressRow] = [:], street: [Int?: CampaignProgressRow] = [:]
        for f in facts {
            total.add(f)
            dept[f.departmentID, default: CampaignProgressRow(key: f.departmentID)].add(f)
            street[f.streetID, default: CampaignProgressRow(key: f.streetID)].add(f)
        }
        func ordered(_ rows: [Int?: CampaignProgressRow], _ order: [Int]) -> [CampaignProgressRow] {
            let rank = Dictionary(order.enumerated().map { ($1, $0) }, uniquingKeysWith: { a, _ in a })
            return rows.values.sorted { a, b in
                switch (a.key, b.key) {
                case (nil, _): return false
                case (_, nil): return true
                case let (x?, y?): return (rank[x] ?? Int.max, x) < (rank[y] ?? Int.max, y)
                }
            }
        }
        return CampaignProgress(total: total, byDepartment: ordered(dept, departmentOrder), byStreet: ordered(street, streetOrder))
    }

    /// The seed's sentence, read off the closed targets: 「共完成市里挂帐N处和帐外M处的重点场所的整治」, with what is left.
    public func sentence(chinese: Bool) -> String {
        let t = total
        if chinese {
            var s = "共完成市里挂帐\(t.listedClosed)处和帐外\(t.localClosed)处的重点场所的整治"
            let open = t.targets - t.closed
            s += open > 0 ? "，尚有\(open)处未销帐（挂帐\(t.listed - t.listedClosed)处、帐外\(t.local - t.localClosed)处）。" : "。"
            return s
        }
        var s = "Rectified and closed: \(t.listedClosed) listed place\(t.listedClosed == 1 ? "" : "s") and \(t.localClosed) found locally"
        let open = t.targets - t.closed
        s += open > 0 ? "; \(open) still open (\(t.listed - t.listedClosed) listed, \(t.local - t.localClosed) found locally)." : "."
        return s
    }
}

/// The city's list (挂帐名单) as it arrives — a spreadsheet saved as CSV, one place a row — read into rows to check.
/// Columns are found by their header, in any order: 名称 (or 场所名称, required), 地址, 社区 (required), 存在问题 (or 问题,
/// required), 责任部门 (or 部门), 来源 (挂帐 / 帐外; the import's default when absent or empty).
public struct CampaignImportRow: Equatable, Sendable {
    public var line: Int
    public var name: String, address: String, community: String, problems: String, department: String
    public var ledger: CampaignLedger
}

public enum CampaignImportProblem: Equatable, Sendable {
    case noRows
    case missingColumn(zh: String, en: String)
    case tooManyRows(max: Int)
    /// A row's field (`name`, `community`, `problems`, `ledger`) is empty or unreadable; `value` is what it held.
    case badField(line: Int, field: String, value: String)
}

public enum CampaignListImport {
    public static let maxRows = 2000
    static let headers: [(key: String, names: [String])] = [
        ("name", ["名称", "场所名称", "name"]), ("address", ["地址", "address"]), ("community", ["社区", "所在社区", "社区（村）", "community"]),
        ("problems", ["存在问题", "问题", "problems"]), ("department", ["责任部门", "部门", "department"]), ("ledger", ["来源", "source", "ledger"]),
    ]

    public static func read(_ rows: [[String]], defaultLedger: CampaignLedger) -> (rows: [CampaignImportRow], problems: [CampaignImportProblem]) {
        guard let header = rows.first else { return ([], [.noRows]) }
        let clean = header.map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
        var index: [String: Int] = [:]
        for (key, names) in headers { if let i = clean.firstIndex(where: { names.contains($0) }) { index[key] = i } }
        var problems: [CampaignImportProblem] = []
        for (key, zh, en) in [("name", "名称", "name"), ("community", "社区", "community"), ("problems", "存在问题", "problems")] where index[key] == nil {
            problems.append(.missingColumn(zh: zh, en: en))
        }
        if !problems.isEmpty { return ([], problems) }
        let body = rows.dropFirst()
        if body.isEmpty { return ([], [.noRows]) }
        if body.count > maxRows { return ([], [.tooManyRows(max: maxRows)]) }
        var out: [CampaignImportRow] = []
        for (offset, r) in body.enumerated() {
            let line = offset + 2 // the header is line 1
            func value(_ key: String) -> String {
                guard let i = index[key], i < r.count else { return "" }
                return r[i].trimmingCharacters(in: .whitespacesAndNewlines)
            }
            let name = value("name"), community = value("community"), problems_ = value("problems"), rawLedger = value("ledger")
            var ledger = defaultLedger
            if !rawLedger.isEmpty {
                // 挂账/帐外 are written with either character (账 is today's usual form, the seed has 帐).
                let said = rawLedger.lowercased().replacingOccurrences(of: "账", with: "帐")
                if let l = CampaignLedger.allCases.first(where: { [$0.nameZh, $0.rawValue, $0.nameEn.lowercased()].contains(said) }) { ledger = l }
                else { problems.append(.badField(line: line, field: "ledger", value: rawLedger)) }
            }
            if name.isEmpty || name.count > 100 { problems.append(.badField(line: line, field: "name", value: name)) }
            if community.isEmpty { problems.append(.badField(line: line, field: "community", value: community)) }
            if problems_.isEmpty || problems_.count > 2000 { problems.append(.badField(line: line, field: "problems", value: String(problems_.prefix(20)))) }
            out.append(CampaignImportRow(line: line, name: name, address: String(value("address").prefix(200)), community: community, problems: problems_,
                                         department: value("department"), ledger: ledger))
        }
        return (out, problems)
    }
}
