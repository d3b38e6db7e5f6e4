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
