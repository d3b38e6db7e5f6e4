import Foundation

/// 城市应急管理体系 (seed 004): the district's general plan (《突发公共事件总体应急方案》) and its special plans (专项应急预案),
/// each kept in versions that are approved, reviewed and drilled. Pure rules: kinds, the version life cycle, what an
/// approval needs, and when a plan is due for review or a drill.

public enum EmergencyPlanKind: String, CaseIterable, Codable, Sendable {
    case general   // 总体应急方案
    case special   // 专项应急预案
    public var nameZh: String { self == .general ? "总体应急方案" : "专项应急预案" }
    public var nameEn: String { self == .general ? "General plan" : "Special plan" }
}

/// What kind of emergency a plan answers (突发公共事件的类别, with the seed's teams: 卫生、安全生产、公安、防汛).
public enum EmergencyType: String, CaseIterable, Codable, Sendable {
    case publicSecurity = "public_security"  // 社会安全（治安）
    case massIncident = "mass_incident"      // 群体性事件
    case fire                                // 火灾
    case flood                               // 防汛
    case publicHealth = "public_health"      // 公共卫生
    case workSafety = "work_safety"          // 安全生产
    case other
    public var nameZh: String {
        switch self {
        case .publicSecurity: "社会安全"; case .massIncident: "群体性事件"; case .fire: "火灾"; case .flood: "防汛"
        case .publicHealth: "公共卫生"; case .workSafety: "安全生产"; case .other: "其他"
        }
    }
    public var nameEn: String {
        switch self {
        case .publicSecurity: "Public security"; case .massIncident: "Mass incident"; case .fire: "Fire"; case .flood: "Flood"
        case .publicHealth: "Public health"; case .workSafety: "Work safety"; case .other: "Other"
        }
    }
}

/// The highest response level the plan covers (响应级别: Ⅰ 特别重大 … Ⅳ 一般).
public enum EmergencyLevel: String, CaseIterable, Codable, Sendable {
    case one = "1", two = "2", three = "3", four = "4"
    public var nameZh: String { switch self { case .one: "Ⅰ级（特别重大）"; case .two: "Ⅱ级（重大）"; case .three: "Ⅲ级（较大）"; case .four: "Ⅳ级（一般）" } }
    public var nameEn: String { switch self { case .one: "Level I (most severe)"; case .two: "Level II (severe)"; case .three: "Level III (serious)"; case .four: "Level IV (general)" } }
}

/// A version's life: drafted, approved (in force), superseded by the next approved version.
public enum EmergencyPlanStatus: String, CaseIterable, Codable, Sendable {
    case draft, approved, superseded
    public var nameZh: String { switch self { case .draft: "草案"; case .approved: "已批准（现行）"; case .superseded: "已被新版本替代" } }
    public var nameEn: String { switch self { case .draft: "Draft"; case .approved: "Approved (in force)"; case .superseded: "Superseded" } }
}

/// Why an approved plan needs attention.
public enum EmergencyPlanDue: String, CaseIterable, Codable, Sendable {
    case review  // 复审期已过
    case drill   // 演练已逾期
    public var nameZh: String { self == .review ? "复审逾期" : "演练逾期" }
    public var nameEn: String { self == .review ? "Review overdue" : "Drill overdue" }
}

public enum EmergencyPlanRules {
    public static let minDrillMonths = 1, maxDrillMonths = 36

    /// What an approval needs that a draft may lack: units with duties, response steps, a review day not yet passed.
    /// Empty when the draft can be approved; otherwise the field names and their messages (zh, en).
    public static func approvalGaps(units: Int, steps: [String], reviewDue: LocalDay?, today: LocalDay) -> [String: (zh: String, en: String)] {
        var out: [String: (zh: String, en: String)] = [:]
        if units == 0 { out["units"] = ("批准前须明确至少一个责任单位及其职责", "Name at least one responsible unit and its duty before approval") }
        if steps.allSatisfy({ $0.whitespaceTrimmed.isEmpty }) { out["steps"] = ("批准前须写明处置步骤", "Write the response steps before approval") }
        if let reviewDue, reviewDue < today { out["reviewDueOn"] = ("复审日期已过，请先修改", "The review day has passed: change it first") }
        return out
    }

    /// The day the next drill is due: `intervalMonths` after the last drill of any version of the plan, or after the
    /// first approval when it was never drilled. The same day of the month, or the month's last day when it has none.
    public static func nextDrill(lastDrill: LocalDay?, approvedOn: LocalDay, intervalMonths: Int) -> LocalDay {
        (lastDrill ?? approvedOn).adding(months: max(intervalMonths, 1))
    }

    /// Why an approved plan is overdue today (nothing for drafts and superseded versions). The due day itself is on time.
    public static func dues(status: EmergencyPlanStatus, reviewDue: LocalDay, nextDrill: LocalDay?, today: LocalDay) -> [EmergencyPlanDue] {
        guard status == .approved else { return [] }
        var out: [EmergencyPlanDue] = []
        if reviewDue < today { out.append(.review) }
        if let nextDrill, nextDrill < today { out.append(.drill) }
        return out
    }

    /// The response steps, one per non-empty line, numbering typed by hand removed ("1. 启动预案", "2、", "3）" → the text);
    /// a step that starts with a figure ("2小时内报告") keeps it.
    public static func steps(_ text: String) -> [String] {
        text.split(whereSeparator: \.isNewline).map { line in
            let trimmed = String(line).whitespaceTrimmed
            let digits = trimmed.prefix { $0.isASCII && $0.isNumber }
            let rest = trimmed.dropFirst(digits.count)
            if !digits.isEmpty, let mark = rest.first, ".．、)）:：".contains(mark) { return String(rest.dropFirst()).whitespaceTrimmed }
            return trimmed
        }.filter { !$0.isEmpty }
    }
}

extension LocalDay {
    /// The same day `months` later (earlier when negative); the month's last day when it is shorter (01-31 + 1 → 02-28/29).
    public func adding(months: Int) -> LocalDay {
        let c = components
        let ym = YearMonth(year: c.year, month: c.month).adding(months: months)
        return LocalDay(year: ym.year, month: ym.month, day: min(c.day, LocalDay.daysIn(year: ym.year, month: ym.month)))!
    }
}

/// One step of a started plan (启动预案后的处置清单) as the after-action report reads it.
public struct ActivationStepFact: Equatable, Sendable {
    public enum Outcome: String, Codable, Sendable { case done, skipped, open }
    public var text: String
    public var outcome: Outcome
    /// When it was reported done or skipped.
    public var at: Date?
    public init(text: String, outcome: Outcome, at: Date?) { self.text = text; self.outcome = outcome; self.at = at }
}

extension EmergencyPlanRules {
    /// The time limit a step states, in minutes after the start: the first 「N分钟内」「N小时内」「N个小时内」「半小时内」「N天内」
    /// in its text, N in Arabic or Chinese numerals (「接警后10分钟内报街道应急办」→ 10, 「两小时内续报」→ 120). nil: no limit.
    public static func stepLimit(_ text: String) -> Int? {
        let chars = Array(text)
        for (i, c) in chars.enumerated() where c == "内" {
            var j = i
            let unit: Int
            func ends(_ word: String) -> Bool {
                let w = Array(word)
                return j >= w.count && Array(chars[(j - w.count)..<j]) == w
            }
            if ends("分钟") { unit = 1; j -= 2 }
            else if ends("个小时") { unit = 60; j -= 3 }
            else if ends("小时") { unit = 60; j -= 2 }
            else if ends("天") || ends("日") { unit = 1440; j -= 1 }
            else { continue }
            if unit == 60, j >= 1, chars[j - 1] == "半" { return 30 }
            var k = j
            while k > 0, chars[k - 1].isNumber || "零一二两三四五六七八九十百".contains(chars[k - 1]) { k -= 1 }
            guard k < j, let n = number(String(chars[k..<j])), n > 0 else { continue }
            return n * unit
        }
        return nil
    }

    /// 10, "10", "十", "二十四", "两", "一百二十" → Int.
    static func number(_ s: String) -> Int? {
        if let n = Int(s) { return n }
        let digits: [Character: Int] = ["零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9]
        var total = 0, current = 0, seen = false
        for ch in s {
            if let d = digits[ch] { current = d; seen = true }
            else if ch == "十" { total += (seen ? current : 1) * 10; current = 0; seen = false }
            else if ch == "百" { total += (seen ? current : 1) * 100; current = 0; seen = false }
            else { return nil }
        }
        return total + current
    }
}

/// The after-action report (处置评估) of a started plan: how long the response took, which steps were done and when
/// (minutes after the start), which were skipped or left open when it ended.
public struct ActivationReport: Equatable, Sendable {
    public struct Line: Equatable, Sendable {
        public var seq: Int
        public var text: String
        public var outcome: ActivationStepFact.Outcome
        public var minutesAfterStart: Int?
        /// The limit the step's text states (`EmergencyPlanRules.stepLimit`).
        public var limitMinutes: Int? = nil
        /// Done after its limit, or still open past it (at the end, or now while the response runs).
        public var late: Bool = false
    }
    public var minutes: Int
    public var lines: [Line]
    public var done: Int { lines.filter { $0.outcome == .done }.count }
    public var skipped: Int { lines.filter { $0.outcome == .skipped }.count }
    public var open: Int { lines.filter { $0.outcome == .open }.count }
    public var late: Int { lines.filter(\.late).count }

    /// `end` nil: the response is still running (the report so far, up to `now`).
    public static func of(start: Date, end: Date?, now: Date, steps: [ActivationStepFact]) -> ActivationReport {
        let until = end ?? now
        let elapsed = max(0, Int((until.timeIntervalSince(start) / 60).rounded(.down)))
        return ActivationReport(minutes: elapsed,
                                lines: steps.enumerated().map { i, s in
                                    let after = s.at.map { max(0, Int(($0.timeIntervalSince(start) / 60).rounded(.down))) }
                                    let limit = EmergencyPlanRules.stepLimit(s.text)
                                    let late: Bool
                                    switch (s.outcome, limit) {
                                    case (.done, let l?): late = (after ?? 0) > l
                                    case (.open, let l?): late = elapsed > l
                                    default: late = false
                                    }
                                    return Line(seq: i + 1, text: s.text, outcome: s.outcome, minutesAfterStart: after, limitMinutes: limit, late: late)
                                })
    }

    /// 「历时95分钟，6项处置步骤完成4项、跳过1项、未完成1项」; while it runs, 「已进行…，…待办…项」.
    public func sentence(chinese: Bool, running: Bool = false) -> String {
        let lateZh = late > 0 ? "，其中\(late)项超出时限" : "", lateEn = late > 0 ? "; \(late) past their time limit" : ""
        if running {
            return (chinese ? "已进行\(minutes)分钟，\(lines.count)项处置步骤完成\(done)项、跳过\(skipped)项、待办\(open)项" + lateZh
                            : "\(minutes) minutes so far; of \(lines.count) steps \(done) done, \(skipped) skipped, \(open) to do" + lateEn)
        }
        return chinese ? "历时\(minutes)分钟，\(lines.count)项处置步骤完成\(done)项、跳过\(skipped)项、未完成\(open)项" + lateZh
                       : "\(minutes) minutes; of \(lines.count) steps \(done) done, \(skipped) skipped, \(open) not done" + lateEn
    }
}

/// A plan's resources placed on the map (应急资源): what kind, and what its number counts.
public enum EmergencyResourceKind: String, CaseIterable, Codable, Sendable {
    case shelter, supplies, equipment, vehicle, medical, water
    public var nameZh: String {
        switch self {
        case .shelter: "避难场所"; case .supplies: "物资储备点"; case .equipment: "救援装备"; case .vehicle: "应急车辆"
        case .medical: "医疗救护点"; case .water: "消防水源"
        }
    }
    public var nameEn: String {
        switch self {
        case .shelter: "Shelter"; case .supplies: "Supply store"; case .equipment: "Rescue equipment"; case .vehicle: "Vehicles"
        case .medical: "Medical post"; case .water: "Fire water source"
        }
    }
    /// What `capacity` counts: people a shelter takes, pieces or sets of equipment, vehicles …
    public var unitZh: String {
        switch self { case .shelter: "人"; case .supplies: "件"; case .equipment: "套"; case .vehicle: "辆"; case .medical: "床"; case .water: "处" }
    }
    public var unitEn: String {
        switch self { case .shelter: "people"; case .supplies: "items"; case .equipment: "sets"; case .vehicle: "vehicles"; case .medical: "beds"; case .water: "points" }
    }
    /// Map colours, one per kind, distinct from the other layers' reds and blues where possible.
    public var color: String {
        switch self { case .shelter: "#2f7d32"; case .supplies: "#a35f00"; case .equipment: "#6a3d9a"; case .vehicle: "#1d4e89"; case .medical: "#b3261e"; case .water: "#0b7285" }
    }
}
