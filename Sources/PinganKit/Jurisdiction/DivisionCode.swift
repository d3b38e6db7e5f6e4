/// Administrative division codes: GB/T 2260 (6-digit district) extended by the National Bureau of
/// Statistics' urban–rural division codes (9-digit street/town, 12-digit community/village),
/// a 3-digit grid number (15 digits, as in DB11/T 2157) and a 4-digit building number (19 digits).

public enum DivisionLevel: String, CaseIterable, Codable, Sendable, Comparable {
    case district, street, community, grid, building

    /// Number of digits in a code of this level.
    public var codeLength: Int {
        switch self {
        case .district: 6
        case .street: 9
        case .community: 12
        case .grid: 15
        case .building: 19
        }
    }

    public init?(codeLength: Int) {
        guard let level = Self.allCases.first(where: { $0.codeLength == codeLength }) else { return nil }
        self = level
    }

    /// The level directly above (nil for district).
    public var parent: DivisionLevel? {
        switch self {
        case .district: nil
        case .street: .district
        case .community: .street
        case .grid: .community
        case .building: .grid
        }
    }

    /// The level directly below (nil for building).
    public var child: DivisionLevel? {
        switch self {
        case .district: .street
        case .street: .community
        case .community: .grid
        case .grid: .building
        case .building: nil
        }
    }

    public var nameZh: String {
        switch self {
        case .district: "区县"
        case .street: "街道/镇"
        case .community: "社区/村"
        case .grid: "网格"
        case .building: "楼栋"
        }
    }
    public var nameEn: String {
        switch self {
        case .district: "District"
        case .street: "Street / town"
        case .community: "Community / village"
        case .grid: "Grid"
        case .building: "Building"
        }
    }

    private var rank: Int { Self.allCases.firstIndex(of: self)! }
    public static func < (lhs: DivisionLevel, rhs: DivisionLevel) -> Bool { lhs.rank < rhs.rank }
}

public enum DivisionCode {
    /// nil when `code` is a well-formed code of `level`, else an English message.
    ///
    /// Checks: ASCII digits only; the level's length (6 / 9 / 12 / 15 / 19); for district … grid also
    /// that the code is not a higher level padded with zeros (province 11–82, district part ≠ "00",
    /// street, community and grid parts ≠ "000"). Building codes are checked for digits and length only.
    public static func validate(_ code: String, level: DivisionLevel) -> String? {
        guard !code.isEmpty else { return "The code is empty" }
        guard code.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else {
            return "A division code contains digits only"
        }
        guard code.utf8.count == level.codeLength else {
            return "A \(level.rawValue) code has \(level.codeLength) digits"
        }
        if level == .building { return nil }
        let digits = Array(code.utf8).map { Int($0) - 0x30 }
        func part(_ from: Int, _ length: Int) -> Int {
            digits[from ..< from + length].reduce(0) { $0 * 10 + $1 }
        }
        let province = part(0, 2)
        guard (11...82).contains(province) else {
            return "The first two digits (province) must be between 11 and 82"
        }
        guard part(4, 2) != 0 else { return "Digits 5–6 (district) must not be 00" }
        if level >= .street, part(6, 3) == 0 { return "Digits 7–9 (street/town) must not be 000" }
        if level >= .community, part(9, 3) == 0 { return "Digits 10–12 (community/village) must not be 000" }
        if level >= .grid, part(12, 3) == 0 { return "Digits 13–15 (grid) must not be 000" }
        return nil
    }

    public static func isValid(_ code: String, level: DivisionLevel) -> Bool {
        validate(code, level: level) == nil
    }

    /// Grid code = 12-digit community code + 3-digit grid number (1...999, zero-padded).
    /// Traps on an index outside 1...999 (a programming error).
    public static func gridCode(community: String, index: Int) -> String {
        precondition((1...999).contains(index), "grid index \(index) outside 1...999")
        return community + zeroPadded(index, width: 3)
    }

    /// Building code = 15-digit grid code + 4-digit building number (1...9999, zero-padded).
    public static func buildingCode(grid: String, index: Int) -> String {
        precondition((1...9999).contains(index), "building index \(index) outside 1...9999")
        return grid + zeroPadded(index, width: 4)
    }

    /// Does `child` belong under `parent` by code prefix? Strict: a code is not under itself.
    /// Both must be non-empty digit strings. "440113007" is under "440113"; "440113007001" under "440113007".
    public static func isPrefix(_ parent: String, of child: String) -> Bool {
        guard !parent.isEmpty, child.utf8.count > parent.utf8.count,
              parent.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }),
              child.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else { return false }
        return child.utf8.starts(with: parent.utf8)
    }

    /// The level a code's length corresponds to (nil for other lengths).
    public static func level(of code: String) -> DivisionLevel? {
        DivisionLevel(codeLength: code.utf8.count)
    }

    /// The code of the parent division (drops the last level's digits); nil for a district or an odd length.
    public static func parentCode(of code: String) -> String? {
        guard let level = level(of: code), let parent = level.parent else { return nil }
        return String(code.prefix(parent.codeLength))
    }

    static func zeroPadded(_ value: Int, width: Int) -> String {
        let s = String(value)
        return s.count >= width ? s : String(repeating: "0", count: width - s.count) + s
    }
}
