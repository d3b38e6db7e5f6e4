import Foundation

/// One past incident for the next-week patrol forecast: local day number (`CivilDay`), position, local
/// weekday (1 = Monday) and hour, and the station (派出所) whose community it belongs to.
public struct PatrolHistoryEvent: Hashable, Sendable {
    public var day: Int
    public var lat: Double
    public var lon: Double
    public var weekday: Int
    public var hour: Int
    public var stationID: String
    public init(day: Int, lat: Double, lon: Double, weekday: Int, hour: Int, stationID: String) {
        self.day = day; self.lat = lat; self.lon = lon; self.weekday = weekday; self.hour = hour; self.stationID = stationID
    }
}

/// Next week's expected incidents per grid cell, ready for `PatrolRecommendation.plan`:
///
/// 1. the frozen default forecaster (`BlendModel` with `ForecastDefaults.fallback`, the "All" configuration;
///    chosen on Toronto 2019 data, see docs/forecasting.md) scores every cell from incidents dated before
///    the week's Monday only;
/// 2. the scores are scaled so that they sum to the mean weekly count of the last `calibrationWeeks`
///    weeks — a cell's score then reads as "incidents expected next week";
/// 3. each cell goes to the station with most of its past incidents (ties: smaller station id), and
///    carries its own hour × weekday history as the time profile.
public struct PatrolForecast: Sendable {
    public let grid: HotspotGrid
    public let weekStart: Int
    /// Expected incidents next week per cell (all zero with no history).
    public let expected: [Double]
    public let cells: [PatrolCellInput]
    /// Mean weekly count the scores were scaled to.
    public let weeklyMean: Double
    public let historyEvents: Int
    public let modelLabel: String

    public static func make(history: [PatrolHistoryEvent], weekStart: Int, projection: LocalProjection, grid: HotspotGrid,
                            parameters: BlendModel.Parameters = ForecastDefaults.fallback, calibrationWeeks: Int = 8) -> PatrolForecast {
        let fgrid = ForecastGrid(xMin: grid.minX, yMin: grid.minY, xMax: grid.minX + Double(grid.columns) * grid.cellSize,
                                 yMax: grid.minY + Double(grid.rows) * grid.cellSize, cellSize: grid.cellSize)
        let fproj = ForecastProjection(lat0: projection.lat0, lon0: projection.lon0)
        let past = history.filter { $0.day < weekStart }
        let dataset = IncidentDataset(raw: past.map { (day: $0.day, lat: $0.lat, lon: $0.lon, crime: "All") }, grid: fgrid, projection: fproj)
        let model = BlendModel(parameters)
        var scores = model.scores(dataset.history(before: weekStart), crime: .all)
        let recent = past.filter { $0.day >= weekStart - 7 * calibrationWeeks }.count
        let weeklyMean = Double(recent) / Double(max(1, calibrationWeeks))
        let sum = scores.reduce(0, +)
        if sum > 0 { for i in scores.indices { scores[i] *= weeklyMean / sum } }

        var profiles: [Int: HourWeekdayTable] = [:]
        var stations: [Int: [String: Int]] = [:]
        for e in past {
            guard let i = grid.cellIndex(of: projection.project(lat: e.lat, lon: e.lon)) else { continue }
            profiles[i, default: HourWeekdayTable()].add(weekday: e.weekday, hour: e.hour)
            stations[i, default: [:]][e.stationID, default: 0] += 1
        }
        let cells: [PatrolCellInput] = profiles.keys.sorted().compactMap { i in
            guard scores[i] > 0, let st = stations[i]?.max(by: { $0.value != $1.value ? $0.value < $1.value : $0.key > $1.key })?.key else { return nil }
            return PatrolCellInput(cell: i, stationID: st, score: scores[i], profile: profiles[i])
        }
        return PatrolForecast(grid: grid, weekStart: weekStart, expected: scores, cells: cells, weeklyMean: weeklyMean,
                              historyEvents: past.count, modelLabel: model.label)
    }
}
