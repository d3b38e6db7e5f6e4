/// Petitions (信访) as the governance office (综治办) registers them, and the figures seed 004 reports from them:
/// 「到区信访的批次同比减少**.*%，到国家信访局的批次同比减少**%，到市政府集体访的批次同比减少**.*%」.
///
/// One record is one batch (批次): a letter, or one visit by one or more people about one matter. Its level is the
/// highest office it reached (社区 … 国家信访局), so "batches to the district" counts the records whose level is the district.

/// How the petition came in (信访形式).
public enum PetitionChannel: String, CaseIterable, Codable, Sendable {
    case letter   // 来信
    case visit    // 来访（走访）
    case online   // 网上信访
    case phone    // 来电
    public var nameZh: String { switch self { case .letter: "来信"; case .visit: "来访"; case .online: "网上信访"; case .phone: "来电" } }
    public var nameEn: String { switch self { case .letter: "Letter"; case .visit: "Visit"; case .online: "Online"; case .phone: "Phone" } }
}

/// The highest office the petition reached (信访层级).
public enum PetitionLevel: String, CaseIterable, Codable, Sendable, Comparable {
    case community, street, district, city, province, national
    public var nameZh: String {
        switch self { case .community: "社区（村）"; case .street: "街道（乡镇）"; case .district: "区"; case .city: "市"; case .province: "省"; case .national: "国家信访局" }
    }
    public var nameEn: String {
        switch self { case .community: "Community"; case .street: "Street"; case .district: "District"; case .city: "City"; case .province: "Province"; case .national: "National bureau" }
    }
    /// Levels above the district are 越级 for a matter the district can settle: the page marks them.
    public var isAboveDistrict: Bool { self > .district }
    private var rank: Int { Self.allCases.firstIndex(of: self)! }
    public static func < (a: Self, b: Self) -> Bool { a.rank < b.rank }
}

/// What the petition is about (信访事项类别), the categories the district's petition office counts.
public enum PetitionSubject: String, CaseIterable, Codable, Sendable {
    case landDemolition = "land_demolition"   // 征地拆迁
    case labourWages = "labour_wages"         // 劳动社保、拖欠工资
    case propertyHousing = "property_housing" // 物业住房
    case urbanManagement = "urban_management" // 城市管理
    case lawLitigation = "law_litigation"     // 涉法涉诉
    case publicSecurity = "public_security"   // 治安问题
    case environment                          // 环境保护
    case other
    public var nameZh: String {
        switch self {
        case .landDemolition: "征地拆迁"; case .labourWages: "劳动社保"; case .propertyHousing: "物业住房"; case .urbanManagement: "城市管理"
        case .lawLitigation: "涉法涉诉"; case .publicSecurity: "治安问题"; case .environment: "环境保护"; case .other: "其他"
        }
    }
    public var nameEn: String {
        switch self {
        case .landDemolition: "Land and demolition"; case .labourWages: "Labour and wages"; case .propertyHousing: "Property and housing"
        case .urbanManagement: "Urban management"; case .lawLitigation: "Law and litigation"; case .publicSecurity: "Public security"
        case .environment: "Environment"; case .other: "Other"
        }
    }
}

/// 已登记 → 办理中 (a handling unit is named) → 已办结 (a result and its date).
public enum PetitionStatus: String, CaseIterable, Codable, Sendable {
    case registered, handling, concluded
    public var nameZh: String { switch self { case .registered: "已登记"; case .handling: "办理中"; case .concluded: "已办结" } }
    public var nameEn: String { switch self { case .registered: "Registered"; case .handling: "In hand"; case .concluded: "Concluded" } }

    public static func of(handlingUnit: String, concludedOn: String?) -> Self {
        concludedOn != nil ? .concluded : handlingUnit.isEmpty ? .registered : .handling
    }
}

public enum PetitionRules {
    /// 集体访: a visit by five or more people about one matter. The 信访条例 (art. 18) asks a group to send at most five
    /// representatives, and petition offices count a visit of five or more as collective; letters are never collective.
    public static let collectiveThreshold = 5
    public static func isCollective(channel: PetitionChannel, people: Int) -> Bool {
        channel == .visit && people >= collectiveThreshold
    }
    public static let maxPeople = 10_000
}

/// One petition as the statistics read it.
public struct PetitionFact: Sendable {
    public var level: PetitionLevel
    public var people: Int
    public var collective: Bool
    /// yyyy-MM-dd, local.
    public var receivedOn: String
    public init(level: PetitionLevel, people: Int, collective: Bool, receivedOn: String) {
        self.level = level; self.people = people; self.collective = collective; self.receivedOn = receivedOn
    }
}

/// Batches and people per level for a period and the same period a year earlier (同比).
public struct PetitionLevelRow: Codable, Equatable, Sendable {
    public var level: PetitionLevel
    public var batches = 0, people = 0, collectiveBatches = 0, collectivePeople = 0
    public var lastYearBatches = 0, lastYearPeople = 0, lastYearCollectiveBatches = 0
    public init(level: PetitionLevel) { self.level = level }
    /// "-12.5%"; "—" without last year's figure.
    public var batchesChange: String { PercentChange.format(current: batches, previous: lastYearBatches) }
    public var collectiveChange: String { PercentChange.format(current: collectiveBatches, previous: lastYearCollectiveBatches) }
}

public struct PetitionStats: Codable, Equatable, Sendable {
    public var from: String, to: String
    public var lastYearFrom: String, lastYearTo: String
    public var levels: [PetitionLevelRow]
    public var total: PetitionLevelRow

    /// `from`…`to` inclusive (yyyy-MM-dd); last year is the same days a year earlier (29 February → 28 February).
    public static func compute(_ facts: [PetitionFact], from: LocalDay, to: LocalDay) -> PetitionStats {
        let lyFrom = from.sameDayLastYear, lyTo = to.sameDayLastYear
        let (f, t, lf, lt) = (from.description, to.description, lyFrom.description, lyTo.description)
        var rows = Dictionary(uniqueKeysWithValues: PetitionLevel.allCases.map { ($0, PetitionLevelRow(level: $0)) })
        for x in facts {
            if x.receivedOn >= f && x.receivedOn <= t {
                rows[x.level]!.batches += 1; rows[x.level]!.people += x.people
                if x.collective { rows[x.level]!.collectiveBatches += 1; rows[x.level]!.collectivePeople += x.people }
            } else if x.receivedOn >= lf && x.receivedOn <= lt {
                rows[x.level]!.lastYearBatches += 1; rows[x.level]!.lastYearPeople += x.people
                if x.collective { rows[x.level]!.lastYearCollectiveBatches += 1 }
            }
        }
        let levels = PetitionLevel.allCases.map { rows[$0]! }
        var total = PetitionLevelRow(level: .community)
        for r in levels {
            total.batches += r.batches; total.people += r.people; total.collectiveBatches += r.collectiveBatches; total.collectivePeople += r.collectivePeople
            total.lastYearBatches += r.lastYearBatches; total.lastYearPeople += r.lastYearPeople; total.lastYearCollectiveBatches += r.lastYearCollectiveBatches
        }
        return PetitionStats(from: f, to: t, lastYearFrom: lf, lastYearTo: lt, levels: levels, total: total)
    }

    public func row(_ level: PetitionLevel) -> PetitionLevelRow { levels.first { $0.level == level }! }

    /// The seed's sentence: 「到区信访的批次同比减少12.5%，到国家信访局的批次同比减少50.0%，到市集体访的批次同比减少20.0%」.
    public func sentence(chinese: Bool) -> String {
        func phrase(_ cur: Int, _ prev: Int, zh: String, en: String) -> String {
            if cur == 0 && prev == 0 { return chinese ? "\(zh)与去年同期均为0" : "\(en): none, as a year earlier" }
            guard prev > 0 else { return chinese ? "\(zh)\(cur)批（去年同期无）" : "\(en): \(cur) (none a year earlier)" }
            let change = PercentChange.format(current: cur, previous: prev)
            if chinese {
                if cur == prev { return "\(zh)与去年同期持平" }
                return "\(zh)同比" + (cur < prev ? "减少" : "增加") + change.trimmingPrefix(["-", "+"])
            }
            return "\(en) \(change) on a year earlier"
        }
        let d = row(.district), n = row(.national), c = row(.city)
        let parts = [
            phrase(d.batches, d.lastYearBatches, zh: "到区信访的批次", en: "Batches to the district"),
            phrase(n.batches, n.lastYearBatches, zh: "到国家信访局的批次", en: "batches to the national bureau"),
            phrase(c.collectiveBatches, c.lastYearCollectiveBatches, zh: "到市集体访的批次", en: "collective visits to the city"),
        ]
        return parts.joined(separator: chinese ? "，" : "; ") + (chinese ? "。" : ".")
    }
}

/// Escalations prevented (防止矛盾激化 / 防止群体性上访), read off the dispute files as seed 004 reports them:
/// 「防止矛盾激化**件、涉及****人；防止群体性上访**件、涉及****人」.
///
/// - A file counts as an escalation prevented when it carried the risk of a group fight or of a dispute turning into a
///   crime (民转刑), was settled by agreement in the period, and no criminal incident has been linked to it since.
/// - A file counts as a mass petition prevented when it carried the risk of a mass petition, was settled by agreement in
///   the period, and no collective petition has been registered against it.
/// People are the file's people involved. A file with both risks counts in both.
public struct PreventedFact: Sendable {
    public var people: Int
    public var riskFight: Bool, riskCriminal: Bool, riskMassPetition: Bool
    public var settledByAgreement: Bool
    public var criminalIncidentLinked: Bool
    public var collectivePetitionLinked: Bool
    public init(people: Int, riskFight: Bool, riskCriminal: Bool, riskMassPetition: Bool, settledByAgreement: Bool,
                criminalIncidentLinked: Bool, collectivePetitionLinked: Bool) {
        self.people = people; self.riskFight = riskFight; self.riskCriminal = riskCriminal; self.riskMassPetition = riskMassPetition
        self.settledByAgreement = settledByAgreement; self.criminalIncidentLinked = criminalIncidentLinked; self.collectivePetitionLinked = collectivePetitionLinked
    }
}

public struct PreventedEscalations: Codable, Equatable, Sendable {
    public var escalations = 0, escalationPeople = 0
    public var massPetitions = 0, massPetitionPeople = 0
    public init() {}

    public static func compute(_ facts: [PreventedFact]) -> PreventedEscalations {
        var p = PreventedEscalations()
        for f in facts where f.settledByAgreement {
            if (f.riskFight || f.riskCriminal) && !f.criminalIncidentLinked { p.escalations += 1; p.escalationPeople += f.people }
            if f.riskMassPetition && !f.collectivePetitionLinked { p.massPetitions += 1; p.massPetitionPeople += f.people }
        }
        return p
    }

    public func sentence(chinese: Bool) -> String {
        chinese ? "防止矛盾激化\(escalations)件、涉及\(escalationPeople)人；防止群体性上访\(massPetitions)件、涉及\(massPetitionPeople)人。"
            : "Escalations prevented: \(escalations) (\(escalationPeople) people); mass petitions prevented: \(massPetitions) (\(massPetitionPeople) people)."
    }
}

extension String {
    func trimmingPrefix(_ prefixes: [String]) -> String {
        for p in prefixes where hasPrefix(p) { return String(dropFirst(p.count)) }
        return self
    }
}
