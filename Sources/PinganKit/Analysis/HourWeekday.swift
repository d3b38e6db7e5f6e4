import Foundation

/// Hour-of-day × weekday counts (时段 × 星期): 7 rows (weekday 1 = Monday … 7 = Sunday, ISO, as
/// `LocalCalendar.weekday(of:)`) by 24 columns (hour 0…23, as `LocalCalendar.hour(of:)`).
/// Used for the analysis report's table, for each hot cell's profile and for patrol windows.
public struct HourWeekdayTable: Hashable, Sendable, Codable {
    /// counts[(weekday − 1) · 24 + hour]
    public private(set) var counts: [Int]

    public init() { counts = [Int](repeating: 0, count: 7 * 24) }

    /// From (weekday 1…7, hour 0…23) pairs; pairs out of range are ignored.
    public init<S: Sequence>(_ pairs: S) where S.Element == (weekday: Int, hour: Int) {
        self.init()
        for p in pairs { add(weekday: p.weekday, hour: p.hour) }
    }

    /// From instants, in the calendar's zone.
    public init<S: Sequence>(dates: S, calendar: LocalCalendar) where S.Element == Date {
        self.init()
        for d in dates { add(weekday: calendar.weekday(of: d), hour: calendar.hour(of: d)) }
    }

    public mutating func add(weekday: Int, hour: Int, count: Int = 1) {
        guard (1...7).contains(weekday), (0...23).contains(hour) else { return }
        counts[(weekday - 1) * 24 + hour] += count
    }

    public subscript(weekday: Int, hour: Int) -> Int {
        precondition((1...7).contains(weekday) && (0...23).contains(hour))
        return counts[(weekday - 1) * 24 + hour]
    }

    public var total: Int { counts.reduce(0, +) }
    /// Row totals, index 0 = Monday.
    public var weekdayTotals: [Int] { (0..<7).map { d in counts[d * 24 ..< d * 24 + 24].reduce(0, +) } }
    /// Column totals, index = hour.
    public var hourTotals: [Int] { (0..<24).map { h in (0..<7).reduce(0) { $0 + counts[$1 * 24 + h] } } }

    /// Count in the window weekday × [startHour, startHour + hours), wrapping past midnight into
    /// the next day (Sunday wraps to Monday).
    public func count(weekday: Int, startHour: Int, hours: Int) -> Int {
        var s = 0
        for k in 0..<hours {
            let h = startHour + k
            let d = (weekday - 1 + h / 24) % 7
            s += counts[d * 24 + h % 24]
        }
        return s
    }

    public static func + (a: HourWeekdayTable, b: HourWeekdayTable) -> HourWeekdayTable {
        var r = a
        for i in 0..<r.counts.count { r.counts[i] += b.counts[i] }
        return r
    }

    public static let weekdayNamesZh = ["周一", "周二", "周三", "周四", "周五", "周六", "周日"]
    public static let weekdayNamesEn = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]

    /// Rows ready for CSV / an HTML table: header ["", "0", …, "23", total], one row per weekday, then
    /// the hour totals.
    public func tableRows(chinese: Bool = true) -> [[String]] {
        let names = chinese ? Self.weekdayNamesZh : Self.weekdayNamesEn
        let totalLabel = chinese ? "合计" : "Total"
        var rows: [[String]] = [[chinese ? "星期＼时" : "Day \\ hour"] + (0..<24).map(String.init) + [totalLabel]]
        let wt = weekdayTotals
        for d in 0..<7 {
            rows.append([names[d]] + (0..<24).map { String(counts[d * 24 + $0]) } + [String(wt[d])])
        }
        rows.append([totalLabel] + hourTotals.map(String.init) + [String(total)])
        return rows
    }
}

/// One incident located in a grid cell at a local weekday and hour (input of the per-cell profiles).
public struct CellEvent: Hashable, Sendable {
    public var cell: Int
    public var weekday: Int
    public var hour: Int
    public init(cell: Int, weekday: Int, hour: Int) { self.cell = cell; self.weekday = weekday; self.hour = hour }
}

/// A hot cell of a Gi* run with its hour × weekday profile (热点网格时段分布).
public struct HotCell: Hashable, Sendable {
    public var cell: Int
    public var count: Double
    public var z: Double
    public var p: Double
    public var band: HotspotBand
    public var profile: HourWeekdayTable
}

public enum Hotspots {
    /// Cells with z ≥ `minZ` (default 1.96, two-sided 95 %) and at least `minCount` incidents, hottest
    /// first (z descending, then lower cell index), each with the hour × weekday profile of its events.
    public static func hotCells(result: GiStarResult, counts: [Double], events: [CellEvent],
                                minZ: Double = 1.959_963_984_540_054, minCount: Double = 1,
                                limit: Int? = nil) -> [HotCell] {
        precondition(result.count == counts.count)
        var chosen = (0..<result.count).filter { result.z[$0] >= minZ && counts[$0] >= minCount }
        chosen.sort { result.z[$0] != result.z[$1] ? result.z[$0] > result.z[$1] : $0 < $1 }
        if let limit { chosen = Array(chosen.prefix(limit)) }
        var profiles: [Int: HourWeekdayTable] = [:]
        for c in chosen { profiles[c] = HourWeekdayTable() }
        for e in events where profiles[e.cell] != nil { profiles[e.cell]!.add(weekday: e.weekday, hour: e.hour) }
        return chosen.map {
            HotCell(cell: $0, count: counts[$0], z: result.z[$0], p: result.p[$0],
                    band: HotspotBand(z: result.z[$0]), profile: profiles[$0]!)
        }
    }
}
