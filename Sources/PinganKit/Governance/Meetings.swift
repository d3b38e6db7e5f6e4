/// Joint situation meetings (一把手与派出所长分析安全稳定形势制度, 联席会议, seed 004) and the decisions they take, tracked to done.

public enum MeetingKind: String, CaseIterable, Codable, Sendable {
    case situation   // 安全稳定形势分析会：街乡一把手与派出所长
    case joint       // 联席会议：综治、公安、司法、城管等部门
    case other
    public var nameZh: String { switch self { case .situation: "形势分析会"; case .joint: "联席会议"; case .other: "其他会议" } }
    public var nameEn: String { switch self { case .situation: "Situation meeting"; case .joint: "Joint meeting"; case .other: "Other meeting" } }
}

/// An action item's state on a given day: open until its due day has passed, then overdue, until done.
public enum ActionItemState: String, CaseIterable, Codable, Sendable {
    case open, overdue, done
    public var nameZh: String { switch self { case .open: "办理中"; case .overdue: "已逾期"; case .done: "已完成" } }
    public var nameEn: String { switch self { case .open: "Open"; case .overdue: "Overdue"; case .done: "Done" } }

    /// Days are yyyy-MM-dd; the due day itself is still on time.
    public static func of(dueOn: String, doneOn: String?, today: String) -> Self {
        if doneOn != nil { return .done }
        return dueOn < today ? .overdue : .open
    }
}

/// One community's line of a meeting's agenda, as the product counted it when the meeting was prepared. Stored with the
/// meeting, so the minutes keep what was on the table even after the figures change.
public struct AgendaLine: Codable, Equatable, Sendable {
    public var communityID: Int
    public var community: String
    /// Current alerts (this and the last period, not closed) on the community.
    public var alerts: Int
    /// Open dispute files carrying a risk flag (mass petition, group fight, 民转刑).
    public var riskDisputes: Int
    public var overdueDisputes: Int
    public var overdueInspections: Int
    public var overdueEvents: Int
    /// 上升: incidents of the last 30 days above the 30 before, by this many (0 unless the rise counts: `rise`).
    public var risingIncidents: Int
    /// 警力缺口: community officers the staffing norm asks for beyond those in place.
    public var staffingGap: Int
    /// The first day of the 30 that `risingIncidents` counts (yyyy-MM-dd), for the link to those incidents.
    public var risingSince: String?
    public init(communityID: Int, community: String, alerts: Int, riskDisputes: Int, overdueDisputes: Int, overdueInspections: Int, overdueEvents: Int,
                risingIncidents: Int = 0, staffingGap: Int = 0, risingSince: String? = nil) {
        self.communityID = communityID; self.community = community; self.alerts = alerts; self.riskDisputes = riskDisputes
        self.overdueDisputes = overdueDisputes; self.overdueInspections = overdueInspections; self.overdueEvents = overdueEvents
        self.risingIncidents = risingIncidents; self.staffingGap = staffingGap; self.risingSince = risingSince
    }
    /// Agendas stored before the rise and the staffing gap were counted read as zero for them.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        communityID = try c.decode(Int.self, forKey: .communityID); community = try c.decode(String.self, forKey: .community)
        alerts = try c.decode(Int.self, forKey: .alerts); riskDisputes = try c.decode(Int.self, forKey: .riskDisputes)
        overdueDisputes = try c.decode(Int.self, forKey: .overdueDisputes); overdueInspections = try c.decode(Int.self, forKey: .overdueInspections)
        overdueEvents = try c.decode(Int.self, forKey: .overdueEvents)
        risingIncidents = try c.decodeIfPresent(Int.self, forKey: .risingIncidents) ?? 0
        staffingGap = try c.decodeIfPresent(Int.self, forKey: .staffingGap) ?? 0
        risingSince = try c.decodeIfPresent(String.self, forKey: .risingSince)
    }
    public var total: Int { alerts + riskDisputes + overdueDisputes + overdueInspections + overdueEvents + risingIncidents + staffingGap }

    /// A community is rising when its last 30 days have at least 5 incidents and a quarter more than the 30 before
    /// (a handful more in a quiet place is noise). Returns the rise, or 0.
    public static func rise(recent: Int, before: Int) -> Int {
        let delta = recent - before
        return delta >= 5 && recent * 4 >= before * 5 ? delta : 0
    }

    /// The topics worth a decision, each with the list that shows its records.
    public var topics: [(key: String, count: Int, zh: String, en: String, path: String)] {
        let c = communityID
        return [
            ("alerts", alerts, "当前预警", "current alerts", "/alerts?current=1"),
            ("risk", riskDisputes, "有风险的在办纠纷", "open disputes at risk", "/disputes?community=\(c)&risk=1"),
            ("disputes", overdueDisputes, "超期调解案件", "dispute files overdue", "/disputes?community=\(c)&overdue=1"),
            ("inspections", overdueInspections, "逾期未整改", "rectifications overdue", "/forces/inspections?status=overdue&community=\(c)"),
            ("events", overdueEvents, "超期网格事件", "grid events overdue", "/events?queue=overdue&community=\(c)"),
            ("rising", risingIncidents, "警情上升", "incidents rising", "/incidents?community=\(c)" + (risingSince.map { "&from=\($0)" } ?? "")),
            ("staffing", staffingGap, "社区民警缺口", "community officers short", "/forces/staffing"),
        ].filter { $0.1 > 0 }
    }

    /// The topic a stored link points at, to label it in the reader's language.
    public static func topicName(path: String) -> (zh: String, en: String)? {
        if path.hasPrefix("/alerts") { return ("当前预警", "current alerts") }
        if path.hasPrefix("/disputes") { return path.contains("risk=1") ? ("有风险的在办纠纷", "open disputes at risk") : ("超期调解案件", "dispute files overdue") }
        if path.hasPrefix("/forces/inspections") { return ("逾期未整改", "rectifications overdue") }
        if path.hasPrefix("/events") { return ("超期网格事件", "grid events overdue") }
        if path.hasPrefix("/incidents") { return ("警情上升", "incidents rising") }
        if path.hasPrefix("/forces/staffing") { return ("社区民警缺口", "community officers short") }
        return nil
    }

    /// The agenda keeps the communities with something to discuss, most first.
    public static func ordered(_ lines: [AgendaLine]) -> [AgendaLine] {
        lines.filter { $0.total > 0 }.sorted { ($0.total, $1.communityID) > ($1.total, $0.communityID) }
    }
}
