import Foundation

/// One incident on the forecast grid: its local date (day number), projected position, grid cell,
/// distinct location (points snapped to the same intersection share it) and crime type code.
public struct IncidentPoint: Sendable, Equatable {
    public var day: Int
    public var x: Double
    public var y: Double
    public var cell: Int
    public var location: Int
    public var crime: Int

    public init(day: Int, x: Double, y: Double, cell: Int, location: Int, crime: Int) {
        self.day = day; self.x = x; self.y = y; self.cell = cell; self.location = location; self.crime = crime
    }
}

/// Which incidents a forecast is about: every row (`All`, protocol P1) or one crime type.
public enum CrimeSelector: Sendable, Equatable, CustomStringConvertible {
    case all
    case type(Int)

    @inline(__always) public func matches(_ p: IncidentPoint) -> Bool {
        switch self {
        case .all: return true
        case .type(let c): return p.crime == c
        }
    }

    public var description: String {
        switch self {
        case .all: return "All"
        case .type(let c): return "type \(c)"
        }
    }
}

/// Incidents projected onto one grid, sorted by date. Built once; every weekly forecast sees only a
/// prefix of it (see `ForecastHistory`).
public struct IncidentDataset: Sendable {
    public let grid: ForecastGrid
    public let projection: ForecastProjection
    /// Crime type names; `IncidentPoint.crime` indexes this list.
    public let crimeNames: [String]
    /// Sorted by `day` (stable: input order within a day).
    public let points: [IncidentPoint]
    /// Projected position of each distinct location.
    public let locations: [(x: Double, y: Double)]
    /// Rows dropped because they fell outside the grid.
    public let droppedOutsideGrid: Int

    /// Raw incidents (local day, latitude, longitude, crime name). Points outside the grid are dropped
    /// and counted; crime names get codes in order of first appearance unless `crimeNames` fixes them.
    public init(raw: [(day: Int, lat: Double, lon: Double, crime: String)], grid: ForecastGrid,
                projection: ForecastProjection, crimeNames fixedNames: [String] = []) {
        var names = fixedNames
        var code: [String: Int] = [:]
        for (i, n) in names.enumerated() { code[n] = i }
        var locIndex: [SIMD2<Double>: Int] = [:]
        var locs: [(x: Double, y: Double)] = []
        var pts: [IncidentPoint] = []
        pts.reserveCapacity(raw.count)
        var dropped = 0
        for r in raw {
            let (x, y) = projection.project(lat: r.lat, lon: r.lon)
            guard let cell = grid.cellIndex(x: x, y: y) else { dropped += 1; continue }
            let c: Int
            if let known = code[r.crime] { c = known } else { c = names.count; names.append(r.crime); code[r.crime] = c }
            let key = SIMD2(x, y)
            let loc: Int
            if let l = locIndex[key] { loc = l } else { loc = locs.count; locIndex[key] = loc; locs.append((x, y)) }
            pts.append(IncidentPoint(day: r.day, x: x, y: y, cell: cell, location: loc, crime: c))
        }
        // Stable sort by day.
        let order = pts.indices.sorted { pts[$0].day != pts[$1].day ? pts[$0].day < pts[$1].day : $0 < $1 }
        self.points = order.map { pts[$0] }
        self.grid = grid
        self.projection = projection
        self.crimeNames = names
        self.locations = locs
        self.droppedOutsideGrid = dropped
    }

    /// The selector for a protocol crime label: "All" or one of `crimeNames`.
    public func selector(for name: String) -> CrimeSelector? {
        if name == "All" { return .all }
        guard let i = crimeNames.firstIndex(of: name) else { return nil }
        return .type(i)
    }

    /// Number of incidents dated strictly before `day` (binary search on the sorted points).
    public func countBefore(day: Int) -> Int {
        var lo = 0, hi = points.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if points[mid].day < day { lo = mid + 1 } else { hi = mid }
        }
        return lo
    }

    /// Walk-forward view for the week starting on `weekStart` (a Monday): incidents dated before it.
    public func history(before weekStart: Int) -> ForecastHistory {
        ForecastHistory(dataset: self, weekStart: weekStart)
    }

    /// Protocol P3 mask: sorted cells with at least one incident (any type) dated before `day`.
    public func mask(before day: Int) -> [Int] {
        var seen = [Bool](repeating: false, count: grid.cellCount)
        for p in points[0..<countBefore(day: day)] { seen[p.cell] = true }
        return seen.indices.filter { seen[$0] }
    }

    /// The incidents of the week that starts on `weekStart` (Monday 00:00 to Sunday 24:00, by local date).
    public func points(inWeekStarting weekStart: Int) -> ArraySlice<IncidentPoint> {
        points[countBefore(day: weekStart)..<countBefore(day: weekStart + 7)]
    }

    /// Incident counts per grid cell for the days [from, to) of one selector (what a week "realises").
    public func counts(from: Int, to: Int, crime: CrimeSelector) -> [Int] {
        var out = [Int](repeating: 0, count: grid.cellCount)
        for p in points[countBefore(day: from)..<countBefore(day: to)] where crime.matches(p) { out[p.cell] += 1 }
        return out
    }
}

/// What a forecast for the week starting `weekStart` may see: only incidents dated before that Monday
/// (protocol P4). Models receive nothing else about incidents, so they cannot look ahead.
public struct ForecastHistory: Sendable {
    public let grid: ForecastGrid
    public let weekStart: Int
    public let points: ArraySlice<IncidentPoint>
    public let locations: [(x: Double, y: Double)]
    public let crimeNames: [String]

    init(dataset: IncidentDataset, weekStart: Int) {
        self.grid = dataset.grid
        self.weekStart = weekStart
        self.points = dataset.points[0..<dataset.countBefore(day: weekStart)]
        self.locations = dataset.locations
        self.crimeNames = dataset.crimeNames
    }

    /// Incidents of the last `weeks` weeks (days weekStart − 7·weeks … weekStart − 1).
    public func recent(weeks: Int) -> ArraySlice<IncidentPoint> {
        recent(days: 7 * weeks)
    }

    public func recent(days: Int) -> ArraySlice<IncidentPoint> {
        let from = weekStart - days
        var lo = points.startIndex, hi = points.endIndex
        while lo < hi {
            let mid = (lo + hi) / 2
            if points[mid].day < from { lo = mid + 1 } else { hi = mid }
        }
        return points[lo...]
    }
}

/// Reader of the Toronto Police MCI file of `shared/data/toronto-mci` (already decompressed):
/// the local date is the first 10 characters of `occurrencedate`, the crime type is `MCI`, the point is
/// `Lat`/`Long`; rows dated before `firstDay` (protocol: 2014-01-01) or without coordinates are dropped.
public enum TorontoMCI {
    public static let crimeTypes = ["Break and Enter", "Auto Theft", "Robbery", "Assault", "Theft Over"]
    public static let firstDay = CivilDay.number(year: 2014, month: 1, day: 1)

    public struct ParseResult: Sendable {
        public var rows: [(day: Int, lat: Double, lon: Double, crime: String)]
        public var droppedBeforeFirstDay: Int
        public var droppedUnreadable: Int
    }

    public enum ParseError: Error, CustomStringConvertible {
        case missingColumn(String)
        public var description: String {
            switch self { case .missingColumn(let c): return "Toronto MCI CSV lacks column \(c)" }
        }
    }

    /// Parses the CSV bytes (RFC 4180, via `CSVReader`).
    public static func parse(_ text: String) throws -> ParseResult {
        let table = CSVReader.parse(text)
        guard let header = table.first else { return ParseResult(rows: [], droppedBeforeFirstDay: 0, droppedUnreadable: 0) }
        func col(_ name: String) throws -> Int {
            guard let i = header.firstIndex(of: name) else { throw ParseError.missingColumn(name) }
            return i
        }
        let iDate = try col("occurrencedate"), iMCI = try col("MCI"), iLat = try col("Lat"), iLon = try col("Long")
        var out = ParseResult(rows: [], droppedBeforeFirstDay: 0, droppedUnreadable: 0)
        out.rows.reserveCapacity(table.count)
        for row in table.dropFirst() {
            guard row.count > max(iDate, iMCI, iLat, iLon), let day = CivilDay.parse(row[iDate]),
                  let lat = Double(row[iLat]), let lon = Double(row[iLon]), lat.isFinite, lon.isFinite,
                  !row[iMCI].isEmpty
            else { out.droppedUnreadable += 1; continue }
            if day < firstDay { out.droppedBeforeFirstDay += 1; continue }
            out.rows.append((day, lat, lon, row[iMCI]))
        }
        return out
    }

    /// The dataset on the protocol's Toronto grid for one cell size.
    public static func dataset(_ parsed: ParseResult, cellSize: Double) -> IncidentDataset {
        IncidentDataset(raw: parsed.rows, grid: .toronto(cellSize: cellSize), projection: .toronto, crimeNames: crimeTypes)
    }
}
