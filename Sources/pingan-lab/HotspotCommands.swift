import Foundation
import PinganKit

extension LabCommands {
    static var hotspot: [LabCommand] {
        [
            LabCommand(name: "gistar", summary: "Getis-Ord Gi* hot spots of points on a square grid (esda G_Local star=True, transform='B')",
                       run: HotspotLab.gistar),
            LabCommand(name: "earlywarn", summary: "Poisson (Wheeler z) and 'up 50% and 5 cases' alerts per unit and month/week from an incident CSV",
                       run: HotspotLab.earlywarn),
            LabCommand(name: "patrol", summary: "Draft patrol plan for a week: top cells x time windows per station within its patrol hours",
                       run: HotspotLab.patrol),
        ]
    }
}

enum HotspotLab {
    static let gistarHelp = """
    pingan-lab gistar --points FILE.csv [--cell 150] [--grid toronto|cover | --extent minX,minY,maxX,maxY]
                      [--lat0 43.7065 --lon0 -79.3967] [--out cells.csv] [--all-cells] [--repeat N]
                      [--hot-out hot.csv --min-z 1.96] [--general-weights]
      Points: a CSV with a header holding x,y (metres) or lat,lon (also Lat/Long, latitude/longitude;
      projected by the forecast-eval P2 equirectangular projection, rounded to 1 mm). Optional
      weekday (1 = Monday … 7) and hour (0…23) columns give each hot cell's hour × weekday profile.
      Grid: Toronto's frozen protocol extent by default (so cells equal forecast-eval's), `cover` for the
      points' bounding box rounded out to 100 m. Weights: queen contiguity on the lattice plus the cell
      itself, binary. Output: cell_index,cell_x,cell_y,y,gi,e_gi,v_gi,gi_z,p_norm for every cell (or only
      cells with y > 0 without --all-cells … the statistic always uses the whole lattice).
      Timings go to stderr; --repeat N times the Gi* computation N times and reports the median.
      --general-weights uses the sparse-weights code path (SpatialWeights) instead of the lattice stencil.
    """

    static func gistar(_ args: [String]) throws {
        let o = LabOptions(args)
        if o.flag("help") { print(gistarHelp); return }
        guard let path = o.value("points") else { throw LabUsageError("--points FILE.csv is required\n" + gistarHelp) }
        let cell = try o.double("cell", default: HotspotGrid.defaultCellSize)
        guard cell > 0 else { throw LabUsageError("--cell must be positive") }
        let projection = LocalProjection(lat0: try o.double("lat0", default: LocalProjection.toronto.lat0),
                                         lon0: try o.double("lon0", default: LocalProjection.toronto.lon0))
        let clock = ContinuousClock()

        let t0 = clock.now
        let points = try readPoints(path: path, projection: projection)
        let tRead = clock.now - t0

        let grid: HotspotGrid
        if let extent = o.value("extent") {
            let v = extent.split(separator: ",").compactMap { Double($0.trimmingCharacters(in: .whitespaces)) }
            guard v.count == 4, v[2] > v[0], v[3] > v[1] else { throw LabUsageError("--extent wants minX,minY,maxX,maxY") }
            grid = HotspotGrid(minX: v[0], minY: v[1], maxX: v[2], maxY: v[3], cellSize: cell)
        } else if o.value("grid") == "cover" {
            guard let g = HotspotGrid.covering(points.xy, cellSize: cell) else { throw LabUsageError("no points") }
            grid = g
        } else if o.value("grid") == nil || o.value("grid") == "toronto" {
            grid = HotspotGrid.toronto(cellSize: cell)
        } else {
            throw LabUsageError("--grid must be toronto or cover")
        }

        let t1 = clock.now
        let (counts, outside) = grid.counts(of: points.xy)
        let tBin = clock.now - t1

        let repeats = max(1, try o.int("repeat", default: 1))
        // --general-weights: the sparse-weights path (any neighbourhood), weights built once, untimed.
        let weights = o.flag("general-weights") ? SpatialWeights.queenLattice(rows: grid.rows, columns: grid.columns) : nil
        func compute() -> GiStarResult {
            if let weights { return GetisOrd.giStar(values: counts, weights: weights) }
            return GetisOrd.giStar(values: counts, grid: grid)
        }
        var result = compute()
        var runs: [Duration] = []
        for _ in 0..<repeats {
            let t = clock.now
            result = compute()
            runs.append(clock.now - t)
        }
        runs.sort()
        let median = runs[runs.count / 2]

        let t2 = clock.now
        if let out = o.value("out") {
            let all = o.flag("all-cells")
            var text = "cell_index,cell_x,cell_y,y,gi,e_gi,v_gi,gi_z,p_norm\n"
            text.reserveCapacity(grid.cellCount * 100)
            for i in 0..<grid.cellCount where all || counts[i] > 0 {
                text += "\(i),\(grid.column(of: i)),\(grid.row(of: i)),\(Int(counts[i])),\(result.g[i]),\(result.expected[i]),\(result.variance[i]),\(result.z[i]),\(result.p[i])\n"
            }
            try text.write(toFile: out, atomically: true, encoding: .utf8)
        }
        if let hotOut = o.value("hot-out") {
            let events: [CellEvent] = points.when.indices.compactMap { k in
                guard let w = points.when[k], let i = grid.cellIndex(of: points.xy[k]) else { return nil }
                return CellEvent(cell: i, weekday: w.weekday, hour: w.hour)
            }
            let hot = Hotspots.hotCells(result: result, counts: counts, events: events,
                                        minZ: try o.double("min-z", default: 1.959_963_984_540_054))
            var text = "cell_index,cell_x,cell_y,y,gi_z,band,peak_weekday,peak_hour,profile_168\n"
            for h in hot {
                let peak = h.profile.counts.indices.max { h.profile.counts[$0] < h.profile.counts[$1] } ?? 0
                let profile = h.profile.total > 0 ? h.profile.counts.map(String.init).joined(separator: " ") : ""
                text += "\(h.cell),\(grid.column(of: h.cell)),\(grid.row(of: h.cell)),\(Int(h.count)),\(h.z),\(h.band.nameEn),\(peak / 24 + 1),\(peak % 24),\(profile)\n"
            }
            try text.write(toFile: hotOut, atomically: true, encoding: .utf8)
        }
        let tWrite = clock.now - t2

        func ms(_ d: Duration) -> String {
            let c = d.components
            return String(format: "%.3f", Double(c.seconds) * 1000 + Double(c.attoseconds) / 1e15)
        }
        let hotCount = result.z.filter { $0 >= 1.959_963_984_540_054 }.count
        FileHandle.standardError.write(Data("""
        gistar: \(points.xy.count) points, \(outside) outside the grid; grid \(grid.columns)×\(grid.rows) = \(grid.cellCount) cells of \(cell) m; \(hotCount) cells z ≥ 1.96
        timing_ms: read+project \(ms(tRead)), bin \(ms(tBin)), gistar \(ms(median)) (median of \(repeats)), write \(ms(tWrite))

        """.utf8))
    }

    struct Points {
        var xy: [PlanarPoint] = []
        var when: [(weekday: Int, hour: Int)?] = []
    }

    /// x,y or lat,lon points from a CSV with a header. Rows whose coordinates do not parse are skipped.
    static func readPoints(path: String, projection: LocalProjection) throws -> Points {
        guard let data = FileManager.default.contents(atPath: path) else { throw LabUsageError("cannot read \(path)") }
        let rows = CSVReader.parse(String(decoding: data, as: UTF8.self))
        guard let header = rows.first?.map({ $0.trimmingCharacters(in: .whitespaces).lowercased() }) else { return Points() }
        func column(_ names: [String]) -> Int? { names.lazy.compactMap { header.firstIndex(of: $0) }.first }
        let ix = column(["x"]), iy = column(["y"])
        let ilat = column(["lat", "latitude"]), ilon = column(["lon", "long", "lng", "longitude"])
        let iw = column(["weekday"]), ih = column(["hour"])
        let planar = ix != nil && iy != nil
        guard planar || (ilat != nil && ilon != nil) else {
            throw LabUsageError("\(path): need x,y or lat,lon columns, header is \(header.joined(separator: ","))")
        }
        var points = Points()
        points.xy.reserveCapacity(rows.count)
        for row in rows.dropFirst() {
            let a = planar ? ix! : ilat!, b = planar ? iy! : ilon!
            guard a < row.count, b < row.count, let u = Double(row[a]), let v = Double(row[b]) else { continue }
            points.xy.append(planar ? PlanarPoint(x: u, y: v) : projection.project(lat: u, lon: v))
            if let iw, let ih, iw < row.count, ih < row.count, let w = Int(row[iw]), let h = Int(row[ih]) {
                points.when.append((w, h))
            } else {
                points.when.append(nil)
            }
        }
        return points
    }
}

// MARK: - Early warning and patrol plans on real data (e.g. Toronto neighbourhoods as communities)

/// Plain RFC 4180 CSV for machine-read lab output: quoted where needed, but not formula-neutralised
/// (CSVWriter's apostrophe would turn a longitude like -79.3 into text).
struct LabCSV {
    private(set) var text: String
    init(header: [String]) { text = ""; append(header) }
    mutating func append(_ fields: [String]) { text += fields.map(CSVWriter.quote).joined(separator: ",") + "\n" }
}

extension HotspotLab {
    /// Days since 1970-01-01 of a civil date (Howard Hinnant's days_from_civil).
    static func days(_ y0: Int, _ m: Int, _ d: Int) -> Int {
        let y = m <= 2 ? y0 - 1 : y0
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    static func civil(_ z0: Int) -> (Int, Int, Int) {
        let z = z0 + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (m <= 2 ? 1 : 0), m, d)
    }

    /// "2020/03/05…" or "2020-03-05…" → (y, m, d)
    static func parseDate(_ s: String) -> (Int, Int, Int)? {
        let u = Array(s.utf8.prefix(10))
        guard u.count == 10, u[4] == u[7], u[4] == UInt8(ascii: "-") || u[4] == UInt8(ascii: "/") else { return nil }
        func num(_ r: Range<Int>) -> Int? {
            var v = 0
            for b in u[r] { guard b >= 48, b <= 57 else { return nil }; v = v * 10 + Int(b - 48) }
            return v
        }
        guard let y = num(0..<4), let m = num(5..<7), let d = num(8..<10), (1...12).contains(m), (1...31).contains(d) else { return nil }
        return (y, m, d)
    }

    static let earlywarnHelp = """
    pingan-lab earlywarn --events FILE.csv [--date-col date] [--unit-col unit] [--period month|week]
                         [--at 2020-06 | --at 2020-06-01] [--since 2014-01-01]
                         [--baseline years:3[:halfwindow] | trailing:8] [--z 3] [--min-count 5]
                         [--rule-increase 0.5] [--rule-min 5] [--no-rule] [--out alerts.csv]
      One row per incident; the unit column names the community (or station). Counts per unit and
      month (or ISO week, Monday first) from --since, then EarlyWarning.evaluate at --at (default: the
      last period in the data). Toronto: zcat toronto_mci_occurred_to_2020.csv.gz > t.csv, then
      --events t.csv --date-col occurrencedate --unit-col Neighbourhood --at 2020-06.
    """

    static func earlywarn(_ args: [String]) throws {
        let o = LabOptions(args)
        if o.flag("help") { print(earlywarnHelp); return }
        guard let path = o.value("events") else { throw LabUsageError("--events FILE.csv is required\n" + earlywarnHelp) }
        let period: WarningPeriod = o.value("period") == "week" ? .week : .month
        guard let data = FileManager.default.contents(atPath: path) else { throw LabUsageError("cannot read \(path)") }
        let rows = CSVReader.parse(String(decoding: data, as: UTF8.self))
        guard let header = rows.first else { throw LabUsageError("empty file") }
        let dateCol = o.value("date-col") ?? "date", unitCol = o.value("unit-col") ?? "unit"
        guard let di = header.firstIndex(of: dateCol), let ui = header.firstIndex(of: unitCol) else {
            throw LabUsageError("columns \(dateCol) and \(unitCol) needed; header: \(header.joined(separator: ","))")
        }
        let since = o.value("since").flatMap(parseDate).map { days($0.0, $0.1, $0.2) } ?? Int.min
        // period key: months since year 0, or weeks since the Monday 1970-01-05
        func key(_ y: Int, _ m: Int, _ d: Int) -> Int {
            period == .month ? y * 12 + (m - 1) : Int((Double(days(y, m, d) - 4) / 7).rounded(.down))
        }
        func label(_ k: Int) -> String {
            if period == .month { return YearMonth(year: k / 12, month: k % 12 + 1).description }
            let (y, m, d) = civil(k * 7 + 4)
            return String(format: "%04d-%02d-%02d", y, m, d)
        }
        var counts: [String: [Int: Int]] = [:]
        var lo = Int.max, hi = Int.min
        for r in rows.dropFirst() where di < r.count && ui < r.count {
            guard let (y, m, d) = parseDate(r[di]), days(y, m, d) >= since else { continue }
            let k = key(y, m, d)
            counts[r[ui].trimmingCharacters(in: .whitespaces), default: [:]][k, default: 0] += 1
            lo = min(lo, k); hi = max(hi, k)
        }
        guard lo <= hi else { throw LabUsageError("no dated rows") }
        var at = hi
        if let a = o.value("at") {
            if period == .month, let ym = YearMonth(a) { at = ym.year * 12 + ym.month - 1 }
            else if let (y, m, d) = parseDate(a) { at = key(y, m, d) }
            else { throw LabUsageError("--at wants 2020-06 (month) or 2020-06-01 (week)") }
        }
        guard at >= lo, at <= hi else { throw LabUsageError("--at outside the data (\(label(lo)) … \(label(hi)))") }

        var config = EarlyWarningConfig()
        if let b = o.value("baseline") {
            let p = b.split(separator: ":").map(String.init)
            if p.first == "years", p.count >= 2, let n = Int(p[1]) {
                config.baseline = .samePeriodPreviousYears(years: n, halfWindow: p.count > 2 ? Int(p[2]) ?? 0 : 0)
            } else if p.first == "trailing", p.count == 2, let n = Int(p[1]) {
                config.baseline = .trailingMean(periods: n)
            } else { throw LabUsageError("--baseline years:N[:H] or trailing:N") }
        }
        config.zThreshold = try o.double("z", default: config.zThreshold)
        config.minCount = try o.int("min-count", default: config.minCount)
        config.ruleMinIncrease = try o.double("rule-increase", default: config.ruleMinIncrease)
        config.ruleMinCount = try o.int("rule-min", default: config.ruleMinCount)
        config.ruleEnabled = !o.flag("no-rule")

        let series = counts.keys.sorted().map { unit in
            WarningSeries(unitID: unit, unitName: unit, unitKind: .community, period: period,
                          counts: (lo...at).map { counts[unit]![$0] ?? 0 }, labels: (lo...at).map(label))
        }
        let clock = ContinuousClock()
        let t0 = clock.now
        let alerts = EarlyWarning.evaluate(series, config: config)
        let elapsed = clock.now - t0
        var w = LabCSV(header: ["unit", "period", "rule", "observed", "baseline", "wheeler_z", "change", "reason_zh", "reason_en"])
        for a in alerts {
            w.append([a.unitID, a.periodLabel ?? "", a.rule.rawValue, String(a.observed), String(format: "%.3f", a.baseline),
                      a.z.map { String(format: "%.3f", $0) } ?? "", a.change.map { String(format: "%.4f", $0) } ?? "",
                      a.reasonZh, a.reasonEn])
        }
        if let out = o.value("out") { try w.text.write(toFile: out, atomically: true, encoding: .utf8) } else { print(w.text, terminator: "") }
        let poisson = alerts.filter { $0.rule == .poissonExceedance }.count
        FileHandle.standardError.write(Data("earlywarn: \(series.count) units, \(period.rawValue)s \(label(lo)) … \(label(at)); \(poisson) Poisson alarms, \(alerts.count - poisson) rule alarms (\(Set(alerts.map(\.unitID)).count) units) in \(elapsed)\n".utf8))
    }
}

extension HotspotLab {
    static let patrolHelp = """
    pingan-lab patrol --events FILE.csv --week 2020-06-01 [--cell 150] [--hours 40] [--window 2]
                      [--history-weeks 52] [--max-per-cell 3] [--max-concurrent 2] [--out plan.csv]
                      [--date-col occurrencedate --hour-col occurrencehour --unit-col Neighbourhood
                       --lat-col Lat --lon-col Long] [--lat0 43.7065 --lon0 -79.3967]
      Draft patrol plan for the week starting Monday --week: each unit (station; Toronto: neighbourhood)
      owns the cells where most of its incidents fell; a cell's score is its count over the last
      --history-weeks weeks divided by that many weeks (expected incidents next week — the strongest
      forecast-eval baseline), its hour × weekday profile comes from the same weeks, and every station
      gets --hours patrol-hours. Prints how many of that week's incidents fell in the planned windows.
    """

    static func patrol(_ args: [String]) throws {
        let o = LabOptions(args)
        if o.flag("help") { print(patrolHelp); return }
        guard let path = o.value("events"), let weekText = o.value("week"), let wk = parseDate(weekText) else {
            throw LabUsageError("--events FILE.csv and --week YYYY-MM-DD are required\n" + patrolHelp)
        }
        let monday = days(wk.0, wk.1, wk.2)
        guard (monday + 3) % 7 == 0 else { throw LabUsageError("--week \(weekText) is not a Monday") }
        let grid = HotspotGrid.toronto(cellSize: try o.double("cell", default: HotspotGrid.defaultCellSize))
        let projection = LocalProjection(lat0: try o.double("lat0", default: LocalProjection.toronto.lat0),
                                         lon0: try o.double("lon0", default: LocalProjection.toronto.lon0))
        let historyWeeks = try o.int("history-weeks", default: 52)
        guard let data = FileManager.default.contents(atPath: path) else { throw LabUsageError("cannot read \(path)") }
        let rows = CSVReader.parse(String(decoding: data, as: UTF8.self))
        guard let header = rows.first else { throw LabUsageError("empty file") }
        func col(_ option: String, _ fallback: String) throws -> Int {
            let name = o.value(option) ?? fallback
            guard let i = header.firstIndex(of: name) else { throw LabUsageError("no column \(name)") }
            return i
        }
        let di = try col("date-col", "occurrencedate"), hi = try col("hour-col", "occurrencehour")
        let ui = try col("unit-col", "Neighbourhood"), lai = try col("lat-col", "Lat"), loi = try col("lon-col", "Long")
        let width = [di, hi, ui, lai, loi].max()!

        var profiles: [Int: HourWeekdayTable] = [:]
        var recent: [Int: Int] = [:]
        var unitVotes: [Int: [String: Int]] = [:]
        var nextWeek: [(cell: Int, weekday: Int, hour: Int)] = []
        let from = monday - 7 * historyWeeks
        for r in rows.dropFirst() where r.count > width {
            guard let (y, m, d) = parseDate(r[di]), let hour = Int(r[hi]), let lat = Double(r[lai]), let lon = Double(r[loi]),
                  let cell = grid.cellIndex(of: projection.project(lat: lat, lon: lon)) else { continue }
            let day = days(y, m, d)
            let weekday = (day + 3) % 7 + 1
            if day < monday {
                unitVotes[cell, default: [:]][r[ui], default: 0] += 1
                if day >= from {
                    recent[cell, default: 0] += 1
                    profiles[cell, default: HourWeekdayTable()].add(weekday: weekday, hour: hour)
                }
            } else if day < monday + 7 {
                nextWeek.append((cell, weekday, hour))
            }
        }
        let station: [Int: String] = unitVotes.mapValues { votes in
            votes.max { $0.value != $1.value ? $0.value < $1.value : $0.key > $1.key }!.key
        }
        let inputs = station.keys.sorted().map { c in
            PatrolCellInput(cell: c, stationID: station[c]!, score: Double(recent[c] ?? 0) / Double(historyWeeks), profile: profiles[c])
        }
        var config = PatrolConfig()
        config.windowHours = try o.int("window", default: config.windowHours)
        config.maxWindowsPerCell = try o.int("max-per-cell", default: config.maxWindowsPerCell)
        config.maxConcurrentPatrols = try o.int("max-concurrent", default: config.maxConcurrentPatrols ?? 2)
        let hours = try o.double("hours", default: 40)
        let stations = Set(station.values)
        let clock = ContinuousClock()
        let t0 = clock.now
        let plan = PatrolRecommendation.plan(cells: inputs, capacity: Dictionary(uniqueKeysWithValues: stations.map { ($0, hours) }), config: config)
        let elapsed = clock.now - t0

        var w = LabCSV(header: ["station", "rank", "cell_index", "cell_x", "cell_y", "lat", "lon", "date", "window",
                                   "patrol_hours", "cell_score", "window_share", "priority"])
        for r in plan {
            let (lat, lon) = projection.unproject(grid.center(of: r.cell))
            let (y, m, d) = civil(monday + r.weekday - 1)
            w.append([r.stationID, String(r.rank), String(r.cell), String(grid.column(of: r.cell)), String(grid.row(of: r.cell)),
                      String(format: "%.6f", lat), String(format: "%.6f", lon), String(format: "%04d-%02d-%02d", y, m, d),
                      r.windowText(chinese: false), String(format: "%g", r.patrolHours), String(format: "%.4f", r.cellScore),
                      String(format: "%.4f", r.windowShare), String(format: "%.5f", r.priority)])
        }
        if let out = o.value("out") { try w.text.write(toFile: out, atomically: true, encoding: .utf8) } else { print(w.text, terminator: "") }

        // Back-test: incidents of that week inside a planned cell × window.
        var planned = Set<Int>()
        for r in plan { for h in r.startHour ..< r.endHour { planned.insert(r.cell * 168 + (r.weekday - 1) * 24 + h) } }
        let covered = nextWeek.filter { planned.contains($0.cell * 168 + ($0.weekday - 1) * 24 + $0.hour) }.count
        let cellHours = Double(planned.count) / Double(max(1, station.count) * 168)
        FileHandle.standardError.write(Data("""
        patrol: \(stations.count) stations, \(inputs.count) cells with history, \(plan.count) patrol windows (\(String(format: "%g", hours)) h each station) planned in \(elapsed)
        week \(weekText): \(covered) of \(nextWeek.count) incidents (\(Rate.format(covered, of: max(1, nextWeek.count)))) fell in a planned cell × window, which is \(Decimals.percent(cellHours, places: 2)) of the cell-hours

        """.utf8))
    }
}
