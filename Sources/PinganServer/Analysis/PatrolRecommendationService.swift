import Fluent
import SQLKit
import Vapor
import PinganKit

/// Next week's patrol recommendation (巡逻建议): which week, which incidents, cell size, window length
/// and each station's patrol capacity (patrol-hours in the week).
struct PatrolParams: Sendable {
    /// Monday 00:00 local of the week planned.
    var week: Date
    var weekDay: Int
    var station: Int?
    var community: Int?
    var category: String?
    var sub: String?
    var cellSize: Double = HotspotGrid.defaultCellSize
    var windowHours = 2
    /// Default patrol-hours per station and week.
    var hours = 40.0
    /// Per station overrides (`cap<ID>=hours`).
    var capacity: [Int: Double] = [:]

    static let historyWeeks = 104
    static let windows = [1, 2, 3, 4, 6, 8, 12]

    init(_ req: Request, errors e: inout FieldErrors) {
        let L = req.lang
        let cal = LocalCalendar(timeZoneIdentifier: req.config.timeZone)
        // Default: the coming week (next Monday).
        week = cal.calendar.date(byAdding: .day, value: 7, to: AnalysisData.monday(of: Date(), cal))!
        if let w = req.query[String.self, at: "week"]?.nilIfEmpty {
            if let d = cal.parseLocalDate(w) { week = AnalysisData.monday(of: d, cal) } else { e["week"] = L.t("日期格式应为 2026-03-09", "Use a date like 2026-03-09") }
        }
        let c = cal.calendar.dateComponents([.year, .month, .day], from: week)
        weekDay = CivilDay.number(year: c.year!, month: c.month!, day: c.day!)
        func int(_ k: String) -> Int? {
            guard let s = req.query[String.self, at: k]?.nilIfEmpty else { return nil }
            guard let n = Int(s) else { e[k] = L.t("应为数字", "Not a number"); return nil }
            return n
        }
        station = int("station"); community = int("community")
        category = req.query[String.self, at: "category"]?.nilIfEmpty
        if let c = category, c != "preventable", IncidentCategory(rawValue: c) == nil { e["category"] = L.t("类别无效", "Unknown category"); category = nil }
        sub = req.query[String.self, at: "sub"]?.nilIfEmpty
        if let s = req.query[String.self, at: "cell"]?.nilIfEmpty {
            if let v = Double(s), HotspotParams.cellSizes.contains(v) { cellSize = v } else { e["cell"] = L.t("网格边长应为 50–1000 米", "Cell size must be 50–1000 m") }
        }
        if let s = req.query[String.self, at: "window"]?.nilIfEmpty {
            if let v = Int(s), Self.windows.contains(v) { windowHours = v } else { e["window"] = L.t("时段长度应为 1、2、3、4、6、8 或 12 小时", "Window must be 1, 2, 3, 4, 6, 8 or 12 hours") }
        }
        func hoursValue(_ k: String) -> Double? {
            guard let s = req.query[String.self, at: k]?.nilIfEmpty else { return nil }
            guard let v = Double(s), v.isFinite, (0...1000).contains(v) else { e[k] = L.t("巡逻时长应为 0–1000 小时", "Patrol hours must be 0–1000"); return nil }
            return v
        }
        hours = hoursValue("hours") ?? 40
        // cap<ID>: per-station capacity fields of the form.
        if let raw = req.url.query {
            for pair in raw.split(separator: "&") {
                let kv = pair.split(separator: "=", maxSplits: 1)
                guard let key = kv.first, key.hasPrefix("cap"), let id = Int(key.dropFirst(3)) else { continue }
                if let v = hoursValue(String(key)) { capacity[id] = v }
            }
        }
    }

    init(_ req: Request) throws {
        var e = FieldErrors()
        self.init(req, errors: &e)
        guard e.isEmpty else { throw e }
    }

    func capacity(of station: Int) -> Double { capacity[station] ?? hours }

    var jurisdictionQuery: [String] {
        var q: [String] = []
        if let station { q.append("station=\(station)") }
        if let community { q.append("community=\(community)") }
        return q
    }
}

struct PatrolRowDTO: Content {
    var stationID: Int
    var station: String
    var rank: Int
    /// Local date of the patrol, "2026-03-13".
    var date: String
    var weekday: Int
    var weekdayName: String
    var start: String
    var end: String
    var cell: String
    var centerLat: Double
    var centerLon: Double
    var community: String?
    var patrolHours: Double
    /// Incidents expected in the cell next week.
    var cellExpected: Double
    /// Share of the cell's incidents in this weekday and window.
    var windowShare: Double
    /// Incidents expected in the cell during the window (cellExpected × windowShare).
    var expected: Double
}

struct PatrolStationDTO: Content {
    var id: Int
    var name: String
    var capacityHours: Double
    var plannedHours: Double
    /// Incidents the planned windows are expected to cover.
    var coveredExpected: Double
    var rows: [PatrolRowDTO]
}

/// A draft patrol plan (巡逻计划草案) for one week: officers edit it; nothing is stored.
struct PatrolPlanDTO: Content {
    var week: String
    var weekEnd: String
    var jurisdiction: String
    var category: String?
    var subcategory: String?
    var cellSize: Double
    var windowHours: Int
    var model: String
    var historyFrom: String
    var historyIncidents: Int
    var expectedWeekTotal: Double
    var stations: [PatrolStationDTO]
}

enum PatrolRecommendationService {
    static func plan(_ req: Request, _ p: PatrolParams) async throws -> (PatrolPlanDTO, AnalysisUnits) {
        try req.require(.viewAnalysis)
        let units = try await AnalysisData.units(req, station: p.station, community: p.community)
        let cal = LocalCalendar(timeZoneIdentifier: req.config.timeZone)
        let historyFrom = cal.calendar.date(byAdding: .day, value: -7 * PatrolParams.historyWeeks, to: p.week)!
        let (rows, _) = try await HotspotService.located(req.reading, units: units, from: historyFrom, to: p.week, category: p.category, sub: p.sub)
        let stationOf = Dictionary(uniqueKeysWithValues: units.communities.map { ($0.id, $0.stationID) })
        let names = Dictionary(uniqueKeysWithValues: units.communities.map { ($0.id, $0.name) })
        let L = req.lang
        var stations: [PatrolStationDTO] = []
        var model = BlendModel(ForecastDefaults.fallback).label
        var total = 0.0
        if !rows.isEmpty, let projection = try await HotspotService.projection(req.reading) {
            var history: [PatrolHistoryEvent] = []
            history.reserveCapacity(rows.count)
            var communityByCell: [Int: [String: Int]] = [:]
            let points = rows.map { projection.project(lat: $0.latitude, lon: $0.longitude) }
            guard let grid = HotspotGrid.anchored(points, cellSize: p.cellSize) else { throw Abort(.internalServerError) }
            guard grid.cellCount <= 250_000 else {
                throw FieldErrors(["cell": L.t("网格数 \(grid.cellCount) 超过上限 250000，请增大网格边长或缩小范围", "\(grid.cellCount) cells exceed the limit of 250000: use larger cells or a smaller area")])
            }
            for (r, pt) in zip(rows, points) {
                let c = cal.calendar.dateComponents([.year, .month, .day], from: r.occurred_at)
                let cid = String(r.community_id)
                history.append(PatrolHistoryEvent(day: CivilDay.number(year: c.year!, month: c.month!, day: c.day!), lat: r.latitude, lon: r.longitude,
                                                  weekday: cal.weekday(of: r.occurred_at), hour: cal.hour(of: r.occurred_at), stationID: stationOf[cid] ?? ""))
                if let i = grid.cellIndex(of: pt) { communityByCell[i, default: [:]][cid, default: 0] += 1 }
            }
            let forecast = PatrolForecast.make(history: history, weekStart: p.weekDay, projection: projection, grid: grid)
            model = forecast.modelLabel
            total = forecast.weeklyMean
            var capacity: [String: Double] = [:]
            for s in units.stations { capacity[String(s.id)] = p.capacity(of: s.id) }
            var config = PatrolConfig()
            config.windowHours = p.windowHours
            let plan = PatrolRecommendation.plan(cells: forecast.cells, capacity: capacity, config: config)
            let weekdayNames = L.isEnglish ? HourWeekdayTable.weekdayNamesEn : HourWeekdayTable.weekdayNamesZh
            var byStation: [String: [PatrolRowDTO]] = [:]
            for r in plan {
                guard let sid = Int(r.stationID), let s = units.stations.first(where: { $0.id == sid }) else { continue }
                let centre = projection.unproject(grid.center(of: r.cell))
                let mainCommunity = communityByCell[r.cell]?.max { $0.value != $1.value ? $0.value < $1.value : $0.key > $1.key }?.key
                byStation[r.stationID, default: []].append(PatrolRowDTO(
                    stationID: sid, station: s.name, rank: r.rank, date: CivilDay.format(p.weekDay + r.weekday - 1), weekday: r.weekday,
                    weekdayName: weekdayNames[r.weekday - 1], start: HotspotService.hh(r.startHour), end: HotspotService.hh(r.endHour),
                    cell: grid.cellLabel(r.cell), centerLat: (centre.lat * 1e6).rounded() / 1e6, centerLon: (centre.lon * 1e6).rounded() / 1e6,
                    community: mainCommunity.flatMap { names[$0] }, patrolHours: r.patrolHours,
                    cellExpected: round3(r.cellScore), windowShare: round3(r.windowShare), expected: round3(r.priority)))
            }
            for s in units.stations {
                let rs = byStation[String(s.id)] ?? []
                stations.append(PatrolStationDTO(id: s.id, name: s.name, capacityHours: p.capacity(of: s.id), plannedHours: rs.reduce(0) { $0 + $1.patrolHours },
                                                 coveredExpected: round3(rs.reduce(0) { $0 + $1.expected }), rows: rs))
            }
        } else {
            stations = units.stations.map { PatrolStationDTO(id: $0.id, name: $0.name, capacityHours: p.capacity(of: $0.id), plannedHours: 0, coveredExpected: 0, rows: []) }
        }
        let dto = PatrolPlanDTO(week: CivilDay.format(p.weekDay), weekEnd: CivilDay.format(p.weekDay + 6), jurisdiction: L.t(units.titleZh, units.titleEn),
                                category: p.category, subcategory: p.sub, cellSize: p.cellSize, windowHours: p.windowHours, model: model,
                                historyFrom: cal.formatDate(historyFrom), historyIncidents: rows.count, expectedWeekTotal: round3(total), stations: stations)
        return (dto, units)
    }

    static func round3(_ v: Double) -> Double { (v * 1000).rounded() / 1000 }

    /// The draft plan as CSV, one line per patrol.
    static func csv(_ d: PatrolPlanDTO, chinese: Bool) -> CSVWriter {
        var w = CSVWriter(header: chinese
            ? ["派出所", "序号", "日期", "星期", "开始", "结束", "网格", "中心纬度", "中心经度", "主要社区", "巡逻时长（小时）", "网格预测（起/周）", "时段占比", "时段预计警情"]
            : ["Station", "Rank", "Date", "Weekday", "Start", "End", "Cell", "Centre latitude", "Centre longitude", "Main community", "Patrol hours", "Cell forecast (per week)", "Window share", "Expected in window"])
        for s in d.stations {
            for r in s.rows {
                w.append([r.station, String(r.rank), r.date, r.weekdayName, r.start, r.end, r.cell, String(format: "%.6f", r.centerLat), String(format: "%.6f", r.centerLon),
                          r.community ?? "", String(format: "%g", r.patrolHours), Decimals.format(r.cellExpected, places: 3), Decimals.format(r.windowShare, places: 3), Decimals.format(r.expected, places: 3)])
            }
        }
        return w
    }
}
