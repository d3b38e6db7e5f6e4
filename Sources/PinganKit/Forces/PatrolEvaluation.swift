/// Patrol evaluation (巡逻防范考评), seed 003 fifth piece: "每周对巡逻防范工作进行点评，每月对巡逻防范工作
/// 进行考评" — patrols done vs. planned, hours, grids covered, per team per week and per month.
///
/// Rules:
/// - A planned patrol is done when at least one log of the same team names it (`planID`); it is counted
///   in the period of its planned date. Logs without a plan (or naming an unknown plan) are `unplanned`.
/// - Hours and findings come from the logs, counted in the period of the log's date.
/// - Grids: the distinct grids planned for the team in the period; covered = those among them that a log
///   of the period covered; `extraGrids` = grids patrolled in the period that no plan of the period named.
/// - Weeks are ISO weeks; months are calendar months (each dated record belongs to its own month).

public enum PatrolMode: String, Sendable, Codable, CaseIterable {
    case foot        // 步巡
    case bicycle     // 自行车巡
    case vehicle     // 车巡
    case checkpoint  // 设卡守候

    public var nameZh: String {
        switch self {
        case .foot: "步巡"
        case .bicycle: "自行车巡"
        case .vehicle: "车巡"
        case .checkpoint: "设卡守候"
        }
    }
}

/// One planned patrol (巡逻计划) of a team: a date, a time window and the grids to cover.
public struct PlannedPatrol: Sendable, Codable, Equatable {
    public var id: String
    public var teamID: String
    public var date: LocalDay
    /// Minutes after local midnight; `endMinute` may pass 1,440 for a night shift ending the next day.
    public var startMinute: Int
    public var endMinute: Int
    public var grids: [String]
    public var mode: PatrolMode

    public init(id: String, teamID: String, date: LocalDay, startMinute: Int, endMinute: Int, grids: [String], mode: PatrolMode = .foot) {
        self.id = id
        self.teamID = teamID
        self.date = date
        self.startMinute = startMinute
        self.endMinute = endMinute
        self.grids = grids
        self.mode = mode
    }

    public var plannedMinutes: Int { max(0, endMinute - startMinute) }
}

/// One patrol actually carried out (巡逻记录).
public struct PatrolLog: Sendable, Codable, Equatable {
    public var teamID: String
    public var planID: String?
    public var date: LocalDay
    public var minutes: Int
    public var gridsCovered: [String]
    public var mode: PatrolMode
    /// Findings recorded (发现问题), e.g. incidents opened.
    public var findings: Int

    public init(teamID: String, planID: String? = nil, date: LocalDay, minutes: Int, gridsCovered: [String],
                mode: PatrolMode = .foot, findings: Int = 0) {
        self.teamID = teamID
        self.planID = planID
        self.date = date
        self.minutes = minutes
        self.gridsCovered = gridsCovered
        self.mode = mode
        self.findings = findings
    }
}

public enum PatrolPeriod: Hashable, Comparable, Sendable, Codable, CustomStringConvertible {
    case week(ISOWeek)
    case month(YearMonth)

    public var description: String {
        switch self {
        case .week(let w): w.description
        case .month(let m): m.description
        }
    }

    /// "2026-W10" or "2026-03".
    public init?(_ text: String) {
        if let w = ISOWeek(text) { self = .week(w) } else if let m = YearMonth(text) { self = .month(m) } else { return nil }
    }

    /// Codable as the string "2026-W10" or "2026-03".
    public init(from decoder: Decoder) throws {
        let c = try decoder.singleValueContainer()
        let s = try c.decode(String.self)
        guard let v = PatrolPeriod(s) else {
            throw DecodingError.dataCorruptedError(in: c, debugDescription: "Expected \"YYYY-Www\" or \"YYYY-MM\", got \"\(s)\"")
        }
        self = v
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(description)
    }

    public static func < (a: PatrolPeriod, b: PatrolPeriod) -> Bool {
        switch (a, b) {
        case (.week(let x), .week(let y)): x < y
        case (.month(let x), .month(let y)): x < y
        case (.week, .month): true
        case (.month, .week): false
        }
    }
}

public struct PatrolEvaluationRow: Sendable, Codable, Equatable {
    public var teamID: String
    public var period: PatrolPeriod
    public var planned: Int
    public var done: Int
    public var unplanned: Int
    public var plannedMinutes: Int
    public var minutes: Int
    public var findings: Int
    public var gridsPlanned: Int
    public var gridsCovered: Int
    public var extraGrids: Int

    /// Patrols done vs. planned, "87.5%".
    public var completion: Share { Share(done, of: planned) }
    public var gridCoverage: Share { Share(gridsCovered, of: gridsPlanned) }
    public var hours: Double { Double(minutes) / 60 }
    public var plannedHours: Double { Double(plannedMinutes) / 60 }

    // JSON adds completion, gridCoverage, hours and plannedHours; decoding reads the stored fields.
    private enum CodingKeys: String, CodingKey {
        case teamID, period, planned, done, unplanned, plannedMinutes, minutes, findings, gridsPlanned, gridsCovered, extraGrids
        case completion, gridCoverage, hours, plannedHours
    }
    public init(teamID: String, period: PatrolPeriod, planned: Int, done: Int, unplanned: Int, plannedMinutes: Int, minutes: Int,
                findings: Int, gridsPlanned: Int, gridsCovered: Int, extraGrids: Int) {
        self.teamID = teamID
        self.period = period
        self.planned = planned
        self.done = done
        self.unplanned = unplanned
        self.plannedMinutes = plannedMinutes
        self.minutes = minutes
        self.findings = findings
        self.gridsPlanned = gridsPlanned
        self.gridsCovered = gridsCovered
        self.extraGrids = extraGrids
    }
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(teamID: try c.decode(String.self, forKey: .teamID), period: try c.decode(PatrolPeriod.self, forKey: .period),
                  planned: try c.decode(Int.self, forKey: .planned), done: try c.decode(Int.self, forKey: .done),
                  unplanned: try c.decode(Int.self, forKey: .unplanned), plannedMinutes: try c.decode(Int.self, forKey: .plannedMinutes),
                  minutes: try c.decode(Int.self, forKey: .minutes), findings: try c.decode(Int.self, forKey: .findings),
                  gridsPlanned: try c.decode(Int.self, forKey: .gridsPlanned), gridsCovered: try c.decode(Int.self, forKey: .gridsCovered),
                  extraGrids: try c.decode(Int.self, forKey: .extraGrids))
    }
    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(teamID, forKey: .teamID)
        try c.encode(period, forKey: .period)
        try c.encode(planned, forKey: .planned)
        try c.encode(done, forKey: .done)
        try c.encode(unplanned, forKey: .unplanned)
        try c.encode(plannedMinutes, forKey: .plannedMinutes)
        try c.encode(minutes, forKey: .minutes)
        try c.encode(findings, forKey: .findings)
        try c.encode(gridsPlanned, forKey: .gridsPlanned)
        try c.encode(gridsCovered, forKey: .gridsCovered)
        try c.encode(extraGrids, forKey: .extraGrids)
        try c.encode(completion, forKey: .completion)
        try c.encode(gridCoverage, forKey: .gridCoverage)
        try c.encode(hours, forKey: .hours)
        try c.encode(plannedHours, forKey: .plannedHours)
    }
}

public enum PatrolEvaluation {
    public enum Granularity: Sendable { case week, month }

    /// Weekly review (每周点评).
    public static func weekly(plans: [PlannedPatrol], logs: [PatrolLog]) -> [PatrolEvaluationRow] {
        evaluate(plans: plans, logs: logs, by: .week)
    }

    /// Monthly evaluation (每月考评).
    public static func monthly(plans: [PlannedPatrol], logs: [PatrolLog]) -> [PatrolEvaluationRow] {
        evaluate(plans: plans, logs: logs, by: .month)
    }

    /// Rows per team and period having any plan or log, sorted by team then period.
    public static func evaluate(plans: [PlannedPatrol], logs: [PatrolLog], by granularity: Granularity) -> [PatrolEvaluationRow] {
        func period(_ d: LocalDay) -> PatrolPeriod {
            switch granularity {
            case .week: .week(d.isoWeek)
            case .month: .month(d.yearMonth)
            }
        }
        struct Key: Hashable { var team: String; var period: PatrolPeriod }
        struct Acc {
            var planned = 0, done = 0, unplanned = 0, plannedMinutes = 0, minutes = 0, findings = 0
            var plannedGrids = Set<String>(), coveredGrids = Set<String>()
        }
        var planByID: [String: PlannedPatrol] = [:]
        for p in plans where planByID[p.id] == nil { planByID[p.id] = p }
        var doneIDs = Set<String>()
        var acc: [Key: Acc] = [:]
        for log in logs {
            let k = Key(team: log.teamID, period: period(log.date))
            acc[k, default: Acc()].minutes += max(0, log.minutes)
            acc[k, default: Acc()].findings += max(0, log.findings)
            acc[k, default: Acc()].coveredGrids.formUnion(log.gridsCovered)
            if let id = log.planID, let plan = planByID[id], plan.teamID == log.teamID {
                doneIDs.insert(id)
            } else {
                acc[k, default: Acc()].unplanned += 1
            }
        }
        for p in planByID.values {
            let k = Key(team: p.teamID, period: period(p.date))
            acc[k, default: Acc()].planned += 1
            acc[k, default: Acc()].plannedMinutes += p.plannedMinutes
            acc[k, default: Acc()].plannedGrids.formUnion(p.grids)
            if doneIDs.contains(p.id) { acc[k, default: Acc()].done += 1 }
        }
        return acc.map { k, a in
            PatrolEvaluationRow(teamID: k.team, period: k.period, planned: a.planned, done: a.done, unplanned: a.unplanned,
                                plannedMinutes: a.plannedMinutes, minutes: a.minutes, findings: a.findings,
                                gridsPlanned: a.plannedGrids.count,
                                gridsCovered: a.plannedGrids.intersection(a.coveredGrids).count,
                                extraGrids: a.coveredGrids.subtracting(a.plannedGrids).count)
        }.sorted { ($0.teamID, $0.period) < ($1.teamID, $1.period) }
    }
}
