import Foundation

/// 辖区基本情况图表 — the baseline survey chart of seed 001 二(五): the "three populations"
/// (常住、暂住、重点), special industries, entertainment, firearms and explosives, protected units,
/// organisations and shops, with the buildings, rentals, compounds and cameras of MISSION §2.
/// Counts are gathered per community; a station, street or district chart is the sum of its
/// communities, so every level shows the same lines and the totals always add up.
public enum BaselineSurvey {
    public struct Line: Sendable, Equatable {
        public let key: String
        public let zh: String
        public let en: String
        /// 0 = section total, 1 = a breakdown under it.
        public let depth: Int
        public let section: String
    }

    public static let lines: [Line] = {
        var out: [Line] = []
        func add(_ key: String, _ zh: String, _ en: String, _ depth: Int, _ section: String) { out.append(Line(key: key, zh: zh, en: en, depth: depth, section: section)) }
        add("people.total", "实有人口", "Registered residents", 0, "people")
        add("people.permanent", "常住人口", "Permanent", 1, "people")
        add("people.temporary", "暂住人口", "Temporary / floating", 1, "people")
        add("people.temporary.expired", "其中：暂住登记已过期", "of which registration expired", 1, "people")
        add("people.key", "重点人口", "Key population", 1, "people")
        for k in KeyPopulationType.allCases { add("people.key.\(k.rawValue)", "　" + k.nameZh, "  " + k.nameEn, 1, "people") }
        add("households", "已登记户数（按房号）", "Households (by room)", 0, "people")
        for kind in SiteKind.allCases {
            let section = "site.\(kind.rawValue)"
            add(section, kind.nameZh, kind.nameEn, 0, section)
            for o in kind.subtype?.options ?? [] { add("\(section).\(o.value)", o.zh, o.en, 1, section) }
            switch kind {
            case .building: add("member.building_head", "楼栋长", "Building heads", 1, section); add("member.unit_head", "单元长", "Unit heads", 1, section); add("member.floor_head", "楼层长", "Floor heads", 1, section)
            case .rental: add("rental.unregistered", "未登记备案", "Not registered", 1, section); add("member.tenant", "租住人员", "Tenants", 1, section)
            case .compound: add("compound.watch_gap", "值守未达标", "Watch below standard", 1, section)
            case .organisation: add("organisation.protected", "内保重点单位", "Protected units", 1, section)
            case .camera: add("camera.faulty", "故障", "Faulty", 1, section)
            default: break
            }
        }
        return out
    }()

    /// Sums per-community counts into one chart (a station, street or the district).
    public static func total(_ communities: some Sequence<[String: Int]>) -> [String: Int] {
        var out: [String: Int] = [:]
        for c in communities { for (k, v) in c { out[k, default: 0] += v } }
        return out
    }

    /// The derived keys of one site (beyond its kind and subtype) that the chart counts.
    public static func extraKeys(kind: SiteKind, attributes v: [String: String]) -> [String] {
        switch kind {
        case .rental: return v["registration"] == "unregistered" ? ["rental.unregistered"] : []
        case .compound: return CompoundWatch.assess(condition: v["condition"] ?? "", watch: v["watch"] ?? "") == .ok ? [] : ["compound.watch_gap"]
        case .organisation: return v["protectedUnit"] == "1" ? ["organisation.protected"] : []
        case .camera: return v["working"] == "faulty" ? ["camera.faulty"] : []
        default: return []
        }
    }
}
