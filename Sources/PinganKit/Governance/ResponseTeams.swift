import Foundation

/// 应急处突队伍 (seed 004's emergency teams: 卫生、安全生产、公安、防汛 …): who can be called, what they can do, and who is
/// on call on a given day. Pure rules: skills, what each kind of emergency needs, and the on-call roster's gaps.

/// What a member can do at a scene.
public enum ResponseSkill: String, CaseIterable, Codable, Sendable {
    case firstAid = "first_aid"            // 急救
    case firefighting                      // 消防灭火
    case waterRescue = "water_rescue"      // 水上救援
    case searchRescue = "search_rescue"    // 搜索救援
    case crowdControl = "crowd_control"    // 现场秩序维护
    case negotiation                       // 劝解谈判
    case counselling                       // 心理疏导
    case driving                           // 驾驶
    case communications                    // 通信保障
    case electrical                        // 电力抢修
    case hazmat                            // 危化品处置
    case drone                             // 无人机侦察

    public var nameZh: String {
        switch self {
        case .firstAid: "急救"; case .firefighting: "消防灭火"; case .waterRescue: "水上救援"; case .searchRescue: "搜索救援"
        case .crowdControl: "现场秩序维护"; case .negotiation: "劝解谈判"; case .counselling: "心理疏导"; case .driving: "驾驶"
        case .communications: "通信保障"; case .electrical: "电力抢修"; case .hazmat: "危化品处置"; case .drone: "无人机侦察"
        }
    }
    public var nameEn: String {
        switch self {
        case .firstAid: "First aid"; case .firefighting: "Firefighting"; case .waterRescue: "Water rescue"; case .searchRescue: "Search and rescue"
        case .crowdControl: "Crowd control"; case .negotiation: "Negotiation"; case .counselling: "Counselling"; case .driving: "Driving"
        case .communications: "Communications"; case .electrical: "Electrical repair"; case .hazmat: "Hazardous materials"; case .drone: "Drone"
        }
    }

    /// `"first_aid,driving"` → skills in the catalogue's order; unknown codes are dropped (`parse` names them).
    public static func decode(_ text: String) -> [ResponseSkill] {
        let codes = Set(text.split(separator: ",").map { String($0).whitespaceTrimmed })
        return allCases.filter { codes.contains($0.rawValue) }
    }
    public static func encode(_ skills: [ResponseSkill]) -> String {
        allCases.filter(skills.contains).map(\.rawValue).joined(separator: ",")
    }
    /// Codes as typed or sent: the known ones, and the first unknown one (for the field message).
    public static func parse(_ codes: [String]) -> (skills: [ResponseSkill], unknown: String?) {
        let cleaned = codes.map(\.whitespaceTrimmed).filter { !$0.isEmpty }
        let unknown = cleaned.first { ResponseSkill(rawValue: $0) == nil }
        return (allCases.filter { cleaned.contains($0.rawValue) }, unknown)
    }
}

/// A member's place in the team.
public enum ResponseTeamRole: String, CaseIterable, Codable, Sendable {
    case leader    // 队长
    case deputy    // 副队长
    case member    // 队员
    public var nameZh: String { switch self { case .leader: "队长"; case .deputy: "副队长"; case .member: "队员" } }
    public var nameEn: String { switch self { case .leader: "Leader"; case .deputy: "Deputy"; case .member: "Member" } }
}

/// One on-call period (值班) of a member: both days included.
public struct OnCallShift: Equatable, Sendable {
    public var memberID: Int
    public var from: LocalDay
    public var to: LocalDay
    public init(memberID: Int, from: LocalDay, to: LocalDay) { self.memberID = memberID; self.from = from; self.to = to }
    public func covers(_ day: LocalDay) -> Bool { from <= day && day <= to }
}

public enum ResponseTeamRules {
    /// A shift is at most a month; the roster is planned at most a year ahead.
    public static let maxShiftDays = 31, maxDaysAhead = 366
    /// The window the team page checks for days with nobody on call.
    public static let lookAheadDays = 14

    /// What a team answering this kind of emergency should be able to do (a sample, not a standard: districts adapt it).
    public static func neededSkills(_ type: EmergencyType) -> [ResponseSkill] {
        switch type {
        case .flood: [.waterRescue, .searchRescue, .firstAid, .driving]
        case .fire: [.firefighting, .firstAid, .crowdControl]
        case .massIncident: [.negotiation, .crowdControl, .counselling]
        case .publicSecurity: [.crowdControl, .driving, .communications]
        case .publicHealth: [.firstAid, .counselling]
        case .workSafety: [.searchRescue, .firstAid, .hazmat, .electrical]
        case .other: [.firstAid]
        }
    }

    /// The skills the team's kinds of emergency need that none of its members has, in the catalogue's order.
    public static func missingSkills(types: [EmergencyType], members: [[ResponseSkill]]) -> [ResponseSkill] {
        let have = Set(members.flatMap { $0 })
        let need = Set(types.flatMap(neededSkills))
        return ResponseSkill.allCases.filter { need.contains($0) && !have.contains($0) }
    }

    /// Field problems of a shift (empty when it can be saved). A shift may not end before today: the roster is for
    /// the days to come.
    public static func shiftProblems(from: LocalDay?, to: LocalDay?, today: LocalDay) -> [String: (zh: String, en: String)] {
        var out: [String: (zh: String, en: String)] = [:]
        guard let from else { out["from"] = ("请填写值班开始日期", "Enter the first day on call"); if to == nil { out["to"] = ("请填写值班结束日期", "Enter the last day on call") }; return out }
        guard let to else { out["to"] = ("请填写值班结束日期", "Enter the last day on call"); return out }
        if to < from { out["to"] = ("结束日期不能早于开始日期", "The last day cannot be before the first") }
        else if from.days(until: to) + 1 > maxShiftDays { out["to"] = ("一次值班最长\(maxShiftDays)天", "A shift is at most \(maxShiftDays) days") }
        if to < today { out["to"] = out["to"] ?? ("值班已结束的日期无须排班", "The shift would be over already") }
        if today.days(until: from) > maxDaysAhead { out["from"] = ("最多提前一年排班", "Plan at most a year ahead") }
        return out
    }

    /// Who is on call on `day` (member ids, each once, in the roster's order).
    public static func onCall(_ shifts: [OnCallShift], on day: LocalDay) -> [Int] {
        var seen = Set<Int>()
        return shifts.filter { $0.covers(day) }.map(\.memberID).filter { seen.insert($0).inserted }
    }

    /// The days from `from` for `days` days that have nobody on call (值班空档).
    public static func uncoveredDays(_ shifts: [OnCallShift], from: LocalDay, days: Int = lookAheadDays) -> [LocalDay] {
        (0..<max(days, 0)).map { from.adding(days: $0) }.filter { day in !shifts.contains { $0.covers(day) } }
    }

    /// Consecutive days as ranges, for a short sentence ("12-08至12-10、12-14").
    public static func ranges(_ days: [LocalDay]) -> [ClosedRange<LocalDay>] {
        var out: [ClosedRange<LocalDay>] = []
        for day in days.sorted() {
            if let last = out.last, last.upperBound.adding(days: 1) == day { out[out.count - 1] = last.lowerBound...day }
            else { out.append(day...day) }
        }
        return out
    }
}
