import Foundation

/// The places and things of a community's baseline registry (人地物事 beyond people): each kind
/// shares the common columns (name, address, place, contact, status, inspection) and declares its
/// own fields here, so validation, forms, CSV columns and the survey chart all come from one table.
/// Kinds follow the baseline survey chart of seed 001 二(五): 特种行业, 娱乐服务, 枪支危爆, 治保内保,
/// 机关企事业单位, 门店商场, plus buildings, rentals, compounds, cameras and checkpoints (MISSION §2).
public enum SiteKind: String, CaseIterable, Codable, Sendable {
    case building          // 楼栋
    case rental            // 出租屋
    case compound          // 小区（院落）
    case organisation      // 机关企事业单位（含内保单位）
    case specialIndustry = "special_industry" // 特种行业
    case entertainment     // 娱乐服务场所
    case internetCafe = "internet_cafe"      // 网吧
    case shop              // 门店商场
    case hazardHolder = "hazard_holder"      // 枪支危爆物品持有单位
    case camera            // 视频监控点
    case checkpoint        // 治安卡口

    public var nameZh: String {
        switch self {
        case .building: "楼栋"; case .rental: "出租屋"; case .compound: "小区（院落）"; case .organisation: "机关企事业单位"
        case .specialIndustry: "特种行业"; case .entertainment: "娱乐服务场所"; case .internetCafe: "网吧"; case .shop: "门店商场"
        case .hazardHolder: "枪支危爆单位"; case .camera: "视频监控点"; case .checkpoint: "治安卡口"
        }
    }
    public var nameEn: String {
        switch self {
        case .building: "Building"; case .rental: "Rental housing"; case .compound: "Compound"; case .organisation: "Organisation"
        case .specialIndustry: "Special-industry venue"; case .entertainment: "Entertainment venue"; case .internetCafe: "Internet cafe"
        case .shop: "Shop / market"; case .hazardHolder: "Firearms / explosives holder"; case .camera: "Video surveillance point"; case .checkpoint: "Checkpoint"
        }
    }

    /// The main classification of a kind (stored in its own indexed column so lists filter on it).
    public var subtype: SiteField? { fields.first { $0.isSubtype } }

    /// Kind-specific fields, in form order.
    public var fields: [SiteField] {
        switch self {
        case .building:
            return [.choice("use", "用途", "Use", [("residential", "住宅", "Residential"), ("commercial", "商业", "Commercial"), ("mixed", "商住混合", "Mixed")], subtype: true, required: true),
                    .integer("units", "单元数", "Units", 1...50), .integer("floors", "层数", "Floors", 1...120), .integer("households", "户数", "Households", 0...5000),
                    .flag("accessControl", "楼栋门禁", "Access control")]
        case .rental:
            return [.choice("rentalType", "出租类型", "Type", [("whole", "整套出租", "Whole flat"), ("shared", "合租", "Shared"), ("group", "群租", "Group rental"), ("dormitory", "集体宿舍", "Dormitory")], subtype: true, required: true),
                    .integer("rooms", "出租间数", "Rooms let", 1...500),
                    .choice("registration", "登记备案", "Registration", [("registered", "已登记", "Registered"), ("unregistered", "未登记", "Not registered")], required: true),
                    .choice("inspection", "检查状态", "Inspection", [("passed", "检查合格", "Passed"), ("rectifying", "限期整改", "Rectifying"), ("pending", "待检查", "Not yet inspected")], required: true),
                    .date("leaseUntil", "租约到期", "Lease ends")]
        case .compound:
            return [.choice("enclosure", "封闭程度", "Enclosure", [("closed", "封闭式", "Closed"), ("semi", "半封闭", "Semi-closed"), ("open", "开放式", "Open")], subtype: true, required: true),
                    .text("propertyCompany", "物业公司", "Property company", 100),
                    .choice("watch", "值守方式", "Watch", [("staffed", "专人值班", "Staffed"), ("volunteer", "义务守护", "Volunteers"), ("none", "无人值守", "None")], required: true),
                    .choice("condition", "基础条件", "Base condition", [("good", "较好", "Good"), ("fair", "一般", "Fair"), ("poor", "较差", "Poor")], required: true),
                    .flag("accessControl", "门禁系统", "Access control"), .integer("cameras", "监控探头数", "Cameras", 0...5000),
                    .integer("households", "户数", "Households", 0...50000)]
        case .organisation:
            return [.choice("orgType", "单位类型", "Type", [("government", "机关", "Government"), ("enterprise", "企业", "Enterprise"), ("school", "学校", "School"), ("hospital", "医院", "Hospital"), ("financial", "金融网点", "Financial"), ("other", "其他", "Other")], subtype: true, required: true),
                    .flag("protectedUnit", "内保重点单位", "Protected unit (内保)"), .integer("employees", "职工人数", "Employees", 0...1_000_000),
                    .flag("responsibilitySigned", "已签综治责任书", "Responsibility pledge signed")]
        case .specialIndustry:
            return [.choice("trade", "行业", "Trade", [("hotel", "旅馆业", "Hotel"), ("pawn", "典当业", "Pawn shop"), ("scrap", "废旧金属收购", "Scrap recycling"), ("seal", "公章刻制", "Seal carving"), ("vehicle_repair", "机动车修理", "Vehicle repair"), ("second_hand", "二手手机/车交易", "Second-hand trade")], subtype: true, required: true),
                    .flag("infoSystem", "治安信息系统已联网", "Connected to the police information system"), .integer("beds", "床位数（旅馆）", "Beds (hotels)", 0...10000)]
        case .entertainment:
            return [.choice("venueType", "场所类型", "Type", [("ktv", "歌舞厅/KTV", "KTV / dance hall"), ("bar", "酒吧", "Bar"), ("massage", "洗浴足浴", "Bath / massage"), ("game", "游艺厅", "Game hall"), ("other", "其他", "Other")], subtype: true, required: true),
                    .flag("cctv", "安装视频监控", "CCTV installed"), .integer("capacity", "核定人数", "Capacity", 0...100000)]
        case .internetCafe:
            return [.integer("terminals", "终端数", "Terminals", 1...5000), .flag("realName", "实名登记系统", "Real-name system"), .flag("cctv", "安装视频监控", "CCTV installed")]
        case .shop:
            return [.choice("shopType", "类型", "Type", [("shop", "门店", "Shop"), ("mall", "商场", "Mall"), ("market", "市场", "Market"), ("supermarket", "超市", "Supermarket"), ("jewellery", "金银首饰", "Jewellery")], subtype: true, required: true),
                    .integer("area", "营业面积（㎡）", "Floor area (m²)", 0...1_000_000), .flag("alarm", "报警装置", "Alarm")]
        case .hazardHolder:
            return [.choice("hazard", "物品类别", "Holds", [("firearms", "枪支弹药", "Firearms"), ("explosives", "民用爆炸物品", "Explosives"), ("toxic", "剧毒化学品", "Toxic chemicals"), ("radioactive", "放射性物品", "Radioactive")], subtype: true, required: true),
                    .text("quantity", "数量", "Quantity", 50), .text("storage", "存放部位", "Storage", 100), .date("licenceExpires", "许可证有效期至", "Licence expires")]
        case .camera:
            return [.choice("ownership", "建设主体", "Owner", [("public", "公安/政府", "Public"), ("social", "社会单位", "Private")], subtype: true, required: true),
                    .choice("working", "运行状态", "State", [("ok", "正常", "Working"), ("faulty", "故障", "Faulty")], required: true),
                    .decimal("lon", "经度", "Longitude", -180...180), .decimal("lat", "纬度", "Latitude", -90...90), .flag("networked", "已接入平台", "Networked")]
        case .checkpoint:
            return [.choice("checkpointType", "类型", "Type", [("vehicle", "车辆卡口", "Vehicle"), ("foot", "治安岗亭", "Foot post")], subtype: true, required: true),
                    .text("hours", "值守时段", "Hours staffed", 50), .decimal("lon", "经度", "Longitude", -180...180), .decimal("lat", "纬度", "Latitude", -90...90)]
        }
    }

    /// Who may be attached to a site (桩钉 roles on buildings, landlords and tenants, …).
    public var roles: [SiteRole] {
        switch self {
        case .building: [.buildingHead, .unitHead, .floorHead]
        case .rental: [.landlord, .tenant, .manager]
        case .compound: [.manager, .guard]
        case .organisation: [.legalRepresentative, .securityHead]
        default: [.operator, .securityHead]
        }
    }

    /// Place-only kinds have no licence number or contact person.
    public var hasContact: Bool { ![.camera, .checkpoint].contains(self) }
    /// Licence / registration number (营业执照、特行许可证), the natural key when present.
    public var licenceLabel: (zh: String, en: String)? {
        switch self {
        case .specialIndustry, .entertainment, .internetCafe, .shop, .hazardHolder: ("许可证号", "Licence number")
        case .organisation: ("统一社会信用代码", "Unified social credit code")
        case .camera, .checkpoint: ("点位编号", "Point number")
        case .rental: ("房屋备案号", "Registration number")
        default: nil
        }
    }
}

/// 桩钉 and other roles that tie a registered person to a site.
public enum SiteRole: String, CaseIterable, Codable, Sendable {
    case buildingHead = "building_head" // 楼栋长（桩）
    case unitHead = "unit_head"         // 单元长（钉）
    case floorHead = "floor_head"       // 楼层长（钉）
    case landlord                       // 房东
    case tenant                         // 租住人员
    case manager                        // 管理人 / 物业负责人
    case `guard`                        // 值守人员
    case legalRepresentative = "legal_representative" // 法定代表人
    case securityHead = "security_head" // 治保/保卫负责人
    case `operator`                     // 经营者 / 负责人

    public var nameZh: String {
        switch self {
        case .buildingHead: "楼栋长"; case .unitHead: "单元长"; case .floorHead: "楼层长"; case .landlord: "房东"; case .tenant: "租住人员"
        case .manager: "管理人"; case .guard: "值守人员"; case .legalRepresentative: "法定代表人"; case .securityHead: "保卫负责人"; case .operator: "经营负责人"
        }
    }
    public var nameEn: String {
        switch self {
        case .buildingHead: "Building head"; case .unitHead: "Unit head"; case .floorHead: "Floor head"; case .landlord: "Landlord"; case .tenant: "Tenant"
        case .manager: "Manager"; case .guard: "Watch member"; case .legalRepresentative: "Legal representative"; case .securityHead: "Security head"; case .operator: "Operator"
        }
    }
    /// Unit heads need the unit; floor heads the unit and floor.
    public var needsUnit: Bool { self == .unitHead || self == .floorHead }
    public var needsFloor: Bool { self == .floorHead }
    /// A building has one building head; a unit one unit head; a floor one floor head.
    public var isSingular: Bool { [.buildingHead, .unitHead, .floorHead, .landlord, .legalRepresentative].contains(self) }
}

/// One kind-specific field: its key (stable: API, CSV and storage), labels and rule.
public struct SiteField: Sendable {
    public enum Rule: Sendable {
        case text(max: Int)
        case integer(ClosedRange<Int>)
        case decimal(ClosedRange<Double>)
        case flag
        case date
        case choice([(value: String, zh: String, en: String)])
    }
    public let key: String
    public let zh: String
    public let en: String
    public let rule: Rule
    public let required: Bool
    public let isSubtype: Bool

    static func text(_ k: String, _ zh: String, _ en: String, _ max: Int, required: Bool = false) -> SiteField { .init(key: k, zh: zh, en: en, rule: .text(max: max), required: required, isSubtype: false) }
    static func integer(_ k: String, _ zh: String, _ en: String, _ r: ClosedRange<Int>, required: Bool = false) -> SiteField { .init(key: k, zh: zh, en: en, rule: .integer(r), required: required, isSubtype: false) }
    static func decimal(_ k: String, _ zh: String, _ en: String, _ r: ClosedRange<Double>) -> SiteField { .init(key: k, zh: zh, en: en, rule: .decimal(r), required: false, isSubtype: false) }
    static func flag(_ k: String, _ zh: String, _ en: String) -> SiteField { .init(key: k, zh: zh, en: en, rule: .flag, required: false, isSubtype: false) }
    static func date(_ k: String, _ zh: String, _ en: String) -> SiteField { .init(key: k, zh: zh, en: en, rule: .date, required: false, isSubtype: false) }
    static func choice(_ k: String, _ zh: String, _ en: String, _ options: [(String, String, String)], subtype: Bool = false, required: Bool = false) -> SiteField {
        .init(key: k, zh: zh, en: en, rule: .choice(options.map { (value: $0.0, zh: $0.1, en: $0.2) }), required: required, isSubtype: subtype)
    }

    public var options: [(value: String, zh: String, en: String)] { if case .choice(let o) = rule { return o } else { return [] } }

    /// The label of a stored value (choices and flags), or the value itself.
    public func display(_ value: String, english: Bool) -> String {
        switch rule {
        case .choice(let o): return o.first { $0.value == value }.map { english ? $0.en : $0.zh } ?? value
        case .flag: return value == "1" ? (english ? "Yes" : "是") : (english ? "No" : "否")
        default: return value
        }
    }

    /// Reads a choice by its value or either label (CSV cells are often typed in Chinese).
    func choiceValue(_ raw: String) -> String? {
        options.first { $0.value == raw || $0.zh == raw || $0.en.lowercased() == raw.lowercased() }?.value
    }
}

public struct SiteFieldProblem: Equatable, Sendable {
    public let key: String
    public let zh: String
    public let en: String
}

public enum SiteAttributes {
    /// Validates raw kind-specific values into their stored form (canonical strings; flags "1"/"0";
    /// dates yyyy-MM-dd). Unknown keys are ignored; every problem is reported, keyed by field.
    public static func validate(_ kind: SiteKind, _ raw: [String: String]) -> (values: [String: String], problems: [SiteFieldProblem]) {
        var values: [String: String] = [:]
        var problems: [SiteFieldProblem] = []
        for f in kind.fields {
            let text = (raw[f.key] ?? "").whitespaceTrimmed
            if text.isEmpty {
                if case .flag = f.rule { values[f.key] = "0"; continue }
                if f.required { problems.append(.init(key: f.key, zh: "请填写「\(f.zh)」", en: "\(f.en) is required")) }
                continue
            }
            switch f.rule {
            case .text(let max):
                if text.count > max { problems.append(.init(key: f.key, zh: "不能超过\(max)字", en: "At most \(max) characters")) } else { values[f.key] = text }
            case .integer(let range):
                if let n = Int(text), range.contains(n) { values[f.key] = String(n) }
                else { problems.append(.init(key: f.key, zh: "应为 \(range.lowerBound)–\(range.upperBound) 的整数", en: "A whole number \(range.lowerBound)–\(range.upperBound)")) }
            case .decimal(let range):
                if let x = Double(text), x.isFinite, range.contains(x) { values[f.key] = text }
                else { problems.append(.init(key: f.key, zh: "应为 \(Int(range.lowerBound))–\(Int(range.upperBound)) 的数值", en: "A number \(Int(range.lowerBound))–\(Int(range.upperBound))")) }
            case .flag:
                switch text.lowercased() {
                case "1", "true", "yes", "on", "是", "有", "y": values[f.key] = "1"
                case "0", "false", "no", "off", "否", "无", "n": values[f.key] = "0"
                default: problems.append(.init(key: f.key, zh: "应为“是”或“否”", en: "Yes or no"))
                }
            case .date:
                if isDate(text) { values[f.key] = text } else { problems.append(.init(key: f.key, zh: "日期格式应为 2026-03-05", en: "Use a date like 2026-03-05")) }
            case .choice:
                if let v = f.choiceValue(text) { values[f.key] = v }
                else { problems.append(.init(key: f.key, zh: "「\(f.zh)」的取值无效", en: "Not a valid \(f.en.lowercased())")) }
            }
        }
        return (values, problems)
    }

    static func isDate(_ s: String) -> Bool {
        let parts = s.split(separator: "-")
        guard parts.count == 3, parts[0].count == 4, let y = Int(parts[0]), let m = Int(parts[1]), let d = Int(parts[2]), (1900...2200).contains(y), (1...12).contains(m) else { return false }
        let days = [31, (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
        return (1...days[m - 1]).contains(d)
    }

    /// Stable JSON for storage: sorted keys, so equal attributes compare equal as text.
    public static func encode(_ values: [String: String]) -> String {
        let data = (try? JSONSerialization.data(withJSONObject: values, options: [.sortedKeys])) ?? Data("{}".utf8)
        return String(decoding: data, as: UTF8.self)
    }
    public static func decode(_ json: String) -> [String: String] {
        (try? JSONSerialization.jsonObject(with: Data(json.utf8))) as? [String: String] ?? [:]
    }
}

/// Seed 003 (fifth piece, 2(2)): compounds with staffed watch aim for "zero incidents"; those without
/// are rated by base condition — good and fair ones get a staffed watch (100% this year), fair ones that
/// cannot yet and poor ones get volunteer guarding. An open compound with no watch at all is a gap.
public enum CompoundWatch {
    public enum Finding: String, Sendable { case ok, needsStaffedWatch = "needs_staffed", needsVolunteerWatch = "needs_volunteer" }

    public static func assess(condition: String, watch: String) -> Finding {
        switch (condition, watch) {
        case (_, "staffed"): .ok
        case ("good", _): .needsStaffedWatch
        case (_, "volunteer"): .ok
        default: .needsVolunteerWatch
        }
    }
}
