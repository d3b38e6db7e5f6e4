import Foundation

/// The monthly preventable-case statistics table (《社区可防性案件统计表》, seed 000): per community,
/// grouped by police station (派出所), for each preventable (可防性) subcategory — this month (本月),
/// the same month last year (去年同月) and the change (同比), last month (上月) and the change (环比),
/// cases filed (立案) and solved (破案) this month — with a subtotal per station (小计) and the district
/// total (合计). Changes are written as `PercentChange` writes them (65 → 56 is "-13.8%", "—" when the
/// previous count is 0).
///
/// Pure: the server aggregates its incidents into `PreventableCountRecord`s (one per community ×
/// subcategory × month; several records for the same key are added up) and renders the rows.

/// Counts of one community, subcategory and month.
public struct PreventableCountRecord: Hashable, Sendable, Codable {
    public var communityID: String
    /// `IncidentSubcategory.code`
    public var subcategory: String
    public var month: YearMonth
    /// Incidents (警情/发案) in the month.
    public var incidents: Int
    /// Cases filed (立案) in the month.
    public var filed: Int
    /// Cases solved (破案) in the month.
    public var solved: Int

    public init(communityID: String, subcategory: String, month: YearMonth, incidents: Int, filed: Int = 0, solved: Int = 0) {
        self.communityID = communityID; self.subcategory = subcategory; self.month = month
        self.incidents = incidents; self.filed = filed; self.solved = solved
    }
}

/// A community and its station, in the order the table lists them.
public struct CommunityRef: Hashable, Sendable, Codable {
    public var id: String
    public var name: String
    public var stationID: String
    public var stationName: String

    public init(id: String, name: String, stationID: String, stationName: String) {
        self.id = id; self.name = name; self.stationID = stationID; self.stationName = stationName
    }
}

/// One cell group of the table: the figures of one subcategory (or of all) for one row.
public struct PreventableFigures: Hashable, Sendable, Codable {
    public var current = 0
    public var sameMonthLastYear = 0
    public var lastMonth = 0
    public var filed = 0
    public var solved = 0

    public init() {}
    public init(current: Int, sameMonthLastYear: Int, lastMonth: Int, filed: Int, solved: Int) {
        self.current = current; self.sameMonthLastYear = sameMonthLastYear; self.lastMonth = lastMonth
        self.filed = filed; self.solved = solved
    }

    /// 同比 as the seeds write it: "-13.8%", "+50.0%", "0.0%", "—".
    public var yearOnYear: String { PercentChange.format(current: current, previous: sameMonthLastYear) }
    /// 环比
    public var monthOnMonth: String { PercentChange.format(current: current, previous: lastMonth) }
    public var yearOnYearFraction: Double? { PercentChange.fraction(current: current, previous: sameMonthLastYear) }
    public var monthOnMonthFraction: Double? { PercentChange.fraction(current: current, previous: lastMonth) }

    public static func + (a: PreventableFigures, b: PreventableFigures) -> PreventableFigures {
        PreventableFigures(current: a.current + b.current, sameMonthLastYear: a.sameMonthLastYear + b.sameMonthLastYear,
                           lastMonth: a.lastMonth + b.lastMonth, filed: a.filed + b.filed, solved: a.solved + b.solved)
    }
    public static func += (a: inout PreventableFigures, b: PreventableFigures) { a = a + b }
}

public struct PreventableRow: Hashable, Sendable, Codable {
    public enum Kind: String, Hashable, Sendable, Codable {
        case community
        case stationSubtotal   // 小计
        case districtTotal     // 合计
    }

    public var kind: Kind
    public var stationID: String
    public var stationName: String
    /// nil for subtotal and total rows.
    public var communityID: String?
    public var communityName: String?
    /// Aligned with `PreventableReport.subcategories`.
    public var bySubcategory: [PreventableFigures]
    /// Sum over the subcategories (可防性案件合计).
    public var total: PreventableFigures
}

public struct PreventableReport: Hashable, Sendable, Codable {
    public var month: YearMonth
    public var subcategories: [IncidentSubcategory]
    /// In print order: for each station its communities, then its subtotal; the district total last.
    public var rows: [PreventableRow]

    public var districtTotal: PreventableRow { rows[rows.count - 1] }

    /// Long format, one line per row × subcategory plus a line for the row's total:
    /// 派出所, 社区, 类别, 本月, 去年同月, 同比, 上月, 环比, 立案, 破案 (English headers with `chinese: false`).
    public func longRows(chinese: Bool = true) -> [[String]] {
        var out: [[String]] = [chinese
            ? ["派出所", "社区", "类别", "本月", "去年同月", "同比", "上月", "环比", "立案", "破案"]
            : ["Station", "Community", "Subcategory", "This month", "Same month last year", "Year on year",
               "Last month", "Month on month", "Filed", "Solved"]]
        for row in rows {
            let (station, community) = labels(of: row, chinese: chinese)
            for (k, sub) in subcategories.enumerated() {
                out.append([station, community, chinese ? sub.nameZh : sub.nameEn] + Self.cells(row.bySubcategory[k]))
            }
            out.append([station, community, chinese ? "可防性案件合计" : "All preventable"] + Self.cells(row.total))
        }
        return out
    }

    /// Wide format, one line per row: 派出所, 社区, then for each subcategory and for the total the seven
    /// figures (本月, 去年同月, 同比, 上月, 环比, 立案, 破案) under headers "入室盗窃·本月" etc.
    public func wideRows(chinese: Bool = true) -> [[String]] {
        let figureNames = chinese
            ? ["本月", "去年同月", "同比", "上月", "环比", "立案", "破案"]
            : ["this month", "same month last year", "year on year", "last month", "month on month", "filed", "solved"]
        var header = chinese ? ["派出所", "社区"] : ["Station", "Community"]
        for name in subcategories.map({ chinese ? $0.nameZh : $0.nameEn }) + [chinese ? "合计" : "Total"] {
            header += figureNames.map { name + (chinese ? "·" : " · ") + $0 }
        }
        var out = [header]
        for row in rows {
            let (station, community) = labels(of: row, chinese: chinese)
            out.append([station, community] + (row.bySubcategory + [row.total]).flatMap(Self.cells))
        }
        return out
    }

    /// CSV (RFC 4180, formula-neutralised by `CSVWriter`) of `longRows` or `wideRows`.
    public func csv(wide: Bool = false, chinese: Bool = true) -> CSVWriter {
        let table = wide ? wideRows(chinese: chinese) : longRows(chinese: chinese)
        var w = CSVWriter(header: table[0])
        for r in table.dropFirst() { w.append(r) }
        return w
    }

    private func labels(of row: PreventableRow, chinese: Bool) -> (String, String) {
        switch row.kind {
        case .community: (row.stationName, row.communityName ?? "")
        case .stationSubtotal: (row.stationName, chinese ? "小计" : "Subtotal")
        case .districtTotal: (chinese ? "全区" : "District", chinese ? "合计" : "Total")
        }
    }

    static func cells(_ f: PreventableFigures) -> [String] {
        [String(f.current), String(f.sameMonthLastYear), f.yearOnYear, String(f.lastMonth), f.monthOnMonth,
         String(f.filed), String(f.solved)]
    }
}

public enum PreventableTable {
    /// Station ID given to communities that records name but `communities` does not list (未归属).
    public static let unassignedStationID = ""

    /// Builds the table for `month`. Communities are listed in the order of `communities`, grouped by
    /// station in the order stations first appear; records of communities not in the list go to an
    /// "unassigned" (未归属) station at the end. Records of other subcategories or months are ignored.
    public static func build(month: YearMonth, records: [PreventableCountRecord], communities: [CommunityRef],
                             subcategories: [IncidentSubcategory] = IncidentTaxonomy.defaultSubcategories.filter(\.preventable))
        -> PreventableReport {
        let subIndex = Dictionary(subcategories.enumerated().map { ($1.code, $0) }, uniquingKeysWith: { a, _ in a })
        let lastMonth = month.previous, lastYear = month.sameMonthLastYear
        var refs = communities
        var known = Set(communities.map(\.id))
        var figures: [String: [PreventableFigures]] = [:]
        let empty = [PreventableFigures](repeating: PreventableFigures(), count: subcategories.count)
        for r in records {
            guard let k = subIndex[r.subcategory], r.month == month || r.month == lastMonth || r.month == lastYear else { continue }
            if !known.contains(r.communityID) {
                known.insert(r.communityID)
                refs.append(CommunityRef(id: r.communityID, name: r.communityID, stationID: unassignedStationID, stationName: "未归属"))
            }
            var f = figures[r.communityID] ?? empty
            if r.month == month { f[k].current += r.incidents; f[k].filed += r.filed; f[k].solved += r.solved }
            if r.month == lastMonth { f[k].lastMonth += r.incidents }
            if r.month == lastYear { f[k].sameMonthLastYear += r.incidents }
            figures[r.communityID] = f
        }

        var stationOrder: [String] = []
        var byStation: [String: [CommunityRef]] = [:]
        var seen = Set<String>()
        for c in refs where seen.insert(c.id).inserted {
            if byStation[c.stationID] == nil { stationOrder.append(c.stationID) }
            byStation[c.stationID, default: []].append(c)
        }

        func sum(_ fs: [PreventableFigures]) -> PreventableFigures { fs.reduce(PreventableFigures(), +) }
        func add(_ a: [PreventableFigures], _ b: [PreventableFigures]) -> [PreventableFigures] { zip(a, b).map { $0 + $1 } }

        var rows: [PreventableRow] = []
        var district = empty
        for sid in stationOrder {
            let members = byStation[sid]!
            var station = empty
            for c in members {
                let f = figures[c.id] ?? empty
                station = add(station, f)
                rows.append(PreventableRow(kind: .community, stationID: sid, stationName: c.stationName,
                                           communityID: c.id, communityName: c.name, bySubcategory: f, total: sum(f)))
            }
            district = add(district, station)
            rows.append(PreventableRow(kind: .stationSubtotal, stationID: sid, stationName: members[0].stationName,
                                       communityID: nil, communityName: nil, bySubcategory: station, total: sum(station)))
        }
        rows.append(PreventableRow(kind: .districtTotal, stationID: "", stationName: "", communityID: nil,
                                   communityName: nil, bySubcategory: district, total: sum(district)))
        return PreventableReport(month: month, subcategories: subcategories, rows: rows)
    }
}

/// "Top rising communities" (升幅较大的重点社区) for the analysis report and the alerts.
public struct RisingUnit: Hashable, Sendable, Codable {
    public var id: String
    public var name: String
    public var stationName: String
    public var current: Int
    public var previous: Int
    /// current − previous
    public var increase: Int
    /// (current − previous)/previous; nil when previous is 0.
    public var change: Double?
    /// As the seeds write it ("+50.0%", "—").
    public var changeText: String
}

public enum RisingUnits {
    /// Units whose count rose, largest absolute increase first (then larger relative change, then id),
    /// with at least `minCurrent` cases now.
    public static func top(current: [String: Int], previous: [String: Int], names: [String: (name: String, station: String)] = [:],
                           limit: Int = 10, minCurrent: Int = 5) -> [RisingUnit] {
        var out: [RisingUnit] = []
        for (id, now) in current where now >= minCurrent {
            let before = previous[id] ?? 0
            guard now > before else { continue }
            out.append(RisingUnit(id: id, name: names[id]?.name ?? id, stationName: names[id]?.station ?? "",
                                  current: now, previous: before, increase: now - before,
                                  change: PercentChange.fraction(current: now, previous: before),
                                  changeText: PercentChange.format(current: now, previous: before)))
        }
        out.sort {
            if $0.increase != $1.increase { return $0.increase > $1.increase }
            let a = $0.change ?? .infinity, b = $1.change ?? .infinity
            if a != b { return a > b }
            return $0.id < $1.id
        }
        return Array(out.prefix(limit))
    }
}

extension PreventableReport {
    /// Communities with the largest rise in all preventable cases, against the same month last year
    /// (`yearOnYear: true`, 同比) or last month (环比).
    public func topRisingCommunities(yearOnYear: Bool = true, limit: Int = 10, minCurrent: Int = 5) -> [RisingUnit] {
        var current: [String: Int] = [:], previous: [String: Int] = [:]
        var names: [String: (name: String, station: String)] = [:]
        for r in rows where r.kind == .community {
            guard let id = r.communityID else { continue }
            current[id] = r.total.current
            previous[id] = yearOnYear ? r.total.sameMonthLastYear : r.total.lastMonth
            names[id] = (r.communityName ?? id, r.stationName)
        }
        return RisingUnits.top(current: current, previous: previous, names: names, limit: limit, minCurrent: minCurrent)
    }
}
