/// 网格事件分类: a two-level code table of 部件 (city components: street lights, manhole covers …) and
/// 事件 (events: illegal parking, unlicensed vending …), each with the kind of unit that acts on it by
/// default. Configurable per district; `GridEventCategoryTable.sample` is a SAMPLE to start from, not
/// an official code list (the national standard's codes are not reproduced here).

/// 部件 or 事件.
public enum GridEventClass: String, CaseIterable, Codable, Sendable {
    case component, event
    public var nameZh: String { self == .component ? "部件" : "事件" }
    public var nameEn: String { self == .component ? "Component" : "Event" }
}

/// The kind of body that acts on an event (处置单位类型).
public enum ResponsibleUnitKind: String, CaseIterable, Codable, Sendable {
    case policeStation = "police_station"           // 派出所
    case urbanManagement = "urban_management"       // 城管
    case marketSupervision = "market_supervision"   // 市场监管
    case housing                                    // 住建
    case fire                                       // 消防
    case environment                                // 环保（生态环境）
    case communityCommittee = "community_committee" // 居委会（村委会）
    case propertyCompany = "property_company"       // 物业公司
    case utilities                                  // 供水、供电、燃气、通信等权属单位
    case transport                                  // 交通（道路、公交设施）

    public var nameZh: String {
        switch self {
        case .policeStation: "派出所"; case .urbanManagement: "城管"; case .marketSupervision: "市场监管"; case .housing: "住建"
        case .fire: "消防"; case .environment: "环保"; case .communityCommittee: "居委会"; case .propertyCompany: "物业公司"
        case .utilities: "权属单位（水电气通信）"; case .transport: "交通"
        }
    }
    public var nameEn: String {
        switch self {
        case .policeStation: "Police station"; case .urbanManagement: "Urban management"; case .marketSupervision: "Market supervision"
        case .housing: "Housing and construction"; case .fire: "Fire and rescue"; case .environment: "Environment"
        case .communityCommittee: "Community committee"; case .propertyCompany: "Property company"
        case .utilities: "Utility owner (water, power, gas, telecom)"; case .transport: "Transport"
        }
    }
}

/// One code: a major class (大类, no parent) or a subclass (小类, parent = a major class of the same class).
public struct GridEventCategory: Codable, Equatable, Hashable, Sendable {
    public var code: String
    public var nameZh: String
    public var nameEn: String
    public var eventClass: GridEventClass
    public var parentCode: String?
    /// The unit kind a new event goes to; nil on a subclass: its major class's.
    public var defaultUnit: ResponsibleUnitKind?

    public init(code: String, nameZh: String, nameEn: String, eventClass: GridEventClass, parentCode: String? = nil,
                defaultUnit: ResponsibleUnitKind? = nil) {
        self.code = code; self.nameZh = nameZh; self.nameEn = nameEn; self.eventClass = eventClass
        self.parentCode = parentCode; self.defaultUnit = defaultUnit
    }
    public var isMajor: Bool { parentCode == nil }
}

/// A district's category table or time-limit table is not usable (the message says why).
public struct GridEventConfigError: Error, Equatable, Sendable {
    public var messageZh: String
    public var messageEn: String
}

public struct GridEventCategoryTable: Sendable {
    /// In table order: each major class followed by its subclasses.
    public let categories: [GridEventCategory]
    /// True for the shipped sample (shown as 「示例分类，非官方代码」).
    public let isSample: Bool
    private let byCode: [String: Int]

    /// Checks: codes unique and non-empty, parents exist, are major classes of the same 部件/事件 class
    /// (two levels only), and every major class has a default unit.
    public init(_ categories: [GridEventCategory], isSample: Bool = false) throws(GridEventConfigError) {
        var index: [String: Int] = [:]
        for (i, c) in categories.enumerated() {
            guard !c.code.whitespaceTrimmed.isEmpty, !c.nameZh.whitespaceTrimmed.isEmpty else {
                throw GridEventConfigError(messageZh: "分类代码和名称不能为空", messageEn: "A category needs a code and a name")
            }
            guard index.updateValue(i, forKey: c.code) == nil else {
                throw GridEventConfigError(messageZh: "分类代码“\(c.code)”重复", messageEn: "Category code \(c.code) is used twice")
            }
        }
        for c in categories {
            if let p = c.parentCode {
                guard let pi = index[p], categories[pi].isMajor, categories[pi].eventClass == c.eventClass else {
                    throw GridEventConfigError(messageZh: "分类“\(c.code)”的上级“\(p)”不存在、不是大类或不属同一类别",
                                                 messageEn: "The parent \(p) of category \(c.code) is missing, not a major class, or of the other class")
                }
            } else if c.defaultUnit == nil {
                throw GridEventConfigError(messageZh: "大类“\(c.code) \(c.nameZh)”须指定默认处置单位",
                                             messageEn: "Major class \(c.code) needs a default responsible unit")
            }
        }
        // Major classes first, each followed by its subclasses, in the order given.
        var ordered: [GridEventCategory] = []
        for m in categories where m.isMajor {
            ordered.append(m)
            ordered += categories.filter { $0.parentCode == m.code }
        }
        self.categories = ordered
        self.isSample = isSample
        byCode = Dictionary(uniqueKeysWithValues: ordered.enumerated().map { ($1.code, $0) })
    }

    public subscript(code: String) -> GridEventCategory? { byCode[code].map { categories[$0] } }

    public func majorClasses(_ eventClass: GridEventClass? = nil) -> [GridEventCategory] {
        categories.filter { $0.isMajor && (eventClass == nil || $0.eventClass == eventClass) }
    }

    public func subclasses(of code: String) -> [GridEventCategory] { categories.filter { $0.parentCode == code } }

    /// The unit kind an event of this category goes to: its own, else its major class's.
    public func defaultUnit(for code: String) -> ResponsibleUnitKind? {
        guard let c = self[code] else { return nil }
        return c.defaultUnit ?? c.parentCode.flatMap { self[$0]?.defaultUnit }
    }

    /// The category picker's search: subclasses whose code starts with, or whose Chinese or English name
    /// (or major class name) contains, the query (case-insensitive); all subclasses for an empty query.
    public func search(_ query: String) -> [GridEventCategory] {
        let q = query.whitespaceTrimmed.lowercased()
        return categories.filter { c in
            guard !c.isMajor else { return false }
            if q.isEmpty { return true }
            let parent = c.parentCode.flatMap { self[$0] }
            return c.code.lowercased().hasPrefix(q) || c.nameZh.contains(q) || c.nameEn.lowercased().contains(q)
                || (parent.map { $0.nameZh.contains(q) || $0.nameEn.lowercased().contains(q) } ?? false)
        }
    }
}
