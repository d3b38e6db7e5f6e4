/// The incident code table (警情分类): sources, categories and subcategories, with the
/// preventable (可防性) marking the monthly statistics table of seed 000 is built on.
/// These are the defaults a district starts from; the server copies them into its own table.

public enum IncidentSource: String, CaseIterable, Codable, Sendable {
    case dispatch110 = "110"      // 110 接警
    case walkIn = "walk_in"       // 来所报警
    case portal = "portal"        // 网上警务室
    case patrol = "patrol"        // 巡逻发现
    case other = "other"

    public var nameZh: String {
        switch self {
        case .dispatch110: "110接警"
        case .walkIn: "来所报警"
        case .portal: "网上警务室"
        case .patrol: "巡逻发现"
        case .other: "其他"
        }
    }
    public var nameEn: String {
        switch self {
        case .dispatch110: "110 dispatch"
        case .walkIn: "Walk-in"
        case .portal: "Online portal"
        case .patrol: "Patrol discovery"
        case .other: "Other"
        }
    }
}

public enum IncidentCategory: String, CaseIterable, Codable, Sendable {
    case criminal       // 刑事
    case publicOrder = "public_order" // 治安
    case dispute        // 纠纷
    case help           // 求助
    case traffic        // 交通
    case fire           // 火灾
    case other

    public var nameZh: String {
        switch self {
        case .criminal: "刑事"
        case .publicOrder: "治安"
        case .dispute: "纠纷"
        case .help: "求助"
        case .traffic: "交通"
        case .fire: "火灾"
        case .other: "其他"
        }
    }
    public var nameEn: String {
        switch self {
        case .criminal: "Criminal"
        case .publicOrder: "Public order"
        case .dispute: "Dispute"
        case .help: "Help"
        case .traffic: "Traffic"
        case .fire: "Fire"
        case .other: "Other"
        }
    }
}

public struct IncidentSubcategory: Hashable, Codable, Sendable {
    public var code: String
    public var category: IncidentCategory
    public var nameZh: String
    public var nameEn: String
    /// 可防性: cases that patrols and prevention work can reduce (seed 000's statistics table).
    public var preventable: Bool

    public init(code: String, category: IncidentCategory, nameZh: String, nameEn: String, preventable: Bool) {
        self.code = code
        self.category = category
        self.nameZh = nameZh
        self.nameEn = nameEn
        self.preventable = preventable
    }
}

public enum IncidentTaxonomy {
    public static let defaultSubcategories: [IncidentSubcategory] = [
        .init(code: "burglary", category: .criminal, nameZh: "入室盗窃", nameEn: "Burglary", preventable: true),
        .init(code: "vehicle_theft", category: .criminal, nameZh: "盗窃机动车", nameEn: "Motor vehicle theft", preventable: true),
        .init(code: "nonmotor_theft", category: .criminal, nameZh: "盗窃非机动车", nameEn: "Bicycle / e-bike theft", preventable: true),
        .init(code: "theft_from_vehicle", category: .criminal, nameZh: "盗窃车内财物", nameEn: "Theft from vehicle", preventable: true),
        .init(code: "snatching", category: .criminal, nameZh: "抢夺", nameEn: "Snatching", preventable: true),
        .init(code: "robbery", category: .criminal, nameZh: "抢劫", nameEn: "Robbery", preventable: true),
        .init(code: "pickpocketing", category: .criminal, nameZh: "扒窃", nameEn: "Pickpocketing", preventable: true),
        .init(code: "fraud", category: .criminal, nameZh: "诈骗", nameEn: "Fraud", preventable: true),
        .init(code: "other_theft", category: .criminal, nameZh: "其他盗窃", nameEn: "Other theft", preventable: false),
        .init(code: "assault", category: .criminal, nameZh: "故意伤害", nameEn: "Assault", preventable: false),
        .init(code: "other_criminal", category: .criminal, nameZh: "其他刑事", nameEn: "Other criminal", preventable: false),
        .init(code: "fight", category: .publicOrder, nameZh: "打架斗殴", nameEn: "Fighting", preventable: false),
        .init(code: "gambling", category: .publicOrder, nameZh: "赌博", nameEn: "Gambling", preventable: false),
        .init(code: "disturbance", category: .publicOrder, nameZh: "扰乱秩序", nameEn: "Disturbance", preventable: false),
        .init(code: "minor_theft", category: .publicOrder, nameZh: "治安盗窃", nameEn: "Minor theft", preventable: true),
        .init(code: "other_public_order", category: .publicOrder, nameZh: "其他治安", nameEn: "Other public order", preventable: false),
        .init(code: "neighbour_dispute", category: .dispute, nameZh: "邻里纠纷", nameEn: "Neighbour dispute", preventable: false),
        .init(code: "family_dispute", category: .dispute, nameZh: "家庭纠纷", nameEn: "Family dispute", preventable: false),
        .init(code: "economic_dispute", category: .dispute, nameZh: "经济纠纷", nameEn: "Economic dispute", preventable: false),
        .init(code: "help_person", category: .help, nameZh: "求助", nameEn: "Request for help", preventable: false),
        .init(code: "lost_person", category: .help, nameZh: "走失寻人", nameEn: "Missing person", preventable: false),
        .init(code: "traffic_accident", category: .traffic, nameZh: "交通事故", nameEn: "Traffic accident", preventable: false),
        .init(code: "traffic_other", category: .traffic, nameZh: "交通违法", nameEn: "Traffic offence", preventable: false),
        .init(code: "fire", category: .fire, nameZh: "火灾", nameEn: "Fire", preventable: false),
        .init(code: "other", category: .other, nameZh: "其他", nameEn: "Other", preventable: false),
    ]

    public static func subcategory(code: String) -> IncidentSubcategory? {
        defaultSubcategories.first { $0.code == code }
    }
}
