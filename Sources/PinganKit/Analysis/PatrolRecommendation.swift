import Foundation

/// Patrol recommendation (巡逻建议) for next week: per station, the grid cells × time windows worth a
/// patrol, as many as its patrol capacity allows — a draft plan an officer edits, not an order.
///
/// Each candidate (cell, weekday, window) gets the priority
///
///     priority = score(cell) · share(cell, weekday, window)
///
/// where `score` is what the cell is expected to see next week (a forecast count, or any non-negative
/// hotspot score) and `share` is the fraction of the cell's incidents that historically fell in that
/// weekday and window, shrunk toward the station-wide pattern so that a cell with three incidents does
/// not put all its weight on three hours:
///
///     share = (n_cell(window) + α · share_station(window)) / (N_cell + α)      (α = `profilePrior`)
///
/// With a forecast count as the score, the priority is the expected number of incidents in that cell
/// and window. Candidates are taken greedily, highest priority first, while the station has patrol
/// hours left, at most `maxWindowsPerCell` windows per cell and `maxConcurrentPatrols` cells per window.

public struct PatrolCellInput: Hashable, Sendable {
    public var cell: Int
    public var stationID: String
    /// Expected incidents next week (or another non-negative score); cells ≤ 0 are not patrolled.
    public var score: Double
    /// The cell's incidents by weekday × hour (history); nil or empty: the station's pattern is used.
    public var profile: HourWeekdayTable?

    public init(cell: Int, stationID: String, score: Double, profile: HourWeekdayTable? = nil) {
        self.cell = cell; self.stationID = stationID; self.score = score; self.profile = profile
    }
}

public struct PatrolConfig: Hashable, Sendable, Codable {
    /// Window length in hours; windows start at 0, w, 2w, … (24 must be a multiple of it).
    public var windowHours: Int = 2
    /// Spread patrols over places: at most this many windows per cell in a week.
    public var maxWindowsPerCell: Int = 3
    /// At most this many cells patrolled by one station in the same weekday × window (nil: no limit).
    public var maxConcurrentPatrols: Int? = 2
    /// Pseudo-count α pulling a cell's time profile toward its station's.
    public var profilePrior: Double = 10
    /// Only the highest-scoring cells of a station are considered.
    public var candidateCellsPerStation: Int = 300

    public init() {}
}

public struct PatrolPlanRow: Hashable, Sendable, Codable {
    public var stationID: String
    /// 1 = the most important patrol of the station.
    public var rank: Int
    public var cell: Int
    /// 1 = Monday … 7 = Sunday.
    public var weekday: Int
    public var startHour: Int
    /// May be 24 (midnight at the end of the day).
    public var endHour: Int
    public var patrolHours: Double
    public var cellScore: Double
    /// Share of the cell's incidents expected in this window.
    public var windowShare: Double
    /// cellScore · windowShare.
    public var priority: Double

    /// "周五 20:00–22:00"
    public func windowText(chinese: Bool = true) -> String {
        let names = chinese ? HourWeekdayTable.weekdayNamesZh : HourWeekdayTable.weekdayNamesEn
        func hh(_ h: Int) -> String { (h < 10 ? "0" : "") + String(h) + ":00" }
        return names[weekday - 1] + " " + hh(startHour) + "–" + hh(endHour)
    }
}

public enum PatrolRecommendation {
    /// Ranked draft plan rows, grouped by station (stations in ascending id order), rank within station.
    /// - capacity: patrol-hours available next week per station; stations without capacity get nothing.
    /// - fallbackProfile: used for a station whose cells have no history at all (else uniform).
    public static func plan(cells: [PatrolCellInput], capacity: [String: Double],
                            fallbackProfile: HourWeekdayTable? = nil,
                            config: PatrolConfig = PatrolConfig()) -> [PatrolPlanRow] {
        let w = max(1, config.windowHours)
        precondition(24 % w == 0, "windowHours must divide 24")
        let windowsPerDay = 24 / w
        var byStation: [String: [PatrolCellInput]] = [:]
        var history: [String: HourWeekdayTable] = [:]   // station-wide pattern, from all its cells
        for c in cells {
            if let p = c.profile { history[c.stationID] = (history[c.stationID] ?? HourWeekdayTable()) + p }
            if c.score > 0 && c.score.isFinite { byStation[c.stationID, default: []].append(c) }
        }

        var rows: [PatrolPlanRow] = []
        for station in byStation.keys.sorted() {
            var budget = capacity[station] ?? 0
            guard budget >= Double(w) else { continue }
            var members = byStation[station]!
            members.sort { $0.score != $1.score ? $0.score > $1.score : $0.cell < $1.cell }
            members = Array(members.prefix(config.candidateCellsPerStation))

            // Station-wide window shares (from all its cells' history), else the fallback, else uniform.
            var stationTable = history[station] ?? HourWeekdayTable()
            if stationTable.total == 0, let f = fallbackProfile { stationTable = f }
            let stationShares = windowShares(stationTable, hours: w, windowsPerDay: windowsPerDay)

            struct Candidate { var cell: Int; var score: Double; var slot: Int; var share: Double; var priority: Double }
            var candidates: [Candidate] = []
            candidates.reserveCapacity(members.count * 7 * windowsPerDay)
            for c in members {
                let table = c.profile ?? HourWeekdayTable()
                let n = Double(table.total)
                let alpha = max(config.profilePrior, n == 0 ? 1 : 0)
                for slot in 0 ..< 7 * windowsPerDay {
                    let nw = Double(table.count(weekday: slot / windowsPerDay + 1, startHour: (slot % windowsPerDay) * w, hours: w))
                    let share = (nw + alpha * stationShares[slot]) / (n + alpha)
                    candidates.append(Candidate(cell: c.cell, score: c.score, slot: slot, share: share, priority: c.score * share))
                }
            }
            candidates.sort {
                if $0.priority != $1.priority { return $0.priority > $1.priority }
                if $0.cell != $1.cell { return $0.cell < $1.cell }
                return $0.slot < $1.slot
            }

            var perCell: [Int: Int] = [:]
            var perSlot = [Int](repeating: 0, count: 7 * windowsPerDay)
            var rank = 0
            for cand in candidates {
                if budget < Double(w) { break }
                if perCell[cand.cell, default: 0] >= config.maxWindowsPerCell { continue }
                if let m = config.maxConcurrentPatrols, perSlot[cand.slot] >= m { continue }
                perCell[cand.cell, default: 0] += 1
                perSlot[cand.slot] += 1
                budget -= Double(w)
                rank += 1
                let start = (cand.slot % windowsPerDay) * w
                rows.append(PatrolPlanRow(stationID: station, rank: rank, cell: cand.cell, weekday: cand.slot / windowsPerDay + 1,
                                          startHour: start, endHour: start + w, patrolHours: Double(w),
                                          cellScore: cand.score, windowShare: cand.share, priority: cand.priority))
            }
        }
        return rows
    }

    /// Fractions of a table's incidents per (weekday, window) slot; uniform if the table is empty.
    static func windowShares(_ t: HourWeekdayTable, hours w: Int, windowsPerDay: Int) -> [Double] {
        let slots = 7 * windowsPerDay
        let total = Double(t.total)
        guard total > 0 else { return [Double](repeating: 1 / Double(slots), count: slots) }
        return (0..<slots).map { s in
            var n = 0
            for k in 0..<w { n += t[s / windowsPerDay + 1, (s % windowsPerDay) * w + k] }
            return Double(n) / total
        }
    }

    /// Rows for a CSV draft plan: 派出所, 序号, 网格, 时段, 巡逻时长(小时), 网格预测, 时段占比, 优先级.
    public static func tableRows(_ plan: [PatrolPlanRow], chinese: Bool = true,
                                 cellLabel: (Int) -> String = { String($0) }) -> [[String]] {
        var out: [[String]] = [chinese
            ? ["派出所", "序号", "网格", "时段", "巡逻时长（小时）", "网格得分", "时段占比", "优先级"]
            : ["Station", "Rank", "Cell", "Window", "Patrol hours", "Cell score", "Window share", "Priority"]]
        for r in plan {
            out.append([r.stationID, String(r.rank), cellLabel(r.cell), r.windowText(chinese: chinese),
                        String(format: "%g", r.patrolHours), Decimals.format(r.cellScore, places: 3),
                        Decimals.format(r.windowShare, places: 3), Decimals.format(r.priority, places: 3)])
        }
        return out
    }
}
