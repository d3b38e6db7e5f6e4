import Foundation

/// 实有人口 categories and the key-population (重点人口) subtypes of MISSION §2.
public enum PersonCategory: String, CaseIterable, Codable, Sendable {
    case permanent   // 常住人口（户籍）
    case temporary   // 暂住 / 流动人口
    case key         // 重点人口

    public var nameZh: String {
        switch self { case .permanent: "常住人口"; case .temporary: "暂住人口"; case .key: "重点人口" }
    }
    public var nameEn: String {
        switch self { case .permanent: "Permanent"; case .temporary: "Temporary / floating"; case .key: "Key population" }
    }
}

public enum KeyPopulationType: String, CaseIterable, Codable, Sendable {
    case releasedPrisoner = "released_prisoner"       // 刑满释放 / 解除劳教
    case communityCorrection = "community_correction" // 社区矫正
    case drug                                         // 吸毒人员
    case mentalHealth = "mental_health"               // 肇事肇祸精神障碍患者
    case keyPetitioner = "key_petitioner"             // 重点上访人员
    case atRiskYouth = "at_risk_youth"                // 重点青少年

    public var nameZh: String {
        switch self {
        case .releasedPrisoner: "刑释解教人员"
        case .communityCorrection: "社区矫正人员"
        case .drug: "吸毒人员"
        case .mentalHealth: "精神障碍患者（有肇事肇祸风险）"
        case .keyPetitioner: "重点上访人员"
        case .atRiskYouth: "重点青少年"
        }
    }
    public var nameEn: String {
        switch self {
        case .releasedPrisoner: "Released prisoner"
        case .communityCorrection: "Community correction"
        case .drug: "Drug user"
        case .mentalHealth: "Mental-health risk"
        case .keyPetitioner: "Key petitioner"
        case .atRiskYouth: "At-risk youth"
        }
    }
}

/// Chinese phone numbers: an 11-digit mobile (1[3-9]…) or a landline with area code (0xx-xxxxxxx).
public enum PhoneNumber {
    /// Digits only, or nil when the text is not a phone number we accept.
    public static func normalize(_ raw: String) -> String? {
        var s = String(raw.unicodeScalars.filter { $0 != " " && $0 != "-" && !$0.properties.isWhitespace })
        if s.hasPrefix("+86") { s.removeFirst(3) }
        guard !s.isEmpty, s.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        if s.count == 11, s.hasPrefix("1"), let second = s.dropFirst().first, "3456789".contains(second) { return s }
        if s.hasPrefix("0"), (10...12).contains(s.count) { return s }
        return nil
    }

    /// 138****1234: enough to recognise a number, not to dial it.
    public static func masked(_ digits: String) -> String {
        guard digits.count >= 7 else { return String(repeating: "*", count: digits.count) }
        return String(digits.prefix(3)) + String(repeating: "*", count: digits.count - 7) + String(digits.suffix(4))
    }
}
