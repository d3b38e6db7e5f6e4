/// The shipped SAMPLE category table (示例分类，非官方代码). Codes are Pingan's own — C = 部件, E = 事件,
/// two digits for the major class, two for the subclass — chosen to be readable, not taken from any
/// standard. A district replaces or extends it; the default units are a typical starting point.
extension GridEventCategoryTable {
    public static let sample: GridEventCategoryTable = {
        typealias C = GridEventCategory
        func major(_ code: String, _ zh: String, _ en: String, _ unit: ResponsibleUnitKind) -> C {
            C(code: code, nameZh: zh, nameEn: en, eventClass: code.hasPrefix("C") ? .component : .event, defaultUnit: unit)
        }
        func sub(_ code: String, _ zh: String, _ en: String, _ unit: ResponsibleUnitKind? = nil) -> C {
            C(code: code, nameZh: zh, nameEn: en, eventClass: code.hasPrefix("C") ? .component : .event,
              parentCode: String(code.prefix(3)), defaultUnit: unit)
        }
        let rows: [C] = [
            // 部件 components
            major("C01", "公用设施", "Public utilities", .utilities),
            sub("C0101", "井盖", "Manhole cover"),
            sub("C0102", "路灯", "Street light", .urbanManagement),
            sub("C0103", "消防栓", "Fire hydrant", .fire),
            sub("C0104", "电力通信设施", "Power or telecom cabinet"),
            major("C02", "道路交通设施", "Road and traffic installations", .transport),
            sub("C0201", "道路护栏", "Road guardrail"),
            sub("C0202", "交通标志标线", "Traffic sign or marking"),
            sub("C0203", "公交站亭", "Bus shelter"),
            major("C03", "市容环境设施", "Street furniture", .urbanManagement),
            sub("C0301", "垃圾桶（箱）", "Litter bin"),
            sub("C0302", "公共厕所", "Public toilet"),
            sub("C0303", "广告牌匾", "Billboard or shop sign"),
            major("C04", "治安防控设施", "Public-security installations", .policeStation),
            sub("C0401", "视频监控探头", "Surveillance camera"),
            sub("C0402", "小区门禁", "Compound access control", .propertyCompany),
            sub("C0403", "围墙围栏", "Fence or enclosure wall", .propertyCompany),
            // 事件 events
            major("E01", "市容环境", "City appearance", .urbanManagement),
            sub("E0101", "违法停车", "Illegal parking", .policeStation),
            sub("E0102", "无证摊贩", "Unlicensed street vending"),
            sub("E0103", "占道经营", "Trading on the pavement"),
            sub("E0104", "暴露垃圾", "Exposed rubbish"),
            major("E02", "安全隐患", "Safety hazards", .housing),
            sub("E0201", "危房险情", "Dangerous building"),
            sub("E0202", "火灾隐患", "Fire risk", .fire),
            sub("E0203", "燃气隐患", "Gas hazard", .utilities),
            sub("E0204", "其他安全隐患", "Other hazard", .communityCommittee),
            major("E03", "违法建设", "Illegal construction", .urbanManagement),
            sub("E0301", "违法搭建", "Unauthorised structure"),
            sub("E0302", "工地施工管理", "Construction site problems", .housing),
            major("E04", "社会治安", "Public order", .policeStation),
            sub("E0401", "矛盾纠纷", "Dispute found", .communityCommittee),
            sub("E0402", "可疑情况", "Suspicious situation"),
            sub("E0403", "出租屋未登记", "Unregistered rental housing"),
            major("E05", "市场监管", "Market supervision", .marketSupervision),
            sub("E0501", "无照经营", "Unlicensed business"),
            sub("E0502", "食品安全", "Food safety"),
            major("E06", "生态环境", "Environment", .environment),
            sub("E0601", "噪声扰民", "Noise nuisance"),
            sub("E0602", "油烟污水排放", "Cooking fumes or sewage discharge"),
            major("E07", "物业管理", "Property management", .propertyCompany),
            sub("E0701", "小区公共设施损坏", "Broken shared facilities in a compound"),
            sub("E0702", "楼道堆物", "Clutter in stairwells", .fire),
        ]
        return try! GridEventCategoryTable(rows, isSample: true)
    }()
}

/// Where an event came from (来源).
public enum GridEventSource: String, CaseIterable, Codable, Sendable {
    case gridPatrol = "grid_patrol"         // 网格员巡查
    case buildingHead = "building_head"     // 桩钉（楼长、单元长）
    case portal                             // 群众（门户）
    case video                              // 视频发现
    case patrol                             // 巡逻发现
    case inspection                         // 检查发现
    case higherLevel = "higher_level"       // 上级交办
    case hotline                            // 热线

    public var nameZh: String {
        switch self {
        case .gridPatrol: "网格员巡查"; case .buildingHead: "桩钉上报"; case .portal: "群众反映"; case .video: "视频发现"
        case .patrol: "巡逻发现"; case .inspection: "检查发现"; case .higherLevel: "上级交办"; case .hotline: "热线转办"
        }
    }
    public var nameEn: String {
        switch self {
        case .gridPatrol: "Grid worker patrol"; case .buildingHead: "Building head (桩钉)"; case .portal: "Resident (portal)"
        case .video: "Video point"; case .patrol: "Patrol finding"; case .inspection: "Inspection finding"
        case .higherLevel: "Assigned by a higher level"; case .hotline: "Hotline"
        }
    }
}
