/// The integrated office (社区综治办与社区警务室合署办公, seed 002): the community secretary as director, the community
/// officer as deputy (「双领导、双考核」), and the six integrations (六个一体化) it assesses itself against.

public enum Integration: String, CaseIterable, Codable, Sendable {
    case command            // 组织指挥一体化
    case forces             // 队伍力量一体化
    case dailyWork = "daily_work"              // 日常工作一体化
    case gridManagement = "grid_management"    // 网格管理一体化
    case informationSharing = "information_sharing" // 信息共享一体化
    case assessment         // 检查考核一体化 — read off the dual assessment, not self-assessed
    public var nameZh: String {
        switch self {
        case .command: "组织指挥一体化"; case .forces: "队伍力量一体化"; case .dailyWork: "日常工作一体化"
        case .gridManagement: "网格管理一体化"; case .informationSharing: "信息共享一体化"; case .assessment: "检查考核一体化"
        }
    }
    public var nameEn: String {
        switch self {
        case .command: "One command"; case .forces: "One workforce"; case .dailyWork: "One daily routine"
        case .gridManagement: "One grid management"; case .informationSharing: "Shared information"; case .assessment: "One assessment"
        }
    }
    /// What the seed expects of each, shown next to the checkbox so the office knows what it is assessing.
    public var expectationZh: String {
        switch self {
        case .command: "综治办主任与社区民警共同研究部署辖区平安建设，统一指挥调度"
        case .forces: "网格员、社工、警辅、治保会、巡防队统一编组、统一调配"
        case .dailyWork: "合署办公、联合值班、共同接待群众、共同排查化解矛盾"
        case .gridManagement: "警务网格与综治网格一致，网格员、民警按网格包片"
        case .informationSharing: "人口、房屋、场所、矛盾、警情信息互通，定期通报"
        case .assessment: "社区民警接受派出所与综治办双重考核（按月，由平台的双考核记录计算）"
        }
    }
    public var expectationEn: String {
        switch self {
        case .command: "The director and the officer plan and direct the community's safety work together"
        case .forces: "Grid workers, social workers, auxiliaries and patrols are organised and deployed as one"
        case .dailyWork: "One office, joint duty, residents received and disputes handled together"
        case .gridManagement: "Police grids and governance grids are the same; each grid has its grid worker and officer"
        case .informationSharing: "People, housing, sites, disputes and incidents are shared and reported regularly"
        case .assessment: "The officer is scored monthly by the station and by the governance office (read off the dual-assessment records)"
        }
    }
    public var isComputed: Bool { self == .assessment }
}

public enum IntegrationStatus: String, CaseIterable, Codable, Sendable {
    case met, partial, notMet = "not_met"
    public var nameZh: String { switch self { case .met: "已落实"; case .partial: "部分落实"; case .notMet: "未落实" } }
    public var nameEn: String { switch self { case .met: "In place"; case .partial: "Partly"; case .notMet: "Not in place" } }
}

public enum IntegrationRules {
    /// 检查考核一体化 from the dual assessment: in place when the deputy was scored by both the station and the
    /// governance office for the last finished month; partly when by one of them, or by both in an earlier month of the
    /// last three; not in place otherwise (or without a deputy).
    public static func assessmentStatus(stationMonths: Set<String>, governanceMonths: Set<String>, lastMonth: YearMonth) -> IntegrationStatus {
        let last = lastMonth.description
        if stationMonths.contains(last) && governanceMonths.contains(last) { return .met }
        if stationMonths.contains(last) || governanceMonths.contains(last) { return .partial }
        let recent = [lastMonth.previous, lastMonth.previous.previous].map(\.description)
        if recent.contains(where: { stationMonths.contains($0) && governanceMonths.contains($0) }) { return .partial }
        return .notMet
    }

    /// Integrations in place out of six, for the district's table.
    public static func score(_ statuses: [Integration: IntegrationStatus]) -> Int {
        Integration.allCases.filter { statuses[$0] == .met }.count
    }
}
