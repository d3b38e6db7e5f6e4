/// Seed rows for the jurisdiction tree (辖区): district → street/town → community/village.
/// The Panyu data itself lives in the generated file PanyuDivisions.swift.

/// 社区居民委员会 → urban, 村民委员会 → rural.
public enum CommunityKind: String, Codable, Sendable, CaseIterable {
    case urban
    /// A police community at a town seat (集镇民警社区, seed 001: 人民政府所在地集镇，可视情况建立1至2个民警社区，
    /// 每个社区配置1名社区民警).
    case town
    case rural

    public var nameZh: String {
        switch self {
        case .urban: "社区"
        case .town: "集镇社区"
        case .rural: "村"
        }
    }
    public var nameEn: String {
        switch self {
        case .urban: "Urban community"
        case .town: "Town-seat community"
        case .rural: "Village"
        }
    }
}

public struct DivisionSeed: Sendable, Hashable {
    public var code: String
    /// Full official name, e.g. "德兴社区居民委员会".
    public var name: String
    /// Only set for communities.
    public var kind: CommunityKind?
    /// True when `code` is not an official NBS code but was generated (see PanyuDivisions).
    public var codeGenerated: Bool
    public var parentCode: String?

    public init(code: String, name: String, kind: CommunityKind? = nil, codeGenerated: Bool = false, parentCode: String? = nil) {
        self.code = code
        self.name = name
        self.kind = kind
        self.codeGenerated = codeGenerated
        self.parentCode = parentCode
    }

    /// Level implied by the code length (nil for an unexpected length).
    public var level: DivisionLevel? { DivisionLevel(codeLength: code.count) }

    /// Display name without the committee suffix:
    /// "德兴社区居民委员会" → "德兴社区", "沙北村民委员会" → "沙北村", "河村村民委员会" → "河村",
    /// "御院社区居委会" → "御院社区". Streets and districts are returned unchanged.
    public var shortName: String { Self.shortName(of: name) }

    public static func shortName(of name: String) -> String {
        // Longest suffixes first.
        let rules: [(suffix: String, replacement: String)] = [
            ("社区居民委员会", "社区"),
            ("社区居委会", "社区"),
            ("村民委员会", "村"),
            ("村委会", "村"),
            ("居民委员会", ""),
            ("居委会", ""),
            ("委员会", ""),
        ]
        for rule in rules where name.hasSuffix(rule.suffix) {
            let stem = String(name.dropLast(rule.suffix.count))
            if stem.isEmpty { return name }
            // "河村" + "村民委员会" is the village 河村, not 河村村.
            if rule.replacement == "村", stem.hasSuffix("村") { return stem }
            return stem + rule.replacement
        }
        return name
    }

    /// Kind implied by a committee name: urban if it contains 社区 or 居民委员会 / 居委会, else rural.
    public static func kind(ofCommitteeName name: String) -> CommunityKind {
        (name.contains("社区") || name.contains("居民委员会") || name.contains("居委会")) ? .urban : .rural
    }
}

/// Embedded real data for Guangzhou Panyu district (广州市番禺区, 440113).
/// `district`, `streets`, `communities` and `nameAliases` are generated into PanyuDivisions.swift.
public enum PanyuDivisions {
    /// District, streets and communities in tree order (parents before children).
    public static var all: [DivisionSeed] { [district] + streets + communities }

    /// Looks a street/town up by its NBS 2022 name or by an old alias ("石基镇" → 石碁镇).
    public static func street(named name: String) -> DivisionSeed? {
        let resolved = nameAliases[name] ?? name
        return streets.first { $0.name == resolved }
    }

    public static func street(code: String) -> DivisionSeed? {
        streets.first { $0.code == code }
    }

    public static func communities(inStreet streetCode: String) -> [DivisionSeed] {
        communities.filter { $0.parentCode == streetCode }
    }
}
