import Foundation

/// One located incident for a hotspot run: position, local weekday (1 = Monday) and hour, and the unit
/// (community id) it belongs to, for naming a cell after its main community.
public struct HotspotEvent: Hashable, Sendable {
    public var lat: Double
    public var lon: Double
    public var weekday: Int
    public var hour: Int
    public var unit: String
    public init(lat: Double, lon: Double, weekday: Int, hour: Int, unit: String) {
        self.lat = lat; self.lon = lon; self.weekday = weekday; self.hour = hour; self.unit = unit
    }
}

extension HotspotGrid {
    /// The bounding box of `points` with edges on multiples of `cellSize` (from the projection origin),
    /// so a place keeps the same cell — and the same `cellLabel` — whatever period or filter is chosen.
    public static func anchored<S: Sequence>(_ points: S, cellSize: Double = HotspotGrid.defaultCellSize) -> HotspotGrid?
    where S.Element == PlanarPoint {
        var lo = PlanarPoint(x: .infinity, y: .infinity), hi = PlanarPoint(x: -.infinity, y: -.infinity)
        for p in points where p.x.isFinite && p.y.isFinite {
            lo.x = min(lo.x, p.x); lo.y = min(lo.y, p.y); hi.x = max(hi.x, p.x); hi.y = max(hi.y, p.y)
        }
        guard lo.x.isFinite, cellSize > 0 else { return nil }
        let minX = (lo.x / cellSize).rounded(.down) * cellSize, minY = (lo.y / cellSize).rounded(.down) * cellSize
        let maxX = ((hi.x / cellSize).rounded(.down) + 1) * cellSize, maxY = ((hi.y / cellSize).rounded(.down) + 1) * cellSize
        return HotspotGrid(minX: minX, minY: minY, maxX: maxX, maxY: maxY, cellSize: cellSize)
    }

    /// Column and row counted from the projection origin (stable across runs of an anchored grid).
    public func absoluteColumnRow(of index: Int) -> (x: Int, y: Int) {
        (Int((minX / cellSize).rounded()) + column(of: index), Int((minY / cellSize).rounded()) + row(of: index))
    }

    /// "X12Y-3": the cell's column and row from the projection origin, for tables, CSV and patrol plans.
    public func cellLabel(_ index: Int) -> String {
        let (x, y) = absoluteColumnRow(of: index)
        return "X\(x)Y\(y)"
    }
}

/// A hotspot run over located incidents (热点分析): an anchored square grid, counts per cell, Gi* on the
/// whole rectangular lattice (empty cells included, as `esda.G_Local` on `lat2W`), the hot cells with
/// their hour × weekday profiles, and each non-empty cell's main unit.
public struct HotspotAnalysis: Sendable {
    public let projection: LocalProjection
    public let grid: HotspotGrid
    public let counts: [Double]
    public let gi: GiStarResult
    public let hotCells: [HotCell]
    /// Unit with the most incidents in each non-empty cell (ties: the smaller unit id as text).
    public let mainUnit: [Int: String]
    public let events: Int

    public enum Failure: Error, Equatable {
        /// The lattice would have more than `limit` cells.
        case tooManyCells(Int, limit: Int)
    }

    /// nil when there is no event. `maxCells` guards against a cell size far too small for the area.
    public static func run(events: [HotspotEvent], projection: LocalProjection, cellSize: Double = HotspotGrid.defaultCellSize,
                           maxCells: Int = 250_000, minZ: Double = 1.959_963_984_540_054, hotLimit: Int? = nil) throws -> HotspotAnalysis? {
        let points = events.map { projection.project(lat: $0.lat, lon: $0.lon) }
        guard let grid = HotspotGrid.anchored(points, cellSize: cellSize) else { return nil }
        guard grid.cellCount <= maxCells else { throw Failure.tooManyCells(grid.cellCount, limit: maxCells) }
        var counts = [Double](repeating: 0, count: grid.cellCount)
        var cellEvents: [CellEvent] = []
        cellEvents.reserveCapacity(events.count)
        var perUnit: [Int: [String: Int]] = [:]
        for (e, p) in zip(events, points) {
            guard let i = grid.cellIndex(of: p) else { continue }   // cannot happen: the grid covers every point
            counts[i] += 1
            cellEvents.append(CellEvent(cell: i, weekday: e.weekday, hour: e.hour))
            perUnit[i, default: [:]][e.unit, default: 0] += 1
        }
        let gi = GetisOrd.giStar(values: counts, grid: grid)
        // Hottest first; cells whose z ties (a uniform background makes a cluster's whole 3 × 3 block
        // tie) are ordered by their own count, then index.
        var hot = Hotspots.hotCells(result: gi, counts: counts, events: cellEvents, minZ: minZ)
        hot.sort { a, b in
            let za = (a.z * 1e9).rounded(), zb = (b.z * 1e9).rounded()
            if za != zb { return za > zb }
            return a.count != b.count ? a.count > b.count : a.cell < b.cell
        }
        if let hotLimit { hot = Array(hot.prefix(hotLimit)) }
        let main = perUnit.mapValues { units in
            units.max { $0.value != $1.value ? $0.value < $1.value : $0.key > $1.key }!.key
        }
        return HotspotAnalysis(projection: projection, grid: grid, counts: counts, gi: gi, hotCells: hot, mainUnit: main, events: events.count)
    }

    /// Centre of a cell in WGS84 degrees.
    public func center(of index: Int) -> (lat: Double, lon: Double) { projection.unproject(grid.center(of: index)) }

    /// z of a cell, nil where Gi* is undefined (all cells equal).
    public func z(_ index: Int) -> Double? { gi.z[index].isFinite ? gi.z[index] : nil }

    public func band(_ index: Int) -> HotspotBand { gi.z[index].isFinite ? HotspotBand(z: gi.z[index]) : .notSignificant }

    /// Cells worth drawing or listing: with incidents, or significant either way. Ascending index.
    public var notableCells: [Int] {
        (0..<grid.cellCount).filter { counts[$0] > 0 || band($0) != .notSignificant }
    }
}

extension HourWeekdayTable {
    /// The busiest window of `hours` consecutive hours in the week (weekday, start hour, count); ties go
    /// to the earliest. nil for an empty table.
    public func peakWindow(hours: Int) -> (weekday: Int, startHour: Int, count: Int)? {
        guard total > 0 else { return nil }
        var best = (1, 0, -1)
        for d in 1...7 { for h in 0..<24 { let c = count(weekday: d, startHour: h, hours: hours); if c > best.2 { best = (d, h, c) } } }
        return best
    }
}
