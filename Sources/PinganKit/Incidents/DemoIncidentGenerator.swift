import Foundation

/// A place incidents can happen at: a grid of a community with its centre coordinates.
public struct DemoPlace: Sendable, Hashable {
    public var communityIndex: Int
    public var gridIndex: Int
    public var latitude: Double
    public var longitude: Double

    public init(communityIndex: Int, gridIndex: Int, latitude: Double, longitude: Double) {
        self.communityIndex = communityIndex
        self.gridIndex = gridIndex
        self.latitude = latitude
        self.longitude = longitude
    }
}

public struct DemoIncident: Sendable, Equatable {
    public var place: DemoPlace
    public var source: IncidentSource
    public var subcategory: IncidentSubcategory
    public var occurredAt: Date
    public var reportedAt: Date
    public var status: IncidentStatus
    /// 立案时间 — criminal incidents only.
    public var filedAt: Date?
    /// 破案时间 — some criminal incidents, never before `filedAt`.
    public var solvedAt: Date?
    public var address: String
    /// 作案手段 / 起因; may be empty for help requests and the like.
    public var modusOperandi: String
    public var description: String
    /// Jittered (~100 m) around the place.
    public var latitude: Double
    public var longitude: Double

    public init(place: DemoPlace, source: IncidentSource, subcategory: IncidentSubcategory, occurredAt: Date,
                reportedAt: Date, status: IncidentStatus, filedAt: Date?, solvedAt: Date?, address: String,
                modusOperandi: String, description: String, latitude: Double, longitude: Double) {
        self.place = place
        self.source = source
        self.subcategory = subcategory
        self.occurredAt = occurredAt
        self.reportedAt = reportedAt
        self.status = status
        self.filedAt = filedAt
        self.solvedAt = solvedAt
        self.address = address
        self.modusOperandi = modusOperandi
        self.description = description
        self.latitude = latitude
        self.longitude = longitude
    }
}

/// Deterministic demo incidents with a realistic shape.
///
/// - Incident *i* is derived from `seed` and *i* alone, so `generate(count: 10)` is a prefix of
///   `generate(count: 1000)` and the streaming `forEach` produces the same rows as `generate`.
/// - Places: log-normal weights, and ~5 % of places are hot spots carrying 6–14× the load.
/// - Time: uniform over the local days of [start, min(end, now)), an hour-of-day profile peaking in the
///   evening (burglary: night and working hours; traffic: rush hours; fraud: daytime), and 1.6× weight on
///   Saturdays/Sundays for fights, disturbances, disputes, pickpocketing, traffic accidents and the like.
/// - Mix: theft, fraud, disputes, help requests and traffic common; fire rare.
/// - reportedAt = occurredAt + 5 min … 6 h (skewed short), clamped to `now`.
/// - Status: reported more than 7 days before `now` → mostly closed; recent ones spread over
///   received / dispatched / handled (/ closed).
/// - Criminal incidents get filedAt = reportedAt + 0–2 days and, at 60–85 % depending on type, a solvedAt
///   after filedAt; a solve date that would lie after `now` is left nil (not solved yet). Each community's odds
///   of solving are scaled by its own factor (log-normal, σ 0.5), so clearance differs between communities as it
///   does between real ones (the index's shrinkage then has something to shrink).
/// - Nothing lies after `now`. If places is empty or the window [start, min(end, now)) is empty, no incidents
///   are produced.
public struct DemoIncidentGenerator: Sendable {
    public let seed: UInt64
    public let places: [DemoPlace]
    public let start: Date
    public let end: Date
    public let now: Date
    public let calendar: LocalCalendar
    public let subcategories: [IncidentSubcategory]

    private let placeCumulative: [Double]
    /// Odds multiplier of solving a case, by community index.
    private let solveOdds: [Int: Double]
    private let subcategoryCumulative: [Double]
    private let days: [Day]
    private let windowEnd: Date

    private struct Day: Sendable {
        var start: TimeInterval // since reference date
        var weekend: Bool
    }

    public init(seed: UInt64, places: [DemoPlace], start: Date, end: Date, now: Date) {
        self.init(seed: seed, places: places, start: start, end: end, now: now,
                  calendar: LocalCalendar(), subcategories: IncidentTaxonomy.defaultSubcategories)
    }

    /// `calendar` decides local days, hours and weekends; `subcategories` defaults to the code table
    /// (unknown codes get a middling weight).
    public init(seed: UInt64, places: [DemoPlace], start: Date, end: Date, now: Date,
                calendar: LocalCalendar, subcategories: [IncidentSubcategory]) {
        self.seed = seed
        self.places = places
        self.start = start
        self.end = end
        self.now = now
        self.calendar = calendar
        self.subcategories = subcategories
        self.windowEnd = min(end, now)

        // Place weights: log-normal spread plus a few hot spots.
        var rng = SplitMix64(seed: SplitMix64.mix(seed ^ 0x5EED_0F_91ACE5))
        var weights = places.map { _ in exp(0.5 * rng.nextGaussian()) }
        var anyHot = false
        for i in weights.indices where rng.chance(0.05) {
            weights[i] *= rng.nextDouble(in: 6.0 ..< 14.0)
            anyHot = true
        }
        if !anyHot, weights.count >= 5 {
            weights[rng.nextInt(below: weights.count)] *= 10
        }
        placeCumulative = SplitMix64.cumulative(weights)
        // Own stream, so the incidents' draws are the same as without it.
        var clearanceRng = SplitMix64(seed: SplitMix64.mix(seed ^ 0xC1EA_4A9C_E000))
        var odds: [Int: Double] = [:]
        for c in Set(places.map(\.communityIndex)).sorted() { odds[c] = exp(0.5 * clearanceRng.nextGaussian()) }
        solveOdds = odds
        subcategoryCumulative = SplitMix64.cumulative(subcategories.map { Self.mixWeight[$0.code] ?? 2 })

        // Local days overlapping the window.
        var days: [Day] = []
        if start < windowEnd {
            var day = calendar.startOfDay(start)
            while day < windowEnd {
                days.append(Day(start: day.timeIntervalSinceReferenceDate, weekend: calendar.weekday(of: day) >= 6))
                day = calendar.startOfNextDay(day)
            }
        }
        self.days = days
    }

    /// Number of incidents `generate(count:)` will actually produce (0 for an empty window or no places).
    public func producibleCount(_ count: Int) -> Int {
        (days.isEmpty || places.isEmpty || subcategories.isEmpty) ? 0 : max(0, count)
    }

    public func generate(count: Int, placeName: (DemoPlace) -> String) -> [DemoIncident] {
        var out: [DemoIncident] = []
        out.reserveCapacity(producibleCount(count))
        forEach(count: count, placeName: placeName) { out.append($0) }
        return out
    }

    /// Streaming variant for large counts (~1M rows) without holding them all. Rows come in index
    /// order, not sorted by occurredAt.
    public func forEach(count: Int, placeName: (DemoPlace) -> String, _ body: (DemoIncident) throws -> Void) rethrows {
        let n = producibleCount(count)
        for i in 0 ..< n {
            try body(incident(at: i, placeName: placeName))
        }
    }

    /// Incident number `index` (0-based); the same value `generate` yields at that position.
    public func incident(at index: Int, placeName: (DemoPlace) -> String) -> DemoIncident {
        precondition(producibleCount(1) == 1, "empty window or no places")
        var rng = SplitMix64(seed: SplitMix64.mix(seed &+ SplitMix64.mix(UInt64(truncatingIfNeeded: index))))

        let sub = subcategories[rng.pick(cumulative: subcategoryCumulative)]
        let place = places[rng.pick(cumulative: placeCumulative)]
        let occurredAt = occurrence(for: sub, rng: &rng)

        // Reported 5 min … 6 h later, skewed towards short delays; never after now.
        let delay = 300 + (6 * 3600 - 300) * pow(rng.nextUnit(), 3)
        let reportedAt = min(occurredAt.addingTimeInterval(delay), now)

        let source = Self.source(for: sub, rng: &rng)
        let status = status(reportedAt: reportedAt, rng: &rng)

        var filedAt: Date?
        var solvedAt: Date?
        if sub.category == .criminal {
            let filed = min(reportedAt.addingTimeInterval(rng.nextDouble(in: 0 ..< 2 * 86_400)), now)
            filedAt = filed
            let base = Self.solveRate[sub.code] ?? 0.72
            let odds = base / (1 - base) * (solveOdds[place.communityIndex] ?? 1)
            if rng.chance(odds / (1 + odds)) {
                // Half a day to ~4 months, most within a few weeks.
                let days = min(0.5 + (-log(1 - rng.nextUnit())) * 12, 120)
                let solved = filed.addingTimeInterval(days * 86_400)
                if solved <= now { solvedAt = solved }
            }
        }

        // ~100 m jitter (σ 70 m, 1° latitude ≈ 111.32 km).
        let metresPerDegree = 111_320.0
        let dLat = rng.nextGaussian() * 70 / metresPerDegree
        let dLon = rng.nextGaussian() * 70 / (metresPerDegree * max(cos(place.latitude * .pi / 180), 0.01))

        let spot = Self.spotFormats[rng.nextInt(below: Self.spotFormats.count)]
        let number = rng.nextInt(in: 1 ... 40)
        let address = placeName(place) + spot.0 + (spot.1 ? " \(number) " + spot.2 : spot.2)

        let texts = Self.texts[sub.code] ?? Self.fallbackTexts
        let mo = texts.mo[rng.nextInt(below: texts.mo.count)]
        let desc = texts.desc[rng.nextInt(below: texts.desc.count)]

        return DemoIncident(place: place, source: source, subcategory: sub, occurredAt: occurredAt,
                            reportedAt: reportedAt, status: status, filedAt: filedAt, solvedAt: solvedAt,
                            address: address, modusOperandi: mo, description: desc.0 + address + desc.1,
                            latitude: place.latitude + dLat, longitude: place.longitude + dLon)
    }

    // MARK: - Shape

    private func occurrence(for sub: IncidentSubcategory, rng: inout SplitMix64) -> Date {
        let profile = Self.hourCumulative(for: sub)
        let boosted = Self.weekendBoosted.contains(sub.code)
        let lower = start.timeIntervalSinceReferenceDate, upper = windowEnd.timeIntervalSinceReferenceDate
        for _ in 0 ..< 16 {
            let day = days[rng.nextInt(below: days.count)]
            if boosted, !day.weekend, !rng.chance(1 / 1.6) { continue }
            let hour = rng.pick(cumulative: profile)
            let t = day.start + Double(hour * 3600 + rng.nextInt(below: 3600))
            if t >= lower, t < upper { return Date(timeIntervalSinceReferenceDate: t) }
        }
        // Tiny windows: fall back to uniform.
        return Date(timeIntervalSinceReferenceDate: lower + (upper - lower) * rng.nextUnit())
    }

    private func status(reportedAt: Date, rng: inout SplitMix64) -> IncidentStatus {
        let age = now.timeIntervalSince(reportedAt)
        let u = rng.nextUnit()
        if age > 7 * 86_400 {
            return u < 0.92 ? .closed : (u < 0.98 ? .handled : .dispatched)
        } else if age < 3600 {
            return u < 0.45 ? .received : (u < 0.85 ? .dispatched : .handled)
        } else if age < 86_400 {
            return u < 0.15 ? .received : (u < 0.45 ? .dispatched : (u < 0.85 ? .handled : .closed))
        } else {
            return u < 0.05 ? .received : (u < 0.2 ? .dispatched : (u < 0.6 ? .handled : .closed))
        }
    }

    private static func source(for sub: IncidentSubcategory, rng: inout SplitMix64) -> IncidentSource {
        // 110, walk-in, portal, patrol, other
        let w: [Double]
        switch sub.code {
        case "fraud": w = [45, 30, 22, 0, 3]
        case "gambling", "traffic_other", "other_public_order": w = [40, 5, 10, 40, 5]
        case "lost_person", "help_person": w = [70, 20, 5, 3, 2]
        default:
            switch sub.category {
            case .criminal: w = [65, 20, 8, 4, 3]
            case .dispute: w = [70, 18, 7, 2, 3]
            default: w = [70, 8, 6, 12, 4]
            }
        }
        let sources: [IncidentSource] = [.dispatch110, .walkIn, .portal, .patrol, .other]
        return sources[rng.pick(cumulative: SplitMix64.cumulative(w))]
    }

    /// Relative frequency of each subcategory (≈ 36 % preventable with the default table).
    static let mixWeight: [String: Double] = [
        "burglary": 5, "vehicle_theft": 1.5, "nonmotor_theft": 8, "theft_from_vehicle": 3, "snatching": 1.5,
        "robbery": 0.6, "pickpocketing": 3, "fraud": 10, "other_theft": 5, "assault": 1.5, "other_criminal": 1.5,
        "fight": 6, "gambling": 1, "disturbance": 4, "minor_theft": 6, "other_public_order": 3,
        "neighbour_dispute": 9, "family_dispute": 6, "economic_dispute": 5,
        "help_person": 9, "lost_person": 2, "traffic_accident": 7, "traffic_other": 3,
        "fire": 0.5, "other": 4,
    ]

    static let solveRate: [String: Double] = [
        "burglary": 0.68, "vehicle_theft": 0.78, "nonmotor_theft": 0.62, "theft_from_vehicle": 0.65,
        "snatching": 0.8, "robbery": 0.85, "pickpocketing": 0.66, "fraud": 0.6, "other_theft": 0.7,
        "assault": 0.85, "other_criminal": 0.75,
    ]

    static let weekendBoosted: Set<String> = [
        "fight", "disturbance", "gambling", "pickpocketing", "neighbour_dispute", "family_dispute",
        "traffic_accident", "lost_person", "help_person",
    ]

    // Hour-of-day weights, 0 … 23.
    static let eveningHours = SplitMix64.cumulative([3, 2, 1.5, 1, 0.8, 0.8, 1.2, 2, 3, 3.5, 4, 4.5,
                                                    5, 4.5, 4.5, 5, 5.5, 6, 7, 8, 8.5, 8, 6, 4.5])
    static let burglaryHours = SplitMix64.cumulative([4, 5, 5, 5, 4, 3, 2, 2, 3, 4, 4.5, 4.5,
                                                     4, 4, 4.5, 4.5, 4, 3.5, 3, 3, 3, 3, 3.5, 4])
    static let trafficHours = SplitMix64.cumulative([1.5, 1, 0.8, 0.6, 0.6, 1, 2.5, 5, 6, 4, 3.5, 3.5,
                                                    3.5, 3.5, 3.5, 4, 5, 6.5, 7, 6, 4.5, 3.5, 3, 2])
    static let daytimeHours = SplitMix64.cumulative([1, 0.6, 0.4, 0.3, 0.3, 0.4, 0.8, 1.5, 3, 4.5, 5, 5,
                                                    4.5, 4.5, 5, 5, 5, 4.5, 4.5, 5, 5, 4.5, 3.5, 2])

    static func hourCumulative(for sub: IncidentSubcategory) -> [Double] {
        switch sub.code {
        case "burglary", "vehicle_theft", "theft_from_vehicle": burglaryHours
        case "traffic_accident", "traffic_other": trafficHours
        case "fraud", "economic_dispute", "lost_person": daytimeHours
        default: eveningHours
        }
    }

    /// (text after the place name, with a number?, text after the number)
    static let spotFormats: [(String, Bool, String)] = [
        ("", true, "号楼附近"), ("", true, "栋楼下"), ("", true, "号商铺门口"),
        ("农贸市场旁", false, ""), ("公交站附近", false, ""), ("停车场", false, ""), ("", true, "巷"),
    ]

    struct Texts: Sendable {
        var mo: [String]
        /// (before the address, after the address)
        var desc: [(String, String)]
    }

    static let fallbackTexts = Texts(mo: [""], desc: [("报警人称在", "有情况需要处理。")])

    static let texts: [String: Texts] = [
        "burglary": Texts(mo: ["撬锁入室", "攀爬阳台入室", "技术开锁入室", "翻窗入室", "尾随入室"],
                          desc: [("事主报称其位于", "的住宅被人入室盗窃，丢失现金及首饰一批。"),
                                 ("报警人称回到", "家中发现门锁被撬，屋内财物被翻动。")]),
        "vehicle_theft": Texts(mo: ["技术开锁", "拖车盗走", "复制钥匙"], desc: [("事主报称停放在", "的小汽车被盗。")]),
        "nonmotor_theft": Texts(mo: ["剪断车锁", "拔线启动", "整车搬走"],
                                desc: [("报警人称停放在", "的电动自行车被盗。"), ("事主称其自行车在", "被人盗走。")]),
        "theft_from_vehicle": Texts(mo: ["砸窗盗窃", "拉车门盗窃"], desc: [("事主报称停放在", "的车辆车窗被砸，车内财物被盗。")]),
        "snatching": Texts(mo: ["驾驶摩托车飞车抢夺", "徒步尾随抢夺"],
                           desc: [("事主报称在", "被人抢走手机一部。"), ("报警人称步行经过", "时挎包被人抢走。")]),
        "robbery": Texts(mo: ["持刀抢劫", "拦路抢劫"], desc: [("事主报称在", "被人持刀抢走现金及手机。")]),
        "pickpocketing": Texts(mo: ["拥挤处扒窃", "尾随扒窃"], desc: [("事主报称在", "购物时手机被扒。")]),
        "fraud": Texts(mo: ["冒充客服退款", "刷单返利", "冒充公检法", "虚假投资理财", "网络交友诱导投资", "冒充熟人借钱"],
                       desc: [("住在", "的事主报称被骗，已转账至对方账户。")]),
        "other_theft": Texts(mo: ["顺手牵羊", "趁人不备盗窃"], desc: [("报警人称在", "放置的财物被盗。")]),
        "assault": Texts(mo: ["徒手殴打", "持械伤人"], desc: [("报警人称在", "与人发生冲突后被打伤。")]),
        "other_criminal": Texts(mo: [""], desc: [("报警人称在", "发现可疑违法犯罪情况。")]),
        "fight": Texts(mo: ["酒后滋事", "口角引发互殴"], desc: [("报警人称", "有多人打架。")]),
        "gambling": Texts(mo: ["聚众赌博"], desc: [("群众举报", "有人聚众赌博。")]),
        "disturbance": Texts(mo: ["酒后滋事", "噪音扰民"], desc: [("报警人称", "有人吵闹扰乱秩序。")]),
        "minor_theft": Texts(mo: ["顺手牵羊", "超市盗窃"], desc: [("报警人称在", "有人偷拿财物，价值较小。")]),
        "other_public_order": Texts(mo: [""], desc: [("群众反映", "存在治安隐患。")]),
        "neighbour_dispute": Texts(mo: ["噪音纠纷", "漏水纠纷", "占道纠纷"], desc: [("报警人称与", "的邻居发生纠纷。")]),
        "family_dispute": Texts(mo: ["家庭矛盾"], desc: [("报警人称在", "与家人发生争吵。")]),
        "economic_dispute": Texts(mo: ["欠薪纠纷", "消费纠纷", "租赁纠纷"], desc: [("报警人称在", "因钱款问题与他人发生纠纷。")]),
        "help_person": Texts(mo: [""], desc: [("报警人在", "求助，请求民警协助。")]),
        "lost_person": Texts(mo: [""], desc: [("报警人称家中老人在", "附近走失。"), ("报警人称小孩在", "附近走失。")]),
        "traffic_accident": Texts(mo: ["车辆碰撞", "刮擦"], desc: [("报警人称在", "发生交通事故，无人员伤亡。")]),
        "traffic_other": Texts(mo: ["乱停乱放", "逆行"], desc: [("群众反映", "有车辆违法停放堵塞通道。")]),
        "fire": Texts(mo: ["电动车充电起火", "用火不慎", "电气线路故障"], desc: [("报警人称", "发生火情。")]),
    ]
}
